"""Positions and terrain: distance normalisation, topographic correction, GPS fixes as
per-trace positions, topography files; on simulated lines with known spacing and slope, and
on the real lines of ../shared/data/real."""
import math
import re

import numpy as np
import pytest

import gprkit

V = 0.1


def analytic_line(x, n_samples=200, dt_ns=0.05):
    """Trace j is a Ricker wavelet at a time that depends on its position x_j only (a dipping
    reflector, t = 3 + 2 x ns), so the same section at other positions is known exactly."""
    t = np.arange(n_samples) * dt_ns
    tt = 3.0 + 2.0 * np.asarray(x)[None, :]
    data = gprkit.ricker(t[:, None] - tt, 800.0).astype(np.float32)
    return gprkit.Bscan(np.asfortranarray(data), dt_ns=dt_ns, dx_m=0.0).with_data(
        np.asfortranarray(data), x_m=np.asarray(x, dtype=np.float64))


def test_uneven_spacing_is_resampled_onto_the_regular_line():
    rng = np.random.default_rng(3)
    steps = rng.uniform(0.006, 0.014, 300)  # a wheel at +-40 % of 1 cm
    steps[100:120] = 0.0  # the wheel stopped: 20 traces at one place
    steps[200:210] = 0.001  # slipping
    x = np.concatenate([[0.0], np.cumsum(steps)])
    b = analytic_line(x)
    out = gprkit.normalize_distance(b, spacing_m=0.01)
    n = int(math.floor(x[-1] / 0.01 + 1e-9)) + 1
    assert out.n_traces == n and out.dx_m == 0.01
    assert np.allclose(out.x_m(), 0.01 * np.arange(n), atol=1e-12)
    ref = analytic_line(0.01 * np.arange(n)).data
    # Linear interpolation between traces at most 1.4 cm apart of a dip of 2 ns/m: a shift of
    # at most 0.014 ns between neighbours (dt/3.5), error well under a tenth of the peak.
    err = np.abs(out.data - ref).max()
    assert err < 0.1, err
    # Without normalisation the same comparison is far off (positions differ by up to 20 cm).
    assert np.abs(b.data[:, :n] - ref[:, :b.n_traces][:, :n]).max() > 0.5
    assert out.history[-1]["step"] == "normalize_distance"
    assert out.history[-1]["options"]["spacing_m"] == 0.01


def test_stationary_traces_are_averaged_and_the_default_spacing_is_the_median_step():
    x = np.array([0.0, 0.02, 0.02, 0.02, 0.04, 0.06])
    b = analytic_line(x, n_samples=64)
    rng = np.random.default_rng(1)
    noisy = b.with_data(np.asfortranarray(b.data + rng.normal(0, 0.1, b.data.shape).astype(np.float32)))
    out = gprkit.normalize_distance(noisy)
    assert out.dx_m == pytest.approx(0.02) and out.n_traces == 4
    assert np.allclose(out.data[:, 1], noisy.data[:, 1:4].mean(axis=1), atol=1e-6)
    assert np.allclose(out.data[:, 3], noisy.data[:, 5], atol=1e-6)


def test_a_backwards_line_keeps_its_direction_and_z_follows():
    x = np.linspace(2.0, 0.0, 101)
    x[1:-1] += np.random.default_rng(2).uniform(-0.004, 0.004, 99)
    b = analytic_line(x).with_data(analytic_line(x).data, x_m=x, z_m=10.0 - 0.1 * x)
    out = gprkit.normalize_distance(b, spacing_m=0.02)
    assert out.x_m()[0] == pytest.approx(2.0) and out.x_m()[-1] == pytest.approx(0.0)
    assert np.allclose(np.diff(out.x_m()), -0.02)
    assert np.allclose(out.header["z_m"], 10.0 - 0.1 * out.x_m(), atol=1e-9)


