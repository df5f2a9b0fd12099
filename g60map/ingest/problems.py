"""The problem list as a CSV file (the command line's ``--problems FILE``).

Last step of checking a table: the problems :func:`g60map.ingest.validate.validate_table`
and the join collect are written here, one row each, formula-safe
(:func:`g60map._formulas.quote_formula`) and atomically.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

from .._atomic import atomic_path
from .._errors import Problem, escape_control, problem_kind
from .._formulas import quote_formula

__all__ = ["PROBLEM_COLUMNS", "write_problems"]

#: Columns of the CSV written by :func:`write_problems` (``--problems FILE``).
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "problem", "kind", "level")


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
