/*
 * vsgo.h: the C helpers of the Go package variancescaling, defined in
 * vsgo.c and called from the cgo code of variancescaling.go and
 * integrator.go (whose preambles include only this header). Not part of the
 * library's API.
 *
 * Each helper makes one vs_* call (and, when it makes a handle, reads the
 * handle's seed and algorithm) and returns the status as an int32_t; on
 * failure *msg is a malloc'd copy of the library's message (freed by Go),
 * read in the call that failed; see vsgo.c.
 */
#ifndef VSGO_H
#define VSGO_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h> /* free: Go frees the messages and the JSON with C.free */

#include "variance_scaling.h"

/*
 * The ABI this package is written for. pkg-config decides which
 * variance_scaling.h the package compiles against; a header of another ABI
 * major (structs, enums or signatures that may differ) must stop the build
 * here, not fail at run time.
 */
#define VSGO_ABI_MAJOR 0

#ifndef VS_ABI_MAJOR
#error "variancescaling (Go): the variance_scaling.h found through pkg-config defines no VS_ABI_MAJOR; this package needs libvariance_scaling with ABI major 0 (check PKG_CONFIG_PATH and `pkg-config --cflags variance_scaling`)"
#elif VS_ABI_MAJOR != VSGO_ABI_MAJOR
#error "variancescaling (Go): the variance_scaling.h found through pkg-config is of another ABI major than 0, the one this package is written for; install libvariance_scaling of ABI major 0, or use the version of this package made for the installed library (check PKG_CONFIG_PATH and `pkg-config --modversion variance_scaling`)"
#endif

/* Element types of the fills (the kind argument). */
enum { VSGO_F32 = 0, VSGO_F64 = 1, VSGO_F16 = 2, VSGO_BF16 = 3 };

/* variancescaling.go: handles, their config JSON, fills, Describe. */
int32_t vsgo_create(double scale, uint32_t mode, uint32_t dist,
                    int has_seed, uint64_t seed,
                    int has_in, const int64_t *in, size_t nin,
                    int has_out, const int64_t *outax, size_t nout,
                    vs_initializer **out, uint64_t *seed_out,
                    uint32_t *alg_out, char **msg);
int32_t vsgo_from_json(const char *json, vs_initializer **out,
                       uint64_t *seed_out, uint32_t *alg_out, char **msg);
int32_t vsgo_with_algorithm(const vs_initializer *h, uint32_t alg,
                            vs_initializer **out, uint64_t *seed_out,
                            uint32_t *alg_out, char **msg);
int32_t vsgo_config_json(const vs_initializer *h, char **json, size_t *len,
                         char **msg);
int32_t vsgo_fill(int kind, const vs_initializer *h, const int64_t *shape,
                  size_t ndim, void *out, size_t len, char **msg);
int32_t vsgo_fill_range(int kind, const vs_initializer *h, const int64_t *shape,
                        size_t ndim, uint64_t offset, void *out, size_t count,
                        char **msg);
int32_t vsgo_fill_slice(int kind, const vs_initializer *h, const int64_t *shape,
                        size_t ndim, const int64_t *start, const int64_t *extent,
                        void *out, size_t len, char **msg);
int32_t vsgo_describe(const vs_initializer *h, const int64_t *shape, size_t ndim,
                      struct vs_params *p, char **msg);
int32_t vsgo_compute_fans(const int64_t *shape, size_t ndim, int64_t *fan_in,
                          int64_t *fan_out, char **msg);
const char *vsgo_header_version(void);

/* integrator.go: layouts, fills by fans, derived handles, Info, Axes,
 * the Description family. */
int32_t vsgo_compute_fans_layout(const int64_t *shape, size_t ndim, uint32_t layout,
                                 int64_t *fan_in, int64_t *fan_out, char **msg);
int32_t vsgo_compute_fans_axes(const int64_t *shape, size_t ndim,
                               int has_in, const int64_t *in, size_t nin,
                               int has_out, const int64_t *outax, size_t nout,
                               int64_t *fan_in, int64_t *fan_out, char **msg);
int32_t vsgo_fill_fans(int kind, double scale, uint32_t mode, uint32_t dist,
                       uint64_t seed, int64_t fan_in, int64_t fan_out,
                       uint64_t offset, void *out, size_t count, char **msg);
int32_t vsgo_with_seed(const vs_initializer *h, int has_seed, uint64_t seed,
                       vs_initializer **out, uint64_t *seed_out, uint32_t *alg_out,
                       char **msg);
int32_t vsgo_with_axes(const vs_initializer *h,
                       int has_in, const int64_t *in, size_t nin,
                       int has_out, const int64_t *outax, size_t nout,
                       vs_initializer **out, uint64_t *seed_out, uint32_t *alg_out,
                       char **msg);
int32_t vsgo_with_layout(const vs_initializer *h, uint32_t layout,
                         vs_initializer **out, uint64_t *seed_out, uint32_t *alg_out,
                         char **msg);
int32_t vsgo_with_max_threads(const vs_initializer *h, uint32_t n,
                              vs_initializer **out, uint64_t *seed_out,
                              uint32_t *alg_out, char **msg);
int32_t vsgo_get_info(const vs_initializer *h, vs_info *info, char **msg);
int32_t vsgo_get_axes(const vs_initializer *h, int64_t *in, size_t in_cap,
                      int64_t *outax, size_t out_cap, size_t *n_in, size_t *n_out,
                      char **msg);
int32_t vsgo_describe_ex(const vs_initializer *h, const int64_t *shape, size_t ndim,
                         vs_description *d, char **msg);
int32_t vsgo_describe_fans(double scale, uint32_t mode, uint32_t dist,
                           int64_t fan_in, int64_t fan_out, vs_description *d,
                           char **msg);
int32_t vsgo_describe_shape(double scale, uint32_t mode, uint32_t dist,
                            const int64_t *shape, size_t ndim, uint32_t layout,
                            vs_description *d, char **msg);

#endif /* VSGO_H */
