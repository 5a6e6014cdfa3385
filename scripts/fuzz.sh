#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each reader for a
# bounded time on seeds made from ../shared/data/real (or from gprkit's own writers when that
# folder is absent), and the pipeline parser on the shipped pipeline files, and the gprMax reader on h5py-made .out
# files. Exits non-zero when a fuzzer finds a crash in gprkit code. ~3 minutes on 2 cores.
#   FUZZ_SECONDS=20 scripts/fuzz.sh     (seconds per target, default 6: 8 targets x 6 s fit
#                                        the CI time limit with the builds)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-fuzz}
SECONDS_PER=${FUZZ_SECONDS:-6}
REAL=${GPRKIT_SHARED_DATA:-$ROOT/../shared/data}/real
# A build folder already configured for fuzzing (scripts/test.sh's sanitizer build) is reused.
if ! grep -qs '^GPRKIT_BUILD_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGPRKIT_BUILD_FUZZ=ON -DGPRKIT_BUILD_TESTS=OFF -DGPRKIT_BUILD_PYTHON=OFF -DGPRKIT_INSTALL=OFF \
    >/dev/null
fi
cmake --build "$BUILD" -j2 --target gprkit_fuzz_dzt gprkit_fuzz_dt1 gprkit_fuzz_mala \
  gprkit_fuzz_impulseradar gprkit_fuzz_segy gprkit_fuzz_npy gprkit_fuzz_gprmax gprkit_fuzz_pipeline >/dev/null
SEEDS=$(mktemp -d)
trap 'rm -rf "$SEEDS"' EXIT
mkdir -p "$SEEDS"/{dzt,dt1,mala,impulseradar,segy,npy,gprmax,pipeline}
# Pipeline seeds: the shipped pipeline files.
cp "$ROOT"/samples/pipelines/*.json "$SEEDS/pipeline/"
# Seeds are cut to a few kB so the fuzzer mutates headers, not megabytes of samples.
cut_to() { head -c "$2" "$1"; }
if [ -d "$REAL" ]; then
  echo "seeds from $REAL"
  i=0
  while IFS= read -r f; do cut_to "$f" 5120 >"$SEEDS/dzt/s$((i++))"; done < <(find "$REAL" -iname '*.dzt')
  while IFS= read -r f; do
    hd="${f%.*}.HD"; [ -f "$hd" ] || hd="${f%.*}.hd"; [ -f "$hd" ] || continue
    npts=$(grep -a 'PTS/TRC' "$hd" | sed 's/.*= *//' | tr -d '\r ')
    { cat "$hd"; printf '\0'; cut_to "$f" $(( 3 * (128 + 2 * npts) )); } >"$SEEDS/dt1/s$((i++))"
  done < <(find "$REAL" -iname '*.dt1')
  while IFS= read -r f; do
    rad="${f%.*}.rad"; [ -f "$rad" ] || rad="${f%.*}.RAD"; [ -f "$rad" ] || continue
    { cat "$rad"; printf '\0'; cut_to "$f" 4096; printf '\0'; } >"$SEEDS/mala/s$((i++))"
  done < <(find "$REAL" -iname '*.rd3')
  # ImpulseRadar: IPRH \0 the first 3 traces (SAMPLES x DATA VERSION / 8 bytes each).
  while IFS= read -r f; do
    iprh="${f%.*}.iprh"; [ -f "$iprh" ] || iprh="${f%.*}.IPRH"; [ -f "$iprh" ] || continue
    ns=$(grep -a '^SAMPLES:' "$iprh" | sed 's/.*: *//' | tr -d '\r ') || continue
    bits=$(grep -a '^DATA VERSION:' "$iprh" | sed 's/.*: *//' | tr -d '\r ') || continue
    { cat "$iprh"; printf '\0'; cut_to "$f" $(( 3 * ns * bits / 8 )); } >"$SEEDS/impulseradar/s$((i++))"
  done < <(find "$REAL" -iname '*.iprb')
