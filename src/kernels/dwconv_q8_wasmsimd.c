/* dwconv_q8_wasmsimd.c — DEPTHWISE_CONV_2D with SIMD128 for depth multiplier 1
 * or a multiple of 8, bit-exact with dwconv_q8.c.
 *
 * Eight output channels per group: each tap widens eight inputs to int16 (or
 * broadcasts the one input channel the group reads). Taps go in pairs: the
 * inputs of taps a and b are interleaved (a0 b0 a1 b1 ...) and
 * i32x4.dot_i16x8 adds x_a * w_a + x_b * w_b per channel, with the int16
 * weights w' = w - w_zp packed [tap pair][channel][2]; an odd last tap pairs
 * with zero weights. The input zero point is folded into the bias:
 * sum (x - x_zp) w' = sum x w' - x_zp sum w'; as in conv_q8_wasmsimd.c, a
 * group's w' and bias may be packed times a power of two per channel. A tap's
 * input is the pixel's window origin plus an offset: the same offsets serve
 * every pixel whose window lies inside the image, and each border pixel gets
 * its own, where a tap
 * outside the image points at a row of x_zp bytes, so it adds 0 (the reference
 * skips it); all pixels then run the same loop. Channels are padded to a
 * multiple of 8 with zero weights, so a pixel's last group may read up to 7
 * bytes past it (the arena slack, or the padding of the x_zp row).
 */
#ifdef __wasm_simd128__
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"
#include "requant_wasmsimd.h"

#define CB 8 /* channels per group */

_Static_assert(CB == EI_SIMD_BLOCK, "a block's constants are one ei_simd_scales");

typedef struct {
  int32_t bias[CB];          /* bias - x_zp * sum of the channel's weights, scaled with them (ei_simd_scale_block) */
  ei_simd_scales scales;
} group_header;

static int out_channels(const ei_dwconv_params *p) { return p->in_c * p->depth_multiplier; }
static int channel_groups(const ei_dwconv_params *p) { return (out_channels(p) + CB - 1) / CB; }
static int tap_pairs(const ei_dwconv_params *p) { return (p->k_h * p->k_w + 1) / 2; }
static int padded_taps(const ei_dwconv_params *p) { return 2 * tap_pairs(p); }
/* The output channels of group cg: CB, fewer in the last. */
static int group_width(const ei_dwconv_params *p, int cg) {
  return out_channels(p) - cg * CB < CB ? out_channels(p) - cg * CB : CB;
}
static size_t group_bytes(const ei_dwconv_params *p) {
  return sizeof(group_header) + (size_t)tap_pairs(p) * 2 * CB * sizeof(int16_t);
}

size_t ei_dwconv_q8_packed_bytes(const ei_dwconv_params *p) {
  /* Each group of 8 outputs reads 8 adjacent input channels (multiplier 1) or one (multiples of 8). */
  const bool groups_fit = p->depth_multiplier == 1 || p->depth_multiplier % CB == 0;
  if (!groups_fit || (int64_t)p->k_h * p->k_w > (1 << 16)) return 0;
  const uint64_t bytes = (uint64_t)channel_groups(p) * group_bytes(p);
  /* The scratch's offset table (one row of pixels) must stay addressable too. */
  const uint64_t table = (uint64_t)(p->out_w + 1) * (uint64_t)(p->k_h * p->k_w + 1) * sizeof(uint32_t);
  return bytes > (1u << 30) || table > (1u << 30) ? 0 : (size_t)bytes;
}

/* A map of at most SMALL_MAP output pixels (a 7x7 one) runs as one list of
 * pixels per channel group (dwconv_image) rather than row by row: pairs of
 * pixels may span two rows, so an odd width computes no pixel twice, and a
 * group is set up once per image instead of once per row. */
#define SMALL_MAP 64
static bool small_map(const ei_dwconv_params *p) {
  return (int64_t)p->out_h * p->out_w <= SMALL_MAP && p->k_h * p->k_w <= SMALL_MAP;
}

