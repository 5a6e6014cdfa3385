"""gprkit against its peers on identical data, in one process.

    PYTHONPATH=build/release/python python3 bench/python/compare.py [--quick] [--threads 1]
        [--json bench/results/compare.json] [--markdown bench/results/compare.md] [--readme README.md]

Peers: ImpDAR (PyPI ``impdar``: band-pass, horizontal filter, AGC, Stolt, phase shift, Kirchhoff,
DZT reading), readgssi (DZT reading), and the strongest vectorised numpy/scipy equivalent of each
operation. A peer that is not installed is left out of the table (it says so). Every row runs on
the same array: gprkit gets a float32 Bscan, ImpDAR its own RadarData of the same values (it works
in float64), numpy/scipy the float32 array.

Columns: the time of one call (best of a few after a warm-up; slow peers run once), ratio = peer
time / gprkit time (> 1: gprkit is faster), and the correlation of the peer's output with
gprkit's (1 = the same image; "same algorithm" says whether the two compute the same thing, where
they do not the correlation only tells how alike the pictures are). ImpDAR's Kirchhoff is a
full-aperture loop of O(samples x traces^2): it runs on a smaller section and its time is
extrapolated by the number of contributions (stated in the row).

``--readme`` rewrites the table between ``<!-- compare:begin -->`` and ``<!-- compare:end -->``.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import scipy.ndimage as ndi
import scipy.signal as sig

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from bench_migrate import numpy_backprojection  # noqa: E402
from bench_phase_shift import numpy_gazdag  # noqa: E402

import gprkit  # noqa: E402

DT_NS, DX_M, V_M_PER_NS = 0.02, 0.01, 0.1  # 1 GHz-class sampling, 1 cm traces, soil of eps ~9
REAL_DZT = ROOT.parent / "shared" / "data" / "real" / "gprpy" / "GSSI" / "FILE____032.DZT"


def optional(name: str):
    try:
        return __import__(name)
    except ImportError:
        return None


impdar = optional("impdar")
readgssi = optional("readgssi")


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Best wall time of `repeat` calls (after one warm-up when repeat > 1) and the last result."""
    out = fn() if repeat > 1 else None
    best = float("inf")
    for _ in range(max(repeat, 1)):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def correlation(a: np.ndarray, b: np.ndarray, trim: int = 0) -> float:
    """Pearson correlation of two images of the same shape (optionally without `trim` columns
    at each side, where the peers treat the ends of the line differently)."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    if trim:
        a, b = a[:, trim:-trim], b[:, trim:-trim]
    a = a - a.mean()
    b = b - b.mean()
    den = np.sqrt(np.sum(a * a) * np.sum(b * b))
    return float(np.sum(a * b) / den) if den > 0 else float("nan")


def quiet(fn: Callable[[], object]) -> Callable[[], object]:
    """The peers print progress; keep it out of the table."""
    def run():
        with contextlib.redirect_stdout(io.StringIO()):
            return fn()
    return run


def impdar_section(d: np.ndarray):
    """An ImpDAR RadarData holding `d` (samples x traces) with this benchmark's sampling.
    ImpDAR's units: dt in s, travel_time in us, dist in km, trace_int in m."""
    from impdar.lib.RadarData import RadarData
    from impdar.lib.RadarFlags import RadarFlags

    r = RadarData(None)
    r.data = np.array(d, dtype=np.float64)
    r.snum, r.tnum = r.data.shape
    r.dt = DT_NS * 1e-9
    r.travel_time = np.arange(r.snum) * DT_NS * 1e-3
    r.dist = np.arange(r.tnum) * DX_M * 1e-3
    r.trace_int = DX_M
    r.trace_num = np.arange(r.tnum) + 1.0
    r.flags = RadarFlags()
    r.fn = ""
    return r


def impdar_run(d: np.ndarray, method: str, *args, **kwargs) -> Callable[[], np.ndarray]:
    """A call of RadarData.<method> on a fresh copy of `d` (ImpDAR works in place)."""
    def run():
        r = impdar_section(d)
        getattr(r, method)(*args, **kwargs)
        return r.data
    return quiet(run)


