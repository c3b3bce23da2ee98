/* test_simd_kernels.c — every SIMD128 kernel against its scalar reference on
 * random tensors of awkward shapes, with zero points, weights, biases and
 * multipliers at their extremes. Built with -msimd128 and run in Node
 * (make test-wasm); natively it would only compare the reference with itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "test_support.h"

/* A value biased toward the ends of [lo, hi]. */
static int extreme(int lo, int hi) {
  switch (next() % 4) {
    case 0: return lo;
    case 1: return hi;
    default: return range(lo, hi);
  }
}

static void fill_q8(uint8_t *p, size_t n, bool is_signed) {
  const int mode = (int)(next() % 3); /* random, all-extreme, or constant */
  const int c = range(0, 255);
  for (size_t i = 0; i < n; ++i) p[i] = (uint8_t)(mode == 0 ? next() : mode == 1 ? (next() & 1 ? 0 : 255) : c);
  (void)is_signed;
}

/* Per-channel requantization with exponents mostly in the SIMD range, sometimes not. */
static void random_requant(ei_requant *rq, int channels, bool is_signed, int32_t *bias, int32_t *mult,
                           int32_t *shift) {
  const int shared_shift = range(-24, 1);
  /* One exponent for every channel (per-tensor quantization) takes the
   * uniform SIMD requantization when the accumulators stay below 2^30;
   * exponents a few apart (as per-channel quantization gives) the scaled
   * one, when the accumulators are smaller still. */
  const int spread = (int)(next() % 3); /* 0: one exponent, 1: a few apart, 2: anywhere */
  for (int c = 0; c < channels; ++c) {
    bias[c] = next() % 8 == 0 ? (int32_t)next() : range(-(1 << 20), 1 << 20);
    mult[c] = (int32_t)((1u << 30) + (next() % (1u << 30)));
    shift[c] = spread == 0 || next() % 2 ? shared_shift : spread == 1 ? shared_shift - range(0, 4) : range(-23, 0);
    if (next() % 64 == 0) shift[c] = range(1, 31); /* a multiplier above one */
  }
  const int qmin = is_signed ? -128 : 0, qmax = is_signed ? 127 : 255;
  rq->bias = bias;
  rq->multiplier = mult;
  rq->shift = shift;
  rq->out_zero_point = extreme(qmin, qmax);
  /* Bounds at or just below the zero point decide whether the sign step of the
   * rounding may be dropped (ReLU clamps at the zero point). */
  const int near_zp = rq->out_zero_point + range(-2, 1);
  rq->act_min = next() % 4 == 0 ? ei_clamp(near_zp, qmin, qmax) : next() % 2 ? qmin : range(qmin, qmin + 100);
  rq->act_max = next() % 2 ? qmax : range(rq->act_min, qmax);
}

/* In one case of four, some channels get all their weights at the weight
 * zero point (w' = 0, a pruned or dead channel: its output is a constant),
 * often with the tiny scales converters give those, exponents below the SIMD
 * range. Channel c's taps are at w + c * channel_step + t * tap_step. */
static void zero_some_channels(uint8_t *w, int channels, int taps, size_t channel_step, size_t tap_step,
                               int32_t w_offset, int32_t *mult, int32_t *shift) {
  if (next() % 4) return;
  for (int c = 0; c < channels; ++c) {
    if (next() % 3) continue;
    for (int t = 0; t < taps; ++t) w[c * channel_step + t * tap_step] = (uint8_t)-w_offset;
    if (next() % 2) {
      shift[c] = range(-31, -20);
      mult[c] = next() % 4 ? (int32_t)((1u << 30) + (next() % (1u << 30))) : 0;
    }
  }
}

static int failures = 0, cases = 0, fast_cases = 0;

static void check(const char *what, int index, const uint8_t *want, const uint8_t *got, size_t n,
                  const char *config) {
  ++cases;
  for (size_t i = 0; i < n; ++i)
    if (want[i] != got[i]) {
      printf("FAIL %s case %d: byte %zu: simd %d, reference %d (%s)\n", what, index, i, got[i], want[i], config);
      ++failures;
      return;
    }
}