/* Scratch: the tap offsets of interior pixels, those of one row's pixels
 * (used for border pixels), then the row of x_zp; for a small map, each
 * pixel's origin and offsets instead. Offsets are 32-bit: wasm addresses
 * are, and sums wrap modulo 2^32. */
static size_t offsets_bytes(const ei_dwconv_params *p) {
  if (small_map(p)) return (size_t)p->out_h * p->out_w * (padded_taps(p) + 1) * sizeof(uint32_t);
  return (size_t)(p->out_w + 1) * padded_taps(p) * sizeof(uint32_t);
}

size_t ei_dwconv_q8_scratch_bytes(const ei_dwconv_params *p) {
  if (ei_dwconv_q8_packed_bytes(p) == 0) return 0;
  return offsets_bytes(p) + (size_t)p->in_c + CB + EI_KERNEL_OVERREAD;
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
    const int n = group_width(p, cg);
    int64_t acc_bound[CB] = {0}; /* of |bias + sum (x - x_zp) w'| */
    int32_t weight_max[CB] = {0};
    for (int j = 0; j < n; ++j) {
      const int c = cg * CB + j;
      ei_weight_stats stats = {0};
      for (int t = 0; t < taps; ++t) {
        const int16_t wt = (int16_t)(ei_load_q8(p->weights + (size_t)t * out_channels(p) + c, p->is_signed) + p->w_offset);
        w[(t / 2) * 2 * CB + j * 2 + t % 2] = wt;
        ei_weight_stats_add(&stats, wt);
      }
      acc_bound[j] = ei_acc_bound(&p->rq, c, max_x, &stats);
      weight_max[j] = stats.max;
      h.bias[j] = ei_fold_bias(&p->rq, c, p->in_offset, &stats);
    }
    int32_t weight_factor[EI_SIMD_BLOCK];
    ei_simd_pack_scales(&p->rq, cg * CB, n, acc_bound, weight_max, true, &h.scales, weight_factor);
    ei_simd_scale_block(weight_factor, w, (size_t)tap_pairs(p) * 2 * CB, 2, CB, h.bias);
    memcpy(out, &h, sizeof h);
  }
  p->packed = packed;
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

/* Adds the `taps` (padded_taps) taps of pixels a and b, whose inputs are
 * origin + offsets[t] (at channel offset c), one pair of taps per step. The pairs are not unrolled:
 * V8 issues all of a step's loads first, and two pixels' inputs, the weights
 * and four accumulators then still fit its vector registers. SPLAT: the
 * depth multiplier is a multiple of 8 (a compile-time choice, so the loop
 * has no branch). */
static inline __attribute__((always_inline)) void accumulate_two_pixels(
    int taps, const int16_t *w, uintptr_t origin_a, const uint32_t *offsets_a, uintptr_t origin_b,
    const uint32_t *offsets_b, v128_t *a_lo, v128_t *a_hi, v128_t *b_lo, v128_t *b_hi, bool splat, bool is_signed) {
  const uint32_t *const end_a = offsets_a + taps;
  /* Pointers walk the tables (an index would cost V8 a multiply-add per load). */
#pragma clang loop unroll(disable)
  for (; offsets_a != end_a; offsets_a += 2, offsets_b += 2, w += 2 * CB) {
    const uint8_t *xa0 = (const uint8_t *)(origin_a + offsets_a[0]), *xa1 = (const uint8_t *)(origin_a + offsets_a[1]);
    const uint8_t *xb0 = (const uint8_t *)(origin_b + offsets_b[0]), *xb1 = (const uint8_t *)(origin_b + offsets_b[1]);
    add_tap_pair(a_lo, a_hi, load_inputs(xa0, splat, is_signed), load_inputs(xa1, splat, is_signed), w);
    add_tap_pair(b_lo, b_hi, load_inputs(xb0, splat, is_signed), load_inputs(xb1, splat, is_signed), w);
  }
}

/* As accumulate_two_pixels for two pixels inside the image, `step` bytes
 * apart: they share the offsets. */
