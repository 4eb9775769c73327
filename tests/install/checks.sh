#!/usr/bin/env bash
# The install, package and consumer checks that ctest runs (registered by
# cmake/VarianceScalingInstallTests.cmake; `ctest -L install`, `-L package`,
# `-L consumer`). One call is one check, one ctest test:
#
#   checks.sh <check> <tree dir> [arguments...]
#
# A tree dir is a scratch directory under the build tree, one per installed
# tree: tests/install (cmake --install --prefix) and tests/deb (the .debs,
# unpacked). The tree's setup test (install, deb-unpack) writes
# <tree dir>/tree.env, which says where the installed files are; the checks
# read it, so each one runs against an installed copy, never the build tree.
#
# The facts come from CMake, which reads Cargo.toml once, through the
# environment: VS_CARGO_VERSION, VS_NUMERIC_VERSION, VS_ABI_MAJOR,
# VS_SOURCE_DIR, VS_BUILD_DIR, VS_CMAKE, VS_CMAKE_GENERATOR and, for the
# packages, VS_DEB_VERSION, VS_DEB_UPSTREAM_VERSION, VS_DEB_RUNTIME_PACKAGE,
# VS_DEB_DEV_PACKAGE, VS_DEB_DBGSYM_PACKAGE.
#
# Exit status: 0 passed, 1 failed, 77 skipped (an optional tool such as gdb
# or lintian is missing; with VS_REQUIRE_TEST_TOOLS=1, as .ci/run sets, a
# missing tool fails instead).
set -uo pipefail

for v in VS_CARGO_VERSION VS_NUMERIC_VERSION VS_ABI_MAJOR VS_SOURCE_DIR VS_BUILD_DIR VS_CMAKE; do
    [ -n "${!v:-}" ] || { echo "checks.sh: $v is not set (run through ctest)" >&2; exit 1; }
done
ROOT="$VS_SOURCE_DIR"
BUILD="$VS_BUILD_DIR"
CARGO_VERSION="$VS_CARGO_VERSION"
NUMERIC_VERSION="$VS_NUMERIC_VERSION"
ABI_MAJOR="$VS_ABI_MAJOR"
REALNAME="libvariance_scaling.so.$NUMERIC_VERSION"
SONAME="libvariance_scaling.so.$ABI_MAJOR"
CMAKE="$VS_CMAKE"

# A clean environment for consumers: only the paths a test gives them.
clean_env=(env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR
           -u CMAKE_PREFIX_PATH -u VarianceScaling_DIR -u LD_LIBRARY_PATH
           -u CFLAGS -u CXXFLAGS -u LDFLAGS -u CPATH -u LIBRARY_PATH -u C_INCLUDE_PATH)

# need_tool (lib.sh). A tree's setup test that skips leaves <tree dir>/skipped
# with the reason (SKIP_MARKER), and the tree's checks then skip too (ctest
# runs them after a skipped setup).
SKIP_MARKER=""
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# skip_if_setup_skipped <tree dir>
skip_if_setup_skipped() {
    if [ -f "$1/skipped" ]; then
        echo "SKIP: the tree's setup test was skipped ($(cat "$1/skipped")): this check did NOT run"
        exit 77
    fi
}

# load_tree <tree dir>: TREE_PREFIX, TREE_LIBREL, TREE_DOCREL,
# TREE_DEBUG_FILE, TREE_GDB_DIR, TREE_PC_SYSROOT from its tree.env
load_tree() {
    W="$1"
    skip_if_setup_skipped "$W"
    [ -f "$W/tree.env" ] || { echo "$W/tree.env is missing: the tree's setup test did not run"; exit 1; }
    # shellcheck disable=SC1091
    . "$W/tree.env"
    LIBDIR="$TREE_PREFIX/$TREE_LIBREL"
}

# write_tree <tree dir> <prefix> <libdir rel> <docdir rel> <debug file>
#            <gdb debug-file-directory> [<pkg-config sysroot>]
write_tree() {
    printf 'TREE_PREFIX=%q\nTREE_LIBREL=%q\nTREE_DOCREL=%q\nTREE_DEBUG_FILE=%q\nTREE_GDB_DIR=%q\nTREE_PC_SYSROOT=%q\n' \
        "$2" "$3" "$4" "$5" "$6" "${7:-}" >"$1/tree.env"
    cat "$1/tree.env"
}

size_of() { if [ -e "$2" ]; then printf '  %-50s %10s bytes\n' "$1" "$(stat -L -c %s "$2")"; fi; }

# --- setting up the prefix ---------------------------------------------------

# install <tree dir> <build dir> <libdir rel> <docdir rel>
check_install() {
    local w="$1" build="$2" lrel="$3" drel="$4" p="$1/prefix"
    rm -rf "$w" && mkdir -p "$w/no-debug-dir" || return 1
    "$CMAKE" --install "$build" --prefix "$p" || return 1
    # gdb finds lib/.debug/<name> through the debug link; the
    # debug-file-directory is an empty one, so that nothing else can be what
    # it finds
    write_tree "$w" "$p" "$lrel" "$drel" "$p/$lrel/.debug/$REALNAME.debug" "$w/no-debug-dir"
    if [ -n "${VS_RUST_LIB_DIR:-}" ]; then
        size_of "cargo's .so (build tree, with debug info)" "$VS_RUST_LIB_DIR/libvariance_scaling.so"
        size_of "cargo's .a (build tree, with debug info)" "$VS_RUST_LIB_DIR/libvariance_scaling.a"
    fi
    size_of "installed $REALNAME" "$p/$lrel/$REALNAME"
    size_of "installed libvariance_scaling.a" "$p/$lrel/libvariance_scaling.a"
}

