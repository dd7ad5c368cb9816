/* optimizer.c — the Adadelta optimizer object (Keras 2.2 semantics): hyper-parameters and accumulators; the
 * arithmetic is the network's backend's. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cn_slot {
    int32_t in, out;
    float* eg_k;  /* in x out: running mean of g^2 for the kernel */
    float* edx_k; /* in x out: running mean of update^2 for the kernel */
    float* eg_b;
    float* edx_b;
} cn_slot;

struct cn_adadelta {
    cn_adadelta_step step;
    const cn_backend_ops* ops; /* where the accumulators live: the backend of the network it was created for */
    int32_t n_layers;
    cn_slot* slots;
};

/* Keras computes (1. - rho) from the Python double the user wrote (0.95) and rounds the result once to float32
 * (0.05f). The float rho we get (0.949999988) would give 0.050000012f, so recover the shortest decimal that
 * round-trips to this float (what the user wrote) and subtract in double from that. */
static float cn_one_minus(float rho)
{
    char text[32];
    double written = (double)rho;
    for (int digits = 1; digits <= 9; ++digits) {
        snprintf(text, sizeof text, "%.*g", digits, (double)rho);
        double d = strtod(text, NULL);
        if ((float)d == rho) {
            written = d;
            break;
        }
    }
    return (float)(1.0 - written);
}

CN_API void cn_adadelta_free(cn_adadelta* opt)
{
    if (opt == NULL) return;
    for (int32_t i = 0; i < opt->n_layers; ++i) {
        opt->ops->release(opt->slots[i].eg_k);
        opt->ops->release(opt->slots[i].edx_k);
        opt->ops->release(opt->slots[i].eg_b);
        opt->ops->release(opt->slots[i].edx_b);
    }
    free(opt->slots);
    free(opt);
}

CN_API cn_status cn_adadelta_create(const cn_mlp* net, float lr, float rho, float epsilon, cn_adadelta** out)
{
    static const char fn[] = "cn_adadelta_create";
    cn__clear_error();
    if (out == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: out is NULL (expected a pointer to receive the optimizer)", fn);
    *out = NULL;
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    if (!isfinite(lr) || lr < 0.0f)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: lr is %g (expected a finite value >= 0, e.g. 1.0 as Keras 2.2)", fn, (double)lr);
    if (!(rho >= 0.0f && rho < 1.0f))
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: rho is %g (expected 0 <= rho < 1, e.g. 0.95)", fn, (double)rho);
    if (!(epsilon > 0.0f) || !isfinite(epsilon))
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: epsilon is %g (expected a finite value > 0, e.g. 1e-7)", fn,
                        (double)epsilon);
    cn_adadelta* opt = calloc(1, sizeof *opt);
    cn_slot* slots = calloc((size_t)net->n_layers, sizeof *slots);
    if (opt == NULL || slots == NULL) {
        free(opt);
        free(slots);
        return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating the optimizer object (%zu bytes)", fn,
                        sizeof *opt + (size_t)net->n_layers * sizeof *slots);
    }
    opt->step = (cn_adadelta_step){.lr = lr, .rho = rho, .omr = cn_one_minus(rho), .eps = epsilon};
    opt->ops = net->ops;
    opt->n_layers = net->n_layers;
    opt->slots = slots;
    for (int32_t i = 0; i < net->n_layers; ++i) {
        cn_slot* s = &slots[i];
        s->in = net->layers[i].in;
        s->out = net->layers[i].out;
        int64_t k = (int64_t)s->in * s->out;
        if ((s->eg_k = opt->ops->alloc(k, fn, "a kernel accumulator")) == NULL ||
            (s->edx_k = opt->ops->alloc(k, fn, "a kernel accumulator")) == NULL ||
            (s->eg_b = opt->ops->alloc(s->out, fn, "a bias accumulator")) == NULL ||
            (s->edx_b = opt->ops->alloc(s->out, fn, "a bias accumulator")) == NULL) {
            cn_adadelta_free(opt);
            return CN_ERR_OUT_OF_MEMORY;
        }
    }
    *out = opt;
    return CN_OK;
}

cn_status cn__adadelta_check(const cn_adadelta* opt, const cn_mlp* net, const char* fn)
{
    if (opt == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: opt is NULL (expected an optimizer from cn_adadelta_create)", fn);
    if (net == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: net is NULL (expected a network from cn_mlp_create)", fn);
    if (opt->ops != net->ops)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: the optimizer was created for a network on the %s backend, this one runs on %s",
                        fn, cn_backend_name(opt->ops->id), cn_backend_name(net->backend));
    if (opt->n_layers != net->n_layers)
        return cn__fail(CN_ERR_SHAPE, "%s: the optimizer was created for a network of %d layer(s), this one has %d", fn,
                        (int)opt->n_layers, (int)net->n_layers);
    for (int32_t i = 0; i < net->n_layers; ++i)
        if (opt->slots[i].in != net->layers[i].in || opt->slots[i].out != net->layers[i].out)
            return cn__fail(CN_ERR_SHAPE, "%s: layer %d is %dx%d but the optimizer was created for %dx%d", fn, (int)i,
                            (int)net->layers[i].in, (int)net->layers[i].out, (int)opt->slots[i].in, (int)opt->slots[i].out);
    return CN_OK;
}

void cn__adadelta_update_layer(cn_adadelta* opt, cn_mlp* net, int32_t l)
{
    cn_slot* s = &opt->slots[l];
    net->ops->adadelta(net, l, &opt->step, s->eg_k, s->edx_k, s->eg_b, s->edx_b);
}

CN_API cn_status cn_adadelta_apply(cn_adadelta* opt, cn_mlp* net)
{
    static const char fn[] = "cn_adadelta_apply";
    cn__clear_error();
    cn_status st = cn__adadelta_check(opt, net, fn);
    if (st != CN_OK) return st;
    cn__use_threads();
    for (int32_t l = net->n_layers - 1; l >= 0; --l)
        if (net->layers[l].trainable && net->layers[l].grad_valid) cn__adadelta_update_layer(opt, net, l);
    return net->ops->finish(net, fn);
}

CN_API cn_status cn_adadelta_get_state(const cn_adadelta* opt, int32_t layer, int32_t which, float* accum_grad,
                                       float* accum_update)
{
    static const char fn[] = "cn_adadelta_get_state";
    cn__clear_error();
    if (opt == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: opt is NULL (expected an optimizer from cn_adadelta_create)", fn);
    if (layer < 0 || layer >= opt->n_layers)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: layer %d out of range (network has %d layers, 0..%d)", fn, (int)layer,
                        (int)opt->n_layers, (int)opt->n_layers - 1);
    if (which != 0 && which != 1)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: which is %d (expected 0 = kernel or 1 = bias)", fn, (int)which);
    const cn_slot* s = &opt->slots[layer];
    if (which == 0) {
        if (accum_grad) opt->ops->download_kernel(s->in, s->out, accum_grad, s->eg_k);
        if (accum_update) opt->ops->download_kernel(s->in, s->out, accum_update, s->edx_k);
    } else {
        if (accum_grad) opt->ops->download(accum_grad, s->eg_b, s->out);
        if (accum_update) opt->ops->download(accum_update, s->edx_b, s->out);
    }
    return CN_OK;
}
