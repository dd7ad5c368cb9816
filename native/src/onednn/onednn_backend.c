/*
 * onednn_backend.c — the onednn backend: every GEMM a oneDNN matmul primitive, created once per layer, operation and
 * row count and reused (only the last partial batch of an epoch and the last chunk of a prediction differ in rows).
 *
 * Layout: a kernel, its gradient and its accumulators are kept transposed (out x in, row-major). The weight gradient is
 * then dW^T = dz^T · x, a product whose second operand is the batch itself in its natural layout (for the 2048-wide
 * first layer: the batch rows as they come, no transposed copy of x), and the input gradient dz · W^T reads the
 * kernel as a plain matrix.
 *
 * mixed_bfloat16 (Keras' policy): the master kernel stays float32; its bfloat16 copy is written by the update itself
 * (in the same pass) and by weights_changed, and each matmul's other operand is converted right before it runs (a
 * layer's input in forward, kept for that layer's weight gradient; dz^T and dz in backward). Every matmul accumulates and writes
 * float32, so bias, ReLU, loss, gradients and the update stay float32.
 */
#include "onednn_primitive.h"
#include "../cpu/cpu_kernels.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CN_OP_FORWARD,  /* z = act(x · W + b) */
    CN_OP_WGRAD,    /* dW^T = dz^T · x */
    CN_OP_IGRAD,    /* dx = dz · W^T */
    CN_OP_CAST_X,   /* mixed: the layer's input x -> bfloat16 */
    CN_OP_CAST_DZ,  /* mixed: dz -> bfloat16 */
    CN_OP_CAST_DZT, /* mixed: dz -> bfloat16, transposed (out x rows) */
    CN_OP_COUNT
};

/* Row counts kept per layer and operation: the full batch, the last partial batch, predict's chunk and its rest. */
#define CN_DNNL_SLOTS 4

typedef struct cn_dnnl_layer {
    cn_dnnl_prim ops[CN_OP_COUNT][CN_DNNL_SLOTS];
    int next_slot[CN_OP_COUNT]; /* the slot a new row count replaces when all are taken */
    uint16_t* kernel_bf16;      /* mixed: out x in */
    uint16_t* x_bf16;           /* mixed: ws_rows x in, this layer's input of the current batch */
    uint16_t* dz_bf16;          /* mixed: ws_rows x out */
    uint16_t* dzt_bf16;         /* mixed: out x ws_rows */
} cn_dnnl_layer;

typedef struct cn_dnnl_net {
    const cn_dnnl_api* api;
    dnnl_stream_t stream;
    cn_dnnl_layer* layers;
    int64_t bf16_rows;    /* rows the bfloat16 buffers hold */
    void* scratch;        /* the scratchpad every primitive of the network shares */
    size_t scratch_bytes;
    cn_status error;      /* the first failure of a layer operation since the last finish */
    char error_text[512];
    char description[160];
} cn_dnnl_net;

static cn_dnnl_net* cn_state(const cn_mlp* net) { return (cn_dnnl_net*)net->backend_state; }

static int cn_mixed(const cn_mlp* net) { return net->precision == CN_PRECISION_MIXED_BFLOAT16; }

static dnnl_data_type_t cn_operand_type(const cn_mlp* net) { return cn_mixed(net) ? dnnl_bf16 : dnnl_f32; }

/* Records the first failure of a void operation; finish reports it. */
static void cn_record(cn_dnnl_net* s, dnnl_status_t status, const char* what, int32_t l)
{
    if (status == dnnl_success || s->error != CN_OK) return;
    s->error = CN_ERR_BACKEND;
    snprintf(s->error_text, sizeof s->error_text, "oneDNN failed running the %s of layer %d (status %d)", what, (int)l,
             (int)status);
}

/* ---- plans: the primitives of one layer, operation and row count ---------------------------------------------- */

