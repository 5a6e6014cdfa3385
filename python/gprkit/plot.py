"""Pictures a person looks at: radargrams before and after processing (matplotlib).

matplotlib is imported only inside these functions, so ``import gprkit`` never needs it. The
files are drawn on a bare ``matplotlib.figure.Figure`` (Agg), so saving a picture never
switches the backend of a notebook; :meth:`gprkit.Bscan.plot` without an Axes uses pyplot
and the current backend.

A radargram here: position along the line (m) across, or the trace number when the header
has no trace spacing (``dx_m == 0``: time-triggered DZT, MALA, gprMax) and no positions;
two-way time (ns) down; depth below the ground (m) on the right when a velocity is given;
a symmetric grey scale clipped at a percentile of the amplitudes *below the direct wave*
(:func:`clip_level`), so neither instrument words in the first samples nor the air wave set
the contrast; a colour bar; detections (+) and truth (o) overlaid.
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .bscan import Bscan

__all__ = ["plot_bscan", "plot_panels", "save_bscan", "clip_level", "early_arrival_end", "display_centre",
           "figure_size"]

_C_AIR_M_PER_NS = 0.299792458
_MAX_CLIP_VALUES = 4_000_000  # percentile over a strided subset above this many samples


def _pyplot():
    """pyplot for callers that want the current backend (Bscan.plot without an Axes)."""
    import matplotlib.pyplot as plt

    return plt


def _new_figure(figsize: tuple[float, float]):
    """A Figure not registered with pyplot (no backend change, nothing to close)."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


# -- contrast ------------------------------------------------------------------------------
def _skip_samples(n: int) -> int:
    # GSSI writes a scan counter and marks into samples 0 and 1; other units put a few
    # undefined samples first. 2 % of the trace, at least 4 samples.
    return min(max(n - 1, 0), max(4, int(math.ceil(0.02 * n))))


def _wavelet_samples(n: int, dt_ns: float | None, centre_frequency_mhz: float | None) -> int:
    """Samples from the peak of the direct wave to its end: 1.5 periods of the centre
    frequency when known, else 3 % of the trace."""
    if dt_ns and dt_ns > 0 and centre_frequency_mhz and centre_frequency_mhz > 0:
        return max(2, int(math.ceil(1.5e3 / centre_frequency_mhz / dt_ns)))
    return max(3, int(math.ceil(0.03 * n)))


