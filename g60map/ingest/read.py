"""Read users' tables (CSV in UTF-8/BOM/GBK/GB18030, .xlsx, GeoParquet): where a table enters.

Everything is read as text, exactly as written: numbers are parsed later by
:mod:`g60map.ingest.validate`, and cells starting with ``=``, ``+``, ``-`` or ``@`` stay plain
text (nothing here evaluates a formula). GeoParquet point geometry becomes ``lon``/``lat``
text (shortest round-trip repr, so no precision is lost).

First module of :mod:`g60map.ingest`: :func:`read_table` checks the file
(:mod:`g60map.ingest._checks`) and hands it to the CSV (:mod:`g60map.ingest._csv`), .xlsx
(:mod:`g60map.ingest._xlsx_read`) or Parquet (:mod:`g60map.ingest._parquet`) reader;
:func:`frame_table` and :func:`frame_to_text` turn typed frames into the same text table.
The result goes on to :mod:`g60map.ingest.validate`.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .._errors import G60InputError, Problem
from ._checks import check_header, check_input_file
from ._csv import read_csv_file
from ._parquet import PARQUET_SUFFIXES, read_parquet
from ._xlsx_read import read_xlsx

__all__ = ["read_table", "read_input", "frame_table"]


def read_table(path: str | os.PathLike[str], *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV, .xlsx or (Geo)Parquet table as text, with spreadsheet row numbers.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8, UTF-8 with BOM, GBK or GB18030; any line ends), ``.xlsx`` (the
        first visible sheet, or ``sheet``; cells as last saved: a formula gives its saved value)
        or ``.parquet``/``.geoparquet``. A GeoParquet file's point geometry gives
        the ``lon``/``lat`` columns (WGS-84; other CRSs are transformed, empty or missing
        geometry gives empty cells) unless the table has ``lon``/``lat`` columns itself,
        which are then used as they are. Rows count as in a CSV export: the first
        record is row 2. Only regular files of at most
        :data:`g60map.settings.MAX_INPUT_BYTES` bytes with at most
        :data:`g60map.settings.MAX_COLUMNS` columns are read.
    sheet : str, optional
        Name of the sheet to read from an ``.xlsx`` workbook (default: the first visible
        sheet; with several sheets a :class:`G60Warning` says which was read).

    Returns
    -------
    pandas.DataFrame
        All cells as ``str`` (empty string for blanks), column names stripped; the index
        is the 1-based spreadsheet row (header = row 1, first data row = 2). The file
        name is kept in ``df.attrs["file"]``.

    Raises
    ------
    G60InputError
        Missing, empty, too big, not a regular file or undecodable; rows with more cells
        than the header; a header with repeated names or too many columns; unreadable
        GeoParquet geometry, CRS or binary cells; non-point geometry; a formula cell
        without a saved value; a ``sheet`` the workbook does not have.
    """
    path = Path(path)
    label = str(path)
    check_input_file(path, label)
    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    if sheet is not None and not is_xlsx:
        raise G60InputError(
            [Problem(label, None, None, f"a sheet ({sheet!r}) can only be chosen in an .xlsx "
                     "workbook (leave out --sheet/sheet= for this file)")]
        )
    if is_xlsx:
        df = read_xlsx(path, label, sheet)
    elif path.suffix.lower() in PARQUET_SUFFIXES:
        table, problems = read_parquet(path, label)
        df, more = frame_to_text(table, label)
        if problems or more:
            raise G60InputError(problems + more)
    else:
        df = read_csv_file(path, label)
    check_header(df.columns, label)
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise G60InputError(
            [Problem(label, None, None, "file has a header but no data rows (add rows)")]
        )
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df.attrs["file"] = label
    return df


def read_input(
    source: str | os.PathLike[str] | pd.DataFrame, *, sheet: str | None = None
) -> pd.DataFrame:
    """Read a table from a file (:func:`read_table`) or a (Geo)DataFrame (:func:`frame_table`).

    Parameters
    ----------
    source : path-like, pandas.DataFrame or geopandas.GeoDataFrame
    sheet : str, optional
        Sheet of an ``.xlsx`` workbook (files only).

    Returns
    -------
    pandas.DataFrame
        All cells as text, ``attrs["file"]`` naming the source, as :func:`read_table`.
    """
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise G60InputError(
                [Problem(frame_label(source), None, None,
                         "a sheet can only be chosen when reading an .xlsx file")]
            )
        return frame_table(source)
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            "expected a path, a pandas DataFrame or a geopandas GeoDataFrame, "
            f"not {type(source).__name__}"
        )
    return read_table(source, sheet=sheet)


def frame_label(frame: pd.DataFrame) -> str:
    """Name of a frame in problems: ``attrs["file"]`` if set, else its type name."""
    label = frame.attrs.get("file")
    return str(label) if label else type(frame).__name__


