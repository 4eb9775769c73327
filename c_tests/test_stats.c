/*
 * test_stats.c: the distributions, with fixed seeds, for both algorithms
 * (and for v2 both of its streams: f64 and f32). For each distribution and
 * mode: the mean and the variance scale / n within 5 standard errors (the
 * variance's from the distribution's fourth moment), the bounds (|x| < 2
 * stddev for truncated, [-limit, limit) for uniform), values reaching near
 * the bounds (truncation by re-drawing or by the inverse CDF, never
 * clamping; the full uniform range), a Kolmogorov-Smirnov test against the
 * exact CDF, and no correlation between neighbouring elements, streams,
 * seeds or algorithms.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "util.h"

#define KS_N (1u << 16)

static double std_normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* E[z^2] and E[z^4] of a standard normal truncated to [-2, 2] */
static void truncated_moments(double *m2, double *m4) {
  const double b = 2.0;
  const double pi = 3.14159265358979323846;
  const double phi = exp(-0.5 * b * b) / sqrt(2.0 * pi);
  const double z = erf(b / sqrt(2.0));
  *m2 = 1.0 - 2.0 * b * phi / z;
  *m4 = 3.0 * *m2 - 2.0 * b * b * b * phi / z;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* the exact CDF of the values of a fill described by p */
static double cdf(uint32_t dist, const vs_params *p, double x) {
  switch (dist) {
    case VS_DISTRIBUTION_TRUNCATED_NORMAL: {
      const double lo = std_normal_cdf(-2.0), hi = std_normal_cdf(2.0);
      double z = x / p->stddev;
      if (z <= -2.0) return 0.0;
      if (z >= 2.0) return 1.0;
      return (std_normal_cdf(z) - lo) / (hi - lo);
    }
    case VS_DISTRIBUTION_UNTRUNCATED_NORMAL:
      return std_normal_cdf(x / p->stddev);
    default:
      if (x <= -p->limit) return 0.0;
      if (x >= p->limit) return 1.0;
      return (x + p->limit) / (2.0 * p->limit);
  }
}

/* the largest |F_n(x) - F(x)| over the sorted sample */
static double ks_statistic(double *v, size_t n, uint32_t dist, const vs_params *p) {
  size_t i;
  double d = 0.0;
  qsort(v, n, sizeof *v, cmp_double);
  for (i = 0; i < n; i++) {
    const double f = cdf(dist, p, v[i]);
    const double above = (double)(i + 1) / (double)n - f, below = f - (double)i / (double)n;
    if (above > d) d = above;
    if (below > d) d = below;
  }
  return d;
}

static const char *dist_name(uint32_t d) {
  return d == 0 ? "truncated_normal" : d == 1 ? "untruncated_normal" : "uniform";
}

static const char *mode_name(uint32_t m) {
  return m == 0 ? "fan_in" : m == 1 ? "fan_out" : "fan_avg";
}

/* the checks for one (scale, mode, distribution, shape) with n elements,
   for each algorithm */
static void check_distribution_alg(uint32_t alg, int use_f32, double scale, uint32_t mode,
                                   uint32_t dist, uint64_t seed, const int64_t *shape,
                                   size_t ndim, size_t n, double expect_n);

static void check_distribution(double scale, uint32_t mode, uint32_t dist, uint64_t seed,
                               const int64_t *shape, size_t ndim, size_t n, double expect_n) {
  check_distribution_alg(VS_ALGORITHM_PCG64_BLOCK_V1, 0, scale, mode, dist, seed, shape, ndim, n,
                         expect_n);
  /* v2's f64 and f32 are separate streams: both are tested */
  check_distribution_alg(VS_ALGORITHM_SPLITMIX64_CTR_V2, 0, scale, mode, dist, seed, shape, ndim,
                         n, expect_n);
  check_distribution_alg(VS_ALGORITHM_SPLITMIX64_CTR_V2, 1, scale, mode, dist, seed, shape, ndim,
                         n, expect_n);
}

static void check_distribution_alg(uint32_t alg, int use_f32, double scale, uint32_t mode,
                                   uint32_t dist, uint64_t seed, const int64_t *shape,
                                   size_t ndim, size_t n, double expect_n) {
  vs_initializer *h = NULL;
  vs_params p;
  double *v = (double *)xmalloc(n * sizeof *v);
  float *v32 = (float *)xmalloc(n * sizeof *v32);
  double sum = 0.0, sum2 = 0.0, lag = 0.0, maxabs = 0.0, vmin = INFINITY, vmax = -INFINITY;
  double var, kurt, se_mean, se_var, mean, m2, r1, ks;
  size_t i, out_of_bounds = 0, out32 = 0;
  const size_t ks_n = n < KS_N ? n : KS_N;
  int before = check_failures_;

  CHECK_STATUS(create_alg(alg, scale, mode, dist, &seed, &h), VS_OK);
  CHECK_STATUS(vs_describe(h, shape, ndim, &p), VS_OK);
  CHECK(p.n == expect_n);
  CHECK_STATUS(vs_fill_f64(h, shape, ndim, v, n), VS_OK);
  CHECK_STATUS(vs_fill_f32(h, shape, ndim, v32, n), VS_OK);
  if (use_f32)
    for (i = 0; i < n; i++) v[i] = (double)v32[i];

  var = scale / expect_n; /* the variance of the values, for every distribution */
  if (dist == VS_DISTRIBUTION_TRUNCATED_NORMAL) {
    double t2, t4;
    truncated_moments(&t2, &t4);
    kurt = t4 / (t2 * t2);
    CHECK(fabs(p.stddev - sqrt(var) / 0.87962566103423978) <= 1e-15 * p.stddev);
    CHECK(p.limit == 2.0 * p.stddev);
  } else if (dist == VS_DISTRIBUTION_UNTRUNCATED_NORMAL) {
    kurt = 3.0;
    CHECK(fabs(p.stddev - sqrt(var)) <= 1e-15 * p.stddev);
    CHECK(isinf(p.limit) && p.limit > 0.0);
  } else {
    kurt = 1.8;
    CHECK(p.stddev == 0.0);
    CHECK(fabs(p.limit - sqrt(3.0 * var)) <= 1e-15 * p.limit);
  }

  for (i = 0; i < n; i++) {
    const double x = v[i];
    sum += x;
    sum2 += x * x;
    if (i > 0) lag += x * v[i - 1];
    if (fabs(x) > maxabs) maxabs = fabs(x);
    if (x < vmin) vmin = x;
    if (x > vmax) vmax = x;
    /* f64 strictly inside; f32 inside the limit rounded to binary32 */
    if (use_f32) {
      const double lim32 = (double)(float)p.limit;
      if (dist == VS_DISTRIBUTION_TRUNCATED_NORMAL && !(fabs(x) < lim32)) out_of_bounds++;
      if (dist == VS_DISTRIBUTION_UNIFORM && !(x >= -lim32 && x < lim32)) out_of_bounds++;
    } else {
      if (dist == VS_DISTRIBUTION_TRUNCATED_NORMAL && !(fabs(x) < p.limit)) out_of_bounds++;
      if (dist == VS_DISTRIBUTION_UNIFORM && !(x >= -p.limit && x < p.limit)) out_of_bounds++;
    }
    if (!isinf(p.limit) && !(fabs((double)v32[i]) <= (double)(float)p.limit)) out32++;
    if (!isfinite(x)) out_of_bounds++;
  }
  mean = sum / (double)n;
  m2 = sum2 / (double)n; /* the mean is known to be 0 */
  se_mean = sqrt(var / (double)n);
  se_var = sqrt((kurt - 1.0) * var * var / (double)n);
  r1 = lag / (double)(n - 1) / var;

  CHECK(fabs(mean) < 5.0 * se_mean);
  CHECK(fabs(m2 - var) < 5.0 * se_var);
  CHECK(fabs(r1) < 5.0 / sqrt((double)n));
  CHECK(out_of_bounds == 0);
  CHECK(out32 == 0);
  if (dist == VS_DISTRIBUTION_TRUNCATED_NORMAL) {
    /* truncated, not clamped: values come close to the bound, never reach
       it; P(no value within 0.2% of it) is about exp(-0.23 n / 1000) */
    CHECK(maxabs > 0.998 * p.limit);
  } else if (dist == VS_DISTRIBUTION_UNIFORM) {
    /* the whole range: P(max < limit (1 - 20/n)) is about exp(-10) */
    CHECK(vmax > p.limit * (1.0 - 20.0 / (double)n));
    CHECK(vmin < -p.limit * (1.0 - 20.0 / (double)n));
  } else {
    /* the tails are there: |z| > 3.5 has probability 4.7e-4 per value */
    if (n >= 100000) CHECK(maxabs > 3.5 * p.stddev);
  }
  ks = ks_statistic(v, ks_n, dist, &p);
  /* P(D sqrt(n) > 2.0) is about 6e-4 */
  CHECK(ks * sqrt((double)ks_n) < 2.0);

  if (check_failures_ != before)
    fprintf(stderr,
            "    ^ %s %s %s %s scale %g n %g, %lu values: mean %.3g (se %.3g), var %.6g "
            "(expected %.6g, se %.3g), lag-1 r %.3g, max|x| %.6g (limit %.6g), KS D sqrt(n) "
            "%.3f\n",
            vs_algorithm_name(alg), use_f32 ? "f32" : "f64", dist_name(dist), mode_name(mode),
            scale, expect_n, (unsigned long)n, mean, se_mean, m2, var, se_var, r1, maxabs, p.limit,
            ks * sqrt((double)ks_n));
  vs_destroy(h);
  free(v);
  free(v32);
}

static void test_truncated_constant(void) {
  double m2, m4;
  truncated_moments(&m2, &m4);
  /* the header's constant is the stddev of the standard normal on [-2, 2] */
  CHECK(fabs(sqrt(m2) - VS_TRUNCATED_NORMAL_STDDEV) < 1e-12);
}

static void test_all_modes_and_distributions(void) {
  const int64_t dense[2] = {512, 2048}; /* fan_in 512, fan_out 2048, avg 1280 */
  const double n_of_mode[3] = {512.0, 2048.0, 1280.0};
  uint32_t m, d;
  for (d = 0; d < 3; d++)
    for (m = 0; m < 3; m++)
      check_distribution(2.0, m, d, 1000 + 10 * d + m, dense, 2, 1u << 20, n_of_mode[m]);
}

static void test_keras_presets(void) {
  const int64_t conv[4] = {3, 3, 64, 64}; /* fan_in = fan_out = 576 */
  const int64_t conv5[4] = {5, 5, 3, 64}; /* fan_in 75, fan_out 1600 */
  const int64_t dense[2] = {784, 300};
  const int64_t odd[2] = {1000, 1049}; /* fan_avg 1024.5 */
  /* HeNormal, HeUniform, GlorotNormal, GlorotUniform, LecunNormal, LecunUniform */
  check_distribution(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 42, conv, 4,
                     3 * 3 * 64 * 64, 576.0);
  check_distribution(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 43, conv5, 4, 5 * 5 * 3 * 64,
                     75.0);
  check_distribution(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_TRUNCATED_NORMAL, 44, dense, 2,
                     784 * 300, 542.0);
  check_distribution(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, 45, conv5, 4, 5 * 5 * 3 * 64,
                     837.5);
  check_distribution(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 46, dense, 2,
                     784 * 300, 784.0);
  check_distribution(1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 47, dense, 2, 784 * 300,
                     784.0);
  check_distribution(0.5, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, 48, odd, 2,
                     1000 * 1049, 1024.5);
  /* large and small scales */
  check_distribution(1e6, VS_MODE_FAN_OUT, VS_DISTRIBUTION_TRUNCATED_NORMAL, 49, dense, 2,
                     784 * 300, 300.0);
  check_distribution(1e-6, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNIFORM, 50, dense, 2, 784 * 300,
                     300.0);
}

/* correlation of x and y (standard normals scaled by var), in standard
   errors of independent samples: 1/sqrt(n) each */
static double corr_se(const double *x, const double *y, size_t n, double var) {
  double c = 0.0;
  size_t i;
  for (i = 0; i < n; i++) c += x[i] * y[i];
  return fabs(c / (double)n / var) * sqrt((double)n);
}

/* v2: seeds, the two classes' streams, and the two algorithms are
   independent of each other */
static void test_v2_streams_independent(void) {
  const int64_t shape[1] = {1 << 16};
  const size_t n = 1u << 16;
  const uint64_t s1 = 0, s2 = 1;
  uint32_t d;
  for (d = 0; d < 3; d++) {
    vs_initializer *a = NULL, *b = NULL, *v1 = NULL;
    double *x = (double *)xmalloc(n * sizeof *x), *y = (double *)xmalloc(n * sizeof *y);
    double *z = (double *)xmalloc(n * sizeof *z);
    float *f = (float *)xmalloc(n * sizeof *f);
    vs_params p;
    double var;
    size_t i;
    CHECK_STATUS(vs_create(1.0, VS_MODE_FAN_IN, d, &s1, &a), VS_OK);
    CHECK_STATUS(vs_create(1.0, VS_MODE_FAN_IN, d, &s2, &b), VS_OK);
    CHECK_STATUS(create_alg(VS_ALGORITHM_PCG64_BLOCK_V1, 1.0, VS_MODE_FAN_IN, d, &s1, &v1), VS_OK);
    CHECK_STATUS(vs_describe(a, shape, 1, &p), VS_OK);
    var = 1.0 / (double)n;
    CHECK_STATUS(vs_fill_f64(a, shape, 1, x, n), VS_OK);
    CHECK_STATUS(vs_fill_f64(b, shape, 1, y, n), VS_OK);
    CHECK_STATUS(vs_fill_f64(v1, shape, 1, z, n), VS_OK);
    CHECK_STATUS(vs_fill_f32(a, shape, 1, f, n), VS_OK);
    CHECK(corr_se(x, y, n, var) < 5.0); /* seeds 0 and 1 */
    CHECK(corr_se(x, z, n, var) < 5.0); /* v2 and v1 of one seed */
    for (i = 0; i < n; i++) y[i] = (double)f[i];
    CHECK(corr_se(x, y, n, var) < 5.0); /* v2's f64 and f32 streams */
    /* neighbours one and two apart (Box-Muller pairs share a word) */
    CHECK(corr_se(x, x + 1, n - 1, var) < 5.0);
    CHECK(corr_se(x, x + 2, n - 2, var) < 5.0);
    CHECK(corr_se(y, y + 1, n - 1, var) < 5.0);
    vs_destroy(a);
    vs_destroy(b);
    vs_destroy(v1);
    free(x);
    free(y);
    free(z);
    free(f);
  }
}

/* v1: neighbouring blocks and seeds draw independent streams */
static void test_streams_independent(void) {
  const int64_t shape[1] = {4 * VS_BLOCK_LEN};
  const size_t n = 4 * VS_BLOCK_LEN;
  const uint64_t s1 = 0, s2 = 1;
  vs_initializer *a = NULL, *b = NULL;
  double *x = (double *)xmalloc(n * sizeof *x), *y = (double *)xmalloc(n * sizeof *y);
  double cross = 0.0, blocks = 0.0, var;
  size_t i;
  CHECK_STATUS(create_alg(VS_ALGORITHM_PCG64_BLOCK_V1, 1.0, VS_MODE_FAN_IN,
                          VS_DISTRIBUTION_UNTRUNCATED_NORMAL, &s1, &a),
               VS_OK);
  CHECK_STATUS(create_alg(VS_ALGORITHM_PCG64_BLOCK_V1, 1.0, VS_MODE_FAN_IN,
                          VS_DISTRIBUTION_UNTRUNCATED_NORMAL, &s2, &b),
               VS_OK);
  CHECK_STATUS(vs_fill_f64(a, shape, 1, x, n), VS_OK);
  CHECK_STATUS(vs_fill_f64(b, shape, 1, y, n), VS_OK);
  var = 1.0 / (double)n;
  for (i = 0; i < n; i++) cross += x[i] * y[i];
  for (i = 0; i < VS_BLOCK_LEN; i++) blocks += x[i] * x[i + VS_BLOCK_LEN];
  /* correlations of about 1/sqrt(count): 5 standard errors */
  CHECK(fabs(cross / (double)n / var) < 5.0 / sqrt((double)n));
  CHECK(fabs(blocks / VS_BLOCK_LEN / var) < 5.0 / sqrt((double)VS_BLOCK_LEN));
  CHECK(memcmp(x, x + VS_BLOCK_LEN, VS_BLOCK_LEN * sizeof *x) != 0);
  vs_destroy(a);
  vs_destroy(b);
  free(x);
  free(y);
}

int main(void) {
  skip_unless_requested_isa_runs("stats_" VS_TEST_LINKAGE);
  test_truncated_constant();
  test_all_modes_and_distributions();
  test_keras_presets();
  test_streams_independent();
  test_v2_streams_independent();
  return check_finish("stats_" VS_TEST_LINKAGE);
}
