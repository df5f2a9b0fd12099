"""What a loader says besides errors: notes for the record, and the rows it skipped.

Each note is a :class:`~g60map.Problem` of its own kind (``column read as``, ``excluded by
status``, ``place assumed``, ``row skipped``); a loader gives each kind as one
:class:`G60Note` (how the input was read) or :class:`~g60map.G60Warning` (rows left out),
which lists the first few and counts the rest. ``check_table`` returns them with the
errors; ``g60map validate`` prints them in this order.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence

import pandas as pd

from .. import settings
from .._errors import G60Warning, Problem, format_problems


class G60Note(G60Warning):
    """How the input was read, for the record: e.g. columns read under a standard name."""


#: Kinds of problems about the whole table (its header), which skipping rows cannot mend.
TABLE_KINDS = frozenset({"missing column", "repeated column", "unknown unit"})
_SKIPPED_KIND = "row skipped"


def row_problems(problems: Sequence[Problem], index: pd.Index) -> list[Problem]:
    """Return the problems of single data rows (not of the header or the whole table)."""
    rows = set(index.tolist())
    return [p for p in problems if p.row is not None and p.kind not in TABLE_KINDS
            and p.row in rows]


def skipped_problem(problem: Problem) -> Problem:
    """Return ``problem`` as the note of a row left out (``row skipped: ...``).

    Parameters
    ----------
    problem : Problem
        What was wrong with the row.

    Returns
    -------
    Problem
        Same file, row and column; the message says the row was skipped and why.
    """
    return dataclasses.replace(problem, message=f"row skipped: {problem.message}",
                               kind=_SKIPPED_KIND)


def column_notes(gdf: pd.DataFrame) -> list[Problem]:
    """One note per column read under a standard name (``column 企业名称 read as name``)."""
    file = gdf.attrs.get("file", "<table>")
    amount = next((h for h, n in gdf.attrs.get("columns_read_as", {}).items() if n == "amount"),
                  "amount" if "amount" in gdf else "")
    read = f" (the amount is read from {amount})" if amount else ""
    return [
        Problem(file, 1, header, f"column {header} read as {name}", "column read as")
        for header, name in gdf.attrs.get("columns_read_as", {}).items()
    ] + [
        Problem(file, 1, header, f"column {header} looks like money but is not read as the "
                f"amount{read}: kept as text (to read it as the amount instead, rename it "
                "'amount')",
                "column read as")
        for header in gdf.attrs.get("unread_money", [])
    ]


def note_columns(notes: list[Problem]) -> None:
    """Say (:class:`G60Note`) which columns were read under a standard name."""
    title = f"{len(notes):,} column(s) read under a standard name"
    text = format_problems(notes, limit=settings.MAX_NOTES_SHOWN, title=title)
    warnings.warn(G60Note(text, notes, title), stacklevel=4)


def note_excluded(notes: list[Problem]) -> None:
    """Say (:class:`G60Note`) how many rows were left out by status, and which."""
    left = sum(n.message.startswith("left out") for n in notes)
    title = f"{left:,} row(s) left out by status" if left else "no row left out by status"
    text = format_problems(notes, limit=settings.MAX_NOTES_SHOWN, title=title)
    warnings.warn(G60Note(text, notes, title), stacklevel=4)


def note_places(notes: list[Problem]) -> None:
    """Say (:class:`G60Note`) which rows were placed by reading a name as today's unit.

    An old unit read as its successor, a county under another prefecture, a district's
    short name after its city.
    """
    title = f"{len(notes):,} row(s) placed by reading a name as today's unit"
    text = format_problems(notes, limit=settings.MAX_NOTES_SHOWN, title=title)
    warnings.warn(G60Note(text, notes, title), stacklevel=4)


def warn_skipped(skipped: Sequence[Problem]) -> None:
    """Warn (:class:`G60Warning`) about the bad rows left out (``on_bad_rows="skip"``).

    The message lists the first :data:`g60map.settings.MAX_NOTES_SHOWN` problems, then
    counts; the warning's ``problems`` attribute has every one.
    """
    rows = len({p.row for p in skipped})
    title = f"{rows:,} bad row(s) skipped ({len(skipped):,} problem(s))"
    text = format_problems(skipped, limit=settings.MAX_NOTES_SHOWN, title=title,
                           hint="every problem is in the warning's .problems list")
    warnings.warn(G60Warning(text, skipped, title), stacklevel=4)
