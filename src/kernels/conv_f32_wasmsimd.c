/* conv_f32_wasmsimd.c — CONV_2D and FULLY_CONNECTED on float32 as a GEMM
 * with SIMD128, giving conv_f32.c's bits (see kernels.h).
 *
 * out[m][n] = clamp(bias[n] + sum_k x[m][k] * w[n][k]) where m runs over output
 * pixels and k over the receptive field (k_h * k_w * k_c, in the weights'
 * order). Each pixel's receptive field is read as k_h segments of k_w * k_c
 * floats, one per kernel row: with dilation 1 a kernel row inside the image
 * is one run of the input, read in place (a 1x1, stride-1 convolution reads
 * input rows directly); a row in the top or bottom padding reads zeros. A
 * pixel whose window crosses the left or right edge, or any pixel when the
 * columns are dilated, is first copied into a row of scratch (im2col) with 0
 * at padding positions. Padding positions thus add 0 * w where the reference
 * skips them (see kernels.h).
 *
 * Microkernel 4x8: four pixels times eight channels. Weights are packed once
 * per block of 8 channels as the bias, then [K][8]; each step broadcasts one
 * x of each pixel and multiplies it with the 8 weights of that k (mul + add:
 * there is no FMA in SIMD128). k runs in order, as in the reference.
 */
#ifdef __wasm_simd128__
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"

#define MR 4            /* output pixels per tile */
#define NR 8            /* output channels per block */
#define MAX_SEGMENTS 16 /* kernel rows read in place; taller kernels are copied whole */
_Static_assert(MR == 4, "gemm_block names the accumulators of four pixels");

static int reduction_size(const ei_conv_f32_params *p) { return p->k_h * p->k_w * p->k_c; }
static int channel_blocks(const ei_conv_f32_params *p) { return (p->out_c + NR - 1) / NR; }
/* Floats per block: NR biases, then K rows of NR weights. */
static size_t block_floats(const ei_conv_f32_params *p) { return NR + (size_t)reduction_size(p) * NR; }

static bool direct_rows(const ei_conv_f32_params *p) {
  return p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 &&
         p->pad_left == 0 && p->k_c == p->in_c;
}

/* Segments per pixel: one per kernel row, or the whole field as one. */
static int segments(const ei_conv_f32_params *p) {
  return !direct_rows(p) && p->dil_w == 1 && p->k_h <= MAX_SEGMENTS ? p->k_h : 1;
}

size_t ei_conv_f32_packed_bytes(const ei_conv_f32_params *p) {
  /* Grouped convolutions and huge receptive fields run the reference. */
  if ((int64_t)p->k_h * p->k_w * p->k_c > (1 << 24) || p->k_c != p->in_c) return 0;
  const uint64_t bytes = (uint64_t)channel_blocks(p) * block_floats(p) * sizeof(float);
  return bytes > (1u << 30) ? 0 : (size_t)bytes;
}

size_t ei_conv_f32_scratch_bytes(const ei_conv_f32_params *p) {
  /* MR im2col rows, then one segment of zeros. */
  const size_t K = (size_t)reduction_size(p);
  return direct_rows(p) ? 0 : (MR * K + K / (size_t)segments(p)) * sizeof(float);
}

void ei_conv_f32_pack(ei_conv_f32_params *p, void *packed) {
  const int K = reduction_size(p);
  float *block = packed;
  for (int nb = 0; nb < channel_blocks(p); ++nb, block += block_floats(p)) {
    float *w = block + NR;
    for (int j = 0; j < NR; ++j) {
      const int c = nb * NR + j;
      const bool real = c < p->out_c; /* padding channels: all zero */
      block[j] = real && p->bias ? p->bias[c] : 0.0f;
      for (int k = 0; k < K; ++k) w[(size_t)k * NR + j] = real ? p->weights[(size_t)c * K + k] : 0.0f;
    }
  }
  p->packed = packed;
}

/* Stores the first n (1..8) lanes of lo, hi, without a call. */
static inline void store_channels(float *dst, v128_t lo, v128_t hi, int n) {
  if (n >= 4) {
    wasm_v128_store(dst, lo);
    if (n == NR) {
      wasm_v128_store(dst + 4, hi);
      return;
    }
    lo = hi;
    dst += 4;
    n -= 4;
  }
  if (n & 2) {
    wasm_v128_store64_lane(dst, lo, 0);
    lo = wasm_i64x2_shuffle(lo, lo, 1, 1);
    dst += 2;
  }
  if (n & 1) wasm_v128_store32_lane(dst, lo, 0);
}

/* c += x * w (multiply, then add: SIMD128 has no fused multiply-add). */
#define MAC(c, x, w) ((c) = wasm_f32x4_add((c), wasm_f32x4_mul((x), (w))))

/* pmax(v, lo) is std::max(v, lo) and pmin(v, hi) std::min(v, hi): a NaN passes. */
static inline v128_t clamp(v128_t v, v128_t lo, v128_t hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi); }

/* MR = 4 pixels times one block of channels, V (1 or 2) vectors of it: pixel
 * r reads its field from the S segments seg[r][0..S), span floats each.
 * Pixels at or past `rows` are duplicates of the last one, computed and not
 * stored. The accumulators are named variables, not an array: the compiler
 * then keeps them in registers. */
