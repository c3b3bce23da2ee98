/* convert_f16.c — IEEE 754 binary16 to binary32. Every half value is exactly
 * representable as a float, so the conversion only moves bits. */
#include <string.h>

#include "kernels.h"

float ei_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  const uint32_t exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    /* Zero or subnormal: mantissa * 2^-24, exact in float (at most 10 bits). */
    const float magnitude = (float)mantissa * 0x1p-24f;
    memcpy(&bits, &magnitude, 4);
    bits |= sign;
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13); /* infinity, or NaN keeping its payload */
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13); /* rebias 15 -> 127 */
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}
