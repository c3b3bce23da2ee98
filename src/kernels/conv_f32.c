/* conv_f32.c — CONV_2D on float32 tensors, scalar reference loops (NHWC
 * input, OHWI weights). Each output starts from its bias and adds x * w in
 * kernel-row, kernel-column, channel order; padding positions are skipped.
 * Groups: k_c = in_c / groups. */
#include "kernels.h"

void ei_conv_f32_ref(const ei_conv_f32_params *p, const float *input, float *output) {
  const int groups = p->in_c / p->k_c;
  const int filters_per_group = p->out_c / groups;
  for (int b = 0; b < p->batches; ++b) {
    for (int oy = 0; oy < p->out_h; ++oy) {
      for (int ox = 0; ox < p->out_w; ++ox) {
        const int iy0 = oy * p->stride_h - p->pad_top;
        const int ix0 = ox * p->stride_w - p->pad_left;
        float *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c;
        for (int oc = 0; oc < p->out_c; ++oc) {
          const int group = oc / filters_per_group;
          const float *filter = p->weights + (size_t)oc * p->k_h * p->k_w * p->k_c;
          float acc = p->bias ? p->bias[oc] : 0.0f;
          for (int ky = 0; ky < p->k_h; ++ky) {
            const int iy = iy0 + ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h) continue;
            for (int kx = 0; kx < p->k_w; ++kx) {
              const int ix = ix0 + kx * p->dil_w;
              if (ix < 0 || ix >= p->in_w) continue;
              const float *x = input + (((size_t)b * p->in_h + iy) * p->in_w + ix) * p->in_c +
                               (size_t)group * p->k_c;
              const float *w = filter + ((size_t)ky * p->k_w + kx) * p->k_c;
              for (int ic = 0; ic < p->k_c; ++ic) acc += x[ic] * w[ic];
            }
          }
          out[oc] = ei_minmax_f32(acc, p->act_min, p->act_max);
        }
      }
    }
  }
}

#ifndef __wasm_simd128__
/* Without SIMD128 the reference is the fast path: nothing to pack. */
size_t ei_conv_f32_packed_bytes(const ei_conv_f32_params *p) { return 0; }
void ei_conv_f32_pack(ei_conv_f32_params *p, void *packed) {}
size_t ei_conv_f32_scratch_bytes(const ei_conv_f32_params *p) { return 0; }
void ei_conv_f32(const ei_conv_f32_params *p, const float *input, float *output, float *scratch) {
  ei_conv_f32_ref(p, input, output);
}
#endif
