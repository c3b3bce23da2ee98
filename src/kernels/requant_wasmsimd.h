/* requant_wasmsimd.h — TFLite's double-rounding requantization of four int32
 * accumulators at once, with the same final 8-bit result as ei_requantize()
 * in quant.h followed by the output offset and clamp.
 *
 * SIMD128 has neither a 32x32->64 high multiply nor per-lane shifts, so:
 *  1. y = SRDHM(acc, m) with a 64-bit lane multiply. The reference adds 2^30
 *     (1 - 2^30 when acc*m < 0) and truncates toward zero when dividing by 2^31;
 *     for either sign that equals floor((acc*m + 2^30) / 2^31). The shift is
 *     logical (SSE has no 64-bit arithmetic shift): the low 32 bits kept match.
 *  2. r = y / 2^n rounded half away from zero, n = -exponent in [0, 21], with
 *     32-bit lanes: y is first clamped to +-2^(n+9) (beyond that |r| >= 512,
 *     which the final 8-bit clamp saturates identically, whatever the zero
 *     point), then scaled by 2^(21-n) so every lane shares one shift:
 *     r = (y * 2^(21-n) + 2^20 - (y < 0)) >> 21, all within int32.
 * Only multipliers with exponents in [-21, 30] take this path (see
 * ei_simd_requant_ok; a positive exponent scales acc first, see
 * ei_requant_x4); m is positive, so SRDHM never saturates.
 */
#ifndef EI_REQUANT_WASMSIMD_H
#define EI_REQUANT_WASMSIMD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"

#define EI_SIMD_SHIFT 21

/* True when channels [first, first + count) all have exponents in [-21, 30]. */
static inline bool ei_simd_requant_ok(const ei_requant *rq, int first, int count) {
  for (int c = first; c < first + count; ++c)
    if (rq->shift[c] > 30 || rq->shift[c] < -EI_SIMD_SHIFT || rq->multiplier[c] < 0) return false;
  return true;
}

/* v itself, opaque to the optimizer. clang 14 spells i64x2.extmul_*_i32x4 as
 * a multiply of two extensions and matches it back only when both extensions
 * sit next to the multiply; once the multiplier's extension is shared or
 * hoisted out of a loop, a full i64x2.mul remains, which V8 emulates with a
 * dozen instructions. Passing the multiplier through here at each use keeps it. */
static inline v128_t ei_opaque(v128_t v) {
  __asm__ volatile("" : "+r"(v));
  return v;
}

/* floor((acc * m + add) / 2^31) per lane, kept to its low 32 bits: the 64-bit
 * products plus add_lo (lanes 0, 1) or add_hi (lanes 2, 3), shifted logically
 * (SSE has no 64-bit arithmetic shift; the low 32 bits are the same). */
static inline v128_t ei_mul_shift31_x4(v128_t acc, v128_t m, v128_t add_lo, v128_t add_hi) {
  const v128_t lo = wasm_u64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(acc, ei_opaque(m)), add_lo), 31);
  const v128_t hi = wasm_u64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(acc, ei_opaque(m)), add_hi), 31);
  return wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
}

/* SRDHM(acc, m) for m > 0: floor((acc * m + 2^30) / 2^31), as step 1 above. */
static inline v128_t ei_srdhm_x4(v128_t acc, v128_t m) {
  const v128_t half31 = wasm_i64x2_const_splat(1ll << 30);
  return ei_mul_shift31_x4(acc, m, half31, half31);
}

/* low = -bound and high = bound, bound = 2^(n + 9). A positive exponent e
 * (a multiplier above one) first multiplies acc by left = 2^e, wrapping as the
 * reference's shift does, and then n = 0; otherwise left = 1. */
