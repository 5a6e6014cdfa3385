"""Per-trace filters against analytic references and independent (numpy/scipy) ones."""
import numpy as np
import pytest

import gprkit

DT = 0.02


def t_axis(n, dt=DT):
    return np.arange(n) * dt


def section(cols):
    return np.asfortranarray(np.stack(cols, axis=1).astype(np.float32))


def test_dewow_removes_drift_and_keeps_the_wavelet():
    t = t_axis(2048)
    drift = 0.3 + 0.05 * t + np.sin(2 * np.pi * t / 40 + 0.4)
    w = gprkit.ricker(t - 20, 1000)
    out = gprkit.dewow(section([drift, w, drift + w]), dt_ns=DT, window_ns=2.0).data
    assert np.sqrt(np.mean(out[:, 0] ** 2) / np.mean(drift ** 2)) < 0.01
    assert out[1000, 1] == pytest.approx(1.0, rel=0.01)
    assert out[1000, 2] == pytest.approx(1.0, rel=0.02)


def test_dewow_matches_an_independent_running_mean_in_the_interior():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((500, 3)).astype(np.float32)
    out = gprkit.dewow(x, dt_ns=0.1, window_ns=2.0).data  # 21-sample window
    ker = np.ones(21) / 21
    ref = x[:, 1] - np.convolve(x[:, 1].astype(np.float64), ker, mode="same")
    assert np.allclose(out[10:-10, 1], ref[10:-10], atol=1e-5)


def test_bandpass_in_band_within_0p1_db_out_of_band_below_40_db():
    dt = 0.1
    t = t_axis(1024, dt)
    mid = slice(256, 768)
    for f, inside in [(400, True), (800, True), (1400, True), (100, False), (2500, False)]:
        x = np.sin(2 * np.pi * f * 1e-3 * t + 0.3)
        y = gprkit.bandpass(section([x]), low_mhz=300, high_mhz=1500, dt_ns=dt).data[:, 0]
        db = 20 * np.log10(np.sqrt(np.mean(y[mid] ** 2) / np.mean(x[mid] ** 2)))
        if inside:
            assert abs(db) < 0.1, (f, db)
        else:
            assert db < -40, (f, db)


def test_bandpass_butterworth_agrees_with_scipy_sosfiltfilt_magnitude():
    scipy_signal = pytest.importorskip("scipy.signal")
    dt = 0.1
    t = t_axis(2048, dt)
    for f in (200.0, 300.0, 700.0, 1500.0, 2200.0):
        x = np.sin(2 * np.pi * f * 1e-3 * t)
        ours = gprkit.bandpass(section([x]), low_mhz=300, high_mhz=1500, shape="butterworth", order=4,
                               dt_ns=dt).data[:, 0]
        # filtfilt squares an order-2 Butterworth magnitude: the same |H| as our order 4 corners
        # differ, so compare each against its own analytic gain instead of against each other.
        fs = 1e3 / dt
        sos = scipy_signal.butter(4, [300, 1500], btype="band", fs=fs, output="sos")
        ref = scipy_signal.sosfiltfilt(sos, x)
        _, h = scipy_signal.sosfreqz(sos, worN=[f], fs=fs)
        mid = slice(512, 1536)
        g_ours = np.sqrt(np.mean(ours[mid] ** 2) / np.mean(x[mid] ** 2))
        g_scipy = np.sqrt(np.mean(ref[mid] ** 2) / np.mean(x[mid] ** 2))
        lo = 1 / np.sqrt(1 + (300 / f) ** 8)
        hi = 1 / np.sqrt(1 + (f / 1500) ** 8)
        assert 20 * np.log10(g_ours) == pytest.approx(20 * np.log10(lo * hi), abs=0.1)
        assert g_scipy == pytest.approx(abs(h[0]) ** 2, rel=0.02)  # the reference behaves as documented


def test_envelope_of_gaussian_tone_and_against_scipy_hilbert():
    t = t_axis(1000)
    g = np.exp(-((t - 10) ** 2) / (2 * 1.5 ** 2))
    x = g * np.cos(2 * np.pi * 1.0 * (t - 10))
    env = gprkit.envelope(section([x]), dt_ns=DT).data[:, 0]
    assert np.max(np.abs(env - g)) < 0.01
    signal = pytest.importorskip("scipy.signal")
    ref = np.abs(signal.hilbert(x))
    assert np.max(np.abs(env[100:-100] - ref[100:-100])) < 0.01


