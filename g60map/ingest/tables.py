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
from collections.abc import Sequence
from typing import Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._errors import (
    G60InputError,
    G60Warning,
    Problem,
)
from ..reference.boundaries import load_admin_units
from ..reference.datasets import get_path
from ..reference.places import Place, place_of
from ._cells import frame_cell_problems
from .dates import date_text
from .join import frame_with_points, locate_points
from .notes import (
    TABLE_KINDS,
    G60Note,
    column_notes,
    note_columns,
    note_excluded,
    note_places,
    row_problems,
    skipped_problem,
    warn_skipped,
)
from .outside import OutsideNotes, outside_notes, warn_outside
from .placing import locate_districts, place_points, place_rows
from .rates import convert_amounts
from .read import frame_label, frame_to_text, read_input
from .status import exclude_by_status, status_words
from .validate import validate_table

__all__ = ["load_partners", "load_investments", "check_table", "is_loaded", "G60Warning",
           "G60Note"]

Kind = Literal["partners", "investments"]
Outside = Literal["warn", "error", "keep", "drop"]
OnBadRows = Literal["error", "skip"]

_LEADING = {
    "partners": ["name", "city", "city_code", "city_en", "city_zh", "province_code",
                 "province_en", "province_zh", "district_code", "district_zh"],
    "investments": [
        "investor", "project", "city", "city_code", "city_en", "city_zh", "province_code",
        "province_en", "province_zh", "district_code", "district_zh", "amount", "currency",
        "amount_cny", "amount_usd", "date", "date_precision",
    ],
}
_RESERVED = ("row", "geometry")
_DERIVED = [
    "province_code", "province_zh", "province_en", "city_code", "city_zh", "city_en",
    "district_code", "district_zh", "in_corridor", "amount_cny", "amount_usd", "fx_rate",
    "fx_rate_date",
]
_TRAILING = ["in_corridor", "location_precision", "location_basis", "lon", "lat", "geometry"]


Source: TypeAlias = str | os.PathLike[str] | pd.DataFrame


def _attributes(codes: pd.Series, columns: list[str] | None = None) -> pd.DataFrame:
    """Province, city and district columns of each row's unit (national table).

    ``columns``: only these of :data:`_PLACE_COLUMNS` (each costs a pass over the rows).
    """
    from .join import city_lookup

    _, _, info = city_lookup()
    keys, distinct = pd.factorize(codes.astype(str), use_na_sentinel=False)
    rows = []
    for code in distinct:
        place = place_of(code) if code else Place()
        rows.append(
            (
                place.province_code, place.province_zh,
                info.get(place.province_code, {}).get("name_en", ""),
                place.city_code, place.city_zh, info.get(place.city_code, {}).get("name_en", ""),
                place.district_code, place.district_zh,
            )
        )
    table = pd.DataFrame(rows, columns=_PLACE_COLUMNS) if rows else \
        pd.DataFrame(columns=_PLACE_COLUMNS)
    out = table[columns or _PLACE_COLUMNS].iloc[keys].reset_index(drop=True).astype(str)
    out.index = codes.index
    return out


_PLACE_COLUMNS = [
    "province_code", "province_zh", "province_en", "city_code", "city_zh", "city_en",
    "district_code", "district_zh",
]


