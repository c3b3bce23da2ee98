/* cast.c — CAST between bool, 8/16/32/64-bit integers, float32 and float64,
 * with C++ static_cast semantics: integers wrap to a narrower integer type,
 * integers convert to the nearest float, floats truncate toward zero, and any
 * non-zero value is true. A float to integer conversion is undefined in the
 * reference when the value does not fit; here it saturates (NaN gives 0). */
#include <math.h>

#include "ops/elementwise.h"
#include "ops/op_common.h"

typedef struct {
  int32_t in_type, out_type;
  size_t in_size, out_size;
} cast_params;

static bool castable(int32_t type) {
  switch (type) {
    case EI_BOOL: case EI_INT8: case EI_UINT8: case EI_INT16: case 16 /* UINT16 */:
    case EI_INT32: case 15 /* UINT32 */: case EI_INT64: case EI_FLOAT32: case EI_FLOAT64:
      return true;
    default:
      return false;
  }
}

static bool is_float(int32_t type) { return type == EI_FLOAT32 || type == EI_FLOAT64; }

static ei_status prepare(ei_graph *g, ei_node *n) {
  ei_status s = ei_check_arity(g, n, 1, 1, 1);
  if (s == EI_OK) s = ei_require(g, n, 0, "input");
  if (s != EI_OK) return s;
  ei_tensor *in = ei_input(g, n, 0), *out = ei_output(g, n, 0);
  char label[96];
  const ei_tensor *bad = !castable(in->type) ? in : !castable(out->type) ? out : NULL;
  if (bad)
    return ei_fail(g, EI_UNSUPPORTED_OP,
                   "%s is %s; CAST supports BOOL, integers up to 64 bits, FLOAT32 and FLOAT64",
                   ei_tensor_label(g, ei_tensor_index(g, bad), label, sizeof label),
                   ei_dtype_name(bad->type));
  cast_params *p = ei_alloc(g, sizeof *p);
  if (!p) return g->status;
  p->in_type = in->type;
  p->out_type = out->type;
  p->in_size = ei_dtype_size(in->type);
  p->out_size = ei_dtype_size(out->type);
  n->params = p;
  return ei_set_shape(g, out, in->rank, in->dims);
}

/* Integer elements, widened exactly to int64. */
static int64_t load_int(int32_t type, const uint8_t *p) {
  switch (type) {
    case EI_BOOL: return *p != 0;
    case EI_INT8: return (int8_t)*p;
    case EI_UINT8: return *p;
    case EI_INT16: { int16_t v; memcpy(&v, p, 2); return v; }
    case 16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case EI_INT32: return ei_get_i32(p);
    case 15: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: return ei_get_i64(p);
  }
}

/* Keeps the low bits, as a two's complement conversion to a narrower type does. */
static void store_int(int32_t type, uint8_t *p, int64_t v) {
  const uint64_t u = (uint64_t)v;
  switch (type) {
    case EI_BOOL: *p = v != 0; break;
    case EI_INT8: case EI_UINT8: *p = (uint8_t)u; break;
    case EI_INT16: case 16: { uint16_t w = (uint16_t)u; memcpy(p, &w, 2); break; }
    case EI_INT32: case 15: { uint32_t w = (uint32_t)u; memcpy(p, &w, 4); break; }
    default: memcpy(p, &u, 8); break;
  }
}

/* Truncation toward zero, saturated to the integer type's range. */
static int64_t float_to_int(int32_t type, double x) {
  double lo, hi;
  switch (type) {
    case EI_INT8: lo = -128; hi = 127; break;
    case EI_UINT8: lo = 0; hi = 255; break;
    case EI_INT16: lo = -32768; hi = 32767; break;
    case 16: lo = 0; hi = 65535; break;
    case EI_INT32: lo = INT32_MIN; hi = INT32_MAX; break;
    case 15: lo = 0; hi = UINT32_MAX; break;
    default: lo = -9223372036854775808.0; hi = 9223372036854774784.0; break; /* int64 */
  }
  if (isnan(x)) return 0;
  x = trunc(x);
  return x < lo ? (int64_t)lo : x > hi ? (int64_t)hi : (int64_t)x;
}

static ei_status eval(ei_graph *g, ei_node *n) {
  const cast_params *p = n->params;
  const ei_tensor *in = ei_input(g, n, 0);
  uint8_t *out = ei_output(g, n, 0)->data;
  const size_t count = ei_num_elements(in);
  if ((p->in_type == EI_UINT8 || p->in_type == EI_INT8) && p->out_type == EI_FLOAT32) {
    ei_dequantize_q8(in->data, out, count, 1.0f, 0, p->in_type == EI_INT8); /* the image inputs of float models */
    return EI_OK;
  }
  const bool from_float = is_float(p->in_type);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *x = in->data + i * p->in_size;
    uint8_t *y = out + i * p->out_size;
    if (from_float) {
      double v;
      if (p->in_type == EI_FLOAT32) v = ei_get_f32(x);
      else memcpy(&v, x, 8);
      if (p->out_type == EI_FLOAT32) ei_put_f32(y, (float)v);
      else if (p->out_type == EI_FLOAT64) memcpy(y, &v, 8);
      else if (p->out_type == EI_BOOL) *y = v != 0;
      else store_int(p->out_type, y, float_to_int(p->out_type, v));
    } else {
      int64_t v = load_int(p->in_type, x);
      if (p->out_type == EI_FLOAT32) {
        ei_put_f32(y, (float)v); /* one rounding, straight from the integer */
      } else if (p->out_type == EI_FLOAT64) {
        double d = (double)v;
        memcpy(y, &d, 8);
      } else {
        store_int(p->out_type, y, v);
      }
    }
  }
  return EI_OK;
}

const ei_op_kernel ei_op_cast = {"CAST", prepare, eval};
