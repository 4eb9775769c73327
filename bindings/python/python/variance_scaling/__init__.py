"""libvariance_scaling for Python: Keras's VarianceScaling weight
initializer with the same bits as the library's C, Rust and Go APIs.

>>> import variance_scaling as vs
>>> w = vs.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=42)((3, 3, 64, 64))

Fills run in the Rust core with the GIL released. Errors are
:class:`VarianceScalingValueError` / :class:`VarianceScalingTypeError`
(subclasses of :class:`VarianceScalingError`, ``ValueError`` and
``TypeError``) carrying the C status name and message. Keras and JAX
adapters: :mod:`variance_scaling.keras`, :mod:`variance_scaling.jax`
(imported on demand; neither framework is a dependency). docs/python.md.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Union

import ml_dtypes
import numpy as np
import numpy.typing as npt

from . import _core
from ._errors import (
    STATUS_CODES,
    VarianceScalingError,
    VarianceScalingTypeError,
    VarianceScalingValueError,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "STATUS_CODES",
    "Description",
    "VarianceScaling",
    "VarianceScalingError",
    "VarianceScalingTypeError",
    "VarianceScalingValueError",
    "derive_seed",
    "derive_seed_name",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
]

#: The package's version: its crate's (bindings/python/Cargo.toml), which is
#: also the wheel's; tests/test_packaging.py checks it is the library's.
__version__: str = _core.__version__

#: Algorithm number -> name (``vs_algorithm_name``), from the core.
ALGORITHMS: dict[int, str] = dict(_core.ALGORITHMS)
#: The algorithm new initializers use (``"splitmix64-ctr-v2"``).
DEFAULT_ALGORITHM: str = _core.DEFAULT_ALGORITHM

#: What ``dtype=`` takes: a name (``"float32"``, ``"bfloat16"``, ...), a
#: numpy scalar type or ``ml_dtypes.bfloat16``, or a ``numpy.dtype``.
DTypeLike = Union[str, type, "np.dtype[Any]"]

_KINDS: dict[np.dtype[Any], str] = {
    np.dtype(np.float32): "f32",
    np.dtype(np.float64): "f64",
    np.dtype(np.float16): "f16",
    np.dtype(ml_dtypes.bfloat16): "bf16",
}
_INT64_MAX = 2**63 - 1


def _kind(dtype: Any, name: str = "dtype") -> tuple[np.dtype[Any], str]:
    """The numpy dtype and the core's element kind of `dtype`."""
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_DTYPE",
            f"argument `{name}` must be float32, float64, float16 or bfloat16; received: {name}={dtype!r} ({e})",
        ) from None
    kind = _KINDS.get(dt)
    if kind is None:
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_DTYPE",
            f"argument `{name}` must be float32, float64, float16 or bfloat16; received: {name}={dt.name}",
        )
    return dt, kind