def join_table(
    df: pd.DataFrame, kind: Kind, outside: Outside, datum: str = "wgs84", *, frame: bool = True
) -> tuple[pd.DataFrame, list[Problem], Sequence[Problem]]:
    # The joined GeoDataFrame; with frame=False only each row's city (city_code,
    # in_corridor), for check_table and count-partners: no point geometry, no copies.
    parsed, problems = validate_table(df, kind, datum=datum)
    original = parsed.attrs.get("renamed", {})  # standard name -> header as written
    # Names this function gives meaning to; an input column of that name is kept, renamed
    # (e.g. a table saved from an earlier load has a "row" column).
    parsed = parsed.rename(columns={c: f"{c}_input" for c in _RESERVED if c in parsed.columns})
    file = df.attrs.get("file", "<table>")
    headers = {c: original.get(c, c) for c in ("province", "city", "district", "address")}
    named, place_problems = place_rows(parsed, file, headers)
    noted = (named["note"] != "").to_numpy()
    place_notes = [
        Problem(file, r, original.get(column, column), note, "place assumed")
        for r, column, note in zip(parsed.index[noted].tolist(),
                                   named["column"][noted].tolist(),
                                   named["note"][noted].tolist(), strict=True)
    ]
    problems += [
        dataclasses.replace(p, column=original[p.column]) if p.column in original else p
        for p in place_problems
    ]
    lon = parsed["lon"].to_numpy(dtype=float)
    lat = parsed["lat"].to_numpy(dtype=float)
    has_point = ~(np.isnan(lon) | np.isnan(lat))
    # Codes as numpy object arrays: a pandas column of them is built only where needed.
    located = locate_points(lon, lat)
    point_district = locate_districts(lon, lat)
    named_code = named["code"].to_numpy(dtype=object)
    named_city = _attributes(named["code"], ["city_code"])["city_code"].to_numpy(dtype=object)

    conflict = has_point & (located != "") & (named_city != "") & (named_city != located)
    units = load_admin_units().set_index("code")["name_en"].to_dict()
    lonlat = f"{original.get('lon', 'lon')}/{original.get('lat', 'lat')}"
    for r, code, column in zip(
        parsed.index[conflict].tolist(),
        located[conflict],
        named["column"][conflict].to_numpy(),
        strict=True,
    ):
        problems.append(
            Problem(
                file,
                r,
                lonlat,
                f"point lies in {units.get(code, code)} but {original.get(column, column)} "
                f"says {parsed.at[r, column]} (correct the {original.get(column, column)} "
                "or the coordinates)",
                "point and city disagree",
            )
        )

    code = pd.Series(
        np.where(has_point, np.where(point_district != "", point_district, located),
                 named_code),
        index=parsed.index,
    )
    attrs = _attributes(code, None if frame else ["city_code"])
    members = set(settings.MEMBER_CODES)
    in_corridor = attrs["city_code"].isin(members)
    notes: Sequence[Problem] = outside_notes(
        parsed, file, original, has_point, in_corridor, named, attrs, lon, lat, units
    )
    if outside == "error":
        problems += notes
        notes = []
    if not frame:
        slim = pd.DataFrame({"city_code": attrs["city_code"], "in_corridor": in_corridor})
        slim.attrs = {"file": file}
        if place_notes:
            slim.attrs["place_notes"] = place_notes
        if original:
            slim.attrs["columns_read_as"] = {v: k for k, v in original.items()}
        if parsed.attrs.get("unread_money"):
            slim.attrs["unread_money"] = parsed.attrs["unread_money"]
        return slim, problems, notes

    # A city cell naming a district of a municipality (松江区) is a city of the corridor,
    # placed at its seat; one naming a county-level city (昆山) places the row in it.
    municipal = named["code"].str[:2].isin(["11", "12", "31", "50"])
    precision = pd.Series(
        np.where(has_point, "point",
                 np.where((named["column"] == "city") & (named["level"] == "district")
                          & municipal, "city", named["level"])),
        index=parsed.index,
    )
    seat_lon, seat_lat = place_points(code.where(~has_point, ""), precision)
    # Columns this function derives are recomputed, even if the input had them (a table
    # saved from an earlier load).
    out = parsed.drop(columns=[c for c in _DERIVED if c in parsed.columns])
    for col in _PLACE_COLUMNS:
        out[col] = attrs[col]
    out["in_corridor"] = in_corridor
    for col, derived in (("location_precision", precision), ("location_basis",
                         _basis(parsed, named, has_point, original, lonlat))):
        if col in out:  # a value given in the input (a table saved from a load) is kept
            user = out[col].astype(str)
            out[col] = user.where(user != "", derived).astype(str)
        else:
            out[col] = derived.astype(str)
    out["lon"] = np.where(has_point, lon, seat_lon)
    out["lat"] = np.where(has_point, lat, seat_lat)
    fx_note = ""
    if "amount" in out and "currency" in out:
        fx_note = convert_amounts(out, parsed, file, original, problems)
    if "city" not in parsed:
        out["city"] = ""
    gdf = frame_with_points(out, out["lon"].to_numpy(float), out["lat"].to_numpy(float))
    gdf = gdf[_order(list(gdf.columns), kind)]
    gdf.attrs = {"file": file}
    if place_notes:
        gdf.attrs["place_notes"] = place_notes
    if original:
        gdf.attrs["columns_read_as"] = {v: k for k, v in original.items()}
    if fx_note:
        gdf.attrs["fx_rates"] = fx_note
    if parsed.attrs.get("unread_money"):
        gdf.attrs["unread_money"] = parsed.attrs["unread_money"]
    if "amount" in gdf:
        gdf.attrs.update(
            usd_cny_rate=settings.USD_CNY_RATE,
            usd_cny_rate_date=settings.USD_CNY_RATE_DATE,
            usd_cny_rate_source=settings.USD_CNY_RATE_SOURCE,
        )
    return gdf, problems, notes


