/* test_ops3_lstm.c — UNIDIRECTIONAL_SEQUENCE_LSTM (int8, int16 cell state)
 * against ref_lstm.c on odd sizes (batch 1/3, steps 1/5, input 1/7, state
 * 1/5/17), both layouts, zero points at the extremes, cell scales whose tanh
 * input shifts left or right, with and without cell clipping. Each model runs
 * twice (the second invocation starts from the state the first left), then
 * after ei_reset_state; the state tensors are compared too. Then: a sequence
 * split over single-step invocations equals one invocation over all of it; the
 * reference against a float LSTM; the sigmoid table; malformed and unsupported
 * models (typed errors with a precise message); byte flips of keras_lstm_mnist_ptq.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile_harness.h"
#include "op_harness2.h"
#include "ref_lstm.h"

enum { LSTM = 44, OPT_LSTM = 71, ACT_TANH = 4, N_SLOTS = 24, OUTPUT_STATE = 18, CELL_STATE = 19 };

/* Everything a test model is made of; flaws are set by the error tests. */
typedef struct {
  int B, T, I, S, time_major;
  float in_scale, state_scale, w_scale[REF_GATES], r_scale[REF_GATES];
  int32_t in_zp, state_zp;
  int cell_log2;
  float cell_clip;
  int32_t *x, *w[REF_GATES], *r[REF_GATES], *bias[REF_GATES];
  /* Flaws. */
  int n_inputs;                   /* 24 unless changed */
  int omit[N_SLOTS];              /* leave slot k out (-1) */
  int extra[N_SLOTS];             /* add an optional slot (peephole, projection, layer norm) */
  int in_type, w_type, bias_type, state_type, cell_type, out_type;
  int in_rank;
  int w_cols_delta;               /* input-to-forget weights get I + delta columns */
  int w_channels;                 /* scales on the input-to-output weights */
  int64_t w_zp;                   /* zero point of the recurrent-to-cell weights */
  int weights_activation;         /* input-to-cell weights are not constant */
  int state_not_variable, state_const, state_count_delta;
  float cell_scale_factor;        /* multiplies the cell scale (not a power of two) */
  int64_t cell_zp;
  float out_scale_factor;         /* output scale vs the output state's */
  int act, options_type, diagonal;
} spec;

typedef struct {
  int input, output_state, cell_state, output;
} tensors;

static size_t in_count(const spec *s) { return (size_t)s->B * s->T * s->I; }

