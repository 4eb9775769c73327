/*
 * test_integrator.c: the integrator API. For every new function, every
 * status it documents (exact status, a new message naming the argument and
 * the value received, outputs untouched: sentinel buffers, out-params,
 * *out == NULL, vs_info / vs_description bytes); vs_fill_fans_* against
 * handle fills (every type, distribution, mode; offsets 0, 1, odd, near the
 * end; ranks 0, 1, 2, 4); layouts against explicit axes (OIHW, OHWI,
 * dense) and the vs_description family against each other, value_stddev
 * against a measured standard deviation; vs_get_info after each vs_with_*
 * (every field, struct_size rules), vs_get_axes, the config JSON of layout
 * and axes handles, unseeded vs_with_seed; derived seeds against
 * tests/data/derived_seeds.txt and a re-implementation of docs/seeds.md.
 * The threaded checks (an engine's own thread pool) are in
 * test_integrator_threads.c.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

#define NAME "integrator_" VS_TEST_LINKAGE

/* a non-NULL handle value that no call may leave in *out on error */
static vs_initializer *dummy_handle(void) {
  static char storage;
  return (vs_initializer *)(void *)&storage;
}

/* CHECK_ERR, and the message also contains `value` (the value received) */
#define CHECK_ERR_V(call, expected, arg, value)                  \
  do {                                                           \
    CHECK_ERR(call, expected, arg);                              \
    CHECK_CONTAINS(vs_last_error_message(), value);              \
  } while (0)

/* memory aligned for any type, so that p + 1 is misaligned for all but bytes */
typedef union {
  uint64_t u[32];
  double d[32];
  unsigned char b[256];
} raw_buf;

/* "%p" of a pointer, as the library's messages print it */
static const char *ptr_str(const void *p) {
  static char s[64];
  snprintf(s, sizeof s, "%p", p);
  return s;
}

static const char *u64_str(unsigned long long v) {
  static char s[4][32];
  static int k = 0;
  k = (k + 1) % 4;
  snprintf(s[k], sizeof s[k], "%llu", v);
  return s[k];
}

/* vs_fill_fans_<t> */
static vs_status fill_fans_t(vtype t, double scale, uint32_t mode, uint32_t dist, uint64_t seed,
                             int64_t fan_in, int64_t fan_out, uint64_t offset, void *out,
                             size_t count) {
  switch (t) {
    case T_F32:
      return vs_fill_fans_f32(scale, mode, dist, seed, fan_in, fan_out, offset, (float *)out,
                              count);
    case T_F64:
      return vs_fill_fans_f64(scale, mode, dist, seed, fan_in, fan_out, offset, (double *)out,
                              count);
    case T_F16:
      return vs_fill_fans_f16(scale, mode, dist, seed, fan_in, fan_out, offset,
                              (uint16_t *)out, count);
    default:
      return vs_fill_fans_bf16(scale, mode, dist, seed, fan_in, fan_out, offset,
                               (uint16_t *)out, count);
  }
}

static vs_initializer *create(double scale, uint32_t mode, uint32_t dist, uint64_t seed) {
  vs_initializer *h = NULL;
  CHECK_STATUS(vs_create(scale, mode, dist, &seed, &h), VS_OK);
  CHECK(h != NULL);
  return h;
}

/* *info of h, struct_size set; CHECKs the call */
static void info_of(const vs_initializer *h, vs_info *info) {
  memset(info, 0, sizeof *info);
  info->struct_size = sizeof *info;
  CHECK_STATUS(vs_get_info(h, info), VS_OK);
  CHECK(info->struct_size == sizeof(vs_info));
}

static void description_init(vs_description *d) {
  sentinel_fill(d, sizeof *d);
  d->struct_size = sizeof *d;
}

/* a whole fill of h (malloc'd, caller frees); NULL when it failed */
static void *whole_fill(vtype t, const vs_initializer *h, const int64_t *shape, size_t ndim,
                        size_t n) {
  void *buf = xmalloc(n * vtype_size(t));
  vs_status st = fill_t(t, h, shape, ndim, buf, n);
  CHECK_STATUS(st, VS_OK);
  if (st != VS_OK) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* 1 when two handles fill shape with the same bits, for type t */
static int same_fill(vtype t, const vs_initializer *a, const vs_initializer *b,
                     const int64_t *shape, size_t ndim, size_t n) {
  void *x = whole_fill(t, a, shape, ndim, n);
  void *y = whole_fill(t, b, shape, ndim, n);
  int same = x != NULL && y != NULL && memcmp(x, y, n * vtype_size(t)) == 0;
  free(x);
  free(y);
  return same;
}

static const uint32_t modes[3] = {VS_MODE_FAN_IN, VS_MODE_FAN_OUT, VS_MODE_FAN_AVG};
static const uint32_t dists[3] = {VS_DISTRIBUTION_TRUNCATED_NORMAL,
                                  VS_DISTRIBUTION_UNTRUNCATED_NORMAL, VS_DISTRIBUTION_UNIFORM};

/* ====================================================================== */
/* 1. statuses, messages, untouched outputs                                */
/* ====================================================================== */

static void test_layout_constants(void) {
  const char *t = vs_status_str(VS_ERR_INVALID_LAYOUT);
  CHECK(VS_ERR_INVALID_LAYOUT == 11);
  CHECK(VS_LAYOUT_IN_OUT == 0 && VS_LAYOUT_OUT_IN == 1 && VS_LAYOUT_OUT_SPATIAL_IN == 2);
  /* the size-prefixed structs: their size first, no padding */
  CHECK(offsetof(vs_info, struct_size) == 0 && offsetof(vs_description, struct_size) == 0);
  CHECK(sizeof(vs_info) == 3 * 8 + 8 * 4 + 2 * sizeof(size_t));
  CHECK(offsetof(vs_info, max_threads) == 3 * 8 + 6 * 4 + 2 * sizeof(size_t));
  CHECK(sizeof(vs_description) == 7 * 8);
  CHECK(offsetof(vs_description, value_stddev) == 6 * 8);
  CHECK(t != NULL);
  if (t == NULL) return;
  CHECK_STR_EQ(t, "VS_ERR_INVALID_LAYOUT: layout must be a vs_layout value (0, 1 or 2)");
  CHECK(strcmp(t, vs_status_str(12)) != 0);
  CHECK_STR_EQ(vs_status_str(12), "unknown vs_status value");
}

static void test_with_seed_errors(const vs_initializer *h) {
  const uint64_t seed = 7;
  raw_buf raw;
  vs_initializer *o;

  o = dummy_handle();
  CHECK_ERR_V(vs_with_seed(NULL, &seed, &o), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(o == NULL);
  o = dummy_handle();
  CHECK_ERR_V(vs_with_seed(NULL, NULL, &o), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(o == NULL);
  CHECK_ERR_V(vs_with_seed(h, &seed, NULL), VS_ERR_NULL_ARGUMENT, "`out`", "NULL");
  CHECK_ERR_V(vs_with_seed(h, NULL, NULL), VS_ERR_NULL_ARGUMENT, "`out`", "NULL");
  /* a misaligned seed pointer: refused, never read */
  sentinel_fill(&raw, sizeof raw);
  o = dummy_handle();
  CHECK_ERR_V(vs_with_seed(h, (const uint64_t *)(const void *)(raw.b + 1), &o),
              VS_ERR_NULL_ARGUMENT, "`seed`", ptr_str(raw.b + 1));
  CHECK(o == NULL);
  /* a misaligned out pointer: refused, not written */
  CHECK_ERR_V(vs_with_seed(h, &seed, (vs_initializer **)(void *)(raw.b + 1)),
              VS_ERR_NULL_ARGUMENT, "`out`", ptr_str(raw.b + 1));
  CHECK(sentinel_intact(&raw, sizeof raw));
  /* VS_ERR_INTERNAL (no OS entropy) cannot be caused from a test */
}

static void test_with_axes_errors(const vs_initializer *h) {
  const int64_t ax[3] = {1, 2, 3};
  raw_buf raw;
  vs_initializer *o;
  const size_t too_long = (size_t)(PTRDIFF_MAX / 8) + 1;

#define WITH_AXES_FAILS(init, in, nin, out_, nout, expected, arg, value)                \
  do {                                                                                \
    o = dummy_handle();                                                               \
    CHECK_ERR_V(vs_with_axes(init, in, nin, out_, nout, &o), expected, arg, value);   \
    CHECK(o == NULL);                                                                 \
  } while (0)

  WITH_AXES_FAILS(NULL, ax, 3, ax, 3, VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  WITH_AXES_FAILS(NULL, NULL, 0, NULL, 0, VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  /* a NULL list with a length */
  WITH_AXES_FAILS(h, NULL, 2, ax, 3, VS_ERR_NULL_ARGUMENT, "`input_axes`", "length is 2");
  WITH_AXES_FAILS(h, ax, 3, NULL, 5, VS_ERR_NULL_ARGUMENT, "`output_axes`", "length is 5");
  /* only one list */
  WITH_AXES_FAILS(h, ax, 3, NULL, 0, VS_ERR_INVALID_CONFIG, "output_axes", "only one");
  WITH_AXES_FAILS(h, NULL, 0, ax, 1, VS_ERR_INVALID_CONFIG, "input_axes", "only one");
  WITH_AXES_FAILS(h, ax, 0, NULL, 0, VS_ERR_INVALID_CONFIG, "output_axes", "only one");
  /* a length no array can have: refused before anything is read */
  WITH_AXES_FAILS(h, ax, SIZE_MAX, ax, 3, VS_ERR_INVALID_CONFIG, "`input_axes`",
                  u64_str(SIZE_MAX));
  WITH_AXES_FAILS(h, ax, 3, ax, too_long, VS_ERR_INVALID_CONFIG, "`output_axes`",
                  u64_str(too_long));
  /* a misaligned list */
  sentinel_fill(&raw, sizeof raw);
  WITH_AXES_FAILS(h, (const int64_t *)(const void *)(raw.b + 4), 2, ax, 1,
                  VS_ERR_NULL_ARGUMENT, "`input_axes`", ptr_str(raw.b + 4));
  WITH_AXES_FAILS(h, ax, 1, (const int64_t *)(const void *)(raw.b + 4), 2,
                  VS_ERR_NULL_ARGUMENT, "`output_axes`", ptr_str(raw.b + 4));
#undef WITH_AXES_FAILS
  CHECK_ERR_V(vs_with_axes(h, ax, 3, ax, 3, NULL), VS_ERR_NULL_ARGUMENT, "`out`", "NULL");
  CHECK_ERR_V(vs_with_axes(h, ax, 3, ax, 3, (vs_initializer **)(void *)(raw.b + 1)),
              VS_ERR_NULL_ARGUMENT, "`out`", ptr_str(raw.b + 1));
  CHECK(sentinel_intact(&raw, sizeof raw));
}

static void test_with_layout_errors(const vs_initializer *h) {
  static const uint32_t bad[] = {3, 4, 0x80000000u, UINT32_MAX};
  raw_buf raw;
  vs_initializer *o;
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "layout=%lu", (unsigned long)bad[i]);
    o = dummy_handle();
    CHECK_ERR_V(vs_with_layout(h, bad[i], &o), VS_ERR_INVALID_LAYOUT, "`layout`", needle);
    CHECK(o == NULL);
  }
  o = dummy_handle();
  CHECK_ERR_V(vs_with_layout(NULL, VS_LAYOUT_OUT_IN, &o), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(o == NULL);
  /* the NULL handle is reported before the bad layout */
  o = dummy_handle();
  CHECK_ERR_V(vs_with_layout(NULL, 3, &o), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(o == NULL);
  CHECK_ERR_V(vs_with_layout(h, VS_LAYOUT_OUT_IN, NULL), VS_ERR_NULL_ARGUMENT, "`out`", "NULL");
  sentinel_fill(&raw, sizeof raw);
  CHECK_ERR_V(vs_with_layout(h, VS_LAYOUT_OUT_IN, (vs_initializer **)(void *)(raw.b + 1)),
              VS_ERR_NULL_ARGUMENT, "`out`", ptr_str(raw.b + 1));
  CHECK(sentinel_intact(&raw, sizeof raw));
}

static void test_with_max_threads_errors(const vs_initializer *h) {
  raw_buf raw;
  vs_initializer *o = dummy_handle();
  CHECK_ERR_V(vs_with_max_threads(NULL, 1, &o), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(o == NULL);
  CHECK_ERR_V(vs_with_max_threads(h, 1, NULL), VS_ERR_NULL_ARGUMENT, "`out`", "NULL");
  sentinel_fill(&raw, sizeof raw);
  CHECK_ERR_V(vs_with_max_threads(h, 4, (vs_initializer **)(void *)(raw.b + 1)),
              VS_ERR_NULL_ARGUMENT, "`out`", ptr_str(raw.b + 1));
  CHECK(sentinel_intact(&raw, sizeof raw));
}

static void test_get_info_errors(const vs_initializer *h) {
  static const uint64_t small[] = {0, 1, 8, sizeof(vs_info) - 8, sizeof(vs_info) - 1};
  vs_info info, copy;
  raw_buf raw;
  size_t i;

  /* init NULL: nothing written, struct_size included */
  sentinel_fill(&info, sizeof info);
  info.struct_size = sizeof info;
  copy = info;
  CHECK_ERR_V(vs_get_info(NULL, &info), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(memcmp(&info, &copy, sizeof info) == 0);
  CHECK_ERR_V(vs_get_info(h, NULL), VS_ERR_NULL_ARGUMENT, "`info`", "NULL");
  CHECK_ERR_V(vs_get_info(NULL, NULL), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  /* misaligned */
  sentinel_fill(&raw, sizeof raw);
  CHECK_ERR_V(vs_get_info(h, (vs_info *)(void *)(raw.b + 4)), VS_ERR_NULL_ARGUMENT, "`info`",
              ptr_str(raw.b + 4));
  CHECK(sentinel_intact(&raw, sizeof raw));
  /* struct_size smaller than vs_info: VS_ERR_BUFFER_SIZE, nothing written */
  for (i = 0; i < sizeof small / sizeof small[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "= %llu", (unsigned long long)small[i]);
    sentinel_fill(&info, sizeof info);
    info.struct_size = small[i];
    copy = info;
    CHECK_ERR_V(vs_get_info(h, &info), VS_ERR_BUFFER_SIZE, "info->struct_size", needle);
    CHECK(memcmp(&info, &copy, sizeof info) == 0);
  }
}

static void test_get_axes_errors(const vs_initializer *h) {
  const int64_t in_ax[3] = {1, 2, 3}, out_ax[2] = {0, -2};
  int64_t ib[8], ob[8];
  size_t ni, no;
  raw_buf raw;
  vs_initializer *ha = NULL;
  CHECK_STATUS(vs_with_axes(h, in_ax, 3, out_ax, 2, &ha), VS_OK);
  if (ha == NULL) return;

#define RESET()                     \
  do {                              \
    sentinel_fill(ib, sizeof ib);   \
    sentinel_fill(ob, sizeof ob);   \
    sentinel_fill(&ni, sizeof ni);  \
    sentinel_fill(&no, sizeof no);  \
  } while (0)

  /* init NULL: nothing written at all */
  RESET();
  CHECK_ERR_V(vs_get_axes(NULL, ib, 8, ob, 8, &ni, &no), VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  CHECK(sentinel_intact(&ni, sizeof ni) && sentinel_intact(&no, sizeof no));
  /* a NULL count pointer: neither count nor list written */
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, ib, 8, ob, 8, NULL, &no), VS_ERR_NULL_ARGUMENT, "`n_input`", "NULL");
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  CHECK(sentinel_intact(&no, sizeof no));
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, ib, 8, ob, 8, &ni, NULL), VS_ERR_NULL_ARGUMENT, "`n_output`",
              "NULL");
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  CHECK(sentinel_intact(&ni, sizeof ni));
  /* misaligned count pointers */
  RESET();
  sentinel_fill(&raw, sizeof raw);
  CHECK_ERR_V(vs_get_axes(ha, ib, 8, ob, 8, (size_t *)(void *)(raw.b + 1), &no),
              VS_ERR_NULL_ARGUMENT, "`n_input`", ptr_str(raw.b + 1));
  CHECK(sentinel_intact(&raw, sizeof raw) && sentinel_intact(&no, sizeof no));
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  /* a NULL list with a capacity: the counts are set (documented), no list written */
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, NULL, 3, ob, 8, &ni, &no), VS_ERR_NULL_ARGUMENT, "`input_axes`",
              "input_cap=3");
  CHECK(ni == 3 && no == 2);
  CHECK(sentinel_intact(ob, sizeof ob));
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, ib, 8, NULL, 1, &ni, &no), VS_ERR_NULL_ARGUMENT, "`output_axes`",
              "output_cap=1");
  CHECK(ni == 3 && no == 2);
  CHECK(sentinel_intact(ib, sizeof ib));
  /* a short list: VS_ERR_BUFFER_SIZE, nothing written to either buffer */
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, ib, 2, ob, 8, &ni, &no), VS_ERR_BUFFER_SIZE, "input_cap", "= 2");
  CHECK(ni == 3 && no == 2);
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, ib, 3, ob, 1, &ni, &no), VS_ERR_BUFFER_SIZE, "output_cap", "= 1");
  CHECK(ni == 3 && no == 2);
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  RESET();
  CHECK_ERR_V(vs_get_axes(ha, ib, 0, ob, 0, &ni, &no), VS_ERR_BUFFER_SIZE, "input_cap", "= 0");
  CHECK(sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  /* a misaligned list */
  RESET();
  sentinel_fill(&raw, sizeof raw);
  CHECK_ERR_V(vs_get_axes(ha, ib, 8, (int64_t *)(void *)(raw.b + 4), 8, &ni, &no),
              VS_ERR_NULL_ARGUMENT, "`output_axes`", ptr_str(raw.b + 4));
  CHECK(sentinel_intact(&raw, sizeof raw));
  CHECK(sentinel_intact(ib, sizeof ib));
#undef RESET
  vs_destroy(ha);
}

