"""Amounts and currencies of a table's rows: units (万, 亿, bn), currency words, exact values.

One of the column checks :func:`g60map.ingest.validate.validate_table` runs: an amount
may carry a multiplier and a currency in its cell (``3000万元``, ``US$2.1bn``) or in
brackets after its header (``投资金额（万元）``); the currency found there must agree with
the ``currency`` column. Units and currencies are listed in :mod:`g60map.settings`.
"""

from __future__ import annotations

import decimal
import re

import numpy as np
import pandas as pd

from .. import settings
from .._errors import Problem
from ._cells import nfkc, not_a_number, problems_at, rows_where
from .rates import ecb_currencies

__all__ = [
    "CURRENCIES",
    "AMOUNT_UNITS",
    "amount_header_unit",
    "names_currency",
    "parse_amounts",
    "parse_amount_columns",
]

#: Currency spellings and the ISO code they mean (:data:`g60map.settings.CURRENCIES`).
CURRENCIES: dict[str, str] = settings.CURRENCIES

#: Multipliers of amounts (:data:`g60map.settings.AMOUNT_UNITS`).
AMOUNT_UNITS: dict[str, int] = settings.AMOUNT_UNITS

_MULTIPLIERS = "|".join(sorted(map(re.escape, settings.AMOUNT_UNITS), key=len, reverse=True))
#: Currency words: the spellings of :data:`g60map.settings.CURRENCIES` and the ISO codes of
#: the currencies the ECB gives a rate for (``SEK``, ``THB``, ...).
_CURRENCY_WORDS = "|".join(
    sorted(map(re.escape, set(settings.CURRENCIES) | ecb_currencies()), key=len, reverse=True)
)

#: The unit in brackets after an amount header: a multiplier and/or a currency, in either
#: order (``万元``, ``亿美元``, ``USD m``, ``CNY``).
_UNIT_WORDS = (
    rf"(?i)(?:(?P<cur1>{_CURRENCY_WORDS})\s*)?(?P<mult>{_MULTIPLIERS})?\s*"
    rf"(?P<cur>{_CURRENCY_WORDS})?"
)


#: An amount with a currency before it (``¥``, ``US$``, ``RMB``, ``人民币``) and/or a
#: multiplier and a currency after it (``3000万元``, ``1.2亿美元``, ``15亿``, ``2.1 bn USD``).
_UNIT_AMOUNT = (
    rf"(?i)^(?P<pre>{_CURRENCY_WORDS})?\s*(?P<num>[-+]?[0-9.,_]*[0-9][0-9.,_]*"
    rf"(?:e[-+]?[0-9]+)?)\s*(?P<unit>{_MULTIPLIERS})?\s*(?P<cur>{_CURRENCY_WORDS})?$"
)

_EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
#: Thousands separators in proper groups: 1,000,000 / 12,345.5 / 1_000.
_GROUPED = rf"[+-]?[0-9]{{1,3}}(?:(?:,[0-9]{{3}})+|(?:_[0-9]{{3}})+)(?:\.[0-9]*)?{_EXPONENT}"
#: A decimal comma: 1,5 / 12,50 / 1,2345 / 1.234,5 (never a group of exactly three digits).
_DECIMAL_COMMA = (
    r"[+-]?(?:[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+)"
)


def _multiplier(word: object) -> int:
    return settings.AMOUNT_UNITS.get(str(word).lower(), 1) if isinstance(word, str) else 1


def _currency(word: object) -> str:
    if not isinstance(word, str):
        return ""
    code = word.upper()
    return settings.CURRENCIES.get(code) or (code if code in ecb_currencies() else "")


def amount_header_unit(
    unit: str, file: str, renames: dict[str, str], problems: list[Problem]
) -> tuple[int, str]:
    """Multiplier and currency of the unit in brackets after the amount header.

    Parameters
    ----------
    unit : str
        The unit as :func:`g60map.ingest.validate.standard_columns` found it (``"万元"``),
        or ``""``.
    file : str
        File name for the problems.
    renames : dict of str to str
        Header -> standard name; names the amount header in the problem.
    problems : list of Problem
        An unknown unit is appended to it.

    Returns
    -------
    (int, str)
        The multiplier (1 when none) and the ISO currency (``""`` when none).

    Examples
    --------
    >>> amount_header_unit("亿美元", "t.csv", {}, [])
    (100000000, 'USD')
    """
    if not unit:
        return 1, ""
    m = re.fullmatch(_UNIT_WORDS, unit)
    cur1, cur2 = (m.group("cur1"), m.group("cur")) if m else (None, None)
    if not m or not (m.group("mult") or cur1 or cur2) or (cur1 and cur2):
        header = next((k for k, v in renames.items() if v == "amount"), "amount")
        problems.append(
            Problem(
                file, 1, header,
                f"unknown unit {unit!r} in the amount header (use 元, 万元, 亿元, 美元, 万美元, "
                "CNY, USD or USD m, or write the unit in each cell)",
                "unknown unit",
            )
        )
        return 1, ""
    return _multiplier(m.group("mult")), _currency(cur1 or cur2)


