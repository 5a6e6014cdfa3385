"""Hardening: absurd lengths, sizes and non-finite values give a gprkit error, never a crash,
a hang or silent NaN/Inf output."""
import math

import numpy as np
import pytest

import gprkit

ABSURD = [1e20, -1e20, math.inf, -math.inf, math.nan, 1e300, 1e-300]
ABSURD_INT = [2**40, -2**40, 2**62, 2**63, 2**64]


def small(dt_ns=0.05, dx_m=0.02, n_traces=24):
    sim = gprkit.simulate([{"x_m": 0.2, "depth_m": 0.1}], n_samples=128, n_traces=n_traces,
                          dt_ns=dt_ns, dx_m=dx_m, noise_std=0.01)
    return sim.bscan


def _numeric_options():
    for step, d in gprkit.steps().items():
        for name, f in d["options"].items():
            if f["type"] in ("number", "integer", "number_list"):
                yield step, name, f["type"]


def _check(step, b, **options):
    """Runs one step: it either raises a ValueError (gprkit.InvalidArgument) or returns
    finite data."""
    try:
        out, _ = gprkit.run_step(step, b, **options)
    except ValueError as e:
        assert step in str(e) or any(k in str(e) for k in options), str(e)
        return
    assert np.isfinite(out.data).all(), f"{step} {options}: non-finite output without an error"


@pytest.mark.parametrize("step,name,kind", list(_numeric_options()))
def test_every_numeric_option_refuses_absurd_values(step, name, kind):
    b = small()
    values = ABSURD if kind != "integer" else ABSURD + ABSURD_INT
    for v in values:
        _check(step, b, **{name: [v] if kind == "number_list" else v})


@pytest.mark.parametrize("step", sorted(gprkit.steps()))
@pytest.mark.parametrize("dt_ns,dx_m", [(1e-300, 0.02), (0.05, 1e-300), (1e300, 0.02), (0.05, 1e300)])
def test_every_step_survives_absurd_sample_and_trace_steps(step, dt_ns, dx_m):
    b = small()
    b.header["dt_ns"] = dt_ns
    b.header["dx_m"] = dx_m
    b.header["x_m"] = None
    _check(step, b)


def test_agc_window_1e20_is_an_error_naming_the_window():
    with pytest.raises(gprkit.InvalidArgument, match=r"gain: window_ns = 1e\+20; expected a finite"):
        gprkit.gain(small(), "agc", window_ns=1e20)


def test_a_diffractor_far_below_the_section_adds_nothing_and_does_not_crash():
    deep = gprkit.simulate([{"x_m": 1.0, "depth_m": 1e30}], noise_std=0.0).bscan.data
    none = gprkit.simulate([], noise_std=0.0).bscan.data
    np.testing.assert_array_equal(deep, none)


