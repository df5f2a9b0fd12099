"""Rebuild the packaged article tables shipped in ``geodata/``, loaded and joined.

Loads ``geodata/partners.csv`` and ``geodata/investments.csv`` with
:func:`g60map.load_partners` / :func:`g60map.load_investments` (the whole ingest path) and
writes what they return as ``packaged_partners.parquet`` and ``packaged_investments.parquet``
(GeoParquet) with ``packaged_tables.json`` (format, SHA-256 of each source CSV, ``attrs``),
which ``g60map.load_corridor()`` reads instead of loading the CSVs again
(:mod:`g60map.reference.packaged`). Run from the repository root after a change to the
packaged tables or to the loaders::

    python scripts/build_packaged.py

The output is deterministic (same bytes on a rerun); ``tests/test_packaged.py`` checks the
shipped files against a fresh load.
"""

from __future__ import annotations

import sys
from pathlib import Path

from g60map.ingest.tables import load_investments, load_partners
from g60map.reference.packaged import write_packaged

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


def main() -> int:
    """Write the packaged tables into ``geodata/``; return the exit code."""
    tables = {"partners": load_partners(), "investments": load_investments()}
    for path in write_packaged(tables, GEODATA):
        print(f"wrote {path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
