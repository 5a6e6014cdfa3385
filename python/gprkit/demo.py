"""The bundled demo (``gprkit demo``): a synthetic minefield line with clutter through the
default landmine chain, with pictures, the alarms as CSV/JSON, and Pd / false alarms."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import gprkit

VELOCITY_M_PER_NS = 0.1  # the simulated soil's
HALO_M = 0.1  # an alarm this close along the line declares a mine


def minefield_line(n_traces: int = 600, seed: int = 7) -> gprkit.Simulation:
    """A 1 GHz handheld line over moist soil (0.1 m/ns): three plastic mines (weak, 5-12 cm),
    a metal fragment, a stone, a root-like dipping streak, a ground bounce wandering with the
    antenna height, antenna ringing, wow and noise."""
    length = n_traces * 0.01
    mines = [(0.2 * length, 0.05, 0.25), (0.5 * length, 0.08, 0.2), (0.8 * length, 0.12, 0.25)]
    # Plastic reflects with the direct wave's sign (opposite to the ground bounce), the metal
    # fragment and the stone with the ground's.
    clutter = [(0.35 * length, 0.03, -0.9), (0.65 * length, 0.06, -0.4)]
    diffractors = [dict(x_m=x, depth_m=d, amplitude=a, kind=0) for x, d, a in mines]
    diffractors += [dict(x_m=x, depth_m=d, amplitude=a, kind=1) for x, d, a in clutter]
    root = dict(depth_m=0.04, dip_deg=12.0, x0_m=0.9 * length, amplitude=-0.15,  # wet: the ground's sign
                x_min_m=0.9 * length, x_max_m=0.97 * length)
    return gprkit.simulate(diffractors=diffractors, layers=[root], n_samples=512, n_traces=n_traces,
                           dt_ns=0.025, dx_m=0.01, t0_ns=-1.0, velocity_m_per_ns=0.1,
                           antenna_offset_m=0.05, antenna_height_m=0.03, height_variation_m=0.01,
                           height_variation_period_m=1.7, centre_frequency_mhz=1000,
                           direct_wave_amplitude=2.0, ground_bounce_amplitude=-1.5,
                           ringing_amplitude=0.05, wow_amplitude=0.4, noise_std=0.01, seed=seed)


def run_demo(out_dir: str | Path = "demo_out", n_traces: int = 600, seed: int = 7) -> int:
    """Simulate the line, run the default detector (the landmine pipeline of
    samples/pipelines/landmine.json, then gprkit.detect's migration, score and thresholds), and
    write into `out_dir`: raw.png, processed.png (the landmine pipeline's output),
    migrated.png (Kirchhoff migration at 0.1 m/ns, air gap honoured, depth axis), scores.png (score along
    the line, alarms and truth), detections.csv (the columns of ``gprkit detect``) and
    detections.json (alarms and truth). Prints Pd and the false alarms; returns 0."""
    from .cli._files import atomic_write, progress, save_figure, save_radargram
    from .cli.detect import alarm_rows, csv_text
    from .detect_plot import plot_detections

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    v = VELOCITY_M_PER_NS
    state: dict[str, Any] = {}

    def simulate() -> None:
        state["sim"] = minefield_line(n_traces, seed=seed)

    def process() -> None:
        t = time.perf_counter()
        raw = state["sim"].bscan
        state["processed"] = gprkit.Pipeline.landmine().run(raw)
        state["migrated"] = gprkit.migrate(state["processed"], method="kirchhoff", velocity_m_per_ns=v)
        state["detections"], state["score"] = gprkit.detect(raw, return_score=True)
        state["elapsed"] = time.perf_counter() - t

    def pictures() -> None:
        sim, dets = state["sim"], state["detections"]
        mines = [t for t in sim.truth if t["kind"] == 0]
        name = f"synthetic minefield line, {sim.bscan.n_traces} traces"
        save_radargram(out / "raw.png", sim.bscan, title=f"raw: {name}", velocity_m_per_ns=v, truth=mines)
        save_radargram(out / "processed.png", state["processed"],
                       title="landmine pipeline: dewow, band-pass, surface background removal",
                       velocity_m_per_ns=v, truth=mines)
        save_radargram(out / "migrated.png", state["migrated"],
                       title=f"Kirchhoff migration at {v} m/ns (circles: mines, crosses: alarms)",
                       velocity_m_per_ns=v, truth=mines, detections=dets)
        fig = plot_detections(state["score"], truth=sim.truth, detections=dets, evaluation=state["ev"],
                              halo_m=HALO_M, title="gprkit demo: hyperbola score along the line "
                              "(green: mines +- halo, grey: clutter, red: alarms)")
        save_figure(fig, out / "scores.png", dpi=90)

    def evaluate() -> None:
        sim, dets = state["sim"], state["detections"]
        length = sim.bscan.n_traces * sim.bscan.dx_m
        state["length"] = length
        state["ev"] = gprkit.evaluate(dets, sim.truth, halo_m=HALO_M, line_length_m=length)

    def tables() -> None:
        sim, dets = state["sim"], state["detections"]
        rows = alarm_rows("demo", 0, sim.bscan, dets)
        with atomic_write(out / "detections.csv", "w", encoding="utf-8", newline="") as f:
            f.write(csv_text(rows))
        doc = {"detections": [d.to_dict() for d in dets], "truth": sim.truth,
               "evaluation": {k: state["ev"][k] for k in ("n_targets", "n_detected", "pd", "false_alarms",
                                                          "false_alarm_rate")}}
        with atomic_write(out / "detections.json", "w", encoding="utf-8") as f:
            f.write(json.dumps(doc, indent=1, default=float) + "\n")

    stages = [("simulate", simulate), ("process", process), ("evaluate", evaluate), ("tables", tables),
              ("pictures", pictures)]
    for _, stage in progress(stages, total=len(stages), desc="demo"):
        stage()
    sim, ev, dets = state["sim"], state["ev"], state["detections"]
    names = ", ".join(str(out / n) for n in ("raw.png", "processed.png", "migrated.png", "scores.png",
                                             "detections.csv", "detections.json"))
    print(f"gprkit demo: {sim.bscan.n_samples}x{sim.bscan.n_traces} B-scan, detector ran in "
          f"{state['elapsed']:.2f} s; {len(dets)} alarms: Pd {ev['pd']:.2f} ({ev['n_detected']}/"
          f"{ev['n_targets']} mines found), {ev['false_alarms']} false alarms over {state['length']:.1f} m "
          f"({ev['false_alarm_rate']:.2f} per m); wrote {names}")
    return 0
