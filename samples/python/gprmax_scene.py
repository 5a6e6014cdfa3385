"""Process a gprMax scene folder (bscan.npy + meta.json): detect, compare with the truth,
and write pictures.

    python3 samples/python/gprmax_scene.py [FOLDER] [--out DIR]

FOLDER defaults to ../shared/data/gprmax/dev_mines. gprkit.read_gprmax_scene resamples the
FDTD output to 25 ps and puts the geometry (trace positions, air gap, antenna offset,
time-zero at the Ricker peak) in the header; gprkit.detect runs the default landmine chain;
gprkit.evaluate matches the alarms to meta.json's targets within 10 cm. Pictures: raw.png,
processed.png (the chain's preprocessing) and detections.png (alarms + and truth o on the
processed section), scores.png (score along the line and the ROC). Needs matplotlib.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import gprkit
from gprkit import plot
from gprkit.detect_plot import plot_detections

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "data" / "gprmax" / "dev_mines"


def run(folder: Path, out: Path) -> dict:
    b, meta = gprkit.read_gprmax_scene(folder)
    truth = meta.get("targets", [])
    v_soil = (meta.get("soil", {}).get("velocity_m_per_s") or 0.0) / 1e9 or None
    print(f"{folder.name}: {b}; {len(truth)} objects; soil velocity "
          f"{f'{v_soil:.4f} m/ns' if v_soil else 'not single (heterogeneous)'}")
    dets, score = gprkit.detect(b, return_score=True)
    processed = gprkit.Pipeline.landmine().run(b)
    ev = gprkit.evaluate(dets, truth, halo_m=0.1, line_length_m=float(b.x_m()[-1] - b.x_m()[0]))
    for d in dets:
        print(f"  alarm x = {d.x_m:.3f} m, depth {d.depth_m:.3f} m, t = {d.t_ns:.2f} ns, score {d.score:.3g}, "
              f"{d.material}")
    for t in truth:
        print(f"  truth {t.get('kind', '?'):7s} {t.get('label', ''):22s} x = {t['x_center_m']:.3f} m, "
              f"top {t['top_depth_m']:.3f} m")
    print(f"  Pd {ev['pd']:.2f}, {ev['false_alarms']} false alarm(s)")
    v = v_soil or 0.1
    plot.save_bscan(out / "raw.png", b, title=f"{folder.name}: raw Ez (resampled to 25 ps)",
                    velocity_m_per_ns=v, truth=truth)
    plot.save_bscan(out / "processed.png", processed, title=f"{folder.name}: landmine preprocessing",
                    velocity_m_per_ns=v, truth=truth)
    plot.save_bscan(out / "detections.png", processed, title=f"{folder.name}: alarms (+) and truth (o)",
                    velocity_m_per_ns=v, detections=dets, truth=truth)
    fig = plot_detections(score, truth=truth, detections=dets, evaluation=ev, path=str(out / "scores.png"),
                          title=f"{folder.name}: score along the line")
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(f"  pictures in {out}")
    return {"pd": ev["pd"], "false_alarms": ev["false_alarms"], "detections": dets}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--out", type=Path, default=Path("gprmax_scene_out"))
    args = ap.parse_args(argv)
    if not (args.folder / "meta.json").is_file():
        ap.error(f"{args.folder} is not a gprMax scene folder (bscan.npy + meta.json; the scenes sit in "
                 f"../shared/data/gprmax beside the checkout)")
    run(args.folder, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
