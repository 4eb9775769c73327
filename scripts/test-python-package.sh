#!/usr/bin/env bash
# The Python package (bindings/python, docs/python.md): builds and installs
# it with pip exactly as a user does (`pip install ./bindings/python`,
# maturin from PyPI through pip's build isolation), then runs its pytest
# suite and `mypy --strict` over the package and a typed usage file.
#
# It installs into a virtualenv (default target/python-venv, or $VS_PY_VENV)
# made with --system-site-packages, so numpy, ml_dtypes, keras, jax, pytest
# and mypy come from the system Python and the system's site-packages stay
# untouched. The extension's crate is a cargo workspace of its own
# (bindings/python/Cargo.toml says why); it is compiled into the library's
# target/ (CARGO_TARGET_DIR), reusing the dependencies compiled there alike,
# and a warm run recompiles nothing. Before that: rustfmt, clippy (warnings
# are errors) and the num-traits "std" check of scripts/test.sh, for its
# crate. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=${VS_PY_VENV:-target/python-venv}
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac

missing=$("$python" -c 'import importlib.util as u
print(" ".join(m for m in ("pytest", "mypy", "numpy", "ml_dtypes", "keras", "jax") if u.find_spec(m) is None))')
if [ -n "$missing" ]; then
    echo "error: the Python tests need: $missing (pip install pytest mypy numpy ml_dtypes 'keras>=3.15' 'jax>=0.4.35')" >&2
    exit 1
fi
command -v cargo >/dev/null || { echo "error: building the package needs cargo (Rust)" >&2; exit 1; }

manifest=bindings/python/Cargo.toml
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR" ;; esac

echo "== cargo fmt, clippy (warnings are errors), num-traits without std: $manifest"
cargo fmt --manifest-path "$manifest" -- --check
cargo clippy --locked --manifest-path "$manifest" --all-targets -- -D warnings
# as in scripts/test.sh: rand_distr must take exp/ln from libm, not the
# platform, in the extension's build too (why rust-numpy is not used)
if grep -q 'num-traits feature "std"' <<<"$(cargo tree --locked --manifest-path "$manifest" -e features -i num-traits)"; then
    echo "error: some crate of the Python extension enables num-traits/std; the stream would depend on the platform libm" >&2
    exit 1
fi

echo "== pip install ./bindings/python (into $venv)"
[ -x "$venv/bin/python" ] || "$python" -m venv --system-site-packages "$venv"
"$venv/bin/python" -m pip uninstall --quiet --yes variance-scaling >/dev/null 2>&1 || true
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check ./bindings/python

echo "== the extension module is not libvariance_scaling.so.N (no SONAME: the core's feature soname is off)"
ext=$("$venv/bin/python" -c 'import variance_scaling._core as c; print(c.__file__)')
if grep -q 'SONAME' <<<"$(readelf -d "$ext")"; then
    echo "error: $ext has a SONAME: $(readelf -d "$ext" | grep SONAME)" >&2
    exit 1
fi

echo "== the C library for test_c_abi.py (built already by scripts/test.sh)"
cargo build --locked --release --lib
export VS_LIB="$CARGO_TARGET_DIR/release/libvariance_scaling.so"

echo "== pytest bindings/python/tests"
# The tests import the installed package (bindings/python/python has no
# compiled _core) and read tests/data and include/ of this checkout.
(cd bindings/python/tests &&
    KERAS_BACKEND=numpy JAX_PLATFORMS=${JAX_PLATFORMS:-cpu} \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider .)

echo "== mypy --strict (the package, its _core.pyi stub, tests/typing_usage.py)"
(cd bindings/python &&
    "$venv/bin/python" -m mypy --config-file pyproject.toml --strict \
        --cache-dir "$CARGO_TARGET_DIR/mypy-cache" python/variance_scaling tests/typing_usage.py)
