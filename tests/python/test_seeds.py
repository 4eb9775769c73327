"""The seed derivation of docs/seeds.md: seeds_reference.py (written from that
page alone) against the golden values of tests/data/derived_seeds.txt, against
the built library's `vs_derive_seed` / `vs_derive_seed_name` (ctypes), and
against the page's own tables.

If these pass, docs/seeds.md specifies the rule bit for bit: by index for
bases and indices over the whole 64-bit range, and by name for names of 0 to
40 bytes (every chunk count and padding), ASCII, non-ASCII UTF-8 and
arbitrary non-NUL bytes, a NULL name (the empty one), and names with an
embedded NUL (C reads the bytes before it)."""

from __future__ import annotations

import ctypes
import random
import re
from pathlib import Path

import pytest

import seeds_reference as S

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "data" / "derived_seeds.txt"
DOC = REPO / "docs" / "seeds.md"
U64 = (1 << 64) - 1


# ------------------------------------------------------------------ parsing

def parse_golden(path: Path) -> list[dict]:
    """`index BASE INDEX SEED` and `name BASE NAMEHEX SEED` lines (`-`: the
    empty name); BASE and INDEX decimal, SEED 16 hex digits."""
    cases = []
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, base, arg, seed = line.split()
        assert kind in ("index", "name"), f"{path.name}:{lineno}: {line}"
        assert re.fullmatch(r"[0-9a-f]{16}", seed), f"{path.name}:{lineno}: seed {seed!r}"
        case = {"line": lineno, "kind": kind, "base": int(base), "seed": int(seed, 16)}
        assert 0 <= case["base"] <= U64
        if kind == "index":
            case["index"] = int(arg)
            assert 0 <= case["index"] <= U64
        else:
            case["name"] = b"" if arg == "-" else bytes.fromhex(arg)
        cases.append(case)
    return cases


def _case_id(c: dict) -> str:
    if c["kind"] == "index":
        return f"index-{c['base']}-{c['index']}"
    return f"name-{c['base']}-{c['name'].hex() or 'empty'}"


GOLDEN_CASES = parse_golden(GOLDEN)
DOC_TEXT = DOC.read_text()


def doc_tag_table() -> dict[str, tuple[str, int]]:
    """The `| name | tag | value |` rows of the page: name -> (tag, value)."""
    rows = re.findall(r"^\|\s*`(\w+_TAG)`\s*\|\s*`([^`]*)`\s*\|\s*`0x([0-9a-fA-F_]+)`\s*\|\s*$",
                      DOC_TEXT, re.M)
    return {name: (tag, int(value.replace("_", ""), 16)) for name, tag, value in rows}


def doc_golden_table() -> list[tuple[str, int, object, int]]:
    """The `| call | result |` rows: (function, base, index or name bytes, seed)."""
    out = []
    for call, result in re.findall(r"^\|\s*`(vs_derive_seed\w*\(.*\))`\s*\|\s*`0x([0-9a-fA-F]+)`\s*\|\s*$",
                                   DOC_TEXT, re.M):
        m = re.fullmatch(r'(vs_derive_seed(?:_name)?)\((\d+), (\d+|"[^"]*")\)', call)
        assert m, f"docs/seeds.md: cannot read the table row {call!r}"
        func, base, arg = m.groups()
        if func == "vs_derive_seed":
            assert not arg.startswith('"'), call
            arg = int(arg)
        else:
            assert arg.startswith('"'), call
            arg = arg[1:-1].encode("utf-8")
        out.append((func, int(base), arg, int(result, 16)))
    return out


# ------------------------------------------------------------------ library

@pytest.fixture(scope="module")
def derive(lib):
    """(vs_derive_seed, vs_derive_seed_name) of the built library, with the
    prototypes of include/variance_scaling.h."""
    d = lib.dll
    try:
        by_index, by_name = d.vs_derive_seed, d.vs_derive_seed_name
    except AttributeError as e:  # a library built before the seeds API
        pytest.fail(f"{e}: the library is stale; run `cargo build --release`")
    by_index.argtypes = [ctypes.c_uint64, ctypes.c_uint64]
    by_index.restype = ctypes.c_uint64
    by_name.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
    by_name.restype = ctypes.c_uint64
    return by_index, by_name


def _mismatches(pairs):
    """pairs: (what, library, reference); the differing ones, formatted."""
    return [f"{what}: library {got:016x}, reference {want:016x}" for what, got, want in pairs if got != want]


# ------------------------------------------------------------ golden values

