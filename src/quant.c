/* quant.c — multiplier quantization and the fixed-point transcendental
 * functions used by SOFTMAX (see quant.h). */
#include "quant.h"

#include <math.h>

double ei_round(double x) { return round(x); }

void ei_quantize_multiplier(double multiplier, int32_t *significand, int *exponent) {
  if (multiplier == 0.0 || !isfinite(multiplier)) {
    *significand = 0;
    *exponent = 0;
    return;
  }
  int e;
  double q = frexp(multiplier, &e); /* multiplier = q * 2^e, 0.5 <= |q| < 1 */
  int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
  if (q_fixed == (1ll << 31)) { /* rounding carried into the next power of two */
    q_fixed /= 2;
    ++e;
  }
  if (e < -31) { /* every bit would be shifted out: flush to zero */
    e = 0;
    q_fixed = 0;
  }
  *significand = (int32_t)q_fixed;
  *exponent = e;
}

/* zero_point + round(f / scale), computed in float as TFLite does. A tiny scale
 * would overflow int32 (undefined in the reference): such bounds saturate. */
static int32_t quantize_bound(float f, float scale, int32_t zero_point) {
  float q = roundf(f / scale);
  if (!(q > -1e9f)) q = -1e9f; /* also catches NaN */
  if (q > 1e9f) q = 1e9f;
  return zero_point + (int32_t)q;
}

bool ei_activation_range(int act, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                         int32_t *lo, int32_t *hi) {
#define QUANTIZE(f) quantize_bound(f, scale, zero_point)
  switch (act) {
    case 0: *lo = qmin; *hi = qmax; return true;
    case 1: *lo = QUANTIZE(0.0f); *hi = qmax; break;
    case 2: *lo = QUANTIZE(-1.0f); *hi = QUANTIZE(1.0f); break;
    case 3: *lo = QUANTIZE(0.0f); *hi = QUANTIZE(6.0f); break;
    default: return false;
  }
#undef QUANTIZE
  if (*lo < qmin) *lo = qmin;
  if (*hi > qmax) *hi = qmax;
  return true;
}

