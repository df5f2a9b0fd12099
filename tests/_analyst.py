"""The map an analyst works in: synthetic partners and investments with dates, kinds,
provinces, rows outside the corridor and investment origins (flows), for the browser tests
of the metric switch, time slider, filters, flows and the export of the view."""

from __future__ import annotations

import functools

import pandas as pd

import g60map
from g60map.reference.synthetic import make_investments, make_partners

#: Investments are dated over these five years, one a year in turn.
YEARS = (2019, 2020, 2021, 2022, 2023)
#: Origins of the investments ("" for none: no flow).
ORIGINS = ("Hefei", "Hangzhou", "", "Nanjing", "Suzhou", "Wuhu", "", "Jinhua", "Huangpu",
           "Hefei")


def analyst_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """24 partners (2 of them outside the four provinces) and 10 investments, all dated."""
    partners = make_partners(22, seed=3, city_only=0, outside=2).drop(
        columns=["city_code_expected", "founded"])
    partners["date"] = [f"{YEARS[i % 5]}-{i % 12 + 1:02d}-01" for i in range(len(partners))]
    partners["employees"] = [10 * (i + 1) for i in range(len(partners))]
    investments = make_investments(10, seed=4, city_only=0).drop(columns="city_code_expected")
    investments["date"] = [f"{YEARS[i % 5]}-{i + 1:02d}-15" for i in range(10)]
    investments["origin_city"] = list(ORIGINS)
    return partners, investments


@functools.cache
def analyst_corridor() -> g60map.Corridor:
    """The corridor of :func:`analyst_tables` (rows outside the corridor kept)."""
    partners, investments = analyst_tables()
    return g60map.load_corridor(partners, investments, outside="keep")
