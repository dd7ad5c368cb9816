/* train.c — fused training: one mini-batch, one epoch (with the gather by `order` done inside). */
#include "internal.h"

#include <string.h>

CN_API cn_status cn_train_batch(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows,
                                float* loss, float* mae)
{
    static const char fn[] = "cn_train_batch";
    cn__clear_error();
    if (opt == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: opt is NULL (expected an optimizer from cn_adadelta_create)", fn);
    return cn__batch_step(net, opt, x, y, rows, loss, mae, fn);
}

CN_API cn_status cn_train_epoch(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int64_t rows,
                                const int64_t* order, int32_t batch, double* loss, double* mae)
{
    static const char fn[] = "cn_train_epoch";
    cn__clear_error();
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    cn_status st = cn__adadelta_check(opt, net, fn);
    if (st != CN_OK) return st;
    const int32_t in_w = net->layers[0].in, out_w = net->layers[net->n_layers - 1].out;
    if (x == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: x is NULL (expected rows x %d floats)", fn, (int)in_w);
    if (y == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: y is NULL (expected rows x %d floats)", fn, (int)out_w);
    if (rows <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: rows is %lld (expected >= 1)", fn, (long long)rows);
    if (batch <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: batch is %d (expected >= 1, e.g. 128)", fn, (int)batch);
    if (order != NULL)
        for (int64_t i = 0; i < rows; ++i)
            if (order[i] < 0 || order[i] >= rows)
                return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: order[%lld] is %lld (expected a row index in 0..%lld)", fn,
                                (long long)i, (long long)order[i], (long long)rows - 1);
    const int32_t b = (int64_t)batch < rows ? batch : (int32_t)rows;
    st = cn__ensure_workspace(net, b, fn);
    if (st == CN_OK && order != NULL) st = cn__ensure_gather(net, b, fn);
    if (st != CN_OK) return st;

    double loss_sum = 0.0, mae_sum = 0.0;
    for (int64_t r0 = 0; r0 < rows; r0 += b) {
        const int32_t n = (int32_t)(rows - r0 < b ? rows - r0 : b);
        const float *bx, *by;
        if (order == NULL) {
            bx = x + r0 * in_w;
            by = y + r0 * out_w;
        } else {
            for (int32_t i = 0; i < n; ++i) {
                const int64_t src = order[r0 + i];
                memcpy(net->gather_x + (int64_t)i * in_w, x + src * in_w, sizeof(float) * (size_t)in_w);
                memcpy(net->gather_y + (int64_t)i * out_w, y + src * out_w, sizeof(float) * (size_t)out_w);
            }
            bx = net->gather_x;
            by = net->gather_y;
        }
        double bl, bm;
        cn__forward_backward(net, opt, bx, by, n, &bl, &bm);
        /* Keras logs each batch's value as float32 and averages them weighted by batch size. */
        loss_sum += (double)(float)bl * n;
        mae_sum += (double)(float)bm * n;
    }
    if (loss) *loss = loss_sum / (double)rows;
    if (mae) *mae = mae_sum / (double)rows;
    return CN_OK;
}
