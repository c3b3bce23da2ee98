/* arg_q8_wasmsimd.c — first largest key among n >= 16 bytes, 16 at a time
 * (see arg_q8.h): the maximum over every group (the last one overlapping its
 * predecessor when n is not a multiple of 16), spread to all lanes, then the
 * first group holding it gives the index by its equality bitmask. */
#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels/arg_q8.h"

size_t ei_arg_q8(const uint8_t *v, size_t n, uint8_t flip) {
  if (n < 16) return ei_arg_q8_scalar(v, n, flip);
  const v128_t f = wasm_u8x16_splat(flip);
  v128_t best = wasm_v128_xor(wasm_v128_load(v), f);
  size_t i = 16;
  for (; i + 16 <= n; i += 16) best = wasm_u8x16_max(best, wasm_v128_xor(wasm_v128_load(v + i), f));
  if (i < n) best = wasm_u8x16_max(best, wasm_v128_xor(wasm_v128_load(v + n - 16), f));
  /* Butterfly: lane k meets lanes k^8, k^4, k^2, k^1, so every lane ends with the maximum. */
  best = wasm_u8x16_max(best, wasm_i8x16_shuffle(best, best, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  best = wasm_u8x16_max(best, wasm_i8x16_shuffle(best, best, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
  best = wasm_u8x16_max(best, wasm_i8x16_shuffle(best, best, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  best = wasm_u8x16_max(best, wasm_i8x16_shuffle(best, best, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
  for (i = 0; i + 16 <= n; i += 16) {
    const uint32_t hits = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_xor(wasm_v128_load(v + i), f), best));
    if (hits) return i + (size_t)__builtin_ctz(hits);
  }
  const uint32_t hits = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_xor(wasm_v128_load(v + n - 16), f), best));
  return n - 16 + (size_t)__builtin_ctz(hits);
}
#endif
