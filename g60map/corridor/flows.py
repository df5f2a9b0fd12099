"""Investment flows: where the money comes from, as geodesic arcs to the project's city.

An investments table may say where each investment comes from, either as a place
(``origin_city``: a city or district anywhere in China, in Chinese as the address parser
reads it, ``深圳``, ``上海市浦东新区``, or in English, ``Shenzhen``, ``Pudong``, see
:mod:`g60map.reference.names`) or as coordinates (``origin_lon``/``origin_lat``, WGS-84
degrees). :func:`investment_flows` turns those rows into lines along the geodesic from
the origin to the investment's point, with the amount, for maps (line width proportional
to the amount) and exports (the ``flows`` layer). A table without origins has no flows;
the maps then keep the spokes from Songjiang.
"""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._errors import G60InputError, Problem
from .._frames import as_wgs84
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


def _places(cities: gpd.GeoDataFrame) -> dict[str, tuple]:
    """Name or code -> (code, lon, lat, basis) for the seats of the nine corridor cities."""
    out: dict[str, tuple] = {}
    for row in cities.itertuples(index=False):
        entry = (str(row.code), row.geometry.x, row.geometry.y, "the city seat")
        for key in (row.code, row.name_en, row.name_zh, str(row.name_zh).rstrip("市区县")):
            out[str(key).strip().lower()] = entry
    return out


#: Province-level units that are a place an investment can come from (not a province),
#: with the municipalities (:data:`g60map.reference.places.MUNICIPALITIES`).
_CITY_LIKE = frozenset({"810000", "820000"})
_HAN = re.compile(r"[\u3400-\u9fff]")


class _Origins:
    """Where an ``origin_city`` lies: a corridor seat, else any unit of China.

    A seat wins (``Suzhou`` is the corridor's 苏州); Chinese text is read by the address
    parser (:func:`g60map.reference.places.parse_addresses`), English by
    :func:`g60map.reference.names.english_codes`. A unit with a packaged boundary starts
    at a point inside it; any other at its seat in the national table.
    """

    def __init__(self, cities: gpd.GeoDataFrame, city_boundaries: gpd.GeoDataFrame) -> None:
        # the national place table only for origins: not on the path of tables without them
        from ..reference.places import national_units

        self._seats = _places(cities)
        self._polys = city_boundaries.set_index(city_boundaries["code"].astype(str)).geometry
        self._units = national_units()
        self._found: dict[str, tuple | str] = {}

    def _at(self, code: str) -> tuple:
        if code in self._polys.index:
            point = self._polys.loc[code].representative_point()
            return code, point.x, point.y, "a point inside the city's boundary"
        unit = self._units.loc[code]
        return (code, float(unit["lon"]), float(unit["lat"]),
                f"the seat of {unit['name_zh']} (national table, {code})")

    @staticmethod
    def _listed(codes: tuple[str, ...]) -> str:
        """``江苏省泰州市 (321200) or 浙江省台州市 (331000)``."""
        from ..reference.places import place_of

        names = []
        for code in codes:
            place = place_of(code)
            unit = place.district_zh or place.city_zh
            names.append(f"{place.province_zh}{unit if unit != place.province_zh else ''} "
                         f"({code})")
        return " or ".join(names)

    def _resolve(self, name: str) -> tuple | str:
        from ..reference.names import english_codes
        from ..reference.places import MUNICIPALITIES, parse_addresses

        hit = self._seats.get(name.lower()) or self._seats.get(name.rstrip("市区县").lower())
        if hit is not None:
            return hit
        if _HAN.search(name):
            place = parse_addresses([name])[0]
            if not place.code:
                return (f"origin {name!r}: {place.message}" if place.candidates
                        else f"unknown origin {name!r} ({place.message or 'no place found'}; "
                        "give origin_lon/origin_lat)")
            if place.level == "province" and place.code not in _CITY_LIKE | MUNICIPALITIES:
                return (f"origin {name!r} names the province {place.province_zh} only (name "
                        "its city, e.g. 广东省深圳市, or give origin_lon/origin_lat)")
            return self._at(place.code)
        codes = english_codes(name)
        if len(codes) == 1:
            return self._at(codes[0])
        if codes:
            return (f"origin {name!r} may be {self._listed(codes)} (write the name in "
                    "Chinese, or give origin_lon/origin_lat)")
        return (f"unknown origin {name!r} (write a city or district of China in Chinese "
                "or in pinyin, e.g. 深圳 or Shenzhen, or give origin_lon/origin_lat)")

    def get(self, name: str) -> tuple | str:
        """Return ``(code, lon, lat, basis)`` of an origin, or why it cannot be placed."""
        if name not in self._found:
            self._found[name] = self._resolve(name)
        return self._found[name]


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
        its boundary, a unit elsewhere in China at its seat in the national table
        (``origin_basis`` says which).
    step_km : float, optional
        Largest distance between vertices (default ``settings.SPOKE_STEP_KM``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`FLOW_COLUMNS`, largest amount first (ties by row).

    Raises
    ------
    G60InputError
        An origin that is no known place (or a name several cities have, or a province
        alone), or coordinates outside -180..180 / -90..90, named by file, row and column.

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
    places = _Origins(as_wgs84(cities, "cities"), as_wgs84(city_boundaries, "city boundaries"))
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
            hit = places.get(name)
            if isinstance(hit, str):
                problems.append(Problem(file, row, "origin_city", hit, "unknown origin"))
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
