// variance_scaling.hpp: a C++17, header-only layer over the C API of
// libvariance_scaling (variance_scaling.h). It adds no behaviour: every
// call is one C call, and every value is bit for bit the C API's.
//
// * `vs::Initializer` owns one `vs_initializer *` (RAII, move-only).
// * Failures throw `vs::Error` (a `std::runtime_error`) carrying the
//   `vs_status` and the library's message (`vs_last_error_message()`,
//   read right after the failing call).
// * Every throwing member and function that can fail has a `noexcept` form
//   whose name starts with `try_` and which returns the `vs_status`
//   instead (results through an out-parameter, written only on success);
//   the message is then in `vs_last_error_message()` as in C. (The
//   `fill_f32()`-style members that return a new vector have none: a
//   `try_fill` into the caller's memory is their `noexcept` form.)
// * Code built without exceptions (`-fno-exceptions`) can include the
//   header and use the `try_` forms; there, a throwing form that fails
//   prints the status and message to stderr and calls `std::abort()`, as
//   the standard library does for its own throws.
// * 16-bit fills write IEEE-754 binary16 or bfloat16 *bits*: pass a
//   `vs::f16_bits *` / `vs::bf16_bits *` (standard-layout wrappers over
//   one `uint16_t`, the same size and alignment), or a `uint16_t *` with
//   the tag `vs::f16` / `vs::bf16`.
// * Shapes are `vs::Shape`: a (pointer, count) view of `int64_t` made from
//   a `std::vector<int64_t>`, a `std::array<int64_t, N>` or a pointer and a
//   count, or a small copy of a braced list such as `{3, 3, 16, 32}`.
#ifndef VARIANCE_SCALING_HPP
#define VARIANCE_SCALING_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "variance_scaling.h"

