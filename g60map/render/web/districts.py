"""The district (区县) layer of the interactive map: simplified shapes and values per metric.

:func:`districts_payload` gives the payload's ``districts`` entry (its format is in the
header of ``g60map-districts.js``, the script that draws it): the districts of the nine
corridor cities (the hub Songjiang is one district itself), their outlines simplified for
the web and stored as shared arcs (:func:`g60map.render.web.codec.encode_topology`), and
for each metric of the map's metric switch the value of every district and its class.

* **Simplified as a coverage**: :func:`shapely.coverage_simplify` with a tolerance of
  ``settings.MAP_DISTRICT_TOLERANCE_DEG`` keeps neighbouring districts sharing their
  edges (no gaps, no overlaps) while dropping about four vertices in five.
* **Precomputed**: for the packaged district boundaries the result ships with the package
  (``districts.json`` next to this module, WGS-84); other boundaries and the GCJ-02 shift
  are encoded on demand and kept for the process. Rebuild the file after the packaged
  boundaries change (a test says when)::

      python -m g60map.render.web.districts

* **Values** are those of the whole data (:attr:`g60map.Corridor.district_summary` for the
  built-in metrics, the column summed per district for the others), classed over these
  districts with the map's scheme (:func:`g60map.corridor.classify.classify`).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import settings
from ..._atomic import write_text
from ...corridor.classify import classify
from ...corridor.metrics import parse_metric, row_values
from ...corridor.model import Corridor
from ...corridor.summary import _district_codes
from ...reference.datum import shift_gdf
from ..text import LABELS, Lang, class_labels
from ._cells import local_name
from .topology import BoundaryTopology, encode_shapes, read_shipped, shipped_text
from .views import _low, _number

__all__ = ["PACKAGED_FILE", "corridor_districts", "district_topology", "districts_payload",
           "write_packaged"]

#: The precomputed topology of the packaged districts, next to this module.
PACKAGED_FILE = "districts.json"

_FORMAT = 1

#: Columns of :attr:`g60map.Corridor.district_summary` holding the built-in metrics.
_BUILTIN = ("partners", "partners_per_1000km2", "invest_cny")


def corridor_districts(corridor: Corridor) -> gpd.GeoDataFrame:
    """Return the district boundaries of the nine corridor cities, in the packaged order.

    Parameters
    ----------
    corridor : Corridor

    Returns
    -------
    geopandas.GeoDataFrame
        Rows of ``corridor.boundaries["district"]`` whose ``city_code`` is one of the
        corridor's cities (empty without district boundaries).
    """
    if "district" not in corridor.boundaries:
        return gpd.GeoDataFrame({"code": []}, geometry=[], crs=settings.WGS84)
    districts = corridor.boundaries["district"]
    codes = set(corridor.summary["code"].astype(str))
    return districts[districts["city_code"].astype(str).isin(codes)].reset_index(drop=True)


def _fingerprint(districts: gpd.GeoDataFrame, scale: int, tolerance: float) -> str:
    digest = hashlib.sha256(
        f"g60map-districts {_FORMAT} {scale} {tolerance!r} {len(districts)}".encode())
    for wkb in shapely.to_wkb(districts.geometry.values):
        digest.update(wkb)
    return digest.hexdigest()


def _encode(districts: gpd.GeoDataFrame, scale: int, tolerance: float) -> BoundaryTopology:
    return encode_shapes(shapely.coverage_simplify(districts.geometry.values, tolerance), scale)


@functools.cache
def _packaged() -> tuple[str, BoundaryTopology] | None:
    """Return the shipped topology and its fingerprint, or None without a readable file."""
    return read_shipped(PACKAGED_FILE)


_CACHE: dict[tuple[str, str], BoundaryTopology] = {}
_CACHE_SIZE = 4


def district_topology(
    districts: gpd.GeoDataFrame, datum: str, scale: int, tolerance: float | None = None
) -> BoundaryTopology:
    """Return the districts simplified and cut into shared arcs: shipped, cached or now.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        District boundaries, WGS-84 (:func:`corridor_districts`).
    datum : {"wgs84", "gcj02"}
        Datum of the tiles: GCJ-02 shifts every vertex first.
    scale : int
        Units per degree of the quantised coordinates.
    tolerance : float, optional
        Simplification tolerance in degrees; default
        ``settings.MAP_DISTRICT_TOLERANCE_DEG``.

    Returns
    -------
    BoundaryTopology
        One shape per district, in the order of ``districts``.

    Examples
    --------
    >>> from g60map import load_corridor
    >>> districts = corridor_districts(load_corridor())
    >>> topo = district_topology(districts, "wgs84", 10**5)
    >>> len(topo.shapes) == len(districts) == 67
    True
    """
    tol = float(settings.MAP_DISTRICT_TOLERANCE_DEG if tolerance is None else tolerance)
    key = (_fingerprint(districts, scale, tol), datum)
    found = _CACHE.get(key)
    if found is not None:
        return found
    packaged = _packaged() if datum == "wgs84" else None
    if packaged is not None and packaged[0] == key[0]:
        topo = packaged[1]
    else:
        shifted = shift_gdf(districts, to="gcj02") if datum == "gcj02" else districts
        topo = _encode(shifted, scale, tol)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = topo
    return topo


def _district_values(corridor: Corridor, districts: gpd.GeoDataFrame,
                     keys: Sequence[str]) -> dict[str, np.ndarray]:
    """Each metric's value per district (in the order of ``districts``), whole data."""
    codes = districts["code"].astype(str)
    summary = corridor.district_summary
    summary = summary.set_index(summary["code"].astype(str))
    out: dict[str, np.ndarray] = {}
    for key in keys:
        if key in _BUILTIN:
            values = summary[key].reindex(codes).fillna(0.0)
        else:
            metric = parse_metric(key, corridor)
            frame = getattr(corridor, metric.table)
            numbers = row_values(corridor, metric)
            where = (_district_codes(frame, corridor.boundaries["district"])
                     if len(frame) else pd.Series([], dtype="string"))
            sums = numbers.groupby(where.to_numpy()).sum() if len(frame) else pd.Series(
                dtype=float)
            values = sums.reindex(codes, fill_value=0.0)
        out[key] = values.to_numpy(dtype=float)
    return out


