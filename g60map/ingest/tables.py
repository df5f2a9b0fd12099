"""Partner and investment tables: read -> validate -> join, in one call.

``load_partners`` and ``load_investments`` return WGS-84 point GeoDataFrames joined to the
corridor cities. Rows with lon/lat are placed at their point and joined spatially; rows
with only a city are placed at the city seat (``location_precision`` "city"). Rows whose
point lies outside the nine corridor cities are kept, flagged ``in_corridor=False`` and
reported in a :class:`G60Warning` (or as errors with ``outside="error"``).
"""

from __future__ import annotations

import dataclasses
import operator
import os
import warnings
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from typing import Literal, TypeAlias, overload

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._errors import (
    G60InputError,
    G60Warning,
    Problem,
    escape_control,
    format_problems,
    problem_kind,
)
from ..reference.boundaries import load_admin_units
from ..reference.datasets import get_path
from ..reference.places import Place, place_of
from ._cells import frame_cell_problems
from .dates import date_text
from .join import frame_with_points, locate_points, outside_message
from .placing import locate_districts, place_points, place_rows
from .read import frame_label, frame_to_text, read_input
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
    "district_code", "district_zh", "in_corridor", "amount_cny", "amount_usd",
]
_TRAILING = ["in_corridor", "location_precision", "location_basis", "lon", "lat", "geometry"]


Source: TypeAlias = str | os.PathLike[str] | pd.DataFrame


class G60Note(G60Warning):
    """How the input was read, for the record: e.g. columns read under a standard name."""


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
    notes: Sequence[Problem] = _outside_notes(
        parsed, file, original, has_point, in_corridor, named, attrs, lon, lat, units
    )
    if outside == "error":
        problems += notes
        notes = []
    if not frame:
        slim = pd.DataFrame({"city_code": attrs["city_code"], "in_corridor": in_corridor})
        slim.attrs = {"file": file}
        if original:
            slim.attrs["columns_read_as"] = {v: k for k, v in original.items()}
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
    if "amount" in out and "currency" in out:
        rate = settings.USD_CNY_RATE
        cny = out["currency"] == "CNY"
        usd = out["currency"] == "USD"
        out["amount_cny"] = np.where(cny, out["amount"], np.where(usd, out["amount"] * rate,
                                                                  np.nan))
        out["amount_usd"] = np.where(usd, out["amount"], np.where(cny, out["amount"] / rate,
                                                                  np.nan))
    if "city" not in parsed:
        out["city"] = ""
    gdf = frame_with_points(out, out["lon"].to_numpy(float), out["lat"].to_numpy(float))
    gdf = gdf[_order(list(gdf.columns), kind)]
    gdf.attrs = {"file": file}
    if original:
        gdf.attrs["columns_read_as"] = {v: k for k, v in original.items()}
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
_FOLLOW_AFTER = (("currency", ("amount_cny", "amount_usd")), ("date", ("date_precision",)))
_FOLLOW = ("province_code", "province_zh", "amount_cny", "amount_usd", "date_precision")


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


_OUTSIDE_KIND = "outside the corridor"
_NO_PROVINCE = "outside Shanghai, Jiangsu, Zhejiang and Anhui"