/* the calls that fill a vs_description: out NULL, misaligned, small */
static void check_description_out_errors(int which, const vs_initializer *h) {
  static const int64_t shape[2] = {4, 5};
  static const uint64_t small[] = {0, 8, sizeof(vs_description) - 8, sizeof(vs_description) - 1};
  vs_description d, copy;
  raw_buf raw;
  size_t i;
#define DESCRIBE(out_)                                                                     \
  (which == 0 ? vs_describe_ex(h, shape, 2, out_)                                          \
   : which == 1 ? vs_describe_fans(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 4, 5, out_) \
                : vs_describe_shape(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, shape, 2,  \
                                    VS_LAYOUT_OUT_IN, out_))
  CHECK_ERR_V(DESCRIBE(NULL), VS_ERR_NULL_ARGUMENT, "`out`", "NULL");
  sentinel_fill(&raw, sizeof raw);
  CHECK_ERR_V(DESCRIBE((vs_description *)(void *)(raw.b + 4)), VS_ERR_NULL_ARGUMENT, "`out`",
              ptr_str(raw.b + 4));
  CHECK(sentinel_intact(&raw, sizeof raw));
  for (i = 0; i < sizeof small / sizeof small[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "= %llu", (unsigned long long)small[i]);
    sentinel_fill(&d, sizeof d);
    d.struct_size = small[i];
    copy = d;
    CHECK_ERR_V(DESCRIBE(&d), VS_ERR_BUFFER_SIZE, "out->struct_size", needle);
    CHECK(memcmp(&d, &copy, sizeof d) == 0);
  }
  /* and the valid call */
  description_init(&d);
  CHECK_STATUS(DESCRIBE(&d), VS_OK);
  CHECK(d.struct_size == sizeof d);
#undef DESCRIBE
}

static void test_describe_ex_errors(const vs_initializer *h) {
  static const int64_t s3[3] = {4, 5, 6};
  static const int64_t neg[2] = {3, -1};
  static const int64_t overflow[2] = {INT64_C(1) << 32, INT64_C(1) << 32};
  static const int64_t fan_overflow[3] = {INT64_C(1) << 40, 0, INT64_C(1) << 40};
  static const int64_t one[1] = {1};
  const int64_t in_axes[1] = {3}, out_axes[1] = {0};
  const uint64_t seed = 3;
  vs_initializer *hax = NULL, *hl = NULL, *huge = NULL;
  vs_description d, copy;
  CHECK_STATUS(vs_with_axes(h, in_axes, 1, out_axes, 1, &hax), VS_OK);
  CHECK_STATUS(vs_with_layout(h, VS_LAYOUT_OUT_IN, &hl), VS_OK);
  CHECK_STATUS(vs_create(DBL_MAX, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, &seed, &huge), VS_OK);

#define DESCRIBE_EX_FAILS(init, shape, ndim, expected, arg, value)           \
  do {                                                                      \
    description_init(&d);                                                   \
    copy = d;                                                               \
    CHECK_ERR_V(vs_describe_ex(init, shape, ndim, &d), expected, arg, value); \
    CHECK(memcmp(&d, &copy, sizeof d) == 0);                                \
  } while (0)

  DESCRIBE_EX_FAILS(NULL, s3, 3, VS_ERR_NULL_ARGUMENT, "`init`", "NULL");
  DESCRIBE_EX_FAILS(h, NULL, 3, VS_ERR_NULL_ARGUMENT, "`shape`", "ndim=3");
  DESCRIBE_EX_FAILS(h, neg, 2, VS_ERR_INVALID_SHAPE, "shape[1]", "-1");
  DESCRIBE_EX_FAILS(h, overflow, 2, VS_ERR_INVALID_SHAPE, "shape", "4294967296");
  DESCRIBE_EX_FAILS(hl, fan_overflow, 3, VS_ERR_INVALID_SHAPE, "fan_out", "1099511627776");
  DESCRIBE_EX_FAILS(h, s3, SIZE_MAX, VS_ERR_INVALID_SHAPE, "ndim", u64_str(SIZE_MAX));
  DESCRIBE_EX_FAILS(hax, s3, 3, VS_ERR_INVALID_SHAPE, "input_axes", "3");
  DESCRIBE_EX_FAILS(hax, NULL, 0, VS_ERR_INVALID_SHAPE, "input_axes", "rank 0");
  DESCRIBE_EX_FAILS(huge, one, 1, VS_ERR_INVALID_SCALE, "scale", "1.7976931348623157e308");
  {
    raw_buf raw;
    sentinel_fill(&raw, sizeof raw);
    DESCRIBE_EX_FAILS(h, (const int64_t *)(const void *)(raw.b + 4), 2, VS_ERR_NULL_ARGUMENT,
                      "`shape`", ptr_str(raw.b + 4));
  }
#undef DESCRIBE_EX_FAILS
  check_description_out_errors(0, h);
  vs_destroy(hax);
  vs_destroy(hl);
  vs_destroy(huge);
}

