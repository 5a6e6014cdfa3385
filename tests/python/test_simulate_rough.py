"""gprkit.simulate's heterogeneous ground and physical inclusions, and gprkit.scenes."""
from __future__ import annotations

import numpy as np
import pytest

import gprkit
from gprkit import scenes
from gprkit.scenes import KINDS, rough_minefield

C = 0.299792458


def line(eps_s: float, **kw):
    opts = dict(n_samples=360, n_traces=121, dt_ns=0.025, t0_ns=-1.0, dx_m=0.01,
                velocity_m_per_ns=C / np.sqrt(eps_s), antenna_offset_m=0.05, antenna_height_m=0.05,
                centre_frequency_mhz=1500, ground_bounce_amplitude=1.0)
    opts.update(kw)
    return opts


def times(sim):
    h = sim.bscan.header
    return h["t0_ns"] + h["dt_ns"] * np.arange(sim.bscan.data.shape[0])


def fit(trace, t, centre, wavelet_t, wavelet):
    """Least-squares amplitude of `wavelet` (sampled at wavelet_t relative times) at `centre`."""
    w = np.interp(t - centre, wavelet_t, wavelet, left=0.0, right=0.0)
    return float(trace @ w / (w @ w))


def ground_wavelet(sim, j, half_ns=0.3):
    """The ground bounce cut out of (object-free) trace j of the simulation itself."""
    t = times(sim)
    tg = sim.ground_time_ns[j]
    m = np.abs(t - tg) <= half_ns
    return t[m] - tg, sim.bscan.data[m, j].astype(np.float64)


def test_new_options_at_defaults_change_nothing():
    diffs = [(0.3, 0.05, 0.3), dict(x_m=0.8, depth_m=0.1, amplitude=-0.5, kind=1)]
    kw = dict(n_samples=256, n_traces=120, dt_ns=0.025, t0_ns=-1.0, velocity_m_per_ns=0.1,
              antenna_offset_m=0.05, antenna_height_m=0.03, height_variation_m=0.01,
              direct_wave_amplitude=2.0, ground_bounce_amplitude=-1.5, noise_std=0.01, seed=4)
    a = gprkit.simulate(diffs, **kw)
    b = gprkit.simulate([dict(x_m=0.3, depth_m=0.05, amplitude=0.3, permittivity=0.0, metal=False,
                              width_m=0.0, height_m=0.0), diffs[1]],
                        surface_rms_m=0.0, permittivity_std=0.0, scatterer_density_per_m2=0.0, **kw)
    assert np.array_equal(a.bscan.data, b.bscan.data)
    assert np.array_equal(a.surface_elevation_m, np.zeros(120))
    assert np.allclose(a.soil_permittivity, (C / 0.1) ** 2)
    assert a.scatterers == []
    # Trace 0 against the formula (no noise).
    kw.update(noise_std=0.0, height_variation_m=0.0)
    s = gprkit.simulate(diffs, **kw)
    t = times(s)
    e = 2.0 * gprkit.ricker(t - 0.05 / C, 1000) - 1.5 * gprkit.ricker(t - 2 * np.hypot(0.03, 0.025) / C, 1000)
    for x, z, amp in [(0.3, 0.05, 0.3), (0.8, 0.1, -0.5)]:
        td = gprkit._core.two_way_time_ns(-0.025, 0.025, 0.03, x, z, 0.1)
        e += amp * 0.1 / np.hypot(x, z) * gprkit.ricker(t - td, 1000)
    assert np.allclose(s.bscan.data[:, 0], e, atol=2e-6)
    assert [d["polarity"] for d in s.truth] == [-1, 1]  # against a negative ground bounce


def test_surface_rms_and_correlation_length():
    sim = gprkit.simulate(n_samples=8, n_traces=30000, dx_m=0.01, antenna_height_m=1.0,
                          surface_rms_m=0.01, surface_correlation_m=0.08, seed=9)
    s = sim.surface_elevation_m - sim.surface_elevation_m.mean()
    assert s.std() == pytest.approx(0.01, rel=0.05)
    rho = lambda lag: float((s[:-lag] * s[lag:]).mean() / s.var())  # noqa: E731
    assert rho(8) == pytest.approx(np.exp(-1.0), abs=0.05)  # lag = correlation length
    assert rho(16) == pytest.approx(np.exp(-4.0), abs=0.05)


