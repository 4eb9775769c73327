#!/usr/bin/env python3
"""Counts the instructions of each SIMD kernel's inner loop, by kind, from
the disassembly of the release library: the per-kernel cost breakdown of
docs/performance.md.

    cargo build --release && python3 scripts/kernel-ops.py [path/to/libvariance_scaling.so]

Each kernel's vector loop is the largest backward-branch loop of its
function; the monomorphized functions are told apart by what they contain
(a square root: the Box-Muller normal; a division: the binary64
logarithm; a conversion to f16 or a 16-bit permute: the half types).
Needs objdump (binutils).
"""

import re
import subprocess
import sys
from collections import Counter

KINDS = [
    ("fma", r"^vf(n)?m(add|sub)"),
    ("fp mul", r"^vmulp[sd]"),
    ("fp add/sub", r"^v(add|sub)p[sd]"),
    ("div/sqrt", r"^v(div|sqrt)p[sd]"),
    ("int mul", r"^vpmul"),
    ("convert", r"^vcvt"),
    ("shuffle", r"^(vperm|vpshuf|vunpck|vinsert|vextract|vpack|vshuf|vpmov[dq][wd]|vbroadcast|vpbroadcast)"),
    ("blend/mask", r"^(vblend|vpblend|kor|kand|knot|kmov|kortest|ktest|vpcmp|vcmp|vptest|vptestm|vmovmsk)"),
    ("int alu", r"^vp(add|sub|and|or|xor|ternlog|srl|sll|sra|min|max)"),
    ("store", None),
    ("load/move", r"^v?mov"),
]


def classify(mnem, operands):
    if re.match(r"^v?mov", mnem) and re.search(r",\s*-?[0-9a-fx]*\(%", operands):
        return "store"
    for name, pat in KINDS:
        if pat and re.match(pat, mnem):
            return name
    return "scalar/branch"


def functions(lib):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-C", lib],
                         capture_output=True, text=True, check=True).stdout
    cur, body = None, []
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if m:
            if cur:
                yield cur, body
            cur, body = m.group(1), []
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s*(\S+)\s*(.*)$", line)
        if m and cur:
            body.append((int(m.group(1), 16), m.group(2), m.group(3)))
    if cur:
        yield cur, body


def hot_loop(body):
    best = []
    for i, (addr, mnem, ops) in enumerate(body):
        if mnem.startswith("j"):
            m = re.match(r"^([0-9a-f]+)\b", ops)
            if m:
                target = int(m.group(1), 16)
                if target < addr:
                    loop = [ins for ins in body if target <= ins[0] <= addr]
                    if len(loop) > len(best):
                        best = loop
    return best


def describe(loop, function):
    mn = [m for _, m, _ in loop]
    text = " ".join(mn)
    if "vsqrtps" in text or "vsqrtpd" in text:
        dist = "untruncated_normal"
    elif any(m.startswith("vfmadd") for m in mn) and sum(m.startswith("vf") for m in mn) > 8:
        dist = "truncated_normal"
    else:
        dist = "uniform"
    if function == "fill64_d":
        ty = "f64"
    elif "vcvtps2ph" in text:
        ty = "f16"
    elif "vpermt2w" in text or "vpackusdw" in text:
        ty = "bf16"
    else:
        ty = "f32"
    return dist, ty


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else "target/release/libvariance_scaling.so"
    rows = []
    for name, body in functions(lib):
        m = re.search(r"engine::v2::(avx2|avx512)::(fill32|fill64_d)", name)
        if not m:
            continue
        loop = hot_loop(body)
        if len(loop) < 10:
            continue
        counts = Counter(classify(mn, ops) for _, mn, ops in loop)
        dist, ty = describe(loop, m.group(2))
        per = {("avx2", "fill32"): 16, ("avx2", "fill64_d"): 8,
               ("avx512", "fill32"): 32, ("avx512", "fill64_d"): 16}[(m.group(1), m.group(2))]
        rows.append((m.group(1), dist, ty, per, len(loop), counts))
    kinds = [k for k, _ in KINDS] + ["scalar/branch"]
    print("| kernel | distribution | type | values per iteration | instructions | per value | "
          + " | ".join(kinds) + " |")
    print("|---|---|---|---:|---:|---:|" + "---:|" * len(kinds))
    for isa, dist, ty, per, n, c in sorted(rows):
        print(f"| {isa} | {dist} | {ty} | {per} | {n} | {n / per:.2f} | "
              + " | ".join(str(c.get(k, 0)) for k in kinds) + " |")


if __name__ == "__main__":
    main()
