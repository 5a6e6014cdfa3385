"""Bscan: a float32 section (n_samples, n_traces) with its acquisition header."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._args import number
from ._errors import InvalidArgument

_REAL_KINDS = "fiu"  # float, signed and unsigned integers


def as_float32(data: Any, what: str = "data") -> np.ndarray:
    """Return `data` as a float32 array of 1 or 2 dimensions.

    Float32 input is used as is (no copy, any strides); other real dtypes are converted
    (one copy). Complex, boolean, object and string arrays raise TypeError.
    """
    arr = np.asarray(data)
    if arr.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{what}: dtype = {arr.dtype}; expected a real numeric dtype (float32 preferred)")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{what}: ndim = {arr.ndim}; expected 2 (n_samples, n_traces) or 1 (one trace)")
    if arr.dtype != np.float32:
        arr = np.asfortranarray(arr, dtype=np.float32)
    return arr


class Bscan:
    """A GPR section: `data` is float32 of shape (n_samples, n_traces), time down the rows.

    Parameters
    ----------
    data : array_like (n_samples, n_traces)
        float32 is kept without a copy (Fortran order is what the kernels return and
        read fastest); other real dtypes are converted once.
    dt_ns : sample interval in ns.
    dx_m : trace spacing in m.
    t0_ns : time of sample 0 relative to time-zero, in ns.
    header : further header fields (antenna_separation_m, antenna_height_m,
        centre_frequency_mhz, x_m, y_m, z_m, raw, ...).
    """

    __slots__ = ("data", "header")

    def __init__(self, data: Any, dt_ns: float | None = None, dx_m: float | None = None,
                 t0_ns: float | None = None, header: dict | None = None, **fields: Any):
        arr = as_float32(data)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1, order="F")
        h: dict[str, Any] = {"dt_ns": 0.1, "dx_m": 0.01, "t0_ns": 0.0, "antenna_separation_m": 0.0,
                             "antenna_height_m": 0.0, "centre_frequency_mhz": 0.0, "x_m": None,
                             "y_m": None, "z_m": None, "raw": {}, "history": []}
        if header:
            h.update(header)
        h.update(fields)
        if dt_ns is not None:
            h["dt_ns"] = dt_ns
        if dx_m is not None:
            h["dx_m"] = dx_m
        if t0_ns is not None:
            h["t0_ns"] = t0_ns
        for key in ("dt_ns", "dx_m", "t0_ns"):
            if isinstance(h[key], np.bool_) or (np.ndim(h[key]) != 0):
                raise InvalidArgument(f"Bscan: {key} = {h[key]!r}; expected a finite number")
            h[key] = number("Bscan", key, h[key])
        if not h["dt_ns"] > 0:
            raise ValueError(f"Bscan: dt_ns = {h['dt_ns']!r}; expected a value > 0")
        if h["dx_m"] < 0:
            raise ValueError(f"Bscan: dx_m = {h['dx_m']!r}; expected a value >= 0")
        h["dt_ns"], h["dx_m"], h["t0_ns"] = float(h["dt_ns"]), float(h["dx_m"]), float(h["t0_ns"])
        for key in ("x_m", "y_m", "z_m"):
            if h.get(key) is not None:
                pos = np.asarray(h[key], dtype=np.float64).ravel()
                if pos.size != arr.shape[1]:
                    raise ValueError(f"Bscan: header['{key}'] has {pos.size} values; expected one "
                                     f"per trace ({arr.shape[1]})")
                h[key] = pos
        self.data = arr
        self.header = h

    # -- the fields every kernel reads --------------------------------------------------
    @property
    def dt_ns(self) -> float:
        return self.header["dt_ns"]

    @property
    def dx_m(self) -> float:
        return self.header["dx_m"]

    @property
    def t0_ns(self) -> float:
        return self.header["t0_ns"]

    @property
    def n_samples(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_traces(self) -> int:
        return int(self.data.shape[1])

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_samples, self.n_traces)

    @property
    def history(self) -> list:
        """The steps this section went through, oldest first: ``{"step": name, "options":
        {...resolved...}, "version": library version}`` (``Pipeline.from_history`` re-runs
        them)."""
        return self.header.setdefault("history", [])

    def time_ns(self) -> np.ndarray:
        """Two-way time of each sample (ns): t0_ns + i * dt_ns."""
        return self.t0_ns + self.dt_ns * np.arange(self.n_samples)

    def x_m(self) -> np.ndarray:
        """Position of each trace along the line (m): header x_m when known, else j * dx_m."""
        if self.header.get("x_m") is not None:
            return np.asarray(self.header["x_m"], dtype=np.float64)
        return self.dx_m * np.arange(self.n_traces)

    def depth_m(self, velocity_m_per_ns: float) -> np.ndarray:
        """Depth of each sample (m) for a constant velocity: v * t / 2 (t from time-zero)."""
        v = float(velocity_m_per_ns)
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"depth_m: velocity_m_per_ns = {velocity_m_per_ns!r}; expected a finite value > 0")
        return 0.5 * v * self.time_ns()

    def with_data(self, data: np.ndarray, **changes: Any) -> "Bscan":
        """A new Bscan with `data` and this header (copied), updated by `changes`."""
        h = dict(self.header)
        h["raw"] = dict(self.header.get("raw") or {})
        h["history"] = list(self.header.get("history") or [])
        h.update(changes)
        out = Bscan.__new__(Bscan)
        out.data = data
        out.header = h
        return out

    def copy(self) -> "Bscan":
        return self.with_data(np.array(self.data, order="F", copy=True))

    def __repr__(self) -> str:
        return (f"Bscan({self.n_samples} samples x {self.n_traces} traces, dt_ns={self.dt_ns:g}, "
                f"dx_m={self.dx_m:g}, t0_ns={self.t0_ns:g})")


def as_bscan(b: Any, dt_ns: float | None = None, dx_m: float | None = None, what: str = "b") -> Bscan:
    """Accept a Bscan or an array plus dt_ns (and optionally dx_m)."""
    if isinstance(b, Bscan):
        if dt_ns is not None or dx_m is not None:
            return b.with_data(b.data, **({"dt_ns": float(dt_ns)} if dt_ns is not None else {}),
                               **({"dx_m": float(dx_m)} if dx_m is not None else {}))
        return b
    if dt_ns is None:
        raise TypeError(f"{what}: got an array without dt_ns; pass a gprkit.Bscan or dt_ns=...")
    return Bscan(b, dt_ns=dt_ns, dx_m=dx_m)
