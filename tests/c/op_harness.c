/* op_harness.c — see op_harness.h. */
#include "op_harness.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int oph_passed, oph_failed;

/* ---- Random numbers ------------------------------------------------------- */

void oph_seed(oph_rng *r, uint64_t seed) { r->s = seed * 0x9E3779B97F4A7C15ull + 1; }

uint32_t oph_u32(oph_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 0x2545F4914F6CDD1Dull) >> 32);
}

int32_t oph_int(oph_rng *r, int32_t lo, int32_t hi) {
  uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
  return (int32_t)(lo + (int64_t)(oph_u32(r) % span));
}

float oph_float(oph_rng *r, float lo, float hi) {
  return lo + (hi - lo) * (float)(oph_u32(r) >> 8) / (float)(1u << 24);
}

void oph_fill(oph_rng *r, int32_t *v, size_t n, int32_t lo, int32_t hi) {
  for (size_t i = 0; i < n; i++) v[i] = oph_int(r, lo, hi);
}

/* ---- Types ------------------------------------------------------------------ */

size_t oph_dtype_size(int type) {
  switch (type) {
    case EI_INT8: case EI_UINT8: case EI_BOOL: return 1;
    case EI_INT16: case EI_FLOAT16: return 2;
    case EI_INT32: case EI_FLOAT32: return 4;
    default: return 8;
  }
}

int32_t oph_qmin(int type) { return type == EI_UINT8 ? 0 : -128; }
int32_t oph_qmax(int type) { return type == EI_UINT8 ? 255 : 127; }

ref_q oph_q(int type, float scale, int32_t zp) {
  ref_q q = {scale, zp, oph_qmin(type), oph_qmax(type)};
  return q;
}

const char *oph_type_name(int type) {
  switch (type) {
    case EI_INT8: return "int8";
    case EI_UINT8: return "uint8";
    case EI_INT16: return "int16";
    case EI_INT32: return "int32";
    case EI_FLOAT32: return "float32";
    default: return "?";
  }
}

const char *oph_act_name(int act) {
  static const char *names[] = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6"};
  return act >= 0 && act < 4 ? names[act] : "?";
}

void oph_pack(int type, const int32_t *v, size_t n, void *bytes) {
  uint8_t *b = bytes;
  for (size_t i = 0; i < n; i++) {
    uint32_t u = (uint32_t)v[i];
    size_t sz = oph_dtype_size(type);
    for (size_t k = 0; k < sz; k++) b[i * sz + k] = (uint8_t)(k < 4 ? u >> (8 * k) : (v[i] < 0 ? 0xff : 0));
  }
}

