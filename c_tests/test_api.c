/*
 * test_api.c: the header's constants and enums, version and algorithm
 * strings, status texts, vs_destroy(NULL), vs_set_max_threads, the
 * algorithms (vs_with_algorithm, vs_get_algorithm, vs_algorithm_name), the
 * kernel name (vs_isa, VS_MAX_ISA), the default fan rule (vs_compute_fans,
 * against Keras's compute_fans) and the parameters vs_describe reports.
 */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "util.h"

/* must come first: nothing has failed on this thread yet */
static void test_last_error_starts_empty(void) {
  const char *m = vs_last_error_message();
  CHECK(m != NULL);
  CHECK_STR_EQ(m, "");
  /* successful calls leave it alone */
  CHECK(vs_version() != NULL);
  CHECK_STR_EQ(vs_last_error_message(), "");
}

static void test_constants(void) {
  /* the numbers of the contract are ABI */
  CHECK(VS_OK == 0);
  CHECK(VS_ERR_NULL_ARGUMENT == 1);
  CHECK(VS_ERR_INVALID_SCALE == 2);
  CHECK(VS_ERR_INVALID_MODE == 3);
  CHECK(VS_ERR_INVALID_DISTRIBUTION == 4);
  CHECK(VS_ERR_INVALID_DTYPE == 5);
  CHECK(VS_ERR_INVALID_SHAPE == 6);
  CHECK(VS_ERR_BUFFER_SIZE == 7);
  CHECK(VS_ERR_INVALID_CONFIG == 8);
  CHECK(VS_ERR_INTERNAL == 9);
  CHECK(VS_ERR_INVALID_ALGORITHM == 10);
  CHECK(VS_ERR_INVALID_LAYOUT == 11);
  CHECK(VS_LAYOUT_IN_OUT == 0);
  CHECK(VS_LAYOUT_OUT_IN == 1);
  CHECK(VS_LAYOUT_OUT_SPATIAL_IN == 2);
  CHECK(VS_ALGORITHM_PCG64_BLOCK_V1 == 1);
  CHECK(VS_ALGORITHM_SPLITMIX64_CTR_V2 == 2);
  CHECK(VS_ALGORITHM_DEFAULT == VS_ALGORITHM_SPLITMIX64_CTR_V2);
  CHECK(sizeof(vs_algorithm_id) == 4);
  CHECK(VS_MODE_FAN_IN == 0);
  CHECK(VS_MODE_FAN_OUT == 1);
  CHECK(VS_MODE_FAN_AVG == 2);
  CHECK(VS_DISTRIBUTION_TRUNCATED_NORMAL == 0);
  CHECK(VS_DISTRIBUTION_UNTRUNCATED_NORMAL == 1);
  CHECK(VS_DISTRIBUTION_UNIFORM == 2);
  CHECK(VS_BLOCK_LEN == 1024);
  CHECK(VS_TRUNCATED_NORMAL_STDDEV == 0.87962566103423978);
  CHECK(sizeof(vs_status) == 4);
  CHECK(sizeof(vs_mode) == 4);
  CHECK(sizeof(vs_distribution) == 4);
  CHECK(sizeof(vs_params) == 2 * sizeof(int64_t) + 3 * sizeof(double));
}

/* VS_VERSION_NUMBER works in #if: this header is 0.2.0 or later (the
 * first to define it), and the checks compile both ways. */
#if !defined(VS_VERSION_NUMBER) || VS_VERSION_NUMBER < 200
#error "VS_VERSION_NUMBER is missing or below 200 (0.2.0)"
#endif
#if VS_VERSION_NUMBER >= 200
#define TEST_HAS_VERSION_NUMBER_200 1
#else
#define TEST_HAS_VERSION_NUMBER_200 0
#endif

