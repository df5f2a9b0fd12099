from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from g60map.join import locate_points, resolve_cities, resolve_city


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Suzhou", "320500"), ("苏州", "320500"), ("苏州市", "320500"), ("320500", "320500"),
        ("Songjiang", "310117"), ("松江区", "310117"), ("Songjiang District", "310117"),
        ("hangzhou", "330100"), ("Hangzhou City", "330100"), ("合肥", "340100"),
        ("Suzhou, Jiangsu", "320500"), ("宣城市", "341800"), (" Wuhu ", "340200"),
    ],
)
def test_members_by_name_alias_code(value, code):
    assert resolve_city(value) == (code, "")


def test_suzhou_anhui_is_not_a_corridor_city():
    for value in ("宿州", "宿州市", "341300", "Suzhou, Anhui"):
        code, problem = resolve_city(value)
        assert code == ""
        assert "Suzhou, Anhui (341300), not a corridor city" in problem
        assert "苏州" in problem


def test_other_units_unknown_ambiguous_province():
    assert "Ningbo, Zhejiang (330200), not a corridor city" in resolve_city("宁波")[1]
    assert "is a province" in resolve_city("Shanghai")[1]
    assert "Songjiang" in resolve_city("上海市")[1]
    assert "ambiguous" in resolve_city("Hangzhou/Jiaxing")[1]
    assert "did you mean Hangzhou" in resolve_city("Hangzou")[1]
    assert "unknown city 'Atlantis'" in resolve_city("Atlantis")[1]


def test_resolve_cities_reports_rows():
    values = pd.Series(["Hefei", "宿州", "", "Hefei"], index=[2, 3, 4, 5])
    codes, problems = resolve_cities(values, "f.csv")
    assert codes.tolist() == ["340100", "", "", "340100"]
    assert [str(p).split(": ")[0] for p in problems] == ["f.csv:3:city"]


def test_locate_points():
    lon = np.array([121.22326, 120.16142, 121.55, 116.4, np.nan])
    lat = np.array([31.03443, 30.29365, 29.87, 39.9, np.nan])
    assert locate_points(lon, lat).tolist() == ["310117", "330100", "330200", "", ""]
