#!/usr/bin/env bash
# The Go binding's checks that ctest runs (label go; registered by
# cmake/VarianceScalingInstallTests.cmake):
#
#   go.sh vet|test build <go> <library dir>
#       against the build tree: the header in include/, the library cargo
#       built in <library dir> (with the soname link build.rs puts beside
#       it), the flags in CGO_CFLAGS / CGO_LDFLAGS (bindings/go/README.md's
#       build-tree scheme)
#   go.sh vet|test installed <go> <tree dir>
#       against the installed prefix of tests/install/checks.sh (its
#       tree.env): -tags vs_pkgconfig, the flags from its variance_scaling.pc
#
# Offline (GOPROXY=off; the module has no dependencies), never downloading a
# toolchain. VS_GO_TEST_FLAGS (environment) adds `go test` flags, e.g. -race.
# Needs VS_SOURCE_DIR. Exit status: 0 passed, 1 failed, 77 skipped (no Go
# toolchain; with VS_REQUIRE_TEST_TOOLS=1 a missing one fails instead).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: go.sh vet|test build|installed <go> <library dir|tree dir>" >&2; exit 2; }
action="$1" against="$2" go="$3" where="$4"
: "${VS_SOURCE_DIR:?run through ctest}"

if [ ! -x "$go" ]; then
    if [ "${VS_REQUIRE_TEST_TOOLS:-0}" = 1 ]; then
        echo "FAIL: no Go toolchain ('$go'), and VS_REQUIRE_TEST_TOOLS=1 asks for every check"
        exit 1
    fi
    echo "SKIP: no Go toolchain (go >= 1.21) was found when configuring: the Go binding was NOT tested"
    exit 77
fi

export CGO_ENABLED=1
export GOPROXY=off
export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local

# The go build cache does not see changes to a header outside the package,
# so the header's checksum goes into CGO_CFLAGS (part of the cache key): a
# regenerated header recompiles the binding.
case "$against" in
    build)
        [ -e "$where/libvariance_scaling.so" ] || { echo "$where/libvariance_scaling.so was not built"; exit 1; }
        header="$VS_SOURCE_DIR/include/variance_scaling.h"
        # Each field quoted: the go command splits these with shell-like
        # quoting, so a path with spaces works.
        export CGO_CFLAGS="'-I$VS_SOURCE_DIR/include' -DVSGO_HEADER_CKSUM=$(cksum <"$header" | cut -d' ' -f1)"
        export CGO_LDFLAGS="'-L$where' -lvariance_scaling '-Wl,-rpath,$where'"
        tags=()
        ;;
    installed)
        [ -f "$where/tree.env" ] || { echo "$where/tree.env is missing: install_prefix did not run"; exit 1; }
        # shellcheck disable=SC1091
        . "$where/tree.env"
        export PKG_CONFIG_PATH="$TREE_PREFIX/$TREE_LIBREL/pkgconfig"
        unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
        pc_libdir=$(pkg-config --variable=libdir variance_scaling)
        pc_incdir=$(pkg-config --variable=includedir variance_scaling)
        echo "pkg-config: libdir $pc_libdir, includedir $pc_incdir"
        # flags from pkg-config only; the rpath finds the installed .so at run time
        export CGO_CFLAGS="-DVSGO_HEADER_CKSUM=$(cksum <"$pc_incdir/variance_scaling.h" | cut -d' ' -f1)"
        export CGO_LDFLAGS="'-Wl,-rpath,$pc_libdir'"
        tags=(-tags vs_pkgconfig)
        ;;
    *)
        echo "go.sh: build or installed, not '$against'" >&2
        exit 2
        ;;
esac

cd "$VS_SOURCE_DIR/bindings/go"
"$go" version
case "$action" in
    vet)
        echo "+ go vet ${tags[*]} ./... (in bindings/go)"
        "$go" vet "${tags[@]}" ./...
        ;;
    test)
        echo "+ go test -count=1 ${tags[*]} ${VS_GO_TEST_FLAGS:-} ./... (in bindings/go)"
        # shellcheck disable=SC2086  # VS_GO_TEST_FLAGS is a list of flags
        "$go" test -count=1 "${tags[@]}" ${VS_GO_TEST_FLAGS:-} ./...
        ;;
    *)
        echo "go.sh: vet or test, not '$action'" >&2
        exit 2
        ;;
esac
echo "PASS: go $action ($against)"