static inline v128_t ei_requant_x4(v128_t acc, v128_t multiplier, v128_t left, v128_t pow2, v128_t low, v128_t high) {
  v128_t y = ei_srdhm_x4(wasm_i32x4_mul(acc, left), multiplier);
  y = wasm_i32x4_min(wasm_i32x4_max(y, low), high);
  const v128_t v = wasm_i32x4_mul(y, pow2);
  const v128_t rounding = wasm_i32x4_add(wasm_i32x4_const_splat(1 << (EI_SIMD_SHIFT - 1)), wasm_i32x4_shr(v, 31));
  return wasm_i32x4_shr(wasm_i32x4_add(v, rounding), EI_SIMD_SHIFT);
}

/* ---- One exponent for a block of channels ----
 * When the channels of a block share the exponent -n, 1 <= n <= 21 (always so
 * under per-tensor quantization), and no accumulator can reach 2^30 in
 * magnitude, the two roundings and the output zero point fold into one sum:
 *   r + zp = floor((acc*m + 2^30 + (2^(n-1) + zp*2^n - s) * 2^31) / 2^(31+n)),
 * s = 1 when acc < 0. (y = floor((acc*m + 2^30) / 2^31) as above, and the
 * rounding shift is floor((y + 2^(n-1) - [y < 0]) / 2^n); nested floors of
 * divisions collapse. y < 0 implies acc < 0, and when acc < 0 but y = 0 both
 * give 0.)
 * These sums read the accumulator doubled, 2*acc (kernels pack their weights
 * and bias times two, which the 2^30 bound lets int32 hold), so that with
 * the rounding doubled too, R = 2^31 + (2^(n-1) + zp*2^n) * 2^32, the high
 * halves of the 64-bit lanes, gathered by one shuffle, are
 * floor((2*acc*m + R) / 2^32) = y + 2^(n-1) + zp*2^n: no 64-bit shift. The
 * bound keeps that within int32; s is subtracted there and one arithmetic
 * shift by n, the same for every lane, finishes: no clamp, no multiply, no
 * zero point add.
 */
static inline int64_t ei_simd_uniform_rounding(int n, int32_t zero_point) {
  return ((int64_t)1 << 31) + (((int64_t)1 << (n - 1)) + (int64_t)zero_point * ((int64_t)1 << n)) * ((int64_t)1 << 32);
}

/* floor((acc2 * m + add) / 2^32) per lane: the high halves of the 64-bit sums
 * (add_lo in lanes 0, 1; add_hi in 2, 3), which the caller keeps in int32. */
static inline v128_t ei_mul_high32_x4(v128_t acc2, v128_t m, v128_t add_lo, v128_t add_hi) {
  const v128_t lo = wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(acc2, ei_opaque(m)), add_lo);
  const v128_t hi = wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(acc2, ei_opaque(m)), add_hi);
  return wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7);
}

/* True when one channel's scale takes the one-rounding sum: exponent in
 * [-21, -1], a positive significand, and the zero point in [-256, 256] (the
 * margins above assume an 8-bit one). Its accumulators must also stay below
 * 2^30 in magnitude, which the caller knows. */
static inline bool ei_simd_one_rounding_ok(int32_t multiplier, int exponent, int32_t zero_point) {
  return exponent <= -1 && exponent >= -EI_SIMD_SHIFT && multiplier >= 0 && zero_point >= -256 && zero_point <= 256;
}

/* The n shared by channels [first, first + count), or 0 when they differ or
 * do not take the one-rounding sum. */
static inline int ei_simd_uniform_shift(const ei_requant *rq, int first, int count) {
  for (int c = first; c < first + count; ++c)
    if (rq->shift[c] != rq->shift[first] || !ei_simd_one_rounding_ok(rq->multiplier[c], rq->shift[c], rq->out_zero_point))
      return 0;
  return -rq->shift[first];
}

/* The largest |x - x_zp| of an 8-bit input, times which each |w'| bounds a product. */
static inline int32_t ei_max_input_magnitude(int32_t in_offset, bool is_signed) {
  const int32_t a = (is_signed ? -128 : 0) + in_offset, b = (is_signed ? 127 : 255) + in_offset;
  return a < 0 ? (-a > b ? -a : b) : b;
}

