"""Place each row of a table: its place columns resolved to one unit, then a point.

A row's ``province``, ``city``, ``district`` and ``address`` cells are resolved to GB/T 2260
units (:func:`place_rows`); the row is then put at a point (:func:`place_points`): the
seat of a corridor city for a city, a point inside the district's polygon for a district
(its representative point, the same for every row of the district), the seat of the unit
from the national table elsewhere. Rows with lon/lat keep their point and get the district
that contains it (:func:`locate_districts`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import shapely

from .._errors import Problem
from ..reference.places import Place, national_units, parse_addresses, place_of
from .join import (
    _CORRIDOR_PROVINCES,
    _city_problem_kind,
    _unit_of_city,
    _where,
    locate_in,
    outside_message,
    prepared_polygons,
    resolve_places,
)

__all__ = ["place_rows", "place_points", "locate_districts", "district_points"]


#: Cells of a registry's city column that name no city (the districts of a municipality,
#: the counties a province administers directly): read as empty.
_NO_CITY = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_RANK = {"district": 3, "city": 2, "province": 1, "": 0}


def _city_cells(values: list[str]) -> dict[str, tuple[Place, str]]:
    """Place of each distinct city cell, or ``(Place(), problem)``."""
    out: dict[str, tuple[Place, str]] = {}
    national: list[str] = []
    for value in values:
        code, problem = _unit_of_city(value)
        if code:
            out[value] = (place_of(code), "")
        elif " is ambiguous: " in problem:
            out[value] = (Place(), problem)
        else:  # unknown here, or a province: the national table may know it
            out[value] = (Place(), problem)
            national.append(value)
    for value, place in zip(national, parse_addresses(national), strict=True):
        if place.code:
            out[value] = (place, "")
        elif place.candidates:
            out[value] = (Place(), place.message)
    return out


def _same_area(a: Place, b: Place) -> bool:
    """Whether two places can be the same (one inside the other).

    Two districts must be the same district, also inside one city (a district column
    临平区 and an address in 余杭区 disagree).
    """
    if a.district_code and b.district_code:
        return a.district_code == b.district_code
    if a.city_code and b.city_code:
        return a.city_code == b.city_code
    return a.province_code == b.province_code


def place_rows(
    table: pd.DataFrame, file: str, headers: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Resolve the place columns of each row to one place (GB/T 2260), offline.

    ``city`` cells are matched as :func:`resolve_city` does, then against the national
    table; ``district`` cells in the context of the row's province and city;
    ``address`` cells on their own, and again after the row's province, city and
    district when they alone name no unique place (``鼓楼区中山路`` with city 南京).
    The most precise place wins; places of one row that disagree are a problem.

    Parameters
    ----------
    table : pandas.DataFrame
        Text columns, any of ``province``, ``city``, ``district``, ``address``; indexed
        by row.
    file : str
        File name for the problems.
    headers : dict of str to str, optional
        Standard column name -> header as written, for the problems.

    Returns
    -------
    places : pandas.DataFrame
        Same index; ``code`` (most precise unit, "" if none), ``level``
        ("district", "city", "province" or "") and ``column`` (the standard column
        whose cell gave it), ``note`` (what was assumed to place it: an old unit read
        as its successor, a county under another prefecture; "" if nothing).
    problems : list of Problem
        Unknown and ambiguous names, and disagreements. A row with no usable place
        column at all gets none here (the caller checks for points).
    """
    headers = headers or {}
    cols = [c for c in ("province", "city", "district", "address") if c in table]
    out = pd.DataFrame({"code": "", "level": "", "column": "", "note": ""}, index=table.index)
    if not cols:
        return out, []
    cells = table[cols].astype(str).apply(lambda s: s.str.strip())
    if "city" in cells:
        cells["city"] = cells["city"].where(~cells["city"].isin(_NO_CITY), "")
    keys = cells.drop_duplicates()
    keys = keys[(keys != "").any(axis=1)]
    get = {c: keys[c].tolist() if c in keys else [""] * len(keys) for c in
           ("province", "city", "district", "address")}
    city_map = _city_cells(sorted({v for v in get["city"] if v}))
    city_of = [city_map[v] if v else (Place(), "") for v in get["city"]]
    province_of = dict(zip(
        (ps := sorted({v for v in get["province"] if v})), parse_addresses(ps), strict=True))

    def context(i: int) -> str:
        place = city_of[i][0]
        if place.code:
            return place.province_zh + place.city_zh
        return get["province"][i] + get["city"][i]

    district_text = [context(i) + d if d else "" for i, d in enumerate(get["district"])]
    district_map = dict(zip(
        (ds := sorted({t for t in district_text if t})), resolve_places(ds), strict=True))
    address_map = dict(zip(
        (ads := sorted({a for a in get["address"] if a})), resolve_places(ads), strict=True))
    retry = sorted({
        context(i) + get["district"][i] + a for i, a in enumerate(get["address"])
        if a and not address_map[a].code and (context(i) or get["district"][i])
    })
    retry_map = dict(zip(retry, resolve_places(retry), strict=True))

    def _district_level(i: int) -> str:
        return district_map[district_text[i]].level if district_text[i] else ""

    results: list[tuple[str, str, str, list[tuple[str, str, str]], str]] = []
    for i in range(len(keys)):
        found: list[tuple[Place, str]] = []
        errors: list[tuple[str, str, str]] = []  # column, message, kind
        address = get["address"][i]
        if address:
            place = address_map[address]
            if not place.code and (context(i) or get["district"][i]):
                again = retry_map[context(i) + get["district"][i] + address]
                # the context alone would give that: the address adds nothing
                known = max(_RANK[city_of[i][0].level], _RANK[_district_level(i)])
                if _RANK[again.level] > known or not again.code:
                    place = again
            if place.code:
                found.append((place, "address"))
            else:
                errors.append(("address", place.message, _kind(place)))
        if district_text[i]:
            place = district_map[district_text[i]]
            if place.code:
                found.append((place, "district"))
            else:
                errors.append(("district", place.message, _kind(place)))
        if get["city"][i]:
            place, problem = city_of[i]
            if place.code:
                found.append((place, "city"))
            else:
                errors.append(("city", problem, _city_problem_kind(problem)))
        if get["province"][i]:
            place = province_of[get["province"][i]]
            if place.code:
                found.append((place, "province"))
        best = max(found, key=lambda f: _RANK[f[0].level], default=None)
        if best is not None:
            # an address or district that is not understood does not matter when the
            # row has a place from another column; a city that is not understood does
            errors = [e for e in errors if e[0] == "city"]
            for place, column in found:
                if (column == "district" and best[1] == "address"
                        and best[0].note.startswith(f"{get['district'][i]} with ")):
                    # the column names a unit that was split (余杭区); the address names
                    # the town that tells which part (余杭区临平... -> 临平区)
                    continue
                if not _same_area(place, best[0]):
                    where = _where
                    if place.city_code == best[0].city_code:  # two districts of one city
                        where = _district_where
                    errors.append((
                        column,
                        f"{headers.get(column, column)} {_cell(get, column, i)!r} is in "
                        f"{where(place)} but {headers.get(best[1], best[1])} "
                        f"{_cell(get, best[1], i)!r} is in {where(best[0])} "
                        "(correct one of them)",
                        "places disagree",
                    ))
            place, column = best
            if place.level == "province" and place.province_code in _CORRIDOR_PROVINCES:
                errors.append((column, outside_message(_cell(get, column, i), place),
                               "no city"))
        code, level, column = (best[0].code, best[0].level, best[1]) if best else ("", "", "")
        note = best[0].note if best else ""
        results.append((code, level, column, errors, note))

    group = cells.merge(
        keys.assign(_key=np.arange(len(keys))), on=cols, how="left"
    )["_key"].to_numpy()
    have = ~np.isnan(group.astype(float))
    idx = np.where(have, group, 0).astype(int)
    table_codes = np.array([r[0] for r in results] + [""], dtype=object)
    table_levels = np.array([r[1] for r in results] + [""], dtype=object)
    table_cols = np.array([r[2] for r in results] + [""], dtype=object)
    pick = np.where(have, idx, len(results))
    out["code"], out["level"], out["column"] = table_codes[pick], table_levels[pick], \
        table_cols[pick]
    out["note"] = np.array([r[4] for r in results] + [""], dtype=object)[pick]
    problems = []
    bad = {k: r[3] for k, r in enumerate(results) if r[3]}
    if bad:
        for r, k in zip(table.index[have].tolist(), idx[have].tolist(), strict=True):
            for column, message, kind in bad.get(k, ()):
                problems.append(Problem(file, r, column, message, kind))
    return out, problems