/* vs_describe_fans and vs_describe_shape share the config arguments */
static void test_describe_fans_shape_errors(void) {
  static const int64_t s2[2] = {4, 5};
  static const int64_t neg[3] = {4, 5, -6};
  static const int64_t overflow[2] = {INT64_C(1) << 32, INT64_C(1) << 32};
  static const int64_t fan_overflow[3] = {INT64_C(1) << 40, 0, INT64_C(1) << 40};
  static const int64_t one[1] = {1};
  struct cfg_case {
    double scale;
    uint32_t mode, dist;
    vs_status expected;
    const char *arg, *value;
  };
  const struct cfg_case cfg[] = {
      {NAN, 0, 0, VS_ERR_INVALID_SCALE, "scale", "scale=nan"},
      {0.0, 0, 0, VS_ERR_INVALID_SCALE, "scale", "0"},
      {-1.5, 0, 0, VS_ERR_INVALID_SCALE, "scale", "-1.5"},
      {-INFINITY, 0, 0, VS_ERR_INVALID_SCALE, "scale", "inf"},
      {1.0, 3, 0, VS_ERR_INVALID_MODE, "`mode`", "mode=3"},
      {1.0, UINT32_MAX, 0, VS_ERR_INVALID_MODE, "`mode`", "mode=4294967295"},
      {1.0, 0, 3, VS_ERR_INVALID_DISTRIBUTION, "`distribution`", "distribution=3"},
      /* checked in vs_create's order: scale, mode, distribution */
      {NAN, 3, 3, VS_ERR_INVALID_SCALE, "scale", "scale=nan"},
      {1.0, 3, 3, VS_ERR_INVALID_MODE, "`mode`", "mode=3"},
      /* a uniform limit that overflows */
      {DBL_MAX, 0, VS_DISTRIBUTION_UNIFORM, VS_ERR_INVALID_SCALE, "scale",
       "1.7976931348623157e308"},
  };
  vs_description d, copy;
  int64_t fi = 1, fo = 1;
  size_t i;

#define FANS_FAILS(scale, mode, dist, fin, fout, expected, arg, value)                   \
  do {                                                                                  \
    description_init(&d);                                                               \
    copy = d;                                                                           \
    CHECK_ERR_V(vs_describe_fans(scale, mode, dist, fin, fout, &d), expected, arg, value); \
    CHECK(memcmp(&d, &copy, sizeof d) == 0);                                            \
  } while (0)
#define SHAPE_FAILS(scale, mode, dist, shape, ndim, layout, expected, arg, value)       \
  do {                                                                                 \
    description_init(&d);                                                              \
    copy = d;                                                                          \
    CHECK_ERR_V(vs_describe_shape(scale, mode, dist, shape, ndim, layout, &d), expected, \
                arg, value);                                                           \
    CHECK(memcmp(&d, &copy, sizeof d) == 0);                                           \
  } while (0)

  for (i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
    const struct cfg_case *c = &cfg[i];
    int before = check_failures_;
    FANS_FAILS(c->scale, c->mode, c->dist, fi, fo, c->expected, c->arg, c->value);
    SHAPE_FAILS(c->scale, c->mode, c->dist, one, 1, VS_LAYOUT_OUT_IN, c->expected, c->arg,
                c->value);
    if (check_failures_ != before) fprintf(stderr, "    ^ config case %lu\n", (unsigned long)i);
  }
  /* fans */
  FANS_FAILS(1.0, 0, 0, -1, 5, VS_ERR_INVALID_SHAPE, "fan_in", "fan_in=-1");
  FANS_FAILS(1.0, 0, 0, 5, INT64_MIN, VS_ERR_INVALID_SHAPE, "fan_out",
             "fan_out=-9223372036854775808");
  /* the largest fans are valid */
  description_init(&d);
  CHECK_STATUS(vs_describe_fans(1.0, VS_MODE_FAN_AVG, 0, INT64_MAX, INT64_MAX, &d), VS_OK);
  CHECK(d.fan_in == INT64_MAX && d.fan_out == INT64_MAX && d.n == 9223372036854775807.0);
  /* layout and shape */
  SHAPE_FAILS(1.0, 0, 0, s2, 2, 3, VS_ERR_INVALID_LAYOUT, "`layout`", "layout=3");
  SHAPE_FAILS(1.0, 0, 0, s2, 2, UINT32_MAX, VS_ERR_INVALID_LAYOUT, "`layout`",
              "layout=4294967295");
  SHAPE_FAILS(1.0, 0, 0, NULL, 2, VS_LAYOUT_OUT_IN, VS_ERR_NULL_ARGUMENT, "`shape`", "ndim=2");
  SHAPE_FAILS(1.0, 0, 0, neg, 3, VS_LAYOUT_OUT_IN, VS_ERR_INVALID_SHAPE, "shape[2]", "-6");
  SHAPE_FAILS(1.0, 0, 0, overflow, 2, VS_LAYOUT_OUT_SPATIAL_IN, VS_ERR_INVALID_SHAPE, "shape",
              "4294967296");
  SHAPE_FAILS(1.0, 0, 0, fan_overflow, 3, VS_LAYOUT_OUT_IN, VS_ERR_INVALID_SHAPE, "fan_out",
              "1099511627776");
  SHAPE_FAILS(1.0, 0, 0, s2, SIZE_MAX, VS_LAYOUT_IN_OUT, VS_ERR_INVALID_SHAPE, "ndim",
              u64_str(SIZE_MAX));
  {
    raw_buf raw;
    sentinel_fill(&raw, sizeof raw);
    SHAPE_FAILS(1.0, 0, 0, (const int64_t *)(const void *)(raw.b + 4), 2, VS_LAYOUT_OUT_IN,
                VS_ERR_NULL_ARGUMENT, "`shape`", ptr_str(raw.b + 4));
  }
#undef FANS_FAILS
#undef SHAPE_FAILS
  check_description_out_errors(1, NULL);
  check_description_out_errors(2, NULL);
}

static void test_compute_fans_layout_errors(void) {
  static const int64_t s3[3] = {4, 5, 6};
  static const int64_t neg[3] = {4, -5, 6};
  static const int64_t overflow[2] = {INT64_C(1) << 32, INT64_C(1) << 32};
  static const int64_t fan_overflow[3] = {INT64_C(1) << 40, 0, INT64_C(1) << 40};
  static const int64_t fan_overflow_osi[3] = {INT64_C(1) << 40, INT64_C(1) << 40, 0};
  static const uint32_t bad[] = {3, 0x80000000u, UINT32_MAX};
  int64_t fi, fo;
  raw_buf raw;
  size_t i;

#define LAYOUT_FAILS(shape, ndim, layout, expected, arg, value)                       \
  do {                                                                               \
    sentinel_fill(&fi, sizeof fi);                                                   \
    sentinel_fill(&fo, sizeof fo);                                                   \
    CHECK_ERR_V(vs_compute_fans_layout(shape, ndim, layout, &fi, &fo), expected, arg, value); \
    CHECK(sentinel_intact(&fi, sizeof fi) && sentinel_intact(&fo, sizeof fo));       \
  } while (0)

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "layout=%lu", (unsigned long)bad[i]);
    LAYOUT_FAILS(s3, 3, bad[i], VS_ERR_INVALID_LAYOUT, "`layout`", needle);
  }
  LAYOUT_FAILS(NULL, 3, VS_LAYOUT_OUT_IN, VS_ERR_NULL_ARGUMENT, "`shape`", "ndim=3");
  LAYOUT_FAILS(neg, 3, VS_LAYOUT_OUT_IN, VS_ERR_INVALID_SHAPE, "shape[1]", "-5");
  LAYOUT_FAILS(neg, 3, VS_LAYOUT_OUT_SPATIAL_IN, VS_ERR_INVALID_SHAPE, "shape[1]", "-5");
  LAYOUT_FAILS(neg, 3, VS_LAYOUT_IN_OUT, VS_ERR_INVALID_SHAPE, "shape[1]", "-5");
  LAYOUT_FAILS(overflow, 2, VS_LAYOUT_OUT_IN, VS_ERR_INVALID_SHAPE, "shape", "4294967296");
  LAYOUT_FAILS(fan_overflow, 3, VS_LAYOUT_OUT_IN, VS_ERR_INVALID_SHAPE, "fan_out",
               "1099511627776");
  LAYOUT_FAILS(s3, SIZE_MAX, VS_LAYOUT_OUT_IN, VS_ERR_INVALID_SHAPE, "ndim", u64_str(SIZE_MAX));
  sentinel_fill(&raw, sizeof raw);
  LAYOUT_FAILS((const int64_t *)(const void *)(raw.b + 4), 2, VS_LAYOUT_OUT_IN,
               VS_ERR_NULL_ARGUMENT, "`shape`", ptr_str(raw.b + 4));
#undef LAYOUT_FAILS
  /* OHWI with its in dimension 0: no element, fan_in 0, but fan_out = out * rf overflows */
  sentinel_fill(&fi, sizeof fi);
  sentinel_fill(&fo, sizeof fo);
  CHECK_ERR_V(vs_compute_fans_layout(fan_overflow_osi, 3, VS_LAYOUT_OUT_SPATIAL_IN, &fi, &fo),
              VS_ERR_INVALID_SHAPE, "fan_out", "1099511627776");
  CHECK(sentinel_intact(&fi, sizeof fi) && sentinel_intact(&fo, sizeof fo));
  /* NULL / misaligned out-params: the other one untouched */
  sentinel_fill(&fo, sizeof fo);
  CHECK_ERR_V(vs_compute_fans_layout(s3, 3, VS_LAYOUT_OUT_IN, NULL, &fo), VS_ERR_NULL_ARGUMENT,
              "`fan_in`", "NULL");
  CHECK(sentinel_intact(&fo, sizeof fo));
  sentinel_fill(&fi, sizeof fi);
  CHECK_ERR_V(vs_compute_fans_layout(s3, 3, VS_LAYOUT_OUT_IN, &fi, NULL), VS_ERR_NULL_ARGUMENT,
              "`fan_out`", "NULL");
  CHECK(sentinel_intact(&fi, sizeof fi));
  sentinel_fill(&raw, sizeof raw);
  sentinel_fill(&fo, sizeof fo);
  CHECK_ERR_V(vs_compute_fans_layout(s3, 3, VS_LAYOUT_OUT_IN, (int64_t *)(void *)(raw.b + 4), &fo),
              VS_ERR_NULL_ARGUMENT, "`fan_in`", ptr_str(raw.b + 4));
  CHECK(sentinel_intact(&raw, sizeof raw) && sentinel_intact(&fo, sizeof fo));
}

static void test_compute_fans_axes_errors(void) {
  static const int64_t s3[3] = {4, 5, 6};
  static const int64_t neg[3] = {4, -5, 6};
  static const int64_t big[3] = {INT64_C(1) << 40, INT64_C(1) << 40, 0};
  const int64_t ax[2] = {0, 1}, a3[1] = {3}, am4[1] = {-4}, a01[2] = {0, 1}, a2[1] = {2};
  const size_t too_long = (size_t)(PTRDIFF_MAX / 8) + 1;
  int64_t fi, fo;
  raw_buf raw;

#define AXES_FAILS(shape, ndim, in, nin, out_, nout, expected, arg, value)                 \
  do {                                                                                    \
    sentinel_fill(&fi, sizeof fi);                                                        \
    sentinel_fill(&fo, sizeof fo);                                                        \
    CHECK_ERR_V(vs_compute_fans_axes(shape, ndim, in, nin, out_, nout, &fi, &fo), expected, \
                arg, value);                                                              \
    CHECK(sentinel_intact(&fi, sizeof fi) && sentinel_intact(&fo, sizeof fo));            \
  } while (0)

  AXES_FAILS(NULL, 3, ax, 2, ax, 1, VS_ERR_NULL_ARGUMENT, "`shape`", "ndim=3");
  AXES_FAILS(s3, 3, NULL, 2, ax, 1, VS_ERR_NULL_ARGUMENT, "`input_axes`", "length is 2");
  AXES_FAILS(s3, 3, ax, 2, NULL, 1, VS_ERR_NULL_ARGUMENT, "`output_axes`", "length is 1");
  AXES_FAILS(s3, 3, ax, 2, NULL, 0, VS_ERR_INVALID_CONFIG, "output_axes", "only one");
  AXES_FAILS(s3, 3, NULL, 0, ax, 2, VS_ERR_INVALID_CONFIG, "input_axes", "only one");
  AXES_FAILS(s3, 3, ax, SIZE_MAX, ax, 2, VS_ERR_INVALID_CONFIG, "`input_axes`",
             u64_str(SIZE_MAX));
  AXES_FAILS(s3, 3, ax, 2, ax, too_long, VS_ERR_INVALID_CONFIG, "`output_axes`",
             u64_str(too_long));
  AXES_FAILS(s3, 3, a3, 1, ax, 2, VS_ERR_INVALID_SHAPE, "input_axes[0]", "= 3");
  AXES_FAILS(s3, 3, ax, 2, am4, 1, VS_ERR_INVALID_SHAPE, "output_axes[0]", "= -4");
  AXES_FAILS(NULL, 0, ax, 2, ax, 2, VS_ERR_INVALID_SHAPE, "input_axes[0]", "rank 0");
  AXES_FAILS(neg, 3, ax, 2, ax, 2, VS_ERR_INVALID_SHAPE, "shape[1]", "-5");
  AXES_FAILS(neg, 3, NULL, 0, NULL, 0, VS_ERR_INVALID_SHAPE, "shape[1]", "-5");
  AXES_FAILS(s3, SIZE_MAX, ax, 2, ax, 2, VS_ERR_INVALID_SHAPE, "ndim", u64_str(SIZE_MAX));
  /* a fan that overflows (the count is 0) */
  AXES_FAILS(big, 3, a01, 2, a2, 1, VS_ERR_INVALID_SHAPE, "fan_in", "1099511627776");
  sentinel_fill(&raw, sizeof raw);
  AXES_FAILS(s3, 3, (const int64_t *)(const void *)(raw.b + 2), 1, ax, 1, VS_ERR_NULL_ARGUMENT,
             "`input_axes`", ptr_str(raw.b + 2));
#undef AXES_FAILS
  sentinel_fill(&fo, sizeof fo);
  CHECK_ERR_V(vs_compute_fans_axes(s3, 3, ax, 2, ax, 2, NULL, &fo), VS_ERR_NULL_ARGUMENT,
              "`fan_in`", "NULL");
  CHECK(sentinel_intact(&fo, sizeof fo));
  sentinel_fill(&fi, sizeof fi);
  CHECK_ERR_V(vs_compute_fans_axes(s3, 3, ax, 2, ax, 2, &fi, NULL), VS_ERR_NULL_ARGUMENT,
              "`fan_out`", "NULL");
  CHECK(sentinel_intact(&fi, sizeof fi));
  /* valid: the default rule with both NULL, empty lists give 1 */
  CHECK_STATUS(vs_compute_fans_axes(s3, 3, NULL, 0, NULL, 0, &fi, &fo), VS_OK);
  CHECK(fi == 20 && fo == 24);
  CHECK_STATUS(vs_compute_fans_axes(s3, 3, ax, 0, ax, 0, &fi, &fo), VS_OK);
  CHECK(fi == 1 && fo == 1);
  CHECK_STATUS(vs_compute_fans_axes(s3, 3, ax, 2, am4 /* unused */, 0, &fi, &fo), VS_OK);
  CHECK(fi == 20 && fo == 1);
}

