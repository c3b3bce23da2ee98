/* dwconv_f32.c — DEPTHWISE_CONV_2D on float32 tensors, scalar reference
 * loops. Output channel oc = ic * depth_multiplier + m reads input channel
 * ic; weights are [1][k_h][k_w][out_c]. Each output starts from its bias and
 * adds x * w tap by tap, column by column (kernel x outer, y inner), padding
 * positions skipped. Any order is as accurate; this one is XNNPACK's, which
 * TFLite runs float models with, so the results are TFLite's bits. */
#include "kernels.h"

float ei_dwconv_f32_one(const ei_dwconv_f32_params *p, const float *image, int iy0, int ix0, int oc) {
  const int out_c = p->in_c * p->depth_multiplier, ic = oc / p->depth_multiplier;
  float acc = p->bias ? p->bias[oc] : 0.0f;
  for (int kx = 0; kx < p->k_w; ++kx) {
    const int ix = ix0 + kx * p->dil_w;
    if (ix < 0 || ix >= p->in_w) continue;
    for (int ky = 0; ky < p->k_h; ++ky) {
      const int iy = iy0 + ky * p->dil_h;
      if (iy < 0 || iy >= p->in_h) continue;
      acc += image[((size_t)iy * p->in_w + ix) * p->in_c + ic] *
             p->weights[((size_t)ky * p->k_w + kx) * out_c + oc];
    }
  }
  return ei_minmax_f32(acc, p->act_min, p->act_max);
}

void ei_dwconv_f32_ref(const ei_dwconv_f32_params *p, const float *input, float *output) {
  const int out_c = p->in_c * p->depth_multiplier;
  const size_t image_size = (size_t)p->in_h * p->in_w * p->in_c;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox) {
        float *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * out_c;
        for (int oc = 0; oc < out_c; ++oc)
          out[oc] = ei_dwconv_f32_one(p, input + b * image_size, oy * p->stride_h - p->pad_top,
                                      ox * p->stride_w - p->pad_left, oc);
      }
}

#ifndef __wasm_simd128__
size_t ei_dwconv_f32_packed_bytes(const ei_dwconv_f32_params *p) { return 0; }
void ei_dwconv_f32_pack(ei_dwconv_f32_params *p, void *packed) {}
void ei_dwconv_f32(const ei_dwconv_f32_params *p, const float *input, float *output) {
  ei_dwconv_f32_ref(p, input, output);
}
#endif
