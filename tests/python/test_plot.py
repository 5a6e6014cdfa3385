"""Radargram pictures (gprkit.plot): axes, contrast, overlays, atomic files, real files."""
from __future__ import annotations

import numpy as np
import pytest

import gprkit
from gprkit import Bscan

mpl = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

from gprkit import plot  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
REAL = ["gprpy/GSSI/FILE____032.DZT", "rgpr/flagogna_raw/XLINE003.DT1", "gprpy/SnS/ComOffs/XLINE00.DT1",
        "impdar/ten_col.rd3"]


def direct_wave_line(n_samples=400, n_traces=150, dx_m=0.02, direct=100.0, noise=1.0, seed=1):
    """Noise of std `noise` under a direct wave of amplitude `direct` at samples 30..50."""
    rng = np.random.default_rng(seed)
    d = rng.standard_normal((n_samples, n_traces)).astype(np.float32) * noise
    t = np.arange(n_samples)[:, None]
    d += (direct * np.exp(-0.5 * ((t - 40) / 3.0) ** 2) * np.cos(0.8 * (t - 40))).astype(np.float32)
    return Bscan(np.asfortranarray(d), dt_ns=0.05, dx_m=dx_m, centre_frequency_mhz=1000.0)


def axes():
    fig = Figure(figsize=(6, 4), layout="constrained")
    return fig, fig.add_subplot()


def test_clip_level_ignores_the_direct_wave():
    b = direct_wave_line()
    v = plot.clip_level(b, 99.0)
    naive = float(np.percentile(np.abs(b.data), 99.0))
    assert naive > 20  # the direct wave sets a plain percentile...
    assert 1.5 < v < 4.0  # ...but not the clip level: about 2.6 sigma of the noise below it


def test_clip_level_ignores_a_spike_in_the_first_samples():
    b = direct_wave_line()
    v = plot.clip_level(b)
    spiked = b.data.copy(order="F")
    spiked[0:3, :] = 1e7  # GSSI-style words in the first samples
    s = Bscan(spiked, dt_ns=b.dt_ns, dx_m=b.dx_m, centre_frequency_mhz=1000.0)
    assert plot.clip_level(s) == pytest.approx(v, rel=0.3)
    assert float(np.percentile(np.abs(spiked), 99.5)) > 1e6  # a plain percentile would be wrecked
    # and the picture uses that level: the image limits are +-clip
    fig, ax = axes()
    im = plot.plot_bscan(ax, s)
    lo, hi = im.get_clim()
    assert hi == pytest.approx(v, rel=0.3) and lo == pytest.approx(-hi)


def test_non_negative_data_uses_zero_to_clip():
    b = direct_wave_line()
    env = b.with_data(np.abs(b.data))
    fig, ax = axes()
    lo, hi = plot.plot_bscan(ax, env).get_clim()
    assert lo == 0 and hi > 0


def test_dc_offset_is_centred():
    b = direct_wave_line()
    off = b.with_data(np.asfortranarray(b.data + 2000.0))
    fig, ax = axes()
    lo, hi = plot.plot_bscan(ax, off).get_clim()
    assert (lo + hi) / 2 == pytest.approx(2000.0, rel=0.01)
    assert hi - lo < 20  # the noise, not the offset, sets the range


def test_positions_and_time_on_the_axes():
    b = direct_wave_line(dx_m=0.02)
    b = b.with_data(b.data, t0_ns=-2.0)
    fig, ax = axes()
    im = plot.plot_bscan(ax, b, title="line")
    x0, x1 = ax.get_xlim()
    assert x0 == pytest.approx(-0.01) and x1 == pytest.approx(0.02 * 149 + 0.01)
    bottom, top = ax.get_ylim()
    assert top == pytest.approx(-2.0 - 0.025) and bottom == pytest.approx(-2.0 + 0.05 * 399 + 0.025)
    assert "position (m)" in ax.get_xlabel() and "time (ns)" in ax.get_ylabel()
    assert im.get_array().shape == b.shape
    assert any(a is not ax for a in fig.axes)  # the colour bar


def test_no_spacing_gives_trace_numbers_with_data():
    b = direct_wave_line(dx_m=0.0)
    fig, ax = axes()
    im = plot.plot_bscan(ax, b)
    x0, x1 = ax.get_xlim()
    assert x0 <= 0 and x1 >= b.n_traces - 1 and x1 - x0 == pytest.approx(b.n_traces)
    assert "trace number" in ax.get_xlabel()
    assert im.get_array().shape == b.shape and np.ptp(np.asarray(im.get_array())) > 0


