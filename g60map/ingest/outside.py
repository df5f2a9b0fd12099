"""Rows placed outside the nine cities: one note each, built only when it is read.

A table of a million rows with a third of them outside the corridor (as registry exports
are) gets one :class:`OutsideNotes`: a sequence of :class:`~g60map.Problem` that holds a
few arrays and makes a note's text when the note is read, so counting and summarising
them costs nothing per row (``g60map validate`` lists the first few, ``--problems``
writes them all). :func:`outside_notes` builds it from a joined table;
:func:`warn_outside` turns it into the one :class:`~g60map.G60Warning` a loader gives.
"""

from __future__ import annotations

import operator
import warnings
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from typing import overload

import numpy as np
import pandas as pd

from .. import settings
from .._errors import G60Warning, Problem, escape_control, format_problems, problem_kind
from ..reference.places import place_of
from .join import outside_message

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


def outside_notes(
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
