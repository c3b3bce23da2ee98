/* arith.c — MUL, SUB, DIV and FLOOR_DIV, with numpy-style broadcasting.
 *
 * 8-bit MUL: (x1 - zp1) * (x2 - zp2) times one multiplier s1*s2/s_out, plus zp_out.
 * 8-bit SUB: ADD's rescaling (see add.c, ei_add_params): both inputs offset and
 *   shifted left by 20 bits, scaled to twice the larger input scale, subtracted,
 *   scaled to the output.
 *   TFLM computes those multipliers from float quotients for int8; TFLite's uint8
 *   reference from double ones. Each is followed here.
 * int32 and float32: the plain operation, then the fused activation clamp
 *   (int32 wraps like the reference's arithmetic).
 * DIV: float32 and int32 (truncating). FLOOR_DIV: int32 and float32, computed as
 *   floor(double(a) / double(b)) like TFLite's reference.
 * An integer division (or any FLOOR_DIV) by zero is an error at run time. */
#include <math.h>

#include "ops/elementwise.h"
#include "ops/op_common.h"
#include "quant.h"

enum { OPT_MUL = 21, OPT_SUB = 28, OPT_DIV = 29, OPT_FLOOR_DIV = 65 }; /* BuiltinOptions tags */
enum { ACTIVATION = 0 };                /* MulOptions, SubOptions, DivOptions */

typedef enum { OP_MUL, OP_SUB, OP_DIV, OP_FLOOR_DIV } arith_op;

typedef struct {
  arith_op op;
  int32_t type;
  size_t elem_size;
  ei_broadcast_blocks walk;
  ei_byte_table table; /* 8-bit with a small operand */
  /* int32 / float32 fused activation. */
  int32_t act_min, act_max;
  float fact_min, fact_max;
  /* 8-bit: MUL uses mul; SUB uses ADD's rescaling, the difference in place of the sum. */
  bool is_signed, same_shape;
  ei_mul_params mul;
  ei_add_params sub;
} arith_params;

static const char *op_name(arith_op op) {
  static const char *const names[] = {"MUL", "SUB", "DIV", "FLOOR_DIV"};
  return names[op];
}

/* A multiplier in (0, 1) (TFLite QuantizeMultiplierSmallerThanOneExp). */
static ei_status below_one(ei_graph *g, const ei_node *n, double m, int32_t *mult, int *shift) {
  ei_status s = ei_multiplier(g, n, m, mult, shift);
  if (s == EI_OK && (m >= 1.0 || *shift > 0))
    return ei_fail(g, EI_UNSUPPORTED_OP, "output scale too small for the inputs (factor %g)", m);
  return s;
}

static ei_status prepare_q8(ei_graph *g, const ei_node *n, const ei_tensor *a, const ei_tensor *b,
                            const ei_tensor *out, uint8_t act, arith_params *p) {
  ei_status s;
  if ((s = ei_check_q8(g, n, a)) || (s = ei_check_q8(g, n, b)) || (s = ei_check_q8(g, n, out)) ||
      (s = ei_activation(g, n, act, out, &p->act_min, &p->act_max)))
    return s;
  p->is_signed = a->type == EI_INT8;
  /* Offsets are negated zero points. */
  if (p->op == OP_MUL) {
    double m = (double)a->q.scale * (double)b->q.scale / (double)out->q.scale;
    p->mul = (ei_mul_params){.offset1 = -a->q.zero_point, .offset2 = -b->q.zero_point,
                             .out_zero_point = out->q.zero_point, .act_min = p->act_min, .act_max = p->act_max,
                             .is_signed = p->is_signed};
    return ei_multiplier(g, n, m, &p->mul.multiplier, &p->mul.shift);
  }
  ei_add_params *k = &p->sub;
  *k = (ei_add_params){.offset1 = -a->q.zero_point, .offset2 = -b->q.zero_point, .out_zero_point = out->q.zero_point,
                       .act_min = p->act_min, .act_max = p->act_max, .is_signed = p->is_signed};
  double m1, m2, m_out;
  if (p->is_signed) { /* TFLM: float quotients, widened */
    const float twice_max = 2 * (a->q.scale < b->q.scale ? b->q.scale : a->q.scale);
    m1 = (double)(a->q.scale / twice_max);
    m2 = (double)(b->q.scale / twice_max);
    m_out = (double)(twice_max / ((1 << EI_ADD_LEFT_SHIFT) * out->q.scale));
  } else { /* TFLite uint8: double quotients */
    const double twice_max = 2 * (double)(a->q.scale < b->q.scale ? b->q.scale : a->q.scale);
    m1 = (double)a->q.scale / twice_max;
    m2 = (double)b->q.scale / twice_max;
    m_out = twice_max / ((1 << EI_ADD_LEFT_SHIFT) * (double)out->q.scale);
  }
  if ((s = below_one(g, n, m1, &k->mult1, &k->shift1)) || (s = below_one(g, n, m2, &k->mult2, &k->shift2)))
    return s;
  return below_one(g, n, m_out, &k->mult_out, &k->shift_out);
}

