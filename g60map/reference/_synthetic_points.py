"""Where the synthetic rows lie: points sampled inside the corridor's member cities.

Private to :mod:`g60map.reference.synthetic` (packaged data, the first stage), whose
:func:`~g60map.reference.synthetic.make_partners` and
:func:`~g60map.reference.synthetic.make_investments` take their row counts, city codes,
coordinates and ``city`` cells from here. Points are uniform inside the city polygons the
join uses (:data:`g60map.settings.JOIN_RESOLUTION`), strictly inside after rounding; rows
``outside`` the corridor lie in a box far from the four provinces.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import shapely

from .. import settings

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .boundaries import Resolution

__all__ = ["city_cells", "locations", "row_count"]

#: Far from the four provinces: where ``outside`` points are put.
_OUTSIDE_BOX = (100.0, 38.0, 105.0, 42.0)
#: Degrees per metre, rounded up (a degree of longitude is >= 85 km below 40° N).
_DEG_PER_M = 1 / 85_000


@functools.lru_cache(maxsize=2)
def _members(resolution: Resolution) -> tuple[tuple[str, ...], tuple, np.ndarray, tuple, tuple]:
    """Codes, polygons, sqrt-area weights, English and Chinese names of the nine members."""
    from .boundaries import load_boundaries

    cities = load_boundaries("city", resolution)
    members = cities[cities["is_member"]].set_index("code").loc[list(settings.MEMBER_CODES)]
    root = np.sqrt(members.to_crs(settings.EQUAL_AREA_CRS).area.to_numpy())
    return (
        tuple(members.index),
        tuple(members.geometry.values),
        root / root.sum(),
        tuple(members["name_en"]),
        tuple(members["name_zh"]),
    )


def _sample_in(
    geom: shapely.Geometry, n: int, rng: np.random.Generator, decimals: int
) -> np.ndarray:
    """Return ``n`` (lon, lat) rows uniform inside ``geom``, strictly inside after rounding."""
    out = np.empty((0, 2))
    if n == 0:
        return out
    shapely.prepare(geom)
    x0, y0, x1, y1 = geom.bounds
    while len(out) < n:
        want = max(1024, int((n - len(out)) * 2.5))
        xy = np.column_stack([rng.uniform(x0, x1, want), rng.uniform(y0, y1, want)])
        xy = np.round(xy, decimals)
        inside = shapely.contains_xy(geom, xy[:, 0], xy[:, 1])
        out = np.vstack([out, xy[inside]])
    return out[:n]


def row_count(n: int | None, per_city: Mapping[str, int] | None, outside: int) -> int:
    """Check the row-count arguments; return the number of rows.

    Parameters
    ----------
    n : int or None
        Rows spread over the cities (exactly one of ``n`` and ``per_city`` is given).
    per_city : mapping of str to int or None
        Rows per corridor city code.
    outside : int
        Rows outside the corridor.

    Returns
    -------
    int
        All the rows, ``outside`` included.

    Raises
    ------
    ValueError
        If both or neither of ``n`` and ``per_city`` are given, a count is negative or a
        key of ``per_city`` is not a corridor city code.
    """
    if (n is None) == (per_city is None):
        raise ValueError("give either n or per_city")
    if outside < 0:
        raise ValueError("outside must be >= 0")
    if per_city is not None:
        unknown = sorted(set(per_city) - set(settings.MEMBER_CODES))
        if unknown:
            raise ValueError(f"per_city keys must be corridor city codes, not {unknown}")
        if any(int(k) < 0 for k in per_city.values()):
            raise ValueError("per_city counts must be >= 0")
        total = sum(int(k) for k in per_city.values()) + outside
    else:
        assert n is not None  # exactly one of n and per_city is given (checked above)
        if n < 0:
            raise ValueError("n must be >= 0")
        total = n + outside
    return total


def locations(
    n: int | None,
    per_city: Mapping[str, int] | None,
    outside: int,
    rng: np.random.Generator,
    *,
    city_only: float,
    margin_m: float,
    decimals: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return member index (-1 outside), city code ("" outside), lon and lat of each row.

    With ``n``, rows are spread over the cities by the square root of their area and
    shuffled; with ``per_city``, they come city by city in its order. ``outside`` rows
    follow, at points outside every mapped unit. ``city_only`` of the city rows have
    NaN coordinates.

    Parameters
    ----------
    n, per_city, outside : int, mapping of str to int, int
        The row counts, checked by :func:`row_count`.
    rng : numpy.random.Generator
        Draws the cities, the points and which rows have none.
    city_only : float
        Fraction of city rows without a point.
    margin_m : float
        Least distance of a point from its city's border, in metres.
    decimals : int
        Decimal places of the coordinates.

    Returns
    -------
    city, code, lon, lat : numpy.ndarray
        One value per row.
    """
    codes, polys, weights, _, _ = _members(settings.JOIN_RESOLUTION)
    if per_city is not None:
        index = {c: i for i, c in enumerate(codes)}
        order = [(index[c], int(k)) for c, k in per_city.items()]
    else:
        assert n is not None  # exactly one of n and per_city is given (checked by row_count)
        order = list(enumerate(rng.multinomial(n, weights).tolist()))
    margin = margin_m * _DEG_PER_M
    parts = []
    for i, k in order:
        geom = polys[i] if margin <= 0 or k == 0 else shapely.buffer(polys[i], -margin)
        parts.append(_sample_in(geom, k, rng, decimals))
    xy = np.vstack([np.empty((0, 2)), *parts])
    city = np.repeat([i for i, _ in order], [k for _, k in order]).astype(int)
    if per_city is None:  # interleave the cities, as a real registry would
        perm = rng.permutation(len(city))
        city, xy = city[perm], xy[perm]
    no_point = rng.random(len(city)) < city_only
    xy[no_point] = np.nan
    x0, y0, x1, y1 = _OUTSIDE_BOX
    far = np.round(
        np.column_stack([rng.uniform(x0, x1, outside), rng.uniform(y0, y1, outside)]), decimals
    )
    city = np.concatenate([city, np.full(outside, -1)])
    xy = np.vstack([xy, far])
    code = np.where(city >= 0, np.asarray(codes, dtype=object)[city], "")
    return city, code, xy[:, 0], xy[:, 1]


def city_cells(city: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Return each row's ``city`` cell: English name, Chinese name and code in turn.

    Parameters
    ----------
    city, code : numpy.ndarray
        Member index (-1 outside) and city code of each row, as :func:`locations` gives them.

    Returns
    -------
    numpy.ndarray
        Object array of text, ``""`` for rows outside the corridor.
    """
    _, _, _, name_en, name_zh = _members(settings.JOIN_RESOLUTION)
    idx = np.maximum(city, 0)
    style = np.arange(len(city)) % 3
    cell = np.where(
        style == 0,
        np.asarray(name_en, dtype=object)[idx],
        np.where(style == 1, np.asarray(name_zh, dtype=object)[idx], code),
    )
    return np.where(city >= 0, cell, "")
