"""Steps and pipelines: every processing step described once (in C++), chains as data.

``gprkit.steps()`` lists the registry: each step's options with type, unit, default, range and
a one-line doc. A :class:`Pipeline` is an ordered list of steps with options, read from and
written to JSON (``{"gprkit_pipeline": 1, "steps": [{"step": "dewow", "options": {...}}]}``),
validated when it is built, and run on a :class:`~gprkit.Bscan`. Every result carries the
steps it went through in ``Bscan.history``; ``Pipeline.from_history(b.history)`` re-runs them.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Iterable, Mapping, NamedTuple, Optional, Union

import numpy as np

from . import _core
from .bscan import Bscan, as_bscan

__all__ = ["Pipeline", "PipelineStep", "steps", "run_step"]

_REGISTRY: Optional[dict] = None


def steps() -> dict[str, dict]:
    """The step registry: ``{name: {"doc", "kind", "reach", "options": {option: {"type",
    "unit", "default", "doc", "auto", "min", "max", "range", "choices"?}}}}``, read from the
    C++ field tables. ``default`` None means the value is resolved from the data as ``auto``
    says. A copy: changing it changes nothing."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = json.loads(_core.registry_json())
    return json.loads(json.dumps(_REGISTRY))


def _options_of(step: str) -> dict:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = json.loads(_core.registry_json())
    if step not in _REGISTRY:
        raise _core.InvalidArgument(f"pipeline: unknown step {step!r}; expected one of {sorted(_REGISTRY)}")
    return _REGISTRY[step]["options"]