fi
# gprMax seeds: small .out files from the shared data (whole: HDF5 needs its object headers).
GPRMAX=${REAL%/real}/gprmax
i=${i:-0}
if [ -d "$GPRMAX" ]; then
  while IFS= read -r f; do cp "$f" "$SEEDS/gprmax/s$((i++))"; done \
    < <(find "$GPRMAX" -name '*.out' -size -64k)
fi
# Synthetic seeds from the library's writers (always: SEG-Y and npy have no real files).
python3 - "$SEEDS" <<'PY'
import struct, sys, json, pathlib
s = pathlib.Path(sys.argv[1])
ns, nt = 32, 3
# SEG-Y: textual + binary header + 3 IEEE traces
text = bytes([0x40]) * 3200
binh = bytearray(400); struct.pack_into(">HHh", binh, 16, 100, ns, 5); struct.pack_into(">H", binh, 300, 0x0100)
tr = b"".join(bytes(114) + struct.pack(">HH", ns, 100) + bytes(240 - 118) + struct.pack(f">{ns}f", *range(ns)) for _ in range(nt))
(s / "segy/s0").write_bytes(text + bytes(binh) + tr)
binh2 = bytearray(binh); struct.pack_into(">h", binh2, 24, 1)
(s / "segy/s1").write_bytes(text + bytes(binh2) + tr)
# npy: sidecar JSON \0 npy bytes
d = "{'descr': '<f4', 'fortran_order': True, 'shape': (%d, %d), }" % (ns, nt)
d = d.ljust(117) + "\n"
npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + struct.pack(f"<{ns*nt}f", *range(ns * nt))
side = json.dumps({"dt_ns": 0.1, "x_m": [0, 1, 2], "raw": {"a": "b"}}).encode()
(s / "npy/s0").write_bytes(side + b"\0" + npy)
# DZT / DT1 / MALA when no real file gave one
if not any((s / "dzt").iterdir()):
    h = bytearray(1024); struct.pack_into("<HHHHh", h, 0, 0xFF, 1024, ns, 16, 0); struct.pack_into("<f", h, 26, 10.0)
    struct.pack_into("<H", h, 52, 1)
    (s / "dzt/s0").write_bytes(bytes(h) + struct.pack(f"<{ns*nt}H", *[32768] * (ns * nt)))
if not any((s / "dt1").iterdir()):
    hd = b"1234\nNUMBER OF TRACES = 3\nNUMBER OF PTS/TRC = 32\nTOTAL TIME WINDOW = 16\nTIMEZERO AT POINT = 3\n"
    rec = b"".join(struct.pack("<8f", j + 1, j, ns, 0, 0, 2, 500, 1) + bytes(96) + bytes(2 * ns) for j in range(nt))
    (s / "dt1/s0").write_bytes(hd + b"\0" + rec)
if not any((s / "impulseradar").iterdir()):
    iprh = b"HEADER VERSION: 20\r\nDATA VERSION: 32\r\nSAMPLES: 32\r\nFREQUENCY: 3200\r\nTIMEWINDOW: 10.000\r\nLAST TRACE: 3\r\nTRIG SOURCE: wheel\r\nDISTANCE INTERVAL: 0.02\r\nANTENNA: 300 MHz\r\n"
    (s / "impulseradar/s0").write_bytes(iprh + b"\0" + struct.pack(f"<{ns*nt}i", *range(ns * nt)))
if not any((s / "mala").iterdir()):
    rad = b"SAMPLES:32\nFREQUENCY:1000\nTIMEWINDOW:32\nLAST TRACE:3\n"
    (s / "mala/s0").write_bytes(rad + b"\0" + bytes(2 * ns * nt) + b"\0")
# gprMax: small .out files like gprMax writes (single A-scan, merged B-scan, two receivers,
# chunked + compressed, HDF5's latest format), with h5py when it is installed. Their strings are
# variable-length, so the bounded object-header and heap parser (src/io/hdf5_strings.cpp) is
# fuzzed too.
try:
    import h5py, numpy as np
except ImportError:
    h5py = None
