"""Bscan construction, zero-copy rules, error mapping, thread control."""
import numpy as np
import pytest

import gprkit


def test_bscan_keeps_float32_fortran_without_copy():
    a = np.asfortranarray(np.random.default_rng(0).standard_normal((64, 10)).astype(np.float32))
    b = gprkit.Bscan(a, dt_ns=0.1, dx_m=0.02)
    assert b.data is a or np.shares_memory(b.data, a)
    assert (b.n_samples, b.n_traces, b.dt_ns, b.dx_m, b.t0_ns) == (64, 10, 0.1, 0.02, 0.0)
    out = gprkit.dewow(b, window_ns=1.0)
    assert out.data.flags.f_contiguous and out.data.dtype == np.float32
    assert not np.shares_memory(out.data, a)
    assert np.allclose(b.time_ns()[:3], [0.0, 0.1, 0.2])
    assert np.allclose(b.depth_m(0.1)[10], 0.05)


def test_c_ordered_and_strided_inputs_give_the_same_result():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((128, 40)).astype(np.float32)  # C order: traces strided
    ref = gprkit.dewow(np.asfortranarray(a), dt_ns=0.05, window_ns=1.0).data
    assert np.array_equal(gprkit.dewow(a, dt_ns=0.05, window_ns=1.0).data, ref)
    big = np.asfortranarray(rng.standard_normal((128, 80)).astype(np.float32))
    view = big[:, ::2]  # every other trace: a strided view, read without a copy
    assert np.array_equal(gprkit.dewow(view, dt_ns=0.05, window_ns=1.0).data,
                          gprkit.dewow(np.asfortranarray(view), dt_ns=0.05, window_ns=1.0).data)


def test_other_real_dtypes_convert_and_bad_dtypes_are_refused():
    b = gprkit.Bscan(np.ones((8, 2), dtype=np.int16), dt_ns=0.1)
    assert b.data.dtype == np.float32
    with pytest.raises(TypeError, match="dtype"):
        gprkit.Bscan(np.ones((8, 2), dtype=np.complex64), dt_ns=0.1)
    with pytest.raises(TypeError, match="dtype"):
        gprkit.dewow(np.array([["a", "b"]]), dt_ns=0.1)
    with pytest.raises(ValueError, match="ndim"):
        gprkit.Bscan(np.ones((2, 2, 2), dtype=np.float32), dt_ns=0.1)
    with pytest.raises(ValueError, match="dt_ns"):
        gprkit.Bscan(np.ones((8, 2), dtype=np.float32), dt_ns=0.0)
    with pytest.raises(ValueError, match="x_m"):
        gprkit.Bscan(np.ones((8, 2), dtype=np.float32), dt_ns=0.1, x_m=[0.0])
    with pytest.raises(TypeError, match="dt_ns"):
        gprkit.dewow(np.ones((8, 2), dtype=np.float32))


def test_errors_are_gprkit_and_builtin_classes():
    assert issubclass(gprkit.InvalidArgument, ValueError)
    assert issubclass(gprkit.InvalidArgument, gprkit.Error)
    assert issubclass(gprkit.FormatError, ValueError)
    assert issubclass(gprkit.IoError, OSError)
    with pytest.raises(gprkit.InvalidArgument, match="window_ns' = -1"):
        gprkit.dewow(np.ones((8, 2), dtype=np.float32), dt_ns=0.1, window_ns=-1)


def test_thread_setting_round_trips():
    saved = gprkit.get_num_threads()
    gprkit.set_num_threads(1)
    assert gprkit.get_num_threads() == 1
    gprkit.set_num_threads(saved)
    with pytest.raises(ValueError):
        gprkit.set_num_threads(-3)


def test_import_shortens_the_openmp_spin_unless_the_user_chose():
    # libgomp's default spin starves busy machines (docs/DEVELOPING.md, "Threads"): the import
    # sets GOMP_SPINCOUNT before libgomp loads, and keeps whatever the user set.
    import os
    import subprocess
    import sys

    code = "import os, gprkit; print(os.environ.get('GOMP_SPINCOUNT'))"
    base = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    run = lambda env: subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                     text=True, check=True).stdout.strip()
    assert run(base) == "30000"
    assert run({**base, "GOMP_SPINCOUNT": "7"}) == "7"
    assert run({**base, "OMP_WAIT_POLICY": "active"}) == "None"


def test_simulate_truth_matches_the_section():
    sim = gprkit.simulate(diffractors=[{"x_m": 0.5, "depth_m": 0.15}], n_samples=400, n_traces=101,
                          dt_ns=0.025, dx_m=0.01, velocity_m_per_ns=0.1, geometric_spreading=False)
    (t,) = sim.truth
    j = int(round(0.5 / 0.01))
    i = int(np.argmax(sim.bscan.data[:, j]))
    assert abs(i * 0.025 - t["apex_time_ns"]) <= 0.025
    assert t["apex_time_ns"] == pytest.approx(3.0)
    with pytest.raises(TypeError, match="unknown option"):
        gprkit.simulate(nonsense=1)


def test_large_outputs_reuse_freed_buffers_but_never_a_live_one():
    # 1024 x 2000 float32 = 8 MB: outputs this large come from gprkit's section allocator,
    # which keeps freed blocks for the next output of about the same size.
    b = gprkit.simulate([(5.0, 0.1, 0.5)], n_samples=1024, n_traces=2000, dt_ns=0.02, dx_m=0.005,
                        wow_amplitude=0.3, noise_std=0.01, seed=3).bscan
    gprkit.release_cached_sections()
    first = gprkit.dewow(b, window_ns=3.0)
    kept = first.data.copy()
    second = gprkit.dewow(b, window_ns=1.0)  # first is alive: must get another buffer
    assert not np.shares_memory(first.data, second.data)
    np.testing.assert_array_equal(first.data, kept)
    del second
    third = gprkit.dewow(b, window_ns=3.0)  # may reuse second's block: same answer as first
    np.testing.assert_array_equal(third.data, kept)
    del first, third
    assert gprkit.release_cached_sections() >= 2 * 1024 * 2000 * 4
    assert gprkit.release_cached_sections() == 0