class OutsideNotes(Sequence[Problem]):
    """Notes on the rows placed outside the nine cities, each built when it is read.

    A sequence of :class:`Problem` (``file:row:column: point (lon, lat) lies in ...``),
    one per row, in row order, after ``head`` (problems given first, such as the columns
    read under a standard name). It holds a few arrays, not one object per row: its
    length and its counts per kind and per column (:meth:`counts`, what
    :func:`g60map._errors.format_problems` summarises) cost nothing per row, and the
    problems a message lists (the first few) are the only ones built; iterating over it
    (``--problems FILE``) builds every one.

    Parameters
    ----------
    file : str
        File name of the problems.
    rows : pandas.Index
        Row (as the problems name it) of each note.
    column : numpy.ndarray
        Index into ``labels`` of each note's column.
    text : numpy.ndarray
        Index into ``texts`` of each note's message (for a point: where it lies).
    point : numpy.ndarray
        Whether each note is about a point (``lon``/``lat`` then give the message).
    lon, lat : numpy.ndarray
        The points (NaN for the other notes).
    labels, texts : list of str
        Distinct columns and messages.
    head : sequence of Problem, optional
        Problems before the rows.
    """

    def __init__(
        self, file: str, rows: pd.Index, column: np.ndarray, text: np.ndarray,
        point: np.ndarray, lon: np.ndarray, lat: np.ndarray, labels: list[str],
        texts: list[str], head: Sequence[Problem] = (),
    ) -> None:  # noqa: PLR0913
        self.file = file
        self._rows, self._column, self._text = rows, column, text
        self._point, self._lon, self._lat = point, lon, lat
        self._labels, self._texts, self._head = labels, texts, tuple(head)

    def __len__(self) -> int:
        return len(self._head) + len(self._rows)

    def _note(self, i: int) -> Problem:
        text = self._texts[self._text[i]]
        if self._point[i]:
            text = f"point ({self._lon[i]:.5f}, {self._lat[i]:.5f}) lies {text}"
        return Problem(self.file, self._rows[i], self._labels[self._column[i]], text,
                       _OUTSIDE_KIND)

    def _part(self, head: Sequence[Problem], start: int, stop: int) -> OutsideNotes:
        return OutsideNotes(
            self.file, self._rows[start:stop], self._column[start:stop],
            self._text[start:stop], self._point[start:stop], self._lon[start:stop],
            self._lat[start:stop], self._labels, self._texts, head,
        )

    @overload
    def __getitem__(self, i: int) -> Problem: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Problem]: ...

    def __getitem__(self, i: int | slice) -> Problem | Sequence[Problem]:
        n, k = len(self), len(self._head)
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            if step != 1:
                return [self[j] for j in range(start, stop, step)]
            stop = max(start, stop)
            return self._part(self._head[start:stop], max(start - k, 0), max(stop - k, 0))
        j = operator.index(i)
        if j < 0:
            j += n
        if not 0 <= j < n:
            raise IndexError("note index out of range")
        return self._head[j] if j < k else self._note(j - k)

    def __iter__(self) -> Iterator[Problem]:
        yield from self._head
        for i in range(len(self._rows)):
            yield self._note(i)

    def without_rows(self, rows: Collection[object]) -> OutsideNotes:
        """Return these notes without the rows in ``rows`` (rows that are errors).

        Parameters
        ----------
        rows : collection
            Rows (as the notes name them) to leave out.

        Returns
        -------
        OutsideNotes
        """
        keep = ~self._rows.isin(list(rows)) if rows else np.ones(len(self._rows), bool)
        return OutsideNotes(
            self.file, self._rows[keep], self._column[keep], self._text[keep],
            self._point[keep], self._lon[keep], self._lat[keep], self._labels, self._texts,
            self._head,
        )

    def after(self, head: Sequence[Problem]) -> OutsideNotes:
        """Return these notes after the problems ``head`` (still built when read)."""
        return self._part([*head, *self._head], 0, len(self._rows))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self):,} notes of {self.file}>"

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """Return the notes counted per kind and per column, as a summary lists them.

        Returns
        -------
        kinds, columns : collections.Counter
            Keys as :func:`g60map._errors.format_problems` shows them (escaped), in the
            order they first occur.
        """
        kinds = Counter(problem_kind(p) for p in self._head)
        columns = Counter(escape_control(p.column) if p.column is not None else "(no column)"
                          for p in self._head)
        if len(self._rows):
            kinds[problem_kind(Problem("", None, None, "", _OUTSIDE_KIND))] += len(self._rows)
            found, first, count = np.unique(self._column, return_index=True,
                                             return_counts=True)
            for at in np.argsort(first, kind="stable"):
                columns[escape_control(self._labels[found[at]])] += int(count[at])
        return kinds, columns


