/* mul_q8.c — element-wise MUL of two same-shape 8-bit tensors, scalar. */
#include "kernels.h"

#ifndef __wasm_simd128__
void ei_mul_q8(const ei_mul_params *p, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = ei_mul_q8_one(p, ei_load_q8(a + i, p->is_signed), ei_load_q8(b + i, p->is_signed));
}
#endif
