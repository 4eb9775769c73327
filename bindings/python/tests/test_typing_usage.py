"""typing_usage.py (checked by `mypy --strict`) also runs and gives the
library's values."""

from __future__ import annotations

import numpy as np

import variance_scaling as vs
from typing_usage import kernels, status_of, summary


def test_typing_usage_runs() -> None:
    k = kernels(42)
    assert k["conv"].shape == (3, 3, 16, 32) and k["conv"].dtype.name == "bfloat16"
    assert np.array_equal(k["part"], vs.he_normal(seed=42)((3, 3, 16, 32), "float16")[:1])
    assert summary(vs.he_normal(seed=1)).startswith("784 784.0 ")
    s = status_of(-1.0)
    assert s is not None and s.startswith("VS_ERR_INVALID_SCALE (2): ")
    assert status_of(1.0) is None