int32_t ei_saturating_mul_pot(int32_t x, int exponent) {
  if (exponent <= 0) return exponent == 0 ? x : ei_rounding_shift(x, -exponent);
  int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out: a Taylor expansion around -1/8. */
static int32_t exp_on_interval_minus_quarter_to_zero(int32_t a) {
  const int32_t exp_minus_one_eighth = 1895147668; /* exp(-1/8) in Q0.31 */
  const int32_t one_third = 715827883;            /* 1/3 in Q0.31 */
  int32_t x = a + (1 << 28);                      /* x = a + 1/8 */
  int32_t x2 = ei_srdhm(x, x);
  int32_t x3 = ei_srdhm(x2, x);
  int32_t x4 = ei_srdhm(x2, x2);
  int32_t x4_over_4 = ei_saturating_mul_pot(x4, -2);
  /* x^4/24 + x^3/6 + x^2/2 = ((x^4/4 + x^3) / 3 + x^2) / 2 */
  int32_t poly = ei_saturating_mul_pot(ei_srdhm(x4_over_4 + x3, one_third) + x2, -1);
  return exp_minus_one_eighth + ei_srdhm(exp_minus_one_eighth, x + poly);
}

int32_t ei_exp_on_negative_values(int32_t a, int integer_bits) {
  /* Input Q(integer_bits).(31 - integer_bits), integer_bits in [0, 5]. */
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = 1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  /* a = (a mod 1/4 - 1/4) - remainder, with remainder a non-negative multiple of 1/4. */
  int32_t a_mod_quarter_minus_quarter = (a & mask) - one_quarter;
  int32_t result = exp_on_interval_minus_quarter_to_zero(
      ei_saturating_mul_pot(a_mod_quarter_minus_quarter, integer_bits)); /* to Q0.31 */
  int32_t remainder = a_mod_quarter_minus_quarter - a;
  /* Multiply by exp(-2^k) for every bit k of the remainder (a barrel shifter). */
  static const int32_t exp_minus_pow2[7] = {
      1672461947, /* exp(-1/4) */
      1302514674, /* exp(-1/2) */
      790015084,  /* exp(-1) */
      290630308,  /* exp(-2) */
      39332535,   /* exp(-4) */
      720401,     /* exp(-8) */
      242,        /* exp(-16) */
  };
  for (int k = -2; k < integer_bits; ++k) {
    if (remainder & (1 << (fractional_bits + k))) result = ei_srdhm(result, exp_minus_pow2[k + 2]);
  }
  if (a == 0) result = INT32_MAX; /* exp(0) = 1, the largest Q0.31 value */
  return result;
}

int32_t ei_one_over_one_plus_x(int32_t a) {
  /* half_denominator = (a + 1) / 2 rounded, in Q0.31. */
  int64_t sum = (int64_t)a + INT32_MAX;
  int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  /* Newton-Raphson in Q2.29, starting from 48/17 - 32/17 * d. */
  const int32_t c48_over_17 = 1515870810;
  const int32_t c_neg32_over_17 = -1010580540;
  const int32_t one_q2_29 = 1 << 29;
  int32_t x = c48_over_17 + ei_srdhm(half_denominator, c_neg32_over_17);
  for (int i = 0; i < 3; ++i) {
    int32_t half_denominator_times_x = ei_srdhm(half_denominator, x);
    int32_t one_minus = one_q2_29 - half_denominator_times_x;
    x = x + ei_saturating_mul_pot(ei_srdhm(x, one_minus), 2); /* Q4.27 -> Q2.29 */
  }
  /* x / 2, then Q2.29 -> Q0.31. */
  return ei_saturating_mul_pot(x, 1);
}

int32_t ei_reciprocal(int32_t x, int integer_bits, int *bits_over_unit) {
  /* Normalize x to [1, 2) by shifting out its headroom, then 1/(1 + (x' - 1)). */
  int headroom_plus_one = x > 0 ? __builtin_clz((uint32_t)x) : 31;
  *bits_over_unit = integer_bits - headroom_plus_one;
  int32_t shifted_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
  return ei_one_over_one_plus_x(shifted_minus_one);
}

/* sigmoid(i / 24) in Q0.16 for i = 0..255, as TFLite tabulates it
 * (sigmoid_table_uint16 in its internal/common.h). The values are data, not a
 * formula: rounding 65536 * sigmoid(i / 24) differs from many entries by one. */
static const uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};

/* The table at |v| / 2^frac_bits, interpolated, with frac_bits fraction bits
 * kept: Q0.(16 + frac_bits). */
static uint32_t sigmoid_lookup(uint32_t a, int frac_bits) {
  uint32_t i = a >> frac_bits, frac = a & ((1u << frac_bits) - 1);
  uint32_t lo = kSigmoidTable[i], hi = kSigmoidTable[i + 1];
  return (lo << frac_bits) + frac * (hi - lo);
}

int16_t ei_sigmoid_q15(int32_t v) {
  /* |v| / 2^9 is the table index (units of 1/24): 3 * Q3.12 / 512 = x * 24. */
  uint32_t a = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  uint32_t r = (a >> 9) >= 255 ? 0x7FFFu << 10 : sigmoid_lookup(a, 9); /* Q0.25 */
  /* sigmoid(-x) = 1 - sigmoid(x). To Q0.15 adding a half: ties go up for x >= 0,
   * down for x < 0 (the "- 1"), so the two halves mirror each other. */
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
  return (int16_t)(r >> 10);
}

int16_t ei_tanh_q15(int32_t v) {
  /* tanh(x) = 2 sigmoid(2x) - 1: index |v| / 2^8 reads the table at 2x. */
  uint32_t a = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  int32_t r = (int32_t)((a >> 8) >= 255 ? 0xFFFFu << 8 : sigmoid_lookup(a, 8)); /* Q0.24 */
  /* Minus one half (2 sigmoid - 1 in Q0.23), then to Q0.15 adding 2^7; for x < 0
   * the mirror, whose arithmetic shift floors (it may be negative). */
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return (int16_t)(r >> 8);
}
