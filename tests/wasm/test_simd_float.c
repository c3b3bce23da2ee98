/* test_simd_float.c — every float32 SIMD128 kernel against its scalar
 * reference on random tensors of awkward shapes (1x1 and odd images, 1 to 33
 * channels, strides, dilations, SAME and VALID, depth multipliers 1 to 16,
 * every activation range), with infinities and NaN among the inputs. Built
 * with -msimd128 and run in Node (make test-wasm).
 *
 * Tolerance: none. The SIMD kernels add the same products in the same order
 * as the references (multiply, then add: SIMD128 has no fused multiply-add),
 * so every output must have the reference's bits. Two differences are
 * allowed, both from the convolution GEMM adding 0 * w for a padding position
 * where the reference skips it: a zero of the other sign (-0 + +0 is +0), and
 * any NaN for any NaN (NaN payloads are not specified).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "test_support.h"

static float uniform(float lo, float hi) { return lo + (hi - lo) * (float)(next() >> 8) / (float)(1u << 24); }

/* Mostly values in [-2, 2]; with `special`, some infinities, NaNs and zeros of both signs. */
static void fill(float *p, size_t n, int special) {
  static const float values[] = {INFINITY, -INFINITY, NAN, -0.0f, 0.0f};
  for (size_t i = 0; i < n; ++i) p[i] = special && next() % 16 == 0 ? values[next() % 5] : uniform(-2, 2);
}

/* An activation range: NONE, RELU, RELU_N1_TO_1, RELU6 (as the ops set them). */
static void activation(float *lo, float *hi) {
  switch (next() % 4) {
    case 0: *lo = -FLT_MAX, *hi = FLT_MAX; break;
    case 1: *lo = 0, *hi = FLT_MAX; break;
    case 2: *lo = -1, *hi = 1; break;
    default: *lo = 0, *hi = 6; break;
  }
}

static int failures = 0, cases = 0, fast_cases = 0;

static int same(float a, float b) {
  if (isnan(a) && isnan(b)) return 1;
  if (a == 0 && b == 0) return 1; /* either sign */
  return memcmp(&a, &b, 4) == 0;
}

static void check(const char *what, int index, const float *want, const float *got, size_t n, const char *config) {
  ++cases;
  for (size_t i = 0; i < n; ++i)
    if (!same(want[i], got[i])) {
      printf("FAIL %s case %d: element %zu: simd %.9g, reference %.9g (%s)\n", what, index, i, (double)got[i],
             (double)want[i], config);
      ++failures;
      return;
    }
}

/* Input with EI_KERNEL_OVERREAD bytes of NaN after it: reading past the end must not change a result. */
static float *input_buffer(size_t n) {
  float *in = malloc(n * sizeof(float) + EI_KERNEL_OVERREAD);
  memset(in + n, 0xff, EI_KERNEL_OVERREAD);
  return in;
}

