/* mlp.c — the network object: creation on a backend, shapes, weights, trainable flags, work buffers. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static cn_status cn_check_shapes(int32_t n_layers, const int32_t* widths, const int32_t* activations, const char* fn)
{
    if (n_layers <= 0)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: n_layers is %d (expected >= 1)", fn, (int)n_layers);
    if (widths == NULL)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: widths is NULL (expected n_layers + 1 = %d entries)", fn,
                        (int)n_layers + 1);
    if (activations == NULL)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: activations is NULL (expected n_layers = %d entries)", fn,
                        (int)n_layers);
    for (int32_t i = 0; i <= n_layers; ++i)
        if (widths[i] <= 0)
            return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: widths[%d] is %d (expected a width >= 1)", fn, (int)i,
                            (int)widths[i]);
    for (int32_t i = 0; i < n_layers; ++i)
        if (activations[i] != CN_ACT_LINEAR && activations[i] != CN_ACT_RELU)
            return cn__fail(CN_ERR_INVALID_ARGUMENT,
                            "%s: activations[%d] is %d, an unknown activation (expected %d = linear or %d = relu)", fn,
                            (int)i, (int)activations[i], CN_ACT_LINEAR, CN_ACT_RELU);
    return CN_OK;
}

CN_API cn_status cn_mlp_create_with(int32_t n_layers, const int32_t* widths, const int32_t* activations,
                                    const cn_mlp_options* options, cn_mlp** out)
{
    static const char fn[] = "cn_mlp_create";
    cn__clear_error();
    if (out == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: out is NULL (expected a pointer to receive the network)", fn);
    *out = NULL;
    cn_status st = cn_check_shapes(n_layers, widths, activations, fn);
    if (st != CN_OK) return st;
    const cn_mlp_options defaults = {CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32};
    if (options == NULL) options = &defaults;
    const cn_backend_ops* ops = cn__backend_open(options->backend, options->precision, fn, &st);
    if (ops == NULL) return st;

    cn_mlp* net = calloc(1, sizeof *net);
    cn_layer* layers = calloc((size_t)n_layers, sizeof *layers);
    float** act = calloc((size_t)n_layers, sizeof *act);
    if (net == NULL || layers == NULL || act == NULL) {
        free(net);
        free(layers);
        free(act);
        return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating the network object (%zu bytes)", fn,
                        sizeof *net + (size_t)n_layers * (sizeof *layers + sizeof *act));
    }
    net->n_layers = n_layers;
    net->layers = layers;
    net->act = act;
    net->ops = ops;
    net->backend = ops->id;
    net->precision = options->precision;
    for (int32_t i = 0; i < n_layers; ++i) {
        cn_layer* L = &layers[i];
        L->in = widths[i];
        L->out = widths[i + 1];
        L->act = activations[i];
        L->trainable = 1;
        if (L->out > net->max_width) net->max_width = L->out;
        int64_t k = (int64_t)L->in * L->out;
        if ((L->kernel = ops->alloc(k, fn, "a kernel")) == NULL || (L->bias = ops->alloc(L->out, fn, "a bias")) == NULL ||
            (L->dkernel = ops->alloc(k, fn, "a kernel gradient")) == NULL ||
            (L->dbias = ops->alloc(L->out, fn, "a bias gradient")) == NULL) {
            cn_mlp_free(net);
            return CN_ERR_OUT_OF_MEMORY;
        }
    }
    if ((st = ops->attach(net, fn)) != CN_OK) {
        cn_mlp_free(net);
        return st;
    }
    *out = net;
    return CN_OK;
}

CN_API cn_status cn_mlp_create(int32_t n_layers, const int32_t* widths, const int32_t* activations, cn_mlp** out)
{
    return cn_mlp_create_with(n_layers, widths, activations, NULL, out);
}

CN_API void cn_mlp_free(cn_mlp* net)
{
    if (net == NULL) return;
    const cn_backend_ops* ops = net->ops;
    if (net->backend_state != NULL) ops->detach(net);
    for (int32_t i = 0; i < net->n_layers; ++i) {
        cn_layer* L = &net->layers[i];
        ops->release(L->kernel);
        ops->release(L->bias);
        ops->release(L->dkernel);
        ops->release(L->dbias);
        ops->release(net->act[i]);
    }
    ops->release(net->delta[0]);
    ops->release(net->delta[1]);
    ops->release(net->gather_x);
    ops->release(net->gather_y);
    free(net->act);
    free(net->layers);
    free(net);
}

CN_API int32_t cn_mlp_backend(const cn_mlp* net) { return net == NULL ? 0 : net->backend; }

CN_API int32_t cn_mlp_precision(const cn_mlp* net) { return net == NULL ? 0 : net->precision; }

CN_API const char* cn_mlp_backend_info(const cn_mlp* net) { return net == NULL ? "" : net->ops->describe(net); }

CN_API int32_t cn_mlp_num_layers(const cn_mlp* net) { return net == NULL ? 0 : net->n_layers; }

cn_status cn__check_layer(const cn_mlp* net, int32_t layer, const char* fn)
{
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    if (layer < 0 || layer >= net->n_layers)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: layer %d out of range (network has %d layers, 0..%d)", fn,
                        (int)layer, (int)net->n_layers, (int)net->n_layers - 1);
    return CN_OK;
}

CN_API cn_status cn_mlp_layer_shape(const cn_mlp* net, int32_t layer, int32_t* in_units, int32_t* out_units,
                                    int32_t* activation)
{
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, "cn_mlp_layer_shape");
    if (st != CN_OK) return st;
    const cn_layer* L = &net->layers[layer];
    if (in_units) *in_units = L->in;
    if (out_units) *out_units = L->out;
    if (activation) *activation = L->act;
    return CN_OK;
}

CN_API cn_status cn_mlp_get_weights(const cn_mlp* net, int32_t layer, float* kernel, float* bias)
{
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, "cn_mlp_get_weights");
    if (st != CN_OK) return st;
    const cn_layer* L = &net->layers[layer];
    if (kernel) net->ops->download_kernel(L->in, L->out, kernel, L->kernel);
    if (bias) net->ops->download(bias, L->bias, L->out);
    return CN_OK;
}

CN_API cn_status cn_mlp_set_weights(cn_mlp* net, int32_t layer, const float* kernel, const float* bias)
{
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, "cn_mlp_set_weights");
    if (st != CN_OK) return st;
    cn_layer* L = &net->layers[layer];
    if (kernel) net->ops->upload_kernel(L->in, L->out, L->kernel, kernel);
    if (bias) net->ops->upload(L->bias, bias, L->out);
    if (kernel || bias) net->ops->weights_changed(net, layer);
    return CN_OK;
}

CN_API cn_status cn_mlp_set_trainable(cn_mlp* net, int32_t layer, int32_t trainable)
{
    cn__clear_error();
    cn_status st = cn__check_layer(net, layer, "cn_mlp_set_trainable");
    if (st != CN_OK) return st;
    net->layers[layer].trainable = trainable != 0;
    return CN_OK;
}

CN_API int32_t cn_mlp_is_trainable(const cn_mlp* net, int32_t layer)
{
    if (net == NULL || layer < 0 || layer >= net->n_layers) return 0;
    return net->layers[layer].trainable;
}

cn_status cn__ensure_workspace(cn_mlp* net, int64_t rows, const char* fn)
{
    if (rows <= net->ws_rows) return CN_OK;
    /* Allocate everything first so a failure leaves the old buffers intact. */
    float** fresh_act = calloc((size_t)net->n_layers, sizeof *fresh_act);
    if (fresh_act == NULL)
        return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating the work buffer table (%zu bytes)", fn,
                        (size_t)net->n_layers * sizeof *fresh_act);
    const cn_backend_ops* ops = net->ops;
    float* d0 = ops->alloc(rows * net->max_width, fn, "a gradient work buffer");
    float* d1 = d0 ? ops->alloc(rows * net->max_width, fn, "a gradient work buffer") : NULL;
    int ok = d1 != NULL;
    int32_t made = 0;
    for (; ok && made < net->n_layers; ++made) {
        fresh_act[made] = ops->alloc(rows * net->layers[made].out, fn, "an activation work buffer");
        if (fresh_act[made] == NULL) ok = 0;
    }
    if (!ok) {
        ops->release(d0);
        ops->release(d1);
        for (int32_t i = 0; i < made; ++i) ops->release(fresh_act[i]);
        free(fresh_act);
        return CN_ERR_OUT_OF_MEMORY;
    }
    ops->release(net->delta[0]);
    ops->release(net->delta[1]);
    net->delta[0] = d0;
    net->delta[1] = d1;
    for (int32_t i = 0; i < net->n_layers; ++i) {
        ops->release(net->act[i]);
        net->act[i] = fresh_act[i];
    }
    free(fresh_act);
    net->ws_rows = rows;
    return CN_OK;
}

cn_status cn__ensure_gather(cn_mlp* net, int64_t rows, const char* fn)
{
    if (rows <= net->gather_rows) return CN_OK;
    const cn_backend_ops* ops = net->ops;
    float* gx = ops->alloc(rows * net->layers[0].in, fn, "the batch gather buffer (x)");
    float* gy = gx ? ops->alloc(rows * net->layers[net->n_layers - 1].out, fn, "the batch gather buffer (y)") : NULL;
    if (gy == NULL) {
        ops->release(gx);
        return CN_ERR_OUT_OF_MEMORY;
    }
    ops->release(net->gather_x);
    ops->release(net->gather_y);
    net->gather_x = gx;
    net->gather_y = gy;
    net->gather_rows = rows;
    return CN_OK;
}
