"""``gprkit detect FILE... [--pipeline P] --out alarms.csv|.json|.geojson``: run the detector and
write one row per alarm, with GPS coordinates where the file has them."""
from __future__ import annotations

import argparse
import csv
import io as _io
import json
import math
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ._files import (CliError, UsageError, atomic_write, data_errors, describe, expand_inputs,
                     load_pipeline, progress, read_channels)

# Columns in this order; the feature fields of gprkit.Detection follow "sample", coordinates
# come last (empty where the file has none).
LEAD = ("file", "channel", "x_m", "depth_m", "t_ns", "score", "trace", "sample")
COORDS = ("lon_deg", "lat_deg", "alt_m", "easting_m", "northing_m")
OUT_KINDS = {".csv": "csv", ".json": "json", ".geojson": "geojson"}


def columns() -> list[str]:
    from ..detect import Detection

    feats = [f.name for f in fields(Detection) if f.name not in LEAD]
    return list(LEAD) + feats + list(COORDS)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("detect", help="find buried objects; write the alarms as CSV, JSON or GeoJSON",
                       description="Run gprkit.detect on every input (the landmine pipeline unless "
                       "--pipeline) and write one row per alarm: file, x_m, depth_m, t_ns, score, the "
                       "discrimination features and, where the file has GPS, lon_deg/lat_deg (or "
                       "easting_m/northing_m). The format follows --out: .csv, .json or .geojson "
                       "(points for the alarms with coordinates); '-' writes CSV to stdout.")
    p.add_argument("files", nargs="+", metavar="FILE", help="GPR files, folders or globs")
    p.add_argument("--pipeline", "-p", metavar="P",
                   help="preprocessing pipeline JSON file (default: the landmine pipeline)")
    p.add_argument("--out", "-o", required=True, metavar="ALARMS", help="alarms.csv, .json, .geojson or -")
    p.add_argument("--velocity", type=float, metavar="M_PER_NS",
                   help="soil velocity in m/ns (default 0.1; 0 estimates it from the data)")
    p.add_argument("--threshold", type=float, help="score threshold (default: the detector's)")
    p.add_argument("--min-mine-likeness", type=float, metavar="L",
                   help="drop alarms below this likeness (0..1)")
    p.add_argument("--max-depth", type=float, metavar="M", help="deepest alarm kept (m)")
    p.add_argument("--keep-going", action="store_true",
                   help="write the alarms of the files that worked when others fail (exit code still 1)")
    p.set_defaults(func=run)


def _floats(text: Any) -> np.ndarray:
    try:
        return np.array([float(v) for v in str(text).split(",") if v.strip()], dtype=np.float64)
    except ValueError:
        return np.zeros(0)


def coordinate_lookup(b: Any) -> Callable[[int], dict]:
    """For a Bscan, a function trace -> {lon_deg, lat_deg, alt_m, easting_m, northing_m} (None
    where unknown). Geographic fixes (raw gps_trace / gps_latitude_deg / gps_longitude_deg, from
    .GPS/.DZG/.COR companions) are interpolated between the fixes, never extrapolated; without
    them, DT1 trace-header GPS (raw trace_gps_x/y) is used, as degrees when it is in range, else
    as projected metres; header y_m (SEG-Y coordinates) gives easting/northing."""
    h = b.header
    raw = h.get("raw") or {}
    n = b.n_traces
    lon = lat = alt = east = north = None
    t = _floats(raw.get("gps_trace"))
    la, lo = _floats(raw.get("gps_latitude_deg")), _floats(raw.get("gps_longitude_deg"))
    if t.size and t.size == la.size == lo.size and np.all(np.abs(la) <= 90) and np.all(np.abs(lo) <= 180):
        order = np.argsort(t, kind="stable")
        t, la, lo = t[order], la[order], lo[order]
        al = _floats(raw.get("gps_altitude_m"))
        al = al[order] if al.size == t.size else None
        j = np.arange(n, dtype=np.float64)
        inside = (j >= t[0]) & (j <= t[-1])
        lat = np.where(inside, np.interp(j, t, la), np.nan)
        lon = np.where(inside, np.interp(j, t, lo), np.nan)
        alt = np.where(inside, np.interp(j, t, al), np.nan) if al is not None else None
    else:
        gx, gy = _floats(raw.get("trace_gps_x")), _floats(raw.get("trace_gps_y"))
        if gx.size == n and gy.size == n:
            fix = (gx != 0) | (gy != 0)
            if fix.any():
                gz = _floats(raw.get("trace_gps_z"))
                gz = np.where(fix, gz, np.nan) if gz.size == n else None
                if np.all(np.abs(gx[fix]) <= 180) and np.all(np.abs(gy[fix]) <= 90):
                    lon, lat, alt = np.where(fix, gx, np.nan), np.where(fix, gy, np.nan), gz
                else:
                    east, north = np.where(fix, gx, np.nan), np.where(fix, gy, np.nan)
    if east is None and h.get("y_m") is not None and h.get("x_m") is not None:
        east, north = np.asarray(h["x_m"], dtype=np.float64), np.asarray(h["y_m"], dtype=np.float64)

    def at(arr: Optional[np.ndarray], j: int) -> Optional[float]:
        if arr is None or not 0 <= j < arr.size or not math.isfinite(arr[j]):
            return None
        return float(arr[j])

    def lookup(trace: int) -> dict:
        j = int(trace)
        return {"lon_deg": at(lon, j), "lat_deg": at(lat, j), "alt_m": at(alt, j),
                "easting_m": at(east, j), "northing_m": at(north, j)}

    return lookup


