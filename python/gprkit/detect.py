"""Anomaly scores, CFAR thresholds, detections and their evaluation.

The chain ``detect`` runs per-trace filters (dewow, band-pass), clutter removal (ground-bounce
flattening), migration, scoring (``score``), thresholding (fixed or ``cfar``) and non-maximum
suppression, and returns :class:`Detection` objects. ``evaluate`` matches alarms to ground
truth within a halo and returns Pd, false alarms and the ROC / FROC curves.
The GIL is released while the kernels run.
"""
from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _args, _core
from ._errors import InvalidArgument
from .bscan import Bscan, as_bscan
from .pipeline import Pipeline, _dumps, _options_of, run_step

__all__ = ["Detection", "Evaluation", "score", "trace_score", "cfar", "detect", "evaluate",
           "find_detections", "preprocess_for_detection"]

# Option names come from the registry's tables (gprkit.steps()).
_SCORE_KEYS = tuple(k for k in _options_of("score") if k != "method")
_CFAR_KEYS = tuple(_options_of("cfar"))


class _ItemAccess:
    """Dict-style read access to dataclass fields: ``obj["x_m"]``, ``"x_m" in obj``, ``keys()``."""

    def __getitem__(self, key: str) -> Any:
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]  # type: ignore[arg-type]

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.keys() else default

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass
class Detection(_ItemAccess):
    """One alarm. Positions in m (``x_m`` along the line, ``depth_m`` below the ground),
    ``t_ns`` two-way time from time-zero, ``trace``/``sample`` indices into the section,
    ``score`` the score at that cell (higher = more target-like).

    Discrimination features (filled by :func:`detect`; see docs/detect.md): ``polarity`` the
    sign of the object's reflection relative to the air-ground reflection (-1 opposite: a
    permittivity below the soil's, e.g. a plastic mine; +1 the same: stone, metal; 0 unknown),
    ``material`` ("low_permittivity", "high_permittivity", "metal", "unknown"), ``coherence``
    (0..1, shape match to the ground's wavelet), ``reflection_strength`` (relative to the first
    arrival), ``ringing``, ``width_m`` (along-line extent), ``double_reflection`` and its
    ``double_reflection_delay_ns`` (a top-and-bottom pair), ``snr`` (the reflection's peak over
    the section's robust noise level at that time), and ``mine_likeness`` in [0, 1]
    (None when the features were not computed, e.g. for stream alarms)."""
    x_m: float
    depth_m: float
    t_ns: float
    trace: int
    sample: int
    score: float
    polarity: int = 0
    material: str = "unknown"
    coherence: float = 0.0
    reflection_strength: float = 0.0
    ringing: float = 0.0
    width_m: float = 0.0
    double_reflection: bool = False
    double_reflection_delay_ns: float = 0.0
    snr: float = 0.0
    mine_likeness: Optional[float] = None


@dataclass
class Evaluation(_ItemAccess):
    """What :func:`evaluate` found (also readable as ``ev["pd"]``).

    pd: detected targets / targets; false_alarms: alarms outside every target halo;
    false_alarm_rate: per m of line (per m^2 with a swath); curve_*: the ROC/FROC curve over the
    score threshold (first point: threshold +inf); auc: ROC area (Pd against the fraction of
    false alarms, = P(target outscores a false alarm)); froc_auc: mean Pd over false-alarm
    rates [0, froc_max_rate]; false_alarms_per_m and false_alarms_per_m2 (NaN without a swath);
    likeness_*: for the detected objects (each one's best-scoring alarm), the ROC of
    ``mine_likeness``, mines against clutter objects: likeness_auc = P(a mine's likeness > a
    clutter object's), likeness_margin = min over mines - max over clutter (> 0: one
    threshold separates them), the curve over the likeness threshold (NaN / empty without
    features or without detected objects of both classes)."""
    n_targets: int
    n_detected: int
    pd: float
    false_alarms: int
    false_alarm_rate: float
    area_m: float
    auc: float
    froc_auc: float
    thresholds: np.ndarray = field(repr=False)
    curve_pd: np.ndarray = field(repr=False)
    curve_false_alarms: np.ndarray = field(repr=False)
    curve_false_alarm_rate: np.ndarray = field(repr=False)
    detection_target: list = field(repr=False)
    target_detected_by: list = field(repr=False)
    missed: list = field(default_factory=list, repr=False)
    false_alarms_per_m: float = 0.0
    false_alarms_per_m2: float = float("nan")
    n_clutter: int = 0
    n_clutter_detected: int = 0
    likeness_auc: float = float("nan")
    likeness_margin: float = float("nan")
    likeness_thresholds: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    likeness_mine_rate: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    likeness_clutter_rate: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)


