"""Validate partner and investment tables read by :func:`g60map.io.read_table`.

Every check is vectorised over columns; all problems of a file are collected and
reported together, each as ``file:row:column: problem (how to fix)``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import decimal
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import settings
from ._atomic import atomic_path
from ._errors import Problem, escape_control, problem_kind
from .datum import DATUMS, to_wgs84

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pyarrow as pa

__all__ = [
    "PARTNER_SCHEMA",
    "INVESTMENT_SCHEMA",
    "CURRENCIES",
    "AMOUNT_UNITS",
    "DATUM_NAMES",
    "HEADER_ALIASES",
    "standard_columns",
    "date_text",
    "FORMULA_PREFIXES",
    "quote_formula",
    "validate_table",
    "frame_cell_problems",
    "formula_cells",
    "date_range",
    "write_problems",
    "PROBLEM_COLUMNS",
]

#: Required and optional columns per table kind.
PARTNER_SCHEMA: dict[str, tuple[str, ...]] = {
    "required": ("name",),
    "optional": ("province", "city", "district", "address", "lon", "lat", "datum", "kind",
                 "website", "description", "source", "amount", "currency", "date"),
}
INVESTMENT_SCHEMA: dict[str, tuple[str, ...]] = {
    "required": ("investor", "project", "amount", "currency", "date"),
    "optional": ("province", "city", "district", "address", "lon", "lat", "datum",
                 "description", "source"),
}

#: Currency spellings and the ISO code they mean (:data:`g60map.settings.CURRENCIES`).
CURRENCIES: dict[str, str] = settings.CURRENCIES

#: Spellings of a ``datum`` cell (lower case, without spaces or underscores) and the datum
#: they name (:data:`g60map.datum.DATUMS`).
DATUM_NAMES: dict[str, str] = {
    **dict.fromkeys(["wgs84", "wgs-84", "epsg:4326", "gps", "osm", "openstreetmap"], "wgs84"),
    **dict.fromkeys(["gcj02", "gcj-02", "gcj", "amap", "gaode", "高德", "tencent", "腾讯",
                     "火星坐标", "国测局坐标"], "gcj02"),
    **dict.fromkeys(["bd09", "bd-09", "bd09ll", "baidu", "百度"], "bd09"),
}

#: Header spellings read as the standard column names (:data:`g60map.settings.HEADER_ALIASES`).
HEADER_ALIASES: dict[str, str] = settings.HEADER_ALIASES

#: Multipliers of amounts (:data:`g60map.settings.AMOUNT_UNITS`).
AMOUNT_UNITS: dict[str, int] = settings.AMOUNT_UNITS

_MULTIPLIERS = "|".join(sorted(map(re.escape, settings.AMOUNT_UNITS), key=len, reverse=True))
_CURRENCY_WORDS = "|".join(sorted(map(re.escape, settings.CURRENCIES), key=len, reverse=True))

#: The unit in brackets after an amount header: a multiplier and/or a currency, in either
#: order (``万元``, ``亿美元``, ``USD m``, ``CNY``).
_UNIT_WORDS = (
    rf"(?i)(?:(?P<cur1>{_CURRENCY_WORDS})\s*)?(?P<mult>{_MULTIPLIERS})?\s*"
    rf"(?P<cur>{_CURRENCY_WORDS})?"
)

#: A header with a unit in brackets: ``投资金额（万元）``, ``amount (USD)``.
_HEADER_UNIT = r"^(?P<base>.+?)\s*[(（\[]\s*(?P<unit>[^()（）\[\]]+?)\s*[)）\]]$"

#: An amount with a currency before it (``¥``, ``US$``, ``RMB``, ``人民币``) and/or a
#: multiplier and a currency after it (``3000万元``, ``1.2亿美元``, ``15亿``, ``2.1 bn USD``).
_UNIT_AMOUNT = (
    rf"(?i)^(?P<pre>{_CURRENCY_WORDS})?\s*(?P<num>[-+]?[0-9.,_]*[0-9][0-9.,_]*"
    rf"(?:e[-+]?[0-9]+)?)\s*(?P<unit>{_MULTIPLIERS})?\s*(?P<cur>{_CURRENCY_WORDS})?$"
)

#: Leading characters a spreadsheet would treat as (the start of) a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Columns of the CSV written by :func:`write_problems` (``--problems FILE``).
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "problem", "kind", "level")

_SCHEMAS = {"partners": PARTNER_SCHEMA, "investments": INVESTMENT_SCHEMA}

#: Columns that name a row's place, from the largest unit to the most precise.
_PLACE_COLUMNS = ("province", "city", "district", "address")

# Patterns use [0-9], not \d: text is NFKC-normalised first (full-width digits become
# ASCII), and \d would also match other scripts' digits.
#: A date as people write it: ``2022-03-15``, ``2022-3``, ``2022/3/15``, ``2022.03``,
#: ``2022年3月15日``, ``2022年3月``, ``2022年``, ``2022``, with a time of day after it (a
#: spreadsheet's ``00:00:00``) dropped.
_DATE = (
    r"^(?P<y>[0-9]{4})(?:\s*年)?"
    r"(?:(?:(?<=年)\s*|(?P<sep>[-/.]))(?P<m>[0-9]{1,2})(?:\s*月)?"
    r"(?:(?:(?<=月)\s*|(?P=sep))(?P<d>[0-9]{1,2})\s*[日号]?)?)?"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?)?$"
)
_HEADER_SHOWN = 20  # columns named in a "required column is missing" message
_EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
#: Thousands separators in proper groups: 1,000,000 / 12,345.5 / 1_000.
_GROUPED = rf"[+-]?[0-9]{{1,3}}(?:(?:,[0-9]{{3}})+|(?:_[0-9]{{3}})+)(?:\.[0-9]*)?{_EXPONENT}"
#: A decimal comma: 1,5 / 12,50 / 1,2345 / 1.234,5 (never a group of exactly three digits).
_DECIMAL_COMMA = (
    r"[+-]?(?:[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+)"
)


def _problems(
    file: str, rows: Iterable[int], column: str, message: str, kind: str = ""
) -> list[Problem]:
    return [Problem(file, int(r), column, message, kind) for r in rows]


def _nfkc(text: pd.Series) -> pd.Series:
    """Return ``text`` in Unicode NFKC form (full-width digits and commas become ASCII)."""
    if text.str.isascii().all():
        return text
    return text.str.normalize("NFKC")


def date_range(today: _dt.date | None = None) -> tuple[str, str]:
    """Return the first and last dates a table may hold, as ISO text.

    From :data:`g60map.settings.EARLIEST_DATE` to today plus
    :data:`g60map.settings.LATEST_DATE_YEARS_AHEAD` years.

    Parameters
    ----------
    today : datetime.date, optional
        Default: the current date.

    Returns
    -------
    (str, str)

    Examples
    --------
    >>> import datetime
    >>> first, last = date_range(datetime.date(2024, 2, 29))
    >>> first == settings.EARLIEST_DATE, last == f"{2024 + settings.LATEST_DATE_YEARS_AHEAD}-02-28"
    (True, True)
    """
    today = today or _dt.date.today()
    year = today.year + settings.LATEST_DATE_YEARS_AHEAD
    try:
        latest = today.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        latest = today.replace(year=year, day=28)
    return settings.EARLIEST_DATE, latest.isoformat()


def _rows(index: pd.Index, mask: pd.Series, *columns: pd.Series) -> Iterable[tuple]:
    """Yield ``(row, value, ...)`` where ``mask`` is true, without per-row pandas lookups."""
    keep = mask.to_numpy(dtype=bool)
    if not keep.any():
        return iter(())
    return zip(index[keep].tolist(), *(c[keep].to_numpy() for c in columns), strict=True)


def _to_float(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` for stripped text, fast on large columns.

    Arrow's string -> float64 cast (vectorised, ~10x faster) is used when it accepts
    every non-empty cell and pandas would return float64 too (some cell is empty or has
    a ``.``, exponent, ``inf`` or ``nan``); when some cells are not plain numbers
    (``东经121度``), Arrow reads the others and pandas those few; otherwise pandas parses
    the column. Both read the same numbers; Arrow rounds correctly where pandas' parser
    can be one unit in the last place off (more than 15 significant digits, large
    exponents).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return pd.to_numeric(text, errors="coerce")
    try:
        arr = _arrow_text(text)
        empty = pc.equal(arr, "")
        floaty = (  # cheapest test first
            pc.any(empty).as_py()
            or pc.any(pc.match_substring(arr, ".")).as_py()
            or pc.any(pc.match_substring_regex(arr, "[eEnNiI]")).as_py()
        )
        if not floaty:
            return pd.to_numeric(text, errors="coerce")
        null = pa.scalar(None, arr.type)
        try:
            values = pc.cast(pc.if_else(empty, null, arr), pa.float64())
            rest = None
        except pa.ArrowInvalid:  # some cell is no plain number: only those go to pandas
            plain = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_NUMBER), False)
            values = pc.cast(pc.if_else(plain, arr, null), pa.float64())
            rest = ~(plain.to_numpy(zero_copy_only=False) | empty.to_numpy(zero_copy_only=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pd.to_numeric(text, errors="coerce")
    out = pd.Series(
        values.to_numpy(zero_copy_only=False), index=text.index, dtype="float64", name=text.name
    )
    if rest is not None and rest.any():
        out[rest] = pd.to_numeric(text[rest], errors="coerce").astype("float64").to_numpy()
    return out


#: A cell Arrow's float cast reads as pandas does: digits, a point, an exponent.
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _arrow_text(text: pd.Series) -> pa.Array | pa.ChunkedArray:
    """Return the Arrow array of a text column (its own buffers when Arrow-backed)."""
    import pyarrow as pa

    if isinstance(text.array, pd.arrays.ArrowStringArray):
        return text.array.__arrow_array__()  # its chunks: no copy, no cast
    return pa.array(text, type=pa.string())


def _stripped(text: pd.Series) -> pd.Series:
    """``text.astype(str).str.strip()``, but the column itself when no cell changes.

    Most columns have nothing to strip; keeping them saves a copy of the table.
    """
    text = text.astype(str)
    stripped = text.str.strip()
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        import pyarrow.compute as pc

        before = pc.sum(pc.binary_length(_arrow_text(text))).as_py()
        if before is not None and before == pc.sum(pc.binary_length(_arrow_text(stripped))).as_py():
            return text  # stripping only removes bytes: the same byte count is the same text
    return stripped


def _repeats(values: pd.Series) -> np.ndarray:
    """``values.duplicated(keep=False)``; a table of distinct keys is found faster."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        import pyarrow.compute as pc

        if len(pc.unique(_arrow_text(values))) == len(values):
            return np.zeros(len(values), dtype=bool)
    return values.duplicated(keep=False).to_numpy()


