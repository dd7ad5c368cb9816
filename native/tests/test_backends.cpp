// Choosing a backend: ids and names, explicit requests, the CULTURENET_BACKEND override, what a network reports.
#include "test_support.h"

#include <cstdlib>
#include <string>

using namespace cntest;

namespace {

const std::vector<int32_t> kWidths{6, 4, 1};
const std::vector<int32_t> kActs{CN_ACT_RELU, CN_ACT_LINEAR};

cn_status create_on(int32_t backend, int32_t precision, cn_mlp** out)
{
    const cn_mlp_options options{backend, precision};
    return cn_mlp_create_with(2, kWidths.data(), kActs.data(), &options, out);
}

// Sets an environment variable for the scope of a test and restores what was there.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name)
    {
        const char* old = std::getenv(name);
        had_ = old != nullptr;
        if (had_) old_ = old;
        if (value) setenv(name, value, 1);
        else unsetenv(name);
    }
    ~ScopedEnv()
    {
        if (had_) setenv(name_.c_str(), old_.c_str(), 1);
        else unsetenv(name_.c_str());
    }

private:
    std::string name_, old_;
    bool had_ = false;
};

}  // namespace

TEST(Backends, NamesAndIds)
{
    EXPECT_STREQ(cn_backend_name(CN_BACKEND_DEFAULT), "default");
    EXPECT_STREQ(cn_backend_name(CN_BACKEND_OPENBLAS), "openblas");
    EXPECT_STREQ(cn_backend_name(CN_BACKEND_ONEDNN), "onednn");
    EXPECT_EQ(cn_backend_name(3), nullptr);
    EXPECT_EQ(cn_backend_name(-1), nullptr);
}

TEST(Backends, OpenblasOnRequestAndWhatTheNetworkReports)
{
    cn_mlp* raw = nullptr;
    ASSERT_EQ(create_on(CN_BACKEND_OPENBLAS, CN_PRECISION_FLOAT32, &raw), CN_OK) << cn_last_error();
    NetPtr net(raw);
    EXPECT_EQ(cn_mlp_backend(net.get()), CN_BACKEND_OPENBLAS);
    EXPECT_EQ(cn_mlp_precision(net.get()), CN_PRECISION_FLOAT32);
    const std::string info = cn_mlp_backend_info(net.get());
    EXPECT_EQ(info.rfind("openblas (", 0), 0u) << info;
    EXPECT_EQ(info, cn_backend_info(CN_BACKEND_OPENBLAS));
    int32_t resolved = -1;
    EXPECT_EQ(cn_backend_probe(CN_BACKEND_OPENBLAS, CN_PRECISION_FLOAT32, &resolved), CN_OK);
    EXPECT_EQ(resolved, CN_BACKEND_OPENBLAS);
}

TEST(Backends, UnknownIdsAreInvalidArguments)
{
    cn_mlp* net = reinterpret_cast<cn_mlp*>(0x1);
    EXPECT_EQ(create_on(7, CN_PRECISION_FLOAT32, &net), CN_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(cn_last_error()).find("backend is 7"), std::string::npos) << cn_last_error();
    EXPECT_EQ(net, nullptr);
    EXPECT_EQ(create_on(CN_BACKEND_DEFAULT, 5, &net), CN_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(cn_last_error()).find("precision is 5"), std::string::npos) << cn_last_error();
    EXPECT_EQ(cn_backend_probe(-2, CN_PRECISION_FLOAT32, nullptr), CN_ERR_INVALID_ARGUMENT);
}

TEST(Backends, OpenblasRefusesMixedBfloat16)
{
    cn_mlp* net = nullptr;
    EXPECT_EQ(create_on(CN_BACKEND_OPENBLAS, CN_PRECISION_MIXED_BFLOAT16, &net), CN_ERR_BACKEND);
    const std::string msg = cn_last_error();
    for (const char* w : {"cn_mlp_create", "openblas", "float32 only", "cblas_sbgemm", "onednn"})
        EXPECT_NE(msg.find(w), std::string::npos) << "message \"" << msg << "\" lacks \"" << w << "\"";
    EXPECT_EQ(net, nullptr);
    EXPECT_EQ(cn_backend_probe(CN_BACKEND_OPENBLAS, CN_PRECISION_MIXED_BFLOAT16, nullptr), CN_ERR_BACKEND);
}

