"""FFTW wisdom across processes (src/core/fft_wisdom.cpp): the first process writes the file,
the next replays it, and no wisdom state (none, replayed, corrupt, foreign, unwritable,
written by processes racing) changes a bit of bandpass, envelope or stolt migration.

Each case runs fresh `python3 -c` children (PYTHONPATH inherited) with GPRKIT_FFTW_WISDOM
naming a file under tmp_path.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r"""
import hashlib, json, sys
import numpy as np
if len(sys.argv) > 1:  # a host that imports its own wisdom into the same libfftw3f first
    import ctypes
    import gprkit
    lib = ctypes.CDLL("libfftw3f.so.3")
    lib.fftwf_import_wisdom_from_filename.argtypes = [ctypes.c_char_p]
    assert lib.fftwf_import_wisdom_from_filename(sys.argv[1].encode())
import gprkit
from gprkit import _core
b = gprkit.simulate([(0.12, 0.2, 0.5)], n_samples=128, n_traces=24, dt_ns=0.05, dx_m=0.01,
                    centre_frequency_mhz=1000, noise_std=0.01, seed=1).bscan
digest = lambda r: hashlib.sha256(np.ascontiguousarray(r.data).tobytes()).hexdigest()
print(json.dumps({"bandpass": digest(gprkit.bandpass(b)), "envelope": digest(gprkit.envelope(b)),
                  "stolt": digest(gprkit.migrate(b, "stolt", 0.1)),
                  "wisdom": _core.fft_wisdom()}))
"""

# Wisdom of another program's planner: FFTW_ESTIMATE_PATIENT (1 << 7, FFTW's "beyond-guru"
# flag) searches more algorithms than FFTW_ESTIMATE without timing them, so it is quick to
# make, and its entries satisfy FFTW_ESTIMATE requests (as FFTW_MEASURE ones do).
FOREIGN = r"""
import ctypes, sys
lib = ctypes.CDLL("libfftw3f.so.3")
lib.fftwf_malloc.restype = ctypes.c_void_p
lib.fftwf_malloc.argtypes = [ctypes.c_size_t]
lib.fftwf_plan_dft_1d.restype = ctypes.c_void_p
lib.fftwf_plan_dft_1d.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                                  ctypes.c_uint]
for name in ("fftwf_plan_dft_r2c_1d", "fftwf_plan_dft_c2r_1d"):
    getattr(lib, name).restype = ctypes.c_void_p
    getattr(lib, name).argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]
lib.fftwf_export_wisdom_to_filename.argtypes = [ctypes.c_char_p]
a, b = lib.fftwf_malloc(8 * 4096), lib.fftwf_malloc(8 * 4096)
def smooth(n):
    for p in (2, 3, 5, 7):
        while n % p == 0:
            n //= p
    return n == 1
for n in filter(smooth, range(30, 300)):
    lib.fftwf_plan_dft_r2c_1d(n, a, b, 1 << 7)
    lib.fftwf_plan_dft_c2r_1d(n, b, a, 1 << 7)
    for sign in (-1, 1):
        lib.fftwf_plan_dft_1d(n, a, b, sign, 1 << 7)
        lib.fftwf_plan_dft_1d(n, a, a, sign, 1 << 7)
