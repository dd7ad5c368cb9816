// Every error path returns its status, never crashes, and leaves a message that names the problem.
#include "test_support.h"

#include <string>
#include <thread>

using namespace cntest;

namespace {

void expect_error(cn_status got, cn_status want, std::initializer_list<const char*> words)
{
    EXPECT_EQ(got, want);
    const std::string msg = cn_last_error();
    for (const char* w : words) EXPECT_NE(msg.find(w), std::string::npos) << "message \"" << msg << "\" lacks \"" << w << "\"";
}

struct Net5 {
    NetPtr net = make_net({8, 6, 4, 3, 2, 1}, {CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR});
};

}  // namespace

TEST(Errors, CreateValidatesEverything)
{
    const int32_t w[3] = {4, 3, 1}, a[2] = {CN_ACT_RELU, CN_ACT_LINEAR};
    cn_mlp* net = reinterpret_cast<cn_mlp*>(0x1);
    expect_error(cn_mlp_create(2, w, a, nullptr), CN_ERR_INVALID_ARGUMENT, {"cn_mlp_create", "out"});
    expect_error(cn_mlp_create(0, w, a, &net), CN_ERR_INVALID_ARGUMENT, {"n_layers", "0"});
    EXPECT_EQ(net, nullptr);  // out is cleared on failure
    expect_error(cn_mlp_create(-3, w, a, &net), CN_ERR_INVALID_ARGUMENT, {"n_layers", "-3"});
    expect_error(cn_mlp_create(2, nullptr, a, &net), CN_ERR_INVALID_ARGUMENT, {"widths", "NULL"});
    expect_error(cn_mlp_create(2, w, nullptr, &net), CN_ERR_INVALID_ARGUMENT, {"activations", "NULL"});
    const int32_t bad_w[3] = {4, 0, 1};
    expect_error(cn_mlp_create(2, bad_w, a, &net), CN_ERR_INVALID_ARGUMENT, {"widths[1]", "0"});
    const int32_t neg_w[3] = {4, 3, -2};
    expect_error(cn_mlp_create(2, neg_w, a, &net), CN_ERR_INVALID_ARGUMENT, {"widths[2]", "-2"});
    const int32_t bad_a[2] = {CN_ACT_RELU, 7};
    expect_error(cn_mlp_create(2, w, bad_a, &net), CN_ERR_INVALID_ARGUMENT, {"activations[1]", "7", "unknown activation"});
    EXPECT_EQ(net, nullptr);
    const int32_t huge_w[3] = {1 << 30, 1 << 30, 1};
    expect_error(cn_mlp_create(2, huge_w, a, &net), CN_ERR_OUT_OF_MEMORY, {"bytes"});
    EXPECT_EQ(net, nullptr);
}

