#!/usr/bin/env bash
# The man page checks that ctest runs on an installed tree (registered by
# cmake/VarianceScalingInstallTests.cmake: install_man_pages and
# install_man_vs_init, label install; deb_man_pages and deb_man_vs_init,
# label package). One call is one check:
#
#   man.sh pages   <tree dir>   section 3: every function of the installed
#                               header has a page or a .so link; each link
#                               resolves; the pages are what
#                               scripts/gen-man.py makes of the installed
#                               header (nothing more, nothing less, so they
#                               cannot have drifted from it); each prototype
#                               is in its page as the header writes it;
#                               gzip -9n; .TH names this version; and every
#                               man3 and man1 page renders with `man -l`
#                               without a single warning
#   man.sh vs-init <tree dir>   vs-init(1), which scripts/gen-vs-init-man.py
#                               writes from `vs-init --help` and
#                               docs/vs-init.1.in, read on its own against the
#                               installed `vs-init --help`: the same options
#                               (and their arguments), the values of --format,
#                               --dtype and --shard in bold, the same exit
#                               statuses, and every description of an option
#                               or a status in the rendered page
#
# <tree dir> is one that checks.sh set up (its tree.env says where the tree
# is). Needs man (man-db) and groff; with VS_REQUIRE_TEST_TOOLS=1 a missing
# one fails the check, else it is skipped (exit 77).
set -uo pipefail

for v in VS_SOURCE_DIR VS_CARGO_VERSION; do
    [ -n "${!v:-}" ] || { echo "man.sh: $v is not set (run through ctest)" >&2; exit 1; }
done
ROOT="$VS_SOURCE_DIR"

NEED_TOOL_HINT="apt-get install man-db groff-base"
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

load_tree() {
    W=$(cd "$1" 2>/dev/null && pwd) || { echo "$1 does not exist: the tree's setup test did not run"; exit 1; }
    if [ -f "$W/skipped" ]; then
        echo "SKIP: the tree's setup test was skipped ($(cat "$W/skipped")): this check did NOT run"
        exit 77
    fi
    [ -f "$W/tree.env" ] || { echo "$W/tree.env is missing: the tree's setup test did not run"; exit 1; }
    # shellcheck disable=SC1091
    . "$W/tree.env"
    MAN="$TREE_PREFIX/share/man"
}

