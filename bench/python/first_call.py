"""First-call cost of the FFT kernels in fresh processes: without FFTW wisdom, the process
that writes it, the next process that replays it, against warm calls.

    PYTHONPATH=build/release/python python3 bench/python/first_call.py [--repeat 7] [--threads 0]

Each measurement is a new `python3 -c` process: it imports gprkit (which creates FFTW's
planner and loads the wisdom file: gprkit::fft::prepare, ~1.5 ms, not timed), makes the
section, runs one non-FFT step (dc_remove) so Python's own first-call costs are paid, then
times the first call of the kernel and then warm calls. States: "off"
(GPRKIT_FFTW_WISDOM=off: FFTW_ESTIMATE planning), "writes" (an empty wisdom path: planning
plus the saves), "replays" (the file the "writes" process left: plans replayed from wisdom).
"first" is the first call, "warm" the median of later calls in the same process; the ratio is
median first / median warm.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, sys, time
import numpy as np
import gprkit
op, n_samples, n_traces, warm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if int(sys.argv[5]):
    gprkit.set_num_threads(int(sys.argv[5]))
b = gprkit.simulate([(0.01 * n_traces / 2, 0.2, 0.5)], n_samples=n_samples, n_traces=n_traces,
                    dt_ns=0.02, dx_m=0.01, centre_frequency_mhz=1000, noise_std=0.01).bscan
call = {"bandpass": lambda: gprkit.bandpass(b),
        "envelope": lambda: gprkit.envelope(b),
        "stolt": lambda: gprkit.migrate(b, "stolt", 0.1)}[op]
gprkit.dc_remove(b)  # Python's first-call path, without an FFT
t = time.perf_counter(); call(); first = time.perf_counter() - t
times = []
for _ in range(warm):
    t = time.perf_counter(); call(); times.append(time.perf_counter() - t)
w = gprkit._core.fft_wisdom()
print(json.dumps({"first": first, "warm": float(np.median(times)), "loaded": w["loaded"],
                  "saves": w["saves"]}))
"""


def child(op: str, shape: tuple[int, int], wisdom: str, warm: int, threads: int) -> dict:
    env = dict(os.environ, GPRKIT_FFTW_WISDOM=wisdom)
    out = subprocess.run([sys.executable, "-c", CHILD, op, str(shape[0]), str(shape[1]), str(warm),
                          str(threads)], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7, help="fresh processes per state")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    shapes = [(512, 1), (512, 2048)]
    ops = ["bandpass", "envelope", "stolt"]
    import gprkit

    print(f"gprkit {gprkit.__version__}: fresh python3 processes, {args.repeat} per state; "
          f"threads {args.threads or 'default'}, cores {os.cpu_count()}")
    print(f"{'kernel':<10}{'section':>11}  {'state':<8}{'first med ms':>13}{'first min ms':>13}"
          f"{'warm ms':>9}{'first/warm':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for op in ops:
            for shape in shapes:
                warm = 20 if shape[1] == 1 else 5
                runs: dict[str, list[dict]] = {"off": [], "writes": [], "replays": []}
                for r in range(args.repeat):
                    path = str(Path(tmp) / f"{op}-{shape[1]}-{r}.wisdom")
                    runs["off"].append(child(op, shape, "off", warm, args.threads))
                    runs["writes"].append(child(op, shape, path, warm, args.threads))
                    runs["replays"].append(child(op, shape, path, warm, args.threads))
                replays = runs["replays"]
                assert all(x["loaded"] and x["saves"] == 0 for x in replays), replays
                assert all(x["saves"] > 0 for x in runs["writes"]), runs["writes"]
                for state, xs in runs.items():
                    first = [x["first"] for x in xs]
                    warm_ms = statistics.median(x["warm"] for x in xs)
                    print(f"{op:<10}{f'{shape[0]} x {shape[1]}':>11}  {state:<8}"
                          f"{statistics.median(first) * 1e3:>13.2f}{min(first) * 1e3:>13.2f}"
                          f"{warm_ms * 1e3:>9.2f}{statistics.median(first) / warm_ms:>10.1f}x")
    print("command: PYTHONPATH=build/release/python python3 bench/python/first_call.py "
          + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
