/*
 * test_config.c: vs_get_config_json (size query, exact fit, exact text),
 * vs_get_seed and unseeded handles, from_config(get_config(x)) round trips,
 * every JSON form vs_from_config_json accepts (real Keras 3.15.1 output in
 * fixtures/, bare names, the form without "module", TF1 configs with
 * "dtype"), and the malformed and hostile JSON it must reject.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "util.h"

static vs_initializer *dummy_handle(void) {
  static char storage;
  return (vs_initializer *)(void *)&storage;
}

/* The handle's config JSON (caller frees), via a size query then an
 * exact-fit buffer, checking both steps. */
static char *config_json(const vs_initializer *h) {
  size_t len = 0, len2 = 0;
  char *buf;
  if (vs_get_config_json(h, NULL, 0, &len) != VS_OK) return NULL;
  buf = (char *)xmalloc(len + 1);
  CHECK_STATUS(vs_get_config_json(h, buf, len + 1, &len2), VS_OK);
  CHECK(len2 == len);
  buf[len] = '\0';
  return buf;
}

/* the f64 fill of `shape` (caller frees) */
static double *fill64(const vs_initializer *h, const int64_t *shape, size_t ndim, size_t n) {
  double *v = (double *)xmalloc(n * sizeof *v);
  CHECK_STATUS(vs_fill_f64(h, shape, ndim, v, n), VS_OK);
  return v;
}

static const int64_t probe_shape[3] = {7, 11, 13}; /* 1001 elements, ragged vs blocks */
#define PROBE_N 1001

static int same_fill(const vs_initializer *a, const vs_initializer *b) {
  double *x = fill64(a, probe_shape, 3, PROBE_N);
  double *y = fill64(b, probe_shape, 3, PROBE_N);
  int same = memcmp(x, y, PROBE_N * sizeof *x) == 0;
  free(x);
  free(y);
  return same;
}

static void test_get_config_json(void) {
  static const char expected[] =
      "{\"seed\":123,\"scale\":2.0,\"mode\":\"fan_out\",\"distribution\":"
      "\"untruncated_normal\",\"input_axes\":null,\"output_axes\":null}";
  const size_t n = sizeof expected - 1;
  const uint64_t seed = 123;
  vs_initializer *h = NULL;
  char buf[512];
  size_t len;

  CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, &seed, &h),
               VS_OK);
  if (h == NULL) return;
  /* size query */
  len = 0;
  CHECK_STATUS(vs_get_config_json(h, NULL, 0, &len), VS_OK);
  CHECK(len == n);
  /* exact fit: len + 1 bytes, NUL-terminated, nothing written past them */
  sentinel_fill(buf, sizeof buf);
  len = 0;
  CHECK_STATUS(vs_get_config_json(h, buf, n + 1, &len), VS_OK);
  CHECK(len == n);
  CHECK(buf[n] == '\0');
  CHECK_STR_EQ(buf, expected);
  CHECK(sentinel_intact(buf + n + 1, sizeof buf - n - 1));
  /* a larger buffer */
  sentinel_fill(buf, sizeof buf);
  CHECK_STATUS(vs_get_config_json(h, buf, sizeof buf, &len), VS_OK);
  CHECK_STR_EQ(buf, expected);
  CHECK(len == n);
  /* len bytes, no room for the NUL: nothing written, length still told */
  sentinel_fill(buf, sizeof buf);
  len = 0;
  CHECK_ERR(vs_get_config_json(h, buf, n, &len), VS_ERR_BUFFER_SIZE, "buf_len");
  CHECK(sentinel_intact(buf, sizeof buf));
  CHECK(len == n);
  vs_destroy(h);

  /* with axes */
  {
    static const char expected_axes[] =
        "{\"seed\":0,\"scale\":1.0,\"mode\":\"fan_in\",\"distribution\":\"truncated_normal\","
        "\"input_axes\":[1,2,3],\"output_axes\":[0,-2,3]}";
    const int64_t in[3] = {1, 2, 3}, out[3] = {0, -2, 3};
    const uint64_t zero = 0;
    char *j;
    h = NULL;
    CHECK_STATUS(vs_create_with_axes(1.0, 0, 0, &zero, in, 3, out, 3, &h), VS_OK);
    j = config_json(h);
    CHECK_STR_EQ(j, expected_axes);
    free(j);
    vs_destroy(h);
    /* empty axis lists are lists, not null */
    h = NULL;
    CHECK_STATUS(vs_create_with_axes(0.5, 2, 2, &zero, in, 0, out, 0, &h), VS_OK);
    j = config_json(h);
    CHECK_STR_EQ(j, "{\"seed\":0,\"scale\":0.5,\"mode\":\"fan_avg\",\"distribution\":"
                    "\"uniform\",\"input_axes\":[],\"output_axes\":[]}");
    free(j);
    vs_destroy(h);
  }
  /* the largest seed */
  {
    const uint64_t max = UINT64_MAX;
    char *j;
    h = NULL;
    CHECK_STATUS(vs_create(3.0, 1, 0, &max, &h), VS_OK);
    j = config_json(h);
    CHECK_STR_EQ(j, "{\"seed\":18446744073709551615,\"scale\":3.0,\"mode\":\"fan_out\","
                    "\"distribution\":\"truncated_normal\",\"input_axes\":null,"
                    "\"output_axes\":null}");
    free(j);
    vs_destroy(h);
  }
}

