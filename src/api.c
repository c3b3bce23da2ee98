/* api.c — the public C API (edgeinfer.h) over the graph. Every entry point
 * checks its arguments, so a NULL interpreter or a bad index is an error code,
 * never a crash. In the wasm build these are the module's exports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#ifdef __wasm__
#define EI_EXPORT(name) __attribute__((export_name(name), used))
#else
#define EI_EXPORT(name)
#endif

struct ei_interpreter {
  ei_graph g;
  char call_error[320]; /* why the last call failed, when the interpreter itself is fine */
};

static const char kNoInterpreter[] = "out of memory: no interpreter";

EI_EXPORT("ei_malloc") void *ei_malloc(size_t bytes) { return malloc(bytes ? bytes : 1); }
EI_EXPORT("ei_free") void ei_free(void *p) { free(p); }

/* Variables (the recurrent state of e.g. an LSTM) hold real zero, as TFLite and
 * TFLM reset them: int8 ones their zero point, others all-zero bytes. A constant
 * variable keeps its data (ops that write state refuse those). */
static void reset_variables(ei_graph *g) {
  for (int t = 0; t < g->n_tensors; ++t) {
    ei_tensor *tt = &g->tensors[t];
    if (!tt->is_variable || !tt->data || tt->is_const) continue;
    int byte = tt->type == EI_INT8 && tt->q.quantized ? (int)tt->q.zero_point : 0; /* memset keeps the low 8 bits */
    memset(tt->data, byte, tt->bytes);
  }
}

EI_EXPORT("ei_create")
ei_interpreter *ei_create(const void *model, size_t model_bytes, size_t memory_limit) {
  ei_interpreter *ip = calloc(1, sizeof *ip);
  if (!ip) return NULL;
  ei_graph *g = &ip->g;
  g->memory_limit = memory_limit;
  g->current_op = -1;
  if (ei_model_load(g, model, model_bytes) == EI_OK && ei_graph_prepare(g) == EI_OK &&
      ei_plan_arena(g) == EI_OK)
    reset_variables(g);
  if (g->status != EI_OK) {
    /* Keep the error, release everything else. */
    ei_graph_free(g);
    g->n_tensors = g->n_nodes = g->n_inputs = g->n_outputs = 0;
    g->tensors = NULL;
    g->nodes = NULL;
    g->arena = NULL;
    g->arena_bytes = 0;
  }
  return ip;
}

EI_EXPORT("ei_destroy") void ei_destroy(ei_interpreter *ip) {
  if (!ip) return;
  ei_graph_free(&ip->g);
  free(ip);
}

EI_EXPORT("ei_status_code") ei_status ei_status_code(const ei_interpreter *ip) {
  return ip ? ip->g.status : EI_OUT_OF_MEMORY;
}

EI_EXPORT("ei_error_message") const char *ei_error_message(const ei_interpreter *ip) {
  if (!ip) return kNoInterpreter;
  return ip->g.status == EI_OK ? ip->call_error : ip->g.error;
}

static bool ready(const ei_interpreter *ip) { return ip && ip->g.status == EI_OK; }

EI_EXPORT("ei_input_count") int ei_input_count(const ei_interpreter *ip) {
  return ready(ip) ? ip->g.n_inputs : 0;
}
EI_EXPORT("ei_output_count") int ei_output_count(const ei_interpreter *ip) {
  return ready(ip) ? ip->g.n_outputs : 0;
}

static void fill_info(const ei_tensor *t, ei_tensor_info *info) {
  memset(info, 0, sizeof *info);
  info->dtype = t->type;
  info->rank = t->rank;
  for (int i = 0; i < t->rank; ++i) info->dims[i] = t->dims[i];
  info->scale = t->q.quantized ? t->q.scale : 0.0f;
  info->zero_point = t->q.quantized ? t->q.zero_point : 0;
  info->quant_channels = t->q.quantized ? (int32_t)t->q.channels : 0;
  info->bytes = (uint32_t)t->bytes;
  info->name = t->name;
}

