/* test_simd_arg.c — the SIMD128 8-bit ARG_MAX/ARG_MIN kernel against its
 * scalar loop: every length from 1 to 80 (groups of 16, overlapping tails),
 * the four sign/direction flips, values with many ties (the first index must
 * win) and the extremes 0x00, 0x7F, 0x80, 0xFF anywhere. Built with -msimd128
 * and run in Node (make test-wasm). */
#include <stdio.h>

#include "kernels/arg_q8.h"
#include "test_support.h"

int main(void) {
  seed(4242);
  static const uint8_t extremes[4] = {0x00, 0x7F, 0x80, 0xFF};
  uint8_t v[80];
  int cases = 0, failures = 0;
  for (size_t n = 1; n <= 80; ++n) {
    for (int rep = 0; rep < 60; ++rep) {
      const uint32_t spread = rep % 3 == 0 ? 3 : 256; /* few distinct values: ties */
      for (size_t i = 0; i < n; ++i)
        v[i] = next() % 6 == 0 ? extremes[next() % 4] : (uint8_t)(next() % spread);
      for (int k = 0; k < 4; ++k, ++cases) {
        const uint8_t flip = ei_arg_q8_flip(k & 1, k & 2);
        const size_t want = ei_arg_q8_scalar(v, n, flip), got = ei_arg_q8(v, n, flip);
        if (want != got) {
          ++failures;
          printf("FAIL arg q8: n %zu, flip 0x%02x: index %zu, expected %zu\n", n, flip, got, want);
        }
      }
    }
  }
  printf("arg q8: %d cases, %d failed\n", cases, failures);
  return failures != 0;
}
