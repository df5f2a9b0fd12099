"""Geodesy on the WGS-84 ellipsoid: the one place distances and bearings are measured.

The first step of the corridor stage (:mod:`g60map.corridor`): :mod:`.axis` (spokes,
trunk), :mod:`.summary` (per-city figures) and :mod:`.flows` (investment flows) measure
with these functions. Every distance and bearing is a geodesic on the WGS-84 ellipsoid
(:class:`pyproj.Geod`, Karney's algorithms), seat to seat; nothing is measured in degrees.

* :func:`geodesic_inv`, :func:`geodesic_line` -- distance and bearing between points, and
  the geodesic as a densified line.
* :func:`city_seats` -- the city seats in WGS-84 and the Songjiang hub among them.
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
from ..reference.cities import load_cities

__all__ = [
    "GEOD",
    "DISTANCE_METHOD",
    "geodesic_inv",
    "geodesic_line",
    "require_columns",
    "city_seats",
    "distance_from_hub",
    "hub_rings",
]

#: The WGS-84 ellipsoid every distance and bearing is computed on.
GEOD = pyproj.Geod(ellps="WGS84")

#: How distances and bearings are measured, as the outputs' ``attrs`` state it.
DISTANCE_METHOD = (
    "geodesic on the WGS-84 ellipsoid (pyproj.Geod, Karney), city seat to city seat; "
    "bearing = initial azimuth from Songjiang, degrees clockwise from north in [0, 360)"
)


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


def require_columns(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    """Raise a :class:`~g60map.G60InputError` naming the ``columns`` that ``df`` lacks.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check.
    name : str
        What ``df`` is, as the message names it (``"cities"``, ``"boundaries"``).
    columns : sequence of str
        The columns it needs.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise G60InputError(
            [f"{name}: missing column(s) {', '.join(missing)} (load it with the g60map loaders)"]
        )


def city_seats(cities: gpd.GeoDataFrame | None) -> tuple[gpd.GeoDataFrame, float, float]:
    """Return the city seats in WGS-84 (``code`` as str) and the hub's lon and lat.

    Parameters
    ----------
    cities : geopandas.GeoDataFrame or None
        City seats as :func:`g60map.load_cities` returns them (None: those), in any CRS.

    Returns
    -------
    cities : geopandas.GeoDataFrame
        A copy in EPSG:4326 with ``code`` as str.
    hub_lon, hub_lat : float
        The seat of the hub (``settings.HUB_CODE``) in degrees.

    Raises
    ------
    G60InputError
        If a column is missing, a geometry is not a non-empty point, or there is not
        exactly one hub row.
    """
    cities = load_cities() if cities is None else as_wgs84(cities, "cities")
    require_columns(cities, "cities", ["code", "name_en", "name_zh", "province_en"])
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
    _, hub_lon, hub_lat = city_seats(cities)
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
    _, hub_lon, hub_lat = city_seats(cities)
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
