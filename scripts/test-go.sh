#!/usr/bin/env bash
# Tests the Go binding (bindings/go) against this build tree: builds the
# library with cargo (a no-op when it is up to date), then runs `go vet` and
# `go test -count=1` in bindings/go, offline (GOPROXY=off; the module has no
# dependencies). Exits non-zero on any failure.
#
# Environment (optional):
#   VS_GO_TEST_FLAGS       extra `go test` flags, e.g. "-v" or "-race"
#   VS_GO_INSTALL_PREFIX   an install prefix (cmake --install --prefix DIR):
#                          then also vet and test the package built with
#                          -tags vs_pkgconfig against DIR's variance_scaling.pc
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd -P)

step() { printf '\n==> %s\n' "$*"; }

if ! command -v go >/dev/null 2>&1; then
    echo "error: the Go toolchain (go) is not on PATH; the Go binding needs Go >= 1.21 and cgo" >&2
    exit 1
fi

step "cargo build --release --locked (the library the Go binding links against)"
cargo build --release --locked

LIBDIR="$REPO/target/release"
if [ ! -e "$LIBDIR/libvariance_scaling.so" ]; then
    echo "error: $LIBDIR/libvariance_scaling.so was not built" >&2
    exit 1
fi
# Binaries linked to the shared library ask for the soname at start-up.
if [ ! -e "$LIBDIR/libvariance_scaling.so.0" ]; then
    ln -sf libvariance_scaling.so "$LIBDIR/libvariance_scaling.so.0"
fi

# The build-tree link scheme of bindings/go (see bindings/go/README.md): the
# package takes its compiler and linker flags from the environment. Each
# field is quoted so that a repository path with spaces works (the go
# command splits these variables with shell-like quoting).
# The go build cache does not see changes to a header outside the package, so
# the header's checksum goes into CGO_CFLAGS (part of the cache key): a
# regenerated header recompiles the binding.
HEADER_SUM=$(cksum < include/variance_scaling.h | cut -d' ' -f1)
export CGO_ENABLED=1
export CGO_CFLAGS="'-I$REPO/include' -DVSGO_HEADER_CKSUM=$HEADER_SUM"
export CGO_LDFLAGS="'-L$LIBDIR' -lvariance_scaling '-Wl,-rpath,$LIBDIR'"
# Offline: the module has no dependencies; never download a toolchain.
export GOPROXY=off
export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local

cd bindings/go
step "go version"
go version

step "go vet ./... (bindings/go)"
go vet ./...

step "go test -count=1 ./... (bindings/go)"
# shellcheck disable=SC2086  # VS_GO_TEST_FLAGS is a list of flags
go test -count=1 ${VS_GO_TEST_FLAGS:-} ./...

if [ -n "${VS_GO_INSTALL_PREFIX:-}" ]; then
    PC=$(find "$VS_GO_INSTALL_PREFIX" -path '*/pkgconfig/variance_scaling.pc' -print -quit)
    if [ -z "$PC" ]; then
        echo "error: no pkgconfig/variance_scaling.pc under $VS_GO_INSTALL_PREFIX" >&2
        exit 1
    fi
    export PKG_CONFIG_PATH
    PKG_CONFIG_PATH="$(dirname "$PC")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    PC_LIBDIR=$(pkg-config --variable=libdir variance_scaling)
    PC_INCDIR=$(pkg-config --variable=includedir variance_scaling)
    # flags from pkg-config only; the rpath finds the installed .so at run time
    export CGO_CFLAGS="-DVSGO_HEADER_CKSUM=$(cksum < "$PC_INCDIR/variance_scaling.h" | cut -d' ' -f1)"
    export CGO_LDFLAGS="'-Wl,-rpath,$PC_LIBDIR'"
    step "go vet -tags vs_pkgconfig ./... (installed library, $PC)"
    go vet -tags vs_pkgconfig ./...
    step "go test -count=1 -tags vs_pkgconfig ./... (installed library)"
    # shellcheck disable=SC2086
    go test -count=1 -tags vs_pkgconfig ${VS_GO_TEST_FLAGS:-} ./...
fi

printf '\nGo binding: all tests passed.\n'
