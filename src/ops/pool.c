/* pool.c — AVERAGE_POOL_2D and MAX_POOL_2D, 8-bit or float32. 8-bit pools
 * keep the input's scale and zero point, so the kernels work on quantized
 * values directly. */
#include "ops/op_common.h"

/* Pool2DOptions fields. */
enum { PADDING = 0, STRIDE_W = 1, STRIDE_H = 2, FILTER_W = 3, FILTER_H = 4, ACTIVATION = 5 };

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 1, 1, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *out = ei_output(g, n, 0);
  const bool is_float = in->type == EI_FLOAT32;
  if (is_float) {
    if ((s = ei_check_same_type(g, n, in, out)) || (s = ei_check_rank(g, n, in, 4))) return s;
  } else if ((s = ei_check_q8(g, n, in)) || (s = ei_check_q8(g, n, out)) ||
             (s = ei_check_same_type(g, n, in, out)) || (s = ei_check_rank(g, n, in, 4))) {
    return s;
  }
  if (!is_float && (in->q.scale != out->q.scale || in->q.zero_point != out->q.zero_point))
    return ei_fail(g, EI_UNSUPPORTED_OP, "input and output quantization differ (%g/%d vs %g/%d)",
                   (double)in->q.scale, (int)in->q.zero_point, (double)out->q.scale,
                   (int)out->q.zero_point);

  fb_table o;
  uint8_t padding, act;
  int32_t stride_w, stride_h, filter_w, filter_h;
  if ((s = ei_options(g, n, EI_OPT_POOL2D, &o))) return s;
  if (!fb_u8(&o, PADDING, 0, &padding) || !fb_i32(&o, STRIDE_W, 0, &stride_w) ||
      !fb_i32(&o, STRIDE_H, 0, &stride_h) || !fb_i32(&o, FILTER_W, 0, &filter_w) ||
      !fb_i32(&o, FILTER_H, 0, &filter_h) || !fb_u8(&o, ACTIVATION, 0, &act))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");

  ei_pool_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->batches = in->dims[0];
  p->in_h = in->dims[1];
  p->in_w = in->dims[2];
  p->channels = in->dims[3];
  p->k_h = filter_h;
  p->k_w = filter_w;
  p->stride_h = stride_h;
  p->stride_w = stride_w;
  p->is_signed = in->type == EI_INT8;
  if ((s = ei_compute_padding(g, n, padding, p->in_h, filter_h, stride_h, 1, &p->out_h, &p->pad_top)) ||
      (s = ei_compute_padding(g, n, padding, p->in_w, filter_w, stride_w, 1, &p->out_w, &p->pad_left)))
    return s;
  s = is_float ? ei_activation_f32(g, n, act, &p->f_act_min, &p->f_act_max)
               : ei_activation(g, n, act, out, &p->act_min, &p->act_max);
  if (s != EI_OK) return s;
  n->params = p;
  const int32_t dims[4] = {p->batches, p->out_h, p->out_w, p->channels};
  return ei_set_shape(g, out, 4, dims);
}

static ei_status eval_average(ei_graph *g, ei_node *n) {
  const ei_tensor *in = ei_input(g, n, 0);
  if (in->type == EI_FLOAT32)
    ei_avgpool_f32(n->params, (const float *)in->data, (float *)ei_output(g, n, 0)->data);
  else
    ei_avgpool_q8(n->params, in->data, ei_output(g, n, 0)->data);
  return EI_OK;
}

static ei_status eval_max(ei_graph *g, ei_node *n) {
  const ei_tensor *in = ei_input(g, n, 0);
  if (in->type == EI_FLOAT32)
    ei_maxpool_f32(n->params, (const float *)in->data, (float *)ei_output(g, n, 0)->data);
  else
    ei_maxpool_q8(n->params, in->data, ei_output(g, n, 0)->data);
  return EI_OK;
}

const ei_op_kernel ei_op_average_pool_2d = {"AVERAGE_POOL_2D", prepare, eval_average};
const ei_op_kernel ei_op_max_pool_2d = {"MAX_POOL_2D", prepare, eval_max};
