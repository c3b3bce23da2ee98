/* kernels.h — the hot loops, behind one signature per op. Each op's prepare
 * fills a params struct once; eval passes it with raw data pointers.
 *
 * "q8" kernels take 8-bit activations and weights that are either all int8
 * (is_signed) or all uint8; offsets are the negated zero points, so every
 * product is (x + in_offset) * (w + w_offset) as in TFLite's reference.
 * The scalar bodies are the reference; SIMD variants must match them exactly.
 */
#ifndef EI_KERNELS_H
#define EI_KERNELS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quant.h"

/* Requantization of an int32 accumulator, per output channel. */
typedef struct {
  const int32_t *bias;        /* per output channel (zeros when the op has none) */
  const int32_t *multiplier;  /* per output channel significands */
  const int32_t *shift;       /* per output channel exponents */
  int32_t out_zero_point;
  int32_t act_min, act_max;   /* fused activation, in output quantized units */
} ei_requant;

typedef struct {
  int batches, in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int k_h, k_w, k_c;          /* k_c: input channels per filter (in_c / groups) */
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_left;
  int32_t in_offset, w_offset;
  bool is_signed;
  const uint8_t *weights;     /* [out_c][k_h][k_w][k_c] */
  ei_requant rq;
  const void *packed;         /* SIMD layout from ei_conv_q8_pack, or NULL: reference kernel */
} ei_conv_params;

typedef struct {
  int batches, in_h, in_w, in_c;
  int out_h, out_w, depth_multiplier; /* out_c = in_c * depth_multiplier */
  int k_h, k_w;
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_left;
  int32_t in_offset, w_offset;
  bool is_signed;
  const uint8_t *weights;     /* [1][k_h][k_w][out_c] */
  ei_requant rq;
  const void *packed;         /* SIMD layout from ei_dwconv_q8_pack, or NULL: reference kernel */
} ei_dwconv_params;

/* ADD's rescaling (see ops/add.c): inputs offset, shifted left by 20 bits,
 * scaled by multipliers below one, summed, scaled to the output. */
typedef struct {
  int32_t offset1, offset2, out_zero_point;
  int32_t mult1, mult2, mult_out;
  int shift1, shift2, shift_out; /* exponents, all <= 0 */
  int32_t act_min, act_max;
  bool is_signed;
} ei_add_params;

#define EI_ADD_LEFT_SHIFT 20

/* Input `operand` (1 or 2) of ADD (or SUB) offset, shifted left and rescaled
 * to the common scale. */
static inline int32_t ei_add_rescale(const ei_add_params *p, int operand, int32_t x) {
  const int32_t offset = operand == 1 ? p->offset1 : p->offset2, mult = operand == 1 ? p->mult1 : p->mult2;
  const int shift = operand == 1 ? p->shift1 : p->shift2;
  return ei_rounding_shift(ei_srdhm((x + offset) * (1 << EI_ADD_LEFT_SHIFT), mult), -shift);
}

/* The output byte of a sum (or difference) of rescaled inputs. */
static inline uint8_t ei_add_finish(const ei_add_params *p, int32_t sum) {
  sum = ei_rounding_shift(ei_srdhm(sum, p->mult_out), -p->shift_out);
  return (uint8_t)ei_clamp(sum + p->out_zero_point, p->act_min, p->act_max);
}

static inline uint8_t ei_add_q8_one(const ei_add_params *p, int32_t x1, int32_t x2) {
  return ei_add_finish(p, ei_add_rescale(p, 1, x1) + ei_add_rescale(p, 2, x2));
}

/* 8-bit MUL: (x1 + offset1) * (x2 + offset2) requantized to the output. */
typedef struct {
  int32_t offset1, offset2, out_zero_point;
  int32_t multiplier;
  int shift;
  int32_t act_min, act_max;
  bool is_signed;
} ei_mul_params;

/* The output byte of a product of offset inputs. */
static inline uint8_t ei_mul_finish(const ei_mul_params *p, int32_t product) {
  int32_t v = ei_requantize(product, p->multiplier, p->shift) + p->out_zero_point;
  return (uint8_t)ei_clamp(v, p->act_min, p->act_max);
}

static inline uint8_t ei_mul_q8_one(const ei_mul_params *p, int32_t x1, int32_t x2) {
  return ei_mul_finish(p, (x1 + p->offset1) * (x2 + p->offset2));
}

/* Element-wise MUL of two same-shape tensors of n elements. */
void ei_mul_q8(const ei_mul_params *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);

