from __future__ import annotations

import decimal
import warnings

import numpy as np
import pandas as pd
import pytest

from g60map import G60InputError, G60Warning, load_investments, load_partners, settings
from g60map.ingest.join import locate_points
from g60map.ingest.tables import check_table

GB_PARTNERS = (
    "name,city,kind,website,description\n"
    "中国移动,松江区,运营商,https://www.10086.cn,长三角超算中心合作伙伴\n"
    "灵雀云,嘉兴,云原生,,第二总部\n"
    "阿里云,Hangzhou,cloud,,\n"
)


def test_packaged_partners_from_article():
    partners = load_partners()
    assert partners.crs.to_epsg() == 4326
    assert len(partners) == 6
    names = " ".join(partners["name"])
    for expected in ("China Mobile", "China Telecom", "China Unicom", "China Broadcasting",
                     "Alauda", "Tianfu"):
        assert expected in names
    assert set(partners["location_precision"]) == {"city"}
    assert (partners["source"] == "tencent-g60-article.txt").all()
    assert partners.columns[-1] == "geometry" and partners["in_corridor"].all()


def test_packaged_investment_amounts():
    inv = load_investments()
    assert len(inv) == 1
    row = inv.iloc[0]
    assert row["city_code"] == settings.HUB_CODE and row["currency"] == "CNY"
    assert row["amount_cny"] == 15e9
    assert abs(row["amount_usd"] - 2.1e9) < 1e3
    assert inv.attrs["usd_cny_rate_date"] == settings.USD_CNY_RATE_DATE


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_chinese_partners_file_loads(write_csv, encoding):
    partners = load_partners(write_csv(GB_PARTNERS, encoding=encoding))
    assert partners["city_code"].tolist() == ["310117", "330400", "330100"]
    assert partners["city_zh"].tolist() == ["松江区", "嘉兴市", "杭州市"]
    assert partners["description"].iloc[0] == "长三角超算中心合作伙伴"
    # Placed at the city seat.
    assert partners.geometry.iloc[1].x == pytest.approx(120.75)


def test_suzhou_anhui_is_kept_outside_the_corridor(write_csv):
    path = write_csv("name,city\nA,苏州\nB,宿州\n")
    with pytest.raises(G60InputError) as err:
        load_partners(path, outside="error")
    assert str(err.value).startswith(
        f"{path}:3:city: '宿州' is in 宿州市 (Suzhou, Anhui, 341300), not a corridor city; "
        "the corridor's Suzhou is 苏州市 (Jiangsu, 320500)"
    )
    assert isinstance(err.value, ValueError)
    with pytest.warns(G60Warning, match="1 row\\(s\\) outside the corridor"):
        partners = load_partners(path)
    assert partners["city_code"].tolist() == ["320500", "341300"]
    assert partners["in_corridor"].tolist() == [True, False]


def test_all_problems_listed_at_once(write_csv):
    path = write_csv(
        "name,city,lon,lat\n"
        ",Hefei,,\n"            # 2: empty name
        "B,Atlantis,,\n"        # 3: unknown city
        "C,,31.2,121.4\n"       # 4: swapped
        "D,Wuhu,,\n"
        "D,Wuhu,,\n"            # 6: duplicate of 5
    )
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    lines = str(err.value).splitlines()
    assert lines[0] == "4 problems found:"
    assert [line.split(": ")[0] for line in lines[1:]] == [
        f"{path}:2:name", f"{path}:3:city", f"{path}:4:lat", f"{path}:6",
    ]


def test_points_are_joined_spatially(write_csv):
    path = write_csv(
        "name,lon,lat,phone\n"
        "In Hangzhou,120.2,30.25,=1+2\n"
        "In Ningbo,121.55,29.87,x\n"
        "In Beijing,116.4,39.9,y\n"
    )
    with pytest.warns(G60Warning, match="2 row\\(s\\) outside the corridor") as rec:
        partners = load_partners(path)
    text = str(rec[0].message)
    assert f"{path}:3:lon/lat" in text and "Ningbo, not a corridor city" in text
    assert f"{path}:4:lon/lat" in text and "outside Shanghai, Jiangsu" in text
    assert partners["city_code"].tolist() == ["330100", "330200", ""]  # Ningbo, none
    assert partners["in_corridor"].tolist() == [True, False, False]
    assert partners["location_precision"].tolist() == ["point"] * 3
    assert partners["phone"].tolist() == ["=1+2", "x", "y"]  # extra columns kept, as text
    with pytest.raises(G60InputError, match="Ningbo"):
        load_partners(path, outside="error")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_partners(path, outside="keep")) == 3


def test_point_and_city_disagree(write_csv):
    path = write_csv("name,city,lon,lat\nX,Hangzhou,120.75,30.75\n")
    with pytest.raises(G60InputError, match=r":2:lon/lat: point lies in Jiaxing but city says"):
        load_partners(path)


def test_usd_investment_converted(write_csv):
    path = write_csv(
        "investor,project,city,amount,currency,date\nX,Lab,合肥,1000000,USD,2021-05-04\n"
    )
    inv = load_investments(path)
    assert inv["amount_usd"].iloc[0] == 1e6
    assert np.isclose(inv["amount_cny"].iloc[0], 1e6 * settings.USD_CNY_RATE)
    assert inv["date"].iloc[0] == pd.Timestamp("2021-05-04")
    assert inv["date_precision"].iloc[0] == "day"


def test_check_table_returns_errors_and_notes(write_csv):
    errors, notes = check_table(write_csv("name,lon,lat\nA,121.55,29.87\n"), "partners")
    assert errors == [] and len(notes) == 1
    errors, _ = check_table(write_csv("", name="e.csv"), "partners")
    assert "file is empty" in str(errors[0])