assert lib.fftwf_export_wisdom_to_filename(sys.argv[1].encode())
"""

ESTIMATE_FLAGS = 0x30BFF  # src/core/fft_wisdom.h kEstimateFlags
KERNELS = ("bandpass", "envelope", "stolt")


def child_env(wisdom: Path | str | None, **extra: str) -> dict:
    env = dict(os.environ)
    if wisdom is None:
        env.pop("GPRKIT_FFTW_WISDOM", None)
    else:
        env["GPRKIT_FFTW_WISDOM"] = str(wisdom)
    env.update(extra)
    return env


def run(wisdom: Path | str | None, *args: str, **extra: str) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, *args], env=child_env(wisdom, **extra),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def bits(r: dict) -> dict:
    return {k: r[k] for k in KERNELS}


def entries(path: Path) -> list[list[str]]:
    """The entries of a valid FFTW float wisdom file, each FFTW_ESTIMATE (else fails)."""
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    head = lines[0].split()
    assert head[0].startswith("(fftw-3") and head[1] == "fftwf_wisdom", lines[0]
    assert lines[-1] == ")"
    out = []
    for ln in lines[1:-1]:
        tok = ln.strip("()").split()
        assert len(tok) == 9, ln
        lo, up, limit = (int(t[2:], 16) for t in tok[2:5])
        assert lo & ESTIMATE_FLAGS == ESTIMATE_FLAGS and up & ESTIMATE_FLAGS == ESTIMATE_FLAGS, ln
        assert limit == 0, ln
        out.append(tok)
    return out


@pytest.fixture(scope="module")
def reference() -> dict:
    """The bits without wisdom (GPRKIT_FFTW_WISDOM=off)."""
    r = run("off")
    assert r["wisdom"] == {"path": "", "loaded": False, "saves": 0}
    return bits(r)


@pytest.fixture(scope="module")
def valid_text(tmp_path_factory, reference) -> str:
    path = tmp_path_factory.mktemp("valid") / "w.wisdom"
    assert bits(run(path)) == reference
    return path.read_text()


def test_first_process_writes_the_file_and_the_next_replays_it(tmp_path, reference):
    path = tmp_path / "w.wisdom"
    first = run(path)
    assert bits(first) == reference
    assert first["wisdom"]["path"] == str(path)
    assert not first["wisdom"]["loaded"] and first["wisdom"]["saves"] > 0
    assert path.stat().st_size > 0
    assert path.read_text().startswith("(fftw-3") and entries(path)
    second = run(path)
    assert bits(second) == reference
    assert second["wisdom"]["loaded"] and second["wisdom"]["saves"] == 0  # nothing new
    # Replayed plans give the bits of fresh ones at any thread count.
    for threads in ("1", "3"):
        assert bits(run(path, GPRKIT_NUM_THREADS=threads)) == reference
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("kind", ["garbage", "empty", "binary", "truncated", "double", "huge"])
def test_a_corrupt_file_is_ignored_and_replaced(tmp_path, reference, valid_text, kind):
    path = tmp_path / "w.wisdom"
    content = {
        "garbage": "not wisdom at all\n(((\n",
        "empty": "",
        "binary": "\x00\xff\x13" * 100,
        "truncated": valid_text[: len(valid_text) // 2],
        "double": valid_text.replace("fftwf_wisdom", "fftw_wisdom", 1),  # another precision
        "huge": valid_text[:-2] + valid_text.splitlines(True)[1] * 3000 + ")\n",  # > 128 kB
    }[kind]
    path.write_bytes(content.encode("latin-1"))
    r = run(path)
    assert bits(r) == reference
    assert not r["wisdom"]["loaded"] and r["wisdom"]["saves"] > 0
    assert entries(path)  # replaced by valid wisdom
    again = run(path)
    assert again["wisdom"]["loaded"] and bits(again) == reference


def _make_foreign(path: Path) -> None:
    try:
        subprocess.run([sys.executable, "-c", FOREIGN, str(path)], env=child_env("off"), check=True,
                       capture_output=True, timeout=300)
    except subprocess.CalledProcessError as e:
        pytest.skip(f"no libfftw3f.so.3 to make foreign wisdom with: {e.stderr[-200:]!r}")


def test_foreign_wisdom_in_the_file_changes_nothing(tmp_path, reference):
    foreign = tmp_path / "foreign.wisdom"
    _make_foreign(foreign)
    # The control: imported into the process as is, this wisdom changes the plans and bits.
    if bits(run("off", str(foreign))) == reference:
        pytest.skip("this FFTW's patient plans for these sizes equal its estimated ones")
    path = tmp_path / "w.wisdom"
    path.write_bytes(foreign.read_bytes())
    r = run(path)
    assert bits(r) == reference
    assert not r["wisdom"]["loaded"]  # nothing FFTW_ESTIMATE in it
    assert entries(path)  # replaced, and every entry FFTW_ESTIMATE: none of the foreign ones
    # A host's own wisdom in the process is never written to gprkit's file.
    hosted = tmp_path / "hosted.wisdom"
    assert bits(run(hosted, str(foreign))) != reference  # the host's wisdom did act
    if hosted.exists():
        entries(hosted)

def _unwritable(tmp_path: Path, kind: str) -> Path:
    if kind == "parent is a file":
        (tmp_path / "file").write_text("x")
        return tmp_path / "file" / "w.wisdom"
    if kind == "read-only folder":
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(stat.S_IRUSR | stat.S_IXUSR)
        return d / "w.wisdom"
    if kind == "a folder":
        (tmp_path / "dir.wisdom").mkdir()
        return tmp_path / "dir.wisdom"
    return Path(os.devnull)


@pytest.mark.parametrize("kind", ["parent is a file", "read-only folder", "a folder", "devnull"])
def test_an_unwritable_location_does_not_fail_the_call(tmp_path, reference, kind):
    path = _unwritable(tmp_path, kind)
    try:
        r = run(path)
        assert bits(r) == reference
        assert r["wisdom"]["saves"] == 0 and not r["wisdom"]["loaded"]
        if kind == "devnull":
            assert not Path(os.devnull).is_file()  # never renamed over
        if kind == "a folder":
            assert path.is_dir() and not any(path.iterdir())
        assert not list(tmp_path.rglob("*.tmp"))
    finally:
        if kind == "read-only folder":
            path.parent.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("off", ["off", "0", ""])
def test_off_writes_nothing(tmp_path, reference, off):
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    r = run(off, HOME=str(home), XDG_CACHE_HOME=str(cache))
    assert bits(r) == reference and r["wisdom"] == {"path": "", "loaded": False, "saves": 0}
    assert not cache.exists() and not any(home.iterdir())


def test_the_default_file_is_in_the_users_cache_folder(tmp_path, reference):
    cache = tmp_path / "cache"
    r = run(None, XDG_CACHE_HOME=str(cache))
    path = Path(r["wisdom"]["path"])
    assert path.parent == cache / "gprkit"
    assert path.name.startswith("fftwf-") and path.name.endswith(".wisdom")
    assert path.is_file() and bits(r) == reference
    assert run(None, XDG_CACHE_HOME=str(cache))["wisdom"]["loaded"]
    # No XDG_CACHE_HOME: ~/.cache; a HOME that cannot hold a folder fails nothing.
    home = tmp_path / "home-is-a-file"
    home.write_text("x")
    env = {"HOME": str(home), "XDG_CACHE_HOME": ""}
    r = run(None, **env)
    assert r["wisdom"]["path"].startswith(str(home / ".cache" / "gprkit"))
    assert bits(r) == reference and r["wisdom"]["saves"] == 0


def test_processes_racing_on_one_file_all_succeed_and_leave_it_valid(tmp_path, reference):
    path = tmp_path / "w.wisdom"
    procs = [subprocess.Popen([sys.executable, "-c", CHILD], env=child_env(path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert bits(json.loads(out.strip().splitlines()[-1])) == reference
    assert entries(path)
    assert not list(tmp_path.glob("*.tmp"))
    fifth = run(path)
    assert fifth["wisdom"]["loaded"] and fifth["wisdom"]["saves"] == 0
    assert bits(fifth) == reference
