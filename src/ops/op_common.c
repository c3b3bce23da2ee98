/* op_common.c — prepare-time helpers shared by the op families. */
#include "ops/op_common.h"

#include <float.h>
#include <math.h>

#include "ops/elementwise.h"
#include "quant.h"

ei_status ei_check_q8(ei_graph *g, const ei_node *n, const ei_tensor *t) {
  char label[96];
  if (t->type != EI_INT8 && t->type != EI_UINT8)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; only INT8 and UINT8 are supported",
                   ei_tensor_label(g, ei_tensor_index(g, t), label, sizeof label),
                   ei_dtype_name(t->type));
  return ei_check_quant(g, n, t);
}

ei_status ei_check_same_type(ei_graph *g, const ei_node *n, const ei_tensor *a, const ei_tensor *b) {
  char la[96], lb[96];
  if (a->type != b->type)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s but %s is %s",
                   ei_tensor_label(g, ei_tensor_index(g, a), la, sizeof la), ei_dtype_name(a->type),
                   ei_tensor_label(g, ei_tensor_index(g, b), lb, sizeof lb), ei_dtype_name(b->type));
  return EI_OK;
}

ei_status ei_weighted_operands_of(ei_graph *g, ei_node *n, int in_rank, int w_rank, ei_weighted_operands *o) {
  ei_status s = ei_check_arity(g, n, 2, 3, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s == EI_OK) s = ei_require(g, n, 1, "weights");
  if (s != EI_OK) return s;
  o->in = ei_input(g, n, 0);
  o->w = ei_input(g, n, 1);
  o->bias = ei_input(g, n, 2);
  o->out = ei_output(g, n, 0);
  if (o->in->type == EI_FLOAT32) {
    if ((s = ei_check_weighted_f32(g, n, o)) || (s = ei_check_rank(g, n, o->w, w_rank))) return s;
    return in_rank ? ei_check_rank(g, n, o->in, in_rank) : EI_OK;
  }
  if ((s = ei_check_q8(g, n, o->in)) || (s = ei_check_q8(g, n, o->w)) || (s = ei_check_q8(g, n, o->out)) ||
      (s = ei_check_same_type(g, n, o->in, o->w)) || (s = ei_check_same_type(g, n, o->in, o->out)) ||
      (s = ei_check_const(g, n, o->w)) || (s = ei_check_rank(g, n, o->w, w_rank)))
    return s;
  return in_rank ? ei_check_rank(g, n, o->in, in_rank) : EI_OK;
}

/* Strides of `t` viewed at rank `rank` (leading 1s), 0 where it is broadcast. */
static void broadcast_strides(const ei_tensor *t, int rank, const int32_t *dims, size_t *stride) {
  size_t s = 1;
  for (int i = rank - 1; i >= 0; --i) {
    int j = i - (rank - t->rank);
    int32_t d = j >= 0 ? t->dims[j] : 1;
    stride[i] = (d == 1 && dims[i] != 1) ? 0 : s;
    s *= (size_t)d;
  }
}

ei_status ei_broadcast_shapes(ei_graph *g, const ei_node *n, const ei_tensor *a, const ei_tensor *b,
                              ei_broadcast *bc) {
  bc->rank = a->rank > b->rank ? a->rank : b->rank;
  for (int i = 0; i < bc->rank; ++i) {
    int ia = i - (bc->rank - a->rank), ib = i - (bc->rank - b->rank);
    int32_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
    if (da != db && da != 1 && db != 1)
      return ei_fail(g, EI_MODEL_INVALID, "shapes do not broadcast at dimension %d (%d vs %d)", i,
                     (int)da, (int)db);
    bc->dims[i] = da == 1 ? db : da;
  }
  broadcast_strides(a, bc->rank, bc->dims, bc->stride1);
  broadcast_strides(b, bc->rank, bc->dims, bc->stride2);
  return EI_OK;
}

