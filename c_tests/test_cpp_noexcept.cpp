// test_cpp_noexcept.cpp: include/variance_scaling.hpp in a program built
// with -fno-exceptions (c_tests/CMakeLists.txt), as engines built without
// exceptions use it.
//
// * The header compiles without exceptions, and every try_ form works:
//   creates, from JSON, derived handles, getters, describe, fills; their
//   values are the C API's bit for bit.
// * A failing try_ form returns the C status, sets the library's message
//   and leaves its out-parameters untouched.
// * A throwing form that fails, here, prints the status and message and
//   aborts (checked in a child process).
#include "variance_scaling.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "check.h"

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "test_cpp_noexcept.cpp must be built with -fno-exceptions"
#endif

namespace {

const int64_t kShape[] = {3, 3, 16, 32};
const size_t kCount = 3 * 3 * 16 * 32;

// The C API's fill of kShape for `h` (binary32).
std::vector<float> c_fill(vs_initializer *h) {
  std::vector<float> w(kCount);
  CHECK_STATUS(vs_fill_f32(h, kShape, 4, w.data(), w.size()), VS_OK);
  return w;
}

void test_success_paths() {
  vs::Initializer he;
  CHECK_STATUS(vs::Initializer::try_create(2.0, vs::Mode::FanIn,
                                           vs::Distribution::TruncatedNormal, 42, he),
               VS_OK);
  CHECK(he.valid());
  std::vector<float> w(kCount);
  CHECK_STATUS(he.try_fill({3, 3, 16, 32}, w.data(), w.size()), VS_OK);
  CHECK(w == c_fill(he.get()));
  // the quick start's values
  CHECK(w[0] == 0x1.b6828ap-4f && w[1] == 0x1.489c8ap-4f && w[kCount - 1] == 0x1.04bffap-2f);

  // the throwing forms work here too while nothing fails: vector fills of
  // 16-bit bits equal the C API's
  std::vector<vs::f16_bits> h16(kCount);
  std::vector<vs::bf16_bits> b16(kCount);
  he.fill({3, 3, 16, 32}, h16);
  he.fill({3, 3, 16, 32}, b16);
  std::vector<uint16_t> c16(kCount), cb16(kCount);
  CHECK_STATUS(vs_fill_f16(he.get(), kShape, 4, c16.data(), kCount), VS_OK);
  CHECK_STATUS(vs_fill_bf16(he.get(), kShape, 4, cb16.data(), kCount), VS_OK);
  CHECK(std::memcmp(h16.data(), c16.data(), kCount * 2) == 0);
  CHECK(std::memcmp(b16.data(), cb16.data(), kCount * 2) == 0);

  vs::Initializer js;
  CHECK_STATUS(vs::Initializer::try_from_json(
                   R"({"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": 42})",
                   js),
               VS_OK);
  std::vector<float> wj(kCount);
  CHECK_STATUS(js.try_fill({3, 3, 16, 32}, wj.data(), wj.size()), VS_OK);
  CHECK(wj == w);

  uint64_t seed = 0;
  CHECK_STATUS(js.try_seed(seed), VS_OK);
  CHECK(seed == 42);
  std::string json;
  CHECK_STATUS(js.try_config_json(json), VS_OK);
  CHECK(json.find("\"seed\":42") != std::string::npos);
  vs::Info info{};
  CHECK_STATUS(js.try_info(info), VS_OK);
  CHECK(info.seed == 42 && info.scale == 2.0);
  vs::Algorithm alg{};
  CHECK_STATUS(js.try_algorithm(alg), VS_OK);
  CHECK(alg == vs::Algorithm::Splitmix64CtrV2);

  // derived handles equal their C counterparts
  vs::Initializer s7, axes, torch, v1, capped, ax2;
  CHECK_STATUS(he.try_with_seed(7, s7), VS_OK);
  uint64_t s = 0;
  CHECK_STATUS(s7.try_seed(s), VS_OK);
  CHECK(s == 7);
  vs_initializer *c7 = nullptr;
  const uint64_t seven = 7;
  CHECK_STATUS(vs_with_seed(he.get(), &seven, &c7), VS_OK);
  std::vector<float> w7(kCount);
  CHECK_STATUS(s7.try_fill({3, 3, 16, 32}, w7.data(), w7.size()), VS_OK);
  CHECK(w7 == c_fill(c7));
  vs_destroy(c7);

  const int64_t in_axes[] = {2}, out_axes[] = {3};
  CHECK_STATUS(he.try_with_axes(vs::Shape(in_axes, 1), vs::Shape(out_axes, 1), axes), VS_OK);
  vs::Description d{};
  CHECK_STATUS(axes.try_describe({3, 3, 16, 32}, d), VS_OK);
  CHECK(d.fan_in == 16 && d.fan_out == 32);
  CHECK_STATUS(vs::Initializer::try_create_with_axes(2.0, vs::Mode::FanIn,
                                                     vs::Distribution::TruncatedNormal, 42,
                                                     vs::Shape(in_axes, 1),
                                                     vs::Shape(out_axes, 1), ax2),
               VS_OK);
  CHECK_STATUS(ax2.try_describe({3, 3, 16, 32}, d), VS_OK);
  CHECK(d.fan_in == 16 && d.fan_out == 32);

  CHECK_STATUS(he.try_with_layout(vs::Layout::OutIn, torch), VS_OK);
  CHECK_STATUS(torch.try_describe({64, 16, 3, 3}, d), VS_OK);
  CHECK(d.fan_in == 16 * 9 && d.fan_out == 64 * 9);
  int64_t fi = 0, fo = 0;
  CHECK_STATUS(vs::try_compute_fans({64, 16, 3, 3}, vs::Layout::OutIn, fi, fo), VS_OK);
  CHECK(fi == 16 * 9 && fo == 64 * 9);

  CHECK_STATUS(he.try_with_algorithm(vs::Algorithm::Pcg64BlockV1, v1), VS_OK);
  std::vector<float> w1(kCount);
  CHECK_STATUS(v1.try_fill({3, 3, 16, 32}, w1.data(), w1.size()), VS_OK);
  vs_initializer *c1 = nullptr;
  CHECK_STATUS(vs_with_algorithm(he.get(), VS_ALGORITHM_PCG64_BLOCK_V1, &c1), VS_OK);
  CHECK(w1 == c_fill(c1) && w1 != w);  // 0.1's values, not v2's
  vs_destroy(c1);
  CHECK_STATUS(he.try_with_max_threads(1, capped), VS_OK);
  CHECK_STATUS(capped.try_info(info), VS_OK);
  CHECK(info.max_threads == 1);
}

void test_error_paths() {
  // a failed create leaves `out` as it was
  vs::Initializer keep;
  CHECK_STATUS(vs::Initializer::try_create(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 5,
                                           keep),
               VS_OK);
  vs_initializer *before = keep.get();
  CHECK_ERR(vs::Initializer::try_create(-1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1,
                                        keep),
            VS_ERR_INVALID_SCALE, "-1");
  CHECK(keep.get() == before);
  CHECK_ERR(vs::Initializer::try_from_json(R"({"seed": -42})", keep), VS_ERR_INVALID_CONFIG,
            "seed=-42");
  CHECK(keep.get() == before);
  CHECK_ERR(keep.try_with_layout(static_cast<vs::Layout>(9), keep), VS_ERR_INVALID_LAYOUT, "9");
  CHECK(keep.get() == before);
  CHECK_ERR(keep.try_with_algorithm(static_cast<vs::Algorithm>(99), keep),
            VS_ERR_INVALID_ALGORITHM, "99");
  CHECK(keep.get() == before);
  // axes are checked against a shape when one is given: the describe fails,
  // naming the axis, and leaves its output untouched
  const int64_t bad_axis[] = {7}, ok_axis[] = {0};
  vs::Initializer far;
  CHECK_STATUS(keep.try_with_axes(vs::Shape(bad_axis, 1), vs::Shape(ok_axis, 1), far), VS_OK);
  vs::Description d{};
  d.fan_in = -5;
  CHECK_ERR(far.try_describe({3, 3, 16, 32}, d), VS_ERR_INVALID_SHAPE, "input_axes[0] = 7");
  CHECK(d.fan_in == -5);

  // a failed fill leaves the buffer untouched
  std::vector<float> w(10, 1.5f);
  CHECK_ERR(keep.try_fill({3, 3, 16, 32}, w.data(), w.size()), VS_ERR_BUFFER_SIZE, "10");
  CHECK(w == std::vector<float>(10, 1.5f));

  // getters of an empty object report the null handle, outputs untouched
  vs::Initializer empty;
  uint64_t seed = 123;
  CHECK_STATUS(empty.try_seed(seed), VS_ERR_NULL_ARGUMENT);
  CHECK(seed == 123);
  std::string json = "unchanged";
  CHECK_STATUS(empty.try_config_json(json), VS_ERR_NULL_ARGUMENT);
  CHECK(json == "unchanged");
  int64_t fi = -1, fo = -1;
  CHECK_STATUS(vs::try_compute_fans({3, -3}, vs::Layout::InOut, fi, fo), VS_ERR_INVALID_SHAPE);
  CHECK(fi == -1 && fo == -1);
}

// A throwing form that fails aborts here, after printing the status and the
// library's message to stderr.
void test_throwing_form_aborts() {
  int pipefd[2];
  CHECK(pipe(pipefd) == 0);
  const pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    (void)vs::Initializer::create(-1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1);
    _exit(0);  // not reached: create aborts
  }
  close(pipefd[1]);
  std::string err;
  char buf[256];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  CHECK_CONTAINS(err.c_str(), "VS_ERR_INVALID_SCALE");
  CHECK_CONTAINS(err.c_str(), "-1");
}

}  // namespace

int main() {
  test_success_paths();
  test_error_paths();
  test_throwing_form_aborts();
  return check_finish("cpp_noexcept");
}
