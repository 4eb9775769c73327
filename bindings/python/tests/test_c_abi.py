"""The package against the C library itself (ctypes): the same bits for the
same config, seed, shape, dtype and algorithm, and the same status and
message for the same bad input. scripts/test-python-package.sh builds the
library and sets VS_LIB to it."""

from __future__ import annotations

import ctypes
import json
import os
from typing import Any

import numpy as np
import pytest

import variance_scaling as vs

LIB_PATH = os.environ.get("VS_LIB")
pytestmark = pytest.mark.skipif(not LIB_PATH, reason="VS_LIB is not set (scripts/test-python-package.sh sets it)")

P = ctypes.c_void_p
CTYPE = {"float32": ctypes.c_float, "float64": ctypes.c_double, "float16": ctypes.c_uint16, "bfloat16": ctypes.c_uint16}
SUFFIX = {"float32": "f32", "float64": "f64", "float16": "f16", "bfloat16": "bf16"}
NAMES = {code: name for name, code in vs.STATUS_CODES.items()}


@pytest.fixture(scope="module")
def lib() -> Any:
    assert LIB_PATH and os.path.exists(LIB_PATH), f"VS_LIB={LIB_PATH!r} does not exist"
    c = ctypes.CDLL(LIB_PATH)
    c.vs_from_config_json.argtypes = [ctypes.c_char_p, ctypes.POINTER(P)]
    c.vs_with_algorithm.argtypes = [P, ctypes.c_uint32, ctypes.POINTER(P)]
    c.vs_destroy.argtypes = [P]
    c.vs_last_error_message.restype = ctypes.c_char_p
    for dtype, s in SUFFIX.items():
        f = getattr(c, f"vs_fill_{s}")
        f.argtypes = [P, ctypes.POINTER(ctypes.c_int64), ctypes.c_size_t, ctypes.POINTER(CTYPE[dtype]), ctypes.c_size_t]
    return c


def c_handle(lib: Any, text: str, algorithm: int | None = None) -> int:
    h = P()
    st = lib.vs_from_config_json(text.encode(), ctypes.byref(h))
    assert st == 0, lib.vs_last_error_message()
    if algorithm is not None:
        h2 = P()
        assert lib.vs_with_algorithm(h, algorithm, ctypes.byref(h2)) == 0
        lib.vs_destroy(h)
        h = h2
    assert h.value is not None
    return h.value


def c_fill(lib: Any, h: int, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    out = np.zeros(shape, dtype=np.uint16 if dtype in ("float16", "bfloat16") else dtype)
    dims = (ctypes.c_int64 * len(shape))(*shape)
    ptr = out.ctypes.data_as(ctypes.POINTER(CTYPE[dtype]))
    st = getattr(lib, f"vs_fill_{SUFFIX[dtype]}")(h, dims, len(shape), ptr, out.size)
    assert st == 0, lib.vs_last_error_message()
    return out


CONFIGS = [
    '{"seed": 42, "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}',
    '{"seed": 0, "scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}',
    '{"seed": 18446744073709551615, "scale": 3.0, "mode": "fan_out", "distribution": "untruncated_normal",'
    ' "input_axes": [1, 2], "output_axes": [0]}',
    '{"class_name": "GlorotNormal", "config": {"seed": 7}}',
]


@pytest.mark.parametrize("algorithm", [1, 2])
@pytest.mark.parametrize("text", CONFIGS)
def test_same_bits_as_c(lib: Any, text: str, algorithm: int) -> None:
    init = vs.VarianceScaling.from_config(text).with_algorithm(algorithm)
    h = c_handle(lib, text, algorithm)
    try:
        for shape in [(3, 3, 16, 32), (1030, 7), (5,)][: 3 if "axes" not in text else 1]:
            for dtype in SUFFIX:
                want = c_fill(lib, h, shape, dtype)
                got = init(shape, dtype)
                assert np.array_equal(got.view(want.dtype), want), (shape, dtype)
    finally:
        lib.vs_destroy(h)


@pytest.mark.parametrize("text", [
    '{"scale": 0}', '{"scale": NaN}', '{"mode": "fan"}', '{"distribution": "gauss"}',
    '{"seed": -1}', '{"dtype": "int8"}', '{"colour": 1}', '{"input_axes": [0]}', "[1]", "{",
    json.dumps({"class_name": "Orthogonal", "config": {}}),
])
def test_same_status_and_message_as_c(lib: Any, text: str) -> None:
    h = P()
    st = lib.vs_from_config_json(text.encode(), ctypes.byref(h))
    assert st != 0 and h.value is None
    c_message = lib.vs_last_error_message().decode()
    with pytest.raises(vs.VarianceScalingError) as e:
        vs.VarianceScaling.from_config(text)
    assert (e.value.status, e.value.code, e.value.message) == (NAMES[st], st, c_message)


def test_same_algorithm_error_as_c(lib: Any) -> None:
    h = c_handle(lib, "{}")
    try:
        out = P()
        st = lib.vs_with_algorithm(h, 3, ctypes.byref(out))
        c_message = lib.vs_last_error_message().decode()
    finally:
        lib.vs_destroy(h)
    with pytest.raises(vs.VarianceScalingValueError) as e:
        vs.VarianceScaling().with_algorithm(3)
    assert (e.value.status, e.value.message) == (NAMES[st], c_message)
