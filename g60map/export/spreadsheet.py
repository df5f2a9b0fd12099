"""Tables for spreadsheets (CSV, xlsx) in which no cell ever runs as a formula.

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) never becomes one: in CSV it is prefixed with a single
quote (:func:`escape_formulas`; a CSV has no cell types); in xlsx it is kept unchanged in
a text (string) cell, which a spreadsheet shows as it is and never evaluates. Files are
reproducible: the xlsx document dates carry
:func:`g60map._reproducible.output_timestamp` and its zip entries 1980-01-01 (XlsxWriter's
fixed entry time). Text longer than an xlsx cell holds (32,767 characters) is cut there,
with a :class:`~g60map.G60Warning`; CSV keeps it whole.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .._atomic import atomic_path
from .._formulas import quote_formula
from .._reproducible import output_timestamp

__all__ = [
    "XLSX_MAX_CELL_CHARS",
    "XLSX_MAX_COLUMNS",
    "XLSX_MAX_ROWS",
    "attribute_table",
    "csv_bytes",
    "escape_formulas",
    "write_table",
    "xlsx_bytes",
]


_ILLEGAL_XLSX = re.compile(r"[\000-\010\013\014\016-\037]")


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells cannot run as spreadsheet formulas.

    A text cell or column name starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return gets a leading single quote (OWASP "CSV injection"), by
    :func:`g60map._formulas.quote_formula`, the rule the problem lists follow too.
    Numbers, booleans and missing values are left as they are, so ``-5`` stays a number.

    Parameters
    ----------
    df : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> escape_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "n": [-1, 2, 3]}))
           a  n
    0  '=1+1 -1
    1     ok  2
    2    '-x  3
    """
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype.kind in "biufcmM":
            continue
        out[col] = values.map(quote_formula).astype(object)
    # Column names are cells too, in the header row.
    return out.rename(columns=quote_formula)


def attribute_table(gdf: pd.DataFrame, *, escape: bool = True) -> pd.DataFrame:
    """Return the attributes of ``gdf`` (no geometry); formula-like text quoted if ``escape``."""
    df = pd.DataFrame(gdf).reset_index(drop=True)
    if isinstance(gdf, gpd.GeoDataFrame):
        df = df.drop(columns=gdf.geometry.name)
    df = df.drop(columns=[c for c in df.columns if df[c].dtype.name == "geometry"])
    df.attrs = {}
    return escape_formulas(df) if escape else df


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Return ``df`` as CSV for spreadsheets: UTF-8 with a BOM, CRLF line ends."""
    text = df.to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")  # BOM: spreadsheets then read UTF-8


#: Rows of one xlsx sheet, the header row included (Excel's format limit, not a setting).
XLSX_MAX_ROWS: int = 1_048_576
#: Columns of one xlsx sheet (Excel's format limit).
XLSX_MAX_COLUMNS: int = 16_384
#: Characters of one xlsx cell (Excel's format limit); longer text is cut, with a warning.
XLSX_MAX_CELL_CHARS: int = 32_767

_XLSX_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


def _check_xlsx_size(sheets: dict[str, pd.DataFrame]) -> None:
    """Raise :class:`G60InputError` for every table too big for an xlsx sheet."""
    problems = []
    for title, df in sheets.items():
        rows, cols = len(df) + 1, len(df.columns)
        if rows > XLSX_MAX_ROWS or cols > XLSX_MAX_COLUMNS:
            problems.append(
                f"layer {title!r}: {len(df):,} rows and {cols:,} columns do not fit in an "
                f"xlsx sheet (at most {XLSX_MAX_ROWS - 1:,} rows under the header and "
                f"{XLSX_MAX_COLUMNS:,} columns); export it with --format gpkg, parquet "
                "or csv instead"
            )
    if problems:
        from .._errors import G60InputError

        raise G60InputError(problems)


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an xlsx workbook, one sheet per table, every text cell a string cell.

    Parameters
    ----------
    sheets : dict of str to pandas.DataFrame
        Sheet name (cut to 31 characters) to table; the header row is the column names.

    Returns
    -------
    bytes
        The same tables give the same bytes: the document dates are
        :func:`g60map._reproducible.output_timestamp`, zip entries carry 1980-01-01.

    Raises
    ------
    G60InputError
        A table has more rows or columns than an xlsx sheet holds
        (:data:`XLSX_MAX_ROWS`, :data:`XLSX_MAX_COLUMNS`); nothing is written.

    Warns
    -----
    G60Warning
        Text longer than :data:`XLSX_MAX_CELL_CHARS` was cut (the layer, row, column and
        length of each cell are named).

    Notes
    -----
    Text is always written as text: ``=1+1`` stays the characters ``=1+1`` in a string
    cell, never a formula, a link or a number. Control characters that XML cannot hold
    are removed; missing values are empty cells.
    """
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - a declared dependency
        from .._errors import MissingDependencyError

        raise MissingDependencyError(
            "xlsx export needs XlsxWriter: pip install XlsxWriter"
        ) from exc
    _check_xlsx_size(sheets)
    when = output_timestamp().astimezone(_dt.timezone.utc).replace(tzinfo=None)
    raw = io.BytesIO()
    wb = xlsxwriter.Workbook(raw, _XLSX_OPTIONS)
    wb.set_properties({"author": "g60map", "created": when})
    dates = wb.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
    cut: list[tuple[str, int, str, int]] = []
    for title, df in sheets.items():
        ws = wb.add_worksheet(title[:31])
        for c, name in enumerate(df.columns):
            ws.write_string(0, c, _xlsx_text(str(name), title, 1, str(name), cut))
        for c, name in enumerate(df.columns):
            _write_column(ws, c, df.iloc[:, c], title, str(name), dates, cut)
    wb.close()
    if cut:
        _warn_cut(cut)
    return raw.getvalue()