# render_all <out dir> <page>...: renders each page (a path relative to
# share/man, where man resolves .so requests for installed pages) with
# `man -l`, as plain text (man strips the formatting for a pipe) to <out dir>/<page name>.txt and man's and groff's
# warnings to <out dir>/<page name>.err, several pages at a time
render_all() {
    local out="$1"
    shift
    rm -rf "$out" && mkdir -p "$out" || return 1
    # shellcheck disable=SC2016  # expanded by the inner shell
    printf '%s\n' "$@" | (cd "$MAN" && xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
        n=$(basename "$1")
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$1" 2>"$2/$n.err" >"$2/$n.txt"' sh {} "$out")
}

# the header without its comments, on one line with single spaces
header_code() {
    perl -0777 -pe 's{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s/\s+/ /g' "$1"
}

# the functions a header declares, one a line
declared_functions() {
    header_code "$1" | grep -oE '[A-Za-z_0-9]+[ *]+vs_[A-Za-z0-9_]+ ?\(' | sed -E 's/.*[ *](vs_[A-Za-z0-9_]+) ?\($/\1/' | sort -u
}

# the declaration of function <name> in header <file>, on one line with
# single spaces and none inside the parentheses' ends
prototype() {
    header_code "$1" | grep -oE "[A-Za-z_0-9]+[ *]+$2 ?\([^;]*\);" | head -n1 | sed -e 's/^ *//; s/( /(/g; s/ )/)/g'
}

check_pages() {
    load_tree "$1"
    need_tool man groff gzip python3 perl
    local header="$TREE_PREFIX/include/variance_scaling.h" ok=0 fn page f target n=0
    [ -f "$header" ] || { echo "$header is missing"; return 1; }
    [ -d "$MAN/man3" ] || { echo "$MAN/man3 is missing"; return 1; }

    # 1. every declared function has a page or a link
    local fns
    fns=$(declared_functions "$header")
    [ -n "$fns" ] || { echo "no functions found in $header"; return 1; }
    for fn in $fns; do
        [ -f "$MAN/man3/$fn.3.gz" ] || { echo "no man page for $fn: $MAN/man3/$fn.3.gz is missing"; ok=1; }
    done
    for f in libvariance_scaling variance_scaling; do
        [ -f "$MAN/man3/$f.3.gz" ] || { echo "$MAN/man3/$f.3.gz is missing"; ok=1; }
    done
    echo "$(echo "$fns" | wc -l) functions in the header, $(ls "$MAN/man3" | wc -l) files in man3"

    # 2. the pages are the generator's output for the installed header: the
    # same names and the same text
    local regen="$W/man-regen"
    rm -rf "$regen" && mkdir -p "$regen" || return 1
    python3 "$ROOT/scripts/gen-man.py" --header "$header" --changelog "$ROOT/packaging/debian/changelog" \
        --outdir "$regen" >/dev/null || { echo "scripts/gen-man.py failed on $header"; return 1; }
    diff <(cd "$regen" && ls | sed 's/$/.gz/' | sort) <(ls "$MAN/man3" | sort) ||
        { echo "man3 holds other pages than scripts/gen-man.py makes of the header (< generated, > installed)"; ok=1; }
    for f in "$regen"/*.3; do
        [ -f "$MAN/man3/${f##*/}.gz" ] || continue
        gzip -dc "$MAN/man3/${f##*/}.gz" | cmp -s - "$f" ||
            { echo "man3/${f##*/}.gz differs from what scripts/gen-man.py makes of the installed header"; ok=1; }
    done

    # 3. gzip -9n (no name, no timestamp, maximal compression flag); .so
    # links point at pages that exist; .TH names this version
    for f in "$MAN"/man3/*.3.gz "$MAN"/man1/*.1.gz; do
        [ "$(od -An -tx1 -j3 -N6 "$f" | tr -d ' \n')" = "000000000002" ] ||
            { echo "$f: not gzip -9n (a name, a timestamp or not -9 in its header)"; ok=1; }
        page=$(gzip -dc "$f")
        if [[ "$page" == .so\ * ]]; then
            target=${page#.so }
            [ "$(echo "$page" | wc -l)" = 1 ] || { echo "$f: a .so page has more than the .so line"; ok=1; }
            [ -f "$MAN/$target.gz" ] || { echo "$f: .so $target, but $MAN/$target.gz does not exist"; ok=1; }
            grep -q '^\.so ' <<<"$(gzip -dc "$MAN/$target.gz" 2>/dev/null)" && { echo "$f: .so to a .so page"; ok=1; }
        elif [[ "$f" == */man3/* ]]; then
            grep -q "^\.TH [^ ]* 3 \"[0-9-]*\" \"libvariance_scaling $VS_CARGO_VERSION\"" <<<"$page" ||
                { echo "$f: its .TH line does not name libvariance_scaling $VS_CARGO_VERSION: $(echo "$page" | grep -m1 '^\.TH')"; ok=1; }
        fi
    done

    # 4. every page (links included) renders without a warning:
    # `LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l PAGE` writes
    # nothing to stderr
    local r="$W/man-render" pages=()
    for f in "$MAN"/man3/*.3.gz "$MAN"/man1/*.1.gz; do
        pages+=("${f#"$MAN"/}")
    done
    render_all "$r" "${pages[@]}" || { echo "rendering the pages failed"; return 1; }
    for f in "${pages[@]}"; do
        n=$((n + 1))
        [ -s "$r/${f##*/}.txt" ] || { echo "man -l $f printed nothing"; ok=1; }
        [ ! -s "$r/${f##*/}.err" ] || { echo "man -l $f warns:"; cat "$r/${f##*/}.err"; ok=1; }
    done

    # 5. each prototype, as the header writes it, is in its rendered page
    local text proto
    for fn in $fns; do
        [ -f "$r/$fn.3.gz.txt" ] || continue
        proto=$(prototype "$header" "$fn")
        [ -n "$proto" ] || { echo "cannot read the declaration of $fn in $header"; ok=1; continue; }
        text=$(tr '\n' ' ' <"$r/$fn.3.gz.txt" | tr -s ' ' | sed -e 's/( /(/g; s/ )/)/g')
        [[ "$text" == *"$proto"* ]] || { echo "man3/$fn.3.gz does not show the prototype: $proto"; ok=1; }
    done
    echo "$n pages rendered by man -l"
    return $ok
}

# help_entries <title> <help text>: the entries of a block of --help
# ("options:", "exit status:") as "<head>\t<description>" lines, each
# description's continuation lines joined to it
help_entries() {
    awk -v title="$1" '
        $0 == title { on = 1; next }
        on && /^$/ { exit }
        on && /^  [^ ]/ { if (n++) print head "\t" desc; sub(/^  /, ""); i = index($0, "  ");
                          if (i) { head = substr($0, 1, i - 1); desc = substr($0, i); sub(/^ +/, "", desc) }
                          else { head = $0; desc = "" }; next }
        on && /^    / { sub(/^ +/, ""); desc = desc (desc == "" ? "" : " ") $0; next }
        on { print "unparsable line: " $0; exit 1 }
        END { if (n) print head "\t" desc }' <<<"$2"
}

