/* test_ops2_arith.c — MUL, SUB, DIV and FLOOR_DIV against ref_ops2.c:
 * int8/uint8 MUL and SUB (requantization, extreme zero points, every fused
 * activation, every pair of input values), int32 (wrapping, truncating and
 * flooring division, INT32_MIN / -1) and float32, with broadcasting of either
 * operand, lower-rank and constant operands and x op x; a check that SUB's
 * int8 multiplier rule (TFLM's float quotients) is really exercised; then
 * division by zero at run time and malformed models.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_harness2.h"
#include "ref_ops2.h"

enum { MUL = 18, SUB = 41, DIV = 42, FLOOR_DIV = 90 }; /* builtin codes */

typedef struct {
  int op, type;
  int rank1, rank2;
  int32_t dims1[4], dims2[4];
  int act;
  int32_t zp1, zp2, zp_out;
  float s1, s2, so;          /* 8-bit scales */
  int const2;                /* operand 2 is a constant */
  int same_input;            /* x op x: one tensor feeds both operands */
  int exhaustive;            /* 8-bit operands hold every value in order */
} bin_case;

typedef enum {
  FLAW_NONE,
  FLAW_SHAPES,          /* operand 2's last dimension + 1 */
  FLAW_MIXED,           /* operand 2 of another type */
  FLAW_INT16,
  FLAW_ACT_TANH,        /* fused activation 4 */
} bin_flaw;

static const char *op_name(int op) {
  return op == MUL ? "MUL" : op == SUB ? "SUB" : op == DIV ? "DIV" : "FLOOR_DIV";
}

static int q8(int type) { return type == EI_INT8 || type == EI_UINT8; }

static ref_shape shape_of(int rank, const int32_t *dims) {
  ref_shape s = {rank, {0}};
  for (int i = 0; i < rank; i++) s.dims[i] = dims[i];
  return s;
}

static int operand(tb_model *m, int type, int rank, const int32_t *dims, float scale, int32_t zp,
                   const void *bytes, const char *name) {
  int t = bytes ? oph2_const(m, type, rank, dims, bytes, name) : oph2_tensor(m, type, rank, dims, name);
  if (q8(type)) {
    int64_t z = zp;
    tb_quant(m, t, 1, &scale, &z, 0);
  }
  return t;
}

static tb_model *build(const bin_case *c, const void *bytes2, const ref_shape *out_shape, bin_flaw flaw) {
  tb_model *m = tb_new();
  int type = flaw == FLAW_INT16 ? EI_INT16 : c->type;
  int type2 = flaw == FLAW_MIXED ? (type == EI_FLOAT32 ? EI_INT32 : EI_FLOAT32) : type;
  int32_t dims2[4];
  memcpy(dims2, c->dims2, sizeof dims2);
  if (flaw == FLAW_SHAPES) dims2[c->rank2 - 1] += 1;
  int a = operand(m, type, c->rank1, c->dims1, c->s1, c->zp1, NULL, "input1");
  int b = c->same_input ? a : operand(m, type2, c->rank2, dims2, c->s2, c->zp2, c->const2 ? bytes2 : NULL, "input2");
  int out = operand(m, type, out_shape->rank, out_shape->dims, c->so, c->zp_out, NULL, "output");
  tb_options o = tb_opts(c->op == MUL ? 21 : c->op == SUB ? 28 : c->op == DIV ? 29 : 65);
  if (c->op != FLOOR_DIV) tb_opt_u8(&o, 0, (uint8_t)(flaw == FLAW_ACT_TANH ? 4 : c->act));
  tb_operator(m, c->op, 2, (int32_t[]){a, b}, 1, (int32_t[]){out}, &o);
  int two_inputs = !c->same_input && !c->const2;
  tb_io(m, two_inputs ? 2 : 1, (int32_t[]){a, b}, 1, (int32_t[]){out});
  return m;
}

typedef struct {
  ref_shape s1, s2, so;
  size_t n1, n2, no;
  void *b1, *b2, *want;   /* raw bytes */
  int32_t *v1, *v2;       /* 8-bit / int32 values */
} bin_data;

