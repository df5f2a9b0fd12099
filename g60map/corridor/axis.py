"""The corridor axis from Songjiang, and the numbers behind it.

Every distance and bearing here is a geodesic on the WGS-84 ellipsoid (:class:`pyproj.Geod`,
Karney's algorithms), seat to seat; nothing is measured in degrees. Areas are planar areas
in the Albers equal-area CRS :data:`g60map.settings.EQUAL_AREA_CRS` (equal to geodesic areas
to well under 0.1 %, see ``tests/test_corridor.py``).

* :func:`corridor_spokes` -- eight geodesic spokes from Songjiang to the member cities,
  ranked by length, densified so that they also draw as geodesics on Web Mercator.
* :func:`g60_trunk` -- the G60 expressway's city order Songjiang -> Jiaxing -> Hangzhou ->
  Jinhua as one *schematic* line (straight between city seats: the data hold no road
  geometry).
* :func:`corridor_summary` / :func:`summary_table` -- one row per city: distance and bearing
  from Songjiang, area, partners and investments (CNY and USD, with the rate in ``attrs``).
* :func:`corridor_overview` -- corridor-level figures (total area, extent, spoke lengths).
* :func:`distance_from_hub`, :func:`hub_rings` -- geodesic distances and distance rings
  around Songjiang for your own points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import settings
from .._errors import G60InputError
from .._frames import as_wgs84
from ..ingest.join import locate_in, prepared_polygons
from ..ingest.read import load_cities
from ..reference.boundaries import load_boundaries

__all__ = [
    "corridor_spokes",
    "g60_trunk",
    "corridor_summary",
    "summary_table",
    "corridor_overview",
    "distance_from_hub",
    "hub_rings",
    "geodesic_inv",
    "SPOKE_COLUMNS",
    "SUMMARY_COLUMNS",
]

#: The WGS-84 ellipsoid every distance and bearing is computed on.
GEOD = pyproj.Geod(ellps="WGS84")


#: Column order of :func:`corridor_spokes`.
SPOKE_COLUMNS = [
    "code",
    "name_en",
    "name_zh",
    "province_en",
    "length_km",
    "bearing_deg",
    "rank",
    "geometry",
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

_TRUNK_NOTE = (
    "Schematic: straight lines between the city seats of Songjiang, Jiaxing, Hangzhou and "
    "Jinhua, in the order the G60 Shanghai-Kunming Expressway links them. The data hold no "
    "road geometry, so this line is not the expressway's alignment."
)

_AREA_METHOD = (
    "planar area in settings.EQUAL_AREA_CRS (Albers equal-area conic, standard parallels "
    "28N/34N, WGS-84)"
)
_DISTANCE_METHOD = (
    "geodesic on the WGS-84 ellipsoid (pyproj.Geod, Karney), city seat to city seat; "
    "bearing = initial azimuth from Songjiang, degrees clockwise from north in [0, 360)"
)


# --------------------------------------------------------------------------------------
# helpers


def geodesic_inv(
    lon1: Any, lat1: Any, lon2: Any, lat2: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Return geodesic distance (km) and initial bearing (degrees) between WGS-84 points.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array_like
        Start and end points in degrees (broadcast against each other).

    Returns
    -------
    distance_km, bearing_deg : numpy.ndarray
        Distance on the WGS-84 ellipsoid in km and initial azimuth at the start point in
        degrees clockwise from north, in ``[0, 360)``.

    Examples
    --------
    >>> km, az = geodesic_inv(121.22326, 31.03443, 120.16142, 30.29365)
    >>> round(float(km), 1), round(float(az), 1)
    (130.8, 231.4)
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    x1, y1, x2, y2 = (a.ravel() for a in arrays)
    az, _, dist = GEOD.inv(x1, y1, x2, y2)
    shape = arrays[0].shape
    az = np.mod(np.asarray(az, dtype=float), 360.0)
    az = np.where(az >= 360.0, 0.0, az)
    return (np.asarray(dist, dtype=float) / 1000.0).reshape(shape), az.reshape(shape)


def _require(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise G60InputError(
            [f"{name}: missing column(s) {', '.join(missing)} (load it with the g60map loaders)"]
        )


def _cities(cities: gpd.GeoDataFrame | None) -> tuple[gpd.GeoDataFrame, float, float]:
    """Return (cities in WGS-84 with code as str, hub lon, hub lat)."""
    cities = load_cities() if cities is None else as_wgs84(cities, "cities")
    _require(cities, "cities", ["code", "name_en", "name_zh", "province_en"])
    cities = cities.copy()
    cities["code"] = cities["code"].astype(str)
    types = set(cities.geom_type.dropna())
    if types - {"Point"} or cities.geometry.is_empty.any():
        raise G60InputError(["cities: every geometry must be a non-empty Point (the city seat)"])
    hub = cities[cities["code"] == settings.HUB_CODE]
    if len(hub) != 1:
        raise G60InputError(
            [f"cities: expected one hub row with code {settings.HUB_CODE}, found {len(hub)}"]
        )
    point = hub.geometry.iloc[0]
    return cities, float(point.x), float(point.y)


def geodesic_line(
    lon1: float, lat1: float, lon2: float, lat2: float, step_km: float
) -> shapely.LineString:
    """Return the geodesic between two points as a line with vertices every ``step_km``.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float
        WGS-84 degrees.
    step_km : float
        Largest distance between two vertices (they lie on the geodesic).

    Returns
    -------
    shapely.LineString
    """
    km, _ = geodesic_inv(lon1, lat1, lon2, lat2)
    n = max(math.ceil(float(km) / step_km) - 1, 0)
    inner = GEOD.npts(lon1, lat1, lon2, lat2, n) if n else []
    return shapely.LineString([(lon1, lat1), *inner, (lon2, lat2)])


# --------------------------------------------------------------------------------------
# the axis


def corridor_spokes(
    cities: gpd.GeoDataFrame | None = None, *, step_km: float | None = None
) -> gpd.GeoDataFrame:
    """Return the geodesic spokes from Songjiang to each member city, ranked by length.

    Parameters
    ----------
    cities : geopandas.GeoDataFrame, optional
        City seats as returned by :func:`g60map.load_cities` (the default); must contain
        the hub (``settings.HUB_CODE``). Any CRS; converted to WGS-84.
    step_km : float, optional
        Largest distance between two vertices of a spoke, default
        :data:`g60map.settings.SPOKE_STEP_KM`.
        Intermediate vertices lie on the geodesic (:meth:`pyproj.Geod.npts`), so the line
        draws as the geodesic on Web Mercator too.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per non-hub city (8 for the corridor), sorted by length
        (ties by code), columns :data:`SPOKE_COLUMNS`: ``length_km`` (geodesic, seat to
        seat), ``bearing_deg`` (initial azimuth at Songjiang, clockwise from north,
        ``[0, 360)``), ``rank`` (1 = nearest) and a LineString from Songjiang to the city.

    Examples
    --------
    >>> spokes = corridor_spokes()
    >>> len(spokes), spokes["rank"].tolist() == list(range(1, 9))
    (8, True)
    >>> spokes.iloc[-1]["name_en"]
    'Hefei'
    """
    step = settings.SPOKE_STEP_KM if step_km is None else float(step_km)
    if not step > 0:
        raise ValueError(f"step_km must be positive, not {step_km!r}")
    cities, hub_lon, hub_lat = _cities(cities)
    members = cities[cities["code"] != settings.HUB_CODE]
    lon = members.geometry.x.to_numpy()
    lat = members.geometry.y.to_numpy()
    km, az = geodesic_inv(hub_lon, hub_lat, lon, lat)
    lines = [geodesic_line(hub_lon, hub_lat, x, y, step) for x, y in zip(lon, lat, strict=True)]
    out = pd.DataFrame(
        {
            "code": members["code"].to_numpy(),
            "name_en": members["name_en"].to_numpy(),
            "name_zh": members["name_zh"].to_numpy(),
            "province_en": members["province_en"].to_numpy(),
            "length_km": km,
            "bearing_deg": az,
        }
    )
    out["geometry"] = lines
    out = out.sort_values(["length_km", "code"], kind="stable", ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1, dtype="int64")
    gdf = gpd.GeoDataFrame(out[SPOKE_COLUMNS], geometry="geometry", crs=settings.WGS84)
    gdf.attrs = {"distance_method": _DISTANCE_METHOD, "step_km": step}
    return gdf


def g60_trunk(cities: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Return the G60 expressway's city order as one schematic line.

    Songjiang -> Jiaxing -> Hangzhou -> Jinhua, straight between the city seats. The data
    hold no road geometry: the line shows the order of the cities along the expressway,
    not its alignment, and says so in its ``schematic`` and ``note`` attributes.

    Parameters
    ----------
    cities : geopandas.GeoDataFrame, optional
        City seats (default :func:`g60map.load_cities`); must contain :data:`TRUNK_CODES`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row: ``name`` ("G60 trunk (schematic)"), ``name_zh``, ``via``,
        ``schematic`` (True), ``note``, ``length_km`` (sum of the geodesic legs),
        ``geometry`` (LineString through the four seats).

    Examples
    --------
    >>> trunk = g60_trunk()
    >>> trunk["name"].item(), bool(trunk["schematic"].item())
    ('G60 trunk (schematic)', True)
    >>> 250 < trunk["length_km"].item() < 350
    True
    """
    cities, _, _ = _cities(cities)
    by_code = cities.set_index("code")
    missing = [c for c in settings.TRUNK_CODES if c not in by_code.index]
    if missing:
        raise G60InputError([f"cities: missing trunk city code(s) {', '.join(missing)}"])
    seats = by_code.loc[list(settings.TRUNK_CODES)]
    lon = seats.geometry.x.to_numpy()
    lat = seats.geometry.y.to_numpy()
    legs, _ = geodesic_inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    row = {
        "name": "G60 trunk (schematic)",
        "name_zh": "G60 沪昆高速主轴（示意）",
        "via": " - ".join(seats["name_en"]),
        "schematic": True,
        "note": _TRUNK_NOTE,
        "length_km": float(legs.sum()),
    }
    gdf = gpd.GeoDataFrame(
        [row], geometry=[shapely.LineString(np.column_stack([lon, lat]))], crs=settings.WGS84
    )
    gdf.attrs = {"leg_km": [float(v) for v in legs], "distance_method": _DISTANCE_METHOD}
    return gdf


