#!/usr/bin/env bash
# Tests the Rust crate as crates.io would get it (docs/rust.md):
#
# 1. `cargo package`, with its verification build: the .crate is unpacked
#    and built on its own, which also checks that build.rs leaves the
#    packaged sources unchanged (it regenerates include/variance_scaling.h;
#    the packaged header must be the generated one). The working tree must
#    be clean for the packaged files (set VS_ALLOW_DIRTY=1 to package
#    uncommitted changes while developing).
# 2. The .crate's file list: everything the build, the examples and the
#    tests need, and nothing of target/, build/, fuzz/, bindings/, tools/,
#    packaging/, the C sources or CMake; its size stays under 1 MiB.
# 3. The Rust example examples/fill_dense.rs: runs and checks its own
#    statistics (exit 0), and rejects a bad argument (exit 2).
#
#   bash scripts/test-cargo-package.sh
#
# cargo runs with --offline when its registry cache holds every crate of
# Cargo.lock (always so after the rest of scripts/test.sh), and otherwise
# may reach crates.io for the missing ones. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

offline=()
if cargo fetch --locked --offline >/dev/null 2>&1; then
    offline=(--offline)
fi
dirty=()
if [ "${VS_ALLOW_DIRTY:-0}" = 1 ]; then
    dirty=(--allow-dirty)
fi

version=$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)
crate="target/package/variance_scaling-$version.crate"
rm -f "$crate"

# The verification build is a dev-profile build of the unpacked crate in
# target/debug: it reuses what a `cargo build` there compiled before.
cargo package --locked "${offline[@]}" "${dirty[@]}"

if [ ! -f "$crate" ]; then
    echo "error: cargo package wrote no $crate" >&2
    exit 1
fi
files=$(tar -tzf "$crate" | sed "s|^variance_scaling-$version/||" | sort)
count=$(printf '%s\n' "$files" | wc -l)
size=$(stat -c %s "$crate")
echo "$crate: $count files, $size bytes"

fail=0
for need in Cargo.toml Cargo.lock README.md LICENSE-MIT LICENSE-APACHE build.rs \
    cbindgen.toml src/lib.rs include/variance_scaling.h include/variance_scaling.hpp \
    examples/fill_dense.rs tests/golden.rs tests/data/golden_vectors_v2.txt \
    c_tests/fixtures/serialized_HeNormal.json docs/seeds.md; do
    if ! grep -qxF -- "$need" <<<"$files"; then
        echo "error: the .crate lacks $need" >&2
        fail=1
    fi
done
unwanted=$(printf '%s\n' "$files" |
    grep -E '^(target|build|fuzz|bindings|tools|packaging|cmake|\.ci)/|^c_tests/.*\.(c|cpp|h|txt)$|^CMake|\.(so|a|o|crate)$' || true)
if [ -n "$unwanted" ]; then
    echo "error: the .crate holds files it should not:" >&2
    printf '  %s\n' $unwanted >&2
    fail=1
fi
if [ "$size" -gt $((1024 * 1024)) ]; then
    echo "error: the .crate is $size bytes, more than 1 MiB: check Cargo.toml's include list" >&2
    fail=1
fi
[ "$fail" = 0 ]

echo "examples/fill_dense.rs:"
cargo run --locked "${offline[@]}" --release --quiet --example fill_dense
set +e
out=$(cargo run --locked "${offline[@]}" --release --quiet --example fill_dense -- '"he_normal"' 0 2>&1)
st=$?
set -e
if [ "$st" != 2 ] || ! grep -q 'IN must be a positive integer, got `0`' <<<"$out"; then
    echo "error: fill_dense with IN=0 should exit 2 naming IN and the value; got status $st: $out" >&2
    exit 1
fi
echo "fill_dense rejects IN=0 (exit 2): $out"
echo "cargo package: the crate builds on its own, its files and the example are as expected"
