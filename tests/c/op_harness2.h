/* op_harness2.h — what the test_ops2_* tests need beyond op_harness.h: running
 * a single-op model whose graph inputs and output 0 are given as raw
 * little-endian bytes (so int64 and float32 outputs compare exactly, and any
 * number of inputs can be fed), and expecting an error at invoke time (data
 * the model cannot handle, e.g. an index out of range or a zero divisor).
 * Results are tallied with op_harness's oph_record / oph_finish.
 */
#ifndef OP_HARNESS2_H
#define OP_HARNESS2_H

#include <stddef.h>
#include <stdint.h>

#include "op_harness.h"

typedef struct {
  const char *op;
  const char *config;
  int n_inputs;                 /* graph inputs, in order */
  const void *const *inputs;    /* raw bytes of each (their sizes come from the model) */
  const void *expected;         /* raw bytes of output 0 */
  size_t expected_bytes;
  int out_rank;
  int32_t out_dims[EI_MAX_RANK];
} oph2_case;

/* Serializes `m` (and frees it), runs it twice and compares output 0's shape
 * and bytes. Records the outcome; returns 1 on pass. */
int oph2_run(tb_model *m, const oph2_case *c);

/* Serializes `m` (and frees it); the model must load, and invoking it on
 * `inputs` must fail with status `code` and a message. */
int oph2_expect_invoke_error(tb_model *m, const char *op, const char *what, int n_inputs,
                             const void *const *inputs, ei_status code);

/* An activation tensor without quantization. */
/* Serializes `m` (and frees it) into *model and loads it; records a failure
 * and returns NULL when it does not load. */
ei_interpreter *oph2_load(tb_model *m, uint8_t **model, const char *op, const char *config);
/* Sets inputs 0..n-1 from raw bytes (sizes from the model); an error text or NULL. */
const char *oph2_set_inputs(ei_interpreter *ip, int n, const void *const *inputs);

int oph2_tensor(tb_model *m, int type, int rank, const int32_t *dims, const char *name);
/* A constant tensor holding `bytes` (exactly its shape's size), unquantized. */
int oph2_const(tb_model *m, int type, int rank, const int32_t *dims, const void *bytes,
               const char *name);

#endif