def test_saved_output_loads_again(tmp_path):
    partners = load_partners()
    path = tmp_path / "again.csv"
    partners.drop(columns="geometry").to_csv(path, index=False)
    again = load_partners(path)
    assert again["row"].tolist() == list(range(2, 2 + len(partners)))
    assert again["row_input"].astype(int).tolist() == partners["row"].tolist()
    assert again["city_code"].tolist() == partners["city_code"].tolist()


def test_reserved_input_columns_are_kept_renamed(write_csv):
    partners = load_partners(write_csv("name,city,geometry\nA,Hefei,POINT (0 0)\n"))
    assert partners["geometry_input"].tolist() == ["POINT (0 0)"]
    assert partners.geometry.iloc[0].x == pytest.approx(117.28083)


def test_repeated_or_semicolon_headers(write_csv, tmp_path):
    with pytest.raises(G60InputError, match=r"d.csv:1:name: column appears more than once"):
        load_partners(write_csv("name,city,name\nA,Hefei,B\n", name="d.csv"))
    with pytest.raises(G60InputError, match="not comma-separated"):
        load_partners(write_csv("name;city\nA;Hefei\n", name="s.csv"))
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["name", "city", "name"])
    wb.active.append(["A", "Hefei", "B"])
    wb.save(tmp_path / "d.xlsx")
    with pytest.raises(G60InputError, match=r"d.xlsx:1:name: column appears more than once"):
        load_partners(tmp_path / "d.xlsx")


