// main.cpp: a C++17 program that uses an installed libvariance_scaling
// through find_package(VarianceScaling), built by ctest (tests/install/checks.sh)
// against the shared and the static library: the C API directly, and the
// installed C++ layer variance_scaling.hpp (RAII handle, vs::Error). The header must compile
// cleanly as C++17 (-Wall -Wextra -Wpedantic -Werror) and link without any
// extern "C" help from the caller.
//
// SPDX-License-Identifier: MIT OR Apache-2.0

#include <variance_scaling.h>
#include <variance_scaling.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>
#include <vector>

namespace {

struct Destroy {
    void operator()(vs_initializer *p) const noexcept { vs_destroy(p); }
};
using Initializer = std::unique_ptr<vs_initializer, Destroy>;

int failures = 0;

void check(bool ok, std::string_view what)
{
    if (!ok) {
        std::fprintf(stderr, "consumer_cxx: FAILED: %.*s\n", static_cast<int>(what.size()),
                     what.data());
        ++failures;
    }
}

Initializer make(double scale, vs_mode mode, vs_distribution dist, std::uint64_t seed,
                 vs_status &st)
{
    vs_initializer *raw = nullptr;
    st = vs_create(scale, mode, dist, &seed, &raw);
    return Initializer(raw);
}

}  // namespace

int main()
{
    static_assert(VS_ABI_MAJOR >= 0, "VS_ABI_MAJOR is an integer constant");
    constexpr std::string_view header_version = VS_VERSION_STRING;

    std::printf("vs_version=%s\n", vs_version());
    check(std::string_view(vs_version()) == header_version, "vs_version() == VS_VERSION_STRING");

    vs_status st = VS_OK;
    const auto init = make(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 42, st);
    check(st == VS_OK && init != nullptr, "vs_create(he_normal, seed 42)");

    const std::vector<std::int64_t> shape{3, 3, 16, 32};
    std::vector<float> w(3 * 3 * 16 * 32);
    if (init) {
        st = vs_fill_f32(init.get(), shape.data(), shape.size(), w.data(), w.size());
        check(st == VS_OK, "vs_fill_f32");
        check(w.front() == 0x1.b6828ap-4f, "w[0] == 0x1.b6828ap-4");
        check(w[1] == 0x1.489c8ap-4f, "w[1] == 0x1.489c8ap-4");
        check(w.back() == 0x1.04bffap-2f, "w[4607] == 0x1.04bffap-2");

        // a shard: output channels 8..16 of the same kernel, equal to the
        // whole fill's elements
        const std::vector<std::int64_t> start{0, 0, 0, 8}, extent{3, 3, 16, 8};
        std::vector<float> shard(3 * 3 * 16 * 8);
        st = vs_fill_slice_f32(init.get(), shape.data(), shape.size(), start.data(),
                               extent.data(), shard.data(), shard.size());
        check(st == VS_OK && shard[0] == w[8] && shard[8] == w[40] && shard.back() == w[4607 - 16],
              "vs_fill_slice_f32 equals the whole fill's box");

        vs_params p{};
        st = vs_describe(init.get(), shape.data(), shape.size(), &p);
        check(st == VS_OK && p.fan_in == 3 * 3 * 16 && p.fan_out == 3 * 3 * 32,
              "vs_describe fans (144, 288)");
    }

    const auto bad = make(2.0, static_cast<vs_mode>(7), VS_DISTRIBUTION_UNIFORM, 1, st);
    check(st == VS_ERR_INVALID_MODE && bad == nullptr, "mode 7 gives VS_ERR_INVALID_MODE");
    check(std::string_view(vs_status_str(st)).substr(0, 19) == "VS_ERR_INVALID_MODE",
          "vs_status_str names the status");

    // the C++ layer, installed beside the C header: the same values
    try {
        const auto cxx = vs::Initializer::from_json(
            R"({"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": 42})");
        const std::vector<float> v = cxx.fill_f32({3, 3, 16, 32});
        check(v == w, "vs::Initializer::fill_f32 equals vs_fill_f32");
        check(cxx.seed() == 42, "vs::Initializer::seed() == 42");
        const auto derived = cxx.with_seed(7);
        check(derived.seed() == 7 && cxx.seed() == 42, "with_seed derives a new handle");
    } catch (const vs::Error &e) {
        std::fprintf(stderr, "consumer_cxx: unexpected vs::Error %d: %s\n",
                     static_cast<int>(e.status()), e.what());
        ++failures;
    }
    try {
        (void)vs::Initializer::create(-1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1);
        check(false, "scale -1 throws vs::Error");
    } catch (const vs::Error &e) {
        check(e.status() == VS_ERR_INVALID_SCALE && std::string_view(e.what()).find("-1") !=
                                                         std::string_view::npos,
              "scale -1 throws vs::Error(VS_ERR_INVALID_SCALE) naming the value");
    }

    if (failures == 0)
        std::printf("consumer_cxx OK\n");
    return failures == 0 ? 0 : 1;
}
