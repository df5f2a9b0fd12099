"""Partner and investment tables: read -> validate -> join, in one call.

``load_partners`` and ``load_investments`` return WGS-84 point GeoDataFrames joined to the
corridor cities. Rows with lon/lat are placed at their point and joined spatially; rows
with only a city are placed at the city seat (``location_precision`` "city"). Rows whose
point lies outside the nine corridor cities are kept, flagged ``in_corridor=False`` and
reported in a :class:`G60Warning` (or as errors with ``outside="error"``).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Iterable
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from . import settings
from ._errors import G60InputError, Problem, format_problems
from .datasets import get_path
from .io import load_cities, read_table
from .join import (
    frame_with_points,
    locate_points,
    member_attributes,
    resolve_addresses,
    resolve_cities,
)
from .validate import validate_table

__all__ = ["load_partners", "load_investments", "check_table", "G60Warning"]

Kind = Literal["partners", "investments"]
Outside = Literal["warn", "error", "keep"]

_LEADING = {
    "partners": ["name", "city", "city_code", "city_en", "city_zh", "province_en"],
    "investments": [
        "investor", "project", "city", "city_code", "city_en", "city_zh", "province_en",
        "amount", "currency", "amount_cny", "amount_usd", "date",
    ],
}
_RESERVED = ("row", "geometry")
_DERIVED = [
    "city_code", "city_en", "city_zh", "province_en", "in_corridor", "amount_cny", "amount_usd",
]
_TRAILING = ["in_corridor", "location_precision", "lon", "lat", "geometry"]


class G60Warning(UserWarning):
    """Something in the input worth knowing that does not stop the work.

    Parameters
    ----------
    message : str
    problems : iterable of Problem, optional
        The rows concerned, all of them (the message lists only the first few).
    title : str, optional
        The message's first line, saying what the rows have in common.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = (), title: str = ""):
        super().__init__(message)
        self.problems: list[Problem] = list(problems)
        self.title = title