static void test_conv(int index) {
  static const int channels[] = {1, 3, 5, 8, 16, 17, 33};
  static const int widths[] = {1, 5, 7, 15};
  static const int kernels[] = {1, 1, 3, 5};
  ei_conv_params p;
  memset(&p, 0, sizeof p);
  p.batches = range(1, 2);
  p.in_h = pick(widths, 4);
  p.in_w = pick(widths, 4);
  p.in_c = pick(channels, 7);
  p.out_c = pick(channels, 7);
  p.k_h = pick(kernels, 4);
  p.k_w = next() % 2 ? p.k_h : pick(kernels, 4);
  p.k_c = p.in_c;
  p.stride_h = range(1, 2);
  p.stride_w = range(1, 2);
  p.dil_h = next() % 4 ? 1 : 2;
  p.dil_w = next() % 4 ? 1 : 2;
  const int same = (int)(next() % 2);
  if (!same && ((p.k_h - 1) * p.dil_h + 1 > p.in_h || (p.k_w - 1) * p.dil_w + 1 > p.in_w)) return;
  p.out_h = out_size(p.in_h, p.k_h, p.stride_h, p.dil_h, same, &p.pad_top);
  p.out_w = out_size(p.in_w, p.k_w, p.stride_w, p.dil_w, same, &p.pad_left);
  p.is_signed = next() % 2;
  p.in_offset = -(p.is_signed ? extreme(-128, 127) : extreme(0, 255));
  p.w_offset = p.is_signed ? 0 : -extreme(0, 255);
  const size_t in_bytes = (size_t)p.batches * p.in_h * p.in_w * p.in_c;
  const size_t w_bytes = (size_t)p.out_c * p.k_h * p.k_w * p.k_c;
  const size_t out_bytes = (size_t)p.batches * p.out_h * p.out_w * p.out_c;
  uint8_t *in = malloc(in_bytes + EI_KERNEL_OVERREAD), *w = malloc(w_bytes);
  uint8_t *want = malloc(out_bytes), *got = malloc(out_bytes);
  int32_t *bias = malloc(sizeof(int32_t) * p.out_c), *mult = malloc(sizeof(int32_t) * p.out_c);
  int32_t *shift = malloc(sizeof(int32_t) * p.out_c);
  fill_q8(in, in_bytes, p.is_signed);
  memset(in + in_bytes, 0xA5, EI_KERNEL_OVERREAD);
  fill_q8(w, w_bytes, p.is_signed);
  random_requant(&p.rq, p.out_c, p.is_signed, bias, mult, shift);
  const int taps = p.k_h * p.k_w * p.k_c;
  zero_some_channels(w, p.out_c, taps, (size_t)taps, 1, p.w_offset, mult, shift);
  p.weights = w;
  ei_conv_q8_ref(&p, in, want);
  size_t packed_bytes = ei_conv_q8_packed_bytes(&p);
  void *packed = packed_bytes ? malloc(packed_bytes) : NULL;
  if (packed) {
    ei_conv_q8_pack(&p, packed);
    ++fast_cases;
  }
  uint8_t *scratch = malloc(ei_conv_q8_scratch_bytes(&p) + 1);
  memset(got, 0x5A, out_bytes);
  ei_conv_q8(&p, in, got, scratch);
  char config[200];
  snprintf(config, sizeof config, "%s b%d %dx%dx%d -> %d, k%dx%d s%d,%d d%d,%d pad %d,%d, zp %d, wzp %d",
           p.is_signed ? "int8" : "uint8", p.batches, p.in_h, p.in_w, p.in_c, p.out_c, p.k_h, p.k_w,
           p.stride_h, p.stride_w, p.dil_h, p.dil_w, p.pad_top, p.pad_left, -p.in_offset, -p.w_offset);
  check("conv", index, want, got, out_bytes, config);
  free(in), free(w), free(want), free(got), free(bias), free(mult), free(shift), free(packed), free(scratch);
}