static void test_version(void) {
  char buf[64];
  unsigned major = 0, minor = 0, patch = 0;
  CHECK(vs_version() != NULL);
  CHECK_STR_EQ(vs_version(), VS_VERSION_STRING);
  snprintf(buf, sizeof buf, "%d.%d.%d", VS_VERSION_MAJOR, VS_VERSION_MINOR, VS_VERSION_PATCH);
  CHECK_STR_EQ(vs_version(), buf);
  /* Cargo.toml's version, passed by CMake */
  CHECK_STR_EQ(vs_version(), VS_TEST_CARGO_VERSION);
  CHECK(VS_ABI_MAJOR == VS_TEST_ABI_MAJOR);
  /* VS_VERSION_NUMBER is MAJOR * 100 * 100 + MINOR * 100 + PATCH, of the
   * header's macros and of the library's vs_version() */
  CHECK(VS_VERSION_NUMBER ==
        VS_VERSION_MAJOR * 100 * 100 + VS_VERSION_MINOR * 100 + VS_VERSION_PATCH);
  CHECK(sscanf(vs_version(), "%u.%u.%u", &major, &minor, &patch) == 3);
  CHECK(minor < 100 && patch < 100);
  CHECK(VS_VERSION_NUMBER == major * 100 * 100 + minor * 100 + patch);
  CHECK(TEST_HAS_VERSION_NUMBER_200 == 1);
  /* the default algorithm since 0.2, and both names */
  CHECK(vs_algorithm() != NULL);
  CHECK_STR_EQ(vs_algorithm(), "splitmix64-ctr-v2");
  CHECK_STR_EQ(vs_algorithm_name(VS_ALGORITHM_PCG64_BLOCK_V1), "pcg64-block-v1");
  CHECK_STR_EQ(vs_algorithm_name(VS_ALGORITHM_SPLITMIX64_CTR_V2), "splitmix64-ctr-v2");
  CHECK(vs_algorithm_name(VS_ALGORITHM_DEFAULT) == vs_algorithm());
  CHECK(vs_algorithm_name(0) == NULL);
  CHECK(vs_algorithm_name(3) == NULL);
  CHECK(vs_algorithm_name(UINT32_MAX) == NULL);
  /* static strings: the same pointer every time */
  CHECK(vs_version() == vs_version());
  CHECK(vs_algorithm_name(1) == vs_algorithm_name(1));
}

/* A handle per algorithm: the same config and seed, another stream; the
 * original is unchanged and both stay usable, also after the other is
 * destroyed. */
static void test_algorithms(void) {
  const uint64_t seed = 42;
  const int64_t shape[2] = {40, 50};
  vs_initializer *base = NULL, *v1 = NULL, *v2 = NULL, *again = NULL;
  uint32_t alg = 99;
  float a[2000], b[2000], c[2000];
  char ja[256], jb[256];
  size_t la = 0, lb = 0;
  uint64_t s1 = 0, s2 = 0;
  CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed, &base),
               VS_OK);
  if (base == NULL) return;
  CHECK_STATUS(vs_get_algorithm(base, &alg), VS_OK);
  CHECK(alg == VS_ALGORITHM_DEFAULT);
  CHECK_STATUS(vs_with_algorithm(base, VS_ALGORITHM_PCG64_BLOCK_V1, &v1), VS_OK);
  CHECK_STATUS(vs_with_algorithm(base, VS_ALGORITHM_SPLITMIX64_CTR_V2, &v2), VS_OK);
  if (v1 == NULL || v2 == NULL) return;
  CHECK(v1 != base && v2 != base && v1 != v2);
  CHECK_STATUS(vs_get_algorithm(v1, &alg), VS_OK);
  CHECK(alg == VS_ALGORITHM_PCG64_BLOCK_V1);
  CHECK_STATUS(vs_get_algorithm(v2, &alg), VS_OK);
  CHECK(alg == VS_ALGORITHM_SPLITMIX64_CTR_V2);
  CHECK_STATUS(vs_get_algorithm(base, &alg), VS_OK);
  CHECK(alg == VS_ALGORITHM_DEFAULT);
  /* the config JSON and the seed are the handle's: the algorithm is not a
     Keras key */
  CHECK_STATUS(vs_get_config_json(base, ja, sizeof ja, &la), VS_OK);
  CHECK_STATUS(vs_get_config_json(v1, jb, sizeof jb, &lb), VS_OK);
  CHECK(la == lb && strcmp(ja, jb) == 0);
  CHECK_STATUS(vs_get_seed(v1, &s1), VS_OK);
  CHECK_STATUS(vs_get_seed(v2, &s2), VS_OK);
  CHECK(s1 == seed && s2 == seed);
  /* the default's values are v2's, v1's differ */
  CHECK_STATUS(vs_fill_f32(base, shape, 2, a, 2000), VS_OK);
  CHECK_STATUS(vs_fill_f32(v2, shape, 2, b, 2000), VS_OK);
  CHECK_STATUS(vs_fill_f32(v1, shape, 2, c, 2000), VS_OK);
  CHECK(memcmp(a, b, sizeof a) == 0);
  CHECK(memcmp(a, c, sizeof a) != 0);
  /* a handle derived from a derived handle; destroying one leaves the
     others working */
  CHECK_STATUS(vs_with_algorithm(v1, VS_ALGORITHM_SPLITMIX64_CTR_V2, &again), VS_OK);
  vs_destroy(base);
  vs_destroy(v2);
  CHECK_STATUS(vs_fill_f32(again, shape, 2, b, 2000), VS_OK);
  CHECK(memcmp(a, b, sizeof a) == 0);
  CHECK_STATUS(vs_fill_f32(v1, shape, 2, b, 2000), VS_OK);
  CHECK(memcmp(b, c, sizeof b) == 0);
  vs_destroy(v1);
  vs_destroy(again);
}