def _order(columns: list[str], kind: Kind) -> list[str]:
    """Columns in a fixed order: the kind's leading ones, the input's, then the derived."""
    leading = [c for c in _LEADING[kind] if c in columns]
    placed = set(leading) | set(_TRAILING) | set(_FOLLOW)
    order = [c for c in columns if c not in placed]
    for after, cols in _FOLLOW_AFTER:  # derived columns beside their source column
        if after in order:
            at = order.index(after) + 1
            order[at:at] = [c for c in cols if c in columns and c not in leading]
    order += [c for c in _FOLLOW if c in columns and c not in order and c not in leading]
    return leading + order + _TRAILING


#: Derived columns placed right after another column (or at the end of the input's).
_FOLLOW_AFTER = (("currency", ("amount_cny", "amount_usd", "fx_rate", "fx_rate_date")),
                 ("date", ("date_precision",)))
_FOLLOW = ("province_code", "province_zh", "amount_cny", "amount_usd", "fx_rate",
           "fx_rate_date", "date_precision")


def _basis(
    parsed: pd.DataFrame, named: pd.DataFrame, has_point: np.ndarray,
    original: dict[str, str], lonlat: str,
) -> pd.Series:
    """Say what placed each row: ``注册地址: 浙江省嘉兴市...``, ``city: Hefei``, ``lon/lat``."""
    basis = pd.Series("", index=parsed.index, dtype=object)
    for column in ("address", "district", "city", "province"):
        if column not in parsed:
            continue
        sel = (named["column"] == column).to_numpy() & ~has_point
        if sel.any():
            basis[sel] = f"{original.get(column, column)}: " + parsed[column][sel].astype(str)
    basis[has_point] = lonlat
    return basis


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Return problems in file order: by row, then column."""
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


#: Columns every frame returned by :func:`load_partners` / :func:`load_investments` has.
_LOADED_MARKERS = ("row", "city_code", "in_corridor", "location_precision", "lon", "lat")
_HIDDEN_DATUM = "\x00datum"  # the datum column of a loaded frame, out of the way


def is_loaded(frame: object) -> bool:
    """Return whether ``frame`` looks like a table :func:`load_partners` returned.

    Parameters
    ----------
    frame : object

    Returns
    -------
    bool
        True for a (Geo)DataFrame with the columns every loaded table has (``row``,
        ``city_code``, ``in_corridor``, ``location_precision``, ``lon``, ``lat``).
    """
    return isinstance(frame, pd.DataFrame) and all(c in frame.columns for c in _LOADED_MARKERS)


def _unload(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a loaded table back into the text table it was read from (no derived columns).

    Its ``lon``/``lat`` are WGS-84 where it has a point (``location_precision`` "point")
    and derived elsewhere (a seat, a point inside a district): those are dropped, so the
    row is placed again from its place columns. Dates are written with their precision.
    """
    df = pd.DataFrame(frame.drop(columns=frame.geometry.name)) \
        if isinstance(frame, gpd.GeoDataFrame) else pd.DataFrame(frame)
    point = df["location_precision"].astype(str).eq("point").to_numpy()
    df["lon"] = df["lon"].where(point)
    df["lat"] = df["lat"].where(point)
    if "date" in df and "date_precision" in df:
        df["date"] = date_text(df["date"], df["date_precision"])
    df = df.drop(columns=[c for c in [*_DERIVED, "date_precision"] if c in df])
    rows = pd.to_numeric(df.pop("row"), errors="coerce")
    df = df.rename(columns={f"{c}_input": c for c in _RESERVED if f"{c}_input" in df})
    if "datum" in df:  # lon/lat are WGS-84 now, whatever the datum column says
        df = df.rename(columns={"datum": _HIDDEN_DATUM})
    if rows.notna().all() and rows.is_unique:
        df.index = pd.Index(rows.astype("int64"), name="row")
    else:
        df.index = pd.RangeIndex(len(df), name="row")
    text, problems = frame_to_text(df, frame_label(frame))
    if problems:
        raise G60InputError(problems)
    text.index = df.index
    text.attrs["file"] = frame_label(frame)
    return text


