/*
 * test_values.c: the values, for both algorithms. Golden vectors
 * (tests/data/golden_vectors.txt for pcg64-block-v1 and
 * golden_vectors_v2.txt for splitmix64-ctr-v2, shared with tests/golden.rs)
 * bit for bit in all four types; range fills against whole fills at many
 * (offset, count) pairs around v1's block boundaries and v2's vector and
 * pair boundaries; slice fills (N-d boxes) against whole fills; f16/bf16 ==
 * the f32 value rounded to nearest-even (checked by an independent rounding
 * written here) and, for v1, (float)f64 == f32, including subnormals and
 * overflow to infinity; repeatability; empty and scalar tensors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "util.h"

/* the largest rank a golden case may have (the file uses small ones) */
#define GOLDEN_MAX_NDIM 64

/* ---------------------------------------------------------------------- */
/* golden vectors                                                          */

struct golden {
  char name[128];
  uint64_t seed;
  double scale;
  uint32_t mode, dist;
  size_t ndim;
  int64_t shape[GOLDEN_MAX_NDIM];
  int has_axes;
  size_t nin, nout;
  int64_t in[GOLDEN_MAX_NDIM], out[GOLDEN_MAX_NDIM];
  uint64_t offset;
  size_t count;
  uint64_t *bits[T_COUNT]; /* expected bit patterns, per type */
};

/* the next whitespace-separated token of *p into tok; 0 at the end */
static int next_token(const char **p, char *tok, size_t cap) {
  const char *s = *p;
  size_t n = 0;
  while (*s == ' ' || *s == '\t' || *s == '\r') s++;
  if (*s == '\0' || *s == '\n') {
    *p = s;
    return 0;
  }
  while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
    if (n + 1 < cap) tok[n++] = *s;
    s++;
  }
  tok[n] = '\0';
  *p = s;
  return 1;
}

static int next_u64(const char **p, uint64_t *v, int base) {
  char tok[64], *end;
  if (!next_token(p, tok, sizeof tok)) return 0;
  *v = strtoull(tok, &end, base);
  return *end == '\0' && tok[0] != '-';
}

static int next_i64(const char **p, int64_t *v) {
  char tok[64], *end;
  if (!next_token(p, tok, sizeof tok)) return 0;
  *v = strtoll(tok, &end, 10);
  return *end == '\0';
}

static int next_size(const char **p, size_t *v, size_t max) {
  uint64_t u;
  if (!next_u64(p, &u, 10) || u > max) return 0;
  *v = (size_t)u;
  return 1;
}

/* the next line after *p (skipping the current one) */
static const char *next_line(const char *p) {
  const char *nl = strchr(p, '\n');
  return nl ? nl + 1 : p + strlen(p);
}

/* Parses one "case" line and its four value lines; 0 on a format error. */
static int parse_case(const char **pp, struct golden *g) {
  static const char *const tags[T_COUNT] = {"f32", "f64", "f16", "bf16"};
  const char *p = *pp;
  char tok[128], *end;
  size_t i;
  int t;
  memset(g, 0, sizeof *g);
  if (!next_token(&p, tok, sizeof tok) || strcmp(tok, "case") != 0) return 0;
  if (!next_token(&p, g->name, sizeof g->name)) return 0;
  if (!next_u64(&p, &g->seed, 10)) return 0;
  if (!next_token(&p, tok, sizeof tok)) return 0;
  g->scale = strtod(tok, &end);
  if (*end != '\0') return 0;
  {
    uint64_t m, d, has;
    if (!next_u64(&p, &m, 10) || !next_u64(&p, &d, 10)) return 0;
    g->mode = (uint32_t)m;
    g->dist = (uint32_t)d;
    if (!next_size(&p, &g->ndim, GOLDEN_MAX_NDIM)) return 0;
    for (i = 0; i < g->ndim; i++)
      if (!next_i64(&p, &g->shape[i])) return 0;
    if (!next_u64(&p, &has, 10) || has > 1) return 0;
    g->has_axes = (int)has;
  }
  if (g->has_axes) {
    if (!next_size(&p, &g->nin, GOLDEN_MAX_NDIM)) return 0;
    for (i = 0; i < g->nin; i++)
      if (!next_i64(&p, &g->in[i])) return 0;
    if (!next_size(&p, &g->nout, GOLDEN_MAX_NDIM)) return 0;
    for (i = 0; i < g->nout; i++)
      if (!next_i64(&p, &g->out[i])) return 0;
  }
  if (!next_u64(&p, &g->offset, 10)) return 0;
  if (!next_size(&p, &g->count, 1u << 20)) return 0;
  if (next_token(&p, tok, sizeof tok)) return 0; /* nothing else on the line */
  p = next_line(p);
  /* the file's order is f64, f32, f16, bf16 */
  {
    static const int order[T_COUNT] = {T_F64, T_F32, T_F16, T_BF16};
    int k;
    for (k = 0; k < T_COUNT; k++) {
      t = order[k];
      if (!next_token(&p, tok, sizeof tok) || strcmp(tok, tags[t]) != 0) return 0;
      g->bits[t] = (uint64_t *)xmalloc((g->count ? g->count : 1) * sizeof(uint64_t));
      for (i = 0; i < g->count; i++)
        if (!next_u64(&p, &g->bits[t][i], 16)) return 0;
      if (next_token(&p, tok, sizeof tok)) return 0;
      p = next_line(p);
    }
  }
  *pp = p;
  return 1;
}

