/*
 * test_threads.c: threads never change the values. Fills large enough to
 * be split (>= 2^19 elements) under vs_set_max_threads(1), (2), (0) and
 * others; concurrent fills of one handle from 4 pthreads; handles created
 * and destroyed on many threads at once; the last error message is per
 * thread; calls from a thread-exit destructor, after Rust's thread-local
 * destructors have run, work, keep their message, never abort and leak
 * nothing (the valgrind preset runs this program too).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "util.h"

#define ROWS 1024
#define COLS 1024
#define N ((size_t)ROWS * COLS) /* 2^20: split over threads when allowed */
#define WORKERS 4

static const int64_t shape[2] = {ROWS, COLS};

/* the single-threaded reference fills, per type */
static void *ref[T_COUNT];

static void make_reference(const vs_initializer *h) {
  int t;
  CHECK_STATUS(vs_set_max_threads(1), VS_OK);
  for (t = 0; t < T_COUNT; t++) {
    ref[t] = xmalloc(N * vtype_size((vtype)t));
    CHECK_STATUS(fill_t((vtype)t, h, shape, 2, ref[t], N), VS_OK);
  }
}

static void test_thread_caps(const vs_initializer *h) {
  static const uint32_t caps[] = {2, 0, 3, 4, 64, UINT32_MAX, 1, 0};
  /* ranges that start and end off block boundaries, large enough to split */
  static const uint64_t offsets[] = {12345, (1u << 19) + 1, 1023, 0};
  static const size_t counts[] = {700000, N - (1u << 19) - 1, (1u << 19) + 7, N};
  size_t c, k;
  int t;
  for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
    CHECK_STATUS(vs_set_max_threads(caps[c]), VS_OK);
    for (t = 0; t < T_COUNT; t++) {
      const size_t es = vtype_size((vtype)t);
      unsigned char *buf = (unsigned char *)xmalloc(N * es);
      int before = check_failures_;
      sentinel_fill(buf, N * es);
      CHECK_STATUS(fill_t((vtype)t, h, shape, 2, buf, N), VS_OK);
      CHECK(memcmp(buf, ref[t], N * es) == 0);
      for (k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
        sentinel_fill(buf, N * es);
        CHECK_STATUS(fill_range_t((vtype)t, h, shape, 2, offsets[k], buf, counts[k]), VS_OK);
        CHECK(memcmp(buf, (const unsigned char *)ref[t] + offsets[k] * es, counts[k] * es) == 0);
        /* nothing written past count */
        if (counts[k] < N) CHECK(sentinel_intact(buf + counts[k] * es, (N - counts[k]) * es));
      }
      if (check_failures_ != before)
        fprintf(stderr, "    ^ vs_set_max_threads(%lu), %s\n", (unsigned long)caps[c],
                vtype_name((vtype)t));
      free(buf);
    }
  }
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
}

/* ---------------------------------------------------------------------- */

struct fill_job {
  const vs_initializer *h;
  int rounds;
  vs_status st[T_COUNT * 2];
  int equal[T_COUNT * 2]; /* 1 when the fill equalled the reference */
};

static void *fill_worker(void *arg) {
  struct fill_job *job = (struct fill_job *)arg;
  int r, t;
  for (r = 0; r < job->rounds; r++) {
    for (t = 0; t < T_COUNT; t++) {
      const size_t es = vtype_size((vtype)t);
      unsigned char *buf = (unsigned char *)malloc(N * es);
      if (buf == NULL) {
        job->st[t] = VS_ERR_INTERNAL;
        return NULL;
      }
      /* whole fill, then a range across the middle */
      job->st[t] = fill_t((vtype)t, job->h, shape, 2, buf, N);
      job->equal[t] = job->st[t] == VS_OK && memcmp(buf, ref[t], N * es) == 0;
      job->st[T_COUNT + t] = fill_range_t((vtype)t, job->h, shape, 2, 300001, buf, 600000);
      job->equal[T_COUNT + t] =
          job->st[T_COUNT + t] == VS_OK &&
          memcmp(buf, (const unsigned char *)ref[t] + 300001 * es, 600000 * es) == 0;
      free(buf);
      if (!job->equal[t] || !job->equal[T_COUNT + t]) return NULL;
    }
  }
  return NULL;
}