def _read(
    source: Source | None, kind: Kind, sheet: str | None
) -> tuple[pd.DataFrame, bool]:
    """Return the text table of a source, and whether it is a loaded table read again."""
    if source is None:
        return read_input(get_path(kind), sheet=sheet), False
    if is_loaded(source):
        return _unload(source), True
    if isinstance(source, pd.DataFrame) and (odd := frame_cell_problems(
            source, frame_label(source))):
        raise G60InputError(odd)
    return read_input(source, sheet=sheet), False


def _join_source(
    source: Source | None, kind: Kind, outside: Outside, datum: str, sheet: str | None,
    frame: bool = True, exclude_status: str | Sequence[str] = (),
    on_bad_rows: OnBadRows = "error",
) -> tuple[pd.DataFrame, list[Problem], Sequence[Problem], list[Problem]]:
    """Read and join a table; with ``on_bad_rows="skip"``, without its bad rows.

    Returns the joined table, its problems, its notes (rows outside) and the notes of
    the rows skipped (:func:`skipped_problem`, in row order).
    """
    if outside not in ("warn", "error", "keep", "drop"):
        raise ValueError(f"outside must be 'warn', 'error', 'keep' or 'drop', not {outside!r}")
    if on_bad_rows not in ("error", "skip"):
        raise ValueError(f"on_bad_rows must be 'error' or 'skip', not {on_bad_rows!r}")
    df, again = _read(source, kind, sheet)
    df, excluded = exclude_by_status(df, status_words(exclude_status),
                                     df.attrs.get("file", "<table>"))
    datum = "wgs84" if again else datum
    gdf, problems, notes = join_table(df, kind, outside, datum, frame=frame)
    if excluded:
        gdf.attrs["excluded_by_status"] = excluded
    skipped: list[Problem] = []
    bad = row_problems(problems, df.index) if on_bad_rows == "skip" and problems else []
    # Every check but one is of a row alone, so the rows left are joined as they were;
    # the one across rows, a duplicate, repeats the cells of its first copy: a duplicate
    # of a bad row is as bad, and one of a good row is itself the row left out.
    if bad and len(bad) == len(problems):  # else a problem of the header: nothing to skip
        skipped = [skipped_problem(p) for p in bad]
        rows = {p.row for p in bad}
        keep = ~gdf.index.isin(list(rows))
        attrs = dict(gdf.attrs)
        gdf = gdf[keep]
        gdf.attrs = attrs
        problems = []
        notes = notes.without_rows(rows) if isinstance(notes, OutsideNotes) else \
            [n for n in notes if n.row not in rows]
    if again and _HIDDEN_DATUM in gdf:
        gdf = gdf.rename(columns={_HIDDEN_DATUM: "datum"})
    return gdf, problems, notes, sort_problems(skipped)


def load_table(
    source: Source | None, kind: Kind, outside: Outside, datum: str, sheet: str | None = None,
    frame: bool = True, exclude_status: str | Sequence[str] = (),
    on_bad_rows: OnBadRows = "error",
) -> gpd.GeoDataFrame:
    gdf, problems, notes, skipped = _join_source(source, kind, outside, datum, sheet, frame,
                                                 exclude_status, on_bad_rows)
    if problems:
        raise G60InputError(sort_problems(problems))
    if gdf.attrs.get("excluded_by_status"):
        note_excluded(gdf.attrs["excluded_by_status"])
    if skipped:
        warn_skipped(skipped)
    aliases = column_notes(gdf)
    if aliases:
        note_columns(aliases)
    if gdf.attrs.get("place_notes"):
        note_places(gdf.attrs["place_notes"])
    if outside == "drop" and notes:
        gdf = gdf[gdf["in_corridor"].to_numpy()]
        warn_outside(notes, dropped=True)
    elif notes and outside == "warn":
        warn_outside(notes)
    gdf = gdf.reset_index(names="row")
    if skipped:
        gdf.attrs["skipped_rows"] = len({p.row for p in skipped})
    return gdf


