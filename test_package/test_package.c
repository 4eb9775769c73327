/*
 * test_package.c: a C99 program built against the Conan package, once
 * through find_package(VarianceScaling) and once through pkg-config. It
 * fills the README's quick-start kernel (He normal, seed 42, 3x3x16x32) and
 * checks three values bit for bit, checks that an error comes back as a
 * status with a message naming the argument, and that the library it runs
 * is the one the package's `shared` option chose (argv[1]: shared or
 * static). Exits 0 only when every check passed.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <variance_scaling.h>

static int failures = 0;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "test_package (C): FAILED: %s\n", what);
        failures++;
    }
}

int main(int argc, char **argv)
{
    const int64_t shape[4] = {3, 3, 16, 32};
    float w[3 * 3 * 16 * 32];
    const size_t count = sizeof w / sizeof w[0];
    const uint64_t seed = 42;
    const char *(*version_fn)(void) = vs_version;
    void *addr = NULL;
    vs_initializer *init = NULL;
    Dl_info where;
    vs_status st;

    if (argc != 2 || (strcmp(argv[1], "shared") != 0 && strcmp(argv[1], "static") != 0)) {
        fprintf(stderr, "usage: %s shared|static (got %d arguments)\n", argv[0], argc - 1);
        return 2;
    }

    printf("vs_version=%s VS_ABI_MAJOR=%d\n", vs_version(), VS_ABI_MAJOR);
    check(strcmp(vs_version(), VS_VERSION_STRING) == 0, "vs_version() == VS_VERSION_STRING");

    st = vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed, &init);
    check(st == VS_OK, "vs_create(he_normal, seed 42)");
    if (st == VS_OK) {
        st = vs_fill_f32(init, shape, 4, w, count);
        check(st == VS_OK, "vs_fill_f32");
        printf("w[0] = %+f  w[1] = %+f  w[4607] = %+f\n", w[0], w[1], w[4607]);
        check(st == VS_OK && w[0] == 0x1.b6828ap-4f, "w[0] == 0x1.b6828ap-4");
        check(st == VS_OK && w[1] == 0x1.489c8ap-4f, "w[1] == 0x1.489c8ap-4");
        check(st == VS_OK && w[4607] == 0x1.04bffap-2f, "w[4607] == 0x1.04bffap-2");
    }
    vs_destroy(init);

    init = NULL;
    st = vs_create(-1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, &seed, &init);
    check(st == VS_ERR_INVALID_SCALE && init == NULL, "scale -1 gives VS_ERR_INVALID_SCALE");
    check(strstr(vs_last_error_message(), "scale") != NULL, "the message names `scale`");

    /* where vs_version lives: libvariance_scaling.so.N, or this program */
    memcpy(&addr, &version_fn, sizeof addr);
    check(dladdr(addr, &where) != 0 && where.dli_fname != NULL, "dladdr(vs_version)");
    if (where.dli_fname != NULL) {
        int in_so = strstr(where.dli_fname, "libvariance_scaling.so") != NULL;
        printf("vs_version is in %s\n", where.dli_fname);
        check(in_so == (strcmp(argv[1], "shared") == 0),
              "the library linked is the package's (shared: the .so, static: in the program)");
    }

    if (failures != 0)
        return 1;
    printf("test_package (C, %s): all checks passed\n", argv[1]);
    return 0;
}
