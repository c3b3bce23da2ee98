/* arg_max.c — ARG_MAX and ARG_MIN over one axis, given by a constant int32
 * (or int64) tensor. The output drops that axis and holds int32 or int64
 * indices; on ties the first index wins (strict comparison, as TFLite's
 * reference). Inputs: int8, uint8, int32 and float32. */
#include "ops/elementwise.h"
#include "ops/op_common.h"
#include "kernels/arg_q8.h"

typedef struct {
  bool is_max;
  int32_t in_type, out_type;
  size_t outer, axis_size, inner;
} arg_params;

static ei_status wrong_type(ei_graph *g, const ei_tensor *t, const char *expected) {
  char label[96];
  return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; %s",
                 ei_tensor_label(g, ei_tensor_index(g, t), label, sizeof label), ei_dtype_name(t->type),
                 expected);
}

static ei_status prepare(ei_graph *g, ei_node *n, bool is_max) {
  ei_status s = ei_check_arity(g, n, 2, 2, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s == EI_OK) s = ei_require(g, n, 1, "axis");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *axis_t = ei_input(g, n, 1), *out = ei_output(g, n, 0);
  if (in->type != EI_INT8 && in->type != EI_UINT8 && in->type != EI_INT32 && in->type != EI_FLOAT32)
    return wrong_type(g, in, "only INT8, UINT8, INT32 and FLOAT32 are supported");
  if (out->type != EI_INT32 && out->type != EI_INT64)
    return wrong_type(g, out, "the output must be INT32 or INT64");
  if (axis_t->type != EI_INT32 && axis_t->type != EI_INT64)
    return wrong_type(g, axis_t, "the axis must be INT32 or INT64");
  if ((s = ei_check_const(g, n, axis_t))) return s;
  char label[96];
  if (ei_num_elements(axis_t) != 1)
    return ei_fail(g, EI_MODEL_INVALID, "%s must hold one axis, has %zu elements",
                   ei_tensor_label(g, ei_tensor_index(g, axis_t), label, sizeof label),
                   ei_num_elements(axis_t));
  if (in->rank < 1) return ei_fail(g, EI_MODEL_INVALID, "the input must have rank >= 1");
  const int64_t given = axis_t->type == EI_INT32 ? ei_get_i32(axis_t->data) : ei_get_i64(axis_t->data);
  const int64_t axis = given < 0 ? given + in->rank : given;
  if (axis < 0 || axis >= in->rank)
    return ei_fail(g, EI_MODEL_INVALID, "axis %lld is out of range for rank %d", (long long)given, in->rank);
  if (in->dims[axis] < 1)
    return ei_fail(g, EI_MODEL_INVALID, "cannot take the %s over an empty axis",
                   is_max ? "maximum" : "minimum");

  arg_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->is_max = is_max;
  p->in_type = in->type;
  p->out_type = out->type;
  p->outer = p->inner = 1;
  int32_t dims[EI_MAX_RANK];
  int rank = 0;
  for (int i = 0; i < in->rank; ++i) {
    if (i < axis) p->outer *= (size_t)in->dims[i];
    if (i > axis) p->inner *= (size_t)in->dims[i];
    if (i != axis) dims[rank++] = in->dims[i];
  }
  p->axis_size = (size_t)in->dims[axis];
  n->params = p;
  return ei_set_shape(g, out, rank, dims);
}

static ei_status prepare_max(ei_graph *g, ei_node *n) { return prepare(g, n, true); }
static ei_status prepare_min(ei_graph *g, ei_node *n) { return prepare(g, n, false); }

/* Element i as a double: exact for every supported type. */
static double load(int32_t type, const uint8_t *data, size_t i) {
  switch (type) {
    case EI_INT8: return (int8_t)data[i];
    case EI_UINT8: return data[i];
    case EI_INT32: return ei_get_i32(data + 4 * i);
    default: return ei_get_f32(data + 4 * i);
  }
}

static void put_index(const arg_params *p, uint8_t *out, size_t at, size_t index) {
  if (p->out_type == EI_INT32) ei_put_i32(out + 4 * at, (int32_t)index);
  else ei_put_i64(out + 8 * at, (int64_t)index);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const arg_params *p = n->params;
  const uint8_t *in = ei_input(g, n, 0)->data;
  uint8_t *out = ei_output(g, n, 0)->data;
  if (ei_output(g, n, 0)->bytes == 0) return EI_OK;
  if ((p->in_type == EI_INT8 || p->in_type == EI_UINT8) && p->inner == 1) {
    const uint8_t flip = ei_arg_q8_flip(p->in_type == EI_INT8, p->is_max);
    for (size_t o = 0; o < p->outer; ++o) put_index(p, out, o, ei_arg_q8(in + o * p->axis_size, p->axis_size, flip));
    return EI_OK;
  }
  for (size_t o = 0; o < p->outer; ++o) {
    for (size_t k = 0; k < p->inner; ++k) {
      const size_t base = o * p->axis_size * p->inner + k;
      double best = load(p->in_type, in, base);
      size_t best_index = 0;
      for (size_t i = 1; i < p->axis_size; ++i) {
        const double v = load(p->in_type, in, base + i * p->inner);
        if (p->is_max ? v > best : v < best) {
          best = v;
          best_index = i;
        }
      }
      put_index(p, out, o * p->inner + k, best_index);
    }
  }
  return EI_OK;
}

const ei_op_kernel ei_op_arg_max = {"ARG_MAX", prepare_max, eval};
const ei_op_kernel ei_op_arg_min = {"ARG_MIN", prepare_min, eval};
