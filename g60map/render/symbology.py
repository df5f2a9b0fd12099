"""Symbology shared by the interactive and the static map: colours and count classes.

One place for what a colour means, so a PNG in a report and the HTML map agree.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ZERO_COLOR",
    "CLASS_COLORS",
    "GRID_COLORS",
    "STYLE",
    "count_classes",
    "class_label",
    "class_of",
]

# Member fill: "no partners" then up to five classes (ColorBrewer Oranges).
ZERO_COLOR = "#fdf0e1"
CLASS_COLORS = ("#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")
GRID_COLORS = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
STYLE = {
    "member": "#a63603",
    "hub": "#54278f",
    "other": "#8c8c8c",
    "other_fill": "#f6f5f1",
    "province": "#3d3d3d",
    "spoke": "#1f78b4",
    "trunk": "#238b45",
    "partner": "#2166ac",
    "investment": "#7b3294",
    "background": "#dfe8ef",
}


def count_classes(max_count: int) -> list[tuple[int, int]]:
    """Up to five count classes ``(lo, hi)`` covering ``1..max_count``, on a 1-2-5 scale.

    The top edge is the first 1-2-5 number >= ``max_count``; lower edges step down the
    1-2-5 series by the smallest stride (1, 2 or a whole number of decades) that leaves at
    most five classes.

    Examples
    --------
    >>> count_classes(6)
    [(1, 1), (2, 2), (3, 5), (6, 10)]
    >>> count_classes(100_000)[:2]
    [(1, 10), (11, 100)]
    """
    if max_count <= 0:
        return []
    series = [1]
    while series[-1] < max_count:
        e = len(series)
        series.append((1, 2, 5)[e % 3] * 10 ** (e // 3))
    top = len(series) - 1
    stride = next(s for s in (1, 2, *range(3, 3 * top + 4, 3)) if len(range(top, 0, -s)) <= 5)
    picks = list(range(top, -1, -stride))
    edges = sorted(series[i] for i in (picks if len(picks) <= 5 else picks[:-1]))
    classes, lo = [], 1
    for hi in edges:
        classes.append((lo, int(hi)))
        lo = int(hi) + 1
    return classes


def class_label(lo: int, hi: int) -> str:
    """Legend label of a count class, e.g. ``"3–5"`` or ``"1"``."""
    return f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"


def class_of(counts: np.ndarray, classes: list[tuple[int, int]]) -> np.ndarray:
    """Class number per count (-1 for 0)."""
    his = np.array([hi for _, hi in classes] or [0])
    out = np.searchsorted(his, counts, side="left")
    return np.where(counts <= 0, -1, np.minimum(out, max(len(classes) - 1, 0)))
