"""Popup and tooltip fields of the interactive map: which columns, their headings, their text.

Stage 4 (render, web), under :mod:`g60map.render.web.payload`. A *field* is one column of
the partners or investments table as a reader sees it: headed by a label in the map's
language (a standard column) or by its name made readable (:func:`humanise`), its cells
written for people (:func:`field_text`: the Chinese column beside it in zh, money by
:func:`g60map.render.text.format_money`, dates at their precision, place precision in
words). :data:`INTERNAL_COLUMNS` lists the columns no popup or tooltip ever shows;
:func:`field_choice` checks the ``tooltip=`` / ``popup=`` choice of
:func:`g60map.build_map`; :func:`field_table` gives the headings and cells of a choice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..._errors import G60InputError
from ..text import LABELS, Lang, dates_as_text, format_money, format_money_both
from ._cells import cell_text, clip, local_name, table_rows

__all__ = [
    "INTERNAL_COLUMNS",
    "FieldChoice",
    "default_fields",
    "field_choice",
    "field_table",
    "field_text",
    "heading",
    "humanise",
]

#: Columns the loaders derive for the program's own use: never shown in a popup or tooltip
#: (the city is shown by its name in the map's language, an amount in CNY and USD).
INTERNAL_COLUMNS: frozenset[str] = frozenset({
    "row", "geometry", "city_code", "city_en", "city_zh", "province_code", "province_en",
    "province_zh", "district_code", "district_zh", "in_corridor", "lon", "lat",
    "date_precision", "currency", "amount_cny", "amount_usd", "fx_rate", "fx_rate_date",
})

#: ``tooltip=`` / ``popup=``: True (the default fields), False (none) or column names.
FieldChoice = bool | str | Sequence[str]

Kind = Literal["partners", "investments"]

#: Standard columns headed by a label of the catalogue; any other column is headed by its
#: name made readable (:func:`humanise`), even one spelled like a label key.
_LABELLED = frozenset({
    "name", "name_zh", "city", "province", "district", "kind", "website", "address",
    "description", "source", "location_precision", "location_basis", "investor", "project",
    "amount", "date",
})

#: Place columns a derived ``location_basis`` names (``city: Hefei``).
_BASIS_COLUMNS = ("address", "district", "city", "province")

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_ .\-]*")
_MONEY_NAME = re.compile(r"(?P<stem>.+?)[_ \-]?(?P<cur>cny|usd)", re.IGNORECASE)
_LONLAT = re.compile(r"[^\s/:]+/[^\s/:]+")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def humanise(name: object) -> str:
    """Return a column name as a heading: words, the first capitalised.

    Names in plain Latin letters (``registered_capital``, ``employeeCount``) become words;
    a money column's ``_cny`` / ``_usd`` ending is left out (its cells name the currency).
    Anything else (Chinese, punctuation) is kept as written.

    Parameters
    ----------
    name : object
        The column name.

    Returns
    -------
    str

    Examples
    --------
    >>> humanise("registered_capital"), humanise("employeeCount"), humanise("capital_cny")
    ('Registered capital', 'Employee count', 'Capital')
    >>> humanise("注册资本（万元）"), humanise("CEO_name")
    ('注册资本（万元）', 'CEO name')
    """
    text = str(name)
    if _CJK.search(text) or not _PLAIN_NAME.fullmatch(text):
        return text
    money = _MONEY_NAME.fullmatch(text)
    if money and money["stem"].strip("_ -"):
        text = money["stem"]
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", " ", text)
    words = [w for w in re.split(r"[_\s]+", text) if w]
    words = [w if w.isupper() or i == 0 else w[:1].lower() + w[1:] for i, w in enumerate(words)]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def heading(column: str, lang: Lang) -> str:
    """Return the heading of ``column`` in a popup or tooltip.

    Examples
    --------
    >>> heading("investor", "zh"), heading("registered_capital", "zh")
    ('投资方', 'Registered capital')
    """
    return LABELS[lang][column] if column in _LABELLED else humanise(column)


def _is_money(column: str) -> str | None:
    """``"CNY"`` / ``"USD"`` for a money column (``capital_cny``), else None."""
    match = _MONEY_NAME.fullmatch(column) if _PLAIN_NAME.fullmatch(column) else None
    return match["cur"].upper() if match and match["stem"].strip("_ -") else None


def _zh_date(text: str) -> str:
    """``2020-03`` -> ``2020年3月`` (a year, a month or a day); other text as it is."""
    match = _ISO_DATE.fullmatch(text)
    if not match:
        return text
    year, month, day = match.groups()
    out = f"{int(year)}年"
    if month:
        out += f"{int(month)}月"
    if day:
        out += f"{int(day)}日"
    return out


def _basis_zh(text: str, t: Mapping[str, str]) -> str:
    """Return a derived basis ``city: Hefei`` with its column in Chinese: ``城市：Hefei``."""
    for column in _BASIS_COLUMNS:
        if text.startswith(f"{column}: "):
            return f"{t[column]}：{text[len(column) + 2:]}"
    return text


def field_text(frame: pd.DataFrame, column: str, lang: Lang) -> pd.Series:
    """Return the cells of one field as text for people, on ``frame``'s index.

    Parameters
    ----------
    frame : pandas.DataFrame
        Partners or investments as loaded.
    column : str
        A column of ``frame`` (``"amount"``: the amount in CNY with its USD equivalent).
    lang : {"en", "zh"}

    Returns
    -------
    pandas.Series of str
        "" where there is nothing to show. In zh a column with a Chinese twin
        (``investor`` and ``investor_zh``) shows the twin where it is not empty.

    Examples
    --------
    >>> df = pd.DataFrame({"kind": ["telecom operator"], "kind_zh": ["电信运营商"],
    ...                    "location_precision": ["city"], "founded": ["2020-03"]})
    >>> [field_text(df, c, "zh").iat[0] for c in ("kind", "location_precision", "founded")]
    ['电信运营商', '市级', '2020年3月']
    """
    t = LABELS[lang]
    index = frame.index
    if column == "city":
        city = local_name(frame, lang, "city_en", "city_zh")
        raw = frame["city"].map(cell_text) if "city" in frame else pd.Series("", index=index)
        return city.where(city != "", raw)
    if column == "amount" and "amount_cny" in frame:
        cny = pd.to_numeric(frame["amount_cny"], errors="coerce")
        usd = pd.to_numeric(frame.get("amount_usd"), errors="coerce") if "amount_usd" in \
            frame else pd.Series(math.nan, index=index)
        amount = pd.to_numeric(frame.get("amount"), errors="coerce") if "amount" in frame \
            else cny
        currency = frame["currency"].map(cell_text) if "currency" in frame else \
            pd.Series("CNY", index=index)
        out = []
        for a, b, own, cur in zip(cny.to_numpy(float), usd.to_numpy(float),
                                  amount.to_numpy(float), currency.tolist(), strict=True):
            both = format_money_both(a, b, lang) if math.isfinite(a) else ""
            if cur.upper() not in ("", "CNY", "USD") and math.isfinite(own):
                both = f"{format_money(own, lang, None)} {cur} · {both}".strip(" ·")
            out.append(both)
        return pd.Series(out, index=index, dtype=object)
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        text = dates_as_text(frame[[column, "date_precision"]] if "date_precision" in frame
                             else frame[[column]])[column].map(cell_text)
        return text.map(_zh_date) if lang == "zh" else text
    if pd.api.types.is_bool_dtype(values):
        return values.map(lambda v: t["yes"] if bool(v) else t["no"]).astype(object)
    text = values.map(cell_text)
    currency = _is_money(str(column))
    if currency:  # a number (as read, or as text) written as money; other cells as they are
        amounts = pd.to_numeric(values.astype(object).where(text != "", None), errors="coerce")
        money = [format_money(v, lang, currency) for v in amounts.astype(float).tolist()]
        return pd.Series([m or c for m, c in zip(money, text.tolist(), strict=True)],
                         index=index, dtype=object)
    if lang == "zh":  # a column of ISO dates written as text: 2020年3月
        filled = text[text != ""]
        if len(filled) and filled.map(lambda v: bool(_ISO_DATE.fullmatch(v))).all():
            return text.map(_zh_date)
    twin = f"{column}_zh"
    if lang == "zh" and column != "name" and twin in frame:
        other = frame[twin].map(cell_text)
        text = other.where(other != "", text)
    if column == "location_precision":
        text = text.map(lambda v: t.get(f"precision_{v}", v) if v else v)
    elif column == "location_basis":
        if "location_precision" in frame:  # coordinates are their own basis: nothing to say
            point = frame["location_precision"].map(cell_text) == "point"
            marker = text.map(lambda v: bool(_LONLAT.fullmatch(v)))  # "lon/lat" as derived
            text = text.where(~(point & marker), "")
        if lang == "zh":
            text = text.map(lambda v: _basis_zh(v, t))
    return text


def default_fields(frame: pd.DataFrame, lang: Lang, kind: Kind) -> list[str]:
    """Return the fields a popup shows by default, in order.

    Partners: the city, then every column but the internal ones, the name (the title;
    in zh the English name is shown as a row) and the Chinese twins (shown in their
    column's place in zh). Investments: the amount, the city, then the same.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["a"], "name_zh": ["甲"], "city": ["Hefei"],
    ...                    "city_code": ["340100"], "kind": ["x"], "kind_zh": ["乙"]})
    >>> default_fields(df, "en", "partners"), default_fields(df, "zh", "partners")
    (['city', 'name_zh', 'kind'], ['city', 'name', 'kind'])
    """
    columns = [str(c) for c in frame.columns]
    have = set(columns)
    lead = ["city"] if kind == "partners" else ["amount", "city"]
    out = [c for c in lead if c in have or c == "city"]
    for column in columns:
        if column in INTERNAL_COLUMNS or column in out:
            continue
        if column.endswith("_zh") and column[:-3] in have and column != "name_zh":
            continue  # a Chinese twin: shown in its column's place (zh)
        if column == "name":
            if lang == "zh" and kind == "partners" and "name_zh" in have:
                out.append(column)
            continue
        if column == "name_zh" and lang == "zh":
            continue
        out.append(column)
    return out


def available_columns(frames: Iterable[pd.DataFrame]) -> list[str]:
    """Return the columns a popup or tooltip can show, in table order, once each."""
    out: list[str] = []
    for frame in frames:
        for column in map(str, frame.columns):
            if column not in INTERNAL_COLUMNS and column not in out:
                out.append(column)
    return out


def field_choice(
    choice: Any, frames: Mapping[str, pd.DataFrame], what: str
) -> bool | tuple[str, ...]:
    """Check a ``tooltip=`` / ``popup=`` choice against the tables' columns.

    Parameters
    ----------
    choice : bool, str or sequence of str
        True: the default fields; False: none; a column name or names: those, in order.
    frames : mapping of str to pandas.DataFrame
        The partners and investments tables (by name).
    what : str
        The option's name, for the message (``"popup"``, ``"--popup"``).

    Returns
    -------
    bool or tuple of str

    Raises
    ------
    G60InputError
        A name that is not a column of either table (or an internal one): the message lists
        the columns to choose from.
    TypeError
        ``choice`` is neither a bool nor column names.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["a"], "city_code": ["1"]})
    >>> field_choice(["name", "name"], {"partners": df}, "tooltip")
    ('name',)
    >>> field_choice("nope", {"partners": df}, "tooltip")
    Traceback (most recent call last):
    ...
    g60map._errors.G60InputError: tooltip: no column 'nope' in the partners table; choose ...
    """
    if isinstance(choice, (bool, np.bool_)):
        return bool(choice)
    names: Sequence[Any] = (choice,) if isinstance(choice, str) else choice
    if not isinstance(names, Iterable) or isinstance(names, (bytes, Mapping)):
        raise TypeError(f"{what} must be True, False or column names, not "
                        f"{type(choice).__name__}")
    picked = list(dict.fromkeys(str(n) for n in names))
    have = available_columns(frames.values())
    unknown = [n for n in picked if n not in have]
    if unknown:
        tables = " or ".join(f"the {k} table" for k, f in frames.items() if len(f.columns))
        shown = ", ".join(repr(c) for c in have[:40])
        more = f" and {len(have) - 40} more" if len(have) > 40 else ""
        raise G60InputError([
            f"{what}: no column {name!r} in {tables or 'the tables'}; choose from {shown}{more} "
            "(names as in the table's header; True or no option: the usual fields; False or "
            "'none': nothing)"
            for name in unknown
        ])
    return tuple(picked)


def field_table(
    frame: pd.DataFrame, lang: Lang, kind: Kind, choice: bool | tuple[str, ...],
    default: Sequence[str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Return the headings and the cells of every row of a popup or tooltip choice.

    Parameters
    ----------
    frame : pandas.DataFrame
        Partners or investments as loaded.
    lang : {"en", "zh"}
    kind : {"partners", "investments"}
    choice : bool or tuple of str
        From :func:`field_choice`. Names ``frame`` lacks (a column of the other table)
        are left out.
    default : sequence of str, optional
        The fields of ``True`` (default :func:`default_fields`).

    Returns
    -------
    headings : list of str
        Cut to ``settings.POPUP_CELL_CHARS``.
    rows : list of list of str
        Per row, cut as :func:`g60map.render.web._cells.table_rows` cuts them.
    """
    from ... import settings

    if choice is False:
        return [], [[] for _ in range(len(frame))]
    if choice is True:
        columns = list(default if default is not None else default_fields(frame, lang, kind))
    else:
        columns = [c for c in choice if c in frame.columns]
    texts = pd.DataFrame({f"f{i}": _text(frame, c, lang, choice is True)
                          for i, c in enumerate(columns)},
                         index=frame.index)
    headings = [heading(c, lang) for c in columns]
    cap = int(settings.POPUP_CELL_CHARS)
    return [clip(h, cap) for h in headings], table_rows(texts, list(texts.columns))


def _text(frame: pd.DataFrame, column: str, lang: Lang, usual: bool) -> pd.Series:
    if column == "name" and usual and lang == "zh" and "name_zh" in frame:
        return frame["name"].map(cell_text)  # the English name (the title is the Chinese)
    if column == "name" and lang == "zh":
        return local_name(frame, lang, "name", "name_zh")
    return field_text(frame, column, lang)
