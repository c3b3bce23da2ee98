/* eltwise_f32_wasmsimd.c — eltwise_f32.c with SIMD128, four floats a step;
 * the same operations per element, so the same bits. */
#ifdef __wasm_simd128__
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"

/* pmax(v, lo) is std::max(v, lo) and pmin(v, hi) std::min(v, hi): a NaN passes. */
static inline v128_t clamp4(v128_t v, v128_t lo, v128_t hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi); }

void ei_add_f32(const float *a, const float *b, float *out, size_t n, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(out + i, clamp4(wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)), vlo, vhi));
  for (; i < n; ++i) out[i] = ei_minmax_f32(a[i] + b[i], lo, hi);
}

void ei_clamp_f32_n(const float *x, float *out, size_t n, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, clamp4(wasm_v128_load(x + i), vlo, vhi));
  for (; i < n; ++i) out[i] = ei_minmax_f32(x[i], lo, hi);
}

/* Four floats quantized as ei_quantize_f32_one, as int32 lanes: the same
 * division, the same exact tie test, then the clamp in float (t + zp is exact
 * wherever it matters: beyond 2^24 it saturates anyway) and NaN to zp. */
static inline v128_t quantize4(v128_t x, v128_t scale, v128_t zp, v128_t qmin, v128_t qmax) {
  const v128_t v = wasm_f32x4_div(x, scale), t = wasm_f32x4_trunc(v);
  const v128_t away = wasm_f32x4_ge(wasm_f32x4_abs(wasm_f32x4_sub(v, t)), wasm_f32x4_splat(0.5f));
  const v128_t unit = wasm_v128_or(wasm_f32x4_splat(1.0f), wasm_v128_and(v, wasm_f32x4_splat(-0.0f))); /* copysign(1, v) */
  v128_t q = wasm_f32x4_add(wasm_f32x4_add(t, wasm_v128_and(unit, away)), zp);
  q = wasm_f32x4_pmin(wasm_f32x4_pmax(q, qmin), qmax); /* a NaN passes */
  q = wasm_v128_bitselect(q, zp, wasm_f32x4_eq(q, q));
  /* q is an integer in [-128, 255]: 1.5 * 2^23 + q has q in its low bits
   * (cheaper in V8 than i32x4.trunc_sat, which fixes up NaN and overflow). */
  const v128_t magic = wasm_f32x4_const_splat(12582912.0f);
  return wasm_i32x4_sub(wasm_f32x4_add(q, magic), magic);
}

void ei_quantize_f32(const void *in, uint8_t *out, size_t n, float scale, int32_t zero_point, bool is_signed) {
  const uint8_t *src = in;
  const v128_t vscale = wasm_f32x4_splat(scale), zp = wasm_f32x4_splat((float)zero_point);
  const v128_t qmin = wasm_f32x4_splat(is_signed ? -128.0f : 0.0f), qmax = wasm_f32x4_splat(is_signed ? 127.0f : 255.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t a = quantize4(wasm_v128_load(src + 4 * i), vscale, zp, qmin, qmax);
    const v128_t b = quantize4(wasm_v128_load(src + 4 * i + 16), vscale, zp, qmin, qmax);
    const v128_t c = quantize4(wasm_v128_load(src + 4 * i + 32), vscale, zp, qmin, qmax);
    const v128_t d = quantize4(wasm_v128_load(src + 4 * i + 48), vscale, zp, qmin, qmax);
    const v128_t ab = wasm_i16x8_narrow_i32x4(a, b), cd = wasm_i16x8_narrow_i32x4(c, d);
    wasm_v128_store(out + i, is_signed ? wasm_i8x16_narrow_i16x8(ab, cd) : wasm_u8x16_narrow_i16x8(ab, cd));
  }
  for (; i < n; ++i) {
    float x;
    memcpy(&x, src + 4 * i, sizeof x);
    out[i] = ei_quantize_f32_one(x, scale, zero_point, is_signed);
  }
}

/* Eight bytes a step, in float: q - zp and its conversion are exact, and the
 * float product of two exact values is the exact product rounded once, as
 * the reference's double product rounded to float is. */
void ei_dequantize_q8(const uint8_t *in, void *out, size_t n, float scale, int32_t zero_point, bool is_signed) {
  uint8_t *dst = out;
  const v128_t vscale = wasm_f32x4_splat(scale), zp = wasm_i16x8_splat((int16_t)zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const v128_t q = wasm_i16x8_sub(is_signed ? wasm_i16x8_load8x8(in + i) : wasm_u16x8_load8x8(in + i), zp);
    const v128_t lo = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(q));
    const v128_t hi = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(q));
    wasm_v128_store(dst + 4 * i, wasm_f32x4_mul(lo, vscale));
    wasm_v128_store(dst + 4 * i + 16, wasm_f32x4_mul(hi, vscale));
  }
  for (; i < n; ++i) {
    const float y = ei_dequantize_q8_one(ei_load_q8(in + i, is_signed), scale, zero_point);
    memcpy(dst + 4 * i, &y, sizeof y);
  }
}
#endif