TEST(Backends, EnvironmentOverridesTheDefaultOnly)
{
    {
        ScopedEnv env("CULTURENET_BACKEND", "openblas");
        cn_mlp* raw = nullptr;
        ASSERT_EQ(create_on(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, &raw), CN_OK) << cn_last_error();
        NetPtr net(raw);
        EXPECT_EQ(cn_mlp_backend(net.get()), CN_BACKEND_OPENBLAS);
        int32_t resolved = -1;
        EXPECT_EQ(cn_backend_probe(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, &resolved), CN_OK);
        EXPECT_EQ(resolved, CN_BACKEND_OPENBLAS);
        // The variable names the backend to use: asking it for what it cannot do is an error, not a fallback.
        cn_mlp* none = nullptr;
        EXPECT_EQ(create_on(CN_BACKEND_DEFAULT, CN_PRECISION_MIXED_BFLOAT16, &none), CN_ERR_BACKEND);
        EXPECT_NE(std::string(cn_last_error()).find("from CULTURENET_BACKEND"), std::string::npos) << cn_last_error();
    }
    {
        ScopedEnv env("CULTURENET_BACKEND", "cuda");
        cn_mlp* net = nullptr;
        EXPECT_EQ(create_on(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, &net), CN_ERR_INVALID_ARGUMENT);
        const std::string msg = cn_last_error();
        for (const char* w : {"CULTURENET_BACKEND", "'cuda'", "onednn or openblas"})
            EXPECT_NE(msg.find(w), std::string::npos) << "message \"" << msg << "\" lacks \"" << w << "\"";
        // An explicit request does not read the variable.
        cn_mlp* raw = nullptr;
        ASSERT_EQ(create_on(CN_BACKEND_OPENBLAS, CN_PRECISION_FLOAT32, &raw), CN_OK) << cn_last_error();
        cn_mlp_free(raw);
    }
}

TEST(Backends, TheSuiteRunsOnTheBackendTheEnvironmentNames)
{
    // ctest runs this whole suite once per backend by setting CULTURENET_BACKEND; make sure that is what ran.
    const char* env = std::getenv("CULTURENET_BACKEND");
    auto net = make_net(kWidths, kActs);
    if (env == nullptr || env[0] == '\0') {
        int32_t resolved = -1;
        ASSERT_EQ(cn_backend_probe(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, &resolved), CN_OK);
        EXPECT_EQ(cn_mlp_backend(net.get()), resolved);
    } else {
        EXPECT_STREQ(cn_backend_name(cn_mlp_backend(net.get())), env);
    }
}

TEST(Backends, OnednnOnRequestReportsWhatRuns)
{
    cn_mlp* raw = nullptr;
    ASSERT_EQ(create_on(CN_BACKEND_ONEDNN, CN_PRECISION_FLOAT32, &raw), CN_OK) << cn_last_error();
    NetPtr net(raw);
    EXPECT_EQ(cn_mlp_backend(net.get()), CN_BACKEND_ONEDNN);
    const std::string info = cn_mlp_backend_info(net.get());
    EXPECT_EQ(info.rfind("onednn 2.", 0), 0u) << info;
    EXPECT_NE(info.find("("), std::string::npos) << info;  // the implementation, e.g. (brg:avx512_core)
    const std::string library = cn_backend_info(CN_BACKEND_ONEDNN);
    EXPECT_EQ(library.rfind("onednn 2.", 0), 0u) << library;
    EXPECT_NE(library.find("cpu isa"), std::string::npos) << library;
    // With oneDNN installed, it is the default (unless the environment names another backend).
    const char* env = std::getenv("CULTURENET_BACKEND");
    if (env == nullptr || env[0] == '\0') {
        int32_t resolved = -1;
        ASSERT_EQ(cn_backend_probe(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, &resolved), CN_OK);
        EXPECT_EQ(resolved, CN_BACKEND_ONEDNN);
    }
}

TEST(Backends, OptimizerOfAnotherBackendIsRejected)
{
    cn_mlp *a_raw = nullptr, *b_raw = nullptr;
    ASSERT_EQ(create_on(CN_BACKEND_OPENBLAS, CN_PRECISION_FLOAT32, &a_raw), CN_OK);
    ASSERT_EQ(create_on(CN_BACKEND_ONEDNN, CN_PRECISION_FLOAT32, &b_raw), CN_OK) << cn_last_error();
    NetPtr a(a_raw), b(b_raw);
    auto ob = make_opt(b.get());
    std::vector<float> x(12, 0.5f), y(2, 0.1f);
    EXPECT_EQ(train_batch(a.get(), ob.get(), x.data(), y.data(), 2, nullptr, nullptr), CN_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(cn_last_error()).find("onednn backend"), std::string::npos) << cn_last_error();
}