static ei_status prepare(ei_graph *g, ei_node *n, arith_op op) {
  ei_status s = ei_check_arity(g, n, 2, 2, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input 1");
  if (s == EI_OK) s = ei_require(g, n, 1, "input 2");
  if (s != EI_OK) return s;
  ei_tensor *a = ei_input(g, n, 0), *b = ei_input(g, n, 1), *out = ei_output(g, n, 0);
  if ((s = ei_check_same_type(g, n, a, b)) || (s = ei_check_same_type(g, n, a, out))) return s;

  uint8_t act = 0;
  if (op != OP_FLOOR_DIV) {
    static const uint8_t tags[] = {OPT_MUL, OPT_SUB, OPT_DIV};
    fb_table o;
    if ((s = ei_options(g, n, tags[op], &o))) return s;
    if (!fb_u8(&o, ACTIVATION, 0, &act)) return ei_fail(g, EI_MODEL_INVALID, "malformed options");
  }
  arith_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->op = op;
  p->type = a->type;
  p->elem_size = ei_dtype_size(a->type);
  ei_broadcast bc;
  if ((s = ei_broadcast_shapes(g, n, a, b, &bc))) return s;
  ei_broadcast_merge(&bc, &p->walk);

  char label[96];
  const bool q8_op = op == OP_MUL || op == OP_SUB;
  if ((a->type == EI_INT8 || a->type == EI_UINT8) && q8_op) {
    s = prepare_q8(g, n, a, b, out, act, p);
  } else if (a->type == EI_INT32 || a->type == EI_FLOAT32) {
    const bool f = a->type == EI_FLOAT32;
    /* FLOOR_DIV has no fused activation: not even an infinity is clamped. */
    const double f_max = op == OP_FLOOR_DIV ? INFINITY : FLT_MAX;
    const double type_lo = f ? -f_max : INT32_MIN, type_hi = f ? f_max : INT32_MAX;
    double lo, hi;
    if (!ei_activation_bounds(act, type_lo, type_hi, &lo, &hi))
      return ei_fail(g, EI_UNSUPPORTED_OP, "fused activation %u is not supported", act);
    if (f) {
      p->fact_min = (float)lo;
      p->fact_max = (float)hi;
    } else {
      p->act_min = (int32_t)lo;
      p->act_max = (int32_t)hi;
    }
  } else {
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; %s supports %s",
                   ei_tensor_label(g, ei_tensor_index(g, a), label, sizeof label),
                   ei_dtype_name(a->type), op_name(op),
                   q8_op ? "INT8, UINT8, INT32 and FLOAT32" : "INT32 and FLOAT32");
  }
  if (s != EI_OK) return s;
  if ((s = ei_set_shape(g, out, bc.rank, bc.dims))) return s;
  p->same_shape = ei_same_shape(a, b);
  if (a->type == EI_INT8 || a->type == EI_UINT8) ei_choose_byte_table(n, a, b, out, &p->table);
  n->params = p;
  return EI_OK;
}

static ei_status prepare_mul(ei_graph *g, ei_node *n) { return prepare(g, n, OP_MUL); }
static ei_status prepare_sub(ei_graph *g, ei_node *n) { return prepare(g, n, OP_SUB); }
static ei_status prepare_div(ei_graph *g, ei_node *n) { return prepare(g, n, OP_DIV); }
static ei_status prepare_floor_div(ei_graph *g, ei_node *n) { return prepare(g, n, OP_FLOOR_DIV); }

/* ---- One element ---- */

static uint8_t sub_q8(const arith_params *p, int32_t x1, int32_t x2) {
  const ei_add_params *k = &p->sub;
  return ei_add_finish(k, ei_add_rescale(k, 1, x1) - ei_add_rescale(k, 2, x2));
}

/* x / 0 is rejected before any element is computed. */
static int32_t int32_op(arith_op op, int32_t a, int32_t b) {
  const uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
  switch (op) {
    case OP_MUL: return (int32_t)(ua * ub); /* wraps, as the reference's int32 product */
    case OP_SUB: return (int32_t)(ua - ub);
    case OP_DIV: return (a == INT32_MIN && b == -1) ? INT32_MIN : a / b;
    case OP_FLOOR_DIV: {
      /* floor(double(a) / double(b)); only INT32_MIN / -1 leaves the int32 range,
       * where x86's conversion (what TFLite runs) gives INT32_MIN. */
      double q = floor((double)a / (double)b);
      return q >= 2147483648.0 ? INT32_MIN : (int32_t)q;
    }
  }
  return 0;
}

