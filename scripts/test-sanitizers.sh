#!/usr/bin/env bash
# Runs the C test suite (c_tests/) under the memory checkers:
#
#   1. AddressSanitizer + UndefinedBehaviorSanitizer (with LeakSanitizer):
#        cmake --workflow --preset asan        (build/asan, shared and static)
#      The test programs are compiled and linked with
#      -fsanitize=address,undefined -fno-omit-frame-pointer
#      -fno-sanitize-recover=all, and run with
#      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 and
#      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 (the test preset sets
#      them). The Rust library is the normal, uninstrumented release build;
#      ASan still intercepts its malloc/free, so LeakSanitizer sees its leaks.
#      The MPI example's tests (label mpi) are left out: LeakSanitizer
#      reports Open MPI's own allocations, and mpirun is not ours to check.
#   2. valgrind memcheck:
#        cmake --workflow --preset valgrind    (build/valgrind, shared only)
#      with --error-exitcode=1 --leak-check=full --show-leak-kinds=all
#      --errors-for-leak-kinds=all --suppressions=c_tests/valgrind.supp.
#
# Both trees reuse the cargo build of build/default/cargo. Any error, any
# leak, any failing check fails the run; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
summary=()

run() { # run <name> <command>...
    local name=$1; shift
    printf '\n==> %s: %s\n' "$name" "$*"
    local start=$SECONDS
    if "$@"; then
        summary+=("$(printf '%-28s PASSED  %4ds' "$name" $((SECONDS - start)))")
    else
        summary+=("$(printf '%-28s FAILED  %4ds' "$name" $((SECONDS - start)))")
        failed+=("$name")
    fi
}

run "ASan + UBSan (asan)" cmake --workflow --preset asan

if command -v valgrind >/dev/null 2>&1; then
    run "valgrind memcheck (valgrind)" cmake --workflow --preset valgrind
else
    echo "error: valgrind not found (apt-get install valgrind)" >&2
    summary+=("$(printf '%-28s FAILED  (valgrind not installed)' "valgrind memcheck (valgrind)")")
    failed+=("valgrind memcheck (valgrind)")
fi

printf '\n==> Summary (wall times)\n'
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
    printf '\nFAILED: %s\n' "${failed[*]}" >&2
    exit 1
fi
printf '\nAll sanitizer and memcheck runs passed.\n'
