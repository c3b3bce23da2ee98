/* op_common.h — prepare-time helpers shared by the op families: 8-bit type
 * checks, SAME/VALID padding, fused activations, and the per-channel
 * requantization multipliers with their packed bias. */
#ifndef EI_OP_COMMON_H
#define EI_OP_COMMON_H

#include "graph.h"
#include "kernels/kernels.h"

enum { EI_PADDING_SAME = 0, EI_PADDING_VALID = 1 };

/* BuiltinOptions union tags (schema.fbs). */
enum {
  EI_OPT_CONV2D = 1, EI_OPT_DEPTHWISE_CONV2D = 2, EI_OPT_POOL2D = 5, EI_OPT_FULLY_CONNECTED = 8,
  EI_OPT_SOFTMAX = 9, EI_OPT_ADD = 11, EI_OPT_RESHAPE = 17, EI_OPT_REDUCER = 27, EI_OPT_QUANTIZE = 89
};

/* The tensor is int8 or uint8 with valid per-tensor quantization. */
ei_status ei_check_q8(ei_graph *g, const ei_node *n, const ei_tensor *t);
/* Both tensors have the same type. */
ei_status ei_check_same_type(ei_graph *g, const ei_node *n, const ei_tensor *a, const ei_tensor *b);

/* The operands of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: input,
 * constant weights, optional bias, one output, all 8-bit of one type, or all
 * float32 when the input is (see ei_check_weighted_f32). */
typedef struct {
  ei_tensor *in, *w, *bias, *out;
} ei_weighted_operands;
/* in_rank 0 accepts any input rank. */
ei_status ei_weighted_operands_of(ei_graph *g, ei_node *n, int in_rank, int w_rank, ei_weighted_operands *o);

/* True when a and b have the same rank and dimensions. */
static inline bool ei_same_shape(const ei_tensor *a, const ei_tensor *b) {
  if (a->rank != b->rank) return false;
  for (int i = 0; i < a->rank; ++i)
    if (a->dims[i] != b->dims[i]) return false;
  return true;
}

/* Two operands broadcast numpy-style to one output shape. Strides are in
 * elements, 0 along the axes where an operand is repeated. */
typedef struct {
  int rank;
  int32_t dims[EI_MAX_RANK];
  size_t stride1[EI_MAX_RANK], stride2[EI_MAX_RANK];
} ei_broadcast;

ei_status ei_broadcast_shapes(ei_graph *g, const ei_node *n, const ei_tensor *a, const ei_tensor *b,
                              ei_broadcast *bc);

/* A broadcast for walking in blocks: neighbouring axes merged where
 * both operands step over them contiguously (or both repeat), size-1 axes
 * dropped, and padded to at least two axes. The two innermost axes form one
 * block, which callers walk with plain loops; the outer axes, usually none,
 * are stepped with ei_broadcast_next_block. Sizes are size_t: merged axes can
 * exceed int32. */
typedef struct {
  int rank;
  size_t dims[EI_MAX_RANK], stride1[EI_MAX_RANK], stride2[EI_MAX_RANK];
} ei_broadcast_blocks;

void ei_broadcast_merge(const ei_broadcast *bc, ei_broadcast_blocks *w);

/* Elements per block (the two innermost axes). */
static inline size_t ei_broadcast_block_size(const ei_broadcast_blocks *w) {
  return w->dims[w->rank - 2] * w->dims[w->rank - 1];
}

/* Advances (at1, at2) from one block to the next; index is the outer axes'
 * multi-index, all zeros at the start. */
static inline void ei_broadcast_next_block(const ei_broadcast_blocks *w, size_t *index, size_t *at1,
                                           size_t *at2) {
  for (int d = w->rank - 3; d >= 0; --d) {
    *at1 += w->stride1[d];
    *at2 += w->stride2[d];
    if (++index[d] < w->dims[d]) return;
    *at1 -= w->stride1[d] * w->dims[d];
    *at2 -= w->stride2[d] * w->dims[d];
    index[d] = 0;
  }
}

/* ---- 8-bit binary ops where one operand has few elements ----
 * (a per-channel constant, a scalar): every output is
 * table[small_element * 256 + large_byte], built per eval from the op's own
 * arithmetic, which takes the form finish(input(1, x1), input(2, x2)): each
 * operand value goes through `input` once, each pair through `finish`. */
enum { EI_NO_TABLE, EI_TABLE_OF_INPUT1, EI_TABLE_OF_INPUT2 };

typedef struct {
  int which;   /* EI_NO_TABLE or the small operand */
  size_t rows; /* elements of the small operand */
} ei_byte_table;

/* What operand 1 or 2 contributes for its value x, and the result for the
 * contributions a, b of operands 1 and 2. */