check_no_debug_in_full_install() {
    load_tree "$1"
    if find "$TREE_PREFIX" -path "*/.debug*" | grep .; then
        echo "a full install has the debug file (only --component debug may install it)"
        return 1
    fi
    echo "no .debug in a full install"
}

# install-debug <tree dir> <build dir>
check_install_debug() {
    load_tree "$1"
    "$CMAKE" --install "$2" --prefix "$TREE_PREFIX" --component debug || return 1
    test -f "$TREE_DEBUG_FILE" || { echo "$TREE_DEBUG_FILE was not installed"; return 1; }
    ls -l "$TREE_DEBUG_FILE"
}

# install-strip <tree dir> <build dir>
check_install_strip() {
    load_tree "$1"
    local p="$W/prefix-strip" f
    rm -rf "$p"
    "$CMAKE" --install "$2" --prefix "$p" --strip || return 1
    for f in "$REALNAME" libvariance_scaling.a; do
        cmp "$LIBDIR/$f" "$p/$TREE_LIBREL/$f" || return 1
        echo "same: $f"
    done
    cmp "$TREE_PREFIX/bin/vs-init" "$p/bin/vs-init" || return 1
    echo "same: bin/vs-init"
}

# --- checks on an installed tree ---------------------------------------------

# layout: versioned .so, soname and dev links, .a, header, .pc, CMake
# package, docs; no RPATH, nothing that points into the source tree
check_layout() {
    load_tree "$1"
    local p="$TREE_PREFIX" l="$LIBDIR" d="$TREE_PREFIX/$TREE_DOCREL" ok=0
    must() { if ! "$@"; then echo "not true: $*"; ok=1; fi; }
    must test -f "$l/$REALNAME"
    must test ! -L "$l/$REALNAME"
    must test "$(readlink "$l/$SONAME")" = "$REALNAME"
    must test "$(readlink "$l/libvariance_scaling.so")" = "$SONAME"
    must test -f "$l/libvariance_scaling.a"
    must cmp -s "$p/include/variance_scaling.h" "$ROOT/include/variance_scaling.h"
    must cmp -s "$p/include/variance_scaling.hpp" "$ROOT/include/variance_scaling.hpp"
    must test -f "$l/pkgconfig/variance_scaling.pc"
    must test -f "$l/cmake/VarianceScaling/VarianceScalingConfig.cmake"
    must test -f "$l/cmake/VarianceScaling/VarianceScalingConfigVersion.cmake"
    for f in README.md LICENSE-MIT LICENSE-APACHE; do
        must cmp -s "$d/$f" "$ROOT/$f"
    done
    # the docs pages the README links to
    local page
    for page in "$ROOT"/docs/*.md; do
        must cmp -s "$d/docs/${page##*/}" "$page"
    done
    local soname
    soname=$(readelf -d "$l/$REALNAME" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
    echo "soname: $soname"
    must test "$soname" = "$SONAME"
    if readelf -d "$l/$REALNAME" | grep -E 'R(UN)?PATH'; then
        echo "the library carries an RPATH/RUNPATH"
        ok=1
    fi
    # Nothing installed may point into the source or build tree.
    if grep -rIl -- "$ROOT" "$p"; then
        echo "the files above refer to $ROOT"
        ok=1
    fi
    if [ -n "$TREE_PC_SYSROOT" ]; then
        # the Debian packages: a literal /usr, so pkg-config drops system dirs
        grep -qx 'prefix=/usr' "$l/pkgconfig/variance_scaling.pc" ||
            { echo ".pc prefix of the packages is not /usr"; ok=1; }
    else
        # shellcheck disable=SC2016  # a literal ${pcfiledir}
        grep -q '^prefix=${pcfiledir}/' "$l/pkgconfig/variance_scaling.pc" ||
            { echo ".pc prefix is not relative to \${pcfiledir}"; ok=1; }
    fi
    local privs
    privs=$(sed -n 's/^Libs.private: *//p' "$l/pkgconfig/variance_scaling.pc")
    echo "Libs.private: $privs"
    must test "$privs" = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
    find "$p" | sort
    return $ok
}

