/* eltwise_f32_wasmsimd.c — eltwise_f32.c with SIMD128, four floats a step;
 * the same operations per element, so the same bits. */
#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include "kernels.h"

/* pmax(v, lo) is std::max(v, lo) and pmin(v, hi) std::min(v, hi): a NaN passes. */
static inline v128_t clamp4(v128_t v, v128_t lo, v128_t hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi); }

void ei_add_f32(const float *a, const float *b, float *out, size_t n, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(out + i, clamp4(wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)), vlo, vhi));
  for (; i < n; ++i) out[i] = ei_minmax_f32(a[i] + b[i], lo, hi);
}

void ei_clamp_f32_n(const float *x, float *out, size_t n, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, clamp4(wasm_v128_load(x + i), vlo, vhi));
  for (; i < n; ++i) out[i] = ei_minmax_f32(x[i], lo, hi);
}
#endif
