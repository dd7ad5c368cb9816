/* errors.c — the calling thread's last error message and the library version. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char cn_error_text[1024];

CN_API int32_t cn_api_version(void) { return CN_API_VERSION; }

CN_API const char* cn_last_error(void) { return cn_error_text; }

void cn__clear_error(void) { cn_error_text[0] = '\0'; }

cn_status cn__fail(cn_status status, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cn_error_text, sizeof cn_error_text, fmt, ap);
    va_end(ap);
    return status;
}