def section(n_samples: int, n_traces: int, survey: bool = True):
    """Diffractions at eight depths. survey: the benchmarks' survey-line recipe (direct wave,
    wow, noise) for the filters; otherwise the diffractions alone, which migration focuses."""
    length = DX_M * n_traces
    zmax = 0.5 * V_M_PER_NS * DT_NS * n_samples
    points = [(length * (k + 0.5) / 8, min(0.05 + 0.03 * k, 0.8 * zmax), 0.5) for k in range(8)]
    extra = dict(centre_frequency_mhz=1000, direct_wave_amplitude=1.0, antenna_offset_m=0.05,
                 wow_amplitude=0.2, noise_std=0.01) if survey else dict(noise_std=0.0)
    return gprkit.simulate(diffractors=points, n_samples=n_samples, n_traces=n_traces, dt_ns=DT_NS,
                           dx_m=DX_M, velocity_m_per_ns=V_M_PER_NS, **extra).bscan


class Table:
    def __init__(self, threads: int) -> None:
        self.rows: list[dict] = []
        self.threads = threads

    def add(self, operation: str, workload: str, gprkit_s: float, peer: str, peer_s: Optional[float],
            corr: Optional[float], same: bool, note: str = "") -> None:
        self.rows.append(dict(operation=operation, workload=workload, threads=self.threads,
                              gprkit_ms=gprkit_s * 1e3, peer=peer,
                              peer_ms=None if peer_s is None else peer_s * 1e3,
                              ratio=None if peer_s is None else peer_s / gprkit_s,
                              correlation=corr, same_algorithm=same, note=note))
        r = self.rows[-1]
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.1f}x"
        print(f"{operation:<22}{workload:<14}{r['gprkit_ms']:>10.1f} ms  {peer:<34}"
              f"{'-' if peer_s is None else f'{peer_s * 1e3:.1f} ms':>12}  {ratio:>8}  "
              f"{'-' if corr is None else f'{corr:.4f}':>7}  {note}", flush=True)


def bench_read(t: Table, quick: bool, repeat: int) -> None:
    files = []
    if REAL_DZT.is_file():
        files.append((REAL_DZT, f"{REAL_DZT.name}"))
    tmp = tempfile.TemporaryDirectory()
    ns, nt = (512, 2000) if quick else (1024, 20000)
    big = Path(tmp.name) / "line.dzt"
    rng = np.random.default_rng(0)
    data = np.asfortranarray(rng.integers(-8000, 8000, size=(ns, nt), dtype=np.int16).astype(np.float32))
    gprkit.write(gprkit.Bscan(data, dt_ns=DT_NS), str(big))
    files.append((big, f"{ns}x{nt} int16"))
    for path, label in files:
        if path.stat().st_size < 10_000_000:
            repeat = max(repeat, 50)  # sub-millisecond reads: many repeats against timer noise
        t_g, ours = timed(lambda: gprkit.read(str(path), read_gps=False), repeat)
        ours = ours[0] if isinstance(ours, list) else ours
        t_gps, _ = timed(lambda: gprkit.read(str(path)), repeat)
        t.add("read DZT", label, t_g, "gprkit.read with GPS lookup (default)", t_gps, None, True,
              "the default looks for a .DZG companion beside the file")
        for peer, reader in dzt_peers():
            try:
                t_p, arr = timed(quiet(lambda: reader(str(path))), repeat)
            except Exception as e:  # a peer that cannot read the file is a result too
                t.add("read DZT", label, t_g, peer, None, None, True, f"failed: {type(e).__name__}: {str(e)[:80]}")
                continue
            corr, note = dzt_agreement(np.asarray(arr), ours.data)
            t.add("read DZT", label, t_g, peer, t_p, corr, True, note)
    tmp.cleanup()


def dzt_peers() -> list:
    """(name, path -> samples x traces array) of the installed DZT readers."""
    peers = []
    if readgssi is not None:
        from readgssi.readgssi import readgssi as rg

        peers.append(("readgssi.readgssi", lambda p: rg(infile=p, verbose=False)[1][0]))
    if impdar is not None:
        from impdar.lib.load.load_gssi import load_gssi

        peers.append(("ImpDAR load_gssi", lambda p: load_gssi(p).data))
    return peers


