// Fused training: cn_train_epoch against the unfused calls (testing seam), orders, weighting, determinism.
#include "test_support.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <thread>

using namespace cntest;

namespace {

const std::vector<int32_t> kWidths{7, 5, 4, 3, 1};
const std::vector<int32_t> kActs{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};

struct Fixture {
    std::vector<Layer> layers;
    std::vector<float> x, y;
    int rows;
};

Fixture make_fixture(int rows, unsigned seed = 17)
{
    std::mt19937 rng(seed);
    Fixture f;
    f.layers = random_layers(rng, kWidths, kActs, 0.7f);
    f.x = uniform(rng, (size_t)rows * kWidths.front(), -1, 1);
    f.y = uniform(rng, (size_t)rows * kWidths.back(), -1, 1);
    f.rows = rows;
    return f;
}

void expect_same_nets(const cn_mlp* a, const cn_mlp* b)
{
    auto la = read_back(a), lb = read_back(b);
    ASSERT_EQ(la.size(), lb.size());
    for (size_t l = 0; l < la.size(); ++l) {
        EXPECT_TRUE(same_bits(la[l].kernel, lb[l].kernel)) << "kernel of layer " << l;
        EXPECT_TRUE(same_bits(la[l].bias, lb[l].bias)) << "bias of layer " << l;
    }
}

void expect_same_state(const cn_adadelta* a, const cn_adadelta* b, const cn_mlp* net)
{
    for (int32_t l = 0; l < cn_mlp_num_layers(net); ++l)
        for (int32_t w = 0; w < 2; ++w) {
            int32_t in, out;
            cn_mlp_layer_shape(net, l, &in, &out, nullptr);
            const size_t n = w == 0 ? (size_t)in * out : (size_t)out;
            std::vector<float> ea(n), xa(n), eb(n), xb(n);
            ASSERT_EQ(cn_adadelta_get_state(a, l, w, ea.data(), xa.data()), CN_OK);
            ASSERT_EQ(cn_adadelta_get_state(b, l, w, eb.data(), xb.data()), CN_OK);
            EXPECT_TRUE(same_bits(ea, eb)) << "Eg of layer " << l << " part " << w;
            EXPECT_TRUE(same_bits(xa, xb)) << "Edx of layer " << l << " part " << w;
        }
}

}  // namespace

TEST(Training, TrainBatchEqualsComputeGradientsPlusApplyBitForBit)
{
    for (int frozen_below : {0, 3}) {  // all trainable; layers 0..2 frozen (the culturalization case)
        auto f = make_fixture(9);
        auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
        load(a.get(), f.layers);
        load(b.get(), f.layers);
        for (int l = 0; l < frozen_below; ++l) {
            cn_mlp_set_trainable(a.get(), l, 0);
            cn_mlp_set_trainable(b.get(), l, 0);
        }
        auto oa = make_opt(a.get()), ob = make_opt(b.get());
        for (int step = 0; step < 4; ++step) {
            float la, ma, lb, mb;
            ASSERT_EQ(train_batch(a.get(), oa.get(), f.x.data(), f.y.data(), 9, &la, &ma), CN_OK);
            ASSERT_EQ(cn_mlp_compute_gradients(b.get(), f.x.data(), f.y.data(), 9, &lb, &mb), CN_OK);
            ASSERT_EQ(cn_adadelta_apply(ob.get(), b.get()), CN_OK);
            EXPECT_EQ(la, lb);
            EXPECT_EQ(ma, mb);
        }
        expect_same_nets(a.get(), b.get());
        expect_same_state(oa.get(), ob.get(), a.get());
    }
}

TEST(Training, TrainBatchLossIsTheForwardPassValue)
{
    auto f = make_fixture(6);
    auto net = make_net(kWidths, kActs);
    load(net.get(), f.layers);
    auto opt = make_opt(net.get());
    double mse, mae;
    ASSERT_EQ(cn_mlp_evaluate(net.get(), f.x.data(), f.y.data(), 6, 0, &mse, &mae), CN_OK);
    float loss, fmae;
    ASSERT_EQ(train_batch(net.get(), opt.get(), f.x.data(), f.y.data(), 6, &loss, &fmae), CN_OK);
    EXPECT_FLOAT_EQ(loss, (float)mse);  // before the update
    EXPECT_FLOAT_EQ(fmae, (float)mae);
    double mse2;
    ASSERT_EQ(cn_mlp_evaluate(net.get(), f.x.data(), f.y.data(), 6, 0, &mse2, nullptr), CN_OK);
    EXPECT_NE(mse2, mse);  // the weights moved
}

