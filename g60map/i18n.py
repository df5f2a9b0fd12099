"""The one en/zh catalogue: every word g60map writes on a map, a chart or a document.

:data:`TEXT` holds each text once, per language, under one key; a text used in several
places (a map's layer name, a report's column heading) is one entry. Each output reads its
words through a *section*: a mapping of the names it uses to keys of :data:`TEXT`
(:data:`MAP_KEYS` for :data:`g60map.render.text.LABELS`, :data:`REPORT_KEYS` for the
report, Word file and slides, :data:`PRINT_KEYS` for the static map and charts,
:data:`METRIC_KEYS` for :data:`g60map.corridor.metrics.BUILTIN`), made by :func:`section`.
Entries with ``{name}`` fields are ``str.format`` templates. The texts themselves, English
and Chinese, are the two tables of :mod:`g60map._catalogue`; this module is how every
output reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._catalogue import EN, ZH

__all__ = [
    "LANGS",
    "MAP_KEYS",
    "METRIC_KEYS",
    "PRINT_KEYS",
    "REPORT_KEYS",
    "TEXT",
    "section",
]

#: Languages of every text.
LANGS: tuple[str, ...] = ("en", "zh")

#: Every text, per language, once: the tables of :mod:`g60map._catalogue`.
TEXT: Mapping[str, Mapping[str, Any]] = {"en": EN, "zh": ZH}

#: The interactive and static maps' labels (the page script reads those before
#: ``spoke_tip``, see :data:`g60map.render.text.MAP_LABELS`).
MAP_KEYS: Mapping[str, str] = MappingProxyType({
    "title": "title",
    "subtitle": "subtitle",
    "layer_provinces": "layer_provinces",
    "layer_cities": "layer_cities",
    "layer_labels": "layer_labels",
    "layer_spokes": "layer_spokes",
    "layer_trunk": "layer_trunk",
    "layer_partners": "partners",
    "layer_investments": "investments",
    "legend": "legend",
    "legend_fill": "legend_fill",
    "legend_none": "legend_none",
    "legend_hub": "legend_hub",
    "legend_other": "legend_other",
    "legend_province": "legend_province",
    "legend_spoke": "legend_spoke",
    "legend_trunk": "legend_trunk",
    "legend_partner": "legend_partner",
    "legend_partner_grid": "legend_partner_grid",
    "legend_investment": "legend_investment",
    "legend_seat": "legend_seat",
    "province": "province",
    "role": "role",
    "role_hub": "role_hub",
    "role_member": "role_member",
    "role_other": "role_other",
    "partners": "partners",
    "investments": "investments",
    "km": "km",
    "city": "city",
    "name": "name",
    "name_zh": "name_zh",
    "kind": "kind",
    "website": "website",
    "address": "address",
    "description": "description",
    "source": "source",
    "location_precision": "location_precision",
    "location_basis": "location_basis",
    "investor": "investor",
    "project": "project",
    "amount": "amount",
    "amount_both": "amount_both",
    "date": "date",
    "outside": "outside",
    "search": "search",
    "at_seat": "at_seat",
    "no_match": "no_match",
    "fullscreen": "fullscreen",
    "exit_fullscreen": "exit_fullscreen",
    "show_legend": "show_legend",
    "hide_legend": "hide_legend",
    "partner_count": "partner_count",
    "sources": "sources",
    "datum": "datum",
    "datum_wgs84": "datum_wgs84",
    "datum_gcj02": "datum_gcj02",
    "boundaries_source": "boundaries_source",
    "seats_source": "seats_source",
    "attribution": "attribution",
    "rate": "rate",
    "aggregated": "aggregated",
    "layer_flows": "layer_flows",
    "legend_flow": "legend_flow",
    "legend_metric": "legend_metric",
    "legend_scheme": "legend_scheme",
    "legend_k": "legend_k",
    "scheme_natural_breaks": "scheme_natural_breaks",
    "scheme_quantiles": "scheme_quantiles",
    "scheme_nice": "scheme_nice",
    "summary": "summary",
    "n_of": "n_of",
    "time": "time",
    "time_cum": "time_cum",
    "time_per": "time_per",
    "play": "play",
    "pause": "pause",
    "views": "views",
    "show_views": "show_views",
    "hide_views": "hide_views",
    "facet_kind": "facet_kind",
    "facet_out": "facet_out",
    "in_corridor": "in_corridor",
    "no_kind": "no_kind",
    "unknown_place": "unknown_place",
    "undated": "undated",
    "undated_table": "undated_table",
    "grid_unfiltered": "grid_unfiltered",
    "save_png": "save_png",
    "view_link": "view_link",
    "link_copied": "link_copied",
    "tiles_left_out": "tiles_left_out",
    "value_in_view": "value_in_view",
    "save_png_2x": "save_png_2x",
    "png_left_out": "png_left_out",
    "png_no_filter": "png_no_filter",
    "flow_origin": "flow_origin",
    "all_origins": "all_origins",
    "spoke_tip": "spoke_tip",
    "flow_tip": "flow_tip",
    "legend_partner_place": "legend_partner_place",
    "trunk_schematic": "trunk_schematic",
    "north": "north",
    "district": "district",
    "precision_point": "precision_point",
    "precision_district": "precision_district",
    "precision_city": "precision_city",
    "precision_province": "precision_province",
    "yes": "yes",
    "no": "no",
    "rate_unit": "rate_unit",
    "no_data": "no_data",
    "credits": "credits",
    "no_library": "no_library",
    "layer_districts": "layer_districts",
    "district_whole": "district_whole",
    "sample_points": "sample_points",
})

#: The report's words (HTML page, Word file, slides).
REPORT_KEYS: Mapping[str, str] = MappingProxyType({
    "title": "report_title",
    "lead": "lead",
    "what_article": "what_article",
    "what_user": "what_user",
    "cities": "cities",
    "cities_v": "cities_v",
    "area": "area",
    "extent": "extent",
    "spokes": "spokes",
    "spokes_v": "spokes_v",
    "trunk": "trunk",
    "partners": "partners",
    "investments": "report_investments",
    "invested": "invested",
    "h_facts": "h_facts",
    "h_cities": "cities",
    "h_spokes": "spokes",
    "h_investments": "investments",
    "h_inputs": "h_inputs",
    "h_software": "h_software",
    "h_sources": "h_sources",
    "h_method": "h_method",
    "h_map": "h_map",
    "h_maps": "h_maps",
    "h_years": "h_years",
    "c_city": "city",
    "c_en": "c_en",
    "c_zh": "c_zh",
    "c_province": "province",
    "c_role": "role",
    "c_dist": "c_dist",
    "c_bearing": "c_bearing",
    "c_area": "c_area",
    "c_partners": "partners",
    "c_invn": "report_investments",
    "c_cny": "c_cny",
    "c_usd": "c_usd",
    "c_density": "c_density",
    "c_rank": "c_rank",
    "c_to": "c_to",
    "c_len": "c_len",
    "c_investor": "investor",
    "c_project": "project",
    "c_amount": "amount",
    "c_date": "date",
    "c_input": "c_input",
    "c_file": "c_file",
    "c_rows": "c_rows",
    "c_sha": "c_sha",
    "c_pkg": "c_pkg",
    "c_ver": "c_ver",
    "hub": "hub",
    "member": "member",
    "cap_cities": "cap_cities",
    "cap_spokes": "cap_spokes",
    "cap_investments": "cap_investments",
    "cap_inputs": "cap_inputs",
    "cap_software": "cap_software",
    "h_technical": "h_technical",
    "cap_technical": "cap_technical",
    "c_topic": "c_topic",
    "c_how": "c_how",
    "tech_distance": "tech_distance",
    "tech_distance_v": "tech_distance_v",
    "tech_area": "tech_area",
    "tech_area_v": "tech_area_v",
    "tech_datum": "tech_datum",
    "tech_datum_v": "tech_datum_v",
    "rate_src_article": "rate_src_article",
    "src_packaged": "src_packaged",
    "src_none": "src_none",
    "src_column": "src_column",
    "src_file": "src_file",
    "h_toc": "h_toc",
    "h_toc_hint": "h_toc_hint",
    "src_article": "src_article",
    "src_bounds": "src_bounds",
    "src_seats": "src_seats",
    "src_rate": "src_rate",
    "src_tables": "src_tables",
    "steps": "steps",
    "note": "note",
})

#: Words only the static map and its charts use.
PRINT_KEYS: Mapping[str, str] = MappingProxyType({
    "badge_district": "badge_district",
    "badge_city": "badge_city",
    "badge_both": "badge_both",
    "dots": "dots",
    "years_title": "years_title",
    "years_total": "years_total",
    "years_new": "years_new",
    "years_earlier": "years_earlier",
})

#: Labels of the built-in metrics, by metric key.
METRIC_KEYS: Mapping[str, str] = MappingProxyType({
    "partners": "metric_partners",
    "partners_per_1000km2": "metric_partners_per_1000km2",
    "invest_cny": "metric_invest_cny",
})


def section(keys: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Return the texts an output uses, per language, under the names it uses.

    Parameters
    ----------
    keys : Mapping of str to str
        The output's names and the :data:`TEXT` key of each.

    Returns
    -------
    dict
        ``{lang: {name: text}}`` for each of :data:`LANGS`.

    Examples
    --------
    >>> section({"h_partners": "partners"})["zh"]
    {'h_partners': '合作伙伴'}
    """
    return {lang: {name: TEXT[lang][key] for name, key in keys.items()} for lang in LANGS}