static void test_unseeded(void) {
  vs_initializer *a = NULL, *b = NULL, *again = NULL;
  uint64_t sa = 0, sb = 0, s2 = 0;
  char *j;
  CHECK_STATUS(vs_create(1.0, 0, 0, NULL, &a), VS_OK);
  CHECK_STATUS(vs_create(1.0, 0, 0, NULL, &b), VS_OK);
  if (a == NULL || b == NULL) return;
  j = config_json(a);
  CHECK_STR_EQ(j, "{\"seed\":null,\"scale\":1.0,\"mode\":\"fan_in\",\"distribution\":"
                  "\"truncated_normal\",\"input_axes\":null,\"output_axes\":null}");
  free(j);
  /* the handle keeps its seed: the same values on every call */
  CHECK(same_fill(a, a));
  CHECK_STATUS(vs_get_seed(a, &sa), VS_OK);
  CHECK_STATUS(vs_get_seed(a, &s2), VS_OK);
  CHECK(sa == s2);
  CHECK_STATUS(vs_get_seed(b, &sb), VS_OK);
  /* two unseeded handles draw two seeds (equal with probability 2^-64) */
  CHECK(sa != sb);
  CHECK(!same_fill(a, b));
  /* vs_get_seed's seed reproduces the values */
  CHECK_STATUS(vs_create(1.0, 0, 0, &sa, &again), VS_OK);
  CHECK(same_fill(a, again));
  vs_destroy(again);
  again = NULL;
  /* and so does a config with that seed */
  {
    char text[256];
    snprintf(text, sizeof text, "{\"seed\":%llu}", (unsigned long long)sa);
    CHECK_STATUS(vs_from_config_json(text, &again), VS_OK);
    CHECK(same_fill(a, again));
    vs_destroy(again);
    again = NULL;
  }
  /* a round trip of an unseeded handle stays unseeded */
  j = config_json(b);
  CHECK_STATUS(vs_from_config_json(j, &again), VS_OK);
  {
    char *j2 = config_json(again);
    CHECK_STR_EQ(j2, j);
    free(j2);
  }
  free(j);
  vs_destroy(again);
  vs_destroy(a);
  vs_destroy(b);
}

static void test_round_trips(void) {
  /* 9.052225290942383 and 1.25e-300 are printed correctly but must also be
     parsed back to the same double (a parser without correct rounding gets
     9.052225290942385 and 1.2499999999999998e-300) */
  static const double scales[] = {1.0,    2.0,      0.5,     0.1,       1.0 / 3.0, 1e-9,
                                  3.0e10, 4.9e-324, DBL_MAX, 1.25e-300, 7.0,       9.052225290942383,
                                  7.4365855480438405, 2.788115368462997e-8};
  static const uint64_t seeds[] = {0, 1, 42, 0x8000000000000000u, UINT64_MAX};
  const int64_t in[2] = {0, -2}, out[1] = {-1};
  size_t i;
  for (i = 0; i < sizeof scales / sizeof scales[0]; i++) {
    vs_initializer *x = NULL, *y = NULL;
    const uint64_t seed = seeds[i % 5];
    const uint32_t mode = (uint32_t)(i % 3), dist = (uint32_t)((i / 3) % 3);
    char *jx, *jy;
    if (i % 2 == 0)
      CHECK_STATUS(vs_create(scales[i], mode, dist, &seed, &x), VS_OK);
    else
      CHECK_STATUS(vs_create_with_axes(scales[i], mode, dist, &seed, in, 2, out, 1, &x), VS_OK);
    if (x == NULL) continue;
    jx = config_json(x);
    CHECK_STATUS(vs_from_config_json(jx, &y), VS_OK);
    if (y != NULL) {
      jy = config_json(y);
      CHECK_STR_EQ(jy, jx);
      free(jy);
      CHECK(same_fill(x, y));
      {
        uint64_t sy = 0;
        CHECK_STATUS(vs_get_seed(y, &sy), VS_OK);
        CHECK(sy == seed);
      }
      {
        /* the same parameters, bit for bit */
        vs_params px, py;
        CHECK_STATUS(vs_describe(x, probe_shape, 3, &px), VS_OK);
        CHECK_STATUS(vs_describe(y, probe_shape, 3, &py), VS_OK);
        CHECK(memcmp(&px, &py, sizeof px) == 0);
      }
    }
    free(jx);
    vs_destroy(x);
    vs_destroy(y);
  }
}

/* what a config resolves to */
struct expect {
  double scale;
  const char *mode, *dist;
  int seeded;
  uint64_t seed;
  const char *axes; /* "null" or "[..],[..]" as in the JSON */
};

static uint32_t mode_num(const char *m) {
  return strcmp(m, "fan_in") == 0 ? 0u : strcmp(m, "fan_out") == 0 ? 1u : 2u;
}

static uint32_t dist_num(const char *d) {
  return strcmp(d, "truncated_normal") == 0 ? 0u : strcmp(d, "untruncated_normal") == 0 ? 1u : 2u;
}

/* Loads `json`, and checks its config JSON, its parameters on a conv
 * shape, and (seeded) its values against vs_create with the same
 * arguments. `what` names the input in failure output. */
