"""Boundaries per level for a corridor: province and city read at once, districts when asked."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import geopandas as gpd

from .._frames import as_wgs84
from ..reference.boundaries import Resolution, load_boundaries

__all__ = ["boundary_levels"]


class _Levels(Mapping[str, gpd.GeoDataFrame]):
    """Boundaries per level, each read from the packaged file when first asked for."""

    def __init__(self, levels: Sequence[str], resolution: Resolution) -> None:
        self._levels = tuple(levels)
        self._resolution = resolution
        self._frames: dict[str, gpd.GeoDataFrame] = {}

    def __getitem__(self, level: str) -> gpd.GeoDataFrame:
        if level not in self._levels:
            raise KeyError(level)
        if level not in self._frames:
            self._frames[level] = as_wgs84(load_boundaries(level, self._resolution),  # type: ignore[arg-type]
                                            f"{level} boundaries", fresh_index=True)
        return self._frames[level]

    def __contains__(self, level: object) -> bool:
        return level in self._levels  # without reading the level

    def __iter__(self) -> Iterator[str]:
        return iter(self._levels)

    def __len__(self) -> int:
        return len(self._levels)


def boundary_levels(resolution: Resolution) -> _Levels:
    """Province and city boundaries read now, district boundaries when first asked for."""
    from ..reference.datasets import get_path

    levels = ["province", "city"]
    suffix = "_full" if resolution == "full" else ""
    try:
        if get_path(f"boundaries_district{suffix}").is_file():
            levels.append("district")
    except (ValueError, OSError):
        pass
    out = _Levels(levels, resolution)
    for level in ("province", "city"):
        out[level]
    return out
