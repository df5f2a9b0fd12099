from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def write_csv(tmp_path):
    """Write ``text`` to a CSV in ``tmp_path`` with the given encoding; return its path."""

    def _write(text: str, name: str = "table.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return _write


def make_partners_module():
    """Import ``benchmarks/make_partners.py`` (the synthetic partner generator)."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "make_partners.py"
    spec = importlib.util.spec_from_file_location("g60_make_partners", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
