/*
 * init_network.c: initialize the weights of a small network with
 * libvariance_scaling and show, at a glance, that the numbers are right.
 *
 * For each weight tensor the program prints the initializer's Keras config,
 * the fans and parameters vs_describe reports, the measured mean, standard
 * deviation, min and max of the filled values next to the expected ones, and
 * a text histogram: '#' bars are the measured counts, '|' marks where the
 * expected distribution puts each bin's count.
 *
 * The seeds are fixed, so the output is the same on every run and machine.
 * The program checks itself: it exits 1 when a library call fails or when a
 * measured statistic is further from its expected value than the sample size
 * allows (6 standard errors), and 0 otherwise.
 *
 * Build (CMake):  cmake --workflow --preset example
 * Build (by hand, after `cargo build --release`):
 *   cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude \
 *      examples/init_network.c -Ltarget/release -l:libvariance_scaling.a \
 *      -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o init_network
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variance_scaling.h"

#define N_BINS 15    /* histogram bins */
#define BAR_WIDTH 44 /* columns for the longest bar */
#define MAX_SE 6.0   /* self-check tolerance, in standard errors */

/* How a layer's initializer is created. */
enum how { FROM_JSON, CREATE, CREATE_WITH_AXES };

/* One weight tensor of the network, and what we expect of it. */
struct layer {
    const char *name;
    const char *what;
    int64_t shape[4];
    size_t ndim;
    enum how how;
    const char *json;   /* FROM_JSON */
    double scale;       /* CREATE, CREATE_WITH_AXES (and what JSON gives) */
    uint32_t mode;
    uint32_t distribution;
    uint64_t seed;
    int64_t input_axes[3], output_axes[3]; /* CREATE_WITH_AXES */
    size_t n_axes;
    int64_t fan_in, fan_out; /* expected fans, worked out by hand */
};

static const struct layer LAYERS[] = {
    {"conv2d/kernel", "Keras Conv2D 3x3, 3 -> 64 channels, HeNormal",
     {3, 3, 3, 64}, 4, FROM_JSON,
     "{\"module\": \"keras.initializers\", \"class_name\": \"HeNormal\", "
     "\"config\": {\"seed\": 42, \"input_axes\": null, \"output_axes\": null}, "
     "\"registered_name\": null}",
     2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, 42,
     {0}, {0}, 0, 3 * 3 * 3, 3 * 3 * 64},
    {"dense/kernel", "Keras Dense 4096 -> 1000, Glorot uniform",
     {4096, 1000}, 2, CREATE, NULL,
     1.0, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNIFORM, 1234,
     {0}, {0}, 0, 4096, 1000},
    {"logits/kernel", "Keras Dense 1000 -> 10, custom VarianceScaling",
     {1000, 10}, 2, FROM_JSON,
     "{\"seed\": 7, \"scale\": 0.5, \"mode\": \"fan_avg\", "
     "\"distribution\": \"untruncated_normal\", \"input_axes\": null, "
     "\"output_axes\": null}",
     0.5, VS_MODE_FAN_AVG, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, 7,
     {0}, {0}, 0, 1000, 10},
    {"conv.weight", "PyTorch layout [out, in, kh, kw], kaiming_normal_ fan_out",
     {64, 32, 3, 3}, 4, CREATE_WITH_AXES, NULL,
     2.0, VS_MODE_FAN_OUT, VS_DISTRIBUTION_UNTRUNCATED_NORMAL, 2024,
     {1, 2, 3}, {0, 2, 3}, 3, 32 * 3 * 3, 64 * 3 * 3},
};

/* Prints a failed call's status and message; returns 1 on failure. */
static int failed(vs_status st, const char *call)
{
    if (st == VS_OK)
        return 0;
    fprintf(stderr, "error: %s returned %d: %s\n  %s\n", call, (int)st,
            vs_status_str(st), vs_last_error_message());
    return 1;
}

/* Self-check failure. */
static int check_failed(const char *layer, const char *what)
{
    fprintf(stderr, "SELF-CHECK FAILED for %s: %s\n", layer, what);
    return 1;
}

/* Standard normal CDF. */
static double phi_cdf(double x) { return 0.5 * (1.0 + erf(x / sqrt(2.0))); }

