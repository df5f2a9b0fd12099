"""The packaged article tables as the loaders return them, computed when the package is built.

Loading the six partners and the one investment of the source article through the whole
ingest path (reading, validation, the national place table, point-in-polygon) takes most of
the time of a default ``g60map build``, and gives the same frames every time. They ship
already loaded and joined, as GeoParquet (``packaged_partners.parquet``,
``packaged_investments.parquet``: WKB points, EPSG:4326) with a small JSON manifest
(``packaged_tables.json``: the format, the SHA-256 of each source CSV, each frame's
``attrs`` but its file). Only data formats, nothing that runs code when read.

:func:`packaged_table` returns a shipped frame when its source CSV is the one it was built
from (checked by SHA-256 on every read), else None and the caller loads the CSV as any table.
``tests/test_packaged.py`` checks that the shipped frames equal what
:func:`g60map.load_partners` / :func:`g60map.load_investments` return, so they cannot drift.
Rebuild them after a change to the tables or the loaders (deterministic bytes)::

    python scripts/build_packaged.py
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import shapely

from .. import settings
from .datasets import get_path

__all__ = ["FORMAT", "MANIFEST", "TABLES", "packaged_table", "source_sha256", "write_packaged"]

Kind = Literal["partners", "investments"]

#: The packaged tables, by kind.
TABLES: tuple[Kind, ...] = ("partners", "investments")

#: The dataset name (:func:`g60map.reference.datasets.get_path`) of the manifest.
MANIFEST = "packaged_tables"

#: Version of the files' layout; a manifest of another version is not read.
FORMAT = 1

#: ``attrs`` not stored: the file a frame was read from is where the package is installed.
_RUNTIME_ATTRS = ("file",)


def source_sha256(kind: Kind) -> str:
    """Return the SHA-256 of the packaged source CSV of ``kind``.

    Parameters
    ----------
    kind : {"partners", "investments"}

    Returns
    -------
    str
        Hex digest of ``geodata/<kind>.csv``.
    """
    return hashlib.sha256(get_path(kind).read_bytes()).hexdigest()


@functools.cache
def _manifest() -> dict[str, Any] | None:
    try:
        data = json.loads(get_path(MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def _read_frame(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoParquet file of ours: pyarrow and :func:`shapely.from_wkb`, in column order."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as fh:
        table = fh.read()
    names = table.column_names
    geometry = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    frame = table.drop_columns(["geometry"]).to_pandas()
    frame.insert(names.index("geometry"), "geometry", geometry)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.WGS84)


@functools.cache
def _cached(kind: Kind) -> gpd.GeoDataFrame | None:
    manifest = _manifest()
    if manifest is None or kind not in manifest.get("tables", {}):
        return None
    entry = manifest["tables"][kind]
    if entry.get("source_sha256") != source_sha256(kind):
        return None  # the CSV changed since the files were built: load it
    try:
        frame = _read_frame(get_path(f"packaged_{kind}"))
    except (OSError, ValueError):
        return None
    frame.attrs = {**entry.get("attrs", {}), "file": str(get_path(kind))}
    return frame


def packaged_table(kind: Kind) -> gpd.GeoDataFrame | None:
    """Return the packaged table of ``kind`` as the loaders return it, or None.

    Parameters
    ----------
    kind : {"partners", "investments"}

    Returns
    -------
    geopandas.GeoDataFrame or None
        A fresh copy of what ``load_partners()`` / ``load_investments()`` return (same
        columns, dtypes, values and ``attrs``); None when the shipped files are missing,
        of another format, or were built from another version of the source CSV.

    Examples
    --------
    >>> packaged_table("partners")["city_en"].tolist()[:2]
    ['Songjiang', 'Songjiang']
    """
    if kind not in TABLES:
        raise ValueError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}")
    frame = _cached(kind)
    if frame is None:
        return None
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    return out


def _json_attrs(kind: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if k not in _RUNTIME_ATTRS}
    if json.loads(json.dumps(out)) != out:
        raise ValueError(f"{kind}: attrs that JSON does not keep as they are: {out!r}")
    return out


def write_packaged(tables: Mapping[str, gpd.GeoDataFrame], folder: str | Path) -> list[Path]:
    """Write the packaged tables and their manifest into ``folder`` (deterministic bytes).

    Parameters
    ----------
    tables : mapping of str to geopandas.GeoDataFrame
        ``{"partners": load_partners(), "investments": load_investments()}``: the frames
        the loaders return for the packaged CSVs, EPSG:4326, with a RangeIndex.
    folder : path-like
        Where to write (``geodata/`` of the repository).

    Returns
    -------
    list of pathlib.Path
        The files written, each atomically.
    """
    from .._atomic import atomic_path, write_text

    folder = Path(folder)
    entries: dict[str, Any] = {}
    written = []
    for kind in TABLES:
        frame = tables[kind]
        if not frame.crs or not frame.crs.equals(settings.WGS84):
            raise ValueError(f"{kind}: expected EPSG:4326, got {frame.crs}")
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
            raise ValueError(f"{kind}: expected a RangeIndex from 0")
        entries[kind] = {"attrs": _json_attrs(kind, frame.attrs),
                         "source_sha256": source_sha256(kind)}
        plain = frame.copy()
        plain.attrs = {}  # no machine path in the file
        target = folder / Path(get_path(f"packaged_{kind}")).name
        with atomic_path(target) as tmp:
            plain.to_parquet(tmp, index=False, compression="zstd", compression_level=19,
                             write_covering_bbox=False)
        written.append(target)
    text = json.dumps({"format": FORMAT, "tables": entries}, ensure_ascii=False, indent=1,
                      sort_keys=True) + "\n"
    written.append(write_text(folder / Path(get_path(MANIFEST)).name, text))
    _manifest.cache_clear()
    _cached.cache_clear()
    return written
