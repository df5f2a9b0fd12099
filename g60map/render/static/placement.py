"""Where the static map puts its labels and partner badges, so that nothing hides anything.

Everything is measured in display pixels of the figure as laid out, with its renderer:
what is already drawn and must stay visible (map furniture, city seats, investment
circles, badges, the spokes and the trunk) is collected in :class:`Obstacles`;
:func:`place_labels` tries candidate positions for each label in order and takes the first
whose box touches none of them, :func:`place_badges` does the same for the round partner
badges. Candidates are computed from the label's measured size, so a label costs one
layout, not one per candidate. What cannot be placed is returned, for the caller to
report: nothing is dropped silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["Badge", "Label", "Obstacles", "canvas_renderer", "place_badges", "place_labels"]


def canvas_renderer(fig: Figure | SubFigure) -> RendererAgg:
    """Return the renderer of the canvas ``fig`` is laid out on.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or matplotlib.figure.SubFigure
        A figure drawn with Agg (what the static maps use, also under Jupyter's inline
        backend and before saving as SVG or PDF).

    Returns
    -------
    matplotlib.backends.backend_agg.RendererAgg
        The renderer that measures text and artists in display pixels.
    """
    # matplotlib types Figure.canvas as FigureCanvasBase, which has no get_renderer
    return cast(FigureCanvasAgg, fig.canvas).get_renderer()


class Obstacles:
    """Boxes, circles and lines (display pixels) that labels and badges must not touch.

    Examples
    --------
    >>> obs = Obstacles()
    >>> obs.add_box((0, 0, 10, 10))
    >>> obs.add_line([(20, -5), (20, 50)], half_width=1.0)
    >>> obs.box_cost(np.array([[5, 5, 8, 8], [12, 0, 18, 4], [15, 0, 19.5, 4]])).round(1)
    array([ 9.,  0., 18.])
    """

    def __init__(self) -> None:
        self._boxes: list[tuple[float, float, float, float]] = []
        self._circles: list[tuple[float, float, float, float]] = []
        self._lines: list[tuple[Any, float, bool]] = []
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def add_box(self, box: Bbox | Sequence[float], pad: float = 0.0) -> None:
        """Add a box ``(x0, y0, x1, y1)``, grown by ``pad`` pixels on each side."""
        x0, y0, x1, y1 = box.extents if isinstance(box, Bbox) else box
        self._boxes.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        self._arrays = None

    def add_circle(self, x: float, y: float, r: float, soft: bool = False) -> None:
        """Add a disc of radius ``r`` centred on ``(x, y)``.

        A ``soft`` disc (a translucent investment circle) may take a label where no
        position is free of it; badges always keep off it.
        """
        self._circles.append((float(x), float(y), float(r), float(soft)))
        self._arrays = None

    def add_line(
        self, xy: Sequence[Sequence[float]] | np.ndarray, half_width: float, badges: bool = True
    ) -> None:
        """Add a polyline drawn ``2 * half_width`` pixels wide.

        With ``badges=False`` only labels avoid it (a badge may sit on a spoke).
        """
        xy = np.asarray(xy, dtype=float)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) >= 2:
            line = shapely.LineString(xy)
            shapely.prepare(line)
            self._lines.append((line, float(half_width), bool(badges)))

    def _get(self) -> tuple[np.ndarray, np.ndarray]:
        if self._arrays is None:
            self._arrays = (np.asarray(self._boxes, dtype=float).reshape(-1, 4),
                            np.asarray(self._circles, dtype=float).reshape(-1, 4))
        return self._arrays

    def box_cost(self, boxes: np.ndarray, soft: bool = True) -> np.ndarray:
        """Return, per box ``(x0, y0, x1, y1)``, how much it overlaps: 0 when it is free.

        The overlap with boxes and circles (soft ones too unless ``soft=False``) is an
        area (a circle counts by its bounding box where it really meets the box); a line
        that crosses the box costs the box's whole area.
        """
        boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
        cost = np.zeros(len(boxes))
        if not len(boxes):
            return cost
        own, circles = self._get()
        if not soft:
            circles = circles[circles[:, 3] == 0]
        bx0, by0, bx1, by1 = (boxes[:, i : i + 1] for i in range(4))
        if len(own):
            w = np.minimum(bx1, own[:, 2]) - np.maximum(bx0, own[:, 0])
            h = np.minimum(by1, own[:, 3]) - np.maximum(by0, own[:, 1])
            cost += (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)
        if len(circles):
            cx, cy, r = circles[:, 0], circles[:, 1], circles[:, 2]
            dx = np.clip(cx, bx0, bx1) - cx
            dy = np.clip(cy, by0, by1) - cy
            meets = dx * dx + dy * dy < r * r
            w = np.minimum(bx1, cx + r) - np.maximum(bx0, cx - r)
            h = np.minimum(by1, cy + r) - np.maximum(by0, cy - r)
            cost += np.where(meets, np.maximum(w * h, 1.0), 0.0).sum(axis=1)
        if self._lines:
            area = np.maximum((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]), 1.0)
            for line, hw, _ in self._lines:
                grown = shapely.box(boxes[:, 0] - hw, boxes[:, 1] - hw,
                                    boxes[:, 2] + hw, boxes[:, 3] + hw)
                cost += np.where(shapely.intersects(line, grown), area, 0.0)
        return cost

    def segment_cost(self, segments: np.ndarray, r: float, soft: bool = True) -> np.ndarray:
        """Return, per capsule (the points within ``r`` of a segment), how much it overlaps.

        A rotated label of height ``2 r`` lies in the capsule around its middle line.

        Parameters
        ----------
        segments : numpy.ndarray
            Shape ``(M, 2, 2)``: each segment's two end points.
        r : float
            Half the capsule's width.
        soft : bool, default True
            Count the soft discs too.

        Returns
        -------
        numpy.ndarray
            ``(M,)``: the depth of every overlap added up (0 when the capsule is free).
        """
        segments = np.asarray(segments, dtype=float).reshape(-1, 2, 2)
        cost = np.zeros(len(segments))
        if not len(segments):
            return cost
        segs = shapely.linestrings(segments)
        own, circles = self._get()
        if not soft:
            circles = circles[circles[:, 3] == 0]
        if len(own):
            boxes = shapely.box(own[:, 0], own[:, 1], own[:, 2], own[:, 3])
            d = shapely.distance(segs[:, None], boxes[None, :])
            cost += np.clip(r - d, 0, None).sum(axis=1)
        if len(circles):
            d = shapely.distance(segs[:, None], shapely.points(circles[:, :2])[None, :])
            cost += np.clip(r + circles[:, 2] - d, 0, None).sum(axis=1)
        ends = segments.reshape(-1, 2)
        for line, hw, _ in self._lines:
            near = _near(line, ends, r + hw).reshape(-1, 2).any(axis=1)
            near |= _crosses_box(line, segments)
            if near.any():
                d = shapely.distance(line, segs[near])
                cost[near] += np.clip(r + hw - d, 0, None)
        return cost

    def circle_cost(self, xy: np.ndarray, r: float) -> np.ndarray:
        """Return, per disc of radius ``r`` centred on a row of ``xy``, how much it overlaps."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        cost = np.zeros(len(xy))
        if not len(xy):
            return cost
        own, circles = self._get()
        px, py = xy[:, 0:1], xy[:, 1:2]
        if len(own):
            dx = np.clip(px, own[:, 0], own[:, 2]) - px
            dy = np.clip(py, own[:, 1], own[:, 3]) - py
            d = np.sqrt(dx * dx + dy * dy)
            cost += np.clip(r - d, 0, None).sum(axis=1)
        if len(circles):
            d = np.hypot(px - circles[:, 0], py - circles[:, 1])
            cost += np.clip(r + circles[:, 2] - d, 0, None).sum(axis=1)
        for line, hw, for_badges in self._lines:
            if not for_badges:
                continue
            near = _near(line, xy, r + hw)
            if near.any():
                d = shapely.distance(line, shapely.points(xy[near]))
                cost[near] += np.clip(r + hw - d, 0, None)
        return cost