/* vs_isa: a known kernel name, static; VS_MAX_ISA caps it (main() skips
 * the test when the CPU lacks the requested kernel). */
static void test_isa(void) {
  const char *isa = vs_isa();
  const char *cap = getenv("VS_MAX_ISA");
  CHECK(isa != NULL);
  if (isa == NULL) return;
  CHECK(strcmp(isa, "portable") == 0 || strcmp(isa, "avx2") == 0 || strcmp(isa, "avx512") == 0);
  CHECK(vs_isa() == isa);
  if (cap != NULL && strcmp(cap, "portable") == 0) CHECK_STR_EQ(isa, "portable");
  if (cap != NULL && strcmp(cap, "avx2") == 0) CHECK(strcmp(isa, "avx512") != 0);
#if !defined(__x86_64__) && !defined(_M_X64)
  CHECK_STR_EQ(isa, "portable");
#endif
  printf("kernel: %s (VS_MAX_ISA=%s)\n", isa, cap ? cap : "unset");
}

static void test_status_str(void) {
  static const char *const names[12] = {
      "VS_OK",
      "VS_ERR_NULL_ARGUMENT",
      "VS_ERR_INVALID_SCALE",
      "VS_ERR_INVALID_MODE",
      "VS_ERR_INVALID_DISTRIBUTION",
      "VS_ERR_INVALID_DTYPE",
      "VS_ERR_INVALID_SHAPE",
      "VS_ERR_BUFFER_SIZE",
      "VS_ERR_INVALID_CONFIG",
      "VS_ERR_INTERNAL",
      "VS_ERR_INVALID_ALGORITHM",
      "VS_ERR_INVALID_LAYOUT",
  };
  static const int32_t unknown[] = {-1, 12, 13, 100, INT32_MAX, INT32_MIN};
  int32_t s;
  size_t i;
  for (s = 0; s < 12; s++) {
    const char *t = vs_status_str(s);
    CHECK(t != NULL);
    if (t == NULL) continue;
    /* names the status: "VS_ERR_INVALID_SCALE: ..." starts with its name,
       and no longer name is a prefix (VS_OK vs VS_ERR_...) */
    CHECK(strncmp(t, names[s], strlen(names[s])) == 0);
    CHECK(t[strlen(names[s])] == '\0' || t[strlen(names[s])] == ':' ||
          t[strlen(names[s])] == ' ');
  }
  for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    const char *t = vs_status_str(unknown[i]);
    CHECK(t != NULL);
    if (t == NULL) continue;
    CHECK(t[0] != '\0');
    for (s = 0; s < 12; s++) CHECK(strncmp(t, names[s], strlen(names[s])) != 0);
  }
  /* no status text call sets or clears the last error */
  CHECK_STR_EQ(vs_last_error_message(), "");
}

static void test_destroy_null_and_threads_setting(void) {
  vs_destroy(NULL);
  vs_destroy(NULL);
  CHECK_STATUS(vs_set_max_threads(1), VS_OK);
  CHECK_STATUS(vs_set_max_threads(2), VS_OK);
  CHECK_STATUS(vs_set_max_threads(UINT32_MAX), VS_OK);
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
}

/* Keras 3.15.1 compute_fans(shape) for these shapes
 * (../shared/fixtures/keras/compute_fans.json, default rule) */
struct fans_case {
  size_t ndim;
  int64_t shape[6];
  int64_t fan_in, fan_out;
};

