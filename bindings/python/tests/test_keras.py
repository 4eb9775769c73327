"""The Keras adapter in real Keras 3 models (numpy backend): the kernels of
a Sequential with Conv2D and Dense layers are the library's fills of those
shapes, and configs round-trip through Keras's serialization."""

from __future__ import annotations

import json
import os

os.environ.setdefault("KERAS_BACKEND", "numpy")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import variance_scaling as vs  # noqa: E402
from variance_scaling import keras as vsk  # noqa: E402


def kernel(layer: keras.layers.Layer) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(layer.kernel))


def build(conv_init: vsk.VarianceScaling, dense_init: vsk.VarianceScaling, dtype: str = "float32") -> keras.Model:
    return keras.Sequential([
        keras.Input((10, 9, 3)),
        keras.layers.Conv2D(8, (3, 2), kernel_initializer=conv_init, name="conv", dtype=dtype),
        keras.layers.Flatten(),
        keras.layers.Dense(5, kernel_initializer=dense_init, name="dense", dtype=dtype),
    ])


# float64: Keras keeps a float64 layer's variables in float32 unless JAX's
# x64 mode is on (it casts what the initializer returns), so the layer test
# takes the other three and test_adapter_call_dtypes checks float64 values.
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_sequential_kernels_are_the_librarys(dtype: str) -> None:
    conv_init = vsk.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=42)
    dense_init = vsk.VarianceScaling(0.5, "fan_avg", "uniform", seed=7, algorithm="pcg64-block-v1")
    model = build(conv_init, dense_init, dtype)
    conv, dense = model.get_layer("conv"), model.get_layer("dense")
    assert tuple(conv.kernel.shape) == (3, 2, 3, 8)
    assert tuple(dense.kernel.shape) == (8 * 8 * 8, 5)
    want_conv = vs.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=42)((3, 2, 3, 8), dtype)
    want_dense = vs.VarianceScaling(0.5, "fan_avg", "uniform", seed=7).with_algorithm(1)((512, 5), dtype)
    got_conv, got_dense = kernel(conv), kernel(dense)
    assert got_conv.dtype == want_conv.dtype
    assert np.array_equal(got_conv.view(np.uint8), want_conv.view(np.uint8))
    assert np.array_equal(got_dense.view(np.uint8), want_dense.view(np.uint8))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_adapter_call_dtypes(dtype: str) -> None:
    init = vsk.VarianceScaling(1.0, "fan_in", "untruncated_normal", seed=3)
    got = np.asarray(keras.ops.convert_to_numpy(init((7, 5), dtype)))
    want = vs.VarianceScaling(1.0, "fan_in", "untruncated_normal", seed=3)((7, 5), dtype)
    held = keras.backend.standardize_dtype(keras.ops.convert_to_tensor(np.zeros(1), dtype=dtype).dtype)
    if held != dtype:  # the jax backend without x64 keeps float64 as float32
        assert (dtype, held) == ("float64", "float32")
        want = want.astype(np.float32)
    assert got.dtype == want.dtype
    assert np.array_equal(got.view(np.uint8), want.view(np.uint8))
    default = np.asarray(keras.ops.convert_to_numpy(init((7, 5))))
    assert default.dtype == np.dtype(keras.config.floatx())


def test_model_json_round_trip() -> None:
    model = build(vsk.he_normal(seed=3), vsk.VarianceScaling(1.5, "fan_out", "untruncated_normal", seed=9,
                                                             input_axes=[0], output_axes=[1]))
    text = model.to_json()
    entry = json.loads(text)["config"]["layers"][1]["config"]["kernel_initializer"]
    assert entry["registered_name"] == "variance_scaling>VarianceScaling"
    assert entry["config"] == {"seed": 3, "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal",
                               "input_axes": None, "output_axes": None}
    again = keras.models.model_from_json(text)
    for name in ("conv", "dense"):
        init = again.get_layer(name).kernel_initializer
        assert isinstance(init, vsk.VarianceScaling)
        assert init.get_config() == model.get_layer(name).kernel_initializer.get_config()
        assert np.array_equal(kernel(again.get_layer(name)), kernel(model.get_layer(name)))


@pytest.mark.parametrize("init", [
    vsk.VarianceScaling(seed=1),
    vsk.VarianceScaling(3.0, "fan_avg", "normal", seed=2**64 - 1, input_axes=[0], output_axes=[-1]),
    vsk.glorot_uniform(seed=5),
    vsk.VarianceScaling(seed=4, algorithm=1),
    vsk.VarianceScaling(),
])
def test_serialize_deserialize(init: vsk.VarianceScaling) -> None:
    data = keras.initializers.serialize(init)
    assert data["registered_name"] == "variance_scaling>VarianceScaling"
    back = keras.initializers.deserialize(json.loads(json.dumps(data)))
    assert type(back) is vsk.VarianceScaling
    assert back.get_config() == init.get_config()
    assert keras.initializers.get(data).get_config() == init.get_config()
    c = init.get_config()
    assert list(c)[:6] == ["seed", "scale", "mode", "distribution", "input_axes", "output_axes"]
    if init.seed is not None:
        assert np.array_equal(np.asarray(back((4, 6))), np.asarray(init((4, 6))))
    assert ("algorithm" in c) == (init.initializer.algorithm != vs.DEFAULT_ALGORITHM)
    # its six keys are Keras's own VarianceScaling's
    six = {k: c[k] for k in list(c)[:6]}
    assert keras.initializers.VarianceScaling(**six).get_config() == six


def test_unseeded_differs_per_call_like_keras() -> None:
    init = vsk.VarianceScaling()
    a, b = np.asarray(init((32, 32))), np.asarray(init((32, 32)))
    assert not np.array_equal(a, b)
    assert init.get_config()["seed"] is None


@pytest.mark.parametrize("keras_cls, preset, vsk_preset", [
    (keras.initializers.HeNormal, vs.he_normal, vsk.he_normal),
    (keras.initializers.HeUniform, vs.he_uniform, vsk.he_uniform),
    (keras.initializers.GlorotNormal, vs.glorot_normal, vsk.glorot_normal),
    (keras.initializers.GlorotUniform, vs.glorot_uniform, vsk.glorot_uniform),
    (keras.initializers.LecunNormal, vs.lecun_normal, vsk.lecun_normal),
    (keras.initializers.LecunUniform, vs.lecun_uniform, vsk.lecun_uniform),
])
def test_presets_are_keras_defaults(keras_cls: type, preset: object, vsk_preset: object) -> None:
    k = keras_cls(seed=17)
    want = {"seed": 17, "scale": float(k.scale), "mode": k.mode, "distribution": k.distribution}
    for c in (preset(seed=17).get_config(), vsk_preset(seed=17).get_config()):  # type: ignore[operator]
        assert {key: c[key] for key in want} == want
    # and the library reads Keras's own serialization of the preset as the same config
    back = vs.VarianceScaling.from_config(keras.initializers.serialize(k))
    assert {key: back.get_config()[key] for key in want} == want
