// Keras' mixed_bfloat16 policy on the onednn backend, against bounds derived from bfloat16 rounding.
//
// The derivation (u = 2^-8, bfloat16's unit roundoff under round-to-nearest; u32 = 2^-24, float32's):
//   Every matmul rounds both operands to bfloat16, q(v) = v(1 + d) with |d| <= u, and accumulates the exact products
//   (8 x 8 significant bits fit float32's 24) in float32 in some order: |fl(sum) - sum| <= g_K * sum |terms| with
//   g_K = K u32 / (1 - K u32) for K terms, whatever the order. With computed operands x^ = x + e (|e| <= E) and
//   w^ = w + f (|f| <= F) against exact x, w:
//     |q(x^) q(w^) - x w| <= E (|w| + F) + |x| F + (2u + u^2)(|x| + E)(|w| + F)
//   per product; summing over the inner index and adding the accumulation term gives the bound on a matmul output. To
//   first order with exact inputs this is the familiar |D(x.w)| <= 2u sum |x_i||w_i|.
//   ReLU is 1-Lipschitz, so an output keeps its pre-activation's bound; its derivative is uncertain where
//   |z| <= bound(z), and there the gradient bound is the whole |gradient| plus its bound.
//   Elementwise float32 steps (the MSE gradient, column sums, the Adadelta update) multiply by (1 + u32)^k for k
//   roundings; the Adadelta update is evaluated over the box of its inputs' intervals (it is monotone in g, E[dx^2]
//   and E[g^2] separately), so the bound holds even where a gradient's sign is uncertain.
// The bounds are propagated in float64 through the same steps as the engine, from the actual data and weights, along
// the exact (float64) trajectory; the same propagation with u = 0 bounds the float32 engine, and the two runs may
// differ by the sum of the two bounds.
#include "test_support.h"

#include <algorithm>
#include <string>

using namespace cntest;

