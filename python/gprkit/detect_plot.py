"""Plot helper for detections: the score along the line with the truth marked, and the ROC.

matplotlib is imported lazily (Agg backend), so ``import gprkit`` never needs it.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

__all__ = ["plot_detections"]


def plot_detections(score: Any, truth: Sequence[Any] = (), detections: Sequence[Any] = (),
                    evaluation: Any = None, path: Optional[str] = None, halo_m: float = 0.1,
                    target_kinds: Sequence[Any] = ("mine", 0), title: str = ""):
    """Two panels: (top) the per-trace score (maximum over time) along the line, with targets
    (green bands of +-halo_m), other truth objects (grey) and alarms (red crosses) marked;
    (bottom) the ROC curve (Pd against false alarms per unit) of ``evaluation``, with its
    areas. ``score`` is a score Bscan (from :func:`gprkit.score` or ``detect(...,
    return_score=True)``) or a per-trace score array plus positions are then trace indices.
    Saves to ``path`` when given. Returns the matplotlib Figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .bscan import Bscan
    from .detect import _field, trace_score

    if isinstance(score, Bscan):
        per = trace_score(score)
        x = score.x_m()
    else:
        per = np.asarray(score, dtype=np.float64).ravel()
        x = np.arange(per.size, dtype=np.float64)
    n_rows = 2 if evaluation is not None else 1
    fig, axes = plt.subplots(n_rows, 1, figsize=(9, 3.2 * n_rows), squeeze=False)
    ax = axes[0][0]
    ax.plot(x, per, lw=0.8, color="k", label="score (max over time)")
    for t in truth:
        tx = float(_field(t, "x_m", "x_center_m"))
        kind = _field(t, "kind")
        is_target = kind is None or any(kind == q and type(kind) is type(q) for q in target_kinds)
        ax.axvspan(tx - halo_m, tx + halo_m, color="tab:green" if is_target else "0.7", alpha=0.3, lw=0)
    if len(detections):
        dx = [float(_field(d, "x_m")) for d in detections]
        ds = [float(_field(d, "score")) for d in detections]
        ax.plot(dx, ds, "x", color="tab:red", label="alarms")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("score")
    ax.set_title(title or "score along the line (green: targets +- halo, grey: clutter)")
    ax.legend(loc="upper right", fontsize=8)
    if evaluation is not None:
        ax2 = axes[1][0]
        ax2.step(evaluation["curve_false_alarm_rate"], evaluation["curve_pd"], where="post", color="tab:blue")
        ax2.set_xlabel("false alarms per unit (m or m^2)")
        ax2.set_ylabel("Pd")
        ax2.set_ylim(-0.02, 1.02)
        ax2.set_title(f"ROC: Pd {evaluation['pd']:.2f}, {evaluation['false_alarms']} false alarms, "
                      f"AUC {evaluation['auc']:.3f}, FROC area {evaluation['froc_auc']:.3f}")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=90)
    return fig