def names_currency(amounts: pd.Series) -> bool:
    """Return whether any amount cell names a currency (``3000万元``, ``US$2.1bn``).

    Parameters
    ----------
    amounts : pandas.Series of str

    Returns
    -------
    bool

    Examples
    --------
    >>> names_currency(pd.Series(["1500", "3000万元"])), names_currency(pd.Series(["1500"]))
    (True, False)
    """
    return bool(nfkc(amounts).str.contains(f"(?i){_CURRENCY_WORDS}").any())


def _exact(numbers: pd.Series, factors: pd.Series) -> pd.Series:
    """Return ``number * factor`` computed in decimal, rounded once to the nearest float.

    ``0.07万`` is 700 and ``1.15亿`` 115,000,000 exactly, where float arithmetic gives
    700.0000000000001 and 114999999.99999999.
    """
    out = pd.Series(np.nan, index=numbers.index, dtype=float)
    pairs = pd.DataFrame({"n": numbers, "f": factors})
    for (n, f), rows in pairs.groupby(["n", "f"], sort=False).groups.items():
        try:
            out[rows] = float(decimal.Decimal(n) * int(f))
        except (decimal.InvalidOperation, ValueError, OverflowError):
            pass
    return out


def parse_amounts(
    text: pd.Series, file: str, problems: list[Problem], header_unit: tuple[int, str] = (1, "")
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse amount cells; return ``(values, bad, currency)``, a problem per bad cell.

    Accepted: plain numbers (``1500``, ``1.5e9``) and thousands separators in proper
    groups (``1,000,000``, ``12,345.5``, ``1_000``), also in full-width characters
    (NFKC). A decimal comma (``1,5``) and any other use of separators are problems.
    A multiplier (:data:`g60map.settings.AMOUNT_UNITS`) multiplies the number exactly
    (``3,000万`` = 30,000,000; ``1.5亿元`` = 150,000,000; ``2.1 bn``); a currency written
    before or after it (``¥``, ``US$``, ``RMB``, ``人民币``, ``元``, ``美元``) is returned
    in ``currency`` (else ``""``) so that it can be checked against the ``currency``
    column. ``header_unit`` (multiplier, currency), from the amount header, applies to
    cells without a unit.

    Parameters
    ----------
    text : pandas.Series of str
        The ``amount`` cells, stripped, with the spreadsheet row index.
    file : str
        File name for the problems.
    problems : list of Problem
        A problem per bad cell is appended to it.
    header_unit : (int, str), optional
        Multiplier and currency of the amount header (:func:`amount_header_unit`).

    Returns
    -------
    values : pandas.Series of float
        NaN where a cell is empty or bad.
    bad : pandas.Series of bool
        Cells that are not a number, misuse separators or name two currencies.
    currency : pandas.Series of str
        The ISO currency each cell (or else the header) names, or ``""``.

    Examples
    --------
    >>> cells = pd.Series(["3,000万", "1.5亿元", "¥2,000", "12万美元", "7"], index=range(2, 7))
    >>> values, bad, currency = parse_amounts(cells, "t.csv", [])
    >>> values.tolist(), currency.tolist()
    ([30000000.0, 150000000.0, 2000.0, 120000.0, 7.0], ['', 'CNY', 'CNY', 'USD', ''])
    """
    txt = nfkc(text).str.strip()
    parts = txt.str.extract(_UNIT_AMOUNT)
    matched = parts["num"].notna()
    has_unit = (matched & (parts["pre"].notna() | parts["unit"].notna() | parts["cur"].notna())
                ).to_numpy()
    # A cell's own multiplier or currency word wins over the header's unit ("3000元" under
    # "金额（万元）" is 3000 yuan); a cell without a currency takes the header's.
    own = parts["unit"].notna() | parts["cur"].notna()
    factor = parts["unit"].map(_multiplier).fillna(1).astype("int64")
    factor = factor.where(own, header_unit[0])
    pre, post = parts["pre"].map(_currency).fillna(""), parts["cur"].map(_currency).fillna("")
    two = (pre != "") & (post != "") & (pre != post)
    currency = post.where(post != "", pre)
    currency = currency.where(currency != "", header_unit[1])
    txt = txt.where(~has_unit, parts["num"].fillna(""))
    has_sep = txt.str.contains("[,_]", regex=True)
    grouped = has_sep & txt.str.fullmatch(_GROUPED)
    # Separators misused in what is otherwise a number; other text is "not a number".
    misgrouped = has_sep & ~grouped & txt.str.fullmatch(r"[-+0-9.,_eE]*[0-9][-+0-9.,_eE]*")
    clean = txt.where(~grouped, txt.str.replace("[,_]", "", regex=True))
    amount = pd.to_numeric(clean.where(~misgrouped, ""), errors="coerce").astype(float)
    scaled = (factor != 1).to_numpy() & np.isfinite(amount.to_numpy())
    if scaled.any():
        amount[scaled] = _exact(clean[scaled], factor[scaled])
    decimal_comma = misgrouped & txt.str.fullmatch(_DECIMAL_COMMA)
    for r, cell, norm in rows_where(text.index, decimal_comma, text, txt):
        fixed = norm.replace(".", "").replace(",", ".")
        problems.append(
            Problem(
                file,
                r,
                "amount",
                f"{cell!r} looks like a decimal comma: write {fixed} (a comma may only "
                "separate thousands, as in 1,000,000)",
                "decimal comma",
            )
        )
    for r, cell in rows_where(text.index, misgrouped & ~decimal_comma, text):
        problems.append(
            Problem(
                file,
                r,
                "amount",
                f"{cell!r} has misplaced thousands separators: write the amount without "
                "them (1000000) or with a comma between groups of three digits (1,000,000)",
                "misplaced thousands separator",
            )
        )
    for r, cell in rows_where(text.index, two, text):
        problems.append(
            Problem(file, r, "amount", f"{cell!r} names two currencies (keep one)",
                    "currency mismatch")
        )
    not_number = (text != "") & ~misgrouped & ~two & ~np.isfinite(amount)
    for r, cell in rows_where(text.index, not_number, text):
        problems.append(
            Problem(
                file,
                r,
                "amount",
                not_a_number(
                    cell, "write the amount as a number, with a unit and currency if you like: "
                    "15000000000, 150亿, 3000万元, 1.2亿美元, US$2.1bn"
                ),
                "not a number",
            )
        )
    return amount, misgrouped | not_number | two, currency


def parse_amount_columns(
    out: pd.DataFrame, file: str, present: set[str], problems: list[Problem], kind: str,
    header_unit: tuple[int, str] = (1, ""),
) -> None:
    """Parse ``amount`` and ``currency`` (required for investments only) in place.

    Parameters
    ----------
    out : pandas.DataFrame
        The table, its text stripped and its columns renamed to the standard names;
        ``amount`` becomes float (NaN when bad) and ``currency`` the ISO code.
    file : str
        File name for the problems.
    present : set of str
        The table's columns, as given (``currency`` may have been added to ``out``).
    problems : list of Problem
        Problems found are appended to it.
    kind : {"partners", "investments"}
    header_unit : (int, str), optional
        Multiplier and currency of the amount header (:func:`amount_header_unit`).
    """
    written = pd.Series("", index=out.index)
    if "amount" in present:
        raw_amount = out["amount"]
        amount, bad, written = parse_amounts(raw_amount, file, problems, header_unit)
        neg = np.isfinite(amount) & (amount <= 0)
        problems += problems_at(
            file, out.index[neg], "amount", "amount must be positive (write the amount invested)",
            "amount not positive",
        )
        # Beyond 1e15 (a quadrillion yuan) an amount is a typo, and converting it can overflow.
        huge = np.isfinite(amount) & (amount > 1e15)
        problems += problems_at(
            file, out.index[huge], "amount",
            "amount is over 10^15: check the figure (write it in units, not thousands)",
            "amount too large",
        )
        out["amount"] = amount.where(np.isfinite(amount) & ~neg & ~huge & ~bad)
    if "currency" in present or ("amount" in present and (written != "").any()):
        given = out["currency"] if "currency" in out else pd.Series("", index=out.index)
        spelled = nfkc(given).str.strip()
        cur = spelled.map({v: _currency(v) for v in pd.unique(spelled)}).fillna("")
        cur = cur.where((given != "") | (written == ""), written)  # the amount's own currency
        if kind == "investments":
            problems += problems_at(
                file, out.index[((given == "") & (cur == "")).to_numpy()], "currency",
                "currency is empty (fill it in, or write it with the amount: 3000万元, "
                "1.2亿美元)", "empty cell",
            )
        bad = (given != "") & (cur == "")
        for r, cell in rows_where(out.index, bad, given):
            problems.append(
                Problem(
                    file,
                    r,
                    "currency",
                    f"unknown currency {cell!r} (use an ISO code the ECB gives a rate for: "
                    "CNY, USD, HKD, JPY, EUR, GBP, ...; or 人民币, 美元, 港元, 日元, 欧元, "
                    "英镑)",
                    "unknown currency",
                )
            )
        if "amount" in present:
            clash = (written != "") & (cur != "") & (written != cur) & (given != "")
            for r, cell, unit, text in rows_where(out.index, clash, raw_amount, written, given):
                problems.append(
                    Problem(
                        file,
                        r,
                        "amount",
                        f"{cell!r} is in {unit} but 'currency' says {text!r}: make them agree",
                        "currency mismatch",
                    )
                )
        out["currency"] = cur
