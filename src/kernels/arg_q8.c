/* arg_q8.c — first largest key among n bytes, scalar (see arg_q8.h). */
#include "kernels/arg_q8.h"

/* Selects instead of branches: which value wins is data-dependent and would
 * mispredict. */
size_t ei_arg_q8_scalar(const uint8_t *v, size_t n, uint8_t flip) {
  uint8_t best = v[0] ^ flip;
  size_t best_index = 0;
  for (size_t i = 1; i < n; ++i) {
    const uint8_t key = v[i] ^ flip;
    const bool better = key > best;
    best_index = better ? i : best_index;
    best = better ? key : best;
  }
  return best_index;
}

#ifndef __wasm_simd128__
size_t ei_arg_q8(const uint8_t *v, size_t n, uint8_t flip) { return ei_arg_q8_scalar(v, n, flip); }
#endif
