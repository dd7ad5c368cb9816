/*
 * onednn_primitive.h — one oneDNN primitive (a matmul or a reorder) created for one shape, with the memory objects
 * its arguments are bound to on each execution. The onednn backend creates each once per shape and reuses it.
 */
#ifndef CULTURENET_ONEDNN_PRIMITIVE_H
#define CULTURENET_ONEDNN_PRIMITIVE_H

#include "onednn_api.h"

#define CN_DNNL_MAX_ARGS 4

typedef struct cn_dnnl_prim {
    int64_t rows;          /* the row count it was created for; 0 = unused */
    int threads;           /* OpenMP threads at creation (a primitive is planned for its thread count) */
    dnnl_primitive_t prim;
    int n_args;
    int arg_ids[CN_DNNL_MAX_ARGS];
    dnnl_memory_t mem[CN_DNNL_MAX_ARGS];
    size_t arg_bytes[CN_DNNL_MAX_ARGS]; /* the size of each argument in the layout the primitive takes */
    size_t scratch_bytes;  /* user-managed scratchpad it needs */
    dnnl_memory_t scratch; /* bound to the network's scratchpad buffer on each execution; NULL when none is needed */
    char impl[64];         /* oneDNN's implementation name, e.g. "brg:avx512_core_amx_bf16" */
} cn_dnnl_prim;

/* A 2-D memory descriptor: dims rows x cols, plain row-major ("ab") or column-major ("ba"). */
dnnl_memory_desc_t cn__dnnl_md(const cn_dnnl_api* api, int64_t rows, int64_t cols, dnnl_data_type_t type,
                               dnnl_format_tag_t tag);

/* dst = src · weights (+ bias) (then ReLU when relu), arguments bound in that order (bias only when given). */
cn_status cn__dnnl_make_matmul(const cn_dnnl_api* api, cn_dnnl_prim* out, const dnnl_memory_desc_t* src,
                               const dnnl_memory_desc_t* weights, const dnnl_memory_desc_t* bias,
                               const dnnl_memory_desc_t* dst, int relu, const char* fn);
/* dst = src converted (data type and/or layout); arguments src, dst. */
cn_status cn__dnnl_make_reorder(const cn_dnnl_api* api, cn_dnnl_prim* out, const dnnl_memory_desc_t* src,
                                const dnnl_memory_desc_t* dst, const char* fn);
void cn__dnnl_prim_free(const cn_dnnl_api* api, cn_dnnl_prim* p);

/* Run p on `stream` with its arguments at `ptrs` (in the order above) and `scratch` (>= p->scratch_bytes). */
dnnl_status_t cn__dnnl_exec(const cn_dnnl_api* api, dnnl_stream_t stream, cn_dnnl_prim* p, void* const* ptrs,
                            void* scratch);

#endif
