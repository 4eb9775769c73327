/*
 * engine_layer_init.c: weight initialization as a C inference/training
 * engine does it, with libvariance_scaling's integrator API.
 *
 * The engine below is Darknet-like: a convolutional layer keeps its weights
 * as [out][in / groups][k][k] (OIHW), a connected layer as [out][in] (OI).
 * Its model description names an initializer per layer ("he_normal",
 * "glorot_uniform", ...) and the model has one seed. The engine:
 *
 *   1. turns each preset name into (scale, mode, distribution) once, at
 *      start-up (vs_from_config_json + vs_get_info);
 *   2. derives one seed per tensor from the model seed (vs_derive_seed):
 *      never base + index, which would make the models of seeds 1 and 2
 *      share nine tensors in ten;
 *   3. in each layer's constructor, gets the fans from the weight's shape
 *      and layout (vs_compute_fans_layout, VS_LAYOUT_OUT_IN: no axes
 *      arithmetic) and fills the weights with one call (vs_fill_fans_f32);
 *   4. prints each tensor's fans, seed, and measured standard deviation
 *      beside the expected one (vs_describe_fans: value_stddev).
 *
 * The program checks itself: it exits 1 when a call fails or a measured
 * standard deviation or bound is off by more than the sample size allows,
 * and 0 otherwise. Its output is the same on every run and machine.
 *
 * Build and run (CMake):  cmake --workflow --preset example
 * (the `example` preset runs this program after examples/init_network.c).
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "variance_scaling.h"

#define MAX_SE 6.0 /* self-check tolerance, in standard errors */

/* ---- the engine's side ------------------------------------------------ */

/* An initializer as the engine keeps it: parsed once from a preset name. */
struct init_params {
    const char *name;
    double scale;
    uint32_t mode;
    uint32_t distribution;
};

enum layer_type { CONVOLUTIONAL, CONNECTED };

struct layer {
    enum layer_type type;
    const char *name;
    const struct init_params *init;
    int n, c, groups, size; /* convolutional: filters, channels, groups, k */
    int inputs, outputs;    /* connected */
    float *weights;
    size_t n_weights;
    int64_t fan_in, fan_out; /* as the library computed them */
    uint64_t seed;
};

static int check(vs_status st, const char *what)
{
    if (st != VS_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, vs_last_error_message(),
                vs_status_str(st));
        return 0;
    }
    return 1;
}

/* Step 1: a preset name (JSON string form, as Keras accepts it) to its
 * parameters. The handle is unseeded, so creating it draws a seed from the
 * OS once; only its config is kept. */
static int load_preset(const char *name, struct init_params *out)
{
    char json[64];
    vs_initializer *h = NULL;
    vs_info info;
    snprintf(json, sizeof json, "\"%s\"", name);
    if (!check(vs_from_config_json(json, &h), "vs_from_config_json"))
        return 0;
    info.struct_size = sizeof info;
    if (!check(vs_get_info(h, &info), "vs_get_info")) {
        vs_destroy(h);
        return 0;
    }
    vs_destroy(h);
    out->name = name;
    out->scale = info.scale;
    out->mode = info.mode;
    out->distribution = info.distribution;
    return 1;
}

/* Step 3: the layer constructor. `index` numbers the model's tensors. */
static int make_layer(struct layer *l, uint64_t model_seed, uint64_t index)
{
    int64_t shape[4];
    size_t ndim;
    if (l->type == CONVOLUTIONAL) {
        shape[0] = l->n;
        shape[1] = l->c / l->groups;
        shape[2] = l->size;
        shape[3] = l->size;
        ndim = 4;
    } else {
        shape[0] = l->outputs;
        shape[1] = l->inputs;
        ndim = 2;
    }
    l->n_weights = 1;
    for (size_t i = 0; i < ndim; i++)
        l->n_weights *= (size_t)shape[i];
    l->weights = malloc(l->n_weights * sizeof *l->weights);
    if (!l->weights)
        return 0;
    /* OIHW and OI: fan_in = in * k * k, fan_out = out * k * k */
    if (!check(vs_compute_fans_layout(shape, ndim, VS_LAYOUT_OUT_IN,
                                      &l->fan_in, &l->fan_out),
               "vs_compute_fans_layout"))
        return 0;
    l->seed = vs_derive_seed(model_seed, index);
    return check(vs_fill_fans_f32(l->init->scale, l->init->mode,
                                  l->init->distribution, l->seed, l->fan_in,
                                  l->fan_out, 0, l->weights, l->n_weights),
                 "vs_fill_fans_f32");
}

/* ---- showing (and checking) what came out ------------------------------ */

static const char *distribution_name(uint32_t d)
{
    switch (d) {
    case VS_DISTRIBUTION_TRUNCATED_NORMAL: return "truncated_normal";
    case VS_DISTRIBUTION_UNTRUNCATED_NORMAL: return "untruncated_normal";
    default: return "uniform";
    }
}

