"""Bscan conveniences for notebooks: slicing with a consistent header, numpy and pickle
protocols, xarray round trip (xarray optional: those tests skip without it)."""
from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

import gprkit
from gprkit import Bscan


def line(n_samples=200, n_traces=120, dt_ns=0.05, dx_m=0.02, t0_ns=-1.5, positions=True):
    rng = np.random.default_rng(7)
    data = np.asfortranarray(rng.standard_normal((n_samples, n_traces)).astype(np.float32))
    fields = {}
    if positions:
        fields = dict(x_m=3.0 + dx_m * np.arange(n_traces), y_m=np.linspace(10, 11, n_traces),
                      z_m=np.linspace(100, 99, n_traces))
    raw = {"format": "npy", "trace_stacks": ",".join(str(32 + j) for j in range(n_traces)),
           "marks": "0,10,25,119", "gps_trace": "0,5,50,100",
           "gps_latitude_deg": "1,2,3,4", "gps_longitude_deg": "5,6,7,8", "gps_altitude_m": "9,10,11,12"}
    return Bscan(data, dt_ns=dt_ns, dx_m=dx_m, t0_ns=t0_ns, antenna_height_m=0.03,
                 centre_frequency_mhz=1500.0, raw=raw,
                 history=[{"step": "read", "options": {"path": "x.npy"}, "version": "0"}], **fields)


# -- slicing ----------------------------------------------------------------------------------
def test_trace_slice_keeps_positions_and_time():
    b = line()
    s = b[:, 100:110]
    assert s.shape == (200, 10)
    np.testing.assert_array_equal(s.data, b.data[:, 100:110])
    assert np.shares_memory(s.data, b.data)  # a view, like numpy slicing
    np.testing.assert_allclose(s.x_m(), 3.0 + 0.02 * np.arange(100, 110))
    np.testing.assert_allclose(s.header["y_m"], b.header["y_m"][100:110])
    np.testing.assert_allclose(s.header["z_m"], b.header["z_m"][100:110])
    assert s.dx_m == b.dx_m and s.dt_ns == b.dt_ns and s.t0_ns == b.t0_ns
    np.testing.assert_allclose(s.time_ns(), b.time_ns())
    assert s.history[-1]["step"] == "slice" and len(b.history) == 1  # the original is untouched
    assert s.header["raw"]["trace_stacks"].split(",") == [str(32 + j) for j in range(100, 110)]
    assert s.header["raw"]["marks"] == ""  # scans 0, 10, 25 and 119 lie outside traces 100..109
    assert s.header["raw"]["gps_trace"] == "0" and s.header["raw"]["gps_latitude_deg"] == "4"


def test_sample_slice_shifts_t0_and_trace_step_scales_dx():
    b = line()
    s = b[10:150, ::2]
    assert s.shape == (140, 60)
    assert s.t0_ns == pytest.approx(-1.5 + 10 * 0.05)
    np.testing.assert_allclose(s.time_ns(), b.time_ns()[10:150])
    assert s.dx_m == pytest.approx(0.04)
    np.testing.assert_allclose(s.x_m(), b.x_m()[::2])
    np.testing.assert_array_equal(np.asarray(s), b.data[10:150, ::2])
    raw = s.header["raw"]
    assert raw["marks"] == "0,5"  # scans 0 and 10 kept (25 and 119 are odd)
    assert raw["gps_trace"] == "0,2.5,25,50"
    assert raw["gps_latitude_deg"] == "1,2,3,4"


def test_slice_without_positions_keeps_true_positions():
    b = line(positions=False)
    s = b[:, 30:90:3]
    assert s.dx_m == pytest.approx(0.06)
    np.testing.assert_allclose(s.x_m(), b.x_m()[30:90:3])  # where the traces were recorded
    assert b[:, :40].header["x_m"] is None  # a slice from the start needs no explicit positions


def test_reversed_line_keeps_true_positions():
    b = line(positions=False)
    r = b[:, ::-1]
    np.testing.assert_allclose(r.x_m(), b.x_m()[::-1])
    np.testing.assert_array_equal(r.data, b.data[:, ::-1])


