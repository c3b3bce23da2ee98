/* elementwise.h — small helpers for the ops that work element by element on
 * int32, int64 and float32 tensors (arith.c, cast.c, quantize.c, sqrt.c,
 * logistic.c, arg_max.c): loads and stores that are safe for any alignment,
 * and the fused activation bounds of unquantized outputs. */
#ifndef EI_ELEMENTWISE_H
#define EI_ELEMENTWISE_H

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernels.h" /* ei_round_half_away_f32 */

static inline int32_t ei_get_i32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }
static inline int64_t ei_get_i64(const uint8_t *p) { int64_t v; memcpy(&v, p, 8); return v; }
static inline float ei_get_f32(const uint8_t *p) { float v; memcpy(&v, p, 4); return v; }
static inline void ei_put_i32(uint8_t *p, int32_t v) { memcpy(p, &v, 4); }
static inline void ei_put_i64(uint8_t *p, int64_t v) { memcpy(p, &v, 8); }
static inline void ei_put_f32(uint8_t *p, float v) { memcpy(p, &v, 4); }

/* Bounds of a fused activation on an int32 or float32 output, as TFLite's
 * CalculateActivationRange: NONE is the type's whole range (so a float
 * infinity still becomes +-FLT_MAX). act: 0 NONE, 1 RELU, 2 RELU_N1_TO_1,
 * 3 RELU6; false for any other. */
static inline bool ei_activation_bounds(uint8_t act, double type_lo, double type_hi, double *lo,
                                        double *hi) {
  switch (act) {
    case 0: *lo = type_lo; *hi = type_hi; return true;
    case 1: *lo = 0; *hi = type_hi; return true;
    case 2: *lo = -1; *hi = 1; return true;
    case 3: *lo = 0; *hi = 6; return true;
    default: return false;
  }
}

/* min(max(x, lo), hi) with std::max/std::min semantics: a NaN passes through. */
static inline float ei_clamp_f32(float x, float lo, float hi) {
  if (x < lo) x = lo;
  if (hi < x) x = hi;
  return x;
}

#endif
