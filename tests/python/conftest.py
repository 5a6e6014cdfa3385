"""Shared fixtures: the shared data folder (skips when absent) and thread control."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The suite keeps its FFTW wisdom in a folder of its own (read when gprkit is imported, so set
# before any test imports it), not in the user's ~/.cache; tests of wisdom set their own path.
if "GPRKIT_FFTW_WISDOM" not in os.environ:
    _WISDOM_DIR = tempfile.mkdtemp(prefix="gprkit-test-wisdom-")
    atexit.register(shutil.rmtree, _WISDOM_DIR, True)
    os.environ["GPRKIT_FFTW_WISDOM"] = os.path.join(_WISDOM_DIR, "fftwf.wisdom")

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
    geometry: the library's loader (gprkit.io.gprmax_scene_to_bscan, read_gprmax_scene)."""
    import gprkit.io

    return gprkit.io.gprmax_scene_to_bscan(data, meta)


@pytest.fixture
def gprmax_bscan(gprmax_scene):
    """Loader for a gprMax scene as a Bscan (gprmax_to_bscan): returns (Bscan, meta dict)."""

    def load(name: str):
        data, meta = gprmax_scene(name)
        return gprmax_to_bscan(data, meta), meta

    return load
