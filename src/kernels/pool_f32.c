/* pool_f32.c — AVERAGE_POOL_2D and MAX_POOL_2D on float32 tensors, as
 * TFLite's reference: only positions inside the image count; the average is
 * the float sum divided by their count; the maximum starts from the lowest
 * finite float (so a window of -inf gives -FLT_MAX) and takes std::max, which
 * skips NaNs; then the fused activation clamp. */
#include <float.h>

#include "kernels.h"

void ei_pool_window(int i0, int k, int n, int *k_lo, int *k_hi) {
  *k_lo = i0 < 0 ? -i0 : 0;
  *k_hi = n - i0 < k ? n - i0 : k;
}

void ei_avgpool_f32_ref(const ei_pool_params *p, const float *input, float *output) {
  float *out = output;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox) {
        const int iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
        int ky_lo, ky_hi, kx_lo, kx_hi;
        ei_pool_window(iy0, p->k_h, p->in_h, &ky_lo, &ky_hi);
        ei_pool_window(ix0, p->k_w, p->in_w, &kx_lo, &kx_hi);
        const float count = (float)((ky_hi - ky_lo) * (kx_hi - kx_lo));
        for (int c = 0; c < p->channels; ++c) {
          float sum = 0.0f;
          for (int ky = ky_lo; ky < ky_hi; ++ky)
            for (int kx = kx_lo; kx < kx_hi; ++kx)
              sum += input[(((size_t)b * p->in_h + iy0 + ky) * p->in_w + ix0 + kx) * p->channels + c];
          /* An empty window (impossible with computed padding) gives 0, not 0/0. */
          *out++ = ei_minmax_f32(count > 0 ? sum / count : 0.0f, p->f_act_min, p->f_act_max);
        }
      }
}

void ei_maxpool_f32_ref(const ei_pool_params *p, const float *input, float *output) {
  float *out = output;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox) {
        const int iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
        int ky_lo, ky_hi, kx_lo, kx_hi;
        ei_pool_window(iy0, p->k_h, p->in_h, &ky_lo, &ky_hi);
        ei_pool_window(ix0, p->k_w, p->in_w, &kx_lo, &kx_hi);
        for (int c = 0; c < p->channels; ++c) {
          float max = -FLT_MAX;
          for (int ky = ky_lo; ky < ky_hi; ++ky)
            for (int kx = kx_lo; kx < kx_hi; ++kx) {
              const float v = input[(((size_t)b * p->in_h + iy0 + ky) * p->in_w + ix0 + kx) * p->channels + c];
              if (max < v) max = v; /* std::max(max, v) */
            }
          *out++ = ei_minmax_f32(max, p->f_act_min, p->f_act_max);
        }
      }
}

#ifndef __wasm_simd128__
void ei_avgpool_f32(const ei_pool_params *p, const float *input, float *output) {
  ei_avgpool_f32_ref(p, input, output);
}
void ei_maxpool_f32(const ei_pool_params *p, const float *input, float *output) {
  ei_maxpool_f32_ref(p, input, output);
}
#endif
