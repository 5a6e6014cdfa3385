"""The type stubs of the compiled module list exactly what the module exports."""
import ast
from pathlib import Path

import pytest

import gprkit
from gprkit import _core

STUB = Path(gprkit.__file__).with_name("_core.pyi")


def stub_names():
    tree = ast.parse(STUB.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "gprkit":
            names.update(a.asname or a.name for a in node.names)
    return names


def test_stubs_cover_the_compiled_module():
    if not STUB.exists():
        pytest.skip(f"{STUB} is absent (run scripts/gen_stubs.sh)")
    exported = {n for n in dir(_core) if not n.startswith("_")}
    stubbed = stub_names()
    assert exported - stubbed == set(), f"in _core but not in _core.pyi: {sorted(exported - stubbed)}; run scripts/gen_stubs.sh"
    assert stubbed - exported == set(), f"in _core.pyi but not in _core: {sorted(stubbed - exported)}"


def test_package_is_typed():
    assert Path(gprkit.__file__).with_name("py.typed").exists()
