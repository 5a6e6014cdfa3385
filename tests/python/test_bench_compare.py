"""bench/python/compare.py: gprkit and the numpy/scipy (and, where installed, ImpDAR/readgssi)
equivalents compute the same images, and the report is written whole."""
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "python"


@pytest.fixture(scope="module")
def compare():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("compare", BENCH / "compare.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_quick_run_agrees_with_the_independent_implementations(compare, tmp_path):
    out = tmp_path / "compare.json"
    md = tmp_path / "compare.md"
    compare.main(["--quick", "--repeat", "1", "--only", "filters", "migration", "--json", str(out),
                  "--markdown", str(md)])
    report = json.loads(out.read_text())
    rows = {(r["operation"], r["peer"]): r for r in report["rows"]}
    # Where numpy/scipy compute the same thing, the images must be the same (up to the ends of
    # the line and padding): a wrong sign, shift or scale in either would break these.
    same = {("mean-trace removal", "numpy x - x.mean(axis=1)"): 0.9999,
            ("AGC 3 ns", "scipy uniform_filter1d of x^2"): 0.99,
            ("band-pass", "numpy rfft x Butterworth magnitude"): 0.95,
            ("Stolt", "numpy Stolt (2x time padding, linear interp)"): 0.95,
            ("phase shift", "numpy Gazdag (complex128)"): 0.85,
            ("back-projection", "numpy diffraction sum"): 0.99}
    for key, floor in same.items():
        assert key in rows, key
        assert rows[key]["same_algorithm"]
        assert rows[key]["correlation"] > floor, (key, rows[key]["correlation"])
        assert rows[key]["gprkit_ms"] > 0 and rows[key]["ratio"] > 0
    if compare.impdar is not None:  # ImpDAR's RadarData built with the right units and layout
        assert rows[("mean-trace removal", "ImpDAR horizontalfilt(0, n)")]["correlation"] > 0.9999
        assert rows[("phase shift", "ImpDAR migrate phsh")]["correlation"] > 0.85
    text = md.read_text()
    assert text.count("\n| ") == len(report["rows"]) + 1  # header + one line per row
    assert report["machine"]["cores"] >= 1


def test_numpy_stolt_focuses_a_diffraction_where_gprkit_does(compare):
    b = compare.section(256, 256, survey=False)
    ref = compare.numpy_stolt(b.data, compare.DT_NS, compare.DX_M, compare.V_M_PER_NS)
    import gprkit

    got = gprkit.migrate(b, "stolt", compare.V_M_PER_NS).data
    j = 256 * 3 // 16  # the second diffractor's trace
    col_ref, col_got = np.abs(ref[:, j]), np.abs(got[:, j])
    assert abs(int(col_ref.argmax()) - int(col_got.argmax())) <= 1


def test_dzt_agreement_aligns_header_words_and_missing_traces(compare):
    ours = np.arange(40, dtype=np.float32).reshape(4, 10)
    peer = np.vstack([np.zeros((2, 10)), ours])  # two trace-header words kept
    corr, note = compare.dzt_agreement(peer, ours)
    assert corr == pytest.approx(1.0) and "2 trace-header" in note
    corr, note = compare.dzt_agreement(peer[:, 3:], ours)  # first three traces not read
    assert corr == pytest.approx(1.0) and "7 of 10" in note
    corr, note = compare.dzt_agreement(peer[:3], ours)
    assert corr is None


def test_readme_table_is_replaced_between_markers_only(compare, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("top\n<!-- compare:begin -->\nold table\n<!-- compare:end -->\nbottom\n")
    compare.replace_between(readme, "new table\n")
    assert readme.read_text() == "top\n<!-- compare:begin -->\nnew table\n<!-- compare:end -->\nbottom\n"
    plain = tmp_path / "plain.md"
    plain.write_text("no markers\n")
    with pytest.raises(SystemExit, match="markers"):
        compare.replace_between(plain, "x")
    assert plain.read_text() == "no markers\n"
