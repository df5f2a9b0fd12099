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

from .._errors import G60InputError
from ..corridor.classify import K_RANGE, Classes, count_classes

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
    "CMAP",
    "RAMPS",
    "check_cmap",
    "class_colors",
    "class_ramps",
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


#: The default colour map of the member cities' classes (``cmap``).
CMAP = "Oranges"

#: ColorBrewer sequential ramps (9 classes, light to dark; www.colorbrewer2.org, Apache
#: 2.0), by the names matplotlib gives them; other matplotlib colour maps are sampled.
RAMPS: dict[str, tuple[str, ...]] = {
    "Oranges": ("#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801",
                "#a63603", "#7f2704"),
    "Blues": ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
              "#08519c", "#08306b"),
    "Greens": ("#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45",
               "#006d2c", "#00441b"),
    "Purples": ("#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3",
                "#54278f", "#3f007d"),
    "Reds": ("#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d",
             "#a50f15", "#67000d"),
    "YlOrRd": ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
               "#bd0026", "#800026"),
    "YlGnBu": ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
               "#253494", "#081d58"),
}


def check_cmap(cmap: object) -> str:
    """Return ``cmap`` if it names a ramp of :data:`RAMPS` or a matplotlib colour map.

    Parameters
    ----------
    cmap : str or None
        None: :data:`CMAP`.

    Returns
    -------
    str

    Raises
    ------
    G60InputError
        Any other name; the message lists the ColorBrewer names.

    Examples
    --------
    >>> check_cmap(None), check_cmap("Blues")
    ('Oranges', 'Blues')
    """
    if cmap is None:
        return CMAP
    if isinstance(cmap, str) and cmap in RAMPS:
        return cmap
    if isinstance(cmap, str) and cmap.isascii() and cmap.replace("_", "").isalnum():
        import matplotlib

        if cmap in matplotlib.colormaps:
            return cmap
    raise G60InputError([
        f"unknown colour map {str(cmap)[:40]!r}: use one of {', '.join(RAMPS)} or another "
        "matplotlib colour map name, such as viridis (cmap=... in Python, --cmap on the "
        "command line)"])


def class_colors(k: int, cmap: str | None = None) -> list[str]:
    """Return the fills of ``k`` classes, light to dark, from the colour map ``cmap``.

    The one colour assignment of every map (interactive and static) and of every document
    that shows one: one class is the darkest, two the lightest and the darkest. The
    default map's first five spread over :data:`CLASS_COLORS`; more classes, and other
    ColorBrewer maps, spread over their 9-class ramp without its near-white first colour
    (but for nine classes); other matplotlib maps are sampled from 15 % to the darkest end.

    Parameters
    ----------
    k : int
        Number of classes (up to 9 distinct colours).
    cmap : str, optional
        :func:`check_cmap`; None: :data:`CMAP`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> class_colors(2)
    ['#fdd0a2', '#a63603']
    >>> class_colors(3, "Blues")
    ['#deebf7', '#4292c6', '#08306b']
    """
    cmap = check_cmap(cmap)
    if cmap == CMAP and k <= len(CLASS_COLORS):
        ramp: tuple[str, ...] = CLASS_COLORS
    elif cmap in RAMPS:
        ramp = RAMPS[cmap][1:] if k < len(RAMPS[cmap]) else RAMPS[cmap]
    else:
        import matplotlib
        from matplotlib.colors import to_hex

        sample = matplotlib.colormaps[cmap]
        return [to_hex(sample(0.15 + 0.85 * (i / (k - 1) if k > 1 else 1.0)), keep_alpha=False)
                for i in range(k)]
    top = len(ramp) - 1
    if k <= 1:
        return [ramp[top]] * k
    return [ramp[round(i * top / (k - 1))] for i in range(k)]


def class_ramps(cmap: str | None = None) -> dict[str, list[str]]:
    """Return :func:`class_colors` of every ``k`` in :data:`g60map.corridor.classify.K_RANGE`.

    What the interactive map's page script picks from when the reader changes ``k``.

    Parameters
    ----------
    cmap : str, optional

    Returns
    -------
    dict
        ``{"1": [...], ..., "9": [...]}`` (fewer distinct values than ``k``: fewer classes).
    """
    return {str(k): class_colors(k, cmap) for k in range(1, K_RANGE[1] + 1)}


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
