/* test_ops3_float.c — the float32 path against ref_ops3.c: CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED (odd shapes, 1x1 and 7x5 images,
 * 1/3/5/17 channels, strides with odd sizes, dilation, SAME with asymmetric
 * padding, depth multipliers 1/2/3/8, every fused activation, with and without
 * bias) within a rounding bound of a double-precision reference; ADD with
 * broadcasting, the RELU ops (float32 and 8-bit), MAX_POOL_2D, PAD/PADV2,
 * RESHAPE and CONCATENATION exactly; AVERAGE_POOL_2D within a bound; DEQUANTIZE
 * of every float16 value, folded at prepare when constant (no arena bytes);
 * then malformed models and unsupported combinations, which must fail with a
 * typed error.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_harness2.h"
#include "op_harness3.h"
#include "ref_ops3.h"

enum { ADD = 0, AVERAGE_POOL_2D = 1, CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, DEQUANTIZE = 6,
       FULLY_CONNECTED = 9, MAX_POOL_2D = 17, RELU = 19, RELU_N1_TO_1 = 20, RELU6 = 21, RESHAPE = 22, PAD = 34,
       PADV2 = 60 };
enum { OPT_CONV = 1, OPT_DEPTHWISE = 2, OPT_POOL = 5, OPT_FC = 8, OPT_CONCATENATION = 10, OPT_ADD = 11 };

static const char *const kActNames[4] = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6"};

static int f32_tensor(tb_model *m, int rank, const int32_t *dims, const char *name) {
  return oph2_tensor(m, EI_FLOAT32, rank, dims, name);
}

/* ---- CONV_2D and DEPTHWISE_CONV_2D ---------------------------------------- */

typedef struct {
  int depthwise;
  ref3_conv c;
  int bias;
} conv_cfg;

static tb_options conv_options(const conv_cfg *k) {
  tb_options o = tb_opts(k->depthwise ? OPT_DEPTHWISE : OPT_CONV);
  const int act_field = k->depthwise ? 4 : 3, dil_field = k->depthwise ? 5 : 4;
  tb_opt_u8(&o, 0, k->c.same ? 0 : 1);
  tb_opt_i32(&o, 1, k->c.stride_w);
  tb_opt_i32(&o, 2, k->c.stride_h);
  if (k->depthwise) tb_opt_i32(&o, 3, k->c.depth_mult);
  tb_opt_u8(&o, act_field, (uint8_t)k->c.act);
  tb_opt_i32(&o, dil_field, k->c.dil_w);
  tb_opt_i32(&o, dil_field + 1, k->c.dil_h);
  return o;
}

static void conv_case(const conv_cfg *k, uint64_t seed) {
  const ref3_conv *c = &k->c;
  oph_rng r;
  oph_seed(&r, seed);
  int out_h, out_w;
  ref3_conv_out_hw(c, &out_h, &out_w);
  const size_t n_in = (size_t)c->batch * c->in_h * c->in_w * c->in_c;
  const size_t n_w = (size_t)c->k_h * c->k_w * c->out_c * (k->depthwise ? 1 : c->in_c);
  const size_t n_out = (size_t)c->batch * out_h * out_w * c->out_c;
  float *in = malloc(n_in * 4), *w = malloc(n_w * 4), *bias = malloc((size_t)c->out_c * 4);
  double *want = malloc(n_out * 8), *mag = malloc(n_out * 8), *tol = malloc(n_out * 8);
  oph3_fill(&r, in, n_in, -1, 1);
  oph3_fill(&r, w, n_w, -1, 1);
  oph3_fill(&r, bias, (size_t)c->out_c, -1, 1);
  if (k->depthwise) ref3_depthwise(c, in, w, k->bias ? bias : NULL, want, mag);
  else ref3_conv2d(c, in, w, k->bias ? bias : NULL, want, mag);
  const int terms = c->k_h * c->k_w * (k->depthwise ? 1 : c->in_c);
  for (size_t i = 0; i < n_out; i++) tol[i] = oph3_sum_tolerance(terms, mag[i]);

  tb_model *m = tb_new();
  const int32_t in_dims[4] = {c->batch, c->in_h, c->in_w, c->in_c};
  const int32_t w_dims[4] = {k->depthwise ? 1 : c->out_c, c->k_h, c->k_w, k->depthwise ? c->out_c : c->in_c};
  const int32_t out_dims[4] = {c->batch, out_h, out_w, c->out_c};
  const int x = f32_tensor(m, 4, in_dims, "input");
  const int wt = oph2_const(m, EI_FLOAT32, 4, w_dims, w, "weights");
  const int b = k->bias ? oph2_const(m, EI_FLOAT32, 1, (int32_t[]){c->out_c}, bias, "bias") : -1;
  const int y = f32_tensor(m, 4, out_dims, "output");
  tb_options o = conv_options(k);
  tb_operator(m, k->depthwise ? DEPTHWISE_CONV_2D : CONV_2D, 3, (int32_t[]){x, wt, b}, 1, (int32_t[]){y}, &o);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  char config[200];
  snprintf(config, sizeof config, "b%d %dx%dx%d -> %d%s, k%dx%d s%d,%d d%d,%d %s %s%s", c->batch, c->in_h, c->in_w,
           c->in_c, c->out_c, k->depthwise ? oph_fmt(" (x%d)", c->depth_mult) : "", c->k_h, c->k_w, c->stride_h,
           c->stride_w, c->dil_h, c->dil_w, c->same ? "SAME" : "VALID", kActNames[c->act],
           k->bias ? "" : ", no bias");
  oph3_case oc = {.op = k->depthwise ? "DEPTHWISE_CONV_2D float32" : "CONV_2D float32", .config = config,
                  .n_inputs = 1, .inputs = (const void *const[]){in}, .out_rank = 4,
                  .out_dims = {c->batch, out_h, out_w, c->out_c}, .count = n_out, .want = want, .tol = tol};
  oph3_run(m, &oc);
  free(in), free(w), free(bias), free(want), free(mag), free(tol);
}

/* A convolution described compactly: image, channels, kernel, strides, dilations. */
static conv_cfg conv(int batch, int h, int w, int in_c, int out_c, int kh, int kw, int sh, int sw, int dh, int dw,
                     int same, int act, int bias) {
  conv_cfg k = {0, {batch, h, w, in_c, out_c, 1, kh, kw, sh, sw, dh, dw, same, act}, bias};
  return k;
}

static conv_cfg depthwise(int batch, int h, int w, int in_c, int mult, int kh, int kw, int sh, int sw, int dh,
                          int dw, int same, int act, int bias) {
  conv_cfg k = {1, {batch, h, w, in_c, in_c * mult, mult, kh, kw, sh, sw, dh, dw, same, act}, bias};
  return k;
}