check_vs_init() {
    load_tree "$1"
    local exe="$TREE_PREFIX/bin/vs-init" page="$MAN/man1/vs-init.1.gz" ok=0 help src
    [ -x "$exe" ] || { echo "$exe is missing"; return 1; }
    if [ ! -e "$page" ] && grep -qx 'VS_BUILD_MAN:BOOL=OFF' "${VS_BUILD_DIR:-}/CMakeCache.txt" 2>/dev/null; then
        echo "SKIP: built with VS_BUILD_MAN=OFF, no vs-init(1): this check did NOT run"
        exit 77
    fi
    [ -f "$page" ] || { echo "$page is missing"; return 1; }
    need_tool man groff gzip
    help=$(cd / && "$exe" --help) || { echo "$exe --help failed"; return 1; }
    src=$(gzip -dc "$page")
    # 1. The options of --help (lines "  -o, --output PATH   text", "  --seed S")
    # with their argument, and those of the page's OPTIONS section (.TP
    # entries: ".BR \-o \", \" \-\-output \" \fIPATH\fR\"", ".BI \-\-seed \" S\"",
    # ".B \-\-progress"), as "-o --output PATH" lines
    local from_help from_page
    from_help=$(echo "$help" | sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z-]*\)\( [A-Z]*\)\{0,1\}  .*/\1\2\3/p' |
        sed 's/,//; s/ *$//' | sort)
    from_page=$(echo "$src" | sed -n '/^\.SH OPTIONS/,/^\.SH /p' | grep -A1 '^\.TP' | grep -E '^\.B[IR]? ' |
        sed -e 's/\\fI//g; s/\\fR//g; s/\\-/-/g; s/"//g; s/^\.B[IR]\{0,1\} //; s/,//g' | tr -s ' ' | sed 's/ *$//' | sort)
    echo "options in vs-init --help:"
    echo "$from_help" | sed 's/^/  /'
    [ "$(echo "$from_help" | wc -l)" -ge 5 ] || { echo "could not read the options of vs-init --help"; return 1; }
    diff <(echo "$from_help") <(echo "$from_page") ||
        { echo "vs-init --help and the man page's OPTIONS differ (< --help, > man page): scripts/gen-vs-init-man.py lost or misread an option"; ok=1; }
    # 2. the values --help lists for --format and --dtype ("safetensors
    # (default), npy, gguf") and --shard ("...: rows (...), columns (...),
    # layers (...)") are in bold in the page's entry of the option
    local opt v entry values
    for opt in format dtype shard; do
        values=$(help_entries "options:" "$help" | awk -F'\t' -v o="--$opt" '$1 ~ "^" o " " {print $2}')
        if [ "$opt" = shard ]; then
            values=$(grep -oE '(: |, )[a-z0-9]+ \(' <<<"$values" | grep -oE '[a-z0-9]+')
        else
            values=$(sed 's/ (default)//g; s/,/ /g' <<<"$values")
        fi
        [ -n "$values" ] || { echo "vs-init --help lists no values for --$opt"; ok=1; }
        entry=$(echo "$src" | sed -n "/^\\.BI \\\\-\\\\-$opt /,/^\\.TP/p")
        [ -n "$entry" ] || { echo "the man page has no .BI entry for --$opt"; ok=1; }
        for v in $values; do
            grep -qF -- "\\fB\\%$v\\fR" <<<"$entry" || { echo "--$opt $v (vs-init --help) is not in bold in the man page's entry"; ok=1; }
        done
        echo "--$opt values:" $values
    done
    # 3. exit statuses: the "exit status:" block of --help ("  0  written")
    # against the page's EXIT STATUS entries
    local codes_help codes_page
    codes_help=$(help_entries "exit status:" "$help" | cut -f1 | sort -n | tr '\n' ' ')
    codes_page=$(echo "$src" | sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' | grep -A1 '^\.TP' | sed -n 's/^\.B \([0-9]*\)$/\1/p' | sort -n | tr '\n' ' ')
    echo "exit statuses: --help: $codes_help; man page: $codes_page"
    [ -n "$codes_help" ] && [ "$codes_help" = "$codes_page" ] ||
        { echo "the exit statuses of vs-init --help and the man page differ"; ok=1; }
    # 4. every description of an option or a status, as --help words it, is
    # in the page as man renders it (one line a paragraph: MANWIDTH=4000)
    local text d n=0 missing=0
    text=$(LC_ALL=C.UTF-8 MANWIDTH=4000 man -E UTF-8 -l "$page" 2>/dev/null | sed 's/‐/-/g' | tr -s ' ')
    [ -n "$text" ] || { echo "man -l $page printed nothing"; return 1; }
    while IFS=$'\t' read -r _ d; do
        [ -n "$d" ] || { echo "an entry of vs-init --help without a description"; ok=1; continue; }
        n=$((n + 1))
        d=${d%.}
        grep -qiF -- "$(tr -s ' ' <<<"$d")" <<<"$text" ||
            { echo "not in the man page: \"$d\" (vs-init --help)"; missing=$((missing + 1)); ok=1; }
    done < <(help_entries "options:" "$help"; help_entries "exit status:" "$help")
    echo "$n descriptions of vs-init --help looked for in the rendered page, $missing missing"
    [ "$n" -ge 10 ] || { echo "could not read the descriptions of vs-init --help"; ok=1; }
    return $ok
}

[ $# -eq 2 ] || { echo "usage: man.sh pages|vs-init <tree dir>" >&2; exit 2; }
case "$1" in
    pages) fn=check_pages ;;
    vs-init) fn=check_vs_init ;;
    *) echo "man.sh: unknown check '$1'" >&2; exit 2 ;;
esac
if "$fn" "$2"; then
    echo "PASS: man $1"
    exit 0
fi
echo "FAIL: man $1"
exit 1
