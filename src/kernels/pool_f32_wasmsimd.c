/* pool_f32_wasmsimd.c — pool_f32.c with SIMD128: four channels a step, the
 * same operations in the same order per channel, so the same bits. */
#ifdef __wasm_simd128__
#include <float.h>
#include <stddef.h>
#include <wasm_simd128.h>

#include "kernels.h"

/* The in-image window of output pixel (b, oy, ox): its rows and columns, and
 * the (signed) offset of its corner in the image. */
typedef struct {
  const float *image;
  ptrdiff_t origin;
  int ky_lo, ky_hi, kx_lo, kx_hi;
} window;

static inline window window_at(const ei_pool_params *p, const float *input, int b, int oy, int ox) {
  window w;
  const int iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  ei_pool_window(iy0, p->k_h, p->in_h, &w.ky_lo, &w.ky_hi);
  ei_pool_window(ix0, p->k_w, p->in_w, &w.kx_lo, &w.kx_hi);
  w.image = input + (size_t)b * p->in_h * p->in_w * p->channels;
  w.origin = ((ptrdiff_t)iy0 * p->in_w + ix0) * p->channels;
  return w;
}

/* pmax(v, lo) is std::max(v, lo) and pmin(v, hi) std::min(v, hi): a NaN passes. */
static inline v128_t clamp4(v128_t v, v128_t lo, v128_t hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi); }

void ei_maxpool_f32(const ei_pool_params *p, const float *input, float *output) {
  const v128_t lo = wasm_f32x4_splat(p->f_act_min), hi = wasm_f32x4_splat(p->f_act_max);
  const ptrdiff_t C = p->channels, row = (ptrdiff_t)p->in_w * C;
  float *out = output;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox, out += C) {
        const window w = window_at(p, input, b, oy, ox);
        ptrdiff_t c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t max = wasm_f32x4_splat(-FLT_MAX);
          for (int ky = w.ky_lo; ky < w.ky_hi; ++ky)
            for (int kx = w.kx_lo; kx < w.kx_hi; ++kx) /* pmax(max, v) is std::max(max, v) */
              max = wasm_f32x4_pmax(max, wasm_v128_load(w.image + (w.origin + ky * row + kx * C + c)));
          wasm_v128_store(out + c, clamp4(max, lo, hi));
        }
        for (; c < C; ++c) {
          float max = -FLT_MAX;
          for (int ky = w.ky_lo; ky < w.ky_hi; ++ky)
            for (int kx = w.kx_lo; kx < w.kx_hi; ++kx) {
              const float v = w.image[w.origin + ky * row + kx * C + c];
              if (max < v) max = v;
            }
          out[c] = ei_minmax_f32(max, p->f_act_min, p->f_act_max);
        }
      }
}

void ei_avgpool_f32(const ei_pool_params *p, const float *input, float *output) {
  const v128_t lo = wasm_f32x4_splat(p->f_act_min), hi = wasm_f32x4_splat(p->f_act_max);
  const ptrdiff_t C = p->channels, row = (ptrdiff_t)p->in_w * C;
  float *out = output;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox, out += C) {
        const window w = window_at(p, input, b, oy, ox);
        const float count = (float)((w.ky_hi - w.ky_lo) * (w.kx_hi - w.kx_lo));
        const v128_t vcount = wasm_f32x4_splat(count);
        ptrdiff_t c = 0;
        for (; c + 4 <= C && count > 0; c += 4) {
          v128_t sum = wasm_f32x4_splat(0.0f);
          for (int ky = w.ky_lo; ky < w.ky_hi; ++ky)
            for (int kx = w.kx_lo; kx < w.kx_hi; ++kx)
              sum = wasm_f32x4_add(sum, wasm_v128_load(w.image + (w.origin + ky * row + kx * C + c)));
          wasm_v128_store(out + c, clamp4(wasm_f32x4_div(sum, vcount), lo, hi));
        }
        for (; c < C; ++c) {
          float sum = 0.0f;
          for (int ky = w.ky_lo; ky < w.ky_hi; ++ky)
            for (int kx = w.kx_lo; kx < w.kx_hi; ++kx) sum += w.image[w.origin + ky * row + kx * C + c];
          out[c] = ei_minmax_f32(count > 0 ? sum / count : 0.0f, p->f_act_min, p->f_act_max);
        }
      }
}
#endif
