/* dataset.c — training rows as a backend reads them. The CPU backends read the caller's arrays in place. */
#include "internal.h"

#include <stdlib.h>

CN_API cn_status cn_dataset_create(const float* x, const float* y, int64_t rows, int32_t x_cols, int32_t y_cols,
                                   cn_dataset** out)
{
    static const char fn[] = "cn_dataset_create";
    cn__clear_error();
    if (out == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: out is NULL (expected a pointer to receive the dataset)", fn);
    *out = NULL;
    if (x == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: x is NULL (expected rows x x_cols floats)", fn);
    if (y == NULL) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: y is NULL (expected rows x y_cols floats)", fn);
    if (rows <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: rows is %lld (expected >= 1)", fn, (long long)rows);
    if (x_cols <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: x_cols is %d (expected >= 1)", fn, (int)x_cols);
    if (y_cols <= 0) return cn__fail(CN_ERR_INVALID_ARGUMENT, "%s: y_cols is %d (expected >= 1)", fn, (int)y_cols);
    cn_dataset* d = calloc(1, sizeof *d);
    if (d == NULL) return cn__fail(CN_ERR_OUT_OF_MEMORY, "%s: out of memory allocating the dataset object (%zu bytes)", fn, sizeof *d);
    d->x = x;
    d->y = y;
    d->rows = rows;
    d->x_cols = x_cols;
    d->y_cols = y_cols;
    *out = d;
    return CN_OK;
}

CN_API void cn_dataset_free(cn_dataset* data) { free(data); }
