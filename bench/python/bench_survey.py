"""Surveys: files per second serial vs a dask.distributed LocalCluster, and 3-D migration of a
256 x 64 x 512 cube.

    PYTHONPATH=build/release/python python3 bench/python/bench_survey.py [--copies 8] [--repeat 3]

Files: the pulseEKKO lines of ../shared/data/real (rgpr/flagogna_raw/XLINE*.DT1), each read
and run through a survey chain (dc_remove, dewow, bandpass, moving-mean background, tpow
gain), copied ``--copies`` times into a temporary folder so that a run lasts long enough to
time. A second folder holds ``--synthetic`` simulated
1024 x 8192 lines (.npy, 32 MB each), where the processing rather than the per-file overhead
dominates. Serial = gprkit.dask.process_files on the synchronous scheduler; cluster = the same on a
LocalCluster of 2 worker processes x 1 thread (this machine has 2 cores), results returned to
the client, and again written to out_dir (only paths come back). GB/s counts the samples
read (float32 bytes of the sections). The cluster's start-up is not timed.

Cube: a simulated 256-sample x 64-line x 512-trace survey (survey_grid), migrate_cube with
``--methods`` (stolt by default) at 1 and all threads.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import gprkit
from gprkit.dask import process_files
from gprkit.scenes import survey_grid

sys.path.insert(0, str(Path(__file__).parent))
from bench_common import best_of as best  # noqa: E402

CHAIN = gprkit.Pipeline([("dc_remove", {}), ("dewow", {}), ("bandpass", {}),
                         ("remove_background", {"method": "moving_mean", "window_traces": 51}),
                         ("gain", {"kind": "tpow", "power": 1.0})])


def real_files(tmp: Path, copies: int) -> list[Path]:
    src = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real" / "rgpr" / "flagogna_raw"
    lines = sorted(src.glob("XLINE*.DT1"))
    paths = []
    for k in range(copies):
        for p in lines:
            for ext in (".DT1", ".HD", ".GPS"):
                f = p.with_suffix(ext)
                if f.exists():
                    shutil.copy(f, tmp / f"c{k:02d}_{f.name}")
            paths.append(tmp / f"c{k:02d}_{p.name}")
    return paths


def synthetic_files(tmp: Path, n: int) -> list[Path]:
    """n simulated 1024 x 8192 survey lines (32 MB of float32 each) as .npy."""
    paths = []
    for k in range(n):
        b = gprkit.simulate(diffractors=[(10.0 + k, 0.1 + 0.02 * k)], n_samples=1024, n_traces=8192, dt_ns=0.02,
                            dx_m=0.01, centre_frequency_mhz=1000, direct_wave_amplitude=1.0,
                            wow_amplitude=0.2, noise_std=0.01, seed=k + 1).bscan
        paths.append(tmp / f"line{k:02d}.npy")
        gprkit.write(b, paths[-1])
    return paths


def files_bench(what: str, copies: int, repeat: int) -> None:
    import dask
    import distributed

    tmp = Path(tempfile.mkdtemp(prefix="gprkit-survey-"))
    try:
        paths = real_files(tmp, copies) if what == "real" else synthetic_files(tmp, copies)
        if not paths:
            print("files: ../shared/data/real/rgpr/flagogna_raw is absent; skipped")
            return
        gb = sum(gprkit.read(p).data.nbytes for p in paths) / 1e9
        label = "pulseEKKO lines (XLINE000-005)" if what == "real" else "simulated 1024 x 8192 lines (.npy)"
        print(f"\nfiles: {len(paths)} {label}, {gb * 1e3:.1f} MB of float32 samples; "
              f"chain {[s for s, _ in CHAIN.steps]}")
        gprkit.set_num_threads(1)
        with dask.config.set(scheduler="synchronous"):
            t_serial = best(lambda: process_files(paths, CHAIN), repeat)
        gprkit.set_num_threads(0)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=40) as cluster, \
                distributed.Client(cluster) as client:
            client.run(lambda: gprkit.set_num_threads(1))
            t_cluster = best(lambda: process_files(paths, CHAIN, client=client), repeat)
            out = tmp / "out"
            t_written = best(lambda: process_files(paths, CHAIN, client=client, out_dir=out), repeat)
        print(f"{'run':<34}{'s':>8}{'files/s':>10}{'GB/s':>8}")
        for name, t in (("serial (1 thread)", t_serial), ("LocalCluster 2 x 1, returned", t_cluster),
                        ("LocalCluster 2 x 1, written", t_written)):
            print(f"{name:<34}{t:>8.3f}{len(paths) / t:>10.1f}{gb / t:>8.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cube_bench(repeat: int, methods: list[str]) -> None:
    print()
    s = survey_grid([(2.0, 0.8, 0.15), (3.5, 1.9, 0.25)], n_lines=64, line_spacing_m=0.04, n_traces=512,
                    dx_m=0.01, n_samples=256, dt_ns=0.05)
    t = time.perf_counter()
    cube = gprkit.Cube.from_lines(s.lines, s.line_spacing_m)
    t_asm = time.perf_counter() - t
    print(f"cube {cube.shape} ({cube.data.nbytes / 1e6:.0f} MB): from_lines {t_asm * 1e3:.1f} ms; "
          f"depth_slice {best(lambda: cube.depth_slice(0.15, 0.1), repeat) * 1e3:.1f} ms")
    for threads in (1, 0):
        gprkit.set_num_threads(threads)
        for method in methods:
            sec = best(lambda: gprkit.migrate_cube(cube, method, 0.1), repeat)
            print(f"migrate_cube {method:<12} threads {gprkit.get_num_threads()}: {sec:.3f} s "
                  f"({cube.n_lines * cube.n_traces / sec:,.0f} traces/s)")
    gprkit.set_num_threads(0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--synthetic", type=int, default=8, help="simulated 1024 x 8192 lines")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--methods", default="stolt",
                    help="comma-separated migrate_cube methods (phase_shift takes ~40 s a call here)")
    a = ap.parse_args()
    print(f"cores: {os.cpu_count()}")
    files_bench("real", a.copies, a.repeat)
    files_bench("synthetic", a.synthetic, a.repeat)
    cube_bench(a.repeat, a.methods.split(","))


if __name__ == "__main__":
    main()
