/* resize.h — the inner loop of RESIZE_BILINEAR's float blend (uint8 and
 * float32 tensors), with a scalar and a SIMD128 build of the same function.
 *
 * top and bottom hold one output row's two source rows already multiplied by
 * their vertical weights (v * (1 - dy) and v * dy); each output channel is
 *   top[lo] * (1 - dx) + bottom[lo] * (1 - dx) + top[hi] * dx + bottom[hi] * dx
 * added left to right, as TFLite's reference orders its float operations. */
#ifndef EI_KERNELS_RESIZE_H
#define EI_KERNELS_RESIZE_H

#include <stddef.h>
#include <stdint.h>

/* One output column: where its two source columns start (in elements of a
 * weighted row) and its horizontal weights. */
typedef struct {
  size_t lo, hi;
  float dx, one_minus_dx;
} ei_resize_column;

/* uint8 outputs: + 0.5, clamped to [0, 255], truncated. */
void ei_resize_blend_row_u8(const float *top, const float *bottom, const ei_resize_column *cols,
                            size_t out_w, size_t depth, uint8_t *out);
/* float32 outputs (+ 0.0f, so -0 becomes +0 as in the reference). */
void ei_resize_blend_row_f32(const float *top, const float *bottom, const ei_resize_column *cols,
                             size_t out_w, size_t depth, float *out);

/* The scalar loops, which the SIMD build also uses for rows of < 4 channels. */
void ei_resize_blend_row_u8_scalar(const float *top, const float *bottom, const ei_resize_column *cols,
                                   size_t out_w, size_t depth, uint8_t *out);
void ei_resize_blend_row_f32_scalar(const float *top, const float *bottom, const ei_resize_column *cols,
                                    size_t out_w, size_t depth, float *out);

/* int8 tensors: one output row blended from source rows top and bottom with
 * integer weights in 1/1024 units, as TFLite's integer reference: for each
 * channel, v00 * (1024 - dy) * (1024 - dx) + v10 * dy * (1024 - dx)
 * + v01 * (1024 - dy) * dx + v11 * dy * dx, rounded half away from zero to a
 * multiple of 2^20. dy is the row's weight; dx is each column's. */
typedef struct {
  size_t lo, hi; /* where the column's two sources start, in elements of a row */
  int32_t dx;
} ei_resize_column_q10;

void ei_resize_row_int8(const int8_t *top, const int8_t *bottom, int32_t dy, const ei_resize_column_q10 *cols,
                        size_t out_w, size_t depth, int8_t *out);
/* The scalar loop, which the SIMD build also uses for weights beyond
 * [-512, 1536] (positions outside the image) and rows of < 8 channels. */
void ei_resize_row_int8_scalar(const int8_t *top, const int8_t *bottom, int32_t dy,
                               const ei_resize_column_q10 *cols, size_t out_w, size_t depth, int8_t *out);

#endif
