/* resize_bilinear.c — RESIZE_BILINEAR of an NHWC tensor to a constant size.
 *
 * Each output pixel (y, x) maps to a source position; its value blends the
 * four surrounding input pixels. The source positions depend only on y or x,
 * so prepare tabulates them per row and per column, once.
 *  - int8: TFLM's ResizeBilinearInteger. Positions are in 1/1024 units,
 *    weights multiply in int64, and the sum (2^20 units) is rounded half away
 *    from zero.
 *  - uint8 and float32: TFLite's reference, in float: position = y * scale (or
 *    (y + 0.5) * scale - 0.5 with half-pixel centers), weights 1 - d and d, the
 *    four products summed in the reference's order; uint8 adds 0.5 and
 *    truncates.
 * align_corners maps the corner pixels onto each other. A lower source index
 * is clamped to the input (the reference would read past it for some extreme
 * upscalings); this never changes an in-bounds result. */
#include <math.h>

#include "ops/elementwise.h"
#include "ops/op_common.h"
#include "kernels/resize.h"

enum { OPT_RESIZE_BILINEAR = 15 };                          /* BuiltinOptions tag */
enum { ALIGN_CORNERS = 2, HALF_PIXEL_CENTERS = 3 };         /* ResizeBilinearOptions */
enum { MAX_SIDE = 1 << 20 };     /* keeps the 1/1024-unit positions within int32 */

/* Source of one output row (or column). */
typedef struct {
  int32_t lo, hi;      /* the two input rows blended */
  int32_t pos;         /* integer path: position in 1/1024 units */
  float pos_f;         /* float path: position */
} source;

typedef struct {
  int batches, in_h, in_w, depth, out_h, out_w;
  int32_t type;
  source *rows, *cols;
  ei_resize_column *blend_cols; /* float paths: cols as the blend kernel reads them */
  ei_resize_column_q10 *int8_cols; /* int8 path: the same for its kernel */
} resize_params;

/* The source of output index `i` along one axis (ComputeInterpolationValues
 * and its integer variant). */
static source locate(int32_t i, int32_t in, int32_t out, bool align_corners, bool half_pixel,
                     bool integer) {
  source s;
  if (integer) {
    int32_t scale = ((1 << 10) * in + out / 2) / out;
    if (align_corners && out > 1) scale = ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
    s.pos = half_pixel ? i * scale + scale / 2 - (1 << 9) : i * scale;
    s.pos_f = 0;
    s.lo = s.pos / (1 << 10); /* C division truncates, as the reference's */
    s.hi = (s.pos + (1 << 10) - 1) / (1 << 10);
  } else {
    float scale = (float)in / (float)out;
    if (align_corners && out > 1) scale = (float)(in - 1) / (float)(out - 1);
    s.pos_f = half_pixel ? ((float)i + 0.5f) * scale - 0.5f : (float)i * scale;
    s.pos = 0;
    s.lo = (int32_t)floorf(s.pos_f);
    s.hi = (int32_t)ceilf(s.pos_f);
  }
  if (s.lo < 0) s.lo = 0;
  if (s.lo > in - 1) s.lo = in - 1;
  if (s.hi > in - 1) s.hi = in - 1;
  return s;
}

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 2, 2, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s == EI_OK) s = ei_require(g, n, 1, "size");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *size = ei_input(g, n, 1), *out = ei_output(g, n, 0);
  char label[96];
  if ((s = ei_check_same_type(g, n, in, out)) || (s = ei_check_rank(g, n, in, 4)) ||
      (s = ei_check_type(g, n, size, EI_INT32)) || (s = ei_check_const(g, n, size)))
    return s;
  if (in->type != EI_INT8 && in->type != EI_UINT8 && in->type != EI_FLOAT32)
    return ei_fail(g, EI_UNSUPPORTED_OP, "%s is %s; only INT8, UINT8 and FLOAT32 are supported",
                   ei_tensor_label(g, ei_tensor_index(g, in), label, sizeof label), ei_dtype_name(in->type));
  if (size->rank != 1 || size->dims[0] != 2)
    return ei_fail(g, EI_MODEL_INVALID, "%s must hold [height, width]",
                   ei_tensor_label(g, ei_tensor_index(g, size), label, sizeof label));
  fb_table o;
  uint8_t align_corners, half_pixel;
  if ((s = ei_options(g, n, OPT_RESIZE_BILINEAR, &o))) return s;
  if (!fb_u8(&o, ALIGN_CORNERS, 0, &align_corners) || !fb_u8(&o, HALF_PIXEL_CENTERS, 0, &half_pixel))
    return ei_fail(g, EI_MODEL_INVALID, "malformed options");
  if (align_corners && half_pixel)
    return ei_fail(g, EI_MODEL_INVALID, "align_corners and half_pixel_centers are both set");

  resize_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->type = in->type;
  p->batches = in->dims[0];
  p->in_h = in->dims[1];
  p->in_w = in->dims[2];
  p->depth = in->dims[3];
  p->out_h = ei_const_i32(size, 0);
  p->out_w = ei_const_i32(size, 1);
  if (p->out_h < 1 || p->out_w < 1 || p->in_h < 1 || p->in_w < 1)
    return ei_fail(g, EI_MODEL_INVALID, "cannot resize %dx%d to %dx%d", p->in_h, p->in_w, p->out_h, p->out_w);
  if (p->out_h > MAX_SIDE || p->out_w > MAX_SIDE || p->in_h > MAX_SIDE || p->in_w > MAX_SIDE)
    return ei_fail(g, EI_UNSUPPORTED_OP, "sides above %d are not supported (%dx%d to %dx%d)", MAX_SIDE,
                   p->in_h, p->in_w, p->out_h, p->out_w);
  const int32_t dims[4] = {p->batches, p->out_h, p->out_w, p->depth};
  if ((s = ei_set_shape(g, out, 4, dims))) return s;

  p->rows = ei_alloc(g, ((size_t)p->out_h + (size_t)p->out_w) * sizeof(source));
  if (!p->rows) return g->status;
  p->cols = p->rows + p->out_h;
  const bool integer = in->type == EI_INT8;
  for (int32_t y = 0; y < p->out_h; ++y)
    p->rows[y] = locate(y, p->in_h, p->out_h, align_corners, half_pixel, integer);
  for (int32_t x = 0; x < p->out_w; ++x)
    p->cols[x] = locate(x, p->in_w, p->out_w, align_corners, half_pixel, integer);
  /* The float paths' two weighted source rows. */
  const size_t row_elems = (size_t)p->in_w * (size_t)p->depth;
  if (!integer && row_elems > EI_MAX_TENSOR_BYTES / (2 * sizeof(float)))
    return ei_fail(g, EI_UNSUPPORTED_OP, "input rows of %zu elements are too long", row_elems);
  if (integer) {
    p->int8_cols = ei_alloc(g, (size_t)p->out_w * sizeof *p->int8_cols);
    if (!p->int8_cols) return g->status;
    for (int32_t x = 0; x < p->out_w; ++x) {
      const source *c = &p->cols[x];
      p->int8_cols[x] = (ei_resize_column_q10){(size_t)c->lo * (size_t)p->depth, (size_t)c->hi * (size_t)p->depth,
                                               c->pos - (1 << 10) * c->lo};
    }
  } else {
    ei_request_scratch(n, 2 * row_elems * sizeof(float));
    p->blend_cols = ei_alloc(g, (size_t)p->out_w * sizeof *p->blend_cols);
    if (!p->blend_cols) return g->status;
    for (int32_t x = 0; x < p->out_w; ++x) {
      const source *c = &p->cols[x];
      ei_resize_column *b = &p->blend_cols[x];
      b->lo = (size_t)c->lo * (size_t)p->depth;
      b->hi = (size_t)c->hi * (size_t)p->depth;
      b->dx = c->pos_f - (float)c->lo;
      b->one_minus_dx = 1 - b->dx;
    }
  }
  n->params = p;
  return EI_OK;
}

