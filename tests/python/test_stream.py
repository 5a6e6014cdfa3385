"""gprkit.StreamProcessor: the Python contract, the delay law, blocks = single traces, and the
same traces, scores and alarms as the matching offline chain (simulated and gprMax lines)."""
from __future__ import annotations

import numpy as np
import pytest

import gprkit


def _line(n_traces=600, seed=2):
    return gprkit.simulate([dict(x_m=1.2, depth_m=0.1, amplitude=1.0), dict(x_m=3.0, depth_m=0.18, amplitude=-0.7)],
                           n_samples=256, n_traces=n_traces, dt_ns=0.04, dx_m=0.01, centre_frequency_mhz=1000,
                           noise_std=0.01, wow_amplitude=0.3, direct_wave_amplitude=1.0, seed=seed)


def _stream(sp, b, block=1):
    outs, scores = [], []
    for j in range(0, b.n_traces, block):
        out, s = sp.push(b.data[:, j:j + block] if block > 1 else b.data[:, j])
        assert out.shape == (sp.out_samples, len(s)) and s.dtype == np.float32
        outs.append(out)
        scores.append(s)
    return np.concatenate(outs, axis=1), np.concatenate(scores), sp.alarms()


def _cells(alarms, below):
    return sorted((a.trace, a.sample) for a in alarms if a.trace < below)


def _check_offline(b, pipeline=None):
    sp = gprkit.StreamProcessor.for_bscan(b, pipeline)
    out, scores, alarms = _stream(sp, b, 7)
    n_out = b.n_traces - sp.delay_traces
    assert out.shape[1] == n_out
    ob = gprkit.Bscan(b.data, header=sp.offline_header)
    dets, s = gprkit.detect(ob, pipeline=sp.offline_pipeline, return_score=True)
    pre = gprkit.preprocess_for_detection(ob, pipeline=sp.offline_pipeline)
    scale = np.abs(pre.data[:, :n_out]).max()
    np.testing.assert_allclose(out, pre.data[:, :n_out], atol=1e-5 * scale)
    np.testing.assert_allclose(scores, gprkit.trace_score(s)[:n_out], atol=1e-5)
    assert _cells(alarms, n_out) == _cells(dets, n_out)
    return sp, alarms


def test_contract_and_delay_law():
    sim = _line(300)
    sp = gprkit.StreamProcessor(256, 0.04, dx_m=0.01, centre_frequency_mhz=1000)
    assert sp.delay_traces == sum(d for _, d in sp.stage_delays) == 50 + 15 + 31
    for k in range(1, 301):
        out, s = sp.push(sim.bscan.data[:, k - 1])
        assert out.shape[1] == s.shape[0] == (1 if k > sp.delay_traces else 0)
        assert sp.traces_out == max(0, k - sp.delay_traces)
    sp.reset()
    assert sp.traces_in == 0 and sp.alarms() == []


def test_blocks_equal_single_traces_and_reset_repeats():
    sim = _line(400)
    a = gprkit.StreamProcessor.for_bscan(sim.bscan)
    one = _stream(a, sim.bscan, 1)
    b = gprkit.StreamProcessor.for_bscan(sim.bscan)
    blocks = _stream(b, sim.bscan, 50)
    np.testing.assert_array_equal(one[0], blocks[0])
    np.testing.assert_array_equal(one[1], blocks[1])
    assert _cells(one[2], 1 << 30) == _cells(blocks[2], 1 << 30)
    a.reset()
    again = _stream(a, sim.bscan, 13)
    np.testing.assert_array_equal(one[0], again[0])


def test_offline_equivalence_and_the_targets_are_found():
    sim = _line(700)
    sp, alarms = _check_offline(sim.bscan)
    for t in sim.truth:
        assert any(abs(a.x_m - t["x_m"]) < 0.1 and abs(a.depth_m - t["depth_m"]) < 0.05 for a in alarms), t
    # Another chain from JSON: moving median, exponential background, envelope, a lower threshold.
    _check_offline(sim.bscan, {"gprkit_pipeline": 1, "steps": [
        {"step": "dewow"},
        {"step": "remove_background", "options": {"method": "exponential", "window_traces": 80}},
        {"step": "remove_background", "options": {"method": "moving_median", "window_traces": 21}},
        {"step": "score", "options": {"method": "hyperbola", "aperture_m": 0.1}},
        {"step": "find_detections", "options": {"threshold": 0.4, "radius_m": 0.2}}]})


@pytest.mark.parametrize("name", ["dev_mines", "dev_point", "dev_hetero"])
def test_offline_equivalence_on_gprmax_scenes(gprmax_bscan, name):
    b, meta = gprmax_bscan(name)
    sp, alarms = _check_offline(b)
    # Alarms sit on the line's own x axis (x of the first trace + trace * dx).
    x = np.asarray(b.header["x_m"])
    for a in alarms:
        assert abs(a.x_m - x[a.trace]) < 1e-6


def test_bad_input_and_non_streamable_steps():
    sp = gprkit.StreamProcessor(256, 0.04)
    with pytest.raises(gprkit.InvalidArgument, match="trace length"):
        sp.push(np.zeros(100, np.float32))
    bad = np.zeros((256, 3), np.float32)
    bad[5, 1] = np.nan
    with pytest.raises(gprkit.InvalidArgument, match="NaN at sample 5, trace 1"):
        sp.push(bad)
    assert sp.traces_in == 0
    with pytest.raises(gprkit.InvalidArgument, match="ground_bounce|whole line"):
        gprkit.StreamProcessor(256, 0.04, pipeline=gprkit.Pipeline.landmine())
    with pytest.raises(gprkit.InvalidArgument, match="target_sample"):
        gprkit.StreamProcessor(256, 0.04, pipeline={"gprkit_pipeline": 1, "steps": [{"step": "time_zero"}]})
    with pytest.raises(gprkit.InvalidArgument):
        gprkit.StreamProcessor(256, 0.04, pipeline="{not json")
    with pytest.raises(gprkit.InvalidArgument, match="n_samples"):
        gprkit.StreamProcessor(0, 0.04)
    with pytest.raises(gprkit.InvalidArgument, match="dt_ns"):
        gprkit.StreamProcessor(256, 0.0)


def test_options_change_between_lines_and_any_instrument_runs():
    sp = gprkit.StreamProcessor(256, 0.04)
    d0 = sp.delay_traces
    sp.reset({"gprkit_pipeline": 1, "steps": [{"step": "remove_background", "options": {"method": "moving_mean", "window_traces": 11}}]})
    assert sp.delay_traces == d0 - 50 + 5
    # 100 MHz pulseEKKO-like (0.8 ns, 0.25 m) and 1.5 GHz handheld (20 ps) lines run the default chain.
    for ns, dt, dx in ((200, 0.8, 0.25), (512, 0.02, 0.005)):
        p = gprkit.StreamProcessor(ns, dt, dx_m=dx)
        t = np.sin(0.3 * np.arange(ns)).astype(np.float32)
        n = sum(p.push(t)[0].shape[1] for _ in range(300))
        assert n == max(0, 300 - p.delay_traces)