def dzt_agreement(arr: np.ndarray, ours: np.ndarray) -> tuple[Optional[float], str]:
    """Correlation of a peer's DZT samples with gprkit's. gprkit drops the two trace-header
    words at the start of each trace; a peer that keeps them has that many more samples. A peer
    that reads fewer traces is compared on the traces it has, aligned at the end of the line."""
    extra = arr.shape[0] - ours.shape[0]
    notes = []
    if extra > 0:
        notes.append(f"keeps {extra} trace-header samples")
        arr = arr[extra:]
    if arr.shape[0] != ours.shape[0]:
        return None, f"{arr.shape[0]} samples against {ours.shape[0]}"
    if arr.shape[1] != ours.shape[1]:
        notes.append(f"reads {arr.shape[1]} of {ours.shape[1]} traces")
        n = min(arr.shape[1], ours.shape[1])
        arr, ours = arr[:, -n:], ours[:, -n:]
    return correlation(arr, ours), "; ".join(notes)


def bench_filters(t: Table, quick: bool, repeat: int) -> None:
    ns, nt = 1024, (2000 if quick else 20000)
    b = section(ns, nt)
    x = b.data
    load = f"{ns}x{nt}"
    lo, hi, order = 250.0, 2500.0, 5
    fs = 1e3 / DT_NS
    # Band-pass: gprkit's zero-phase Butterworth magnitude by FFT; ImpDAR and scipy run the
    # recursive Butterworth forward and backward (filtfilt): the same band, another filter.
    t_g, ours = timed(lambda: gprkit.bandpass(b, lo, hi, shape="butterworth", order=order), repeat)
    f = np.fft.rfftfreq(ns, DT_NS * 1e-3)
    with np.errstate(divide="ignore"):
        mag = (1 / np.sqrt(1 + (f / hi) ** (2 * order)) / np.sqrt(1 + (lo / np.maximum(f, 1e-9)) ** (2 * order)))
    mag = mag.astype(np.float32)[:, None]
    t_n, got = timed(lambda: np.fft.irfft(np.fft.rfft(x, axis=0) * mag, n=ns, axis=0), repeat)
    t.add("band-pass", load, t_g, "numpy rfft x Butterworth magnitude", t_n, correlation(got, ours.data), True,
          "gprkit pads each trace, numpy wraps around")
    sos = sig.butter(order, [lo, hi], btype="band", fs=fs, output="sos")
    t_s, got = timed(lambda: sig.sosfiltfilt(sos, x, axis=0), 1)
    t.add("band-pass", load, t_g, "scipy sosfiltfilt (order 5)", t_s, correlation(got, ours.data), False,
          "recursive filter, squared magnitude")
    if impdar is not None:
        t_i, got = timed(impdar_run(x, "vertical_band_pass", lo, hi, order=order), 1)
        t.add("band-pass", load, t_g, "ImpDAR vertical_band_pass", t_i, correlation(got, ours.data), False,
              "filtfilt of a Butterworth (b, a), float64")

    # Mean-trace (horizontal) background removal over the whole line.
    t_g, ours = timed(lambda: gprkit.remove_background(b, "mean"), repeat)
    t_n, got = timed(lambda: x - x.mean(axis=1, keepdims=True), repeat)
    t.add("mean-trace removal", load, t_g, "numpy x - x.mean(axis=1)", t_n, correlation(got, ours.data), True)
    if impdar is not None:
        t_i, got = timed(impdar_run(x, "horizontalfilt", 0, nt), repeat)
        t.add("mean-trace removal", load, t_g, "ImpDAR horizontalfilt(0, n)", t_i, correlation(got, ours.data),
              True, "ImpDAR tapers the mean by exp(-0.05 t/us): 1 here")

    # AGC: 1 / RMS over a 3 ns window centred on the sample.
    win = int(round(3.0 / DT_NS)) | 1
    t_g, ours = timed(lambda: gprkit.gain(b, "agc", window_ns=3.0), repeat)
    t_n, got = timed(lambda: x / np.sqrt(np.maximum(ndi.uniform_filter1d(x * x, win, axis=0), 1e-30)), repeat)
    t.add("AGC 3 ns", load, t_g, "scipy uniform_filter1d of x^2", t_n, correlation(got, ours.data), True,
          "ends: scipy reflects, gprkit shrinks the window")
    if impdar is not None:
        t_i, got = timed(impdar_run(x, "agc", window=win), 1)
        t.add("AGC 3 ns", load, t_g, "ImpDAR agc", t_i, correlation(got, ours.data), False,
              "another gain: one max over all traces per time window")


