#!/usr/bin/env bash
# The same bits on another architecture: cross-builds the library and its
# tests for aarch64 (rustup target aarch64-unknown-linux-gnu, Debian's
# gcc-aarch64-linux-gnu as the linker) and runs, under qemu-aarch64 (Debian's
# qemu-user), the unit tests (v2's reference functions, the exhaustive
# truncated-normal bound, slices), the golden vectors of both algorithms, the
# kernel-equivalence tests (the portable kernel is the only one there) and
# the property tests (ranges and slices equal whole fills, both algorithms).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

target=aarch64-unknown-linux-gnu
sysroot=/usr/aarch64-linux-gnu
for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool is missing (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)" >&2
        exit 1
    fi
done
if ! grep -qx "$target" <<<"$(rustup target list --installed 2>/dev/null)"; then
    rustup target add "$target"
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L $sysroot"
cargo test --locked --release --target "$target" \
    --lib --test golden --test kernels --test large_offsets --test properties
