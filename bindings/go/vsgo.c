/*
 * vsgo.c: the C helpers of the Go package (declared in vsgo.h), compiled by
 * cgo with the flags pkg-config gives for variance_scaling. Not part of the
 * library's API.
 *
 * Every exported helper makes its vs_* calls and, when one fails, copies
 * this thread's last error message into malloc'd memory (*msg, freed by Go)
 * before returning. A goroutine may run on another OS thread after the cgo
 * call returns, so the message must be read here, in the call that failed.
 * Statuses are returned as int32_t, whatever C standard vs_status follows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsgo.h"

/* --- shared by the helpers below ----------------------------------------- */

static int32_t vsgo_fail(int32_t st, char **msg) {
	const char *m = vs_last_error_message();
	size_t n = strlen(m);
	char *c = (char *)malloc(n + 1);
	if (c != NULL)
		memcpy(c, m, n + 1);
	*msg = c; /* NULL when malloc failed: Go then shows the status text */
	return st;
}

static int32_t vsgo_ret(int32_t st, char **msg) {
	*msg = NULL;
	return st == 0 ? 0 : vsgo_fail(st, msg);
}

/*
 * An axes list for the library: NULL for "no list" (has == 0), else the
 * list, with a non-NULL pointer also for an empty list (Go passes NULL for
 * an empty slice).
 */
static const int64_t *vsgo_axes(int has, const int64_t *list) {
	static const int64_t empty[1] = {0};
	if (!has)
		return NULL;
	return list != NULL ? list : empty;
}

/*
 * After a handle was created: its seed and algorithm (read once; a handle
 * is immutable). On failure the handle is destroyed and *out set to NULL.
 */
static int32_t vsgo_created(vs_initializer **out, uint64_t *seed_out,
                                   uint32_t *alg_out, char **msg) {
	int32_t st = (int32_t)vs_get_seed(*out, seed_out);
	if (st == 0)
		st = (int32_t)vs_get_algorithm(*out, alg_out);
	if (st != 0) {
		vsgo_fail(st, msg);
		vs_destroy(*out);
		*out = NULL;
	}
	return st;
}

/* The status of a vs_* call that made *out, then vsgo_created. */
static int32_t vsgo_made(int32_t st, vs_initializer **out, uint64_t *seed_out,
                                uint32_t *alg_out, char **msg) {
	*msg = NULL;
	if (st != 0)
		return vsgo_fail(st, msg);
	return vsgo_created(out, seed_out, alg_out, msg);
}

/* --- variancescaling.go --------------------------------------------------- */

// vs_create or vs_create_with_axes, then vs_get_seed and vs_get_algorithm:
// one handle, its seed and its algorithm.
int32_t vsgo_create(double scale, uint32_t mode, uint32_t dist,
                    int has_seed, uint64_t seed,
                    int has_in, const int64_t *in, size_t nin,
                    int has_out, const int64_t *outax, size_t nout,
                    vs_initializer **out, uint64_t *seed_out,
                    uint32_t *alg_out, char **msg) {
	const uint64_t *sp = has_seed ? &seed : NULL;
	int32_t st;
	*msg = NULL;
	if (!has_in && !has_out) {
		st = (int32_t)vs_create(scale, mode, dist, sp, out);
	} else {
		st = (int32_t)vs_create_with_axes(scale, mode, dist, sp, vsgo_axes(has_in, in), nin,
		                                  vsgo_axes(has_out, outax), nout, out);
	}
	if (st != 0)
		return vsgo_fail(st, msg);
	return vsgo_created(out, seed_out, alg_out, msg);
}

// vs_from_config_json, then vs_get_seed and vs_get_algorithm.
int32_t vsgo_from_json(const char *json, vs_initializer **out,
                       uint64_t *seed_out, uint32_t *alg_out, char **msg) {
	return vsgo_made((int32_t)vs_from_config_json(json, out), out, seed_out, alg_out, msg);
}

// vs_with_algorithm, then vs_get_seed and vs_get_algorithm of the new handle.
int32_t vsgo_with_algorithm(const vs_initializer *h, uint32_t alg,
                            vs_initializer **out, uint64_t *seed_out,
                            uint32_t *alg_out, char **msg) {
	return vsgo_made((int32_t)vs_with_algorithm(h, alg, out), out, seed_out, alg_out, msg);
}

