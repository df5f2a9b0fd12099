"""g60map: maps, analysis and exports of the G60 Science and Technology Innovation Corridor.

The data flows one way, stage by stage: reference data (:mod:`g60map.reference`) and users'
tables (:mod:`g60map.ingest`: read, validate, place, join) -> the corridor and its analysis
(:mod:`g60map.corridor`) -> outputs (:mod:`g60map.export`, :mod:`g60map.render`) and the
command line (:mod:`g60map.cli`). Every GeoDataFrame the API returns is in WGS-84 (EPSG:4326).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    G60Error,
    G60InputError,
    G60Warning,
    MissingDependencyError,
    Problem,
    UnknownCityError,
)
from ._version import __version__

# Everything but the errors and the version is imported on first use, so that the command
# line answers ``--version`` and ``--help`` without geopandas, and a plain ``import g60map``
# doesn't pay for matplotlib or folium until it draws something.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["corridor_spokes", "g60_trunk"], ".corridor.axis"),
    **dict.fromkeys(["distance_from_hub", "hub_rings"], ".corridor.geodesy"),
    "load_cities": ".reference.cities",
    **dict.fromkeys(
        ["check_table", "load_investments", "load_partners"], ".ingest.tables"
    ),
    "G60Note": ".ingest.notes",
    "load_boundaries": ".reference.boundaries",
    **dict.fromkeys(
        ["bd09_to_gcj02", "gcj02_to_bd09", "gcj02_to_wgs84", "to_wgs84", "wgs84_to_gcj02"],
        ".reference.datum",
    ),
    **dict.fromkeys(
        ["corridor_overview", "corridor_summary", "district_summary", "summary_table"],
        ".corridor.summary",
    ),
    "count_partners_by_city": ".ingest.engine",
    "export_layers": ".export.layers",
    "write_table": ".export.spreadsheet",
    **dict.fromkeys(["Corridor", "load_corridor"], ".corridor.model"),
    **dict.fromkeys(
        ["build_map", "map_fragment", "map_html", "map_iframe", "save_map"],
        ".render.web.interactive",
    ),
    **dict.fromkeys(["report_html", "save_report"], ".render.docs.report"),
    **dict.fromkeys(["report_docx", "save_slides", "slides_pptx"], ".render.docs.office"),
    **dict.fromkeys(["render_static", "save_static"], ".render.static.figure"),
    "small_multiples": ".render.static.charts",
}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .corridor.axis import corridor_spokes, g60_trunk
    from .corridor.geodesy import distance_from_hub, hub_rings
    from .corridor.model import Corridor, load_corridor
    from .corridor.summary import (
        corridor_overview,
        corridor_summary,
        district_summary,
        summary_table,
    )
    from .export.layers import export_layers
    from .export.spreadsheet import write_table
    from .ingest.engine import count_partners_by_city
    from .ingest.notes import G60Note
    from .ingest.tables import check_table, load_investments, load_partners
    from .reference.boundaries import load_boundaries
    from .reference.cities import load_cities
    from .reference.datum import (
        bd09_to_gcj02,
        gcj02_to_bd09,
        gcj02_to_wgs84,
        to_wgs84,
        wgs84_to_gcj02,
    )
    from .render.docs.office import report_docx, save_slides, slides_pptx
    from .render.docs.report import report_html, save_report
    from .render.static.charts import small_multiples
    from .render.static.figure import render_static, save_static
    from .render.web.interactive import build_map, map_fragment, map_html, map_iframe, save_map


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'g60map' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    "G60Error",
    "G60InputError",
    "G60Warning",
    "G60Note",
    "MissingDependencyError",
    "Problem",
    "UnknownCityError",
    "Corridor",
    "load_corridor",
    "load_cities",
    "load_boundaries",
    "load_partners",
    "load_investments",
    "check_table",
    "count_partners_by_city",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "to_wgs84",
    "corridor_spokes",
    "g60_trunk",
    "corridor_summary",
    "summary_table",
    "corridor_overview",
    "district_summary",
    "distance_from_hub",
    "hub_rings",
    "export_layers",
    "write_table",
    "report_docx",
    "slides_pptx",
    "save_slides",
    "render_static",
    "save_static",
    "small_multiples",
    "report_html",
    "save_report",
    "build_map",
    "save_map",
    "map_html",
    "map_fragment",
    "map_iframe",
]