struct fans_fill_case {
  const char *what;
  double scale;
  uint32_t mode, dist;
  int64_t fan_in, fan_out;
  uint64_t offset;
  int null_out;
  size_t count;
  vs_status expected;
  const char *arg, *value;
};

static void test_fill_fans_errors(void) {
  const struct fans_fill_case cases[] = {
      {"scale NaN", NAN, 0, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_SCALE, "scale", "scale=nan"},
      {"scale 0", 0.0, 0, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_SCALE, "scale", "0"},
      {"scale -0", -0.0, 0, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_SCALE, "scale", "0"},
      {"scale -1.5", -1.5, 0, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_SCALE, "scale", "-1.5"},
      {"scale inf", INFINITY, 0, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_SCALE, "scale", "inf"},
      {"uniform limit overflows", DBL_MAX, 0, VS_DISTRIBUTION_UNIFORM, 1, 1, 0, 0, 4,
       VS_ERR_INVALID_SCALE, "scale", "1.7976931348623157e308"},
      {"mode 3", 1.0, 3, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_MODE, "`mode`", "mode=3"},
      {"mode UINT32_MAX", 1.0, UINT32_MAX, 0, 3, 4, 0, 0, 4, VS_ERR_INVALID_MODE, "`mode`",
       "mode=4294967295"},
      {"distribution 3", 1.0, 0, 3, 3, 4, 0, 0, 4, VS_ERR_INVALID_DISTRIBUTION,
       "`distribution`", "distribution=3"},
      {"distribution 0x80000000", 1.0, 0, 0x80000000u, 3, 4, 0, 0, 4,
       VS_ERR_INVALID_DISTRIBUTION, "`distribution`", "distribution=2147483648"},
      {"scale before mode", NAN, 3, 3, -1, -1, UINT64_MAX, 1, 4, VS_ERR_INVALID_SCALE, "scale",
       "scale=nan"},
      {"mode before distribution", 1.0, 3, 3, -1, -1, UINT64_MAX, 1, 4, VS_ERR_INVALID_MODE,
       "`mode`", "mode=3"},
      {"fan_in -1", 1.0, 0, 0, -1, 4, 0, 0, 4, VS_ERR_INVALID_SHAPE, "fan_in", "fan_in=-1"},
      {"fan_out INT64_MIN", 1.0, 1, 2, 3, INT64_MIN, 0, 0, 4, VS_ERR_INVALID_SHAPE, "fan_out",
       "fan_out=-9223372036854775808"},
      {"negative fan, count 0", 1.0, 0, 0, 3, -2, 0, 1, 0, VS_ERR_INVALID_SHAPE, "fan_out",
       "fan_out=-2"},
      {"offset INT64_MAX, count 1", 1.0, 0, 0, 3, 4, (uint64_t)INT64_MAX, 0, 1,
       VS_ERR_BUFFER_SIZE, "offset", "9223372036854775807"},
      {"offset 2^63, count 0", 1.0, 0, 0, 3, 4, UINT64_C(1) << 63, 1, 0, VS_ERR_BUFFER_SIZE,
       "offset", "9223372036854775808"},
      {"offset + count overflows", 1.0, 0, 0, 3, 4, UINT64_MAX, 0, 2, VS_ERR_BUFFER_SIZE,
       "offset", "18446744073709551615"},
      {"count past INT64_MAX", 1.0, 0, 0, 3, 4, 5, 0, SIZE_MAX, VS_ERR_BUFFER_SIZE, "count",
       u64_str(SIZE_MAX)},
      {"out NULL", 1.0, 0, 0, 3, 4, 0, 1, 4, VS_ERR_NULL_ARGUMENT, "`out`", "count=4"},
  };
  raw_buf buf;
  size_t i;
  int t;
  for (t = 0; t < T_COUNT; t++) {
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      const struct fans_fill_case *c = &cases[i];
      int before = check_failures_;
      sentinel_fill(&buf, sizeof buf);
      CHECK_ERR_V(fill_fans_t((vtype)t, c->scale, c->mode, c->dist, 42, c->fan_in, c->fan_out,
                              c->offset, c->null_out ? NULL : (void *)buf.b, c->count),
                  c->expected, c->arg, c->value);
      CHECK(sentinel_intact(&buf, sizeof buf));
      if (check_failures_ != before)
        fprintf(stderr, "    ^ vs_fill_fans_%s case \"%s\"\n", vtype_name((vtype)t), c->what);
    }
    /* a misaligned out */
    sentinel_fill(&buf, sizeof buf);
    CHECK_ERR_V(fill_fans_t((vtype)t, 1.0, 0, 0, 42, 3, 4, 0, buf.b + 1, 4),
                VS_ERR_NULL_ARGUMENT, "`out`", ptr_str(buf.b + 1));
    CHECK(sentinel_intact(&buf, sizeof buf));
    /* the valid edges: nothing to write, the last element a tensor can have */
    CHECK_STATUS(fill_fans_t((vtype)t, 1.0, 0, 0, 42, 3, 4, 0, NULL, 0), VS_OK);
    CHECK_STATUS(fill_fans_t((vtype)t, 1.0, 0, 0, 42, 3, 4, (uint64_t)INT64_MAX, NULL, 0), VS_OK);
    CHECK_STATUS(fill_fans_t((vtype)t, 1.0, 0, 0, 42, 0, 0, 0, buf.b, 3), VS_OK);
    CHECK(!sentinel_intact(buf.b, 3 * vtype_size((vtype)t)));
    CHECK(sentinel_intact(buf.b + 3 * vtype_size((vtype)t), sizeof buf - 3 * vtype_size((vtype)t)));
  }
}

/* ====================================================================== */
/* 2. vs_fill_fans_* against handle fills                                  */
/* ====================================================================== */

/* element (offset, count) pairs: 0, 1, odd, near and at the end */
static void check_fans_ranges(vtype t, const vs_initializer *h, double scale, uint32_t mode,
                              uint32_t dist, uint64_t seed, const int64_t *shape, size_t ndim,
                              size_t n, const char *what) {
  const size_t es = vtype_size(t);
  uint64_t offs[8];
  size_t counts[8], k, nk = 0;
  int64_t fi = -1, fo = -1;
  unsigned char *want, *got;
  int before = check_failures_;
  CHECK_STATUS(vs_compute_fans(shape, ndim, &fi, &fo), VS_OK);
  offs[nk] = 0, counts[nk++] = n;
  if (n > 1) offs[nk] = 1, counts[nk++] = n - 1;
  if (n > 1) offs[nk] = 1, counts[nk++] = 1;
  if (n > 800) offs[nk] = 777, counts[nk++] = n - 777 - 5; /* odd start and end */
  if (n > 40) offs[nk] = 33, counts[nk++] = 7;
  if (n > 3) offs[nk] = n - 3, counts[nk++] = 3;
  if (n > 2) offs[nk] = n - 2, counts[nk++] = 1;
  offs[nk] = n - 1, counts[nk++] = 1;
  want = (unsigned char *)xmalloc((n + 4) * es);
  got = (unsigned char *)xmalloc((n + 4) * es);
  for (k = 0; k < nk; k++) {
    sentinel_fill(want, (n + 4) * es);
    sentinel_fill(got, (n + 4) * es);
    CHECK_STATUS(fill_range_t(t, h, shape, ndim, offs[k], want, counts[k]), VS_OK);
    CHECK_STATUS(fill_fans_t(t, scale, mode, dist, seed, fi, fo, offs[k], got, counts[k]), VS_OK);
    CHECK(memcmp(want, got, counts[k] * es) == 0);
    /* nothing written past count */
    CHECK(sentinel_intact(got + counts[k] * es, 4 * es));
    if (check_failures_ != before) {
      fprintf(stderr, "    ^ %s %s mode %lu dist %lu offset %llu count %lu\n", what,
              vtype_name(t), (unsigned long)mode, (unsigned long)dist,
              (unsigned long long)offs[k], (unsigned long)counts[k]);
      break;
    }
  }
  free(want);
  free(got);
}

static void test_fill_fans_equals_handle(void) {
  /* rank 3, default rule: rf = 6, fans (120, 144), 2880 elements */
  static const int64_t s3[3] = {6, 20, 24};
  /* rank 4 with the same fans, and rank 2 with the same fans */
  static const int64_t s4_same[4] = {2, 3, 20, 24};
  static const int64_t s2_same[2] = {120, 144};
  const double scale = 1.7;
  int t, m, d;
  uint64_t k = 0;
  for (t = 0; t < T_COUNT; t++) {
    for (m = 0; m < 3; m++) {
      for (d = 0; d < 3; d++) {
        const uint64_t seed = vs_derive_seed(99, k++);
        vs_initializer *h = create(scale, modes[m], dists[d], seed);
        if (h == NULL) continue;
        check_fans_ranges((vtype)t, h, scale, modes[m], dists[d], seed, s3, 3, 2880, "rank 3");
        /* other shapes with these fans give the same elements */
        {
          const size_t es = vtype_size((vtype)t);
          void *a = whole_fill((vtype)t, h, s3, 3, 2880);
          void *b = whole_fill((vtype)t, h, s4_same, 4, 2880);
          void *c = whole_fill((vtype)t, h, s2_same, 2, 17280);
          CHECK(a && b && c && memcmp(a, b, 2880 * es) == 0 && memcmp(a, c, 2880 * es) == 0);
          free(a);
          free(b);
          free(c);
        }
        vs_destroy(h);
      }
    }
  }
}

