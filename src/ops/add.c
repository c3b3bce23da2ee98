/* add.c — ADD of two 8-bit or float32 tensors with numpy-style broadcasting.
 *
 * 8-bit, TFLite's rescaling: both inputs are shifted left by 20 bits for
 * headroom, scaled to a common scale of twice the larger input scale, added,
 * then scaled to the output. Each scaling is a multiplier below one.
 * float32: the float sum, then the fused activation clamp. */
#include "ops/op_common.h"
#include "quant.h"

enum { ACTIVATION = 0 }; /* AddOptions */

typedef struct {
  ei_add_params k;
  bool same_shape;               /* no broadcasting: one element-wise kernel call */
  ei_broadcast_blocks walk;
  ei_byte_table table;           /* 8-bit with a small operand */
  float act_min, act_max;        /* float32 */
} add_params;

static ei_status scale_below_one(ei_graph *g, const ei_node *n, double m, int32_t *mult, int *shift) {
  ei_status s = ei_multiplier(g, n, m, mult, shift);
  if (s == EI_OK && (m >= 1.0 || *shift > 0))
    return ei_fail(g, EI_UNSUPPORTED_OP, "output scale too small for the inputs (factor %g)", m);
  return s;
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 2, 2, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input 1");
  if (s == EI_OK) s = ei_require(g, n, 1, "input 2");
  if (s != EI_OK) return s;
  ei_tensor *a = ei_input(g, n, 0), *b = ei_input(g, n, 1), *out = ei_output(g, n, 0);
  if (a->type == EI_FLOAT32) {
    if ((s = ei_check_same_type(g, n, a, b)) || (s = ei_check_same_type(g, n, a, out))) return s;
  } else if ((s = ei_check_q8(g, n, a)) || (s = ei_check_q8(g, n, b)) || (s = ei_check_q8(g, n, out)) ||
             (s = ei_check_same_type(g, n, a, b)) || (s = ei_check_same_type(g, n, a, out))) {
    return s;
  }
  fb_table o;
  uint8_t act;
  if ((s = ei_options(g, n, EI_OPT_ADD, &o))) return s;
  if (!fb_u8(&o, ACTIVATION, 0, &act)) return ei_fail(g, EI_MODEL_INVALID, "malformed options");

  add_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  ei_broadcast bc;
  if ((s = ei_broadcast_shapes(g, n, a, b, &bc))) return s;
  ei_broadcast_merge(&bc, &p->walk);
  p->same_shape = ei_same_shape(a, b);
  if (a->type == EI_FLOAT32) {
    if ((s = ei_activation_f32(g, n, act, &p->act_min, &p->act_max))) return s;
    n->params = p;
    return ei_set_shape(g, out, bc.rank, bc.dims);
  }

  p->k.is_signed = a->type == EI_INT8;
  p->k.offset1 = -a->q.zero_point;
  p->k.offset2 = -b->q.zero_point;
  p->k.out_zero_point = out->q.zero_point;
  const double twice_max = 2.0 * (double)(a->q.scale > b->q.scale ? a->q.scale : b->q.scale);
  if ((s = scale_below_one(g, n, (double)a->q.scale / twice_max, &p->k.mult1, &p->k.shift1)) ||
      (s = scale_below_one(g, n, (double)b->q.scale / twice_max, &p->k.mult2, &p->k.shift2)) ||
      (s = scale_below_one(g, n, twice_max / ((1 << EI_ADD_LEFT_SHIFT) * (double)out->q.scale),
                           &p->k.mult_out, &p->k.shift_out)) ||
      (s = ei_activation(g, n, act, out, &p->k.act_min, &p->k.act_max)))
    return s;
  p->table.which = EI_NO_TABLE;
  if (!p->same_shape) ei_choose_byte_table(n, a, b, out, &p->table);
  n->params = p;
  return ei_set_shape(g, out, bc.rank, bc.dims);
}

static ei_status eval_f32(const add_params *p, const float *x1, const float *x2, float *out, size_t total) {
  if (p->same_shape) {
    ei_add_f32(x1, x2, out, total, p->act_min, p->act_max);
    return EI_OK;
  }
  const ei_broadcast_blocks *w = &p->walk;
  const int r = w->rank;
  size_t index[EI_MAX_RANK] = {0}, at1 = 0, at2 = 0;
  for (size_t k = 0; k < total; k += ei_broadcast_block_size(w)) {
    for (size_t i = 0; i < w->dims[r - 2]; ++i) {
      const float *a = x1 + at1 + i * w->stride1[r - 2], *b = x2 + at2 + i * w->stride2[r - 2];
      for (size_t j = 0; j < w->dims[r - 1]; ++j)
        *out++ = ei_minmax_f32(a[j * w->stride1[r - 1]] + b[j * w->stride2[r - 1]], p->act_min, p->act_max);
    }
    ei_broadcast_next_block(w, index, &at1, &at2);
  }
  return EI_OK;
}

/* ADD for the byte table: each input rescaled, then the sum's output byte. */
static int32_t add_input(const void *params, int operand, int32_t x) {
  return ei_add_rescale(&((const add_params *)params)->k, operand, x);
}

static uint8_t add_finish(const void *params, int32_t a, int32_t b) {
  return ei_add_finish(&((const add_params *)params)->k, a + b);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const add_params *p = n->params;
  if (ei_input(g, n, 0)->type == EI_FLOAT32)
    return eval_f32(p, (const float *)ei_input(g, n, 0)->data, (const float *)ei_input(g, n, 1)->data,
                    (float *)ei_output(g, n, 0)->data, ei_num_elements(ei_output(g, n, 0)));
  const uint8_t *x1 = ei_input(g, n, 0)->data, *x2 = ei_input(g, n, 1)->data;
  uint8_t *out = ei_output(g, n, 0)->data;
  size_t total = ei_num_elements(ei_output(g, n, 0));
  if (p->same_shape) {
    ei_add_q8(&p->k, x1, x2, out, total);
    return EI_OK;
  }
  if (p->table.which != EI_NO_TABLE) {
    ei_build_byte_table(&p->table, p->table.which == EI_TABLE_OF_INPUT1 ? x1 : x2, p->k.is_signed, add_input,
                        add_finish, p, n->scratch);
    ei_run_byte_table(&p->table, &p->walk, n->scratch, x1, x2, out, total);
    return EI_OK;
  }
  /* Blocks of the two innermost merged axes; the outer axes carry a multi-index. */
  const ei_broadcast_blocks *w = &p->walk;
  const int r = w->rank;
  const bool is_signed = p->k.is_signed;
  size_t index[EI_MAX_RANK] = {0}, at1 = 0, at2 = 0;
  for (size_t k = 0; k < total; k += ei_broadcast_block_size(w)) {
    for (size_t i = 0; i < w->dims[r - 2]; ++i) {
      const uint8_t *a = x1 + at1 + i * w->stride1[r - 2], *b = x2 + at2 + i * w->stride2[r - 2];
      for (size_t j = 0; j < w->dims[r - 1]; ++j)
        *out++ = ei_add_q8_one(&p->k, ei_load_q8(a + j * w->stride1[r - 1], is_signed),
                               ei_load_q8(b + j * w->stride2[r - 1], is_signed));
    }
    ei_broadcast_next_block(w, index, &at1, &at2);
  }
  return EI_OK;
}

const ei_op_kernel ei_op_add = {"ADD", prepare, eval};
