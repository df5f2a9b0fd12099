"""Popup and tooltip fields: headings, the text of cells, internal columns, column choices."""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from g60map import G60InputError, load_corridor
from g60map.render.text import format_money, format_money_both
from g60map.render.web._fields import (
    INTERNAL_COLUMNS,
    default_fields,
    field_choice,
    field_table,
    field_text,
    heading,
    humanise,
)
from g60map.render.web.basemaps import BASEMAPS
from g60map.render.web.interactive import build_map, map_html
from g60map.render.web.payload import map_payload

HOSTILE = ("<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% if 1 %}x{% endif %}")
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def article():
    return load_corridor()


def test_user_column_names_are_humanised_and_others_kept_as_written():
    assert humanise("registered_capital") == "Registered capital"
    assert humanise("employeeCount") == "Employee count"
    assert humanise("capital_cny") == "Capital"  # its cells name the currency
    assert humanise("CEO_name") == "CEO name"
    assert humanise("注册资本（万元）") == "注册资本（万元）"
    for name in HOSTILE:
        assert humanise(name) == name
    assert heading("location_precision", "zh") == "定位精度"
    assert heading("registered_capital", "zh") == "Registered capital"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_fields_leave_out_every_internal_column(article, lang):
    for kind in ("partners", "investments"):
        frame = getattr(article, kind)
        assert set(INTERNAL_COLUMNS) & set(frame.columns) >= {
            "province_code", "district_code", "district_zh", "in_corridor", "lon", "lat"}
        fields = default_fields(frame, lang, kind)
        assert not set(fields) & INTERNAL_COLUMNS, fields
        # the Chinese twins are shown in their column's place, never as their own row
        assert not [f for f in fields if f.endswith("_zh") and f != "name_zh"], fields
        heads, rows = field_table(frame, lang, kind, True)
        assert not [h for h in heads if "_" in h], heads


def test_zh_cells_are_chinese_and_en_cells_english(article):
    inv = article.investments
    zh = {c: field_text(inv, c, "zh").iat[0] for c in
          ("investor", "project", "date", "location_precision", "location_basis", "amount")}
    assert zh == {
        "investor": "腾讯",
        "project": "长三角超算中心及产业基地",
        "date": "2020年3月",
        "location_precision": "市级",
        "location_basis": "城市：松江",
        "amount": format_money_both(15e9, inv["amount_usd"].iat[0], "zh"),
    }
    en = {c: field_text(inv, c, "en").iat[0] for c in zh}
    assert en["investor"] == "Tencent" and en["date"] == "2020-03"
    assert not [v for v in en.values() if CJK.search(v)], en
    kinds = field_text(article.partners, "kind", "zh").tolist()
    assert kinds[0] == "电信运营商" and not [k for k in kinds if not CJK.search(k)]


def test_money_columns_dates_and_flags_are_written_for_people():
    frame = pd.DataFrame({
        "capital_cny": ["2640000.0", "", "unknown"],
        "founded": ["2011-11-17", "2019-05", ""],
        "listed": [True, False, True],
        "employees": [1, 2, 3],
    })
    for lang in ("en", "zh"):  # written by the package's money formatter
        assert field_text(frame, "capital_cny", lang).tolist() == [
            format_money(2640000.0, lang, "CNY"), "", "unknown"]
    assert field_text(frame, "capital_cny", "zh").iat[0].endswith("万元")
    assert field_text(frame, "founded", "zh").tolist() == ["2011年11月17日", "2019年5月", ""]
    assert field_text(frame, "founded", "en").tolist() == ["2011-11-17", "2019-05", ""]
    assert field_text(frame, "listed", "zh").tolist() == ["是", "否", "是"]
    assert field_text(frame, "employees", "en").tolist() == ["1", "2", "3"]


def test_point_rows_say_nothing_about_their_basis():
    frame = pd.DataFrame({"location_precision": ["point", "city", "point", "point"],
                          "location_basis": ["lon/lat", "city: Hefei", "经度/纬度",
                                             "surveyed on site"]})
    assert field_text(frame, "location_basis", "en").tolist() == [
        "", "city: Hefei", "", "surveyed on site"]
    assert field_text(frame, "location_basis", "zh").tolist() == [
        "", "城市：Hefei", "", "surveyed on site"]
    assert field_text(frame, "location_precision", "zh").tolist() == ["坐标", "市级", "坐标",
                                                                       "坐标"]