static void run_concurrent_fills(const vs_initializer *h, uint32_t cap) {
  pthread_t th[WORKERS];
  struct fill_job jobs[WORKERS];
  int started[WORKERS];
  int w, k;
  CHECK_STATUS(vs_set_max_threads(cap), VS_OK);
  memset(jobs, 0, sizeof jobs);
  for (w = 0; w < WORKERS; w++) {
    jobs[w].h = h;
    jobs[w].rounds = 2;
    for (k = 0; k < 2 * T_COUNT; k++) jobs[w].st[k] = VS_ERR_INTERNAL;
    started[w] = pthread_create(&th[w], NULL, fill_worker, &jobs[w]) == 0;
    CHECK(started[w]);
  }
  for (w = 0; w < WORKERS; w++) {
    if (!started[w]) continue;
    CHECK(pthread_join(th[w], NULL) == 0);
    for (k = 0; k < 2 * T_COUNT; k++) {
      CHECK_STATUS(jobs[w].st[k], VS_OK);
      CHECK(jobs[w].equal[k]);
      if (!jobs[w].equal[k])
        fprintf(stderr, "    ^ worker %d, %s %s fill, vs_set_max_threads(%lu)\n", w,
                k < T_COUNT ? "whole" : "range", vtype_name((vtype)(k % T_COUNT)),
                (unsigned long)cap);
    }
  }
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
}

/* ---------------------------------------------------------------------- */

#define HANDLES_PER_WORKER 50

struct create_job {
  int failures;
  uint64_t seeds[HANDLES_PER_WORKER];
  char first_message[64];  /* this thread's message before any error */
  vs_status err_status;    /* of a deliberately failing call */
  char err_message[256];   /* and its message */
  int flip;                /* toggles vs_set_max_threads while others fill */
};

