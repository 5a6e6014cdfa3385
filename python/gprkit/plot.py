"""Pictures a person looks at: B-scans before and after processing (matplotlib, Agg)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .bscan import Bscan

__all__ = ["plot_bscan", "plot_panels"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _clip(data: np.ndarray, percentile: float) -> float:
    v = float(np.percentile(np.abs(data), percentile))
    return v if v > 0 else float(np.max(np.abs(data)) or 1.0)


def plot_bscan(ax: Any, b: Bscan, title: str = "", percentile: float = 99.0, cmap: str = "gray",
               truth: Sequence[dict] | None = None, velocity_m_per_ns: float | None = None) -> Any:
    """Draw a B-scan on `ax`: position (m) across, two-way time (ns) down; amplitudes clipped at
    the given percentile of |data| so weak events stay visible. Truth targets are circled at
    their apex time (``apex_time_ns``, else 2 depth / velocity)."""
    x = b.x_m()
    t = b.time_ns()
    v = _clip(b.data, percentile)
    im = ax.imshow(b.data, aspect="auto", cmap=cmap, vmin=-v if b.data.min() < 0 else 0, vmax=v,
                   extent=[x[0], x[-1] if len(x) > 1 else x[0] + 1e-3, t[-1], t[0]], interpolation="nearest")
    ax.set_xlabel("position (m)")
    ax.set_ylabel("two-way time (ns)")
    ax.set_title(title)
    if truth:
        for tr in truth:
            t_apex = tr.get("apex_time_ns")
            if t_apex is None and velocity_m_per_ns:
                t_apex = 2 * tr["depth_m"] / velocity_m_per_ns
            if t_apex is not None:
                ax.plot(tr["x_m"], t_apex, "o", mfc="none", mec="tab:red", ms=10)
    return im


def plot_panels(path: str | Path, panels: Sequence[tuple[str, Bscan]], suptitle: str = "",
                truth: Sequence[dict] | None = None, velocity_m_per_ns: float | None = None) -> Path:
    """Save side-by-side B-scan panels (e.g. raw, filtered, clutter removed, migrated) as a PNG."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.6), squeeze=False)
    for ax, (title, b) in zip(axes[0], panels):
        plot_bscan(ax, b, title, truth=truth, velocity_m_per_ns=velocity_m_per_ns)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