TEST(Backends, BothBackendsComputeTheSameFunction)
{
    // Different GEMMs, same mathematics: one training step agrees to float32 rounding.
    std::mt19937 rng(3);
    const std::vector<int32_t> widths{40, 30, 20, 1}, acts{CN_ACT_RELU, CN_ACT_RELU, CN_ACT_LINEAR};
    auto layers = random_layers(rng, widths, acts, 0.3f);
    auto x = uniform(rng, 50 * 40, -1, 1), y = uniform(rng, 50, -1, 1);
    std::vector<std::vector<Layer>> after;
    for (int32_t backend : {CN_BACKEND_OPENBLAS, CN_BACKEND_ONEDNN}) {
        cn_mlp* raw = nullptr;
        const cn_mlp_options o{backend, CN_PRECISION_FLOAT32};
        ASSERT_EQ(cn_mlp_create_with(3, widths.data(), acts.data(), &o, &raw), CN_OK) << cn_last_error();
        NetPtr net(raw);
        load(net.get(), layers);
        auto opt = make_opt(net.get(), 0.01f);
        ASSERT_EQ(train_epoch(net.get(), opt.get(), x.data(), y.data(), 50, nullptr, 25, nullptr, nullptr), CN_OK);
        after.push_back(read_back(net.get()));
    }
    for (size_t l = 0; l < layers.size(); ++l)
        for (size_t i = 0; i < after[0][l].kernel.size(); ++i)
            EXPECT_NEAR(after[0][l].kernel[i], after[1][l].kernel[i], 1e-5 * (1 + std::fabs(after[0][l].kernel[i])))
                << "layer " << l << " entry " << i;
}

// ---- bad environments: each runs in a fresh process (a death test re-executes this binary), where the library is
// loaded for the first time under the environment set here. ----

namespace {

// Creates a network on `backend` at `precision` and exits 0 when that fails with CN_ERR_BACKEND, printing the message.
[[noreturn]] void expect_backend_error_and_exit(int32_t backend, int32_t precision)
{
    cn_mlp* net = nullptr;
    const cn_status st = create_on(backend, precision, &net);
    std::fprintf(stderr, "status=%d message=%s\n", (int)st, cn_last_error());
    std::fflush(stderr);
    std::_Exit(st == CN_ERR_BACKEND && net == nullptr ? 0 : 1);
}

[[noreturn]] void expect_created_and_exit(int32_t backend, int32_t precision, int32_t want_backend, const char* info_has)
{
    cn_mlp* net = nullptr;
    const cn_status st = create_on(backend, precision, &net);
    const std::string info = net ? std::string(cn_mlp_backend_info(net)) + " | " + cn_backend_info(want_backend)
                                 : std::string(cn_last_error());
    std::fprintf(stderr, "status=%d backend=%d info=%s\n", (int)st, net ? (int)cn_mlp_backend(net) : -1, info.c_str());
    std::fflush(stderr);
    std::_Exit(st == CN_OK && cn_mlp_backend(net) == want_backend && info.find(info_has) != std::string::npos ? 0 : 1);
}

}  // namespace

TEST(BadEnvironment, OnednnMissingIsABackendErrorNamingThePackage)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    // The real loading path: dlopen of a library that is not there.
    ScopedEnv lib("CULTURENET_ONEDNN_LIBRARY", "libdnnl.so.0-not-installed");
    ScopedEnv backend("CULTURENET_BACKEND", nullptr);
    EXPECT_EXIT(expect_backend_error_and_exit(CN_BACKEND_ONEDNN, CN_PRECISION_FLOAT32), ::testing::ExitedWithCode(0),
                "status=4 message=cn_mlp_create: backend onednn: oneDNN \\(libdnnl.so.0-not-installed\\) could not be "
                "loaded: .*cannot open shared object file.*apt-get install libdnnl2");
    EXPECT_EXIT(expect_backend_error_and_exit(CN_BACKEND_ONEDNN, CN_PRECISION_MIXED_BFLOAT16), ::testing::ExitedWithCode(0),
                "status=4 .*apt-get install libdnnl2");
    // The default falls back to openblas for float32 ...
    EXPECT_EXIT(expect_created_and_exit(CN_BACKEND_DEFAULT, CN_PRECISION_FLOAT32, CN_BACKEND_OPENBLAS, "openblas ("),
                ::testing::ExitedWithCode(0), "status=0 backend=1 info=openblas \\(");
    // ... but mixed_bfloat16 has no other backend, so it says what to install.
    EXPECT_EXIT(expect_backend_error_and_exit(CN_BACKEND_DEFAULT, CN_PRECISION_MIXED_BFLOAT16), ::testing::ExitedWithCode(0),
                "status=4 message=cn_mlp_create: .*apt-get install libdnnl2");
}

