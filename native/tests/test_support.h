// test_support.h — shared helpers for the native GoogleTest suite: owning wrappers, seeded random data, and a
// float64 reference forward pass written independently of the engine.
#pragma once

#include "culturenet.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace cntest {

struct NetDeleter {
    void operator()(cn_mlp* p) const { cn_mlp_free(p); }
};
struct OptDeleter {
    void operator()(cn_adadelta* p) const { cn_adadelta_free(p); }
};
struct DataDeleter {
    void operator()(cn_dataset* p) const { cn_dataset_free(p); }
};
using NetPtr = std::unique_ptr<cn_mlp, NetDeleter>;
using OptPtr = std::unique_ptr<cn_adadelta, OptDeleter>;
using DataPtr = std::unique_ptr<cn_dataset, DataDeleter>;

inline NetPtr make_net(const std::vector<int32_t>& widths, const std::vector<int32_t>& acts)
{
    cn_mlp* net = nullptr;
    cn_status st = cn_mlp_create((int32_t)acts.size(), widths.data(), acts.data(), &net);
    EXPECT_EQ(st, CN_OK) << cn_last_error();
    return NetPtr(net);
}

// A dataset over the caller's arrays (kept in place: they must outlive it).
inline DataPtr make_data(const float* x, const float* y, int64_t rows, int32_t x_cols, int32_t y_cols)
{
    cn_dataset* d = nullptr;
    cn_status st = cn_dataset_create(x, y, rows, x_cols, y_cols, &d);
    EXPECT_EQ(st, CN_OK) << cn_last_error();
    return DataPtr(d);
}

inline int32_t in_width(const cn_mlp* net)
{
    int32_t in = 0;
    cn_mlp_layer_shape(net, 0, &in, nullptr, nullptr);
    return in;
}

inline int32_t out_width(const cn_mlp* net)
{
    int32_t out = 0;
    cn_mlp_layer_shape(net, cn_mlp_num_layers(net) - 1, nullptr, &out, nullptr);
    return out;
}

// One epoch over rows 0..rows-1 of (x, y) (or over `order`, entries among data_rows rows), through a dataset.
inline cn_status train_epoch(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int64_t rows,
                             const int64_t* order, int32_t batch, double* loss, double* mae, int64_t data_rows = 0)
{
    auto data = make_data(x, y, data_rows > 0 ? data_rows : rows, in_width(net), out_width(net));
    return cn_train_epoch(net, opt, data.get(), order, rows, batch, loss, mae);
}

// One mini-batch (forward, backward, update): an epoch whose single batch is these rows. loss/mae are the batch's
// values at the forward pass, as float32 (what Keras logs).
inline cn_status train_batch(cn_mlp* net, cn_adadelta* opt, const float* x, const float* y, int32_t rows, float* loss,
                             float* mae)
{
    double l = 0, m = 0;
    cn_status st = train_epoch(net, opt, x, y, rows, nullptr, rows, &l, &m);
    if (loss) *loss = (float)l;
    if (mae) *mae = (float)m;
    return st;
}

inline OptPtr make_opt(const cn_mlp* net, float lr = 1.0f, float rho = 0.95f, float eps = 1e-7f)
{
    cn_adadelta* opt = nullptr;
    cn_status st = cn_adadelta_create(net, lr, rho, eps, &opt);
    EXPECT_EQ(st, CN_OK) << cn_last_error();
    return OptPtr(opt);
}

inline std::vector<float> uniform(std::mt19937& rng, size_t n, float lo, float hi)
{
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

// The weights of one layer as the test holds them (Keras layout: kernel in x out).
struct Layer {
    int in, out, act;
    std::vector<float> kernel, bias;
};

inline std::vector<Layer> random_layers(std::mt19937& rng, const std::vector<int32_t>& widths,
                                        const std::vector<int32_t>& acts, float scale = 0.8f)
{
    std::vector<Layer> layers;
    for (size_t l = 0; l < acts.size(); ++l) {
        Layer L{widths[l], widths[l + 1], acts[l], {}, {}};
        L.kernel = uniform(rng, (size_t)L.in * L.out, -scale, scale);
        L.bias = uniform(rng, (size_t)L.out, -0.3f, 0.3f);
        layers.push_back(std::move(L));
    }
    return layers;
}

inline void load(cn_mlp* net, const std::vector<Layer>& layers)
{
    for (size_t l = 0; l < layers.size(); ++l)
        ASSERT_EQ(cn_mlp_set_weights(net, (int32_t)l, layers[l].kernel.data(), layers[l].bias.data()), CN_OK)
            << cn_last_error();
}

inline std::vector<Layer> read_back(const cn_mlp* net)
{
    std::vector<Layer> layers;
    for (int32_t l = 0; l < cn_mlp_num_layers(net); ++l) {
        Layer L{};
        EXPECT_EQ(cn_mlp_layer_shape(net, l, &L.in, &L.out, &L.act), CN_OK);
        L.kernel.resize((size_t)L.in * L.out);
        L.bias.resize((size_t)L.out);
        EXPECT_EQ(cn_mlp_get_weights(net, l, L.kernel.data(), L.bias.data()), CN_OK);
        layers.push_back(std::move(L));
    }
    return layers;
}

// Double-precision weights, so finite differences can perturb them.
struct DLayer {
    int in, out, act;
    std::vector<double> kernel, bias;
};

inline std::vector<DLayer> to_double(const std::vector<Layer>& layers)
{
    std::vector<DLayer> d;
    for (const auto& L : layers)
        d.push_back({L.in, L.out, L.act, std::vector<double>(L.kernel.begin(), L.kernel.end()),
                     std::vector<double>(L.bias.begin(), L.bias.end())});
    return d;
}

// Reference forward in float64. Returns every layer's output (after activation); pre[l] gets the
// pre-activations when pre != nullptr.
inline std::vector<std::vector<double>> forward64(const std::vector<DLayer>& layers, const std::vector<float>& x,
                                                  int rows, std::vector<std::vector<double>>* pre = nullptr)
{
    std::vector<std::vector<double>> outs;
    std::vector<double> in(x.begin(), x.end());
    if (pre) pre->clear();
    for (const auto& L : layers) {
        std::vector<double> z((size_t)rows * L.out), a((size_t)rows * L.out);
        for (int r = 0; r < rows; ++r)
            for (int j = 0; j < L.out; ++j) {
                double s = L.bias[j];
                for (int i = 0; i < L.in; ++i) s += in[(size_t)r * L.in + i] * L.kernel[(size_t)i * L.out + j];
                z[(size_t)r * L.out + j] = s;
                a[(size_t)r * L.out + j] = (L.act == CN_ACT_RELU && s < 0.0) ? 0.0 : s;
            }
        if (pre) pre->push_back(z);
        outs.push_back(a);
        in = a;
    }
    return outs;
}

inline double mse64(const std::vector<DLayer>& layers, const std::vector<float>& x, const std::vector<float>& y,
                    int rows)
{
    auto outs = forward64(layers, x, rows);
    const auto& p = outs.back();
    double s = 0.0;
    for (size_t i = 0; i < p.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
    return s / (double)p.size();
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace cntest
