/* conv_q8_wasmsimd.c — CONV_2D and FULLY_CONNECTED as a GEMM with SIMD128,
 * bit-exact with conv_q8.c.
 *
 * out[m][n] = requant(bias'[n] + sum_k x[m][k] * w'[n][k]) where m runs over
 * output pixels, k over the receptive field (k_h * k_w * k_c), w' = w - w_zp
 * (fits int16), and the input zero point is folded into the bias:
 * sum (x - x_zp) w' = sum x w' - x_zp sum w'. The kernels read int16 rows of
 * scratch: a 1x1, stride-1 convolution widens input rows; any other shape
 * widens each receptive field into a row (im2col), with padding positions set
 * to x_zp so they add 0. A block whose requantization takes one rounding has
 * each channel's w' and bias packed times a power of two (see
 * requant_wasmsimd.h, ei_simd_scale_block).
 *
 * Microkernel 4x8c2: four pixels times eight channels, with the channels in
 * the lanes, so nothing is reduced at the end. Weights are packed per block of
 * 8 channels as int16 [k/2][8][2]; each row of a tile is first widened to
 * int16 once, and each pair (x[k], x[k+1]) is loaded as one int32 broadcast to
 * the four lanes and dotted with the pairs of four channels. K is padded to
 * even with a zero weight (a stem's 27 takes 14 steps, not 16); rows are
 * widened 8 at a time, so the input may be read up to 7 bytes past a row
 * (covered by the arena slack).
 *
 * Fewer than 4 pixels (FULLY_CONNECTED with a batch below 4) run microkernel
 * 2x4c8 instead, which wastes less on padding rows: two pixels times four
 * channels, eight k per step (K padded to 8), weights int16 [k/8][4][8]; i32x4.dot_i16x8 adds
 * pairs and the four partial lanes of each accumulator are summed at the end.
 */
#ifdef __wasm_simd128__
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#include "kernels.h"
#include "requant_wasmsimd.h"

#define MR 2 /* output pixels per tile */
#define NR 4 /* output channels per block */
#define KB 8 /* k per step */
#define MR2 4 /* 4x8c2: output pixels per tile */
#define NR2 8 /* 4x8c2: output channels per block */
#define MR_MAX MR2

/* One block of NR (or NR2) channels: constants, then the weights. */
_Static_assert(NR2 == EI_SIMD_BLOCK, "a block's constants are one ei_simd_scales");

typedef struct {
  int32_t bias[NR2];      /* bias - x_zp * sum_k w', scaled with the weights (ei_simd_scale_block) */
  ei_simd_scales scales;
} block_header;

static int reduction_size(const ei_conv_params *p) { return p->k_h * p->k_w * p->k_c; }
static bool tile_4x8(const ei_conv_params *p) { return (int64_t)p->batches * p->out_h * p->out_w >= MR2; }
/* K padded to the k a kernel step takes: a pair for 4x8c2, KB for 2x4c8. */
static int padded_k(const ei_conv_params *p) {
  const int step = tile_4x8(p) ? 2 : KB;
  return (reduction_size(p) + step - 1) / step * step;
}
static int block_channels(const ei_conv_params *p) { return tile_4x8(p) ? NR2 : NR; }
static int channel_blocks(const ei_conv_params *p) { return (p->out_c + block_channels(p) - 1) / block_channels(p); }
/* A single pixel (a classifier head) of int8 weights with zero point 0
 * keeps them as bytes, widened as they are loaded: its weights are each read
 * once per run, so their bytes (a 1280 -> 1001 head's 2.6 MB as int16) cost
 * more than the widening. Such blocks take the two roundings, which leave
 * w' unscaled. */
static bool byte_weights(const ei_conv_params *p) {
  return (int64_t)p->batches * p->out_h * p->out_w == 1 && p->is_signed && p->w_offset == 0;
}

static size_t block_bytes(const ei_conv_params *p) {
  return sizeof(block_header) + (size_t)padded_k(p) * block_channels(p) * (byte_weights(p) ? 1 : sizeof(int16_t));
}

/* The packed weights' sizes, computed once per call and passed down: read
 * from p, they would be reloaded and recomputed (a multiply and a divide) for
 * every block, since a uint8_t output store may alias p. */
