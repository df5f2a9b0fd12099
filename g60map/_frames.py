"""The one check every public function applies to a GeoDataFrame it is given."""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from . import settings
from ._errors import G60InputError

__all__ = ["as_wgs84"]


def as_wgs84(frame: Any, what: str) -> gpd.GeoDataFrame:
    """Return ``frame`` in WGS-84 (EPSG:4326), or say why it cannot be used.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Any CRS; converted when it is not WGS-84 (``attrs`` are kept).
    what : str
        What the frame is (``"partners"``), named in the error.

    Returns
    -------
    geopandas.GeoDataFrame
        ``frame`` itself when it is already WGS-84, else a converted copy.

    Raises
    ------
    G60InputError
        If ``frame`` is not a GeoDataFrame or has no CRS.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame(geometry=[shapely.Point(121.2, 31.0)])
    >>> as_wgs84(gdf, "points")
    Traceback (most recent call last):
    ...
    g60map._errors.G60InputError: points: GeoDataFrame has no CRS (set it, e.g. gdf.set_crs('EPSG:4326'))
    """  # noqa: E501
    if not isinstance(frame, gpd.GeoDataFrame):
        raise G60InputError([
            f"{what}: expected a GeoDataFrame, got {type(frame).__name__} (read tables with "
            "g60map.load_partners / load_investments, or build one with geopandas)"
        ])
    if frame.crs is None:
        raise G60InputError(
            [f"{what}: GeoDataFrame has no CRS (set it, e.g. gdf.set_crs('EPSG:4326'))"]
        )
    if frame.crs.equals(settings.WGS84):
        return frame
    attrs = dict(frame.attrs)
    out = frame.to_crs(settings.WGS84)
    out.attrs = attrs
    return out
