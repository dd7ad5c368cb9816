// Adadelta steps against a hand computation in double (Keras 2.2 formula, see culturenet.h).
#include "test_support.h"

using namespace cntest;

namespace {

struct State {
    std::vector<double> p, eg, edx;
    std::vector<double> mag; // |p| + lr |d| of the last step: the scale p's float32 rounding is relative to
};

// Eg <- rho*Eg + (1-rho)*g^2;  d = g*sqrt(Edx+eps)/sqrt(Eg+eps);  p <- p - lr*d;  Edx <- rho*Edx + (1-rho)*d^2
void hand_step(State& s, const std::vector<float>& g, double lr, double rho, double eps)
{
    for (size_t i = 0; i < g.size(); ++i) {
        s.eg[i] = rho * s.eg[i] + (1 - rho) * (double)g[i] * g[i];
        const double d = g[i] * std::sqrt(s.edx[i] + eps) / std::sqrt(s.eg[i] + eps);
        s.mag.resize(g.size());
        s.mag[i] = std::fabs(s.p[i]) + lr * std::fabs(d);
        s.p[i] -= lr * d;
        s.edx[i] = rho * s.edx[i] + (1 - rho) * d * d;
    }
}

// Relative to the result, or to `scale` where given (a parameter p - lr d that nearly cancels is only as exact as
// float32 makes |p| + lr |d|).
void expect_close(const std::vector<float>& got, const std::vector<double>& want, const char* what, int step,
                  const std::vector<double>* scale = nullptr)
{
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const double s = std::max(std::fabs(want[i]), scale ? (*scale)[i] : 0.0);
        EXPECT_NEAR(got[i], want[i], 2e-5 * s + 1e-12) << what << "[" << i << "] after step " << step;
    }
}

void run_steps(float lr, float rho, float eps, int steps)
{
    // Two layers so that the accumulators of a kernel and a bias of each are checked; 37 x 5 kernel parameters
    // also exercise the vector tail (185 is not a multiple of 8 or 16).
    std::mt19937 rng(11);
    const std::vector<int32_t> widths{37, 5, 2}, acts{CN_ACT_RELU, CN_ACT_LINEAR};
    auto net = make_net(widths, acts);
    auto layers = random_layers(rng, widths, acts, 0.3f);
    load(net.get(), layers);
    auto opt = make_opt(net.get(), lr, rho, eps);
    auto x = uniform(rng, 8 * 37, -1, 1), y = uniform(rng, 8 * 2, -1, 1);

    State s[2][2];  // [layer][kernel/bias]
    for (int l = 0; l < 2; ++l)
        for (int w = 0; w < 2; ++w) {
            const auto& src = w == 0 ? layers[l].kernel : layers[l].bias;
            s[l][w].p.assign(src.begin(), src.end());
            s[l][w].eg.assign(src.size(), 0.0);
            s[l][w].edx.assign(src.size(), 0.0);
        }
    for (int step = 1; step <= steps; ++step) {
        ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), 8, nullptr, nullptr), CN_OK);
        for (int l = 0; l < 2; ++l) {
            std::vector<float> gk((size_t)widths[l] * widths[l + 1]), gb((size_t)widths[l + 1]);
            ASSERT_EQ(cn_mlp_get_gradients(net.get(), l, gk.data(), gb.data()), CN_OK);
            hand_step(s[l][0], gk, lr, rho, eps);
            hand_step(s[l][1], gb, lr, rho, eps);
        }
        ASSERT_EQ(cn_adadelta_apply(opt.get(), net.get()), CN_OK) << cn_last_error();
        auto now = read_back(net.get());
        for (int l = 0; l < 2; ++l)
            for (int w = 0; w < 2; ++w) {
                const size_t n = s[l][w].p.size();
                std::vector<float> eg(n), edx(n);
                ASSERT_EQ(cn_adadelta_get_state(opt.get(), l, w, eg.data(), edx.data()), CN_OK);
                expect_close(w == 0 ? now[l].kernel : now[l].bias, s[l][w].p, "param", step, &s[l][w].mag);
                expect_close(eg, s[l][w].eg, "Eg", step);
                expect_close(edx, s[l][w].edx, "Edx", step);
                if (step >= 2) {
                    double any = 0;
                    for (double v : s[l][w].edx) any += v;
                    EXPECT_GT(any, 0.0);  // the second step runs with Edx != 0
                }
            }
        // Keep the hand state on the engine's float values so rounding differences do not compound.
        for (int l = 0; l < 2; ++l)
            for (int w = 0; w < 2; ++w) {
                const auto& p = w == 0 ? now[l].kernel : now[l].bias;
                s[l][w].p.assign(p.begin(), p.end());
            }
    }
}

}  // namespace

