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

    # -- numpy, pickle, slicing, notebooks -----------------------------------------------
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(b)``: the float32 samples (n_samples, n_traces), without a copy unless
        a dtype change or ``copy=True`` asks for one (numpy 1 and 2 protocols)."""
        if dtype is None or np.dtype(dtype) == self.data.dtype:
            return np.array(self.data, copy=True) if copy else self.data
        if copy is False:
            raise ValueError(f"Bscan.__array__: dtype = {np.dtype(dtype)} needs a copy of the "
                             f"{self.data.dtype} samples but copy=False was asked")
        return self.data.astype(dtype)

    def __iter__(self):
        raise TypeError("Bscan is not iterable: use b.data (an array) or b.data[:, j] for trace j")

    def __reduce__(self):
        return (_rebuild, (self.data, self.header))

    def __getitem__(self, key: Any) -> "Bscan":
        """``b[samples, traces]`` with slices: a Bscan viewing the same samples (no copy) whose
        header follows: t0_ns moves to the first kept sample, dx_m scales with a trace step,
        per-trace positions (x_m, y_m, z_m), per-trace raw lists (``trace_*``), marks and GPS
        fixes are sliced or renumbered, and the history records the slice. ``b[a:b]`` slices
        samples only. Sample steps other than 1 are refused (use :func:`gprkit.resample`, which
        filters before it decimates); a negative trace step reverses the line; a reversed line and
        one cut after its first trace keep their true positions explicitly in ``x_m``. Integer indices are refused: ``b.data[:, j]`` is the
        trace as an array, ``b[:, j:j + 1]`` a one-trace Bscan."""
        if not isinstance(key, tuple):
            key = (key,)
        if len(key) == 1:
            key = (key[0], slice(None))
        if len(key) != 2:
            raise IndexError(f"Bscan: {len(key)} indices given; expected b[samples, traces]")
        for axis, k in zip(("samples", "traces"), key):
            if not isinstance(k, slice):
                raise TypeError(f"Bscan[{axis}]: got {type(k).__name__} {k!r}; only slices keep a "
                                f"Bscan (b[:, j:j + 1] for one trace, b.data[:, j] for an array)")
        s0, s1, ss = key[0].indices(self.n_samples)
        if ss != 1:
            raise ValueError(f"Bscan[samples]: step = {ss}; only 1 is supported (a step would alias "
                             f"and a negative one reverse time: use gprkit.resample(b, dt_ns) to "
                             f"decimate)")
        if s1 <= s0:
            raise ValueError(f"Bscan[samples]: {key[0]!r} keeps no sample of {self.n_samples}")
        t0, t1, ts = key[1].indices(self.n_traces)
        idx = np.arange(t0, t1, ts)
        if idx.size == 0:
            raise ValueError(f"Bscan[traces]: {key[1]!r} keeps no trace of {self.n_traces}")
        h = self.header
        changes: dict[str, Any] = {"t0_ns": self.t0_ns + s0 * self.dt_ns}
        if ts != 1:
            changes["dx_m"] = self.dx_m * abs(ts)
        had_positions = h.get("x_m") is not None
        if had_positions or ts < 0 or (t0 > 0 and self.dx_m > 0):
            # a reversed line or one cut after its start keeps its true positions: j * dx_m
            # would restart at 0
            changes["x_m"] = self.x_m()[idx].copy() if (had_positions or self.dx_m > 0) else None
        for k in ("y_m", "z_m"):
            if h.get(k) is not None:
                changes[k] = np.asarray(h[k], dtype=np.float64)[idx].copy()
        trace_slice = slice(t0, t1 if t1 >= 0 else None, ts)  # indices() gives stop -1 for ::-1
        out = self.with_data(self.data[s0:s1, trace_slice], **changes)
        out.header["raw"] = _slice_raw(out.header["raw"], self.n_traces, idx, t0, ts)
        out.header["history"].append({"step": "slice", "options": {
            "samples": [s0, s1], "traces": [t0, t1 if t1 >= 0 else None, ts]}, "version": _version()})
        return out

    def plot(self, ax: Any = None, **kw: Any) -> Any:
        """Draw this section as a radargram (see :func:`gprkit.plot.plot_bscan` for the keywords:
        title, velocity_m_per_ns, detections, truth, percentile, cmap, colorbar). Creates a
        figure (matplotlib.pyplot, the current backend) when `ax` is None. Returns the Axes."""
        from . import plot as _plot

        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=_plot.figure_size(self, kw.get("velocity_m_per_ns")),
                                 layout="constrained")
        _plot.plot_bscan(ax, self, **kw)
        return ax

    def to_xarray(self, velocity_m_per_ns: float | None = None) -> Any:
        """This section as an ``xarray.DataArray`` with dims ("time_ns", "x_m") and the header
        in ``attrs`` (JSON-safe values; see :func:`gprkit.to_xarray`). Needs xarray."""
        from .io import to_xarray

        return to_xarray(self, velocity_m_per_ns=velocity_m_per_ns)

    def __repr__(self) -> str:
        return (f"Bscan({self.n_samples} samples x {self.n_traces} traces, dt_ns={self.dt_ns:g}, "
                f"dx_m={self.dx_m:g}, t0_ns={self.t0_ns:g})")


def _version() -> str:
    from . import __version__

    return __version__


def _rebuild(data: np.ndarray, header: dict) -> Bscan:
    out = Bscan.__new__(Bscan)
    out.data = data
    out.header = header
    return out


def _slice_raw(raw: dict, n_traces: int, idx: np.ndarray, start: int, step: int) -> dict:
    """Per-trace raw text kept consistent with a trace slice: comma-separated lists with one
    entry per trace (``trace_*``) are sliced; marks (DZT scan indices) and GPS fixes (0-based
    trace positions in ``gps_trace``) are renumbered, those outside the slice dropped."""
    out = dict(raw)
    for k, v in raw.items():
        if k.startswith("trace_") and isinstance(v, str) and v.count(",") == n_traces - 1 and n_traces > 1:
            items = v.split(",")
            out[k] = ",".join(items[i] for i in idx)
    n = idx.size

    def renumber(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
        j = (np.asarray(values, dtype=np.float64) - start) / step
        keep = (j >= -1e-9) & (j <= n - 1 + 1e-9)
        return j, keep

    def fmt(x: float) -> str:
        return str(int(round(x))) if abs(x - round(x)) < 1e-9 else repr(float(x))

    try:
        if raw.get("marks"):
            j, keep = renumber([float(m) for m in raw["marks"].split(",")])
            ok = keep & (np.abs(j - np.round(j)) < 1e-9)
            out["marks"] = ",".join(fmt(x) for x in j[ok])
        if raw.get("gps_trace"):
            t = raw["gps_trace"].split(",")
            j, keep = renumber([float(x) for x in t])
            order = np.argsort(j[keep], kind="stable") if step < 0 else np.arange(int(keep.sum()))
            out["gps_trace"] = ",".join(fmt(x) for x in j[keep][order])
            for k in ("gps_latitude_deg", "gps_longitude_deg", "gps_altitude_m"):
                if raw.get(k) and raw[k].count(",") == len(t) - 1:
                    vals = np.array(raw[k].split(","), dtype=object)[keep][order]
                    out[k] = ",".join(vals)
    except ValueError:  # text that is not a list of numbers: leave it as it was
        pass
    return out


def as_bscan(b: Any, dt_ns: float | None = None, dx_m: float | None = None, what: str = "b") -> Bscan:
    """Accept a Bscan or an array plus dt_ns (and optionally dx_m)."""
    if isinstance(b, Bscan):
        if b.data.dtype != np.float32:  # e.g. a swapped byte order set as b.data or by with_data
            b = b.with_data(as_float32(b.data, "b.data"))
        if dt_ns is not None or dx_m is not None:
            return b.with_data(b.data, **({"dt_ns": float(dt_ns)} if dt_ns is not None else {}),
                               **({"dx_m": float(dx_m)} if dx_m is not None else {}))
        return b
    if dt_ns is None:
        raise TypeError(f"{what}: got an array without dt_ns; pass a gprkit.Bscan or dt_ns=...")
    return Bscan(b, dt_ns=dt_ns, dx_m=dx_m)
