"""ROC figures of the default detect chain: simulated minefields and the gprMax scenes.

    PYTHONPATH=build/release/python python3 bench/python/roc_detect.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import gprkit  # noqa: E402
from conftest import gprmax_to_bscan  # noqa: E402
from test_detect_detect import minefield  # noqa: E402


def row(name, ev):
    print(f"| {name} | {ev.pd:.2f} | {ev.false_alarms} ({ev.false_alarm_rate:.2f}/m) | {ev.auc:.3f} | {ev.froc_auc:.3f} |")


def main() -> None:
    print("| data | Pd | false alarms | AUC | FROC area (0-1 FA/m) |")
    print("|---|---|---|---|---|")
    for seed in (1, 2, 3):
        sim = minefield(seed)
        ev = gprkit.evaluate(gprkit.detect(sim.bscan), sim.truth, halo_m=0.1, line_length_m=10.0)
        row(f"minefield seed {seed}", ev)
    shared = ROOT.parent / "shared" / "data" / "gprmax"
    if not shared.is_dir():
        print(f"(gprMax scenes skipped: {shared} is absent)")
        return
    import json

    import numpy as np

    for name in ("dev_mines", "dev_point", "dev_hetero"):
        meta = json.loads((shared / name / "meta.json").read_text())
        b = gprmax_to_bscan(np.load(shared / name / "bscan.npy"), meta)
        truth = meta["targets"]
        if name == "dev_point":
            truth = [dict(t, kind="mine") for t in truth]  # the cylinder stands in for a target
        ev = gprkit.evaluate(gprkit.detect(b), truth, halo_m=0.1)
        row(f"gprMax {name}", ev)


if __name__ == "__main__":
    main()
