"""The default corridor's packaged frames, computed when the package is built.

Loading the six partners and the one investment of the source article through the whole
ingest path (reading, validation, the national place table, point-in-polygon), and the
per-city summary, overview, spokes and trunk computed from them and the packaged reference
data, took most of the time of a default ``g60map build``, and give the same result every
time. They ship already computed, as GeoParquet (``packaged_<name>.parquet``: WKB geometry,
EPSG:4326) with a small JSON manifest (``packaged_tables.json``: the format, the SHA-256 of
every packaged file they were computed from, a digest of the settings they read, each
frame's ``attrs`` but its file, and the overview). Only data formats, nothing that runs
code when read.

:func:`packaged_table` and :func:`packaged_corridor` return the shipped frames while every
source file and setting is the one they were built from (checked on every read), else None
and the caller computes them as for any table. ``tests/test_packaged.py`` checks that they
equal what the loaders and :func:`g60map.load_corridor` compute, so they cannot drift.
Rebuild them after a change to the packaged data, the loaders or the summary (deterministic
bytes)::

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

__all__ = [
    "CORRIDOR_FRAMES",
    "FORMAT",
    "MANIFEST",
    "SETTINGS",
    "SOURCES",
    "TABLES",
    "packaged_corridor",
    "packaged_table",
    "sources_sha256",
    "write_packaged",
]

Kind = Literal["partners", "investments"]

#: The packaged tables, by kind.
TABLES: tuple[Kind, ...] = ("partners", "investments")

#: The frames of the default corridor shipped besides the tables (``Corridor`` attributes).
#: Another frame computed from packaged data only (the district summary of a default map
#: with districts) ships the same way: its name here, its files in :data:`SOURCES`
#: (``admin_districts``, ``boundaries_district``), a dataset name ``packaged_<name>``, and
#: :func:`g60map.load_corridor` taking it from :func:`packaged_corridor`.
CORRIDOR_FRAMES: tuple[str, ...] = ("summary", "spokes", "trunk")

#: The packaged files (dataset names) the shipped frames are computed from.
SOURCES: tuple[str, ...] = ("partners", "investments", "cities", "admin_units",
                            "boundaries_city")

#: The settings the shipped frames depend on: a value changed at run time (or a new
#: default) means they are computed again.
SETTINGS: tuple[str, ...] = (
    "WGS84", "MEMBER_CODES", "HUB_CODE", "TRUNK_CODES", "JOIN_RESOLUTION", "HEADER_ALIASES",
    "HEADER_FALLBACKS", "STATUS_HEADERS", "EMPTY_MARKERS", "CURRENCIES", "AMOUNT_UNITS",
    "USD_CNY_RATE", "USD_CNY_RATE_DATE", "USD_CNY_RATE_SOURCE", "FX_DEFAULT_DATE", "FX_SOURCE",
    "EARLIEST_DATE", "LATEST_DATE_YEARS_AHEAD", "MAX_INPUT_BYTES", "MAX_COLUMNS",
    "MAX_CELL_CHARS", "EQUAL_AREA_CRS", "SPOKE_STEP_KM",
)

#: The dataset name (:func:`g60map.reference.datasets.get_path`) of the manifest.
MANIFEST = "packaged_tables"

#: Version of the files' layout; a manifest of another version is not read.
FORMAT = 1

#: ``attrs`` not stored: the file a table was read from is where the package is installed.
_RUNTIME_ATTRS = ("file",)


def sources_sha256() -> dict[str, str]:
    """Return the SHA-256 of each packaged file in :data:`SOURCES`.

    Returns
    -------
    dict of str to str
        Dataset name -> hex digest.
    """
    return {name: hashlib.sha256(get_path(name).read_bytes()).hexdigest() for name in SOURCES}


def _settings_sha256() -> str:
    digest = hashlib.sha256()
    for name in SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}\n".encode())
    return digest.hexdigest()


@functools.cache
def _manifest() -> dict[str, Any] | None:
    try:
        data = json.loads(get_path(MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("sources") != sources_sha256():
        return None  # a packaged file changed since the frames were built: compute them
    return data


def _current() -> dict[str, Any] | None:
    """Return the manifest when the settings are those the frames were computed with."""
    manifest = _manifest()
    if manifest is None or manifest.get("settings_sha256") != _settings_sha256():
        return None
    return manifest


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
def _cached(name: str) -> gpd.GeoDataFrame | None:
    manifest = _manifest()
    if manifest is None or name not in manifest.get("frames", {}):
        return None
    try:
        frame = _read_frame(get_path(f"packaged_{name}"))
    except (OSError, ValueError):
        return None
    frame.attrs = dict(manifest["frames"][name].get("attrs", {}))
    if name in TABLES:
        frame.attrs["file"] = str(get_path(name))
    return frame


def _fresh(name: str) -> gpd.GeoDataFrame | None:
    frame = _cached(name)
    if frame is None:
        return None
    out = frame.copy()
    out.attrs = json.loads(json.dumps(frame.attrs))  # nested lists are not shared either
    return out


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
        of another format, or were built from other packaged files or settings.

    Examples
    --------
    >>> packaged_table("partners")["city_en"].tolist()[:2]
    ['Songjiang', 'Songjiang']
    """
    if kind not in TABLES:
        raise ValueError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}")
    return _fresh(kind) if _current() is not None else None