// The config JSON in malloc'd memory (*json, *len bytes plus a NUL).
int32_t vsgo_config_json(const vs_initializer *h, char **json, size_t *len,
                         char **msg) {
	size_t n = 0;
	char *buf;
	int32_t st = (int32_t)vs_get_config_json(h, NULL, 0, &n);
	*msg = NULL;
	*json = NULL;
	if (st != 0)
		return vsgo_fail(st, msg);
	buf = (char *)malloc(n + 1);
	if (buf == NULL)
		return VS_ERR_INTERNAL;
	st = (int32_t)vs_get_config_json(h, buf, n + 1, &n);
	if (st != 0) {
		free(buf);
		return vsgo_fail(st, msg);
	}
	*json = buf;
	*len = n;
	return 0;
}

int32_t vsgo_fill(int kind, const vs_initializer *h, const int64_t *shape,
                  size_t ndim, void *out, size_t len, char **msg) {
	int32_t st;
	switch (kind) {
	case VSGO_F32: st = (int32_t)vs_fill_f32(h, shape, ndim, (float *)out, len); break;
	case VSGO_F64: st = (int32_t)vs_fill_f64(h, shape, ndim, (double *)out, len); break;
	case VSGO_F16: st = (int32_t)vs_fill_f16(h, shape, ndim, (uint16_t *)out, len); break;
	case VSGO_BF16: st = (int32_t)vs_fill_bf16(h, shape, ndim, (uint16_t *)out, len); break;
	default: st = VS_ERR_INTERNAL; break;
	}
	return vsgo_ret(st, msg);
}

int32_t vsgo_fill_range(int kind, const vs_initializer *h, const int64_t *shape,
                        size_t ndim, uint64_t offset, void *out, size_t count,
                        char **msg) {
	int32_t st;
	switch (kind) {
	case VSGO_F32: st = (int32_t)vs_fill_range_f32(h, shape, ndim, offset, (float *)out, count); break;
	case VSGO_F64: st = (int32_t)vs_fill_range_f64(h, shape, ndim, offset, (double *)out, count); break;
	case VSGO_F16: st = (int32_t)vs_fill_range_f16(h, shape, ndim, offset, (uint16_t *)out, count); break;
	case VSGO_BF16: st = (int32_t)vs_fill_range_bf16(h, shape, ndim, offset, (uint16_t *)out, count); break;
	default: st = VS_ERR_INTERNAL; break;
	}
	return vsgo_ret(st, msg);
}

int32_t vsgo_fill_slice(int kind, const vs_initializer *h, const int64_t *shape,
                        size_t ndim, const int64_t *start, const int64_t *extent,
                        void *out, size_t len, char **msg) {
	int32_t st;
	switch (kind) {
	case VSGO_F32: st = (int32_t)vs_fill_slice_f32(h, shape, ndim, start, extent, (float *)out, len); break;
	case VSGO_F64: st = (int32_t)vs_fill_slice_f64(h, shape, ndim, start, extent, (double *)out, len); break;
	case VSGO_F16: st = (int32_t)vs_fill_slice_f16(h, shape, ndim, start, extent, (uint16_t *)out, len); break;
	case VSGO_BF16: st = (int32_t)vs_fill_slice_bf16(h, shape, ndim, start, extent, (uint16_t *)out, len); break;
	default: st = VS_ERR_INTERNAL; break;
	}
	return vsgo_ret(st, msg);
}

int32_t vsgo_describe(const vs_initializer *h, const int64_t *shape, size_t ndim,
                      struct vs_params *p, char **msg) {
	return vsgo_ret((int32_t)vs_describe(h, shape, ndim, p), msg);
}

int32_t vsgo_compute_fans(const int64_t *shape, size_t ndim, int64_t *fan_in,
                          int64_t *fan_out, char **msg) {
	return vsgo_ret((int32_t)vs_compute_fans(shape, ndim, fan_in, fan_out), msg);
}

const char *vsgo_header_version(void) { return VS_VERSION_STRING; }

/* --- integrator.go --------------------------------------------------------- */

int32_t vsgo_compute_fans_layout(const int64_t *shape, size_t ndim, uint32_t layout,
                                 int64_t *fan_in, int64_t *fan_out, char **msg) {
	return vsgo_ret((int32_t)vs_compute_fans_layout(shape, ndim, layout, fan_in, fan_out), msg);
}

int32_t vsgo_compute_fans_axes(const int64_t *shape, size_t ndim,
                               int has_in, const int64_t *in, size_t nin,
                               int has_out, const int64_t *outax, size_t nout,
                               int64_t *fan_in, int64_t *fan_out, char **msg) {
	return vsgo_ret((int32_t)vs_compute_fans_axes(shape, ndim, vsgo_axes(has_in, in), nin,
	                                              vsgo_axes(has_out, outax), nout,
	                                              fan_in, fan_out), msg);
}