static void expect_loads(const char *what, const char *json, const struct expect *e) {
  vs_initializer *h = dummy_handle();
  char want[512], scale_text[64];
  char *got;
  int before = check_failures_;
  CHECK_STATUS(vs_from_config_json(json, &h), VS_OK);
  if (h == NULL || h == dummy_handle()) {
    CHECK(h != NULL && h != dummy_handle());
    fprintf(stderr, "    ^ loading %s\n", what);
    return;
  }
  /* scale as serde_json writes it: shortest round trip, ".0" for integers */
  if (e->scale == floor(e->scale) && e->scale < 1e15)
    snprintf(scale_text, sizeof scale_text, "%.1f", e->scale);
  else
    snprintf(scale_text, sizeof scale_text, "%.17g", e->scale);
  if (e->seeded)
    snprintf(want, sizeof want, "{\"seed\":%llu,", (unsigned long long)e->seed);
  else
    snprintf(want, sizeof want, "{\"seed\":null,");
  if (strcmp(e->axes, "null") == 0) {
    snprintf(want + strlen(want), sizeof want - strlen(want),
             "\"scale\":%s,\"mode\":\"%s\",\"distribution\":\"%s\",\"input_axes\":null,"
             "\"output_axes\":null}",
             scale_text, e->mode, e->dist);
  } else {
    const char *comma = strstr(e->axes, "],[");
    snprintf(want + strlen(want), sizeof want - strlen(want),
             "\"scale\":%s,\"mode\":\"%s\",\"distribution\":\"%s\",\"input_axes\":%.*s,"
             "\"output_axes\":%s}",
             scale_text, e->mode, e->dist, (int)(comma - e->axes + 1), e->axes, comma + 2);
  }
  got = config_json(h);
  CHECK_STR_EQ(got, want);
  free(got);
  {
    /* the parameters match the expected scale, mode and distribution */
    const int64_t conv[4] = {3, 3, 64, 32};
    vs_params p;
    double n;
    CHECK_STATUS(vs_describe(h, conv, 4, &p), VS_OK);
    if (strcmp(e->axes, "null") == 0) {
      CHECK(p.fan_in == 576 && p.fan_out == 288);
      n = strcmp(e->mode, "fan_in") == 0 ? 576.0 : strcmp(e->mode, "fan_out") == 0 ? 288.0 : 432.0;
      CHECK(p.n == n);
      if (strcmp(e->dist, "uniform") == 0) {
        CHECK(fabs(p.limit - sqrt(3.0 * e->scale / n)) <= 1e-15 * p.limit);
        CHECK(p.stddev == 0.0);
      } else if (strcmp(e->dist, "truncated_normal") == 0) {
        CHECK(fabs(p.stddev - sqrt(e->scale / n) / 0.87962566103423978) <= 1e-15 * p.stddev);
        CHECK(p.limit == 2.0 * p.stddev);
      } else {
        CHECK(fabs(p.stddev - sqrt(e->scale / n)) <= 1e-15 * p.stddev);
        CHECK(isinf(p.limit));
      }
    }
  }
  {
    uint64_t s = 0;
    CHECK_STATUS(vs_get_seed(h, &s), VS_OK);
    if (e->seeded) {
      vs_initializer *ref = NULL;
      CHECK(s == e->seed);
      if (strcmp(e->axes, "null") == 0) {
        CHECK_STATUS(vs_create(e->scale, mode_num(e->mode), dist_num(e->dist), &e->seed, &ref),
                     VS_OK);
        if (ref != NULL) CHECK(same_fill(h, ref));
        vs_destroy(ref);
      }
    }
  }
  vs_destroy(h);
  if (check_failures_ != before) fprintf(stderr, "    ^ loading %s: %s\n", what, json);
}

static void expect_fixture(const char *file, const struct expect *e) {
  char path[1024];
  char *text;
  snprintf(path, sizeof path, "%s/%s", VS_TEST_FIXTURES_DIR, file);
  text = read_file(path);
  CHECK(text != NULL);
  if (text == NULL) {
    fprintf(stderr, "    cannot read %s\n", path);
    return;
  }
  expect_loads(file, text, e);
  free(text);
}

