/* adadelta_kernel.c — the Adadelta update kernel: one pass over p, g, Eg, Edx (each read once, p/Eg/Edx written once),
 * 8 lanes of AVX2 (16 of AVX-512 where the CPU has it) at a time, split across threads (when asked) in
 * contiguous, cache-line aligned ranges.
 *
 * Every element goes through the same vector instructions (the tail is padded into a scratch vector rather than
 * run by a scalar loop, and the library is compiled with -ffp-contract=off), so the result of an element depends
 * neither on where it sits nor on the thread count. */
#include "cpu_kernels.h"

#include <immintrin.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The AVX2 and AVX-512 bodies below run the same IEEE operations in the same order (mul, add, sqrt, div, sub; no
 * FMA), so they give bit-identical results; AVX-512 is picked at run time where the CPU has it (the library is
 * compiled for x86-64-v3). */
#define CN_ADA_STEP(V, load, store, set1, mul, add, sub, div, sqrt_)                                              \
    do {                                                                                                           \
        const V vg = load(g), veg = load(eg), vedx = load(edx), vp = load(p);                                      \
        /* Eg <- rho*Eg + (1-rho)*g^2 */                                                                           \
        const V neg = add(mul(c_rho, veg), mul(c_omr, mul(vg, vg)));                                               \
        /* d = g*sqrt(Edx+eps)/sqrt(Eg+eps) */                                                                     \
        const V d = div(mul(vg, sqrt_(add(vedx, c_eps))), sqrt_(add(neg, c_eps)));                                 \
        /* p <- p - lr*d;  Edx <- rho*Edx + (1-rho)*d^2 */                                                         \
        store(p, sub(vp, mul(c_lr, d)));                                                                           \
        store(eg, neg);                                                                                            \
        store(edx, add(mul(c_rho, vedx), mul(c_omr, mul(d, d))));                                                  \
    } while (0)

/* Runs the vector body on a padded copy of the last n % W elements, so they see the same operations. */
#define CN_ADA_TAIL(W, body)                                                                                       \
    do {                                                                                                           \
        if (i < n) {                                                                                               \
            float tp[W] = {0}, tg[W] = {0}, teg[W] = {0}, tedx[W] = {0};                                           \
            const size_t rest = (size_t)(n - i) * sizeof(float);                                                   \
            memcpy(tp, p0 + i, rest);                                                                              \
            memcpy(tg, g0 + i, rest);                                                                              \
            memcpy(teg, eg0 + i, rest);                                                                            \
            memcpy(tedx, edx0 + i, rest);                                                                          \
            float *p = tp, *eg = teg, *edx = tedx;                                                                 \
            const float* g = tg;                                                                                   \
            body;                                                                                                  \
            memcpy(p0 + i, tp, rest);                                                                              \
            memcpy(eg0 + i, teg, rest);                                                                            \
            memcpy(edx0 + i, tedx, rest);                                                                          \
        }                                                                                                          \
    } while (0)

static void cn_ada_range_avx2(float* p0, const float* g0, float* eg0, float* edx0, int64_t n, float lr, float rho,
                              float omr, float eps)
{
    const __m256 c_lr = _mm256_set1_ps(lr), c_rho = _mm256_set1_ps(rho), c_omr = _mm256_set1_ps(omr),
                 c_eps = _mm256_set1_ps(eps);
#define CN_AVX2_BODY                                                                                               \
    CN_ADA_STEP(__m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_mul_ps, _mm256_add_ps,          \
                _mm256_sub_ps, _mm256_div_ps, _mm256_sqrt_ps)
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float *p = p0 + i, *eg = eg0 + i, *edx = edx0 + i;
        const float* g = g0 + i;
        CN_AVX2_BODY;
    }
    CN_ADA_TAIL(8, CN_AVX2_BODY);
#undef CN_AVX2_BODY
}

__attribute__((target("avx512f"))) static void cn_ada_range_avx512(float* p0, const float* g0, float* eg0,
                                                                   float* edx0, int64_t n, float lr, float rho,
                                                                   float omr, float eps)
{
    const __m512 c_lr = _mm512_set1_ps(lr), c_rho = _mm512_set1_ps(rho), c_omr = _mm512_set1_ps(omr),
                 c_eps = _mm512_set1_ps(eps);
#define CN_AVX512_BODY                                                                                             \
    CN_ADA_STEP(__m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_mul_ps, _mm512_add_ps,          \
                _mm512_sub_ps, _mm512_div_ps, _mm512_sqrt_ps)
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        float *p = p0 + i, *eg = eg0 + i, *edx = edx0 + i;
        const float* g = g0 + i;
        CN_AVX512_BODY;
    }
    CN_ADA_TAIL(16, CN_AVX512_BODY);
#undef CN_AVX512_BODY
}

typedef void (*cn_ada_fn)(float*, const float*, float*, float*, int64_t, float, float, float, float);

static cn_ada_fn cn_ada_choose(void)
{
    __builtin_cpu_init();
    /* CULTURENET_NO_AVX512=1 forces the AVX2 body (the test suite runs once that way too). */
    const char* force = getenv("CULTURENET_NO_AVX512");
    return (__builtin_cpu_supports("avx512f") && !(force && force[0] == '1')) ? cn_ada_range_avx512 : cn_ada_range_avx2;
}

static cn_ada_fn cn_ada_chosen;
static pthread_once_t cn_ada_once = PTHREAD_ONCE_INIT;
static void cn_ada_init(void) { cn_ada_chosen = cn_ada_choose(); }

static cn_ada_fn cn_ada_pick(void)
{
    pthread_once(&cn_ada_once, cn_ada_init);
    return cn_ada_chosen;
}

/* Below this many parameters one thread is faster than waking the others. */
#define CN_ADA_PARALLEL_MIN 32768

void cn_cpu_adadelta(float* p, const float* g, float* eg, float* edx, int64_t n, const cn_adadelta_step* step,
                     int threads)
{
    const cn_ada_fn range = cn_ada_pick();
    const float lr = step->lr, rho = step->rho, omr = step->omr, eps = step->eps;
    if (threads <= 1 || n < CN_ADA_PARALLEL_MIN) {
        range(p, g, eg, edx, n, lr, rho, omr, eps);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        /* contiguous ranges, multiples of 16 floats (64 bytes) so threads never share a cache line */
        const int64_t blocks = (n + 15) / 16;
        const int64_t b0 = blocks * t / nt, b1 = blocks * (t + 1) / nt;
        int64_t i0 = b0 * 16, i1 = b1 * 16;
        if (i1 > n) i1 = n;
        if (i0 < i1) range(p + i0, g + i0, eg + i0, edx + i0, i1 - i0, lr, rho, omr, eps);
    }
}