def test_normalize_distance_errors():
    b = analytic_line(np.linspace(0, 1, 11))
    with pytest.raises(gprkit.InvalidArgument, match="per-trace positions"):
        gprkit.normalize_distance(b.with_data(b.data, x_m=None))
    bad = np.linspace(0, 1, 11)
    bad[4] = np.nan
    with pytest.raises(gprkit.InvalidArgument, match=r"x_m\[4\]"):
        gprkit.normalize_distance(b.with_data(b.data, x_m=bad))
    back = np.array([0, 0.1, 0.2, 0.1, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    with pytest.raises(gprkit.InvalidArgument, match="turn back at trace 3"):
        gprkit.normalize_distance(b.with_data(b.data, x_m=back))
    with pytest.raises(gprkit.InvalidArgument, match="spacing_m"):
        gprkit.normalize_distance(b, spacing_m=-1.0)
    with pytest.raises(gprkit.InvalidArgument, match="traces"):
        gprkit.normalize_distance(b, spacing_m=1e-12)
    with pytest.raises(gprkit.InvalidArgument, match="same position"):
        gprkit.normalize_distance(b.with_data(b.data, x_m=np.zeros(11)))
    # A streaming processor cannot run a whole-line step.
    with pytest.raises(Exception, match="normalize_distance"):
        gprkit.StreamProcessor(64, 0.1, pipeline=gprkit.Pipeline([("normalize_distance", {})]))


def sloped_line(slope=0.1, depth=0.4, n_traces=120, dx=0.02, dt_ns=0.05, n_samples=400):
    """A flat reflector at elevation z_r under a ground surface z(x) = 1 - slope x, antenna
    on the ground: its two-way time is 2 (z(x) - z_r) / v, so it dips on the raw section."""
    x = dx * np.arange(n_traces)
    z = 1.0 - slope * x
    z_r = 1.0 - slope * x[-1] - depth
    t = np.arange(n_samples) * dt_ns
    tt = 2.0 * (z - z_r) / V
    data = gprkit.ricker(t[:, None] - tt[None, :], 1000.0).astype(np.float32)
    b = gprkit.Bscan(np.asfortranarray(data), dt_ns=dt_ns, dx_m=dx)
    return b.with_data(b.data, z_m=z), z, z_r


def pick(data, dt_ns):
    """Sub-sample time of each trace's maximum (parabolic)."""
    i = np.argmax(data, axis=0)
    i = np.clip(i, 1, data.shape[0] - 2)
    j = np.arange(data.shape[1])
    a, b0, c = data[i - 1, j], data[i, j], data[i + 1, j]
    return (i + 0.5 * (a - c) / (a - 2 * b0 + c)) * dt_ns


def test_a_flat_reflector_under_a_slope_comes_out_flat():
    b, z, z_r = sloped_line()
    raw = pick(b.data, b.dt_ns)
    assert raw.max() - raw.min() > 4.0  # 2.38 m of slope x 0.1 -> 4.8 ns of dip
    out = gprkit.topographic_correction(b, velocity_m_per_ns=V)
    # Every trace now holds the reflector at the datum's time 2 (z_max - z_r) / v: the section
    # equals the analytic flat one (the band-limited shift is exact for this well-sampled
    # wavelet), so the shift was 2 (datum - z) / v with the datum at the top of the line.
    t = np.arange(out.n_samples) * out.dt_ns
    flat_ref = gprkit.ricker(t - 2 * (z.max() - z_r) / V, 1000.0)
    assert np.abs(out.data - flat_ref[:, None]).max() < 2e-3
    flat = pick(out.data, out.dt_ns)
    assert np.ptp(flat) < 0.1 * b.dt_ns + np.ptp(raw - 2 * (z - z_r) / V)  # within the picker's own error
    assert out.n_samples == b.n_samples + math.ceil(2 * (z.max() - z.min()) / V / b.dt_ns - 1e-9)
    assert out.history[-1]["options"]["datum_m"] == pytest.approx(z.max())
    # A fixed datum below the top moves the higher traces up; extend=False keeps the length.
    same = gprkit.topographic_correction(b, velocity_m_per_ns=V, datum_m=float(z.min()), extend=False)
    assert same.n_samples == b.n_samples
    t = np.arange(same.n_samples) * same.dt_ns
    assert np.abs(same.data - gprkit.ricker(t - 2 * (z.min() - z_r) / V, 1000.0)[:, None]).max() < 2e-3


def test_topographic_correction_errors():
    b, _, _ = sloped_line(n_traces=10)
    with pytest.raises(gprkit.InvalidArgument, match="no surface elevations"):
        gprkit.topographic_correction(b.with_data(b.data, z_m=None))
    with pytest.raises(gprkit.InvalidArgument, match="velocity_m_per_ns"):
        gprkit.topographic_correction(b, velocity_m_per_ns=0.0)
    z = np.asarray(b.header["z_m"]).copy()
    z[3] = np.inf
    with pytest.raises(gprkit.InvalidArgument, match=r"z_m\[3\]"):
        gprkit.topographic_correction(b.with_data(b.data, z_m=z))
    with pytest.raises(gprkit.InvalidArgument, match="delay"):
        gprkit.topographic_correction(b, datum_m=1e6)


def test_steps_run_in_a_pipeline_and_round_trip_as_json():
    b, z, _ = sloped_line()
    p = gprkit.Pipeline([("topographic_correction", {"velocity_m_per_ns": V}), ("dewow", {})])
    q = gprkit.Pipeline.from_json(p.to_json())
    assert np.array_equal(q.run(b).data, gprkit.dewow(gprkit.topographic_correction(b, velocity_m_per_ns=V)).data)
    assert p.reach_traces(b) is None  # the automatic datum needs the whole line
    assert gprkit.Pipeline([("topographic_correction", {"datum_m": 1.0})]).reach_traces(b) == 0


def test_threads_do_not_change_the_results():
    rng = np.random.default_rng(5)
    x = np.concatenate([[0.0], np.cumsum(rng.uniform(0.005, 0.015, 3000))])
    b = analytic_line(x, n_samples=512)
    b = b.with_data(b.data, z_m=1.0 - 0.05 * x)
    outs = []
    for n in (1, 2):
        gprkit.set_num_threads(n)
        outs.append((gprkit.normalize_distance(b).data, gprkit.topographic_correction(b).data))
    gprkit.set_num_threads(0)
    assert np.array_equal(outs[0][0], outs[1][0]) and np.array_equal(outs[0][1], outs[1][1])


# --- topography files -----------------------------------------------------------------------

def test_topography_file_formats(tmp_path):
    two = tmp_path / "two.txt"
    two.write_text("# distance elevation\n0 10.0\n1.5, 10.5\n3;9.0\n\n")
    t = gprkit.read_topography(two)
    assert np.array_equal(t["distance_m"], [0, 1.5, 3]) and np.array_equal(t["elevation_m"], [10, 10.5, 9])
    three = tmp_path / "three.xyz"
    three.write_text("x y z\n100 200 5\n103 204 6\n106 208 7\n")
    t = gprkit.read_topography(three)
    assert np.allclose(t["distance_m"], [0, 5, 10]) and np.array_equal(t["x_m"], [100, 103, 106])
    for text, msg in (("0 1\n1 2 3\n", "line 2 has 3 columns"), ("0 1\n1 nan\n", "not finite"),
                      ("0 1\n", "1 point"), ("0 1\n0 2\n", "distances must increase"),
                      ("0 1\n1 x\n", "not a row of numbers"), ("1 2 3 4\n", "4 columns")):
        f = tmp_path / "bad.txt"
        f.write_text(text)
        with pytest.raises(gprkit.FormatError, match=msg):
            gprkit.read_topography(f)
    with pytest.raises(gprkit.IoError):
        gprkit.read_topography(tmp_path)


def test_topography_parser_survives_random_bytes():
    from gprkit.positions import parse_topography

    rng = np.random.default_rng(0)
    seeds = [b"0 1\n1 2\n", b"1 2 3\n4 5 6\n", b"# c\n0,1\n2,3\n"]
    for k in range(400):
        s = bytearray(seeds[k % 3])
        for _ in range(rng.integers(1, 6)):
            op = rng.integers(3)
            pos = int(rng.integers(len(s) + 1))
            if op == 0:
                s.insert(pos, int(rng.integers(256)))
            elif op == 1 and s:
                del s[min(pos, len(s) - 1)]
            else:
                s[pos:pos] = rng.choice([b"e308", b"-", b".", b"\n", b"inf", b"1e400", b"\x00"])
        try:
            t = parse_topography(bytes(s))
        except gprkit.FormatError:
            continue
        assert np.all(np.isfinite(t["distance_m"])) and np.all(np.diff(t["distance_m"]) > 0)


def test_apply_topography_on_the_gprpy_line(shared_data):
    line = shared_data / "real" / "gprpy" / "GSSI" / "FILE____032.DZT"
    topo_file = line.with_suffix(".txt")
    if not topo_file.is_file():
        pytest.skip(f"{topo_file} is absent")
    b = gprkit.read(line)
    topo = gprkit.read_topography(topo_file)
    rows = [list(map(float, r.split())) for r in topo_file.read_text().split("\n") if r.strip()]
    assert np.array_equal(topo["distance_m"], [r[0] for r in rows])
    withz = gprkit.apply_topography(b, topo_file)
    z = np.asarray(withz.header["z_m"])
    # Exact at the topography's points that fall on traces (the line's dx is 2 cm).
    for d, e in zip(topo["distance_m"], topo["elevation_m"]):
        j = np.flatnonzero(np.isclose(b.x_m(), d, atol=1e-9))
        if j.size:
            assert z[j[0]] == pytest.approx(e)
    # Between points it is the linear interpolation, evaluated independently.
    j = 500
    k = np.searchsorted(topo["distance_m"], b.x_m()[j]) - 1
    d0, d1 = topo["distance_m"][k:k + 2]
    e0, e1 = topo["elevation_m"][k:k + 2]
    assert z[j] == pytest.approx(e0 + (e1 - e0) * (b.x_m()[j] - d0) / (d1 - d0))
    out = gprkit.topographic_correction(withz, velocity_m_per_ns=V)
    delay_ns = 2 * (z.max() - z) / V
    assert out.n_samples == b.n_samples + math.ceil(delay_ns.max() / b.dt_ns - 1e-9)
    # The first trace's direct wave moves by exactly its delay.
    j = int(np.argmax(delay_ns))
    shift = (pick(out.data[:, j:j + 1], b.dt_ns) - pick(b.data[:, j:j + 1], b.dt_ns))[0]
    assert shift == pytest.approx(delay_ns[j], abs=0.2 * b.dt_ns)
    with pytest.raises(ValueError, match="spans"):
        gprkit.apply_topography(b, topo_file, offset_m=10.0)


# --- GPS ------------------------------------------------------------------------------------

def _gga_degrees(field: str, hemi: str) -> float:
    v = float(field)
    d = math.floor(v / 100)
    out = d + (v - 100 * d) / 60
    return -out if hemi in "SW" else out


def _gga_checksum_ok(line: str) -> bool:
    body, _, cs = line[1:].partition("*")
    x = 0
    for c in body:
        x ^= ord(c)
    return cs[:2].upper() == f"{x:02X}"


def test_pulseekko_gps_positions_agree_with_the_file(shared_data):
    folder = shared_data / "real" / "rgpr" / "flagogna_raw"
    lines = sorted(folder.glob("XLINE*.DT1"))
    if not lines:
        pytest.skip(f"{folder} is absent")
    checked = 0
    for dt1 in lines:
        gps = dt1.with_suffix(".GPS")
        b = gprkit.read(dt1)
        fixes = {}
        trace = None
        for raw in gps.read_text(errors="replace").splitlines():
            m = re.match(r"Trace #(\d+)", raw)
            if m:
                trace = int(m.group(1)) - 1
                continue
            f = raw.strip().split(",")
            if trace is None or not raw.startswith("$GPGGA") or trace in fixes or len(f) < 10:
                continue
            if not _gga_checksum_ok(raw.strip()) or not f[2] or not f[6] or int(f[6] or 0) == 0:
                continue
            fixes[trace] = (_gga_degrees(f[2], f[3]), _gga_degrees(f[4], f[5]), float(f[9] or 0))
        if not fixes:
            with pytest.raises(gprkit.InvalidArgument, match="no GPS fixes"):
                gprkit.gps_positions(b)
            continue
        p = gprkit.gps_positions(b)
        assert p["crs"] == "EPSG:4326" and p["n_fixes"] == len(fixes)
        for t, (lat, lon, alt) in fixes.items():
            if t < b.n_traces:
                assert p["latitude_deg"][t] == pytest.approx(lat, abs=1e-9)
                assert p["longitude_deg"][t] == pytest.approx(lon, abs=1e-9)
                assert p["altitude_m"][t] == pytest.approx(alt, abs=1e-9)
        first, last = min(fixes), min(max(fixes), b.n_traces - 1)
        assert (p["first_trace"], p["last_trace"]) == (first, last)
        assert np.isnan(p["latitude_deg"][:first]).all() and not np.isnan(p["distance_m"][first:last + 1]).any()
        # The line's length: the wheel's distance over the fixed traces against the GPS
        # end-to-end distance. A handheld receiver with 5-8 satellites (HDOP 1-3.4 in these
        # files) is good to a few metres, so they agree to within 10 m over 45-50 m.
        wheel = b.x_m()[last] - b.x_m()[first]
        straight = math.hypot(p["east_m"][last], p["north_m"][last])
        assert abs(straight - wheel) < 10.0, (dt1.name, wheel, straight)
        checked += 1
        # Positions for the steps: the fixed stretch, x = distance along the track.
        sub = gprkit.with_gps_positions(b[:, first:last + 1])
        assert np.array_equal(sub.x_m(), p["distance_m"][first:last + 1])
        norm = gprkit.normalize_distance(sub, spacing_m=0.25)
        assert np.allclose(np.diff(norm.x_m()), 0.25)
        assert gprkit.topographic_correction(norm, velocity_m_per_ns=V).n_traces == norm.n_traces
        if first > 0 or last < b.n_traces - 1:
            with pytest.raises(ValueError, match="cover traces"):
                gprkit.with_gps_positions(b)
    assert checked >= 3


def test_mala_cor_positions_agree_with_the_file(shared_data):
    rd3 = shared_data / "real" / "impdar" / "ten_col.rd3"
    if not rd3.is_file():
        pytest.skip(f"{rd3} is absent")
    b = gprkit.read(rd3)
    p = gprkit.gps_positions(b)
    for row in rd3.with_suffix(".cor").read_text().splitlines():
        f = row.split()
        t = int(f[0]) - 1
        if t >= b.n_traces:
            continue
        lat = float(f[3]) * (-1 if f[4] == "S" else 1)
        lon = float(f[5]) * (-1 if f[6] == "W" else 1)
        assert p["latitude_deg"][t] == pytest.approx(lat, abs=1e-9)
        assert p["longitude_deg"][t] == pytest.approx(lon, abs=1e-9)
        assert p["altitude_m"][t] == pytest.approx(float(f[7]), abs=1e-9)


def test_local_track_on_a_known_bearing():
    """Fixes every 10 traces, 1 m per trace on a 30 degree bearing, made independently from
    the WGS 84 radii of curvature at the start: distance and bearing come back."""
    lat0, lon0 = math.radians(46.2), math.radians(12.97)
    a, e2 = 6378137.0, 6.69437999014e-3
    s = math.sin(lat0)
    m_radius = a * (1 - e2) / (1 - e2 * s * s) ** 1.5
    n_radius = a / math.sqrt(1 - e2 * s * s)
    brg = math.radians(30.0)
    lats, lons = [], []
    for k in range(201):
        d = float(k)
        lats.append(math.degrees(lat0 + d * math.cos(brg) / m_radius))
        lons.append(math.degrees(lon0 + d * math.sin(brg) / (n_radius * math.cos(lat0))))
    b = gprkit.simulate(n_samples=8, n_traces=201, dt_ns=0.1).bscan
    raw = dict(b.header["raw"])
    raw.update(gps_trace=",".join(str(k) for k in range(0, 201, 10)),
               gps_latitude_deg=",".join(repr(v) for v in lats[::10]),
               gps_longitude_deg=",".join(repr(v) for v in lons[::10]),
               gps_altitude_m=",".join("100" for _ in lats[::10]))
    b = b.with_data(b.data, raw=raw)
    p = gprkit.gps_positions(b)
    assert p["distance_m"][200] == pytest.approx(200.0, rel=1e-4)
    assert math.degrees(math.atan2(p["east_m"][200], p["north_m"][200])) == pytest.approx(30.0, abs=0.01)
    assert np.allclose(np.diff(p["distance_m"]), 1.0, rtol=1e-3)  # interpolated between fixes
    raw.update(gps_trace="500,600")
    raw.update(gps_latitude_deg="46,46.1", gps_longitude_deg="12,12", gps_altitude_m="0,0")
    with pytest.raises(gprkit.InvalidArgument, match="beyond the line"):
        gprkit.gps_positions(b.with_data(b.data, raw=raw))
    raw.update(gps_trace="garbage")
    with pytest.raises(gprkit.InvalidArgument, match="no GPS fixes"):
        gprkit.gps_positions(b.with_data(b.data, raw=raw))