def alarm_rows(file: str, channel: int, b: Any, detections: Sequence[Any]) -> list[dict]:
    """One dict per alarm with every column (None where unknown)."""
    cols = columns()
    where = coordinate_lookup(b)
    rows = []
    for d in detections:
        r = {c: None for c in cols}
        r.update({k: v for k, v in d.to_dict().items() if k in r})
        r["file"], r["channel"] = file, channel
        r.update(where(d.trace))
        rows.append(r)
    return rows


def _plain(v: Any) -> Any:
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return v if math.isfinite(v) else None
    return v


def csv_text(rows: Sequence[dict]) -> str:
    """CSV with the header row always (even without alarms); empty cells for unknowns."""
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = columns()
    w.writerow(cols)
    for r in rows:
        cells = [_plain(r.get(c)) for c in cols]
        w.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in cells])
    return buf.getvalue()


def json_doc(rows: Sequence[dict], files: Sequence[dict], pipeline: Any) -> dict:
    from .. import __version__

    return {"gprkit_alarms": 1, "version": __version__, "pipeline": pipeline, "files": list(files),
            "columns": columns(), "alarms": [{k: _plain(v) for k, v in r.items()} for r in rows]}


def geojson_doc(rows: Sequence[dict]) -> dict:
    """A FeatureCollection of Points (WGS84 lon/lat) for the alarms with geographic coordinates."""
    feats = []
    for r in rows:
        if r.get("lon_deg") is None or r.get("lat_deg") is None:
            continue
        props = {k: _plain(v) for k, v in r.items() if k not in ("lon_deg", "lat_deg")}
        point = {"type": "Point", "coordinates": [float(r["lon_deg"]), float(r["lat_deg"])]}
        feats.append({"type": "Feature", "geometry": point, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def write_alarms(out: str, rows: Sequence[dict], files: Sequence[dict] = (), pipeline: Any = None) -> str:
    """Write the alarms to `out` (format from its extension; '-' = CSV on stdout), atomically.
    Returns the kind written."""
    kind = "csv" if out == "-" else OUT_KINDS.get(Path(out).suffix.lower())
    if kind is None:
        raise UsageError(f"--out {out}: expected a file ending in .csv, .json or .geojson (or - for stdout)")
    if kind == "csv":
        text = csv_text(rows)
    elif kind == "json":
        text = json.dumps(json_doc(rows, files, pipeline), indent=1) + "\n"
    else:
        text = json.dumps(geojson_doc(rows), indent=1) + "\n"
    if out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with atomic_write(out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return kind


def run(args: argparse.Namespace) -> int:
    from ..detect import detect

    if args.out != "-" and Path(args.out).suffix.lower() not in OUT_KINDS:
        raise UsageError(f"--out {args.out}: expected a file ending in .csv, .json or .geojson "
                         "(or - for stdout)")
    overrides = {k: v for k, v in (("velocity_m_per_ns", args.velocity), ("threshold", args.threshold),
                                   ("min_mine_likeness", args.min_mine_likeness),
                                   ("max_depth_m", args.max_depth)) if v is not None}
    pipeline = load_pipeline(args.pipeline)
    files = expand_inputs(args.files)
    rows: list[dict] = []
    done: list[dict] = []
    failed = 0
    alone = len(files) == 1 and not args.keep_going  # its error is the one line, not a summary too
    for path in progress(files, total=len(files), desc="detect"):
        try:
            for k, b in enumerate(read_channels(path)):
                dets = detect(b, pipeline=pipeline, **overrides)
                rows.extend(alarm_rows(str(path), k, b, dets))
                done.append({"file": str(path), "channel": k, "n_alarms": len(dets),
                             "n_traces": b.n_traces, "length_m": float(abs(b.x_m()[-1] - b.x_m()[0]))})
        except data_errors() as e:
            if alone:
                raise CliError(f"{describe(path, e)}; {args.out} not written") from None
            failed += 1
            print(f"gprkit detect: {describe(path, e)}", file=sys.stderr)
    if failed and not args.keep_going:
        raise CliError(f"{failed} of {len(files)} input(s) failed; {args.out} not written "
                       "(--keep-going writes the alarms of the others)")
    from ..pipeline import Pipeline

    kind = write_alarms(args.out, rows, done, (pipeline or Pipeline.landmine()).to_dict())
    with_coords = sum(r["lon_deg"] is not None for r in rows)
    note = f"{len(rows)} alarm(s) in {len(done)} section(s)"
    if with_coords:
        note += f", {with_coords} with GPS coordinates"
    if kind == "geojson" and with_coords < len(rows):
        note += f" ({len(rows) - with_coords} without coordinates left out of the GeoJSON)"
    print(f"{note} -> {args.out}", file=sys.stderr if args.out == "-" else sys.stdout, flush=True)
    return 1 if failed else 0
