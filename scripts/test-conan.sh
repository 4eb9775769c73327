#!/usr/bin/env bash
# Tests the Conan 2 recipe (conanfile.py, test_package/, docs/conan.md):
# `conan create .` of the shared and of the static package, each built,
# packaged and tested by test_package (C and C++ through
# find_package(VarianceScaling), C through pkg-config), with no Conan remote.
#
#   bash scripts/test-conan.sh
#
# The user's Conan configuration is never touched: CONAN_HOME is a new
# temporary directory (a detected default profile, every remote disabled),
# removed on exit. cargo builds into one fixed directory,
# $VS_CONAN_CARGO_TARGET_DIR (default build/conan-cargo), shared by both
# packages and kept between runs, so only the first build compiles the
# crates.io dependencies; when it does not exist yet and the CMake default
# tree's release build (build/default/cargo/release) does, its compiled
# dependencies are copied in first. cargo runs with --offline when its
# registry cache already holds every crate of Cargo.lock (`cargo fetch
# --offline` succeeds), and may otherwise reach crates.io once for the
# missing ones. Prints the seconds each `conan create` took. Exits non-zero
# on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v conan >/dev/null 2>&1; then
    echo "error: conan not found (python3 -m pip install conan)" >&2
    exit 1
fi
version=$(conan --version | sed -n 's/^Conan version \([0-9][0-9.]*\).*/\1/p')
case "$version" in
2.*) ;;
*)
    echo "error: Conan 2 is needed, \`conan --version\` says: $(conan --version)" >&2
    exit 1
    ;;
esac
echo "conan $version"

CONAN_HOME=$(mktemp -d "${TMPDIR:-/tmp}/vs-conan-home.XXXXXX")
export CONAN_HOME
trap 'rm -rf "$CONAN_HOME"' EXIT
conan profile detect >/dev/null 2>&1
conan remote disable "*" >/dev/null
echo "CONAN_HOME=$CONAN_HOME (temporary; remotes disabled)"

target_dir=${VS_CONAN_CARGO_TARGET_DIR:-$PWD/build/conan-cargo}
seed=build/default/cargo/release
if [ ! -d "$target_dir/release" ] && [ -d "$seed/deps" ]; then
    # the dependencies only: the crate itself is rebuilt from Conan's copy
    echo "seeding $target_dir with the compiled dependencies of $seed"
    mkdir -p "$target_dir/release"
    cp -a --reflink=auto "$seed/deps" "$seed/build" "$seed/.fingerprint" "$target_dir/release/"
    rm -rf "$target_dir"/release/{deps,.fingerprint,build}/*variance_scaling* \
        "$target_dir"/release/{deps,.fingerprint,build}/vs?init*
fi

cargo_flags=""
if cargo fetch --locked --offline >/dev/null 2>&1; then
    cargo_flags="--offline"
    echo "cargo: every crate of Cargo.lock is in the registry cache: --offline"
else
    echo "cargo: the registry cache lacks crates of Cargo.lock: cargo may reach crates.io"
fi

for shared in True False; do
    start=$SECONDS
    conan create . -o "&:shared=$shared" \
        -c "user.variance_scaling:cargo_target_dir=$target_dir" \
        -c "user.variance_scaling:cargo_flags=$cargo_flags" \
        -c "tools.cmake.cmake_layout:test_folder=$CONAN_HOME/test_package-build"
    echo "conan create (shared=$shared): $((SECONDS - start)) s"
done

# Both packages are in the cache, one per value of the option.
packages=$(conan list "variance_scaling/*:*" --format=json)
count=$(printf '%s' "$packages" | python3 -c '
import json, sys
data = json.load(sys.stdin)
n = 0
for ref in data["Local Cache"].values():
    for rev in ref.get("revisions", {}).values():
        n += len(rev.get("packages", {}))
print(n)')
if [ "$count" != 2 ]; then
    echo "error: expected 2 packages of variance_scaling in the cache, found $count" >&2
    exit 1
fi
echo "conan: shared and static packages built and tested"
