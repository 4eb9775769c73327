/*
 * test_integrator_threads.c: an engine filling one tensor on its own
 * thread pool. A pool of 4 persistent pthreads fills disjoint parts of a
 * 1024 x 1152 tensor (each part more than 2 x 131072 elements, so that the
 * library would split it over threads of its own) with
 *   (a) vs_fill_fans_f32 at each part's offset,
 *   (b) vs_fill_range_f32 of a handle from vs_with_max_threads(h, 1, ...),
 *   (c) vs_fill_slice_f32 boxes (a 2 x 2 grid, and row bands written in
 *       place);
 * each result is bit-identical to one vs_fill_f32 call. The program counts
 * every pthread_create in the process (it defines pthread_create and
 * forwards to the C library's, which the library's Rust threads also
 * reach, in the shared and the static link): a handle capped at 1 thread,
 * and vs_fill_fans_* under vs_set_max_threads(1), start no thread; a cap
 * of 2 starts at most one per call; an uncapped fill does start threads
 * when the process may run on 2 or more cores (the control that shows the
 * count sees the library's threads). vs_with_max_threads(0, 1, 2, 64,
 * UINT32_MAX) never changes values, for every type and for whole, range
 * and slice fills.
 */
#define _GNU_SOURCE /* RTLD_NEXT, sched_getaffinity, CPU_COUNT */
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

#define NAME "integrator_threads_" VS_TEST_LINKAGE

#define ROWS 1024
#define COLS 1152
#define N ((size_t)ROWS * COLS) /* 1179648 */
#define WORKERS 4
/* the library fills below this many elements on the calling thread */
#define SPLIT_MIN ((size_t)2 * 131072)

static const int64_t shape[2] = {ROWS, COLS};

/* ---------------------------------------------------------------------- */
/* counting threads: this program's pthread_create interposes the C        */
/* library's for the whole process                                         */
/* ---------------------------------------------------------------------- */

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                                 void *);
static pthread_create_fn real_pthread_create;
static pthread_mutex_t created_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long threads_created;

static void resolve_pthread_create(void) {
  void *sym = dlsym(RTLD_NEXT, "pthread_create");
  if (sym == NULL) {
    fprintf(stderr, "%s: dlsym(RTLD_NEXT, \"pthread_create\") failed\n", NAME);
    exit(2);
  }
  memcpy(&real_pthread_create, &sym, sizeof sym);
}

int pthread_create(pthread_t *restrict thread, const pthread_attr_t *restrict attr,
                   void *(*start)(void *), void *restrict arg) {
  pthread_mutex_lock(&created_lock);
  if (real_pthread_create == NULL) resolve_pthread_create();
  threads_created++;
  pthread_mutex_unlock(&created_lock);
  return real_pthread_create(thread, attr, start, arg);
}

static unsigned long created_so_far(void) {
  unsigned long n;
  pthread_mutex_lock(&created_lock);
  n = threads_created;
  pthread_mutex_unlock(&created_lock);
  return n;
}

/* The cores the library may use, as Rust's available_parallelism() counts
 * them (affinity mask, then a cgroup CPU quota). */
static int usable_cores(void) {
  cpu_set_t set;
  int n = 1;
  FILE *f;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  f = fopen("/sys/fs/cgroup/cpu.max", "r");
  if (f != NULL) {
    char quota[32];
    unsigned long long period;
    if (fscanf(f, "%31s %llu", quota, &period) == 2 && strcmp(quota, "max") != 0 && period > 0) {
      unsigned long long q = strtoull(quota, NULL, 10) / period;
      if (q < (unsigned long long)n) n = q < 1 ? 1 : (int)q;
    }
    fclose(f);
  }
  f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r");
  if (f != NULL) {
    long long quota = -1, period = 0;
    FILE *g = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r");
    if (fscanf(f, "%lld", &quota) == 1 && g != NULL && fscanf(g, "%lld", &period) == 1 &&
        quota > 0 && period > 0 && quota / period < n)
      n = quota / period < 1 ? 1 : (int)(quota / period);
    if (g != NULL) fclose(g);
    fclose(f);
  }
  return n;
}

