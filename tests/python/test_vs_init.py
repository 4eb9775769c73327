"""vs-init's files read by other people's readers: the safetensors file with
the `safetensors` package, the GGUF file with the `gguf` package's
GGUFReader; every tensor is checked against the C library's own fill of it
(through ctypes), with its seed derived by vs_derive_seed_name.

Needs `pip install safetensors gguf numpy`; without them these tests fail
(they are not skipped). Builds target/release/vs-init when it is missing
(`cargo build --release -p vs-init`; scripts/test.sh builds it first).
"""

from __future__ import annotations

import ctypes
import json
import subprocess
from pathlib import Path

import pytest

import vslib

REPO = vslib.REPO
MODEL = REPO / "tools" / "vs-init" / "tests" / "data" / "model_to_json.json"

try:
    import numpy as np
    from safetensors.numpy import load_file
    from gguf import GGUFReader
    MISSING = None
except ImportError as e:  # fail, do not skip: CI installs them
    MISSING = e


@pytest.fixture(scope="module")
def tool() -> Path:
    if MISSING is not None:
        pytest.fail(f"vs-init's Python proofs need safetensors, gguf and numpy "
                    f"(pip install safetensors gguf numpy): {MISSING}")
    return vslib.vs_init_path()


@pytest.fixture(scope="module")
def c(lib):
    d = lib.dll
    d.vs_derive_seed_name.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
    d.vs_derive_seed_name.restype = ctypes.c_uint64
    d.vs_from_config_json.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    d.vs_from_config_json.restype = ctypes.c_int32
    d.vs_with_seed.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint64),
                               ctypes.POINTER(ctypes.c_void_p)]
    d.vs_with_seed.restype = ctypes.c_int32
    return lib


_NP = {"f32": "<f4", "f64": "<f8", "f16": "<f2"}


def library_fill(lib, init_json, name: str, base: int, shape, kind: str):
    """The C library's fill of `shape` by the initializer `init_json` (any
    form vs_from_config_json reads); an unseeded one gets
    vs_derive_seed_name(base, name), as vs-init's rule says."""
    d = lib.dll
    h = ctypes.c_void_p()
    lib.check(d.vs_from_config_json(json.dumps(init_json).encode(), ctypes.byref(h)),
              "vs_from_config_json")
    try:
        seed = seed_of(init_json)
        if seed is None:
            seed = d.vs_derive_seed_name(base, name.encode())
        seeded = ctypes.c_void_p()
        lib.check(d.vs_with_seed(h, ctypes.byref(ctypes.c_uint64(seed)), ctypes.byref(seeded)),
                  "vs_with_seed")
        init = vslib.Initializer(lib, None, None, None, None, handle=seeded)
        with init:
            buf = init.fill(kind, list(shape))
            return np.frombuffer(bytes(buf), dtype=_NP[kind]).reshape(shape)
    finally:
        d.vs_destroy(h)


def seed_of(init_json):
    if isinstance(init_json, dict):
        cfg = init_json.get("config", init_json)
        return cfg.get("seed")
    return None


