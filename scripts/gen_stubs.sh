#!/usr/bin/env bash
# Regenerates python/gprkit/_core.pyi (type stubs of the compiled module) from a build.
# Usage: scripts/gen_stubs.sh [build/release]   (a build made with -DGPRKIT_BUILD_PYTHON=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
PY=${PYTHON:-python3}
"$PY" -m pip install -q --disable-pip-version-check "pybind11-stubgen>=2.5"
out=$(mktemp -d)
PYTHONPATH="$BUILD/python" "$PY" -m pybind11_stubgen gprkit._core -o "$out" --numpy-array-use-type-var 2>/dev/null \
  || PYTHONPATH="$BUILD/python" "$PY" -m pybind11_stubgen gprkit._core -o "$out"
cp "$out/gprkit/_core.pyi" python/gprkit/_core.pyi
rm -rf "$out"
echo "wrote python/gprkit/_core.pyi"