def _join(
    df: pd.DataFrame, kind: Kind, outside: Outside, datum: str = "wgs84", *, frame: bool = True
) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    # The joined GeoDataFrame; with frame=False only each row's city (city_code,
    # in_corridor), for check_table and count-partners: no point geometry, no copies.
    parsed, problems = validate_table(df, kind, datum=datum)
    original = parsed.attrs.get("renamed", {})  # standard name -> header as written
    # Names this function gives meaning to; an input column of that name is kept, renamed
    # (e.g. a table saved from an earlier load has a "row" column).
    parsed = parsed.rename(columns={c: f"{c}_input" for c in _RESERVED if c in parsed.columns})
    file = df.attrs.get("file", "<table>")
    named, city_problems = resolve_cities(parsed["city"], file)
    lon = parsed["lon"].to_numpy(dtype=float)
    lat = parsed["lat"].to_numpy(dtype=float)
    has_point = ~(np.isnan(lon) | np.isnan(lat))
    if "address" in parsed:  # rows with neither a city nor a point: the city in the address
        use = ((parsed["city"] == "") & ~has_point).to_numpy()
        from_address, address_problems = resolve_addresses(
            parsed["address"].where(use, ""), file
        )
        named = named.where(~use, from_address)
        city_problems += address_problems
    problems += [
        dataclasses.replace(p, column=original[p.column]) if p.column in original else p
        for p in city_problems
    ]
    located = pd.Series(locate_points(lon, lat), index=parsed.index)
    members = set(settings.MEMBER_CODES)
    in_member = located.isin(members)

    conflict = (has_point & in_member & (named != "") & (named != located)).to_numpy()
    units = member_attributes()
    city_en = units["city_en"].to_dict()
    for r, code, cell in zip(
        parsed.index[conflict].tolist(),
        located[conflict].to_numpy(),
        parsed["city"][conflict].to_numpy(),
        strict=True,
    ):
        problems.append(
            Problem(
                file,
                r,
                "lon/lat",
                f"point lies in {city_en[code]} but city says "
                f"{cell} (correct the city or the coordinates)",
                "point and city disagree",
            )
        )
    notes: list[Problem] = []
    beyond = has_point & ~in_member.to_numpy()
    if beyond.any():
        from .boundaries import load_admin_units

        names = load_admin_units().set_index("code")["name_en"].to_dict()
        for r, code, x, y in zip(
            parsed.index[beyond].tolist(),
            located[beyond].to_numpy(),
            lon[beyond],
            lat[beyond],
            strict=True,
        ):
            where = (
                f"in {names[code]}, not a corridor city"
                if code
                else "outside Shanghai, Jiangsu, Zhejiang and Anhui"
            )
            notes.append(
                Problem(
                    file, r, "lon/lat", f"point ({x:.5f}, {y:.5f}) lies {where}",
                    "outside the corridor",
                )
            )
        if outside == "error":
            problems += notes
            notes = []

    code = pd.Series(np.where(has_point, located.where(in_member, ""), named), index=parsed.index)
    if not frame:
        return pd.DataFrame({"city_code": code, "in_corridor": code != ""}), problems, notes
    cities = load_cities().set_index("code")
    keys, distinct = pd.factorize(code, use_na_sentinel=False)  # a handful of codes
    seats = cities.reindex(distinct)
    seat_lon = seats["lon"].to_numpy(dtype=float)[keys]
    seat_lat = seats["lat"].to_numpy(dtype=float)[keys]
    # Columns this function derives are recomputed, even if the input had them (a table
    # saved from an earlier load).
    out = parsed.drop(columns=[c for c in _DERIVED if c in parsed.columns])
    out["city_code"] = code
    out = out.join(units, on="city_code")
    for col in ("city_en", "city_zh", "province_en"):
        out[col] = out[col].fillna("")
    out["in_corridor"] = code != ""
    precision = np.where(has_point, "point", np.where(code != "", "city", ""))
    if "location_precision" in out:
        user = out["location_precision"].astype(str)
        out["location_precision"] = user.where(user != "", precision)
    else:
        out["location_precision"] = precision
    out["lon"] = np.where(has_point, lon, seat_lon)
    out["lat"] = np.where(has_point, lat, seat_lat)
    if kind == "investments" and "amount" in out and "currency" in out:
        rate = settings.USD_CNY_RATE
        cny = out["currency"] == "CNY"
        out["amount_cny"] = np.where(cny, out["amount"], out["amount"] * rate)
        out["amount_usd"] = np.where(cny, out["amount"] / rate, out["amount"])
    gdf = frame_with_points(out, out["lon"].to_numpy(float), out["lat"].to_numpy(float))
    leading = [c for c in _LEADING[kind] if c in gdf]
    rest = [c for c in gdf.columns if c not in leading and c not in _TRAILING]
    gdf = gdf[leading + rest + _TRAILING]
    gdf.attrs = {"file": file}
    if kind == "investments":
        gdf.attrs.update(
            usd_cny_rate=settings.USD_CNY_RATE,
            usd_cny_rate_date=settings.USD_CNY_RATE_DATE,
            usd_cny_rate_source=settings.USD_CNY_RATE_SOURCE,
        )
    return gdf, problems, notes


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Return problems in file order: by row, then column."""
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _load(
    path: str | os.PathLike[str] | None, kind: Kind, outside: Outside, datum: str
) -> gpd.GeoDataFrame:
    if outside not in ("warn", "error", "keep"):
        raise ValueError(f"outside must be 'warn', 'error' or 'keep', not {outside!r}")
    df = read_table(get_path(kind) if path is None else path)
    gdf, problems, notes = _join(df, kind, outside, datum)
    if problems:
        raise G60InputError(sort_problems(problems))
    if notes and outside == "warn":
        warn_outside(notes)
    return gdf.reset_index(names="row")


def warn_outside(notes: list[Problem]) -> None:
    """Warn (:class:`G60Warning`) about rows kept although outside the corridor.

    The message lists the first :data:`g60map.settings.MAX_NOTES_SHOWN` rows, then counts;
    the warning's ``problems`` attribute has every row.
    """
    title = f"{len(notes):,} row(s) outside the corridor kept with in_corridor=False"
    text = format_problems(
        notes,
        limit=settings.MAX_NOTES_SHOWN,
        title=title,
        hint="every row is in the warning's .problems list",
    )
    warnings.warn(G60Warning(text, notes, title), stacklevel=4)


def load_partners(
    path: str | os.PathLike[str] | None = None,
    *,
    outside: Outside = "warn",
    datum: str = "wgs84",
) -> gpd.GeoDataFrame:
    """Load, validate and join a partners table.

    Parameters
    ----------
    path : path-like, optional
        CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), .xlsx or GeoParquet (``.parquet``;
        its point geometry gives ``lon``/``lat``) with a ``name`` column and
        ``city`` and/or ``lon``/``lat`` (WGS-84); optional ``kind``, ``website``,
        ``description``; other columns are kept. Default: the packaged partners named
        in the source article.
    outside : {"warn", "error", "keep"}, default "warn"
        What to do with rows whose point lies outside the nine corridor cities.
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of ``lon``/``lat``: ``gcj02`` for coordinates copied from AMap/Gaode or
        Tencent, ``bd09`` for Baidu. A ``datum`` column, when present, gives it per row
        (``wgs84``/``gps``, ``gcj02``/``amap``/``高德``, ``bd09``/``baidu``/``百度``; an
        empty cell takes this default). Points are shifted to WGS-84 before the join.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``row`` (spreadsheet row), the input columns,
        ``city_code``, ``city_en``, ``city_zh``, ``province_en``, ``in_corridor``,
        ``location_precision``, ``lon``, ``lat``.

    Raises
    ------
    G60InputError
        With every problem of the file, each as ``file:row:column: message``.

    Examples
    --------
    >>> partners = load_partners()
    >>> sorted(partners["city_en"].unique())
    ['Songjiang']
    """
    return _load(path, "partners", outside, datum)


def load_investments(
    path: str | os.PathLike[str] | None = None,
    *,
    outside: Outside = "warn",
    datum: str = "wgs84",
) -> gpd.GeoDataFrame:
    """Load, validate and join an investments table.

    Parameters
    ----------
    path : path-like, optional
        Table with ``investor``, ``project``, ``city`` (or ``lon``/``lat``), ``amount``,
        ``currency`` (CNY or USD), ``date`` (ISO); optional ``description``, ``source``.
        Default: the packaged investment from the source article.
    outside : {"warn", "error", "keep"}, default "warn"
        What to do with rows whose point lies outside the nine corridor cities.
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of ``lon``/``lat``: ``gcj02`` for coordinates copied from AMap/Gaode or
        Tencent, ``bd09`` for Baidu. A ``datum`` column, when present, gives it per row
        (``wgs84``/``gps``, ``gcj02``/``amap``/``高德``, ``bd09``/``baidu``/``百度``; an
        empty cell takes this default). Points are shifted to WGS-84 before the join.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points; ``amount_cny`` and ``amount_usd`` at the rate in
        ``gdf.attrs["usd_cny_rate"]`` (dated ``attrs["usd_cny_rate_date"]``).

    Examples
    --------
    >>> inv = load_investments()
    >>> float(inv["amount_cny"].sum())
    15000000000.0
    """
    return _load(path, "investments", outside, datum)


def check_table(
    path: str | os.PathLike[str], kind: Kind, *, datum: str = "wgs84"
) -> tuple[list[Problem], list[Problem]]:
    """Return ``(errors, notes)`` for a table without raising on bad rows.

    Parameters
    ----------
    path : path-like
    kind : {"partners", "investments"}
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        As in :func:`load_partners`.

    Returns
    -------
    errors, notes : list of Problem
        ``errors`` make :func:`load_partners`/:func:`load_investments` fail; ``notes``
        are rows outside the corridor.
    """
    try:
        df = read_table(path)
    except G60InputError as exc:
        return [p for p in exc.problems if isinstance(p, Problem)], []
    _, problems, notes = _join(df, kind, "warn", datum, frame=False)
    return sort_problems(problems), notes
