"""gprkit.score / cfar / detect / evaluate against simulated truth and hand-made cases."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gprkit

MINES = [(0.6, 0.14, 0.17), (2.4, 0.13, 0.21), (4.25, 0.095, 0.2), (5.15, 0.066, 0.22),
         (6.9, 0.054, 0.19), (8.7, 0.15, 0.29), (9.5, 0.03, 0.2)]


def minefield(seed: int = 1, noise: float = 0.03) -> gprkit.Simulation:
    """10 m line: 7 weak shallow mines (kind 0, 3-15 cm), two metal fragments (kind 1), a rock
    (kind 2), a dipping root streak, a wandering ground bounce, a direct wave and noise."""
    diffs = [dict(x_m=x, depth_m=z, amplitude=a, kind=0) for x, z, a in MINES]
    diffs += [dict(x_m=1.6, depth_m=0.045, amplitude=1.5, kind=1), dict(x_m=7.85, depth_m=0.042, amplitude=1.5, kind=1),
              dict(x_m=3.3, depth_m=0.1, amplitude=0.6, kind=2)]
    root = dict(depth_m=0.08, dip_deg=20, x0_m=6.0, amplitude=0.4, x_min_m=5.8, x_max_m=6.2)
    return gprkit.simulate(diffs, [root], n_samples=512, n_traces=1000, dt_ns=0.025, dx_m=0.01,
                           velocity_m_per_ns=0.1, antenna_height_m=0.05, height_variation_m=0.01,
                           height_variation_period_m=1.7, centre_frequency_mhz=1000,
                           ground_bounce_amplitude=1.0, direct_wave_amplitude=0.5, antenna_offset_m=0.05,
                           noise_std=noise, seed=seed)


def chain_available() -> bool:
    return hasattr(gprkit._core, "dewow") and hasattr(gprkit._core, "remove_background")


# --------------------------------------------------------------------------------------
def test_scores_rank_targets_above_clutter_free_background():
    sim = gprkit.simulate([dict(x_m=x, depth_m=z, amplitude=0.3) for x, z in [(0.6, 0.05), (1.5, 0.1), (2.4, 0.15)]],
                          n_samples=256, n_traces=300, dt_ns=0.025, dx_m=0.01, centre_frequency_mhz=1000,
                          noise_std=0.02, seed=4)
    x = sim.bscan.x_m()
    far = np.all([np.abs(x - t["x_m"]) > 0.4 for t in sim.truth], axis=0)
    for method in ("energy", "rx", "hyperbola"):
        s = gprkit.score(sim.bscan, method=method)
        assert isinstance(s, gprkit.Bscan) and s.shape == sim.bscan.shape
        per = gprkit.score(sim.bscan, method=method, per_trace=True)
        assert per.shape == (300,)
        np.testing.assert_array_equal(per, s.data.max(axis=0))
        background = per[far].max()
        for t in sim.truth:
            j = int(round(t["x_m"] / 0.01))
            assert per[j - 3:j + 4].max() > background, method


def test_score_rejects_bad_arguments():
    b = gprkit.Bscan(np.zeros((64, 40), np.float32), dt_ns=0.05)
    with pytest.raises(gprkit.InvalidArgument, match="method"):
        gprkit.score(b, method="bogus")
    with pytest.raises(TypeError, match="unknown options"):
        gprkit.score(b, windoww_ns=1.0)
    with pytest.raises(gprkit.InvalidArgument, match="rx_features"):
        gprkit.score(b, method="rx", rx_features=40)
    with pytest.raises(TypeError, match="dt_ns"):
        gprkit.score(np.zeros((10, 10), np.float32))


@pytest.mark.parametrize("method,model", [("ca", "exponential"), ("os", "exponential"), ("ca", "gaussian")])
def test_cfar_false_alarm_rate_on_noise(method, model):
    rng = np.random.default_rng(3)
    noise = rng.exponential(1.0, (300, 300)) if model == "exponential" else rng.normal(1.0, 2.0, (300, 300))
    pfa = 3e-3
    thr, mask = gprkit.cfar(noise.astype(np.float32), method=method, model=model, pfa=pfa,
                            guard_traces=2, train_traces=16, return_mask=True)
    assert thr.shape == noise.shape
    rate = mask.mean()
    assert pfa / 2 < rate < pfa * 2


def test_cfar_factor_and_errors():
    assert gprkit._core.cfar_ca_factor(1e-3, 1) == pytest.approx(999.0)
    with pytest.raises(gprkit.InvalidArgument, match="pfa"):
        gprkit.cfar(np.ones((10, 10), np.float32), pfa=0.7)
    with pytest.raises(gprkit.InvalidArgument, match="method"):
        gprkit.cfar(np.ones((10, 10), np.float32), method="xx")


# --------------------------------------------------------------------------------------
def test_evaluate_hand_made_cases():
    truth = [dict(x_m=1.0, depth_m=0.1, kind="mine"), dict(x_m=2.0, depth_m=0.1, kind="mine"),
             dict(x_m=3.0, depth_m=0.1, kind="mine"), dict(x_m=4.0, depth_m=0.1, kind="clutter")]
    dets = [dict(x_m=1.05, score=0.9), dict(x_m=2.5, score=0.8), dict(x_m=2.02, score=0.7),
            dict(x_m=1.0, score=0.6), dict(x_m=4.0, score=0.95)]
    ev = gprkit.evaluate(dets, truth, halo_m=0.1, line_length_m=10.0, froc_max_rate=0.2)
    assert ev.pd == pytest.approx(2 / 3) and ev["pd"] == ev.pd
    assert ev.false_alarms == 2
    assert ev.false_alarm_rate == pytest.approx(0.2)
    assert ev.missed == [2]
    np.testing.assert_allclose(ev.curve_pd, [0, 0, 1 / 3, 1 / 3, 2 / 3])
    np.testing.assert_allclose(ev.curve_false_alarms, [0, 1, 1, 2, 2])
    assert ev.auc == pytest.approx(1 / 6)  # 1 of 6 (target, false alarm) pairs ranked right
    assert ev.froc_auc == pytest.approx(1 / 6)
    # per m^2 with a swath
    assert gprkit.evaluate(dets, truth, line_length_m=10.0, swath_m=0.5).false_alarm_rate == pytest.approx(0.4)
    # a tie between a target and a false alarm counts half; the halo is inclusive
    ev = gprkit.evaluate([dict(x_m=1.1, score=0.5), dict(x_m=5.0, score=0.5)], [dict(x_m=1.0, depth_m=0.1)])
    assert ev.pd == 1.0 and ev.false_alarms == 1 and ev.auc == pytest.approx(0.5)
    # gprMax meta.json style targets, simulator kinds, and the caller's target kinds
    meta = [dict(kind="mine", x_center_m=0.4, top_depth_m=0.04), dict(kind="clutter", x_center_m=0.74, top_depth_m=0.03)]
    ev = gprkit.evaluate([dict(x_m=0.74, score=1.0)], meta)
    assert ev.n_targets == 1 and ev.pd == 0.0 and ev.false_alarms == 1
    ev = gprkit.evaluate([dict(x_m=0.74, score=1.0)], meta, target_kinds=("mine", "clutter"))
    assert ev.n_targets == 2 and ev.false_alarms == 0
    sim_truth = [dict(x_m=1.0, depth_m=0.1, kind=0), dict(x_m=2.0, depth_m=0.1, kind=1)]
    assert gprkit.evaluate([], sim_truth).n_targets == 1
    with pytest.raises(gprkit.InvalidArgument, match="halo_m"):
        gprkit.evaluate([], sim_truth, halo_m=0)
    with pytest.raises(gprkit.InvalidArgument, match="x_m"):
        gprkit.evaluate([dict(score=1.0)], sim_truth)


def test_find_detections_and_detection_access():
    s = np.zeros((100, 100), np.float32)
    s[40, 20], s[60, 25], s[50, 60] = 5, 3, 4
    b = gprkit.Bscan(s, dt_ns=0.1, dx_m=0.01)
    dets = gprkit.find_detections(b, threshold=1.0, radius_m=0.1, velocity_m_per_ns=0.1)
    assert [(d.trace, d.sample) for d in dets] == [(20, 40), (60, 50)]
    d = dets[0]
    assert d["x_m"] == pytest.approx(0.2) and d.t_ns == pytest.approx(4.0) and d["depth_m"] == pytest.approx(0.2)
    assert {"x_m", "depth_m", "t_ns", "trace", "sample", "score", "polarity", "material", "mine_likeness"} <= set(d.keys())
    with pytest.raises(KeyError):
        d["nope"]


def test_detect_with_custom_pipeline_on_clutter_free_line():
    sim = gprkit.simulate([dict(x_m=x, depth_m=0.08, amplitude=0.3) for x in (0.5, 1.5, 2.5)],
                          n_samples=256, n_traces=300, dt_ns=0.025, dx_m=0.01, centre_frequency_mhz=1000,
                          noise_std=0.02, seed=2)
    dets, s = gprkit.detect(sim.bscan, pipeline=lambda b: b, return_score=True)
    assert isinstance(s, gprkit.Bscan)
    ev = gprkit.evaluate(dets, sim.truth, halo_m=0.1, line_length_m=3.0)
    assert ev.pd == 1.0 and ev.false_alarms == 0
    for d in dets:  # depth from time, within 3 cm of the truth
        assert min(abs(d.depth_m - 0.08) for _ in [0]) < 0.03
    with pytest.raises(TypeError, match="unknown options"):
        gprkit.detect(sim.bscan, pipeline={"bogus": 1})


# --------------------------------------------------------------------------------------
@pytest.mark.skipif(not chain_available(), reason="this build lacks the filters or clutter folder")
@pytest.mark.parametrize("seed", [1, 2])
def test_default_detect_finds_every_mine(seed):
    sim = minefield(seed)
    dets = gprkit.detect(sim.bscan)
    ev = gprkit.evaluate(dets, sim.truth, halo_m=0.1, line_length_m=10.0)
    assert ev.n_targets == len(MINES)
    assert ev.pd == 1.0, ev.missed
    # At most 5 false alarms per 10 m: the 3 strong clutter diffractors may alarm, the root,
    # ground bounce and noise should not (much).
    assert ev.false_alarms <= 5
    # The ROC area over alarms depends on how many weak alarms there are (they count as
    # negatives ranked below the mines); the FROC area up to 1 false alarm/m does not.
    assert ev.froc_auc > 0.8


@pytest.mark.skipif(not chain_available(), reason="this build lacks the filters or clutter folder")
@pytest.mark.parametrize("name", ["dev_mines", "dev_point"])
def test_default_detect_on_gprmax_scenes(gprmax_bscan, name):
    b, meta = gprmax_bscan(name)
    dets = gprkit.detect(b)
    ev = gprkit.evaluate(dets, meta["targets"], halo_m=0.1)
    assert ev.pd == 1.0, f"missed {[meta['targets'][q]['label'] for q in ev.missed]}"
    if name == "dev_point":  # no mine; the metal cylinder is the strongest alarm
        assert ev.n_targets == 0
        assert abs(dets[0].x_m - meta["targets"][0]["x_center_m"]) <= 0.1


def test_plot_helper_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    from gprkit.detect_plot import plot_detections

    sim = gprkit.simulate([dict(x_m=0.5, depth_m=0.08, amplitude=0.3)], n_samples=128, n_traces=100,
                          dt_ns=0.025, dx_m=0.01, centre_frequency_mhz=1000, noise_std=0.02)
    dets, s = gprkit.detect(sim.bscan, pipeline=lambda b: b, return_score=True)
    ev = gprkit.evaluate(dets, sim.truth)
    path = tmp_path / "det.png"
    fig = plot_detections(s, sim.truth, dets, ev, path=str(path))
    assert path.stat().st_size > 1000
    assert len(fig.axes) == 2
