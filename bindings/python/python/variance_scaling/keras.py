"""A Keras 3 initializer over libvariance_scaling.

``variance_scaling.keras.VarianceScaling`` takes Keras's arguments (and an
optional ``algorithm``), is registered serializable as
``"variance_scaling>VarianceScaling"``, and works as ``kernel_initializer=``
in any layer: a seeded one gives the layer the library's bits for the
kernel's shape, the same as C and Go for the same config and shape.

This module imports keras (>= 3.15), which the package does not depend on:
``pip install keras``. docs/python.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras  # type: ignore[import-untyped,import-not-found,unused-ignore]

import variance_scaling as _vs

__all__ = [
    "VarianceScaling",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
]


@keras.saving.register_keras_serializable(package="variance_scaling")
class VarianceScaling(keras.initializers.Initializer):  # type: ignore[misc,unused-ignore]
    """Keras's ``VarianceScaling`` with the library's values.

    With a seed every call with a shape and dtype gives the library's fill
    of that shape in that dtype. With ``seed=None`` each call draws a fresh
    seed from the operating system, as Keras's own unseeded initializers
    give each layer other values. ``algorithm`` (a name or number, None:
    the default) is kept in ``get_config()`` only when it is not the
    default, so the config of a default one is exactly Keras's."""

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
        algorithm: int | str | None = None,
    ) -> None:
        vs = _vs.VarianceScaling(scale, mode, distribution, seed, input_axes, output_axes)
        if algorithm is not None:
            vs = vs.with_algorithm(algorithm)
        self._vs = vs
        self._config = vs.get_config()
        # the canonical values, as Keras's own VarianceScaling has them
        self.scale = self._config["scale"]
        self.mode = self._config["mode"]
        self.distribution = self._config["distribution"]
        self.seed = self._config["seed"]

    @property
    def initializer(self) -> _vs.VarianceScaling:
        """The package's initializer this one fills with (unseeded: with the
        seed it drew once)."""
        return self._vs

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = keras.backend.standardize_dtype(dtype or keras.config.floatx())
        vs = self._vs if self._config["seed"] is not None else self._vs.with_seed(None)
        values = vs(tuple(shape), dtype)
        return keras.ops.convert_to_tensor(values, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = dict(self._config)
        if self._vs.algorithm != _vs.DEFAULT_ALGORITHM:
            config["algorithm"] = self._vs.algorithm
        return config


def _preset(scale: float, mode: str, distribution: str, seed: int | None) -> VarianceScaling:
    return VarianceScaling(scale, mode, distribution, seed)


def he_normal(seed: int | None = None) -> VarianceScaling:
    """Keras ``HeNormal`` with the library's values."""
    return _preset(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed: int | None = None) -> VarianceScaling:
    """Keras ``HeUniform`` with the library's values."""
    return _preset(2.0, "fan_in", "uniform", seed)


def glorot_normal(seed: int | None = None) -> VarianceScaling:
    """Keras ``GlorotNormal`` with the library's values."""
    return _preset(1.0, "fan_avg", "truncated_normal", seed)


def glorot_uniform(seed: int | None = None) -> VarianceScaling:
    """Keras ``GlorotUniform`` with the library's values."""
    return _preset(1.0, "fan_avg", "uniform", seed)


def lecun_normal(seed: int | None = None) -> VarianceScaling:
    """Keras ``LecunNormal`` with the library's values."""
    return _preset(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed: int | None = None) -> VarianceScaling:
    """Keras ``LecunUniform`` with the library's values."""
    return _preset(1.0, "fan_in", "uniform", seed)