/* Requantized lanes plus the zero point (not yet clamped) of the doubled
 * accumulators acc2; rounding is ei_simd_uniform_rounding(n, zp) in both
 * 64-bit lanes. */
static inline v128_t ei_requant_uniform_x4(v128_t acc2, v128_t multiplier, v128_t rounding, int n) {
  const v128_t v = wasm_i32x4_add(ei_mul_high32_x4(acc2, multiplier, rounding, rounding), wasm_i32x4_shr(acc2, 31));
  return wasm_i32x4_shr(v, n);
}

/* ---- One rounding, exponents per lane ----
 * The same sum when the channels' exponents differ (each -n in [-21, -1]):
 * rounding holds each lane's ei_simd_uniform_rounding(n, zp), so the high
 * halves, less s, give t = y + 2^(n-1) + zp*2^n - s per lane, and the
 * per-lane floor(t / 2^n) is found as in ei_requant_x4: t clamped to
 * +-(2^(n+10) - 1) (beyond, |r + zp| >= 1023 saturates the 8-bit output
 * either way), times 2^(21-n), arithmetic shift by 21. The conditions are
 * those of the uniform sum, except for the shared exponent. */
static inline bool ei_simd_lanes_ok(const ei_requant *rq, int first, int count) {
  for (int c = first; c < first + count; ++c)
    if (!ei_simd_one_rounding_ok(rq->multiplier[c], rq->shift[c], rq->out_zero_point)) return false;
  return true;
}

/* Requantized lanes plus the zero point (not yet clamped) of the doubled
 * accumulators acc2: rounding_lo/hi hold lanes 0, 1 and 2, 3's roundings;
 * low = -high, high = 2^(n+10) - 1. */
static inline v128_t ei_requant_lanes_x4(v128_t acc2, v128_t multiplier, v128_t rounding_lo, v128_t rounding_hi,
                                         v128_t pow2, v128_t low, v128_t high) {
  v128_t t = wasm_i32x4_add(ei_mul_high32_x4(acc2, multiplier, rounding_lo, rounding_hi), wasm_i32x4_shr(acc2, 31));
  t = wasm_i32x4_min(wasm_i32x4_max(t, low), high);
  return wasm_i32x4_shr(wasm_i32x4_mul(t, pow2), EI_SIMD_SHIFT);
}

/* Channel c's constants for a packed header: the significand, left (see
 * ei_requant_x4), pow2 = 2^(21 - n), and the clamp bounds and 64-bit rounding
 * of the one-rounding sums (single_rounding) or the bounds of ei_requant_x4
 * (rounding unused). */
static inline void ei_simd_pack_scale(const ei_requant *rq, int c, bool single_rounding, int32_t *multiplier,
                                      int32_t *left, int32_t *pow2, int32_t *low, int32_t *high, int64_t *rounding) {
  const int n = rq->shift[c] > 0 ? 0 : -rq->shift[c];
  *left = rq->shift[c] > 0 ? (int32_t)1 << rq->shift[c] : 1;
  *multiplier = rq->multiplier[c];
  *pow2 = (int32_t)1 << (EI_SIMD_SHIFT - n);
  *high = single_rounding ? ((int32_t)1 << (n + 10)) - 1 : (int32_t)1 << (n + 9);
  *low = -*high;
  *rounding = single_rounding ? ei_simd_uniform_rounding(n, rq->out_zero_point) : 0;
}

/* Eight offset lanes narrowed with saturation to 8-bit values, then clamped to
 * [lo8, hi8] (the activation bounds splatted as bytes): the same bytes as
 * clamping first, since the bounds lie within the 8-bit range. */
static inline v128_t ei_pack8_clamp(v128_t r_lo, v128_t r_hi, v128_t lo8, v128_t hi8, bool is_signed) {
  const v128_t h = wasm_i16x8_narrow_i32x4(r_lo, r_hi);
  if (is_signed) return wasm_i8x16_min(wasm_i8x16_max(wasm_i8x16_narrow_i16x8(h, h), lo8), hi8);
  return wasm_u8x16_min(wasm_u8x16_max(wasm_u8x16_narrow_i16x8(h, h), lo8), hi8);
}