# vs-init: bin/vs-init (stripped, no RPATH) and its man page are installed;
# `vs-init --help` runs from the tree; a small manifest written by the
# installed binary is byte-identical to the build tree's vs-init's file
check_vs_init() {
    load_tree "$1"
    local exe="$TREE_PREFIX/bin/vs-init" ok=0
    local man="$TREE_PREFIX/share/man/man1/vs-init.1.gz"
    local built="${VS_RUST_LIB_DIR:-}/vs-init" work="$W/vs-init-run"
    [ -x "$exe" ] && [ ! -L "$exe" ] || { echo "$exe is missing or not an executable file"; return 1; }
    [ -x "$built" ] || { echo "the build tree's $built is missing (build first)"; return 1; }
    # .debug_gdb_scripts is no debug info: rustc's loaded section that
    # names the Rust pretty-printers for gdb; strip keeps it
    if sections "$exe" | grep -vx '.debug_gdb_scripts' | grep -E '^\.(z?debug_|symtab$|comment$)'; then
        echo "$exe is not stripped: it has the sections above"
        ok=1
    fi
    if readelf -d "$exe" | grep -E 'R(UN)?PATH'; then
        echo "$exe carries an RPATH/RUNPATH"
        ok=1
    fi
    # the man page: what scripts/gen-vs-init-man.py makes of this installed
    # vs-init's --help and docs/vs-init.1.in, byte for byte; gzip -9n (no
    # name, no date in the header). A build with -DVS_BUILD_MAN=OFF has none.
    local regen="$W/vs-init-man/vs-init.1"
    if [ ! -e "$man" ] && grep -qx 'VS_BUILD_MAN:BOOL=OFF' "${VS_BUILD_DIR:-}/CMakeCache.txt" 2>/dev/null; then
        echo "VS_BUILD_MAN=OFF: no man page"
    elif [ -f "$man" ]; then
        rm -rf "${regen%/*}" || return 1
        (cd / && "${clean_env[@]}" python3 "$ROOT/scripts/gen-vs-init-man.py" --exe "$exe" \
            --template "$ROOT/docs/vs-init.1.in" --changelog "$ROOT/packaging/debian/changelog" \
            --out "$regen") || { echo "scripts/gen-vs-init-man.py failed on $exe"; ok=1; }
        gzip -dc "$man" | cmp - "$regen" ||
            { echo "$man is not what scripts/gen-vs-init-man.py makes of $exe --help and docs/vs-init.1.in:"; gzip -dc "$man" | diff - "$regen"; ok=1; }
        [ "$(od -An -tx1 -j4 -N4 "$man" | tr -d ' \n')" = 00000000 ] || { echo "$man has a date in its gzip header"; ok=1; }
        [ "$(od -An -tx1 -j3 -N1 "$man" | tr -d ' \n')" = 00 ] || { echo "$man has a name in its gzip header"; ok=1; }
    else
        echo "$man is missing"
        ok=1
    fi
    local help
    help=$(cd / && "${clean_env[@]}" "$exe" --help) || { echo "$exe --help failed"; return 1; }
    echo "$help" | head -n1
    [[ "$help" == "usage: vs-init INPUT -o OUTPUT"* ]] || { echo "$exe --help printed no usage line"; ok=1; }
    # the man page's title line names the version `vs-init --version` prints
    local version th
    version=$(cd / && "${clean_env[@]}" "$exe" --version | awk '{print $2}')
    if [ -f "$man" ]; then
        th=$(gzip -dc "$man" | grep -m1 '^\.TH ')
        echo "vs-init --version: $version; man page: $th"
        [[ -n "$version" && "$th" == *"\"vs-init $version\""* ]] ||
            { echo "$man's .TH line does not say \"vs-init $version\""; ok=1; }
    fi
    rm -rf "$work" && mkdir -p "$work" || return 1
    cat >"$work/manifest.json" <<'JSON'
[
  {"name": "dense.kernel", "shape": [64, 48], "initializer": "he_normal"},
  {"name": "dense.bias", "shape": [48], "initializer": "zeros"},
  {"name": "conv.kernel", "shape": [3, 3, 8, 16],
   "initializer": {"class_name": "GlorotUniform", "config": {"seed": 7}}}
]
JSON
    (cd / && "${clean_env[@]}" "$exe" "$work/manifest.json" -o "$work/installed.safetensors" \
        --seed 42 --quiet) || { echo "the installed vs-init failed"; return 1; }
    (cd / && "$built" "$work/manifest.json" -o "$work/built.safetensors" --seed 42 --quiet) ||
        { echo "the build tree's vs-init failed"; return 1; }
    size_of "safetensors of the installed vs-init" "$work/installed.safetensors"
    [ "$(stat -c %s "$work/installed.safetensors")" -gt $(((64 * 48 + 48 + 3 * 3 * 8 * 16) * 4)) ] ||
        { echo "the file is too small to hold the three tensors"; ok=1; }
    cmp "$work/installed.safetensors" "$work/built.safetensors" ||
        { echo "the installed vs-init wrote other bytes than the build tree's"; ok=1; }
    return $ok
}

# build_id <ELF file>: its GNU build ID (hex), empty if none
build_id() {
    LC_ALL=C readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -n1
}

# sections <ELF file or archive>: the names of its sections (every member's)
sections() {
    LC_ALL=C readelf -S -W "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p'
}

# stripped: no debug info in the .so or the .a; the .so keeps its build ID
# and gains a debug link, the .a is deterministic
check_stripped() {
    load_tree "$1"
    local so="$LIBDIR/$REALNAME" a="$LIBDIR/libvariance_scaling.a" ok=0 id
    echo "--- sections of $so"
    sections "$so" | tr '\n' ' '
    echo
    if sections "$so" | grep -E '^\.(z?debug_|symtab$|strtab$|comment$)'; then
        echo "$so still has the sections above"
        ok=1
    fi
    grep -qx '.note.gnu.build-id' <<<"$(sections "$so")" || { echo "$so: no .note.gnu.build-id"; ok=1; }
    grep -qx '.gnu_debuglink' <<<"$(sections "$so")" || { echo "$so: no .gnu_debuglink"; ok=1; }
    id=$(build_id "$so")
    echo "build ID: $id"
    [[ "$id" =~ ^[0-9a-f]{16,}$ ]] || { echo "$so: no build ID"; ok=1; }
    echo "--- $a"
    local n_members n_debug
    n_members=$(ar t "$a" | wc -l)
    n_debug=$(sections "$a" | grep -cE '^\.(z?debug_|comment$)')
    echo "$n_members members; sections .debug_*/.zdebug_*/.comment: $n_debug"
    [ "$n_members" -gt 0 ] || { echo "$a: empty archive?"; ok=1; }
    [ "$n_debug" -eq 0 ] || { echo "$a still has debug sections"; ok=1; }
    # deterministic: every member owned by 0/0 and dated 1970-01-01 00:00
    if TZ=UTC0 LC_ALL=C ar tv "$a" | grep -vE '^[-rwx]{9} 0/0 +[0-9]+ Jan  1 00:00 1970 '; then
        echo "$a: the members above carry owners or dates (not deterministic)"
        ok=1
    fi
    return $ok
}