/* Probability that a value of the expected distribution lies in [a, b). */
static double bin_prob(uint32_t dist, const vs_params *p, double a, double b)
{
    switch (dist) {
    case VS_DISTRIBUTION_TRUNCATED_NORMAL: /* normal(0, stddev) cut at 2 sd */
        return (phi_cdf(b / p->stddev) - phi_cdf(a / p->stddev)) /
               (2.0 * phi_cdf(2.0) - 1.0);
    case VS_DISTRIBUTION_UNTRUNCATED_NORMAL:
        return phi_cdf(b / p->stddev) - phi_cdf(a / p->stddev);
    default: /* uniform on [-limit, limit) */
        return (b - a) / (2.0 * p->limit);
    }
}

/* Kurtosis E[x^4] / E[x^2]^2 of the expected distribution: it sets the
 * standard error of a measured standard deviation. */
static double kurtosis(uint32_t dist)
{
    if (dist == VS_DISTRIBUTION_UNIFORM)
        return 1.8;
    if (dist == VS_DISTRIBUTION_UNTRUNCATED_NORMAL)
        return 3.0;
    {   /* standard normal restricted to [-2, 2] */
        const double a = 2.0, z = 2.0 * phi_cdf(a) - 1.0;
        const double pdf = exp(-0.5 * a * a) / sqrt(2.0 * 3.14159265358979323846);
        const double m2 = (z - 2.0 * a * pdf) / z;
        const double m4 = (3.0 * (z - 2.0 * a * pdf) - 2.0 * a * a * a * pdf) / z;
        return m4 / (m2 * m2);
    }
}

static void print_shape(const int64_t *shape, size_t ndim)
{
    size_t i;
    putchar('[');
    for (i = 0; i < ndim; i++)
        printf("%s%" PRId64, i ? ", " : "", shape[i]);
    putchar(']');
}

/* Creates the handle of layer `l` as its entry says. */
static vs_status create(const struct layer *l, vs_initializer **out)
{
    switch (l->how) {
    case FROM_JSON:
        return vs_from_config_json(l->json, out);
    case CREATE:
        return vs_create(l->scale, l->mode, l->distribution, &l->seed, out);
    default:
        return vs_create_with_axes(l->scale, l->mode, l->distribution, &l->seed,
                                   l->input_axes, l->n_axes, l->output_axes,
                                   l->n_axes, out);
    }
}

