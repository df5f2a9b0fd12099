"""The corridor's numbers: per-city and per-district figures and the corridor overview.

Corridor stage (:mod:`g60map.corridor`): counts the loaded partners and investments
(:mod:`g60map.ingest`) in the city and district polygons, with distances from
:mod:`.geodesy` and spokes and trunk from :mod:`.axis`; :mod:`.model` computes them once
for every output. Areas are planar areas in the Albers equal-area CRS
:data:`g60map.settings.EQUAL_AREA_CRS` (equal to geodesic areas to well under 0.1 %, see
``tests/test_corridor.py``).

* :func:`corridor_summary` / :func:`summary_table` -- one row per city: distance and bearing
  from Songjiang, area, partners and investments (CNY and USD, with the rate in ``attrs``).
* :func:`corridor_overview` -- corridor-level figures (total area, extent, spoke lengths).
* :func:`district_summary` -- one row per district (区县) of the nine cities.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .._errors import G60InputError
from .._frames import as_wgs84
from ..reference.boundaries import load_boundaries
from .axis import corridor_spokes, g60_trunk
from .geodesy import DISTANCE_METHOD, city_seats, geodesic_inv, require_columns

__all__ = [
    "corridor_summary",
    "summary_table",
    "corridor_overview",
    "district_summary",
    "SUMMARY_COLUMNS",
    "DISTRICT_SUMMARY_COLUMNS",
]

#: Column order of :func:`corridor_summary` (``summary_table`` drops ``geometry``).
SUMMARY_COLUMNS = [
    "code",
    "name_en",
    "name_zh",
    "province_en",
    "role",
    "distance_km",
    "bearing_deg",
    "area_km2",
    "partners",
    "investments",
    "invest_cny",
    "invest_usd",
    "partners_per_1000km2",
    "geometry",
]

#: Columns of :func:`district_summary`.
DISTRICT_SUMMARY_COLUMNS = [
    "code", "name_en", "name_zh", "city_code", "city_en", "city_zh", "role", "area_km2",
    "partners", "investments", "invest_cny", "partners_per_1000km2", "geometry",
]

_AREA_METHOD = (
    "planar area in settings.EQUAL_AREA_CRS (Albers equal-area conic, standard parallels "
    "28N/34N, WGS-84)"
)


def _city_codes_of(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> pd.Series:
    """Return the corridor city code of each row (``city_code`` column or point in polygon).

    Point in polygon is :func:`g60map.ingest.join.locate_in`: a point on a shared edge or vertex
    goes to the smallest code.
    """
    if "city_code" in points.columns:
        return points["city_code"].fillna("").astype(str)
    return pd.Series(_codes_of_points(as_wgs84(points, "points"), polygons),
                     index=points.index, dtype=str)


def _codes_of_points(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> np.ndarray:
    """Code of the polygon of ``polygons`` each point lies in ("" for none or no point)."""
    from ..ingest.join import locate_in, prepared_polygons  # tables without city codes only

    geom = points.geometry
    usable = ~(geom.isna() | geom.is_empty).to_numpy()
    lon = np.full(len(points), np.nan)
    lat = np.full(len(points), np.nan)
    lon[usable] = shapely.get_x(geom.values[usable])
    lat[usable] = shapely.get_y(geom.values[usable])
    return locate_in(lon, lat, prepared_polygons(polygons["code"].astype(str).tolist(),
                                                 polygons.geometry.to_numpy()))


def _rate(investments: pd.DataFrame) -> dict[str, Any]:
    attrs = getattr(investments, "attrs", {}) or {}
    return {
        "usd_cny_rate": float(attrs.get("usd_cny_rate", settings.USD_CNY_RATE)),
        "usd_cny_rate_date": str(attrs.get("usd_cny_rate_date", settings.USD_CNY_RATE_DATE)),
        "usd_cny_rate_source": str(
            attrs.get("usd_cny_rate_source", settings.USD_CNY_RATE_SOURCE)
        ),
    }


def _tables_given(what: str, partners: object, investments: object) -> None:
    """Raise a TypeError naming how to get the tables when ``partners``/``investments`` is None.

    Analysis takes the tables it is given and never chooses them: only
    :func:`g60map.load_corridor` (:func:`g60map.corridor.model.resolve_tables`) turns a
    missing table into the article's data or an empty one.
    """
    missing = [n for n, v in (("partners", partners), ("investments", investments)) if v is None]
    if missing:
        raise TypeError(
            f"{what}: no {' and no '.join(missing)} table given; pass the tables "
            "(g60map.load_partners(...), g60map.load_investments(...)), or take "
            "g60map.load_corridor(...).summary, which reads the article's data when "
            "given no tables"
        )


def corridor_summary(
    partners: gpd.GeoDataFrame,
    investments: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame | None = None,
    *,
    cities: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return one row per corridor city, hub first, with its polygon and key figures.

    Parameters
    ----------
    partners : geopandas.GeoDataFrame
        From :func:`g60map.load_partners` (the article's: ``load_partners()``; none: an
        empty frame). Counted by ``city_code`` when present, else by point-in-polygon;
        rows outside the nine cities are not counted.
    investments : geopandas.GeoDataFrame
        From :func:`g60map.load_investments`; needs ``amount_cny`` and ``amount_usd``.
        Its ``attrs`` give the USD/CNY rate.
    boundaries : geopandas.GeoDataFrame, optional
        City-level boundaries with ``code`` (default ``load_boundaries("city")``).
    cities : geopandas.GeoDataFrame, optional
        City seats (default :func:`g60map.load_cities`).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, 9 rows in the order of :func:`g60map.load_cities` (hub first), columns
        :data:`SUMMARY_COLUMNS`. ``distance_km``/``bearing_deg`` are geodesic from the
        Songjiang seat (hub: 0 and NaN); ``area_km2`` is the equal-area area of the city
        polygon; ``invest_cny``/``invest_usd`` are totals of the city's investments.
        ``attrs`` hold ``usd_cny_rate``, ``usd_cny_rate_date``, ``usd_cny_rate_source``,
        ``area_method`` and ``distance_method``.

    Raises
    ------
    G60InputError
        If a frame lacks a needed column or CRS, or a city has no boundary.
    TypeError
        If a table is None (tables are never chosen here: see :func:`g60map.load_corridor`).

    Examples
    --------
    >>> from g60map.ingest.tables import load_investments, load_partners
    >>> summary = corridor_summary(load_partners(), load_investments())
    >>> summary["name_en"].iloc[0], len(summary)
    ('Songjiang', 9)
    >>> int(summary["partners"].sum()), float(summary["invest_cny"].sum())
    (6, 15000000000.0)
    """
    _tables_given("corridor_summary", partners, investments)
    cities, hub_lon, hub_lat = city_seats(cities)
    boundaries = load_boundaries("city") if boundaries is None else as_wgs84(
        boundaries, "boundaries"
    )
    require_columns(boundaries, "boundaries", ["code"])
    partners = as_wgs84(partners, "partners")
    investments = as_wgs84(investments, "investments")
    require_columns(investments, "investments", ["amount_cny", "amount_usd"])

    codes = cities["code"].tolist()
    polys = boundaries.assign(code=boundaries["code"].astype(str)).drop_duplicates("code")
    polys = polys.set_index("code")
    missing = [c for c in codes if c not in polys.index]
    if missing:
        raise G60InputError(
            [f"boundaries: no polygon for city code(s) {', '.join(missing)} "
             "(pass city-level boundaries, e.g. load_boundaries('city'))"]
        )
    polys = gpd.GeoDataFrame(
        {"code": codes}, geometry=polys.loc[codes].geometry.values, crs=settings.WGS84
    )

    km, az = geodesic_inv(hub_lon, hub_lat, cities.geometry.x, cities.geometry.y)
    is_hub = (cities["code"] == settings.HUB_CODE).to_numpy()
    km = np.where(is_hub, 0.0, km)
    az = np.where(is_hub, np.nan, az)
    area = polys.to_crs(settings.EQUAL_AREA_CRS).area.to_numpy() / 1e6

    p_codes = _city_codes_of(partners, polys) if len(partners) else pd.Series([], dtype=str)
    i_codes = (
        _city_codes_of(investments, polys) if len(investments) else pd.Series([], dtype=str)
    )
    n_partners = p_codes.value_counts().reindex(codes, fill_value=0).to_numpy()
    inv = pd.DataFrame(
        {
            "code": i_codes.to_numpy(),
            "cny": pd.to_numeric(investments["amount_cny"]).to_numpy(dtype=float),
            "usd": pd.to_numeric(investments["amount_usd"]).to_numpy(dtype=float),
        }
    )
    grouped = inv.groupby("code").agg(n=("cny", "size"), cny=("cny", "sum"), usd=("usd", "sum"))
    grouped = grouped.reindex(codes, fill_value=0)

    out = pd.DataFrame(
        {
            "code": codes,
            "name_en": cities["name_en"].to_numpy(),
            "name_zh": cities["name_zh"].to_numpy(),
            "province_en": cities["province_en"].to_numpy(),
            "role": np.where(is_hub, "hub", "member"),
            "distance_km": km,
            "bearing_deg": az,
            "area_km2": area,
            "partners": n_partners.astype("int64"),
            "investments": grouped["n"].to_numpy().astype("int64"),
            "invest_cny": grouped["cny"].to_numpy(dtype=float),
            "invest_usd": grouped["usd"].to_numpy(dtype=float),
        }
    )
    out["partners_per_1000km2"] = out["partners"] / out["area_km2"] * 1000.0
    out["geometry"] = polys.geometry.values
    # hub first, then the order of the cities frame
    out = pd.concat([out[is_hub], out[~is_hub]], ignore_index=True)
    gdf = gpd.GeoDataFrame(out[SUMMARY_COLUMNS], geometry="geometry", crs=settings.WGS84)
    gdf.attrs = {
        **_rate(investments),
        "area_method": _AREA_METHOD,
        "area_crs": settings.EQUAL_AREA_CRS,
        "distance_method": DISTANCE_METHOD,
    }
    return gdf


