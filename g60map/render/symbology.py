"""Symbology shared by the interactive and the static map: colours and count classes.

One place for what a colour means, so a PNG in a report and the HTML map agree
(:data:`STYLE`, :data:`CLASS_COLORS`); :data:`PRINT` adds what only the static map needs
(marker sizes in points, dash patterns, opacities).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .text import nice_series

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.typing import LineStyleType

__all__ = [
    "ZERO_COLOR",
    "CLASS_COLORS",
    "GRID_COLORS",
    "STYLE",
    "PRINT",
    "PrintStyle",
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


@dataclass(frozen=True)
class PrintStyle:
    """Sizes and strokes of the static (print) map; colours come from :data:`STYLE`.

    Attributes
    ----------
    hub_label, seat, background : str
        Colours of the hub's label, of city seats, and outside the provinces.
    invest_alpha, member_alpha : float
        Fill opacity of investment circles and of member cities.
    spoke_dash, trunk_dash
        matplotlib line styles; the trunk's is the interactive map's "12 8" at weight 5.
    seat_pt, hub_seat_pt, partner_pt, max_circle_pt : float
        Marker diameters in points (``max_circle_pt``: the largest investment circle).
    """

    hub_label: str = "#3f007d"
    seat: str = "#333333"
    background: str = "#fcfcfb"
    invest_alpha: float = 0.28
    member_alpha: float = 0.72
    spoke_dash: LineStyleType = "solid"
    trunk_dash: LineStyleType = (0, (2.4, 1.6))
    seat_pt: float = 5.0
    hub_seat_pt: float = 7.5
    partner_pt: float = 14.0
    max_circle_pt: float = 42.0


#: The static map's print style.
PRINT = PrintStyle()


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
    series = nice_series(max_count)
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
