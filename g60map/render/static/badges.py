"""Partners on the static map: one count badge per district or city, or small dots.

A map of hundreds of partners cannot draw a symbol per partner without hiding the city
seats and the investments under them. :func:`partner_groups` counts the partners per
district (the district of the row, ``district_code``, when the district boundaries know
it and it lies in the row's city), else per city (``city_code``), else per place;
:func:`draw_badges` draws each group as one round badge with its count, placed clear of
the seats, the investment circles, the furniture and the other badges
(:func:`g60map.render.static.placement.place_badges`); :func:`draw_dots` draws one small dot
per place instead, under the investments and the seats.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from ..symbology import STYLE
from .placement import Badge, Obstacles, canvas_renderer, place_badges

__all__ = [
    "BADGE_PT",
    "BADGE_Z",
    "DOT_PT",
    "GROUP_COLUMNS",
    "badge_text",
    "draw_badges",
    "draw_dots",
    "partner_groups",
    "whole_counts",
]

#: Columns of :func:`partner_groups`.
GROUP_COLUMNS = ("level", "code", "name_en", "name_zh", "n", "x", "y", "area")

#: z-order of the partner marks: above the spokes and trunk, under the investment
#: circles (8), the hub outline and the city seats (9).
BADGE_Z = 7.0
_DOT_Z = 6.5

#: Smallest badge diameter (points); a badge grows to fit a longer count.
BADGE_PT = 13.0

#: Diameter of a partner dot (points).
DOT_PT = 3.0


def _units(boundaries: Mapping[str, gpd.GeoDataFrame], level: str, crs: str) -> pd.DataFrame:
    frame = boundaries.get(level)
    if frame is None or not len(frame):
        return pd.DataFrame(columns=["name_en", "name_zh", "city_code", "geometry"])
    frame = frame.to_crs(crs)
    out = pd.DataFrame({
        "name_en": frame["name_en"].astype(str).to_numpy(),
        "name_zh": frame["name_zh"].astype(str).to_numpy(),
        "city_code": (frame["city_code"] if "city_code" in frame else frame["code"])
        .astype(str).to_numpy(),
        "geometry": frame.geometry.to_numpy(),
    }, index=frame["code"].astype(str).to_numpy())
    return out[~out.index.duplicated()]


def partner_groups(
    partners: gpd.GeoDataFrame, boundaries: Mapping[str, gpd.GeoDataFrame], crs: str
) -> pd.DataFrame:
    """Count partners per district, else per city, else per place, in ``crs``.

    A row counts in its district when ``district_code`` names a district of
    ``boundaries["district"]`` that lies in the row's ``city_code`` (a table edited by
    hand may disagree with itself: then the city wins); else in its city when
    ``boundaries["city"]`` has ``city_code``; else at its own place (to the metre).

    Parameters
    ----------
    partners : geopandas.GeoDataFrame
        Points (rows without a point are left out).
    boundaries : mapping of str to geopandas.GeoDataFrame
        ``"city"`` and, optionally, ``"district"`` boundaries (``code``, ``name_en``,
        ``name_zh``; districts also ``city_code``).
    crs : str
        Projected CRS of the anchors and areas returned.

    Returns
    -------
    pandas.DataFrame
        One row per group, most partners first (then by level and code): ``level``
        (``"district"``, ``"city"`` or ``"place"``), ``code`` (GB/T 2260; ``""`` for a
        place), ``name_en``, ``name_zh``, ``n`` (partners), ``x``, ``y`` (the anchor: the
        group's partner nearest to the group's mean position) and ``area`` (the shapely
        polygon of the district or city, None for a place).

    Examples
    --------
    >>> from g60map import load_corridor, settings
    >>> c = load_corridor()
    >>> g = partner_groups(c.partners, c.boundaries, settings.EQUAL_AREA_CRS)
    >>> g[["level", "code", "name_en", "n"]].values.tolist()
    [['district', '310117', 'Songjiang', 6]]
    """
    pts = partners[~(partners.geometry.is_empty | partners.geometry.isna())]
    if not len(pts):
        return pd.DataFrame({c: [] for c in GROUP_COLUMNS})
    pts = pts.to_crs(crs)
    x, y = pts.geometry.x.to_numpy(float), pts.geometry.y.to_numpy(float)
    keep = np.isfinite(x) & np.isfinite(y)
    pts, x, y = pts[keep], x[keep], y[keep]
    districts = _units(boundaries, "district", crs)
    cities = _units(boundaries, "city", crs)
    n = len(pts)
    city = (pts["city_code"].fillna("").astype(str).to_numpy() if "city_code" in pts
            else np.full(n, ""))
    district = (pts["district_code"].fillna("").astype(str).to_numpy()
                if "district_code" in pts else np.full(n, ""))
    known = pd.Series(district).map(districts["city_code"]).fillna("").to_numpy()
    in_district = (district != "") & (known != "") & ((city == "") | (known == city))
    in_city = ~in_district & pd.Series(city).isin(cities.index).to_numpy()
    level = np.where(in_district, "district", np.where(in_city, "city", "place"))
    place = pd.Series(np.round(x).astype(np.int64)).astype(str) + "," + pd.Series(
        np.round(y).astype(np.int64)).astype(str)
    code = np.where(in_district, district, np.where(in_city, city, place.to_numpy()))
    frame = pd.DataFrame({"level": level, "code": code, "x": x, "y": y})
    rows = []
    for (lv, cd), part in frame.groupby(["level", "code"], sort=True):
        px, py = part["x"].to_numpy(), part["y"].to_numpy()
        nearest = int(np.argmin(np.hypot(px - px.mean(), py - py.mean())))
        table = districts if lv == "district" else cities if lv == "city" else None
        unit = table.loc[cd] if table is not None else None
        rows.append({
            "level": lv, "code": cd if unit is not None else "",
            "name_en": unit["name_en"] if unit is not None else "",
            "name_zh": unit["name_zh"] if unit is not None else "",
            "n": len(part), "x": float(px[nearest]), "y": float(py[nearest]),
            "area": unit["geometry"] if unit is not None else None,
        })
    out = pd.DataFrame(rows, columns=list(GROUP_COLUMNS))
    rank = out["level"].map({"district": 0, "city": 1, "place": 2})
    order = np.lexsort((out["y"].to_numpy(), out["x"].to_numpy(), out["code"].to_numpy(),
                        rank.to_numpy(), -out["n"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def whole_counts(groups: pd.DataFrame, summary: pd.DataFrame,
                 district_summary: pd.DataFrame) -> pd.DataFrame:
    """Return ``groups`` of a *sample* of the partners with the counts of every row.

    The dask engine brings back a sample of a big table's points, and counts every row
    per city and per district on the workers (:attr:`g60map.Corridor.summary`,
    :attr:`g60map.Corridor.district_summary`). A district's badge then shows its
    district count, a city's badge the city count less its districts' counts; a place
    outside every city keeps the sample's count.

    Parameters
    ----------
    groups : pandas.DataFrame
        From :func:`partner_groups` of the sample.
    summary, district_summary : pandas.DataFrame
        ``code`` and ``partners`` columns (``city_code`` too for districts).

    Returns
    -------
    pandas.DataFrame
        The same groups, counts replaced, most partners first.
    """
    district = district_summary.set_index(district_summary["code"].astype(str))
    city = summary.set_index(summary["code"].astype(str))["partners"]
    in_districts = district.groupby(district["city_code"].astype(str))["partners"].sum()
    out = groups.copy()
    codes = out["code"].astype(str)
    is_district, is_city = out["level"].eq("district"), out["level"].eq("city")
    n = out["n"].astype("int64").to_numpy().copy()
    n[is_district.to_numpy()] = codes[is_district].map(district["partners"]).astype(
        float).fillna(0)
    n[is_city.to_numpy()] = (codes[is_city].map(city).astype(float).fillna(0)
                             - codes[is_city].map(in_districts).astype(float).fillna(0)
                             ).clip(lower=0)
    out["n"] = n
    rank = out["level"].map({"district": 0, "city": 1, "place": 2})
    order = np.lexsort((out["y"].to_numpy(), out["x"].to_numpy(), out["code"].to_numpy(),
                        rank.to_numpy(), -out["n"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def badge_text(n: int) -> str:
    """Return the count a badge shows: ``7``, ``275``, ``1,204``."""
    return f"{int(n):,}"


def draw_badges(
    ax: Axes,
    groups: pd.DataFrame,
    obstacles: Obstacles,
    font: font_manager.FontProperties,
) -> tuple[list[dict[str, Any]], list[Badge]]:
    """Draw one count badge per group, clear of the obstacles; return them and the forced.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes, laid out.
    groups : pandas.DataFrame
        From :func:`partner_groups`, in drawing order (most partners first).
    obstacles : Obstacles
        Seats, investment circles, furniture, lines; the badges are added to it.
    font : matplotlib.font_manager.FontProperties
        Font of the counts (its size is used as it is).

    Returns
    -------
    badges : list of dict
        Per group: ``marker`` (a ``Line2D`` whose window extent is the badge's disc),
        ``text``, ``leader`` (a ``Line2D`` or None), ``level``, ``code``, ``n``,
        ``placement``.
    forced : list of Badge
        Badges with no free position, drawn at their anchor under the seats and circles.
    """
    renderer = canvas_renderer(ax.figure)
    pt_per_px = 72.0 / ax.figure.dpi
    items = []
    widths: dict[str, float] = {}
    for row in groups.itertuples(index=False):
        label = badge_text(row.n)
        if label not in widths:
            widths[label] = renderer.get_text_width_height_descent(label, font, ismath=False)[0]
        width = widths[label]
        diameter = max(BADGE_PT, width * pt_per_px + 5.0)
        name = row.name_en or row.code or f"place {row.x:.0f}, {row.y:.0f}"
        items.append(Badge(row.x, row.y, diameter / 2.0, row.area,
                           name=f"partners of {name} ({label})"))
    forced = place_badges(ax, items, obstacles)
    out = []
    fill = STYLE["partner"]
    for row, badge in zip(groups.itertuples(index=False), items, strict=True):
        cx, cy = badge.centre if badge.placement != "forced" else (badge.x, badge.y)
        z = BADGE_Z if badge.placement != "forced" else _DOT_Z
        leader = None
        if badge.placement == "leader":
            leader = Line2D([cx, badge.x], [cy, badge.y], color=STYLE["partner"],
                            linewidth=0.7, alpha=0.8, zorder=z - 0.1,
                            gid=f"partner-leader-{row.code}")
            ax.add_line(leader)
            end = ax.transData.transform([(cx, cy), (badge.x, badge.y)])
            obstacles.add_line(end, 0.6)
        marker = Line2D([cx], [cy], linestyle="none", marker="o",
                        markersize=2 * badge.radius_pt, markerfacecolor=fill,
                        markeredgecolor="white", markeredgewidth=0.9, zorder=z,
                        gid=f"partner-badge-{row.level}-{row.code}")
        ax.add_line(marker)
        text = ax.text(cx, cy, badge_text(row.n), ha="center", va="center", color="white",
                       fontproperties=font, zorder=z + 0.05, parse_math=False)
        out.append({"marker": marker, "text": text, "leader": leader, "level": row.level,
                    "code": row.code, "n": int(row.n), "placement": badge.placement})
    return out, forced


def draw_dots(ax: Axes, partners: gpd.GeoDataFrame, crs: str) -> Any:
    """Draw one small dot per partner place (to the metre), under investments and seats.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    partners : geopandas.GeoDataFrame
    crs : str
        The axes' CRS.

    Returns
    -------
    matplotlib.collections.PathCollection or None
        The dots (gid ``partner-dots``); None without partners.
    """
    pts = partners[~(partners.geometry.is_empty | partners.geometry.isna())]
    if not len(pts):
        return None
    pts = pts.to_crs(crs)
    xy = np.unique(np.round(np.column_stack([pts.geometry.x, pts.geometry.y])), axis=0)
    xy = xy[np.isfinite(xy).all(axis=1)]
    return ax.scatter(xy[:, 0], xy[:, 1], s=DOT_PT**2,
                      color=to_rgba(STYLE["partner"], 0.75), linewidth=0, zorder=_DOT_Z,
                      gid="partner-dots")