static tb_model *build(const spec *s, tensors *ids) {
  tb_model *m = tb_new();
  int32_t slot[N_SLOTS];
  for (int k = 0; k < N_SLOTS; k++) slot[k] = -1;
  const int32_t in_dims[3] = {s->time_major ? s->T : s->B, s->time_major ? s->B : s->T, s->I};
  const int32_t flat_dims[2] = {s->B * s->T, s->I};
  const int input = s->in_rank == 2 ? oph_activation(m, s->in_type, 2, flat_dims, s->in_scale, s->in_zp, "input")
                                    : oph_activation(m, s->in_type, 3, in_dims, s->in_scale, s->in_zp, "input");
  /* Tensors no operator writes must be graph inputs (or the model is refused before the op sees them). */
  int32_t graph_inputs[3] = {input};
  int n_graph_inputs = 1;
  slot[0] = input;
  for (int g = 0; g < REF_GATES; g++) {
    int cols = s->I + (g == REF_GATE_FORGET ? s->w_cols_delta : 0);
    int32_t wd[2] = {s->S, cols}, rd[2] = {s->S, s->S}, bd[1] = {s->S};
    float ws[64];
    int nw = g == REF_GATE_OUTPUT && s->w_channels > 1 ? s->w_channels : 1;
    for (int i = 0; i < nw; i++) ws[i] = s->w_scale[g];
    int32_t *wv = calloc((size_t)s->S * (cols > 0 ? cols : 1), sizeof(int32_t));
    if (cols == s->I) memcpy(wv, s->w[g], sizeof(int32_t) * (size_t)s->S * s->I);
    if (g == REF_GATE_CELL && s->weights_activation) {
      slot[1 + g] = graph_inputs[n_graph_inputs++] = oph_activation(m, s->w_type, 2, wd, s->w_scale[g], 0, "input_weights");
    } else {
      slot[1 + g] = oph_constant(m, s->w_type, 2, wd, wv, nw, ws, NULL, 0, "input_weights");
    }
    free(wv);
    int64_t rzp = g == REF_GATE_CELL ? s->w_zp : 0;
    slot[5 + g] = oph_constant(m, s->w_type, 2, rd, s->r[g], 1, &s->r_scale[g], &rzp, 0, "recurrent_weights");
    slot[12 + g] = oph_constant(m, s->bias_type, 1, bd, s->bias[g], 0, NULL, NULL, 0, "bias");
  }
  int32_t state_dims[2] = {s->B, s->S + s->state_count_delta};
  int32_t *zeros = calloc((size_t)s->B * s->S + 1, sizeof(int32_t));
  slot[OUTPUT_STATE] = s->state_const
                           ? oph_constant(m, s->state_type, 2, state_dims, zeros, 1, &s->state_scale,
                                          &(int64_t){s->state_zp}, 0, "output_state")
                           : oph_activation(m, s->state_type, 2, state_dims, s->state_scale, s->state_zp, "output_state");
  float cell_scale = ldexpf(1.0f, s->cell_log2) * s->cell_scale_factor;
  slot[CELL_STATE] = tb_tensor(m, s->cell_type, 2, state_dims, 0, "cell_state");
  tb_quant(m, slot[CELL_STATE], 1, &cell_scale, &s->cell_zp, 0);
  free(zeros);
  if (s->state_not_variable) graph_inputs[n_graph_inputs++] = slot[OUTPUT_STATE];
  else tb_variable(m, slot[OUTPUT_STATE]);
  tb_variable(m, slot[CELL_STATE]);
  int32_t sd[1] = {s->S}, pd[2] = {s->S, s->S};
  for (int k = 9; k < N_SLOTS; k++) {
    if (!s->extra[k]) continue;
    if (k == 16) slot[k] = oph_constant(m, EI_INT8, 2, pd, NULL, 1, &s->w_scale[0], NULL, 0, "projection");
    else if (k == 17) slot[k] = oph_constant(m, EI_INT32, 1, sd, NULL, 0, NULL, NULL, 0, "projection_bias");
    else slot[k] = oph_constant(m, EI_INT16, 1, sd, NULL, 1, &s->w_scale[0], NULL, 0, "optional");
  }
  for (int k = 0; k < N_SLOTS; k++)
    if (s->omit[k]) slot[k] = -1;
  int32_t out_dims[3] = {in_dims[0], in_dims[1], s->S};
  int out = oph_activation(m, s->out_type, 3, out_dims, s->state_scale * s->out_scale_factor, s->state_zp, "output");
  tb_options o = tb_opts((uint8_t)s->options_type);
  tb_opt_u8(&o, 0, (uint8_t)s->act);
  tb_opt_f32(&o, 1, s->cell_clip);
  tb_opt_f32(&o, 2, 0.0f);
  tb_opt_u8(&o, 3, (uint8_t)s->time_major);
  if (s->diagonal) tb_opt_u8(&o, 5, 1);
  tb_operator(m, LSTM, s->n_inputs, slot, 1, (int32_t[]){out}, &o);
  tb_io(m, n_graph_inputs, graph_inputs, 1, (int32_t[]){out});
  if (ids) *ids = (tensors){input, slot[OUTPUT_STATE], slot[CELL_STATE], out};
  return m;
}

/* The model's bytes (malloc'd; free them). */
static uint8_t *serialize(const spec *s, tensors *ids, size_t *size) {
  tb_model *m = build(s, ids);
  uint8_t *bytes = tb_finish(m, size);
  tb_free(m);
  return bytes;
}

