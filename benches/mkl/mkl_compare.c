/*
 * libvariance_scaling beside oneMKL's VSL random number generators, in one
 * process, over the same touched buffers: values/s of each, and the ratio.
 *
 * MKL rows: vsRngGaussian / vdRngGaussian with VSL_RNG_METHOD_GAUSSIAN_ICDF
 * and vsRngUniform / vdRngUniform (VSL_RNG_METHOD_UNIFORM_STD), each with
 * the basic generators Philox4x32-10, SFMT19937 and MCG59; the best of the
 * three is the reference. On several threads, each thread fills its part
 * with its own copy of the stream, skipped ahead to its offset (as MKL's
 * documentation shows for parallel Monte Carlo).
 *
 * Library rows: vs_fill_f32 / vs_fill_f64 for truncated_normal,
 * untruncated_normal and uniform (default algorithm), on the same buffers,
 * with vs_set_max_threads(threads).
 *
 * Build and run: bash benches/mkl/run.sh (docs/performance.md). Prints
 * figures and ratios; asserts nothing about speed.
 */
#define _POSIX_C_SOURCE 200809L
#include <mkl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "variance_scaling.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum kind { GAUSS_F32, GAUSS_F64, UNIF_F32, UNIF_F64 };

struct job {
  VSLStreamStatePtr stream;
  enum kind kind;
  void *out;
  MKL_INT n;
  int status;
};

static void *run_job(void *arg) {
  struct job *j = arg;
  switch (j->kind) {
    case GAUSS_F32:
      j->status = vsRngGaussian(VSL_RNG_METHOD_GAUSSIAN_ICDF, j->stream, j->n, j->out, 0.0f, 1.0f);
      break;
    case GAUSS_F64:
      j->status = vdRngGaussian(VSL_RNG_METHOD_GAUSSIAN_ICDF, j->stream, j->n, j->out, 0.0, 1.0);
      break;
    case UNIF_F32:
      j->status = vsRngUniform(VSL_RNG_METHOD_UNIFORM_STD, j->stream, j->n, j->out, -1.0f, 1.0f);
      break;
    case UNIF_F64:
      j->status = vdRngUniform(VSL_RNG_METHOD_UNIFORM_STD, j->stream, j->n, j->out, -1.0, 1.0);
      break;
  }
  return NULL;
}

#define MAX_THREADS 64

/* One timed MKL fill of n values on `threads` threads; < 0 when the
   generator cannot skip ahead or MKL reports an error. */