static void fill(oph_rng *r, const bin_case *c, int which, size_t n, int32_t *v, void *bytes) {
  if (c->type == EI_FLOAT32) {
    float *f = bytes;
    for (size_t i = 0; i < n; i++) {
      f[i] = oph_float(r, -1000.0f, 1000.0f);
      if (which == 2 && c->op == DIV && oph_int(r, 0, 9) == 0) f[i] = 0.0f; /* +-inf -> +-FLT_MAX */
      if (c->op == FLOOR_DIV && oph_int(r, 0, 1)) {
        /* An integer over a decimal fraction: the quotient is near an integer,
         * where flooring the float quotient would differ from flooring the double one. */
        static const float fractions[5] = {0.1f, 0.2f, 0.3f, 0.7f, 1.1f};
        f[i] = which == 1 ? (float)oph_int(r, -50, 50) : fractions[oph_int(r, 0, 4)];
        if (oph_int(r, 0, 9) == 0) f[i] = which == 1 ? -3e38f : 1e-3f; /* an infinite quotient */
      }
      if (which == 2 && c->op == FLOOR_DIV && f[i] == 0.0f) f[i] = 1.0f;
    }
    return;
  }
  if (q8(c->type)) {
    if (c->exhaustive) for (size_t i = 0; i < n; i++) v[i] = oph_qmin(c->type) + (int32_t)(i % 256);
    else oph_fill_type(r, c->type, v, n);
  } else {
    for (size_t i = 0; i < n; i++) {
      int kind = oph_int(r, 0, 3);
      v[i] = kind == 0 ? oph_int(r, -9, 9) : kind == 1 ? oph_int(r, -100000, 100000) : (int32_t)oph_u32(r);
      if (which == 2 && (c->op == DIV || c->op == FLOOR_DIV) && v[i] == 0) v[i] = -1;
    }
    if (which == 1 && n > 0) v[0] = INT32_MIN; /* INT32_MIN / -1 and friends */
  }
  oph_pack(c->type, v, n, bytes);
}

static int make_data(const bin_case *c, uint64_t seed, bin_data *d) {
  oph_rng r;
  oph_seed(&r, seed);
  memset(d, 0, sizeof *d);
  d->s1 = shape_of(c->rank1, c->dims1);
  d->s2 = c->same_input ? d->s1 : shape_of(c->rank2, c->dims2);
  if (!ref_broadcast(&d->s1, &d->s2, &d->so)) return 0;
  d->n1 = ref_count(&d->s1);
  d->n2 = ref_count(&d->s2);
  d->no = ref_count(&d->so);
  size_t es = oph_dtype_size(c->type);
  d->b1 = malloc(d->n1 * es + 1);
  d->b2 = malloc(d->n2 * es + 1);
  d->want = malloc(d->no * es + 1);
  d->v1 = malloc(d->n1 * sizeof(int32_t) + 1);
  d->v2 = malloc(d->n2 * sizeof(int32_t) + 1);
  fill(&r, c, 1, d->n1, d->v1, d->b1);
  if (c->same_input) {
    memcpy(d->b2, d->b1, d->n1 * es);
    memcpy(d->v2, d->v1, d->n1 * sizeof(int32_t));
  } else {
    fill(&r, c, 2, d->n2, d->v2, d->b2);
  }
  if (q8(c->type)) {
    ref_q q1 = oph_q(c->type, c->s1, c->zp1), q2 = oph_q(c->type, c->s2, c->zp2), qo = oph_q(c->type, c->so, c->zp_out);
    int32_t *y = malloc(d->no * sizeof(int32_t) + 1);
    if (c->op == MUL) ref_mul_q8(&d->s1, &d->s2, c->act, &q1, &q2, &qo, d->v1, d->v2, y);
    else ref_sub_q8(&d->s1, &d->s2, c->act, c->type == EI_INT8, &q1, &q2, &qo, d->v1, d->v2, y);
    oph_pack(c->type, y, d->no, d->want);
    free(y);
  } else {
    ref_arith_op op = c->op == MUL ? REF_MUL : c->op == SUB ? REF_SUB : c->op == DIV ? REF_DIV : REF_FLOOR_DIV;
    if (c->type == EI_INT32) {
      int32_t *y = malloc(d->no * sizeof(int32_t) + 1);
      ref_arith_i32(op, &d->s1, &d->s2, c->act, d->v1, d->v2, y);
      oph_pack(EI_INT32, y, d->no, d->want);
      free(y);
    } else {
      ref_arith_f32(op, &d->s1, &d->s2, c->act, d->b1, d->b2, d->want);
    }
  }
  return 1;
}

static void free_data(bin_data *d) {
  free(d->b1);
  free(d->b2);
  free(d->want);
  free(d->v1);
  free(d->v2);
}

