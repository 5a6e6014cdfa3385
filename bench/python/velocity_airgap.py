"""estimate_velocity under an air gap: simulated diffractions and the gprMax scenes (docs/migrate.md).

    PYTHONPATH=build/release/python python3 bench/python/velocity_airgap.py [sim|gprmax|noise]

sim: antenna height 0/2/5 cm x offset 0/5 cm x depth 5/10/20 cm x soils (eps 4 at 1 GHz, 9 at
1.5 GHz, 16 at 1 GHz); direct wave (2.0) and ground bounce (-1.5) left in, header t0 0.25 ns
late, white noise 0.04 (the apex is 0.2-0.5). gprmax: dev_point, dev_mines, dev_hetero from
../shared/data/gprmax via gprkit.read_gprmax_scene (header t0 = the source's
Ricker peak), and dev_point again as a bare array at the FDTD step with t0 = 0.
"""
from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import gprkit  # noqa: E402
from conftest import SHARED_DATA  # noqa: E402

C = 0.299792458
METHODS = ("auto", "semblance", "focus")


def estimate(b, method, **kw):
    try:
        return gprkit.estimate_velocity(b, method=method, **kw)["velocity_m_per_ns"]
    except gprkit.InvalidArgument:
        return float("nan")


def sim() -> None:
    rows = []
    for h, a, z, (eps, f) in itertools.product([0.0, 0.02, 0.05], [0.0, 0.05], [0.05, 0.1, 0.2],
                                               [(4, 1000), (9, 1500), (16, 1000)]):
        v = C / math.sqrt(eps)
        s = gprkit.simulate([dict(x_m=1.5, depth_m=z)], n_samples=512, n_traces=300, dt_ns=0.02,
                            t0_ns=-1.0, dx_m=0.01, velocity_m_per_ns=v, antenna_height_m=h,
                            antenna_offset_m=a, centre_frequency_mhz=f, direct_wave_amplitude=2.0,
                            ground_bounce_amplitude=-1.5, noise_std=0.04, seed=7)
        hd = dict(s.bscan.header)
        hd["t0_ns"] = -0.75
        b = gprkit.Bscan(s.bscan.data, header=hd)
        err = [estimate(b, m) / v - 1 for m in METHODS]
        rows.append((h, err))
        print(f"h={h:.2f} a={a:.2f} z={z:.2f} eps={eps:2d} "
              + " ".join(f"{m}={e * 100:+6.1f}%" for m, e in zip(METHODS, err)), flush=True)
    err = np.array([r[1] for r in rows]) * 100
    print("| method | height | max abs error | median abs error | within 10 % |")
    print("|---|---|---|---|---|")
    for k, m in enumerate(METHODS):
        for h in (0.0, 0.02, 0.05):
            e = np.abs(err[np.array([r[0] == h for r in rows]), k])
            ok = int((e <= 10).sum())
            print(f"| {m} | {h * 100:.0f} cm | {np.nanmax(e):.1f} % | {np.nanmedian(e):.1f} % | {ok}/{e.size} |")


def gprmax() -> None:
    print("| scene | true v (m/ns) | auto | semblance | focus | time-zero shift (ns) |")
    print("|---|---|---|---|---|---|")
    for name in ("dev_point", "dev_mines", "dev_hetero"):
        folder = SHARED_DATA / "gprmax" / name
        if not folder.is_dir():
            print(f"| {name} | absent | | | | |")
            continue
        data = np.load(folder / "bscan.npy")
        b, meta = gprkit.read_gprmax_scene(folder)
        vt = meta["soil"].get("velocity_m_per_s", float("nan")) / 1e9
        r = [estimate(b, m) for m in METHODS]
        shift = gprkit.estimate_velocity(b)["time_zero_shift_ns"] if math.isfinite(r[0]) else float("nan")
        print(f"| {name} | {vt:.4f} | " + " | ".join(f"{x:.4f}" for x in r) + f" | {shift:+.3f} |")
        if name == "dev_point":
            cyl = estimate(b, "auto", target_radius_m=0.008)
            raw = gprkit.estimate_velocity(np.asfortranarray(data), dt_ns=meta["dt_s"] * 1e9,
                                           dx_m=meta["trace_spacing_m"],
                                           antenna_height_m=meta["air_gap_m"],
                                           antenna_offset_m=meta["antenna_offset_m"])
            print(f"| dev_point, target_radius_m=0.008 | {vt:.4f} | {cyl:.4f} | | | |")
            print(f"| dev_point, bare array, FDTD step, t0 = 0 | {vt:.4f} | {raw['velocity_m_per_ns']:.4f} | | | "
                  f"{raw['time_zero_shift_ns']:+.3f} |")


def noise() -> None:
    """dev_point with white noise (fraction of the apex amplitude per 25 ps sample), 3 seeds."""
    folder = SHARED_DATA / "gprmax" / "dev_point"
    if not folder.is_dir():
        print("dev_point absent")
        return
    b, meta = gprkit.read_gprmax_scene(folder)
    v = meta["soil"]["velocity_m_per_s"] / 1e9
    d = np.asarray(b.data)
    apex = np.abs(d - np.median(d, axis=1, keepdims=True)).max()
    rng = np.random.default_rng(0)
    for level in (0.0, 0.05, 0.1, 0.2):
        errs = []
        for _ in range(3):
            noisy = (d + rng.normal(0, level * apex, d.shape)).astype(np.float32)
            errs.append(estimate(gprkit.Bscan(np.asfortranarray(noisy), header=dict(b.header)), "auto") / v - 1)
        print(f"noise {level:.2f} x apex: " + " ".join(f"{e * 100:+.1f}%" for e in errs))


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which in ("all", "gprmax"):
        gprmax()
    if which in ("all", "noise"):
        noise()
    if which in ("all", "sim"):
        sim()
