"""What the Word and PowerPoint writers share.

Fonts, pictures, cell text, document properties, and text widths measured to fit table
columns to their words.
"""

from __future__ import annotations

import datetime as _dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..._errors import MissingDependencyError
from ..._safetext import safe_text
from .content import Content

__all__ = ["CJK_FONT", "LATIN_FONT", "Picture", "column_widths"]

#: Latin and East Asian fonts named in the files (the viewer substitutes what it has).
LATIN_FONT = "Calibri"
CJK_FONT = "Noto Sans CJK SC"


@dataclass(frozen=True)
class Picture:
    """A picture (PNG bytes) with its caption."""

    caption: str
    png: bytes


def _text(value: Any) -> str:
    """Return a cell as text: None/NaN empty, what XML cannot store as U+FFFD (safe_text)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return safe_text(value)


def _import(module: str, package: str) -> Any:
    try:
        return __import__(module)
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise MissingDependencyError(
            f"{package} is needed for this output; install it with "
            f"`python3 -m pip install {package}`"
        ) from exc


def _core(props: Any, content: Content, when: _dt.datetime) -> None:
    naive = when.replace(tzinfo=None)
    props.title = _text(content.title)[:255]
    props.author = "g60map"
    props.last_modified_by = "g60map"
    props.revision = 1
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    props.comments = _text(content.technical)[:255]
    props.keywords = "G60 corridor"
    props.language = "zh-CN" if content.lang == "zh" else "en-US"




def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


#: Headroom on the estimated text widths: a viewer may draw the text in a wider font than
#: the one named (LibreOffice without Calibri, for one).
_EM_SAFETY = 1.1

#: Chinese words up to this many characters (names) are not broken in a table cell.
_SHORT_WORD = 6


def _text_em(text: str, bold: bool = False) -> float:
    """Return the width of ``text`` in ems, estimated on the wide side.

    Wide (CJK) characters 1 em, other letters and digits about 0.6 em (the widths of the
    fonts a viewer may put in place of the one named), and a quarter em where Latin text
    meets Chinese (the space Word and LibreOffice add there).
    """
    width = 0.0
    for k, ch in enumerate(text):
        if _wide(ch):
            width += 1.0
            if k and not _wide(text[k - 1]) and not text[k - 1].isspace():
                width += 0.25
        elif ch in "il.,:;'|!()[]1 ":
            width += 0.36
        elif ch.isupper() or ch in "mwMW@%":
            width += 0.78
        else:
            width += 0.64
    return width * (1.06 if bold else 1.0) * _EM_SAFETY




def _words(text: str) -> list[str]:
    """Pieces a line may not break inside.

    Space-separated words; Chinese text may break between characters, but a word with a
    digit in it (an amount with its unit, ``3.192亿元``, or a date, ``2019年3月``) and a
    short one (a name, ``松江区``) stay whole.
    """
    pieces: list[str] = []
    for word in text.split():
        if (any(c.isdigit() for c in word) or not any(_wide(c) for c in word)
                or len(word) <= _SHORT_WORD):
            pieces.append(word)
            continue
        token = ""
        for ch in word:
            if _wide(ch):
                pieces += [token, ch] if token else [ch]
                token = ""
            else:
                token += ch
        if token:
            pieces.append(token)
    return pieces


def _least(rows: Sequence[Sequence[str]], size_pt: float, pad_tw: int = 230) -> list[float]:
    """Width (twips) of each column's longest unbreakable piece, with the cell padding."""
    cols = max((len(r) for r in rows), default=0)
    least = [0.0] * cols
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            pieces = [_text_em(w, i == 0) for w in _words(str(cell))]
            least[j] = max(least[j], max(pieces, default=0.0) * size_pt * 20 + pad_tw)
    return least


def column_widths(
    rows: Sequence[Sequence[str]], usable_tw: int, size_pt: float, pad_tw: int = 230
) -> list[int]:
    """Return column widths (twips) that fit the cells' text into ``usable_tw``.

    Columns whose text fits on one line within a fair share of the width get that width;
    the others get at least their longest unbreakable piece (a word, a number with its
    unit, a short Chinese name), so no word breaks in the middle, and the rest of the
    width in proportion to what they lack to fit on one line. When even the longest pieces
    do not fit, the columns share the width in proportion to them.

    Parameters
    ----------
    rows : sequence of sequence of str
        Header first, then the body rows.
    usable_tw : int
        Width between the page margins, in twips.
    size_pt : float
        Font size of the table's text.
    pad_tw : int, default 230
        Cell margins and borders per column, in twips.

    Returns
    -------
    list of int
        One width per column; they sum to ``usable_tw``.

    Examples
    --------
    >>> column_widths([["City", "Amount"], ["Songjiang", "3.192亿元"]], 9000, 9)
    [4755, 4245]
    """
    cols = max((len(r) for r in rows), default=0)
    if not cols:
        return []
    least, full = _least(rows, size_pt, pad_tw), [0.0] * cols
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            lines = str(cell).splitlines()
            full[j] = max(full[j], max((_text_em(line, i == 0) for line in lines),
                                       default=0.0) * size_pt * 20 + pad_tw)
    widths = [0.0] * cols
    left, rest = float(usable_tw), set(range(cols))
    while rest:  # columns whose whole text fits in a fair share keep it all
        share = left / len(rest)
        fits = {j for j in rest if full[j] <= share}
        if not fits:
            break
        for j in fits:
            widths[j] = full[j]
        left -= sum(full[j] for j in fits)
        rest -= fits
    if not rest:  # everything fits on one line: spread what is left in proportion
        widths = [w + left * w / sum(widths) for w in widths]
    elif sum(least[j] for j in rest) >= left:  # the others get their longest word at least
        for j in rest:
            widths[j] = left * least[j] / sum(least[j] for j in rest)
    else:  # ... and the rest of the width in proportion to what they lack
        spare = left - sum(least[j] for j in rest)
        want = sum(full[j] - least[j] for j in rest)
        for j in rest:
            widths[j] = least[j] + spare * (full[j] - least[j]) / want
    if sum(least) > usable_tw:  # even the longest words do not fit: share by them
        widths = [usable_tw * w / sum(least) for w in least]
    out = [int(math.floor(w)) for w in widths]
    out[-1] += usable_tw - sum(out)
    return out