namespace {

constexpr double kU16 = 1.0 / 256.0;           // 2^-8
constexpr double kU32 = 1.0 / 16777216.0;      // 2^-24
constexpr double kTiny = 1e-37;                // absolute slack for flushed subnormals

double gamma32(int terms) { return terms * kU32 / (1.0 - terms * kU32); }

// Grows a bound |v^ - v| <= e by k float32 roundings of v^: |v^(1+d)^k - v| <= (1+u32)^k (|v| + e) - |v|.
double after_roundings(double v, double e, int k) { return std::pow(1.0 + kU32, k) * (std::fabs(v) + e) - std::fabs(v) + kTiny; }

NetPtr make_net_on(const std::vector<int32_t>& widths, const std::vector<int32_t>& acts, int32_t precision)
{
    cn_mlp* net = nullptr;
    const cn_mlp_options options{CN_BACKEND_ONEDNN, precision};
    EXPECT_EQ(cn_mlp_create_with((int32_t)acts.size(), widths.data(), acts.data(), &options, &net), CN_OK)
        << cn_last_error();
    return NetPtr(net);
}

// One layer of the float64 reference, with bounds on how far an engine's values may be from it.
struct RefLayer {
    int in, out, act;
    std::vector<double> w, b;         // exact trajectory (Keras layout)
    std::vector<double> dw_b, db_b;   // bounds on the engine's kernel and bias
    std::vector<double> eg_w, edx_w, eg_b, edx_b;  // Adadelta accumulators (exact)
    std::vector<double> eg_w_b, edx_w_b, eg_b_b, edx_b_b;  // and their bounds
    // Per batch: the gradients (exact) and their bounds.
    std::vector<double> gw, gb, gw_b, gb_b;
};

std::vector<RefLayer> ref_layers(const std::vector<Layer>& layers)
{
    std::vector<RefLayer> r;
    for (const auto& L : layers) {
        RefLayer R{L.in, L.out, L.act, {L.kernel.begin(), L.kernel.end()}, {L.bias.begin(), L.bias.end()}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
        const size_t k = (size_t)L.in * L.out;
        R.dw_b.assign(k, 0.0);
        R.db_b.assign(L.out, 0.0);
        R.eg_w.assign(k, 0.0);
        R.edx_w.assign(k, 0.0);
        R.eg_b.assign(L.out, 0.0);
        R.edx_b.assign(L.out, 0.0);
        R.eg_w_b.assign(k, 0.0);
        R.edx_w_b.assign(k, 0.0);
        R.eg_b_b.assign(L.out, 0.0);
        R.edx_b_b.assign(L.out, 0.0);
        r.push_back(std::move(R));
    }
    return r;
}

// A matmul output's bound (see the derivation): sum over the inner index of the per-product term, plus accumulation.
struct Operand {
    double v, e;  // exact value and the bound on the computed one
};
double product_bound(const std::vector<Operand>& a, const std::vector<Operand>& b, double u, double extra_abs)
{
    double s = 0.0, mag = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double ax = std::fabs(a[i].v), bx = std::fabs(b[i].v);
        s += a[i].e * (bx + b[i].e) + ax * b[i].e + (2 * u + u * u) * (ax + a[i].e) * (bx + b[i].e);
        mag += (1 + u) * (1 + u) * (ax + a[i].e) * (bx + b[i].e);
    }
    return s + gamma32((int)a.size() + 1) * (mag + extra_abs) + kTiny * (double)a.size();
}

// Forward + backward of one batch through the reference: exact gradients into gw/gb and their bounds into gw_b/gb_b,
// for an engine whose matmul operands are rounded with unit roundoff u (0: float32) and whose weights are within
// dw_b/db_b of the reference. Returns the exact batch MSE.
double ref_gradients(std::vector<RefLayer>& net, const float* x, const float* y, int rows, double u)
{
    const int n = (int)net.size();
    std::vector<std::vector<double>> a(n + 1), ae(n + 1), z(n), ze(n);
    a[0].assign(x, x + (size_t)rows * net[0].in);
    ae[0].assign(a[0].size(), 0.0);
    for (int l = 0; l < n; ++l) {
        const RefLayer& L = net[l];
        z[l].assign((size_t)rows * L.out, 0.0);
        ze[l].assign(z[l].size(), 0.0);
        a[l + 1].resize(z[l].size());
        ae[l + 1].resize(z[l].size());
        std::vector<Operand> xs(L.in), ws(L.in);
        for (int r = 0; r < rows; ++r)
            for (int j = 0; j < L.out; ++j) {
                double s = L.b[j];
                for (int i = 0; i < L.in; ++i) {
                    xs[i] = {a[l][(size_t)r * L.in + i], ae[l][(size_t)r * L.in + i]};
                    ws[i] = {L.w[(size_t)i * L.out + j], L.dw_b[(size_t)i * L.out + j]};
                    s += xs[i].v * ws[i].v;
                }
                const size_t k = (size_t)r * L.out + j;
                z[l][k] = s;
                ze[l][k] = product_bound(xs, ws, u, std::fabs(L.b[j]) + L.db_b[j]) + L.db_b[j];
                a[l + 1][k] = (L.act == CN_ACT_RELU && s < 0) ? 0.0 : s;
                ae[l + 1][k] = ze[l][k];
            }
    }
    // dL/dpred = s (pred - y), s = 2/count rounded to float32 by the engine: three roundings.
    const int out_w = net.back().out;
    const double count = (double)rows * out_w, scale = 2.0 / count;
    std::vector<double> g((size_t)rows * out_w), ge(g.size());
    double mse = 0;
    for (size_t i = 0; i < g.size(); ++i) {
        const double e = a[n][i] - y[i];
        mse += e * e;
        g[i] = scale * e;
        ge[i] = scale * after_roundings(e, ae[n][i], 3);
    }
    for (int l = n - 1; l >= 0; --l) {
        RefLayer& L = net[l];
        if (L.act == CN_ACT_RELU)
            for (size_t k = 0; k < g.size(); ++k) {
                const bool certain = std::fabs(z[l][k]) > ze[l][k];
                if (!certain) ge[k] = std::fabs(g[k]) + ge[k];
                else if (z[l][k] < 0) ge[k] = 0.0;
                if (z[l][k] < 0) g[k] = 0.0;
            }
        // dW = x^T . g (inner index: rows), db = column sums (float32, rows - 1 additions in order).
        L.gw.assign((size_t)L.in * L.out, 0.0);
        L.gw_b.assign(L.gw.size(), 0.0);
        L.gb.assign(L.out, 0.0);
        L.gb_b.assign(L.out, 0.0);
        std::vector<Operand> xs(rows), gs(rows);
        for (int i = 0; i < L.in; ++i)
            for (int j = 0; j < L.out; ++j) {
                double s = 0;
                for (int r = 0; r < rows; ++r) {
                    xs[r] = {a[l][(size_t)r * L.in + i], ae[l][(size_t)r * L.in + i]};
                    gs[r] = {g[(size_t)r * L.out + j], ge[(size_t)r * L.out + j]};
                    s += xs[r].v * gs[r].v;
                }
                L.gw[(size_t)i * L.out + j] = s;
                L.gw_b[(size_t)i * L.out + j] = product_bound(xs, gs, u, 0.0);
            }
        for (int j = 0; j < L.out; ++j) {
            double s = 0, sb = 0, mag = 0;
            for (int r = 0; r < rows; ++r) {
                s += g[(size_t)r * L.out + j];
                sb += ge[(size_t)r * L.out + j];
                mag += std::fabs(g[(size_t)r * L.out + j]) + ge[(size_t)r * L.out + j];
            }
            L.gb[j] = s;
            L.gb_b[j] = sb + gamma32(rows) * mag + kTiny;
        }
        if (l == 0) break;
        // dx = g . W^T with the weights of the forward pass (inner index: out).
        std::vector<double> gx((size_t)rows * L.in), gxe(gx.size());
        std::vector<Operand> gr(L.out), wr(L.out);
        for (int r = 0; r < rows; ++r)
            for (int i = 0; i < L.in; ++i) {
                double s = 0;
                for (int j = 0; j < L.out; ++j) {
                    gr[j] = {g[(size_t)r * L.out + j], ge[(size_t)r * L.out + j]};
                    wr[j] = {L.w[(size_t)i * L.out + j], L.dw_b[(size_t)i * L.out + j]};
                    s += gr[j].v * wr[j].v;
                }
                gx[(size_t)r * L.in + i] = s;
                gxe[(size_t)r * L.in + i] = product_bound(gr, wr, u, 0.0);
            }
        g.swap(gx);
        ge.swap(gxe);
    }
    return mse / count;
}

// The extremes of f over the box given by corner lists (the functions below are monotone in each input).
template <class F>
void extremes(F f, const double* lo, const double* hi, int dims, double* fmin, double* fmax)
{
    *fmin = INFINITY;
    *fmax = -INFINITY;
    for (int mask = 0; mask < (1 << dims); ++mask) {
        double v[4];
        for (int d = 0; d < dims; ++d) v[d] = (mask >> d) & 1 ? hi[d] : lo[d];
        const double r = f(v);
        *fmin = std::min(*fmin, r);
        *fmax = std::max(*fmax, r);
    }
}

struct Hyper {
    double lr, rho, omr, eps;  // the float32 constants the engine uses, as doubles
};

// One Adadelta step of one parameter of the reference, with its bounds (see the derivation).
void ref_adadelta(double& p, double& pb, double& eg, double& egb, double& edx, double& edxb, double g, double gbnd,
                  const Hyper& h)
{
    // Eg' = rho Eg + omr g^2 (3 roundings).
    const double eg_new = h.rho * eg + h.omr * g * g;
    double lo[3] = {std::max(0.0, eg - egb), g - gbnd}, hi[3] = {eg + egb, g + gbnd}, mn, mx;
    extremes([&](const double* v) { return h.rho * v[0] + h.omr * v[1] * v[1]; }, lo, hi, 2, &mn, &mx);
    if (lo[1] < 0 && hi[1] > 0) mn = std::min(mn, h.rho * lo[0]);  // g^2 is smallest at g = 0, inside the box
    const double eg_new_b = std::max(mx - eg_new, eg_new - mn) + (std::pow(1 + kU32, 3) - 1) * std::fabs(mx) + kTiny;
    // d = g sqrt(Edx + eps) / sqrt(Eg' + eps) with Eg' written out (it moves with g): over the box of g, Eg, Edx and
    // Eg''s float32 rounding factor c; for fixed other inputs d is monotone in each (increasing in g, in Edx for g > 0,
    // ...), so its extremes lie at corners. Then the engine's float32 arithmetic: two additions, a quotient, a square
    // root and a product (5 roundings; 6 are allowed for).
    const double c3 = std::pow(1 + kU32, 3) - 1;
    auto dfun = [&](const double* v) {
        const double egn = v[3] * (h.rho * std::max(0.0, v[1]) + h.omr * v[0] * v[0]);
        return v[0] * std::sqrt(std::max(0.0, v[2]) + h.eps) / std::sqrt(egn + h.eps);
    };
    const double d_vals[4] = {g, eg, edx, 1.0};
    const double d = dfun(d_vals);
    double dlo[4] = {g - gbnd, eg - egb, edx - edxb, 1 - c3}, dhi[4] = {g + gbnd, eg + egb, edx + edxb, 1 + c3};
    extremes(dfun, dlo, dhi, 4, &mn, &mx);
    const double db = std::max(mx - d, d - mn) + (std::pow(1 + kU32, 6) - 1) * std::max(std::fabs(mn), std::fabs(mx)) + kTiny;
    // p' = p - lr d (2 roundings); Edx' = rho Edx + omr d^2 (3 roundings).
    const double p_new = p - h.lr * d;
    const double p_new_b = pb + h.lr * db + (std::pow(1 + kU32, 2) - 1) * (std::fabs(p) + pb + h.lr * (std::fabs(d) + db)) + kTiny;
    const double edx_new = h.rho * edx + h.omr * d * d;
    double elo[2] = {std::max(0.0, edx - edxb), d - db}, ehi[2] = {edx + edxb, d + db};
    extremes([&](const double* v) { return h.rho * v[0] + h.omr * v[1] * v[1]; }, elo, ehi, 2, &mn, &mx);
    if (elo[1] < 0 && ehi[1] > 0) mn = std::min(mn, h.rho * elo[0]);
    const double edx_new_b = std::max(mx - edx_new, edx_new - mn) + (std::pow(1 + kU32, 3) - 1) * std::fabs(mx) + kTiny;
    p = p_new;
    pb = p_new_b;
    eg = eg_new;
    egb = eg_new_b;
    edx = edx_new;
    edxb = edx_new_b;
}

void ref_update(std::vector<RefLayer>& net, const Hyper& h)
{
    for (auto& L : net) {
        for (size_t i = 0; i < L.w.size(); ++i)
            ref_adadelta(L.w[i], L.dw_b[i], L.eg_w[i], L.eg_w_b[i], L.edx_w[i], L.edx_w_b[i], L.gw[i], L.gw_b[i], h);
        for (size_t j = 0; j < L.b.size(); ++j)
            ref_adadelta(L.b[j], L.db_b[j], L.eg_b[j], L.eg_b_b[j], L.edx_b[j], L.edx_b_b[j], L.gb[j], L.gb_b[j], h);
    }
}

const std::vector<int32_t> kWidths{24, 16, 8, 1};
const std::vector<int32_t> kActs{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};

}  // namespace

