"""Addresses and place names -> province, city and district (GB/T 2260), offline."""

from __future__ import annotations

import pandas as pd
import pytest

from g60map.ingest.join import resolve_places
from g60map.ingest.placing import place_rows
from g60map.reference.places import (
    MUNICIPALITIES,
    SNAPSHOT,
    national_units,
    parse_addresses,
    place_of,
    prepare_address,
    successors,
)


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


# Addresses below are real office addresses from cpca's own tests (tests/addr.csv of
# github.com/DQinYuan/chinese_province_city_area_mapper), unless said otherwise.


@pytest.mark.parametrize(
    ("address", "code"),
    [
        # a road named after a city or district is not that place
        ("中山西路933号30楼", ""),
        ("南京西路1376号西峰710室", ""),
        ("延安西路1882号东华大学第三教学楼", ""),
        ("江宁路188号", ""),
        ("杭州湖州街29号时瑞大厦3楼", "330100"),
        ("广汉路天津路西一段79号（广汉市社保局斜对面）", "510681"),
        ("上海市浦东南路1271号华融大厦18楼", "310000"),
    ],
)
def test_a_road_named_after_a_place_is_not_the_place(address, code):
    place = resolve_places([address])[0]
    assert place.code == code
    if not code:
        assert "names no province, city or district" in place.message
        assert repr(address) in place.message  # the address as written, not as parsed


def test_a_name_inside_a_town_name_is_not_that_place():
    # 小昆山镇 is a town of Songjiang; 昆山 inside it is not Kunshan (Suzhou)
    assert resolve_places(["松江区小昆山镇"])[0].code == "310117"
    assert resolve_places(["上海松江镇中山路"])[0].code == "310117"  # right after 上海
    alone = resolve_places(["小昆山镇"])[0]
    assert alone.code == "" and "names no province" in alone.message


@pytest.mark.parametrize(
    ("address", "code", "short"),
    [
        ("上海浦东张江高科技园区博霞路50号4层", "310115", "浦东"),
        ("上海市松江高科技园区寅西路399号", "310117", "松江"),
        ("上海青浦练塘工业园区章练塘路628弄39号", "310118", "青浦"),
        ("上海金山工业区天工路188号", "310116", "金山"),
    ],
)
def test_shanghai_and_a_district_short_name_is_that_district(address, code, short):
    place = resolve_places([address])[0]
    assert place.code == code
    assert place.note == f"{short} read as {place.district_zh}"


@pytest.mark.parametrize(
    ("address", "code", "words"),
    [
        ("上海市闸北区灵石路921号9-10号楼", "310106", ("闸北区", "2015", "静安区")),
        ("上海市卢湾区徐家汇路430号15楼", "310101", ("卢湾区", "2011", "黄浦区")),
        ("杭州市下城区朝晖路168号钛合国际A座1204室", "330105", ("下城区", "2021", "拱墅区")),
        # a split unit: the street named decides
        ("杭州市江干区下沙银沙路199号智格新城大厦1幢604室", "330114", ("下沙", "钱塘区")),
        ("杭州市江干区新塘路58号新传媒大厦25楼", "330102", ("上城区", "钱塘区")),
        ("杭州市余杭区临平大道1133号", "330113", ("临平", "临平区")),
        ("杭州市余杭区文一西路969号", "330110", ("today's 余杭区", "临平区")),
        ("下沙江干区海外留学生创业园", "330114", ("下沙", "钱塘区")),  # the street first
        ("无锡市北塘区", "320213", ("北塘区", "2015", "梁溪区")),
        # a county or county-level city made a district of the same name
        ("上海市崇明县长兴镇潘园公路1800号2号楼9511室", "310151", ("崇明县", "崇明区")),
        ("杭州市临安市青山湖街道创业街108号", "330112", ("临安市", "临安区")),
        ("青岛即墨市蓝鳌路宝龙城市广场5楼", "370215", ("即墨市", "即墨区")),
    ],
)
def test_an_old_unit_is_read_as_its_successor_with_a_note(address, code, words):
    place = resolve_places([address])[0]
    assert place.code == code
    assert all(w in place.note for w in words), place.note


def test_an_old_name_after_another_city_is_not_read_as_a_successor():
    # 下关 is also a town of Dali (Yunnan); a 下关区 after another city is not Nanjing's
    place = resolve_places(["江苏省苏州市下关区"])[0]
    assert place.code == "320500" and place.note == ""
    assert resolve_places(["南京市下关区"])[0].code == "320106"


def test_successor_table_codes_are_units_of_today():
    table = successors()
    assert {"old_name", "successor_code", "year", "towns", "source"} <= set(table.columns)
    units = national_units()
    assert table["successor_code"].isin(units.index).all()
    assert not table["old_name"].isin(units["name_zh"]).any() or set(
        table.loc[table["old_name"].isin(units["name_zh"]), "old_name"]) == {"余杭区"}
    assert (table["source"] != "").all()


