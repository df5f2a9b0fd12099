from __future__ import annotations

import warnings

import numpy as np
import pytest

from g60map import G60InputError, G60Warning, load_investments, load_partners, settings
from g60map.tables import check_table

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


def test_suzhou_anhui_fails_with_row(write_csv):
    path = write_csv("name,city\nA,苏州\nB,宿州\n")
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    assert str(err.value).startswith(f"{path}:3:city: 宿州 is Suzhou, Anhui (341300)")
    assert isinstance(err.value, ValueError)


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
    assert partners["city_code"].tolist() == ["330100", "", ""]
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
    assert inv["date"].iloc[0] == "2021-05-04"


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
