/* train.c — fused training: one epoch over a dataset, with the gather by `order` done inside. */
#include "internal.h"

static cn_status cn_check_epoch(const cn_mlp* net, const cn_adadelta* opt, const cn_dataset* data,
                                const int64_t* order, int64_t rows, int32_t batch, const char* fn)
{
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    cn_status st = cn__adadelta_check(opt, net, fn);
    if (st != CN_OK) return st;
    const int32_t in_w = net->layers[0].in, out_w = net->layers[net->n_layers - 1].out;
    if (data == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: data is NULL (expected a dataset from cn_dataset_create)", fn);
    if (data->x_cols != in_w || data->y_cols != out_w)
        return cn__fail(CN_ERR_SHAPE, "%s: the dataset has %d x columns and %d y columns, the network takes %d inputs and "
                                      "gives %d outputs",
                        fn, (int)data->x_cols, (int)data->y_cols, (int)in_w, (int)out_w);
    if (rows <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: rows is %lld (expected >= 1)", fn, (long long)rows);
    if (batch <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: batch is %d (expected >= 1, e.g. 128)", fn, (int)batch);
    if (order == NULL) {
        if (rows > data->rows)
            return cn__fail(CN_ERR_SHAPE, "%s: rows is %lld but the dataset has %lld rows (without order, rows 0..rows-1 "
                                          "are trained on)",
                            fn, (long long)rows, (long long)data->rows);
    } else {
        for (int64_t i = 0; i < rows; ++i)
            if (order[i] < 0 || order[i] >= data->rows)
                return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: order[%lld] is %lld (expected a row of the dataset, 0..%lld)",
                                fn, (long long)i, (long long)order[i], (long long)data->rows - 1);
    }
    return CN_OK;
}

CN_API cn_status cn_train_epoch(cn_mlp* net, cn_adadelta* opt, const cn_dataset* data, const int64_t* order,
                                int64_t rows, int32_t batch, double* loss, double* mae)
{
    static const char fn[] = "cn_train_epoch";
    cn__clear_error();
    cn_status st = cn_check_epoch(net, opt, data, order, rows, batch, fn);
    if (st != CN_OK) return st;
    const int32_t in_w = data->x_cols, out_w = data->y_cols;
    const int32_t b = (int64_t)batch < rows ? batch : (int32_t)rows;
    st = cn__ensure_workspace(net, b, fn);
    if (st == CN_OK && order != NULL) st = cn__ensure_gather(net, b, fn);
    if (st != CN_OK) return st;
    cn__use_threads();
    const cn_backend_ops* ops = net->ops;
    /* Every batch has b rows but the last, which may be partial. */
    if ((st = ops->prepare(net, b, 1, fn)) != CN_OK) return st;
    if (rows % b != 0 && (st = ops->prepare(net, rows % b, 1, fn)) != CN_OK) return st;

    double loss_sum = 0.0, mae_sum = 0.0;
    for (int64_t r0 = 0; r0 < rows; r0 += b) {
        const int32_t n = (int32_t)(rows - r0 < b ? rows - r0 : b);
        const float *bx, *by;
        if (order == NULL) {
            bx = data->x + r0 * in_w;
            by = data->y + r0 * out_w;
        } else {
            ops->gather(net, net->gather_x, data->x, order + r0, n, in_w);
            ops->gather(net, net->gather_y, data->y, order + r0, n, out_w);
            bx = net->gather_x;
            by = net->gather_y;
        }
        double bl, bm;
        cn__forward_backward(net, opt, bx, by, n, &bl, &bm);
        /* Keras logs each batch's value as float32 and averages them weighted by batch size. */
        loss_sum += (double)(float)bl * n;
        mae_sum += (double)(float)bm * n;
    }
    if ((st = ops->finish(net, fn)) != CN_OK) return st;
    if (loss) *loss = loss_sum / (double)rows;
    if (mae) *mae = mae_sum / (double)rows;
    return CN_OK;
}
