// test_cxx.cpp: the header from C++17. It is included twice (the include
// guard must hold), its declarations must have C linkage (this program
// links against the C library), and its enums must be usable as C++ types.
#include "variance_scaling.h"
#include "variance_scaling.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "check.h"
#include "util.h"

static_assert(std::is_same<std::underlying_type<vs_status>::type, std::int32_t>::value,
              "vs_status is an int32_t enum in C++");
static_assert(std::is_same<std::underlying_type<vs_mode>::type, std::uint32_t>::value,
              "vs_mode is a uint32_t enum in C++");
static_assert(std::is_same<std::underlying_type<vs_distribution>::type, std::uint32_t>::value,
              "vs_distribution is a uint32_t enum in C++");
static_assert(std::is_same<decltype(vs_create(1.0, 0, 0, nullptr, nullptr)), vs_status>::value,
              "functions return vs_status");
static_assert(std::is_standard_layout<vs_params>::value, "vs_params is a C struct");
static_assert(sizeof(vs_params) == 40, "vs_params: 2 int64_t and 3 double");
static_assert(std::is_same<std::underlying_type<vs_algorithm_id>::type, std::uint32_t>::value,
              "vs_algorithm_id is a uint32_t enum in C++");
static_assert(std::is_same<std::underlying_type<vs_layout>::type, std::uint32_t>::value,
              "vs_layout is a uint32_t enum in C++");
static_assert(std::is_standard_layout<vs_info>::value, "vs_info is a C struct");
static_assert(std::is_standard_layout<vs_description>::value, "vs_description is a C struct");
static_assert(sizeof(vs_description) == 56, "vs_description: 7 members of 8 bytes");
static_assert(offsetof(vs_info, struct_size) == 0 && offsetof(vs_description, struct_size) == 0,
              "size-prefixed structs start with their size");
static_assert(VS_BLOCK_LEN == 1024, "constants");
static_assert(VS_ALGORITHM_DEFAULT == VS_ALGORITHM_SPLITMIX64_CTR_V2, "the default algorithm");
static_assert(std::is_same<decltype(vs_fill_slice_f32(nullptr, nullptr, 0, nullptr, nullptr,
                                                      nullptr, 0)),
                           vs_status>::value,
              "slice fills return vs_status");

