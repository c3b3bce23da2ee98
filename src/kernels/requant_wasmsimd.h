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
#include <stdlib.h>
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

/* v >> n in every lane. n goes through an empty asm statement at the shift:
 * clang hoists the splat of a loop-invariant amount out of the loop, and the
 * wasm backend, which selects each basic block alone, then no longer sees a
 * splat and shifts lane by lane (4 extracts, 4 shifts, 4 inserts). */
static inline v128_t ei_i32x4_shr_n(v128_t v, int n) {
  __asm__ volatile("" : "+r"(n));
  return wasm_i32x4_shr(v, (uint32_t)n);
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

/* ---- One rounding for a block of channels ----
 * When a channel's exponent is -n, 1 <= n <= 20, and its accumulators stay
 * small (below), the two roundings and the output zero point fold into one sum:
 *   r + zp = floor((acc*m + 2^30 + (2^(n-1) + zp*2^n - s) * 2^31) / 2^(31+n)),
 * s = 1 when acc < 0. (y = floor((acc*m + 2^30) / 2^31) as above, and the
 * rounding shift is floor((y + 2^(n-1) - [y < 0]) / 2^n); nested floors of
 * divisions collapse. y < 0 implies acc < 0, and when acc < 0 but y = 0 both
 * give 0.)
 * The channels of a block share one shift N, larger than every n among
 * them: for a channel with n = N - d (so d >= 1), scaling numerator and
 * denominator by 2^(d+1) gives
 *   r + zp = floor((acc' * m + R * 2^32) / 2^(32+N)),
 *   acc' = acc * 2^(d+1),  R = 2^(d-1) + 2^(N-1) + zp*2^N - s*2^d,
 * and kernels hold acc' directly: they pack the channel's weights and bias
 * times 2^(d+1), which needs |acc| * 2^(d+1) < 2^31 and |w'| * 2^(d+1) < 2^15
 * (ei_simd_pack_scales checks both). R being whole in units of 2^32 (d >= 1
 * makes it so), r + zp = floor((floor(acc' * m / 2^32) + R) / 2^N): the high
 * halves of the 64-bit products, gathered by one shuffle, plus R in int32
 * lanes (|acc' * m| < 2^62, and R < 2^21 + 2^29 for zp up to 256), then one
 * arithmetic shift by N, the same for every lane: no 64-bit add, no clamp,
 * no multiply, no zero point add. s * 2^d is the sign mask of acc' ANDed
 * with -2^d.
 */
static inline int32_t ei_simd_one_rounding(int shift, int d, int32_t zero_point) {
  return ((int32_t)1 << (d - 1)) + ((int32_t)1 << (shift - 1)) + zero_point * ((int32_t)1 << shift);
}

/* floor(acc2 * m / 2^32) per lane: the high halves of the 64-bit products. */
static inline v128_t ei_mul_high32_x4(v128_t acc2, v128_t m) {
  const v128_t lo = wasm_i64x2_extmul_low_i32x4(acc2, ei_opaque(m));
  const v128_t hi = wasm_i64x2_extmul_high_i32x4(acc2, ei_opaque(m));
  return wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7);
}

/* True when one channel's scale takes the one-rounding sum: exponent in
 * [-20, -1] (N is one more), a positive significand, and the zero point in [-256, 256] (the
 * margins above assume an 8-bit one). Its accumulators must also stay small,
 * which the caller knows. */
static inline bool ei_simd_one_rounding_ok(int32_t multiplier, int exponent, int32_t zero_point) {
  return exponent <= -1 && exponent >= 1 - EI_SIMD_SHIFT && multiplier >= 0 && zero_point >= -256 && zero_point <= 256;
}

/* The largest |x - x_zp| of an 8-bit input, times which each |w'| bounds a product. */
static inline int32_t ei_max_input_magnitude(int32_t in_offset, bool is_signed) {
  const int32_t a = (is_signed ? -128 : 0) + in_offset, b = (is_signed ? 127 : 255) + in_offset;
  return a < 0 ? (-a > b ? -a : b) : b;
}

