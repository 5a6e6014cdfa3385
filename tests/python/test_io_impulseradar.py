"""gprkit.read / gprkit.write for ImpulseRadar .iprb + .iprh: the real CrossOver line of
../shared/data/real/gpr_seal against numpy's view of its bytes, synthetic files, the CLI."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gprkit
from gprkit import io

REL = "gpr_seal/beach_0001_0.iprb"


def _real(shared_data: Path) -> Path:
    p = shared_data / "real" / REL
    if not p.exists():
        pytest.skip(f"{p} is absent")
    return p


def _iprh(path: Path) -> dict[str, str]:
    text = path.with_suffix(".iprh").read_text(encoding="latin-1")
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in text.splitlines() if ":" in line)}


def test_read_real_equals_the_int32_words(shared_data):
    path = _real(shared_data)
    b = gprkit.read(path)
    hd = _iprh(path)
    assert b.shape == (351, 834) == (int(hd["SAMPLES"]), int(hd["LAST TRACE"]))
    assert b.data.dtype == np.float32 and b.data.flags.f_contiguous
    words = np.fromfile(path, "<i4").reshape(834, 351).T
    np.testing.assert_array_equal(b.data, words.astype(np.float32))
    # by the header's name: the same line
    np.testing.assert_array_equal(gprkit.read(path.with_suffix(".iprh")).data, b.data)
    assert io.detect_format(path) == io.detect_format(path.with_suffix(".iprh")) == "impulseradar"


def test_real_header_fields(shared_data):
    path = _real(shared_data)
    b = gprkit.read(path)
    h = b.header
    assert b.dt_ns == 0.3125 == 1000 / float(_iprh(path)["FREQUENCY"])
    assert b.n_samples * b.dt_ns == pytest.approx(float(_iprh(path)["TIMEWINDOW"]), abs=6e-4)  # 3 decimals
    assert b.dx_m == pytest.approx(0.018325)  # DISTANCE INTERVAL (wheel): 834 x dx = STOP POSITION
    assert b.n_traces * b.dx_m == pytest.approx(float(_iprh(path)["STOP POSITION"]), abs=1e-3)
    assert h["centre_frequency_mhz"] == 300.0
    assert h["antenna_separation_m"] == pytest.approx(0.23)
    assert b.t0_ns == 0.0
    raw = h["raw"]
    assert raw["format"] == "impulseradar"
    assert raw["channel"] == "0"
    assert raw["ANTENNA NAME"] == "CrossOver 730"
    assert raw["START TIME"] == "09:57:56"
    assert raw["ZERO LEVEL"] == "32" and raw["SIGNAL POSITION"] == "9"
    for k, v in _iprh(path).items():  # every key kept as text
        assert raw[k.upper()] == v, k
    assert [s["step"] for s in h["history"]] == ["read"]


def test_info_table(shared_data):
    path = _real(shared_data)
    table = io.info_table(path)
    assert "(impulseradar)" in table
    assert "dt_ns                        0.3125" in table
    assert "ANTENNA NAME" in table and "CrossOver 730" in table


def test_time_zero_lands_on_the_direct_wave(shared_data):
    """The direct wave is the strongest early arrival (the peak of the mean |trace|: its
    negative lobe at sample 37 here); the time-zero picks sit on its first strong lobe, as for
    the GSSI files, at sample 32 = 10 ns, which is the header's ZERO LEVEL."""
    b = gprkit.read(_real(shared_data))
    env = np.abs(b.data - np.median(b.data, axis=0)).mean(axis=1)
    t_peak = int(np.argmax(env[: b.n_samples // 2])) * b.dt_ns
    period_ns = 1e3 / b.header["centre_frequency_mhz"]
    picks_ns = gprkit.pick_time_zero(b) * b.dt_ns
    pick_ns = float(np.median(picks_ns))
    assert t_peak - 1.5 * period_ns <= pick_ns <= t_peak + 0.5 * period_ns, (pick_ns, t_peak)
    assert pick_ns == pytest.approx(int(b.header["raw"]["ZERO LEVEL"]) * b.dt_ns, abs=b.dt_ns)
    # nearly every trace on the same lobe (trace 0 is empty, a few are swamped by reflections)
    assert np.mean(np.abs(picks_ns - pick_ns) < 0.25 * period_ns) > 0.99
    aligned = gprkit.time_zero(b)
    assert aligned.t0_ns == pytest.approx(-pick_ns, abs=2 * b.dt_ns)


def test_cli_info_and_process(shared_data, tmp_path):
    path = _real(shared_data)
    r = subprocess.run([sys.executable, "-m", "gprkit", "info", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "impulseradar" in r.stdout and "CrossOver 730" in r.stdout
    r = subprocess.run([sys.executable, "-m", "gprkit", "process", str(path), "--out", str(tmp_path / "out"),
                        "--no-png"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    proc = gprkit.read(tmp_path / "out" / "beach_0001_0.npy")
    assert proc.shape == (351, 834) and np.isfinite(proc.data).all()


def _line(n_samples=48, n_traces=6, bits=32) -> tuple[np.ndarray, str]:
    data = (1000 * np.arange(n_traces)[None, :] + 7 * np.arange(n_samples)[:, None] - 500)
    header = (f"HEADER VERSION: 20\r\nDATA VERSION: {bits}\r\nANTENNA: 800 MHz\r\nANTENNA SEPARATION: 0.090\r\n"
              f"SAMPLES: {n_samples}\r\nFREQUENCY: 4800\r\nTIMEWINDOW: {n_samples / 4.8:.3f}\r\n"
              f"LAST TRACE: {n_traces}\r\nTRIG SOURCE: wheel\r\nDISTANCE INTERVAL: 0.01\r\n")
    return data, header


@pytest.mark.parametrize("bits", [16, 32])
def test_synthetic_round_trip(tmp_path, bits):
    data, header = _line(bits=bits)
    data.T.astype(f"<i{bits // 8}").tofile(tmp_path / "p_001_A03.iprb")
    (tmp_path / "p_001_A03.iprh").write_bytes(header.encode())
    b = gprkit.read(tmp_path / "p_001_A03.iprb")
    np.testing.assert_array_equal(b.data, data.astype(np.float32))
    assert b.dt_ns == pytest.approx(1000 / 4800) and b.dx_m == 0.01
    assert b.header["raw"]["channel"] == "3"
    gprkit.write(b, tmp_path / "q_001_A03.iprb")
    assert (tmp_path / "q_001_A03.iprb").stat().st_size == data.size * bits // 8
    r = gprkit.read(tmp_path / "q_001_A03.iprb")
    np.testing.assert_array_equal(r.data, b.data)
    for k in ("dt_ns", "dx_m", "t0_ns", "antenna_separation_m", "centre_frequency_mhz"):
        assert r.header[k] == b.header[k], k
    assert r.header["raw"] == b.header["raw"]


def test_write_from_another_format_and_refusals(tmp_path):
    data = np.asfortranarray(np.random.default_rng(5).integers(-2**30, 2**30, (40, 7)).astype(np.float32))
    b = gprkit.Bscan(data, dt_ns=0.05, dx_m=0.02, t0_ns=-1.0, centre_frequency_mhz=1000.0)
    gprkit.write(b, tmp_path / "line.iprb")
    r = gprkit.read(tmp_path / "line.iprb")
    np.testing.assert_array_equal(r.data, data)
    assert (r.dt_ns, r.dx_m, r.t0_ns, r.header["centre_frequency_mhz"]) == (0.05, 0.02, -1.0, 1000.0)
    with pytest.raises(gprkit.InvalidArgument, match="integers"):
        gprkit.write(gprkit.Bscan(data + np.float32(0.5), dt_ns=0.05), tmp_path / "f.iprb")
    assert not (tmp_path / "f.iprb").exists() and not (tmp_path / "f.iprh").exists()


def test_bad_files(tmp_path):
    data, header = _line()
    data.T.astype("<i4").tofile(tmp_path / "a.iprb")
    with pytest.raises(gprkit.FormatError, match=r"a\.iprb.*'a\.iprh' not found"):
        gprkit.read(tmp_path / "a.iprb")
    (tmp_path / "a.iprh").write_text(header.replace("SAMPLES: 48", "SAMPLES: 0"))
    with pytest.raises(gprkit.FormatError, match=r"a\.iprb.*SAMPLES = 0"):
        gprkit.read(tmp_path / "a.iprb")
    (tmp_path / "a.iprh").write_text(header.replace("DATA VERSION: 32", "DATA VERSION: 12"))
    with pytest.raises(gprkit.FormatError, match="DATA VERSION = 12"):
        gprkit.read(tmp_path / "a.iprb")
    (tmp_path / "a.iprh").write_text(header.replace("FREQUENCY: 4800", "FREQUENCY: n/a"))
    with pytest.raises(gprkit.FormatError, match="FREQUENCY = 'n/a' is not a number"):
        gprkit.read(tmp_path / "a.iprb")
    (tmp_path / "a.iprh").write_text(header)
    with open(tmp_path / "a.iprb", "ab") as f:
        f.write(b"\0" * 10)
    with pytest.raises(gprkit.FormatError, match="6 traces and 10 bytes left over"):
        gprkit.read(tmp_path / "a.iprb")