def run(tool, *args):
    r = subprocess.run([str(tool), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r


def same_bits(a, b) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def model_kernels():
    """(name, initializer JSON) of every kernel of the fixture model, read
    here from the JSON itself."""
    model = json.loads(MODEL.read_text())
    out = {}
    for layer in model["config"]["layers"]:
        cfg = layer["config"]
        if "kernel_initializer" in cfg:
            out[cfg["name"] + "/kernel"] = cfg["kernel_initializer"]
            out[cfg["name"] + "/bias"] = None
    return out


def test_keras_model_safetensors_is_the_library_fill(tool, c, tmp_path):
    out = tmp_path / "model.safetensors"
    run(tool, MODEL, "-o", out, "--seed", 2024, "-q")
    tensors = load_file(str(out))
    kernels = model_kernels()
    assert sorted(tensors) == sorted(kernels)
    for name, init in kernels.items():
        t = tensors[name]
        assert t.dtype == np.float32
        if init is None:
            assert not t.any(), name
            continue
        ref = library_fill(c, init, name, 2024, t.shape, "f32")
        assert same_bits(t, ref), name
    assert tensors["dense/kernel"].shape == (25088, 10)
    assert tensors["conv2d/kernel"].shape == (3, 3, 3, 64)


MANIFEST = [
    {"name": "blocks.0.attn.q_proj.weight", "shape": [96, 64], "initializer": "glorot_uniform"},
    {"name": "blocks.0.mlp.w1", "shape": [64, 256], "dtype": "float16",
     "initializer": {"class_name": "HeNormal", "config": {"seed": 17}}},
    {"name": "blocks.0.mlp.w2", "shape": [256, 64], "dtype": "float64",
     "initializer": {"scale": 0.1, "mode": "fan_avg", "distribution": "untruncated_normal"}},
    {"name": "conv.weight", "shape": [5, 5, 3, 8],
     "initializer": {"class_name": "VarianceScaling",
                     "config": {"scale": 1.0, "mode": "fan_in", "distribution": "uniform",
                                "seed": None}}},
    {"name": "norm.scale", "shape": [64], "initializer": "ones"},
    {"name": "norm.bias", "shape": [64], "initializer": {"class_name": "Constant", "config": {"value": 0.5}}},
]


def check_manifest_tensor(c, entry, arr, base):
    kind = {"float16": "f16", "float64": "f64"}.get(entry.get("dtype"), "f32")
    assert arr.dtype == np.dtype(_NP[kind])
    assert list(arr.shape) == entry["shape"], entry["name"]
    init = entry["initializer"]
    if init == "ones":
        assert (arr == 1).all()
    elif isinstance(init, dict) and init.get("class_name") == "Constant":
        assert (arr == 0.5).all()
    else:
        ref = library_fill(c, init, entry["name"], base, arr.shape, kind)
        assert same_bits(arr, ref), entry["name"]


def test_manifest_safetensors_is_the_library_fill(tool, c, tmp_path):
    man = tmp_path / "manifest.json"
    man.write_text(json.dumps(MANIFEST))
    out = tmp_path / "m.safetensors"
    run(tool, man, "-o", out, "--seed", 77, "-q")
    tensors = load_file(str(out))
    assert sorted(tensors) == sorted(e["name"] for e in MANIFEST)
    for e in MANIFEST:
        check_manifest_tensor(c, e, tensors[e["name"]], 77)


def test_gguf_reader_sees_reversed_shapes_and_the_same_values(tool, c, tmp_path):
    man = tmp_path / "manifest.json"
    man.write_text(json.dumps(MANIFEST))
    out = tmp_path / "m.gguf"
    run(tool, man, "-o", out, "--seed", 77, "--format", "gguf", "-q")
    reader = GGUFReader(str(out))
    assert reader.alignment == 32
    assert bytes(reader.fields["general.architecture"].parts[-1]).decode() == "vs-init"
    by_name = {t.name: t for t in reader.tensors}
    assert sorted(by_name) == sorted(e["name"] for e in MANIFEST)
    ggml_type = {"f32": 0, "f16": 1, "f64": 28}
    for e in MANIFEST:
        t = by_name[e["name"]]
        # ggml's ne[0] is the fastest-varying dimension: the shape reversed
        assert [int(d) for d in t.shape] == e["shape"][::-1], e["name"]
        kind = {"float16": "f16", "float64": "f64"}.get(e.get("dtype"), "f32")
        assert int(t.tensor_type) == ggml_type[kind]
        assert t.data_offset % 32 == 0
        # the reader gives the data in numpy (row-major) order
        arr = np.asarray(t.data).reshape(e["shape"])
        check_manifest_tensor(c, e, arr, 77)


def test_keras_model_gguf_matches_its_safetensors(tool, tmp_path):
    st = tmp_path / "m.safetensors"
    gg = tmp_path / "m.gguf"
    run(tool, MODEL, "-o", st, "--seed", 5, "--dtype", "bf16", "-q")
    run(tool, MODEL, "-o", gg, "--seed", 5, "--dtype", "bf16", "--format", "gguf", "-q")
    # bf16: numpy has no such type; compare the raw bytes of both readers'
    # views (safetensors' header gives the offsets)
    raw = st.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    reader = GGUFReader(str(gg))
    assert len(reader.tensors) == len(header) - 1
    for t in reader.tensors:
        h = header[t.name]
        assert h["dtype"] == "BF16" and int(t.tensor_type) == 30
        assert [int(d) for d in t.shape] == h["shape"][::-1]
        a, b = h["data_offsets"]
        assert bytes(np.asarray(t.data).tobytes()) == raw[8 + n + a:8 + n + b], t.name
