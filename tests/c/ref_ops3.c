/* ref_ops3.c — see ref_ops3.h. */
#include "ref_ops3.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "ref_ops.h" /* fixed-point primitives for the 8-bit RELUs */

void ref3_activation(int act, double *lo, double *hi) {
  *lo = -FLT_MAX;
  *hi = FLT_MAX;
  if (act == 1) *lo = 0;
  if (act == 2) *lo = -1, *hi = 1;
  if (act == 3) *lo = 0, *hi = 6;
}

double ref3_clamp(double v, double lo, double hi) {
  if (isnan(v)) return v;
  return v < lo ? lo : v > hi ? hi : v;
}

void ref3_geometry(int in, int k, int stride, int dil, int same, int *out, int *pad_before) {
  const int span = (k - 1) * dil + 1;
  *out = same ? (in + stride - 1) / stride : (in - span) / stride + 1;
  const int needed = (*out - 1) * stride + span - in; /* the input an output row reaches past */
  *pad_before = needed > 0 ? needed / 2 : 0;
}

void ref3_conv_out_hw(const ref3_conv *p, int *out_h, int *out_w) {
  int pad;
  ref3_geometry(p->in_h, p->k_h, p->stride_h, p->dil_h, p->same, out_h, &pad);
  ref3_geometry(p->in_w, p->k_w, p->stride_w, p->dil_w, p->same, out_w, &pad);
}

/* Input value at (b, y, x, c), or 0 (contributing nothing) outside the image. */
static int inside(const ref3_conv *p, int y, int x) { return y >= 0 && y < p->in_h && x >= 0 && x < p->in_w; }

static void conv_like(const ref3_conv *p, int depthwise, const float *in, const float *w, const float *bias,
                      double *value, double *magnitude) {
  int out_h, out_w, pad_top, pad_left;
  ref3_geometry(p->in_h, p->k_h, p->stride_h, p->dil_h, p->same, &out_h, &pad_top);
  ref3_geometry(p->in_w, p->k_w, p->stride_w, p->dil_w, p->same, &out_w, &pad_left);
  double lo, hi;
  ref3_activation(p->act, &lo, &hi);
  size_t o = 0;
  for (int b = 0; b < p->batch; b++)
    for (int oy = 0; oy < out_h; oy++)
      for (int ox = 0; ox < out_w; ox++)
        for (int oc = 0; oc < p->out_c; oc++, o++) {
          double sum = bias ? bias[oc] : 0.0, mag = bias ? fabs(bias[oc]) : 0.0;
          for (int ky = 0; ky < p->k_h; ky++)
            for (int kx = 0; kx < p->k_w; kx++) {
              const int y = oy * p->stride_h - pad_top + ky * p->dil_h;
              const int x = ox * p->stride_w - pad_left + kx * p->dil_w;
              if (!inside(p, y, x)) continue;
              const float *pixel = in + (((size_t)b * p->in_h + y) * p->in_w + x) * p->in_c;
              if (depthwise) {
                const double t = (double)pixel[oc / p->depth_mult] * w[((size_t)ky * p->k_w + kx) * p->out_c + oc];
                sum += t;
                mag += fabs(t);
              } else {
                for (int ic = 0; ic < p->in_c; ic++) {
                  const double t = (double)pixel[ic] * w[(((size_t)oc * p->k_h + ky) * p->k_w + kx) * p->in_c + ic];
                  sum += t;
                  mag += fabs(t);
                }
              }
            }
          value[o] = ref3_clamp(sum, lo, hi);
          magnitude[o] = mag;
        }
}

void ref3_conv2d(const ref3_conv *p, const float *in, const float *w, const float *bias, double *value,
                 double *magnitude) {
  conv_like(p, 0, in, w, bias, value, magnitude);
}

void ref3_depthwise(const ref3_conv *p, const float *in, const float *w, const float *bias, double *value,
                    double *magnitude) {
  conv_like(p, 1, in, w, bias, value, magnitude);
}

