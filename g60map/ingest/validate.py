"""Validate partner and investment tables read by :func:`g60map.ingest.read.read_table`.

Every check is vectorised over columns; all problems of a file are collected and
reported together, each as ``file:row:column: problem (how to fix)``.
:func:`validate_table` checks the header (:func:`standard_columns`), required columns and
empty cells, places and duplicate rows, and runs the column checks of
:mod:`g60map.ingest.coordinates`, :mod:`g60map.ingest.amounts` and
:mod:`g60map.ingest.dates`; :mod:`g60map.ingest.problems` writes the problems as CSV.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

from .. import settings
from .._errors import Problem
from ..reference.datum import DATUMS
from ._cells import problems_at, repeats, strip_text
from .amounts import amount_header_unit, names_currency, parse_amount_columns
from .coordinates import parse_coordinates
from .dates import parse_dates

__all__ = [
    "PARTNER_SCHEMA",
    "INVESTMENT_SCHEMA",
    "HEADER_ALIASES",
    "standard_columns",
    "validate_table",
    "empty_markers",
    "unread_money_headers",
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

#: Header spellings read as the standard column names (:data:`g60map.settings.HEADER_ALIASES`).
HEADER_ALIASES: dict[str, str] = settings.HEADER_ALIASES

#: A header with a unit in brackets: ``投资金额（万元）``, ``amount (USD)``.
_HEADER_UNIT = r"^(?P<base>.+?)\s*[(（\[]\s*(?P<unit>[^()（）\[\]]+?)\s*[)）\]]$"

_SCHEMAS = {"partners": PARTNER_SCHEMA, "investments": INVESTMENT_SCHEMA}

#: Columns that name a row's place, from the largest unit to the most precise.
_PLACE_COLUMNS = ("province", "city", "district", "address")

_HEADER_SHOWN = 20  # columns named in a "required column is missing" message


def header_key(name: object) -> str:
    """Return a header as :data:`HEADER_ALIASES` spells it: NFKC, lower case, spaces collapsed.

    Parameters
    ----------
    name : object

    Returns
    -------
    str

    Examples
    --------
    >>> header_key(" Company  Name ")
    'company name'
    """
    return " ".join(unicodedata.normalize("NFKC", str(name)).strip().lower().split())


_header_key = header_key


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
    given = {HEADER_ALIASES.get(_header_key(c), str(c)) for c in columns}
    for col in map(str, columns):
        key = _header_key(col)
        target = HEADER_ALIASES.get(key)
        if target is None and settings.HEADER_FALLBACKS.get(key) not in given | {None}:
            target = settings.HEADER_FALLBACKS[key]  # 实缴资本 when there is no 注册资本
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
        As returned by :func:`g60map.ingest.read.read_table` (all text, spreadsheet row index,
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
        out[col] = empty_markers(strip_text(out[col]))
    renames, amount_unit, alias_problems = standard_columns(out.columns, file)
    unread = unread_money_headers(out.columns, renames)
    problems += alias_problems
    out = out.rename(columns=renames)
    header_unit = amount_header_unit(amount_unit, file, renames, problems)
    if "currency" not in out and "amount" in out and (
        header_unit[1] or names_currency(out["amount"])
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
            problems += problems_at(
                file, out.index[empty], col, f"{col} is empty (fill it in)", "empty cell"
            )

    # A row needs a place: a city, or lon and lat (a GeoParquet point gives lon/lat;
    # an empty or missing point gives empty cells).
    no_place = pd.Series(True, index=out.index)
    for col in (*places, "lon", "lat"):
        if col in present:
            no_place &= out[col] == ""
    coords = parse_coordinates(out, file, problems, datum)
    out["lon"], out["lat"] = coords["lon"], coords["lat"]
    if places or has_coords:  # else said once above
        problems += problems_at(
            file,
            out.index[no_place.to_numpy()],
            places[-1] if places else "lon/lat",
            "no city and no lon/lat: the row has no location (give a city, or lon and lat)",
            "no location",
        )
    if "city" not in present:
        out["city"] = ""

    parse_amount_columns(out, file, present, problems, kind, header_unit)
    if "date" in present:
        out["date"], out["date_precision"] = parse_dates(out["date"], file, problems)

    # Whole-row duplicates also repeat their key cell: check only the rows whose key
    # (``name``, else the first column) repeats, instead of hashing every column.
    if df.shape[1]:
        key = list(df.columns).index("name") if "name" in df.columns else 0
        candidates = df[repeats(df.iloc[:, key])]
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
    if unread:
        out.attrs["unread_money"] = unread
    return out, problems


#: Headers that look like money (capital, amount, investment, a unit of yuan).
_MONEY_HEADER = re.compile(
    r"资本|资金|金额|投资额|总投资|营业额|营收|收入|万元|亿元|美元|币种|capital|amount|revenue"
)


#: ASCII -> full-width forms (U+FF01..U+FF5E), which NFKC reads as ASCII.
_FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


def empty_markers(text: pd.Series) -> pd.Series:
    """Return ``text`` with whole cells of :data:`g60map.settings.EMPTY_MARKERS` made empty.

    Registry exports write an empty cell as ``-``, ``--``, ``—``, ``/``, ``暂无`` or ``无``.

    Parameters
    ----------
    text : pandas.Series of str
        Stripped cells.

    Returns
    -------
    pandas.Series of str
        ``text`` itself when no cell is a marker.

    Examples
    --------
    >>> empty_markers(pd.Series(["-", "3000万", "暂无", "－"])).tolist()
    ['', '3000万', '', '']
    """
    markers = set(settings.EMPTY_MARKERS)
    markers |= {m.translate(_FULL_WIDTH) for m in markers}  # "－", "／": as NFKC reads them
    short = (text.str.len() <= max(map(len, markers))).to_numpy(dtype=bool)
    if not short.any():
        return text
    marker = short.copy()
    marker[short] = text[short].isin(markers).to_numpy(dtype=bool)
    return text.mask(marker, "") if marker.any() else text


def unread_money_headers(columns: Sequence[object], renames: dict[str, str]) -> list[str]:
    """Headers that look like money but are read as no standard column (kept as text).

    Parameters
    ----------
    columns : sequence
        The header, as read.
    renames : dict of str to str
        Header -> standard name (:func:`standard_columns`).

    Returns
    -------
    list of str

    Examples
    --------
    >>> unread_money_headers(["注册资本", "实缴资本", "企业名称"], {"注册资本": "amount"})
    ['实缴资本']
    """
    standard = set(INVESTMENT_SCHEMA["required"]) | {"amount", "currency"}
    return [
        str(c) for c in columns
        if str(c) not in renames and str(c) not in standard
        and _MONEY_HEADER.search(_header_key(c))
    ]

