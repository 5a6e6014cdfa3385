"""``gprkit steps [STEP...]``: the steps of the pipeline registry and their options."""
from __future__ import annotations

import argparse
import json
from typing import Any

from ._files import UsageError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("steps", help="list the pipeline steps and their options",
                       description="The steps of the pipeline registry (gprkit.steps()): what each does, "
                       "its reach along the line, and every option with type, unit, default and range.")
    p.add_argument("names", nargs="*", metavar="STEP", help="only these steps")
    p.add_argument("--json", action="store_true", help="the registry as JSON (gprkit.steps())")
    p.set_defaults(func=run)


def _default(o: dict) -> str:
    if o.get("default") is None:
        return f"auto: {o['auto']}" if o.get("auto") else "none"
    return json.dumps(o["default"])


def format_steps(reg: dict) -> str:
    lines = []
    for name, s in reg.items():
        lines.append(f"{name}  [{s.get('kind', '')}; reach {s.get('reach', '?')}]")
        if s.get("doc"):
            lines.append(f"    {s['doc']}")
        opts = s.get("options") or {}
        width = max((len(k) for k in opts), default=0)
        for k, o in opts.items():
            unit = f" ({o['unit']})" if o.get("unit") else ""
            allowed = ""
            if o.get("choices"):
                allowed = "one of " + ", ".join(map(str, o["choices"]))
            elif o.get("range"):
                allowed = str(o["range"])
            parts = (str(o.get("type", "")) + unit, "default " + _default(o), allowed)
            meta = "; ".join(x for x in parts if x)
            lines.append(f"    {k:<{width}}  {o.get('doc', '')}  [{meta}]")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def run(args: argparse.Namespace) -> int:
    from ..pipeline import steps

    reg = steps()
    if args.names:
        unknown = [n for n in args.names if n not in reg]
        if unknown:
            raise UsageError(f"unknown step {unknown[0]!r}; expected one of {', '.join(reg)}")
        reg = {n: reg[n] for n in args.names}
    print(json.dumps(reg, indent=1) if args.json else format_steps(reg))
    return 0
