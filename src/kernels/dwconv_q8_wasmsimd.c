/* dwconv_q8_wasmsimd.c — DEPTHWISE_CONV_2D with SIMD128 for depth multiplier 1
 * or a multiple of 8, bit-exact with dwconv_q8.c.
 *
 * Eight output channels per group: each tap widens eight inputs to int16 (or
 * broadcasts the one input channel the group reads). Taps go in pairs: the
 * inputs of taps a and b are interleaved (a0 b0 a1 b1 ...) and
 * i32x4.dot_i16x8 adds x_a * w_a + x_b * w_b per channel, with the int16
 * weights w' = w - w_zp packed [tap pair][channel][2]; an odd last tap pairs
 * with zero weights. Interior pixels fold the input zero point into the bias;
 * border pixels subtract it per tap (range [-255, 255]) and give taps outside
 * the image zero inputs, so they add nothing, as the reference skips them.
 * Channels are padded to a multiple of 8 with zero weights, so a pixel's last
 * group may read up to 7 bytes past it.
 */
#ifdef __wasm_simd128__
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"
#include "requant_wasmsimd.h"

#define CB 8 /* channels per group */

typedef struct {
  int32_t bias[CB];          /* for border pixels, whose inputs are offset per tap */
  int32_t bias_interior[CB]; /* bias - x_zp * sum of the channel's weights */
  int32_t multiplier[CB];
  int32_t pow2[CB];
  int32_t bound[CB];
  int32_t simd_ok;           /* every channel's exponent fits the SIMD requantization */
  int32_t uniform_shift;     /* n of ei_requant_uniform_x4, or 0: per-lane ei_requant_x4 */
  int64_t rounding[2];       /* ei_simd_uniform_rounding(n, zp), twice */
} group_header;

static int out_channels(const ei_dwconv_params *p) { return p->in_c * p->depth_multiplier; }
static int channel_groups(const ei_dwconv_params *p) { return (out_channels(p) + CB - 1) / CB; }
static int tap_pairs(const ei_dwconv_params *p) { return (p->k_h * p->k_w + 1) / 2; }
static size_t group_bytes(const ei_dwconv_params *p) {
  return sizeof(group_header) + (size_t)tap_pairs(p) * 2 * CB * sizeof(int16_t);
}

size_t ei_dwconv_q8_packed_bytes(const ei_dwconv_params *p) {
  /* Each group of 8 outputs reads 8 adjacent input channels (multiplier 1) or one (multiples of 8). */
  const bool groups_fit = p->depth_multiplier == 1 || p->depth_multiplier % CB == 0;
  if (!groups_fit || (int64_t)p->k_h * p->k_w > (1 << 16)) return 0;
  const uint64_t bytes = (uint64_t)channel_groups(p) * group_bytes(p);
  return bytes > (1u << 30) ? 0 : (size_t)bytes;
}

void ei_dwconv_q8_pack(ei_dwconv_params *p, void *packed) {
  const int taps = p->k_h * p->k_w;
  const int64_t max_x = ei_max_input_magnitude(p->in_offset, p->is_signed);
  uint8_t *out = packed;
  for (int cg = 0; cg < channel_groups(p); ++cg, out += group_bytes(p)) {
    group_header h;
    int16_t *w = (int16_t *)(out + sizeof h);
    memset(&h, 0, sizeof h);
    memset(w, 0, (size_t)tap_pairs(p) * 2 * CB * sizeof(int16_t));
    const int n = out_channels(p) - cg * CB < CB ? out_channels(p) - cg * CB : CB;
    h.simd_ok = ei_simd_requant_ok(&p->rq, cg * CB, n);
    h.uniform_shift = ei_simd_uniform_shift(&p->rq, cg * CB, n);
    for (int j = 0; j < CB; ++j) {
      const int c = cg * CB + j;
      if (c >= out_channels(p)) continue;
      int32_t sum = 0;
      int64_t abs_sum = 0;
      for (int t = 0; t < taps; ++t) {
        const int16_t wt = (int16_t)(ei_load_q8(p->weights + (size_t)t * out_channels(p) + c, p->is_signed) + p->w_offset);
        w[(t / 2) * 2 * CB + j * 2 + t % 2] = wt;
        sum += wt;
        abs_sum += wt < 0 ? -wt : wt;
      }
      /* The uniform requantization needs |bias + sum (x - x_zp) w'| < 2^30. */
      if (llabs(p->rq.bias[c]) + abs_sum * max_x >= (1 << 30)) h.uniform_shift = 0;
      h.bias[j] = p->rq.bias[c];
      h.bias_interior[j] = (int32_t)((uint32_t)p->rq.bias[c] + (uint32_t)p->in_offset * (uint32_t)sum);
      if (h.simd_ok) ei_simd_pack_scale(&p->rq, c, &h.multiplier[j], &h.pow2[j], &h.bound[j]);
    }
    if (h.uniform_shift) h.rounding[0] = h.rounding[1] = ei_simd_uniform_rounding(h.uniform_shift, p->rq.out_zero_point);
    memcpy(out, &h, sizeof h);
  }
  p->packed = packed;
}

