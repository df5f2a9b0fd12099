"""What the interactive map's search box finds a partner or an investment by.

Stage 4 (render, web), under :mod:`g60map.render.web.payload`, which puts the index into
the payload (``partners.find`` and ``investments.find``, described in ``g60map.js``). The
page finds a row by its own title and other-language name, which the payload carries
anyway, and through this index also by its other names (an investment's project and
investor, both languages) and, ranked after every name, by its place (city and district,
both languages). The result list shows a short note after the kind: an investment's
investor, a partner's city.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...reference.boundaries import load_admin_units
from ..text import Lang
from ._cells import cell_text, clip
from .codec import encode_ints

__all__ = ["search_index"]

#: Name columns indexed besides a row's title, both languages (whichever exist).
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "partners": (),
    "investments": ("project", "project_zh", "investor", "investor_zh"),
}

#: Characters of a search key kept (the page matches within them).
KEY_CHARS = 120


def _column(frame: pd.DataFrame, name: str) -> list[str]:
    if name not in frame:
        return [""] * len(frame)
    return [clip(cell_text(v), KEY_CHARS) for v in frame[name].tolist()]


def _districts_en(frame: pd.DataFrame) -> list[str]:
    """English district names: ``district_en``, or looked up by ``district_code``."""
    if "district_en" in frame or "district_code" not in frame:
        return _column(frame, "district_en")
    table = load_admin_units("district")
    names = dict(zip(table["code"].astype(str), table["name_en"].map(cell_text), strict=True))
    return [names.get(cell_text(code), "") for code in frame["district_code"].tolist()]


def _first(*columns: list[str]) -> list[str]:
    return [next((s for s in texts if s), "") for texts in zip(*columns, strict=True)]


def search_index(frame: pd.DataFrame, table: str, lang: Lang) -> dict[str, Any]:
    """Return the search keys and notes of a table's rows, in the frame's order.

    Parameters
    ----------
    frame : pandas.DataFrame
        The partners or investments drawn, in the order the payload lists them.
    table : {"partners", "investments"}
    lang : {"en", "zh"}
        Language of the notes (the city's name, the investor's).

    Returns
    -------
    dict
        ``words``: every distinct text once; ``places``: every distinct place once, as
        indexes into ``words``, the city's name in ``lang`` first; ``rows``: integers
        (:func:`~g60map.render.web.codec.encode_ints`), for each row its place (-1:
        none), its note (index into ``words``; -1: the place's first word), the number
        of names that follow and those names (indexes into ``words``).

    Raises
    ------
    ValueError
        For any other ``table``.

    Examples
    --------
    >>> from g60map.render.web.codec import decode_ints
    >>> frame = pd.DataFrame({"investor": ["Tencent"], "investor_zh": ["腾讯"],
    ...                       "project": ["Base"], "city_en": ["Songjiang"],
    ...                       "city_zh": ["松江区"]})
    >>> index = search_index(frame, "investments", "zh")
    >>> index["words"]
    ['松江区', 'Songjiang', 'Base', 'Tencent', '腾讯']
    >>> index["places"], decode_ints(index["rows"]).tolist()
    ([[0, 1]], [0, 4, 3, 2, 3, 4])
    """
    if table not in NAME_COLUMNS:
        raise ValueError(f"table must be 'partners' or 'investments', not {table!r}")
    words: dict[str, int] = {}
    places: dict[tuple[int, ...], int] = {}

    def word(text: str) -> int:
        return words.setdefault(text, len(words)) if text else -1

    city_en, city_zh = _column(frame, "city_en"), _column(frame, "city_zh")
    district_en, district_zh = _districts_en(frame), _column(frame, "district_zh")
    if lang == "zh":
        here = [city_zh, city_en, district_zh, district_en]
        note = _first(_column(frame, "investor_zh"), _column(frame, "investor"))
    else:
        here = [city_en, city_zh, district_en, district_zh]
        note = _column(frame, "investor")
    names = [_column(frame, c) for c in NAME_COLUMNS[table] if c in frame]
    out: list[int] = []
    for i in range(len(frame)):
        keys = tuple(word(s) for s in dict.fromkeys(p[i] for p in here if p[i]))
        place = places.setdefault(keys, len(places)) if keys else -1
        own = [word(s) for s in dict.fromkeys(c[i] for c in names if c[i])]
        out += [place, word(note[i]) if table == "investments" else -1, len(own), *own]
    return {"words": list(words), "places": [list(p) for p in places],
            "rows": encode_ints(out)}
