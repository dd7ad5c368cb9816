/* openblas_backend.c — the openblas backend: GEMMs by cblas_sgemm of the generic libblas.so.3 (OpenBLAS where
 * Debian's alternatives point it, the reference BLAS otherwise), the host kernels of cpu_kernels.h around them. */
#define _GNU_SOURCE
#include "cpu_kernels.h"

#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef char* (*cn_str_fn)(void);
typedef void (*cn_set_threads_fn)(int);

static pthread_once_t cn_blas_once = PTHREAD_ONCE_INIT;
static char cn_blas_text[512];
static cn_set_threads_fn cn_blas_set_threads_ptr;

/* Look a symbol up in the library that provides cblas_sgemm (and its dependencies: Debian's libblas.so.3 for
 * OpenBLAS is a thin library over libopenblas.so.0), then in the global scope. A handle is needed because a
 * caller such as .NET loads this library with RTLD_LOCAL, so its dependencies are not in the global scope. */
static void* cn_blas_symbol(const char* name)
{
    void* sym = NULL;
    Dl_info info;
    if (dladdr((void*)&cblas_sgemm, &info) != 0 && info.dli_fname != NULL) {
        void* handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
        if (handle != NULL) {
            sym = dlsym(handle, name);
            dlclose(handle);
        }
    }
    if (sym == NULL) sym = dlsym(RTLD_DEFAULT, name);
    return sym;
}

static void cn_blas_resolve(void)
{
    cn_str_fn get_config = (cn_str_fn)cn_blas_symbol("openblas_get_config");
    cn_str_fn get_corename = (cn_str_fn)cn_blas_symbol("openblas_get_corename");
    cn_blas_set_threads_ptr = (cn_set_threads_fn)cn_blas_symbol("openblas_set_num_threads");
    if (get_config != NULL) {
        const char* config = get_config();
        const char* core = get_corename != NULL ? get_corename() : NULL;
        snprintf(cn_blas_text, sizeof cn_blas_text, "openblas (%s%s%s%s)",
                 strncmp(config, "OpenBLAS", 8) == 0 ? "" : "OpenBLAS ", config, core != NULL ? " core=" : "",
                 core != NULL ? core : "");
    } else {
        snprintf(cn_blas_text, sizeof cn_blas_text, "openblas (libblas.so.3 is the reference BLAS (netlib))");
    }
}

/* 1 when the BLAS runs its own worker threads (OpenBLAS), which spin between calls. */
static int cn_blas_has_thread_pool(void)
{
    pthread_once(&cn_blas_once, cn_blas_resolve);
    return cn_blas_set_threads_ptr != NULL;
}

const char* cn__openblas_info(void)
{
    pthread_once(&cn_blas_once, cn_blas_resolve);
    return cn_blas_text;
}

static void cn_blas_set_threads(int n)
{
    pthread_once(&cn_blas_once, cn_blas_resolve);
    if (cn_blas_set_threads_ptr != NULL) cn_blas_set_threads_ptr(n);
}

static cn_status cn_blas_attach(cn_mlp* net, const char* fn)
{
    (void)net;
    (void)fn;
    return CN_OK;
}

static void cn_blas_detach(cn_mlp* net) { (void)net; }

static const char* cn_blas_describe(const cn_mlp* net)
{
    (void)net;
    return cn__openblas_info();
}

static void cn_blas_weights_changed(cn_mlp* net, int32_t l)
{
    (void)net;
    (void)l;
}

/* On the calling thread: OpenBLAS's own workers spin between calls, and an OpenMP team woken beside them for the batch
 * gather took an epoch of GenNet from 0.81 to 1.5 s (2 cores). */
static void cn_blas_gather(cn_mlp* net, float* dst, const float* src, const int64_t* order, int32_t n, int32_t width)
{
    (void)net;
    cn_cpu_gather(dst, src, order, n, width, 1);
}

/* cblas reads the kernel in Keras layout as it is. */
static void cn_blas_copy_kernel(int32_t in, int32_t out, float* dst, const float* src)
{
    cn_cpu_copy(dst, src, (int64_t)in * out);
}

/* cblas needs no plan, and a failing cblas call cannot be seen (it aborts or returns nothing). */
static cn_status cn_blas_prepare(cn_mlp* net, int64_t rows, int backward, const char* fn)
{
    (void)net;
    (void)rows;
    (void)backward;
    (void)fn;
    return CN_OK;
}

static cn_status cn_blas_finish(cn_mlp* net, const char* fn)
{
    (void)net;
    (void)fn;
    return CN_OK;
}

static void cn_blas_forward(cn_mlp* net, int32_t l, const float* x, int32_t rows, float* z)
{
    const cn_layer* L = &net->layers[l];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, L->out, L->in, 1.0f, x, L->in, L->kernel, L->out,
                0.0f, z, L->out);
    cn_cpu_bias_activation(z, L->bias, rows, L->out, L->act);
}

