"""Addresses and place names -> province, city and district (GB/T 2260), offline."""

from __future__ import annotations

import pandas as pd
import pytest

from g60map.ingest.join import resolve_places
from g60map.ingest.placing import place_rows
from g60map.reference.places import SNAPSHOT, national_units, parse_addresses, place_of


@pytest.mark.parametrize(
    ("address", "district", "city"),
    [
        # the nine cities, with and without province and city
        ("上海市松江区九亭镇九新公路339号", "310117", "310117"),
        ("浙江省嘉兴市南湖区亚太路1052号", "330402", "330400"),
        ("杭州市余杭区文一西路969号", "330110", "330100"),
        ("金华市婺城区双溪西路", "330702", "330700"),
        ("湖州市吴兴区仁皇山路", "330502", "330500"),
        ("苏州市昆山市前进西路", "320583", "320500"),
        ("宣城市宣州区鳌峰路", "341802", "341800"),
        ("芜湖市弋江区中山南路", "340209", "340200"),
        ("合肥市蜀山区黄山路", "340104", "340100"),
        ("松江区广富林路", "310117", "310117"),
        ("义乌市福田街道", "330782", "330700"),
        ("桐乡市乌镇镇", "330483", "330400"),
        ("包河区徽州大道", "340111", "340100"),
        # divisions created or renamed since 2019
        ("杭州市临平区南苑街道", "330113", "330100"),
        ("杭州市钱塘区下沙街道", "330114", "330100"),
        ("安徽省广德市桃州镇", "341882", "341800"),
        ("无为市无城镇", "340281", "340200"),
        ("芜湖市湾沚区湾沚镇", "340210", "340200"),
        # full-width characters and spaces
        ("浙江省 嘉兴市 南湖区 １号", "330402", "330400"),
        # outside the corridor: the national table
        ("江苏省南京市鼓楼区汉中路", "320106", "320100"),
        ("上海市浦东新区张江路", "310115", "310115"),
        ("安徽省宿州市埇桥区", "341302", "341300"),
        ("北京市朝阳区建国路", "110105", "110105"),
        ("广东省深圳市南山区科技园", "440305", "440300"),
    ],
)
def test_addresses_resolve_to_their_district(address, district, city):
    place = resolve_places([address])[0]
    assert (place.district_code, place.city_code) == (district, city)
    assert place.level == "district" and place.code == district
    assert place.province_code == district[:2] + "0000"
    assert place.district_zh == national_units().at[district, "name_zh"]


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("苏州工业园区星湖街328号", "320500"),  # a development zone: no district of its own
        ("合肥高新区望江西路800号", "340100"),
        ("嘉兴经济技术开发区", "330400"),
        ("浙江省嘉兴市", "330400"),
    ],
)
def test_development_zones_and_cities_resolve_to_the_city(address, city):
    place = resolve_places([address])[0]
    assert (place.level, place.city_code, place.district_code) == ("city", city, "")


@pytest.mark.parametrize(
    ("address", "candidates"),
    [
        ("鼓楼区中山路", {"320106", "320302", "350102", "410204"}),
        ("朝阳区建国路", {"110105", "220104"}),
        ("西湖区文三路", {"330106", "360103"}),
        ("普陀区", {"310107", "330903"}),
        ("江苏省鼓楼区", {"320106", "320302"}),  # the province narrows it, not enough
    ],
)
def test_a_district_name_several_cities_have_is_ambiguous(address, candidates):
    place = parse_addresses([address])[0]
    assert place.code == "" and set(place.candidates) == candidates
    for code in candidates:
        assert f"({code})" in place.message
    assert "is ambiguous" in place.message and "write the city" in place.message


def test_a_city_or_province_before_it_settles_the_district():
    places = parse_addresses(["南京市鼓楼区中山路", "福建省鼓楼区", "上海普陀区"])
    assert [p.code for p in places] == ["320106", "350102", "310107"]


def test_english_and_short_names_fall_back_to_the_corridor_table():
    places = resolve_places(["No. 9 Road, Songjiang District, Shanghai", "松江经济技术开发区",
                             "Jiaxing", "某地"])
    assert [p.city_code for p in places] == ["310117", "310117", "330400", ""]
    assert "names no province, city or district" in places[3].message


def test_national_table_and_places_of_codes():
    units = national_units()
    assert SNAPSHOT == "2025-12-31"
    assert len(units) > 3000 and units.index.is_unique
    assert set(units["level"]) == {"province", "city", "district"}
    # seats are WGS-84 (the table's GCJ-02 centres shifted): Songjiang's is ~0.5 km from
    # the GCJ-02 figure and within 1 km of the GeoNames seat
    lon, lat = units.loc["310117", ["lon", "lat"]]
    assert abs(lon - 121.227747) > 0.003 and abs(lon - 121.22326) < 0.01
    assert abs(lat - 31.03443) < 0.01
    assert place_of("330402").city_zh == "嘉兴市"
    assert place_of("310115").city_code == "310115"  # a Shanghai district is a city here
    assert place_of("320576").level == "city"  # Suzhou Industrial Park: no district
    assert place_of("999999").code == ""


def test_place_rows_use_the_row_context_and_report_disagreements():
    table = pd.DataFrame(
        {
            "province": ["", "", "上海市", "", ""],
            "city": ["南京", "", "市辖区", "嘉兴", "Hefei"],
            "district": ["", "", "松江区", "", ""],
            "address": ["鼓楼区中山路", "鼓楼区中山路", "", "杭州市西湖区", "Room 5"],
        },
        index=range(2, 7),
    )
    places, problems = place_rows(table, "t.csv", {"address": "注册地址", "city": "城市"})
    assert places["code"].tolist() == ["320106", "", "310117", "330106", "340100"]
    assert places["column"].tolist() == ["address", "", "district", "address", "city"]
    assert [(p.row, p.column, p.kind) for p in problems] == [
        (3, "address", "ambiguous place"), (5, "city", "places disagree"),
    ]
    assert "注册地址 '杭州市西湖区' is in 杭州市" in problems[1].message
    assert "城市 '嘉兴' is in 嘉兴市" in problems[1].message
