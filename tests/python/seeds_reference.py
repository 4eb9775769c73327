"""Seed derivation (`vs_derive_seed`, `vs_derive_seed_name`) re-implemented
from docs/seeds.md alone (not from src/), Python 3.11, standard library only.

All arithmetic is on unsigned 64-bit integers modulo 2^64 (the page's
"Definition"): Python ints are masked with MASK after every multiply."""

from __future__ import annotations

MASK = (1 << 64) - 1


def tag(text: str) -> int:
    """The ASCII bytes of an 8-character tag read as a big-endian integer."""
    raw = text.encode("ascii")
    assert len(raw) == 8, text
    return int.from_bytes(raw, "big")


BASE_TAG = tag("vs-seed-")
INDEX_TAG = tag("vs-index")
NAME_TAG = tag("vs-names")


def mix64(z: int) -> int:
    """The SplitMix64 output function (a bijection of the 64-bit integers)."""
    z &= MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def base_key(base: int) -> int:
    return mix64((base & MASK) ^ BASE_TAG)


def derive_seed(base: int, index: int) -> int:
    """vs_derive_seed(base, index)."""
    return mix64(base_key(base) ^ mix64((index & MASK) ^ INDEX_TAG))


def name_hash(name: bytes | None) -> int:
    """The hash of a name: its bytes in chunks of 8 (the last one zero-padded,
    read little-endian), then its length. None (a NULL pointer) is the empty
    name."""
    data = b"" if name is None else bytes(name)
    h = NAME_TAG
    for i in range(0, len(data), 8):
        c = int.from_bytes(data[i:i + 8].ljust(8, b"\0"), "little")
        h = mix64(h ^ c)
    return mix64(h ^ (len(data) & MASK))


def derive_seed_name(base: int, name: bytes | str | None) -> int:
    """vs_derive_seed_name(base, name); a str is encoded as UTF-8."""
    if isinstance(name, str):
        name = name.encode("utf-8")
    return mix64(base_key(base) ^ name_hash(name))
