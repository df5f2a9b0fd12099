"""Tests for g60map.reference.cities: the packaged corridor cities."""

from __future__ import annotations

import g60map
from g60map import settings
from g60map.reference.cities import load_cities


def test_load_cities_is_the_public_function():
    assert g60map.load_cities is load_cities


def test_nine_cities_hub_first_in_wgs84():
    cities = load_cities()
    assert len(cities) == 9
    assert cities["role"].tolist() == ["hub"] + ["member"] * 8
    assert cities.iloc[0]["name_en"] == "Songjiang"
    assert cities.crs.equals(settings.WGS84)
    assert cities["code"].map(type).eq(str).all()
    assert cities.geometry.x.tolist() == cities["lon"].tolist()


def test_each_call_returns_a_new_frame():
    first = load_cities()
    first.loc[0, "name_en"] = "changed"
    assert load_cities().loc[0, "name_en"] == "Songjiang"
