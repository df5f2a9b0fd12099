"""Cell-level helpers shared by the checks of a table's columns.

Used by :mod:`g60map.ingest.validate` and the column checks it runs
(:mod:`g60map.ingest.amounts`, :mod:`g60map.ingest.dates`,
:mod:`g60map.ingest.coordinates`): text normalisation (NFKC, stripping), fast numeric
parsing over Arrow, problems per row, and :func:`frame_cell_problems`, which finds the
cells of a user's DataFrame that cannot become text before
:func:`g60map.ingest.read.frame_table` reads it.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import settings
from .._errors import Problem, escape_control

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pyarrow as pa

__all__ = [
    "problems_at",
    "nfkc",
    "rows_where",
    "to_float",
    "arrow_text",
    "strip_text",
    "repeats",
    "not_a_number",
    "frame_cell_problems",
]


def problems_at(
    file: str, rows: Iterable[int], column: str, message: str, kind: str = ""
) -> list[Problem]:
    """Return one problem per row of ``rows``, all in ``column`` with the same message.

    Parameters
    ----------
    file : str
        File name for the problems.
    rows : iterable of int
        Spreadsheet rows.
    column : str
    message : str
    kind : str, optional
        Kind of problem, for filtering and counting.

    Returns
    -------
    list of Problem
    """
    return [Problem(file, int(r), column, message, kind) for r in rows]


def nfkc(text: pd.Series) -> pd.Series:
    """Return ``text`` in Unicode NFKC form (full-width digits and commas become ASCII).

    Parameters
    ----------
    text : pandas.Series of str

    Returns
    -------
    pandas.Series of str
        ``text`` itself when it is all ASCII.
    """
    if text.str.isascii().all():
        return text
    return text.str.normalize("NFKC")


def rows_where(index: pd.Index, mask: pd.Series, *columns: pd.Series) -> Iterable[tuple]:
    """Yield ``(row, value, ...)`` where ``mask`` is true, without per-row pandas lookups.

    Parameters
    ----------
    index : pandas.Index
        Spreadsheet rows.
    mask : pandas.Series of bool
    *columns : pandas.Series
        Columns whose values are yielded after the row.

    Returns
    -------
    iterable of tuple
    """
    keep = mask.to_numpy(dtype=bool)
    if not keep.any():
        return iter(())
    return zip(index[keep].tolist(), *(c[keep].to_numpy() for c in columns), strict=True)


def to_float(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` for stripped text, fast on large columns.

    Arrow's string -> float64 cast (vectorised, ~10x faster) is used when it accepts
    every non-empty cell and pandas would return float64 too (some cell is empty or has
    a ``.``, exponent, ``inf`` or ``nan``); when some cells are not plain numbers
    (``东经121度``), Arrow reads the others and pandas those few; otherwise pandas parses
    the column. Both read the same numbers; Arrow rounds correctly where pandas' parser
    can be one unit in the last place off (more than 15 significant digits, large
    exponents).

    Parameters
    ----------
    text : pandas.Series of str

    Returns
    -------
    pandas.Series
        float64 (int64 when pandas reads every cell as a whole number); NaN where a cell
        is empty or not a number.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return pd.to_numeric(text, errors="coerce")
    try:
        arr = arrow_text(text)
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


def arrow_text(text: pd.Series) -> pa.Array | pa.ChunkedArray:
    """Return the Arrow array of a text column (its own buffers when Arrow-backed).

    Parameters
    ----------
    text : pandas.Series of str

    Returns
    -------
    pyarrow.Array or pyarrow.ChunkedArray
    """
    import pyarrow as pa

    if isinstance(text.array, pd.arrays.ArrowStringArray):
        return text.array.__arrow_array__()  # its chunks: no copy, no cast
    return pa.array(text, type=pa.string())


def strip_text(text: pd.Series) -> pd.Series:
    """``text.astype(str).str.strip()``, but the column itself when no cell changes.

    Most columns have nothing to strip; keeping them saves a copy of the table.

    Parameters
    ----------
    text : pandas.Series

    Returns
    -------
    pandas.Series of str
    """
    text = text.astype(str)
    stripped = text.str.strip()
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        import pyarrow.compute as pc

        before = pc.sum(pc.binary_length(arrow_text(text))).as_py()
        if before is not None and before == pc.sum(pc.binary_length(arrow_text(stripped))).as_py():
            return text  # stripping only removes bytes: the same byte count is the same text
    return stripped


def repeats(values: pd.Series) -> np.ndarray:
    """``values.duplicated(keep=False)``; a table of distinct keys is found faster.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    numpy.ndarray of bool
    """
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        import pyarrow.compute as pc

        if len(pc.unique(arrow_text(values))) == len(values):
            return np.zeros(len(values), dtype=bool)
    return values.duplicated(keep=False).to_numpy()


def not_a_number(cell: str, hint: str) -> str:
    """Return the message for a cell that is not a number, with how to write one.

    Parameters
    ----------
    cell : str
        The cell as written.
    hint : str
        How to write the number; replaced by advice on formulas when the cell is one.

    Returns
    -------
    str

    Examples
    --------
    >>> not_a_number("=A1", "decimal degrees")
    "'=A1' is not a number (it is a spreadsheet formula: paste its value instead)"
    """
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
        Rows as :func:`g60map.ingest.read.frame_table` numbers them: the frame's index when it
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
