"""Fills from several Python threads at once give the single-thread
values, and run with the GIL released."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import variance_scaling as vs

DTYPES = ["float32", "float64", "float16", "bfloat16"]


def test_threads_equal_single_thread() -> None:
    inits = [vs.he_normal(seed=s) for s in (1, 2)] + [vs.glorot_uniform(seed=3).with_algorithm(1)]
    shape = (64, 33, 17)
    want = {(i, d): init(shape, d) for i, init in enumerate(inits) for d in DTYPES}
    jobs = [(i, d) for i in range(len(inits)) for d in DTYPES] * 4
    barrier = threading.Barrier(8)

    def run(job: tuple[int, str]) -> tuple[tuple[int, str], np.ndarray]:
        i, d = job
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        out = np.empty(shape, dtype=d)
        inits[i].fill(out)
        return job, out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, jobs))
    assert len(results) == len(jobs)
    for job, out in results:
        assert np.array_equal(out.view(np.uint8), want[job].view(np.uint8)), job


def test_threads_share_one_output() -> None:
    """Threads given the same array take turns: the result is a whole fill."""
    init = vs.lecun_uniform(seed=5)
    want = init((512, 512))
    out = np.zeros((512, 512), np.float32)
    others = [vs.lecun_uniform(seed=6)((512, 512))]

    def run(k: int) -> None:
        (init if k % 2 == 0 else vs.lecun_uniform(seed=6)).fill(out)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(run, range(12)))
    assert np.array_equal(out, want) or np.array_equal(out, others[0])


def test_fill_releases_the_gil() -> None:
    """While a large fill runs in one thread, another runs Python code."""
    init = vs.he_normal(seed=1)
    out = np.empty(1 << 24, np.float64)
    window: list[float] = []
    stamps: list[float] = []

    def fill() -> None:
        for _ in range(3):
            t0 = time.perf_counter()
            init.fill(out)
            window.append(t0)
            window.append(time.perf_counter())

    t = threading.Thread(target=fill)
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
    t.join()
    inside = 0
    for k in range(0, len(window), 2):
        lo, hi = window[k], window[k + 1]
        if hi - lo > 0.03:
            inside += sum(1 for s in stamps if lo + 0.01 < s < hi - 0.01)
    longest = max(window[k + 1] - window[k] for k in range(0, len(window), 2))
    assert longest > 0.03, "fills too fast to observe; make `out` larger"
    assert inside > 0