def early_arrival_end(data: Any, *, dt_ns: float | None = None,
                      centre_frequency_mhz: float | None = None, fraction: float = 0.2) -> np.ndarray:
    """Per trace, the first sample after the strongest early arrival (the direct/air wave and
    its ringing): the largest |amplitude| in the first half of the trace (after the first 2 %
    of samples, where instruments keep words of their own) is the arrival; it ends where the
    largest |amplitude| over the next wavelet length (1.5 periods of the centre frequency,
    else 3 % of the trace) has fallen below `fraction` of its peak, at least one wavelet
    after the peak (a saturated, ringing direct wave is skipped whole). Only arrivals at about
    the same time on most live traces (60 %, within a wavelet of the median) count as a direct
    wave; otherwise (a processed section whose strongest early events are targets) every
    sample after the first 2 % is kept. Returns an int array of n_traces."""
    a = np.abs(np.asarray(data, dtype=np.float32))
    if a.ndim == 1:
        a = a[:, None]
    a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    n, m = a.shape
    skip = _skip_samples(n)
    early = max(skip + 1, n // 2)
    w = min(_wavelet_samples(n, dt_ns, centre_frequency_mhz), max(1, n - 1))
    peak = skip + np.argmax(a[skip:early], axis=0) if early > skip else np.full(m, skip)
    peak_val = a[peak, np.arange(m)]
    # running maximum over the next w samples: run[i] = max(a[i:i + w])
    run = a.copy()
    span = 1
    while span < w:  # doubling: max over [i, i + 2 span) from two spans
        k = min(span, w - span)
        run[: n - k] = np.maximum(run[: n - k], run[k:])
        span += k
    # A direct or ground wave arrives at about the same time on most traces. Where the
    # strongest early arrivals are not laterally coherent (a processed section: the direct
    # wave removed, the strongest early events are targets), nothing is excluded.
    live = peak_val >= 0.1 * np.percentile(peak_val, 90)  # dead (flat) traces do not vote
    if live.sum() >= 5:
        coherent = np.abs(peak[live] - np.median(peak[live])) <= w
        if coherent.mean() < 0.6:
            return np.full(m, skip, dtype=np.int64)
    rows = np.arange(n)[:, None]
    quiet = (run < fraction * peak_val[None, :]) & (rows >= (peak + w)[None, :])
    has = quiet.any(axis=0)
    end = np.where(has, np.argmax(quiet, axis=0), peak + w)
    return np.minimum(end, n).astype(np.int64)


def clip_level(b: Any, percentile: float = 99.0, *, dt_ns: float | None = None,
               centre_frequency_mhz: float | None = None, centre: float = 0.0) -> float:
    """The colour limit of a radargram: the `percentile` of |amplitude - centre| over the
    samples below the strongest early arrival of each trace (:func:`early_arrival_end`), so
    that neither the first samples (instrument words) nor the direct wave and its ringing set
    the contrast and weaker reflections stay visible. Falls back to every sample after the
    first 2 % when fewer than 20 % would be left, and to the maximum when the percentile is
    0. `b` is a Bscan (dt_ns and the centre frequency then come from its header) or an array;
    above 2,000 traces a regular subset of traces is used. Always > 0."""
    if isinstance(b, Bscan):
        data = b.data
        dt_ns = b.dt_ns if dt_ns is None else dt_ns
        if centre_frequency_mhz is None:
            centre_frequency_mhz = float(b.header.get("centre_frequency_mhz") or 0.0)
    else:
        data = np.asarray(b, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
    if not 0 < percentile <= 100:
        raise ValueError(f"clip_level: percentile = {percentile!r}; expected 0 < percentile <= 100")
    if data.shape[1] > 2000:
        data = data[:, :: int(math.ceil(data.shape[1] / 2000))]
    a = np.abs(data - np.float32(centre)) if centre else np.abs(data)
    n = a.shape[0]
    start = early_arrival_end(a, dt_ns=dt_ns, centre_frequency_mhz=centre_frequency_mhz)
    below = np.arange(n)[:, None] >= start[None, :]
    skip = _skip_samples(n)
    if below.sum() >= 0.2 * max(1, (n - skip) * a.shape[1]):
        vals = a[below]
    else:
        vals = a[skip:].ravel()
    if vals.size > _MAX_CLIP_VALUES:
        vals = vals[:: int(math.ceil(vals.size / _MAX_CLIP_VALUES))]
    vals = vals[np.isfinite(vals)]
    v = float(np.percentile(vals, percentile)) if vals.size else 0.0
    if not v > 0:
        finite = a[np.isfinite(a)]
        v = float(finite.max()) if finite.size else 0.0
    return v if v > 0 else 1.0


def display_centre(data: Any) -> float:
    """The level a signed radargram's grey scale is centred on: 0, or the median sample value
    when that is a DC offset the file carries (raw MALA/unsigned data: |median| over 2 % of
    the largest |amplitude|)."""
    d = np.asarray(data)
    sub = d[:: max(1, d.shape[0] // 512), :: max(1, d.shape[1] // 512)] if d.ndim == 2 else d
    sub = sub[np.isfinite(sub)]
    if not sub.size:
        return 0.0
    med = float(np.median(sub))
    return med if abs(med) > 0.02 * float(np.max(np.abs(sub))) else 0.0


# -- geometry ------------------------------------------------------------------------------
def _positions(b: Bscan) -> tuple[np.ndarray, str, bool]:
    """(x of each trace, axis label, is_trace_number)."""
    n = b.n_traces
    x = None
    if b.header.get("x_m") is not None:
        x = np.asarray(b.header["x_m"], dtype=np.float64)
    elif b.dx_m > 0:
        x = b.x_m()
    if x is not None and (n == 1 or (np.all(np.isfinite(x)) and x[-1] != x[0]
                                     and (np.all(np.diff(x) >= 0) or np.all(np.diff(x) <= 0)))):
        return x, "position (m)", False
    why = "no trace spacing" if x is None else "positions not monotonic"
    return np.arange(n, dtype=np.float64), f"trace number ({why})", True


def _line_length_m(b: Bscan) -> float | None:
    x, _, is_trace = _positions(b)
    return None if is_trace else float(abs(x[-1] - x[0]))


def figure_size(b: Bscan, velocity_m_per_ns: float | None = None) -> tuple[float, float]:
    """(width, height) in inches for one radargram: the width follows the line length
    (4 in + 0.3 in per m, or 1 in per 100 traces when the spacing is unknown), bounded to
    6..16 in and to at most 1 in per 25 traces (beyond 2.5 in); 4.8 in high."""
    length = _line_length_m(b)
    n = b.n_traces
    w = 4.0 + (0.3 * length if length is not None else n / 100.0)
    w = min(w, max(6.0, 2.5 + n / 25.0))
    w = float(np.clip(w, 6.0, 16.0))
    return (w + (0.6 if velocity_m_per_ns else 0.0), 4.8)


def _ground_time_ns(b: Bscan) -> float:
    """Two-way time (ns, from time-zero) of the ground surface below an air-launched antenna."""
    h = float(b.header.get("antenna_height_m") or 0.0)
    return 2.0 * h / _C_AIR_M_PER_NS if h > 0 else 0.0


def _field(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict):
            if obj.get(name) is not None:
                return obj[name]
        elif getattr(obj, name, None) is not None:
            return getattr(obj, name)
    return default


def _truth_time_ns(b: Bscan, t: Any, velocity_m_per_ns: float | None) -> float | None:
    apex = _field(t, "apex_time_ns", "t_ns")
    if apex is not None:
        return float(apex)
    depth = _field(t, "depth_m", "top_depth_m", "center_depth_m")
    if depth is None or not velocity_m_per_ns:
        return None
    half_offset = 0.5 * float(b.header.get("antenna_separation_m") or 0.0)
    return _ground_time_ns(b) + 2.0 * math.hypot(float(depth), half_offset) / float(velocity_m_per_ns)


# -- drawing -------------------------------------------------------------------------------
def plot_bscan(ax: Any, b: Bscan, title: str = "", percentile: float = 99.0, cmap: str | None = None,
               truth: Sequence[Any] | None = None, velocity_m_per_ns: float | None = None, *,
               detections: Sequence[Any] | None = None, colorbar: bool = True,
               clip: float | None = None) -> Any:
    """Draw `b` on the matplotlib Axes `ax` as a radargram and return the image.

    Position (m) across, or the trace number when the header has neither positions nor a
    trace spacing; two-way time (ns, from time-zero: t0_ns is honoured) down; when
    `velocity_m_per_ns` is given, a depth axis on the right (below the ground surface:
    v (t - 2 h / c) / 2 with h the header's antenna_height_m). The grey scale is symmetric
    (0..limit for data without negative values, such as envelopes and scores) with the
    limit `clip`, by default :func:`clip_level` at `percentile`, around 0 or, for raw data
    with a DC offset, around :func:`display_centre`. `detections`
    (:class:`gprkit.Detection` objects or dicts with x_m and t_ns; ``trace`` on a
    trace-number axis) are drawn as red +, `truth` (dicts or objects with x_m or gprMax's
    x_center_m, and apex_time_ns, or depth_m/top_depth_m with a velocity) as open circles,
    or as ticks at the top when no time is known."""
    data = b.data
    x, xlabel, is_trace = _positions(b)
    t = b.time_ns()
    # signed: a waveform (about 0, or about a DC offset the file carries: all samples far
    # above 0); otherwise non-negative data such as envelopes and scores, shown 0..limit
    lo_, hi_ = (float(np.nanmin(data)), float(np.nanmax(data))) if data.size else (-1.0, 1.0)
    signed = lo_ < 0 or lo_ > 0.05 * hi_
    centre = display_centre(data) if signed else 0.0
    v = float(clip) if clip is not None else clip_level(b, percentile, centre=centre)
    if cmap is None:
        cmap = "gray" if signed else "inferno"
    n = b.n_traces
    step_x = (x[-1] - x[0]) / (n - 1) if n > 1 else 1.0
    if step_x == 0:
        step_x = 1.0
    dt = b.dt_ns
    extent = [x[0] - step_x / 2, x[-1] + step_x / 2, t[-1] + dt / 2, t[0] - dt / 2]
    im = ax.imshow(data, aspect="auto", cmap=cmap, vmin=centre - v if signed else 0.0,
                   vmax=centre + v, extent=extent,
                   interpolation="nearest")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("two-way time (ns)")
    if title:
        ax.set_title(title)
    handles = []
    if detections is not None and len(detections):
        dx_, dt_ = [], []
        for d in detections:
            xd = _field(d, "trace") if is_trace else _field(d, "x_m")
            if xd is None and not is_trace:
                continue
            td = _field(d, "t_ns")
            if td is None:
                s = _field(d, "sample")
                td = None if s is None else b.t0_ns + float(s) * dt
            if xd is not None and td is not None:
                dx_.append(float(xd))
                dt_.append(float(td))
        if dx_:
            handles += ax.plot(dx_, dt_, "+", color="tab:red", ms=11, mew=1.8, ls="none",
                               label=f"detections ({len(dx_)})")
    if truth:
        tx, tt, ticks = [], [], []
        for tr in truth:
            xt = _field(tr, "trace") if is_trace else _field(tr, "x_m", "x_center_m")
            if xt is None:
                continue
            tt_ = _truth_time_ns(b, tr, velocity_m_per_ns)
            (ticks if tt_ is None else tx).append(float(xt))
            if tt_ is not None:
                tt.append(tt_)
        if tx:
            handles += ax.plot(tx, tt, "o", mfc="none", mec="tab:cyan", mew=1.6, ms=13, ls="none",
                               label="truth")
        if ticks:
            handles += ax.plot(ticks, [t[0]] * len(ticks), "v", color="tab:cyan", ms=9, ls="none",
                               clip_on=False, label="truth (x only)")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.8)
    if velocity_m_per_ns:
        vel = float(velocity_m_per_ns)
        if not (math.isfinite(vel) and vel > 0):
            raise ValueError(f"plot_bscan: velocity_m_per_ns = {velocity_m_per_ns!r}; expected > 0")
        tg = _ground_time_ns(b)
        sec = ax.secondary_yaxis("right", functions=(lambda tt_: 0.5 * vel * (tt_ - tg),
                                                     lambda z: tg + 2.0 * z / vel))
        sec.set_ylabel(f"depth below ground (m), v = {vel:.3g} m/ns")
    if colorbar:
        fig = ax.figure
        cb = fig.colorbar(im, ax=ax, pad=0.01, fraction=0.04, aspect=30)
        around = f" around {centre:.4g}" if centre else ""
        cb.set_label(f"amplitude (clipped at {'±' if signed else ''}{v:.3g}{around})")
    return im


def _save_figure(fig: Any, path: str | Path, dpi: int = 110) -> Path:
    """Write `fig` as a PNG atomically: a temporary file in the same folder, fsync, rename (a
    failure leaves an existing file as it was)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=dpi)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def plot_panels(path: str | Path, panels: Sequence[tuple[str, Bscan]], suptitle: str = "",
                truth: Sequence[Any] | None = None, velocity_m_per_ns: float | None = None, *,
                detections: Sequence[Any] | None = None, percentile: float = 99.0) -> Path:
    """Save side-by-side radargrams (e.g. raw, filtered, clutter removed, migrated; three to a
    row) as one PNG,
    each with its own clip level and colour bar (see :func:`plot_bscan`); written atomically.
    `detections` and `truth` are drawn on every panel. Returns the path."""
    if not panels:
        raise ValueError("plot_panels: no panels given")
    w1, h = figure_size(panels[0][1], velocity_m_per_ns)
    ncols = min(len(panels), 3)
    nrows = int(math.ceil(len(panels) / ncols))
    width = float(min(24.0, max(5.0, 0.62 * w1) * ncols))
    fig = _new_figure((width, 0.85 * h * nrows + (0.3 if suptitle else 0.0)))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    for ax, (title, b) in zip(axes, panels):
        plot_bscan(ax, b, title, percentile=percentile, truth=truth, velocity_m_per_ns=velocity_m_per_ns,
                   detections=detections)
    if suptitle:
        fig.suptitle(suptitle)
    return _save_figure(fig, path)


def save_bscan(path: str | Path, b: Bscan, *, title: str = "", velocity_m_per_ns: float | None = None,
               detections: Sequence[Any] | None = None, truth: Sequence[Any] | None = None,
               percentile: float = 99.0, dpi: int = 110) -> Path:
    """Save one radargram of `b` (:func:`plot_bscan`) as a PNG at `path`, sized by
    :func:`figure_size`, written to a temporary file in the same folder and renamed, so a
    failed write leaves an old file intact. Returns the path."""
    fig = _new_figure(figure_size(b, velocity_m_per_ns))
    ax = fig.add_subplot()
    plot_bscan(ax, b, title, percentile=percentile, truth=truth, velocity_m_per_ns=velocity_m_per_ns,
               detections=detections)
    return _save_figure(fig, path, dpi=dpi)