/* Kurtosis of each distribution, for the standard error of a sample
 * standard deviation: sd(s) / sigma ~= sqrt((kurtosis - 1) / (4 n)). For
 * the normal truncated at +-2, with Z = erf(sqrt 2), m2 = 1 - 4 phi(2) / Z
 * and m4 = 3 m2 - 16 phi(2) / Z, kurtosis = m4 / m2^2 = 2.36554. */
static double kurtosis(uint32_t d)
{
    switch (d) {
    case VS_DISTRIBUTION_TRUNCATED_NORMAL: return 2.36554;
    case VS_DISTRIBUTION_UNTRUNCATED_NORMAL: return 3.0;
    default: return 1.8;
    }
}

static int report(const struct layer *l)
{
    vs_description d;
    double sum = 0.0, sum2 = 0.0, lo = INFINITY, hi = -INFINITY;
    double n = (double)l->n_weights, mean, sd, se, rel;
    int ok = 1;

    d.struct_size = sizeof d;
    if (!check(vs_describe_fans(l->init->scale, l->init->mode,
                                l->init->distribution, l->fan_in, l->fan_out,
                                &d),
               "vs_describe_fans"))
        return 0;
    for (size_t i = 0; i < l->n_weights; i++) {
        double v = l->weights[i];
        sum += v;
        sum2 += v * v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    mean = sum / n;
    sd = sqrt(sum2 / n - mean * mean);
    se = sqrt((kurtosis(l->init->distribution) - 1.0) / (4.0 * n));
    rel = sd / d.value_stddev - 1.0;

    printf("%s  (%s, %s)\n", l->name, l->init->name,
           distribution_name(l->init->distribution));
    if (l->type == CONVOLUTIONAL)
        printf("  weights [%d][%d][%d][%d] OIHW, groups %d: %zu values\n", l->n,
               l->c / l->groups, l->size, l->size, l->groups, l->n_weights);
    else
        printf("  weights [%d][%d] OI: %zu values\n", l->outputs, l->inputs,
               l->n_weights);
    printf("  seed %#018" PRIx64 "  fan_in %" PRId64 "  fan_out %" PRId64
           "  n %g\n", l->seed, l->fan_in, l->fan_out, d.n);
    printf("  std  measured %.6f  expected %.6f  (%+.2f%%, %.1f standard "
           "errors)\n", sd, d.value_stddev, 100.0 * rel, rel / se);
    printf("  mean %+.6f  min %+.6f  max %+.6f  bound %.6f\n\n", mean, lo, hi,
           d.limit);

    if (fabs(rel) > MAX_SE * se) {
        fprintf(stderr, "%s: measured std %.6f is off expected %.6f by %.1f "
                "standard errors\n", l->name, sd, d.value_stddev, rel / se);
        ok = 0;
    }
    if (fabs(mean) > MAX_SE * d.value_stddev / sqrt(n)) {
        fprintf(stderr, "%s: mean %.6f is off 0\n", l->name, mean);
        ok = 0;
    }
    if (!(hi < d.limit && lo >= -d.limit)) {
        fprintf(stderr, "%s: a value lies outside +-%.6f\n", l->name, d.limit);
        ok = 0;
    }
    return ok;
}

int main(void)
{
    const uint64_t model_seed = 20261201;
    struct init_params he, glorot, lecun;
    struct layer layers[] = {
        {CONVOLUTIONAL, "conv1", &he, 32, 3, 1, 3, 0, 0, NULL, 0, 0, 0, 0},
        {CONVOLUTIONAL, "conv2 (grouped)", &he, 64, 32, 4, 3, 0, 0, NULL, 0, 0,
         0, 0},
        {CONVOLUTIONAL, "conv3 (1x1)", &lecun, 128, 64, 1, 1, 0, 0, NULL, 0, 0,
         0, 0},
        {CONNECTED, "fc (logits)", &glorot, 0, 0, 1, 0, 2048, 10, NULL, 0, 0,
         0, 0},
    };
    const size_t n_layers = sizeof layers / sizeof layers[0];
    int ok = 1;

    if (!load_preset("he_normal", &he) || !load_preset("glorot_uniform", &glorot)
        || !load_preset("lecun_normal", &lecun))
        return 1;

    printf("libvariance_scaling %s, algorithm %s, kernel %s; model seed %" PRIu64
           "\n\n", vs_version(), vs_algorithm(), vs_isa(), model_seed);
    for (size_t k = 0; k < n_layers && ok; k++)
        ok = make_layer(&layers[k], model_seed, k) && report(&layers[k]);

    for (size_t k = 0; k < n_layers; k++)
        free(layers[k].weights);
    if (!ok)
        return 1;
    printf("all %zu tensors within %.0f standard errors of the expected "
           "standard deviation\n", n_layers, MAX_SE);
    return 0;
}