def test_sample_only_slice_and_refusals():
    b = line()
    assert b[5:20].shape == (15, 120)
    assert b[5:20].t0_ns == pytest.approx(-1.5 + 0.25)
    with pytest.raises(TypeError, match="slices"):
        b[:, 3]
    with pytest.raises(TypeError, match="slices"):
        b[3]
    with pytest.raises(ValueError, match="step = 2.*resample"):
        b[::2, :]
    with pytest.raises(ValueError, match="step = -1"):
        b[::-1, :]
    with pytest.raises(ValueError, match="no sample"):
        b[50:50, :]
    with pytest.raises(ValueError, match="no trace"):
        b[:, 200:]
    with pytest.raises(IndexError):
        b[:, :, :]
    with pytest.raises(TypeError, match="not iterable"):
        list(b)


def test_slice_goes_through_the_kernels():
    b = line()
    s = b[20:180, 10:100:2]
    out = gprkit.dewow(s)
    ref = gprkit.dewow(Bscan(np.asfortranarray(s.data), header=dict(s.header)))
    np.testing.assert_allclose(out.data, ref.data, rtol=1e-5, atol=1e-5)


# -- numpy ------------------------------------------------------------------------------------
def test_asarray_gives_the_float32_samples():
    b = line()
    a = np.asarray(b)
    assert a.dtype == np.float32 and a.shape == b.shape
    assert np.shares_memory(a, b.data)
    c = np.array(b)  # np.array copies by default
    assert not np.shares_memory(c, b.data)
    np.testing.assert_array_equal(c, b.data)
    d = np.asarray(b, dtype=np.float64)
    assert d.dtype == np.float64
    np.testing.assert_array_equal(d, b.data.astype(np.float64))
    assert np.abs(b).max() == np.abs(b.data).max()  # a ufunc sees the samples
    if int(np.__version__.split(".")[0]) >= 2:
        with pytest.raises(ValueError, match="copy"):
            np.asarray(b, dtype=np.float64, copy=False)


# -- pickle -----------------------------------------------------------------------------------
def test_pickle_round_trip_keeps_data_and_header():
    b = line()[10:150, ::2]
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        p = pickle.loads(pickle.dumps(b, protocol=protocol))
        assert isinstance(p, Bscan)
        np.testing.assert_array_equal(p.data, b.data)
        assert p.data.dtype == np.float32
        assert p.dt_ns == b.dt_ns and p.dx_m == b.dx_m and p.t0_ns == b.t0_ns
        np.testing.assert_array_equal(p.x_m(), b.x_m())
        assert p.history == b.history and p.header["raw"] == b.header["raw"]


def test_pickled_bscan_and_array_go_through_functions():
    sim = gprkit.simulate([dict(x_m=1.0, depth_m=0.1)], n_samples=256, n_traces=200, dt_ns=0.025,
                          dx_m=0.01, velocity_m_per_ns=0.1, direct_wave_amplitude=0.5,
                          centre_frequency_mhz=1000, noise_std=0.01, seed=3)
    b = pickle.loads(pickle.dumps(sim.bscan))
    a = pickle.loads(pickle.dumps(sim.bscan.data))
    for fn in (gprkit.dewow, gprkit.bandpass, gprkit.remove_background):
        np.testing.assert_array_equal(fn(b).data, fn(sim.bscan).data)
        np.testing.assert_array_equal(fn(a, dt_ns=0.025).data, fn(sim.bscan.data, dt_ns=0.025).data)
    np.testing.assert_array_equal(gprkit.dewow(np.asarray(b), dt_ns=0.025).data, gprkit.dewow(a, dt_ns=0.025).data)
    dets = gprkit.detect(b)
    assert [d.trace for d in dets] == [d.trace for d in gprkit.detect(sim.bscan)]


# -- xarray -----------------------------------------------------------------------------------
def test_to_xarray_coordinates_and_attrs():
    xr = pytest.importorskip("xarray")
    b = line()
    da = b.to_xarray(velocity_m_per_ns=0.1)
    assert isinstance(da, xr.DataArray)
    assert da.dims == ("time_ns", "x_m")
    np.testing.assert_allclose(da["time_ns"].values, b.time_ns())
    np.testing.assert_allclose(da["x_m"].values, b.x_m())
    t_ground = 2 * 0.03 / 0.299792458
    np.testing.assert_allclose(da["depth_m"].values, 0.05 * (b.time_ns() - t_ground))
    np.testing.assert_allclose(da["y_m"].values, b.header["y_m"])
    assert da.attrs["dt_ns"] == 0.05 and da.attrs["t0_ns"] == -1.5 and da.attrs["dx_m"] == 0.02
    import json
    for k, v in da.attrs.items():  # JSON-safe (and netCDF-safe: no dicts, no None)
        json.dumps(v)
        assert isinstance(v, (str, int, float)), (k, v)
    assert json.loads(da.attrs["history_json"]) == b.history
    assert "depth_m" not in b.to_xarray().coords


