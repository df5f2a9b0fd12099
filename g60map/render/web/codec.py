"""The compact boundary encoding of the interactive map: integers and shared arcs.

Coordinates travel to the page as text the page's script decodes (``g60map.js``,
``decodeInts``/``decodeArcs``):

* :func:`encode_ints` writes integers zig-zag mapped, 5 bits per character of the URL-safe
  base-64 alphabet :data:`ALPHABET` (characters 0-31 end a number, 32-63 say more follow);
* :func:`encode_topology` cuts a polygon coverage into *arcs* stored once each, polygons
  being lists of arc numbers (``~i`` = arc ``i`` reversed), TopoJSON-like.

The test vectors in ``tests/data/codec_vectors.json`` are checked by the Python tests and by
the browser tests against the page's decoder, so both sides agree on the alphabet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from ... import settings

__all__ = [
    "ALPHABET",
    "Topology",
    "decode_ints",
    "decode_path",
    "encode_ints",
    "encode_path",
    "encode_paths",
    "encode_topology",
    "quantise",
]

#: The 64 characters of the integer encoding (URL-safe base-64 order).
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _encode_chunks(values: Any) -> tuple[str, np.ndarray]:
    """Encode ``values``; also return how many characters each value took."""
    v = np.asarray(values, dtype=np.int64).ravel()
    if v.size == 0:
        return "", np.zeros(0, dtype=np.int64)
    z = np.where(v < 0, -2 * v - 1, 2 * v).astype(np.uint64)
    n = np.ones(v.size, dtype=np.int64)
    rest = z >> np.uint64(5)
    while rest.any():
        n += rest > 0
        rest >>= np.uint64(5)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = np.empty(int(n.sum()), dtype=np.uint8)
    alphabet = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    for k in range(int(n.max())):
        sel = n > k
        chunk = ((z[sel] >> np.uint64(5 * k)) & np.uint64(31)).astype(np.int64)
        more = (n[sel] > k + 1).astype(np.int64)
        out[starts[sel] + k] = alphabet[chunk + 32 * more]
    return out.tobytes().decode("ascii"), n


def encode_ints(values: Any) -> str:
    """Encode integers as a compact ASCII string (zig-zag, 5 bits per character).

    Each integer is zig-zag mapped to a non-negative number and written least significant
    5 bits first, one character of the URL-safe base-64 alphabet per 5 bits: characters
    0-31 (``A``-``f``) end a number, 32-63 (``g``-``_``) say that more follow. The string
    needs no escaping in JSON, HTML or JavaScript.

    Parameters
    ----------
    values : array_like of int
        Integers, ``|v| < 2**52``.

    Returns
    -------
    str

    Examples
    --------
    >>> encode_ints([0, -1, 1, 16, 1000])
    'ABCgBw-B'
    >>> decode_ints(encode_ints([0, -1, 1, 16, 1000])).tolist()
    [0, -1, 1, 16, 1000]
    """
    return _encode_chunks(values)[0]


def decode_ints(text: str) -> np.ndarray:
    """Decode a string made by :func:`encode_ints` (the page's script does the same).

    Parameters
    ----------
    text : str

    Returns
    -------
    numpy.ndarray of int64
    """
    lookup = {c: i for i, c in enumerate(ALPHABET)}
    out: list[int] = []
    value = shift = 0
    for ch in text:
        c = lookup[ch]
        if c >= 32:
            value |= (c - 32) << shift
            shift += 5
        else:
            value |= c << shift
            out.append((value >> 1) ^ -(value & 1))
            value = shift = 0
    if shift:
        raise ValueError("truncated integer string")
    return np.asarray(out, dtype=np.int64)


def encode_path(xy: np.ndarray) -> str:
    """Quantised ``(n, 2)`` integer coordinates -> first point then deltas, encoded."""
    xy = np.asarray(xy, dtype=np.int64).reshape(-1, 2)
    deltas = np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return encode_ints(deltas.ravel())


def encode_paths(paths: list[np.ndarray]) -> list[str]:
    """:func:`encode_path` of many paths at once (one vectorised pass)."""
    if not paths:
        return []
    arrays = [np.asarray(p, dtype=np.int64).reshape(-1, 2) for p in paths]
    deltas = [np.diff(a, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)) for a in arrays]
    text, n = _encode_chunks(np.concatenate(deltas).ravel())
    # characters before each value, then the end of each path (an empty path ends where
    # the previous one did)
    offsets = np.concatenate([[0], np.cumsum(n)])
    ends = offsets[np.cumsum([2 * len(a) for a in arrays])]
    starts = np.concatenate([[0], ends[:-1]])
    return [text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def decode_path(text: str) -> np.ndarray:
    """Decode a path made by :func:`encode_path` to ``(n, 2)`` quantised coordinates."""
    return np.cumsum(decode_ints(text).reshape(-1, 2), axis=0)


def quantise(coords: np.ndarray, scale: int) -> np.ndarray:
    """Round degrees to integers in units of ``1 / scale`` degrees."""
    return np.rint(np.asarray(coords, dtype=float) * scale).astype(np.int64)


@dataclass
class Topology:
    """Polygons as shared arcs; see :func:`encode_topology`.

    Attributes
    ----------
    scale : int
        Coordinates are integers in units of ``1 / scale`` degrees.
    arcs : list of numpy.ndarray
        Each arc as an ``(n, 2)`` int64 array of quantised lon/lat.
    shapes : list
        Per input geometry: polygons -> rings -> arc numbers (``~i`` means arc ``i``
        reversed). Rings are closed: the last point of one arc is the first of the next.
    """

    scale: int
    arcs: list[np.ndarray]
    shapes: list[list[list[list[int]]]]

    def encoded_arcs(self) -> list[str]:
        """Arcs as :func:`encode_ints` strings of first point + deltas."""
        return encode_paths(self.arcs)

    def ring_coords(self, ring: list[int]) -> np.ndarray:
        """Quantised coordinates of a ring (closed: first point repeated at the end)."""
        parts = []
        for i, arc_id in enumerate(ring):
            arc = self.arcs[arc_id] if arc_id >= 0 else self.arcs[~arc_id][::-1]
            parts.append(arc if i == 0 else arc[1:])
        return np.concatenate(parts)

    def to_geometry(self, index: int) -> shapely.Geometry:
        """Rebuild input geometry ``index`` (quantised) as a shapely (Multi)Polygon."""
        polys = []
        for rings in self.shapes[index]:
            coords = [self.ring_coords(r) / self.scale for r in rings]
            polys.append(shapely.Polygon(coords[0], coords[1:]))
        return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def encode_topology(geometries: Any, scale: int | None = None) -> Topology:
    """Cut a polygon coverage into shared arcs (a TopoJSON-like topology).

    Vertices are quantised to ``1 / scale`` degrees. A vertex is a *junction* where rings
    meet with different neighbours (three-way points, where a shared edge starts); each
    ring is cut at its junctions into arcs, and an arc met again, in either direction, is
    stored once. A ring without junctions (an island, or an enclave and the hole it fills)
    becomes one closed arc starting at its smallest vertex.

    Parameters
    ----------
    geometries : sequence of shapely Polygon or MultiPolygon
        The coverage (e.g. cities, then the provinces they make up).
    scale : int, optional
        Quantisation, default ``10 ** settings.COORD_DECIMALS`` (~1 m).

    Returns
    -------
    Topology
    """
    scale = int(10**settings.COORD_DECIMALS if scale is None else scale)
    geometries = list(geometries)
    rings: list[np.ndarray] = []
    ring_of: list[tuple[int, int]] = []  # (geometry, polygon) of each ring
    for gi, geom in enumerate(geometries):
        if geom is None or geom.is_empty:
            continue
        for pi, poly in enumerate(getattr(geom, "geoms", [geom])):
            if poly.is_empty:
                continue
            for ring in (poly.exterior, *poly.interiors):
                q = quantise(shapely.get_coordinates(ring), scale)[:-1]
                q = q[np.any(q != np.roll(q, 1, axis=0), axis=1)]
                if len(q) >= 3:
                    rings.append(q)
                    ring_of.append((gi, pi))
    shapes: list[list[list[list[int]]]] = [[] for _ in geometries]
    if not rings:
        return Topology(scale, [], shapes)

    sizes = np.array([len(r) for r in rings])
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    allq = np.concatenate(rings)
    lo = allq.min(axis=0)
    span = allq.max(axis=0) - lo + 1
    _, pid = np.unique((allq[:, 0] - lo[0]) * span[1] + (allq[:, 1] - lo[1]), return_inverse=True)
    pid = pid.ravel()
    ring_id = np.repeat(np.arange(len(rings)), sizes)
    pos = np.arange(len(pid)) - offsets[ring_id]
    prev = pid[offsets[ring_id] + (pos - 1) % sizes[ring_id]]
    nxt = pid[offsets[ring_id] + (pos + 1) % sizes[ring_id]]
    npts = int(pid.max()) + 1
    pair = np.minimum(prev, nxt) * npts + np.maximum(prev, nxt)
    # a vertex met with two different neighbour pairs is a junction
    order = np.lexsort((pair, pid))
    sp, sq = pid[order], pair[order]
    differs = (sp[1:] == sp[:-1]) & (sq[1:] != sq[:-1])
    junction = np.zeros(npts, dtype=bool)
    junction[sp[1:][differs]] = True

    index: dict[tuple[int, ...], int] = {}
    arcs: list[np.ndarray] = []
    for k, q in enumerate(rings):
        p = pid[offsets[k] : offsets[k + 1]]
        cuts = np.flatnonzero(junction[p])
        if len(cuts) == 0:
            start = int(np.argmin(p))
            order = np.concatenate([np.arange(start, len(p)), np.arange(0, start + 1)])
            pieces = [order]
        else:
            order = np.concatenate([np.arange(cuts[0], len(p)), np.arange(0, cuts[0] + 1)])
            at = np.flatnonzero(junction[p[order]])
            pieces = [order[a : b + 1] for a, b in zip(at[:-1], at[1:], strict=True)]
        ids = []
        for piece in pieces:
            key = tuple(p[piece].tolist())
            if key in index:
                ids.append(index[key])
            elif key[::-1] in index:
                ids.append(~index[key[::-1]])
            else:
                index[key] = len(arcs)
                arcs.append(q[piece])
                ids.append(index[key])
        gi, pi = ring_of[k]
        polys = shapes[gi]
        while len(polys) <= pi:
            polys.append([])
        polys[pi].append(ids)
    for gi in range(len(shapes)):
        shapes[gi] = [rings_ for rings_ in shapes[gi] if rings_]
    return Topology(scale, arcs, shapes)