def packaged_corridor() -> dict[str, Any] | None:
    """Return what ``load_corridor()`` computes from the packaged tables, or None.

    Returns
    -------
    dict or None
        ``summary``, ``spokes``, ``trunk`` (fresh GeoDataFrames, EPSG:4326) and
        ``overview`` (a fresh dict) of the default corridor (simplified boundaries); None
        as for :func:`packaged_table`.

    Examples
    --------
    >>> packaged_corridor()["overview"]["farthest"]
    'Hefei'
    """
    manifest = _current()
    if manifest is None or "overview" not in manifest:
        return None
    out: dict[str, Any] = {}
    for name in CORRIDOR_FRAMES:
        out[name] = _fresh(name)
        if out[name] is None:
            return None
    overview = dict(manifest["overview"])  # [key, value] pairs, in the overview's order
    for key in manifest.get("overview_tuples", []):
        overview[key] = tuple(overview[key])
    out["overview"] = overview
    return out


def _json_attrs(name: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if k not in _RUNTIME_ATTRS}
    if json.loads(json.dumps(out)) != out:
        raise ValueError(f"{name}: attrs that JSON does not keep as they are: {out!r}")
    return out


def write_packaged(
    frames: Mapping[str, gpd.GeoDataFrame], overview: Mapping[str, Any], folder: str | Path
) -> list[Path]:
    """Write the packaged frames and their manifest into ``folder`` (deterministic bytes).

    Parameters
    ----------
    frames : mapping of str to geopandas.GeoDataFrame
        :data:`TABLES` (``load_partners()``, ``load_investments()``) and
        :data:`CORRIDOR_FRAMES` of ``load_corridor()`` computed from the packaged files,
        each EPSG:4326 with a RangeIndex.
    overview : mapping
        ``load_corridor().overview``.
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
    for name in (*TABLES, *CORRIDOR_FRAMES):
        frame = frames[name]
        if not frame.crs or not frame.crs.equals(settings.WGS84):
            raise ValueError(f"{name}: expected EPSG:4326, got {frame.crs}")
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
            raise ValueError(f"{name}: expected a RangeIndex from 0")
        entries[name] = {"attrs": _json_attrs(name, frame.attrs)}
        plain = frame.copy()
        plain.attrs = {}  # no machine path in the file
        target = folder / get_path(f"packaged_{name}").name
        with atomic_path(target) as tmp:
            plain.to_parquet(tmp, index=False, compression="zstd", compression_level=19,
                             write_covering_bbox=False)
        written.append(target)
    plain_overview = _json_attrs("overview", {k: list(v) if isinstance(v, tuple) else v
                                              for k, v in overview.items()})
    manifest = {
        "format": FORMAT,
        "sources": sources_sha256(),
        "settings_sha256": _settings_sha256(),
        "frames": entries,
        "overview": [[k, v] for k, v in plain_overview.items()],
        "overview_tuples": sorted(k for k, v in overview.items() if isinstance(v, tuple)),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    written.append(write_text(folder / get_path(MANIFEST).name, text))
    _manifest.cache_clear()
    _cached.cache_clear()
    return written