static void conv_tests(void) {
  const conv_cfg fixed[] = {
      conv(1, 1, 1, 3, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1),    /* 1x1 image, 1x1 kernel */
      conv(1, 1, 1, 17, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1),   /* 1x1 image: every tap but the centre is padding */
      conv(1, 7, 5, 1, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1),   /* 1 channel in, 17 out */
      conv(1, 7, 5, 5, 3, 3, 2, 2, 2, 1, 1, 1, 3, 1),    /* stride 2 over odd sizes, RELU6 */
      conv(1, 7, 5, 3, 5, 3, 3, 1, 1, 2, 2, 1, 2, 1),    /* dilation 2, RELU_N1_TO_1 */
      conv(1, 7, 5, 17, 1, 2, 2, 1, 1, 1, 1, 1, 0, 1),   /* SAME, even kernel: the extra pad after */
      conv(1, 9, 8, 3, 4, 4, 4, 3, 3, 1, 1, 1, 1, 0),    /* asymmetric pads, stride 3, no bias */
      conv(1, 7, 5, 5, 17, 3, 3, 2, 2, 1, 1, 0, 3, 1),   /* VALID, stride 2 */
      conv(2, 6, 7, 4, 9, 5, 3, 2, 1, 1, 2, 1, 0, 1),    /* batch 2, mixed strides and dilations */
      conv(1, 7, 5, 8, 12, 1, 1, 2, 2, 1, 1, 1, 1, 1),   /* 1x1 kernel, stride 2 */
      conv(1, 7, 5, 24, 28, 1, 1, 1, 1, 1, 1, 1, 0, 1),  /* 1x1 stride 1 (rows read in place) */
      conv(1, 13, 11, 3, 24, 5, 5, 2, 2, 1, 1, 1, 1, 1), /* the face model's first layer, smaller */
      conv(1, 5, 5, 3, 2, 5, 5, 1, 1, 1, 1, 0, 0, 0),    /* the kernel covers the whole image */
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) conv_case(&fixed[i], 100 + i);
  static const int channels[] = {1, 3, 5, 17};
  oph_rng r;
  oph_seed(&r, 7);
  for (int i = 0; i < 40; i++) {
    conv_cfg k = conv(oph_int(&r, 1, 2), oph_int(&r, 1, 9), oph_int(&r, 1, 9), channels[oph_int(&r, 0, 3)],
                      channels[oph_int(&r, 0, 3)], oph_int(&r, 1, 4), oph_int(&r, 1, 4), oph_int(&r, 1, 3),
                      oph_int(&r, 1, 3), oph_int(&r, 1, 2), oph_int(&r, 1, 2), oph_int(&r, 0, 1), oph_int(&r, 0, 3),
                      oph_int(&r, 0, 1));
    const ref3_conv *c = &k.c;
    if (!c->same && ((c->k_h - 1) * c->dil_h + 1 > c->in_h || (c->k_w - 1) * c->dil_w + 1 > c->in_w)) continue;
    conv_case(&k, 1000 + (uint64_t)i);
  }
}

static void depthwise_tests(void) {
  const conv_cfg fixed[] = {
      depthwise(1, 1, 1, 3, 1, 3, 3, 1, 1, 1, 1, 1, 0, 1),  /* 1x1 image */
      depthwise(1, 7, 5, 1, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),  /* 1 channel, multiplier 8 */
      depthwise(1, 7, 5, 5, 2, 3, 3, 2, 2, 1, 1, 1, 3, 1),  /* multiplier 2, stride 2, odd sizes */
      depthwise(1, 7, 5, 17, 1, 3, 3, 1, 1, 2, 2, 1, 2, 1), /* 17 channels, dilation 2 */
      depthwise(1, 7, 5, 3, 3, 2, 3, 1, 2, 1, 1, 1, 0, 0),  /* multiplier 3, asymmetric pads, no bias */
      depthwise(2, 8, 9, 24, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1), /* the face model's stride-2 layer, batch 2 */
      depthwise(1, 9, 8, 28, 1, 3, 3, 1, 1, 1, 1, 1, 0, 1), /* 28 channels: a group of 4 at the end */
      depthwise(1, 7, 5, 5, 1, 5, 5, 1, 1, 1, 1, 0, 0, 1),  /* VALID, kernel as wide as the image */
      depthwise(1, 6, 7, 4, 4, 4, 2, 3, 1, 1, 2, 1, 3, 1),  /* multiplier 4 (broadcast), mixed */
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) conv_case(&fixed[i], 200 + i);
  static const int channels[] = {1, 3, 5, 17}, multipliers[] = {1, 1, 2, 8, 3};
  oph_rng r;
  oph_seed(&r, 8);
  for (int i = 0; i < 40; i++) {
    conv_cfg k = depthwise(oph_int(&r, 1, 2), oph_int(&r, 1, 9), oph_int(&r, 1, 9), channels[oph_int(&r, 0, 3)],
                           multipliers[oph_int(&r, 0, 4)], oph_int(&r, 1, 4), oph_int(&r, 1, 4), oph_int(&r, 1, 3),
                           oph_int(&r, 1, 3), oph_int(&r, 1, 2), oph_int(&r, 1, 2), oph_int(&r, 0, 1),
                           oph_int(&r, 0, 3), oph_int(&r, 0, 1));
    const ref3_conv *c = &k.c;
    if (!c->same && ((c->k_h - 1) * c->dil_h + 1 > c->in_h || (c->k_w - 1) * c->dil_w + 1 > c->in_w)) continue;
    conv_case(&k, 2000 + (uint64_t)i);
  }
}

/* Infinities and NaN in the input propagate as IEEE arithmetic says; RELU6 clamps infinities. */
static void conv_special_values(void) {
  const ref3_conv c = {1, 4, 4, 2, 3, 1, 3, 3, 1, 1, 1, 1, 1, 3};
  float in[32], w[54], bias[3] = {0.5f, -0.25f, 0};
  oph_rng r;
  oph_seed(&r, 9);
  oph3_fill(&r, in, 32, -1, 1);
  oph3_fill(&r, w, 54, -1, 1);
  in[5] = INFINITY;
  in[18] = -INFINITY;
  in[27] = NAN;
  double want[48], mag[48], tol[48];
  ref3_conv2d(&c, in, w, bias, want, mag);
  for (int i = 0; i < 48; i++) tol[i] = oph3_sum_tolerance(18, mag[i]);
  tb_model *m = tb_new();
  const int x = f32_tensor(m, 4, (int32_t[]){1, 4, 4, 2}, "input");
  const int wt = oph2_const(m, EI_FLOAT32, 4, (int32_t[]){3, 3, 3, 2}, w, "weights");
  const int b = oph2_const(m, EI_FLOAT32, 1, (int32_t[]){3}, bias, "bias");
  const int y = f32_tensor(m, 4, (int32_t[]){1, 4, 4, 3}, "output");
  conv_cfg k = {0, c, 1};
  tb_options o = conv_options(&k);
  tb_operator(m, CONV_2D, 3, (int32_t[]){x, wt, b}, 1, (int32_t[]){y}, &o);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  oph3_case oc = {.op = "CONV_2D float32", .config = "inf, -inf and NaN inputs, RELU6", .n_inputs = 1,
                  .inputs = (const void *const[]){in}, .out_rank = 4, .out_dims = {1, 4, 4, 3}, .count = 48,
                  .want = want, .tol = tol};
  oph3_run(m, &oc);
}

/* ---- FULLY_CONNECTED ------------------------------------------------------ */

