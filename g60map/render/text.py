"""Words and numbers of every output: the en/zh labels, number and money formats, sources.

The maps' labels (:data:`LABELS`) are a section of the one en/zh catalogue
(:mod:`g60map.i18n`), which the report, the static map's own words and the metric labels
read too, so a word is translated once. The interactive map's page script receives the
entries named in :data:`MAP_LABELS`. Numbers are written by :func:`format_number` and
amounts by :func:`format_money`; legend values are rounded on the 1-2-5 series
(:func:`nice_floor`, :func:`nice_series`, :func:`legend_amounts`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd

from ..corridor.classify import nice_series as _nice_series
from ..i18n import MAP_KEYS, TEXT, section

__all__ = [
    "ARTICLE_TITLE",
    "LABELS",
    "sample_lines",
    "LANGS",
    "Lang",
    "POWER_FROM",
    "MAP_LABELS",
    "check_lang",
    "class_labels",
    "format_money",
    "format_money_both",
    "format_money_range",
    "format_number",
    "legend_amounts",
    "nice_floor",
    "nice_series",
    "source_in",
    "sources_line",
]

#: Language of the labels: English or (simplified) Chinese.
Lang = Literal["en", "zh"]

#: The languages every output can be drawn in.
LANGS: tuple[str, ...] = ("en", "zh")

#: Title of the source article of the packaged data (:data:`g60map.corridor.model.ARTICLE_FILE`).
ARTICLE_TITLE = "Tencent eyes industrial chain cooperation with G60 corridor cities"

#: Every label of the maps, per language: the section :data:`g60map.i18n.MAP_KEYS` of the
#: one catalogue :data:`g60map.i18n.TEXT`. Entries with ``{name}`` fields are ``str.format``
#: templates.
LABELS: Mapping[str, Mapping[str, str]] = section(MAP_KEYS)

_KEYS = list(LABELS["en"])

#: Labels the interactive map's page script reads (the payload's ``t``): every entry
#: before ``spoke_tip``.
MAP_LABELS: tuple[str, ...] = tuple(_KEYS[: _KEYS.index("spoke_tip")])


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is one of :data:`LANGS`.

    Parameters
    ----------
    lang : object

    Returns
    -------
    {"en", "zh"}

    Raises
    ------
    ValueError
        For any other value.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {list(LANGS)}, not {lang!r}")
    return lang  # type: ignore[return-value]


# ----------------------------------------------------------------------------- numbers


#: From this size on a number is written as a power of ten (``1.7×10³⁰⁸``): its digits
#: (up to 309 of them) would not be read.
POWER_FROM: float = 1e15

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def format_number(value: Any, decimals: int | None = None, *, missing: str = "") -> str:
    """Write a number for people: fixed decimals, or three significant digits.

    Parameters
    ----------
    value : number
        Anything ``float()`` takes.
    decimals : int, optional
        Fixed decimals with thousands separators (``1,234.5``). Default: three
        significant digits, never an exponent (``0.25``, ``15``, ``1,500``). From
        :data:`POWER_FROM` on, three significant digits times a power of ten
        (``1.7×10³⁰⁸``), whatever ``decimals``.
    missing : str, default ""
        Written for a missing, non-numeric or non-finite value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(2.1097), format_number(1500), format_number(1234.56, 1)
    ('2.11', '1,500', '1,234.6')
    >>> format_number(float("nan"), 0, missing="—")
    '—'
    >>> format_number(1.7e308), format_number(-2.5e15, 0)
    ('1.7×10³⁰⁸', '-2.5×10¹⁵')
    """
    v = _finite(value)
    if v is None:
        return missing
    return _sig(v, 3) if decimals is None or abs(v) >= POWER_FROM else f"{v:,.{decimals}f}"


def format_money(
    value: Any, lang: Lang = "en", currency: str | None = "CNY", *, missing: str = ""
) -> str:
    """Write an amount in billions/millions (en) or 亿/万 (zh).

    English writes ``bn`` and ``M`` against the number (``CNY 800M``: never ``800 m``,
    which reads as metres); Chinese groups the thousands of 万 (``2,000万元``). The page
    script's ``money()`` (``g60map-classes.js``) is the twin of this function.

    Parameters
    ----------
    value : number
        The amount in units of ``currency``.
    lang : {"en", "zh"}
    currency : {"CNY", "USD"} or None
        ``"CNY"`` writes ``CNY ...`` / ``...元``, ``"USD"`` ``US$...`` / ``...美元``;
        None writes the number and its unit only (for a column that names the currency).
    missing : str, default ""
        Written for a missing or non-finite value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_money(15e9), format_money(2.1e9, currency="USD"), format_money(15e9, "zh")
    ('CNY 15bn', 'US$2.1bn', '150亿元')
    >>> format_money(8e8), format_money(2.64e6), format_money(2.64e6, "zh")
    ('CNY 800M', 'CNY 2.64M', '264万元')
    >>> format_money(2.5e8, currency=None), format_money(2e7, "zh", None)
    ('250M', '2,000万')
    """
    v = _finite(value)
    if v is None:
        return missing
    if lang == "zh":
        return f"{_amount(v, lang)}{ {'CNY': '元', 'USD': '美元', None: ''}[currency]}"
    return f"{ {'CNY': 'CNY ', 'USD': 'US$', None: ''}[currency]}{_amount(v, lang)}"


def _amount(v: float, lang: Lang) -> str:
    """Write an amount without its currency: ``15bn``, ``800M``, ``150亿``, ``2,000万``."""
    if lang == "zh":
        if abs(v) >= 1e8:
            return f"{_grouped(_sig(v / 1e8, 4))}亿"
        if abs(v) >= 1e4:
            return f"{_grouped(_sig(v / 1e4, 4))}万"
        return _grouped(_sig(v, 6))
    if abs(v) >= 1e9:
        return f"{format_number(v / 1e9)}bn"
    if abs(v) >= 1e6:
        return f"{format_number(v / 1e6)}M"
    return f"{v:,.0f}"


def _grouped(text: str) -> str:
    """``text`` (a whole number of 4 to 6 digits, from :func:`_sig`) with thousands commas."""
    digits = text.lstrip("-")
    if digits.isdigit() and len(digits) > 3:
        return f"{int(text):,}"
    return text


def format_money_range(lo: Any, hi: Any, lang: Lang = "en", currency: str | None = "CNY") -> str:
    """Write a range of amounts with the currency once: ``CNY 1M–20M``, ``100万–2,000万元``.

    Parameters
    ----------
    lo, hi : number
        Bounds; None for ``lo`` writes ``≤ hi``.
    lang : {"en", "zh"}
    currency : {"CNY", "USD"} or None

    Returns
    -------
    str

    Examples
    --------
    >>> format_money_range(1e6, 2e7), format_money_range(1e6, 2e7, "zh")
    ('CNY 1M–20M', '100万–2,000万元')
    >>> format_money_range(None, 5e9)
    '≤ CNY 5bn'
    """
    if lo is None:
        return f"≤ {format_money(hi, lang, currency)}"
    a, b = _amount(float(lo), lang), _amount(float(hi), lang)
    if lang == "zh":
        return f"{a}–{b}{ {'CNY': '元', 'USD': '美元', None: ''}[currency]}"
    return f"{ {'CNY': 'CNY ', 'USD': 'US$', None: ''}[currency]}{a}–{b}"


def class_labels(bins: Sequence[float], low: float, *, integral: bool, money: bool,
                 nice: bool, lang: Lang) -> list[str]:
    """Legend label of each class with upper bounds ``bins``: ``1–5``, ``CNY 1M–20M``.

    Whole bins of whole values (counts) are ranges of whole numbers (the next class starts
    one above a bound); other classes run from the previous bound (the first from the
    smallest value ``low``, or ``≤`` its bound with ``nice``, whose first class starts at
    1). Amounts are written as :func:`format_money_range` writes them, in CNY. The page
    script's ``labels()`` (``g60map-classes.js``) is the twin of this function.

    Parameters
    ----------
    bins : sequence of float
        Upper bounds, increasing.
    low : float
        The smallest value classed.
    integral : bool
        The values are whole numbers (counts).
    money : bool
        The values are amounts in CNY.
    nice : bool
        The classes are the ``"nice"`` scheme's (values <= 0 have no class).
    lang : {"en", "zh"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> class_labels([5, 20, 100], 0, integral=True, money=False, nice=False, lang="en")
    ['0–5', '6–20', '21–100']
    >>> class_labels([2e7, 5e9], 1e6, integral=False, money=True, nice=False, lang="zh")
    ['100万–2,000万元', '2,000万–50亿元']
    """
    def fmt(v: float) -> str:
        return f"{int(v):,}" if integral and abs(v) < POWER_FROM else format_number(v)

    def span(lo: float | None, hi: float) -> str:
        if money:
            return format_money_range(lo, hi, lang, "CNY")
        return f"≤ {fmt(hi)}" if lo is None else f"{fmt(lo)}–{fmt(hi)}"

    whole = integral and not money and all(float(b).is_integer() for b in bins)
    out = []
    for i, b in enumerate(bins):
        b = float(b)
        if whole:
            lo = (1 if nice else int(low)) if i == 0 else int(bins[i - 1]) + 1
            out.append(fmt(lo) if lo >= b else f"{fmt(lo)}–{fmt(b)}")
        elif i == 0:
            lo_ = None if nice or not math.isfinite(low) or low >= b else float(low)
            out.append(span(lo_, b))
        else:
            out.append(span(float(bins[i - 1]), b))
    return out


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, not a number, NaN or infinite)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _sig(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits, never with an exponent (``1e+20``).

    From :data:`POWER_FROM` on, as a power of ten with a superscript exponent.
    """
    if abs(value) >= POWER_FROM:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{float(mantissa):g}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    text = f"{value:.{digits}g}"
    return f"{value:,.0f}" if "e" in text else text


def format_money_both(cny: Any, usd: Any, lang: Lang = "en") -> str:
    """Write an amount in CNY with its USD equivalent in brackets.

    Examples
    --------
    >>> format_money_both(15e9, 2.1e9)
    'CNY 15bn (US$2.1bn)'
    >>> format_money_both(15e9, 2.1e9, "zh")
    '150亿元（约21亿美元）'
    """
    a, b = format_money(cny, lang, "CNY"), format_money(usd, lang, "USD")
    if not b:
        return a
    return f"{a}（约{b}）" if lang == "zh" else f"{a} ({b})"


def nice_series(upto: float) -> list[int]:
    """Return the whole 1-2-5 series ``1, 2, 5, 10, 20, ...`` up to the first value >= ``upto``.

    :func:`g60map.corridor.classify.nice_series` from 1.

    Examples
    --------
    >>> nice_series(6)
    [1, 2, 5, 10]
    >>> nice_series(0)
    [1]
    """
    return [int(v) for v in _nice_series(max(float(upto), 1.0))]


def nice_floor(value: float) -> float:
    """Return the largest 1-2-5 number (…, 0.5, 1, 2, 5, 10, …) not above ``value``.

    Parameters
    ----------
    value : float
        Positive.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``value`` is not positive.

    Examples
    --------
    >>> nice_floor(137.0), nice_floor(260.0), nice_floor(0.7)
    (100.0, 200.0, 0.5)
    """
    if not value > 0:
        raise ValueError(f"value must be positive, got {value}")
    mag = 10 ** math.floor(math.log10(value))
    for step in (5, 2, 1):
        if step * mag <= value * (1 + 1e-12):
            return float(step * mag)
    return float(mag)  # pragma: no cover - unreachable


def legend_amounts(max_amount: float) -> list[float]:
    """Return the amounts of a size legend: two or three 1-2-5 numbers, largest first.

    The largest is :func:`nice_floor` of ``max_amount``; then a quarter and a twentieth of
    it, rounded down on the 1-2-5 series.

    Examples
    --------
    >>> legend_amounts(15e9)
    [10000000000.0, 2000000000.0, 500000000.0]
    >>> legend_amounts(0)
    []
    """
    if not max_amount > 0:
        return []
    values = [nice_floor(max_amount)]
    for frac in (0.25, 0.05):
        v = nice_floor(values[0] * frac)
        if v < values[-1]:
            values.append(v)
    return values


# ----------------------------------------------------------------------------- sources


def sources_line(sources: Sequence[str], lang: Lang, limit: int = 3) -> str:
    """Return the line that credits the partner and investment data.

    Parameters
    ----------
    sources : sequence of str
        :attr:`g60map.Corridor.sources` (one line per table: the article, a file, "none").
    lang : {"en", "zh"}
        Language of the text written when there are no sources.
    limit : int, default 3
        Lines shown; more are counted (``+2``). Each is cut to 120 characters.

    Returns
    -------
    str

    Examples
    --------
    >>> sources_line(["partners: a.csv", "investments: none"], "en")
    'partners: a.csv; investments: none'
    """
    seen = [" ".join(str(s).split()) for s in sources]
    seen = [source_in(s, lang) for s in seen if s]
    if not seen:
        return LABELS[lang]["no_data"]
    shown = [s if len(s) <= 120 else s[:117] + "..." for s in seen[:limit]]
    if len(seen) > limit:
        shown.append(f"+{len(seen) - limit}")
    return "; ".join(shown)


def source_in(line: str, lang: Lang) -> str:
    """Return one line of :attr:`g60map.Corridor.sources` (English) in ``lang``.

    The lines the loaders write (``src_packaged``, ``src_none``, ``src_column``,
    ``src_file`` of the catalogue) are translated; file names and the source column's
    values are kept as written; any other line is returned as it is.

    Examples
    --------
    >>> source_in("partners: the source article (a.txt), packaged", "zh")
    '合作伙伴：原文（a.txt），内置数据'
    """
    if lang == "en":
        return line
    text, en = TEXT[lang], TEXT["en"]
    kinds = {"partners": text["partners"], "investments": text["report_investments"]}
    for key in ("src_packaged", "src_none", "src_column", "src_file"):
        pattern = re.escape(en[key]).replace(r"\{kind\}", "(?P<kind>partners|investments)")
        for name in ("file", "listed"):
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>.*)")
        match = re.fullmatch(pattern, line, flags=re.S)
        if match:
            values = match.groupdict()
            values["kind"] = kinds[values["kind"]]
            return str(text[key]).format(**values)
    return line


