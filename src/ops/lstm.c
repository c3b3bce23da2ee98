/* lstm.c — UNIDIRECTIONAL_SEQUENCE_LSTM, integer ("8x8_16"): int8 input,
 * weights and output state, int32 biases, int16 cell state with a power-of-two
 * scale. The arithmetic is TFLM's reference kernel (kernels/lstm_q8.c); the
 * scales are derived here exactly as TFLM's Prepare does.
 *
 * The output state and the cell state are variable tensors: they live for the
 * whole graph, start at real zero and carry over from one invocation to the next
 * until ei_reset_state. The standard LSTM only, as in TFLM: models with CIFG,
 * peephole, projection or layer-norm operands are refused with UNSUPPORTED_OP,
 * as are float and 16-bit-activation LSTMs.
 */
#include <math.h>

#include "kernels/lstm_q8.h"
#include "ops/op_common.h"
#include "quant.h"

enum { OPT_UNIDIRECTIONAL_SEQUENCE_LSTM = 71 }; /* BuiltinOptions union tag */
/* UnidirectionalSequenceLSTMOptions fields. */
enum { ACTIVATION = 0, CELL_CLIP = 1, TIME_MAJOR = 3, DIAGONAL_RECURRENT = 5 }; /* 2: proj_clip (no projection) */
enum { ACT_TANH = 4 };

/* Operand slots. */
enum {
  INPUT = 0,
  INPUT_WEIGHTS = 1,      /* 1..4: input-to-{input, forget, cell, output} weights [state, input] */
  RECURRENT_WEIGHTS = 5,  /* 5..8: recurrent-to-{input, forget, cell, output} weights [state, state] */
  PEEPHOLE = 9,           /* 9..11: cell-to-{input, forget, output} weights */
  GATE_BIAS = 12,         /* 12..15: {input, forget, cell, output} gate biases [state] */
  PROJECTION_WEIGHTS = 16, PROJECTION_BIAS = 17,
  OUTPUT_STATE = 18, CELL_STATE = 19,
  LAYER_NORM = 20,        /* 20..23: {input, forget, cell, output} layer-norm coefficients */
};

/* Largest input or state size: keeps every int32 dot product exact (65535 * 255 * 128 < 2^31). */
#define MAX_SIZE 65535

static bool present(const ei_node *n, int k) { return k < n->n_inputs && n->inputs[k] >= 0; }

static ei_status refuse_variants(ei_graph *g, const ei_node *n) {
  if (present(n, INPUT_WEIGHTS) != present(n, RECURRENT_WEIGHTS))
    return ei_fail(g, EI_MODEL_INVALID,
                   "input-to-input weights (input 1) and recurrent-to-input weights (input 5) must be "
                   "both present or both omitted");
  if (!present(n, INPUT_WEIGHTS))
    return ei_fail(g, EI_UNSUPPORTED_OP,
                   "CIFG (coupled input and forget gates: inputs 1 and 5 omitted) is not supported");
  for (int k = PEEPHOLE; k < PEEPHOLE + 3; ++k)
    if (present(n, k))
      return ei_fail(g, EI_UNSUPPORTED_OP, "peephole connections (input %d) are not supported", k);
  for (int k = PROJECTION_WEIGHTS; k <= PROJECTION_BIAS; ++k)
    if (present(n, k)) return ei_fail(g, EI_UNSUPPORTED_OP, "projection (input %d) is not supported", k);
  for (int k = LAYER_NORM; k < LAYER_NORM + 4; ++k)
    if (present(n, k))
      return ei_fail(g, EI_UNSUPPORTED_OP, "layer normalization (input %d) is not supported", k);
  return EI_OK;
}

static ei_status check_dims2(ei_graph *g, const ei_node *n, const ei_tensor *t, int rows, int cols) {
  char label[96];
  ei_status s = ei_check_rank(g, n, t, 2);
  if (s == EI_OK && (t->dims[0] != rows || t->dims[1] != cols))
    return ei_fail(g, EI_MODEL_INVALID, "%s is %dx%d, expected %dx%d",
                   ei_tensor_label(g, ei_tensor_index(g, t), label, sizeof label), (int)t->dims[0],
                   (int)t->dims[1], rows, cols);
  return s;
}