static void test_dwconv(int index) {
  static const int channels[] = {1, 3, 5, 8, 16, 17, 33};
  static const int widths[] = {1, 5, 7, 15};
  static const int kernels[] = {1, 3, 3, 5};
  ei_dwconv_params p;
  memset(&p, 0, sizeof p);
  p.batches = range(1, 2);
  p.in_h = pick(widths, 4);
  p.in_w = pick(widths, 4);
  p.in_c = pick(channels, 7);
  static const int multipliers[] = {1, 1, 1, 2, 8, 16};
  p.depth_multiplier = pick(multipliers, 6);
  p.k_h = pick(kernels, 4);
  p.k_w = next() % 2 ? p.k_h : pick(kernels, 4);
  p.stride_h = range(1, 2);
  p.stride_w = range(1, 2);
  p.dil_h = next() % 4 ? 1 : 2;
  p.dil_w = next() % 4 ? 1 : 2;
  const int same = (int)(next() % 2);
  if (!same && ((p.k_h - 1) * p.dil_h + 1 > p.in_h || (p.k_w - 1) * p.dil_w + 1 > p.in_w)) return;
  p.out_h = out_size(p.in_h, p.k_h, p.stride_h, p.dil_h, same, &p.pad_top);
  p.out_w = out_size(p.in_w, p.k_w, p.stride_w, p.dil_w, same, &p.pad_left);
  p.is_signed = next() % 2;
  p.in_offset = -(p.is_signed ? extreme(-128, 127) : extreme(0, 255));
  p.w_offset = p.is_signed ? 0 : -extreme(0, 255);
  const int out_c = p.in_c * p.depth_multiplier;
  const size_t in_bytes = (size_t)p.batches * p.in_h * p.in_w * p.in_c;
  const size_t w_bytes = (size_t)p.k_h * p.k_w * out_c;
  const size_t out_bytes = (size_t)p.batches * p.out_h * p.out_w * out_c;
  uint8_t *in = malloc(in_bytes + EI_KERNEL_OVERREAD), *w = malloc(w_bytes);
  uint8_t *want = malloc(out_bytes), *got = malloc(out_bytes);
  int32_t *bias = malloc(sizeof(int32_t) * out_c), *mult = malloc(sizeof(int32_t) * out_c);
  int32_t *shift = malloc(sizeof(int32_t) * out_c);
  fill_q8(in, in_bytes, p.is_signed);
  memset(in + in_bytes, 0xA5, EI_KERNEL_OVERREAD);
  fill_q8(w, w_bytes, p.is_signed);
  random_requant(&p.rq, out_c, p.is_signed, bias, mult, shift);
  zero_some_channels(w, out_c, p.k_h * p.k_w, 1, (size_t)out_c, p.w_offset, mult, shift);
  p.weights = w;
  ei_dwconv_q8_ref(&p, in, want);
  size_t packed_bytes = ei_dwconv_q8_packed_bytes(&p);
  void *packed = packed_bytes ? malloc(packed_bytes) : NULL;
  if (packed) {
    ei_dwconv_q8_pack(&p, packed);
    ++fast_cases;
  }
  memset(got, 0x5A, out_bytes);
  uint8_t *scratch = malloc(ei_dwconv_q8_scratch_bytes(&p) + 1);
  ei_dwconv_q8(&p, in, got, scratch);
  free(scratch);
  char config[200];
  snprintf(config, sizeof config, "%s b%d %dx%dx%d m%d, k%dx%d s%d,%d d%d,%d pad %d,%d, zp %d, wzp %d",
           p.is_signed ? "int8" : "uint8", p.batches, p.in_h, p.in_w, p.in_c, p.depth_multiplier, p.k_h,
           p.k_w, p.stride_h, p.stride_w, p.dil_h, p.dil_w, p.pad_top, p.pad_left, -p.in_offset, -p.w_offset);
  check("depthwise", index, want, got, out_bytes, config);
  free(in), free(w), free(want), free(got), free(bias), free(mult), free(shift), free(packed);
}

/* Element-wise kernels: offsets, output zero point and activation bounds of
 * ADD's and MUL's params (same field names) at random, extremes included. */
