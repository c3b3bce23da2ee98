/* lstm_q8.h — UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations and weights,
 * int32 biases and an int16 cell state (TFLite's "8x8_16" integer LSTM), as
 * TFLM's reference kernel computes it (lstm_eval.h, LstmStep):
 *
 *   gate   = act(FC16(x, W_gate) + FC16(h, R_gate))   int16 Q3.12 in, Q0.15 out
 *   cell   = sat16(mul(forget, cell) + mul(input, cell_gate)), then clipped
 *   h      = mul(tanh(cell), output) + zero point      int8, also the step's output
 *
 * FC16 is a fully connected layer whose int32 sums are requantized to int16 with
 * scale 2^-12 and saturated; act is the 16-bit table sigmoid (tanh for the cell
 * gate); each mul rescales a product of two int16 values with one multiplier.
 * Gate order everywhere: input, forget, cell, output.
 */
#ifndef EI_LSTM_Q8_H
#define EI_LSTM_Q8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { EI_LSTM_INPUT_GATE, EI_LSTM_FORGET_GATE, EI_LSTM_CELL_GATE, EI_LSTM_OUTPUT_GATE, EI_LSTM_GATES };

/* A multiplier as (significand, exponent), applied with ei_requantize. */
typedef struct {
  int32_t m;
  int e;
} ei_lstm_scale;

typedef struct {
  const int8_t *input_weights;     /* [state_size][input_size] */
  const int8_t *recurrent_weights; /* [state_size][state_size] */
  const int32_t *bias;             /* [state_size] */
  ei_lstm_scale input_scale;       /* input * weight scale -> 2^-12 */
  ei_lstm_scale recurrent_scale;   /* output state * weight scale -> 2^-12 */
} ei_lstm_gate;

typedef struct {
  int batches, steps, input_size, state_size;
  bool time_major;                 /* input [steps, batches, input], else [batches, steps, input] */
  int32_t input_offset;            /* -(input zero point) */
  int32_t state_offset;            /* -(output state zero point) */
  ei_lstm_gate gates[EI_LSTM_GATES];
  ei_lstm_scale forget_times_cell; /* 2^-15 * cell scale -> cell scale */
  ei_lstm_scale input_times_gate;  /* 2^-15 * 2^-15 -> cell scale */
  bool clip_cell;                  /* the model's cell_clip > 0: then |cell| <= cell_clip */
  int16_t cell_clip;
  int32_t cell_tanh_multiplier;    /* cell state -> table input (ei_lut16_input) */
  int cell_tanh_shift;
  ei_lstm_scale hidden_scale;      /* 2^-15 * 2^-15 -> output state scale */
  int32_t hidden_zero_point;
} ei_lstm_params;

/* Scratch bytes ei_lstm_q8 needs. */
size_t ei_lstm_q8_scratch_bytes(const ei_lstm_params *p);

/* Runs every step of every batch. output_state [batches, state] and cell_state
 * [batches, state] carry the state in and out; output has the input's layout
 * with state_size values per step. */
void ei_lstm_q8(const ei_lstm_params *p, const int8_t *input, int8_t *output_state,
                int16_t *cell_state, int8_t *output, int16_t *scratch);

#endif
