"""The package's API: configs in and out, describe, fill forms, slices,
presets, algorithms."""

from __future__ import annotations

import copy
import json
import math

import ml_dtypes
import numpy as np
import pytest

import variance_scaling as vs

KERAS_SIX = ["seed", "scale", "mode", "distribution", "input_axes", "output_axes"]
DTYPES = ["float32", "float64", "float16", "bfloat16"]


def test_defaults_and_get_config() -> None:
    init = vs.VarianceScaling(seed=3)
    assert list(init.get_config()) == KERAS_SIX
    assert init.get_config() == {"seed": 3, "scale": 1.0, "mode": "fan_in",
                                 "distribution": "truncated_normal", "input_axes": None, "output_axes": None}
    assert init.seed == 3
    c = vs.VarianceScaling(0.5, "fan_avg", "normal", seed=9, input_axes=[1, 2], output_axes=[0]).get_config()
    assert c["distribution"] == "truncated_normal"  # the canonical name, as in C
    assert (c["input_axes"], c["output_axes"]) == ([1, 2], [0])


def test_unseeded_draws_once() -> None:
    init = vs.VarianceScaling()
    assert init.get_config()["seed"] is None
    assert 0 <= init.seed < 2**64
    a = init((16, 16))
    assert np.array_equal(a, init((16, 16)))  # one seed per object, like a C handle
    assert np.array_equal(a, vs.VarianceScaling(seed=init.seed)((16, 16)))
    again = init.with_seed(None)
    assert again.get_config()["seed"] is None and again.seed != init.seed


@pytest.mark.parametrize("form", [
    {"seed": 7, "scale": 0.5, "mode": "fan_avg", "distribution": "uniform"},
    '{"seed": 7, "scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}',
    {"module": "keras.initializers", "class_name": "VarianceScaling",
     "config": {"seed": 7, "scale": 0.5, "mode": "fan_avg", "distribution": "uniform",
                "input_axes": None, "output_axes": None}, "registered_name": None},
    {"class_name": "VarianceScaling", "config": {"seed": 7, "scale": 0.5, "mode": "fan_avg",
                                                 "distribution": "uniform"}},
])
def test_from_config_forms(form: object) -> None:
    init = vs.VarianceScaling.from_config(form)  # type: ignore[arg-type]
    ref = vs.VarianceScaling(0.5, "fan_avg", "uniform", seed=7)
    assert init.get_config() == ref.get_config()
    assert np.array_equal(init((5, 7)), ref((5, 7)))


def test_from_config_names_and_presets() -> None:
    assert vs.VarianceScaling.from_config('"he_normal"').get_config()["scale"] == 2.0
    h = vs.VarianceScaling.from_config({"class_name": "HeNormal", "config": {"seed": 4}})
    assert h.get_config() == vs.he_normal(seed=4).get_config()
    presets = {
        vs.he_normal: (2.0, "fan_in", "truncated_normal"),
        vs.he_uniform: (2.0, "fan_in", "uniform"),
        vs.glorot_normal: (1.0, "fan_avg", "truncated_normal"),
        vs.glorot_uniform: (1.0, "fan_avg", "uniform"),
        vs.lecun_normal: (1.0, "fan_in", "truncated_normal"),
        vs.lecun_uniform: (1.0, "fan_in", "uniform"),
    }
    for make, (scale, mode, dist) in presets.items():
        c = make(seed=11).get_config()
        assert (c["scale"], c["mode"], c["distribution"], c["seed"]) == (scale, mode, dist, 11)
        name = make.__name__
        assert vs.VarianceScaling.from_config(json.dumps(name)).get_config() == {**c, "seed": None}


def test_get_config_round_trips() -> None:
    init = vs.VarianceScaling(3.5, "fan_out", "untruncated_normal", 2**64 - 1, [0, 2], [1])
    again = vs.VarianceScaling.from_config(init.get_config())
    assert again.get_config() == init.get_config()
    assert np.array_equal(again((4, 3, 2)), init((4, 3, 2)))
    assert vs.VarianceScaling(**init.get_config()).get_config() == init.get_config()


def test_numpy_scalars_in_configs() -> None:
    a = vs.VarianceScaling(np.float64(2.0), seed=np.uint64(5), input_axes=np.array([0]), output_axes=[np.int64(1)])
    assert a.get_config()["seed"] == 5 and a.get_config()["input_axes"] == [0]