def districts_payload(
    corridor: Corridor,
    *,
    lang: Lang,
    datum: str,
    scale: int,
    choices: Mapping[str, Any],
) -> dict[str, Any] | None:
    """Return the payload's district layer (format: the header of ``g60map-districts.js``).

    Parameters
    ----------
    corridor : Corridor
    lang : {"en", "zh"}
    datum : {"wgs84", "gcj02"}
        Datum of the basemap's tiles.
    scale : int
        Units per degree of the payload's coordinates.
    choices : dict
        The payload's ``choices`` (:func:`g60map.render.web.views.metrics_payload`): the
        districts get a value and a class for each of its metrics, in its order, with the
        same scheme.

    Returns
    -------
    dict or None
        None when the corridor has no district boundaries.

    Examples
    --------
    >>> from g60map import load_corridor
    >>> from g60map.render.web.views import metrics_payload
    >>> corridor = load_corridor()
    >>> d = districts_payload(corridor, lang="zh", datum="wgs84", scale=10**5,
    ...                       choices=metrics_payload(corridor, lang="zh"))
    >>> len(d["rows"]), d["rows"][0]["name"], [m["key"] for m in d["list"]]
    (67, '松江区', ['partners', 'partners_per_1000km2', 'invest_cny'])
    """
    districts = corridor_districts(corridor)
    if not len(districts):
        return None
    topo = district_topology(districts, datum, scale)
    labels = LABELS[lang]
    names = local_name(districts, lang, "name_en", "name_zh")
    alt = local_name(districts, "en" if lang == "zh" else "zh", "name_en", "name_zh")
    city = local_name(districts, lang, "city_en", "city_zh")
    # the hub first, then the member cities in the corridor's order, each city's districts
    # in code order
    order_of = {str(c): i for i, c in enumerate(choices["codes"])}
    order = sorted(range(len(districts)), key=lambda i: (
        order_of.get(str(districts["city_code"].iat[i]), 99), str(districts["code"].iat[i])))
    keys = [m["key"] for m in choices["list"]]
    values = _district_values(corridor, districts, keys)
    entries = []
    for entry in choices["list"]:
        v = values[entry["key"]][order]
        classes = classify(v, choices["scheme"], choices["k"])
        entries.append({
            "key": entry["key"],
            "bins": [_number(b) for b in classes.bins],
            "labels": class_labels(classes.bins, _low(v), integral=bool(entry["int"]),
                                   money=bool(entry["money"]),
                                   nice=choices["scheme"] == "nice", lang=lang),
            "colors": choices["ramps"].get(str(classes.k), []),
            "values": [_number(x) for x in v],
            "cls": [int(i) for i in classes.index],
        })
    rows = []
    for i in order:
        rows.append({
            "code": str(districts["code"].iat[i]),
            "name": names.iat[i],
            "alt": alt.iat[i] if alt.iat[i] != names.iat[i] else "",
            "city": city.iat[i],
            "shape": topo.shapes[i],
        })
    return {
        "t": {"layer": labels["layer_districts"], "district": labels["district"],
              "city": labels["city"], "whole": labels["district_whole"]},
        "arcs": list(topo.arcs),
        "rows": rows,
        "list": entries,
    }


def write_packaged(path: str | Path | None = None) -> Path:
    """Encode the packaged districts and write the file :func:`district_topology` ships.

    Parameters
    ----------
    path : path-like, optional
        Default: ``districts.json`` next to this module.

    Returns
    -------
    pathlib.Path
        The file written (atomically; the same boundaries give the same bytes).
    """
    from ...corridor.model import load_corridor

    scale = int(10**settings.COORD_DECIMALS)
    tol = float(settings.MAP_DISTRICT_TOLERANCE_DEG)
    districts = corridor_districts(load_corridor())
    topo = _encode(districts, scale, tol)
    text = shipped_text(topo, fingerprint=_fingerprint(districts, scale, tol), scale=scale,
                        tolerance=tol)
    target = Path(__file__).with_name(PACKAGED_FILE) if path is None else Path(path)
    _packaged.cache_clear()
    _CACHE.clear()
    return write_text(target, text)


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    print(write_packaged())
