"""Where the traces are: GPS fixes as per-trace positions, and topography files.

The readers keep the GPS fixes of a line's companion (.DZG, pulseEKKO .GPS, MALA and
ImpulseRadar .cor) in the header; :func:`gps_positions` turns them into per-trace longitude,
latitude and altitude (WGS 84, interpolated in trace index between fixes) and local metric
coordinates, and :func:`with_gps_positions` puts them where the processing steps look:
``x_m`` (distance along the track, for ``normalize_distance`` and migration), ``y_m`` (0), and
``z_m`` (altitude, for ``topographic_correction``).

A topography file (GPRPy's convention) has two columns, distance along the line and
elevation (m), or three, x y z (the distance is then the cumulative horizontal distance
between the points); :func:`read_topography` reads it and :func:`apply_topography` sets each
trace's ``z_m`` from it.
"""
from __future__ import annotations

import math
import os
import re
from typing import Any

import numpy as np

from . import _core
from .bscan import Bscan, as_bscan

__all__ = ["gps_positions", "with_gps_positions", "read_topography", "apply_topography"]

_MAX_TOPOGRAPHY_BYTES = 64 << 20


def gps_positions(b: Any) -> dict[str, Any]:
    """Per-trace positions from the GPS fixes in ``b``'s header: a dict of numpy arrays
    ``longitude_deg``, ``latitude_deg``, ``altitude_m`` (WGS 84, ``crs`` "EPSG:4326"),
    ``east_m``, ``north_m`` (a local plane tangent to the ellipsoid at the first fixed trace)
    and ``distance_m`` (along the track, 0 at the first fixed trace), one entry per trace and
    NaN before the first fix or after the last one (``first_trace`` .. ``last_trace``);
    ``n_fixes``. Raises gprkit.InvalidArgument when the line has no GPS fixes."""
    b = as_bscan(b)
    return _core.io_trace_positions(b.header, b.n_traces)


def with_gps_positions(b: Any, *, elevation: bool = True) -> Bscan:
    """``b`` with ``x_m`` = distance along the GPS track (m), ``y_m`` = 0 and, with
    ``elevation``, ``z_m`` = the GPS altitude (m). Every trace needs a fix: a line whose first
    or last traces have none raises ValueError saying which to keep (slice ``b[:, i0:i1 + 1]``:
    slicing keeps the fixes' trace numbers right)."""
    b = as_bscan(b)
    p = gps_positions(b)
    if p["first_trace"] > 0 or p["last_trace"] < b.n_traces - 1:
        raise ValueError(f"with_gps_positions: the GPS fixes cover traces {p['first_trace']}.."
                         f"{p['last_trace']} of {b.n_traces}; keep those (b[:, {p['first_trace']}:"
                         f"{p['last_trace'] + 1}]) or give positions another way")
    changes: dict[str, Any] = {"x_m": np.asarray(p["distance_m"], dtype=np.float64),
                               "y_m": np.zeros(b.n_traces)}
    if elevation:
        changes["z_m"] = np.asarray(p["altitude_m"], dtype=np.float64)
    return b.with_data(b.data, **changes)


_SPLIT = re.compile(r"[\s,;]+")