static inline __attribute__((always_inline)) void accumulate_two_inner_pixels(
    int taps, const int16_t *w, uintptr_t origin, size_t step, const uint32_t *offsets, v128_t *a_lo, v128_t *a_hi,
    v128_t *b_lo, v128_t *b_hi, bool splat, bool is_signed) {
  const uint32_t *const end = offsets + taps;
#pragma clang loop unroll(disable)
  for (; offsets != end; offsets += 2, w += 2 * CB) {
    const uint8_t *x0 = (const uint8_t *)(origin + offsets[0]), *x1 = (const uint8_t *)(origin + offsets[1]);
    add_tap_pair(a_lo, a_hi, load_inputs(x0, splat, is_signed), load_inputs(x1, splat, is_signed), w);
    add_tap_pair(b_lo, b_hi, load_inputs(x0 + step, splat, is_signed), load_inputs(x1 + step, splat, is_signed), w);
  }
}

/* The offsets of taps from a window origin inside the image. A padding tap
 * (an odd count's last) has zero weights: it reads the first tap again. */
static void interior_offsets(const ei_dwconv_params *p, uint32_t *offsets) {
  int t = 0;
  for (int ky = 0; ky < p->k_h; ++ky)
    for (int kx = 0; kx < p->k_w; ++kx, ++t)
      offsets[t] = (uint32_t)(((size_t)ky * p->dil_h * p->in_w + (size_t)kx * p->dil_w) * p->in_c);
  for (; t < padded_taps(p); ++t) offsets[t] = 0;
}

/* The offsets of the taps of a window with origin (iy0, ix0) from `origin`,
 * its address (which may lie outside the image); taps outside the image
 * point at zp_row. */
static void border_offsets(const ei_dwconv_params *p, const uint8_t *image, int iy0, int ix0, uintptr_t origin,
                           const uint8_t *zp_row, uint32_t *offsets) {
  int t = 0;
  for (int ky = 0; ky < p->k_h; ++ky) {
    const int iy = iy0 + ky * p->dil_h;
    for (int kx = 0; kx < p->k_w; ++kx, ++t) {
      const int ix = ix0 + kx * p->dil_w;
      const bool inside = iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w;
      const uint8_t *x = inside ? image + ((size_t)iy * p->in_w + ix) * p->in_c : zp_row;
      offsets[t] = (uint32_t)((uintptr_t)x - origin);
    }
  }
  for (; t < padded_taps(p); ++t) offsets[t] = (uint32_t)((uintptr_t)zp_row - origin);
}

/* One output row of one channel group (n of its channels, at byte out of the
 * row): pixels [ox_lo, ox_hi) have their windows inside the image and share
 * `inner`; the others have their own offsets in row_offsets. mode is the
 * group's ei_simd_mode, a constant in each inlined copy. */
static inline __attribute__((always_inline)) void group_row(
    const ei_dwconv_params *p, const group_header *h, int n, uintptr_t row_origin, uintptr_t step, size_t c,
    const uint32_t *inner, const uint32_t *row_offsets, int ox_lo, int ox_hi, uint8_t *out, bool splat,
    bool is_signed, ei_rq_mode mode) {
  /* Locals, not p's fields: a uint8_t output store may alias p, which would
   * have them reloaded and recomputed for every pixel. */
  const int C_out = out_channels(p), taps = padded_taps(p), out_w = p->out_w;
  const ei_requant_out o = ei_requant_out_of(&p->rq);
  const int16_t *w = (const int16_t *)(h + 1);
  const v128_t bias_lo = wasm_v128_load(h->bias), bias_hi = wasm_v128_load(h->bias + 4);
#define offsets_of(ox) ((ox) >= ox_lo && (ox) < ox_hi ? inner : row_offsets + (size_t)(ox) * taps)
  /* Two pixels at a time share the weight loads and the packing; an odd
   * last pixel is computed twice and stored once. */
  for (int ox = 0; ox < out_w; ox += 2) {
    const int ox_b = ox + 1 < out_w ? ox + 1 : ox;
    const uintptr_t origin_a = row_origin + ox * step + c, origin_b = row_origin + ox_b * step + c;
    v128_t a_lo = bias_lo, a_hi = bias_hi, b_lo = bias_lo, b_hi = bias_hi;
    if (ox >= ox_lo && ox_b < ox_hi && ox_b == ox + 1)
      accumulate_two_inner_pixels(taps, w, origin_a, step, inner, &a_lo, &a_hi, &b_lo, &b_hi, splat, is_signed);
    else
      accumulate_two_pixels(taps, w, origin_a, offsets_of(ox), origin_b, offsets_of(ox_b), &a_lo, &a_hi, &b_lo, &b_hi,
                            splat, is_signed);
    ei_requant_store8x2(o, &h->scales, a_lo, a_hi, b_lo, b_hi, out + (size_t)ox * C_out,
                        ox_b != ox ? out + (size_t)ox_b * C_out : NULL, n, is_signed, mode);
  }
#undef offsets_of
}

