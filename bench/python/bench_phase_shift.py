"""Phase-shift migration: gprkit against a plain vectorised numpy Gazdag of the same section.

The numpy reference is the textbook constant-velocity Gazdag (exploding reflector, complex128
over the full (omega, kx) plane): per depth step it multiplies the whole plane by the
phase-shift operator (evanescent waves zeroed), sums over omega and inverse-transforms along x.
gprkit's phase shift does the same continuation with time and trace padding, dip taper and
v(z), in float over the propagating frequencies only. Both images are compared by correlation
(they differ in padding and taper, so it is not 1).

    PYTHONPATH=build/release/python python3 bench/python/bench_phase_shift.py [n] [--threads 1]
"""
from __future__ import annotations

import argparse

import numpy as np

import gprkit
from bench_common import best_of


def numpy_gazdag(d: np.ndarray, dt: float, dx: float, v: float) -> np.ndarray:
    ns, nx = d.shape
    P = np.fft.fft2(d.astype(np.float64))  # (omega, kx), complex128
    w = 2 * np.pi * np.fft.fftfreq(ns, dt)[:, None]
    kx = 2 * np.pi * np.fft.fftfreq(nx, dx)[None, :]
    ve = 0.5 * v
    kz2 = (w / ve) ** 2 - kx ** 2
    prop = kz2 > 0
    dz = ve * dt
    E = np.where(prop, np.exp(1j * np.sign(w) * np.sqrt(np.where(prop, kz2, 0.0)) * dz), 0.0)
    img = np.empty((ns, nx))
    for iz in range(ns):
        img[iz] = np.fft.ifft(P.sum(axis=0)).real / ns
        P *= E
    return img


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=512, help="samples = traces (default 512)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    n, dt, dx, v = a.n, 0.02, 0.01, 0.1
    sim_points = [(dx * n * (k + 0.5) / 4, n * dt * v / 2 * (k + 1) / 5) for k in range(4)]
    sim = gprkit.simulate(diffractors=sim_points,
                          n_samples=n, n_traces=n, dt_ns=dt, dx_m=dx, velocity_m_per_ns=v,
                          noise_std=0.0)
    b = sim.bscan
    gprkit.set_num_threads(a.threads)
    t_np = best_of(lambda: numpy_gazdag(b.data, dt, dx, v), a.repeat)
    t_gk = best_of(lambda: gprkit.migrate(b, method="phase_shift", velocity_m_per_ns=v), a.repeat)
    ref = numpy_gazdag(b.data, dt, dx, v)
    got = gprkit.migrate(b, method="phase_shift", velocity_m_per_ns=v).data
    cc = float(np.sum(ref * got) / np.sqrt(np.sum(ref ** 2) * np.sum(got ** 2)))
    # Around each focus (numpy's unpadded transform wraps the hyperbola tails round the section
    # elsewhere): the same peak sample and trace, and the amplitude ratio.
    focus = []
    for x, z in sim_points:
        i, j = int(round(2 * z / v / dt)), int(round(x / dx))
        win = (slice(max(0, i - 12), i + 12), slice(max(0, j - 12), j + 12))
        r, g = np.abs(ref[win]), np.abs(got[win])
        focus.append((np.unravel_index(r.argmax(), r.shape) == np.unravel_index(g.argmax(), g.shape),
                      g.max() / r.max()))
    print(f"phase shift {n} x {n}, {a.threads} thread(s)")
    print(f"numpy Gazdag (complex128, full plane) {t_np * 1e3:9.1f} ms")
    print(f"gprkit phase_shift                    {t_gk * 1e3:9.1f} ms   ratio {t_np / t_gk:5.2f}x")
    print(f"correlation of the two images: {cc:.3f}; around the {len(focus)} foci: same peak "
          f"{sum(f[0] for f in focus)}/{len(focus)}, amplitude gprkit/numpy "
          + ", ".join(f"{f[1]:.3f}" for f in focus))


if __name__ == "__main__":
    main()
