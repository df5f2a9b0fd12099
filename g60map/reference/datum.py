"""GCJ-02 ("Mars coordinates"), BD-09 (Baidu) <-> WGS-84, vectorised.

Chinese web-map data (AMap/Gaode, Tencent) is published in GCJ-02, a deliberately
obfuscated datum offset by roughly 0.3-0.7 km from WGS-84 in the corridor. The forward
transform is the published Krasovsky-1940 based formula (semi-major axis 6 378 245 m, not
WGS-84's 6 378 137 m); the inverse has no closed form and is solved iteratively to
better than 1 mm. Points outside China's bounding box are returned unchanged, as the
official transform does.

Baidu Maps adds its own offset on top of GCJ-02: BD-09, another 0.6-1 km away. The forward
transform (:func:`gcj02_to_bd09`) is the published formula; :func:`bd09_to_gcj02` solves
it iteratively, like the GCJ-02 inverse. :func:`to_wgs84` takes coordinates in any of the
three datums (:data:`DATUMS`) to WGS-84.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DATUMS",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "to_wgs84",
    "in_china",
    "shift_gdf",
]

#: Datums of the coordinates users bring: ``wgs84`` (GPS, OpenStreetMap), ``gcj02`` (AMap/
#: Gaode, Tencent) and ``bd09`` (Baidu).
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Return True where a point lies in the box where GCJ-02 applies.

    Parameters
    ----------
    lon, lat : array_like
        Longitudes and latitudes in degrees.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> in_china([121.2, 2.35], [31.0, 48.85]).tolist()
    [True, False]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _delta(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Shift WGS-84 coordinates to GCJ-02.

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 longitudes and latitudes in degrees (lon first, like x/y).

    Returns
    -------
    lon, lat : numpy.ndarray
        GCJ-02 coordinates, same shape; unchanged outside China.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(121.5272106, 31.1774276)
    >>> round(float(lon), 6), round(float(lat), 6)
    (121.531542, 31.175304)
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    inside = in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, tol: float = 1e-10, max_iter: int = 30
) -> tuple[NDArray, NDArray]:
    """Shift GCJ-02 coordinates back to WGS-84 (iterative exact inverse).

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 longitudes and latitudes in degrees.
    tol : float, default 1e-10
        Convergence threshold in degrees (1e-10 deg is ~0.01 mm).
    max_iter : int, default 30
        Iteration cap; convergence takes 3-5 iterations in practice.

    Returns
    -------
    lon, lat : numpy.ndarray
        WGS-84 coordinates; ``wgs84_to_gcj02`` of them gives back the input.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(121.531541859215, 31.17530398364597)
    >>> round(float(lon), 7), round(float(lat), 7)
    (121.5272106, 31.1774276)
    """
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    active = np.ones(np.shape(wlon), dtype=bool)  # each point stops once it has converged,
    for _ in range(max_iter):  # so its result does not depend on the other points
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon = np.where(active, wlon - elon, wlon)
        wlat = np.where(active, wlat - elat, wlat)
        active &= ~((np.abs(elon) < tol) & (np.abs(elat) < tol))
        if not active.any():
            break
    return wlon, wlat


_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Shift GCJ-02 coordinates to Baidu's BD-09.

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 longitudes and latitudes in degrees.

    Returns
    -------
    lon, lat : numpy.ndarray
        BD-09 coordinates.

    Examples
    --------
    >>> lon, lat = gcj02_to_bd09(116.404, 39.915)
    >>> round(float(lon), 10), round(float(lat), 10)
    (116.4103694937, 39.9213369935)
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, tol: float = 1e-10, max_iter: int = 30
) -> tuple[NDArray, NDArray]:
    """Shift Baidu BD-09 coordinates back to GCJ-02 (iterative exact inverse).

    Parameters
    ----------
    lon, lat : array_like
        BD-09 longitudes and latitudes in degrees.
    tol : float, default 1e-10
        Convergence threshold in degrees.
    max_iter : int, default 30
        Iteration cap.

    Returns
    -------
    lon, lat : numpy.ndarray
        GCJ-02 coordinates; :func:`gcj02_to_bd09` of them gives back the input.
    """
    blon = np.asarray(lon, dtype=float)
    blat = np.asarray(lat, dtype=float)
    glon, glat = blon - 0.0065, blat - 0.006
    active = np.ones(np.shape(glon), dtype=bool)  # per point, as in gcj02_to_wgs84
    for _ in range(max_iter):
        flon, flat = gcj02_to_bd09(glon, glat)
        elon, elat = flon - blon, flat - blat
        glon = np.where(active, glon - elon, glon)
        glat = np.where(active, glat - elat, glat)
        active &= ~((np.abs(elon) < tol) & (np.abs(elat) < tol))
        if not active.any():
            break
    return glon, glat


def to_wgs84(lon: ArrayLike, lat: ArrayLike, datum: str) -> tuple[NDArray, NDArray]:
    """Return WGS-84 coordinates of points given in ``datum``.

    Parameters
    ----------
    lon, lat : array_like
        Longitudes and latitudes in degrees.
    datum : {"wgs84", "gcj02", "bd09"}
        Their datum (see :data:`DATUMS`).

    Returns
    -------
    lon, lat : numpy.ndarray

    Raises
    ------
    ValueError
        For another datum.

    Examples
    --------
    >>> lon, lat = to_wgs84(121.2349, 31.0321, "bd09")
    >>> round(float(lon), 4), round(float(lat), 4)
    (121.224, 31.0282)
    """
    if datum == "wgs84":
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if datum == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if datum == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise ValueError(f"datum must be one of {', '.join(DATUMS)}, not {datum!r}")


def shift_gdf(gdf: gpd.GeoDataFrame, to: Literal["gcj02", "wgs84"]) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` with every vertex shifted between WGS-84 and GCJ-02.

    GCJ-02 has no EPSG code; the result keeps EPSG:4326 as its CRS label (it is a
    geographic lon/lat frame), so only ever draw it on GCJ-02 tiles.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Geographic frame (EPSG:4326 axis order lon/lat).
    to : {"gcj02", "wgs84"}
        Target datum.

    Returns
    -------
    geopandas.GeoDataFrame
        New frame, same index and columns; the input is not modified.
    """
    if to not in ("gcj02", "wgs84"):
        raise ValueError(f"to must be 'gcj02' or 'wgs84', not {to!r}")
    if gdf.crs is None or not gdf.crs.is_geographic:
        raise ValueError(f"shift_gdf needs a geographic lon/lat frame, got CRS {gdf.crs}")
    func = wgs84_to_gcj02 if to == "gcj02" else gcj02_to_wgs84

    def _shift(coords: NDArray) -> NDArray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, _shift)
    return out
