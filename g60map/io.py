"""Read the corridor cities and user tables (CSV in UTF-8/BOM/GBK/GB18030, or .xlsx).

Everything is read as text, exactly as written: numbers are parsed later by
:mod:`g60map.validate`, and cells starting with ``=``, ``+``, ``-`` or ``@`` stay plain
text (nothing here evaluates a formula).
"""

from __future__ import annotations

import functools
import io as _io
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import settings
from ._errors import G60InputError, Problem
from .datasets import get_path

__all__ = ["load_cities", "read_table", "ENCODINGS"]

#: Encodings tried in order for CSV input. GB18030 is a superset of GBK and GB2312.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")


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


def _decode(raw: bytes, label: str) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
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


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or .xlsx table as text, with row numbers as a spreadsheet shows them.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8, UTF-8 with BOM, GBK or GB18030) or ``.xlsx`` (first sheet).

    Returns
    -------
    pandas.DataFrame
        All cells as ``str`` (empty string for blanks), column names stripped; the index
        is the 1-based spreadsheet row (header = row 1, first data row = 2). The file
        name is kept in ``df.attrs["file"]``.

    Raises
    ------
    G60InputError
        Missing, empty or undecodable file.
    """
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise G60InputError([Problem(label, None, None, "file not found (check the path)")])
    if path.is_dir():
        raise G60InputError([Problem(label, None, None, "is a folder, not a file")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = _read_xlsx(path, label)
    else:
        raw = path.read_bytes()
        if not raw.strip():
            raise G60InputError(
                [Problem(label, None, None, "file is empty (add a header row and data rows)")]
            )
        text = _decode(raw, label)
        try:
            df = pd.read_csv(
                _io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                skipinitialspace=False,
            )
        except pd.errors.ParserError as exc:
            raise G60InputError(
                [Problem(label, None, None, f"not a valid CSV table: {exc}")]
            ) from None
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise G60InputError(
            [Problem(label, None, None, "file has a header but no data rows (add rows)")]
        )
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df.attrs["file"] = label
    return df


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
