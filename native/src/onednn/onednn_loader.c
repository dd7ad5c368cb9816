/* onednn_loader.c — finds libdnnl.so.2 at run time (dlopen), resolves the functions of onednn_api.h, and creates the
 * one CPU engine. A failure is kept and reported on every later request, with what to install. */
#define _GNU_SOURCE
#include "onednn_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CN_DNNL_DEFAULT_LIBRARY "libdnnl.so.2"

static pthread_once_t cn_dnnl_once = PTHREAD_ONCE_INIT;
static cn_dnnl_api cn_dnnl;
static cn_status cn_dnnl_status;
static char cn_dnnl_reason[768];

static void cn_dnnl_fail(const char* fmt, const char* a, const char* b)
{
    cn_dnnl_status = CN_ERR_BACKEND;
    snprintf(cn_dnnl_reason, sizeof cn_dnnl_reason, fmt, a, b);
}

static void cn_dnnl_open(void)
{
    const char* env = getenv("CULTURENET_ONEDNN_LIBRARY");
    const char* library = env != NULL && env[0] != '\0' ? env : CN_DNNL_DEFAULT_LIBRARY;
    /* RTLD_LOCAL: oneDNN's symbols stay out of the process's global scope (another copy may live there). */
    void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char* why = dlerror();
        cn_dnnl_fail("oneDNN (%s) could not be loaded: %s; install it with `apt-get install libdnnl2` (Debian/Ubuntu) "
                     "or use the openblas backend",
                     library, why != NULL ? why : "unknown loader error");
        return;
    }
#define CN_DNNL_RESOLVE(name, ret, params)                                                                         \
    cn_dnnl.name = (ret(*) params)dlsym(handle, #name);                                                           \
    if (cn_dnnl.name == NULL) {                                                                                    \
        cn_dnnl_fail("%s lacks the function %s: the onednn backend needs oneDNN 2.x (Debian package libdnnl2)",   \
                     library, #name);                                                                              \
        return;                                                                                                    \
    }
    CN_DNNL_FUNCTIONS(CN_DNNL_RESOLVE)
#undef CN_DNNL_RESOLVE
    const dnnl_version_t* v = cn_dnnl.dnnl_version();
    snprintf(cn_dnnl.version, sizeof cn_dnnl.version, "%d.%d.%d", v->major, v->minor, v->patch);
    if (v->major != DNNL_VERSION_MAJOR) {
        cn_dnnl_fail("%s is oneDNN %s; the onednn backend was built for oneDNN 2.x (Debian package libdnnl2)", library,
                     cn_dnnl.version);
        return;
    }
    if (cn_dnnl.dnnl_engine_create(&cn_dnnl.engine, dnnl_cpu, 0) != dnnl_success) {
        cn_dnnl_fail("%s (oneDNN %s) could not create its CPU engine", library, cn_dnnl.version);
        return;
    }
    cn_dnnl.isa = cn_dnnl.dnnl_get_effective_cpu_isa();
    cn_dnnl_status = CN_OK;
    /* The handle stays open for the life of the process: networks and their primitives point into the library. */
}

cn_status cn__dnnl_load(const cn_dnnl_api** api)
{
    pthread_once(&cn_dnnl_once, cn_dnnl_open);
    *api = cn_dnnl_status == CN_OK ? &cn_dnnl : NULL;
    if (cn_dnnl_status != CN_OK) return cn__fail(cn_dnnl_status, "%s", cn_dnnl_reason);
    return CN_OK;
}

const char* cn__dnnl_isa_name(dnnl_cpu_isa_t isa)
{
    switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "unknown";
    }
}