static inline __attribute__((always_inline)) void gemm_block(const ei_conv_f32_params *p, const float *block,
                                                             const float *const seg[MR][MAX_SEGMENTS], int S,
                                                             int span, float *const out[MR], int rows, int n,
                                                             int V) {
  v128_t c00 = wasm_v128_load(block), c01 = V == 2 ? wasm_v128_load(block + 4) : c00;
  v128_t c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  const float *w = block + NR;
  for (int s = 0; s < S; ++s) {
    const float *a0 = seg[0][s], *a1 = seg[1][s], *a2 = seg[2][s], *a3 = seg[3][s];
    for (int k = 0; k < span; ++k, w += NR) {
      const v128_t w0 = wasm_v128_load(w);
      const v128_t x0 = wasm_v128_load32_splat(a0 + k), x1 = wasm_v128_load32_splat(a1 + k);
      const v128_t x2 = wasm_v128_load32_splat(a2 + k), x3 = wasm_v128_load32_splat(a3 + k);
      MAC(c00, x0, w0), MAC(c10, x1, w0), MAC(c20, x2, w0), MAC(c30, x3, w0);
      if (V == 2) {
        const v128_t w1 = wasm_v128_load(w + 4);
        MAC(c01, x0, w1), MAC(c11, x1, w1), MAC(c21, x2, w1), MAC(c31, x3, w1);
      }
    }
  }
  const v128_t lo = wasm_f32x4_splat(p->act_min), hi = wasm_f32x4_splat(p->act_max);
  const v128_t v[MR][2] = {{clamp(c00, lo, hi), clamp(c01, lo, hi)}, {clamp(c10, lo, hi), clamp(c11, lo, hi)},
                           {clamp(c20, lo, hi), clamp(c21, lo, hi)}, {clamp(c30, lo, hi), clamp(c31, lo, hi)}};
  for (int r = 0; r < rows; ++r) store_channels(out[r], v[r][0], v[r][1], n);
}

/* MR pixels times all channel blocks; a last block of at most 4 channels
 * computes one vector. */
static inline __attribute__((always_inline)) void gemm_rows(const ei_conv_f32_params *p,
                                                            const float *const seg[MR][MAX_SEGMENTS], int S,
                                                            int span, float *const out[MR], int rows) {
  const float *block = p->packed;
  for (int nb = 0; nb < channel_blocks(p); ++nb, block += block_floats(p)) {
    const int n = p->out_c - nb * NR < NR ? p->out_c - nb * NR : NR;
    float *out_block[MR];
    for (int r = 0; r < MR; ++r) out_block[r] = out[r] + nb * NR;
    if (n > 4) gemm_block(p, block, seg, S, span, out_block, rows, n, 2);
    else gemm_block(p, block, seg, S, span, out_block, rows, n, 1);
  }
}

/* Copies the receptive field of output pixel (b, oy, ox) into row, with 0 at
 * padding positions. */
static void im2col_row(const ei_conv_f32_params *p, const float *input, int b, int oy, int ox, float *row) {
  const int iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  for (int ky = 0; ky < p->k_h; ++ky) {
    const int iy = iy0 + ky * p->dil_h;
    for (int kx = 0; kx < p->k_w; ++kx, row += p->k_c) {
      const int ix = ix0 + kx * p->dil_w;
      if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
        memset(row, 0, (size_t)p->k_c * sizeof(float));
      else
        memcpy(row, input + (((size_t)b * p->in_h + iy) * p->in_w + ix) * p->in_c, (size_t)p->k_c * sizeof(float));
    }
  }
}

/* The S segments of output pixel `pix`: in place where they can be, else in
 * its im2col row `row`; `zeros` is a segment of zeros. */
static void pixel_segments(const ei_conv_f32_params *p, const float *input, size_t pix, int S, float *row,
                           const float *zeros, const float *seg[MAX_SEGMENTS]) {
  const size_t K = (size_t)reduction_size(p), span = K / (size_t)S;
  const size_t per_image = (size_t)p->out_h * p->out_w;
  const int b = (int)(pix / per_image), oy = (int)(pix % per_image / (size_t)p->out_w);
  const int ox = (int)(pix % (size_t)p->out_w);
  const int iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  const bool cols_inside = ix0 >= 0 && ix0 + (p->k_w - 1) * p->dil_w < p->in_w;
  if (S == 1 || !cols_inside) {
    im2col_row(p, input, b, oy, ox, row);
    for (int s = 0; s < S; ++s) seg[s] = row + (size_t)s * span;
    return;
  }
  for (int ky = 0; ky < S; ++ky) { /* S == k_h: one segment per kernel row */
    const int iy = iy0 + ky * p->dil_h;
    seg[ky] = iy < 0 || iy >= p->in_h ? zeros : input + (((size_t)b * p->in_h + iy) * p->in_w + ix0) * p->in_c;
  }
}

void ei_conv_f32(const ei_conv_f32_params *p, const float *input, float *output, float *scratch) {
  if (!p->packed) {
    ei_conv_f32_ref(p, input, output);
    return;
  }
  const size_t M = (size_t)p->batches * p->out_h * p->out_w, K = (size_t)reduction_size(p);
  const int S = segments(p), span = (int)(K / (size_t)S);
  float *zeros = direct_rows(p) ? NULL : scratch + MR * K;
  if (zeros) memset(zeros, 0, (size_t)span * sizeof(float));
  for (size_t m = 0; m < M; m += MR) {
    const int rows = M - m < MR ? (int)(M - m) : MR;
    const float *seg[MR][MAX_SEGMENTS];
    float *out[MR];
    for (int r = 0; r < MR; ++r) {
      const size_t pix = m + (size_t)(r < rows ? r : rows - 1);
      out[r] = output + pix * p->out_c;
      if (direct_rows(p)) seg[r][0] = input + pix * K;
      else pixel_segments(p, input, pix, S, scratch + (size_t)r * K, zeros, seg[r]);
    }
    /* One segment is a plain GEMM: specialized. */
    if (S == 1) gemm_rows(p, seg, 1, span, out, rows);
    else gemm_rows(p, seg, S, span, out, rows);
  }
}
#endif