static void test_conv(int index) {
  static const int channels[] = {1, 3, 4, 5, 8, 17, 24, 28, 33};
  static const int widths[] = {1, 2, 5, 7, 13};
  static const int kernels[] = {1, 1, 2, 3, 5};
  ei_conv_f32_params p;
  memset(&p, 0, sizeof p);
  const int fc = next() % 8 == 0; /* FULLY_CONNECTED: a 1x1 convolution over a row of pixels */
  p.batches = range(1, 2);
  p.in_h = fc ? 1 : pick(widths, 5);
  p.in_w = pick(widths, 5);
  p.in_c = pick(channels, 9);
  p.out_c = pick(channels, 9);
  p.k_h = fc ? 1 : pick(kernels, 5);
  p.k_w = fc ? 1 : next() % 2 ? p.k_h : pick(kernels, 5);
  p.k_c = p.in_c;
  p.stride_h = fc ? 1 : range(1, 3);
  p.stride_w = fc ? 1 : range(1, 3);
  p.dil_h = fc || next() % 4 ? 1 : 2;
  p.dil_w = fc || next() % 4 ? 1 : 2;
  const int same_pad = fc ? 0 : (int)(next() % 2);
  if (!same_pad && ((p.k_h - 1) * p.dil_h + 1 > p.in_h || (p.k_w - 1) * p.dil_w + 1 > p.in_w)) return;
  p.out_h = out_size(p.in_h, p.k_h, p.stride_h, p.dil_h, same_pad, &p.pad_top);
  p.out_w = out_size(p.in_w, p.k_w, p.stride_w, p.dil_w, same_pad, &p.pad_left);
  activation(&p.act_min, &p.act_max);
  const size_t n_in = (size_t)p.batches * p.in_h * p.in_w * p.in_c;
  const size_t n_w = (size_t)p.out_c * p.k_h * p.k_w * p.k_c;
  const size_t n_out = (size_t)p.batches * p.out_h * p.out_w * p.out_c;
  float *in = input_buffer(n_in), *w = malloc(n_w * 4), *bias = malloc((size_t)p.out_c * 4);
  float *want = malloc(n_out * 4), *got = malloc(n_out * 4);
  fill(in, n_in, next() % 4 == 0);
  fill(w, n_w, 0);
  fill(bias, (size_t)p.out_c, 0);
  p.weights = w;
  p.bias = next() % 4 ? bias : NULL;
  ei_conv_f32_ref(&p, in, want);
  const size_t packed_bytes = ei_conv_f32_packed_bytes(&p);
  void *packed = packed_bytes ? malloc(packed_bytes) : NULL;
  if (packed) {
    ei_conv_f32_pack(&p, packed);
    ++fast_cases;
  }
  float *scratch = malloc(ei_conv_f32_scratch_bytes(&p) + 1);
  memset(got, 0x5a, n_out * 4);
  ei_conv_f32(&p, in, got, scratch);
  char config[200];
  snprintf(config, sizeof config, "b%d %dx%dx%d -> %d, k%dx%d s%d,%d d%d,%d pad %d,%d, act [%g, %g]%s", p.batches,
           p.in_h, p.in_w, p.in_c, p.out_c, p.k_h, p.k_w, p.stride_h, p.stride_w, p.dil_h, p.dil_w, p.pad_top,
           p.pad_left, (double)p.act_min, (double)p.act_max, p.bias ? "" : ", no bias");
  check("conv f32", index, want, got, n_out, config);
  free(in), free(w), free(bias), free(want), free(got), free(packed), free(scratch);
}

static void test_dwconv(int index) {
  static const int channels[] = {1, 3, 4, 5, 8, 17, 24, 28, 33};
  static const int widths[] = {1, 2, 5, 7, 13};
  static const int kernels[] = {1, 2, 3, 3, 5};
  static const int multipliers[] = {1, 1, 1, 2, 3, 4, 8, 16};
  ei_dwconv_f32_params p;
  memset(&p, 0, sizeof p);
  p.batches = range(1, 2);
  p.in_h = pick(widths, 5);
  p.in_w = pick(widths, 5);
  p.in_c = pick(channels, 9);
  p.depth_multiplier = pick(multipliers, 8);
  p.k_h = pick(kernels, 5);
  p.k_w = next() % 2 ? p.k_h : pick(kernels, 5);
  p.stride_h = range(1, 3);
  p.stride_w = range(1, 3);
  p.dil_h = next() % 4 ? 1 : 2;
  p.dil_w = next() % 4 ? 1 : 2;
  const int same_pad = (int)(next() % 2);
  if (!same_pad && ((p.k_h - 1) * p.dil_h + 1 > p.in_h || (p.k_w - 1) * p.dil_w + 1 > p.in_w)) return;
  p.out_h = out_size(p.in_h, p.k_h, p.stride_h, p.dil_h, same_pad, &p.pad_top);
  p.out_w = out_size(p.in_w, p.k_w, p.stride_w, p.dil_w, same_pad, &p.pad_left);
  activation(&p.act_min, &p.act_max);
  const int out_c = p.in_c * p.depth_multiplier;
  const size_t n_in = (size_t)p.batches * p.in_h * p.in_w * p.in_c;
  const size_t n_w = (size_t)p.k_h * p.k_w * out_c;
  const size_t n_out = (size_t)p.batches * p.out_h * p.out_w * out_c;
  float *in = input_buffer(n_in), *w = malloc(n_w * 4), *bias = malloc((size_t)out_c * 4);
  float *want = malloc(n_out * 4), *got = malloc(n_out * 4);
  fill(in, n_in, next() % 4 == 0);
  fill(w, n_w, 0);
  fill(bias, (size_t)out_c, 0);
  p.weights = w;
  p.bias = next() % 4 ? bias : NULL;
  ei_dwconv_f32_ref(&p, in, want);
  const size_t packed_bytes = ei_dwconv_f32_packed_bytes(&p);
  void *packed = packed_bytes ? malloc(packed_bytes) : NULL;
  if (packed) {
    ei_dwconv_f32_pack(&p, packed);
    ++fast_cases;
  }
  memset(got, 0x5a, n_out * 4);
  ei_dwconv_f32(&p, in, got);
  char config[200];
  snprintf(config, sizeof config, "b%d %dx%dx%d m%d, k%dx%d s%d,%d d%d,%d pad %d,%d, act [%g, %g]%s", p.batches,
           p.in_h, p.in_w, p.in_c, p.depth_multiplier, p.k_h, p.k_w, p.stride_h, p.stride_w, p.dil_h, p.dil_w,
           p.pad_top, p.pad_left, (double)p.act_min, (double)p.act_max, p.bias ? "" : ", no bias");
  check("depthwise f32", index, want, got, n_out, config);
  free(in), free(w), free(bias), free(want), free(got), free(packed);
}

