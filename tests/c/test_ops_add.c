/* test_ops_add.c — ADD (int8 and uint8) against the reference in ref_ops.c:
 * equal shapes, broadcasting either operand, a lower-rank operand, a constant
 * operand, every fused activation, extreme zero points; then malformed models.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_harness.h"

typedef struct {
  int type;
  int rank1, rank2;
  int32_t dims1[4], dims2[4];
  int act;
  int32_t zp1, zp2, zp_out;
  float scale_ratio;        /* s2 / s1: which input has the larger scale */
  int const2;               /* second operand is a constant tensor */
  int exhaustive;           /* inputs hold every value of the type, in order */
} add_case;

typedef enum {
  FLAW_NONE,
  FLAW_INT16,
  FLAW_MIXED_TYPES,         /* int8 + uint8 */
} add_flaw;

typedef struct {
  int32_t *x1, *x2, *expected;
  ref_add_params p;
  int out_rank;
  int out_dims[4];
  size_t n1, n2, n_out;
} add_data;

/* Returns 0 when the shapes do not broadcast (expected is then NULL). */
static int make_data(const add_case *c, uint64_t seed, add_data *d) {
  oph_rng r;
  oph_seed(&r, seed);
  memset(d, 0, sizeof *d);
  ref_add_params *p = &d->p;
  p->rank1 = c->rank1;
  p->rank2 = c->rank2;
  for (int i = 0; i < 4; i++) {
    p->dims1[i] = c->dims1[i];
    p->dims2[i] = c->dims2[i];
  }
  p->act = c->act;
  float s1 = oph_float(&r, 0.01f, 0.1f);
  float s2 = s1 * c->scale_ratio;
  float so = (s1 + s2) * oph_float(&r, 0.7f, 1.5f);
  p->in1 = oph_q(c->type, s1, c->zp1);
  p->in2 = oph_q(c->type, s2, c->zp2);
  p->out = oph_q(c->type, so, c->zp_out);
  d->n1 = oph_count(c->rank1, c->dims1);
  d->n2 = oph_count(c->rank2, c->dims2);
  d->x1 = malloc(d->n1 * sizeof(int32_t));
  d->x2 = malloc(d->n2 * sizeof(int32_t));
  if (c->exhaustive) {
    for (size_t i = 0; i < d->n1; i++) d->x1[i] = oph_qmin(c->type) + (int32_t)(i % 256);
    for (size_t i = 0; i < d->n2; i++) d->x2[i] = oph_qmin(c->type) + (int32_t)(i % 256);
  } else {
    oph_fill_type(&r, c->type, d->x1, d->n1);
    oph_fill_type(&r, c->type, d->x2, d->n2);
  }
  int count = ref_broadcast_shape(p, &d->out_rank, d->out_dims);
  if (count < 0) return 0;
  d->n_out = (size_t)count;
  d->expected = malloc(d->n_out * sizeof(int32_t));
  ref_add(p, d->x1, d->x2, d->expected);
  return 1;
}

static void free_data(add_data *d) {
  free(d->x1);
  free(d->x2);
  free(d->expected);
}

static tb_model *build(const add_case *c, const add_data *d, const int32_t *out_dims,
                       add_flaw flaw) {
  tb_model *m = tb_new();
  int t1 = flaw == FLAW_INT16 ? EI_INT16 : c->type;
  int t2 = flaw == FLAW_INT16 ? EI_INT16 : flaw == FLAW_MIXED_TYPES ? EI_UINT8 : c->type;
  int32_t zp2 = flaw == FLAW_MIXED_TYPES ? 128 : c->zp2;
  int in1 = oph_activation(m, t1, c->rank1, c->dims1, d->p.in1.scale, c->zp1, "input1");
  int in2;
  if (c->const2) {
    int64_t z = zp2;
    in2 = oph_constant(m, t2, c->rank2, c->dims2, d->x2, 1, &d->p.in2.scale, &z, 0, "input2");
  } else {
    in2 = oph_activation(m, t2, c->rank2, c->dims2, d->p.in2.scale, zp2, "input2");
  }
  int out = oph_activation(m, t1, d->out_rank, out_dims, d->p.out.scale, c->zp_out, "output");
  tb_options o = tb_opts(11); /* AddOptions */
  tb_opt_u8(&o, 0, (uint8_t)c->act);
  tb_operator(m, 0, 2, (int32_t[]){in1, in2}, 1, (int32_t[]){out}, &o);
  if (c->const2) tb_io(m, 1, (int32_t[]){in1}, 1, (int32_t[]){out});
  else tb_io(m, 2, (int32_t[]){in1, in2}, 1, (int32_t[]){out});
  return m;
}

