"""Walk a real GPR file through the gprkit chain, writing a picture at each stage.

    python3 samples/python/real_file_walkthrough.py [FILE] [--out DIR] [--velocity V]

FILE defaults to the GSSI DZT of ../shared/data/real (GPRPy's example line); any format that
gprkit.read accepts works (pulseEKKO .DT1, MALA .rd3, SEG-Y, ...). Stages: raw -> time-zero
(first arrival moved to t = 0) -> dewow -> band-pass -> background removal -> gain, then a
Stolt migration at the velocity given (or estimated from the diffractions), each saved as
DIR/NN_stage.png, plus DIR/stages.png with every stage side by side. The first samples and
the direct wave never set the contrast (gprkit.plot.clip_level). Needs matplotlib.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import gprkit
from gprkit import plot

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "data" / "real" / "gprpy" / "GSSI" / "FILE____032.DZT"


def walk(path: Path, out: Path, velocity_m_per_ns: float | None = None) -> list[Path]:
    b = gprkit.read(path)
    print(f"{path.name}: {b}  (centre frequency {b.header['centre_frequency_mhz']:g} MHz)")
    stages = [("raw", b)]
    b = gprkit.time_zero(b)
    stages.append(("time-zero", b))
    b = gprkit.dewow(b)
    stages.append(("dewow", b))
    b = gprkit.bandpass(b)
    stages.append(("band-pass", b))
    b = gprkit.remove_background(b)
    stages.append(("background removed", b))
    b = gprkit.gain(b)
    stages.append(("gain", b))
    v = velocity_m_per_ns
    if v is None:
        try:
            est = gprkit.estimate_velocity(b)
            v = float(est["velocity_m_per_ns"])
            if not 0.051 < v < 0.199:  # at an end of the search range (0.05..0.2): not found
                print(f"  velocity estimate {v:.3f} m/ns sits at the end of the search range; using 0.1 m/ns")
                v = None
        except (ValueError, RuntimeError) as e:
            print(f"  velocity not estimated ({e}); using 0.1 m/ns")
        if v is None or not math.isfinite(v) or v <= 0:
            v = 0.1
    print(f"  velocity {v:.3f} m/ns")
    if b.dx_m > 0:
        stages.append((f"Stolt migration, v = {v:.3f} m/ns", gprkit.migrate(b, velocity_m_per_ns=v)))
    else:
        print("  no trace spacing in the header (time-triggered file): migration skipped "
              "(set b.header['dx_m'] to migrate)")
    written = []
    for i, (name, s) in enumerate(stages):
        p = plot.save_bscan(out / f"{i:02d}_{name.split(',')[0].replace(' ', '_')}.png", s,
                            title=f"{path.name}: {name}", velocity_m_per_ns=v if i > 0 else None)
        written.append(p)
        print(f"  {p}")
    written.append(plot.plot_panels(out / "stages.png", stages[1:], suptitle=path.name, velocity_m_per_ns=v))
    print(f"  {written[-1]}")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--out", type=Path, default=Path("walkthrough_out"))
    ap.add_argument("--velocity", type=float, default=None, help="m/ns (default: estimated)")
    args = ap.parse_args(argv)
    if not args.file.is_file():
        ap.error(f"{args.file} is absent (the real files sit in ../shared/data/real beside the checkout)")
    walk(args.file, args.out, args.velocity)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
