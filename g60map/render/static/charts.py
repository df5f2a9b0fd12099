"""Charts that go with the maps: the investments year by year.

* :func:`investments_by_year`: a table of the amounts per year and their running total;
* :func:`timeline_figure`: that table as bars and a line;
* :func:`small_multiples`: one small map per year, each with the investments made up to
  the end of that year (the year's new ones stronger), on one circle scale, so the
  corridor's growth reads at a glance (``g60map render --multiples`` writes it as
  ``g60_corridor_years.png``).

Figures are made without pyplot (no global state).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import patheffects as pe
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ... import settings
from ...corridor.model import Corridor, as_corridor
from ..symbology import PRINT, STYLE
from ..text import LABELS, Lang, check_lang, format_money, legend_amounts
from .mpl import PRINT_TEXT, north_arrow, pick_font, scale_bar, size_legend, sized

__all__ = [
    "MULTIPLES_FILENAME",
    "MULTIPLES_MAX_PANELS",
    "investments_by_year",
    "multiples_years",
    "small_multiples",
    "timeline_figure",
]

#: Base name of the small multiples' file (``g60_corridor_years.<ext>``).
MULTIPLES_FILENAME: str = "g60_corridor_years"

#: Most panels of :func:`small_multiples`; a longer span is shown at evenly spaced years
#: (the first and the last always among them), each panel still cumulative.
MULTIPLES_MAX_PANELS: int = 12


def investments_by_year(corridor: Corridor) -> pd.DataFrame:
    """Return investments per year: count, amount (CNY) and the running total.

    Parameters
    ----------
    corridor : Corridor

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (every year from the first to the last, gaps as 0), columns
        ``investments``, ``amount_cny``, ``cumulative_cny``. Rows without a date are left out.

    Examples
    --------
    >>> from g60map.corridor.model import load_corridor
    >>> investments_by_year(load_corridor())["amount_cny"].to_dict()
    {2020: 15000000000.0}
    """
    inv = corridor.investments
    if not len(inv) or "date" not in inv:
        return pd.DataFrame(columns=["investments", "amount_cny", "cumulative_cny"],
                            index=pd.Index([], name="year", dtype="int64"))
    years = pd.to_datetime(inv["date"], errors="coerce").dt.year
    amount = pd.to_numeric(inv["amount_cny"], errors="coerce").fillna(0.0)
    frame = pd.DataFrame({"year": years, "amount_cny": amount}).dropna(subset=["year"])
    frame["year"] = frame["year"].astype("int64")
    grouped = frame.groupby("year").agg(investments=("amount_cny", "size"),
                                        amount_cny=("amount_cny", "sum"))
    if len(grouped):
        grouped = grouped.reindex(range(grouped.index.min(), grouped.index.max() + 1),
                                  fill_value=0)
    grouped.index.name = "year"
    grouped["amount_cny"] = grouped["amount_cny"].astype(float)
    grouped["cumulative_cny"] = grouped["amount_cny"].cumsum()
    return grouped


def timeline_figure(
    corridor: Corridor, *, lang: Lang = "en", figsize: tuple[float, float] = (10.0, 5.0)
) -> Figure:
    """Draw investments per year (bars) and their running total (line).

    Parameters
    ----------
    corridor : Corridor
    lang : {"en", "zh"}, default "en"
    figsize : tuple of float

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot.
    """
    lang, font = pick_font(check_lang(lang))
    table = investments_by_year(corridor)
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    years = table.index.to_numpy()
    colour = STYLE["investment"]
    ax.bar(years, table["amount_cny"], color=colour, alpha=0.45, width=0.7,
           label="per year" if lang == "en" else "当年")
    ax.plot(years, table["cumulative_cny"], color=colour, marker="o",
            label="cumulative" if lang == "en" else "累计")
    money = FuncFormatter(lambda v, _: format_money(v, lang, "CNY") if v else "0")
    ax.yaxis.set_major_formatter(money)
    if len(years):
        ax.set_xticks(np.arange(years.min(), years.max() + 1))
    title = "Investments by year (CNY)" if lang == "en" else "逐年投资额（人民币）"
    ax.set_title(title, fontproperties=font, fontsize=14)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontproperties(font)
    ax.legend(prop=font, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _dated(corridor: Corridor, crs: str = settings.WGS84) -> pd.DataFrame:
    """Investments with a point, an amount and a date: ``x``, ``y`` (in ``crs``), amount, year."""
    inv = corridor.investments
    if not len(inv) or "date" not in inv or "amount_cny" not in inv:
        return pd.DataFrame({"x": [], "y": [], "amount_cny": [], "year": []})
    years = pd.to_datetime(inv["date"], errors="coerce").dt.year
    amount = pd.to_numeric(inv["amount_cny"], errors="coerce")
    has_point = ~(inv.geometry.is_empty | inv.geometry.isna())
    keep = (years.notna() & (amount > 0) & has_point).to_numpy(bool)
    pts = inv[keep].to_crs(crs)
    return pd.DataFrame({"x": pts.geometry.x.to_numpy(float), "y": pts.geometry.y.to_numpy(float),
                         "amount_cny": amount[keep].to_numpy(float),
                         "year": years[keep].astype("int64").to_numpy()})


def multiples_years(corridor: Corridor, max_panels: int | None = None) -> list[int]:
    """Return the years :func:`small_multiples` draws a panel for ([] when it draws none).

    Every year from the first dated investment's to the last's; with more than
    ``max_panels`` years, that many evenly spaced ones (first and last included). Empty
    when the dated investments (with an amount and a place) fall in fewer than two
    different years.

    Parameters
    ----------
    corridor : Corridor
    max_panels : int, optional
        :data:`MULTIPLES_MAX_PANELS` when None.

    Returns
    -------
    list of int

    Examples
    --------
    >>> from g60map import load_corridor
    >>> multiples_years(load_corridor())  # the article's one investment: one year
    []
    """
    max_panels = MULTIPLES_MAX_PANELS if max_panels is None else int(max_panels)
    years = _dated(corridor)["year"]
    if years.nunique() < 2 or max_panels < 2:
        return []
    first, last = int(years.min()), int(years.max())
    if last - first + 1 <= max_panels:
        return list(range(first, last + 1))
    return sorted({int(round(v)) for v in np.linspace(first, last, max_panels)})


def _grid(n: int, width: float, height: float, aspect: float) -> tuple[int, int]:
    """Columns and rows of ``n`` panels of ``aspect`` (height / width) that draw them largest."""
    best = (0.0, 1, n)
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        scale = min(width / cols, height / rows / aspect)
        if scale > best[0] + 1e-9:
            best = (scale, cols, rows)
    return best[1], best[2]


def _rings(geoms: Any) -> list[Any]:
    """Exterior rings of (multi)polygons."""
    return [part.exterior for geom in geoms for part in getattr(geom, "geoms", [geom])
            if not part.is_empty]


def _lines(geoms: Any) -> list[np.ndarray]:
    """Vertex arrays of (multi)linestrings, for a ``LineCollection``."""
    return [np.asarray(part.coords) for geom in geoms if geom is not None and not geom.is_empty
            for part in getattr(geom, "geoms", [geom]) if len(part.coords) > 1]


def _fitting_pt(text: str, width_in: float, size: float, least: float = 7.0) -> float:
    """Return ``size``, or the smaller one (not below ``least``) at which ``text`` fits.

    Widths are estimated: Chinese characters 1 em, others 0.6 em; ``width_in`` in inches.
    """
    ems = sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)
    return max(least, min(size, width_in * 72 / max(ems, 1.0)))


def _key_panel(ax: Any, seats: Any, crs: str, font: Any, lang: Lang) -> None:
    """Name the cities at their seats and add a scale bar and a north arrow to ``ax``."""
    halo = [pe.withStroke(linewidth=2.0, foreground="white")]
    column = "name_zh" if lang == "zh" else "name_en"
    labels = []
    for row in seats.sort_values("code").itertuples(index=False):
        labels.append(ax.annotate(
            str(getattr(row, column)), (row.geometry.x, row.geometry.y), xytext=(2, 2),
            textcoords="offset points", ha="left", va="bottom", fontproperties=sized(font, 7),
            color="#222222", path_effects=halo, zorder=6, annotation_clip=False,
            gid=f"city-{row.code}"))
    ax.g60_city_labels = labels
    bar = scale_bar(ax, crs, font, lang)
    bar[-2].set_visible(False)  # the middle figure crowds the ends in a small panel
    north_arrow(ax, crs, font, lang)


def small_multiples(
    corridor: Corridor | None = None,
    *,
    lang: Lang = "en",
    figsize: tuple[float, float] = (10.0, 8.0),
    max_panels: int | None = None,
    crs: str | None = None,
) -> Figure | None:
    """Draw the investments cumulative by year: one small map per year, on one scale.

    Each panel shows the member cities, the hub and the city seats, and every investment
    dated up to the end of its year as a circle whose area is proportional to the
    amount (the same scale in every panel); the year's new investments are drawn
    stronger than the earlier ones. Its heading gives the year and the running total.
    The first panel is the key map: it names the cities and carries a scale bar (true
    on the ellipsoid) and a north arrow, which hold for every panel. One shared size
    legend, the key to new and earlier, and a note of the investments left out (no date,
    amount or place) close the figure.

    Parameters
    ----------
    corridor : Corridor, optional
        :func:`g60map.load_corridor` (the article's data) when None.
    lang : {"en", "zh"}, default "en"
    figsize : tuple of float
        Figure size in inches (e.g. from :func:`g60map.render.static.figure.static_size`).
    max_panels : int, optional
        Most panels (:data:`MULTIPLES_MAX_PANELS` when None); see :func:`multiples_years`.
    crs : str, optional
        Projected CRS; :data:`g60map.settings.EQUAL_AREA_CRS` when None.

    Returns
    -------
    matplotlib.figure.Figure or None
        Not attached to pyplot; ``fig.g60_years`` lists the panels' years and
        ``fig.g60_panels`` their axes (``ax.g60_year``, ``ax.g60_total_cny``,
        ``ax.g60_investments``: the circles' collection; the first panel's
        ``ax.g60_city_labels``, ``ax.scale_bar_km`` and ``ax.north_angle_deg``). None when
        the investments do
        not span two years (:func:`multiples_years` is empty): there is nothing to
        compare.

    Examples
    --------
    >>> from g60map import load_corridor
    >>> small_multiples(load_corridor()) is None
    True
    """
    corridor = as_corridor(corridor)
    years = multiples_years(corridor, max_panels)
    if not years:
        return None
    crs = crs or settings.EQUAL_AREA_CRS
    lang, font = pick_font(check_lang(lang))
    words, t = PRINT_TEXT[lang], LABELS[lang]
    dated = _dated(corridor, crs)
    city_b = corridor.boundaries["city"].to_crs(crs)
    members = city_b[city_b["is_member"].astype(bool)]
    hub = city_b[city_b["code"] == settings.HUB_CODE]
    prov_b = corridor.boundaries["province"].to_crs(crs)
    seats = corridor.cities.to_crs(crs)

    x0, y0, x1, y1 = members.total_bounds
    margin = 0.05 * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin
    member_rings = [np.asarray(ring.coords) for ring in _rings(members.geometry)]
    province_lines = _lines(prov_b.boundary.clip_by_rect(x0, y0, x1, y1))
    hub_lines = _lines(hub.boundary)
    aspect = (y1 - y0) / (x1 - x0)
    fig = Figure(figsize=figsize, dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    width, height = figsize
    largest = float(dated["amount_cny"].max())
    top, side, gap = 0.7, 0.15, 0.08  # inches
    # the bottom band holds the size legend: as tall as its largest circle, and a title
    diameter = min(PRINT.max_circle_pt, 0.08 * height * 72)
    bottom = (diameter + 40) / 72
    cols, rows = _grid(len(years), width - 2 * side, height - top - bottom, aspect)
    cell_w = (width - 2 * side) / cols
    cell_h = (height - top - bottom) / rows
    panel_w = min(cell_w - gap, (cell_h - 0.28) / aspect)
    panel_h = panel_w * aspect
    diameter = min(diameter, 0.22 * panel_h * 72)
    pt2_per_cny = diameter**2 / largest
    new_fill = to_rgba(STYLE["investment"], 0.55)
    old_fill = to_rgba(STYLE["investment"], 0.15)
    panels: list[Any] = []
    for i, year in enumerate(years):
        r, c = divmod(i, cols)
        left = side + c * cell_w + (cell_w - panel_w) / 2
        low = bottom + (rows - 1 - r) * cell_h + (cell_h - 0.28 - panel_h) / 2
        ax = fig.add_axes((left / width, low / height, panel_w / width, panel_h / height))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        ax.add_collection(PolyCollection(
            member_rings, facecolors=to_rgba(STYLE["member"], 0.10),
            edgecolors=to_rgba(STYLE["member"], 0.6), linewidths=0.4, zorder=1), autolim=False)
        ax.add_collection(LineCollection(province_lines, colors="#9a9a9a", linewidths=0.4,
                                         zorder=2), autolim=False)
        ax.add_collection(LineCollection(hub_lines, colors=STYLE["hub"], linewidths=0.9,
                                         zorder=4), autolim=False)
        upto = dated[dated["year"] <= year].sort_values(["amount_cny", "x", "y"],
                                                        ascending=[False, True, True],
                                                        kind="stable")
        new = (upto["year"] == year).to_numpy()
        ax.g60_investments = ax.scatter(  # type: ignore[attr-defined]
            upto["x"], upto["y"], s=upto["amount_cny"].to_numpy() * pt2_per_cny,
            facecolor=np.where(new[:, None], new_fill, old_fill),
            edgecolor=STYLE["investment"], linewidth=np.where(new, 0.9, 0.4), zorder=3,
            gid=f"investments-{year}")
        ax.scatter(seats.geometry.x, seats.geometry.y, s=2.2**2, color=PRINT.seat,
                   linewidth=0, zorder=5)
        total = float(upto["amount_cny"].sum())
        heading = words["years_total"].format(year=year, total=format_money(total, lang))
        ax.set_title(heading, fontproperties=sized(font, _fitting_pt(heading, panel_w, 8.5),
                                                   weight="bold"), pad=3, loc="left")
        ax.g60_year, ax.g60_total_cny = year, total  # type: ignore[attr-defined]
        if not panels:
            _key_panel(ax, seats, crs, font, lang)
        panels.append(ax)

    colon = "：" if lang == "zh" else ": "
    title = f"{t['title']}{colon}{words['years_title']}"
    if _fitting_pt(title, width - 2 * side, 13) < 13:  # too long for one line: two
        title = f"{t['title']}{colon}\n{words['years_title']}"
    fig.text(side / width, 1 - 0.3 / height, title, ha="left", va="center",
             fontproperties=sized(font, 13 if "\n" not in title else 11.5, weight="bold"),
             parse_math=False)
    key = fig.add_axes((side / width, 0.05 / height, 0.5, (bottom - 0.1) / height))
    key.set_axis_off()
    handles = [
        Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor=new_fill,
               markeredgecolor=STYLE["investment"], markeredgewidth=0.9,
               label=words["years_new"]),
        Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor=old_fill,
               markeredgecolor=STYLE["investment"], markeredgewidth=0.4,
               label=words["years_earlier"]),
    ]
    key.legend(handles=handles, loc="lower left", prop=sized(font, 8), frameon=False,
               ncols=2, borderaxespad=0.0)
    sizes = fig.add_axes((0.55, 0.05 / height, 0.43, (bottom - 0.1) / height))
    sizes.set_axis_off()
    size_legend(sizes, legend_amounts(largest)[:2], pt2_per_cny, t["legend_investment"], font,
                lang, anchor=(1.0, 1.0), loc="upper right")
    left_out = len(corridor.investments) - len(dated)
    if left_out:
        note = (f"{left_out} investment(s) without a date, amount or place are not shown"
                if lang == "en" else f"另有 {left_out} 项投资缺少日期、金额或地点，未显示")
        fig.text(side / width, 0.5 * (bottom - 0.15) / height, note, ha="left", va="center",
                 fontproperties=sized(font, 7), color="#444444", parse_math=False)
    fig.g60_years = years  # type: ignore[attr-defined]
    fig.g60_panels = panels  # type: ignore[attr-defined]
    return fig
