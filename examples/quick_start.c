/* The C quick start of README.md: a He-normal Conv2D kernel, filled once.
 * Built and run by the tests (ctest example_quick_start), which check the
 * three values it prints. */
#include <stdio.h>
#include <stdlib.h>
#include "variance_scaling.h"

int main(void)
{
    /* a Keras Conv2D kernel, 3x3, 16 -> 32 channels: layout (kh, kw, in, out) */
    const int64_t shape[4] = {3, 3, 16, 32};
    const size_t count = 3 * 3 * 16 * 32;
    const uint64_t seed = 42;
    vs_initializer *init = NULL;
    float *w = malloc(count * sizeof *w);
    vs_status st;

    if (w == NULL)
        return 1;
    /* He normal = scale 2, fan_in, truncated normal. From Keras JSON instead:
     *   st = vs_from_config_json("\"he_normal\"", &init);   (unseeded)   */
    st = vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed, &init);
    if (st == VS_OK)
        st = vs_fill_f32(init, shape, 4, w, count);
    if (st != VS_OK) {
        /* read the message before any other vs_* call on this thread */
        fprintf(stderr, "%s\n  %s\n", vs_status_str(st), vs_last_error_message());
        vs_destroy(init); /* NULL (after a failed create) is fine */
        free(w);
        return 1;
    }
    printf("w[0] = %+f  w[1] = %+f  w[%zu] = %+f\n", w[0], w[1], count - 1, w[count - 1]);
    vs_destroy(init);
    free(w);
    return 0;
}
