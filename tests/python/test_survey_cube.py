"""gprkit.Cube: parallel lines assembled into a volume, sliced at the objects' true x, y and
depth, and sharpened by 3-D migration."""
import numpy as np
import pytest

import gprkit
from gprkit.scenes import survey_grid

V = 0.1
OBJECTS = [(0.6, 0.30, 0.15), (1.4, 0.70, 0.25), (1.0, 0.50, 0.10, 0.7)]


@pytest.fixture(scope="module")
def survey():
    return survey_grid(OBJECTS, n_lines=21, line_spacing_m=0.05, reverse_every_other=True,
                       velocity_m_per_ns=V, noise_std=0.002)


@pytest.fixture(scope="module")
def cube(survey):
    return gprkit.Cube.from_lines(survey.lines, survey.line_spacing_m, reverse_every_other=True)


def peak_near(cube, img, x, y, radius_m=0.2):
    """(x, y) of the largest value of img within radius_m of (x, y)."""
    xx, yy = np.meshgrid(cube.x_m, cube.y_m)
    masked = np.where(np.hypot(xx - x, yy - y) <= radius_m, img, -np.inf)
    iy, ix = np.unravel_index(np.argmax(masked), img.shape)
    return cube.x_m[ix], cube.y_m[iy], iy, ix


def half_width_m(row, i, spacing):
    """Full width at half maximum (m) of a peak at index i of a 1-D profile."""
    half = row[i] / 2
    lo, hi = i, i
    while lo > 0 and row[lo - 1] > half:
        lo -= 1
    while hi < len(row) - 1 and row[hi + 1] > half:
        hi += 1
    return (hi - lo + 1) * spacing


def test_grid_and_layout(survey, cube):
    assert cube.shape == (256, 21, 101)
    assert cube.data.dtype == np.float32
    assert np.allclose(cube.y_m, 0.05 * np.arange(21)) and np.allclose(cube.x_m, 0.02 * np.arange(101))
    assert (cube.dt_ns, cube.dx_m, cube.dy_m, cube.t0_ns) == (0.05, 0.02, 0.05, 0.0)
    # Lines of equal length and spacing keep their grid: copied, not resampled; the reversed
    # lines are turned round.
    assert np.array_equal(cube.data[:, 0, :], survey.lines[0].data)
    assert np.array_equal(cube.data[:, 1, :], survey.lines[1].data[:, ::-1])
    # Each line is a contiguous B-scan shared with the cube.
    line = cube.line(3)
    assert line.data.flags.f_contiguous and np.shares_memory(line.data, cube.data)
    assert np.allclose(line.header["y_m"], 0.15)


def test_depth_slices_peak_at_the_objects_and_migration_sharpens_them(cube):
    mig = gprkit.migrate_cube(cube, "stolt", V)
    assert isinstance(mig, gprkit.Cube) and mig.shape == cube.shape
    for x, y, d, *_ in OBJECTS:
        before = cube.depth_slice(d, V, window_m=0.02)
        after = mig.depth_slice(d, V, window_m=0.02)
        assert before.shape == (cube.n_lines, cube.n_traces)
        for img, c in ((before, cube), (after, mig)):
            px, py, _, _ = peak_near(c, img, x, y)
            assert abs(px - x) <= c.dx_m + 1e-9 and abs(py - y) <= c.dy_m + 1e-9, (x, y, d, px, py)
        # The migrated slice's global maximum at this depth is this object.
        iy, ix = np.unravel_index(np.argmax(after), after.shape)
        assert abs(mig.x_m[ix] - x) <= mig.dx_m + 1e-9 and abs(mig.y_m[iy] - y) <= mig.dy_m + 1e-9
        _, _, iy, ix = peak_near(cube, before, x, y)
        w_before = half_width_m(before[iy], ix, cube.dx_m)
        _, _, iy, ix = peak_near(mig, after, x, y)
        w_after = half_width_m(after[iy], ix, mig.dx_m)
        # Unmigrated, the apex is as wide as the first Fresnel zone (~ sqrt(lambda d / 2),
        # 9-12 cm here); migration focuses it to about the wavelet's own size.
        assert w_after < 0.5 * w_before, (d, w_before, w_after)


def test_reversed_lines_must_be_turned_round(survey):
    """Without reverse_every_other the odd lines put the objects at the mirrored x: the depth
    slice then no longer peaks at the true x on those lines."""
    wrong = gprkit.Cube.from_lines(survey.lines, survey.line_spacing_m)
    x, y, d = OBJECTS[0]
    img = wrong.depth_slice(d, V, window_m=0.02)
    iy = int(np.argmin(abs(wrong.y_m - y)))
    odd = iy if iy % 2 else iy + 1
    ix = int(np.argmax(img[odd]))
    assert abs(wrong.x_m[ix] - (2.0 - x)) <= wrong.dx_m + 1e-9  # mirrored about the line's middle


def test_time_slice_matches_the_envelope(cube):
    env = gprkit.envelope(cube.line(4)).data
    t = 3.0
    i = int(round(t / cube.dt_ns))
    assert np.allclose(cube.time_slice(t)[4], env[i].astype(np.float64) ** 2, rtol=1e-5, atol=1e-12)
    # A window averages the squared envelope over the samples inside it.
    w = cube.time_slice(t, window_ns=0.2)[4]
    assert np.allclose(w, np.mean(env[i - 2:i + 3].astype(np.float64) ** 2, axis=0), rtol=1e-5, atol=1e-12)
    with pytest.raises(ValueError, match="t_ns"):
        cube.time_slice(1e6)
    with pytest.raises(ValueError, match="velocity_m_per_ns"):
        cube.depth_slice(0.1, 0.0)


