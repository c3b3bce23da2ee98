/* depthwise_conv.c — DEPTHWISE_CONV_2D: each input channel convolved with
 * depth_multiplier filters of its own; 8-bit or float32. */
#include "ops/op_common.h"

/* DepthwiseConv2DOptions fields. */
enum { PADDING = 0, STRIDE_W = 1, STRIDE_H = 2, DEPTH_MULTIPLIER = 3, ACTIVATION = 4,
       DILATION_W = 5, DILATION_H = 6 };

static ei_status prepare(ei_graph *g, ei_node *n);

/* float32 runs its own eval (prepare_f32 switches the node to it): the float
 * and 8-bit kernels then stay in separate functions of the wasm build (one
 * eval calling both had both inlined into it, and the float loops spilled). */
static ei_status eval_f32(ei_graph *g, ei_node *n) {
  ei_dwconv_f32(n->params, (const float *)ei_input(g, n, 0)->data, (float *)ei_output(g, n, 0)->data);
  return EI_OK;
}

static const ei_op_kernel kernel_f32 = {"DEPTHWISE_CONV_2D", prepare, eval_f32};

/* float32: the geometry worked out in the 8-bit params `q`, the float bias and bounds. */
static ei_status prepare_f32(ei_graph *g, ei_node *n, const ei_dwconv_params *q, const ei_weighted_operands *ops,
                             uint8_t act) {
  ei_dwconv_f32_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  *p = (ei_dwconv_f32_params){.batches = q->batches, .in_h = q->in_h, .in_w = q->in_w, .in_c = q->in_c,
                              .out_h = q->out_h, .out_w = q->out_w, .depth_multiplier = q->depth_multiplier,
                              .k_h = q->k_h, .k_w = q->k_w, .stride_h = q->stride_h,
                              .stride_w = q->stride_w, .dil_h = q->dil_h, .dil_w = q->dil_w,
                              .pad_top = q->pad_top, .pad_left = q->pad_left,
                              .weights = (const float *)ops->w->data};
  const int out_c = p->in_c * p->depth_multiplier;
  ei_status s = ei_bias_f32(g, n, ops->bias, out_c, &p->bias);
  if (s == EI_OK) s = ei_activation_f32(g, n, act, &p->act_min, &p->act_max);
  if (s == EI_OK) s = ei_setup_dwconv_f32_kernel(g, n, p, ops->in);
  if (s != EI_OK) return s;
  n->params = p;
  n->kernel = &kernel_f32;
  const int32_t dims[4] = {p->batches, p->out_h, p->out_w, out_c};
  return ei_set_shape(g, ops->out, 4, dims);
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_weighted_operands ops;
  ei_status s = ei_weighted_operands_of(g, n, 4, 4, &ops);
  if (s != EI_OK) return s;
  ei_tensor *in = ops.in, *w = ops.w, *bias = ops.bias, *out = ops.out;

  fb_table o;
  uint8_t padding, act;
  int32_t stride_w, stride_h, multiplier, dil_w, dil_h;
  if ((s = ei_options(g, n, EI_OPT_DEPTHWISE_CONV2D, &o))) return s;
  if (!fb_u8(&o, PADDING, 0, &padding) || !fb_i32(&o, STRIDE_W, 0, &stride_w) ||
      !fb_i32(&o, STRIDE_H, 0, &stride_h) || !fb_i32(&o, DEPTH_MULTIPLIER, 0, &multiplier) ||
      !fb_u8(&o, ACTIVATION, 0, &act) || !fb_i32(&o, DILATION_W, 1, &dil_w) ||
      !fb_i32(&o, DILATION_H, 1, &dil_h))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");

  ei_dwconv_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->batches = in->dims[0];
  p->in_h = in->dims[1];
  p->in_w = in->dims[2];
  p->in_c = in->dims[3];
  p->k_h = w->dims[1];
  p->k_w = w->dims[2];
  const int out_c = w->dims[3];
  /* The filter's channel count is authoritative; the option may be 0 in old files. */
  if (w->dims[0] != 1 || p->in_c < 1 || out_c % p->in_c != 0 ||
      (multiplier > 0 && (int64_t)multiplier * p->in_c != out_c))
    return ei_fail(g, EI_MODEL_INVALID,
                   "filter %dx%dx%dx%d does not fit %d input channels with depth multiplier %d",
                   w->dims[0], p->k_h, p->k_w, out_c, p->in_c, (int)multiplier);
  p->depth_multiplier = out_c / p->in_c;
  if ((s = ei_compute_padding(g, n, padding, p->in_h, p->k_h, stride_h, dil_h, &p->out_h, &p->pad_top)) ||
      (s = ei_compute_padding(g, n, padding, p->in_w, p->k_w, stride_w, dil_w, &p->out_w, &p->pad_left)))
    return s;
  p->stride_h = stride_h;
  p->stride_w = stride_w;
  p->dil_h = dil_h;
  p->dil_w = dil_w;
  if (in->type == EI_FLOAT32) return prepare_f32(g, n, p, &ops, act);
  p->is_signed = in->type == EI_INT8;
  p->in_offset = -in->q.zero_point;
  p->w_offset = p->is_signed ? 0 : -w->q.zero_point;
  p->weights = w->data;
  s = ei_conv_requant(g, n, in, w, bias, out, out_c, 3, !p->is_signed, act, &p->rq);
  if (s == EI_OK) s = ei_setup_dwconv_kernel(g, n, p, in);
  if (s != EI_OK) return s;
  n->params = p;
  const int32_t dims[4] = {p->batches, p->out_h, p->out_w, out_c};
  return ei_set_shape(g, out, 4, dims);
}

static ei_status eval(ei_graph *g, ei_node *n) {
  ei_dwconv_q8(n->params, ei_input(g, n, 0)->data, ei_output(g, n, 0)->data, n->scratch);
  return EI_OK;
}

const ei_op_kernel ei_op_depthwise_conv_2d = {"DEPTHWISE_CONV_2D", prepare, eval};
