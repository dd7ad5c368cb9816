// Gradients of every kernel and bias against central finite differences of a float64 forward pass.
#include "test_support.h"

#include <algorithm>
#include <string>

using namespace cntest;

namespace {

struct Case {
    std::vector<int32_t> widths, acts;
    int rows;
};

// Finds a seed whose weights and inputs keep every ReLU pre-activation at least `margin` away from its kink
// (so finite differences never straddle it) while each ReLU layer has both active and inactive units.
struct Problem {
    std::vector<Layer> layers;
    std::vector<float> x, y;
};

Problem make_problem(const Case& c, double margin = 1e-2)
{
    for (unsigned seed = 1; seed < 10000; ++seed) {
        std::mt19937 rng(seed);
        Problem p;
        p.layers = random_layers(rng, c.widths, c.acts);
        p.x = uniform(rng, (size_t)c.rows * c.widths.front(), -1.0f, 1.0f);
        p.y = uniform(rng, (size_t)c.rows * c.widths.back(), -1.0f, 1.0f);
        std::vector<std::vector<double>> pre;
        forward64(to_double(p.layers), p.x, c.rows, &pre);
        bool ok = true;
        for (size_t l = 0; l < c.acts.size() && ok; ++l) {
            if (c.acts[l] != CN_ACT_RELU) continue;
            int neg = 0, pos = 0;
            for (double z : pre[l]) {
                if (std::fabs(z) < margin) ok = false;
                (z < 0 ? neg : pos)++;
            }
            if (neg == 0 || pos == 0) ok = false;
        }
        if (ok) return p;
    }
    ADD_FAILURE() << "no seed keeps the ReLU pre-activations away from 0";
    return {};
}

// Central differences in float64 with step h on every parameter of every layer listed.
void check_gradients(const Case& c, const std::vector<int>& frozen)
{
    Problem p = make_problem(c);
    auto net = make_net(c.widths, c.acts);
    load(net.get(), p.layers);
    for (int l : frozen) ASSERT_EQ(cn_mlp_set_trainable(net.get(), l, 0), CN_OK);

    float loss = -1, mae = -1;
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), p.x.data(), p.y.data(), c.rows, &loss, &mae), CN_OK)
        << cn_last_error();

    auto dl = to_double(p.layers);
    const double loss64 = mse64(dl, p.x, p.y, c.rows);
    EXPECT_NEAR(loss, loss64, 1e-5 * std::max(1.0, loss64));

    const double h = 1e-6;
    const double rel = 1e-3, floor_abs = 1e-6;
    int checked = 0;
    for (size_t l = 0; l < dl.size(); ++l) {
        const bool is_frozen = std::find(frozen.begin(), frozen.end(), (int)l) != frozen.end();
        std::vector<float> dk((size_t)dl[l].in * dl[l].out, 123.0f), db((size_t)dl[l].out, 123.0f);
        ASSERT_EQ(cn_mlp_get_gradients(net.get(), (int32_t)l, dk.data(), db.data()), CN_OK);
        for (int part = 0; part < 2; ++part) {
            std::vector<double>& param = part == 0 ? dl[l].kernel : dl[l].bias;
            const std::vector<float>& got = part == 0 ? dk : db;
            for (size_t i = 0; i < param.size(); ++i) {
                if (is_frozen) {
                    EXPECT_EQ(got[i], 0.0f) << "frozen layer " << l << (part ? " bias " : " kernel ") << i;
                    continue;
                }
                const double keep = param[i];
                param[i] = keep + h;
                const double up = mse64(dl, p.x, p.y, c.rows);
                param[i] = keep - h;
                const double down = mse64(dl, p.x, p.y, c.rows);
                param[i] = keep;
                const double fd = (up - down) / (2 * h);
                EXPECT_NEAR(got[i], fd, rel * std::fabs(fd) + floor_abs)
                    << "layer " << l << (part ? " bias " : " kernel ") << i;
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 0);
}

}  // namespace

TEST(Gradients, DeepReluNetMatchesFiniteDifferences)
{
    check_gradients({{7, 5, 4, 3, 1}, {CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR}, 6}, {});
}

TEST(Gradients, MultiOutputReluOutputLayer)
{
    // Mean over rows x outputs, and ReLU on the output layer itself.
    check_gradients({{6, 5, 3}, {CN_ACT_RELU, CN_ACT_RELU}, 6}, {});
}

