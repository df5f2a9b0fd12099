"""Investment flows: where the money comes from, as geodesic arcs to the project's city.

An investments table may say where each investment comes from, either as a place
(``origin_city``: a corridor city, or any city or Shanghai district of the four provinces)
or as coordinates (``origin_lon``/``origin_lat``, WGS-84 degrees). :func:`investment_flows`
turns those rows into lines along the geodesic from the origin to the investment's point,
with the amount, for maps (line width proportional to the amount) and exports (the
``flows`` layer). A table without origins has no flows; the maps then keep the spokes from
Songjiang.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._errors import G60InputError, Problem
from .._frames import as_wgs84
from ..reference.boundaries import load_admin_units
from .geodesy import geodesic_inv, geodesic_line

__all__ = ["FLOW_COLUMNS", "has_origins", "investment_flows"]

#: Column order of :func:`investment_flows`.
FLOW_COLUMNS = [
    "row",
    "investor",
    "project",
    "origin",
    "origin_code",
    "origin_basis",
    "city_code",
    "amount_cny",
    "length_km",
    "geometry",
]

_ORIGIN_COLUMNS = ("origin_city", "origin_lon", "origin_lat")


def has_origins(investments: pd.DataFrame) -> bool:
    """Whether ``investments`` has an origin column with at least one value.

    Parameters
    ----------
    investments : pandas.DataFrame

    Returns
    -------
    bool
    """
    for col in _ORIGIN_COLUMNS:
        if col in investments.columns:
            values = investments[col].astype("string").str.strip()
            if values.fillna("").ne("").any():
                return True
    return False


def _places(cities: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> dict[str, tuple]:
    """Name or code -> (code, lon, lat, basis) for the seats and the other city units."""
    out: dict[str, tuple] = {}
    polys = boundaries.set_index(boundaries["code"].astype(str))
    units = load_admin_units("city")
    for row in units.itertuples(index=False):
        code = str(row.code)
        if code not in polys.index:
            continue
        point = polys.geometry.loc[code].representative_point()
        entry = (code, point.x, point.y, "a point inside the city's boundary")
        for key in (code, row.name_en, row.name_zh, str(row.name_zh).rstrip("市区县")):
            out.setdefault(str(key).strip().lower(), entry)
    for row in cities.itertuples(index=False):  # seats win over polygon points
        entry = (str(row.code), row.geometry.x, row.geometry.y, "the city seat")
        for key in (row.code, row.name_en, row.name_zh, str(row.name_zh).rstrip("市区县")):
            out[str(key).strip().lower()] = entry
    return out


def _number(value: object) -> float:
    """Read a coordinate cell: NaN when empty, inf when not a finite number.

    inf is outside every range, so ``inf``, ``NaN``, ``1e309`` or text is a problem, not a
    row quietly drawn without its flow.
    """
    text = "" if value is None else str(value).strip()
    if text == "" or (text == "nan" and not isinstance(value, str)):  # a missing value
        return math.nan
    try:
        number = float(text)
    except ValueError:
        return math.inf
    return number if math.isfinite(number) else math.inf


def investment_flows(
    investments: gpd.GeoDataFrame,
    cities: gpd.GeoDataFrame,
    city_boundaries: gpd.GeoDataFrame,
    *,
    step_km: float | None = None,
) -> gpd.GeoDataFrame:
    """Return one geodesic line per investment with an origin, origin -> investment point.

    Parameters
    ----------
    investments : geopandas.GeoDataFrame
        From :func:`g60map.load_investments`; rows with ``origin_city`` or
        ``origin_lon``/``origin_lat`` become flows, the others are skipped.
    cities : geopandas.GeoDataFrame
        City seats (:func:`g60map.load_cities`): a corridor city as origin starts at its seat.
    city_boundaries : geopandas.GeoDataFrame
        City-level boundaries: another city of the four provinces starts at a point inside
        its boundary (``origin_basis`` says which).
    step_km : float, optional
        Largest distance between vertices (default ``settings.SPOKE_STEP_KM``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`FLOW_COLUMNS`, largest amount first (ties by row).

    Raises
    ------
    G60InputError
        An origin that is no known place, or coordinates outside -180..180 / -90..90,
        named by file, row and column.

    Examples
    --------
    >>> import g60map
    >>> inv = g60map.load_investments().assign(origin_city="Hefei")
    >>> flows = investment_flows(inv, g60map.load_cities(), g60map.load_boundaries("city"))
    >>> len(flows), round(float(flows["length_km"].iloc[0]))
    (1, 386)
    """
    investments = as_wgs84(investments, "investments")
    step = settings.SPOKE_STEP_KM if step_km is None else float(step_km)
    empty = gpd.GeoDataFrame(
        {c: [] for c in FLOW_COLUMNS if c != "geometry"}, geometry=[], crs=settings.WGS84
    )
    if not len(investments) or not has_origins(investments):
        return empty
    places = _places(as_wgs84(cities, "cities"), as_wgs84(city_boundaries, "city boundaries"))
    file = str(investments.attrs.get("file", "investments"))
    problems: list[Problem] = []
    rows = []
    for i, rec in enumerate(investments.itertuples(index=False)):
        data = rec._asdict()
        row = data.get("row", i + 2)
        row = int(row) if pd.notna(row) else i + 2
        point = investments.geometry.iloc[i]
        if point is None or point.is_empty:
            continue
        name = str(data.get("origin_city") or "").strip()
        if name.lower() == "nan":
            name = ""
        lon, lat = _number(data.get("origin_lon", "")), _number(data.get("origin_lat", ""))
        if not math.isnan(lon) or not math.isnan(lat):
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                problems.append(Problem(file, row, "origin_lon", (
                    f"origin coordinates ({data.get('origin_lon')}, {data.get('origin_lat')}) "
                    "are not longitude/latitude in degrees (give both, WGS-84)")))
                continue
            origin, code, basis = name or f"{lon:.5f}, {lat:.5f}", "", "origin_lon/origin_lat"
        elif name:
            hit = places.get(name.lower()) or places.get(name.rstrip("市区县").lower())
            if hit is None:
                problems.append(Problem(file, row, "origin_city", (
                    f"unknown origin {name!r} (use a city of Shanghai, Jiangsu, Zhejiang or "
                    "Anhui, or give origin_lon/origin_lat)")))
                continue
            code, lon, lat, basis = hit
            origin = name
        else:
            continue
        line = geodesic_line(lon, lat, point.x, point.y, step)
        km = float(geodesic_inv(lon, lat, point.x, point.y)[0])
        rows.append({
            "row": row,
            "investor": str(data.get("investor", "")),
            "project": str(data.get("project", "")),
            "origin": origin,
            "origin_code": code,
            "origin_basis": basis,
            "city_code": str(data.get("city_code", "")),
            "amount_cny": float(data.get("amount_cny", np.nan)),
            "length_km": km,
            "geometry": line,
        })
    if problems:
        raise G60InputError(problems)
    if not rows:
        return empty
    out = pd.DataFrame(rows).sort_values(
        ["amount_cny", "row"], ascending=[False, True], kind="stable", ignore_index=True
    )
    gdf = gpd.GeoDataFrame(out[FLOW_COLUMNS], geometry="geometry", crs=settings.WGS84)
    gdf.attrs = {"distance_method": "geodesic on the WGS-84 ellipsoid (pyproj.Geod)"}
    return gdf
