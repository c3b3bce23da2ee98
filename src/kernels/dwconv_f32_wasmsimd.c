/* dwconv_f32_wasmsimd.c — DEPTHWISE_CONV_2D on float32 with SIMD128, giving
 * dwconv_f32.c's bits (see kernels.h).
 *
 * Output channels go in groups of 8 (two vectors), the last group 4 wide when
 * at most 4 channels remain. Weights are packed once per group as the bias,
 * then [k_w][k_h][width]: the taps in the reference's order, column by
 * column. A vector's 4 inputs are 4 adjacent channels (depth multiplier 1),
 * one channel broadcast (multiples of 4), or gathered lane by lane (any other
 * multiplier). Each output pixel sums only the taps inside the image, as the
 * reference does, from tap ranges worked out per row and column; pixels whose
 * window lies inside the image horizontally run four at a time. With
 * multiplier 1 and a channel count that is not a multiple of 4, the last group
 * reads up to 3 floats past a pixel (covered by the arena's slack).
 */
#ifdef __wasm_simd128__
#include <stddef.h>
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"

#define GW 8 /* output channels per group (the last may be 4) */
#define PT 4 /* pixels per step where whole rows of taps are inside */

enum { INPUTS_ADJACENT, INPUTS_SPLAT, INPUTS_GATHER };

static int out_channels(const ei_dwconv_f32_params *p) { return p->in_c * p->depth_multiplier; }
/* Width of the group starting at channel oc0: 8, or 4 for a last group of at most 4. */
static int group_width(const ei_dwconv_f32_params *p, int oc0) { return out_channels(p) - oc0 > 4 ? GW : 4; }
static size_t group_floats(const ei_dwconv_f32_params *p, int width) {
  return (size_t)width * (1 + (size_t)p->k_h * p->k_w);
}

size_t ei_dwconv_f32_packed_bytes(const ei_dwconv_f32_params *p) {
  if ((int64_t)p->k_h * p->k_w > (1 << 16)) return 0;
  const uint64_t groups = ((uint64_t)out_channels(p) + GW - 1) / GW;
  const uint64_t bytes = groups * group_floats(p, GW) * sizeof(float);
  return bytes > (1u << 30) ? 0 : (size_t)bytes;
}

void ei_dwconv_f32_pack(ei_dwconv_f32_params *p, void *packed) {
  const int taps = p->k_h * p->k_w, C_out = out_channels(p);
  float *group = packed;
  for (int oc0 = 0; oc0 < C_out; oc0 += GW) {
    const int width = group_width(p, oc0);
    for (int j = 0; j < width; ++j) {
      const int c = oc0 + j;
      const bool real = c < C_out; /* padding channels: all zero */
      group[j] = real && p->bias ? p->bias[c] : 0.0f;
      for (int t = 0; t < taps; ++t) {
        const int ky = t % p->k_h, kx = t / p->k_h; /* t = kx * k_h + ky */
        group[width + t * width + j] = real ? p->weights[((size_t)ky * p->k_w + kx) * C_out + c] : 0.0f;
      }
    }
    group += group_floats(p, width);
  }
  p->packed = packed;
}

/* The inputs of output channels oc..oc+3 at one pixel. x points at the pixel's
 * channel oc / multiplier (adjacent, splat) or 0 (gather). */
static inline __attribute__((always_inline)) v128_t load_inputs(const ei_dwconv_f32_params *p, const float *x,
                                                                int oc, int mode) {
  if (mode == INPUTS_ADJACENT) return wasm_v128_load(x);
  if (mode == INPUTS_SPLAT) return wasm_v128_load32_splat(x);
  float lanes[4];
  for (int j = 0; j < 4; ++j) {
    const int ic = (oc + j) / p->depth_multiplier;
    lanes[j] = x[ic < p->in_c ? ic : p->in_c - 1]; /* a padding lane reads a real channel */
  }
  return wasm_v128_load(lanes);
}

/* Where the inputs of channels oc.. start in a pixel (see load_inputs). */
static inline int input_offset(const ei_dwconv_f32_params *p, int oc, int mode) {
  return mode == INPUTS_GATHER ? 0 : oc / p->depth_multiplier;
}

/* Stores the first n (1..4) lanes of v, without a call (a memcpy here would
 * make the compiler keep every loaded input alive across it). */
static inline void store4(float *dst, v128_t v, int n) {
  if (n >= 4) {
    wasm_v128_store(dst, v);
    return;
  }
  if (n & 2) {
    wasm_v128_store64_lane(dst, v, 0);
    v = wasm_i64x2_shuffle(v, v, 1, 1);
    dst += 2;
  }
  if (n & 1) wasm_v128_store32_lane(dst, v, 0);
}