def _near(line: Any, xy: np.ndarray, reach: float) -> np.ndarray:
    """Points of ``xy`` within ``reach`` of the line's bounding box (the others are far)."""
    x0, y0, x1, y1 = line.bounds
    return ((xy[:, 0] >= x0 - reach) & (xy[:, 0] <= x1 + reach)
            & (xy[:, 1] >= y0 - reach) & (xy[:, 1] <= y1 + reach))


def _crosses_box(line: Any, segments: np.ndarray) -> np.ndarray:
    """Segments whose bounding box meets the line's (a segment may span a small line)."""
    x0, y0, x1, y1 = line.bounds
    lo, hi = segments.min(axis=1), segments.max(axis=1)
    return (lo[:, 0] <= x1) & (hi[:, 0] >= x0) & (lo[:, 1] <= y1) & (hi[:, 1] >= y0)


# ---------------------------------------------------------------------------------------
# labels
# ---------------------------------------------------------------------------------------
@dataclass
class Label:
    """A label to place (see :func:`place_labels`).

    Attributes
    ----------
    text : str
    kwargs : dict
        Passed to ``Axes.text`` (font, colour, z-order, gid...).
    at : tuple of float, shapely LineString or shapely (Multi)Polygon
        What the label names, in data coordinates: a point (the label goes beside it), a
        line (beside it, nearer to it than to any other line label's line) or an area
        (inside it).
    required : bool
        Drawn even where every position overlaps something (with the least overlap);
        an optional label that fits nowhere is not drawn. Either way it is returned as
        not placed, for the caller to report.
    gap : float
        Points between the point or line and the text.
    name : str
        What the label is, for messages (``"spoke label '109 km' (Huzhou)"``).
    """

    text: str
    kwargs: dict[str, Any]
    at: Any
    required: bool
    gap: float = 4.0
    name: str = ""
    candidates: int = field(default=0, init=False)


