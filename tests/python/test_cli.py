"""The command line (gprkit.cli) end to end: every command in a subprocess as a user runs it
(``python -m gprkit``), the cheap ones in-process through gprkit.cli.main; outputs, exit codes,
one-line errors, no tracebacks, no progress bars when piped."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gprkit
from gprkit.cli import main
from gprkit.cli.detect import columns

from conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
REAL = SHARED_DATA / "real"
PNG = b"\x89PNG\r\n\x1a\n"
MINE_X_M, MINE_DEPTH_M = 1.0, 0.1
# What tqdm draws: carriage returns, "42%|" and rates.
BAR = re.compile(r"\r|\d+%\||it/s|file/s|s/file")


def _env() -> dict:
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("GPRKIT_DEBUG", None)  # it turns internal errors into tracebacks
    # PYTHONPATH as pytest got it, made absolute so that commands may run in another folder
    paths = [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    """``python -m gprkit ARGS`` with stdout and stderr on pipes (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "gprkit", *map(str, args)], env=_env(), cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def no_traceback(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stderr, r.stderr
    assert not re.search(r"^\w+(Error|Exception):", r.stderr, re.M), r.stderr  # a bare exception


def one_error_line(r: subprocess.CompletedProcess, code: int, *names: str) -> str:
    """The command failed with `code` and exactly one line on stderr naming each of `names`."""
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    no_traceback(r)
    lines = r.stderr.strip("\n").splitlines()
    assert len(lines) == 1, r.stderr
    for n in names:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def real(rel: str) -> Path:
    p = REAL / rel
    if not p.exists():
        pytest.skip(f"{p} is absent (the shared data folder sits beside a developer's checkout)")
    return p


def real_files() -> list[Path]:
    """The real GPR files in the shared folder, every format gprkit reads."""
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix.lower() in (".dzt", ".dt1", ".rd3", ".iprb"))


# -- pictures --------------------------------------------------------------------------------

def png(path: Path) -> np.ndarray:
    """A non-empty, valid PNG of a real size; returns its pixels."""
    mpimg = pytest.importorskip("matplotlib.image")
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 5000, path
    im = mpimg.imread(path)
    assert im.ndim == 3 and im.shape[0] >= 200 and im.shape[1] >= 200, (path, im.shape)
    return im


def plot_area_std(im: np.ndarray) -> float:
    """Std of the grey levels inside the radargram (a crop well inside the axes, left of the
    colour bar): near 0 when the image is one uniform grey (the contrast set by a few huge
    samples, or a flat section)."""
    h, w = im.shape[:2]
    return float(im[int(0.1 * h):int(0.9 * h), int(0.1 * w):int(0.8 * w), :3].mean(axis=2).std())


def display_clip(b: gprkit.Bscan) -> tuple[float, float]:
    """(centre, limit) of the grey scale as gprkit.plot.plot_bscan chooses them."""
    from gprkit import plot

    d = b.data
    lo, hi = float(d.min()), float(d.max())
    signed = lo < 0 or lo > 0.05 * hi
    centre = plot.display_centre(d) if signed else 0.0
    return centre, plot.clip_level(b, 99.0, centre=centre)


# -- synthetic inputs ------------------------------------------------------------------------

def line(diffractors=(), seed=1, noise_std=0.01) -> gprkit.Bscan:
    """A small 1 GHz line (256 samples x 200 traces, 1 cm apart, 0.1 m/ns)."""
    return gprkit.simulate(diffractors=list(diffractors), n_samples=256, n_traces=200, dt_ns=0.025,
                           dx_m=0.01, t0_ns=-1.0, velocity_m_per_ns=0.1, centre_frequency_mhz=1000,
                           noise_std=noise_std, seed=seed).bscan


@pytest.fixture(scope="module")
def sim(tmp_path_factory) -> dict[str, Path]:
    """mine.npy (a buried mine at 1 m, 10 cm deep), mine.dzt (the same), flat.npy (noise only)."""
    d = tmp_path_factory.mktemp("sim")
    mine = line([dict(x_m=MINE_X_M, depth_m=MINE_DEPTH_M, amplitude=1.0)])
    gprkit.write(mine, d / "mine.npy")
    gprkit.write(mine, d / "mine.dzt")
    gprkit.write(line(seed=2), d / "flat.npy")
    return {"mine": d / "mine.npy", "mine_dzt": d / "mine.dzt", "flat": d / "flat.npy"}


