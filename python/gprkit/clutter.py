"""Clutter and ground-bounce removal: background traces, eigenimages, robust PCA.

Every function takes a :class:`~gprkit.Bscan` (or a float array of shape
(n_samples, n_traces) plus ``dt_ns``) and returns new data; the GIL is released while
the C++ kernels run.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _args, _core
from .bscan import Bscan, as_bscan, as_float32
from .pipeline import run_step

__all__ = ["remove_background", "rpca", "truncated_svd", "track_surface", "estimate_antenna_height",
           "BACKGROUND_METHODS"]

#: The method names accepted by :func:`remove_background`.
BACKGROUND_METHODS = ("mean", "median", "moving_mean", "moving_median", "svd", "rpca", "ground_bounce",
                      "exponential", "surface")

_SIMPLE = ("window_traces", "window_m", "first_trace", "n_traces", "svd_components", "svd_max_components",
           "svd_oversampling", "svd_power_iterations", "seed", "rpca_lambda", "rpca_tolerance",
           "rpca_max_iterations", "rpca_rho", "ground_smooth_traces", "ground_median",
           "ground_remove_horizontal", "ground_iterations", "surface_period_samples",
           "surface_before_periods", "surface_after_periods", "surface_max_shift_periods",
           "surface_iterations")


def _int_arg(name: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not float(value).is_integer():
        raise _core.InvalidArgument(f"remove_background: {name} = {value!r}; expected an integer")
    return int(value)


def _ground_window(ground_window_ns: Any) -> tuple[float, float]:
    lo, hi = (float(v) for v in ground_window_ns)
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise _core.InvalidArgument(f"remove_background: ground_window_ns = {ground_window_ns!r}; "
                                    "expected (start, end) with end > start")
    return lo, hi


def remove_background(b: Any, method: str = "mean", *, dt_ns: float | None = None,
                      trace_mask: Any = None, ground_window_ns: tuple[float, float] | None = None,
                      ground_time_ns: Any = None, rpca_svd: str = "randomized",
                      return_report: bool = False, out: Any = None, **options: Any) -> Any:
    """Subtract the clutter background of a section and return a new Bscan.

    Parameters
    ----------
    b : Bscan or array (n_samples, n_traces)
        The section (an array needs ``dt_ns``). Not modified.
    method : str
        ``"mean"`` / ``"median"``: the mean / sample-wise median trace of the selected traces.
        ``"moving_mean"`` / ``"moving_median"``: the same over a window of ``window_traces``
        selected traces centred on each trace (running sums; sorted-window running median),
        shorter near the ends of the line (reach ``window_traces // 2``, what a stream can do).
        ``"exponential"``: the exponentially weighted mean of the traces so far (causal; span
        ``window_traces``, weight 2 / (span + 1)).
        ``"svd"``: the first ``svd_components`` eigenimages (randomized SVD; -1 picks k at the
        largest gap s_i / s_{i+1}, i <= ``svd_max_components``).
        ``"rpca"``: robust PCA by inexact ALM; the result is the sparse part.
        ``"ground_bounce"``: picks the surface reflection per trace (strongest |amplitude| in
        ``ground_window_ns``, or ``ground_time_ns`` given), flattens to it, subtracts a local
        average (``window_traces``) of the flattened section in the original geometry, plus a
        time-fixed mean trace (antenna ringing) unless ``ground_remove_horizontal=False``.
        ``"surface"``: rough ground. Tracks the surface with sub-sample precision
        (:func:`track_surface`, or ``ground_time_ns`` given), estimates a local ground wavelet
        (moving mean, or median with ``ground_median``, over ``window_traces`` of the section
        flattened on the track, in a gate from ``surface_before_periods`` before to
        ``surface_after_periods`` after the pick), fits it per trace (amplitude plus a residual
        shift up to ``surface_max_shift_periods``, Huber-weighted so a shallow target counts
        less) and subtracts it at the trace's own sub-sample time, alternating
        ``surface_iterations`` times with a time-fixed mean trace (direct wave, ringing).
    dt_ns : float, optional
        Sample interval (ns) when ``b`` is an array.
    trace_mask : array of bool (n_traces,), optional
        Only traces marked True (and inside ``first_trace``/``n_traces``) are used to estimate
        the background, which is removed from every trace.
    ground_window_ns : (float, float), optional
        Time window (ns, same axis as ``b.time_ns()``) searched for the ground reflection.
    ground_time_ns : array (n_traces,), optional
        Known two-way time of the ground reflection per trace (ns); skips the picking.
    rpca_svd : {"randomized", "full"}
        Singular-value thresholding of rpca: randomized partial SVD (default) or full SVD.
    out : Bscan or float32 array, optional
        Written with the result instead of a new section (``out=b`` for in place; see
        :mod:`gprkit.filters`). Not with ``trace_mask``, ``ground_time_ns`` or
        ``return_report``.
    return_report : bool
        Also return a dict: ``background_trace`` (mean/median/ground_bounce's horizontal part),
        ``singular_values``, ``components`` (k for svd, rank of L for rpca), ``iterations``,
        ``residual`` (rpca), ``ground_time_ns`` / ``ground_pick_samples`` (ground_bounce),
        ``traces_used`` and ``removed`` (the removed image, n_samples x n_traces).
    **options
        ``window_traces`` (odd, default 31), ``first_trace``, ``n_traces`` (-1 = all),
        ``svd_components``, ``svd_max_components``, ``svd_oversampling``,
        ``svd_power_iterations``, ``seed``, ``rpca_lambda`` (default 1/sqrt(max(m, n))),
        ``rpca_tolerance``, ``rpca_max_iterations``, ``rpca_rho``, ``ground_smooth_traces``,
        ``ground_median``, ``ground_remove_horizontal``, ``ground_iterations``.

    Returns
    -------
    Bscan, or (Bscan, dict) with ``return_report=True``.

    Raises
    ------
    gprkit.InvalidArgument
        Unknown method, a window longer than the line or even, k larger than the rank, a mask of
        the wrong shape, non-finite data, ...
    """
    bs = as_bscan(b, dt_ns=dt_ns)
    if trace_mask is None and ground_time_ns is None and not return_report:
        # The plain case is the registry step: its table gives every default and check.
        opts = dict(options)
        opts["method"] = method
        opts["rpca_svd"] = rpca_svd
        if ground_window_ns is not None:
            opts["ground_start_ns"], opts["ground_end_ns"] = _ground_window(ground_window_ns)
        return run_step("remove_background", bs, out=out, **opts)[0]
    if out is not None:
        raise TypeError("remove_background: out= is not available with trace_mask, ground_time_ns "
                        "or return_report; call it without out=")
    if method not in BACKGROUND_METHODS:
        raise _core.InvalidArgument(f"remove_background: method = {method!r}; expected one of {BACKGROUND_METHODS}")
    o = _core.BackgroundOptions()
    o.method = getattr(_core.BackgroundMethod, method)
    for key, value in options.items():
        if key not in _SIMPLE:
            raise TypeError(f"remove_background: unknown option {key!r}")
        current = getattr(o, key)
        if isinstance(current, bool):
            setattr(o, key, bool(value))
        elif isinstance(current, int):
            setattr(o, key, _int_arg(key, value))
        else:
            setattr(o, key, float(value))
    if rpca_svd not in ("randomized", "full"):
        raise _core.InvalidArgument(f"remove_background: rpca_svd = {rpca_svd!r}; expected 'randomized' or 'full'")
    o.rpca_svd = getattr(_core.RpcaSvd, rpca_svd)
    if trace_mask is not None:
        mask = np.asarray(trace_mask)
        if mask.ndim != 1 or mask.size != bs.n_traces:
            raise _core.InvalidArgument(f"remove_background: trace_mask shape = {mask.shape}; "
                                        f"expected ({bs.n_traces},) (one entry per trace)")
        o.trace_mask = (mask != 0).astype(np.uint8).tolist()
    if ground_window_ns is not None:  # made samples by BackgroundOptions::resolve, as in the step
        o.ground_start_ns, o.ground_end_ns = _ground_window(ground_window_ns)
    if ground_time_ns is not None:
        t = np.asarray(ground_time_ns, dtype=np.float64)
        if t.shape != (bs.n_traces,):
            raise _core.InvalidArgument(f"remove_background: ground_time_ns shape = {t.shape}; "
                                        f"expected ({bs.n_traces},) (one time per trace)")
        o.ground_pick_samples = ((t - bs.t0_ns) / bs.dt_ns).tolist()
    o.report_removed = bool(return_report)
    data, report = _core.remove_background(bs.data, o, bs.header)
    out = bs.with_data(data)
    if not return_report:
        return out
    report = dict(report)
    report["method"] = method
    picks = report.get("ground_pick_samples")
    report["ground_time_ns"] = bs.t0_ns + bs.dt_ns * np.asarray(picks) if picks is not None else None
    return out, report


def rpca(data: Any, lam: float | None = None, *, tolerance: float = 1e-6, max_iterations: int = 500,
         rho: float = 1.5, svd: str = "randomized", oversampling: int = 10,
         power_iterations: int = 2, seed: int = 1,
         return_report: bool = False) -> Any:
    """Robust PCA: split ``data`` into low-rank + sparse (inexact augmented Lagrange multipliers).

    Minimises ||L||_* + lam ||S||_1 subject to L + S = D (to ``tolerance`` in relative
    Frobenius norm).

    Parameters
    ----------
    data : Bscan or array (m, n)
        Real, finite; float32 is used without a copy.
    lam : float, optional
        Sparsity weight; default 1 / sqrt(max(m, n)).
    tolerance : float
        Stop when ||D - L - S||_F / ||D||_F < tolerance.
    max_iterations : int
        Iteration cap.
    rho : float
        Growth factor (> 1) of the penalty mu per iteration.
    svd : {"randomized", "full"}
        Singular-value thresholding by a randomized partial SVD of a predicted rank (fast) or a
        full thin SVD every iteration (textbook).
    oversampling, power_iterations, seed : int
        Randomized SVD settings.
    return_report : bool
        Also return a dict (iterations, converged, residual, lambda, rank, singular_values of L).

    Returns
    -------
    (low_rank, sparse) float32 arrays of data's shape (Fortran order), plus the report dict
    when ``return_report``.
    """
    arr = as_float32(data.data if isinstance(data, Bscan) else data)
    if arr.ndim != 2:
        raise _core.InvalidArgument(f"rpca: data ndim = {arr.ndim}; expected 2 (m, n)")
    if svd not in ("randomized", "full"):
        raise _core.InvalidArgument(f"rpca: svd = {svd!r}; expected 'randomized' or 'full'")
    o = _core.RpcaOptions()
    o.lambda_ = -1.0 if lam is None else float(lam)
    if lam is not None and not o.lambda_ > 0:
        raise _core.InvalidArgument(f"rpca: lam = {lam!r}; expected a value > 0 (or None)")
    o.tolerance = float(tolerance)
    o.max_iterations = _args.integer("rpca", "max_iterations", max_iterations, 1, _args.INT32_MAX)
    o.rho = float(rho)
    o.svd = getattr(_core.RpcaSvd, svd)
    o.oversampling = _args.integer("rpca", "oversampling", oversampling, 0, _args.INT32_MAX)
    o.power_iterations = _args.integer("rpca", "power_iterations", power_iterations, 0, _args.INT32_MAX)
    o.seed = _args.integer("rpca", "seed", seed, 0, 2**64 - 1)
    low, sparse, report = _core.rpca(arr, o)
    return (low, sparse, dict(report)) if return_report else (low, sparse)


def truncated_svd(data: Any, k: int, *, oversampling: int = 10, power_iterations: int = 2,
                  seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Leading ``k`` singular values (descending, float64) and left singular vectors
    (float32, shape (m, k), orthonormal columns) of ``data`` (m, n), by a randomized range
    finder with ``power_iterations`` subspace iterations (a full SVD for small matrices)."""
    arr = as_float32(data.data if isinstance(data, Bscan) else data)
    if arr.ndim != 2:
        raise _core.InvalidArgument(f"truncated_svd: data ndim = {arr.ndim}; expected 2 (m, n)")
    w, I32 = "truncated_svd", _args.INT32_MAX
    return _core.truncated_svd(arr, _args.integer(w, "k", k, 1, I32),
                               _args.integer(w, "oversampling", oversampling, 0, I32),
                               _args.integer(w, "power_iterations", power_iterations, 0, I32),
                               _args.integer(w, "seed", seed, 0, 2**64 - 1))


def _surface_options(where: str, window_ns: Any, search_ns: float, max_jump_ns: float,
                     wavelet_half_ns: float, separate_fixed: bool, iterations: int,
                     centre_frequency_mhz: float) -> Any:
    o = _core.SurfaceOptions()
    if window_ns is not None:
        lo, hi = (float(v) for v in window_ns)
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            raise _core.InvalidArgument(f"{where}: window_ns = {window_ns!r}; expected (start, end) with end > start")
        o.start_ns, o.end_ns = lo, hi
    o.search_ns = _args.number(where, "search_ns", search_ns)
    o.max_jump_ns = _args.number(where, "max_jump_ns", max_jump_ns)
    o.wavelet_half_ns = _args.number(where, "wavelet_half_ns", wavelet_half_ns)
    o.separate_fixed = bool(separate_fixed)
    o.iterations = _args.integer(where, "iterations", iterations, 1, 100)
    o.centre_frequency_mhz = _args.number(where, "centre_frequency_mhz", centre_frequency_mhz)
    return o


def _header(bs: Bscan) -> dict:
    h = dict(bs.header)
    for key in ("x_m", "y_m", "z_m"):
        if h.get(key) is None:
            h.pop(key, None)
    return h


def track_surface(b: Any, *, dt_ns: float | None = None, window_ns: tuple[float, float] | None = None,
                  search_ns: float = 0.0, max_jump_ns: float = 0.0, wavelet_half_ns: float = 0.0,
                  separate_fixed: bool = True, iterations: int = 8,
                  centre_frequency_mhz: float = 0.0) -> dict[str, Any]:
    """Track the air-ground reflection per trace with sub-sample precision.

    Each trace's search window, minus a time-fixed component (the direct wave and ringing,
    estimated by alternation when ``separate_fixed``), is cross-correlated with a reference
    ground wavelet (the section's mean aligned on the picks); the best path of correlation
    peaks along the line, moving at most ``max_jump_ns`` per trace, is followed (dynamic
    programming, so a strong shallow target or a weak stretch of bounce does not derail it)
    and refined by a parabola.

    Parameters
    ----------
    b : Bscan or array (n_samples, n_traces) (an array needs ``dt_ns``)
    window_ns : (start, end), optional
        Search window (ns, the axis of ``b.time_ns()``); default from one period before the first
        strong arrival to ``search_ns`` after it (default four periods, at least 1 ns).
    max_jump_ns : float
        Largest move between neighbouring traces; 0 = a quarter period.
    wavelet_half_ns : float
        Half-length of the reference wavelet; 0 = three quarters of a period.
    iterations : int
        Alternations of the model trace = fixed + amplitude x wavelet(t - surface time).
    centre_frequency_mhz : float
        For the period; 0 = the header's, else measured from the data.

    Returns
    -------
    dict with numpy arrays ``time_ns`` (two-way time of the reflection's peak per trace, ns),
    ``sample`` (fractional index), ``amplitude`` (signed), ``quality`` (normalized
    correlation -1..1), ``wavelet`` (peak at ``wavelet_centre``), ``fixed`` (the time-fixed
    component over the window ``window_first_sample`` + ``window_n_samples``) and ``period_ns``.
    """
    bs = as_bscan(b, dt_ns=dt_ns)
    o = _surface_options("track_surface", window_ns, search_ns, max_jump_ns, wavelet_half_ns,
                         separate_fixed, iterations, centre_frequency_mhz)
    return dict(_core.track_surface(bs.data, _header(bs), o))


def estimate_antenna_height(b: Any, *, dt_ns: float | None = None, antenna_separation_m: float | None = None,
                            direct_time_ns: float | None = None, min_delay_periods: float = 0.5,
                            window_ns: tuple[float, float] | None = None, search_ns: float = 0.0,
                            max_jump_ns: float = 0.0, iterations: int = 8,
                            centre_frequency_mhz: float = 0.0) -> dict[str, Any]:
    """Antenna height above the ground from the delay between the direct wave and the
    air-ground reflection: delay = 2 sqrt(h^2 + a^2/4) / c - a / c (a = antenna separation,
    c = 0.2998 m/ns).

    The surface comes from :func:`track_surface`; the direct wave is ``direct_time_ns`` or the
    peak of the time-fixed component it separated (else a / c on the section's time axis).

    Returns
    -------
    dict: ``height_m`` (line median; NaN when unresolved), ``height_per_trace_m`` (numpy,
    NaN when unresolved), ``delay_ns``, ``direct_time_ns``, ``resolved`` (False when the delay
    is below ``min_delay_periods`` periods: the two arrivals merge and the delay cannot be read,
    e.g. 3 cm at 1.5 GHz), ``height_from_time_zero_m`` (from the reflection's absolute time,
    valid only when the section's time zero is the transmission), ``period_ns`` and
    ``surface`` (the track dict).
    """
    bs = as_bscan(b, dt_ns=dt_ns)
    o = _core.AntennaHeightOptions()
    o.surface = _surface_options("estimate_antenna_height", window_ns, search_ns, max_jump_ns, 0.0, True,
                                 iterations, centre_frequency_mhz)
    if antenna_separation_m is not None:
        o.antenna_separation_m = _args.number("estimate_antenna_height", "antenna_separation_m",
                                              antenna_separation_m)
        if not o.antenna_separation_m >= 0:
            raise _core.InvalidArgument(f"estimate_antenna_height: antenna_separation_m = {antenna_separation_m!r}; "
                                        "expected a finite value >= 0 (m)")
    if direct_time_ns is not None:
        o.direct_time_ns = _args.number("estimate_antenna_height", "direct_time_ns", direct_time_ns)
    o.min_delay_periods = _args.number("estimate_antenna_height", "min_delay_periods", min_delay_periods)
    r = dict(_core.estimate_antenna_height(bs.data, _header(bs), o))
    r["surface"] = dict(r["surface"])
    return r
