"""The interactive map's data: a :class:`~g60map.corridor.model.Corridor` as one JSON-able dict.

:func:`map_payload` is pure (no folium, no page): it turns the corridor's layers into the
payload that the page script ``g60map.js`` draws. The format of the payload is written
down in the header of ``g60map.js``; :data:`PAYLOAD_VERSION` is its version, stored in the
payload as ``v``: change both together.

* **Boundaries** are stored once as a topology (:func:`g60map.render.web.codec.encode_topology`):
  every shared edge once, each ring a list of arc numbers, vertices quantised to
  ``10**-COORD_DECIMALS`` degrees and written as base-64 deltas.
* **Bounded**: up to ``settings.PARTNER_DETAIL_LIMIT`` partners are sent with every column
  (each cell cut to ``settings.POPUP_CELL_CHARS``, a row to ``settings.POPUP_TEXT_CHARS``);
  up to ``settings.PARTNER_POINT_LIMIT`` as coordinates and names; beyond that counted per
  grid cell of ``settings.PARTNER_GRID_DEG`` degrees.
* **Datum**: for GCJ-02 basemaps every geometry is shifted to GCJ-02
  (:func:`g60map.reference.datum.shift_gdf`).
* **Text is data**: :func:`script_json` writes the payload so that no string can end the
  ``<script>`` element it is put in.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import settings
from ...corridor.model import Corridor
from ...reference.datum import shift_gdf
from ..symbology import (
    GRID_COLORS,
    STYLE,
    ZERO_COLOR,
    class_label,
    class_of,
    count_classes,
)
from ..text import (
    LABELS,
    MAP_LABELS,
    Lang,
    format_money,
    format_money_both,
    format_number,
    legend_amounts,
    sample_lines,
    sources_line,
)
from ._cells import (
    cell_text,
    clip,
    local_name,
    placed_at_seat,
)
from ._fields import FieldChoice, field_choice, field_table, field_text
from ._search import search_index
from .basemaps import Basemap
from .codec import encode_ints, encode_path, quantise
from .districts import districts_payload
from .flowmap import flows_payload
from .topology import boundary_topology
from .views import facets, metrics_payload, row_attributes, time_axis

__all__ = [
    "INVESTMENT_MAX_RADIUS_PX",
    "PAYLOAD_VERSION",
    "drawn_tables",
    "map_payload",
    "script_json",
]

#: Version of the payload format, described in the header of ``g60map.js`` (the page
#: script that reads it checks it): change both together.
PAYLOAD_VERSION = 3

#: Largest radius (pixels) of an investment circle; area is proportional to the amount.
INVESTMENT_MAX_RADIUS_PX: float = 28.0

_MIN_RADIUS_PX = 3.0

_JS_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


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
    for char, escaped in _JS_UNSAFE:  # str.replace: C speed on a 0.3 MB payload
        text = text.replace(char, escaped)
    return text


# ----------------------------------------------------------------------------- helpers


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


def _located(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the rows that have a location (a row without one is never drawn at 0, 0)."""
    geoms = frame.geometry.values
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return frame if located.all() else frame[located]


# ----------------------------------------------------------------------------- payload