TEST(Training, EpochWithoutOrderEqualsManualBatchesWithLastPartialBatch)
{
    const int rows = 10, batch = 4;  // batches of 4, 4, 2
    auto f = make_fixture(rows);
    auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
    load(a.get(), f.layers);
    load(b.get(), f.layers);
    auto oa = make_opt(a.get()), ob = make_opt(b.get());
    for (int epoch = 0; epoch < 2; ++epoch) {
        double loss, mae;
        ASSERT_EQ(train_epoch(a.get(), oa.get(), f.x.data(), f.y.data(), rows, nullptr, batch, &loss, &mae), CN_OK)
            << cn_last_error();
        double lsum = 0, msum = 0;
        for (int r0 = 0; r0 < rows; r0 += batch) {
            const int n = std::min(batch, rows - r0);
            float l, m;
            ASSERT_EQ(train_batch(b.get(), ob.get(), f.x.data() + r0 * 7, f.y.data() + r0, n, &l, &m), CN_OK);
            lsum += (double)l * n;
            msum += (double)m * n;
        }
        EXPECT_DOUBLE_EQ(loss, lsum / rows);
        EXPECT_DOUBLE_EQ(mae, msum / rows);
    }
    expect_same_nets(a.get(), b.get());
    expect_same_state(oa.get(), ob.get(), a.get());
}

TEST(Training, EpochLossIsBatchSizeWeighted)
{
    // Batches of 4 and 1: an unweighted mean of the two batch losses would differ.
    const int rows = 5;
    auto f = make_fixture(rows, 23);
    auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
    load(a.get(), f.layers);
    load(b.get(), f.layers);
    auto oa = make_opt(a.get()), ob = make_opt(b.get());
    double loss, mae;
    ASSERT_EQ(train_epoch(a.get(), oa.get(), f.x.data(), f.y.data(), rows, nullptr, 4, &loss, &mae), CN_OK);
    float l1, m1, l2, m2;
    ASSERT_EQ(train_batch(b.get(), ob.get(), f.x.data(), f.y.data(), 4, &l1, &m1), CN_OK);
    ASSERT_EQ(train_batch(b.get(), ob.get(), f.x.data() + 4 * 7, f.y.data() + 4, 1, &l2, &m2), CN_OK);
    EXPECT_DOUBLE_EQ(loss, (4.0 * l1 + 1.0 * l2) / 5.0);
    EXPECT_DOUBLE_EQ(mae, (4.0 * m1 + 1.0 * m2) / 5.0);
    EXPECT_GT(std::fabs(loss - 0.5 * ((double)l1 + l2)), 1e-6);
}

TEST(Training, EpochWithOrderEqualsTrainingOnThePermutedCopy)
{
    const int rows = 13, batch = 5;
    auto f = make_fixture(rows, 29);
    std::vector<int64_t> order(rows);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(31));
    std::vector<float> px, py;
    for (int64_t r : order) {
        px.insert(px.end(), f.x.begin() + r * 7, f.x.begin() + (r + 1) * 7);
        py.push_back(f.y[r]);
    }
    auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
    load(a.get(), f.layers);
    load(b.get(), f.layers);
    auto oa = make_opt(a.get()), ob = make_opt(b.get());
    double la, ma, lb, mb;
    ASSERT_EQ(train_epoch(a.get(), oa.get(), f.x.data(), f.y.data(), rows, order.data(), batch, &la, &ma), CN_OK);
    ASSERT_EQ(train_epoch(b.get(), ob.get(), px.data(), py.data(), rows, nullptr, batch, &lb, &mb), CN_OK);
    EXPECT_EQ(la, lb);
    EXPECT_EQ(ma, mb);
    expect_same_nets(a.get(), b.get());
    // And the order matters: training on the unpermuted rows gives other weights.
    auto c = make_net(kWidths, kActs);
    load(c.get(), f.layers);
    auto oc = make_opt(c.get());
    ASSERT_EQ(train_epoch(c.get(), oc.get(), f.x.data(), f.y.data(), rows, nullptr, batch, nullptr, nullptr), CN_OK);
    EXPECT_FALSE(same_bits(read_back(a.get())[0].kernel, read_back(c.get())[0].kernel));
}