typedef struct {
  int padded_k, blocks, out_c;
  size_t block_bytes;
} packed_layout;

/* The output channels of block nb of blocks of nr: nr, fewer in the last. */
static inline int block_width(packed_layout L, int nb, int nr) {
  return L.out_c - nb * nr < nr ? L.out_c - nb * nr : nr;
}

static packed_layout layout_of(const ei_conv_params *p) {
  return (packed_layout){padded_k(p), channel_blocks(p), p->out_c, block_bytes(p)};
}

static bool direct_rows(const ei_conv_params *p) {
  return p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 &&
         p->pad_left == 0 && p->k_c == p->in_c;
}

size_t ei_conv_q8_packed_bytes(const ei_conv_params *p) {
  /* Grouped convolutions and huge receptive fields run the reference. */
  if ((int64_t)p->k_h * p->k_w * p->k_c > (1 << 24) || p->k_c != p->in_c) return 0;
  const uint64_t bytes = (uint64_t)channel_blocks(p) * block_bytes(p);
  return bytes > (1u << 30) ? 0 : (size_t)bytes;
}

/* Scratch: MR_MAX int16 rows of K padded to 8, plus 8 elements that a
 * widening copy may write past a row's end. */
static size_t row_elements(const ei_conv_params *p) { return (size_t)padded_k(p) + KB; }

size_t ei_conv_q8_scratch_bytes(const ei_conv_params *p) {
  return MR_MAX * row_elements(p) * sizeof(int16_t);
}

void ei_conv_q8_pack(ei_conv_params *p, void *packed) {
  const int K = reduction_size(p), Kp = padded_k(p), nr = block_channels(p);
  const int kg = tile_4x8(p) ? 2 : KB; /* k per group of adjacent weights: [k/kg][nr][kg] */
  const int64_t max_x = ei_max_input_magnitude(p->in_offset, p->is_signed);
  const bool bytes = byte_weights(p);
  uint8_t *out = packed;
  for (int nb = 0; nb < channel_blocks(p); ++nb, out += block_bytes(p)) {
    block_header h;
    int16_t *w = (int16_t *)(out + sizeof h);
    int8_t *w8 = (int8_t *)(out + sizeof h);
    memset(&h, 0, sizeof h);
    memset(w, 0, block_bytes(p) - sizeof h);
    const int n = p->out_c - nb * nr < nr ? p->out_c - nb * nr : nr;
    int64_t acc_bound[NR2] = {0}; /* of |bias + sum (x - x_zp) w'| */
    int32_t weight_max[NR2] = {0};
    for (int j = 0; j < n; ++j) {
      const int c = nb * nr + j;
      const uint8_t *src = p->weights + (size_t)c * K;
      ei_weight_stats stats = {0};
      for (int k = 0; k < K; ++k) {
        const int16_t wk = (int16_t)(ei_load_q8(src + k, p->is_signed) + p->w_offset);
        const size_t at = (size_t)(k / kg) * nr * kg + (size_t)j * kg + k % kg;
        if (bytes)
          w8[at] = (int8_t)wk;
        else
          w[at] = wk;
        ei_weight_stats_add(&stats, wk);
      }
      acc_bound[j] = ei_acc_bound(&p->rq, c, max_x, &stats);
      weight_max[j] = stats.max;
      h.bias[j] = ei_fold_bias(&p->rq, c, p->in_offset, &stats);
    }
    int32_t weight_factor[EI_SIMD_BLOCK];
    ei_simd_pack_scales(&p->rq, nb * nr, n, acc_bound, weight_max, !bytes, &h.scales, weight_factor);
    if (!bytes) ei_simd_scale_block(weight_factor, w, (size_t)Kp * nr, kg, nr, h.bias);
    memcpy(out, &h, sizeof h);
  }
  p->packed = packed;
}