void ei_broadcast_merge(const ei_broadcast *bc, ei_broadcast_blocks *w) {
  int r = 0;
  for (int d = 0; d < bc->rank; ++d) {
    const size_t dim = (size_t)bc->dims[d], s1 = bc->stride1[d], s2 = bc->stride2[d];
    if (dim == 1) continue;
    /* The outer axis steps exactly over a whole inner axis in both operands. */
    if (r > 0 && w->stride1[r - 1] == s1 * dim && w->stride2[r - 1] == s2 * dim) {
      w->dims[r - 1] *= dim;
    } else {
      w->dims[r] = dim;
      ++r;
    }
    w->stride1[r - 1] = s1;
    w->stride2[r - 1] = s2;
  }
  /* At least two axes, leading ones of size 1. */
  const int shift = r < 2 ? 2 - r : 0;
  for (int d = r - 1; d >= 0; --d) {
    w->dims[d + shift] = w->dims[d];
    w->stride1[d + shift] = w->stride1[d];
    w->stride2[d + shift] = w->stride2[d];
  }
  for (int d = 0; d < shift; ++d) {
    w->dims[d] = 1;
    w->stride1[d] = w->stride2[d] = 0;
  }
  w->rank = r + shift;
}

ei_status ei_compute_padding(ei_graph *g, const ei_node *n, int padding, int in, int kernel,
                             int stride, int dilation, int *out, int *pad_before) {
  if (stride < 1 || dilation < 1 || kernel < 1)
    return ei_fail(g, EI_MODEL_INVALID, "stride %d, dilation %d, kernel %d must be positive",
                   stride, dilation, kernel);
  if (padding != EI_PADDING_SAME && padding != EI_PADDING_VALID)
    return ei_fail(g, EI_MODEL_INVALID, "unknown padding %d", padding);
  int64_t effective = (int64_t)(kernel - 1) * dilation + 1;
  int64_t o = padding == EI_PADDING_SAME ? ((int64_t)in + stride - 1) / stride
                                         : ((int64_t)in + stride - effective) / stride;
  if (o < 1 || in < 1)
    return ei_fail(g, EI_MODEL_INVALID, "a %lld-wide window does not fit an input of %d",
                   (long long)effective, in);
  int64_t total = (o - 1) * stride + effective - in;
  if (total < 0) total = 0;
  *out = (int)o;
  *pad_before = (int)(total / 2);
  return EI_OK;
}

ei_status ei_activation(ei_graph *g, const ei_node *n, uint8_t act, const ei_tensor *out,
                        int32_t *lo, int32_t *hi) {
  int32_t qmin = out->type == EI_INT8 ? -128 : 0, qmax = out->type == EI_INT8 ? 127 : 255;
  if (!ei_activation_range(act, out->q.scale, out->q.zero_point, qmin, qmax, lo, hi))
    return ei_fail(g, EI_UNSUPPORTED_OP, "fused activation %u is not supported", act);
  if (*lo > *hi) return ei_fail(g, EI_MODEL_INVALID, "fused activation range is empty");
  return EI_OK;
}

ei_status ei_multiplier(ei_graph *g, const ei_node *n, double m, int32_t *significand, int *exponent) {
  if (!(m >= 0.0) || !isfinite(m)) return ei_fail(g, EI_MODEL_INVALID, "invalid rescale factor %g", m);
  ei_quantize_multiplier(m, significand, exponent);
  if (*exponent > 30)
    return ei_fail(g, EI_UNSUPPORTED_OP, "rescale factor %g is too large", m);
  return EI_OK;
}

