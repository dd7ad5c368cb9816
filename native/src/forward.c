/* forward.c — forward passes: predict, per-layer activations, evaluate. */
#include "internal.h"

void cn__forward(cn_mlp* net, const float* x, int32_t rows, int32_t last)
{
    const float* in = x;
    for (int32_t l = 0; l <= last; ++l) {
        net->ops->forward(net, l, in, rows, net->act[l]);
        in = net->act[l];
    }
}

static cn_status cn_check_rows(const cn_mlp* net, const float* x, int64_t rows, const void* out, const char* out_name,
                               const char* fn)
{
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    if (x == NULL)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: x is NULL (expected rows x %d floats)", fn, (int)net->layers[0].in);
    if (out == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: %s is NULL (expected an output buffer)", fn, out_name);
    if (rows <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: rows is %lld (expected >= 1)", fn, (long long)rows);
    return CN_OK;
}

/* Forward every row of x through layers 0..last, CN_CHUNK_ROWS at a time, writing layer `last`'s output to out. */
static cn_status cn_forward_all(cn_mlp* net, int32_t last, const float* x, int64_t rows, float* out, const char* fn)
{
    int64_t chunk = rows < CN_CHUNK_ROWS ? rows : CN_CHUNK_ROWS;
    cn_status st = cn__ensure_workspace(net, chunk, fn);
    if (st != CN_OK) return st;
    cn__use_threads();
    const int32_t in_w = net->layers[0].in, out_w = net->layers[last].out;
    for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
        int32_t n = (int32_t)(rows - r0 < chunk ? rows - r0 : chunk);
        if ((st = net->ops->prepare(net, n, 0, fn)) != CN_OK) return st;
        cn__forward(net, x + r0 * in_w, n, last);
        net->ops->download(out + r0 * out_w, net->act[last], (int64_t)n * out_w);
    }
    return net->ops->finish(net, fn);
}

CN_API cn_status cn_mlp_predict(cn_mlp* net, const float* x, int64_t rows, float* y)
{
    static const char fn[] = "cn_mlp_predict";
    cn__clear_error();
    cn_status st = cn_check_rows(net, x, rows, y, "y", fn);
    if (st != CN_OK) return st;
    return cn_forward_all(net, net->n_layers - 1, x, rows, y, fn);
}

CN_API cn_status cn_mlp_activations(cn_mlp* net, int32_t layer, const float* x, int64_t rows, float* out)
{
    static const char fn[] = "cn_mlp_activations";
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, fn);
    if (st == CN_OK) st = cn_check_rows(net, x, rows, out, "out", fn);
    if (st != CN_OK) return st;
    return cn_forward_all(net, layer, x, rows, out, fn);
}

CN_API cn_status cn_mlp_evaluate(cn_mlp* net, const float* x, const float* y, int64_t rows, int32_t batch,
                                 double* mse, double* mae)
{
    static const char fn[] = "cn_mlp_evaluate";
    cn__clear_error();
    cn_status st = cn_check_rows(net, x, rows, y, "y", fn);
    if (st != CN_OK) return st;
    if (mse == NULL && mae == NULL)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: mse and mae are both NULL (expected at least one output)", fn);
    /* The batch size only bounds memory here: every error is summed in double in row order either way, and the
     * engine's own chunking bounds the work buffers, so `batch` <= 0 ("one pass") is safe for any row count. */
    int64_t chunk = batch > 0 && batch < CN_CHUNK_ROWS ? batch : CN_CHUNK_ROWS;
    if (chunk > rows) chunk = rows;
    st = cn__ensure_workspace(net, chunk, fn);
    if (st != CN_OK) return st;
    cn__use_threads();
    const int32_t last = net->n_layers - 1, in_w = net->layers[0].in, out_w = net->layers[last].out;
    double sq = 0.0, ab = 0.0;
    for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
        int32_t n = (int32_t)(rows - r0 < chunk ? rows - r0 : chunk);
        if ((st = net->ops->prepare(net, n, 0, fn)) != CN_OK) return st;
        cn__forward(net, x + r0 * in_w, n, last);
        net->ops->error_sums(net->act[last], y + r0 * out_w, (int64_t)n * out_w, &sq, &ab);
    }
    if ((st = net->ops->finish(net, fn)) != CN_OK) return st;
    double count = (double)rows * (double)out_w;
    if (mse) *mse = sq / count;
    if (mae) *mae = ab / count;
    return CN_OK;
}