TEST(Adadelta, FirstStepMatchesHandComputation) { run_steps(1.0f, 0.95f, 1e-7f, 1); }

TEST(Adadelta, SecondStepUsesNonZeroEdx) { run_steps(1.0f, 0.95f, 1e-7f, 3); }

TEST(Adadelta, LearningRateOtherThanOne) { run_steps(0.001f, 0.9f, 1e-6f, 2); }

TEST(Adadelta, FirstStepKnownValues)
{
    // A single linear unit: one input, no bias in play. With x = 1, y = 0, w = 0.5, b = 0: pred = 0.5,
    // g_w = 2 * 0.5 = 1, Eg = 0.05, d = 1 * sqrt(1e-7) / sqrt(0.05 + 1e-7).
    auto net = make_net({1, 1}, {CN_ACT_LINEAR});
    const float w = 0.5f, b = 0.0f, x = 1.0f, y = 0.0f;
    ASSERT_EQ(cn_mlp_set_weights(net.get(), 0, &w, &b), CN_OK);
    auto opt = make_opt(net.get());
    ASSERT_EQ(train_batch(net.get(), opt.get(), &x, &y, 1, nullptr, nullptr), CN_OK);
    float w2, eg, edx;
    ASSERT_EQ(cn_mlp_get_weights(net.get(), 0, &w2, nullptr), CN_OK);
    ASSERT_EQ(cn_adadelta_get_state(opt.get(), 0, 0, &eg, &edx), CN_OK);
    const double d = std::sqrt(1e-7) / std::sqrt(0.05 + 1e-7);
    EXPECT_NEAR(eg, 0.05, 1e-8);
    EXPECT_NEAR(w2, 0.5 - d, 1e-7);
    EXPECT_NEAR(edx, 0.05 * d * d, 1e-12);
}

TEST(Adadelta, FrozenLayersAndTheirStateStayUntouched)
{
    std::mt19937 rng(3);
    const std::vector<int32_t> widths{6, 4, 1}, acts{CN_ACT_RELU, CN_ACT_LINEAR};
    auto net = make_net(widths, acts);
    load(net.get(), random_layers(rng, widths, acts));
    auto before = read_back(net.get());
    ASSERT_EQ(cn_mlp_set_trainable(net.get(), 0, 0), CN_OK);
    auto opt = make_opt(net.get());
    auto x = uniform(rng, 5 * 6, -1, 1), y = uniform(rng, 5, -1, 1);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(train_batch(net.get(), opt.get(), x.data(), y.data(), 5, nullptr, nullptr), CN_OK);
    auto after = read_back(net.get());
    EXPECT_TRUE(same_bits(before[0].kernel, after[0].kernel));
    EXPECT_TRUE(same_bits(before[0].bias, after[0].bias));
    EXPECT_FALSE(same_bits(before[1].kernel, after[1].kernel));
    std::vector<float> eg(24), edx(24);
    ASSERT_EQ(cn_adadelta_get_state(opt.get(), 0, 0, eg.data(), edx.data()), CN_OK);
    EXPECT_EQ(eg, std::vector<float>(24, 0.0f));
    EXPECT_EQ(edx, std::vector<float>(24, 0.0f));
}

