"""g60map: maps, analysis and exports of the G60 Science and Technology Innovation Corridor.

The data flows one way: load (:mod:`g60map.io`, :mod:`g60map.boundaries`) -> validate
(:mod:`g60map.validate`) -> join (:mod:`g60map.join`, :mod:`g60map.tables`) -> analyse
-> render / export. Every GeoDataFrame the API returns is in WGS-84 (EPSG:4326).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._errors import G60Error, G60InputError, MissingDependencyError, UnknownCityError
from .boundaries import load_boundaries
from .corridor import (
    corridor_overview,
    corridor_spokes,
    corridor_summary,
    distance_from_hub,
    g60_trunk,
    hub_rings,
    summary_table,
)
from .datum import gcj02_to_wgs84, wgs84_to_gcj02
from .export import corridor_layers, export_layers, write_table
from .io import load_cities
from .render.interactive import build_map, map_fragment, map_html, map_iframe, save_map
from .render.report import build_report
from .render.static import render_static, save_static
from .tables import G60Warning, load_investments, load_partners

try:
    __version__ = version("g60map")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "G60Error",
    "G60InputError",
    "G60Warning",
    "MissingDependencyError",
    "UnknownCityError",
    "load_cities",
    "load_boundaries",
    "load_partners",
    "load_investments",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "corridor_spokes",
    "g60_trunk",
    "corridor_summary",
    "summary_table",
    "corridor_overview",
    "distance_from_hub",
    "hub_rings",
    "corridor_layers",
    "export_layers",
    "write_table",
    "render_static",
    "save_static",
    "build_report",
    "build_map",
    "save_map",
    "map_html",
    "map_fragment",
    "map_iframe",
]
