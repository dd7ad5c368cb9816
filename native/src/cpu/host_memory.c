/* host_memory.c — the CPU backends compute in host memory: allocation is the engine's aligned allocator, copies are
 * memcpy. */
#include "cpu_kernels.h"

#include <omp.h>
#include <string.h>

float* cn_cpu_alloc(int64_t count, const char* fn, const char* what) { return cn__alloc_floats(count, fn, what); }

void cn_cpu_release(void* p) { cn__free(p); }

void cn_cpu_copy(float* dst, const float* src, int64_t count)
{
    if (dst != src && count > 0) memcpy(dst, src, sizeof(float) * (size_t)count);
}

void cn_cpu_gather(float* dst, const float* src, const int64_t* order, int32_t n, int32_t width, int threads)
{
    const size_t row = sizeof(float) * (size_t)width;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int32_t i = (int32_t)((int64_t)n * t / nt); i < (int32_t)((int64_t)n * (t + 1) / nt); ++i)
            memcpy(dst + (int64_t)i * width, src + order[i] * width, row);
    }
}
