"""The package's shape: stages import one way, no import circles, no file over 600 lines.

The stages (README, *Layout*): ``reference`` (packaged data) <- ``ingest`` (users' tables) <-
``corridor`` (the model and its analysis) <- ``export`` and ``render`` (outputs) <- ``cli``.
A module may import from its own stage, from an earlier stage and from the private helpers
at the top (``settings``, ``_errors``, ``_atomic``, ...), never from a later stage, never
from a package's ``__init__`` above it ("back up"), and never in a circle (imports inside
functions count too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "g60map"

#: Stage of each top-level name under g60map; a lower rank may not import a higher one.
STAGES: dict[str, int] = {
    "reference": 1,
    "ingest": 2,
    "corridor": 3,
    "export": 4,
    "render": 4,
    "cli": 5,
    "__main__": 5,
}
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Modules of g60map that ``name`` imports (anywhere in the file)."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("g60map"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("g60map"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(name)
    return {m for m in found if m in MODULES}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) < 2:
        return 0
    return STAGES.get(parts[1], 0)


def test_no_import_circles() -> None:
    seen: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if nxt == "g60map":
                continue  # the package root is checked by test_nothing_imported_back_up
            if seen.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt, stack)
        stack.pop()
        seen[node] = 2

    for name in sorted(GRAPH):
        if name not in seen:
            visit(name, [])
    assert cycles == []


def test_nothing_imported_back_up() -> None:
    """No module imports the ``__init__`` of a package that contains it."""
    back = sorted(
        (name, target)
        for name, targets in GRAPH.items()
        for target in targets
        if MODULES[target].name == "__init__.py" and name.startswith(target + ".")
    )
    assert back == []


def test_stages_import_one_way() -> None:
    wrong = sorted(
        (name, target)
        for name, targets in GRAPH.items()
        for target in targets
        if _stage(target) > _stage(name) and _stage(name) != 0
    )
    assert wrong == []


@pytest.mark.parametrize("suffix", [".py", ".js"])
def test_no_file_over_600_lines(suffix: str) -> None:
    long = sorted(
        (str(p.relative_to(PACKAGE)), n)
        for p in PACKAGE.rglob(f"*{suffix}")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == []


def test_public_api_is_what_the_readme_documents() -> None:
    """Every ``g60map.NAME`` the README uses is published in ``g60map.__all__`` and resolves."""
    import re

    import g60map

    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\bg60map\.([a-z_A-Z][A-Za-z_0-9]*)\(", readme))
    assert used, "the README shows no call of the API"
    missing = sorted(used - set(g60map.__all__))
    assert missing == []
    for name in g60map.__all__:
        assert getattr(g60map, name) is not None, name
    assert {"Problem", "small_multiples", "district_summary"} <= set(g60map.__all__)