/* What a packer gathers over one channel's weights w' (ei_weight_stats_add
 * for each), for the channel's folded bias and its bounds. */
typedef struct {
  int32_t sum, max; /* sum w', max |w'| */
  int64_t abs_sum;  /* sum |w'| */
} ei_weight_stats;

static inline void ei_weight_stats_add(ei_weight_stats *s, int16_t w) {
  s->sum += w;
  s->abs_sum += abs(w);
  if (abs(w) > s->max) s->max = abs(w);
}

/* Channel c's bias with the input zero point folded in, bias - x_zp sum w'
 * (in_offset = -x_zp; wraps modulo 2^32 like the reference's int32 sums). */
static inline int32_t ei_fold_bias(const ei_requant *rq, int c, int32_t in_offset, const ei_weight_stats *s) {
  return (int32_t)((uint32_t)rq->bias[c] + (uint32_t)in_offset * (uint32_t)s->sum);
}

/* The bound of channel c's |bias + sum (x - x_zp) w'|, max_x being
 * ei_max_input_magnitude. */
static inline int64_t ei_acc_bound(const ei_requant *rq, int c, int64_t max_x, const ei_weight_stats *s) {
  return llabs(rq->bias[c]) + s->abs_sum * max_x;
}

/* The sum that, shifted right by N, gives the requantized lanes plus the
 * zero point (not yet clamped) of accumulators whose exponents -(N - d) may
 * differ by lane: acc2 holds each lane's acc * 2^(d+1), rounding each lane's
 * ei_simd_one_rounding(N, d, zp), and sign_step each lane's -2^d. */
static inline v128_t ei_scaled_sum_x4(v128_t acc2, v128_t multiplier, v128_t rounding, v128_t sign_step) {
  const v128_t sign = wasm_v128_and(wasm_i32x4_shr(acc2, 31), sign_step);
  return wasm_i32x4_add(wasm_i32x4_add(ei_mul_high32_x4(acc2, multiplier), rounding), sign);
}

/* ... shifted right by n: the requantized lanes plus the zero point. */
static inline v128_t ei_requant_scaled_x4(v128_t acc2, v128_t multiplier, v128_t rounding, v128_t sign_step, int n) {
  return ei_i32x4_shr_n(ei_scaled_sum_x4(acc2, multiplier, rounding, sign_step), n);
}

/* The same for one exponent -n in every lane (per-tensor scales): acc4 =
 * 4 * acc, rounding ei_simd_one_rounding(n + 1, 1, zp) in every lane, and
 * the shift n + 1. */
static inline v128_t ei_requant_uniform_x4(v128_t acc4, v128_t multiplier, v128_t rounding, int n) {
  return ei_requant_scaled_x4(acc4, multiplier, rounding, wasm_i32x4_const_splat(-2), n + 1);
}

/* The same without the sign step, for blocks whose activation clamps below
 * at or above the zero point (ReLU, ReLU6). For acc >= 0 the sign step is 0
 * anyway. For acc < 0 the reference's r is at most 0, so r + zp clamps to
 * the bound; here acc2 * m <= 0 leaves at most 2^(d-1) + 2^(N-1) above
 * zp * 2^N, less than 2^N since d < N, so the result is at most zp and
 * clamps to the same bound. */
static inline v128_t ei_rectified_sum_x4(v128_t acc2, v128_t multiplier, v128_t rounding) {
  return wasm_i32x4_add(ei_mul_high32_x4(acc2, multiplier), rounding);
}