def test_time_zero_recovers_fractional_shifts():
    shifts = np.array([0.0, 0.3, -1.7, 2.25, 5.5, -0.45, 7.81, 0.999])
    t = t_axis(600, 0.05)
    cols = [-0.8 * gprkit.ricker(t - 6.0 - s * 0.05, 1000) for s in shifts]
    b = gprkit.Bscan(section(cols), dt_ns=0.05)
    out = gprkit.time_zero(b)
    picks = out.header["time_zero_picks_samples"]
    assert np.all(np.abs((picks - picks[0]) - (shifts - shifts[0])) < 0.1)
    target = -out.t0_ns / 0.05
    again = gprkit.pick_time_zero(out)
    assert np.all(np.abs(again - target) < 0.1)
    assert np.allclose(out.header["time_zero_picks_ns"], picks * 0.05)


def test_gains_match_their_formulas():
    t = t_axis(400, 0.1) - 2.0
    x = np.cos(t)
    b = gprkit.Bscan(section([x, 2 * x]), dt_ns=0.1, t0_ns=-2.0)
    tt = np.maximum(t, 0)
    out = gprkit.gain(b, "tpow", power=1.5, max_gain=50).data[:, 1]
    assert np.allclose(out, 2 * x * np.minimum(50, tt ** 1.5), rtol=1e-5, atol=1e-5)
    out = gprkit.gain(b, "exp", db_per_ns=2.0, max_gain=1e3).data[:, 0]
    assert np.allclose(out, x * np.minimum(1e3, 10 ** (2.0 * tt / 20)), rtol=1e-5, atol=1e-6)
    out = gprkit.gain(b, "sec", power=1.0, db_per_ns=1.0, max_gain=1e6).data[:, 0]
    assert np.allclose(out, x * tt * 10 ** (tt / 20), rtol=1e-5, atol=1e-6)
    agc = gprkit.gain(gprkit.Bscan(section([1e3 * np.sin(2 * np.pi * 0.9 * t_axis(2000, 0.05))]), dt_ns=0.05),
                      "agc", window_ns=10).data[:, 0]
    assert np.sqrt(np.mean(agc[400:1600] ** 2)) == pytest.approx(1.0, rel=0.03)


def test_dc_remove_mean_and_median():
    x = np.full(200, 3.0)
    x[20] = 100.0
    out = gprkit.dc_remove(section([x]), method="median", dt_ns=0.1).data[:, 0]
    assert out[0] == pytest.approx(0.0, abs=1e-6)
    out = gprkit.dc_remove(section([x]), method="mean", dt_ns=0.1).data[:, 0]
    assert out.mean() == pytest.approx(0.0, abs=1e-4)


def test_results_identical_for_1_and_2_threads():
    sim = gprkit.simulate(n_samples=512, n_traces=300, direct_wave_amplitude=1.0, wow_amplitude=0.3,
                          noise_std=0.05, diffractors=[(1.0, 0.2)], centre_frequency_mhz=1000)
    saved = gprkit.get_num_threads()
    results = []
    for n in (1, 2):
        gprkit.set_num_threads(n)
        b = sim.bscan
        results.append([gprkit.dewow(b).data, gprkit.bandpass(b, 200, 2000).data, gprkit.envelope(b).data,
                        gprkit.time_zero(b).data, gprkit.gain(b, "agc").data, gprkit.dc_remove(b).data])
    gprkit.set_num_threads(saved)
    for a, c in zip(*results):
        assert np.array_equal(a, c)


