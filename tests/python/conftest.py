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
