"""The gprkit command line: `gprkit demo`, `gprkit info PATH`."""
from __future__ import annotations

import argparse
import sys


def _cmd_info(args: argparse.Namespace) -> int:
    from . import io

    print(io.info_table(args.path))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args.out, n_traces=args.traces)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gprkit", description="Ground-penetrating-radar processing")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="process a synthetic B-scan; write pictures and detections")
    p.add_argument("--out", default="demo_out", help="output folder (default: demo_out)")
    p.add_argument("--traces", type=int, default=600, help="traces in the synthetic line")
    p.set_defaults(func=_cmd_demo)
    p = sub.add_parser("info", help="print a GPR file's header as a table")
    p.add_argument("path")
    p.set_defaults(func=_cmd_info)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, OSError) as e:  # gprkit errors are ValueError / OSError subclasses
        print(f"gprkit {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
