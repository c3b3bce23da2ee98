/* quantize.c — QUANTIZE and DEQUANTIZE.
 *
 * QUANTIZE between 8-bit types requantizes every element from the input's
 * scale and zero point to the output's (int8 <-> uint8 included). From
 * float32 it is TFLite's AffineQuantize: round(x / scale) in float, ties away
 * from zero, plus the zero point, saturated to the output type.
 * DEQUANTIZE (int8/uint8 -> float32) is (q - zero_point) * scale, rounded once
 * to float (ei_dequantize_q8). DEQUANTIZE of float16 (how converters store float weights at half
 * size) widens exactly; a constant input is widened once at prepare into a
 * buffer of the op's own, and the output becomes a constant: it takes no arena
 * bytes, later ops see constant weights, and eval does nothing. */
#include <math.h>

#include "ops/elementwise.h"
#include "ops/op_common.h"
#include "quant.h"

typedef struct {
  bool from_float;
  float out_scale;    /* from_float */
  int32_t in_zero_point, out_zero_point, multiplier;
  int shift;
  bool in_signed, out_signed;
  bool flip_sign_bit; /* same scale, int8 <-> uint8 with zero points 128 apart */
  uint8_t table[256];  /* 8-bit input: the output for each stored input byte */
} quantize_params;

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 1, 1, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *out = ei_output(g, n, 0);
  if (in->type != EI_FLOAT32 && (s = ei_check_q8(g, n, in))) return s;
  if ((s = ei_check_q8(g, n, out))) return s;
  quantize_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->out_zero_point = out->q.zero_point;
  p->out_signed = out->type == EI_INT8;
  n->params = p;
  if (in->type == EI_FLOAT32) {
    char label[96];
    if (out->q.channels != 1)
      return ei_fail(g, EI_UNSUPPORTED_OP, "%s has %u scales; only per-tensor quantization is supported",
                     ei_tensor_label(g, ei_tensor_index(g, out), label, sizeof label), out->q.channels);
    p->from_float = true;
    p->out_scale = out->q.scale;
    return ei_set_shape(g, out, in->rank, in->dims);
  }
  int e;
  if ((s = ei_multiplier(g, n, (double)in->q.scale / (double)out->q.scale, &p->multiplier, &e))) return s;
  p->shift = e;
  p->in_zero_point = in->q.zero_point;
  p->in_signed = in->type == EI_INT8;
  /* Then requantizing is exactly x ^ 0x80 (TFLite takes the same shortcut). */
  const int32_t zp_shift = p->in_signed ? 128 : -128;
  p->flip_sign_bit = p->multiplier == (1 << 30) && p->shift == 1 && p->in_signed != p->out_signed &&
                     p->out_zero_point - p->in_zero_point == zp_shift;
  /* 256 possible inputs: requantize each once here, look them up in eval. */
  const int32_t qmin = p->out_signed ? -128 : 0, qmax = p->out_signed ? 127 : 255;
  for (int byte = 0; byte < 256; ++byte) {
    const uint8_t stored = (uint8_t)byte;
    const int32_t x = ei_load_q8(&stored, p->in_signed) - p->in_zero_point;
    const int64_t v = (int64_t)ei_requantize(x, p->multiplier, p->shift) + p->out_zero_point;
    p->table[byte] = (uint8_t)(int32_t)(v < qmin ? qmin : v > qmax ? qmax : v);
  }
  return ei_set_shape(g, out, in->rank, in->dims);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const quantize_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0);
  uint8_t *out = ei_output(g, n, 0)->data;
  const size_t count = ei_num_elements(in);
  if (p->from_float) {
    ei_quantize_f32(in->data, out, count, p->out_scale, p->out_zero_point, p->out_signed);
    return EI_OK;
  }
  /* A local: read through `in` in the loops, the pointer would be reloaded
   * after every byte stored (the store may alias the tensor), and the flip
   * would not vectorize. */
  const uint8_t *src = in->data;
  if (p->flip_sign_bit) {
    for (size_t i = 0; i < count; ++i) out[i] = src[i] ^ 0x80;
    return EI_OK;
  }
  for (size_t i = 0; i < count; ++i) out[i] = p->table[src[i]];
  return EI_OK;
}

const ei_op_kernel ei_op_quantize = {"QUANTIZE", prepare, eval};

/* ---- DEQUANTIZE ---- */

typedef struct {
  float scale;
  int32_t zero_point;
  bool is_signed;
} dequantize_params;

static void widen_f16(const uint8_t *in, uint8_t *out, size_t count) {
  for (size_t i = 0; i < count; ++i)
    ei_put_f32(out + 4 * i, ei_f16_to_f32((uint16_t)(in[2 * i] | in[2 * i + 1] << 8))); /* little-endian */
}

static ei_status prepare_dequantize_f16(ei_graph *g, ei_node *n, ei_tensor *in, ei_tensor *out) {
  ei_status s = ei_check_type(g, n, out, EI_FLOAT32);
  if (s == EI_OK) s = ei_set_shape(g, out, in->rank, in->dims);
  if (s != EI_OK || !in->is_const) return s;
  /* Fold: 16 bytes of slack to align the floats for vector loads. */
  uint8_t *block = ei_alloc(g, out->bytes + 16);
  if (!block) return g->status;
  uint8_t *data = block + (16 - (uintptr_t)block % 16) % 16;
  widen_f16(in->data, data, ei_num_elements(in));
  out->data = data;
  out->is_const = true;
  return EI_OK;
}

static ei_status prepare_dequantize(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 1, 1, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *out = ei_output(g, n, 0);
  if (in->type == EI_FLOAT16) return prepare_dequantize_f16(g, n, in, out);
  if ((s = ei_check_q8(g, n, in)) || (s = ei_check_type(g, n, out, EI_FLOAT32))) return s;
  char label[96];
  if (in->q.channels != 1)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s has %u scales; only per-tensor quantization is supported",
                   ei_tensor_label(g, ei_tensor_index(g, in), label, sizeof label), in->q.channels);
  dequantize_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->scale = in->q.scale;
  p->zero_point = in->q.zero_point;
  p->is_signed = in->type == EI_INT8;
  n->params = p;
  return ei_set_shape(g, out, in->rank, in->dims);
}

static ei_status eval_dequantize(ei_graph *g, ei_node *n) {
  const dequantize_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0);
  uint8_t *out = ei_output(g, n, 0)->data;
  const size_t count = ei_num_elements(in);
  if (in->type == EI_FLOAT16) {
    if (!in->is_const) widen_f16(in->data, out, count); /* a constant input was folded at prepare */
    return EI_OK;
  }
  ei_dequantize_q8(in->data, out, count, p->scale, p->zero_point, p->is_signed);
  return EI_OK;
}

const ei_op_kernel ei_op_dequantize = {"DEQUANTIZE", prepare_dequantize, eval_dequantize};
