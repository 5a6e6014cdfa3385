"""Real-time processing, trace by trace: :class:`StreamProcessor`.

The detection chain runs in its causal or bounded-look-ahead form on the same step plans as
the offline chain: push one trace (or a block) as it arrives and get back the processed traces
that became ready, a score per trace and the alarms raised. Output trace j comes out when
trace j + ``delay_traces`` has been pushed (the sum of the steps' reaches; see
docs/stream.md). The GIL is released while traces are processed.
"""
from __future__ import annotations

import json
import os
from typing import Any, Mapping, Optional, Union

import numpy as np

from . import _core
from .bscan import Bscan
from .detect import Detection, _to_detections
from .pipeline import Pipeline

__all__ = ["StreamProcessor"]


def _pipeline_text(pipeline: Any) -> str:
    """JSON text of a pipeline given as None, a Pipeline, JSON text, a path or a dict."""
    if pipeline is None:
        return ""
    if isinstance(pipeline, Pipeline):
        return pipeline.to_json(None)
    if isinstance(pipeline, Mapping):
        return Pipeline.from_dict(pipeline).to_json(None)
    if isinstance(pipeline, (str, bytes)) and str(pipeline if isinstance(pipeline, str) else
                                                  pipeline.decode("utf-8", "replace")).lstrip().startswith("{"):
        return pipeline if isinstance(pipeline, str) else pipeline.decode("utf-8")
    if isinstance(pipeline, (str, os.PathLike)):
        return Pipeline.from_file(pipeline).to_json(None)
    raise TypeError(f"StreamProcessor: pipeline = {pipeline!r}; expected None, a gprkit.Pipeline, "
                    "JSON text, a path or a dict")