/* Stores the valid n channels of a group from bytes 8 * i .. 8 * i + 7 of v. */
static inline void store_group(uint8_t *out, v128_t v, int i, int n) {
  if (n == CB) {
    if (i == 0)
      wasm_v128_store64_lane(out, v, 0);
    else
      wasm_v128_store64_lane(out, v, 1);
  } else {
    uint8_t tmp[16];
    wasm_v128_store(tmp, v);
    memcpy(out, tmp + 8 * i, (size_t)n);
  }
}

/* Requantizes the 8 accumulators (lo: channels 0..3, hi: 4..7) of pixels a and
 * b at once (b may repeat a) and stores each pixel's valid channels. */
static inline __attribute__((always_inline)) void finish_group2(const ei_dwconv_params *p, const group_header *h,
                                                                v128_t a_lo, v128_t a_hi, v128_t b_lo, v128_t b_hi,
                                                                uint8_t *out_a, uint8_t *out_b, int n,
                                                                bool is_signed) {
  const v128_t m_lo = wasm_v128_load(h->multiplier), m_hi = wasm_v128_load(h->multiplier + 4);
  v128_t bytes;
  if (h->uniform_shift) {
    const v128_t rounding = wasm_v128_load(h->rounding);
    const int shift = h->uniform_shift;
    bytes = ei_pack16_clamp(ei_requant_uniform_x4(a_lo, m_lo, rounding, shift),
                            ei_requant_uniform_x4(a_hi, m_hi, rounding, shift),
                            ei_requant_uniform_x4(b_lo, m_lo, rounding, shift),
                            ei_requant_uniform_x4(b_hi, m_hi, rounding, shift), wasm_i8x16_splat((int8_t)p->rq.act_min),
                            wasm_i8x16_splat((int8_t)p->rq.act_max), is_signed);
  } else {
    const v128_t pow2_lo = wasm_v128_load(h->pow2), pow2_hi = wasm_v128_load(h->pow2 + 4);
    const v128_t bound_lo = wasm_v128_load(h->bound), bound_hi = wasm_v128_load(h->bound + 4);
    const v128_t zp = wasm_i32x4_splat(p->rq.out_zero_point);
    const v128_t lo = wasm_i32x4_splat(p->rq.act_min), hi = wasm_i32x4_splat(p->rq.act_max);
    const v128_t a = ei_requant_pack8(ei_requant_x4(a_lo, m_lo, pow2_lo, bound_lo),
                                      ei_requant_x4(a_hi, m_hi, pow2_hi, bound_hi), zp, lo, hi, is_signed);
    const v128_t b = ei_requant_pack8(ei_requant_x4(b_lo, m_lo, pow2_lo, bound_lo),
                                      ei_requant_x4(b_hi, m_hi, pow2_hi, bound_hi), zp, lo, hi, is_signed);
    bytes = wasm_i64x2_shuffle(a, b, 0, 2);
  }
  store_group(out_a, bytes, 0, n);
  if (out_b != out_a) store_group(out_b, bytes, 1, n);
}

/* One pixel's group. */
static inline __attribute__((always_inline)) void finish_group(const ei_dwconv_params *p, const group_header *h,
                                                               v128_t acc_lo, v128_t acc_hi, uint8_t *out, int n,
                                                               bool is_signed) {
  finish_group2(p, h, acc_lo, acc_hi, acc_lo, acc_hi, out, out, n, is_signed);
}

/* The group's 8 inputs as int16: 8 adjacent channels, or one channel
 * broadcast when the depth multiplier is a multiple of 8. */
static inline __attribute__((always_inline)) v128_t load_inputs(const uint8_t *x, bool splat, bool is_signed) {
  if (splat) return wasm_i16x8_splat((int16_t)ei_load_q8(x, is_signed));
  return is_signed ? wasm_i16x8_load8x8(x) : wasm_u16x8_load8x8(x);
}

/* Adds taps a and b (eight channels each, int16) times their packed weight pairs w. */
static inline __attribute__((always_inline)) void add_tap_pair(v128_t *acc_lo, v128_t *acc_hi, v128_t xa, v128_t xb,
                                                               const int16_t *w) {
  const v128_t lo = wasm_i16x8_shuffle(xa, xb, 0, 8, 1, 9, 2, 10, 3, 11);
  const v128_t hi = wasm_i16x8_shuffle(xa, xb, 4, 12, 5, 13, 6, 14, 7, 15);
  *acc_lo = wasm_i32x4_add(*acc_lo, wasm_i32x4_dot_i16x8(lo, wasm_v128_load(w)));
  *acc_hi = wasm_i32x4_add(*acc_hi, wasm_i32x4_dot_i16x8(hi, wasm_v128_load(w + 4 * 2)));
}

