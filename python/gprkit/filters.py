"""Per-trace filters: DC removal, dewow, time-zero, band-pass, gains, envelope.

Each takes a :class:`~gprkit.Bscan` (or an array plus ``dt_ns``) and returns a new Bscan with
the same header (time-zero updates ``t0_ns``). Float32 input of any layout is read without a
copy; results are Fortran-ordered float32. The GIL is released while the kernel runs.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _core
from .bscan import Bscan, as_bscan

__all__ = ["dc_remove", "dewow", "time_zero", "pick_time_zero", "bandpass", "gain", "envelope"]

_INF = 1e300


def _num(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} = {value!r}; expected a number") from None


def dc_remove(b: Any, method: str = "mean", start_ns: Optional[float] = None,
              end_ns: Optional[float] = None, dt_ns: Optional[float] = None) -> Bscan:
    """Subtract each trace's mean or median, measured over [start_ns, end_ns] (ns from time-zero;
    default: the whole trace), from the whole trace."""
    b = as_bscan(b, dt_ns)
    out = _core.dc_remove(b.data, b.dt_ns, b.t0_ns, method,
                          -_INF if start_ns is None else _num(start_ns, "start_ns"),
                          _INF if end_ns is None else _num(end_ns, "end_ns"))
    return b.with_data(out)


def _default_window_ns(b: Bscan) -> float:
    f = float(b.header.get("centre_frequency_mhz") or 0.0)
    # Three periods of the antenna's centre frequency keep the wavelet and remove the wow.
    return 3e3 / f if f > 0 else max(2.0, 20 * b.dt_ns)


def dewow(b: Any, window_ns: Optional[float] = None, dt_ns: Optional[float] = None) -> Bscan:
    """Remove the low-frequency wow: subtract a running mean over ``window_ns`` (ns), centred on
    each sample; the window shrinks symmetrically at the trace ends, so a linear drift is
    removed without edge bias. Default window: three periods of the centre frequency
    (header ``centre_frequency_mhz``), else max(2 ns, 20 samples)."""
    b = as_bscan(b, dt_ns)
    w = _default_window_ns(b) if window_ns is None else _num(window_ns, "window_ns")
    return b.with_data(_core.dewow(b.data, b.dt_ns, w))


_TZ_ALIASES = {"peak": "first_peak", "first_peak": "first_peak", "threshold": "threshold",
               "first_break": "threshold"}


def _tz_call(b: Bscan, method: str, threshold: float, search_start_ns: Optional[float],
             search_end_ns: Optional[float], target_sample: Optional[float], shift: bool):
    return _core.time_zero(b.data, b.dt_ns, b.t0_ns, _TZ_ALIASES.get(method, method), _num(threshold, "threshold"),
                           -_INF if search_start_ns is None else _num(search_start_ns, "search_start_ns"),
                           _INF if search_end_ns is None else _num(search_end_ns, "search_end_ns"),
                           -1.0 if target_sample is None else _num(target_sample, "target_sample"), shift)


def pick_time_zero(b: Any, method: str = "first_peak", threshold: float = 0.5,
                   search_start_ns: Optional[float] = None, search_end_ns: Optional[float] = None,
                   dt_ns: Optional[float] = None) -> np.ndarray:
    """Per-trace first-break picks as fractional sample indices (see :func:`time_zero`)."""
    b = as_bscan(b, dt_ns)
    _, picks, _ = _tz_call(b, method, threshold, search_start_ns, search_end_ns, None, False)
    return picks


def time_zero(b: Any, method: str = "first_peak", threshold: float = 0.5,
              search_start_ns: Optional[float] = None, search_end_ns: Optional[float] = None,
              target_sample: Optional[float] = None, dt_ns: Optional[float] = None) -> Bscan:
    """Pick each trace's first break and align all traces to a common time-zero.

    method: ``"first_peak"`` (first extremum whose |amplitude| exceeds ``threshold`` x the trace's
    maximum, located to a fraction of a sample by a parabola) or ``"threshold"`` (first crossing
    of that level, linearly interpolated). Each trace is shifted by (target - pick) samples with
    an exact band-limited (FFT phase ramp, zero-padded) shift. ``target_sample`` defaults to the
    median pick, so the section keeps its length; the result's ``t0_ns`` is -target * dt_ns
    (time-zero sits at the target sample). The picks are in ``header["time_zero_picks_samples"]``
    and, in ns on the input's time axis, ``header["time_zero_picks_ns"]``.
    """
    b = as_bscan(b, dt_ns)
    out, picks, target = _tz_call(b, method, threshold, search_start_ns, search_end_ns, target_sample, True)
    return b.with_data(out, t0_ns=0.0 - float(target) * b.dt_ns, time_zero_picks_samples=picks,
                       time_zero_picks_ns=b.t0_ns + picks * b.dt_ns)


def bandpass(b: Any, low_mhz: Optional[float] = None, high_mhz: Optional[float] = None, shape: str = "cosine",
             transition_mhz: Optional[float] = None, order: int = 4, pad_samples: Optional[int] = None,
             dt_ns: Optional[float] = None) -> Bscan:
    """Zero-phase band-pass (FFT) between ``low_mhz`` and ``high_mhz`` (MHz).

    shape ``"cosine"``: gain 1 on [low, high] with raised-cosine transitions of ``transition_mhz``
    outside the corners (default a quarter of each corner); ``"butterworth"``: Butterworth
    magnitude of ``order`` at each corner (half power at the corners), zero phase. Default
    corners: 0.3 and 3 times the antenna's centre frequency (header ``centre_frequency_mhz``),
    the high one capped at 0.8 x Nyquist; without a centre frequency, 2% and 80% of Nyquist.
    Each trace is padded (``pad_samples``, default n/8) with a line joining its end back to its
    start so no wrap-around ringing appears at the ends.
    """
    b = as_bscan(b, dt_ns)
    nyquist = 500.0 / b.dt_ns
    fc = float(b.header.get("centre_frequency_mhz") or 0.0)
    if high_mhz is None:
        high = min(3.0 * fc, 0.8 * nyquist) if fc > 0 else 0.8 * nyquist
    else:
        high = _num(high_mhz, "high_mhz")
    if low_mhz is None:
        low = min(0.3 * fc, 0.5 * high) if fc > 0 else 0.02 * nyquist
    else:
        low = _num(low_mhz, "low_mhz")
    out = _core.bandpass(b.data, b.dt_ns, low, high, shape,
                         -1.0 if transition_mhz is None else _num(transition_mhz, "transition_mhz"),
                         int(order), -1 if pad_samples is None else int(pad_samples))
    return b.with_data(out)


def gain(b: Any, kind: str = "tpow", power: float = 1.0, db_per_ns: float = 0.5,
         window_ns: float = 5.0, max_gain: float = 1e4, dt_ns: Optional[float] = None,
         method: Optional[str] = None, exponent: Optional[float] = None) -> Bscan:
    """Time-varying gain; t is the time since time-zero in ns (t0_ns + i * dt_ns, 0 before it).

    kind ``"tpow"``: g = t**power; ``"exp"``: g = 10**(db_per_ns * t / 20); ``"sec"``: both
    multiplied (spreading and exponential compensation); ``"agc"``: g = 1 / RMS over
    ``window_ns`` centred on the sample. Every gain is clamped to ``max_gain``.
    ``method=`` is accepted as another name for ``kind``, ``exponent=`` for ``power``.
    """
    b = as_bscan(b, dt_ns)
    if method is not None:
        kind = method
    if exponent is not None:
        power = exponent
    out = _core.gain(b.data, b.dt_ns, b.t0_ns, kind, _num(power, "power"), _num(db_per_ns, "db_per_ns"),
                     _num(window_ns, "window_ns"), _num(max_gain, "max_gain"))
    return b.with_data(out)


def envelope(b: Any, pad_samples: Optional[int] = None, dt_ns: Optional[float] = None) -> Bscan:
    """Instantaneous amplitude |x + i H(x)| (H: Hilbert transform by FFT, zero-padded by
    ``pad_samples``, default n/8)."""
    b = as_bscan(b, dt_ns if dt_ns is not None else (None if isinstance(b, Bscan) else 1.0))
    return b.with_data(_core.envelope(b.data, -1 if pad_samples is None else int(pad_samples)))
