/* add_q8_wasmsimd.c — element-wise ADD with SIMD128, bit-exact with
 * ei_add_q8_one(): eight elements per step, in 32-bit lanes. All lanes share
 * the multipliers and shifts, so the reference's rounding right shift maps
 * directly onto SIMD: (x >> n) + ((x & mask) > (mask >> 1) + (x < 0)); the
 * output's two roundings fold into one where requant_wasmsimd.h allows. */
#ifdef __wasm_simd128__
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"
#include "requant_wasmsimd.h"

/* x / 2^n rounded half away from zero. */
static inline v128_t rounding_shift_x4(v128_t x, int n) {
  const v128_t mask = wasm_i32x4_splat((int32_t)((1ll << n) - 1));
  const v128_t threshold = wasm_i32x4_sub(wasm_i32x4_shr(mask, 1), wasm_i32x4_shr(x, 31));
  const v128_t round_up = wasm_i32x4_gt(wasm_v128_and(x, mask), threshold); /* -1 or 0 */
  return wasm_i32x4_sub(ei_i32x4_shr_n(x, n), round_up);
}

/* An input's scaling, rounding_shift(SRDHM(x * 2^20, m), n), for |x| <= 255,
 * in 32-bit lanes: dividing through by 2^20, SRDHM(x * 2^20, m) =
 * floor((x*m + 2^10) / 2^11), and with m = mh * 2^16 + ml that is
 * x*mh*2^5 + floor((x*ml + 2^10) / 2^11), every term below 2^29. */
static inline v128_t scale_x4(v128_t x, v128_t mh, v128_t ml, int n) {
  const v128_t low = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(x, ml), wasm_i32x4_const_splat(1 << 10)), 11);
  return rounding_shift_x4(wasm_i32x4_add(wasm_i32x4_shl(wasm_i32x4_mul(x, mh), 5), low), n);
}

/* True for the rescaling of the input with the larger scale, by exactly 1/2
 * (multiplier 2^30, exponent 0): SRDHM(x * 2^20, 2^30) = x * 2^19 with
 * nothing to round, and the rounding shift by 0 leaves it. One shift
 * replaces scale_x4's fifteen instructions. */
static inline bool exact_half(int32_t mult, int shift) { return mult == (1 << 30) && shift == 0; }

/* The output's scaling of sums s (|s| < 2^28: two scaled inputs of 28 bits
 * at most), plus the zero point: in one rounding (requant_wasmsimd.h, on
 * 4 * s) when the exponent allows (EI_RQ_SCALED), without its sign step when
 * the activation clamps at or above the zero point, else as the reference's
 * two roundings. */
static inline __attribute__((always_inline)) v128_t finish_x4(v128_t s, v128_t mo, v128_t rounding, v128_t zp,
                                                              int shift_out, ei_rq_mode mode) {
  if (mode == EI_RQ_SCALED) return ei_requant_uniform_x4(wasm_i32x4_shl(s, 2), mo, rounding, -shift_out);
  if (mode == EI_RQ_RECTIFIED) return ei_requant_rectified_x4(wasm_i32x4_shl(s, 2), mo, rounding, 1 - shift_out);
  return wasm_i32x4_add(rounding_shift_x4(ei_srdhm_x4(s, mo), -shift_out), zp);
}

/* The last n elements with the reference arithmetic: one function for every
 * copy of add_simd (inlined, clang would unroll it into each). */
static __attribute__((noinline)) void add_tail(const ei_add_params *p, const uint8_t *a, const uint8_t *b,
                                               uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = ei_add_q8_one(p, ei_load_q8(a + i, p->is_signed), ei_load_q8(b + i, p->is_signed));
}

