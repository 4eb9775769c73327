// test_cpp_raii.cpp: include/variance_scaling.hpp, the C++17 layer.
//
// * Its values equal the C API's bit for bit for every output type and for
//   whole, range, slice and fans fills.
// * vs::Initializer is move-only, a moved-from object is empty and every
//   handle is destroyed exactly once (vs_destroy is counted through the
//   linker's --wrap where the linker has it; ASan and valgrind check the
//   rest).
// * vs::Error carries the status and the very message the C call sets, and
//   a failed call leaves its output untouched; the try_ forms return the
//   statuses.
// * config_json round-trips; derived handles equal their C counterparts.
#include "variance_scaling.hpp"
#include "variance_scaling.hpp"  // the include guard must hold

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "check.h"
#include "util.h"

static_assert(!std::is_copy_constructible<vs::Initializer>::value, "move-only");
static_assert(!std::is_copy_assignable<vs::Initializer>::value, "move-only");
static_assert(std::is_nothrow_move_constructible<vs::Initializer>::value, "noexcept move");
static_assert(std::is_nothrow_move_assignable<vs::Initializer>::value, "noexcept move");
static_assert(std::is_base_of<std::runtime_error, vs::Error>::value, "vs::Error");
static_assert(sizeof(vs::f16_bits) == 2 && sizeof(vs::bf16_bits) == 2, "16-bit wrappers");
static_assert(noexcept(std::declval<const vs::Initializer &>().try_fill(
                  vs::Shape{}, static_cast<float *>(nullptr), 0)),
              "try_fill is noexcept");
static_assert(noexcept(vs::try_fill_fans(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1, 1, 1,
                                         0, static_cast<double *>(nullptr), 0)),
              "try_fill_fans is noexcept");

// Counting vs_destroy: with VS_TEST_WRAP_DESTROY the program is linked with
// -Wl,--wrap=vs_destroy, so this program's calls (the header's) come here.
static long destroy_calls_nonnull = 0;
#ifdef VS_TEST_WRAP_DESTROY
extern "C" void __real_vs_destroy(vs_initializer *init);
extern "C" void __wrap_vs_destroy(vs_initializer *init) {
  if (init != nullptr) destroy_calls_nonnull++;
  __real_vs_destroy(init);
}
#endif

