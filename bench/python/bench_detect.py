"""Detect: gprkit scorers and the default chain against numpy/scipy versions of the same
operations, same section, same run.

    PYTHONPATH=build-detect/python python3 bench/python/bench_detect.py [--traces 20000]

The numpy chain: dewow (running mean), FFT band-pass, moving-mean background along the line
(instead of gprkit's ground-bounce flattening), semblance along the same hyperbola table,
threshold and 3 x 3 maximum filter + greedy 10 cm suppression.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi

sys.path.insert(0, str(Path(__file__).parent))
from bench_common import best_of, report, standard_section, threads_note  # noqa: E402

import gprkit  # noqa: E402


def np_energy(x: np.ndarray, ht: int, hx: int, g: int, r: int, rel: float = 0.1) -> np.ndarray:
    e = ndi.uniform_filter1d(x * x, 2 * ht + 1, axis=0, mode="nearest")
    e = ndi.uniform_filter1d(e, 2 * hx + 1, axis=1, mode="nearest")
    # reference: mean over |dj| in (g, g + r] = (box of g + r) - (box of g), as sums
    s_out = ndi.uniform_filter1d(e, 2 * (g + r) + 1, axis=1, mode="constant") * (2 * (g + r) + 1)
    s_in = ndi.uniform_filter1d(e, 2 * g + 1, axis=1, mode="constant") * (2 * g + 1)
    q_out = ndi.uniform_filter1d(e * e, 2 * (g + r) + 1, axis=1, mode="constant") * (2 * (g + r) + 1)
    q_in = ndi.uniform_filter1d(e * e, 2 * g + 1, axis=1, mode="constant") * (2 * g + 1)
    nref = 2 * r
    mu = (s_out - s_in) / nref
    var = np.maximum((q_out - q_in) / nref - mu * mu, 0)
    return (e - mu) / np.sqrt(var + (rel * mu) ** 2 + 1e-30)


def hyperbola_table(b: gprkit.Bscan, v: float, a_traces: int) -> tuple[np.ndarray, int]:
    m = b.n_samples
    h = b.header
    off = np.zeros((a_traces + 1, m), dtype=np.int64)
    first = m
    for i0 in range(m):
        t0 = b.t0_ns + i0 * b.dt_ns
        z0 = gprkit._core.depth_from_time_m(t0, h, v)
        if z0 <= 0:
            continue
        first = min(first, i0)
        for k in range(a_traces + 1):
            xk = k * b.dx_m
            a = h["antenna_separation_m"]
            t = gprkit._core.two_way_time_ns(xk - a / 2, xk + a / 2, h["antenna_height_m"], 0.0, z0, v)
            off[k, i0] = max(0, int(round((t - t0) / b.dt_ns)))
    return off, first


def np_semblance(x: np.ndarray, off: np.ndarray, first: int, L: int, sigma2: float) -> np.ndarray:
    m, n = x.shape
    A = off.shape[0] - 1
    c = np.zeros_like(x)
    e = np.zeros_like(x)
    cnt = np.zeros((m, n), dtype=np.float32)
    rows = np.arange(m)
    for k in range(-A, A + 1):
        idx = rows + off[abs(k)]
        valid = (idx < m) & (rows >= first)
        g = x[np.minimum(idx, m - 1), :]
        g[~valid, :] = 0
        sh = np.zeros_like(g)
        ok = np.zeros((1, n), dtype=np.float32)
        if k >= 0:
            sh[:, : n - k] = g[:, k:]
            ok[0, : n - k] = 1
        else:
            sh[:, -k:] = g[:, : n + k]
            ok[0, -k:] = 1
        c += sh
        e += sh * sh
        cnt += valid[:, None] * ok
    num = ndi.uniform_filter1d(c * c, 2 * L + 1, axis=0, mode="constant")
    den = ndi.uniform_filter1d(cnt * e + cnt * cnt * sigma2, 2 * L + 1, axis=0, mode="constant")
    return np.where(den > 0, num / np.maximum(den, 1e-30), 0)


def np_chain(b: gprkit.Bscan, off: np.ndarray, first: int, L: int) -> list:
    x = b.data.astype(np.float32)
    dt = b.dt_ns
    f = b.header["centre_frequency_mhz"]
    x = x - ndi.uniform_filter1d(x, int(round(3e3 / f / dt)) | 1, axis=0, mode="nearest")
    n = x.shape[0]
    nf = 2 * n
    freqs = np.fft.rfftfreq(nf, dt * 1e-3)
    mask = ((freqs >= 0.3 * f) & (freqs <= 2.5 * f)).astype(np.float32)
    x = np.fft.irfft(np.fft.rfft(x, nf, axis=0) * mask[:, None], nf, axis=0)[:n].astype(np.float32)
    x = x - ndi.uniform_filter1d(x, 101, axis=1, mode="nearest")
    sigma = np.median(np.abs(x[:, ::7])) / 0.6745
    s = np_semblance(x, off, first, L, sigma * sigma)
    peaks = (s == ndi.maximum_filter(s, size=3)) & (s > 0.6)
    ii, jj = np.nonzero(peaks)
    order = np.argsort(-s[ii, jj], kind="stable")
    kept: list = []
    for q in order:
        xq = jj[q] * b.dx_m
        if all(abs(xq - k) >= 0.1 for k in kept):
            kept.append(xq)
    return kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        gprkit.set_num_threads(args.threads)
    b = standard_section(args.traces)
    x = b.data
    _, w = gprkit._core.score(x[:, :200].copy(order="F"), b.header, '{"method": "energy"}')
    _, wh = gprkit._core.score(x[:, :200].copy(order="F"), b.header, '{"method": "hyperbola"}')
    off, first = hyperbola_table(b, 0.1, wh["aperture_traces"])
    sigma = float(np.median(np.abs(x[:, ::7])) / 0.6745)
    xc = np.ascontiguousarray(x)  # row gathers are fastest on C order (copy outside the timing)
    rows = [
        ("score energy", best_of(lambda: gprkit.score(b, method="energy")),
         best_of(lambda: np_energy(x, w["window_samples"], w["window_traces"], w["guard_traces"], w["reference_traces"]), 1),
         "scipy.ndimage box filters"),
        ("score hyperb.", best_of(lambda: gprkit.score(b, method="hyperbola")),
         best_of(lambda: np_semblance(xc, off, first, wh["window_samples"], sigma * sigma), 1),
         "numpy gathers + box filter"),
    ]
    t_rx = best_of(lambda: gprkit.score(b, method="rx"), 1)
    t_chain = best_of(lambda: gprkit.detect(b), 2)
    t_np_chain = best_of(lambda: np_chain(b, off, first, wh["window_samples"]), 1)
    rows.append(("detect chain", t_chain, t_np_chain, "numpy/scipy chain (see docstring)"))
    print(threads_note())
    report(rows, b.n_samples, b.n_traces)
    print(f"score rx: {t_rx * 1e3:.1f} ms ({b.n_traces / t_rx:,.0f} traces/s); no numpy reference run "
          f"(a per-cell covariance in numpy is orders of magnitude slower)")


if __name__ == "__main__":
    main()