static void test_keras_fixtures(void) {
  /* model.to_json()'s kernel_initializer objects */
  const struct expect he_unseeded = {2.0, "fan_in", "truncated_normal", 0, 0, "null"};
  const struct expect vs_conv2d_1 = {0.5, "fan_avg", "uniform", 1, 7, "null"};
  const struct expect glorot_normal_42 = {1.0, "fan_avg", "truncated_normal", 1, 42, "null"};
  /* serialize(obj) */
  const struct expect vs = {2.0, "fan_out", "untruncated_normal", 1, 123, "null"};
  const struct expect vs_axes = {1.0, "fan_in", "truncated_normal", 1, 5, "[1,2,3],[0,2,3]"};
  const struct expect glorot_uniform = {1.0, "fan_avg", "uniform", 0, 0, "null"};
  const struct expect glorot_normal_1 = {1.0, "fan_avg", "truncated_normal", 1, 1, "null"};
  const struct expect he_normal_2 = {2.0, "fan_in", "truncated_normal", 1, 2, "null"};
  const struct expect he_uniform = {2.0, "fan_in", "uniform", 0, 0, "null"};
  const struct expect lecun_normal_3 = {1.0, "fan_in", "truncated_normal", 1, 3, "null"};
  const struct expect lecun_uniform = {1.0, "fan_in", "uniform", 0, 0, "null"};
  /* a preset's get_config() on its own is a plain VarianceScaling config:
     Keras's defaults plus its seed (as VarianceScaling.from_config reads it) */
  const struct expect defaults_unseeded = {1.0, "fan_in", "truncated_normal", 0, 0, "null"};
  const struct expect defaults_1 = {1.0, "fan_in", "truncated_normal", 1, 1, "null"};
  const struct expect defaults_2 = {1.0, "fan_in", "truncated_normal", 1, 2, "null"};
  const struct expect defaults_3 = {1.0, "fan_in", "truncated_normal", 1, 3, "null"};

  expect_fixture("model_conv2d_kernel_initializer.json", &he_unseeded);
  expect_fixture("model_conv2d_1_kernel_initializer.json", &vs_conv2d_1);
  expect_fixture("model_dense_kernel_initializer.json", &glorot_normal_42);

  expect_fixture("serialized_VarianceScaling.json", &vs);
  expect_fixture("serialized_VarianceScaling_axes.json", &vs_axes);
  expect_fixture("serialized_GlorotUniform.json", &glorot_uniform);
  expect_fixture("serialized_GlorotNormal.json", &glorot_normal_1);
  expect_fixture("serialized_HeNormal.json", &he_normal_2);
  expect_fixture("serialized_HeUniform.json", &he_uniform);
  expect_fixture("serialized_LecunNormal.json", &lecun_normal_3);
  expect_fixture("serialized_LecunUniform.json", &lecun_uniform);

  expect_fixture("get_config_VarianceScaling.json", &vs);
  expect_fixture("get_config_VarianceScaling_axes.json", &vs_axes);
  expect_fixture("get_config_GlorotUniform.json", &defaults_unseeded);
  expect_fixture("get_config_GlorotNormal.json", &defaults_1);
  expect_fixture("get_config_HeNormal.json", &defaults_2);
  expect_fixture("get_config_HeUniform.json", &defaults_unseeded);
  expect_fixture("get_config_LecunNormal.json", &defaults_3);
  expect_fixture("get_config_LecunUniform.json", &defaults_unseeded);
}

static void test_other_forms(void) {
  const struct expect he = {2.0, "fan_in", "truncated_normal", 0, 0, "null"};
  const struct expect he_u = {2.0, "fan_in", "uniform", 0, 0, "null"};
  const struct expect glorot_u = {1.0, "fan_avg", "uniform", 0, 0, "null"};
  const struct expect glorot_n = {1.0, "fan_avg", "truncated_normal", 0, 0, "null"};
  const struct expect lecun_u = {1.0, "fan_in", "uniform", 0, 0, "null"};
  const struct expect lecun_n = {1.0, "fan_in", "truncated_normal", 0, 0, "null"};
  const struct expect defaults = {1.0, "fan_in", "truncated_normal", 0, 0, "null"};

  /* bare names, as Keras's initializers.get() takes them */
  expect_loads("bare he_normal", "\"he_normal\"", &he);
  expect_loads("bare HeNormal", "\"HeNormal\"", &he);
  expect_loads("bare he_uniform", "\"he_uniform\"", &he_u);
  expect_loads("bare HeUniform", "\"HeUniform\"", &he_u);
  expect_loads("bare glorot_uniform", "\"glorot_uniform\"", &glorot_u);
  expect_loads("bare GlorotUniform", "\"GlorotUniform\"", &glorot_u);
  expect_loads("bare glorot_normal", "\"glorot_normal\"", &glorot_n);
  expect_loads("bare GlorotNormal", "\"GlorotNormal\"", &glorot_n);
  expect_loads("bare lecun_uniform", "\"lecun_uniform\"", &lecun_u);
  expect_loads("bare LecunUniform", "\"LecunUniform\"", &lecun_u);
  expect_loads("bare lecun_normal", "\"lecun_normal\"", &lecun_n);
  expect_loads("bare LecunNormal", "\"LecunNormal\"", &lecun_n);
  expect_loads("bare variance_scaling", "\"variance_scaling\"", &defaults);
  expect_loads("bare VarianceScaling", "\"VarianceScaling\"", &defaults);
  expect_loads("bare name with whitespace", " \n\t\"he_normal\" \r\n", &he);

  /* the older serialized form, without module / registered_name */
  {
    const struct expect e = {2.0, "fan_avg", "uniform", 1, 9, "null"};
    const struct expect hu = {2.0, "fan_in", "uniform", 1, 4, "null"};
    const struct expect gn = {1.0, "fan_avg", "truncated_normal", 0, 0, "null"};
    expect_loads("old VarianceScaling",
                 "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2.0, "
                 "\"mode\": \"fan_avg\", \"distribution\": \"uniform\", \"seed\": 9}}",
                 &e);
    expect_loads("old HeUniform", "{\"class_name\":\"HeUniform\",\"config\":{\"seed\":4}}", &hu);
    expect_loads("old GlorotNormal", "{\"class_name\":\"GlorotNormal\",\"config\":{}}", &gn);
    expect_loads("snake_case class_name",
                 "{\"class_name\":\"he_uniform\",\"config\":{\"seed\":4},\"module\":null}", &hu);
  }
  /* TF1 / tf.keras 2 configs: "dtype", "normal" as the truncated alias */
  {
    const struct expect tf1 = {2.0, "fan_in", "truncated_normal", 0, 0, "null"};
    const struct expect tf1_avg = {1.0, "fan_avg", "uniform", 1, 17, "null"};
    static const char *const float_dtypes[] = {"float16", "half",   "bfloat16", "float32",
                                               "float",   "float64", "double"};
    size_t i;
    expect_loads("TF1 config",
                 "{\"scale\": 2.0, \"mode\": \"fan_in\", \"distribution\": \"normal\", "
                 "\"seed\": null, \"dtype\": \"float32\"}",
                 &tf1);
    expect_loads("TF1 glorot_uniform",
                 "{\"scale\": 1.0, \"mode\": \"fan_avg\", \"distribution\": \"uniform\", "
                 "\"seed\": 17, \"dtype\": \"float64\"}",
                 &tf1_avg);
    for (i = 0; i < sizeof float_dtypes / sizeof float_dtypes[0]; i++) {
      char text[128];
      snprintf(text, sizeof text, "{\"dtype\":\"%s\"}", float_dtypes[i]);
      expect_loads(text, text, &defaults);
    }
    expect_loads("dtype null", "{\"dtype\":null}", &defaults);
    expect_loads("class with TF1 config",
                 "{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":2.0,\"mode\":"
                 "\"fan_in\",\"distribution\":\"truncated_normal\",\"seed\":null,\"dtype\":"
                 "\"float32\"}}",
                 &tf1);
  }
  /* defaults, partial configs, case rules, integers as scale, whitespace */
  {
    const struct expect s3 = {3.0, "fan_in", "truncated_normal", 1, 0, "null"};
    const struct expect maxseed = {1.0, "fan_in", "truncated_normal", 1, UINT64_MAX, "null"};
    const struct expect untr = {1.0, "fan_in", "untruncated_normal", 0, 0, "null"};
    const struct expect unif = {1.0, "fan_out", "uniform", 0, 0, "null"};
    const struct expect axes = {1.0, "fan_in", "truncated_normal", 0, 0, "[],[-1]"};
    expect_loads("empty object", "{}", &defaults);
    expect_loads("all null", "{\"seed\":null,\"input_axes\":null,\"output_axes\":null}",
                 &defaults);
    expect_loads("integer scale and seed 0", "{\"scale\":3,\"seed\":0}", &s3);
    expect_loads("exponent scale", "{\"scale\":3e0,\"seed\":0}", &s3);
    expect_loads("seed 2^64-1", "{\"seed\":18446744073709551615}", &maxseed);
    expect_loads("distribution case-insensitive", "{\"distribution\":\"Untruncated_Normal\"}",
                 &untr);
    expect_loads("distribution upper case", "{\"mode\":\"fan_out\",\"distribution\":\"UNIFORM\"}",
                 &unif);
    expect_loads("NORMAL is truncated", "{\"distribution\":\"NORMAL\"}", &defaults);
    expect_loads("empty input axes", "{\"input_axes\":[],\"output_axes\":[-1]}", &axes);
    expect_loads("whitespace", " {\n \"seed\" : 0 ,\n \"scale\" : 3 \n} \n", &s3);
  }
}

