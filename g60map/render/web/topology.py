"""The boundaries as one topology for the interactive map: precomputed for the packaged data.

Cutting the 56 city and 4 province polygons into shared arcs
(:func:`g60map.render.web.codec.encode_topology`) takes about 0.2 s, the bulk of building the
default map. The result for the packaged boundaries ships with the package
(``topology.json`` next to this module, WGS-84) and is used when the boundaries drawn are
exactly those (same vertices, same order: :func:`fingerprint`); any other boundaries, or
the GCJ-02 shift for AMap/Tencent tiles, are encoded on demand and kept for the process.

Rebuild the file after the packaged boundaries change (a test says when)::

    python -m g60map.render.web.topology
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ..._atomic import write_text
from ...reference.datum import shift_gdf
from .codec import encode_topology

__all__ = ["PACKAGED_FILE", "BoundaryTopology", "boundary_topology", "encode_shapes",
           "fingerprint", "read_shipped", "shipped_text",
           "write_packaged"]

#: The precomputed topology of the packaged boundaries, next to this module.
PACKAGED_FILE = "topology.json"

_FORMAT = 1


@dataclass(frozen=True)
class BoundaryTopology:
    """City and province boundaries as shared arcs, in one datum (read-only).

    Attributes
    ----------
    arcs : tuple of str
        Encoded arcs (:func:`g60map.render.web.codec.encode_path`).
    shapes : tuple
        Per polygon, cities first then provinces: polygons -> rings -> arc numbers
        (``~i``: arc ``i`` reversed).
    bounds : tuple of tuple of float
        Per polygon, ``(min_lon, min_lat, max_lon, max_lat)`` in the same datum.
    """

    arcs: tuple[str, ...]
    shapes: tuple[Any, ...]
    bounds: tuple[tuple[float, float, float, float], ...]


def fingerprint(cities: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, scale: int) -> str:
    """Return a SHA-256 of the boundaries' geometry (WKB, in order) and the scale.

    Parameters
    ----------
    cities, provinces : geopandas.GeoDataFrame
        The boundary levels drawn, WGS-84.
    scale : int
        Units per degree of the quantised coordinates.

    Returns
    -------
    str
        Hex digest; equal for the same vertices in the same order.
    """
    digest = hashlib.sha256(f"g60map-topology {_FORMAT} {scale} {len(cities)}".encode())
    geoms = np.concatenate([cities.geometry.values, provinces.geometry.values])
    for wkb in shapely.to_wkb(geoms):
        digest.update(wkb)
    return digest.hexdigest()


def encode_shapes(geoms: Any, scale: int) -> BoundaryTopology:
    """Return the shared-arc topology of polygons: arcs, shapes and each one's bounds.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        Polygons or multipolygons, in the datum drawn.
    scale : int
        Units per degree of the quantised coordinates.

    Returns
    -------
    BoundaryTopology
    """
    topo = encode_topology(geoms, scale)
    return BoundaryTopology(
        arcs=tuple(topo.encoded_arcs()),
        shapes=tuple(topo.shapes),
        bounds=tuple(
            (float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1 in shapely.bounds(geoms)
        ),
    )


def read_shipped(name: str) -> tuple[str, BoundaryTopology] | None:
    """Return a topology file shipped next to this module and its fingerprint.

    None when the file is missing, unreadable or of another format (then the caller
    encodes the boundaries itself).
    """
    try:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError):
        return None
    if data.get("format") != _FORMAT:
        return None
    topo = BoundaryTopology(
        arcs=tuple(data["arcs"]),
        shapes=tuple(data["shapes"]),
        bounds=tuple(tuple(b) for b in data["bounds"]),
    )
    return data["fingerprint"], topo


def shipped_text(topo: BoundaryTopology, **fields: Any) -> str:
    """Return the text of a shipped topology file: ``fields`` and the topology, as JSON."""
    data = {"format": _FORMAT, **fields, "arcs": list(topo.arcs),
            "shapes": list(topo.shapes), "bounds": [list(b) for b in topo.bounds]}
    return json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":")) + "\n"


def _encode(cities: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, scale: int) -> BoundaryTopology:
    return encode_shapes([*cities.geometry.values, *provinces.geometry.values], scale)


@functools.cache
def _packaged() -> tuple[str, BoundaryTopology] | None:
    """Return the shipped topology and its fingerprint, or None without a readable file."""
    return read_shipped(PACKAGED_FILE)


_CACHE: dict[tuple[str, str], BoundaryTopology] = {}
_CACHE_SIZE = 8


def boundary_topology(
    cities: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, datum: str, scale: int
) -> BoundaryTopology:
    """Return the boundaries' topology in ``datum``: shipped, cached or encoded now.

    Parameters
    ----------
    cities, provinces : geopandas.GeoDataFrame
        The boundary levels drawn, WGS-84.
    datum : {"wgs84", "gcj02"}
        Datum of the tiles: GCJ-02 shifts every vertex first.
    scale : int
        Units per degree of the quantised coordinates.

    Returns
    -------
    BoundaryTopology

    Examples
    --------
    >>> from g60map import load_boundaries
    >>> topo = boundary_topology(load_boundaries("city"), load_boundaries("province"),
    ...                          "wgs84", 10**5)
    >>> len(topo.shapes) == len(load_boundaries("city")) + 4
    True
    """
    key = (fingerprint(cities, provinces, scale), datum)
    found = _CACHE.get(key)
    if found is not None:
        return found
    packaged = _packaged() if datum == "wgs84" else None
    if packaged is not None and packaged[0] == key[0]:
        topo = packaged[1]
    else:
        if datum == "gcj02":
            cities, provinces = shift_gdf(cities, to="gcj02"), shift_gdf(provinces, to="gcj02")
        topo = _encode(cities, provinces, scale)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = topo
    return topo


def write_packaged(path: str | Path | None = None) -> Path:
    """Encode the packaged boundaries and write the file :func:`boundary_topology` ships.

    Parameters
    ----------
    path : path-like, optional
        Default: ``topology.json`` next to this module.

    Returns
    -------
    pathlib.Path
        The file written (atomically; the same boundaries give the same bytes).
    """
    from ... import settings
    from ...reference.boundaries import load_boundaries

    scale = int(10**settings.COORD_DECIMALS)
    cities, provinces = load_boundaries("city"), load_boundaries("province")
    topo = _encode(cities, provinces, scale)
    text = shipped_text(topo, fingerprint=fingerprint(cities, provinces, scale), scale=scale)
    target = Path(__file__).with_name(PACKAGED_FILE) if path is None else Path(path)
    _packaged.cache_clear()
    _CACHE.clear()
    return write_text(target, text)


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    print(write_packaged())