/* whole fills of ranks 0, 1, 2, 4 (and an empty tensor) equal fills by fans */
static void test_fill_fans_ranks(void) {
  static const int64_t r1[1] = {37};
  static const int64_t r2[2] = {13, 29};
  static const int64_t r4[4] = {3, 3, 5, 7};
  static const int64_t empty[3] = {4, 0, 5};
  struct {
    const int64_t *shape;
    size_t ndim, n;
    int64_t fi, fo; /* the expected fans */
  } shapes[] = {
      {NULL, 0, 1, 1, 1}, {r1, 1, 37, 37, 37}, {r2, 2, 377, 13, 29}, {r4, 4, 315, 45, 63},
      {empty, 3, 0, 0, 20},
  };
  const double scale = 0.6;
  size_t s;
  int t, m, d;
  for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    int64_t fi = -1, fo = -1;
    CHECK_STATUS(vs_compute_fans(shapes[s].shape, shapes[s].ndim, &fi, &fo), VS_OK);
    CHECK(fi == shapes[s].fi && fo == shapes[s].fo);
    for (t = 0; t < T_COUNT; t++) {
      for (m = 0; m < 3; m++) {
        for (d = 0; d < 3; d++) {
          const uint64_t seed = vs_derive_seed(1234, s * 100 + (size_t)(t * 9 + m * 3 + d));
          const size_t es = vtype_size((vtype)t), n = shapes[s].n;
          vs_initializer *h = create(scale, modes[m], dists[d], seed);
          void *want, *got;
          int before = check_failures_;
          if (h == NULL) continue;
          want = xmalloc((n + 1) * es);
          got = xmalloc((n + 1) * es);
          sentinel_fill(got, (n + 1) * es);
          CHECK_STATUS(fill_t((vtype)t, h, shapes[s].shape, shapes[s].ndim, n ? want : NULL, n),
                       VS_OK);
          CHECK_STATUS(fill_fans_t((vtype)t, scale, modes[m], dists[d], seed, fi, fo, 0,
                                   n ? got : NULL, n),
                       VS_OK);
          CHECK(memcmp(want, got, n * es) == 0);
          CHECK(sentinel_intact((unsigned char *)got + n * es, es));
          if (check_failures_ != before)
            fprintf(stderr, "    ^ rank %lu, %s, mode %d, dist %d\n",
                    (unsigned long)shapes[s].ndim, vtype_name((vtype)t), m, d);
          free(want);
          free(got);
          vs_destroy(h);
        }
      }
    }
  }
  /* the last elements a tensor can have: a rank-1 tensor of INT64_MAX elements */
  {
    static const int64_t longest[1] = {INT64_MAX};
    vs_initializer *h = create(2.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, 5);
    for (t = 0; h != NULL && t < T_COUNT; t++) {
      raw_buf a, b;
      const uint64_t off = (uint64_t)INT64_MAX - 4;
      sentinel_fill(&a, sizeof a);
      sentinel_fill(&b, sizeof b);
      CHECK_STATUS(fill_range_t((vtype)t, h, longest, 1, off, a.b, 4), VS_OK);
      CHECK_STATUS(fill_fans_t((vtype)t, 2.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL,
                               5, INT64_MAX, INT64_MAX, off, b.b, 4),
                   VS_OK);
      CHECK(memcmp(&a, &b, sizeof a) == 0);
    }
    vs_destroy(h);
  }
  /* fills by fans are the default algorithm's: a pcg64-block-v1 handle differs */
  {
    static const int64_t shape[2] = {40, 50};
    vs_initializer *h = create(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 8);
    vs_initializer *v1 = NULL;
    float a[2000], b[2000];
    CHECK_STATUS(vs_with_algorithm(h, VS_ALGORITHM_PCG64_BLOCK_V1, &v1), VS_OK);
    CHECK_STATUS(vs_fill_f32(v1, shape, 2, a, 2000), VS_OK);
    CHECK_STATUS(vs_fill_fans_f32(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 8, 40, 50, 0, b,
                                  2000),
                 VS_OK);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_STATUS(vs_fill_f32(h, shape, 2, a, 2000), VS_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    vs_destroy(v1);
    vs_destroy(h);
  }
}

/* ====================================================================== */
/* 3. layouts                                                              */
/* ====================================================================== */

struct layout_case {
  const char *what;
  int64_t shape[5];
  size_t ndim;
  uint32_t layout;
  int64_t fan_in, fan_out;
  int64_t in_axes[4];
  size_t n_in;
  int64_t out_axes[4];
  size_t n_out;
};

static const struct layout_case layout_cases[] = {
    {"conv OIHW, OUT_IN", {32, 16, 3, 3}, 4, VS_LAYOUT_OUT_IN, 144, 288, {1, 2, 3}, 3,
     {0, 2, 3}, 3},
    {"conv OHWI, OUT_SPATIAL_IN", {32, 3, 3, 16}, 4, VS_LAYOUT_OUT_SPATIAL_IN, 144, 288,
     {1, 2, 3}, 3, {0, 1, 2}, 3},
    {"conv HWIO, IN_OUT", {3, 3, 16, 32}, 4, VS_LAYOUT_IN_OUT, 144, 288, {0, 1, 2}, 3,
     {0, 1, 3}, 3},
    {"dense (out, in), OUT_IN", {10, 784}, 2, VS_LAYOUT_OUT_IN, 784, 10, {1}, 1, {0}, 1},
    {"dense (out, in), OUT_SPATIAL_IN", {10, 784}, 2, VS_LAYOUT_OUT_SPATIAL_IN, 784, 10, {1}, 1,
     {0}, 1},
    {"dense (in, out), IN_OUT", {784, 10}, 2, VS_LAYOUT_IN_OUT, 784, 10, {0}, 1, {1}, 1},
    {"conv1d OIW, OUT_IN", {8, 4, 5}, 3, VS_LAYOUT_OUT_IN, 20, 40, {1, 2}, 2, {0, 2}, 2},
    {"conv1d OWI, OUT_SPATIAL_IN", {8, 5, 4}, 3, VS_LAYOUT_OUT_SPATIAL_IN, 20, 40, {1, 2}, 2,
     {0, 1}, 2},
    {"conv3d OIDHW, OUT_IN", {4, 2, 3, 3, 3}, 5, VS_LAYOUT_OUT_IN, 54, 108, {1, 2, 3, 4}, 4,
     {0, 2, 3, 4}, 4},
    {"conv3d ODHWI, OUT_SPATIAL_IN", {4, 3, 3, 3, 2}, 5, VS_LAYOUT_OUT_SPATIAL_IN, 54, 108,
     {1, 2, 3, 4}, 4, {0, 1, 2, 3}, 4},
    {"rank 1, OUT_IN", {7}, 1, VS_LAYOUT_OUT_IN, 7, 7, {0}, 1, {0}, 1},
    {"rank 1, OUT_SPATIAL_IN", {7}, 1, VS_LAYOUT_OUT_SPATIAL_IN, 7, 7, {0}, 1, {0}, 1},
    {"rank 0, OUT_IN", {0}, 0, VS_LAYOUT_OUT_IN, 1, 1, {0}, 0, {0}, 0},
    {"rank 0, OUT_SPATIAL_IN", {0}, 0, VS_LAYOUT_OUT_SPATIAL_IN, 1, 1, {0}, 0, {0}, 0},
    {"empty OIHW", {32, 0, 3, 3}, 4, VS_LAYOUT_OUT_IN, 0, 288, {1, 2, 3}, 3, {0, 2, 3}, 3},
};

static size_t count_of(const int64_t *shape, size_t ndim) {
  size_t n = 1, i;
  for (i = 0; i < ndim; i++) n *= (size_t)shape[i];
  return n;
}

static void check_description_consistent(const vs_description *d, double scale, uint32_t dist) {
  CHECK(d->struct_size == sizeof *d);
  /* value_stddev == sqrt(scale / n), for every distribution */
  CHECK(d->value_stddev == sqrt(scale / d->n));
  switch (dist) {
    case VS_DISTRIBUTION_TRUNCATED_NORMAL:
      CHECK(fabs(d->stddev * VS_TRUNCATED_NORMAL_STDDEV - d->value_stddev) <=
            4 * DBL_EPSILON * d->value_stddev);
      CHECK(d->limit == 2.0 * d->stddev);
      break;
    case VS_DISTRIBUTION_UNTRUNCATED_NORMAL:
      CHECK(d->stddev == d->value_stddev);
      CHECK(isinf(d->limit) && d->limit > 0);
      break;
    default:
      CHECK(d->stddev == 0.0);
      CHECK(fabs(d->limit / sqrt(3.0) - d->value_stddev) <= 4 * DBL_EPSILON * d->value_stddev);
      break;
  }
}

static void test_layouts(void) {
  const double scale = 2.0;
  const uint64_t seed = 31337;
  size_t c;
  int t, m, d;
  for (c = 0; c < sizeof layout_cases / sizeof layout_cases[0]; c++) {
    const struct layout_case *lc = &layout_cases[c];
    const int64_t *shape = lc->ndim ? lc->shape : NULL;
    const size_t n = count_of(lc->shape, lc->ndim);
    int64_t fi = -1, fo = -1;
    int before = check_failures_;
    CHECK_STATUS(vs_compute_fans_layout(shape, lc->ndim, lc->layout, &fi, &fo), VS_OK);
    CHECK(fi == lc->fan_in && fo == lc->fan_out);
    fi = fo = -1;
    CHECK_STATUS(vs_compute_fans_axes(shape, lc->ndim, lc->in_axes, lc->n_in, lc->out_axes,
                                      lc->n_out, &fi, &fo),
                 VS_OK);
    CHECK(fi == lc->fan_in && fo == lc->fan_out);
    if (lc->layout == VS_LAYOUT_IN_OUT) {
      fi = fo = -1;
      CHECK_STATUS(vs_compute_fans(shape, lc->ndim, &fi, &fo), VS_OK);
      CHECK(fi == lc->fan_in && fo == lc->fan_out);
    }
    for (m = 0; m < 3; m++) {
      for (d = 0; d < 3; d++) {
        vs_initializer *h = create(scale, modes[m], dists[d], seed);
        vs_initializer *hl = NULL, *ha = NULL;
        vs_description ds, df, dx;
        vs_params p;
        CHECK_STATUS(vs_with_layout(h, lc->layout, &hl), VS_OK);
        CHECK_STATUS(vs_with_axes(h, lc->in_axes, lc->n_in, lc->out_axes, lc->n_out, &ha), VS_OK);
        if (h == NULL || hl == NULL || ha == NULL) {
          vs_destroy(h);
          vs_destroy(hl);
          vs_destroy(ha);
          continue;
        }
        /* the fills: layout handle == axes handle == fill by fans */
        for (t = 0; t < T_COUNT; t++) {
          const size_t es = vtype_size((vtype)t);
          void *a = whole_fill((vtype)t, hl, shape, lc->ndim, n);
          void *b = whole_fill((vtype)t, ha, shape, lc->ndim, n);
          void *f = xmalloc(n * es + 1);
          CHECK_STATUS(fill_fans_t((vtype)t, scale, modes[m], dists[d], seed, lc->fan_in,
                                   lc->fan_out, 0, n ? f : NULL, n),
                       VS_OK);
          CHECK(a != NULL && b != NULL && memcmp(a, b, n * es) == 0 && memcmp(a, f, n * es) == 0);
          free(a);
          free(b);
          free(f);
        }
        /* the descriptions agree, byte for byte */
        description_init(&ds);
        description_init(&df);
        description_init(&dx);
        CHECK_STATUS(vs_describe_shape(scale, modes[m], dists[d], shape, lc->ndim, lc->layout, &ds),
                     VS_OK);
        CHECK_STATUS(vs_describe_fans(scale, modes[m], dists[d], lc->fan_in, lc->fan_out, &df),
                     VS_OK);
        CHECK_STATUS(vs_describe_ex(hl, shape, lc->ndim, &dx), VS_OK);
        CHECK(memcmp(&ds, &df, sizeof ds) == 0);
        CHECK(memcmp(&dx, &df, sizeof dx) == 0);
        description_init(&dx);
        CHECK_STATUS(vs_describe_ex(ha, shape, lc->ndim, &dx), VS_OK);
        CHECK(memcmp(&dx, &df, sizeof dx) == 0);
        CHECK(df.fan_in == lc->fan_in && df.fan_out == lc->fan_out);
        check_description_consistent(&df, scale, dists[d]);
        /* vs_describe (0.1's struct) says the same */
        sentinel_fill(&p, sizeof p);
        CHECK_STATUS(vs_describe(hl, shape, lc->ndim, &p), VS_OK);
        CHECK(p.fan_in == df.fan_in && p.fan_out == df.fan_out && p.n == df.n &&
              p.stddev == df.stddev && memcmp(&p.limit, &df.limit, sizeof p.limit) == 0);
        vs_destroy(h);
        vs_destroy(hl);
        vs_destroy(ha);
      }
    }
    if (check_failures_ != before) fprintf(stderr, "    ^ layout case \"%s\"\n", lc->what);
  }

  /* a layout differs from the default rule where the fans differ, and
     VS_LAYOUT_IN_OUT is the default rule */
  {
    static const int64_t oihw[4] = {32, 16, 3, 3};
    vs_initializer *h = create(scale, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, seed);
    vs_initializer *hl = NULL, *hd = NULL;
    CHECK_STATUS(vs_with_layout(h, VS_LAYOUT_OUT_IN, &hl), VS_OK);
    CHECK_STATUS(vs_with_layout(hl, VS_LAYOUT_IN_OUT, &hd), VS_OK);
    CHECK(!same_fill(T_F32, h, hl, oihw, 4, 4608));
    CHECK(same_fill(T_F32, h, hd, oihw, 4, 4608));
    vs_destroy(h);
    vs_destroy(hl);
    vs_destroy(hd);
  }
}