/* As ei_pack8_clamp for sixteen lanes: a, b in bytes 0..7, c, d in 8..15. */
static inline v128_t ei_pack16_clamp(v128_t a, v128_t b, v128_t c, v128_t d, v128_t lo8, v128_t hi8, bool is_signed) {
  const v128_t ab = wasm_i16x8_narrow_i32x4(a, b), cd = wasm_i16x8_narrow_i32x4(c, d);
  if (is_signed) return wasm_i8x16_min(wasm_i8x16_max(wasm_i8x16_narrow_i16x8(ab, cd), lo8), hi8);
  return wasm_u8x16_min(wasm_u8x16_max(wasm_u8x16_narrow_i16x8(ab, cd), lo8), hi8);
}

/* Which of the three requantizations a block takes. Kernels read it once per
 * block and pass it down as a constant, so each inlined copy keeps one route
 * and no per-vector branch. */
typedef enum { EI_RQ_UNIFORM, EI_RQ_LANES, EI_RQ_TWO_ROUNDINGS } ei_rq_mode;

/* ---- A block of up to eight channels ----
 * The constants a kernel's packed header keeps per block, and the choice of
 * requantization: uniform when the channels share one exponent, one rounding
 * per lane when they do not, else the two roundings of ei_requant_x4. */
#define EI_SIMD_BLOCK 8
typedef struct {
  int32_t multiplier[EI_SIMD_BLOCK], left[EI_SIMD_BLOCK], pow2[EI_SIMD_BLOCK];
  int32_t low[EI_SIMD_BLOCK], high[EI_SIMD_BLOCK];
  int64_t rounding[EI_SIMD_BLOCK];
  int32_t simd_ok;         /* every channel's exponent fits a SIMD requantization */
  int32_t uniform_shift;   /* n of ei_requant_uniform_x4, or 0 */
  int32_t single_rounding; /* ei_requant_lanes_x4 applies */
} ei_simd_scales;

/* Fills s for channels [first, first + count), count <= 8. bounded: every
 * accumulator of these channels stays below 2^30 in magnitude, as the
 * one-rounding sums need. */
static inline void ei_simd_pack_scales(const ei_requant *rq, int first, int count, bool bounded, ei_simd_scales *s) {
  memset(s, 0, sizeof *s);
  s->simd_ok = ei_simd_requant_ok(rq, first, count);
  s->uniform_shift = bounded ? ei_simd_uniform_shift(rq, first, count) : 0;
  s->single_rounding = bounded && ei_simd_lanes_ok(rq, first, count);
  if (!s->simd_ok) return;
  for (int j = 0; j < count; ++j)
    ei_simd_pack_scale(rq, first + j, s->single_rounding, &s->multiplier[j], &s->left[j], &s->pow2[j], &s->low[j],
                       &s->high[j], &s->rounding[j]);
}

/* The block's requantization, from the choices ei_simd_pack_scales made. */
static inline ei_rq_mode ei_simd_mode(const ei_simd_scales *s) {
  return s->uniform_shift ? EI_RQ_UNIFORM : s->single_rounding ? EI_RQ_LANES : EI_RQ_TWO_ROUNDINGS;
}

/* Doubles a block's packed weights (count int16 values) and its biases
 * (EI_SIMD_BLOCK int32 values) when its requantization reads doubled
 * accumulators (the one-rounding sums). Their bound keeps 2 * acc in int32;
 * partial sums may wrap, but the final int32 sum is exact modulo 2^32. */
static inline void ei_simd_double_block(const ei_simd_scales *s, int16_t *weights, size_t count, int32_t *bias) {
  if (ei_simd_mode(s) == EI_RQ_TWO_ROUNDINGS) return;
  for (size_t i = 0; i < count; ++i) weights[i] = (int16_t)(weights[i] * 2);
  for (int j = 0; j < EI_SIMD_BLOCK; ++j) bias[j] = (int32_t)((uint32_t)bias[j] * 2u);
}