void oph_unpack(int type, const void *bytes, size_t n, int32_t *v) {
  const uint8_t *b = bytes;
  for (size_t i = 0; i < n; i++) {
    switch (type) {
      case EI_INT8: v[i] = (int8_t)b[i]; break;
      case EI_UINT8: v[i] = b[i]; break;
      case EI_INT16: v[i] = (int16_t)(b[2 * i] | b[2 * i + 1] << 8); break;
      default:
        v[i] = (int32_t)((uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                         (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24);
    }
  }
}

void oph_fill_type(oph_rng *r, int type, int32_t *v, size_t n) {
  oph_fill(r, v, n, oph_qmin(type), oph_qmax(type));
}

/* Mean and root mean square of v - z. */
static void mean_rms(const int32_t *v, size_t n, int32_t z, double *mean, double *rms) {
  double s = 0, s2 = 0;
  for (size_t i = 0; i < n; i++) {
    double d = (double)v[i] - z;
    s += d;
    s2 += d * d;
  }
  *mean = n ? s / (double)n : 0;
  *rms = n ? sqrt(s2 / (double)n) : 0;
}

double oph_dot_magnitude(const int32_t *x, size_t nx, int32_t zx, const int32_t *w, size_t nw,
                         int32_t zw, int k) {
  double mx, rx, mw, rw;
  mean_rms(x, nx, zx, &mx, &rx);
  mean_rms(w, nw, zw, &mw, &rw);
  double mag = k * fabs(mx * mw) + sqrt((double)k) * rx * rw;
  return mag > 1 ? mag : 1;
}

void oph_tie_scales(oph_rng *r, double acc_mag, int n_w, float *in_scale, float *w_scales,
                    float *out_scale) {
  float in, w0, product;
  do {
    in = oph_float(r, 0.01f, 0.1f);
    w0 = oph_float(r, 0.002f, 0.02f);
    product = in * w0;
  } while (!((double)in * (double)w0 > (double)product));
  for (int c = 0; c < n_w; c++) w_scales[c] = ldexpf(w0, n_w == 1 ? 0 : oph_int(r, -2, 1));
  int j = (int)lround(log2(acc_mag / 20.0));
  *in_scale = in;
  *out_scale = ldexpf(product, j > 0 ? j : 0);
}

void oph_fill_near(oph_rng *r, int type, int32_t *v, size_t n, int32_t centre, int32_t radius) {
  for (size_t i = 0; i < n; i++) {
    int32_t x = centre + oph_int(r, -radius, radius);
    v[i] = x < oph_qmin(type) ? oph_qmin(type) : x > oph_qmax(type) ? oph_qmax(type) : x;
  }
}

/* ---- Model building ------------------------------------------------------- */

size_t oph_count(int rank, const int32_t *dims) {
  size_t n = 1;
  for (int i = 0; i < rank; i++) n *= (size_t)(dims[i] > 0 ? dims[i] : 0);
  return n;
}

int oph_activation(tb_model *m, int type, int rank, const int32_t *dims, float scale,
                   int32_t zp, const char *name) {
  int t = tb_tensor(m, type, rank, dims, 0, name);
  int64_t z = zp;
  tb_quant(m, t, 1, &scale, &z, 0);
  return t;
}

int oph_constant(tb_model *m, int type, int rank, const int32_t *dims, const int32_t *values,
                 int n_scales, const float *scales, const int64_t *zps, int axis, const char *name) {
  size_t n = oph_count(rank, dims);
  size_t bytes = n * oph_dtype_size(type);
  uint8_t *buf = calloc(bytes ? bytes : 1, 1);
  if (values) oph_pack(type, values, n, buf);
  int t = tb_tensor(m, type, rank, dims, tb_buffer(m, buf, bytes), name);
  free(buf);
  if (n_scales > 0) tb_quant(m, t, n_scales, scales, zps, axis);
  return t;
}

/* ---- Running ------------------------------------------------------------------ */

static void fail_line(const oph_case *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_line(const oph_case *c, const char *fmt, ...) {
  va_list ap;
  printf("FAIL %s [%s]: ", c->op, c->config);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

/* Sets the inputs, invokes and reads output 0 as raw values into `got`
 * (n elements). Returns 1 on success, else prints why and returns 0. */
static int invoke_once(ei_interpreter *ip, const oph_case *c, int32_t *got, size_t n) {
  for (int k = 0; k < c->n_inputs; k++) {
    ei_tensor_info info;
    if (ei_input_info(ip, k, &info) != EI_OK) {
      fail_line(c, "ei_input_info(%d) failed", k);
      return 0;
    }
    size_t count = oph_count(info.rank, info.dims);
    if (info.bytes != count * oph_dtype_size(info.dtype)) {
      fail_line(c, "input %d reports %u bytes for %zu elements", k, info.bytes, count);
      return 0;
    }
    void *buf = malloc(info.bytes ? info.bytes : 1);
    oph_pack(info.dtype, c->inputs[k], count, buf);
    ei_status st = ei_set_input(ip, k, buf, info.bytes);
    free(buf);
    if (st != EI_OK) {
      fail_line(c, "ei_set_input(%d) failed: %d: %s", k, st, ei_error_message(ip));
      return 0;
    }
  }
  ei_status st = ei_invoke(ip);
  if (st != EI_OK) {
    fail_line(c, "ei_invoke failed: %d: %s", st, ei_error_message(ip));
    return 0;
  }
  ei_tensor_info oi;
  if (ei_output_info(ip, 0, &oi) != EI_OK) {
    fail_line(c, "ei_output_info failed");
    return 0;
  }
  if (oi.bytes != n * oph_dtype_size(oi.dtype)) {
    fail_line(c, "output reports %u bytes for %zu elements", oi.bytes, n);
    return 0;
  }
  void *bytes = malloc(oi.bytes ? oi.bytes : 1);
  st = ei_get_output(ip, 0, bytes, oi.bytes);
  if (st == EI_OK) oph_unpack(oi.dtype, bytes, n, got);
  free(bytes);
  if (st != EI_OK) {
    fail_line(c, "ei_get_output failed: %d", st);
    return 0;
  }
  return 1;
}

/* Compares with the expected values; prints the first difference. */
static int compare(const oph_case *c, const int32_t *got, size_t n, const char *when) {
  size_t first = n, mismatches = 0;
  for (size_t i = 0; i < n; i++)
    if (got[i] != c->expected[i]) {
      if (first == n) first = i;
      mismatches++;
    }
  if (!mismatches) return 1;
  fail_line(c, "%s%zu of %zu values differ; first at index %zu: got %d, expected %d", when,
            mismatches, n, first, got[first], c->expected[first]);
  return 0;
}

int oph_run(tb_model *m, const oph_case *c) {
  size_t size = 0;
  uint8_t *model = tb_finish(m, &size);
  tb_free(m);
  int ok = 0;
  ei_interpreter *ip = NULL;
  int32_t *got = NULL;
  if (!model) {
    fail_line(c, "tflite_builder could not serialize the model");
    goto done;
  }
  ip = ei_create(model, size, 0);
  if (!ip) {
    fail_line(c, "ei_create returned NULL");
    goto done;
  }
  if (ei_status_code(ip) != EI_OK) {
    fail_line(c, "ei_create failed: status %d: %s", ei_status_code(ip), ei_error_message(ip));
    goto done;
  }
  if (ei_input_count(ip) != c->n_inputs) {
    fail_line(c, "model has %d inputs, expected %d", ei_input_count(ip), c->n_inputs);
    goto done;
  }
  ei_tensor_info oi;
  if (ei_output_info(ip, 0, &oi) != EI_OK) {
    fail_line(c, "ei_output_info failed");
    goto done;
  }
  if (oi.rank != c->out_rank || memcmp(oi.dims, c->out_dims, sizeof(int32_t) * (size_t)c->out_rank)) {
    char a[96] = "", b[96] = "";
    for (int i = 0; i < oi.rank && i < EI_MAX_RANK; i++)
      snprintf(a + strlen(a), sizeof a - strlen(a), "%s%d", i ? "," : "", oi.dims[i]);
    for (int i = 0; i < c->out_rank; i++)
      snprintf(b + strlen(b), sizeof b - strlen(b), "%s%d", i ? "," : "", c->out_dims[i]);
    fail_line(c, "output shape [%s], expected [%s]", a, b);
    goto done;
  }
  size_t n = oph_count(c->out_rank, c->out_dims);
  got = malloc((n ? n : 1) * sizeof *got);
  /* Twice: a second invocation must not see state left by the first. */
  if (!invoke_once(ip, c, got, n) || !compare(c, got, n, "")) goto done;
  for (size_t i = 0; i < n; i++) got[i] = ~got[i];
  if (!invoke_once(ip, c, got, n) || !compare(c, got, n, "second invoke: ")) goto done;
  ok = 1;
done:
  if (ip) ei_destroy(ip);
  free(model);
  free(got);
  if (ok) oph_passed++;
  else oph_failed++;
  return ok;
}

int oph_expect_error(tb_model *m, const char *op, const char *what, unsigned allowed) {
  size_t size = 0;
  uint8_t *model = tb_finish(m, &size);
  tb_free(m);
  oph_case c = {.op = op, .config = what};
  int ok = 0;
  ei_interpreter *ip = NULL;
  if (!model) {
    fail_line(&c, "tflite_builder could not serialize the model");
    goto done;
  }
  ip = ei_create(model, size, 0);
  if (!ip) {
    fail_line(&c, "ei_create returned NULL instead of an interpreter holding the error");
    goto done;
  }
  ei_status st = ei_status_code(ip);
  if (st == EI_OK) {
    fail_line(&c, "model was accepted; expected an error");
    goto done;
  }
  if (!(allowed & OPH_ERR(st))) {
    fail_line(&c, "status %d (%s), expected one of mask 0x%x", st, ei_error_message(ip), allowed);
    goto done;
  }
  const char *msg = ei_error_message(ip);
  if (!msg || !msg[0]) {
    fail_line(&c, "status %d without an error message", st);
    goto done;
  }
  /* A failed interpreter must refuse further work without crashing. */
  uint8_t scratch[16] = {0};
  if (ei_invoke(ip) == EI_OK || ei_set_input(ip, 0, scratch, sizeof scratch) == EI_OK ||
      ei_get_output(ip, 0, scratch, sizeof scratch) == EI_OK) {
    fail_line(&c, "a call on the failed interpreter returned EI_OK");
    goto done;
  }
  ok = 1;
done:
  if (ip) ei_destroy(ip);
  free(model);
  if (ok) oph_passed++;
  else oph_failed++;
  return ok;
}

void oph_record(int ok, const char *op, const char *config, const char *detail) {
  if (ok) {
    oph_passed++;
  } else {
    oph_failed++;
    printf("FAIL %s [%s]: %s\n", op, config, detail);
  }
}

int oph_finish(void) {
  printf("ops: %d passed, %d failed\n", oph_passed, oph_failed);
  return oph_failed ? 1 : 0;
}

const char *oph_fmt(const char *fmt, ...) {
  static char bufs[8][320];
  static int next;
  char *b = bufs[next++ % 8];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b, sizeof bufs[0], fmt, ap);
  va_end(ap);
  return b;
}

const char *oph_shape(int rank, const int32_t *dims) {
  char s[160] = "[";
  for (int i = 0; i < rank; i++) snprintf(s + strlen(s), sizeof s - strlen(s), "%s%d", i ? "," : "", dims[i]);
  return oph_fmt("%s]", s);
}