/// The C++ layer of libvariance_scaling.
namespace vs {

/// Error thrown by the throwing members and functions of this header: the
/// C status and the library's message for the failing call.
class Error : public std::runtime_error {
 public:
  /// An error with status `status` and message `message`.
  Error(vs_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  /// The C status of the failed call (never `VS_OK`).
  vs_status status() const noexcept { return status_; }
  /// The status's description, as `vs_status_str` gives it: its name,
  /// then what it means (e.g. "VS_ERR_INVALID_SCALE: ...").
  const char *status_string() const noexcept {
    const char *s = vs_status_str(static_cast<int32_t>(status_));
    return s != nullptr ? s : "";
  }

 private:
  vs_status status_;
};

namespace detail {
/// Throws `e` (built without exceptions: prints it and aborts).
[[noreturn]] inline void raise(const Error &e) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
  throw e;
#else
  std::fprintf(stderr, "vs::Error (%s): %s\n", e.status_string(), e.what());
  std::abort();
#endif
}
/// Throws `vs::Error` for a status other than `VS_OK`; reads the message
/// at once, on the calling thread, right after the call that failed.
inline void check(vs_status status) {
  if (status != VS_OK) {
    const char *m = vs_last_error_message();
    raise(Error(status, m != nullptr ? std::string(m) : std::string()));
  }
}
}  // namespace detail

/// How `n` is derived from the fans (`vs_mode`).
enum class Mode : uint32_t {
  FanIn = VS_MODE_FAN_IN,    ///< n = fan_in
  FanOut = VS_MODE_FAN_OUT,  ///< n = fan_out
  FanAvg = VS_MODE_FAN_AVG,  ///< n = (fan_in + fan_out) / 2
};

/// The distribution sampled (`vs_distribution`).
enum class Distribution : uint32_t {
  TruncatedNormal = VS_DISTRIBUTION_TRUNCATED_NORMAL,      ///< normal cut at 2 stddev
  UntruncatedNormal = VS_DISTRIBUTION_UNTRUNCATED_NORMAL,  ///< plain normal
  Uniform = VS_DISTRIBUTION_UNIFORM,                       ///< uniform in (-limit, limit)
};

/// The fan rule of a stored weight (`vs_layout`; see variance_scaling.h).
enum class Layout : uint32_t {
  InOut = VS_LAYOUT_IN_OUT,                ///< Keras/TF `(..., in, out)` (default)
  OutIn = VS_LAYOUT_OUT_IN,                ///< PyTorch/ONNX `(out, in, ...)`
  OutSpatialIn = VS_LAYOUT_OUT_SPATIAL_IN, ///< `(out, ..., in)`
};

/// The sampling algorithm (`vs_algorithm_id`).
enum class Algorithm : uint32_t {
  Pcg64BlockV1 = VS_ALGORITHM_PCG64_BLOCK_V1,      ///< 0.1's algorithm
  Splitmix64CtrV2 = VS_ALGORITHM_SPLITMIX64_CTR_V2,  ///< the default
};

/// IEEE-754 binary16 bits, as `vs_fill_f16` writes them. Same size and
/// alignment as `uint16_t`; `bits` is the value's bit pattern.
struct f16_bits {
  uint16_t bits;  ///< the binary16 bit pattern
};
/// bfloat16 bits, as `vs_fill_bf16` writes them. Same size and alignment
/// as `uint16_t`; `bits` is the value's bit pattern.
struct bf16_bits {
  uint16_t bits;  ///< the bfloat16 bit pattern
};
static_assert(sizeof(f16_bits) == 2 && alignof(f16_bits) == alignof(uint16_t), "f16_bits");
static_assert(sizeof(bf16_bits) == 2 && alignof(bf16_bits) == alignof(uint16_t), "bf16_bits");

/// Tag type: a `uint16_t *` output holds binary16 bits.
struct f16_t {};
/// Tag type: a `uint16_t *` output holds bfloat16 bits.
struct bf16_t {};
/// The tag for binary16 output into `uint16_t *`.
inline constexpr f16_t f16{};
/// The tag for bfloat16 output into `uint16_t *`.
inline constexpr bf16_t bf16{};

/// A view of `int64_t` values (a shape, a start, an extent or an axes
/// list): a pointer and a count. Made from a pointer and a count, a
/// `std::vector<int64_t>` or a `std::array<int64_t, N>`, it does not copy
/// (the values must outlive the call it is passed to). Made from a braced
/// list (`{3, 3, 16, 32}`), it copies up to `max_inline` values into
/// itself, so a temporary list is safe; a longer braced list gives a view
/// with no data, which the calls report as `VS_ERR_NULL_ARGUMENT` (use a
/// vector for such ranks).
class Shape {
 public:
  /// The most values a braced list may hold.
  static constexpr size_t max_inline = 16;
  /// The empty view (a scalar's shape).
  constexpr Shape() noexcept = default;
  /// `size` values at `data` (`data` may be null only when `size` is 0).
  constexpr Shape(const int64_t *data, size_t size) noexcept : ext_(data), size_(size) {}
  /// A copy of a braced list, e.g. `{3, 3, 16, 32}` (see the class).
  Shape(std::initializer_list<int64_t> list) noexcept : size_(list.size()), inline_(true) {
    if (list.size() > max_inline) {
      inline_ = false;  // ext_ stays null: the call reports a null argument
      return;
    }
    size_t i = 0;
    for (int64_t v : list) buf_[i++] = v;
  }
  /// A vector's values.
  Shape(const std::vector<int64_t> &v) noexcept : ext_(v.data()), size_(v.size()) {}
  /// An array's values.
  template <size_t N>
  constexpr Shape(const std::array<int64_t, N> &a) noexcept : ext_(a.data()), size_(N) {}
  /// The first value (null for an empty view made without values).
  const int64_t *data() const noexcept {
    if (inline_) return size_ != 0 ? buf_ : nullptr;
    return ext_;
  }
  /// The number of values.
  constexpr size_t size() const noexcept { return size_; }
  /// Element count of the shape: the product of its values (1 for a
  /// scalar). Does not check for negatives or overflow: the fills do.
  size_t count() const noexcept {
    const int64_t *d = data();
    size_t n = 1;
    for (size_t i = 0; d != nullptr && i < size_; ++i) n *= static_cast<size_t>(d[i]);
    return n;
  }