def _not_a_number(cell: str, hint: str) -> str:
    if cell.startswith("="):
        hint = "it is a spreadsheet formula: paste its value instead"
    return f"{cell!r} is not a number ({hint})"


#: Cell objects that hold several values, not one (a table cell holds one).
_CONTAINERS = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series)


def _odd_cell(value: object) -> str:
    """Why a DataFrame cell cannot be read as the text of one cell, or ``""``."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return (f"{value!r} holds a lone surrogate (a broken character, "
                    "often from text decoded with errors='surrogateescape'): decode the "
                    "file the text came from with its real encoding, or remove the character")
        return ""
    if isinstance(value, decimal.Decimal) and value.is_snan():
        return ("Decimal('sNaN') is not a number: write the value, or leave the cell empty "
                "(None)")
    if isinstance(value, _CONTAINERS):
        return (f"holds a {type(value).__name__} of values, not one value: write one value "
                "per cell (split it into columns, or join it into text)")
    return ""


def frame_cell_problems(frame: pd.DataFrame, label: str) -> list[Problem]:
    r"""Return a problem for each header and cell of a DataFrame that cannot become text.

    A lone surrogate (``'\ud800'``) cannot be written as UTF-8, ``Decimal('sNaN')``
    cannot even be compared, and a list or dict is several values: each is named by row
    and column, where the other cells would fail later with a traceback. Only
    object columns are looked at (other dtypes hold numbers, dates or valid text).

    Parameters
    ----------
    frame : pandas.DataFrame
        The user's frame, as given.
    label : str
        Its name in problems (``"DataFrame"``).

    Returns
    -------
    list of Problem
        Rows as :func:`g60map.io.frame_table` numbers them: the frame's index when it
        holds unique whole numbers, else the position 0, 1, ...; headers with row None.

    Examples
    --------
    >>> import decimal
    >>> df = pd.DataFrame({"name": ["A", "B"], "n": [1, decimal.Decimal("sNaN")]})
    >>> [(p.row, p.column) for p in frame_cell_problems(df, "DataFrame")]
    [(1, 'n')]
    """
    import pyarrow as pa

    problems = []
    for name in frame.columns:
        if isinstance(name, str) and (why := _odd_cell(name)):
            problems.append(Problem(label, None, escape_control(name),
                                    f"column name {why}", "not text"))
    index = frame.index
    rows = (index.to_numpy() if pd.api.types.is_integer_dtype(index.dtype) and index.is_unique
            else np.arange(len(frame)))
    for i, name in enumerate(frame.columns):
        series = frame.iloc[:, i]
        if series.dtype != object:
            continue
        values = series.to_numpy()
        try:  # text only (Arrow checks it is valid UTF-8): one vectorised pass; not
            # from_pandas, which would take Decimal('sNaN') for a missing value
            kind = pa.array(values, from_pandas=False).type
            if pa.types.is_string(kind) or pa.types.is_large_string(kind):
                continue
        except (pa.ArrowException, UnicodeError, TypeError, ValueError, ArithmeticError):
            pass
        if not any(issubclass(k, (str, decimal.Decimal, *_CONTAINERS))
                   for k in set(map(type, values))):
            continue  # numbers, dates, missing values: nothing to look at
        column = escape_control(name)
        for j, value in enumerate(values):
            why = _odd_cell(value)
            if why:
                problems.append(Problem(label, int(rows[j]), column, why, "not text"))
                if len(problems) >= settings.MAX_PROBLEMS_SHOWN * 10:
                    return problems
    return problems


def formula_cells(series: pd.Series) -> pd.Series:
    """Return a boolean mask of cells a spreadsheet would run as a formula.

    Parameters
    ----------
    series : pandas.Series of str

    Returns
    -------
    pandas.Series of bool

    Examples
    --------
    >>> formula_cells(pd.Series(["=1+1", "ok", "@SUM(A1)", "-5"])).tolist()
    [True, False, True, True]
    """
    return series.astype(str).str.startswith(FORMULA_PREFIXES)


def _coordinates(
    df: pd.DataFrame, file: str, problems: list[Problem], datum: str = "wgs84"
) -> pd.DataFrame:
    """Parse ``lon``/``lat``, check them and shift them from their datum to WGS-84."""
    out = pd.DataFrame(index=df.index)
    has_lon, has_lat = "lon" in df, "lat" in df
    if has_lon != has_lat:
        missing = "lat" if has_lon else "lon"
        problems.append(
            Problem(
                file, None, missing, f"column {missing!r} is missing (give both lon and lat)",
                "missing column",
            )
        )
    if not (has_lon and has_lat):
        out["lon"] = np.nan
        out["lat"] = np.nan
        return out
    lon_txt, lat_txt = df["lon"], df["lat"]  # stripped by validate_table
    # inf, Infinity and 1e309 are numbers to the parser but no place: not a number here
    lon = _to_float(lon_txt).where(lambda v: np.isfinite(v))
    lat = _to_float(lat_txt).where(lambda v: np.isfinite(v))
    for name, txt, num in (("lon", lon_txt, lon), ("lat", lat_txt, lat)):
        bad = ((txt != "") & num.isna()).to_numpy()
        for r, cell in zip(df.index[bad].tolist(), txt[bad].to_numpy(), strict=True):
            problems.append(
                Problem(
                    file, r, name, _not_a_number(cell, "decimal degrees, e.g. 121.23"),
                    "not a number",
                )
            )
    one_only = (lon_txt == "") != (lat_txt == "")
    problems += _problems(
        file, df.index[one_only], "lon/lat", "only one of lon and lat is given (give both)",
        "only one of lon and lat",
    )
    both = lon.notna() & lat.notna()
    swapped = both & (lat.abs() > 90) & (lon.abs() <= 90) & (lat.abs() <= 180)
    for r, x, y in _rows(df.index, swapped, lon, lat):
        problems.append(
            Problem(
                file,
                r,
                "lat",
                f"lat {y} is out of range and lon {x} looks like a latitude: "
                "lon and lat are probably swapped (swap the two columns)",
                "lon and lat swapped",
            )
        )
    lat_bad = both & ~swapped & (lat.abs() > 90)
    lon_bad = both & ~swapped & (lon.abs() > 180)
    for r, _, y in _rows(df.index, lat_bad, lon, lat):
        problems.append(
            Problem(
                file, r, "lat", f"lat {y} is outside -90..90 (decimal degrees, e.g. 31.03)",
                "coordinate out of range",
            )
        )
    for r, x, _ in _rows(df.index, lon_bad, lon, lat):
        problems.append(
            Problem(
                file, r, "lon", f"lon {x} is outside -180..180 (decimal degrees, e.g. 121.22)",
                "coordinate out of range",
            )
        )
    ok = both & ~(swapped | lat_bad | lon_bad)
    lon, lat = lon.where(ok), lat.where(ok)
    datums = _datums(df, file, problems, datum)
    for name in ("gcj02", "bd09"):
        sel = (ok & (datums == name)).to_numpy()
        if sel.any():
            x, y = to_wgs84(lon.to_numpy()[sel], lat.to_numpy()[sel], name)
            lon.iloc[np.flatnonzero(sel)] = x
            lat.iloc[np.flatnonzero(sel)] = y
    out["lon"], out["lat"] = lon, lat
    return out


def _datums(df: pd.DataFrame, file: str, problems: list[Problem], default: str) -> pd.Series:
    """Datum of each row's lon/lat: its ``datum`` cell, else ``default``."""
    if "datum" not in df:
        return pd.Series(default, index=df.index)
    text = _nfkc(df["datum"]).str.strip().str.lower().str.replace(r"[\s_]", "", regex=True)
    code = text.map(DATUM_NAMES)
    bad = (text != "") & code.isna()
    for r, cell in _rows(df.index, bad, df["datum"]):
        problems.append(
            Problem(
                file, r, "datum",
                f"unknown datum {cell!r} (write wgs84 for GPS/OpenStreetMap, gcj02 for "
                "AMap/Gaode/Tencent, bd09 for Baidu)",
                "unknown datum",
            )
        )
    return code.where(text != "", default).fillna("")


