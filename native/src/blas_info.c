/* blas_info.c — which BLAS libblas.so.3 resolved to, and its thread control when it has one. */
#define _GNU_SOURCE
#include "internal.h"

#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef char* (*cn_str_fn)(void);
typedef void (*cn_set_threads_fn)(int);

static pthread_once_t cn_blas_once = PTHREAD_ONCE_INIT;
static char cn_blas_text[512];
static cn_set_threads_fn cn_blas_set_threads_ptr;

/* Look a symbol up in the library that provides cblas_sgemm (and its dependencies: Debian's libblas.so.3 for
 * OpenBLAS is a thin library over libopenblas.so.0), then in the global scope. A handle is needed because a
 * caller such as .NET loads this library with RTLD_LOCAL, so its dependencies are not in the global scope. */
static void* cn_blas_symbol(const char* name)
{
    void* sym = NULL;
    Dl_info info;
    if (dladdr((void*)&cblas_sgemm, &info) != 0 && info.dli_fname != NULL) {
        void* handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
        if (handle != NULL) {
            sym = dlsym(handle, name);
            dlclose(handle);
        }
    }
    if (sym == NULL) sym = dlsym(RTLD_DEFAULT, name);
    return sym;
}

static void cn_blas_resolve(void)
{
    cn_str_fn get_config = (cn_str_fn)cn_blas_symbol("openblas_get_config");
    cn_str_fn get_corename = (cn_str_fn)cn_blas_symbol("openblas_get_corename");
    cn_blas_set_threads_ptr = (cn_set_threads_fn)cn_blas_symbol("openblas_set_num_threads");
    if (get_config != NULL) {
        const char* config = get_config();
        const char* core = get_corename != NULL ? get_corename() : NULL;
        snprintf(cn_blas_text, sizeof cn_blas_text, "%s%s%s%s", strncmp(config, "OpenBLAS", 8) == 0 ? "" : "OpenBLAS ",
                 config, core != NULL ? " core=" : "", core != NULL ? core : "");
    } else {
        snprintf(cn_blas_text, sizeof cn_blas_text, "reference BLAS (netlib)");
    }
}

CN_API const char* cn_blas_info(void)
{
    pthread_once(&cn_blas_once, cn_blas_resolve);
    return cn_blas_text;
}

void cn__blas_set_threads(int n)
{
    pthread_once(&cn_blas_once, cn_blas_resolve);
    if (cn_blas_set_threads_ptr != NULL) cn_blas_set_threads_ptr(n);
}

int cn__blas_has_thread_pool(void)
{
    pthread_once(&cn_blas_once, cn_blas_resolve);
    return cn_blas_set_threads_ptr != NULL;
}