static double mkl_fill(int brng, enum kind kind, void *out, size_t n, size_t size, int threads) {
  struct job jobs[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  VSLStreamStatePtr base;
  size_t per = (n + (size_t)threads - 1) / (size_t)threads;
  double t0, t1;
  int k, ok = 1;
  if (vslNewStream(&base, brng, 42) != VSL_STATUS_OK) return -1.0;
  for (k = 0; k < threads; k++) {
    size_t first = per * (size_t)k;
    size_t count = first >= n ? 0 : (n - first < per ? n - first : per);
    /* Gaussian ICDF and uniform use one basic number per value (two for
       the 64-bit outputs of 32-bit generators): skip generously */
    long long skip = (long long)first * 2;
    jobs[k].kind = kind;
    jobs[k].out = (char *)out + first * size;
    jobs[k].n = (MKL_INT)count;
    jobs[k].status = 0;
    if (vslCopyStream(&jobs[k].stream, base) != VSL_STATUS_OK) ok = 0;
    if (ok && skip > 0 && vslSkipAheadStream(jobs[k].stream, skip) != VSL_STATUS_OK) ok = 0;
  }
  t0 = now();
  if (ok) {
    for (k = 1; k < threads; k++) pthread_create(&tids[k], NULL, run_job, &jobs[k]);
    run_job(&jobs[0]);
    for (k = 1; k < threads; k++) pthread_join(tids[k], NULL);
  }
  t1 = now();
  for (k = 0; k < threads; k++) {
    if (jobs[k].status != VSL_STATUS_OK) ok = 0;
    vslDeleteStream(&jobs[k].stream);
  }
  vslDeleteStream(&base);
  return ok ? t1 - t0 : -1.0;
}

static double best_mkl(int brng, enum kind kind, void *out, size_t n, size_t size, int threads,
                       int reps) {
  double best = 1e30;
  int r;
  for (r = 0; r <= reps; r++) {
    double t = mkl_fill(brng, kind, out, n, size, threads);
    if (t < 0) return -1.0;
    if (r > 0 && t < best) best = t; /* r == 0 warms up */
  }
  return best;
}

static double best_vs(const vs_initializer *h, int f64, void *out, size_t n, int reps) {
  const int64_t shape[2] = {(int64_t)(n / 1024), 1024};
  double best = 1e30;
  int r;
  for (r = 0; r <= reps; r++) {
    double t0 = now(), t;
    vs_status st = f64 ? vs_fill_f64(h, shape, 2, out, n) : vs_fill_f32(h, shape, 2, out, n);
    t = now() - t0;
    if (st != VS_OK) {
      fprintf(stderr, "vs_fill failed: %s\n", vs_last_error_message());
      exit(1);
    }
    if (r > 0 && t < best) best = t;
  }
  return best;
}

int main(int argc, char **argv) {
  size_t n = (size_t)1 << 24;
  int reps = 7, threads_all = 2, t_idx;
  const int brngs[3] = {VSL_BRNG_PHILOX4X32X10, VSL_BRNG_SFMT19937, VSL_BRNG_MCG59};
  const char *brng_names[3] = {"Philox4x32-10", "SFMT19937", "MCG59"};
  void *buf32, *buf64;
  long cores = 2;
  if (argc > 1) n = (size_t)strtoull(argv[1], NULL, 10) / 1024 * 1024;
  if (argc > 2) reps = atoi(argv[2]);
#ifdef _SC_NPROCESSORS_ONLN
  cores = sysconf(_SC_NPROCESSORS_ONLN);
#endif
  threads_all = cores < 1 ? 1 : (cores > MAX_THREADS ? MAX_THREADS : (int)cores);
  buf32 = aligned_alloc(64, n * 4);
  buf64 = aligned_alloc(64, n * 8);
  if (!buf32 || !buf64) return 1;
  memset(buf32, 1, n * 4);
  memset(buf64, 1, n * 8);
  {
    MKLVersion v;
    mkl_get_version(&v);
    printf("oneMKL %d.%d.%d (%s) beside libvariance_scaling %s, kernel %s, algorithm %s; %zu values, best of %d\n",
           v.MajorVersion, v.MinorVersion, v.UpdateVersion, v.Processor, vs_version(), vs_isa(),
           vs_algorithm(), n, reps);
  }
  for (t_idx = 0; t_idx < 2; t_idx++) {
    int threads = t_idx == 0 ? 1 : threads_all;
    double best[4] = {0, 0, 0, 0};
    const char *kind_names[4] = {"Gaussian ICDF f32", "Gaussian ICDF f64", "uniform f32", "uniform f64"};
    int kind, b;
    if (t_idx == 1 && threads_all == 1) break;
    printf("\n== %d thread(s)\n", threads);
    for (kind = 0; kind < 4; kind++) {
      size_t size = (kind == GAUSS_F64 || kind == UNIF_F64) ? 8 : 4;
      void *out = size == 8 ? buf64 : buf32;
      for (b = 0; b < 3; b++) {
        double t = best_mkl(brngs[b], (enum kind)kind, out, n, size, threads, reps);
        if (t < 0) {
          printf("   MKL %-18s %-14s n/a (no skip-ahead or error)\n", kind_names[kind], brng_names[b]);
          continue;
        }
        printf("   MKL %-18s %-14s %7.3f G values/s\n", kind_names[kind], brng_names[b], (double)n / t / 1e9);
        if ((double)n / t > best[kind]) best[kind] = (double)n / t;
      }
    }
    vs_set_max_threads((uint32_t)threads);
    {
      const uint64_t seed = 42;
      const char *dist_names[3] = {"truncated_normal", "untruncated_normal", "uniform"};
      uint32_t d;
      for (d = 0; d < 3; d++) {
        vs_initializer *h = NULL;
        int f64;
        if (vs_create(1.0, VS_MODE_FAN_IN, d, &seed, &h) != VS_OK) return 1;
        for (f64 = 0; f64 < 2; f64++) {
          double t = best_vs(h, f64, f64 ? buf64 : buf32, n, reps);
          double rate = (double)n / t;
          double ref = d == VS_DISTRIBUTION_UNIFORM ? best[f64 ? UNIF_F64 : UNIF_F32]
                                                    : best[f64 ? GAUSS_F64 : GAUSS_F32];
          printf("   vs  %-18s %-4s          %7.3f G values/s  = %5.2f x MKL's best %s\n",
                 dist_names[d], f64 ? "f64" : "f32", rate / 1e9, rate / ref,
                 d == VS_DISTRIBUTION_UNIFORM ? "uniform" : "Gaussian ICDF");
        }
        vs_destroy(h);
      }
    }
    vs_set_max_threads(0);
  }
  free(buf32);
  free(buf64);
  return 0;
}
