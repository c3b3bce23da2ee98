/* pool_q8.c — AVERAGE_POOL_2D and MAX_POOL_2D on 8-bit tensors. Only
 * positions inside the image count; input and output share scale and zero
 * point, so values are used as they are. The window is found once per output
 * pixel, and channels run innermost in chunks (contiguous loops the compiler
 * vectorizes). */
#include "kernels.h"

#define CHUNK 256 /* channels per pass */

/* The window of output pixel (oy, ox): rows [*ky_lo, *ky_hi) and columns
 * [*kx_lo, *kx_hi) of the kernel lie inside the image; returns how many
 * positions that is (0 when none). */
static int window(const ei_pool_params *p, int oy, int ox, int *ky_lo, int *ky_hi, int *kx_lo, int *kx_hi) {
  ei_pool_window(oy * p->stride_h - p->pad_top, p->k_h, p->in_h, ky_lo, ky_hi);
  ei_pool_window(ox * p->stride_w - p->pad_left, p->k_w, p->in_w, kx_lo, kx_hi);
  return *ky_hi > *ky_lo && *kx_hi > *kx_lo ? (*ky_hi - *ky_lo) * (*kx_hi - *kx_lo) : 0;
}

/* The first input byte of channel c0 at kernel position (ky, kx) of output pixel (b, oy, ox). */
static const uint8_t *at(const ei_pool_params *p, const uint8_t *input, int b, int oy, int ox, int ky, int kx,
                         int c0) {
  const int iy = oy * p->stride_h - p->pad_top + ky, ix = ox * p->stride_w - p->pad_left + kx;
  return input + (((size_t)b * p->in_h + iy) * p->in_w + ix) * p->channels + c0;
}

void ei_avgpool_q8(const ei_pool_params *p, const uint8_t *input, uint8_t *output) {
  int32_t sum[CHUNK];
  uint8_t *out = output;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox) {
        int ky_lo, ky_hi, kx_lo, kx_hi;
        const int count = window(p, oy, ox, &ky_lo, &ky_hi, &kx_lo, &kx_hi);
        for (int c0 = 0; c0 < p->channels; c0 += CHUNK) {
          const int n = p->channels - c0 < CHUNK ? p->channels - c0 : CHUNK;
          for (int c = 0; c < n; ++c) sum[c] = 0;
          for (int ky = ky_lo; ky < ky_hi; ++ky)
            for (int kx = kx_lo; kx < kx_hi; ++kx) {
              const uint8_t *x = at(p, input, b, oy, ox, ky, kx, c0);
              if (p->is_signed)
                for (int c = 0; c < n; ++c) sum[c] += (int8_t)x[c];
              else
                for (int c = 0; c < n; ++c) sum[c] += x[c];
            }
          for (int c = 0; c < n; ++c) {
            /* Divide rounding half away from zero; an empty window gives 0. */
            int32_t avg = 0;
            if (count > 0) avg = sum[c] > 0 ? (sum[c] + count / 2) / count : (sum[c] - count / 2) / count;
            *out++ = (uint8_t)ei_clamp(avg, p->act_min, p->act_max);
          }
        }
      }
}

void ei_maxpool_q8(const ei_pool_params *p, const uint8_t *input, uint8_t *output) {
  int32_t max[CHUNK];
  uint8_t *out = output;
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy)
      for (int ox = 0; ox < p->out_w; ++ox) {
        int ky_lo, ky_hi, kx_lo, kx_hi;
        window(p, oy, ox, &ky_lo, &ky_hi, &kx_lo, &kx_hi);
        for (int c0 = 0; c0 < p->channels; c0 += CHUNK) {
          const int n = p->channels - c0 < CHUNK ? p->channels - c0 : CHUNK;
          for (int c = 0; c < n; ++c) max[c] = p->is_signed ? -128 : 0;
          for (int ky = ky_lo; ky < ky_hi; ++ky)
            for (int kx = kx_lo; kx < kx_hi; ++kx) {
              const uint8_t *x = at(p, input, b, oy, ox, ky, kx, c0);
              if (p->is_signed)
                for (int c = 0; c < n; ++c) max[c] = (int8_t)x[c] > max[c] ? (int8_t)x[c] : max[c];
              else
                for (int c = 0; c < n; ++c) max[c] = x[c] > max[c] ? x[c] : max[c];
            }
          for (int c = 0; c < n; ++c) *out++ = (uint8_t)ei_clamp(max[c], p->act_min, p->act_max);
        }
      }
}
