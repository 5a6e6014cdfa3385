"""gprkit.read / gprkit.write / gprkit.io against real files, independent readers and h5py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gprkit
from gprkit import io


def _real(shared_data: Path, rel: str) -> Path:
    p = shared_data / "real" / rel
    if not p.exists():
        pytest.skip(f"{p} is absent")
    return p


def _onset(data: np.ndarray, frac: float = 0.05) -> int:
    env = np.abs(data - np.median(data, axis=0)).mean(axis=1)
    return int(np.argmax(env > frac * env.max()))


def test_read_dzt_real(shared_data):
    path = _real(shared_data, "gprpy/GSSI/FILE____032.DZT")
    b = gprkit.read(path)
    assert isinstance(b, gprkit.Bscan)
    raw = b.header["raw"]
    # 512 words a scan, of which the first 2 (scan counter, mark word) are dropped
    assert b.shape == (int(raw["rh_nsamp"]) - 2, (path.stat().st_size - 1024) // (512 * 2))
    assert b.t0_ns == pytest.approx(2 * b.dt_ns)
    assert b.dt_ns == pytest.approx(float(raw["rhf_range"]) / int(raw["rh_nsamp"]))
    assert b.header["centre_frequency_mhz"] == 400
    assert b.data.flags.f_contiguous and b.data.dtype == np.float32
    assert np.isfinite(b.data).all()
    assert _onset(b.data) < 0.1 * b.n_samples
    # centred: the quiet part of a trace sits near 0, not near 32768
    assert abs(np.median(b.data[5:40])) < 50
    chans = gprkit.read(path, channel=None)
    assert isinstance(chans, list) and len(chans) == 1
    with pytest.raises(ValueError):
        gprkit.read(path, channel=1)


def test_time_zero_on_real_gssi_files_lands_on_the_direct_wave(shared_data):
    """GSSI's header words must not reach the data: time-zero picks the direct wave, which is
    the strongest early arrival (the peak of the mean |trace|), not sample 0 or 1."""
    paths = sorted(p for p in (shared_data / "real").rglob("*") if p.suffix.lower() == ".dzt")
    if not paths:
        pytest.skip(f"no GSSI DZT file under {shared_data / 'real'}")
    for path in paths:
        b = gprkit.read(path)
        assert np.abs(b.data[:2]).max() < 0.5 * np.abs(b.data).max(), path  # no counter words
        env = np.abs(b.data - np.median(b.data, axis=0)).mean(axis=1)
        t_peak = b.t0_ns + int(np.argmax(env[: b.n_samples // 2])) * b.dt_ns
        period_ns = 1e3 / (b.header["centre_frequency_mhz"] or 400.0)
        pick_ns = b.t0_ns + float(np.median(gprkit.pick_time_zero(b))) * b.dt_ns
        assert t_peak - 1.5 * period_ns <= pick_ns <= t_peak + 0.5 * period_ns, (path, pick_ns, t_peak)
        assert pick_ns > 1.0, (path, pick_ns)
        assert gprkit.time_zero(b).t0_ns == pytest.approx(b.t0_ns - pick_ns, abs=2 * b.dt_ns)
        # Every trace on the same lobe: no pick half a period away from the line's (a lobe near
        # the threshold used to win in some traces and lose in others: a jagged section).
        picks_ns = b.t0_ns + gprkit.pick_time_zero(b) * b.dt_ns
        assert np.abs(picks_ns - pick_ns).max() < 0.25 * period_ns, (path, np.abs(picks_ns - pick_ns).max())


def test_read_dt1_real_matches_hd(shared_data):
    path = _real(shared_data, "gprpy/SnS/ComOffs/XLINE00.DT1")
    b = gprkit.read(path)
    hd = {}
    for line in (path.with_suffix(".HD")).read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            hd[k.strip()] = v.strip()
    assert b.n_traces == int(hd["NUMBER OF TRACES"])
    assert b.n_samples == int(hd["NUMBER OF PTS/TRC"])
    assert b.dt_ns == pytest.approx(float(hd["TOTAL TIME WINDOW"]) / b.n_samples)
    assert b.dx_m == pytest.approx(float(hd["STEP SIZE USED"]) * 0.3048)  # feet
    assert b.x_m()[-1] == pytest.approx(float(hd["FINAL POSITION"]) * 0.3048)
    # no hidden data changes: samples equal the int16 words after each 128-byte trace header
    raw = np.fromfile(path, dtype="<i2").reshape(b.n_traces, 64 + b.n_samples)[:, 64:].T
    np.testing.assert_array_equal(b.data, raw.astype(np.float32))


def test_read_mala_real(shared_data):
    path = _real(shared_data, "impdar/ten_col.rd3")
    b = gprkit.read(path)
    rad = dict(line.split(":", 1) for line in path.with_suffix(".rad").read_text().splitlines() if ":" in line)
    assert b.shape == (int(rad["SAMPLES"]), int(rad["LAST TRACE"]))
    assert b.dt_ns == pytest.approx(1000 / float(rad["FREQUENCY"]))
    assert float(rad["TIMEWINDOW"]) == pytest.approx(2 * b.n_samples * b.dt_ns, rel=1e-6)
    np.testing.assert_array_equal(b.data, np.fromfile(path, "<i2").reshape(-1, 512).T)


@pytest.mark.parametrize("ext", [".dzt", ".dt1", ".sgy", ".npy"])
def test_round_trip(tmp_path, ext):
    rng = np.random.default_rng(3)
    data = np.asfortranarray(rng.integers(-20000, 20000, size=(200, 30)).astype(np.float32))
    b = gprkit.Bscan(data, dt_ns=0.05, dx_m=0.02, t0_ns=-1.0, centre_frequency_mhz=1000.0)
    gprkit.write(b, tmp_path / f"line{ext}")
    r = gprkit.read(tmp_path / f"line{ext}")
    np.testing.assert_array_equal(r.data, b.data)
    assert r.dt_ns == pytest.approx(0.05, rel=1e-6)
    assert r.t0_ns == pytest.approx(-1.0, rel=1e-6)
    assert r.header["centre_frequency_mhz"] == pytest.approx(1000.0)
    # second trip is exact in every field
    gprkit.write(r, tmp_path / f"again{ext}")
    r2 = gprkit.read(tmp_path / f"again{ext}")
    np.testing.assert_array_equal(r2.data, r.data)
    for k in ("dt_ns", "t0_ns", "dx_m", "centre_frequency_mhz", "antenna_separation_m"):
        assert r2.header[k] == r.header[k], k
    assert r2.header["raw"] == r.header["raw"]


# The Header fields each format holds (besides dt_ns and the samples).
_HELD = {
    ".dzt": ("t0_ns", "dx_m", "antenna_separation_m", "centre_frequency_mhz", "x_m", "gps"),
    ".dt1": ("t0_ns", "dx_m", "antenna_separation_m", "centre_frequency_mhz", "x_m", "z_m", "gps"),
    ".sgy": ("t0_ns", "dx_m", "antenna_separation_m", "centre_frequency_mhz", "x_m", "y_m", "z_m"),
    ".npy": ("t0_ns", "dx_m", "antenna_separation_m", "antenna_height_m", "centre_frequency_mhz",
             "x_m", "y_m", "z_m", "gps"),
}


@pytest.mark.parametrize("ext", sorted(_HELD))
def test_round_trip_keeps_every_field_the_format_holds(tmp_path, ext):
    n = 12
    data = np.asfortranarray(np.random.default_rng(4).integers(-900, 900, (64, n)).astype(np.float32))
    x = 3.0 + 0.05 * np.arange(n)
    gps = {"gps_trace": "0,5,11", "gps_latitude_deg": "46.19915,46.1992,-46.2",
           "gps_longitude_deg": "12.97036,12.9704,-12.5", "gps_altitude_m": "120.5,121,-3"}
    b = gprkit.Bscan(data, dt_ns=0.125, t0_ns=2.5, dx_m=0.05, antenna_separation_m=0.25,
                     antenna_height_m=0.05, centre_frequency_mhz=800.0, x_m=x,
                     y_m=np.full(n, 7.5), z_m=np.linspace(1, 2, n), raw=gps)
    gprkit.write(b, tmp_path / f"a{ext}")
    r = gprkit.read(tmp_path / f"a{ext}")
    np.testing.assert_array_equal(r.data, data)
    assert r.dt_ns == pytest.approx(0.125)
    for k in _HELD[ext]:
        if k == "gps":
            assert r.header["raw"]["gps_trace"] == gps["gps_trace"]
            for key in ("gps_latitude_deg", "gps_longitude_deg", "gps_altitude_m"):
                got = [float(v) for v in r.header["raw"][key].split(",")]
                np.testing.assert_allclose(got, [float(v) for v in gps[key].split(",")], atol=1e-9)
        elif k.endswith("_m") and k[0] in "xyz":
            # SEG-Y keeps coordinates as scaled integers (at best 1e-4 m)
            np.testing.assert_allclose(r.header[k], b.header[k], rtol=1e-6, atol=1e-4, err_msg=k)
        else:
            assert r.header[k] == pytest.approx(b.header[k], rel=1e-6), k


def test_dzt_read_by_readgssi(tmp_path):
    try:
        from readgssi.dzt import readdzt
    except ImportError as e:
        pytest.skip(f"readgssi is not importable ({e}); scripts/setup.sh installs it")
    data = np.asfortranarray(np.random.default_rng(2).integers(-3000, 3000, (128, 20)).astype(np.float32))
    b = gprkit.Bscan(data, dt_ns=0.1, dx_m=0.02, t0_ns=-1.0, centre_frequency_mhz=400.0)
    gprkit.write(b, tmp_path / "r.dzt")
    hdr, arrays, _ = readdzt(str(tmp_path / "r.dzt"))
    assert hdr["rh_nsamp"] == 130
    assert hdr["rhf_range"] == pytest.approx(13.0)
    assert hdr["rhf_epsr"] >= 1  # 0 made readgssi divide by zero
    assert hdr["rhf_spm"] == pytest.approx(50.0)
    assert hdr["rhf_position"] == pytest.approx(1.2)  # the time of the counter word
    assert hdr["antfreq"][0] == 400
    # readgssi keeps GSSI's 2 header words of every scan (counter, mark); gprkit writes them
    np.testing.assert_array_equal(np.asarray(arrays[0])[2:].astype(np.float64), data + 32768.0)
    np.testing.assert_array_equal(np.asarray(arrays[0])[0], np.arange(20))


def test_segy_read_by_segyio(tmp_path):
    segyio = pytest.importorskip("segyio")
    rng = np.random.default_rng(5)
    data = np.asfortranarray(rng.normal(size=(256, 17)).astype(np.float32))
    x = 500000.0 + 0.05 * np.arange(17)
    b = gprkit.Bscan(data, dt_ns=0.1, dx_m=0.05, x_m=x, y_m=np.full(17, 4e6))
    path = tmp_path / "a.sgy"
    gprkit.write(b, path)
    with segyio.open(path, ignore_geometry=True) as f:
        assert f.tracecount == 17
        assert len(f.samples) == 256
        assert segyio.tools.dt(f) == 100  # ps in the "microsecond" field
        for j in range(17):
            np.testing.assert_array_equal(f.trace[j], data[:, j])
        sx = f.attributes(segyio.TraceField.SourceX)[:]
        scal = f.attributes(segyio.TraceField.SourceGroupScalar)[:]
        np.testing.assert_allclose(sx / -scal.astype(float), x, atol=1e-3)
        assert f.bin[segyio.BinField.Format] == 5


def test_segy_written_by_segyio_is_read(tmp_path):
    segyio = pytest.importorskip("segyio")
    path = tmp_path / "ext.sgy"
    data = np.arange(40 * 6, dtype=np.float32).reshape(6, 40)  # segyio: (traces, samples)
    spec = segyio.spec()
    spec.format = 1  # IBM float
    spec.samples = list(range(40))
    spec.tracecount = 6
    with segyio.create(path, spec) as f:
        f.bin[segyio.BinField.Interval] = 250
        for j in range(6):
            f.header[j] = {segyio.TraceField.TRACE_SAMPLE_INTERVAL: 250}
            f.trace[j] = data[j]
    b = gprkit.read(path)
    assert b.shape == (40, 6)
    assert b.dt_ns == pytest.approx(0.25)
    np.testing.assert_array_equal(b.data, data.T)


def _write_gprmax(path: Path, traces: np.ndarray, dt_s: float, merged: bool) -> None:
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        f.attrs["gprMax"] = "3.1.7"
        f.attrs["Title"] = "test scene"
        f.attrs["Iterations"] = traces.shape[0]
        f.attrs["dt"] = dt_s
        f.attrs["dx_dy_dz"] = (0.002, 0.002, 0.002)
        f.attrs["nx_ny_nz"] = (200, 100, 1)
        f.attrs["nrx"] = 1
        f.attrs["nsrc"] = 1
        f.attrs["srcsteps"] = (5, 0, 0)
        f.attrs["rxsteps"] = (5, 0, 0)
        src = f.create_group("srcs/src1")
        src.attrs["Position"] = (0.04, 0.17, 0.0)
        src.attrs["Type"] = "HertzianDipole"
        rx = f.create_group("rxs/rx1")
        rx.attrs["Name"] = "Rx(44,85,0)"
        rx.attrs["Position"] = (0.08, 0.17, 0.0)
        for comp in ("Ex", "Ey", "Ez", "Hx", "Hy", "Hz"):
            arr = traces if merged else traces[:, 0]
            rx[comp] = (arr * (1.0 if comp == "Ez" else 0.5)).astype(np.float32)


def test_gprmax_single_and_merged(tmp_path):
    dt_s = 2e-12
    n = 5001
    t = np.arange(n) * dt_s * 1e9
    traces = np.stack([np.sin(2 * np.pi * 0.4 * t + k) for k in range(4)], axis=1)
    _write_gprmax(tmp_path / "single.out", traces, dt_s, merged=False)
    _write_gprmax(tmp_path / "merged.out", traces, dt_s, merged=True)
    s = gprkit.read(tmp_path / "single.out")
    assert s.shape == (n, 1)
    assert s.dt_ns == pytest.approx(0.002)
    np.testing.assert_array_equal(s.data[:, 0], traces[:, 0].astype(np.float32))
    m = gprkit.read(tmp_path / "merged.out")
    assert m.shape == (n, 4)
    assert m.dx_m == pytest.approx(0.01)  # rxsteps 5 cells x 2 mm
    assert m.header["antenna_separation_m"] == pytest.approx(0.04)
    np.testing.assert_array_equal(m.data, traces.astype(np.float32))
    # h5py's variable-length strings, and the midpoint of source (4 cm) and receiver (8 cm)
    # moving 1 cm per run, in model coordinates
    raw = m.header["raw"]
    assert (raw["gprMax"], raw["Title"], raw["rx_name"], raw["src_type"]) == (
        "3.1.7", "test scene", "Rx(44,85,0)", "HertzianDipole")
    np.testing.assert_allclose(m.header["x_m"], 0.06 + 0.01 * np.arange(4), atol=1e-12)
    assert s.header["x_m"] == pytest.approx([0.06])
    hy = gprkit.read(tmp_path / "merged.out", gprmax_component="Hy")
    np.testing.assert_allclose(hy.data, 0.5 * traces.astype(np.float32), rtol=1e-6)
    r = gprkit.read(tmp_path / "merged.out", gprmax_dt_ns=0.05)
    assert r.dt_ns == 0.05 and r.n_samples == 201
    tt = np.arange(201) * 0.05
    for k in range(4):
        np.testing.assert_allclose(r.data[10:190, k], np.sin(2 * np.pi * 0.4 * tt + k)[10:190], atol=3e-3)
    with pytest.raises(gprkit.FormatError):
        gprkit.read(tmp_path / "merged.out", gprmax_component="Bogus")


def test_gprmax_limits(tmp_path):
    h5py = pytest.importorskip("h5py")
    # a few kB declaring 16 GiB of never-written chunks: refused, nothing allocated
    with h5py.File(tmp_path / "huge.out", "w") as f:
        f.attrs["dt"] = 2e-12
        f.create_dataset("rxs/rx1/Ez", shape=(2**16, 2**16), dtype="f4", chunks=True)
    assert (tmp_path / "huge.out").stat().st_size < 10000
    with pytest.raises(gprkit.FormatError, match="limit of 4 GiB"):
        gprkit.read(tmp_path / "huge.out")
    with h5py.File(tmp_path / "empty.out", "w") as f:
        f.attrs["dt"] = 2e-12
        f.create_dataset("rxs/rx1/Ez", shape=(1000, 500), dtype="f4", chunks=True)
    with pytest.raises(gprkit.FormatError, match="never written"):
        gprkit.read(tmp_path / "empty.out")
    # attributes of the wrong type and objects of the wrong kind
    with h5py.File(tmp_path / "bad.out", "w") as f:
        f.attrs["dt"] = "2e-12"
        f.create_dataset("rxs/rx1/Ez", data=np.zeros(10, "f4"))
    with pytest.raises(gprkit.FormatError, match="'dt' missing"):
        gprkit.read(tmp_path / "bad.out")
    with h5py.File(tmp_path / "kind.out", "w") as f:
        f.attrs["dt"] = 2e-12
        f.create_dataset("rxs", data=np.zeros(3))
    with pytest.raises(gprkit.FormatError, match="no /rxs group"):
        gprkit.read(tmp_path / "kind.out")
    # resampling: bounded, with the size in the message
    with h5py.File(tmp_path / "a.out", "w") as f:
        f.attrs["dt"] = 2e-12
        f.create_dataset("rxs/rx1/Ez", data=np.zeros((5001, 4), "f4"))
    with pytest.raises(ValueError, match="at most 4 GiB"):
        gprkit.read(tmp_path / "a.out", gprmax_dt_ns=1e-8)
    assert gprkit.read(tmp_path / "a.out", gprmax_dt_ns=1e-4).shape == (100001, 4)


def test_gprmax_more_than_1024_receivers(tmp_path):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "many.out", "w") as f:
        f.attrs["dt"] = 2e-12
        for r in range(1, 1101):
            f.create_dataset(f"rxs/rx{r}/Ez", data=np.full(6, r, "f4"))
    rx = gprkit.read(tmp_path / "many.out", channel=None)
    assert len(rx) == 1100
    assert rx[-1].header["raw"]["receiver"] == "/rxs/rx1100"
    assert rx[-1].data[0, 0] == 1100


def test_npy_sidecar(tmp_path):
    b = gprkit.Bscan(np.ones((10, 3), np.float32), dt_ns=0.125, antenna_height_m=0.05,
                     x_m=[0.0, 0.5, 1.5], raw={"operator": "a \"quoted\" name"})
    gprkit.write(b, tmp_path / "x.npy")
    side = json.loads((tmp_path / "x.npy.json").read_text())
    assert side["dt_ns"] == 0.125 and side["x_m"] == [0.0, 0.5, 1.5]
    np.testing.assert_array_equal(np.load(tmp_path / "x.npy"), b.data)  # numpy reads it
    r = gprkit.read(tmp_path / "x.npy")
    assert r.header["antenna_height_m"] == 0.05
    assert r.header["raw"]["operator"] == 'a "quoted" name'
    # numpy-written C-order float64 without sidecar
    np.save(tmp_path / "c.npy", np.arange(12.0).reshape(4, 3))
    c = gprkit.read(tmp_path / "c.npy")
    np.testing.assert_array_equal(c.data, np.arange(12.0).reshape(4, 3))


def test_latin1_header_text(tmp_path):
    """HD and RAD files with a Latin-1 operator name read from Python as UTF-8 text."""
    b = gprkit.Bscan(np.zeros((8, 3), np.float32), dt_ns=0.5)
    gprkit.write(b, tmp_path / "a.dt1")
    hd = tmp_path / "a.hd"
    hd.write_bytes(hd.read_bytes() + b"OPERATOR = Jos\xe9 M\xfcller\r\n")
    r = gprkit.read(tmp_path / "a.dt1")
    assert r.header["raw"]["OPERATOR"] == "José Müller"
    gprkit.write(r, tmp_path / "b.dt1")  # written back in the HD's own 8-bit encoding
    assert b"OPERATOR = Jos\xe9 M\xfcller" in (tmp_path / "b.hd").read_bytes()
    assert gprkit.read(tmp_path / "b.dt1").header["raw"]["OPERATOR"] == "José Müller"
    (tmp_path / "m.rd3").write_bytes(bytes(2 * 4 * 2))
    (tmp_path / "m.rad").write_bytes(b"SAMPLES:4\r\nFREQUENCY:1000\r\nOPERATOR:Jos\xe9 M\xfcller\r\n")
    m = gprkit.read(tmp_path / "m.rd3")
    assert m.header["raw"]["OPERATOR"] == "José Müller"


@pytest.mark.parametrize("raw, expected", [
    (b'"\\ud83d\\ude00"', "\U0001F600"),  # an emoji as an escaped surrogate pair
    (b'"\\ud83d"', None),                   # a lone high surrogate
    (b'"a\\udc00b"', None),                 # a lone low surrogate
    (b'"Jos\xe9"', "José"),                  # a sidecar saved in Latin-1
])
def test_npy_sidecar_text(tmp_path, raw, expected):
    gprkit.write(gprkit.Bscan(np.ones((4, 2), np.float32), dt_ns=0.1), tmp_path / "x.npy")
    (tmp_path / "x.npy.json").write_bytes(b'{"dt_ns": 0.1, "raw": {"op": ' + raw + b"}}")
    if expected is None:
        with pytest.raises(gprkit.FormatError, match="surrogate"):
            gprkit.read(tmp_path / "x.npy")
    else:
        assert gprkit.read(tmp_path / "x.npy").header["raw"]["op"] == expected


def test_bad_files(tmp_path):
    (tmp_path / "t.dzt").write_bytes(b"\x00" * 100)
    with pytest.raises(gprkit.FormatError, match="truncated"):
        gprkit.read(tmp_path / "t.dzt")
    (tmp_path / "w.npy").write_bytes(b"NOTNUMPY" + b"\x00" * 100)
    with pytest.raises(gprkit.FormatError):
        gprkit.read(tmp_path / "w.npy")
    with pytest.raises(gprkit.IoError):
        gprkit.read(tmp_path / "missing.dzt")
    with pytest.raises(ValueError):
        gprkit.write(gprkit.Bscan(np.zeros((4, 4), np.float32), dt_ns=0.1), tmp_path / "x.txt")


def test_info_table_and_cli(tmp_path, shared_data):
    path = _real(shared_data, "rgpr/flagogna_raw/XLINE001.DT1")
    table = io.info_table(path)
    assert "NUMBER OF PTS/TRC" in table and "dt_ns" in table and "0.8" in table
    assert io.detect_format(path) == "dt1"
    out = subprocess.run([sys.executable, "-m", "gprkit", "info", str(path)], capture_output=True,
                         text=True, check=True)
    assert "TOTAL TIME WINDOW" in out.stdout


# ---- file safety: non-regular files, atomic writes, paths ------------------------------------

def _section(n_samples=64, n_traces=5, value=0.0):
    data = (np.arange(n_samples * n_traces, dtype=np.float32).reshape(n_samples, n_traces, order="F")
            + np.float32(value))
    return gprkit.Bscan(np.asfortranarray(data), dt_ns=0.1)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_fifo_is_refused_not_opened(tmp_path):
    # open() on a FIFO blocks until a writer appears: reading it used to hang forever.
    os.mkfifo(tmp_path / "f.npy")
    with pytest.raises(gprkit.IoError, match="not a regular file.*FIFO"):
        gprkit.read(tmp_path / "f.npy")
    with pytest.raises(gprkit.IoError, match="not a regular file"):
        io.detect_format(tmp_path / "f.npy")
    # a FIFO companion (the HD of a DT1) is refused too
    gprkit.write(_section(), tmp_path / "a.dt1")
    (tmp_path / "a.hd").unlink()
    os.mkfifo(tmp_path / "a.hd")
    with pytest.raises(gprkit.IoError, match=r"a\.hd.*not a regular file"):
        gprkit.read(tmp_path / "a.dt1")


_KILLED_WRITER = """
import sys, numpy as np, gprkit
n_samples, n_traces = 2048, 36621  # 300 MB of float32
b = gprkit.Bscan(np.full((n_samples, n_traces), 1.5, np.float32, order="F"), dt_ns=0.1)
gprkit.write(b, sys.argv[1])
"""


@pytest.mark.parametrize("name,companion", [("big.npy", "big.npy.json"), ("big.dt1", "big.hd")])
def test_killed_write_leaves_the_old_files(tmp_path, name, companion):
    old = _section(value=7.0)
    gprkit.write(old, tmp_path / name)
    before = _files(tmp_path)
    assert set(before) == {name, companion}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    for _attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(tmp_path / name)], env=env)
        temp = []
        while proc.poll() is None and not temp:
            temp = [p for p in tmp_path.iterdir() if ".gprkit-tmp-" in p.name]
        proc.kill()
        proc.wait()
        if temp and temp[0].exists():  # killed while the temporary was being written
            break
        gprkit.write(old, tmp_path / name)  # too late or too early: start again
    else:
        pytest.fail("the writer was never caught while writing its temporary file")
    assert temp[0].name.startswith("." + name + ".gprkit-tmp-")
    after = {k: v for k, v in _files(tmp_path).items() if ".gprkit-tmp-" not in k}
    assert after == before  # the old data file and its companion, byte for byte
    np.testing.assert_array_equal(gprkit.read(tmp_path / name).data, old.data)
    for p in tmp_path.iterdir():  # the killed writer's temporaries (a killed process cannot)
        if ".gprkit-tmp-" in p.name:
            p.unlink()


def test_nul_in_path_is_refused(tmp_path):
    b = _section()
    for name in ["a\0b.npy", "a\0b.dt1"]:
        with pytest.raises(gprkit.InvalidArgument, match=r"path.*a\\0b.*NUL"):
            gprkit.write(b, str(tmp_path / name))
        with pytest.raises(gprkit.InvalidArgument, match="NUL"):
            gprkit.read(str(tmp_path / name))
    with pytest.raises(gprkit.InvalidArgument, match="NUL"):
        gprkit.read(os.fsencode(tmp_path) + b"/a\0b.npy")
    assert list(tmp_path.iterdir()) == []  # nothing written under the truncated name "a"


def test_non_utf8_file_names(tmp_path):
    b = _section()
    raw = os.fsencode(tmp_path) + b"/line_\xe9"
    for ext in [b".npy", b".dt1", b".dzt", b".sgy"]:
        as_str = os.fsdecode(raw + ext)  # a str with a surrogate escape
        gprkit.write(b, as_str)
        np.testing.assert_array_equal(gprkit.read(as_str).data, b.data)
        np.testing.assert_array_equal(gprkit.read(raw + ext).data, b.data)  # bytes path
        assert io.detect_format(raw + ext) != "unknown"
    assert os.path.exists(raw + b".npy.json") and os.path.exists(raw + b".hd")
    assert "line_\\xe9.npy" in io.info_table(raw + b".npy")
    # errors that name such a file are readable messages, not UnicodeDecodeError
    with pytest.raises(gprkit.IoError, match=r"line_\\xe9\.missing\.npy"):
        gprkit.read(raw + b".missing.npy")
    # a GPS companion with such a name: its name in the header is escaped text
    with open(raw + b".dzg", "w") as f:
        f.write("$GSSIS,0,1.0\n$GPGGA,120000.00,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*67\n")
    assert gprkit.read(raw + b".dzt").header["raw"]["gps_source"] == "line_\\xe9.dzg"


def test_file_case_is_honoured(tmp_path):
    old, new = _section(value=1.0), _section(n_traces=7, value=2.0)
    gprkit.write(old, tmp_path / "A.DT1")
    gprkit.write(new, tmp_path / "A.dt1")
    # the path given is the file read, beside an older file that differs only in case
    np.testing.assert_array_equal(gprkit.read(tmp_path / "A.dt1").data, new.data)
    np.testing.assert_array_equal(gprkit.read(tmp_path / "A.DT1").data, old.data)
    gprkit.write(new, tmp_path / "line.Dt1")
    assert (tmp_path / "line.Hd").exists()
    np.testing.assert_array_equal(gprkit.read(tmp_path / "line.Dt1").data, new.data)
