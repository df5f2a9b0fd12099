"""Registry statuses: rows of companies cancelled (注销) or revoked (吊销) left out on request.

:func:`exclude_by_status` runs on the text table as read, before any check, so a row left
out never blocks the table; :func:`g60map.ingest.tables.load_partners` and the other loaders
take ``exclude_status=`` and pass it here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

from .. import settings
from .._errors import Problem
from .validate import header_key

__all__ = ["status_words", "exclude_by_status"]


#: Characters that end the first word of a status cell (``吊销，未注销``, ``存续（在营）``).
_STATUS_END = r"[，,;；、（()（）\s]"


def status_words(statuses: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return the statuses to leave out, from ``"注销,吊销"`` or ``("注销", "吊销")``.

    Parameters
    ----------
    statuses : str, sequence of str or None
        Comma-separated text (also ``，`` and ``、``) or a sequence of words.

    Returns
    -------
    tuple of str
        NFKC, stripped, without empty words.

    Examples
    --------
    >>> status_words("注销，吊销")
    ('注销', '吊销')
    """
    if not statuses:
        return ()
    if isinstance(statuses, str):
        statuses = re.split(r"[,，、;；]", statuses)
    words = (unicodedata.normalize("NFKC", str(w)).strip() for w in statuses)
    return tuple(dict.fromkeys(w for w in words if w))


def exclude_by_status(
    df: pd.DataFrame, statuses: Sequence[str], file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Leave out the rows whose status is one of ``statuses``; one note per row left out.

    The status column is the first of :data:`g60map.settings.STATUS_HEADERS` (``status``,
    ``登记状态``, ``经营状态``, ...). A row is left out when its status, or the
    first word of it (``吊销，未注销`` -> ``吊销``; ``存续（在营、开业、在册）`` -> ``存续``),
    is one of ``statuses`` (compared case-insensitively, in NFKC). A table without a status
    column keeps every row, with one note saying so.

    Parameters
    ----------
    df : pandas.DataFrame
        The text table as read.
    statuses : sequence of str
        From :func:`status_words`.
    file : str
        File name for the notes.

    Returns
    -------
    kept : pandas.DataFrame
        ``df`` without the rows left out (``df`` itself when none is).
    notes : list of Problem
        Of kind ``"excluded by status"``.
    """
    if not statuses:
        return df, []
    column = next((c for c in map(str, df.columns)
                   if header_key(c) in settings.STATUS_HEADERS), None)
    if column is None:
        return df, [Problem(file, 1, "status", "no status column (登记状态, 经营状态 or status): "
                            f"no row left out by status ({', '.join(statuses)})",
                            "excluded by status")]
    cells = df[column]
    if isinstance(cells, pd.DataFrame):
        cells = cells.iloc[:, 0]
    text = cells.astype(str).str.normalize("NFKC").str.strip().str.casefold()
    first = text.str.split(_STATUS_END, n=1, regex=True).str[0]
    wanted = {w.casefold() for w in statuses}
    out = (text.isin(wanted) | first.isin(wanted)).to_numpy()
    if not out.any():
        return df, []
    notes = [
        Problem(file, int(r), column, f"left out: status {value!r}", "excluded by status")
        for r, value in zip(df.index[out].tolist(), cells[out].astype(str), strict=True)
    ]
    kept = df[~out]
    kept.attrs = dict(df.attrs)
    return kept, notes
