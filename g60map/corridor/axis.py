"""The corridor axis from Songjiang: the spokes to the member cities and the G60 trunk.

Corridor stage (:mod:`g60map.corridor`), measured with :mod:`.geodesy`; :mod:`.summary`
puts the spoke lengths into the corridor's overview.

* :func:`corridor_spokes` -- eight geodesic spokes from Songjiang to the member cities,
  ranked by length, densified so that they also draw as geodesics on Web Mercator.
* :func:`g60_trunk` -- the G60 expressway's city order Songjiang -> Jiaxing -> Hangzhou ->
  Jinhua as one *schematic* line (straight between city seats: the data hold no road
  geometry).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .._errors import G60InputError
from .geodesy import DISTANCE_METHOD, city_seats, geodesic_inv, geodesic_line

__all__ = ["corridor_spokes", "g60_trunk", "SPOKE_COLUMNS"]

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

_TRUNK_NOTE = (
    "Schematic: straight lines between the city seats of Songjiang, Jiaxing, Hangzhou and "
    "Jinhua, in the order the G60 Shanghai-Kunming Expressway links them. The data hold no "
    "road geometry, so this line is not the expressway's alignment."
)


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
    cities, hub_lon, hub_lat = city_seats(cities)
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
    gdf.attrs = {"distance_method": DISTANCE_METHOD, "step_km": step}
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
    cities, _, _ = city_seats(cities)
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
    gdf.attrs = {"leg_km": [float(v) for v in legs], "distance_method": DISTANCE_METHOD}
    return gdf
