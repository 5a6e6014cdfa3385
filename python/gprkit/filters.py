"""Per-trace filters: DC removal, dewow, time-zero, band-pass, gains, envelope; and the two
survey corrections on trace positions: distance normalisation and topographic correction.

Each takes a :class:`~gprkit.Bscan` (or an array plus ``dt_ns``) and returns a new Bscan with
the same header (time-zero updates ``t0_ns``). Float32 input of any layout is read without a
copy; results are Fortran-ordered float32. The GIL is released while the kernel runs.

``out=`` (dc_remove, dewow, bandpass, gain, envelope; also ``remove_background``): a Bscan or
a writable float32 array of the input's shape to write the result into instead of a new
section; ``out=b`` filters in place. Repeated calls then allocate nothing. A Bscan given is
returned with the new header; an array is returned wrapped in a Bscan that shares it.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _core
from .bscan import Bscan, as_bscan
from .pipeline import run_step

__all__ = ["dc_remove", "dewow", "time_zero", "pick_time_zero", "bandpass", "gain", "envelope",
           "normalize_distance", "topographic_correction"]

_INF = 1e300


def _num(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} = {value!r}; expected a number") from None


def dc_remove(b: Any, method: Optional[str] = None, start_ns: Optional[float] = None,
              end_ns: Optional[float] = None, dt_ns: Optional[float] = None, *,
              out: Any = None) -> Bscan:
    """Subtract each trace's mean or median (``method``, default ``"mean"``), measured over
    [start_ns, end_ns] (ns from time-zero; default: the whole trace), from the whole trace."""
    return run_step("dc_remove", b, dt_ns, out, method=method, start_ns=start_ns, end_ns=end_ns)[0]


def dewow(b: Any, window_ns: Optional[float] = None, dt_ns: Optional[float] = None, *,
          out: Any = None) -> Bscan:
    """Remove the low-frequency wow: subtract a running mean over ``window_ns`` (ns), centred on
    each sample; the window shrinks symmetrically at the trace ends, so a linear drift is
    removed without edge bias. Default window: three periods of the centre frequency
    (header ``centre_frequency_mhz``), else max(2 ns, 20 samples)."""
    return run_step("dewow", b, dt_ns, out, window_ns=window_ns)[0]


_TZ_ALIASES = {"peak": "first_peak", "first_peak": "first_peak", "threshold": "threshold",
               "first_break": "threshold"}


def _tz_call(b: Bscan, method: str, threshold: float, search_start_ns: Optional[float],
             search_end_ns: Optional[float], target_sample: Optional[float], shift: bool,
             lobe_window_traces: Optional[int] = None):
    return _core.time_zero(b.data, b.dt_ns, b.t0_ns, _TZ_ALIASES.get(method, method), _num(threshold, "threshold"),
                           -_INF if search_start_ns is None else _num(search_start_ns, "search_start_ns"),
                           _INF if search_end_ns is None else _num(search_end_ns, "search_end_ns"),
                           -1.0 if target_sample is None else _num(target_sample, "target_sample"), shift,
                           -1 if lobe_window_traces is None else int(lobe_window_traces))


def pick_time_zero(b: Any, method: str = "first_peak", threshold: float = 0.5,
                   search_start_ns: Optional[float] = None, search_end_ns: Optional[float] = None,
                   dt_ns: Optional[float] = None, lobe_window_traces: Optional[int] = None) -> np.ndarray:
    """Per-trace first-break picks as fractional sample indices (see :func:`time_zero`; as
    there, picks that jumped to another lobe of the direct wave are re-picked unless
    ``lobe_window_traces=0``)."""
    b = as_bscan(b, dt_ns)
    _, picks, _ = _tz_call(b, method, threshold, search_start_ns, search_end_ns, None, False,
                           lobe_window_traces)
    return picks


def time_zero(b: Any, method: Optional[str] = None, threshold: Optional[float] = None,
              search_start_ns: Optional[float] = None, search_end_ns: Optional[float] = None,
              target_sample: Optional[float] = None, dt_ns: Optional[float] = None,
              lobe_window_traces: Optional[int] = None) -> Bscan:
    """Pick each trace's first break and align all traces to a common time-zero.

    method: ``"first_peak"`` (default: first extremum whose |amplitude| exceeds ``threshold``,
    default 0.5, x the trace's maximum, located to a fraction of a sample by a parabola) or
    ``"threshold"`` (first crossing of that level, linearly interpolated; ``"peak"`` and
    ``"first_break"`` are accepted names). Each trace is shifted by (target - pick) samples with
    an exact band-limited (FFT phase ramp, zero-padded) shift. ``target_sample`` defaults to the
    median pick, so the section keeps its length; the result's ``t0_ns`` is -target * dt_ns
    (time-zero sits at the target sample). The picks are in ``header["time_zero_picks_samples"]``
    and, in ns on the input's time axis, ``header["time_zero_picks_ns"]``.

    ``lobe_window_traces`` (first_peak): where a lobe of the direct wave sits near the
    threshold it wins in one trace and loses in the next, and the pick jumps by half a period;
    such traces are re-picked on the extremum of the line's pick polarity nearest the running
    median of the picks over this many traces. Default 1001 with the automatic target, 0 (per
    trace, as a stream picks) with a fixed ``target_sample``.
    """
    b = as_bscan(b, dt_ns)
    out, extra = run_step("time_zero", b, method=None if method is None else _TZ_ALIASES.get(method, method),
                          threshold=threshold, search_start_ns=search_start_ns,
                          search_end_ns=search_end_ns, target_sample=target_sample,
                          lobe_window_traces=lobe_window_traces)
    picks = extra["time_zero_picks_samples"]
    out.header["time_zero_picks_samples"] = picks
    out.header["time_zero_picks_ns"] = b.t0_ns + picks * b.dt_ns
    return out


def bandpass(b: Any, low_mhz: Optional[float] = None, high_mhz: Optional[float] = None,
             shape: Optional[str] = None, transition_mhz: Optional[float] = None,
             order: Optional[int] = None, pad_samples: Optional[int] = None,
             dt_ns: Optional[float] = None, *, out: Any = None) -> Bscan:
    """Zero-phase band-pass (FFT) between ``low_mhz`` and ``high_mhz`` (MHz).

    shape ``"cosine"`` (default): gain 1 on [low, high] with raised-cosine transitions of
    ``transition_mhz`` outside the corners (default a quarter of each corner);
    ``"butterworth"``: Butterworth magnitude of ``order`` (default 4) at each corner (half power
    at the corners), zero phase. Default corners: high = min(2.5 x centre frequency, 0.8 x
    Nyquist), low = min(0.3 x centre frequency, high / 2) (header ``centre_frequency_mhz``);
    without a centre frequency, 2% and 80% of Nyquist. Each trace is padded (``pad_samples``,
    default n/8) with a line joining its end back to its start so no wrap-around ringing
    appears at the ends.
    """
    return run_step("bandpass", b, dt_ns, out, low_mhz=low_mhz, high_mhz=high_mhz, shape=shape,
                    transition_mhz=transition_mhz, order=order, pad_samples=pad_samples)[0]


def gain(b: Any, kind: Optional[str] = None, power: Optional[float] = None,
         db_per_ns: Optional[float] = None, window_ns: Optional[float] = None,
         max_gain: Optional[float] = None, dt_ns: Optional[float] = None,
         method: Optional[str] = None, exponent: Optional[float] = None, *,
         out: Any = None) -> Bscan:
    """Time-varying gain; t is the time since time-zero in ns (t0_ns + i * dt_ns, 0 before it).

    kind ``"tpow"`` (default): g = t**power (power 1); ``"exp"``: g = 10**(db_per_ns * t / 20)
    (0.5 dB/ns); ``"sec"``: both multiplied (spreading and exponential compensation);
    ``"agc"``: g = 1 / RMS over ``window_ns`` (5 ns) centred on the sample. Every gain is
    clamped to ``max_gain`` (1e4). ``method=`` is accepted as another name for ``kind``,
    ``exponent=`` for ``power``.
    """
    return run_step("gain", b, dt_ns, out, kind=method if method is not None else kind,
                    power=exponent if exponent is not None else power, db_per_ns=db_per_ns,
                    window_ns=window_ns, max_gain=max_gain)[0]


def envelope(b: Any, pad_samples: Optional[int] = None, dt_ns: Optional[float] = None, *,
             out: Any = None) -> Bscan:
    """Instantaneous amplitude |x + i H(x)| (H: Hilbert transform by FFT, zero-padded by
    ``pad_samples``, default n/8)."""
    b = as_bscan(b, dt_ns if dt_ns is not None else (None if isinstance(b, Bscan) else 1.0))
    return run_step("envelope", b, out=out, pad_samples=pad_samples)[0]


def normalize_distance(b: Any, spacing_m: Optional[float] = None, stationary_m: Optional[float] = None) -> Bscan:
    """Resample a line recorded at uneven spacing onto equal trace spacing ``spacing_m`` (m;
    default the median step) from its per-trace positions (header ``x_m``, required: e.g.
    :func:`gprkit.with_gps_positions`). Traces within ``stationary_m`` (default a quarter of
    the spacing) of the first of their run are one station and are averaged; between stations
    the traces are interpolated linearly in position. A line whose positions fall keeps its
    direction (x_m falls on a regular grid). Returns a Bscan with regular x_m, dx_m = spacing,
    y_m / z_m interpolated the same way and per-trace raw lists dropped."""
    return run_step("normalize_distance", b, None, spacing_m=spacing_m, stationary_m=stationary_m)[0]


def topographic_correction(b: Any, velocity_m_per_ns: Optional[float] = None, datum_m: Optional[float] = None,
                           extend: Optional[bool] = None) -> Bscan:
    """Static elevation correction: delay trace j by 2 (datum_m - z_j) / v (z_j = header
    ``z_m``, the surface elevation in m, e.g. from :func:`gprkit.apply_topography` or GPS;
    v = ``velocity_m_per_ns``, default 0.1) with a band-limited fractional shift, so that flat
    layers under a slope come out flat. ``datum_m`` defaults to the line's highest elevation;
    ``extend`` (default True) lengthens the traces by the largest delay so nothing is cut."""
    return run_step("topographic_correction", b, None, velocity_m_per_ns=velocity_m_per_ns,
                    datum_m=datum_m, extend=extend)[0]