static const struct fans_case keras_fans[] = {
    {0, {0}, 1, 1},
    {1, {7}, 7, 7},
    {1, {0}, 0, 0},
    {2, {3, 4}, 3, 4},
    {2, {0, 5}, 0, 5},
    {2, {784, 10}, 784, 10},
    {4, {3, 3, 16, 32}, 144, 288},
    {4, {5, 5, 3, 64}, 75, 1600},
    {4, {1, 1, 256, 512}, 256, 512},
    {5, {3, 3, 3, 3, 8}, 81, 216},
    {4, {2, 0, 4, 5}, 0, 0},
    {6, {1, 2, 3, 4, 5, 6}, 120, 144},
};

/* and compute_fans(shape, input_axes, output_axes) */
struct axes_case {
  size_t ndim;
  int64_t shape[4];
  size_t nin;
  int64_t in[3];
  size_t nout;
  int64_t out[3];
  int64_t fan_in, fan_out;
};

static const struct axes_case keras_axes_fans[] = {
    {4, {64, 32, 3, 3}, 3, {1, 2, 3}, 3, {0, 2, 3}, 288, 576},
    {3, {8, 4, 16}, 1, {-2}, 1, {-1}, 4, 16},
};

static void test_compute_fans(void) {
  size_t i;
  int64_t fi, fo;
  for (i = 0; i < sizeof keras_fans / sizeof keras_fans[0]; i++) {
    const struct fans_case *c = &keras_fans[i];
    fi = fo = -7;
    CHECK_STATUS(vs_compute_fans(c->shape, c->ndim, &fi, &fo), VS_OK);
    CHECK(fi == c->fan_in);
    CHECK(fo == c->fan_out);
    if (fi != c->fan_in || fo != c->fan_out)
      fprintf(stderr, "    case %lu: got (%lld, %lld), Keras (%lld, %lld)\n", (unsigned long)i,
              (long long)fi, (long long)fo, (long long)c->fan_in, (long long)c->fan_out);
  }
  /* a scalar may pass shape NULL */
  fi = fo = -7;
  CHECK_STATUS(vs_compute_fans(NULL, 0, &fi, &fo), VS_OK);
  CHECK(fi == 1 && fo == 1);
  /* the largest counts still fit */
  {
    const int64_t big[2] = {INT64_MAX, 1};
    const int64_t big4[4] = {1, 1, INT64_MAX, 1};
    CHECK_STATUS(vs_compute_fans(big, 2, &fi, &fo), VS_OK);
    CHECK(fi == INT64_MAX && fo == 1);
    CHECK_STATUS(vs_compute_fans(big4, 4, &fi, &fo), VS_OK);
    CHECK(fi == INT64_MAX && fo == 1);
  }
  /* any rank is accepted: 100 dimensions */
  {
    int64_t ones[100];
    for (i = 0; i < 100; i++) ones[i] = 1;
    ones[98] = 3;
    ones[99] = 5;
    ones[0] = 2;
    CHECK_STATUS(vs_compute_fans(ones, 100, &fi, &fo), VS_OK);
    CHECK(fi == 6 && fo == 10);
  }
}

static int close_rel(double a, double b, double rel) {
  if (a == b) return 1;
  return fabs(a - b) <= rel * fabs(b);
}

/* vs_describe for a handle made with vs_create */
static void check_describe(double scale, uint32_t mode, uint32_t dist, const int64_t *shape,
                           size_t ndim, int64_t fan_in, int64_t fan_out, double n) {
  vs_initializer *h = NULL;
  vs_params p;
  const uint64_t seed = 1;
  double s, sd, lim;
  CHECK_STATUS(vs_create(scale, mode, dist, &seed, &h), VS_OK);
  if (h == NULL) return;
  memset(&p, 0, sizeof p);
  CHECK_STATUS(vs_describe(h, shape, ndim, &p), VS_OK);
  CHECK(p.fan_in == fan_in);
  CHECK(p.fan_out == fan_out);
  CHECK(p.n == n);
  s = scale / n;
  if (dist == VS_DISTRIBUTION_TRUNCATED_NORMAL) {
    sd = sqrt(s) / 0.87962566103423978;
    lim = 2.0 * sd;
  } else if (dist == VS_DISTRIBUTION_UNTRUNCATED_NORMAL) {
    sd = sqrt(s);
    lim = INFINITY;
  } else {
    sd = 0.0;
    lim = sqrt(3.0 * scale / n);
  }
  CHECK(close_rel(p.stddev, sd, 4e-16));
  if (isinf(lim)) {
    CHECK(isinf(p.limit) && p.limit > 0);
  } else {
    CHECK(close_rel(p.limit, lim, 4e-16));
  }
  vs_destroy(h);
}

