// Forward passes: predict, activations, evaluate against float64 references; chunking of large inputs.
#include "test_support.h"

using namespace cntest;

namespace {
const std::vector<int32_t> kWidths{7, 5, 4, 3, 1};
const std::vector<int32_t> kActs{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
}  // namespace

TEST(Forward, CreateReportsShapesAndStartsAtZeroTrainable)
{
    auto net = make_net(kWidths, kActs);
    EXPECT_EQ(cn_mlp_num_layers(net.get()), 4);
    for (int l = 0; l < 4; ++l) {
        int32_t in = 0, out = 0, act = -1;
        ASSERT_EQ(cn_mlp_layer_shape(net.get(), l, &in, &out, &act), CN_OK);
        EXPECT_EQ(in, kWidths[l]);
        EXPECT_EQ(out, kWidths[l + 1]);
        EXPECT_EQ(act, kActs[l]);
        EXPECT_EQ(cn_mlp_is_trainable(net.get(), l), 1);
        std::vector<float> k(in * out, 1.0f), b(out, 1.0f);
        ASSERT_EQ(cn_mlp_get_weights(net.get(), l, k.data(), b.data()), CN_OK);
        EXPECT_EQ(k, std::vector<float>(in * out, 0.0f));
        EXPECT_EQ(b, std::vector<float>(out, 0.0f));
    }
    EXPECT_EQ(cn_api_version(), CN_API_VERSION);
    EXPECT_GT(std::strlen(cn_mlp_backend_info(net.get())), 0u);
}

TEST(Forward, WeightsRoundTripAndPartialSet)
{
    std::mt19937 rng(1);
    auto net = make_net(kWidths, kActs);
    auto layers = random_layers(rng, kWidths, kActs);
    load(net.get(), layers);
    auto back = read_back(net.get());
    for (size_t l = 0; l < layers.size(); ++l) {
        EXPECT_TRUE(same_bits(back[l].kernel, layers[l].kernel));
        EXPECT_TRUE(same_bits(back[l].bias, layers[l].bias));
    }
    std::vector<float> nb(5, 2.5f);
    ASSERT_EQ(cn_mlp_set_weights(net.get(), 0, nullptr, nb.data()), CN_OK);  // bias only
    back = read_back(net.get());
    EXPECT_TRUE(same_bits(back[0].kernel, layers[0].kernel));
    EXPECT_EQ(back[0].bias, nb);
}

TEST(Forward, PredictAndActivationsMatchFloat64Reference)
{
    std::mt19937 rng(2);
    const int rows = 37;
    auto net = make_net(kWidths, kActs);
    auto layers = random_layers(rng, kWidths, kActs);
    load(net.get(), layers);
    auto x = uniform(rng, rows * 7, -1, 1);
    auto ref = forward64(to_double(layers), x, rows);
    std::vector<float> y(rows);
    ASSERT_EQ(cn_mlp_predict(net.get(), x.data(), rows, y.data()), CN_OK) << cn_last_error();
    for (int r = 0; r < rows; ++r) EXPECT_NEAR(y[r], ref.back()[r], 1e-5 * (1 + std::fabs(ref.back()[r])));
    for (int l = 0; l < 4; ++l) {
        std::vector<float> a((size_t)rows * kWidths[l + 1]);
        ASSERT_EQ(cn_mlp_activations(net.get(), l, x.data(), rows, a.data()), CN_OK);
        for (size_t i = 0; i < a.size(); ++i) {
            EXPECT_NEAR(a[i], ref[l][i], 1e-5 * (1 + std::fabs(ref[l][i]))) << "layer " << l << " entry " << i;
            if (kActs[l] == CN_ACT_RELU) EXPECT_GE(a[i], 0.0f);
        }
        if (l == 3) EXPECT_TRUE(same_bits(a, y));  // the last layer's activations are the prediction
    }
}

TEST(Forward, CachedActivationsFeedTheTopLayerToTheSamePrediction)
{
    // The frozen-layers lever: layer 2's output, fed to a net made of layer 3 alone, gives predict's output.
    std::mt19937 rng(3);
    const int rows = 50;
    auto net = make_net(kWidths, kActs);
    auto layers = random_layers(rng, kWidths, kActs);
    load(net.get(), layers);
    auto x = uniform(rng, rows * 7, -1, 1);
    std::vector<float> a2(rows * 3), y(rows), y_top(rows);
    ASSERT_EQ(cn_mlp_activations(net.get(), 2, x.data(), rows, a2.data()), CN_OK);
    ASSERT_EQ(cn_mlp_predict(net.get(), x.data(), rows, y.data()), CN_OK);
    auto top = make_net({3, 1}, {CN_ACT_LINEAR});
    ASSERT_EQ(cn_mlp_set_weights(top.get(), 0, layers[3].kernel.data(), layers[3].bias.data()), CN_OK);
    ASSERT_EQ(cn_mlp_predict(top.get(), a2.data(), rows, y_top.data()), CN_OK);
    for (int r = 0; r < rows; ++r) EXPECT_NEAR(y_top[r], y[r], 1e-6 * (1 + std::fabs(y[r])));
}

TEST(Forward, PredictManyMoreRowsThanTheInternalChunk)
{
    std::mt19937 rng(4);
    const int rows = 10000;
    auto net = make_net(kWidths, kActs);
    auto layers = random_layers(rng, kWidths, kActs);
    load(net.get(), layers);
    auto x = uniform(rng, (size_t)rows * 7, -1, 1);
    std::vector<float> y(rows, -999.0f);
    ASSERT_EQ(cn_mlp_predict(net.get(), x.data(), rows, y.data()), CN_OK);
    auto ref = forward64(to_double(layers), x, rows);
    int bad = 0;
    for (int r = 0; r < rows; ++r)
        if (std::fabs(y[r] - ref.back()[r]) > 1e-5 * (1 + std::fabs(ref.back()[r]))) ++bad;
    EXPECT_EQ(bad, 0);
    // The same rows predicted in small pieces agree.
    std::vector<float> y2(rows);
    for (int r0 = 0; r0 < rows; r0 += 333) {
        const int n = std::min(333, rows - r0);
        ASSERT_EQ(cn_mlp_predict(net.get(), x.data() + (size_t)r0 * 7, n, y2.data() + r0), CN_OK);
    }
    for (int r = 0; r < rows; ++r) ASSERT_NEAR(y2[r], y[r], 1e-6 * (1 + std::fabs(y[r])));
}

TEST(Forward, EvaluateMatchesDoubleComputationForAnyBatch)
{
    std::mt19937 rng(5);
    const int rows = 2500;  // more than one internal chunk
    const std::vector<int32_t> widths{7, 5, 2}, acts{CN_ACT_RELU, CN_ACT_LINEAR};
    auto net = make_net(widths, acts);
    auto layers = random_layers(rng, widths, acts);
    load(net.get(), layers);
    auto x = uniform(rng, (size_t)rows * 7, -1, 1), y = uniform(rng, (size_t)rows * 2, -1, 1);
    auto ref = forward64(to_double(layers), x, rows).back();
    double sq = 0, ab = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        sq += (ref[i] - y[i]) * (ref[i] - y[i]);
        ab += std::fabs(ref[i] - y[i]);
    }
    const double mse_ref = sq / ref.size(), mae_ref = ab / ref.size();
    double first_mse = 0;
    for (int batch : {0, -1, 1, 7, 128, 5000}) {
        double mse = -1, mae = -1;
        ASSERT_EQ(cn_mlp_evaluate(net.get(), x.data(), y.data(), rows, batch, &mse, &mae), CN_OK) << cn_last_error();
        EXPECT_NEAR(mse, mse_ref, 1e-6 * mse_ref) << "batch " << batch;
        EXPECT_NEAR(mae, mae_ref, 1e-6 * mae_ref) << "batch " << batch;
        if (batch == 0) first_mse = mse;
    }
    double only_mae = -1;
    ASSERT_EQ(cn_mlp_evaluate(net.get(), x.data(), y.data(), rows, 64, nullptr, &only_mae), CN_OK);
    EXPECT_NEAR(only_mae, mae_ref, 1e-6 * mae_ref);
    EXPECT_GT(first_mse, 0.0);
}
