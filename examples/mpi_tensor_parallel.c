/*
 * mpi_tensor_parallel.c: tensor-parallel initialization across MPI ranks.
 * Each rank fills only its column shard (a block of the output dimension,
 * the last axis of a Keras (in, out) Dense kernel) with vs_fill_slice_f32,
 * into its own memory. A split-independent checksum, summed over the ranks,
 * must equal the checksum of rank 0's one-process fill (vs_fill_f32) of
 * each whole tensor. Exits 1 on every rank if any differs.
 *
 *   mpirun -np 4 build/default/mpi_tensor_parallel
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "variance_scaling.h"

#define TRUNC VS_DISTRIBUTION_TRUNCATED_NORMAL
#define UNIFORM VS_DISTRIBUTION_UNIFORM
struct kernel {
    const char *name;
    int64_t in, out;
    double scale;
    uint32_t mode, dist;
    uint64_t seed;
};
static const struct kernel kernels[] = {
    {"dense/kernel (he_normal)", 784, 512, 2.0, VS_MODE_FAN_IN, TRUNC, 11},
    {"dense_1/kernel (glorot_uniform)", 512, 257, 1.0, VS_MODE_FAN_AVG, UNIFORM, 12},
    {"dense_2/kernel (lecun_normal)", 257, 3, 1.0, VS_MODE_FAN_IN, TRUNC, 13},
};

static void check(vs_status st, const char *what)
{
    if (st != VS_OK) {
        fprintf(stderr, "%s: %s\n  %s\n", what, vs_status_str(st), vs_last_error_message());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static void *alloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return p;
}

/* A 64-bit mix of (flat index in the whole tensor, the value's bits): the
 * sum over all elements mod 2^64 does not depend on how they are split. */
static uint64_t element_hash(uint64_t index, float value)
{
    uint32_t bits;
    uint64_t z;
    memcpy(&bits, &value, sizeof bits);
    z = (index * UINT64_C(0x9E3779B97F4A7C15)) ^ ((uint64_t)bits << 17) ^ bits;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    int rank, size, bad = 0;
    size_t t;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (t = 0; t < sizeof kernels / sizeof kernels[0]; t++) {
        const struct kernel *k = &kernels[t];
        const int64_t shape[2] = {k->in, k->out};
        /* columns [c0, c0 + w): an even split, the first out % size ranks get one more */
        const int64_t base = k->out / size, extra = k->out % size;
        const int64_t w = base + (rank < extra), c0 = rank * base + (rank < extra ? rank : extra);
        const int64_t start[2] = {0, c0}, extent[2] = {k->in, w};
        const size_t n = (size_t)(k->in * w);
        float *shard = alloc(n * sizeof *shard);
        vs_initializer *init = NULL;
        uint64_t mine[2] = {0, n}, sum[2] = {0, 0}, whole = 0; /* checksum, elements */
        int64_t info[3] = {c0, w, (int64_t)(n * sizeof *shard)}, *all = NULL;
        size_t i;

        check(vs_create(k->scale, k->mode, k->dist, &k->seed, &init), "vs_create");
        check(vs_fill_slice_f32(init, shape, 2, start, extent, shard, n), "vs_fill_slice_f32");
        for (i = 0; i < n; i++) { /* shard element (r, j) is (r, c0 + j) of the whole */
            const int64_t r = (int64_t)i / w, j = (int64_t)i % w;
            mine[0] += element_hash((uint64_t)(r * k->out + c0 + j), shard[i]);
        }
        if (w == 0)
            printf("rank %d: no columns of %s (%lld columns, %d ranks): idle\n", rank, k->name,
                   (long long)k->out, size);
        if (rank == 0)
            all = alloc((size_t)size * sizeof info);
        MPI_Gather(info, 3, MPI_INT64_T, all, 3, MPI_INT64_T, 0, MPI_COMM_WORLD);
        MPI_Reduce(mine, sum, 2, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            const size_t total = (size_t)(k->in * k->out);
            float *full = alloc(total * sizeof *full);
            int r, ok;
            check(vs_fill_f32(init, shape, 2, full, total), "vs_fill_f32");
            for (i = 0; i < total; i++)
                whole += element_hash(i, full[i]);
            ok = sum[0] == whole && sum[1] == total;
            for (r = 0; r < size; r++)
                printf("  %s rank %d: columns [%lld, %lld), %lld bytes%s\n", k->name, r,
                       (long long)all[3 * r], (long long)(all[3 * r] + all[3 * r + 1]),
                       (long long)all[3 * r + 2], all[3 * r + 1] == 0 ? " (idle)" : "");
            printf("%s %lldx%lld on %d ranks: checksum %016llx, one-process fill %016llx: %s\n",
                   k->name, (long long)k->in, (long long)k->out, size, (unsigned long long)sum[0],
                   (unsigned long long)whole, ok ? "equal" : "DIFFERENT");
            bad |= !ok;
            free(full);
            free(all);
        }
        vs_destroy(init);
        free(shard);
    }
    MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return bad ? 1 : 0;
}