typedef struct {
  int batches, in_h, in_w, channels, out_h, out_w;
  int k_h, k_w, stride_h, stride_w, pad_top, pad_left;
  int32_t act_min, act_max;
  bool is_signed;
  float f_act_min, f_act_max; /* float32 pools */
} ei_pool_params;

/* Reference bodies: plain loops in the order the maths reads; always built, and
 * the oracle every fast path is tested against. */
void ei_conv_q8_ref(const ei_conv_params *p, const uint8_t *input, uint8_t *output);
void ei_dwconv_q8_ref(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output);
/* One depthwise output value (channel oc, window origin iy0, ix0 in one image). */
uint8_t ei_dwconv_q8_one(const ei_dwconv_params *p, const uint8_t *image, int iy0, int ix0, int oc);

/* Fast paths, chosen at build time: the SIMD128 bodies (*_wasmsimd.c) when built
 * with -msimd128, else thin wrappers over the reference. Prepare asks for the
 * packed size (0: this configuration runs the reference), allocates, packs once;
 * eval passes a scratch buffer of the requested size. Kernels may read up to
 * EI_KERNEL_OVERREAD bytes past the end of their input. */
#define EI_KERNEL_OVERREAD 16
size_t ei_conv_q8_packed_bytes(const ei_conv_params *p);
void ei_conv_q8_pack(ei_conv_params *p, void *packed);
size_t ei_conv_q8_scratch_bytes(const ei_conv_params *p);
void ei_conv_q8(const ei_conv_params *p, const uint8_t *input, uint8_t *output, uint8_t *scratch);

/* Element-wise ADD of two same-shape tensors of n elements. */
void ei_add_q8(const ei_add_params *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);

size_t ei_dwconv_q8_packed_bytes(const ei_dwconv_params *p);
void ei_dwconv_q8_pack(ei_dwconv_params *p, void *packed);
size_t ei_dwconv_q8_scratch_bytes(const ei_dwconv_params *p);
void ei_dwconv_q8(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output, uint8_t *scratch);

void ei_avgpool_q8(const ei_pool_params *p, const uint8_t *input, uint8_t *output);
void ei_maxpool_q8(const ei_pool_params *p, const uint8_t *input, uint8_t *output);

/* ---- float32 ----
 * Every output starts from its bias (0 without one) and adds the products
 * x * w one at a time, multiply then add (SIMD128 has no fused multiply-add),
 * in the order the reference loops read them; then min(max(acc, act_min),
 * act_max), where a NaN passes. The SIMD bodies keep that order, so they give
 * the reference's bits, except that the convolution GEMM adds 0 * w for
 * padding positions the reference skips (a zero sum may change sign). */
typedef struct {
  int batches, in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int k_h, k_w, k_c;          /* k_c: input channels per filter (in_c / groups) */
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_left;
  float act_min, act_max;
  const float *weights;       /* [out_c][k_h][k_w][k_c] */
  const float *bias;          /* [out_c], or NULL */
  const void *packed;         /* SIMD layout from ei_conv_f32_pack, or NULL: reference kernel */
} ei_conv_f32_params;

typedef struct {
  int batches, in_h, in_w, in_c;
  int out_h, out_w, depth_multiplier; /* out_c = in_c * depth_multiplier */
  int k_h, k_w;
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_left;
  float act_min, act_max;
  const float *weights;       /* [1][k_h][k_w][out_c] */
  const float *bias;          /* [out_c], or NULL */
  const void *packed;         /* SIMD layout from ei_dwconv_f32_pack, or NULL: reference kernel */
} ei_dwconv_f32_params;

void ei_conv_f32_ref(const ei_conv_f32_params *p, const float *input, float *output);
void ei_dwconv_f32_ref(const ei_dwconv_f32_params *p, const float *input, float *output);
/* One depthwise output value (channel oc, window origin iy0, ix0 in one image). */
float ei_dwconv_f32_one(const ei_dwconv_f32_params *p, const float *image, int iy0, int ix0, int oc);

/* Packed size (0: the reference runs), packing and scratch as for the q8 kernels. */
size_t ei_conv_f32_packed_bytes(const ei_conv_f32_params *p);
void ei_conv_f32_pack(ei_conv_f32_params *p, void *packed);
size_t ei_conv_f32_scratch_bytes(const ei_conv_f32_params *p);
void ei_conv_f32(const ei_conv_f32_params *p, const float *input, float *output, float *scratch);