static void fc_case(int in_rank, const int32_t *in_dims, int n, int act, int with_bias, int keep_dims, uint64_t seed) {
  oph_rng r;
  oph_seed(&r, seed);
  const int k = in_dims[in_rank - 1];
  size_t n_in = 1;
  for (int i = 0; i < in_rank; i++) n_in *= (size_t)in_dims[i];
  const int batches = (int)(n_in / (size_t)k);
  float *in = malloc(n_in * 4), *w = malloc((size_t)n * k * 4), bias[64];
  double *want = malloc((size_t)batches * n * 8), *mag = malloc((size_t)batches * n * 8);
  double *tol = malloc((size_t)batches * n * 8);
  oph3_fill(&r, in, n_in, -1, 1);
  oph3_fill(&r, w, (size_t)n * k, -1, 1);
  oph3_fill(&r, bias, (size_t)n, -2, 2);
  ref3_fully_connected(batches, k, n, act, in, w, with_bias ? bias : NULL, want, mag);
  for (int i = 0; i < batches * n; i++) tol[i] = oph3_sum_tolerance(k, mag[i]);
  oph3_case oc = {.op = "FULLY_CONNECTED float32", .n_inputs = 1, .inputs = (const void *const[]){in},
                  .count = (size_t)batches * n, .want = want, .tol = tol};
  if (keep_dims) {
    oc.out_rank = in_rank;
    for (int i = 0; i < in_rank; i++) oc.out_dims[i] = in_dims[i];
    oc.out_dims[in_rank - 1] = n;
  } else {
    oc.out_rank = 2;
    oc.out_dims[0] = batches;
    oc.out_dims[1] = n;
  }
  tb_model *m = tb_new();
  const int x = f32_tensor(m, in_rank, in_dims, "input");
  const int wt = oph2_const(m, EI_FLOAT32, 2, (int32_t[]){n, k}, w, "weights");
  const int b = with_bias ? oph2_const(m, EI_FLOAT32, 1, (int32_t[]){n}, bias, "bias") : -1;
  const int y = f32_tensor(m, oc.out_rank, oc.out_dims, "output");
  tb_options o = tb_opts(OPT_FC);
  tb_opt_u8(&o, 0, (uint8_t)act);
  tb_opt_u8(&o, 2, (uint8_t)keep_dims);
  tb_operator(m, FULLY_CONNECTED, 3, (int32_t[]){x, wt, b}, 1, (int32_t[]){y}, &o);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  char config[160];
  snprintf(config, sizeof config, "%d x %d -> %d, %s%s%s", batches, k, n, kActNames[act], with_bias ? "" : ", no bias",
           keep_dims ? ", keep_num_dims" : "");
  oc.config = config;
  oph3_run(m, &oc);
  free(in), free(w), free(want), free(mag), free(tol);
}

static void fc_tests(void) {
  fc_case(2, (int32_t[]){1, 1}, 1, 0, 1, 0, 300);
  fc_case(2, (int32_t[]){1, 17}, 5, 1, 1, 0, 301);
  fc_case(2, (int32_t[]){3, 5}, 17, 3, 0, 0, 302);
  fc_case(3, (int32_t[]){2, 3, 7}, 9, 2, 1, 0, 303);
  fc_case(3, (int32_t[]){2, 3, 7}, 9, 0, 1, 1, 304);
  fc_case(2, (int32_t[]){5, 64}, 33, 0, 1, 0, 305);
}

/* ---- ADD -------------------------------------------------------------------- */

static void add_case(int r1, const int *d1, int r2, const int *d2, int act, int special, uint64_t seed) {
  oph_rng r;
  oph_seed(&r, seed);
  size_t n1 = 1, n2 = 1;
  for (int i = 0; i < r1; i++) n1 *= (size_t)d1[i];
  for (int i = 0; i < r2; i++) n2 *= (size_t)d2[i];
  float *a = malloc(n1 * 4 + 4), *b = malloc(n2 * 4 + 4);
  oph3_fill(&r, a, n1, -4, 4);
  oph3_fill(&r, b, n2, -4, 4);
  if (special) {
    static const float values[] = {INFINITY, -INFINITY, NAN, -0.0f, 0.0f, FLT_MAX, -FLT_MAX, 1e-45f, 6.0f, -1.0f};
    for (size_t i = 0; i < n1; i++)
      if (oph_int(&r, 0, 2) == 0) a[i] = values[oph_int(&r, 0, 9)];
    for (size_t i = 0; i < n2; i++)
      if (oph_int(&r, 0, 2) == 0) b[i] = values[oph_int(&r, 0, 9)];
  }
  int out_rank, out_dims[6];
  size_t total = (n1 > n2 ? n1 : n2) * 64;
  float *want = malloc(total * 4 + 4);
  if (!ref3_add(r1, d1, a, r2, d2, b, act, &out_rank, out_dims, want)) {
    oph_record(0, "ADD float32", "reference", "shapes do not broadcast");
    free(a), free(b), free(want);
    return;
  }
  size_t n_out = 1;
  for (int i = 0; i < out_rank; i++) n_out *= (size_t)out_dims[i];
  int32_t dims1[6], dims2[6];
  for (int i = 0; i < r1; i++) dims1[i] = d1[i];
  for (int i = 0; i < r2; i++) dims2[i] = d2[i];
  tb_model *m = tb_new();
  const int x1 = f32_tensor(m, r1, dims1, "a"), x2 = f32_tensor(m, r2, dims2, "b");
  oph3_case oc = {.op = "ADD float32", .n_inputs = 2, .inputs = (const void *const[]){a, b}, .out_rank = out_rank,
                  .count = n_out, .exact = want};
  for (int i = 0; i < out_rank; i++) oc.out_dims[i] = out_dims[i];
  const int y = f32_tensor(m, out_rank, oc.out_dims, "sum");
  tb_options o = tb_opts(OPT_ADD);
  tb_opt_u8(&o, 0, (uint8_t)act);
  tb_operator(m, ADD, 2, (int32_t[]){x1, x2}, 1, (int32_t[]){y}, &o);
  tb_io(m, 2, (int32_t[]){x1, x2}, 1, (int32_t[]){y});
  char config[160] = "";
  for (int i = 0; i < r1; i++) snprintf(config + strlen(config), sizeof config - strlen(config), "%s%d", i ? "x" : "[", d1[i]);
  snprintf(config + strlen(config), sizeof config - strlen(config), "%s + ", r1 ? "]" : "[]");
  for (int i = 0; i < r2; i++) snprintf(config + strlen(config), sizeof config - strlen(config), "%s%d", i ? "x" : "[", d2[i]);
  snprintf(config + strlen(config), sizeof config - strlen(config), "%s, %s%s", r2 ? "]" : "[]", kActNames[act],
           special ? ", infinities, NaN, -0, FLT_MAX" : "");
  oc.config = config;
  oph3_run(m, &oc);
  free(a), free(b), free(want);
}

static void add_tests(void) {
  for (int act = 0; act < 4; act++) {
    add_case(3, (int[]){2, 3, 5}, 3, (int[]){2, 3, 5}, act, 0, 400 + act);
    add_case(3, (int[]){2, 3, 5}, 1, (int[]){5}, act, 0, 410 + act);
  }
  add_case(3, (int[]){2, 1, 5}, 2, (int[]){3, 1}, 0, 0, 420);
  add_case(1, (int[]){1}, 2, (int[]){4, 3}, 1, 0, 421);
  add_case(4, (int[]){2, 3, 4, 5}, 3, (int[]){3, 1, 5}, 3, 0, 422);
  add_case(5, (int[]){2, 1, 3, 1, 2}, 4, (int[]){4, 1, 1, 2}, 2, 0, 423);
  add_case(4, (int[]){1, 7, 5, 17}, 4, (int[]){1, 7, 5, 17}, 0, 1, 424); /* same shape, special values */
  add_case(2, (int[]){6, 17}, 2, (int[]){6, 1}, 0, 1, 425);                /* broadcast, special values */
  add_case(0, (int[]){0}, 2, (int[]){3, 2}, 0, 0, 426);                   /* a scalar */
}

/* ---- RELU, RELU_N1_TO_1, RELU6 --------------------------------------------- */

static const struct { int code; const char *name; float lo, hi; } kRelus[3] = {
    {RELU, "RELU", 0.0f, INFINITY}, {RELU_N1_TO_1, "RELU_N1_TO_1", -1.0f, 1.0f}, {RELU6, "RELU6", 0.0f, 6.0f}};

static tb_model *unary(int code, int type, int rank, const int32_t *dims, float in_scale, int32_t in_zp,
                       float out_scale, int32_t out_zp) {
  tb_model *m = tb_new();
  int x, y;
  if (type == EI_FLOAT32) {
    x = f32_tensor(m, rank, dims, "input");
    y = f32_tensor(m, rank, dims, "output");
  } else {
    x = oph_activation(m, type, rank, dims, in_scale, in_zp, "input");
    y = oph_activation(m, type, rank, dims, out_scale, out_zp, "output");
  }
  tb_operator(m, code, 1, (int32_t[]){x}, 1, (int32_t[]){y}, NULL);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  return m;
}

