/* eltwise_f32.c — element-wise float32 loops: ADD of two same-shape tensors
 * and the clamp of the RELU ops, both ending in min(max(v, lo), hi), QUANTIZE
 * to 8 bits and DEQUANTIZE from them. */
#include <string.h>

#include "kernels.h"

#ifndef __wasm_simd128__
void ei_add_f32(const float *a, const float *b, float *out, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; ++i) out[i] = ei_minmax_f32(a[i] + b[i], lo, hi);
}

void ei_clamp_f32_n(const float *x, float *out, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; ++i) out[i] = ei_minmax_f32(x[i], lo, hi);
}

void ei_quantize_f32(const void *in, uint8_t *out, size_t n, float scale, int32_t zero_point, bool is_signed) {
  for (size_t i = 0; i < n; ++i) {
    float x;
    memcpy(&x, (const uint8_t *)in + 4 * i, sizeof x);
    out[i] = ei_quantize_f32_one(x, scale, zero_point, is_signed);
  }
}

void ei_dequantize_q8(const uint8_t *in, void *out, size_t n, float scale, int32_t zero_point, bool is_signed) {
  for (size_t i = 0; i < n; ++i) {
    const float y = ei_dequantize_q8_one(ei_load_q8(in + i, is_signed), scale, zero_point);
    memcpy((uint8_t *)out + 4 * i, &y, sizeof y);
  }
}
#endif