static cn_status cn_make_op(cn_mlp* net, int op, int32_t l, int64_t rows, cn_dnnl_prim* p, const char* fn)
{
    const cn_dnnl_api* api = cn_state(net)->api;
    const cn_layer* L = &net->layers[l];
    const dnnl_data_type_t t = cn_operand_type(net);
    switch (op) {
    case CN_OP_FORWARD: {
        /* W (in x out) is the stored out x in kernel read column-major. */
        const dnnl_memory_desc_t x = cn__dnnl_md(api, rows, L->in, t, dnnl_ab),
                                 w = cn__dnnl_md(api, L->in, L->out, t, dnnl_ba),
                                 b = cn__dnnl_md(api, 1, L->out, dnnl_f32, dnnl_ab),
                                 z = cn__dnnl_md(api, rows, L->out, dnnl_f32, dnnl_ab);
        return cn__dnnl_make_matmul(api, p, &x, &w, &b, &z, L->act == CN_ACT_RELU, fn);
    }
    case CN_OP_WGRAD: {
        /* dz^T: float32 reads dz (rows x out) column-major; mixed reads its transposed bfloat16 copy. */
        const dnnl_memory_desc_t dzt = cn_mixed(net) ? cn__dnnl_md(api, L->out, rows, t, dnnl_ab)
                                                     : cn__dnnl_md(api, L->out, rows, t, dnnl_ba),
                                 x = cn__dnnl_md(api, rows, L->in, t, dnnl_ab),
                                 dw = cn__dnnl_md(api, L->out, L->in, dnnl_f32, dnnl_ab);
        return cn__dnnl_make_matmul(api, p, &dzt, &x, NULL, &dw, 0, fn);
    }
    case CN_OP_IGRAD: {
        const dnnl_memory_desc_t dz = cn__dnnl_md(api, rows, L->out, t, dnnl_ab),
                                 wt = cn__dnnl_md(api, L->out, L->in, t, dnnl_ab),
                                 dx = cn__dnnl_md(api, rows, L->in, dnnl_f32, dnnl_ab);
        return cn__dnnl_make_matmul(api, p, &dz, &wt, NULL, &dx, 0, fn);
    }
    case CN_OP_CAST_X: {
        const dnnl_memory_desc_t from = cn__dnnl_md(api, rows, L->in, dnnl_f32, dnnl_ab),
                                 to = cn__dnnl_md(api, rows, L->in, dnnl_bf16, dnnl_ab);
        return cn__dnnl_make_reorder(api, p, &from, &to, fn);
    }
    case CN_OP_CAST_DZ:
    case CN_OP_CAST_DZT: {
        const dnnl_memory_desc_t from = cn__dnnl_md(api, rows, L->out, dnnl_f32, dnnl_ab),
                                 to = cn__dnnl_md(api, rows, L->out, dnnl_bf16, op == CN_OP_CAST_DZ ? dnnl_ab : dnnl_ba);
        return cn__dnnl_make_reorder(api, p, &from, &to, fn);
    }
    default: return cn__fail(CN_ERR_BACKEND, "%s: unknown onednn operation %d", fn, op);
    }
}

static cn_status cn_grow_scratch(cn_dnnl_net* s, size_t bytes, const char* fn)
{
    if (bytes <= s->scratch_bytes) return CN_OK;
    void* fresh = cn__alloc_bytes((int64_t)bytes, fn, "the oneDNN scratchpad");
    if (fresh == NULL) return CN_ERR_OUT_OF_MEMORY;
    cn__free(s->scratch);
    s->scratch = fresh;
    s->scratch_bytes = bytes;
    return CN_OK;
}

/* Below this much work an operation runs on the calling thread alone: a parallel region costs a few microseconds of
 * fork and join on an idle machine, and on a busy one each join waits for the other thread to be scheduled again. A
 * matmul of 2^21 multiply-adds takes ~15 us on one core. A network with fewer than CN_PARALLEL_PARAMETERS parameters
 * runs on one thread throughout: its whole step takes well under a millisecond. Measured on a shared 2-core host
 * (load 20-30), fits of an 8-500-200-100-50-1 network (129 k parameters): 98-286 ms per epoch with its larger
 * operations on two threads, 7 ms on one (the openblas backend: 51). */
#define CN_PARALLEL_MACS (1 << 21)
#define CN_PARALLEL_ELEMENTS (1 << 18)
#define CN_PARALLEL_PARAMETERS (1 << 18)

/* The threads the network's operations may use: the calling thread's team, or 1 for a small network. */
static int cn_team(const cn_mlp* net)
{
    int64_t parameters = 0;
    for (int32_t l = 0; l < net->n_layers; ++l) parameters += (int64_t)net->layers[l].in * net->layers[l].out;
    return parameters >= CN_PARALLEL_PARAMETERS ? omp_get_max_threads() : 1;
}

