"""Scene generators with known truth for tests, demos and benchmarks.

``rough_minefield(seed)`` is a 1.5 GHz air-launched demining line over rough, heterogeneous
soil with plastic mines (some with a metal pin), stones, metal fragments, a root and weak soil
scatterers, every object physical (a permittivity or metal, a width, a thickness) so that its
polarity, strength, ringing, width and double reflection come out of the Fresnel coefficients::

    from gprkit.scenes import rough_minefield
    scene = rough_minefield(seed=3)
    scene.bscan, scene.truth, scene.objects, scene.mine_positions, scene.empty_intervals

``survey_grid(objects, ...)`` is a grid of parallel lines over buried point objects at known
(x, y, depth), some lines optionally recorded in the opposite direction: the 3-D test scene of
:class:`gprkit.Cube`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .simulate import Simulation, simulate

__all__ = ["KINDS", "Scene", "Survey", "mine_snr", "rough_minefield", "summary", "survey_grid"]

#: Object kinds (the ``kind`` of each object and of its simulator truth entries).
KINDS: dict[int, str] = {0: "mine", 1: "stone", 2: "metal", 3: "root"}

_C = 0.299792458  # m/ns
# The air-ground reflection is the direct wave times R = (1 - n) / (1 + n) < 0: the ground bounce
# has the opposite sign to the direct wave, as on a real radar (what detect's polarity assumes
# where the two overlap).
_GROUND_SIGN = -1.0


@dataclass
class Scene(Simulation):
    """A Simulation (bscan, truth, ground_time_ns, scatterers, surface_elevation_m,
    soil_permittivity) plus what the scene generator placed.

    objects: one dict per object: kind (see KINDS), kind_name, x_m, depth_m (of the top below
        the mean surface), width_m, height_m, permittivity (0 for metal), metal, metal_pin
        (mines), extent_m (x_min, x_max along the line), truth_index (indices into ``truth``
        of its diffractors; a root is a layer streak and has none).
    mine_positions / clutter_positions: x (m) of the mines / of every other object.
    empty_intervals: [(x0, x1)] stretches (>= 2 m) with no object at all, and no object's
        extent within 0.3 m of them (soil scatterers and roughness are still there): where a
        detector's alarms are all false alarms.
    params: the line's settings (soil_permittivity, amplitude, noise_std, ...).
    """
    objects: list[dict[str, Any]] = field(default_factory=list)
    mine_positions: np.ndarray = field(default_factory=lambda: np.zeros(0))
    clutter_positions: np.ndarray = field(default_factory=lambda: np.zeros(0))
    empty_intervals: list[tuple[float, float]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


def _fresnel(n1: float, n2: float) -> float:
    return (n1 - n2) / (n1 + n2)


def _kinds(n: int, rng: np.random.Generator) -> list[int]:
    """Kinds for n slots: about 45% mines, 20% stones, one root, the rest metal fragments;
    at least one of each when n >= 4."""
    if n <= 0:
        return []
    base = [0, 2, 1, 3][:n]
    rest = n - len(base)
    n_mine = max(0, round(0.45 * n) - 1)
    n_stone = max(0, round(0.2 * n) - 1)
    extra = [0] * min(rest, n_mine)
    extra += [1] * min(rest - len(extra), n_stone)
    extra += [2] * (rest - len(extra))
    kinds = base + extra
    rng.shuffle(kinds)
    return kinds


def rough_minefield(seed: int, soil_permittivity: float = 6.0, surface_rms_m: float = 0.01,
                    permittivity_std: float = 0.1, antenna_height_m: float = 0.03,
                    length_m: float = 10.0, *, surface_correlation_m: float = 0.1,
                    permittivity_correlation_m: float = 0.3, amplitude: float = 0.5,
                    noise_std: float = 0.02, scatterer_density_per_m2: float = 30.0,
                    scatterer_amplitude: float = 0.02, metal_pin_probability: float = 0.5,
                    empty_length_m: float = 2.0, n_samples: int = 288,
                    centre_frequency_mhz: float = 1500.0, **options: Any) -> Scene:
    """A demining line at 1.5 GHz over rough, heterogeneous soil, with known truth.

    The line: dx 0.01 m, dt 0.025 ns, t0 -1 ns, n_samples 288 (6.2 ns after time-zero),
    antenna offset 0.05 m at antenna_height_m (wandering +-3 mm over 1.7 m), direct wave 1.5,
    ground bounce 1.0 (the air-ground reflection of the mean soil, positive), antenna ringing
    0.1 (period 1/f, decay 1.5 ns), wow 0.05, white noise noise_std; the soil
    (soil_permittivity mean) has a rough surface (surface_rms_m, surface_correlation_m),
    lateral permittivity fluctuations (permittivity_std, permittivity_correlation_m) and weak
    scatterers (scatterer_density_per_m2, amplitudes of std scatterer_amplitude, 2-40 cm deep).

    Objects (drawn from numpy's default_rng(seed)): the line minus 0.3 m at each end is cut
    into one empty stretch of >= empty_length_m (the slack goes there) and 0.8 m slots, one
    object per slot at the slot centre +- 0.1 m (so objects are >= 0.6 m apart and their
    extents keep >= 0.3 m off the empty stretch). Kinds: about 45% mines, 20% stones, one root,
    the rest metal fragments (at least one of each from 4 slots on):

    - mine (kind 0): plastic, eps 2.5-3.5, width 0.06-0.30 m, height 0.04-0.08 m, top
      0.03-0.15 m deep; with probability metal_pin_probability a metal pin (a metal point of
      strength 0.1 amplitude, ringing 0.3, decay 0.5 ns) 1 cm under the top centre;
    - stone (kind 1): eps soil + 7-12, width 0.03-0.12 m, height 0.5-1 x width, 0.03-0.20 m deep;
    - metal fragment (kind 2): metal, a point or 1-3 cm wide, 0.01-0.10 m deep, ringing 0.5,
      decay 0.5-1.5 ns;
    - root (kind 3): a layer streak 0.15-0.30 m long, 0.03-0.12 m deep, dip +-15 deg, amplitude
      0.5 amplitude R(soil, eps 15-25) / R_g (a thin wet root reflects like half a wet plane).

    Every object has the same strength scale `amplitude`: the Fresnel coefficients make a
    metal fragment (R = -1) about 5-10 x a plastic mine and of the opposite sign. With the
    defaults a shallow plastic mine's apex after mean background removal is a few to ~20 x the
    noise std (see docs/simulate.md).

    options: any further gprkit.simulate option overrides the line's settings.
    """
    rng = np.random.default_rng(int(seed))
    eps_s = float(soil_permittivity)
    if not (math.isfinite(eps_s) and eps_s > 1.0):
        raise ValueError(f"rough_minefield: soil_permittivity = {soil_permittivity!r}; expected > 1")
    length = float(length_m)
    slot, jitter, margin, gap = 0.8, 0.1, 0.3, 0.15
    room = length - 2 * margin - 2 * gap - float(empty_length_m)
    if not room >= 0:
        raise ValueError(f"rough_minefield: length_m = {length_m!r}; expected >= empty_length_m + 0.9")
    n_slots = int(room // slot)
    empty_len = float(empty_length_m) + (room - n_slots * slot)
    k_left = int(rng.integers(0, n_slots + 1))
    e0 = margin + k_left * slot + gap
    e1 = e0 + empty_len
    slot_starts = [margin + k * slot for k in range(k_left)]
    slot_starts += [e1 + gap + k * slot for k in range(n_slots - k_left)]
    kinds = _kinds(n_slots, rng)

    n_s = math.sqrt(eps_s)
    rg = _fresnel(1.0, n_s)
    a = float(amplitude)
    diffractors: list[dict[str, Any]] = []
    layers: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for start, kind in zip(slot_starts, kinds):
        x = start + slot / 2 + rng.uniform(-jitter, jitter)
        obj: dict[str, Any] = dict(kind=kind, kind_name=KINDS[kind], x_m=x, metal=False,
                                   metal_pin=False, permittivity=0.0, height_m=0.0, truth_index=[])
        if kind == 0:
            w, hgt = rng.uniform(0.06, 0.30), rng.uniform(0.04, 0.08)
            obj.update(depth_m=rng.uniform(0.03, 0.15), width_m=w, height_m=hgt,
                       permittivity=rng.uniform(2.5, 3.5))
            obj["truth_index"].append(len(diffractors))
            diffractors.append(dict(x_m=x, depth_m=obj["depth_m"], amplitude=a, kind=0,
                                    permittivity=obj["permittivity"], width_m=w, height_m=hgt))
            if rng.uniform() < metal_pin_probability:
                obj["metal_pin"] = True
                obj["truth_index"].append(len(diffractors))
                diffractors.append(dict(x_m=x, depth_m=obj["depth_m"] + 0.01, amplitude=0.1 * a,
                                        kind=0, metal=True, metal_ringing=0.3,
                                        metal_ringing_decay_ns=0.5))
        elif kind == 1:
            w = rng.uniform(0.03, 0.12)
            obj.update(depth_m=rng.uniform(0.03, 0.20), width_m=w, height_m=w * rng.uniform(0.5, 1.0),
                       permittivity=eps_s + rng.uniform(7.0, 12.0))
            obj["truth_index"].append(len(diffractors))
            diffractors.append(dict(x_m=x, depth_m=obj["depth_m"], amplitude=a, kind=1,
                                    permittivity=obj["permittivity"], width_m=w,
                                    height_m=obj["height_m"]))
        elif kind == 2:
            w = 0.0 if rng.uniform() < 0.5 else rng.uniform(0.01, 0.03)
            obj.update(depth_m=rng.uniform(0.01, 0.10), width_m=w, metal=True)
            obj["truth_index"].append(len(diffractors))
            diffractors.append(dict(x_m=x, depth_m=obj["depth_m"], amplitude=a, kind=2, metal=True,
                                    width_m=w, metal_ringing=0.5,
                                    metal_ringing_decay_ns=rng.uniform(0.5, 1.5)))
        else:
            w = rng.uniform(0.15, 0.30)
            eps_root = rng.uniform(15.0, 25.0)
            obj.update(depth_m=rng.uniform(0.03, 0.12), width_m=w, permittivity=eps_root)
            x0 = x - w / 2
            layers.append(dict(depth_m=obj["depth_m"], dip_deg=rng.uniform(-15.0, 15.0), x0_m=x0,
                               amplitude=0.5 * a * _fresnel(n_s, math.sqrt(eps_root)) / rg * _GROUND_SIGN,
                               x_min_m=x0, x_max_m=x0 + w))
        obj["extent_m"] = (x - obj["width_m"] / 2, x + obj["width_m"] / 2)
        objects.append(obj)

    line = dict(n_samples=n_samples, n_traces=int(round(length / 0.01)) + 1, dt_ns=0.025,
                t0_ns=-1.0, dx_m=0.01, x0_m=0.0, velocity_m_per_ns=_C / n_s, antenna_offset_m=0.05,
                antenna_height_m=antenna_height_m, height_variation_m=min(0.003, antenna_height_m),
                height_variation_period_m=1.7, centre_frequency_mhz=centre_frequency_mhz,
                direct_wave_amplitude=1.5, ground_bounce_amplitude=_GROUND_SIGN * 1.0, ringing_amplitude=0.1,
                ringing_decay_ns=1.5, wow_amplitude=0.05, noise_std=noise_std,
                seed=int(rng.integers(1, 2**62)), surface_rms_m=surface_rms_m,
                surface_correlation_m=surface_correlation_m, permittivity_std=permittivity_std,
                permittivity_correlation_m=permittivity_correlation_m,
                scatterer_density_per_m2=scatterer_density_per_m2,
                scatterer_amplitude=scatterer_amplitude, scatterer_max_depth_m=0.4)
    line.update(options)
    sim = simulate(diffractors=diffractors, layers=layers, **line)
    mines = np.array([o["x_m"] for o in objects if o["kind"] == 0])
    clutter = np.array([o["x_m"] for o in objects if o["kind"] != 0])
    params = dict(line, soil_permittivity=eps_s, amplitude=a, seed_scene=int(seed))
    return Scene(sim.bscan, sim.truth, sim.ground_time_ns, sim.scatterers, sim.surface_elevation_m,
                 sim.soil_permittivity, objects, mines, clutter, [(e0, e1)], params)


def mine_snr(scene: Scene) -> list[dict[str, Any]]:
    """Per mine: the least-squares amplitude of the wavelet at its apex (trace above its
    centre, apex time from the truth) after mean background removal (its sign is the polarity
    relative to the positive ground bounce), that amplitude over noise_std (snr) and over the
    rms of the same fit at the same time across the empty stretch (scr: noise plus the
    roughness and scatterer clutter a detector must also beat)."""
    from .simulate import ricker

    d = scene.bscan.data.astype(np.float64)
    bg = d - d.mean(axis=1, keepdims=True)
    h = scene.bscan.header
    t = h["t0_ns"] + h["dt_ns"] * np.arange(d.shape[0])
    f = scene.params["centre_frequency_mhz"]
    out = []
    for o in scene.objects:
        if o["kind"] != 0:
            continue
        j = int(round((o["x_m"] - scene.params["x0_m"]) / scene.params["dx_m"]))
        ta = scene.truth[o["truth_index"][0]]["apex_time_ns"]
        m = np.abs(t - ta) < 0.5
        w = ricker(t[m] - ta, f)
        amp = float(bg[m, j] @ w / (w @ w))
        # The same fit at the same time over the empty stretch: noise plus the clutter of the
        # rough, heterogeneous ground and its scatterers.
        e0, e1 = scene.empty_intervals[0]
        xs = scene.params["x0_m"] + scene.params["dx_m"] * np.arange(d.shape[1])
        empty = bg[np.ix_(m, (xs >= e0) & (xs <= e1))]
        clutter = float(np.sqrt(np.mean((w @ empty / (w @ w)) ** 2)))
        out.append(dict(x_m=o["x_m"], depth_m=o["depth_m"], width_m=o["width_m"],
                        metal_pin=o["metal_pin"], amplitude=amp,
                        snr=abs(amp) / scene.params["noise_std"], scr=abs(amp) / clutter))
    return out


def summary(n_seeds: int = 20) -> None:
    """Prints the generator's timing and mine SNR statistics over seeds 0..n_seeds-1:
    ``python3 -c "from gprkit import scenes; scenes.summary()"``."""
    import time

    n = int(n_seeds)
    rows, secs = [], []
    for seed in range(n):
        t = time.perf_counter()
        sc = rough_minefield(seed)
        secs.append(time.perf_counter() - t)
        rows += mine_snr(sc)
    depth = np.array([r["depth_m"] for r in rows])
    snr = np.array([r["snr"] for r in rows])
    scr = np.array([r["scr"] for r in rows])
    neg = np.mean([r["amplitude"] < 0 for r in rows])
    print(f"rough_minefield: {n} lines of 10 m ({sc.bscan.data.shape[0]} x {sc.bscan.data.shape[1]}), "
          f"median {np.median(secs):.2f} s per line")
    print(f"{len(rows)} mines, {100 * neg:.0f}% reflect opposite to the ground bounce")
    for lo, hi in [(0.03, 0.08), (0.08, 0.15)]:
        s = snr[(depth >= lo) & (depth < hi)]
        print(f"depth {lo:.2f}-{hi:.2f} m: apex amplitude / noise std after mean background removal: "
              f"median {np.median(s):.1f}, 10th percentile {np.percentile(s, 10):.1f}, min {s.min():.1f}")
        s = scr[(depth >= lo) & (depth < hi)]
        print(f"depth {lo:.2f}-{hi:.2f} m: ... over the empty stretch's fit rms (noise + ground clutter): "
              f"median {np.median(s):.1f}, 10th percentile {np.percentile(s, 10):.1f}, min {s.min():.1f}")


@dataclass
class Survey:
    """Parallel lines over buried objects (see :func:`survey_grid`).

    lines: one Bscan per line, line i at y = y0_m + i * line_spacing_m, each as recorded (the
        odd lines run backwards when ``reverse_every_other``: trace 0 at the far end, while
        the trace spacing, like a distance counter's, still counts up); objects: dicts x_m, y_m, depth_m, amplitude; line_spacing_m, y0_m,
        velocity_m_per_ns, reverse_every_other.
    """
    lines: list[Any]
    objects: list[dict[str, Any]]
    line_spacing_m: float
    y0_m: float
    velocity_m_per_ns: float
    reverse_every_other: bool


def survey_grid(objects: Any, *, n_lines: int = 21, line_spacing_m: float = 0.05, y0_m: float = 0.0,
                n_traces: int = 101, dx_m: float = 0.02, x0_m: float = 0.0, n_samples: int = 256,
                dt_ns: float = 0.05, velocity_m_per_ns: float = 0.1, centre_frequency_mhz: float = 1000.0,
                reverse_every_other: bool = False, noise_std: float = 0.0, seed: int = 1) -> Survey:
    """Lines along x over point objects ``objects`` = [(x_m, y_m, depth_m[, amplitude]), ...]
    in a homogeneous ground (ground-coupled antenna, no offset).

    In a homogeneous medium the echo of a point at (x_o, y_o, d) on a line at y is the 2-D
    diffraction of a point at depth sqrt(d^2 + (y - y_o)^2) below that line, so each line is
    :func:`gprkit.simulate` with those slant depths (1/r spreading included): the 3-D
    hyperboloids are exact, not approximated.
    """
    objs = []
    for o in objects:
        t = tuple(float(v) for v in o)
        if len(t) not in (3, 4):
            raise ValueError(f"survey_grid: object {o!r}; expected (x_m, y_m, depth_m[, amplitude])")
        objs.append({"x_m": t[0], "y_m": t[1], "depth_m": t[2], "amplitude": t[3] if len(t) == 4 else 1.0})
    lines = []
    for i in range(int(n_lines)):
        y = y0_m + i * line_spacing_m
        diff = [(o["x_m"], math.hypot(o["depth_m"], y - o["y_m"]), o["amplitude"]) for o in objs]
        b = simulate(diffractors=diff, n_samples=n_samples, n_traces=n_traces, dt_ns=dt_ns, dx_m=dx_m,
                     x0_m=x0_m, velocity_m_per_ns=velocity_m_per_ns,
                     centre_frequency_mhz=centre_frequency_mhz, direct_wave_amplitude=0.0,
                     ground_bounce_amplitude=0.0, wow_amplitude=0.0, noise_std=noise_std,
                     seed=seed + i).bscan
        if reverse_every_other and i % 2 == 1:
            # Recorded from the far end: the distance counter still runs x0, x0 + dx, ...
            # along the recording direction, so the samples are reversed and x_m is not.
            b = b.with_data(np.asfortranarray(b.data[:, ::-1]))
        lines.append(b)
    return Survey(lines, objs, float(line_spacing_m), float(y0_m), float(velocity_m_per_ns),
                  bool(reverse_every_other))
