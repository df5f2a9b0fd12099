"""The district (区县) layer of the interactive map: its payload and the packaged topology."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest
import shapely

from g60map import load_boundaries, load_corridor, settings
from g60map.reference.synthetic import make_partners
from g60map.render.web import codec
from g60map.render.web.districts import (
    PACKAGED_FILE,
    _fingerprint,
    corridor_districts,
    district_topology,
)
from g60map.render.web.interactive import build_map, map_html
from g60map.render.web.payload import script_json


@pytest.fixture(scope="module")
def packaged_map():
    return build_map(basemap="none", lang="zh")


def _nine_cities_districts():
    districts = load_boundaries("district")
    return districts[districts["city_code"].astype(str).isin(settings.MEMBER_CODES)]


def test_payload_has_every_district_of_the_nine_cities(packaged_map):
    expected = _nine_cities_districts()
    d = packaged_map.payload["districts"]
    assert len(d["rows"]) == len(expected) == 67
    assert sorted(r["code"] for r in d["rows"]) == sorted(expected["code"].astype(str))
    names = dict(zip(expected["code"].astype(str), expected["name_zh"], strict=True))
    assert all(r["name"] == names[r["code"]] for r in d["rows"])
    # the hub first (Songjiang is one district), then the members' districts
    assert d["rows"][0]["code"] == "310117" and d["rows"][0]["name"] == "松江区"
    assert {r["city"] for r in d["rows"]} >= {"合肥市", "杭州市", "苏州市"}
    assert d["t"]["layer"] == "区县"


def test_every_metric_has_a_value_and_a_class_per_district(packaged_map):
    d, choices = packaged_map.payload["districts"], packaged_map.payload["choices"]
    assert [m["key"] for m in d["list"]] == [m["key"] for m in choices["list"]]
    n = len(d["rows"])
    for entry in d["list"]:
        assert len(entry["values"]) == len(entry["cls"]) == n
        assert len(entry["colors"]) == len(entry["labels"]) == len(entry["bins"])
        assert max(entry["cls"]) == len(entry["colors"]) - 1
    by_key = {m["key"]: m for m in d["list"]}
    assert by_key["partners"]["values"][0] == 6  # the article's six partners, in Songjiang
    assert by_key["invest_cny"]["values"][0] == 15_000_000_000
    assert sum(by_key["partners"]["values"]) == 6


def test_district_sums_of_a_column_add_up_to_the_cities():
    corridor = load_corridor(make_partners(200, seed=3), article=True)
    m = build_map(corridor, basemap="none", metrics=["capital_cny"])
    by_key = {e["key"]: e for e in m.payload["districts"]["list"]}
    cities = {e["key"]: e for e in m.payload["choices"]["list"]}
    assert "partners.capital_cny" in by_key
    for key in ("partners", "partners.capital_cny", "invest_cny"):
        assert sum(by_key[key]["values"]) == pytest.approx(sum(cities[key]["values"]))
    assert max(by_key["partners"]["cls"]) >= 1  # more than one class of districts


def test_districts_are_simplified_and_still_tile(packaged_map):
    d = packaged_map.payload["districts"]
    arcs = [codec.decode_path(a) for a in d["arcs"]]
    topo = codec.Topology(packaged_map.payload["scale"], arcs, [r["shape"] for r in d["rows"]])
    shapes = np.array([topo.to_geometry(i) for i in range(len(d["rows"]))])
    original = _nine_cities_districts()
    assert sum(shapely.get_num_coordinates(shapes)) < 0.3 * shapely.get_num_coordinates(
        original.geometry.values).sum()
    assert shapely.is_valid(shapes).all()
    union = shapely.union_all(shapes)
    # no gaps: the simplified districts cover what the originals cover, within a sliver
    assert abs(union.area - shapely.union_all(original.geometry.values).area) < 0.002 * union.area
    assert sum(s.area for s in shapes) == pytest.approx(union.area, rel=1e-3)  # no overlaps
    assert len(script_json(d)) < 45_000


def test_packaged_district_topology_is_current():
    """If this fails, run ``python -m g60map.render.web.districts`` (the packaged district
    boundaries or MAP_DISTRICT_TOLERANCE_DEG changed)."""
    data = json.loads(resources.files("g60map.render.web").joinpath(PACKAGED_FILE)
                      .read_text(encoding="utf-8"))
    districts = corridor_districts(load_corridor())
    scale = int(10**settings.COORD_DECIMALS)
    assert data["fingerprint"] == _fingerprint(districts, scale,
                                               float(settings.MAP_DISTRICT_TOLERANCE_DEG))
    topo = district_topology(districts, "wgs84", scale)
    assert list(topo.arcs) == data["arcs"]


def test_gcj02_basemap_shifts_the_districts(packaged_map):
    amap = build_map(basemap="amap", lang="zh")
    wgs = codec.decode_path(packaged_map.payload["districts"]["arcs"][0])
    gcj = codec.decode_path(amap.payload["districts"]["arcs"][0])
    shift = (np.asarray(gcj, float).mean(axis=0) - np.asarray(wgs, float).mean(axis=0)) / 1e5
    assert 0.002 < shift[0] < 0.01 and -0.005 < shift[1] < 0.0  # ~400 m east, ~200 m south


def test_district_layer_is_on_the_page_and_off_on_opening(packaged_map):
    page = map_html(packaged_map)
    assert '"districts":{"arcs":' in page
    assert "G.districts = { draw: draw, fill: fill };" in page
    assert 'var OFF = { districts: true };' in page