ei_status ei_conv_requant(ei_graph *g, const ei_node *n, const ei_tensor *in, const ei_tensor *w,
                          const ei_tensor *bias, const ei_tensor *out, int out_channels,
                          int channel_axis, bool float_product, uint8_t act, ei_requant *rq) {
  char label[96];
  const int w_index = ei_tensor_index(g, w);
  if (w->q.channels != 1 && (w->q.channels != (uint32_t)out_channels || w->q.axis != channel_axis))
    return ei_fail(g, EI_MODEL_INVALID, "%s has %u scales on axis %d; expected 1 or %d on axis %d",
                   ei_tensor_label(g, w_index, label, sizeof label), w->q.channels, (int)w->q.axis,
                   out_channels, channel_axis);
  if (w->type == EI_INT8 && w->q.zero_points) {
    for (uint32_t c = 0; c < w->q.channels; ++c)
      if (fb_read_i64(w->q.zero_points + 8 * (size_t)c) != 0)
        return ei_fail(g, EI_UNSUPPORTED_OP, "%s: int8 weights must have zero point 0",
                       ei_tensor_label(g, w_index, label, sizeof label));
  }
  int32_t *buf = ei_alloc(g, 3 * (size_t)out_channels * sizeof(int32_t));
  if (!buf) return g->status;
  int32_t *b = buf, *mult = buf + out_channels, *shift = buf + 2 * (size_t)out_channels;
  if (bias) {
    ei_status s = ei_check_type(g, n, bias, EI_INT32);
    if (s == EI_OK) s = ei_check_const(g, n, bias);
    if (s != EI_OK) return s;
    if (ei_num_elements(bias) != (size_t)out_channels)
      return ei_fail(g, EI_MODEL_INVALID, "%s has %zu elements, expected %d",
                     ei_tensor_label(g, ei_tensor_index(g, bias), label, sizeof label),
                     ei_num_elements(bias), out_channels);
    for (int c = 0; c < out_channels; ++c) b[c] = ei_const_i32(bias, (size_t)c);
  }
  for (int c = 0; c < out_channels; ++c) {
    double m;
    if (float_product)
      m = (double)(in->q.scale * ei_quant_scale(&w->q, (uint32_t)c)) / (double)out->q.scale;
    else
      m = (double)in->q.scale * (double)ei_quant_scale(&w->q, (uint32_t)c) / (double)out->q.scale;
    int e;
    ei_status s = ei_multiplier(g, n, m, &mult[c], &e);
    if (s != EI_OK) return s;
    shift[c] = e;
  }
  rq->bias = b;
  rq->multiplier = mult;
  rq->shift = shift;
  rq->out_zero_point = out->q.zero_point;
  return ei_activation(g, n, act, out, &rq->act_min, &rq->act_max);
}

ei_status ei_setup_conv_kernel(ei_graph *g, ei_node *n, ei_conv_params *p, const ei_tensor *in) {
  p->packed = NULL;
  size_t bytes = in->is_const ? 0 : ei_conv_q8_packed_bytes(p);
  if (bytes == 0) return EI_OK;
  void *packed = ei_alloc(g, bytes);
  if (!packed) return g->status;
  ei_conv_q8_pack(p, packed);
  ei_request_scratch(n, ei_conv_q8_scratch_bytes(p));
  return EI_OK;
}

ei_status ei_setup_dwconv_kernel(ei_graph *g, ei_node *n, ei_dwconv_params *p, const ei_tensor *in) {
  p->packed = NULL;
  size_t bytes = in->is_const ? 0 : ei_dwconv_q8_packed_bytes(p);
  if (bytes == 0) return EI_OK;
  void *packed = ei_alloc(g, bytes);
  if (!packed) return g->status;
  ei_dwconv_q8_pack(p, packed);
  ei_request_scratch(n, ei_dwconv_q8_scratch_bytes(p));
  return EI_OK;
}

/* ---- float32 ---- */

ei_status ei_activation_f32(ei_graph *g, const ei_node *n, uint8_t act, float *lo, float *hi) {
  double l, h;
  if (!ei_activation_bounds(act, -FLT_MAX, FLT_MAX, &l, &h))
    return ei_fail(g, EI_UNSUPPORTED_OP, "fused activation %u is not supported", act);
  *lo = (float)l;
  *hi = (float)h;
  return EI_OK;
}

ei_status ei_check_weighted_f32(ei_graph *g, const ei_node *n, const ei_weighted_operands *o) {
  /* Naming the input too: float activations with 8-bit weights (hybrid models) are not run. */
  ei_status s;
  if ((s = ei_check_same_type(g, n, o->in, o->w)) || (s = ei_check_same_type(g, n, o->in, o->out))) return s;
  return ei_check_const(g, n, o->w);
}

ei_status ei_bias_f32(ei_graph *g, const ei_node *n, const ei_tensor *bias, int out_channels, const float **out) {
  char label[96];
  *out = NULL;
  if (!bias) return EI_OK;
  ei_status s = ei_check_type(g, n, bias, EI_FLOAT32);
  if (s == EI_OK) s = ei_check_const(g, n, bias);
  if (s != EI_OK) return s;
  if (ei_num_elements(bias) != (size_t)out_channels)
    return ei_fail(g, EI_MODEL_INVALID, "%s has %zu elements, expected %d",
                   ei_tensor_label(g, ei_tensor_index(g, bias), label, sizeof label),
                   ei_num_elements(bias), out_channels);
  *out = (const float *)bias->data; /* constants are 4-byte aligned (model.c copies others) */
  return EI_OK;
}

