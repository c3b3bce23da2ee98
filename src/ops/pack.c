/* pack.c — PACK stacks N same-shape tensors along a new axis; UNPACK splits
 * a tensor along an axis into as many tensors, dropping that axis. Both only
 * move bytes: quantized operands must share one scale and zero point. */
#include <string.h>

#include "ops/op_common.h"

enum { OPT_PACK = 59, OPT_UNPACK = 64 }; /* BuiltinOptions tags */
enum { COUNT = 0, AXIS = 1 };            /* PackOptions values_count / UnpackOptions num, axis */

/* Both ops view the packed tensor as [outer, N, inner] and each piece as [outer, inner]. */
typedef struct {
  size_t outer, piece_bytes; /* piece_bytes = inner * element size */
  int count;
} pack_params;

/* The two tensors hold the same values: same type, and for 8-bit types the
 * same quantization. */
static ei_status check_same_values(ei_graph *g, const ei_node *n, const ei_tensor *a, const ei_tensor *b) {
  ei_status s = ei_check_same_type(g, n, a, b);
  if (s != EI_OK || (a->type != EI_INT8 && a->type != EI_UINT8)) return s;
  if ((s = ei_check_quant(g, n, a)) || (s = ei_check_quant(g, n, b))) return s;
  char la[96], lb[96];
  if (a->q.scale != b->q.scale || a->q.zero_point != b->q.zero_point)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s and %s have different quantization (%g, %d vs %g, %d)",
                   ei_tensor_label(g, ei_tensor_index(g, a), la, sizeof la),
                   ei_tensor_label(g, ei_tensor_index(g, b), lb, sizeof lb), (double)a->q.scale,
                   (int)a->q.zero_point, (double)b->q.scale, (int)b->q.zero_point);
  return EI_OK;
}

static ei_status read_options(ei_graph *g, const ei_node *n, uint8_t tag, int32_t *count, int32_t *axis) {
  fb_table o;
  ei_status s = ei_options(g, n, tag, &o);
  if (s != EI_OK) return s;
  if (!fb_i32(&o, COUNT, 0, count) || !fb_i32(&o, AXIS, 0, axis))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");
  return EI_OK;
}

/* Splits `t` (the packed tensor) at `axis` into outer and piece sizes. */
static void split_sizes(const ei_tensor *t, int axis, pack_params *p) {
  p->outer = 1;
  p->piece_bytes = ei_dtype_size(t->type);
  for (int i = 0; i < axis; ++i) p->outer *= (size_t)t->dims[i];
  for (int i = axis + 1; i < t->rank; ++i) p->piece_bytes *= (size_t)t->dims[i];
}

static ei_status prepare_pack(ei_graph *g, ei_node *n) {
  if (n->n_inputs < 1 || n->n_outputs != 1)
    return ei_fail(g, EI_MODEL_INVALID, "has %d inputs and %d outputs, expected at least 1 and 1",
                   n->n_inputs, n->n_outputs);
  ei_status s;
  for (int i = 0; i < n->n_inputs; ++i)
    if ((s = ei_require(g, n, i, "value"))) return s;
  int32_t count, axis;
  if ((s = read_options(g, n, OPT_PACK, &count, &axis))) return s;
  if (count != n->n_inputs)
    return ei_fail(g, EI_MODEL_INVALID, "values_count is %d but the operator has %d inputs",
                   (int)count, n->n_inputs);
  const ei_tensor *first = ei_input(g, n, 0);
  ei_tensor *out = ei_output(g, n, 0);
  const int rank = first->rank + 1;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    return ei_fail(g, EI_MODEL_INVALID, "axis %d is out of range for rank %d", (int)axis, rank);
  if (rank > EI_MAX_RANK)
    return ei_fail(g, EI_UNSUPPORTED_OP, "output would have rank %d; at most %d is supported", rank,
                   EI_MAX_RANK);
  char label[96];
  for (int i = 0; i < n->n_inputs; ++i) {
    const ei_tensor *t = ei_input(g, n, i);
    if ((s = check_same_values(g, n, t, out))) return s;
    if (!ei_same_shape(t, first))
      return ei_fail(g, EI_MODEL_INVALID, "%s does not have the shape of input 0",
                     ei_tensor_label(g, ei_tensor_index(g, t), label, sizeof label));
  }
  int32_t dims[EI_MAX_RANK];
  for (int i = 0, j = 0; i < rank; ++i) dims[i] = i == axis ? count : first->dims[j++];
  if ((s = ei_set_shape(g, out, rank, dims))) return s;
  pack_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  split_sizes(out, (int)axis, p);
  p->count = (int)count;
  n->params = p;
  return EI_OK;
}

static ei_status eval_pack(ei_graph *g, ei_node *n) {
  const pack_params *p = n->params;
  uint8_t *out = ei_output(g, n, 0)->data;
  if (p->piece_bytes == 0) return EI_OK; /* empty pieces: nothing to move however many rows */
  for (size_t o = 0; o < p->outer; ++o)
    for (int i = 0; i < p->count; ++i, out += p->piece_bytes)
      memcpy(out, ei_input(g, n, i)->data + o * p->piece_bytes, p->piece_bytes);
  return EI_OK;
}

static ei_status prepare_unpack(ei_graph *g, ei_node *n) {
  if (n->n_inputs != 1 || n->n_outputs < 1)
    return ei_fail(g, EI_MODEL_INVALID, "has %d inputs and %d outputs, expected 1 and at least 1",
                   n->n_inputs, n->n_outputs);
  ei_status s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  int32_t num, axis;
  if ((s = read_options(g, n, OPT_UNPACK, &num, &axis))) return s;
  const ei_tensor *in = ei_input(g, n, 0);
  if (axis < 0) axis += in->rank;
  if (axis < 0 || axis >= in->rank)
    return ei_fail(g, EI_MODEL_INVALID, "axis %d is out of range for rank %d", (int)axis, in->rank);
  if (in->dims[axis] != n->n_outputs || (num != 0 && num != n->n_outputs))
    return ei_fail(g, EI_MODEL_INVALID, "splits dimension %d of size %d into %d outputs (num %d)",
                   (int)axis, (int)in->dims[axis], n->n_outputs, (int)num);
  int32_t dims[EI_MAX_RANK];
  for (int i = 0, j = 0; i < in->rank; ++i)
    if (i != axis) dims[j++] = in->dims[i];
  for (int k = 0; k < n->n_outputs; ++k) {
    ei_tensor *out = ei_output(g, n, k);
    if ((s = check_same_values(g, n, in, out)) || (s = ei_set_shape(g, out, in->rank - 1, dims))) return s;
  }
  pack_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  split_sizes(in, (int)axis, p);
  p->count = n->n_outputs;
  n->params = p;
  return EI_OK;
}

static ei_status eval_unpack(ei_graph *g, ei_node *n) {
  const pack_params *p = n->params;
  const uint8_t *in = ei_input(g, n, 0)->data;
  if (p->piece_bytes == 0) return EI_OK;
  for (size_t o = 0; o < p->outer; ++o)
    for (int k = 0; k < p->count; ++k, in += p->piece_bytes)
      memcpy(ei_output(g, n, k)->data + o * p->piece_bytes, in, p->piece_bytes);
  return EI_OK;
}

const ei_op_kernel ei_op_pack = {"PACK", prepare_pack, eval_pack};
const ei_op_kernel ei_op_unpack = {"UNPACK", prepare_unpack, eval_unpack};
