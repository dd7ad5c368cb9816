/* host_memory.c — the CPU backends compute in host memory: allocation is the engine's aligned allocator, copies are
 * memcpy. */
#include "cpu_kernels.h"

#include <string.h>

float* cn_cpu_alloc(int64_t count, const char* fn, const char* what) { return cn__alloc_floats(count, fn, what); }

void cn_cpu_release(void* p) { cn__free(p); }

void cn_cpu_copy(float* dst, const float* src, int64_t count)
{
    if (dst != src && count > 0) memcpy(dst, src, sizeof(float) * (size_t)count);
}