namespace {

// A small RAII owner, as a C++ wrapper would write it.
struct Initializer {
  vs_initializer *h = nullptr;
  Initializer() = default;
  Initializer(const Initializer &) = delete;
  Initializer &operator=(const Initializer &) = delete;
  ~Initializer() { vs_destroy(h); }
};

void test_basics() {
  CHECK(std::string(vs_version()) == VS_VERSION_STRING);
  CHECK(std::string(vs_version()) == VS_TEST_CARGO_VERSION);
  CHECK(std::string(vs_algorithm()) == "splitmix64-ctr-v2");
  CHECK(std::string(vs_algorithm_name(VS_ALGORITHM_PCG64_BLOCK_V1)) == "pcg64-block-v1");
  CHECK(vs_algorithm_name(0) == nullptr);
  const std::string isa = vs_isa();
  CHECK(isa == "portable" || isa == "avx2" || isa == "avx512");
  CHECK(std::string(vs_status_str(VS_ERR_INVALID_SCALE)).find("VS_ERR_INVALID_SCALE") == 0);
  vs_destroy(nullptr);
}

void test_fill_and_config() {
  // golden case he_normal_conv3x3: seed 42, HeNormal, shape [3, 3, 64, 64]
  // (tests/data/golden_vectors_v2.txt and, with v1 selected,
  // golden_vectors.txt)
  const std::uint64_t seed = 42;
  const std::int64_t shape[] = {3, 3, 64, 64};
  const std::uint32_t golden_f32[4] = {0x3d5b4145u, 0x3d244e45u, 0x3c73506eu, 0xbcfd7b50u};
  const std::uint32_t golden_v1_f32[4] = {0xbde14ea6u, 0xbdfefd03u, 0x3ca7b342u, 0xbd0a64dfu};
  Initializer init;
  CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed, &init.h),
               VS_OK);
  if (init.h == nullptr) return;
  std::vector<float> w(3 * 3 * 64 * 64);
  CHECK_STATUS(vs_fill_f32(init.h, shape, 4, w.data(), w.size()), VS_OK);
  for (int i = 0; i < 4; i++) {
    std::uint32_t bits;
    std::memcpy(&bits, &w[static_cast<std::size_t>(i)], sizeof bits);
    CHECK(bits == golden_f32[i]);
  }
  {
    Initializer v1;
    CHECK_STATUS(vs_with_algorithm(init.h, VS_ALGORITHM_PCG64_BLOCK_V1, &v1.h), VS_OK);
    std::vector<float> w1(4);
    const std::int64_t start[] = {0, 0, 0, 0}, extent[] = {1, 1, 1, 4};
    CHECK_STATUS(vs_fill_slice_f32(v1.h, shape, 4, start, extent, w1.data(), w1.size()), VS_OK);
    for (int i = 0; i < 4; i++) {
      std::uint32_t bits;
      std::memcpy(&bits, &w1[static_cast<std::size_t>(i)], sizeof bits);
      CHECK(bits == golden_v1_f32[i]);
    }
  }
  vs_params p{};
  CHECK_STATUS(vs_describe(init.h, shape, 4, &p), VS_OK);
  CHECK(p.fan_in == 576 && p.fan_out == 576 && p.n == 576.0);
  CHECK(std::fabs(p.stddev - std::sqrt(2.0 / 576.0) / VS_TRUNCATED_NORMAL_STDDEV) < 1e-15);
  for (float x : w) CHECK(std::fabs(static_cast<double>(x)) <= p.limit);

  std::size_t len = 0;
  CHECK_STATUS(vs_get_config_json(init.h, nullptr, 0, &len), VS_OK);
  std::string json(len + 1, '\0');
  CHECK_STATUS(vs_get_config_json(init.h, &json[0], json.size(), &len), VS_OK);
  json.resize(len);
  CHECK(json ==
        "{\"seed\":42,\"scale\":2.0,\"mode\":\"fan_in\",\"distribution\":\"truncated_normal\","
        "\"input_axes\":null,\"output_axes\":null}");

  Initializer again;
  CHECK_STATUS(vs_from_config_json(json.c_str(), &again.h), VS_OK);
  std::vector<float> w2(w.size());
  CHECK_STATUS(vs_fill_f32(again.h, shape, 4, w2.data(), w2.size()), VS_OK);
  CHECK(std::memcmp(w.data(), w2.data(), w.size() * sizeof(float)) == 0);
}

void test_errors() {
  Initializer init;
  init.h = reinterpret_cast<vs_initializer *>(&init);  // a non-NULL dummy
  CHECK_ERR(vs_create(-1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, nullptr, &init.h),
            VS_ERR_INVALID_SCALE, "scale");
  CHECK(init.h == nullptr);
  CHECK_ERR(vs_from_config_json("\"normal\"", &init.h), VS_ERR_INVALID_CONFIG, "RandomNormal");
  CHECK(init.h == nullptr);
  std::int64_t fan_in = -1, fan_out = -1;
  const std::int64_t bad[] = {3, -3};
  CHECK_ERR(vs_compute_fans(bad, 2, &fan_in, &fan_out), VS_ERR_INVALID_SHAPE, "shape");
  CHECK(fan_in == -1 && fan_out == -1);
}

}  // namespace

int main() {
  skip_unless_requested_isa_runs("cxx_" VS_TEST_LINKAGE);
  test_basics();
  test_fill_and_config();
  test_errors();
  return check_finish("cxx_" VS_TEST_LINKAGE);
}
