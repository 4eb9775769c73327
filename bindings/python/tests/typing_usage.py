"""A small program using the package's public API, checked by `mypy
--strict` (scripts/test-python-package.sh) against its inline types and
the `_core.pyi` stub; also run by test_typing_usage.py, so it must work."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import variance_scaling as vs


def kernels(seed: int) -> dict[str, npt.NDArray[Any]]:
    init: vs.VarianceScaling = vs.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=seed)
    conv = init((3, 3, 16, 32), "bfloat16")
    dense = vs.glorot_uniform(seed=vs.derive_seed_name(seed, "dense/kernel"))((512, 10), np.float64)
    out = np.empty((64, 64), dtype=np.float32)
    init.with_algorithm("pcg64-block-v1").fill(out)
    part = init.fill_slice((3, 3, 16, 32), (0, 0, 0, 0), (1, 3, 16, 32), "float16")
    flat = init.fill_range((3, 3, 16, 32), 100, 10)
    return {"conv": conv, "dense": dense, "out": out, "part": part, "flat": flat}


def summary(init: vs.VarianceScaling) -> str:
    d: vs.Description = init.describe([784, 10])
    config: dict[str, Any] = init.get_config()
    seed: int = init.seed
    algorithm: str = init.algorithm
    same = vs.VarianceScaling.from_config(config)
    named = vs.VarianceScaling.from_config('"he_normal"')
    return f"{d.fan_in} {d.n:.1f} {d.stddev:.4f} {seed} {algorithm} {same.seed} {named.get_config()['scale']}"


def status_of(scale: float) -> str | None:
    try:
        vs.VarianceScaling(scale)
    except vs.VarianceScalingValueError as e:
        code: int = e.code
        return f"{e.status} ({code}): {e.message}"
    return None


if __name__ == "__main__":
    ks = kernels(42)
    print(sorted(ks), summary(vs.he_normal(seed=1)), status_of(-1.0), vs.ALGORITHMS, vs.DEFAULT_ALGORITHM)