# --------------------------------------------------------------------------------------
# per-city numbers


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
    cities, hub_lon, hub_lat = _cities(cities)
    boundaries = load_boundaries("city") if boundaries is None else as_wgs84(
        boundaries, "boundaries"
    )
    _require(boundaries, "boundaries", ["code"])
    partners = as_wgs84(partners, "partners")
    investments = as_wgs84(investments, "investments")
    _require(investments, "investments", ["amount_cny", "amount_usd"])

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
        "distance_method": _DISTANCE_METHOD,
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


# --------------------------------------------------------------------------------------
# your own points


def distance_from_hub(
    gdf: gpd.GeoDataFrame, *, cities: gpd.GeoDataFrame | None = None
) -> pd.Series:
    """Return the geodesic distance (km) from the Songjiang seat to each point.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Points in any CRS (converted to WGS-84); empty or missing geometries give NaN.
    cities : geopandas.GeoDataFrame, optional
        City seats (default :func:`g60map.load_cities`).

    Returns
    -------
    pandas.Series
        Float, named ``distance_km``, on the index of ``gdf``.

    Raises
    ------
    G60InputError
        If a geometry is not a point (measure polygons from a point you choose, e.g.
        ``gdf.representative_point()``).

    Examples
    --------
    >>> d = distance_from_hub(load_cities())
    >>> float(d.iloc[0]), round(float(d.max()), 1)
    (0.0, 385.8)
    """
    gdf = as_wgs84(gdf, "gdf")
    _, hub_lon, hub_lat = _cities(cities)
    geoms = gdf.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = set(gdf.geom_type[~missing])
    if types - {"Point"}:
        raise G60InputError(
            [f"gdf: distance_from_hub measures points, got {', '.join(sorted(types))} "
             "(use gdf.representative_point() or the city seats)"]
        )
    lon = np.full(len(gdf), np.nan)
    lat = np.full(len(gdf), np.nan)
    lon[~missing] = shapely.get_x(geoms[~missing])
    lat[~missing] = shapely.get_y(geoms[~missing])
    km = np.full(len(gdf), np.nan)
    if (~missing).any():
        km[~missing], _ = geodesic_inv(hub_lon, hub_lat, lon[~missing], lat[~missing])
    return pd.Series(km, index=gdf.index, name="distance_km")