if h5py is not None:
    def out(name, shape, nrx=1, libver="earliest", **kw):
        with h5py.File(s / "gprmax" / name, "w", libver=libver) as f:
            f.attrs.update({"gprMax": "3.1.7", "Title": "seed", "Iterations": shape[0],
                            "dt": 2e-12, "dx_dy_dz": (0.002, 0.002, 0.002), "nrx": nrx,
                            "rxsteps": (5, 0, 0), "srcsteps": (5, 0, 0)})
            f.create_group("srcs/src1").attrs["Position"] = (0.04, 0.17, 0.0)
            for r in range(1, nrx + 1):
                g = f.create_group(f"rxs/rx{r}")
                g.attrs["Name"] = f"Rx{r}"
                g.attrs["Position"] = (0.08, 0.17, 0.0)
                g.create_dataset("Ez", data=np.sin(np.arange(np.prod(shape))).reshape(shape).astype("f4"), **kw)
    out("single", (64,))
    out("merged", (48, 4))
    out("two", (32,), nrx=2)
    out("chunked", (64, 4), chunks=(16, 2), compression="gzip")
    out("latest", (16, 2), libver="latest")  # version 2 object headers
PY
status=0
# Where a crash happened: the first frame of its stack in libhdf5 or in gprkit code.
first_frame() {
  grep -E '^ +#[0-9]+ ' "$1" | grep -E 'libhdf5|gprkit::|LLVMFuzzerTestOneInput' | head -1
}
for r in dzt dt1 mala impulseradar segy npy gprmax pipeline; do
  work=$(mktemp -d -p "$SEEDS")
  rm -f "$BUILD"/crash-"$r"-*
  echo "== fuzz $r (${SECONDS_PER}s, $(ls "$SEEDS/$r" | wc -l) seeds)"
  asan="" extra=()
  if [ "$r" = gprmax ]; then
    # libhdf5 (not instrumented, not ours) mallocs the sizes a corrupted object header claims
    # (terabytes) and handles the NULL it gets back: let ASan return NULL as malloc would. It
    # also leaks on its error paths (gprkit closes every identifier it opens): leaks not
    # checked. Debian's 1.10.8 also reads out of bounds on some corrupted metadata (object
    # headers without checksums): fork mode keeps fuzzing past those crashes, and each crash
    # is classified below by where it happened.
    asan="allocator_may_return_null=1:detect_leaks=0"
    extra=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -timeout=10)
  fi
  rc=0
  ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}$asan" "$BUILD/fuzz/gprkit_fuzz_$r" -max_total_time="$SECONDS_PER" -max_len=65536 -rss_limit_mb=2048 \
    "${extra[@]}" -artifact_prefix="$BUILD/crash-$r-" -print_final_stats=1 "$work" "$SEEDS/$r" 2>"$BUILD/fuzz-$r.log" || rc=$?
  # Fork mode exits non-zero when it kept crashes: those are classified below.
  if [ "$rc" -ne 0 ] && [ ${#extra[@]} -eq 0 ]; then
    echo "!! fuzz $r found a crash: see $BUILD/fuzz-$r.log and $BUILD/crash-$r-*"
    tail -30 "$BUILD/fuzz-$r.log"
    status=1
    continue
  fi
  grep -E "stat::number_of_executed_units|cov:" "$BUILD/fuzz-$r.log" | tail -1
  # Crashes kept by fork mode: one inside libhdf5 itself is reported, one in gprkit fails.
  n_hdf5=0
  for c in "$BUILD"/crash-"$r"-*; do
    [ -f "$c" ] && [[ "$c" != *.log ]] || continue
    ASAN_OPTIONS="$asan" timeout 60 "$BUILD/fuzz/gprkit_fuzz_$r" -rss_limit_mb=2048 -timeout=10 "$c" \
      >"$c.log" 2>&1 && { rm -f "$c" "$c.log"; continue; }
    if [[ "$(first_frame "$c.log")" == *libhdf5* ]]; then
      n_hdf5=$((n_hdf5 + 1))
    else
      echo "!! fuzz $r: a crash in gprkit code: $c"
      tail -30 "$c.log"
      status=1
    fi
  done
  if [ "$n_hdf5" -gt 0 ]; then
    echo "?? fuzz $r: $n_hdf5 inputs crash inside libhdf5 (not gprkit code; see $BUILD/crash-$r-*.log)"
  fi
done
exit $status
