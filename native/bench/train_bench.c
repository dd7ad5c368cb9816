/* train_bench.c — a thin native probe (not part of ctest): GenNet 2048-500-200-100-50-1 trained with cn_train_epoch
 * at batch 128 on random data (SYNTHETIC). Each round times the backend's GEMM at the fc1 shape (128 x 500 x 2048,
 * cn_backend_time_gemm) and then one epoch, and prints both raw wall times as key=value lines. Statistics, limits and
 * ratios are computed by `culturenet bench` (src/CultureNet.Benchmarking); this probe only lets the engine be timed
 * without .NET in the process.
 * Usage: culturenet_train_bench [backend: default|openblas|onednn] [precision: float32|mixed_bfloat16]
 *                               [threads (0 = all cores)] [rows (16384)] [epochs (5)] [gemm repetitions (100)]
 */
#define _POSIX_C_SOURCE 199309L
#include "culturenet.h"

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

#define CHECK(call)                                                                                                \
    do {                                                                                                           \
        cn_status st_ = (call);                                                                                    \
        if (st_ != CN_OK) {                                                                                        \
            fprintf(stderr, "error: %s\n", cn_last_error());                                                      \
            return 1;                                                                                              \
        }                                                                                                          \
    } while (0)

int main(int argc, char** argv)
{
    const char* backend_name = argc > 1 ? argv[1] : "default";
    const char* precision_name = argc > 2 ? argv[2] : "float32";
    const int threads = argc > 3 ? atoi(argv[3]) : 0;
    const long rows = argc > 4 ? atol(argv[4]) : 16384;
    const int epochs = argc > 5 ? atoi(argv[5]) : 5;
    const int gemm_reps = argc > 6 ? atoi(argv[6]) : 100;
    cn_mlp_options options = {CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32};
    for (int32_t id = 0; cn_backend_name(id) != NULL; ++id)
        if (strcmp(cn_backend_name(id), backend_name) == 0) options.backend = id;
    if (strcmp(precision_name, "mixed_bfloat16") == 0) options.precision = CN_PRECISION_MIXED_BFLOAT16;
    else if (strcmp(precision_name, "float32") != 0) {
        fprintf(stderr, "error: precision '%s' (expected float32 or mixed_bfloat16)\n", precision_name);
        return 1;
    }
    if (threads > 0) cn_set_num_threads(threads);

    const int32_t widths[6] = {2048, 500, 200, 100, 50, 1};
    const int32_t acts[5] = {CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
    cn_mlp* net = NULL;
    CHECK(cn_mlp_create_with(5, widths, acts, &options, &net));
    printf("data=SYNTHETIC\nbackend=%s\nprecision=%s\nthreads=%d\nrows=%ld\nbatch=128\n", cn_mlp_backend_info(net),
           precision_name, (int)cn_get_num_threads(), rows);
    for (int l = 0; l < 5; ++l) { /* glorot_uniform kernels, zero biases */
        const int in = widths[l], out = widths[l + 1];
        const float limit = sqrtf(6.0f / (float)(in + out));
        float* k = malloc(sizeof(float) * in * out);
        float* b = calloc((size_t)out, sizeof(float));
        for (long i = 0; i < (long)in * out; ++i) k[i] = uniform() * limit;
        CHECK(cn_mlp_set_weights(net, l, k, b));
        free(k);
        free(b);
    }
    float* x = malloc(sizeof(float) * rows * 2048);
    float* y = malloc(sizeof(float) * rows);
    int64_t* order = malloc(sizeof(int64_t) * rows);
    for (long i = 0; i < rows * 2048; ++i) x[i] = uniform();
    for (long i = 0; i < rows; ++i) y[i] = uniform();
    cn_dataset* data = NULL;
    CHECK(cn_dataset_create(x, y, rows, 2048, 1, &data));
    cn_adadelta* opt = NULL;
    CHECK(cn_adadelta_create(net, 1.0f, 0.95f, 1e-7f, &opt));

    for (int e = 0; e <= epochs; ++e) { /* epoch 0 warms up buffers, caches and thread pools */
        for (long i = 0; i < rows; ++i) order[i] = i;
        for (long i = rows - 1; i > 0; --i) { /* reshuffled every epoch, as Keras' fit does */
            long j = (long)((uniform() * 0.5f + 0.5f) * (float)(i + 1));
            if (j > i) j = i;
            int64_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double gemm = 0, loss = 0, mae = 0;
        CHECK(cn_backend_time_gemm(cn_mlp_backend(net), options.precision, 128, 500, 2048, gemm_reps, &gemm));
        const double t0 = now_s();
        CHECK(cn_train_epoch(net, opt, data, order, rows, 128, &loss, &mae));
        const double dt = now_s() - t0;
        printf("round=%d warmup=%d gemm_128x500x2048_reps=%d gemm_seconds=%.6f epoch_seconds=%.6f loss=%.6f mae=%.6f\n", e,
               e == 0, gemm_reps, gemm, dt, loss, mae);
    }
    cn_adadelta_free(opt);
    cn_dataset_free(data);
    cn_mlp_free(net);
    free(x);
    free(y);
    free(order);
    return 0;
}
