/*
 * culturenet.h — the one contract between the native CultureNet engine and its callers.
 *
 * Everything the managed side (or any other language) may call is declared here and nowhere else.
 * Conventions:
 *   - Opaque handles (cn_mlp, cn_adadelta, cn_dataset); the caller owns what a *_create returns and frees it with
 *     the matching *_free (NULL is accepted and ignored).
 *   - Every fallible call returns a cn_status. On anything but CN_OK, cn_last_error() returns a message for
 *     the calling thread that says what was wrong and what was expected; it stays valid until the next call
 *     on the same thread.
 *   - Tensors are dense, row-major float32 owned by the caller. Calls taking plain pointers never keep them beyond
 *     the call; a cn_dataset keeps its pointers until it is freed. Kernels use the Keras layout: a Dense layer's
 *     kernel is in_units x out_units, so y = x · kernel + bias.
 *   - Layer indices are 0-based (Keras' dense_1 is layer 0).
 *
 * Backends: a network computes on the backend chosen when it is created (cn_mlp_create_with):
 *   - onednn:   oneDNN matmul primitives (float32, and Keras' mixed_bfloat16 policy on CPUs with avx512_bf16 or
 *               amx_bf16). libdnnl.so.2 is loaded when first asked for, so the library loads and the openblas
 *               backend works on a host without it (Debian package libdnnl2).
 *   - openblas: cblas_sgemm of the generic libblas.so.3 (OpenBLAS where installed, the reference BLAS otherwise);
 *               float32 only.
 * The default is onednn where it loads, openblas otherwise; the environment variable CULTURENET_BACKEND=onednn|openblas
 * overrides it (and then must be satisfiable). There is no GPU backend in this build.
 */
#ifndef CULTURENET_H
#define CULTURENET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define CN_API __declspec(dllexport)
#else
#define CN_API __attribute__((visibility("default")))
#endif

/* Bumped whenever a declaration below changes meaning; the managed side refuses a mismatched library. */
#define CN_API_VERSION 4

typedef enum cn_status {
    CN_OK = 0,
    CN_ERR_INVALID_ARGUMENT = 1, /* NULL pointer, bad index, non-positive size, unknown enum value */
    CN_ERR_SHAPE = 2,            /* sizes that do not fit the network */
    CN_ERR_OUT_OF_MEMORY = 3,
    CN_ERR_BACKEND = 4           /* the backend asked for is unavailable here (library missing, CPU lacks an
                                    instruction set) or failed; the message says what to install or use instead */
} cn_status;

typedef enum cn_activation {
    CN_ACT_LINEAR = 0,
    CN_ACT_RELU = 1
} cn_activation;

typedef enum cn_backend {
    CN_BACKEND_DEFAULT = 0, /* CULTURENET_BACKEND if set, else onednn where it loads, else openblas */
    CN_BACKEND_OPENBLAS = 1,
    CN_BACKEND_ONEDNN = 2
} cn_backend;

/* Keras' dtype policies. mixed_bfloat16: kernels, biases, gradients and optimizer state stay float32; every matmul
 * takes its two inputs rounded to bfloat16 and accumulates in float32; activations, loss and updates are float32. */
typedef enum cn_precision {
    CN_PRECISION_FLOAT32 = 0,
    CN_PRECISION_MIXED_BFLOAT16 = 1
} cn_precision;

/* ---- library ------------------------------------------------------------------------------------------ */

CN_API int32_t cn_api_version(void);

/* Message describing the last failure on the calling thread ("" if none). */
CN_API const char* cn_last_error(void);

/* Threads used by the backends and by the engine's own loops (optimizer update, reductions). n <= 0 means all
 * cores. Results are deterministic; on onednn they do not depend on the thread count (its matmuls split the output,
 * never a sum), on openblas they do (OpenBLAS's split changes the sums' rounding). */
CN_API void cn_set_num_threads(int32_t n);
CN_API int32_t cn_get_num_threads(void);

/* Threads for the engine calls made on the calling thread only (n <= 0: the process setting again), so that several
 * networks can train at once, one per application thread, each on its share of the cores. The openblas backend's own
 * GEMM threads stay process-wide (OpenBLAS has one setting). cn_get_num_threads answers for the calling thread. */
CN_API void cn_set_thread_num_threads(int32_t n);

/* ---- backends ------------------------------------------------------------------------------------------- */

/* "openblas", "onednn" (the spellings CULTURENET_BACKEND takes), "default"; NULL for an unknown id. */
CN_API const char* cn_backend_name(int32_t backend);