def test_ground_bounce_follows_the_local_height():
    sim = gprkit.simulate(**line(6.0, n_traces=200, antenna_height_m=0.06, surface_rms_m=0.012,
                                 surface_correlation_m=0.06, seed=2))
    h = 0.06 - sim.surface_elevation_m
    assert np.allclose(sim.ground_time_ns, 2 * np.sqrt(h**2 + 0.025**2) / C, rtol=1e-12)
    peak = times(sim)[np.argmax(sim.bscan.data, axis=0)]
    assert np.all(np.abs(peak - sim.ground_time_ns) <= 0.51 * 0.025)
    assert np.ptp(sim.surface_elevation_m) > 0.025


@pytest.mark.parametrize("eps_s", [4.0, 9.0, 25.0])
def test_low_and_high_permittivity_inclusions_have_opposite_signs(eps_s):
    sim = gprkit.simulate([dict(x_m=0.4, depth_m=0.1, amplitude=0.5, permittivity=2.5, kind=0),
                           dict(x_m=0.8, depth_m=0.1, amplitude=0.5, permittivity=2.0 * eps_s, kind=1)],
                          **line(eps_s, permittivity_std=0.05, seed=3))
    wt, w = ground_wavelet(sim, 120)  # 0.4 m beyond the nearest object
    t = times(sim)
    low = fit(sim.bscan.data[:, 40], t, sim.truth[0]["apex_time_ns"], wt, w)
    high = fit(sim.bscan.data[:, 80], t, sim.truth[1]["apex_time_ns"], wt, w)
    assert low < 0 < high
    assert [d["polarity"] for d in sim.truth] == [-1, 1]
    assert sim.truth[0]["reflection"] > 0 > sim.truth[1]["reflection"]


def test_metal_is_strong_same_sign_and_rings():
    sim = gprkit.simulate([dict(x_m=0.3, depth_m=0.08, amplitude=0.5, metal=True),
                           dict(x_m=0.9, depth_m=0.08, amplitude=0.5, permittivity=16.0)], **line(6.0))
    wt, w = ground_wavelet(sim, 120)
    t = times(sim)
    d = sim.bscan.data
    am = fit(d[:, 30], t, sim.truth[0]["apex_time_ns"], wt, w)
    ast = fit(d[:, 90], t, sim.truth[1]["apex_time_ns"], wt, w)
    assert am > 3 * ast > 0
    late = lambda j, t0: d[(t > t0 + 1.0) & (t < t0 + 2.7), j].std()  # noqa: E731  1.5-4 periods
    assert late(30, sim.truth[0]["apex_time_ns"]) > 0.05 * am
    assert late(90, sim.truth[1]["apex_time_ns"]) < 0.01 * ast


def test_thick_plastic_object_has_a_bottom_of_opposite_sign():
    eps_o, height = 3.0, 0.08
    sim = gprkit.simulate([dict(x_m=0.6, depth_m=0.06, amplitude=0.5, permittivity=eps_o, width_m=0.1,
                                height_m=height)], **line(9.0))
    wt, w = ground_wavelet(sim, 0)
    t = times(sim)
    tt = sim.truth[0]["apex_time_ns"]
    delay = 2 * height * np.sqrt(eps_o) / C
    top = fit(sim.bscan.data[:, 60], t, tt, wt, w)
    bottom = fit(sim.bscan.data[:, 60], t, tt + delay, wt, w)
    rt = (3 - np.sqrt(3)) / (3 + np.sqrt(3))
    assert top < 0 < bottom
    assert bottom / top == pytest.approx(-(1 - rt**2), rel=0.05)
    lags = tt + delay + 0.025 * np.arange(-10, 11)
    best = lags[np.argmax([fit(sim.bscan.data[:, 60], t, c, wt, w) for c in lags])]
    assert abs(best - (tt + delay)) <= 0.026


def test_thread_count_does_not_change_a_rough_scene():
    kw = line(6.0, n_samples=256, n_traces=400, surface_rms_m=0.01, permittivity_std=0.1,
              scatterer_density_per_m2=50, noise_std=0.01, seed=8)
    diffs = [dict(x_m=1.0, depth_m=0.05, amplitude=0.5, permittivity=3.0, width_m=0.2, height_m=0.06),
             dict(x_m=2.5, depth_m=0.03, amplitude=0.5, metal=True)]
    try:
        gprkit.set_num_threads(1)
        a = gprkit.simulate(diffs, **kw)
        gprkit.set_num_threads(2)
        b = gprkit.simulate(diffs, **kw)
    finally:
        gprkit.set_num_threads(0)
    assert np.array_equal(a.bscan.data, b.bscan.data)
    assert a.scatterers == b.scatterers and len(a.scatterers) > 0
    assert all(s["kind"] == -1 and 0.02 <= s["depth_m"] <= 0.4 for s in a.scatterers)