namespace {

const int64_t kShape[] = {3, 3, 16, 32};
const size_t kCount = 3 * 3 * 16 * 32;

// A C handle owned for the test's comparisons.
struct CHandle {
  vs_initializer *h = nullptr;
  CHandle() = default;
  CHandle(const CHandle &) = delete;
  CHandle &operator=(const CHandle &) = delete;
  ~CHandle() { vs_destroy(h); }
};

// Runs f; returns the status of the vs::Error it threw (VS_OK: none) and
// its message in *msg.
vs_status thrown(const std::function<void()> &f, std::string *msg) {
  try {
    f();
  } catch (const vs::Error &e) {
    *msg = e.what();
    return e.status();
  }
  msg->clear();
  return VS_OK;
}

template <typename T>
bool same_bits(const std::vector<T> &a, const std::vector<T> &b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

void test_values_equal_c() {
  const uint64_t seed = 42;
  for (uint32_t dist = 0; dist < 3; dist++) {
    CHandle c;
    CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_IN, dist, &seed, &c.h), VS_OK);
    vs::Initializer h = vs::Initializer::create(2.0, vs::Mode::FanIn,
                                                static_cast<vs::Distribution>(dist), seed);
    CHECK(h.valid());
    vs::Shape shape(kShape, 4);
    CHECK(shape.count() == kCount);

    std::vector<float> cf(kCount), f(kCount);
    std::vector<double> cd(kCount), d(kCount);
    std::vector<uint16_t> ch(kCount), hb(kCount), cb(kCount), bb(kCount);
    CHECK_STATUS(vs_fill_f32(c.h, kShape, 4, cf.data(), kCount), VS_OK);
    CHECK_STATUS(vs_fill_f64(c.h, kShape, 4, cd.data(), kCount), VS_OK);
    CHECK_STATUS(vs_fill_f16(c.h, kShape, 4, ch.data(), kCount), VS_OK);
    CHECK_STATUS(vs_fill_bf16(c.h, kShape, 4, cb.data(), kCount), VS_OK);

    h.fill(shape, f);
    h.fill(shape, d);
    CHECK(same_bits(cf, f));
    CHECK(same_bits(cd, d));
    CHECK(same_bits(cf, h.fill_f32({3, 3, 16, 32})));
    CHECK(same_bits(cd, h.fill_f64(std::vector<int64_t>{3, 3, 16, 32})));
    h.fill(shape, vs::f16, hb.data(), hb.size());
    h.fill(shape, vs::bf16, bb.data(), bb.size());
    CHECK(same_bits(ch, hb));
    CHECK(same_bits(cb, bb));
    std::vector<vs::f16_bits> hw = h.fill_f16(shape);
    std::vector<vs::bf16_bits> bw = h.fill_bf16(shape);
    CHECK(hw.size() == kCount && std::memcmp(hw.data(), ch.data(), kCount * 2) == 0);
    CHECK(bw.size() == kCount && std::memcmp(bw.data(), cb.data(), kCount * 2) == 0);
    CHECK(hw[7].bits == ch[7] && bw[7].bits == cb[7]);

    // try_ forms: same bits, VS_OK
    std::fill(f.begin(), f.end(), 0.0f);
    CHECK_STATUS(h.try_fill(shape, f.data(), f.size()), VS_OK);
    CHECK(same_bits(cf, f));
    std::vector<vs::f16_bits> hw2(kCount);
    CHECK_STATUS(h.try_fill(shape, hw2.data(), hw2.size()), VS_OK);
    CHECK(std::memcmp(hw2.data(), ch.data(), kCount * 2) == 0);

    // range fills: [100, 100 + 700)
    const uint64_t off = 100;
    const size_t n = 700;
    std::vector<float> rf(n);
    std::vector<double> rd(n);
    std::vector<vs::f16_bits> rh(n);
    std::vector<vs::bf16_bits> rb(n);
    h.fill_range(shape, off, rf.data(), n);
    h.fill_range(shape, off, rd.data(), n);
    h.fill_range(shape, off, rh.data(), n);
    h.fill_range(shape, off, rb.data(), n);
    CHECK(std::memcmp(rf.data(), cf.data() + off, n * 4) == 0);
    CHECK(std::memcmp(rd.data(), cd.data() + off, n * 8) == 0);
    CHECK(std::memcmp(rh.data(), ch.data() + off, n * 2) == 0);
    CHECK(std::memcmp(rb.data(), cb.data() + off, n * 2) == 0);

    // slice fills: the box [1, 0, 2, 5] + [2, 3, 4, 6]
    const int64_t start[] = {1, 0, 2, 5};
    const int64_t extent[] = {2, 3, 4, 6};
    const size_t sn = 2 * 3 * 4 * 6;
    std::vector<float> sf(sn), csf(sn);
    std::vector<double> sd(sn), csd(sn);
    std::vector<vs::f16_bits> sh(sn);
    std::vector<vs::bf16_bits> sb(sn);
    std::vector<uint16_t> csh(sn), csb(sn);
    CHECK_STATUS(vs_fill_slice_f32(c.h, kShape, 4, start, extent, csf.data(), sn), VS_OK);
    CHECK_STATUS(vs_fill_slice_f64(c.h, kShape, 4, start, extent, csd.data(), sn), VS_OK);
    CHECK_STATUS(vs_fill_slice_f16(c.h, kShape, 4, start, extent, csh.data(), sn), VS_OK);
    CHECK_STATUS(vs_fill_slice_bf16(c.h, kShape, 4, start, extent, csb.data(), sn), VS_OK);
    h.fill_slice(shape, {1, 0, 2, 5}, {2, 3, 4, 6}, sf.data(), sn);
    h.fill_slice(shape, vs::Shape(start, 4), vs::Shape(extent, 4), sd.data(), sn);
    h.fill_slice(shape, vs::Shape(start, 4), vs::Shape(extent, 4), sh.data(), sn);
    CHECK_STATUS(h.try_fill_slice(shape, vs::Shape(start, 4), vs::Shape(extent, 4), sb.data(), sn),
                 VS_OK);
    CHECK(same_bits(csf, sf));
    CHECK(same_bits(csd, sd));
    CHECK(std::memcmp(sh.data(), csh.data(), sn * 2) == 0);
    CHECK(std::memcmp(sb.data(), csb.data(), sn * 2) == 0);
    // and the box is the whole fill's: element (1, 0, 2, 5)
    CHECK(std::memcmp(&sf[0], &cf[((1 * 3 + 0) * 16 + 2) * 32 + 5], 4) == 0);

    // fills by fans: the values of the default algorithm for fans (144, 32)
    std::vector<float> ff(n), cff(n);
    std::vector<double> fd(n), cfd(n);
    std::vector<vs::f16_bits> fh(n);
    std::vector<vs::bf16_bits> fb(n);
    std::vector<uint16_t> cfh(n), cfb(n);
    CHECK_STATUS(vs_fill_fans_f32(2.0, 0, dist, seed, 144, 32, off, cff.data(), n), VS_OK);
    CHECK_STATUS(vs_fill_fans_f64(2.0, 0, dist, seed, 144, 32, off, cfd.data(), n), VS_OK);
    CHECK_STATUS(vs_fill_fans_f16(2.0, 0, dist, seed, 144, 32, off, cfh.data(), n), VS_OK);
    CHECK_STATUS(vs_fill_fans_bf16(2.0, 0, dist, seed, 144, 32, off, cfb.data(), n), VS_OK);
    auto dd = static_cast<vs::Distribution>(dist);
    vs::fill_fans(2.0, vs::Mode::FanIn, dd, seed, 144, 32, off, ff.data(), n);
    vs::fill_fans(2.0, vs::Mode::FanIn, dd, seed, 144, 32, off, fd.data(), n);
    vs::fill_fans(2.0, vs::Mode::FanIn, dd, seed, 144, 32, off, fh.data(), n);
    CHECK_STATUS(vs::try_fill_fans(2.0, vs::Mode::FanIn, dd, seed, 144, 32, off, fb.data(), n),
                 VS_OK);
    CHECK(same_bits(cff, ff));
    CHECK(same_bits(cfd, fd));
    CHECK(std::memcmp(fh.data(), cfh.data(), n * 2) == 0);
    CHECK(std::memcmp(fb.data(), cfb.data(), n * 2) == 0);
    // the fans fill is the handle's range fill of a shape with these fans
    CHECK(std::memcmp(ff.data(), cf.data() + off, n * 4) == 0);
  }
}

