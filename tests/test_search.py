"""The search index of the interactive map (g60map/render/web/_search.py) in the payload."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest

import g60map
from g60map import settings
from g60map.render.web._search import search_index
from g60map.render.web.basemaps import BASEMAPS
from g60map.render.web.codec import decode_ints
from g60map.render.web.payload import map_payload


def _rows(find: dict) -> list[dict]:
    """The index decoded: for each row its names, places and note, as texts."""
    a, words, out, i = decode_ints(find["rows"]).tolist(), find["words"], [], 0
    while i < len(a):
        place, note, n = a[i], a[i + 1], a[i + 2]
        names = [words[k] for k in a[i + 3:i + 3 + n]]
        where = [words[k] for k in find["places"][place]] if place >= 0 else []
        out.append({"names": names, "places": where,
                    "note": words[note] if note >= 0 else (where[0] if where else "")})
        i += 3 + n
    return out


def _bilingual():
    corridor = g60map.load_corridor()
    inv = corridor.investments.assign(investor_zh=["腾讯"], project_zh=["长三角超算中心"])
    return dataclasses.replace(corridor, investments=inv)


@pytest.mark.parametrize(("lang", "note", "city"), [("en", "Tencent", "Songjiang"),
                                                    ("zh", "腾讯", "松江区")])
def test_investments_are_found_by_investor_project_and_place_in_both_languages(
        lang, note, city):
    data = map_payload(_bilingual(), lang=lang, basemap=BASEMAPS["none"])
    (row,) = _rows(data["investments"]["find"])
    assert set(row["names"]) == {"Tencent", "腾讯", "长三角超算中心",
                                 "Yangtze River Delta supercomputing center and industrial base"}
    assert row["note"] == note
    assert row["places"][0] == city and set(row["places"]) == {"Songjiang", "松江区"}


def test_the_packaged_investment_is_found_by_its_investor():
    data = map_payload(g60map.load_corridor(), lang="en", basemap=BASEMAPS["none"])
    (row,) = _rows(data["investments"]["find"])
    assert "Tencent" in row["names"] and row["note"] == "Tencent"


def test_partners_are_found_by_city_and_district_in_the_order_drawn():
    """Points mode sorts the partners: each row's place is still its own."""
    frame = gpd.GeoDataFrame(
        {"name": ["Alpha Co", "Beta Co", "Gamma Co"]},
        geometry=gpd.points_from_xy([121.23, 120.2, 119.0], [31.03, 30.5, 30.0]),
        crs=settings.WGS84)
    corridor = g60map.load_corridor(frame, outside="keep")
    for limit, mode in ((10, "detail"), (1, "points")):
        part = map_payload(corridor, lang="en", basemap=BASEMAPS["none"],
                           detail_limit=limit)["partners"]
        assert part["mode"] == mode
        names = [r[2] for r in part["rows"]] if mode == "detail" else part["names"]
        found = dict(zip(names, _rows(part["find"]), strict=True))
        assert found["Alpha Co"]["note"] == "Songjiang"
        assert found["Gamma Co"]["note"] == "Hangzhou"
        assert "杭州市" in found["Gamma Co"]["places"]
        assert all(r["names"] == [] for r in found.values())  # the names travel anyway


def test_district_names_in_both_languages_from_the_district_code():
    frame = pd.DataFrame({"name": ["A"], "city_en": ["Jiaxing"], "city_zh": ["嘉兴市"],
                          "district_code": ["330481"], "district_zh": ["海宁市"]})
    (row,) = _rows(search_index(frame, "partners", "zh"))
    assert row == {"names": [], "places": ["嘉兴市", "Jiaxing", "海宁市", "Haining"],
                   "note": "嘉兴市"}


def test_an_empty_table_and_a_wrong_table_name():
    assert search_index(pd.DataFrame(), "investments", "en") == {
        "words": [], "places": [], "rows": ""}
    with pytest.raises(ValueError, match="'partners' or 'investments'"):
        search_index(pd.DataFrame(), "cities", "en")