/* ---------------------------------------------------------------------- */
/* the engine's thread pool: WORKERS persistent threads running one job at */
/* a time                                                                  */
/* ---------------------------------------------------------------------- */

typedef void (*job_fn)(int worker, void *ctx);

static struct {
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  unsigned long generation;
  int remaining, quit;
  job_fn job;
  void *ctx;
  pthread_t th[WORKERS];
  int ids[WORKERS];
  int started[WORKERS];
} pool;

static void *pool_worker(void *arg) {
  const int id = *(const int *)arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&pool.mu);
  for (;;) {
    job_fn job;
    void *ctx;
    while (pool.generation == seen && !pool.quit) pthread_cond_wait(&pool.go, &pool.mu);
    if (pool.quit) break;
    seen = pool.generation;
    job = pool.job;
    ctx = pool.ctx;
    pthread_mutex_unlock(&pool.mu);
    job(id, ctx);
    pthread_mutex_lock(&pool.mu);
    if (--pool.remaining == 0) pthread_cond_signal(&pool.done);
  }
  pthread_mutex_unlock(&pool.mu);
  return NULL;
}

static int pool_start(void) {
  int w, ok = 1;
  pthread_mutex_init(&pool.mu, NULL);
  pthread_cond_init(&pool.go, NULL);
  pthread_cond_init(&pool.done, NULL);
  for (w = 0; w < WORKERS; w++) {
    pool.ids[w] = w;
    pool.started[w] = pthread_create(&pool.th[w], NULL, pool_worker, &pool.ids[w]) == 0;
    CHECK(pool.started[w]);
    ok = ok && pool.started[w];
  }
  return ok;
}

/* runs job(w, ctx) on every worker w and waits for all of them */
static void pool_run(job_fn job, void *ctx) {
  pthread_mutex_lock(&pool.mu);
  pool.job = job;
  pool.ctx = ctx;
  pool.remaining = WORKERS;
  pool.generation++;
  pthread_cond_broadcast(&pool.go);
  while (pool.remaining > 0) pthread_cond_wait(&pool.done, &pool.mu);
  pthread_mutex_unlock(&pool.mu);
}

static void pool_stop(void) {
  int w;
  pthread_mutex_lock(&pool.mu);
  pool.quit = 1;
  pthread_cond_broadcast(&pool.go);
  pthread_mutex_unlock(&pool.mu);
  for (w = 0; w < WORKERS; w++)
    if (pool.started[w]) CHECK(pthread_join(pool.th[w], NULL) == 0);
}

/* ---------------------------------------------------------------------- */
/* the jobs                                                                */
/* ---------------------------------------------------------------------- */

/* cut points of the flat tensor: uneven, odd, each part > SPLIT_MIN */
static const uint64_t cuts[WORKERS + 1] = {0, 294911, 589825, 884738, N};

/* the 2 x 2 grid of boxes: row cut and column cut */
#define ROW_CUT 501
#define COL_CUT 577
/* the row bands: boxes of whole rows, contiguous in the tensor */
static const int64_t bands[WORKERS + 1] = {0, 257, 513, 769, ROWS};

struct job {
  double scale;
  uint32_t mode, dist;
  uint64_t seed;
  int64_t fan_in, fan_out;
  const vs_initializer *h;
  float *out; /* the whole tensor */
  vs_status st[WORKERS];
  int nonempty[WORKERS];
};

static void job_fill_fans(int w, void *arg) {
  struct job *j = (struct job *)arg;
  j->nonempty[w] = cuts[w + 1] - cuts[w] > SPLIT_MIN;
  j->st[w] = vs_fill_fans_f32(j->scale, j->mode, j->dist, j->seed, j->fan_in, j->fan_out,
                              cuts[w], j->out + cuts[w], (size_t)(cuts[w + 1] - cuts[w]));
}