static const char *describe(const bin_case *c) {
  char s[96] = "";
  for (int k = 0; k < 2; k++) {
    int rank = k ? c->rank2 : c->rank1;
    const int32_t *dims = k ? c->dims2 : c->dims1;
    strcat(s, k ? " , [" : "[");
    for (int i = 0; i < rank; i++) sprintf(s + strlen(s), "%s%d", i ? "," : "", dims[i]);
    strcat(s, "]");
  }
  return oph_fmt("%s %s %s%s%s %s zp %d %d -> %d, scales %g %g -> %g", op_name(c->op), oph_type_name(c->type), s,
                 c->const2 ? " (const)" : "", c->same_input ? " (same tensor)" : "", oph_act_name(c->act),
                 c->zp1, c->zp2, c->zp_out, (double)c->s1, (double)c->s2, (double)c->so);
}

static void run_case(const bin_case *c, uint64_t seed) {
  bin_data d;
  if (!make_data(c, seed, &d)) {
    oph_record(0, op_name(c->op), describe(c), "test shapes do not broadcast");
    return;
  }
  int n_inputs = (c->same_input || c->const2) ? 1 : 2;
  oph2_case oc = {.op = op_name(c->op), .config = oph_fmt("%s, seed %llu", describe(c), (unsigned long long)seed),
                  .n_inputs = n_inputs, .inputs = (const void *const[]){d.b1, d.b2}, .expected = d.want,
                  .expected_bytes = d.no * oph_dtype_size(c->type), .out_rank = d.so.rank};
  for (int i = 0; i < d.so.rank; i++) oc.out_dims[i] = d.so.dims[i];
  oph2_run(build(c, d.b2, &d.so, FLAW_NONE), &oc);
  free_data(&d);
}

static bin_case random_case(oph_rng *r) {
  static const int ops[4] = {MUL, SUB, DIV, FLOOR_DIV};
  static const int sizes[] = {1, 2, 3, 5, 7};
  bin_case c;
  memset(&c, 0, sizeof c);
  c.op = ops[oph_int(r, 0, 3)];
  int kind = oph_int(r, 0, 3);
  c.type = kind == 0 ? EI_INT32 : kind == 1 ? EI_FLOAT32 : kind == 2 ? EI_INT8 : EI_UINT8;
  if (q8(c.type) && (c.op == DIV || c.op == FLOOR_DIV)) c.op = oph_int(r, 0, 1) ? MUL : SUB;
  if (c.type == EI_FLOAT32 && c.op == FLOOR_DIV && oph_int(r, 0, 1)) c.type = EI_INT32;
  int32_t full[4];
  for (int i = 0; i < 4; i++) full[i] = sizes[oph_int(r, 0, 4)];
  c.rank1 = oph_int(r, 1, 4);
  c.rank2 = oph_int(r, 1, 4);
  for (int i = 0; i < c.rank1; i++) c.dims1[i] = oph_int(r, 0, 2) ? full[4 - c.rank1 + i] : 1;
  for (int i = 0; i < c.rank2; i++) c.dims2[i] = oph_int(r, 0, 2) ? full[4 - c.rank2 + i] : 1;
  c.act = c.op == FLOOR_DIV ? 0 : oph_int(r, 0, 3);
  if (q8(c.type)) {
    c.zp1 = oph_int(r, oph_qmin(c.type), oph_qmax(c.type));
    c.zp2 = oph_int(r, oph_qmin(c.type), oph_qmax(c.type));
    c.zp_out = oph_int(r, oph_qmin(c.type), oph_qmax(c.type));
    c.s1 = oph_float(r, 0.01f, 0.1f);
    c.s2 = c.s1 * powf(10.0f, oph_float(r, -1.0f, 1.0f));
    c.so = c.op == MUL ? c.s1 * c.s2 * oph_float(r, 20.0f, 200.0f) : (c.s1 + c.s2) * oph_float(r, 0.5f, 2.0f);
  }
  c.const2 = oph_int(r, 0, 4) == 0;
  c.same_input = !c.const2 && oph_int(r, 0, 9) == 0;
  if (c.same_input) { /* one tensor: operand 2 is operand 1 */
    c.rank2 = c.rank1;
    memcpy(c.dims2, c.dims1, sizeof c.dims2);
    c.s2 = c.s1;
    c.zp2 = c.zp1;
  }
  return c;
}

