/* pad.c — PAD and PADV2: the input surrounded, along each axis, by
 * paddings[d][0] elements before and paddings[d][1] after.
 *
 * The paddings are a constant int32 or int64 [rank, 2] tensor of
 * non-negative values. The padding value is PADV2's constant_values (a
 * one-element tensor of the input's type, read when the op runs; for 8-bit
 * tensors its scale and zero point must be the output's), else 0, or for
 * quantized 8-bit tensors the output's zero point. Values are copied as they
 * are, as TFLite does. */
#include <string.h>

#include "ops/op_common.h"

typedef struct {
  int rank;
  size_t elem;                              /* bytes per element */
  int32_t in_dims[EI_MAX_RANK], before[EI_MAX_RANK], after[EI_MAX_RANK];
  size_t in_slab[EI_MAX_RANK], out_slab[EI_MAX_RANK]; /* bytes per step along each axis */
  uint8_t value[8];                         /* the padding element (PAD, or PADV2 without a value) */
} pad_params;

static int64_t padding_at(const ei_tensor *t, size_t i) {
  if (t->type == EI_INT64) {
    int64_t v;
    memcpy(&v, t->data + 8 * i, 8);
    return v;
  }
  return ei_const_i32(t, i);
}

static ei_status check_types(ei_graph *g, const ei_node *n, const ei_tensor *in, const ei_tensor *out,
                             const ei_tensor *value) {
  char label[96];
  ei_status s = ei_check_same_type(g, n, in, out);
  if (s != EI_OK) return s;
  switch (in->type) {
    case EI_FLOAT32: case EI_INT8: case EI_UINT8: case EI_INT32: case EI_INT64: break;
    default:
      return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; FLOAT32, INT8, UINT8, INT32 and INT64 are supported",
                     ei_tensor_label(g, ei_tensor_index(g, in), label, sizeof label), ei_dtype_name(in->type));
  }
  if (!value) return EI_OK;
  if ((s = ei_check_same_type(g, n, value, in))) return s;
  if (ei_num_elements(value) != 1)
    return ei_fail(g, EI_MODEL_INVALID, "%s (the padding value) has %zu elements, expected 1",
                   ei_tensor_label(g, ei_tensor_index(g, value), label, sizeof label), ei_num_elements(value));
  if (out->q.quantized && (value->q.scale != out->q.scale || value->q.zero_point != out->q.zero_point))
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s (the padding value) is quantized as %g/%d, the output as %g/%d",
                   ei_tensor_label(g, ei_tensor_index(g, value), label, sizeof label), (double)value->q.scale,
                   (int)value->q.zero_point, (double)out->q.scale, (int)out->q.zero_point);
  return EI_OK;
}

static ei_status check_paddings(ei_graph *g, const ei_node *n, const ei_tensor *in, const ei_tensor *paddings) {
  char label[96];
  const int index = ei_tensor_index(g, paddings);
  if (paddings->type != EI_INT32 && paddings->type != EI_INT64)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s (the paddings) is %s; INT32 and INT64 are supported",
                   ei_tensor_label(g, index, label, sizeof label), ei_dtype_name(paddings->type));
  ei_status s = ei_check_const(g, n, paddings);
  if (s != EI_OK) return s;
  if (paddings->rank != 2 || paddings->dims[0] != in->rank || paddings->dims[1] != 2)
    return ei_fail(g, EI_MODEL_INVALID, "%s (the paddings) must have shape [%d, 2] for a rank-%d input",
                   ei_tensor_label(g, index, label, sizeof label), in->rank, in->rank);
  return EI_OK;
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 2, 3, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s == EI_OK) s = ei_require(g, n, 1, "paddings");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *paddings = ei_input(g, n, 1), *value = ei_input(g, n, 2);
  ei_tensor *out = ei_output(g, n, 0);
  if ((s = check_types(g, n, in, out, value)) || (s = check_paddings(g, n, in, paddings))) return s;

  pad_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->rank = in->rank;
  p->elem = ei_dtype_size(in->type);
  if (in->type == EI_INT8 || in->type == EI_UINT8) p->value[0] = (uint8_t)out->q.zero_point;
  int32_t out_dims[EI_MAX_RANK];
  for (int d = 0; d < p->rank; ++d) {
    const int64_t before = padding_at(paddings, 2 * (size_t)d), after = padding_at(paddings, 2 * (size_t)d + 1);
    if (before < 0 || after < 0)
      return ei_fail(g, EI_MODEL_INVALID, "negative padding (%lld, %lld) on axis %d", (long long)before,
                     (long long)after, d);
    /* Each term is below 2^31 when the sum is formed: it cannot overflow. */
    const int64_t size = before > INT32_MAX || after > INT32_MAX ? INT64_MAX : in->dims[d] + before + after;
    if (size > INT32_MAX)
      return ei_fail(g, EI_MODEL_INVALID, "padding (%lld, %lld) on axis %d makes it %lld long", (long long)before,
                     (long long)after, d, (long long)size);
    p->in_dims[d] = in->dims[d];
    p->before[d] = (int32_t)before;
    p->after[d] = (int32_t)after;
    out_dims[d] = (int32_t)size;
  }
  if ((s = ei_set_shape(g, out, p->rank, out_dims))) return s; /* checks the total size */
  size_t in_slab = p->elem, out_slab = p->elem;
  for (int d = p->rank - 1; d >= 0; --d) {
    p->in_slab[d] = in_slab;
    p->out_slab[d] = out_slab;
    in_slab *= (size_t)p->in_dims[d];
    out_slab *= (size_t)out_dims[d];
  }
  n->params = p;
  return EI_OK;
}

