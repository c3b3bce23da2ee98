/* ref_lstm.c — see ref_lstm.h. */
#include "ref_lstm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ref_ops.h"

/* sigmoid(i / 24) * 65536 as TFLite tabulates it (its data; rounding the formula
 * misses many entries by one, so the table cannot be recomputed). */
static const int32_t kTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432,
    42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475,
    49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485,
    55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519,
    59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036,
    62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405,
    64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179,
    65194, 65208, 65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337,
    65345, 65352, 65360, 65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
    65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517,
    65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525, 65525,
    65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533,
    65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535};

int32_t ref_lstm_table(int i) { return kTable[i]; }

static void die(const char *what) {
  fprintf(stderr, "ref_lstm: %s\n", what);
  abort();
}

/* floor(a / 2^k) for any sign. */
static int64_t floor_shift(int64_t a, int k) {
  int64_t d = (int64_t)1 << k;
  return a >= 0 ? a / d : -((-a + d - 1) / d);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* The table read at |v| / 2^k (k fraction bits), linearly interpolated: Q0.(16+k). */
static int64_t table_at(int64_t mag, int k) {
  int64_t i = mag >> k, frac = mag - (i << k);
  return kTable[i] * ((int64_t)1 << k) + frac * (kTable[i + 1] - kTable[i]);
}

int32_t ref_lstm_sigmoid(int32_t x) {
  int64_t v = 3 * (int64_t)x, mag = v < 0 ? -v : v; /* units of 1/12288 */
  int64_t r = (mag >> 9) >= 255 ? (int64_t)32767 * 1024 : table_at(mag, 9);
  /* Half up for x >= 0; 1 - sigmoid for x < 0, whose halves round down. */
  int64_t q = v >= 0 ? floor_shift(r + 512, 10) : floor_shift(((int64_t)1 << 25) - r + 511, 10);
  return (int32_t)q;
}

int32_t ref_lstm_tanh_scaled(int64_t v) {
  int64_t mag = v < 0 ? -v : v;
  int64_t r = (mag >> 8) >= 255 ? (int64_t)65535 * 256 : table_at(mag, 8); /* sigmoid(2x), Q0.24 */
  int64_t half = (int64_t)1 << 23;
  int64_t q = v >= 0 ? floor_shift(r - half + 128, 8) : floor_shift(half - r + 127, 8);
  return (int32_t)q;
}

/* The cell state (scale 2^cell_log2) in the table's units: 3 * x * 2^(cell_log2 + 12), rounded half up. */
static int64_t cell_to_table(int32_t x, int cell_log2) {
  int s = cell_log2 + 12;
  if (s >= 0) return 3 * (int64_t)x * ((int64_t)1 << s);
  return floor_shift(3 * (int64_t)x + ((int64_t)1 << (-s - 1)), -s);
}

typedef struct {
  int32_t m;
  int e;
} mult;

static mult multiplier(double real) {
  mult r;
  ref_quantize_multiplier(real, &r.m, &r.e);
  return r;
}

static int32_t requant(int64_t x, mult m) {
  if (x < INT32_MIN || x > INT32_MAX) die("product outside int32");
  return ref_apply_multiplier((int32_t)x, m.m, m.e);
}

/* int16 Q3.12 of sum_k W[s][k] * (x[k] - zp) (+ bias), saturated. */
static int32_t fc16(const int32_t *w, int s, const int32_t *x, int n, int32_t zp, const int32_t *bias, mult m) {
  int64_t acc = 0;
  for (int k = 0; k < n; ++k) acc += (int64_t)w[(size_t)s * n + k] * (x[k] - zp);
  if (bias) acc += bias[s];
  return (int32_t)clamp64(requant(acc, m), INT16_MIN, INT16_MAX);
}

void ref_lstm_run(const ref_lstm *p, const int32_t *input, int32_t *h, int32_t *c, int32_t *out) {
  const int S = p->state_size, I = p->input_size;
  const double q15 = 1.0 / 32768, cell_scale = ldexp(1.0, p->cell_log2);
  const float q12 = 1.0f / 4096;
  mult in_m[REF_GATES], rec_m[REF_GATES];
  for (int g = 0; g < REF_GATES; ++g) {
    /* The fully connected layers' rule: the float product of the two scales. */
    float in_product = p->in_scale * p->w_scale[g], rec_product = p->state_scale * p->r_scale[g];
    in_m[g] = multiplier((double)in_product / q12);
    rec_m[g] = multiplier((double)rec_product / q12);
  }
  mult forget_m = multiplier(q15 * cell_scale / cell_scale), input_m = multiplier(q15 * q15 / cell_scale);
  mult hidden_m = multiplier(q15 * q15 / (double)p->state_scale);
  int32_t clip = 0;
  if (p->cell_clip > 0) clip = (int32_t)trunc(fmin(fmax((double)p->cell_clip / cell_scale, -32768), 32767));

  int32_t *gate = malloc(sizeof(int32_t) * REF_GATES * (size_t)(S ? S : 1));
  int32_t *h_new = malloc(sizeof(int32_t) * (size_t)(S ? S : 1));
  if (!gate || !h_new) die("out of memory");
  for (int b = 0; b < p->batches; ++b) {
    int32_t *hb = h + (size_t)b * S, *cb = c + (size_t)b * S;
    for (int t = 0; t < p->steps; ++t) {
      size_t row = p->time_major ? (size_t)t * p->batches + b : (size_t)b * p->steps + t;
      const int32_t *x = input + row * I;
      for (int g = 0; g < REF_GATES; ++g)
        for (int s = 0; s < S; ++s) {
          int64_t pre = (int64_t)fc16(p->w[g], s, x, I, p->in_zp, p->bias[g], in_m[g]) +
                        fc16(p->r[g], s, hb, S, p->state_zp, NULL, rec_m[g]);
          int32_t v = (int32_t)clamp64(pre, INT16_MIN, INT16_MAX);
          gate[g * S + s] = g == REF_GATE_CELL ? ref_lstm_tanh_scaled(3 * (int64_t)v) : ref_lstm_sigmoid(v);
        }
      for (int s = 0; s < S; ++s) {
        int64_t kept = clamp64(requant((int64_t)gate[REF_GATE_FORGET * S + s] * cb[s], forget_m), INT16_MIN, INT16_MAX);
        int64_t added = clamp64(requant((int64_t)gate[REF_GATE_INPUT * S + s] * gate[REF_GATE_CELL * S + s], input_m),
                                INT16_MIN, INT16_MAX);
        int64_t cell = clamp64(kept + added, INT16_MIN, INT16_MAX);
        if (p->cell_clip > 0) cell = clamp64(cell, -clip, clip);
        cb[s] = (int32_t)cell;
        int32_t t_cell = ref_lstm_tanh_scaled(cell_to_table(cb[s], p->cell_log2));
        int64_t hidden = (int64_t)requant((int64_t)t_cell * gate[REF_GATE_OUTPUT * S + s], hidden_m) + p->state_zp;
        h_new[s] = (int32_t)clamp64(hidden, -128, 127);
      }
      for (int s = 0; s < S; ++s) {
        hb[s] = h_new[s];
        out[row * S + s] = h_new[s];
      }
    }
  }
  free(gate);
  free(h_new);
}
