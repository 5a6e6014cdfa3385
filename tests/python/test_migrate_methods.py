"""gprkit.migrate / backproject / migrate_3d / estimate_velocity / fit_hyperbola against truth."""
from __future__ import annotations

import numpy as np
import pytest

import gprkit

V = 0.1


def scene(**kw):
    opts = dict(n_samples=160, n_traces=96, dt_ns=0.025, dx_m=0.01, velocity_m_per_ns=V,
                centre_frequency_mhz=1000)
    opts.update(kw)
    return gprkit.simulate(diffractors=[(0.30, 0.08), (0.62, 0.14)], **opts)


def peak_near(img: np.ndarray, i: int, j: int, di: int, dj: int) -> tuple[int, int]:
    i0, j0 = max(0, i - di), max(0, j - dj)
    sub = np.abs(img[i0:i + di + 1, j0:j + dj + 1])
    a, b = np.unravel_index(np.argmax(sub), sub.shape)
    return int(a + i0), int(b + j0)


@pytest.mark.parametrize("method", gprkit.MIGRATION_METHODS)
def test_focuses_at_truth(method):
    sim = scene()
    out = gprkit.migrate(sim.bscan, method=method, velocity_m_per_ns=V)
    assert isinstance(out, gprkit.Bscan) and out.shape == sim.bscan.shape
    depth, x = out.depth_m(V), out.x_m()
    for t in sim.truth:
        i, j = peak_near(out.data, int(np.argmin(abs(depth - t["depth_m"]))), int(round(t["x_m"] / 0.01)), 24, 6)
        assert abs(x[j] - t["x_m"]) <= 0.01 + 1e-9
        assert abs(depth[i] - t["depth_m"]) <= 0.02


def test_array_input_and_linearity():
    sim = scene()
    a = sim.bscan.data
    b = np.asfortranarray(np.random.default_rng(1).normal(size=a.shape).astype(np.float32))
    A = gprkit.migrate(a, dt_ns=0.025, dx_m=0.01, method="kirchhoff").data
    B = gprkit.migrate(b, dt_ns=0.025, dx_m=0.01, method="kirchhoff").data
    AB = gprkit.migrate(a + b, dt_ns=0.025, dx_m=0.01, method="kirchhoff").data
    np.testing.assert_allclose(AB, A + B, atol=1e-4 * np.abs(AB).max())
    z = gprkit.migrate(np.zeros((64, 32), np.float32), dt_ns=0.025, method="stolt")
    assert not z.data.any()


def test_backproject_grid_with_air_gap():
    sim = scene(antenna_height_m=0.04, antenna_offset_m=0.05, n_samples=200)
    xs = np.arange(0.2, 0.7, 0.0125)
    zs = np.arange(0.02, 0.2, 0.0025)
    img = gprkit.backproject(sim.bscan, xs, zs, V)
    assert img.shape == (zs.size, xs.size)
    np.testing.assert_allclose(img.depth_m(V), zs, atol=1e-9)
    for t in sim.truth:
        i, j = peak_near(img.data, int(np.argmin(abs(zs - t["depth_m"]))), int(np.argmin(abs(xs - t["x_m"]))), 12, 4)
        assert abs(xs[j] - t["x_m"]) <= 0.0125
        assert abs(zs[i] - t["depth_m"]) <= 0.02


@pytest.mark.parametrize("method", ["stolt", "backprojection"])
def test_migrate_3d_point(method):
    ns, nx, ny, dt, dx, dy = 96, 20, 18, 0.025, 0.01, 0.012
    x0, y0, z0 = 0.10, 0.096, 0.06
    jj, ll = np.meshgrid(np.arange(nx) * dx, np.arange(ny) * dy, indexing="ij")
    r = np.sqrt((jj - x0) ** 2 + (ll - y0) ** 2 + z0 ** 2)
    t = np.arange(ns)[:, None, None] * dt - 2 * r[None] / V
    vol = gprkit.ricker(t, 1000.0).astype(np.float32)
    out = gprkit.migrate_3d(vol, dt_ns=dt, dx_m=dx, dy_m=dy, method=method, velocity_m_per_ns=V)
    assert out.shape == vol.shape
    i, j, l = np.unravel_index(np.argmax(np.abs(out)), out.shape)
    assert abs(j * dx - x0) <= dx + 1e-9 and abs(l * dy - y0) <= dy + 1e-9
    assert abs(0.5 * V * i * dt - z0) <= 0.02