/* Interior pixels ox in [ox_lo, ox_hi) of one row and channel group: the whole
 * window is inside the image, so the input zero point is folded into
 * bias_interior and no tap is checked. KH/KW > 0 are compile-time sizes (the
 * weights then stay in registers); 0 means "use p->k_h/k_w". */
static inline __attribute__((always_inline)) void interior_pixels(const ei_dwconv_params *p,
                                                                  const group_header *h, const int16_t *w,
                                                                  const uint8_t *x0, uint8_t *out, int ox_lo,
                                                                  int ox_hi, int n, int KH, int KW,
                                                                  bool is_signed) {
  const int k_w = KW ? KW : p->k_w, taps = (KH ? KH : p->k_h) * k_w, C = p->in_c, C_out = out_channels(p);
  const bool splat = p->depth_multiplier != 1;
  const size_t dx = (size_t)p->dil_w * C, dy = (size_t)p->dil_h * p->in_w * C;
  const size_t step = (size_t)p->stride_w * C;
  const v128_t bias_lo = wasm_v128_load(h->bias_interior), bias_hi = wasm_v128_load(h->bias_interior + 4);
  const uint8_t *xp = x0 + (size_t)(ox_lo * p->stride_w - p->pad_left) * C;
  int ox = ox_lo;
  /* Two pixels at a time share the weight loads and the packing. */
  for (; ox + 1 < ox_hi; ox += 2, xp += 2 * step) {
    v128_t a_lo = bias_lo, a_hi = bias_hi, b_lo = bias_lo, b_hi = bias_hi;
    for (int t = 0; t < taps; t += 2) {
      const size_t ta = (t / k_w) * dy + (t % k_w) * dx, tb = ((t + 1) / k_w) * dy + ((t + 1) % k_w) * dx;
      const bool pair = t + 1 < taps;
      add_tap_pair(&a_lo, &a_hi, load_inputs(xp + ta, splat, is_signed),
                   pair ? load_inputs(xp + tb, splat, is_signed) : wasm_i16x8_splat(0), w + t * CB);
      add_tap_pair(&b_lo, &b_hi, load_inputs(xp + step + ta, splat, is_signed),
                   pair ? load_inputs(xp + step + tb, splat, is_signed) : wasm_i16x8_splat(0), w + t * CB);
    }
    finish_group2(p, h, a_lo, a_hi, b_lo, b_hi, out + (size_t)ox * C_out, out + (size_t)(ox + 1) * C_out, n,
                  is_signed);
  }
  for (; ox < ox_hi; ++ox, xp += step) {
    v128_t acc_lo = bias_lo, acc_hi = bias_hi;
    for (int t = 0; t < taps; t += 2) {
      const v128_t xa = load_inputs(xp + (t / k_w) * dy + (t % k_w) * dx, splat, is_signed);
      const v128_t xb = t + 1 < taps ? load_inputs(xp + ((t + 1) / k_w) * dy + ((t + 1) % k_w) * dx, splat, is_signed)
                                     : wasm_i16x8_splat(0);
      add_tap_pair(&acc_lo, &acc_hi, xa, xb, w + t * CB);
    }
    finish_group(p, h, acc_lo, acc_hi, out + (size_t)ox * C_out, n, is_signed);
  }
}

/* A border pixel: the zero point is subtracted per tap and taps outside the
 * image get zero inputs, so they add nothing (the reference skips them).
 * KH/KW as for interior_pixels. */
static inline __attribute__((always_inline)) void border_pixel(const ei_dwconv_params *p,
                                                               const group_header *h, const int16_t *w,
                                                               const uint8_t *x0, int iy0, int ix0,
                                                               uint8_t *out, int n, int KH, int KW, bool is_signed) {
  const int C = p->in_c;
  const bool splat = p->depth_multiplier != 1;
  const v128_t in_offset = wasm_i16x8_splat((int16_t)p->in_offset);
  const int k_h = KH ? KH : p->k_h, k_w = KW ? KW : p->k_w;
  v128_t acc_lo = wasm_v128_load(h->bias), acc_hi = wasm_v128_load(h->bias + 4);
  v128_t x[2] = {wasm_i16x8_splat(0), wasm_i16x8_splat(0)};
  int t = 0; /* tap number, ky * k_w + kx */
  for (int ky = 0; ky < k_h; ++ky) {
    const int iy = iy0 + ky * p->dil_h;
    const bool row_inside = iy >= 0 && iy < p->in_h;
    for (int kx = 0; kx < k_w; ++kx, ++t) {
      const int ix = ix0 + kx * p->dil_w;
      x[t % 2] = wasm_i16x8_splat(0);
      if (row_inside && ix >= 0 && ix < p->in_w)
        x[t % 2] = wasm_i16x8_add(load_inputs(x0 + ((size_t)iy * p->in_w + ix) * C, splat, is_signed), in_offset);
      if (t % 2 == 1) add_tap_pair(&acc_lo, &acc_hi, x[0], x[1], w + (t / 2) * 2 * CB);
    }
  }
  if (t % 2 == 1) add_tap_pair(&acc_lo, &acc_hi, x[0], wasm_i16x8_splat(0), w + (t / 2) * 2 * CB);
  finish_group(p, h, acc_lo, acc_hi, out, n, is_signed);
}