 private:
  const int64_t *ext_ = nullptr;
  size_t size_ = 0;
  bool inline_ = false;
  int64_t buf_[max_inline] = {};
};

/// What an initializer is (`vs_info`), from `Initializer::info()`.
using Info = vs_info;
/// What a fill of a shape uses (`vs_description`), from `describe`.
using Description = vs_description;

/// An owned initializer handle: scale, mode, distribution, seed, fan rule,
/// algorithm and thread cap. Move-only; the destructor releases the
/// handle (`vs_destroy`). A moved-from object is empty (`valid()` is
/// false); every member other than destruction, assignment and `valid()`
/// then throws `vs::Error` with `VS_ERR_NULL_ARGUMENT` (the `try_` forms
/// return it). Immutable: any number of threads may fill from one object.
class Initializer {
 public:
  /// An empty object (owns nothing).
  Initializer() noexcept = default;
  /// Takes ownership of a handle from the C API (may be null: empty).
  explicit Initializer(vs_initializer *handle) noexcept : h_(handle) {}
  Initializer(const Initializer &) = delete;
  Initializer &operator=(const Initializer &) = delete;
  /// Takes `other`'s handle; `other` is left empty.
  Initializer(Initializer &&other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  /// Releases this object's handle, then takes `other`'s; `other` is left
  /// empty. Self-assignment keeps the handle.
  Initializer &operator=(Initializer &&other) noexcept {
    if (this != &other) {
      vs_destroy(h_);
      h_ = std::exchange(other.h_, nullptr);
    }
    return *this;
  }
  /// Releases the handle (`vs_destroy`; nothing when empty).
  ~Initializer() { vs_destroy(h_); }

  /// `vs_create`: `seed` empty draws one from the OS (the config JSON
  /// then says `"seed": null`). Throws `vs::Error`.
  static Initializer create(double scale, Mode mode, Distribution distribution,
                            std::optional<uint64_t> seed = std::nullopt) {
    Initializer r;
    detail::check(try_create(scale, mode, distribution, seed, r));
    return r;
  }
  /// `noexcept` form of `create`: on success `out` owns the new handle
  /// (its old one is released); on error `out` is left unchanged.
  static vs_status try_create(double scale, Mode mode, Distribution distribution,
                              std::optional<uint64_t> seed, Initializer &out) noexcept {
    vs_initializer *h = nullptr;
    vs_status s = vs_create(scale, static_cast<uint32_t>(mode),
                            static_cast<uint32_t>(distribution), seed ? &*seed : nullptr, &h);
    if (s == VS_OK) out = Initializer(h);
    return s;
  }
  /// `vs_create_with_axes`: explicit fan axes (Keras 3.15 `input_axes`,
  /// `output_axes`; negative axes count from the end). Throws `vs::Error`.
  static Initializer create_with_axes(double scale, Mode mode, Distribution distribution,
                                      std::optional<uint64_t> seed, Shape input_axes,
                                      Shape output_axes) {
    Initializer r;
    detail::check(
        try_create_with_axes(scale, mode, distribution, seed, input_axes, output_axes, r));
    return r;
  }
  /// `noexcept` form of `create_with_axes` (`out` as for `try_create`).
  static vs_status try_create_with_axes(double scale, Mode mode, Distribution distribution,
                                        std::optional<uint64_t> seed, Shape input_axes,
                                        Shape output_axes, Initializer &out) noexcept {
    vs_initializer *h = nullptr;
    vs_status s = vs_create_with_axes(
        scale, static_cast<uint32_t>(mode), static_cast<uint32_t>(distribution),
        seed ? &*seed : nullptr, nonnull(input_axes), input_axes.size(), nonnull(output_axes),
        output_axes.size(), &h);
    if (s == VS_OK) out = Initializer(h);
    return s;
  }
  /// `vs_from_config_json`: any JSON the C library reads (a Keras config,
  /// a serialized initializer or a name). Throws `vs::Error`.
  static Initializer from_json(std::string_view json) {
    std::string text(json);  // NUL-terminated copy
    Initializer r;
    detail::check(try_from_json(text.c_str(), r));
    return r;
  }
  /// `noexcept` form of `from_json`, for a NUL-terminated text (`out` as
  /// for `try_create`).
  static vs_status try_from_json(const char *json, Initializer &out) noexcept {
    vs_initializer *h = nullptr;
    vs_status s = vs_from_config_json(json, &h);
    if (s == VS_OK) out = Initializer(h);
    return s;
  }

  /// True when this object owns a handle.
  bool valid() const noexcept { return h_ != nullptr; }
  /// True when this object owns a handle.
  explicit operator bool() const noexcept { return valid(); }
  /// The C handle (still owned by this object; null when empty).
  vs_initializer *get() const noexcept { return h_; }
  /// Gives up ownership: returns the handle and leaves this object empty.
  vs_initializer *release() noexcept { return std::exchange(h_, nullptr); }

  /// The config as Keras 3.15's `get_config()` JSON (`vs_get_config_json`:
  /// a size query, then the fill). Throws `vs::Error`.
  std::string config_json() const {
    std::string s;
    detail::check(try_config_json(s));
    return s;
  }
  /// `noexcept` form of `config_json`; `out` is written only on success
  /// (it allocates: an allocation failure terminates, as in any
  /// `noexcept` function).
  vs_status try_config_json(std::string &out) const noexcept {
    size_t len = 0;
    vs_status st = vs_get_config_json(h_, nullptr, 0, &len);
    if (st != VS_OK) return st;
    std::string s(len + 1, '\0');
    st = vs_get_config_json(h_, &s[0], s.size(), &len);
    if (st != VS_OK) return st;
    s.resize(len);
    out = std::move(s);
    return VS_OK;
  }
  /// The 64-bit seed in use (`vs_get_seed`). Throws `vs::Error`.
  uint64_t seed() const {
    uint64_t s = 0;
    detail::check(try_seed(s));
    return s;
  }
  /// `noexcept` form of `seed`; `out` is written only on success.
  vs_status try_seed(uint64_t &out) const noexcept { return vs_get_seed(h_, &out); }
  /// What the handle is (`vs_get_info`). Throws `vs::Error`.
  Info info() const {
    Info i{};
    detail::check(try_info(i));
    return i;
  }
  /// `noexcept` form of `info`; `out` is written only on success.
  vs_status try_info(Info &out) const noexcept {
    Info i{};
    i.struct_size = sizeof(Info);
    vs_status s = vs_get_info(h_, &i);
    if (s == VS_OK) out = i;
    return s;
  }
  /// The handle's algorithm (`vs_get_algorithm`). Throws `vs::Error`.
  Algorithm algorithm() const {
    Algorithm a{};
    detail::check(try_algorithm(a));
    return a;
  }
  /// `noexcept` form of `algorithm`; `out` is written only on success.
  vs_status try_algorithm(Algorithm &out) const noexcept {
    uint32_t a = 0;
    vs_status s = vs_get_algorithm(h_, &a);
    if (s == VS_OK) out = static_cast<Algorithm>(a);
    return s;
  }
  /// What a fill of `shape` uses (`vs_describe_ex`). Throws `vs::Error`.
  Description describe(Shape shape) const {
    Description d{};
    detail::check(try_describe(shape, d));
    return d;
  }
  /// `noexcept` form of `describe`; `out` is written only on success.
  vs_status try_describe(Shape shape, Description &out) const noexcept {
    Description d{};
    d.struct_size = sizeof(Description);
    vs_status s = vs_describe_ex(h_, shape.data(), shape.size(), &d);
    if (s == VS_OK) out = d;
    return s;
  }

  /// @name Whole-tensor fills (`vs_fill_*`)
  /// `out` has `size` elements, which must be `shape`'s element count
  /// (`VS_ERR_BUFFER_SIZE`). On error nothing is written. The throwing
  /// forms throw `vs::Error`; the `try_` forms return the status.
  ///@{
  /// binary32 values.
  void fill(Shape shape, float *out, size_t size) const { detail::check(try_fill(shape, out, size)); }
  /// binary64 values.
  void fill(Shape shape, double *out, size_t size) const { detail::check(try_fill(shape, out, size)); }
  /// binary16 bits.
  void fill(Shape shape, f16_bits *out, size_t size) const { detail::check(try_fill(shape, out, size)); }
  /// bfloat16 bits.
  void fill(Shape shape, bf16_bits *out, size_t size) const { detail::check(try_fill(shape, out, size)); }
  /// binary16 bits into `uint16_t`.
  void fill(Shape shape, f16_t, uint16_t *out, size_t size) const {
    detail::check(try_fill(shape, f16, out, size));
  }
  /// bfloat16 bits into `uint16_t`.
  void fill(Shape shape, bf16_t, uint16_t *out, size_t size) const {
    detail::check(try_fill(shape, bf16, out, size));
  }
  /// Fills a vector of floats (its size must be the element count).
  void fill(Shape shape, std::vector<float> &out) const { fill(shape, out.data(), out.size()); }
  /// Fills a vector of doubles (its size must be the element count).
  void fill(Shape shape, std::vector<double> &out) const { fill(shape, out.data(), out.size()); }
  /// Fills a vector of binary16 bits (its size must be the element count).
  void fill(Shape shape, std::vector<f16_bits> &out) const { fill(shape, out.data(), out.size()); }
  /// Fills a vector of bfloat16 bits (its size must be the element count).
  void fill(Shape shape, std::vector<bf16_bits> &out) const { fill(shape, out.data(), out.size()); }
  /// binary32 values. `noexcept`.
  vs_status try_fill(Shape shape, float *out, size_t size) const noexcept {
    return vs_fill_f32(h_, shape.data(), shape.size(), out, size);
  }
  /// binary64 values. `noexcept`.
  vs_status try_fill(Shape shape, double *out, size_t size) const noexcept {
    return vs_fill_f64(h_, shape.data(), shape.size(), out, size);
  }
  /// binary16 bits. `noexcept`.
  vs_status try_fill(Shape shape, f16_bits *out, size_t size) const noexcept {
    return vs_fill_f16(h_, shape.data(), shape.size(), bits(out), size);
  }
  /// bfloat16 bits. `noexcept`.
  vs_status try_fill(Shape shape, bf16_bits *out, size_t size) const noexcept {
    return vs_fill_bf16(h_, shape.data(), shape.size(), bits(out), size);
  }
  /// binary16 bits into `uint16_t`. `noexcept`.
  vs_status try_fill(Shape shape, f16_t, uint16_t *out, size_t size) const noexcept {
    return vs_fill_f16(h_, shape.data(), shape.size(), out, size);
  }
  /// bfloat16 bits into `uint16_t`. `noexcept`.
  vs_status try_fill(Shape shape, bf16_t, uint16_t *out, size_t size) const noexcept {
    return vs_fill_bf16(h_, shape.data(), shape.size(), out, size);
  }
  ///@}

  /// A new vector of `shape`'s binary32 values. Throws `vs::Error`
  /// (checks the shape before allocating).
  std::vector<float> fill_f32(Shape shape) const { return make<float>(shape); }
  /// A new vector of `shape`'s binary64 values. Throws `vs::Error`.
  std::vector<double> fill_f64(Shape shape) const { return make<double>(shape); }
  /// A new vector of `shape`'s binary16 bits. Throws `vs::Error`.
  std::vector<f16_bits> fill_f16(Shape shape) const { return make<f16_bits>(shape); }
  /// A new vector of `shape`'s bfloat16 bits. Throws `vs::Error`.
  std::vector<bf16_bits> fill_bf16(Shape shape) const { return make<bf16_bits>(shape); }

  /// @name Range fills (`vs_fill_range_*`)
  /// Elements `[offset, offset + count)` of the row-major fill of `shape`.
  ///@{
  /// binary32 values.
  void fill_range(Shape shape, uint64_t offset, float *out, size_t count) const {
    detail::check(try_fill_range(shape, offset, out, count));
  }
  /// binary64 values.
  void fill_range(Shape shape, uint64_t offset, double *out, size_t count) const {
    detail::check(try_fill_range(shape, offset, out, count));
  }
  /// binary16 bits.
  void fill_range(Shape shape, uint64_t offset, f16_bits *out, size_t count) const {
    detail::check(try_fill_range(shape, offset, out, count));
  }
  /// bfloat16 bits.
  void fill_range(Shape shape, uint64_t offset, bf16_bits *out, size_t count) const {
    detail::check(try_fill_range(shape, offset, out, count));
  }
  /// binary32 values. `noexcept`.
  vs_status try_fill_range(Shape shape, uint64_t offset, float *out, size_t count) const noexcept {
    return vs_fill_range_f32(h_, shape.data(), shape.size(), offset, out, count);
  }
  /// binary64 values. `noexcept`.
  vs_status try_fill_range(Shape shape, uint64_t offset, double *out, size_t count) const noexcept {
    return vs_fill_range_f64(h_, shape.data(), shape.size(), offset, out, count);
  }
  /// binary16 bits. `noexcept`.
  vs_status try_fill_range(Shape shape, uint64_t offset, f16_bits *out,
                           size_t count) const noexcept {
    return vs_fill_range_f16(h_, shape.data(), shape.size(), offset, bits(out), count);
  }
  /// bfloat16 bits. `noexcept`.
  vs_status try_fill_range(Shape shape, uint64_t offset, bf16_bits *out,
                           size_t count) const noexcept {
    return vs_fill_range_bf16(h_, shape.data(), shape.size(), offset, bits(out), count);
  }
  ///@}

  /// @name Slice fills (`vs_fill_slice_*`)
  /// The row-major box `[start, start + extent)` of the fill of `shape`;
  /// `size` must be the product of `extent`. `start` and `extent` have
  /// `shape.size()` values each, else `VS_ERR_INVALID_SHAPE`: checked
  /// here, since the C API cannot see the lengths (the throwing forms
  /// throw a message naming the lengths; the `try_` forms set no new
  /// `vs_last_error_message` for it).
  ///@{
  /// binary32 values.
  void fill_slice(Shape shape, Shape start, Shape extent, float *out, size_t size) const {
    check_rank(shape, start, extent);
    detail::check(try_fill_slice(shape, start, extent, out, size));
  }
  /// binary64 values.
  void fill_slice(Shape shape, Shape start, Shape extent, double *out, size_t size) const {
    check_rank(shape, start, extent);
    detail::check(try_fill_slice(shape, start, extent, out, size));
  }
  /// binary16 bits.
  void fill_slice(Shape shape, Shape start, Shape extent, f16_bits *out, size_t size) const {
    check_rank(shape, start, extent);
    detail::check(try_fill_slice(shape, start, extent, out, size));
  }
  /// bfloat16 bits.
  void fill_slice(Shape shape, Shape start, Shape extent, bf16_bits *out, size_t size) const {
    check_rank(shape, start, extent);
    detail::check(try_fill_slice(shape, start, extent, out, size));
  }
  /// binary32 values. `noexcept`.
  vs_status try_fill_slice(Shape shape, Shape start, Shape extent, float *out,
                           size_t size) const noexcept {
    if (!same_rank(shape, start, extent)) return rank_error();
    return vs_fill_slice_f32(h_, shape.data(), shape.size(), start.data(), extent.data(), out,
                             size);
  }
  /// binary64 values. `noexcept`.
  vs_status try_fill_slice(Shape shape, Shape start, Shape extent, double *out,
                           size_t size) const noexcept {
    if (!same_rank(shape, start, extent)) return rank_error();
    return vs_fill_slice_f64(h_, shape.data(), shape.size(), start.data(), extent.data(), out,
                             size);
  }
  /// binary16 bits. `noexcept`.
  vs_status try_fill_slice(Shape shape, Shape start, Shape extent, f16_bits *out,
                           size_t size) const noexcept {
    if (!same_rank(shape, start, extent)) return rank_error();
    return vs_fill_slice_f16(h_, shape.data(), shape.size(), start.data(), extent.data(),
                             bits(out), size);
  }
  /// bfloat16 bits. `noexcept`.
  vs_status try_fill_slice(Shape shape, Shape start, Shape extent, bf16_bits *out,
                           size_t size) const noexcept {
    if (!same_rank(shape, start, extent)) return rank_error();
    return vs_fill_slice_bf16(h_, shape.data(), shape.size(), start.data(), extent.data(),
                              bits(out), size);
  }
  ///@}

  /// @name Derived handles (`vs_with_*`)
  /// A new, independent initializer equal to this one but for one
  /// setting. The plain forms throw `vs::Error`; the `try_` forms return
  /// the status and, on success only, make `out` own the new handle
  /// (releasing its old one).
  ///@{
  /// Another seed (`vs_with_seed`; empty: draw one from the OS).
  Initializer with_seed(std::optional<uint64_t> seed) const {
    Initializer r;
    detail::check(try_with_seed(seed, r));
    return r;
  }
  /// Explicit fan axes (`vs_with_axes`).
  Initializer with_axes(Shape input_axes, Shape output_axes) const {
    Initializer r;
    detail::check(try_with_axes(input_axes, output_axes, r));
    return r;
  }
  /// A layout's fan rule (`vs_with_layout`; replaces any axes).
  Initializer with_layout(Layout layout) const {
    Initializer r;
    detail::check(try_with_layout(layout, r));
    return r;
  }
  /// Another sampling algorithm (`vs_with_algorithm`).
  Initializer with_algorithm(Algorithm algorithm) const {
    Initializer r;
    detail::check(try_with_algorithm(algorithm, r));
    return r;
  }
  /// A thread cap of its own (`vs_with_max_threads`; 0: none).
  Initializer with_max_threads(uint32_t n) const {
    Initializer r;
    detail::check(try_with_max_threads(n, r));
    return r;
  }
  /// `noexcept` form of `with_seed`.
  vs_status try_with_seed(std::optional<uint64_t> seed, Initializer &out) const noexcept {
    vs_initializer *h = nullptr;
    return adopt(vs_with_seed(h_, seed ? &*seed : nullptr, &h), h, out);
  }
  /// `noexcept` form of `with_axes`.
  vs_status try_with_axes(Shape input_axes, Shape output_axes, Initializer &out) const noexcept {
    vs_initializer *h = nullptr;
    return adopt(vs_with_axes(h_, nonnull(input_axes), input_axes.size(), nonnull(output_axes),
                              output_axes.size(), &h),
                 h, out);
  }
  /// `noexcept` form of `with_layout`.
  vs_status try_with_layout(Layout layout, Initializer &out) const noexcept {
    vs_initializer *h = nullptr;
    return adopt(vs_with_layout(h_, static_cast<uint32_t>(layout), &h), h, out);
  }
  /// `noexcept` form of `with_algorithm`.
  vs_status try_with_algorithm(Algorithm algorithm, Initializer &out) const noexcept {
    vs_initializer *h = nullptr;
    return adopt(vs_with_algorithm(h_, static_cast<uint32_t>(algorithm), &h), h, out);
  }
  /// `noexcept` form of `with_max_threads`.
  vs_status try_with_max_threads(uint32_t n, Initializer &out) const noexcept {
    vs_initializer *h = nullptr;
    return adopt(vs_with_max_threads(h_, n, &h), h, out);
  }
  ///@}

 private:
  // `out` takes the handle a successful derive made. `h` by reference: it
  // is read after the call that writes it (argument order is unspecified).
  static vs_status adopt(vs_status s, vs_initializer *const &h, Initializer &out) noexcept {
    if (s == VS_OK) out = Initializer(h);
    return s;
  }
  static uint16_t *bits(f16_bits *p) noexcept { return reinterpret_cast<uint16_t *>(p); }
  static uint16_t *bits(bf16_bits *p) noexcept { return reinterpret_cast<uint16_t *>(p); }
  // An empty list must still be a non-null pointer: the C API reads both
  // null as "no axes".
  static const int64_t *nonnull(const Shape &s) noexcept {
    static const int64_t empty = 0;
    return s.data() != nullptr ? s.data() : &empty;
  }
  static bool same_rank(Shape shape, Shape start, Shape extent) noexcept {
    return start.size() == shape.size() && extent.size() == shape.size();
  }
  // Throws for a start or extent whose length is not the shape's rank,
  // with a message naming them (the C API cannot see the lengths).
  static void check_rank(Shape shape, Shape start, Shape extent) {
    if (!same_rank(shape, start, extent)) {
      detail::raise(Error(VS_ERR_INVALID_SHAPE,
                  "start has " + std::to_string(start.size()) + " values and extent " +
                      std::to_string(extent.size()) + ", but shape has rank " +
                      std::to_string(shape.size())));
    }
  }
  // A start or extent whose length is not the shape's rank: the C API
  // cannot see the lengths, so the status is made here (no message).
  static vs_status rank_error() noexcept { return VS_ERR_INVALID_SHAPE; }
  template <typename T>
  std::vector<T> make(Shape shape) const {
    Description d{};
    detail::check(try_describe(shape, d));  // the shape's errors, before allocating
    std::vector<T> v(shape.count());
    fill(shape, v.data(), v.size());
    return v;
  }

  vs_initializer *h_ = nullptr;
};

/// @name Fills by fans (`vs_fill_fans_*`), without a handle
/// Elements `[offset, offset + count)` of any tensor with fans
/// `(fan_in, fan_out)`, as a handle of this config and seed gives them
/// under the default algorithm. The throwing forms throw `vs::Error`.
///@{
/// binary32 values. `noexcept`.
inline vs_status try_fill_fans(double scale, Mode mode, Distribution distribution, uint64_t seed,
                               int64_t fan_in, int64_t fan_out, uint64_t offset, float *out,
                               size_t count) noexcept {
  return vs_fill_fans_f32(scale, static_cast<uint32_t>(mode), static_cast<uint32_t>(distribution),
                          seed, fan_in, fan_out, offset, out, count);
}
/// binary64 values. `noexcept`.
inline vs_status try_fill_fans(double scale, Mode mode, Distribution distribution, uint64_t seed,
                               int64_t fan_in, int64_t fan_out, uint64_t offset, double *out,
                               size_t count) noexcept {
  return vs_fill_fans_f64(scale, static_cast<uint32_t>(mode), static_cast<uint32_t>(distribution),
                          seed, fan_in, fan_out, offset, out, count);
}
/// binary16 bits. `noexcept`.
inline vs_status try_fill_fans(double scale, Mode mode, Distribution distribution, uint64_t seed,
                               int64_t fan_in, int64_t fan_out, uint64_t offset, f16_bits *out,
                               size_t count) noexcept {
  return vs_fill_fans_f16(scale, static_cast<uint32_t>(mode), static_cast<uint32_t>(distribution),
                          seed, fan_in, fan_out, offset, reinterpret_cast<uint16_t *>(out), count);
}
/// bfloat16 bits. `noexcept`.
inline vs_status try_fill_fans(double scale, Mode mode, Distribution distribution, uint64_t seed,
                               int64_t fan_in, int64_t fan_out, uint64_t offset, bf16_bits *out,
                               size_t count) noexcept {
  return vs_fill_fans_bf16(scale, static_cast<uint32_t>(mode),
                           static_cast<uint32_t>(distribution), seed, fan_in, fan_out, offset,
                           reinterpret_cast<uint16_t *>(out), count);
}
/// Throwing form of `try_fill_fans` (any of the four output types).
template <typename T>
inline void fill_fans(double scale, Mode mode, Distribution distribution, uint64_t seed,
                      int64_t fan_in, int64_t fan_out, uint64_t offset, T *out, size_t count) {
  detail::check(
      try_fill_fans(scale, mode, distribution, seed, fan_in, fan_out, offset, out, count));
}
///@}

/// `noexcept` form of `compute_fans`: `fan_in` and `fan_out` are written
/// only on success.
inline vs_status try_compute_fans(Shape shape, Layout layout, int64_t &fan_in,
                                  int64_t &fan_out) noexcept {
  return vs_compute_fans_layout(shape.data(), shape.size(), static_cast<uint32_t>(layout),
                                &fan_in, &fan_out);
}
/// The fans of `shape` stored in `layout` (`vs_compute_fans_layout`), as
/// `{fan_in, fan_out}`. Throws `vs::Error`.
inline std::pair<int64_t, int64_t> compute_fans(Shape shape, Layout layout = Layout::InOut) {
  int64_t in = 0, out = 0;
  detail::check(try_compute_fans(shape, layout, in, out));
  return {in, out};
}

/// The seed of tensor number `index` of a model seeded with `base`
/// (`vs_derive_seed`, docs/seeds.md).
inline uint64_t derive_seed(uint64_t base, uint64_t index) noexcept {
  return vs_derive_seed(base, index);
}
/// The seed of the tensor called `name` (`vs_derive_seed_name`; the
/// name's bytes up to its end or a NUL, whichever comes first).
inline uint64_t derive_seed(uint64_t base, std::string_view name) {
  std::string text(name);
  return vs_derive_seed_name(base, text.c_str());
}

/// The library's version string (`vs_version`).
inline const char *version() noexcept { return vs_version(); }

}  // namespace vs

#endif  // VARIANCE_SCALING_HPP
