#!/usr/bin/env bash
# Runs the quick benchmarks (single-pass filters, clutter, streaming) on their real workloads
# and compares them with this machine kind's baseline (bench/compare_baseline.py): regressions
# over 25 % are reported, never failing, since shared machines are noisy.
# Usage: scripts/bench_regression.sh [build/release] [--write-baseline]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
shift || true
PY=${PYTHON:-python3}
out="$BUILD/bench-results"
mkdir -p "$out"
run() {  # run <program> <filter>
  "$BUILD/bench/gprkit_bench_$1" --benchmark_filter="$2" --benchmark_min_time=0.3 \
    --benchmark_out="$out/$1.json" --benchmark_out_format=json > "$out/$1.txt"
}
run filters 'memcpy|dc_remove|dewow|gain|time_zero|bandpass/|envelope/|fftw_forward_inverse'
run clutter 'mean_1thread|ground_bounce_1thread|track_surface'
run stream 'fftw_pair_512|stream_default_chain'
"$PY" bench/compare_baseline.py "$out"/filters.json "$out"/clutter.json "$out"/stream.json \
  --markdown "$out/regressions.md" "$@"
