/* traffic_probe.c — cn_time_update_traffic: the memory traffic of an optimizer step on its own, a limit for benchmarks.
 *
 * An Adadelta step reads a parameter, its gradient and its two accumulators and writes the parameter and both
 * accumulators back: 28 bytes a parameter whatever the arithmetic. A network of a million parameters does not fit a
 * core's cache, so that traffic takes a time no update kernel can beat; this pass makes exactly those loads and stores
 * (one add each, no division or square root) over arrays of the same size, split over the engine's threads as the
 * update kernel splits them. */
#include "internal.h"

#include <omp.h>

/* p -= g, eg += g, edx += g over [i0, i1): four loads and three stores per element, in place as the update writes. */
static void cn_traffic_range(float* p, const float* g, float* eg, float* edx, int64_t i0, int64_t i1)
{
    for (int64_t i = i0; i < i1; ++i) {
        const float v = g[i];
        p[i] -= v;
        eg[i] += v;
        edx[i] += v;
    }
}

static void cn_traffic_pass(float* p, const float* g, float* eg, float* edx, int64_t n, int threads)
{
#pragma omp parallel num_threads(threads)
    {
        int64_t i0, i1; /* as the update kernel splits its work */
        cn__line_range(n, omp_get_thread_num(), omp_get_num_threads(), &i0, &i1);
        if (i0 < i1) cn_traffic_range(p, g, eg, edx, i0, i1);
    }
}

CN_API cn_status cn_time_update_traffic(int64_t parameters, int32_t repetitions, double* seconds)
{
    static const char fn[] = "cn_time_update_traffic";
    cn__clear_error();
    if (seconds == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: seconds is NULL (expected a pointer to receive the time)", fn);
    if (parameters <= 0 || repetitions <= 0)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: parameters and repetitions are %lld, %d (expected both >= 1)", fn,
                        (long long)parameters, (int)repetitions);
    /* One allocation for the four arrays, each starting on a cache line (parameters rounded up to 16 floats). */
    const int64_t stride = (parameters + 15) / 16 * 16;
    if (stride > INT64_MAX / 4)
        return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: %lld parameters do not fit in memory four times", fn, (long long)parameters);
    float* block = cn__alloc_floats(4 * stride, fn, "the probe's four parameter-sized arrays");
    if (block == NULL) return CN_ERR_OUT_OF_MEMORY;
    float *p = block, *g = block + stride, *eg = block + 2 * stride, *edx = block + 3 * stride;
    const int threads = cn__threads();
    cn_traffic_pass(p, g, eg, edx, parameters, threads); /* warm-up: pages mapped, threads started */
    const double t0 = cn__now();
    for (int32_t r = 0; r < repetitions; ++r) cn_traffic_pass(p, g, eg, edx, parameters, threads);
    *seconds = cn__now() - t0;
    cn__free(block);
    return CN_OK;
}
