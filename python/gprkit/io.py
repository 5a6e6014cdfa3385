"""Instrument file formats: read and write what GPR units record.

Formats (chosen from the magic bytes and the extension): GSSI ``.dzt`` (read/write, one
Bscan per channel), pulseEKKO ``.dt1`` + ``.hd`` (read/write), MALA ``.rd3``/``.rd7`` + ``.rad``
(read), SEG-Y ``.sgy``/``.segy`` (read/write), gprMax HDF5 ``.out`` (read, with resampling),
numpy ``.npy`` + ``.npy.json`` sidecar (read/write). See docs/io.md for the decisions taken
where the formats are ambiguous (DZT sample interval and 16-bit offset, MALA time window, ...).
"""
from __future__ import annotations

import os
from typing import Any, Sequence, Union

import numpy as np

from . import _args, _core
from .bscan import Bscan

__all__ = ["read", "write", "info_table", "detect_format", "resample"]


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
    read_gps : read the GPS companion file (.DZG, .GPS, .COR) when present.

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

    The format comes from the extension: ``.dzt``, ``.dt1`` (+ ``.hd``), ``.sgy``/``.segy``,
    ``.npy`` (+ ``.npy.json``). Raw fields of a Bscan read from the same format are kept, so
    read -> write -> read returns the same data and header.

    Every file (and companion) is written to a temporary file beside it and renamed into place
    only when all are complete: a failed write (gprkit.IoError) leaves the old files as they were.
    """
    chans = [bscan] if isinstance(bscan, Bscan) else list(bscan)
    for b in chans:
        if not isinstance(b, Bscan):
            raise TypeError(f"write: expected gprkit.Bscan, got {type(b).__name__}")
    _core.io_write(_fs(path), [(b.data, _plain_header(b.header)) for b in chans])


def _plain_header(h: dict[str, Any]) -> dict[str, Any]:
    out = dict(h)
    out["raw"] = {str(k): str(v) for k, v in (h.get("raw") or {}).items()}
    return out


def info_table(path: PathLike) -> str:
    """A human-readable table of the header of `path` (every channel, every raw field)."""
    return _core.io_info_table(_fs(path))


def detect_format(path: PathLike) -> str:
    """The format name of `path`: "dzt", "dt1", "mala", "segy", "gprmax", "npy" or "unknown"."""
    return _core.io_detect_format(_fs(path))


def resample(b: Bscan, dt_ns: float) -> Bscan:
    """Band-limited resampling of every trace to `dt_ns` (ns), keeping the time window."""
    if not isinstance(b, Bscan):
        raise TypeError("resample: expected a gprkit.Bscan")
    data, header = _core.io_resample(b.data, _plain_header(b.header),
                                    _args.number("resample", "dt_ns", dt_ns))
    return _bscan(data, header)