@pytest.mark.parametrize("v", [0.08, 0.12])
def test_velocity(v):
    sim = scene(velocity_m_per_ns=v)
    est = gprkit.estimate_velocity(sim.bscan, n_velocities=16)
    assert abs(est["velocity_m_per_ns"] - v) <= 0.03 * v
    assert 0 < est["quality"] <= 1
    t = sim.truth[0]  # the deeper one's flanks leave the 4 ns section at 0.08 m/ns
    fit = gprkit.fit_hyperbola(sim.bscan, 30, int(round(t["apex_time_ns"] / 0.025)))
    assert abs(fit["velocity_m_per_ns"] - v) <= 0.03 * v
    assert abs(fit["apex_depth_m"] - t["depth_m"]) <= 0.01


def test_bad_input():
    b = scene().bscan
    with pytest.raises(gprkit.InvalidArgument):
        gprkit.migrate(b, velocity_m_per_ns=0)
    with pytest.raises(ValueError):
        gprkit.migrate(b, velocity_m_per_ns=float("nan"))
    with pytest.raises(gprkit.InvalidArgument):
        gprkit.migrate(b, method="kirchhoff", aperture_m=0)
    with pytest.raises(gprkit.InvalidArgument):
        gprkit.migrate(b, method="nearest")
    with pytest.raises(gprkit.InvalidArgument):
        gprkit.migrate(b, method="phase_shift", vz_depth_m=[0, 0.05], vz_velocity_m_per_ns=[0.1, 0.1])
    x = b.x_m().copy()
    x[5] = x[4]
    with pytest.raises(gprkit.InvalidArgument, match="x_m"):
        gprkit.migrate(b.with_data(b.data, x_m=x), method="kirchhoff")
    with pytest.raises(gprkit.InvalidArgument):
        gprkit.migrate_3d(np.zeros((8, 4), np.float32), dt_ns=0.1, dx_m=0.01, dy_m=0.01)


def test_gprmax_point_focuses_at_meta_depth(gprmax_scene):
    data, meta = gprmax_scene("dev_point")
    f_mhz = meta["centre_frequency_hz"] / 1e6
    dt_ns = meta["dt_s"] * 1e9
    # Decimate the FDTD step (4.7 ps) by 5 after a 5-sample box (the pulse has no energy near
    # the new Nyquist), set time-zero at the source peak sqrt(2)/f, remove the mean trace
    # (direct wave and ground bounce).
    q = 5
    n = data.shape[0] // q * q
    d = data[:n].reshape(n // q, q, -1).mean(axis=1)
    d = d - d.mean(axis=1, keepdims=True)
    t0 = -np.sqrt(2) / f_mhz * 1e3 + 0.5 * (q - 1) * dt_ns
    x = meta["first_trace_x_m"] + meta["trace_spacing_m"] * np.arange(d.shape[1])
    b = gprkit.Bscan(np.asfortranarray(d, dtype=np.float32), dt_ns=q * dt_ns, t0_ns=t0,
                     dx_m=meta["trace_spacing_m"], x_m=x, antenna_height_m=meta["air_gap_m"],
                     antenna_separation_m=meta["antenna_offset_m"], centre_frequency_mhz=f_mhz)
    v = meta["soil"]["velocity_m_per_s"] * 1e-9
    target = meta["targets"][0]
    for method in ("stolt", "kirchhoff", "backprojection"):
        img = gprkit.migrate(b, method=method, velocity_m_per_ns=v)
        depth = img.depth_m(v)
        sel = (depth > 0.03) & (depth < 0.3)
        sub = np.abs(img.data[sel])
        i, j = np.unravel_index(np.argmax(sub), sub.shape)
        assert abs(x[j] - target["x_center_m"]) <= meta["trace_spacing_m"] + 1e-9, method
        assert abs(depth[sel][i] - target["center_depth_m"]) <= 0.02, method