#define RANDOM_ELEMENTWISE_FIELDS(p)                                          \
  do {                                                                        \
    (p).is_signed = next() % 2;                                               \
    const int qmin = (p).is_signed ? -128 : 0, qmax = (p).is_signed ? 127 : 255; \
    (p).offset1 = -extreme(qmin, qmax);                                       \
    (p).offset2 = -extreme(qmin, qmax);                                       \
    (p).out_zero_point = extreme(qmin, qmax);                                 \
    /* at or just below the zero point: whether the sign step may go */       \
    (p).act_min = next() % 4 == 0 ? ei_clamp((p).out_zero_point + range(-2, 1), qmin, qmax) \
                  : next() % 2    ? qmin                                      \
                                  : range(qmin, qmin + 100);                  \
    (p).act_max = next() % 2 ? qmax : range((p).act_min, qmax);               \
  } while (0)

typedef uint8_t (*element_fn)(const void *p, int32_t x1, int32_t x2);
typedef void (*elementwise_kernel)(const void *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);

/* The kernel against its element function on random operands of 1..100
 * elements (around the 8-lane step). */
static void check_elementwise(const char *name, int index, const char *config, bool is_signed, const void *p,
                              element_fn one, elementwise_kernel kernel) {
  const size_t n = (size_t)range(1, 100);
  uint8_t a[100], b[100], want[100], got[100];
  fill_q8(a, n, is_signed);
  fill_q8(b, n, is_signed);
  for (size_t i = 0; i < n; ++i) want[i] = one(p, ei_load_q8(a + i, is_signed), ei_load_q8(b + i, is_signed));
  kernel(p, a, b, got, n);
  char full[160];
  snprintf(full, sizeof full, "%s, n %zu", config, n);
  check(name, index, want, got, n, full);
}

static uint8_t add_one(const void *p, int32_t x1, int32_t x2) { return ei_add_q8_one(p, x1, x2); }
static void add_kernel(const void *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) {
  ei_add_q8(p, a, b, out, n);
}
static uint8_t mul_one(const void *p, int32_t x1, int32_t x2) { return ei_mul_q8_one(p, x1, x2); }
static void mul_kernel(const void *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) {
  ei_mul_q8(p, a, b, out, n);
}

/* ADD's scalings at random, either input's (or both) exactly 1/2 in three
 * cases of four; the output's exponent in [-largest_shift, -8]. */
static void random_add_params(ei_add_params *p, int largest_shift) {
  memset(p, 0, sizeof *p);
  RANDOM_ELEMENTWISE_FIELDS(*p);
  p->mult1 = (int32_t)((1u << 30) + next() % (1u << 30));
  p->mult2 = (int32_t)((1u << 30) + next() % (1u << 30));
  p->mult_out = (int32_t)((1u << 30) + next() % (1u << 30));
  p->shift1 = -range(0, 6);
  p->shift2 = -range(0, 6);
  p->shift_out = -range(8, largest_shift);
  /* ADD's prepare rescales the input with the larger scale by exactly 1/2
   * (both, when the scales are equal), which the kernel takes as a shift. */
  const int halves = (int)(next() % 4);
  if (halves & 1) p->mult1 = 1 << 30, p->shift1 = 0;
  if (halves & 2) p->mult2 = 1 << 30, p->shift2 = 0;
}

static void test_add(int index) {
  ei_add_params p;
  random_add_params(&p, 31);
  char config[120];
  snprintf(config, sizeof config, "%s, shifts %d %d %d", p.is_signed ? "int8" : "uint8", p.shift1, p.shift2,
           p.shift_out);
  check_elementwise("add", index, config, p.is_signed, &p, add_one, add_kernel);
}

/* ADD on every pair of input bytes (65,536 elements): rounding differences
 * in the intermediate scalings show only near the output's rounding points,
 * which random operands rarely reach. */
