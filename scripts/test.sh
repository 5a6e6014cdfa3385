#!/usr/bin/env bash
# Builds gprkit and runs every test: C++ (Release and ASan+UBSan), Python, format check,
# and the file-reader fuzzers for a bounded time. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
PY=${PYTHON:-python3}
export PYTHON=$PY

step() { printf '\n=== %s (%s) ===\n' "$*" "$(date -u +%H:%M:%S)"; }

step "set-up (idempotent)"
bash scripts/setup.sh

step "format check (clang-format)"
bash scripts/check_format.sh

step "Release build: library, C++ tests, benchmarks, Python module"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGPRKIT_BUILD_TESTS=ON \
      -DGPRKIT_BUILD_BENCH=ON -DGPRKIT_BUILD_PYTHON=ON -DPython_EXECUTABLE="$(command -v "$PY")"
cmake --build build/release -j"$JOBS"

step "C++ tests (Release)"
ctest --test-dir build/release --output-on-failure -j"$JOBS"

step "Python tests (against the module just built)"
PYTHONPATH="$PWD/build/release/python" "$PY" -m pytest -q tests/python

step "benchmarks against this machine kind's baseline (reported, never failing)"
# The smoke run of every benchmark is part of ctest above (bench_smoke_*); this times the quick
# ones on their real workloads. Shared machines are noisy, so a regression is only reported.
bash scripts/bench_regression.sh build/release || echo "benchmark report could not run (not a test failure)"

step "ASan + UBSan build (clang): library, C++ tests and the fuzz targets"
# One sanitizer build for both the tests and the fuzzers: the library is compiled once. A
# folder configured earlier with another compiler is started afresh.
grep -qs '^CMAKE_CXX_COMPILER:.*clang' build/asan/CMakeCache.txt || rm -rf build/asan
CC=clang CXX=clang++ cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DGPRKIT_SANITIZE=ON -DGPRKIT_BUILD_FUZZ=ON \
      -DGPRKIT_BUILD_TESTS=ON -DGPRKIT_BUILD_BENCH=OFF -DGPRKIT_BUILD_PYTHON=OFF -DGPRKIT_INSTALL=OFF
cmake --build build/asan -j"$JOBS"

step "C++ tests (ASan + UBSan)"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  ctest --test-dir build/asan --output-on-failure -j"$JOBS"

if [ -f scripts/fuzz.sh ]; then
  step "file-reader fuzzers (bounded)"
  BUILD="$PWD/build/asan" bash scripts/fuzz.sh
fi

step "all tests passed"