def _header_key(name: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(name)).strip().lower().split())


def standard_columns(
    columns: Sequence[object], file: str = "<table>"
) -> tuple[dict[str, str], str, list[Problem]]:
    """Map a table's headers onto the standard column names (:data:`HEADER_ALIASES`).

    Parameters
    ----------
    columns : sequence
        The header, as read.
    file : str
        File name for the problems.

    Returns
    -------
    renames : dict of str to str
        Header -> standard name, for the headers that differ from it.
    amount_unit : str
        Unit given in brackets after the amount header (``"万元"``), or ``""``.
    problems : list of Problem
        Two headers naming the same standard column (a header that is the standard name
        itself wins; the other is kept as an extra column).

    Examples
    --------
    >>> standard_columns(["企业名称", "注册地址", "Longitude", "纬度", "备注"])[0]
    {'企业名称': 'name', '注册地址': 'address', 'Longitude': 'lon', '纬度': 'lat'}
    >>> standard_columns(["项目名称", "总投资（亿元）"])[:2]
    ({'项目名称': 'project', '总投资（亿元）': 'amount'}, '亿元')
    """
    renames: dict[str, str] = {}
    exact = {str(c) for c in columns}
    owner: dict[str, str] = {}
    unit = ""
    problems: list[Problem] = []
    for col in map(str, columns):
        key = _header_key(col)
        target = HEADER_ALIASES.get(key)
        if target is not None and target in exact and col != target:
            continue  # the standard header itself is there: this one is an extra column
        col_unit = ""
        if target is None:
            m = re.match(_HEADER_UNIT, key)
            if m and HEADER_ALIASES.get(m.group("base")) == "amount":
                target, col_unit = "amount", m.group("unit")
        if target is None:
            continue
        if target in owner:
            problems.append(
                Problem(
                    file, 1, col,
                    f"column {col!r} and column {owner[target]!r} both give the {target!r} "
                    "column (keep one of them)",
                    "repeated column",
                )
            )
            continue
        owner[target] = col
        unit = col_unit or unit
        if col != target:
            renames[col] = target
    return renames, unit, problems


