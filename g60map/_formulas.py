"""The one rule for text a spreadsheet would run as a formula (OWASP "CSV injection").

A private leaf shared by the stages that write or check spreadsheet cells: the problem
lists of :mod:`g60map.ingest.problems` and the tables of :mod:`g60map.export.spreadsheet`
quote such text with :func:`quote_formula`; :func:`formula_cells` finds it in a column.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "quote_formula", "formula_cells"]

#: Leading characters a spreadsheet would treat as (the start of) a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


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