/* pmax(v, lo) is std::max(v, lo) and pmin(v, hi) std::min(v, hi): a NaN passes. */
static inline v128_t clamp(const ei_dwconv_f32_params *p, v128_t v) {
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(p->act_min)), wasm_f32x4_splat(p->act_max));
}

/* The taps k in [*lo, *hi) of a window starting at i0 (step dil) that fall
 * inside an axis of size n. */
static inline void tap_range(int i0, int k, int dil, int n, int *lo, int *hi) {
  *lo = i0 < 0 ? (-i0 + dil - 1) / dil : 0;
  *hi = n - 1 - i0 < 0 ? 0 : (n - 1 - i0) / dil + 1;
  if (*hi > k) *hi = k;
  if (*hi < *lo) *hi = *lo;
}

/* c += x * w (multiply, then add: SIMD128 has no fused multiply-add). */
#define MAC(c, x, w) ((c) = wasm_f32x4_add((c), wasm_f32x4_mul((x), (w))))

/* T (1..4) output pixels from column ox, channels oc0.. (n of them, V = 1 or
 * 2 vectors), of the row whose window starts at image row iy0, over the taps
 * kx in [kx_lo, kx_hi), ky in [ky_lo, ky_hi) (inside the image for all T
 * pixels). Accumulators are named variables, not an array, and the tap loops
 * are not unrolled, their offsets stepped by hand: otherwise the compiler
 * spills accumulators or hoists every load to the top and runs out of
 * registers, and it does not strength-reduce addresses for wasm (emcc passes
 * -disable-lsr). */
static inline __attribute__((always_inline)) void pixels(const ei_dwconv_f32_params *p, const float *group,
                                                         const float *image, int iy0, int ox, float *out,
                                                         int oc0, int n, int V, int T, int kx_lo, int kx_hi,
                                                         int ky_lo, int ky_hi, int mode) {
  const int C = p->in_c, width = 4 * V;
  const ptrdiff_t dx = (ptrdiff_t)p->dil_w * C, dy = (ptrdiff_t)p->dil_h * p->in_w * C;
  const ptrdiff_t step = (ptrdiff_t)p->stride_w * C;
  /* Offset of the window's corner in the image: negative in the padding. */
  const ptrdiff_t origin = ((ptrdiff_t)iy0 * p->in_w + (ptrdiff_t)ox * p->stride_w - p->pad_left) * C;
  const float *x0 = image + input_offset(p, oc0, mode), *x1 = image + input_offset(p, oc0 + 4, mode);
  const v128_t b0 = wasm_v128_load(group), b1 = V == 2 ? wasm_v128_load(group + 4) : b0;
  v128_t a00 = b0, a10 = b0, a20 = b0, a30 = b0; /* pixel t, vector 0 */
  v128_t a01 = b1, a11 = b1, a21 = b1, a31 = b1; /* pixel t, vector 1 */
#pragma clang loop unroll(disable)
  for (int kx = kx_lo; kx < kx_hi; ++kx) {
    const float *w = group + width + (kx * p->k_h + ky_lo) * width;
    ptrdiff_t at = origin + ky_lo * dy + kx * dx;
#pragma clang loop unroll(disable)
    for (int ky = ky_lo; ky < ky_hi; ++ky, w += width, at += dy) {
      const v128_t w0 = wasm_v128_load(w);
      MAC(a00, load_inputs(p, x0 + at, oc0, mode), w0);
      if (T > 1) MAC(a10, load_inputs(p, x0 + at + step, oc0, mode), w0);
      if (T > 2) MAC(a20, load_inputs(p, x0 + at + 2 * step, oc0, mode), w0);
      if (T > 3) MAC(a30, load_inputs(p, x0 + at + 3 * step, oc0, mode), w0);
      if (V == 2) {
        const v128_t w1 = wasm_v128_load(w + 4);
        MAC(a01, load_inputs(p, x1 + at, oc0 + 4, mode), w1);
        if (T > 1) MAC(a11, load_inputs(p, x1 + at + step, oc0 + 4, mode), w1);
        if (T > 2) MAC(a21, load_inputs(p, x1 + at + 2 * step, oc0 + 4, mode), w1);
        if (T > 3) MAC(a31, load_inputs(p, x1 + at + 3 * step, oc0 + 4, mode), w1);
      }
    }
  }
  const v128_t r[4][2] = {{clamp(p, a00), clamp(p, a01)}, {clamp(p, a10), clamp(p, a11)},
                          {clamp(p, a20), clamp(p, a21)}, {clamp(p, a30), clamp(p, a31)}};
  const size_t C_out = (size_t)out_channels(p);
  for (int t = 0; t < T; ++t) {
    float *o = out + (size_t)(ox + t) * C_out;
    store4(o, r[t][0], n);
    if (V == 2 && n > 4) store4(o + 4, r[t][1], n - 4);
  }
}

