"""Read a (Geo)Parquet table as a typed frame.

Part of :mod:`g60map.ingest`, called by :func:`g60map.ingest.read.read_table`, which turns
the frame into text (:func:`g60map.ingest.read.frame_to_text`). WKB geometry is decoded by
:mod:`g60map.ingest._geoparquet`, GeoArrow geometry by geopandas.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .._errors import G60InputError, Problem
from ._geoparquet import decode_geometry, read_geo_metadata

__all__ = ["PARQUET_SUFFIXES", "read_parquet"]

#: File suffixes read as (Geo)Parquet.
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".geoparquet")


def read_parquet(path: Path, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a (Geo)Parquet file as a typed frame, WKB point geometry decoded.

    Parameters
    ----------
    path : pathlib.Path
        A checked regular file.
    label : str
        File name for problems.

    Returns
    -------
    table : pandas.DataFrame or geopandas.GeoDataFrame
        The typed columns (a GeoDataFrame when the geometry is decoded).
    problems : list of Problem
        Rows whose WKB geometry cannot be decoded.

    Raises
    ------
    G60InputError
        Not a readable Parquet file, or unreadable geometry metadata or CRS.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyproj.exceptions import CRSError

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise G60InputError(
            [Problem(label, None, None, f"not a readable Parquet file ({exc})")]
        ) from None
    meta = read_geo_metadata(schema, label)
    problems: list[Problem] = []
    try:
        if meta is None:
            table = pd.read_parquet(path)
        elif meta.wkb:
            table, problems = decode_geometry(pd.read_parquet(path), meta, label)
        else:  # GeoArrow-encoded geometry: geopandas decodes it
            table = gpd.read_parquet(path)
    except (
        pa.ArrowException,
        OSError,
        ValueError,
        TypeError,
        KeyError,
        CRSError,
        shapely.errors.ShapelyError,
    ) as exc:
        raise G60InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"not a readable Parquet file ({type(exc).__name__}: {exc}): write it "
                    "again, e.g. with pandas or geopandas to_parquet",
                )
            ]
        ) from None
    return table, problems
