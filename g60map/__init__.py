"""g60map: maps, analysis and exports of the G60 Science and Technology Innovation Corridor.

The data flows one way: load (:mod:`g60map.io`, :mod:`g60map.boundaries`) -> validate
(:mod:`g60map.validate`) -> join (:mod:`g60map.join`, :mod:`g60map.tables`) -> analyse
-> render / export. Every GeoDataFrame the API returns is in WGS-84 (EPSG:4326).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._errors import G60Error, G60InputError, MissingDependencyError, UnknownCityError
from .boundaries import load_boundaries
from .datum import gcj02_to_wgs84, wgs84_to_gcj02
from .io import load_cities
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
]
