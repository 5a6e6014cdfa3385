"""The C API (libgprkit_c) through ctypes: a default stream, the output count law, errors.

The library is $GPRKIT_C_LIBRARY, else build/*/libgprkit_c.so* under the repository root
(build/release first; sanitized builds are skipped: their runtime must come first)."""
from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

GPRKIT_OK = 0
GPRKIT_INVALID_ARGUMENT = 1
GPRKIT_STATE_ERROR = 4


def _sanitized(build_dir: Path) -> bool:
    cache = build_dir / "CMakeCache.txt"
    return cache.is_file() and "GPRKIT_SANITIZE:BOOL=ON" in cache.read_text(errors="replace")


def _find_library() -> Path | None:
    env = os.environ.get("GPRKIT_C_LIBRARY")
    if env:
        return Path(env)
    builds = sorted((ROOT / "build").glob("*/"), key=lambda d: (d.name != "release", d.name))
    for d in builds:
        if _sanitized(d):
            continue
        candidates = sorted(d.glob("libgprkit_c.so*"), key=lambda p: len(p.name))
        if candidates:
            return candidates[0]
    return None


class Alarm(ctypes.Structure):
    _fields_ = [("x_m", ctypes.c_double), ("depth_m", ctypes.c_double),
                ("t_ns", ctypes.c_double), ("score", ctypes.c_double),
                ("trace", ctypes.c_int64)]


@pytest.fixture(scope="module")
def lib():
    path = _find_library()
    if path is None or not path.exists():
        pytest.skip("libgprkit_c.so not found: build the project (build/release) or set "
                    "GPRKIT_C_LIBRARY to the library's path")
    lib = ctypes.CDLL(str(path))
    stream_p = ctypes.c_void_p
    f_p = ctypes.POINTER(ctypes.c_float)
    i64_p = ctypes.POINTER(ctypes.c_int64)
    lib.gprkit_version.restype = ctypes.c_char_p
    lib.gprkit_version.argtypes = []
    lib.gprkit_abi_version.restype = ctypes.c_int
    lib.gprkit_abi_version.argtypes = []
    lib.gprkit_last_error.restype = ctypes.c_char_p
    lib.gprkit_last_error.argtypes = []
    lib.gprkit_stream_create.restype = ctypes.c_int
    lib.gprkit_stream_create.argtypes = [ctypes.c_char_p, ctypes.c_int64, ctypes.c_double,
                                         ctypes.c_double, ctypes.POINTER(stream_p)]
    lib.gprkit_stream_delay.restype = ctypes.c_int
    lib.gprkit_stream_delay.argtypes = [stream_p, i64_p]
    lib.gprkit_stream_push.restype = ctypes.c_int
    lib.gprkit_stream_push.argtypes = [stream_p, f_p, ctypes.c_int64, f_p, f_p, i64_p]
    lib.gprkit_stream_alarms.restype = ctypes.c_int
    lib.gprkit_stream_alarms.argtypes = [stream_p, ctypes.POINTER(Alarm), ctypes.c_int64, i64_p]
    lib.gprkit_stream_reset.restype = ctypes.c_int
    lib.gprkit_stream_reset.argtypes = [stream_p]
    lib.gprkit_stream_destroy.restype = None
    lib.gprkit_stream_destroy.argtypes = [stream_p]
    return lib


def _floats(a: np.ndarray):
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_float))


def _line(n_traces: int, n_samples: int, dt_ns: float, dx_m: float) -> np.ndarray:
    """(n_traces, n_samples) float32, C order: each trace contiguous, as the C API wants.
    A direct wave and one point target at x = 1 m, 0.25 m deep (v = 0.1 m/ns), 1 GHz."""
    t = np.arange(n_samples) * dt_ns
    x = np.arange(n_traces)[:, None] * dx_m

    def ricker(tt):
        a = (np.pi * 1.0 * tt) ** 2
        return (1 - 2 * a) * np.exp(-a)

    apex = 2 * np.sqrt(0.25**2 + (x - 1.0) ** 2) / 0.1
    rng = np.random.default_rng(3)
    d = ricker(t - 1.0) + 0.5 * ricker(t - 1.0 - apex) + 0.01 * rng.standard_normal((n_traces, n_samples))
    return np.ascontiguousarray(d, dtype=np.float32)


