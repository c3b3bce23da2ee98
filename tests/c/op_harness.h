/* op_harness.h — shared plumbing for the per-op tests (tests/c/test_ops_*.c):
 * a seeded RNG, tensor helpers over tflite_builder, running a single-op model
 * through the public API and comparing its output byte for byte with the
 * reference (ref_ops.h), expected-error checks, and the pass/fail tally.
 */
#ifndef OP_HARNESS_H
#define OP_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "edgeinfer.h"
#include "ref_ops.h"
#include "tflite_builder.h"

/* ---- Random numbers (xorshift64*, deterministic per seed) --------------- */
typedef struct { uint64_t s; } oph_rng;
void oph_seed(oph_rng *r, uint64_t seed);
uint32_t oph_u32(oph_rng *r);
int32_t oph_int(oph_rng *r, int32_t lo, int32_t hi);   /* inclusive */
float oph_float(oph_rng *r, float lo, float hi);
void oph_fill(oph_rng *r, int32_t *v, size_t n, int32_t lo, int32_t hi);

/* ---- Types and quantization ---------------------------------------------- */
size_t oph_dtype_size(int type);
int32_t oph_qmin(int type);      /* -128 int8, 0 uint8 */
int32_t oph_qmax(int type);      /*  127 int8, 255 uint8 */
ref_q oph_q(int type, float scale, int32_t zp);
const char *oph_type_name(int type);
const char *oph_act_name(int act);
/* Raw values <-> little-endian bytes of int8, uint8 or int32. */
void oph_pack(int type, const int32_t *v, size_t n, void *bytes);
void oph_unpack(int type, const void *bytes, size_t n, int32_t *v);
/* A random value of the type's full range. */
void oph_fill_type(oph_rng *r, int type, int32_t *v, size_t n);
/* Values within +-radius of centre, clamped to the type's range. */
void oph_fill_near(oph_rng *r, int type, int32_t *v, size_t n, int32_t centre, int32_t radius);

/* ---- Model building ------------------------------------------------------- */
/* An activation (no buffer) with per-tensor quantization. */
int oph_activation(tb_model *m, int type, int rank, const int32_t *dims, float scale,
                   int32_t zp, const char *name);
/* A constant tensor holding `values` packed as `type`; n_scales == 0 means
 * unquantized, else n_scales scales with the given zero points (NULL = 0). */
int oph_constant(tb_model *m, int type, int rank, const int32_t *dims, const int32_t *values,
                 int n_scales, const float *scales, const int64_t *zps, int axis, const char *name);
size_t oph_count(int rank, const int32_t *dims);

/* Typical magnitude of a dot product of k terms (x - zx) * (w - zw) for data
 * like x and w: k * |mean product| + sqrt(k) * sd(x) * sd(w). Tests size
 * their scales with it so that outputs spread over the range instead of
 * saturating. */
double oph_dot_magnitude(const int32_t *x, size_t nx, int32_t zx, const int32_t *w, size_t nw,
                         int32_t zw, int k);

/* Scales for "tie" cases of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED.
 * TFLite derives the multiplier two ways: int8 conv uses
 * (double)in * (double)w / out, uint8 conv and FC use (double)(float)(in*w) / out.
 * They differ by ~1e-7, which changes an output only at an exact rounding tie.
 * These scales make the float-product multiplier an exact power of two,
 * 2^-j ~ 20 / acc_mag, for every channel (weight scales are power-of-two
 * multiples of one another), while the exact product is slightly larger than
 * its float rounding. Then SRDHM(acc, m) meets a tie at every odd accumulator
 * under one rule and not the other, and the rounding shift by j-1 that follows
 * passes the difference on for about one accumulator value in 2^(j-1): tie
 * cases therefore use small accumulators (data near the zero points), so
 * that j is 1 or 2. */
void oph_tie_scales(oph_rng *r, double acc_mag, int n_w, float *in_scale, float *w_scales,
                    float *out_scale);

/* ---- Running and comparing ------------------------------------------------ */
typedef struct {
  const char *op;              /* e.g. "CONV_2D" */
  const char *config;          /* human-readable description of the case */
  int n_inputs;                /* subgraph inputs, in order */
  const int32_t *inputs[2];
  const int32_t *expected;     /* reference output (raw values) */
  int out_rank;
  int32_t out_dims[EI_MAX_RANK];
} oph_case;

/* Serializes `m` (and frees it), runs it and compares output 0. Records and
 * prints the outcome; returns 1 on pass. */
int oph_run(tb_model *m, const oph_case *c);

/* Bits of acceptable ei_status codes for an expected failure. */
#define OPH_ERR(code) (1u << (code))
/* Serializes `m` (and frees it) and expects ei_create to fail with one of the
 * codes in `allowed`, with a message, and later calls to refuse cleanly. */
int oph_expect_error(tb_model *m, const char *op, const char *what, unsigned allowed);

/* Records a check made outside oph_run (e.g. a reference self-check). */
void oph_record(int ok, const char *op, const char *config, const char *detail);

/* Prints "ops: N passed, M failed" and returns the process exit code. */
int oph_finish(void);

/* Formats into a static rotating buffer (for config strings). */
const char *oph_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "[d0,d1,...]", in one of oph_fmt's buffers. */
const char *oph_shape(int rank, const int32_t *dims);

#endif
