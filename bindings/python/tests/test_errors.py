"""Errors: the C status names and messages, the exception classes, and
outputs left untouched."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest

import variance_scaling as vs
from conftest import HEADER
from variance_scaling import _core


def header_statuses() -> dict[str, int]:
    text = HEADER.read_text()
    body = text[text.index("enum vs_status"):]
    body = body[:body.index("}")]
    return {m[1]: int(m[2]) for m in re.finditer(r"\b(VS_(?:OK|ERR_\w+))\s*=\s*(\d+)", body)}


def test_status_table_is_the_headers() -> None:
    want = header_statuses()
    assert want.pop("VS_OK") == 0
    assert vs.STATUS_CODES == want
    assert [c for _, c in _core.STATUSES] == sorted(want.values())


def test_classes() -> None:
    assert issubclass(vs.VarianceScalingValueError, vs.VarianceScalingError)
    assert issubclass(vs.VarianceScalingValueError, ValueError)
    assert issubclass(vs.VarianceScalingTypeError, vs.VarianceScalingError)
    assert issubclass(vs.VarianceScalingTypeError, TypeError)


@contextmanager
def expect(exc_type: type[BaseException], status: str, *needles: str) -> Iterator[None]:
    """The block raises `exc_type` with `status`, a message holding each of
    `needles`, and both in str(e)."""
    with pytest.raises(exc_type) as info:
        yield
    e = info.value
    assert isinstance(e, vs.VarianceScalingError)
    assert e.status == status, (e.status, e.message)
    assert e.code == vs.STATUS_CODES[status]
    for n in needles:
        assert n in e.message, (n, e.message)
    assert e.message in str(e) and status in str(e)


@pytest.mark.parametrize("kwargs, status, needles", [
    (dict(scale=0.0), "VS_ERR_INVALID_SCALE", ["`scale`", "scale=0.0"]),
    (dict(scale=float("nan")), "VS_ERR_INVALID_SCALE", ["`scale`", "nan"]),
    (dict(scale=-1), "VS_ERR_INVALID_SCALE", ["`scale`", "-1"]),
    (dict(mode="fan_IN"), "VS_ERR_INVALID_MODE", ["`mode`", '"fan_IN"']),
    (dict(distribution="gauss"), "VS_ERR_INVALID_DISTRIBUTION", ["`distribution`", '"gauss"']),
    (dict(seed=-1), "VS_ERR_INVALID_CONFIG", ["seed", "-1"]),
    (dict(seed=2**64), "VS_ERR_INVALID_CONFIG", ["seed", str(2**64)]),
    (dict(input_axes=[0]), "VS_ERR_INVALID_CONFIG", ["axes"]),
])
def test_constructor_errors(kwargs: dict, status: str, needles: list[str]) -> None:  # type: ignore[type-arg]
    with expect(vs.VarianceScalingValueError, status, *needles):
        vs.VarianceScaling(**kwargs)


def test_config_errors() -> None:
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", "json"):
        vs.VarianceScaling.from_config("{not json")
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", "colour"):
        vs.VarianceScaling.from_config({"colour": 1})
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_DTYPE", "int32"):
        vs.VarianceScaling.from_config({"dtype": "int32"})
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_CONFIG", "JSON-serializable"):
        vs.VarianceScaling(seed=object())  # type: ignore[arg-type]
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_CONFIG", "config=3"):
        vs.VarianceScaling.from_config(3)  # type: ignore[arg-type]


def test_algorithm_errors() -> None:
    init = vs.he_normal(seed=1)
    for bad in (0, 3, -1, 2**70):
        with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_ALGORITHM", f"algorithm={bad}"):
            init.with_algorithm(bad)
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_ALGORITHM", "'pcg64'"):
        init.with_algorithm("pcg64")
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_ALGORITHM", "1.0"):
        init.with_algorithm(1.0)  # type: ignore[arg-type]


def test_shape_errors() -> None:
    init = vs.he_normal(seed=1)
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", "-3"):
        init((4, -3))
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE"):
        init((2**62, 2**62))
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", "int64"):
        init((2**63,))
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_SHAPE", "2.5"):
        init((2.5, 3))  # type: ignore[arg-type]
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_SHAPE", "'ab'"):
        init("ab")
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", "axes"):
        vs.VarianceScaling(seed=1, input_axes=[5], output_axes=[0])((2, 2))
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", "extent[1] = -1"):
        init.fill_slice((4, 4), (0, 0), (2, -1))
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", "`start`"):
        init.fill_slice((4, 4), (0,), (2, 2))
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE"):
        init.fill_slice((4, 4), (3, 0), (2, 2))
    with expect(vs.VarianceScalingValueError, "VS_ERR_BUFFER_SIZE", "offset = 10", "count = 7"):
        init.fill_range((4, 4), 10, 7)
    with expect(vs.VarianceScalingValueError, "VS_ERR_BUFFER_SIZE", "offset=-1"):
        init.fill_range((4, 4), -1, 2)


def test_uniform_limit_overflow() -> None:
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SCALE"):
        vs.VarianceScaling(1.7e308, distribution="uniform", seed=1)((1, 1), "float64")


@pytest.mark.parametrize("dtype", ["int32", "float128", "complex64", "uint16", "bogus"])
def test_dtype_errors(dtype: str) -> None:
    init = vs.he_normal(seed=1)
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_DTYPE", "`dtype`", dtype):
        init((2, 2), dtype)


def test_out_errors_leave_out_untouched() -> None:
    init = vs.he_normal(seed=1)
    base = np.full((8, 6), 5.0, dtype=np.float32)
    cases = [
        (base[:, ::2], vs.VarianceScalingValueError, "VS_ERR_NULL_ARGUMENT", "C-contiguous"),
        (base.T, vs.VarianceScalingValueError, "VS_ERR_NULL_ARGUMENT", "C-contiguous"),
        (np.full((4, 4), 5, dtype=np.int32), vs.VarianceScalingTypeError, "VS_ERR_INVALID_DTYPE", "int32"),
        (np.full((4, 4), 5, dtype=np.uint16), vs.VarianceScalingTypeError, "VS_ERR_INVALID_DTYPE", "uint16"),
    ]
    ro = np.full((4, 4), 5.0, dtype=np.float64)
    ro.flags.writeable = False
    cases.append((ro, vs.VarianceScalingValueError, "VS_ERR_NULL_ARGUMENT", "writable"))
    buf = np.zeros(8 * 4 + 4, dtype=np.uint8)
    unaligned = buf[1:1 + 8 * 4].view(np.float32)
    unaligned[:] = 5.0
    assert not unaligned.flags.aligned
    cases.append((unaligned, vs.VarianceScalingValueError, "VS_ERR_NULL_ARGUMENT", "aligned"))
    for out, cls, status, needle in cases:
        before = out.copy()
        with expect(cls, status, needle):
            init.fill(out)
        assert np.array_equal(out, before)
    assert np.all(base == 5.0)
    with expect(vs.VarianceScalingTypeError, "VS_ERR_NULL_ARGUMENT", "list"):
        init.fill([1.0, 2.0])  # type: ignore[arg-type]
    # a library error on a valid array: the fill checks before it writes
    wide = np.full((3, 3), 5.0, dtype=np.float32)
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", "axes"):
        vs.VarianceScaling(seed=1, input_axes=[7], output_axes=[0]).fill(wide)
    assert np.all(wide == 5.0)
    huge = np.full((1, 1), 5.0, dtype=np.float64)
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_SCALE"):
        vs.VarianceScaling(1.7e308, distribution="uniform", seed=1).fill(huge)
    assert np.all(huge == 5.0)


def test_backstop_checks_in_the_extension() -> None:
    """The extension module checks buffers itself too."""
    h = vs.he_normal(seed=1)._h
    with pytest.raises(vs.VarianceScalingValueError) as e:
        h.fill([2, 2], np.zeros((4, 4), np.float32)[:, ::2], "f32")
    assert e.value.status == "VS_ERR_NULL_ARGUMENT"
    with pytest.raises(vs.VarianceScalingTypeError) as t:
        h.fill([2, 2], np.zeros(4, np.float64), "f32")
    assert t.value.status == "VS_ERR_INVALID_DTYPE"
    with pytest.raises(vs.VarianceScalingTypeError) as k:
        h.fill([2, 2], np.zeros(4, np.float32), "f8")
    assert k.value.status == "VS_ERR_INVALID_DTYPE"
    with pytest.raises(vs.VarianceScalingValueError) as b:
        h.fill([2, 2], np.zeros(5, np.float32), "f32")
    assert b.value.status == "VS_ERR_BUFFER_SIZE" and "out_len = 5" in b.value.message


@pytest.mark.parametrize("call, needle", [
    (lambda: vs.derive_seed(-1, 0), "base=-1"),
    (lambda: vs.derive_seed(2**64, 0), f"base={2**64}"),
    (lambda: vs.derive_seed(0, -5), "index=-5"),
    (lambda: vs.derive_seed(0, 2**64), f"index={2**64}"),
    (lambda: vs.derive_seed(np.int64(-2), 0), "base=-2"),
    (lambda: vs.derive_seed_name(-1, "w"), "base=-1"),
    (lambda: vs.derive_seed_name(2**70, b"w"), f"base={2**70}"),
])
def test_derive_seed_out_of_range(call: Callable[[], int], needle: str) -> None:
    """A base or index outside uint64 is the package's ValueError naming
    the argument and the value (not PyO3's bare OverflowError)."""
    arg = needle.split("=")[0]
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", f"`{arg}`", needle, "2**64"):
        call()


@pytest.mark.parametrize("call, needle", [
    (lambda: vs.derive_seed(1.5, 0), "base=1.5 of type float"),
    (lambda: vs.derive_seed("1", 0), "base='1' of type str"),
    (lambda: vs.derive_seed(True, 0), "base=True"),
    (lambda: vs.derive_seed(0, 2.0), "index=2.0 of type float"),
    (lambda: vs.derive_seed(0, None), "index=None of type NoneType"),
    (lambda: vs.derive_seed_name(1.0, "w"), "base=1.0 of type float"),
    (lambda: vs.derive_seed_name(1, 5), "name=5 of type int"),
    (lambda: vs.derive_seed_name(1, None), "name=None of type NoneType"),
    (lambda: vs.derive_seed_name(1, bytearray(b"w")), "name=bytearray(b'w') of type bytearray"),
    (lambda: vs.derive_seed_name(1, ["w"]), "name=['w'] of type list"),
])
def test_derive_seed_wrong_types(call: Callable[[], int], needle: str) -> None:
    """A base or index that is not an integer, or a name that is neither
    str nor bytes, is the package's TypeError naming the argument and what
    it received (`derive_seed_name(1, 5)` used to hash bytes(5))."""
    with expect(vs.VarianceScalingTypeError, "VS_ERR_INVALID_CONFIG", f"`{needle.split('=')[0]}`", needle):
        call()


def test_derive_seed_name_nul_and_encoding() -> None:
    """A str name with a NUL character is refused, as C cannot pass it and
    Go refuses it; bytes are hashed as they are (the Rust API), so they
    tell apart names differing in trailing zero bytes (docs/seeds.md)."""
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", "`name`", "NUL", "index 1", r"name='w\x00'"):
        vs.derive_seed_name(1, "w\0")
    with expect(vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", "`name`", "UTF-8", r"\ud800"):
        vs.derive_seed_name(1, "w\ud800")
    assert vs.derive_seed_name(1, b"w\0") != vs.derive_seed_name(1, b"w") == vs.derive_seed_name(1, "w")
    # numpy integers are integers
    assert vs.derive_seed(np.uint64(2**64 - 1), np.int32(3)) == vs.derive_seed(2**64 - 1, 3)


@pytest.mark.parametrize("call, cls, status, needles", [
    (lambda: vs.VarianceScaling(seed=1.5), vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", ["seed", "1.5"]),
    (lambda: vs.VarianceScaling(seed="1"), vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", ["seed", '"1"']),
    (lambda: vs.VarianceScaling(seed=True), vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG", ["seed", "true"]),
    (lambda: vs.he_normal(seed=1).with_seed(-1), vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG",
     ["seed", "-1"]),
    (lambda: vs.he_normal(seed=1).with_seed(2**64), vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG",
     ["seed", str(2**64)]),
    (lambda: vs.he_normal(seed=1).with_seed(0.5), vs.VarianceScalingValueError, "VS_ERR_INVALID_CONFIG",
     ["seed", "0.5"]),
    (lambda: vs.VarianceScaling(seed=1, input_axes=[2**64], output_axes=[0]), vs.VarianceScalingValueError,
     "VS_ERR_INVALID_CONFIG", ["input_axes", str(2**64)]),
    (lambda: vs.he_normal(seed=1).fill_slice((4, 4), (-1, 0), (1, 1)), vs.VarianceScalingValueError,
     "VS_ERR_INVALID_SHAPE", ["start", "-1"]),
    (lambda: vs.he_normal(seed=1).fill_slice((4, 4), (2**64, 0), (1, 1)), vs.VarianceScalingValueError,
     "VS_ERR_INVALID_SHAPE", ["`start`", str(2**64)]),
    (lambda: vs.he_normal(seed=1).fill_slice((4, 4), (0, 0), (2**62, 1)), vs.VarianceScalingValueError,
     "VS_ERR_INVALID_SHAPE", ["extent", str(2**62)]),
    (lambda: vs.he_normal(seed=1).fill_slice((2**31, 2**31), (0, 0), (2**31, 2**31)), vs.VarianceScalingValueError,
     "VS_ERR_INVALID_SHAPE", ["`extent`", str(2**31)]),
    (lambda: vs.he_normal(seed=1)((2**31, 2**31)), vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE",
     ["`shape`", str(2**31)]),
    (lambda: vs.he_normal(seed=1)((-1, 4)), vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE", ["-1"]),
    (lambda: vs.he_normal(seed=1)((2**64, 4)), vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE",
     ["`shape`", str(2**64)]),
    (lambda: vs.he_normal(seed=1).describe((2**63,)), vs.VarianceScalingValueError, "VS_ERR_INVALID_SHAPE",
     ["`shape`", str(2**63)]),
    (lambda: vs.he_normal(seed=1).fill_range((4,), 2**64, 1), vs.VarianceScalingValueError, "VS_ERR_BUFFER_SIZE",
     [f"offset = {2**64}"]),
    (lambda: vs.he_normal(seed=1).fill_range((4,), 0, -3), vs.VarianceScalingValueError, "VS_ERR_BUFFER_SIZE",
     ["`count`", "count=-3"]),
    (lambda: vs.he_normal(seed=1).fill_range((4,), 1.5, 1), vs.VarianceScalingTypeError, "VS_ERR_BUFFER_SIZE",
     ["`offset`", "offset=1.5 of type float"]),
    (lambda: vs.he_normal(seed=1).fill_range((4,), 0, True), vs.VarianceScalingTypeError, "VS_ERR_BUFFER_SIZE",
     ["`count`", "count=True"]),
    (lambda: vs.he_normal(seed=1).with_algorithm(99), vs.VarianceScalingValueError, "VS_ERR_INVALID_ALGORITHM",
     ["`algorithm`", "algorithm=99"]),
    (lambda: vs.he_normal(seed=1).with_algorithm(True), vs.VarianceScalingTypeError, "VS_ERR_INVALID_ALGORITHM",
     ["`algorithm`", "algorithm=True"]),
])
def test_every_int_argument(call: Callable[[], object], cls: type[vs.VarianceScalingError], status: str,
                            needles: list[str]) -> None:
    """Every public argument taking an integer (seeds, axes, shapes, boxes,
    offsets, counts, algorithm numbers) gives a package error naming the
    argument and the value for a negative, huge or non-integer value."""
    with expect(cls, status, *needles):
        call()