typedef int32_t (*ei_q8_input_fn)(const void *params, int operand, int32_t x);
typedef uint8_t (*ei_q8_finish_fn)(const void *params, int32_t a, int32_t b);

/* A table when building it (256 entries per element of the small operand)
 * costs at most half of computing the outputs directly; requests the scratch. */
void ei_choose_byte_table(ei_node *n, const ei_tensor *a, const ei_tensor *b, const ei_tensor *out,
                          ei_byte_table *t);
/* table[e * 256 + byte]: the result for element e of the small operand and a
 * large-operand value stored as `byte`, in the operands' order. Inline, so
 * that each op's input and finish are inlined into its loops. */
static inline void ei_build_byte_table(const ei_byte_table *t, const uint8_t *small, bool is_signed,
                                       ei_q8_input_fn input, ei_q8_finish_fn finish, const void *params,
                                       uint8_t *table) {
  const bool small_is_1 = t->which == EI_TABLE_OF_INPUT1;
  int32_t large[256]; /* each byte's contribution, once rather than once per row */
  for (int byte = 0; byte < 256; ++byte) {
    const uint8_t stored = (uint8_t)byte;
    large[byte] = input(params, small_is_1 ? 2 : 1, ei_load_q8(&stored, is_signed));
  }
  for (size_t e = 0; e < t->rows; ++e) {
    const int32_t s = input(params, small_is_1 ? 1 : 2, ei_load_q8(small + e, is_signed));
    for (int byte = 0; byte < 256; ++byte)
      table[e * 256 + (size_t)byte] = small_is_1 ? finish(params, s, large[byte]) : finish(params, large[byte], s);
  }
}

/* Every block of w by lookup: x1, x2 are the operands, out the output. */
void ei_run_byte_table(const ei_byte_table *t, const ei_broadcast_blocks *w, const uint8_t *table,
                       const uint8_t *x1, const uint8_t *x2, uint8_t *out, size_t total);

/* Output size and leading pad of one spatial axis (TFLite ComputeOutSize and
 * ComputePaddingWithOffset: an odd total pad puts the extra pixel after). */
ei_status ei_compute_padding(ei_graph *g, const ei_node *n, int padding, int in, int kernel,
                             int stride, int dilation, int *out, int *pad_before);

/* Fused activation range in output units; unsupported activations are errors. */
ei_status ei_activation(ei_graph *g, const ei_node *n, uint8_t act, const ei_tensor *out,
                        int32_t *lo, int32_t *hi);

/* Per-output-channel bias, multipliers and shifts for conv-like ops.
 * float_product: multiplier = (double)(float)(in_scale * w_scale) / out_scale, as TFLite
 * computes it for per-tensor uint8 and fully connected layers; otherwise
 * in_scale * w_scale[c] / out_scale in double (per-channel int8). */
ei_status ei_conv_requant(ei_graph *g, const ei_node *n, const ei_tensor *in, const ei_tensor *w,
                          const ei_tensor *bias, const ei_tensor *out, int out_channels,
                          int channel_axis, bool float_product, uint8_t act, ei_requant *rq);

/* Packs weights for the build's fast kernel (when it takes this configuration)
 * and requests its scratch memory. The input must live in the arena: fast
 * kernels may read a little past its end. */
ei_status ei_setup_conv_kernel(ei_graph *g, ei_node *n, ei_conv_params *p, const ei_tensor *in);
ei_status ei_setup_dwconv_kernel(ei_graph *g, ei_node *n, ei_dwconv_params *p, const ei_tensor *in);

/* ---- float32 ---- */

/* Fused activation bounds of a float32 output (TFLite CalculateActivationRange:
 * NONE clamps to +-FLT_MAX); unsupported activations are errors. */
ei_status ei_activation_f32(ei_graph *g, const ei_node *n, uint8_t act, float *lo, float *hi);

/* The float32 operands of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED:
 * weights and output float32 like the input, constant weights. The bias,
 * when present: float32, constant, `out_channels` elements (*out NULL
 * without one). */
ei_status ei_check_weighted_f32(ei_graph *g, const ei_node *n, const ei_weighted_operands *o);
ei_status ei_bias_f32(ei_graph *g, const ei_node *n, const ei_tensor *bias, int out_channels, const float **out);

/* Packs weights for the build's fast float kernel and requests its scratch
 * memory, as ei_setup_conv_kernel does for 8-bit. */
ei_status ei_setup_conv_f32_kernel(ei_graph *g, ei_node *n, ei_conv_f32_params *p, const ei_tensor *in);
ei_status ei_setup_dwconv_f32_kernel(ei_graph *g, ei_node *n, ei_dwconv_f32_params *p, const ei_tensor *in);

/* (significand, exponent) of a multiplier, rejecting ones the arithmetic cannot apply. */
ei_status ei_multiplier(ei_graph *g, const ei_node *n, double m, int32_t *significand, int *exponent);

#endif
