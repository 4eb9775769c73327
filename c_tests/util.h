/*
 * util.h: helpers shared by the C tests (C99): sentinel-filled buffers,
 * the four output types behind one interface, reading files.
 */
#ifndef VS_C_TESTS_UTIL_H
#define VS_C_TESTS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variance_scaling.h"

/* The byte every sentinel-filled buffer holds before a call that must not
 * write it. 0xA5A5... is no value a fill of these tests gives. */
#define SENTINEL_BYTE 0xA5

static inline void sentinel_fill(void *p, size_t bytes) {
  memset(p, SENTINEL_BYTE, bytes);
}

/* 1 when every byte of p[0..bytes) still holds the sentinel */
static inline int sentinel_intact(const void *p, size_t bytes) {
  const unsigned char *c = (const unsigned char *)p;
  size_t i;
  for (i = 0; i < bytes; i++) {
    if (c[i] != SENTINEL_BYTE) return 0;
  }
  return 1;
}

/* The four output types, so one test loop covers every fill function. */
typedef enum { T_F32 = 0, T_F64 = 1, T_F16 = 2, T_BF16 = 3, T_COUNT = 4 } vtype;

static inline const char *vtype_name(vtype t) {
  switch (t) {
    case T_F32: return "f32";
    case T_F64: return "f64";
    case T_F16: return "f16";
    case T_BF16: return "bf16";
    default: return "?";
  }
}

static inline size_t vtype_size(vtype t) {
  switch (t) {
    case T_F32: return sizeof(float);
    case T_F64: return sizeof(double);
    default: return sizeof(uint16_t);
  }
}

/* vs_fill_<t> */
static inline vs_status fill_t(vtype t, const vs_initializer *h, const int64_t *shape,
                               size_t ndim, void *out, size_t len) {
  switch (t) {
    case T_F32: return vs_fill_f32(h, shape, ndim, (float *)out, len);
    case T_F64: return vs_fill_f64(h, shape, ndim, (double *)out, len);
    case T_F16: return vs_fill_f16(h, shape, ndim, (uint16_t *)out, len);
    default: return vs_fill_bf16(h, shape, ndim, (uint16_t *)out, len);
  }
}

/* vs_fill_range_<t> */
static inline vs_status fill_range_t(vtype t, const vs_initializer *h, const int64_t *shape,
                                     size_t ndim, uint64_t offset, void *out, size_t count) {
  switch (t) {
    case T_F32: return vs_fill_range_f32(h, shape, ndim, offset, (float *)out, count);
    case T_F64: return vs_fill_range_f64(h, shape, ndim, offset, (double *)out, count);
    case T_F16: return vs_fill_range_f16(h, shape, ndim, offset, (uint16_t *)out, count);
    default: return vs_fill_range_bf16(h, shape, ndim, offset, (uint16_t *)out, count);
  }
}

/* vs_fill_slice_<t> */
static inline vs_status fill_slice_t(vtype t, const vs_initializer *h, const int64_t *shape,
                                     size_t ndim, const int64_t *start, const int64_t *extent,
                                     void *out, size_t len) {
  switch (t) {
    case T_F32: return vs_fill_slice_f32(h, shape, ndim, start, extent, (float *)out, len);
    case T_F64: return vs_fill_slice_f64(h, shape, ndim, start, extent, (double *)out, len);
    case T_F16: return vs_fill_slice_f16(h, shape, ndim, start, extent, (uint16_t *)out, len);
    default: return vs_fill_slice_bf16(h, shape, ndim, start, extent, (uint16_t *)out, len);
  }
}

/* The sampling algorithms, oldest first. */
#define ALG_COUNT 2
static const uint32_t algorithms[ALG_COUNT] = {VS_ALGORITHM_PCG64_BLOCK_V1,
                                               VS_ALGORITHM_SPLITMIX64_CTR_V2};

/* Replaces *h (when non-NULL) by a handle of the same config for algorithm
 * `alg`, destroying the old one; *h is NULL when that fails. */
static inline vs_status use_algorithm(vs_initializer **h, uint32_t alg) {
  vs_initializer *other = NULL;
  vs_status st;
  if (*h == NULL) return VS_ERR_NULL_ARGUMENT;
  st = vs_with_algorithm(*h, alg, &other);
  vs_destroy(*h);
  *h = other;
  return st;
}

/* vs_create for algorithm `alg` */
static inline vs_status create_alg(uint32_t alg, double scale, uint32_t mode, uint32_t dist,
                                   const uint64_t *seed, vs_initializer **out) {
  vs_status st = vs_create(scale, mode, dist, seed, out);
  if (st != VS_OK) return st;
  return use_algorithm(out, alg);
}

/* Exit code ctest treats as "skipped" (SKIP_RETURN_CODE). */
#define SKIP_EXIT_CODE 77

/* When VS_MAX_ISA asks for a kernel this CPU does not have (the library
 * then runs a narrower one, which another run of this test covers), the
 * test is skipped: it says so and exits with SKIP_EXIT_CODE. */
static inline void skip_unless_requested_isa_runs(const char *test) {
  const char *want = getenv("VS_MAX_ISA");
  const char *got = vs_isa();
  size_t i;
  if (want == NULL) return;
  for (i = 0; want[i] != '\0' && got[i] != '\0'; i++) {
    char a = want[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != got[i]) break;
  }
  if (want[i] == '\0' && got[i] == '\0') return;
  printf("%s: SKIPPED: VS_MAX_ISA=%s, but this CPU runs only the %s kernel\n", test, want, got);
  exit(SKIP_EXIT_CODE);
}

/* malloc that never returns NULL (a test cannot go on without memory) */
static inline void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (p == NULL) {
    fprintf(stderr, "out of memory (%lu bytes)\n", (unsigned long)bytes);
    exit(2);
  }
  return p;
}

/* The whole file as a NUL-terminated string (caller frees), or NULL. */
static inline char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  buf = (char *)xmalloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return NULL;
  }
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* The bit pattern of a double / float */
static inline uint64_t f64_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static inline uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

#endif /* VS_C_TESTS_UTIL_H */
