"""A survey of parallel lines as one volume (samples x lines x traces), and its slices.

A handheld sweep, a vehicle array or a grid of parallel lines covers an area. :class:`Cube`
assembles its lines onto one regular grid (x along the lines, y across them), migrates it in
3-D (:func:`migrate_cube`) and cuts it into time or depth slices (C-scans) of envelope
energy, the view deminers and archaeologists read.

Memory layout: ``cube.data`` has shape (n_samples, n_lines, n_traces) and is a transposed
view of a Fortran-ordered (n_samples, n_traces, n_lines) buffer, so every line is a
contiguous B-scan (``cube.line(i)`` does not copy) and the 3-D kernels read the buffer as is.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .bscan import Bscan, as_bscan

__all__ = ["Cube", "migrate_cube"]

_C_M_PER_NS = 0.299792458
_SHARED = ("dt_ns", "t0_ns")


def _volume(n_samples: int, n_lines: int, n_traces: int) -> np.ndarray:
    """A zeroed (n_samples, n_lines, n_traces) view with each line contiguous."""
    return np.zeros((n_samples, n_traces, n_lines), dtype=np.float32, order="F").transpose(0, 2, 1)


def _finite_positive(what: str, name: str, value: Any) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{what}: {name} = {value!r}; expected a finite value > 0")
    return v


class Cube:
    """Parallel lines on a regular grid.

    Attributes
    ----------
    data : float32 array (n_samples, n_lines, n_traces); ``data[:, i, :]`` is line i.
    dt_ns, t0_ns : sample interval and time of sample 0 relative to time-zero (ns).
    dx_m, dy_m : trace spacing along the lines and line spacing (m).
    x_m : (n_traces,) position of each grid column along the lines (m).
    y_m : (n_lines,) position of each line across the survey (m).
    antenna_height_m, antenna_separation_m, centre_frequency_mhz : from the first line.
    sources : where each line came from (a file path, or "line i").
    """

    def __init__(self, data: Any, *, dt_ns: float, dx_m: float, dy_m: float, t0_ns: float = 0.0,
                 x0_m: float = 0.0, y0_m: float = 0.0, antenna_height_m: float = 0.0,
                 antenna_separation_m: float = 0.0, centre_frequency_mhz: float = 0.0,
                 sources: Sequence[str] | None = None) -> None:
        arr = np.asarray(data)
        if arr.ndim != 3:
            raise ValueError(f"Cube: data.ndim = {arr.ndim}; expected 3 (n_samples, n_lines, n_traces)")
        if min(arr.shape) < 1:
            raise ValueError(f"Cube: data.shape = {arr.shape}; expected every dimension >= 1")
        if arr.dtype.kind not in "fiu":
            raise TypeError(f"Cube: data.dtype = {arr.dtype}; expected a real numeric dtype")
        vol = arr
        if not (arr.dtype == np.float32 and arr.transpose(0, 2, 1).flags.f_contiguous):
            vol = _volume(*arr.shape)
            vol[...] = arr
        self.data = vol
        self.dt_ns = _finite_positive("Cube", "dt_ns", dt_ns)
        self.dx_m = _finite_positive("Cube", "dx_m", dx_m)
        self.dy_m = _finite_positive("Cube", "dy_m", dy_m)
        for name, v in (("t0_ns", t0_ns), ("x0_m", x0_m), ("y0_m", y0_m)):
            if not math.isfinite(float(v)):
                raise ValueError(f"Cube: {name} = {v!r}; expected a finite value")
        self.t0_ns = float(t0_ns)
        self.x_m = float(x0_m) + self.dx_m * np.arange(vol.shape[2], dtype=np.float64)
        self.y_m = float(y0_m) + self.dy_m * np.arange(vol.shape[1], dtype=np.float64)
        self.antenna_height_m = float(antenna_height_m)
        self.antenna_separation_m = float(antenna_separation_m)
        self.centre_frequency_mhz = float(centre_frequency_mhz)
        self.sources = list(sources) if sources is not None else [f"line {i}" for i in range(vol.shape[1])]
        if len(self.sources) != vol.shape[1]:
            raise ValueError(f"Cube: {len(self.sources)} sources for {vol.shape[1]} lines")

    # --- shape -------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.data.shape)  # type: ignore[return-value]

    @property
    def n_samples(self) -> int:
        return self.data.shape[0]

    @property
    def n_lines(self) -> int:
        return self.data.shape[1]

    @property
    def n_traces(self) -> int:
        return self.data.shape[2]

    def time_ns(self) -> np.ndarray:
        """Two-way time of each sample from time-zero (ns)."""
        return self.t0_ns + self.dt_ns * np.arange(self.n_samples, dtype=np.float64)

    def __repr__(self) -> str:
        return (f"Cube({self.n_samples} samples x {self.n_lines} lines x {self.n_traces} traces, "
                f"dt {self.dt_ns:g} ns, dx {self.dx_m:g} m, dy {self.dy_m:g} m)")

    def _header(self, line: int | None = None) -> dict[str, Any]:
        h: dict[str, Any] = {"dt_ns": self.dt_ns, "t0_ns": self.t0_ns, "dx_m": self.dx_m,
                             "antenna_height_m": self.antenna_height_m,
                             "antenna_separation_m": self.antenna_separation_m,
                             "centre_frequency_mhz": self.centre_frequency_mhz,
                             "x_m": self.x_m.copy()}
        if line is not None:
            h["y_m"] = np.full(self.n_traces, self.y_m[line])
        return h

    def line(self, i: int) -> Bscan:
        """Line i as a Bscan on the grid (its samples are shared with the cube, not copied)."""
        if not -self.n_lines <= int(i) < self.n_lines:
            raise IndexError(f"Cube.line: i = {i}; the cube has {self.n_lines} lines")
        i = int(i) % self.n_lines
        return Bscan(self.data[:, i, :], header=self._header(i))

    # --- assembly ----------------------------------------------------------------------------
    @classmethod
    def from_lines(cls, bscans: Iterable[Any], line_spacing_m: float, first_line_y_m: float = 0.0,
                   reverse_every_other: bool = False, *, dx_m: float | None = None,
                   sources: Sequence[str] | None = None) -> "Cube":
        """Assemble parallel lines (Bscans) into a Cube.

        Line i lies at y = first_line_y_m + i * line_spacing_m. With ``reverse_every_other``
        the odd lines (1, 3, ...) were recorded in the opposite direction (a zig-zag survey):
        their traces are turned round so that every line runs the same way, starting at the
        first line's start. Lines of equal length and trace spacing, without per-trace positions
        or with regular ones, keep their grid (no resampling: the samples are copied as they
        are). Otherwise each line is interpolated linearly along x from its per-trace positions
        (``x_m``) onto one regular grid over the union of the lines, at ``dx_m`` (default: the
        median trace spacing of the lines); grid points a line does not cover are 0.

        Every line must have the same sample count, dt_ns and t0_ns (the error names the line
        or file), and positions: per-trace x_m or a trace spacing dx_m > 0.
        """
        lines = [as_bscan(b, what="from_lines: bscans[i]") if not isinstance(b, Bscan) else b
                 for b in bscans]
        names = list(sources) if sources is not None else [f"line {i}" for i in range(len(lines))]
        if len(names) != len(lines):
            raise ValueError(f"Cube.from_lines: {len(names)} sources for {len(lines)} lines")
        if not lines:
            raise ValueError("Cube.from_lines: no lines")
        dy = _finite_positive("Cube.from_lines", "line_spacing_m", line_spacing_m)
        if not math.isfinite(float(first_line_y_m)):
            raise ValueError(f"Cube.from_lines: first_line_y_m = {first_line_y_m!r}; expected a finite value")
        first = lines[0]
        for b, name in zip(lines, names):
            if b.n_samples != first.n_samples:
                raise ValueError(f"Cube.from_lines: {name} has {b.n_samples} samples per trace, "
                                 f"{names[0]} has {first.n_samples}; resample the lines to one dt_ns "
                                 "and time window first")
            for key in _SHARED:
                a, c = float(b.header[key]), float(first.header[key])
                if not math.isclose(a, c, rel_tol=1e-9, abs_tol=1e-9):
                    raise ValueError(f"Cube.from_lines: {name} has {key} = {a:g}, {names[0]} has "
                                     f"{c:g}; every line needs the same time axis")
        positions = []
        for i, (b, name) in enumerate(zip(lines, names)):
            if b.header.get("x_m") is not None:
                x = np.asarray(b.header["x_m"], dtype=np.float64)
            elif b.dx_m > 0:
                x = b.dx_m * np.arange(b.n_traces, dtype=np.float64)
            else:
                raise ValueError(f"Cube.from_lines: {name} has no per-trace positions (x_m) and no "
                                 "trace spacing (dx_m = 0, a time-triggered line); give it positions "
                                 "or normalise its distance first")
            if not np.all(np.isfinite(x)):
                raise ValueError(f"Cube.from_lines: {name} has non-finite positions x_m")
            if b.n_traces > 1 and not (np.all(np.diff(x) > 0) or np.all(np.diff(x) < 0)):
                raise ValueError(f"Cube.from_lines: {name} has positions that do not run one way "
                                 "(repeated or reversing x_m); run normalize_distance first")
            positions.append(x)
        data_lines = [b.data for b in lines]
        if reverse_every_other:
            for i in range(1, len(lines), 2):
                x = positions[i]
                # Recorded the other way: trace 0 is at the far end of the line.
                positions[i] = (x[0] + x[-1]) - x[::-1]
                data_lines[i] = data_lines[i][:, ::-1]
        for i, x in enumerate(positions):
            if x.size > 1 and x[-1] < x[0]:
                positions[i], data_lines[i] = x[::-1], data_lines[i][:, ::-1]
        spacings = [float(np.median(np.diff(x))) for x in positions if x.size > 1]
        common = float(first.dx_m)
        if dx_m is not None:
            dx = _finite_positive("Cube.from_lines", "dx_m", dx_m)
        elif common > 0 and all(math.isclose(float(b.dx_m), common, rel_tol=1e-9) for b in lines) \
                and all(abs(s - common) <= 1e-6 * common for s in spacings):
            dx = common  # the lines' own nominal spacing, exactly
        elif spacings:
            dx = float(np.median(spacings))
        elif first.dx_m > 0:
            dx = float(first.dx_m)
        else:
            raise ValueError("Cube.from_lines: single-trace lines need dx_m")
        x0 = min(float(x[0]) for x in positions)
        x1 = max(float(x[-1]) for x in positions)
        n = int(math.floor((x1 - x0) / dx + 1e-6)) + 1
        if n > 50_000_000 // max(1, first.n_samples * len(lines)) + 1 and n > 1_000_000:
            raise ValueError(f"Cube.from_lines: the grid would have {n} traces per line "
                             f"(x {x0:g}..{x1:g} m at dx {dx:g} m); check the positions and dx_m")
        grid = x0 + dx * np.arange(n, dtype=np.float64)
        vol = _volume(first.n_samples, len(lines), n)
        for i, (x, d) in enumerate(zip(positions, data_lines)):
            if x.size == n and np.allclose(x, grid, rtol=0, atol=1e-6 * dx):
                vol[:, i, :] = d  # already on the grid: copied, not resampled
            else:
                vol[:, i, :] = _interpolate_traces(d, x, grid)
        h = first.header
        return cls(vol, dt_ns=first.dt_ns, dx_m=dx, dy_m=dy, t0_ns=float(h["t0_ns"]), x0_m=x0,
                   y0_m=float(first_line_y_m), antenna_height_m=float(h.get("antenna_height_m") or 0.0),
                   antenna_separation_m=float(h.get("antenna_separation_m") or 0.0),
                   centre_frequency_mhz=float(h.get("centre_frequency_mhz") or 0.0), sources=names)

    @classmethod
    def from_files(cls, paths: Iterable[Any], line_spacing_m: float, first_line_y_m: float = 0.0,
                   reverse_every_other: bool = False, *, pipeline: Any = None, channel: int = 0,
                   dx_m: float | None = None, **read_options: Any) -> "Cube":
        """Read each file (one line each, in survey order) with :func:`gprkit.read`, optionally
        run a :class:`gprkit.Pipeline` (or anything :func:`gprkit.dask.process_files` takes)
        on it, and assemble the lines with :meth:`from_lines`. A missing or unreadable file is
        an error naming the file."""
        from .dask import _as_runner
        from .io import read

        paths = [Path(p) for p in paths]
        if not paths:
            raise ValueError("Cube.from_files: no paths")
        run = _as_runner(pipeline)
        lines = []
        for p in paths:
            if not p.is_file():
                raise FileNotFoundError(f"Cube.from_files: line file '{p}' does not exist "
                                        "(a missing line in the survey)")
            try:
                b = read(p, channel, **read_options)
            except Exception as e:  # name the file: a survey has hundreds
                raise type(e)(f"Cube.from_files: '{p}': {e}") from e
            lines.append(run(b) if run is not None else b)
        return cls.from_lines(lines, line_spacing_m, first_line_y_m, reverse_every_other, dx_m=dx_m,
                              sources=[str(p) for p in paths])

    # --- slices ------------------------------------------------------------------------------
    def _envelope(self) -> np.ndarray:
        from .filters import envelope

        flat = self.data.transpose(0, 2, 1).reshape(self.n_samples, -1, order="F")
        env = envelope(Bscan(flat, header={"dt_ns": self.dt_ns, "t0_ns": self.t0_ns})).data
        return env.reshape(self.n_samples, self.n_traces, self.n_lines, order="F").transpose(0, 2, 1)

    def time_slice(self, t_ns: float, window_ns: float | None = None) -> np.ndarray:
        """Envelope energy at two-way time ``t_ns`` (from time-zero), shape (n_lines,
        n_traces): the squared envelope interpolated linearly at t_ns, or with ``window_ns``
        its mean over the samples within t_ns +- window_ns / 2 (at least the nearest one)."""
        t = float(t_ns)
        t_axis = self.time_ns()
        if not (math.isfinite(t) and t_axis[0] <= t <= t_axis[-1]):
            raise ValueError(f"time_slice: t_ns = {t_ns!r}; expected a time within the cube's "
                             f"{t_axis[0]:g}..{t_axis[-1]:g} ns")
        env2 = np.square(self._envelope(), dtype=np.float64)
        if window_ns is None:
            u = (t - self.t0_ns) / self.dt_ns
            i = min(int(math.floor(u)), self.n_samples - 2) if self.n_samples > 1 else 0
            f = u - i if self.n_samples > 1 else 0.0
            out = env2[i] * (1 - f) + (env2[i + 1] * f if self.n_samples > 1 else 0.0)
        else:
            w = float(window_ns)
            if not (math.isfinite(w) and w >= 0):
                raise ValueError(f"time_slice: window_ns = {window_ns!r}; expected a finite value >= 0")
            sel = np.abs(t_axis - t) <= w / 2 + 1e-9 * self.dt_ns
            if not sel.any():
                sel[int(np.argmin(np.abs(t_axis - t)))] = True
            out = env2[sel].mean(axis=0)
        return np.asarray(out, dtype=np.float64)

    def depth_time_ns(self, depth_m: float, velocity_m_per_ns: float) -> float:
        """Two-way time of a reflector ``depth_m`` below the ground at the soil velocity
        (vertical rays; the air gap of an air-launched antenna added at the speed of light)."""
        v = _finite_positive("depth_slice", "velocity_m_per_ns", velocity_m_per_ns)
        d = float(depth_m)
        if not (math.isfinite(d) and d >= 0):
            raise ValueError(f"depth_slice: depth_m = {depth_m!r}; expected a finite value >= 0")
        return 2.0 * max(self.antenna_height_m, 0.0) / _C_M_PER_NS + 2.0 * d / v

    def depth_slice(self, depth_m: float, velocity_m_per_ns: float, window_m: float | None = None) -> np.ndarray:
        """Envelope energy at ``depth_m`` below the ground (m) for a soil velocity (m/ns):
        :meth:`time_slice` at :meth:`depth_time_ns`, ``window_m`` converted to a two-way
        time window. Shape (n_lines, n_traces)."""
        t = self.depth_time_ns(depth_m, velocity_m_per_ns)
        w = None if window_m is None else 2.0 * float(window_m) / float(velocity_m_per_ns)
        return self.time_slice(t, w)

    def plot_slice(self, t_ns: float | None = None, *, depth_m: float | None = None,
                   velocity_m_per_ns: float | None = None, window_ns: float | None = None,
                   window_m: float | None = None, ax: Any = None, path: Any = None,
                   title: str | None = None, cmap: str = "inferno", truth: Sequence[Any] | None = None,
                   percentile: float = 99.9) -> Any:
        """Draw a time slice (``t_ns``) or a depth slice (``depth_m`` with
        ``velocity_m_per_ns``) as a map: x along the lines, y across, equal scales, colour =
        envelope energy (linear from 0, clipped at the ``percentile``-th percentile: 100 shows
        the strongest object unsaturated, lower values bring weak ones out). ``truth``: (x_m, y_m)
        pairs marked with white circles. Writes a PNG when ``path`` is given (atomically).
        Returns the matplotlib Axes."""
        from .plot import _new_figure, _save_figure

        if (t_ns is None) == (depth_m is None):
            raise ValueError("plot_slice: give either t_ns or depth_m (with velocity_m_per_ns)")
        if depth_m is not None:
            if velocity_m_per_ns is None:
                raise ValueError("plot_slice: depth_m needs velocity_m_per_ns")
            img = self.depth_slice(depth_m, velocity_m_per_ns, window_m)
            label = f"depth {depth_m:g} m at {velocity_m_per_ns:g} m/ns"
        else:
            img = self.time_slice(t_ns, window_ns)  # type: ignore[arg-type]
            label = f"t = {t_ns:g} ns"
        fig = None
        if ax is None:
            extent_x = float(self.x_m[-1] - self.x_m[0]) + self.dx_m
            extent_y = float(self.y_m[-1] - self.y_m[0]) + self.dy_m
            w = 7.0
            h = min(8.0, max(2.5, w * extent_y / max(extent_x, 1e-9) + 1.2))
            fig = _new_figure((w, h))
            ax = fig.add_subplot(1, 1, 1)
        hi = float(np.percentile(img, float(percentile))) if img.size else 1.0
        extent = (self.x_m[0] - self.dx_m / 2, self.x_m[-1] + self.dx_m / 2,
                  self.y_m[0] - self.dy_m / 2, self.y_m[-1] + self.dy_m / 2)
        im = ax.imshow(img, origin="lower", extent=extent, aspect="equal", cmap=cmap, vmin=0.0,
                       vmax=hi if hi > 0 else None, interpolation="nearest")
        if truth:
            xs = [float(t[0]) for t in truth]
            ys = [float(t[1]) for t in truth]
            ax.scatter(xs, ys, s=80, facecolors="none", edgecolors="white", linewidths=1.2)
        ax.set_xlabel("x along the lines (m)")
        ax.set_ylabel("y across the lines (m)")
        ax.set_title(title if title is not None else f"C-scan: {label}")
        ax.figure.colorbar(im, ax=ax, label="envelope energy", shrink=0.85)
        if path is not None:
            _save_figure(ax.figure, path)
        if fig is not None and path is not None:
            import matplotlib.pyplot as plt
            plt.close(fig)
        return ax

    # --- interchange -------------------------------------------------------------------------
    def to_xarray(self) -> Any:
        """The cube as an ``xarray.DataArray`` with dims ("time_ns", "y_m", "x_m") (shared
        samples) and the grid in attrs."""
        import xarray as xr

        attrs = {"dt_ns": self.dt_ns, "t0_ns": self.t0_ns, "dx_m": self.dx_m, "dy_m": self.dy_m,
                 "antenna_height_m": self.antenna_height_m,
                 "antenna_separation_m": self.antenna_separation_m,
                 "centre_frequency_mhz": self.centre_frequency_mhz}
        return xr.DataArray(self.data, dims=("time_ns", "y_m", "x_m"),
                            coords={"time_ns": self.time_ns(), "y_m": self.y_m, "x_m": self.x_m},
                            attrs=attrs, name="amplitude")

    def with_data(self, data: Any) -> "Cube":
        """A Cube on the same grid with other samples of the same shape."""
        arr = np.asarray(data)
        if arr.shape != self.shape:
            raise ValueError(f"Cube.with_data: shape {arr.shape}; expected {self.shape}")
        return Cube(arr, dt_ns=self.dt_ns, dx_m=self.dx_m, dy_m=self.dy_m, t0_ns=self.t0_ns,
                    x0_m=float(self.x_m[0]), y0_m=float(self.y_m[0]),
                    antenna_height_m=self.antenna_height_m,
                    antenna_separation_m=self.antenna_separation_m,
                    centre_frequency_mhz=self.centre_frequency_mhz, sources=self.sources)


def _interpolate_traces(d: np.ndarray, x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Traces of d (n_samples, n) at increasing positions x, interpolated linearly at grid;
    0 outside [x[0], x[-1]]."""
    out = np.zeros((d.shape[0], grid.size), dtype=np.float32, order="F")
    if x.size == 1:
        k = np.isclose(grid, x[0])
        out[:, k] = d[:, :1]
        return out
    inside = (grid >= x[0] - 1e-9) & (grid <= x[-1] + 1e-9)
    g = np.clip(grid[inside], x[0], x[-1])
    j = np.clip(np.searchsorted(x, g, side="right") - 1, 0, x.size - 2)
    f = ((g - x[j]) / (x[j + 1] - x[j])).astype(np.float32)
    out[:, inside] = d[:, j] * (1 - f) + d[:, j + 1] * f
    return out


