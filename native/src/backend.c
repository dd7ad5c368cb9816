/* backend.c — which backend a network runs on: ids and names, the default and its CULTURENET_BACKEND override,
 * probing. */
#include "internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* const cn_names[] = {"default", "openblas", "onednn"};

CN_API const char* cn_backend_name(int32_t backend)
{
    return backend >= 0 && backend < (int32_t)(sizeof cn_names / sizeof cn_names[0]) ? cn_names[backend] : NULL;
}

/* Backends opened at least once, so a thread count set later reaches them. */
static atomic_int cn_opened_openblas, cn_opened_onednn;

static cn_status cn_open_one(int32_t backend, int32_t precision, const cn_backend_ops** ops)
{
    cn_status st;
    if (backend == CN_BACKEND_OPENBLAS) {
        st = cn__openblas_open(precision, ops);
        if (st == CN_OK && !atomic_exchange(&cn_opened_openblas, 1)) (*ops)->set_threads(cn__process_threads());
    } else {
        st = cn__onednn_open(precision, ops);
        if (st == CN_OK && !atomic_exchange(&cn_opened_onednn, 1)) (*ops)->set_threads(cn__process_threads());
    }
    return st;
}

/* CN_BACKEND_DEFAULT as the environment says: CN_OK with *backend set, or CN_BACKEND_DEFAULT left when the variable
 * is unset or empty. */
static cn_status cn_backend_from_environment(int32_t* backend, const char* fn)
{
    const char* env = getenv("CULTURENET_BACKEND");
    if (env == NULL || env[0] == '\0') return CN_OK;
    if (strcmp(env, "openblas") == 0) *backend = CN_BACKEND_OPENBLAS;
    else if (strcmp(env, "onednn") == 0) *backend = CN_BACKEND_ONEDNN;
    else
        return cn__fail(CN_ERR_INVALID_ARGUMENT,
                        "%s: the environment variable CULTURENET_BACKEND is '%s' (expected onednn or openblas, or unset "
                        "for the default)",
                        fn, env);
    return CN_OK;
}

const cn_backend_ops* cn__backend_open(int32_t backend, int32_t precision, const char* fn, cn_status* status)
{
    const cn_backend_ops* ops = NULL;
    *status = CN_OK;
    if (cn_backend_name(backend) == NULL) {
        *status = cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: backend is %d, an unknown backend (expected %d = default, %d = "
                                                    "openblas or %d = onednn)",
                           fn, (int)backend, CN_BACKEND_DEFAULT, CN_BACKEND_OPENBLAS, CN_BACKEND_ONEDNN);
        return NULL;
    }
    if (precision != CN_PRECISION_FLOAT32 && precision != CN_PRECISION_MIXED_BFLOAT16) {
        *status = cn__fail(CN_ERR_INVALID_ARGUMENT,
                           "%s: precision is %d, an unknown precision (expected %d = float32 or %d = mixed_bfloat16)", fn,
                           (int)precision, CN_PRECISION_FLOAT32, CN_PRECISION_MIXED_BFLOAT16);
        return NULL;
    }
    const int explicit_request = backend != CN_BACKEND_DEFAULT;
    if (backend == CN_BACKEND_DEFAULT) {
        if ((*status = cn_backend_from_environment(&backend, fn)) != CN_OK) return NULL;
    }
    if (backend != CN_BACKEND_DEFAULT) { /* asked for, by the caller or by CULTURENET_BACKEND: it must work */
        *status = cn_open_one(backend, precision, &ops);
        if (*status != CN_OK) {
            char reason[768];
            strncpy(reason, cn_last_error(), sizeof reason - 1);
            reason[sizeof reason - 1] = '\0';
            cn__fail(*status, "%s: backend %s%s: %s", fn, cn_names[backend],
                     explicit_request ? "" : " (from CULTURENET_BACKEND)", reason);
            return NULL;
        }
        return ops;
    }
    /* The default: onednn where it loads; openblas otherwise, for float32 (mixed_bfloat16 has no other backend). */
    *status = cn_open_one(CN_BACKEND_ONEDNN, precision, &ops);
    if (*status == CN_OK) return ops;
    if (precision == CN_PRECISION_FLOAT32) {
        cn__clear_error();
        *status = cn_open_one(CN_BACKEND_OPENBLAS, precision, &ops);
        if (*status == CN_OK) return ops;
    }
    char reason[768];
    strncpy(reason, cn_last_error(), sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    cn__fail(*status, "%s: %s", fn, reason);
    return NULL;
}

CN_API cn_status cn_backend_probe(int32_t backend, int32_t precision, int32_t* resolved)
{
    cn__clear_error();
    cn_status st;
    const cn_backend_ops* ops = cn__backend_open(backend, precision, "cn_backend_probe", &st);
    if (resolved) *resolved = ops != NULL ? ops->id : CN_BACKEND_DEFAULT;
    return st;
}

CN_API const char* cn_backend_info(int32_t backend)
{
    switch (backend) {
    case CN_BACKEND_OPENBLAS: return cn__openblas_info();
    case CN_BACKEND_ONEDNN: return cn__onednn_info();
    case CN_BACKEND_DEFAULT: {
        static _Thread_local char unavailable[1024];
        int32_t resolved = CN_BACKEND_DEFAULT;
        if (cn_backend_probe(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, &resolved) == CN_OK) return cn_backend_info(resolved);
        snprintf(unavailable, sizeof unavailable, "unavailable: %s", cn_last_error());
        return unavailable;
    }
    default: return "unknown backend id";
    }
}

CN_API cn_status cn_backend_time_gemm(int32_t backend, int32_t precision, int32_t m, int32_t n, int32_t k,
                                      int32_t repetitions, double* seconds)
{
    static const char fn[] = "cn_backend_time_gemm";
    cn__clear_error();
    if (seconds == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: seconds is NULL (expected a pointer to receive the time)", fn);
    if (m <= 0 || n <= 0 || k <= 0 || repetitions <= 0)
        return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: m, n, k and repetitions are %d, %d, %d, %d (expected all >= 1)", fn,
                        (int)m, (int)n, (int)k, (int)repetitions);
    cn_status st;
    const cn_backend_ops* ops = cn__backend_open(backend, precision, fn, &st);
    if (ops == NULL) return st;
    cn__use_threads();
    return ops->time_gemm(precision, m, n, k, repetitions, seconds, fn);
}

void cn__backends_set_threads(int n)
{
    const cn_backend_ops* ops;
    if (atomic_load(&cn_opened_openblas) && cn__openblas_open(CN_PRECISION_FLOAT32, &ops) == CN_OK) ops->set_threads(n);
    if (atomic_load(&cn_opened_onednn) && cn__onednn_open(CN_PRECISION_FLOAT32, &ops) == CN_OK) ops->set_threads(n);
}

#ifndef CULTURENET_HAVE_ONEDNN
/* This library was configured without oneDNN's headers: the onednn backend is absent, not broken. */
cn_status cn__onednn_open(int32_t precision, const cn_backend_ops** ops)
{
    (void)precision;
    *ops = NULL;
    return cn__fail(CN_ERR_BACKEND, "this libculturenet was built without the onednn backend (CMake found no oneDNN "
                                    "headers): install libdnnl-dev (apt-get install libdnnl-dev) and rebuild");
}

const char* cn__onednn_info(void) { return "onednn: not built (CMake found no oneDNN headers; install libdnnl-dev)"; }
#endif
