"""Join table rows to the corridor cities: by name/alias/code, or spatially by lon/lat.

Name matching accepts English or Chinese names (with or without 市/区), GB/T 2260 codes
and a province qualifier ("Suzhou, Jiangsu"). "Suzhou"/"苏州" is the Jiangsu member;
宿州 (Suzhou, Anhui) and every other unit of the four provinces is recognised and
reported as *not a corridor city*. Points are joined to the city polygons vectorised:
each polygon is prepared once and tested (``shapely.intersects_xy``) against the points
inside its envelope.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from ._errors import Problem
from .boundaries import load_admin_units, load_boundaries
from .io import load_cities

__all__ = [
    "resolve_city",
    "resolve_cities",
    "resolve_address",
    "resolve_addresses",
    "locate_points",
    "CityMatch",
]

_SUFFIXES = ("新区", "市", "区", "省", " new area", " district", " city", " qu", " shi")
_SPLIT = re.compile(r"[\s,;/|、，；()（）]+")


def _norm(text: str) -> str:
    t = str(text).strip().lower().replace("’", "'")
    for suffix in _SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix):
            t = t[: -len(suffix)].strip()
    return t


@functools.lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, dict[str, str]]]:
    """Return (name -> unit codes, name -> province codes, code -> attributes)."""
    units = load_admin_units()
    names: dict[str, set[str]] = {}
    provinces: dict[str, set[str]] = {}
    info: dict[str, dict[str, str]] = {}
    prov_names = units[units["level"] == "province"].set_index("code")
    for row in units.itertuples(index=False):
        info[row.code] = {
            "name_en": row.name_en,
            "name_zh": row.name_zh,
            "level": row.level,
            "province_code": row.province_code,
            "province_en": prov_names.at[row.province_code, "name_en"],
        }
        keys = {row.code, _norm(row.name_en), _norm(row.name_zh), row.name_zh}
        target = provinces if row.level == "province" else names
        for key in keys:
            target.setdefault(key, set()).add(row.code)
    for key in ("shanghai songjiang", "上海松江", "上海市松江区", "songjiang, shanghai"):
        names.setdefault(_norm(key), set()).add(settings.HUB_CODE)
    return names, provinces, info


class CityMatch(tuple):
    """Result of :func:`resolve_city`: ``(code, problem)``; one of them is empty."""

    __slots__ = ()

    def __new__(cls, code: str, problem: str):  # noqa: D102
        return super().__new__(cls, (code, problem))


def resolve_city(value: str) -> CityMatch:
    """Match one city cell to a corridor city code.

    Parameters
    ----------
    value : str
        English or Chinese name, alias or GB/T 2260 code, optionally with a province.

    Returns
    -------
    CityMatch
        ``(code, "")`` for a corridor city, ``("", message)`` otherwise.

    Examples
    --------
    >>> resolve_city("苏州")[0]
    '320500'
    >>> resolve_city("宿州")[1].split(";")[0]
    '宿州 is Suzhou, Anhui (341300), not a corridor city'
    """
    names, provinces, info = _lookup()
    members = set(settings.MEMBER_CODES)
    raw = str(value).strip()
    whole = _norm(raw)
    candidates: set[str] = set(names.get(whole, set())) | set(names.get(raw, set()))
    province_filter: set[str] = set()
    if not candidates:
        for token in filter(None, _SPLIT.split(raw)):
            t = _norm(token)
            candidates |= names.get(t, set()) | names.get(token, set())
            province_filter |= provinces.get(t, set()) | provinces.get(token, set())
        if province_filter:
            candidates = {c for c in candidates if info[c]["province_code"] in province_filter}
    elif whole in provinces or raw in provinces:
        province_filter = provinces.get(whole, set())
    if not candidates and (whole in provinces or raw in provinces):
        code = next(iter(provinces.get(whole) or provinces.get(raw)))
        hint = " (the corridor's Shanghai member is Songjiang, 310117)" if code == "310000" else ""
        return CityMatch("", f"{raw} is a province, not a corridor city{hint}")
    hits = candidates & members
    if len(hits) == 1:
        return CityMatch(hits.pop(), "")
    if len(hits) > 1:
        listed = ", ".join(sorted(f"{info[c]['name_en']} ({c})" for c in hits))
        return CityMatch("", f"{raw!r} is ambiguous: it names {listed} (write one city)")
    if candidates:
        code = sorted(candidates)[0]
        unit = info[code]
        msg = f"{raw} is {unit['name_en']}, {unit['province_en']} ({code}), not a corridor city"
        same_en = [c for c in members if info[c]["name_en"] == unit["name_en"]]
        if same_en:
            m = info[same_en[0]]
            msg += (
                f"; the corridor's {m['name_en']} is {m['name_zh']} "
                f"({m['province_en']}, {same_en[0]})"
            )
        return CityMatch("", msg + " (use one of the nine corridor cities)")
    choices = sorted({info[c]["name_en"] for c in members} | {info[c]["name_zh"] for c in members})
    close = difflib.get_close_matches(raw, choices, n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else "use one of the nine corridor cities"
    return CityMatch("", f"unknown city {raw!r} ({hint})")


def resolve_cities(values: pd.Series, file: str) -> tuple[pd.Series, list[Problem]]:
    """Resolve a column of city cells (each distinct value is matched once).

    A cell that is no city name but a longer place name (``上海市松江区``,
    ``浙江省嘉兴市``) is read as an address (:func:`resolve_address`).

    Parameters
    ----------
    values : pandas.Series of str
        City cells, indexed by spreadsheet row; empty cells are skipped.
    file : str
        File name for the problems.

    Returns
    -------
    codes : pandas.Series of str
        Corridor city code per row ("" when empty or not matched).
    problems : list of Problem
    """
    return _resolve_column(values, file, "city", _resolve_city_cell)


def _resolve_city_cell(value: str) -> CityMatch:
    match = resolve_city(value)
    if not match[0] and match[1].startswith("unknown city"):
        found = resolve_address(value)
        if found[0] or "not a corridor city" in found[1]:
            return CityMatch(found[0], found[1].removeprefix("address "))
    return match


def _resolve_column(
    values: pd.Series, file: str, column: str, resolve: Callable[[str], CityMatch]
) -> tuple[pd.Series, list[Problem]]:
    """Codes of a column of place cells, each distinct cell resolved once, and problems."""
    matches = {v: resolve(v) for v in pd.unique(values[values != ""])}
    keys, distinct = pd.factorize(values, use_na_sentinel=False)
    table = np.array([matches[v][0] if v in matches else "" for v in distinct], dtype=object)
    codes = pd.Series(table[keys], index=values.index)
    problems = []
    bad = {v: m[1] for v, m in matches.items() if m[1]}
    if bad:
        kinds = {v: _city_problem_kind(message) for v, message in bad.items()}
        mask = values.isin(list(bad)).to_numpy()
        for r, v in zip(values.index[mask].tolist(), values[mask].to_numpy(), strict=True):
            problems.append(Problem(file, r, column, bad[v], kinds[v]))
    return codes.astype(str), problems


@functools.lru_cache(maxsize=1)
def _address_patterns() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]], dict[str, str]]:
    """Regex of every unit and province name, name -> (code, full name?), province names."""
    _, _, info = _lookup()
    names: dict[str, tuple[str, bool]] = {}
    provinces: dict[str, str] = {}
    for code, unit in info.items():
        full = unit["name_zh"]
        short = _norm(full)
        if unit["level"] == "province":
            provinces[full] = provinces[short] = code
            continue
        names[full] = (code, True)
        if len(short) >= 2:
            names.setdefault(short, (code, False))
    alternatives = sorted([*names, *provinces], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), names, provinces


def resolve_address(address: str) -> CityMatch:
    """Find the corridor city an address lies in, from the city or district it names.

    Chinese addresses are scanned for the names of the prefecture cities and Shanghai
    districts of the four provinces (``浙江省嘉兴市南湖区...`` -> Jiaxing, ``上海市松江区...``
    -> Songjiang); a full name (with 市/区) wins over a short one, and a province in the
    address rules out cities of other provinces. Other addresses are split at commas and
    each part matched as a city cell (``..., Songjiang District, Shanghai``).

    Parameters
    ----------
    address : str

    Returns
    -------
    CityMatch
        ``(code, "")`` for a corridor city, ``("", message)`` otherwise.

    Examples
    --------
    >>> resolve_address("浙江省嘉兴市南湖区亚太路1号")[0]
    '330400'
    >>> resolve_address("上海市松江区金华路8号")[0]  # a street named after Jinhua
    '310117'
    >>> resolve_address("No. 1 Road, Songjiang District, Shanghai")[0]
    '310117'
    """
    pattern, names, provinces = _address_patterns()
    _, _, info = _lookup()
    text = unicodedata.normalize("NFKC", str(address)).strip()
    found = [m.group(0) for m in pattern.finditer(text)]
    in_provinces = {provinces[f] for f in found if f in provinces}
    hits = [names[f] for f in found if f in names]
    if in_provinces:
        hits = [h for h in hits if info[h[0]]["province_code"] in in_provinces]
    hits.sort(key=lambda h: not h[1])  # full names first, each kind in address order
    if hits:
        code = hits[0][0]
    else:
        code = ""
        for token in filter(None, _SPLIT.split(text)):
            match = resolve_city(token)
            if match[0] or " is " in match[1] and "not a corridor city" in match[1]:
                return match
    if not code:
        if in_provinces == {"310000"}:
            return CityMatch("", f"address {text!r} names Shanghai but no district (the "
                             "corridor's Shanghai member is Songjiang; add the district)")
        return CityMatch("", f"address {text!r} names no city of Shanghai, Jiangsu, Zhejiang "
                         "or Anhui (add the city to the address or a 'city' column)")
    if code in settings.MEMBER_CODES:
        return CityMatch(code, "")
    unit = info[code]
    return CityMatch("", f"address {text!r} is in {unit['name_zh']} ({unit['name_en']}, "
                     f"{unit['province_en']}, {code}), not a corridor city")


def resolve_addresses(values: pd.Series, file: str) -> tuple[pd.Series, list[Problem]]:
    """:func:`resolve_address` of a column (each distinct address is matched once).

    Parameters
    ----------
    values : pandas.Series of str
        Address cells, indexed by spreadsheet row; empty cells are skipped.
    file : str
        File name for the problems.

    Returns
    -------
    codes : pandas.Series of str
        Corridor city code per row ("" when empty or not matched).
    problems : list of Problem
    """
    return _resolve_column(values, file, "address", resolve_address)


def _city_problem_kind(message: str) -> str:
    """Return the kind of a :func:`resolve_city` problem, for counting problems."""
    if message.startswith("unknown city") or " names no city " in message:
        return "unknown city"
    if " is ambiguous: " in message:
        return "ambiguous city"
    return "not a corridor city"


def locate_points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the code of the city-level unit containing each WGS-84 point.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        WGS-84 coordinates; NaN entries give "".

    Returns
    -------
    numpy.ndarray of str
        GB/T 2260 code of the prefecture city or Shanghai district containing the
        point (any of the four provinces, member or not), "" when outside all of them.
        A point on a shared edge goes to the unit with the lowest code. Points are
        joined to the boundaries at ``settings.JOIN_RESOLUTION`` ("full" by default, so
        a point near a border is not misplaced by the ~150 m of simplification).
    """
    out = np.full(len(lon), "", dtype=object)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    todo = ~(np.isnan(lon) | np.isnan(lat))
    if not todo.any():
        return out
    cities = _city_polygons(settings.JOIN_RESOLUTION)
    # Polygons are in code order: the first one that claims a point (lowest code) keeps it.
    # Each polygon is prepared once and tested against the points inside its envelope
    # (vectorised); STRtree.query(points, predicate=...) would prepare the points instead
    # and test every point against the unprepared polygon (~70x slower at 1M points).
    for code, geom, (x0, y0, x1, y1) in cities:
        if not todo.any():
            break
        cand = np.flatnonzero(todo & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
        if len(cand):
            hit = cand[shapely.intersects_xy(geom, lon[cand], lat[cand])]
            out[hit] = code
            todo[hit] = False
    return out


@functools.lru_cache(maxsize=1)
def _city_polygons(
    resolution: str,
) -> tuple[tuple[str, shapely.Geometry, tuple[float, ...]], ...]:
    """Return (code, prepared polygon, envelope) of each city-level unit, in code order."""
    cities = load_boundaries("city", resolution).sort_values("code", kind="stable")
    geoms = cities.geometry.to_numpy().copy()
    shapely.prepare(geoms)
    return tuple(
        (code, geom, tuple(geom.bounds))
        for code, geom in zip(cities["code"].tolist(), geoms, strict=True)
    )


def member_attributes() -> pd.DataFrame:
    """Return name and province columns of the nine cities, indexed by code."""
    cities = load_cities().set_index("code")
    return cities[["name_en", "name_zh", "province_en"]].rename(
        columns={"name_en": "city_en", "name_zh": "city_zh"}
    )


def frame_with_points(df: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    """Return ``df`` as a WGS-84 GeoDataFrame of points (NaN coordinates give empty points)."""
    geom = shapely.points(lon, lat)
    return gpd.GeoDataFrame(df, geometry=geom, crs=settings.WGS84)