def read_topography(path: Any) -> dict[str, np.ndarray]:
    """A topography file: rows of ``distance elevation`` or ``x y z`` (m; whitespace, comma or
    semicolon separated; blank lines and lines starting with ``#`` or a header row of words
    skipped). Returns ``distance_m`` and ``elevation_m`` (and ``x_m``, ``y_m`` for three
    columns, the distance being the cumulative horizontal distance between the points).
    Raises gprkit.FormatError naming the file and line for anything else (a row of another
    column count, a value that is not a finite number, fewer than two points, distances that
    are not increasing), gprkit.IoError when it cannot be read."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise _core.IoError(f"read_topography: '{path}' is not a regular file")
    if os.path.getsize(path) > _MAX_TOPOGRAPHY_BYTES:
        raise _core.FormatError(f"read_topography: '{path}' is larger than 64 MiB; not a topography file")
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_TOPOGRAPHY_BYTES + 1)
    except OSError as e:
        raise _core.IoError(f"read_topography: cannot read '{path}': {e.strerror or e}") from None
    return parse_topography(raw, path)


def parse_topography(raw: bytes, name: str = "<bytes>") -> dict[str, np.ndarray]:
    """:func:`read_topography` on bytes in memory (``name`` appears in the errors)."""
    text = raw.decode("latin-1")  # instruments write plain ASCII; never fail on a stray byte
    rows: list[list[float]] = []
    ncol = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = [p for p in _SPLIT.split(s) if p]
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            if not rows:  # a header row of column names
                continue
            raise _core.FormatError(f"read_topography: {name}: line {lineno}: {s[:60]!r} is not "
                                    "a row of numbers") from None
        if len(vals) not in (2, 3) or (ncol and len(vals) != ncol):
            expected = f"{ncol}" if ncol else "2 (distance elevation) or 3 (x y z)"
            raise _core.FormatError(f"read_topography: {name}: line {lineno} has {len(vals)} "
                                    f"columns; expected {expected}")
        if not all(math.isfinite(v) for v in vals):
            raise _core.FormatError(f"read_topography: {name}: line {lineno}: {s[:60]!r} holds a "
                                    "value that is not finite")
        ncol = len(vals)
        rows.append(vals)
    if len(rows) < 2:
        raise _core.FormatError(f"read_topography: {name}: {len(rows)} point(s); a topography "
                                "needs at least 2 rows of 'distance elevation' or 'x y z'")
    a = np.asarray(rows, dtype=np.float64)
    out: dict[str, np.ndarray] = {}
    if ncol == 3:
        out["x_m"], out["y_m"] = a[:, 0].copy(), a[:, 1].copy()
        dist = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(a[:, 0]), np.diff(a[:, 1])))])
    else:
        dist = a[:, 0].copy()
    if not np.all(np.diff(dist) > 0):
        k = int(np.argmin(np.diff(dist) > 0)) + 1
        raise _core.FormatError(f"read_topography: {name}: point {k + 1} is not beyond point {k} "
                                "along the line (distances must increase)")
    out["distance_m"] = dist
    out["elevation_m"] = a[:, -1].copy()
    return out


def apply_topography(b: Any, topography: Any, *, offset_m: float = 0.0) -> Bscan:
    """``b`` with ``z_m`` = the surface elevation at each trace's position along the line
    (``b.x_m()`` + ``offset_m``, where the topography's distance 0 is), interpolated linearly
    between the topography's points (exact at them). ``topography`` is a file path or what
    :func:`read_topography` returns (or any dict with ``distance_m`` and ``elevation_m``).
    Traces beyond the topography's ends by more than one trace spacing raise ValueError: an
    elevation there would be invented."""
    b = as_bscan(b)
    topo = read_topography(topography) if isinstance(topography, (str, os.PathLike)) else topography
    d = np.asarray(topo["distance_m"], dtype=np.float64)
    z = np.asarray(topo["elevation_m"], dtype=np.float64)
    if d.ndim != 1 or d.shape != z.shape or d.size < 2 or not np.all(np.diff(d) > 0):
        raise ValueError("apply_topography: topography needs increasing distance_m and elevation_m "
                         "of one length >= 2")
    x = b.x_m() + float(offset_m)
    if not np.all(np.isfinite(x)):
        raise ValueError("apply_topography: the line's positions x_m are not all finite")
    slack = b.dx_m if b.dx_m > 0 else 0.0
    lo, hi = float(np.min(x)), float(np.max(x))
    if lo < d[0] - slack - 1e-9 or hi > d[-1] + slack + 1e-9:
        raise ValueError(f"apply_topography: the line spans {lo:g}..{hi:g} m but the topography "
                         f"{d[0]:g}..{d[-1]:g} m; give offset_m or a topography that covers the line")
    return b.with_data(b.data, z_m=np.interp(x, d, z))