def _plain(value: Any) -> Any:
    """JSON-ready copy of an option value: numpy scalars and arrays become Python numbers and
    lists; NaN and infinities become their names (so the registry can name the bad option)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else repr(value)
    return value


def _dumps(obj: Any) -> str:
    return json.dumps(_plain(obj))


class PipelineStep(NamedTuple):
    """One step of a pipeline: ``(step, options)``; also readable as ``s["step"]`` and
    ``s["options"]``."""
    step: str
    options: dict

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            if key == "step":
                return self.step
            if key == "options":
                return self.options
            raise KeyError(key)
        return tuple.__getitem__(self, key)


def _step_entry(s: Any) -> dict:
    if isinstance(s, str):
        return {"step": s, "options": {}}
    if isinstance(s, Mapping):
        if "step" not in s:
            raise _core.InvalidArgument(f"pipeline: step {s!r}; expected {{'step': name, 'options': {{...}}}}")
        return {"step": s["step"], "options": dict(s.get("options") or {})}
    if isinstance(s, (tuple, list)) and len(s) in (1, 2):
        return {"step": s[0], "options": dict(s[1]) if len(s) == 2 and s[1] is not None else {}}
    raise _core.InvalidArgument(f"pipeline: step {s!r}; expected a name, (name, options) or "
                                "{'step': name, 'options': {...}}")


class Pipeline:
    """An ordered list of registry steps with options (validated when built).

    Build with :meth:`from_steps`, :meth:`from_json`, :meth:`from_file`, :meth:`from_history`
    or :meth:`landmine`; run with :meth:`run`; write with :meth:`to_json`.
    """

    __slots__ = ("_text",)

    def __init__(self, steps: Iterable[Any] = ()):
        doc = {"gprkit_pipeline": 1, "steps": [_step_entry(s) for s in steps]}
        self._text = _core.normalize_pipeline(_dumps(doc))

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def _from_text(cls, text: str) -> "Pipeline":
        p = cls.__new__(cls)
        p._text = _core.normalize_pipeline(text)
        return p

    @classmethod
    def from_steps(cls, steps: Iterable[Any]) -> "Pipeline":
        """From ``[("dewow", {"window_ns": 3}), ("bandpass", {}), ...]`` (names alone and
        ``{"step": ..., "options": ...}`` dicts are accepted too)."""
        return cls(steps)

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "Pipeline":
        """From the JSON pipeline format."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return cls._from_text(str(text))

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> "Pipeline":
        """From the pipeline format already parsed (``{"gprkit_pipeline": 1, "steps": [...]}``)."""
        return cls._from_text(_dumps(doc))

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> "Pipeline":
        """From a ``.json`` file, or ``.yaml`` / ``.yml`` where PyYAML is installed."""
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise _core.IoError(f"pipeline: '{path}' is not a regular file")
        if os.path.getsize(path) > (16 << 20):
            raise _core.InvalidArgument(f"pipeline: '{path}' is larger than 16 MiB")
        with open(path, "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _core.InvalidArgument(f"pipeline: '{path}' is not UTF-8 text") from None
        if path.lower().endswith((".yaml", ".yml")):
            try:
                import yaml  # type: ignore[import-untyped]
            except ImportError:
                raise _core.InvalidArgument(f"pipeline: '{path}' is YAML; install PyYAML to read it") from None
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError as e:
                raise _core.InvalidArgument(f"pipeline: '{path}' is not valid YAML ({e})") from None
            try:
                return cls.from_dict(doc) if isinstance(doc, Mapping) else cls._from_text(_dumps(doc))
            except _core.InvalidArgument as e:
                raise _core.InvalidArgument(f"{path}: {e}") from None
        try:
            return cls._from_text(text)
        except _core.InvalidArgument as e:
            raise _core.InvalidArgument(f"{path}: {e}") from None

    @classmethod
    def from_history(cls, history: Iterable[Mapping[str, Any]]) -> "Pipeline":
        """The processing steps of a result's history (``Bscan.history``), in order; entries
        that are not steps (such as the file read) are skipped."""
        known = steps()
        chain = []
        for e in history:
            name = e.get("step")
            if name in known and known[name]["kind"] == "process":
                chain.append((name, e.get("options") or {}))
        return cls(chain)

    @classmethod
    def landmine(cls) -> "Pipeline":
        """The default preprocessing of :func:`gprkit.detect` (samples/pipelines/landmine.json)."""
        return cls._from_text(_core.landmine_pipeline_json())

    # -- contents --------------------------------------------------------------------------
    @classmethod
    def landmine_stream(cls) -> "Pipeline":
        """The default chain of :class:`gprkit.StreamProcessor` (samples/pipelines/
        landmine_stream.json): dewow, band-pass, moving-mean background over 1 m, hyperbola
        score and local non-maximum suppression; every step bounded along the line."""
        return cls._from_text(_core.landmine_stream_pipeline_json())

    def to_dict(self) -> dict:
        return json.loads(self._text)

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The pipeline format with every default filled in."""
        return json.dumps(self.to_dict(), indent=indent)

    @property
    def steps(self) -> list[PipelineStep]:
        return [PipelineStep(s["step"], s["options"]) for s in self.to_dict()["steps"]]

    def __len__(self) -> int:
        return len(self.to_dict()["steps"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pipeline) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return "Pipeline([" + ", ".join(s.step for s in self.steps) + "])"

    def reach_traces(self, b: Any = None) -> Optional[int]:
        """Traces each output trace needs on either side (the sum of the steps' reaches), or
        None when a step needs the whole line. Used for Dask overlaps."""
        header = b.header if isinstance(b, Bscan) else dict(b or {})
        whole, traces, _ = _core.pipeline_reach(self._text, header)
        return None if whole else int(traces)

    # -- running ---------------------------------------------------------------------------
    def run(self, b: Any, dt_ns: Optional[float] = None) -> Bscan:
        """Runs every step on ``b`` (a Bscan, or an array plus ``dt_ns``); the result's
        history gains one entry per step with its resolved options."""
        b = as_bscan(b, dt_ns)
        data, header = _core.pipeline_run(self._text, b.data, b.header)
        return _result(b, data, header)


def run_step(step: str, b: Any, dt_ns: Optional[float] = None, out: Any = None,
             **options: Any) -> tuple[Bscan, dict]:
    """Runs one registry step on ``b`` with ``options`` (None values take the step's defaults);
    returns the result and the step's extra outputs (e.g. time-zero picks) by name.

    ``out``: a Bscan or a float32 array of the output's shape to write the result into instead
    of a new section (``b`` itself, or ``b.data``, for in place); a Bscan given gets the new
    header and is the result, an array is wrapped in a new Bscan that shares it."""
    b = as_bscan(b, dt_ns)
    known = _options_of(step)
    unknown = sorted(set(options) - set(known))
    if unknown:  # a misspelt keyword is a TypeError in Python, as for any function
        raise TypeError(f"{step}: unknown option {unknown[0]!r}; expected one of {sorted(known)}")
    opts = {k: v for k, v in options.items() if v is not None}
    target = out.data if isinstance(out, Bscan) else out
    data, header, outputs = _core.run_step(step, b.data, b.header, _dumps(opts), target)
    result = _result(b, data, header)
    if isinstance(out, Bscan):
        out.header = result.header
        return out, outputs
    return result, outputs


def _result(b: Bscan, data: np.ndarray, header: dict) -> Bscan:
    # Keys the C++ Header does not know (picks, notes) stay as they were.
    h = dict(b.header)
    h.update(header)
    out = Bscan.__new__(Bscan)
    out.data = data
    out.header = h
    return out