def _ints(name: str, value: Any) -> list[int]:
    """A sequence of int64 values (a shape, start or extent)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        if isinstance(value, np.ndarray) and value.ndim == 1:
            value = value.tolist()
        else:
            raise VarianceScalingTypeError(
                "VS_ERR_INVALID_SHAPE",
                f"argument `{name}` must be a sequence of integers; received: {name}={value!r}",
            )
    out = []
    for v in value:
        if isinstance(v, bool):
            raise VarianceScalingTypeError(
                "VS_ERR_INVALID_SHAPE",
                f"argument `{name}` must be a sequence of integers; received: {name}={value!r}",
            )
        try:
            i = operator.index(v)
        except TypeError:
            raise VarianceScalingTypeError(
                "VS_ERR_INVALID_SHAPE",
                f"argument `{name}` must be a sequence of integers; received: {name}={value!r}",
            ) from None
        if not -_INT64_MAX - 1 <= i <= _INT64_MAX:
            raise VarianceScalingValueError(
                "VS_ERR_INVALID_SHAPE",
                f"argument `{name}` has a value outside int64; received: {name}={value!r}",
            )
        out.append(i)
    return out


def _count(name: str, value: Any) -> int:
    """An element offset or count of ``fill_range``: an int >= 0."""
    if isinstance(value, (bool, np.bool_)):
        i = None
    else:
        try:
            i = operator.index(value)
        except TypeError:
            i = None
    if i is None:
        raise VarianceScalingTypeError(
            "VS_ERR_BUFFER_SIZE",
            f"argument `{name}` must be an integer >= 0; received: {name}={value!r} of type {type(value).__name__}",
        )
    if i < 0:
        raise VarianceScalingValueError(
            "VS_ERR_BUFFER_SIZE", f"argument `{name}` must be >= 0; received: {name}={i}"
        )
    return i


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as Python numbers and lists, for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _config_text(config: Any) -> str:
    """A config argument as JSON text for the core."""
    if isinstance(config, str):
        return config
    if not isinstance(config, Mapping):
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `config` must be a dict or JSON text; received: config={config!r}",
        )
    try:
        return json.dumps(_plain(config))
    except (TypeError, ValueError) as e:
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `config` is not JSON-serializable ({e}); received: config={config!r}",
        ) from None


class Description(NamedTuple):
    """What a fill of a shape uses (``vs_describe_ex``)."""

    fan_in: int
    fan_out: int
    #: ``max(1, fan)`` for the mode (real-valued for ``fan_avg``).
    n: float
    #: The stddev of the underlying normal; 0 for uniform.
    stddev: float
    #: The largest possible ``|value|`` (``inf`` for the untruncated normal).
    limit: float
    #: The standard deviation of the values: ``sqrt(scale / n)``.
    value_stddev: float


class VarianceScaling:
    """Keras 3's ``VarianceScaling`` over libvariance_scaling.

    Arguments as Keras's (``input_axes``/``output_axes`` as in Keras
    3.15); they are checked now, by the library's own rules. ``seed=None``
    draws a seed from the operating system once: the object then gives the
    same values on every call (``seed`` tells which), like a C handle.
    Immutable; :meth:`with_algorithm` and :meth:`with_seed` return new
    objects."""

    __slots__ = ("_h",)
    _h: _core.Handle

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        config = {
            "scale": scale,
            "mode": mode,
            "distribution": distribution,
            "seed": seed,
            "input_axes": input_axes,
            "output_axes": output_axes,
        }
        self._h = _core.Handle.from_json(_config_text(config))

    @classmethod
    def _wrap(cls, handle: _core.Handle) -> VarianceScaling:
        obj = cls.__new__(cls)
        obj._h = handle
        return obj

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | str) -> VarianceScaling:
        """From a dict or JSON text in any form the C library reads
        (``vs_from_config_json``, docs/config-json.md): a ``get_config()``
        dict, a serialized Keras initializer (``VarianceScaling`` or a
        preset), or a name such as ``'"he_normal"'`` (JSON text)."""
        return cls._wrap(_core.Handle.from_json(_config_text(config)))

    def get_config(self) -> dict[str, Any]:
        """Keras's six keys: ``seed`` (None when unseeded), ``scale``,
        ``mode``, ``distribution``, ``input_axes``, ``output_axes``. The
        algorithm is not part of it (as in C)."""
        config: dict[str, Any] = json.loads(self._h.config_json())
        return config

    @property
    def seed(self) -> int:
        """The seed in use (the one drawn from the OS when unseeded)."""
        return self._h.seed

    @property
    def algorithm(self) -> str:
        """The algorithm's name: ``"splitmix64-ctr-v2"`` unless chosen."""
        return self._h.algorithm

    def with_algorithm(self, algorithm: int | str) -> VarianceScaling:
        """The same initializer with another algorithm, by number (1, 2) or
        name (``"pcg64-block-v1"``, ``"splitmix64-ctr-v2"``)."""
        if isinstance(algorithm, str):
            numbers = {name: n for n, name in ALGORITHMS.items()}
            if algorithm not in numbers:
                names = ", ".join(f'"{n}"' for n in numbers)
                raise VarianceScalingValueError(
                    "VS_ERR_INVALID_ALGORITHM",
                    f"argument `algorithm` must be one of {names} or its number; received: algorithm={algorithm!r}",
                )
            return self._wrap(self._h.with_algorithm(numbers[algorithm]))
        if isinstance(algorithm, bool) or not isinstance(algorithm, (int, np.integer)):
            raise VarianceScalingTypeError(
                "VS_ERR_INVALID_ALGORITHM",
                f"argument `algorithm` must be a name or a number; received: algorithm={algorithm!r}",
            )
        number = int(algorithm)
        if not -(2**63) <= number < 2**63:
            raise VarianceScalingValueError(
                "VS_ERR_INVALID_ALGORITHM",
                "argument `algorithm` must be VS_ALGORITHM_PCG64_BLOCK_V1 (1) or "
                f"VS_ALGORITHM_SPLITMIX64_CTR_V2 (2); received: algorithm={number}",
            )
        return self._wrap(self._h.with_algorithm(number))

    def with_seed(self, seed: int | None) -> VarianceScaling:
        """The same initializer (and algorithm) with another seed; ``None``
        draws a fresh one from the OS."""
        config = self.get_config()
        config["seed"] = seed
        h = _core.Handle.from_json(_config_text(config))
        number = {name: n for n, name in ALGORITHMS.items()}[self.algorithm]
        return self._wrap(h.with_algorithm(number))

    def describe(self, shape: Sequence[int]) -> Description:
        """Fans, ``n``, stddev and limit for `shape`, without drawing."""
        return Description(*self._h.describe(_ints("shape", shape)))

    def __call__(self, shape: Sequence[int], dtype: DTypeLike = "float32") -> npt.NDArray[Any]:
        """A new array of `shape` and `dtype` with the library's values."""
        dt, kind = _kind(dtype)
        dims = _ints("shape", shape)
        self._h.describe(dims)  # the shape's error before any allocation
        out = _empty("shape", dims, dt)
        self._h.fill(dims, _flat(out, kind), kind)
        return out

    def fill(self, out: npt.NDArray[Any]) -> None:
        """Fills an existing writable C-contiguous array of a supported
        dtype with the tensor of its shape. On error `out` is untouched."""
        kind = _check_out(out)
        self._h.fill(list(out.shape), _flat(out, kind), kind)

    def fill_range(
        self, shape: Sequence[int], offset: int, count: int, dtype: DTypeLike = "float32"
    ) -> npt.NDArray[Any]:
        """Elements ``[offset, offset + count)`` of the row-major tensor
        `shape` (fans from the whole shape), as a new 1-d array."""
        dt, kind = _kind(dtype)
        off = _count("offset", offset)
        n = _count("count", count)
        dims = _ints("shape", shape)
        self._h.describe(dims)
        total = 1
        for d in dims:
            total *= d
        if off + n > total:
            raise VarianceScalingValueError(
                "VS_ERR_BUFFER_SIZE",
                f"offset = {off} + count = {n} is past the end of shape {tuple(dims)} ({total} elements)",
            )
        out = _empty("count", [n], dt, n)
        self._h.fill_range(dims, off, _flat(out, kind), kind)
        return out

    def fill_slice(
        self,
        shape: Sequence[int],
        start: Sequence[int],
        extent: Sequence[int],
        dtype: DTypeLike = "float32",
    ) -> npt.NDArray[Any]:
        """The box ``[start, start + extent)`` of the tensor `shape`, as a
        new array of shape `extent`: equal to
        ``self(shape)[start[0]:start[0]+extent[0], ...]``, computed
        without the rest of the tensor."""
        dt, kind = _kind(dtype)
        dims = _ints("shape", shape)
        st = _ints("start", start)
        ex = _ints("extent", extent)
        inside = len(st) == len(ex) == len(dims) and all(
            0 <= s and 0 <= e and s + e <= d for d, s, e in zip(dims, st, ex)
        )
        if not inside:
            # a box outside the shape: the core names the bad start or
            # extent (before numpy would fail to allocate `extent`)
            self._h.fill_slice(dims, st, ex, np.empty(0, np.float32), "f32")
        out = _empty("extent", ex, dt)
        self._h.fill_slice(dims, st, ex, _flat(out, kind), kind)
        return out

    def __repr__(self) -> str:
        c = self.get_config()
        args = ", ".join(f"{k}={v!r}" for k, v in c.items() if k in ("scale", "mode", "distribution", "seed"))
        axes = "" if c["input_axes"] is None else f", input_axes={c['input_axes']!r}, output_axes={c['output_axes']!r}"
        algo = "" if self.algorithm == DEFAULT_ALGORITHM else f".with_algorithm({self.algorithm!r})"
        return f"VarianceScaling({args}{axes}){algo}"

    def __copy__(self) -> VarianceScaling:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> VarianceScaling:
        return self