def test_uneven_lines_are_resampled_onto_one_grid():
    """Lines of different lengths and positions are interpolated onto the union grid; the
    objects stay at their x."""
    forward = survey_grid(OBJECTS, n_lines=21, line_spacing_m=0.05, velocity_m_per_ns=V)
    lines = [b[:, 5 * (i % 3):] for i, b in enumerate(forward.lines)]  # starting at 0, 0.1, 0.2 m
    c = gprkit.Cube.from_lines(lines, forward.line_spacing_m)
    assert np.isclose(c.x_m[0], 0.0) and np.isclose(c.x_m[-1], 2.0) and c.n_traces == 101
    assert np.all(c.data[:, 1, :5] == 0)  # not covered by line 1
    mig = gprkit.migrate_cube(c, "stolt", V)
    x, y, d = OBJECTS[1]
    img = mig.depth_slice(d, V, window_m=0.02)
    px, py, _, _ = peak_near(mig, img, x, y)
    assert abs(px - x) <= mig.dx_m + 1e-9 and abs(py - y) <= mig.dy_m + 1e-9


def test_bad_grids_name_the_line(survey, tmp_path):
    lines = list(survey.lines[:3])
    short = lines[1][:128, :]
    with pytest.raises(ValueError, match="line 1 has 128 samples"):
        gprkit.Cube.from_lines([lines[0], short, lines[2]], 0.05)
    other_dt = lines[2].with_data(lines[2].data, dt_ns=0.1)
    with pytest.raises(ValueError, match="line 2 has dt_ns"):
        gprkit.Cube.from_lines([lines[0], lines[1], other_dt], 0.05)
    no_pos = lines[1].with_data(lines[1].data, x_m=None, dx_m=0.0)
    with pytest.raises(ValueError, match="line 1 has no per-trace positions"):
        gprkit.Cube.from_lines([lines[0], no_pos], 0.05)
    with pytest.raises(ValueError, match="line_spacing_m"):
        gprkit.Cube.from_lines(lines, 0.0)
    with pytest.raises(ValueError, match="no lines"):
        gprkit.Cube.from_lines([], 0.05)
    paths = []
    for i, b in enumerate(lines):
        paths.append(tmp_path / f"line{i}.npy")
        gprkit.write(b, paths[-1])
    with pytest.raises(FileNotFoundError, match="missing.npy"):
        gprkit.Cube.from_files([paths[0], tmp_path / "missing.npy", paths[2]], 0.05)
    bad = tmp_path / "broken.dzt"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(Exception, match="broken.dzt"):
        gprkit.Cube.from_files([paths[0], bad], 0.05)


def test_from_files_with_a_pipeline(survey, tmp_path):
    paths = []
    for i, b in enumerate(survey.lines[:4]):
        paths.append(tmp_path / f"line{i:02d}.npy")
        gprkit.write(b, paths[-1])
    c = gprkit.Cube.from_files(paths, 0.05, reverse_every_other=True, pipeline=[("gain", {"kind": "tpow", "power": 1.0})])
    assert c.sources == [str(p) for p in paths]
    expected = gprkit.gain(survey.lines[1], kind="tpow", power=1.0).data[:, ::-1]
    assert np.array_equal(c.data[:, 1, :], expected)


def test_plot_slice_writes_a_picture(cube, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "slice.png"
    ax = cube.plot_slice(depth_m=0.15, velocity_m_per_ns=V, window_m=0.02, path=out,
                         truth=[(x, y) for x, y, *_ in OBJECTS])
    assert out.stat().st_size > 1000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "depth 0.15" in ax.get_title()
    with pytest.raises(ValueError, match="either t_ns or depth_m"):
        cube.plot_slice()


def test_to_xarray(cube):
    pytest.importorskip("xarray")
    da = cube.to_xarray()
    assert da.dims == ("time_ns", "y_m", "x_m") and np.shares_memory(da.values, cube.data)
    assert np.allclose(da["y_m"].values, cube.y_m) and da.attrs["dx_m"] == cube.dx_m


def test_aliased_spacing_warns(survey):
    coarse = gprkit.Cube.from_lines(survey.lines[::2], 2 * survey.line_spacing_m, reverse_every_other=False)
    with pytest.warns(UserWarning, match="dy_m = 0.1 m exceeds half a wavelength"):
        gprkit.migrate_cube(coarse, "stolt", V)


def test_slices_command(survey, tmp_path):
    pytest.importorskip("matplotlib")
    from gprkit.cli import main

    lines = tmp_path / "lines"
    lines.mkdir()
    for i, b in enumerate(survey.lines):
        gprkit.write(b, lines / f"L{i:02d}.dt1")
    out = tmp_path / "out"
    assert main(["slices", str(lines), "--line-spacing", "0.05", "--reverse-every-other", "--migrate", "stolt",
                 "--velocity", "0.1", "--depth", "0.15", "--time", "3", "--out", str(out)]) == 0
    assert (out / "depth_0.150m.png").stat().st_size > 1000 and (out / "time_3.00ns.png").is_file()
    vol = np.load(out / "cube.npy")
    assert vol.shape == (256, 21, 101)
    x, y, d = OBJECTS[0]
    expected = gprkit.migrate_cube(gprkit.Cube.from_lines([gprkit.read(p) for p in sorted(lines.glob("*.dt1"))],
                                                          0.05, reverse_every_other=True), "stolt", V)
    assert np.array_equal(vol, expected.data)
    assert main(["slices", str(lines), "--line-spacing", "0.05", "--depth", "0.1", "--out", str(out)]) == 2  # no velocity
    assert main(["slices", str(lines / "L00.dt1"), "--line-spacing", "0.05", "--time", "1", "--out", str(out)]) == 2