def test_versions(lib):
    assert lib.gprkit_abi_version() == 1
    assert lib.gprkit_version().decode().count(".") == 2


def test_default_stream_count_law(lib):
    ns, dt, dx = 256, 0.05, 0.01
    s = ctypes.c_void_p()
    assert lib.gprkit_stream_create(None, ns, dt, dx, ctypes.byref(s)) == GPRKIT_OK, \
        lib.gprkit_last_error()
    try:
        delay = ctypes.c_int64()
        assert lib.gprkit_stream_delay(s, ctypes.byref(delay)) == GPRKIT_OK
        d = delay.value
        nt = d + 150
        line = _line(nt, ns, dt, dx)
        out = np.zeros((nt, ns), np.float32)
        scores = np.zeros(nt, np.float32)
        n = ctypes.c_int64()
        total = 0
        for k in range(1, nt + 1):
            st = lib.gprkit_stream_push(s, _floats(line[k - 1]), 1, _floats(out[total:]),
                                        _floats(scores[total:]), ctypes.byref(n))
            assert st == GPRKIT_OK, lib.gprkit_last_error()
            total += n.value
            assert total == max(0, k - d)
        assert np.all(np.isfinite(out[:total])) and np.all(np.isfinite(scores[:total]))

        # One block gives the same bytes as single pushes.
        assert lib.gprkit_stream_reset(s) == GPRKIT_OK
        out2 = np.zeros_like(out)
        scores2 = np.zeros_like(scores)
        assert lib.gprkit_stream_push(s, _floats(line), nt, _floats(out2), _floats(scores2),
                                      ctypes.byref(n)) == GPRKIT_OK
        assert n.value == total
        assert out2.tobytes() == out.tobytes() and scores2.tobytes() == scores.tobytes()

        alarms = (Alarm * 64)()
        assert lib.gprkit_stream_alarms(s, alarms, 64, ctypes.byref(n)) == GPRKIT_OK
        xs = [alarms[i].x_m for i in range(n.value)]
        assert any(abs(x - 1.0) < 0.1 for x in xs), xs
    finally:
        lib.gprkit_stream_destroy(s)


def test_invalid_json(lib):
    s = ctypes.c_void_p()
    st = lib.gprkit_stream_create(b"{not json", 256, 0.05, 0.01, ctypes.byref(s))
    assert st == GPRKIT_INVALID_ARGUMENT
    assert s.value is None
    msg = lib.gprkit_last_error().decode()
    assert msg.startswith("gprkit_stream_create:") and len(msg) > len("gprkit_stream_create:")


def test_nan_and_null(lib):
    s = ctypes.c_void_p()
    assert lib.gprkit_stream_create(None, 64, 0.1, 0.01, ctypes.byref(s)) == GPRKIT_OK
    try:
        bad = np.zeros(64, np.float32)
        bad[3] = np.nan
        n = ctypes.c_int64(5)
        assert lib.gprkit_stream_push(s, _floats(bad), 1, None, None, ctypes.byref(n)) == \
            GPRKIT_INVALID_ARGUMENT
        assert n.value == 0
        assert lib.gprkit_stream_push(s, None, 1, None, None, ctypes.byref(n)) == \
            GPRKIT_INVALID_ARGUMENT
        assert "traces" in lib.gprkit_last_error().decode()
        # Memory that is not a handle is refused, not used.
        fake = ctypes.create_string_buffer(b"\x11" * 64)
        assert lib.gprkit_stream_reset(ctypes.cast(fake, ctypes.c_void_p)) == GPRKIT_STATE_ERROR
    finally:
        lib.gprkit_stream_destroy(s)
