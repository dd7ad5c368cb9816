/*
 * onednn_api.h — the part of oneDNN's C API (v2.x) the onednn backend uses, reached through function pointers that
 * onednn_loader.c resolves from libdnnl.so.2 at run time. libculturenet does not link oneDNN, so it loads (and the
 * openblas backend works) on a host without it; only asking for the onednn backend needs the library.
 */
#ifndef CULTURENET_ONEDNN_API_H
#define CULTURENET_ONEDNN_API_H

#include "../internal.h"

#include <oneapi/dnnl/dnnl.h>

/* X(name, return type, parameter list) for every oneDNN function used. */
#define CN_DNNL_FUNCTIONS(X)                                                                                       \
    X(dnnl_version, const dnnl_version_t*, (void))                                                                 \
    X(dnnl_get_effective_cpu_isa, dnnl_cpu_isa_t, (void))                                                          \
    X(dnnl_engine_create, dnnl_status_t, (dnnl_engine_t*, dnnl_engine_kind_t, size_t))                             \
    X(dnnl_engine_destroy, dnnl_status_t, (dnnl_engine_t))                                                         \
    X(dnnl_stream_create, dnnl_status_t, (dnnl_stream_t*, dnnl_engine_t, unsigned))                                \
    X(dnnl_stream_destroy, dnnl_status_t, (dnnl_stream_t))                                                         \
    X(dnnl_memory_desc_init_by_tag, dnnl_status_t,                                                                 \
      (dnnl_memory_desc_t*, int, const dnnl_dims_t, dnnl_data_type_t, dnnl_format_tag_t))                          \
    X(dnnl_memory_desc_get_size, size_t, (const dnnl_memory_desc_t*))                                              \
    X(dnnl_memory_desc_equal, int, (const dnnl_memory_desc_t*, const dnnl_memory_desc_t*))                         \
    X(dnnl_memory_create, dnnl_status_t, (dnnl_memory_t*, const dnnl_memory_desc_t*, dnnl_engine_t, void*))        \
    X(dnnl_memory_set_data_handle, dnnl_status_t, (dnnl_memory_t, void*))                                          \
    X(dnnl_memory_destroy, dnnl_status_t, (dnnl_memory_t))                                                         \
    X(dnnl_matmul_desc_init, dnnl_status_t,                                                                        \
      (dnnl_matmul_desc_t*, const dnnl_memory_desc_t*, const dnnl_memory_desc_t*, const dnnl_memory_desc_t*,       \
       const dnnl_memory_desc_t*))                                                                                 \
    X(dnnl_primitive_attr_create, dnnl_status_t, (dnnl_primitive_attr_t*))                                         \
    X(dnnl_primitive_attr_destroy, dnnl_status_t, (dnnl_primitive_attr_t))                                         \
    X(dnnl_primitive_attr_set_scratchpad_mode, dnnl_status_t, (dnnl_primitive_attr_t, dnnl_scratchpad_mode_t))     \
    X(dnnl_primitive_attr_set_post_ops, dnnl_status_t, (dnnl_primitive_attr_t, const_dnnl_post_ops_t))             \
    X(dnnl_post_ops_create, dnnl_status_t, (dnnl_post_ops_t*))                                                     \
    X(dnnl_post_ops_destroy, dnnl_status_t, (dnnl_post_ops_t))                                                     \
    X(dnnl_post_ops_append_eltwise, dnnl_status_t, (dnnl_post_ops_t, float, dnnl_alg_kind_t, float, float))        \
    X(dnnl_primitive_desc_create, dnnl_status_t,                                                                   \
      (dnnl_primitive_desc_t*, const_dnnl_op_desc_t, const_dnnl_primitive_attr_t, dnnl_engine_t,                   \
       const_dnnl_primitive_desc_t))                                                                               \
    X(dnnl_reorder_primitive_desc_create, dnnl_status_t,                                                           \
      (dnnl_primitive_desc_t*, const dnnl_memory_desc_t*, dnnl_engine_t, const dnnl_memory_desc_t*, dnnl_engine_t, \
       const_dnnl_primitive_attr_t))                                                                               \
    X(dnnl_primitive_desc_query, dnnl_status_t, (const_dnnl_primitive_desc_t, dnnl_query_t, int, void*))           \
    X(dnnl_primitive_desc_query_md, const dnnl_memory_desc_t*, (const_dnnl_primitive_desc_t, dnnl_query_t, int))   \
    X(dnnl_primitive_desc_destroy, dnnl_status_t, (dnnl_primitive_desc_t))                                         \
    X(dnnl_primitive_create, dnnl_status_t, (dnnl_primitive_t*, const_dnnl_primitive_desc_t))                      \
    X(dnnl_primitive_execute, dnnl_status_t, (const_dnnl_primitive_t, dnnl_stream_t, int, const dnnl_exec_arg_t*)) \
    X(dnnl_primitive_destroy, dnnl_status_t, (dnnl_primitive_t))

typedef struct cn_dnnl_api {
#define CN_DNNL_POINTER(name, ret, params) ret(*name) params;
    CN_DNNL_FUNCTIONS(CN_DNNL_POINTER)
#undef CN_DNNL_POINTER
    dnnl_engine_t engine;  /* the CPU engine every network shares */
    dnnl_cpu_isa_t isa;    /* oneDNN's effective ISA (ONEDNN_MAX_CPU_ISA limits it) */
    char version[32];      /* "2.6.3" */
} cn_dnnl_api;

/* oneDNN, loaded on the first call (once per process): CN_OK with *api set, or CN_ERR_BACKEND with the reason (the
 * library is missing: which package to install; it is not a 2.x release; the CPU engine failed) recorded. The
 * library loaded is libdnnl.so.2, or what the environment variable CULTURENET_ONEDNN_LIBRARY names. */
cn_status cn__dnnl_load(const cn_dnnl_api** api);

/* oneDNN's name for an ISA ("avx512_core_amx", ...). */
const char* cn__dnnl_isa_name(dnnl_cpu_isa_t isa);

#endif