/* E[z^2] and E[z^4] of a standard normal truncated to [-2, 2] */
static void truncated_moments(double *m2, double *m4) {
  const double b = 2.0, pi = 3.14159265358979323846;
  const double phi = exp(-0.5 * b * b) / sqrt(2.0 * pi);
  const double z = erf(b / sqrt(2.0));
  *m2 = 1.0 - 2.0 * b * phi / z;
  *m4 = 3.0 * *m2 - 2.0 * b * b * b * phi / z;
}

/* the kurtosis E[x^4] / E[x^2]^2 of the values of distribution dist */
static double kurtosis(uint32_t dist) {
  double m2, m4;
  switch (dist) {
    case VS_DISTRIBUTION_TRUNCATED_NORMAL:
      truncated_moments(&m2, &m4);
      return m4 / (m2 * m2);
    case VS_DISTRIBUTION_UNTRUNCATED_NORMAL:
      return 3.0;
    default:
      return 1.8;
  }
}

/* mean and standard deviation of a large fill against value_stddev, within
   5 standard errors (the variance's from the distribution's kurtosis) */
static void check_sample_std(const double *v, size_t n, const vs_description *d, uint32_t dist,
                             const char *what) {
  double mean = 0.0, var = 0.0, sd, se_var;
  size_t i;
  int before = check_failures_;
  for (i = 0; i < n; i++) mean += v[i];
  mean /= (double)n;
  for (i = 0; i < n; i++) var += (v[i] - mean) * (v[i] - mean);
  var /= (double)(n - 1);
  sd = d->value_stddev;
  /* Var(s^2) = sigma^4 (kurtosis - 1) / n */
  se_var = sd * sd * sqrt((kurtosis(dist) - 1.0) / (double)n);
  CHECK(fabs(mean) <= 5.0 * sd / sqrt((double)n));
  CHECK(fabs(var - sd * sd) <= 5.0 * se_var);
  /* and the variance is nowhere near the underlying normal's (truncated) */
  if (dist == VS_DISTRIBUTION_TRUNCATED_NORMAL)
    CHECK(fabs(var - d->stddev * d->stddev) > 50.0 * se_var);
  if (check_failures_ != before)
    fprintf(stderr, "    ^ %s: n=%lu mean=%g sd=%.8g value_stddev=%.8g (dist %lu)\n", what,
            (unsigned long)n, mean, sqrt(var), sd, (unsigned long)dist);
}

static void test_value_stddev_measured(void) {
  static const int64_t oihw[4] = {32, 16, 3, 3};
  /* valgrind's emulation of the normals is slow: fewer samples there (the
     tolerances follow the sample size) */
  const size_t n = getenv("VS_TEST_UNDER_VALGRIND") != NULL ? ((size_t)1 << 16)
                                                           : ((size_t)1 << 20);
  double *v = (double *)xmalloc(n * sizeof *v);
  float *f = (float *)xmalloc(n * sizeof *f);
  int d;
  size_t i;
  for (d = 0; d < 3; d++) {
    vs_description desc;
    vs_initializer *h = create(2.0, VS_MODE_FAN_AVG, dists[d], 20261201);
    vs_initializer *hl = NULL;
    description_init(&desc);
    CHECK_STATUS(vs_describe_shape(2.0, VS_MODE_FAN_AVG, dists[d], oihw, 4, VS_LAYOUT_OUT_IN,
                                   &desc),
                 VS_OK);
    CHECK(desc.n == 216.0);
    /* binary64 by fans */
    CHECK_STATUS(vs_fill_fans_f64(2.0, VS_MODE_FAN_AVG, dists[d], 20261201, desc.fan_in,
                                  desc.fan_out, 0, v, n),
                 VS_OK);
    check_sample_std(v, n, &desc, dists[d], "vs_fill_fans_f64");
    for (i = 0; dists[d] != VS_DISTRIBUTION_UNTRUNCATED_NORMAL && i < n; i++)
      if (!(fabs(v[i]) < desc.limit)) break;
    CHECK(i == n || dists[d] == VS_DISTRIBUTION_UNTRUNCATED_NORMAL);
    /* binary32 through a layout handle, from far into a large tensor */
    CHECK_STATUS(vs_with_layout(h, VS_LAYOUT_OUT_IN, &hl), VS_OK);
    {
      static const int64_t big[4] = {32, 16, 3 * 1024, 3 * 1024}; /* fans x 1024^2 */
      vs_description db;
      int64_t fi, fo;
      description_init(&db);
      CHECK_STATUS(vs_describe_ex(hl, big, 4, &db), VS_OK);
      CHECK_STATUS(vs_compute_fans_layout(big, 4, VS_LAYOUT_OUT_IN, &fi, &fo), VS_OK);
      CHECK(db.fan_in == fi && db.fan_out == fo);
      CHECK(db.value_stddev == sqrt(2.0 / db.n));
      CHECK_STATUS(vs_fill_range_f32(hl, big, 4, UINT64_C(3000000001), f, n), VS_OK);
      for (i = 0; i < n; i++) v[i] = f[i];
      check_sample_std(v, n, &db, dists[d], "vs_fill_range_f32 of a layout handle");
    }
    vs_destroy(hl);
    vs_destroy(h);
  }
  free(v);
  free(f);
}

/* ====================================================================== */
/* 4. vs_get_info, vs_get_axes, config JSON, unseeded handles              */
/* ====================================================================== */

struct info_want {
  double scale;
  uint64_t seed;
  uint32_t mode, distribution, algorithm, seeded, has_axes, layout;
  size_t n_in, n_out;
  uint32_t max_threads;
};

static void check_info(const vs_initializer *h, const struct info_want *w, const char *what) {
  vs_info info;
  int before = check_failures_;
  info_of(h, &info);
  CHECK(info.scale == w->scale);
  CHECK(info.seed == w->seed);
  CHECK(info.mode == w->mode);
  CHECK(info.distribution == w->distribution);
  CHECK(info.algorithm == w->algorithm);
  CHECK(info.seeded == w->seeded);
  CHECK(info.has_axes == w->has_axes);
  CHECK(info.layout == w->layout);
  CHECK(info.n_input_axes == w->n_in);
  CHECK(info.n_output_axes == w->n_out);
  CHECK(info.max_threads == w->max_threads);
  CHECK(info.reserved == 0);
  if (check_failures_ != before) fprintf(stderr, "    ^ vs_get_info of %s\n", what);
}

/* the handle's config JSON (static buffer) */
static const char *json_of(const vs_initializer *h) {
  static char buf[2][512];
  static int k = 0;
  size_t len = 0;
  k ^= 1;
  buf[k][0] = '\0';
  CHECK_STATUS(vs_get_config_json(h, buf[k], sizeof buf[k], &len), VS_OK);
  return buf[k];
}

static void test_info_after_with(void) {
  const int64_t in3[3] = {1, 2, 3}, out3[3] = {0, 2, 3}, neg_in[1] = {-1}, neg_out[2] = {0, -2};
  struct info_want w = {2.5, 1234, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNIFORM,
                        VS_ALGORITHM_DEFAULT, 1, 0, VS_LAYOUT_IN_OUT, 0, 0, 0};
  vs_initializer *h = create(2.5, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNIFORM, 1234);
  vs_initializer *a = NULL, *b = NULL, *c = NULL, *e = NULL;
  const uint64_t s999 = 999, s5 = 5;
  static const uint32_t caps[] = {0, 1, 2, 64, UINT32_MAX};
  size_t i;
  if (h == NULL) return;
  check_info(h, &w, "vs_create");

  /* vs_with_seed */
  CHECK_STATUS(vs_with_seed(h, &s999, &a), VS_OK);
  w.seed = 999;
  check_info(a, &w, "vs_with_seed(999)");
  vs_destroy(a);
  a = NULL;
  w.seed = 1234;

  /* vs_with_axes: lengths, has_axes; the default rule again with NULL lists */
  CHECK_STATUS(vs_with_axes(h, in3, 3, out3, 3, &a), VS_OK);
  w.has_axes = 1, w.n_in = 3, w.n_out = 3;
  check_info(a, &w, "vs_with_axes({1,2,3}, {0,2,3})");
  CHECK_STATUS(vs_with_axes(a, neg_in, 1, neg_out, 2, &b), VS_OK);
  w.n_in = 1, w.n_out = 2;
  check_info(b, &w, "vs_with_axes({-1}, {0,-2}) of an axes handle");
  CHECK_STATUS(vs_with_axes(b, in3, 0, out3, 0, &c), VS_OK);
  w.n_in = 0, w.n_out = 0;
  check_info(c, &w, "vs_with_axes with two empty lists");
  CHECK_STATUS(vs_with_axes(b, NULL, 0, NULL, 0, &e), VS_OK);
  w.has_axes = 0;
  check_info(e, &w, "vs_with_axes(NULL, NULL) of an axes handle");
  vs_destroy(c);
  vs_destroy(e);
  c = e = NULL;

  /* vs_with_layout: replaces axes; vs_with_axes replaces a layout */
  CHECK_STATUS(vs_with_layout(h, VS_LAYOUT_OUT_IN, &c), VS_OK);
  w.layout = VS_LAYOUT_OUT_IN;
  check_info(c, &w, "vs_with_layout(OUT_IN)");
  CHECK_STATUS(vs_with_layout(a, VS_LAYOUT_OUT_SPATIAL_IN, &e), VS_OK);
  w.layout = VS_LAYOUT_OUT_SPATIAL_IN;
  check_info(e, &w, "vs_with_layout(OUT_SPATIAL_IN) of an axes handle");
  vs_destroy(b);
  b = NULL;
  CHECK_STATUS(vs_with_axes(e, in3, 3, out3, 3, &b), VS_OK);
  w.layout = VS_LAYOUT_IN_OUT, w.has_axes = 1, w.n_in = 3, w.n_out = 3;
  check_info(b, &w, "vs_with_axes of a layout handle");
  vs_destroy(a);
  vs_destroy(b);
  vs_destroy(c);
  vs_destroy(e);
  a = b = c = e = NULL;
  w.layout = VS_LAYOUT_IN_OUT, w.has_axes = 0, w.n_in = 0, w.n_out = 0;

  /* vs_with_max_threads */
  for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    CHECK_STATUS(vs_with_max_threads(h, caps[i], &a), VS_OK);
    w.max_threads = caps[i];
    check_info(a, &w, "vs_with_max_threads");
    vs_destroy(a);
    a = NULL;
  }

  /* a chain: each vs_with_* keeps what the others set */
  CHECK_STATUS(vs_with_max_threads(h, 3, &a), VS_OK);
  CHECK_STATUS(vs_with_layout(a, VS_LAYOUT_OUT_IN, &b), VS_OK);
  CHECK_STATUS(vs_with_algorithm(b, VS_ALGORITHM_PCG64_BLOCK_V1, &c), VS_OK);
  CHECK_STATUS(vs_with_seed(c, &s5, &e), VS_OK);
  w.max_threads = 3, w.layout = VS_LAYOUT_OUT_IN, w.algorithm = VS_ALGORITHM_PCG64_BLOCK_V1,
  w.seed = 5;
  check_info(e, &w, "max_threads(3) -> layout(OUT_IN) -> algorithm(v1) -> seed(5)");
  vs_destroy(a);
  a = NULL;
  CHECK_STATUS(vs_with_axes(e, in3, 3, out3, 2, &a), VS_OK);
  w.layout = VS_LAYOUT_IN_OUT, w.has_axes = 1, w.n_in = 3, w.n_out = 2;
  check_info(a, &w, "... -> axes");
  vs_destroy(b);
  b = NULL;
  CHECK_STATUS(vs_with_algorithm(a, VS_ALGORITHM_SPLITMIX64_CTR_V2, &b), VS_OK);
  w.algorithm = VS_ALGORITHM_SPLITMIX64_CTR_V2;
  check_info(b, &w, "... -> axes -> algorithm(v2)");
  vs_destroy(a);
  vs_destroy(b);
  vs_destroy(c);
  vs_destroy(e);

  /* a JSON handle and an unseeded one */
  {
    vs_initializer *j = NULL;
    struct info_want wj = {3.0, 77, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNTRUNCATED_NORMAL,
                           VS_ALGORITHM_DEFAULT, 1, 1, VS_LAYOUT_IN_OUT, 2, 1, 0};
    CHECK_STATUS(vs_from_config_json("{\"seed\":77,\"scale\":3.0,\"mode\":\"fan_avg\","
                                     "\"distribution\":\"untruncated_normal\","
                                     "\"input_axes\":[0,1],\"output_axes\":[-1]}",
                                     &j),
                 VS_OK);
    check_info(j, &wj, "a JSON config with axes");
    vs_destroy(j);
    j = NULL;
    CHECK_STATUS(vs_create(1.0, 0, 0, NULL, &j), VS_OK);
    if (j != NULL) {
      vs_info info;
      uint64_t s = 0;
      info_of(j, &info);
      CHECK_STATUS(vs_get_seed(j, &s), VS_OK);
      CHECK(info.seeded == 0 && info.seed == s);
    }
    vs_destroy(j);
  }
  vs_destroy(h);
}

