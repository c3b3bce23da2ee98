/* test_support.h — what the wasm kernel tests share: a seeded xorshift
 * generator with its pickers, and TFLite's output size and leading pad of one
 * axis (an odd total pad puts the extra pixel after). */
#ifndef EI_TEST_SUPPORT_H
#define EI_TEST_SUPPORT_H

#include <stdint.h>

static uint32_t test_rng = 1;

static inline void seed(uint32_t s) { test_rng = s ? s : 1; }

static inline uint32_t next(void) {
  test_rng ^= test_rng << 13;
  test_rng ^= test_rng >> 17;
  test_rng ^= test_rng << 5;
  return test_rng;
}

static inline int pick(const int *v, int n) { return v[next() % (uint32_t)n]; }
static inline int range(int lo, int hi) { return lo + (int)(next() % (uint32_t)(hi - lo + 1)); }

static inline int out_size(int in, int k, int stride, int dil, int same_pad, int *pad) {
  const int eff = (k - 1) * dil + 1;
  const int out = same_pad ? (in + stride - 1) / stride : (in - eff + stride) / stride;
  const int total = (out - 1) * stride + eff - in;
  *pad = total > 0 ? total / 2 : 0;
  return out;
}

#endif
