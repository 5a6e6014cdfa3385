"""Synthetic B-scans with known truth, for tests, demos and benchmarks."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from . import _core
from .bscan import Bscan

__all__ = ["simulate", "Simulation", "ricker"]


@dataclass
class Simulation:
    """A simulated section with what was put where."""
    bscan: Bscan
    # per diffractor: x_m, depth_m, apex_time_ns, amplitude (signed top amplitude), kind,
    # permittivity, metal, width_m, height_m, reflection (R_t, 0 for a plain diffractor) and
    # polarity (+1 same sign as the ground bounce, -1 opposite, 0 unknown)
    truth: list[dict[str, Any]] = field(default_factory=list)
    ground_time_ns: np.ndarray | None = None  # two-way time of the ground bounce per trace
    scatterers: list[dict[str, Any]] = field(default_factory=list)  # soil scatterers (kind -1)
    surface_elevation_m: np.ndarray | None = None  # ground elevation per trace (m, up = +)
    soil_permittivity: np.ndarray | None = None  # local soil eps_r per trace


def _items(objs: Iterable[Any] | None, cls: Any, keys: tuple[str, ...]) -> list[Any]:
    out = []
    for o in objs or []:
        if isinstance(o, cls):
            out.append(o)
        elif isinstance(o, dict):
            unknown = set(o) - set(keys)
            if unknown:
                raise ValueError(f"simulate: unknown {cls.__name__} fields {sorted(unknown)}; expected {keys}")
            out.append(cls(**o))
        else:
            out.append(cls(*o))
    return out


def simulate(diffractors: Iterable[Any] | None = None, layers: Iterable[Any] | None = None,
             **options: Any) -> Simulation:
    """Make a synthetic B-scan.

    diffractors: dicts (x_m, depth_m, amplitude=1, kind=0, permittivity=0, metal=False,
        width_m=0, height_m=0, metal_ringing=0.5, metal_ringing_decay_ns=1.0) or tuples in that
        order. permittivity > 0 (relative, >= 1) or metal=True make a physical inclusion: the
        top reflects amplitude * R_t / R_g_mean (normal-incidence Fresnel coefficients of the
        object in the soil and of the mean air-ground interface; times -1 when
        ground_bounce_amplitude < 0), so an object denser than the soil or metal has the sign
        of the ground bounce, a lighter one (plastic mine, void) the opposite sign. width_m (m): a
        flat top of that width; height_m (m): thickness, adds the bottom reflection (opposite
        sign, 2 height_m sqrt(permittivity) / c later). metal adds a decaying ringing.
    layers: dicts (depth_m, dip_deg=0, x0_m=0, amplitude=0.3, x_min_m, x_max_m) or tuples;
        x_min_m/x_max_m limit a reflector to part of the line (a root-like streak).
    options: any field of the C++ SimulateOptions (n_samples, n_traces, dt_ns, t0_ns, dx_m,
        x0_m, velocity_m_per_ns, antenna_offset_m, antenna_height_m, height_variation_m,
        height_variation_period_m, centre_frequency_mhz, direct_wave_amplitude,
        ground_bounce_amplitude, ringing_amplitude, ringing_period_ns, ringing_decay_ns,
        wow_amplitude, wow_time_ns, noise_std, geometric_spreading, seed) and the
        heterogeneous ground: surface_rms_m (rough surface rms, m; 0 = flat),
        surface_correlation_m (its Gaussian correlation length, m: autocorrelation
        exp(-lag^2 / L^2)), permittivity_std (relative std of the soil eps_r),
        permittivity_correlation_m, scatterer_density_per_m2, scatterer_amplitude,
        scatterer_max_depth_m (weak random point scatterers). velocity_m_per_ns is the mean
        soil velocity. See include/gprkit/simulate/simulate.h and docs/simulate.md.

    Returns a Simulation: bscan, truth (one dict per diffractor), ground_time_ns,
    scatterers, surface_elevation_m and soil_permittivity (per trace).
    """
    o = _core.SimulateOptions()
    for key, value in options.items():
        if key.startswith("_") or not hasattr(o, key):
            raise TypeError(f"simulate: unknown option {key!r}")
        try:
            setattr(o, key, value)
        except TypeError:  # pybind11's "incompatible function arguments": say which and why
            kind = {"int": "an integer in [-2**63, 2**63)", "float": "a float",
                    "bool": "True or False"}.get(type(getattr(o, key)).__name__, "another type")
            raise _core.InvalidArgument(f"simulate: {key} = {value!r}; expected {kind}") from None
    o.diffractors = _items(diffractors, _core.Diffractor,
                           ("x_m", "depth_m", "amplitude", "kind", "permittivity", "metal", "width_m",
                            "height_m", "metal_ringing", "metal_ringing_decay_ns"))
    o.layers = _items(layers, _core.Layer, ("depth_m", "dip_deg", "x0_m", "amplitude", "x_min_m", "x_max_m"))
    data, header, truth, ground, scatterers, surface, eps = _core.simulate(o)
    return Simulation(Bscan(data, header=header), list(truth), np.asarray(ground), list(scatterers),
                      np.asarray(surface), np.asarray(eps))


def ricker(t_ns: Any, f_mhz: float) -> np.ndarray:
    """Ricker wavelet of peak frequency f_mhz at times t_ns (peak 1 at t = 0)."""
    f = float(f_mhz)
    if not (math.isfinite(f) and f > 0):
        raise _core.InvalidArgument(f"ricker: f_mhz = {f_mhz!r}; expected a finite value > 0 (MHz)")
    t = np.asarray(t_ns, dtype=np.float64)
    if not np.isfinite(t).all():
        raise _core.InvalidArgument("ricker: t_ns has NaN or Inf; expected finite times (ns)")
    a = np.pi * f * 1e-3 * t
    return (1.0 - 2.0 * a * a) * np.exp(-a * a)
