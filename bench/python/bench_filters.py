"""Per-trace filters: gprkit against the best vectorized numpy/scipy equivalent, same array.

    PYTHONPATH=build/release/python python3 bench/python/bench_filters.py [--traces 20000]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi
import scipy.signal as sig

sys.path.insert(0, str(Path(__file__).parent))
from bench_common import best_of, report, standard_section, threads_note  # noqa: E402

import gprkit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        gprkit.set_num_threads(args.threads)
    b = standard_section(args.traces)
    x = b.data  # (1024, n) float32, Fortran order: each trace contiguous
    dt = b.dt_ns
    n = x.shape[0]
    t = np.arange(n, dtype=np.float32) * dt
    win = int(round(3.0 / dt)) | 1
    fs = 1e3 / dt
    sos = sig.butter(4, [250, 2500], btype="band", fs=fs, output="sos")
    freqs = np.fft.rfftfreq(n, dt * 1e-3)
    hmask = ((freqs >= 250) & (freqs <= 2500)).astype(np.float32)

    rows = [
        ("dc_remove", best_of(lambda: gprkit.dc_remove(b)), best_of(lambda: x - x.mean(axis=0, keepdims=True)),
         "x - x.mean(axis=0)"),
        ("dewow", best_of(lambda: gprkit.dewow(b, window_ns=3.0)),
         best_of(lambda: x - ndi.uniform_filter1d(x, win, axis=0, mode="nearest")),
         "x - scipy.ndimage.uniform_filter1d"),
        ("gain tpow", best_of(lambda: gprkit.gain(b, "tpow", power=1.5)),
         best_of(lambda: x * (t ** 1.5)[:, None]), "x * t**p"),
        ("gain agc", best_of(lambda: gprkit.gain(b, "agc", window_ns=3.0)),
         best_of(lambda: x / np.sqrt(np.maximum(ndi.uniform_filter1d(x * x, win, axis=0), 1e-8))),
         "uniform_filter1d of x**2"),
        ("bandpass", best_of(lambda: gprkit.bandpass(b, 250, 2500, shape="butterworth")),
         best_of(lambda: sig.sosfiltfilt(sos, x, axis=0), repeat=1), "scipy.signal.sosfiltfilt"),
        ("bandpass fft", best_of(lambda: gprkit.bandpass(b, 250, 2500)),
         best_of(lambda: np.fft.irfft(np.fft.rfft(x, axis=0) * hmask[:, None], n=n, axis=0)),
         "numpy rfft * mask, irfft"),
        ("envelope", best_of(lambda: gprkit.envelope(b)),
         best_of(lambda: np.abs(sig.hilbert(x, axis=0))), "abs(scipy.signal.hilbert)"),
    ]
    print(f"section {n} x {x.shape[1]} float32; {threads_note()}")
    report(rows, n, x.shape[1])


if __name__ == "__main__":
    main()