def _num(value: Any, name: str) -> float:
    return _args.number("evaluate", name, value, finite=False)


def _score_input(s: Any) -> tuple[np.ndarray, Optional[Bscan]]:
    if isinstance(s, Bscan):
        return s.data, s
    arr = np.asarray(s)
    if arr.dtype != np.float32:
        arr = np.asfortranarray(arr, dtype=np.float32)
    return arr, None


def score(b: Any, method: str = "energy", per_trace: bool = False, dt_ns: Optional[float] = None,
          **options: Any) -> Union[Bscan, np.ndarray]:
    """Anomaly score of a section.

    Parameters
    ----------
    b : Bscan or array (n_samples, n_traces) with ``dt_ns``
        Usually a section after clutter removal (and migration): see :func:`detect`.
    method : ``"energy"`` (windowed energy as a z-score against a sliding reference window of
        traces at the same time, beyond a guard band), ``"rx"`` (Reed-Xiaoli: Mahalanobis
        distance of a short vertical feature vector from the mean and regularized covariance of
        an annulus of traces; running sums), or ``"hyperbola"`` (semblance, 0..1, along the
        diffraction hyperbola of ``velocity_m_per_ns`` for an apex at each cell, with the air gap
        ``antenna_height_m`` of the header honoured).
    per_trace : return the maximum over time of each trace (1-D array, n_traces) instead.
    options : window_ns (time window, ns; default one period of the centre frequency),
        window_m (horizontal window, m; default 2 cm), guard_m (guard half-width, m; 0.15),
        reference_m (reference length each side, m; 0.5), rel_floor (0.1), rx_features (4),
        rx_feature_spacing_ns (quarter period), rx_regularization (0.01), velocity_m_per_ns
        (0.1), aperture_m (hyperbola half-width, m; 0.15), semblance_window_ns (half a period).
        Defaults come from the header (dt_ns, dx_m, centre_frequency_mhz; when that is 0 the
        dominant frequency of the data is used).

    Returns
    -------
    Bscan of scores (same shape and header), or a float32 array (n_traces,) with per_trace.
    """
    b = as_bscan(b, dt_ns)
    unknown = set(options) - set(_SCORE_KEYS)
    if unknown:
        raise TypeError(f"score: unknown options {sorted(unknown)}; expected {_SCORE_KEYS}")
    out = run_step("score", b, method=method, **options)[0]
    if per_trace:
        return _core.trace_score(out.data, 0, -1)
    return out


def trace_score(s: Any, first_sample: int = 0, n_samples: int = -1) -> np.ndarray:
    """Per-trace score: the maximum over samples [first_sample, first_sample + n_samples) of
    each trace of a score image (Bscan or array)."""
    arr, _ = _score_input(s)
    return _core.trace_score(arr, _args.integer("trace_score", "first_sample", first_sample, 0),
                             _args.integer("trace_score", "n_samples", n_samples, -1))


def cfar(s: Any, method: str = "ca", pfa: float = 1e-3, model: str = "exponential",
         guard_traces: int = 4, train_traces: int = 16, guard_samples: int = 0,
         train_samples: int = 0, os_rank: float = 0.75, return_mask: bool = False) -> Any:
    """CFAR threshold image of a score image: a cell is an alarm where ``score > threshold``.

    method: ``"ca"`` (cell averaging, running sums, O(1) per cell) or ``"os"`` (order
    statistic, O(N) per cell). model: ``"exponential"`` for a non-negative power-like score
    (square-law; exact factors: ca N (pfa^(-1/N) - 1), os from the order-statistic formula), or
    ``"gaussian"`` for real-valued scores (ca: mean + t-quantile x std x sqrt(1 + 1/N), exact for
    Gaussian cells; os: q50 + z (q84 - q50)). Training cells: the rectangle of
    +-(guard + train) traces by +-(guard + train) samples minus the guard rectangle, clipped at
    the edges. pfa: false-alarm probability per cell in (0, 0.5).

    Returns the threshold (a Bscan when ``s`` is one, else an array), or (threshold, mask) with
    ``return_mask``.
    """
    arr, sb = _score_input(s)
    opts = {"method": method, "model": model, "pfa": pfa, "guard_traces": guard_traces,
            "train_traces": train_traces, "guard_samples": guard_samples,
            "train_samples": train_samples, "os_rank": os_rank}
    thr = _core.cfar(arr, _dumps(opts))
    out = sb.with_data(thr) if sb is not None else thr
    if return_mask:
        return out, np.asarray(arr) > thr
    return out