def _empty(name: str, dims: Sequence[int], dt: np.dtype[Any], shown: Any = None) -> npt.NDArray[Any]:
    """A new array for a fill; an array larger than the address space is
    the package's error naming `name` (running out of memory stays
    numpy's ``MemoryError``)."""
    try:
        return np.empty(dims, dtype=dt)
    except ValueError as e:
        raise VarianceScalingValueError(
            "VS_ERR_INVALID_SHAPE",
            f"argument `{name}` asks for an array larger than this machine can address ({e}); "
            f"received: {name}={tuple(dims) if shown is None else shown!r}, dtype={dt.name}",
        ) from None


def _check_out(out: Any) -> str:
    """The element kind of an output array, or the error for it."""
    if not isinstance(out, np.ndarray):
        raise VarianceScalingTypeError(
            "VS_ERR_NULL_ARGUMENT",
            f"argument `out` must be a numpy.ndarray; received: out of type {type(out).__name__}",
        )
    _, kind = _kind(out.dtype, "out.dtype")
    flags = out.flags
    for ok, what in ((flags.c_contiguous, "C-contiguous"), (flags.writeable, "writable"), (flags.aligned, "aligned")):
        if not ok:
            raise VarianceScalingValueError(
                "VS_ERR_NULL_ARGUMENT",
                f"argument `out` must be a {what} array; received: an array of shape {out.shape} that is not {what}",
            )
    return kind


