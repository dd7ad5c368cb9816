/*
 * cpu_kernels.h — the host-memory kernels around the GEMMs (bias + activation, ReLU backward, column sums, MSE,
 * Adadelta). The openblas backend uses them all; the onednn backend uses those oneDNN does not fuse.
 */
#ifndef CULTURENET_CPU_KERNELS_H
#define CULTURENET_CPU_KERNELS_H

#include "../internal.h"

/* z (rows x n) <- act(z + bias), row by row. */
void cn_cpu_bias_activation(float* z, const float* bias, int64_t rows, int32_t n, int32_t act);
/* delta (rows x n) *= (a > 0): ReLU's derivative from its output. */
void cn_cpu_relu_backward(float* delta, const float* a, int64_t rows, int32_t n);
/* out[j] = sum over rows of d[r*n + j], rows visited in order (deterministic). */
void cn_cpu_column_sums(const float* d, int64_t rows, int32_t n, float* out);
/* delta = scale * (pred - y) for the MSE gradient; adds sum (pred-y)^2 and sum |pred-y| in double. */
void cn_cpu_mse_grad(const float* pred, const float* y, int64_t count, float scale, float* delta, double* sq_sum,
                     double* abs_sum);
/* Sums of (pred-y)^2 and |pred-y| in double, added to *sq_sum / *abs_sum. */
void cn_cpu_error_sums(const float* pred, const float* y, int64_t count, double* sq_sum, double* abs_sum);

/* One Adadelta step on n parameters (any n; buffers need no alignment but run fastest 64-byte aligned).
 * Every element sees the same float operations whatever its position or the thread count, so results are
 * bit-identical across thread counts and instruction sets. With p_bf16 (only on a CPU with avx512_bf16), the new p is
 * also written there rounded to bfloat16 (nearest even), in the same pass. */
void cn_cpu_adadelta(float* p, const float* g, float* eg, float* edx, int64_t n, const cn_adadelta_step* step,
                     int threads, uint16_t* p_bf16);
/* dst = src rounded to bfloat16, to nearest even (CPU with avx512_bf16 only). */
void cn_cpu_to_bf16(const float* src, uint16_t* dst, int64_t n);

/* Host memory as a backend's: aligned zero-filled floats, memcpy both ways. */
float* cn_cpu_alloc(int64_t count, const char* fn, const char* what);
void cn_cpu_release(void* p);
void cn_cpu_copy(float* dst, const float* src, int64_t count);
/* dst row i = src row order[i] (width floats), i < n, split across `threads` in contiguous runs of rows. */
void cn_cpu_gather(float* dst, const float* src, const int64_t* order, int32_t n, int32_t width, int threads);

#endif
