"""Helpers for the Python comparison benchmarks: timing and the standard section."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time (s) of `repeat` calls after one warm-up call."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def standard_section(n_traces: int = 20000, n_samples: int = 1024):
    """The benchmarks' 1024-sample section (same recipe as bench/bench_common.h)."""
    import gprkit

    length = 0.01 * n_traces
    diffractors = [(length * (k + 0.5) / 8, 0.05 + 0.03 * k, 0.5) for k in range(8)]
    return gprkit.simulate(diffractors=diffractors, n_samples=n_samples, n_traces=n_traces, dt_ns=0.02,
                           dx_m=0.01, centre_frequency_mhz=1000, direct_wave_amplitude=1.0,
                           antenna_offset_m=0.05, wow_amplitude=0.2, noise_std=0.01).bscan


def report(rows: list[tuple[str, float, float, str]], n_samples: int, n_traces: int) -> None:
    """Print name, gprkit time, reference time, ratio and the rates."""
    gb = n_samples * n_traces * 4 / 1e9
    print(f"{'operation':<14}{'gprkit ms':>11}{'ref ms':>10}{'speed-up':>10}{'gprkit traces/s':>18}{'GB/s':>7}  reference")
    for name, ours, ref, what in rows:
        print(f"{name:<14}{ours * 1e3:>11.1f}{ref * 1e3:>10.1f}{ref / ours:>9.1f}x{n_traces / ours:>18,.0f}"
              f"{gb / ours:>7.2f}  {what}")


def threads_note() -> str:
    import os

    import gprkit

    return f"gprkit threads: {gprkit.get_num_threads()}, cores: {os.cpu_count()}"


__all__ = ["best_of", "standard_section", "report", "threads_note", "np"]
