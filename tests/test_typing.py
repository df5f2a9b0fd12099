"""Type checks: g60map passes mypy, and its signatures type the code that calls it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")
pytestmark = pytest.mark.slow  # mypy reads numpy, matplotlib, shapely, ...: ~20 s on 2 cores

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mypy(tmp_path_factory):
    """Run mypy from the repository root (its config: pyproject.toml); one cache per module."""
    cache = tmp_path_factory.mktemp("mypy-cache")

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MYPYPATH": str(ROOT)}  # this tree's g60map, not an installed one
        return subprocess.run(
            [sys.executable, "-m", "mypy", "--cache-dir", str(cache), *args],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )

    return _run


def test_package_has_no_type_errors(mypy):
    proc = mypy("g60map")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found in ")


USER_CODE = """\
from pathlib import Path

import g60map
from g60map import check_table, load_corridor, load_partners

check_table(Path("partners.csv"), "partners", datum="gcj02")
load_partners("partners.csv", outside="keep")
corridor = load_corridor("partners.csv", None, resolution="full")
reveal_type(check_table)
reveal_type(load_partners)
reveal_type(load_corridor)
load_corridor(outside="ignore")
g60map.save_static(g60map.render_static(corridor)[0], "map.png", fmt="jpg")
"""


def test_user_code_is_checked_against_the_signatures(mypy, tmp_path):
    script = tmp_path / "use_g60map.py"
    script.write_text(USER_CODE, encoding="utf-8")
    proc = mypy(str(script))
    found = re.findall(r"use_g60map\.py:(\d+): (error|note): (.*)", proc.stdout)
    assert [(int(line), kind) for line, kind, _ in found] == [
        (9, "note"), (10, "note"), (11, "note"), (12, "error"), (13, "error"),
    ], proc.stdout
    # a path or a DataFrame (pandas ships no types: its part of the union is Any)
    source = "str | os.PathLike[str] | Any"
    assert f"def (source: {source}" in found[0][2]
    assert f"def (source: {source}" in found[1][2]
    assert f"partners: {source}" in found[2][2] and f"investments: {source}" in found[2][2]
    assert '"outside" to "load_corridor" has incompatible type "Literal[\'ignore\']"' in found[3][2]
    assert '"fmt" to "save_static" has incompatible type "Literal[\'jpg\']"' in found[4][2]
