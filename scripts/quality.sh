#!/usr/bin/env bash
# Statistical quality of splitmix64-ctr-v2 with dieharder (Debian package
# `dieharder`): the whole battery (`dieharder -a`) on
#   raw  the generator's 64-bit words, as bytes
#   f64  binary64 uniform values, their top 32 random bits
#   f32  binary32 uniform values, their 24 random bits
# (scripts/quality/v2_stream.rs writes the streams). Not part of the test
# suite: one stream takes about half an hour on one core. The results are
# written to target/quality/ and summarized in docs/algorithm-v2.md.
#
#   bash scripts/quality.sh [SEED [STREAM...]]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dieharder >/dev/null 2>&1; then
    echo "dieharder is missing: apt-get install dieharder" >&2
    exit 1
fi
seed=${1:-20261201}
shift || true
streams=("$@")
[ ${#streams[@]} -gt 0 ] || streams=(raw f64 f32)

cargo build --locked --release --example v2_stream
mkdir -p target/quality
for s in "${streams[@]}"; do
    log="target/quality/dieharder-$s-$seed.txt"
    echo "== $s (seed $seed) -> $log"
    # -g 200: raw binary input on stdin; -Y 1: resolve "weak" results by
    # re-running the test with more samples
    ./target/release/examples/v2_stream "$s" "$seed" | dieharder -a -g 200 -Y 1 -k 2 >"$log" 2>&1 || true
    # with -Y 1 a test with a WEAK result is run again with more samples
    # until it resolves: the final results of each (test, ntuple) are the
    # lines of its last run (the largest psamples; sts_serial gives two per
    # ntuple)
    awk -F'|' '/PASSED|WEAK|FAILED/ {
            name = $1; gsub(/ /, "", name); key = name "|" ($2 + 0)
            ps = $4 + 0; st = $6; gsub(/ /, "", st)
            if (ps > maxps[key]) maxps[key] = ps
            tests[name] = 1; lkey[NR] = key; lps[NR] = ps; lst[NR] = st }
        END { for (i in lkey) if (lps[i] == maxps[lkey[i]]) { n[lst[i]]++; total++ }
              printf "   final: PASSED %d  WEAK %d  FAILED %d (of %d results in %d tests)\n",
                     n["PASSED"], n["WEAK"], n["FAILED"], total, length(tests) }' "$log"
done