def test_bom_on_a_gbk_body_is_reported_as_mixed_encodings(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\xef\xbb\xbfname,city\n" + "阿里云,杭州\n".encode("gbk"))
    with pytest.raises(G60InputError, match=r"mixed.csv:2: file starts with a UTF-8 byte-order"):
        load_partners(path)


def test_infinite_huge_and_formula_amounts(write_csv):
    path = write_csv(
        "investor,project,city,amount,currency,date\n"
        "X,a,Hefei,inf,CNY,2021-01\nX,b,Hefei,1e400,CNY,2021-01\n"
        "X,c,Hefei,1e300,USD,2021-01\nX,d,Hefei,=A1*2,CNY,2021-01\n"
    )
    with pytest.raises(G60InputError) as err:
        load_investments(path)
    text = str(err.value)
    assert f"{path}:2:amount: 'inf' is not a number" in text
    assert f"{path}:3:amount: '1e400' is not a number" in text
    assert f"{path}:4:amount: amount is over 10^15" in text
    assert f"{path}:5:amount: '=A1*2' is not a number (it is a spreadsheet formula" in text


# ----------------------------------------------------------------------------- datums

SONGJIANG_SEAT = (121.22326, 31.03443)  # WGS-84, GeoNames


def _border_point() -> tuple[float, float]:
    """A WGS-84 point in a member city whose GCJ-02 twin lies in another unit."""
    from g60map.ingest.join import locate_points
    from g60map.reference.datum import wgs84_to_gcj02

    lon, lat = np.meshgrid(np.arange(120.9, 121.4, 0.002), np.arange(30.8, 31.2, 0.002))
    lon, lat = lon.ravel(), lat.ravel()
    here = locate_points(lon, lat)
    there = locate_points(*wgs84_to_gcj02(lon, lat))
    pick = np.flatnonzero(np.isin(here, settings.MEMBER_CODES) & (here != there))
    assert pick.size
    return float(lon[pick[0]]), float(lat[pick[0]])


@pytest.mark.parametrize("how", ["argument", "column"])
def test_amap_and_baidu_coordinates_are_shifted_to_wgs84_before_the_join(tmp_path, how):
    from g60map.ingest.join import locate_points
    from g60map.reference.datum import gcj02_to_bd09, wgs84_to_gcj02

    points = [SONGJIANG_SEAT, _border_point()]
    rows = []
    for i, (x, y) in enumerate(points):
        gx, gy = wgs84_to_gcj02(x, y)
        bx, by = gcj02_to_bd09(gx, gy)
        rows += [("wgs84", f"p{i}", x, y, "WGS-84"),
                 ("gcj02", f"p{i}", float(gx), float(gy), "高德"),
                 ("bd09", f"p{i}", float(bx), float(by), "Baidu")]
    expected = locate_points(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    frames = {}
    for datum in ("wgs84", "gcj02", "bd09"):
        path = tmp_path / f"{how}-{datum}.csv"
        pick = [r[1:] for r in rows if r[0] == datum]
        header = "name,lon,lat" + (",datum" if how == "column" else "")
        lines = [f"{n},{x!r},{y!r}" + (f",{d}" if how == "column" else "")
                 for n, x, y, d in pick]
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        kwargs = {"datum": datum} if how == "argument" else {}
        frames[datum] = load_partners(path, outside="keep", **kwargs)
    for datum, gdf in frames.items():
        # within 1 cm of the surveyed WGS-84 point, in the right city
        assert np.allclose(gdf["lon"], [p[0] for p in points], atol=1e-7), datum
        assert np.allclose(gdf["lat"], [p[1] for p in points], atol=1e-7), datum
        assert gdf["city_code"].tolist() == expected.tolist(), datum


def test_gcj02_read_as_wgs84_lands_in_the_wrong_city(tmp_path):
    """Why the datum matters: the border point's GCJ-02 twin, read as WGS-84, moves city."""
    from g60map.ingest.join import locate_points
    from g60map.reference.datum import wgs84_to_gcj02

    x, y = _border_point()
    gx, gy = wgs84_to_gcj02(x, y)
    path = tmp_path / "p.csv"
    path.write_text(f"name,lon,lat\nA,{float(gx)!r},{float(gy)!r}\n", encoding="utf-8")
    wrong = load_partners(path, outside="keep")
    right = load_partners(path, outside="keep", datum="gcj02")
    assert right["city_code"].iat[0] == locate_points(np.array([x]), np.array([y]))[0]
    assert wrong["city_code"].iat[0] != right["city_code"].iat[0]


def test_unknown_datum_is_a_problem_naming_row_and_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,lon,lat,datum\nA,121.2,31.0,gcj02\nB,121.2,31.0,mercator\n",
                    encoding="utf-8")
    with pytest.raises(G60InputError, match=r"p\.csv:3:datum: unknown datum 'mercator'"):
        load_partners(path)
    with pytest.raises(ValueError, match="datum must be one of"):
        load_partners(path, datum="cgcs2000")


# ----------------------------------------------------------------- registry exports


def test_a_registry_export_with_chinese_headers_and_addresses(tmp_path):
    """An .xlsx as enterprise registries export it: Chinese headers, addresses, no lon/lat."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "注册地址", "所属行业", "成立日期"])
    ws.append(["上海某超算科技有限公司", "91310117MA1J00001X", "上海市松江区九亭镇涞寅路1号",
               "计算", "2020年3月"])
    ws.append(["嘉兴某数据有限公司", "91330402MA2B00002Y", "浙江省嘉兴市南湖区亚太路1号",
               "数据", "2021年5月"])
    ws.append(["合肥某智能有限公司", "91340100MA2N00003Z", "合肥市高新区望江西路", "人工智能",
               "2019年1月"])
    path = tmp_path / "registry.xlsx"
    wb.save(path)
    partners = load_partners(path)
    assert partners["name"].tolist()[0] == "上海某超算科技有限公司"
    assert partners["city_en"].tolist() == ["Songjiang", "Jiaxing", "Hefei"]
    assert partners["kind"].tolist() == ["计算", "数据", "人工智能"]
    # addresses that name a district place the row in it; a development zone is no district
    assert partners["location_precision"].tolist() == ["district", "district", "city"]
    assert partners["district_code"].tolist() == ["310117", "330402", ""]
    assert partners["district_zh"].tolist() == ["松江区", "南湖区", ""]
    assert partners["location_basis"].iat[1] == "注册地址: 浙江省嘉兴市南湖区亚太路1号"
    assert partners["统一社会信用代码"].tolist()[1] == "91330402MA2B00002Y"
    # placed inside their city, in WGS-84
    assert partners.crs.to_epsg() == 4326
    assert locate_points(partners["lon"].to_numpy(), partners["lat"].to_numpy()).tolist() == \
        ["310117", "330400", "340100"]


def test_an_address_outside_the_corridor_is_kept_and_noted_naming_the_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("企业名称,注册地址\n甲,上海市松江区\n乙,安徽省宿州市埇桥区\n",
                    encoding="utf-8")
    with pytest.raises(G60InputError) as err:
        load_partners(path, outside="error")
    assert "r.csv:3:注册地址: '安徽省宿州市埇桥区' is in 宿州市 (Suzhou, Anhui, 341300)" in \
        str(err.value)
    partners = load_partners(path, outside="keep")
    assert partners["district_code"].tolist() == ["310117", "341302"]
    assert partners["in_corridor"].tolist() == [True, False]


def test_an_address_that_names_no_place_is_a_problem_naming_the_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("企业名称,注册地址\n甲,上海市松江区\n丙,某地\n", encoding="utf-8")
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    assert "r.csv:3:注册地址: address '某地' names no province, city or district" in \
        str(err.value)


# --------------------------------------------------------------- frames as input


def test_a_dataframe_with_a_city_outside_the_corridor_keeps_both_rows():
    df = pd.DataFrame({"name": ["甲", "乙"], "city": ["嘉兴", "南京"]})
    partners = load_partners(df, outside="keep")
    assert partners.crs.to_epsg() == 4326
    assert partners["in_corridor"].tolist() == [True, False]
    assert partners["city_code"].tolist() == ["330400", "320100"]
    assert partners["city_zh"].tolist() == ["嘉兴市", "南京市"]
    assert partners["row"].tolist() == [0, 1]  # the frame's index
    # Nanjing's seat from the national table, in WGS-84
    assert locate_points(partners["lon"].to_numpy(), partners["lat"].to_numpy()).tolist() == \
        ["330400", "320100"]
    with pytest.warns(G60Warning, match="1 row\\(s\\) outside the corridor dropped") as rec:
        dropped = load_partners(df, outside="drop")
    assert dropped["name"].tolist() == ["甲"]
    assert "DataFrame:1:city: '南京' is in 南京市 (Nanjing, Jiangsu, 320100)" in str(rec[0].message)


def test_dataframe_problems_name_the_frame_its_index_and_column():
    df = pd.DataFrame({"name": ["A", ""], "city": ["Hefei", "Atlantis"]}, index=[10, 11])
    with pytest.raises(G60InputError) as err:
        load_partners(df)
    assert [str(p).split(": ")[0] for p in err.value.problems] == [
        "DataFrame:11:city", "DataFrame:11:name",
    ]
    df.attrs["file"] = "members 2024"
    with pytest.raises(G60InputError, match="members 2024:11:city: unknown city 'Atlantis'"):
        load_partners(df)


def test_a_geodataframe_crs_is_honoured():
    import geopandas as gpd

    from g60map.reference.datum import wgs84_to_gcj02

    seat = gpd.GeoSeries(gpd.points_from_xy([SONGJIANG_SEAT[0]], [SONGJIANG_SEAT[1]]), crs=4326)
    mercator = gpd.GeoDataFrame({"name": ["A"], "lon": [0.0], "lat": [0.0]},
                                geometry=seat.to_crs(3857).values)
    partners = load_partners(mercator)  # the geometry wins over stale lon/lat columns
    assert partners.crs.to_epsg() == 4326
    assert partners["lon"].iat[0] == pytest.approx(SONGJIANG_SEAT[0], abs=1e-9)
    assert partners["lat"].iat[0] == pytest.approx(SONGJIANG_SEAT[1], abs=1e-9)
    assert partners["city_code"].tolist() == ["310117"]
    assert partners["location_precision"].tolist() == ["point"]
    x, y = wgs84_to_gcj02(*SONGJIANG_SEAT)
    amap = gpd.GeoDataFrame({"name": ["A"]}, geometry=gpd.points_from_xy([x], [y]), crs=4326)
    shifted = load_partners(amap, datum="gcj02")
    assert shifted["lon"].iat[0] == pytest.approx(SONGJIANG_SEAT[0], abs=1e-9)


def test_counts_of_a_raw_frame_are_not_zero():
    df = pd.DataFrame({"名称": ["a", "b", "c"], "城市": ["杭州", "Hangzhou", "330100"]})
    partners = load_partners(df)
    assert (partners["city_code"] == "330100").sum() == 3


def _registry_frame() -> pd.DataFrame:
    from g60map.reference.datum import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(*SONGJIANG_SEAT)
    return pd.DataFrame(
        {
            "企业名称": ["甲", "乙", "丙", "丁"],
            "所属城市": ["嘉兴", "南京", "", ""],
            "注册地址": ["", "", "合肥市蜀山区黄山路", ""],
            "经度": ["", "", "", float(x)],
            "纬度": ["", "", "", float(y)],
            "坐标系": ["", "", "", "高德"],
            "注册资本": ["3000万元", "1.2亿美元", "0.07万元", ""],
            "成立日期": ["2022年3月", "2021/5/4", "2020", ""],
        },
        index=[5, 6, 7, 8],
    )


@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_a_loaded_table_passed_again_gives_the_same_table(datum):
    first = load_partners(_registry_frame(), outside="keep", datum=datum)
    again = load_partners(first, outside="keep", datum=datum)
    pd.testing.assert_frame_equal(again, first)
    assert again.geometry.equals(first.geometry)
    inv = load_investments()
    pd.testing.assert_frame_equal(load_investments(inv), inv)


def test_columns_read_under_a_standard_name_are_noted_once():
    from g60map.ingest.notes import G60Note

    with pytest.warns(G60Note) as rec:
        partners = load_partners(_registry_frame(), outside="keep")
    notes = [w for w in rec if issubclass(w.category, G60Note)]
    assert len(notes) == 1
    text = str(notes[0].message)
    assert "DataFrame:1:企业名称: column 企业名称 read as name" in text
    assert "column 注册资本 read as amount" in text and "column 成立日期 read as date" in text
    assert partners.attrs["columns_read_as"]["所属城市"] == "city"
    errors, notes = check_table(_registry_frame(), "partners")
    assert errors == []
    assert [p.kind for p in notes] == ["column read as"] * 8 + ["outside the corridor"]


def test_registry_amounts_and_dates_of_partners():
    partners = load_partners(_registry_frame(), outside="keep")
    assert partners["amount"].tolist()[:3] == [30000000.0, 120000000.0, 700.0]
    assert partners["currency"].tolist() == ["CNY", "USD", "CNY", ""]
    assert partners["date"].dt.strftime("%Y-%m-%d").tolist()[:3] == \
        ["2022-03-01", "2021-05-04", "2020-01-01"]
    assert partners["date_precision"].tolist() == ["month", "day", "year", ""]
    assert partners["location_precision"].tolist() == ["city", "city", "district", "point"]
    assert partners["district_code"].tolist()[2:] == ["340104", "310117"]


# ------------------------------------------------- acceptance: a registry export

#: Made-up companies (not real ones) at made-up street numbers in one district of each of
#: the nine cities, written as registry exports write addresses: with and without the
#: province, the city or both.
REGISTRY = [
    ("上海松江测试科技有限公司", "上海市松江区九亭镇某路1号", "310117"),
    ("嘉兴南湖测试数据有限公司", "浙江省嘉兴市南湖区某路2号", "330402"),
    ("杭州余杭测试智能有限公司", "杭州市余杭区某路3号", "330110"),
    ("金华义乌测试贸易有限公司", "义乌市稠城街道某路4号", "330782"),
    ("湖州德清测试地信有限公司", "浙江省湖州市德清县某路5号", "330521"),
    ("苏州昆山测试电子有限公司", "苏州市昆山市某路6号", "320583"),
    ("宣城宁国测试材料有限公司", "安徽省宣城市宁国市某路7号", "341881"),
    ("芜湖鸠江测试汽车有限公司", "芜湖市鸠江区某路8号", "340207"),
    ("合肥包河测试量子有限公司", "包河区某路9号", "340111"),
]


def test_a_registry_xlsx_loads_every_row_into_its_district(tmp_path):
    import datetime

    from openpyxl import Workbook

    from g60map import load_boundaries

    wb = Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append(["企业名称", "统一社会信用代码", "法定代表人", "经营状态", "注册资本（万元）",
               "成立日期", "注册地址", "所属行业"])
    capital = ["3000", "1.2亿", "500", "0.07", "80", "12,000", "7.5", "2亿元", "100"]
    dates = ["2022年3月", "2022年3月15日", "2022/3/15", "2022.03", datetime.datetime(2021, 5, 4),
             "2020-01", "2019年", "2018-07-08", "２０２３年１月"]
    for i, (name, address, _) in enumerate(REGISTRY):
        ws.append([name, f"91{i:016d}", "某某", "存续", capital[i], dates[i], address, "测试"])
    ws.cell(row=7, column=6).number_format = "yyyy-mm-dd"
    path = tmp_path / "registry.xlsx"
    wb.save(path)

    partners = load_partners(path, sheet="企业名单")
    assert partners["district_code"].tolist() == [code for *_, code in REGISTRY]
    assert partners["in_corridor"].all()
    assert set(partners["location_precision"]) == {"district"}
    assert partners["location_basis"].iat[0] == f"注册地址: {REGISTRY[0][1]}"
    # each row at a point inside its district's polygon, the same point for the district
    districts = load_boundaries("district", "full").set_index("code")
    for row in partners.itertuples():
        assert districts.geometry[row.district_code].contains(row.geometry), row.name
    # 万元 in the header, 亿/元 in cells: exact yuan
    assert partners["amount"].tolist() == [
        30_000_000, 120_000_000, 5_000_000, 700, 800_000, 120_000_000, 75_000, 200_000_000,
        1_000_000,
    ]
    assert set(partners["currency"]) == {"CNY"}
    assert partners["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-03-01", "2022-03-15", "2022-03-15", "2022-03-01", "2021-05-04", "2020-01-01",
        "2019-01-01", "2018-07-08", "2023-01-01",
    ]
    assert partners["date_precision"].tolist() == [
        "month", "day", "day", "month", "day", "month", "year", "day", "month",
    ]
    assert partners["经营状态"].tolist() == ["存续"] * 9  # registry columns kept


def test_points_get_the_district_that_contains_them():
    from g60map import load_boundaries

    districts = load_boundaries("district", "full").set_index("code")
    inside = districts.geometry["330402"].representative_point()
    df = pd.DataFrame({"name": ["p"], "lon": [inside.x], "lat": [inside.y]})
    partners = load_partners(df)
    assert partners[["city_code", "district_code", "district_zh"]].values.tolist() == \
        [["330400", "330402", "南湖区"]]
    assert partners["location_precision"].tolist() == ["point"]


def test_city_cells_naming_a_county_level_city_or_a_municipality():
    df = pd.DataFrame({"name": list("abcd"), "city": ["松江", "昆山", "南京", "北京"]})
    partners = load_partners(df, outside="keep")
    assert partners["city_code"].tolist() == ["310117", "320500", "320100", ""]
    assert partners["district_code"].tolist() == ["310117", "320583", "", ""]
    assert partners["province_code"].tolist() == ["310000", "320000", "320000", "110000"]
    assert partners["location_precision"].tolist() == ["city", "district", "city", "province"]
    assert partners["in_corridor"].tolist() == [True, True, False, False]
    assert (partners["lon"].iat[0], partners["lat"].iat[0]) == SONGJIANG_SEAT


# ----------------------------------------------------------------------------- odd cells


def _object_frame(cols, *rows):
    return pd.DataFrame(list(rows), columns=pd.Index(cols, dtype=object), dtype=object)


@pytest.mark.parametrize(("cols", "row", "where"), [
    (["name", "city"], ["A\ud800", "Hangzhou"], "DataFrame:0:name: 'A\\ud800' holds a lone"),
    (["name", "city", "x\ud800"], ["A", "Hangzhou", 1],
     "DataFrame:x\ufffd: column name 'x\\ud800'"),
    (["name", "city", "n"], ["A", "Hangzhou", decimal.Decimal("sNaN")],
     "DataFrame:0:n: Decimal('sNaN') is not a number"),
    (["name", "city"], ["A", ["Hangzhou", "Hefei"]], "DataFrame:0:city: holds a list"),
    (["name", "city", "n"], ["A", "Hangzhou", {"a": 1}], "DataFrame:0:n: holds a dict"),
])
def test_dataframe_cells_that_cannot_be_text_are_input_errors(cols, row, where):
    with pytest.raises(G60InputError) as err:
        load_partners(_object_frame(cols, row))
    assert where in str(err.value)


def test_dataframe_cells_of_other_types_are_read():
    df = _object_frame(["name", "city", "n", "founded", "note"],
                       ["A", "Hangzhou", 2**70, np.datetime64("2020-01-02"), pd.NA],
                       ["B", "Hefei", decimal.Decimal("12.5"), pd.Timestamp("2021-03-01"),
                        b"utf-8 text"])
    gdf = load_partners(df)
    assert gdf["n"].tolist() == [str(2**70), "12.5"]
    assert gdf["founded"].str[:10].tolist() == ["2020-01-02", "2021-03-01"]
    assert gdf["note"].tolist() == ["", "utf-8 text"]


def test_notes_on_many_rows_outside_are_counted_and_built_only_when_read(monkeypatch):
    from g60map import _errors
    from g60map.ingest import outside

    n_points, n_named = 3_000, 500
    df = pd.DataFrame({
        "name": [f"Co {i}" for i in range(n_points + n_named + 1)],
        "city": [""] * n_points + ["南京"] * n_named + ["松江"],
        "lon": [f"{118.78 + i * 1e-5:.5f}" for i in range(n_points)] + [""] * (n_named + 1),
        "lat": ["32.06000"] * n_points + [""] * (n_named + 1),
    })
    built = []

    class Counted(_errors.Problem):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(outside, "Problem", Counted)
    errors, notes = check_table(df, "partners")
    text = _errors.format_problems(notes, limit=settings.MAX_NOTES_SHOWN)
    # Bounded: the summary builds the notes it lists, not one per row.
    assert len(built) <= settings.MAX_NOTES_SHOWN + 1
    # Counted: every row, per kind and per column, without building them.
    assert errors == [] and len(notes) == n_points + n_named
    kinds, columns = notes.counts()
    assert kinds == {"outside the corridor": n_points + n_named}
    assert list(columns.items()) == [("lon/lat", n_points), ("city", n_named)]
    assert f"{n_points + n_named:,} problems found; the first 10:" in text
    assert f"{n_points:>10,}  lon/lat" in text and f"{n_named:>10,}  city" in text
    # Read one by one, they are the notes as they were: same rows, columns, messages.
    every = list(notes)
    assert len(every) == len(notes) and notes == every and notes[-2:] == every[-2:]
    assert str(every[0]) == (
        "DataFrame:0:lon/lat: point (118.78000, 32.06000) lies in Nanjing, not a corridor city"
    )
    assert str(every[-1]).startswith(f"DataFrame:{n_points + n_named - 1}:city: '南京' is in ")
    assert _errors.format_problems(every, limit=10) == text


# ----------------------------------------------------------------------------- registry layouts
# The header layouts of registry exports, as public code that reads such exports lists them:
# Qichacha's national export (24 columns, data to 2023-11: 企业名称, 经营状态, ... 注册资本,
# 实缴资本, 成立日期, ... 所属省份, 所属城市, 所属区县, ... 注册地址, ...), Qichacha's
# Jiangsu/Zhejiang/Shanghai/Anhui export (33 columns, data to 2024-11: 公司名称, 登记状态, ...
# 企业规模, 注册资本, 实缴资本, ... 注册地址, 最新年报地址, 通信地址, ...) and a Tianyancha-style
# search export (企业名, 经营状态, ..., 所属县, ..., 企业地址). Status and capital cells are
# written as the Qichacha open-platform documentation shows them ("存续（在营、开业、在册）",
# "185000万元"). Names and street numbers are placeholders (测试, 某路), places real.

QCC_2023 = ["企业名称", "经营状态", "法定代表人", "注册资本", "实缴资本", "成立日期", "核准日期",
            "营业期限", "所属省份", "所属城市", "所属区县", "统一社会信用代码", "纳税人识别号",
            "工商注册号", "组织机构代码", "参保人数", "企业类型", "所属行业", "曾用名", "注册地址",
            "网址", "联系电话", "邮箱", "经营范围"]
QCC_2024 = ["公司名称", "登记状态", "法定代表人", "企业规模", "注册资本", "实缴资本", "成立日期",
            "核准日期", "营业期限", "所属省份", "所属城市", "所属区县", "公司类型", "国标行业门类",
            "国标行业大类", "国标行业中类", "曾用名", "英文名", "统一社会信用代码", "纳税人识别号",
            "注册号", "组织机构代码", "参保人数", "参保人数所属年报", "有效手机号", "更多电话",
            "注册地址", "最新年报地址", "通信地址", "网址", "邮箱", "其他邮箱", "经营范围"]
TYC = ["企业名", "经营状态", "法定代表人", "注册资本", "成立日期", "所属省份", "所属城市", "所属县",
       "电话", "更多电话", "邮箱", "更多邮箱", "统一社会信用代码", "纳税人识别号", "注册号",
       "组织机构代码", "参保人數", "企业类型", "所属行业", "曾用名", "网址", "企业地址", "经营范围"]

#: (name, status, registered capital, paid-in capital, founded, province, city, district,
#: address, expected district code)
REGISTRY_ROWS = [
    ("上海测试智算有限公司", "存续（在营、开业、在册）", "185000万元", "-", "2020-07-14",
     "上海市", "上海市", "松江区", "上海市松江区洞泾镇某路11号", "310117"),
    ("嘉兴测试光电有限公司", "在业", "800万港元", "--", "2016-03-02", "浙江省", "嘉兴市",
     "海宁市", "浙江省嘉兴市海宁市某路12号", "330481"),
    ("杭州测试软件有限公司", "注销", "-", "-", "2009-11-20", "浙江省", "杭州市", "滨江区",
     "浙江省杭州市滨江区某路13号", "330108"),
    ("苏州测试精密有限公司", "存续", "2500万日元", "暂无", "2011-06-30", "江苏省", "苏州市",
     "吴江区", "江苏省苏州市吴江区某路14号", "320509"),
    ("合肥测试新材料有限公司", "吊销，未注销", "100万欧元", "/", "-", "安徽省", "合肥市",
     "蜀山区", "安徽省合肥市蜀山区某路15号", "340104"),
    ("金华测试电器有限公司", "存续", "50万英镑", "50万英镑", "2018-01-09", "浙江省", "金华市",
     "永康市", "浙江省永康市某路16号", "330784"),
]


def _export_frame(layout: list[str]) -> pd.DataFrame:
    lower = {h: h for h in layout}
    pick = {
        "name": next(h for h in layout if h in ("企业名称", "公司名称", "企业名")),
        "status": next(h for h in layout if h in ("经营状态", "登记状态")),
        "capital": "注册资本", "paid": "实缴资本", "founded": "成立日期", "province": "所属省份",
        "city": "所属城市", "district": next(h for h in layout if h in ("所属区县", "所属县")),
        "address": next(h for h in layout if h in ("注册地址", "企业地址")),
    }
    rows = []
    for i, (name, status, capital, paid, founded, province, city, district, address, _) in \
            enumerate(REGISTRY_ROWS):
        cells = dict.fromkeys(lower, "-")
        cells.update({pick["name"]: name, pick["status"]: status, "注册资本": capital,
                      "成立日期": founded, "所属省份": province, "所属城市": city,
                      pick["district"]: district, pick["address"]: address,
                      "统一社会信用代码": f"91330000MA2{i:07d}"})
        if "实缴资本" in cells:
            cells["实缴资本"] = paid
        rows.append(cells)
    return pd.DataFrame(rows, columns=layout)


@pytest.mark.parametrize("layout", [QCC_2023, QCC_2024, TYC], ids=["qcc2023", "qcc2024", "tyc"])
def test_registry_layouts_load_as_they_come(layout, tmp_path):
    path = tmp_path / "export.csv"
    _export_frame(layout).to_csv(path, index=False, encoding="utf-8-sig")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        partners = load_partners(path)
    assert partners["district_code"].tolist() == [r[-1] for r in REGISTRY_ROWS]
    assert partners["in_corridor"].all()
    assert partners["currency"].tolist() == ["CNY", "HKD", "", "JPY", "EUR", "GBP"]
    assert partners["amount"].tolist()[:2] == [1_850_000_000.0, 8_000_000.0]
    assert np.isnan(partners["amount"].iat[2]) and np.isnan(partners["amount_cny"].iat[2])
    assert partners["amount_cny"].iat[0] == 1_850_000_000.0
    # the ECB rate of each founding date (none for the sixth row's "-": the default date)
    assert partners["fx_rate_date"].tolist() == ["", "2016-03-02", "", "2011-06-30",
                                                  settings.FX_DEFAULT_DATE, "2018-01-09"]
    hkd = partners["amount_cny"].iat[1] / 8_000_000.0
    assert 0.8 < hkd < 0.9 and hkd == partners["fx_rate"].iat[1]
    assert "European Central Bank" in partners.attrs["fx_rates"]
    notes = "\n".join(str(w.message) for w in caught)
    assert ("实缴资本 looks like money" in notes) == ("实缴资本" in layout)


def test_exclude_status_leaves_out_cancelled_and_revoked_companies(tmp_path):
    path = tmp_path / "export.csv"
    _export_frame(QCC_2024).to_csv(path, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        partners = load_partners(path, exclude_status=("注销", "吊销"))
    assert partners["row"].tolist() == [2, 3, 5, 7]
    assert "登记状态" in partners and "status" not in partners  # kept under its own name
    left = [w.message for w in caught if "left out by status" in str(w.message)]
    assert len(left) == 1 and str(left[0]).startswith("2 row(s) left out by status")
    assert [(p.row, p.column) for p in left[0].problems] == [(4, "登记状态"), (6, "登记状态")]
    # in a string, as on the command line; the Tianyancha column name
    path2 = tmp_path / "tyc.csv"
    _export_frame(TYC).to_csv(path2, index=False)
    assert load_partners(path2, exclude_status="注销，吊销")["row"].tolist() == [2, 3, 5, 7]
    errors, notes = check_table(path2, "partners", exclude_status="注销")
    assert errors == [] and [n.row for n in notes if n.kind == "excluded by status"] == [4]


def test_exclude_status_without_a_status_column_keeps_every_row_and_says_so():
    df = pd.DataFrame({"name": ["测试有限公司"], "city": ["湖州市"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        partners = load_partners(df, exclude_status="注销")
    assert len(partners) == 1
    assert any("no status column" in str(w.message) for w in caught)


def test_a_currency_without_an_ecb_rate_is_a_problem():
    df = pd.DataFrame({"name": ["台资测试有限公司"], "city": ["昆山市"], "注册资本": ["500万"],
                       "币种": ["TWD"]})
    # TWD is read as a currency, but the ECB gives no rate: never a silent NaN in amount_cny
    with pytest.raises(G60InputError, match="币种: no exchange rate for TWD"):
        load_partners(df)


def test_the_rates_are_stated_in_the_sources_and_the_export_metadata(tmp_path):
    from g60map import export_layers, load_corridor

    corridor = load_corridor(_export_frame(QCC_2023))
    line = next(s for s in corridor.sources if s.startswith("partners:"))
    assert "HKD" in line and "European Central Bank" in line
    export_layers(corridor, tmp_path, fmt="csv")
    meta = (tmp_path / "g60_corridor_metadata.csv").read_text(encoding="utf-8-sig")
    assert "partners,fx_rates," in meta and "ECB days 2011-06-30 to 2020-03-31" in meta
    from g60map.render.docs.content import report_content

    assert any("European Central Bank" in line for line in report_content(corridor, "en").sources)


def test_a_currency_in_the_capital_header_applies_to_every_cell():
    df = pd.DataFrame({"企业名称": ["昆山测试电子有限公司", "太仓测试机械有限公司"],
                       "注册资本（万美元）": ["1200", "-"], "所属城市": ["苏州市", "苏州市"],
                       "所属区县": ["昆山市", "太仓市"]})
    partners = load_partners(df)
    assert partners["currency"].tolist() == ["USD", "USD"]  # the header's currency
    assert partners["amount"].iat[0] == 12_000_000.0 and np.isnan(partners["amount"].iat[1])
    assert partners["amount_usd"].iat[0] == 12_000_000.0 and "fx_rate" not in partners
    df = df.rename(columns={"注册资本（万美元）": "注册资本（万港元）"})
    partners = load_partners(df)
    assert partners["currency"].tolist() == ["HKD", "HKD"] and partners["fx_rate"].iat[0] > 0.8


def test_rows_placed_by_reading_an_old_unit_are_noted():
    from g60map.ingest.notes import G60Note

    frame = pd.DataFrame({"name": ["甲", "乙"],
                          "address": ["杭州市下城区文晖路46号现代置业大厦西楼7楼",
                                      "杭州市西湖区古翠路80号浙江科技产业大厦8层"]})
    with pytest.warns(G60Note) as rec:
        partners = load_partners(frame, outside="keep")
    assert partners["district_code"].tolist() == ["330105", "330106"]
    notes = [w.message for w in rec if issubclass(w.category, G60Note)]
    assert len(notes) == 1
    assert "1 row(s) placed by reading a name as today's unit" in str(notes[0])
    assert "DataFrame:0:address: 下城区 (abolished 2021) read as its successor 拱墅区" in str(
        notes[0])


def test_check_table_lists_rows_placed_by_reading_an_old_unit():
    frame = pd.DataFrame({"name": ["甲"],
                          "address": ["上海市闸北区梅园路228号企业广场2119-2120室"]})
    errors, notes = check_table(frame, "partners")
    assert errors == []
    assert [(p.kind, p.message) for p in notes if p.kind == "place assumed"] == [
        ("place assumed", "闸北区 (abolished 2015) read as its successor 静安区")]


# ---------------------------------------------------------------- on_bad_rows

#: A registry export as Qichacha writes it (企业名称, 登记状态, 注册资本, 成立日期, 注册地址):
#: rows 3 and 4 have dates no calendar has, row 5 repeats row 2, row 6 has a bad date and
#: lies outside the corridor (Nanjing).
QICHACHA_EXPORT = (
    "企业名称,登记状态,法定代表人,注册资本,成立日期,注册地址\n"
    "上海九新智能装备有限公司,存续,陈立,1000万元人民币,2016-08-22,"
    "上海市松江区九亭镇九新公路339号\n"
    "嘉兴秀洲洪合新材料有限公司,在业,沈文,500万元人民币,2019-02-30,"
    "浙江省嘉兴市秀洲区洪合镇洪福路88号\n"
    "芜湖鸠江汽车零部件有限公司,存续,王军,2000万元人民币,2011-11-31,"
    "安徽省芜湖市鸠江区万春东路96号\n"
    "上海九新智能装备有限公司,存续,陈立,1000万元人民币,2016-08-22,"
    "上海市松江区九亭镇九新公路339号\n"
    "南京江宁智联信息技术有限公司,存续,李强,300万元人民币,2020-13-01,"
    "江苏省南京市江宁区秣陵街道将军大道100号\n"
    "合肥蜀山望江电子有限公司,在业,赵敏,800万元人民币,2014-05-06,"
    "安徽省合肥市蜀山区望江西路800号\n"
)


def test_on_bad_rows_skip_leaves_the_bad_rows_out_and_lists_them(write_csv):
    path = write_csv(QICHACHA_EXPORT)
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    assert sorted({p.row for p in err.value.problems}) == [3, 4, 5, 6]
    with pytest.warns(G60Warning) as caught:
        partners = load_partners(path, on_bad_rows="skip")
    assert partners["row"].tolist() == [2, 7]
    assert partners["city_code"].tolist() == ["310117", "340100"]
    assert partners.attrs["skipped_rows"] == 4
    skipped = next(w.message for w in caught if "skipped" in str(w.message))
    assert skipped.title == "4 bad row(s) skipped (4 problem(s))"
    assert [(p.row, p.column, p.kind) for p in skipped.problems] == [
        (3, "成立日期", "row skipped"), (4, "成立日期", "row skipped"),
        (5, None, "row skipped"), (6, "成立日期", "row skipped"),
    ]
    assert skipped.problems[0].message.startswith("row skipped: '2019-02-30' is not a calendar")
    assert skipped.problems[2].message == "row skipped: duplicate of row 2 (delete one of them)"
    # the rows skipped are not "outside the corridor" (Nanjing's row 6 is gone)
    assert not any("outside" in str(w.message) for w in caught)


def test_on_bad_rows_skip_still_refuses_a_table_whose_header_is_wrong(write_csv):
    path = write_csv("注册地址,注册资本\n安徽省合肥市蜀山区望江西路800号,800万元\n")
    with pytest.raises(G60InputError, match="required column 'name' is missing"):
        load_partners(path, on_bad_rows="skip")
    with pytest.raises(ValueError, match="on_bad_rows must be 'error' or 'skip'"):
        load_partners(path, on_bad_rows="drop")


def test_on_bad_rows_skip_every_row_bad_gives_an_empty_table(write_csv):
    path = write_csv("name,city,date\n甲,Hefei,2021-02-29\n乙,Wuhu,2022-04-31\n")
    with pytest.warns(G60Warning, match="2 bad row"):
        partners = load_partners(path, on_bad_rows="skip")
    assert len(partners) == 0 and partners.attrs["skipped_rows"] == 2


def test_check_table_lists_an_error_row_only_as_an_error(write_csv):
    nanjing = ("南京玄武珠江路软件有限公司,存续,周平,100万元人民币,2018-03-03,"
               "江苏省南京市玄武区珠江路88号\n")
    path = write_csv(QICHACHA_EXPORT + nanjing)
    errors, notes = check_table(path, "partners")
    assert 6 in {p.row for p in errors}
    assert [n.row for n in notes if n.kind == "outside the corridor"] == [8]
    errors, notes = check_table(path, "partners", on_bad_rows="skip")
    assert errors == []
    assert [n.row for n in notes if n.kind == "row skipped"] == [3, 4, 5, 6]
    assert [n.row for n in notes if n.kind == "outside the corridor"] == [8]


def test_on_bad_rows_skip_a_copy_of_a_bad_row_is_skipped_too(write_csv):
    bad = "丙,Jiaxing,2020-06-31\n"
    path = write_csv("name,city,date\n甲,Huzhou,2020-06-30\n" + bad + bad)
    with pytest.warns(G60Warning, match="2 bad row"):
        partners = load_partners(path, on_bad_rows="skip")
    assert partners["row"].tolist() == [2] and partners["city_en"].tolist() == ["Huzhou"]