def bench_migration(t: Table, quick: bool, repeat: int) -> None:
    n = 256 if quick else 512
    b = section(n, n, survey=False)
    x = b.data
    load = f"{n}x{n}"
    vel = V_M_PER_NS * 1e9  # ImpDAR: m/s
    trim = n // 8  # the ends of the line: each method tapers or pads them its own way

    t_g, ours = timed(lambda: gprkit.migrate(b, "stolt", V_M_PER_NS), repeat)
    t_n, got = timed(lambda: numpy_stolt(x, DT_NS, DX_M, V_M_PER_NS), repeat)
    t.add("Stolt", load, t_g, "numpy Stolt (2x time padding, linear interp)", t_n,
          correlation(got, ours.data, trim), True)
    if impdar is not None:
        t_i, got = timed(impdar_run(x, "migrate", "stolt", vel=vel, htaper=1, vtaper=1), 1)
        t.add("Stolt", load, t_g, "ImpDAR migrate stolt", t_i, correlation(got, ours.data, trim), True,
              "ImpDAR interpolates linearly without time padding")

    t_g, ours = timed(lambda: gprkit.migrate(b, "phase_shift", V_M_PER_NS), repeat)
    t_n, got = timed(lambda: numpy_gazdag(x, DT_NS, DX_M, V_M_PER_NS), 1)
    t.add("phase shift", load, t_g, "numpy Gazdag (complex128)", t_n, correlation(got, ours.data, trim), True)
    if impdar is not None:
        t_i, got = timed(impdar_run(x, "migrate", "phsh", vel=vel, htaper=1, vtaper=1), 1)
        t.add("phase shift", load, t_g, "ImpDAR migrate phsh", t_i, correlation(got, ours.data, trim), True)

    # Kirchhoff, full aperture: every trace contributes to every output point.
    n = 128 if quick else 192
    b = section(n, n, survey=False)
    x = b.data
    load = f"{n}x{n}"
    full = n * DX_M + 1e-9

    def kirchhoff(bs):
        return gprkit.migrate(bs, "kirchhoff", V_M_PER_NS, aperture_m=n * DX_M + 1e-9)

    t_g, ours = timed(lambda: kirchhoff(b), max(repeat, 5))
    t_bp, _ = timed(lambda: gprkit.migrate(b, "backprojection", V_M_PER_NS, aperture_m=full), max(repeat, 5))
    t_n, got = timed(lambda: numpy_backprojection(x, DT_NS, DX_M, V_M_PER_NS, n - 1), repeat)
    t.add("back-projection", load, t_bp, "numpy diffraction sum", t_n,
          correlation(got, gprkit.migrate(b, "backprojection", V_M_PER_NS, aperture_m=1.25 * full).data, n // 4),
          True, f"full aperture, {n ** 3 / t_bp:.3g} contributions/s")
    if impdar is not None:
        m = n // 2
        small = section(m, m, survey=False)
        t_i, got = timed(impdar_run(small.data, "migrate", "kirch", vel=vel), 1)
        scale = (n / m) ** 3
        mine = gprkit.migrate(small, "kirchhoff", V_M_PER_NS, aperture_m=m * DX_M + 1e-9).data
        t.add("Kirchhoff", load, t_g, "ImpDAR migrate kirch", t_i * scale, correlation(got, mine, m // 8), False,
              f"ImpDAR ran {m}x{m} in {t_i:.2f} s, time x{scale:.0f} for the contributions; it weights "
              "by the time derivative, gprkit by the half-derivative (2-D)")
    else:
        t.add("Kirchhoff", load, t_g, "ImpDAR (not installed)", None, None, True)


def numpy_stolt(d: np.ndarray, dt: float, dx: float, v: float) -> np.ndarray:
    """Constant-velocity Stolt (exploding reflector), vectorised over omega: the section padded
    to twice its time (so that linear interpolation in omega is accurate, as gprkit pads too),
    rfft + fft, then for each kx the spectrum read at omega = ve sqrt(kz^2 + kx^2), scaled by
    kz / omega and transformed back."""
    ns, nx = d.shape
    F = np.fft.fft(np.fft.rfft(d, n=2 * ns, axis=0), axis=1)  # (omega >= 0, kx)
    w = 2 * np.pi * np.fft.rfftfreq(2 * ns, dt)
    kx = 2 * np.pi * np.fft.fftfreq(nx, dx)
    ve = 0.5 * v
    kz = w / ve  # the output's vertical wavenumbers, on the same grid as omega
    out = np.zeros_like(F)
    for j, k in enumerate(kx):
        wq = ve * np.sqrt(kz ** 2 + k ** 2)
        col = np.interp(wq, w, F[:, j].real, right=0) + 1j * np.interp(wq, w, F[:, j].imag, right=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(wq > 0, col * ve * kz / wq, 0)
    return np.fft.irfft(np.fft.ifft(out, axis=1), n=2 * ns, axis=0)[:ns]


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    versions = {"numpy": np.__version__, "scipy": __import__("scipy").__version__,
                "gprkit": getattr(gprkit, "__version__", "?"), "python": platform.python_version()}
    if impdar is not None:
        from importlib.metadata import version

        versions["impdar"] = version("impdar")
    if readgssi is not None:
        from importlib.metadata import version

        versions["readgssi"] = version("readgssi")
    return dict(cpu=cpu, cores=os.cpu_count(), gprkit_threads=gprkit.get_num_threads(), versions=versions,
                date=datetime.date.today().isoformat())


def markdown(rows: list[dict], info: dict) -> str:
    v = ", ".join(f"{k} {x}" for k, x in info["versions"].items())
    lines = [f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores), gprkit threads "
             f"{info['gprkit_threads']}; {v}. Ratio = peer time / gprkit time.", "",
             *([f"Not installed, so not compared: {', '.join(info['not_installed'])}.", ""]
               if info.get("not_installed") else []),
             "| operation | workload | gprkit | peer | peer time | ratio | correlation | same algorithm | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        peer_ms = "-" if r["peer_ms"] is None else f"{r['peer_ms']:.1f} ms"
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.1f}x"
        corr = "-" if r["correlation"] is None else f"{r['correlation']:.3f}"
        lines.append(f"| {r['operation']} | {r['workload']} | {r['gprkit_ms']:.1f} ms | {r['peer']} | {peer_ms} | "
                     f"{ratio} | {corr} | {'yes' if r['same_algorithm'] else 'no'} | {r['note']} |")
    return "\n".join(lines) + "\n"


def replace_between(path: Path, text: str) -> None:
    begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
    old = path.read_text()
    if begin not in old or end not in old:
        raise SystemExit(f"{path}: no {begin} ... {end} markers to replace")
    head, rest = old.split(begin, 1)
    _, tail = rest.split(end, 1)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(f"{head}{begin}\n{text}{end}{tail}")
    tmp.replace(path)  # the old README stays whole if writing fails


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small workloads (a smoke run, ~20 s)")
    ap.add_argument("--threads", type=int, default=1, help="gprkit threads (default 1; the peers use one)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", choices=["read", "filters", "migration"])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--readme", type=Path)
    a = ap.parse_args(argv)
    gprkit.set_num_threads(a.threads)
    t = Table(gprkit.get_num_threads())
    print(f"{'operation':<22}{'workload':<14}{'gprkit':>13}  {'peer':<34}{'peer':>12}  {'ratio':>8}  {'corr':>7}")
    parts = {"read": bench_read, "filters": bench_filters, "migration": bench_migration}
    for name in a.only or parts:
        parts[name](t, a.quick, a.repeat)
    info = machine()
    info["not_installed"] = [n for n, m in (("impdar", impdar), ("readgssi", readgssi)) if m is None]
    for name in info["not_installed"]:
        print(f"{name} is not installed: its rows are left out (pip install {name})")
    md = markdown(t.rows, info)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(dict(machine=info, quick=a.quick, rows=t.rows), indent=1) + "\n")
    if a.markdown:
        a.markdown.parent.mkdir(parents=True, exist_ok=True)
        a.markdown.write_text(md)
    if a.readme:
        replace_between(a.readme, md)


if __name__ == "__main__":
    main()