/* Output rows [oy_begin, oy_end) of channel group cg (n channels, from out:
 * the first row's first byte of the group) with the reference arithmetic,
 * for a group some channel's multiplier of which is outside the SIMD range
 * (rare: near-dead channels with tiny scales). */
static void group_reference(const ei_dwconv_params *p, const uint8_t *image, int cg, int n, int oy_begin,
                            int oy_end, uint8_t *out) {
  const size_t C_out = (size_t)out_channels(p);
  for (int oy = oy_begin; oy < oy_end; ++oy, out += (size_t)p->out_w * C_out)
    for (int ox = 0; ox < p->out_w; ++ox)
      for (int j = 0; j < n; ++j)
        out[(size_t)ox * C_out + j] =
            ei_dwconv_q8_one(p, image, oy * p->stride_h - p->pad_top, ox * p->stride_w - p->pad_left, cg * CB + j);
}

/* One output row of one image; `inner` holds the offsets of a window inside
 * the image (interior_offsets), row_offsets has room for out_w pixels' own. */
static inline __attribute__((always_inline)) void dwconv_row(const ei_dwconv_params *p, const uint8_t *image,
                                                             int oy, uint8_t *out_row, const uint32_t *inner,
                                                             uint32_t *row_offsets, const uint8_t *zp_row,
                                                             bool splat, bool is_signed) {
  const int taps = padded_taps(p);
  const int iy0 = oy * p->stride_h - p->pad_top;
  const bool rows_inside = iy0 >= 0 && iy0 + (p->k_h - 1) * p->dil_h < p->in_h;
  const int reach = (p->k_w - 1) * p->dil_w;
  /* Window origins, as addresses (wrapping where they lie outside the image). */
  const uintptr_t row_origin = (uintptr_t)image + ((uintptr_t)(intptr_t)iy0 * (uintptr_t)p->in_w -
                                                    (uintptr_t)p->pad_left) * (uintptr_t)p->in_c;
  const uintptr_t step = (uintptr_t)p->stride_w * p->in_c;
  /* Output columns [ox_lo, ox_hi) have their whole window inside the image. */
  int ox_lo = (p->pad_left + p->stride_w - 1) / p->stride_w;
  int ox_hi = p->in_w - 1 - reach + p->pad_left >= 0 ? (p->in_w - 1 - reach + p->pad_left) / p->stride_w + 1 : 0;
  if (ox_hi > p->out_w) ox_hi = p->out_w;
  if (!rows_inside || ox_lo > ox_hi) ox_lo = ox_hi = 0;
  for (int ox = 0; ox < p->out_w; ++ox)
    if (ox < ox_lo || ox >= ox_hi)
      border_offsets(p, image, iy0, ox * p->stride_w - p->pad_left, row_origin + ox * step, zp_row,
                     row_offsets + (size_t)ox * taps);
  const uint8_t *group = p->packed;
  for (int cg = 0; cg < channel_groups(p); ++cg, group += group_bytes(p)) {
    const group_header *h = (const group_header *)group;
    const int n = group_width(p, cg);
    const size_t c = (size_t)cg * CB / p->depth_multiplier; /* first input channel */
    uint8_t *out = out_row + (size_t)cg * CB;
    if (!h->scales.simd_ok) { /* rare: see group_reference */
      group_reference(p, image, cg, n, oy, oy + 1, out);
      continue;
    }
#define GROUP_ROW(m) \
  group_row(p, h, n, row_origin, step, c, inner, row_offsets, ox_lo, ox_hi, out, splat, is_signed, m)
    EI_RQ_DISPATCH(ei_simd_mode(&h->scales), GROUP_ROW);
#undef GROUP_ROW
  }
}