/* Tensor index of graph input/output `index`, or -1. */
static int io_tensor(const ei_interpreter *ip, bool output, int index) {
  if (!ready(ip)) return -1;
  int n = output ? ip->g.n_outputs : ip->g.n_inputs;
  if (index < 0 || index >= n) return -1;
  return output ? ip->g.outputs[index] : ip->g.inputs[index];
}

static ei_status io_info(const ei_interpreter *ip, bool output, int index, ei_tensor_info *info) {
  if (!ip) return EI_INVALID_STATE;
  if (ip->g.status != EI_OK) return EI_INVALID_STATE;
  int t = io_tensor(ip, output, index);
  if (t < 0 || !info) return EI_INPUT_MISMATCH;
  fill_info(&ip->g.tensors[t], info);
  return EI_OK;
}

EI_EXPORT("ei_input_info")
ei_status ei_input_info(const ei_interpreter *ip, int index, ei_tensor_info *info) {
  return io_info(ip, false, index, info);
}
EI_EXPORT("ei_output_info")
ei_status ei_output_info(const ei_interpreter *ip, int index, ei_tensor_info *info) {
  return io_info(ip, true, index, info);
}

EI_EXPORT("ei_input_data") void *ei_input_data(ei_interpreter *ip, int index) {
  int t = io_tensor(ip, false, index);
  return t < 0 ? NULL : ip->g.tensors[t].data;
}
EI_EXPORT("ei_output_data") const void *ei_output_data(const ei_interpreter *ip, int index) {
  int t = io_tensor(ip, true, index);
  return t < 0 ? NULL : ip->g.tensors[t].data;
}

/* A caller's buffer for input/output `index` must match the tensor's size exactly. */
static ei_status check_io_bytes(ei_interpreter *ip, bool output, int index, const void *data,
                                size_t bytes) {
  const char *kind = output ? "output" : "input";
  int n = output ? ip->g.n_outputs : ip->g.n_inputs;
  int t = io_tensor(ip, output, index);
  ip->call_error[0] = 0;
  if (t < 0) {
    snprintf(ip->call_error, sizeof ip->call_error, "%s %d does not exist (the model has %d)",
             kind, index, n);
    return EI_INPUT_MISMATCH;
  }
  const ei_tensor *tt = &ip->g.tensors[t];
  if (!data || bytes != tt->bytes) {
    char label[96];
    snprintf(ip->call_error, sizeof ip->call_error, "%s %d (%s) needs %zu bytes, got %zu", kind,
             index, ei_tensor_label(&ip->g, t, label, sizeof label), tt->bytes, data ? bytes : 0);
    return EI_INPUT_MISMATCH;
  }
  return EI_OK;
}

EI_EXPORT("ei_set_input")
ei_status ei_set_input(ei_interpreter *ip, int index, const void *data, size_t bytes) {
  if (!ready(ip)) return EI_INVALID_STATE;
  ei_status s = check_io_bytes(ip, false, index, data, bytes);
  if (s == EI_OK) memcpy(ip->g.tensors[ip->g.inputs[index]].data, data, bytes);
  return s;
}

EI_EXPORT("ei_get_output")
ei_status ei_get_output(ei_interpreter *ip, int index, void *data, size_t bytes) {
  if (!ready(ip)) return EI_INVALID_STATE;
  ei_status s = check_io_bytes(ip, true, index, data, bytes);
  if (s == EI_OK) memcpy(data, ip->g.tensors[ip->g.outputs[index]].data, bytes);
  return s;
}

/* Runs operator k. An operator can fail at run time on its data (an index out
 * of range, a division by zero): that call fails with the operator's message,
 * and the interpreter stays usable for the next input. */
