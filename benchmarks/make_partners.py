"""Generate N synthetic partners inside the nine corridor city polygons, deterministically.

Usage::

    python benchmarks/make_partners.py 100000 [--out DIR] [--seed 60]

Writes ``partners_<N>.csv`` (UTF-8, lon/lat columns) and ``partners_<N>.parquet``
(GeoParquet, point geometry instead of lon/lat) into ``DIR`` (default: ``g60map-bench`` in
the system's temporary folder, or ``$G60MAP_BENCH_DATA``; never in the repository). The
same N and seed give byte-identical files.

Rows are spread over the nine cities in proportion to the square root of their area (so
the small Songjiang hub still gets its share); points are uniform inside each city
polygon (rejection sampling, checked *after* rounding to 5 decimals so no point moves
into a neighbour). A fraction of rows (``--city-only``, default 5 %) gives only a city,
with empty lon/lat, like a registry that knows the city but not the address. The city
cell cycles through English name, Chinese name and GB/T 2260 code.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from g60map import load_boundaries, settings

__all__ = ["make_partners", "write_partners", "DATA_DIR"]

DATA_DIR = Path(
    os.environ.get("G60MAP_BENCH_DATA") or Path(tempfile.gettempdir()) / "g60map-bench"
)

KINDS = (
    "cloud customer",
    "industrial partner",
    "telecom operator",
    "software vendor",
    "university",
    "manufacturer",
)


def _sample_in(geom, n: int, rng: np.random.Generator, decimals: int) -> np.ndarray:
    """Return ``n`` (lon, lat) rows uniform inside ``geom``, strictly inside after rounding."""
    shapely.prepare(geom)
    x0, y0, x1, y1 = geom.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        want = max(1024, int((n - len(out)) * 2.5))
        xy = np.column_stack([rng.uniform(x0, x1, want), rng.uniform(y0, y1, want)])
        xy = np.round(xy, decimals)
        inside = shapely.contains_xy(geom, xy[:, 0], xy[:, 1])
        out = np.vstack([out, xy[inside]])
    return out[:n]


def make_partners(
    n: int, *, seed: int = 60, city_only: float = 0.05, decimals: int = settings.COORD_DECIMALS
) -> pd.DataFrame:
    """Return ``n`` synthetic partner rows as text-ready columns (lon/lat as float, NaN=none).

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int, default 60
        Seed of :func:`numpy.random.default_rng`.
    city_only : float, default 0.05
        Fraction of rows with a city but no lon/lat.
    decimals : int, default settings.COORD_DECIMALS
        Decimal places of the coordinates.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``name_zh``, ``city``, ``city_code_expected``, ``kind``,
        ``website``, ``description``, ``lon``, ``lat``; ``city_code_expected`` is the member
        the row was generated in (drop it before writing a partner table).
    """
    if n < 1:
        raise ValueError("n must be >= 1")
    rng = np.random.default_rng(seed)
    cities = load_boundaries("city", settings.JOIN_RESOLUTION)
    members = cities[cities["is_member"]].set_index("code").loc[list(settings.MEMBER_CODES)]
    area = members.to_crs(settings.EQUAL_AREA_CRS).area.to_numpy()
    weights = np.sqrt(area) / np.sqrt(area).sum()
    per_city = rng.multinomial(n, weights)

    city_idx = np.repeat(np.arange(len(members)), per_city)
    xy = np.vstack(
        [
            _sample_in(geom, int(k), rng, decimals)
            for geom, k in zip(members.geometry.values, per_city, strict=True)
        ]
    )
    # Shuffle so cities are interleaved like a real registry (and partitions are mixed).
    order = rng.permutation(n)
    city_idx, xy = city_idx[order], xy[order]
    no_point = rng.random(n) < city_only
    lon = np.where(no_point, np.nan, xy[:, 0])
    lat = np.where(no_point, np.nan, xy[:, 1])

    codes = members.index.to_numpy()[city_idx]
    style = np.arange(n) % 3
    city = np.where(
        style == 0,
        members["name_en"].to_numpy()[city_idx],
        np.where(style == 1, members["name_zh"].to_numpy()[city_idx], codes),
    )
    ids = pd.Series(np.arange(1, n + 1)).map("{:07d}".format)
    kind_idx = rng.integers(0, len(KINDS), n)
    return pd.DataFrame(
        {
            "name": "Partner " + ids,
            "name_zh": "合作伙伴" + ids,
            "city": city,
            "city_code_expected": codes,
            "kind": np.asarray(KINDS, dtype=object)[kind_idx],
            "website": "https://p" + ids + ".example.com",
            "description": "synthetic partner for benchmarks",
            "lon": lon,
            "lat": lat,
        }
    )


def write_partners(
    n: int,
    out: str | Path = DATA_DIR,
    *,
    seed: int = 60,
    force: bool = False,
    row_group_size: int = 100_000,
) -> tuple[Path, Path]:
    """Write ``partners_<n>.csv`` and ``partners_<n>.parquet``; return their paths.

    Existing files are kept unless ``force`` (the output is deterministic). The
    GeoParquet file has row groups of ``row_group_size`` rows (dask partitions).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, pq_path = out / f"partners_{n}.csv", out / f"partners_{n}.parquet"
    if csv_path.exists() and pq_path.exists() and not force:
        return csv_path, pq_path
    df = make_partners(n, seed=seed).drop(columns="city_code_expected")
    tmp = csv_path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False, float_format="%.5f", lineterminator="\n")
    tmp.replace(csv_path)
    geom = shapely.points(df["lon"].to_numpy(), df["lat"].to_numpy())  # NaN -> None below
    geom[df["lon"].isna().to_numpy()] = None
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]), geometry=geom, crs=settings.WGS84
    )
    tmp = pq_path.with_suffix(".parquet.tmp")
    gdf.to_parquet(tmp, index=False, row_group_size=row_group_size, compression="snappy")
    tmp.replace(pq_path)
    return csv_path, pq_path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, nargs="+", help="number(s) of rows")
    p.add_argument("--out", default=str(DATA_DIR), help=f"output folder (default {DATA_DIR})")
    p.add_argument("--seed", type=int, default=60)
    p.add_argument("--force", action="store_true", help="rewrite existing files")
    args = p.parse_args(argv)
    for n in args.n:
        t0 = time.perf_counter()
        paths = write_partners(n, args.out, seed=args.seed, force=args.force)
        sizes = ", ".join(f"{q.name} {q.stat().st_size / 1e6:.1f} MB" for q in paths)
        print(f"{n:>9,d} rows: {sizes} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
