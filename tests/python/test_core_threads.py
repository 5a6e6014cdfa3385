"""Same bits on any thread count: every kernel run in fresh processes under different
GPRKIT_NUM_THREADS / OMP settings hashes the same (FFT plans must not depend on timing, load
or the thread count, work must be split in fixed chunks)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import gprkit

# Runs in a child process: prints {kernel: sha1 of its output bytes}.
CHILD = r"""
import hashlib, json
import numpy as np
import gprkit
from gprkit.demo import minefield_line

b = minefield_line(300).bscan
vol = np.asfortranarray(np.stack([b.data[:128, 10 * l:10 * l + 32] for l in range(16)], axis=2))

def digest(x):
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float, np.ndarray)):
        x = [(d.x_m, d.depth_m, d.score) for d in x]
    if isinstance(x, tuple):
        return hashlib.sha1(b"".join(np.ascontiguousarray(np.asarray(getattr(v, "data", v))).tobytes()
                                     for v in x)).hexdigest()
    if isinstance(x, list):
        return hashlib.sha1(repr(x).encode()).hexdigest()
    return hashlib.sha1(np.ascontiguousarray(np.asarray(getattr(x, "data", x))).tobytes()).hexdigest()

s = gprkit.score(b)
kernels = {
    "dc_remove": lambda: gprkit.dc_remove(b),
    "dewow": lambda: gprkit.dewow(b),
    "time_zero": lambda: gprkit.time_zero(b, search_end_ns=1.0),
    "bandpass": lambda: gprkit.bandpass(b, low_mhz=250, high_mhz=2500),
    "gain": lambda: gprkit.gain(b, kind="agc", window_ns=1.0),
    "envelope": lambda: gprkit.envelope(b),
    "svd": lambda: gprkit.truncated_svd(b.data, 4),
    "rpca": lambda: gprkit.rpca(b.data, max_iterations=8),
    "score_energy": lambda: s,
    "score_rx": lambda: gprkit.score(b, "rx"),
    "score_hyperbola": lambda: gprkit.score(b, "hyperbola"),
    "cfar": lambda: gprkit.cfar(s, "os", model="gaussian", train_samples=2),
    "detect": lambda: gprkit.detect(b),
}
for m in ("mean", "median", "moving_median", "svd", "ground_bounce"):
    kernels["background_" + m] = lambda m=m: gprkit.remove_background(b, m)
for m in ("stolt", "phase_shift", "kirchhoff", "backprojection"):
    kernels["migrate_" + m] = lambda m=m: gprkit.migrate(b, m)
    kernels["migrate_3d_" + m] = lambda m=m: gprkit.migrate_3d(vol, 0.025, 0.01, 0.01, method=m,
                                                               antenna_height_m=0.03)
print(json.dumps({name: digest(f()) for name, f in kernels.items()}))
"""

# (GPRKIT_NUM_THREADS, extra OpenMP settings); None leaves the variable unset.
SETTINGS = [("1", {}), ("2", {}), ("3", {}), (None, {"OMP_NUM_THREADS": "3"}),
            ("3", {"OMP_NUM_THREADS": "1", "OMP_DYNAMIC": "true"})]


def run_child(threads: str | None, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GPRKIT_NUM"))}
    package_root = str(Path(os.path.abspath(gprkit.__file__)).parents[1])  # not resolve(): symlinks
    env["PYTHONPATH"] = os.pathsep.join([package_root, env.get("PYTHONPATH", "")])
    if threads is not None:
        env["GPRKIT_NUM_THREADS"] = threads
    env.update(extra)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_every_kernel_hashes_the_same_in_fresh_processes_on_any_thread_count():
    results = [run_child(t, extra) for t, extra in SETTINGS]
    ref = results[0]
    assert len(ref) >= 25
    for (threads, extra), got in zip(SETTINGS[1:], results[1:]):
        differ = sorted(k for k in ref if got.get(k) != ref[k])
        assert not differ, f"GPRKIT_NUM_THREADS={threads} {extra}: {differ} differ from 1 thread"
