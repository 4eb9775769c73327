"""Independent re-implementation of the `pcg64-block-v1` sampling algorithm.

Written only from docs/algorithm.md (and the external sources it names:
rand_distr 0.6.0's ziggurat tables, parsed at run time from the cargo
registry, and the libm crate's `exp`/`log`, ported below), without looking
at src/. Python 3.11 standard library only: integers with explicit masks for
the 64/128-bit wrapping arithmetic, `struct` for bit casts, Python floats
(IEEE-754 binary64, one rounding per operation, no fused multiply-add) for
everything else.

Entry point: `fill_range(seed, scale, mode, dist, shape, axes, offset, count)`
returns the binary64 values of elements [offset, offset + count) of the
row-major flattened tensor; `to_f32_bits`, `to_f16_bits`, `to_bf16_bits`
round them to the narrower output types.
"""

from __future__ import annotations

import glob
import math
import os
import re
import struct
import subprocess
from pathlib import Path

MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1

BLOCK_LEN = 1024  # VS_BLOCK_LEN

# Modes (vs_mode) and distributions (vs_distribution), as in the C header.
FAN_IN, FAN_OUT, FAN_AVG = 0, 1, 2
TRUNCATED_NORMAL, UNTRUNCATED_NORMAL, UNIFORM = 0, 1, 2

TRUNCATED_STDDEV = 0.87962566103423978


# ---------------------------------------------------------------- bit casts

def f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def bits_f64(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b & MASK64))[0]


def f32_bits_to_f64(b: int) -> float:
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f16_bits_to_f64(b: int) -> float:
    return struct.unpack("<e", struct.pack("<H", b))[0]


# ------------------------------------------------- §3 block generator (PCG64)

def mix64(z: int) -> int:
    """SplitMix64's finalizer (docs/algorithm.md §3)."""
    z &= MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


GOLDEN_GAMMA = 0x9E3779B97F4A7C15
BLOCK_KEY = 0x76732D626C6F636B  # "vs-block"
PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645


def block_words(seed: int, block: int) -> tuple[int, int, int, int]:
    x = mix64(mix64((seed ^ BLOCK_KEY) & MASK64) ^ (block & MASK64))
    return tuple(mix64((x + i * GOLDEN_GAMMA) & MASK64) for i in (1, 2, 3, 4))


class Pcg64:
    """PCG XSL RR 128/64, seeded as rand_pcg 0.10's Pcg64::from_seed."""

    __slots__ = ("state", "inc", "draws")

    def __init__(self, w1: int, w2: int, w3: int, w4: int):
        self.inc = (w3 | (w4 << 64)) | 1
        state = ((w1 | (w2 << 64)) + self.inc) & MASK128
        self.state = (state * PCG_MULT + self.inc) & MASK128
        self.draws = 0

    @classmethod
    def for_block(cls, seed: int, block: int) -> "Pcg64":
        return cls(*block_words(seed, block))

    def next_u64(self) -> int:
        self.draws += 1
        s = (self.state * PCG_MULT + self.inc) & MASK128
        self.state = s
        v = ((s >> 64) ^ s) & MASK64
        rot = s >> 122
        return ((v >> rot) | (v << (64 - rot))) & MASK64


# ------------------------------------------------------- §4 float helpers

TWO_M53 = 2.0 ** -53


def unit53(r: int) -> float:
    return (r >> 11) * TWO_M53  # exact: integer < 2^53 times a power of 2


def open01(r: int) -> float:
    return bits_f64(0x3FF0000000000000 | (r >> 12)) - (1.0 - TWO_M53)


def sym(r: int) -> float:
    return bits_f64(0x4000000000000000 | (r >> 12)) - 3.0


# ------------------------------------------- libm crate exp / log (ported)
# The doc says the slow paths use `exp` and `ln` of the pure-Rust libm crate
# (locked at 0.2.16), not the platform's. Python's math.exp / math.log call
# the platform libm, which may differ in the last bit, so these are ports of
# libm 0.2.16's src/math/exp.rs and src/math/log.rs (musl's versions of
# FreeBSD msun e_exp.c / e_log.c), in the same operation order.

_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01


def libm_log(x: float) -> float:
    ui = f64_bits(x)
    hx = ui >> 32
    k = 0
    if hx < 0x00100000 or (hx >> 31) != 0:
        if (ui << 1) & MASK64 == 0:
            return -math.inf
        if hx >> 31:
            return math.nan
        k -= 54
        x *= bits_f64(0x4350000000000000)
        ui = f64_bits(x)
        hx = ui >> 32
    elif hx >= 0x7FF00000:
        return x
    elif hx == 0x3FF00000 and (ui << 32) & MASK64 == 0:
        return 0.0
    hx = (hx + (0x3FF00000 - 0x3FE6A09E)) & 0xFFFFFFFF
    k += (hx >> 20) - 0x3FF
    hx = (hx & 0x000FFFFF) + 0x3FE6A09E
    ui = (hx << 32) | (ui & 0xFFFFFFFF)
    x = bits_f64(ui)
    f = x - 1.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    dk = float(k)
    return s * (hfsq + r) + dk * _LN2_LO - hfsq + f + dk * _LN2_HI