static const char *describe(const add_case *c) {
  return oph_fmt("%s %s + %s%s %s, zp %d %d -> %d, s2/s1 %.4f%s", oph_type_name(c->type),
                 oph_shape(c->rank1, c->dims1), oph_shape(c->rank2, c->dims2),
                 c->const2 ? " (const)" : "", oph_act_name(c->act), c->zp1, c->zp2, c->zp_out,
                 (double)c->scale_ratio, c->exhaustive ? ", all value pairs" : "");
}

static void run_case(const add_case *c, uint64_t seed) {
  add_data d;
  if (!make_data(c, seed, &d)) {
    oph_record(0, "ADD", describe(c), "test case shapes do not broadcast");
    free_data(&d);
    return;
  }
  const char *config = oph_fmt("%s, seed %llu", describe(c), (unsigned long long)seed);
  oph_case oc = {.op = "ADD", .config = config, .n_inputs = c->const2 ? 1 : 2,
                 .inputs = {d.x1, d.x2}, .expected = d.expected, .out_rank = d.out_rank};
  for (int i = 0; i < d.out_rank; i++) oc.out_dims[i] = d.out_dims[i];
  oph_run(build(c, &d, oc.out_dims, FLAW_NONE), &oc);
  free_data(&d);
}

static void expect_flaw(const add_case *c, add_flaw flaw, const char *what, unsigned allowed) {
  add_data d;
  int32_t out_dims[4];
  if (!make_data(c, 1, &d)) { /* not broadcastable: declare input 1's shape as output */
    d.out_rank = c->rank1;
    for (int i = 0; i < 4; i++) d.out_dims[i] = c->dims1[i];
  }
  for (int i = 0; i < 4; i++) out_dims[i] = d.out_dims[i];
  oph_expect_error(build(c, &d, out_dims, flaw), "ADD", what, allowed);
  free_data(&d);
}

/* A random broadcastable pair: each operand keeps or collapses (to 1) each
 * dimension of a random 4-D shape; operand 2 sometimes has a lower rank. */
static add_case random_case(oph_rng *r) {
  static const int sizes[] = {1, 2, 3, 5, 7, 17};
  add_case c;
  memset(&c, 0, sizeof c);
  c.type = oph_int(r, 0, 1) ? EI_UINT8 : EI_INT8;
  int32_t full[4];
  for (int i = 0; i < 4; i++) full[i] = sizes[oph_int(r, 0, 5)];
  c.rank1 = 4;
  c.rank2 = oph_int(r, 0, 3) ? 4 : oph_int(r, 1, 3);
  for (int i = 0; i < 4; i++) c.dims1[i] = oph_int(r, 0, 3) ? full[i] : 1;
  for (int i = 0; i < c.rank2; i++) c.dims2[i] = oph_int(r, 0, 3) ? full[4 - c.rank2 + i] : 1;
  c.act = oph_int(r, 0, 3);
  c.zp1 = oph_int(r, oph_qmin(c.type), oph_qmax(c.type));
  c.zp2 = oph_int(r, oph_qmin(c.type), oph_qmax(c.type));
  c.zp_out = oph_int(r, oph_qmin(c.type), oph_qmax(c.type));
  c.scale_ratio = powf(10.0f, oph_float(r, -1.0f, 1.0f));
  c.const2 = oph_int(r, 0, 4) == 0;
  return c;
}

