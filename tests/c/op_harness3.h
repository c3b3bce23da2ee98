/* op_harness3.h — what test_ops3_float.c needs beyond op_harness.h: running a
 * single-op model on raw input bytes and comparing its float32 output 0
 * either exactly (bit for bit, any NaN matching any NaN) or within a
 * per-element tolerance of a double-precision reference (ref_ops3.h); and the
 * arena size of a model. Results are tallied with op_harness's oph_record.
 */
#ifndef OP_HARNESS3_H
#define OP_HARNESS3_H

#include <stddef.h>
#include <stdint.h>

#include "op_harness.h"

typedef struct {
  const char *op;
  const char *config;
  int n_inputs;                /* graph inputs, in order */
  const void *const *inputs;   /* raw bytes of each (sizes come from the model) */
  int out_rank;
  int32_t out_dims[EI_MAX_RANK];
  size_t count;                /* float32 elements of output 0 */
  const float *exact;          /* expected bits; or NULL and then: */
  int nan_bits;                /* with exact: NaNs must match bit for bit too */
  const double *want, *tol;    /* expected values and tolerances (NaN and infinities must match) */
} oph3_case;

/* Serializes `m` (and frees it), runs it twice and compares output 0's shape
 * and values. Records the outcome; returns 1 on pass. */
int oph3_run(tb_model *m, const oph3_case *c);

/* Tolerance of a float32 sum of `terms` rounded products (or values) whose
 * absolute values add up to `magnitude`: (terms + 2) * 2^-24 * magnitude,
 * plus half an ulp of the smallest subnormal per operation. */
double oph3_sum_tolerance(int terms, double magnitude);

/* Serializes `m` (and frees it), loads it and returns its arena bytes; records
 * a failure (and returns SIZE_MAX) when it does not load. */
size_t oph3_arena_bytes(tb_model *m, const char *op, const char *config);

/* n floats in [lo, hi) from the harness RNG. */
void oph3_fill(oph_rng *r, float *v, size_t n, float lo, float hi);

#endif