/* vs_from_config_json that must fail with `expected`, leaving *out NULL */
static void reject(const char *what, const char *json, vs_status expected, const char *needle) {
  vs_initializer *h = dummy_handle();
  int before = check_failures_;
  CHECK_ERR(vs_from_config_json(json, &h), expected, needle);
  CHECK(h == NULL);
  if (h != NULL && h != dummy_handle()) vs_destroy(h);
  if (check_failures_ != before) fprintf(stderr, "    ^ rejecting %s\n", what);
}

/* a NUL-terminated string of `prefix`, `n` copies of `fill`, `suffix` */
static char *repeated(const char *prefix, const char *fill, size_t n, const char *suffix) {
  size_t lp = strlen(prefix), lf = strlen(fill), ls = strlen(suffix), i;
  char *s = (char *)xmalloc(lp + lf * n + ls + 1);
  char *p = s;
  memcpy(p, prefix, lp);
  p += lp;
  for (i = 0; i < n; i++, p += lf) memcpy(p, fill, lf);
  memcpy(p, suffix, ls + 1);
  return s;
}

static void test_rejections(void) {
  /* not JSON, truncated, not an object */
  reject("empty", "", VS_ERR_INVALID_CONFIG, "json");
  reject("spaces", "   ", VS_ERR_INVALID_CONFIG, "json");
  reject("lone brace", "{", VS_ERR_INVALID_CONFIG, "json");
  reject("truncated object", "{\"scale\": 2.0, \"mode\": \"fan_in\"", VS_ERR_INVALID_CONFIG,
         "json");
  reject("truncated string", "\"he_nor", VS_ERR_INVALID_CONFIG, "json");
  reject("truncated serialized",
         "{\"class_name\":\"HeNormal\",\"config\":{\"seed\":1}", VS_ERR_INVALID_CONFIG, "json");
  reject("trailing comma", "{\"scale\":2.0,}", VS_ERR_INVALID_CONFIG, "json");
  reject("single quotes", "{'scale': 2.0}", VS_ERR_INVALID_CONFIG, "json");
  reject("trailing garbage", "{} x", VS_ERR_INVALID_CONFIG, "json");
  reject("two objects", "{}{}", VS_ERR_INVALID_CONFIG, "json");
  reject("Python None", "{\"seed\": None}", VS_ERR_INVALID_CONFIG, "json");
  reject("array", "[1,2]", VS_ERR_INVALID_CONFIG, "json");
  reject("number", "42", VS_ERR_INVALID_CONFIG, "json");
  reject("null", "null", VS_ERR_INVALID_CONFIG, "json");
  reject("true", "true", VS_ERR_INVALID_CONFIG, "json");
  reject("empty string", "\"\"", VS_ERR_INVALID_CONFIG, NULL);
  /* invalid UTF-8 bytes, and a lone surrogate escape */
  reject("0xff in a name", "\"he_normal\xff\"", VS_ERR_INVALID_CONFIG, "UTF-8");
  reject("broken 2-byte sequence", "{\"mode\":\"fan\xc3\x28in\"}", VS_ERR_INVALID_CONFIG,
         "UTF-8");
  reject("overlong '/'", "{\"mode\":\"\xc0\xaf\"}", VS_ERR_INVALID_CONFIG, "UTF-8");
  reject("encoded surrogate", "\"\xed\xa0\x80\"", VS_ERR_INVALID_CONFIG, "UTF-8");
  reject("bare continuation byte", "\x80{}", VS_ERR_INVALID_CONFIG, "UTF-8");
  reject("lone surrogate escape", "\"\\ud800\"", VS_ERR_INVALID_CONFIG, "json");

  /* unknown keys and classes */
  reject("unknown key", "{\"bogus\":1}", VS_ERR_INVALID_CONFIG, "bogus");
  reject("key case", "{\"Scale\":2.0}", VS_ERR_INVALID_CONFIG, "Scale");
  reject("Keras 2 key", "{\"scale\":1.0,\"name\":\"x\"}", VS_ERR_INVALID_CONFIG, "name");
  reject("preset with scale", "{\"class_name\":\"HeNormal\",\"config\":{\"scale\":3}}",
         VS_ERR_INVALID_CONFIG, "scale");
  reject("preset with mode", "{\"class_name\":\"GlorotUniform\",\"config\":{\"mode\":\"fan_in\"}}",
         VS_ERR_INVALID_CONFIG, "mode");
  /* TF1 presets carry a dtype: a float one is accepted, others rejected */
  {
    vs_initializer *h = NULL;
    CHECK_STATUS(
        vs_from_config_json("{\"class_name\":\"HeNormal\",\"config\":{\"dtype\":\"float32\"}}", &h),
        VS_OK);
    CHECK(h != NULL);
    vs_destroy(h);
    h = NULL;
    /* tf.keras 2 marks shared initializers with shared_object_id */
    CHECK_STATUS(vs_from_config_json("{\"class_name\":\"HeNormal\",\"config\":{\"seed\":1},"
                                     "\"shared_object_id\":3}",
                                     &h),
                 VS_OK);
    CHECK(h != NULL);
    vs_destroy(h);
  }
  reject("preset with int dtype", "{\"class_name\":\"HeNormal\",\"config\":{\"dtype\":\"int32\"}}",
         VS_ERR_INVALID_DTYPE, "int32");
  reject("extra outer key", "{\"class_name\":\"HeNormal\",\"config\":{},\"extra\":1}",
         VS_ERR_INVALID_CONFIG, "extra");
  reject("other initializer", "{\"class_name\":\"Orthogonal\",\"config\":{}}",
         VS_ERR_INVALID_CONFIG, "Orthogonal");
  reject("RandomNormal class", "{\"class_name\":\"RandomNormal\",\"config\":{}}",
         VS_ERR_INVALID_CONFIG, "RandomNormal");
  reject("class_name case", "{\"class_name\":\"henormal\",\"config\":{}}",
         VS_ERR_INVALID_CONFIG, "henormal");
  reject("no config", "{\"class_name\":\"HeNormal\"}", VS_ERR_INVALID_CONFIG, "config");
  reject("config not an object", "{\"class_name\":\"HeNormal\",\"config\":[]}",
         VS_ERR_INVALID_CONFIG, "config");
  reject("config null", "{\"class_name\":\"HeNormal\",\"config\":null}", VS_ERR_INVALID_CONFIG,
         "config");
  reject("class_name not a string", "{\"class_name\":1,\"config\":{}}", VS_ERR_INVALID_CONFIG,
         "class_name");
  reject("module not a string", "{\"class_name\":\"HeNormal\",\"config\":{},\"module\":1}",
         VS_ERR_INVALID_CONFIG, "module");
  reject("registered_name not a string",
         "{\"class_name\":\"HeNormal\",\"config\":{},\"registered_name\":[]}",
         VS_ERR_INVALID_CONFIG, "registered_name");
  reject("inner class", "{\"class_name\":\"HeNormal\",\"config\":{\"class_name\":\"HeNormal\"}}",
         VS_ERR_INVALID_CONFIG, "class_name");

  /* bare names Keras reads as other initializers, or not at all */
  reject("bare normal", "\"normal\"", VS_ERR_INVALID_CONFIG, "RandomNormal");
  reject("bare uniform", "\"uniform\"", VS_ERR_INVALID_CONFIG, "RandomUniform");
  reject("bare HE_NORMAL", "\"HE_NORMAL\"", VS_ERR_INVALID_CONFIG, "HE_NORMAL");
  reject("bare he-normal", "\"he-normal\"", VS_ERR_INVALID_CONFIG, "he-normal");
  reject("bare orthogonal", "\"orthogonal\"", VS_ERR_INVALID_CONFIG, "orthogonal");
  reject("bare name with space", "\"he_normal \"", VS_ERR_INVALID_CONFIG, NULL);

  /* wrong types and values: scale */
  reject("scale string", "{\"scale\":\"1\"}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale null", "{\"scale\":null}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale bool", "{\"scale\":true}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale array", "{\"scale\":[1]}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale 0", "{\"scale\":0}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale 0.0", "{\"scale\":0.0}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale -0.0", "{\"scale\":-0.0}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale negative", "{\"scale\":-2}", VS_ERR_INVALID_SCALE, "-2");
  reject("scale tiny negative", "{\"scale\":-1e-300}", VS_ERR_INVALID_SCALE, "scale");
  reject("scale underflowing to 0", "{\"scale\":1e-400}", VS_ERR_INVALID_SCALE, "scale");
  {
    /* NaN / Infinity are not JSON, but Python's json writes them (Keras
       accepts VarianceScaling(scale=float("nan"))); an overflowing literal
       is infinite: all are a bad scale, reported as such */
    reject("scale NaN", "{\"scale\":NaN}", VS_ERR_INVALID_SCALE, "scale=nan");
    reject("scale Infinity", "{\"scale\": Infinity}", VS_ERR_INVALID_SCALE, "scale=inf");
    reject("scale -Infinity", "{\"scale\":-Infinity}", VS_ERR_INVALID_SCALE, "scale=-inf");
    reject("scale 1e999", "{\"scale\":1e999}", VS_ERR_INVALID_SCALE, "scale=inf");
    reject("serialized scale NaN",
           "{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":NaN}}",
           VS_ERR_INVALID_SCALE, "scale=nan");
    reject("NaN inside a string is just text", "{\"mode\":\"NaN\"}", VS_ERR_INVALID_MODE,
           "NaN");
    reject("seed 2^64 reported as written", "{\"seed\":18446744073709551616}",
           VS_ERR_INVALID_CONFIG, "seed=18446744073709551616");
    /* valid UTF-8 but not JSON: a non-ASCII character outside strings */
    reject("non-ASCII outside strings", "{\xc3\xa9:NaN}", VS_ERR_INVALID_CONFIG, "JSON");
    reject("non-ASCII after a number", "{\"seed\":1\xc3\xa9}", VS_ERR_INVALID_CONFIG, "JSON");
    /* several bad values: the first in Keras's order wins */
    reject("scale before mode", "{\"mode\":\"bad\",\"scale\":-1}", VS_ERR_INVALID_SCALE,
           "scale");
    reject("scale before seed", "{\"seed\":-1,\"scale\":-1}", VS_ERR_INVALID_SCALE, "scale");
    reject("dtype before seed", "{\"seed\":-1,\"dtype\":\"int32\"}", VS_ERR_INVALID_DTYPE,
           "int32");
  }
  /* mode: exact, case-sensitive names */
  reject("mode FAN_IN", "{\"mode\":\"FAN_IN\"}", VS_ERR_INVALID_MODE, "FAN_IN");
  reject("mode Fan_In", "{\"mode\":\"Fan_In\"}", VS_ERR_INVALID_MODE, "mode");
  reject("mode with space", "{\"mode\":\"fan_in \"}", VS_ERR_INVALID_MODE, "mode");
  reject("mode empty", "{\"mode\":\"\"}", VS_ERR_INVALID_MODE, "mode");
  reject("mode fan_sum", "{\"mode\":\"fan_sum\"}", VS_ERR_INVALID_MODE, "fan_sum");
  reject("mode number", "{\"mode\":0}", VS_ERR_INVALID_MODE, "mode");
  reject("mode null", "{\"mode\":null}", VS_ERR_INVALID_MODE, "mode");
  /* distribution */
  reject("distribution gaussian", "{\"distribution\":\"gaussian\"}", VS_ERR_INVALID_DISTRIBUTION,
         "gaussian");
  reject("distribution empty", "{\"distribution\":\"\"}", VS_ERR_INVALID_DISTRIBUTION,
         "distribution");
  reject("distribution number", "{\"distribution\":2}", VS_ERR_INVALID_DISTRIBUTION,
         "distribution");
  reject("distribution array", "{\"distribution\":[]}", VS_ERR_INVALID_DISTRIBUTION,
         "distribution");
  /* dtype */
  reject("dtype int32", "{\"dtype\":\"int32\"}", VS_ERR_INVALID_DTYPE, "int32");
  reject("dtype int32 (TF1)",
         "{\"scale\":1.0,\"mode\":\"fan_in\",\"distribution\":\"normal\",\"seed\":null,"
         "\"dtype\":\"int32\"}",
         VS_ERR_INVALID_DTYPE, "dtype");
  reject("dtype string", "{\"dtype\":\"string\"}", VS_ERR_INVALID_DTYPE, "dtype");
  reject("dtype bool", "{\"dtype\":\"bool\"}", VS_ERR_INVALID_DTYPE, "dtype");
  reject("dtype FLOAT32", "{\"dtype\":\"FLOAT32\"}", VS_ERR_INVALID_DTYPE, "dtype");
  reject("dtype number", "{\"dtype\":1}", VS_ERR_INVALID_DTYPE, "dtype");
  /* seed: an integer in [0, 2^64) or null */
  reject("seed negative", "{\"seed\":-1}", VS_ERR_INVALID_CONFIG, "seed");
  reject("seed fractional", "{\"seed\":1.5}", VS_ERR_INVALID_CONFIG, "seed");
  reject("seed 2^64", "{\"seed\":18446744073709551616}", VS_ERR_INVALID_CONFIG, "seed");
  reject("seed 1e20", "{\"seed\":1e20}", VS_ERR_INVALID_CONFIG, "seed");
  reject("seed string", "{\"seed\":\"1\"}", VS_ERR_INVALID_CONFIG, "seed");
  reject("seed bool", "{\"seed\":false}", VS_ERR_INVALID_CONFIG, "seed");
  reject("seed in a preset", "{\"class_name\":\"HeNormal\",\"config\":{\"seed\":-5}}",
         VS_ERR_INVALID_CONFIG, "seed");
  /* axes: both or neither, arrays of integers */
  reject("input_axes only", "{\"input_axes\":[1]}", VS_ERR_INVALID_CONFIG, "output_axes");
  reject("output_axes only", "{\"output_axes\":[0]}", VS_ERR_INVALID_CONFIG, "input_axes");
  reject("output_axes null", "{\"input_axes\":[1],\"output_axes\":null}", VS_ERR_INVALID_CONFIG,
         "output_axes");
  reject("input_axes string", "{\"input_axes\":\"1\",\"output_axes\":[0]}",
         VS_ERR_INVALID_CONFIG, "input_axes");
  reject("input_axes fractional", "{\"input_axes\":[1.5],\"output_axes\":[0]}",
         VS_ERR_INVALID_CONFIG, "input_axes");
  reject("output_axes bool", "{\"input_axes\":[0],\"output_axes\":[true]}",
         VS_ERR_INVALID_CONFIG, "output_axes");
  reject("output_axes nested", "{\"input_axes\":[0],\"output_axes\":[[1]]}",
         VS_ERR_INVALID_CONFIG, "output_axes");
  reject("preset axes only one", "{\"class_name\":\"HeNormal\",\"config\":{\"input_axes\":[0]}}",
         VS_ERR_INVALID_CONFIG, "output_axes");
}