class StreamProcessor:
    """One channel's real-time processor.

    Parameters
    ----------
    n_samples : samples per trace.
    dt_ns : sample interval (ns).
    dx_m : trace spacing (m).
    pipeline : None (the streaming landmine chain, :meth:`gprkit.Pipeline.landmine_stream`),
        a :class:`gprkit.Pipeline`, JSON text, a path or a dict. Process steps first, then
        optionally ``score`` (hyperbola) and ``find_detections`` (its ``threshold`` is the
        alarm level); stages it does not name keep the streaming chain's. Every step must have
        a causal or bounded form (per-trace filters, ``time_zero`` with a fixed
        ``target_sample``, ``remove_background`` moving_mean / moving_median / exponential).
    antenna_height_m : antenna height above the ground (m), for depths; None = 0.
    centre_frequency_mhz : antenna centre frequency; None = unknown (then 1 / (10 dt_ns) is
        assumed: a stream cannot measure it before the first trace).
    t0_ns : time of sample 0 relative to time-zero (ns).
    antenna_separation_m : transmitter-receiver offset (m).
    alarm_capacity : alarms kept until :meth:`alarms` drains them (the oldest are dropped).
    x0_m : position of trace 0 (m): alarms are at x0_m + trace * dx_m.

    Everything is prepared here (plans, FFT plans, buffers); :meth:`push` then neither
    allocates in C++ nor takes a lock. Not thread-safe: one processor per channel.
    Raises ``gprkit.InvalidArgument`` for a step without a streaming form, naming it.

    Example
    -------
    >>> sp = gprkit.StreamProcessor(512, 0.025, dx_m=0.01)
    >>> out, scores = sp.push(trace)        # (512, m), (m,) with m in {0, 1}
    >>> for a in sp.alarms(): print(a.x_m, a.depth_m, a.score)
    """

    def __init__(self, n_samples: int, dt_ns: float, dx_m: float = 0.01, pipeline: Any = None,
                 antenna_height_m: Optional[float] = None, centre_frequency_mhz: Optional[float] = None,
                 t0_ns: float = 0.0, antenna_separation_m: float = 0.0, alarm_capacity: int = 4096,
                 x0_m: float = 0.0):
        header = {"dt_ns": float(dt_ns), "dx_m": float(dx_m), "t0_ns": float(t0_ns),
                  "antenna_height_m": float(antenna_height_m or 0.0),
                  "antenna_separation_m": float(antenna_separation_m),
                  "centre_frequency_mhz": float(centre_frequency_mhz or 0.0)}
        self._sp = _core.StreamProcessor(int(n_samples), header, _pipeline_text(pipeline),
                                         int(alarm_capacity), float(x0_m))

    @classmethod
    def for_bscan(cls, b: Bscan, pipeline: Any = None, **kwargs: Any) -> "StreamProcessor":
        """A processor with the sample count and geometry of ``b``'s header (dt_ns, dx_m,
        t0_ns, antenna height and separation, centre frequency, x of the first trace)."""
        h = b.header
        x = h.get("x_m")
        args = dict(dx_m=h.get("dx_m") or 0.01, t0_ns=h.get("t0_ns", 0.0),
                    antenna_height_m=h.get("antenna_height_m"),
                    centre_frequency_mhz=h.get("centre_frequency_mhz") or None,
                    antenna_separation_m=h.get("antenna_separation_m", 0.0),
                    x0_m=float(x[0]) if x is not None and len(x) else 0.0)
        args.update(kwargs)
        return cls(b.n_samples, h["dt_ns"], pipeline=pipeline, **args)

    def push(self, traces: Any) -> tuple[np.ndarray, np.ndarray]:
        """Pushes one trace ``(n_samples,)`` or a block ``(n_samples, k)`` (float32; other
        dtypes are converted). Returns ``(out, scores)`` for the m traces that became ready:
        ``out`` (out_samples, m) Fortran-ordered, ``scores`` (m,) the maximum of each output
        trace's score column; m may be 0. A block with a wrong trace length or a non-finite
        sample raises ``gprkit.InvalidArgument`` and pushes nothing."""
        a = np.asarray(traces.data if isinstance(traces, Bscan) else traces)
        if a.dtype != np.float32:
            a = a.astype(np.float32)
        if a.ndim not in (1, 2):
            raise _core.InvalidArgument(f"StreamProcessor.push: traces with shape {a.shape}; "
                                        "expected (n_samples,) or (n_samples, k)")
        if not a.dtype.isnative:
            a = a.astype(a.dtype.newbyteorder("="))
        out, scores, m = self._sp.push(a)
        return out[:, :m], scores[:m]

    def alarms(self) -> list[Detection]:
        """The alarms raised since the last call (oldest first), as :class:`gprkit.Detection`
        (x_m = x0_m + trace * dx_m, depth_m, t_ns, trace, sample, score)."""
        return _to_detections(self._sp.alarms())

    def reset(self, pipeline: Any = None) -> None:
        """Starts a new line (trace numbers from 0, windows and alarms emptied). With a
        pipeline, the options change for the new line (same sample count and geometry)."""
        if pipeline is None:
            self._sp.reset()
        else:
            self._sp.reset_with(_pipeline_text(pipeline) or _core.landmine_stream_pipeline_json())

    @property
    def delay_traces(self) -> int:
        """Traces between a trace going in and coming out (the sum of the stages' reaches)."""
        return int(self._sp.delay_traces)

    @property
    def stage_delays(self) -> list[tuple[str, int]]:
        """The delay of each stage, in order: the pipeline's steps, score, find_detections."""
        return [(str(n), int(d)) for n, d in self._sp.stage_delays]

    @property
    def n_samples(self) -> int:
        return int(self._sp.n_samples)

    @property
    def out_samples(self) -> int:
        return int(self._sp.out_samples)

    @property
    def traces_in(self) -> int:
        return int(self._sp.traces_in)

    @property
    def traces_out(self) -> int:
        return int(self._sp.traces_out)

    @property
    def dropped_alarms(self) -> int:
        """Alarms lost to a full queue since the last reset."""
        return int(self._sp.dropped_alarms)

    @property
    def pipeline(self) -> Pipeline:
        """The chain this processor runs, as one pipeline."""
        return Pipeline.from_json(self._sp.pipeline_json)

    @property
    def offline_pipeline(self) -> Pipeline:
        """The offline chain with the same output: ``gprkit.detect(b, pipeline=sp.offline_pipeline)``
        on a line whose header is :attr:`offline_header` gives the same traces, scores and
        alarms for every trace that has come out (local suppression, no migration)."""
        return Pipeline.from_json(self._sp.offline_pipeline_json)

    @property
    def offline_header(self) -> dict:
        """The header for that offline run (the spacing and centre frequency this stream
        assumed)."""
        return dict(self._sp.offline_header)

    def __repr__(self) -> str:
        return (f"StreamProcessor(n_samples={self.n_samples}, delay_traces={self.delay_traces}, "
                f"traces_in={self.traces_in}, traces_out={self.traces_out})")
