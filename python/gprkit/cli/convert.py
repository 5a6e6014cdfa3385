"""``gprkit convert IN OUT``: read a GPR file and write it in the format of OUT's extension."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ._files import CliError, UsageError, data_errors, describe, read_channels


def add_parser(sub: Any) -> None:
    p = sub.add_parser("convert", help="convert a GPR file to another format",
                       description="Read IN and write OUT in the format of its extension (.npy + "
                       ".npy.json sidecar, .dzt, .dt1 + .hd, .sgy/.segy). A .dzt keeps every channel; "
                       "other formats get --channel (default 0). Header fields and the raw fields of the "
                       "same format are kept; the old OUT is left intact when the write fails.")
    p.add_argument("input", metavar="IN", help="GPR file to read")
    p.add_argument("output", metavar="OUT", help="file to write (format from the extension)")
    p.add_argument("--channel", type=int, metavar="N", help="channel to write (default 0; .dzt: all)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import io

    src, dst = Path(args.input), Path(args.output)
    if not dst.suffix:
        raise UsageError(f"OUT {dst}: no extension to choose the format by (.npy, .dzt, .dt1, .sgy)")
    try:
        chans = read_channels(src)
    except data_errors() as e:
        raise CliError(describe(src, e)) from None
    if args.channel is not None:
        if not 0 <= args.channel < len(chans):
            raise CliError(f"{src}: --channel {args.channel}; the file has {len(chans)} channel(s) "
                           f"(0..{len(chans) - 1})")
        chans = [chans[args.channel]]
    elif dst.suffix.lower() != ".dzt":
        chans = chans[:1]
    if dst.exists() and os.path.samefile(src, dst):
        raise CliError(f"{dst}: OUT is IN; write to another file")
    try:
        io.write(chans if len(chans) > 1 else chans[0], dst)
    except data_errors() as e:
        raise CliError(describe(dst, e)) from None
    print(f"{src} -> {dst}")
    return 0
