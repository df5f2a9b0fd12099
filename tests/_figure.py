"""Shapes of a drawn matplotlib figure's artists, in display pixels, for the static-map tests.

Everything is measured from the artists themselves (offsets, sizes, window extents and
paths as the renderer lays them out), not from what the code meant to draw.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from matplotlib.collections import Collection
from matplotlib.lines import Line2D
from matplotlib.text import Text


def discs(coll: Collection) -> np.ndarray:
    """``(N, 3)``: centre x, y and radius (pixels) of each marker of a scatter collection.

    Scatter sizes are areas in points² (the marker's diameter squared); the edge is half
    outside the marker.
    """
    ax = coll.axes
    xy = ax.transData.transform(coll.get_offsets())
    sizes = np.broadcast_to(coll.get_sizes(), (len(xy),))
    widths = np.broadcast_to(coll.get_linewidths(), (len(xy),))
    r = (np.sqrt(sizes) / 2 + widths / 2) * ax.figure.dpi / 72.0
    return np.column_stack([xy, r])


def marker_disc(line: Line2D, renderer) -> tuple[float, float, float]:
    """Centre and radius (pixels) of a one-point ``Line2D`` marker, from its window extent."""
    box = line.get_window_extent(renderer)
    r = max(box.width, box.height) / 2 + line.get_markeredgewidth() / 2 * line.figure.dpi / 72
    return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, r


def text_polygon(text: Text, renderer) -> shapely.Polygon:
    """The text's box as drawn (turned with the text), in pixels.

    The window extent of a turned text is the box around the turned box; this turns the
    level box about the text's anchor instead, which is what covers the map.
    """
    angle = text.get_rotation()
    text.set_rotation(0)
    box = text.get_window_extent(renderer)
    text.set_rotation(angle)
    pivot = text.get_transform().transform(text.get_position())
    corners = np.array([(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)])
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return shapely.Polygon((corners - pivot) @ rot.T + pivot)


def line_paths(ax, gid: str) -> list[tuple[shapely.LineString, float]]:
    """The lines of the collections with ``gid``, in pixels, with half their width."""
    out = []
    for coll in ax.collections:
        if coll.get_gid() != gid:
            continue
        widths = np.broadcast_to(coll.get_linewidths(), (len(coll.get_paths()),))
        for path, width in zip(coll.get_paths(), widths, strict=True):
            xy = ax.transData.transform(path.vertices)
            out.append((shapely.LineString(xy), width / 2 * ax.figure.dpi / 72.0))
    return out


def disc_polygon(x: float, y: float, r: float) -> shapely.Polygon:
    """A disc as a polygon (64 sides, outside the true disc)."""
    return shapely.Point(x, y).buffer(r / math.cos(math.pi / 64), quad_segs=16)
