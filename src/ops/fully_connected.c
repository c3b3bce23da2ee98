/* fully_connected.c — FULLY_CONNECTED: out[b] = W · in[b] + bias, with the
 * input flattened to [batches, K] where K is the weights' second dimension.
 * The arithmetic is a 1x1 convolution over `batches` pixels, so it runs on
 * the convolution kernels (8-bit or float32). */
#include "ops/op_common.h"

/* FullyConnectedOptions fields. */
enum { ACTIVATION = 0, WEIGHTS_FORMAT = 1, KEEP_NUM_DIMS = 2 };

static ei_status prepare(ei_graph *g, ei_node *n);

/* float32 runs its own eval (prepare_f32 switches the node to it): the float
 * and 8-bit kernels then stay in separate functions of the wasm build (one
 * eval calling both had both inlined into it, and the float loops spilled). */
static ei_status eval_f32(ei_graph *g, ei_node *n) {
  ei_conv_f32(n->params, (const float *)ei_input(g, n, 0)->data, (float *)ei_output(g, n, 0)->data,
              (float *)n->scratch);
  return EI_OK;
}

static const ei_op_kernel kernel_f32 = {"FULLY_CONNECTED", prepare, eval_f32};

/* float32: the 1x1 convolution described by `q`, with the float bias and bounds. */
static ei_status prepare_f32(ei_graph *g, ei_node *n, const ei_conv_params *q, const ei_weighted_operands *ops,
                             uint8_t act) {
  ei_conv_f32_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  *p = (ei_conv_f32_params){.batches = 1, .in_h = 1, .in_w = q->in_w, .in_c = q->in_c, .out_h = 1,
                            .out_w = q->out_w, .out_c = q->out_c, .k_h = 1, .k_w = 1, .k_c = q->k_c,
                            .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1,
                            .weights = (const float *)ops->w->data};
  ei_status s = ei_bias_f32(g, n, ops->bias, p->out_c, &p->bias);
  if (s == EI_OK) s = ei_activation_f32(g, n, act, &p->act_min, &p->act_max);
  if (s == EI_OK) s = ei_setup_conv_f32_kernel(g, n, p, ops->in);
  if (s == EI_OK) {
    n->params = p;
    n->kernel = &kernel_f32;
  }
  return s;
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_weighted_operands ops;
  ei_status s = ei_weighted_operands_of(g, n, 0, 2, &ops);
  if (s != EI_OK) return s;
  ei_tensor *in = ops.in, *w = ops.w, *bias = ops.bias, *out = ops.out;

  fb_table o;
  uint8_t act, format, keep_dims;
  if ((s = ei_options(g, n, EI_OPT_FULLY_CONNECTED, &o))) return s;
  if (!fb_u8(&o, ACTIVATION, 0, &act) || !fb_u8(&o, WEIGHTS_FORMAT, 0, &format) ||
      !fb_u8(&o, KEEP_NUM_DIMS, 0, &keep_dims))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");
  if (format != 0) return ei_fail(g, EI_UNSUPPORTED_OP, "shuffled weights format %u is not supported", format);

  const int out_depth = w->dims[0], in_depth = w->dims[1];
  size_t total = ei_num_elements(in);
  if (in_depth < 1 || out_depth < 1 || in->rank < 1 || total % (size_t)in_depth != 0)
    return ei_fail(g, EI_MODEL_INVALID, "input of %zu elements does not fit weights %dx%d", total,
                   out_depth, in_depth);
  ei_conv_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  *p = (ei_conv_params){.batches = 1, .in_h = 1, .in_w = (int)(total / (size_t)in_depth),
                        .in_c = in_depth, .out_h = 1, .out_c = out_depth, .k_h = 1, .k_w = 1,
                        .k_c = in_depth, .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1};
  p->out_w = p->in_w;
  if (in->type == EI_FLOAT32) {
    s = prepare_f32(g, n, p, &ops, act);
  } else {
    p->is_signed = in->type == EI_INT8;
    p->in_offset = -in->q.zero_point;
    p->w_offset = p->is_signed ? 0 : -w->q.zero_point;
    p->weights = w->data;
    /* Per-tensor weights: TFLite takes the product of the two float scales in float. */
    s = ei_conv_requant(g, n, in, w, bias, out, out_depth, 0, w->q.channels == 1, act, &p->rq);
    if (s == EI_OK) s = ei_setup_conv_kernel(g, n, p, in);
    if (s == EI_OK) n->params = p;
  }
  if (s != EI_OK) return s;
  if (keep_dims) {
    if (in->dims[in->rank - 1] != in_depth)
      return ei_fail(g, EI_MODEL_INVALID, "keep_num_dims needs the last input dimension to be %d",
                     in_depth);
    int32_t dims[EI_MAX_RANK];
    for (int i = 0; i < in->rank; ++i) dims[i] = in->dims[i];
    dims[in->rank - 1] = out_depth;
    return ei_set_shape(g, out, in->rank, dims);
  }
  const int32_t dims[2] = {p->in_w, out_depth};
  return ei_set_shape(g, out, 2, dims);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  ei_conv_q8(n->params, ei_input(g, n, 0)->data, ei_output(g, n, 0)->data, n->scratch);
  return EI_OK;
}

const ei_op_kernel ei_op_fully_connected = {"FULLY_CONNECTED", prepare, eval};