static ref_lstm ref_of(const spec *s) {
  ref_lstm p = {.batches = s->B, .steps = s->T, .input_size = s->I, .state_size = s->S,
                .time_major = s->time_major, .in_scale = s->in_scale, .in_zp = s->in_zp,
                .state_scale = s->state_scale, .state_zp = s->state_zp, .cell_log2 = s->cell_log2,
                .cell_clip = s->cell_clip};
  for (int g = 0; g < REF_GATES; g++) {
    p.w_scale[g] = s->w_scale[g];
    p.r_scale[g] = s->r_scale[g];
    p.w[g] = s->w[g];
    p.r[g] = s->r[g];
    p.bias[g] = s->bias[g];
  }
  return p;
}

/* Random data and scales that keep the gates and the state away from constant saturation. */
static void make_spec(spec *s, oph_rng *r, int B, int T, int I, int S, int time_major, int32_t in_zp,
                      int32_t state_zp, int cell_log2, float cell_clip) {
  memset(s, 0, sizeof *s);
  *s = (spec){.B = B, .T = T, .I = I, .S = S, .time_major = time_major, .in_zp = in_zp,
              .state_zp = state_zp, .cell_log2 = cell_log2, .cell_clip = cell_clip, .n_inputs = N_SLOTS,
              .in_type = EI_INT8, .w_type = EI_INT8, .bias_type = EI_INT32, .state_type = EI_INT8,
              .cell_type = EI_INT16, .out_type = EI_INT8, .cell_scale_factor = 1.0f,
              .out_scale_factor = 1.0f, .act = ACT_TANH, .options_type = OPT_LSTM};
  s->in_scale = oph_float(r, 0.005f, 0.05f);
  s->state_scale = oph_float(r, 1.0f / 160, 1.0f / 100);
  s->x = malloc(sizeof(int32_t) * (in_count(s) + 1));
  oph_fill_type(r, EI_INT8, s->x, in_count(s));
  for (int g = 0; g < REF_GATES; g++) {
    s->w[g] = malloc(sizeof(int32_t) * ((size_t)S * I + 1));
    s->r[g] = malloc(sizeof(int32_t) * ((size_t)S * S + 1));
    s->bias[g] = malloc(sizeof(int32_t) * ((size_t)S + 1));
    oph_fill(r, s->w[g], (size_t)S * I, -127, 127);
    oph_fill(r, s->r[g], (size_t)S * S, -127, 127);
    /* Pre-activations of a few units (Q3.12 spans +-8): 1.5 / (the sum's typical size). */
    double in_mag = oph_dot_magnitude(s->x, in_count(s), in_zp, s->w[g], (size_t)S * I, 0, I);
    double rec_mag = sqrt((double)S) * 73.0 * 73.0 + 1.0;
    s->w_scale[g] = (float)(oph_float(r, 0.5f, 3.0f) / (s->in_scale * (in_mag + 1.0)));
    s->r_scale[g] = (float)(oph_float(r, 0.5f, 3.0f) / (s->state_scale * rec_mag));
    float bias_unit = s->in_scale * s->w_scale[g];
    for (int i = 0; i < S; i++) s->bias[g][i] = (int32_t)lrintf(oph_float(r, -1.5f, 1.5f) / bias_unit);
  }
}

/* A scale w with float(a * w) exactly 2^-13 while the exact product is larger.
 * TFLM's fully connected multiplier takes the float product: 1/2 exactly. The
 * exact product would give a slightly larger one and round every negative odd
 * sum differently, so such scales tell the two rules apart. */
static float tie_partner(float a) {
  const float target = ldexpf(1.0f, -13);
  float w = target / a;
  for (int k = 0; k < 8; k++, w = nextafterf(w, 1.0f))
    if (a * w == target && (double)a * w > (double)target) return w;
  return 0.0f;
}

static void use_tie_scales(spec *s, oph_rng *r) {
  for (;;) {
    s->in_scale = oph_float(r, 0.02f, 0.05f);
    s->state_scale = oph_float(r, 1.0f / 160, 1.0f / 100);
    float w = tie_partner(s->in_scale), rw = tie_partner(s->state_scale);
    if (w > 0 && rw > 0) {
      for (int g = 0; g < REF_GATES; g++) s->w_scale[g] = w, s->r_scale[g] = rw;
      return;
    }
  }
}