def _district_where(place: Place) -> str:
    """``滨江区 (杭州市, 330108)``: a district and its city."""
    return f"{place.district_zh} ({place.city_zh}, {place.district_code})"


def _cell(get: dict[str, list[str]], column: str, i: int) -> str:
    return get[column][i]


def _kind(place: Place) -> str:
    return "ambiguous place" if place.candidates else "unknown place"


@functools.lru_cache(maxsize=1)
def _district_polygons() -> tuple[tuple[str, shapely.Geometry, tuple[float, ...]], ...]:
    """(code, prepared polygon, envelope) of each district of the nine cities, in code order.

    Empty when the package has no district boundaries.
    """
    from .. import settings
    from ..reference.boundaries import load_boundaries

    try:
        districts = load_boundaries("district", settings.JOIN_RESOLUTION)
    except ValueError:  # no district level in this version of the boundaries
        return ()
    return prepared_polygons(districts["code"].astype(str).tolist(),
                             districts.geometry.to_numpy())


@functools.lru_cache(maxsize=1)
def _district_points_cached() -> dict[str, tuple[float, float]]:
    points = {}
    for code, geom, _ in _district_polygons():
        p = shapely.point_on_surface(geom)
        points[code] = (float(p.x), float(p.y))
    return points


def district_points() -> dict[str, tuple[float, float]]:
    """Return the point each district of the nine cities places its rows at.

    Returns
    -------
    dict of str to (float, float)
        District code -> WGS-84 ``(lon, lat)``: the representative point of the
        district's polygon (:func:`shapely.point_on_surface`: always inside it,
        deterministic). Empty without district boundaries.
    """
    return dict(_district_points_cached())