/* One output row of one image. */
static inline __attribute__((always_inline)) void dwconv_row(const ei_dwconv_params *p,
                                                             const uint8_t *image, int oy,
                                                             uint8_t *out_row, bool is_signed) {
  const int C = p->in_c, C_out = out_channels(p);
  const int iy0 = oy * p->stride_h - p->pad_top;
  const bool rows_inside = iy0 >= 0 && iy0 + (p->k_h - 1) * p->dil_h < p->in_h;
  /* Output columns whose window lies inside the image horizontally. */
  const int reach = (p->k_w - 1) * p->dil_w;
  int ox_lo = (p->pad_left + p->stride_w - 1) / p->stride_w;
  int ox_hi = p->in_w - 1 - reach + p->pad_left >= 0 ? (p->in_w - 1 - reach + p->pad_left) / p->stride_w + 1 : 0;
  if (ox_hi > p->out_w) ox_hi = p->out_w;
  if (!rows_inside || ox_lo > ox_hi) ox_lo = ox_hi = 0;
  const uint8_t *group = p->packed;
  for (int cg = 0; cg < channel_groups(p); ++cg, group += group_bytes(p)) {
    const group_header *h = (const group_header *)group;
    const int16_t *w = (const int16_t *)(group + sizeof *h);
    const int n = C_out - cg * CB < CB ? C_out - cg * CB : CB;
    const int first_input_channel = cg * CB / p->depth_multiplier;
    const uint8_t *x0 = image + first_input_channel;
    uint8_t *out = out_row + (size_t)cg * CB;
    if (!h->simd_ok) {
      /* Some channel's multiplier is outside the SIMD range: this group runs
       * the reference arithmetic (rare: near-dead channels with tiny scales). */
      for (int ox = 0; ox < p->out_w; ++ox)
        for (int j = 0; j < n; ++j)
          out[(size_t)ox * C_out + j] = ei_dwconv_q8_one(p, image, iy0, ox * p->stride_w - p->pad_left, cg * CB + j);
      continue;
    }
    const uint8_t *row0 = rows_inside ? x0 + (size_t)iy0 * p->in_w * C : x0;
    if (p->k_h == 3 && p->k_w == 3)
      interior_pixels(p, h, w, row0, out, ox_lo, ox_hi, n, 3, 3, is_signed);
    else
      interior_pixels(p, h, w, row0, out, ox_lo, ox_hi, n, 0, 0, is_signed);
    for (int ox = 0; ox < p->out_w; ++ox) {
      if (ox == ox_lo && ox_hi > ox_lo) ox = ox_hi;
      if (ox >= p->out_w) break;
      if (p->k_h == 3 && p->k_w == 3)
        border_pixel(p, h, w, x0, iy0, ox * p->stride_w - p->pad_left, out + (size_t)ox * C_out, n, 3, 3, is_signed);
      else
        border_pixel(p, h, w, x0, iy0, ox * p->stride_w - p->pad_left, out + (size_t)ox * C_out, n, 0, 0, is_signed);
    }
  }
}

static void dwconv_simd(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output, bool is_signed) {
  const size_t image_bytes = (size_t)p->in_h * p->in_w * p->in_c;
  const size_t out_row_bytes = (size_t)p->out_w * out_channels(p);
  for (int b = 0; b < p->batches; ++b)
    for (int oy = 0; oy < p->out_h; ++oy) {
      uint8_t *out_row = output + ((size_t)b * p->out_h + oy) * out_row_bytes;
      if (is_signed)
        dwconv_row(p, input + b * image_bytes, oy, out_row, true);
      else
        dwconv_row(p, input + b * image_bytes, oy, out_row, false);
    }
}

void ei_dwconv_q8(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output) {
  if (!p->packed) {
    ei_dwconv_q8_ref(p, input, output);
  } else {
    dwconv_simd(p, input, output, p->is_signed);
  }
}
#endif