static void test_pool(int index) {
  static const int channels[] = {1, 3, 4, 5, 8, 17, 28};
  ei_pool_params p;
  memset(&p, 0, sizeof p);
  p.batches = range(1, 2);
  p.in_h = range(1, 9);
  p.in_w = range(1, 9);
  p.channels = pick(channels, 7);
  p.k_h = range(1, 4);
  p.k_w = range(1, 4);
  p.stride_h = range(1, 3);
  p.stride_w = range(1, 3);
  const int same_pad = (int)(next() % 2);
  if (!same_pad && (p.k_h > p.in_h || p.k_w > p.in_w)) return;
  p.out_h = out_size(p.in_h, p.k_h, p.stride_h, 1, same_pad, &p.pad_top);
  p.out_w = out_size(p.in_w, p.k_w, p.stride_w, 1, same_pad, &p.pad_left);
  activation(&p.f_act_min, &p.f_act_max);
  const size_t n_in = (size_t)p.batches * p.in_h * p.in_w * p.channels;
  const size_t n_out = (size_t)p.batches * p.out_h * p.out_w * p.channels;
  float *in = input_buffer(n_in), *want = malloc(n_out * 4), *got = malloc(n_out * 4);
  fill(in, n_in, next() % 3 == 0);
  char config[160];
  snprintf(config, sizeof config, "b%d %dx%dx%d, k%dx%d s%d,%d pad %d,%d, act [%g, %g]", p.batches, p.in_h, p.in_w,
           p.channels, p.k_h, p.k_w, p.stride_h, p.stride_w, p.pad_top, p.pad_left, (double)p.f_act_min,
           (double)p.f_act_max);
  ei_maxpool_f32_ref(&p, in, want);
  ei_maxpool_f32(&p, in, got);
  check("max pool f32", index, want, got, n_out, config);
  ei_avgpool_f32_ref(&p, in, want);
  ei_avgpool_f32(&p, in, got);
  check("average pool f32", index, want, got, n_out, config);
  free(in), free(want), free(got);
}

static void test_elementwise(int index) {
  const size_t n = (size_t)range(1, 70);
  float a[70], b[70], want[70], got[70], lo, hi;
  fill(a, n, 1);
  fill(b, n, 1);
  activation(&lo, &hi);
  char config[80];
  snprintf(config, sizeof config, "n %zu, act [%g, %g]", n, (double)lo, (double)hi);
  for (size_t i = 0; i < n; ++i) want[i] = ei_minmax_f32(a[i] + b[i], lo, hi);
  ei_add_f32(a, b, got, n, lo, hi);
  check("add f32", index, want, got, n, config);
  for (size_t i = 0; i < n; ++i) want[i] = ei_minmax_f32(a[i], lo, hi);
  ei_clamp_f32_n(a, got, n, lo, hi);
  check("clamp f32", index, want, got, n, config);
}

/* QUANTIZE float32 -> 8 bits against ei_quantize_f32_one, at an odd offset
 * (unaligned floats), with exact ties, NaN, infinities and huge values. */
