/* relu.c — RELU, RELU_N1_TO_1 and RELU6 as operators: clamp to [0, inf),
 * [-1, 1] and [0, 6].
 *
 * float32: min(max(x, lo), hi) as TFLite's reference (a NaN passes).
 * int8/uint8, TFLite's QuantizedReluX: every value is rescaled from the input's
 * scale and zero point to the output's, (x - in_zp) * M + out_zp with M =
 * in_scale / out_scale (a float quotient), then clamped to the quantized
 * bounds out_zp + round(lo / out_scale) and out_zp + round(hi / out_scale),
 * within the type (RELU has no upper bound but the type's). */
#include <math.h>

#include "ops/op_common.h"
#include "quant.h"

typedef struct {
  float lo, hi;                 /* float32 */
  bool is_signed;               /* 8-bit */
  int32_t in_zero_point, out_zero_point, multiplier, q_lo, q_hi;
  int shift;
} relu_params;

/* out_zp + round(bound / scale) saturated to [qmin, qmax] (the reference's
 * int32 conversion of a huge quotient would be undefined). */
static int32_t quantized_bound(float bound, const ei_tensor *out, int32_t qmin, int32_t qmax) {
  double v = (double)roundf(bound / out->q.scale) + out->q.zero_point;
  return v < qmin ? qmin : v > qmax ? qmax : (int32_t)v;
}

static ei_status prepare(ei_graph *g, ei_node *n, float lo, float hi) {
  ei_status s = ei_check_arity(g, n, 1, 1, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *out = ei_output(g, n, 0);
  if ((s = ei_check_same_type(g, n, in, out))) return s;
  relu_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->lo = lo;
  p->hi = hi;
  if (in->type != EI_FLOAT32) {
    char label[96];
    if (in->type != EI_INT8 && in->type != EI_UINT8)
      return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; FLOAT32, INT8 and UINT8 are supported",
                     ei_tensor_label(g, ei_tensor_index(g, in), label, sizeof label), ei_dtype_name(in->type));
    if ((s = ei_check_q8(g, n, in)) || (s = ei_check_q8(g, n, out))) return s;
    const int32_t qmin = in->type == EI_INT8 ? -128 : 0, qmax = in->type == EI_INT8 ? 127 : 255;
    int e;
    if ((s = ei_multiplier(g, n, (double)(in->q.scale / out->q.scale), &p->multiplier, &e))) return s;
    p->shift = e;
    p->is_signed = in->type == EI_INT8;
    p->in_zero_point = in->q.zero_point;
    p->out_zero_point = out->q.zero_point;
    p->q_lo = quantized_bound(lo, out, qmin, qmax);
    p->q_hi = isinf(hi) ? qmax : quantized_bound(hi, out, qmin, qmax);
  }
  n->params = p;
  return ei_set_shape(g, out, in->rank, in->dims);
}

static ei_status prepare_relu(ei_graph *g, ei_node *n) { return prepare(g, n, 0.0f, INFINITY); }
static ei_status prepare_relu_n1_to_1(ei_graph *g, ei_node *n) { return prepare(g, n, -1.0f, 1.0f); }
static ei_status prepare_relu6(ei_graph *g, ei_node *n) { return prepare(g, n, 0.0f, 6.0f); }

static ei_status eval(ei_graph *g, ei_node *n) {
  const relu_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0);
  uint8_t *out = ei_output(g, n, 0)->data;
  const size_t count = ei_num_elements(in);
  if (in->type == EI_FLOAT32) {
    ei_clamp_f32_n((const float *)in->data, (float *)out, count, p->lo, p->hi);
    return EI_OK;
  }
  for (size_t i = 0; i < count; ++i) {
    int32_t x = ei_load_q8(in->data + i, p->is_signed) - p->in_zero_point;
    int64_t v = (int64_t)ei_requantize(x, p->multiplier, p->shift) + p->out_zero_point;
    out[i] = (uint8_t)(int32_t)(v < p->q_lo ? p->q_lo : v > p->q_hi ? p->q_hi : v);
  }
  return EI_OK;
}

const ei_op_kernel ei_op_relu = {"RELU", prepare_relu, eval};
const ei_op_kernel ei_op_relu_n1_to_1 = {"RELU_N1_TO_1", prepare_relu_n1_to_1, eval};
const ei_op_kernel ei_op_relu6 = {"RELU6", prepare_relu6, eval};
