"""Realistic, skewed tables: hundreds of partners piled on a few of the nine cities,
investments from 1 million to 20 billion CNY, a custom metric with a long tail. The maps'
default classes must keep four or more member classes apart on each of them."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

import g60map
from g60map import settings
from g60map.reference.synthetic import INDUSTRIES, make_investments, make_partners

#: Partners per member city, largest first (the hub, then the others in a fixed order).
SHAPES = {
    0: (320, 95, 60, 41, 22, 15, 9, 4, 2),   # a long tail
    1: (12, 480, 150, 8, 6, 30, 3, 70, 1),   # one big city that is not the hub
    2: (200, 180, 160, 12, 10, 9, 3, 2, 1),  # three big, six small
    3: (250, 85, 64, 52, 47, 38, 33, 29, 24),  # 1-2-5 steps: eight cities in "21–100"
}


def skewed_tables(seed: int):
    """Return ``(partners, investments)`` of shape ``seed`` (a key of :data:`SHAPES`)."""
    rng = np.random.default_rng(100 + seed)
    codes = list(settings.MEMBER_CODES)
    partners = make_partners(per_city=dict(zip(codes, SHAPES[seed], strict=True)), seed=seed,
                             city_only=0.0)
    partners = partners.drop(columns=["city_code_expected", "founded", "capital_cny"])
    partners["employees"] = np.round(np.exp(rng.normal(3.5, 2.0, len(partners))))
    per_city = dict(zip(codes, (9, 5, 3, 2, 2, 1, 1, 1, 1), strict=True))
    investments = make_investments(per_city=per_city, seed=seed, city_only=0.0).drop(
        columns="city_code_expected")
    amounts = np.exp(rng.uniform(np.log(1e6), np.log(2e10), len(investments)))
    amounts[0] = 2e10  # one very large project
    investments["amount"] = np.round(amounts / 1e4) * 1e4
    return partners, investments


@functools.cache
def skewed_corridor(seed: int) -> g60map.Corridor:
    """The corridor of :func:`skewed_tables`."""
    partners, investments = skewed_tables(seed)
    return g60map.load_corridor(partners, investments)


# --------------------------------------------------------------------- realistic tables

#: Partners per member city (order of ``settings.MEMBER_CODES``: Songjiang, Jiaxing,
#: Hangzhou, Jinhua, Huzhou, Suzhou, Xuancheng, Wuhu, Hefei) of each realistic table.
REALISTIC_PARTNERS = {
    "skewed": (38, 34, 176, 22, 19, 158, 3, 27, 137),    # Hangzhou, Suzhou, Hefei heavy
    "registry": (64, 45, 118, 14, 28, 214, 2, 23, 88),   # Suzhou heavy, Chinese headers
    "even": (36, 41, 45, 38, 42, 44, 35, 40, 39),        # not skewed
}

#: Investments per member city, same order.
REALISTIC_INVESTMENTS = {
    "skewed": (6, 4, 12, 3, 3, 10, 1, 4, 9),
    "registry": (8, 3, 9, 2, 2, 14, 1, 3, 6),
    "even": (4, 5, 5, 4, 4, 5, 4, 5, 4),
}

#: Where the money comes from: cities all over China ("" for no origin, no flow).
ORIGINS_ZH = ("北京", "深圳", "合肥", "杭州", "上海", "广州", "南京", "武汉", "成都", "西安",
              "苏州", "香港", "")
ORIGINS_EN = ("Beijing", "Shenzhen", "Hefei", "Hangzhou", "Shanghai", "Guangzhou", "Nanjing",
              "Wuhan", "Chengdu", "Xi'an", "Suzhou", "Hong Kong", "")

#: The names of the realistic tables, in the order the tests and screenshots take them.
REALISTIC = tuple(REALISTIC_PARTNERS)


def _money_cells(rng: np.random.Generator, wan: np.ndarray) -> list[str]:
    """Amounts in 万元 as a project list writes them: ``3,000``, ``1.2亿元``, ``800万元``."""
    cells = []
    for value, form in zip(wan, rng.integers(0, 3, len(wan)), strict=True):
        if value >= 10_000 and form == 0:
            cells.append(f"{value / 10_000:.1f}亿元")
        elif form == 1:
            cells.append(f"{int(value)}万元")
        else:
            cells.append(f"{int(value):,}")
    return cells


def realistic_tables(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a realistic, made-up ``(partners, investments)`` pair.

    Parameters
    ----------
    name : str
        One of :data:`REALISTIC`: ``"skewed"`` (611 partners, Hangzhou, Suzhou and Hefei
        heavy, Xuancheng light; 52 investments of CNY 1M-20bn from investors in English
        cities), ``"registry"`` (596 partners and 48 investments under the Chinese headers
        of a registry export and a project list, amounts in 万元 and 亿元, origins in
        Chinese) or ``"even"`` (360 partners spread evenly, 40 investments).

    Returns
    -------
    tuple of pandas.DataFrame
        The partners (dated 2015-2024) and the investments (dated 2018-2024, with an
        ``origin_city`` on most rows). Every name is synthetic (``Synthetic Co. 0001``,
        ``合成企业0001``, ``Synthetic Investor 0001``): the tables are not real data.

    Examples
    --------
    >>> partners, investments = realistic_tables("registry")
    >>> len(partners), list(partners.columns[:3])
    (596, ['企业名称', '城市', '行业'])
    """
    seed = REALISTIC.index(name)
    rng = np.random.default_rng(2100 + seed)
    codes = list(settings.MEMBER_CODES)
    partners = make_partners(per_city=dict(zip(codes, REALISTIC_PARTNERS[name], strict=True)),
                             seed=40 + seed, city_only=0.0)
    years = rng.integers(2015, 2025, len(partners))
    days = rng.integers(0, 365, len(partners))
    dates = [str(np.datetime64(f"{y}-01-01") + d) for y, d in zip(years, days, strict=True)]
    investments = make_investments(
        per_city=dict(zip(codes, REALISTIC_INVESTMENTS[name], strict=True)), seed=50 + seed,
        city_only=0.0).drop(columns="city_code_expected")
    n = len(investments)
    amounts = np.round(np.exp(rng.uniform(np.log(1e6), np.log(2e10), n)) / 1e4) * 1e4
    amounts[0] = 2e10  # one very large project
    iyears = rng.integers(2018, 2025, n)
    idays = rng.integers(0, 365, n)
    investments["date"] = [str(np.datetime64(f"{y}-01-01") + d)
                           for y, d in zip(iyears, idays, strict=True)]
    origins = ORIGINS_ZH if name == "registry" else ORIGINS_EN
    investments["origin_city"] = [origins[i] for i in rng.integers(0, len(origins), n)]
    if name != "registry":
        partners = partners.drop(columns=["city_code_expected", "founded", "capital_cny"])
        partners["date"] = dates
        partners["employees"] = np.round(np.exp(rng.normal(3.5, 1.5, len(partners))))
        investments["amount"] = amounts
        return partners, investments
    names = np.asarray(["0", "1", "2", "3"], dtype=object)[rng.integers(0, 4, len(partners))]
    suffix = {"0": "有限公司", "1": "科技有限公司", "2": "股份有限公司", "3": "信息技术有限公司"}
    cities = {code: city for code, city in zip(codes, ("松江区", "嘉兴市", "杭州市", "金华市",
                                                        "湖州市", "苏州市", "宣城市", "芜湖市",
                                                        "合肥市"), strict=True)}
    registry = pd.DataFrame({
        "企业名称": [f"{zh}{suffix[s]}" for zh, s in zip(partners["name_zh"], names,
                                                         strict=True)],
        "城市": [cities[c] for c in partners["city_code_expected"]],
        "行业": [INDUSTRIES[i] for i in rng.integers(0, len(INDUSTRIES), len(partners))],
        "登记状态": "存续",
        "注册资本（万元）": _money_cells(rng, np.round(partners["capital_cny"] / 1e4)),
        "成立日期": [d.replace("-", "年", 1).replace("-", "月", 1) + "日" for d in dates],
        "经度": partners["lon"],
        "纬度": partners["lat"],
    })
    projects = pd.DataFrame({
        "投资方": investments["investor"].str.replace("Synthetic Investor ", "合成投资方",
                                                   regex=False),
        "项目名称": investments["project"],
        "城市": [cities[c] for c in make_investments(
            per_city=dict(zip(codes, REALISTIC_INVESTMENTS[name], strict=True)),
            seed=50 + seed, city_only=0.0)["city_code_expected"]],
        "投资金额（万元）": _money_cells(rng, amounts / 1e4),
        "签约日期": investments["date"],
        "经度": investments["lon"],
        "纬度": investments["lat"],
        "origin_city": investments["origin_city"],
    })
    return registry, projects


@functools.cache
def realistic_corridor(name: str) -> g60map.Corridor:
    """The corridor of :func:`realistic_tables` ``(name)``."""
    partners, investments = realistic_tables(name)
    return g60map.load_corridor(partners, investments)
