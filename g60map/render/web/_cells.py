"""Table cells as the interactive map's text: display strings, names and popup rows.

Stage 4 (render, web), under :mod:`g60map.render.web.payload`, which puts these strings into
the payload: :func:`cell_text` (one cell as text), :func:`local_name` (the name in the
map's language), :func:`table_rows` (a popup's cells, cut to ``settings.POPUP_CELL_CHARS``
and ``settings.POPUP_TEXT_CHARS``), :func:`clip` and :func:`placed_at_seat`. Which columns a
popup shows and how they are headed: :mod:`g60map.render.web._fields`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ... import settings
from ..text import Lang, dates_as_text

__all__ = ["cell_text", "clip", "local_name", "placed_at_seat", "table_rows"]


def cell_text(value: Any) -> str:
    """Return a table cell as display text ("" for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.generic):
        return cell_text(value.item())
    return str(value).strip()


def local_name(frame: pd.DataFrame, lang: Lang, en: str, zh: str) -> pd.Series:
    """Chinese name where ``lang == "zh"`` and it is not empty, else the English one."""
    base = frame[en].map(cell_text) if en in frame else pd.Series("", index=frame.index)
    if lang != "zh" or zh not in frame:
        return base
    other = frame[zh].map(cell_text)
    return other.where(other != "", base)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…" if limit > 0 else ""


def table_rows(frame: pd.DataFrame, cols: list[str]) -> list[list[str]]:
    """Return the popup cells of every row, cut to the popup budgets.

    Each cell is cut to ``settings.POPUP_CELL_CHARS`` characters and all of a row's cells
    together to ``settings.POPUP_TEXT_CHARS``.

    Examples
    --------
    >>> from g60map import settings
    >>> frame = pd.DataFrame({"a": ["x" * 500], "b": ["short"]})
    >>> [len(c) for c in table_rows(frame, ["a", "b"])[0]] == [settings.POPUP_CELL_CHARS, 5]
    True
    """
    cell_cap, row_cap = int(settings.POPUP_CELL_CHARS), int(settings.POPUP_TEXT_CHARS)
    frame = dates_as_text(frame)
    values = [frame[c].map(cell_text).tolist() for c in cols]
    if not values:
        return [[] for _ in range(len(frame))]
    rows = []
    for row in zip(*values, strict=True):
        left, cells = row_cap, []
        for text in row:
            cell = clip(text, min(cell_cap, max(left, 1)))
            left -= len(cell)
            cells.append(cell)
        rows.append(cells)
    return rows


def placed_at_seat(frame: pd.DataFrame) -> np.ndarray:
    """Rows placed at their city's seat (``location_precision`` "city"), as booleans."""
    if "location_precision" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return (frame["location_precision"].map(cell_text) == "city").to_numpy(dtype=bool)