def hub_rings(
    radii_km: Sequence[float] = (100.0, 200.0, 300.0, 400.0),
    *,
    n_vertices: int = 360,
    cities: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return geodesic circles (distance rings) around the Songjiang seat.

    Each ring's vertices are exactly ``radius_km`` from Songjiang along the geodesic
    (:meth:`pyproj.Geod.fwd`), so ``ring.contains(point)`` agrees with
    :func:`distance_from_hub` up to the polygon's chord error (about
    ``r * (1 - cos(pi / n_vertices))``).

    Parameters
    ----------
    radii_km : sequence of float
        Ring radii in km, each positive.
    n_vertices : int, default 360
        Vertices per ring (one per degree of azimuth by default).
    cities : geopandas.GeoDataFrame, optional
        City seats (default :func:`g60map.load_cities`).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``radius_km``, ``label`` (e.g. "100 km"), ``geometry``
        (Polygon), in the order given.

    Examples
    --------
    >>> rings = hub_rings([150, 400])
    >>> rings["label"].tolist()
    ['150 km', '400 km']
    """
    radii = [float(r) for r in radii_km]
    if any(not r > 0 for r in radii):
        raise ValueError(f"radii_km must all be positive, got {list(radii_km)!r}")
    if n_vertices < 8:
        raise ValueError(f"n_vertices must be at least 8, not {n_vertices!r}")
    _, hub_lon, hub_lat = _cities(cities)
    az = np.linspace(0.0, 360.0, n_vertices, endpoint=False)
    rings = []
    for r in radii:
        lon, lat, _ = GEOD.fwd(
            np.full(n_vertices, hub_lon), np.full(n_vertices, hub_lat), az,
            np.full(n_vertices, r * 1000.0),
        )
        # azimuths run clockwise; reverse for a counter-clockwise (GeoJSON) exterior ring
        rings.append(shapely.Polygon(np.column_stack([lon, lat])[::-1]))
    labels = [f"{r:g} km" for r in radii]
    return gpd.GeoDataFrame(
        {"radius_km": radii, "label": labels}, geometry=rings, crs=settings.WGS84
    )


# --------------------------------------------------------------------------------------
# districts

#: Columns of :func:`district_summary`.
DISTRICT_SUMMARY_COLUMNS = [
    "code", "name_en", "name_zh", "city_code", "city_en", "city_zh", "role", "area_km2",
    "partners", "investments", "invest_cny", "partners_per_1000km2", "geometry",
]


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
