/* loss_kernels.c — MSE/MAE sums (double) and the MSE gradient. */
#include "cpu_kernels.h"

#include <math.h>

void cn_cpu_mse_grad(const float* pred, const float* y, int64_t count, float scale, float* delta, double* sq_sum,
                     double* abs_sum)
{
    double sq = 0.0, ab = 0.0;
    for (int64_t i = 0; i < count; ++i) {
        const float e = pred[i] - y[i];
        delta[i] = scale * e;
        sq += (double)e * (double)e;
        ab += fabs((double)e);
    }
    *sq_sum += sq;
    *abs_sum += ab;
}

void cn_cpu_error_sums(const float* pred, const float* y, int64_t count, double* sq_sum, double* abs_sum)
{
    double sq = 0.0, ab = 0.0;
    for (int64_t i = 0; i < count; ++i) {
        const double e = (double)pred[i] - (double)y[i];
        sq += e * e;
        ab += fabs(e);
    }
    *sq_sum += sq;
    *abs_sum += ab;
}
