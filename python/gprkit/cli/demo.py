"""``gprkit demo [--out DIR]``: the bundled synthetic minefield line (gprkit.demo)."""
from __future__ import annotations

import argparse
from typing import Any

from ._files import UsageError, need_matplotlib


def add_parser(sub: Any) -> None:
    p = sub.add_parser("demo", help="simulate a minefield line; detect; write pictures and alarms",
                       description="Simulate a 1 GHz line over three plastic mines with clutter, run the "
                       "default landmine detector, write raw.png, processed.png, migrated.png, "
                       "scores.png, detections.csv and detections.json, and print Pd and false alarms.")
    p.add_argument("--out", "-o", default="demo_out", metavar="DIR", help="output folder (default: demo_out)")
    p.add_argument("--traces", type=int, default=600, help="traces in the line, 1 cm apart (default 600)")
    p.add_argument("--seed", type=int, default=7, help="noise seed (default 7)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..demo import run_demo

    if args.traces < 100:
        raise UsageError(f"--traces {args.traces}: expected at least 100 (a 1 m line)")
    need_matplotlib("demo")
    return run_demo(args.out, n_traces=args.traces, seed=args.seed)