def test_traditional_characters_are_read():
    # a cpca test address written with OpenCC's s2t
    place = resolve_places(["蘇州市相城區太平工業園金瑞路9號"])[0]
    assert (place.code, place.district_zh) == ("320507", "相城区")
    assert prepare_address("上海市閘北區")[0] == "上海市静安区"


@pytest.mark.parametrize(
    ("address", "code"),
    [
        # postal addresses as the institutions publish them
        ("University of Science and Technology of China, 96 Jinzhai Road, Baohe District, "
         "Hefei", "340111"),
        ("Soochow University, 1 Shizi Street, Gusu District, Suzhou", "320508"),
        ("Duke Kunshan University, 8 Duke Avenue, Kunshan, Jiangsu", "320583"),
    ],
)
def test_english_names_of_districts_and_county_level_cities(address, code):
    assert resolve_places([address])[0].code == code


def test_an_english_district_name_of_another_city_is_not_the_corridor_s():
    # 西湖区 is a district of Hangzhou and of Nanchang (Jiangxi)
    place = resolve_places(["Xihu District, Nanchang"])[0]
    assert place.code == ""


def test_the_county_decides_when_the_prefecture_does_not_contain_it():
    # 绩溪县 was under 黄山市 in 1987-88 and is under 宣城市 now
    place = resolve_places(["黄山市绩溪县华阳镇"])[0]
    assert (place.code, place.city_zh) == ("341824", "宣城市")
    assert place.note == "绩溪县 is in 宣城市, not 黄山市: placed in 绩溪县"


def test_a_district_column_that_contradicts_the_address_is_a_problem():
    table = pd.DataFrame(
        {"city": ["杭州", "杭州"], "district": ["西湖区", "滨江区"],
         "address": ["杭州市滨江区江陵路88号万轮科技园"] * 2},
        index=[2, 3],
    )
    places, problems = place_rows(table, "t.csv", {"district": "所属区县"})
    assert [(p.row, p.column, p.kind) for p in problems] == [(2, "district", "places disagree")]
    assert problems[0].message == (
        "所属区县 '西湖区' is in 西湖区 (杭州市, 330106) but address "
        "'杭州市滨江区江陵路88号万轮科技园' is in 滨江区 (杭州市, 330108) (correct one of them)")
    assert places.loc[3, "code"] == "330108"


def test_place_rows_carry_the_note_of_an_old_unit():
    table = pd.DataFrame({"address": ["上海市闸北区灵石路921号9-10号楼", "上海市松江区"]},
                         index=[2, 3])
    places, problems = place_rows(table, "t.csv")
    assert problems == []
    assert places["code"].tolist() == ["310106", "310117"]
    assert places.loc[2, "note"].startswith("闸北区 (abolished 2015)")
    assert places.loc[3, "note"] == ""


def test_labelled_addresses_are_never_placed_wrong():
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("place_accuracy",
                                                  root / "scripts" / "place_accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import csv

    with open(root / "tests" / "data" / "addresses_labelled.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    outcomes = [outcome for _, outcome, _ in module.score(rows)]
    assert len(rows) >= 90
    assert outcomes.count("wrong") == 0
    assert outcomes.count("right") >= 0.95 * len(rows)


@pytest.mark.parametrize(
    ("address", "city"),
    [
        # a district and a street after it: the district stays (锦江区 + 东大街)
        ("成都市锦江区东大街芷泉段68号", "510100"),
        ("福建省福州市鼓楼区东街83号青年广场", "350100"),
        # a county name inside another word is no county: 城区 in 南城区, 云县 in 密云县
        ("东莞市南城区鸿福路108号中盛商务大厦1612", "441900"),
        ("北京市密云县果园西路27号", "110000"),
        # a municipality's district is looked up in that municipality only
        ("重庆市江北区北城天街38号", "500000"),
        # an abolished district of the city named is not another city's district
        ("河北省石家庄市桥东区向阳路2号昆仑盛阳门B座24层", "130100"),
        # a second place in parentheses does not move the row
        ("中山市横栏镇贴边村西路四巷184号之三首层（销售部在广州番禺区）", "442000"),
        # the city's own name is not its county's short name (吉安市 / 吉安县)
        ("吉安市井冈山大道170号", "360800"),
        # a building or a road named after a place is not the place
        ("中山大道1628号武汉天地平安金融中心2002-2003室", "420100"),
        ("上海浦东商城路1287号1幢5楼", "310115"),
    ],
)
def test_a_name_in_the_address_never_moves_the_row_to_another_city(address, city):
    place = resolve_places([address])[0]
    assert place.city_code == city or (city in MUNICIPALITIES and place.province_code == city)



def test_a_district_column_naming_a_split_unit_follows_the_town_of_the_address():
    # a registry written before 2021: 所属区县 余杭区, the address in today's 临平区
    table = pd.DataFrame({"city": ["杭州市"], "district": ["余杭区"],
                          "address": ["余杭区临平大道839号"]}, index=[2])
    places, problems = place_rows(table, "t.csv")
    assert problems == []
    assert places.loc[2, "code"] == "330113"
    assert places.loc[2, "note"].startswith("余杭区 with 临平 read as 临平区")
