"""Single-pass kernels from Python against a numpy copy of the same array (the memory yardstick).

    PYTHONPATH=build/release/python python3 bench/python/bench_single_pass.py [--threads 1]

Each kernel is called the ordinary way (returns a new Bscan), and with ``out=`` a preallocated
array ("out= ms"). "of copy" is the copy's time over the ordinary call's: 1.0 means the kernel
costs one numpy copy (read + write of the section). The copy is order-preserving
(``x.copy(order="K")``); numpy's default ``x.copy()`` makes a C-ordered array and transposes the
Fortran-ordered section, ten times slower. The issue's aims (speed issue, 1 thread): dewow and
moving mean >= 0.40 of copy, AGC >= 0.35, mean-trace removal >= 1.2x numpy's own.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi

sys.path.insert(0, str(Path(__file__).parent))
from bench_common import best_of, standard_section, threads_note  # noqa: E402

import gprkit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    gprkit.set_num_threads(args.threads)
    b = standard_section(args.traces)
    x = b.data
    n = x.shape[0]
    win = int(round(3.0 / b.dt_ns)) | 1
    t = np.arange(n, dtype=np.float32) * np.float32(b.dt_ns)

    def best(f):
        return best_of(f, repeat=args.repeat)

    copy = best(lambda: x.copy(order="K"))
    o = np.empty_like(x, order="F")  # out=: the call writes here and allocates nothing

    def ours(call):  # (a new Bscan, into out=)
        return best(lambda: call(None)), best(lambda: call(o))

    rows = [
        ("dewow 3 ns", ours(lambda out: gprkit.dewow(b, window_ns=3.0, out=out)),
         best(lambda: x - ndi.uniform_filter1d(x, win, axis=0, mode="nearest")), 0.40,
         "x - uniform_filter1d"),
        ("moving mean 31",
         ours(lambda out: gprkit.remove_background(b, "moving_mean", window_traces=31, out=out)),
         best(lambda: x - ndi.uniform_filter1d(x, 31, axis=1, mode="nearest")), 0.40,
         "x - uniform_filter1d(axis=1)"),
        ("agc 3 ns", ours(lambda out: gprkit.gain(b, "agc", window_ns=3.0, out=out)),
         best(lambda: x / np.sqrt(np.maximum(ndi.uniform_filter1d(x * x, win, axis=0), 1e-8))), 0.35,
         "x / sqrt(uniform_filter1d(x**2))"),
        ("mean trace", ours(lambda out: gprkit.remove_background(b, "mean", out=out)),
         best(lambda: x - x.mean(axis=1, keepdims=True)), None, "x - x.mean(axis=1)"),
        ("dc_remove", ours(lambda out: gprkit.dc_remove(b, out=out)),
         best(lambda: x - x.mean(axis=0, keepdims=True)), None, "x - x.mean(axis=0)"),
        ("gain tpow", ours(lambda out: gprkit.gain(b, "tpow", power=1.5, out=out)),
         best(lambda: x * (t ** 1.5)[:, None]), None, "x * t**1.5"),
    ]
    gb = x.nbytes / 1e9
    print(f"section {n} x {x.shape[1]} float32 ({gb:.3f} GB); {threads_note()}")
    print(f"numpy copy (order K): {copy * 1e3:.1f} ms ({gb / copy:.1f} GB/s of input)")
    print(f"{'operation':<16}{'gprkit ms':>10}{'out= ms':>9}{'numpy ms':>10}{'vs numpy':>9}{'of copy':>9}"
          f"{'aim':>6}  numpy")
    for name, (new, into), ref, aim, what in rows:
        aim_s = f"{aim:.2f}" if aim else "-"
        print(f"{name:<16}{new * 1e3:>10.1f}{into * 1e3:>9.1f}{ref * 1e3:>10.1f}{ref / new:>8.2f}x"
              f"{copy / new:>9.2f}{aim_s:>6}  {what}")

if __name__ == "__main__":
    main()
