"""The gprkit command line (``gprkit`` console script, ``python -m gprkit``).

One module per command (demo, info, process, detect, convert, slices, steps); ``_files`` holds what they
share. Exit codes: 0 success, 1 a data or I/O error (one line on stderr naming the file and the
problem), 2 a usage error. See docs/cli.md.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from ._files import CliError, UsageError, data_errors, one_line

__all__ = ["main", "build_parser"]

def build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    from . import convert, demo, detect, info, process, slices, steps

    parser = argparse.ArgumentParser(
        prog="gprkit", description="Ground-penetrating-radar processing: read instrument files, run "
        "pipelines, find buried objects, write pictures.",
        epilog="Exit codes: 0 success, 1 data or I/O error, 2 usage error. See docs/cli.md.")
    parser.add_argument("--version", action="version", version=f"gprkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in (demo, info, process, detect, convert, slices, steps):
        mod.add_parser(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with `argv` (default sys.argv[1:]); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors: argparse prints them and exits 2
    prog = f"gprkit {args.command}"
    try:
        return int(args.func(args) or 0)
    except UsageError as e:
        print(f"{prog}: error: {one_line(str(e))}", file=sys.stderr)
        return 2
    except CliError as e:
        print(f"{prog}: {one_line(str(e))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `gprkit info --json DIR | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except data_errors() as e:
        print(f"{prog}: {one_line(str(e))}", file=sys.stderr)
        return 1
    except Exception as e:  # a bug, not the data: one line unless GPRKIT_DEBUG asks for more
        if os.environ.get("GPRKIT_DEBUG"):
            raise
        print(f"{prog}: internal error: {type(e).__name__}: {one_line(str(e))} "
              "(set GPRKIT_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1