static void test_add_every_pair(int index) {
  ei_add_params p;
  random_add_params(&p, 20);
  if (index % 4 == 0) {
    /* Scalings that make each input x + offset and the output (x1 + x2 + offsets) / 2^k
     * exactly: the output's rounding meets a tie on every other sum, negative ones
     * included, with the lower bound at, above or just below the zero point. */
    p.mult1 = p.mult2 = p.mult_out = 1 << 30;
    p.shift1 = p.shift2 = -19;
    p.shift_out = -range(1, 3);
    const int qmin = p.is_signed ? -128 : 0;
    p.act_min = ei_clamp(p.out_zero_point + range(-1, 1), qmin, p.act_max);
  }
  static uint8_t a[65536], b[65536], want[65536], got[65536];
  for (int i = 0; i < 65536; ++i) {
    a[i] = (uint8_t)i;
    b[i] = (uint8_t)(i >> 8);
    want[i] = ei_add_q8_one(&p, ei_load_q8(a + i, p.is_signed), ei_load_q8(b + i, p.is_signed));
  }
  ei_add_q8(&p, a, b, got, 65536);
  char config[120];
  snprintf(config, sizeof config, "%s, every pair, shifts %d %d %d", p.is_signed ? "int8" : "uint8", p.shift1,
           p.shift2, p.shift_out);
  check("add", index, want, got, 65536, config);
}

/* MUL: exponents inside and outside the SIMD range. */
static void test_mul(int index) {
  ei_mul_params p;
  memset(&p, 0, sizeof p);
  RANDOM_ELEMENTWISE_FIELDS(p);
  p.multiplier = next() % 8 == 0 ? (1 << 30) : (int32_t)((1u << 30) + next() % (1u << 30));
  p.shift = next() % 8 == 0 ? range(-31, 2) : range(-21, -1);
  char config[120];
  snprintf(config, sizeof config, "%s, shift %d, zp %d %d %d", p.is_signed ? "int8" : "uint8", p.shift, -p.offset1,
           -p.offset2, p.out_zero_point);
  check_elementwise("mul", index, config, p.is_signed, &p, mul_one, mul_kernel);
}

#ifdef __wasm_simd128__
#include "kernels/requant_wasmsimd.h"

/* An accumulator for a requantization by 2^-n: small, near ties after the
 * halving, on an exact tie of the second rounding when m = 2^30 (an odd
 * multiple of 2^n), or up to its bound of |acc| * scale < 2^31 at the
 * extremes. */
static int32_t random_accumulator(int n, int32_t scale) {
  int32_t acc;
  switch (next() % 5) {
    case 0: acc = range(-(1 << 12), 1 << 12); break;
    case 1: acc = (range(-300, 300) << (n + 1)) + range(-2, 2); break;
    case 4: acc = (2 * range(-300, 300) + 1) * (1 << n); break;
    case 2: acc = extreme(-(1 << 30) + 1, (1 << 30) - 1); break;
    default: acc = (int32_t)(next() % (1u << 31)) - (1 << 30); break;
  }
  while ((int64_t)(acc < 0 ? -acc : acc) * scale >= ((int64_t)1 << 31)) acc /= 2;
  return acc;
}

/* The uniform requantization against ei_requantize, lane by lane: every
 * exponent it takes, extreme zero points, accumulators up to its bound of
 * 2^29 (passed times 4, as kernels keep them), and ties of both roundings
 * (m = 2^30 halves acc exactly). */
static void test_requant_uniform(int index) {
  const int n = range(1, EI_SIMD_SHIFT - 1);
  const int32_t zp = extreme(-128, 255);
  int32_t acc[4], acc4[4], mult[4], got[4];
  for (int i = 0; i < 4; ++i) {
    mult[i] = next() % 4 == 0 ? (1 << 30) : (int32_t)((1u << 30) + next() % (1u << 30));
    acc[i] = random_accumulator(n, 4);
    acc4[i] = 4 * acc[i];
  }
  const v128_t rounding = wasm_i32x4_splat(ei_simd_one_rounding(n + 1, 1, zp));
  wasm_v128_store(got, ei_requant_uniform_x4(wasm_v128_load(acc4), wasm_v128_load(mult), rounding, n));
  for (int i = 0; i < 4; ++i) {
    const int32_t want = ei_requantize(acc[i], mult[i], -n) + zp;
    ++cases;
    if (got[i] != want) {
      printf("FAIL uniform requant case %d: acc %d m %d n %d zp %d: simd %d, reference %d\n", index, acc[i], mult[i], n,
             zp, got[i], want);
      ++failures;
    }
  }
}

/* Lanes of a block with shift N: exponents -(N - d), d in [1, N - 1], and
 * accumulators passed times 2^(d+1) up to the bound that keeps them in int32. */