/* Prints the handle's config JSON (size query, then the real call). */
static int print_config(const vs_initializer *init)
{
    size_t len = 0;
    char *json;
    if (failed(vs_get_config_json(init, NULL, 0, &len), "vs_get_config_json"))
        return 1;
    json = malloc(len + 1);
    if (json == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    if (failed(vs_get_config_json(init, json, len + 1, &len),
               "vs_get_config_json")) {
        free(json);
        return 1;
    }
    printf("  config   %s\n", json);
    free(json);
    return 0;
}

/* Checks vs_describe's numbers against the layer's own arithmetic. */
static int check_params(const struct layer *l, const vs_params *p)
{
    double fan, n, s, stddev, limit;
    if (p->fan_in != l->fan_in || p->fan_out != l->fan_out)
        return check_failed(l->name, "fans differ from the expected ones");
    fan = l->mode == VS_MODE_FAN_IN    ? (double)l->fan_in
          : l->mode == VS_MODE_FAN_OUT ? (double)l->fan_out
                                       : ((double)l->fan_in + (double)l->fan_out) / 2.0;
    n = fan < 1.0 ? 1.0 : fan;
    s = sqrt(l->scale / n);
    if (l->distribution == VS_DISTRIBUTION_TRUNCATED_NORMAL) {
        stddev = s / VS_TRUNCATED_NORMAL_STDDEV;
        limit = 2.0 * stddev;
    } else if (l->distribution == VS_DISTRIBUTION_UNTRUNCATED_NORMAL) {
        stddev = s;
        limit = HUGE_VAL;
    } else {
        stddev = 0.0;
        limit = sqrt(3.0 * l->scale / n);
    }
    if (p->n != n || fabs(p->stddev - stddev) > 1e-12 * stddev ||
        (isinf(limit) ? !isinf(p->limit) : fabs(p->limit - limit) > 1e-12 * limit))
        return check_failed(l->name, "n, stddev or limit differ from the formulas");
    return 0;
}

/* Prints the statistics and histogram of `v` and checks them; returns 1 if
 * a check fails. */
static int report(const struct layer *l, const vs_params *p, const float *v,
                  size_t count)
{
    const uint32_t dist = l->distribution;
    const double exp_sd = dist == VS_DISTRIBUTION_UNIFORM
                              ? p->limit / sqrt(3.0)
                              : dist == VS_DISTRIBUTION_TRUNCATED_NORMAL
                                    ? p->stddev * VS_TRUNCATED_NORMAL_STDDEV
                                    : p->stddev;
    /* histogram range: the limit, or 4 sd for the untruncated normal */
    const double range = isinf(p->limit) ? 4.0 * p->stddev : p->limit;
    const double width = 2.0 * range / N_BINS;
    const double se_mean = exp_sd / sqrt((double)count);
    const double se_sd = exp_sd * sqrt((kurtosis(dist) - 1.0) / (4.0 * (double)count));
    size_t hist[N_BINS] = {0}, outside = 0, i;
    double expected[N_BINS], sum = 0.0, sum2 = 0.0, mean, sd, top = 0.0;
    const double flimit = (double)(float)p->limit;
    float lo = v[0], hi = v[0];
    int bad = 0;

    for (i = 0; i < count; i++) {
        const double x = v[i];
        sum += x;
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
        /* bounded distributions: |x| <= limit rounded to float (a value just
         * below the limit may round up to it); it counts in the edge bin */
        if (isinf(p->limit) ? (x >= -range && x < range) : fabs(x) <= flimit) {
            int b = (int)floor((x + range) / width);
            hist[b < 0 ? 0 : b < N_BINS ? b : N_BINS - 1]++;
        } else {
            outside++;
        }
    }
    mean = sum / (double)count;
    for (i = 0; i < count; i++)
        sum2 += ((double)v[i] - mean) * ((double)v[i] - mean);
    sd = sqrt(sum2 / (double)count);

    printf("  measured mean %+.6f  std %.6f  min %+.6f  max %+.6f\n", mean, sd,
           (double)lo, (double)hi);
    printf("  expected mean %+.6f  std %.6f  |x| %s %.6f   (%zu values)\n", 0.0,
           exp_sd, isinf(p->limit) ? "unbounded, 4 sd =" : "<", range, count);

    for (i = 0; i < N_BINS; i++) {
        const double a = -range + (double)i * width;
        expected[i] = (double)count * bin_prob(dist, p, a, a + width);
        if (expected[i] > top) top = expected[i];
        if ((double)hist[i] > top) top = (double)hist[i];
    }
    printf("  histogram over [-%s, %s]: '#' measured, '|' expected\n",
           isinf(p->limit) ? "4 sd" : "limit", isinf(p->limit) ? "4 sd" : "limit");
    for (i = 0; i < N_BINS; i++) {
        char bar[BAR_WIDTH + 2];
        const size_t len = (size_t)floor((double)hist[i] / top * BAR_WIDTH + 0.5);
        const size_t mark = (size_t)floor(expected[i] / top * BAR_WIDTH + 0.5);
        memset(bar, ' ', BAR_WIDTH + 1);
        memset(bar, '#', len);
        bar[mark] = '|';
        bar[BAR_WIDTH + 1] = '\0';
        printf("  %+9.5f %s %7zu %9.1f\n", -range + ((double)i + 0.5) * width, bar,
               hist[i], expected[i]);
        /* each bin: within 6 standard errors of its expected count */
        if (fabs((double)hist[i] - expected[i]) > MAX_SE * sqrt(expected[i]) + 1.0)
            bad |= check_failed(l->name, "a histogram bin is far from its expected count");
    }
    if (isinf(p->limit)) {
        const double exp_out = (double)count * 2.0 * phi_cdf(-4.0);
        printf("  beyond 4 sd: %zu values (expected %.1f)\n", outside, exp_out);
        if (fabs((double)outside - exp_out) > MAX_SE * sqrt(exp_out) + 1.0)
            bad |= check_failed(l->name, "too many or too few values beyond 4 sd");
    } else if (outside != 0) {
        bad |= check_failed(l->name, "a value lies outside [-limit, limit]");
    }
    if (fabs(mean) > MAX_SE * se_mean)
        bad |= check_failed(l->name, "the mean is more than 6 standard errors from 0");
    if (fabs(sd - exp_sd) > MAX_SE * se_sd)
        bad |= check_failed(l->name, "the std is more than 6 standard errors off");
    return bad;
}

/* Initializes, reports and checks one layer; returns 1 on any failure. */
static int run_layer(const struct layer *l)
{
    vs_initializer *init = NULL;
    vs_params p;
    float *w = NULL;
    size_t count = 1, i;
    int bad = 1;

    for (i = 0; i < l->ndim; i++)
        count *= (size_t)l->shape[i];

    printf("%s ", l->name);
    print_shape(l->shape, l->ndim);
    printf(": %s\n", l->what);

    if (failed(create(l, &init), "creating the initializer"))
        goto done;
    if (print_config(init))
        goto done;
    if (failed(vs_describe(init, l->shape, l->ndim, &p), "vs_describe"))
        goto done;
    printf("  fan_in %" PRId64 "  fan_out %" PRId64 "  n %g  stddev %.6f  limit %.6f\n",
           p.fan_in, p.fan_out, p.n, p.stddev, p.limit);
    if (check_params(l, &p))
        goto done;

    w = malloc(count * sizeof *w);
    if (w == NULL) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    if (failed(vs_fill_f32(init, l->shape, l->ndim, w, count), "vs_fill_f32"))
        goto done;
    if (report(l, &p, w, count))
        goto done;

    if (count > 2 * VS_BLOCK_LEN) {
        /* a shard filled on its own is bit-identical to the same slice of the
         * whole fill (here it starts mid-block and crosses a block edge) */
        const size_t off = count / 2 + 100, len = 2 * VS_BLOCK_LEN;
        float *shard = malloc(len * sizeof *shard);
        int same;
        if (shard == NULL) {
            fprintf(stderr, "error: out of memory\n");
            goto done;
        }
        if (failed(vs_fill_range_f32(init, l->shape, l->ndim, off, shard, len),
                   "vs_fill_range_f32")) {
            free(shard);
            goto done;
        }
        same = memcmp(shard, w + off, len * sizeof *shard) == 0;
        free(shard);
        printf("  vs_fill_range_f32 of elements [%zu, %zu): %s the whole fill's\n",
               off, off + len, same ? "bit-identical to" : "DIFFERENT from");
        if (!same) {
            check_failed(l->name, "a range fill differs from the whole fill");
            goto done;
        }
    }
    bad = 0;
done:
    free(w);
    vs_destroy(init);
    printf("\n");
    return bad;
}

/* The bare name "he_normal" (as a Keras model file may hold it) is unseeded:
 * the handle draws its seed once, from the OS, and the config says null.
 * vs_get_seed tells the drawn seed; vs_create with it gives the same values. */
static int show_bare_name(void)
{
    static const int64_t shape[4] = {3, 3, 3, 64};
    enum { COUNT = 3 * 3 * 3 * 64 };
    static float a[COUNT], b[COUNT];
    vs_initializer *unseeded = NULL, *again = NULL;
    uint64_t seed = 0;
    int bad = 1;

    printf("\"he_normal\": a bare Keras name, unseeded (its values differ per run)\n");
    if (failed(vs_from_config_json("\"he_normal\"", &unseeded), "vs_from_config_json"))
        goto done;
    if (print_config(unseeded))
        goto done;
    if (failed(vs_get_seed(unseeded, &seed), "vs_get_seed") ||
        failed(vs_create(2.0, VS_MODE_FAN_IN, VS_DISTRIBUTION_TRUNCATED_NORMAL, &seed,
                         &again), "vs_create") ||
        failed(vs_fill_f32(unseeded, shape, 4, a, COUNT), "vs_fill_f32") ||
        failed(vs_fill_f32(again, shape, 4, b, COUNT), "vs_fill_f32"))
        goto done;
    if (memcmp(a, b, sizeof a) != 0) {
        check_failed("\"he_normal\"", "vs_create with vs_get_seed's seed differs");
        goto done;
    }
    printf("  vs_create(2.0, fan_in, truncated_normal, vs_get_seed's seed) gives "
           "the same bits\n\n");
    bad = 0;
done:
    vs_destroy(again);
    vs_destroy(unseeded);
    return bad;
}

int main(void)
{
    size_t i;
    int bad = 0;

    printf("libvariance_scaling %s (header %s), algorithm %s, kernel %s\n\n", vs_version(),
           VS_VERSION_STRING, vs_algorithm(), vs_isa());
    for (i = 0; i < sizeof LAYERS / sizeof LAYERS[0]; i++)
        bad |= run_layer(&LAYERS[i]);
    bad |= show_bare_name();

    if (bad) {
        fprintf(stderr, "init_network: FAILED\n");
        return 1;
    }
    printf("init_network: all layers initialized; every check passed\n");
    return 0;
}