_INVLN2 = 1.44269504088896338700e00
_P1 = 1.66666666666666019037e-01
_P2 = -2.77777777770155933842e-03
_P3 = 6.61375632143793436117e-05
_P4 = -1.65339022054652515390e-06
_P5 = 4.13813679705723846039e-08


def libm_exp(x: float) -> float:
    hx = f64_bits(x) >> 32
    sign = hx >> 31
    hx &= 0x7FFFFFFF
    if hx >= 0x4086232B:
        if math.isnan(x):
            return x
        if x > 709.782712893383973096:
            return math.inf
        if x < -745.13321910194110842:
            return 0.0
    if hx > 0x3FD62E42:
        if hx >= 0x3FF0A2B2:
            k = int(_INVLN2 * x + (0.5, -0.5)[sign])  # `as i32` truncates
        else:
            k = 1 - sign - sign
        hi = x - k * _LN2_HI
        lo = k * _LN2_LO
        x = hi - lo
    elif hx > 0x3E300000:
        k = 0
        hi = x
        lo = 0.0
    else:
        return 1.0 + x
    xx = x * x
    c = x - xx * (_P1 + xx * (_P2 + xx * (_P3 + xx * (_P4 + xx * _P5))))
    y = 1.0 + (x * c / (2.0 - c) - lo + hi)
    if k == 0:
        return y
    # scalbn; only exercised here for |x| < 8, where the result is normal and
    # ldexp is exact (scalbn's subnormal double rounding cannot occur).
    return math.ldexp(y, k)


# ------------------------------------------------------ ziggurat tables

_TABLES: tuple[list[float], list[float], float] | None = None


def _find_ziggurat_source() -> Path:
    roots = []
    if os.environ.get("CARGO_HOME"):
        roots.append(os.environ["CARGO_HOME"])
    roots.append(os.path.expanduser("~/.cargo"))
    pattern = "registry/src/*/rand_distr-0.6.0/src/ziggurat_tables.rs"
    for root in roots:
        hits = sorted(glob.glob(os.path.join(root, pattern)))
        if hits:
            return Path(hits[0])
    return None


def ziggurat_source() -> Path:
    """rand_distr 0.6.0's ziggurat_tables.rs; runs `cargo fetch` if absent."""
    path = _find_ziggurat_source()
    if path is None:
        repo = Path(__file__).resolve().parents[2]
        subprocess.run(["cargo", "fetch"], cwd=repo, check=True)
        path = _find_ziggurat_source()
    if path is None:
        raise FileNotFoundError("rand_distr-0.6.0/src/ziggurat_tables.rs not in the cargo registry")
    return path


def _parse_table(text: str, name: str) -> list[float]:
    m = re.search(r"pub static " + name + r": \[f64; 257\] =\s*\[(.*?)\];", text, re.S)
    if not m:
        raise ValueError(f"{name} not found")
    vals = [float(t) for t in m.group(1).replace("\n", " ").split(",") if t.strip()]
    if len(vals) != 257:
        raise ValueError(f"{name}: {len(vals)} entries")
    return vals


def tables() -> tuple[list[float], list[float], float]:
    """(ZIG_NORM_X, ZIG_NORM_F, R), decimal literals rounded to binary64."""
    global _TABLES
    if _TABLES is None:
        text = ziggurat_source().read_text()
        x = _parse_table(text, "ZIG_NORM_X")
        f = _parse_table(text, "ZIG_NORM_F")
        m = re.search(r"pub const ZIG_NORM_R: f64 = ([0-9.eE+-]+);", text)
        r = float(m.group(1))
        if r != x[1]:
            raise ValueError("ZIG_NORM_R != ZIG_NORM_X[1]")
        _TABLES = (x, f, r)
    return _TABLES


# --------------------------------------------------------- standard values

class Counters:
    """How often the rare paths ran (so tests can show they were covered)."""

    def __init__(self):
        self.wedge = 0  # exp() evaluated
        self.wedge_rejections = 0  # ... and the draw rejected
        self.tail = 0  # tail() entered
        self.tail_iterations = 0  # tail loop bodies run (> tail: some retried)
        self.truncated_rejections = 0  # |z| >= 2 redrawn

    def snapshot(self) -> dict:
        return dict(vars(self))

    def __repr__(self):
        return "Counters(" + ", ".join(f"{k}={v}" for k, v in vars(self).items()) + ")"


COUNTERS = Counters()


def standard_normal(rng: Pcg64) -> float:
    X, F, R = tables()
    while True:
        r = rng.next_u64()
        k = r & 0xFF
        u = sym(r)
        x = u * X[k]
        if abs(x) < X[k + 1]:
            return x
        if k == 0:
            COUNTERS.tail += 1
            return _tail(rng, u, R)
        COUNTERS.wedge += 1
        if F[k + 1] + (F[k] - F[k + 1]) * unit53(rng.next_u64()) < libm_exp(-x * x / 2.0):
            return x
        COUNTERS.wedge_rejections += 1


