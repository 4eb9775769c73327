#!/usr/bin/env bash
# Coverage-guided fuzzing of the C API and the sampling kernels with
# cargo-fuzz (libFuzzer + AddressSanitizer, Rust debug assertions on).
#
#   bash scripts/fuzz.sh                 # every target, 30 s each (the test command: 20)
#   bash scripts/fuzz.sh 3600            # every target, an hour each
#   bash scripts/fuzz.sh 600 c_api       # one target
#
# Targets (fuzz/fuzz_targets/):
#   config_json  vs_from_config_json on arbitrary bytes; seeds: fuzz/seeds/
#                config_json and the real Keras 3.15 JSON in c_tests/fixtures
#   c_api        every other argument of every function (scales, enums,
#                seeds, axes, algorithm numbers, shapes, offsets, lengths,
#                slice boxes, NULL/misaligned pointers) on handles of both
#                algorithms, each call checked against the status the header
#                predicts, for untouched buffers and consistent values
#   threaded_fill  range and slice fills large enough to be split over
#                threads, both algorithms, against the single-threaded fill
#   dispatch     the splitmix64-ctr-v2 kernels (every one this CPU runs,
#                the dispatched one, cached and streaming stores) against
#                the portable kernel and the per-element definition
#
# Fails (exit 1) on any crash, panic, failed check, sanitizer report, leak,
# input slower than 10 s (a hang) or above 2 GiB RSS; libFuzzer then leaves
# the input in fuzz/artifacts/<target>/ and prints how to reproduce it:
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# The corpus grows in fuzz/corpus/<target>/ (not committed), so repeated
# runs continue where the last one stopped.
#
# Needs the nightly toolchain (for -Zsanitizer=address) and cargo-fuzz
# (`cargo install cargo-fuzz --locked`); .ci/run installs both if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(config_json c_api threaded_fill dispatch)
fi

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "error: the nightly toolchain is missing (rustup toolchain install nightly --profile minimal)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "error: cargo-fuzz is missing (cargo install cargo-fuzz --locked)" >&2
    exit 1
fi

echo "== fuzz: format check"
cargo fmt --manifest-path fuzz/Cargo.toml --check

echo "== fuzz: build (nightly, ASan, debug assertions)"
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
if ! (cd fuzz && cargo +nightly fuzz build) >"$build_log" 2>&1; then
    cat "$build_log"
    exit 1
fi
# warnings in our own code (the fuzz targets or the library) fail the run
if grep -E '^warning' "$build_log" | grep -v 'generated [0-9]+ warning' |
    grep -q .; then
    grep -E -A8 '^warning' "$build_log"
    echo "error: the fuzz build has warnings" >&2
    exit 1
fi

# Targets run side by side, VS_FUZZ_JOBS at a time (default: the number of
# CPUs, at most 4): each still gets `seconds` of fuzzing, the run takes
# about targets / jobs times as long.
jobs="${VS_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -le 4 ] || jobs=4
root="$PWD" # absolute paths: the fuzzer runs from fuzz/, not from here

# run_target T: fuzzes T for `seconds`, then writes its exit status to
# fuzz/artifacts/T/last-run.status (the log is last-run.log beside it)
run_target() {
    local t="$1" status=0
    local inputs=("$root/fuzz/corpus/$t")
    [ -d "fuzz/seeds/$t" ] && inputs+=("$root/fuzz/seeds/$t")
    local opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$root/fuzz/artifacts/$t/")
    if [ "$t" = config_json ]; then
        inputs+=("$root/c_tests/fixtures")
        opts+=(-dict="$root/fuzz/dict/config_json.dict")
    fi
    (cd fuzz && cargo +nightly fuzz run "$t" "${inputs[@]}" -- "${opts[@]}") \
        >"fuzz/artifacts/$t/last-run.log" 2>&1 || status=$?
    echo "$status" >"fuzz/artifacts/$t/last-run.status"
}

running=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    rm -f "fuzz/artifacts/$t/last-run.status"
    echo "== fuzz: $t for ${seconds}s"
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

summary=()
failed=0
for t in "${targets[@]}"; do
    log="fuzz/artifacts/$t/last-run.log"
    status="$(cat "fuzz/artifacts/$t/last-run.status" 2>/dev/null || echo missing)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    cov="$(sed -n 's/^#[0-9]*[[:space:]]*DONE.*cov: \([0-9]*\).*ft: \([0-9]*\).*corp: \([0-9]*\).*/edges \1, features \2, corpus \3/p' "$log" | tail -1)"
    if [ "$status" != 0 ]; then
        grep -E -B2 -A25 'panicked at|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|SUMMARY' "$log" | head -80 || tail -20 "$log"
        echo "FAIL: fuzz target $t (exit $status) after ${execs:-?} executions; log: $log" >&2
        ls -1 "fuzz/artifacts/$t" | grep -v last-run >&2 || true
        failed=$((failed + 1))
        continue
    fi
    summary+=("$t: ${execs:-?} executions in ${seconds}s (${rate:-?}/s), ${cov:-no coverage line}")
done
[ "$failed" -eq 0 ] || exit 1

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
echo "fuzz: ${#targets[@]} targets, 0 failures"
