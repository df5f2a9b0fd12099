"""The nine corridor cities, packaged reference data every stage reads.

First stage of the flow (:mod:`g60map.reference`): the city seats come from the packaged
``cities.csv`` (:func:`g60map.reference.datasets.get_path`) and are read once per process.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import pandas as pd

from .. import settings
from .datasets import get_path

__all__ = ["load_cities"]


@functools.lru_cache(maxsize=1)
def _cities_cached() -> gpd.GeoDataFrame:
    df = pd.read_csv(
        get_path("cities"),
        dtype={"code": str, "geonameid": "int64"},
        keep_default_na=False,
    )
    return gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=settings.WGS84
    )


def load_cities() -> gpd.GeoDataFrame:
    """Return the nine corridor cities: the Songjiang hub and eight members.

    Points are the city seats from GeoNames (WGS-84), with their GeoNames id.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, hub first, then in the order the source article names the cities.
        Columns ``code`` (GB/T 2260), ``name_en``, ``name_zh``, ``province_en``,
        ``province_zh``, ``role`` ("hub"/"member"), ``lat``, ``lon``, ``geonameid``,
        ``source``, ``geometry``.

    Examples
    --------
    >>> cities = load_cities()
    >>> cities.loc[cities["role"] == "hub", "name_en"].item()
    'Songjiang'
    >>> len(cities)
    9
    """
    return _cities_cached().copy()
