"""Tile layers the interactive map can draw on, and the datum each one is in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["BASEMAPS", "Basemap", "get_basemap"]


@dataclass(frozen=True)
class Basemap:
    """A tile layer choice of :func:`g60map.build_map`.

    Parameters
    ----------
    name : str
        Key in :data:`BASEMAPS`.
    url : str or None
        Leaflet URL template; None draws no tiles (offline).
    attribution : str
        Provider's attribution (HTML from ``xyzservices``, trusted).
    datum : {"wgs84", "gcj02"}
        Datum of the tiles; every geometry is drawn in it.
    subdomains : str
        Values of ``{s}``.
    max_zoom : int
        Deepest zoom level the provider serves.
    """

    name: str
    url: str | None
    attribution: str
    datum: Literal["wgs84", "gcj02"]
    subdomains: str = ""
    max_zoom: int = 18


def _basemaps() -> dict[str, Basemap]:
    import xyzservices.providers as xyz

    osm = xyz.OpenStreetMap.Mapnik
    carto = xyz.CartoDB.Positron
    gaode = xyz.Gaode.Normal
    carto_url = carto.build_url(fill_subdomain=False, scale_factor="{r}", apikey="")
    return {
        "osm": Basemap(
            "osm", osm.build_url(fill_subdomain=False), osm.html_attribution, "wgs84",
            max_zoom=int(osm.get("max_zoom", 19)),
        ),
        "carto": Basemap(
            "carto", carto_url.removesuffix("?key="), carto.html_attribution, "wgs84",
            subdomains=str(carto.get("subdomains", "abcd")), max_zoom=20,
        ),
        # AMap/Gaode serves the same tiles over https on webrd01..04.
        "amap": Basemap(
            "amap",
            gaode.build_url(fill_subdomain=False)
            .replace("http://", "https://")
            .replace("webrd01.", "webrd0{s}."),
            gaode.html_attribution,
            "gcj02",
            subdomains="1234",
            max_zoom=18,
        ),
        # Not in xyzservices: Tencent's public raster tiles (TMS row order, hence {-y}).
        "tencent": Basemap(
            "tencent",
            "https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&styleid=1&version=297",
            '&copy; <a href="https://map.qq.com/">Tencent Maps</a>',
            "gcj02",
            subdomains="0123",
            max_zoom=18,
        ),
        "none": Basemap("none", None, "", "wgs84"),
    }


#: Basemap choices by name: ``osm`` (OpenStreetMap), ``carto`` (CARTO Positron), ``amap``
#: (AMap/Gaode, GCJ-02), ``tencent`` (Tencent, GCJ-02) and ``none`` (no tiles, offline).
BASEMAPS: dict[str, Basemap] = _basemaps()


def get_basemap(name: str) -> Basemap:
    """Return the basemap called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`BASEMAPS`.

    Returns
    -------
    Basemap

    Raises
    ------
    ValueError
        For an unknown name (the message lists the choices).

    Examples
    --------
    >>> get_basemap("amap").datum
    'gcj02'
    """
    try:
        return BASEMAPS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown basemap {name!r}; choose one of: {', '.join(BASEMAPS)}"
        ) from None
