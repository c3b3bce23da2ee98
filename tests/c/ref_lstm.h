/* ref_lstm.h — an independent reference for UNIDIRECTIONAL_SEQUENCE_LSTM with
 * int8 activations and weights, int32 biases and an int16 cell state, as TFLM's
 * integer kernel specifies it (lstm_eval.h / lstm_eval_common.cc and the
 * reference_integer_ops it calls).
 *
 * Written from that specification, not from the engine: it does not include
 * src/, sums are int64, every shift is an explicit floor division, and
 * requantization uses ref_ops.h's primitives. Values travel as int32 arrays of
 * raw quantized values.
 */
#ifndef REF_LSTM_H
#define REF_LSTM_H

#include <stdint.h>

enum { REF_GATE_INPUT, REF_GATE_FORGET, REF_GATE_CELL, REF_GATE_OUTPUT, REF_GATES };

typedef struct {
  int batches, steps, input_size, state_size;
  int time_major;                 /* input [steps, batches, input] when 1, else [batches, steps, input] */
  float in_scale;
  int32_t in_zp;
  float state_scale;              /* output state, and the output */
  int32_t state_zp;
  int cell_log2;                  /* the cell state's scale is 2^cell_log2, zero point 0 */
  float cell_clip;                /* > 0: clip the cell state to +-cell_clip (real units) */
  float w_scale[REF_GATES];       /* input weights, per gate */
  float r_scale[REF_GATES];       /* recurrent weights, per gate */
  const int32_t *w[REF_GATES];    /* [state][input] */
  const int32_t *r[REF_GATES];    /* [state][state] */
  const int32_t *bias[REF_GATES]; /* [state] */
} ref_lstm;

/* One invocation over every step. h and c ([batches][state]) hold the output
 * state and the cell state: read at the start, updated in place. out has the
 * input's layout with state_size values per step. */
void ref_lstm_run(const ref_lstm *p, const int32_t *input, int32_t *h, int32_t *c, int32_t *out);

/* TFLite's sigmoid table entry i (Q0.16 sigmoid(i / 24)), for a self-check. */
int32_t ref_lstm_table(int i);
/* The 16-bit activations on a Q3.12 input (sigmoid) or a value already scaled
 * to units of 1/12288 (tanh_scaled); results Q0.15. */
int32_t ref_lstm_sigmoid(int32_t x_q3_12);
int32_t ref_lstm_tanh_scaled(int64_t v);

#endif
