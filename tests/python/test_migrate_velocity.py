"""gprkit.estimate_velocity under an air gap: simulated diffractions and the gprMax dev_point scene."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gprkit

C = 0.299792458


def _scene(h, a, eps, f_mhz, depth, seed):
    v = C / math.sqrt(eps)
    sim = gprkit.simulate([dict(x_m=1.0, depth_m=depth)], n_samples=320, n_traces=200, dt_ns=0.025,
                          t0_ns=-1.0, dx_m=0.01, velocity_m_per_ns=v, antenna_height_m=h,
                          antenna_offset_m=a, centre_frequency_mhz=f_mhz, direct_wave_amplitude=2.0,
                          ground_bounce_amplitude=-1.5, noise_std=0.04, seed=seed)
    return sim, v


@pytest.mark.parametrize("h,a,eps,f_mhz", [(0.0, 0.05, 9, 1500), (0.02, 0.0, 6, 1500), (0.05, 0.05, 12, 1000)])
def test_raw_array_with_wrong_time_zero(h, a, eps, f_mhz):
    """A bare array (t0 = 0 at sample 0, 1 ns after the true time-zero), geometry as keywords."""
    sim, v = _scene(h, a, eps, f_mhz, 0.1, seed=5)
    est = gprkit.estimate_velocity(np.asarray(sim.bscan.data), dt_ns=0.025, dx_m=0.01,
                                   antenna_height_m=h, antenna_offset_m=a)
    assert abs(est["velocity_m_per_ns"] / v - 1) <= 0.10, est
    assert est["time_zero_calibrated"]
    assert abs(est["time_zero_shift_ns"] - 1.0) <= 0.05  # the fits used the true time-zero


def test_options_reach_the_core():
    sim, v = _scene(0.02, 0.04, 6, 1500, 0.1, seed=3)
    kept = gprkit.estimate_velocity(sim.bscan, calibrate_time_zero=False)
    assert not kept["time_zero_calibrated"] and kept["time_zero_shift_ns"] == 0.0
    with pytest.raises(gprkit.InvalidArgument, match="target_radius_m"):
        gprkit.estimate_velocity(sim.bscan, target_radius_m=-0.01)
    with pytest.raises(gprkit.InvalidArgument, match="target_radius_m"):
        gprkit.fit_hyperbola(sim.bscan, 100, 150, target_radius_m="big")


def test_dev_point(gprmax_bscan):
    """PEC cylinder r 8 mm (top 9.2 cm) in eps_r 9 soil (v = 0.0999 m/ns), antenna 3 cm up."""
    b, meta = gprmax_bscan("dev_point")
    v = meta["soil"]["velocity_m_per_s"] / 1e9
    est = gprkit.estimate_velocity(b)
    assert est["method"] == "semblance"
    assert abs(est["velocity_m_per_ns"] / v - 1) <= 0.10, est
    # The header's t0 (the source's Ricker peak) is near the truth: a small correction only.
    assert abs(est["time_zero_shift_ns"]) <= 0.1
    # The same from a header whose t0 is 0.5 ns off.
    hd = dict(b.header)
    hd["t0_ns"] += 0.5
    off = gprkit.estimate_velocity(gprkit.Bscan(b.data, header=hd))
    assert abs(off["velocity_m_per_ns"] / v - 1) <= 0.10, off
    # With the cylinder's radius the point-source bias (+sqrt(1 + r / z) - 1, ~4 %) shrinks.
    cyl = gprkit.estimate_velocity(b, target_radius_m=0.008)
    assert abs(cyl["velocity_m_per_ns"] / v - 1) <= 0.05, cyl
    assert cyl["velocity_m_per_ns"] < est["velocity_m_per_ns"]
