#!/usr/bin/env python3
"""Fill rate of libvariance_scaling beside numpy's Generator(PCG64), same
shapes, same run, same machine.

    cargo build --release && python3 benches/compare_numpy.py [--n N] [--reps R]

numpy has no truncated normal; its row draws standard normals and re-draws
the ones with |z| >= 2 (vectorized), which is what a numpy user would write.
Prints values/s for both and the ratio; asserts nothing about speed.
"""

import argparse
import ctypes
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy is not installed: nothing to compare (pip install numpy)")
    sys.exit(0)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_library():
    path = os.environ.get("VS_LIBRARY") or os.path.join(
        ROOT, "target", "release", "libvariance_scaling.so"
    )
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run `cargo build --release` first (or set VS_LIBRARY)")
    lib = ctypes.CDLL(path)
    lib.vs_create.argtypes = [
        ctypes.c_double,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.POINTER(ctypes.c_uint64),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    lib.vs_create.restype = ctypes.c_int32
    lib.vs_fill_f32.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_int64),
        ctypes.c_size_t,
        ctypes.c_void_p,
        ctypes.c_size_t,
    ]
    lib.vs_fill_f32.restype = ctypes.c_int32
    lib.vs_set_max_threads.argtypes = [ctypes.c_uint32]
    lib.vs_destroy.argtypes = [ctypes.c_void_p]
    return lib


def best_of(reps, fn):
    fn()
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def numpy_fill(kind, rng, out, factor):
    if kind == 2:  # uniform on [-limit, limit)
        rng.random(dtype=np.float32, out=out)
        out *= 2 * factor
        out -= factor
        return
    rng.standard_normal(dtype=np.float32, out=out)
    if kind == 0:  # truncated: re-draw |z| >= 2
        bad = np.abs(out) >= 2.0
        while bad.any():
            out[bad] = rng.standard_normal(int(bad.sum()), dtype=np.float32)
            bad = np.abs(out) >= 2.0
    out *= factor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1 << 24)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    n = args.n - args.n % 1024
    lib = load_library()
    shape = (ctypes.c_int64 * 2)(n // 1024, 1024)
    buf = np.zeros(n, dtype=np.float32)
    rng = np.random.Generator(np.random.PCG64(42))
    print(f"{n} float32 values, best of {args.reps}; numpy {np.__version__}, one thread")
    print(f"{'distribution':<20} {'library 1 thr':>14} {'library all':>12} {'numpy':>10} {'ratio 1 thr':>12} {'ratio all':>10}")
    for kind, name in enumerate(["truncated_normal", "untruncated_normal", "uniform"]):
        h = ctypes.c_void_p()
        seed = ctypes.c_uint64(42)
        st = lib.vs_create(1.0, 0, kind, ctypes.byref(seed), ctypes.byref(h))
        assert st == 0, st
        ptr = buf.ctypes.data

        def ours():
            st = lib.vs_fill_f32(h, shape, 2, ptr, n)
            assert st == 0, st

        lib.vs_set_max_threads(1)
        t1 = best_of(args.reps, ours)
        lib.vs_set_max_threads(0)
        tall = best_of(args.reps, ours)
        factor = 1.0 / 1024 ** 0.5
        tnp = best_of(args.reps, lambda: numpy_fill(kind, rng, buf, factor))
        lib.vs_destroy(h)
        print(
            f"{name:<20} {n / t1 / 1e9:>10.3f} G/s {n / tall / 1e9:>8.3f} G/s"
            f" {n / tnp / 1e9:>6.3f} G/s {tnp / t1:>11.2f}x {tnp / tall:>9.2f}x"
        )


if __name__ == "__main__":
    main()
