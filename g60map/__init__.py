"""g60map: maps, analysis and exports of the G60 Science and Technology Innovation Corridor."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .boundaries import load_boundaries
from .datum import gcj02_to_wgs84, wgs84_to_gcj02

try:
    __version__ = version("g60map")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "load_boundaries",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
]