TEST(BadEnvironment, Bfloat16WithoutTheInstructionSetNamesIt)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    // oneDNN's own switch really limits the instructions it uses: here, to AVX2, which has no bfloat16 arithmetic.
    ScopedEnv isa("ONEDNN_MAX_CPU_ISA", "AVX2");
    ScopedEnv backend("CULTURENET_BACKEND", nullptr);
    EXPECT_EXIT(expect_backend_error_and_exit(CN_BACKEND_ONEDNN, CN_PRECISION_MIXED_BFLOAT16), ::testing::ExitedWithCode(0),
                "status=4 message=cn_mlp_create: backend onednn: mixed_bfloat16 needs a CPU with avx512_bf16 \\(or "
                "amx_bf16\\).*runs on avx2");
    // float32 still runs there, on AVX2 code.
    EXPECT_EXIT(expect_created_and_exit(CN_BACKEND_ONEDNN, CN_PRECISION_FLOAT32, CN_BACKEND_ONEDNN, "cpu isa avx2)"),
                ::testing::ExitedWithCode(0), "status=0 backend=2 info=onednn 2\\..*cpu isa avx2\\)");
}

TEST(Backends, GemmTimingThroughEachBackend)
{
    for (int32_t backend : {CN_BACKEND_OPENBLAS, CN_BACKEND_ONEDNN}) {
        double seconds = -1;
        ASSERT_EQ(cn_backend_time_gemm(backend, CN_PRECISION_FLOAT32, 64, 50, 80, 3, &seconds), CN_OK) << cn_last_error();
        EXPECT_GT(seconds, 0.0);
    }
    double seconds = -1;
    ASSERT_EQ(cn_backend_time_gemm(CN_BACKEND_ONEDNN, CN_PRECISION_MIXED_BFLOAT16, 64, 50, 80, 3, &seconds), CN_OK)
        << cn_last_error();
    EXPECT_GT(seconds, 0.0);
    EXPECT_EQ(cn_backend_time_gemm(CN_BACKEND_OPENBLAS, CN_PRECISION_MIXED_BFLOAT16, 64, 50, 80, 3, &seconds), CN_ERR_BACKEND);
    EXPECT_EQ(cn_backend_time_gemm(CN_BACKEND_ONEDNN, CN_PRECISION_FLOAT32, 0, 50, 80, 3, &seconds), CN_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(cn_last_error()).find("expected all >= 1"), std::string::npos) << cn_last_error();
}

TEST(Backends, UpdateTrafficTiming)
{
    double seconds = -1;
    // A size that is not a whole number of cache lines, on one thread and on several.
    for (int32_t threads : {1, 3}) {
        cn_set_thread_num_threads(threads);
        ASSERT_EQ(cn_time_update_traffic(100003, 2, &seconds), CN_OK) << cn_last_error();
        EXPECT_GT(seconds, 0.0);
    }
    cn_set_thread_num_threads(0);
    EXPECT_EQ(cn_time_update_traffic(0, 2, &seconds), CN_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(cn_last_error()).find("expected both >= 1"), std::string::npos) << cn_last_error();
    EXPECT_EQ(cn_time_update_traffic(1000, 0, &seconds), CN_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(cn_time_update_traffic(1000, 1, nullptr), CN_ERR_INVALID_ARGUMENT);
    // More than memory holds: a clean error naming the call, not a crash.
    EXPECT_EQ(cn_time_update_traffic(INT64_C(1) << 60, 1, &seconds), CN_ERR_OUT_OF_MEMORY);
    EXPECT_NE(std::string(cn_last_error()).find("cn_time_update_traffic"), std::string::npos) << cn_last_error();
}