def _to_detections(rows: Iterable[tuple]) -> list[Detection]:
    out = []
    for row in rows:
        x, z, t, j, i, s = row[:6]
        features = row[6] if len(row) > 6 and row[6] is not None else {}
        out.append(Detection(float(x), float(z), float(t), int(j), int(i), float(s), **features))
    return out


def find_detections(s: Any, threshold: float = 0.0, radius_m: float = 0.1,
                    depth_radius_m: Optional[float] = None, min_depth_m: Optional[float] = None,
                    max_depth_m: Optional[float] = None, velocity_m_per_ns: float = 0.1,
                    threshold_image: Any = None, max_detections: int = 10000,
                    dt_ns: Optional[float] = None, shadow_radius_m: float = 0.0,
                    shadow_ratio: float = 0.75, local: bool = False) -> list[Detection]:
    """Local maxima of a score image above ``threshold`` (or above ``threshold_image``, e.g.
    from :func:`cfar`), thinned by greedy non-maximum suppression: no two alarms closer than
    ``radius_m`` along the line (unless further apart than ``depth_radius_m`` in depth).
    Depth from time with ``velocity_m_per_ns`` and the header's air gap. Flank suppression:
    a candidate within ``shadow_radius_m`` of a kept alarm and below ``shadow_ratio`` times its
    score is dropped (0 = off). ``local=True``: every stronger candidate suppresses, kept or not
    (bounded reach; the rule :class:`gprkit.StreamProcessor` uses). Highest score first."""
    sb = as_bscan(s, dt_ns, what="score")
    thr = None
    if threshold_image is not None:
        thr, _ = _score_input(threshold_image)
    opts = {"threshold": threshold, "radius_m": radius_m, "depth_radius_m": depth_radius_m,
            "min_depth_m": min_depth_m, "max_depth_m": max_depth_m,
            "velocity_m_per_ns": velocity_m_per_ns, "max_detections": max_detections,
            "shadow_radius_m": shadow_radius_m, "shadow_ratio": shadow_ratio, "local": bool(local)}
    rows = _core.find_detections(sb.data, sb.header, thr,
                                 _dumps({k: v for k, v in opts.items() if v is not None}))
    return _to_detections(rows)


# Options of the chain's preprocessing by their older flat names: each edits one step of the
# pipeline (they are kept for callers of earlier versions).
_PIPELINE_KEYS = ("dewow", "dewow_window_ns", "bandpass", "bandpass_low_mhz", "bandpass_high_mhz",
                  "background", "background_window_m")


def _auto(value: Any) -> Any:
    # The flat options used <= 0 for "derive from the header"; a step says that with None.
    return None if value is None or (not isinstance(value, str) and float(value) <= 0) else value


def _edit(chain: list, name: str, on: Any, options: dict, position: int) -> None:
    idx = [k for k, (n, _) in enumerate(chain) if n == name]
    if on is False:
        for k in reversed(idx):
            del chain[k]
        return
    if not idx:
        if on is None and not options:
            return
        chain.insert(min(position, len(chain)), (name, {}))
        idx = [min(position, len(chain) - 1)]
    chain[idx[0]][1].update(options)