/* Sum of the four lanes of each of a, b, c, d: {sum(a), sum(b), sum(c), sum(d)}. */
static inline v128_t reduce4(v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t ab = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  v128_t cd = wasm_i32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

static inline v128_t load_x8(const uint8_t *x, bool is_signed) {
  return is_signed ? wasm_i16x8_load8x8(x) : wasm_u16x8_load8x8(x);
}

/* Stores the low n (<= 4) bytes of v. */
static inline void store_bytes(uint8_t *dst, v128_t v, int n) {
  if (n == NR) {
    wasm_v128_store32_lane(dst, v, 0);
  } else {
    uint8_t tmp[16];
    wasm_v128_store(tmp, v);
    memcpy(dst, tmp, (size_t)n);
  }
}

/* MR rows (mr of them computed: 1 when there is one row, a compile-time
 * constant in each inlined copy) times all channel blocks; rows at or past
 * `rows` are computed on a duplicate of the last row and not stored. */
static inline __attribute__((always_inline)) void gemm_rows(const ei_conv_params *p, packed_layout L, ei_requant_out o,
                                                            const int16_t *const x16[MR], uint8_t *const out[MR],
                                                            int rows, int mr, bool bytes, bool is_signed) {
  const int kblocks = L.padded_k / KB;
  const size_t weight_size = bytes ? 1 : sizeof(int16_t);
  const uint8_t *block = p->packed;
  for (int nb = 0; nb < L.blocks; ++nb, block += L.block_bytes) {
    const block_header *h = (const block_header *)block;
    const uint8_t *w = block + sizeof *h;
    v128_t acc[MR][NR];
    for (int r = 0; r < MR; ++r)
      for (int c = 0; c < NR; ++c) acc[r][c] = wasm_i32x4_splat(0);
    for (int kb = 0; kb < kblocks; ++kb, w += NR * KB * weight_size) {
      v128_t x[MR];
      for (int r = 0; r < mr; ++r) x[r] = wasm_v128_load(x16[r] + kb * KB);
      for (int c = 0; c < NR; ++c) {
        const v128_t wc = bytes ? wasm_i16x8_load8x8(w + c * KB) : wasm_v128_load(w + c * KB * sizeof(int16_t));
        for (int r = 0; r < mr; ++r) acc[r][c] = wasm_i32x4_add(acc[r][c], wasm_i32x4_dot_i16x8(x[r], wc));
      }
    }
    const int n = block_width(L, nb, NR);
    if (!h->scales.simd_ok) {
      /* A channel's multiplier is outside the SIMD range: requantize this
       * block with the reference arithmetic (the folded bias already holds
       * bias - x_zp * sum w', so acc is the reference accumulator). */
      int32_t sums[MR][NR];
      for (int r = 0; r < mr; ++r) {
        wasm_v128_store(sums[r], reduce4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]));
        for (int j = 0; j < n && r < rows; ++j) {
          const int c = nb * NR + j;
          /* ei_requant_channel adds the plain bias back (modulo 2^32). */
          out[r][nb * NR + j] = ei_requant_channel(&p->rq, c, (int64_t)sums[r][j] + h->bias[j] - p->rq.bias[c]);
        }
      }
      continue;
    }
    const v128_t bias = wasm_v128_load(h->bias);
    const v128_t sum0 = wasm_i32x4_add(reduce4(acc[0][0], acc[0][1], acc[0][2], acc[0][3]), bias);
    const v128_t sum1 = mr > 1 ? wasm_i32x4_add(reduce4(acc[1][0], acc[1][1], acc[1][2], acc[1][3]), bias) : sum0;
    /* rows in bytes 0..3, 4..7; this path serves FULLY_CONNECTED with one to three rows, so one inlined
     * copy that branches per vector is enough */
    const v128_t bytes = ei_requant4x2(o, &h->scales, sum0, sum1, is_signed, ei_simd_mode(&h->scales));
    store_bytes(out[0] + nb * NR, bytes, n);
    if (rows > 1) store_bytes(out[1] + nb * NR, wasm_i32x4_shuffle(bytes, bytes, 1, 1, 1, 1), n);
  }
}

/* A block of channels [first, first + n) some of whose multipliers lie
 * outside the SIMD range, requantized with the reference arithmetic for rows
 * [0, rows): sums[r] holds row r's accumulators with the packed (folded)
 * bias, from which ei_requant_channel's plain bias is taken back (modulo
 * 2^32). */
