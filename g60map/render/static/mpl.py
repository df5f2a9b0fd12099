"""matplotlib helpers of the static map: fonts, label placement and map furniture.

* Fonts: :func:`find_cjk_font` finds a font with Chinese glyphs (Noto Sans CJK from
  Debian's ``fonts-noto-cjk`` first); :func:`pick_font` falls back to English labels, with
  a :class:`~g60map.G60Warning`, when there is none.
* Words only the static map uses: :data:`PRINT_TEXT` (the rest are in
  :data:`g60map.render.text.LABELS`).
* Furniture: :func:`scale_bar` (true length on the WGS-84 ellipsoid), :func:`north_arrow`
  (to true north), :func:`legends` (classes and symbols), :func:`size_legend` (nested
  circles of the investment scale), :func:`wrap` (text to a width).
"""

from __future__ import annotations

import functools
import math
import os
import re
import warnings
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
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
from pyproj import Geod, Transformer

from ... import settings
from ..._errors import G60Warning
from ...i18n import PRINT_KEYS, section
from ..symbology import PRINT, STYLE
from ..text import LABELS, Lang, format_money, nice_floor

__all__ = [
    "PRINT_TEXT",
    "find_cjk_font",
    "legends",
    "new_map_axes",
    "north_arrow",
    "pick_font",
    "scale_bar",
    "size_legend",
    "sized",
    "wrap",
]


#: Words of the static map that only it uses, per language: the section
#: :data:`g60map.i18n.PRINT_KEYS` of the one catalogue :data:`g60map.i18n.TEXT`.
PRINT_TEXT: dict[str, dict[str, str]] = section(PRINT_KEYS)


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
    from ...reference.cities import load_cities

    cities = load_cities()
    chars = "".join(cities["name_zh"]) + "".join(cities["province_zh"])
    chars += "".join(LABELS["zh"].values()) + "".join(PRINT_TEXT["zh"].values())
    chars += "0123456789.,%"
    return "".join(sorted(set(chars) - set("{}")))



def pick_font(lang: Lang) -> tuple[Lang, font_manager.FontProperties]:
    """Return the language to draw and its font; warn and use English without a CJK font."""
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
        # DejaVu Sans as fallback for what the CJK font lacks (U+FFFD, some symbols)
        return lang, font_manager.FontProperties(family=[cjk.get_family()[0], "DejaVu Sans"])
    # English: DejaVu Sans, with the CJK font as fallback for Chinese in user text
    families = ["DejaVu Sans"] + ([cjk.get_family()[0]] if cjk is not None else [])
    return lang, font_manager.FontProperties(family=families)


def sized(
    font: font_manager.FontProperties, size: float, **kw: Any
) -> font_manager.FontProperties:
    """Return a copy of ``font`` at ``size`` points, with e.g. ``weight="bold"``."""
    out = font.copy()
    out.set_size(size)
    for key, value in kw.items():
        getattr(out, f"set_{key}")(value)
    return out


