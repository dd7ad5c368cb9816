/* dense_kernels.c — the small elementwise pieces of a Dense layer around its GEMMs. */
#include "cpu_kernels.h"

void cn_cpu_bias_activation(float* z, const float* bias, int64_t rows, int32_t n, int32_t act)
{
    if (act == CN_ACT_RELU) {
        for (int64_t r = 0; r < rows; ++r) {
            float* zr = z + r * n;
#pragma omp simd
            for (int32_t j = 0; j < n; ++j) {
                float v = zr[j] + bias[j];
                zr[j] = v > 0.0f ? v : 0.0f;
            }
        }
    } else {
        for (int64_t r = 0; r < rows; ++r) {
            float* zr = z + r * n;
#pragma omp simd
            for (int32_t j = 0; j < n; ++j) zr[j] += bias[j];
        }
    }
}

void cn_cpu_relu_backward(float* delta, const float* a, int64_t rows, int32_t n)
{
    const int64_t count = rows * n;
#pragma omp simd
    for (int64_t i = 0; i < count; ++i) delta[i] = a[i] > 0.0f ? delta[i] : 0.0f;
}

void cn_cpu_column_sums(const float* d, int64_t rows, int32_t n, float* out)
{
#pragma omp simd
    for (int32_t j = 0; j < n; ++j) out[j] = d[j];
    for (int64_t r = 1; r < rows; ++r) {
        const float* dr = d + r * n;
#pragma omp simd
        for (int32_t j = 0; j < n; ++j) out[j] += dr[j];
    }
}
