"""Rebuild the packaged frames of the default corridor shipped in ``geodata/``.

Loads ``geodata/partners.csv`` and ``geodata/investments.csv`` with
:func:`g60map.load_partners` / :func:`g60map.load_investments` (the whole ingest path),
computes the default corridor from them (:func:`g60map.load_corridor`, nothing read as
shipped) and writes the tables and the corridor's per-city summary, spokes and trunk as
GeoParquet (``packaged_<name>.parquet``) with ``packaged_tables.json`` (format, SHA-256 of
each packaged file they come from, a digest of the settings they read, ``attrs``, the
overview), which ``g60map.load_corridor()`` reads instead of computing them again
(:mod:`g60map.reference.packaged`). Run from the repository root after a change to the
packaged data, to the loaders or to the summary::

    python scripts/build_packaged.py

The output is deterministic (same bytes on a rerun); ``tests/test_packaged.py`` checks the
shipped files against a fresh computation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from g60map.corridor import model
from g60map.ingest.tables import load_investments, load_partners
from g60map.reference.packaged import CORRIDOR_FRAMES, write_packaged

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


def main() -> int:
    """Write the packaged frames into ``geodata/``; return the exit code."""
    with model._computing():
        corridor = model.load_corridor()
    frames = {"partners": load_partners(), "investments": load_investments()}
    frames.update({name: getattr(corridor, name) for name in CORRIDOR_FRAMES})
    for path in write_packaged(frames, corridor.overview, GEODATA):
        print(f"wrote {path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
