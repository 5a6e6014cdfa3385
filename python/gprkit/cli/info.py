"""``gprkit info FILE...``: the header of each file as a table, or one JSON object per line."""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from ._files import describe, data_errors, expand_inputs, progress, read_channels

_SCALARS = ("dt_ns", "t0_ns", "dx_m", "antenna_separation_m", "antenna_height_m", "centre_frequency_mhz")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("info", help="print the header of GPR files",
                       description="Print the header of each GPR file (every channel, every raw field) "
                       "as a table, or with --json one JSON object per file per line.")
    p.add_argument("files", nargs="+", metavar="FILE", help="GPR files, folders or globs")
    p.add_argument("--json", action="store_true", help="one JSON object per file per line on stdout")
    p.add_argument("--raw", action="store_true", help="with --json: include every raw format field")
    p.set_defaults(func=run)


def _num(v: Any) -> Any:
    v = float(v)
    return v if math.isfinite(v) else None


def _gps_fixes(raw: dict) -> int:
    t = str(raw.get("gps_trace") or "").strip()
    return len(t.split(",")) if t else 0


def header_record(path: Path, chans: list) -> dict:
    """The JSON record of one file: path, format, channels, the header of channel 0."""
    b = chans[0]
    h = b.header
    raw = dict(h.get("raw") or {})
    rec: dict[str, Any] = {"path": str(path), "format": raw.get("format", ""), "n_channels": len(chans),
                           "n_samples": b.n_samples, "n_traces": b.n_traces}
    for k in _SCALARS:
        rec[k] = _num(h.get(k, 0.0))
    rec["time_window_ns"] = _num(b.n_samples * b.dt_ns)
    x = b.x_m()
    rec["length_m"] = _num(x[-1] - x[0]) if b.n_traces > 1 else 0.0
    for k in ("x_m", "y_m", "z_m"):
        rec[f"has_{k}"] = h.get(k) is not None
    rec["gps_fixes"] = _gps_fixes(raw)
    rec["history"] = list(h.get("history") or [])
    if len(chans) > 1:
        rec["channels"] = [{"n_samples": c.n_samples, "n_traces": c.n_traces, "dt_ns": _num(c.dt_ns),
                            "centre_frequency_mhz": _num(c.header.get("centre_frequency_mhz", 0.0))}
                           for c in chans]
    return rec


def run(args: argparse.Namespace) -> int:
    from .. import io

    files = expand_inputs(args.files)
    failed = 0
    for k, path in enumerate(progress(files, total=len(files), desc="info")):
        try:
            if args.json:
                chans = read_channels(path)
                rec = header_record(path, chans)
                if args.raw:
                    rec["raw"] = {str(a): str(v) for a, v in (chans[0].header.get("raw") or {}).items()}
                line = json.dumps(rec, default=str)
            else:
                line = (f"== {path} ==\n" if len(files) > 1 else "") + io.info_table(path).rstrip("\n")
        except data_errors() as e:
            failed += 1
            print(f"gprkit info: {describe(path, e)}", file=sys.stderr)
            continue
        print(line, flush=True)
    return 1 if failed else 0