def _chain(pipeline: Any, overrides: Mapping[str, Any]) -> tuple[Pipeline, dict[str, Any]]:
    """The preprocessing Pipeline and the remaining (scoring and decision) options."""
    flat: dict[str, Any] = {}
    if pipeline is None:
        p = Pipeline.landmine()
    elif isinstance(pipeline, Pipeline):
        p = pipeline
    elif isinstance(pipeline, (str, os.PathLike)):
        p = Pipeline.from_file(pipeline)
    elif isinstance(pipeline, Mapping):
        if "steps" in pipeline or "gprkit_pipeline" in pipeline:
            p = Pipeline.from_dict(pipeline)
        else:  # the flat options of earlier versions
            p = Pipeline.landmine()
            flat.update(pipeline)
    else:
        raise TypeError(f"detect: pipeline = {pipeline!r}; expected None, a gprkit.Pipeline, a path, "
                        "a dict or a callable")
    flat.update(overrides)
    unknown = set(flat) - set(_DETECT_KEYS)
    if unknown:
        raise TypeError(f"detect: unknown options {sorted(unknown)}; expected some of {sorted(_DETECT_KEYS)}")
    if any(k in flat for k in _PIPELINE_KEYS):
        chain = [(s.step, dict(s.options)) for s in p.steps]
        dw = {} if flat.get("dewow_window_ns") is None and "dewow_window_ns" not in flat else \
            {"window_ns": _auto(flat["dewow_window_ns"])}
        _edit(chain, "dewow", flat.get("dewow"), dw, 0)
        bp = {}
        if "bandpass_low_mhz" in flat:
            bp["low_mhz"] = _auto(flat["bandpass_low_mhz"])
        if "bandpass_high_mhz" in flat:
            bp["high_mhz"] = _auto(flat["bandpass_high_mhz"])
        _edit(chain, "bandpass", flat.get("bandpass"), bp, 1)
        bg: dict[str, Any] = {}
        method = flat.get("background")
        if method is not None and method != "none":
            bg["method"] = str(method)
        if "background_window_m" in flat:
            bg["window_m"] = flat["background_window_m"]
        _edit(chain, "remove_background", False if method == "none" else None, bg, len(chain))
        p = Pipeline.from_steps(chain)
    rest = {k: v for k, v in flat.items() if k not in _PIPELINE_KEYS}
    return p, rest


# Flat detect() keywords of the decision steps -> (step, option).
_NMS_KEYS = {"nms_radius_m": "radius_m", "nms_depth_radius_m": "depth_radius_m",
             "nms_shadow_radius_m": "shadow_radius_m", "nms_shadow_ratio": "shadow_ratio",
             "min_depth_m": "min_depth_m", "max_depth_m": "max_depth_m",
             "max_detections": "max_detections"}
_CHAIN_KEYS = ("migration", "velocity_m_per_ns", "threshold_method", "threshold", "features",
               "min_mine_likeness", "min_snr", "min_snr_ground_polarity", "weak_threshold",
               "weak_min_snr", "flat_tops", "flank_radius_m")
_DETECT_KEYS = (_PIPELINE_KEYS + _CHAIN_KEYS + ("method",) + _SCORE_KEYS + tuple(_NMS_KEYS)
                + tuple("cfar_" + k for k in _CFAR_KEYS))


def _stage_options(rest: Mapping[str, Any]) -> tuple[str, str, str, dict]:
    """Splits the flat options into the score, cfar and find_detections step options (as JSON
    for the registry) and the chain's own (migration, velocity, threshold)."""
    score, cfar_, nms, chain = {}, {}, {}, {}
    for k, v in rest.items():
        if k in _CHAIN_KEYS:
            chain[k] = v
        elif k in _NMS_KEYS:
            if k == "nms_depth_radius_m" and v is not None and float(v) < 0:
                v = None  # the flat option used -1 for "depth ignored"
            nms[_NMS_KEYS[k]] = v
        elif k.startswith("cfar_"):
            cfar_[k[5:]] = v
        else:  # method and the options of score()
            score[k] = v
    drop = lambda d: {k: v for k, v in d.items() if v is not None}  # noqa: E731
    return _dumps(drop(score)), _dumps(drop(cfar_)), _dumps(drop(nms)), chain


def preprocess_for_detection(b: Any, pipeline: Any = None, dt_ns: Optional[float] = None,
                             **overrides: Any) -> Bscan:
    """The preprocessing part of :func:`detect` (its pipeline, then migration) alone. The
    velocity used is in the returned header's ``raw['detect_velocity_m_per_ns']``; the steps
    run are in its history."""
    b = as_bscan(b, dt_ns)
    p, opts = _chain(pipeline, overrides)
    _, data, header, _, info = _core.detect(b.data, b.header, p.to_json(None), *_stage_options(opts), True)
    header["raw"] = dict(header.get("raw") or {})
    header["raw"]["detect_velocity_m_per_ns"] = repr(info["velocity_m_per_ns"])
    return Bscan(data, header=header)


