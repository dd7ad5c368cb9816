/*
 * culturenet.h — the one contract between the native CultureNet engine and its callers.
 *
 * Everything the managed side (or any other language) may call is declared here and nowhere else.
 * Conventions:
 *   - Opaque handles (cn_mlp, cn_adadelta); the caller owns what a *_create returns and frees it with the
 *     matching *_free (NULL is accepted and ignored).
 *   - Every fallible call returns a cn_status. On anything but CN_OK, cn_last_error() returns a message for
 *     the calling thread that says what was wrong and what was expected; it stays valid until the next call
 *     on the same thread.
 *   - Tensors are dense, row-major float32 owned by the caller; the engine never keeps a caller's pointer
 *     beyond the call. Kernels use the Keras layout: a Dense layer's kernel is in_units x out_units, so
 *     y = x · kernel + bias.
 *   - Layer indices are 0-based (Keras' dense_1 is layer 0).
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
#define CN_API_VERSION 1

typedef enum cn_status {
    CN_OK = 0,
    CN_ERR_INVALID_ARGUMENT = 1, /* NULL pointer, bad index, non-positive size, unknown enum value */
    CN_ERR_SHAPE = 2,            /* sizes that do not fit the network */
    CN_ERR_OUT_OF_MEMORY = 3,
    CN_ERR_BACKEND = 4           /* BLAS or another backend failed */
} cn_status;

typedef enum cn_activation {
    CN_ACT_LINEAR = 0,
    CN_ACT_RELU = 1
} cn_activation;

/* ---- library ------------------------------------------------------------------------------------------ */

CN_API int32_t cn_api_version(void);

/* Message describing the last failure on the calling thread ("" if none). */
CN_API const char* cn_last_error(void);

/* Which BLAS the library resolved at load time, e.g. "OpenBLAS 0.3.21 ... (openblas-pthread)" or
 * "reference BLAS (netlib)". Never NULL. */
CN_API const char* cn_blas_info(void);

/* Threads used by BLAS and by the engine's own loops (optimizer update, reductions). n <= 0 means all
 * cores. Results for a given thread count are deterministic. */
CN_API void cn_set_num_threads(int32_t n);
CN_API int32_t cn_get_num_threads(void);

/* ---- multilayer perceptron (a stack of Dense layers) ----------------------------------------------------- */

typedef struct cn_mlp cn_mlp;

/* widths has n_layers + 1 entries (input width first); activations has n_layers entries (cn_activation).
 * Kernels and biases start at zero: the caller initialises them (glorot_uniform lives in the managed API so
 * that seeds reproduce across platforms). All layers start trainable. */
CN_API cn_status cn_mlp_create(int32_t n_layers, const int32_t* widths, const int32_t* activations,
                               cn_mlp** out);
CN_API void cn_mlp_free(cn_mlp* net);

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

/* Forward + backward on one batch: computes the MSE loss (mean over the batch and outputs), its MAE, and the
 * gradients of the loss with respect to every trainable layer's kernel and bias, which the net keeps until
 * the next call. loss/mae may be NULL. */
CN_API cn_status cn_mlp_compute_gradients(cn_mlp* net, const float* x, const float* y, int32_t rows,
                                          float* loss, float* mae);
/* The gradients of the last cn_mlp_compute_gradients (zeros for frozen layers). Either pointer may be NULL. */
CN_API cn_status cn_mlp_get_gradients(const cn_mlp* net, int32_t layer, float* dkernel, float* dbias);

/* ---- Adadelta (Keras 2.2 semantics) ---------------------------------------------------------------------- */
/* Per parameter: Eg <- rho*Eg + (1-rho)*g^2;  d = g*sqrt(Edx+eps)/sqrt(Eg+eps);  p <- p - lr*d;
 *                Edx <- rho*Edx + (1-rho)*d^2.   Accumulators start at zero. */

typedef struct cn_adadelta cn_adadelta;

/* State is sized for `net` and only valid with it. */
CN_API cn_status cn_adadelta_create(const cn_mlp* net, float lr, float rho, float epsilon, cn_adadelta** out);
CN_API void cn_adadelta_free(cn_adadelta* opt);
/* Zero both accumulators (a fresh optimizer, as after Keras' compile). */
CN_API void cn_adadelta_reset(cn_adadelta* opt);

/* Apply the gradients the net holds (from cn_mlp_compute_gradients) to every trainable layer. */
CN_API cn_status cn_adadelta_apply(cn_adadelta* opt, cn_mlp* net);

/* Accumulators of one layer's kernel (which = 0) or bias (which = 1): Eg and Edx, each as many floats as that
 * parameter has. Either pointer may be NULL. */
CN_API cn_status cn_adadelta_get_state(const cn_adadelta* opt, int32_t layer, int32_t which, float* accum_grad,
                                       float* accum_update);

/* ---- fused training -------------------------------------------------------------------------------------- */

/* One mini-batch: forward, MSE backward, Adadelta update, in one call. loss/mae are the batch's values at the
 * forward pass (what Keras logs). Equivalent to cn_mlp_compute_gradients + cn_adadelta_apply. */
CN_API cn_status cn_train_batch(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows,
                                float* loss, float* mae);

/* One epoch over `rows` rows, in consecutive batches of `batch` rows, the last partial batch kept.
 * Without `order` (NULL) the rows are x[0..rows-1] and y[0..rows-1] (x is rows x in_units, y rows x out_units).
 * With `order` (`rows` entries), batch rows are x[order[i]] and y[order[i]]: x and y may be larger arrays (e.g. a
 * whole memory-mapped feature store) and `order` selects and orders the training rows among them; entries must be
 * >= 0 and valid rows of x and y (the caller guarantees the upper bound, the engine cannot see it).
 * loss/mae receive the mean of the batch values weighted by batch size (Keras' epoch log).
 * Gathering by `order` happens inside, so callers pass their arrays without copying. */
CN_API cn_status cn_train_epoch(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int64_t rows,
                                const int64_t* order, int32_t batch, double* loss, double* mae);

#ifdef __cplusplus
}
#endif

#endif /* CULTURENET_H */
