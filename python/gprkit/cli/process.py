"""``gprkit process FILE... --pipeline P --out DIR``: run a pipeline on GPR files, write the
processed data (npy + JSON sidecar by default, or any format gprkit.write knows) and PNG
quicklooks of the raw and processed sections."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._files import (CliError, UsageError, data_errors, describe, expand_inputs, load_pipeline,
                     need_matplotlib, progress, read_channels, save_radargram, unique_stems)

# --format names and the extension each writes (any other name is tried as an extension).
FORMATS = {"npy": ".npy", "dzt": ".dzt", "dt1": ".dt1", "segy": ".sgy", "sgy": ".sgy", "rd3": ".rd3",
           "rd7": ".rd7"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("process", help="run a pipeline on GPR files; write data and pictures",
                       description="Run a pipeline on every input and write DIR/NAME.EXT (the processed "
                       "section; npy writes NAME.npy + NAME.npy.json with the header and the history), "
                       "DIR/NAME_raw.png and DIR/NAME_processed.png.")
    p.add_argument("files", nargs="+", metavar="FILE", help="GPR files, folders or globs")
    p.add_argument("--pipeline", "-p", metavar="P",
                   help="pipeline JSON file, or 'landmine' (default) / 'landmine_stream'")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--format", "-f", default="npy", metavar="FMT",
                   help="output format: npy (default), dzt, dt1, segy, or any other gprkit.write writes")
    p.add_argument("--velocity", type=float, metavar="M_PER_NS",
                   help="velocity (m/ns) for a depth axis on the pictures")
    p.add_argument("--no-png", action="store_true", help="do not write the PNG quicklooks")
    p.set_defaults(func=run)


def _check_writable(ext: str, fmt: str) -> None:
    """Refuse a format gprkit.write cannot write before any file is processed."""
    import numpy as np

    from .. import io
    from ..bscan import Bscan

    probe = Bscan(np.zeros((8, 2), dtype=np.float32, order="F"), dt_ns=0.1, dx_m=0.01)
    with tempfile.TemporaryDirectory(prefix="gprkit-format-") as d:
        try:
            io.write(probe, os.path.join(d, "probe" + ext))
        except data_errors() as e:
            raise UsageError(f"--format {fmt}: gprkit.write cannot write it "
                             f"({' '.join(str(e).split())})") from None


def processing_part(pipeline: Any) -> tuple[Any, list[str]]:
    """The pipeline without its trailing decision steps (find_detections: alarms out, which
    Pipeline.run refuses and ``gprkit detect`` writes), and the names of the steps left out."""
    from ..pipeline import Pipeline, steps

    reg = steps()
    chain = [(s.step, dict(s.options)) for s in pipeline.steps]
    k = len(chain)
    while k and reg.get(chain[k - 1][0], {}).get("kind") == "decide":
        k -= 1
    if k == len(chain):
        return pipeline, []
    return Pipeline.from_steps(chain[:k]), [name for name, _ in chain[k:]]


def _steps_title(p: Any) -> str:
    names = [s.step for s in p.steps] if p is not None else []
    return ", ".join(names) if names else "no steps"


def process_file(path: Path, name: str, pipeline: Any, out: Path, ext: str, pictures: bool,
                 velocity: Any) -> list[Path]:
    from .. import io

    chans = read_channels(path)
    outs = [pipeline.run(b) for b in chans]
    written: list[Path] = []
    names = [name] if len(chans) == 1 else [f"{name}_ch{k}" for k in range(len(chans))]
    targets = [(out / (name + ext), outs)] if ext == ".dzt" else \
              [(out / (n + ext), [o]) for n, o in zip(names, outs)]
    for target, data in targets:
        if target.exists() and os.path.samefile(target, path):
            raise CliError(f"{path}: the output {target} is the input; choose another --out or --format")
        io.write(data if len(data) > 1 else data[0], target)
        written.append(target)
    if pictures:
        steps = _steps_title(pipeline)
        for n, raw, proc in zip(names, chans, outs):
            written.append(save_radargram(out / f"{n}_raw.png", raw, title=f"{path.name}: raw",
                                          velocity_m_per_ns=velocity))
            written.append(save_radargram(out / f"{n}_processed.png", proc,
                                          title=f"{path.name}: {steps}", velocity_m_per_ns=velocity))
    return written


def run(args: argparse.Namespace) -> int:
    from ..pipeline import Pipeline

    fmt = args.format.lower().lstrip(".")
    ext = FORMATS.get(fmt, "." + fmt)
    if args.velocity is not None and not args.velocity > 0:
        raise UsageError(f"--velocity {args.velocity}: expected a velocity > 0 in m/ns (0.1 in moist soil)")
    pipeline, dropped = processing_part(load_pipeline(args.pipeline) or Pipeline.landmine())
    if dropped:  # e.g. landmine_stream, which ends in find_detections: its section is the score
        print(f"gprkit process: pipeline {args.pipeline}: left out the decision step(s) {', '.join(dropped)} "
              "(alarms: gprkit detect); writing the section before them", file=sys.stderr)
    if ext != ".npy":
        _check_writable(ext, fmt)
    if not args.no_png:
        need_matplotlib("process")
    files = expand_inputs(args.files)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CliError(f"{out}: cannot create the output folder ({e.strerror or e})") from None
    failed = 0
    for path, name in progress(zip(files, unique_stems(files)), total=len(files), desc="process"):
        try:
            written = process_file(path, name, pipeline, out, ext, not args.no_png, args.velocity)
        except (CliError, *data_errors()) as e:
            failed += 1
            print(f"gprkit process: {describe(path, e)}", file=sys.stderr)
            continue
        print(f"{path} -> " + ", ".join(str(w) for w in written), flush=True)
    return 1 if failed else 0
