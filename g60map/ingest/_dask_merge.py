"""What the client of the dask engine keeps of the partitions: samples, notes, progress.

Part of the ingest stage, under :mod:`g60map.ingest.distributed`: the rows of each
partition's problems and notes moved to rows of the file (:func:`shift`), the notes on
rows outside merged into one :class:`~g60map.ingest.outside.OutsideNotes`
(:func:`merge_outside`), the note on exchange rates of the whole table (:func:`fx_note`),
the bounded sample of rows (:class:`Sample`) and the progress lines (:class:`Progress`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .. import settings
from .._errors import Problem

__all__ = ["Progress", "Sample", "shift", "merge_outside", "fx_note"]


class Progress:
    """Rows done, rate and time left of a load, on stderr every few seconds."""

    def __init__(self, what: str, total: int, show: bool) -> None:
        self.what, self.total, self.show = what, total, show
        self.start = self.last = time.perf_counter()
        self.done = self.rows = 0

    def step(self, rows: int) -> None:
        self.done += 1
        self.rows += rows
        now = time.perf_counter()
        if not self.show or (now - self.last < settings.DASK_PROGRESS_SECONDS
                             and self.done < self.total):
            return
        self.last = now
        took = max(now - self.start, 1e-9)
        left = took / self.done * (self.total - self.done)
        print(f"g60map: {self.what}: {self.rows:,} rows ({self.rows / took:,.0f} rows/s), "
              f"{self.done} of {self.total} partitions, about {left:,.0f} s left",
              file=sys.stderr, flush=True)


def shift(problems: Sequence[Problem], offset: int, seen: set[Problem]) -> list[Problem]:
    """Return problems with their rows moved by ``offset``; those of the header (row 1) once."""
    out = []
    for p in problems:
        if p.row is None or p.row == 1:
            if p not in seen:
                seen.add(p)
                out.append(p)
        else:
            out.append(replace(p, row=p.row + offset))
    return out


def merge_outside(parts: list[tuple[Any, int]], seen: set[Problem]) -> Any:
    """Return one :class:`OutsideNotes` (or list) from the notes of each partition, rows shifted."""
    import pandas as pd

    from .outside import OutsideNotes

    notes = [(n, off) for n, off in parts if len(n)]
    if not notes or not all(isinstance(n, OutsideNotes) for n, _ in notes):
        return [p for n, off in notes for p in shift(list(n), off, seen)]
    labels: list[str] = []
    texts: list[str] = []
    arrays: dict[str, list[Any]] = {k: [] for k in ("rows", "column", "text", "point", "lon",
                                                    "lat")}
    for n, off in notes:
        index = {}
        for lab in n._labels:
            if lab not in labels:
                labels.append(lab)
            index[lab] = labels.index(lab)
        arrays["column"].append(np.array([index[lab] for lab in n._labels],
                                         dtype=np.intp)[n._column] if len(n._column) else
                                n._column)
        arrays["text"].append(n._text + len(texts))
        texts += n._texts
        arrays["rows"].append(n._rows.to_numpy() + off)
        for k in ("point", "lon", "lat"):
            arrays[k].append(getattr(n, f"_{k}"))
    cat = {k: np.concatenate(v) for k, v in arrays.items()}
    return OutsideNotes(notes[0][0].file, pd.Index(cat["rows"], name="row"), cat["column"],
                        cat["text"], cat["point"], cat["lon"], cat["lat"], labels, texts)


def fx_note(results: list[dict[str, Any]]) -> str:
    """Return the note on exchange rates of the whole table, as :func:`convert_amounts` words it."""
    codes: set[str] = set()
    days: set[str] = set()
    for r in results:
        c, d = r.get("fx", (set(), set()))
        codes |= c
        days |= d
    if not codes:
        return ""
    day = sorted(days)
    span = f"ECB days {day[0]} to {day[-1]}" if len(day) > 1 else \
        f"ECB day {day[0]}" if day else "no ECB day"
    return (
        f"amounts in {', '.join(sorted(codes))} converted to CNY at the {settings.FX_SOURCE} "
        f"of each row's date ({span}; rows without a date: the last ECB day on or before "
        f"{settings.FX_DEFAULT_DATE}), per row in fx_rate and fx_rate_date"
    )


class Sample:
    """The ``size`` rows with the smallest hashes among those the partitions sent back."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.parts: dict[int, tuple[Any, np.ndarray]] = {}

    def add(self, i: int, frame: Any, hashes: np.ndarray) -> None:
        self.parts.pop(i, None)
        if frame is not None and len(frame):
            self.parts[i] = (frame, hashes)
        if sum(len(h) for _, h in self.parts.values()) > 2 * self.size:
            self.trim()

    def trim(self) -> None:
        ids = sorted(self.parts)
        if not ids:
            return
        hashes = np.concatenate([self.parts[i][1] for i in ids])
        part = np.concatenate([np.full(len(self.parts[i][1]), i) for i in ids])
        row = np.concatenate([self.parts[i][0].index.to_numpy() for i in ids])
        chosen = np.zeros(len(hashes), bool)
        chosen[np.lexsort((row, part, hashes))[: self.size]] = True
        at = 0
        for i in ids:
            frame, h = self.parts[i]
            sel = chosen[at: at + len(h)]
            at += len(h)
            if sel.any():
                self.parts[i] = (frame[sel], h[sel])
            else:
                del self.parts[i]