/* Constant int8 weights, per-tensor with zero point 0. */
static ei_status check_weights(ei_graph *g, const ei_node *n, const ei_tensor *w, int rows, int cols) {
  char label[96];
  ei_status s;
  if ((s = ei_check_type(g, n, w, EI_INT8)) || (s = ei_check_const(g, n, w)) ||
      (s = ei_check_quant(g, n, w)) || (s = check_dims2(g, n, w, rows, cols)))
    return s;
  ei_tensor_label(g, ei_tensor_index(g, w), label, sizeof label);
  if (w->q.channels != 1)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s has %u scales; only per-tensor weights are supported",
                   label, w->q.channels);
  if (w->q.zero_point != 0)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s has zero point %d; int8 weights must have zero point 0",
                   label, (int)w->q.zero_point);
  return EI_OK;
}

/* A state operand: a variable, non-constant tensor of `type` holding batches * state values. */
static ei_status check_state(ei_graph *g, const ei_node *n, const ei_tensor *t, int32_t type,
                             size_t count, const char *what) {
  char label[96];
  ei_tensor_label(g, ei_tensor_index(g, t), label, sizeof label);
  ei_status s;
  if ((s = ei_check_type(g, n, t, type)) || (s = ei_check_quant(g, n, t))) return s;
  if (!t->is_variable) return ei_fail(g, EI_MODEL_INVALID, "%s (%s) must be a variable tensor", label, what);
  if (t->is_const)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s (%s) holds constant data; a state must start empty", label, what);
  if (ei_num_elements(t) != count)
    return ei_fail(g, EI_MODEL_INVALID, "%s (%s) has %zu elements, expected batches x state = %zu",
                   label, what, ei_num_elements(t), count);
  return EI_OK;
}

static ei_status scale_of(ei_graph *g, const ei_node *n, double m, ei_lstm_scale *out) {
  return ei_multiplier(g, n, m, &out->m, &out->e);
}

/* Int32 biases, copied so the kernel reads aligned memory. */
static ei_status gate_bias(ei_graph *g, const ei_node *n, const ei_tensor *b, int state, const int32_t **out) {
  char label[96];
  ei_status s;
  if ((s = ei_check_type(g, n, b, EI_INT32)) || (s = ei_check_const(g, n, b)) || (s = ei_check_rank(g, n, b, 1)))
    return s;
  if (b->dims[0] != state)
    return ei_fail(g, EI_MODEL_INVALID, "%s has %d elements, expected %d",
                   ei_tensor_label(g, ei_tensor_index(g, b), label, sizeof label), (int)b->dims[0], state);
  int32_t *copy = ei_alloc(g, (size_t)state * sizeof(int32_t) + 1);
  if (!copy) return g->status;
  for (int i = 0; i < state; ++i) copy[i] = ei_const_i32(b, (size_t)i);
  *out = copy;
  return EI_OK;
}

/* The cell state's scale must be 2^p (TFLite CheckedLog2, in float); p sets the
 * scaling of the cell state into the tanh table: 3 * x * 2^(p + 12). */
static ei_status cell_tanh_input(ei_graph *g, const ei_node *n, float scale, ei_lstm_params *k) {
  float log2_scale = logf(scale) * (1.0f / logf(2.0f));
  float p = roundf(log2_scale);
  if (!(fabsf(log2_scale - p) < 1e-3f))
    return ei_fail(g, EI_UNSUPPORTED_OP, "cell state scale %g is not a power of two", (double)scale);
  /* Beyond these the reference's int32 scaling of the cell state would overflow. */
  if (p < -43.0f || p > 2.0f)
    return ei_fail(g, EI_UNSUPPORTED_OP, "cell state scale 2^%d is outside 2^-43..2^2", (int)p);
  int left_shift = 12 + (int)p;
  k->cell_tanh_multiplier = left_shift >= 0 ? 3 << left_shift : 3;
  k->cell_tanh_shift = left_shift >= 0 ? 0 : -left_shift;
  return EI_OK;
}

typedef struct {
  uint8_t activation, time_major, diagonal;
  float cell_clip;
} lstm_options;

