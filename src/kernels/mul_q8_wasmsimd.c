/* mul_q8_wasmsimd.c — element-wise MUL with SIMD128, bit-exact with
 * ei_mul_q8_one(): eight elements per step. The offset inputs fit int16
 * (|x - zp| <= 255), their product int32 (|product| <= 65025 < 2^30), so the
 * one-rounding requantization of requant_wasmsimd.h applies whenever the
 * exponent lies in [-20, -1] and the zero point in [-256, 256]; other scales
 * run the scalar element. */
#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels.h"
#include "requant_wasmsimd.h"

static inline __attribute__((always_inline)) void mul_simd(const ei_mul_params *p, const uint8_t *a,
                                                           const uint8_t *b, uint8_t *out, size_t n,
                                                           bool is_signed) {
  const int shift = -p->shift;
  const v128_t off1 = wasm_i16x8_splat((int16_t)p->offset1), off2 = wasm_i16x8_splat((int16_t)p->offset2);
  const v128_t m = wasm_i32x4_splat(p->multiplier);
  const v128_t rounding = wasm_i32x4_splat(ei_simd_one_rounding(shift + 1, 1, p->out_zero_point));
  const v128_t lo8 = wasm_i8x16_splat((int8_t)p->act_min), hi8 = wasm_i8x16_splat((int8_t)p->act_max);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    /* x1 times 4: the one-rounding requantization reads the product times 4
     * (|4 * (x1 + offset1)| <= 1020 fits int16). */
    const v128_t x1 = wasm_i16x8_shl(
        wasm_i16x8_add(is_signed ? wasm_i16x8_load8x8(a + i) : wasm_u16x8_load8x8(a + i), off1), 2);
    const v128_t x2 = wasm_i16x8_add(is_signed ? wasm_i16x8_load8x8(b + i) : wasm_u16x8_load8x8(b + i), off2);
    const v128_t lo = ei_requant_uniform_x4(wasm_i32x4_extmul_low_i16x8(x1, x2), m, rounding, shift);
    const v128_t hi = ei_requant_uniform_x4(wasm_i32x4_extmul_high_i16x8(x1, x2), m, rounding, shift);
    wasm_v128_store64_lane(out + i, ei_pack8_clamp(lo, hi, lo8, hi8, is_signed), 0);
  }
  for (; i < n; ++i) out[i] = ei_mul_q8_one(p, ei_load_q8(a + i, is_signed), ei_load_q8(b + i, is_signed));
}

void ei_mul_q8(const ei_mul_params *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) {
  if (!ei_simd_one_rounding_ok(p->multiplier, p->shift, p->out_zero_point)) {
    for (size_t i = 0; i < n; ++i)
      out[i] = ei_mul_q8_one(p, ei_load_q8(a + i, p->is_signed), ei_load_q8(b + i, p->is_signed));
  } else if (p->is_signed) {
    mul_simd(p, a, b, out, n, true);
  } else {
    mul_simd(p, a, b, out, n, false);
  }
}
#endif
