"""gprkit clutter removal against numpy doing the same thing, timed in the same run.

    PYTHONPATH=build-clutter/python python3 bench/python/bench_clutter.py

1024 x 20,000 (mean, moving_median, svd k = 3 vs numpy.linalg.svd) and rpca on 512 x 2,048
against a straightforward numpy inexact-ALM RPCA (full SVD every iteration, same stopping rule).
"""
from __future__ import annotations

import time

import numpy as np

import gprkit


def timed(f, repeat: int = 3):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def numpy_rpca(d: np.ndarray, tol: float = 1e-6, max_iter: int = 500, rho: float = 1.5):
    """Inexact ALM RPCA (Lin, Chen & Ma 2010) with numpy's full SVD, float32."""
    m, n = d.shape
    lam = 1.0 / np.sqrt(max(m, n))
    norm2 = np.linalg.norm(d, 2)
    y = d / max(norm2, np.abs(d).max() / lam)
    mu, mu_bar = 1.25 / norm2, 1.25 / norm2 * 1e7
    s = np.zeros_like(d)
    dn = np.linalg.norm(d)
    for it in range(1, max_iter + 1):
        u, sig, vt = np.linalg.svd(d - s + y / mu, full_matrices=False)
        r = int((sig > 1 / mu).sum())
        low = (u[:, :r] * (sig[:r] - 1 / mu)) @ vt[:r]
        t = d - low + y / mu
        s = np.sign(t) * np.maximum(np.abs(t) - lam / mu, 0)
        z = d - low - s
        y = y + mu * z
        mu = min(mu * rho, mu_bar)
        if np.linalg.norm(z) / dn < tol:
            break
    return low, s, it


def main() -> None:
    sim = gprkit.simulate([(0.01 * 20000 * (k + 0.5) / 8, 0.05 + 0.03 * k, 0.5) for k in range(8)],
                          n_samples=1024, n_traces=20000, dt_ns=0.02, dx_m=0.01, antenna_offset_m=0.05,
                          direct_wave_amplitude=1.0, wow_amplitude=0.2, noise_std=0.01)
    b = sim.bscan
    a = b.data
    gb = a.nbytes / 1e9
    print(f"section {a.shape}, {gb:.3f} GB, gprkit threads = {gprkit.get_num_threads()}")
    t_g, _ = timed(lambda: gprkit.remove_background(b, "mean"))
    t_n, _ = timed(lambda: a - a.mean(axis=1, keepdims=True))
    print(f"mean            gprkit {t_g*1e3:8.1f} ms ({gb/t_g:5.1f} GB/s)  numpy {t_n*1e3:8.1f} ms  ratio {t_n/t_g:5.1f}x")
    t_g, _ = timed(lambda: gprkit.remove_background(b, "moving_mean", window_traces=31))
    print(f"moving_mean 31  gprkit {t_g*1e3:8.1f} ms ({gb/t_g:5.1f} GB/s)")
    t_g, _ = timed(lambda: gprkit.remove_background(b, "moving_median", window_traces=31), 1)
    sub = np.ascontiguousarray(a[:, :2000])
    t_sub, _ = timed(lambda: np.median(np.lib.stride_tricks.sliding_window_view(sub, 31, axis=1), axis=2), 1)
    print(f"moving_median31 gprkit {t_g*1e3:8.1f} ms  numpy sliding_window median {t_sub*10*1e3:8.1f} ms "
          f"(2,000 traces x 10)  ratio {t_sub*10/t_g:5.1f}x")
    t_g, _ = timed(lambda: gprkit.remove_background(b, "svd", svd_components=3), 1)
    t_n, (u, s_np, vt) = timed(lambda: np.linalg.svd(a, full_matrices=False), 1)
    _, rep = gprkit.remove_background(b, "svd", svd_components=3, return_report=True)
    err = np.abs(rep["singular_values"][:3] - s_np[:3]) / s_np[:3]
    print(f"svd k=3         gprkit {t_g*1e3:8.1f} ms  numpy.linalg.svd {t_n*1e3:8.1f} ms  ratio {t_n/t_g:5.1f}x "
          f"(s_1..3 rel. error {err.max():.1e})")
    small = gprkit.simulate([(0.01 * 2048 * (k + 0.5) / 8, 0.05 + 0.03 * k, 0.5) for k in range(8)],
                            n_samples=512, n_traces=2048, dt_ns=0.02, dx_m=0.01, antenna_offset_m=0.05,
                            direct_wave_amplitude=1.0, wow_amplitude=0.2, noise_std=0.01).bscan.data
    for variant in ("randomized", "full"):
        t_g, (_, _, rep) = timed(lambda: gprkit.rpca(small, svd=variant, return_report=True), 1)
        print(f"rpca 512x2048 {variant:10s} gprkit {t_g:6.2f} s, {rep['iterations']} it, "
              f"{t_g/rep['iterations']*1e3:7.1f} ms/it, rank {rep['rank']}")
        t_gr = t_g if variant == "randomized" else t_gr
    t_n, (low, s_np, it) = timed(lambda: numpy_rpca(small), 1)
    L, S = gprkit.rpca(small)
    diff = np.linalg.norm(S - s_np) / np.linalg.norm(s_np)
    print(f"rpca 512x2048 numpy      {t_n:6.2f} s, {it} it, {t_n/it*1e3:7.1f} ms/it; ratio to gprkit "
          f"randomized {t_n/t_gr:5.1f}x; ||S - S_numpy|| / ||S_numpy|| = {diff:.1e}")


if __name__ == "__main__":
    main()