int main(void) {
  static const add_case cases[] = {
    /* type    r1 r2 dims1          dims2          act                zp1  zp2 zpo  s2/s1 const exh */
    {EI_INT8,  4, 4, {1, 5, 7, 3}, {1, 5, 7, 3}, REF_ACT_NONE,          0,   0,   0, 1.0f, 0, 0},
    {EI_INT8,  4, 4, {1, 5, 7, 3}, {1, 5, 7, 3}, REF_ACT_NONE,         -3,  10,  -7, 0.3f, 0, 0},
    {EI_INT8,  4, 4, {1, 5, 7, 3}, {1, 1, 1, 3}, REF_ACT_RELU,          5,  -5,   2, 2.5f, 0, 0},
    {EI_INT8,  4, 4, {1, 5, 1, 3}, {1, 1, 7, 1}, REF_ACT_RELU6,      -128, 127, -128, 0.7f, 0, 0},
    {EI_INT8,  4, 4, {1, 1, 1, 3}, {1, 5, 7, 3}, REF_ACT_RELU_N1_TO_1, 127, -128, 127, 1.3f, 0, 0},
    {EI_INT8,  4, 4, {2, 5, 7, 17}, {2, 1, 1, 17}, REF_ACT_NONE,        1,   2,   3, 0.05f, 0, 0},
    {EI_INT8,  4, 1, {1, 5, 7, 3}, {3},          REF_ACT_NONE,          0,   4,  -1, 1.7f, 0, 0},
    {EI_INT8,  2, 2, {3, 33},      {3, 33},      REF_ACT_RELU,        -20,  20,   0, 1.0f, 0, 0},
    {EI_INT8,  4, 4, {1, 5, 7, 3}, {1, 1, 1, 3}, REF_ACT_NONE,         -1,   9,   4, 0.8f, 1, 0},
    {EI_INT8,  4, 4, {1, 1, 1, 1}, {1, 1, 1, 1}, REF_ACT_NONE,          0,   0,   0, 1.0f, 0, 0},
    {EI_UINT8, 4, 4, {1, 5, 7, 3}, {1, 5, 7, 3}, REF_ACT_NONE,        128, 128, 128, 1.0f, 0, 0},
    {EI_UINT8, 4, 4, {1, 5, 7, 3}, {1, 1, 1, 3}, REF_ACT_RELU,          0, 255, 100, 2.0f, 0, 0},
    {EI_UINT8, 4, 4, {1, 5, 1, 3}, {1, 1, 7, 1}, REF_ACT_RELU6,       255,   0,   0, 0.4f, 0, 0},
    {EI_UINT8, 4, 4, {1, 1, 7, 1}, {1, 5, 1, 3}, REF_ACT_RELU_N1_TO_1, 130, 120, 128, 1.1f, 0, 0},
    {EI_UINT8, 4, 4, {2, 5, 7, 5}, {2, 5, 7, 5}, REF_ACT_NONE,         60, 200, 255, 0.9f, 0, 0},
    {EI_UINT8, 4, 4, {1, 5, 7, 3}, {1, 1, 1, 3}, REF_ACT_NONE,        128, 140, 120, 0.6f, 1, 0},
    /* One operand small next to the output: results looked up in a byte table. */
    {EI_INT8,  4, 1, {1, 9, 11, 40}, {1},        REF_ACT_NONE,         -7, 100,   3, 0.4f, 0, 0},
    {EI_UINT8, 1, 4, {1}, {1, 9, 11, 40},        REF_ACT_RELU6,       200,  17, 255, 3.0f, 0, 0},
    {EI_INT8,  4, 4, {1, 24, 24, 5}, {1, 1, 1, 5}, REF_ACT_RELU,      127, -128, -5, 1.9f, 1, 0},
    {EI_UINT8, 4, 4, {1, 1, 1, 5}, {2, 24, 24, 5}, REF_ACT_NONE,        0, 255, 128, 0.2f, 0, 0},
  };
  int n = (int)(sizeof cases / sizeof cases[0]);
  for (int i = 0; i < n; i++) run_case(&cases[i], 4000 + (uint64_t)i);

  oph_rng sweep;
  oph_seed(&sweep, 45);
  for (int i = 0; i < 80; i++) {
    add_case c = random_case(&sweep);
    run_case(&c, 4100 + (uint64_t)i);
  }

  /* Every (x1, x2) pair, [1,1,256,1] + [1,256,1,1], for random scales and
   * zero points: rounding differences that random data reaches about once
   * in 30000 elements (e.g. less headroom than the 20-bit left shift). */
  for (int i = 0; i < 40; i++) {
    add_case c = random_case(&sweep);
    c.rank1 = c.rank2 = 4;
    const int32_t d1[4] = {1, 1, 256, 1}, d2[4] = {1, 256, 1, 1};
    memcpy(c.dims1, d1, sizeof d1);
    memcpy(c.dims2, d2, sizeof d2);
    c.act = REF_ACT_NONE;
    c.const2 = 0;
    c.exhaustive = 1;
    run_case(&c, 4300 + (uint64_t)i);
  }

  const unsigned invalid = OPH_ERR(EI_MODEL_INVALID);
  const unsigned unsupported = OPH_ERR(EI_UNSUPPORTED_OP);
  const add_case bad_shape = {EI_INT8, 4, 4, {1, 5, 7, 3}, {1, 5, 7, 4}, REF_ACT_NONE, 0, 0, 0, 1.0f, 0, 0};
  const add_case bad_shape2 = {EI_UINT8, 4, 4, {1, 5, 7, 3}, {1, 4, 1, 3}, REF_ACT_NONE, 128, 128, 128, 1.0f, 0, 0};
  expect_flaw(&bad_shape, FLAW_NONE, "[1,5,7,3] + [1,5,7,4] (channels do not broadcast)", invalid);
  expect_flaw(&bad_shape2, FLAW_NONE, "uint8 [1,5,7,3] + [1,4,1,3] (height does not broadcast)", invalid);
  expect_flaw(&cases[1], FLAW_INT16, "int16 tensors", unsupported);
  expect_flaw(&cases[1], FLAW_MIXED_TYPES, "int8 + uint8", invalid | unsupported);
  return oph_finish();
}