void ref3_fully_connected(int batches, int k, int n, int act, const float *in, const float *w,
                          const float *bias, double *value, double *magnitude) {
  double lo, hi;
  ref3_activation(act, &lo, &hi);
  for (int b = 0; b < batches; b++)
    for (int j = 0; j < n; j++) {
      double sum = bias ? bias[j] : 0.0, mag = bias ? fabs(bias[j]) : 0.0;
      for (int i = 0; i < k; i++) {
        const double t = (double)in[(size_t)b * k + i] * w[(size_t)j * k + i];
        sum += t;
        mag += fabs(t);
      }
      value[(size_t)b * n + j] = ref3_clamp(sum, lo, hi);
      magnitude[(size_t)b * n + j] = mag;
    }
}

int ref3_add(int rank1, const int *dims1, const float *x1, int rank2, const int *dims2, const float *x2,
             int act, int *out_rank, int *out_dims, float *out) {
  const int rank = rank1 > rank2 ? rank1 : rank2;
  int d1[6], d2[6];
  for (int i = 0; i < rank; i++) {
    d1[i] = i < rank - rank1 ? 1 : dims1[i - (rank - rank1)];
    d2[i] = i < rank - rank2 ? 1 : dims2[i - (rank - rank2)];
    if (d1[i] != d2[i] && d1[i] != 1 && d2[i] != 1) return 0;
    out_dims[i] = d1[i] > d2[i] ? d1[i] : d2[i];
    if (d1[i] == 0 || d2[i] == 0) out_dims[i] = 0;
  }
  *out_rank = rank;
  size_t total = 1;
  for (int i = 0; i < rank; i++) total *= (size_t)out_dims[i];
  double lo, hi;
  ref3_activation(act, &lo, &hi);
  for (size_t e = 0; e < total; e++) {
    /* Coordinates of output element e, mapped into each input (size-1 axes repeat). */
    size_t rest = e, i1 = 0, i2 = 0, s1 = 1, s2 = 1;
    for (int i = rank - 1; i >= 0; i--) {
      const size_t c = rest % (size_t)out_dims[i];
      rest /= (size_t)out_dims[i];
      i1 += (d1[i] == 1 ? 0 : c) * s1;
      i2 += (d2[i] == 1 ? 0 : c) * s2;
      s1 *= (size_t)d1[i];
      s2 *= (size_t)d2[i];
    }
    /* A float sum rounded once: the double sum of two floats rounds to the same float. */
    out[e] = (float)ref3_clamp((double)x1[i1] + (double)x2[i2], lo, hi);
  }
  return 1;
}

void ref3_pool_out_hw(const ref3_pool *p, int *out_h, int *out_w) {
  int pad;
  ref3_geometry(p->in_h, p->k_h, p->stride_h, 1, p->same, out_h, &pad);
  ref3_geometry(p->in_w, p->k_w, p->stride_w, 1, p->same, out_w, &pad);
}

/* Visits the in-image window of every output element. */
static void pool(const ref3_pool *p, const float *in, double *value, double *magnitude, int *count, float *max_out) {
  int out_h, out_w, pad_top, pad_left;
  ref3_geometry(p->in_h, p->k_h, p->stride_h, 1, p->same, &out_h, &pad_top);
  ref3_geometry(p->in_w, p->k_w, p->stride_w, 1, p->same, &out_w, &pad_left);
  double lo, hi;
  ref3_activation(p->act, &lo, &hi);
  size_t o = 0;
  for (int b = 0; b < p->batch; b++)
    for (int oy = 0; oy < out_h; oy++)
      for (int ox = 0; ox < out_w; ox++)
        for (int c = 0; c < p->c; c++, o++) {
          double sum = 0, mag = 0;
          float max = -FLT_MAX; /* TFLite starts from the lowest float and ignores NaNs */
          int n = 0;
          for (int ky = 0; ky < p->k_h; ky++)
            for (int kx = 0; kx < p->k_w; kx++) {
              const int y = oy * p->stride_h - pad_top + ky, x = ox * p->stride_w - pad_left + kx;
              if (y < 0 || y >= p->in_h || x < 0 || x >= p->in_w) continue;
              const float v = in[(((size_t)b * p->in_h + y) * p->in_w + x) * p->c + c];
              sum += v;
              mag += fabs(v);
              if (v > max) max = v;
              n++;
            }
          if (value) {
            value[o] = ref3_clamp(n ? sum / n : 0.0, lo, hi);
            magnitude[o] = n ? mag / n : 0.0;
            count[o] = n;
          }
          if (max_out) max_out[o] = (float)ref3_clamp(max, lo, hi);
        }
}

