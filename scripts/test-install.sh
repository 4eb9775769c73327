#!/usr/bin/env bash
# Tests the install and the Debian packages of libvariance_scaling, from a
# clean scratch directory (build/test-install/), against installed copies
# only, never the build tree:
#
#   1. builds build/default (configures it with the `default` preset first if
#      it does not exist), then `cmake --install --prefix <scratch>/prefix`
#      (no debug file in a full install), `--component debug` (the debug
#      file), and `--strip` elsewhere (same files: nothing left to strip);
#   2. checks the installed layout (versioned .so, soname and dev links, .a,
#      header, .pc, CMake package, docs), that the .so exports exactly the
#      header's vs_* functions, and that the header's version macros,
#      vs_version(), Cargo.toml, the CMake package version and
#      `pkg-config --modversion` agree; that the .so and the .a carry no
#      debug sections (the .so: no symbol table either, but its build ID and
#      a debug link), and that the detached debug file has the debug info,
#      the library's build ID and the CRC the debug link records, and that
#      gdb finds it (file and line of vs_fill_f32; without it, none);
#   3. builds and runs the consumers of tests/consumers/ against the prefix:
#      CMake find_package (shared and static), a Makefile with pkg-config
#      (shared and static), a C++17 program (shared and static);
#   4. builds the .deb packages with CPack (a second build tree configured
#      with VS_PACKAGE_DEB=ON, sharing build/default's cargo output): the
#      runtime, dev and dbgsym packages; checks their contents and control
#      files, runs lintian on all three (errors and warnings fail);
#   5. unpacks the .debs into a scratch root (dpkg-deb -x) and repeats 2 and 3
#      against it (the debug file found by build ID under usr/lib/debug), so
#      the packages are known to be complete.
# Prints the sizes of the libraries (as cargo built them and as installed),
# the debug file and the packages.
#
# Prints PASS/FAIL per check and ends with "N passed, M failed"; exits
# non-zero on any failure. Logs of every check: build/test-install/logs/.
# Without lintian the lintian check, and without gdb the gdb checks, are
# skipped loudly, unless running as root with CI=true, where they are
# installed with apt-get.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUILD="$ROOT/build/default"
SCRATCH="$ROOT/build/test-install"
LOGS="$SCRATCH/logs"
START=$SECONDS

passed=0
failed=0
skipped=0
n=0

last_ok=1
pass() { passed=$((passed + 1)); last_ok=1; echo "PASS: $*"; }
fail() { failed=$((failed + 1)); last_ok=0; echo "FAIL: $*"; }
note() { printf '\n== %s\n' "$*"; }

# check "<description>" <command> [args...]: runs the command with its
# output in a log; PASS or FAIL (with the log's tail).
check() {
    local desc="$1"
    shift
    n=$((n + 1))
    local log
    log="$LOGS/$(printf '%02d' "$n")-$(printf '%s' "$desc" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-60).log"
    if "$@" >"$log" 2>&1; then
        pass "$desc"
    else
        fail "$desc  (log: ${log#"$ROOT"/})"
        tail -n 30 "$log" | sed 's/^/    | /'
    fi
}

summary() {
    echo
    echo "test-install: $((SECONDS - START)) s; logs in ${LOGS#"$ROOT"/}/"
    if [ "$skipped" -gt 0 ]; then
        echo "($skipped check(s) SKIPPED: see the SKIP lines above)"
    fi
    echo "$passed passed, $failed failed"
    if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}

# Stops when the check just run failed: what follows needs it.
die_unless_passed() {
    if [ "$last_ok" -eq 0 ]; then
        echo "stopping: the checks below need what just failed"
        summary
    fi
}

# A clean environment for consumers: only the paths a test gives them.
clean_env=(env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR
           -u CMAKE_PREFIX_PATH -u VarianceScaling_DIR -u LD_LIBRARY_PATH
           -u CFLAGS -u CXXFLAGS -u LDFLAGS -u CPATH -u LIBRARY_PATH -u C_INCLUDE_PATH)