# debug-file: it holds the debug info (DWARF and the symbol table), the
# library's build ID, and the CRC-32 that the library's debug link records
# (gzip's trailer carries the same CRC-32); mode 644
check_debug_file() {
    load_tree "$1"
    local so="$LIBDIR/$REALNAME" dbg="$TREE_DEBUG_FILE" ok=0 want_name="$REALNAME.debug"
    ls -l "$dbg" || return 1
    echo "--- sections of $dbg"
    sections "$dbg" | tr '\n' ' '
    echo
    local s
    for s in .debug_info .debug_line .debug_str .symtab; do
        grep -qx -- "$s" <<<"$(sections "$dbg")" || { echo "$dbg: no $s"; ok=1; }
    done
    if grep -E '\] \.debug_(info|line) ' <<<"$(LC_ALL=C readelf -S -W "$dbg")" | grep -q NOBITS; then
        echo "$dbg: .debug_info/.debug_line are empty (NOBITS)"
        ok=1
    fi
    local id_so id_dbg
    id_so=$(build_id "$so")
    id_dbg=$(build_id "$dbg")
    echo "build ID: library $id_so, debug file $id_dbg"
    [ -n "$id_so" ] && [ "$id_so" = "$id_dbg" ] || { echo "the build IDs differ"; ok=1; }
    local link="$W/debuglink.bin" name crc_link crc_file
    objcopy --dump-section ".gnu_debuglink=$link" "$so" "$W/debuglink-dump.tmp" ||
        { echo "$so: cannot read .gnu_debuglink"; return 1; }
    rm -f "$W/debuglink-dump.tmp"
    name=$(tr -d '\000' <"$link" | head -c "${#want_name}")
    crc_link=$(tail -c4 "$link" | od -An -tx1 | tr -d ' \n')
    crc_file=$(gzip -1 -c "$dbg" | tail -c8 | head -c4 | od -An -tx1 | tr -d ' \n')
    echo "debug link: name $name, CRC-32 $crc_link; debug file's CRC-32 $crc_file"
    [ "$name" = "$want_name" ] || { echo "the debug link names '$name', not $want_name"; ok=1; }
    [ "$crc_link" = "$crc_file" ] || { echo "the debug link's CRC does not match the debug file"; ok=1; }
    [ "$(stat -c %a "$dbg")" = 644 ] || { echo "$dbg: mode $(stat -c %a "$dbg"), not 644"; ok=1; }
    size_of "debug file" "$dbg"
    return $ok
}

# gdb: gdb reads the library's separate debug info (file and line of
# vs_fill_f32); a copy of the library alone in another directory has none,
# so the check can fail
gdb_line() {
    gdb -nx -batch -iex 'set debuginfod enabled off' -iex "set debug-file-directory $2" \
        -ex 'info line vs_fill_f32' "$1" 2>&1
}
check_gdb() {
    load_tree "$1"
    need_tool gdb
    local so="$LIBDIR/$REALNAME" out lone="$W/gdb-lone"
    out=$(gdb_line "$so" "$TREE_GDB_DIR")
    echo "with the debug file:    $out"
    grep -qE '^Line [0-9]+ of "src/.*\.rs"' <<<"$out" || { echo "gdb found no line information"; return 1; }
    rm -rf "$lone" && mkdir -p "$lone/empty" && cp "$so" "$lone/"
    out=$(gdb_line "$lone/$(basename "$so")" "$lone/empty")
    echo "without the debug file: $out"
    grep -q 'No line number information' <<<"$out" || { echo "gdb found line information without the debug file"; return 1; }
}

