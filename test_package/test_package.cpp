// test_package.cpp: a C++17 program over variance_scaling.hpp built against
// the Conan package through find_package(VarianceScaling). It fills the
// README's quick-start kernel with vs::Initializer (from Keras JSON and from
// create), checks values bit for bit, and checks that a bad config throws
// vs::Error with its status and a message. Exits 0 only when every check
// passed.
//
// SPDX-License-Identifier: MIT OR Apache-2.0

#include <variance_scaling.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "test_package (C++): FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main(int argc, char **argv) {
  const char *linkage = argc > 1 ? argv[1] : "?";
  const std::vector<int64_t> shape{3, 3, 16, 32};
  try {
    // A Keras 3 HeNormal(seed=42), as keras.saving.serialize_keras_object
    // writes it.
    const vs::Initializer keras = vs::Initializer::from_json(
        R"({"module": "keras.initializers", "class_name": "HeNormal",)"
        R"( "config": {"seed": 42}, "registered_name": null})");
    const std::vector<float> w = keras.fill_f32(shape);
    check(w.size() == 4608, "fill_f32 gives 3*3*16*32 values");
    check(w.size() == 4608 && w[0] == 0x1.b6828ap-4f, "w[0] == 0x1.b6828ap-4");
    check(w.size() == 4608 && w[4607] == 0x1.04bffap-2f, "w[4607] == 0x1.04bffap-2");
    check(keras.seed() == 42, "seed() == 42");

    const vs::Initializer he =
        vs::Initializer::create(2.0, vs::Mode::FanIn, vs::Distribution::TruncatedNormal, 42);
    std::vector<float> v(w.size());
    he.fill(shape, v);
    check(v == w, "create(2, fan_in, truncated_normal, 42) fills what the Keras config fills");
    std::printf("w[0] = %+f  w[1] = %+f  w[4607] = %+f\n", v[0], v[1], v[4607]);
  } catch (const vs::Error &e) {
    std::fprintf(stderr, "unexpected vs::Error: %s: %s\n", e.status_string(), e.what());
    ++failures;
  }

  bool thrown = false;
  try {
    (void)vs::Initializer::from_json(R"({"class_name": "HeNormal", "config": {"seed": -1}})");
  } catch (const vs::Error &e) {
    thrown = true;
    std::printf("bad config: %s\n", e.what());
    check(e.status() == VS_ERR_INVALID_CONFIG, "a negative seed gives VS_ERR_INVALID_CONFIG");
    check(std::strstr(e.what(), "seed") != nullptr, "the message names `seed`");
  }
  check(thrown, "a negative seed throws vs::Error");

  if (failures != 0) return 1;
  std::printf("test_package (C++, %s): all checks passed\n", linkage);
  return 0;
}