# -- demo ------------------------------------------------------------------------------------

DEMO_FILES = ("raw.png", "processed.png", "migrated.png", "scores.png", "detections.csv", "detections.json")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("demo") / "demo_out"
    return out, cli("demo", "--out", out)


def test_demo_writes_pictures_and_alarms(demo):
    out, r = demo
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(DEMO_FILES)
    for name in DEMO_FILES:
        assert (out / name).stat().st_size > 0, name
    for name in DEMO_FILES[:4]:
        assert plot_area_std(png(out / name)) > 0.05, name
    doc = json.loads((out / "detections.json").read_text())
    ev = doc["evaluation"]
    assert ev["pd"] == 1.0 and ev["n_detected"] == ev["n_targets"] == 3  # every simulated mine found
    with open(out / "detections.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == columns()
    assert len(rows) - 1 == len(doc["detections"]) > 0
    assert re.search(r"Pd 1\.00 \(3/3 mines found\)", r.stdout), r.stdout
    assert str(out / "detections.csv") in r.stdout


def test_demo_shows_no_progress_bar_when_piped(demo):
    _, r = demo
    assert not BAR.search(r.stderr), repr(r.stderr)


def test_demo_usage_error():
    with pytest.raises(SystemExit) as e:
        main(["demo", "--traces", "many"])
    assert e.value.code == 2
    assert main(["demo", "--traces", "10", "--out", os.devnull]) == 2


# -- process on the real files ---------------------------------------------------------------

@pytest.fixture(scope="module")
def processed_real(tmp_path_factory):
    """``gprkit process ../shared/data/real --out DIR`` once for the module."""
    if not REAL.is_dir():
        pytest.skip(f"shared data folder {REAL} is absent (it sits beside a developer's checkout)")
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("real")
    return out, cli("process", REAL, "--out", out)


def test_process_real_folder(processed_real):
    out, r = processed_real
    assert r.returncode == 0, r.stderr
    no_traceback(r)
    files = real_files()
    lines = r.stdout.splitlines()
    assert len(lines) == len(files)  # one line per file, files it does not read skipped silently
    for f in files:
        assert any(line.startswith(f"{f} -> ") for line in lines), f
    assert not BAR.search(r.stderr), repr(r.stderr)  # stdout is a pipe: no tqdm bar


@pytest.mark.parametrize("rel", [str(p.relative_to(REAL)) for p in real_files()] or ["(no real files)"])
def test_process_real_file(processed_real, rel):
    out, r = processed_real
    assert r.returncode == 0, r.stderr
    path = REAL / rel
    name = path.stem
    for suffix in (".npy", ".npy.json", "_raw.png", "_processed.png"):
        assert (out / (name + suffix)).stat().st_size > 0, name + suffix
    raw = gprkit.read(path)
    proc = gprkit.read(out / f"{name}.npy")
    assert proc.data.shape == raw.data.shape
    assert np.isfinite(proc.data).all()
    assert np.array_equal(np.load(out / f"{name}.npy"), proc.data)
    history = json.loads((out / f"{name}.npy.json").read_text())["history"]
    assert [e["step"] for e in history] == ["read"] + [s.step for s in gprkit.Pipeline.landmine().steps]
    assert history[0]["options"]["path"] == str(path)
    for tag, b in (("raw", raw), ("processed", proc)):
        centre, clip = display_clip(b)
        a = np.abs(b.data.astype(np.float64) - centre)
        # The contrast is not set by the strongest samples (instrument words, the direct wave):
        # the clip is well below them, and a small but real part of the section saturates.
        assert 0 < clip < 0.5 * a.max(), (tag, clip, a.max())
        assert 0.001 < (a > clip).mean() < 0.25, (tag, (a > clip).mean())
        assert plot_area_std(png(out / f"{name}_{tag}.png")) > 0.02, tag


def test_process_real_gssi_contrast_ignores_the_header_words(processed_real):
    """GSSI keeps a scan counter and marks in samples 0 and 1 of each trace; they must set
    neither the data nor the contrast of the pictures."""
    path = real("gprpy/GSSI/FILE____032.DZT")
    out, r = processed_real
    b = gprkit.read(path)
    raw = b.header["raw"]
    assert (raw["rh_bits"], raw["rh_nchan"]) == ("16", "1")
    n = int(raw["rh_nsamp"])
    words = np.fromfile(path, dtype="<u2", offset=int(raw["data_offset"]))
    words = words[: words.size // n * n].reshape(-1, n).T.astype(np.float64) - 32768.0
    header_words = np.abs(words[:2]).max()
    assert header_words > 30000  # the counter starts at 0: -32768 as a signed sample
    assert b.n_samples == n - 2 and np.array_equal(b.data, words[2:].astype(np.float32))
    for b_ in (b, gprkit.read(out / f"{path.stem}.npy")):
        _, clip = display_clip(b_)
        assert clip < 0.5 * header_words
        assert clip > 20 * np.abs(b_.data[:4]).max() or clip > 1000  # the top samples are quiet


def test_process_picture_contrast_ignores_huge_first_samples(tmp_path):
    """The same property on a synthetic line whose first samples hold GSSI-like words: a raw
    picture with its contrast set by them would be one uniform grey."""
    b = line([dict(x_m=MINE_X_M, depth_m=MINE_DEPTH_M, amplitude=1.0)])
    d = b.data.copy(order="F")
    d[:2] = 30000.0
    gprkit.write(b.with_data(d), tmp_path / "words.npy")
    gprkit.write(gprkit.Bscan(np.full((256, 200), 5.0, np.float32, order="F"), dt_ns=0.025, dx_m=0.01),
                 tmp_path / "uniform.npy")
    r = cli("process", tmp_path / "words.npy", tmp_path / "uniform.npy", "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert plot_area_std(png(tmp_path / "out" / "words_raw.png")) > 0.05
    assert plot_area_std(png(tmp_path / "out" / "uniform_raw.png")) < 0.01  # the measure can fail


# -- info ------------------------------------------------------------------------------------

def test_info_json_one_line_per_file(sim):
    r = cli("info", sim["mine"], sim["mine_dzt"], "--json")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    recs = [json.loads(s) for s in lines]
    assert [rec["format"] for rec in recs] == ["npy", "dzt"]
    for rec in recs:
        assert rec["dt_ns"] == pytest.approx(0.025, rel=1e-6)
        assert (rec["n_samples"], rec["n_traces"]) == (256, 200)
        assert rec["dx_m"] == pytest.approx(0.01)


def test_info_folder(sim, tmp_path, capsys):
    for k in ("mine", "flat"):
        gprkit.write(gprkit.read(sim[k]), tmp_path / f"{k}.npy")
    (tmp_path / "notes.txt").write_text("not GPR data\n")
    assert main(["info", str(tmp_path), "--json"]) == 0
    recs = [json.loads(s) for s in capsys.readouterr().out.splitlines()]
    assert sorted(Path(rec["path"]).name for rec in recs) == ["flat.npy", "mine.npy"]  # no sidecars
    assert main(["info", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") == 2 and "n_traces" in out and "200" in out


def test_info_real_dt1_json():
    path = real("rgpr/flagogna_raw/XLINE001.DT1")
    r = cli("info", "--json", path)
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    rec = json.loads(line)
    assert (rec["format"], rec["n_samples"], rec["dt_ns"]) == ("dt1", 425, 0.8)
    assert rec["gps_fixes"] > 0  # from XLINE001.GPS


# -- detect ----------------------------------------------------------------------------------

def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def test_detect_csv_finds_the_mine(sim, tmp_path):
    r = cli("detect", sim["mine"], "--out", tmp_path / "alarms.csv")
    assert r.returncode == 0, r.stderr
    header, rows = read_csv(tmp_path / "alarms.csv")
    assert header == columns()
    assert {"file", "x_m", "depth_m", "t_ns", "score", "lon_deg", "lat_deg"} <= set(header)
    near = [a for a in rows if abs(float(a["x_m"]) - MINE_X_M) < 0.1]
    assert near, rows
    assert abs(float(near[0]["depth_m"]) - MINE_DEPTH_M) < 0.05
    assert float(near[0]["score"]) > 0 and float(near[0]["t_ns"]) > 0
    assert all(a["lon_deg"] == "" for a in rows)  # no GPS in a simulation
    assert f"-> {tmp_path / 'alarms.csv'}" in r.stdout


def test_detect_without_target_writes_the_header_row(sim, tmp_path):
    r = cli("detect", sim["flat"], "--out", tmp_path / "alarms.csv")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "alarms.csv").read_text().splitlines() == [",".join(columns())]


def test_detect_json_geojson_and_stdout(sim, tmp_path, capsys):
    assert main(["detect", str(sim["mine"]), "--out", str(tmp_path / "a.json")]) == 0
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["columns"] == columns() and doc["pipeline"] == gprkit.Pipeline.landmine().to_dict()
    assert doc["files"][0]["n_traces"] == 200
    assert any(abs(a["x_m"] - MINE_X_M) < 0.1 for a in doc["alarms"])
    assert main(["detect", str(sim["mine"]), "--out", str(tmp_path / "a.geojson")]) == 0
    geo = json.loads((tmp_path / "a.geojson").read_text())
    assert geo == {"type": "FeatureCollection", "features": []}  # no coordinates, no points
    capsys.readouterr()
    assert main(["detect", str(sim["mine"]), "--out", "-"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == ",".join(columns()) and len(out.splitlines()) == 1 + len(doc["alarms"])
    assert "alarm(s)" in err  # the summary goes to stderr when stdout holds the CSV


def test_detect_gps_gives_lon_lat(tmp_path):
    path = real("rgpr/flagogna_raw/XLINE001.DT1")
    if not path.with_suffix(".GPS").is_file():
        pytest.skip(f"{path.with_suffix('.GPS')} is absent")
    raw = gprkit.read(path).header["raw"]
    lat = [float(v) for v in raw["gps_latitude_deg"].split(",")]
    lon = [float(v) for v in raw["gps_longitude_deg"].split(",")]
    r = cli("detect", path, "--out", tmp_path / "a.geojson")
    assert r.returncode == 0, r.stderr
    geo = json.loads((tmp_path / "a.geojson").read_text())
    assert geo["type"] == "FeatureCollection" and geo["features"]
    for f in geo["features"]:
        x, y = f["geometry"]["coordinates"]
        assert min(lon) <= x <= max(lon) and min(lat) <= y <= max(lat)  # between the fixes
        assert f["properties"]["file"] == str(path) and "x_m" in f["properties"]
    assert "with GPS coordinates" in r.stdout


# -- convert ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ext", [".dzt", ".dt1", ".sgy"])
def test_convert_round_trips(sim, tmp_path, ext):
    src = gprkit.read(sim["mine"])
    r = cli("convert", sim["mine"], tmp_path / f"line{ext}")
    assert r.returncode == 0, r.stderr
    assert main(["convert", str(tmp_path / f"line{ext}"), str(tmp_path / "back.npy")]) == 0
    back = gprkit.read(tmp_path / "back.npy")
    assert back.data.shape == src.data.shape
    step = np.abs(src.data).max() / 32767  # int16 quantisation, the coarsest of these formats
    assert np.abs(back.data - src.data).max() <= step
    assert back.dt_ns == pytest.approx(src.dt_ns, rel=1e-6)
    assert back.dx_m == pytest.approx(src.dx_m, rel=1e-6)


def test_convert_failed_write_leaves_the_old_file(tmp_path):
    big = gprkit.Bscan(np.zeros((70000, 2), np.float32, order="F"), dt_ns=0.01)  # too long for DZT
    gprkit.write(big, tmp_path / "big.npy")
    gprkit.write(line(), tmp_path / "old.dzt")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    r = cli("convert", tmp_path / "big.npy", tmp_path / "old.dzt")
    one_error_line(r, 1, "old.dzt", "n_samples")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temporary left either


def test_convert_usage_and_io_errors(sim, tmp_path):
    one_error_line(cli("convert", sim["mine"], tmp_path / "noext"), 2, "noext")
    one_error_line(cli("convert", sim["mine"], sim["mine"]), 1, str(sim["mine"]))
    one_error_line(cli("convert", sim["mine_dzt"], tmp_path / "x.npy", "--channel", "3"), 1, "--channel 3")


# -- steps -----------------------------------------------------------------------------------

def test_steps_lists_every_step(capsys):
    assert main(["steps"]) == 0
    out = capsys.readouterr().out
    listed = [m.group(1) for m in re.finditer(r"^(\w+)  \[", out, re.M)]
    assert listed == list(gprkit.steps())
    for name, s in gprkit.steps().items():
        for opt in s.get("options") or {}:
            assert re.search(rf"^    {opt}\b", out, re.M), (name, opt)


def test_steps_json_equals_the_registry(capsys):
    assert main(["steps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == gprkit.steps()
    assert main(["steps", "dewow", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"dewow": gprkit.steps()["dewow"]}


def test_steps_unknown_step_exits_2():
    line_ = one_error_line(cli("steps", "dewow", "no_such_step"), 2, "no_such_step")
    assert "dewow" in line_  # the known steps are listed


# -- pipelines -------------------------------------------------------------------------------

def test_pipeline_file_round_trips(sim, tmp_path):
    p = gprkit.Pipeline.landmine()
    (tmp_path / "landmine.json").write_text(p.to_json())
    assert gprkit.Pipeline.from_file(tmp_path / "landmine.json") == p
    r = cli("process", sim["mine"], "--pipeline", tmp_path / "landmine.json", "--out", tmp_path / "out",
            "--no-png")
    assert r.returncode == 0, r.stderr
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == ["mine.npy", "mine.npy.json"]
    got = np.load(tmp_path / "out" / "mine.npy")
    want = p.run(gprkit.read(sim["mine"])).data
    assert got.dtype == want.dtype and np.array_equal(got, want)  # bit for bit
    history = json.loads((tmp_path / "out" / "mine.npy.json").read_text())["history"]
    assert [e["step"] for e in history] == ["read"] + [s.step for s in p.steps]
    assert gprkit.Pipeline.from_history(history).steps[0].step == "dewow"


def test_pipeline_by_name(sim, tmp_path):
    r = cli("process", sim["mine"], "--pipeline", "landmine", "--out", tmp_path / "a", "--no-png")
    assert r.returncode == 0, r.stderr
    default = gprkit.Pipeline.landmine().run(gprkit.read(sim["mine"])).data
    assert np.array_equal(np.load(tmp_path / "a" / "mine.npy"), default)
    # landmine_stream ends in find_detections (alarms out): process writes the section before it
    r = cli("process", sim["mine"], "--pipeline", "landmine_stream", "--out", tmp_path / "s", "--no-png")
    assert r.returncode == 0, r.stderr
    assert "find_detections" in r.stderr and len(r.stderr.splitlines()) == 1
    chain = [(s.step, dict(s.options)) for s in gprkit.Pipeline.landmine_stream().steps]
    assert chain[-1][0] == "find_detections"
    want = gprkit.Pipeline.from_steps(chain[:-1]).run(gprkit.read(sim["mine"])).data
    assert np.array_equal(np.load(tmp_path / "s" / "mine.npy"), want)


# -- errors ----------------------------------------------------------------------------------

@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    rng = np.random.default_rng(3)
    (tmp_path / "x.dzt").write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    dzt = REAL / "gprpy" / "GSSI" / "FILE____032.DZT"
    if not dzt.is_file():  # a synthetic DZT stands in for the real one
        dzt = tmp_path / "whole.dzt"
        gprkit.write(line(), dzt)
    (tmp_path / "truncated.dzt").write_bytes(dzt.read_bytes()[: dzt.stat().st_size // 2 + 100])
    return {"random": tmp_path / "x.dzt", "truncated": tmp_path / "truncated.dzt",
            "missing": tmp_path / "missing.dzt"}


@pytest.mark.parametrize("kind", ["random", "truncated", "missing"])
def test_bad_file_one_line_exit_1(bad_files, tmp_path, kind):
    f = bad_files[kind]
    for args in (["info", f], ["info", "--json", f], ["process", f, "--out", tmp_path / "o"],
                 ["detect", f, "--out", tmp_path / "a.csv"], ["convert", f, tmp_path / "c.npy"]):
        one_error_line(cli(*args), 1, f.name)
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "c.npy").exists()


BAD_PIPELINES = {
    "invalid_json": ('{"gprkit_pipeline": 1, "steps": [', "JSON"),
    "unknown_step": ('{"gprkit_pipeline": 1, "steps": [{"step": "no_such_step"}]}', "no_such_step"),
    "out_of_range": ('{"gprkit_pipeline": 1, "steps": [{"step": "time_zero", "options": {"threshold": 5}}]}',
                     "threshold"),
}


@pytest.mark.parametrize("kind", sorted(BAD_PIPELINES))
def test_bad_pipeline_exit_1(sim, tmp_path, kind):
    text, problem = BAD_PIPELINES[kind]
    pfile = tmp_path / f"{kind}.json"
    pfile.write_text(text)
    one_error_line(cli("process", sim["mine"], "--pipeline", pfile, "--out", tmp_path / "o"), 1,
                   pfile.name, problem)
    one_error_line(cli("detect", sim["mine"], "--pipeline", pfile, "--out", tmp_path / "a.csv"), 1,
                   pfile.name, problem)
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "o").exists()


@pytest.mark.parametrize("args", [
    ["info", "--no-such-option", "{mine}"],
    ["process", "{mine}"],  # no --out
    ["detect", "{mine}"],  # no --out
    ["detect", "{mine}", "--out", "alarms.txt"],
    ["process", "{mine}", "--out", "o", "--format", "png"],
    ["process", "{mine}", "--out", "o", "--velocity", "-1"],
    ["no_such_command"],
    [],
], ids=["unknown-option", "process-no-out", "detect-no-out", "detect-bad-ext", "bad-format",
        "bad-velocity", "unknown-command", "no-command"])
def test_usage_error_exit_2(sim, tmp_path, args):
    r = cli(*[a.format(mine=sim["mine"]) for a in args], cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    no_traceback(r)
    assert "error" in r.stderr and r.stdout == ""
    assert sorted(os.listdir(tmp_path)) == []  # nothing written


# -- inputs: globs and folders ---------------------------------------------------------------

def test_glob_processes_every_match(sim, tmp_path):
    for k in ("mine", "flat"):
        gprkit.write(gprkit.read(sim[k]), tmp_path / f"{k}.npy")
    r = cli("process", str(tmp_path / "*.npy"), "--out", tmp_path / "out", "--no-png")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 2  # the .npy.json sidecars are not inputs
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == \
        ["flat.npy", "flat.npy.json", "mine.npy", "mine.npy.json"]


def test_folder_or_glob_without_gpr_file_exits_1(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no radar here\n")
    one_error_line(cli("process", tmp_path / "empty", "--out", tmp_path / "o"), 1, "empty", "no GPR file")
    one_error_line(cli("detect", str(tmp_path / "empty" / "*.dzt"), "--out", tmp_path / "a.csv"), 1,
                   "*.dzt")


# -- version, console script -----------------------------------------------------------------

def test_version():
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"gprkit {gprkit.__version__}"


def test_console_script():
    exe = shutil.which("gprkit")
    if exe is None:
        pytest.skip("no gprkit executable on PATH (pip install . puts the console script there)")
    r = subprocess.run([exe, "--version"], env=_env(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == f"gprkit {gprkit.__version__}"


def test_pyproject_declares_the_console_script():
    tomllib = pytest.importorskip("tomllib")
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert doc["project"]["scripts"]["gprkit"] == "gprkit.__main__:main"