static void job_fill_range(int w, void *arg) {
  struct job *j = (struct job *)arg;
  j->nonempty[w] = cuts[w + 1] - cuts[w] > SPLIT_MIN;
  j->st[w] = vs_fill_range_f32(j->h, shape, 2, cuts[w], j->out + cuts[w],
                               (size_t)(cuts[w + 1] - cuts[w]));
}

/* worker w's box of the 2 x 2 grid, filled into its own buffer, then
   copied row by row into the tensor */
static void job_fill_grid_box(int w, void *arg) {
  struct job *j = (struct job *)arg;
  const int64_t r0 = (w / 2) ? ROW_CUT : 0, r1 = (w / 2) ? ROWS : ROW_CUT;
  const int64_t c0 = (w % 2) ? COL_CUT : 0, c1 = (w % 2) ? COLS : COL_CUT;
  const int64_t start[2] = {r0, c0}, extent[2] = {r1 - r0, c1 - c0};
  const size_t len = (size_t)(extent[0] * extent[1]);
  float *box = (float *)malloc(len * sizeof *box);
  int64_t r;
  j->nonempty[w] = len > SPLIT_MIN;
  if (box == NULL) {
    j->st[w] = VS_ERR_INTERNAL;
    return;
  }
  j->st[w] = vs_fill_slice_f32(j->h, shape, 2, start, extent, box, len);
  if (j->st[w] == VS_OK)
    for (r = 0; r < extent[0]; r++)
      memcpy(j->out + (size_t)(r0 + r) * COLS + (size_t)c0, box + (size_t)(r * extent[1]),
             (size_t)extent[1] * sizeof *box);
  free(box);
}

/* worker w's band of whole rows, filled in place */
static void job_fill_band(int w, void *arg) {
  struct job *j = (struct job *)arg;
  const int64_t start[2] = {bands[w], 0}, extent[2] = {bands[w + 1] - bands[w], COLS};
  const size_t len = (size_t)(extent[0] * extent[1]);
  j->nonempty[w] = len > SPLIT_MIN;
  j->st[w] = vs_fill_slice_f32(j->h, shape, 2, start, extent, j->out + (size_t)bands[w] * COLS,
                               len);
}

/* Runs `fn` on the pool into a sentinel-filled tensor; checks every status,
 * that every part was large enough to be split, and that the tensor equals
 * `ref` bit for bit. Returns the threads the process started meanwhile. */
static unsigned long run_phase(const char *what, job_fn fn, struct job *j, const float *ref) {
  unsigned long before_threads;
  int before = check_failures_, w;
  sentinel_fill(j->out, N * sizeof *j->out);
  for (w = 0; w < WORKERS; w++) j->st[w] = VS_ERR_INTERNAL, j->nonempty[w] = 0;
  before_threads = created_so_far();
  pool_run(fn, j);
  before_threads = created_so_far() - before_threads;
  for (w = 0; w < WORKERS; w++) {
    CHECK_STATUS(j->st[w], VS_OK);
    CHECK(j->nonempty[w]);
  }
  CHECK(memcmp(j->out, ref, N * sizeof *ref) == 0);
  if (check_failures_ != before) fprintf(stderr, "    ^ phase: %s\n", what);
  return before_threads;
}

/* ---------------------------------------------------------------------- */