def _flat(out: npt.NDArray[Any], kind: str) -> npt.NDArray[Any]:
    """The buffer the core writes: the array itself, or a uint16 view of
    a 16-bit float array (numpy exports no buffer format for bfloat16),
    as a 1-d view (a 0-d array exports no buffer shape)."""
    flat = out.reshape(-1)
    return flat.view(np.uint16) if kind in ("f16", "bf16") else flat


def _u64(name: str, value: Any) -> int:
    """`value` as a uint64 (a seed, base or index): an int (or numpy
    integer) in ``[0, 2**64)``, else the package's error naming `name`."""
    if isinstance(value, (bool, np.bool_)):
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `{name}` must be an integer in [0, 2**64), not a bool; received: {name}={value!r}",
        )
    try:
        i = operator.index(value)
    except TypeError:
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `{name}` must be an integer in [0, 2**64); received: {name}={value!r} "
            f"of type {type(value).__name__}",
        ) from None
    if not 0 <= i < 2**64:
        raise VarianceScalingValueError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `{name}` must be an integer in [0, 2**64); received: {name}={i}",
        )
    return i


def derive_seed(base: int, index: int) -> int:
    """``vs_derive_seed``: the seed of tensor number `index` under `base`
    (docs/seeds.md). Both are integers in ``[0, 2**64)``."""
    return _core.derive_seed(_u64("base", base), _u64("index", index))


def derive_seed_name(base: int, name: str | bytes) -> int:
    """``vs_derive_seed_name``: the seed of the tensor called `name` under
    `base` (docs/seeds.md). A str is hashed as its UTF-8 bytes and must not
    hold a NUL character (the C function reads a name up to its NUL, and
    Go refuses such names alike); bytes are hashed as they are, zero bytes
    included (as the Rust API's ``&[u8]``)."""
    b = _u64("base", base)
    if isinstance(name, str):
        nul = name.find("\0")
        if nul >= 0:
            raise VarianceScalingValueError(
                "VS_ERR_INVALID_CONFIG",
                f"argument `name` holds a NUL character at index {nul}, which "
                f"vs_derive_seed_name cannot take (pass bytes for such names); received: name={name!r}",
            )
        try:
            data = name.encode("utf-8")
        except UnicodeEncodeError as e:
            raise VarianceScalingValueError(
                "VS_ERR_INVALID_CONFIG",
                f"argument `name` is not encodable as UTF-8 ({e.reason} at index {e.start}); received: name={name!r}",
            ) from None
    elif isinstance(name, bytes):
        data = bytes(name)
    else:
        raise VarianceScalingTypeError(
            "VS_ERR_INVALID_CONFIG",
            f"argument `name` must be str or bytes; received: name={name!r} of type {type(name).__name__}",
        )
    return _core.derive_seed_name(b, data)


def he_normal(seed: int | None = None, input_axes: Sequence[int] | None = None,
              output_axes: Sequence[int] | None = None) -> VarianceScaling:
    """Keras ``HeNormal``: ``VarianceScaling(2.0, "fan_in", "truncated_normal")``."""
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed, input_axes, output_axes)


def he_uniform(seed: int | None = None, input_axes: Sequence[int] | None = None,
               output_axes: Sequence[int] | None = None) -> VarianceScaling:
    """Keras ``HeUniform``: ``VarianceScaling(2.0, "fan_in", "uniform")``."""
    return VarianceScaling(2.0, "fan_in", "uniform", seed, input_axes, output_axes)


def glorot_normal(seed: int | None = None, input_axes: Sequence[int] | None = None,
                  output_axes: Sequence[int] | None = None) -> VarianceScaling:
    """Keras ``GlorotNormal``: ``VarianceScaling(1.0, "fan_avg", "truncated_normal")``."""
    return VarianceScaling(1.0, "fan_avg", "truncated_normal", seed, input_axes, output_axes)


def glorot_uniform(seed: int | None = None, input_axes: Sequence[int] | None = None,
                   output_axes: Sequence[int] | None = None) -> VarianceScaling:
    """Keras ``GlorotUniform``: ``VarianceScaling(1.0, "fan_avg", "uniform")``."""
    return VarianceScaling(1.0, "fan_avg", "uniform", seed, input_axes, output_axes)


def lecun_normal(seed: int | None = None, input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> VarianceScaling:
    """Keras ``LecunNormal``: ``VarianceScaling(1.0, "fan_in", "truncated_normal")``."""
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed, input_axes, output_axes)


def lecun_uniform(seed: int | None = None, input_axes: Sequence[int] | None = None,
                  output_axes: Sequence[int] | None = None) -> VarianceScaling:
    """Keras ``LecunUniform``: ``VarianceScaling(1.0, "fan_in", "uniform")``."""
    return VarianceScaling(1.0, "fan_in", "uniform", seed, input_axes, output_axes)
