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

/* ---- memory (memory.c) ---------------------------------------------------------------------------------- */

#define CN_ALIGN 64

/* 64-byte aligned allocation of `count` floats, zero-filled. On failure (or size overflow) records
 * CN_ERR_OUT_OF_MEMORY naming `fn`, `what` and the byte count, and returns NULL. */
float* cn__alloc_floats(int64_t count, const char* fn, const char* what);
void cn__free(void* p);

/* ---- threads (threads.c) -------------------------------------------------------------------------------- */

/* Threads the engine's own loops use (set by cn_set_num_threads; defaults to all cores). */
int cn__threads(void);

/* ---- BLAS (blas_info.c) -------------------------------------------------------------------------------- */

/* Set the BLAS library's thread count when it has a way to (OpenBLAS); a no-op otherwise. */
void cn__blas_set_threads(int n);
/* 1 when the BLAS runs its own worker threads (OpenBLAS), which spin between calls. */
int cn__blas_has_thread_pool(void);

/* ---- the network (mlp.c) -------------------------------------------------------------------------------- */

typedef struct cn_layer {
    int32_t in, out, act, trainable;
    float* kernel;  /* in x out, Keras layout */
    float* bias;    /* out */
    float* dkernel; /* gradients of the last cn_mlp_compute_gradients; zero when grad_valid == 0 */
    float* dbias;
    int32_t grad_valid;
} cn_layer;

struct cn_mlp {
    int32_t n_layers;
    int32_t max_width; /* widest of widths[1..n] */
    cn_layer* layers;

    /* Work buffers, grown on demand, never shrunk. */
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

/* Forward `rows` (<= ws_rows) rows of x through layers 0..last. Layer l's output goes to net->act[l], except
 * the last one's, which goes to `final_out` when that is not NULL. */
void cn__forward(cn_mlp* net, const float* x, int32_t rows, int32_t last, float* final_out);

/* Forward + MSE backward on one batch whose rows fit the workspace. When `opt` is not NULL, each trainable
 * layer is updated by Adadelta as soon as its gradients are ready (and after its input gradient was computed
 * with the old weights), which is bit-identical to compute_gradients followed by cn_adadelta_apply.
 * loss/mae receive the batch values (double sums). */
void cn__forward_backward(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows,
                          double* loss, double* mae);

/* Validate a batch, grow the work buffers, and run cn__forward_backward (backward.c). */
cn_status cn__batch_step(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows, float* loss,
                         float* mae, const char* fn);

/* ---- Adadelta (adadelta.c) ------------------------------------------------------------------------------ */

/* Check that `opt` was sized for a net of `net`'s shapes. */
cn_status cn__adadelta_check(const cn_adadelta* opt, const cn_mlp* net, const char* fn);
/* Update layer `l` of `net` from the gradients it holds. */
void cn__adadelta_update_layer(cn_adadelta* opt, cn_mlp* net, int32_t l);

/* ---- CPU kernels (src/cpu/) ------------------------------------------------------------------------------ */

/* z (rows x n) <- act(z + bias), row by row. */
void cn_cpu_bias_activation(float* z, const float* bias, int64_t rows, int32_t n, int32_t act);
/* delta (rows x n) *= (a > 0): ReLU's derivative from its output. */
void cn_cpu_relu_backward(float* delta, const float* a, int64_t rows, int32_t n);
/* out[j] = sum over rows of d[r*n + j], rows visited in order (deterministic). */
void cn_cpu_column_sums(const float* d, int64_t rows, int32_t n, float* out);
/* delta = scale * (pred - y) for the MSE gradient; adds sum (pred-y)^2 and sum |pred-y| in double. */
void cn_cpu_mse_grad(const float* pred, const float* y, int64_t count, float scale, float* delta,
                     double* sq_sum, double* abs_sum);
/* Sums of (pred-y)^2 and |pred-y| in double, added to *sq_sum / *abs_sum. */
void cn_cpu_error_sums(const float* pred, const float* y, int64_t count, double* sq_sum, double* abs_sum);

/* One Adadelta step on n parameters (any n; buffers need no alignment but run fastest 64-byte aligned).
 * omr = 1 - rho as the caller wants it rounded. Every element sees the same float operations whatever its
 * position or the thread count, so results are bit-identical across thread counts and instruction sets. */
void cn_cpu_adadelta(float* p, const float* g, float* eg, float* edx, int64_t n, float lr, float rho, float omr,
                     float eps, int threads);

#endif
