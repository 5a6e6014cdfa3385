"""Surveys larger than one machine: run any gprkit step over a dask array of traces.

A line (or a survey's lines concatenated) becomes a ``dask.array`` of shape
(n_samples, n_traces) chunked along traces; each chunk is processed by the gprkit function on
whichever worker holds it, with ``overlap_traces`` traces borrowed from each neighbour so that
steps that look along the line (moving-window background, migration apertures, detection
windows) give the same result as on the whole line, away from the line's own ends.
Per-trace filters need no overlap. Uses whatever dask scheduler is active (threads by default,
a ``dask.distributed`` cluster when one is connected).

A survey of many files is one task per file (:func:`process_files`): each worker reads its
file, runs the pipeline and either returns the result or writes it beside the others (Zarr
through xarray where both are installed, else ``.npy`` + ``.npy.json``), so nothing is
gathered on the client but paths. To use a real cluster, connect a client first
(``distributed.Client("tcp://scheduler:8786")``) or pass it as ``client=``; the files must be
readable at the same paths on every worker (a shared file system).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .bscan import Bscan, as_bscan

__all__ = ["to_dask", "map_bscan", "process_files", "read_result"]


def to_dask(b: Any, chunk_traces: int = 4096, dt_ns: float | None = None):
    """The samples of a Bscan (or array) as a dask array chunked every ``chunk_traces`` traces."""
    import dask.array as da

    b = as_bscan(b, dt_ns)
    if chunk_traces < 1:
        raise ValueError(f"to_dask: chunk_traces = {chunk_traces}; expected >= 1")
    return da.from_array(b.data, chunks=(b.n_samples, int(chunk_traces)))


def map_bscan(func: Any, b: Any, *, chunk_traces: int = 4096, overlap_traces: int | None = None,
              dt_ns: float | None = None, compute: bool = True, **kwargs: Any):
    """Apply ``func(Bscan, **kwargs) -> Bscan`` chunk by chunk (for example ``gprkit.dewow`` or
    ``gprkit.remove_background``), or a :class:`gprkit.Pipeline`, or a registry step by name
    (``"dewow"``, with its options as ``kwargs``), and return a Bscan (``compute=True``) or the
    lazy dask array.

    Each chunk gets the Bscan's header with its own slice of per-trace positions (``x_m``), so
    position-dependent steps stay right. ``overlap_traces`` must cover the step's reach along the
    line (e.g. half a moving-window background, a migration aperture); for a Pipeline or a step
    name the default (None) is read from the registry's reach, and a step that needs the whole
    line is refused; for a plain function the default is 0 (per-trace filters need no overlap).
    The output keeps the input's sample count (a step that changes it cannot be mapped).
    """
    import dask.array as da

    from .pipeline import Pipeline

    b = as_bscan(b, dt_ns)
    if isinstance(func, str):
        func = Pipeline.from_steps([(func, kwargs)])
        kwargs = {}
    if isinstance(func, Pipeline):
        reach = func.reach_traces(b)
        if overlap_traces is None:
            if reach is None:
                raise ValueError(f"map_bscan: {func!r} has a step that needs the whole line (see "
                                 "gprkit.steps()[name]['reach']); it cannot be split into chunks")
            overlap_traces = reach
        func = func.run
    if overlap_traces is None:
        overlap_traces = 0
    if overlap_traces < 0:
        raise ValueError(f"map_bscan: overlap_traces = {overlap_traces}; expected >= 0")
    x_all = b.x_m()
    arr = to_dask(b, chunk_traces)
    depth = {0: 0, 1: int(overlap_traces)}

    def run(block: np.ndarray, block_info: dict | None = None) -> np.ndarray:
        # block_info gives this chunk's position in the (overlapped) array: slice x_m to match.
        lo, _ = block_info[0]["array-location"][1] if block_info else (0, block.shape[1])
        sub = b.with_data(np.asfortranarray(block), x_m=x_all[lo:lo + block.shape[1]])
        out = func(sub, **kwargs)
        if out.data.shape != block.shape:
            raise ValueError(f"map_bscan: {getattr(func, '__name__', func)} changed the block shape "
                             f"{block.shape} -> {out.data.shape}; only shape-preserving steps can be mapped")
        return out.data

    if overlap_traces:
        # map_overlap pads each chunk with neighbours' traces ('none' at the line's ends); the
        # positions travel beside the samples as a (1, n_traces) array with the same chunks
        # and overlap, so every padded block knows where its traces are.
        xs = da.from_array(x_all.reshape(1, -1), chunks=(1, arr.chunks[1]))
        lazy = da.map_overlap(lambda blk, xb: _apply_plain(func, b, blk, xb[0], kwargs), arr, xs,
                              depth=depth, boundary="none", trim=True, dtype=np.float32,
                              align_arrays=False)
    else:
        lazy = arr.map_blocks(run, dtype=np.float32)
    if not compute:
        return lazy
    return b.with_data(np.asfortranarray(lazy.compute()))


def _apply_plain(func: Callable[..., Bscan], b: Bscan, block: np.ndarray, x_block: np.ndarray,
                 kwargs: dict) -> np.ndarray:
    sub = b.with_data(np.asfortranarray(block), x_m=np.asarray(x_block, dtype=np.float64))
    out = func(sub, **kwargs)
    if out.data.shape != block.shape:
        raise ValueError("map_bscan: the step changed the block shape; only shape-preserving steps can be mapped")
    return out.data


def _as_runner(pipeline: Any) -> Callable[[Bscan], Bscan] | None:
    """What process_files and Cube.from_files run on each line: a Pipeline, its JSON text or
    file, a list of steps, a step name, a callable Bscan -> Bscan, or None (read only)."""
    import os

    from .pipeline import Pipeline

    if pipeline is None:
        return None
    if isinstance(pipeline, Pipeline):
        return pipeline.run
    if isinstance(pipeline, (str, os.PathLike)):
        text = os.fspath(pipeline)
        if text.lstrip().startswith("{"):
            return Pipeline.from_json(text).run
        if text.lower().endswith((".json", ".yaml", ".yml")):
            return Pipeline.from_file(text).run
        return Pipeline.from_steps([text]).run
    if isinstance(pipeline, (list, tuple)):
        return Pipeline.from_steps(pipeline).run
    if callable(pipeline):
        return pipeline
    raise TypeError(f"pipeline: {type(pipeline).__name__}; expected a gprkit.Pipeline, its JSON, "
                    "a list of steps, a step name or a callable")


def _writer(fmt: str) -> str:
    if fmt not in ("auto", "zarr", "npy"):
        raise ValueError(f"process_files: format = {fmt!r}; expected 'auto', 'zarr' or 'npy'")
    if fmt == "npy":
        return fmt
    try:
        import xarray  # noqa: F401
        import zarr  # noqa: F401
    except ImportError:
        if fmt == "zarr":
            raise ValueError("process_files: format 'zarr' needs xarray and zarr installed") from None
        return "npy"
    return "zarr"


def _write_result(b: Bscan, out: Any, fmt: str) -> str:
    """Write b to out (a .zarr store or a .npy + .npy.json pair) atomically: a temporary name
    beside it, renamed into place when complete, so a failure leaves an old result as it was."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from .io import to_xarray, write

    out = Path(out)
    if fmt == "npy":
        write(b, out)
        return str(out)
    tmp = Path(tempfile.mkdtemp(prefix="." + out.name + ".", suffix=".tmp", dir=out.parent))
    try:
        to_xarray(b).to_dataset().to_zarr(tmp, mode="w", consolidated=False)
        old = None
        if out.exists():
            old = out.with_name("." + out.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return str(out)


def read_result(path: Any) -> Bscan:
    """A result that :func:`process_files` wrote (``.zarr`` or ``.npy``), as a Bscan."""
    from pathlib import Path

    from .io import from_xarray, read

    path = Path(path)
    if path.suffix == ".zarr":
        import xarray as xr

        with xr.open_zarr(path, consolidated=False) as ds:
            return from_xarray(ds["amplitude"].load())
    return read(path)


def _process_one(path: str, run: Callable[[Bscan], Bscan] | None, out: str | None, fmt: str,
                 read_options: dict) -> Any:
    from .io import read

    try:
        b = read(path, **read_options)
        if run is not None:
            b = run(b)
    except Exception as e:  # a survey has hundreds of files: say which one failed
        try:
            err = type(e)(f"process_files: '{path}': {e}")
        except Exception:
            err = RuntimeError(f"process_files: '{path}': {type(e).__name__}: {e}")
        raise err from e
    if out is None:
        return b
    return _write_result(b, out, fmt)


def process_files(paths: Any, pipeline: Any = None, client: Any = None, out_dir: Any = None, *,
                  format: str = "auto", read_options: dict | None = None,
                  progress: bool = False) -> list[Any]:
    """Process a folder (or list) of files, one Dask task per file, in the given order.

    paths : files, folders or globs, one or a list, taken as ``gprkit process`` takes them: a
        folder or glob gives every GPR file under it in name order; header and GPS companions
        (.HD, .rad, .iprh, .GPS ...) are not lines of their own but found by the reader beside
        their data file.
    pipeline : a :class:`gprkit.Pipeline`, its JSON text or a JSON file, a list of steps, a
        step name, any callable ``Bscan -> Bscan``, or None (read only).
    client : a ``dask.distributed.Client``; None uses the active scheduler (the connected
        client when there is one, else dask's threads).
    out_dir : where each result is written as ``<stem>.zarr`` (Zarr through xarray where
        installed) or ``<stem>.npy`` (+ ``.npy.json``), stems prefixed by their folders where two
        inputs share one; ``format`` forces one. Then the paths
        written are returned and no section travels back to the client.

    Returns one result per file (a Bscan, or the path written), equal bit for bit to
    processing each file serially. A file that fails raises its error with the file named.
    """
    import os
    from pathlib import Path

    import dask

    # The command line's rules (gprkit process): a folder or glob gives its data files in
    # name order, companions left out; a header named stands for its data file.
    from .cli._files import expand_inputs, unique_stems

    single = isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__")
    args = [os.fspath(paths)] if single else [os.fspath(p) for p in paths]
    try:
        files = expand_inputs(args)
    except Exception as e:
        raise ValueError(f"process_files: {e}") from None
    if not files:
        raise ValueError("process_files: no files")
    for p in files:
        if not p.is_file():
            raise FileNotFoundError(f"process_files: '{p}' does not exist or is not a regular file")
    run = _as_runner(pipeline)
    fmt = "npy"
    outs: list[str | None] = [None] * len(files)
    if out_dir is not None:
        fmt = _writer(format)
        od = Path(out_dir)
        od.mkdir(parents=True, exist_ok=True)
        ext = ".zarr" if fmt == "zarr" else ".npy"
        outs = [str(od / (n + ext)) for n in unique_stems(files)]
    ropts = dict(read_options or {})
    tasks = [dask.delayed(_process_one, pure=False)(str(p), run, o, fmt, ropts)
             for p, o in zip(files, outs)]
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            from tqdm.auto import tqdm
            from distributed import as_completed

            for _ in tqdm(as_completed(futures), total=len(futures), desc="files", unit="file"):
                pass
        return list(client.gather(futures))
    if progress:
        from tqdm.auto import tqdm

        return [t.compute() for t in tqdm(tasks, desc="files", unit="file")]
    return list(dask.compute(*tasks))