static float float_op(arith_op op, float a, float b) {
  switch (op) {
    case OP_MUL: return a * b;
    case OP_SUB: return a - b;
    case OP_DIV: return a / b;
    case OP_FLOOR_DIV: return (float)floor((double)a / (double)b);
  }
  return 0;
}

static void compute(const arith_params *p, const uint8_t *x1, const uint8_t *x2, uint8_t *out) {
  switch (p->type) {
    case EI_INT8:
    case EI_UINT8: {
      int32_t a = ei_load_q8(x1, p->is_signed), b = ei_load_q8(x2, p->is_signed);
      *out = p->op == OP_MUL ? ei_mul_q8_one(&p->mul, a, b) : sub_q8(p, a, b);
      break;
    }
    case EI_INT32:
      ei_put_i32(out, ei_clamp(int32_op(p->op, ei_get_i32(x1), ei_get_i32(x2)), p->act_min,
                               p->act_max));
      break;
    default: /* float32 */
      ei_put_f32(out, ei_clamp_f32(float_op(p->op, ei_get_f32(x1), ei_get_f32(x2)), p->fact_min,
                                   p->fact_max));
      break;
  }
}

/* MUL and SUB for the byte table: each input offset (MUL) or rescaled
 * (SUB), then the product's or the difference's output byte. */
static int32_t q8_input(const void *params, int operand, int32_t x) {
  const arith_params *p = params;
  if (p->op == OP_MUL) return x + (operand == 1 ? p->mul.offset1 : p->mul.offset2);
  return ei_add_rescale(&p->sub, operand, x);
}

static uint8_t q8_finish(const void *params, int32_t a, int32_t b) {
  const arith_params *p = params;
  return p->op == OP_MUL ? ei_mul_finish(&p->mul, a * b) : ei_add_finish(&p->sub, a - b);
}

static void run_block(const arith_params *p, const uint8_t *x1, const uint8_t *x2, uint8_t *out) {
  const ei_broadcast_blocks *w = &p->walk;
  const int r = w->rank;
  const size_t es = p->elem_size;
  for (size_t i = 0; i < w->dims[r - 2]; ++i) {
    const uint8_t *a = x1 + i * w->stride1[r - 2] * es, *b = x2 + i * w->stride2[r - 2] * es;
    for (size_t j = 0; j < w->dims[r - 1]; ++j, out += es)
      compute(p, a + j * w->stride1[r - 1] * es, b + j * w->stride2[r - 1] * es, out);
  }
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const arith_params *p = n->params;
  const ei_tensor *a = ei_input(g, n, 0), *b = ei_input(g, n, 1);
  ei_tensor *out = ei_output(g, n, 0);
  if (p->op == OP_FLOOR_DIV || (p->op == OP_DIV && p->type == EI_INT32)) {
    const size_t count = ei_num_elements(b);
    for (size_t i = 0; i < count; ++i) {
      const uint8_t *d = b->data + i * p->elem_size;
      if (p->type == EI_INT32 ? ei_get_i32(d) == 0 : ei_get_f32(d) == 0.0f) {
        char label[96];
        return ei_fail(g, EI_MODEL_INVALID, "division by zero: element %zu of %s is 0", i,
                       ei_tensor_label(g, ei_tensor_index(g, b), label, sizeof label));
      }
    }
  }
  const size_t es = p->elem_size, total = ei_num_elements(out);
  if (p->op == OP_MUL && p->same_shape && (p->type == EI_INT8 || p->type == EI_UINT8)) {
    ei_mul_q8(&p->mul, a->data, b->data, out->data, total);
    return EI_OK;
  }
  if (p->table.which != EI_NO_TABLE) {
    ei_build_byte_table(&p->table, p->table.which == EI_TABLE_OF_INPUT1 ? a->data : b->data, p->is_signed, q8_input,
                        q8_finish, p, n->scratch);
    ei_run_byte_table(&p->table, &p->walk, n->scratch, a->data, b->data, out->data, total);
    return EI_OK;
  }
  /* Blocks of the two innermost axes; the outer axes carry a multi-index. */
  size_t index[EI_MAX_RANK] = {0}, at1 = 0, at2 = 0;
  /* k steps by the block size; an empty output (size 0) runs no block. */
  for (size_t k = 0; k < total; k += ei_broadcast_block_size(&p->walk)) {
    run_block(p, a->data + at1 * es, b->data + at2 * es, out->data + k * es);
    ei_broadcast_next_block(&p->walk, index, &at1, &at2);
  }
  return EI_OK;
}

const ei_op_kernel ei_op_mul = {"MUL", prepare_mul, eval};
const ei_op_kernel ei_op_sub = {"SUB", prepare_sub, eval};
const ei_op_kernel ei_op_div = {"DIV", prepare_div, eval};
const ei_op_kernel ei_op_floor_div = {"FLOOR_DIV", prepare_floor_div, eval};