_SOURCE_DOC = """source : path-like, pandas.DataFrame or geopandas.GeoDataFrame, optional
        A CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), .xlsx (first sheet, or ``sheet``)
        or GeoParquet file, or a frame with the same columns: frames go through the same
        checks and joins as files (problems name ``DataFrame``, or ``df.attrs["file"]``,
        and the row by the frame's index). A GeoDataFrame's CRS is honoured: its point
        geometry is converted to WGS-84 and gives ``lon``/``lat``. A table this function
        returned may be passed again and gives the same table."""

_OPTIONS_DOC = """outside : {"warn", "error", "keep", "drop"}, default "warn"
        Rows outside the nine corridor cities, placed by their point or by a place name
        the national table knows (南京, 浦东新区, 宿州): kept with ``in_corridor=False``
        and listed in a :class:`G60Warning` (``"warn"``), kept silently (``"keep"``),
        problems (``"error"``), or dropped with a warning listing them (``"drop"``).
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of ``lon``/``lat``: ``gcj02`` for coordinates copied from AMap/Gaode or
        Tencent, ``bd09`` for Baidu. A ``datum`` column, when present, gives it per row
        (``wgs84``/``gps``, ``gcj02``/``amap``/``高德``, ``bd09``/``baidu``/``百度``; an
        empty cell takes this default). Points are shifted to WGS-84 before the join.
    sheet : str, optional
        Sheet of an .xlsx workbook (default: the first).
    exclude_status : str or sequence of str, optional
        Registration statuses whose rows are left out before the checks, e.g.
        ``("注销", "吊销")`` or ``"注销,吊销"``: a row whose ``status`` column (``登记状态``,
        ``经营状态``), or the first word of it (``吊销，未注销``), is one of them. The rows
        left out are listed in a :class:`G60Note`.
    on_bad_rows : {"error", "skip"}, default "error"
        A row with a problem (a cell that is not a number or a date, no place, a
        duplicate...): every problem raised together (``"error"``), or the row left out
        and listed in a :class:`G60Warning` (``"skip"``; the result's
        ``attrs["skipped_rows"]`` counts them). Problems of the header (a required
        column missing) are raised either way. As pandas' ``on_bad_lines``."""

_RETURNS_DOC = """geopandas.GeoDataFrame
        EPSG:4326 points with ``row`` (spreadsheet row, or the frame's index), the input
        columns under their standard names, ``province_code``, ``province_zh``,
        ``province_en``, ``city_code``, ``city_zh``, ``city_en``, ``district_code``,
        ``district_zh`` (GB/T 2260; for a district of Shanghai its code is the city code
        too), ``in_corridor``, ``location_precision`` ("point", "district", "city" or
        "province"), ``location_basis`` (the cell that placed the row, e.g.
        ``注册地址: 浙江省嘉兴市南湖区...``), ``lon``, ``lat``. With an amount:
        ``amount`` (exact in yuan or dollars), ``currency``, ``amount_cny``,
        ``amount_usd``; with a date: ``date`` (datetime64) and ``date_precision``."""


def load_partners(
    source: Source | None = None,
    *,
    outside: Outside = "warn",
    datum: str = "wgs84",
    sheet: str | None = None,
    exclude_status: str | Sequence[str] = (),
    on_bad_rows: OnBadRows = "error",
) -> gpd.GeoDataFrame:
    """Load, validate and join a partners table.

    Parameters
    ----------
    {source}
        Columns: ``name`` and a place: ``city``, ``district``, ``address`` and/or
        ``lon``/``lat`` (Chinese and other headers are read as these, see
        :data:`g60map.settings.HEADER_ALIASES`); optional ``kind``, ``website``,
        ``description``, ``amount``/``currency``/``date`` (e.g. registered capital and
        founding date); other columns are kept. Default: the packaged partners named
        in the source article.
    {options}

    Returns
    -------
    {returns}

    Raises
    ------
    G60InputError
        With every problem of the table, each as ``file:row:column: message``.

    Examples
    --------
    >>> partners = load_partners()
    >>> sorted(partners["city_en"].unique())
    ['Songjiang']
    """
    return load_table(source, "partners", outside, datum, sheet, exclude_status=exclude_status,
                      on_bad_rows=on_bad_rows)


