"""The Python samples run end to end on the shared data (skipped where it is absent)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "python"
PNG = b"\x89PNG\r\n\x1a\n"


def run(script, *args):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, str(SAMPLES / script), *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=600)


def pictures(out: Path):
    files = sorted(out.glob("*.png"))
    for f in files:
        assert f.read_bytes().startswith(PNG) and f.stat().st_size > 5000, f
    return [f.name for f in files]


def test_real_file_walkthrough(shared_data, tmp_path):
    dzt = shared_data / "real" / "gprpy" / "GSSI" / "FILE____032.DZT"
    if not dzt.is_file():
        pytest.skip(f"{dzt} is absent")
    r = run("real_file_walkthrough.py", dzt, "--out", tmp_path, "--velocity", "0.1")
    assert r.returncode == 0, r.stderr
    names = pictures(tmp_path)
    assert "00_raw.png" in names and "stages.png" in names and len(names) >= 8


def test_real_file_walkthrough_time_triggered(shared_data, tmp_path):
    rd3 = shared_data / "real" / "impdar" / "ten_col.rd3"
    if not rd3.is_file():
        pytest.skip(f"{rd3} is absent")
    r = run("real_file_walkthrough.py", rd3, "--out", tmp_path, "--velocity", "0.1")
    assert r.returncode == 0, r.stderr
    assert "migration skipped" in r.stdout
    assert "00_raw.png" in pictures(tmp_path)


def test_gprmax_scene(shared_data, tmp_path):
    folder = shared_data / "gprmax" / "dev_mines"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    r = run("gprmax_scene.py", folder, "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert pictures(tmp_path) == ["detections.png", "processed.png", "raw.png", "scores.png"]
    assert "Pd 1.00" in r.stdout  # both mines of dev_mines are found


def test_samples_refuse_a_missing_input(tmp_path):
    for script in ("real_file_walkthrough.py", "gprmax_scene.py"):
        r = run(script, tmp_path / "absent", "--out", tmp_path)
        assert r.returncode == 2 and "absent" in r.stderr