def test_describe() -> None:
    d = vs.he_normal(seed=1).describe((3, 3, 64, 32))
    assert (d.fan_in, d.fan_out, d.n) == (576, 288, 576.0)
    assert math.isclose(d.value_stddev, math.sqrt(2.0 / 576))
    assert math.isclose(d.stddev, d.value_stddev / 0.87962566103423978)
    assert math.isclose(d.limit, 2 * d.stddev)
    u = vs.glorot_uniform(seed=1).describe([784, 10])
    assert u.stddev == 0 and math.isclose(u.limit, math.sqrt(3 / 397))
    assert math.isinf(vs.VarianceScaling(distribution="untruncated_normal", seed=1).describe([2, 2]).limit)


@pytest.mark.parametrize("dtype", DTYPES)
def test_call_fill_dtypes(dtype: str) -> None:
    init = vs.glorot_normal(seed=5)
    a = init((6, 5, 4), dtype)
    assert a.shape == (6, 5, 4) and a.dtype == np.dtype(dtype) and a.flags.c_contiguous
    for spelling in (np.dtype(dtype), dtype if dtype != "bfloat16" else ml_dtypes.bfloat16):
        assert np.array_equal(init((6, 5, 4), spelling).view(np.uint8), a.view(np.uint8))
    out = np.full((6, 5, 4), 7, dtype=dtype)
    assert init.fill(out) is None
    assert np.array_equal(out.view(np.uint8), a.view(np.uint8))
    assert init((), dtype).shape == ()
    assert init((3, 0, 2), dtype).shape == (3, 0, 2)


def test_halves_round_the_f32_stream() -> None:
    """v2: f16 and bf16 are the f32 values rounded (docs/algorithm-v2.md)."""
    init = vs.he_uniform(seed=8)
    f32 = init((64, 64), "float32")
    assert np.array_equal(init((64, 64), "float16"), f32.astype(np.float16))
    assert np.array_equal(init((64, 64), "bfloat16").view(np.uint16), f32.astype(ml_dtypes.bfloat16).view(np.uint16))


@pytest.mark.parametrize("algorithm", [1, 2])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fill_slice_equals_slicing(algorithm: int, dtype: str) -> None:
    init = vs.VarianceScaling(1.5, "fan_avg", "truncated_normal", seed=12).with_algorithm(algorithm)
    shape = (7, 9, 1030)
    whole = init(shape, dtype)
    for start, extent in [((0, 0, 0), shape), ((2, 3, 5), (3, 4, 1000)), ((6, 8, 1029), (1, 1, 1)),
                          ((1, 0, 0), (0, 9, 1030)), ((3, 2, 1020), (2, 7, 10))]:
        got = init.fill_slice(shape, start, extent, dtype)
        want = whole[tuple(slice(s, s + e) for s, e in zip(start, extent))]
        assert got.shape == tuple(extent)
        assert np.array_equal(got.view(np.uint8), np.ascontiguousarray(want).view(np.uint8))


def test_fill_range_equals_flat_slice() -> None:
    init = vs.lecun_normal(seed=99)
    whole = init((40, 50), "float64").ravel()
    assert np.array_equal(init.fill_range((40, 50), 1001, 333, "float64"), whole[1001:1334])
    assert init.fill_range((40, 50), 2000, 0).shape == (0,)


def test_algorithms() -> None:
    assert vs.ALGORITHMS == {1: "pcg64-block-v1", 2: "splitmix64-ctr-v2"}
    init = vs.he_normal(seed=3)
    v1 = init.with_algorithm("pcg64-block-v1")
    assert init.algorithm == "splitmix64-ctr-v2" and v1.algorithm == "pcg64-block-v1"
    assert not np.array_equal(v1((8, 8)), init((8, 8)))
    assert np.array_equal(v1((8, 8)), init.with_algorithm(1)((8, 8)))
    assert v1.get_config() == init.get_config()  # as in C: not part of the config
    assert v1.with_seed(4).algorithm == "pcg64-block-v1"
    assert "with_algorithm('pcg64-block-v1')" in repr(v1)


def test_immutable_and_copyable() -> None:
    init = vs.he_normal(seed=3)
    assert copy.deepcopy(init) is init and copy.copy(init) is init
    with pytest.raises(AttributeError):
        init.seed = 4  # type: ignore[misc]


def test_frameworks_are_imported_lazily() -> None:
    """`import variance_scaling` imports neither keras nor jax."""
    import subprocess
    import sys

    code = "import sys, variance_scaling; print(sorted(m for m in ('keras', 'jax') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
