from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from g60map.reference.datasets import available, get_path


def test_every_dataset_exists():
    for name in available:
        path = get_path(name)
        assert path.is_file() and path.stat().st_size > 0, name


def test_unknown_dataset_lists_names():
    names = "choose one of: admin_districts, admin_units, boundaries_city"
    with pytest.raises(ValueError, match=names):
        get_path("nope")


@pytest.mark.slow
def test_wheel_ships_every_dataset(tmp_path):
    # Build from a copy so the source tree gets no build/ folder.
    root = Path(__file__).resolve().parents[1]
    src = tmp_path / "src"
    for name in ("pyproject.toml", "README.md"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("g60map", "geodata"):
        shutil.copytree(root / folder, src / folder, ignore=ignore)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("g60map-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for filename in available.values():
        assert f"g60map/geodata/{filename}" in names, filename
    assert "g60map/cli/__init__.py" in names
    # the map's scripts and precomputed boundaries
    for filename in ("g60map-districts.js", "districts.json", "topology.json"):
        assert f"g60map/render/web/{filename}" in names, filename
    assert any(n.endswith("entry_points.txt") for n in names)
