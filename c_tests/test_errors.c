/*
 * test_errors.c: every invalid argument of every function taking one
 * (the JSON parser's rejections are in test_config.c). For each: the exact
 * status, a new, non-empty vs_last_error_message() naming the argument,
 * *out == NULL for the handle-creating functions, and output buffers and
 * out-parameters left exactly as they were (sentinel bytes).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "util.h"

/* a non-NULL handle value that no call may leave in *out on error */
static vs_initializer *dummy_handle(void) {
  static char storage;
  return (vs_initializer *)(void *)&storage;
}

/* vs_create that must fail with `expected`, leaving *out == NULL */
static void expect_create_fails(double scale, uint32_t mode, uint32_t dist,
                                const uint64_t *seed, vs_status expected, const char *needle,
                                int line) {
  vs_initializer *h = dummy_handle();
  CHECK_ERR(vs_create(scale, mode, dist, seed, &h), expected, needle);
  if (h != NULL) {
    fprintf(stderr, "    (from line %d) *out was not set to NULL\n", line);
    CHECK(h == NULL);
  }
}

static void test_create(void) {
  static const double bad_scales[] = {0.0, -1.0, -DBL_MIN, -DBL_MAX, -4.9e-324};
  static const uint32_t bad_enums[] = {3, 4, 0x80000000u, 0xFFFFFFFFu};
  const uint64_t seed = 42;
  size_t i;
  vs_initializer *h = NULL;

  /* out NULL */
  CHECK_ERR(vs_create(1.0, 0, 0, &seed, NULL), VS_ERR_NULL_ARGUMENT, "out");
  CHECK_ERR(vs_create(1.0, 0, 0, NULL, NULL), VS_ERR_NULL_ARGUMENT, "out");
  /* NULL is checked before the other arguments */
  CHECK_ERR(vs_create(NAN, 7, 7, &seed, NULL), VS_ERR_NULL_ARGUMENT, "out");

  /* scale: NaN, infinities, zeros, negatives */
  expect_create_fails(NAN, 0, 0, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  expect_create_fails(-NAN, 0, 0, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  expect_create_fails(INFINITY, 0, 0, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  expect_create_fails(-INFINITY, 0, 0, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  expect_create_fails(-0.0, 0, 0, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  expect_create_fails(-0.0, 0, 0, NULL, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  for (i = 0; i < sizeof bad_scales / sizeof bad_scales[0]; i++)
    expect_create_fails(bad_scales[i], 1, 1, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  /* the message names the value received */
  expect_create_fails(-2.5, 0, 0, &seed, VS_ERR_INVALID_SCALE, "-2.5", __LINE__);

  /* mode and distribution out of their enums: never UB, a status */
  for (i = 0; i < sizeof bad_enums / sizeof bad_enums[0]; i++) {
    expect_create_fails(1.0, bad_enums[i], 0, &seed, VS_ERR_INVALID_MODE, "mode", __LINE__);
    expect_create_fails(1.0, 0, bad_enums[i], &seed, VS_ERR_INVALID_DISTRIBUTION,
                        "distribution", __LINE__);
    expect_create_fails(1.0, bad_enums[i], 0, NULL, VS_ERR_INVALID_MODE, "mode", __LINE__);
  }
  expect_create_fails(1.0, 3, 0, &seed, VS_ERR_INVALID_MODE, "mode=3", __LINE__);
  expect_create_fails(1.0, 0xFFFFFFFFu, 0, &seed, VS_ERR_INVALID_MODE, "4294967295", __LINE__);
  expect_create_fails(1.0, 0, 3, &seed, VS_ERR_INVALID_DISTRIBUTION, "distribution=3",
                      __LINE__);
  /* checked in the documented order: scale, mode, distribution */
  expect_create_fails(NAN, 3, 3, &seed, VS_ERR_INVALID_SCALE, "scale", __LINE__);
  expect_create_fails(1.0, 3, 3, &seed, VS_ERR_INVALID_MODE, "mode", __LINE__);

  /* the smallest positive scales and the largest are valid */
  CHECK_STATUS(vs_create(4.9e-324, 0, 0, &seed, &h), VS_OK);
  CHECK(h != NULL);
  vs_destroy(h);
  h = NULL;
  CHECK_STATUS(vs_create(DBL_MAX, 2, 2, &seed, &h), VS_OK);
  CHECK(h != NULL);
  {
    /* ... but a uniform limit sqrt(3 * DBL_MAX / n) overflows: an error at
       fill time, with the buffer untouched */
    const int64_t two[1] = {2};
    float buf[2] = {42.0f, 42.0f};
    CHECK_ERR(vs_fill_f32(h, two, 1, buf, 2), VS_ERR_INVALID_SCALE, "scale");
    CHECK(buf[0] == 42.0f && buf[1] == 42.0f);
  }
  vs_destroy(h);
}

static void expect_axes_fails(const int64_t *in, size_t nin, const int64_t *out, size_t nout,
                              vs_status expected, const char *needle, int line) {
  const uint64_t seed = 3;
  vs_initializer *h = dummy_handle();
  CHECK_ERR(vs_create_with_axes(1.0, 0, 0, &seed, in, nin, out, nout, &h), expected, needle);
  if (h != NULL) {
    fprintf(stderr, "    (from line %d) *out was not set to NULL\n", line);
    CHECK(h == NULL);
  }
}

static void test_create_with_axes(void) {
  int64_t many[100];
  const int64_t ax[3] = {1, 2, 3};
  const uint64_t seed = 3;
  size_t i;
  vs_initializer *h;
  for (i = 0; i < 100; i++) many[i] = 0;

  /* only one of the lists */
  expect_axes_fails(ax, 3, NULL, 0, VS_ERR_INVALID_CONFIG, "output_axes", __LINE__);
  expect_axes_fails(NULL, 0, ax, 3, VS_ERR_INVALID_CONFIG, "input_axes", __LINE__);
  expect_axes_fails(ax, 0, NULL, 0, VS_ERR_INVALID_CONFIG, "output_axes", __LINE__);
  /* a NULL list with a length */
  expect_axes_fails(NULL, 2, ax, 3, VS_ERR_NULL_ARGUMENT, "input_axes", __LINE__);
  expect_axes_fails(ax, 3, NULL, 1, VS_ERR_NULL_ARGUMENT, "output_axes", __LINE__);
  expect_axes_fails(NULL, 1, NULL, 1, VS_ERR_NULL_ARGUMENT, "input_axes", __LINE__);
  /* a length no array can have is refused before anything is read */
  expect_axes_fails(ax, SIZE_MAX, ax, 3, VS_ERR_INVALID_CONFIG, "input_axes", __LINE__);
  expect_axes_fails(ax, 3, ax, SIZE_MAX, VS_ERR_INVALID_CONFIG, "output_axes", __LINE__);
  /* long lists are fine (Keras sets no limit; an axis may repeat) */
  h = NULL;
  CHECK_STATUS(vs_create_with_axes(1.0, 0, 0, &seed, many, 100, many, 100, &h), VS_OK);
  CHECK(h != NULL);
  vs_destroy(h);

  /* the arguments shared with vs_create */
  CHECK_ERR(vs_create_with_axes(1.0, 0, 0, &seed, ax, 3, ax, 3, NULL), VS_ERR_NULL_ARGUMENT,
            "out");
  h = dummy_handle();
  CHECK_ERR(vs_create_with_axes(NAN, 0, 0, &seed, ax, 3, ax, 3, &h), VS_ERR_INVALID_SCALE,
            "scale");
  CHECK(h == NULL);
  h = dummy_handle();
  CHECK_ERR(vs_create_with_axes(0.0, 0, 0, NULL, ax, 3, ax, 3, &h), VS_ERR_INVALID_SCALE,
            "scale");
  CHECK(h == NULL);
  h = dummy_handle();
  CHECK_ERR(vs_create_with_axes(1.0, 3, 0, &seed, ax, 3, ax, 3, &h), VS_ERR_INVALID_MODE,
            "mode");
  CHECK(h == NULL);
  h = dummy_handle();
  CHECK_ERR(vs_create_with_axes(1.0, 0, 0xFFFFFFFFu, &seed, ax, 3, ax, 3, &h),
            VS_ERR_INVALID_DISTRIBUTION, "distribution");
  CHECK(h == NULL);
}

static void test_from_config_json_pointers(void) {
  vs_initializer *h = dummy_handle();
  CHECK_ERR(vs_from_config_json(NULL, &h), VS_ERR_NULL_ARGUMENT, "json");
  CHECK(h == NULL);
  CHECK_ERR(vs_from_config_json("\"he_normal\"", NULL), VS_ERR_NULL_ARGUMENT, "out");
  CHECK_ERR(vs_from_config_json(NULL, NULL), VS_ERR_NULL_ARGUMENT, NULL);
}

static void test_get_config_json_and_seed(void) {
  const uint64_t seed = 77;
  vs_initializer *h = NULL;
  char buf[256];
  size_t len = 12345, need = 0;
  uint64_t s;

  CHECK_STATUS(vs_create(2.0, 1, 1, &seed, &h), VS_OK);
  CHECK_STATUS(vs_get_config_json(h, NULL, 0, &need), VS_OK);
  CHECK(need > 0 && need < sizeof buf);

  /* init NULL: nothing written, not even the length */
  sentinel_fill(buf, sizeof buf);
  sentinel_fill(&len, sizeof len);
  CHECK_ERR(vs_get_config_json(NULL, buf, sizeof buf, &len), VS_ERR_NULL_ARGUMENT, "init");
  CHECK(sentinel_intact(buf, sizeof buf));
  CHECK(sentinel_intact(&len, sizeof len));
  CHECK_ERR(vs_get_config_json(NULL, NULL, 0, &len), VS_ERR_NULL_ARGUMENT, "init");
  CHECK(sentinel_intact(&len, sizeof len));
  /* out_len NULL */
  CHECK_ERR(vs_get_config_json(h, buf, sizeof buf, NULL), VS_ERR_NULL_ARGUMENT, "out_len");
  CHECK(sentinel_intact(buf, sizeof buf));
  CHECK_ERR(vs_get_config_json(h, NULL, 0, NULL), VS_ERR_NULL_ARGUMENT, "out_len");
  /* buf NULL with a length */
  CHECK_ERR(vs_get_config_json(h, NULL, 10, &len), VS_ERR_NULL_ARGUMENT, "buf");
  CHECK_ERR(vs_get_config_json(h, NULL, SIZE_MAX, &len), VS_ERR_NULL_ARGUMENT, "buf");
  /* too small: nothing written to buf, the length reported */
  {
    size_t small[4];
    size_t k;
    small[0] = 0;
    small[1] = 1;
    small[2] = need / 2;
    small[3] = need; /* no room for the NUL */
    for (k = 0; k < 4; k++) {
      sentinel_fill(buf, sizeof buf);
      len = 0;
      CHECK_ERR(vs_get_config_json(h, buf, small[k], &len), VS_ERR_BUFFER_SIZE, "buf_len");
      CHECK(sentinel_intact(buf, sizeof buf));
      CHECK(len == need);
    }
  }

  /* vs_get_seed */
  sentinel_fill(&s, sizeof s);
  CHECK_ERR(vs_get_seed(NULL, &s), VS_ERR_NULL_ARGUMENT, "init");
  CHECK(sentinel_intact(&s, sizeof s));
  CHECK_ERR(vs_get_seed(h, NULL), VS_ERR_NULL_ARGUMENT, "seed");
  CHECK_ERR(vs_get_seed(NULL, NULL), VS_ERR_NULL_ARGUMENT, NULL);
  CHECK_STATUS(vs_get_seed(h, &s), VS_OK);
  CHECK(s == 77);
  vs_destroy(h);
}

/* one invalid fill call, for the whole and the range functions */
struct fill_case {
  const char *what;
  int null_init;   /* pass init = NULL */
  int axes_handle; /* use the handle with input_axes {0, 1}, output_axes {-1} */
  const int64_t *shape;
  size_t ndim;
  int null_out;  /* pass out = NULL */
  size_t len;    /* out_len (whole) */
  uint64_t offset; /* range only */
  size_t count;    /* range only */
  vs_status whole; /* expected from vs_fill_<t>, VS_OK: not a whole-fill case */
  const char *whole_needle;
  vs_status range; /* expected from vs_fill_range_<t>, VS_OK: not a range case */
  const char *range_needle;
};

#define BUF_ELEMS 256 /* every case's buffer: larger than any len/count passed with it */

static void test_fills(void) {
  static const int64_t s3[3] = {4, 5, 6}; /* 120 elements */
  static const int64_t neg[3] = {4, -5, 6};
  static const int64_t neg_min[2] = {INT64_MIN, 1};
  static const int64_t negzero[3] = {0, -1, 3}; /* negative even when another is 0 */
  static const int64_t overflow[2] = {INT64_C(1) << 32, INT64_C(1) << 32};
  static const int64_t overflow3[3] = {INT64_C(3), INT64_MAX / 2, 1};
  static const int64_t fan_overflow[4] = {INT64_C(1) << 40, INT64_C(1) << 40, 0, 1};
  static const int64_t rank1[1] = {120};
  const struct fill_case cases[] = {
      {"init NULL", 1, 0, s3, 3, 0, 120, 10, 20, VS_ERR_NULL_ARGUMENT, "init",
       VS_ERR_NULL_ARGUMENT, "init"},
      {"shape NULL, ndim 3", 0, 0, NULL, 3, 0, 120, 10, 20, VS_ERR_NULL_ARGUMENT, "shape",
       VS_ERR_NULL_ARGUMENT, "shape"},
      {"out NULL", 0, 0, s3, 3, 1, 120, 10, 20, VS_ERR_NULL_ARGUMENT, "out",
       VS_ERR_NULL_ARGUMENT, "out"},
      {"negative dimension", 0, 0, neg, 3, 0, 120, 0, 20, VS_ERR_INVALID_SHAPE, "shape[1]",
       VS_ERR_INVALID_SHAPE, "shape[1]"},
      {"INT64_MIN dimension", 0, 0, neg_min, 2, 0, 1, 0, 1, VS_ERR_INVALID_SHAPE, "shape[0]",
       VS_ERR_INVALID_SHAPE, "shape[0]"},
      {"negative and zero dimensions", 0, 0, negzero, 3, 0, 0, 0, 0, VS_ERR_INVALID_SHAPE,
       "shape[1]", VS_ERR_INVALID_SHAPE, "shape[1]"},
      {"element count overflows int64", 0, 0, overflow, 2, 0, 16, 0, 16, VS_ERR_INVALID_SHAPE,
       "shape", VS_ERR_INVALID_SHAPE, "shape"},
      {"element count overflows int64 (3 dims)", 0, 0, overflow3, 3, 0, 16, 0, 16,
       VS_ERR_INVALID_SHAPE, "shape", VS_ERR_INVALID_SHAPE, "shape"},
      {"empty tensor whose fan_out overflows", 0, 0, fan_overflow, 4, 1, 0, 0, 0,
       VS_ERR_INVALID_SHAPE, "fan_out", VS_ERR_INVALID_SHAPE, "fan_out"},
      {"ndim SIZE_MAX", 0, 0, s3, SIZE_MAX, 0, 120, 0, 1, VS_ERR_INVALID_SHAPE, "ndim",
       VS_ERR_INVALID_SHAPE, "ndim"},
      {"out_len one less", 0, 0, s3, 3, 0, 119, 0, 0, VS_ERR_BUFFER_SIZE, "out_len", VS_OK,
       NULL},
      {"out_len one more", 0, 0, s3, 3, 0, 121, 0, 0, VS_ERR_BUFFER_SIZE, "out_len", VS_OK,
       NULL},
      {"out_len 0 for 120 elements", 0, 0, s3, 3, 1, 0, 0, 0, VS_ERR_BUFFER_SIZE, "out_len",
       VS_OK, NULL},
      {"out_len 0, out non-NULL", 0, 0, s3, 3, 0, 0, 0, 0, VS_ERR_BUFFER_SIZE, "out_len", VS_OK,
       NULL},
      {"scalar with out_len 0", 0, 0, NULL, 0, 0, 0, 0, 0, VS_ERR_BUFFER_SIZE, "out_len", VS_OK,
       NULL},
      {"scalar with out_len 2", 0, 0, NULL, 0, 0, 2, 0, 0, VS_ERR_BUFFER_SIZE, "out_len", VS_OK,
       NULL},
      {"input axis out of range", 0, 1, rank1, 1, 0, 120, 0, 5, VS_ERR_INVALID_SHAPE,
       "input_axes", VS_ERR_INVALID_SHAPE, "input_axes"},
      {"range past the end by one", 0, 0, s3, 3, 0, 0, 101, 20, VS_OK, NULL,
       VS_ERR_BUFFER_SIZE, "offset"},
      {"range starting at the end", 0, 0, s3, 3, 0, 0, 120, 1, VS_OK, NULL, VS_ERR_BUFFER_SIZE,
       "offset"},
      {"empty range past the end", 0, 0, s3, 3, 1, 0, 121, 0, VS_OK, NULL, VS_ERR_BUFFER_SIZE,
       "offset"},
      {"offset + count overflows uint64", 0, 0, s3, 3, 0, 0, UINT64_MAX, 2, VS_OK, NULL,
       VS_ERR_BUFFER_SIZE, "offset"},
      {"offset UINT64_MAX, count 1", 0, 0, s3, 3, 0, 0, UINT64_MAX, 1, VS_OK, NULL,
       VS_ERR_BUFFER_SIZE, "offset"},
      {"count SIZE_MAX", 0, 0, s3, 3, 0, 0, 2, SIZE_MAX, VS_OK, NULL, VS_ERR_BUFFER_SIZE,
       "count"},
      {"count one more than the tensor", 0, 0, s3, 3, 0, 0, 0, 121, VS_OK, NULL,
       VS_ERR_BUFFER_SIZE, "count"},
      {"scalar range at offset 1", 0, 0, NULL, 0, 0, 0, 1, 1, VS_OK, NULL, VS_ERR_BUFFER_SIZE,
       "offset"},
  };
  const uint64_t seed = 5;
  const int64_t in_axes[2] = {0, 1}, out_axes[1] = {-1};
  vs_initializer *h = NULL, *hax = NULL;
  unsigned char *buf;
  size_t i;
  int t;

  CHECK_STATUS(vs_create(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, &seed, &h), VS_OK);
  CHECK_STATUS(vs_create_with_axes(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed,
                                   in_axes, 2, out_axes, 1, &hax),
               VS_OK);
  if (h == NULL || hax == NULL) return;
  buf = (unsigned char *)xmalloc(BUF_ELEMS * sizeof(double));

  for (t = 0; t < T_COUNT; t++) {
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      const struct fill_case *c = &cases[i];
      const vs_initializer *init = c->null_init ? NULL : (c->axes_handle ? hax : h);
      void *out = c->null_out ? NULL : (void *)buf;
      int before = check_failures_;
      if (c->whole != VS_OK) {
        sentinel_fill(buf, BUF_ELEMS * sizeof(double));
        CHECK_ERR(fill_t((vtype)t, init, c->shape, c->ndim, out, c->len), c->whole,
                  c->whole_needle);
        CHECK(sentinel_intact(buf, BUF_ELEMS * sizeof(double)));
      }
      if (c->range != VS_OK) {
        sentinel_fill(buf, BUF_ELEMS * sizeof(double));
        CHECK_ERR(fill_range_t((vtype)t, init, c->shape, c->ndim, c->offset, out, c->count),
                  c->range, c->range_needle);
        CHECK(sentinel_intact(buf, BUF_ELEMS * sizeof(double)));
      }
      if (check_failures_ != before)
        fprintf(stderr, "    ^ in case \"%s\", type %s\n", c->what, vtype_name((vtype)t));
    }
    /* an output axis out of range too, and negative axes past the rank */
    {
      const int64_t in2[1] = {0}, out2[1] = {-3};
      const int64_t s2[2] = {4, 4};
      vs_initializer *h2 = NULL;
      CHECK_STATUS(vs_create_with_axes(1.0, 0, 0, &seed, in2, 1, out2, 1, &h2), VS_OK);
      sentinel_fill(buf, BUF_ELEMS * sizeof(double));
      CHECK_ERR(fill_t((vtype)t, h2, s2, 2, buf, 16), VS_ERR_INVALID_SHAPE, "output_axes");
      CHECK_ERR(fill_range_t((vtype)t, h2, s2, 2, 3, buf, 4), VS_ERR_INVALID_SHAPE,
                "output_axes");
      /* axes against a scalar: no axis exists */
      CHECK_ERR(fill_t((vtype)t, h2, NULL, 0, buf, 1), VS_ERR_INVALID_SHAPE, "input_axes");
      CHECK(sentinel_intact(buf, BUF_ELEMS * sizeof(double)));
      vs_destroy(h2);
    }
    /* valid calls next to the invalid ones still work */
    CHECK_STATUS(fill_t((vtype)t, h, s3, 3, buf, 120), VS_OK);
    CHECK(!sentinel_intact(buf, 120 * vtype_size((vtype)t)));
    CHECK_STATUS(fill_range_t((vtype)t, h, s3, 3, 120, NULL, 0), VS_OK);
    CHECK_STATUS(fill_range_t((vtype)t, h, s3, 3, 0, NULL, 0), VS_OK);
    CHECK_STATUS(fill_range_t((vtype)t, h, s3, 3, 100, buf, 20), VS_OK);
  }
  free(buf);
  vs_destroy(h);
  vs_destroy(hax);
}

static void test_describe_errors(void) {
  static const int64_t s3[3] = {4, 5, 6};
  static const int64_t neg[2] = {3, -1};
  static const int64_t overflow[2] = {INT64_C(1) << 32, INT64_C(1) << 32};
  static const int64_t fan_overflow[4] = {INT64_C(1) << 40, INT64_C(1) << 40, 0, 1};
  int64_t ones[100];
  const int64_t in_axes[1] = {3}, out_axes[1] = {0};
  const uint64_t seed = 9;
  vs_initializer *h = NULL, *hax = NULL;
  vs_params p;
  size_t i;
  for (i = 0; i < 100; i++) ones[i] = 1;
  CHECK_STATUS(vs_create(1.0, 0, 0, &seed, &h), VS_OK);
  CHECK_STATUS(vs_create_with_axes(1.0, 0, 0, &seed, in_axes, 1, out_axes, 1, &hax), VS_OK);

#define DESCRIBE_FAILS(init, shape, ndim, expected, needle)              \
  do {                                                                   \
    sentinel_fill(&p, sizeof p);                                         \
    CHECK_ERR(vs_describe(init, shape, ndim, &p), expected, needle);     \
    CHECK(sentinel_intact(&p, sizeof p));                                \
  } while (0)

  DESCRIBE_FAILS(NULL, s3, 3, VS_ERR_NULL_ARGUMENT, "init");
  DESCRIBE_FAILS(h, NULL, 3, VS_ERR_NULL_ARGUMENT, "shape");
  DESCRIBE_FAILS(h, neg, 2, VS_ERR_INVALID_SHAPE, "shape[1]");
  DESCRIBE_FAILS(h, overflow, 2, VS_ERR_INVALID_SHAPE, "shape");
  DESCRIBE_FAILS(h, fan_overflow, 4, VS_ERR_INVALID_SHAPE, "fan_out");
  DESCRIBE_FAILS(h, s3, SIZE_MAX, VS_ERR_INVALID_SHAPE, "ndim");
  DESCRIBE_FAILS(hax, s3, 3, VS_ERR_INVALID_SHAPE, "input_axes");
  DESCRIBE_FAILS(hax, NULL, 0, VS_ERR_INVALID_SHAPE, "input_axes");
#undef DESCRIBE_FAILS
  CHECK_ERR(vs_describe(h, s3, 3, NULL), VS_ERR_NULL_ARGUMENT, "out");
  /* any rank is accepted (Keras sets no limit) */
  CHECK_STATUS(vs_describe(h, ones, 100, &p), VS_OK);
  CHECK(p.fan_in == 1 && p.fan_out == 1 && p.n == 1.0);
  CHECK_ERR(vs_describe(NULL, NULL, 0, NULL), VS_ERR_NULL_ARGUMENT, NULL);
  vs_destroy(h);
  vs_destroy(hax);
}

static void test_compute_fans_errors(void) {
  static const int64_t s3[3] = {4, 5, 6};
  static const int64_t neg[3] = {2, 3, -4};
  static const int64_t overflow[2] = {INT64_C(1) << 32, INT64_C(1) << 32};
  static const int64_t fan_overflow[4] = {INT64_C(1) << 40, INT64_C(1) << 40, 0, 1};
  static const int64_t zero_first[5] = {INT64_C(1) << 40, INT64_C(1) << 40, 0, 3, 4};
  int64_t ones[100];
  int64_t fi, fo;
  size_t i;
  for (i = 0; i < 100; i++) ones[i] = 1;

#define FANS_FAIL(shape, ndim, expected, needle)                            \
  do {                                                                     \
    sentinel_fill(&fi, sizeof fi);                                         \
    sentinel_fill(&fo, sizeof fo);                                         \
    CHECK_ERR(vs_compute_fans(shape, ndim, &fi, &fo), expected, needle);   \
    CHECK(sentinel_intact(&fi, sizeof fi) && sentinel_intact(&fo, sizeof fo)); \
  } while (0)

  FANS_FAIL(NULL, 2, VS_ERR_NULL_ARGUMENT, "shape");
  FANS_FAIL(neg, 3, VS_ERR_INVALID_SHAPE, "shape[2]");
  FANS_FAIL(overflow, 2, VS_ERR_INVALID_SHAPE, "shape");
  FANS_FAIL(fan_overflow, 4, VS_ERR_INVALID_SHAPE, "fan_out");
  FANS_FAIL(s3, SIZE_MAX, VS_ERR_INVALID_SHAPE, "ndim");
#undef FANS_FAIL
  /* any rank is accepted; a zero dimension makes a fan 0 before the other
     factors could overflow (Keras's Python integers never overflow) */
  CHECK_STATUS(vs_compute_fans(ones, 100, &fi, &fo), VS_OK);
  CHECK(fi == 1 && fo == 1);
  CHECK_STATUS(vs_compute_fans(zero_first, 5, &fi, &fo), VS_OK);
  CHECK(fi == 0 && fo == 0);
  sentinel_fill(&fo, sizeof fo);
  CHECK_ERR(vs_compute_fans(s3, 3, NULL, &fo), VS_ERR_NULL_ARGUMENT, "fan_in");
  CHECK(sentinel_intact(&fo, sizeof fo));
  sentinel_fill(&fi, sizeof fi);
  CHECK_ERR(vs_compute_fans(s3, 3, &fi, NULL), VS_ERR_NULL_ARGUMENT, "fan_out");
  CHECK(sentinel_intact(&fi, sizeof fi));
  CHECK_ERR(vs_compute_fans(s3, 3, NULL, NULL), VS_ERR_NULL_ARGUMENT, NULL);
}

/* the message names the value received, and stays until the next failure */
static void test_message_lifetime(void) {
  const uint64_t seed = 1;
  vs_initializer *h = NULL;
  char copy[512];
  CHECK_ERR(vs_create(-7.25, 0, 0, &seed, &h), VS_ERR_INVALID_SCALE, "-7.25");
  strncpy(copy, vs_last_error_message(), sizeof copy - 1);
  copy[sizeof copy - 1] = '\0';
  /* successful calls leave it */
  CHECK_STATUS(vs_create(1.0, 0, 0, &seed, &h), VS_OK);
  CHECK_STR_EQ(vs_last_error_message(), copy);
  vs_destroy(h);
  CHECK_STR_EQ(vs_last_error_message(), copy);
  /* the next failure replaces it */
  CHECK_ERR(vs_create(1.0, 9, 0, &seed, &h), VS_ERR_INVALID_MODE, "mode=9");
  CHECK(strcmp(vs_last_error_message(), copy) != 0);
}


/* vs_with_algorithm, vs_get_algorithm: NULL pointers and unknown numbers */
static void test_algorithm_errors(void) {
  static const uint32_t unknown[] = {0, 3, 4, 0x80000000u, UINT32_MAX};
  const uint64_t seed = 8;
  vs_initializer *h = NULL, *out;
  uint32_t alg;
  size_t i;
  CHECK_STATUS(vs_create(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, &seed, &h), VS_OK);
  if (h == NULL) return;
  for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "algorithm=%lu", (unsigned long)unknown[i]);
    out = dummy_handle();
    CHECK_ERR(vs_with_algorithm(h, unknown[i], &out), VS_ERR_INVALID_ALGORITHM, needle);
    CHECK(out == NULL);
  }
  out = dummy_handle();
  CHECK_ERR(vs_with_algorithm(NULL, VS_ALGORITHM_PCG64_BLOCK_V1, &out), VS_ERR_NULL_ARGUMENT,
            "init");
  CHECK(out == NULL);
  /* the NULL handle is reported before the unknown number */
  out = dummy_handle();
  CHECK_ERR(vs_with_algorithm(NULL, 77, &out), VS_ERR_NULL_ARGUMENT, "init");
  CHECK(out == NULL);
  CHECK_ERR(vs_with_algorithm(h, VS_ALGORITHM_PCG64_BLOCK_V1, NULL), VS_ERR_NULL_ARGUMENT, "out");
  {
    /* a misaligned out pointer is rejected, not written */
    unsigned char raw[2 * sizeof(void *)];
    sentinel_fill(raw, sizeof raw);
    CHECK_ERR(vs_with_algorithm(h, 1, (vs_initializer **)(void *)(raw + 1)),
              VS_ERR_NULL_ARGUMENT, "out");
    CHECK(sentinel_intact(raw, sizeof raw));
  }
  alg = 0xA5A5A5A5u;
  CHECK_ERR(vs_get_algorithm(NULL, &alg), VS_ERR_NULL_ARGUMENT, "init");
  CHECK(alg == 0xA5A5A5A5u);
  CHECK_ERR(vs_get_algorithm(h, NULL), VS_ERR_NULL_ARGUMENT, "algorithm");
  {
    unsigned char raw[2 * sizeof(uint32_t)];
    sentinel_fill(raw, sizeof raw);
    CHECK_ERR(vs_get_algorithm(h, (uint32_t *)(void *)(raw + 1)), VS_ERR_NULL_ARGUMENT,
              "algorithm");
    CHECK(sentinel_intact(raw, sizeof raw));
  }
  /* after all that, the handle is unchanged */
  CHECK_STATUS(vs_get_algorithm(h, &alg), VS_OK);
  CHECK(alg == VS_ALGORITHM_DEFAULT);
  vs_destroy(h);
}

struct slice_case {
  const char *what;
  int null_init;
  const int64_t *shape;
  size_t ndim;
  const int64_t *start, *extent;
  int null_out;
  size_t out_len;
  vs_status expected;
  const char *needle;
};

/* every invalid argument of the slice fills, in every type and for both
   algorithms: the status, a message naming the argument, out untouched */
static void test_slice_errors(void) {
  static const int64_t s3[3] = {4, 5, 6};
  static const int64_t neg[3] = {4, -5, 6};
  static const int64_t zero3[3] = {0, 0, 0};
  static const int64_t full[3] = {4, 5, 6};
  static const int64_t one[3] = {1, 1, 1};
  static const int64_t start_neg[3] = {0, -1, 0};
  static const int64_t start_min[3] = {INT64_MIN, 0, 0};
  static const int64_t extent_neg[3] = {1, 1, -2};
  static const int64_t start_end[3] = {4, 0, 0};
  static const int64_t start_big[3] = {0, INT64_MAX, 0};
  static const int64_t extent_big[3] = {1, INT64_MAX, 1};
  static const int64_t start_mid[3] = {1, 2, 3};
  static const int64_t extent_over[3] = {3, 3, 4}; /* 3 + 4 > 6 in dimension 2 */
  const struct slice_case cases[] = {
      {"init NULL", 1, s3, 3, zero3, one, 0, 1, VS_ERR_NULL_ARGUMENT, "init"},
      {"shape NULL, ndim 3", 0, NULL, 3, zero3, one, 0, 1, VS_ERR_NULL_ARGUMENT, "shape"},
      {"start NULL", 0, s3, 3, NULL, one, 0, 1, VS_ERR_NULL_ARGUMENT, "start"},
      {"extent NULL", 0, s3, 3, zero3, NULL, 0, 1, VS_ERR_NULL_ARGUMENT, "extent"},
      {"out NULL", 0, s3, 3, zero3, one, 1, 1, VS_ERR_NULL_ARGUMENT, "out"},
      {"negative dimension", 0, neg, 3, zero3, one, 0, 1, VS_ERR_INVALID_SHAPE, "shape[1]"},
      {"negative start", 0, s3, 3, start_neg, one, 0, 1, VS_ERR_INVALID_SHAPE, "start[1] = -1"},
      {"INT64_MIN start", 0, s3, 3, start_min, one, 0, 1, VS_ERR_INVALID_SHAPE, "start[0]"},
      {"negative extent", 0, s3, 3, zero3, extent_neg, 0, 1, VS_ERR_INVALID_SHAPE,
       "extent[2] = -2"},
      {"box past the end", 0, s3, 3, start_mid, extent_over, 0, 36, VS_ERR_INVALID_SHAPE,
       "dimension 2"},
      {"box starting at the end", 0, s3, 3, start_end, one, 0, 1, VS_ERR_INVALID_SHAPE,
       "dimension 0"},
      {"start + extent overflow", 0, s3, 3, start_big, extent_big, 0, 1, VS_ERR_INVALID_SHAPE,
       "dimension 1"},
      {"out_len one less", 0, s3, 3, zero3, full, 0, 119, VS_ERR_BUFFER_SIZE, "out_len"},
      {"out_len one more", 0, s3, 3, zero3, full, 0, 121, VS_ERR_BUFFER_SIZE, "out_len"},
      {"out_len 0 for one element", 0, s3, 3, zero3, one, 1, 0, VS_ERR_BUFFER_SIZE, "out_len"},
      {"out_len 1 for an empty box", 0, s3, 3, zero3, zero3, 0, 1, VS_ERR_BUFFER_SIZE,
       "out_len"},
      {"ndim SIZE_MAX", 0, s3, SIZE_MAX, zero3, one, 0, 1, VS_ERR_INVALID_SHAPE, "ndim"},
  };
  const uint64_t seed = 6;
  unsigned char buf[130 * 8];
  size_t i;
  int t, a;
  for (a = 0; a < ALG_COUNT; a++) {
    vs_initializer *h = NULL;
    CHECK_STATUS(create_alg(algorithms[a], 1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL,
                            &seed, &h),
                 VS_OK);
    if (h == NULL) continue;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      const struct slice_case *c = &cases[i];
      for (t = 0; t < T_COUNT; t++) {
        int before = check_failures_;
        sentinel_fill(buf, sizeof buf);
        CHECK_ERR(fill_slice_t((vtype)t, c->null_init ? NULL : h, c->shape, c->ndim, c->start,
                               c->extent, c->null_out ? NULL : buf, c->out_len),
                  c->expected, c->needle);
        CHECK(sentinel_intact(buf, sizeof buf));
        if (check_failures_ != before)
          fprintf(stderr, "    ^ slice case \"%s\", %s, %s\n", c->what, vtype_name((vtype)t),
                  vs_algorithm_name(algorithms[a]));
      }
    }
    /* a misaligned out, start or extent */
    for (t = 0; t < T_COUNT; t++) {
      int64_t arr[4];
      sentinel_fill(buf, sizeof buf);
      if (t != T_F16 && t != T_BF16 && 1) {
        CHECK_ERR(fill_slice_t((vtype)t, h, s3, 3, zero3, one, buf + 1, 1), VS_ERR_NULL_ARGUMENT,
                  "out");
        CHECK(sentinel_intact(buf, sizeof buf));
      }
      memcpy((unsigned char *)arr + 1, zero3, 3 * sizeof(int64_t) - 1);
      CHECK_ERR(fill_slice_t((vtype)t, h, s3, 3, (const int64_t *)(const void *)((unsigned char *)arr + 1),
                             one, buf, 1),
                VS_ERR_NULL_ARGUMENT, "start");
      CHECK(sentinel_intact(buf, sizeof buf));
    }
    vs_destroy(h);
  }
}

int main(void) {
  skip_unless_requested_isa_runs("errors_" VS_TEST_LINKAGE);
  test_algorithm_errors();
  test_slice_errors();
  test_create();
  test_create_with_axes();
  test_from_config_json_pointers();
  test_get_config_json_and_seed();
  test_fills();
  test_describe_errors();
  test_compute_fans_errors();
  test_message_lifetime();
  return check_finish("errors_" VS_TEST_LINKAGE);
}