def locate_districts(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the code of the district of the nine cities containing each WGS-84 point.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        WGS-84 coordinates; NaN entries give "".

    Returns
    -------
    numpy.ndarray of str
        District code, "" outside the nine cities (or without district boundaries). A
        point on a shared edge or vertex goes to the district with the smallest code
        (:func:`g60map.ingest.join.locate_in`).
    """
    if np.isnan(np.asarray(lon, dtype=float)).all():  # no point: no boundaries to read
        return np.full(len(lon), "", dtype=object)
    return locate_in(lon, lat, _district_polygons())


def place_points(codes: pd.Series, precision: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return the WGS-84 point of each row placed by name.

    Parameters
    ----------
    codes : pandas.Series of str
        The unit each row was placed in ("" for none).
    precision : pandas.Series of str
        ``"district"``: the representative point of the district polygon (nine cities);
        ``"city"``: the seat of a corridor city, else the unit's seat from the national
        table; ``"province"``: the province's seat from the national table. Where the
        national table has no seat, the seat of the unit above it.

    Returns
    -------
    lon, lat : numpy.ndarray
        NaN for rows with no code.
    """
    from ..reference.cities import load_cities

    seats = load_cities().set_index("code")[["lon", "lat"]]
    units = national_units()
    inside = district_points()
    keys, distinct = pd.factorize(codes.astype(str) + "|" + precision.astype(str),
                                  use_na_sentinel=False)
    table = np.full((len(distinct), 2), np.nan)
    for k, key in enumerate(distinct):
        code, _, prec = str(key).partition("|")
        point = (np.nan, np.nan)
        if code and prec == "district" and code in inside:
            point = inside[code]
        elif code in seats.index:
            point = tuple(seats.loc[code, ["lon", "lat"]].astype(float))
        else:
            unit = code
            while unit and unit in units.index:
                lon, lat = units.at[unit, "lon"], units.at[unit, "lat"]
                if np.isfinite(lon) and np.isfinite(lat):
                    point = (float(lon), float(lat))
                    break
                unit = units.at[unit, "parent_code"]
        table[k] = point
    values = table[keys] if len(distinct) else np.full((len(codes), 2), np.nan)
    return values[:, 0], values[:, 1]
