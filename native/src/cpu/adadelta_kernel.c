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

/* The AVX2 and AVX-512 bodies below run the same IEEE operations in the same order (mul, add, div, sqrt, sub; no
 * FMA), so they give bit-identical results; AVX-512 is picked at run time where the CPU has it (the library is
 * compiled for x86-64-v3). */
#define CN_ADA_STEP(V, load, store, set1, mul, add, sub, div, sqrt_, also_p)                                      \
    do {                                                                                                           \
        const V vg = load(g), veg = load(eg), vedx = load(edx), vp = load(p);                                      \
        /* Eg <- rho*Eg + (1-rho)*g^2 */                                                                           \
        const V neg = add(mul(c_rho, veg), mul(c_omr, mul(vg, vg)));                                               \
        /* d = g*sqrt(Edx+eps)/sqrt(Eg+eps), as g*sqrt((Edx+eps)/(Eg+eps)): one square root fewer on the divider   \
         * unit (which bounds this loop: 1.00 -> 0.80 ms per 1.15 M parameters on one core), and as accurate (a      \
         * rounded quotient and a square root, against two square roots and a quotient). */                        \
        const V d = mul(vg, sqrt_(div(add(vedx, c_eps), add(neg, c_eps))));                                        \
        /* p <- p - lr*d;  Edx <- rho*Edx + (1-rho)*d^2 */                                                         \
        const V np = sub(vp, mul(c_lr, d));                                                                        \
        store(p, np);                                                                                              \
        store(eg, neg);                                                                                            \
        store(edx, add(mul(c_rho, vedx), mul(c_omr, mul(d, d))));                                                  \
        also_p(np);                                                                                                \
    } while (0)

#define CN_NOTHING(v) (void)(v)

/* Runs the vector body on a padded copy of the last n % W elements, so they see the same operations. */
#define CN_ADA_TAIL(W, body)                                                                                       \
    do {                                                                                                           \
        if (i < n) {                                                                                               \
            float tp[W] = {0}, tg[W] = {0}, teg[W] = {0}, tedx[W] = {0};                                           \
            uint16_t tb[W];                                                                                        \
            uint16_t* b = tb;                                                                                      \
            (void)b;                                                                                               \
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
            if (b0 != NULL) memcpy(b0 + i, tb, (size_t)(n - i) * sizeof(uint16_t));                                \
        }                                                                                                          \
    } while (0)

static void cn_ada_range_avx2(float* p0, const float* g0, float* eg0, float* edx0, uint16_t* b0, int64_t n, float lr,
                              float rho, float omr, float eps)
{
    (void)b0; /* the bfloat16 copy is made by the AVX-512 body only (mixed_bfloat16 needs avx512_bf16) */
    const __m256 c_lr = _mm256_set1_ps(lr), c_rho = _mm256_set1_ps(rho), c_omr = _mm256_set1_ps(omr),
                 c_eps = _mm256_set1_ps(eps);
#define CN_AVX2_BODY                                                                                               \
    CN_ADA_STEP(__m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_mul_ps, _mm256_add_ps,          \
                _mm256_sub_ps, _mm256_div_ps, _mm256_sqrt_ps, CN_NOTHING)
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float *p = p0 + i, *eg = eg0 + i, *edx = edx0 + i;
        const float* g = g0 + i;
        CN_AVX2_BODY;
    }
    CN_ADA_TAIL(8, CN_AVX2_BODY);
#undef CN_AVX2_BODY
}

/* The AVX-512 body, twice: for float32 alone (avx512f), and also writing p's new value rounded to bfloat16 to `b0`
 * (to nearest even, as oneDNN's conversions; avx512f + avx512_bf16), the copy mixed_bfloat16's matmuls read, so the
 * kernel is not read a second time to make it. */
#define CN_STORE_BF16(v) _mm256_storeu_si256((__m256i*)b, (__m256i)_mm512_cvtneps_pbh(v))

#define CN_ADA_RANGE_AVX512(name, target_isa, also_p)                                                              \
    __attribute__((target(target_isa))) static void name(float* p0, const float* g0, float* eg0, float* edx0,      \
                                                         uint16_t* b0, int64_t n, float lr, float rho, float omr,  \
                                                         float eps)                                                \
    {                                                                                                              \
        const __m512 c_lr = _mm512_set1_ps(lr), c_rho = _mm512_set1_ps(rho), c_omr = _mm512_set1_ps(omr),         \
                     c_eps = _mm512_set1_ps(eps);                                                                  \
        int64_t i = 0;                                                                                             \
        for (; i + 16 <= n; i += 16) {                                                                             \
            float *p = p0 + i, *eg = eg0 + i, *edx = edx0 + i;                                                     \
            const float* g = g0 + i;                                                                               \
            uint16_t* b = b0 == NULL ? NULL : b0 + i;                                                              \
            (void)b;                                                                                               \
            CN_ADA_STEP(__m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_mul_ps, _mm512_add_ps,  \
                        _mm512_sub_ps, _mm512_div_ps, _mm512_sqrt_ps, also_p);                                    \
        }                                                                                                          \
        CN_ADA_TAIL(16, CN_ADA_STEP(__m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_mul_ps,     \
                                    _mm512_add_ps, _mm512_sub_ps, _mm512_div_ps, _mm512_sqrt_ps, also_p));         \
    }

CN_ADA_RANGE_AVX512(cn_ada_range_avx512, "avx512f", CN_NOTHING)
CN_ADA_RANGE_AVX512(cn_ada_range_avx512_bf16, "avx512f,avx512bf16", CN_STORE_BF16)

typedef void (*cn_ada_fn)(float*, const float*, float*, float*, uint16_t*, int64_t, float, float, float, float);

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

/* Below this many parameters the update stays on the calling thread: waking the others costs a few microseconds on an
 * idle machine and much more on a busy one (each join waits for the other thread to be scheduled again). GenNet's
 * 500 x 200 layer (100 k) is split: in a training step on 2 cores its update took 0.10 ms on one thread and 0.057 ms on
 * two; the 200 x 100 layer (20 k) stays on one. */
#define CN_ADA_PARALLEL_MIN 65536

void cn_cpu_adadelta(float* p, const float* g, float* eg, float* edx, int64_t n, const cn_adadelta_step* step,
                     int threads, uint16_t* p_bf16)
{
    const cn_ada_fn range = p_bf16 != NULL ? cn_ada_range_avx512_bf16 : cn_ada_pick();
    const float lr = step->lr, rho = step->rho, omr = step->omr, eps = step->eps;
    if (threads <= 1 || n < CN_ADA_PARALLEL_MIN) {
        range(p, g, eg, edx, p_bf16, n, lr, rho, omr, eps);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        int64_t i0, i1;
        cn__line_range(n, omp_get_thread_num(), omp_get_num_threads(), &i0, &i1);
        if (i0 < i1)
            range(p + i0, g + i0, eg + i0, edx + i0, p_bf16 != NULL ? p_bf16 + i0 : NULL, i1 - i0, lr, rho, omr, eps);
    }
}

__attribute__((target("avx512f,avx512bf16"))) void cn_cpu_to_bf16(const float* src, uint16_t* dst, int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i*)(dst + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + i)));
    if (i < n) {
        float t[16] = {0};
        uint16_t b[16];
        memcpy(t, src + i, (size_t)(n - i) * sizeof(float));
        _mm256_storeu_si256((__m256i*)b, (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(t)));
        memcpy(dst + i, b, (size_t)(n - i) * sizeof(uint16_t));
    }
}