def test_xarray_round_trip_is_bit_exact():
    pytest.importorskip("xarray")
    for b in (line()[10:150, ::2], line(positions=False), line(dx_m=0.0, positions=False)):
        r = gprkit.from_xarray(b.to_xarray(velocity_m_per_ns=0.12))
        assert r.data.dtype == np.float32
        assert r.data.tobytes() == b.data.tobytes() and r.shape == b.shape
        assert (r.dt_ns, r.dx_m, r.t0_ns) == (b.dt_ns, b.dx_m, b.t0_ns)
        assert r.history == b.history and r.header["raw"] == b.header["raw"]
        assert (r.header["x_m"] is None) == (b.header["x_m"] is None)
        np.testing.assert_array_equal(r.x_m(), b.x_m())
        assert r.header["antenna_height_m"] == b.header["antenna_height_m"]
        assert r.header["centre_frequency_mhz"] == b.header["centre_frequency_mhz"]


def test_from_xarray_foreign_and_transposed():
    xr = pytest.importorskip("xarray")
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    da = xr.DataArray(data.T, dims=("x_m", "time_ns"),
                      coords={"time_ns": [2.0, 2.5, 3.0], "x_m": [0.0, 0.1, 0.2, 0.3]})
    b = gprkit.from_xarray(da)
    np.testing.assert_array_equal(b.data, data)
    assert b.dt_ns == pytest.approx(0.5) and b.t0_ns == pytest.approx(2.0) and b.dx_m == pytest.approx(0.1)
    with pytest.raises(ValueError, match="dims"):
        gprkit.from_xarray(xr.DataArray(data, dims=("a", "b")))


def test_import_gprkit_needs_neither_xarray_nor_matplotlib():
    code = ("import sys, gprkit, numpy as np, pickle; b = gprkit.Bscan(np.zeros((8, 4), np.float32), dt_ns=0.1); "
            "b[:, 1:3]; np.asarray(b); pickle.loads(pickle.dumps(b)); "
            "bad = [m for m in ('xarray', 'matplotlib') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- gprMax scene folders ---------------------------------------------------------------------
def test_read_gprmax_scene(shared_data):
    import json
    import math

    folder = shared_data / "gprmax" / "dev_point"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    b, meta = gprkit.read_gprmax_scene(folder)
    assert meta == json.loads((folder / "meta.json").read_text())
    raw = np.load(folder / "bscan.npy")
    n = int(round(raw.shape[0] * meta["dt_s"] * 1e9 / 0.025))
    assert b.shape == (n, raw.shape[1]) and b.data.dtype == np.float32
    assert b.dt_ns == pytest.approx(raw.shape[0] * meta["dt_s"] * 1e9 / n)
    assert b.t0_ns == pytest.approx(-math.sqrt(2) / meta["centre_frequency_hz"] * 1e9)
    np.testing.assert_allclose(b.x_m(), meta["first_trace_x_m"] + 0.01 * np.arange(raw.shape[1]))
    assert b.header["antenna_height_m"] == meta["air_gap_m"]
    assert b.header["antenna_separation_m"] == meta["antenna_offset_m"]
    signal = pytest.importorskip("scipy.signal")
    ref = signal.resample(raw.astype(np.float64), n, axis=0).astype(np.float32)
    np.testing.assert_allclose(b.data, ref, rtol=0, atol=1e-4 * np.abs(ref).max())
    keep, _ = gprkit.read_gprmax_scene(folder, dt_ns=0)
    np.testing.assert_array_equal(keep.data, raw)
    with pytest.raises(OSError, match="meta.json"):
        gprkit.read_gprmax_scene(folder.parent / "no_such_scene")
