/* backward.c — MSE backward pass: gradients of every trainable layer, stopping at the lowest trainable one. */
#include "internal.h"

#include <string.h>


void cn__forward_backward(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows,
                          double* loss, double* mae)
{
    const cn_backend_ops* ops = net->ops;
    const int32_t last = net->n_layers - 1;
    cn__forward(net, x, rows, last);

    int32_t lowest = net->n_layers; /* lowest trainable layer; n_layers when none */
    for (int32_t l = 0; l < net->n_layers; ++l)
        if (net->layers[l].trainable) {
            lowest = l;
            break;
        }
    for (int32_t l = 0; l < lowest && l < net->n_layers; ++l) net->layers[l].grad_valid = 0;

    /* dL/dpred = 2 (pred - y) / (rows * outputs) */
    const int32_t out_w = net->layers[last].out;
    const int64_t count = (int64_t)rows * out_w;
    double sq = 0.0, ab = 0.0;
    int k = 0;
    ops->mse_gradient(net->act[last], y, count, (float)(2.0 / (double)count), net->delta[k], &sq, &ab);
    *loss = sq / (double)count;
    *mae = ab / (double)count;

    for (int32_t l = last; l >= lowest; --l) {
        cn_layer* L = &net->layers[l];
        float* dz = net->delta[k];
        if (L->act == CN_ACT_RELU) ops->relu_backward(dz, net->act[l], rows, L->out);
        const float* in = l == 0 ? x : net->act[l - 1];
        if (L->trainable) {
            /* dW = in^T . dz (in x out), db = column sums of dz */
            ops->weight_gradient(net, l, in, dz, rows);
            ops->column_sums(dz, rows, L->out, L->dbias);
            L->grad_valid = 1;
        } else {
            L->grad_valid = 0; /* a frozen layer reads zero gradients (cn_mlp_get_gradients) */
        }
        if (l > lowest) {
            /* d(input) = dz . W^T (rows x in), with the weights as they were at the forward pass */
            float* dx = net->delta[1 - k];
            ops->input_gradient(net, l, dz, rows, dx);
            k = 1 - k;
        }
        /* Fused update: this layer's gradient is hot in cache and nothing below needs its weights any more. */
        if (opt != NULL && L->trainable) cn__adadelta_update_layer(opt, net, l);
    }
}

static cn_status cn_check_batch(const cn_mlp* net, const float* x, const float* y, int32_t rows, const char* fn)
{
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    if (x == NULL)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: x is NULL (expected rows x %d floats)", fn, (int)net->layers[0].in);
    if (y == NULL)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: y is NULL (expected rows x %d floats)", fn,
                        (int)net->layers[net->n_layers - 1].out);
    if (rows <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: rows is %d (expected >= 1)", fn, (int)rows);
    return CN_OK;
}

CN_API cn_status cn_mlp_compute_gradients(cn_mlp* net, const float* x, const float* y, int32_t rows, float* loss,
                                          float* mae)
{
    static const char fn[] = "cn_mlp_compute_gradients";
    cn__clear_error();
    cn_status st = cn_check_batch(net, x, y, rows, fn);
    if (st == CN_OK) st = cn__ensure_workspace(net, rows, fn);
    if (st != CN_OK) return st;
    cn__use_threads();
    if ((st = net->ops->prepare(net, rows, 1, fn)) != CN_OK) return st;
    double l, m;
    cn__forward_backward(net, NULL, x, y, rows, &l, &m);
    if ((st = net->ops->finish(net, fn)) != CN_OK) return st;
    if (loss) *loss = (float)l;
    if (mae) *mae = (float)m;
    return CN_OK;
}

CN_API cn_status cn_mlp_get_gradients(const cn_mlp* net, int32_t layer, float* dkernel, float* dbias)
{
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, "cn_mlp_get_gradients");
    if (st != CN_OK) return st;
    const cn_layer* L = &net->layers[layer];
    if (!L->trainable || !L->grad_valid) { /* frozen now, or no gradient from the last backward pass */
        if (dkernel) memset(dkernel, 0, sizeof(float) * (size_t)L->in * (size_t)L->out);
        if (dbias) memset(dbias, 0, sizeof(float) * (size_t)L->out);
        return CN_OK;
    }
    if (dkernel) net->ops->download_kernel(L->in, L->out, dkernel, L->dkernel);
    if (dbias) net->ops->download(dbias, L->dbias, L->out);
    return CN_OK;
}