static void *create_worker(void *arg) {
  struct create_job *job = (struct create_job *)arg;
  vs_initializer *h = NULL;
  int i;
  strncpy(job->first_message, vs_last_error_message(), sizeof job->first_message - 1);
  for (i = 0; i < HANDLES_PER_WORKER; i++) {
    const int64_t small[2] = {64, 64};
    float buf[64 * 64];
    h = NULL;
    if (vs_create(1.0, (uint32_t)(i % 3), (uint32_t)(i % 3), NULL, &h) != VS_OK || h == NULL) {
      job->failures++;
      continue;
    }
    if (vs_get_seed(h, &job->seeds[i]) != VS_OK) job->failures++;
    if (vs_fill_f32(h, small, 2, buf, 64 * 64) != VS_OK) job->failures++;
    if (job->flip) vs_set_max_threads((uint32_t)(i % 3));
    vs_destroy(h);
  }
  job->err_status = vs_create(-1.0, 0, 0, NULL, &h);
  strncpy(job->err_message, vs_last_error_message(), sizeof job->err_message - 1);
  return NULL;
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static void test_concurrent_handles_and_messages(void) {
  pthread_t th[WORKERS];
  struct create_job *jobs = (struct create_job *)calloc(WORKERS, sizeof *jobs);
  uint64_t *all = (uint64_t *)xmalloc(WORKERS * HANDLES_PER_WORKER * sizeof *all);
  char main_message[256];
  int started[WORKERS];
  int w, i;
  vs_initializer *h = NULL;
  if (jobs == NULL) exit(2);

  /* an error on this thread, before the workers start */
  CHECK_ERR(vs_create(1.0, 17, 0, NULL, &h), VS_ERR_INVALID_MODE, "mode=17");
  strncpy(main_message, vs_last_error_message(), sizeof main_message - 1);
  main_message[sizeof main_message - 1] = '\0';

  for (w = 0; w < WORKERS; w++) {
    jobs[w].flip = w == 0;
    started[w] = pthread_create(&th[w], NULL, create_worker, &jobs[w]) == 0;
    CHECK(started[w]);
  }
  for (w = 0; w < WORKERS; w++) {
    if (!started[w]) continue;
    CHECK(pthread_join(th[w], NULL) == 0);
    CHECK(jobs[w].failures == 0);
    /* a new thread starts with an empty message */
    CHECK_STR_EQ(jobs[w].first_message, "");
    CHECK_STATUS(jobs[w].err_status, VS_ERR_INVALID_SCALE);
    CHECK_CONTAINS(jobs[w].err_message, "scale");
    for (i = 0; i < HANDLES_PER_WORKER; i++) all[w * HANDLES_PER_WORKER + i] = jobs[w].seeds[i];
  }
  /* the workers' errors did not touch this thread's message */
  CHECK_STR_EQ(vs_last_error_message(), main_message);
  /* every unseeded handle drew its own seed */
  qsort(all, WORKERS * HANDLES_PER_WORKER, sizeof *all, cmp_u64);
  for (i = 1; i < WORKERS * HANDLES_PER_WORKER; i++) CHECK(all[i] != all[i - 1]);
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
  free(all);
  free(jobs);
}

/* What the calls made from a thread-exit destructor returned (read by the
 * main thread after pthread_join). */
static struct {
  const vs_initializer *h;
  int ran;
  vs_status fans_status, fill_status, create_status;
  int message_ok;
  int64_t fan_in;
  float value;
  int handle_null;
} exit_calls;

static pthread_key_t exit_key;

/* Runs when the thread exits, after Rust's thread-local destructors (glibc
 * runs those first). */
static void exit_destructor(void *arg) {
  static const int64_t shape[2] = {3, 4};
  int64_t fan_out = 0;
  float out[12];
  vs_initializer *h2 = (vs_initializer *)1;
  const char *msg;
  (void)arg;
  exit_calls.ran = 1;
  /* a failing call: its message cannot be stored, the status still comes */
  exit_calls.fans_status = vs_compute_fans(NULL, 1, &exit_calls.fan_in, &fan_out);
  msg = vs_last_error_message();
  exit_calls.message_ok = msg != NULL && strstr(msg, "shape") != NULL;
  exit_calls.create_status = vs_create(-1.0, 0, 0, NULL, &h2);
  exit_calls.handle_null = h2 == NULL;
  /* a working call */
  exit_calls.fill_status = vs_fill_f32(exit_calls.h, shape, 2, out, 12);
  exit_calls.value = out[5];
}

/* `warm`: the thread uses the library before it exits; otherwise its
 * first call is the destructor's. */
static void *exit_worker(void *arg) {
  static const int64_t bad = -1;
  int64_t a, b;
  if (*(const int *)arg) (void)vs_compute_fans(&bad, 1, &a, &b);
  (void)pthread_setspecific(exit_key, (void *)1);
  return NULL;
}

static void test_calls_during_thread_exit(const vs_initializer *h) {
  static const int64_t shape[2] = {3, 4};
  float expected[12];
  pthread_t th;
  int warm;
  CHECK_STATUS(vs_fill_f32(h, shape, 2, expected, 12), VS_OK);
  CHECK(pthread_key_create(&exit_key, exit_destructor) == 0);
  for (warm = 0; warm <= 1; warm++) {
    memset(&exit_calls, 0, sizeof exit_calls);
    exit_calls.h = h;
    exit_calls.value = -1.0f;
    CHECK(pthread_create(&th, NULL, exit_worker, &warm) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(exit_calls.ran);
    CHECK_STATUS(exit_calls.fans_status, VS_ERR_NULL_ARGUMENT);
    CHECK(exit_calls.message_ok);
    CHECK_STATUS(exit_calls.create_status, VS_ERR_INVALID_SCALE);
    CHECK(exit_calls.handle_null);
    CHECK_STATUS(exit_calls.fill_status, VS_OK);
    CHECK(memcmp(&exit_calls.value, &expected[5], sizeof(float)) == 0);
  }
  CHECK(pthread_key_delete(exit_key) == 0);
}

int main(void) {
  skip_unless_requested_isa_runs("threads_" VS_TEST_LINKAGE);
  vs_initializer *h = NULL;
  const uint64_t seed = 8;
  int t;
  /* under valgrind (the memcheck tests), uniform values: the SIMD normals'
     emulation would take minutes, and the threading is the same */
  const uint32_t dist = getenv("VS_TEST_UNDER_VALGRIND") != NULL
                            ? VS_DISTRIBUTION_UNIFORM
                            : VS_DISTRIBUTION_TRUNCATED_NORMAL;
  CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_IN, dist, &seed, &h), VS_OK);
  if (h == NULL) return check_finish("threads_" VS_TEST_LINKAGE);
  make_reference(h);
  test_thread_caps(h);
  run_concurrent_fills(h, 0);
  run_concurrent_fills(h, 1);
  run_concurrent_fills(h, 2);
  test_concurrent_handles_and_messages();
  test_calls_during_thread_exit(h);
  vs_destroy(h);
  for (t = 0; t < T_COUNT; t++) free(ref[t]);
  return check_finish("threads_" VS_TEST_LINKAGE);
}
