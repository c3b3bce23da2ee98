/* test_ops_pool.c — AVERAGE_POOL_2D and MAX_POOL_2D (int8, uint8) against the
 * reference in ref_ops.c. Input and output share scale and zero point; only
 * in-bounds pixels count (SAME padding shrinks the averaging window at edges).
 */
#include <stdio.h>
#include <stdlib.h>

#include "op_harness.h"

enum { SAME = 1, VALID = 0 };
enum { AVG = 1, MAX = 17 };           /* builtin codes */

typedef struct {
  int op;                             /* AVG or MAX */
  int type;
  int batch, h, w, c;
  int kh, kw, stride_h, stride_w, same, act;
  int32_t zp;
  float scale;
} pool_case;

typedef enum {
  FLAW_NONE,
  FLAW_INPUT_RANK3,
  FLAW_INT16,
  FLAW_MIXED_TYPES,                   /* int8 input, uint8 output */
  FLAW_FILTER_ZERO,
  FLAW_STRIDE_ZERO,
} pool_flaw;

static const char *op_name(int op) { return op == AVG ? "AVERAGE_POOL_2D" : "MAX_POOL_2D"; }

static tb_model *build(const pool_case *c, int oh, int ow, pool_flaw flaw) {
  tb_model *m = tb_new();
  int t = flaw == FLAW_INT16 ? EI_INT16 : c->type;
  int t_out = flaw == FLAW_MIXED_TYPES ? EI_UINT8 : t;
  int32_t in_dims[4] = {c->batch, c->h, c->w, c->c};
  int32_t out_dims[4] = {c->batch, oh, ow, c->c};
  int in = flaw == FLAW_INPUT_RANK3 ? oph_activation(m, t, 3, in_dims + 1, c->scale, c->zp, "input")
                                    : oph_activation(m, t, 4, in_dims, c->scale, c->zp, "input");
  int out = oph_activation(m, t_out, 4, out_dims, c->scale, flaw == FLAW_MIXED_TYPES ? 128 : c->zp,
                           "output");
  tb_options o = tb_opts(5); /* Pool2DOptions */
  tb_opt_u8(&o, 0, c->same ? 0 : 1);
  tb_opt_i32(&o, 1, flaw == FLAW_STRIDE_ZERO ? 0 : c->stride_w);
  tb_opt_i32(&o, 2, c->stride_h);
  tb_opt_i32(&o, 3, flaw == FLAW_FILTER_ZERO ? 0 : c->kw);
  tb_opt_i32(&o, 4, c->kh);
  tb_opt_u8(&o, 5, (uint8_t)c->act);
  tb_operator(m, c->op, 1, (int32_t[]){in}, 1, (int32_t[]){out}, &o);
  tb_io(m, 1, (int32_t[]){in}, 1, (int32_t[]){out});
  return m;
}

static ref_pool ref_params(const pool_case *c) {
  ref_pool p = {.batch = c->batch, .in_h = c->h, .in_w = c->w, .c = c->c, .k_h = c->kh,
                .k_w = c->kw, .stride_h = c->stride_h, .stride_w = c->stride_w,
                .same = c->same, .act = c->act, .q = oph_q(c->type, c->scale, c->zp)};
  return p;
}

static void run_case(const pool_case *c, uint64_t seed) {
  oph_rng r;
  oph_seed(&r, seed);
  ref_pool p = ref_params(c);
  int oh, ow;
  ref_pool_out_hw(&p, &oh, &ow);
  size_t n_in = (size_t)c->batch * c->h * c->w * c->c;
  size_t n_out = (size_t)c->batch * oh * ow * c->c;
  int32_t *in = malloc(n_in * sizeof(int32_t)), *expected = malloc(n_out * sizeof(int32_t));
  oph_fill_type(&r, c->type, in, n_in);
  if (c->op == AVG) ref_avg_pool(&p, in, expected);
  else ref_max_pool(&p, in, expected);
  const char *config = oph_fmt("%s %dx%dx%dx%d k%dx%d s%dx%d %s %s, scale %g zp %d, seed %llu",
                               oph_type_name(c->type), c->batch, c->h, c->w, c->c, c->kh, c->kw,
                               c->stride_h, c->stride_w, c->same ? "SAME" : "VALID",
                               oph_act_name(c->act), (double)c->scale, c->zp,
                               (unsigned long long)seed);
  oph_case oc = {.op = op_name(c->op), .config = config, .n_inputs = 1, .inputs = {in},
                 .expected = expected, .out_rank = 4, .out_dims = {c->batch, oh, ow, c->c}};
  oph_run(build(c, oh, ow, FLAW_NONE), &oc);
  free(in);
  free(expected);
}

static void expect_flaw(const pool_case *c, pool_flaw flaw, const char *what, unsigned allowed) {
  ref_pool p = ref_params(c);
  int oh, ow;
  ref_pool_out_hw(&p, &oh, &ow);
  oph_expect_error(build(c, oh, ow, flaw), op_name(c->op), what, allowed);
}