static void relu_tests(void) {
  static const float special[] = {-INFINITY, -7.0f, -6.0f, -1.5f, -1.0f, -0.5f, -0.0f, 0.0f, 1e-45f, 0.5f,
                                  1.0f, 1.0000001f, 5.9f, 6.0f, 6.5f, INFINITY, NAN, FLT_MAX, -FLT_MAX};
  enum { N = 19 + 45 };
  float in[N], want[N];
  oph_rng r;
  oph_seed(&r, 500);
  memcpy(in, special, sizeof special);
  oph3_fill(&r, in + 19, N - 19, -8, 8);
  for (int k = 0; k < 3; k++) {
    for (int i = 0; i < N; i++) want[i] = ref3_relu_f32(in[i], kRelus[k].lo, kRelus[k].hi);
    oph3_case oc = {.op = kRelus[k].name, .config = "float32, infinities, NaN, -0, the bounds", .n_inputs = 1,
                    .inputs = (const void *const[]){in}, .out_rank = 3, .out_dims = {2, 4, 8}, .count = N,
                    .exact = want};
    oph3_run(unary(kRelus[k].code, EI_FLOAT32, 3, (int32_t[]){2, 4, 8}, 0, 0, 0, 0), &oc);
  }
  /* 8-bit: every value, with the output quantized like the input or not. */
  static const struct { int type; float in_scale; int32_t in_zp; float out_scale; int32_t out_zp; } q[] = {
      {EI_INT8, 0.05f, -3, 0.05f, -3},  {EI_INT8, 0.05f, 10, 0.03f, -128}, {EI_INT8, 0.1f, 127, 0.2f, 0},
      {EI_UINT8, 0.02f, 128, 0.02f, 128}, {EI_UINT8, 0.02f, 200, 0.05f, 0}, {EI_UINT8, 0.5f, 0, 0.01f, 255},
      {EI_INT8, 1.0f / 16, 0, 6.0f / 255, -128},
  };
  for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
    for (int k = 0; k < 3; k++) {
      const int32_t qmin = oph_qmin(q[i].type), qmax = oph_qmax(q[i].type);
      int32_t x[256], y[256];
      int worst = 0;
      for (int v = 0; v < 256; v++) {
        x[v] = qmin + (v * 97) % 256; /* every value, shuffled */
        y[v] = ref3_relu_q8(x[v], q[i].in_scale, q[i].in_zp, q[i].out_scale, q[i].out_zp, qmin, qmax, kRelus[k].lo,
                            kRelus[k].hi);
        /* The reference itself: within one output step of the real clamp, where the type can hold it. */
        const double real = ref3_relu_f32(q[i].in_scale * (x[v] - q[i].in_zp), kRelus[k].lo, kRelus[k].hi);
        const double ideal = real / q[i].out_scale + q[i].out_zp;
        if (ideal >= qmin && ideal <= qmax) {
          const int err = (int)ceil(fabs(ideal - y[v]) - 1e-6);
          if (err > worst) worst = err;
        }
      }
      const char *config = oph_fmt("%s in %g/%d out %g/%d, every value", oph_type_name(q[i].type),
                                   (double)q[i].in_scale, q[i].in_zp, (double)q[i].out_scale, q[i].out_zp);
      oph_record(worst <= 1, oph_fmt("%s reference", kRelus[k].name), config,
                 oph_fmt("off the real clamp by %d steps", worst));
      uint8_t in_bytes[256], want_bytes[256];
      oph_pack(q[i].type, x, 256, in_bytes);
      oph_pack(q[i].type, y, 256, want_bytes);
      oph2_case oc = {.op = kRelus[k].name, .config = config, .n_inputs = 1,
                      .inputs = (const void *const[]){in_bytes}, .expected = want_bytes, .expected_bytes = 256,
                      .out_rank = 2, .out_dims = {16, 16}};
      oph2_run(unary(kRelus[k].code, q[i].type, 2, (int32_t[]){16, 16}, q[i].in_scale, q[i].in_zp, q[i].out_scale,
                     q[i].out_zp),
               &oc);
    }
}

/* ---- Pools ------------------------------------------------------------------ */

static void pool_case(int code, const ref3_pool *p, int special, uint64_t seed) {
  oph_rng r;
  oph_seed(&r, seed);
  int out_h, out_w;
  ref3_pool_out_hw(p, &out_h, &out_w);
  const size_t n_in = (size_t)p->batch * p->in_h * p->in_w * p->c, n_out = (size_t)p->batch * out_h * out_w * p->c;
  float *in = malloc(n_in * 4), *exact = malloc(n_out * 4);
  double *want = malloc(n_out * 8), *mag = malloc(n_out * 8), *tol = malloc(n_out * 8);
  int *count = malloc(n_out * sizeof(int));
  oph3_fill(&r, in, n_in, -8, 8);
  if (special) {
    static const float values[] = {-INFINITY, NAN, INFINITY, -0.0f, -FLT_MAX};
    for (size_t i = 0; i < n_in; i++)
      if (oph_int(&r, 0, 3) == 0) in[i] = values[oph_int(&r, 0, code == MAX_POOL_2D ? 4 : 3)];
  }
  oph3_case oc = {.op = code == MAX_POOL_2D ? "MAX_POOL_2D float32" : "AVERAGE_POOL_2D float32", .n_inputs = 1,
                  .inputs = (const void *const[]){in}, .out_rank = 4, .out_dims = {p->batch, out_h, out_w, p->c},
                  .count = n_out};
  if (code == MAX_POOL_2D) {
    ref3_max_pool(p, in, exact);
    oc.exact = exact;
  } else {
    ref3_avg_pool(p, in, want, mag, count);
    for (size_t i = 0; i < n_out; i++) tol[i] = oph3_sum_tolerance(count[i], mag[i]);
    oc.want = want;
    oc.tol = tol;
  }
  tb_model *m = tb_new();
  const int x = f32_tensor(m, 4, (int32_t[]){p->batch, p->in_h, p->in_w, p->c}, "input");
  const int y = f32_tensor(m, 4, oc.out_dims, "output");
  tb_options o = tb_opts(OPT_POOL);
  tb_opt_u8(&o, 0, p->same ? 0 : 1);
  tb_opt_i32(&o, 1, p->stride_w);
  tb_opt_i32(&o, 2, p->stride_h);
  tb_opt_i32(&o, 3, p->k_w);
  tb_opt_i32(&o, 4, p->k_h);
  tb_opt_u8(&o, 5, (uint8_t)p->act);
  tb_operator(m, code, 1, (int32_t[]){x}, 1, (int32_t[]){y}, &o);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  char config[160];
  snprintf(config, sizeof config, "b%d %dx%dx%d, k%dx%d s%d,%d %s %s%s", p->batch, p->in_h, p->in_w, p->c, p->k_h,
           p->k_w, p->stride_h, p->stride_w, p->same ? "SAME" : "VALID", kActNames[p->act],
           special ? ", infinities, NaN, -0" : "");
  oc.config = config;
  oph3_run(m, &oc);
  free(in), free(exact), free(want), free(mag), free(tol), free(count);
}

