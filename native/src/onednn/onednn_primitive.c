/* onednn_primitive.c — creating, running and freeing one oneDNN primitive (see onednn_primitive.h). */
#include "onednn_primitive.h"

#include <omp.h>
#include <string.h>

dnnl_memory_desc_t cn__dnnl_md(const cn_dnnl_api* api, int64_t rows, int64_t cols, dnnl_data_type_t type,
                               dnnl_format_tag_t tag)
{
    dnnl_memory_desc_t md;
    const dnnl_dims_t dims = {rows, cols};
    api->dnnl_memory_desc_init_by_tag(&md, 2, dims, type, tag);
    return md;
}

/* Takes the primitive descriptor: creates the primitive and its argument memory objects, records the scratchpad
 * size and the implementation's name, and destroys pd. */
typedef struct cn_dnnl_arg {
    int id;          /* DNNL_ARG_* */
    dnnl_query_t md; /* where the primitive descriptor says its layout */
    int index;
} cn_dnnl_arg;

static cn_status cn_dnnl_finish(const cn_dnnl_api* api, cn_dnnl_prim* out, dnnl_primitive_desc_t pd,
                                const cn_dnnl_arg* args, int n, const char* what, const char* fn)
{
    memset(out, 0, sizeof *out);
    const char* impl = NULL;
    if (api->dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl != NULL) {
        strncpy(out->impl, impl, sizeof out->impl - 1);
    }
    const dnnl_memory_desc_t* scratch = api->dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    out->scratch_bytes = scratch != NULL ? api->dnnl_memory_desc_get_size(scratch) : 0;
    dnnl_status_t s = api->dnnl_primitive_create(&out->prim, pd);
    if (s == dnnl_success && out->scratch_bytes > 0)
        s = api->dnnl_memory_create(&out->scratch, scratch, api->engine, DNNL_MEMORY_NONE);
    for (int i = 0; s == dnnl_success && i < n; ++i) {
        const dnnl_memory_desc_t* md = api->dnnl_primitive_desc_query_md(pd, args[i].md, args[i].index);
        out->arg_ids[i] = args[i].id;
        out->arg_bytes[i] = api->dnnl_memory_desc_get_size(md);
        s = api->dnnl_memory_create(&out->mem[i], md, api->engine, DNNL_MEMORY_NONE);
        out->n_args = i + 1;
    }
    api->dnnl_primitive_desc_destroy(pd);
    if (s != dnnl_success) {
        cn__dnnl_prim_free(api, out);
        return cn__fail(CN_ERR_BACKEND, "%s: oneDNN could not create the %s primitive (status %d)", fn, what, (int)s);
    }
    out->threads = omp_get_max_threads();
    return CN_OK;
}

cn_status cn__dnnl_make_matmul(const cn_dnnl_api* api, cn_dnnl_prim* out, const dnnl_memory_desc_t* src,
                               const dnnl_memory_desc_t* weights, const dnnl_memory_desc_t* bias,
                               const dnnl_memory_desc_t* dst, int relu, const char* fn)
{
    dnnl_matmul_desc_t desc;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s = api->dnnl_matmul_desc_init(&desc, src, weights, bias, dst);
    if (s == dnnl_success) s = api->dnnl_primitive_attr_create(&attr);
    if (s == dnnl_success) s = api->dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (s == dnnl_success && relu) {
        s = api->dnnl_post_ops_create(&post);
        if (s == dnnl_success) s = api->dnnl_post_ops_append_eltwise(post, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
        if (s == dnnl_success) s = api->dnnl_primitive_attr_set_post_ops(attr, post);
    }
    if (s == dnnl_success) s = api->dnnl_primitive_desc_create(&pd, &desc, attr, api->engine, NULL);
    if (post) api->dnnl_post_ops_destroy(post);
    if (attr) api->dnnl_primitive_attr_destroy(attr);
    if (s != dnnl_success)
        return cn__fail(CN_ERR_BACKEND, "%s: oneDNN has no matmul for %lld x %lld x %lld here (status %d)", fn,
                        (long long)src->dims[0], (long long)dst->dims[1], (long long)src->dims[1], (int)s);
    /* A matmul's bias is its weights_md number 1. */
    const cn_dnnl_arg with_bias[4] = {{DNNL_ARG_SRC, dnnl_query_src_md, 0},
                                      {DNNL_ARG_WEIGHTS, dnnl_query_weights_md, 0},
                                      {DNNL_ARG_BIAS, dnnl_query_weights_md, 1},
                                      {DNNL_ARG_DST, dnnl_query_dst_md, 0}};
    const cn_dnnl_arg without_bias[3] = {{DNNL_ARG_SRC, dnnl_query_src_md, 0},
                                         {DNNL_ARG_WEIGHTS, dnnl_query_weights_md, 0},
                                         {DNNL_ARG_DST, dnnl_query_dst_md, 0}};
    return bias != NULL ? cn_dnnl_finish(api, out, pd, with_bias, 4, "matmul", fn)
                        : cn_dnnl_finish(api, out, pd, without_bias, 3, "matmul", fn);
}

cn_status cn__dnnl_make_reorder(const cn_dnnl_api* api, cn_dnnl_prim* out, const dnnl_memory_desc_t* src,
                                const dnnl_memory_desc_t* dst, const char* fn)
{
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s = api->dnnl_primitive_attr_create(&attr);
    if (s == dnnl_success) s = api->dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (s == dnnl_success) s = api->dnnl_reorder_primitive_desc_create(&pd, src, api->engine, dst, api->engine, attr);
    if (attr) api->dnnl_primitive_attr_destroy(attr);
    if (s != dnnl_success)
        return cn__fail(CN_ERR_BACKEND, "%s: oneDNN has no reorder for %lld x %lld here (status %d)", fn,
                        (long long)src->dims[0], (long long)src->dims[1], (int)s);
    const cn_dnnl_arg args[2] = {{DNNL_ARG_FROM, dnnl_query_src_md, 0}, {DNNL_ARG_TO, dnnl_query_dst_md, 0}};
    return cn_dnnl_finish(api, out, pd, args, 2, "reorder", fn);
}

void cn__dnnl_prim_free(const cn_dnnl_api* api, cn_dnnl_prim* p)
{
    for (int i = 0; i < p->n_args; ++i)
        if (p->mem[i]) api->dnnl_memory_destroy(p->mem[i]);
    if (p->scratch) api->dnnl_memory_destroy(p->scratch);
    if (p->prim) api->dnnl_primitive_destroy(p->prim);
    memset(p, 0, sizeof *p);
}

dnnl_status_t cn__dnnl_exec(const cn_dnnl_api* api, dnnl_stream_t stream, cn_dnnl_prim* p, void* const* ptrs,
                            void* scratch)
{
    dnnl_exec_arg_t args[CN_DNNL_MAX_ARGS + 1];
    for (int i = 0; i < p->n_args; ++i) {
        api->dnnl_memory_set_data_handle(p->mem[i], ptrs[i]);
        args[i].arg = p->arg_ids[i];
        args[i].memory = p->mem[i];
    }
    int n = p->n_args;
    if (p->scratch != NULL) {
        api->dnnl_memory_set_data_handle(p->scratch, scratch);
        args[n].arg = DNNL_ARG_SCRATCHPAD;
        args[n].memory = p->scratch;
        ++n;
    }
    return api->dnnl_primitive_execute(p->prim, stream, n, args);
}
