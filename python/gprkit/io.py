"""Instrument file formats: read and write what GPR units record.

Formats (chosen from the magic bytes and the extension): GSSI ``.dzt`` (read/write, one
Bscan per channel), pulseEKKO ``.dt1`` + ``.hd`` (read/write), MALA ``.rd3``/``.rd7`` + ``.rad``
(read), ImpulseRadar ``.iprb`` + ``.iprh`` (read/write, one channel a file pair), SEG-Y ``.sgy``/``.segy`` (read/write), gprMax HDF5 ``.out`` (read, with resampling),
numpy ``.npy`` + ``.npy.json`` sidecar (read/write). See docs/io.md for the decisions taken
where the formats are ambiguous (DZT sample interval and 16-bit offset, MALA time window, ...).
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Sequence, Union

import numpy as np

from . import _args, _core
from ._errors import FormatError, IoError
from .bscan import Bscan, as_bscan, as_float32

__all__ = ["read", "write", "info_table", "detect_format", "resample", "read_gprmax_scene", "to_xarray", "from_xarray"]


def _bscan(data: np.ndarray, header: dict) -> Bscan:
    out = Bscan.__new__(Bscan)
    out.data = data
    out.header = header
    return out


PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def _fs(path: PathLike) -> bytes:
    # Bytes reach C++ unchanged: any Linux file name (not UTF-8, os.fsdecode's surrogates).
    return os.fsencode(path)


def read(path: PathLike, channel: int | None = 0, *, gprmax_component: str = "Ez",
         gprmax_dt_ns: float = 0.0, segy_interval_unit_ns: float = 0.001,
         read_gps: bool = True) -> Bscan | list[Bscan]:
    """Read a GPR file.

    Parameters
    ----------
    path : file path (str, bytes or path-like; any name the OS allows); the format comes from the magic bytes and the extension.
    channel : which channel to return (DZT channels, gprMax receivers), counting from 0;
        ``None`` returns a list with every channel.
    gprmax_component : field component of a gprMax ``.out`` file (``"Ez"``, ``"Hy"``, ...).
    gprmax_dt_ns : resample gprMax output to this sample interval in ns (0 keeps gprMax's).
    segy_interval_unit_ns : ns per unit of the SEG-Y sample-interval field (default 0.001:
        the field holds picoseconds, as GPR software writes it).
    read_gps : read the GPS companion file (.DZG, .GPS, .COR; ImpulseRadar's profile .cor) when present.

    Returns
    -------
    Bscan (float32, (n_samples, n_traces)), or a list of Bscans with ``channel=None``.
    Header fields in ``b.header``; every raw format field, as text, in ``b.header["raw"]``.

    Raises
    ------
    gprkit.FormatError (a ValueError) for a bad, truncated or unrecognised file,
    gprkit.IoError (an OSError) when the file cannot be read.
    """
    items = _core.io_read(_fs(path), gprmax_component, float(gprmax_dt_ns),
                          float(segy_interval_unit_ns), bool(read_gps))
    scans = [_bscan(d, h) for d, h in items]
    if channel is None:
        return scans
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)) or not 0 <= channel < len(scans):
        raise ValueError(f"read: channel = {channel!r}; expected 0..{len(scans) - 1} or None "
                         f"({os.fsdecode(path)!r} has {len(scans)} channel(s))")
    return scans[int(channel)]


def write(bscan: Bscan | Sequence[Bscan], path: PathLike) -> None:
    """Write a Bscan (or a list of channels, ``.dzt`` only) to `path`.

    The format comes from the extension: ``.dzt``, ``.dt1`` (+ ``.hd``), ``.iprb`` (+ ``.iprh``;
    integer samples only), ``.sgy``/``.segy``, ``.npy`` (+ ``.npy.json``). Raw fields of a Bscan read from the same format are kept, so
    read -> write -> read returns the same data and header.

    Every file (and companion) is written to a temporary file beside it and renamed into place
    only when all are complete: a failed write (gprkit.IoError) leaves the old files as they were.
    """
    chans = [bscan] if isinstance(bscan, Bscan) else list(bscan)
    for b in chans:
        if not isinstance(b, Bscan):
            raise TypeError(f"write: expected gprkit.Bscan, got {type(b).__name__}")
    _core.io_write(_fs(path), [(as_bscan(b).data, _plain_header(b.header)) for b in chans])


def _plain_header(h: dict[str, Any]) -> dict[str, Any]:
    out = dict(h)
    out["raw"] = {str(k): str(v) for k, v in (h.get("raw") or {}).items()}
    return out


def info_table(path: PathLike) -> str:
    """A human-readable table of the header of `path` (every channel, every raw field)."""
    return _core.io_info_table(_fs(path))


def detect_format(path: PathLike) -> str:
    """The format name of `path`: "dzt", "dt1", "mala", "impulseradar", "segy", "gprmax", "npy"
    or "unknown"."""
    return _core.io_detect_format(_fs(path))


def resample(b: Bscan, dt_ns: float) -> Bscan:
    """Band-limited resampling of every trace to `dt_ns` (ns), keeping the time window."""
    if not isinstance(b, Bscan):
        raise TypeError("resample: expected a gprkit.Bscan")
    b = as_bscan(b)
    data, header = _core.io_resample(b.data, _plain_header(b.header),
                                    _args.number("resample", "dt_ns", dt_ns))
    return _bscan(data, header)


def _fft_resample(data: np.ndarray, n_new: int) -> np.ndarray:
    """Fourier resampling of each column to `n_new` samples (float64 arithmetic), the same
    numbers as ``scipy.signal.resample(data, n_new, axis=0)``: the spectrum is truncated or
    zero-padded (the unpaired bin at the lower Nyquist frequency folded as scipy does) and
    the result treats the trace as periodic."""
    x = np.asarray(data, dtype=np.float64)
    n = x.shape[0]
    m = min(n, n_new)
    spec = np.fft.rfft(x, axis=0)[: m // 2 + 1]
    if m % 2 == 0 and n_new != n:
        spec[m // 2] *= 2.0 if n_new < n else 0.5
    return np.fft.irfft(spec * (n_new / n), n=n_new, axis=0)


def read_gprmax_scene(folder: PathLike, dt_ns: float = 0.025) -> tuple[Bscan, dict]:
    """Read a gprMax scene folder (``bscan.npy`` + ``meta.json``, the layout of
    ``../shared/data/gprmax/*/``): returns ``(Bscan, meta dict)``.

    The FDTD output (dt of a few ps) is Fourier-resampled to ``dt_ns`` (default 25 ps; 0
    keeps gprMax's step): ``n = round(n_in * dt_in / dt_ns)`` samples over the same window,
    so the actual ``b.dt_ns`` is ``n_in * dt_in / n`` (within a part in 10^3 of dt_ns). The
    header carries the geometry from meta.json: ``dx_m`` = trace_spacing_m, ``x_m`` the
    antenna midpoints (first_trace_x_m + k * trace_spacing_m, model coordinates),
    ``antenna_height_m`` = air_gap_m, ``antenna_separation_m`` = antenna_offset_m,
    ``centre_frequency_mhz``, and ``t0_ns = -sqrt(2) / f``: sample 0 is the start of the Ricker
    source, which peaks sqrt(2)/f later, so time-zero is the source peak. ``raw`` keeps the
    scalar meta fields as text. Truth is in ``meta["targets"]`` (``x_center_m``,
    ``top_depth_m`` below the surface, ``kind``), which :func:`gprkit.evaluate` accepts.

    Raises OSError when a file is missing, ValueError when meta.json and bscan.npy disagree.
    """
    from pathlib import Path

    folder_p = Path(os.fsdecode(folder))
    meta_path, data_path = folder_p / "meta.json", folder_p / "bscan.npy"
    for f in (meta_path, data_path):
        if not f.is_file():
            raise IoError(f"read_gprmax_scene: {str(f)!r} is missing (a scene folder holds "
                          f"bscan.npy and meta.json)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    data = np.load(data_path, allow_pickle=False)
    return gprmax_scene_to_bscan(data, meta, dt_ns, source=str(folder_p)), meta


def gprmax_scene_to_bscan(data: Any, meta: dict, dt_ns: float = 0.025, *, source: str = "") -> Bscan:
    """The Bscan of :func:`read_gprmax_scene` from a scene's arrays already in memory: `data`
    the (n_samples, n_traces) bscan.npy array, `meta` the meta.json dict."""
    data = np.asarray(data)
    where = "gprmax_scene_to_bscan"
    if data.ndim != 2 or data.dtype.kind not in "fiu":
        raise FormatError(f"{where}: bscan.npy holds {data.dtype} {data.shape}; expected a real "
                          f"(n_samples, n_traces) array")
    missing = [k for k in ("dt_s", "trace_spacing_m", "centre_frequency_hz") if k not in meta]
    if missing:
        raise FormatError(f"{where}: meta.json lacks {', '.join(missing)}")
    if "n_traces" in meta and int(meta["n_traces"]) != data.shape[1]:
        raise FormatError(f"{where}: meta.json n_traces = {meta['n_traces']} but bscan.npy has "
                          f"{data.shape[1]} traces")
    dt_in = float(meta["dt_s"]) * 1e9
    f_mhz = float(meta["centre_frequency_hz"]) / 1e6
    dt_ns = _args.number(where, "dt_ns", dt_ns)
    if not (dt_ns >= 0):
        raise ValueError(f"{where}: dt_ns = {dt_ns!r}; expected >= 0 (0 keeps gprMax's dt)")
    n_in = data.shape[0]
    if dt_ns > 0:
        n_new = max(1, int(round(n_in * dt_in / dt_ns)))
        arr = np.asfortranarray(_fft_resample(data, n_new), dtype=np.float32)
        dt_out = n_in * dt_in / n_new
    else:
        arr, dt_out = np.asfortranarray(data, dtype=np.float32), dt_in
    dx = float(meta["trace_spacing_m"])
    x = float(meta.get("first_trace_x_m", 0.0)) + dx * np.arange(data.shape[1])
    raw = {str(k): (v if isinstance(v, str) else json.dumps(v)) for k, v in meta.items()
           if not isinstance(v, (dict, list))}
    raw["format"] = "gprmax_scene"
    if dt_ns > 0:
        raw["gprkit_resampled_from_dt_ns"] = repr(dt_in)
    header = {"dt_ns": dt_out, "dx_m": dx, "t0_ns": -math.sqrt(2) / f_mhz * 1e3,
              "antenna_height_m": float(meta.get("air_gap_m", 0.0)),
              "antenna_separation_m": float(meta.get("antenna_offset_m", 0.0)),
              "centre_frequency_mhz": f_mhz, "x_m": x, "raw": raw,
              "history": [{"step": "read", "options": {"format": "gprmax_scene", "path": source,
                                                       "dt_ns": dt_ns}, "version": _version()}]}
    return Bscan(arr, header=header)


def _version() -> str:
    from . import __version__

    return __version__


# -- xarray (optional: imported only inside these functions) ---------------------------------
_SCALARS = ("dt_ns", "dx_m", "t0_ns", "antenna_separation_m", "antenna_height_m", "centre_frequency_mhz")


def _json_safe(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_json_safe(x) for x in v.tolist()]
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else repr(f)
    if v is None or isinstance(v, (str, int)):
        return v
    return repr(v)


def to_xarray(b: Bscan, velocity_m_per_ns: float | None = None) -> Any:
    """`b` as an ``xarray.DataArray`` (the samples are shared, not copied).

    dims ("time_ns", "x_m"); coordinates ``time_ns`` (two-way time from time-zero, ns),
    ``x_m`` (position along the line, m: the header's positions, else trace * dx_m, else the
    trace number when dx_m = 0), ``trace`` (index), ``y_m``/``z_m`` when the header has them,
    and ``depth_m`` along time_ns when `velocity_m_per_ns` is given (below the ground surface:
    v (t - 2 h / c) / 2, h the antenna height; v t / 2 for ground-coupled antennas, the same
    depth axis as :func:`gprkit.plot.plot_bscan`). attrs: the
    numeric header fields (``dt_ns``, ``dx_m``, ``t0_ns``, antenna geometry, centre frequency),
    and as JSON text, so that a netCDF file can hold them, ``history_json`` and ``raw_json``;
    ``positions`` says where x_m came from ("header", "spacing" or "trace_number").
    :func:`from_xarray` inverts it exactly."""
    import xarray as xr

    h = b.header
    if h.get("x_m") is not None:
        x, positions = np.asarray(h["x_m"], dtype=np.float64), "header"
    elif b.dx_m > 0:
        x, positions = b.x_m(), "spacing"
    else:
        x, positions = np.arange(b.n_traces, dtype=np.float64), "trace_number"
    coords: dict[str, Any] = {"time_ns": ("time_ns", b.time_ns(), {"units": "ns", "long_name": "two-way time"}),
                              "x_m": ("x_m", x, {"units": "m" if positions != "trace_number" else "1",
                                                 "long_name": "position along the line"
                                                 if positions != "trace_number" else "trace number"}),
                              "trace": ("x_m", np.arange(b.n_traces))}
    for k in ("y_m", "z_m"):
        if h.get(k) is not None:
            coords[k] = ("x_m", np.asarray(h[k], dtype=np.float64), {"units": "m"})
    attrs: dict[str, Any] = {k: float(h[k]) for k in _SCALARS if h.get(k) is not None}
    attrs["positions"] = positions
    attrs["history_json"] = json.dumps(_json_safe(h.get("history") or []))
    attrs["raw_json"] = json.dumps(_json_safe(h.get("raw") or {}))
    extra = {k: v for k, v in h.items() if k not in _SCALARS and k not in ("x_m", "y_m", "z_m", "raw", "history")}
    if extra:
        attrs["extra_json"] = json.dumps(_json_safe(extra))
    if velocity_m_per_ns is not None:
        v = float(velocity_m_per_ns)
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"to_xarray: velocity_m_per_ns = {velocity_m_per_ns!r}; expected a finite value > 0")
        h_m = float(h.get("antenna_height_m") or 0.0)
        t_ground = 2.0 * h_m / 0.299792458 if h_m > 0 else 0.0  # air-launched: the surface echo
        coords["depth_m"] = ("time_ns", 0.5 * v * (b.time_ns() - t_ground),
                             {"units": "m", "long_name": f"depth below ground at v = {v:g} m/ns"})
        attrs["velocity_m_per_ns"] = v
    return xr.DataArray(b.data, dims=("time_ns", "x_m"), coords=coords, attrs=attrs, name="amplitude")


def from_xarray(da: Any) -> Bscan:
    """A Bscan from a DataArray with dims ("time_ns", "x_m") (either order): the inverse of
    :func:`to_xarray` (float32 samples kept bit-exact and uncopied where the layout allows;
    dt_ns, dx_m, t0_ns, geometry, history and raw restored from attrs). A DataArray without
    those attrs takes dt_ns and t0_ns from the time_ns coordinate and positions from x_m."""
    dims = tuple(da.dims)
    if set(dims) != {"time_ns", "x_m"}:
        raise ValueError(f"from_xarray: dims = {dims}; expected ('time_ns', 'x_m')")
    if dims != ("time_ns", "x_m"):
        da = da.transpose("time_ns", "x_m")
    data = as_float32(da.values, "from_xarray: da")
    attrs = dict(da.attrs)
    t = np.asarray(da["time_ns"].values, dtype=np.float64)
    x = np.asarray(da["x_m"].values, dtype=np.float64)
    h: dict[str, Any] = {}
    for k in _SCALARS:
        if k in attrs:
            h[k] = float(attrs[k])
    if "dt_ns" not in h:
        if t.size < 2:
            raise ValueError("from_xarray: no dt_ns attribute and fewer than 2 times to infer it")
        h["dt_ns"] = float(np.median(np.diff(t)))
    if "t0_ns" not in h:
        h["t0_ns"] = float(t[0]) if t.size else 0.0
    positions = attrs.get("positions")
    if positions is None:  # a foreign DataArray: positions from the coordinate
        positions = "header"
        if "dx_m" not in h:
            h["dx_m"] = float(np.median(np.abs(np.diff(x)))) if x.size > 1 else 0.0
    if positions == "header":
        h["x_m"] = x.copy()
    for k in ("y_m", "z_m"):
        if k in da.coords:
            h[k] = np.asarray(da[k].values, dtype=np.float64).copy()
    if "history_json" in attrs:
        h["history"] = json.loads(attrs["history_json"])
    if "raw_json" in attrs:
        h["raw"] = {str(k): v if isinstance(v, str) else json.dumps(v)
                    for k, v in json.loads(attrs["raw_json"]).items()}
    if "extra_json" in attrs:
        for k, v in json.loads(attrs["extra_json"]).items():
            h.setdefault(k, v)
    return Bscan(data, header=h)
