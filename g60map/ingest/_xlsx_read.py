"""Read a sheet of an .xlsx workbook as text, row by row as its XML streams.

Part of :mod:`g60map.ingest`, called by :func:`g60map.ingest.read.read_table` after
:mod:`g60map.ingest._xlsx` has checked what the file is and bounded its XML: the sheet
(the first visible one by default) is read as last saved, and a formula cell without a
saved value is a problem naming the cell.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .. import settings
from .._errors import G60InputError, G60Warning, Problem
from ._checks import too_wide
from ._xlsx import check_cell_text, check_workbook, sniff_workbook

__all__ = ["read_xlsx"]


def read_xlsx(path: Path, label: str, sheet: str | None = None) -> pd.DataFrame:
    """Read a sheet of a workbook (the first by default), row by row as the XML streams.

    Cells are read as the workbook was last saved: a formula cell gives its saved value
    (a formula without one is an error naming the cell). The sheet's ``<dimension ref>``
    is ignored: it is only a claim of the writing program (a tiny file may claim 16,384
    columns by a million rows), and openpyxl would pad every row to it. Each row is as
    long as its last cell; empty cells at the end of a row and empty rows at the end of
    the sheet are dropped.

    Parameters
    ----------
    path : pathlib.Path
        A checked regular file.
    label : str
        File name for problems.
    sheet : str, optional
        Name of the sheet (default: the first visible one; with several sheets a
        :class:`G60Warning` says which was read).

    Returns
    -------
    pandas.DataFrame
        All cells ``str``; columns named by row 1.

    Raises
    ------
    G60InputError
        Not a workbook, over a limit, no such sheet, an empty sheet or header, cells past
        the header, formulas without a saved value.
    """
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise G60InputError(
            [Problem(label, None, None, "reading .xlsx needs openpyxl: pip install openpyxl")]
        ) from exc
    sniff_workbook(path, label, xlsx=True)
    check_workbook(path, label)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise G60InputError(
            [Problem(label, None, None, f"not a readable .xlsx workbook ({_brief(exc)})")]
        ) from None
    header: list[str] | None = None
    body: list[list[str]] = []
    problems: list[Problem] = []
    note = None
    try:
        with contextlib.ExitStack() as stack:
            if not wb.worksheets:
                raise G60InputError(
                    [Problem(label, None, None, "workbook has no sheet (add a sheet with a table)")]
                )
            ws = _pick_sheet(wb, sheet, label)
            note = _sheet_note(wb, ws, label) if sheet is None else None
            ws.reset_dimensions()
            formula_rows = _formula_rows(path, ws, stack) if _has_formulas(ws) else None
            # Blank rows not yet kept (dropped at the end): a row of blank cells, or a
            # count of rows without cells (a sheet may hold a million empty rows).
            blank: list[list[str] | int] = []
            values = ws.iter_rows(min_row=1, min_col=1, values_only=True)
            stack.callback(values.close)
            for row_number, row in enumerate(values, start=1):
                if formula_rows is not None:
                    problems += _unsaved_formulas(
                        next(formula_rows, ()), row, ws.title, row_number, header, label
                    )
                cells = _xlsx_cells(row)
                check_cell_text(cells, ws.title, row_number, label)
                if header is None:
                    if len(cells) > settings.MAX_COLUMNS:
                        raise too_wide(label, len(cells))
                    header = cells
                    continue
                width = len(header)
                if len(cells) > width:
                    j = next((i for i in range(width, len(cells)) if cells[i].strip()), None)
                    if j is not None:
                        where = f"{get_column_letter(j + 1)}{row_number}"
                        problems.append(
                            Problem(
                                label,
                                row_number,
                                None,
                                f"cell {where} holds {_shorten(cells[j])!r} but its column has "
                                "no header: add a header in row 1, or delete the cell",
                            )
                        )
                        continue
                    cells = cells[:width]  # only blanks past the header: nothing is lost
                if not any(c.strip() for c in cells):
                    if cells:
                        blank.append(cells)
                    elif blank and isinstance(blank[-1], int):
                        blank[-1] += 1
                    else:
                        blank.append(1)
                    continue
                for b in blank:
                    if isinstance(b, int):
                        body.extend([[""] * width] * b)  # one shared list, never changed
                    else:
                        body.append(b + [""] * (width - len(b)))
                blank.clear()
                body.append(cells + [""] * (width - len(cells)))
    except G60InputError:
        raise
    except Exception as exc:  # broken sheet XML, bad shared strings, ...
        raise G60InputError(
            [Problem(label, None, None, f"not a readable .xlsx workbook ({_brief(exc)})")]
        ) from None
    finally:
        wb.close()
    if header is None or (not header and not body and not problems):
        raise G60InputError(
            [Problem(label, None, None, "workbook is empty (add a header row and data rows)")]
        )
    if not header:
        raise G60InputError(
            [Problem(label, 1, None, "the header row is empty: put the column names in row 1")]
        )
    if problems:
        raise G60InputError(problems)
    if note:
        warnings.warn(G60Warning(note, title="sheet read"), stacklevel=4)
    return pd.DataFrame(body, columns=header, dtype=str)


def _sheet_note(wb, ws, label: str) -> str | None:  # noqa: ANN001 - openpyxl types
    """Say which sheet was read of a workbook with several (hidden ones named as hidden).

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook (read-only).
    ws : openpyxl.worksheet._read_only.ReadOnlyWorksheet
        The sheet read.
    label : str
        File name.

    Returns
    -------
    str or None
        The note, or ``None`` for a workbook of one sheet.
    """
    names = [w.title for w in wb.worksheets]
    if len(names) < 2:
        return None
    states = [getattr(w, "sheet_state", "visible") or "visible" for w in wb.worksheets]
    listed = ", ".join(
        repr(n) + ("" if s == "visible" else " (hidden)")
        for n, s in zip(names, states, strict=True)
    )
    first = "the first visible sheet" if ws.sheet_state == "visible" else "a hidden sheet"
    return (f"{label}: read sheet {ws.title!r}, {first} of the workbook's {len(names)} "
            f"({listed}); choose another with --sheet (sheet= in Python)")


def _pick_sheet(wb, sheet: str | None, label: str):  # noqa: ANN001, ANN202 - openpyxl types
    """Return the sheet named ``sheet`` (default: the first visible one), or raise."""
    names = [ws.title for ws in wb.worksheets]
    if sheet is None:
        states = [getattr(ws, "sheet_state", "visible") or "visible" for ws in wb.worksheets]
        visible = [i for i, state in enumerate(states) if state == "visible"]
        pick = visible[0] if visible else 0
        return wb.worksheets[pick]
    if sheet in names:
        return wb.worksheets[names.index(sheet)]
    raise G60InputError(
        [
            Problem(
                label, None, None,
                f"workbook has no sheet {sheet!r} (its sheets: {', '.join(map(repr, names))})",
            )
        ]
    )


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(ws) -> bool:  # noqa: ANN001 - openpyxl ReadOnlyWorksheet
    """Return whether the sheet's XML has a formula element (a fast byte scan)."""
    try:
        source = ws._get_source()  # the sheet's XML in the zip archive
    except AttributeError:  # pragma: no cover - another openpyxl: check cell by cell
        return True
    tail = b""
    with source:
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_rows(path: Path, ws, stack: contextlib.ExitStack) -> Iterator[tuple]:  # noqa: ANN001
    """Rows of cells of the same sheet read with formulas (to find those never saved)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    stack.callback(wb.close)
    other = wb.worksheets[[w.title for w in wb.worksheets].index(ws.title)]
    other.reset_dimensions()
    rows = other.iter_rows(min_row=1, min_col=1)
    stack.callback(rows.close)  # before the workbook: an unfinished row stream holds the file
    return rows


def _unsaved_formulas(
    cells: tuple, values: tuple, title: str, row: int, header: list[str] | None, label: str
) -> list[Problem]:
    """One problem per formula cell of a row that has no saved value."""
    problems = []
    for cell in cells:
        if getattr(cell, "data_type", None) != "f":
            continue
        j = cell.column - 1
        if j < len(values) and values[j] is not None:
            continue
        column = header[j] if header and j < len(header) else None
        problems.append(
            Problem(
                label,
                row,
                column,
                f"cell {title}!{cell.coordinate} holds the formula {_shorten(str(cell.value))!r} "
                "but no saved value (open the workbook in Excel or LibreOffice and save it, "
                "or paste the values instead of the formula)",
                "formula without a saved value",
            )
        )
    return problems


def _xlsx_cells(row: tuple[object, ...]) -> list[str]:
    """Return a sheet row as text, without the empty cells at its end."""
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return ["" if v is None else str(v) for v in row[:end]]


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _brief(exc: BaseException) -> str:
    """Return ``Type: message`` of an exception, on one line and at most 200 characters."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return _shorten(" ".join(text.split()), 200)
