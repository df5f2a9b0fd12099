"""Investment flows: geodesic lines from where the money comes from to the project."""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic

import g60map
from g60map.corridor.flows import FLOW_COLUMNS, has_origins, investment_flows
from g60map.corridor.model import load_corridor

TABLE = """investor,project,city,amount,currency,date,origin_city,origin_lon,origin_lat
Acme,Plant A,Hangzhou,200000000,CNY,2021-05-01,Hefei,,
Beta,Lab B,Jiaxing,50000000,CNY,2022-01-01,,113.9345,22.5431
Gamma,Park C,Songjiang,900000000,CNY,2023-03-01,南京,,
Delta,Depot D,Wuhu,10000000,CNY,2024-07-01,,,
"""


@pytest.fixture(scope="module")
def reference():
    return g60map.load_cities().set_index("name_en"), g60map.load_boundaries("city")


def _load(tmp_path, text):
    path = tmp_path / "inv.csv"
    path.write_text(text, encoding="utf-8")
    return g60map.load_investments(path)


def test_flows_start_at_the_origin_and_end_at_the_investment(tmp_path, reference):
    cities, bounds = reference
    inv = _load(tmp_path, TABLE)
    flows = investment_flows(inv, cities.reset_index(), bounds)
    assert list(flows.columns) == FLOW_COLUMNS and flows.crs.to_epsg() == 4326
    # largest first; the row without an origin has no flow
    assert flows["project"].tolist() == ["Park C", "Plant A", "Lab B"]
    assert flows["row"].tolist() == [4, 2, 3]
    plant = flows.set_index("project").loc["Plant A"]
    hefei, hangzhou = cities.loc["Hefei"].geometry, cities.loc["Hangzhou"].geometry
    start, end = plant.geometry.coords[0], plant.geometry.coords[-1]
    assert start == pytest.approx((hefei.x, hefei.y)) and end == pytest.approx((hangzhou.x,
                                                                                hangzhou.y))
    ref = Geodesic.WGS84.Inverse(hefei.y, hefei.x, hangzhou.y, hangzhou.x)["s12"] / 1000
    assert plant["length_km"] == pytest.approx(ref, rel=1e-9)
    assert plant["origin_basis"] == "the city seat" and plant["origin_code"] == "340100"
    # a vertex in the middle lies on the geodesic (not on the straight lon/lat line)
    coords = list(plant.geometry.coords)
    mid = coords[len(coords) // 2]
    line = Geodesic.WGS84.InverseLine(hefei.y, hefei.x, hangzhou.y, hangzhou.x)
    best = min(abs(Geodesic.WGS84.Inverse(line.Position(s)["lat2"], line.Position(s)["lon2"],
                                          mid[1], mid[0])["s12"])
               for s in [line.s13 * k / 400 for k in range(401)])
    assert best < 1500  # within the sampling step of the reference line
    nanjing = flows.set_index("project").loc["Park C"]
    assert nanjing["origin_code"] == "320100" and "inside" in nanjing["origin_basis"]
    shenzhen = flows.set_index("project").loc["Lab B"]
    assert shenzhen.geometry.coords[0] == pytest.approx((113.9345, 22.5431))


def test_unknown_origin_is_a_problem_with_row_and_column(tmp_path, reference):
    cities, bounds = reference
    inv = _load(tmp_path, TABLE.replace("Hefei,,", "Atlantis,,"))
    with pytest.raises(g60map.G60InputError) as err:
        investment_flows(inv, cities.reset_index(), bounds)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (2, "origin_city")
    assert "Atlantis" in problem.message and "origin_lon" in problem.message


def test_bad_origin_coordinates_are_a_problem(tmp_path, reference):
    cities, bounds = reference
    inv = _load(tmp_path, TABLE.replace("113.9345,22.5431", "513.9,22.5"))
    with pytest.raises(g60map.G60InputError, match="inv.csv:3:origin_lon"):
        investment_flows(inv, cities.reset_index(), bounds)


def test_no_origins_no_flows_and_the_corridor_carries_them(tmp_path):
    default = load_corridor()
    assert not has_origins(default.investments) and len(default.flows) == 0
    path = tmp_path / "inv.csv"
    path.write_text(TABLE, encoding="utf-8")
    c = load_corridor(investments=path)
    assert len(c.flows) == 3 and "flows" in c.layers()
    assert c.flows["amount_cny"].sum() == pytest.approx(1.15e9)


@pytest.mark.parametrize("cells", ["inf,inf", "1e309,-1e309", "NaN,NaN", "∞,∞", "abc,def"])
def test_origin_coordinates_that_are_not_finite_numbers_are_a_problem(tmp_path, reference, cells):
    cities, bounds = reference
    inv = _load(tmp_path, TABLE.replace("113.9345,22.5431", cells))
    with pytest.raises(g60map.G60InputError) as err:
        investment_flows(inv, cities.reset_index(), bounds)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "origin_lon")
    assert f"({cells.replace(',', ', ')})" in problem.message