@pytest.mark.parametrize("call, match", [
    (lambda x: gprkit.dewow(x, dt_ns=0.1, window_ns=0), "window_ns"),
    (lambda x: gprkit.bandpass(x, dt_ns=0.1, low_mhz=100, high_mhz=6000), "Nyquist"),
    (lambda x: gprkit.bandpass(x, dt_ns=0.1, low_mhz=100, high_mhz=900, shape="brickwall"), "shape"),
    (lambda x: gprkit.gain(x, dt_ns=0.1, kind="agc", window_ns=-2), "window_ns"),
    (lambda x: gprkit.time_zero(x, dt_ns=0.1, threshold=2.0), "threshold"),
    (lambda x: gprkit.dc_remove(x, dt_ns=0.1, start_ns=5, end_ns=1), "window"),
])
def test_bad_options_raise_clear_errors(call, match):
    x = np.ones((64, 4), dtype=np.float32)
    with pytest.raises(ValueError, match=match):
        call(x)


@pytest.mark.parametrize("fn", [gprkit.dewow, gprkit.envelope, gprkit.bandpass, gprkit.gain, gprkit.time_zero,
                                gprkit.dc_remove])
def test_nan_inf_and_empty_inputs_raise(fn):
    x = np.ones((64, 4), dtype=np.float32)
    x[7, 2] = np.nan
    with pytest.raises(ValueError, match="NaN at sample 7, trace 2"):
        fn(x, dt_ns=0.1)
    x[7, 2] = np.inf
    with pytest.raises(ValueError, match="Inf"):
        fn(x, dt_ns=0.1)
    with pytest.raises(ValueError, match="empty"):
        fn(np.zeros((0, 3), dtype=np.float32), dt_ns=0.1)


OUT_CALLS = [(gprkit.dewow, dict(window_ns=3.0)), (gprkit.gain, dict(kind="agc", window_ns=3.0)),
             (gprkit.dc_remove, {}), (gprkit.bandpass, {}), (gprkit.envelope, {}),
             (gprkit.remove_background, dict(method="moving_mean"))]


def _out_section():
    return gprkit.simulate([dict(x_m=1.0, depth_m=0.2)], n_samples=512, n_traces=150, dt_ns=0.05,
                           dx_m=0.01, noise_std=0.01, wow_amplitude=0.3, centre_frequency_mhz=1000).bscan


@pytest.mark.parametrize("fn,kw", OUT_CALLS, ids=[f.__name__ for f, _ in OUT_CALLS])
def test_out_writes_the_plain_result_into_the_given_section(fn, kw):
    import copy
    b = _out_section()
    ref = fn(b, **kw)
    # Into another Bscan: the same bits, the same object back, with the new header's history.
    o = gprkit.Bscan(np.zeros(b.data.shape, np.float32, order="F"), dt_ns=b.dt_ns)
    r = fn(b, out=o, **kw)
    assert r is o and np.array_equal(o.data, ref.data)
    assert o.header["history"] == ref.header["history"]
    # Into an array: wrapped, not copied.
    arr = np.full(b.data.shape, np.nan, np.float32, order="F")
    r = fn(b, out=arr, **kw)
    assert np.shares_memory(r.data, arr) and np.array_equal(arr, ref.data)
    # In place.
    c = copy.deepcopy(b)
    data = c.data
    assert fn(c, out=c, **kw) is c and c.data is data and np.array_equal(c.data, ref.data)


def test_out_refuses_what_it_cannot_write():
    b = _out_section()
    shape = b.data.shape
    with pytest.raises(ValueError, match=r"out has shape \(512 samples x 149 traces\)"):
        gprkit.dewow(b, out=np.zeros((shape[0], shape[1] - 1), np.float32, order="F"))
    with pytest.raises(TypeError, match="out: dtype = float64"):
        gprkit.dewow(b, out=np.zeros(shape))
    with pytest.raises(TypeError, match="out must be a numpy float32 array"):
        gprkit.dewow(b, out=[[0.0] * shape[1]] * shape[0])  # would be a converted copy
    ro = np.zeros(shape, np.float32, order="F")
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        gprkit.dewow(b, out=ro)
    base = np.asfortranarray(np.random.default_rng(1).standard_normal((513, 40)).astype(np.float32))
    with pytest.raises(gprkit.InvalidArgument, match="overlaps the input"):
        gprkit.dewow(gprkit.Bscan(base[:-1], dt_ns=0.05), out=base[1:])
    with pytest.raises(TypeError, match="out= is not available"):
        gprkit.remove_background(b, method="mean", return_report=True, out=b)
