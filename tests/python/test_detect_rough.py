"""Detection on rough, heterogeneous ground (simulated with gprkit.scenes and the gprMax dev
scenes): every mine found, few false alarms on empty ground, and mine_likeness ranking mines
above stones and metal fragments."""
import json

import numpy as np
import pytest

import gprkit
from gprkit.scenes import KINDS, rough_minefield

# (seed, soil eps_r, surface rms m, permittivity std, antenna height m)
LINES = [(1, 6.0, 0.010, 0.10, 0.03), (2, 12.0, 0.015, 0.15, 0.03), (3, 4.5, 0.005, 0.10, 0.05),
         (4, 9.0, 0.010, 0.20, 0.02)]


def _truth(scene):
    return [dict(x_m=o["x_m"], depth_m=o["depth_m"], kind="mine" if o["kind"] == 0 else KINDS[o["kind"]])
            for o in scene.objects]


@pytest.fixture(scope="module")
def rough_results():
    out = []
    for seed, eps, rms, std, height in LINES:
        scene = rough_minefield(seed, soil_permittivity=eps, surface_rms_m=rms, permittivity_std=std,
                                antenna_height_m=height)
        out.append((scene, gprkit.detect(scene.bscan)))
    return out


def _summary(rough_results):
    found = total = alarms = 0
    metres = 0.0
    mines, clutter = [], []
    for scene, dets in rough_results:
        for x in scene.mine_positions:
            total += 1
            found += any(abs(d.x_m - x) <= 0.10 for d in dets)
        for a, b in scene.empty_intervals:
            metres += b - a
            alarms += sum(1 for d in dets if a <= d.x_m <= b)
        ev = gprkit.evaluate(dets, _truth(scene), halo_m=0.1)
        for q, o in enumerate(scene.objects):
            k = ev.target_detected_by[q]
            if k >= 0 and o["kind"] != 3:  # roots are not part of the ranking
                (mines if o["kind"] == 0 else clutter).append(dets[k].mine_likeness)
    auc = np.mean([(m > c) + 0.5 * (m == c) for m in mines for c in clutter])
    return found / total, alarms / metres, auc, len(mines), len(clutter)


def _polarity_right(rough_results):
    """Of the objects with an alarm within 10 cm, the fraction whose strongest alarm has the
    physical polarity: -1 for a plastic mine (eps about 3, below any soil), +1 for stones,
    metal and roots."""
    right = seen = 0
    for scene, dets in rough_results:
        for o in scene.objects:
            near = [d for d in dets if abs(d.x_m - o["x_m"]) <= 0.10]
            if near:
                seen += 1
                right += max(near, key=lambda d: d.score).polarity == (-1 if o["kind"] == 0 else 1)
    return right / seen


def test_rough_minefields_at_todays_level(rough_results):
    # A regression guard at the level reached (bench/python/roc_detect.py prints the figures),
    # below the targets (every mine, <= 0.1 false alarms per m of empty ground, likeness
    # AUC >= 0.9), which the default chain does not reach yet on every line: weak wide mines
    # score below the hyperbola threshold and soil scatterers pass it (docs/detect.md).
    # Reads Pd 15/16, 0.19 false alarms per m, AUC 0.87 (13/16, 0.19 and 0.90 before the
    # reflection was read 0.7 periods clear of the ground, weak alarms kept for a strong
    # mine-like reflection and ground-polarity alarms gated at snr 4, 2026-12-07; the weak path
    # also admits a stone whose polarity is misread).
    pd, fa_per_m, auc, n_mines, n_clutter = _summary(rough_results)
    assert n_mines >= 8 and n_clutter >= 6
    assert pd >= 0.875, f"Pd {pd:.2f}"
    assert fa_per_m <= 0.25, f"{fa_per_m:.2f} false alarms per m of empty ground"
    assert auc >= 0.85, f"likeness AUC {auc:.3f}"


def test_rough_minefields_polarity_at_todays_level(rough_results):
    # 21 of 27 objects on these lines (19 of 23 before 2026-12-07's changes, 16 of 22 before
    # the reach of 1 period, 15 with the former 2.5-period reach before the alarm); a coin
    # would give half.
    assert _polarity_right(rough_results) >= 0.75