static void requant_rows_ref(const ei_requant *rq, const int32_t (*sums)[NR2], int rows, int first, int n,
                             uint8_t *const out[]) {
  for (int r = 0; r < rows; ++r)
    for (int c = first; c < first + n; ++c)
      out[r][c] = ei_requant_channel(rq, c, (int64_t)sums[r][c - first] - rq->bias[c]);
}

/* Adds the products of one pair of inputs (k, k+1) of row r, loaded as one
 * int32 and broadcast from the widened row x16[r], with the eight channels'
 * weight pairs w0, w1. */
#define C2_STEP(r)                                                               \
  do {                                                                           \
    const v128_t xs = wasm_v128_load32_splat(x16[r] + k);                        \
    acc[r][0] = wasm_i32x4_add(acc[r][0], wasm_i32x4_dot_i16x8(xs, w0));          \
    acc[r][1] = wasm_i32x4_add(acc[r][1], wasm_i32x4_dot_i16x8(xs, w1));          \
  } while (0)

/* Requantizes and stores the 4x8c2 tile acc of channel block nb (n of its
 * channels; rows up to `rows`). Explicit calls rather than a loop over r: a
 * loop clang leaves rolled indexes acc dynamically, which keeps acc in
 * memory, stored on every step. */
static inline __attribute__((always_inline)) void finish_rows_c2(ei_requant_out o, const block_header *h,
                                                                 v128_t acc[MR2][2], uint8_t *const out[MR2], int nb,
                                                                 int rows, int n, bool is_signed, ei_rq_mode mode) {
  uint8_t *const dst[MR2] = {out[0] + nb * NR2, out[1] + nb * NR2, out[2] + nb * NR2, out[3] + nb * NR2};
  ei_requant_store8x2(o, &h->scales, acc[0][0], acc[0][1], acc[1][0], acc[1][1], dst[0], rows > 1 ? dst[1] : NULL, n,
                      is_signed, mode);
  if (rows > 2)
    ei_requant_store8x2(o, &h->scales, acc[2][0], acc[2][1], acc[3][0], acc[3][1], dst[2], rows > 3 ? dst[3] : NULL,
                        n, is_signed, mode);
}

/* 4x8c2: MR2 rows times all channel blocks of NR2; the accumulators start
 * from the folded bias, and lane j of acc[r][h] is channel 4h + j. */
static inline __attribute__((always_inline)) void gemm_rows_c2(const ei_conv_params *p, packed_layout L,
                                                               ei_requant_out o, const int16_t *const x16[MR2],
                                                               uint8_t *const out[MR2],
                                                               int rows, bool is_signed) {
  const int Kp = L.padded_k;
  const uint8_t *block = p->packed;
  for (int nb = 0; nb < L.blocks; ++nb, block += L.block_bytes) {
    const block_header *h = (const block_header *)block;
    const int16_t *w = (const int16_t *)(block + sizeof *h);
    v128_t acc[MR2][2];
    for (int r = 0; r < MR2; ++r) {
      acc[r][0] = wasm_v128_load(h->bias);
      acc[r][1] = wasm_v128_load(h->bias + 4);
    }
    /* One pair of k per iteration, not unrolled: V8 issues all of an
     * iteration's loads first, and 2 weight vectors + 4 broadcasts + 8
     * accumulators is what its 15 vector registers hold without spilling. */
#pragma clang loop unroll(disable)
    for (int k = 0; k < Kp; k += 2, w += 2 * NR2) {
      const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 8);
      C2_STEP(0);
      C2_STEP(1);
      C2_STEP(2);
      C2_STEP(3);
    }
    const int n = block_width(L, nb, NR2);
    if (!h->scales.simd_ok) {
      int32_t sums[MR2][NR2];
      for (int r = 0; r < MR2; ++r) {
        wasm_v128_store(sums[r], acc[r][0]);
        wasm_v128_store(sums[r] + 4, acc[r][1]);
      }
      requant_rows_ref(&p->rq, sums, rows, nb * NR2, n, out);
      continue;
    }
#define FINISH(m) finish_rows_c2(o, h, acc, out, nb, rows, n, is_signed, m)
    EI_RQ_DISPATCH(ei_simd_mode(&h->scales), FINISH);
#undef FINISH
  }
}

