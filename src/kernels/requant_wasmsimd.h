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
 * Only multipliers with exponents in [-21, 0] take this path (see
 * ei_simd_requant_ok); m is positive, so SRDHM never saturates.
 */
#ifndef EI_REQUANT_WASMSIMD_H
#define EI_REQUANT_WASMSIMD_H

#include <stdbool.h>
#include <stdint.h>
#include <wasm_simd128.h>

#include "kernels.h"

#define EI_SIMD_SHIFT 21

/* Per-channel constants, as the kernels' packed headers hold them: the
 * significand m, pow2 = 2^(21 - n) for a right shift by n, and
 * bound = 2^(n + 9), beyond which |y| saturates the output anyway. */
/* True when channels [first, first + count) all have exponents in [-21, 0]. */
static inline bool ei_simd_requant_ok(const ei_requant *rq, int first, int count) {
  for (int c = first; c < first + count; ++c)
    if (rq->shift[c] > 0 || rq->shift[c] < -EI_SIMD_SHIFT || rq->multiplier[c] < 0) return false;
  return true;
}

/* Writes channel c's constants into one lane of a packed header's arrays. */
static inline void ei_simd_pack_scale(const ei_requant *rq, int c, int32_t *multiplier, int32_t *pow2,
                                      int32_t *bound) {
  const int n = -rq->shift[c];
  *multiplier = rq->multiplier[c];
  *pow2 = (int32_t)1 << (EI_SIMD_SHIFT - n);
  *bound = (int32_t)1 << (n + 9);
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

static inline v128_t ei_requant_x4(v128_t acc, v128_t multiplier, v128_t pow2, v128_t bound) {
  const v128_t half31 = wasm_i64x2_const_splat(1ll << 30);
  const v128_t lo = wasm_u64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(acc, ei_opaque(multiplier)), half31), 31);
  const v128_t hi = wasm_u64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(acc, ei_opaque(multiplier)), half31), 31);
  v128_t y = wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
  y = wasm_i32x4_min(wasm_i32x4_max(y, wasm_i32x4_neg(bound)), bound);
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
 * give 0.) The 64-bit shift by 31 leaves y + 2^(n-1) + zp*2^n, which the bound
 * keeps within int32; s is subtracted there and one arithmetic shift by n,
 * the same for every lane, finishes: no clamp, no multiply, no zero point add.
 */
static inline int64_t ei_simd_uniform_rounding(int n, int32_t zero_point) {
  return ((int64_t)1 << 30) + (((int64_t)1 << (n - 1)) + (int64_t)zero_point * ((int64_t)1 << n)) * ((int64_t)1 << 31);
}

/* The n shared by channels [first, first + count), or 0 when they differ, n
 * is outside [1, 21] or the zero point outside [-256, 256] (the margins above
 * assume an 8-bit one): then the per-lane ei_requant_x4 runs. */
static inline int ei_simd_uniform_shift(const ei_requant *rq, int first, int count) {
  const int n = -rq->shift[first];
  if (rq->out_zero_point < -256 || rq->out_zero_point > 256) return 0;
  for (int c = first; c < first + count; ++c)
    if (rq->shift[c] != -n || rq->multiplier[c] < 0) return 0;
  return n >= 1 && n <= EI_SIMD_SHIFT ? n : 0;
}

/* The largest |x - x_zp| of an 8-bit input, times which each |w'| bounds a product. */
static inline int32_t ei_max_input_magnitude(int32_t in_offset, bool is_signed) {
  const int32_t a = (is_signed ? -128 : 0) + in_offset, b = (is_signed ? 127 : 255) + in_offset;
  return a < 0 ? (-a > b ? -a : b) : b;
}

/* Requantized lanes plus the zero point (not yet clamped); rounding is
 * ei_simd_uniform_rounding(n, zp) in both 64-bit lanes. */
static inline v128_t ei_requant_uniform_x4(v128_t acc, v128_t multiplier, v128_t rounding, int n) {
  const v128_t lo = wasm_u64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(acc, ei_opaque(multiplier)), rounding), 31);
  const v128_t hi = wasm_u64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(acc, ei_opaque(multiplier)), rounding), 31);
  const v128_t v = wasm_i32x4_add(wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6), wasm_i32x4_shr(acc, 31));
  return wasm_i32x4_shr(v, n);
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

/* Eight requantized, offset and clamped lanes packed into 8-bit values
 * (bytes 0..7 of the result; bytes 8..15 repeat them). */
static inline v128_t ei_requant_pack8(v128_t r_lo, v128_t r_hi, v128_t zero_point, v128_t lo,
                                      v128_t hi, bool is_signed) {
  r_lo = wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_add(r_lo, zero_point), lo), hi);
  r_hi = wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_add(r_hi, zero_point), lo), hi);
  v128_t h = wasm_i16x8_narrow_i32x4(r_lo, r_hi);
  return is_signed ? wasm_i8x16_narrow_i16x8(h, h) : wasm_u8x16_narrow_i16x8(h, h);
}

#endif