/* Whether a network could be created on `backend` (CN_BACKEND_DEFAULT resolves as cn_mlp_create does) at
 * `precision`: CN_OK, or CN_ERR_BACKEND with a message naming what is missing (the package to install, the
 * instruction set the CPU lacks), or CN_ERR_INVALID_ARGUMENT for an unknown id or a bad CULTURENET_BACKEND.
 * `resolved` (may be NULL) receives the backend the id stands for. Loads the backend's library if needed. */
CN_API cn_status cn_backend_probe(int32_t backend, int32_t precision, int32_t* resolved);

/* What a backend runs on, e.g. "onednn 2.6.3 (cpu isa avx512_core_amx)" or "openblas (OpenBLAS 0.3.21 ...
 * core=SkylakeX)"; the reason when it is unavailable ("onednn unavailable: ...", for the default "unavailable: ...").
 * Never NULL; valid until the next call on the same thread. */
CN_API const char* cn_backend_info(int32_t backend);

/* The machine's GEMM rate through a backend, for benchmarks: the wall time of `repetitions` products
 * C (m x n, float32) = A (m x k) · B (k x n) on the backend's own random operands, after a warm-up, with the
 * operands in float32 or (mixed_bfloat16) bfloat16 and B in the layout the library prefers (so the figure is the
 * library's best, a limit for training on that backend). */
CN_API cn_status cn_backend_time_gemm(int32_t backend, int32_t precision, int32_t m, int32_t n, int32_t k,
                                      int32_t repetitions, double* seconds);

/* The machine's memory rate for an optimizer step, for benchmarks: the wall time of `repetitions` passes (after a
 * warm-up) over four float arrays of `parameters` elements that read all four and write three of them back in place,
 * the loads and stores an Adadelta update makes, without its arithmetic, on the calling thread's engine threads. The
 * arrays are allocated for the call (16 bytes a parameter; CN_ERR_OUT_OF_MEMORY when they do not fit). */
CN_API cn_status cn_time_update_traffic(int64_t parameters, int32_t repetitions, double* seconds);

/* ---- multilayer perceptron (a stack of Dense layers) ----------------------------------------------------- */

typedef struct cn_mlp cn_mlp;

typedef struct cn_mlp_options {
    int32_t backend;   /* cn_backend */
    int32_t precision; /* cn_precision */
} cn_mlp_options;

/* widths has n_layers + 1 entries (input width first); activations has n_layers entries (cn_activation).
 * options NULL means { CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32 }. Kernels and biases start at zero: the caller
 * initialises them (glorot_uniform lives in the managed API so that seeds reproduce across platforms). All layers
 * start trainable. CN_ERR_BACKEND when the backend or precision asked for is unavailable here. */
CN_API cn_status cn_mlp_create_with(int32_t n_layers, const int32_t* widths, const int32_t* activations,
                                    const cn_mlp_options* options, cn_mlp** out);
/* cn_mlp_create_with(..., NULL, out): the default backend, float32. */
CN_API cn_status cn_mlp_create(int32_t n_layers, const int32_t* widths, const int32_t* activations,
                               cn_mlp** out);
CN_API void cn_mlp_free(cn_mlp* net);

/* The backend (never CN_BACKEND_DEFAULT) and precision the network runs on; 0 for NULL. */
CN_API int32_t cn_mlp_backend(const cn_mlp* net);
CN_API int32_t cn_mlp_precision(const cn_mlp* net);
/* What runs the network's GEMMs, e.g. "onednn 2.6.3 (brg:avx512_core)" or "openblas (OpenBLAS 0.3.21 ...)";
 * "" for NULL. Valid while the network lives. */
CN_API const char* cn_mlp_backend_info(const cn_mlp* net);

CN_API int32_t cn_mlp_num_layers(const cn_mlp* net);
CN_API cn_status cn_mlp_layer_shape(const cn_mlp* net, int32_t layer, int32_t* in_units, int32_t* out_units,
                                    int32_t* activation);

/* kernel: in_units*out_units floats (Keras layout), bias: out_units floats. Either pointer may be NULL to
 * skip that part. */
CN_API cn_status cn_mlp_get_weights(const cn_mlp* net, int32_t layer, float* kernel, float* bias);
CN_API cn_status cn_mlp_set_weights(cn_mlp* net, int32_t layer, const float* kernel, const float* bias);

/* Frozen layers keep their weights in every update; backward passes stop at the lowest trainable layer. */
CN_API cn_status cn_mlp_set_trainable(cn_mlp* net, int32_t layer, int32_t trainable);
CN_API int32_t cn_mlp_is_trainable(const cn_mlp* net, int32_t layer);