static void test_engine_pool(const vs_initializer *h, uint32_t dist, int cores) {
  struct job j;
  vs_initializer *h1 = NULL;
  float *ref = (float *)xmalloc(N * sizeof *ref);
  unsigned long t;
  memset(&j, 0, sizeof j);
  j.scale = 2.0;
  j.mode = VS_MODE_FAN_IN;
  j.dist = dist;
  j.seed = 8;
  j.out = (float *)xmalloc(N * sizeof *j.out);
  CHECK_STATUS(vs_compute_fans(shape, 2, &j.fan_in, &j.fan_out), VS_OK);
  CHECK(j.fan_in == ROWS && j.fan_out == COLS);

  /* the reference: one vs_fill_f32 call (threaded as the library likes) */
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
  t = created_so_far();
  CHECK_STATUS(vs_fill_f32(h, shape, 2, ref, N), VS_OK);
  t = created_so_far() - t;
  /* the control: an uncapped fill this large starts threads of its own
     when the process may use 2 or more cores, and this program sees them */
  if (cores >= 2) CHECK(t >= 1);
  printf("%s: one uncapped vs_fill_f32 of %lu elements started %lu threads (%d usable cores)\n",
         NAME, (unsigned long)N, t, cores);

  CHECK_STATUS(vs_with_max_threads(h, 1, &h1), VS_OK);
  if (h1 == NULL) goto done;

  /* (a) vs_fill_fans_f32 at each worker's offset: under vs_set_max_threads(1)
     no thread but the pool's; uncapped, the same bits */
  CHECK_STATUS(vs_set_max_threads(1), VS_OK);
  t = run_phase("(a) vs_fill_fans_f32, vs_set_max_threads(1)", job_fill_fans, &j, ref);
  CHECK(t == 0);
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
  t = run_phase("(a) vs_fill_fans_f32, uncapped", job_fill_fans, &j, ref);
  if (cores >= 2) CHECK(t >= 1); /* each part is large enough to be split */

  /* (b) vs_fill_range_f32 of the handle capped at 1 thread: no thread
     started although the process-wide cap allows them */
  j.h = h1;
  t = run_phase("(b) vs_fill_range_f32, vs_with_max_threads(h, 1)", job_fill_range, &j, ref);
  CHECK(t == 0);
  j.h = h;
  t = run_phase("(b) vs_fill_range_f32, uncapped handle", job_fill_range, &j, ref);
  if (cores >= 2) CHECK(t >= 1);

  /* (c) vs_fill_slice_f32 boxes */
  j.h = h1;
  t = run_phase("(c) vs_fill_slice_f32 2 x 2 grid, vs_with_max_threads(h, 1)", job_fill_grid_box,
                &j, ref);
  CHECK(t == 0);
  t = run_phase("(c) vs_fill_slice_f32 row bands, vs_with_max_threads(h, 1)", job_fill_band, &j,
                ref);
  CHECK(t == 0);
  j.h = h;
  (void)run_phase("(c) vs_fill_slice_f32 2 x 2 grid, uncapped handle", job_fill_grid_box, &j, ref);
  (void)run_phase("(c) vs_fill_slice_f32 row bands, uncapped handle", job_fill_band, &j, ref);

done:
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
  vs_destroy(h1);
  free(j.out);
  free(ref);
}

/* vs_with_max_threads(0, 1, 2, 64, UINT32_MAX) never changes values: whole,
   range and slice fills of every type equal one uncapped whole fill; a cap
   of 1 starts no thread, a cap of 2 at most one per call */
