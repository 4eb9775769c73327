/*
 * vsgo.h: C helpers shared by the cgo preambles of this package
 * (variancescaling.go, integrator.go). Not part of the library's API.
 *
 * Every helper makes its vs_* calls and, when one fails, copies this
 * thread's last error message into malloc'd memory (*msg, freed by Go)
 * before returning. A goroutine may run on another OS thread after the cgo
 * call returns, so the message must be read here, in the call that failed.
 * Statuses are returned as int32_t, whatever C standard vs_status follows.
 *
 * Everything is static inline: each preamble gets its own copy and no
 * warning for the helpers it does not use.
 */
#ifndef VSGO_H
#define VSGO_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "variance_scaling.h"

static inline int32_t vsgo_fail(int32_t st, char **msg) {
	const char *m = vs_last_error_message();
	size_t n = strlen(m);
	char *c = (char *)malloc(n + 1);
	if (c != NULL)
		memcpy(c, m, n + 1);
	*msg = c; /* NULL when malloc failed: Go then shows the status text */
	return st;
}

static inline int32_t vsgo_ret(int32_t st, char **msg) {
	*msg = NULL;
	return st == 0 ? 0 : vsgo_fail(st, msg);
}

/*
 * An axes list for the library: NULL for "no list" (has == 0), else the
 * list, with a non-NULL pointer also for an empty list (Go passes NULL for
 * an empty slice).
 */
static inline const int64_t *vsgo_axes(int has, const int64_t *list) {
	static const int64_t empty[1] = {0};
	if (!has)
		return NULL;
	return list != NULL ? list : empty;
}

/*
 * After a handle was created: its seed and algorithm (read once; a handle
 * is immutable). On failure the handle is destroyed and *out set to NULL.
 */
static inline int32_t vsgo_created(vs_initializer **out, uint64_t *seed_out,
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
static inline int32_t vsgo_made(int32_t st, vs_initializer **out, uint64_t *seed_out,
                                uint32_t *alg_out, char **msg) {
	*msg = NULL;
	if (st != 0)
		return vsgo_fail(st, msg);
	return vsgo_created(out, seed_out, alg_out, msg);
}

#endif /* VSGO_H */