#: Origins anywhere in China, spelled as investors' tables write them (English, Chinese
#: with and without the province or the municipality): each -> the unit it names.
ORIGINS = {
    "Shenzhen": "440300",
    "Beijing": "110000",
    "Guangzhou": "440100",
    "广州市天河区": "440106",
    "上海市浦东新区": "310115",
    "浦东新区": "310115",
    "Pudong": "310115",
    "Xi'an": "610100",
    "Harbin": "230100",
    "香港": "810000",
    "Wuxi": "320200",
    "杭州": "330100",
}


def test_origins_anywhere_in_china(tmp_path, reference):
    from g60map.reference.places import national_units

    cities, bounds = reference
    rows = "".join(f"Acme,P{i},Songjiang,{1000 + i},CNY,2022-01-01,{name},,\n"
                   for i, name in enumerate(ORIGINS))
    inv = _load(tmp_path, TABLE.splitlines()[0] + "\n" + rows)
    flows = investment_flows(inv, cities.reset_index(), bounds).set_index("origin")
    assert flows["origin_code"].to_dict() == ORIGINS
    shenzhen = flows.loc["Shenzhen"]
    seat = national_units().loc["440300", ["lon", "lat"]].astype(float)
    assert shenzhen.geometry.coords[0] == pytest.approx(tuple(seat))
    assert shenzhen["origin_basis"] == "the seat of 深圳市 (national table, 440300)"
    assert 1150 < shenzhen["length_km"] < 1250  # Shenzhen - Songjiang
    assert flows.loc["浦东新区", "origin_basis"] == "a point inside the city's boundary"


@pytest.mark.parametrize(("origin", "words"), [
    ("Taizhou", ["江苏省泰州市 (321200)", "浙江省台州市 (331000)", "in Chinese"]),
    ("Fuzhou", ["福建省福州市 (350100)", "江西省抚州市 (361000)"]),
    ("广东省", ["names the province 广东省 only", "name its city"]),
    ("鼓楼区", ["鼓楼区 is ambiguous", "南京市鼓楼区", "福州市鼓楼区"]),
    ("Atlantis", ["unknown origin 'Atlantis'", "Shenzhen"]),
])
def test_origins_that_name_no_single_city_are_problems(tmp_path, reference, origin, words):
    cities, bounds = reference
    inv = _load(tmp_path, TABLE.replace("Hefei,,", f"{origin},,"))
    with pytest.raises(g60map.G60InputError) as err:
        investment_flows(inv, cities.reset_index(), bounds)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (2, "origin_city")
    for word in words:
        assert word in problem.message


def test_english_city_names_match_a_fresh_build():
    pytest.importorskip("pypinyin")
    import pandas as pd

    from g60map.reference.datasets import get_path
    from g60map.reference.names import city_names_table

    shipped = pd.read_csv(get_path("city_names_en"), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(shipped, city_names_table().reset_index(drop=True))