size_t ei_dwconv_f32_packed_bytes(const ei_dwconv_f32_params *p);
void ei_dwconv_f32_pack(ei_dwconv_f32_params *p, void *packed);
void ei_dwconv_f32(const ei_dwconv_f32_params *p, const float *input, float *output);

/* out[i] = clamp(a[i] + b[i]) and out[i] = clamp(x[i]), n elements. */
void ei_add_f32(const float *a, const float *b, float *out, size_t n, float lo, float hi);
void ei_clamp_f32_n(const float *x, float *out, size_t n, float lo, float hi);

void ei_avgpool_f32_ref(const ei_pool_params *p, const float *input, float *output);
void ei_maxpool_f32_ref(const ei_pool_params *p, const float *input, float *output);
void ei_avgpool_f32(const ei_pool_params *p, const float *input, float *output);
void ei_maxpool_f32(const ei_pool_params *p, const float *input, float *output);
/* The in-image part [k_lo, k_hi) of a pooling window starting at i0 on an axis of size n. */
void ei_pool_window(int i0, int k, int n, int *k_lo, int *k_hi);

/* IEEE half-precision bits to float32, exactly (subnormals, infinities, NaN payloads). */
float ei_f16_to_f32(uint16_t h);

/* min(max(x, lo), hi) as TFLite's ActivationFunctionWithMinMax: a NaN passes. */
static inline float ei_minmax_f32(float x, float lo, float hi) {
  if (x < lo) x = lo;
  if (hi < x) x = hi;
  return x;
}

/* roundf (ties away from zero) from instructions wasm has: v - trunc(v) is
 * exact, so comparing it with 0.5 decides the tie direction without error.
 * (roundf itself is a library call in wasm.) */
static inline float ei_round_half_away_f32(float v) {
  const float t = truncf(v);
  return fabsf(v - t) >= 0.5f ? t + copysignf(1.0f, v) : t;
}

/* QUANTIZE of one float32 to 8 bits (TFLite's AffineQuantize): round(x / scale)
 * + zero point, clamped. The reference converts to int32 first (undefined for
 * NaN and out-of-range values); here those saturate, and NaN becomes the zero
 * point. */
static inline uint8_t ei_quantize_f32_one(float x, float scale, int32_t zero_point, bool is_signed) {
  const int32_t qmin = is_signed ? -128 : 0, qmax = is_signed ? 127 : 255;
  double q = (double)ei_round_half_away_f32(x / scale) + zero_point;
  if (isnan(q)) q = zero_point;
  return (uint8_t)(q < qmin ? qmin : q > qmax ? qmax : (int32_t)q);
}

/* ei_quantize_f32_one over n floats, which need not be aligned. */
void ei_quantize_f32(const void *in, uint8_t *out, size_t n, float scale, int32_t zero_point, bool is_signed);

/* DEQUANTIZE of one 8-bit value: (q - zero_point) * scale in double, rounded
 * once to float (the double product of a float and a 9-bit integer is exact).
 * With scale 1 and zero point 0 it is CAST to float32. */
static inline float ei_dequantize_q8_one(int32_t q, float scale, int32_t zero_point) {
  return (float)((double)scale * (q - zero_point));
}

/* ei_dequantize_q8_one over n bytes; the floats at out need not be aligned. */
void ei_dequantize_q8(const uint8_t *in, void *out, size_t n, float scale, int32_t zero_point, bool is_signed);

/* Adds the bias to an accumulator, requantizes, offsets and clamps: channel
 * c's output value (ei_requant_channel: its 8-bit byte). Sums wrap modulo
 * 2^32 like the reference's int32 arithmetic. */
static inline int32_t ei_requant_channel_value(const ei_requant *rq, int c, int64_t acc) {
  int32_t acc32 = (int32_t)(uint32_t)((uint64_t)acc + (uint64_t)(int64_t)rq->bias[c]);
  int64_t v = (int64_t)ei_requantize(acc32, rq->multiplier[c], rq->shift[c]) + rq->out_zero_point;
  if (v < rq->act_min) v = rq->act_min;
  if (v > rq->act_max) v = rq->act_max;
  return (int32_t)v;
}

static inline uint8_t ei_requant_channel(const ei_requant *rq, int c, int64_t acc) {
  return (uint8_t)ei_requant_channel_value(rq, c, acc);
}

/* 8-bit load as a signed or unsigned value. */
static inline int32_t ei_load_q8(const uint8_t *p, bool is_signed) {
  return is_signed ? (int32_t)(int8_t)*p : (int32_t)*p;
}

#endif
