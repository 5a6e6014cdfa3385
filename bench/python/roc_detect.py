"""ROC figures of the default detect chain: simulated minefields (the flat-ground line of the
detection tests and rough heterogeneous lines from gprkit.scenes) and the gprMax scenes.

    PYTHONPATH=build/release/python python3 bench/python/roc_detect.py [--seeds 1 2 3]
        [--random-lines 101 161]

Per line: Pd, false alarms (per m of line and per m^2 of a 0.5 m swath), false alarms on the
empty stretches (rough lines), the FROC area (0-1 false alarms per m), and the ROC area of
``mine_likeness`` for the detected objects, mines against clutter objects (stones, metal
fragments, roots), with its margin (min over mines - max over clutter: > 0 when one threshold
separates them), and on the rough lines how many detected objects' strongest alarm has the
physical polarity (mines -1, stones, metal and roots +1), and a last row with their totals (the
margin counted positive when above 0 before rounding; the likeness AUC there: the mean over
lines, the AUC of all lines' objects pooled, each object by its strongest alarm within the halo,
and on how many lines it reaches 0.9; after the table, how many alarms on empty ground sit on
one of the simulator's soil scatterers). ``--random-lines FIRST END`` adds the
totals of rough lines of seeds FIRST..END-1, each on its own soil (random_soil: eps 4-15,
roughness, fluctuations and antenna height drawn per seed), the lines the defaults of
2026-12-07 were chosen on (docs/detect.md). gprMax scenes run twice: as the tests load them
(header with time-zero, antenna height and separation) and raw (only dt and trace spacing, as
a new user would).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import gprkit  # noqa: E402
from gprkit.scenes import KINDS, rough_minefield  # noqa: E402

SWATH_M = 0.5


def header() -> None:
    print("| data | Pd | false alarms (/m, /m^2) | on empty ground | FROC area | likeness AUC | margin | "
          "polarity right | time |")
    print("|---|---|---|---|---|---|---|---|---|")


def row(name, ev, seconds, empty="", polarity="") -> None:
    auc = "-" if np.isnan(ev.likeness_auc) else f"{ev.likeness_auc:.3f}"
    margin = "-" if np.isnan(ev.likeness_margin) else f"{ev.likeness_margin:+.2f}"
    print(f"| {name} | {ev.pd:.2f} ({ev.n_detected}/{ev.n_targets}) | {ev.false_alarms} "
          f"({ev.false_alarms_per_m:.2f}, {ev.false_alarms_per_m2:.2f}) | {empty} | {ev.froc_auc:.3f} | "
          f"{auc} ({ev.n_detected} mines, {ev.n_clutter_detected} clutter) | {margin} | {polarity} | {seconds:.2f} s |")


def polarity_right(dets, scene, halo_m=0.1) -> str:
    """Objects whose strongest alarm within halo_m has the physical polarity (mines, eps about
    3 below any soil: -1; stones, metal and roots: +1), of the objects with an alarm."""
    right = seen = 0
    for o in scene.objects:
        near = [d for d in dets if abs(d.x_m - o["x_m"]) <= halo_m]
        if not near:
            continue
        seen += 1
        right += max(near, key=lambda d: d.score).polarity == (-1 if o["kind"] == 0 else 1)
    return f"{right}/{seen}"


def object_likeness(dets, scene, halo_m=0.1) -> tuple[list, list]:
    """The likeness of each object's strongest alarm within halo_m: (mines, clutter objects)."""
    mines, clutter = [], []
    for o in scene.objects:
        near = [d for d in dets if abs(d.x_m - o["x_m"]) <= halo_m]
        if near:
            (mines if o["kind"] == 0 else clutter).append(max(near, key=lambda d: d.score).mine_likeness)
    return mines, clutter


def pooled_auc(mines, clutter) -> float:
    """P(a mine's likeness > a clutter object's), ties counted half, over all lines' objects."""
    if not mines or not clutter:
        return float("nan")
    m = np.asarray(mines)[:, None]
    c = np.asarray(clutter)[None, :]
    return float(np.mean((m > c) + 0.5 * (m == c)))