/* The reference's float blend of one output is, left to right,
 *   v00 * (1 - dy) * (1 - dx) + v10 * dy * (1 - dx) + v01 * (1 - dy) * dx + v11 * dy * dx.
 * Each first product (v * (1 - dy) or v * dy) depends only on the output row,
 * so it is tabulated once per row for the two source rows (top, bottom); the
 * outputs then repeat the reference's remaining multiplications and additions
 * in its order, which gives the same float result. */
static void weigh_rows(const resize_params *p, const source *r, const uint8_t *top_row,
                       const uint8_t *bottom_row, float *top, float *bottom) {
  const float dy = r->pos_f - (float)r->lo, one_minus_dy = 1 - dy;
  const size_t count = (size_t)p->in_w * (size_t)p->depth;
  if (p->type == EI_UINT8) {
    for (size_t i = 0; i < count; ++i) {
      top[i] = (float)top_row[i] * one_minus_dy;
      bottom[i] = (float)bottom_row[i] * dy;
    }
  } else {
    for (size_t i = 0; i < count; ++i) {
      top[i] = ei_get_f32(top_row + 4 * i) * one_minus_dy;
      bottom[i] = ei_get_f32(bottom_row + 4 * i) * dy;
    }
  }
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const resize_params *p = n->params;
  const uint8_t *in = ei_input(g, n, 0)->data;
  uint8_t *out = ei_output(g, n, 0)->data;
  if (ei_output(g, n, 0)->bytes == 0) return EI_OK; /* e.g. no channels: nothing to walk */
  const size_t es = ei_dtype_size(p->type), depth = (size_t)p->depth;
  const size_t row_bytes = (size_t)p->in_w * depth * es, out_row_bytes = (size_t)p->out_w * depth * es;
  float *top = (float *)n->scratch, *bottom = top + (size_t)p->in_w * depth;
  for (int b = 0; b < p->batches; ++b) {
    const uint8_t *image = in + (size_t)b * (size_t)p->in_h * row_bytes;
    for (int y = 0; y < p->out_h; ++y, out += out_row_bytes) {
      const source *r = &p->rows[y];
      const uint8_t *top_row = image + (size_t)r->lo * row_bytes, *bottom_row = image + (size_t)r->hi * row_bytes;
      if (p->type == EI_INT8) {
        ei_resize_row_int8((const int8_t *)top_row, (const int8_t *)bottom_row, r->pos - (1 << 10) * r->lo,
                           p->int8_cols, (size_t)p->out_w, depth, (int8_t *)out);
      } else {
        weigh_rows(p, r, top_row, bottom_row, top, bottom);
        if (p->type == EI_UINT8)
          ei_resize_blend_row_u8(top, bottom, p->blend_cols, (size_t)p->out_w, depth, out);
        else
          ei_resize_blend_row_f32(top, bottom, p->blend_cols, (size_t)p->out_w, depth, (float *)out);
      }
    }
  }
  return EI_OK;
}

const ei_op_kernel ei_op_resize_bilinear = {"RESIZE_BILINEAR", prepare, eval};