static void test_quantize(int index) {
  const size_t n = (size_t)range(1, 70);
  const bool is_signed = next() % 2;
  const float scale = next() % 4 == 0 ? 1.0f / 255 : uniform(0.001f, 0.5f);
  const int32_t zp = is_signed ? range(-128, 127) : range(0, 255);
  uint8_t bytes[4 * 70 + 1], want[70], got[70];
  float x[70];
  fill(x, n, 1);
  for (size_t i = 0; i < n; ++i) {
    if (next() % 4 == 0) x[i] = ((float)range(-300, 300) + 0.5f) * scale; /* a tie, give or take the division */
    if (next() % 32 == 0) x[i] = uniform(-1, 1) * 1e30f;
    want[i] = ei_quantize_f32_one(x[i], scale, zp, is_signed);
  }
  memcpy(bytes + 1, x, 4 * n);
  ei_quantize_f32(bytes + 1, got, n, scale, zp, is_signed);
  char config[80];
  snprintf(config, sizeof config, "n %zu, scale %g, zp %d, %s", n, (double)scale, zp, is_signed ? "int8" : "uint8");
  ++cases;
  if (memcmp(want, got, n)) {
    for (size_t i = 0; i < n; ++i)
      if (want[i] != got[i]) {
        printf("FAIL quantize f32 case %d (%s): element %zu, x %g: want %d, got %d\n", index, config, i, (double)x[i],
               want[i], got[i]);
        break;
      }
    ++failures;
  }
}

/* DEQUANTIZE 8 bits -> float32 (and CAST, scale 1 and zero point 0) against
 * ei_dequantize_q8_one, written at an odd offset (unaligned floats), with
 * scales whose products are subnormal, overflow or round at a tie's edge. */
static void test_dequantize(int index) {
  const size_t n = (size_t)range(1, 70);
  const bool is_signed = next() % 2;
  static const float scales[] = {1.0f, 1e-45f, 3e-39f, 3e38f, 1.0f / 255, 0.0078125f, 0.3333333f};
  const float scale = next() % 2 ? scales[next() % 7] : uniform(1e-6f, 10.0f);
  const int32_t zp = scale == 1.0f && next() % 2 ? 0 : is_signed ? range(-128, 127) : range(0, 255);
  uint8_t q[70], bytes[4 * 70 + 1];
  float want[70], got[70];
  for (size_t i = 0; i < n; ++i) {
    q[i] = (uint8_t)(next() % 3 == 0 ? (next() % 2 ? 0x80 : 0x7f) : next());
    want[i] = ei_dequantize_q8_one(ei_load_q8(q + i, is_signed), scale, zp);
  }
  ei_dequantize_q8(q, bytes + 1, n, scale, zp, is_signed);
  memcpy(got, bytes + 1, 4 * n);
  char config[80];
  snprintf(config, sizeof config, "n %zu, scale %g, zp %d, %s", n, (double)scale, zp, is_signed ? "int8" : "uint8");
  ++cases;
  if (memcmp(want, got, 4 * n)) {
    for (size_t i = 0; i < n; ++i)
      if (memcmp(want + i, got + i, 4)) {
        printf("FAIL dequantize case %d (%s): element %zu, q %d: want %a, got %a\n", index, config, i, q[i],
               (double)want[i], (double)got[i]);
        break;
      }
    ++failures;
  }
}

int main(void) {
  seed(2024);
  for (int i = 0; i < 3000; ++i) test_conv(i);
  for (int i = 0; i < 3000; ++i) test_dwconv(i);
  for (int i = 0; i < 2000; ++i) test_pool(i);
  for (int i = 0; i < 2000; ++i) test_elementwise(i);
  for (int i = 0; i < 20000; ++i) test_quantize(i);
  for (int i = 0; i < 20000; ++i) test_dequantize(i);
#ifdef __wasm_simd128__
  const char *build = "SIMD128";
#else
  const char *build = "scalar";
#endif
  printf("simd float kernels (%s build): %d cases, %d on the packed fast path\n", build, cases, fast_cases);
  printf("simd float: %d passed, %d failed\n", cases - failures, failures);
  return failures ? 1 : 0;
}