/* Every pair of 8-bit values, [1,256,1] op [256,1,1], random scales and zero points. */
static bin_case pair_sweep_case(oph_rng *r, int op, int type) {
  bin_case c;
  memset(&c, 0, sizeof c);
  c.op = op;
  c.type = type;
  c.rank1 = c.rank2 = 3;
  c.dims1[0] = 1, c.dims1[1] = 256, c.dims1[2] = 1;
  c.dims2[0] = 256, c.dims2[1] = 1, c.dims2[2] = 1;
  c.zp1 = oph_int(r, oph_qmin(type), oph_qmax(type));
  c.zp2 = oph_int(r, oph_qmin(type), oph_qmax(type));
  c.zp_out = oph_int(r, oph_qmin(type), oph_qmax(type));
  c.s1 = oph_float(r, 0.01f, 0.1f);
  c.s2 = c.s1 * powf(10.0f, oph_float(r, -1.0f, 1.0f));
  c.so = op == MUL ? c.s1 * c.s2 * oph_float(r, 20.0f, 200.0f) : (c.s1 + c.s2) * oph_float(r, 0.5f, 2.0f);
  c.exhaustive = 1;
  return c;
}

/* Whether SUB's two multiplier rules give different outputs on every value pair. */
static int sub_rules_differ(const bin_case *c) {
  bin_data d;
  if (!make_data(c, 1, &d)) return 0;
  ref_q q1 = oph_q(c->type, c->s1, c->zp1), q2 = oph_q(c->type, c->s2, c->zp2), qo = oph_q(c->type, c->so, c->zp_out);
  int32_t *a = malloc(d.no * sizeof(int32_t)), *b = malloc(d.no * sizeof(int32_t));
  ref_sub_q8(&d.s1, &d.s2, c->act, 1, &q1, &q2, &qo, d.v1, d.v2, a);
  ref_sub_q8(&d.s1, &d.s2, c->act, 0, &q1, &q2, &qo, d.v1, d.v2, b);
  int differ = memcmp(a, b, d.no * sizeof(int32_t)) != 0;
  free(a);
  free(b);
  free_data(&d);
  return differ;
}

