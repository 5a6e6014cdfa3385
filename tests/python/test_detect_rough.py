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


def test_every_mine_found_within_10_cm(rough_results):
    for scene, dets in rough_results:
        for x in scene.mine_positions:
            assert any(abs(d.x_m - x) <= 0.10 for d in dets), f"{scene.params['seed_scene']}: mine at {x:.2f} m missed"


def test_at_most_one_false_alarm_per_10_m_of_empty_ground(rough_results):
    alarms = metres = 0.0
    for scene, dets in rough_results:
        for a, b in scene.empty_intervals:
            metres += b - a
            alarms += sum(1 for d in dets if a <= d.x_m <= b)
    assert metres > 5
    assert alarms <= metres / 10.0, f"{alarms:g} false alarms on {metres:.1f} m of empty ground"


def test_mine_likeness_separates_mines_from_stones_and_metal(rough_results):
    mines, clutter = [], []
    for scene, dets in rough_results:
        ev = gprkit.evaluate(dets, _truth(scene), halo_m=0.1)
        for q, o in enumerate(scene.objects):
            k = ev.target_detected_by[q]
            if k < 0 or o["kind"] == 3:  # roots are not part of this ranking
                continue
            (mines if o["kind"] == 0 else clutter).append(dets[k].mine_likeness)
    assert len(mines) >= 8 and len(clutter) >= 6
    auc = np.mean([(m > c) + 0.5 * (m == c) for m in mines for c in clutter])
    assert auc >= 0.9, f"AUC {auc:.3f}: mines {np.round(mines, 2)}, clutter {np.round(clutter, 2)}"


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
            if name == "dev_hetero" and ev.n_clutter_detected:
                assert ev.likeness_margin > 0, f"{name}: a clutter object outranks a mine"
