"""What the static map keeps clear: its legends off the data, its labels off everything.

Stage 4 (render, static), used by :func:`g60map.render.static.figure.draw_static` once the
map is drawn: :func:`data_discs` (the seats and investment circles in display pixels),
:func:`clear_legends` (moves the class and size legends off them) and
:func:`map_obstacles` (what the badges and labels of
:mod:`g60map.render.static.placement` must leave visible).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.offsetbox import AnchoredOffsetbox

from .placement import Obstacles, canvas_renderer

__all__ = ["clear_legends", "data_discs", "map_obstacles"]


def data_discs(
    ax: Axes, cities: gpd.GeoDataFrame, seat_pt: np.ndarray, inv: gpd.GeoDataFrame,
    sizes: np.ndarray,
) -> np.ndarray:
    """Return the seats and investment circles as discs ``(x, y, r)`` in display pixels."""
    px = ax.figure.dpi / 72.0
    xy = np.column_stack([np.r_[cities.geometry.x, inv.geometry.x],
                          np.r_[cities.geometry.y, inv.geometry.y]])
    r = np.r_[seat_pt / 2 + 0.8, np.sqrt(sizes) / 2 + 0.5] * px
    return np.column_stack([ax.transData.transform(xy), r]) if len(xy) else np.empty((0, 3))


def _covers(box: Any, discs: np.ndarray, others: Sequence[Any]) -> bool:
    """Whether a display box meets a disc or another box."""
    if len(discs):
        dx = np.clip(discs[:, 0], box.x0, box.x1) - discs[:, 0]
        dy = np.clip(discs[:, 1], box.y0, box.y1) - discs[:, 1]
        if (dx * dx + dy * dy < discs[:, 2] ** 2).any():
            return True
    return any(box.overlaps(other) for other in others)


def clear_legends(
    ax: Axes, legends_: list[Any], fixed: list[Any], discs: np.ndarray, land: Any
) -> None:
    """Move the class and size legends off the seats and investment circles if they can.

    The class legend goes to the upper left (else the lower left, above the scale bar),
    the size legend under it, beside it or in the other left corner: of the places that
    cover no seat, circle, scale bar, north arrow or other legend, the one over the least
    of the member cities (``land``) is kept; with none, the upper left as always.
    """
    renderer = canvas_renderer(ax.figure)
    to_axes, to_data = ax.transAxes.inverted(), ax.transData.inverted()
    fixed_boxes = [a.get_window_extent(renderer) for a in fixed]
    scale_top = max(to_axes.transform(b)[1, 1] for b in fixed_boxes[:-1]) + 0.012
    classes, size = legends_[0], (legends_[2] if len(legends_) > 2 else None)
    symbols = legends_[1].get_window_extent(renderer)

    def over_land(box: Any) -> float:
        (x0, y0), (x1, y1) = to_data.transform(box)
        return float(shapely.box(x0, y0, x1, y1).intersection(land).area)

    def put(artist: Any, loc: str, anchor: tuple[float, float]) -> Any:
        if artist is classes:
            artist.set_loc(loc)
        else:
            artist.loc = AnchoredOffsetbox.codes[loc]
        artist.set_bbox_to_anchor(anchor, transform=ax.transAxes)
        return artist.get_window_extent(renderer)

    best: tuple[float, Any, Any] | None = None
    for loc, anchor in (("upper left", (0.0, 1.0)), ("lower left", (0.0, scale_top))):
        box = put(classes, loc, anchor)
        if _covers(box, discs, [*fixed_boxes, symbols]):
            continue
        if size is None:
            if best is None or over_land(box) < best[0]:
                best = (over_land(box), (loc, anchor), None)
            continue
        (x0, y0), (x1, y1) = to_axes.transform(box)
        top = loc == "upper left"
        for spot in (("upper left", (x0, y0 - 0.012)) if top else ("lower left", (x0, y1 + 0.012)),
                     ("upper left" if top else "lower left", (x1 + 0.01, y1 if top else y0)),
                     ("lower left", (0.0, scale_top)) if top else ("upper left", (0.0, 1.0))):
            size_box = put(size, *spot)
            if _covers(size_box, discs, [*fixed_boxes, symbols, box]):
                continue
            cost = over_land(box) + over_land(size_box)
            if best is None or cost < best[0] - 1e-6:
                best = (cost, (loc, anchor), spot)
    if best is None:  # nowhere clear: where they always were
        best = (0.0, ("upper left", (0.0, 1.0)), None)
        if size is not None:
            (x0, y0), _ = to_axes.transform(put(classes, *best[1]))
            best = (0.0, best[1], ("upper left", (x0, y0 - 0.012)))
    put(classes, *best[1])
    if size is not None and best[2] is not None:
        put(size, *best[2])


def map_obstacles(
    ax: Axes,
    furniture: list[Any],
    cities: gpd.GeoDataFrame,
    seat_pt: np.ndarray,
    inv: gpd.GeoDataFrame,
    sizes: np.ndarray,
    hub: gpd.GeoDataFrame,
    spokes: gpd.GeoDataFrame,
    trunk: gpd.GeoDataFrame,
) -> Obstacles:
    """Return what badges and labels must leave visible: furniture, seats, circles, lines.

    The spokes and the trunk are obstacles for labels only: a badge may sit on a line.
    """
    fig = ax.figure
    renderer = canvas_renderer(fig)
    px = fig.dpi / 72.0
    obstacles = Obstacles()
    for artist in furniture:
        obstacles.add_box(artist.get_window_extent(renderer), 2.0)
    seats = ax.transData.transform(np.column_stack([cities.geometry.x, cities.geometry.y]))
    for (x, y), d in zip(seats, seat_pt, strict=True):
        obstacles.add_circle(x, y, (d / 2 + 0.8) * px)
    if len(inv):
        centres = ax.transData.transform(np.column_stack([inv.geometry.x, inv.geometry.y]))
        for (x, y), s in zip(centres, sizes, strict=True):
            obstacles.add_circle(x, y, (math.sqrt(s) / 2 + 0.5) * px, soft=True)
    for frame, width, badges in ((hub.boundary, 2.2, True), (spokes, 1.1, False),
                                 (trunk, 3.2, False)):
        for line in frame.geometry:
            for part in getattr(line, "geoms", [line]):
                obstacles.add_line(ax.transData.transform(np.asarray(part.coords)),
                                   (width / 2 + 0.6) * px, badges=badges)
    return obstacles
