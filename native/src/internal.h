/*
 * internal.h — private structures and helpers shared by the native engine's translation units.
 * Nothing here is part of the contract (include/culturenet.h is).
 */
#ifndef CULTURENET_INTERNAL_H
#define CULTURENET_INTERNAL_H

#include "culturenet.h"

#include <stddef.h>
#include <stdint.h>

/* ---- errors (errors.c) ---------------------------------------------------------------------------------- */

/* Clear the calling thread's last error (called on entry of every status-returning function). */
void cn__clear_error(void);
/* Record a formatted message for the calling thread and return `status`. */
cn_status cn__fail(cn_status status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- host memory (memory.c) ----------------------------------------------------------------------------- */

#define CN_ALIGN 64

/* 64-byte aligned allocation of `count` floats, zero-filled. On failure (or size overflow) records
 * CN_ERR_OUT_OF_MEMORY naming `fn`, `what` and the byte count, and returns NULL. */
float* cn__alloc_floats(int64_t count, const char* fn, const char* what);
/* The same for `bytes` bytes. */
void* cn__alloc_bytes(int64_t bytes, const char* fn, const char* what);
void cn__free(void* p);

/* ---- threads (threads.c) -------------------------------------------------------------------------------- */

/* Threads the engine's own loops use on the calling thread: its cn_set_thread_num_threads, else the process's. */
int cn__threads(void);
/* The process's setting (cn_set_num_threads; defaults to all cores), for what is process-wide (OpenBLAS's threads). */
int cn__process_threads(void);
/* Monotonic wall clock in seconds. */
double cn__now(void);
/* Thread t of nt's share [*i0, *i1) of n floats: contiguous whole cache lines (16 floats), so threads never share a
 * line; empty when *i0 >= *i1. The optimizer's update and the benchmarks' traffic probe split their work so. */
static inline void cn__line_range(int64_t n, int t, int nt, int64_t* i0, int64_t* i1)
{
    const int64_t lines = (n + 15) / 16;
    *i0 = lines * t / nt * 16;
    *i1 = lines * (t + 1) / nt * 16;
    if (*i1 > n) *i1 = n;
}
/* Make the calling thread's OpenMP team size the engine's thread count (OpenMP keeps it per thread, and callers such
 * as .NET call from several threads). Called on entry of every computing function. */
void cn__use_threads(void);

/* ---- backends (backend.c, cpu/, onednn/) ------------------------------------------------------------------ */

typedef struct cn_layer cn_layer;

/* Adadelta's constants as one update uses them (omr = 1 - rho rounded as Keras rounds it). */
typedef struct cn_adadelta_step {
    float lr, rho, omr, eps;
} cn_adadelta_step;

/*
 * The operations a backend provides. forward.c, backward.c, train.c, mlp.c and optimizer.c reach the arithmetic only
 * through this table. Buffers are float32 in the backend's memory (alloc/upload/download); rows are row-major. A
 * layer's kernel, its gradient and its optimizer accumulators share one layout of the backend's choosing (they meet
 * only elementwise), reached from the host through upload_kernel/download_kernel; the float32 kernel is the master
 * copy, and what a backend derives from it (bfloat16 copies) it refreshes in weights_changed and in adadelta.
 */
typedef struct cn_backend_ops {
    int32_t id; /* cn_backend */

    /* Per-network state (net->backend_state): created when the network's layers exist, freed with it. */
    cn_status (*attach)(cn_mlp* net, const char* fn);
    void (*detach)(cn_mlp* net);
    /* What runs this network's GEMMs, e.g. "onednn 2.6.3 (brg:avx512_core)". */
    const char* (*describe)(const cn_mlp* net);
    /* cn_set_num_threads was called. */
    void (*set_threads)(int n);
    /* cn_backend_time_gemm: wall time of `repetitions` m x n x k products after a warm-up. */
    cn_status (*time_gemm)(int32_t precision, int32_t m, int32_t n, int32_t k, int32_t repetitions, double* seconds,
                           const char* fn);

    /* Memory: zero-filled float buffers, and copies host -> backend (upload) and backend -> host (download). */
    float* (*alloc)(int64_t count, const char* fn, const char* what);
    void (*release)(void* p);
    void (*upload)(float* dst, const float* src, int64_t count);
    void (*download)(float* dst, const float* src, int64_t count);
    /* Upload rows order[0..n) of the host array src (width floats each) to dst, in that order: a training batch. */
    void (*gather)(cn_mlp* net, float* dst, const float* src, const int64_t* order, int32_t n, int32_t width);
    /* A kernel-shaped array (kernel, gradient, accumulator) of an in x out layer between the host's Keras layout and
     * the backend's. */
    void (*upload_kernel)(int32_t in, int32_t out, float* dst, const float* src);
    void (*download_kernel)(int32_t in, int32_t out, float* dst, const float* src);
    /* Layer l's kernel or bias was overwritten (set_weights). */
    void (*weights_changed)(cn_mlp* net, int32_t l);

    /* Before the layer operations run on `rows` rows (the workspace holds them): make what forward (and with
     * `backward`, the backward operations) need: plans, buffers. After a public call's work: CN_ERR_BACKEND with a
     * message naming `fn` if an operation failed since. */
    cn_status (*prepare)(cn_mlp* net, int64_t rows, int backward, const char* fn);
    cn_status (*finish)(cn_mlp* net, const char* fn);

    /* A Dense layer on `rows` rows (prepared). forward: z = act(x · W + b) (GEMM, bias and activation, fused where the
     * backend can); layer 0's x may be the caller's host array. weight_gradient: W's gradient x^T · dz into
     * L->dkernel. input_gradient: dx = dz · W^T. The GEMMs of a batch come in the order forward (every layer), then per
     * layer from the top: weight_gradient (with the x that layer's forward took), input_gradient. */
    void (*forward)(cn_mlp* net, int32_t l, const float* x, int32_t rows, float* z);
    void (*weight_gradient)(cn_mlp* net, int32_t l, const float* x, const float* dz, int32_t rows);
    void (*input_gradient)(cn_mlp* net, int32_t l, const float* dz, int32_t rows, float* dx);
    /* dz (rows x out) *= (a > 0): ReLU's derivative from its output a. */
    void (*relu_backward)(float* dz, const float* a, int64_t rows, int32_t n);
    /* out[j] = sum over rows of d[r*n + j], rows in order (the bias gradient). */
    void (*column_sums)(const float* d, int64_t rows, int32_t n, float* out);

    /* MSE: delta = scale * (pred - y); adds sum (pred-y)^2 and sum |pred-y| (double) to *sq / *ab. */
    void (*mse_gradient)(const float* pred, const float* y, int64_t count, float scale, float* delta, double* sq,
                         double* ab);
    /* Adds sum (pred-y)^2 and sum |pred-y| (double) to *sq / *ab. */
    void (*error_sums)(const float* pred, const float* y, int64_t count, double* sq, double* ab);

    /* One Adadelta step of layer l's kernel and bias from the gradients the layer holds; eg_k, edx_k, eg_b, edx_b are its
     * accumulators. Bit-identical for any thread count. */
    void (*adadelta)(cn_mlp* net, int32_t l, const cn_adadelta_step* step, float* eg_k, float* edx_k, float* eg_b,
                     float* edx_b);
} cn_backend_ops;

/* The backend for `backend` (CN_BACKEND_DEFAULT resolved) that can run `precision`, or NULL after recording
 * CN_ERR_INVALID_ARGUMENT / CN_ERR_BACKEND (returned in *status) with a message naming `fn`. */
const cn_backend_ops* cn__backend_open(int32_t backend, int32_t precision, const char* fn, cn_status* status);

/* The backends (cpu/openblas_backend.c, onednn/onednn_backend.c). open: load what the backend needs (once), check
 * that it runs `precision`; records the reason and returns CN_ERR_BACKEND when it cannot. info: as cn_backend_info. */
cn_status cn__openblas_open(int32_t precision, const cn_backend_ops** ops);
const char* cn__openblas_info(void);
cn_status cn__onednn_open(int32_t precision, const cn_backend_ops** ops);
const char* cn__onednn_info(void);
/* Tell the loaded backends the thread count changed. */
void cn__backends_set_threads(int n);

/* ---- the network (mlp.c) -------------------------------------------------------------------------------- */

struct cn_layer {
    int32_t in, out, act, trainable;
    float* kernel;  /* in x out values in the backend's kernel layout (backend memory) */
    float* bias;    /* out */
    float* dkernel; /* gradients of the last backward pass; zero when grad_valid == 0 */
    float* dbias;
    int32_t grad_valid;
};

struct cn_mlp {
    int32_t n_layers;
    int32_t max_width; /* widest of widths[1..n] */
    cn_layer* layers;
    int32_t backend, precision;
    const cn_backend_ops* ops;
    void* backend_state;

    /* Work buffers (backend memory), grown on demand, never shrunk. */
    int64_t ws_rows;  /* rows the buffers below hold */
    float** act;      /* act[l]: ws_rows x out(l), output of layer l after its activation */
    float* delta[2];  /* ws_rows x max_width each: ping-pong gradient buffers */
    int64_t gather_rows;
    float* gather_x;  /* gather_rows x in(0): rows picked by an order in cn_train_epoch */
    float* gather_y;  /* gather_rows x out(last) */
};

/* Rows a predict/evaluate pass works on at a time. */
#define CN_CHUNK_ROWS 1024

/* Make the work buffers hold `rows` rows. */
cn_status cn__ensure_workspace(cn_mlp* net, int64_t rows, const char* fn);
/* Make the gather buffers hold `rows` rows. */
cn_status cn__ensure_gather(cn_mlp* net, int64_t rows, const char* fn);
/* Check net and layer index; records an error naming `fn`. */
cn_status cn__check_layer(const cn_mlp* net, int32_t layer, const char* fn);

/* ---- forward / backward (forward.c, backward.c) ------------------------------------------------------- */

/* Forward `rows` (<= ws_rows) rows of x through layers 0..last; layer l's output goes to net->act[l]. */
void cn__forward(cn_mlp* net, const float* x, int32_t rows, int32_t last);

/* Forward + MSE backward on one batch whose rows fit the workspace. When `opt` is not NULL, each trainable
 * layer is updated by Adadelta as soon as its gradients are ready (and after its input gradient was computed
 * with the old weights), which is bit-identical to cn_mlp_compute_gradients followed by cn_adadelta_apply.
 * loss/mae receive the batch values (double sums). */
void cn__forward_backward(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows,
                          double* loss, double* mae);

/* ---- Adadelta (optimizer.c) ----------------------------------------------------------------------------- */

/* Check that `opt` was sized for a net of `net`'s shapes on its backend. */
cn_status cn__adadelta_check(const cn_adadelta* opt, const cn_mlp* net, const char* fn);
/* Update layer `l` of `net` from the gradients it holds. */
void cn__adadelta_update_layer(cn_adadelta* opt, cn_mlp* net, int32_t l);

/* ---- training data (dataset.c) -------------------------------------------------------------------------- */

struct cn_dataset {
    const float* x;
    const float* y;
    int64_t rows;
    int32_t x_cols, y_cols;
};

#endif