TEST(Adadelta, LargeLayerUsesTheSameArithmeticEverywhere)
{
    // A layer large enough for the update to take its multi-threaded / wide path: every parameter must still
    // match the hand formula.
    std::mt19937 rng(21);
    const std::vector<int32_t> widths{400, 350}, acts{CN_ACT_LINEAR};  // 140 k parameters: above the parallel threshold
    auto net = make_net(widths, acts);
    auto layers = random_layers(rng, widths, acts, 0.1f);
    load(net.get(), layers);
    auto opt = make_opt(net.get());
    auto x = uniform(rng, 3 * 400, -1, 1), y = uniform(rng, 3 * 350, -1, 1);
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), 3, nullptr, nullptr), CN_OK);
    std::vector<float> g(400 * 350);
    ASSERT_EQ(cn_mlp_get_gradients(net.get(), 0, g.data(), nullptr), CN_OK);
    ASSERT_EQ(cn_adadelta_apply(opt.get(), net.get()), CN_OK);
    State s{std::vector<double>(layers[0].kernel.begin(), layers[0].kernel.end()), std::vector<double>(g.size(), 0.0),
            std::vector<double>(g.size(), 0.0)};
    hand_step(s, g, 1.0, 0.95, 1e-7);
    auto now = read_back(net.get());
    expect_close(now[0].kernel, s.p, "param", 1, &s.mag);
}

TEST(Adadelta, LayerFrozenAfterTrainingKeepsWeightsAndAccumulators)
{
    // As in Keras, a frozen layer leaves the optimizer's trainable weights: its accumulators stop changing (they
    // would decay by rho if the update ran on it with a zero gradient).
    std::mt19937 rng(8);
    const std::vector<int32_t> widths{6, 5, 4, 1}, acts{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
    auto net = make_net(widths, acts);
    load(net.get(), random_layers(rng, widths, acts));
    auto opt = make_opt(net.get());
    auto x = uniform(rng, 7 * 6, -1, 1), y = uniform(rng, 7, -1, 1);
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(train_batch(net.get(), opt.get(), x.data(), y.data(), 7, nullptr, nullptr), CN_OK);
    ASSERT_EQ(cn_mlp_set_trainable(net.get(), 1, 0), CN_OK);  // a middle layer: backward still runs through it
    auto weights = read_back(net.get());
    std::vector<float> eg(20), edx(20), egb(4), edxb(4);
    ASSERT_EQ(cn_adadelta_get_state(opt.get(), 1, 0, eg.data(), edx.data()), CN_OK);
    ASSERT_EQ(cn_adadelta_get_state(opt.get(), 1, 1, egb.data(), edxb.data()), CN_OK);
    EXPECT_NE(eg, std::vector<float>(20, 0.0f));
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(train_batch(net.get(), opt.get(), x.data(), y.data(), 7, nullptr, nullptr), CN_OK);
    ASSERT_EQ(cn_mlp_compute_gradients(net.get(), x.data(), y.data(), 7, nullptr, nullptr), CN_OK);
    ASSERT_EQ(cn_adadelta_apply(opt.get(), net.get()), CN_OK);
    std::vector<float> eg2(20), edx2(20), egb2(4), edxb2(4);
    ASSERT_EQ(cn_adadelta_get_state(opt.get(), 1, 0, eg2.data(), edx2.data()), CN_OK);
    ASSERT_EQ(cn_adadelta_get_state(opt.get(), 1, 1, egb2.data(), edxb2.data()), CN_OK);
    EXPECT_TRUE(same_bits(eg, eg2));
    EXPECT_TRUE(same_bits(edx, edx2));
    EXPECT_TRUE(same_bits(egb, egb2));
    EXPECT_TRUE(same_bits(edxb, edxb2));
    auto now = read_back(net.get());
    EXPECT_TRUE(same_bits(weights[1].kernel, now[1].kernel));
    EXPECT_TRUE(same_bits(weights[1].bias, now[1].bias));
    EXPECT_FALSE(same_bits(weights[0].kernel, now[0].kernel));  // layer 0 below it still trains
}
