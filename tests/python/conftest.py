"""Shared fixtures: the shared data folder (skips when absent) and thread control."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("GPRKIT_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the project (or $GPRKIT_SHARED_DATA); skips when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (it sits beside a developer's checkout)")
    return SHARED_DATA


@pytest.fixture
def gprmax_scene(shared_data):
    """Loader for a gprMax scene folder: returns (bscan float32 array, meta dict)."""
    import json

    import numpy as np

    def load(name: str):
        folder = shared_data / "gprmax" / name
        if not folder.is_dir():
            pytest.skip(f"gprMax scene {folder} is absent")
        meta = json.loads((folder / "meta.json").read_text())
        return np.load(folder / "bscan.npy"), meta

    return load


def gprmax_to_bscan(data, meta):
    """A gprMax scene (bscan.npy array, meta.json dict) as a Bscan resampled to 25 ps, with its
    geometry (also used by bench/python/roc_detect.py)."""
    import math

    import numpy as np
    from scipy import signal as scipy_signal

    import gprkit

    dt = meta["dt_s"] * 1e9
    f = meta["centre_frequency_hz"] / 1e6
    n_new = int(round(data.shape[0] * dt / 0.025))  # resample the FDTD step to 25 ps
    r = scipy_signal.resample(data.astype(np.float64), n_new, axis=0).astype(np.float32)
    x = meta["first_trace_x_m"] + meta["trace_spacing_m"] * np.arange(data.shape[1])
    return gprkit.Bscan(np.asfortranarray(r), dt_ns=data.shape[0] * dt / n_new, dx_m=meta["trace_spacing_m"],
                        t0_ns=-math.sqrt(2) / f * 1e3,  # the Ricker peaks sqrt(2)/f after sample 0
                        antenna_height_m=meta["air_gap_m"], antenna_separation_m=meta["antenna_offset_m"],
                        centre_frequency_mhz=f, x_m=x)


@pytest.fixture
def gprmax_bscan(gprmax_scene):
    """Loader for a gprMax scene as a Bscan (gprmax_to_bscan): returns (Bscan, meta dict)."""

    def load(name: str):
        data, meta = gprmax_scene(name)
        pytest.importorskip("scipy.signal")
        return gprmax_to_bscan(data, meta), meta

    return load