int main(void) {
  static const bin_case cases[] = {
    /* MoveNet's: input normalization, x*x, keypoint scaling */
    {MUL, EI_INT8, 4, 0, {1, 5, 7, 3}, {0}, 0, -128, -128, -128, 1.0f, 3.07574e-05f, 0.00784314f, 1, 0, 0},
    {SUB, EI_INT8, 4, 4, {1, 5, 7, 3}, {1, 1, 1, 3}, 0, -128, 0, -128, 1.0f, 1e-6f, 1.0f, 1, 0, 0},
    {SUB, EI_INT8, 4, 0, {1, 5, 7, 3}, {0}, 0, -128, -128, -1, 0.00784314f, 0.00392157f, 0.00784314f, 1, 0, 0},
    {MUL, EI_INT8, 3, 3, {6, 6, 17}, {6, 6, 17}, 0, 10, 10, -128, 0.38819f, 0.38819f, 11.2561f, 0, 1, 0},
    {SUB, EI_INT8, 3, 2, {6, 6, 1}, {1, 17}, 0, -128, -128, 10, 0.184314f, 0.210099f, 0.38819f, 0, 0, 0},
    {MUL, EI_INT8, 4, 4, {1, 1, 17, 2}, {1, 1, 1, 2}, 0, -128, -128, -128, 0.196649f, 8.16993e-05f, 0.00409685f, 1, 0, 0},
    {MUL, EI_INT32, 2, 0, {1, 17}, {0}, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0},
    {SUB, EI_INT32, 2, 2, {1, 17}, {1, 17}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {FLOOR_DIV, EI_INT32, 2, 0, {1, 17}, {0}, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0},
    {DIV, EI_FLOAT32, 4, 3, {1, 6, 6, 17}, {6, 6, 17}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    /* 8-bit: activations, extreme zero points, uint8 */
    {MUL, EI_INT8, 4, 4, {2, 3, 5, 7}, {1, 3, 1, 7}, REF_ACT_RELU, 127, -128, -128, 0.05f, 0.02f, 0.004f, 0, 0, 0},
    {MUL, EI_UINT8, 4, 1, {2, 3, 5, 7}, {7}, REF_ACT_RELU6, 0, 255, 255, 0.05f, 0.02f, 0.004f, 0, 0, 0},
    {MUL, EI_UINT8, 2, 2, {3, 5}, {3, 5}, REF_ACT_RELU_N1_TO_1, 128, 128, 128, 0.1f, 0.1f, 0.01f, 0, 0, 0},
    {SUB, EI_INT8, 4, 4, {2, 3, 5, 7}, {2, 1, 5, 1}, REF_ACT_RELU, -128, 127, 127, 0.05f, 0.07f, 0.1f, 0, 0, 0},
    {SUB, EI_UINT8, 4, 4, {1, 3, 5, 7}, {1, 3, 5, 7}, REF_ACT_RELU6, 255, 0, 0, 0.05f, 0.03f, 0.05f, 0, 0, 0},
    {SUB, EI_UINT8, 1, 4, {7}, {2, 3, 1, 7}, REF_ACT_NONE, 13, 200, 128, 0.02f, 0.2f, 0.3f, 0, 0, 0},
    /* int32 and float32 */
    {MUL, EI_INT32, 4, 4, {2, 3, 5, 7}, {1, 3, 1, 7}, REF_ACT_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {MUL, EI_INT32, 2, 2, {5, 7}, {5, 7}, REF_ACT_RELU6, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {SUB, EI_INT32, 3, 1, {3, 5, 7}, {7}, REF_ACT_RELU, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {DIV, EI_INT32, 3, 3, {3, 5, 7}, {3, 1, 7}, REF_ACT_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {DIV, EI_INT32, 2, 2, {5, 7}, {5, 7}, REF_ACT_RELU_N1_TO_1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {FLOOR_DIV, EI_INT32, 3, 3, {3, 5, 7}, {3, 5, 7}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {FLOOR_DIV, EI_INT32, 1, 3, {7}, {3, 5, 1}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {FLOOR_DIV, EI_FLOAT32, 3, 3, {3, 5, 7}, {1, 5, 7}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {MUL, EI_FLOAT32, 4, 4, {2, 3, 5, 7}, {2, 1, 5, 1}, REF_ACT_RELU6, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {SUB, EI_FLOAT32, 2, 2, {5, 7}, {5, 1}, REF_ACT_RELU_N1_TO_1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {DIV, EI_FLOAT32, 2, 2, {5, 7}, {1, 7}, REF_ACT_RELU, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {MUL, EI_FLOAT32, 2, 2, {5, 7}, {5, 7}, REF_ACT_NONE, 0, 0, 0, 0, 0, 0, 0, 1, 0},
    /* 8-bit with one small operand: outputs come from a lookup table built per
     * run (arith.c), indexed by either operand, over 2-D blocks of any strides */
    {MUL, EI_INT8, 4, 0, {1, 24, 24, 3}, {0}, 0, -128, 127, -128, 0.05f, 0.02f, 0.004f, 1, 0, 0},
    {SUB, EI_INT8, 4, 4, {1, 24, 24, 3}, {1, 1, 1, 3}, REF_ACT_RELU6, 127, -128, -100, 0.02f, 0.03f, 0.02f, 0, 0, 0},
    {SUB, EI_UINT8, 0, 4, {0}, {1, 20, 20, 3}, REF_ACT_NONE, 255, 0, 0, 0.1f, 0.05f, 0.08f, 0, 0, 0},
    {SUB, EI_INT8, 3, 2, {40, 40, 1}, {1, 17}, REF_ACT_RELU, -128, 127, -128, 0.18f, 0.21f, 0.39f, 0, 0, 0},
    {MUL, EI_UINT8, 2, 3, {1, 17}, {30, 30, 17}, REF_ACT_RELU_N1_TO_1, 0, 255, 128, 0.03f, 0.04f, 0.002f, 1, 0, 0},
    {SUB, EI_UINT8, 4, 4, {16, 40, 1, 3}, {1, 1, 2, 3}, REF_ACT_NONE, 1, 254, 77, 0.01f, 0.1f, 0.07f, 1, 0, 0},
    {MUL, EI_INT8, 4, 4, {2, 1, 40, 1}, {1, 7, 1, 13}, REF_ACT_NONE, 3, -7, 11, 0.05f, 0.05f, 0.01f, 0, 0, 0},
  };
  int n = (int)(sizeof cases / sizeof cases[0]);
  for (int i = 0; i < n; i++) run_case(&cases[i], 400 + (uint64_t)i);

  oph_rng sweep;
  oph_seed(&sweep, 80);
  for (int i = 0; i < 160; i++) {
    bin_case c = random_case(&sweep);
    run_case(&c, 4000 + (uint64_t)i);
  }

  /* Every 8-bit value pair, [1,256,1] op [256,1,1], for random scales and zero points. */
  for (int i = 0; i < 40; i++) {
    bin_case c = pair_sweep_case(&sweep, i % 2 ? MUL : SUB, i % 4 < 2 ? EI_INT8 : EI_UINT8);
    run_case(&c, 4500 + (uint64_t)i);
  }
  /* SUB's int8 multipliers come from float quotients (TFLM), uint8's from
   * double ones (TFLite). The two rules rarely change an output: search for
   * configurations where they do, and run those. */
  for (int k = 0; k < 2; k++) {
    int type = k ? EI_UINT8 : EI_INT8, found = 0, tries = 0;
    for (; found < 3 && tries < 400; tries++) {
      bin_case c = pair_sweep_case(&sweep, SUB, type);
      if (!sub_rules_differ(&c)) continue;
      found++;
      run_case(&c, 4600 + (uint64_t)tries);
    }
    oph_record(found == 3, "SUB reference", oph_fmt("%s value-pair search", oph_type_name(type)),
               oph_fmt("found %d of 3 configurations telling the multiplier rules apart in %d tries", found, tries));
  }

  /* A zero divisor is an error when the operator runs, not a crash. */
  {
    const int32_t dims[1] = {4};
    const int32_t num[4] = {7, -7, 3, 0}, den[4] = {2, 3, 0, 1};
    const float fnum[4] = {1, 2, 3, 4}, fden[4] = {1, 0, 1, 1};
    for (int k = 0; k < 3; k++) {
      int op = k == 1 ? DIV : FLOOR_DIV, type = k == 2 ? EI_FLOAT32 : EI_INT32;
      tb_model *m = tb_new();
      int a = oph2_tensor(m, type, 1, dims, "a"), b = oph2_tensor(m, type, 1, dims, "b");
      int o = oph2_tensor(m, type, 1, dims, "out");
      tb_options opts = tb_opts(op == DIV ? 29 : 65);
      tb_operator(m, op, 2, (int32_t[]){a, b}, 1, (int32_t[]){o}, &opts);
      tb_io(m, 2, (int32_t[]){a, b}, 1, (int32_t[]){o});
      const void *in[2] = {type == EI_INT32 ? (const void *)num : fnum, type == EI_INT32 ? (const void *)den : fden};
      oph2_expect_invoke_error(m, op_name(op), oph_fmt("%s %s by zero", oph_type_name(type), op_name(op)), 2, in,
                               EI_MODEL_INVALID);
    }
  }

  const unsigned invalid = OPH_ERR(EI_MODEL_INVALID), unsupported = OPH_ERR(EI_UNSUPPORTED_OP);
  for (int k = 0; k < 4; k++) {
    const bin_case *base = &cases[k == 0 ? 10 : k == 1 ? 13 : k == 2 ? 19 : 21];
    bin_data d;
    make_data(base, 1, &d);
    const char *name = op_name(base->op);
    oph_expect_error(build(base, d.b2, &d.so, FLAW_SHAPES), name, "shapes do not broadcast", invalid);
    oph_expect_error(build(base, d.b2, &d.so, FLAW_MIXED), name, "operands of different types", invalid | unsupported);
    oph_expect_error(build(base, d.b2, &d.so, FLAW_INT16), name, "int16 operands", unsupported);
    if (base->op != FLOOR_DIV)
      oph_expect_error(build(base, d.b2, &d.so, FLAW_ACT_TANH), name, "fused TANH", unsupported);
    free_data(&d);
  }
  /* 8-bit DIV and FLOOR_DIV are not supported; nor is a SUB whose output scale is too fine. */
  bin_case q8div = cases[10];
  q8div.op = DIV;
  bin_data d;
  make_data(&cases[10], 1, &d);
  oph_expect_error(build(&q8div, d.b2, &d.so, FLAW_NONE), "DIV", "int8 DIV", unsupported);
  q8div.op = FLOOR_DIV;
  oph_expect_error(build(&q8div, d.b2, &d.so, FLAW_NONE), "FLOOR_DIV", "int8 FLOOR_DIV", unsupported);
  bin_case fine = cases[13];
  fine.so = 1e-7f;
  oph_expect_error(build(&fine, d.b2, &d.so, FLAW_NONE), "SUB", "output scale far below the inputs'", unsupported);
  free_data(&d);
  return oph_finish();
}