void test_move_semantics() {
  const long before = destroy_calls_nonnull;
  {
    vs::Initializer a = vs::Initializer::create(1.0, vs::Mode::FanAvg, vs::Distribution::Uniform, 7);
    vs_initializer *raw = a.get();
    CHECK(raw != nullptr && a.valid() && static_cast<bool>(a));
    vs::Initializer b(std::move(a));
    CHECK(!a.valid() && a.get() == nullptr);  // NOLINT(bugprone-use-after-move)
    CHECK(b.get() == raw);
    // the moved-from object is empty: its members report a null handle
    std::string msg;
    CHECK(thrown([&] { (void)a.seed(); }, &msg) == VS_ERR_NULL_ARGUMENT);
    CHECK(!msg.empty());
    float x = 0;
    CHECK_STATUS(a.try_fill({1}, &x, 1), VS_ERR_NULL_ARGUMENT);

    vs::Initializer c;
    CHECK(!c.valid());
    c = std::move(b);
    CHECK(c.get() == raw && !b.valid());
    CHECK(c.seed() == 7);

    // move-assigning onto an owning object releases its handle at once
    vs::Initializer d = vs::Initializer::create(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 8);
    const long mid = destroy_calls_nonnull;
    d = std::move(c);
    CHECK(d.get() == raw && d.seed() == 7);
#ifdef VS_TEST_WRAP_DESTROY
    CHECK(destroy_calls_nonnull == mid + 1);
#else
    (void)mid;
#endif
    // self-move keeps the handle
    vs::Initializer &alias = d;
    d = std::move(alias);
    CHECK(d.get() == raw);

    // release(): the caller owns the handle
    vs::Initializer e = vs::Initializer::create(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 9);
    vs_initializer *er = e.release();
    CHECK(!e.valid() && er != nullptr);
    vs::Initializer f(er);  // owned again
    CHECK(f.seed() == 9);
  }
  // a, b, c, e empty; d and f owned: 3 handles made, 3 destroyed (one at
  // the move-assignment, two at the end of the scope), none twice
#ifdef VS_TEST_WRAP_DESTROY
  CHECK(destroy_calls_nonnull == before + 3);
#else
  (void)before;
#endif
}