def validate_table(
    df: pd.DataFrame, kind: str, *, datum: str = "wgs84"
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a partners or investments table and parse its typed columns.

    Parameters
    ----------
    df : pandas.DataFrame
        As returned by :func:`g60map.io.read_table` (all text, spreadsheet row index,
        ``attrs["file"]``).
    kind : {"partners", "investments"}
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of ``lon``/``lat`` (AMap/Tencent coordinates are ``gcj02``, Baidu's
        ``bd09``); a row's ``datum`` cell, when the table has that column, wins. The
        parsed ``lon``/``lat`` are WGS-84.

    Returns
    -------
    parsed : pandas.DataFrame
        A copy with text stripped and ``lon``/``lat`` (float, NaN when absent) and, for
        investments, ``amount`` (float), ``currency`` (``CNY``/``USD``) and ``date``
        (ISO text) parsed. Extra columns are kept as text.
    problems : list of Problem
        Every problem found; empty when the table is clean.
    """
    if kind not in _SCHEMAS:
        raise ValueError(f"kind must be one of {sorted(_SCHEMAS)}, not {kind!r}")
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {', '.join(DATUMS)}, not {datum!r}")
    schema = _SCHEMAS[kind]
    file = df.attrs.get("file", "<table>")
    problems: list[Problem] = []
    dup_cols = df.columns[df.columns.duplicated()].unique().tolist()
    for col in dup_cols:
        problems.append(
            Problem(
                file, 1, col, "column appears more than once (rename or drop one)",
                "repeated column",
            )
        )
    out = df.loc[:, ~df.columns.duplicated()].copy()
    for col in out.columns:
        out[col] = _stripped(out[col])
    renames, amount_unit, alias_problems = standard_columns(out.columns, file)
    problems += alias_problems
    out = out.rename(columns=renames)
    header_unit = _header_unit(amount_unit, file, renames, problems)
    if "currency" not in out and "amount" in out and (
        header_unit[1] or _nfkc(out["amount"]).str.contains(f"(?i){_CURRENCY_WORDS}").any()
    ):
        out["currency"] = ""  # the amount header or the amounts themselves give it

    present = set(out.columns)
    header = ", ".join(map(repr, out.columns[:_HEADER_SHOWN]))
    if len(out.columns) > _HEADER_SHOWN:
        header += f" and {len(out.columns) - _HEADER_SHOWN:,} more"
    for col in schema["required"]:
        if col not in present:
            problems.append(
                Problem(
                    file,
                    1,
                    col,
                    f"required column {col!r} is missing (header has: {header})",
                    "missing column",
                )
            )
    has_coords = {"lon", "lat"} & present
    places = [c for c in _PLACE_COLUMNS if c in present]
    if not places and not has_coords:
        problems.append(
            Problem(
                file, 1, "city",
                "give a 'city' or 'address' column, or 'lon' and 'lat' columns",
                "missing column",
            )
        )

    for col in schema["required"]:
        if col in present and not (col == "currency" and kind == "investments"):
            empty = out[col] == ""
            problems += _problems(
                file, out.index[empty], col, f"{col} is empty (fill it in)", "empty cell"
            )

    # A row needs a place: a city, or lon and lat (a GeoParquet point gives lon/lat;
    # an empty or missing point gives empty cells).
    no_place = pd.Series(True, index=out.index)
    for col in (*places, "lon", "lat"):
        if col in present:
            no_place &= out[col] == ""
    coords = _coordinates(out, file, problems, datum)
    out["lon"], out["lat"] = coords["lon"], coords["lat"]
    if places or has_coords:  # else said once above
        problems += _problems(
            file,
            out.index[no_place.to_numpy()],
            places[-1] if places else "lon/lat",
            "no city and no lon/lat: the row has no location (give a city, or lon and lat)",
            "no location",
        )
    if "city" not in present:
        out["city"] = ""

    _validate_typed_columns(out, file, present, problems, kind, header_unit)

    # Whole-row duplicates also repeat their key cell: check only the rows whose key
    # (``name``, else the first column) repeats, instead of hashing every column.
    if df.shape[1]:
        key = list(df.columns).index("name") if "name" in df.columns else 0
        candidates = df[_repeats(df.iloc[:, key])]
    else:
        candidates = df
    dup = candidates.duplicated(keep="first")
    if dup.any():
        groups = candidates.groupby(list(df.columns), sort=False, dropna=False).ngroup()
        first = (
            pd.Series(candidates.index, index=candidates.index).groupby(groups).transform("first")
        )
        mask = dup.to_numpy()
        for r, f in zip(candidates.index[mask].tolist(), first[mask].to_numpy(), strict=True):
            problems.append(
                Problem(
                    file, r, None, f"duplicate of row {f} (delete one of them)", "duplicate row"
                )
            )
    if renames:  # name the columns as the user wrote them
        original = {v: k for k, v in renames.items()}
        problems = [
            dataclasses.replace(p, column=original[p.column]) if p.column in original else p
            for p in problems
        ]
        out.attrs["renamed"] = original
    return out, problems


def _multiplier(word: object) -> int:
    return settings.AMOUNT_UNITS.get(str(word).lower(), 1) if isinstance(word, str) else 1


def _currency(word: object) -> str:
    return settings.CURRENCIES.get(str(word).upper(), "") if isinstance(word, str) else ""


def _header_unit(
    unit: str, file: str, renames: dict[str, str], problems: list[Problem]
) -> tuple[int, str]:
    """Multiplier and currency of the unit in brackets after the amount header."""
    if not unit:
        return 1, ""
    m = re.fullmatch(_UNIT_WORDS, unit)
    cur1, cur2 = (m.group("cur1"), m.group("cur")) if m else (None, None)
    if not m or not (m.group("mult") or cur1 or cur2) or (cur1 and cur2):
        header = next((k for k, v in renames.items() if v == "amount"), "amount")
        problems.append(
            Problem(
                file, 1, header,
                f"unknown unit {unit!r} in the amount header (use 元, 万元, 亿元, 美元, 万美元, "
                "CNY, USD or USD m, or write the unit in each cell)",
                "unknown unit",
            )
        )
        return 1, ""
    return _multiplier(m.group("mult")), _currency(cur1 or cur2)


def _exact(numbers: pd.Series, factors: pd.Series) -> pd.Series:
    """Return ``number * factor`` computed in decimal, rounded once to the nearest float.

    ``0.07万`` is 700 and ``1.15亿`` 115,000,000 exactly, where float arithmetic gives
    700.0000000000001 and 114999999.99999999.
    """
    out = pd.Series(np.nan, index=numbers.index, dtype=float)
    pairs = pd.DataFrame({"n": numbers, "f": factors})
    for (n, f), rows in pairs.groupby(["n", "f"], sort=False).groups.items():
        try:
            out[rows] = float(decimal.Decimal(n) * int(f))
        except (decimal.InvalidOperation, ValueError, OverflowError):
            pass
    return out


def _amounts(
    text: pd.Series, file: str, problems: list[Problem], header_unit: tuple[int, str] = (1, "")
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse amount cells; return ``(values, bad, currency)``, a problem per bad cell.

    Accepted: plain numbers (``1500``, ``1.5e9``) and thousands separators in proper
    groups (``1,000,000``, ``12,345.5``, ``1_000``), also in full-width characters
    (NFKC). A decimal comma (``1,5``) and any other use of separators are problems.
    A multiplier (:data:`g60map.settings.AMOUNT_UNITS`) multiplies the number exactly
    (``3,000万`` = 30,000,000; ``1.5亿元`` = 150,000,000; ``2.1 bn``); a currency written
    before or after it (``¥``, ``US$``, ``RMB``, ``人民币``, ``元``, ``美元``) is returned
    in ``currency`` (else ``""``) so that it can be checked against the ``currency``
    column. ``header_unit`` (multiplier, currency), from the amount header, applies to
    cells without a unit.

    Examples
    --------
    >>> cells = pd.Series(["3,000万", "1.5亿元", "¥2,000", "12万美元", "7"], index=range(2, 7))
    >>> values, bad, currency = _amounts(cells, "t.csv", [])
    >>> values.tolist(), currency.tolist()
    ([30000000.0, 150000000.0, 2000.0, 120000.0, 7.0], ['', 'CNY', 'CNY', 'USD', ''])
    """
    txt = _nfkc(text).str.strip()
    parts = txt.str.extract(_UNIT_AMOUNT)
    matched = parts["num"].notna()
    has_unit = (matched & (parts["pre"].notna() | parts["unit"].notna() | parts["cur"].notna())
                ).to_numpy()
    # A cell's own multiplier or currency word wins over the header's unit ("3000元" under
    # "金额（万元）" is 3000 yuan); a cell without a currency takes the header's.
    own = parts["unit"].notna() | parts["cur"].notna()
    factor = parts["unit"].map(_multiplier).fillna(1).astype("int64")
    factor = factor.where(own, header_unit[0])
    pre, post = parts["pre"].map(_currency).fillna(""), parts["cur"].map(_currency).fillna("")
    two = (pre != "") & (post != "") & (pre != post)
    currency = post.where(post != "", pre)
    currency = currency.where(currency != "", header_unit[1])
    txt = txt.where(~has_unit, parts["num"].fillna(""))
    has_sep = txt.str.contains("[,_]", regex=True)
    grouped = has_sep & txt.str.fullmatch(_GROUPED)
    # Separators misused in what is otherwise a number; other text is "not a number".
    misgrouped = has_sep & ~grouped & txt.str.fullmatch(r"[-+0-9.,_eE]*[0-9][-+0-9.,_eE]*")
    clean = txt.where(~grouped, txt.str.replace("[,_]", "", regex=True))
    amount = pd.to_numeric(clean.where(~misgrouped, ""), errors="coerce").astype(float)
    scaled = (factor != 1).to_numpy() & np.isfinite(amount.to_numpy())
    if scaled.any():
        amount[scaled] = _exact(clean[scaled], factor[scaled])
    decimal_comma = misgrouped & txt.str.fullmatch(_DECIMAL_COMMA)
    for r, cell, norm in _rows(text.index, decimal_comma, text, txt):
        fixed = norm.replace(".", "").replace(",", ".")
        problems.append(
            Problem(
                file,
                r,
                "amount",
                f"{cell!r} looks like a decimal comma: write {fixed} (a comma may only "
                "separate thousands, as in 1,000,000)",
                "decimal comma",
            )
        )
    for r, cell in _rows(text.index, misgrouped & ~decimal_comma, text):
        problems.append(
            Problem(
                file,
                r,
                "amount",
                f"{cell!r} has misplaced thousands separators: write the amount without "
                "them (1000000) or with a comma between groups of three digits (1,000,000)",
                "misplaced thousands separator",
            )
        )
    for r, cell in _rows(text.index, two, text):
        problems.append(
            Problem(file, r, "amount", f"{cell!r} names two currencies (keep one)",
                    "currency mismatch")
        )
    not_number = (text != "") & ~misgrouped & ~two & ~np.isfinite(amount)
    for r, cell in _rows(text.index, not_number, text):
        problems.append(
            Problem(
                file,
                r,
                "amount",
                _not_a_number(
                    cell, "write the amount as a number, with a unit and currency if you like: "
                    "15000000000, 150亿, 3000万元, 1.2亿美元, US$2.1bn"
                ),
                "not a number",
            )
        )
    return amount, misgrouped | not_number | two, currency


def _dates(text: pd.Series, file: str, problems: list[Problem]) -> tuple[pd.Series, pd.Series]:
    """Parse date cells; return ``(dates, precision)``, a problem per bad cell.

    Accepted (also in full-width digits, NFKC): ``2022-03-15``, ``2022-3-5``, ``2022-03``,
    ``2022/3/15``, ``2022/03``, ``2022.03.15``, ``2022.03``, ``2022年3月15日`` (or ``号``),
    ``2022年3月``, ``2022年``, ``2022``, with a time of day after it (a spreadsheet's
    ``00:00:00``, an Excel date cell) dropped, within :func:`date_range`.

    Returns
    -------
    dates : pandas.Series of datetime64
        The first day of the month or year when only those are given; NaT when empty
        or bad.
    precision : pandas.Series of str
        ``"day"``, ``"month"``, ``"year"``, or ``""`` when there is no date.
    """
    txt = _nfkc(text).str.strip()
    parts = txt.str.extract(_DATE)
    shaped = parts["y"].notna()
    month = parts["m"].fillna("1").str.zfill(2)
    day = parts["d"].fillna("1").str.zfill(2)
    key = (parts["y"] + "-" + month + "-" + day).where(shaped, "")
    precision = pd.Series(
        np.where(parts["d"].notna(), "day", np.where(parts["m"].notna(), "month", "year")),
        index=text.index,
    ).where(shaped, "")
    first, last = date_range()
    in_range = shaped & (key >= first) & (key <= last)
    parsed = pd.to_datetime(key.where(in_range), format="%Y-%m-%d", errors="coerce")
    given = text != ""
    unshaped = given & ~shaped
    outside = given & shaped & ~in_range
    invalid = in_range & parsed.isna()
    for r, cell in _rows(text.index, unshaped, text):
        problems.append(
            Problem(
                file,
                r,
                "date",
                f"{cell!r} is not a date (write 2022-03-15, 2022-03, 2022/3/15, 2022.03, "
                "2022年3月15日 or 2022年3月)",
                "not a date",
            )
        )
    for r, cell in _rows(text.index, outside, text):
        problems.append(
            Problem(
                file,
                r,
                "date",
                f"{cell!r} is outside the accepted dates {first} to {last} (check the year)",
                "date out of range",
            )
        )
    for r, cell in _rows(text.index, invalid, text):
        problems.append(
            Problem(
                file,
                r,
                "date",
                f"{cell!r} is not a calendar date (check the month 01-12 and the day)",
                "not a calendar date",
            )
        )
    ok = ~(unshaped | outside | invalid)
    return parsed.where(ok).astype("datetime64[ns]"), precision.where(ok & shaped, "")


def date_text(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """Write dates back as text with their precision (``2022-03-15``, ``2022-03``, ``2022``).

    Parameters
    ----------
    dates : pandas.Series of datetime64
    precision : pandas.Series of str
        ``"day"``, ``"month"`` or ``"year"`` (anything else: the day).

    Returns
    -------
    pandas.Series of str
        ``""`` where there is no date.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2022-03-01", "2022-03-15", None]))
    >>> date_text(d, pd.Series(["month", "day", ""])).tolist()
    ['2022-03', '2022-03-15', '']
    """
    dates = pd.to_datetime(dates, errors="coerce")
    text = dates.dt.strftime("%Y-%m-%d").fillna("")
    precision = precision.astype(str).to_numpy()
    text = text.where(precision != "month", text.str[:7])
    text = text.where(precision != "year", text.str[:4])
    return text.astype(str)


def _validate_typed_columns(
    out: pd.DataFrame, file: str, present: set[str], problems: list[Problem], kind: str,
    header_unit: tuple[int, str] = (1, ""),
) -> None:
    """Parse ``amount``, ``currency`` and ``date`` (required for investments only)."""
    written = pd.Series("", index=out.index)
    if "amount" in present:
        raw_amount = out["amount"]
        amount, bad, written = _amounts(raw_amount, file, problems, header_unit)
        neg = np.isfinite(amount) & (amount <= 0)
        problems += _problems(
            file, out.index[neg], "amount", "amount must be positive (write the amount invested)",
            "amount not positive",
        )
        # Beyond 1e15 (a quadrillion yuan) an amount is a typo, and converting it can overflow.
        huge = np.isfinite(amount) & (amount > 1e15)
        problems += _problems(
            file, out.index[huge], "amount",
            "amount is over 10^15: check the figure (write it in units, not thousands)",
            "amount too large",
        )
        out["amount"] = amount.where(np.isfinite(amount) & ~neg & ~huge & ~bad)
    if "currency" in present or ("amount" in present and (written != "").any()):
        given = out["currency"] if "currency" in out else pd.Series("", index=out.index)
        cur = _nfkc(given).str.strip().str.upper().map(settings.CURRENCIES).fillna("")
        cur = cur.where((given != "") | (written == ""), written)  # the amount's own currency
        if kind == "investments":
            problems += _problems(
                file, out.index[((given == "") & (cur == "")).to_numpy()], "currency",
                "currency is empty (fill it in, or write it with the amount: 3000万元, "
                "1.2亿美元)", "empty cell",
            )
        bad = (given != "") & (cur == "")
        for r, cell in _rows(out.index, bad, given):
            problems.append(
                Problem(
                    file,
                    r,
                    "currency",
                    f"unknown currency {cell!r} (use CNY or USD)",
                    "unknown currency",
                )
            )
        if "amount" in present:
            clash = (written != "") & (cur != "") & (written != cur) & (given != "")
            for r, cell, unit, text in _rows(out.index, clash, raw_amount, written, given):
                problems.append(
                    Problem(
                        file,
                        r,
                        "amount",
                        f"{cell!r} is in {unit} but 'currency' says {text!r}: make them agree",
                        "currency mismatch",
                    )
                )
        out["currency"] = cur
    if "date" in present:
        out["date"], out["date_precision"] = _dates(out["date"], file, problems)


def quote_formula(value: object) -> object:
    """Return ``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    The one rule for CSV outputs (problem lists, exported tables): text starting with
    one of :data:`FORMULA_PREFIXES` is quoted (OWASP "CSV injection"); anything else,
    numbers included (``-5``), is returned as it is.

    Parameters
    ----------
    value : object

    Returns
    -------
    object

    Examples
    --------
    >>> quote_formula("=1+1"), quote_formula("ok"), quote_formula(-5)
    ("'=1+1", 'ok', -5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: object) -> str:
    return str(quote_formula("" if value is None else escape_control(value)))


def write_problems(
    path: str | os.PathLike[str],
    errors: Sequence[Problem | str],
    notes: Sequence[Problem | str] = (),
) -> Path:
    """Write every problem to a CSV file (the CLI's ``--problems FILE``), atomically.

    Parameters
    ----------
    path : path-like
        Target ``.csv`` file; replaced as a whole (a failed write leaves the previous file).
    errors : sequence of Problem or str
        Problems that stop a table from loading (``level`` "error").
    notes : sequence of Problem or str, optional
        Rows kept but worth knowing about, e.g. outside the corridor (``level`` "note").

    Returns
    -------
    pathlib.Path

    Notes
    -----
    Columns :data:`PROBLEM_COLUMNS`: ``file``, ``row`` (spreadsheet row, empty for the
    whole file), ``column``, ``problem`` (the message), ``kind`` (for filtering and
    counting) and ``level``. UTF-8 with a byte-order mark (spreadsheets then read it as
    UTF-8). Control characters are escaped, and a cell that a spreadsheet would run as a
    formula (starting with ``=``, ``+``, ``-``, ``@``) gets a leading ``'``.
    """
    target = Path(path)
    with atomic_path(target, suffix=".csv") as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(PROBLEM_COLUMNS)
            for level, items in (("error", errors), ("note", notes)):
                for p in items:
                    if isinstance(p, Problem):
                        row = [p.file, "" if p.row is None else p.row, p.column, p.message]
                    else:
                        row = ["", "", "", p]
                    writer.writerow([*map(_csv_cell, row), _csv_cell(problem_kind(p)), level])
    return target
