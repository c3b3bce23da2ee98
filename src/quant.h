/* quant.h — every rounding and saturation rule of TFLite's reference integer
 * arithmetic, in one place. Kernels call these; a rounding fix is made here.
 *
 * A real multiplier M is stored as a Q0.31 significand m in [2^30, 2^31) and
 * an exponent e with M = m * 2^(e - 31) (QuantizeMultiplier). Applying it to an
 * int32 x is TFLite's default "double rounding": a saturating rounding doubling
 * high multiply by m, then a rounding (half away from zero) right shift by -e.
 */
#ifndef EI_QUANT_H
#define EI_QUANT_H

#include <stdbool.h>
#include <stdint.h>

/* Round half away from zero, as std::round (TfLiteRound). */
double ei_round(double x);

/* Splits a multiplier into significand and exponent (TFLite QuantizeMultiplier).
 * Multipliers below 2^-31 flush to zero. */
void ei_quantize_multiplier(double multiplier, int32_t *significand, int *exponent);

/* (a * b * 2) >> 32 with rounding to nearest; saturates INT32_MIN * INT32_MIN. */
static inline int32_t ei_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b;
  int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  /* C division truncates toward zero, as the reference does. */
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31. */
static inline int32_t ei_rounding_shift(int32_t x, int exponent) {
  int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * M for M = (significand, exponent). A left shift wraps like the reference's
 * int32 arithmetic; prepare rejects exponents above 30. */
static inline int32_t ei_requantize(int32_t x, int32_t significand, int exponent) {
  int left = exponent > 0 ? exponent : 0;
  int right = exponent > 0 ? 0 : -exponent;
  int32_t shifted = (int32_t)(uint32_t)((uint32_t)x << left);
  return ei_rounding_shift(ei_srdhm(shifted, significand), right);
}

static inline int32_t ei_clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Quantized [min, max] of a fused activation (TFLite CalculateActivationRangeQuantized).
 * act: 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6. Returns false for others. */
bool ei_activation_range(int act, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                         int32_t *lo, int32_t *hi);

/* Fixed-point exp(x) for x <= 0: x with integer_bits (0..5) integer bits, e.g.
 * Q5.26 for SOFTMAX and Q4.27 for LOGISTIC; result in Q0.31 (gemmlowp). */
int32_t ei_exp_on_negative_values(int32_t x, int integer_bits);
/* 1 / (1 + x) for x in [0, 1): x and result in Q0.31 (gemmlowp, Newton-Raphson). */
int32_t ei_one_over_one_plus_x(int32_t x_q0_31);
/* 1 / x for x > 0 in Q(integer_bits).(31-integer_bits): returns a Q0.31 value r
 * and *bits_over_unit b such that 1/x = r * 2^-b (TFLite GetReciprocal). */
int32_t ei_reciprocal(int32_t x, int integer_bits, int *bits_over_unit);
/* Saturating x * 2^exponent (exponent > 0) or rounding x / 2^-exponent. */
int32_t ei_saturating_mul_pot(int32_t x, int exponent);

/* TFLite's 16-bit sigmoid and tanh (reference_integer_ops::Logistic/Tanh on int16):
 * a 256-entry table of sigmoid(i/24) in Q0.16, linearly interpolated. The input v
 * is in units of 1/12288, i.e. 3 times a Q3.12 value (see ei_lut16_input); the
 * result is Q0.15. Large |v| saturate: sigmoid to 32767 and 1 (not 0), tanh to
 * +-32767. */
int16_t ei_sigmoid_q15(int32_t v);
int16_t ei_tanh_q15(int32_t v);
/* The table's input: (x * multiplier + 2^(shift-1)) >> shift, i.e. rounded half up
 * (TFLite scales an int16 input this way before the lookup; shift 0: exact). */
static inline int32_t ei_lut16_input(int32_t x, int32_t multiplier, int shift) {
  int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
  return (x * multiplier + round) >> shift;
}

#endif