STRONG_SCATTERER = 0.03  # 1.5 x rough_minefield's scatterer_amplitude std: ~13 % of them


def on_scatterer(x_m, depth, scene, along_m=0.06, depth_m=0.05) -> bool:
    """Whether a simulated soil scatterer of |amplitude| >= STRONG_SCATTERER lies within along_m
    and depth_m of (x_m, depth): an alarm on empty ground there is on a real point diffractor."""
    return any(abs(s["amplitude"]) >= STRONG_SCATTERER and abs(s["x_m"] - x_m) <= along_m
               and abs(s["depth_m"] - depth) <= depth_m for s in scene.scatterers)


def scatterer_counts(empty, scene) -> tuple[int, float]:
    """Of the alarms on empty ground: how many sit on a strong scatterer, and how many would by
    chance (the same depths at 20 evenly spaced positions along the empty stretch each)."""
    (a, b), = scene.empty_intervals[:1] or [(0.0, 0.0)]
    hits = sum(on_scatterer(d.x_m, d.depth_m, scene) for d in empty)
    chance = sum(np.mean([on_scatterer(x, d.depth_m, scene) for x in np.linspace(a, b, 20)]) for d in empty)
    return hits, float(chance)


NOTES: list[str] = []


def scene_truth(scene) -> list:
    return [dict(x_m=o["x_m"], depth_m=o["depth_m"], kind="mine" if o["kind"] == 0 else KINDS[o["kind"]])
            for o in scene.objects]


ROUGH_SETTINGS = [dict(), dict(soil_permittivity=12.0, surface_rms_m=0.015, permittivity_std=0.15),
                  dict(soil_permittivity=4.5, surface_rms_m=0.005, antenna_height_m=0.05)]


def random_soil(seed: int) -> dict:
    """The soil of a --random-lines line: eps 4-15, surface rms 0.3-2 cm, permittivity
    fluctuations 5-20 %, antenna 1-6 cm above ground, drawn from default_rng(1000 + seed)."""
    r = np.random.default_rng(1000 + seed)
    return dict(soil_permittivity=float(r.uniform(4, 15)), surface_rms_m=float(r.uniform(0.003, 0.02)),
                permittivity_std=float(r.uniform(0.05, 0.2)), antenna_height_m=float(r.uniform(0.01, 0.06)))


def rough_lines(lines, label="rough lines", rows=True) -> None:
    """lines: (seed, rough_minefield options) pairs; one row each (rows) and their totals."""
    total = dict(found=0, mines=0, alarms=0, empty_alarms=0, empty_m=0.0, aucs=[], positive=0,
                 right=0, seen=0, lines=0, mine_likeness=[], clutter_likeness=[], on_scatterer=0, by_chance=0.0)
    for seed, kw in lines:
        scene = rough_minefield(seed, **kw)
        t = time.perf_counter()
        dets = gprkit.detect(scene.bscan)
        seconds = time.perf_counter() - t
        x = scene.bscan.x_m()
        length = float(x[-1] - x[0])
        ev = gprkit.evaluate(dets, scene_truth(scene), halo_m=0.1, line_length_m=length, swath_m=SWATH_M)
        empty_m = sum(b - a for a, b in scene.empty_intervals)
        empty = [d for d in dets if any(a <= d.x_m <= b for a, b in scene.empty_intervals)]
        n_empty = len(empty)
        hits, chance = scatterer_counts(empty, scene)
        total["on_scatterer"] += hits
        total["by_chance"] += chance
        eps = kw.get("soil_permittivity", 6.0)
        rms = kw.get("surface_rms_m", 0.01)
        polarity = polarity_right(dets, scene)
        if rows:
            row(f"rough seed {seed} eps {eps:.3g} rms {rms * 100:.2g} cm", ev, seconds,
                f"{n_empty} in {empty_m:.1f} m", polarity)
        right, seen = (int(v) for v in polarity.split("/"))
        mines, clutter = object_likeness(dets, scene)
        total["mine_likeness"] += mines
        total["clutter_likeness"] += clutter
        total["found"] += ev.n_detected
        total["mines"] += ev.n_targets
        total["alarms"] += ev.false_alarms
        total["empty_alarms"] += n_empty
        total["empty_m"] += empty_m
        total["lines"] += 1
        total["right"] += right
        total["seen"] += seen
        if not np.isnan(ev.likeness_auc):
            total["aucs"].append(ev.likeness_auc)
        total["positive"] += bool(ev.likeness_margin > 0)
    t = total
    if t["lines"]:
        auc = "-"
        if t["aucs"]:
            auc = (f"{np.mean(t['aucs']):.3f} (mean), "
                   f"{pooled_auc(t['mine_likeness'], t['clutter_likeness']):.3f} (pooled), "
                   f">= 0.9 on {sum(a >= 0.9 for a in t['aucs'])}/{len(t['aucs'])}")
        print(f"| {label}, all {t['lines']} | {t['found'] / max(t['mines'], 1):.2f} ({t['found']}/{t['mines']}) | "
              f"{t['alarms']} | {t['empty_alarms']} in {t['empty_m']:.1f} m "
              f"({t['empty_alarms'] / max(t['empty_m'], 1e-9):.2f} per m) | | {auc} | "
              f"{t['positive']}/{t['lines']} positive | {t['right']}/{t['seen']} | |")
        if t["empty_alarms"]:
            NOTES.append(f"{label}: {t['on_scatterer']} of {t['empty_alarms']} alarms on empty ground lie within "
                         f"6 cm along and 5 cm in depth of a simulated soil scatterer of |amplitude| >= "
                         f"{STRONG_SCATTERER} (by chance: {t['by_chance']:.1f})")