void ref3_avg_pool(const ref3_pool *p, const float *in, double *value, double *magnitude, int *count) {
  pool(p, in, value, magnitude, count, NULL);
}

void ref3_max_pool(const ref3_pool *p, const float *in, float *out) { pool(p, in, NULL, NULL, NULL, out); }

float ref3_relu_f32(float x, float lo, float hi) {
  if (isnan(x)) return x;
  return x < lo ? lo : x > hi ? hi : x;
}

int32_t ref3_relu_q8(int32_t x, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, int32_t qmin,
                     int32_t qmax, float lo, float hi) {
  /* TFLite: the multiplier is the float quotient of the scales, widened. */
  int32_t m;
  int e;
  ref_quantize_multiplier((double)(in_scale / out_scale), &m, &e);
  int64_t v = (int64_t)out_zp + ref_apply_multiplier(x - in_zp, m, e);
  int64_t q_lo = out_zp + (int64_t)roundf(lo / out_scale);
  int64_t q_hi = isinf(hi) ? qmax : out_zp + (int64_t)roundf(hi / out_scale);
  if (q_lo < qmin) q_lo = qmin;
  if (q_hi > qmax) q_hi = qmax;
  if (v < q_lo) v = q_lo;
  if (v > q_hi) v = q_hi;
  return (int32_t)v;
}

void ref3_pad(int rank, const int *in_dims, const int *before, const int *after, size_t elem, const void *in,
              const void *value, void *out) {
  int out_dims[6];
  size_t total = 1;
  for (int i = 0; i < rank; i++) {
    out_dims[i] = in_dims[i] + before[i] + after[i];
    total *= (size_t)out_dims[i];
  }
  for (size_t e = 0; e < total; e++) {
    size_t rest = e, src = 0, stride = 1;
    int in_range = 1;
    for (int i = rank - 1; i >= 0; i--) {
      const int c = (int)(rest % (size_t)out_dims[i]) - before[i];
      rest /= (size_t)out_dims[i];
      if (c < 0 || c >= in_dims[i]) in_range = 0;
      else src += (size_t)c * stride;
      stride *= (size_t)in_dims[i];
    }
    memcpy((char *)out + e * elem, in_range ? (const char *)in + src * elem : (const char *)value, elem);
  }
}

float ref3_f16_to_f32(uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 31, fraction = h & 1023;
  double v;
  if (exponent == 31) {
    if (fraction == 0) return sign ? -INFINITY : INFINITY;
    /* NaN: the quiet bit and payload move to the top of the float fraction. */
    uint32_t bits = (uint32_t)sign << 31 | 0x7f800000u | (uint32_t)fraction << 13;
    float f;
    memcpy(&f, &bits, 4);
    return f;
  }
  if (exponent == 0) v = ldexp(fraction, -24);                 /* subnormal: fraction * 2^-14 / 1024 */
  else v = ldexp(1024 + fraction, exponent - 25);               /* (1 + fraction/1024) * 2^(exponent-15) */
  return (float)(sign ? -v : v);
}