static void cn_blas_weight_gradient(cn_mlp* net, int32_t l, const float* x, const float* dz, int32_t rows)
{
    cn_layer* L = &net->layers[l];
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, L->in, L->out, rows, 1.0f, x, L->in, dz, L->out, 0.0f,
                L->dkernel, L->out);
}

static void cn_blas_input_gradient(cn_mlp* net, int32_t l, const float* dz, int32_t rows, float* dx)
{
    const cn_layer* L = &net->layers[l];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, L->in, L->out, 1.0f, dz, L->out, L->kernel, L->out,
                0.0f, dx, L->in);
}

static void cn_blas_adadelta(cn_mlp* net, int32_t l, const cn_adadelta_step* step, float* eg_k, float* edx_k,
                             float* eg_b, float* edx_b)
{
    cn_layer* L = &net->layers[l];
    /* Measured on 2 cores (GenNet, batch 128, OpenBLAS 0.3.21 pthreads): splitting the update over an OpenMP team
     * while OpenBLAS's own pool spins between GEMMs makes the two pools fight for the cores: training ran at
     * 0.27-0.76x the speed of updating on the calling thread (0.7x with OMP_WAIT_POLICY=passive); a pool of our own
     * whose workers sleep on a condition variable still ran at 0.75-0.9x. So the update is split across threads only
     * when the BLAS has no thread pool of its own (reference BLAS). */
    const int threads = cn_blas_has_thread_pool() ? 1 : cn__threads();
    cn_cpu_adadelta(L->kernel, L->dkernel, eg_k, edx_k, (int64_t)L->in * L->out, step, threads, NULL);
    cn_cpu_adadelta(L->bias, L->dbias, eg_b, edx_b, L->out, step, 1, NULL);
}

static cn_status cn_blas_time_gemm(int32_t precision, int32_t m, int32_t n, int32_t k, int32_t repetitions,
                                   double* seconds, const char* fn)
{
    (void)precision; /* float32: open refuses anything else */
    float* a = cn__alloc_floats((int64_t)m * k, fn, "the benchmark operand A");
    float* b = a ? cn__alloc_floats((int64_t)k * n, fn, "the benchmark operand B") : NULL;
    float* c = b ? cn__alloc_floats((int64_t)m * n, fn, "the benchmark result C") : NULL;
    if (c == NULL) {
        cn__free(a);
        cn__free(b);
        return CN_ERR_OUT_OF_MEMORY;
    }
    for (int64_t i = 0; i < (int64_t)m * k; ++i) a[i] = (float)((i * 2654435761u) % 2000) * 1e-3f - 1.0f;
    for (int64_t i = 0; i < (int64_t)k * n; ++i) b[i] = (float)((i * 40503u) % 2000) * 5e-5f - 0.05f;
    for (int r = 0; r < 3; ++r)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    const double t0 = cn__now();
    for (int32_t r = 0; r < repetitions; ++r)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    *seconds = cn__now() - t0;
    cn__free(a);
    cn__free(b);
    cn__free(c);
    return CN_OK;
}

static const cn_backend_ops cn_openblas_ops = {
    .id = CN_BACKEND_OPENBLAS,
    .attach = cn_blas_attach,
    .detach = cn_blas_detach,
    .describe = cn_blas_describe,
    .set_threads = cn_blas_set_threads,
    .time_gemm = cn_blas_time_gemm,
    .alloc = cn_cpu_alloc,
    .release = cn_cpu_release,
    .upload = cn_cpu_copy,
    .download = cn_cpu_copy,
    .gather = cn_blas_gather,
    .upload_kernel = cn_blas_copy_kernel,
    .download_kernel = cn_blas_copy_kernel,
    .weights_changed = cn_blas_weights_changed,
    .prepare = cn_blas_prepare,
    .finish = cn_blas_finish,
    .forward = cn_blas_forward,
    .weight_gradient = cn_blas_weight_gradient,
    .input_gradient = cn_blas_input_gradient,
    .relu_backward = cn_cpu_relu_backward,
    .column_sums = cn_cpu_column_sums,
    .mse_gradient = cn_cpu_mse_grad,
    .error_sums = cn_cpu_error_sums,
    .adadelta = cn_blas_adadelta,
};

cn_status cn__openblas_open(int32_t precision, const cn_backend_ops** ops)
{
    *ops = NULL;
    if (precision != CN_PRECISION_FLOAT32)
        return cn__fail(CN_ERR_BACKEND,
                        "the openblas backend computes in float32 only: mixed_bfloat16 needs a bfloat16 GEMM, which "
                        "libblas.so.3 does not export (no cblas_sbgemm); use the onednn backend");
    pthread_once(&cn_blas_once, cn_blas_resolve);
    *ops = &cn_openblas_ops;
    return CN_OK;
}