# Every public kernel, called as a user calls it, on a section b.
KERNELS = {
    "dc_remove": lambda b: gprkit.dc_remove(b).data,
    "dewow": lambda b: gprkit.dewow(b).data,
    "time_zero": lambda b: gprkit.time_zero(b).data,
    "bandpass": lambda b: gprkit.bandpass(b).data,
    "gain_tpow": lambda b: gprkit.gain(b).data,
    "gain_agc": lambda b: gprkit.gain(b, "agc").data,
    "envelope": lambda b: gprkit.envelope(b).data,
    "resample": lambda b: gprkit.resample(b, 0.1).data,
    "resample_step": lambda b: gprkit.Pipeline([("resample", {"dt_ns": 0.1})]).run(b).data,
    "background_mean": lambda b: gprkit.remove_background(b, "mean").data,
    "background_median": lambda b: gprkit.remove_background(b, "median").data,
    "background_moving": lambda b: gprkit.remove_background(b, "moving_mean", window_traces=5).data,
    "background_svd": lambda b: gprkit.remove_background(b, "svd").data,
    "background_rpca": lambda b: gprkit.remove_background(b, "rpca").data,
    "svd": lambda b: gprkit.truncated_svd(b, 2)[1],
    "rpca": lambda b: gprkit.rpca(b)[1],
    "stolt": lambda b: gprkit.migrate(b, "stolt").data,
    "phase_shift": lambda b: gprkit.migrate(b, "phase_shift").data,
    "kirchhoff": lambda b: gprkit.migrate(b, "kirchhoff").data,
    "score_energy": lambda b: gprkit.score(b, "energy").data,
    "score_rx": lambda b: gprkit.score(b, "rx").data,
    "score_hyperbola": lambda b: gprkit.score(b, "hyperbola").data,
    "trace_score": lambda b: gprkit.trace_score(b.data),
    "cfar": lambda b: gprkit.cfar(np.abs(b.data)).data,
    "find_detections": lambda b: np.array([d.score for d in gprkit.find_detections(b)], np.float32),
}


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_every_kernel_refuses_nan_input(name):
    b = small()
    b.data[40, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KERNELS[name](b)


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("peak", [3e38, -3e38, 1e-40])
def test_every_kernel_gives_finite_output_or_an_error_near_the_float32_limits(name, peak):
    b = small()
    b.data[:] = b.data / np.abs(b.data).max() * np.float32(abs(peak))
    if peak < 0:
        b.data[:] = -b.data
    try:
        out = KERNELS[name](b)
    except ValueError as e:
        assert "not finite" in str(e) or "scale the data" in str(e), str(e)
        return
    assert np.isfinite(out).all(), f"{name}: silent non-finite output"


def test_ricker_refuses_a_nan_frequency():
    with pytest.raises(ValueError, match="f_mhz"):
        gprkit.ricker(np.arange(5.0), float("nan"))


def test_dewow_overflow_names_the_cause():
    x = np.zeros((64, 2), np.float32)
    x[::2] = 3e38
    x[1::2] = -3e38
    with pytest.raises(gprkit.InvalidArgument, match="dewow: output = not finite.*largest magnitude 3[.0-9]*e\\+38.*scale the data"):
        gprkit.dewow(x, dt_ns=0.1, window_ns=1.0)


HUGE = [
    lambda a: gprkit.truncated_svd(a, 2),
    lambda a: gprkit.trace_score(a),
    lambda a: gprkit.find_detections(gprkit.Bscan(a, dt_ns=0.1)),
    lambda a: gprkit.cfar(a),
    lambda a: gprkit.dewow(a, dt_ns=0.1),
    lambda a: gprkit.rpca(a),
    lambda a: gprkit.migrate(gprkit.Bscan(a, dt_ns=0.1)),
]


@pytest.mark.parametrize("k", range(len(HUGE)))
def test_a_huge_broadcast_view_is_refused_up_front(k):
    a = np.broadcast_to(np.ones((100000, 1), np.float32), (100000, 100000))
    with pytest.raises(gprkit.InvalidArgument, match=r"100000 samples x 100000 traces.*2\^32"):
        HUGE[k](a)


MESSAGES = {
    "svd_k_2**64": (lambda b: gprkit.truncated_svd(b, 2**64), r"truncated_svd: k = 18446744073709551616"),
    "svd_k_str": (lambda b: gprkit.truncated_svd(b, "x"), r"truncated_svd: k = 'x'; expected an integer"),
    "rpca_iterations": (lambda b: gprkit.rpca(b, max_iterations=2**63), r"rpca: max_iterations = 9223372036854775808"),
    "trace_score_first": (lambda b: gprkit.trace_score(b.data, first_sample=2**63), r"trace_score: first_sample"),
    "fit_hyperbola_trace": (lambda b: gprkit.fit_hyperbola(b, 2**63, 3), r"fit_hyperbola: trace"),
    "simulate_n_traces": (lambda b: gprkit.simulate(n_traces=2**63), r"simulate: n_traces = 9223372036854775808"),
    "simulate_str": (lambda b: gprkit.simulate(dt_ns="abc"), r"simulate: dt_ns = 'abc'; expected a float"),
    "velocity_max_apexes": (lambda b: gprkit.estimate_velocity(b, max_apexes=2**63), r"estimate_velocity: max_apexes = 9223372036854775808"),
    "set_num_threads": (lambda b: gprkit.set_num_threads(2**63), r"set_num_threads: n = 9223372036854775808"),
    "migrate_3d_str": (lambda b: gprkit.migrate_3d(np.ones((8, 8, 2), np.float32), "x", 0.01, 0.1), r"migrate_3d: dt_ns = 'x'; expected a number"),
    "resample_str": (lambda b: gprkit.resample(b, "x"), r"resample: dt_ns = 'x'; expected a number"),
    "backproject_str": (lambda b: gprkit.backproject(b, ["a"], [0.1]), r"backproject: x_m = \['a'\]"),
    "bscan_dt_str": (lambda b: gprkit.Bscan(b.data, dt_ns="abc"), r"Bscan: dt_ns = 'abc'; expected a number"),
    "evaluate_halo_str": (lambda b: gprkit.evaluate([], [], halo_m="x"), r"evaluate: halo_m = 'x'; expected a number"),
    "detect_threshold_str": (lambda b: gprkit.detect(b, threshold="x"), r"detect: threshold = 'x'; expected a number"),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_bad_argument_types_and_huge_integers_are_gprkit_errors_naming_the_argument(name):
    call, pattern = MESSAGES[name]
    with pytest.raises(gprkit.InvalidArgument, match=pattern):
        call(small())


def test_a_dzt_variable_area_that_is_not_hex_is_named_not_stoul(tmp_path):
    b = small()
    b.header["raw"] = {"rh_variable_hex": "zz" * (1024 - 128)}
    with pytest.raises(gprkit.InvalidArgument, match=r"rh_variable_hex.*hexadecimal"):
        gprkit.write(b, tmp_path / "x.dzt")


@pytest.mark.parametrize("option", ["aperture_m", "reference_m", "guard_m", "window_m"])
def test_detect_with_an_absurd_window_is_a_gprkit_error_not_memory_error(option):
    with pytest.raises(gprkit.InvalidArgument, match=option):
        gprkit.score(small(), "hyperbola", **{option: 1e12})
