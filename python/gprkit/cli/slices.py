"""``gprkit slices FILE... --line-spacing M --out DIR``: assemble parallel lines into a cube
(gprkit.Cube), optionally run a pipeline on each line and migrate in 3-D, and write time or
depth slices (C-scans) as PNGs, with the cube itself as DIR/cube.npy."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._files import CliError, UsageError, expand_inputs, load_pipeline, need_matplotlib

METHODS = ("stolt", "phase_shift", "kirchhoff", "backprojection")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("slices", help="parallel lines -> 3-D cube -> time/depth slices (PNG)",
                       description="Read parallel lines (one file each, in survey order), assemble them "
                       "into a cube with --line-spacing between lines, and write DIR/depth_<d>m.png "
                       "for each --depth (needs --velocity) and DIR/time_<t>ns.png for each --time: "
                       "maps of envelope energy, x along the lines and y across.")
    p.add_argument("files", nargs="+", metavar="FILE", help="line files, folders or globs, in survey order")
    p.add_argument("--line-spacing", type=float, required=True, metavar="M", help="distance between lines (m)")
    p.add_argument("--reverse-every-other", action="store_true",
                   help="the odd lines were recorded in the opposite direction (zig-zag survey)")
    p.add_argument("--pipeline", "-p", metavar="P", help="pipeline JSON run on every line first")
    p.add_argument("--migrate", choices=METHODS, help="3-D migration before slicing (needs --velocity)")
    p.add_argument("--velocity", type=float, metavar="M_PER_NS", help="soil velocity (m/ns)")
    p.add_argument("--depth", type=float, action="append", default=[], metavar="M",
                   help="depth of a slice below the ground (m); repeat for several")
    p.add_argument("--time", type=float, action="append", default=[], metavar="NS",
                   help="two-way time of a slice (ns); repeat for several")
    p.add_argument("--window", type=float, metavar="M_OR_NS",
                   help="slice thickness: metres for depth slices, ns for time slices (default one sample)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder (created)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ..cube import Cube, migrate_cube

    if not args.line_spacing > 0:
        raise UsageError(f"--line-spacing {args.line_spacing}: expected a spacing > 0 in m")
    if (args.depth or args.migrate) and not (args.velocity and args.velocity > 0):
        raise UsageError("--depth and --migrate need --velocity (m/ns, > 0; 0.1 in moist soil)")
    if not args.depth and not args.time:
        raise UsageError("give at least one --depth or --time")
    need_matplotlib("slices")
    files = expand_inputs(args.files)
    if len(files) < 2:
        raise UsageError(f"{len(files)} line file(s); a cube needs at least 2 parallel lines")
    cube = Cube.from_files(files, args.line_spacing, reverse_every_other=args.reverse_every_other,
                           pipeline=load_pipeline(args.pipeline))
    if args.migrate:
        cube = migrate_cube(cube, args.migrate, args.velocity)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CliError(f"{out}: cannot create the output folder ({e.strerror or e})") from None
    what = f"{cube!r}" + (f", migrated ({args.migrate}, {args.velocity:g} m/ns)" if args.migrate else "")
    written = []
    for d in args.depth:
        path = out / f"depth_{d:.3f}m.png"
        cube.plot_slice(depth_m=d, velocity_m_per_ns=args.velocity, window_m=args.window, path=path)
        written.append(path)
    for t in args.time:
        path = out / f"time_{t:.2f}ns.png"
        cube.plot_slice(t, window_ns=args.window, path=path)
        written.append(path)
    np.save(out / "cube.npy", np.ascontiguousarray(cube.data))
    print(f"{len(files)} lines -> {what}; wrote " + ", ".join(str(w) for w in written), flush=True)
    return 0