def new_map_axes(
    bounds: Sequence[float], figsize: tuple[float, float]
) -> tuple[Figure, Axes, tuple[float, float, float, float]]:
    """Return a figure (not in pyplot) and equal-aspect map axes showing ``bounds``."""
    fig = Figure(figsize=figsize, dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    bottom = top = 0.68 / figsize[1]  # credits below, title above (inches)
    ax = fig.add_axes((0.015, bottom, 0.97, 1.0 - bottom - top))
    ax.set_facecolor(PRINT.background)
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


# ---------------------------------------------------------------------------------------
# map furniture
# ---------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    """Return a lon/lat-ordered transformer (made once: it costs ~20 ms to set up)."""
    return Transformer.from_crs(source, target, always_xy=True)


def scale_bar(ax: Axes, crs: str, font: font_manager.FontProperties, lang: Lang) -> list[Any]:
    """Draw a scale bar whose length is true on the WGS-84 ellipsoid where it stands."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    to_geo = _transformer(crs, settings.WGS84)
    geod = Geod(ellps="WGS84")
    probe = 0.1 * (x1 - x0)
    (lon0, lon1), (lat0, lat1) = to_geo.transform([bx, bx + probe], [by, by])
    true_m = geod.inv(lon0, lat0, lon1, lat1)[2]
    metres_per_unit = true_m / probe
    km = nice_floor(0.22 * (x1 - x0) * metres_per_unit / 1000.0)
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
        label = f"{value:g}" if frac < 1.0 else f"{km:g} {LABELS[lang]['km']}"
        t = ax.text(
            bx + frac * length, by + height * 1.6, label, ha="center", va="bottom",
            fontproperties=sized(font, 7.5), zorder=21, path_effects=effects,
            parse_math=False,
        )
        artists.append(t)
    ax.scale_bar_km = km  # type: ignore[attr-defined]  # read by tests and the report
    ax.scale_bar_extent = ((bx, by), (bx + length, by))  # type: ignore[attr-defined]
    return artists


def north_arrow(ax: Axes, crs: str, font: font_manager.FontProperties, lang: Lang) -> Any:
    """Draw an arrow to true north (grid north differs off the central meridian)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fx, fy = 0.955, 0.86
    x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
    to_geo = _transformer(crs, settings.WGS84)
    to_map = _transformer(settings.WGS84, crs)
    lon, lat = to_geo.transform(x, y)
    nx, ny = to_map.transform(lon, lat + 0.1)
    angle = math.atan2(nx - x, ny - y)  # clockwise from grid north
    length = 0.07  # axes fraction of the height
    dx = length * math.sin(angle) * (y1 - y0) / (x1 - x0)
    dy = length * math.cos(angle)
    ann = ax.annotate(
        LABELS[lang]["north"],
        xy=(fx + dx / 2, fy + dy / 2),
        xytext=(fx - dx / 2, fy - dy / 2),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="top",
        fontproperties=sized(font, 10, weight="bold"),
        zorder=21,
        arrowprops={"arrowstyle": "-|>,head_width=0.4,head_length=0.8", "color": "#222222",
                    "linewidth": 1.6, "shrinkA": 0, "shrinkB": 0},
    )
    ax.north_angle_deg = math.degrees(angle)  # type: ignore[attr-defined]
    return ann


def size_legend(
    ax: Axes,
    values: Sequence[float],
    pt2_per_cny: float,
    title: str,
    font: font_manager.FontProperties,
    lang: Lang,
    anchor: tuple[float, float],
    loc: str = "upper left",
) -> AnchoredOffsetbox:
    """Add nested circles of the investment scale (sizes in points, as the map's circles).

    The box's ``loc`` corner is at ``anchor`` (axes fraction).
    """
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
        circle = Circle((big, r + 1), r, facecolor=to_rgba(STYLE["investment"], PRINT.invest_alpha),
                        edgecolor=STYLE["investment"], linewidth=1.0)
        circle.set_gid("size-legend")
        circle.g60_amount = v  # type: ignore[attr-defined]
        area.add_artist(circle)
        area.add_artist(Line2D([big, big + 4, label_x - 3], [top + 1, y + 1, y + 1],
                               color="#666666", linewidth=0.5))
        area.add_artist(Text(label_x, y + 1, format_money(v, lang, "CNY"), va="center",
                             fontproperties=sized(font, 7.5), parse_math=False))
    head = TextArea(title, textprops={"fontproperties": sized(font, 8), "parse_math": False})
    box = AnchoredOffsetbox(
        loc=loc, child=VPacker(children=[head, area], align="left", pad=0, sep=6),
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


def wrap(text: str, font: font_manager.FontProperties, width_px: float, renderer: Any) -> str:
    """Break ``text`` into lines no wider than ``width_px`` as the renderer measures them.

    Latin words stay whole; Chinese text may break between any two characters. Each line
    takes as many tokens as fit (the first always does); where it ends is found by
    bisection, since a longer prefix of a line is never narrower: a few measurements per
    line instead of one per token (each measurement lays out the whole line).

    Parameters
    ----------
    text : str
        Paragraphs, one a line.
    font : matplotlib.font_manager.FontProperties
    width_px : float
        Widest line, in display pixels.
    renderer : matplotlib.backend_bases.RendererBase
        The figure's renderer.

    Returns
    -------
    str
        The lines, one a line.
    """
    def width(s: str) -> float:
        return renderer.get_text_width_height_descent(s, font, ismath=False)[0]

    lines: list[str] = []
    for para in text.split("\n"):
        tokens = re.findall(r"[\x21-\x7e\u00b0\u2018-\u201d]+\s*|\s+|.", para)
        line, i = "", 0
        while i < len(tokens):
            if not line:  # a line's first token goes on it whatever its width
                line, i = line + tokens[i], i + 1
                continue
            lo, hi = i, len(tokens)  # the first token that does not fit, or len(tokens)
            while lo < hi:
                mid = (lo + hi) // 2
                if width(line + "".join(tokens[i:mid]) + tokens[mid].rstrip()) > width_px:
                    hi = mid
                else:
                    lo = mid + 1
            line += "".join(tokens[i:lo])
            if lo < len(tokens):
                lines.append(line.rstrip())
                line = tokens[lo].lstrip()
            i = lo + 1
        lines.append(line.rstrip())
    return "\n".join(lines)


def legends(
    ax: Axes,
    classes: Sequence[str],
    colours: Sequence[Any],
    trunk: gpd.GeoDataFrame,
    font: font_manager.FontProperties,
    lang: Lang,
    partner_handle: Line2D | None = None,
) -> list[Any]:
    """Add the class legend (upper left) and the symbol legend (lower right).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    classes : sequence of str
        Label of each partner-count class (:func:`g60map.render.text.class_labels`).
    colours : sequence of colour
        Fill of each class.
    trunk : geopandas.GeoDataFrame
        The G60 trunk (its name labels the trunk symbol); may be empty.
    font : matplotlib.font_manager.FontProperties
    lang : {"en", "zh"}
    partner_handle : matplotlib.lines.Line2D, optional
        The partners' symbol, with its label; none shown when None.

    Returns
    -------
    list of matplotlib.legend.Legend
        The class legend and the symbol legend.
    """
    t = LABELS[lang]
    small = sized(font, 8)
    handles = [
        Patch(facecolor=colour, edgecolor=STYLE["member"], linewidth=0.8,
              label=label)
        for label, colour in zip(classes, colours, strict=True)
    ]
    classes_legend = Legend(
        ax, handles, [str(h.get_label()) for h in handles], title=t["legend_fill"],
        loc="upper left", prop=small, title_fontproperties=small, framealpha=0.92,
        borderpad=0.6, handlelength=1.6,
    )
    trunk_label = ""
    if len(trunk):
        trunk_label = str(trunk.iloc[0]["name_zh" if lang == "zh" else "name"])
        schematic = bool(trunk.iloc[0].get("schematic", False))
        if schematic and "schematic" not in trunk_label.lower() and "示意" not in trunk_label:
            trunk_label = t["trunk_schematic"].format(name=trunk_label)
    symbols = [
        Patch(facecolor="none", edgecolor=STYLE["hub"], linewidth=2.2, label=t["legend_hub"]),
        Patch(facecolor=STYLE["other_fill"], edgecolor=STYLE["other"], linewidth=0.4,
              label=t["legend_other"]),
        Line2D([], [], color=STYLE["province"], linewidth=1.1, label=t["legend_province"]),
        Line2D([], [], color=STYLE["trunk"], linewidth=3.2, alpha=0.85,
               linestyle=PRINT.trunk_dash, label=trunk_label),
        Line2D([], [], color=STYLE["spoke"], linewidth=1.1, linestyle=PRINT.spoke_dash,
               label=t["legend_spoke"]),
        Line2D([], [], linestyle="none", marker="o", markersize=PRINT.seat_pt, color=PRINT.seat,
               markeredgecolor="white", label=t["legend_seat"]),
        *([partner_handle] if partner_handle is not None else []),
    ]
    symbols = [h for h in symbols if h.get_label()]
    symbol_legend = Legend(
        ax, symbols, [str(h.get_label()) for h in symbols], loc="lower right", prop=small,
        framealpha=0.92, borderpad=0.7, labelspacing=0.6, handlelength=2.4,
    )
    for legend in (classes_legend, symbol_legend):
        legend.set_zorder(20)
        ax.add_artist(legend)
    return [classes_legend, symbol_legend]