static void test_hostile(void) {
  const size_t deep = 100000, huge = 1u << 20;
  char *s;
  /* deep nesting: an error, not a stack overflow */
  s = repeated("", "[", deep, "");
  reject("100000 '['", s, VS_ERR_INVALID_CONFIG, "json");
  free(s);
  {
    char *open = repeated("", "[", deep, "");
    char *both = repeated(open, "]", deep, "");
    reject("100000 nested arrays, closed", both, VS_ERR_INVALID_CONFIG, "json");
    free(both);
    free(open);
  }
  s = repeated("", "{\"a\":", deep, "1");
  reject("100000 nested objects", s, VS_ERR_INVALID_CONFIG, "json");
  free(s);
  s = repeated("{\"class_name\":\"HeNormal\",\"config\":{\"seed\":", "[", deep, "");
  reject("deep value inside a config", s, VS_ERR_INVALID_CONFIG, "json");
  free(s);
  /* huge strings, keys, numbers */
  s = repeated("\"", "a", huge, "\"");
  reject("1 MiB bare name", s, VS_ERR_INVALID_CONFIG, NULL);
  free(s);
  s = repeated("{\"mode\":\"", "a", huge, "\"}");
  reject("1 MiB mode", s, VS_ERR_INVALID_MODE, "mode");
  free(s);
  s = repeated("{\"distribution\":\"", "b", huge, "\"}");
  reject("1 MiB distribution", s, VS_ERR_INVALID_DISTRIBUTION, "distribution");
  free(s);
  s = repeated("{\"dtype\":\"", "c", huge, "\"}");
  reject("1 MiB dtype", s, VS_ERR_INVALID_DTYPE, "dtype");
  free(s);
  s = repeated("{\"", "k", huge, "\":1}");
  reject("1 MiB key", s, VS_ERR_INVALID_CONFIG, "kkkk");
  free(s);
  s = repeated("{\"class_name\":\"", "C", huge, "\",\"config\":{}}");
  reject("1 MiB class_name", s, VS_ERR_INVALID_CONFIG, "class_name");
  free(s);
  s = repeated("{\"seed\":1", "0", huge, "}");
  reject("1 MiB seed literal", s, VS_ERR_INVALID_CONFIG, NULL);
  free(s);
  s = repeated("{\"scale\":0.", "0", huge, "1}");
  reject("1 MiB scale literal underflowing to 0", s, VS_ERR_INVALID_SCALE, "scale");
  free(s);
  s = repeated("\"", "\\u0000", 1000, "\"");
  reject("escaped NULs", s, VS_ERR_INVALID_CONFIG, NULL);
  free(s);
  /* a valid config after all that */
  {
    vs_initializer *h = NULL;
    CHECK_STATUS(vs_from_config_json("\"he_normal\"", &h), VS_OK);
    CHECK(h != NULL);
    vs_destroy(h);
  }
}

int main(void) {
  skip_unless_requested_isa_runs("config_" VS_TEST_LINKAGE);
  test_get_config_json();
  test_unseeded();
  test_round_trips();
  test_keras_fixtures();
  test_other_forms();
  test_rejections();
  test_hostile();
  return check_finish("config_" VS_TEST_LINKAGE);
}
