/* test_simd_resize.c — RESIZE_BILINEAR's SIMD128 blends against their
 * scalar loops, bit for bit. Float: depths around the 4-lane groups (the
 * overlapping last group), columns sharing or repeating sources, values
 * beyond [0, 255] so the uint8 clamp works on both ends, and negative zeros.
 * int8: depths around the 8-lane groups, values at the int8 extremes, and
 * weights from well outside [-512, 1536] (the scalar fallback) to its edges.
 * Built with -msimd128 and run in Node (make test-wasm). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/resize.h"
#include "test_support.h"

static float uniform(float lo, float hi) { return lo + (hi - lo) * (float)(next() % 100000) / 99999.0f; }

static float random_value(void) {
  switch (next() % 8) {
    case 0: return -0.0f;
    case 1: return uniform(-50.0f, 0.0f);
    case 2: return uniform(255.0f, 400.0f);
    default: return (float)(next() % 256) * uniform(0.0f, 1.0f);
  }
}

int main(void) {
  seed(777);
  static const size_t depths[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 21, 33};
  int cases = 0, failures = 0;
  for (size_t d = 0; d < sizeof depths / sizeof depths[0]; ++d) {
    for (int rep = 0; rep < 20; ++rep, ++cases) {
      const size_t depth = depths[d], in_w = 1 + next() % 9, out_w = 1 + next() % 40;
      float *top = malloc(in_w * depth * sizeof(float)), *bottom = malloc(in_w * depth * sizeof(float));
      ei_resize_column *cols = malloc(out_w * sizeof *cols);
      for (size_t i = 0; i < in_w * depth; ++i) {
        top[i] = random_value();
        bottom[i] = random_value();
      }
      for (size_t x = 0; x < out_w; ++x) {
        const size_t lo = next() % in_w, hi = lo + 1 < in_w && next() % 4 ? lo + 1 : lo;
        cols[x].lo = lo * depth;
        cols[x].hi = hi * depth;
        cols[x].dx = next() % 5 == 0 ? 0.0f : uniform(0.0f, 1.0f);
        cols[x].one_minus_dx = 1 - cols[x].dx;
      }
      uint8_t *want8 = malloc(out_w * depth), *got8 = malloc(out_w * depth);
      float *want = malloc(out_w * depth * sizeof(float)), *got = malloc(out_w * depth * sizeof(float));
      ei_resize_blend_row_u8_scalar(top, bottom, cols, out_w, depth, want8);
      ei_resize_blend_row_u8(top, bottom, cols, out_w, depth, got8);
      ei_resize_blend_row_f32_scalar(top, bottom, cols, out_w, depth, want);
      ei_resize_blend_row_f32(top, bottom, cols, out_w, depth, got);
      if (memcmp(want8, got8, out_w * depth) || memcmp(want, got, out_w * depth * sizeof(float))) {
        ++failures;
        printf("FAIL resize blend: depth %zu, %zu -> %zu columns (case %d)\n", depth, in_w, out_w, cases);
      }
      free(top), free(bottom), free(cols), free(want8), free(got8), free(want), free(got);
    }
  }
  static const size_t int8_depths[] = {1, 7, 8, 9, 15, 16, 17, 24, 33};
  static const int32_t edge_weights[] = {-3000, -513, -512, 0, 1, 512, 1023, 1024, 1536, 1537, 4000};
  for (size_t d = 0; d < sizeof int8_depths / sizeof int8_depths[0]; ++d) {
    for (int rep = 0; rep < 40; ++rep, ++cases) {
      const size_t depth = int8_depths[d], in_w = 1 + next() % 9, out_w = 1 + next() % 40;
      /* A quarter of the cases: only extreme values and edge weights, whose
       * sums overflow int32 beyond the SIMD range. */
      const bool extreme = rep % 4 == 0;
      int8_t *top = malloc(in_w * depth), *bottom = malloc(in_w * depth);
      for (size_t i = 0; i < in_w * depth; ++i) {
        top[i] = (int8_t)(!extreme && next() % 3 ? next() : next() % 2 ? 127 : -128);
        bottom[i] = (int8_t)(!extreme && next() % 3 ? next() : next() % 2 ? 127 : -128);
      }
      ei_resize_column_q10 *cols = malloc(out_w * sizeof *cols);
      for (size_t x = 0; x < out_w; ++x) {
        const size_t lo = next() % in_w, hi = lo + 1 < in_w && next() % 4 ? lo + 1 : lo;
        cols[x].lo = lo * depth;
        cols[x].hi = hi * depth;
        cols[x].dx = !extreme && next() % 3 ? (int32_t)(next() % 1025) : edge_weights[next() % 11];
      }
      const int32_t dy = !extreme && next() % 3 ? (int32_t)(next() % 1025) : edge_weights[next() % 11];
      int8_t *want = malloc(out_w * depth), *got = malloc(out_w * depth);
      ei_resize_row_int8_scalar(top, bottom, dy, cols, out_w, depth, want);
      ei_resize_row_int8(top, bottom, dy, cols, out_w, depth, got);
      if (memcmp(want, got, out_w * depth)) {
        ++failures;
        printf("FAIL resize int8: depth %zu, %zu -> %zu columns, dy %d (case %d)\n", depth, in_w, out_w, (int)dy,
               cases);
      }
      free(top), free(bottom), free(cols), free(want), free(got);
    }
  }
  printf("resize blend: %d cases, %d failed\n", cases, failures);
  return failures != 0;
}
