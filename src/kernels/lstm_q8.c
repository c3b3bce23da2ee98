/* lstm_q8.c — the integer LSTM step (see lstm_q8.h), scalar reference loops.
 *
 * Every batch row is independent, so rows are run one at a time whatever the
 * layout: TFLM runs a time step for all batches at once when time-major and a
 * batch for all time steps otherwise, which gives the same numbers.
 */
#include "kernels/lstm_q8.h"

#include <string.h>

#include "quant.h"

static int16_t saturate16(int32_t v) { return (int16_t)ei_clamp(v, INT16_MIN, INT16_MAX); }

/* out[s] = sat16(requantize(sum_k W[s][k] * (x[k] + offset) + bias[s])), bias optional.
 * prepare bounds the sizes so the sum fits int32; adding the bias wraps as the
 * reference's int32 addition does on every machine it runs on. */
static void fully_connected16(const int8_t *x, int n, int32_t offset, const int8_t *w,
                              const int32_t *bias, int rows, ei_lstm_scale scale, int16_t *out) {
  for (int s = 0; s < rows; ++s) {
    const int8_t *row = w + (size_t)s * (size_t)n;
    int32_t acc = 0;
    for (int k = 0; k < n; ++k) acc += row[k] * (x[k] + offset);
    if (bias) acc = (int32_t)((uint32_t)acc + (uint32_t)bias[s]);
    out[s] = saturate16(ei_requantize(acc, scale.m, scale.e));
  }
}

/* A product of two int16 values rescaled by `scale` (TFLite MulElementwise, zero offsets). */
static int32_t rescaled_product(int16_t a, int16_t b, ei_lstm_scale scale) {
  return ei_requantize((int32_t)a * b, scale.m, scale.e);
}

/* One time step of one batch row: x [input_size], h and c [state_size] updated in place. */
static void step(const ei_lstm_params *p, const int8_t *x, int8_t *h, int16_t *c, int16_t *scratch) {
  const int n = p->state_size;
  int16_t *gate[EI_LSTM_GATES], *recurrent = scratch + EI_LSTM_GATES * (size_t)n;
  /* Gate pre-activations from x and the previous h (Q3.12), then their activations (Q0.15). */
  for (int g = 0; g < EI_LSTM_GATES; ++g) {
    const ei_lstm_gate *gp = &p->gates[g];
    gate[g] = scratch + (size_t)g * (size_t)n;
    fully_connected16(x, p->input_size, p->input_offset, gp->input_weights, gp->bias, n,
                      gp->input_scale, gate[g]);
    fully_connected16(h, n, p->state_offset, gp->recurrent_weights, NULL, n, gp->recurrent_scale,
                      recurrent);
    const bool use_tanh = g == EI_LSTM_CELL_GATE;
    for (int s = 0; s < n; ++s) {
      /* The table takes 3 x Q3.12: an exact multiply, no rounding. */
      int32_t v = ei_lut16_input(saturate16(gate[g][s] + recurrent[s]), 3, 0);
      gate[g][s] = use_tanh ? ei_tanh_q15(v) : ei_sigmoid_q15(v);
    }
  }
  for (int s = 0; s < n; ++s) {
    /* Each product saturates to int16 before the (saturating) sum. */
    int32_t kept = saturate16(rescaled_product(gate[EI_LSTM_FORGET_GATE][s], c[s], p->forget_times_cell));
    int32_t added = saturate16(rescaled_product(gate[EI_LSTM_INPUT_GATE][s], gate[EI_LSTM_CELL_GATE][s],
                                                p->input_times_gate));
    int16_t cell = saturate16(kept + added);
    if (p->clip_cell) cell = (int16_t)ei_clamp(cell, -p->cell_clip, p->cell_clip);
    c[s] = cell;
    int16_t t = ei_tanh_q15(ei_lut16_input(cell, p->cell_tanh_multiplier, p->cell_tanh_shift));
    int32_t hidden = rescaled_product(t, gate[EI_LSTM_OUTPUT_GATE][s], p->hidden_scale) + p->hidden_zero_point;
    h[s] = (int8_t)ei_clamp(hidden, INT8_MIN, INT8_MAX);
  }
}

size_t ei_lstm_q8_scratch_bytes(const ei_lstm_params *p) {
  return (EI_LSTM_GATES + 1) * (size_t)p->state_size * sizeof(int16_t);
}

void ei_lstm_q8(const ei_lstm_params *p, const int8_t *input, int8_t *output_state,
                int16_t *cell_state, int8_t *output, int16_t *scratch) {
  const size_t in_size = (size_t)p->input_size, state_size = (size_t)p->state_size;
  for (int b = 0; b < p->batches; ++b) {
    int8_t *h = output_state + (size_t)b * state_size;
    int16_t *c = cell_state + (size_t)b * state_size;
    for (int t = 0; t < p->steps; ++t) {
      size_t row = p->time_major ? (size_t)t * (size_t)p->batches + (size_t)b
                                 : (size_t)b * (size_t)p->steps + (size_t)t;
      step(p, input + row * in_size, h, c, scratch);
      memcpy(output + row * state_size, h, state_size);
    }
  }
}
