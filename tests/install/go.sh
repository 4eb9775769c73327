#!/usr/bin/env bash
# The Go binding's checks that ctest runs (label go; registered by
# cmake/VarianceScalingInstallTests.cmake). The package takes its flags from
# pkg-config (`#cgo pkg-config: variance_scaling`), so each check only sets
# PKG_CONFIG_PATH, as bindings/go/README.md tells a developer to:
#
#   go.sh <action> build <go> <build dir>
#       against the build tree: PKG_CONFIG_PATH=<build dir>, where CMake
#       wrote variance_scaling-uninstalled.pc (the source tree's include/,
#       the library cargo built, an rpath to it); no LD_LIBRARY_PATH
#   go.sh <action> installed <go> <tree dir>
#       against the installed prefix of tests/install/checks.sh (its
#       tree.env): PKG_CONFIG_PATH=<prefix>/<libdir>/pkgconfig, and
#       LD_LIBRARY_PATH=<libdir> (the installed .pc has no rpath)
#
# Actions:
#   vet     go vet, without and with the build tag vs_static; against the
#           build tree also the C checks of bindings/go/vsgo.c: warning-free
#           under -std=c99 -Wall -Wextra -Wpedantic -Werror, and vsgo.h's
#           #error for a header of another VS_ABI_MAJOR
#   test    go test -count=1 $VS_GO_TEST_FLAGS (e.g. -race), shared library
#   static  go test -count=1 -tags vs_static (the static library; without
#           VS_GO_TEST_FLAGS: the race detector adds nothing to a link check)
# TestLinkKind checks that the test binary loaded the library from
# pkg-config's libdir (VSGO_WANT_LIBRARY_DIR), or none with vs_static.
#
# Offline (GOPROXY=off; the module has no dependencies), never downloading a
# toolchain. Needs VS_SOURCE_DIR. Exit status: 0 passed, 1 failed, 77
# skipped (no Go toolchain; with VS_REQUIRE_TEST_TOOLS=1 a missing one fails
# instead).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: go.sh vet|test|static build|installed <go> <build dir|tree dir>" >&2; exit 2; }
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
# Nothing but pkg-config may give the flags: no leftovers from the caller.
unset CGO_CFLAGS CGO_CPPFLAGS CGO_LDFLAGS PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

case "$against" in
    build)
        [ -f "$where/variance_scaling-uninstalled.pc" ] ||
            { echo "$where/variance_scaling-uninstalled.pc is missing: configure with CMake first"; exit 1; }
        export PKG_CONFIG_PATH="$where"
        # the uninstalled .pc's rpath must be enough
        unset LD_LIBRARY_PATH
        ;;
    installed)
        [ -f "$where/tree.env" ] || { echo "$where/tree.env is missing: install_prefix did not run"; exit 1; }
        # shellcheck disable=SC1091
        . "$where/tree.env"
        export PKG_CONFIG_PATH="$TREE_PREFIX/$TREE_LIBREL/pkgconfig"
        export LD_LIBRARY_PATH="$TREE_PREFIX/$TREE_LIBREL"
        ;;
    *)
        echo "go.sh: build or installed, not '$against'" >&2
        exit 2
        ;;
esac
pc_path=$(pkg-config --path variance_scaling)
pc_libdir=$(pkg-config --variable=libdir variance_scaling)
pc_incdir=$(pkg-config --variable=includedir variance_scaling)
echo "pkg-config: $pc_path (libdir $pc_libdir, includedir $pc_incdir)"
case "$against" in
    build) want_pc="$where/variance_scaling-uninstalled.pc" ;;
    installed) want_pc="$PKG_CONFIG_PATH/variance_scaling.pc" ;;
esac
[ "$pc_path" = "$want_pc" ] || { echo "FAIL: pkg-config read $pc_path, not $want_pc"; exit 1; }
header="$pc_incdir/variance_scaling.h"
[ -f "$header" ] || { echo "FAIL: no $header"; exit 1; }
[ -e "$pc_libdir/libvariance_scaling.so" ] || { echo "FAIL: no $pc_libdir/libvariance_scaling.so"; exit 1; }
export VSGO_WANT_LIBRARY_DIR="$pc_libdir"