static void test_describe(void) {
  const int64_t conv[4] = {3, 3, 64, 64};
  const int64_t dense34[2] = {3, 4};
  const int64_t empty05[2] = {0, 5};
  const int64_t vec0[1] = {0};
  const int64_t empty4[4] = {2, 0, 4, 5};
  const int64_t odd[2] = {1000, 1049};
  vs_initializer *h = NULL;
  vs_params p;
  const uint64_t seed = 1;

  /* HeNormal on a 3x3 conv with 64 in and 64 out channels */
  check_describe(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, conv, 4, 576, 576, 576);
  {
    CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed, &h),
                 VS_OK);
    CHECK_STATUS(vs_describe(h, conv, 4, &p), VS_OK);
    CHECK(close_rel(p.stddev, sqrt(2.0 / 576.0) / 0.87962566103423978, 4e-16));
    CHECK(close_rel(p.limit, 2.0 * sqrt(2.0 / 576.0) / 0.87962566103423978, 4e-16));
    vs_destroy(h);
    h = NULL;
  }
  /* every mode and distribution */
  check_describe(1.0, VS_MODE_FAN_OUT, VS_DISTRIBUTION_TRUNCATED_NORMAL, conv, 4, 576, 576, 576);
  check_describe(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, dense34, 2, 3, 4, 3.0);
  check_describe(2.0, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNIFORM, dense34, 2, 3, 4, 4.0);
  /* fan_avg is a real-valued mean */
  check_describe(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, dense34, 2, 3, 4, 3.5);
  check_describe(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, dense34, 2, 3, 4, 3.5);
  check_describe(0.5, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, odd, 2, 1000, 1049,
                 1024.5);
  check_describe(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, empty05, 2, 0, 5, 2.5);
  /* n = max(1, fan) */
  check_describe(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, empty05, 2, 0, 5, 1.0);
  check_describe(3.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, vec0, 1, 0, 0, 1.0);
  check_describe(3.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, empty4, 4, 0, 0, 1.0);
  check_describe(3.0, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, NULL, 0, 1, 1, 1.0);

  /* explicit axes (Keras 3.15), including negative axes and empty lists */
  {
    size_t i;
    for (i = 0; i < sizeof keras_axes_fans / sizeof keras_axes_fans[0]; i++) {
      const struct axes_case *c = &keras_axes_fans[i];
      h = NULL;
      CHECK_STATUS(vs_create_with_axes(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, &seed,
                                       c->in, c->nin, c->out, c->nout, &h),
                   VS_OK);
      memset(&p, 0, sizeof p);
      CHECK_STATUS(vs_describe(h, c->shape, c->ndim, &p), VS_OK);
      CHECK(p.fan_in == c->fan_in);
      CHECK(p.fan_out == c->fan_out);
      CHECK(p.n == (double)(c->fan_in + c->fan_out) / 2.0);
      CHECK(close_rel(p.limit, sqrt(3.0 / p.n), 4e-16));
      CHECK(p.stddev == 0.0);
      vs_destroy(h);
    }
  }
  {
    const int64_t none[1] = {0};
    const int64_t shape[3] = {8, 4, 16};
    h = NULL;
    CHECK_STATUS(vs_create_with_axes(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL,
                                     &seed, none, 0, none, 0, &h),
                 VS_OK);
    CHECK_STATUS(vs_describe(h, shape, 3, &p), VS_OK);
    CHECK(p.fan_in == 1 && p.fan_out == 1 && p.n == 1.0);
    /* axes resolve against the shape: rank 0 has no axis 0 */
    CHECK_STATUS(vs_describe(h, NULL, 0, &p), VS_OK);
    CHECK(p.fan_in == 1 && p.fan_out == 1);
    vs_destroy(h);
  }
}

int main(void) {
  skip_unless_requested_isa_runs("api_" VS_TEST_LINKAGE);
  test_last_error_starts_empty();
  test_constants();
  test_version();
  test_algorithms();
  test_isa();
  test_status_str();
  test_destroy_null_and_threads_setting();
  test_compute_fans();
  test_describe();
  printf("linkage: %s, library %s, default algorithm %s, kernel %s\n", VS_TEST_LINKAGE,
         vs_version(), vs_algorithm(), vs_isa());
  return check_finish("api_" VS_TEST_LINKAGE);
}
