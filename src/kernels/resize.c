/* resize.c — RESIZE_BILINEAR's blends, scalar (see resize.h). */
#include "kernels/resize.h"

static inline float blend(const float *t0, const float *b0, const float *t1, const float *b1, size_t ch,
                          const ei_resize_column *c) {
  return t0[ch] * c->one_minus_dx + b0[ch] * c->one_minus_dx + t1[ch] * c->dx + b1[ch] * c->dx;
}

void ei_resize_blend_row_u8_scalar(const float *top, const float *bottom, const ei_resize_column *cols,
                                   size_t out_w, size_t depth, uint8_t *out) {
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column *c = &cols[x];
    for (size_t ch = 0; ch < depth; ++ch) {
      const float v = blend(top + c->lo, bottom + c->lo, top + c->hi, bottom + c->hi, ch, c) + 0.5f;
      out[ch] = (uint8_t)(v < 255.0f ? (v > 0.0f ? v : 0.0f) : 255.0f); /* truncated */
    }
  }
}

void ei_resize_blend_row_f32_scalar(const float *top, const float *bottom, const ei_resize_column *cols,
                                    size_t out_w, size_t depth, float *out) {
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column *c = &cols[x];
    for (size_t ch = 0; ch < depth; ++ch)
      out[ch] = blend(top + c->lo, bottom + c->lo, top + c->hi, bottom + c->hi, ch, c) + 0.0f;
  }
}

/* One int8 output; products in int64, as the reference's. */
static inline int8_t blend_int8(int64_t v00, int64_t v10, int64_t v01, int64_t v11, int64_t dy, int64_t dx) {
  const int64_t sum = v00 * ((1 << 10) - dy) * ((1 << 10) - dx) + v10 * dy * ((1 << 10) - dx) +
                      v01 * ((1 << 10) - dy) * dx + v11 * dy * dx;
  const int64_t half = sum > 0 ? (1 << 19) : -(1 << 19);
  return (int8_t)((sum + half) / (1 << 20)); /* C division truncates toward zero */
}

void ei_resize_row_int8_scalar(const int8_t *top, const int8_t *bottom, int32_t dy,
                               const ei_resize_column_q10 *cols, size_t out_w, size_t depth, int8_t *out) {
  for (size_t x = 0; x < out_w; ++x, out += depth) {
    const ei_resize_column_q10 *c = &cols[x];
    for (size_t ch = 0; ch < depth; ++ch)
      out[ch] = blend_int8(top[c->lo + ch], bottom[c->lo + ch], top[c->hi + ch], bottom[c->hi + ch], dy, c->dx);
  }
}

#ifndef __wasm_simd128__
void ei_resize_blend_row_u8(const float *top, const float *bottom, const ei_resize_column *cols,
                            size_t out_w, size_t depth, uint8_t *out) {
  ei_resize_blend_row_u8_scalar(top, bottom, cols, out_w, depth, out);
}

void ei_resize_blend_row_f32(const float *top, const float *bottom, const ei_resize_column *cols,
                             size_t out_w, size_t depth, float *out) {
  ei_resize_blend_row_f32_scalar(top, bottom, cols, out_w, depth, out);
}

void ei_resize_row_int8(const int8_t *top, const int8_t *bottom, int32_t dy, const ei_resize_column_q10 *cols,
                        size_t out_w, size_t depth, int8_t *out) {
  ei_resize_row_int8_scalar(top, bottom, dy, cols, out_w, depth, out);
}
#endif
