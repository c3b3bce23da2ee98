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

/* The scalar loop's byte for four blended values: + 0.5, clamped to [0, 255],
 * truncated, as int32 lanes. The clamped value is >= 0, so truncating is
 * floor, and adding 2^23 to an integer below 2^23 leaves it in the low bits
 * (cheaper in V8 than i32x4.trunc_sat, which fixes up NaN and overflow). */
static inline v128_t to_byte_x4(v128_t v) {
  const v128_t magic = wasm_f32x4_const_splat(8388608.0f); /* 2^23 */
  v = wasm_f32x4_add(v, wasm_f32x4_const_splat(0.5f));
  /* pmin/pmax are one instruction each; V8 expands min/max for their NaN and
   * signed-zero rules, which cannot arise here (finite inputs; -0 floors to 0). */
  v = wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_const_splat(0.0f)), wasm_f32x4_const_splat(255.0f));
  return wasm_i32x4_sub(wasm_f32x4_add(wasm_f32x4_floor(v), magic), magic);
}

void ei_resize_blend_row_u8(const float *top, const float *bottom, const ei_resize_column *cols,
                            size_t out_w, size_t depth, uint8_t *out) {
  if (depth < 4) {
    ei_resize_blend_row_u8_scalar(top, bottom, cols, out_w, depth, out);
    return;
  }
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column *c = &cols[x];
    const v128_t one_minus_dx = wasm_f32x4_splat(c->one_minus_dx), dx = wasm_f32x4_splat(c->dx);
    size_t ch = 0;
    /* Sixteen channels per store, then groups of four, the last overlapping. */
    for (; ch + 16 <= depth; ch += 16) {
      const v128_t a = to_byte_x4(blend_x4(top, bottom, c, ch, one_minus_dx, dx));
      const v128_t b = to_byte_x4(blend_x4(top, bottom, c, ch + 4, one_minus_dx, dx));
      const v128_t e = to_byte_x4(blend_x4(top, bottom, c, ch + 8, one_minus_dx, dx));
      const v128_t f = to_byte_x4(blend_x4(top, bottom, c, ch + 12, one_minus_dx, dx));
      wasm_v128_store(out + ch, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(a, b), wasm_i16x8_narrow_i32x4(e, f)));
    }
    for (; ch < depth; ch += 4) {
      if (ch > depth - 4) ch = depth - 4;
      const v128_t h = wasm_i16x8_narrow_i32x4(to_byte_x4(blend_x4(top, bottom, c, ch, one_minus_dx, dx)), wasm_i32x4_splat(0));
      wasm_v128_store32_lane(out + ch, wasm_u8x16_narrow_i16x8(h, h), 0);
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
