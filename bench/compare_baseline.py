"""Compare Google Benchmark results with a stored baseline of the same machine kind.

    python3 bench/compare_baseline.py RESULT.json [RESULT.json ...] [--baseline FILE]
        [--threshold 0.25] [--markdown OUT.md] [--write-baseline]

RESULT.json are the files of ``--benchmark_out=... --benchmark_out_format=json``. The baseline
is ``bench/baselines/<machine>.json``, where <machine> names the CPU model and the core count
(a CI machine of another kind has no baseline, and that is reported). A benchmark whose real
time is more than ``threshold`` (default 25 %) above the baseline's is flagged as a regression.
Machines are noisy, so this reports and never fails: the exit status is 0 unless an input file
is missing or unreadable (2). ``--write-baseline`` stores the results as this machine's baseline
(benchmarks merged by name into any file already there).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
from pathlib import Path

UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
HERE = Path(__file__).resolve().parent


def machine_key() -> str:
    """CPU model and core count as a file name, e.g. intel-xeon-processor-2c."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1]
                break
    except OSError:
        pass
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\(r\)|\(tm\)|cpu|@.*", "", model.lower())).strip("-")
    return f"{slug or 'unknown'}-{os.cpu_count()}c"


def load_times(path: Path) -> dict[str, float]:
    """Benchmark name -> real time in seconds (aggregates and errored runs left out)."""
    data = json.loads(path.read_text())
    out: dict[str, float] = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        out[b["name"]] = float(b["real_time"]) * UNIT_S[b.get("time_unit", "ns")]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", type=Path)
    ap.add_argument("--baseline", type=Path, default=None)
    ap.add_argument("--threshold", type=float, default=0.25)
    ap.add_argument("--markdown", type=Path, default=None)
    ap.add_argument("--write-baseline", action="store_true")
    args = ap.parse_args(argv)

    key = machine_key()
    base_path = args.baseline or HERE / "baselines" / f"{key}.json"
    current: dict[str, float] = {}
    for p in args.results:
        try:
            current.update(load_times(p))
        except (OSError, ValueError, KeyError) as e:
            print(f"compare_baseline: cannot read {p}: {e}", file=sys.stderr)
            return 2
    if not current:
        print("compare_baseline: no benchmark results in the inputs", file=sys.stderr)
        return 2

    if args.write_baseline:
        old = json.loads(base_path.read_text())["seconds"] if base_path.exists() else {}
        old.update(current)
        base_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = base_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"machine": key, "seconds": dict(sorted(old.items()))}, indent=1) + "\n")
        tmp.replace(base_path)  # the old baseline stays whole if writing fails
        print(f"compare_baseline: wrote {len(current)} benchmarks to {base_path}")
        return 0

    if not base_path.exists():
        print(f"compare_baseline: no baseline for this machine ({key}): {base_path} is absent. "
              "Nothing compared; store one with --write-baseline.")
        return 0
    base = json.loads(base_path.read_text())["seconds"]

    rows, regressions = [], 0
    for name in sorted(current):
        if name not in base:
            rows.append((name, current[name], None, None, "new"))
            continue
        ratio = current[name] / base[name]
        flag = "REGRESSION" if ratio > 1 + args.threshold else ("faster" if ratio < 1 - args.threshold else "")
        regressions += flag == "REGRESSION"
        rows.append((name, current[name], base[name], ratio, flag))
    missing = sorted(set(base) - set(current))

    lines = [f"Benchmarks against the baseline of {key} ({base_path.name}); regression = more "
             f"than {args.threshold:.0%} slower.", "",
             "| benchmark | now (ms) | baseline (ms) | now / baseline | |", "|---|---:|---:|---:|---|"]
    for name, now, was, ratio, flag in rows:
        was_s = f"{was * 1e3:.3f}" if was is not None else "-"
        ratio_s = f"{ratio:.2f}" if ratio is not None else "-"
        lines.append(f"| {name} | {now * 1e3:.3f} | {was_s} | {ratio_s} | {flag} |")
    lines += ["", f"{regressions} regression(s) of {sum(r[3] is not None for r in rows)} compared"
              + (f"; not run now: {', '.join(missing)}" if missing else "") + "."]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
