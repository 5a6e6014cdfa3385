"""bench/compare_baseline.py: flags a slowdown beyond the threshold, reports, never fails."""
import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "compare_baseline.py"


def load():
    spec = importlib.util.spec_from_file_location("compare_baseline", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def result(path, times_ms, errored=()):
    bms = [{"name": n, "run_type": "iteration", "real_time": t, "time_unit": "ms"} for n, t in times_ms.items()]
    bms += [{"name": n, "run_type": "iteration", "real_time": 1.0, "time_unit": "ms", "error_occurred": True}
            for n in errored]
    bms.append({"name": "BM_a_mean", "run_type": "aggregate", "real_time": 99.0, "time_unit": "ms"})
    path.write_text(json.dumps({"context": {}, "benchmarks": bms}))
    return path


def test_flags_only_slowdowns_beyond_the_threshold(tmp_path, capsys):
    cb = load()
    base = tmp_path / "base.json"
    assert cb.main([str(result(tmp_path / "b.json", {"BM_a": 10.0, "BM_b": 10.0, "BM_c": 10.0})),
                    "--baseline", str(base), "--write-baseline"]) == 0
    stored = json.loads(base.read_text())["seconds"]
    assert stored == {"BM_a": 0.01, "BM_b": 0.01, "BM_c": 0.01}  # the aggregate is left out
    capsys.readouterr()
    now = result(tmp_path / "n.json", {"BM_a": 13.0, "BM_b": 11.0, "BM_new": 1.0}, errored=["BM_c"])
    md = tmp_path / "r.md"
    assert cb.main([str(now), "--baseline", str(base), "--markdown", str(md)]) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| BM_")}
    assert "REGRESSION" in rows["BM_a"] and "1.30" in rows["BM_a"]  # 30 % slower
    assert "REGRESSION" not in rows["BM_b"]  # 10 %: noise
    assert "new" in rows["BM_new"]
    assert "1 regression(s) of 2 compared; not run now: BM_c" in out  # the errored run is not a time
    assert md.read_text().strip() == out.strip()


def test_no_baseline_is_reported_not_failed_and_bad_input_is_an_error(tmp_path, capsys):
    cb = load()
    r = result(tmp_path / "n.json", {"BM_a": 1.0})
    assert cb.main([str(r), "--baseline", str(tmp_path / "absent.json")]) == 0
    assert "no baseline for this machine" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("{not json")
    assert cb.main([str(tmp_path / "bad.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert cb.machine_key().endswith("c")
