/* concatenation.c — CONCATENATION along any axis.
 *
 * Each output row (everything before the axis) is the inputs' rows one after
 * the other. Unquantized tensors are copied. An 8-bit input whose scale and
 * zero point differ from the output's is requantized as TFLite's
 * ConcatenationWithScaling does, in float: round(q * s + b) + out_zp with
 * s = in_scale * (1 / out_scale) and b = -in_zp * s, saturated. */
#include <math.h>
#include <string.h>

#include "ops/elementwise.h"
#include "ops/op_common.h"

enum { OPT_CONCATENATION = 10 };        /* BuiltinOptions tag */
enum { AXIS = 0, ACTIVATION = 1 };      /* ConcatenationOptions */

typedef struct {
  size_t piece_bytes;  /* bytes of this input per output row */
  bool rescale;
  float scale, bias;
} concat_input;

typedef struct {
  size_t outer;        /* rows: product of the dimensions before the axis */
  bool is_signed;
  int32_t out_zero_point;
  concat_input inputs[]; /* one per operator input */
} concat_params;

static ei_status prepare(ei_graph *g, ei_node *n) {
  if (n->n_inputs < 1 || n->n_outputs != 1)
    return ei_fail(g, EI_MODEL_INVALID, "has %d inputs and %d outputs, expected at least 1 and 1",
                   n->n_inputs, n->n_outputs);
  ei_status s;
  for (int i = 0; i < n->n_inputs; ++i)
    if ((s = ei_require(g, n, i, "value"))) return s;
  fb_table o;
  int32_t axis;
  uint8_t act;
  if ((s = ei_options(g, n, OPT_CONCATENATION, &o))) return s;
  if (!fb_i32(&o, AXIS, 0, &axis) || !fb_u8(&o, ACTIVATION, 0, &act))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");
  if (act != 0) return ei_fail(g, EI_UNSUPPORTED_OP, "fused activation %u is not supported", act);

  const ei_tensor *first = ei_input(g, n, 0);
  ei_tensor *out = ei_output(g, n, 0);
  const int rank = first->rank;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    return ei_fail(g, EI_MODEL_INVALID, "axis %d is out of range for rank %d", (int)axis, rank);
  const bool q8 = out->type == EI_INT8 || out->type == EI_UINT8;
  if (q8 && (s = ei_check_quant(g, n, out))) return s;
  if (ei_dtype_size(out->type) == 0)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s tensors are not supported", ei_dtype_name(out->type));

  concat_params *p = ei_alloc(g, sizeof *p + (size_t)n->n_inputs * sizeof(concat_input));
  if (!p) return g->status;
  p->is_signed = out->type == EI_INT8;
  p->out_zero_point = out->q.zero_point;
  p->outer = 1;
  for (int d = 0; d < axis; ++d) p->outer *= (size_t)first->dims[d];
  size_t inner = ei_dtype_size(out->type);
  for (int d = axis + 1; d < rank; ++d) inner *= (size_t)first->dims[d];

  char label[96];
  int64_t axis_total = 0;
  for (int i = 0; i < n->n_inputs; ++i) {
    const ei_tensor *t = ei_input(g, n, i);
    const int index = ei_tensor_index(g, t);
    if ((s = ei_check_same_type(g, n, t, out))) return s;
    if (t->rank != rank)
      return ei_fail(g, EI_MODEL_INVALID, "%s has rank %d, input 0 has %d",
                     ei_tensor_label(g, index, label, sizeof label), t->rank, rank);
    for (int d = 0; d < rank; ++d)
      if (d != axis && t->dims[d] != first->dims[d])
        return ei_fail(g, EI_MODEL_INVALID, "%s differs from input 0 in dimension %d (%d vs %d)",
                       ei_tensor_label(g, index, label, sizeof label), d, (int)t->dims[d],
                       (int)first->dims[d]);
    axis_total += t->dims[axis];
    concat_input *c = &p->inputs[i];
    c->piece_bytes = inner * (size_t)t->dims[axis];
    if (q8) {
      if ((s = ei_check_quant(g, n, t))) return s;
      c->rescale = t->q.scale != out->q.scale || t->q.zero_point != out->q.zero_point;
      c->scale = t->q.scale * (1.0f / out->q.scale);
      c->bias = (float)-t->q.zero_point * c->scale;
    }
  }
  if (axis_total > INT32_MAX)
    return ei_fail(g, EI_MODEL_INVALID, "the output would have %lld entries along axis %d",
                   (long long)axis_total, (int)axis);
  int32_t dims[EI_MAX_RANK];
  for (int d = 0; d < rank; ++d) dims[d] = d == axis ? (int32_t)axis_total : first->dims[d];
  n->params = p;
  return ei_set_shape(g, out, rank, dims);
}

static void requantize(const concat_params *p, const concat_input *c, const uint8_t *in, uint8_t *out) {
  const int32_t qmin = p->is_signed ? -128 : 0, qmax = p->is_signed ? 127 : 255;
  for (size_t j = 0; j < c->piece_bytes; ++j) {
    float x = (float)ei_load_q8(in + j, p->is_signed);
    /* Saturated in double: the reference's int32 conversion of a huge value is undefined. */
    double v = (double)ei_round_half_away_f32(x * c->scale + c->bias) + p->out_zero_point;
    out[j] = (uint8_t)(int32_t)(v > qmin ? (v < qmax ? v : qmax) : qmin);
  }
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const concat_params *p = n->params;
  uint8_t *out = ei_output(g, n, 0)->data;
  if (ei_output(g, n, 0)->bytes == 0) return EI_OK; /* empty rows: nothing to move however many */
  for (size_t row = 0; row < p->outer; ++row) {
    for (int i = 0; i < n->n_inputs; ++i) {
      const concat_input *c = &p->inputs[i];
      const uint8_t *in = ei_input(g, n, i)->data + row * c->piece_bytes;
      if (c->rescale) requantize(p, c, in, out);
      else memcpy(out, in, c->piece_bytes);
      out += c->piece_bytes;
    }
  }
  return EI_OK;
}

const ei_op_kernel ei_op_concatenation = {"CONCATENATION", prepare, eval};
