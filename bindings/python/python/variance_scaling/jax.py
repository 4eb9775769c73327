"""A JAX initializer over libvariance_scaling: ``init(key, shape, dtype)``.

The values are the library's fill of ``shape`` in ``dtype`` with the seed
derived from the key's data by this rule (:func:`key_seed`):

* a key of two uint32 words ``(w0, w1)`` (``threefry2x32``, JAX's default,
  typed ``jax.random.key`` or raw ``jax.random.PRNGKey``): the seed is
  ``w0 * 2**32 + w1``, so ``jax.random.key(42)`` gives the bits of
  ``VarianceScaling(..., seed=42)`` in C, Go, Rust and Python for seeds
  below 2**32 (and below 2**63 with ``jax_enable_x64``);
* a key of any other number of words (``rbg``, ``unsafe_rbg``: four):
  ``derive_seed_name(0, the words as big-endian bytes)`` (docs/seeds.md).

Works eagerly, under ``jax.jit`` and ``jax.vmap`` over keys (the fill runs
on the host through ``jax.pure_callback``). float64 needs
``jax_enable_x64``, as everywhere in JAX. The distribution names are the
library's (Keras's): ``"normal"`` is the truncated normal, as in Keras, not
the untruncated one as in ``jax.nn.initializers``; say
``"untruncated_normal"`` for that.

This module imports jax, which the package does not depend on. docs/python.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import variance_scaling as _vs

__all__ = [
    "Initializer",
    "from_initializer",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "key_seed",
    "lecun_normal",
    "lecun_uniform",
    "variance_scaling",
]

#: ``init(key, shape, dtype=jnp.float32) -> jax.Array``, the signature of
#: ``jax.nn.initializers``.
Initializer = Callable[..., jax.Array]


def _key_words(key: Any) -> Any:
    """The key's data as uint32 words (a traced value under jit)."""
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        return jax.random.key_data(key)
    if key.dtype != jnp.uint32:
        raise _vs.VarianceScalingTypeError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `key` must be a typed JAX key or a uint32 key array; received: a {key.dtype} array",
        )
    return key


def _seed_of_words(words: Any) -> int:
    w = [int(x) for x in np.asarray(words, dtype=np.uint32).ravel()]
    if len(w) == 2:
        return (w[0] << 32) | w[1]
    data = b"".join(x.to_bytes(4, "big") for x in w)
    return _vs.derive_seed_name(0, data)


def key_seed(key: Any) -> int:
    """The library seed of a concrete (not traced) JAX key, by the rule of
    this module's docs."""
    words = _key_words(jnp.asarray(key) if not hasattr(key, "dtype") else key)
    return _seed_of_words(np.asarray(words))


def from_initializer(vs: _vs.VarianceScaling) -> Initializer:
    """A JAX initializer with `vs`'s config and algorithm (its seed is
    replaced by the key's)."""

    def init(key: Any, shape: Sequence[int], dtype: Any = jnp.float32) -> jax.Array:
        dt = np.dtype(jax.dtypes.canonicalize_dtype(dtype))
        dims = tuple(int(d) for d in shape)
        vs.describe(dims)  # a bad shape fails at trace time, with the library's error
        words = _key_words(key)
        if words.ndim != 1:
            raise _vs.VarianceScalingValueError(
                "VS_ERR_INVALID_CONFIG",
                f"argument `key` must be one key (use jax.vmap over keys); received: key data of shape {words.shape}",
            )

        def host(w: Any) -> Any:
            return vs.with_seed(_seed_of_words(w))(dims, dt)

        like = jax.ShapeDtypeStruct(dims, dt)  # type: ignore[no-untyped-call,unused-ignore]
        result: jax.Array = jax.pure_callback(host, like, words, vmap_method="sequential")
        return result

    return init


def variance_scaling(
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
    *,
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
    algorithm: int | str | None = None,
) -> Initializer:
    """``init(key, shape, dtype)`` for this config (Keras's arguments and
    fan rule: kernels are ``(..., in, out)``)."""
    vs = _vs.VarianceScaling(scale, mode, distribution, 0, input_axes, output_axes)
    if algorithm is not None:
        vs = vs.with_algorithm(algorithm)
    return from_initializer(vs)


def he_normal() -> Initializer:
    """He normal: ``variance_scaling(2.0, "fan_in", "truncated_normal")``."""
    return variance_scaling(2.0, "fan_in", "truncated_normal")


def he_uniform() -> Initializer:
    """He uniform: ``variance_scaling(2.0, "fan_in", "uniform")``."""
    return variance_scaling(2.0, "fan_in", "uniform")


def glorot_normal() -> Initializer:
    """Glorot normal: ``variance_scaling(1.0, "fan_avg", "truncated_normal")``."""
    return variance_scaling(1.0, "fan_avg", "truncated_normal")


def glorot_uniform() -> Initializer:
    """Glorot uniform: ``variance_scaling(1.0, "fan_avg", "uniform")``."""
    return variance_scaling(1.0, "fan_avg", "uniform")


def lecun_normal() -> Initializer:
    """LeCun normal: ``variance_scaling(1.0, "fan_in", "truncated_normal")``."""
    return variance_scaling(1.0, "fan_in", "truncated_normal")


def lecun_uniform() -> Initializer:
    """LeCun uniform: ``variance_scaling(1.0, "fan_in", "uniform")``."""
    return variance_scaling(1.0, "fan_in", "uniform")
