/* resize_wasmsimd.c — RESIZE_BILINEAR's blends (see resize.h). The float
 * blend takes four channels at a time, every lane doing the scalar loop's
 * operations in the same order, so the results are identical. The int8 blend
 * takes eight, exactly in int32 (below). A depth that is not a multiple of
 * the group ends with a group overlapping the previous one (it rewrites
 * equal values). */
#ifdef __wasm_simd128__
#include <stdbool.h>
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

/* The int8 blend's weights, w and 1024 - w, lie in [-512, 1536] for
 * positions within half a pixel of the image (all but degenerate shapes). */
static bool weight_in_range(int32_t w) { return w >= -512 && w <= 1536; }

/* Eight channels of one output: the sum factors as
 *   (1024 - dx) * (v00 (1024 - dy) + v10 dy) + dx * (v01 (1024 - dy) + v11 dy),
 * exactly the reference's integer sum. Each bracket is one i32x4.dot_i16x8 of
 * the interleaved (top, bottom) pairs with (1024 - dy, dy), |bracket| <=
 * 128 * 2048, and the whole |sum| <= 2^29 stays within int32. The reference
 * then divides (sum + 2^19 sign(sum)) by 2^20 truncating toward zero, which
 * is floor((sum + 2^19 - [sum < 0]) / 2^20) (at sum = 0 both give 0). */
static inline v128_t blend_int8_x8(const int8_t *top, const int8_t *bottom, const ei_resize_column_q10 *c,
                                   size_t ch, v128_t wy, v128_t one_minus_dx, v128_t dx) {
  const v128_t t0 = wasm_i16x8_load8x8(top + c->lo + ch), b0 = wasm_i16x8_load8x8(bottom + c->lo + ch);
  const v128_t t1 = wasm_i16x8_load8x8(top + c->hi + ch), b1 = wasm_i16x8_load8x8(bottom + c->hi + ch);
  v128_t sum[2];
  for (int h = 0; h < 2; ++h) {
    const v128_t pair0 = h ? wasm_i16x8_shuffle(t0, b0, 4, 12, 5, 13, 6, 14, 7, 15)
                           : wasm_i16x8_shuffle(t0, b0, 0, 8, 1, 9, 2, 10, 3, 11);
    const v128_t pair1 = h ? wasm_i16x8_shuffle(t1, b1, 4, 12, 5, 13, 6, 14, 7, 15)
                           : wasm_i16x8_shuffle(t1, b1, 0, 8, 1, 9, 2, 10, 3, 11);
    const v128_t s = wasm_i32x4_add(wasm_i32x4_mul(wasm_i32x4_dot_i16x8(pair0, wy), one_minus_dx),
                                    wasm_i32x4_mul(wasm_i32x4_dot_i16x8(pair1, wy), dx));
    const v128_t rounding = wasm_i32x4_add(wasm_i32x4_const_splat(1 << 19), wasm_i32x4_shr(s, 31));
    sum[h] = wasm_i32x4_shr(wasm_i32x4_add(s, rounding), 20);
  }
  /* The low byte of each lane: the reference casts to int8 (wrapping, which
   * only extrapolating weights reach). */
  return wasm_i8x16_shuffle(sum[0], sum[1], 0, 4, 8, 12, 16, 20, 24, 28, 0, 4, 8, 12, 16, 20, 24, 28);
}

void ei_resize_row_int8(const int8_t *top, const int8_t *bottom, int32_t dy, const ei_resize_column_q10 *cols,
                        size_t out_w, size_t depth, int8_t *out) {
  if (depth < 8 || !weight_in_range(dy) || !weight_in_range((1 << 10) - dy)) {
    ei_resize_row_int8_scalar(top, bottom, dy, cols, out_w, depth, out);
    return;
  }
  /* int16 pairs (1024 - dy, dy) */
  const v128_t wy = wasm_i32x4_splat((int32_t)((uint32_t)dy << 16 | ((uint32_t)((1 << 10) - dy) & 0xFFFF)));
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column_q10 *c = &cols[x];
    if (!weight_in_range(c->dx) || !weight_in_range((1 << 10) - c->dx)) {
      ei_resize_row_int8_scalar(top, bottom, dy, c, 1, depth, out);
      continue;
    }
    const v128_t dx = wasm_i32x4_splat(c->dx), one_minus_dx = wasm_i32x4_splat((1 << 10) - c->dx);
    for (size_t ch = 0;; ch += 8) {
      if (ch > depth - 8) ch = depth - 8;
      wasm_v128_store64_lane(out + ch, blend_int8_x8(top, bottom, c, ch, wy, one_minus_dx, dx), 0);
      if (ch == depth - 8) break;
    }
  }
}
#endif