/* The pixels [0, pixels) of an image for one channel group, two at a time:
 * pixel k's window starts at origins[k] and its taps at offsets[k * taps]. */
static inline __attribute__((always_inline)) void group_pixels(const ei_dwconv_params *p, const group_header *h, int n,
                                                               size_t c, const uintptr_t *origins,
                                                               const uint32_t *offsets, int pixels, uint8_t *out,
                                                               bool splat, bool is_signed, ei_rq_mode mode) {
  const int C_out = out_channels(p), taps = padded_taps(p);
  const ei_requant_out o = ei_requant_out_of(&p->rq);
  const int16_t *w = (const int16_t *)(h + 1);
  const v128_t bias_lo = wasm_v128_load(h->bias), bias_hi = wasm_v128_load(h->bias + 4);
  for (int a = 0; a < pixels; a += 2) {
    const int b = a + 1 < pixels ? a + 1 : a;
    v128_t a_lo = bias_lo, a_hi = bias_hi, b_lo = bias_lo, b_hi = bias_hi;
    accumulate_two_pixels(taps, w, origins[a] + c, offsets + (size_t)a * taps, origins[b] + c,
                          offsets + (size_t)b * taps, &a_lo, &a_hi, &b_lo, &b_hi, splat, is_signed);
    ei_requant_store8x2(o, &h->scales, a_lo, a_hi, b_lo, b_hi, out + (size_t)a * C_out,
                        b != a ? out + (size_t)b * C_out : NULL, n, is_signed, mode);
  }
}

/* A small map's image: every pixel's origin and offsets, then each channel
 * group over all pixels. */
static inline __attribute__((always_inline)) void dwconv_image(const ei_dwconv_params *p, const uint8_t *image,
                                                               uint8_t *out_image, uint32_t *scratch,
                                                               const uint8_t *zp_row, bool splat, bool is_signed) {
  const int taps = padded_taps(p), pixels = p->out_h * p->out_w;
  uintptr_t *origins = (uintptr_t *)scratch;
  uint32_t *offsets = scratch + pixels;
  const uintptr_t step = (uintptr_t)p->stride_w * p->in_c;
  for (int oy = 0, k = 0; oy < p->out_h; ++oy) {
    const int iy0 = oy * p->stride_h - p->pad_top;
    const uintptr_t row_origin = (uintptr_t)image + ((uintptr_t)(intptr_t)iy0 * (uintptr_t)p->in_w -
                                                      (uintptr_t)p->pad_left) * (uintptr_t)p->in_c;
    for (int ox = 0; ox < p->out_w; ++ox, ++k) {
      origins[k] = row_origin + ox * step;
      border_offsets(p, image, iy0, ox * p->stride_w - p->pad_left, origins[k], zp_row, offsets + (size_t)k * taps);
    }
  }
  const uint8_t *group = p->packed;
  for (int cg = 0; cg < channel_groups(p); ++cg, group += group_bytes(p)) {
    const group_header *h = (const group_header *)group;
    const int n = group_width(p, cg);
    const size_t c = (size_t)cg * CB / p->depth_multiplier; /* first input channel */
    uint8_t *out = out_image + (size_t)cg * CB;
    if (!h->scales.simd_ok) {
      group_reference(p, image, cg, n, 0, p->out_h, out);
      continue;
    }
#define GROUP_PIXELS(m) group_pixels(p, h, n, c, origins, offsets, pixels, out, splat, is_signed, m)
    EI_RQ_DISPATCH(ei_simd_mode(&h->scales), GROUP_PIXELS);
#undef GROUP_PIXELS
  }
}

