#!/usr/bin/env bash
# Idempotent set-up: installs what gprkit needs from Debian's packages and PyPI.
set -euo pipefail
APT_PKGS=(build-essential cmake ninja-build libeigen3-dev libfftw3-dev catch2
          libbenchmark-dev libomp-dev clang clang-format libhdf5-dev pkg-config
          nlohmann-json3-dev valgrind)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
PY=${PYTHON:-python3}
$PY -m pip install -q --disable-pip-version-check \
  "numpy>=1.24" "scipy>=1.10" "pytest>=7" "pybind11>=2.11" "scikit-build-core>=0.8" \
  "matplotlib>=3.7" "segyio" "h5py" "dask>=2023.1" "distributed>=2023.1" "pandas" "pynmea2" "geopy" "pytz" \
  "tqdm>=4.60" "xarray>=2023.1" "zarr>=2.16"
# readgssi (an independent DZT reader the tests compare against) without obspy, which it
# lists but does not need to read a DZT; --no-deps keeps pip from pulling obspy's stack.
$PY -m pip install -q --disable-pip-version-check --no-deps "readgssi"
# ImpDAR: a peer of bench/python/compare.py (its dependencies are above); optional, so a
# failed install only leaves its rows out.
$PY -m pip install -q --disable-pip-version-check --no-deps "impdar" ||
  echo "setup: impdar not installed; bench/python/compare.py leaves it out"