# --- facts from the sources --------------------------------------------------
CARGO_VERSION=$(sed -n 's/^version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)
NUMERIC_VERSION=$(printf '%s' "$CARGO_VERSION" | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+')
ABI_MAJOR=$(sed -n 's/^abi-major[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p' Cargo.toml | head -n1)
DEB_VERSION="${CARGO_VERSION//-/\~}-1"
RUNTIME_PKG="libvariance-scaling$ABI_MAJOR"
DEV_PKG="libvariance-scaling-dev"
DBGSYM_PKG="$RUNTIME_PKG-dbgsym"
REALNAME="libvariance_scaling.so.$NUMERIC_VERSION"
SONAME="libvariance_scaling.so.$ABI_MAJOR"

rm -rf "$SCRATCH"
mkdir -p "$LOGS"
echo "libvariance_scaling $CARGO_VERSION (ABI $ABI_MAJOR): install and packaging tests in ${SCRATCH#"$ROOT"/}/"

note "tools"
have_tools() {
    local missing=()
    for t in cmake ninja cc c++ make pkg-config nm readelf objcopy ar ldd gzip dpkg-deb dpkg-shlibdeps; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "missing: ${missing[*]}"
        return 1
    fi
    [ -n "$CARGO_VERSION" ] && [ -n "$NUMERIC_VERSION" ] && [ -n "$ABI_MAJOR" ] ||
        { echo "cannot read version / abi-major from Cargo.toml"; return 1; }
}
check "tools present (cmake ninja cc c++ make pkg-config nm readelf objcopy ar ldd gzip dpkg-deb dpkg-shlibdeps)" have_tools
die_unless_passed
# Root with CI=true (a fresh CI machine): what the optional checks need.
ci_install() {
    local tool="$1" pkg="$2"
    if ! command -v "$tool" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && [ "${CI:-}" = "true" ]; then
        echo "$tool is missing: installing $pkg (root, CI=true)"
        (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg") >"$LOGS/apt-$pkg.log" 2>&1
    fi
}
ci_install lintian lintian
ci_install gdb gdb
HAVE_GDB=0
command -v gdb >/dev/null 2>&1 && HAVE_GDB=1

# --- 1. build and install ----------------------------------------------------
note "build and install"
build_default() {
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
        cmake --preset default || return 1
    fi
    cmake --build "$BUILD"
}
check "build/default is built (cmake --build)" build_default
die_unless_passed
CARGO_PROFILE=$(sed -n 's/^VS_CARGO_PROFILE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
PREFIX="$SCRATCH/prefix"
check "cmake --install build/default --prefix ${PREFIX#"$ROOT"/}" \
    cmake --install "$BUILD" --prefix "$PREFIX"
die_unless_passed
PREFIX_LIBDIR=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$BUILD/CMakeCache.txt")
PREFIX_LIBDIR=${PREFIX_LIBDIR:-lib}
DEBUG_FILE="$PREFIX/$PREFIX_LIBDIR/.debug/$REALNAME.debug"
check "a full install leaves the debug file out (${DEBUG_FILE#"$PREFIX"/} only with --component debug)" \
    bash -c '! find "$1" -path "*/.debug*" | grep .' _ "$PREFIX"
check "cmake --install build/default --prefix ... --component debug: ${DEBUG_FILE#"$PREFIX"/}" \
    bash -c 'cmake --install "$1" --prefix "$2" --component debug && test -f "$3" && ls -l "$3"' \
    _ "$BUILD" "$PREFIX" "$DEBUG_FILE"
same_when_stripped() {
    local p="$SCRATCH/prefix-strip" f
    cmake --install "$BUILD" --prefix "$p" --strip || return 1
    for f in "$REALNAME" libvariance_scaling.a; do
        cmp "$PREFIX/$PREFIX_LIBDIR/$f" "$p/$PREFIX_LIBDIR/$f" || return 1
        echo "same: $f"
    done
}
check "cmake --install --strip installs the same .so and .a (already stripped)" same_when_stripped

# --- checks on an installed tree ---------------------------------------------
# layout <prefix> <libdir> <docdir>
check_layout() {
    local p="$1" l="$1/$2" d="$1/$3" ok=0
    must() { if ! "$@"; then echo "not true: $*"; ok=1; fi; }
    must test -f "$l/$REALNAME"
    must test ! -L "$l/$REALNAME"
    must test "$(readlink "$l/$SONAME")" = "$REALNAME"
    must test "$(readlink "$l/libvariance_scaling.so")" = "$SONAME"
    must test -f "$l/libvariance_scaling.a"
    must cmp -s "$p/include/variance_scaling.h" "$ROOT/include/variance_scaling.h"
    must test -f "$l/pkgconfig/variance_scaling.pc"
    must test -f "$l/cmake/VarianceScaling/VarianceScalingConfig.cmake"
    must test -f "$l/cmake/VarianceScaling/VarianceScalingConfigVersion.cmake"
    for f in README.md LICENSE-MIT LICENSE-APACHE; do
        must cmp -s "$d/$f" "$ROOT/$f"
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
    if [ -n "${PC_SYSROOT:-}" ]; then
        # the Debian packages: a literal /usr, so pkg-config drops system dirs
        grep -qx 'prefix=/usr' "$l/pkgconfig/variance_scaling.pc" ||
            { echo ".pc prefix of the packages is not /usr"; ok=1; }
    else
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

# build_id <ELF file>: its GNU build ID (hex), empty if none
build_id() {
    LC_ALL=C readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -n1
}

# sections <ELF file or archive>: the names of its sections (every member's)
sections() {
    LC_ALL=C readelf -S -W "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p'
}

# stripped <.so> <.a>: no debug info in either; the .so keeps its build ID
# and gains a debug link, the .a is deterministic
check_stripped() {
    local so="$1" a="$2" ok=0 id
    echo "--- sections of $so"
    sections "$so" | tr '\n' ' '
    echo
    if sections "$so" | grep -E '^\.(z?debug_|symtab$|strtab$|comment$)'; then
        echo "$so still has the sections above"
        ok=1
    fi
    sections "$so" | grep -qx '.note.gnu.build-id' || { echo "$so: no .note.gnu.build-id"; ok=1; }
    sections "$so" | grep -qx '.gnu_debuglink' || { echo "$so: no .gnu_debuglink"; ok=1; }
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

# debug_file <.so> <debug file>: the debug file holds the debug info (DWARF
# and the symbol table), the library's build ID, and the CRC-32 that the
# library's debug link records (gzip's trailer carries the same CRC-32)
check_debug_file() {
    local so="$1" dbg="$2" ok=0 want_name="$REALNAME.debug"
    ls -l "$dbg" || return 1
    echo "--- sections of $dbg"
    sections "$dbg" | tr '\n' ' '
    echo
    local s
    for s in .debug_info .debug_line .debug_str .symtab; do
        sections "$dbg" | grep -qx -- "$s" || { echo "$dbg: no $s"; ok=1; }
    done
    if LC_ALL=C readelf -S -W "$dbg" | grep -E '\] \.debug_(info|line) ' | grep -q NOBITS; then
        echo "$dbg: .debug_info/.debug_line are empty (NOBITS)"
        ok=1
    fi
    local id_so id_dbg
    id_so=$(build_id "$so")
    id_dbg=$(build_id "$dbg")
    echo "build ID: library $id_so, debug file $id_dbg"
    [ -n "$id_so" ] && [ "$id_so" = "$id_dbg" ] || { echo "the build IDs differ"; ok=1; }
    local link="$SCRATCH/debuglink.bin" name crc_link crc_file
    objcopy --dump-section ".gnu_debuglink=$link" "$so" "$SCRATCH/debuglink-dump.tmp" ||
        { echo "$so: cannot read .gnu_debuglink"; return 1; }
    rm -f "$SCRATCH/debuglink-dump.tmp"
    name=$(tr -d '\000' <"$link" | head -c "${#want_name}")
    crc_link=$(tail -c4 "$link" | od -An -tx1 | tr -d ' \n')
    crc_file=$(gzip -1 -c "$dbg" | tail -c8 | head -c4 | od -An -tx1 | tr -d ' \n')
    echo "debug link: name $name, CRC-32 $crc_link; debug file's CRC-32 $crc_file"
    [ "$name" = "$want_name" ] || { echo "the debug link names '$name', not $want_name"; ok=1; }
    [ "$crc_link" = "$crc_file" ] || { echo "the debug link's CRC does not match the debug file"; ok=1; }
    [ "$(stat -c %a "$dbg")" = 644 ] || { echo "$dbg: mode $(stat -c %a "$dbg"), not 644"; ok=1; }
    return $ok
}

# gdb_finds <.so> <debug-file-directory>: gdb reads the library's separate
# debug info (file and line of vs_fill_f32); a copy of the library alone in
# another directory has none, so the check can fail
gdb_line() {
    gdb -nx -batch -iex 'set debuginfod enabled off' -iex "set debug-file-directory $2" \
        -ex 'info line vs_fill_f32' "$1" 2>&1
}
check_gdb() {
    local so="$1" dir="$2" out lone="$SCRATCH/gdb-lone"
    out=$(gdb_line "$so" "$dir")
    echo "with the debug file:    $out"
    echo "$out" | grep -qE '^Line [0-9]+ of "src/.*\.rs"' || { echo "gdb found no line information"; return 1; }
    rm -rf "$lone" && mkdir -p "$lone/empty" && cp "$so" "$lone/"
    out=$(gdb_line "$lone/$(basename "$so")" "$lone/empty")
    echo "without the debug file: $out"
    echo "$out" | grep -q 'No line number information' || { echo "gdb found line information without the debug file"; return 1; }
}

# symbols <.so>: exported functions == header's functions == packaging/debian/symbols
check_symbols() {
    cmake -DLIBRARY="$1" -DHEADER="$ROOT/include/variance_scaling.h" \
        -P "$ROOT/cmake/VarianceScalingCheckSymbols.cmake" || return 1
    local exported listed
    exported=$(nm -D --defined-only "$1" | awk '{print $3}' | sed 's/@.*//' | sort -u)
    listed=$(sed -n 's/^ \(vs_[A-Za-z0-9_]*\)@Base .*/\1/p' "$ROOT/packaging/debian/symbols" | sort -u)
    if [ "$exported" != "$listed" ]; then
        echo "packaging/debian/symbols differs from the exported functions (< exported, > listed):"
        diff <(echo "$exported") <(echo "$listed")
        echo "add each new function as ' vs_name@Base <version that introduced it>'"
        return 1
    fi
    echo "packaging/debian/symbols lists the same $(echo "$exported" | wc -l) functions"
}

# versions <prefix> <libdir> <consumer output with vs_version=...>
check_versions() {
    local p="$1" l="$1/$2" out="$3" h="$1/include/variance_scaling.h" ok=0
    local major minor patch hstring vsver cmakever compat pcver abi
    major=$(sed -n 's/^#define VS_VERSION_MAJOR \([0-9]*\)$/\1/p' "$h")
    minor=$(sed -n 's/^#define VS_VERSION_MINOR \([0-9]*\)$/\1/p' "$h")
    patch=$(sed -n 's/^#define VS_VERSION_PATCH \([0-9]*\)$/\1/p' "$h")
    hstring=$(sed -n 's/^#define VS_VERSION_STRING "\(.*\)"$/\1/p' "$h")
    abi=$(sed -n 's/^#define VS_ABI_MAJOR \([0-9]*\)$/\1/p' "$h")
    vsver=$(sed -n 's/^vs_version=//p' "$out")
    cat >"$SCRATCH/print-package-version.cmake" <<'EOF'
set(PACKAGE_FIND_NAME VarianceScaling)
set(PACKAGE_FIND_VERSION "${FIND}")
string(REPLACE "." ";" _parts "${FIND}")
list(GET _parts 0 PACKAGE_FIND_VERSION_MAJOR)
list(GET _parts 1 PACKAGE_FIND_VERSION_MINOR)
set(PACKAGE_FIND_VERSION_PATCH 0)
set(PACKAGE_FIND_VERSION_COUNT 2)
set(CMAKE_SIZEOF_VOID_P 8)
include("${FILE}")
message("PACKAGE_VERSION=${PACKAGE_VERSION}")
message("PACKAGE_VERSION_COMPATIBLE=${PACKAGE_VERSION_COMPATIBLE}")
EOF
    local vfile="$l/cmake/VarianceScaling/VarianceScalingConfigVersion.cmake"
    cmakever=$(cmake -DFILE="$vfile" -DFIND="${major}.${minor}" -P "$SCRATCH/print-package-version.cmake" 2>&1 |
        sed -n 's/^PACKAGE_VERSION=//p')
    compat=$(cmake -DFILE="$vfile" -DFIND="${major}.${minor}" -P "$SCRATCH/print-package-version.cmake" 2>&1 |
        sed -n 's/^PACKAGE_VERSION_COMPATIBLE=//p')
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

# A shared-library consumer must load the library from <libdir>; a static one
# must not need it at all.
check_linkage() {
    local exe="$1" kind="$2" libdir="$3"
    if [ "$kind" = "static" ]; then
        if readelf -d "$exe" | grep >/dev/null "NEEDED.*libvariance_scaling"; then
            echo "$exe: statically linked, but needs libvariance_scaling:"
            readelf -d "$exe" | grep NEEDED
            return 1
        fi
        nm "$exe" | grep >/dev/null ' T vs_fill_f32$' || { echo "$exe: vs_fill_f32 not linked in"; return 1; }
    else
        local resolved
        resolved=$("${clean_env[@]}" LD_LIBRARY_PATH="$libdir" ldd "$exe" | awk '$1 == "'"$SONAME"'" {print $3}')
        echo "$SONAME => $resolved"
        [ "$resolved" = "$libdir/$SONAME" ] || { echo "expected $libdir/$SONAME"; return 1; }
    fi
    if readelf -d "$exe" | grep -E 'R(UN)?PATH' | grep >/dev/null -- "$BUILD"; then
        echo "$exe has an RPATH into the build tree"
        return 1
    fi
}

# cmake_consumer <project dir> <exe name> <kind> <prefix> <libdir> <work dir>
cmake_consumer() {
    local src="$1" exe="$2" kind="$3" p="$4" libdir="$5" work="$6"
    "${clean_env[@]}" cmake -S "$src" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$p" -DVS_CONSUMER_LINKAGE="$kind" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF ||
        return 1
    local found
    found=$(sed -n 's/^VarianceScaling_DIR:PATH=//p' "$work/CMakeCache.txt")
    [ "$found" = "$libdir/cmake/VarianceScaling" ] ||
        { echo "find_package used $found, not $libdir/cmake/VarianceScaling"; return 1; }
    "${clean_env[@]}" cmake --build "$work" || return 1
    "${clean_env[@]}" LD_LIBRARY_PATH="$libdir" "$work/$exe" | tee "$work/run.out" || return 1
    check_linkage "$work/$exe" "$kind" "$libdir"
}

# make_consumer <prefix> <libdir> <work dir>: builds both, runs both
make_consumer() {
    local libdir="$2" work="$3"
    mkdir -p "$work"
    # --no-as-needed: a static link must not name the .so even where the
    # toolchain does not drop unneeded libraries by default.
    # a .deb's .pc says prefix=/usr: point pkg-config at the unpacked root
    local sysroot=()
    [ -n "${PC_SYSROOT:-}" ] && sysroot=(PKG_CONFIG_SYSROOT_DIR="$PC_SYSROOT")
    "${clean_env[@]}" PKG_CONFIG_PATH="$libdir/pkgconfig" "${sysroot[@]}" \
        make -C "$work" -f "$ROOT/tests/consumers/pkgconfig/Makefile" LDFLAGS=-Wl,--no-as-needed ||
        return 1
    local pcdir
    pcdir=$("${clean_env[@]}" PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --variable=pcfiledir variance_scaling)
    [ "$pcdir" = "$libdir/pkgconfig" ] || { echo "pkg-config used $pcdir"; return 1; }
    for kind in shared static; do
        echo "--- consumer_$kind"
        "${clean_env[@]}" LD_LIBRARY_PATH="$libdir" "$work/consumer_$kind" || return 1
        check_linkage "$work/consumer_$kind" "$kind" "$libdir" || return 1
    done
}

# test_tree <label> <prefix> <libdir rel> <docdir rel> <debug file>
#           <gdb debug-file-directory>: every check on one tree
test_tree() {
    local label="$1" p="$2" lrel="$3" drel="$4" dbg="$5" dbgdir="$6"
    local libdir="$p/$lrel" work="$SCRATCH/consumers-$label"
    check "[$label] installed layout: $REALNAME, $SONAME -> it, .so -> $SONAME, .a, header, .pc, CMake files, docs; no path into the source tree" \
        check_layout "$p" "$lrel" "$drel"
    check "[$label] stripped: no .debug_*/.symtab/.comment in the .so, build ID and debug link kept; no .debug_* in the .a, deterministic" \
        check_stripped "$libdir/$REALNAME" "$libdir/libvariance_scaling.a"
    check "[$label] debug file ${dbg#"$p"/}: debug sections, the library's build ID, the debug link's CRC" \
        check_debug_file "$libdir/$REALNAME" "$dbg"
    if [ "$HAVE_GDB" = 1 ]; then
        check "[$label] gdb finds the debug info (info line vs_fill_f32), and finds none without it" \
            check_gdb "$libdir/$REALNAME" "$dbgdir"
    else
        skipped=$((skipped + 1))
        echo "SKIP: ******** [$label] gdb is not installed: gdb's use of the debug file NOT checked ********"
    fi
    check "[$label] symbols: the .so exports exactly the header's vs_* functions (and packaging/debian/symbols lists them)" \
        check_symbols "$libdir/$REALNAME"
    check "[$label] consumer: CMake find_package(VarianceScaling 0.2 CONFIG REQUIRED), VarianceScaling::variance_scaling" \
        cmake_consumer "$ROOT/tests/consumers/cmake" consumer shared "$p" "$libdir" "$work/cmake-shared"
    check "[$label] consumer: CMake find_package, VarianceScaling::variance_scaling_static" \
        cmake_consumer "$ROOT/tests/consumers/cmake" consumer static "$p" "$libdir" "$work/cmake-static"
    check "[$label] consumer: Makefile + pkg-config, shared and static (-l:libvariance_scaling.a + --static --libs)" \
        make_consumer "$p" "$libdir" "$work/pkgconfig"
    check "[$label] consumer: C++17 program (find_package), shared" \
        cmake_consumer "$ROOT/tests/consumers/cxx" consumer_cxx shared "$p" "$libdir" "$work/cxx-shared"
    check "[$label] consumer: C++17 program (find_package), static" \
        cmake_consumer "$ROOT/tests/consumers/cxx" consumer_cxx static "$p" "$libdir" "$work/cxx-static"
    check "[$label] versions agree: header macros, vs_version(), Cargo.toml, CMake package, pkg-config" \
        check_versions "$p" "$lrel" "$work/cmake-shared/run.out"
}

note "installed with cmake --install --prefix"
PREFIX_DOCDIR=$(sed -n 's/^CMAKE_INSTALL_DOCDIR:PATH=//p' "$BUILD/CMakeCache.txt")
# gdb finds lib/.debug/<name> through the debug link; the debug-file-directory
# is an empty one, so that nothing else can be what it finds
mkdir -p "$SCRATCH/no-debug-dir"
test_tree prefix "$PREFIX" "$PREFIX_LIBDIR" "${PREFIX_DOCDIR:-share/doc/variance_scaling}" \
    "$DEBUG_FILE" "$SCRATCH/no-debug-dir"

# --- 4. Debian packages ------------------------------------------------------
note "Debian packages (CPack)"
DEB_BUILD="$SCRATCH/deb-build"
build_debs() {
    cmake -S "$ROOT" -B "$DEB_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DVS_PACKAGE_DEB=ON -DVS_BUILD_TESTS=OFF \
        -DVS_CARGO_PROFILE="${CARGO_PROFILE:-release}" -DVS_CARGO_TARGET_DIR="$BUILD/cargo" || return 1
    cmake --build "$DEB_BUILD" || return 1
    (cd "$DEB_BUILD" && cpack) || return 1
    ls -l "$DEB_BUILD/packages/"
}
check "cpack builds the .debs (VS_PACKAGE_DEB=ON, prefix /usr, multiarch libdir)" build_debs
RUNTIME_DEB=$(ls "$DEB_BUILD"/packages/"${RUNTIME_PKG}"_*.deb 2>/dev/null | head -n1)
DEV_DEB=$(ls "$DEB_BUILD"/packages/"${DEV_PKG}"_*.deb 2>/dev/null | head -n1)
DBGSYM_DEB=$(ls "$DEB_BUILD"/packages/"${DBGSYM_PKG}"_*.deb 2>/dev/null | head -n1)
DEB_LIBDIR=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$DEB_BUILD/CMakeCache.txt" 2>/dev/null)
if [ -z "$RUNTIME_DEB" ] || [ -z "$DEV_DEB" ] || [ -z "$DBGSYM_DEB" ]; then
    fail "the three packages exist ($RUNTIME_PKG, $DEV_PKG, $DBGSYM_PKG)"
    die_unless_passed
fi

check_debs() {
    local ok=0 ctl="$SCRATCH/deb-control"
    field() { dpkg-deb -f "$1" "$2"; }
    for deb in "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB"; do
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
        "./usr/include/variance_scaling.h" "$L/pkgconfig/variance_scaling.pc" \
        "$L/cmake/VarianceScaling/VarianceScalingConfig.cmake" \
        "$L/cmake/VarianceScaling/VarianceScalingConfigVersion.cmake" \
        "./usr/share/doc/$DEV_PKG/README.md" "./usr/share/doc/$DEV_PKG/LICENSE-MIT" \
        "./usr/share/doc/$DEV_PKG/LICENSE-APACHE" \
        "./usr/share/doc/$DEV_PKG/changelog.Debian.gz" "./usr/share/doc/$DEV_PKG/copyright" | sort)
    diff <(echo "$want_runtime") <(files "$RUNTIME_DEB") || { echo "runtime package contents (< wanted, > found)"; ok=1; }
    diff <(echo "$want_dev") <(files "$DEV_DEB") || { echo "dev package contents (< wanted, > found)"; ok=1; }

    # dbgsym, as dh_strip and dh_gencontrol make one: the runtime library's
    # debug file under its build ID (0644 root:root) and the doc directory a
    # symlink to the runtime package's; its fields.
    local id want_dbgsym
    id=$(dpkg-deb --fsys-tarfile "$RUNTIME_DEB" | tar -xOf - "$L/$REALNAME" >"$SCRATCH/runtime.so" && build_id "$SCRATCH/runtime.so")
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
    grep -qx "libvariance_scaling $ABI_MAJOR $RUNTIME_PKG (>= ${CARGO_VERSION//-/\~})" "$ctl/shlibs" ||
        { echo "shlibs:"; cat "$ctl/shlibs"; ok=1; }
    grep -qx "activate-noawait ldconfig" "$ctl/triggers" || { echo "no ldconfig trigger"; ok=1; }
    head -n1 "$ctl/symbols" | grep -x >/dev/null "$SONAME $RUNTIME_PKG #MINVER#" || { echo "symbols header"; ok=1; }
    for s in postinst postrm preinst prerm; do
        [ ! -e "$ctl/$s" ] || { echo "unexpected maintainer script $s"; ok=1; }
    done
    # changelog.Debian.gz: gzip, newest entry = the package version.
    for deb in "$RUNTIME_DEB" "$DEV_DEB"; do
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
check "package fields, Depends (dev, dbgsym = same version), contents split, shlibs/symbols/ldconfig trigger, changelog, copyright; dbgsym as dh builds one" check_debs

run_lintian() {
    # Errors and warnings fail; infos are shown. The three together: lintian
    # then knows the dbgsym's doc symlink points into a package of the same
    # source.
    local out rc
    out=$(lintian --display-level ">=info" --fail-on error,warning "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB" 2>&1)
    rc=$?
    echo "$out"
    echo "$out" | grep -v '^running with root privileges' >"$SCRATCH/lintian.txt"
    [ $rc -eq 0 ] && ! echo "$out" | grep >/dev/null -E '^[EW]: '
}
if command -v lintian >/dev/null 2>&1; then
    check "lintian reports no errors or warnings on the three packages" run_lintian
    if [ -s "$SCRATCH/lintian.txt" ]; then
        echo "    lintian says:"
        sed 's/^/    | /' "$SCRATCH/lintian.txt"
    else
        echo "    lintian: no tags (overrides: packaging/debian/*.lintian-overrides)"
    fi
else
    skipped=$((skipped + 1))
    echo "SKIP: ******** lintian is not installed: the packages were NOT linted ********"
    echo "SKIP: ******** install it (apt-get install lintian) or run as root with CI=true ********"
fi

# --- 5. the packages' contents, unpacked -------------------------------------
note "the .deb contents unpacked into a scratch root (dpkg-deb -x)"
DEBROOT="$SCRATCH/debroot"
check "dpkg-deb -x the three packages into ${DEBROOT#"$ROOT"/}" \
    bash -c 'for d in "${@:2}"; do dpkg-deb -x "$d" "$1" || exit 1; done' _ "$DEBROOT" \
    "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB"
DEB_BUILD_ID=$(build_id "$DEBROOT/usr/$DEB_LIBDIR/$REALNAME")
DEB_DEBUG_FILE="$DEBROOT/usr/lib/debug/.build-id/${DEB_BUILD_ID:0:2}/${DEB_BUILD_ID:2}.debug"
# gdb finds usr/lib/debug/.build-id/<xx>/<rest>.debug by the build ID
PC_SYSROOT="$DEBROOT" test_tree deb "$DEBROOT/usr" "$DEB_LIBDIR" "share/doc/$DEV_PKG" \
    "$DEB_DEBUG_FILE" "$DEBROOT/usr/lib/debug"

# --- sizes -------------------------------------------------------------------
note "sizes (bytes)"
size_of() { if [ -e "$2" ]; then printf '  %-50s %10s\n' "$1" "$(stat -L -c %s "$2")"; fi; }
{
    size_of "cargo's .so (build tree, with debug info)" "$BUILD/cargo/${CARGO_PROFILE:-release}/libvariance_scaling.so"
    size_of "cargo's .a (build tree, with debug info)" "$BUILD/cargo/${CARGO_PROFILE:-release}/libvariance_scaling.a"
    size_of "installed $REALNAME" "$PREFIX/$PREFIX_LIBDIR/$REALNAME"
    size_of "installed libvariance_scaling.a" "$PREFIX/$PREFIX_LIBDIR/libvariance_scaling.a"
    size_of "installed .debug/$REALNAME.debug" "$DEBUG_FILE"
    for deb in "$RUNTIME_DEB" "$DEV_DEB" "$DBGSYM_DEB"; do
        size_of "$(basename "$deb")" "$deb"
    done
} | tee "$SCRATCH/sizes.txt"

summary