# The go command's build cache keys a cgo package by its own files and its
# #cgo / CGO_* flags, not by headers found through pkg-config (`go help
# cache`: after changing a C library, clean the cache or build with -a), so
# an edited variance_scaling.h would leave a stale binding in the cache.
# The checks therefore use a cache of their own per header content, in the
# build tree: a changed header gets a fresh cache (one cold build of the
# standard library, 30 to 50 s on two cores with -race; a fresh machine
# pays it anyway, with any cache), an unchanged one reuses it, and
# checks of the same header (build tree, installed copy) share one. Links
# are never cached, so a rebuilt library is always the one linked. Caches of
# other headers unused for a day are removed.
cache_root="${VS_BUILD_DIR:?run through ctest}/go-cache"
key=$(cksum <"$header" | cut -d' ' -f1)
export GOCACHE="$cache_root/h$key"
mkdir -p "$GOCACHE"
touch "$GOCACHE"
find "$cache_root" -mindepth 1 -maxdepth 1 -type d ! -name "h$key" -mmin +1440 -exec rm -rf {} +

cd "$VS_SOURCE_DIR/bindings/go"
"$go" version

# vsgo.c under strict warnings, and vsgo.h's ABI check: a header with
# another VS_ABI_MAJOR (or none) must stop the build with its #error.
c_checks() {
    local cc tmp st=0
    cc=$("$go" env CC)
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN
    echo "+ $cc -std=c99 -Wall -Wextra -Wpedantic -Werror -c vsgo.c"
    # shellcheck disable=SC2046  # pkg-config's flags are a list
    $cc -std=c99 -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags variance_scaling) \
        -c vsgo.c -o "$tmp/vsgo.o" || { echo "FAIL: vsgo.c does not compile warning-free"; st=1; }
    local abi
    for abi in 1 none; do
        mkdir -p "$tmp/$abi"
        if [ "$abi" = none ]; then
            grep -v '#define VS_ABI_MAJOR' "$header" >"$tmp/$abi/variance_scaling.h"
        else
            sed "s/^#define VS_ABI_MAJOR .*/#define VS_ABI_MAJOR $abi/" "$header" >"$tmp/$abi/variance_scaling.h"
        fi
        if $cc -std=c99 -I"$tmp/$abi" -c vsgo.c -o "$tmp/abi.o" 2>"$tmp/err"; then
            echo "FAIL: vsgo.c compiled against a header with VS_ABI_MAJOR $abi"
            st=1
        elif ! grep -q 'error: #error "variancescaling (Go): the variance_scaling.h found through pkg-config' "$tmp/err"; then
            echo "FAIL: VS_ABI_MAJOR $abi: not vsgo.h's #error:"
            cat "$tmp/err"
            st=1
        else
            echo "VS_ABI_MAJOR $abi: $(grep -m1 -o '#error .*' "$tmp/err" | cut -c1-100)..."
        fi
    done
    return $st
}

case "$action" in
    vet)
        if [ "$against" = build ]; then
            c_checks
        fi
        echo "+ go vet ./... (in bindings/go)"
        "$go" vet ./...
        echo "+ go vet -tags vs_static ./..."
        "$go" vet -tags vs_static ./...
        ;;
    test)
        echo "+ go test -count=1 ${VS_GO_TEST_FLAGS:-} ./... (in bindings/go)"
        # shellcheck disable=SC2086  # VS_GO_TEST_FLAGS is a list of flags
        "$go" test -count=1 ${VS_GO_TEST_FLAGS:-} ./...
        ;;
    static)
        echo "+ go test -count=1 -tags vs_static ./... (in bindings/go)"
        "$go" test -count=1 -tags vs_static ./...
        ;;
    *)
        echo "go.sh: vet, test or static, not '$action'" >&2
        exit 2
        ;;
esac
echo "PASS: go $action ($against)"