/* Channels 4h .. 4h + 3 of x (doubled unless mode is EI_RQ_TWO_ROUNDINGS)
 * requantized, offset by the zero point and clamped only as far as their
 * narrowing needs (ei_pack*_clamp finish); mode is ei_simd_mode(s). */
static inline __attribute__((always_inline)) v128_t ei_requant_quarter(const ei_requant *rq, const ei_simd_scales *s,
                                                                       int h, v128_t x, ei_rq_mode mode) {
  const v128_t m = wasm_v128_load(s->multiplier + 4 * h);
  if (mode == EI_RQ_UNIFORM) return ei_requant_uniform_x4(x, m, wasm_v128_load(s->rounding), s->uniform_shift);
  const v128_t pow2 = wasm_v128_load(s->pow2 + 4 * h), low = wasm_v128_load(s->low + 4 * h);
  const v128_t high = wasm_v128_load(s->high + 4 * h);
  if (mode == EI_RQ_LANES)
    return ei_requant_lanes_x4(x, m, wasm_v128_load(s->rounding + 4 * h), wasm_v128_load(s->rounding + 4 * h + 2),
                               pow2, low, high);
  const v128_t left = wasm_v128_load(s->left + 4 * h);
  return wasm_i32x4_add(ei_requant_x4(x, m, left, pow2, low, high), wasm_i32x4_splat(rq->out_zero_point));
}

/* Two rows of eight channels (a0: row a's channels 0..3, a1: 4..7; b0, b1
 * row b's) requantized and packed: row a in bytes 0..7, row b in 8..15. */
static inline __attribute__((always_inline)) v128_t ei_requant8x2(const ei_requant *rq, const ei_simd_scales *s,
                                                                  v128_t a0, v128_t a1, v128_t b0, v128_t b1,
                                                                  bool is_signed, ei_rq_mode mode) {
  return ei_pack16_clamp(ei_requant_quarter(rq, s, 0, a0, mode), ei_requant_quarter(rq, s, 1, a1, mode),
                         ei_requant_quarter(rq, s, 0, b0, mode), ei_requant_quarter(rq, s, 1, b1, mode),
                         wasm_i8x16_splat((int8_t)rq->act_min), wasm_i8x16_splat((int8_t)rq->act_max), is_signed);
}

/* ei_requant8x2, then the first n (<= 8) channels of row a to out_a and,
 * unless out_b is NULL, of row b to out_b. */
static inline __attribute__((always_inline)) void ei_requant_store8x2(const ei_requant *rq, const ei_simd_scales *s,
                                                                      v128_t a0, v128_t a1, v128_t b0, v128_t b1,
                                                                      uint8_t *out_a, uint8_t *out_b, int n,
                                                                      bool is_signed, ei_rq_mode mode) {
  const v128_t bytes = ei_requant8x2(rq, s, a0, a1, b0, b1, is_signed, mode);
  if (n == EI_SIMD_BLOCK) {
    wasm_v128_store64_lane(out_a, bytes, 0);
    if (out_b) wasm_v128_store64_lane(out_b, bytes, 1);
  } else {
    uint8_t tmp[16];
    wasm_v128_store(tmp, bytes);
    memcpy(out_a, tmp, (size_t)n);
    if (out_b) memcpy(out_b, tmp + 8, (size_t)n);
  }
}

/* Two rows of four channels: row a in bytes 0..3, row b in 4..7. */
static inline __attribute__((always_inline)) v128_t ei_requant4x2(const ei_requant *rq, const ei_simd_scales *s,
                                                                  v128_t a, v128_t b, bool is_signed,
                                                                  ei_rq_mode mode) {
  return ei_pack8_clamp(ei_requant_quarter(rq, s, 0, a, mode), ei_requant_quarter(rq, s, 0, b, mode),
                        wasm_i8x16_splat((int8_t)rq->act_min), wasm_i8x16_splat((int8_t)rq->act_max), is_signed);
}

#endif