static uint64_t element_bits(vtype t, const void *buf, size_t i) {
  switch (t) {
    case T_F32: {
      uint32_t u;
      memcpy(&u, (const char *)buf + i * 4, 4);
      return u;
    }
    case T_F64: {
      uint64_t u;
      memcpy(&u, (const char *)buf + i * 8, 8);
      return u;
    }
    default: {
      uint16_t u;
      memcpy(&u, (const char *)buf + i * 2, 2);
      return u;
    }
  }
}

static void check_golden_case(const struct golden *g, uint32_t alg) {
  vs_initializer *h = NULL;
  int before = check_failures_;
  int t;
  uint64_t total = 1;
  size_t i;
  if (g->has_axes)
    CHECK_STATUS(vs_create_with_axes(g->scale, g->mode, g->dist, &g->seed, g->in, g->nin,
                                     g->out, g->nout, &h),
                 VS_OK);
  else
    CHECK_STATUS(vs_create(g->scale, g->mode, g->dist, &g->seed, &h), VS_OK);
  CHECK_STATUS(use_algorithm(&h, alg), VS_OK);
  if (h == NULL) {
    fprintf(stderr, "    ^ golden case %s\n", g->name);
    return;
  }
  for (i = 0; i < g->ndim; i++) total *= (uint64_t)g->shape[i];
  for (t = 0; t < T_COUNT; t++) {
    const size_t es = vtype_size((vtype)t);
    unsigned char *part = (unsigned char *)xmalloc((g->count + 1) * es);
    size_t bad = 0;
    sentinel_fill(part, (g->count + 1) * es);
    CHECK_STATUS(fill_range_t((vtype)t, h, g->shape, g->ndim, g->offset, part, g->count), VS_OK);
    for (i = 0; i < g->count; i++) {
      uint64_t got = element_bits((vtype)t, part, i);
      if (got != g->bits[t][i]) {
        if (bad++ < 4)
          fprintf(stderr, "    %s %s[%lu]: got %llx, golden %llx\n", g->name,
                  vtype_name((vtype)t), (unsigned long)(g->offset + i), (unsigned long long)got,
                  (unsigned long long)g->bits[t][i]);
      }
    }
    CHECK(bad == 0);
    /* exactly count elements written */
    CHECK(sentinel_intact(part + g->count * es, es));
    /* a slice of the whole fill */
    if (total <= (1u << 20)) {
      unsigned char *whole = (unsigned char *)xmalloc((size_t)total * es);
      CHECK_STATUS(fill_t((vtype)t, h, g->shape, g->ndim, whole, (size_t)total), VS_OK);
      CHECK(memcmp(whole + g->offset * es, part, g->count * es) == 0);
      free(whole);
    }
    free(part);
  }
  vs_destroy(h);
  if (check_failures_ != before) fprintf(stderr, "    ^ golden case %s\n", g->name);
}

static void check_golden_file(const char *path, uint32_t alg) {
  char *text = read_file(path);
  const char *p;
  int cases = 0, case_lines = 0;
  char header[128];
  CHECK(text != NULL);
  if (text == NULL) {
    fprintf(stderr, "    cannot read %s\n", path);
    return;
  }
  /* the header names the algorithm the vectors pin */
  snprintf(header, sizeof header, "algorithm %s.\n", vs_algorithm_name(alg));
  CHECK(strstr(text, header) != NULL);
  for (p = text; *p; p = next_line(p))
    if (strncmp(p, "case ", 5) == 0) case_lines++;
  p = text;
  while (*p) {
    if (*p == '#' || *p == '\n') {
      p = next_line(p);
      continue;
    }
    {
      struct golden g;
      int t;
      int ok = parse_case(&p, &g);
      CHECK(ok);
      if (!ok) {
        fprintf(stderr, "    golden vectors: format error near: %.60s\n", p);
        for (t = 0; t < T_COUNT; t++) free(g.bits[t]);
        break;
      }
      check_golden_case(&g, alg);
      cases++;
      for (t = 0; t < T_COUNT; t++) free(g.bits[t]);
    }
  }
  CHECK(cases == case_lines);
  CHECK(cases >= 9);
  printf("golden vectors of %s: %d cases checked\n", vs_algorithm_name(alg), cases);
  free(text);
}