def frame_table(frame: pd.DataFrame, label: str | None = None) -> pd.DataFrame:
    """Turn a pandas DataFrame or GeoDataFrame into the text table :func:`read_table` returns.

    Every cell becomes text as a file would hold it (numbers in their shortest exact
    form, missing values empty, dates in ISO form), so a frame goes through the same
    checks as a file.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        A GeoDataFrame's CRS is honoured: its point geometry is converted to WGS-84 and
        gives ``lon``/``lat`` (rows with a missing or empty geometry keep the ``lon``/
        ``lat`` cells they have).
    label : str, optional
        Name for problems; default ``frame.attrs["file"]`` or ``"DataFrame"``/
        ``"GeoDataFrame"``.

    Returns
    -------
    pandas.DataFrame
        Text cells; the index (named ``row``) is the frame's index when it holds unique
        whole numbers (so problems name the row as ``df.loc`` does), else the position
        0, 1, ...; ``attrs["file"]`` is the label.

    Raises
    ------
    G60InputError
        Repeated or too many columns, no rows, binary columns, geometry that is not a
        point or cannot be converted to WGS-84.
    """
    label = label or frame_label(frame)
    check_header([str(c) for c in frame.columns], label)
    if frame.empty:
        raise G60InputError([Problem(label, None, None, "the table has no rows (add rows)")])
    index = frame.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.is_unique:
        rows = pd.Index(index.to_numpy(dtype="int64"), name="row")
    else:
        rows = pd.RangeIndex(len(frame), name="row")
    df, problems = frame_to_text(frame, label, prefer_geometry=True)
    if problems:
        raise G60InputError(problems)
    df.index = rows
    df.attrs["file"] = label
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
    frame: pd.DataFrame, label: str, first_row: int = 2, *, prefer_geometry: bool = False
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
    prefer_geometry : bool, default False
        Take ``lon``/``lat`` from the geometry even when the frame has those columns
        (their cells are kept where the geometry is missing or empty).

    Returns
    -------
    df : pandas.DataFrame
        All cells ``str`` (empty for missing), index ``row`` from ``first_row``.
    problems : list of Problem
        One per row whose geometry is not a point.
    """
    import pyarrow as pa

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
        try:
            cols.append(_valid_text(_as_text(series.reset_index(drop=True))))
        except (UnicodeDecodeError, pa.ArrowException):
            problems.append(_binary_problem(series, index, label, str(name)))
            cols.append(pd.Series([""] * len(series), dtype=str))
    if geom_col is not None and (prefer_geometry or not {"lon", "lat"} & set(names)):
        geoms = frame.geometry
        if geoms.crs is not None and not geoms.crs.equals(settings.WGS84, ignore_axis_order=True):
            try:
                geoms = geoms.to_crs(settings.WGS84)
            except Exception as exc:  # pyproj raises several types for impossible transforms
                problems.append(
                    Problem(
                        label,
                        None,
                        str(geom_col),
                        f"cannot transform the geometry from its CRS to WGS-84 "
                        f"({type(exc).__name__}): store WGS-84 (EPSG:4326) points",
                    )
                )
                return pd.DataFrame(index=index), problems
        values = geoms.to_numpy()
        kind = shapely.get_type_id(values)  # -1 missing, 0 point
        empty = shapely.is_empty(values)
        bad = (kind > 0) & ~empty
        for i in np.flatnonzero(bad).tolist():
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
        lon_txt, lat_txt = _as_text(pd.Series(x)), _as_text(pd.Series(y))
        if "lon" in names and "lat" in names:  # cells kept where there is no point
            keep = ~point
            lon_txt = lon_txt.where(~keep, cols[names.index("lon")])
            lat_txt = lat_txt.where(~keep, cols[names.index("lat")])
        drop = [i for i, n in enumerate(names) if n in ("lon", "lat")]
        names = [n for i, n in enumerate(names) if i not in drop]
        cols = [c for i, c in enumerate(cols) if i not in drop]
        names += ["lon", "lat"]
        cols += [lon_txt, lat_txt]
    df = pd.concat(cols, axis=1, ignore_index=True) if cols else pd.DataFrame(index=index)
    df.columns = names
    df.index = index
    df.attrs["file"] = label
    return df, problems


def _valid_text(text: pd.Series) -> pd.Series:
    """Return ``text``; raise ``ArrowInvalid`` if Arrow-backed strings are not UTF-8.

    Parquet does not check that its string columns hold UTF-8: a damaged file reads
    without error and fails later, wherever the strings are first used.
    """
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa

        pa.chunked_array(pa.array(text.array)).validate(full=True)
    return text


def _binary_problem(series: pd.Series, index: pd.RangeIndex, label: str, name: str) -> Problem:
    """Return the problem of a column with bytes that are not UTF-8 (first such row)."""
    import pyarrow as pa

    first = None
    if isinstance(series.array, pd.arrays.ArrowStringArray):
        values = pa.array(series.array)
        for i in range(len(series)):
            try:
                values[i].as_py()
            except (UnicodeDecodeError, pa.ArrowException):
                first = int(index[i])
                break
    else:
        for i, value in enumerate(series.to_numpy(dtype=object)):
            if isinstance(value, bytes | bytearray):
                try:
                    bytes(value).decode("utf-8")
                except UnicodeDecodeError:
                    first = int(index[i])
                    break
    return Problem(
        label,
        first,
        name,
        "column holds binary data, not text (these bytes are not UTF-8): store it as a "
        "text (UTF-8 string) column, or drop it",
    )