/* The threads layer l's operation op gets on `rows` rows: the network's team, or 1 for small work. */
static int cn_op_threads(const cn_mlp* net, int op, int32_t l, int64_t rows)
{
    const cn_layer* L = &net->layers[l];
    const int team = cn_team(net);
    switch (op) {
    case CN_OP_FORWARD:
    case CN_OP_WGRAD:
    case CN_OP_IGRAD: return rows * L->in * L->out >= CN_PARALLEL_MACS ? team : 1;
    case CN_OP_CAST_X: return rows * L->in >= CN_PARALLEL_ELEMENTS ? team : 1;
    default: return rows * L->out >= CN_PARALLEL_ELEMENTS ? team : 1;
    }
}

/* The cached primitive of (op, l) for `rows` at its thread count, made when missing. */
static cn_status cn_plan(cn_mlp* net, int op, int32_t l, int64_t rows, cn_dnnl_prim** out, const char* fn)
{
    cn_dnnl_net* s = cn_state(net);
    cn_dnnl_layer* D = &s->layers[l];
    const int threads = cn_op_threads(net, op, l, rows);
    for (int i = 0; i < CN_DNNL_SLOTS; ++i) {
        cn_dnnl_prim* p = &D->ops[op][i];
        if (p->prim != NULL && p->rows == rows && p->threads == threads) {
            *out = p;
            return CN_OK;
        }
    }
    cn_dnnl_prim* p = &D->ops[op][D->next_slot[op]];
    D->next_slot[op] = (D->next_slot[op] + 1) % CN_DNNL_SLOTS;
    cn__dnnl_prim_free(s->api, p);
    /* A primitive is planned for the thread count current at its creation. */
    const int team = omp_get_max_threads();
    if (threads != team) omp_set_num_threads(threads);
    cn_status st = cn_make_op(net, op, l, rows, p, fn);
    if (threads != team) omp_set_num_threads(team);
    if (st == CN_OK) st = cn_grow_scratch(s, p->scratch_bytes, fn);
    if (st != CN_OK) {
        cn__dnnl_prim_free(s->api, p);
        return st;
    }
    p->rows = rows;
    *out = p;
    return CN_OK;
}

static cn_status cn_grow_bf16(cn_mlp* net, int64_t rows, const char* fn)
{
    cn_dnnl_net* s = cn_state(net);
    if (rows <= s->bf16_rows) return CN_OK;
    for (int32_t l = 0; l < net->n_layers; ++l) {
        cn_dnnl_layer* D = &s->layers[l];
        const cn_layer* L = &net->layers[l];
        uint16_t* x = cn__alloc_bytes(rows * L->in * 2, fn, "a bfloat16 input buffer");
        uint16_t* dz = x ? cn__alloc_bytes(rows * L->out * 2, fn, "a bfloat16 gradient buffer") : NULL;
        uint16_t* dzt = dz ? cn__alloc_bytes(rows * L->out * 2, fn, "a bfloat16 gradient buffer") : NULL;
        if (dzt == NULL) {
            cn__free(x);
            cn__free(dz);
            return CN_ERR_OUT_OF_MEMORY;
        }
        cn__free(D->x_bf16);
        cn__free(D->dz_bf16);
        cn__free(D->dzt_bf16);
        D->x_bf16 = x;
        D->dz_bf16 = dz;
        D->dzt_bf16 = dzt;
    }
    s->bf16_rows = rows;
    return CN_OK;
}

/* Whether layer l runs operation op in a forward-only (backward = 0) or training pass. */
static int cn_needs(const cn_mlp* net, int op, int32_t l, int backward)
{
    switch (op) {
    case CN_OP_FORWARD: return 1;
    case CN_OP_CAST_X: return cn_mixed(net);
    case CN_OP_WGRAD: return backward;
    case CN_OP_IGRAD: return backward && l > 0; /* nothing is below layer 0 */
    default: return backward && cn_mixed(net);  /* the conversions of dz */
    }
}

