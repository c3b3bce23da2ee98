/* edgeinfer.h — the public C API of the edgeinfer inference engine.
 *
 *   ei_interpreter *ip = ei_create(model_bytes, model_size, 0);   // parse + prepare + plan
 *   if (ei_status_code(ip) != EI_OK) puts(ei_error_message(ip));    // typed error, never a crash
 *   ei_tensor_info in; ei_input_info(ip, 0, &in);                 // shape, dtype, quantization
 *   ei_set_input(ip, 0, pixels, in.bytes);                         // or write to ei_input_data()
 *   ei_invoke(ip);                                                 // run every operator once
 *   ei_get_output(ip, 0, scores, sizeof scores);                   // or read ei_output_data()
 *   ei_arena_bytes(ip);                                            // activation memory in use
 *   ei_destroy(ip);
 *
 * The model bytes are not copied: they must outlive the interpreter.
 * Inputs must be set before every ei_invoke (the arena reuses their bytes).
 * Stateful models (e.g. UNIDIRECTIONAL_SEQUENCE_LSTM) keep their state from one
 * ei_invoke to the next, as TFLite does, until ei_reset_state.
 */
#ifndef EDGEINFER_H
#define EDGEINFER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EI_MAX_RANK 6

/* Error codes. Stable: the JS layer maps them to EdgeInferError.code strings. */
typedef enum {
  EI_OK = 0,
  EI_MODEL_INVALID = 1,   /* malformed or inconsistent .tflite (bad offset, index, shape...) */
  EI_UNSUPPORTED_OP = 2,  /* well-formed, but uses an op, dtype or option we do not run */
  EI_INPUT_MISMATCH = 3,  /* caller passed a wrong tensor index or byte size */
  EI_OUT_OF_MEMORY = 4,   /* allocation failed or the memory limit would be exceeded */
  EI_INVALID_STATE = 5    /* call on an interpreter that failed to load */
} ei_status;

/* Element types, numbered as TFLite's TensorType. */
typedef enum {
  EI_FLOAT32 = 0, EI_FLOAT16 = 1, EI_INT32 = 2, EI_UINT8 = 3, EI_INT64 = 4,
  EI_STRING = 5, EI_BOOL = 6, EI_INT16 = 7, EI_COMPLEX64 = 8, EI_INT8 = 9,
  EI_FLOAT64 = 10
} ei_dtype;

/* Layout is fixed (the JS glue reads it from wasm memory): keep the pointer last. */
typedef struct {
  int32_t dtype;              /* ei_dtype */
  int32_t rank;
  int32_t dims[EI_MAX_RANK];
  float scale;                /* 0 when not quantized; channel 0 when per-channel */
  int32_t zero_point;
  uint32_t bytes;             /* size of the tensor's data */
  int32_t quant_channels;     /* 0: not quantized, 1: per-tensor, N: per-channel */
  const char *name;           /* NUL-terminated, points into the model */
} ei_tensor_info;

typedef struct ei_interpreter ei_interpreter;

/* memory_limit: bytes the interpreter may allocate in all (0 = no limit). */
ei_interpreter *ei_create(const void *model, size_t model_bytes, size_t memory_limit);
void ei_destroy(ei_interpreter *ip);

ei_status ei_status_code(const ei_interpreter *ip);
const char *ei_error_message(const ei_interpreter *ip);

int ei_input_count(const ei_interpreter *ip);
int ei_output_count(const ei_interpreter *ip);
ei_status ei_input_info(const ei_interpreter *ip, int index, ei_tensor_info *info);
ei_status ei_output_info(const ei_interpreter *ip, int index, ei_tensor_info *info);
void *ei_input_data(ei_interpreter *ip, int index);
const void *ei_output_data(const ei_interpreter *ip, int index);

ei_status ei_set_input(ei_interpreter *ip, int index, const void *data, size_t bytes);
ei_status ei_invoke(ei_interpreter *ip);
ei_status ei_get_output(ei_interpreter *ip, int index, void *data, size_t bytes);
/* Sets every variable tensor (recurrent state) back to real zero, as after ei_create. */
ei_status ei_reset_state(ei_interpreter *ip);

size_t ei_arena_bytes(const ei_interpreter *ip);

/* --- Introspection, for tools and tests (inspect, op-level tests, profiling) ---
 * Tensors and operators are numbered as in the model's subgraph 0. */
int ei_tensor_count(const ei_interpreter *ip);
ei_status ei_tensor_info_at(const ei_interpreter *ip, int tensor, ei_tensor_info *info);
void *ei_tensor_data(ei_interpreter *ip, int tensor); /* NULL when the tensor holds no data */
int ei_op_count(const ei_interpreter *ip);
const char *ei_op_name(const ei_interpreter *ip, int op); /* e.g. "CONV_2D" */
int ei_op_input_count(const ei_interpreter *ip, int op);
int ei_op_input(const ei_interpreter *ip, int op, int k);   /* tensor index, -1 if omitted */
int ei_op_output_count(const ei_interpreter *ip, int op);
int ei_op_output(const ei_interpreter *ip, int op, int k);
ei_status ei_invoke_op(ei_interpreter *ip, int op);        /* run one operator alone */

#ifdef __cplusplus
}
#endif
#endif
