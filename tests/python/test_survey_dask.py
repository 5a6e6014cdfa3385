"""gprkit.dask.process_files: one task per file, on threads and on a dask.distributed
LocalCluster (2 workers x 2 threads), equal bit for bit to the serial run; results written
without gathering them."""
import numpy as np
import pytest

import gprkit

pytest.importorskip("dask")
from gprkit.dask import map_bscan, process_files, read_result  # noqa: E402

PIPE = gprkit.Pipeline([("dewow", {"window_ns": 2.0}), ("bandpass", {}),
                        ("remove_background", {"method": "moving_mean", "window_traces": 21})])


def make_files(folder, n=5):
    paths = []
    for i in range(n):
        b = gprkit.simulate(n_samples=256, n_traces=150 + 10 * i, dt_ns=0.025, direct_wave_amplitude=1.0,
                            wow_amplitude=0.3, noise_std=0.02, diffractors=[(0.5 + 0.1 * i, 0.1)],
                            centre_frequency_mhz=1000, seed=i + 1).bscan
        paths.append(folder / f"line{i:02d}.dt1")
        gprkit.write(b, paths[-1])
    return paths


def serial(paths):
    return [PIPE.run(gprkit.read(p)) for p in paths]


def same(a, b):
    assert a.data.shape == b.data.shape
    assert np.array_equal(a.data, b.data)
    assert a.header["dt_ns"] == b.header["dt_ns"] and np.array_equal(a.x_m(), b.x_m())


def test_threads_equal_the_serial_run(tmp_path):
    paths = make_files(tmp_path)
    ref = serial(paths)
    got = process_files(paths, PIPE)
    assert len(got) == len(paths)
    for a, b in zip(got, ref):
        same(a, b)
    # A folder: the readable files in name order (the .HD companions are skipped).
    for a, b in zip(process_files(tmp_path, PIPE.to_json()), ref):
        same(a, b)
    # A step list and a plain callable are pipelines too.
    one = process_files(paths[:1], [("dewow", {"window_ns": 2.0})])[0]
    same(one, gprkit.dewow(gprkit.read(paths[0]), window_ns=2.0))
    same(process_files(paths[:1], lambda b: gprkit.dewow(b, window_ns=2.0))[0], one)


@pytest.mark.parametrize("fmt", ["npy", "zarr"])
def test_results_written_not_gathered(tmp_path, fmt):
    if fmt == "zarr":
        pytest.importorskip("xarray")
        pytest.importorskip("zarr")
    paths = make_files(tmp_path / "in", 3) if (tmp_path / "in").mkdir() is None else []
    out = process_files(paths, PIPE, out_dir=tmp_path / "out", format=fmt)
    assert out == [str(tmp_path / "out" / (p.stem + "." + fmt)) for p in paths]
    for o, b in zip(out, serial(paths)):
        r = read_result(o)
        same(r, b)
        steps = [e["step"] for e in r.history]
        assert steps[steps.index("dewow"):][:3] == ["dewow", "bandpass", "remove_background"]
    # Rewriting over old results replaces them.
    again = process_files(paths[:1], [("dewow", {"window_ns": 2.0})], out_dir=tmp_path / "out", format=fmt)
    assert np.array_equal(read_result(again[0]).data, gprkit.dewow(gprkit.read(paths[0]), window_ns=2.0).data)


def test_a_failing_file_is_named(tmp_path):
    paths = make_files(tmp_path, 2)
    bad = tmp_path / "broken.dzt"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(Exception, match="broken.dzt"):
        process_files([paths[0], bad, paths[1]], PIPE)
    with pytest.raises(FileNotFoundError, match="nope.dt1"):
        process_files([tmp_path / "nope.dt1"], PIPE)
    with pytest.raises(ValueError, match="format"):
        process_files(paths, PIPE, out_dir=tmp_path / "o", format="csv")
    with pytest.raises(TypeError, match="pipeline"):
        process_files(paths, 42)


def test_distributed_local_cluster_equals_the_serial_run(tmp_path):
    """A folder of files and one long line split into overlapping blocks, on a LocalCluster
    with 2 worker processes of 2 threads each: bit for bit the serial results."""
    distributed = pytest.importorskip("distributed")
    paths = make_files(tmp_path / "in", 4) if (tmp_path / "in").mkdir() is None else []
    ref = serial(paths)
    long = gprkit.simulate(n_samples=256, n_traces=1200, dt_ns=0.025, direct_wave_amplitude=1.0,
                           wow_amplitude=0.3, noise_std=0.02, diffractors=[(3.0, 0.1), (9.0, 0.2)],
                           centre_frequency_mhz=1000, seed=7).bscan
    long_ref = PIPE.run(long)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        got = process_files(paths, PIPE, client=client)
        written = process_files(paths, PIPE, client=client, out_dir=tmp_path / "out")
        blocks = map_bscan(PIPE, long, chunk_traces=256)  # overlap = the pipeline's reach (10)
    for a, b in zip(got, ref):
        same(a, b)
    for o, b in zip(written, ref):
        same(read_result(o), b)
    assert np.array_equal(blocks.data, long_ref.data)


def test_overlapped_blocks_know_their_positions():
    """With overlap, every padded block gets its own traces' positions (uneven ones too)."""
    b = gprkit.simulate(n_samples=16, n_traces=300, dt_ns=0.1).bscan
    x = np.cumsum(np.linspace(0.01, 0.03, 300))
    b = b.with_data(b.data, x_m=x)

    def positions(s):
        return s.with_data(np.asfortranarray(np.broadcast_to(s.x_m(), s.data.shape), dtype=np.float32))

    got = map_bscan(positions, b, chunk_traces=64, overlap_traces=7)
    assert np.array_equal(got.data, np.broadcast_to(x.astype(np.float32), b.data.shape))
