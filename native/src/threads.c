/* threads.c — one thread count for the backends and the engine's own OpenMP loops; the wall clock. */
#define _POSIX_C_SOURCE 199309L
#include "internal.h"

#include <time.h>

#include <omp.h>
#include <stdatomic.h>

/* 0 = not set yet: all cores. Kept as a global (not only omp_set_num_threads, which is per calling thread) so a
 * setting made on one thread holds for calls made on another. */
static atomic_int cn_thread_count = 0;

static int cn_all_cores(void)
{
    int n = omp_get_num_procs();
    return n > 0 ? n : 1;
}

/* cn_set_thread_num_threads of the calling thread; 0: none. */
static _Thread_local int cn_thread_override = 0;

int cn__process_threads(void)
{
    int n = atomic_load_explicit(&cn_thread_count, memory_order_relaxed);
    return n > 0 ? n : cn_all_cores();
}

int cn__threads(void) { return cn_thread_override > 0 ? cn_thread_override : cn__process_threads(); }

void cn__use_threads(void)
{
    const int n = cn__threads();
    if (omp_get_max_threads() != n) omp_set_num_threads(n);
}

CN_API void cn_set_num_threads(int32_t n)
{
    int t = n > 0 ? (int)n : cn_all_cores();
    atomic_store_explicit(&cn_thread_count, t, memory_order_relaxed);
    cn__backends_set_threads(t);
    omp_set_num_threads(t);
}

CN_API void cn_set_thread_num_threads(int32_t n)
{
    cn_thread_override = n > 0 ? (int)n : 0;
    omp_set_num_threads(cn__threads());
}

CN_API int32_t cn_get_num_threads(void) { return (int32_t)cn__threads(); }

double cn__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