def test_weak_alarms_kept_only_for_a_strong_mine_like_reflection(rough_results):
    # DetectOptions::weak_threshold / weak_min_snr: below the threshold (0.5) an alarm is kept
    # only down to 0.35 and only where its reflection has a plastic mine's polarity and stands
    # 5 x above the noise; on these lines that way in finds a mine the threshold alone misses.
    gained = 0
    for scene, dets in rough_results:
        weak = [d for d in dets if d.score <= 0.5]
        assert all(d.score > 0.35 and d.snr >= 5 and d.polarity == -1 for d in weak), weak
        plain = gprkit.detect(scene.bscan, weak_min_snr=0)
        assert all(d.score > 0.5 for d in plain)
        for x in scene.mine_positions:
            gained += (any(abs(d.x_m - x) <= 0.1 for d in dets)
                       and not any(abs(d.x_m - x) <= 0.1 for d in plain))
    assert gained >= 1


def test_ground_polarity_alarms_need_a_stronger_reflection(rough_results):
    # DetectOptions::min_snr_ground_polarity: an alarm reflecting with the ground's sign
    # (stones, metal, texture; never a plastic mine) needs snr 4, the others 2.5.
    dropped = 0
    for scene, dets in rough_results:
        assert all(d.snr >= 4 for d in dets if d.polarity == 1)
        assert all(d.snr >= 2.5 for d in dets)
        loose = gprkit.detect(scene.bscan, min_snr_ground_polarity=0)
        dropped += sum(1 for d in loose if d.polarity == 1 and d.snr < 4)
        assert len(loose) - len(dets) == sum(1 for d in loose if d.polarity == 1 and d.snr < 4)
    assert dropped >= 1


@pytest.mark.parametrize("eps", [4.0, 9.0, 25.0])
def test_polarity_of_low_and_high_permittivity_inclusions(eps):
    sim = gprkit.simulate([dict(x_m=0.8, depth_m=0.06, permittivity=2.8, amplitude=0.5),
                           dict(x_m=1.8, depth_m=0.08, permittivity=eps * 2.5, amplitude=0.5)],
                          n_samples=256, n_traces=260, dt_ns=0.025, dx_m=0.01, t0_ns=-1.0,
                          velocity_m_per_ns=0.2998 / np.sqrt(eps), antenna_height_m=0.03, antenna_offset_m=0.04,
                          centre_frequency_mhz=1500, direct_wave_amplitude=1.0, ground_bounce_amplitude=-0.6,
                          noise_std=0.005)
    dets = gprkit.detect(sim.bscan)
    low = max((d for d in dets if abs(d.x_m - 0.8) < 0.1), key=lambda d: d.score)
    high = max((d for d in dets if abs(d.x_m - 1.8) < 0.1), key=lambda d: d.score)
    assert [t["polarity"] for t in sim.truth] == [-1, 1]
    assert (low.polarity, high.polarity) == (-1, 1)
    assert low.material == "low_permittivity" and high.material in ("high_permittivity", "metal")


def test_gprmax_dev_scenes(gprmax_scene):
    from conftest import gprmax_to_bscan

    for name in ("dev_mines", "dev_hetero"):
        data, meta = gprmax_scene(name)
        raw = gprkit.Bscan(np.asfortranarray(data.astype(np.float32)), dt_ns=meta["dt_s"] * 1e9,
                           dx_m=meta["trace_spacing_m"], x_m=meta["first_trace_x_m"]
                           + meta["trace_spacing_m"] * np.arange(data.shape[1]))
        for b in (gprmax_to_bscan(data, meta), raw):
            dets = gprkit.detect(b)
            ev = gprkit.evaluate(dets, meta["targets"], halo_m=0.1)
            assert ev.pd == 1.0, f"{name}: missed {[meta['targets'][q]['label'] for q in ev.missed]}"
            # The mine without metal reflects as plastic does (opposite to the ground), on
            # dev_hetero under the rough ground's residue too, and ranks above the clutter; the
            # mine with a firing pin does not: in these 2-D scenes the pin is an infinite wire
            # and outshines the casing (docs/detect.md), so its likeness is not asserted.
            labels = [t["label"] for t in meta["targets"]]
            clutter = [max((d for d in dets if abs(d.x_m - t["x_center_m"]) <= 0.1), key=lambda d: d.score)
                       for t in meta["targets"] if t["kind"] == "clutter"
                       and any(abs(d.x_m - t["x_center_m"]) <= 0.1 for d in dets)]
            assert clutter, f"{name}: no clutter object detected"
            for q, label in enumerate(labels):
                if "no_pin" in label or "no_metal" in label:
                    d = dets[ev.target_detected_by[q]]
                    assert d.polarity == -1 and d.material == "low_permittivity", (name, label, d)
                    assert d.double_reflection and d.double_reflection_delay_ns <= 1.0, (name, label, d)
                    assert d.mine_likeness > max(c.mine_likeness for c in clutter), (name, label, d, clutter)