static void test_golden_vectors(void) {
  check_golden_file(VS_TEST_GOLDEN_VECTORS, VS_ALGORITHM_PCG64_BLOCK_V1);
  check_golden_file(VS_TEST_GOLDEN_VECTORS_V2, VS_ALGORITHM_SPLITMIX64_CTR_V2);
}

/* ---------------------------------------------------------------------- */
/* range fills against whole fills                                         */

static void test_ranges(void) {
  static const int64_t shape[2] = {5, 3001}; /* 15005: not a multiple of a block */
  /* v1's block boundaries (1024) and v2's vector widths (8 to 64) and
     Box-Muller pairs (odd starts and ends) */
  static const uint64_t offsets[] = {0,    1,    2,    3,    15,   17,   31,    33,    63,
                                     65,   511,  1000, 1023, 1024, 1025, 2047,  2048,  2049,
                                     3072, 4095, 14335, 14336, 15004, 15005};
  static const size_t counts[] = {0,   1,    2,    3,    7,    15,   16,   17,   23,   31,   33,
                                  64,  65,   1023, 1024, 1025, 2047, 2048, 2049, 3000, 15005};
  const size_t total = 15005;
  const uint64_t seed = 2718;
  int t, d, a;
  for (a = 0; a < ALG_COUNT; a++)
  for (d = 0; d < 3; d++) {
    vs_initializer *h = NULL;
    CHECK_STATUS(create_alg(algorithms[a], 1.5, VS_MODE_FAN_AVG, (uint32_t)d, &seed, &h), VS_OK);
    if (h == NULL) continue;
    for (t = 0; t < T_COUNT; t++) {
      const size_t es = vtype_size((vtype)t);
      unsigned char *whole = (unsigned char *)xmalloc(total * es);
      unsigned char *part = (unsigned char *)xmalloc((total + 1) * es);
      size_t oi, ci, pairs = 0, bad = 0;
      CHECK_STATUS(fill_t((vtype)t, h, shape, 2, whole, total), VS_OK);
      for (oi = 0; oi < sizeof offsets / sizeof offsets[0]; oi++) {
        for (ci = 0; ci <= sizeof counts / sizeof counts[0]; ci++) {
          const uint64_t off = offsets[oi];
          /* every listed count that fits, and the rest of the tensor */
          const size_t count = ci < sizeof counts / sizeof counts[0] ? counts[ci]
                                                                      : total - (size_t)off;
          vs_status st;
          if (off + count > total) continue;
          sentinel_fill(part, (total + 1) * es);
          st = fill_range_t((vtype)t, h, shape, 2, off, part, count);
          CHECK_STATUS(st, VS_OK);
          if (st == VS_OK && memcmp(part, whole + off * es, count * es) != 0) {
            if (bad++ < 4)
              fprintf(stderr, "    range [%lu, +%lu) of %s differs from the whole fill\n",
                      (unsigned long)off, (unsigned long)count, vtype_name((vtype)t));
          }
          /* nothing past count written */
          if (!sentinel_intact(part + count * es, es)) bad++;
          pairs++;
        }
      }
      CHECK(bad == 0);
      CHECK(pairs > 150);
      /* count 0 with out NULL, anywhere up to the end */
      CHECK_STATUS(fill_range_t((vtype)t, h, shape, 2, 0, NULL, 0), VS_OK);
      CHECK_STATUS(fill_range_t((vtype)t, h, shape, 2, 1024, NULL, 0), VS_OK);
      CHECK_STATUS(fill_range_t((vtype)t, h, shape, 2, total, NULL, 0), VS_OK);
      /* shards filled in any order make the whole */
      {
        size_t k;
        static const size_t cuts[] = {0, 7, 1024, 1030, 5000, 9999, 15005};
        sentinel_fill(part, (total + 1) * es);
        for (k = sizeof cuts / sizeof cuts[0] - 1; k > 0; k--)
          CHECK_STATUS(fill_range_t((vtype)t, h, shape, 2, cuts[k - 1], part + cuts[k - 1] * es,
                                    cuts[k] - cuts[k - 1]),
                       VS_OK);
        CHECK(memcmp(part, whole, total * es) == 0);
      }
      free(whole);
      free(part);
    }
    vs_destroy(h);
  }
}

