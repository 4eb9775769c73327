"""vs-init's file loaded into the real Keras model: Keras 3 rebuilds the model
from the same `model.to_json()` file (`keras.models.model_from_json`), every
tensor of the safetensors file is set into the Keras variable it names, and
each kernel's shape and statistics are checked against the initializer that
Keras itself deserialized from the JSON, with Keras's own fan computation.

Keras runs on its numpy backend (`KERAS_BACKEND=numpy`, set here before the
import). Keras 3's numpy backend imports jax at start (keras/src/backend/
numpy/math.py, in 3.12 to 3.15 at least), so it needs `pip install
'keras>=3.15' jax` (jax and its jaxlib wheel come from PyPI; no TensorFlow or
torch; 3.15 because the fixture's initializers have `input_axes`). Without
them these tests fail, they are not skipped.

Names. vs-init names a layer's tensor `<layer>/<weight>` and a recurrent
layer's `<layer>/<cell>/<weight>`, which is Keras 3's `variable.path` for a
model rebuilt by `model_from_json` (checked here, v.path == name). A layer
of a nested model is `<model>/<layer>/<weight>` in the file; Keras's path of
the same variable has no `<model>/` (the inner model is rebuilt outside its
parent's name scope), so the mapping used here walks the Keras model's
layers, prefixing the names of the nested models, and checks that v.path is
the file name without that prefix.
"""

from __future__ import annotations

import math
import os
import subprocess
from pathlib import Path

import pytest

import vslib

REPO = vslib.REPO
FIXTURE = REPO / "tools" / "vs-init" / "tests" / "data" / "model_to_json.json"

os.environ["KERAS_BACKEND"] = "numpy"
try:
    import numpy as np
    from safetensors.numpy import load_file
    import keras
    from keras.src.initializers.random_initializers import compute_fans
    MISSING = None
except ImportError as e:  # fail, do not skip: CI installs them
    MISSING = e

# The statistical checks need enough values to be able to fail: with
# N >= 1024 the std tolerance below is at most 13.3 % (normal), so a kernel
# filled with the wrong fan or scale by 25 % is caught (see the controls in
# check_kernel).
MIN_N = 1024

# Keras's truncated normal is cut at 2 standard deviations; 0.8796... is
# the standard deviation of a unit normal cut there (Keras divides by it).
KERAS_TRUNC_STD = 0.87962566103423978


def truncated_moments(a: float) -> tuple[float, float]:
    """(E[z^2], E[z^4]) of a unit normal truncated to [-a, a]: with
    Z = erf(a / sqrt 2) and phi the density, integrating by parts gives
    int z^2 phi = Z - 2 a phi(a) and int z^4 phi = 3 int z^2 phi - 2 a^3 phi(a)."""
    z = math.erf(a / math.sqrt(2.0))
    phi = math.exp(-a * a / 2.0) / math.sqrt(2.0 * math.pi)
    m2 = (z - 2.0 * a * phi) / z
    m4 = (3.0 * (z - 2.0 * a * phi) - 2.0 * a ** 3 * phi) / z
    return m2, m4


# Kurtosis E[x^4] / E[x^2]^2 of each distribution.
_M2, _M4 = truncated_moments(2.0)
KURTOSIS = {
    "uniform": 9.0 / 5.0,
    "untruncated_normal": 3.0,
    "truncated_normal": _M4 / (_M2 * _M2),
}

# f32 values are the f32 rounding of factor * standard value; the bound
# checks allow 2 f32 ulps of the bound for that rounding.
BOUND_SLACK = 1.0 + 2.0 ** -22


@pytest.fixture(scope="module")
def tool() -> Path:
    if MISSING is not None:
        pytest.fail(f"this test needs Keras 3 (on its numpy backend, which imports jax), "
                    f"safetensors and numpy: pip install keras jax safetensors numpy "
                    f"({MISSING})")
    if tuple(map(int, keras.__version__.split(".")[:2])) < (3, 15):
        pytest.fail(f"Keras {keras.__version__} cannot read the fixture (its initializers have "
                    f"input_axes, new in Keras 3.15): pip install 'keras>=3.15'")
    return vslib.vs_init_path()


