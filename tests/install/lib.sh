# lib.sh: what the install-check scripts (checks.sh, man.sh) share; sourced.

# need_tool <tool>...: exits 77 (skipped) when one is missing, or 1 when
# VS_REQUIRE_TEST_TOOLS=1 (as .ci/run sets). The skip message ends with
# NEED_TOOL_HINT (default: "install <tool>"); when SKIP_MARKER names a file,
# the reason is written there too (checks.sh: a tree's skipped setup).
need_tool() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 && continue
        if [ "${VS_REQUIRE_TEST_TOOLS:-0}" = 1 ]; then
            echo "FAIL: $t is not installed, and VS_REQUIRE_TEST_TOOLS=1 asks for every check"
            exit 1
        fi
        echo "SKIP: $t is not installed: this check did NOT run (${NEED_TOOL_HINT:-install $t})"
        [ -z "${SKIP_MARKER:-}" ] || echo "$t is not installed" >"$SKIP_MARKER"
        exit 77
    done
}
