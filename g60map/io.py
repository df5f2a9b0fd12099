"""Read the corridor cities and user tables (CSV in UTF-8/BOM/GBK/GB18030, .xlsx, GeoParquet).

Everything is read as text, exactly as written: numbers are parsed later by
:mod:`g60map.validate`, and cells starting with ``=``, ``+``, ``-`` or ``@`` stay plain
text (nothing here evaluates a formula). GeoParquet point geometry becomes ``lon``/``lat``
text (shortest round-trip repr, so no precision is lost).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io as _io
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from ._errors import G60InputError, Problem
from .datasets import get_path

__all__ = ["load_cities", "read_table", "ENCODINGS", "PARQUET_SUFFIXES"]

#: How CSV cells are parsed, everywhere a CSV is read: all text, exactly as written.
CSV_OPTIONS: dict[str, object] = {
    "dtype": str,
    "keep_default_na": False,
    "skip_blank_lines": True,
    "skipinitialspace": False,
}

#: Encodings tried in order for CSV input. GB18030 is a superset of GBK and GB2312.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")

#: File suffixes read as (Geo)Parquet.
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".geoparquet")

_CHUNK = 1 << 24  # bytes decoded at a time when checking an encoding


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


def _encoding(raw: bytes, label: str) -> str:
    """Return the first of :data:`ENCODINGS` that decodes ``raw`` (checked in chunks)."""
    view = memoryview(raw)
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), _CHUNK):
                decoder.decode(view[start : start + _CHUNK])
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            last = exc
    # Locate the first undecodable byte for the message (as UTF-8, the expected encoding).
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        last = exc
    row = raw[: last.start].count(b"\n") + 1
    raise G60InputError(
        [
            Problem(
                label,
                row,
                None,
                f"undecodable bytes {raw[last.start:last.start + 4]!r} at byte {last.start} "
                f"(save the file as UTF-8, or GBK/GB18030)",
            )
        ]
    )


def _first_bad_utf8(raw: bytes) -> int:
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return exc.start + (len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)
    return 0  # pragma: no cover - only called for files that are not UTF-8


def _csv_header(raw: bytes, encoding: str) -> list[str]:
    """Return the header cells as written (pandas renames repeated names to ``name.1``)."""
    end = raw.find(b"\n")
    first = raw[: end if end >= 0 else len(raw)].decode(encoding)
    return next(csv.reader([first.rstrip("\r")]), [])


def _check_header(columns: pd.Index, label: str) -> None:
    names = [str(c).strip() for c in columns]
    problems = [
        Problem(label, 1, name, "column appears more than once (rename or drop one)")
        for name in dict.fromkeys(n for n in names if names.count(n) > 1)
    ]
    if len(names) == 1 and any(sep in names[0] for sep in (";", "\t", "|")):
        problems.append(
            Problem(
                label,
                1,
                None,
                f"header {names[0]!r} is one column: the file is not comma-separated "
                "(save it as CSV with commas)",
            )
        )
    if problems:
        raise G60InputError(problems)


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV, .xlsx or (Geo)Parquet table as text, with spreadsheet row numbers.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8, UTF-8 with BOM, GBK or GB18030), ``.xlsx`` (first sheet) or
        ``.parquet``/``.geoparquet``. A GeoParquet file's point geometry gives the
        ``lon``/``lat`` columns (WGS-84; other CRSs are transformed, empty or missing
        geometry gives empty cells) unless the table has ``lon``/``lat`` columns itself,
        which are then used as they are. Rows count as in a CSV export: the first
        record is row 2.

    Returns
    -------
    pandas.DataFrame
        All cells as ``str`` (empty string for blanks), column names stripped; the index
        is the 1-based spreadsheet row (header = row 1, first data row = 2). The file
        name is kept in ``df.attrs["file"]``.

    Raises
    ------
    G60InputError
        Missing, empty or undecodable file; non-point geometry in a GeoParquet file.
    """
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise G60InputError([Problem(label, None, None, "file not found (check the path)")])
    if path.is_dir():
        raise G60InputError([Problem(label, None, None, "is a folder, not a file")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = _read_xlsx(path, label)
    elif path.suffix.lower() in PARQUET_SUFFIXES:
        df = _read_parquet(path, label)
    else:
        raw = path.read_bytes()
        if not raw or raw.isspace():
            raise G60InputError(
                [Problem(label, None, None, "file is empty (add a header row and data rows)")]
            )
        encoding = _encoding(raw, label)
        if raw.startswith(codecs.BOM_UTF8) and encoding != "utf-8-sig":
            bad = _first_bad_utf8(raw)
            row = raw[:bad].count(b"\n") + 1
            raise G60InputError(
                [
                    Problem(
                        label,
                        row,
                        None,
                        "file starts with a UTF-8 byte-order mark but is not UTF-8 from this "
                        "row on (mixed encodings: re-save the whole file as UTF-8)",
                    )
                ]
            )
        header = _csv_header(raw, encoding)
        if encoding == "utf-8-sig":
            # Checked UTF-8: the C parser reads the bytes as they are (no decoded copy of
            # the file, no re-encoding), after the BOM if there is one.
            source: _io.IOBase = _io.BytesIO(raw)
            source.seek(len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)
        else:
            source = _io.StringIO(raw.decode(encoding))
        try:
            df = pd.read_csv(source, encoding="utf-8", **CSV_OPTIONS)
        except pd.errors.ParserError as exc:
            raise G60InputError(
                [Problem(label, None, None, f"not a valid CSV table: {exc}")]
            ) from None
        if len(header) != len(df.columns):  # pragma: no cover - pandas keeps one per field
            header = list(df.columns)
        df.columns = header
    _check_header(df.columns, label)
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise G60InputError(
            [Problem(label, None, None, "file has a header but no data rows (add rows)")]
        )
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df.attrs["file"] = label
    return df


def _read_parquet(path: Path, label: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        if b"geo" in (schema.metadata or {}):
            table = gpd.read_parquet(path)
        else:
            table = pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise G60InputError(
            [Problem(label, None, None, f"not a readable Parquet file ({exc})")]
        ) from None
    df, problems = frame_to_text(table, label)
    if problems:
        raise G60InputError(problems)
    return df


def _as_text(values: pd.Series) -> pd.Series:
    """Return ``values`` as ``str`` cells; missing values become empty strings."""
    if pd.api.types.is_float_dtype(values.dtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = values.to_numpy(dtype=float)
        # Shortest text that reads back as the same float64 (Arrow's formatter; ~10x
        # faster than numpy's), NaN -> "".
        text = pc.cast(pa.array(arr, from_pandas=True), pa.string())
        text = pc.fill_null(text, "")
        return pd.Series(text.to_numpy(zero_copy_only=False), index=values.index, dtype=str)
    missing = values.isna().to_numpy()
    text = values.astype(str)
    if missing.any():
        text = text.where(~missing, "")
    return text


def frame_to_text(
    frame: pd.DataFrame, label: str, first_row: int = 2
) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn a (Geo)DataFrame read from a binary table into the text table of :func:`read_table`.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        Typed columns; a GeoDataFrame's active point geometry gives ``lon``/``lat``
        unless the frame already has both columns.
    label : str
        File name for problems and ``attrs["file"]``.
    first_row : int, default 2
        Row number of the first record (spreadsheet convention, header = 1).

    Returns
    -------
    df : pandas.DataFrame
        All cells ``str`` (empty for missing), index ``row`` from ``first_row``.
    problems : list of Problem
        One per row whose geometry is not a point.
    """
    index = pd.RangeIndex(first_row, first_row + len(frame), name="row")
    problems: list[Problem] = []
    geom_col = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names: list[str] = []
    cols: list[pd.Series] = []
    for i, name in enumerate(frame.columns):
        if name == geom_col:
            continue
        series = frame.iloc[:, i]
        if isinstance(series.dtype, gpd.array.GeometryDtype):
            series = gpd.GeoSeries(series).to_wkt()  # a second geometry column: keep as WKT
        names.append(str(name).strip())
        cols.append(_as_text(series.reset_index(drop=True)))
    if geom_col is not None and not {"lon", "lat"} & set(names):
        geoms = frame.geometry
        if geoms.crs is not None and not geoms.crs.equals(settings.WGS84, ignore_axis_order=True):
            geoms = geoms.to_crs(settings.WGS84)
        values = geoms.to_numpy()
        kind = shapely.get_type_id(values)  # -1 missing, 0 point
        empty = shapely.is_empty(values)
        bad = (kind > 0) & ~empty
        for i in np.flatnonzero(bad):
            problems.append(
                Problem(
                    label,
                    int(index[i]),
                    str(geom_col),
                    f"geometry is a {values[i].geom_type}, not a point (store one point "
                    "per row, or lon/lat columns)",
                )
            )
        point = (kind == 0) & ~empty
        x = np.full(len(values), np.nan)
        y = np.full(len(values), np.nan)
        x[point], y[point] = shapely.get_x(values[point]), shapely.get_y(values[point])
        names += ["lon", "lat"]
        cols += [_as_text(pd.Series(x)), _as_text(pd.Series(y))]
    df = pd.concat(cols, axis=1, ignore_index=True) if cols else pd.DataFrame(index=index)
    df.columns = names
    df.index = index
    df.attrs["file"] = label
    return df, problems


def _read_xlsx(path: Path, label: str) -> pd.DataFrame:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise G60InputError(
            [Problem(label, None, None, "reading .xlsx needs openpyxl: pip install openpyxl")]
        ) from exc
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise G60InputError(
            [Problem(label, None, None, f"not a readable .xlsx workbook ({exc})")]
        ) from None
    try:
        rows = [
            ["" if v is None else str(v) for v in row]
            for row in wb.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        wb.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise G60InputError(
            [Problem(label, None, None, "workbook is empty (add a header row and data rows)")]
        )
    header, body = rows[0], rows[1:]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(body, columns=header, dtype=str)