static void free_spec(spec *s) {
  free(s->x);
  for (int g = 0; g < REF_GATES; g++) {
    free(s->w[g]);
    free(s->r[g]);
    free(s->bias[g]);
  }
}

static void pack8(const int32_t *v, size_t n, int8_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = (int8_t)v[i];
}

/* First difference between engine bytes and reference values, or NULL. */
static const char *diff(const char *what, const void *got, int type, const int32_t *want, size_t n) {
  int32_t *g = malloc(sizeof(int32_t) * (n + 1));
  oph_unpack(type, got, n, g);
  const char *err = NULL;
  for (size_t i = 0; i < n && !err; i++)
    if (g[i] != want[i]) err = oph_fmt("%s differs first at %zu of %zu: got %d, want %d", what, i, n, g[i], want[i]);
  free(g);
  return err;
}

/* Invokes on x and compares the output and both states with the reference's. */
static const char *invoke_and_compare(ei_interpreter *ip, const spec *s, const tensors *t, const int32_t *x,
                                      const int32_t *out, const int32_t *h, const int32_t *c) {
  size_t n_in = in_count(s), n_out = (size_t)s->B * s->T * s->S, n_state = (size_t)s->B * s->S;
  int8_t *in = malloc(n_in + 1);
  pack8(x, n_in, in);
  ei_status st = ei_set_input(ip, 0, in, n_in);
  free(in);
  if (st != EI_OK) return oph_fmt("ei_set_input: %s", ei_error_message(ip));
  if (ei_invoke(ip) != EI_OK) return oph_fmt("ei_invoke: %s", ei_error_message(ip));
  const char *err = diff("output", ei_output_data(ip, 0), EI_INT8, out, n_out);
  if (!err) err = diff("output state", ei_tensor_data(ip, t->output_state), EI_INT8, h, n_state);
  if (!err) err = diff("cell state", ei_tensor_data(ip, t->cell_state), EI_INT16, c, n_state);
  return err;
}

static int state_cases, state_mattered; /* second invocations whose output depends on the state */

/* Two invocations (state kept), then ei_reset_state and the first input again. */
static void run_case(spec *s, oph_rng *r) {
  const char *config = oph_fmt("B%d T%d I%d S%d %s, zp in %d state %d, cell 2^%d%s, %d operands", s->B, s->T, s->I,
                               s->S, s->time_major ? "time-major" : "batch-major", s->in_zp, s->state_zp, s->cell_log2,
                               s->cell_clip > 0 ? oph_fmt(" clip %g", (double)s->cell_clip) : "", s->n_inputs);
  size_t n_state = (size_t)s->B * s->S, n_out = (size_t)s->B * s->T * s->S;
  int32_t *x2 = malloc(sizeof(int32_t) * (in_count(s) + 1));
  oph_fill_type(r, EI_INT8, x2, in_count(s));
  int32_t *h = malloc(sizeof(int32_t) * (n_state + 1)), *c = calloc(n_state + 1, sizeof(int32_t));
  int32_t *out1 = malloc(sizeof(int32_t) * (n_out + 1)), *out2 = malloc(sizeof(int32_t) * (n_out + 1));
  int32_t *h1 = malloc(sizeof(int32_t) * (n_state + 1)), *c1 = malloc(sizeof(int32_t) * (n_state + 1));
  for (size_t i = 0; i < n_state; i++) h[i] = s->state_zp; /* real zero */
  ref_lstm p = ref_of(s);
  ref_lstm_run(&p, s->x, h, c, out1);
  memcpy(h1, h, sizeof(int32_t) * n_state);
  memcpy(c1, c, sizeof(int32_t) * n_state);
  ref_lstm_run(&p, x2, h, c, out2);
  { /* The same second input from a zero state: does the state change anything? */
    int32_t *hz = malloc(sizeof(int32_t) * (n_state + 1)), *cz = calloc(n_state + 1, sizeof(int32_t));
    int32_t *outz = malloc(sizeof(int32_t) * (n_out + 1));
    for (size_t i = 0; i < n_state; i++) hz[i] = s->state_zp;
    ref_lstm_run(&p, x2, hz, cz, outz);
    state_cases++;
    state_mattered += memcmp(outz, out2, sizeof(int32_t) * n_out) != 0;
    free(hz), free(cz), free(outz);
  }

  tensors t;
  size_t size = 0;
  uint8_t *model = serialize(s, &t, &size);
  ei_interpreter *ip = ei_create(model, size, 0);
  const char *err = ei_status_code(ip) != EI_OK ? oph_fmt("ei_create: %s", ei_error_message(ip)) : NULL;
  if (!err) err = invoke_and_compare(ip, s, &t, s->x, out1, h1, c1);
  if (!err && (err = invoke_and_compare(ip, s, &t, x2, out2, h, c))) err = oph_fmt("second invocation: %s", err);
  if (!err && ei_reset_state(ip) != EI_OK) err = "ei_reset_state failed";
  if (!err && (err = invoke_and_compare(ip, s, &t, s->x, out1, h1, c1))) err = oph_fmt("after reset: %s", err);
  oph_record(err == NULL, "UNIDIRECTIONAL_SEQUENCE_LSTM", config, err);
  ei_destroy(ip);
  free(model);
  free(x2), free(h), free(c), free(out1), free(out2), free(h1), free(c1);
}

