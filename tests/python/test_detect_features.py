"""Discrimination features of alarms: polarity against the air-ground reflection, material,
double reflection, mine likeness, and the likeness ROC of evaluate()."""
import math

import numpy as np
import pytest

import gprkit


def line(diffractors, **kw):
    """The antenna 3 cm above ground at 1 GHz with the physical signs: direct wave +1, the
    air-ground reflection -0.5 (air to soil: a negative Fresnel coefficient)."""
    o = dict(n_samples=256, n_traces=300, dt_ns=0.025, dx_m=0.01, velocity_m_per_ns=0.1, antenna_height_m=0.03,
             antenna_offset_m=0.04, centre_frequency_mhz=1000, direct_wave_amplitude=1.0,
             ground_bounce_amplitude=-0.5, noise_std=0.01)
    o.update(kw)
    return gprkit.simulate(diffractors, **o)


def near(dets, x):
    c = [d for d in dets if abs(d.x_m - x) < 0.1]
    return max(c, key=lambda d: d.score) if c else None


@pytest.mark.parametrize("ground", [-0.5, 0.5])
def test_polarity_follows_the_sign_relative_to_the_ground(ground):
    # +0.3 against a -0.5 ground is opposite (low permittivity); flipping the ground's sign
    # alone does not change what the direct wave says, so the reference is the ground's sign.
    sim = line([dict(x_m=0.8, depth_m=0.06, amplitude=-0.5 * ground), dict(x_m=1.8, depth_m=0.1, amplitude=0.5 * ground)],
               ground_bounce_amplitude=ground, direct_wave_amplitude=0.0 if ground > 0 else 1.0)
    dets = gprkit.detect(sim.bscan)
    low, high = near(dets, 0.8), near(dets, 1.8)
    assert low is not None and high is not None
    assert (low.polarity, low.material) == (-1, "low_permittivity")
    assert (high.polarity, high.material) == (1, "high_permittivity")
    assert low.mine_likeness > 0.8 > 0.2 > high.mine_likeness
    assert low.depth_m == pytest.approx(0.06, abs=0.015) and high.depth_m == pytest.approx(0.10, abs=0.015)


def test_double_reflection_and_min_mine_likeness():
    sim = line([dict(x_m=1.0, depth_m=0.06, amplitude=0.3), dict(x_m=1.0, depth_m=0.10, amplitude=-0.3),
                dict(x_m=2.2, depth_m=0.06, amplitude=-0.3)])
    dets = gprkit.detect(sim.bscan)
    pair, stone = near(dets, 1.0), near(dets, 2.2)
    assert pair.double_reflection and pair.double_reflection_delay_ns == pytest.approx(0.8, abs=0.1)
    assert not stone.double_reflection and stone.polarity == 1
    kept = gprkit.detect(sim.bscan, min_mine_likeness=0.5)
    assert near(kept, 1.0) is not None and near(kept, 2.2) is None
    assert all(d.mine_likeness >= 0.5 for d in kept)
    off = gprkit.detect(sim.bscan, features=False)
    assert off and all(d.mine_likeness is None and d.polarity == 0 for d in off)
    with pytest.raises(gprkit.InvalidArgument, match="min_mine_likeness"):
        gprkit.detect(sim.bscan, min_mine_likeness=2.0)


def test_evaluate_likeness_roc_and_rates():
    truth = [dict(x_m=1, kind="mine"), dict(x_m=2, kind="mine"), dict(x_m=4, kind="clutter"),
             dict(x_m=5, kind="clutter")]
    dets = [dict(x_m=1, score=0.9, mine_likeness=0.9), dict(x_m=2, score=0.8, mine_likeness=0.7),
            dict(x_m=4, score=0.7, mine_likeness=0.2), dict(x_m=5, score=0.6, mine_likeness=0.6)]
    ev = gprkit.evaluate(dets, truth, line_length_m=10, swath_m=0.5)
    assert ev.likeness_auc == 1.0 and ev.likeness_margin == pytest.approx(0.1)
    assert ev.n_clutter == 2 and ev.n_clutter_detected == 2
    assert ev.false_alarms == 2 and ev.false_alarms_per_m == pytest.approx(0.2)
    assert ev.false_alarms_per_m2 == pytest.approx(0.4)
    assert list(ev.likeness_mine_rate) == [0, 0.5, 1, 1, 1]
    assert list(ev.likeness_clutter_rate) == [0, 0, 0, 0.5, 1]
    dets[3]["mine_likeness"] = 0.8  # now a clutter object outranks a mine
    ev = gprkit.evaluate(dets, truth)
    assert ev.likeness_auc == pytest.approx(0.75) and ev.likeness_margin < 0
    assert math.isnan(gprkit.evaluate([dict(x_m=1, score=1)], truth).likeness_auc)
    assert math.isnan(ev.false_alarms_per_m2)