def summary_table(
    partners: gpd.GeoDataFrame,
    investments: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame | None = None,
    *,
    cities: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Return :func:`corridor_summary` as a plain DataFrame (no geometry), same ``attrs``.

    Parameters
    ----------
    partners, investments, boundaries, cities : geopandas.GeoDataFrame
        As for :func:`corridor_summary` (``boundaries`` and ``cities`` optional).

    Returns
    -------
    pandas.DataFrame
        :data:`SUMMARY_COLUMNS` without ``geometry``, hub first.

    Examples
    --------
    >>> from g60map.ingest.tables import load_investments, load_partners
    >>> table = summary_table(load_partners(), load_investments())
    >>> type(table).__name__, "geometry" in table.columns
    ('DataFrame', False)
    """
    summary = corridor_summary(partners, investments, boundaries, cities=cities)
    table = pd.DataFrame(summary.drop(columns="geometry"))
    table.attrs = dict(summary.attrs)
    return table


def corridor_overview(
    partners: gpd.GeoDataFrame | None = None,
    investments: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    *,
    cities: gpd.GeoDataFrame | None = None,
    summary: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    """Return corridor-level figures: area, extent, spoke lengths, partners, investments.

    Parameters
    ----------
    partners, investments, boundaries, cities : geopandas.GeoDataFrame, optional
        As for :func:`corridor_summary`; the tables are needed unless ``summary`` is given.
    summary : geopandas.GeoDataFrame, optional
        A :func:`corridor_summary` already computed (then the tables are not read again).

    Returns
    -------
    dict
        ``n_cities``, ``total_area_km2`` (sum of the nine city areas, equal-area CRS),
        ``extent_bbox`` (``(min_lon, min_lat, max_lon, max_lat)`` of the nine polygons,
        WGS-84 degrees), ``extent_width_km``/``extent_height_km`` (geodesic width along
        the box's middle latitude and height along its middle meridian),
        ``spoke_length_km_min``/``_max``/``_mean``, ``nearest``/``farthest`` (English
        city names), ``trunk_length_km``, ``partners``, ``investments``,
        ``invest_cny``, ``invest_usd``, ``usd_cny_rate``, ``usd_cny_rate_date``,
        ``usd_cny_rate_source``, ``area_method``. ``pandas.Series(overview)`` shows it
        as a table.

    Examples
    --------
    >>> from g60map.ingest.tables import load_investments, load_partners
    >>> ov = corridor_overview(load_partners(), load_investments())
    >>> ov["n_cities"], ov["farthest"]
    (9, 'Hefei')
    """
    if summary is None:
        _tables_given("corridor_overview", partners, investments)
        summary = corridor_summary(partners, investments, boundaries, cities=cities)
    spokes = corridor_spokes(cities)
    minx, miny, maxx, maxy = (float(v) for v in summary.total_bounds)
    mid_lat, mid_lon = (miny + maxy) / 2, (minx + maxx) / 2
    width, _ = geodesic_inv(minx, mid_lat, maxx, mid_lat)
    height, _ = geodesic_inv(mid_lon, miny, mid_lon, maxy)
    try:
        trunk_km: float = float(g60_trunk(cities)["length_km"].item())
    except G60InputError:
        trunk_km = float("nan")
    lengths = spokes["length_km"]
    return {
        "n_cities": len(summary),
        "total_area_km2": float(summary["area_km2"].sum()),
        "extent_bbox": (minx, miny, maxx, maxy),
        "extent_width_km": float(width),
        "extent_height_km": float(height),
        "spoke_length_km_min": float(lengths.min()),
        "spoke_length_km_max": float(lengths.max()),
        "spoke_length_km_mean": float(lengths.mean()),
        "nearest": str(spokes["name_en"].iloc[0]),
        "farthest": str(spokes["name_en"].iloc[-1]),
        "trunk_length_km": trunk_km,
        "partners": int(summary["partners"].sum()),
        "investments": int(summary["investments"].sum()),
        "invest_cny": float(summary["invest_cny"].sum()),
        "invest_usd": float(summary["invest_usd"].sum()),
        "usd_cny_rate": summary.attrs["usd_cny_rate"],
        "usd_cny_rate_date": summary.attrs["usd_cny_rate_date"],
        "usd_cny_rate_source": summary.attrs["usd_cny_rate_source"],
        "area_method": summary.attrs["area_method"],
    }


def _district_codes(frame: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.Series:
    """District code of each row: its ``district_code`` when set, else point in polygon.

    Point in polygon is :func:`g60map.ingest.join.locate_in` (a point on a shared edge or vertex
    goes to the smallest code).
    """
    codes = (frame["district_code"].astype("string").fillna("") if "district_code" in frame
             else pd.Series("", index=frame.index, dtype="string"))
    missing = codes.eq("") & ~(frame.geometry.is_empty | frame.geometry.isna())
    if missing.any():
        codes.loc[missing] = _codes_of_points(frame.loc[missing], districts)
    return codes


def district_summary(
    partners: gpd.GeoDataFrame,
    investments: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Return one row per district (区县) of the nine cities with its partners and investments.

    Parameters
    ----------
    partners, investments : geopandas.GeoDataFrame
        From :func:`g60map.load_partners` / :func:`g60map.load_investments`. A row is counted
        in its ``district_code`` (set by the loaders for rows placed by address or point),
        else in the district polygon that contains its point; rows placed only at a city
        seat count in the seat's district.
    districts : geopandas.GeoDataFrame
        ``load_boundaries("district")``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per district in the order of ``districts``, columns
        :data:`DISTRICT_SUMMARY_COLUMNS` (``area_km2`` equal-area).

    Examples
    --------
    >>> import g60map
    >>> s = district_summary(g60map.load_partners(), g60map.load_investments(),
    ...                      g60map.load_boundaries("district"))
    >>> len(s), int(s.set_index("code").at["310117", "partners"])
    (82, 6)
    """
    districts = as_wgs84(districts, "districts").reset_index(drop=True)
    codes = districts["code"].astype(str)
    out = pd.DataFrame({c: districts[c].to_numpy() for c in
                        ("code", "name_en", "name_zh", "city_code", "city_en", "city_zh",
                         "role")})
    out["area_km2"] = districts.to_crs(settings.EQUAL_AREA_CRS).area.to_numpy() / 1e6
    p = _district_codes(as_wgs84(partners, "partners"), districts) if len(partners) else \
        pd.Series([], dtype="string")
    i_frame = as_wgs84(investments, "investments")
    i = _district_codes(i_frame, districts) if len(i_frame) else pd.Series([], dtype="string")
    out["partners"] = p.value_counts().reindex(codes, fill_value=0).to_numpy().astype("int64")
    out["investments"] = i.value_counts().reindex(codes, fill_value=0).to_numpy().astype(
        "int64")
    amounts = pd.to_numeric(i_frame.get("amount_cny", pd.Series(dtype=float)),
                            errors="coerce").fillna(0.0)
    sums = amounts.groupby(i.to_numpy()).sum() if len(i_frame) else pd.Series(dtype=float)
    out["invest_cny"] = sums.reindex(codes, fill_value=0.0).to_numpy(dtype=float)
    out["partners_per_1000km2"] = out["partners"] / out["area_km2"] * 1000.0
    out["geometry"] = districts.geometry.values
    gdf = gpd.GeoDataFrame(out[DISTRICT_SUMMARY_COLUMNS], geometry="geometry",
                           crs=settings.WGS84)
    gdf.attrs = {"area_method": _AREA_METHOD, "area_crs": settings.EQUAL_AREA_CRS}
    return gdf