/* One channel group of one output row: columns whose window lies inside the
 * image horizontally run PT at a time, the others one by one with their own
 * taps. */
static inline __attribute__((always_inline)) void group_row(const ei_dwconv_f32_params *p, const float *group,
                                                            const float *image, int iy0, int ky_lo, int ky_hi,
                                                            int ox_lo, int ox_hi, float *out, int oc0, int n,
                                                            int V, int mode) {
  int ox = ox_lo;
  for (; ox + PT <= ox_hi; ox += PT)
    pixels(p, group, image, iy0, ox, out, oc0, n, V, PT, 0, p->k_w, ky_lo, ky_hi, mode);
  for (; ox < ox_hi; ++ox) pixels(p, group, image, iy0, ox, out, oc0, n, V, 1, 0, p->k_w, ky_lo, ky_hi, mode);
  for (ox = 0; ox < p->out_w; ++ox) {
    if (ox == ox_lo && ox_hi > ox_lo) ox = ox_hi;
    if (ox >= p->out_w) break;
    int kx_lo, kx_hi;
    tap_range(ox * p->stride_w - p->pad_left, p->k_w, p->dil_w, p->in_w, &kx_lo, &kx_hi);
    pixels(p, group, image, iy0, ox, out, oc0, n, V, 1, kx_lo, kx_hi, ky_lo, ky_hi, mode);
  }
}

/* One output row of one image. */
static inline __attribute__((always_inline)) void dwconv_row(const ei_dwconv_f32_params *p, const float *image,
                                                             int oy, float *out_row, int mode) {
  const int C_out = out_channels(p);
  const int iy0 = oy * p->stride_h - p->pad_top;
  int ky_lo, ky_hi;
  tap_range(iy0, p->k_h, p->dil_h, p->in_h, &ky_lo, &ky_hi);
  /* Output columns whose window lies inside the image horizontally. */
  const int reach = (p->k_w - 1) * p->dil_w;
  int ox_lo = (p->pad_left + p->stride_w - 1) / p->stride_w;
  int ox_hi = p->in_w - 1 - reach + p->pad_left >= 0 ? (p->in_w - 1 - reach + p->pad_left) / p->stride_w + 1 : 0;
  if (ox_hi > p->out_w) ox_hi = p->out_w;
  if (ox_lo > ox_hi) ox_lo = ox_hi = 0;
  const float *group = p->packed;
  for (int oc0 = 0; oc0 < C_out; oc0 += GW) {
    const int width = group_width(p, oc0), n = C_out - oc0 < width ? C_out - oc0 : width;
    if (width == GW)
      group_row(p, group, image, iy0, ky_lo, ky_hi, ox_lo, ox_hi, out_row + oc0, oc0, n, 2, mode);
    else
      group_row(p, group, image, iy0, ky_lo, ky_hi, ox_lo, ox_hi, out_row + oc0, oc0, n, 1, mode);
    group += group_floats(p, width);
  }
}

static void dwconv_simd(const ei_dwconv_f32_params *p, const float *input, float *output, int mode) {
  const size_t image_size = (size_t)p->in_h * p->in_w * p->in_c;
  const size_t out_row_size = (size_t)p->out_w * out_channels(p);
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy) {
      float *out_row = output + ((size_t)b * p->out_h + oy) * out_row_size;
      const float *image = input + b * image_size;
      if (mode == INPUTS_ADJACENT) dwconv_row(p, image, oy, out_row, INPUTS_ADJACENT);
      else if (mode == INPUTS_SPLAT) dwconv_row(p, image, oy, out_row, INPUTS_SPLAT);
      else dwconv_row(p, image, oy, out_row, INPUTS_GATHER);
    }
}

void ei_dwconv_f32(const ei_dwconv_f32_params *p, const float *input, float *output) {
  if (!p->packed) {
    ei_dwconv_f32_ref(p, input, output);
    return;
  }
  const int m = p->depth_multiplier;
  dwconv_simd(p, input, output, m == 1 ? INPUTS_ADJACENT : m % 4 == 0 ? INPUTS_SPLAT : INPUTS_GATHER);
}
#endif