// A bad input through the C++ layer: vs::Error with the C status and the
// message the C call itself sets for the same input; output untouched.
void test_errors() {
  std::string msg;
  // bad scale
  {
    vs_initializer *h = nullptr;
    CHECK_STATUS(vs_create(-1.0, 0, 0, nullptr, &h), VS_ERR_INVALID_SCALE);
    std::string cmsg = vs_last_error_message();
    vs::Initializer keep = vs::Initializer::create(1.0, vs::Mode::FanIn,
                                                   vs::Distribution::Uniform, 5);
    vs_initializer *raw = keep.get();
    CHECK(thrown([] { (void)vs::Initializer::create(-1.0, vs::Mode::FanIn,
                                                    vs::Distribution::TruncatedNormal, 1); },
                 &msg) == VS_ERR_INVALID_SCALE);
    CHECK(msg == cmsg);
    CHECK_CONTAINS(msg.c_str(), "scale");
    try {
      (void)vs::Initializer::create(-1.0, vs::Mode::FanIn, vs::Distribution::TruncatedNormal);
      CHECK(false);
    } catch (const vs::Error &e) {
      CHECK(std::strncmp(e.status_string(), "VS_ERR_INVALID_SCALE:", 21) == 0);
    }
    CHECK_STATUS(vs::Initializer::try_create(0.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1,
                                             keep),
                 VS_ERR_INVALID_SCALE);
    CHECK(keep.get() == raw);  // unchanged on error
    CHECK_STATUS(vs::Initializer::try_create(3.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1,
                                             keep),
                 VS_OK);
    CHECK(keep.valid() && keep.info().scale == 3.0);
  }
  vs::Initializer h = vs::Initializer::create(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 3);
  // bad shape: a negative dimension
  {
    const int64_t bad[] = {4, -2};
    CHECK_STATUS(vs_fill_f32(h.get(), bad, 2, nullptr, 0), VS_ERR_INVALID_SHAPE);
    std::string cmsg = vs_last_error_message();
    float out[8];
    sentinel_fill(out, sizeof out);
    CHECK(thrown([&] { h.fill({4, -2}, out, 8); }, &msg) == VS_ERR_INVALID_SHAPE);
    CHECK(msg == cmsg && !msg.empty());
    CHECK(sentinel_intact(out, sizeof out));
    CHECK(thrown([&] { (void)h.fill_f64({4, -2}); }, &msg) == VS_ERR_INVALID_SHAPE);
    CHECK(msg == cmsg);
    CHECK(thrown([&] { (void)h.describe({4, -2}); }, &msg) == VS_ERR_INVALID_SHAPE);
    CHECK_ERR(h.try_fill({4, -2}, out, 8), VS_ERR_INVALID_SHAPE, nullptr);
    CHECK(sentinel_intact(out, sizeof out));
    vs::Description d{};
    d.fan_in = 12345;
    CHECK_STATUS(h.try_describe({4, -2}, d), VS_ERR_INVALID_SHAPE);
    CHECK(d.fan_in == 12345);
    // wrong buffer size
    std::vector<double> v(7);
    sentinel_fill(v.data(), v.size() * sizeof(double));
    CHECK(thrown([&] { h.fill({2, 4}, v); }, &msg) == VS_ERR_BUFFER_SIZE);
    CHECK(!msg.empty());
    CHECK(sentinel_intact(v.data(), v.size() * sizeof(double)));
    CHECK_STATUS(h.try_fill({2, 4}, v.data(), v.size()), VS_ERR_BUFFER_SIZE);
    // a box outside the shape, and start/extent of the wrong rank
    float s[4];
    sentinel_fill(s, sizeof s);
    CHECK(thrown([&] { h.fill_slice({4, 4}, {3, 0}, {2, 2}, s, 4); }, &msg) ==
          VS_ERR_INVALID_SHAPE);
    CHECK(!msg.empty());
    CHECK(thrown([&] { h.fill_slice({4, 4}, {0}, {2, 2}, s, 4); }, &msg) ==
          VS_ERR_INVALID_SHAPE);
    CHECK_CONTAINS(msg.c_str(), "rank 2");
    CHECK_STATUS(h.try_fill_slice({4, 4}, {0, 0}, {2}, s, 4), VS_ERR_INVALID_SHAPE);
    CHECK(sentinel_intact(s, sizeof s));
    // range past the end
    CHECK_STATUS(h.try_fill_range({2, 2}, 3, s, 2), VS_ERR_BUFFER_SIZE);
    CHECK(thrown([&] { h.fill_range({2, 2}, 3, s, 2); }, &msg) == VS_ERR_BUFFER_SIZE);
    CHECK(sentinel_intact(s, sizeof s));
    // fans: a negative fan
    CHECK(thrown([&] { vs::fill_fans(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1, -1, 2,
                                     0, s, 4); },
                 &msg) == VS_ERR_INVALID_SHAPE);
    CHECK(sentinel_intact(s, sizeof s));
    CHECK_STATUS(vs::try_fill_fans(-1.0, vs::Mode::FanIn, vs::Distribution::Uniform, 1, 1, 2, 0,
                                   s, 4),
                 VS_ERR_INVALID_SCALE);
  }
  // bad layout and bad algorithm (numbers no enumerator has)
  {
    vs_initializer *o = nullptr;
    CHECK_STATUS(vs_with_layout(h.get(), 99, &o), VS_ERR_INVALID_LAYOUT);
    std::string cmsg = vs_last_error_message();
    CHECK(thrown([&] { (void)h.with_layout(static_cast<vs::Layout>(99)); }, &msg) ==
          VS_ERR_INVALID_LAYOUT);
    CHECK(msg == cmsg && !msg.empty());
    CHECK(thrown([&] { (void)vs::compute_fans({2, 3}, static_cast<vs::Layout>(99)); }, &msg) ==
          VS_ERR_INVALID_LAYOUT);
    CHECK(thrown([&] { (void)h.with_algorithm(static_cast<vs::Algorithm>(77)); }, &msg) ==
          VS_ERR_INVALID_ALGORITHM);
    CHECK_CONTAINS(msg.c_str(), "77");
  }
  // bad JSON
  {
    vs_initializer *o = nullptr;
    CHECK_STATUS(vs_from_config_json("{\"scale\": ", &o), VS_ERR_INVALID_CONFIG);
    std::string cmsg = vs_last_error_message();
    CHECK(thrown([] { (void)vs::Initializer::from_json("{\"scale\": "); }, &msg) ==
          VS_ERR_INVALID_CONFIG);
    CHECK(msg == cmsg && !msg.empty());
    CHECK(thrown([] { (void)vs::Initializer::from_json("{\"bogus_key\": 1}"); }, &msg) ==
          VS_ERR_INVALID_CONFIG);
    CHECK_CONTAINS(msg.c_str(), "bogus_key");
    CHECK(thrown([] { (void)vs::Initializer::from_json("{\"scale\": -3}"); }, &msg) ==
          VS_ERR_INVALID_SCALE);
    CHECK(thrown([] { (void)vs::Initializer::from_json("{\"mode\": \"fan_sideways\"}"); },
                 &msg) == VS_ERR_INVALID_MODE);
    // a string_view that is not NUL-terminated: only its bytes are read
    const char text[] = "\"he_normal\"XYZ";
    vs::Initializer p = vs::Initializer::from_json(std::string_view(text, 11));
    CHECK(p.info().scale == 2.0);
  }
  // an empty object's members
  {
    vs::Initializer empty;
    CHECK(thrown([&] { (void)empty.config_json(); }, &msg) == VS_ERR_NULL_ARGUMENT);
    CHECK(thrown([&] { (void)empty.info(); }, &msg) == VS_ERR_NULL_ARGUMENT);
    CHECK(thrown([&] { (void)empty.with_seed(1); }, &msg) == VS_ERR_NULL_ARGUMENT);
  }
}