def _tail(rng: Pcg64, u: float, R: float) -> float:
    x = 1.0
    y = 0.0
    while -2.0 * y < x * x:
        COUNTERS.tail_iterations += 1
        a = open01(rng.next_u64())
        c = open01(rng.next_u64())
        x = libm_log(a) / R
        y = libm_log(c)
    return x - R if u < 0 else R - x


def standard_value(rng: Pcg64, dist: int) -> float:
    if dist == UNIFORM:
        return 2.0 * unit53(rng.next_u64()) - 1.0
    if dist == UNTRUNCATED_NORMAL:
        return standard_normal(rng)
    if dist == TRUNCATED_NORMAL:
        while True:
            z = standard_normal(rng)
            if abs(z) < 2.0:
                return z
            COUNTERS.truncated_rejections += 1
    raise ValueError(f"unknown distribution {dist}")


# ------------------------------------------------------ §1 shape -> factor

def element_count(shape) -> int:
    n = 1
    for d in shape:
        if d < 0:
            raise ValueError("negative dimension")
        n *= d
    if n > (1 << 63) - 1:
        raise ValueError("element count beyond INT64_MAX")
    return n


def compute_fans(shape, axes=None) -> tuple[int, int]:
    """Keras 3 compute_fans, or prod(shape[a]) over explicit (in, out) axes."""
    shape = list(shape)
    if axes is not None:
        def prod(ax):
            p = 1
            for a in ax:
                if not -len(shape) <= a < len(shape):
                    raise ValueError(f"axis {a} out of range for rank {len(shape)}")
                p *= shape[a]  # Python negative indexing = counting from the end
            return p

        return prod(axes[0]), prod(axes[1])
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


def fan_n(mode: int, fan_in: int, fan_out: int) -> float:
    if mode == FAN_IN:
        f = float(fan_in)
    elif mode == FAN_OUT:
        f = float(fan_out)
    elif mode == FAN_AVG:
        f = float(fan_in + fan_out) / 2.0
    else:
        raise ValueError(f"unknown mode {mode}")
    return max(1.0, f)


def factor(scale: float, mode: int, dist: int, shape, axes=None) -> float:
    n = fan_n(mode, *compute_fans(shape, axes))
    s = scale / n
    if dist == TRUNCATED_NORMAL:
        return math.sqrt(s) / TRUNCATED_STDDEV
    if dist == UNTRUNCATED_NORMAL:
        return math.sqrt(s)
    if dist == UNIFORM:
        return math.sqrt(3.0 * s)
    raise ValueError(f"unknown distribution {dist}")


# ------------------------------------------------------------ §2 blocks

def standard_values(seed: int, dist: int, offset: int, count: int) -> list[float]:
    """Standard values of elements [offset, offset + count)."""
    out: list[float] = []
    i = offset
    end = offset + count
    while i < end:
        b, j = divmod(i, BLOCK_LEN)
        rng = Pcg64.for_block(seed, b)
        for _ in range(j):  # discard the values before `offset` in this block
            standard_value(rng, dist)
        stop = min(end, (b + 1) * BLOCK_LEN)
        for _ in range(stop - i):
            out.append(standard_value(rng, dist))
        i = stop
    return out


def fill_range(seed, scale, mode, dist, shape, axes, offset, count) -> list[float]:
    """binary64 values of elements [offset, offset + count) (docs §1-§5)."""
    n_elems = element_count(shape)
    if offset + count > n_elems:
        raise ValueError("range past the end of the tensor")
    fac = factor(scale, mode, dist, shape, axes)
    return [z * fac for z in standard_values(seed, dist, offset, count)]


# ------------------------------------------------------- §5 output types

def to_f32(x: float) -> float:
    """Round a binary64 to binary32 (nearest-even), returned as a Python float."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:  # struct refuses values that round to infinity
        return math.copysign(math.inf, x)


def to_f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", to_f32(x)))[0]


def _f64_to_f16_bits(x: float) -> int:
    try:
        return struct.unpack("<H", struct.pack("<e", x))[0]
    except OverflowError:  # rounds to infinity
        return 0xFC00 if x < 0 else 0x7C00


def to_f16_bits(x: float) -> int:
    """binary16 bits of the *f32* value of x (rounded twice, as §5 says)."""
    return _f64_to_f16_bits(to_f32(x))


def f32_bits_to_bf16_bits(b: int) -> int:
    """Round-to-nearest-even of binary32 bits to bfloat16 (upper 16 bits)."""
    if (b & 0x7FFFFFFF) > 0x7F800000:  # NaN: keep it a quiet NaN
        return ((b >> 16) | 0x0040) & 0xFFFF
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) & 0xFFFF


def to_bf16_bits(x: float) -> int:
    return f32_bits_to_bf16_bits(to_f32_bits(x))