int main(void) {
  /* The same geometries for both ops and both types. */
  typedef struct { int batch, h, w, c, kh, kw, sh, sw, same, act; } geom;
  static const geom geoms[] = {
    /* b  h  w  c   kh kw sh sw same   act */
    {1, 1, 1, 1,  1, 1, 1, 1, VALID, REF_ACT_NONE},
    {1, 1, 1, 3,  3, 3, 1, 1, SAME,  REF_ACT_NONE},         /* window larger than image */
    {1, 7, 5, 3,  3, 3, 2, 2, SAME,  REF_ACT_NONE},
    {1, 6, 6, 5,  3, 3, 2, 2, SAME,  REF_ACT_RELU},         /* asymmetric pad: 0 before, 1 after */
    {1, 7, 5, 17, 2, 2, 2, 2, VALID, REF_ACT_RELU6},
    {2, 7, 5, 33, 5, 3, 1, 1, SAME,  REF_ACT_RELU_N1_TO_1},
    {1, 7, 5, 5,  7, 5, 1, 1, VALID, REF_ACT_NONE},         /* global pool */
    {2, 8, 7, 1,  3, 2, 2, 1, SAME,  REF_ACT_RELU6},
  };
  /* Zero points and scales per geometry: extremes, and a scale where RELU6 and
   * RELU_N1_TO_1 clamp inside the type range. */
  static const int32_t zp_i8[] = {0, -128, 127, -10, 5, 0, -128, 20};
  static const int32_t zp_u8[] = {128, 0, 255, 128, 100, 128, 0, 30};
  static const float scales[] = {0.1f, 0.02f, 0.05f, 0.03f, 0.05f, 0.02f, 0.1f, 0.04f};
  int n = (int)(sizeof geoms / sizeof geoms[0]);
  uint64_t seed = 5000;
  for (int op = 0; op < 2; op++)
    for (int t = 0; t < 2; t++)
      for (int i = 0; i < n; i++) {
        const geom *g = &geoms[i];
        int type = t ? EI_UINT8 : EI_INT8;
        pool_case c = {op ? MAX : AVG, type, g->batch, g->h, g->w, g->c, g->kh, g->kw, g->sh,
                       g->sw, g->same, g->act, t ? zp_u8[i] : zp_i8[i], scales[i]};
        run_case(&c, seed++);
      }

  /* Random geometries; VALID only when the window fits. */
  oph_rng sweep;
  oph_seed(&sweep, 46);
  /* 300: more channels than the kernels' pass of 256 (pool_q8.c CHUNK). */
  static const int channels[] = {1, 2, 3, 4, 5, 8, 16, 17, 33, 300};
  for (int i = 0; i < 80; i++) {
    pool_case c;
    c.op = oph_int(&sweep, 0, 1) ? MAX : AVG;
    c.type = oph_int(&sweep, 0, 1) ? EI_UINT8 : EI_INT8;
    c.batch = oph_int(&sweep, 1, 2);
    c.h = oph_int(&sweep, 1, 10);
    c.w = oph_int(&sweep, 1, 10);
    c.c = channels[oph_int(&sweep, 0, 9)];
    c.kh = oph_int(&sweep, 1, 5);
    c.kw = oph_int(&sweep, 1, 5);
    c.stride_h = oph_int(&sweep, 1, 3);
    c.stride_w = oph_int(&sweep, 1, 3);
    c.same = (c.kh <= c.h && c.kw <= c.w) ? oph_int(&sweep, 0, 1) : SAME;
    c.act = oph_int(&sweep, 0, 3);
    c.zp = oph_int(&sweep, oph_qmin(c.type), oph_qmax(c.type));
    c.scale = oph_float(&sweep, 0.005f, 0.1f);
    run_case(&c, 5100 + (uint64_t)i);
  }

  const unsigned invalid = OPH_ERR(EI_MODEL_INVALID);
  const unsigned unsupported = OPH_ERR(EI_UNSUPPORTED_OP);
  for (int op = 0; op < 2; op++) {
    pool_case c = {op ? MAX : AVG, EI_INT8, 1, 7, 5, 3, 3, 3, 2, 2, SAME, REF_ACT_NONE, 0, 0.05f};
    expect_flaw(&c, FLAW_INPUT_RANK3, "rank-3 input", invalid);
    expect_flaw(&c, FLAW_INT16, "int16 tensors", unsupported);
    expect_flaw(&c, FLAW_MIXED_TYPES, "int8 input, uint8 output", invalid | unsupported);
    expect_flaw(&c, FLAW_FILTER_ZERO, "filter_width 0", invalid);
    expect_flaw(&c, FLAW_STRIDE_ZERO, "stride_w 0", invalid);
  }
  return oph_finish();
}