static void random_scaled_lanes(int N, int32_t acc[4], int32_t acc2[4], int32_t mult[4], int32_t d[4],
                                int32_t rounding[4], int32_t zp) {
  for (int i = 0; i < 4; ++i) {
    d[i] = next() % 2 ? range(1, N - 1 < 5 ? N - 1 : 5) : range(1, N - 1);
    mult[i] = next() % 8 == 0 ? 0 : next() % 4 == 0 ? (1 << 30) : (int32_t)((1u << 30) + next() % (1u << 30));
    acc[i] = random_accumulator(N - d[i], 2 << d[i]);
    acc2[i] = (int32_t)((uint32_t)acc[i] << (d[i] + 1));
    rounding[i] = ei_simd_one_rounding(N, d[i], zp);
  }
}

/* The scaled requantization, exact over the whole range. */
static void test_requant_scaled(int index) {
  const int N = range(2, EI_SIMD_SHIFT);
  const int32_t zp = extreme(-128, 255);
  int32_t acc[4], acc2[4], mult[4], sign_step[4], d[4], rounding[4], got[4];
  random_scaled_lanes(N, acc, acc2, mult, d, rounding, zp);
  for (int i = 0; i < 4; ++i) sign_step[i] = -(1 << d[i]);
  wasm_v128_store(got, ei_requant_scaled_x4(wasm_v128_load(acc2), wasm_v128_load(mult), wasm_v128_load(rounding),
                                            wasm_v128_load(sign_step), N));
  for (int i = 0; i < 4; ++i) {
    const int32_t want = ei_requantize(acc[i], mult[i], -(N - d[i])) + zp;
    ++cases;
    if (got[i] != want) {
      printf("FAIL scaled requant case %d: acc %d m %d exponent %d (N %d) zp %d: simd %d, reference %d\n", index,
             acc[i], mult[i], d[i] - N, N, zp, got[i], want);
      ++failures;
    }
  }
}

/* The rectified requantization (no sign step): exact for acc >= 0; for
 * acc < 0, at most zp like the reference, so both clamp to an activation
 * bound at or above zp. */
static void test_requant_rectified(int index) {
  const int N = range(2, EI_SIMD_SHIFT);
  const int32_t zp = extreme(-128, 255);
  int32_t acc[4], acc2[4], mult[4], d[4], rounding[4], got[4];
  random_scaled_lanes(N, acc, acc2, mult, d, rounding, zp);
  wasm_v128_store(got, ei_requant_rectified_x4(wasm_v128_load(acc2), wasm_v128_load(mult), wasm_v128_load(rounding), N));
  for (int i = 0; i < 4; ++i) {
    const int32_t want = ei_requantize(acc[i], mult[i], -(N - d[i])) + zp;
    ++cases;
    if (acc[i] >= 0 ? got[i] != want : got[i] > zp || want > zp) {
      printf("FAIL rectified requant case %d: acc %d m %d exponent %d (N %d) zp %d: simd %d, reference %d\n", index,
             acc[i], mult[i], d[i] - N, N, zp, got[i], want);
      ++failures;
    }
  }
}

/* A block of 1..8 channels as the kernels see it: ei_simd_pack_scales picks
 * the requantization (dead channels, exponents shared or a few apart, the
 * activation bound at, above or just below the zero point), and
 * ei_requant8x2 of the accumulators times their weight factors must give
 * ei_requant_channel's bytes, ties included. */
static int block_modes[EI_RQ_PER_LANE + 1]; /* blocks tested per ei_rq_mode */

