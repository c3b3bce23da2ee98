/* resize.c — RESIZE_BILINEAR's float blend, scalar (see resize.h). */
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

#ifndef __wasm_simd128__
void ei_resize_blend_row_u8(const float *top, const float *bottom, const ei_resize_column *cols,
                            size_t out_w, size_t depth, uint8_t *out) {
  ei_resize_blend_row_u8_scalar(top, bottom, cols, out_w, depth, out);
}

void ei_resize_blend_row_f32(const float *top, const float *bottom, const ei_resize_column *cols,
                             size_t out_w, size_t depth, float *out) {
  ei_resize_blend_row_f32_scalar(top, bottom, cols, out_w, depth, out);
}
#endif
