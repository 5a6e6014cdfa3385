"""Migration (Stolt, phase shift, Kirchhoff, back-projection; 2-D and 3-D) and velocity analysis.

Migrated images keep a two-way-time vertical axis, measured from the ground surface: the
antenna height (air gap) and the antenna offset are taken out by the migration, so
``out.depth_m(v)`` gives the depth of each sample for a constant velocity ``v``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import _args, _core
from .bscan import Bscan, as_bscan
from .pipeline import run_step

__all__ = ["migrate", "migrate_3d", "backproject", "estimate_velocity", "fit_hyperbola",
           "MIGRATION_METHODS"]

MIGRATION_METHODS = ("stolt", "phase_shift", "kirchhoff", "backprojection")


def _header(b: Bscan) -> dict:
    h = dict(b.header)
    for key in ("x_m", "y_m", "z_m"):
        if h.get(key) is None:
            h.pop(key, None)
    return h


def _options(method: str, velocity_m_per_ns: float, vz_depth_m: Sequence[float] | None,
             vz_velocity_m_per_ns: Sequence[float] | None, aperture_m: float | None,
             aperture_deg: float | None, max_dip_deg: float, antenna_offset_m: float | None,
             antenna_height_m: float | None, antialias: bool, pad_time_factor: float,
             pad_traces: int | None) -> Any:
    o = _core.MigrateOptions()
    o.method = str(method)
    o.velocity_m_per_ns = float(velocity_m_per_ns)
    if (vz_depth_m is None) != (vz_velocity_m_per_ns is None):
        raise ValueError("migrate: vz_depth_m and vz_velocity_m_per_ns go together; got only one")
    if vz_depth_m is not None:
        o.vz_depth_m = [float(z) for z in np.asarray(vz_depth_m, dtype=float).ravel()]
        o.vz_velocity_m_per_ns = [float(v) for v in np.asarray(vz_velocity_m_per_ns, dtype=float).ravel()]
    o.aperture_m = -1.0 if aperture_m is None else float(aperture_m)
    o.aperture_deg = -1.0 if aperture_deg is None else float(aperture_deg)
    o.max_dip_deg = float(max_dip_deg)
    o.antenna_offset_m = -1.0 if antenna_offset_m is None else float(antenna_offset_m)
    o.antenna_height_m = -1.0 if antenna_height_m is None else float(antenna_height_m)
    o.antialias = bool(antialias)
    o.pad_time_factor = float(pad_time_factor)
    o.pad_traces = -1 if pad_traces is None else int(pad_traces)
    for name in ("aperture_m", "aperture_deg", "antenna_offset_m", "antenna_height_m"):
        value = getattr(o, name)
        if value < 0 and value != -1:
            raise _core.InvalidArgument(f"migrate: {name} = {value!r}; expected a value > 0 (or None)")
    return o


def migrate(b: Any, method: str = "stolt", velocity_m_per_ns: float = 0.1, *,
            dt_ns: float | None = None, dx_m: float | None = None,
            vz_depth_m: Sequence[float] | None = None,
            vz_velocity_m_per_ns: Sequence[float] | None = None,
            aperture_m: float | None = None, aperture_deg: float | None = None,
            max_dip_deg: float = 90.0, antenna_offset_m: float | None = None,
            antenna_height_m: float | None = None, antialias: bool = True,
            pad_time_factor: float = 2.0, pad_traces: int | None = None) -> Bscan:
    """Migrate a 2-D section.

    Parameters
    ----------
    b : Bscan or array (n_samples, n_traces) with ``dt_ns`` (and ``dx_m``).
    method : "stolt" (F-K, constant velocity), "phase_shift" (Gazdag, v(z)), "kirchhoff"
        (weighted diffraction summation, uneven trace positions allowed) or
        "backprojection" (delay-and-sum with exact bistatic refracted travel times).
    velocity_m_per_ns : ground velocity (m/ns), > 0.
    vz_depth_m, vz_velocity_m_per_ns : phase_shift v(z) table (depth below the surface in m,
        strictly increasing from <= 0 to at least the deepest imaged point; velocity in m/ns).
    aperture_m : half-width of the summation aperture (m); aperture_deg : largest ray angle
        from vertical (deg). Default (both None): 60 deg.
    max_dip_deg : stolt/phase_shift dip limit (deg).
    antenna_offset_m, antenna_height_m : override the header's antenna_separation_m and
        antenna_height_m (m).
    antialias : kirchhoff operator anti-aliasing (triangle filters).
    pad_time_factor, pad_traces : f-k zero padding (time factor >= 1; zero traces added,
        None = n_traces / 2, at least 16).

    Returns
    -------
    Bscan of the same shape, two-way time from the ground surface (``depth_m(v)`` works),
    header antenna_height_m and antenna_separation_m set to 0.

    Raises
    ------
    gprkit.InvalidArgument for a bad velocity, aperture, v(z) table, unsorted or repeated
    trace positions, or non-finite data.
    """
    b = as_bscan(b, dt_ns=dt_ns, dx_m=dx_m)
    if (vz_depth_m is None) != (vz_velocity_m_per_ns is None):
        raise ValueError("migrate: vz_depth_m and vz_velocity_m_per_ns go together; got only one")
    return run_step("migrate", b, method=method, velocity_m_per_ns=velocity_m_per_ns,
                    vz_depth_m=vz_depth_m, vz_velocity_m_per_ns=vz_velocity_m_per_ns,
                    aperture_m=aperture_m, aperture_deg=aperture_deg, max_dip_deg=max_dip_deg,
                    antenna_offset_m=antenna_offset_m, antenna_height_m=antenna_height_m,
                    antialias=antialias, pad_time_factor=pad_time_factor,
                    pad_traces=pad_traces)[0]


def backproject(b: Any, x_m: Sequence[float], depth_m: Sequence[float] | np.ndarray,
                velocity_m_per_ns: float = 0.1, *, method: str = "backprojection",
                dt_ns: float | None = None, dx_m: float | None = None,
                aperture_m: float | None = None, aperture_deg: float | None = None,
                antenna_offset_m: float | None = None, antenna_height_m: float | None = None,
                antialias: bool = True) -> Bscan:
    """Back-project onto a caller-chosen grid of positions ``x_m`` (strictly increasing, m)
    and depths ``depth_m`` (evenly spaced, increasing, m below the ground surface).

    Returns a Bscan (len(depth_m), len(x_m)) whose header has ``x_m`` = the grid and a
    two-way-time axis (t0_ns = 2 depth_m[0] / v, dt_ns = 2 ddepth / v), so
    ``out.depth_m(v)`` gives back ``depth_m``. ``method="kirchhoff"`` uses Kirchhoff weights.
    """
    b = as_bscan(b, dt_ns=dt_ns, dx_m=dx_m)
    try:
        z = np.asarray(depth_m, dtype=float).ravel()
        xs = np.asarray(x_m, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _core.InvalidArgument(f"backproject: x_m = {x_m!r}, depth_m = {depth_m!r}; "
                                    "expected sequences of numbers") from None
    if z.size < 1:
        raise _core.InvalidArgument("backproject: depth_m is empty; expected at least one depth")
    dz = float(z[1] - z[0]) if z.size > 1 else 0.01
    if z.size > 1 and not np.allclose(np.diff(z), dz, rtol=1e-6, atol=1e-12):
        raise _core.InvalidArgument("backproject: depth_m is not evenly spaced; expected a uniform axis")
    g = _core.ImageGrid()
    g.x_m = [float(x) for x in xs]
    g.depth0_m = float(z[0])
    g.ddepth_m = dz
    g.n_depths = int(z.size)
    o = _options(method, velocity_m_per_ns, None, None, aperture_m, aperture_deg, 90.0,
                 antenna_offset_m, antenna_height_m, antialias, 2.0, None)
    data, header = _core.backproject(b.data, _header(b), g, o)
    return Bscan(data, header=header)


def migrate_3d(volume: Any, dt_ns: float, dx_m: float, dy_m: float, *,
               method: str = "stolt", velocity_m_per_ns: float = 0.1, t0_ns: float = 0.0,
               antenna_offset_m: float = 0.0, antenna_height_m: float = 0.0,
               aperture_m: float | None = None, aperture_deg: float | None = None,
               max_dip_deg: float = 90.0, antialias: bool = True,
               pad_time_factor: float = 2.0, pad_traces: int | None = None) -> np.ndarray:
    """Migrate a volume of parallel lines, shape (n_samples, n_traces, n_lines), float32.

    dt_ns : sample interval (ns); dx_m : trace spacing along the lines (m); dy_m : line
    spacing (m); t0_ns : time of sample 0 relative to time-zero. Methods: stolt,
    phase_shift (constant velocity), kirchhoff, backprojection. A non-Fortran-ordered or
    non-float32 input is copied once. Returns a Fortran-ordered float32 array of the same
    shape, two-way time from the ground surface.
    """
    vol = np.asarray(volume)
    if vol.ndim != 3:
        raise _core.InvalidArgument(f"migrate_3d: volume ndim = {vol.ndim}; expected 3 (n_samples, n_traces, n_lines)")
    if vol.dtype.kind not in "fiu":
        raise TypeError(f"migrate_3d: dtype = {vol.dtype}; expected a real numeric dtype")
    o = _options(method, velocity_m_per_ns, None, None, aperture_m, aperture_deg, max_dip_deg,
                 None, None, antialias, pad_time_factor, pad_traces)
    vol = np.asfortranarray(vol, dtype=np.float32)
    num = {k: _args.number("migrate_3d", k, v) for k, v in
           (("dt_ns", dt_ns), ("t0_ns", t0_ns), ("dx_m", dx_m), ("dy_m", dy_m),
            ("antenna_offset_m", antenna_offset_m), ("antenna_height_m", antenna_height_m))}
    return _core.migrate_3d(vol, num["dt_ns"], num["t0_ns"], num["dx_m"], num["dy_m"],
                            num["antenna_offset_m"], num["antenna_height_m"], o)


def estimate_velocity(b: Any, *, method: str = "auto", max_apexes: int = 3,
                      dt_ns: float | None = None, dx_m: float | None = None,
                      min_velocity_m_per_ns: float = 0.05, max_velocity_m_per_ns: float = 0.20,
                      n_velocities: int = 31, t_min_ns: float | None = None,
                      t_max_ns: float | None = None, first_trace: int = 0,
                      n_traces: int | None = None, antenna_offset_m: float | None = None,
                      antenna_height_m: float | None = None, remove_median_trace: bool = True,
                      calibrate_time_zero: bool = True,
                      target_radius_m: float = 0.0) -> dict[str, Any]:
    """Ground velocity from the section.

    method : "focus" (the velocity of best focus of Stolt images over a velocity scan, then a
        golden-section refinement; focus = sum I^4 / (sum I^2)^2 in the window),
        "semblance" (fit_hyperbola, travel-time picks, at up to ``max_apexes`` strongest
        apexes, semblance-weighted mean) or "auto" (semblance when the antenna is above the
        ground, where the air gap leaves f-k images nearly blind to velocity; focus otherwise).

    The window is traces [first_trace, first_trace + n_traces) and two-way times
    [t_min_ns, t_max_ns] of the migrated image (time from the ground surface). The air gap
    and offset (header or overrides) are honoured.

    remove_median_trace : subtract the window's median trace first (direct wave, flat ground
        bounce).
    calibrate_time_zero : re-reference time-zero on the direct wave / air-ground reflection
        of the median trace (arrivals a/c and 2 sqrt(h^2 + a^2/4)/c), with the strongest apex's
        wavelet as the template, so the header's t0_ns need only be a first guess; kept when
        the median trace holds no such event. With an air gap the velocity hangs on time-zero.
    target_radius_m : radius (m) of cylindrical targets for the semblance fits (0 = points;
        a point fit to a cylinder of radius r with top at depth z reads about v sqrt(1 + r/z)).

    Returns a dict: velocity_m_per_ns, quality (0..1: focus: 1 - median/max focus;
    semblance: mean semblance), method (the one used), velocities_m_per_ns and focus (the
    coarse scan, or the per-apex velocities and semblances), time_zero_shift_ns (the fits used
    t0_ns - time_zero_shift_ns) and time_zero_calibrated.
    """
    b = as_bscan(b, dt_ns=dt_ns, dx_m=dx_m)
    o = _core.VelocityOptions()
    o.method = str(method)
    o.max_apexes = _args.integer("estimate_velocity", "max_apexes", max_apexes, -_args.INT32_MAX, _args.INT32_MAX)
    o.min_velocity_m_per_ns = float(min_velocity_m_per_ns)
    o.max_velocity_m_per_ns = float(max_velocity_m_per_ns)
    o.n_velocities = _args.integer("estimate_velocity", "n_velocities", n_velocities, -_args.INT32_MAX, _args.INT32_MAX)
    if t_min_ns is not None:
        o.t_min_ns = float(t_min_ns)
    if t_max_ns is not None:
        o.t_max_ns = float(t_max_ns)
    o.first_trace = _args.integer("estimate_velocity", "first_trace", first_trace, -_args.INT32_MAX, _args.INT32_MAX)
    o.n_traces = -1 if n_traces is None else _args.integer("estimate_velocity", "n_traces", n_traces, -_args.INT32_MAX, _args.INT32_MAX)
    o.antenna_offset_m = -1.0 if antenna_offset_m is None else float(antenna_offset_m)
    o.antenna_height_m = -1.0 if antenna_height_m is None else float(antenna_height_m)
    o.remove_median_trace = bool(remove_median_trace)
    o.calibrate_time_zero = bool(calibrate_time_zero)
    o.target_radius_m = _args.number("estimate_velocity", "target_radius_m", target_radius_m)
    return _core.estimate_velocity(b.data, _header(b), o)


def fit_hyperbola(b: Any, trace: int, sample: int, *, dt_ns: float | None = None,
                  dx_m: float | None = None, min_velocity_m_per_ns: float = 0.04,
                  max_velocity_m_per_ns: float = 0.25, half_width_traces: int = 25,
                  window_ns: float | None = None, search_samples: int = 5,
                  search_traces: int = 2, antenna_offset_m: float | None = None,
                  antenna_height_m: float | None = None,
                  target_radius_m: float = 0.0) -> dict[str, float]:
    """Fit a diffraction hyperbola to the apex picked at (trace, sample).

    On the analytic signal (low-passed at 2-3x the centre frequency): the envelope ridge is
    followed trace by trace from the apex down both flanks (within +-half_width_traces) and
    exact bistatic, refracted travel times are fitted to those picks by amplitude-weighted
    least squares over velocity, depth and position; with fewer than 5 picks, semblance is
    maximized over velocity, apex time (within +-search_samples) and apex position (within
    +-search_traces) instead. Time-zero is the header's t0_ns. target_radius_m: radius (m)
    of a cylindrical target (0 = point; apex_depth_m is then the depth of its top).

    Returns a dict: velocity_m_per_ns, apex_depth_m (below the ground surface),
    apex_time_ns, x_m, quality (semblance 0..1).
    """
    b = as_bscan(b, dt_ns=dt_ns, dx_m=dx_m)
    o = _core.HyperbolaFitOptions()
    o.min_velocity_m_per_ns = float(min_velocity_m_per_ns)
    o.max_velocity_m_per_ns = float(max_velocity_m_per_ns)
    o.half_width_traces = int(half_width_traces)
    o.window_ns = -1.0 if window_ns is None else float(window_ns)
    o.search_samples = int(search_samples)
    o.search_traces = int(search_traces)
    o.antenna_offset_m = -1.0 if antenna_offset_m is None else float(antenna_offset_m)
    o.antenna_height_m = -1.0 if antenna_height_m is None else float(antenna_height_m)
    o.target_radius_m = _args.number("fit_hyperbola", "target_radius_m", target_radius_m)
    return _core.fit_hyperbola(b.data, _header(b), _args.integer("fit_hyperbola", "trace", trace, 0),
                               _args.integer("fit_hyperbola", "sample", sample, 0), o)