TEST(Gradients, FrozenBottomLayersReadZeroAndTopLayersStayCorrect)
{
    check_gradients({{7, 5, 4, 3, 1}, {CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR}, 6}, {0, 1, 2});
}

TEST(Gradients, FrozenMiddleLayerStillPassesGradientDown)
{
    check_gradients({{7, 5, 4, 3, 1}, {CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR}, 6}, {1, 2});
}

TEST(Gradients, LinearNetMatchesClosedForm)
{
    // One linear layer: dW = 2/(n*o) * X^T (XW + b - Y), db = 2/(n*o) * column sums.
    std::mt19937 rng(5);
    const int n = 4, in = 3, out = 2;
    auto net = make_net({in, out}, {CN_ACT_LINEAR});
    auto layers = random_layers(rng, {in, out}, {CN_ACT_LINEAR});
    load(net.get(), layers);
    auto x = uniform(rng, n * in, -1, 1), y = uniform(rng, n * out, -1, 1);
    float loss, mae;
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), n, &loss, &mae), CN_OK);
    std::vector<float> dk(in * out), db(out);
    ASSERT_EQ(cn_mlp_get_gradients(net.get(), 0, dk.data(), db.data()), CN_OK);
    double e[n][out], sq = 0, ab = 0;
    for (int r = 0; r < n; ++r)
        for (int j = 0; j < out; ++j) {
            double s = layers[0].bias[j];
            for (int i = 0; i < in; ++i) s += (double)x[r * in + i] * layers[0].kernel[i * out + j];
            e[r][j] = s - y[r * out + j];
            sq += e[r][j] * e[r][j];
            ab += std::fabs(e[r][j]);
        }
    EXPECT_NEAR(loss, sq / (n * out), 1e-6);
    EXPECT_NEAR(mae, ab / (n * out), 1e-6);
    for (int j = 0; j < out; ++j) {
        double sb = 0;
        for (int r = 0; r < n; ++r) sb += e[r][j];
        EXPECT_NEAR(db[j], 2.0 * sb / (n * out), 1e-6);
        for (int i = 0; i < in; ++i) {
            double s = 0;
            for (int r = 0; r < n; ++r) s += x[r * in + i] * e[r][j];
            EXPECT_NEAR(dk[i * out + j], 2.0 * s / (n * out), 1e-6);
        }
    }
}

TEST(Gradients, AllFrozenGivesLossAndZeroGradients)
{
    std::mt19937 rng(9);
    auto net = make_net({4, 3, 1}, {CN_ACT_RELU, CN_ACT_LINEAR});
    auto layers = random_layers(rng, {4, 3, 1}, {CN_ACT_RELU, CN_ACT_LINEAR});
    load(net.get(), layers);
    auto x = uniform(rng, 5 * 4, -1, 1), y = uniform(rng, 5, -1, 1);
    float loss;
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), 5, &loss, nullptr), CN_OK);
    std::vector<float> dk(12);
    ASSERT_EQ(cn_mlp_get_gradients(net.get(), 0, dk.data(), nullptr), CN_OK);
    EXPECT_NE(dk, std::vector<float>(12, 0.0f));  // trainable: a real gradient
    ASSERT_EQ(cn_mlp_set_trainable(net.get(), 0, 0), CN_OK);
    ASSERT_EQ(cn_mlp_set_trainable(net.get(), 1, 0), CN_OK);
    float loss2;
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), 5, &loss2, nullptr), CN_OK);
    EXPECT_EQ(loss, loss2);
    for (int l = 0; l < 2; ++l) {
        int32_t in, out;
        cn_mlp_layer_shape(net.get(), l, &in, &out, nullptr);
        std::vector<float> k(in * out, 1.0f), b(out, 1.0f);
        ASSERT_EQ(cn_mlp_get_gradients(net.get(), l, k.data(), b.data()), CN_OK);
        EXPECT_EQ(k, std::vector<float>(in * out, 0.0f));
        EXPECT_EQ(b, std::vector<float>(out, 0.0f));
    }
    // Unfreezing does not resurrect the gradient of an earlier call: the last call computed none for it.
    ASSERT_EQ(cn_mlp_set_trainable(net.get(), 0, 1), CN_OK);
    std::vector<float> k0(12, 1.0f);
    ASSERT_EQ(cn_mlp_get_gradients(net.get(), 0, k0.data(), nullptr), CN_OK);
    EXPECT_EQ(k0, std::vector<float>(12, 0.0f));
}
