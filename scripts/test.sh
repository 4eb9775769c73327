#!/usr/bin/env bash
# Runs every test of libvariance_scaling: formatting, lints, the Rust unit,
# statistical, rounding, golden and kernel-equivalence tests (every SIMD
# kernel the CPU runs against the portable one), the check that the v2
# polynomials in the docs and the code are the fitted ones, the header
# check, the C test suite against the shared and the static library (CMake
# + ctest; the shared one also under each VS_MAX_ISA kernel level), the same
# suite under ASan+UBSan and under valgrind memcheck, the aarch64 build's
# golden, kernel, slice and property tests under qemu, a short
# coverage-guided fuzzing run of every fuzz target (VS_FUZZ_SECONDS each, 20
# by default), the install / Debian package checks with their consumer
# projects and the Go package's tests (ctest labels install, package,
# consumer, go: `ctest --preset install`), and the Python re-implementations
# and numpy cross-checks, and vs-init's tests (its files read back by the
# safetensors and gguf Python packages; its shared writes under mpirun on
# 1-7 ranks). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# each step prints the seconds the previous one took (CI must stay under 20 minutes)
step_start=$SECONDS
step() {
    printf '\n==> [%ds, total %ds] %s\n' $((SECONDS - step_start)) "$SECONDS" "$*"
    step_start=$SECONDS
}

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "cargo doc (private items too): broken intra-doc links are errors"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --workspace --no-deps --document-private-items

step "rand_distr must take exp/ln from libm, not the platform (no num-traits/std)"
# (the tree is captured first: grep -q exiting early would SIGPIPE cargo,
# and under pipefail that would hide a match)
if grep -q 'num-traits feature "std"' <<<"$(cargo tree --locked -e features -i num-traits)"; then
    echo "error: some crate enables num-traits/std; the stream would depend on the platform libm" >&2
    exit 1
fi

step "cargo test (release, the library and tools/vs-init; tests/kernels.rs names the SIMD kernels it exercised and skipped)"
# one invocation: the library is compiled once for both
cargo test --locked --release --workspace

step "Rust crate: cargo package (verification build), its files, examples/fill_dense.rs"
bash scripts/test-cargo-package.sh

step "vs-init across MPI ranks (feature mpi): clippy, then mpirun on 1, 2, 3, 4, 7 ranks (tools/vs-init/tests/mpi.rs)"
if command -v mpirun >/dev/null && { pkg-config --exists ompi-c 2>/dev/null || command -v mpicc >/dev/null; }; then
    cargo clippy --locked -p vs-init --features mpi --all-targets -- -D warnings
    cargo test --locked --release -p vs-init --features mpi --test mpi
elif [ "${VS_REQUIRE_TEST_TOOLS:-0}" = 1 ]; then
    echo "error: Open MPI not found (apt-get install openmpi-bin libopenmpi-dev)" >&2
    exit 1
else
    echo "skipped: Open MPI not found (apt-get install openmpi-bin libopenmpi-dev)" >&2
fi

step "v2 polynomials: docs/algorithm-v2.md and src/engine/v2/coefficients.rs are the fit"
python3 scripts/v2-coefficients.py --check

step "header check: include/variance_scaling.h is what cbindgen generates"
# the builds above regenerated it through build.rs
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
    if ! git diff --exit-code -- include/ || [ -n "$(git status --porcelain -- include/)" ]; then
        echo "error: the committed header differs from the generated one; commit include/variance_scaling.h" >&2
        exit 1
    fi
else
    echo "not a git checkout: header check skipped" >&2
fi

step "C test suite (CMake workflow: build, ctest against shared and static library)"
cmake --workflow --preset default

step "Install, Debian packages (lintian), consumers, Go package (ctest --preset install: labels install, package, consumer, go)"
ctest --preset install

step "Conan 2: conan create . (shared and static) with test_package (C, C++, pkg-config)"
bash scripts/test-conan.sh

step "C test suite under ASan+UBSan (preset asan) and valgrind memcheck (preset valgrind)"
bash scripts/test-sanitizers.sh

step "aarch64: golden vectors, kernels, slices and properties under qemu-aarch64"
bash scripts/test-aarch64.sh

step "Fuzzing: every cargo-fuzz target for ${VS_FUZZ_SECONDS:-20}s (libFuzzer + ASan)"
bash scripts/fuzz.sh "${VS_FUZZ_SECONDS:-20}"

step "Python: re-implementation from docs/algorithm.md and numpy rounding"
cargo build --locked --release --lib
cargo build --locked --release -p vs-init
python3 -m pytest -q tests/python

step "Python package (bindings/python): pip install, pytest, mypy --strict"
bash scripts/test-python-package.sh

printf '\nAll tests passed (%d s).\n' "$SECONDS"