static cn_status cn_dnnl_prepare(cn_mlp* net, int64_t rows, int backward, const char* fn)
{
    cn_status st = CN_OK;
    if (cn_mixed(net) && (st = cn_grow_bf16(net, rows, fn)) != CN_OK) return st;
    for (int32_t l = 0; l < net->n_layers; ++l)
        for (int op = 0; op < CN_OP_COUNT; ++op) {
            cn_dnnl_prim* p = NULL;
            if (cn_needs(net, op, l, backward) && (st = cn_plan(net, op, l, rows, &p, fn)) != CN_OK) return st;
        }
    return CN_OK;
}

static cn_status cn_dnnl_finish(cn_mlp* net, const char* fn)
{
    cn_dnnl_net* s = cn_state(net);
    if (s->error == CN_OK) return CN_OK;
    cn_status st = cn__fail(s->error, "%s: %s", fn, s->error_text);
    s->error = CN_OK;
    return st;
}

/* Runs the primitive of (op, l) for `rows`, which prepare made (a lookup among CN_DNNL_SLOTS entries). */
static void cn_run(cn_mlp* net, int op, int32_t l, int64_t rows, void* const* args, const char* what)
{
    cn_dnnl_net* s = cn_state(net);
    cn_dnnl_prim* p = NULL;
    if (cn_plan(net, op, l, rows, &p, "onednn") != CN_OK) {
        cn_record(s, dnnl_runtime_error, what, l);
        return;
    }
    /* Some primitives (reorders) take their threads at execution: run each with those it was planned for. */
    const int team = omp_get_max_threads();
    if (p->threads != team) omp_set_num_threads(p->threads);
    cn_record(s, cn__dnnl_exec(s->api, s->stream, p, args, s->scratch), what, l);
    if (p->threads != team) omp_set_num_threads(team);
}

/* ---- the layer operations ------------------------------------------------------------------------------------- */

static const char* const cn_cast_names[CN_OP_COUNT] = {
    [CN_OP_CAST_X] = "bfloat16 conversion of the input",
    [CN_OP_CAST_DZ] = "bfloat16 conversion of the gradient",
    [CN_OP_CAST_DZT] = "bfloat16 conversion of the gradient",
};

/* A matmul operand: float32 as it is, or under mixed_bfloat16 converted by `cast` into `bf16` (returned). */
static void* cn_operand(cn_mlp* net, int cast, int32_t l, int64_t rows, const float* src, void* bf16)
{
    if (!cn_mixed(net)) return (void*)src;
    void* const args[2] = {(void*)src, bf16};
    cn_run(net, cast, l, rows, args, cn_cast_names[cast]);
    return bf16;
}

/* The kernel a matmul reads: the float32 master, or its bfloat16 copy. */
static void* cn_kernel(cn_mlp* net, int32_t l)
{
    return cn_mixed(net) ? (void*)cn_state(net)->layers[l].kernel_bf16 : (void*)net->layers[l].kernel;
}

static void cn_dnnl_forward(cn_mlp* net, int32_t l, const float* x, int32_t rows, float* z)
{
    cn_dnnl_layer* D = &cn_state(net)->layers[l];
    void* const args[4] = {cn_operand(net, CN_OP_CAST_X, l, rows, x, D->x_bf16), cn_kernel(net, l), net->layers[l].bias, z};
    cn_run(net, CN_OP_FORWARD, l, rows, args, "forward matmul");
}

static void cn_dnnl_weight_gradient(cn_mlp* net, int32_t l, const float* x, const float* dz, int32_t rows)
{
    cn_dnnl_layer* D = &cn_state(net)->layers[l];
    /* Under mixed_bfloat16 x's conversion is the one this layer's forward made for the same batch. */
    void* const args[3] = {cn_operand(net, CN_OP_CAST_DZT, l, rows, dz, D->dzt_bf16),
                           cn_mixed(net) ? (void*)D->x_bf16 : (void*)x, net->layers[l].dkernel};
    cn_run(net, CN_OP_WGRAD, l, rows, args, "weight-gradient matmul");
}

static void cn_dnnl_input_gradient(cn_mlp* net, int32_t l, const float* dz, int32_t rows, float* dx)
{
    cn_dnnl_layer* D = &cn_state(net)->layers[l];
    void* const args[3] = {cn_operand(net, CN_OP_CAST_DZ, l, rows, dz, D->dz_bf16), cn_kernel(net, l), dx};
    cn_run(net, CN_OP_IGRAD, l, rows, args, "input-gradient matmul");
}

