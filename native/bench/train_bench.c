/* train_bench.c — the training-throughput acceptance probe (not part of ctest).
 *
 * In one run: cblas_sgemm GFLOP/s at the fc1 shape (M=128, N=500, K=2048), then GenNet 2048-500-200-100-50-1
 * trained with cn_train_epoch at batch 128 on random data. Prints key=value lines:
 *   limit_samples_per_s = sgemm_gflops * 1e9 / 6.9e6   (6 x 1.15 M multiply-adds per sample)
 *   ratio_to_limit      = train_samples_per_s / limit_samples_per_s   (acceptance: >= 0.85)
 * sgemm timings and training epochs alternate (one of each per round), so that load from other processes on a
 * shared host affects both; the reported figures are medians over the rounds.
 * Usage: culturenet_train_bench [threads (0 = library default)] [rows (16384)] [rounds (7)]
 */
#define _POSIX_C_SOURCE 199309L
#include "culturenet.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static float uniform(void) /* [-1, 1) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((rng_state >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

static int cmp_double(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

#define CHECK(call)                                                                                                \
    do {                                                                                                           \
        cn_status st_ = (call);                                                                                    \
        if (st_ != CN_OK) {                                                                                        \
            fprintf(stderr, "%s failed (%d): %s\n", #call, (int)st_, cn_last_error());                            \
            return 1;                                                                                              \
        }                                                                                                          \
    } while (0)

int main(int argc, char** argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 0;
    long rows = argc > 2 ? atol(argv[2]) : 16384;
    int epochs = argc > 3 ? atoi(argv[3]) : 7;
    if (epochs < 1) epochs = 1;
    if (threads > 0) cn_set_num_threads(threads);
    printf("blas=%s\n", cn_blas_info());
    printf("threads=%d\n", (int)cn_get_num_threads());

    /* ---- setup: the sgemm operands at the fc1 shape, GenNet, random data ---- */
    const int M = 128, N = 500, K = 2048, reps = 60;
    float* A = malloc(sizeof(float) * M * K);
    float* B = malloc(sizeof(float) * K * N);
    float* C = malloc(sizeof(float) * M * N);
    for (long i = 0; i < (long)M * K; ++i) A[i] = uniform();
    for (long i = 0; i < (long)K * N; ++i) B[i] = uniform() * 0.05f;

    const int32_t widths[6] = {2048, 500, 200, 100, 50, 1};
    const int32_t acts[5] = {CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
    cn_mlp* net = NULL;
    CHECK(cn_mlp_create(5, widths, acts, &net));
    for (int l = 0; l < 5; ++l) {
        const int in = widths[l], out = widths[l + 1];
        const float limit = sqrtf(6.0f / (float)(in + out));
        float* k = malloc(sizeof(float) * in * out);
        float* b = calloc((size_t)out, sizeof(float));
        for (long i = 0; i < (long)in * out; ++i) k[i] = uniform() * limit;
        CHECK(cn_mlp_set_weights(net, l, k, b));
        free(k);
        free(b);
    }
    float* X = malloc(sizeof(float) * rows * 2048);
    float* Y = malloc(sizeof(float) * rows);
    int64_t* order = malloc(sizeof(int64_t) * rows);
    for (long i = 0; i < rows * 2048; ++i) X[i] = uniform();
    for (long i = 0; i < rows; ++i) Y[i] = uniform();
    cn_adadelta* opt = NULL;
    CHECK(cn_adadelta_create(net, 1.0f, 0.95f, 1e-7f, &opt));

    /* ---- measurement: rounds that alternate an sgemm timing and a training epoch ----
     * The two are interleaved so that a change of load on a shared host hits both sides of a ratio; the ratio of
     * each round is computed from its own pair, and the median over rounds is reported. Round 0 is a warm-up. */
    for (int i = 0; i < 30; ++i)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, K, B, N, 0.0f, C, N);
    double* gf = malloc(sizeof(double) * (size_t)(epochs + 1));
    double* sps = malloc(sizeof(double) * (size_t)(epochs + 1));
    double* ratio = malloc(sizeof(double) * (size_t)(epochs + 1));
    double loss = 0, mae = 0, total_t = 0;
    long total_rows = 0;
    for (int e = 0; e <= epochs; ++e) {
        double t0 = now_s();
        for (int i = 0; i < reps; ++i)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, K, B, N, 0.0f, C, N);
        const double g = 2.0 * M * N * K * reps / (now_s() - t0) / 1e9;

        for (long i = 0; i < rows; ++i) order[i] = i;
        for (long i = rows - 1; i > 0; --i) { /* reshuffle as Keras' fit does */
            long j = (long)((uniform() * 0.5f + 0.5f) * (float)(i + 1));
            if (j > i) j = i;
            int64_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        t0 = now_s();
        CHECK(cn_train_epoch(net, opt, X, Y, rows, order, 128, &loss, &mae));
        const double dt = now_s() - t0;
        if (e == 0) continue;
        gf[e - 1] = g;
        sps[e - 1] = (double)rows / dt;
        ratio[e - 1] = sps[e - 1] / (g * 1e9 / 6.9e6);
        printf("round=%d sgemm_gflops=%.2f train_samples_per_s=%.1f ratio=%.4f loss=%.6f mae=%.6f\n", e, g, sps[e - 1],
               ratio[e - 1], loss, mae);
        total_t += dt;
        total_rows += rows;
    }
    double sorted_gf[64], sorted_sps[64], sorted_ratio[64];
    const int n = epochs < 64 ? epochs : 64;
    memcpy(sorted_gf, gf, sizeof(double) * (size_t)n);
    memcpy(sorted_sps, sps, sizeof(double) * (size_t)n);
    memcpy(sorted_ratio, ratio, sizeof(double) * (size_t)n);
    qsort(sorted_gf, (size_t)n, sizeof(double), cmp_double);
    qsort(sorted_sps, (size_t)n, sizeof(double), cmp_double);
    qsort(sorted_ratio, (size_t)n, sizeof(double), cmp_double);
    const double sgemm_median = sorted_gf[n / 2], sgemm_best = sorted_gf[n - 1];
    const double sps_median = sorted_sps[n / 2];
    const double limit = sgemm_median * 1e9 / 6.9e6;
    printf("sgemm_shape=128x500x2048\nsgemm_reps_per_round=%d\nrounds=%d\n", reps, n);
    printf("sgemm_gflops=%.2f\nsgemm_statistic=median_of_rounds\nsgemm_gflops_best=%.2f\n", sgemm_median, sgemm_best);
    printf("train_rows=%ld\nbatch=128\n", rows);
    printf("train_samples_per_s=%.1f\ntrain_statistic=median_of_rounds\n", sps_median);
    printf("train_samples_per_s_mean=%.1f\ntrain_samples_per_s_best=%.1f\n", (double)total_rows / total_t,
           sorted_sps[n - 1]);
    printf("limit_samples_per_s=%.1f\n", limit);
    printf("ratio_to_limit=%.4f\nratio_statistic=median_of_per_round_ratios\n", sorted_ratio[n / 2]);
    printf("ratio_of_medians=%.4f\nratio_min=%.4f\nratio_max=%.4f\n", sps_median / limit, sorted_ratio[0],
           sorted_ratio[n - 1]);
    free(gf);
    free(sps);
    free(ratio);
    free(A);
    free(B);
    free(C);
    cn_adadelta_free(opt);
    cn_mlp_free(net);
    free(X);
    free(Y);
    free(order);
    return 0;
}