@pytest.mark.parametrize("opts,name", [
    (dict(surface_rms_m=-1.0), "surface_rms_m"),
    (dict(surface_correlation_m=0.0), "surface_correlation_m"),
    (dict(permittivity_std=float("nan")), "permittivity_std"),
    (dict(permittivity_correlation_m=-0.1), "permittivity_correlation_m"),
    (dict(scatterer_density_per_m2=-2.0), "scatterer_density_per_m2"),
    (dict(scatterer_amplitude=float("inf")), "scatterer_amplitude"),
    (dict(scatterer_density_per_m2=5.0, scatterer_max_depth_m=0.01), "scatterer_max_depth_m"),
    (dict(diffractors=[dict(x_m=0.1, depth_m=0.1, permittivity=0.5)]), "diffractor.permittivity"),
    (dict(diffractors=[dict(x_m=0.1, depth_m=0.1, width_m=-0.1)]), "diffractor.width_m"),
    (dict(diffractors=[dict(x_m=0.1, depth_m=0.1, height_m=float("nan"))]), "diffractor.height_m"),
    (dict(diffractors=[dict(x_m=0.1, depth_m=0.1, metal=True, amplitude=-1.0)]), "diffractor.amplitude"),
    (dict(permittivity_std=0.1, velocity_m_per_ns=0.31), "velocity_m_per_ns"),
])
def test_bad_options_name_the_option(opts, name):
    with pytest.raises(gprkit.InvalidArgument, match=name.replace(".", r"\.")):
        gprkit.simulate(**opts)


def test_unknown_diffractor_key_is_refused():
    with pytest.raises(ValueError, match="unknown Diffractor fields"):
        gprkit.simulate([dict(x_m=0.1, depth_m=0.1, eps=3.0)])


def test_rough_minefield_layout_and_truth():
    sc = rough_minefield(seed=5, length_m=7.0)
    assert scenes.rough_minefield is rough_minefield
    assert sc.bscan.data.shape == (288, 701)
    xs = np.array(sorted(o["x_m"] for o in sc.objects))
    assert len(xs) >= 4 and np.all(np.diff(xs) >= 0.6)
    assert {o["kind"] for o in sc.objects} == set(KINDS)
    (e0, e1), = sc.empty_intervals
    assert e1 - e0 >= 2.0
    for o in sc.objects:
        lo, hi = o["extent_m"]
        assert hi < e0 - 0.3 or lo > e1 + 0.3
        for k in o["truth_index"]:
            assert sc.truth[k]["kind"] == o["kind"]
    assert sorted(sc.mine_positions) == sorted(o["x_m"] for o in sc.objects if o["kind"] == 0)
    assert len(sc.mine_positions) + len(sc.clutter_positions) == len(sc.objects)
    assert np.std(sc.surface_elevation_m) > 0.004 and np.std(sc.soil_permittivity) > 0.1
    short = dict(length_m=7.0, n_samples=32)  # reproducible from the seed (a cheap check)
    again = rough_minefield(seed=5, **short)
    assert np.array_equal(again.bscan.data, sc.bscan.data[:32])
    assert again.objects == sc.objects
    assert not np.array_equal(rough_minefield(seed=6, **short).bscan.data, again.bscan.data)


@pytest.mark.parametrize("seed", [1, 2])
def test_rough_minefield_physics(seed):
    """Mines reflect opposite to the ground bounce, stones and metal with it; metal is the
    strongest; a shallow mine stands above the noise after mean background removal."""
    sc = rough_minefield(seed=seed, length_m=7.0)
    d = sc.bscan.data.astype(np.float64)
    bg = d - d.mean(axis=1, keepdims=True)
    t = times(sc)
    f = sc.params["centre_frequency_mhz"]
    wt = np.linspace(-0.4, 0.4, 33)
    # The ground bounce is ground_bounce_amplitude x this wavelet (negative: the physical sign
    # against the direct wave); measured relative to it, mines are < 0, stones and metal > 0.
    w = np.sign(sc.params["ground_bounce_amplitude"]) * gprkit.ricker(wt, f)
    amps = {}
    for o in sc.objects:
        if not o["truth_index"]:
            continue
        j = int(round(o["x_m"] / 0.01))
        tr = sc.truth[o["truth_index"][0]]
        amps.setdefault(o["kind"], []).append(fit(bg[:, j], t, tr["apex_time_ns"], wt, w))
        assert tr["polarity"] == (-1 if o["kind"] == 0 else 1)
    assert all(a < 0 for a in amps[0]) and all(a > 0 for a in amps[1] + amps[2])
    assert min(amps[2]) > 2 * max(abs(a) for a in amps[0])
    assert max(abs(a) for a in amps[0]) > 3 * sc.params["noise_std"]