/* The batch's rows come from anywhere in a store far larger than the caches: each row is a wait on memory, and two
 * cores wait on twice as many at once (a 128 x 2048 batch: 0.13 ms on one thread, 0.07 on two). */
static void cn_dnnl_gather(cn_mlp* net, float* dst, const float* src, const int64_t* order, int32_t n, int32_t width)
{
    cn_cpu_gather(dst, src, order, n, width, (int64_t)n * width >= CN_PARALLEL_ELEMENTS ? cn_team(net) : 1);
}

/* mixed: the bfloat16 copy of layer l's kernel follows the float32 master. */
static void cn_dnnl_weights_changed(cn_mlp* net, int32_t l)
{
    if (!cn_mixed(net)) return;
    const cn_layer* L = &net->layers[l];
    cn_cpu_to_bf16(L->kernel, cn_state(net)->layers[l].kernel_bf16, (int64_t)L->in * L->out);
}

static void cn_dnnl_adadelta(cn_mlp* net, int32_t l, const cn_adadelta_step* step, float* eg_k, float* edx_k,
                             float* eg_b, float* edx_b)
{
    cn_layer* L = &net->layers[l];
    /* oneDNN runs on this thread's OpenMP team, so the update uses the same team (no second pool to fight). Under
     * mixed_bfloat16 the update writes the kernel's bfloat16 copy in the same pass. */
    uint16_t* bf16 = cn_mixed(net) ? cn_state(net)->layers[l].kernel_bf16 : NULL;
    cn_cpu_adadelta(L->kernel, L->dkernel, eg_k, edx_k, (int64_t)L->in * L->out, step, cn_team(net), bf16);
    cn_cpu_adadelta(L->bias, L->dbias, eg_b, edx_b, L->out, step, 1, NULL);
}

/* ---- kernel layout: Keras' in x out on the host, out x in here ---------------------------------------------- */