/* ---------------------------------------------------------------------- */
/* the output types: an independent round-to-nearest-even                  */

/* |value| of binary16 magnitude bits h in [0, 0x7C00]; 0x7C00 (infinity)
 * counts as 65536 = 2^16, where the next binade would start, which is
 * what IEEE overflow rounding compares against */
static double f16_mag(uint32_t h) {
  const int e = (int)(h >> 10);
  const int m = (int)(h & 0x3ff);
  if (e == 0) return ldexp((double)m, -24);
  if (e == 31) return 65536.0;
  return ldexp((double)(1024 + m), e - 25);
}

/* the binary16 nearest to x, ties to even (by search, not bit tricks) */
static uint16_t ref_f16(float x) {
  const uint16_t sign = signbit(x) ? 0x8000 : 0;
  const double a = fabs((double)x);
  uint32_t lo = 0, hi = 0x7C00, up;
  double sum;
  if (isnan(x)) return 0x7E00;
  if (isinf(x) || a >= 65536.0) return sign | 0x7C00;
  /* largest lo with f16_mag(lo) <= a */
  while (lo < hi) {
    const uint32_t mid = (lo + hi + 1) / 2;
    if (f16_mag(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  if (f16_mag(lo) == a) return (uint16_t)(sign | lo);
  up = lo + 1;
  sum = f16_mag(lo) + f16_mag(up); /* exact: two neighbouring binary16 values */
  if (2.0 * a < sum) return (uint16_t)(sign | lo);
  if (2.0 * a > sum) return (uint16_t)(sign | up);
  return (uint16_t)(sign | ((lo & 1) ? up : lo)); /* a tie: the even one */
}

/* |value| of bfloat16 magnitude bits b in [0, 0x7F80]; 0x7F80 counts as 2^128 */
static double bf16_mag(uint32_t b) {
  uint32_t u = b << 16;
  float f;
  if (b == 0x7F80) return ldexp(1.0, 128);
  memcpy(&f, &u, sizeof f);
  return (double)f;
}

static uint16_t ref_bf16(float x) {
  const uint16_t sign = signbit(x) ? 0x8000 : 0;
  const double a = fabs((double)x);
  uint32_t lo, up;
  double sum;
  if (isnan(x)) return 0x7FC0;
  if (isinf(x)) return sign | 0x7F80;
  lo = (f32_bits(x) & 0x7fffffffu) >> 16; /* the bfloat16 just below: truncation */
  if (bf16_mag(lo) == a) return (uint16_t)(sign | lo);
  up = lo + 1;
  sum = bf16_mag(lo) + bf16_mag(up);
  if (2.0 * a < sum) return (uint16_t)(sign | lo);
  if (2.0 * a > sum) return (uint16_t)(sign | up);
  return (uint16_t)(sign | ((lo & 1) ? up : lo));
}

static void test_reference_rounding(void) {
  /* the reference itself, on values whose rounding is known */
  CHECK(ref_f16(1.0f) == 0x3C00);
  CHECK(ref_f16(-2.0f) == 0xC000);
  CHECK(ref_f16(65504.0f) == 0x7BFF);
  CHECK(ref_f16(65519.996f) == 0x7BFF);
  CHECK(ref_f16(65520.0f) == 0x7C00); /* the tie above the largest rounds to infinity */
  CHECK(ref_f16(1e10f) == 0x7C00);
  CHECK(ref_f16(-1e10f) == 0xFC00);
  CHECK(ref_f16(5.9604645e-8f) == 0x0001);   /* 2^-24, smallest subnormal */
  CHECK(ref_f16(2.9802322e-8f) == 0x0000);   /* 2^-25: a tie, to even 0 */
  CHECK(ref_f16(2.9802326e-8f) == 0x0001);   /* just above the tie */
  CHECK(ref_f16(8.940697e-8f) == 0x0002);    /* 1.5 * 2^-24: a tie, to even 2 */
  CHECK(ref_f16(-0.0f) == 0x8000);
  CHECK(ref_f16(1.0f + 1.0f / 2048.0f) == 0x3C00); /* tie between 0x3C00 and 0x3C01 */
  CHECK(ref_f16(1.0f + 3.0f / 2048.0f) == 0x3C02); /* tie between 0x3C01 and 0x3C02 */
  CHECK(ref_bf16(1.0f) == 0x3F80);
  CHECK(ref_bf16(1.0f + 1.0f / 256.0f) == 0x3F80);  /* tie to even */
  CHECK(ref_bf16(1.0f + 3.0f / 256.0f) == 0x3F82);  /* tie to even */
  CHECK(ref_bf16(3.4028235e38f) == 0x7F80);         /* FLT_MAX rounds up to infinity */
  CHECK(ref_bf16(3.3895314e38f) == 0x7F7F);         /* the largest bfloat16 */
  CHECK(ref_bf16(-1e-45f) == 0x8000);               /* the smallest subnormal float: to -0 */
}

/* Fills `shape` in all four types with algorithm `alg` and checks f16/bf16
 * == the f32 value rounded to nearest-even and, for v1, (float)f64 == f32,
 * for every element. Returns how many elements were infinite / subnormal
 * in f32, f16, bf16. */
struct type_stats {
  size_t f32_inf, f32_sub, f16_inf, f16_sub, f16_zero, bf16_inf, bf16_sub;
};

static void check_types(uint32_t alg, const char *what, double scale, uint32_t mode,
                        uint32_t dist, uint64_t seed, const int64_t *shape, size_t ndim, size_t n,
                        struct type_stats *st) {
  vs_initializer *h = NULL;
  double *v64 = (double *)xmalloc(n * sizeof *v64);
  float *v32 = (float *)xmalloc(n * sizeof *v32);
  uint16_t *v16 = (uint16_t *)xmalloc(n * sizeof *v16);
  uint16_t *vb16 = (uint16_t *)xmalloc(n * sizeof *vb16);
  size_t i, bad32 = 0, bad16 = 0, badb16 = 0;
  memset(st, 0, sizeof *st);
  CHECK_STATUS(create_alg(alg, scale, mode, dist, &seed, &h), VS_OK);
  CHECK_STATUS(vs_fill_f64(h, shape, ndim, v64, n), VS_OK);
  CHECK_STATUS(vs_fill_f32(h, shape, ndim, v32, n), VS_OK);
  CHECK_STATUS(vs_fill_f16(h, shape, ndim, v16, n), VS_OK);
  CHECK_STATUS(vs_fill_bf16(h, shape, ndim, vb16, n), VS_OK);
  for (i = 0; i < n; i++) {
    const float f = (float)v64[i];
    uint16_t r16, rb16;
    if (alg == VS_ALGORITHM_PCG64_BLOCK_V1 && f32_bits(f) != f32_bits(v32[i])) {
      if (bad32++ < 3)
        fprintf(stderr, "    %s [%lu]: f64 %.17g -> (float) %.9g, f32 fill %.9g\n", what,
                (unsigned long)i, v64[i], (double)f, (double)v32[i]);
    }
    r16 = ref_f16(v32[i]);
    if (r16 != v16[i]) {
      if (bad16++ < 3)
        fprintf(stderr, "    %s [%lu]: f32 %.9g -> f16 %04x, expected %04x\n", what,
                (unsigned long)i, (double)v32[i], v16[i], r16);
    }
    rb16 = ref_bf16(v32[i]);
    if (rb16 != vb16[i]) {
      if (badb16++ < 3)
        fprintf(stderr, "    %s [%lu]: f32 %.9g -> bf16 %04x, expected %04x\n", what,
                (unsigned long)i, (double)v32[i], vb16[i], rb16);
    }
    if (isinf(v32[i])) st->f32_inf++;
    if (v32[i] != 0.0f && fpclassify(v32[i]) == FP_SUBNORMAL) st->f32_sub++;
    if ((v16[i] & 0x7fff) == 0x7C00) st->f16_inf++;
    if ((v16[i] & 0x7C00) == 0 && (v16[i] & 0x3ff) != 0) st->f16_sub++;
    if ((v16[i] & 0x7fff) == 0) st->f16_zero++;
    if ((vb16[i] & 0x7fff) == 0x7F80) st->bf16_inf++;
    if ((vb16[i] & 0x7F80) == 0 && (vb16[i] & 0x7f) != 0) st->bf16_sub++;
    /* no NaN ever */
    if (isnan(v64[i]) || isnan(v32[i])) bad32++;
  }
  CHECK(bad32 == 0);
  CHECK(bad16 == 0);
  CHECK(badb16 == 0);
  if (bad32 || bad16 || badb16)
    fprintf(stderr, "    ^ %s: %lu f32, %lu f16, %lu bf16 mismatches of %lu\n", what,
            (unsigned long)bad32, (unsigned long)bad16, (unsigned long)badb16, (unsigned long)n);
  vs_destroy(h);
  free(v64);
  free(v32);
  free(v16);
  free(vb16);
}

static void test_output_types_of(uint32_t alg) {
  const int64_t big[2] = {1024, 1024}; /* fan_in 1024, 1<<20 elements */
  const int64_t mid[2] = {1024, 128};  /* fan_in 1024, 1<<17 elements */
  struct type_stats st;
  int d;
  /* stddev about 1: every rounding case of the normal range */
  for (d = 0; d < 3; d++)
    check_types(alg, "unit scale", 1024.0, VS_MODE_FAN_IN, (uint32_t)d, 31 + (uint64_t)d, big, 2,
                1u << 20, &st);
  /* f16 subnormals: stddev 1e-6 */
  check_types(alg, "f16 subnormals", 1024.0 * 1e-12, VS_MODE_FAN_IN,
              VS_DISTRIBUTION_UNTRUNCATED_NORMAL, 5, mid, 2, 1u << 17, &st);
  CHECK(st.f16_sub > 1000);
  /* around f16's largest value: stddev 4e4, values past 65520 overflow */
  check_types(alg, "f16 overflow", 1024.0 * 1.6e9, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNTRUNCATED_NORMAL,
              6, mid, 2, 1u << 17, &st);
  CHECK(st.f16_inf > 1000);
  CHECK(st.f16_inf < (1u << 17) / 2);
  /* float and bfloat16 overflow: stddev 2e38 (the f64 values stay finite) */
  check_types(alg, "f32 overflow", 1024.0 * 4e76, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNTRUNCATED_NORMAL,
              7, mid, 2, 1u << 17, &st);
  CHECK(st.f32_inf > 1000);
  CHECK(st.bf16_inf >= st.f32_inf);
  CHECK(st.f16_inf > (1u << 17) * 9 / 10);
  /* float and bfloat16 subnormals: stddev 1e-40; f16 gets (signed) zeros */
  check_types(alg, "f32 subnormals", 1024.0 * 1e-80, VS_MODE_FAN_IN,
              VS_DISTRIBUTION_UNTRUNCATED_NORMAL, 8, mid, 2, 1u << 17, &st);
  CHECK(st.f32_sub > 1000);
  CHECK(st.bf16_sub > 1000);
  CHECK(st.f16_zero == (1u << 17));
  /* uniform past f32's limit: limit 3.9e38 */
  check_types(alg, "uniform wide", 1024.0 * 5.0e76, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, 9, mid, 2,
              1u << 17, &st);
  CHECK(st.f32_inf > 100);
}

static void test_output_types(void) {
  int a;
  for (a = 0; a < ALG_COUNT; a++) test_output_types_of(algorithms[a]);
}

/* ---------------------------------------------------------------------- */
/* determinism, empty and scalar tensors                                   */

static void test_repeatable(void) {
  const int64_t shape[3] = {3, 70, 50}; /* 10500 */
  const size_t n = 10500;
  const uint64_t seed = 1234, other = 1235;
  int d, t, k;
  for (k = 0; k < ALG_COUNT; k++)
  for (d = 0; d < 3; d++) {
    vs_initializer *a = NULL, *b = NULL, *c = NULL;
    CHECK_STATUS(create_alg(algorithms[k], 2.0, VS_MODE_FAN_OUT, (uint32_t)d, &seed, &a), VS_OK);
    CHECK_STATUS(create_alg(algorithms[k], 2.0, VS_MODE_FAN_OUT, (uint32_t)d, &seed, &b), VS_OK);
    CHECK_STATUS(create_alg(algorithms[k], 2.0, VS_MODE_FAN_OUT, (uint32_t)d, &other, &c), VS_OK);
    for (t = 0; t < T_COUNT; t++) {
      const size_t es = vtype_size((vtype)t);
      unsigned char *x = (unsigned char *)xmalloc(n * es);
      unsigned char *y = (unsigned char *)xmalloc(n * es);
      CHECK_STATUS(fill_t((vtype)t, a, shape, 3, x, n), VS_OK);
      CHECK_STATUS(fill_t((vtype)t, a, shape, 3, y, n), VS_OK);
      CHECK(memcmp(x, y, n * es) == 0); /* the same handle, twice */
      CHECK_STATUS(fill_t((vtype)t, b, shape, 3, y, n), VS_OK);
      CHECK(memcmp(x, y, n * es) == 0); /* another handle, the same seed */
      CHECK_STATUS(fill_t((vtype)t, c, shape, 3, y, n), VS_OK);
      CHECK(memcmp(x, y, n * es) != 0); /* another seed */
      free(x);
      free(y);
    }
    vs_destroy(a);
    vs_destroy(b);
    vs_destroy(c);
  }
}

/* ---------------------------------------------------------------------- */
/* slice fills against whole fills                                         */

/* The box's elements of a whole fill, in row-major order of the box. */
static void gather_box(const unsigned char *whole, size_t es, const int64_t *shape, size_t ndim,
                       const int64_t *start, const int64_t *extent, unsigned char *out) {
  int64_t idx[8] = {0};
  size_t n = 1, j, k;
  for (k = 0; k < ndim; k++) n *= (size_t)extent[k];
  for (j = 0; j < n; j++) {
    int64_t flat = 0;
    for (k = 0; k < ndim; k++) flat = flat * shape[k] + start[k] + idx[k];
    memcpy(out + j * es, whole + (size_t)flat * es, es);
    for (k = ndim; k-- > 0;) {
      if (++idx[k] < extent[k]) break;
      idx[k] = 0;
    }
  }
}

static void test_slices(void) {
  static const int64_t shape[3] = {7, 33, 65}; /* 15015 elements */
  /* {start, extent}: the whole tensor, rows, columns, a single element, odd
     corners, full trailing dimensions (one contiguous run per row), empty
     boxes */
  static const int64_t boxes[][2][3] = {
      {{0, 0, 0}, {7, 33, 65}}, {{2, 0, 0}, {3, 33, 65}}, {{0, 0, 5}, {7, 33, 1}},
      {{6, 32, 64}, {1, 1, 1}}, {{1, 3, 7}, {5, 29, 57}}, {{3, 31, 0}, {4, 2, 65}},
      {{0, 1, 1}, {7, 31, 63}}, {{4, 0, 17}, {2, 33, 33}}, {{0, 5, 0}, {7, 0, 65}},
      {{7, 0, 0}, {0, 33, 65}}, {{1, 0, 64}, {6, 33, 1}},
  };
  const size_t total = 7 * 33 * 65;
  const uint64_t seed = 31415;
  int a, d, t;
  size_t b;
  for (a = 0; a < ALG_COUNT; a++)
    for (d = 0; d < 3; d++) {
      vs_initializer *h = NULL;
      CHECK_STATUS(create_alg(algorithms[a], 2.0, VS_MODE_FAN_IN, (uint32_t)d, &seed, &h), VS_OK);
      if (h == NULL) continue;
      for (t = 0; t < T_COUNT; t++) {
        const size_t es = vtype_size((vtype)t);
        unsigned char *whole = (unsigned char *)xmalloc(total * es);
        unsigned char *want = (unsigned char *)xmalloc(total * es);
        unsigned char *part = (unsigned char *)xmalloc((total + 1) * es);
        CHECK_STATUS(fill_t((vtype)t, h, shape, 3, whole, total), VS_OK);
        for (b = 0; b < sizeof boxes / sizeof boxes[0]; b++) {
          const int64_t *start = boxes[b][0], *extent = boxes[b][1];
          const size_t n = (size_t)(extent[0] * extent[1] * extent[2]);
          int before = check_failures_;
          sentinel_fill(part, (total + 1) * es);
          CHECK_STATUS(fill_slice_t((vtype)t, h, shape, 3, start, extent, part, n), VS_OK);
          gather_box(whole, es, shape, 3, start, extent, want);
          CHECK(memcmp(part, want, n * es) == 0);
          CHECK(sentinel_intact(part + n * es, es));
          if (n == 0)
            CHECK_STATUS(fill_slice_t((vtype)t, h, shape, 3, start, extent, NULL, 0), VS_OK);
          if (check_failures_ != before)
            fprintf(stderr, "    ^ %s %s dist %d box %lu\n", vs_algorithm_name(algorithms[a]),
                    vtype_name((vtype)t), d, (unsigned long)b);
        }
        /* boxes tiling the tensor, filled in any order, make the whole */
        {
          static const int64_t cuts[] = {0, 1, 16, 17, 33};
          size_t i, j;
          unsigned char *tile = (unsigned char *)xmalloc(total * es);
          for (i = 4; i-- > 0;)
            for (j = 0; j < 4; j++) {
              const int64_t start[3] = {0, cuts[i], cuts[j] * 2};
              const int64_t extent[3] = {7, cuts[i + 1] - cuts[i],
                                         (j == 3 ? 65 : cuts[j + 1] * 2) - cuts[j] * 2};
              const size_t n = (size_t)(extent[0] * extent[1] * extent[2]);
              CHECK_STATUS(fill_slice_t((vtype)t, h, shape, 3, start, extent, tile, n), VS_OK);
              gather_box(whole, es, shape, 3, start, extent, want);
              CHECK(memcmp(tile, want, n * es) == 0);
            }
          free(tile);
        }
        /* a scalar's box: ndim 0, NULL start and extent */
        {
          unsigned char x[8], y[8];
          CHECK_STATUS(fill_t((vtype)t, h, NULL, 0, x, 1), VS_OK);
          CHECK_STATUS(fill_slice_t((vtype)t, h, NULL, 0, NULL, NULL, y, 1), VS_OK);
          CHECK(memcmp(x, y, es) == 0);
        }
        free(whole);
        free(want);
        free(part);
      }
      vs_destroy(h);
    }
}

static void test_empty_and_scalar(void) {
  static const int64_t e1[1] = {0};
  static const int64_t e2[2] = {0, 5};
  static const int64_t e3[2] = {3, 0};
  static const int64_t e4[4] = {2, 0, 4, 5};
  static const int64_t e5[2] = {INT64_C(1) << 40, 0};
  static const int64_t e6[2] = {INT64_MAX, 0};
  static const int64_t *const empties[] = {e1, e2, e3, e4, e5, e6};
  static const size_t ranks[] = {1, 2, 2, 4, 2, 2};
  const uint64_t seed = 77;
  vs_initializer *h = NULL;
  unsigned char buf[64];
  size_t i;
  int t;
  CHECK_STATUS(vs_create(1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, &seed, &h), VS_OK);
  if (h == NULL) return;
  for (t = 0; t < T_COUNT; t++) {
    for (i = 0; i < sizeof ranks / sizeof ranks[0]; i++) {
      int before = check_failures_;
      CHECK_STATUS(fill_t((vtype)t, h, empties[i], ranks[i], NULL, 0), VS_OK);
      sentinel_fill(buf, sizeof buf);
      CHECK_STATUS(fill_t((vtype)t, h, empties[i], ranks[i], buf, 0), VS_OK);
      CHECK(sentinel_intact(buf, sizeof buf));
      CHECK_STATUS(fill_range_t((vtype)t, h, empties[i], ranks[i], 0, NULL, 0), VS_OK);
      CHECK_STATUS(fill_range_t((vtype)t, h, empties[i], ranks[i], 0, buf, 0), VS_OK);
      CHECK(sentinel_intact(buf, sizeof buf));
      CHECK_ERR(fill_range_t((vtype)t, h, empties[i], ranks[i], 1, NULL, 0), VS_ERR_BUFFER_SIZE,
                "offset");
      CHECK_ERR(fill_t((vtype)t, h, empties[i], ranks[i], buf, 1), VS_ERR_BUFFER_SIZE,
                "out_len");
      CHECK(sentinel_intact(buf, sizeof buf));
      if (check_failures_ != before)
        fprintf(stderr, "    ^ empty shape %lu, %s\n", (unsigned long)i, vtype_name((vtype)t));
    }
    /* a scalar: shape NULL or not, ndim 0, one element */
    {
      const int64_t unused[1] = {99};
      unsigned char a[16], b[16], r[16];
      const size_t es = vtype_size((vtype)t);
      sentinel_fill(a, sizeof a);
      sentinel_fill(b, sizeof b);
      sentinel_fill(r, sizeof r);
      CHECK_STATUS(fill_t((vtype)t, h, NULL, 0, a, 1), VS_OK);
      CHECK_STATUS(fill_t((vtype)t, h, unused, 0, b, 1), VS_OK);
      CHECK_STATUS(fill_range_t((vtype)t, h, NULL, 0, 0, r, 1), VS_OK);
      CHECK(memcmp(a, b, es) == 0);
      CHECK(memcmp(a, r, es) == 0);
      CHECK(!sentinel_intact(a, es));
      CHECK(sentinel_intact(a + es, sizeof a - es));
    }
    /* 100 dimensions of 1: any rank is accepted */
    {
      int64_t ones[100];
      unsigned char a[16];
      size_t k;
      for (k = 0; k < 100; k++) ones[k] = 1;
      CHECK_STATUS(fill_t((vtype)t, h, ones, 100, a, 1), VS_OK);
    }
  }
  vs_destroy(h);
}

int main(void) {
  skip_unless_requested_isa_runs("values_" VS_TEST_LINKAGE);
  test_golden_vectors();
  test_ranges();
  test_slices();
  test_reference_rounding();
  test_output_types();
  test_repeatable();
  test_empty_and_scalar();
  return check_finish("values_" VS_TEST_LINKAGE);
}