TEST(Errors, LayerIndexOutOfRangeNamesTheRange)
{
    Net5 n;
    std::vector<float> buf(64);
    expect_error(cn_mlp_set_weights(n.net.get(), 7, buf.data(), buf.data()), CN_ERR_INVALID_ARGUMENT,
                 {"cn_mlp_set_weights", "layer 7 out of range", "5 layers", "0..4"});
    expect_error(cn_mlp_get_weights(n.net.get(), -1, buf.data(), nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"cn_mlp_get_weights", "layer -1"});
    expect_error(cn_mlp_layer_shape(n.net.get(), 5, nullptr, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT, {"layer 5"});
    expect_error(cn_mlp_set_trainable(n.net.get(), 5, 0), CN_ERR_INVALID_ARGUMENT, {"cn_mlp_set_trainable", "layer 5"});
    expect_error(cn_mlp_get_gradients(n.net.get(), 9, buf.data(), nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"cn_mlp_get_gradients", "layer 9"});
    expect_error(cn_mlp_activations(n.net.get(), 5, buf.data(), 1, buf.data()), CN_ERR_INVALID_ARGUMENT,
                 {"cn_mlp_activations", "layer 5"});
    EXPECT_EQ(cn_mlp_is_trainable(n.net.get(), 5), 0);
    EXPECT_EQ(cn_mlp_is_trainable(nullptr, 0), 0);
    auto opt = make_opt(n.net.get());
    expect_error(cn_adadelta_get_state(opt.get(), 5, 0, buf.data(), nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"cn_adadelta_get_state", "layer 5"});
    expect_error(cn_adadelta_get_state(opt.get(), 0, 2, buf.data(), nullptr), CN_ERR_INVALID_ARGUMENT, {"which", "2"});
}

TEST(Errors, NullPointers)
{
    Net5 n;
    std::vector<float> x(8 * 4), y(4);
    expect_error(cn_mlp_layer_shape(nullptr, 0, nullptr, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT, {"net is NULL"});
    expect_error(cn_mlp_predict(nullptr, x.data(), 4, y.data()), CN_ERR_INVALID_ARGUMENT, {"cn_mlp_predict", "net"});
    expect_error(cn_mlp_predict(n.net.get(), nullptr, 4, y.data()), CN_ERR_INVALID_ARGUMENT, {"x is NULL", "8"});
    expect_error(cn_mlp_predict(n.net.get(), x.data(), 4, nullptr), CN_ERR_INVALID_ARGUMENT, {"y is NULL"});
    expect_error(cn_mlp_activations(n.net.get(), 0, x.data(), 4, nullptr), CN_ERR_INVALID_ARGUMENT, {"out is NULL"});
    expect_error(cn_mlp_evaluate(n.net.get(), x.data(), nullptr, 4, 0, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"cn_mlp_evaluate", "y is NULL"});
    double d;
    expect_error(cn_mlp_evaluate(n.net.get(), x.data(), y.data(), 4, 0, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"mse and mae"});
    expect_error(cn_mlp_compute_gradients(n.net.get(), x.data(), nullptr, 4, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"cn_mlp_compute_gradients", "y is NULL", "1 floats"});
    expect_error(cn_mlp_compute_gradients(nullptr, x.data(), y.data(), 4, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"net is NULL"});
    expect_error(cn_mlp_get_gradients(nullptr, 0, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT, {"net is NULL"});
    cn_adadelta* opt = nullptr;
    expect_error(cn_adadelta_create(nullptr, 1, 0.95f, 1e-7f, &opt), CN_ERR_INVALID_ARGUMENT, {"cn_adadelta_create", "net"});
    expect_error(cn_adadelta_create(n.net.get(), 1, 0.95f, 1e-7f, nullptr), CN_ERR_INVALID_ARGUMENT, {"out is NULL"});
    expect_error(cn_adadelta_apply(nullptr, n.net.get()), CN_ERR_INVALID_ARGUMENT, {"cn_adadelta_apply", "opt is NULL"});
    auto o = make_opt(n.net.get());
    expect_error(cn_adadelta_apply(o.get(), nullptr), CN_ERR_INVALID_ARGUMENT, {"net is NULL"});
    expect_error(cn_adadelta_get_state(nullptr, 0, 0, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT, {"opt is NULL"});
    auto data = make_data(x.data(), y.data(), 4, 8, 1);
    expect_error(cn_train_epoch(nullptr, o.get(), data.get(), nullptr, 4, 2, &d, &d), CN_ERR_INVALID_ARGUMENT,
                 {"cn_train_epoch", "net is NULL"});
    expect_error(cn_train_epoch(n.net.get(), nullptr, data.get(), nullptr, 4, 2, &d, &d), CN_ERR_INVALID_ARGUMENT,
                 {"opt is NULL"});
    expect_error(cn_train_epoch(n.net.get(), o.get(), nullptr, nullptr, 4, 2, &d, &d), CN_ERR_INVALID_ARGUMENT,
                 {"data is NULL"});
    cn_dataset* ds = reinterpret_cast<cn_dataset*>(0x1);
    expect_error(cn_dataset_create(nullptr, y.data(), 4, 8, 1, &ds), CN_ERR_INVALID_ARGUMENT, {"cn_dataset_create", "x is NULL"});
    EXPECT_EQ(ds, nullptr);
    expect_error(cn_dataset_create(x.data(), nullptr, 4, 8, 1, &ds), CN_ERR_INVALID_ARGUMENT, {"y is NULL"});
    expect_error(cn_dataset_create(x.data(), y.data(), 4, 8, 1, nullptr), CN_ERR_INVALID_ARGUMENT, {"out is NULL"});
    // NULL is accepted and ignored by the free functions.
    cn_mlp_free(nullptr);
    cn_adadelta_free(nullptr);
    cn_dataset_free(nullptr);
    EXPECT_EQ(cn_mlp_num_layers(nullptr), 0);
    EXPECT_EQ(cn_mlp_backend(nullptr), 0);
    EXPECT_STREQ(cn_mlp_backend_info(nullptr), "");
}

TEST(Errors, ZeroAndNegativeSizes)
{
    Net5 n;
    auto o = make_opt(n.net.get());
    std::vector<float> x(8 * 4), y(4);
    double d;
    expect_error(cn_mlp_predict(n.net.get(), x.data(), 0, y.data()), CN_ERR_INVALID_ARGUMENT, {"rows is 0", ">= 1"});
    expect_error(cn_mlp_activations(n.net.get(), 1, x.data(), -5, y.data()), CN_ERR_INVALID_ARGUMENT, {"rows is -5"});
    expect_error(cn_mlp_evaluate(n.net.get(), x.data(), y.data(), 0, 0, &d, &d), CN_ERR_INVALID_ARGUMENT, {"rows is 0"});
    expect_error(cn_mlp_compute_gradients(n.net.get(), x.data(), y.data(), 0, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT,
                 {"rows is 0"});
    auto data = make_data(x.data(), y.data(), 4, 8, 1);
    expect_error(cn_train_epoch(n.net.get(), o.get(), data.get(), nullptr, -1, 2, &d, &d), CN_ERR_INVALID_ARGUMENT,
                 {"rows is -1"});
    expect_error(cn_train_epoch(n.net.get(), o.get(), data.get(), nullptr, 0, 2, &d, &d), CN_ERR_INVALID_ARGUMENT,
                 {"rows is 0"});
    expect_error(cn_train_epoch(n.net.get(), o.get(), data.get(), nullptr, 4, 0, &d, &d), CN_ERR_INVALID_ARGUMENT,
                 {"batch is 0"});
    expect_error(cn_train_epoch(n.net.get(), o.get(), data.get(), nullptr, 5, 2, &d, &d), CN_ERR_SHAPE,
                 {"rows is 5", "dataset has 4 rows"});
    cn_dataset* ds = nullptr;
    expect_error(cn_dataset_create(x.data(), y.data(), 0, 8, 1, &ds), CN_ERR_INVALID_ARGUMENT, {"rows is 0"});
    expect_error(cn_dataset_create(x.data(), y.data(), 4, -8, 1, &ds), CN_ERR_INVALID_ARGUMENT, {"x_cols is -8"});
    expect_error(cn_dataset_create(x.data(), y.data(), 4, 8, 0, &ds), CN_ERR_INVALID_ARGUMENT, {"y_cols is 0"});
    // A dataset whose widths do not fit the network.
    auto narrow = make_data(x.data(), y.data(), 4, 7, 1);
    expect_error(cn_train_epoch(n.net.get(), o.get(), narrow.get(), nullptr, 4, 2, &d, &d), CN_ERR_SHAPE,
                 {"7 x columns", "8 inputs"});
}

TEST(Errors, BadOrderAndOptimizerSettings)
{
    Net5 n;
    auto o = make_opt(n.net.get());
    std::vector<float> x(8 * 4), y(4);
    const auto before = read_back(n.net.get());
    auto data = make_data(x.data(), y.data(), 4, 8, 1);
    const int64_t negative[4] = {0, 3, -1, 1};
    expect_error(cn_train_epoch(n.net.get(), o.get(), data.get(), negative, 4, 2, nullptr, nullptr),
                 CN_ERR_INVALID_ARGUMENT, {"order[2]", "-1", "0..3"});
    // Now that the dataset knows its rows, the upper bound is checked too.
    const int64_t beyond[4] = {0, 3, 1, 4};
    expect_error(cn_train_epoch(n.net.get(), o.get(), data.get(), beyond, 4, 2, nullptr, nullptr),
                 CN_ERR_INVALID_ARGUMENT, {"order[3]", "is 4", "0..3"});
    // A rejected epoch trained nothing.
    const auto after = read_back(n.net.get());
    for (size_t l = 0; l < before.size(); ++l) EXPECT_TRUE(same_bits(before[l].kernel, after[l].kernel));
    cn_adadelta* opt = nullptr;
    expect_error(cn_adadelta_create(n.net.get(), -1.0f, 0.95f, 1e-7f, &opt), CN_ERR_INVALID_ARGUMENT, {"lr"});
    expect_error(cn_adadelta_create(n.net.get(), 1.0f, 1.5f, 1e-7f, &opt), CN_ERR_INVALID_ARGUMENT, {"rho"});
    expect_error(cn_adadelta_create(n.net.get(), 1.0f, 0.95f, 0.0f, &opt), CN_ERR_INVALID_ARGUMENT, {"epsilon"});
    EXPECT_EQ(opt, nullptr);
}

TEST(Errors, SuccessClearsTheLastErrorAndErrorsArePerThread)
{
    Net5 n;
    EXPECT_EQ(cn_mlp_set_trainable(n.net.get(), 99, 0), CN_ERR_INVALID_ARGUMENT);
    EXPECT_STRNE(cn_last_error(), "");
    std::string other;
    std::thread t([&] { other = cn_last_error(); });
    t.join();
    EXPECT_EQ(other, "");  // another thread has no error
    EXPECT_EQ(cn_mlp_set_trainable(n.net.get(), 0, 0), CN_OK);
    EXPECT_STREQ(cn_last_error(), "");
}
