/* dwconv_q8.c — DEPTHWISE_CONV_2D on 8-bit tensors, scalar reference loops.
 * Output channel oc = ic * depth_multiplier + m reads input channel ic;
 * weights are [1][k_h][k_w][out_c]. Padding positions are skipped. */
#include "kernels.h"

uint8_t ei_dwconv_q8_one(const ei_dwconv_params *p, const uint8_t *image, int iy0, int ix0, int oc) {
  const int out_c = p->in_c * p->depth_multiplier, ic = oc / p->depth_multiplier;
  int64_t acc = 0;
  for (int ky = 0; ky < p->k_h; ++ky) {
    const int iy = iy0 + ky * p->dil_h;
    if (iy < 0 || iy >= p->in_h) continue;
    for (int kx = 0; kx < p->k_w; ++kx) {
      const int ix = ix0 + kx * p->dil_w;
      if (ix < 0 || ix >= p->in_w) continue;
      const uint8_t *x = image + ((size_t)iy * p->in_w + ix) * p->in_c + ic;
      const uint8_t *w = p->weights + ((size_t)ky * p->k_w + kx) * out_c + oc;
      acc += (int64_t)(ei_load_q8(x, p->is_signed) + p->in_offset) * (ei_load_q8(w, p->is_signed) + p->w_offset);
    }
  }
  return ei_requant_channel(&p->rq, oc, acc);
}

void ei_dwconv_q8_ref(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output) {
  const int out_c = p->in_c * p->depth_multiplier;
  const size_t image_bytes = (size_t)p->in_h * p->in_w * p->in_c;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox) {
        uint8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * out_c;
        for (int oc = 0; oc < out_c; ++oc)
          out[oc] = ei_dwconv_q8_one(p, input + b * image_bytes, oy * p->stride_h - p->pad_top,
                                     ox * p->stride_w - p->pad_left, oc);
      }
}

#ifndef __wasm_simd128__
size_t ei_dwconv_q8_packed_bytes(const ei_dwconv_params *p) { return 0; }
void ei_dwconv_q8_pack(ei_dwconv_params *p, void *packed) {}
size_t ei_dwconv_q8_scratch_bytes(const ei_dwconv_params *p) { return 0; }
void ei_dwconv_q8(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output, uint8_t *scratch) {
  ei_dwconv_q8_ref(p, input, output);
}
#endif
