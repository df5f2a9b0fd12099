"""The one guard every function that takes a GeoDataFrame uses."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pyproj

from . import settings
from ._errors import G60InputError

__all__ = ["as_wgs84"]

_WGS84 = pyproj.CRS(settings.WGS84)


def as_wgs84(gdf: Any, what: str, *, fresh_index: bool = False) -> gpd.GeoDataFrame:
    """Return ``gdf`` in WGS-84 (EPSG:4326), or raise a :class:`G60InputError` saying why not.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any CRS (converted); a frame without a CRS or not a GeoDataFrame is an error.
    what : str
        What the frame is (``"partners"``...), for the message.
    fresh_index : bool, default False
        Also give the result a fresh RangeIndex. ``attrs`` are kept either way.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    G60InputError
        Not a GeoDataFrame, or no CRS; the message says how to fix it.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:3857")
    >>> as_wgs84(pts, "points").crs.to_epsg()
    4326
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise G60InputError(
            [f"{what}: expected a GeoDataFrame, got {type(gdf).__name__} "
             "(load tables with g60map.load_partners / load_investments / load_corridor)"]
        )
    if gdf.crs is None:
        raise G60InputError(
            [f"{what}: GeoDataFrame has no CRS (set it, e.g. gdf.set_crs('EPSG:4326'))"]
        )
    attrs = dict(gdf.attrs)
    out = gdf if gdf.crs.equals(_WGS84) else gdf.to_crs(settings.WGS84)
    if fresh_index:
        out = out.reset_index(drop=True)
    out.attrs = attrs
    return out
