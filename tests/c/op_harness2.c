/* op_harness2.c — see op_harness2.h. */
#include "op_harness2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int oph2_tensor(tb_model *m, int type, int rank, const int32_t *dims, const char *name) {
  return tb_tensor(m, type, rank, dims, 0, name);
}

int oph2_const(tb_model *m, int type, int rank, const int32_t *dims, const void *bytes,
               const char *name) {
  size_t n = oph_count(rank, dims) * oph_dtype_size(type);
  return tb_tensor(m, type, rank, dims, tb_buffer(m, bytes, n), name);
}

ei_interpreter *oph2_load(tb_model *m, uint8_t **model, const char *op, const char *config) {
  size_t size = 0;
  *model = tb_finish(m, &size);
  tb_free(m);
  if (!*model) {
    oph_record(0, op, config, "tflite_builder could not serialize the model");
    return NULL;
  }
  ei_interpreter *ip = ei_create(*model, size, 0);
  if (!ip || ei_status_code(ip) != EI_OK) {
    oph_record(0, op, config,
               oph_fmt("ei_create failed: %s", ip ? ei_error_message(ip) : "NULL interpreter"));
    ei_destroy(ip);
    return NULL;
  }
  return ip;
}

const char *oph2_set_inputs(ei_interpreter *ip, int n, const void *const *inputs) {
  if (ei_input_count(ip) != n) return oph_fmt("model has %d inputs, expected %d", ei_input_count(ip), n);
  for (int k = 0; k < n; k++) {
    ei_tensor_info info;
    if (ei_input_info(ip, k, &info) != EI_OK) return oph_fmt("ei_input_info(%d) failed", k);
    if (ei_set_input(ip, k, inputs[k], info.bytes) != EI_OK)
      return oph_fmt("ei_set_input(%d) failed: %s", k, ei_error_message(ip));
  }
  return NULL;
}

static const char *run_once(ei_interpreter *ip, const oph2_case *c, uint8_t *got) {
  const char *err = oph2_set_inputs(ip, c->n_inputs, c->inputs);
  if (err) return err;
  if (ei_invoke(ip) != EI_OK) return oph_fmt("ei_invoke failed: %s", ei_error_message(ip));
  if (ei_get_output(ip, 0, got, c->expected_bytes) != EI_OK)
    return oph_fmt("ei_get_output failed: %s", ei_error_message(ip));
  const uint8_t *want = c->expected;
  for (size_t i = 0; i < c->expected_bytes; i++)
    if (got[i] != want[i])
      return oph_fmt("output differs first at byte %zu of %zu: got 0x%02x, expected 0x%02x", i,
                     c->expected_bytes, got[i], want[i]);
  return NULL;
}

int oph2_run(tb_model *m, const oph2_case *c) {
  uint8_t *model = NULL, *got = NULL;
  const char *err = NULL;
  ei_interpreter *ip = oph2_load(m, &model, c->op, c->config);
  if (!ip) goto done;
  ei_tensor_info oi;
  if (ei_output_info(ip, 0, &oi) != EI_OK) {
    err = "ei_output_info failed";
  } else if (oi.rank != c->out_rank ||
             memcmp(oi.dims, c->out_dims, sizeof(int32_t) * (size_t)c->out_rank) != 0) {
    err = oph_fmt("output shape %s, expected %s", oph_shape(oi.rank < EI_MAX_RANK ? oi.rank : EI_MAX_RANK, oi.dims),
                  oph_shape(c->out_rank, c->out_dims));
  } else if (oi.bytes != c->expected_bytes) {
    err = oph_fmt("output has %u bytes, expected %zu", oi.bytes, c->expected_bytes);
  } else {
    got = malloc(c->expected_bytes ? c->expected_bytes : 1);
    err = run_once(ip, c, got);
    if (!err) { /* a second invocation must not depend on state left by the first */
      memset(got, 0xA5, c->expected_bytes);
      err = run_once(ip, c, got);
      if (err) err = oph_fmt("second invoke: %s", err);
    }
  }
  oph_record(err == NULL, c->op, c->config, err);
done:
  if (ip) ei_destroy(ip);
  free(model);
  free(got);
  return ip && !err;
}

int oph2_expect_invoke_error(tb_model *m, const char *op, const char *what, int n_inputs,
                             const void *const *inputs, ei_status code) {
  uint8_t *model = NULL;
  ei_interpreter *ip = oph2_load(m, &model, op, what);
  const char *err = NULL;
  if (!ip) goto done;
  err = oph2_set_inputs(ip, n_inputs, inputs);
  if (!err) {
    ei_status st = ei_invoke(ip);
    const char *msg = ei_error_message(ip);
    if (st == EI_OK) err = "ei_invoke succeeded; expected an error";
    else if (st != code) err = oph_fmt("ei_invoke returned %d (%s), expected %d", st, msg, code);
    else if (!msg || !msg[0]) err = "the error has no message";
  }
  oph_record(err == NULL, op, what, err);
done:
  if (ip) ei_destroy(ip);
  free(model);
  return ip && !err;
}