static ei_status read_options(ei_graph *g, const ei_node *n, lstm_options *o) {
  fb_table t;
  ei_status s = ei_options(g, n, OPT_UNIDIRECTIONAL_SEQUENCE_LSTM, &t);
  if (s != EI_OK) return s;
  if (!fb_u8(&t, ACTIVATION, 0, &o->activation) || !fb_f32(&t, CELL_CLIP, 0.0f, &o->cell_clip) ||
      !fb_u8(&t, TIME_MAJOR, 0, &o->time_major) || !fb_u8(&t, DIAGONAL_RECURRENT, 0, &o->diagonal))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");
  if (o->activation != ACT_TANH)
    return ei_fail(g, EI_UNSUPPORTED_OP, "cell activation %u is not supported (only TANH)", o->activation);
  if (!(o->cell_clip >= 0.0f)) return ei_fail(g, EI_MODEL_INVALID, "cell_clip %g must be >= 0", (double)o->cell_clip);
  if (o->diagonal) return ei_fail(g, EI_UNSUPPORTED_OP, "diagonal recurrent weights are not supported");
  return EI_OK;
}

/* Every operand of the standard LSTM is there (the variants are refused). */
static ei_status require_operands(ei_graph *g, const ei_node *n) {
  static const char *const names[] = {
      [INPUT] = "input", [INPUT_WEIGHTS + 1] = "input-to-forget weights",
      [INPUT_WEIGHTS + 2] = "input-to-cell weights", [INPUT_WEIGHTS + 3] = "input-to-output weights",
      [RECURRENT_WEIGHTS + 1] = "recurrent-to-forget weights", [RECURRENT_WEIGHTS + 2] = "recurrent-to-cell weights",
      [RECURRENT_WEIGHTS + 3] = "recurrent-to-output weights", [GATE_BIAS] = "input gate bias",
      [GATE_BIAS + 1] = "forget gate bias", [GATE_BIAS + 2] = "cell gate bias", [GATE_BIAS + 3] = "output gate bias",
      [OUTPUT_STATE] = "output state", [CELL_STATE] = "cell state"};
  ei_status s = ei_require(g, n, INPUT, names[INPUT]);
  if (s == EI_OK) s = refuse_variants(g, n); /* before: it explains a missing input gate */
  for (int k = 1; k <= CELL_STATE && s == EI_OK; ++k)
    if (names[k]) s = ei_require(g, n, k, names[k]);
  return s;
}

/* Sizes from the input and the weights; types, shapes and quantization of every operand. */
static ei_status check_operands(ei_graph *g, ei_node *n, bool time_major, ei_lstm_params *k) {
  char label[96];
  ei_tensor *in = ei_input(g, n, INPUT), *out = ei_output(g, n, 0);
  ei_tensor *h = ei_input(g, n, OUTPUT_STATE), *c = ei_input(g, n, CELL_STATE);
  ei_status s;
  if (in->type != EI_INT8)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; only INT8 input (INT8 weights, INT16 cell state) is supported",
                   ei_tensor_label(g, ei_tensor_index(g, in), label, sizeof label), ei_dtype_name(in->type));
  if ((s = ei_check_quant(g, n, in)) || (s = ei_check_rank(g, n, in, 3))) return s;
  k->time_major = time_major;
  k->steps = time_major ? in->dims[0] : in->dims[1];
  k->batches = time_major ? in->dims[1] : in->dims[0];
  k->input_size = in->dims[2];
  const ei_tensor *forget_w = ei_input(g, n, INPUT_WEIGHTS + EI_LSTM_FORGET_GATE);
  k->state_size = forget_w->rank == 2 ? forget_w->dims[0] : 0;
  if (k->input_size > MAX_SIZE || k->state_size > MAX_SIZE)
    return ei_fail(g, EI_UNSUPPORTED_OP, "input size %d or state size %d is above %d", k->input_size,
                   k->state_size, MAX_SIZE);
  for (int gate = 0; gate < EI_LSTM_GATES; ++gate) {
    const ei_tensor *w = ei_input(g, n, INPUT_WEIGHTS + gate), *r = ei_input(g, n, RECURRENT_WEIGHTS + gate);
    ei_lstm_gate *gp = &k->gates[gate];
    if ((s = check_weights(g, n, w, k->state_size, k->input_size)) ||
        (s = check_weights(g, n, r, k->state_size, k->state_size)) ||
        (s = gate_bias(g, n, ei_input(g, n, GATE_BIAS + gate), k->state_size, &gp->bias)))
      return s;
    gp->input_weights = (const int8_t *)w->data;
    gp->recurrent_weights = (const int8_t *)r->data;
  }
  const size_t state_count = (size_t)k->batches * (size_t)k->state_size;
  if ((s = check_state(g, n, h, EI_INT8, state_count, "output state")) ||
      (s = check_state(g, n, c, EI_INT16, state_count, "cell state")))
    return s;
  if (c->q.zero_point != 0)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s (cell state) has zero point %d; it must be 0",
                   ei_tensor_label(g, ei_tensor_index(g, c), label, sizeof label), (int)c->q.zero_point);
  if ((s = ei_check_type(g, n, out, EI_INT8)) || (s = ei_check_quant(g, n, out))) return s;
  if (out->q.scale != h->q.scale || out->q.zero_point != h->q.zero_point)
    return ei_fail(g, EI_MODEL_INVALID,
                   "the output (scale %g, zero point %d) must share the output state's quantization "
                   "(scale %g, zero point %d): it is a copy of the state",
                   (double)out->q.scale, (int)out->q.zero_point, (double)h->q.scale, (int)h->q.zero_point);
  return EI_OK;
}

