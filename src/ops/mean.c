/* mean.c — MEAN of an 8-bit tensor over constant axes, requantized.
 *
 * As TFLite's integer reference: sum the reduced elements in int32, fold
 * 1/N into the multiplier in_scale/out_scale (shifted up by floor(log2 N)
 * bits to keep precision), then requantize sum - N*in_zp. */
#include "ops/op_common.h"
#include "quant.h"

enum { KEEP_DIMS = 0 }; /* ReducerOptions */

typedef struct {
  int rank;
  int32_t in_dims[EI_MAX_RANK];
  bool reduced[EI_MAX_RANK];
  size_t out_stride[EI_MAX_RANK]; /* output stride per input axis, 0 when reduced */
  size_t count;                   /* elements summed into each output */
  /* When the reduced axes are adjacent (as H, W of NHWC), the input is
   * [outer][count][inner] and the output [outer][inner]; else outer = 0. */
  size_t outer, inner;
  int32_t in_zero_point, out_zero_point, multiplier;
  int shift;
  bool is_signed;
} mean_params;

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 2, 2, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s == EI_OK) s = ei_require(g, n, 1, "axes");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *axes = ei_input(g, n, 1), *out = ei_output(g, n, 0);
  if ((s = ei_check_q8(g, n, in)) || (s = ei_check_q8(g, n, out)) ||
      (s = ei_check_same_type(g, n, in, out)) || (s = ei_check_type(g, n, axes, EI_INT32)) ||
      (s = ei_check_const(g, n, axes)))
    return s;
  fb_table o;
  uint8_t keep_dims;
  if ((s = ei_options(g, n, EI_OPT_REDUCER, &o))) return s;
  if (!fb_u8(&o, KEEP_DIMS, 0, &keep_dims)) return ei_fail(g, EI_MODEL_INVALID, "malformed options");

  mean_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->rank = in->rank;
  for (int i = 0; i < in->rank; ++i) p->in_dims[i] = in->dims[i];
  size_t n_axes = ei_num_elements(axes);
  for (size_t i = 0; i < n_axes; ++i) {
    int32_t axis = ei_const_i32(axes, i);
    if (axis < 0) axis += in->rank;
    if (axis < 0 || axis >= in->rank)
      return ei_fail(g, EI_MODEL_INVALID, "axis %d is out of range for rank %d",
                     (int)ei_const_i32(axes, i), in->rank);
    p->reduced[axis] = true;
  }
  int32_t out_dims[EI_MAX_RANK];
  int out_rank = 0;
  p->count = 1;
  for (int i = 0; i < in->rank; ++i) {
    if (p->reduced[i]) p->count *= (size_t)in->dims[i];
    if (!p->reduced[i]) out_dims[out_rank++] = in->dims[i];
    else if (keep_dims) out_dims[out_rank++] = 1;
  }
  size_t stride = 1;
  for (int i = in->rank - 1; i >= 0; --i) {
    p->out_stride[i] = p->reduced[i] ? 0 : stride;
    if (!p->reduced[i]) stride *= (size_t)in->dims[i];
  }
  if (p->count > INT32_MAX) return ei_fail(g, EI_UNSUPPORTED_OP, "too many elements to average");
  int first = 0, last = in->rank - 1; /* the span of reduced axes */
  while (first < in->rank && !p->reduced[first]) ++first;
  while (last >= 0 && !p->reduced[last]) --last;
  bool adjacent = first <= last;
  for (int i = first; i <= last; ++i) adjacent = adjacent && p->reduced[i];
  if (adjacent) {
    p->outer = p->inner = 1;
    for (int i = 0; i < first; ++i) p->outer *= (size_t)in->dims[i];
    for (int i = last + 1; i < in->rank; ++i) p->inner *= (size_t)in->dims[i];
  }

  int e;
  if ((s = ei_multiplier(g, n, (double)in->q.scale / (double)out->q.scale, &p->multiplier, &e))) return s;
  if (p->count > 0) {
    /* Fold 1/count into the multiplier: shift <= 32 avoids overflow, and the
     * resulting exponent stays >= -31. */
    int shift = 63 - __builtin_clzll((unsigned long long)p->count);
    if (shift > 32) shift = 32;
    if (shift > 31 + e) shift = 31 + e;
    p->multiplier = (int32_t)(((int64_t)p->multiplier << shift) / (int64_t)p->count);
    e -= shift;
  }
  p->shift = e;
  p->in_zero_point = in->q.zero_point;
  p->out_zero_point = out->q.zero_point;
  p->is_signed = in->type == EI_INT8;
  n->params = p;
  ei_request_scratch(n, (stride ? stride : 1) * sizeof(int32_t));
  return ei_set_shape(g, out, out_rank, out_dims);
}

/* sum[o][c] += x[o][r][c] over r < count: rows of `inner` elements, a loop
 * the compiler vectorizes. */
static void sum_adjacent(const mean_params *p, const uint8_t *x, uint32_t *sum) {
  for (size_t o = 0; o < p->outer; ++o, sum += p->inner)
    for (size_t r = 0; r < p->count; ++r, x += p->inner) {
      if (p->is_signed)
        for (size_t c = 0; c < p->inner; ++c) sum[c] += (uint32_t)(int32_t)(int8_t)x[c];
      else
        for (size_t c = 0; c < p->inner; ++c) sum[c] += x[c];
    }
}

/* The same for any set of reduced axes: walks the input's index. */
static void sum_any(const mean_params *p, const uint8_t *x, size_t n_in, uint32_t *sum) {
  int32_t index[EI_MAX_RANK] = {0};
  size_t at = 0;
  for (size_t i = 0; i < n_in; ++i) {
    sum[at] += (uint32_t)ei_load_q8(x + i, p->is_signed);
    for (int d = p->rank - 1; d >= 0; --d) {
      at += p->out_stride[d];
      if (++index[d] < p->in_dims[d]) break;
      at -= p->out_stride[d] * (size_t)p->in_dims[d];
      index[d] = 0;
    }
  }
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const mean_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0);
  ei_tensor *out = ei_output(g, n, 0);
  const size_t n_out = ei_num_elements(out);
  uint32_t *sum = (uint32_t *)n->scratch; /* int32 sums that wrap like the reference */
  for (size_t i = 0; i < n_out; ++i) sum[i] = 0;
  if (p->outer > 0)
    sum_adjacent(p, in->data, sum);
  else
    sum_any(p, in->data, ei_num_elements(in), sum);
  const int32_t qmin = p->is_signed ? -128 : 0, qmax = p->is_signed ? 127 : 255;
  /* Locals: a byte stored may alias the params and the tensor. */
  const uint32_t zero_sum = (uint32_t)p->in_zero_point * (uint32_t)p->count;
  const int32_t multiplier = p->multiplier, shift = p->shift, out_zero_point = p->out_zero_point;
  uint8_t *dst = out->data;
  for (size_t i = 0; i < n_out; ++i) {
    int64_t v = (int64_t)ei_requantize((int32_t)(sum[i] - zero_sum), multiplier, shift) + out_zero_point;
    dst[i] = (uint8_t)(int32_t)(v < qmin ? qmin : v > qmax ? qmax : v);
  }
  return EI_OK;
}

const ei_op_kernel ei_op_mean = {"MEAN", prepare, eval};