def _outside_notes(
    parsed: pd.DataFrame, file: str, original: dict[str, str], has_point: np.ndarray,
    in_corridor: pd.Series, named: pd.DataFrame, attrs: pd.DataFrame,
    lon: np.ndarray, lat: np.ndarray, units: dict[str, str],
) -> OutsideNotes:  # noqa: PLR0913
    """One note per row placed outside the nine cities, saying where it is.

    The messages are made once per distinct city (points) or per distinct cell and place
    (named rows); each note is built when it is read (:class:`OutsideNotes`).
    """
    placed = has_point | (named["code"] != "").to_numpy()
    beyond = np.flatnonzero(placed & ~in_corridor.to_numpy())
    point = has_point[beyond]
    lonlat = f"{original.get('lon', 'lon')}/{original.get('lat', 'lat')}"
    labels, texts = [lonlat], []
    column = np.zeros(len(beyond), dtype=np.intp)
    text = np.zeros(len(beyond), dtype=np.intp)
    # Only the rows outside are taken from the columns (not whole columns converted).
    keys, cities = pd.factorize(attrs["city_code"].iloc[beyond[point]].to_numpy(dtype=object))
    text[point] = keys
    texts += [f"in {units[c]}, not a corridor city" if c in units else _NO_PROVINCE
              for c in cities]
    by_name = beyond[~point]
    where = np.flatnonzero(~point)
    names = named["column"].iloc[by_name].to_numpy(dtype=object)
    codes = named["code"].iloc[by_name].to_numpy(dtype=object)
    for name in pd.unique(names):
        sel = names == name
        column[where[sel]] = len(labels)
        labels.append(original.get(name, name))
        cells = parsed[name].iloc[by_name[sel]].to_numpy(dtype=object)
        keys, pairs = pd.factorize(pd.MultiIndex.from_arrays([cells, codes[sel]]))
        text[where[sel]] = keys + len(texts)
        texts += [outside_message(cell, place_of(code)) for cell, code in pairs]
    nan = np.full(len(beyond), np.nan)
    return OutsideNotes(file, parsed.index[beyond], column, text, point,
                        np.where(point, lon[beyond], nan), np.where(point, lat[beyond], nan),
                        labels, texts)


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


#: Kinds of problems about the whole table (its header), which skipping rows cannot mend.
_TABLE_KINDS = frozenset({"missing column", "repeated column", "unknown unit"})
_SKIPPED_KIND = "row skipped"


def _row_problems(problems: Sequence[Problem], index: pd.Index) -> list[Problem]:
    """Return the problems of single data rows (not of the header or the whole table)."""
    rows = set(index.tolist())
    return [p for p in problems if p.row is not None and p.kind not in _TABLE_KINDS
            and p.row in rows]


def skipped_problem(problem: Problem) -> Problem:
    """Return ``problem`` as the note of a row left out (``row skipped: ...``).

    Parameters
    ----------
    problem : Problem
        What was wrong with the row.

    Returns
    -------
    Problem
        Same file, row and column; the message says the row was skipped and why.
    """
    return dataclasses.replace(problem, message=f"row skipped: {problem.message}",
                               kind=_SKIPPED_KIND)


def _join_source(
    source: Source | None, kind: Kind, outside: Outside, datum: str, sheet: str | None,
    frame: bool = True, on_bad_rows: OnBadRows = "error",
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
    datum = "wgs84" if again else datum
    gdf, problems, notes = join_table(df, kind, outside, datum, frame=frame)
    skipped: list[Problem] = []
    bad = _row_problems(problems, df.index) if on_bad_rows == "skip" and problems else []
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
    frame: bool = True, on_bad_rows: OnBadRows = "error",
) -> gpd.GeoDataFrame:
    gdf, problems, notes, skipped = _join_source(source, kind, outside, datum, sheet, frame,
                                                 on_bad_rows)
    if problems:
        raise G60InputError(sort_problems(problems))
    if skipped:
        warn_skipped(skipped)
    aliases = column_notes(gdf)
    if aliases:
        note_columns(aliases)
    if outside == "drop" and notes:
        gdf = gdf[gdf["in_corridor"].to_numpy()]
        warn_outside(notes, dropped=True)
    elif notes and outside == "warn":
        warn_outside(notes)
    gdf = gdf.reset_index(names="row")
    if skipped:
        gdf.attrs["skipped_rows"] = len({p.row for p in skipped})
    return gdf