/* first_half: input 1's rescaling is exact_half. */
static inline __attribute__((always_inline)) void add_simd(const ei_add_params *p, const uint8_t *a,
                                                           const uint8_t *b, uint8_t *out, size_t n,
                                                           bool is_signed, ei_rq_mode mode, bool first_half) {
  const v128_t off1 = wasm_i16x8_splat((int16_t)p->offset1), off2 = wasm_i16x8_splat((int16_t)p->offset2);
  _Static_assert(EI_ADD_LEFT_SHIFT == 20, "scale_x4 assumes inputs shifted left by 20 bits");
  const v128_t m1h = wasm_i32x4_splat(p->mult1 >> 16), m1l = wasm_i32x4_splat(p->mult1 & 0xFFFF);
  const v128_t m2h = wasm_i32x4_splat(p->mult2 >> 16), m2l = wasm_i32x4_splat(p->mult2 & 0xFFFF);
  const v128_t mo = wasm_i32x4_splat(p->mult_out), zp = wasm_i32x4_splat(p->out_zero_point);
  const v128_t rounding = mode == EI_RQ_TWO_ROUNDINGS
                              ? zp
                              : wasm_i32x4_splat(ei_simd_one_rounding(1 - p->shift_out, 1, p->out_zero_point));
  const v128_t lo8 = wasm_i8x16_splat((int8_t)p->act_min), hi8 = wasm_i8x16_splat((int8_t)p->act_max);
  /* Locals: a byte stored may alias the params. */
  const int shift1 = p->shift1, shift2 = p->shift2, shift_out = p->shift_out;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    /* x + offset fits int16: |x - zp| <= 255. */
    v128_t x1 = wasm_i16x8_add(is_signed ? wasm_i16x8_load8x8(a + i) : wasm_u16x8_load8x8(a + i), off1);
    v128_t x2 = wasm_i16x8_add(is_signed ? wasm_i16x8_load8x8(b + i) : wasm_u16x8_load8x8(b + i), off2);
    const v128_t x1_lo = wasm_i32x4_extend_low_i16x8(x1), x1_hi = wasm_i32x4_extend_high_i16x8(x1);
    const v128_t s_lo = wasm_i32x4_add(first_half ? wasm_i32x4_shl(x1_lo, 19) : scale_x4(x1_lo, m1h, m1l, -shift1),
                                       scale_x4(wasm_i32x4_extend_low_i16x8(x2), m2h, m2l, -shift2));
    const v128_t s_hi = wasm_i32x4_add(first_half ? wasm_i32x4_shl(x1_hi, 19) : scale_x4(x1_hi, m1h, m1l, -shift1),
                                       scale_x4(wasm_i32x4_extend_high_i16x8(x2), m2h, m2l, -shift2));
    const v128_t bytes = ei_pack8_clamp(finish_x4(s_lo, mo, rounding, zp, shift_out, mode),
                                        finish_x4(s_hi, mo, rounding, zp, shift_out, mode), lo8, hi8, is_signed);
    wasm_v128_store64_lane(out + i, bytes, 0);
  }
  add_tail(p, a + i, b + i, out + i, n - i);
}

/* p with its inputs swapped: the sum of rescaled inputs is the same. */
static ei_add_params swapped(const ei_add_params *p) {
  ei_add_params q = *p;
  q.offset1 = p->offset2, q.mult1 = p->mult2, q.shift1 = p->shift2;
  q.offset2 = p->offset1, q.mult2 = p->mult1, q.shift2 = p->shift1;
  return q;
}

void ei_add_q8(const ei_add_params *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) {
  /* The input rescaled by exactly 1/2 (ADD's prepare always has one) goes first. */
  const bool swap = exact_half(p->mult2, p->shift2) && !exact_half(p->mult1, p->shift1);
  const ei_add_params q = swap ? swapped(p) : *p;
  if (swap) {
    const uint8_t *t = a;
    a = b, b = t;
  }
  const bool half = exact_half(q.mult1, q.shift1);
  const ei_rq_mode mode = !ei_simd_one_rounding_ok(q.mult_out, q.shift_out, q.out_zero_point) ? EI_RQ_TWO_ROUNDINGS
                          : q.act_min >= q.out_zero_point ? EI_RQ_RECTIFIED
                                                          : EI_RQ_SCALED;
#define ADD(is_signed, m) \
  (half ? add_simd(&q, a, b, out, n, is_signed, m, true) : add_simd(&q, a, b, out, n, is_signed, m, false))
  if (q.is_signed && mode == EI_RQ_SCALED)
    ADD(true, EI_RQ_SCALED);
  else if (q.is_signed && mode == EI_RQ_RECTIFIED)
    ADD(true, EI_RQ_RECTIFIED);
  else if (q.is_signed)
    ADD(true, EI_RQ_TWO_ROUNDINGS);
  else if (mode == EI_RQ_SCALED)
    ADD(false, EI_RQ_SCALED);
  else if (mode == EI_RQ_RECTIFIED)
    ADD(false, EI_RQ_RECTIFIED);
  else
    ADD(false, EI_RQ_TWO_ROUNDINGS);
#undef ADD
}
#endif