def test_field_choice_takes_bools_a_name_or_names(article):
    tables = {"partners": article.partners, "investments": article.investments}
    assert field_choice(True, tables, "popup") is True
    assert field_choice(False, tables, "popup") is False
    assert field_choice("name", tables, "tooltip") == ("name",)
    assert field_choice(["investor", "name", "investor"], tables, "tooltip") == \
        ("investor", "name")
    with pytest.raises(TypeError, match="tooltip must be True, False or column names"):
        field_choice(3, tables, "tooltip")


@pytest.mark.parametrize("name", ["nope", "province_code", "geometry"])
def test_an_unknown_or_internal_column_is_an_input_error_naming_it(article, name):
    tables = {"partners": article.partners, "investments": article.investments}
    with pytest.raises(G60InputError) as info:
        field_choice(["name", name], tables, "popup")
    message = str(info.value)
    assert f"popup: no column {name!r} in the partners table or the investments table" in message
    assert "choose from 'name', 'city'" in message and "'investor'" in message
    assert "'province_code'" not in message.split("choose from")[1]


def test_chosen_fields_keep_their_order_and_skip_the_other_tables_columns(article):
    heads, rows = field_table(article.partners, "zh", "partners", ("kind", "investor", "name"))
    assert heads == ["类型", "名称"]
    assert rows[0] == ["电信运营商", "中国移动"]
    heads, rows = field_table(article.partners, "en", "partners", False)
    assert heads == [] and rows == [[]] * len(article.partners)


# ----------------------------------------------------------------------------- in the map


def _popup_payload(payload: dict) -> str:
    """The popup and tooltip text of a map's partners and investments, as JSON."""
    keep = ("cols", "rows", "tipCols", "tips")
    return json.dumps({k: {n: payload[k].get(n) for n in keep} for k in
                       ("partners", "investments")}, ensure_ascii=False)


