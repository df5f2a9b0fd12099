"""Dates of a table's rows: parsed with their precision (day, month or year), and written back.

One of the column checks :func:`g60map.ingest.validate.validate_table` runs; dates must
fall within :func:`date_range`. :func:`date_text` gives the parsed dates back as text for
the loaded tables (:mod:`g60map.ingest.tables`).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from .. import settings
from .._errors import Problem
from ._cells import nfkc, rows_where

__all__ = ["date_range", "parse_dates", "date_text"]

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


def parse_dates(
    text: pd.Series, file: str, problems: list[Problem]
) -> tuple[pd.Series, pd.Series]:
    """Parse date cells; return ``(dates, precision)``, a problem per bad cell.

    Accepted (also in full-width digits, NFKC): ``2022-03-15``, ``2022-3-5``, ``2022-03``,
    ``2022/3/15``, ``2022/03``, ``2022.03.15``, ``2022.03``, ``2022年3月15日`` (or ``号``),
    ``2022年3月``, ``2022年``, ``2022``, with a time of day after it (a spreadsheet's
    ``00:00:00``, an Excel date cell) dropped, within :func:`date_range`.

    Parameters
    ----------
    text : pandas.Series of str
        The ``date`` cells, stripped, with the spreadsheet row index.
    file : str
        File name for the problems.
    problems : list of Problem
        A problem per bad cell is appended to it.

    Returns
    -------
    dates : pandas.Series of datetime64
        The first day of the month or year when only those are given; NaT when empty
        or bad.
    precision : pandas.Series of str
        ``"day"``, ``"month"``, ``"year"``, or ``""`` when there is no date.

    Examples
    --------
    >>> dates, precision = parse_dates(pd.Series(["2022年3月", "２０２２-03-15"]), "t.csv", [])
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), precision.tolist()
    (['2022-03-01', '2022-03-15'], ['month', 'day'])
    """
    txt = nfkc(text).str.strip()
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
    for r, cell in rows_where(text.index, unshaped, text):
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
    for r, cell in rows_where(text.index, outside, text):
        problems.append(
            Problem(
                file,
                r,
                "date",
                f"{cell!r} is outside the accepted dates {first} to {last} (check the year)",
                "date out of range",
            )
        )
    for r, cell in rows_where(text.index, invalid, text):
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