/* Multipliers as TFLM's Prepare derives them: each gate's two fully connected
 * layers map to Q3.12 with the float product of the two scales (as
 * FULLY_CONNECTED does); the element-wise products take the product in double. */
static ei_status derive_scales(ei_graph *g, const ei_node *n, float cell_clip, ei_lstm_params *k) {
  const ei_tensor *in = ei_input(g, n, INPUT), *h = ei_input(g, n, OUTPUT_STATE), *c = ei_input(g, n, CELL_STATE);
  const float gate_scale = 1.0f / 4096, activation_scale = 1.0f / 32768; /* Q3.12, Q0.15 */
  ei_status s;
  k->input_offset = -in->q.zero_point;
  k->state_offset = -h->q.zero_point;
  for (int gate = 0; gate < EI_LSTM_GATES; ++gate) {
    float w_scale = ei_input(g, n, INPUT_WEIGHTS + gate)->q.scale;
    float r_scale = ei_input(g, n, RECURRENT_WEIGHTS + gate)->q.scale;
    if ((s = scale_of(g, n, (double)(in->q.scale * w_scale) / (double)gate_scale, &k->gates[gate].input_scale)) ||
        (s = scale_of(g, n, (double)(h->q.scale * r_scale) / (double)gate_scale, &k->gates[gate].recurrent_scale)))
      return s;
  }
  const double q15 = activation_scale, cell = c->q.scale;
  if ((s = scale_of(g, n, q15 * cell / cell, &k->forget_times_cell)) ||
      (s = scale_of(g, n, q15 * q15 / cell, &k->input_times_gate)) ||
      (s = scale_of(g, n, q15 * q15 / (double)h->q.scale, &k->hidden_scale)) ||
      (s = cell_tanh_input(g, n, c->q.scale, k)))
    return s;
  k->hidden_zero_point = h->q.zero_point;
  /* The clip in cell units, truncated toward zero (C++'s static_cast<int16_t>);
   * whether to clip depends on the real clip, so a tiny one clips to 0. */
  k->clip_cell = cell_clip > 0.0f;
  k->cell_clip = (int16_t)fmin(fmax((double)cell_clip / cell, -32768.0), 32767.0);
  return EI_OK;
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 20, 24, 1);
  if (s != EI_OK) return s;
  if (n->n_inputs != 20 && n->n_inputs != 24)
    return ei_fail(g, EI_MODEL_INVALID, "has %d inputs, expected 20 or 24", n->n_inputs);
  lstm_options o;
  ei_lstm_params *k;
  if ((s = read_options(g, n, &o)) || (s = require_operands(g, n))) return s;
  if (!(k = ei_alloc(g, sizeof *k))) return g->status;
  if ((s = check_operands(g, n, o.time_major != 0, k)) || (s = derive_scales(g, n, o.cell_clip, k))) return s;
  n->params = k;
  ei_request_scratch(n, ei_lstm_q8_scratch_bytes(k));
  const ei_tensor *in = ei_input(g, n, INPUT);
  const int32_t dims[3] = {in->dims[0], in->dims[1], k->state_size};
  return ei_set_shape(g, ei_output(g, n, 0), 3, dims);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  ei_lstm_q8(n->params, (const int8_t *)ei_input(g, n, INPUT)->data,
             (int8_t *)ei_input(g, n, OUTPUT_STATE)->data, (int16_t *)(void *)ei_input(g, n, CELL_STATE)->data,
             (int8_t *)ei_output(g, n, 0)->data, (int16_t *)(void *)n->scratch);
  return EI_OK;
}

const ei_op_kernel ei_op_unidirectional_sequence_lstm = {"UNIDIRECTIONAL_SEQUENCE_LSTM", prepare, eval};
