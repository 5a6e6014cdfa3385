"""Ground-bounce removal on rough ground: mean, ground_bounce, svd, rpca and surface.

Simulated rough lines (numpy): targets from gprkit.simulate (no ground bounce) plus a ground
bounce of Ricker wavelets at per-trace times from a correlated random surface (rms 0.5-2 cm,
correlation 3-10 cm) whose amplitude follows a correlated permittivity, a time-fixed direct
wave and ringing, and noise. The clutter-free target section T is known, so

    SCR (dB) = 10 log10(|T|^2 / |out - T|^2)     kept = <out, T> / <T, T>

On the gprMax scenes (../shared/data/gprmax, when present; dewow + bandpass first, as the
landmine pipeline) the figure is the peak |amplitude| at each true target (x, depth -> time
below the tracked surface) over the rms of the section away from the targets in the first
3 ns below the surface, in dB.

    PYTHONPATH=build/release/python python3 bench/python/compare_ground_removal.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import gprkit  # noqa: E402

METHODS = [("mean", {}), ("ground_bounce", {"window_m": 1.0}), ("svd", {}), ("rpca", {}),
           ("surface", {"window_m": 1.0})]


def correlated(rng, n, corr_m, dx=0.01):
    k = np.arange(-4 * int(corr_m / dx) - 1, 4 * int(corr_m / dx) + 2) * dx
    w = np.exp(-0.5 * (k / corr_m) ** 2)
    s = np.convolve(rng.standard_normal(n + 2 * len(k)), w, "same")[len(k):len(k) + n]
    return (s - s.mean()) / s.std()


def rough_line(seed=3, m=512, n=400, dt=0.025, f=1500.0, rms=0.01, corr=0.05, h0=0.05, a=0.04,
               direct=1.0, ring=0.1, noise=0.003):
    """(Bscan, target-only section T, true ground time per trace)."""
    rng = np.random.default_rng(seed)
    t = np.arange(m) * dt
    c = gprkit.clutter._core.c_air_m_per_ns if hasattr(gprkit.clutter._core, "c_air_m_per_ns") else 0.299792458
    s = rms * correlated(rng, n, corr)
    tg = 2 * np.sqrt((h0 + s) ** 2 + a * a / 4) / c
    eps = np.clip(6 + 2 * correlated(rng, n, corr), 3, 12)
    refl = (np.sqrt(eps) - 1) / (np.sqrt(eps) + 1)
    ground = refl[None, :] * gprkit.ricker(t[:, None] - tg[None, :], f)
    td = a / c
    fixed = direct * gprkit.ricker(t - td, f) + ring * np.sin(2 * np.pi * (t - td) * f * 9e-4) * \
        np.exp(-np.maximum(t - td, 0) / 2.0) * (t > td)
    sim = gprkit.simulate([dict(x_m=1.0, depth_m=0.05, amplitude=0.3), dict(x_m=2.5, depth_m=0.12, amplitude=-0.2),
                           dict(x_m=3.2, depth_m=0.03, amplitude=0.4)],
                          n_samples=m, n_traces=n, dt_ns=dt, centre_frequency_mhz=f, antenna_height_m=h0,
                          antenna_offset_m=a, velocity_m_per_ns=0.12)
    T = sim.bscan.data.astype(np.float64)
    D = ground + fixed[:, None] + T + noise * rng.standard_normal((m, n))
    b = gprkit.Bscan(np.asfortranarray(D.astype(np.float32)), dt_ns=dt, dx_m=0.01, centre_frequency_mhz=f,
                     antenna_separation_m=a)
    return b, T, tg


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def simulated_rows():
    rows = []
    for label, kw in [("rms 1 cm, corr 5 cm", {}), ("rms 2 cm, corr 3 cm", dict(rms=0.02, corr=0.03, seed=5)),
                      ("rms 0.5 cm, corr 10 cm", dict(rms=0.005, corr=0.10, seed=8)),
                      ("rms 1 cm, 1 GHz, h 8 cm", dict(f=1000.0, h0=0.08, seed=11))]:
        b, T, tg = rough_line(**kw)
        tr, _ = timed(lambda: gprkit.track_surface(b))
        err = (tr["time_ns"] - tg) / b.dt_ns
        print(f"\nsimulated rough line, {label}: track_surface error {np.sqrt(np.mean(err ** 2)):.2f} samples rms "
              f"(bias {err.mean():+.2f})")
        print(f"  {'method':14s} {'SCR dB':>7s} {'kept':>5s} {'ms':>8s}")
        for meth, opts in METHODS:
            out, el = timed(lambda: gprkit.remove_background(b, meth, **opts).data)
            r = out - T
            scr = 10 * np.log10(np.sum(T ** 2) / np.sum(r ** 2))
            kept = np.sum(out * T) / np.sum(T * T)
            print(f"  {meth:14s} {scr:7.1f} {kept:5.2f} {el * 1e3:8.1f}")
            rows.append((label, meth, scr, kept, el))
    return rows


def gprmax_rows():
    shared = ROOT.parent / "shared" / "data" / "gprmax"
    if not shared.is_dir():
        print("\n(no ../shared/data/gprmax: gprMax scenes skipped)")
        return []
    rows = []
    for name in ("dev_hetero", "dev_mines"):
        if not (shared / name).is_dir():
            continue
        b, meta = gprkit.read_gprmax_scene(shared / name)
        b = gprkit.bandpass(gprkit.dewow(b))
        v = meta.get("soil", {}).get("velocity_m_per_s", 1.2e8) * 1e-9
        tr = gprkit.track_surface(b)
        x = b.header["x_m"] if b.header.get("x_m") is not None else np.arange(b.n_traces) * b.dx_m
        t = b.time_ns()
        print(f"\ngprMax {name}: peak at each target / rms away from targets, first 3 ns below the surface "
              f"(v = {v:.3f} m/ns)")
        print(f"  {'method':14s} " + " ".join(f"{tg['label'][:16]:>17s}" for tg in meta["targets"]) + f" {'ms':>8s}")
        for meth, opts in METHODS:
            out, el = timed(lambda: gprkit.remove_background(b, meth, **opts).data)
            far = np.ones(b.n_traces, bool)
            for tg in meta["targets"]:
                far &= np.abs(x - tg["x_center_m"]) > 0.15
            below = (t[:, None] > tr["time_ns"][None, :] + 0.3) & (t[:, None] < tr["time_ns"][None, :] + 3.0)
            bg = np.sqrt(np.mean(out[below & far[None, :]] ** 2))
            vals = []
            for tg in meta["targets"]:
                j = int(np.argmin(np.abs(x - tg["x_center_m"])))
                tt = tr["time_ns"][j] + 2 * tg["top_depth_m"] / v
                sel_t = np.abs(t - tt) < 0.4
                pk = np.max(np.abs(out[sel_t][:, max(0, j - 3):j + 4]))
                vals.append(20 * np.log10(pk / bg))
            print(f"  {meth:14s} " + " ".join(f"{val:17.1f}" for val in vals) + f" {el * 1e3:8.1f}")
            rows.append((name, meth, vals, el))
    return rows


def heights():
    print("\nestimate_antenna_height on the simulator (gprkit.simulate, direct 1.0, ground 0.5, noise 0.01):")
    print(f"  {'f MHz':>6s} {'h cm':>5s} {'a cm':>5s} {'resolved':>8s} {'height cm':>9s} {'from t0 cm':>10s}")
    for f in (1000.0, 1500.0):
        for h in (0.0, 0.02, 0.03, 0.05, 0.08, 0.10):
            for a in (0.0, 0.04):
                if h == 0 and a == 0:
                    continue
                sim = gprkit.simulate([], n_samples=512, n_traces=200, dt_ns=0.025, centre_frequency_mhz=f,
                                      antenna_height_m=h, height_variation_m=min(h, 0.01), antenna_offset_m=a,
                                      direct_wave_amplitude=1.0, ground_bounce_amplitude=0.5, noise_std=0.01)
                r = gprkit.estimate_antenna_height(sim.bscan)
                print(f"  {f:6.0f} {h * 100:5.1f} {a * 100:5.1f} {str(r['resolved']):>8s} {r['height_m'] * 100:9.2f} "
                      f"{r['height_from_time_zero_m'] * 100:10.2f}")
    shared = ROOT.parent / "shared" / "data" / "gprmax"
    for name in ("dev_point", "dev_mines", "dev_hetero"):
        if not (shared / name).is_dir():
            continue
        b, meta = gprkit.read_gprmax_scene(shared / name)
        r = gprkit.estimate_antenna_height(b)
        print(f"  gprMax {name}: true {meta['air_gap_m'] * 100:.1f} cm -> resolved {r['resolved']}, height "
              f"{r['height_m'] * 100:.2f} cm, from time zero {r['height_from_time_zero_m'] * 100:.2f} cm, delay "
              f"{r['delay_ns']:.3f} ns (period {r['period_ns']:.3f} ns)")


if __name__ == "__main__":
    gprkit.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    simulated_rows()
    gprmax_rows()
    heights()