def _depth_axes(ax):
    return [c for c in ax.child_axes if "depth" in c.get_ylabel()]


def test_depth_axis_when_velocity_is_known():
    b = direct_wave_line()
    b = b.with_data(b.data, antenna_height_m=0.03)
    fig, ax = axes()
    plot.plot_bscan(ax, b)
    assert not _depth_axes(ax)
    fig, ax = axes()
    plot.plot_bscan(ax, b, velocity_m_per_ns=0.1)
    (sec,) = _depth_axes(ax)
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    # depth below ground = v (t - 2h/c) / 2: the ground echo (t = 0.2 ns) is at depth 0
    t_ground = 2 * 0.03 / 0.299792458
    fwd = sec._functions[0]
    assert fwd(np.array([t_ground]))[0] == pytest.approx(0.0, abs=1e-12)
    assert fwd(np.array([t_ground + 4.0]))[0] == pytest.approx(0.2)


def test_detections_and_truth_are_overlaid():
    sim = gprkit.simulate([dict(x_m=1.0, depth_m=0.1, amplitude=1.0)], n_samples=256, n_traces=200,
                          dt_ns=0.025, dx_m=0.01, velocity_m_per_ns=0.1, centre_frequency_mhz=1000,
                          noise_std=0.01, seed=2)
    dets = [gprkit.Detection(x_m=1.0, depth_m=0.1, t_ns=2.0, trace=100, sample=80, score=1.0),
            {"x_m": 1.5, "t_ns": 3.0}]
    fig, ax = axes()
    plot.plot_bscan(ax, sim.bscan, detections=dets, truth=[{"x_m": 1.0, "depth_m": 0.1}], velocity_m_per_ns=0.1)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    det = lines["detections (2)"]
    np.testing.assert_allclose(det.get_xdata(), [1.0, 1.5])
    np.testing.assert_allclose(det.get_ydata(), [2.0, 3.0])
    np.testing.assert_allclose(lines["truth"].get_ydata(), [2.0])  # 2 z / v


def test_figure_width_follows_the_line_length():
    short = plot.figure_size(direct_wave_line(n_traces=100, dx_m=0.01))[0]
    long_ = plot.figure_size(direct_wave_line(n_traces=1000, dx_m=0.02))[0]
    huge = plot.figure_size(direct_wave_line(n_traces=3000, dx_m=0.5))[0]
    assert 6 <= short < long_ < huge <= 17


def test_save_bscan_writes_a_png_atomically(tmp_path, monkeypatch):
    b = direct_wave_line()
    p = plot.save_bscan(tmp_path / "sub" / "r.png", b, title="r", velocity_m_per_ns=0.1)
    data = p.read_bytes()
    assert data.startswith(PNG) and len(data) > 5000
    monkeypatch.setattr(Figure, "savefig", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        plot.save_bscan(p, b)
    assert p.read_bytes() == data  # the old picture is intact
    assert sorted(x.name for x in p.parent.iterdir()) == ["r.png"]  # no temporary left


def test_plot_panels_and_bscan_plot(tmp_path):
    b = direct_wave_line()
    p = plot.plot_panels(tmp_path / "p.png", [("raw", b), ("dewow", gprkit.dewow(b))], suptitle="s",
                         velocity_m_per_ns=0.1)
    assert p.read_bytes().startswith(PNG)
    fig, ax = axes()
    assert b.plot(ax=ax, title="t") is ax and ax.get_title() == "t"
    plt = pytest.importorskip("matplotlib.pyplot")
    ax2 = b[:, 10:60].plot(velocity_m_per_ns=0.1)
    try:
        assert ax2.images and _depth_axes(ax2)
    finally:
        plt.close(ax2.figure)


@pytest.mark.parametrize("name", REAL)
def test_real_files(shared_data, tmp_path, name):
    path = shared_data / "real" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    b = gprkit.read(path)
    p = plot.save_bscan(tmp_path / "r.png", b, title=name, velocity_m_per_ns=0.1)
    assert p.read_bytes().startswith(PNG) and p.stat().st_size > 5000
    v = plot.clip_level(b)
    spiked = b.data.copy(order="F")
    spiked[0:3, :] = 1e9
    assert plot.clip_level(b.with_data(spiked)) == pytest.approx(v, rel=0.3)
    fig, ax = axes()
    im = plot.plot_bscan(ax, b)
    lo, hi = ax.get_xlim()
    if b.dx_m == 0 and b.header.get("x_m") is None:
        assert lo <= 0 and hi >= b.n_traces - 1
    assert hi > lo and im.get_array().shape == b.shape
