/* logistic.c — LOGISTIC (sigmoid) of int8 and float32 tensors.
 *
 * int8, as TFLM's integer reference: x - zp is rescaled by in_scale into Q4.27,
 * sigmoid is evaluated in gemmlowp's fixed point (exp of minus |x|, then
 * 1 / (1 + exp), mirrored for negative x) giving Q0.31, and the top bits become
 * the output in units of 1/256 with zero point -128. Inputs beyond the radius
 * where Q4.27 saturates map straight to -128 or 127. With only 256 possible
 * inputs, prepare tabulates every output.
 *
 * float32, as TFLite's reference: 1 / (1 + exp(-x)), exp(x) below -9 and 1
 * above 16.619. (Its bits depend on the C library's expf.) */
#include <math.h>

#include "ops/elementwise.h"
#include "ops/op_common.h"
#include "quant.h"

enum { INPUT_INTEGER_BITS = 4, INPUT_FRACTIONAL_BITS = 31 - INPUT_INTEGER_BITS };

typedef struct {
  bool is_float;
  uint8_t table[256]; /* int8 output for each int8 input, indexed by (uint8_t)x */
} logistic_params;

/* sigmoid(a) for a in Q4.27, in Q0.31 (gemmlowp::logistic). */
static int32_t logistic_q4_27(int32_t a) {
  if (a == 0) return 1 << 30;
  int32_t positive = ei_one_over_one_plus_x(ei_exp_on_negative_values(a > 0 ? -a : a, INPUT_INTEGER_BITS));
  return a > 0 ? positive : INT32_MAX - positive;
}

static ei_status prepare_int8(ei_graph *g, const ei_node *n, const ei_tensor *in,
                              const ei_tensor *out, logistic_params *p) {
  ei_status s;
  if ((s = ei_check_quant(g, n, in)) || (s = ei_check_quant(g, n, out))) return s;
  if (out->q.zero_point != -128 || fabsf(out->q.scale - 1.0f / 256) > 1e-6f)
    return ei_fail(g, EI_UNSUPPORTED_OP, "output must have scale 1/256 and zero point -128 (has %g, %d)",
                   (double)out->q.scale, (int)out->q.zero_point);
  /* in_scale in Q4.27 units. */
  int32_t multiplier;
  int shift;
  ei_quantize_multiplier((double)in->q.scale * (double)(1 << INPUT_FRACTIONAL_BITS), &multiplier, &shift);
  /* Inputs at or beyond this distance from the zero point saturate Q4.27. */
  double radius = floor(ldexp(15.0, INPUT_FRACTIONAL_BITS - shift));
  for (int v = -128; v < 128; ++v) {
    const int32_t x = v - in->q.zero_point;
    int32_t q;
    if (x <= -radius) {
      q = -128;
    } else if (x >= radius) {
      q = 127;
    } else { /* |x| < radius <= 2^31 / 2^shift: the requantization cannot overflow */
      int32_t sigmoid = logistic_q4_27(ei_requantize(x, multiplier, shift));
      q = ei_clamp(ei_rounding_shift(sigmoid, 31 - 8) - 128, -128, 127);
    }
    p->table[(uint8_t)v] = (uint8_t)q;
  }
  return EI_OK;
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 1, 1, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *out = ei_output(g, n, 0);
  if ((s = ei_check_same_type(g, n, in, out))) return s;
  logistic_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  char label[96];
  if (in->type == EI_INT8) {
    if ((s = prepare_int8(g, n, in, out, p))) return s;
  } else if (in->type == EI_FLOAT32) {
    p->is_float = true;
  } else {
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; only INT8 and FLOAT32 are supported",
                   ei_tensor_label(g, ei_tensor_index(g, in), label, sizeof label),
                   ei_dtype_name(in->type));
  }
  n->params = p;
  return ei_set_shape(g, out, in->rank, in->dims);
}

static float sigmoid(float x) {
  if (x > 16.619047164916992188f) return 1.0f;
  if (x < -9.0f) return expf(x);
  return 1.0f / (1.0f + expf(-x));
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const logistic_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0);
  uint8_t *out = ei_output(g, n, 0)->data;
  const uint8_t *src = in->data; /* a local: a byte stored may alias the tensor */
  const size_t count = ei_num_elements(in);
  if (p->is_float) {
    for (size_t i = 0; i < count; ++i) ei_put_f32(out + 4 * i, sigmoid(ei_get_f32(src + 4 * i)));
  } else {
    for (size_t i = 0; i < count; ++i) out[i] = p->table[src[i]];
  }
  return EI_OK;
}

const ei_op_kernel ei_op_logistic = {"LOGISTIC", prepare, eval};
