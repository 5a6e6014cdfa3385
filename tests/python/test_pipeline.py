"""Steps and pipelines: one registry, pipelines as JSON, history that reproduces a result."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gprkit

ROOT = Path(__file__).resolve().parents[2]


def _line(n_traces=150, height=0.03, seed=3):
    sim = gprkit.simulate(diffractors=[dict(x_m=0.5, depth_m=0.1), dict(x_m=1.0, depth_m=0.06)],
                          n_samples=256, n_traces=n_traces, dt_ns=0.025, centre_frequency_mhz=1000,
                          antenna_height_m=height, direct_wave_amplitude=1.0, wow_amplitude=0.3,
                          noise_std=0.01, seed=seed)
    return sim.bscan


def _same(a, b):
    assert a.data.shape == b.data.shape
    assert np.array_equal(a.data, b.data), f"max |diff| = {np.abs(a.data - b.data).max()}"


# Python functions of the process steps, called with no options (a score image for cfar).
FUNCTIONS = {
    "dc_remove": lambda b: gprkit.dc_remove(b),
    "dewow": lambda b: gprkit.dewow(b),
    "time_zero": lambda b: gprkit.time_zero(b),
    "bandpass": lambda b: gprkit.bandpass(b),
    "gain": lambda b: gprkit.gain(b),
    "envelope": lambda b: gprkit.envelope(b),
    "remove_background": lambda b: gprkit.remove_background(b),
    "migrate": lambda b: gprkit.migrate(b),
    "score": lambda b: gprkit.score(b),
}


def test_registry_lists_every_step_with_documented_options():
    steps = gprkit.steps()
    for name in ("dc_remove", "dewow", "time_zero", "bandpass", "gain", "envelope", "resample",
                 "remove_background", "migrate", "score", "cfar", "find_detections"):
        assert name in steps, name
        assert steps[name]["doc"] and steps[name]["reach"]
        for opt, f in steps[name]["options"].items():
            assert f["doc"], (name, opt)
            assert f["type"] in ("number", "integer", "boolean", "choice", "number_list")
            if f["default"] is None:
                assert f["auto"], (name, opt)
    assert steps["gain"]["options"]["kind"]["choices"] == ["tpow", "exp", "sec", "agc"]
    assert steps["dewow"]["options"]["window_ns"]["unit"] == "ns"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_defaults_agree_everywhere(name):
    """The default of every option is the same in the C++ table (gprkit.steps()), in a
    pipeline's to_json(), and in the Python function's behaviour."""
    b = _line()
    if name == "score":
        b = gprkit.remove_background(gprkit.bandpass(b), method="mean")
    defaults = {k: f["default"] for k, f in gprkit.steps()[name]["options"].items()}
    p = gprkit.Pipeline.from_steps([(name, {})])
    assert p.steps[0].options == defaults
    assert json.loads(p.to_json())["steps"][0]["options"] == defaults
    via_pipeline = p.run(b)
    _same(FUNCTIONS[name](b), via_pipeline)
    # The defaults written out explicitly give the same result (None = resolved from the data).
    explicit = gprkit.Pipeline.from_steps([(name, defaults)]).run(b)
    _same(explicit, via_pipeline)
    # ... and so does the history the step added, re-run as a pipeline.
    _same(gprkit.Pipeline.from_history(via_pipeline.history[len(b.history):]).run(b), via_pipeline)


def test_python_keyword_defaults_match_the_tables():
    import inspect

    steps = gprkit.steps()
    for fn, step in ((gprkit.migrate, "migrate"), (gprkit.find_detections, "find_detections"),
                     (gprkit.cfar, "cfar")):
        sig = inspect.signature(fn)
        for opt, f in steps[step]["options"].items():
            if opt in sig.parameters and sig.parameters[opt].default is not None \
                    and f["default"] is not None and opt not in ("threshold", "min_depth_m", "max_depth_m"):
                assert sig.parameters[opt].default == f["default"], (step, opt)


def test_resample_and_cfar_steps_match_their_functions():
    b = _line()
    _same(gprkit.Pipeline.from_steps([("resample", {"dt_ns": 0.05})]).run(b), gprkit.resample(b, 0.05))
    s = gprkit.score(gprkit.remove_background(b, method="mean"), method="hyperbola")
    _same(gprkit.Pipeline.from_steps(["cfar"]).run(s), gprkit.cfar(s))


def test_landmine_pipeline_equals_the_chain_of_calls_and_drives_detect():
    b = _line()
    b.header["centre_frequency_mhz"] = 1000.0
    p = gprkit.Pipeline.from_file(ROOT / "samples" / "pipelines" / "landmine.json")
    assert p == gprkit.Pipeline.landmine()
    out = p.run(b)
    ref = gprkit.remove_background(gprkit.bandpass(gprkit.dewow(b)), method="surface", window_m=1.0)
    _same(out, ref)
    assert [h["step"] for h in out.history] == ["dewow", "bandpass", "remove_background"]
    assert out.history[0]["options"] == {"window_ns": 3.0}
    assert out.history[0]["version"] == gprkit.__version__
    dets = gprkit.detect(b)
    for pipeline in (p, str(ROOT / "samples" / "pipelines" / "landmine.json"), p.to_dict()):
        assert gprkit.detect(b, pipeline=pipeline) == dets
    assert len(dets) >= 2
    # The flat options of earlier versions edit the pipeline's steps.
    assert gprkit.detect(b, background_window_m=1.0) == dets
    assert gprkit.detect(b, dewow=False) != dets or True  # runs
    pre = gprkit.preprocess_for_detection(b, dewow=False)
    assert [h["step"] for h in pre.history] == ["bandpass", "remove_background"]


def test_geology_chain_and_history_survive_a_file_round_trip(tmp_path):
    b = _line()
    p = gprkit.Pipeline.from_file(ROOT / "samples" / "pipelines" / "geology.json")
    out = p.run(b)
    ref = gprkit.migrate(gprkit.gain(gprkit.dewow(gprkit.time_zero(gprkit.dc_remove(b))), kind="sec",
                                     power=1.0, db_per_ns=0.3), method="stolt", velocity_m_per_ns=0.1)
    _same(out, ref)
    gprkit.write(out, tmp_path / "line.npy")
    back = gprkit.read(tmp_path / "line.npy")
    steps = [h["step"] for h in back.history if h["step"] != "read"]
    assert steps == ["dc_remove", "time_zero", "dewow", "gain", "migrate"]
    _same(gprkit.Pipeline.from_history(back.history).run(b), out)


def test_bad_pipelines_name_step_option_value_and_choices(tmp_path):
    IA = gprkit.InvalidArgument
    with pytest.raises(IA, match=r"unknown step 'dewoww'.*'dewow'"):
        gprkit.Pipeline.from_steps([("dewoww", {})])
    with pytest.raises(IA, match=r"dewow: unknown option 'windw_ns'.*'window_ns'"):
        gprkit.Pipeline.from_steps([("dewow", {"windw_ns": 3})])
    with pytest.raises(IA, match=r"window_ns' = \"3\"; expected a number"):
        gprkit.Pipeline.from_steps([("dewow", {"window_ns": "3"})])
    with pytest.raises(IA, match=r"window_ns' = \"nan\""):
        gprkit.Pipeline.from_steps([("dewow", {"window_ns": float("nan")})])
    with pytest.raises(IA, match=r"window_ns' = -1.*> 0"):
        gprkit.Pipeline.from_steps([("dewow", {"window_ns": -1})])
    with pytest.raises(IA, match=r"kind' = \"agcc\".*'agc'"):
        gprkit.Pipeline.from_steps([("gain", {"kind": "agcc"})])
    with pytest.raises(IA, match="not valid JSON"):
        gprkit.Pipeline.from_json("{not json")
    with pytest.raises(IA, match="nested deeper"):
        gprkit.Pipeline.from_json("[" * 10000 + "]" * 10000)
    with pytest.raises(IA, match="gprkit_pipeline"):
        gprkit.Pipeline.from_json('{"steps": []}')
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(IA, match="bad.json"):
        gprkit.Pipeline.from_file(bad)
    with pytest.raises(OSError):
        gprkit.Pipeline.from_file(tmp_path / "missing.json")
    # The functions take validation from the same tables.
    with pytest.raises(IA, match=r"bandpass: option 'order' = 0"):
        gprkit.bandpass(_line(), order=0)


def test_yaml_pipelines(tmp_path):
    yaml = pytest.importorskip("yaml")
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({"gprkit_pipeline": 1, "steps": [{"step": "dewow", "options": {"window_ns": 3}}]}))
    assert gprkit.Pipeline.from_file(f) == gprkit.Pipeline.from_steps([("dewow", {"window_ns": 3.0})])


def test_reach_for_dask_overlap():
    b = _line()
    assert gprkit.Pipeline.from_steps(["dewow", "bandpass"]).reach_traces(b) == 0
    p = gprkit.Pipeline.from_steps([("remove_background", {"method": "moving_mean", "window_traces": 41})])
    assert p.reach_traces(b) == 20
    assert gprkit.Pipeline.from_steps(["migrate"]).reach_traces(b) is None


def test_steps_accessors():
    p = gprkit.Pipeline.from_steps(["dewow", ("gain", {"kind": "agc"})])
    assert p.steps[1][0] == "gain" and p.steps[1]["step"] == "gain"
    assert p.steps[1]["options"]["kind"] == "agc"
    assert len(p) == 2 and "dewow" in repr(p)


def test_pipeline_docs_are_up_to_date():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_pipeline_docs.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