def test_golden_file_is_nontrivial():
    idx = [c for c in GOLDEN_CASES if c["kind"] == "index"]
    names = [c for c in GOLDEN_CASES if c["kind"] == "name"]
    assert len(idx) >= 30 and len(names) >= 30
    assert {0, U64} <= {c["base"] for c in GOLDEN_CASES}
    assert {0, U64} <= {c["index"] for c in idx}
    lengths = {len(c["name"]) for c in names}
    assert {0, 1, 8, 9} <= lengths  # no chunk, one short, one full, a full and a short one
    assert any(len(n) > 16 and len(n) % 8 for n in (c["name"] for c in names))
    assert any(len(n) == 16 for n in (c["name"] for c in names))  # two full chunks
    assert any(any(b >= 0x80 for b in c["name"]) for c in names)  # non-ASCII UTF-8
    assert len({c["seed"] for c in GOLDEN_CASES}) == len(GOLDEN_CASES)


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=[_case_id(c) for c in GOLDEN_CASES])
def test_golden_against_reference(case):
    if case["kind"] == "index":
        got = S.derive_seed(case["base"], case["index"])
    else:
        got = S.derive_seed_name(case["base"], case["name"])
    assert got == case["seed"], (f"derived_seeds.txt line {case['line']}: golden {case['seed']:016x}, "
                                 f"reference {got:016x}")


def test_golden_against_library(derive):
    by_index, by_name = derive
    pairs = []
    for c in GOLDEN_CASES:
        if c["kind"] == "index":
            pairs.append((f"line {c['line']}", by_index(c["base"], c["index"]), c["seed"]))
        else:
            pairs.append((f"line {c['line']}", by_name(c["base"], c["name"]), c["seed"]))
    bad = _mismatches(pairs)
    assert not bad, f"{len(bad)} of {len(pairs)} golden values differ; first: {bad[0]}"


# ------------------------------------------------------------ the page itself

def test_doc_tag_table():
    table = doc_tag_table()
    assert set(table) == {"BASE_TAG", "INDEX_TAG", "NAME_TAG"}
    ours = {"BASE_TAG": S.BASE_TAG, "INDEX_TAG": S.INDEX_TAG, "NAME_TAG": S.NAME_TAG}
    for name, (tag, value) in table.items():
        assert len(tag) == 8 and tag.isascii(), name
        assert int.from_bytes(tag.encode("ascii"), "big") == value, f"{name}: `{tag}` is not {value:#x}"
        assert ours[name] == value, name


def test_doc_mix64_block():
    """The constants and shifts of the page's mix64 block are the reference's
    (the SplitMix64 output function)."""
    block = re.search(r"```\nmix64\(z\):\n(.*?)```", DOC_TEXT, re.S)
    assert block, "docs/seeds.md: the mix64 code block"
    body = block.group(1)
    assert [int(s) for s in re.findall(r">>\s*(\d+)", body)] == [30, 27, 31]
    assert [int(h, 16) for h in re.findall(r"\*\s*0x([0-9a-fA-F]+)", body)] == [0xBF58476D1CE4E5B9,
                                                                               0x94D049BB133111EB]
    # mix64 as written in the block, step by step, on a few values
    for z in (0, 1, 2**63, U64, 0x0123456789ABCDEF):
        a = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
        b = ((a ^ (a >> 27)) * 0x94D049BB133111EB) % 2**64
        assert S.mix64(z) == b ^ (b >> 31)


def test_doc_golden_table(derive):
    by_index, by_name = derive
    rows = doc_golden_table()
    assert len(rows) >= 6
    in_file = {("vs_derive_seed", c["base"], c["index"]) if c["kind"] == "index"
               else ("vs_derive_seed_name", c["base"], c["name"]): c["seed"] for c in GOLDEN_CASES}
    for func, base, arg, seed in rows:
        what = f"docs/seeds.md: {func}({base}, {arg!r}) = {seed:#018x}"
        assert in_file.get((func, base, arg)) == seed, f"{what}: not so in derived_seeds.txt"
        if func == "vs_derive_seed":
            assert S.derive_seed(base, arg) == seed, what
            assert by_index(base, arg) == seed, what
        else:
            assert S.derive_seed_name(base, arg) == seed, what
            assert by_name(base, arg) == seed, what


def test_doc_empty_name_formula():
    """`name_hash("") = mix64(NAME_TAG ^ 0)`, as the page says."""
    assert S.name_hash(b"") == S.mix64(S.NAME_TAG ^ 0) == S.name_hash(None)


# ------------------------------------------------------- against the library

RNG_SEED = 20261201
EDGE_U64 = (0, 1, 2, 3, 9, 1023, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, U64 - 1, U64)