def sample_lines(tables: Mapping[str, pd.DataFrame], lang: Lang) -> list[str]:
    """Return one line per table drawn from a sample of its rows (the dask engine).

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        ``{"partners": corridor.partners, ...}``; a table whose ``attrs["rows_total"]``
        is larger than its length holds a sample of the rows.
    lang : {"en", "zh"}

    Returns
    -------
    list of str
        ``partners: points are a sample of 10,000 of 2,000,000 rows (...)``; empty when
        every table is whole.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> frame.attrs["rows_total"] = 5
    >>> sample_lines({"partners": frame}, "en")[0][:46]
    'partners: points are a sample of 2 of 5 rows ('
    """
    out = []
    for name, frame in tables.items():
        total = int(frame.attrs.get("rows_total", len(frame)))
        if total > len(frame):
            label = LABELS[lang].get(name, name) if lang == "zh" else name
            out.append(LABELS[lang]["sample_points"].format(
                table=label, n=f"{len(frame):,}", total=f"{total:,}"))
    return out


# ----------------------------------------------------------------------------- dates

_DATE_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its date columns written as text at their precision.

    A ``date_precision`` column (``day``, ``month`` or ``year``, from the loaders) says how
    much of each date is known: ``2022-03`` for "2022年3月", never ``2022-03-01 00:00:00``.
    Without it, dates are written as days.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        A copy when something changed; datetime columns become text ("" when missing).

    Examples
    --------
    >>> df = pd.DataFrame({"date": pd.to_datetime(["2022-03-01", None]),
    ...                    "date_precision": ["month", ""]})
    >>> dates_as_text(df)["date"].tolist()
    ['2022-03', '']
    """
    columns = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if not columns:
        return frame
    out = frame.copy()
    precision = (
        frame["date_precision"].astype("string").fillna("day")
        if "date_precision" in frame else pd.Series("day", index=frame.index)
    )
    for col in columns:
        values = frame[col]
        text = pd.Series("", index=frame.index, dtype=object)
        for level, fmt in _DATE_FORMATS.items():
            pick = (precision == level) if level != "day" else ~precision.isin(["month", "year"])
            text[pick] = values[pick].dt.strftime(fmt)
        out[col] = text.where(values.notna(), "")
    return out