static void pool_tests(void) {
  const ref3_pool cases[] = {
      {1, 64, 64, 28, 2, 2, 2, 2, 0, 0}, /* the face model's */
      {1, 7, 5, 3, 3, 3, 2, 2, 1, 1},  {1, 7, 5, 17, 2, 3, 2, 1, 1, 3}, {2, 5, 7, 5, 3, 2, 1, 2, 0, 2},
      {1, 1, 1, 5, 3, 3, 1, 1, 1, 0},  {1, 6, 6, 1, 4, 4, 3, 3, 1, 0},  {1, 9, 8, 6, 2, 2, 2, 2, 1, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (int special = 0; special < 2; special++) {
      pool_case(MAX_POOL_2D, &cases[i], special, 600 + i);
      pool_case(AVERAGE_POOL_2D, &cases[i], special, 700 + i);
    }
}

/* ---- PAD and PADV2 ------------------------------------------------------------ */

typedef struct {
  int rank;
  int dims[6], before[6], after[6];
} pad_cfg;

/* PAD (value NULL) or PADV2 (value: one element of the input's type) on random
 * elements of `type`; paddings stored as `pad_type` (INT32 or INT64). */
static void pad_case(const pad_cfg *c, int type, int pad_type, const void *value, uint64_t seed) {
  oph_rng r;
  oph_seed(&r, seed);
  const size_t elem = oph_dtype_size(type);
  size_t n_in = 1, n_out = 1;
  int32_t in_dims[6], out_dims[6];
  for (int i = 0; i < c->rank; i++) {
    in_dims[i] = c->dims[i];
    out_dims[i] = c->dims[i] + c->before[i] + c->after[i];
    n_in *= (size_t)in_dims[i];
    n_out *= (size_t)out_dims[i];
  }
  uint8_t *in = malloc(n_in * elem + 1), *want = malloc(n_out * elem + 1);
  for (size_t i = 0; i < n_in * elem; i++) in[i] = (uint8_t)oph_u32(&r);
  if (type == EI_FLOAT32)
    for (size_t i = 0; i < n_in; i++) {
      const float f = oph_float(&r, -5, 5);
      memcpy(in + 4 * i, &f, 4);
    }
  /* The padding element: PADV2's value, else 0, or the output zero point for quantized 8-bit. */
  const int32_t zp = type == EI_INT8 ? -7 : type == EI_UINT8 ? 131 : 0;
  uint8_t pad_value[8] = {0};
  if (value) memcpy(pad_value, value, elem);
  else if (type == EI_INT8 || type == EI_UINT8) pad_value[0] = (uint8_t)zp;
  ref3_pad(c->rank, c->dims, c->before, c->after, elem, in, pad_value, want);

  tb_model *m = tb_new();
  int x, y, v = -1;
  if (type == EI_INT8 || type == EI_UINT8) {
    x = oph_activation(m, type, c->rank, in_dims, 0.25f, zp, "input");
    y = oph_activation(m, type, c->rank, out_dims, 0.25f, zp, "output");
    if (value) {
      v = oph2_const(m, type, 0, NULL, value, "value");
      tb_quant(m, v, 1, (float[]){0.25f}, (int64_t[]){zp}, 0);
    }
  } else {
    x = oph2_tensor(m, type, c->rank, in_dims, "input");
    y = oph2_tensor(m, type, c->rank, out_dims, "output");
    if (value) v = oph2_const(m, type, 1, (int32_t[]){1}, value, "value");
  }
  int64_t pads64[12];
  int32_t pads32[12];
  for (int i = 0; i < c->rank; i++) {
    pads64[2 * i] = pads32[2 * i] = c->before[i];
    pads64[2 * i + 1] = pads32[2 * i + 1] = c->after[i];
  }
  const int paddings = oph2_const(m, pad_type, 2, (int32_t[]){c->rank, 2},
                                  pad_type == EI_INT64 ? (const void *)pads64 : (const void *)pads32, "paddings");
  if (value) tb_operator(m, PADV2, 3, (int32_t[]){x, paddings, v}, 1, (int32_t[]){y}, NULL);
  else tb_operator(m, PAD, 2, (int32_t[]){x, paddings}, 1, (int32_t[]){y}, NULL);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  char config[200] = "";
  for (int i = 0; i < c->rank; i++)
    snprintf(config + strlen(config), sizeof config - strlen(config), "%s%d(+%d,%d)", i ? "x" : "", c->dims[i],
             c->before[i], c->after[i]);
  snprintf(config + strlen(config), sizeof config - strlen(config), " %s, %s paddings%s", oph_type_name(type),
           pad_type == EI_INT64 ? "int64" : "int32", value ? ", constant value" : "");
  oph2_case oc = {.op = value ? "PADV2" : "PAD", .config = config, .n_inputs = 1,
                  .inputs = (const void *const[]){in}, .expected = want, .expected_bytes = n_out * elem,
                  .out_rank = c->rank};
  for (int i = 0; i < c->rank; i++) oc.out_dims[i] = out_dims[i];
  oph2_run(m, &oc);
  free(in), free(want);
}

static void pad_tests(void) {
  const pad_cfg cases[] = {
      {4, {1, 7, 5, 24}, {0, 0, 0, 0}, {0, 0, 0, 4}},  /* the face model's channel padding */
      {4, {1, 7, 5, 3}, {0, 1, 2, 0}, {0, 2, 1, 0}},   /* spatial, asymmetric */
      {4, {2, 3, 4, 5}, {1, 0, 2, 1}, {0, 3, 0, 2}},   /* every axis */
      {4, {1, 2, 2, 3}, {0, 0, 0, 0}, {0, 0, 0, 0}},   /* zero pads: a copy */
      {1, {5}, {3}, {2}},
      {2, {1, 1}, {0, 4}, {3, 0}},
      {3, {2, 0, 3}, {1, 2, 0}, {0, 1, 1}},          /* an empty axis: all padding */
      {5, {2, 1, 3, 1, 2}, {1, 0, 1, 2, 0}, {0, 1, 0, 1, 1}},
      {6, {1, 2, 1, 2, 1, 2}, {0, 1, 0, 1, 0, 1}, {1, 0, 1, 0, 1, 0}},
  };
  static const int types[] = {EI_FLOAT32, EI_INT8, EI_UINT8, EI_INT32, EI_INT64};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
      pad_case(&cases[i], types[t], i % 2 ? EI_INT64 : EI_INT32, NULL, 800 + 10 * i + t);
  const float f = -2.5f;
  const int8_t s8 = 100;
  const uint8_t u8 = 7;
  const int32_t i32 = -123456789;
  pad_case(&cases[1], EI_FLOAT32, EI_INT32, &f, 900);
  pad_case(&cases[2], EI_INT8, EI_INT64, &s8, 901);
  pad_case(&cases[0], EI_UINT8, EI_INT32, &u8, 902);
  pad_case(&cases[7], EI_INT32, EI_INT32, &i32, 903);
}

/* ---- RESHAPE and CONCATENATION keep float32 bits ------------------------------- */

static void reshape_concat_tests(void) {
  float a[24], b[16], want[40];
  oph_rng r;
  oph_seed(&r, 950);
  oph3_fill(&r, a, 24, -3, 3);
  oph3_fill(&r, b, 16, -3, 3);
  a[3] = NAN;
  a[4] = -0.0f;
  tb_model *m = tb_new();
  int x = f32_tensor(m, 4, (int32_t[]){1, 2, 3, 4}, "input");
  int shape = oph2_const(m, EI_INT32, 1, (int32_t[]){3}, (int32_t[]){1, -1, 4}, "shape");
  int y = f32_tensor(m, 3, (int32_t[]){1, 6, 4}, "output");
  tb_operator(m, RESHAPE, 2, (int32_t[]){x, shape}, 1, (int32_t[]){y}, NULL);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  oph3_case oc = {.op = "RESHAPE float32", .config = "[1,2,3,4] -> [1,-1,4]", .n_inputs = 1,
                  .inputs = (const void *const[]){a}, .out_rank = 3, .out_dims = {1, 6, 4}, .count = 24,
                  .exact = a};
  oph3_run(m, &oc);

  /* [1,6,4] and [1,4,4] along axis 1, as the face model joins its two heads. */
  memcpy(want, a, sizeof a);
  memcpy(want + 24, b, sizeof b);
  m = tb_new();
  x = f32_tensor(m, 3, (int32_t[]){1, 6, 4}, "a");
  int x2 = f32_tensor(m, 3, (int32_t[]){1, 4, 4}, "b");
  y = f32_tensor(m, 3, (int32_t[]){1, 10, 4}, "output");
  tb_options o = tb_opts(OPT_CONCATENATION);
  tb_opt_i32(&o, 0, 1);
  tb_operator(m, CONCATENATION, 2, (int32_t[]){x, x2}, 1, (int32_t[]){y}, &o);
  tb_io(m, 2, (int32_t[]){x, x2}, 1, (int32_t[]){y});
  oph3_case oc2 = {.op = "CONCATENATION float32", .config = "[1,6,4] + [1,4,4] on axis 1", .n_inputs = 2,
                   .inputs = (const void *const[]){a, b}, .out_rank = 3, .out_dims = {1, 10, 4}, .count = 40,
                   .exact = want};
  oph3_run(m, &oc2);
}

/* ---- DEQUANTIZE float16 -------------------------------------------------------- */

static const uint16_t kHalfEdges[] = {
    0x0000, 0x8000,         /* +-0 */
    0x0001, 0x8001, 0x0200, /* smallest subnormals, a middle one */
    0x03ff, 0x83ff,         /* largest subnormals */
    0x0400, 0x3c00, 0xbc00, /* smallest normal, +-1 */
    0x3555, 0x7bff, 0xfbff, /* 1/3, +-65504 */
    0x7c00, 0xfc00,         /* +-inf */
    0x7e00, 0xfe00, 0x7d01, 0x7c01, /* quiet NaNs, signalling NaNs with payloads */
};
enum { N_EDGES = sizeof kHalfEdges / sizeof kHalfEdges[0] };

/* Every one of the 65536 half values, as a graph input: widened at run time. */
static void dequantize_every_half(void) {
  uint16_t *h = malloc(65536 * 2);
  float *want = malloc(65536 * 4);
  for (uint32_t i = 0; i < 65536; i++) {
    h[i] = (uint16_t)i;
    want[i] = ref3_f16_to_f32((uint16_t)i);
  }
  tb_model *m = tb_new();
  const int x = oph2_tensor(m, EI_FLOAT16, 2, (int32_t[]){256, 256}, "half");
  const int y = f32_tensor(m, 2, (int32_t[]){256, 256}, "float");
  tb_operator(m, DEQUANTIZE, 1, (int32_t[]){x}, 1, (int32_t[]){y}, NULL);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  oph3_case oc = {.op = "DEQUANTIZE float16", .config = "every half value, run time", .n_inputs = 1,
                  .inputs = (const void *const[]){h}, .out_rank = 2, .out_dims = {256, 256}, .count = 65536,
                  .exact = want, .nan_bits = 1};
  oph3_run(m, &oc);
  free(h), free(want);
}

/* The reference conversion on a few values whose floats are known. */
static void half_reference_check(void) {
  static const struct { uint16_t h; float f; } known[] = {
      {0x0001, 0x1p-24f}, {0x03ff, 1023 * 0x1p-24f}, {0x0400, 0x1p-14f}, {0x3c00, 1.0f},
      {0xc000, -2.0f},    {0x7bff, 65504.0f},        {0x3555, 0.333251953125f}, {0xfc00, -INFINITY},
  };
  int ok = 1;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) ok &= ref3_f16_to_f32(known[i].h) == known[i].f;
  uint32_t nan_bits;
  const float nan = ref3_f16_to_f32(0x7d01);
  memcpy(&nan_bits, &nan, 4);
  ok &= nan_bits == 0x7fa02000u; /* payload kept, the quiet bit not set */
  oph_record(ok, "float16 reference", "known values, a NaN payload", "ref3_f16_to_f32 is wrong");
}

/* x + dequantize(W): W a constant [n] of half values (folded at prepare) or,
 * with weights_input, a graph input. */
static tb_model *dequantize_add_model(const uint16_t *w, int n, int weights_input) {
  tb_model *m = tb_new();
  const int32_t dims[1] = {n};
  const int x = f32_tensor(m, 1, dims, "x");
  const int h = weights_input ? oph2_tensor(m, EI_FLOAT16, 1, dims, "half")
                              : oph2_const(m, EI_FLOAT16, 1, dims, w, "half");
  const int wf = f32_tensor(m, 1, dims, "weights");
  const int y = f32_tensor(m, 1, dims, "sum");
  tb_operator(m, DEQUANTIZE, 1, (int32_t[]){h}, 1, (int32_t[]){wf}, NULL);
  tb_options o = tb_opts(OPT_ADD);
  tb_operator(m, ADD, 2, (int32_t[]){x, wf}, 1, (int32_t[]){y}, &o);
  if (weights_input) tb_io(m, 2, (int32_t[]){x, h}, 1, (int32_t[]){y});
  else tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  return m;
}

static void dequantize_folded(void) {
  enum { N = 4096 }; /* 16 KiB of float weights */
  uint16_t *w = malloc(N * 2);
  float *x = malloc(N * 4), *wf = malloc(N * 4), *want = malloc(N * 4);
  oph_rng r;
  oph_seed(&r, 960);
  for (int i = 0; i < N; i++) w[i] = i < N_EDGES ? kHalfEdges[i] : (uint16_t)oph_u32(&r);
  oph3_fill(&r, x, N, -2, 2);
  for (int i = 0; i < N; i++) wf[i] = ref3_f16_to_f32(w[i]);
  int rank;
  int dims[6];
  ref3_add(1, (int[]){N}, x, 1, (int[]){N}, wf, 0, &rank, dims, want);
  oph3_case oc = {.op = "DEQUANTIZE float16", .config = "constant weights folded at prepare, then ADD",
                  .n_inputs = 1, .inputs = (const void *const[]){x}, .out_rank = 1, .out_dims = {N}, .count = N,
                  .exact = want, .nan_bits = 1};
  oph3_run(dequantize_add_model(w, N, 0), &oc);
  /* The folded weights live outside the arena: it holds x and the sum only. */
  const size_t folded = oph3_arena_bytes(dequantize_add_model(w, N, 0), "DEQUANTIZE float16", "arena, folded");
  const size_t unfolded = oph3_arena_bytes(dequantize_add_model(w, N, 1), "DEQUANTIZE float16", "arena, input");
  oph_record(folded == 2 * N * 4, "DEQUANTIZE float16", "folded weights take no arena bytes",
             oph_fmt("arena %zu bytes, expected %d (input + output)", folded, 2 * N * 4));
  oph_record(unfolded != SIZE_MAX && unfolded >= folded + N * 4, "DEQUANTIZE float16",
             "weights from a graph input take arena bytes",
             oph_fmt("arena %zu bytes with the weights as an input, %zu folded", unfolded, folded));
  free(w), free(x), free(wf), free(want);
}

/* The face model's pattern: CONV_2D whose weights and bias come out of DEQUANTIZE. */
static void dequantize_conv(void) {
  const ref3_conv c = {1, 7, 5, 3, 4, 1, 3, 3, 2, 2, 1, 1, 1, 1};
  uint16_t wh[108], bh[4];
  float in[105], w[108], bias[4];
  oph_rng r;
  oph_seed(&r, 970);
  oph3_fill(&r, in, 105, -1, 1);
  for (int i = 0; i < 108; i++) {
    wh[i] = (uint16_t)(0x3000 + oph_int(&r, 0, 0x0c00)) | (uint16_t)(oph_int(&r, 0, 1) << 15); /* +-[1/8, 1] */
    w[i] = ref3_f16_to_f32(wh[i]);
  }
  for (int i = 0; i < 4; i++) {
    bh[i] = (uint16_t)(0x3400 + oph_int(&r, 0, 0x0400));
    bias[i] = ref3_f16_to_f32(bh[i]);
  }
  int out_h, out_w;
  ref3_conv_out_hw(&c, &out_h, &out_w);
  const int n_out = out_h * out_w * 4;
  double want[64], mag[64], tol[64];
  ref3_conv2d(&c, in, w, bias, want, mag);
  for (int i = 0; i < n_out; i++) tol[i] = oph3_sum_tolerance(27, mag[i]);
  tb_model *m = tb_new();
  const int x = f32_tensor(m, 4, (int32_t[]){1, 7, 5, 3}, "input");
  const int w16 = oph2_const(m, EI_FLOAT16, 4, (int32_t[]){4, 3, 3, 3}, wh, "weights_f16");
  const int b16 = oph2_const(m, EI_FLOAT16, 1, (int32_t[]){4}, bh, "bias_f16");
  const int w32 = f32_tensor(m, 4, (int32_t[]){4, 3, 3, 3}, "weights");
  const int b32 = f32_tensor(m, 1, (int32_t[]){4}, "bias");
  const int y = f32_tensor(m, 4, (int32_t[]){1, out_h, out_w, 4}, "output");
  tb_operator(m, DEQUANTIZE, 1, (int32_t[]){w16}, 1, (int32_t[]){w32}, NULL);
  tb_operator(m, DEQUANTIZE, 1, (int32_t[]){b16}, 1, (int32_t[]){b32}, NULL);
  conv_cfg k = {0, c, 1};
  tb_options o = conv_options(&k);
  tb_operator(m, CONV_2D, 3, (int32_t[]){x, w32, b32}, 1, (int32_t[]){y}, &o);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  oph3_case oc = {.op = "DEQUANTIZE float16 + CONV_2D", .config = "weights and bias folded at prepare",
                  .n_inputs = 1, .inputs = (const void *const[]){in}, .out_rank = 4,
                  .out_dims = {1, out_h, out_w, 4}, .count = (size_t)n_out, .want = want, .tol = tol};
  oph3_run(m, &oc);
}

/* ---- Malformed models and unsupported combinations ------------------------------ */

enum { E_INVALID = OPH_ERR(EI_MODEL_INVALID), E_UNSUPPORTED = OPH_ERR(EI_UNSUPPORTED_OP) };

typedef enum {
  CONV_WEIGHTS_INPUT, CONV_BIAS_COUNT, CONV_BIAS_INT32, CONV_WEIGHTS_INT8, CONV_OUTPUT_INT8, CONV_ACT_TANH,
  CONV_BIAS_INPUT
} conv_flaw;

static void conv_error(int code, conv_flaw flaw, const char *what, unsigned allowed) {
  tb_model *m = tb_new();
  const float w[2 * 3 * 3 * 2] = {0}, bias[3] = {0};
  const int depthwise = code == DEPTHWISE_CONV_2D, out_c = 2;
  const int32_t w_dims[4] = {depthwise ? 1 : out_c, 3, 3, depthwise ? out_c : 2};
  const int x = f32_tensor(m, 4, (int32_t[]){1, 5, 5, 2}, "input");
  int wt, b;
  if (flaw == CONV_WEIGHTS_INPUT) wt = f32_tensor(m, 4, w_dims, "weights");
  else if (flaw == CONV_WEIGHTS_INT8) wt = oph_constant(m, EI_INT8, 4, w_dims, (int32_t[36]){0}, 1, (float[]){0.1f}, NULL, 0, "weights");
  else wt = oph2_const(m, EI_FLOAT32, 4, w_dims, w, "weights");
  if (flaw == CONV_BIAS_COUNT) b = oph2_const(m, EI_FLOAT32, 1, (int32_t[]){3}, bias, "bias");
  else if (flaw == CONV_BIAS_INT32) b = oph2_const(m, EI_INT32, 1, (int32_t[]){2}, (int32_t[]){0, 0}, "bias");
  else if (flaw == CONV_BIAS_INPUT) b = f32_tensor(m, 1, (int32_t[]){2}, "bias");
  else b = oph2_const(m, EI_FLOAT32, 1, (int32_t[]){2}, bias, "bias");
  const int y = flaw == CONV_OUTPUT_INT8 ? oph_activation(m, EI_INT8, 4, (int32_t[]){1, 5, 5, 2}, 0.1f, 0, "output")
                                         : f32_tensor(m, 4, (int32_t[]){1, 5, 5, 2}, "output");
  conv_cfg k = {depthwise, {1, 5, 5, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, flaw == CONV_ACT_TANH ? 4 : 0}, 1};
  tb_options o = conv_options(&k);
  tb_operator(m, code, 3, (int32_t[]){x, wt, b}, 1, (int32_t[]){y}, &o);
  const int n_in = flaw == CONV_WEIGHTS_INPUT || flaw == CONV_BIAS_INPUT ? 2 : 1;
  tb_io(m, n_in, (int32_t[]){x, flaw == CONV_WEIGHTS_INPUT ? wt : b}, 1, (int32_t[]){y});
  oph_expect_error(m, depthwise ? "DEPTHWISE_CONV_2D float32" : "CONV_2D float32", what, allowed);
}

typedef enum {
  PAD_SHAPE_ROWS, PAD_SHAPE_COLS, PAD_RANK1, PAD_NEGATIVE, PAD_INT64_HUGE, PAD_DIM_OVERFLOW, PAD_TOO_LARGE,
  PAD_FLOAT_PADDINGS, PAD_PADDINGS_INPUT, PAD_VALUE_TYPE, PAD_VALUE_COUNT, PAD_VALUE_SCALE, PAD_BOOL_INPUT,
  PAD_OUTPUT_TYPE
} pad_flaw;

static void pad_error(pad_flaw flaw, const char *what, unsigned allowed) {
  tb_model *m = tb_new();
  const int type = flaw == PAD_BOOL_INPUT ? EI_BOOL : flaw == PAD_VALUE_SCALE ? EI_INT8 : EI_FLOAT32;
  const int32_t in_dims[4] = {1, 1000, 1000, 3};
  int x, y;
  if (type == EI_INT8) {
    x = oph_activation(m, EI_INT8, 4, in_dims, 0.5f, 3, "input");
    y = oph_activation(m, EI_INT8, 4, (int32_t[]){1, 1000, 1000, 5}, 0.5f, 3, "output");
  } else {
    x = oph2_tensor(m, type, 4, in_dims, "input");
    y = oph2_tensor(m, flaw == PAD_OUTPUT_TYPE ? EI_INT32 : type, 4, (int32_t[]){1, 1000, 1000, 5}, "output");
  }
  int32_t pads[12] = {0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0};
  int64_t pads64[8] = {0, 0, 0, 0, 0, 0, 1, 1};
  int paddings;
  switch (flaw) {
    case PAD_SHAPE_ROWS: paddings = oph2_const(m, EI_INT32, 2, (int32_t[]){3, 2}, pads, "paddings"); break;
    case PAD_SHAPE_COLS: paddings = oph2_const(m, EI_INT32, 2, (int32_t[]){4, 3}, pads, "paddings"); break;
    case PAD_RANK1: paddings = oph2_const(m, EI_INT32, 1, (int32_t[]){8}, pads, "paddings"); break;
    case PAD_INT64_HUGE:
      pads64[3] = (int64_t)1 << 33;
      paddings = oph2_const(m, EI_INT64, 2, (int32_t[]){4, 2}, pads64, "paddings");
      break;
    case PAD_FLOAT_PADDINGS: paddings = oph2_const(m, EI_FLOAT32, 2, (int32_t[]){4, 2}, pads, "paddings"); break;
    case PAD_PADDINGS_INPUT: paddings = oph2_tensor(m, EI_INT32, 2, (int32_t[]){4, 2}, "paddings"); break;
    default:
      if (flaw == PAD_NEGATIVE) pads[2] = -1;
      if (flaw == PAD_DIM_OVERFLOW) pads[3] = INT32_MAX - 500; /* 1000 + that overflows int32 */
      if (flaw == PAD_TOO_LARGE) pads[3] = 1 << 20; /* [1, 1000 + 2^20, 1000, 5] floats: over 2 GiB */
      paddings = oph2_const(m, EI_INT32, 2, (int32_t[]){4, 2}, pads, "paddings");
  }
  int value = -1;
  if (flaw == PAD_VALUE_TYPE) value = oph2_const(m, EI_INT32, 0, NULL, (int32_t[]){0}, "value");
  if (flaw == PAD_VALUE_COUNT) value = oph2_const(m, EI_FLOAT32, 1, (int32_t[]){2}, (float[]){0, 0}, "value");
  if (flaw == PAD_VALUE_SCALE) {
    value = oph2_const(m, EI_INT8, 0, NULL, (int8_t[]){0}, "value");
    tb_quant(m, value, 1, (float[]){0.25f}, (int64_t[]){3}, 0);
  }
  if (value >= 0) tb_operator(m, PADV2, 3, (int32_t[]){x, paddings, value}, 1, (int32_t[]){y}, NULL);
  else tb_operator(m, PAD, 2, (int32_t[]){x, paddings}, 1, (int32_t[]){y}, NULL);
  if (flaw == PAD_PADDINGS_INPUT) tb_io(m, 2, (int32_t[]){x, paddings}, 1, (int32_t[]){y});
  else tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  oph_expect_error(m, value >= 0 ? "PADV2" : "PAD", what, allowed);
}

static void unary_error(int code, int in_type, int out_type, const char *op, const char *what, unsigned allowed) {
  tb_model *m = tb_new();
  const int32_t dims[2] = {3, 4};
  const int x = in_type == EI_INT8 ? oph_activation(m, EI_INT8, 2, dims, 0.1f, 0, "input")
                                   : oph2_tensor(m, in_type, 2, dims, "input");
  const int y = out_type == EI_INT8 ? oph_activation(m, EI_INT8, 2, dims, 0.1f, 0, "output")
                                    : oph2_tensor(m, out_type, 2, dims, "output");
  tb_operator(m, code, 1, (int32_t[]){x}, 1, (int32_t[]){y}, NULL);
  tb_io(m, 1, (int32_t[]){x}, 1, (int32_t[]){y});
  oph_expect_error(m, op, what, allowed);
}

static void error_tests(void) {
  for (int d = 0; d < 2; d++) {
    const int code = d ? DEPTHWISE_CONV_2D : CONV_2D;
    conv_error(code, CONV_WEIGHTS_INPUT, "weights are not a constant", E_UNSUPPORTED);
    conv_error(code, CONV_BIAS_INPUT, "bias is not a constant", E_UNSUPPORTED);
    conv_error(code, CONV_BIAS_COUNT, "bias has 3 elements for 2 channels", E_INVALID);
    conv_error(code, CONV_BIAS_INT32, "int32 bias with float32 input", E_UNSUPPORTED);
    conv_error(code, CONV_WEIGHTS_INT8, "int8 weights with float32 input", E_UNSUPPORTED);
    conv_error(code, CONV_OUTPUT_INT8, "int8 output with float32 input", E_UNSUPPORTED);
    conv_error(code, CONV_ACT_TANH, "fused TANH", E_UNSUPPORTED);
  }
  pad_error(PAD_SHAPE_ROWS, "paddings [3, 2] for a rank-4 input", E_INVALID);
  pad_error(PAD_SHAPE_COLS, "paddings [4, 3]", E_INVALID);
  pad_error(PAD_RANK1, "paddings of rank 1", E_INVALID);
  pad_error(PAD_NEGATIVE, "a negative padding", E_INVALID);
  pad_error(PAD_INT64_HUGE, "an int64 padding of 2^33", E_INVALID);
  pad_error(PAD_DIM_OVERFLOW, "a padded axis past INT32_MAX", E_INVALID);
  pad_error(PAD_TOO_LARGE, "a padded tensor over 2 GiB", E_UNSUPPORTED);
  pad_error(PAD_FLOAT_PADDINGS, "float32 paddings", E_UNSUPPORTED);
  pad_error(PAD_PADDINGS_INPUT, "paddings from a graph input", E_UNSUPPORTED);
  pad_error(PAD_VALUE_TYPE, "an int32 value for a float32 input", E_UNSUPPORTED);
  pad_error(PAD_VALUE_COUNT, "a value of 2 elements", E_INVALID);
  pad_error(PAD_VALUE_SCALE, "a value quantized unlike the output", E_UNSUPPORTED);
  pad_error(PAD_BOOL_INPUT, "a bool input", E_UNSUPPORTED);
  pad_error(PAD_OUTPUT_TYPE, "float32 input, int32 output", E_UNSUPPORTED);
  unary_error(RELU, EI_FLOAT32, EI_INT8, "RELU", "float32 input, int8 output", E_UNSUPPORTED);
  unary_error(RELU6, EI_INT32, EI_INT32, "RELU6", "int32 tensors", E_UNSUPPORTED);
  unary_error(DEQUANTIZE, EI_FLOAT16, EI_INT8, "DEQUANTIZE", "float16 to int8", E_UNSUPPORTED);
  unary_error(DEQUANTIZE, EI_FLOAT16, EI_FLOAT16, "DEQUANTIZE", "float16 to float16", E_UNSUPPORTED);
  unary_error(MAX_POOL_2D, EI_FLOAT32, EI_FLOAT32, "MAX_POOL_2D", "a rank-2 float32 input", E_INVALID);
  unary_error(AVERAGE_POOL_2D, EI_FLOAT32, EI_INT8, "AVERAGE_POOL_2D", "float32 input, int8 output", E_UNSUPPORTED);
  {
    tb_model *m = tb_new();
    const int32_t dims[2] = {3, 4};
    const int a = f32_tensor(m, 2, dims, "a"), b = oph2_tensor(m, EI_INT32, 2, dims, "b");
    const int y = f32_tensor(m, 2, dims, "sum");
    tb_options o = tb_opts(OPT_ADD);
    tb_operator(m, ADD, 2, (int32_t[]){a, b}, 1, (int32_t[]){y}, &o);
    tb_io(m, 2, (int32_t[]){a, b}, 1, (int32_t[]){y});
    oph_expect_error(m, "ADD float32", "float32 + int32", E_UNSUPPORTED);
  }
  {
    tb_model *m = tb_new();
    const int a = f32_tensor(m, 2, (int32_t[]){3, 4}, "a"), b = f32_tensor(m, 2, (int32_t[]){2, 4}, "b");
    const int y = f32_tensor(m, 2, (int32_t[]){3, 4}, "sum");
    tb_options o = tb_opts(OPT_ADD);
    tb_opt_u8(&o, 0, 1);
    tb_operator(m, ADD, 2, (int32_t[]){a, b}, 1, (int32_t[]){y}, &o);
    tb_io(m, 2, (int32_t[]){a, b}, 1, (int32_t[]){y});
    oph_expect_error(m, "ADD float32", "[3, 4] + [2, 4] do not broadcast", E_INVALID);
  }
}

int main(void) {
  conv_tests();
  depthwise_tests();
  conv_special_values();
  fc_tests();
  add_tests();
  relu_tests();
  pool_tests();
  pad_tests();
  reshape_concat_tests();
  half_reference_check();
  dequantize_every_half();
  dequantize_folded();
  dequantize_conv();
  error_tests();
  return oph_finish();
}