/* dwconv_row for each input type and broadcast choice, each its own wasm
 * function: inlined all together into one, the function grew past where V8's
 * register allocator keeps the tap loops' accumulators in registers (it
 * spilled them on every step). They are called through a pointer, which
 * also keeps the optimizer from inlining them back (clang's noinline does
 * not bind wasm-opt). */
#define DWCONV_ROW_COPY(name, splat, is_signed)                                                                 \
  static __attribute__((noinline)) void name(const ei_dwconv_params *p, const uint8_t *image, int oy,          \
                                             uint8_t *out_row, const uint32_t *inner, uint32_t *row_offsets,  \
                                             const uint8_t *zp_row) {                                         \
    dwconv_row(p, image, oy, out_row, inner, row_offsets, zp_row, splat, is_signed);                          \
  }
DWCONV_ROW_COPY(dwconv_row_s8, false, true)
DWCONV_ROW_COPY(dwconv_row_s8_splat, true, true)
DWCONV_ROW_COPY(dwconv_row_u8, false, false)
DWCONV_ROW_COPY(dwconv_row_u8_splat, true, false)
#undef DWCONV_ROW_COPY

/* The same for dwconv_image. */
#define DWCONV_IMAGE_COPY(name, splat, is_signed)                                                          \
  static __attribute__((noinline)) void name(const ei_dwconv_params *p, const uint8_t *image, uint8_t *out, \
                                             uint32_t *scratch, const uint8_t *zp_row) {                   \
    dwconv_image(p, image, out, scratch, zp_row, splat, is_signed);                                        \
  }
DWCONV_IMAGE_COPY(dwconv_image_s8, false, true)
DWCONV_IMAGE_COPY(dwconv_image_s8_splat, true, true)
DWCONV_IMAGE_COPY(dwconv_image_u8, false, false)
DWCONV_IMAGE_COPY(dwconv_image_u8_splat, true, false)
#undef DWCONV_IMAGE_COPY

static void dwconv_simd(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output, uint8_t *scratch,
                        bool is_signed) {
  const size_t image_bytes = (size_t)p->in_h * p->in_w * p->in_c;
  const size_t out_row_bytes = (size_t)p->out_w * out_channels(p);
  uint8_t *zp_row = scratch + offsets_bytes(p);
  memset(zp_row, (uint8_t)-p->in_offset, (size_t)p->in_c + CB + EI_KERNEL_OVERREAD);
  const bool splat = p->depth_multiplier != 1;
  if (small_map(p)) {
    void (*const whole)(const ei_dwconv_params *, const uint8_t *, uint8_t *, uint32_t *, const uint8_t *) =
        is_signed ? (splat ? dwconv_image_s8_splat : dwconv_image_s8) : (splat ? dwconv_image_u8_splat : dwconv_image_u8);
    for (int b = 0; b < p->batches; ++b)
      whole(p, input + b * image_bytes, output + (size_t)b * p->out_h * out_row_bytes, (uint32_t *)scratch, zp_row);
    return;
  }
  uint32_t *inner = (uint32_t *)scratch, *row_offsets = inner + padded_taps(p);
  interior_offsets(p, inner);
  void (*const row)(const ei_dwconv_params *, const uint8_t *, int, uint8_t *, const uint32_t *, uint32_t *,
                    const uint8_t *) = is_signed ? (splat ? dwconv_row_s8_splat : dwconv_row_s8)
                                                 : (splat ? dwconv_row_u8_splat : dwconv_row_u8);
  for (int b = 0; b < p->batches; ++b) {
    const uint8_t *image = input + b * image_bytes;
    for (int oy = 0; oy < p->out_h; ++oy)
      row(p, image, oy, output + ((size_t)b * p->out_h + oy) * out_row_bytes, inner, row_offsets, zp_row);
  }
}

void ei_dwconv_q8(const ei_dwconv_params *p, const uint8_t *input, uint8_t *output, uint8_t *scratch) {
  if (!p->packed) {
    ei_dwconv_q8_ref(p, input, output);
  } else {
    dwconv_simd(p, input, output, scratch, p->is_signed);
  }
}
#endif
