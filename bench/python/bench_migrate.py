"""Migration: gprkit against a vectorized numpy implementation of the same summation.

Back-projection (delay-and-sum, linear interpolation, +-25 traces) on a 1024 x N section:
contributions summed per second (output points x aperture traces) for both, and the ratio;
Stolt against numpy's FFT of the same padded size.

    PYTHONPATH=build/release/python python3 bench/python/bench_migrate.py [n_traces]
        [--samples 1024] [--half 25] [--threads 1]

``--half -1`` sums over the full aperture (every trace; the issue's 192 x 192 figure is
``bench_migrate.py 192 --samples 192 --half -1``).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import gprkit


def numpy_backprojection(d: np.ndarray, dt: float, dx: float, v: float, half: int) -> np.ndarray:
    ns, nx = d.shape
    z = 0.5 * v * dt * np.arange(ns)
    out = np.zeros_like(d)
    cols = np.arange(nx)
    for off in range(-half, half + 1):  # one vectorized pass per trace offset
        src = cols + off
        ok = (src >= 0) & (src < nx)
        s = 2.0 * np.sqrt(z[:, None] ** 2 + (off * dx) ** 2) / v / dt  # (ns, 1) sample positions
        m = np.floor(s).astype(np.int64)
        f = (s - m).astype(np.float32)
        valid = (m[:, 0] < ns - 1)
        m = np.minimum(m, ns - 2)
        tr = d[:, src[ok]]
        g = tr[m[:, 0]] * (1 - f) + tr[m[:, 0] + 1] * f
        g[~valid] = 0
        out[:, cols[ok]] += g
    return out


def best_of(fn, reps: int = 2) -> float:
    best = np.inf
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n_traces", type=int, nargs="?", default=2048)
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--half", type=int, default=25, help="aperture in traces each side; -1: all")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    gprkit.set_num_threads(args.threads)
    nx, ns = args.n_traces, args.samples
    dt, dx, v = 0.02, 0.01, 0.1
    half = nx - 1 if args.half < 0 else args.half
    zmax = 0.5 * v * dt * ns
    sim = gprkit.simulate(diffractors=[(dx * nx * (k + 0.5) / 8, min(0.05 + 0.03 * k, 0.8 * zmax)) for k in range(8)],
                          n_samples=ns, n_traces=nx, dt_ns=dt, dx_m=dx, velocity_m_per_ns=v,
                          noise_std=0.01)
    b = sim.bscan
    contrib = sum(min(nx - 1, k + half) - max(0, k - half) + 1 for k in range(nx)) * ns
    reps = 2 if ns * nx > 1 << 20 else 9  # small sections: more repeats against timer noise
    t_np = best_of(lambda: numpy_backprojection(b.data, dt, dx, v, half), reps)
    t_gk = best_of(lambda: gprkit.migrate(b, method="backprojection", velocity_m_per_ns=v,
                                          aperture_m=half * dx + 1e-9), reps)
    t_kh = best_of(lambda: gprkit.migrate(b, method="kirchhoff", velocity_m_per_ns=v,
                                          aperture_m=half * dx + 1e-9), reps)
    ref = numpy_backprojection(b.data, dt, dx, v, half)
    got = gprkit.migrate(b, method="backprojection", velocity_m_per_ns=v, aperture_m=half * dx * 1.25 + 1e-9).data
    print(f"section {ns} x {nx}, aperture +-{half} traces, {contrib:.3g} contributions, "
          f"gprkit threads {gprkit.get_num_threads()}")
    print(f"numpy back-projection   {t_np * 1e3:9.1f} ms  {contrib / t_np:10.3g} contributions/s")
    print(f"gprkit back-projection  {t_gk * 1e3:9.1f} ms  {contrib / t_gk:10.3g} contributions/s  ratio {t_np / t_gk:6.1f}x")
    print(f"gprkit kirchhoff        {t_kh * 1e3:9.1f} ms  {contrib / t_kh:10.3g} contributions/s  ratio {t_np / t_kh:6.1f}x")
    # Same summation? (gprkit tapers the outer 20 % of the aperture: compare with a wider one.)
    edge = min(half, nx // 4)  # traces near the ends see a one-sided aperture in both
    inner = slice(edge, nx - edge)
    cc = np.sum(ref[:, inner] * got[:, inner]) / np.sqrt(np.sum(ref[:, inner] ** 2) * np.sum(got[:, inner] ** 2))
    print(f"correlation gprkit vs numpy back-projection: {cc:.4f}")
    # Stolt against numpy's complex FFT pair of the padded size.
    Nt, Nx = 2 * ns, nx + max(16, nx // 2)
    buf = np.zeros((Nt, Nx), np.complex64)
    t_fft = best_of(lambda: np.fft.ifft2(np.fft.fft2(buf)))
    t_st = best_of(lambda: gprkit.migrate(b, method="stolt", velocity_m_per_ns=v))
    print(f"numpy fft2+ifft2 ({Nt}x{Nx}) {t_fft * 1e3:9.1f} ms;  gprkit stolt {t_st * 1e3:9.1f} ms  ratio {t_fft / t_st:5.2f}x")


if __name__ == "__main__":
    main()
