"""ctypes binding of the parts of libvariance_scaling's C API these tests use
(declarations from include/variance_scaling.h)."""

from __future__ import annotations

import ctypes
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VS_OK = 0

c_i64p = ctypes.POINTER(ctypes.c_int64)
c_u64p = ctypes.POINTER(ctypes.c_uint64)


def release_dir() -> Path:
    """target/release of this checkout (or of $CARGO_TARGET_DIR)."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    return target / "release"


def library_path() -> Path:
    if os.environ.get("VS_LIB"):
        return Path(os.environ["VS_LIB"])
    return release_dir() / "libvariance_scaling.so"


def vs_init_path() -> Path:
    """The release build of vs-init (built first when missing)."""
    exe = release_dir() / "vs-init"
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release", "-p", "vs-init"], cwd=REPO, check=True)
    return exe


def load() -> "Lib":
    path = library_path()
    if not path.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    return Lib(ctypes.CDLL(str(path)))


class VsError(RuntimeError):
    pass


class Lib:
    def __init__(self, dll: ctypes.CDLL):
        self.dll = dll
        d = dll
        d.vs_create.argtypes = [ctypes.c_double, ctypes.c_uint32, ctypes.c_uint32, c_u64p,
                                ctypes.POINTER(ctypes.c_void_p)]
        d.vs_create.restype = ctypes.c_int32
        d.vs_create_with_axes.argtypes = [ctypes.c_double, ctypes.c_uint32, ctypes.c_uint32, c_u64p,
                                          c_i64p, ctypes.c_size_t, c_i64p, ctypes.c_size_t,
                                          ctypes.POINTER(ctypes.c_void_p)]
        d.vs_create_with_axes.restype = ctypes.c_int32
        d.vs_destroy.argtypes = [ctypes.c_void_p]
        d.vs_destroy.restype = None
        for name, ctype in (("f64", ctypes.c_double), ("f32", ctypes.c_float),
                            ("f16", ctypes.c_uint16), ("bf16", ctypes.c_uint16)):
            f = getattr(d, "vs_fill_" + name)
            f.argtypes = [ctypes.c_void_p, c_i64p, ctypes.c_size_t, ctypes.POINTER(ctype), ctypes.c_size_t]
            f.restype = ctypes.c_int32
            f = getattr(d, "vs_fill_range_" + name)
            f.argtypes = [ctypes.c_void_p, c_i64p, ctypes.c_size_t, ctypes.c_uint64,
                          ctypes.POINTER(ctype), ctypes.c_size_t]
            f.restype = ctypes.c_int32
        d.vs_compute_fans.argtypes = [c_i64p, ctypes.c_size_t, c_i64p, c_i64p]
        d.vs_compute_fans.restype = ctypes.c_int32
        d.vs_algorithm.argtypes = []
        d.vs_algorithm.restype = ctypes.c_char_p
        d.vs_last_error_message.argtypes = []
        d.vs_last_error_message.restype = ctypes.c_char_p
        d.vs_with_algorithm.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_void_p)]
        d.vs_with_algorithm.restype = ctypes.c_int32
        d.vs_get_algorithm.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32)]
        d.vs_get_algorithm.restype = ctypes.c_int32
        d.vs_algorithm_name.argtypes = [ctypes.c_uint32]
        d.vs_algorithm_name.restype = ctypes.c_char_p
        d.vs_isa.argtypes = []
        d.vs_isa.restype = ctypes.c_char_p
        for name, ctype in (("f64", ctypes.c_double), ("f32", ctypes.c_float),
                            ("f16", ctypes.c_uint16), ("bf16", ctypes.c_uint16)):
            f = getattr(d, "vs_fill_slice_" + name)
            f.argtypes = [ctypes.c_void_p, c_i64p, ctypes.c_size_t, c_i64p, c_i64p,
                          ctypes.POINTER(ctype), ctypes.c_size_t]
            f.restype = ctypes.c_int32

    def check(self, status: int, what: str):
        if status != VS_OK:
            raise VsError(f"{what}: status {status}: {self.dll.vs_last_error_message().decode()}")

    def algorithm(self) -> str:
        """vs_algorithm(): the name of the default algorithm."""
        return self.dll.vs_algorithm().decode()

    def algorithm_name(self, number: int) -> str | None:
        """vs_algorithm_name(number), None for NULL."""
        name = self.dll.vs_algorithm_name(number)
        return None if name is None else name.decode()

    def isa(self) -> str:
        return self.dll.vs_isa().decode()

    def compute_fans(self, shape) -> tuple[int, int]:
        arr = (ctypes.c_int64 * max(1, len(shape)))(*shape)
        fi, fo = ctypes.c_int64(), ctypes.c_int64()
        self.check(self.dll.vs_compute_fans(arr, len(shape), ctypes.byref(fi), ctypes.byref(fo)),
                   "vs_compute_fans")
        return fi.value, fo.value

    def initializer(self, scale, mode, dist, seed, axes=None, algorithm=None) -> "Initializer":
        """A handle (vs_create / vs_create_with_axes); with `algorithm` (1 or 2)
        it is derived with vs_with_algorithm and the default handle released."""
        init = Initializer(self, scale, mode, dist, seed, axes)
        if algorithm is None:
            return init
        with init:
            return init.with_algorithm(algorithm)


_CTYPES = {"f64": ctypes.c_double, "f32": ctypes.c_float, "f16": ctypes.c_uint16, "bf16": ctypes.c_uint16}


class Initializer:
    def __init__(self, lib: Lib, scale, mode, dist, seed, axes=None, *, handle=None):
        self.lib = lib
        self.handle = ctypes.c_void_p()
        if handle is not None:  # adopt a handle made by vs_with_algorithm
            self.handle = handle
            return
        seed_p = ctypes.byref(ctypes.c_uint64(seed)) if seed is not None else None
        if axes is None:
            st = lib.dll.vs_create(scale, mode, dist, seed_p, ctypes.byref(self.handle))
        else:
            ia, oa = axes
            ia_arr = (ctypes.c_int64 * max(1, len(ia)))(*ia)
            oa_arr = (ctypes.c_int64 * max(1, len(oa)))(*oa)
            st = lib.dll.vs_create_with_axes(scale, mode, dist, seed_p, ia_arr, len(ia), oa_arr, len(oa),
                                             ctypes.byref(self.handle))
        lib.check(st, "vs_create")

    def close(self):
        if self.handle:
            self.lib.dll.vs_destroy(self.handle)
            self.handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def with_algorithm(self, algorithm: int) -> "Initializer":
        """vs_with_algorithm: a new handle (the caller closes it); self is unchanged."""
        out = ctypes.c_void_p()
        self.lib.check(self.lib.dll.vs_with_algorithm(self.handle, algorithm, ctypes.byref(out)),
                       "vs_with_algorithm")
        return Initializer(self.lib, None, None, None, None, handle=out)

    def get_algorithm(self) -> int:
        alg = ctypes.c_uint32()
        self.lib.check(self.lib.dll.vs_get_algorithm(self.handle, ctypes.byref(alg)), "vs_get_algorithm")
        return alg.value

    def __exit__(self, *exc):
        self.close()

    def fill(self, kind: str, shape):
        """Whole-tensor fill; returns a new ctypes array of the element type."""
        shape_arr = (ctypes.c_int64 * max(1, len(shape)))(*shape)
        n = 1
        for d in shape:
            n *= d
        ctype = _CTYPES[kind]
        buf = (ctype * n)()
        self.lib.check(getattr(self.lib.dll, "vs_fill_" + kind)(
            self.handle, shape_arr, len(shape), ctypes.cast(buf, ctypes.POINTER(ctype)), n),
            "vs_fill_" + kind)
        return buf

    def fill_range(self, kind: str, shape, offset: int, count: int):
        shape_arr = (ctypes.c_int64 * max(1, len(shape)))(*shape)
        ctype = _CTYPES[kind]
        buf = (ctype * count)()
        self.lib.check(getattr(self.lib.dll, "vs_fill_range_" + kind)(
            self.handle, shape_arr, len(shape), offset, ctypes.cast(buf, ctypes.POINTER(ctype)), count),
            "vs_fill_range_" + kind)
        return list(buf)

    def fill_slice(self, kind: str, shape, start, extent):
        """vs_fill_slice_*: the row-major box [start, start + extent) of `shape`."""
        ndim = len(shape)
        shape_arr = (ctypes.c_int64 * max(1, ndim))(*shape)
        start_arr = (ctypes.c_int64 * max(1, ndim))(*start)
        extent_arr = (ctypes.c_int64 * max(1, ndim))(*extent)
        n = 1
        for e in extent:
            n *= e
        ctype = _CTYPES[kind]
        buf = (ctype * max(1, n))()
        self.lib.check(getattr(self.lib.dll, "vs_fill_slice_" + kind)(
            self.handle, shape_arr, ndim, start_arr, extent_arr, ctypes.cast(buf, ctypes.POINTER(ctype)), n),
            "vs_fill_slice_" + kind)
        return list(buf)[:n]