static void cn_transpose(const float* src, int64_t rows, int64_t cols, float* dst)
{
    enum { B = 32 }; /* tiles keep both sides in cache */
    for (int64_t r0 = 0; r0 < rows; r0 += B)
        for (int64_t c0 = 0; c0 < cols; c0 += B)
            for (int64_t r = r0; r < r0 + B && r < rows; ++r)
                for (int64_t c = c0; c < c0 + B && c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
}

static void cn_dnnl_upload_kernel(int32_t in, int32_t out, float* dst, const float* src) { cn_transpose(src, in, out, dst); }

static void cn_dnnl_download_kernel(int32_t in, int32_t out, float* dst, const float* src)
{
    cn_transpose(src, out, in, dst);
}

/* ---- the network's state -------------------------------------------------------------------------------------- */

static void cn_dnnl_detach(cn_mlp* net)
{
    cn_dnnl_net* s = cn_state(net);
    if (s == NULL) return;
    for (int32_t l = 0; s->layers != NULL && l < net->n_layers; ++l) {
        cn_dnnl_layer* D = &s->layers[l];
        for (int op = 0; op < CN_OP_COUNT; ++op)
            for (int i = 0; i < CN_DNNL_SLOTS; ++i) cn__dnnl_prim_free(s->api, &D->ops[op][i]);
        cn__free(D->kernel_bf16);
        cn__free(D->x_bf16);
        cn__free(D->dz_bf16);
        cn__free(D->dzt_bf16);
    }
    free(s->layers);
    if (s->stream) s->api->dnnl_stream_destroy(s->stream);
    cn__free(s->scratch);
    free(s);
    net->backend_state = NULL;
}

static cn_status cn_dnnl_attach(cn_mlp* net, const char* fn)
{
    const cn_dnnl_api* api = NULL;
    cn_status st = cn__dnnl_load(&api);
    if (st != CN_OK) return st;
    cn_dnnl_net* s = calloc(1, sizeof *s);
    if (s == NULL) return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating the onednn state", fn);
    net->backend_state = s;
    s->api = api;
    s->layers = calloc((size_t)net->n_layers, sizeof *s->layers);
    if (s->layers == NULL) {
        cn_dnnl_detach(net);
        return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating the onednn state", fn);
    }
    if (api->dnnl_stream_create(&s->stream, api->engine, dnnl_stream_default_flags) != dnnl_success) {
        cn_dnnl_detach(net);
        return cn__fail(CN_ERR_BACKEND, "%s: oneDNN could not create a stream", fn);
    }
    for (int32_t l = 0; cn_mixed(net) && l < net->n_layers; ++l) {
        const cn_layer* L = &net->layers[l];
        if ((s->layers[l].kernel_bf16 = cn__alloc_bytes((int64_t)L->in * L->out * 2, fn, "a bfloat16 kernel")) == NULL) {
            cn_dnnl_detach(net);
            return CN_ERR_OUT_OF_MEMORY;
        }
    }
    /* What runs: the implementation oneDNN picks for the first layer's forward at a batch of 128. A bfloat16 matmul
     * that only has oneDNN's reference implementation would be a silent slow fallback: refuse it. */
    cn_dnnl_prim* probe = NULL;
    if ((st = cn_plan(net, CN_OP_FORWARD, 0, 128, &probe, fn)) != CN_OK) {
        cn_dnnl_detach(net);
        return st;
    }
    if (cn_mixed(net) && strncmp(probe->impl, "ref", 3) == 0) {
        char impl[64];
        strcpy(impl, probe->impl);
        cn_dnnl_detach(net);
        return cn__fail(CN_ERR_BACKEND, "%s: oneDNN %s has only its reference implementation (%s) for a bfloat16 matmul "
                                        "on this CPU (oneDNN ISA %s): mixed_bfloat16 needs avx512_bf16 or amx_bf16",
                        fn, api->version, impl, cn__dnnl_isa_name(api->isa));
    }
    snprintf(s->description, sizeof s->description, "onednn %s (%s)", api->version, probe->impl);
    return CN_OK;
}

static const char* cn_dnnl_describe(const cn_mlp* net) { return cn_state(net)->description; }

/* oneDNN takes its thread count from the calling thread's OpenMP setting (cn__use_threads). */
static void cn_dnnl_set_threads(int n) { (void)n; }

/* A matmul with B in the layout oneDNN picks (format "any", reordered once): the library's best rate. */
static cn_status cn_dnnl_time_gemm(int32_t precision, int32_t m, int32_t n, int32_t k, int32_t repetitions,
                                   double* seconds, const char* fn)
{
    const cn_dnnl_api* api = NULL;
    cn_status st = cn__dnnl_load(&api);
    if (st != CN_OK) return st;
    const dnnl_data_type_t t = precision == CN_PRECISION_MIXED_BFLOAT16 ? dnnl_bf16 : dnnl_f32;
    const dnnl_memory_desc_t a = cn__dnnl_md(api, m, k, t, dnnl_ab), b = cn__dnnl_md(api, k, n, t, dnnl_format_tag_any),
                             c = cn__dnnl_md(api, m, n, dnnl_f32, dnnl_ab);
    cn_dnnl_prim p;
    if ((st = cn__dnnl_make_matmul(api, &p, &a, &b, NULL, &c, 0, fn)) != CN_OK) return st;
    dnnl_stream_t stream = NULL;
    const int64_t b_bytes = (int64_t)p.arg_bytes[1]; /* B in its blocked layout, padding included */
    void* pa = cn__alloc_bytes(4 * (int64_t)m * k, fn, "the benchmark operand A");
    void* pb = pa ? cn__alloc_bytes(b_bytes, fn, "the benchmark operand B") : NULL;
    void* pc = pb ? cn__alloc_bytes(4 * (int64_t)m * n, fn, "the benchmark result C") : NULL;
    void* scratch = pc ? cn__alloc_bytes((int64_t)p.scratch_bytes + 64, fn, "the oneDNN scratchpad") : NULL;
    if (scratch == NULL) st = CN_ERR_OUT_OF_MEMORY;
    else if (api->dnnl_stream_create(&stream, api->engine, dnnl_stream_default_flags) != dnnl_success)
        st = cn__fail(CN_ERR_BACKEND, "%s: oneDNN could not create a stream", fn);
    if (st == CN_OK) {
        /* Non-zero operands: one set byte per 4 gives small normal float32 and bfloat16 values. */
        for (int64_t i = 0; i < 4 * (int64_t)m * k; i += 4) ((uint8_t*)pa)[i + 1] = (uint8_t)(i * 7);
        for (int64_t i = 0; i < b_bytes; i += 4) ((uint8_t*)pb)[i + 1] = (uint8_t)(i * 13);
        void* const args[3] = {pa, pb, pc};
        dnnl_status_t s = dnnl_success;
        for (int r = 0; r < 3 && s == dnnl_success; ++r) s = cn__dnnl_exec(api, stream, &p, args, scratch);
        const double t0 = cn__now();
        for (int32_t r = 0; r < repetitions && s == dnnl_success; ++r) s = cn__dnnl_exec(api, stream, &p, args, scratch);
        *seconds = cn__now() - t0;
        if (s != dnnl_success) st = cn__fail(CN_ERR_BACKEND, "%s: oneDNN failed running the matmul (status %d)", fn, (int)s);
    }
    if (stream) api->dnnl_stream_destroy(stream);
    cn__dnnl_prim_free(api, &p);
    cn__free(pa);
    cn__free(pb);
    cn__free(pc);
    cn__free(scratch);
    return st;
}

static const cn_backend_ops cn_onednn_ops = {
    .id = CN_BACKEND_ONEDNN,
    .attach = cn_dnnl_attach,
    .detach = cn_dnnl_detach,
    .describe = cn_dnnl_describe,
    .set_threads = cn_dnnl_set_threads,
    .time_gemm = cn_dnnl_time_gemm,
    .alloc = cn_cpu_alloc,
    .release = cn_cpu_release,
    .upload = cn_cpu_copy,
    .download = cn_cpu_copy,
    .gather = cn_dnnl_gather,
    .upload_kernel = cn_dnnl_upload_kernel,
    .download_kernel = cn_dnnl_download_kernel,
    .weights_changed = cn_dnnl_weights_changed,
    .prepare = cn_dnnl_prepare,
    .finish = cn_dnnl_finish,
    .forward = cn_dnnl_forward,
    .weight_gradient = cn_dnnl_weight_gradient,
    .input_gradient = cn_dnnl_input_gradient,
    .relu_backward = cn_cpu_relu_backward,
    .column_sums = cn_cpu_column_sums,
    .mse_gradient = cn_cpu_mse_grad,
    .error_sums = cn_cpu_error_sums,
    .adadelta = cn_dnnl_adadelta,
};

/* ---- opening the backend ------------------------------------------------------------------------------------ */

static _Thread_local char cn_dnnl_info_text[1024];

const char* cn__onednn_info(void)
{
    const cn_dnnl_api* api = NULL;
    if (cn__dnnl_load(&api) != CN_OK) {
        snprintf(cn_dnnl_info_text, sizeof cn_dnnl_info_text, "onednn unavailable: %s", cn_last_error());
        cn__clear_error();
    } else {
        snprintf(cn_dnnl_info_text, sizeof cn_dnnl_info_text, "onednn %s (cpu isa %s)", api->version,
                 cn__dnnl_isa_name(api->isa));
    }
    return cn_dnnl_info_text;
}

cn_status cn__onednn_open(int32_t precision, const cn_backend_ops** ops)
{
    *ops = NULL;
    const cn_dnnl_api* api = NULL;
    cn_status st = cn__dnnl_load(&api);
    if (st != CN_OK) return st;
    if (precision == CN_PRECISION_MIXED_BFLOAT16 &&
        (api->isa & dnnl_cpu_isa_avx512_core_bf16) != dnnl_cpu_isa_avx512_core_bf16) {
        __builtin_cpu_init();
        const int cpu_has = __builtin_cpu_supports("avx512bf16");
        return cn__fail(CN_ERR_BACKEND,
                        "mixed_bfloat16 needs a CPU with avx512_bf16 (or amx_bf16); %s (oneDNN %s runs on %s%s)",
                        cpu_has ? "this CPU has avx512_bf16 but oneDNN is limited below it"
                                : "this CPU lacks avx512_bf16",
                        api->version, cn__dnnl_isa_name(api->isa),
                        cpu_has ? ": unset ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA" : "");
    }
    *ops = &cn_onednn_ops;
    return CN_OK;
}
