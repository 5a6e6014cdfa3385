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
    truth: list[dict[str, Any]] = field(default_factory=list)  # x_m, depth_m, apex_time_ns, amplitude, kind
    ground_time_ns: np.ndarray | None = None  # two-way time of the ground bounce per trace


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

    diffractors: dicts (x_m, depth_m, amplitude=1, kind=0) or tuples in that order.
    layers: dicts (depth_m, dip_deg=0, x0_m=0, amplitude=0.3, x_min_m, x_max_m) or tuples;
        x_min_m/x_max_m limit a reflector to part of the line (a root-like streak).
    options: any field of the C++ SimulateOptions (n_samples, n_traces, dt_ns, t0_ns, dx_m,
        x0_m, velocity_m_per_ns, antenna_offset_m, antenna_height_m, height_variation_m,
        height_variation_period_m, centre_frequency_mhz, direct_wave_amplitude,
        ground_bounce_amplitude, ringing_amplitude, ringing_period_ns, ringing_decay_ns,
        wow_amplitude, wow_time_ns, noise_std, geometric_spreading, seed).
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
    o.diffractors = _items(diffractors, _core.Diffractor, ("x_m", "depth_m", "amplitude", "kind"))
    o.layers = _items(layers, _core.Layer, ("depth_m", "dip_deg", "x0_m", "amplitude", "x_min_m", "x_max_m"))
    data, header, truth, ground = _core.simulate(o)
    return Simulation(Bscan(data, header=header), list(truth), np.asarray(ground))


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
