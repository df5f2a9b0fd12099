"""Class breaks for choropleths: 1-2-5 steps, quantiles and natural breaks (Fisher-Jenks).

The schemes are those of `mapclassify <https://pysal.org/mapclassify/>`_ (``Quantiles``,
``FisherJenks``) computed here without its import (scikit-learn and scipy take seconds to
load, and the map is built in every ``g60map build``); the tests check the breaks equal
mapclassify's. ``"nice"`` is ours: upper bounds on the 1-2-5 series, easy to read in a
legend. Breaks are *upper bounds*: a value belongs to the first class whose bound is >= it.

:func:`classify` rounds the quantile and natural breaks to the "nicest" number that puts
every value in the same class (:func:`round_breaks`): the legend reads "1,000–2,000", never
"1,013.7–1,998.2", and the classes are mapclassify's. The page script of the interactive
map (``g60map-classes.js``) is the twin of this module, checked equal over
``tests/data/class_vectors.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .._errors import G60InputError

__all__ = [
    "K_RANGE",
    "SCHEMES",
    "Classes",
    "check_k",
    "check_scheme",
    "classify",
    "count_classes",
    "count_ranges",
    "fisher_jenks",
    "nice_breaks",
    "nice_series",
    "quantiles",
    "round_breaks",
]

Scheme = Literal["nice", "quantiles", "natural_breaks"]

#: Classification schemes, by name.
SCHEMES: tuple[str, ...] = ("nice", "quantiles", "natural_breaks")

#: Fewest and most classes (``k``): nine is the longest ColorBrewer sequential ramp.
K_RANGE: tuple[int, int] = (2, 9)

#: Other names of the schemes, as ``geopandas.GeoDataFrame.explore(scheme=...)`` (mapclassify)
#: spells them, compared without case, spaces, "-" and "_".
_ALIASES = {"naturalbreaks": "natural_breaks", "fisherjenks": "natural_breaks",
            "quantiles": "quantiles", "nice": "nice"}


def check_scheme(scheme: object) -> str:
    """Return the name in :data:`SCHEMES` of ``scheme`` (mapclassify's names are taken too).

    Parameters
    ----------
    scheme : str
        ``"nice"``, ``"quantiles"`` or ``"natural_breaks"``; ``"NaturalBreaks"``,
        ``"FisherJenks"``, ``"Quantiles"`` (as in ``GeoDataFrame.explore``) are the same.

    Returns
    -------
    str

    Raises
    ------
    G60InputError
        Any other value; the message lists the schemes.

    Examples
    --------
    >>> check_scheme("FisherJenks"), check_scheme("quantiles")
    ('natural_breaks', 'quantiles')
    """
    key = "".join(ch for ch in str(scheme).lower() if ch not in " -_")
    if not isinstance(scheme, str) or key not in _ALIASES:
        raise G60InputError([
            f"unknown scheme {str(scheme)[:40]!r} (of the classes): use one of "
            f"{', '.join(SCHEMES)} (scheme=... in Python, --scheme on the command line)"])
    return _ALIASES[key]


def check_k(k: object) -> int:
    """Return ``k`` (a number of classes) if it is a whole number in :data:`K_RANGE`.

    Parameters
    ----------
    k : int

    Returns
    -------
    int

    Raises
    ------
    G60InputError
        Not a whole number from 2 to 9; the message says what to pass.

    Examples
    --------
    >>> check_k(4)
    4
    """
    lo, hi = K_RANGE
    ok = isinstance(k, (int, np.integer)) and not isinstance(k, bool) and lo <= int(k) <= hi
    if not ok or not isinstance(k, (int, np.integer)):
        raise G60InputError([
            f"k (the number of classes) must be a whole number from {lo} to {hi}, not "
            f"{str(k)[:40]!r}: pass k={lo}..{hi} (--k {lo}..{hi} on the command line)"])
    return int(k)


@dataclass(frozen=True)
class Classes:
    """Classes of a set of values.

    Attributes
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    bins : tuple of float
        Upper bound of each class, increasing.
    index : numpy.ndarray
        Class number of each value (0-based); -1 for NaN (and for 0 with ``"nice"``, which
        keeps zero as a class of its own: "none").
    """

    scheme: str
    bins: tuple[float, ...]
    index: np.ndarray

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.bins)


def nice_series(upto: float) -> list[float]:
    """Return the 1-2-5 series ``1, 2, 5, 10, ...`` up to the first value >= ``upto``.

    The one 1-2-5 series of the package: class breaks, count classes and legend steps
    all step along it. Below 1 it starts at the decade of ``upto`` (``0.1, 0.2, 0.5, 1``).

    Parameters
    ----------
    upto : float

    Returns
    -------
    list of float

    Examples
    --------
    >>> nice_series(6)
    [1.0, 2.0, 5.0, 10.0]
    >>> nice_series(0.3)
    [0.1, 0.2, 0.5]
    """
    start = 10.0 ** math.floor(math.log10(upto)) if upto > 0 else 1.0
    start = min(start, 1.0)
    out = [start]
    while out[-1] < upto:
        e = len(out)
        step = (1, 2, 5)[e % 3] * start * 10.0 ** (e // 3)
        out.append(step if math.isfinite(step) else upto)  # beyond the largest float: upto
    return out


#: Binary exponent beyond which values are scaled down by a power of two (exactly) before
#: they are squared or interpolated, so that no intermediate result overflows.
_LARGE_EXPONENT = 500


def _power_of_two_scale(x: np.ndarray) -> float:
    """Return a power of two ``s`` such that ``x * s`` stays below ``2**500``.

    Multiplying by it is exact (small values stay normal floats), so classes computed on
    ``x * s`` and scaled back are those of ``x``; 1.0 for values that need no scaling.
    """
    top = float(np.abs(x).max()) if x.size else 0.0
    exponent = math.frexp(top)[1] if math.isfinite(top) else 0
    return math.ldexp(1.0, _LARGE_EXPONENT - exponent) if exponent > _LARGE_EXPONENT else 1.0


def nice_breaks(values: np.ndarray, k: int = 5) -> tuple[float, ...]:
    """Up to ``k`` upper bounds on the 1-2-5 series covering the positive values.

    Parameters
    ----------
    values : array_like
    k : int, default 5

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> nice_breaks([1, 2, 6])
    (1.0, 2.0, 5.0, 10.0)
    >>> nice_breaks([0.3, 2500])[-1]
    5000.0
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return ()
    series = nice_series(float(v.max()))
    top = len(series) - 1
    stride = next(s for s in (1, 2, *range(3, 3 * top + 4, 3)) if len(range(top, -1, -s)) <= k)
    picks = sorted(range(top, -1, -stride))
    low = float(v.min())
    while len(picks) > 1 and series[picks[1]] < low:  # no empty classes below the smallest
        picks.pop(0)
    return tuple(float(series[i]) for i in picks)


def quantiles(values: np.ndarray, k: int = 5) -> tuple[float, ...]:
    """Upper bounds of ``k`` quantile classes, as ``mapclassify.Quantiles`` (ties collapse).

    Parameters
    ----------
    values : array_like
    k : int, default 5

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> quantiles(range(1000), 4)
    (249.75, 499.5, 749.25, 999.0)
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return ()
    w = 100.0 / k
    p = np.minimum(np.arange(w, 100 + w, w), 100.0)[:k]
    scale = _power_of_two_scale(v)  # exact: interpolating between +-1e308 cannot overflow
    v = v * scale
    q = np.percentile(v, p)
    # interpolating between two equal values can miss them by a rounding error (0 and 1e-16
    # would make two classes of one tie): snap bounds to a data value that close
    data = np.unique(v)
    near = data[np.clip(np.searchsorted(data, q), 0, len(data) - 1)]
    below = data[np.clip(np.searchsorted(data, q) - 1, 0, len(data) - 1)]
    tol = 64 * np.finfo(float).eps * max(float(np.abs(data).max()), 1.0)
    q = np.where(np.abs(q - near) <= tol, near, np.where(np.abs(q - below) <= tol, below, q))
    return tuple(float(b) / scale for b in np.unique(q))


def fisher_jenks(values: np.ndarray, k: int = 5) -> tuple[float, ...]:
    """Upper bounds of the ``k`` natural-breaks classes, as ``mapclassify.FisherJenks``.

    The optimal partition of the sorted values into ``k`` classes minimising the sum of
    squared deviations from the class means (Fisher 1958), by dynamic programming.
    Fewer distinct values than ``k`` give one class per distinct value.

    Parameters
    ----------
    values : array_like
    k : int, default 5

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> fisher_jenks([1, 2, 3, 10, 11, 12, 50], 3)
    (3.0, 12.0, 50.0)
    """
    x = np.sort(np.asarray(values, dtype=float)[np.isfinite(np.asarray(values, dtype=float))])
    distinct = np.unique(x)
    if len(distinct) <= k:
        return tuple(float(d) for d in distinct)
    n = len(x)
    # squares of deviations beyond 1e154 overflow: scale by a power of two (exact), which
    # scales every cost by the same factor and keeps the partition
    xs = x * _power_of_two_scale(x)

    def ssd(i: np.ndarray, j: int) -> np.ndarray:  # values i..j-1 (0-based, vector i)
        # sums of the deviations from x[j-1], the class's largest value: a class of close
        # values loses no digits next to large ones (global sums of squares would cancel)
        d = xs[:j] - xs[j - 1]
        c1 = np.cumsum(d[::-1])[::-1]
        c2 = np.cumsum((d * d)[::-1])[::-1]
        return c2[i] - c1[i] ** 2 / (j - i)

    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=np.int64)
    cost[1, 1:] = [float(ssd(np.array([0]), j)[0]) for j in range(1, n + 1)]
    for c in range(2, k + 1):
        for j in range(c, n + 1):
            i = np.arange(c - 1, j)  # last class is values i..j-1
            total = cost[c - 1, i] + ssd(i, j)
            best = int(np.argmin(total))
            cost[c, j], back[c, j] = total[best], i[best]
    bounds, j = [], n
    for c in range(k, 0, -1):
        bounds.append(float(x[j - 1]))
        j = int(back[c, j]) if c > 1 else 0
    return tuple(sorted(bounds))


def _nicest(lo: float, hi: float) -> float:
    """Return the "nicest" number ``x`` with ``lo <= x < hi``: 1-2-5, else fewest digits.

    Only between 1e-6 and 1e15 (elsewhere ``lo``), with exact powers of ten, so the page
    script's twin gives the same number.
    """
    a = abs(lo)
    if not (1e-6 <= a < 1e15) or not hi > lo:
        return lo
    exp = _decade(a)
    for step in (1.0, 2.0, 5.0, 10.0):  # the 1-2-5 number at or above lo
        x = _at_power(step, exp)
        if x >= lo and lo >= 0:
            if x < hi:
                return x
            break
    for digits in range(1, 16):
        x = _ceil_at(lo, exp - digits + 1)
        if lo <= x < hi:
            return x
    return lo


def _pow10(exp: int) -> float:
    """Return ``10**exp`` (``exp`` >= 0) as the decimal literal reads: exact up to 1e22."""
    return float(f"1e{exp}")


def _decade(a: float) -> int:
    """Return the exponent of the power of ten at or below ``a`` > 0 (no log rounding)."""
    exp = math.floor(math.log10(a))
    if _at_power(1.0, exp) > a:
        exp -= 1
    elif _at_power(1.0, exp + 1) <= a:
        exp += 1
    return exp


def _at_power(mantissa: float, exp: int) -> float:
    """Return ``mantissa * 10**exp`` with an exact power of ten (divided by one below 1)."""
    return mantissa * _pow10(exp) if exp >= 0 else mantissa / _pow10(-exp)


def _ceil_at(value: float, exp: int) -> float:
    """Return ``value`` rounded up to a multiple of ``10**exp`` (exact powers of ten)."""
    if exp >= 0:
        p = _pow10(exp)
        return math.ceil(value / p) * p
    p = _pow10(-exp)
    return math.ceil(value * p) / p


def round_breaks(bins: tuple[float, ...], values: np.ndarray) -> tuple[float, ...]:
    """Round each break to the nicest number that keeps every value in its class.

    A break between the largest value of its class and the smallest of the next becomes
    the 1-2-5 number, else the number with the fewest significant digits, in that gap
    (``18,300,000`` and ``95,000,000``: ``20,000,000``); the last break becomes the
    largest value rounded up to two significant digits. Classes stay those of ``bins``.

    Parameters
    ----------
    bins : tuple of float
        Upper bounds, increasing.
    values : array_like of float

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> round_breaks((3.0, 12.0, 50.0), [1, 2, 3, 10, 11, 12, 50])
    (5.0, 20.0, 50.0)
    """
    v = np.sort(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    if not v.size or not bins:
        return tuple(bins)
    out: list[float] = []
    for i, b in enumerate(bins):
        below = v[v <= b]
        upper = float(below[-1]) if below.size else float(b)
        above = v[v > b]
        if i == len(bins) - 1 or not above.size:
            x = upper
            if 1e-6 <= abs(upper) < 1e15:
                x = _ceil_at(upper, _decade(abs(upper)) - 1)
            x = x if math.isfinite(x) and x >= upper else upper
        else:
            x = _nicest(upper, float(above[0]))
        out.append(max(x, out[-1]) if out else x)
    return tuple(out)


def classify(values: np.ndarray, scheme: Scheme | str = "nice", k: int = 5) -> Classes:
    """Class the values with one of :data:`SCHEMES`.

    Parameters
    ----------
    values : array_like of float
    scheme : {"nice", "quantiles", "natural_breaks"}, default "nice"
        Also by mapclassify's names (:func:`check_scheme`). Quantile and natural breaks are
        rounded to nice numbers that keep every value in its class (:func:`round_breaks`).
    k : int, default 5
        Classes wanted, 2 to 9 (fewer when the values have fewer distinct levels).

    Returns
    -------
    Classes

    Raises
    ------
    G60InputError
        Unknown scheme or ``k`` not in :data:`K_RANGE` (also a ``ValueError``).

    Examples
    --------
    >>> c = classify([0, 1, 4, 9, 30], "nice")
    >>> c.bins, c.index.tolist()
    ((2.0, 10.0, 50.0), [-1, 0, 1, 1, 2])
    >>> classify([1, 2, 3, 10, 11, 12, 50], "natural_breaks", 3).bins
    (5.0, 20.0, 50.0)
    """
    scheme = check_scheme(scheme)
    k = check_k(k)
    v = np.asarray(values, dtype=float)
    if scheme == "nice":
        bins = nice_breaks(v, k)
    elif scheme == "quantiles":
        bins = round_breaks(quantiles(v, k), v)
    else:
        bins = round_breaks(fisher_jenks(v, k), v)
    edges = np.asarray(bins or (0.0,))
    index = np.minimum(np.searchsorted(edges, v, side="left"), max(len(bins) - 1, 0))
    index = np.where(np.isfinite(v), index, -1)
    if scheme == "nice":
        index = np.where(v > 0, index, -1)
    return Classes(scheme, tuple(bins), index.astype(np.int64))


def count_ranges(bins: tuple[float, ...] | list[float]) -> list[tuple[int, int]]:
    """Inclusive integer ranges ``(lo, hi)`` of the classes of counts with upper ``bins``.

    The first class starts at 1 (a count of 0 has no class, as with ``"nice"``); each
    other class starts one above the previous bound.

    Parameters
    ----------
    bins : sequence of float
        Upper bounds, increasing (those of :func:`nice_breaks` for counts).

    Returns
    -------
    list of tuple of int

    Examples
    --------
    >>> count_ranges((5.0, 10.0))
    [(1, 5), (6, 10)]
    """
    out, lo = [], 1
    for b in bins:
        hi = max(int(math.floor(b)), lo)
        out.append((lo, hi))
        lo = hi + 1
    return out


def count_classes(max_count: int, k: int = 5) -> list[tuple[int, int]]:
    """Up to ``k`` count classes ``(lo, hi)`` covering ``1..max_count``, on the 1-2-5 scale.

    The classes of :func:`nice_breaks` over the counts 1 and ``max_count``, as ranges.

    Parameters
    ----------
    max_count : int
    k : int, default 5

    Returns
    -------
    list of tuple of int
        Empty when ``max_count`` < 1.

    Examples
    --------
    >>> count_classes(6)
    [(1, 1), (2, 2), (3, 5), (6, 10)]
    """
    if max_count <= 0:
        return []
    return count_ranges(nice_breaks(np.array([1.0, float(max_count)]), k))
