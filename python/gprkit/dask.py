"""Surveys larger than one machine: run any gprkit step over a dask array of traces.

A line (or a survey's lines concatenated) becomes a ``dask.array`` of shape
(n_samples, n_traces) chunked along traces; each chunk is processed by the gprkit function on
whichever worker holds it, with ``overlap_traces`` traces borrowed from each neighbour so that
steps that look along the line (moving-window background, migration apertures, detection
windows) give the same result as on the whole line, away from the line's own ends.
Per-trace filters need no overlap. Uses whatever dask scheduler is active (threads by default,
a ``dask.distributed`` cluster when one is connected).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .bscan import Bscan, as_bscan

__all__ = ["to_dask", "map_bscan"]


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
        # map_overlap pads each chunk with neighbours' traces ('none' at the line's ends).
        lazy = da.map_overlap(lambda blk: _apply_plain(func, b, blk, kwargs), arr, depth=depth,
                              boundary="none", trim=True, dtype=np.float32)
    else:
        lazy = arr.map_blocks(run, dtype=np.float32)
    if not compute:
        return lazy
    return b.with_data(np.asfortranarray(lazy.compute()))


def _apply_plain(func: Callable[..., Bscan], b: Bscan, block: np.ndarray, kwargs: dict) -> np.ndarray:
    # With overlap, positions are taken as evenly spaced from dx_m (map_overlap does not say
    # where a padded block starts); steps that need exact positions should use overlap 0.
    sub = b.with_data(np.asfortranarray(block), x_m=None)
    out = func(sub, **kwargs)
    if out.data.shape != block.shape:
        raise ValueError("map_bscan: the step changed the block shape; only shape-preserving steps can be mapped")
    return out.data