/* One invocation over T steps equals T single-step invocations (the state carries over). */
static void split_sequence(oph_rng *r) {
  spec whole, step;
  make_spec(&whole, r, 3, 5, 7, 5, 0, -3, 17, -12, 0.0f);
  step = whole;
  step.T = 1;
  size_t size = 0;
  uint8_t *m1 = serialize(&whole, NULL, &size);
  ei_interpreter *all = ei_create(m1, size, 0);
  size_t size2 = 0;
  uint8_t *m2 = serialize(&step, NULL, &size2);
  ei_interpreter *one = ei_create(m2, size2, 0);
  const char *err = NULL;
  if (ei_status_code(all) || ei_status_code(one)) err = "ei_create failed";
  int8_t in[105], x[21], want[75], got[15];
  pack8(whole.x, 105, in);
  if (!err && (ei_set_input(all, 0, in, sizeof in) || ei_invoke(all) || ei_get_output(all, 0, want, sizeof want)))
    err = ei_error_message(all);
  for (int t = 0; t < 5 && !err; t++) {
    for (int b = 0; b < 3; b++) memcpy(x + 7 * b, in + (b * 5 + t) * 7, 7); /* batch-major [3, 5, 7] */
    if (ei_set_input(one, 0, x, sizeof x) || ei_invoke(one) || ei_get_output(one, 0, got, sizeof got)) {
      err = ei_error_message(one);
      break;
    }
    for (int b = 0; b < 3 && !err; b++)
      if (memcmp(got + 5 * b, want + (b * 5 + t) * 5, 5) != 0) err = oph_fmt("step %d, batch %d differs", t, b);
  }
  oph_record(err == NULL, "UNIDIRECTIONAL_SEQUENCE_LSTM", "5 single-step invocations = one 5-step invocation", err);
  ei_destroy(all);
  ei_destroy(one);
  free(m1);
  free(m2);
  free_spec(&whole);
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The reference is an LSTM: each step, from its own previous state, within a few
 * units of the same step in float. */
static void reference_vs_float(oph_rng *r) {
  spec s;
  make_spec(&s, r, 1, 5, 7, 17, 0, 5, -2, -11, 0.0f);
  ref_lstm p = ref_of(&s);
  p.steps = 1;
  int32_t h[17], c[17] = {0}, out[17];
  for (int i = 0; i < 17; i++) h[i] = s.state_zp;
  double worst = 0;
  for (int t = 0; t < 5; t++) {
    const int32_t *x = s.x + 7 * t;
    double hf[17], cf[17];
    for (int u = 0; u < 17; u++) {
      double pre[REF_GATES];
      for (int g = 0; g < REF_GATES; g++) {
        double a = s.bias[g][u] * (double)s.in_scale * s.w_scale[g];
        for (int k = 0; k < 7; k++) a += s.in_scale * (x[k] - s.in_zp) * (double)s.w_scale[g] * s.w[g][u * 7 + k];
        for (int k = 0; k < 17; k++) a += s.state_scale * (h[k] - s.state_zp) * (double)s.r_scale[g] * s.r[g][u * 17 + k];
        pre[g] = a;
      }
      cf[u] = sigmoid(pre[REF_GATE_FORGET]) * ldexp(c[u], s.cell_log2) +
              sigmoid(pre[REF_GATE_INPUT]) * tanh(pre[REF_GATE_CELL]);
      hf[u] = sigmoid(pre[REF_GATE_OUTPUT]) * tanh(cf[u]);
    }
    ref_lstm_run(&p, x, h, c, out);
    for (int u = 0; u < 17; u++) {
      double e = fabs((h[u] - s.state_zp) * (double)s.state_scale - hf[u]) / s.state_scale;
      if (e > worst) worst = e;
    }
  }
  oph_record(worst <= 3.0, "LSTM reference", "one step against float, 5 steps",
             oph_fmt("off the float LSTM by %.2f output units", worst));
  free_spec(&s);
}

static void table_checks(void) {
  /* TFLite's entries are up to 1.11 off the formula (e.g. i = 35); a typo would be far more. */
  double worst = 0;
  int monotone = 1;
  for (int i = 0; i < 256; i++) {
    double e = fabs(ref_lstm_table(i) - 65536.0 * sigmoid(i / 24.0));
    if (e > worst) worst = e;
    if (i && ref_lstm_table(i) < ref_lstm_table(i - 1)) monotone = 0;
  }
  oph_record(worst < 1.5 && monotone, "LSTM reference", "sigmoid table vs 65536 sigmoid(i/24)",
             oph_fmt("off by %.2f, monotone %d", worst, monotone));
  /* Symmetry of the activations: sigmoid(-x) + sigmoid(x) = 1 and tanh(-x) = -tanh(x), to one unit. */
  int ok = ref_lstm_sigmoid(0) == 16384 && ref_lstm_tanh_scaled(0) == 0;
  for (int32_t x = 1; x < 32768 && ok; x += 7) {
    ok = abs(ref_lstm_sigmoid(-x) + ref_lstm_sigmoid(x) - 32768) <= 1 &&
         abs(ref_lstm_tanh_scaled(-3 * (int64_t)x) + ref_lstm_tanh_scaled(3 * (int64_t)x)) <= 1;
  }
  oph_record(ok, "LSTM reference", "activation symmetry", "sigmoid or tanh not (anti)symmetric");
}

/* ---- Malformed and unsupported models ------------------------------------- */

static void expect(spec *s, const char *what, ei_status code, const char *needle) {
  size_t size = 0;
  uint8_t *model = serialize(s, NULL, &size);
  ei_interpreter *ip = ei_create(model, size, 0);
  const char *err = NULL, *msg = ei_error_message(ip);
  if (ei_status_code(ip) != code)
    err = oph_fmt("status %d (%s), expected %d", ei_status_code(ip), msg, code);
  else if (!strstr(msg, needle))
    err = oph_fmt("message \"%s\" does not mention \"%s\"", msg, needle);
  else if (ei_reset_state(ip) != EI_INVALID_STATE)
    err = "ei_reset_state on a failed interpreter did not refuse";
  oph_record(err == NULL, "UNIDIRECTIONAL_SEQUENCE_LSTM error", what, err);
  ei_destroy(ip);
  free(model);
}

static void error_cases(oph_rng *r) {
  spec base;
  make_spec(&base, r, 2, 3, 4, 5, 0, 0, 0, -12, 0.0f);
  const ei_status INVALID = EI_MODEL_INVALID, UNSUPPORTED = EI_UNSUPPORTED_OP;
#define CASE(what, code, needle, change) \
  do {                                   \
    spec s = base;                       \
    change;                              \
    expect(&s, what, code, needle);      \
  } while (0)
  CASE("19 inputs", INVALID, "expected 20..24", s.n_inputs = 19);
  CASE("22 inputs", INVALID, "expected 20 or 24", s.n_inputs = 22);
  CASE("options of another op", INVALID, "union type", s.options_type = 8);
  CASE("float32 input", UNSUPPORTED, "only INT8 input", s.in_type = EI_FLOAT32);
  CASE("int16 input (16x8)", UNSUPPORTED, "only INT8 input", s.in_type = EI_INT16);
  CASE("rank-2 input", INVALID, "rank 2, expected 3", s.in_rank = 2);
  CASE("missing input", INVALID, "input 0 (input) is missing", s.omit[0] = 1);
  CASE("missing forget weights", INVALID, "input-to-forget weights", s.omit[2] = 1);
  CASE("missing recurrent-to-output weights", INVALID, "recurrent-to-output weights", s.omit[8] = 1);
  CASE("missing cell gate bias", INVALID, "cell gate bias", s.omit[14] = 1);
  CASE("missing output state", INVALID, "output state", s.omit[OUTPUT_STATE] = 1);
  CASE("missing cell state", INVALID, "cell state", s.omit[CELL_STATE] = 1);
  CASE("CIFG", UNSUPPORTED, "CIFG", s.omit[1] = 1; s.omit[5] = 1);
  CASE("input gate half-present", INVALID, "both present or both omitted", s.omit[5] = 1);
  CASE("peephole", UNSUPPORTED, "peephole", s.extra[10] = 1);
  CASE("projection", UNSUPPORTED, "projection", s.extra[16] = 1);
  CASE("projection bias", UNSUPPORTED, "projection", s.extra[17] = 1);
  CASE("layer norm", UNSUPPORTED, "layer normalization", s.extra[21] = 1);
  CASE("uint8 weights", UNSUPPORTED, "is UINT8, expected INT8", s.w_type = EI_UINT8);
  CASE("float32 weights", UNSUPPORTED, "is FLOAT32, expected INT8", s.w_type = EI_FLOAT32);
  CASE("per-channel weights", UNSUPPORTED, "only per-tensor weights", s.w_channels = 5);
  CASE("weights zero point 3", UNSUPPORTED, "zero point 3", s.w_zp = 3);
  CASE("non-constant weights", UNSUPPORTED, "must be a constant", s.weights_activation = 1);
  CASE("weights of the wrong shape", INVALID, "is 5x5, expected 5x4", s.w_cols_delta = 1);
  CASE("int64 bias", UNSUPPORTED, "is INT64, expected INT32", s.bias_type = EI_INT64);
  CASE("output state not variable", INVALID, "must be a variable tensor", s.state_not_variable = 1);
  CASE("output state with data", UNSUPPORTED, "holds constant data", s.state_const = 1);
  CASE("output state int16", UNSUPPORTED, "is INT16, expected INT8", s.state_type = EI_INT16);
  CASE("state of the wrong size", INVALID, "expected batches x state = 10", s.state_count_delta = 1);
  CASE("int8 cell state", UNSUPPORTED, "is INT8, expected INT16", s.cell_type = EI_INT8);
  CASE("cell scale not a power of two", UNSUPPORTED, "not a power of two", s.cell_scale_factor = 1.3f);
  CASE("cell scale 2^3", UNSUPPORTED, "outside", s.cell_log2 = 3);
  CASE("cell zero point", UNSUPPORTED, "zero point 4; it must be 0", s.cell_zp = 4);
  CASE("int16 output", UNSUPPORTED, "is INT16, expected INT8", s.out_type = EI_INT16);
  CASE("output quantized unlike the state", INVALID, "share the output state's quantization", s.out_scale_factor = 2.0f);
  CASE("RELU cell activation", UNSUPPORTED, "only TANH", s.act = 1);
  CASE("negative cell clip", INVALID, "cell_clip", s.cell_clip = -1.0f);
  CASE("diagonal recurrent weights", UNSUPPORTED, "diagonal", s.diagonal = 1);
#undef CASE
  free_spec(&base);

  /* API misuse. */
  oph_record(ei_reset_state(NULL) == EI_INVALID_STATE, "ei_reset_state", "NULL interpreter", "did not refuse");
}

/* Random byte flips anywhere in the real LSTM model: each variant loads and runs,
 * or fails with a typed error (hostile_harness checks the invariants; ASan the rest). */
static void flips(oph_rng *r) {
  hh_begin("keras_lstm_mnist_ptq byte flips");
  hh_blob b = hh_load_shared("refdata/models/keras_lstm_mnist_ptq.tflite");
  int loaded = 0, variants = 10000;
  for (int v = 0; v < variants && b.bytes; v++) {
    uint8_t *copy = malloc(b.size);
    memcpy(copy, b.bytes, b.size);
    for (int k = oph_int(r, 1, 3); k > 0; k--) copy[oph_u32(r) % b.size] ^= (uint8_t)oph_int(r, 1, 255);
    snprintf(hh_case_detail, sizeof hh_case_detail, "variant %d", v);
    loaded += hh_run(copy, b.size, HH_MEMORY_LIMIT, true).create == EI_OK;
    free(copy);
  }
  free(b.bytes);
  oph_record(hh_failure_count() == 0 && loaded > 0, "UNIDIRECTIONAL_SEQUENCE_LSTM", "10000 byte-flipped models",
             oph_fmt("%d failures, %d loaded", hh_failure_count(), loaded));
  printf("byte flips: %d of %d variants loaded and ran\n", loaded, variants);
}

int main(void) {
  oph_rng r;
  oph_seed(&r, 4400);
  table_checks();
  reference_vs_float(&r);
  static const int batches[2] = {1, 3}, steps[2] = {1, 5}, inputs[2] = {1, 7}, states[3] = {1, 5, 17};
  static const int32_t zps[][2] = {{-128, 127}, {127, -128}, {0, -1}, {-7, 33}};
  static const int cell_log2s[] = {-12, -11, -15, -8};
  int k = 0;
  for (int bi = 0; bi < 2; bi++)
    for (int ti = 0; ti < 2; ti++)
      for (int ii = 0; ii < 2; ii++)
        for (int si = 0; si < 3; si++)
          for (int layout = 0; layout < 2; layout++, k++) {
            spec s;
            const int32_t *zp = zps[k % 4];
            float clip = k % 5 == 2 ? 1.25f : (k % 7 == 3 ? 0.0001f : 0.0f);
            make_spec(&s, &r, batches[bi], steps[ti], inputs[ii], states[si], layout, zp[0], zp[1],
                      cell_log2s[k % 4], clip);
            run_case(&s, &r);
            free_spec(&s);
          }
  { /* 20 operands: the layer-norm slots left out altogether, as older converters write it */
    spec s;
    make_spec(&s, &r, 2, 3, 4, 5, 0, 12, -20, -12, 0.0f);
    s.n_inputs = 20;
    run_case(&s, &r);
    free_spec(&s);
  }
  for (int layout = 0; layout < 2; layout++) { /* multipliers of exactly 1/2 */
    spec s;
    make_spec(&s, &r, 3, 5, 7, 5, layout, -5, 9, -12, 0.0f);
    use_tie_scales(&s, &r);
    run_case(&s, &r);
    free_spec(&s);
  }
  /* Otherwise the second invocations would prove little. */
  oph_record(state_mattered * 4 >= state_cases * 3, "UNIDIRECTIONAL_SEQUENCE_LSTM", "state changes second invocations",
             oph_fmt("only %d of %d", state_mattered, state_cases));
  printf("state changed the second invocation's output in %d of %d cases\n", state_mattered, state_cases);
  split_sequence(&r);
  error_cases(&r);
  flips(&r);
  return oph_finish();
}
