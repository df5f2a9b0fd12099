"""Symbology shared by the interactive and the static map: colours and count classes.

One place for what a colour means, so a PNG in a report and the HTML map agree
(:data:`STYLE`, :data:`CLASS_COLORS`, :func:`class_colors`, :func:`fill_colors`); the
classes themselves come from :mod:`g60map.corridor.classify` (:func:`count_classes` is its
:func:`g60map.corridor.classify.count_classes`). :data:`PRINT` adds what only the static map needs
(marker sizes in points, dash patterns, opacities).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..corridor.classify import Classes, count_classes

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
    "class_colors",
    "fill_colors",
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


def class_colors(k: int) -> list[str]:
    """Return the fills of ``k`` classes: spread over :data:`CLASS_COLORS`, light to dark.

    The one colour assignment of every map (interactive and static) and of every document
    that shows one: one class is the darkest, two the lightest and the darkest.

    Parameters
    ----------
    k : int
        Number of classes (at most ``len(CLASS_COLORS)`` distinct colours).

    Returns
    -------
    list of str

    Examples
    --------
    >>> class_colors(2)
    ['#fdd0a2', '#a63603']
    """
    top = len(CLASS_COLORS) - 1
    if k <= 1:
        return [CLASS_COLORS[top]] * k
    return [CLASS_COLORS[round(i * top / (k - 1))] for i in range(k)]


def fill_colors(classes: Classes) -> list[str]:
    """Return the fill of each classed value: :data:`ZERO_COLOR` for no class (-1).

    Parameters
    ----------
    classes : g60map.corridor.classify.Classes

    Returns
    -------
    list of str
        One colour per value, in the order of ``classes.index``.

    Examples
    --------
    >>> from g60map.corridor.classify import classify
    >>> fill_colors(classify([0, 6, 1], "nice"))
    ['#fdf0e1', '#a63603', '#fdd0a2']
    """
    ramp = class_colors(classes.k)
    return [ramp[int(i)] if i >= 0 else ZERO_COLOR for i in classes.index]


def class_label(lo: int, hi: int) -> str:
    """Legend label of a count class, e.g. ``"3–5"`` or ``"1"``."""
    return f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"


def class_of(counts: np.ndarray, classes: list[tuple[int, int]]) -> np.ndarray:
    """Class number per count (-1 for 0)."""
    his = np.array([hi for _, hi in classes] or [0])
    out = np.searchsorted(his, counts, side="left")
    return np.where(counts <= 0, -1, np.minimum(out, max(len(classes) - 1, 0)))