def detect(b: Any, pipeline: Any = None, return_score: bool = False,
           dt_ns: Optional[float] = None,
           **overrides: Any) -> Union[list[Detection], tuple[list[Detection], Bscan]]:
    """Find buried objects: a preprocessing pipeline, then migration, scoring, threshold and
    non-maximum suppression, every parameter overridable.

    Default chain: the pipeline ``samples/pipelines/landmine.json`` (``Pipeline.landmine()``:
    dewow over three periods -> band-pass from 0.3 to 2.5 x the centre frequency -> clutter
    removal by ground-bounce flattening over ``window_m`` = 1 m) -> migration
    (``migration="auto"``: phase-shift migration before the energy and rx scores, none before
    the hyperbola score, which focuses along the diffraction curve itself) at
    ``velocity_m_per_ns`` (default 0.1 m/ns, moist soil; 0 or less estimates it from the data
    with :func:`gprkit.estimate_velocity`; the air gap ``antenna_height_m`` of the header is
    honoured) -> ``score`` (``method="hyperbola"``) -> threshold (``threshold_method="fixed"``
    at ``threshold``, default 0.5 for hyperbola, 6 for energy, 40 for rx; or ``"cfar"`` with
    ``cfar_method``, ``cfar_pfa``, ...) -> non-maximum suppression (``nms_radius_m`` = 0.1 m,
    depths ``min_depth_m`` = 0 to ``max_depth_m``).

    Parameters
    ----------
    b : Bscan or array with ``dt_ns``. Its header should give dt_ns, t0_ns (time-zero),
        dx_m or x_m, antenna_height_m and centre_frequency_mhz (0: measured from the data).
    pipeline : the preprocessing: None (the landmine pipeline), a :class:`gprkit.Pipeline`, a
        path to a pipeline file, a dict in the pipeline format (``{"gprkit_pipeline": 1,
        "steps": [...]}``) or of flat options (the same names as ``overrides``), or a callable
        ``f(Bscan) -> Bscan | array`` that replaces the preprocessing and migration.
    return_score : also return the score image (a Bscan).
    overrides : dewow, dewow_window_ns, bandpass, bandpass_low_mhz, bandpass_high_mhz,
        background ("none", "mean", "median", "moving_mean", "moving_median", "svd", "rpca",
        "ground_bounce"), background_window_m (these edit the pipeline's steps); migration
        ("auto", "none", "stolt", "phase_shift", "kirchhoff", "backprojection"),
        velocity_m_per_ns, method, the options of :func:`score`, threshold_method, threshold,
        cfar_method, cfar_model, cfar_pfa, cfar_guard_traces, cfar_train_traces,
        cfar_guard_samples, cfar_train_samples, cfar_os_rank, nms_radius_m,
        nms_depth_radius_m, nms_shadow_radius_m (0.3 m: alarms this close to a stronger one
        and below ``nms_shadow_ratio`` = 0.75 of its score are its flanks and are dropped),
        min_depth_m, max_depth_m, max_detections; features (default True: the discrimination
        fields of each :class:`Detection`, computed at the alarms only) and min_mine_likeness
        (0..1, default 0: alarms whose ``mine_likeness`` is below it are dropped), min_snr
        (default 2.5: alarms whose reflection's ``snr`` is below it are dropped; 0 keeps them)
        and min_snr_ground_polarity (default 4: the same for alarms of the ground's polarity,
        ``polarity`` +1, which no plastic mine has),
        weak_threshold and weak_min_snr (defaults 0.35 and 5: with the hyperbola score and a
        fixed threshold, alarms scoring above weak_threshold up to the threshold are kept
        where their reflection has ``polarity`` -1 and an ``snr`` of weak_min_snr, as a wide
        plastic mine's flat top has; weak_min_snr 0 turns it off),
        flat_tops (default True: weak hyperbola maxima scored again with a flat-topped
        object's response, for mines 5-30 cm across), flank_radius_m (default 0.6: alarms
        this close to a stronger one and below ``nms_shadow_ratio`` of it are its flanks).

    Returns
    -------
    list of :class:`Detection` (highest score first), and the score Bscan with return_score.
    """
    b = as_bscan(b, dt_ns)
    if callable(pipeline) and not isinstance(pipeline, Pipeline):
        pre = pipeline(b)
        pre = pre if isinstance(pre, Bscan) else b.with_data(np.asarray(pre, dtype=np.float32))
        p, opts = _chain(Pipeline(), overrides)
        opts.setdefault("migration", "none")
        opts.setdefault("velocity_m_per_ns", 0.1)
        b = pre
    else:
        p, opts = _chain(pipeline, overrides)
    rows, _, header, score_arr, _info = _core.detect(b.data, b.header, p.to_json(None), *_stage_options(opts),
                                                     False)
    dets = _to_detections(rows)
    if return_score:
        return dets, Bscan(score_arr, header=header)
    return dets