ei_status ei_setup_conv_f32_kernel(ei_graph *g, ei_node *n, ei_conv_f32_params *p, const ei_tensor *in) {
  p->packed = NULL;
  size_t bytes = ei_conv_f32_packed_bytes(p);
  if (bytes == 0) return EI_OK;
  void *packed = ei_alloc(g, bytes);
  if (!packed) return g->status;
  ei_conv_f32_pack(p, packed);
  ei_request_scratch(n, ei_conv_f32_scratch_bytes(p));
  return EI_OK;
}

ei_status ei_setup_dwconv_f32_kernel(ei_graph *g, ei_node *n, ei_dwconv_f32_params *p, const ei_tensor *in) {
  p->packed = NULL;
  /* The fast kernel may read a few floats past its input: only arena inputs have that slack. */
  size_t bytes = in->is_const ? 0 : ei_dwconv_f32_packed_bytes(p);
  if (bytes == 0) return EI_OK;
  void *packed = ei_alloc(g, bytes);
  if (!packed) return g->status;
  ei_dwconv_f32_pack(p, packed);
  return EI_OK;
}

/* ---- 8-bit byte tables ---- */

void ei_choose_byte_table(ei_node *n, const ei_tensor *a, const ei_tensor *b, const ei_tensor *out,
                          ei_byte_table *t) {
  const size_t na = ei_num_elements(a), nb = ei_num_elements(b), total = ei_num_elements(out);
  const size_t small = na < nb ? na : nb;
  t->which = EI_NO_TABLE;
  t->rows = 0;
  if (small * 256 * 2 > total) return;
  t->which = na < nb ? EI_TABLE_OF_INPUT1 : EI_TABLE_OF_INPUT2;
  t->rows = small;
  ei_request_scratch(n, small * 256);
}

/* One block; table points at the row of the small operand's first element in
 * this block, large at the large operand's. */
static void run_byte_table_block(const ei_byte_table *t, const ei_broadcast_blocks *w, const uint8_t *table,
                                 const uint8_t *large, uint8_t *out) {
  const int r = w->rank;
  const bool small_is_1 = t->which == EI_TABLE_OF_INPUT1;
  const size_t *ts = small_is_1 ? w->stride1 : w->stride2, *ls = small_is_1 ? w->stride2 : w->stride1;
  const size_t t_outer = ts[r - 2] * 256, t_inner = ts[r - 1] * 256;
  const size_t l_outer = ls[r - 2], l_inner = ls[r - 1];
  const size_t rows = w->dims[r - 2], cols = w->dims[r - 1];
  if (cols < 8) {
    /* Short rows (a per-channel constant over 3 channels): column by column,
     * down the rows, so that the loop runs long. */
    for (size_t j = 0; j < cols; ++j) {
      const uint8_t *trow = table + j * t_inner, *l = large + j * l_inner;
      uint8_t *o = out + j;
      for (size_t i = 0; i < rows; ++i, trow += t_outer, l += l_outer, o += cols) *o = trow[*l];
    }
    return;
  }
  for (size_t i = 0; i < rows; ++i, out += cols) {
    const uint8_t *trow = table + i * t_outer, *lrow = large + i * l_outer;
    if (t_inner == 0 && l_inner == 1) /* one table row for a contiguous run (a scalar operand) */
      for (size_t j = 0; j < cols; ++j) out[j] = trow[lrow[j]];
    else
      for (size_t j = 0; j < cols; ++j) out[j] = trow[j * t_inner + lrow[j * l_inner]];
  }
}

void ei_run_byte_table(const ei_byte_table *t, const ei_broadcast_blocks *w, const uint8_t *table,
                       const uint8_t *x1, const uint8_t *x2, uint8_t *out, size_t total) {
  size_t index[EI_MAX_RANK] = {0}, at1 = 0, at2 = 0;
  /* k steps by the block size; an empty output runs no block. */
  for (size_t k = 0; k < total; k += ei_broadcast_block_size(w)) {
    if (t->which == EI_TABLE_OF_INPUT1)
      run_byte_table_block(t, w, table + at1 * 256, x2 + at2, out + k);
    else
      run_byte_table_block(t, w, table + at2 * 256, x1 + at1, out + k);
    ei_broadcast_next_block(w, index, &at1, &at2);
  }
}
