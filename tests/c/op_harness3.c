/* op_harness3.c — see op_harness3.h. */
#include "op_harness3.h"
#include "op_harness2.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double oph3_sum_tolerance(int terms, double magnitude) {
  return (terms + 2) * 0x1p-24 * magnitude * (1 + 1e-9) + (terms + 1) * 0x1p-150;
}

void oph3_fill(oph_rng *r, float *v, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; i++) v[i] = oph_float(r, lo, hi);
}

size_t oph3_arena_bytes(tb_model *m, const char *op, const char *config) {
  uint8_t *model = NULL;
  ei_interpreter *ip = oph2_load(m, &model, op, config);
  size_t bytes = ip ? ei_arena_bytes(ip) : SIZE_MAX;
  ei_destroy(ip);
  free(model);
  return bytes;
}

static uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static int same_bits(float a, float b, int nan_bits) {
  if (!nan_bits && isnan(a) && isnan(b)) return 1;
  return memcmp(&a, &b, 4) == 0;
}

/* NULL when every element matches; else a description of the worst one. */
static const char *compare(const oph3_case *c, const float *got) {
  size_t worst = SIZE_MAX;
  double worst_ratio = 1.0;
  for (size_t i = 0; i < c->count; i++) {
    if (c->exact) {
      if (!same_bits(got[i], c->exact[i], c->nan_bits))
        return oph_fmt("element %zu of %zu: got %.9g (0x%08x), expected %.9g (0x%08x)", i, c->count,
                       (double)got[i], bits(got[i]), (double)c->exact[i], bits(c->exact[i]));
      continue;
    }
    const double want = c->want[i];
    if (isnan(want) || isinf(want)) {
      if (!(isnan(want) ? isnan(got[i]) : (double)got[i] == want))
        return oph_fmt("element %zu of %zu: got %.9g, expected %g", i, c->count, (double)got[i], want);
      continue;
    }
    const double err = fabs((double)got[i] - want);
    if (!(err <= c->tol[i]) && (worst == SIZE_MAX || err / c->tol[i] > worst_ratio)) {
      worst = i;
      worst_ratio = err / c->tol[i];
    }
  }
  if (worst == SIZE_MAX) return NULL;
  return oph_fmt("element %zu of %zu: got %.9g, expected %.9g +- %.3g (%.3g tolerances off)", worst, c->count,
                 (double)got[worst], c->want[worst], c->tol[worst], worst_ratio);
}

static const char *run_once(ei_interpreter *ip, const oph3_case *c, float *got) {
  const char *err = oph2_set_inputs(ip, c->n_inputs, c->inputs);
  if (err) return err;
  if (ei_invoke(ip) != EI_OK) return oph_fmt("ei_invoke failed: %s", ei_error_message(ip));
  if (ei_get_output(ip, 0, got, c->count * sizeof(float)) != EI_OK)
    return oph_fmt("ei_get_output failed: %s", ei_error_message(ip));
  return compare(c, got);
}

int oph3_run(tb_model *m, const oph3_case *c) {
  uint8_t *model = NULL;
  float *got = NULL;
  const char *err = NULL;
  ei_interpreter *ip = oph2_load(m, &model, c->op, c->config);
  if (!ip) goto done;
  ei_tensor_info oi;
  if (ei_input_count(ip) != c->n_inputs) {
    err = oph_fmt("model has %d inputs, expected %d", ei_input_count(ip), c->n_inputs);
  } else if (ei_output_info(ip, 0, &oi) != EI_OK) {
    err = "ei_output_info failed";
  } else if (oi.dtype != EI_FLOAT32 || oi.rank != c->out_rank ||
             memcmp(oi.dims, c->out_dims, sizeof(int32_t) * (size_t)c->out_rank) != 0) {
    err = oph_fmt("output dtype %d shape %s, expected float32 %s", oi.dtype,
                  oph_shape(oi.rank < EI_MAX_RANK ? oi.rank : EI_MAX_RANK, oi.dims), oph_shape(c->out_rank, c->out_dims));
  } else if (oi.bytes != c->count * sizeof(float)) {
    err = oph_fmt("output has %u bytes, expected %zu", oi.bytes, c->count * sizeof(float));
  } else {
    got = malloc(c->count * sizeof(float) + 1);
    err = run_once(ip, c, got);
    if (!err) { /* a second invocation must not depend on state left by the first */
      memset(got, 0xA5, c->count * sizeof(float));
      err = run_once(ip, c, got);
      if (err) err = oph_fmt("second invoke: %s", err);
    }
  }
  oph_record(err == NULL, c->op, c->config, err);
done:
  ei_destroy(ip);
  free(model);
  free(got);
  return ip && !err;
}