/* y (rows x out_units of the last layer) = network(x (rows x in_units of layer 0)). */
CN_API cn_status cn_mlp_predict(cn_mlp* net, const float* x, int64_t rows, float* y);

/* Output of layer `layer` (after its activation) for every row: rows x out_units(layer). Lets callers cache
 * the activations under frozen layers. */
CN_API cn_status cn_mlp_activations(cn_mlp* net, int32_t layer, const float* x, int64_t rows, float* out);

/* Mean squared error and mean absolute error over all rows and outputs, computed in batches of `batch`
 * rows (<= 0 means one pass). Sums are accumulated in double. */
CN_API cn_status cn_mlp_evaluate(cn_mlp* net, const float* x, const float* y, int64_t rows, int32_t batch,
                                 double* mse, double* mae);

/* ---- Adadelta (Keras 2.2 semantics) ---------------------------------------------------------------------- */
/* Per parameter: Eg <- rho*Eg + (1-rho)*g^2;  d = g*sqrt(Edx+eps)/sqrt(Eg+eps);  p <- p - lr*d;
 *                Edx <- rho*Edx + (1-rho)*d^2.   Accumulators start at zero and are float32 at every precision. */

typedef struct cn_adadelta cn_adadelta;

/* State is sized for `net`, kept on its backend, and only valid with it. */
CN_API cn_status cn_adadelta_create(const cn_mlp* net, float lr, float rho, float epsilon, cn_adadelta** out);
CN_API void cn_adadelta_free(cn_adadelta* opt);

/* Accumulators of one layer's kernel (which = 0) or bias (which = 1): Eg and Edx, each as many floats as that
 * parameter has. Either pointer may be NULL. */
CN_API cn_status cn_adadelta_get_state(const cn_adadelta* opt, int32_t layer, int32_t which, float* accum_grad,
                                       float* accum_update);

/* ---- training data ------------------------------------------------------------------------------------- */

/* Training rows where a backend reads them: x is rows x x_cols, y rows x y_cols. The CPU backends read the caller's
 * arrays in place (no copy), so x and y must stay valid and unchanged until cn_dataset_free; a device backend would
 * keep its own copy. A dataset serves any network whose input and output widths match. */
typedef struct cn_dataset cn_dataset;

CN_API cn_status cn_dataset_create(const float* x, const float* y, int64_t rows, int32_t x_cols, int32_t y_cols,
                                   cn_dataset** out);
CN_API void cn_dataset_free(cn_dataset* data);

/* ---- training -------------------------------------------------------------------------------------------- */

/* One epoch over `rows` rows of `data`, in consecutive batches of `batch` rows, the last partial batch kept; per
 * batch: forward, MSE backward, Adadelta update.
 * Without `order` (NULL) the rows are data rows 0..rows-1. With `order` (`rows` entries, each a row of `data`),
 * batch rows are data rows order[i]: `order` selects and orders the training rows (e.g. a shuffled subset of a whole
 * memory-mapped feature store); the rows are gathered inside, so callers pass their arrays without copying.
 * loss/mae (may be NULL) receive the mean of the batch values at their forward passes, weighted by batch size
 * (Keras' epoch log). */
CN_API cn_status cn_train_epoch(cn_mlp* net, cn_adadelta* opt, const cn_dataset* data, const int64_t* order,
                                int64_t rows, int32_t batch, double* loss, double* mae);

/* ---- testing seam -------------------------------------------------------------------------------------------
 * The managed API never calls these; the native tests use them as oracles (gradients against finite differences,
 * the optimizer against a hand computation, the fused epoch against the separate steps). */

/* Forward + backward on one batch: the MSE loss (mean over the batch and outputs), its MAE, and the gradients of the
 * loss with respect to every trainable layer's kernel and bias, which the net keeps until the next call. No update.
 * loss/mae may be NULL. */
CN_API cn_status cn_mlp_compute_gradients(cn_mlp* net, const float* x, const float* y, int32_t rows,
                                          float* loss, float* mae);
/* The gradients of the last cn_mlp_compute_gradients (zeros for frozen layers). Either pointer may be NULL. */
CN_API cn_status cn_mlp_get_gradients(const cn_mlp* net, int32_t layer, float* dkernel, float* dbias);
/* Apply the gradients the net holds (from cn_mlp_compute_gradients) to every trainable layer. One batch of
 * cn_train_epoch is bit-identical to cn_mlp_compute_gradients followed by cn_adadelta_apply. */
CN_API cn_status cn_adadelta_apply(cn_adadelta* opt, cn_mlp* net);

#ifdef __cplusplus
}
#endif

#endif /* CULTURENET_H */