def _random_u64(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.15:
        return rng.choice(EDGE_U64)
    if r < 0.35:
        return rng.randrange(4096)
    if r < 0.45:
        return U64 - rng.randrange(4096)
    return rng.getrandbits(64)


def _ascii_name(rng, n):
    return bytes(rng.randrange(0x20, 0x7F) for _ in range(n))


def _nonnul_bytes(rng, n):
    return bytes(rng.randrange(1, 256) for _ in range(n))


def _utf8_name(rng, n):
    """Valid UTF-8 of exactly n bytes, mostly non-ASCII (2-, 3- and 4-byte
    code points), no NUL."""
    out = b""
    while len(out) < n:
        room = n - len(out)
        width = rng.choice([w for w in (1, 2, 3, 4) if w <= room] + ([2, 3, 4] if room >= 4 else []))
        lo, hi = {1: (0x01, 0x7F), 2: (0x80, 0x7FF), 3: (0x800, 0xFFFF), 4: (0x10000, 0x10FFFF)}[width]
        cp = rng.randrange(lo, hi + 1)
        if 0xD800 <= cp <= 0xDFFF:  # surrogates are not UTF-8
            cp = 0xE000
        ch = chr(cp).encode("utf-8")
        assert len(ch) == width
        out += ch
    out.decode("utf-8")
    return out


def test_random_indices_against_library(derive):
    by_index, _ = derive
    rng = random.Random(RNG_SEED)
    pairs = []
    for base in EDGE_U64:
        for index in EDGE_U64:
            pairs.append(((base, index), by_index(base, index), S.derive_seed(base, index)))
    for _ in range(5000):
        base, index = _random_u64(rng), _random_u64(rng)
        pairs.append(((base, index), by_index(base, index), S.derive_seed(base, index)))
    bad = _mismatches(pairs)
    assert not bad, f"vs_derive_seed: {len(bad)} of {len(pairs)} differ; first {bad[0]}"


@pytest.mark.parametrize("kind", ["ascii", "utf8", "bytes"])
def test_random_names_against_library(derive, kind):
    """Every length 0-40 bytes, 40 names each, with random bases."""
    _, by_name = derive
    make = {"ascii": _ascii_name, "utf8": _utf8_name, "bytes": _nonnul_bytes}[kind]
    rng = random.Random(f"{RNG_SEED}-{kind}")
    pairs = []
    for n in range(41):
        for _ in range(40):
            name = make(rng, n)
            assert len(name) == n and b"\0" not in name
            base = _random_u64(rng)
            pairs.append(((base, name), by_name(base, name), S.derive_seed_name(base, name)))
    if kind == "utf8":
        assert sum(any(b >= 0x80 for b in p[0][1]) for p in pairs) > 0.9 * len(pairs)
    bad = _mismatches(pairs)
    assert not bad, f"vs_derive_seed_name ({kind}): {len(bad)} of {len(pairs)} differ; first {bad[0]}"


def test_utf8_str_is_its_bytes(derive):
    _, by_name = derive
    for name in ("Gewichte.größe", "層.重み", "веса.0", "emoji.\U0001F600.w", "é" * 20):
        raw = name.encode("utf-8")
        assert S.derive_seed_name(7, name) == S.derive_seed_name(7, raw) == by_name(7, raw)


def test_null_name_is_empty_name(derive):
    _, by_name = derive
    rng = random.Random(f"{RNG_SEED}-null")
    for base in EDGE_U64 + tuple(rng.getrandbits(64) for _ in range(200)):
        want = S.derive_seed_name(base, b"")
        assert S.derive_seed_name(base, None) == want
        assert by_name(base, None) == want, f"base {base}: NULL"
        assert by_name(base, b"") == want, f"base {base}: empty"


def test_c_name_ends_at_nul(derive):
    """In C a name is the bytes before the terminating NUL: the library reads
    `b"w\\0x"` as `"w"`, while the rule itself tells `"w"` and `"w\\0"` apart
    (the length step)."""
    _, by_name = derive
    for base in (0, 42, U64):
        for name in (b"w", b"conv1.weight", b"12345678", b""):
            assert by_name(base, name + b"\0tail") == S.derive_seed_name(base, name)
            for k in range(1, 9):
                assert S.derive_seed_name(base, name + b"\0" * k) != S.derive_seed_name(base, name)
    assert S.name_hash(b"w") != S.name_hash(b"w\0")


# ------------------------------------------------------------ properties

def test_index_seeds_distinct_bases_0_63():
    """The page's property: the 65,536 seeds of bases 0-63 x indices 0-1023
    are all distinct."""
    seeds = {S.derive_seed(b, i) for b in range(64) for i in range(1024)}
    assert len(seeds) == 64 * 1024


def _unmix64(z: int) -> int:
    """The inverse of mix64 (xorshift by s >= 32 is its own inverse; 27 and 30
    take two rounds; the multipliers are odd)."""
    def unxorshift(z, s):
        r = z
        for _ in range(64 // s + 1):
            r = z ^ (r >> s)
        return r
    z = unxorshift(z, 31)
    z = (z * pow(0x94D049BB133111EB, -1, 2**64)) % 2**64
    z = unxorshift(z, 27)
    z = (z * pow(0xBF58476D1CE4E5B9, -1, 2**64)) % 2**64
    return unxorshift(z, 30)


def test_mix64_is_a_bijection():
    rng = random.Random(f"{RNG_SEED}-mix")
    for z in EDGE_U64 + tuple(rng.getrandbits(64) for _ in range(2000)):
        m = S.mix64(z)
        assert 0 <= m <= U64
        assert _unmix64(m) == z