def _field(obj: Any, *names: str, default: Any = None) -> Any:
    for n in names:
        if isinstance(obj, Mapping):
            if n in obj and obj[n] is not None:
                return obj[n]
        elif getattr(obj, n, None) is not None:
            return getattr(obj, n)
    return default


def evaluate(detections: Sequence[Any], truth: Sequence[Any], halo_m: float = 0.1,
             line_length_m: Optional[float] = None, swath_m: Optional[float] = None,
             depth_halo_m: Optional[float] = None, target_kinds: Sequence[Any] = ("mine", 0),
             froc_max_rate: float = 1.0) -> Evaluation:
    """Match alarms to ground truth and measure Pd and false alarms.

    Parameters
    ----------
    detections : :class:`Detection` objects, dicts or objects with ``x_m``, ``score`` (and
        ``depth_m``).
    truth : dicts or objects with ``x_m`` (or gprMax's ``x_center_m``), ``depth_m`` (or
        ``top_depth_m``) and an optional ``kind``: objects whose kind is in ``target_kinds``
        (default ``"mine"`` and the simulator's 0), or without a kind, are targets; the others
        are clutter (alarms on them are false alarms).
    halo_m : an alarm within this distance along the line of a target declares it (m).
    line_length_m : the length the false-alarm rate is per (m); default the span of all x.
    swath_m : with a swath width (m), the rate is per m^2 of line_length_m x swath_m.
    depth_halo_m : also require |depth difference| <= this (m); default: depth ignored.
    froc_max_rate : the FROC area is the mean Pd over rates [0, froc_max_rate].

    Returns
    -------
    :class:`Evaluation`: pd, false_alarms, false_alarm_rate, the curve over the threshold and
    its areas (auc, froc_auc), the detection -> target and target -> detection matches and the
    indices of missed targets. An alarm inside a target's halo is never a false alarm (extra
    alarms on one target are duplicates); ties of score enter the curve together.
    """
    dets = []
    for k, d in enumerate(detections):
        x, s = _field(d, "x_m"), _field(d, "score")
        if x is None or s is None:
            raise InvalidArgument(f"evaluate: detections[{k}] = {d!r}; expected x_m and score")
        ml = _field(d, "mine_likeness")
        dets.append((float(x), float(_field(d, "depth_m", default=0.0)), float(s),
                     -1.0 if ml is None else float(ml)))
    kinds = list(target_kinds)
    tr = []
    for k, t in enumerate(truth):
        x = _field(t, "x_m", "x_center_m")
        if x is None:
            raise InvalidArgument(f"evaluate: truth[{k}] = {t!r}; expected x_m (or x_center_m)")
        z = _field(t, "depth_m", "top_depth_m", "center_depth_m", default=0.0)
        kind = _field(t, "kind")
        is_target = kind is None or any(kind == q and type(kind) is type(q) for q in kinds)
        tr.append((float(x), float(z), bool(is_target)))
    r = _core.evaluate(dets, tr, _num(halo_m, "halo_m"),
                       -1.0 if depth_halo_m is None else _num(depth_halo_m, "depth_halo_m"),
                       -1.0 if line_length_m is None else _num(line_length_m, "line_length_m"),
                       0.0 if swath_m is None else _num(swath_m, "swath_m"), _num(froc_max_rate, "froc_max_rate"))
    missed = [q for q, (_, _, is_t) in enumerate(tr) if is_t and r["target_detected_by"][q] < 0]
    return Evaluation(missed=missed, **r)