TEST(Training, OrderSelectsRowsOfALargerArray)
{
    // culturenet.h: with `order`, x and y may be larger arrays (a whole feature store); order picks `rows` of them.
    const int store_rows = 40, rows = 11, batch = 4;
    auto f = make_fixture(store_rows, 47);
    const std::vector<int64_t> order{39, 0, 17, 25, 3, 38, 12, 30, 7, 21, 33};
    std::vector<float> px, py;
    for (int64_t r : order) {
        px.insert(px.end(), f.x.begin() + r * 7, f.x.begin() + (r + 1) * 7);
        py.push_back(f.y[r]);
    }
    auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
    load(a.get(), f.layers);
    load(b.get(), f.layers);
    auto oa = make_opt(a.get()), ob = make_opt(b.get());
    double la, ma, lb, mb;
    ASSERT_EQ(train_epoch(a.get(), oa.get(), f.x.data(), f.y.data(), rows, order.data(), batch, &la, &ma, store_rows),
              CN_OK)
        << cn_last_error();
    ASSERT_EQ(train_epoch(b.get(), ob.get(), px.data(), py.data(), rows, nullptr, batch, &lb, &mb), CN_OK);
    EXPECT_EQ(la, lb);
    EXPECT_EQ(ma, mb);
    expect_same_nets(a.get(), b.get());
    expect_same_state(oa.get(), ob.get(), a.get());
}

TEST(Training, EpochWithoutOrderTrainsOnTheFirstRowsOfTheDataset)
{
    // Without order, rows 0..rows-1 of a larger dataset: the same as a dataset of just those rows.
    const int store_rows = 30, rows = 17, batch = 5;
    auto f = make_fixture(store_rows, 53);
    auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
    load(a.get(), f.layers);
    load(b.get(), f.layers);
    auto oa = make_opt(a.get()), ob = make_opt(b.get());
    double la, lb;
    ASSERT_EQ(train_epoch(a.get(), oa.get(), f.x.data(), f.y.data(), rows, nullptr, batch, &la, nullptr, store_rows), CN_OK);
    ASSERT_EQ(train_epoch(b.get(), ob.get(), f.x.data(), f.y.data(), rows, nullptr, batch, &lb, nullptr), CN_OK);
    EXPECT_EQ(la, lb);
    expect_same_nets(a.get(), b.get());
}

TEST(Training, BatchLargerThanRowsIsOneBatch)
{
    auto f = make_fixture(6);
    auto a = make_net(kWidths, kActs), b = make_net(kWidths, kActs);
    load(a.get(), f.layers);
    load(b.get(), f.layers);
    auto oa = make_opt(a.get()), ob = make_opt(b.get());
    double l;
    float lb;
    ASSERT_EQ(train_epoch(a.get(), oa.get(), f.x.data(), f.y.data(), 6, nullptr, 128, &l, nullptr), CN_OK);
    ASSERT_EQ(train_batch(b.get(), ob.get(), f.x.data(), f.y.data(), 6, &lb, nullptr), CN_OK);
    EXPECT_DOUBLE_EQ(l, (double)lb);
    expect_same_nets(a.get(), b.get());
}

TEST(Training, FrozenLayersUnchangedAfterTrainingAndLossDecreases)
{
    const int rows = 64;
    auto f = make_fixture(rows, 37);
    auto net = make_net(kWidths, kActs);
    load(net.get(), f.layers);
    for (int l = 0; l < 3; ++l) ASSERT_EQ(cn_mlp_set_trainable(net.get(), l, 0), CN_OK);
    EXPECT_EQ(cn_mlp_is_trainable(net.get(), 0), 0);
    EXPECT_EQ(cn_mlp_is_trainable(net.get(), 3), 1);
    auto opt = make_opt(net.get());
    double first = 0, last = 0;
    for (int e = 0; e < 30; ++e) {
        double loss;
        ASSERT_EQ(train_epoch(net.get(), opt.get(), f.x.data(), f.y.data(), rows, nullptr, 16, &loss, nullptr), CN_OK);
        if (e == 0) first = loss;
        last = loss;
    }
    EXPECT_LT(last, first);
    auto after = read_back(net.get());
    for (int l = 0; l < 3; ++l) {
        EXPECT_TRUE(same_bits(after[l].kernel, f.layers[l].kernel)) << "layer " << l;
        EXPECT_TRUE(same_bits(after[l].bias, f.layers[l].bias)) << "layer " << l;
    }
    EXPECT_FALSE(same_bits(after[3].kernel, f.layers[3].kernel));
}