static inline v128_t ei_requant_rectified_x4(v128_t acc2, v128_t multiplier, v128_t rounding, int n) {
  return ei_i32x4_shr_n(ei_rectified_sum_x4(acc2, multiplier, rounding), n);
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

/* Which requantization a block takes. Kernels read it once per block and
 * pass it down as a constant, so each inlined copy keeps one route and no
 * per-vector branch. The _FIXED routes are the one-rounding sums with
 * N = EI_SIMD_FIXED_SHIFT, which the block's channels can take when their
 * weights and accumulators have room for the larger 2^(d+1): the shift is
 * then an immediate. A shift by a count in a register costs V8 three more
 * instructions at every use (mov, and 31, movq to a vector register), and
 * a 4x8 tile shifts eight vectors. 10 is the N that the most blocks of the
 * MobileNetV2s can take (83% and 84% of their convolution blocks, weighted
 * by pixels); the other blocks keep their own N.
 * EI_RQ_PER_LANE serves blocks whose exponents lie too far apart for one N
 * (a near-dead channel beside live ones, as in a stem): every channel takes
 * d = 1, so acc and w' are only scaled by 4, and its own N_c = n_c + 1. The
 * sum is clamped to the activation range times 2^N_c, multiplied by
 * 2^(21 - N_c) (below 2^29 after the clamp) and shifted by 21: the floor of
 * the sum over 2^N_c, lane by lane, for fifteen instructions per four lanes
 * where the two roundings take twenty. */
typedef enum {
  EI_RQ_SCALED,
  EI_RQ_RECTIFIED,
  EI_RQ_TWO_ROUNDINGS,
  EI_RQ_SCALED_FIXED,
  EI_RQ_RECTIFIED_FIXED,
  EI_RQ_PER_LANE
} ei_rq_mode;
#define EI_SIMD_FIXED_SHIFT 10

/* Runs STEP(m) with m the constant equal to mode, one copy per route. */
#define EI_RQ_DISPATCH(mode, STEP)                                  \
  do {                                                              \
    switch (mode) {                                                 \
    case EI_RQ_SCALED: STEP(EI_RQ_SCALED); break;                   \
    case EI_RQ_RECTIFIED: STEP(EI_RQ_RECTIFIED); break;             \
    case EI_RQ_SCALED_FIXED: STEP(EI_RQ_SCALED_FIXED); break;       \
    case EI_RQ_RECTIFIED_FIXED: STEP(EI_RQ_RECTIFIED_FIXED); break; \
    case EI_RQ_PER_LANE: STEP(EI_RQ_PER_LANE); break;               \
    default: STEP(EI_RQ_TWO_ROUNDINGS); break;                      \
    }                                                               \
  } while (0)

/* ---- A block of up to eight channels ----
 * The constants a kernel's packed header keeps per block: those of the
 * one-rounding sums, shared or per lane, or, when some channel's
 * accumulators or weights are too large for those, those of the two
 * roundings of ei_requant_x4. */
#define EI_SIMD_BLOCK 8
typedef struct {
  int32_t multiplier[EI_SIMD_BLOCK];
  int32_t rounding[EI_SIMD_BLOCK];  /* one rounding: ei_simd_one_rounding(shift, d, zp) */
  int32_t sign_step[EI_SIMD_BLOCK]; /* one rounding: -2^d */
  /* two roundings; per lane: pow2 2^(21 - N_c), low and high the activation bounds times 2^N_c */
  int32_t left[EI_SIMD_BLOCK], pow2[EI_SIMD_BLOCK], low[EI_SIMD_BLOCK], high[EI_SIMD_BLOCK];
  int32_t shift;   /* one rounding: N, one more than the largest -exponent of the block, or EI_SIMD_FIXED_SHIFT */
  int32_t simd_ok; /* every channel's exponent fits a SIMD requantization */
  int32_t mode;    /* an ei_rq_mode */
} ei_simd_scales;

/* True when the one-rounding sums can take shift N for channels
 * [first, first + count), every exponent being at least 1 - N: each
 * channel's |acc| and |w'| still fit int32 and int16 once scaled by 2^(d+1),
 * d = N - n. */
static inline bool ei_simd_shift_fits(const ei_requant *rq, int first, int count, const int64_t *acc_bound,
                                      const int32_t *weight_max, int shift) {
  for (int j = 0; j < count; ++j) {
    const int d = shift + rq->shift[first + j];
    if (weight_max[j] != 0 && ((acc_bound[j] << (d + 1)) >= ((int64_t)1 << 31) ||
                               ((int64_t)weight_max[j] << (d + 1)) >= (1 << 15)))
      return false;
  }
  return true;
}

/* Fills s for channels [first, first + count), count <= 8, and sets
 * weight_factor[j], what the kernel multiplies channel first + j's packed
 * weights and bias by (ei_simd_scale_block): 2^(d+1) for the one-rounding
 * sums, else 1. acc_bound[j] bounds the channel's |acc| (bias included),
 * weight_max[j] its |w'|. Without scaled_weights (the kernel cannot scale
 * them) the block takes the two roundings.
 * A channel whose weights are all zero (a pruned or dead channel, to which
 * converters give tiny scales) outputs one value, requant(bias). In the
 * one-rounding sums its lane takes multiplier 0, no sign step and that value
 * times 2^N as its rounding, so its exponent neither sets N nor needs the
 * SIMD range. */
static inline void ei_simd_pack_scales(const ei_requant *rq, int first, int count, const int64_t *acc_bound,
                                       const int32_t *weight_max, bool scaled_weights, ei_simd_scales *s,
                                       int32_t weight_factor[EI_SIMD_BLOCK]) {
  memset(s, 0, sizeof *s);
  for (int j = 0; j < EI_SIMD_BLOCK; ++j) weight_factor[j] = 1;
  /* the one-rounding sums, shared or per lane, scale the weights and assume an 8-bit zero point */
  const bool sums_ok = scaled_weights && rq->out_zero_point >= -256 && rq->out_zero_point <= 256;
  bool one_rounding = sums_ok;
  int shift = 2; /* N: one more than the largest n among channels with weights */
  for (int c = first; c < first + count; ++c) {
    if (weight_max[c - first] == 0) continue;
    one_rounding = one_rounding && ei_simd_one_rounding_ok(rq->multiplier[c], rq->shift[c], rq->out_zero_point);
    if (1 - rq->shift[c] > shift) shift = 1 - rq->shift[c];
  }
  one_rounding = one_rounding && ei_simd_shift_fits(rq, first, count, acc_bound, weight_max, shift);
  const bool fixed = one_rounding && shift <= EI_SIMD_FIXED_SHIFT &&
                     ei_simd_shift_fits(rq, first, count, acc_bound, weight_max, EI_SIMD_FIXED_SHIFT);
  if (fixed) shift = EI_SIMD_FIXED_SHIFT;
  bool per_lane = !one_rounding && sums_ok;
  for (int j = 0; j < count && per_lane; ++j)
    per_lane = weight_max[j] == 0 ||
               (ei_simd_one_rounding_ok(rq->multiplier[first + j], rq->shift[first + j], rq->out_zero_point) &&
                ei_simd_shift_fits(rq, first + j, 1, acc_bound + j, weight_max + j, 1 - rq->shift[first + j]));
  s->simd_ok = one_rounding || per_lane || ei_simd_requant_ok(rq, first, count);
  if (!s->simd_ok) return;
  const bool rectified = rq->act_min >= rq->out_zero_point;
  if (per_lane)
    s->mode = EI_RQ_PER_LANE;
  else if (!one_rounding)
    s->mode = EI_RQ_TWO_ROUNDINGS;
  else if (fixed)
    s->mode = rectified ? EI_RQ_RECTIFIED_FIXED : EI_RQ_SCALED_FIXED;
  else
    s->mode = rectified ? EI_RQ_RECTIFIED : EI_RQ_SCALED;
  s->shift = shift;
  for (int j = 0; j < count; ++j) {
    const int c = first + j;
    s->multiplier[j] = rq->multiplier[c];
    if (per_lane) {
      /* N_c = n_c + 1 (d = 1); a dead channel takes N_c = 1 */
      const int lane_shift = weight_max[j] == 0 ? 1 : 1 - rq->shift[c];
      if (weight_max[j] == 0) {
        s->multiplier[j] = 0;
        s->rounding[j] = ei_requant_channel_value(rq, c, 0) * ((int32_t)1 << lane_shift);
      } else {
        s->rounding[j] = ei_simd_one_rounding(lane_shift, 1, rq->out_zero_point);
        s->sign_step[j] = -2;
        weight_factor[j] = 4;
      }
      s->pow2[j] = (int32_t)1 << (EI_SIMD_SHIFT - lane_shift);
      s->low[j] = rq->act_min * ((int32_t)1 << lane_shift);
      s->high[j] = (rq->act_max + 1) * ((int32_t)1 << lane_shift) - 1;
    } else if (one_rounding && weight_max[j] == 0) {
      s->multiplier[j] = 0;
      s->rounding[j] = ei_requant_channel_value(rq, c, 0) * ((int32_t)1 << shift);
    } else if (one_rounding) {
      const int d = shift + rq->shift[c];
      s->rounding[j] = ei_simd_one_rounding(shift, d, rq->out_zero_point);
      s->sign_step[j] = -((int32_t)1 << d);
      weight_factor[j] = (int32_t)1 << (d + 1);
    } else {
      const int n = rq->shift[c] > 0 ? 0 : -rq->shift[c];
      s->left[j] = rq->shift[c] > 0 ? (int32_t)1 << rq->shift[c] : 1;
      s->pow2[j] = (int32_t)1 << (EI_SIMD_SHIFT - n);
      s->high[j] = (int32_t)1 << (n + 9);
      s->low[j] = -s->high[j];
    }
  }
}

/* The block's requantization, as ei_simd_pack_scales chose it. */
static inline ei_rq_mode ei_simd_mode(const ei_simd_scales *s) { return (ei_rq_mode)s->mode; }

/* Multiplies a block's packed weights (count int16 values laid out
 * [..][channels][group], `group` adjacent values per channel) and its
 * `channels` biases by their channel's weight_factor. The bounds
 * ei_simd_pack_scales checked keep the weights within int16 and the final
 * sums within int32; partial sums may wrap, but the final sum is exact
 * modulo 2^32. */
static inline void ei_simd_scale_block(const int32_t weight_factor[EI_SIMD_BLOCK], int16_t *weights, size_t count,
                                       int group, int channels, int32_t *bias) {
  for (size_t i = 0; i < count; ++i) weights[i] = (int16_t)(weights[i] * weight_factor[i / group % channels]);
  for (int j = 0; j < channels; ++j) bias[j] = (int32_t)((uint32_t)bias[j] * (uint32_t)weight_factor[j]);
}

/* What every block of a call shares: the output zero point (which the two
 * roundings add) and the activation bounds as bytes. Kernels build it once
 * per call, outside their loops: read from the params inside them, the
 * bounds would be reloaded and broadcast again for every block, since a
 * uint8_t output store may alias the params. */
typedef struct {
  v128_t zero_point, lo8, hi8;
} ei_requant_out;

static inline ei_requant_out ei_requant_out_of(const ei_requant *rq) {
  return (ei_requant_out){wasm_i32x4_splat(rq->out_zero_point), wasm_i8x16_splat((int8_t)rq->act_min),
                          wasm_i8x16_splat((int8_t)rq->act_max)};
}

/* Channels 4h .. 4h + 3 of x (times their weight_factor)
 * requantized, offset by the zero point and clamped only as far as their
 * narrowing needs (ei_pack*_clamp finish); mode is ei_simd_mode(s). */
static inline __attribute__((always_inline)) v128_t ei_requant_quarter(ei_requant_out o, const ei_simd_scales *s,
                                                                       int h, v128_t x, ei_rq_mode mode) {
  const v128_t m = wasm_v128_load(s->multiplier + 4 * h);
  if (mode == EI_RQ_PER_LANE) {
    const v128_t sum = ei_scaled_sum_x4(x, m, wasm_v128_load(s->rounding + 4 * h), wasm_v128_load(s->sign_step + 4 * h));
    const v128_t clamped = wasm_i32x4_min(wasm_i32x4_max(sum, wasm_v128_load(s->low + 4 * h)),
                                          wasm_v128_load(s->high + 4 * h));
    return wasm_i32x4_shr(wasm_i32x4_mul(clamped, wasm_v128_load(s->pow2 + 4 * h)), EI_SIMD_SHIFT);
  }
  if (mode != EI_RQ_TWO_ROUNDINGS) {
    const v128_t rounding = wasm_v128_load(s->rounding + 4 * h);
    const bool scaled = mode == EI_RQ_SCALED || mode == EI_RQ_SCALED_FIXED;
    const v128_t sum = scaled ? ei_scaled_sum_x4(x, m, rounding, wasm_v128_load(s->sign_step + 4 * h))
                              : ei_rectified_sum_x4(x, m, rounding);
    if (mode == EI_RQ_SCALED_FIXED || mode == EI_RQ_RECTIFIED_FIXED) return wasm_i32x4_shr(sum, EI_SIMD_FIXED_SHIFT);
    return ei_i32x4_shr_n(sum, s->shift);
  }
  const v128_t pow2 = wasm_v128_load(s->pow2 + 4 * h), low = wasm_v128_load(s->low + 4 * h);
  const v128_t high = wasm_v128_load(s->high + 4 * h), left = wasm_v128_load(s->left + 4 * h);
  return wasm_i32x4_add(ei_requant_x4(x, m, left, pow2, low, high), o.zero_point);
}

/* Two rows of eight channels (a0: row a's channels 0..3, a1: 4..7; b0, b1
 * row b's) requantized and packed: row a in bytes 0..7, row b in 8..15. */
static inline __attribute__((always_inline)) v128_t ei_requant8x2(ei_requant_out o, const ei_simd_scales *s,
                                                                  v128_t a0, v128_t a1, v128_t b0, v128_t b1,
                                                                  bool is_signed, ei_rq_mode mode) {
  return ei_pack16_clamp(ei_requant_quarter(o, s, 0, a0, mode), ei_requant_quarter(o, s, 1, a1, mode),
                         ei_requant_quarter(o, s, 0, b0, mode), ei_requant_quarter(o, s, 1, b1, mode), o.lo8, o.hi8,
                         is_signed);
}

/* ei_requant8x2, then the first n (<= 8) channels of row a to out_a and,
 * unless out_b is NULL, of row b to out_b. */
static inline __attribute__((always_inline)) void ei_requant_store8x2(ei_requant_out o, const ei_simd_scales *s,
                                                                      v128_t a0, v128_t a1, v128_t b0, v128_t b1,
                                                                      uint8_t *out_a, uint8_t *out_b, int n,
                                                                      bool is_signed, ei_rq_mode mode) {
  const v128_t bytes = ei_requant8x2(o, s, a0, a1, b0, b1, is_signed, mode);
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
static inline __attribute__((always_inline)) v128_t ei_requant4x2(ei_requant_out o, const ei_simd_scales *s,
                                                                  v128_t a, v128_t b, bool is_signed,
                                                                  ei_rq_mode mode) {
  return ei_pack8_clamp(ei_requant_quarter(o, s, 0, a, mode), ei_requant_quarter(o, s, 0, b, mode), o.lo8, o.hi8,
                        is_signed);
}

#endif