int32_t vsgo_fill_fans(int kind, double scale, uint32_t mode, uint32_t dist,
                       uint64_t seed, int64_t fan_in, int64_t fan_out,
                       uint64_t offset, void *out, size_t count, char **msg) {
	int32_t st;
	switch (kind) {
	case VSGO_F32:
		st = (int32_t)vs_fill_fans_f32(scale, mode, dist, seed, fan_in, fan_out, offset, (float *)out, count);
		break;
	case VSGO_F64:
		st = (int32_t)vs_fill_fans_f64(scale, mode, dist, seed, fan_in, fan_out, offset, (double *)out, count);
		break;
	case VSGO_F16:
		st = (int32_t)vs_fill_fans_f16(scale, mode, dist, seed, fan_in, fan_out, offset, (uint16_t *)out, count);
		break;
	case VSGO_BF16:
		st = (int32_t)vs_fill_fans_bf16(scale, mode, dist, seed, fan_in, fan_out, offset, (uint16_t *)out, count);
		break;
	default: st = VS_ERR_INTERNAL; break;
	}
	return vsgo_ret(st, msg);
}

int32_t vsgo_with_seed(const vs_initializer *h, int has_seed, uint64_t seed,
                       vs_initializer **out, uint64_t *seed_out, uint32_t *alg_out,
                       char **msg) {
	return vsgo_made((int32_t)vs_with_seed(h, has_seed ? &seed : NULL, out),
	                 out, seed_out, alg_out, msg);
}

int32_t vsgo_with_axes(const vs_initializer *h,
                       int has_in, const int64_t *in, size_t nin,
                       int has_out, const int64_t *outax, size_t nout,
                       vs_initializer **out, uint64_t *seed_out, uint32_t *alg_out,
                       char **msg) {
	return vsgo_made((int32_t)vs_with_axes(h, vsgo_axes(has_in, in), nin,
	                                       vsgo_axes(has_out, outax), nout, out),
	                 out, seed_out, alg_out, msg);
}

int32_t vsgo_with_layout(const vs_initializer *h, uint32_t layout,
                         vs_initializer **out, uint64_t *seed_out, uint32_t *alg_out,
                         char **msg) {
	return vsgo_made((int32_t)vs_with_layout(h, layout, out), out, seed_out, alg_out, msg);
}

int32_t vsgo_with_max_threads(const vs_initializer *h, uint32_t n,
                              vs_initializer **out, uint64_t *seed_out,
                              uint32_t *alg_out, char **msg) {
	return vsgo_made((int32_t)vs_with_max_threads(h, n, out), out, seed_out, alg_out, msg);
}

// vs_get_info into a zeroed vs_info whose struct_size is this header's.
int32_t vsgo_get_info(const vs_initializer *h, vs_info *info, char **msg) {
	memset(info, 0, sizeof *info);
	info->struct_size = sizeof *info;
	return vsgo_ret((int32_t)vs_get_info(h, info), msg);
}

int32_t vsgo_get_axes(const vs_initializer *h, int64_t *in, size_t in_cap,
                      int64_t *outax, size_t out_cap, size_t *n_in, size_t *n_out,
                      char **msg) {
	return vsgo_ret((int32_t)vs_get_axes(h, in, in_cap, outax, out_cap, n_in, n_out), msg);
}

static void vsgo_description_init(vs_description *d) {
	memset(d, 0, sizeof *d);
	d->struct_size = sizeof *d;
}

int32_t vsgo_describe_ex(const vs_initializer *h, const int64_t *shape, size_t ndim,
                         vs_description *d, char **msg) {
	vsgo_description_init(d);
	return vsgo_ret((int32_t)vs_describe_ex(h, shape, ndim, d), msg);
}

int32_t vsgo_describe_fans(double scale, uint32_t mode, uint32_t dist,
                           int64_t fan_in, int64_t fan_out, vs_description *d,
                           char **msg) {
	vsgo_description_init(d);
	return vsgo_ret((int32_t)vs_describe_fans(scale, mode, dist, fan_in, fan_out, d), msg);
}

int32_t vsgo_describe_shape(double scale, uint32_t mode, uint32_t dist,
                            const int64_t *shape, size_t ndim, uint32_t layout,
                            vs_description *d, char **msg) {
	vsgo_description_init(d);
	return vsgo_ret((int32_t)vs_describe_shape(scale, mode, dist, shape, ndim, layout, d), msg);
}