def load_investments(
    source: Source | None = None,
    *,
    outside: Outside = "warn",
    datum: str = "wgs84",
    sheet: str | None = None,
    exclude_status: str | Sequence[str] = (),
    on_bad_rows: OnBadRows = "error",
) -> gpd.GeoDataFrame:
    """Load, validate and join an investments table.

    Parameters
    ----------
    {source}
        Columns ``investor``, ``project``, a place (as for :func:`load_partners`),
        ``amount`` (``15亿``, ``3000万元``, ``US$2.1 bn``...), ``currency`` (CNY or USD,
        or written in the amount or its header), ``date`` (``2022-03-15``, ``2022年3月``,
        ``2022/3/15``, ``2022.03``, Excel dates); optional ``description``, ``source``.
        Default: the packaged investment from the source article.
    {options}

    Returns
    -------
    {returns}
        ``amount_cny`` and ``amount_usd`` at the rate in ``gdf.attrs["usd_cny_rate"]``
        (dated ``attrs["usd_cny_rate_date"]``).

    Examples
    --------
    >>> inv = load_investments()
    >>> float(inv["amount_cny"].sum())
    15000000000.0
    """
    return load_table(source, "investments", outside, datum, sheet,
                      exclude_status=exclude_status, on_bad_rows=on_bad_rows)


for _f in (load_partners, load_investments):
    if _f.__doc__ is not None:  # None under python -OO
        _f.__doc__ = _f.__doc__.format(source=_SOURCE_DOC, options=_OPTIONS_DOC,
                                       returns=_RETURNS_DOC)


def check_table(
    source: Source, kind: Kind, *, datum: str = "wgs84", sheet: str | None = None,
    exclude_status: str | Sequence[str] = (),
    on_bad_rows: OnBadRows = "error",
) -> tuple[list[Problem], Sequence[Problem]]:
    """Return ``(errors, notes)`` for a table without raising on bad rows.

    Parameters
    ----------
    source : path-like, pandas.DataFrame or geopandas.GeoDataFrame
    kind : {"partners", "investments"}
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        As in :func:`load_partners`.
    sheet : str, optional
        Sheet of an .xlsx workbook.
    exclude_status : str or sequence of str, optional
        As in :func:`load_partners`: those rows are not checked.
    on_bad_rows : {"error", "skip"}, default "error"
        As in :func:`load_partners`: with ``"skip"``, the problems of single rows are
        notes (``row skipped: ...``, kind "row skipped") and only the problems of the
        header are errors.

    Returns
    -------
    errors : list of Problem
        What makes :func:`load_partners`/:func:`load_investments` fail.
    notes : sequence of Problem
        The columns read under a standard name, the rows left out by status (kind
        ``"excluded by status"``), the rows placed by reading a name as today's unit (kind
        ``"place assumed"``), the rows skipped (kind ``"row skipped"``), then the rows
        outside the corridor that are not errors (a row with an error is listed once, as
        an error): a list, or with rows outside an :class:`OutsideNotes`, which builds
        each note when it is read and counts them all without building them.
    """
    try:
        gdf, problems, notes, skipped = _join_source(
            source, kind, "warn", datum, sheet, frame=False, exclude_status=exclude_status,
            on_bad_rows=on_bad_rows,
        )
    except G60InputError as exc:
        return [p for p in exc.problems if isinstance(p, Problem)], []
    head = (column_notes(gdf) + gdf.attrs.get("excluded_by_status", [])
            + gdf.attrs.get("place_notes", []) + skipped)
    if isinstance(notes, OutsideNotes):
        bad = {p.row for p in problems if p.row is not None and p.kind not in TABLE_KINDS}
        return sort_problems(problems), notes.without_rows(bad).after(head)
    return sort_problems(problems), [*head, *notes]