static void test_info_struct_size(void) {
  struct big_info {
    vs_info info;
    unsigned char tail[40];
  } big;
  vs_info exact;
  vs_initializer *h = create(1.5, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 4242);
  vs_initializer *hm = NULL;
  if (h == NULL) return;
  CHECK_STATUS(vs_with_max_threads(h, 7, &hm), VS_OK);
  /* exactly sizeof(vs_info): every byte written */
  sentinel_fill(&exact, sizeof exact);
  exact.struct_size = sizeof exact;
  CHECK_STATUS(vs_get_info(hm, &exact), VS_OK);
  CHECK(exact.struct_size == sizeof exact);
  CHECK(exact.max_threads == 7 && exact.reserved == 0 && exact.seed == 4242);
  /* a caller's struct larger than this library's (a newer header): the
     library's part written, the tail kept, struct_size = sizeof(vs_info) */
  sentinel_fill(&big, sizeof big);
  big.info.struct_size = sizeof big;
  CHECK_STATUS(vs_get_info(hm, &big.info), VS_OK);
  CHECK(big.info.struct_size == sizeof(vs_info));
  CHECK(sentinel_intact(big.tail, sizeof big.tail));
  CHECK(memcmp(&big.info, &exact, sizeof exact) == 0);
  /* a huge struct_size is not a reason to write more */
  sentinel_fill(&big, sizeof big);
  big.info.struct_size = UINT64_MAX;
  CHECK_STATUS(vs_get_info(hm, &big.info), VS_OK);
  CHECK(big.info.struct_size == sizeof(vs_info));
  CHECK(sentinel_intact(big.tail, sizeof big.tail));
  /* the same rules for vs_description */
  {
    struct big_desc {
      vs_description d;
      unsigned char tail[24];
    } bd;
    static const int64_t shape[2] = {3, 5};
    vs_description want;
    description_init(&want);
    CHECK_STATUS(vs_describe_ex(h, shape, 2, &want), VS_OK);
    sentinel_fill(&bd, sizeof bd);
    bd.d.struct_size = sizeof bd;
    CHECK_STATUS(vs_describe_ex(h, shape, 2, &bd.d), VS_OK);
    CHECK(bd.d.struct_size == sizeof(vs_description));
    CHECK(sentinel_intact(bd.tail, sizeof bd.tail));
    CHECK(memcmp(&bd.d, &want, sizeof want) == 0);
    sentinel_fill(&bd, sizeof bd);
    bd.d.struct_size = sizeof bd;
    CHECK_STATUS(vs_describe_fans(1.5, 0, 0, 3, 5, &bd.d), VS_OK);
    CHECK(bd.d.struct_size == sizeof(vs_description) && sentinel_intact(bd.tail, sizeof bd.tail));
    CHECK(memcmp(&bd.d, &want, sizeof want) == 0);
    sentinel_fill(&bd, sizeof bd);
    bd.d.struct_size = sizeof bd;
    CHECK_STATUS(vs_describe_shape(1.5, 0, 0, shape, 2, VS_LAYOUT_IN_OUT, &bd.d), VS_OK);
    CHECK(bd.d.struct_size == sizeof(vs_description) && sentinel_intact(bd.tail, sizeof bd.tail));
    CHECK(memcmp(&bd.d, &want, sizeof want) == 0);
  }
  vs_destroy(hm);
  vs_destroy(h);
}

static void test_get_axes(void) {
  const int64_t in3[3] = {1, 2, -1}, out2[2] = {0, -2};
  int64_t ib[6], ob[6];
  size_t ni, no;
  vs_initializer *h = create(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 3);
  vs_initializer *ha = NULL, *he = NULL, *hl = NULL;
  if (h == NULL) return;
  CHECK_STATUS(vs_with_axes(h, in3, 3, out2, 2, &ha), VS_OK);
  CHECK_STATUS(vs_with_axes(h, in3, 0, out2, 0, &he), VS_OK);
  CHECK_STATUS(vs_with_layout(ha, VS_LAYOUT_OUT_IN, &hl), VS_OK);
  if (ha == NULL || he == NULL || hl == NULL) goto done;

  /* size query */
  sentinel_fill(&ni, sizeof ni);
  sentinel_fill(&no, sizeof no);
  CHECK_STATUS(vs_get_axes(ha, NULL, 0, NULL, 0, &ni, &no), VS_OK);
  CHECK(ni == 3 && no == 2);
  /* size query for one list, the other copied */
  sentinel_fill(ob, sizeof ob);
  CHECK_STATUS(vs_get_axes(ha, NULL, 0, ob, 2, &ni, &no), VS_OK);
  CHECK(ob[0] == 0 && ob[1] == -2 && sentinel_intact(ob + 2, 4 * sizeof ob[0]));
  /* exact buffers */
  sentinel_fill(ib, sizeof ib);
  sentinel_fill(ob, sizeof ob);
  CHECK_STATUS(vs_get_axes(ha, ib, 3, ob, 2, &ni, &no), VS_OK);
  CHECK(ni == 3 && no == 2);
  CHECK(ib[0] == 1 && ib[1] == 2 && ib[2] == -1 && ob[0] == 0 && ob[1] == -2);
  CHECK(sentinel_intact(ib + 3, 3 * sizeof ib[0]) && sentinel_intact(ob + 2, 4 * sizeof ob[0]));
  /* larger buffers: only the lists written */
  sentinel_fill(ib, sizeof ib);
  sentinel_fill(ob, sizeof ob);
  CHECK_STATUS(vs_get_axes(ha, ib, 6, ob, 6, &ni, &no), VS_OK);
  CHECK(ib[0] == 1 && ib[1] == 2 && ib[2] == -1 && ob[0] == 0 && ob[1] == -2);
  CHECK(sentinel_intact(ib + 3, 3 * sizeof ib[0]) && sentinel_intact(ob + 2, 4 * sizeof ob[0]));
  /* short buffers: the errors are in test_get_axes_errors */
  /* no axes (default rule, and a layout, which replaced the axes) */
  sentinel_fill(ib, sizeof ib);
  sentinel_fill(ob, sizeof ob);
  ni = no = 99;
  CHECK_STATUS(vs_get_axes(h, ib, 6, ob, 6, &ni, &no), VS_OK);
  CHECK(ni == 0 && no == 0 && sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  ni = no = 99;
  CHECK_STATUS(vs_get_axes(hl, ib, 0, ob, 0, &ni, &no), VS_OK);
  CHECK(ni == 0 && no == 0 && sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  ni = no = 99;
  CHECK_STATUS(vs_get_axes(h, NULL, 0, NULL, 0, &ni, &no), VS_OK);
  CHECK(ni == 0 && no == 0);
  /* two empty lists: the same lengths, told apart by has_axes */
  ni = no = 99;
  CHECK_STATUS(vs_get_axes(he, ib, 0, ob, 0, &ni, &no), VS_OK);
  CHECK(ni == 0 && no == 0 && sentinel_intact(ib, sizeof ib) && sentinel_intact(ob, sizeof ob));
  {
    vs_info a, b;
    info_of(h, &a);
    info_of(he, &b);
    CHECK(a.has_axes == 0 && b.has_axes == 1);
  }
done:
  vs_destroy(h);
  vs_destroy(ha);
  vs_destroy(he);
  vs_destroy(hl);
}

static void test_config_json_of_derived(void) {
  static const int64_t oihw[4] = {32, 16, 3, 3};
  const int64_t in3[3] = {1, 2, 3}, out3[3] = {0, 2, 3};
  vs_initializer *h = create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 606);
  vs_initializer *hl = NULL, *ha = NULL, *rl = NULL, *ra = NULL;
  char base_json[512], layout_json[512];
  if (h == NULL) return;
  CHECK_STATUS(vs_with_layout(h, VS_LAYOUT_OUT_IN, &hl), VS_OK);
  CHECK_STATUS(vs_with_axes(h, in3, 3, out3, 3, &ha), VS_OK);
  if (hl == NULL || ha == NULL) goto done;
  strcpy(base_json, json_of(h));
  strcpy(layout_json, json_of(hl));
  /* the layout is lost: null axes, the JSON of the handle without it */
  CHECK_STR_EQ(layout_json,
               "{\"seed\":606,\"scale\":2.0,\"mode\":\"fan_in\",\"distribution\":"
               "\"truncated_normal\",\"input_axes\":null,\"output_axes\":null}");
  CHECK_STR_EQ(layout_json, base_json);
  /* ... so the JSON gives the default rule's values, not the layout's */
  CHECK_STATUS(vs_from_config_json(layout_json, &rl), VS_OK);
  CHECK(same_fill(T_F32, rl, h, oihw, 4, 4608));
  CHECK(!same_fill(T_F32, rl, hl, oihw, 4, 4608));
  /* axes are kept */
  CHECK_STR_EQ(json_of(ha),
               "{\"seed\":606,\"scale\":2.0,\"mode\":\"fan_in\",\"distribution\":"
               "\"truncated_normal\",\"input_axes\":[1,2,3],\"output_axes\":[0,2,3]}");
  CHECK_STATUS(vs_from_config_json(json_of(ha), &ra), VS_OK);
  CHECK(same_fill(T_F32, ra, ha, oihw, 4, 4608));
  CHECK(same_fill(T_F32, ra, hl, oihw, 4, 4608));
  /* the thread cap and the algorithm are not in the JSON either */
  {
    vs_initializer *hm = NULL, *hv = NULL;
    CHECK_STATUS(vs_with_max_threads(ha, 2, &hm), VS_OK);
    CHECK_STR_EQ(json_of(hm), json_of(ha));
    CHECK_STATUS(vs_with_algorithm(hl, VS_ALGORITHM_PCG64_BLOCK_V1, &hv), VS_OK);
    CHECK_STR_EQ(json_of(hv), base_json);
    vs_destroy(hm);
    vs_destroy(hv);
  }
done:
  vs_destroy(h);
  vs_destroy(hl);
  vs_destroy(ha);
  vs_destroy(rl);
  vs_destroy(ra);
}

static void test_with_seed_values(void) {
  static const int64_t shape[3] = {5, 7, 9};
  vs_initializer *h = create(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, 1234);
  vs_initializer *u = NULL, *u2 = NULL, *r = NULL, *c = NULL, *same = NULL, *other = NULL;
  vs_initializer *hl = NULL, *ul = NULL, *rl = NULL;
  uint64_t s = 0, s2 = 0, s_r = 0;
  vs_info info;
  char want[64];
  const uint64_t s1234 = 1234, s1235 = 1235;
  int t;
  if (h == NULL) return;
  /* unseeded */
  CHECK_STATUS(vs_with_seed(h, NULL, &u), VS_OK);
  CHECK_STATUS(vs_with_seed(h, NULL, &u2), VS_OK);
  if (u == NULL || u2 == NULL) goto done;
  CHECK_CONTAINS(json_of(u), "{\"seed\":null,");
  CHECK_STATUS(vs_get_seed(u, &s), VS_OK);
  CHECK_STATUS(vs_get_seed(u2, &s2), VS_OK);
  CHECK(s != s2); /* two draws from the OS */
  info_of(u, &info);
  CHECK(info.seeded == 0 && info.seed == s);
  /* reproduced with that seed: the same bits, now a seeded handle */
  CHECK_STATUS(vs_with_seed(u, &s, &r), VS_OK);
  CHECK_STATUS(vs_create(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, &s, &c), VS_OK);
  for (t = 0; t < T_COUNT; t++) {
    CHECK(same_fill((vtype)t, u, r, shape, 3, 315));
    CHECK(same_fill((vtype)t, u, c, shape, 3, 315));
    CHECK(!same_fill((vtype)t, u, u2, shape, 3, 315));
  }
  CHECK_STATUS(vs_get_seed(r, &s_r), VS_OK);
  CHECK(s_r == s);
  info_of(r, &info);
  CHECK(info.seeded == 1 && info.seed == s);
  snprintf(want, sizeof want, "{\"seed\":%llu,", (unsigned long long)s);
  CHECK_CONTAINS(json_of(r), want);
  /* and by fans */
  {
    float a[315], b[315];
    CHECK_STATUS(vs_fill_f32(u, shape, 3, a, 315), VS_OK);
    CHECK_STATUS(vs_fill_fans_f32(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, s, 35, 45, 0,
                                  b, 315),
                 VS_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
  }
  /* an unseeded handle keeps its layout; its seed reproduces the layout's values */
  CHECK_STATUS(vs_with_layout(h, VS_LAYOUT_OUT_SPATIAL_IN, &hl), VS_OK);
  CHECK_STATUS(vs_with_seed(hl, NULL, &ul), VS_OK);
  if (ul != NULL) {
    uint64_t sl = 0;
    info_of(ul, &info);
    CHECK(info.layout == VS_LAYOUT_OUT_SPATIAL_IN && info.seeded == 0);
    CHECK_STATUS(vs_get_seed(ul, &sl), VS_OK);
    CHECK_STATUS(vs_with_seed(ul, &sl, &rl), VS_OK);
    CHECK(same_fill(T_F32, ul, rl, shape, 3, 315));
  }
  /* the same seed: the same values; another: others */
  CHECK_STATUS(vs_with_seed(u, &s1234, &same), VS_OK);
  CHECK_STATUS(vs_with_seed(h, &s1235, &other), VS_OK);
  CHECK(same_fill(T_F64, same, h, shape, 3, 315));
  CHECK(!same_fill(T_F64, other, h, shape, 3, 315));
  CHECK_STR_EQ(json_of(same), json_of(h));
done:
  vs_destroy(h);
  vs_destroy(u);
  vs_destroy(u2);
  vs_destroy(r);
  vs_destroy(c);
  vs_destroy(same);
  vs_destroy(other);
  vs_destroy(hl);
  vs_destroy(ul);
  vs_destroy(rl);
}

/* vs_with_max_threads never changes values (single-threaded sizes here;
   test_integrator_threads.c fills sizes the library splits) */
static void test_with_max_threads_values(void) {
  static const int64_t shape[2] = {33, 65};
  static const uint32_t caps[] = {0, 1, 2, 64, UINT32_MAX};
  vs_initializer *h = create(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, 17);
  size_t i;
  int t;
  if (h == NULL) return;
  for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    vs_initializer *hc = NULL;
    CHECK_STATUS(vs_with_max_threads(h, caps[i], &hc), VS_OK);
    for (t = 0; t < T_COUNT; t++) CHECK(same_fill((vtype)t, h, hc, shape, 2, 33 * 65));
    vs_destroy(hc);
  }
  vs_destroy(h);
}

/* ====================================================================== */
/* 5. derived seeds                                                        */
/* ====================================================================== */

/* docs/seeds.md, re-implemented */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}
#define BASE_TAG UINT64_C(0x76732d736565642d)  /* "vs-seed-" */
#define INDEX_TAG UINT64_C(0x76732d696e646578) /* "vs-index" */
#define NAME_TAG UINT64_C(0x76732d6e616d6573)  /* "vs-names" */