/* The padding element, and whether all its bytes are equal (then memset fills). */
typedef struct {
  const uint8_t *value;
  size_t elem;
  bool one_byte;
} pad_value;

/* `count` copies of the padding element. */
static uint8_t *fill(uint8_t *out, const pad_value *v, size_t count) {
  if (v->elem == 4) { /* a plain loop: short runs (a few channels) are the common case */
    uint32_t word;
    memcpy(&word, v->value, 4);
    for (size_t i = 0; i < count; ++i) memcpy(out + 4 * i, &word, 4);
  } else if (v->one_byte) {
    memset(out, v->value[0], count * v->elem);
  } else {
    for (size_t i = 0; i < count; ++i) memcpy(out + i * v->elem, v->value, v->elem);
  }
  return out + count * v->elem;
}

static uint8_t *copy(uint8_t *out, const uint8_t *in, size_t bytes) {
  if (bytes % 4 == 0) { /* a loop the compiler vectorizes, cheaper than memcpy for short runs */
    for (size_t i = 0; i < bytes; i += 4) memcpy(out + i, in + i, 4);
  } else {
    memcpy(out, in, bytes);
  }
  return out + bytes;
}

/* The output block of axis d (and all axes after it) from the input block at in. */
static uint8_t *pad_axis(const pad_params *p, const pad_value *v, int d, const uint8_t *in, uint8_t *out) {
  const size_t per_index = p->out_slab[d] / p->elem; /* output elements per index along d */
  out = fill(out, v, (size_t)p->before[d] * per_index);
  if (d == p->rank - 1) {
    out = copy(out, in, (size_t)p->in_dims[d] * p->elem);
  } else if (d == p->rank - 2) { /* the last axis inline: one call per row, not per element run */
    const int last = p->rank - 1;
    const size_t run = (size_t)p->in_dims[last] * p->elem;
    for (int32_t i = 0; i < p->in_dims[d]; ++i) {
      out = fill(out, v, (size_t)p->before[last]);
      out = copy(out, in + (size_t)i * p->in_slab[d], run);
      out = fill(out, v, (size_t)p->after[last]);
    }
  } else {
    for (int32_t i = 0; i < p->in_dims[d]; ++i) out = pad_axis(p, v, d + 1, in + (size_t)i * p->in_slab[d], out);
  }
  return fill(out, v, (size_t)p->after[d] * per_index);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const pad_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0), *value = ei_input(g, n, 2);
  ei_tensor *out = ei_output(g, n, 0);
  if (out->bytes == 0) return EI_OK;
  if (p->rank == 0) {
    memcpy(out->data, in->data, p->elem);
    return EI_OK;
  }
  pad_value v = {value ? value->data : p->value, p->elem, true};
  for (size_t i = 1; i < p->elem; ++i) v.one_byte &= v.value[i] == v.value[0];
  pad_axis(p, &v, 0, in->data, out->data);
  return EI_OK;
}

const ei_op_kernel ei_op_pad = {"PAD", prepare, eval};
const ei_op_kernel ei_op_padv2 = {"PADV2", prepare, eval};