TEST(Training, IdenticalRunsGiveBitIdenticalWeights)
{
    // Wide enough that the optimizer (164 k parameters) and the first layer's GEMMs (32 x 1024 x 160) take their vector
    // and threaded paths.
    const std::vector<int32_t> widths{1024, 160, 40, 1}, acts{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
    std::mt19937 rng(41);
    auto layers = random_layers(rng, widths, acts, 0.1f);
    const int rows = 200;
    auto x = uniform(rng, (size_t)rows * 1024, -1, 1), y = uniform(rng, rows, -1, 1);
    std::vector<int64_t> order(rows);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(43));
    const int32_t saved = cn_get_num_threads();
    for (int threads : {1, 2}) {
        cn_set_num_threads(threads);
        EXPECT_EQ(cn_get_num_threads(), threads);
        std::vector<std::vector<Layer>> results;
        std::vector<double> losses;
        for (int run = 0; run < 2; ++run) {
            auto net = make_net(widths, acts);
            load(net.get(), layers);
            auto opt = make_opt(net.get());
            double loss = 0;
            for (int e = 0; e < 3; ++e)
                ASSERT_EQ(train_epoch(net.get(), opt.get(), x.data(), y.data(), rows, order.data(), 32, &loss, nullptr),
                          CN_OK);
            results.push_back(read_back(net.get()));
            losses.push_back(loss);
        }
        EXPECT_EQ(losses[0], losses[1]);
        for (size_t l = 0; l < layers.size(); ++l) {
            EXPECT_TRUE(same_bits(results[0][l].kernel, results[1][l].kernel)) << threads << " threads, layer " << l;
            EXPECT_TRUE(same_bits(results[0][l].bias, results[1][l].bias)) << threads << " threads, layer " << l;
        }
    }
    cn_set_num_threads(0);  // all cores
    EXPECT_GE(cn_get_num_threads(), 1);
    cn_set_num_threads(saved);
    EXPECT_EQ(cn_get_num_threads(), saved);
}

TEST(Training, OptimizerForAnotherNetIsRejected)
{
    auto a = make_net({4, 3, 1}, {CN_ACT_RELU, CN_ACT_LINEAR});
    auto b = make_net({4, 2, 1}, {CN_ACT_RELU, CN_ACT_LINEAR});
    auto c = make_net({4, 1}, {CN_ACT_LINEAR});
    auto ob = make_opt(b.get()), oc = make_opt(c.get());
    std::vector<float> x(8, 0.5f), y(2, 0.1f);
    EXPECT_EQ(train_batch(a.get(), ob.get(), x.data(), y.data(), 2, nullptr, nullptr), CN_ERR_SHAPE);
    EXPECT_NE(std::string(cn_last_error()).find("layer 0"), std::string::npos) << cn_last_error();
    EXPECT_EQ(cn_adadelta_apply(oc.get(), a.get()), CN_ERR_SHAPE);
    EXPECT_NE(std::string(cn_last_error()).find("network of 1 layer"), std::string::npos) << cn_last_error();
    EXPECT_EQ(train_epoch(a.get(), oc.get(), x.data(), y.data(), 2, nullptr, 2, nullptr, nullptr), CN_ERR_SHAPE);
}

TEST(Training, WideBatchesGatheredByOrderEqualThePermutedCopyOnAnyThreadCount)
{
    // GenNet-wide rows (2048), a store larger than the rows trained on: every gathered row lands in its place whatever
    // the thread count the layers' operations and the gather run on. 160 rows to a batch and 262 k parameters: the
    // onednn backend gathers the first batch on the whole team (from 2^18 floats, in a network of that size) and the
    // last (90 rows) on the calling thread.
    const std::vector<int32_t> widths{2048, 128, 1};
    const std::vector<int32_t> acts{CN_ACT_RELU, CN_ACT_LINEAR};
    const int store_rows = 400, rows = 250, batch = 160;
    std::mt19937 rng(53);
    const auto layers = random_layers(rng, widths, acts, 0.05f);
    const auto x = uniform(rng, (size_t)store_rows * 2048, -1, 1), y = uniform(rng, (size_t)store_rows, -1, 1);
    std::vector<int64_t> order(store_rows);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(59));
    order.resize(rows);
    std::vector<float> px, py;
    for (int64_t r : order) {
        px.insert(px.end(), x.begin() + r * 2048, x.begin() + (r + 1) * 2048);
        py.push_back(y[r]);
    }
    const int32_t threads_before = cn_get_num_threads();
    for (int32_t threads : {1, 2, 3}) {
        cn_set_num_threads(threads);
        auto a = make_net(widths, acts), b = make_net(widths, acts);
        load(a.get(), layers);
        load(b.get(), layers);
        auto oa = make_opt(a.get()), ob = make_opt(b.get());
        double la, ma, lb, mb;
        ASSERT_EQ(train_epoch(a.get(), oa.get(), x.data(), y.data(), rows, order.data(), batch, &la, &ma, store_rows),
                  CN_OK)
            << cn_last_error();
        ASSERT_EQ(train_epoch(b.get(), ob.get(), px.data(), py.data(), rows, nullptr, batch, &lb, &mb), CN_OK);
        EXPECT_EQ(la, lb) << threads << " threads";
        EXPECT_EQ(ma, mb) << threads << " threads";
        expect_same_nets(a.get(), b.get());
    }
    cn_set_num_threads(threads_before);
}

