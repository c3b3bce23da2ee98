/* resize_wasmsimd.c — RESIZE_BILINEAR's float blend, four channels at a time
 * (see resize.h). Every lane does the scalar loop's operations in the same
 * order, so the results are identical. A depth that is not a multiple of 4
 * ends with a group overlapping the previous one (it rewrites equal values). */
#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/resize.h"

static inline v128_t blend_x4(const float *top, const float *bottom, const ei_resize_column *c, size_t ch,
                              v128_t one_minus_dx, v128_t dx) {
  v128_t v = wasm_f32x4_mul(wasm_v128_load(top + c->lo + ch), one_minus_dx);
  v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(bottom + c->lo + ch), one_minus_dx));
  v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(top + c->hi + ch), dx));
  return wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(bottom + c->hi + ch), dx));
}

void ei_resize_blend_row_u8(const float *top, const float *bottom, const ei_resize_column *cols,
                            size_t out_w, size_t depth, uint8_t *out) {
  if (depth < 4) {
    ei_resize_blend_row_u8_scalar(top, bottom, cols, out_w, depth, out);
    return;
  }
  const v128_t half = wasm_f32x4_const_splat(0.5f), zero = wasm_f32x4_const_splat(0.0f);
  const v128_t max = wasm_f32x4_const_splat(255.0f);
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column *c = &cols[x];
    const v128_t one_minus_dx = wasm_f32x4_splat(c->one_minus_dx), dx = wasm_f32x4_splat(c->dx);
    for (size_t ch = 0;; ch += 4) {
      if (ch > depth - 4) ch = depth - 4;
      v128_t v = wasm_f32x4_add(blend_x4(top, bottom, c, ch, one_minus_dx, dx), half);
      v = wasm_f32x4_min(wasm_f32x4_max(v, zero), max);
      const v128_t i = wasm_i32x4_trunc_sat_f32x4(v);
      const v128_t h = wasm_i16x8_narrow_i32x4(i, i);
      wasm_v128_store32_lane(out + ch, wasm_u8x16_narrow_i16x8(h, h), 0);
      if (ch == depth - 4) break;
    }
  }
}

void ei_resize_blend_row_f32(const float *top, const float *bottom, const ei_resize_column *cols,
                             size_t out_w, size_t depth, float *out) {
  if (depth < 4) {
    ei_resize_blend_row_f32_scalar(top, bottom, cols, out_w, depth, out);
    return;
  }
  const v128_t zero = wasm_f32x4_const_splat(0.0f);
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column *c = &cols[x];
    const v128_t one_minus_dx = wasm_f32x4_splat(c->one_minus_dx), dx = wasm_f32x4_splat(c->dx);
    for (size_t ch = 0;; ch += 4) {
      if (ch > depth - 4) ch = depth - 4;
      wasm_v128_store(out + ch, wasm_f32x4_add(blend_x4(top, bottom, c, ch, one_minus_dx, dx), zero));
      if (ch == depth - 4) break;
    }
  }
}
#endif