/* 1x8c2: one row times all channel blocks of NR2, for a last tile of one
 * pixel (a 7x7 map has 49), at a quarter of a 4-row tile's work on
 * duplicates. Its own wasm function, called through a pointer hidden from
 * the optimizer: inlined, its copies would crowd the 4-row loop's function,
 * and V8's register allocator spills more there. */
static void c2_one_row(const ei_conv_params *p, packed_layout L, ei_requant_out o, const int16_t *x16, uint8_t *out,
                       bool is_signed) {
  const uint8_t *block = p->packed;
  for (int nb = 0; nb < L.blocks; ++nb, block += L.block_bytes) {
    const block_header *h = (const block_header *)block;
    const int16_t *w = (const int16_t *)(block + sizeof *h);
    v128_t acc0 = wasm_v128_load(h->bias), acc1 = wasm_v128_load(h->bias + 4);
    for (int k = 0; k < L.padded_k; k += 2, w += 2 * NR2) {
      const v128_t xs = wasm_v128_load32_splat(x16 + k);
      acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(xs, wasm_v128_load(w)));
      acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(xs, wasm_v128_load(w + 8)));
    }
    const int n = block_width(L, nb, NR2);
    uint8_t *dst = out + nb * NR2;
    if (!h->scales.simd_ok) {
      int32_t sums[1][NR2];
      wasm_v128_store(sums[0], acc0);
      wasm_v128_store(sums[0] + 4, acc1);
      requant_rows_ref(&p->rq, sums, 1, nb * NR2, n, &out);
      continue;
    }
#define ONE_ROW(m) ei_requant_store8x2(o, &h->scales, acc0, acc1, acc0, acc1, dst, NULL, n, is_signed, m)
    EI_RQ_DISPATCH(ei_simd_mode(&h->scales), ONE_ROW);
#undef ONE_ROW
  }
}

/* Widens n bytes of src to int16 at dst, 8 at a time: up to 7 bytes are read
 * past src + n, and up to 7 elements written past dst + n. */
static inline void widen(const uint8_t *src, int16_t *dst, size_t n, bool is_signed) {
  if (n <= 2 * KB) { /* a kernel row of a few channels (a stem's 3 x 3): no loop set-up */
    wasm_v128_store(dst, load_x8(src, is_signed));
    if (n > KB) wasm_v128_store(dst + KB, load_x8(src + KB, is_signed));
    return;
  }
  for (size_t k = 0; k < n; k += KB) wasm_v128_store(dst + k, load_x8(src + k, is_signed));
}

/* Sets n elements at dst to v, 8 at a time (up to 7 written past dst + n). */
static inline void fill(int16_t *dst, v128_t v, size_t n) {
  for (size_t k = 0; k < n; k += KB) wasm_v128_store(dst + k, v);
}

/* Widens the receptive field of output pixel (b, oy, ox) into row, padding
 * with x_zp, then zeros up to the padded K. Segments are written in order, so
 * what one writes past its end the next overwrites. When a kernel row lies
 * inside the image and taps are adjacent (dilation 1), its k_w * k_c bytes are
 * contiguous in the input. */
