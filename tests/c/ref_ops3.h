/* ref_ops3.h — an independent reference for edgeinfer's float32 ops:
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD (broadcasting),
 * AVERAGE_POOL_2D / MAX_POOL_2D, the RELU ops (float32 and 8-bit), PAD /
 * PADV2, and float16 -> float32.
 *
 * Written from the specification of TFLite's reference kernels, not from the
 * engine's code. Sums are formed in double over coordinates (no packing, no
 * strides), so they are nearly exact; each also reports its magnitude, the
 * sum of the absolute values of its terms, from which a test bounds the
 * rounding error of any float32 evaluation order: a sum of n float terms,
 * each a rounded product, is within (n + 1) * 2^-24 * magnitude of the exact
 * value (to first order). Padding geometry is derived here from the SAME /
 * VALID rules, independently of the engine.
 */
#ifndef REF_OPS3_H
#define REF_OPS3_H

#include <stddef.h>
#include <stdint.h>

/* Fused activation bounds as TFLite's CalculateActivationRange for float:
 * NONE is [-FLT_MAX, FLT_MAX]; 1 RELU, 2 RELU_N1_TO_1, 3 RELU6. */
void ref3_activation(int act, double *lo, double *hi);
/* min(max(v, lo), hi) with a NaN passing through. */
double ref3_clamp(double v, double lo, double hi);

/* SAME/VALID output size and the padding before, for one axis. */
void ref3_geometry(int in, int k, int stride, int dil, int same, int *out, int *pad_before);

/* ---- CONV_2D and DEPTHWISE_CONV_2D (NHWC input, act applied) ----------- */
typedef struct {
  int batch, in_h, in_w, in_c;
  int out_c;            /* conv: filters [out_c][k_h][k_w][in_c]; depthwise: in_c * depth_mult */
  int depth_mult;       /* depthwise: weights [1][k_h][k_w][out_c] */
  int k_h, k_w, stride_h, stride_w, dil_h, dil_w, same, act;
} ref3_conv;
void ref3_conv_out_hw(const ref3_conv *p, int *out_h, int *out_w);
/* value and magnitude per output element; bias may be NULL. */
void ref3_conv2d(const ref3_conv *p, const float *in, const float *w, const float *bias, double *value,
                 double *magnitude);
void ref3_depthwise(const ref3_conv *p, const float *in, const float *w, const float *bias, double *value,
                    double *magnitude);

/* ---- FULLY_CONNECTED: in [batches][k], weights [n][k] ------------------- */
void ref3_fully_connected(int batches, int k, int n, int act, const float *in, const float *w,
                          const float *bias, double *value, double *magnitude);

/* ---- ADD with NumPy broadcasting (rank <= 6), act applied --------------- */
/* Writes the output shape; returns 0 when the shapes do not broadcast. */
int ref3_add(int rank1, const int *dims1, const float *x1, int rank2, const int *dims2, const float *x2,
             int act, int *out_rank, int *out_dims, float *out);

/* ---- Pools (float32), act applied --------------------------------------- */
typedef struct {
  int batch, in_h, in_w, c, k_h, k_w, stride_h, stride_w, same, act;
} ref3_pool;
void ref3_pool_out_hw(const ref3_pool *p, int *out_h, int *out_w);
void ref3_avg_pool(const ref3_pool *p, const float *in, double *value, double *magnitude, int *count);
void ref3_max_pool(const ref3_pool *p, const float *in, float *out);

/* ---- RELU, RELU_N1_TO_1, RELU6 ------------------------------------------- */
/* float32: clamp to [lo, hi] (hi may be INFINITY). */
float ref3_relu_f32(float x, float lo, float hi);
/* 8-bit as TFLite's QuantizedReluX: rescale from (in_scale, in_zp) to
 * (out_scale, out_zp), then clamp to the quantized bounds of [lo, hi]. */
int32_t ref3_relu_q8(int32_t x, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, int32_t qmin,
                     int32_t qmax, float lo, float hi);

/* ---- PAD / PADV2 (raw elements of `elem` bytes) -------------------------- */
void ref3_pad(int rank, const int *in_dims, const int *before, const int *after, size_t elem, const void *in,
              const void *value, void *out);

/* ---- float16 -> float32, from the definition ----------------------------- */
float ref3_f16_to_f32(uint16_t h);

#endif
