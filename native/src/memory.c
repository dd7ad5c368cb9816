/* memory.c — aligned, zero-filled host buffers with an error that names the byte count. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void* cn__alloc_bytes(int64_t bytes, const char* fn, const char* what)
{
    if (bytes < 0 || (uint64_t)bytes > SIZE_MAX - CN_ALIGN) {
        cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: cannot allocate %s: %lld bytes exceed the address space", fn, what,
                 (long long)bytes);
        return NULL;
    }
    size_t rounded = ((size_t)bytes + CN_ALIGN - 1) / CN_ALIGN * CN_ALIGN;
    if (rounded == 0) rounded = CN_ALIGN;
    void* p = aligned_alloc(CN_ALIGN, rounded);
    if (p == NULL) {
        cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating %s (%zu bytes)", fn, what, rounded);
        return NULL;
    }
    memset(p, 0, rounded);
    return p;
}

float* cn__alloc_floats(int64_t count, const char* fn, const char* what)
{
    if (count < 0 || (uint64_t)count > (SIZE_MAX - CN_ALIGN) / sizeof(float)) {
        cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: cannot allocate %s: %lld floats (%lld x 4 bytes) exceed the address space", fn,
                 what, (long long)count, (long long)count);
        return NULL;
    }
    return cn__alloc_bytes(count * (int64_t)sizeof(float), fn, what);
}

void cn__free(void* p) { free(p); }
