"""Realistic, skewed tables: hundreds of partners piled on a few of the nine cities,
investments from 1 million to 20 billion CNY, a custom metric with a long tail. The maps'
default classes must keep four or more member classes apart on each of them."""

from __future__ import annotations

import functools

import numpy as np

import g60map
from g60map import settings
from g60map.reference.synthetic import make_investments, make_partners

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