static uint64_t ref_derive_seed(uint64_t base, uint64_t index) {
  return mix64(mix64(base ^ BASE_TAG) ^ mix64(index ^ INDEX_TAG));
}

static uint64_t ref_derive_seed_name(uint64_t base, const unsigned char *name, size_t len) {
  uint64_t h = NAME_TAG;
  size_t i, j;
  for (i = 0; i < len; i += 8) {
    uint64_t c = 0;
    for (j = 0; j < 8 && i + j < len; j++) c |= (uint64_t)name[i + j] << (8 * j);
    h = mix64(h ^ c);
  }
  h = mix64(h ^ (uint64_t)len);
  return mix64(mix64(base ^ BASE_TAG) ^ h);
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* one unsigned 64-bit number in `base` from *p (moved past it and one
   space); 0 on a format error */
static int parse_u64(char **p, int base, uint64_t *v) {
  char *end;
  unsigned long long x;
  if (**p < '0' || hex_digit(**p) < 0) return 0;
  x = strtoull(*p, &end, base);
  if (end == *p || (*end != ' ' && *end != '\0')) return 0;
  *v = (uint64_t)x;
  *p = *end == ' ' ? end + 1 : end;
  return 1;
}

static void test_derived_seeds_golden(void) {
  char *text = read_file(VS_TEST_DERIVED_SEEDS);
  char *line, *next;
  int n_index = 0, n_name = 0, bad = 0, lineno = 0;
  CHECK(text != NULL);
  if (text == NULL) {
    fprintf(stderr, "    cannot read %s\n", VS_TEST_DERIVED_SEEDS);
    return;
  }
  for (line = text; *line != '\0'; line = next) {
    char *p;
    uint64_t base, index, seed;
    next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    else next = line + strlen(line);
    lineno++;
    if (line[0] != '\0' && line[strlen(line) - 1] == '\r') line[strlen(line) - 1] = '\0';
    if (line[0] == '#' || line[0] == '\0') continue;
    if (strncmp(line, "index ", 6) == 0) {
      p = line + 6;
      if (!parse_u64(&p, 10, &base) || !parse_u64(&p, 10, &index) || !parse_u64(&p, 16, &seed) ||
          *p != '\0') {
        bad++;
        fprintf(stderr, "    derived_seeds.txt:%d: format error: %s\n", lineno, line);
        continue;
      }
      n_index++;
      CHECK(vs_derive_seed(base, index) == seed);
      CHECK(ref_derive_seed(base, index) == seed);
      if (vs_derive_seed(base, index) != seed)
        fprintf(stderr, "    ^ derived_seeds.txt:%d: vs_derive_seed gives %016llx\n", lineno,
                (unsigned long long)vs_derive_seed(base, index));
    } else if (strncmp(line, "name ", 5) == 0) {
      unsigned char name[256];
      size_t len = 0, k;
      int has_nul = 0;
      char *hex;
      p = line + 5;
      if (!parse_u64(&p, 10, &base)) {
        bad++;
        fprintf(stderr, "    derived_seeds.txt:%d: format error: %s\n", lineno, line);
        continue;
      }
      hex = p;
      p = strchr(p, ' ');
      if (p == NULL) {
        bad++;
        fprintf(stderr, "    derived_seeds.txt:%d: format error: %s\n", lineno, line);
        continue;
      }
      *p++ = '\0';
      if (strcmp(hex, "-") != 0) {
        size_t hl = strlen(hex);
        if (hl % 2 != 0 || hl / 2 >= sizeof name) {
          bad++;
          fprintf(stderr, "    derived_seeds.txt:%d: bad name %s\n", lineno, hex);
          continue;
        }
        for (k = 0; k < hl / 2; k++) {
          int hi = hex_digit(hex[2 * k]), lo = hex_digit(hex[2 * k + 1]);
          if (hi < 0 || lo < 0) break;
          name[len++] = (unsigned char)(hi * 16 + lo);
          if (name[len - 1] == 0) has_nul = 1;
        }
        if (k != hl / 2) {
          bad++;
          fprintf(stderr, "    derived_seeds.txt:%d: bad name %s\n", lineno, hex);
          continue;
        }
      }
      name[len] = '\0';
      if (!parse_u64(&p, 16, &seed) || *p != '\0') {
        bad++;
        fprintf(stderr, "    derived_seeds.txt:%d: format error: %s\n", lineno, line);
        continue;
      }
      n_name++;
      /* the specification, re-implemented, for every line */
      CHECK(ref_derive_seed_name(base, name, len) == seed);
      /* the library, for every name a C string can hold */
      if (!has_nul) {
        CHECK(vs_derive_seed_name(base, (const char *)name) == seed);
        if (vs_derive_seed_name(base, (const char *)name) != seed)
          fprintf(stderr, "    ^ derived_seeds.txt:%d: vs_derive_seed_name gives %016llx\n",
                  lineno, (unsigned long long)vs_derive_seed_name(base, (const char *)name));
        if (len == 0) CHECK(vs_derive_seed_name(base, NULL) == seed);
      }
    } else {
      bad++;
      fprintf(stderr, "    derived_seeds.txt:%d: unknown line: %s\n", lineno, line);
    }
  }
  CHECK(bad == 0);
  CHECK(n_index >= 10 && n_name >= 10);
  printf("derived seeds: %d index and %d name lines checked\n", n_index, n_name);
  free(text);
}

static void test_derived_seeds_properties(void) {
  static const uint64_t bases[] = {0, 1, 2, 42, 20261201, UINT64_MAX};
  uint64_t *seeds;
  size_t i, b;
  /* docs/seeds.md's table */
  CHECK(vs_derive_seed(0, 0) == UINT64_C(0xbb2162376d7c3497));
  CHECK(vs_derive_seed(1, 0) == UINT64_C(0x9b44c154654503c9));
  CHECK(vs_derive_seed(1, 1) == UINT64_C(0x954d78b5b4455f01));
  CHECK(vs_derive_seed(2, 0) == UINT64_C(0xcdd50bb7fcf2cc9c));
  CHECK(vs_derive_seed_name(0, "") == UINT64_C(0x2ee1b74b47cea43b));
  CHECK(vs_derive_seed_name(42, "conv1.weight") == UINT64_C(0xfec0122b2b113a4c));
  /* NULL is the empty name */
  for (b = 0; b < sizeof bases / sizeof bases[0]; b++) {
    CHECK(vs_derive_seed_name(bases[b], NULL) == vs_derive_seed_name(bases[b], ""));
    CHECK(vs_derive_seed_name(bases[b], NULL) ==
          ref_derive_seed_name(bases[b], (const unsigned char *)"", 0));
  }
  /* the library and the specification agree off the golden lines too:
     names of every length 0..40 (chunk boundaries), bytes >= 0x80 */
  {
    unsigned char name[48];
    size_t len;
    for (len = 0; len <= 40; len++) {
      name[len] = '\0';
      for (b = 0; b < sizeof bases / sizeof bases[0]; b++)
        CHECK(vs_derive_seed_name(bases[b], (const char *)name) ==
              ref_derive_seed_name(bases[b], name, len));
      name[len] = (unsigned char)(0x41 + len * 5); /* the next length's last byte */
    }
  }
  /* the bases 0..63 with indices 0..63: match the specification, all distinct */
  seeds = (uint64_t *)xmalloc(64 * 64 * sizeof *seeds);
  for (b = 0; b < 64; b++)
    for (i = 0; i < 64; i++) {
      seeds[b * 64 + i] = vs_derive_seed(b, i);
      CHECK(seeds[b * 64 + i] == ref_derive_seed(b, i));
    }
  {
    int dup = 0;
    size_t j;
    for (i = 0; i < 64 * 64 && !dup; i++)
      for (j = i + 1; j < 64 * 64; j++)
        if (seeds[i] == seeds[j]) {
          dup = 1;
          break;
        }
    CHECK(!dup);
  }
  /* not base + index: the model seeded 2 does not repeat the one seeded 1 */
  for (i = 0; i + 1 < 64; i++) CHECK(vs_derive_seed(1, i + 1) != vs_derive_seed(2, i));
  free(seeds);
}

int main(void) {
  vs_initializer *h;
  skip_unless_requested_isa_runs(NAME);
  h = create(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 11);
  if (h == NULL) return check_finish(NAME);
  /* 1 */
  test_layout_constants();
  test_with_seed_errors(h);
  test_with_axes_errors(h);
  test_with_layout_errors(h);
  test_with_max_threads_errors(h);
  test_get_info_errors(h);
  test_get_axes_errors(h);
  test_describe_ex_errors(h);
  test_describe_fans_shape_errors();
  test_compute_fans_layout_errors();
  test_compute_fans_axes_errors();
  test_fill_fans_errors();
  /* 2 */
  test_fill_fans_equals_handle();
  test_fill_fans_ranks();
  /* 3 */
  test_layouts();
  test_value_stddev_measured();
  /* 4 */
  test_info_after_with();
  test_info_struct_size();
  test_get_axes();
  test_config_json_of_derived();
  test_with_seed_values();
  test_with_max_threads_values();
  /* 5 */
  test_derived_seeds_golden();
  test_derived_seeds_properties();
  vs_destroy(h);
  return check_finish(NAME);
}
