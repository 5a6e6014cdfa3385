"""Read a large DZT with gprkit.read against numpy.fromfile of the same bytes (+ float32).

    PYTHONPATH=build-io/python python3 bench/python/bench_io.py [--mb 1024] [--repeat 3]

The file (16-bit, 1024 samples per trace) is written once into a temp dir; the figure is MB/s
of file bytes. numpy's reference: np.fromfile(uint16) then .astype(float32) - 32768 into a
Fortran array, i.e. the same result gprkit returns (centred float32, (n_samples, n_traces)).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

import gprkit


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1024.0, help="file size in MB (default 1024)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ns = 1024
    nt = int(args.mb * 1e6 / (2 * ns))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.dzt")
        # write with gprkit (one 512 x nt/.. chunk at a time would be nicer; one shot is fine)
        rng = np.random.default_rng(0)
        data = np.asfortranarray(rng.integers(-1000, 1000, size=(ns, nt), dtype=np.int16).astype(np.float32))
        gprkit.write(gprkit.Bscan(data, dt_ns=0.02), path)
        del data
        size = os.path.getsize(path)

        def with_gprkit():
            return gprkit.read(path, read_gps=False)

        def with_numpy():
            raw = np.fromfile(path, dtype="<u2", offset=1024)
            out = np.empty((ns, raw.size // ns), dtype=np.float32, order="F")
            np.subtract(raw.reshape(-1, ns).T, 32768, out=out, dtype=np.float32, casting="unsafe")
            return out

        def numpy_bytes_only():
            return np.fromfile(path, dtype="<u2", offset=1024)

        a, b = with_gprkit().data, with_numpy()
        assert np.array_equal(a, b), "gprkit and numpy disagree"
        del a, b
        t_g = best(with_gprkit, args.repeat)
        t_n = best(with_numpy, args.repeat)
        t_b = best(numpy_bytes_only, args.repeat)
        mb = size / 1e6
        print(f"file: {mb:.0f} MB ({ns} x {nt} uint16), threads {gprkit.get_num_threads()}")
        print(f"gprkit.read                     {t_g * 1e3:8.1f} ms  {mb / t_g:8.0f} MB/s")
        print(f"numpy fromfile + float32        {t_n * 1e3:8.1f} ms  {mb / t_n:8.0f} MB/s")
        print(f"numpy fromfile (bytes only)     {t_b * 1e3:8.1f} ms  {mb / t_b:8.0f} MB/s")
        print(f"ratio gprkit / (numpy + float32): {t_n / t_g:.2f}x faster")
        print(f"ratio gprkit / (numpy bytes only): {t_b / t_g:.2f}x")


if __name__ == "__main__":
    main()