static ei_status run_op(ei_interpreter *ip, int k) {
  ei_status s = ei_graph_invoke_op(&ip->g, k);
  if (s != EI_OK) {
    memcpy(ip->call_error, ip->g.error, sizeof ip->call_error - 1);
    ip->call_error[sizeof ip->call_error - 1] = 0;
    ip->g.status = EI_OK;
    ip->g.error[0] = 0;
  }
  return s;
}

EI_EXPORT("ei_invoke") ei_status ei_invoke(ei_interpreter *ip) {
  if (!ready(ip)) return EI_INVALID_STATE;
  ip->call_error[0] = 0;
  for (int k = 0; k < ip->g.n_nodes; ++k) {
    ei_status s = run_op(ip, k);
    if (s != EI_OK) return s;
  }
  return EI_OK;
}

EI_EXPORT("ei_reset_state") ei_status ei_reset_state(ei_interpreter *ip) {
  if (!ready(ip)) return EI_INVALID_STATE;
  ip->call_error[0] = 0;
  reset_variables(&ip->g);
  return EI_OK;
}

EI_EXPORT("ei_arena_bytes") size_t ei_arena_bytes(const ei_interpreter *ip) {
  return ready(ip) ? ip->g.arena_bytes : 0;
}

/* ---- Introspection ---- */

EI_EXPORT("ei_tensor_count") int ei_tensor_count(const ei_interpreter *ip) {
  return ready(ip) ? ip->g.n_tensors : 0;
}

EI_EXPORT("ei_tensor_info_at")
ei_status ei_tensor_info_at(const ei_interpreter *ip, int tensor, ei_tensor_info *info) {
  if (!ready(ip)) return EI_INVALID_STATE;
  if (tensor < 0 || tensor >= ip->g.n_tensors || !info) return EI_INPUT_MISMATCH;
  fill_info(&ip->g.tensors[tensor], info);
  return EI_OK;
}

EI_EXPORT("ei_tensor_data") void *ei_tensor_data(ei_interpreter *ip, int tensor) {
  if (!ready(ip) || tensor < 0 || tensor >= ip->g.n_tensors) return NULL;
  return ip->g.tensors[tensor].data;
}

EI_EXPORT("ei_op_count") int ei_op_count(const ei_interpreter *ip) {
  return ready(ip) ? ip->g.n_nodes : 0;
}

static const ei_node *node_at(const ei_interpreter *ip, int op) {
  return (ready(ip) && op >= 0 && op < ip->g.n_nodes) ? &ip->g.nodes[op] : NULL;
}

EI_EXPORT("ei_op_name") const char *ei_op_name(const ei_interpreter *ip, int op) {
  const ei_node *n = node_at(ip, op);
  return n ? ei_builtin_name(n->code) : "";
}
EI_EXPORT("ei_op_input_count") int ei_op_input_count(const ei_interpreter *ip, int op) {
  const ei_node *n = node_at(ip, op);
  return n ? n->n_inputs : 0;
}
EI_EXPORT("ei_op_input") int ei_op_input(const ei_interpreter *ip, int op, int k) {
  const ei_node *n = node_at(ip, op);
  return (n && k >= 0 && k < n->n_inputs) ? n->inputs[k] : -1;
}
EI_EXPORT("ei_op_output_count") int ei_op_output_count(const ei_interpreter *ip, int op) {
  const ei_node *n = node_at(ip, op);
  return n ? n->n_outputs : 0;
}
EI_EXPORT("ei_op_output") int ei_op_output(const ei_interpreter *ip, int op, int k) {
  const ei_node *n = node_at(ip, op);
  return (n && k >= 0 && k < n->n_outputs) ? n->outputs[k] : -1;
}

EI_EXPORT("ei_invoke_op") ei_status ei_invoke_op(ei_interpreter *ip, int op) {
  if (!ready(ip)) return EI_INVALID_STATE;
  if (op < 0 || op >= ip->g.n_nodes) return EI_INPUT_MISMATCH;
  ip->call_error[0] = 0;
  return run_op(ip, op);
}
