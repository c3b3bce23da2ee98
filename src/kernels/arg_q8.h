/* arg_q8.h — the index of the first largest (or smallest) of n contiguous
 * 8-bit values: ARG_MAX / ARG_MIN over an innermost class axis.
 *
 * Both directions and both signs reduce to "first largest unsigned key":
 * key = byte ^ flip, where flip has 0x80 for int8 (moving -128..127 onto
 * 0..255 in order) and 0xFF more for a minimum (reversing the order). */
#ifndef EI_KERNELS_ARG_Q8_H
#define EI_KERNELS_ARG_Q8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint8_t ei_arg_q8_flip(bool is_signed, bool is_max) {
  return (uint8_t)((is_signed ? 0x80 : 0) ^ (is_max ? 0 : 0xFF));
}

/* n >= 1. */
size_t ei_arg_q8(const uint8_t *v, size_t n, uint8_t flip);
size_t ei_arg_q8_scalar(const uint8_t *v, size_t n, uint8_t flip);

#endif
