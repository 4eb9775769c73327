/*
 * consumer.c: a program that uses an *installed* libvariance_scaling, built
 * by the consumer projects next to this folder (CMake find_package, a
 * Makefile with pkg-config) against the shared or the static library.
 *
 * It checks that the header and the library it was linked to agree, that a
 * seeded fill gives the documented values bit for bit (the README's quick
 * start: He normal, seed 42, a 3x3x16x32 kernel, with the default algorithm
 * and with 0.1's, pcg64-block-v1), and that an error comes back as a
 * status with a message. It prints the versions for
 * the ctest test <tree>_versions and exits 0 only when every check passed.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <variance_scaling.h>

#define STR2(x) #x
#define STR(x) STR2(x)

static int failures = 0;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "consumer: FAILED: %s\n", what);
        failures++;
    }
}

int main(void)
{
    const int64_t shape[4] = {3, 3, 16, 32};
    const size_t count = 3 * 3 * 16 * 32;
    const uint64_t seed = 42;
    vs_initializer *init = NULL;
    float *w = malloc(count * sizeof *w);
    const char *macros = STR(VS_VERSION_MAJOR) "." STR(VS_VERSION_MINOR) "." STR(VS_VERSION_PATCH);
    vs_status st;

    if (w == NULL)
        return 1;

    printf("vs_version=%s\n", vs_version());
    printf("VS_VERSION_STRING=%s\n", VS_VERSION_STRING);
    printf("VS_VERSION_MACROS=%s\n", macros);
    printf("VS_ABI_MAJOR=%d\n", VS_ABI_MAJOR);
    check(strcmp(vs_version(), VS_VERSION_STRING) == 0, "vs_version() == VS_VERSION_STRING");
    check(strncmp(VS_VERSION_STRING, macros, strlen(macros)) == 0,
          "VS_VERSION_STRING starts with MAJOR.MINOR.PATCH");
    check(strcmp(vs_algorithm(), "splitmix64-ctr-v2") == 0, "vs_algorithm() == splitmix64-ctr-v2");
    printf("vs_isa=%s\n", vs_isa());

    st = vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed, &init);
    check(st == VS_OK, "vs_create(he_normal, seed 42)");
    if (st == VS_OK) {
        st = vs_fill_f32(init, shape, 4, w, count);
        check(st == VS_OK, "vs_fill_f32");
        if (st == VS_OK) {
            /* the README quick start's values, exactly */
            check(w[0] == 0x1.b6828ap-4f, "w[0] == 0x1.b6828ap-4 (+0.107058)");
            check(w[1] == 0x1.489c8ap-4f, "w[1] == 0x1.489c8ap-4 (+0.080227)");
            check(w[count - 1] == 0x1.04bffap-2f, "w[4607] == 0x1.04bffap-2 (+0.254639)");
            printf("w[0]=%a w[1]=%a w[%zu]=%a\n", (double)w[0], (double)w[1], count - 1,
                   (double)w[count - 1]);
        }
        /* and 0.1's values, from a handle for the 0.1 algorithm */
        {
            vs_initializer *v1 = NULL;
            st = vs_with_algorithm(init, VS_ALGORITHM_PCG64_BLOCK_V1, &v1);
            check(st == VS_OK, "vs_with_algorithm(VS_ALGORITHM_PCG64_BLOCK_V1)");
            if (st == VS_OK && vs_fill_f32(v1, shape, 4, w, count) == VS_OK) {
                check(w[0] == -0x1.c29d4cp-3f, "v1 w[0] == -0x1.c29d4cp-3 (-0.220027)");
                check(w[1] == -0x1.fdfa06p-3f, "v1 w[1] == -0x1.fdfa06p-3 (-0.249012)");
                check(w[count - 1] == -0x1.0078dep-6f, "v1 w[4607] == -0x1.0078dep-6 (-0.015654)");
            } else {
                check(0, "vs_fill_f32 with the v1 handle");
            }
            vs_destroy(v1);
        }
    }
    vs_destroy(init);
    init = NULL;

    st = vs_create(-1.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_UNIFORM, &seed, &init);
    check(st == VS_ERR_INVALID_SCALE, "vs_create(scale -1) gives VS_ERR_INVALID_SCALE");
    check(init == NULL, "a failed vs_create sets the handle to NULL");
    check(strlen(vs_last_error_message()) > 0, "a failed call leaves a message");

    free(w);
    if (failures == 0)
        printf("consumer OK\n");
    return failures == 0 ? 0 : 1;
}