def column_notes(gdf: pd.DataFrame) -> list[Problem]:
    """One note per column read under a standard name (``column 企业名称 read as name``)."""
    file = gdf.attrs.get("file", "<table>")
    return [
        Problem(file, 1, header, f"column {header} read as {name}", "column read as")
        for header, name in gdf.attrs.get("columns_read_as", {}).items()
    ]


def note_columns(notes: list[Problem]) -> None:
    """Say (:class:`G60Note`) which columns were read under a standard name."""
    title = f"{len(notes):,} column(s) read under a standard name"
    text = format_problems(notes, limit=settings.MAX_NOTES_SHOWN, title=title)
    warnings.warn(G60Note(text, notes, title), stacklevel=4)


def warn_outside(notes: Sequence[Problem], dropped: bool = False) -> None:
    """Warn (:class:`G60Warning`) about rows outside the corridor, kept or dropped.

    The message lists the first :data:`g60map.settings.MAX_NOTES_SHOWN` rows, then counts;
    the warning's ``problems`` attribute has every row.
    """
    title = (
        f"{len(notes):,} row(s) outside the corridor dropped" if dropped
        else f"{len(notes):,} row(s) outside the corridor kept with in_corridor=False"
    )
    text = format_problems(
        notes,
        limit=settings.MAX_NOTES_SHOWN,
        title=title,
        hint="every row is in the warning's .problems list",
    )
    warnings.warn(G60Warning(text, notes, title), stacklevel=4)


def warn_skipped(skipped: Sequence[Problem]) -> None:
    """Warn (:class:`G60Warning`) about the bad rows left out (``on_bad_rows="skip"``).

    The message lists the first :data:`g60map.settings.MAX_NOTES_SHOWN` problems, then
    counts; the warning's ``problems`` attribute has every one.
    """
    rows = len({p.row for p in skipped})
    title = f"{rows:,} bad row(s) skipped ({len(skipped):,} problem(s))"
    text = format_problems(skipped, limit=settings.MAX_NOTES_SHOWN, title=title,
                           hint="every problem is in the warning's .problems list")
    warnings.warn(G60Warning(text, skipped, title), stacklevel=4)


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
    return load_table(source, "partners", outside, datum, sheet, on_bad_rows=on_bad_rows)


def load_investments(
    source: Source | None = None,
    *,
    outside: Outside = "warn",
    datum: str = "wgs84",
    sheet: str | None = None,
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
    return load_table(source, "investments", outside, datum, sheet, on_bad_rows=on_bad_rows)


for _f in (load_partners, load_investments):
    if _f.__doc__ is not None:  # None under python -OO
        _f.__doc__ = _f.__doc__.format(source=_SOURCE_DOC, options=_OPTIONS_DOC,
                                       returns=_RETURNS_DOC)


def check_table(
    source: Source, kind: Kind, *, datum: str = "wgs84", sheet: str | None = None,
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
    on_bad_rows : {"error", "skip"}, default "error"
        As in :func:`load_partners`: with ``"skip"``, the problems of single rows are
        notes (``row skipped: ...``, kind "row skipped") and only the problems of the
        header are errors.

    Returns
    -------
    errors : list of Problem
        What makes :func:`load_partners`/:func:`load_investments` fail.
    notes : sequence of Problem
        The columns read under a standard name, the rows skipped, then the rows outside
        the corridor that are not errors (a row with an error is listed once, as an
        error): a list, or with rows outside an :class:`OutsideNotes`, which builds each
        note when it is read and counts them all without building them.
    """
    try:
        gdf, problems, notes, skipped = _join_source(source, kind, "warn", datum, sheet,
                                                     frame=False, on_bad_rows=on_bad_rows)
    except G60InputError as exc:
        return [p for p in exc.problems if isinstance(p, Problem)], []
    head = [*column_notes(gdf), *skipped]
    if isinstance(notes, OutsideNotes):
        bad = {p.row for p in problems if p.row is not None and p.kind not in _TABLE_KINDS}
        return sort_problems(problems), notes.without_rows(bad).after(head)
    return sort_problems(problems), [*head, *notes]