def _partners_payload(
    partners: gpd.GeoDataFrame, lang: Lang, t: dict[str, str], scale: int,
    detail_limit: int, point_limit: int, attrs: np.ndarray,
    fields: tuple[Any, Any] = (True, True),
) -> dict[str, Any]:
    n = len(partners)
    if n == 0:
        return {"mode": "none", "n": 0}
    xy = _xy(partners, scale)
    if n <= point_limit:
        titles = local_name(partners, lang, "name", "name_zh").map(
            lambda s: clip(s, int(settings.POPUP_CELL_CHARS)))
        alt = local_name(partners, "en" if lang == "zh" else "zh", "name", "name_zh").map(
            lambda s: clip(s, int(settings.POPUP_CELL_CHARS)))
        alt = alt.where(alt != titles, "")
        at_seat = placed_at_seat(partners)
    if n <= detail_limit:
        labels, rows = field_table(partners, lang, "partners", fields[1])
        outside = (~partners["in_corridor"].astype(bool)).tolist() if "in_corridor" in \
            partners else [False] * n
        records = []
        for i in range(n):
            records.append([int(xy[i, 0]), int(xy[i, 1]), titles.iat[i], rows[i],
                            int(outside[i]), alt.iat[i], int(at_seat[i])])
        return {"mode": "detail", "n": n, "cols": labels, "rows": records,
                "attr": encode_ints(attrs.ravel()),
                "find": search_index(partners, "partners", lang),
                **_tip_payload(partners, lang, "partners", fields, range(n))}
    if n <= point_limit:
        order = np.lexsort((xy[:, 0], xy[:, 1]))
        names = titles.to_numpy(dtype=object)[order]
        out = {
            "mode": "points",
            "n": n,
            "xy": encode_path(xy[order]),
            "names": [str(s)[:80] for s in names],
            "attr": encode_ints(attrs[order].ravel()),
            "find": search_index(partners.iloc[order], "partners", lang),
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
    grid = np.column_stack([keys // height + x0, keys % height + y0])
    classes = count_classes(int(counts.max()))
    cls = class_of(counts, classes)
    triples = np.column_stack([grid, counts, cls]).astype(np.int64)
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
    investments: gpd.GeoDataFrame, lang: Lang, t: dict[str, str], scale: int, attrs: np.ndarray,
    fields: tuple[Any, Any] = (True, True),
) -> tuple[dict[str, Any], list[int]]:
    """Return the investments (largest circle first) and the order of the rows in them."""
    n = len(investments)
    if n == 0:
        return {"n": 0, "rows": [], "sizes": [], "attr": ""}, []
    cny = pd.to_numeric(investments.get("amount_cny"), errors="coerce").to_numpy(dtype=float)
    usd = pd.to_numeric(investments.get("amount_usd"), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(cny) & (cny > 0)
    vmax = float(cny[finite].max()) if finite.any() else 0.0

    def radius(v: float) -> float:
        if vmax <= 0 or not math.isfinite(v) or v <= 0:
            return _MIN_RADIUS_PX
        return max(_MIN_RADIUS_PX, INVESTMENT_MAX_RADIUS_PX * math.sqrt(v / vmax))

    labels, rows = field_table(investments, lang, "investments", fields[1])
    xy = _xy(investments, scale)
    at_seat = placed_at_seat(investments)
    title_col = next((c for c in ("project", "investor") if c in investments), None)
    titles = field_text(investments, title_col, lang) if title_col else None
    records: list[list[Any]] = []
    for i in range(n):
        both = format_money_both(cny[i], usd[i], lang) if math.isfinite(cny[i]) else ""
        title = titles.iat[i] if titles is not None else ""
        title = clip(title, int(settings.POPUP_CELL_CHARS))
        records.append([
            int(xy[i, 0]), int(xy[i, 1]), round(radius(cny[i]), 2), title, both,
            rows[i], int(at_seat[i]),
            int(cny[i]) if finite[i] and cny[i].is_integer() else
            (float(cny[i]) if finite[i] else 0),
        ])
    order = sorted(range(n), key=lambda i: (-records[i][2], i))  # small circles on top
    sizes = [
        {"value": v, "r": round(radius(v), 2), "label": format_money(v, lang, "CNY")}
        for v in legend_amounts(vmax)
    ]
    return {"n": n, "cols": labels, "rows": [records[i] for i in order], "sizes": sizes,
            "attr": encode_ints(attrs[order].ravel()),
            "find": search_index(investments.iloc[order], "investments", lang),
            **_tip_payload(investments, lang, "investments", fields, order)}, order


def _tip_payload(
    frame: gpd.GeoDataFrame, lang: Lang, kind: Any, fields: tuple[Any, Any], order: Any,
) -> dict[str, Any]:
    """Return the tooltip and popup choices of one table, as the page script reads them.

    Nothing for the usual tooltip and popup; ``popup: 0`` for no popup; ``tipCols`` (no
    tooltip when empty) and ``tips`` (the cells of each row, in the order of ``rows``)
    for the tooltip's own columns.
    """
    tooltip, popup = fields
    out: dict[str, Any] = {} if popup is not False else {"popup": 0}
    if tooltip is not True:
        heads, cells = field_table(frame, lang, kind, tooltip)
        out["tipCols"] = heads
        out["tips"] = [cells[i] for i in order] if heads else []
    return out


def drawn_tables(
    corridor: Corridor, tables: Collection[str] | None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return the corridor's partners and investments, each empty unless named in ``tables``.

    Parameters
    ----------
    corridor : Corridor
    tables : collection of {"partners", "investments"}, or None
        None: both.

    Returns
    -------
    partners, investments : geopandas.GeoDataFrame

    Raises
    ------
    ValueError
        For any other name in ``tables``.
    """
    if tables is None:
        tables = ("partners", "investments")
    if not isinstance(tables, Collection):
        raise TypeError(
            "tables must be a collection of 'partners' and/or 'investments' (or None), "
            f"not {type(tables).__name__}"
        )
    unknown = sorted(set(tables) - {"partners", "investments"})
    if unknown or isinstance(tables, str):
        raise ValueError(
            f"tables must be a collection of 'partners' and/or 'investments', not {tables!r}"
        )
    return tuple(
        frame if name in tables else frame.iloc[0:0]
        for name, frame in (("partners", corridor.partners),
                            ("investments", corridor.investments))
    )


def map_payload(
    corridor: Corridor,
    *,
    lang: Lang,
    basemap: Basemap,
    title: str | None = None,
    detail_limit: int | None = None,
    point_limit: int | None = None,
    tables: Collection[str] = ("partners", "investments"),
    metrics: Sequence[str] | None = (),
    scheme: str | None = None,
    metric: str | None = None,
    k: int | None = None,
    cmap: str | None = None,
    tooltip: FieldChoice = True,
    popup: FieldChoice = True,
) -> dict[str, Any]:
    """Return the data the page script draws, as JSON-able lists, dicts, str and int.

    Parameters
    ----------
    corridor : Corridor
        Everything drawn comes from it: boundaries, seats, spokes, trunk, the tables, the
        partners counted per city (its summary) and the sources.
    lang : {"en", "zh"}
        Language of every label and popup.
    basemap : Basemap
        Its datum is the datum every coordinate is written in; its tiles are drawn.
    title : str, optional
        Map title (default: the corridor's name in ``lang``, with a subtitle).
    detail_limit, point_limit : int, optional
        Defaults ``settings.PARTNER_DETAIL_LIMIT`` and ``settings.PARTNER_POINT_LIMIT``.
    tables : collection of str, default ("partners", "investments")
        The tables drawn as points (rows without a location are left out). The city
        fill counts every partner whichever are drawn.
    metrics : sequence of str or None, default ()
        Numeric columns offered as choropleth metrics after the built-in ones
        (:func:`g60map.render.web.views.metrics_payload`).
    scheme : {"nice", "quantiles", "natural_breaks"}, optional
        Classification of every metric (default :data:`g60map.settings.MAP_SCHEME`).
    metric : str, optional
        The metric the map opens with (:func:`g60map.render.web.views.default_metric`).
    k, cmap : optional
        Number of classes and their colour map (:func:`g60map.render.web.views.metrics_payload`).
    tooltip, popup : bool, str or sequence of str, default True
        What a partner's or investment's tooltip and popup show: True the usual fields,
        False nothing, column names those columns (:mod:`g60map.render.web._fields`).

    Returns
    -------
    dict
        Format version :data:`PAYLOAD_VERSION` (described in ``g60map.js``).

    Examples
    --------
    >>> from g60map import load_corridor
    >>> from g60map.render.web.basemaps import BASEMAPS
    >>> data = map_payload(load_corridor(), lang="en", basemap=BASEMAPS["none"])
    >>> data["v"] == PAYLOAD_VERSION, data["partners"]["n"], len(data["spokes"])
    (True, 6, 8)
    >>> [m["key"] for m in data["choices"]["list"]]
    ['partners', 'partners_per_1000km2', 'invest_cny']
    """
    detail_limit = settings.PARTNER_DETAIL_LIMIT if detail_limit is None else int(detail_limit)
    point_limit = settings.PARTNER_POINT_LIMIT if point_limit is None else int(point_limit)
    labels = LABELS[lang]
    t = {key: labels[key] for key in MAP_LABELS}
    scale = int(10**settings.COORD_DECIMALS)
    cities, provinces = corridor.boundaries["city"], corridor.boundaries["province"]
    topo = boundary_topology(cities, provinces, basemap.datum, scale)
    shapes = topo.shapes
    seats = _shift(corridor.cities, basemap)
    spokes = _shift(corridor.spokes, basemap)
    trunk = _shift(corridor.trunk, basemap)
    partners, investments = (_shift(_located(f), basemap) for f in drawn_tables(corridor, tables))
    axis = time_axis([corridor.partners, corridor.investments], lang)
    found = facets(corridor.partners, corridor.investments, lang, labels)
    choices = metrics_payload(corridor, lang=lang, metrics=metrics, scheme=scheme, metric=metric,
                               axis=axis, found=found, t=labels, k=k, cmap=cmap)
    shown = choices["list"][choices["metric"]]
    choices.update(
        time={"unit": axis.unit, "labels": list(axis.labels)} if axis else None,
        kinds=list(found.kind_labels),
        provs=list(found.province_labels),
    )
    tables_in = {"partners": corridor.partners, "investments": corridor.investments}
    fields = (field_choice(tooltip, tables_in, "tooltip"), field_choice(popup, tables_in, "popup"))
    partner_payload = _partners_payload(partners, lang, t, scale, detail_limit, point_limit,
                                        row_attributes(partners, axis, found), fields)
    invest_payload, invest_order = _investments_payload(
        investments, lang, t, scale, row_attributes(investments, axis, found), fields)
    flows = None
    if len(investments) and len(corridor.flows):
        rows = investments["row"] if "row" in investments else pd.Series(range(len(investments)))
        flows = flows_payload(_shift(corridor.flows, basemap),
                              rows.iloc[invest_order].reset_index(drop=True),
                              lang=lang, t=labels, scale=scale)
    if flows is not None:
        spokes = spokes.iloc[0:0]  # the flows say where the money goes: no spokes

    nc = len(cities)
    codes = cities["code"].astype(str)
    summary = corridor.summary.set_index(corridor.summary["code"].astype(str))
    counts = codes.map(summary["partners"]).fillna(0).astype(int).to_numpy()
    member = cities["is_member"].astype(bool).to_numpy()
    metric_cls = dict(zip(choices["codes"], shown["cls"], strict=True))
    names = local_name(cities, lang, "name_en", "name_zh")
    alt = local_name(cities, "en" if lang == "zh" else "zh", "name_en", "name_zh")
    prov = local_name(cities, lang, "province_en", "province_zh")
    seat_codes = seats["code"].astype(str)
    seat_xy = dict(zip(seat_codes, map(tuple, _xy(seats, scale).tolist()), strict=True))
    roles = cities["role"].astype(str).tolist()
    n_invest = summary["investments"].to_dict()
    invested = summary["invest_cny"].to_dict()
    city_records = []
    for i, code in enumerate(codes.tolist()):
        rec: dict[str, Any] = {
            "code": code,
            "name": names.iat[i],
            "alt": alt.iat[i],
            "prov": prov.iat[i],
            "role": roles[i] or "other",
            "cls": int(metric_cls.get(code, -1)) if member[i] else -2,
            "partners": int(counts[i]),
            "shape": shapes[i],
        }
        if n_invest.get(code, 0):
            money = format_money(invested.get(code), lang, "CNY")
            rec["invest"] = f"{int(n_invest[code])} · {money}"
        if code in seat_xy:
            rec["seat"] = list(seat_xy[code])
        city_records.append(rec)
    hub_first = sorted(
        (i for i in range(nc) if "seat" in city_records[i]),
        key=lambda i: (city_records[i]["role"] != "hub",
                       list(settings.MEMBER_CODES).index(city_records[i]["code"])
                       if city_records[i]["code"] in settings.MEMBER_CODES else 99),
    )

    spoke_names = local_name(spokes, lang, "name_en", "name_zh")
    spoke_records = []
    for i in range(len(spokes)):
        line = quantise(shapely.get_coordinates(spokes.geometry.iat[i]), scale)
        km = float(spokes["length_km"].iat[i])
        deg = float(spokes["bearing_deg"].iat[i]) % 360
        tip = labels["spoke_tip"].format(
            name=spoke_names.iat[i], km=format_number(km, 1), deg=format_number(deg, 0)
        )
        spoke_records.append({"line": encode_path(line), "tip": tip})
    trunk_rec = None
    if len(trunk):
        row = trunk.iloc[0]
        name = cell_text(row.get("name_zh") if lang == "zh" else row.get("name"))
        km = float(row.get("length_km", math.nan))
        note = cell_text(row.get("note", ""))
        tip = f"{name}: {km:,.0f} {t['km']}" if math.isfinite(km) else name
        trunk_rec = {
            "line": encode_path(quantise(shapely.get_coordinates(trunk.geometry.iat[0]), scale)),
            "tip": tip,
            "note": note if lang == "en" else "",
        }

    boxes = np.asarray(topo.bounds[:nc], dtype=float)
    boxes = boxes[member] if member.any() else boxes
    bx0, by0 = boxes[:, :2].min(axis=0)
    bx1, by1 = boxes[:, 2:].max(axis=0)
    rate = corridor.summary.attrs.get("usd_cny_rate")
    footer = [
        f"{t['sources']}: {t['boundaries_source']}; {t['seats_source']}",
        sources_line(corridor.sources, lang, limit=5),
        *sample_lines({"partners": corridor.partners, "investments": corridor.investments},
                      lang),
    ]
    if rate and len(corridor.investments):
        footer.append(f"{t['rate']}: {float(rate):.2f} {labels['rate_unit']} "
                      f"({cell_text(corridor.summary.attrs.get('usd_cny_rate_date', ''))})")
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
        "v": PAYLOAD_VERSION,
        "lang": lang,
        "scale": scale,
        "t": t,
        "title": t["title"] if title is None else str(title),
        "subtitle": t["subtitle"] if title is None else "",
        "tiles": tiles,
        "minZoom": 4,
        "maxZoom": basemap.max_zoom if basemap.url else 16,
        "style": {**STYLE, "zero": ZERO_COLOR, "flow": STYLE["investment"]},
        "bounds": [[round(by0, 5), round(bx0, 5)], [round(by1, 5), round(bx1, 5)]],
        "arcs": list(topo.arcs),
        "cities": city_records,
        "labelOrder": hub_first,
        "provinces": [
            {"name": n_, "shape": shapes[nc + j]}
            for j, n_ in enumerate(local_name(provinces, lang, "name_en", "name_zh"))
        ],
        "choices": choices,
        "spokes": spoke_records,
        "flows": flows,
        "trunk": trunk_rec,
        "partners": partner_payload,
        "investments": invest_payload,
        "footer": footer,
        "districts": districts_payload(corridor, lang=lang, datum=basemap.datum, scale=scale,
                                       choices=choices),
    }
