"""Tables for spreadsheets (CSV, xlsx) in which no cell ever runs as a formula.

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) never becomes one: in CSV it is prefixed with a single
quote (:func:`escape_formulas`; a CSV has no cell types); in xlsx it is kept unchanged in
a text (string) cell, which a spreadsheet shows as it is and never evaluates. Files are
reproducible: the xlsx zip entries and document dates carry
:func:`g60map._reproducible.output_timestamp`.
"""

from __future__ import annotations

import datetime as _dt
import gc
import io
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._atomic import atomic_path
from ._reproducible import normalise_zip, output_timestamp
from .validate import FORMULA_PREFIXES

__all__ = ["attribute_table", "csv_bytes", "escape_formulas", "write_table", "xlsx_bytes"]


_ILLEGAL_XLSX = re.compile(r"[\000-\010\013\014\016-\037]")


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells cannot run as spreadsheet formulas.

    A text cell or column name starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return gets a leading single quote (OWASP "CSV injection"). Numbers, booleans and
    missing values are left as they are, so ``-5`` stays a number.

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
        out[col] = values.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
        ).astype(object)
    # Column names are cells too, in the header row.
    return out.rename(
        columns=lambda c: "'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c
    )


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


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an xlsx workbook, one sheet per table, every text cell a string cell."""
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        from ._errors import MissingDependencyError

        raise MissingDependencyError("xlsx export needs openpyxl: pip install openpyxl") from exc
    when = output_timestamp()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, df in sheets.items():
        ws = wb.create_sheet(title=title[:31])
        ws.append([_ILLEGAL_XLSX.sub("", str(c)) for c in df.columns])
        _as_text(ws[ws.max_row])
        for row in df.itertuples(index=False):
            values: list[object] = []
            for v in row:
                if v is None or (isinstance(v, float) and v != v):
                    values.append(None)
                elif isinstance(v, str):
                    values.append(_ILLEGAL_XLSX.sub("", v))
                elif hasattr(v, "item"):
                    values.append(v.item())
                else:
                    values.append(v)
            ws.append(values)
            _as_text(ws[ws.max_row])
    naive = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    wb.properties.creator = "g60map"
    wb.properties.created = naive
    return normalise_zip(_save_workbook(wb), naive)


def _save_workbook(wb: object) -> bytes:
    """Return the workbook's bytes; a failed write of openpyxl's temporary files is an OSError.

    With lxml installed, openpyxl writes each sheet through an lxml ``xmlfile`` to a
    temporary file; when that write fails (a full disk, ``ulimit -f``) lxml raises
    ``SerialisationError("IO_EFBIG")`` and the half-written sheet writers fail again, with
    a traceback on stderr, when they are freed. They are freed here, quietly, and the
    failure is raised as an :class:`OSError` (with no file name: the caller names it).
    """
    raw = io.BytesIO()
    hook = sys.unraisablehook
    try:
        try:
            wb.save(raw)  # type: ignore[attr-defined]
            return raw.getvalue()
        except Exception as exc:
            if type(exc).__name__ != "SerialisationError":
                raise
            failure = str(exc)
            sys.unraisablehook = lambda _: None  # the writers are freed with the traceback
        gc.collect()
    finally:
        sys.unraisablehook = hook
    raise OSError(f"the xlsx writer could not write its temporary files ({failure})")


def _as_text(cells: Sequence) -> None:
    """Store text that openpyxl took for a formula (``=...``) as the text it is."""
    for cell in cells:
        if cell.data_type == "f":  # never a formula, whatever the text
            cell.data_type = "s"


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
