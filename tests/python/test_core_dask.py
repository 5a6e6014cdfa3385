"""Dask mapping gives the same result as processing the whole line at once."""
import numpy as np
import pytest

import gprkit

da = pytest.importorskip("dask.array")
from gprkit.dask import map_bscan, to_dask  # noqa: E402


def line():
    return gprkit.simulate(n_samples=256, n_traces=300, dt_ns=0.025, direct_wave_amplitude=1.0,
                           wow_amplitude=0.3, noise_std=0.02, diffractors=[(1.0, 0.1), (2.2, 0.2)],
                           centre_frequency_mhz=1000).bscan


def test_per_trace_filter_over_chunks_equals_whole_line():
    b = line()
    whole = gprkit.dewow(b, window_ns=2.0)
    mapped = map_bscan(gprkit.dewow, b, chunk_traces=64, window_ns=2.0)
    assert isinstance(mapped, gprkit.Bscan)
    assert np.array_equal(mapped.data, whole.data)
    assert to_dask(b, 100).chunks[1] == (100, 100, 100)


def test_windowed_step_with_overlap_equals_whole_line():
    if not callable(getattr(gprkit, "remove_background", None)):
        pytest.skip("remove_background is not built")
    b = line()
    whole = gprkit.remove_background(b, method="moving_mean", window_traces=21)
    mapped = map_bscan(gprkit.remove_background, b, chunk_traces=64, overlap_traces=10,
                       method="moving_mean", window_traces=21)
    assert np.allclose(mapped.data, whole.data, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="overlap_traces"):
        map_bscan(gprkit.dewow, line(), overlap_traces=-1)
    with pytest.raises(ValueError, match="chunk_traces"):
        to_dask(line(), 0)


def test_pipeline_overlap_comes_from_the_registry_reach():
    b = line()
    p = gprkit.Pipeline.from_steps(["dewow", ("remove_background", {"method": "moving_mean", "window_traces": 21})])
    assert p.reach_traces(b) == 10
    whole = p.run(b)
    mapped = map_bscan(p, b, chunk_traces=64)  # overlap 10 read from the steps' reaches
    assert np.allclose(mapped.data, whole.data, atol=1e-5)
    assert np.array_equal(map_bscan("dewow", b, chunk_traces=64, window_ns=2.0).data,
                          gprkit.dewow(b, window_ns=2.0).data)
    with pytest.raises(ValueError, match="whole line"):
        map_bscan(gprkit.Pipeline.from_steps(["migrate"]), b)


def test_map_bscan_on_a_distributed_cluster_equals_the_serial_run():
    """On dask.distributed every chunk reaches its worker through pickle: the pickled float32
    arrays must be accepted (they were refused with 'dtype = float32; expected float32')."""
    distributed = pytest.importorskip("distributed")
    b = line()
    whole = gprkit.Pipeline([("dewow", {"window_ns": 2.0}),
                             ("remove_background", {"method": "moving_mean", "window_traces": 21})]).run(b)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster):
        step = map_bscan("dewow", b, chunk_traces=64, window_ns=2.0)
        pipe = map_bscan(gprkit.Pipeline([("dewow", {"window_ns": 2.0}),
                                          ("remove_background", {"method": "moving_mean",
                                                                 "window_traces": 21})]),
                         b, chunk_traces=64)
    assert np.array_equal(step.data, gprkit.dewow(b, window_ns=2.0).data)
    assert np.array_equal(pipe.data, whole.data)