# (dx, dy): directions tried around a point, in order, then farther out.
_AROUND = ((1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0))
_POINT_SCALES = (1.0, 1.8, 2.8, 4.0, 5.5)
_LINE_FRACTIONS = tuple(0.5 + sign * k * 0.05 for k in range(9) for sign in (-1, 1))[1:]
_LINE_SCALES = (1.0, 1.6, 2.4, 3.5)


def _point_centres(p: np.ndarray, w: float, h: float, gap: float) -> np.ndarray:
    out = []
    for s in _POINT_SCALES:
        for dx, dy in _AROUND:
            cx = p[0] + dx * (gap * s + w / 2) if dx else p[0]
            cy = p[1] + dy * (gap * s + h / 2) if dy else p[1]
            out.append((cx, cy))
    return np.asarray(out)


def _line_candidates(
    xy: np.ndarray, w: float, h: float, gap: float, pad: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres, angles (degrees) and middle segments of labels along a line, beside it.

    The text runs parallel to the line where it stands, turned to read left to right,
    ``gap`` pixels (then twice that) off the line on either side, at fractions of the
    line's length from the middle outwards.
    """
    seg = np.diff(xy, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    centres, angles, segments = [], [], []
    if cum[-1] <= 0:
        return np.empty((0, 2)), np.empty(0), np.empty((0, 2, 2))
    for frac in _LINE_FRACTIONS:
        at = frac * cum[-1]
        i = int(np.clip(np.searchsorted(cum, at, side="right") - 1, 0, len(seg) - 1))
        u = seg[i] / max(seg_len[i], 1e-9)
        p = xy[i] + u * (at - cum[i])
        if u[0] < 0 or (u[0] == 0 and u[1] < 0):
            u = -u  # read left to right
        n = np.array([-u[1], u[0]])  # "above" the text
        angle = math.degrees(math.atan2(u[1], u[0]))
        for s in _LINE_SCALES:
            for side in (1.0, -1.0):
                c = p + side * n * (gap * s + h / 2 + pad)
                centres.append(c)
                angles.append(angle)
                segments.append((c - u * w / 2, c + u * w / 2))
    return np.asarray(centres), np.asarray(angles), np.asarray(segments)


def _area_centres(ax: Axes, area: Any, w: float, h: float) -> np.ndarray:
    to_px = ax.transData
    x0, y0, x1, y1 = area.bounds
    (px0, py0), (px1, py1) = to_px.transform([(x0, y0), (x1, y1)])
    rep = area.representative_point()
    start = to_px.transform((rep.x, rep.y))
    step = max(h, 6.0)
    gx = np.arange(min(px0, px1), max(px0, px1) + step, step)
    gy = np.arange(min(py0, py1), max(py0, py1) + step, step)
    grid = np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)])
    grid = np.vstack([start, grid])
    data = to_px.inverted().transform(grid)
    inside = shapely.contains_xy(area, data[:, 0], data[:, 1])
    grid = grid[inside]
    order = np.argsort(np.hypot(*(grid - start).T), kind="stable")
    return grid[order[:600]]


def _measure(ax: Axes, text: Text, renderer: Any) -> tuple[float, float, np.ndarray]:
    """Return the text's box width, height and the offset of its centre from its anchor."""
    anchor = ax.transData.transform(text.get_position())
    box = text.get_window_extent(renderer)
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    return box.width, box.height, centre - anchor


def _anchor(at: Any) -> tuple[float, float]:
    if isinstance(at, shapely.LineString):
        p = at.interpolate(0.5, normalized=True)
    elif isinstance(at, shapely.Polygon | shapely.MultiPolygon):
        p = at.representative_point()
    else:
        return float(at[0]), float(at[1])
    return p.x, p.y


def place_labels(
    ax: Axes, labels: Sequence[Label], obstacles: Obstacles, pad_pt: float = 1.5
) -> tuple[list[Text], list[Label]]:
    """Place labels in order, each at its first candidate position that overlaps nothing.

    A point's label goes beside the point, level; a line's label runs along the line,
    beside it (``rotation`` set), and nearer to it than to the line of any other line
    label; an area's label goes inside the area. Each placed label becomes an obstacle
    for the labels and badges after it (a level label as its box, a turned one as the
    band around its middle line).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Laid out (its limits and the figure size final).
    labels : sequence of Label
        In order of importance.
    obstacles : Obstacles
        What the labels must not touch; the placed labels are added to it.
    pad_pt : float
        Clearance around each label, in points.

    Returns
    -------
    placed : list of matplotlib.text.Text
        The labels drawn, in the order given.
    unplaced : list of Label
        Labels with no free position: required ones drawn over the least, optional ones
        not drawn.
    """
    fig = ax.figure
    renderer = canvas_renderer(fig)
    frame = ax.get_window_extent(renderer)
    pad = pad_pt * fig.dpi / 72.0
    to_data = ax.transData.inverted()
    lines = {id(lab): shapely.LineString(ax.transData.transform(np.asarray(lab.at.coords)))
             for lab in labels if isinstance(lab.at, shapely.LineString)}
    placed: list[Text] = []
    unplaced: list[Label] = []
    for lab in labels:
        text = ax.text(*_anchor(lab.at), lab.text, ha="center", va="center", clip_on=False,
                       rotation_mode="anchor", **lab.kwargs)
        w, h, offset = _measure(ax, text, renderer)
        gap = lab.gap * fig.dpi / 72.0
        angles = segments = None
        if id(lab) in lines:
            xy = np.asarray(lines[id(lab)].coords)
            centres, angles, segments = _line_candidates(xy, w, h, gap, pad)
            ends = segments.reshape(-1, 2)
            reach = h / 2 + pad
            inside = ((ends[:, 0] - reach >= frame.x0) & (ends[:, 0] + reach <= frame.x1)
                      & (ends[:, 1] - reach >= frame.y0) & (ends[:, 1] + reach <= frame.y1))
            inside = inside.reshape(-1, 2).all(axis=1)
            cost = obstacles.segment_cost(segments, reach)
            hard = obstacles.segment_cost(segments, reach, soft=False)
            penalty = np.full(len(centres), w * h)
        else:
            if isinstance(lab.at, shapely.Polygon | shapely.MultiPolygon):
                centres = _area_centres(ax, lab.at, w, h)
            else:
                centres = _point_centres(ax.transData.transform(_anchor(lab.at)), w, h, gap)
            half = np.array([w / 2 + pad, h / 2 + pad])
            boxes = np.hstack([centres - half, centres + half]).reshape(-1, 4)
            inside = ((boxes[:, 0] >= frame.x0) & (boxes[:, 2] <= frame.x1)
                      & (boxes[:, 1] >= frame.y0) & (boxes[:, 3] <= frame.y1))
            cost = obstacles.box_cost(boxes)
            hard = obstacles.box_cost(boxes, soft=False)
            penalty = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        lab.candidates = len(centres)
        if id(lab) in lines and len(centres):  # nearer to its own line than to any other
            points = shapely.points(centres)
            own = shapely.distance(lines[id(lab)], points)
            for key, other in lines.items():
                if key != id(lab):
                    inside &= own < shapely.distance(other, points)
        ok = inside & (cost == 0)
        if not ok.any():  # over a translucent circle rather than nowhere
            ok = inside & (hard == 0)
        if ok.any():
            pick = int(np.argmax(ok))
        else:
            unplaced.append(lab)
            if not lab.required or not len(centres):
                text.remove()
                continue
            pick = int(np.argmin(cost + np.where(inside, 0.0, penalty)))
        shift = offset
        if angles is not None:
            a = math.radians(angles[pick])
            text.set_rotation(angles[pick])
            shift = np.array([offset[0] * math.cos(a) - offset[1] * math.sin(a),
                              offset[0] * math.sin(a) + offset[1] * math.cos(a)])
        x, y = to_data.transform(centres[pick] - shift)
        text.set_position((float(x), float(y)))
        if segments is not None:
            obstacles.add_line(segments[pick], h / 2 + pad)
        else:
            obstacles.add_box(text.get_window_extent(renderer), pad)
        placed.append(text)
    return placed, unplaced


# ---------------------------------------------------------------------------------------
# badges
# ---------------------------------------------------------------------------------------
@dataclass
class Badge:
    """A round badge to place near an anchor, inside an area if it can (:func:`place_badges`).

    Attributes
    ----------
    x, y : float
        Anchor in data coordinates (where the things counted are).
    radius_pt : float
        Radius of the badge, in points.
    area : shapely geometry, optional
        Where the badge belongs (data coordinates), e.g. its district.
    name : str
        For messages.
    centre : tuple of float
        Set by :func:`place_badges`: the badge's centre, in data coordinates.
    placement : str
        Set by :func:`place_badges`: ``"inside"`` (centre in ``area``), ``"edge"``
        (the badge touches ``area``), ``"leader"`` (nearby, with a leader to the
        anchor) or ``"forced"`` (no free position: drawn at the anchor).
    """

    x: float
    y: float
    radius_pt: float
    area: Any = None
    name: str = ""
    centre: tuple[float, float] = (math.nan, math.nan)
    placement: str = ""


def _rings(start: np.ndarray, step: float, first: int, last: int) -> Iterator[np.ndarray]:
    """Yield rings of candidate centres around ``start``: ring k at distance k * step."""
    for k in range(first, last + 1):
        if k == 0:
            yield start.reshape(1, 2)
            continue
        n = max(6, int(round(2 * math.pi * k)))
        angles = math.pi / 2 + 2 * math.pi * np.arange(n) / n
        yield start + k * step * np.column_stack([np.cos(angles), np.sin(angles)])


def place_badges(
    ax: Axes, badges: Sequence[Badge], obstacles: Obstacles, gap_pt: float = 1.0
) -> list[Badge]:
    """Place round badges in order, each clear of the obstacles and of the badges before it.

    Candidates lie on rings around the anchor; the first free one wins, preferring a
    centre inside the badge's area, then a badge touching the area, then any position
    within twelve radii of the area (drawn with a leader). Each placed badge becomes an
    obstacle.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Laid out (its limits and the figure size final).
    badges : sequence of Badge
        In order of importance; ``centre`` and ``placement`` are set on each.
    obstacles : Obstacles
        What the badges must not touch; the placed badges are added to it.
    gap_pt : float
        Clearance around each badge, in points.

    Returns
    -------
    list of Badge
        The badges placed nowhere free (``placement == "forced"``).
    """
    fig = ax.figure
    renderer = canvas_renderer(fig)
    frame = ax.get_window_extent(renderer)
    px_per_pt = fig.dpi / 72.0
    to_px, to_data = ax.transData, ax.transData.inverted()
    px_per_unit = abs(to_px.transform((1.0, 0.0))[0] - to_px.transform((0.0, 0.0))[0])
    forced = []
    for badge in badges:
        r = badge.radius_pt * px_per_pt
        clear = r + gap_pt * px_per_pt
        start = to_px.transform((badge.x, badge.y))
        step = 0.5 * r
        reach = 0.0
        if badge.area is not None:
            x0, y0, x1, y1 = badge.area.bounds
            corners = to_px.transform([(x0, y0), (x0, y1), (x1, y0), (x1, y1)])
            reach = float(np.max(np.hypot(*(corners - start).T)))
        inner = int(math.ceil((reach + r) / step))
        outer = inner + int(math.ceil(12 * r / step))
        best: dict[str, np.ndarray] = {}
        for k in range(0, outer + 1, 6):
            ring = np.vstack(list(_rings(start, step, k, min(k + 5, outer))))
            free = ((ring[:, 0] - clear >= frame.x0) & (ring[:, 0] + clear <= frame.x1)
                    & (ring[:, 1] - clear >= frame.y0) & (ring[:, 1] + clear <= frame.y1))
            free &= obstacles.circle_cost(ring, clear) == 0
            if not free.any():
                continue
            cand = ring[free]
            if badge.area is None:
                best.setdefault("inside", cand[0])
                break
            data = to_data.transform(cand)
            points = shapely.points(data)
            inside = shapely.contains(badge.area, points)
            if inside.any():
                best["inside"] = cand[int(np.argmax(inside))]
                break
            edge = shapely.dwithin(badge.area, points, r / px_per_unit)
            if edge.any() and "edge" not in best:
                best["edge"] = cand[int(np.argmax(edge))]
            if "leader" not in best:
                best["leader"] = cand[0]
            if k > inner and ("edge" in best or "leader" in best):
                break
        kind = next((k for k in ("inside", "edge", "leader") if k in best), "forced")
        centre = best.get(kind, start)
        badge.placement = kind
        badge.centre = tuple(float(v) for v in to_data.transform(centre))  # type: ignore[assignment]
        if kind == "forced":
            forced.append(badge)
            continue
        obstacles.add_circle(centre[0], centre[1], r + gap_pt * px_per_pt / 2)
    return forced