static void test_handle_caps(const vs_initializer *h, int cores, int under_valgrind) {
  static const uint32_t caps[] = {0, 1, 2, 64, UINT32_MAX};
  static const int64_t start[2] = {3, 5}, extent[2] = {ROWS - 7, COLS - 11};
  const size_t box_len = (size_t)(ROWS - 7) * (COLS - 11);
  const uint64_t offset = 131071;
  const size_t count = N - 131071 - 3;
  void *ref[T_COUNT];
  unsigned char *buf = (unsigned char *)xmalloc(N * sizeof(double));
  size_t c;
  int t;
  CHECK_STATUS(vs_set_max_threads(0), VS_OK);
  for (t = 0; t < T_COUNT; t++) {
    ref[t] = xmalloc(N * vtype_size((vtype)t));
    CHECK_STATUS(fill_t((vtype)t, h, shape, 2, ref[t], N), VS_OK);
  }
  for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
    vs_initializer *hc = NULL;
    CHECK_STATUS(vs_with_max_threads(h, caps[c], &hc), VS_OK);
    if (hc == NULL) continue;
    for (t = 0; t < T_COUNT; t++) {
      const size_t es = vtype_size((vtype)t);
      int before = check_failures_;
      unsigned long th = created_so_far();
      size_t r;
      sentinel_fill(buf, N * es);
      CHECK_STATUS(fill_t((vtype)t, hc, shape, 2, buf, N), VS_OK);
      CHECK(memcmp(buf, ref[t], N * es) == 0);
      th = created_so_far() - th;
      if (caps[c] == 1) CHECK(th == 0);
      if (caps[c] == 2) CHECK(th <= 1);
      if (caps[c] == 2 && cores >= 2) CHECK(th == 1);
      /* range and slice fills: f32 always, the other types off valgrind */
      if (t == T_F32 || !under_valgrind) {
        th = created_so_far();
        sentinel_fill(buf, N * es);
        CHECK_STATUS(fill_range_t((vtype)t, hc, shape, 2, offset, buf, count), VS_OK);
        CHECK(memcmp(buf, (const unsigned char *)ref[t] + offset * es, count * es) == 0);
        CHECK(sentinel_intact(buf + count * es, (N - count) * es));
        sentinel_fill(buf, N * es);
        CHECK_STATUS(fill_slice_t((vtype)t, hc, shape, 2, start, extent, buf, box_len), VS_OK);
        for (r = 0; r < (size_t)extent[0]; r++) {
          const size_t flat = ((size_t)start[0] + r) * COLS + (size_t)start[1];
          if (memcmp(buf + r * (size_t)extent[1] * es, (const unsigned char *)ref[t] + flat * es,
                     (size_t)extent[1] * es) != 0)
            break;
        }
        CHECK(r == (size_t)extent[0]);
        th = created_so_far() - th;
        if (caps[c] == 1) CHECK(th == 0);
        if (caps[c] == 2) CHECK(th <= 2); /* two calls, at most one each */
      }
      if (check_failures_ != before)
        fprintf(stderr, "    ^ vs_with_max_threads(%lu), %s\n", (unsigned long)caps[c],
                vtype_name((vtype)t));
    }
    vs_destroy(hc);
  }
  /* the process-wide cap still applies to a handle with a larger cap */
  {
    vs_initializer *h64 = NULL;
    unsigned long th;
    CHECK_STATUS(vs_with_max_threads(h, 64, &h64), VS_OK);
    CHECK_STATUS(vs_set_max_threads(1), VS_OK);
    th = created_so_far();
    CHECK_STATUS(vs_fill_f32(h64, shape, 2, (float *)(void *)buf, N), VS_OK);
    CHECK(created_so_far() - th == 0);
    CHECK(memcmp(buf, ref[T_F32], N * sizeof(float)) == 0);
    CHECK_STATUS(vs_set_max_threads(0), VS_OK);
    vs_destroy(h64);
  }
  for (t = 0; t < T_COUNT; t++) free(ref[t]);
  free(buf);
}

int main(void) {
  vs_initializer *h = NULL;
  const uint64_t seed = 8;
  const int under_valgrind = getenv("VS_TEST_UNDER_VALGRIND") != NULL;
  /* under valgrind, uniform values (its emulation of the SIMD normals would
     take minutes; the threading is the same) */
  const uint32_t dist =
      under_valgrind ? VS_DISTRIBUTION_UNIFORM : VS_DISTRIBUTION_TRUNCATED_NORMAL;
  int cores;
  unsigned long before;
  skip_unless_requested_isa_runs(NAME);
  /* resolve the C library's pthread_create before any thread exists */
  pthread_mutex_lock(&created_lock);
  if (real_pthread_create == NULL) resolve_pthread_create();
  pthread_mutex_unlock(&created_lock);
  cores = usable_cores();

  CHECK_STATUS(vs_create(2.0, VS_MODE_FAN_IN, dist, &seed, &h), VS_OK);
  if (h == NULL) return check_finish(NAME);

  /* the pool's own threads are counted too (the interposition works) */
  before = created_so_far();
  if (pool_start()) {
    CHECK(created_so_far() - before == WORKERS);
    test_engine_pool(h, dist, cores);
  }
  pool_stop();
  test_handle_caps(h, cores, under_valgrind);
  vs_destroy(h);
  return check_finish(NAME);
}