def run(tool, *args, status=0):
    r = subprocess.run([str(tool), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == status, r.stderr
    return r


# The Keras attribute holding each weight's initializer, by the weight's
# name (DepthwiseConv's weight is `kernel`, its initializer
# `depthwise_initializer`).
INIT_ATTR = {
    "kernel": ("kernel_initializer", "depthwise_initializer"),
    "recurrent_kernel": ("recurrent_initializer",),
    "depthwise_kernel": ("depthwise_initializer",),
    "pointwise_kernel": ("pointwise_initializer",),
    "embeddings": ("embeddings_initializer",),
    "bias": ("bias_initializer",),
}


class KerasWeight:
    """A Keras variable, the layer (or RNN cell) that owns it, and the name
    vs-init gives it."""

    def __init__(self, name, var, owner):
        self.name = name
        self.var = var
        self.owner = owner

    @property
    def initializer(self):
        found = [a for a in INIT_ATTR[self.var.name] if hasattr(self.owner, a)]
        assert len(found) == 1, (self.name, found)
        return getattr(self.owner, found[0])


def keras_weights(model, prefix: str = "") -> dict[str, KerasWeight]:
    """Every weight of a Keras model under vs-init's name for it."""
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.update(keras_weights(layer, prefix + layer.name + "/"))
            continue
        cell = getattr(layer, "cell", None)
        if cell is not None:  # SimpleRNN, GRU, LSTM: the cell holds the weights
            owner, path = cell, f"{layer.name}/{cell.name}/"
        else:
            owner, path = layer, f"{layer.name}/"
        for v in owner.weights:
            # the variable is the owner's attribute of that name (Dense.kernel, ...)
            assert getattr(owner, v.name) is v, v.path
            name = prefix + path + v.name
            assert v.path == name[len(prefix):], (v.path, name)
            assert name not in out, name
            out[name] = KerasWeight(name, v, owner)
    # each of the model's variables is mapped once, nothing is left out
    assert sorted(id(w.var) for w in out.values()) == sorted(id(v) for v in model.weights)
    return out


def expected_stats(init, shape):
    """(distribution, standard deviation, bound or None) of a
    VarianceScaling-family Keras initializer on `shape`, as Keras computes
    them: its compute_fans (with the config's input_axes/output_axes when
    set), n = max(1, fan), stddev = sqrt(scale / n); the truncated normal
    is drawn with sqrt(scale / n) / 0.8796... and cut at twice that, so its
    standard deviation after the cut is sqrt(scale / n); the uniform's
    limit is sqrt(3 scale / n), its standard deviation limit / sqrt(3)."""
    fan_in, fan_out = compute_fans(shape, input_axes=getattr(init, "input_axes", None),
                                   output_axes=getattr(init, "output_axes", None))
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[init.mode]
    var = init.scale / max(1.0, n)
    std = math.sqrt(var)
    if init.distribution == "uniform":
        return "uniform", std, math.sqrt(3.0 * var)
    if init.distribution == "truncated_normal":
        return "truncated_normal", std, 2.0 * std / KERAS_TRUNC_STD
    assert init.distribution == "untruncated_normal", init.distribution
    return "untruncated_normal", std, None


def stats_failures(values, dist, std, bound) -> list[str]:
    """The checks a kernel's values fail (an empty list: it passes).

    Tolerances from the sample size N (the values are independent draws):
    - mean: the sample mean has standard error std / sqrt(N); allowed
      |mean| <= 6 std / sqrt(N).
    - standard deviation: Var(s^2) = std^4 (k - 1) / N for a distribution of
      kurtosis k (to first order in 1/N), so by the delta method s has
      relative standard error sqrt(k - 1) / (2 sqrt(N)); allowed
      |s / std - 1| <= 6 sqrt(k - 1) / (2 sqrt(N)) (k = 1.8 uniform,
      2.3655 truncated normal, 3 normal).
    - bounds: |x| <= limit for the uniform, |x| < 2 stddev_untruncated for
      the truncated normal (each with BOUND_SLACK for the f32 rounding).
    Six standard errors: a correct fill fails with probability about 2e-9.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    out = []
    mean = float(x.mean())
    s = float(x.std())
    if abs(mean) > 6.0 * std / math.sqrt(n):
        out.append(f"mean {mean:.6g}, allowed +-{6.0 * std / math.sqrt(n):.3g}")
    rel_tol = 6.0 * math.sqrt(KURTOSIS[dist] - 1.0) / (2.0 * math.sqrt(n))
    if abs(s / std - 1.0) > rel_tol:
        out.append(f"std {s:.6g}, expected {std:.6g} within {rel_tol:.2%}")
    amax = float(np.abs(x).max())
    if dist == "uniform" and amax > bound * BOUND_SLACK:
        out.append(f"bound: max |x| {amax:.6g} > limit {bound:.6g}")
    if dist == "truncated_normal" and amax >= bound * BOUND_SLACK:
        out.append(f"bound: max |x| {amax:.6g} >= 2 stddev_untruncated {bound:.6g}")
    return out


def check_kernel(name, values, init):
    dist, std, bound = expected_stats(init, values.shape)
    assert values.size >= MIN_N, f"{name}: {values.size} values are too few to check"
    failures = stats_failures(values, dist, std, bound)
    assert not failures, f"{name} ({type(init).__name__}, {dist}): {failures}"
    # Controls: each check fails on values that are wrong in its own way.
    assert any(f.startswith("std") for f in stats_failures(values * 1.25, dist, std, bound)), name
    assert any(f.startswith("mean") for f in stats_failures(values + 0.5 * std, dist, std, bound)), name
    if bound is not None:
        bad = values.copy().ravel()
        bad[bad.size // 2] = bound * 1.01
        assert [f for f in stats_failures(bad, dist, std, bound) if f.startswith("bound")], name
    return dist


def constant_bias(w: KerasWeight):
    """The exact bias Keras's own initializer gives (zeros, ones, constant);
    an LSTM with unit_forget_bias has ones in its forget gate (the second of
    its four blocks), as Keras builds it."""
    init = w.initializer
    shape = tuple(w.var.shape)
    if isinstance(w.owner, keras.layers.LSTMCell) and w.owner.unit_forget_bias:
        u = w.owner.units
        return np.concatenate([np.asarray(init((u,))), np.ones(u, np.float32),
                               np.asarray(init((2 * u,)))]).astype(np.float32)
    return np.asarray(init(shape), dtype=np.float32)


def load_into_keras(model_json: Path, weights: Path, expect_missing=()):
    """Builds the Keras model from `model_json`, sets every tensor of the
    safetensors file `weights` into its variable and checks it reads back
    the same; returns (model, its weights by vs-init name, the file's tensors)."""
    tensors = load_file(str(weights))
    model = keras.models.model_from_json(model_json.read_text())
    kw = keras_weights(model)
    assert sorted(tensors) == sorted(set(kw) - set(expect_missing))
    for name, t in tensors.items():
        v = kw[name].var
        assert t.shape == tuple(v.shape), f"{name}: file {t.shape}, Keras {tuple(v.shape)}"
        assert t.dtype == np.dtype(v.dtype), f"{name}: file {t.dtype}, Keras {v.dtype}"
        v.assign(t)
    for name, t in tensors.items():
        back = keras.ops.convert_to_numpy(kw[name].var.value)
        assert back.dtype == t.dtype and back.tobytes() == t.tobytes(), name
    return model, kw, tensors


def check_model(model_json: Path, weights: Path, expect_missing=()):
    """All of load_into_keras, then each kernel's statistics and each bias's
    exact values; returns the distributions seen, the file's tensors and the
    Keras model holding them."""
    model, kw, tensors = load_into_keras(model_json, weights, expect_missing)
    dists = []
    for name, t in tensors.items():
        w = kw[name]
        if w.var.name == "bias":
            exact = constant_bias(w)
            assert exact.shape == t.shape and np.array_equal(exact, t), name
        else:
            # read back from the model, not from the file
            dists.append(check_kernel(name, keras.ops.convert_to_numpy(w.var.value), w.initializer))
    return dists, tensors, model


def test_truncated_normal_moments_are_keras_constant():
    # truncated_moments is what the std and kurtosis of the truncated normal
    # above rest on; Keras's constant is its standard deviation.
    assert math.sqrt(_M2) == pytest.approx(KERAS_TRUNC_STD, rel=1e-14)
    assert KURTOSIS["truncated_normal"] == pytest.approx(2.3655, abs=1e-4)


def test_fixture_model_in_keras(tool, tmp_path):
    out = tmp_path / "m.safetensors"
    run(tool, FIXTURE, "-o", out, "--seed", 2024, "-q")
    dists, tensors, _ = check_model(FIXTURE, out)
    # HeNormal, VarianceScaling uniform (own seed 7), GlorotNormal (own seed 42)
    assert dists == ["truncated_normal", "uniform", "truncated_normal"]
    assert tensors["dense/kernel"].shape == (25088, 10)


def conv_model():
    L = keras.layers
    return keras.Sequential([
        keras.Input((12, 12, 8)),
        L.Conv2D(64, 3, kernel_initializer="he_normal", name="conv"),
        L.DepthwiseConv2D(3, depth_multiplier=2, depthwise_initializer="glorot_uniform",
                          bias_initializer="ones", name="depthwise"),
        L.SeparableConv2D(32, 3, depthwise_initializer="lecun_normal",
                          pointwise_initializer="he_uniform",
                          bias_initializer=keras.initializers.Constant(0.25), name="separable"),
        # Keras's transposed kernel is (kh, kw, filters, in): the input axes
        # given explicitly (Keras 3.15's input_axes/output_axes)
        L.Conv2DTranspose(16, 3, kernel_initializer=keras.initializers.VarianceScaling(
            scale=1.5, mode="fan_in", distribution="truncated_normal",
            input_axes=[0, 1, 3], output_axes=[0, 1, 2]), name="transpose"),
        L.Reshape((64, 16)),
        L.Conv1D(24, 5, kernel_initializer=keras.initializers.VarianceScaling(
            scale=2.0, mode="fan_out", distribution="untruncated_normal", seed=11),
            name="conv1d"),
        L.Flatten(),
        L.Dense(32, kernel_initializer="lecun_uniform", name="dense"),
    ], name="convs")


def recurrent_model():
    L = keras.layers
    i = keras.Input((20,), dtype="int32")
    x = L.Embedding(500, 32, embeddings_initializer="glorot_uniform", name="embedding")(i)
    x = L.LSTM(40, return_sequences=True, kernel_initializer="he_normal",
               recurrent_initializer="glorot_normal", name="lstm")(x)
    x = L.GRU(24, return_sequences=True, kernel_initializer="lecun_normal",
              recurrent_initializer="glorot_uniform", name="gru")(x)
    x = L.SimpleRNN(48, kernel_initializer="glorot_uniform",
                    recurrent_initializer="he_uniform", name="rnn")(x)
    x = L.Dense(32, kernel_initializer="glorot_normal", name="head")(x)
    return keras.Model(i, x, name="recurrent")


def nested_model():
    L = keras.layers
    block = keras.Sequential([keras.Input((48,)),
                              L.Dense(64, kernel_initializer="he_uniform", name="inner_dense")],
                             name="block")
    return keras.Sequential([keras.Input((48,)), block,
                             L.Dense(32, kernel_initializer="lecun_normal", name="outer_dense")],
                            name="nested")


KERAS_MODELS = {
    "convs": (conv_model, ["conv/kernel", "depthwise/kernel", "separable/depthwise_kernel",
                           "separable/pointwise_kernel", "transpose/kernel", "conv1d/kernel",
                           "dense/kernel"]),
    "recurrent": (recurrent_model, ["embedding/embeddings", "lstm/lstm_cell/kernel",
                                    "lstm/lstm_cell/recurrent_kernel", "gru/gru_cell/kernel",
                                    "gru/gru_cell/recurrent_kernel", "rnn/simple_rnn_cell/kernel",
                                    "rnn/simple_rnn_cell/recurrent_kernel", "head/kernel"]),
    "nested": (nested_model, ["block/inner_dense/kernel", "outer_dense/kernel"]),
}


@pytest.mark.parametrize("which", sorted(KERAS_MODELS))
def test_keras_written_model_in_keras(tool, tmp_path, which):
    build, kernels = KERAS_MODELS[which]
    path = tmp_path / f"{which}.json"
    path.write_text(build().to_json())
    out = tmp_path / f"{which}.safetensors"
    run(tool, path, "-o", out, "--seed", 99, "-q")
    dists, tensors, model = check_model(path, out)
    assert sorted(n for n in tensors if not n.endswith("bias")) == sorted(kernels)
    assert len(dists) == len(kernels)
    if which == "nested":
        # Keras computes with the file's values, in the file's layout
        x = np.random.default_rng(0).standard_normal((5, 48)).astype(np.float32)
        h = x @ tensors["block/inner_dense/kernel"] + tensors["block/inner_dense/bias"]
        y = h @ tensors["outer_dense/kernel"] + tensors["outer_dense/bias"]
        got = keras.ops.convert_to_numpy(model(x))
        np.testing.assert_allclose(got, y, rtol=1e-5, atol=1e-5)


def test_default_initializers_skipped(tool, tmp_path):
    """Keras's defaults that vs-init does not fill (Embedding's RandomUniform,
    the recurrent kernels' Orthogonal): an error naming them, and with
    --skip-unsupported a file without exactly those, whose other tensors
    load and check out."""
    L = keras.layers
    model = keras.Sequential([keras.Input((10,), dtype="int32"),
                              L.Embedding(300, 16, name="embedding"),
                              L.LSTM(24, name="lstm")], name="defaults")
    path = tmp_path / "defaults.json"
    path.write_text(model.to_json())
    out = tmp_path / "d.safetensors"
    r = run(tool, path, "-o", out, "--seed", 1, "-q", status=4)
    assert "embedding" in r.stderr and "RandomUniform" in r.stderr, r.stderr
    assert not out.exists()
    r = run(tool, path, "-o", out, "--seed", 1, "-q", "--skip-unsupported")
    assert "Orthogonal" in r.stderr, r.stderr
    skipped = ["embedding/embeddings", "lstm/lstm_cell/recurrent_kernel"]
    dists, tensors, _ = check_model(path, out, expect_missing=skipped)
    assert sorted(tensors) == ["lstm/lstm_cell/bias", "lstm/lstm_cell/kernel"]
    assert dists == ["uniform"]