static void im2col_row(const ei_conv_params *p, const uint8_t *input, int b, int oy, int ox, int16_t *row,
                       bool is_signed) {
  const v128_t pad = wasm_i16x8_splat((int16_t)-p->in_offset);
  const int iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  const bool cols_inside = ix0 >= 0 && ix0 + (p->k_w - 1) * p->dil_w < p->in_w;
  const size_t span = (size_t)p->k_w * p->k_c;
  int16_t *dst = row;
  if (cols_inside && p->dil_w == 1 && iy0 >= 0 && iy0 + (p->k_h - 1) * p->dil_h < p->in_h) {
    /* The whole window inside the image: k_h runs of span bytes, a row apart. */
    const size_t row_step = (size_t)p->dil_h * p->in_w * p->in_c;
    const uint8_t *src = input + (((size_t)b * p->in_h + iy0) * p->in_w + ix0) * p->in_c;
    for (int ky = 0; ky < p->k_h; ++ky, src += row_step, dst += span) widen(src, dst, span, is_signed);
    wasm_v128_store(dst, wasm_i16x8_splat(0));
    return;
  }
  for (int ky = 0; ky < p->k_h; ++ky, dst += span) {
    const int iy = iy0 + ky * p->dil_h;
    if (iy < 0 || iy >= p->in_h) {
      fill(dst, pad, span);
      continue;
    }
    const uint8_t *src_row = input + ((size_t)b * p->in_h + iy) * p->in_w * p->in_c;
    if (cols_inside && p->dil_w == 1) {
      widen(src_row + (size_t)ix0 * p->in_c, dst, span, is_signed);
      continue;
    }
    for (int kx = 0; kx < p->k_w; ++kx) {
      const int ix = ix0 + kx * p->dil_w;
      if (ix < 0 || ix >= p->in_w)
        fill(dst + (size_t)kx * p->k_c, pad, (size_t)p->k_c);
      else
        widen(src_row + (size_t)ix * p->in_c, dst + (size_t)kx * p->k_c, (size_t)p->k_c, is_signed);
    }
  }
  wasm_v128_store(dst, wasm_i16x8_splat(0)); /* dst = row + K; K..padded K are 0 (zero weights too) */
}

static inline __attribute__((always_inline)) void conv_simd(const ei_conv_params *p, const uint8_t *input,
                                                            uint8_t *output, uint8_t *scratch, bool is_signed) {
  const size_t M = (size_t)p->batches * p->out_h * p->out_w;
  const size_t K = (size_t)reduction_size(p), stride = row_elements(p);
  const bool c2 = tile_4x8(p);
  const packed_layout L = layout_of(p);
  const ei_requant_out o = ei_requant_out_of(&p->rq);
  const bool direct = direct_rows(p), bytes = byte_weights(p);
  const int mr = c2 ? MR2 : MR;
  int16_t *const rows16 = (int16_t *)scratch;
  void (*one_row)(const ei_conv_params *, packed_layout, ei_requant_out, const int16_t *, uint8_t *, bool) =
      c2_one_row;
  __asm__("" : "+r"(one_row));
  int b = 0, oy = 0, ox = 0; /* the next pixel to widen, counted (dividing m costs more than widening it) */
  for (size_t m = 0; m < M; m += (size_t)mr) {
    const int rows = M - m < (size_t)mr ? (int)(M - m) : mr;
    /* Each row is widened once and read by every channel block; rows past
     * `rows` repeat the last one. */
    const int16_t *x16[MR_MAX];
    uint8_t *out[MR_MAX];
    for (int r = 0; r < mr; ++r) {
      const size_t pix = m + (size_t)(r < rows ? r : rows - 1);
      out[r] = output + pix * L.out_c;
      x16[r] = rows16 + (size_t)(r < rows ? r : rows - 1) * stride;
      if (r >= rows) continue;
      if (direct) {
        widen(input + pix * K, rows16 + (size_t)r * stride, (size_t)L.padded_k, is_signed);
      } else {
        im2col_row(p, input, b, oy, ox, rows16 + (size_t)r * stride, is_signed);
        if (++ox == p->out_w) {
          ox = 0;
          if (++oy == p->out_h) oy = 0, ++b;
        }
      }
    }
    if (c2 && rows == 1)
      one_row(p, L, o, x16[0], out[0], is_signed);
    else if (c2)
      gemm_rows_c2(p, L, o, x16, out, rows, is_signed);
    else if (rows == 1 && bytes) /* a single pixel (a classifier head): no duplicate row */
      gemm_rows(p, L, o, x16, out, rows, 1, true, is_signed);
    else if (rows == 1)
      gemm_rows(p, L, o, x16, out, rows, 1, false, is_signed);
    else
      gemm_rows(p, L, o, x16, out, rows, MR, false, is_signed);
  }
}

void ei_conv_q8(const ei_conv_params *p, const uint8_t *input, uint8_t *output, uint8_t *scratch) {
  if (!p->packed) {
    ei_conv_q8_ref(p, input, output);
  } else if (p->is_signed) {
    conv_simd(p, input, output, scratch, true);
  } else {
    conv_simd(p, input, output, scratch, false);
  }
}
#endif
