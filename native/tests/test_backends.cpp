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