def flat_lines(seeds) -> None:
    from test_detect_detect import minefield

    for seed in seeds:
        sim = minefield(seed)
        t = time.perf_counter()
        dets = gprkit.detect(sim.bscan)
        seconds = time.perf_counter() - t
        ev = gprkit.evaluate(dets, sim.truth, halo_m=0.1, line_length_m=10.0, swath_m=SWATH_M)
        row(f"flat minefield seed {seed}", ev, seconds)


def gprmax_scenes() -> None:
    shared = ROOT.parent / "shared" / "data" / "gprmax"
    if not shared.is_dir():
        print(f"(gprMax scenes skipped: {shared} is absent)")
        return
    for path in sorted(p for p in shared.iterdir() if (p / "meta.json").is_file()):
        scene, meta = gprkit.read_gprmax_scene(path)  # resampled to 25 ps, geometry in the header
        data = np.load(path / "bscan.npy")
        truth = meta["targets"]
        if not any(t.get("kind") == "mine" for t in truth):
            truth = [dict(t, kind="mine") for t in truth]  # a lone diffractor stands in for a target
        length = meta["trace_spacing_m"] * (data.shape[1] - 1)
        raw = gprkit.Bscan(np.asfortranarray(data.astype(np.float32)), dt_ns=meta["dt_s"] * 1e9,
                           dx_m=meta["trace_spacing_m"], x_m=meta["first_trace_x_m"]
                           + meta["trace_spacing_m"] * np.arange(data.shape[1]))
        for label, b in (("with header", scene), ("raw", raw)):
            t = time.perf_counter()
            dets = gprkit.detect(b)
            seconds = time.perf_counter() - t
            ev = gprkit.evaluate(dets, truth, halo_m=0.1, line_length_m=length, swath_m=SWATH_M)
            row(f"gprMax {path.name} ({label})", ev, seconds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--random-lines", type=int, nargs=2, metavar=("FIRST", "END"),
                    help="also rough lines of seeds FIRST..END-1, each on its own random soil "
                         "(random_soil), totals only")
    args = ap.parse_args()
    header()
    flat_lines(args.seeds)
    rough_lines([(seed, kw) for seed in args.seeds for kw in ROUGH_SETTINGS])
    if args.random_lines:
        first, end = args.random_lines
        rough_lines([(seed, random_soil(seed)) for seed in range(first, end)],
                    label=f"random-soil lines {first}-{end - 1}", rows=False)
    gprmax_scenes()
    if NOTES:
        print()
        for n in NOTES:
            print(n)


if __name__ == "__main__":
    main()