def _realistic_corridor(tmp_path):
    from g60map.reference.synthetic import make_investments, make_partners

    partners, investments = tmp_path / "p.csv", tmp_path / "i.csv"
    make_partners(120, seed=21).to_csv(partners, index=False)
    make_investments(30, seed=21).to_csv(investments, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # capital_cny is read as text: a note says so
        return load_corridor(partners, investments)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_internal_column_reaches_a_popup_or_tooltip(article, tmp_path, lang):
    for corridor in (article, _realistic_corridor(tmp_path)):
        payload = map_payload(corridor, lang=lang, basemap=BASEMAPS["none"],
                              tooltip=True, popup=True)
        text = _popup_payload(payload)
        heads = [h for k in ("partners", "investments") for h in payload[k]["cols"]]
        for name in sorted(INTERNAL_COLUMNS) + ["capital_cny", "Capital cny"]:
            assert f'"{name}"' not in text and name not in heads, name
        assert "lon/lat" not in text
        assert not re.search(r'"[0-9]+\.0"', text)  # no raw float (capital_cny 2640000.0)
        if corridor is article:  # no province or district code
            assert "310000" not in text and "310117" not in text
    if lang == "en":  # no Chinese but names
        inv = map_payload(article, lang="en", basemap=BASEMAPS["none"])["investments"]
        # the search index holds the names of both languages on purpose (腾讯 finds Tencent)
        shown = {k: v for k, v in inv.items() if k != "find"}
        assert not CJK.search(json.dumps(shown, ensure_ascii=False))


def test_zh_popups_and_sources_are_chinese(article):
    payload = map_payload(article, lang="zh", basemap=BASEMAPS["none"])
    inv, partners = payload["investments"], payload["partners"]
    assert inv["cols"] == ["金额", "城市", "投资方", "项目", "日期", "说明", "来源", "定位精度",
                           "定位依据"]
    (row,) = inv["rows"]
    money = format_money_both(15e9, article.investments["amount_usd"].iat[0], "zh")
    assert row[3] == "长三角超算中心及产业基地" and row[4] == money and "亿" in money
    assert row[5][:5] == [money, "松江区", "腾讯", "长三角超算中心及产业基地",
                          "2020年3月"]
    assert row[5][7:] == ["市级", "城市：松江"]
    assert partners["cols"] == ["城市", "名称", "类型", "网站", "说明", "来源", "定位精度",
                                "定位依据"]
    cells = partners["rows"][0][3]
    assert cells[2] == "电信运营商" and "腾讯" in cells[4] and cells[6] == "市级"
    assert payload["choices"]["kinds"] == ["电信运营商", "云原生软件", "本地企业"]
    sources = payload["footer"][1]
    assert sources == ("合作伙伴：原文（tencent-g60-article.txt），内置数据; "
                       "投资项目：原文（tencent-g60-article.txt），内置数据")
    assert "元/美元" in payload["footer"][2]
    en = map_payload(article, lang="en", basemap=BASEMAPS["none"])["footer"]
    assert "partners: the source article (tencent-g60-article.txt), packaged" in en[1]


def test_tooltip_and_popup_choices_reach_the_payload(article):
    m = build_map(article, lang="zh", basemap="none", tooltip=["name"], popup=False)
    partners, inv = m.payload["partners"], m.payload["investments"]
    assert partners["tipCols"] == ["名称"] and inv["tipCols"] == []  # no investment "name"
    assert [t for (t,) in partners["tips"]] == [
        "中国移动", "中国电信", "中国联通", "中国广电", "灵雀云",
        "Shanghai Tianfu Information & Technology Co"]
    assert partners["popup"] == inv["popup"] == 0 and partners["cols"] == inv["cols"] == []
    m = build_map(article, basemap="none", tooltip=False, popup=["investor", "kind", "name"])
    partners, inv = m.payload["partners"], m.payload["investments"]
    assert partners["tipCols"] == inv["tipCols"] == [] and "popup" not in partners
    assert partners["cols"] == ["Kind", "Name"] and inv["cols"] == ["Investor"]
    assert inv["rows"][0][5] == ["Tencent"]
    usual = build_map(article, basemap="none").payload["partners"]
    assert "tipCols" not in usual and "popup" not in usual


def test_unknown_tooltip_column_is_an_input_error(article):
    with pytest.raises(G60InputError, match="tooltip: no column 'nmae' in the partners"):
        build_map(article, basemap="none", tooltip=["nmae"])
    with pytest.raises(G60InputError, match="popup: no column 'district_zh'"):
        build_map(article, basemap="none", popup="district_zh")


def hostile_tables(folder: Path) -> tuple[Path, Path]:
    """Partners and investments with hostile headers and cells (HTML, JS, template tags)."""
    partners = folder / "partners.csv"
    with open(partners, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "city", *HOSTILE])
        for i, city in enumerate(("Songjiang", "Hefei", "Hangzhou")):
            w.writerow([f"{HOSTILE[i]} {i}", city, *HOSTILE])
    investments = folder / "investments.csv"
    with open(investments, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["investor", "project", "city", "amount", "currency", "date", HOSTILE[1]])
        w.writerow(["X", HOSTILE[0], "Wuhu", "1000000", "CNY", "2021-05", HOSTILE[2]])
    return partners, investments


def test_hostile_tooltip_and_popup_columns_stay_literal(tmp_path):
    corridor = load_corridor(*hostile_tables(tmp_path))
    m = build_map(corridor, basemap="none", tooltip=[HOSTILE[0]], popup=list(HOSTILE))
    partners = m.payload["partners"]
    assert partners["tipCols"] == [HOSTILE[0]] and partners["cols"] == list(HOSTILE)
    assert partners["rows"][0][3] == list(HOSTILE)
    assert m.payload["investments"]["cols"] == [HOSTILE[1]]
    assert m.payload["investments"]["rows"][0][5] == [HOSTILE[2]]
    page = map_html(m)
    assert "{{ 7*7 }}" in page and "{% if 1 %}x{% endif %}" in page  # no template ran
    assert "<img src=x" not in page and "\\u003cimg src=x onerror=alert(1)\\u003e" in page