# symbols: exported functions == header's functions == packaging/debian/symbols
check_symbols() {
    load_tree "$1"
    local so="$LIBDIR/$REALNAME"
    "$CMAKE" -DLIBRARY="$so" -DHEADER="$ROOT/include/variance_scaling.h" \
        -P "$ROOT/cmake/VarianceScalingCheckSymbols.cmake" || return 1
    local exported listed
    exported=$(nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//' | sort -u)
    listed=$(sed -n 's/^ \(vs_[A-Za-z0-9_]*\)@Base .*/\1/p' "$ROOT/packaging/debian/symbols" | sort -u)
    if [ "$exported" != "$listed" ]; then
        echo "packaging/debian/symbols differs from the exported functions (< exported, > listed):"
        diff <(echo "$exported") <(echo "$listed")
        echo "add each new function as ' vs_name@Base <version that introduced it>'"
        return 1
    fi
    echo "packaging/debian/symbols lists the same $(echo "$exported" | wc -l) functions"
}

# versions: the header's macros, vs_version() (printed by the CMake shared
# consumer), Cargo.toml, the CMake package and pkg-config agree
check_versions() {
    load_tree "$1"
    local p="$TREE_PREFIX" l="$LIBDIR" out="$W/consumers/cmake-shared/run.out"
    local h="$p/include/variance_scaling.h" ok=0
    local major minor patch hstring vsver cmakever compat pcver abi
    [ -f "$out" ] || { echo "$out is missing: the CMake shared consumer did not run"; return 1; }
    major=$(sed -n 's/^#define VS_VERSION_MAJOR \([0-9]*\)$/\1/p' "$h")
    minor=$(sed -n 's/^#define VS_VERSION_MINOR \([0-9]*\)$/\1/p' "$h")
    patch=$(sed -n 's/^#define VS_VERSION_PATCH \([0-9]*\)$/\1/p' "$h")
    hstring=$(sed -n 's/^#define VS_VERSION_STRING "\(.*\)"$/\1/p' "$h")
    abi=$(sed -n 's/^#define VS_ABI_MAJOR \([0-9]*\)$/\1/p' "$h")
    vsver=$(sed -n 's/^vs_version=//p' "$out")
    local vfile="$l/cmake/VarianceScaling/VarianceScalingConfigVersion.cmake"
    local probe
    probe=$("$CMAKE" -DFILE="$vfile" -DFIND="${major}.${minor}" \
        -P "$ROOT/tests/install/package-version.cmake" 2>&1)
    cmakever=$(echo "$probe" | sed -n 's/^PACKAGE_VERSION=//p')
    compat=$(echo "$probe" | sed -n 's/^PACKAGE_VERSION_COMPATIBLE=//p')
    pcver=$("${clean_env[@]}" PKG_CONFIG_PATH="$l/pkgconfig" pkg-config --modversion variance_scaling)
    printf '%-40s %s\n' "Cargo.toml version" "$CARGO_VERSION" \
        "header VS_VERSION_MAJOR.MINOR.PATCH" "$major.$minor.$patch" \
        "header VS_VERSION_STRING" "$hstring" \
        "vs_version()" "$vsver" \
        "CMake PACKAGE_VERSION" "$cmakever" \
        "pkg-config --modversion" "$pcver" \
        "Cargo.toml abi-major" "$ABI_MAJOR" \
        "header VS_ABI_MAJOR" "$abi" \
        "find_package($major.$minor) compatible" "$compat"
    for v in "$hstring" "$vsver" "$pcver"; do
        [ "$v" = "$CARGO_VERSION" ] || { echo "mismatch: '$v' != Cargo.toml '$CARGO_VERSION'"; ok=1; }
    done
    for v in "$major.$minor.$patch" "$cmakever"; do
        [ "$v" = "$NUMERIC_VERSION" ] || { echo "mismatch: '$v' != Cargo.toml '$NUMERIC_VERSION'"; ok=1; }
    done
    [ "$abi" = "$ABI_MAJOR" ] || { echo "mismatch: VS_ABI_MAJOR $abi != abi-major $ABI_MAJOR"; ok=1; }
    [ "$compat" = "TRUE" ] || { echo "the CMake package does not accept find_package(VarianceScaling $major.$minor)"; ok=1; }
    return $ok
}

# linkage <exe> <shared|static>: a shared-library consumer loads the library
# from the tree's libdir; a static one does not need it at all
check_linkage() {
    local exe="$1" kind="$2"
    if [ "$kind" = "static" ]; then
        if readelf -d "$exe" | grep >/dev/null "NEEDED.*libvariance_scaling"; then
            echo "$exe: statically linked, but needs libvariance_scaling:"
            readelf -d "$exe" | grep NEEDED
            return 1
        fi
        nm "$exe" | grep >/dev/null ' T vs_fill_f32$' || { echo "$exe: vs_fill_f32 not linked in"; return 1; }
    else
        local resolved
        resolved=$("${clean_env[@]}" LD_LIBRARY_PATH="$LIBDIR" ldd "$exe" | awk '$1 == "'"$SONAME"'" {print $3}')
        echo "$SONAME => $resolved"
        [ "$resolved" = "$LIBDIR/$SONAME" ] || { echo "expected $LIBDIR/$SONAME"; return 1; }
    fi
    # The trees under test live in the build tree (tests/install,
    # tests/deb): an RPATH entry into the build tree is wrong unless it is
    # the tree's own.
    local entry
    for entry in $(readelf -d "$exe" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]$/\2/p' | tr ':' ' '); do
        echo "RPATH/RUNPATH entry: $entry"
        case "$entry" in
            "$TREE_PREFIX"/*) ;;
            "$BUILD" | "$BUILD"/*)
                echo "$exe has an RPATH into the build tree: $entry"
                return 1
                ;;
        esac
    done
}

# consumer-cmake <tree dir> <project dir> <exe name> <shared|static> <work name>:
# find_package(VarianceScaling) from the tree, build, run, check the linkage
check_consumer_cmake() {
    load_tree "$1"
    local src="$2" exe="$3" kind="$4" work="$1/consumers/$5"
    rm -rf "$work"
    "${clean_env[@]}" "$CMAKE" -S "$src" -B "$work" -G "${VS_CMAKE_GENERATOR:-Ninja}" \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$TREE_PREFIX" -DVS_CONSUMER_LINKAGE="$kind" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF ||
        return 1
    local found
    found=$(sed -n 's/^VarianceScaling_DIR:PATH=//p' "$work/CMakeCache.txt")
    [ "$found" = "$LIBDIR/cmake/VarianceScaling" ] ||
        { echo "find_package used $found, not $LIBDIR/cmake/VarianceScaling"; return 1; }
    "${clean_env[@]}" "$CMAKE" --build "$work" || return 1
    "${clean_env[@]}" LD_LIBRARY_PATH="$LIBDIR" "$work/$exe" >"$work/run.out" ||
        { cat "$work/run.out"; return 1; }
    cat "$work/run.out"
    check_linkage "$work/$exe" "$kind"
}

# consumer-make <tree dir>: the Makefile with pkg-config, shared and static
check_consumer_make() {
    load_tree "$1"
    local work="$1/consumers/pkgconfig" kind
    rm -rf "$work" && mkdir -p "$work"
    # --no-as-needed: a static link must not name the .so even where the
    # toolchain does not drop unneeded libraries by default.
    # a .deb's .pc says prefix=/usr: point pkg-config at the unpacked root
    local sysroot=()
    [ -n "$TREE_PC_SYSROOT" ] && sysroot=(PKG_CONFIG_SYSROOT_DIR="$TREE_PC_SYSROOT")
    "${clean_env[@]}" PKG_CONFIG_PATH="$LIBDIR/pkgconfig" "${sysroot[@]}" \
        make -C "$work" -f "$ROOT/tests/consumers/pkgconfig/Makefile" LDFLAGS=-Wl,--no-as-needed ||
        return 1
    local pcdir
    pcdir=$("${clean_env[@]}" PKG_CONFIG_PATH="$LIBDIR/pkgconfig" pkg-config --variable=pcfiledir variance_scaling)
    [ "$pcdir" = "$LIBDIR/pkgconfig" ] || { echo "pkg-config used $pcdir"; return 1; }
    for kind in shared static; do
        echo "--- consumer_$kind"
        "${clean_env[@]}" LD_LIBRARY_PATH="$LIBDIR" "$work/consumer_$kind" || return 1
        check_linkage "$work/consumer_$kind" "$kind" || return 1
    done
}

# --- the Debian packages -----------------------------------------------------

need_deb_facts() {
    for v in VS_DEB_VERSION VS_DEB_UPSTREAM_VERSION VS_DEB_RUNTIME_PACKAGE VS_DEB_DEV_PACKAGE VS_DEB_DBGSYM_PACKAGE VS_DEB_TOOLS_PACKAGE; do
        [ -n "${!v:-}" ] || { echo "checks.sh: $v is not set (run through ctest)" >&2; exit 1; }
    done
    DEB_VERSION="$VS_DEB_VERSION"
    RUNTIME_PKG="$VS_DEB_RUNTIME_PACKAGE"
    DEV_PKG="$VS_DEB_DEV_PACKAGE"
    DBGSYM_PKG="$VS_DEB_DBGSYM_PACKAGE"
    TOOLS_PKG="$VS_DEB_TOOLS_PACKAGE"
}

# load_debs <tree dir>: RUNTIME_DEB, DEV_DEB, DBGSYM_DEB, TOOLS_DEB, DEB_LIBDIR
load_debs() {
    need_deb_facts
    W="$1"
    skip_if_setup_skipped "$W"
    [ -f "$W/debs.env" ] || { echo "$W/debs.env is missing: deb_build did not run"; exit 1; }
    # shellcheck disable=SC1091
    . "$W/debs.env"
}

# deb-build <tree dir> <package build dir> <cmake configure arguments...>:
# a build tree with VS_PACKAGE_DEB=ON (prefix /usr, multiarch libdir) that
# shares this tree's cargo output, built; cpack; the four packages exist
check_deb_build() {
    need_deb_facts
    local w="$1" b="$2"
    shift 2
    rm -rf "$w" && mkdir -p "$w" || return 1
    SKIP_MARKER="$w/skipped"
    need_tool dpkg-deb dpkg-shlibdeps
    "$CMAKE" -S "$ROOT" -B "$b" "$@" || return 1
    "$CMAKE" --build "$b" || return 1
    (cd "$b" && rm -rf packages && "$(dirname "$CMAKE")/cpack") || return 1
    ls -l "$b/packages/"
    local runtime dev dbgsym tools libdir
    runtime=$(ls "$b"/packages/"${RUNTIME_PKG}"_*.deb 2>/dev/null | head -n1)
    dev=$(ls "$b"/packages/"${DEV_PKG}"_*.deb 2>/dev/null | head -n1)
    dbgsym=$(ls "$b"/packages/"${DBGSYM_PKG}"_*.deb 2>/dev/null | head -n1)
    tools=$(ls "$b"/packages/"${TOOLS_PKG}"_*.deb 2>/dev/null | head -n1)
    libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$b/CMakeCache.txt")
    if [ -z "$runtime" ] || [ -z "$dev" ] || [ -z "$dbgsym" ] || [ -z "$tools" ]; then
        echo "FAIL: the four packages do not all exist ($RUNTIME_PKG, $DEV_PKG, $DBGSYM_PKG, $TOOLS_PKG)"
        return 1
    fi
    printf 'RUNTIME_DEB=%q\nDEV_DEB=%q\nDBGSYM_DEB=%q\nTOOLS_DEB=%q\nDEB_LIBDIR=%q\n' \
        "$runtime" "$dev" "$dbgsym" "$tools" "$libdir" >"$w/debs.env"
    cat "$w/debs.env"
    for deb in "$runtime" "$dev" "$dbgsym" "$tools"; do
        size_of "$(basename "$deb")" "$deb"
    done
}

# deb-fields: package fields, Depends, contents split, shlibs/symbols/ldconfig
# trigger, changelog, copyright; the dbgsym package as dh builds one
check_deb_fields() {
    load_debs "$1"
    local ok=0 ctl="$W/deb-control"
    field() { dpkg-deb -f "$1" "$2"; }
    for deb in "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB" "$TOOLS_DEB"; do
        echo "--- $(basename "$deb")"
        dpkg-deb -I "$deb"
        dpkg-deb -c "$deb"
        [ "$(field "$deb" Version)" = "$DEB_VERSION" ] || { echo "Version is not $DEB_VERSION"; ok=1; }
        [ "$(field "$deb" Priority)" = "optional" ] || { echo "Priority is not optional"; ok=1; }
        [ -n "$(field "$deb" Maintainer)" ] || { echo "no Maintainer"; ok=1; }
        [ -n "$(field "$deb" Description)" ] || { echo "no Description"; ok=1; }
    done
    [ "$(field "$RUNTIME_DEB" Package)" = "$RUNTIME_PKG" ] || { echo "runtime package name"; ok=1; }
    [ "$(field "$DEV_DEB" Package)" = "$DEV_PKG" ] || { echo "dev package name"; ok=1; }
    [ "$(field "$RUNTIME_DEB" Section)" = "libs" ] || { echo "runtime Section is not libs"; ok=1; }
    [ "$(field "$DEV_DEB" Section)" = "libdevel" ] || { echo "dev Section is not libdevel"; ok=1; }
    field "$DEV_DEB" Depends | grep -F >/dev/null "$RUNTIME_PKG (= $DEB_VERSION)" ||
        { echo "dev does not Depend on $RUNTIME_PKG (= $DEB_VERSION)"; ok=1; }
    field "$RUNTIME_DEB" Depends | grep >/dev/null "libc6" || { echo "runtime does not Depend on libc6"; ok=1; }

    # Which files go where: the runtime package holds the library and its
    # soname link, the dev package everything else.
    local L="./usr/$DEB_LIBDIR"
    files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sort; }
    local want_runtime want_dev
    want_runtime=$(printf '%s\n' "$L/$REALNAME" "$L/$SONAME" \
        "./usr/share/doc/$RUNTIME_PKG/changelog.Debian.gz" "./usr/share/doc/$RUNTIME_PKG/copyright" \
        "./usr/share/lintian/overrides/$RUNTIME_PKG" | sort)
    want_dev=$(printf '%s\n' "$L/libvariance_scaling.so" "$L/libvariance_scaling.a" \
        "./usr/include/variance_scaling.h" "./usr/include/variance_scaling.hpp" \
        "$L/pkgconfig/variance_scaling.pc" \
        "$L/cmake/VarianceScaling/VarianceScalingConfig.cmake" \
        "$L/cmake/VarianceScaling/VarianceScalingConfigVersion.cmake" \
        "./usr/share/doc/$DEV_PKG/README.md" "./usr/share/doc/$DEV_PKG/LICENSE-MIT" \
        "./usr/share/doc/$DEV_PKG/LICENSE-APACHE" \
        "./usr/share/doc/$DEV_PKG/changelog.Debian.gz" "./usr/share/doc/$DEV_PKG/copyright" \
        $(cd "$ROOT/docs" && printf "./usr/share/doc/$DEV_PKG/docs/%s\n" *.md) \
        $([ -d "$BUILD/man/man3" ] && cd "$BUILD/man/man3" && printf './usr/share/man/man3/%s\n' *.3.gz) | sort)
    diff <(echo "$want_runtime") <(files "$RUNTIME_DEB") || { echo "runtime package contents (< wanted, > found)"; ok=1; }
    diff <(echo "$want_dev") <(files "$DEV_DEB") || { echo "dev package contents (< wanted, > found)"; ok=1; }

    # tools: vs-init and its man page; Section utils; Depends from
    # dpkg-shlibdeps (libc6, and Open MPI's library when vs-init links it);
    # no maintainer scripts
    local want_tools
    want_tools=$(printf '%s\n' "./usr/bin/vs-init" "./usr/share/man/man1/vs-init.1.gz" \
        "./usr/share/doc/$TOOLS_PKG/changelog.Debian.gz" "./usr/share/doc/$TOOLS_PKG/copyright" | sort)
    diff <(echo "$want_tools") <(files "$TOOLS_DEB") || { echo "tools package contents (< wanted, > found)"; ok=1; }
    [ "$(field "$TOOLS_DEB" Package)" = "$TOOLS_PKG" ] || { echo "tools package name"; ok=1; }
    [ "$(field "$TOOLS_DEB" Section)" = "utils" ] || { echo "tools Section is not utils"; ok=1; }
    local tdeps
    tdeps=$(field "$TOOLS_DEB" Depends)
    echo "$TOOLS_PKG Depends: $tdeps"
    echo "$tdeps" | grep -E >/dev/null "(^|, )libc6 " || { echo "tools does not Depend on libc6"; ok=1; }
    dpkg-deb --fsys-tarfile "$TOOLS_DEB" | tar -xOf - ./usr/bin/vs-init >"$W/tools-vs-init.bin" || ok=1
    if readelf -d "$W/tools-vs-init.bin" | grep >/dev/null 'NEEDED.*libmpi\.so'; then
        echo "$tdeps" | grep >/dev/null "libopenmpi" || { echo "vs-init needs libmpi, but tools does not Depend on libopenmpi*"; ok=1; }
    fi
    if readelf -d "$W/tools-vs-init.bin" | grep >/dev/null 'NEEDED.*libvariance_scaling'; then
        echo "vs-init needs libvariance_scaling.so (it links the library statically)"
        ok=1
    fi
    rm -rf "$ctl" && dpkg-deb -e "$TOOLS_DEB" "$ctl"
    [ "$(ls "$ctl" | tr '\n' ' ')" = "control md5sums " ] || { echo "tools control files: $(ls "$ctl")"; ok=1; }

    # dbgsym, as dh_strip and dh_gencontrol make one: the runtime library's
    # debug file under its build ID (0644 root:root) and the doc directory a
    # symlink to the runtime package's; its fields.
    local id want_dbgsym
    id=$(dpkg-deb --fsys-tarfile "$RUNTIME_DEB" | tar -xOf - "$L/$REALNAME" >"$W/runtime.so" && build_id "$W/runtime.so")
    echo "runtime library build ID: $id"
    [ -n "$id" ] || { echo "no build ID in the runtime package's library"; ok=1; }
    want_dbgsym=$(printf '%s\n' \
        "-rw-r--r-- root/root ./usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" \
        "lrwxrwxrwx root/root ./usr/share/doc/$DBGSYM_PKG -> $RUNTIME_PKG")
    diff <(echo "$want_dbgsym") \
        <(dpkg-deb -c "$DBGSYM_DEB" | awk '$1 !~ /^d/ {$3 = $4 = $5 = ""; print}' | tr -s ' ') ||
        { echo "dbgsym package contents (< wanted, > found)"; ok=1; }
    [ "$(field "$DBGSYM_DEB" Package)" = "$DBGSYM_PKG" ] || { echo "dbgsym package name"; ok=1; }
    [ "$(field "$DBGSYM_DEB" Section)" = "debug" ] || { echo "dbgsym Section is not debug"; ok=1; }
    [ "$(field "$DBGSYM_DEB" Depends)" = "$RUNTIME_PKG (= $DEB_VERSION)" ] ||
        { echo "dbgsym Depends is not exactly $RUNTIME_PKG (= $DEB_VERSION)"; ok=1; }
    [ "$(field "$DBGSYM_DEB" Auto-Built-Package)" = "debug-symbols" ] || { echo "dbgsym: no Auto-Built-Package: debug-symbols"; ok=1; }
    [ "$(field "$DBGSYM_DEB" Build-Ids)" = "$id" ] || { echo "dbgsym Build-Ids is not $id"; ok=1; }
    [ "$(field "$DBGSYM_DEB" Description)" = "debug symbols for $RUNTIME_PKG" ] || { echo "dbgsym Description"; ok=1; }
    local f
    for f in Architecture Source; do
        [ "$(field "$DBGSYM_DEB" $f)" = "$(field "$RUNTIME_DEB" $f)" ] || { echo "dbgsym $f differs from the runtime package's"; ok=1; }
    done
    # Debian's dbgsym packages are .deb with no Package-Type (Ubuntu: ddeb)
    [ -z "$(field "$DBGSYM_DEB" Package-Type)" ] || { echo "dbgsym has a Package-Type"; ok=1; }
    rm -rf "$ctl" && dpkg-deb -e "$DBGSYM_DEB" "$ctl"
    [ "$(ls "$ctl" | tr '\n' ' ')" = "control md5sums " ] || { echo "dbgsym control files: $(ls "$ctl")"; ok=1; }

    # Control files of the runtime package: shlibs, symbols, the ldconfig
    # trigger, and no maintainer scripts (the trigger replaces them).
    rm -rf "$ctl" && dpkg-deb -e "$RUNTIME_DEB" "$ctl"
    ls -l "$ctl"
    grep -qx "libvariance_scaling $ABI_MAJOR $RUNTIME_PKG (>= $VS_DEB_UPSTREAM_VERSION)" "$ctl/shlibs" ||
        { echo "shlibs:"; cat "$ctl/shlibs"; ok=1; }
    grep -qx "activate-noawait ldconfig" "$ctl/triggers" || { echo "no ldconfig trigger"; ok=1; }
    head -n1 "$ctl/symbols" | grep -x >/dev/null "$SONAME $RUNTIME_PKG #MINVER#" || { echo "symbols header"; ok=1; }
    for s in postinst postrm preinst prerm; do
        [ ! -e "$ctl/$s" ] || { echo "unexpected maintainer script $s"; ok=1; }
    done
    # changelog.Debian.gz: gzip, newest entry = the package version.
    for deb in "$RUNTIME_DEB" "$DEV_DEB" "$TOOLS_DEB"; do
        local pkg top
        pkg=$(field "$deb" Package)
        top=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/share/doc/$pkg/changelog.Debian.gz" | gzip -dc | head -n1)
        echo "$pkg changelog: $top"
        [[ "$top" == "libvariance-scaling ($DEB_VERSION) "* ]] || { echo "changelog top entry is not $DEB_VERSION"; ok=1; }
        top=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/share/doc/$pkg/copyright" | head -n1)
        [ "$top" = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ] ||
            { echo "$pkg copyright is not DEP-5: $top"; ok=1; }
    done
    return $ok
}

# lintian: no errors or warnings on the four packages (infos are shown;
# overrides: packaging/debian/*.lintian-overrides). The four together:
# lintian then knows the dbgsym's doc symlink points into a package of the
# same source.
check_lintian() {
    load_debs "$1"
    need_tool lintian
    local out rc
    out=$(lintian --display-level ">=info" --fail-on error,warning "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB" "$TOOLS_DEB" 2>&1)
    rc=$?
    echo "$out"
    [ -n "$(echo "$out" | grep -v '^running with root privileges')" ] || echo "lintian: no tags"
    [ $rc -eq 0 ] && ! echo "$out" | grep >/dev/null -E '^[EW]: '
}

# deb-unpack: dpkg-deb -x the four packages into <tree dir>/root; the tree
# is then <root>/usr, its debug file found by build ID under usr/lib/debug
check_deb_unpack() {
    load_debs "$1"
    local root="$W/root" d
    rm -rf "$root" && mkdir -p "$root" || return 1
    for d in "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB" "$TOOLS_DEB"; do
        dpkg-deb -x "$d" "$root" || return 1
    done
    local id
    id=$(build_id "$root/usr/$DEB_LIBDIR/$REALNAME")
    [ -n "$id" ] || { echo "no build ID in $root/usr/$DEB_LIBDIR/$REALNAME"; return 1; }
    write_tree "$W" "$root/usr" "$DEB_LIBDIR" "share/doc/$DEV_PKG" \
        "$root/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" "$root/usr/lib/debug" "$root"
}

# --- dispatch ----------------------------------------------------------------
[ $# -ge 2 ] || { echo "usage: checks.sh <check> <tree dir> [arguments...]" >&2; exit 2; }
check="$1"
shift
case "$check" in
    install | no-debug-in-full-install | install-debug | install-strip | layout | stripped | \
        debug-file | gdb | symbols | versions | vs-init | consumer-cmake | consumer-make | \
        deb-build | deb-fields | lintian | deb-unpack)
        fn="check_${check//-/_}"
        ;;
    *)
        echo "checks.sh: unknown check '$check'" >&2
        exit 2
        ;;
esac
if "$fn" "$@"; then
    echo "PASS: $check"
    exit 0
fi
echo "FAIL: $check"
exit 1
