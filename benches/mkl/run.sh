#!/usr/bin/env bash
# libvariance_scaling beside oneMKL VSL (benches/mkl/mkl_compare.c).
#
#   bash benches/mkl/run.sh [N [REPS]]
#
# oneMKL comes from PyPI (pip install mkl mkl-include mkl-devel); this
# script installs it into the current Python when it is missing, finds
# mkl_vsl.h and libmkl_rt under the Python prefix, builds the release
# library and the comparison program, and runs it with MKL's sequential
# threading layer (the program makes its own threads). Not part of the test
# suite: it prints figures and ratios (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

prefix=$(python3 -c 'import sys; print(sys.prefix)')
if [ ! -f "$prefix/include/mkl_vsl.h" ] || ! ls "$prefix"/lib/libmkl_rt.so* >/dev/null 2>&1; then
    python3 -m pip install --quiet mkl mkl-include mkl-devel ||
        python3 -m pip install --quiet --break-system-packages mkl mkl-include mkl-devel
    prefix=$(python3 -c 'import sys; print(sys.prefix)')
fi
mkl_rt=$(ls "$prefix"/lib/libmkl_rt.so* | head -n1)

cargo build --locked --release --lib
out=target/release/mkl_compare
cc -O2 -std=c11 -Wall -Wextra -o "$out" benches/mkl/mkl_compare.c \
    -Iinclude -I"$prefix/include" \
    -Ltarget/release -lvariance_scaling "$mkl_rt" -lpthread -lm \
    -Wl,-rpath,"$PWD/target/release" -Wl,-rpath,"$prefix/lib"
MKL_THREADING_LAYER=SEQUENTIAL "$out" "$@"