def _xlsx_text(
    text: str, title: str, row: int, column: str, cut: list[tuple[str, int, str, int]]
) -> str:
    """Return ``text`` as an xlsx cell holds it: no XML-illegal characters, not too long."""
    if _ILLEGAL_XLSX.search(text):
        text = _ILLEGAL_XLSX.sub("", text)
    if len(text) > XLSX_MAX_CELL_CHARS:
        cut.append((title, row, column, len(text)))
        text = text[:XLSX_MAX_CELL_CHARS]
    return text


def _write_column(
    ws: object,
    col: int,
    values: pd.Series,
    title: str,
    name: str,
    dates: object,
    cut: list[tuple[str, int, str, int]],
) -> None:
    """Write one column's cells (rows 2 on), each with the writer of its type."""
    kind = values.dtype.kind
    if kind == "M":
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        for r, v in enumerate(stamps.tolist(), start=1):
            if not pd.isna(v):
                ws.write_datetime(r, col, v.to_pydatetime(), dates)  # type: ignore[attr-defined]
        return
    if kind in "biuf":
        items = values.tolist()  # Python bools, ints and floats
        if kind == "b":
            for r, v in enumerate(items, start=1):
                ws.write_boolean(r, col, v)  # type: ignore[attr-defined]
            return
        for r, v in enumerate(items, start=1):
            if v == v and v not in (_INF, -_INF):
                ws.write_number(r, col, v)  # type: ignore[attr-defined]
            elif v == v:
                ws.write_string(r, col, str(v))  # type: ignore[attr-defined]
        return
    for r, v in enumerate(values.tolist(), start=1):
        _write_cell(ws, r, col, v, title, name, dates, cut)


_INF = float("inf")


def _write_cell(
    ws: object,
    row: int,
    col: int,
    v: object,
    title: str,
    name: str,
    dates: object,
    cut: list[tuple[str, int, str, int]],
) -> None:
    """Write one cell of a column of mixed values (text, numbers, missing values)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, str):
        ws.write_string(row, col, _xlsx_text(v, title, row + 1, name, cut))  # type: ignore[attr-defined]
    elif v is None or v is pd.NA or v is pd.NaT:
        return
    elif isinstance(v, bool):
        ws.write_boolean(row, col, v)  # type: ignore[attr-defined]
    elif isinstance(v, (int, float)):
        number = v
        if number == number and number not in (_INF, -_INF):
            ws.write_number(row, col, number)  # type: ignore[attr-defined]
        elif number == number:
            ws.write_string(row, col, str(number))  # type: ignore[attr-defined]
    elif isinstance(v, (_dt.datetime, _dt.date)):
        if isinstance(v, pd.Timestamp):
            v = v.tz_localize(None).to_pydatetime() if v.tz is not None else v.to_pydatetime()
        elif isinstance(v, _dt.datetime) and v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        ws.write_datetime(row, col, v, dates)  # type: ignore[attr-defined]
    else:
        text = str(v)
        ws.write_string(row, col, _xlsx_text(text, title, row + 1, name, cut))  # type: ignore[attr-defined]


def _warn_cut(cut: list[tuple[str, int, str, int]]) -> None:
    """Warn once about every cell whose text was cut to Excel's cell limit."""
    import warnings

    from .._errors import G60Warning, Problem

    problems = [
        Problem(
            title,
            row,
            column,
            f"{length:,} characters cut to {XLSX_MAX_CELL_CHARS:,} (Excel's limit)",
            kind="cut in xlsx",
        )
        for title, row, column, length in cut
    ]
    shown = "; ".join(
        f"layer {t!r}, row {r}, column {c!r}: {n:,} characters" for t, r, c, n in cut[:5]
    )
    more = f"; and {len(cut) - 5:,} more" if len(cut) > 5 else ""
    title = (
        f"{len(cut):,} xlsx cell(s) longer than Excel's {XLSX_MAX_CELL_CHARS:,} characters "
        "were cut; the full text is in gpkg, geojson, parquet and csv exports"
    )
    warnings.warn(G60Warning(f"{title}: {shown}{more}", problems, title=title), stacklevel=3)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a (Geo)DataFrame's attributes as CSV or xlsx, safe to open in a spreadsheet.

    The geometry column is dropped; text that would start a formula never runs as one:
    in CSV (UTF-8 with BOM) it is quoted (:func:`escape_formulas`), in xlsx it is kept
    unchanged as a text cell. The write is atomic.

    Parameters
    ----------
    df : pandas.DataFrame or geopandas.GeoDataFrame
    path : path-like
        ``.csv`` or ``.xlsx`` (one sheet named after the file).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = csv_bytes(attribute_table(df))
    elif suffix == ".xlsx":
        data = xlsx_bytes({path.stem: attribute_table(df, escape=False)})
    else:
        raise ValueError(f"write_table writes .csv or .xlsx, not {path.suffix or path.name!r}")
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