static void test_requant_block(int index) {
  const int count = range(1, EI_SIMD_BLOCK);
  const bool is_signed = next() % 2;
  int32_t bias[EI_SIMD_BLOCK] = {0}, mult[EI_SIMD_BLOCK], shift[EI_SIMD_BLOCK], weight_max[EI_SIMD_BLOCK];
  int32_t weight_factor[EI_SIMD_BLOCK], acc[2][EI_SIMD_BLOCK] = {{0}}, lanes[2][EI_SIMD_BLOCK] = {{0}};
  int64_t acc_bound[EI_SIMD_BLOCK];
  ei_requant rq;
  random_requant(&rq, count, is_signed, bias, mult, shift);
  for (int j = 0; j < count; ++j) {
    bias[j] = 0;
    if (next() % 4 == 0) mult[j] = 1 << 30; /* exact ties */
    weight_max[j] = next() % 8 == 0 ? 0 : 127;
    acc_bound[j] = (int64_t)1 << range(4, 22);
  }
  ei_simd_scales scales;
  ei_simd_pack_scales(&rq, 0, count, acc_bound, weight_max, next() % 8 != 0, &scales, weight_factor);
  if (!scales.simd_ok) return;
  for (int r = 0; r < 2; ++r)
    for (int j = 0; j < count; ++j) {
      const int n = shift[j] < 0 ? -shift[j] : 0;
      acc[r][j] = weight_max[j] == 0 ? 0 : random_accumulator(n, 1);
      if (llabs(acc[r][j]) > acc_bound[j]) acc[r][j] %= (int32_t)acc_bound[j];
      lanes[r][j] = (int32_t)((uint32_t)acc[r][j] * (uint32_t)weight_factor[j]);
    }
  const ei_requant_out o = ei_requant_out_of(&rq);
  uint8_t got[16], want[16];
  const ei_rq_mode mode = ei_simd_mode(&scales);
  ++block_modes[mode];
  v128_t bytes;
#define BLOCK_BYTES(m)                                                                                      \
  bytes = ei_requant8x2(o, &scales, wasm_v128_load(lanes[0]), wasm_v128_load(lanes[0] + 4), wasm_v128_load(lanes[1]), \
                        wasm_v128_load(lanes[1] + 4), is_signed, m)
  EI_RQ_DISPATCH(mode, BLOCK_BYTES);
#undef BLOCK_BYTES
  wasm_v128_store(got, bytes);
  for (int r = 0; r < 2; ++r)
    for (int j = 0; j < count; ++j) want[8 * r + j] = ei_requant_channel(&rq, j, acc[r][j]);
  char config[160];
  snprintf(config, sizeof config, "mode %d, %d channels, zp %d, act %d..%d", (int)mode, count, rq.out_zero_point,
           rq.act_min, rq.act_max);
  for (int r = 0; r < 2; ++r) check("requant block", index, want + 8 * r, got + 8 * r, (size_t)count, config);
}
#endif

int main(void) {
  seed(12345);
  for (int i = 0; i < 6000; ++i) test_conv(i);
  for (int i = 0; i < 6000; ++i) test_dwconv(i);
  for (int i = 0; i < 10000; ++i) test_add(i);
  for (int i = 0; i < 200; ++i) test_add_every_pair(i);
  for (int i = 0; i < 10000; ++i) test_mul(i);
#ifdef __wasm_simd128__
  for (int i = 0; i < 200000; ++i) test_requant_uniform(i);
  for (int i = 0; i < 200000; ++i) test_requant_scaled(i);
  for (int i = 0; i < 200000; ++i) test_requant_rectified(i);
  for (int i = 0; i < 100000; ++i) test_requant_block(i);
  printf("requant blocks per mode: scaled %d, rectified %d, two roundings %d, scaled fixed %d, rectified fixed %d, "
         "per lane %d\n",
         block_modes[EI_RQ_SCALED], block_modes[EI_RQ_RECTIFIED], block_modes[EI_RQ_TWO_ROUNDINGS],
         block_modes[EI_RQ_SCALED_FIXED], block_modes[EI_RQ_RECTIFIED_FIXED], block_modes[EI_RQ_PER_LANE]);
  for (int m = 0; m <= EI_RQ_PER_LANE; ++m)
    if (block_modes[m] == 0) {
      printf("FAIL requant blocks: no block took mode %d\n", m);
      ++failures;
    }
#endif
#ifdef __wasm_simd128__
  const char *build = "SIMD128";
#else
  const char *build = "scalar";
#endif
  printf("simd kernels (%s build): %d cases, %d on the packed fast path\n", build, cases, fast_cases);
  printf("simd: %d passed, %d failed\n", cases - failures, failures);
  return failures ? 1 : 0;
}