TEST(Training, SameWeightsOnAnyThreadCountAndWithNetworksTrainingAtOnce)
{
    // 307 k parameters: every operation of this network runs on the team it is given (the onednn backend keeps a
    // network under 2^18 parameters on one thread), so a thread count that changed how a sum is split would show, and
    // so would two networks training at once that shared a buffer or a thread setting.
    const std::vector<int32_t> widths{1024, 300, 40, 1}, acts{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
    std::mt19937 rng(61);
    const auto layers = random_layers(rng, widths, acts, 0.05f);
    const int rows = 300;
    const auto x = uniform(rng, (size_t)rows * 1024, -1, 1), y = uniform(rng, rows, -1, 1);
    std::vector<int64_t> order(rows);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(67));
    auto train = [&](double* loss) {
        auto net = make_net(widths, acts);
        load(net.get(), layers);
        auto opt = make_opt(net.get());
        for (int e = 0; e < 2; ++e)
            EXPECT_EQ(train_epoch(net.get(), opt.get(), x.data(), y.data(), rows, order.data(), 128, loss, nullptr), CN_OK)
                << cn_last_error();
        return read_back(net.get());
    };
    auto expect_same = [&](const std::vector<Layer>& a, const std::vector<Layer>& b, const std::string& what) {
        for (size_t l = 0; l < a.size(); ++l) {
            EXPECT_TRUE(same_bits(a[l].kernel, b[l].kernel)) << what << ", kernel of layer " << l;
            EXPECT_TRUE(same_bits(a[l].bias, b[l].bias)) << what << ", bias of layer " << l;
        }
    };
    // OpenBLAS splits its GEMMs by its own (process-wide) thread count, and the split changes the sums' rounding:
    // there only the engine's own loops must not matter.
    const bool openblas = cn_mlp_backend(make_net(widths, acts).get()) == CN_BACKEND_OPENBLAS;
    const int32_t saved = cn_get_num_threads();
    cn_set_num_threads(1);
    double reference_loss = 0;
    auto reference = train(&reference_loss);
    if (!openblas)
        for (int32_t threads : {2, 3}) {
            cn_set_num_threads(threads);
            double loss = 0;
            expect_same(reference, train(&loss), std::to_string(threads) + " threads");
            EXPECT_EQ(loss, reference_loss) << threads << " threads";
        }

    // Two networks at once, each on an application thread of its own limited to one engine thread, beside a process
    // setting of two: the same weights, and the setting stays the calling thread's.
    cn_set_num_threads(2);
    if (openblas) reference = train(&reference_loss);
    std::vector<Layer> at_once[2];
    double losses[2] = {0, 0};
    int32_t seen[2] = {0, 0};
    std::vector<std::thread> workers;
    for (int i = 0; i < 2; ++i)
        workers.emplace_back([&, i] {
            cn_set_thread_num_threads(1);
            seen[i] = cn_get_num_threads();
            at_once[i] = train(&losses[i]);
            cn_set_thread_num_threads(0);
        });
    for (auto& w : workers) w.join();
    EXPECT_EQ(cn_get_num_threads(), 2);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(seen[i], 1);
        expect_same(reference, at_once[i], "network " + std::to_string(i) + " of two at once");
        EXPECT_EQ(losses[i], reference_loss);
    }
    cn_set_num_threads(saved);
}