def migrate_cube(cube: Cube, method: str = "stolt", velocity_m_per_ns: float = 0.1, **options: Any) -> Cube:
    """Migrate a Cube in 3-D (:func:`gprkit.migrate_3d`: stolt, phase_shift, kirchhoff or
    backprojection) with the cube's grid and antenna geometry; ``options`` are migrate_3d's
    keywords (aperture_m, aperture_deg, max_dip_deg, antialias, pad_time_factor, pad_traces).
    Warns when the trace or line spacing exceeds half a wavelength in the ground at the
    centre frequency (aliased migration). Returns a Cube on the same grid whose time axis is measured from the ground surface (as
    migrate_3d gives: antenna height and offset 0), so that depth_slice reads v t / 2."""
    from .migrate import migrate_3d

    if not isinstance(cube, Cube):
        raise TypeError(f"migrate_cube: cube is {type(cube).__name__}; expected a gprkit.Cube")
    for k in ("dt_ns", "dx_m", "dy_m", "t0_ns", "antenna_offset_m", "antenna_height_m"):
        if k in options:
            raise TypeError(f"migrate_cube: {k} comes from the cube; do not pass it")
    f = cube.centre_frequency_mhz
    if f > 0:
        half_wavelength_m = float(velocity_m_per_ns) / (2.0 * f * 1e-3)
        coarse = [f"{n} = {s:g} m" for n, s in (("dx_m", cube.dx_m), ("dy_m", cube.dy_m))
                  if s > half_wavelength_m * (1 + 1e-9)]
        if coarse:
            warnings.warn(f"migrate_cube: {', '.join(coarse)} exceeds half a wavelength in the "
                          f"ground ({half_wavelength_m:g} m at {f:g} MHz, {velocity_m_per_ns:g} m/ns): "
                          "the survey is spatially aliased and the migrated cube will carry "
                          "aliased copies of strong objects", stacklevel=2)
    vol = cube.data.transpose(0, 2, 1)  # (n_samples, n_traces, n_lines), Fortran order
    out = migrate_3d(vol, cube.dt_ns, cube.dx_m, cube.dy_m, method=method,
                     velocity_m_per_ns=velocity_m_per_ns, t0_ns=cube.t0_ns,
                     antenna_offset_m=cube.antenna_separation_m,
                     antenna_height_m=cube.antenna_height_m, **options)
    m = cube.with_data(np.asarray(out).transpose(0, 2, 1))
    m.antenna_height_m = 0.0  # the migration took the air gap and the offset out
    m.antenna_separation_m = 0.0
    return m
