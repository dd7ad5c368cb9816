/* backward.c — MSE backward pass: gradients of every trainable layer, stopping at the lowest trainable one. */
#include "internal.h"

#include <cblas.h>
#include <string.h>

static void cn_zero_gradients(cn_layer* L)
{
    if (!L->grad_valid) return; /* already zero */
    memset(L->dkernel, 0, sizeof(float) * (size_t)L->in * (size_t)L->out);
    memset(L->dbias, 0, sizeof(float) * (size_t)L->out);
    L->grad_valid = 0;
}

void cn__forward_backward(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows,
                          double* loss, double* mae)
{
    const int32_t last = net->n_layers - 1;
    cn__forward(net, x, rows, last, NULL);

    int32_t lowest = net->n_layers; /* lowest trainable layer; n_layers when none */
    for (int32_t l = 0; l < net->n_layers; ++l)
        if (net->layers[l].trainable) {
            lowest = l;
            break;
        }
    for (int32_t l = 0; l < lowest && l < net->n_layers; ++l) cn_zero_gradients(&net->layers[l]);

    /* dL/dpred = 2 (pred - y) / (rows * outputs) */
    const int32_t out_w = net->layers[last].out;
    const int64_t count = (int64_t)rows * out_w;
    double sq = 0.0, ab = 0.0;
    int k = 0;
    cn_cpu_mse_grad(net->act[last], y, count, (float)(2.0 / (double)count), net->delta[k], &sq, &ab);
    *loss = sq / (double)count;
    *mae = ab / (double)count;

    for (int32_t l = last; l >= lowest; --l) {
        cn_layer* L = &net->layers[l];
        float* dz = net->delta[k];
        if (L->act == CN_ACT_RELU) cn_cpu_relu_backward(dz, net->act[l], rows, L->out);
        const float* in = l == 0 ? x : net->act[l - 1];
        if (L->trainable) {
            /* dW = in^T . dz (in x out), db = column sums of dz */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, L->in, L->out, rows, 1.0f, in, L->in, dz, L->out, 0.0f,
                        L->dkernel, L->out);
            cn_cpu_column_sums(dz, rows, L->out, L->dbias);
            L->grad_valid = 1;
        } else {
            cn_zero_gradients(L);
        }
        if (l > lowest) {
            /* d(input) = dz . W^T (rows x in), with the weights as they were at the forward pass */
            float* dx = net->delta[1 - k];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, L->in, L->out, 1.0f, dz, L->out, L->kernel, L->out,
                        0.0f, dx, L->in);
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

cn_status cn__batch_step(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows, float* loss,
                         float* mae, const char* fn)
{
    cn_status st = cn_check_batch(net, x, y, rows, fn);
    if (st == CN_OK && opt != NULL) st = cn__adadelta_check(opt, net, fn);
    if (st == CN_OK) st = cn__ensure_workspace(net, rows, fn);
    if (st != CN_OK) return st;
    double l, m;
    cn__forward_backward(net, opt, x, y, rows, &l, &m);
    if (loss) *loss = (float)l;
    if (mae) *mae = (float)m;
    return CN_OK;
}

CN_API cn_status cn_mlp_compute_gradients(cn_mlp* net, const float* x, const float* y, int32_t rows, float* loss,
                                          float* mae)
{
    cn__clear_error();
    return cn__batch_step(net, NULL, x, y, rows, loss, mae, "cn_mlp_compute_gradients");
}

CN_API cn_status cn_mlp_get_gradients(const cn_mlp* net, int32_t layer, float* dkernel, float* dbias)
{
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, "cn_mlp_get_gradients");
    if (st != CN_OK) return st;
    const cn_layer* L = &net->layers[layer];
    if (!L->trainable) { /* frozen layers have no gradient */
        if (dkernel) memset(dkernel, 0, sizeof(float) * (size_t)L->in * (size_t)L->out);
        if (dbias) memset(dbias, 0, sizeof(float) * (size_t)L->out);
        return CN_OK;
    }
    if (dkernel) memcpy(dkernel, L->dkernel, sizeof(float) * (size_t)L->in * (size_t)L->out);
    if (dbias) memcpy(dbias, L->dbias, sizeof(float) * (size_t)L->out);
    return CN_OK;
}