void test_config_and_derived() {
  const uint64_t seed = 1234;
  vs::Initializer h = vs::Initializer::create(0.5, vs::Mode::FanOut,
                                              vs::Distribution::UntruncatedNormal, seed);
  const std::string json = h.config_json();
  CHECK_STR_EQ(json.c_str(),
               "{\"seed\":1234,\"scale\":0.5,\"mode\":\"fan_out\",\"distribution\":"
               "\"untruncated_normal\",\"input_axes\":null,\"output_axes\":null}");
  CHECK(json.size() == std::strlen(json.c_str()));  // no NUL kept
  vs::Initializer r = vs::Initializer::from_json(json);
  CHECK(r.config_json() == json);
  CHECK(r.seed() == seed);
  CHECK(same_bits(h.fill_f32({5, 7}), r.fill_f32({5, 7})));

  vs::Info info = h.info();
  CHECK(info.scale == 0.5 && info.seed == seed && info.seeded == 1);
  CHECK(info.mode == VS_MODE_FAN_OUT && info.distribution == VS_DISTRIBUTION_UNTRUNCATED_NORMAL);
  CHECK(info.algorithm == VS_ALGORITHM_DEFAULT && info.has_axes == 0);
  CHECK(h.algorithm() == vs::Algorithm::Splitmix64CtrV2);

  vs::Description d = h.describe({6, 10});
  CHECK(d.fan_in == 6 && d.fan_out == 10 && d.n == 10.0);

  // unseeded: a seed drawn once, reproduced by create(..., seed())
  vs::Initializer u = vs::Initializer::create(1.0, vs::Mode::FanIn, vs::Distribution::Uniform);
  CHECK(u.info().seeded == 0);
  CHECK(u.config_json().find("\"seed\":null") != std::string::npos);
  vs::Initializer u2 =
      vs::Initializer::create(1.0, vs::Mode::FanIn, vs::Distribution::Uniform, u.seed());
  CHECK(same_bits(u.fill_f64({3, 4}), u2.fill_f64({3, 4})));

  // derived handles equal their C counterparts
  const int64_t shape[] = {2, 3, 4, 5};
  const size_t n = 120;
  auto c_values = [&](vs_initializer *c) {
    std::vector<float> v(n);
    CHECK_STATUS(vs_fill_f32(c, shape, 4, v.data(), n), VS_OK);
    vs_destroy(c);
    return v;
  };
  {
    const uint64_t s2 = 99;
    vs_initializer *c = nullptr;
    CHECK_STATUS(vs_with_seed(h.get(), &s2, &c), VS_OK);
    vs::Initializer w = h.with_seed(s2);
    CHECK(w.seed() == 99 && h.seed() == seed);
    CHECK(same_bits(c_values(c), w.fill_f32(vs::Shape(shape, 4))));
    CHECK(!same_bits(h.fill_f32(vs::Shape(shape, 4)), w.fill_f32(vs::Shape(shape, 4))));
    CHECK(h.with_seed(std::nullopt).info().seeded == 0);
  }
  {
    const int64_t in_axes[] = {1, 2, 3};
    const int64_t out_axes[] = {0, 2, 3};
    vs_initializer *c = nullptr;
    CHECK_STATUS(vs_with_axes(h.get(), in_axes, 3, out_axes, 3, &c), VS_OK);
    vs::Initializer w = h.with_axes({1, 2, 3}, {0, 2, 3});
    CHECK(w.info().has_axes == 1 && w.info().n_input_axes == 3);
    CHECK(w.describe(vs::Shape(shape, 4)).fan_in == 60);
    CHECK(w.config_json().find("\"input_axes\":[1,2,3]") != std::string::npos);
    CHECK(same_bits(c_values(c), w.fill_f32(vs::Shape(shape, 4))));
    // empty lists are lists (fan 1), not "no axes"
    vs::Initializer e = h.with_axes({}, {});
    CHECK(e.info().has_axes == 1 && e.describe({7, 9}).fan_in == 1);
    vs::Initializer ca = vs::Initializer::create_with_axes(
        0.5, vs::Mode::FanOut, vs::Distribution::UntruncatedNormal, seed, {1, 2, 3}, {0, 2, 3});
    CHECK(ca.config_json() == w.config_json());
  }
  {
    vs_initializer *c = nullptr;
    CHECK_STATUS(vs_with_layout(h.get(), VS_LAYOUT_OUT_IN, &c), VS_OK);
    vs::Initializer w = h.with_layout(vs::Layout::OutIn);
    CHECK(w.info().layout == VS_LAYOUT_OUT_IN);
    CHECK(w.describe(vs::Shape(shape, 4)).fan_in == 3 * 4 * 5);
    CHECK(vs::compute_fans(vs::Shape(shape, 4), vs::Layout::OutIn) ==
          std::make_pair(int64_t{60}, int64_t{40}));
    CHECK(same_bits(c_values(c), w.fill_f32(vs::Shape(shape, 4))));
  }
  {
    vs_initializer *c = nullptr;
    CHECK_STATUS(vs_with_algorithm(h.get(), VS_ALGORITHM_PCG64_BLOCK_V1, &c), VS_OK);
    vs::Initializer w = h.with_algorithm(vs::Algorithm::Pcg64BlockV1);
    CHECK(w.algorithm() == vs::Algorithm::Pcg64BlockV1);
    std::vector<float> cv = c_values(c);
    CHECK(same_bits(cv, w.fill_f32(vs::Shape(shape, 4))));
    CHECK(!same_bits(cv, h.fill_f32(vs::Shape(shape, 4))));
  }
  {
    vs::Initializer w = h.with_max_threads(1);
    CHECK(w.info().max_threads == 1 && h.info().max_threads == 0);
    CHECK(same_bits(w.fill_f32({300, 1000}), h.fill_f32({300, 1000})));
  }
}

void test_seeds() {
  CHECK(vs::derive_seed(42, 3) == vs_derive_seed(42, 3));
  CHECK(vs::derive_seed(42, "layers.3.attn.q_proj.weight") ==
        vs_derive_seed_name(42, "layers.3.attn.q_proj.weight"));
  CHECK(vs::derive_seed(42, std::string_view("abcdef", 3)) == vs_derive_seed_name(42, "abc"));
  CHECK(vs::derive_seed(42, "a") != vs::derive_seed(42, "b"));
  CHECK_STR_EQ(vs::version(), VS_VERSION_STRING);
}

}  // namespace

int main() {
  test_values_equal_c();
  test_move_semantics();
  test_errors();
  test_config_and_derived();
  test_seeds();
#ifdef VS_TEST_WRAP_DESTROY
  CHECK(destroy_calls_nonnull > 0);  // the wrap is in place
#endif
  return check_finish("test_cpp_raii");
}