TEST(MixedPrecision, NetworkReportsItsPrecisionAndABfloat16Implementation)
{
    auto net = make_net_on(kWidths, kActs, CN_PRECISION_MIXED_BFLOAT16);
    ASSERT_NE(net, nullptr);
    EXPECT_EQ(cn_mlp_precision(net.get()), CN_PRECISION_MIXED_BFLOAT16);
    EXPECT_EQ(cn_mlp_backend(net.get()), CN_BACKEND_ONEDNN);
    const std::string info = cn_mlp_backend_info(net.get());
    EXPECT_EQ(info.rfind("onednn 2.", 0), 0u) << info;
    EXPECT_NE(info.find("bf16"), std::string::npos) << info;  // e.g. brg:avx512_core_amx_bf16
}

TEST(MixedPrecision, GradientsAgreeWithFiniteDifferencesWithinTheBfloat16Bound)
{
    std::mt19937 rng(5);
    const int rows = 12;
    auto layers = random_layers(rng, kWidths, kActs, 0.5f);
    auto x = uniform(rng, (size_t)rows * kWidths.front(), -1, 1), y = uniform(rng, rows, -1, 1);
    auto net = make_net_on(kWidths, kActs, CN_PRECISION_MIXED_BFLOAT16);
    load(net.get(), layers);
    float loss = 0;
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), rows, &loss, nullptr), CN_OK) << cn_last_error();

    auto ref = ref_layers(layers);
    const double mse = ref_gradients(ref, x.data(), y.data(), rows, kU16);
    EXPECT_NEAR(loss, mse, 0.05 * mse);  // the loss itself moves by the forward pass's bfloat16 error

    auto dl = to_double(layers);
    // Central differences in float64: truncation O(h^2) and cancellation O(1e-16 / h) stay below 1e-8 here, far
    // under the bfloat16 bound (>= 1e-5 on these magnitudes).
    const double h = 1e-6, fd_slack = 1e-8;
    double worst_ratio = 0, largest_error = 0;
    int checked = 0;
    for (size_t l = 0; l < dl.size(); ++l) {
        std::vector<float> dk((size_t)dl[l].in * dl[l].out), db((size_t)dl[l].out);
        ASSERT_EQ(cn_mlp_get_gradients(net.get(), (int32_t)l, dk.data(), db.data()), CN_OK);
        for (int part = 0; part < 2; ++part) {
            std::vector<double>& param = part == 0 ? dl[l].kernel : dl[l].bias;
            const std::vector<float>& got = part == 0 ? dk : db;
            const std::vector<double>& bound = part == 0 ? ref[l].gw_b : ref[l].gb_b;
            for (size_t i = 0; i < param.size(); ++i) {
                const double keep = param[i];
                param[i] = keep + h;
                const double up = mse64(dl, x, y, rows);
                param[i] = keep - h;
                const double down = mse64(dl, x, y, rows);
                param[i] = keep;
                const double fd = (up - down) / (2 * h);
                const double err = std::fabs(got[i] - fd);
                EXPECT_LE(err, bound[i] + fd_slack) << "layer " << l << (part ? " bias " : " kernel ") << i << ": engine "
                                                    << got[i] << ", finite differences " << fd;
                worst_ratio = std::max(worst_ratio, err / (bound[i] + fd_slack));
                largest_error = std::max(largest_error, err / (std::fabs(fd) + 1e-3));
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 300);
    // The engine really computed in bfloat16: its error is well above float32's (~1e-7 relative) ...
    EXPECT_GT(largest_error, 1e-4);
    // ... and the bound is not vacuous: the worst error uses a visible part of it.
    std::printf("bfloat16 gradients: largest relative error %.3g, largest error / bound %.3g\n", largest_error, worst_ratio);
    EXPECT_GT(worst_ratio, 1e-3);
}

TEST(MixedPrecision, TwoEpochsAgreeWithFloat32WithinTheDerivedBound)
{
    // One batch per epoch: a worst-case bound through Adadelta grows fast, because the update is close to
    // sign(g) * sqrt(eps / (1 - rho)) and every gradient whose sign the bound cannot fix contributes the whole step.
    std::mt19937 rng(7);
    const int rows = 48, batch = 48;
    auto layers = random_layers(rng, kWidths, kActs, 0.4f);
    auto x = uniform(rng, (size_t)rows * kWidths.front(), -1, 1), y = uniform(rng, rows, -1, 1);
    auto f32 = make_net_on(kWidths, kActs, CN_PRECISION_FLOAT32);
    auto mixed = make_net_on(kWidths, kActs, CN_PRECISION_MIXED_BFLOAT16);
    load(f32.get(), layers);
    load(mixed.get(), layers);
    auto of = make_opt(f32.get()), om = make_opt(mixed.get());
    const int epochs = 2;
    for (int e = 0; e < epochs; ++e) {
        ASSERT_EQ(train_epoch(f32.get(), of.get(), x.data(), y.data(), rows, nullptr, batch, nullptr, nullptr), CN_OK);
        ASSERT_EQ(train_epoch(mixed.get(), om.get(), x.data(), y.data(), rows, nullptr, batch, nullptr, nullptr), CN_OK)
            << cn_last_error();
    }
    // The same steps through the reference, once with bfloat16 operands and once with float32 ones.
    const Hyper hyper{1.0, (double)0.95f, (double)0.05f, (double)1e-7f};
    auto ref16 = ref_layers(layers), ref32 = ref_layers(layers);
    for (int e = 0; e < epochs; ++e)
        for (int r0 = 0; r0 < rows; r0 += batch) {
            const int n = std::min(batch, rows - r0);
            ref_gradients(ref16, x.data() + (size_t)r0 * kWidths.front(), y.data() + r0, n, kU16);
            ref_update(ref16, hyper);
            ref_gradients(ref32, x.data() + (size_t)r0 * kWidths.front(), y.data() + r0, n, 0.0);
            ref_update(ref32, hyper);
        }
    auto wf = read_back(f32.get()), wm = read_back(mixed.get());
    double differs = 0, bound_sum = 0, weight_sum = 0;
    int count = 0;
    for (size_t l = 0; l < layers.size(); ++l)
        for (int part = 0; part < 2; ++part) {
            const auto& a = part == 0 ? wm[l].kernel : wm[l].bias;
            const auto& b = part == 0 ? wf[l].kernel : wf[l].bias;
            const auto& b16 = part == 0 ? ref16[l].dw_b : ref16[l].db_b;
            const auto& b32 = part == 0 ? ref32[l].dw_b : ref32[l].db_b;
            const auto& exact = part == 0 ? ref32[l].w : ref32[l].b;
            for (size_t i = 0; i < a.size(); ++i) {
                const double bound = b16[i] + b32[i];
                EXPECT_LE(std::fabs((double)a[i] - b[i]), bound)
                    << "layer " << l << (part ? " bias " : " kernel ") << i << ": mixed " << a[i] << ", float32 " << b[i];
                // The float32 engine stays within its own (much tighter) bound of the exact trajectory.
                EXPECT_LE(std::fabs((double)b[i] - exact[i]), b32[i]) << "float32 layer " << l << " entry " << i;
                differs = std::max(differs, std::fabs((double)a[i] - b[i]));
                bound_sum += bound;
                weight_sum += std::fabs(exact[i]);
                ++count;
            }
        }
    std::printf("mixed vs float32 after %d epochs: largest difference %.3g, bounds sum to %.3g of the weights' sum\n",
                epochs, differs, bound_sum / weight_sum);
    EXPECT_GT(differs, 1e-5);                 // bfloat16 was in use
    EXPECT_LT(bound_sum, 0.05 * weight_sum);  // and the bound is informative: a few percent of the weights at most
}

namespace {

// Round to bfloat16, to nearest even, as the engine's conversions do (subnormal inputs flushed to zero, as
// vcvtneps2bf16 does).
float to_bf16(float v)
{
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    if ((bits & 0x7f800000u) == 0) bits &= 0x80000000u;
    bits += 0x7fffu + ((bits >> 16) & 1u);
    bits &= 0xffff0000u;
    float r;
    std::memcpy(&r, &bits, 4);
    return r;
}

// Layer 0's output for x against float64 sums of bfloat16-rounded x and kernel: only float32 accumulation may differ,
// so a stale bfloat16 copy of the kernel, or another rounding, shows up far beyond the bound.
void expect_first_layer_uses_rounded_current_kernel(cn_mlp* net, const std::vector<float>& x, int rows, const char* when)
{
    auto w = read_back(net);
    const Layer& L = w[0];
    std::vector<float> got((size_t)rows * L.out);
    ASSERT_EQ(cn_mlp_activations(net, 0, x.data(), rows, got.data()), CN_OK) << cn_last_error();
    int checked = 0;
    for (int r = 0; r < rows; ++r)
        for (int j = 0; j < L.out; ++j) {
            double s = L.bias[j], mag = std::fabs(L.bias[j]);
            for (int i = 0; i < L.in; ++i) {
                const double p = (double)to_bf16(x[(size_t)r * L.in + i]) * to_bf16(L.kernel[(size_t)i * L.out + j]);
                s += p;
                mag += std::fabs(p);
            }
            const double want = L.act == CN_ACT_RELU && s < 0 ? 0.0 : s;
            ASSERT_LE(std::fabs(got[(size_t)r * L.out + j] - want), gamma32(L.in + 1) * mag + kTiny)
                << when << ": row " << r << " unit " << j;
            ++checked;
        }
    EXPECT_EQ(checked, rows * L.out);
}

}  // namespace

TEST(MixedPrecision, MatmulsReadTheCurrentKernelRoundedToNearestBfloat16)
{
    std::mt19937 rng(11);
    const int rows = 20;
    auto layers = random_layers(rng, kWidths, kActs, 0.5f);
    auto x = uniform(rng, (size_t)rows * kWidths.front(), -1, 1), y = uniform(rng, rows, -1, 1);
    auto net = make_net_on(kWidths, kActs, CN_PRECISION_MIXED_BFLOAT16);
    load(net.get(), layers);
    expect_first_layer_uses_rounded_current_kernel(net.get(), x, rows, "after set_weights");
    auto opt = make_opt(net.get());
    for (int step = 0; step < 2; ++step)
        ASSERT_EQ(train_batch(net.get(), opt.get(), x.data(), y.data(), rows, nullptr, nullptr), CN_OK);
    EXPECT_FALSE(same_bits(read_back(net.get())[0].kernel, layers[0].kernel));  // the updates moved it
    expect_first_layer_uses_rounded_current_kernel(net.get(), x, rows, "after two updates");
}
