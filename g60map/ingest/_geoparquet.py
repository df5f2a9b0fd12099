"""GeoParquet metadata and WKB geometry, checked before use.

geopandas reads GeoParquet in one step and fails with a bare ``CRSError``, ``KeyError``
or ``GEOSException`` (no file, row or column) when the ``geo`` metadata or a geometry
cell is broken. Here the metadata is checked first (valid JSON, a primary geometry column
that exists, a CRS that pyproj understands) and WKB cells are decoded one column at a
time, so each problem names the file, the column and, for a bad cell, the row. Used by
:func:`g60map.ingest.read.read_table` and, per partition, by the dask engine.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import G60InputError, Problem

__all__ = ["GeoMeta", "read_geo_metadata", "decode_geometry"]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_REWRITE = "write the file again, e.g. with geopandas: gdf.to_parquet(path)"


@dataclass(frozen=True)
class GeoMeta:
    """What the ``geo`` metadata of a GeoParquet file says.

    Attributes
    ----------
    primary : str
        Name of the primary (active) geometry column.
    encodings : dict of str to str
        Geometry column name to its encoding (``"WKB"``, ``"point"``, ...).
    crs : dict of str to pyproj.CRS or None
        Geometry column name to its CRS (``None``: not known).
    covering : tuple of str
        Bounding-box columns that only index the geometry (GeoParquet 1.1 ``covering``);
        dropped on read, as geopandas does.
    """

    primary: str
    encodings: dict[str, str] = field(default_factory=dict)
    crs: dict[str, Any] = field(default_factory=dict)
    covering: tuple[str, ...] = ()

    @property
    def wkb(self) -> bool:
        """Whether every geometry column is WKB (decoded here, with row-level errors)."""
        return all(str(e).upper() == "WKB" for e in self.encodings.values())


def _fail(label: str, column: str | None, message: str) -> G60InputError:
    return G60InputError([Problem(label, None, column, message)])


def read_geo_metadata(schema: Any, label: str) -> GeoMeta | None:
    """Check and return the GeoParquet metadata of a Parquet schema.

    Parameters
    ----------
    schema : pyarrow.Schema
        From :func:`pyarrow.parquet.read_schema`.
    label : str
        File name for errors.

    Returns
    -------
    GeoMeta or None
        ``None`` for a plain Parquet file (no ``geo`` metadata).

    Raises
    ------
    G60InputError
        Metadata that is not JSON, names a geometry column the file lacks, or has a CRS
        that pyproj does not understand.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    try:
        meta = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _fail(
            label, None, f"the GeoParquet metadata ('geo') is not valid JSON: {_REWRITE}"
        ) from None
    columns = meta.get("columns") if isinstance(meta, dict) else None
    if not isinstance(columns, dict) or not columns:
        raise _fail(
            label, None, f"the GeoParquet metadata ('geo') lists no geometry columns: {_REWRITE}"
        )
    names = set(schema.names)
    primary = meta.get("primary_column")
    if not isinstance(primary, str) or primary not in columns or primary not in names:
        raise _fail(
            label,
            None,
            f"the GeoParquet metadata names {primary!r} as the geometry column, but the file "
            f"has no such column (its columns: {_names(schema.names)}): {_REWRITE}",
        )
    encodings: dict[str, str] = {}
    crss: dict[str, Any] = {}
    covering: list[str] = []
    for name, spec in columns.items():
        if name not in names:
            raise _fail(
                label,
                None,
                f"the GeoParquet metadata describes a geometry column {name!r} that the file "
                f"does not have: {_REWRITE}",
            )
        if not isinstance(spec, dict) or not isinstance(spec.get("encoding"), str):
            raise _fail(
                label, name, f"the GeoParquet metadata gives this column no encoding: {_REWRITE}"
            )
        encodings[name] = spec["encoding"]
        cover = spec.get("covering")
        bbox = cover.get("bbox") if isinstance(cover, dict) else None
        if isinstance(bbox, dict):
            covering += [v[0] for v in bbox.values() if isinstance(v, list) and v and v[0] in names]
        crs = spec.get("crs", "OGC:CRS84")  # the GeoParquet default when the key is absent
        try:
            crss[name] = None if crs is None else CRS.from_user_input(crs)
        except (CRSError, TypeError, ValueError) as exc:
            reason = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(exc))[:200]
            raise _fail(
                label,
                name,
                f"the CRS in the GeoParquet metadata is not valid ({reason}): write the file "
                "again with a valid CRS, e.g. gdf.set_crs('EPSG:4326', allow_override=True)"
                ".to_parquet(path)",
            ) from None
    return GeoMeta(primary, encodings, crss, tuple(dict.fromkeys(covering)))


def _names(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def decode_geometry(
    frame: pd.DataFrame, meta: GeoMeta, label: str, first_row: int = 2
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Turn the WKB columns of a frame read from GeoParquet into geometry.

    Parameters
    ----------
    frame : pandas.DataFrame
        Read with plain pandas/dask: geometry columns hold WKB ``bytes`` (or ``None``).
    meta : GeoMeta
        From :func:`read_geo_metadata`; every encoding is WKB.
    label : str
        File name for problems.
    first_row : int, default 2
        Row number of the frame's first record (spreadsheet convention, header = 1).

    Returns
    -------
    gdf : geopandas.GeoDataFrame
        The frame with geometry columns, ``meta.primary`` active, in its CRS. A cell that
        is not valid WKB becomes missing geometry.
    problems : list of Problem
        One per cell that is not valid WKB.
    """
    problems: list[Problem] = []
    out = frame.drop(columns=[c for c in meta.covering if c in frame.columns])
    for name in meta.encodings:
        values = frame[name].to_numpy(dtype=object)
        present = ~pd.isna(values)
        geoms = np.full(len(values), None, dtype=object)
        raw = values[present]
        try:
            decoded = shapely.from_wkb(raw, on_invalid="ignore")
        except (TypeError, ValueError):  # cells that are not bytes at all
            decoded = np.full(len(raw), None, dtype=object)
            ok = np.array([isinstance(v, bytes) for v in raw], dtype=bool)
            if ok.any():
                decoded[ok] = shapely.from_wkb(raw[ok], on_invalid="ignore")
        geoms[present] = decoded
        for i in np.flatnonzero(present & pd.isna(geoms)):
            cell = values[i]
            shown = cell[:8] if isinstance(cell, bytes | str) else cell
            problems.append(
                Problem(
                    label,
                    first_row + int(i),
                    str(name),
                    f"geometry cell is not valid WKB (starts {_short(shown)}): {_REWRITE}, or "
                    "give lon/lat columns instead",
                )
            )
        out[name] = gpd.GeoSeries(geoms, index=frame.index, crs=meta.crs.get(name))
    return gpd.GeoDataFrame(out, geometry=meta.primary), problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
