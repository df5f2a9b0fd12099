"""The interactive map without a browser: encoding, payload, datum, escaping, size, output."""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely

import g60map
from g60map import load_corridor, settings
from g60map.cli import main
from g60map.reference.datum import shift_gdf
from g60map.render.symbology import count_classes
from g60map.render.web import codec, interactive, topology
from g60map.render.web.basemaps import BASEMAPS
from g60map.render.web.codec import Topology, decode_ints, encode_ints, encode_topology
from g60map.render.web.interactive import (
    build_map,
    map_fragment,
    map_fragments,
    map_html,
    map_iframe,
    save_map,
)
from g60map.render.web.page import own_asset
from g60map.render.web.payload import INVESTMENT_MAX_RADIUS_PX, script_json

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "javascript:alert(1)",
)
MB = 1024 * 1024


def _decoded_topology(m: folium.Map) -> Topology:
    d = m.payload
    arcs = [codec.decode_path(a) for a in d["arcs"]]
    shapes = [c["shape"] for c in d["cities"]] + [p["shape"] for p in d["provinces"]]
    return Topology(d["scale"], arcs, shapes)


@pytest.fixture(scope="module")
def default_map():
    return build_map()


@pytest.fixture(scope="module")
def none_map():
    return build_map(basemap="none")


def write_payload_tables(folder: Path) -> tuple[Path, Path]:
    """Partners/investments files with a payload in every free-text column and header."""
    p_cols = ["name", "name_zh", "city", "kind", "website", "description", "source",
              "location_basis", PAYLOADS[0], PAYLOADS[2]]
    rows = []
    for i, payload in enumerate(PAYLOADS):
        row = {c: payload for c in p_cols}
        row["name"] = f"{payload} {i}"
        row["city"] = ("Songjiang", "Hefei", "苏州", "330400")[i]
        rows.append(row)
    rows.append({**dict.fromkeys(p_cols, "ok"), "name": "Good Co", "city": "Hangzhou",
                 "website": "https://example.com/a?b=1&c=<2>"})
    partners = folder / "partners.csv"
    with open(partners, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=p_cols)
        writer.writeheader()
        writer.writerows(rows)
    i_cols = ["investor", "project", "city", "amount", "currency", "date", "description",
              "source", PAYLOADS[1]]
    investments = folder / "investments.csv"
    with open(investments, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=i_cols)
        writer.writeheader()
        for i, payload in enumerate(PAYLOADS):
            writer.writerow({**dict.fromkeys(i_cols, payload),
                             "city": ("Songjiang", "Hefei", "Wuhu", "Jinhua")[i],
                             "amount": str(10 ** (6 + i)), "currency": ("CNY", "USD")[i % 2],
                             "date": f"2021-01-0{i + 1}"})
    return partners, investments


def joined(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with the columns of a loaded table (:func:`g60map.ingest.tables.is_loaded`), so
    load_corridor takes it as it is."""
    return frame.assign(row=np.arange(2, len(frame) + 2), in_corridor=True,
                        location_precision="point", lon=frame.geometry.x, lat=frame.geometry.y)


def corridor_map(partners=None, investments=None, **kwargs) -> folium.Map:
    """``build_map`` of a corridor with these tables (None: none; both None: the article's)."""
    return build_map(load_corridor(partners, investments), **kwargs)


# ----------------------------------------------------------------------------- encoding


def test_encode_ints_round_trips_and_uses_a_safe_alphabet():
    rng = np.random.default_rng(1)
    values = np.concatenate([
        [0, 1, -1, 15, 16, -16, 31, 32, 2**40, -(2**40)],
        rng.integers(-(10**8), 10**8, 2000),
    ])
    text = encode_ints(values)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text)
    assert decode_ints(text).tolist() == values.tolist()
    assert encode_ints([]) == "" and decode_ints("").size == 0
    # small deltas are short: |v| < 16 takes one character, |v| < 512 two
    assert len(encode_ints([15, -16])) == 2 and len(encode_ints([500])) == 2
    with pytest.raises(ValueError, match="truncated"):
        decode_ints("g")


def test_encode_paths_matches_one_by_one():
    rng = np.random.default_rng(2)
    paths = [rng.integers(-(10**7), 10**7, (k, 2)) for k in (1, 2, 7, 300)]
    assert codec.encode_paths(paths) == [codec.encode_path(p) for p in paths]
    for p, text in zip(paths, codec.encode_paths(paths), strict=True):
        assert (codec.decode_path(text) == p).all()


def test_topology_stores_shared_edges_once():
    left = shapely.box(0, 0, 1, 1)
    right = shapely.box(1, 0, 2, 1)
    island = shapely.box(5, 5, 6, 6)
    both = shapely.union(left, right)
    topo = encode_topology([left, right, island, both], scale=10)
    # the shared edge, the two outer edges of the squares, the island
    assert len(topo.arcs) == 4
    used = [abs(i if i >= 0 else ~i) for s in topo.shapes[:2] for rings in s for r in rings
            for i in r]
    assert len(used) == 4 and len(set(used)) == 3
    for i, geom in enumerate([left, right, island, both]):
        assert topo.to_geometry(i).normalize().equals(geom.normalize())
    # the union reuses the outer arcs only
    union_arcs = {i if i >= 0 else ~i for rings in topo.shapes[3] for r in rings for i in r}
    shared = set(used) - {u for u in used if used.count(u) == 1}
    assert not union_arcs & shared


def test_corridor_topology_draws_load_boundaries_to_a_metre(none_map):
    topo = _decoded_topology(none_map)
    cities = g60map.load_boundaries("city")
    provinces = g60map.load_boundaries("province")
    assert len(none_map.payload["cities"]) == len(cities) == 56
    for i, geom in enumerate([*cities.geometry, *provinces.geometry]):
        drawn = topo.to_geometry(i)
        # the same vertices, rounded to 1e-5 degrees (~1 m), in the same rings
        q = {tuple(v) for v in np.rint(shapely.get_coordinates(geom) * 1e5).astype(int)}
        got = {tuple(v) for v in np.rint(shapely.get_coordinates(drawn) * 1e5).astype(int)}
        assert got == q, geom
        assert shapely.get_num_geometries(drawn) == shapely.get_num_geometries(geom)
        assert drawn.area == pytest.approx(geom.area, rel=1e-4)
    hub = cities.index[cities["code"] == settings.HUB_CODE][0]
    worst = shapely.hausdorff_distance(topo.to_geometry(hub), cities.geometry[hub])
    assert 0 < worst <= 1.0e-5  # really quantised, not a copy; ~1 m at most
    # every shared edge is stored once: far fewer stored than drawn vertices
    stored = sum(len(codec.decode_path(a)) for a in none_map.payload["arcs"])
    drawn = int(shapely.get_num_coordinates(cities.geometry.values).sum())
    assert stored < 0.75 * drawn


def test_shipped_topology_is_that_of_the_packaged_boundaries():
    cities, provinces = g60map.load_boundaries("city"), g60map.load_boundaries("province")
    scale = int(10**settings.COORD_DECIMALS)
    shipped = topology._packaged()
    assert shipped is not None, "g60map/render/web/topology.json is missing or unreadable"
    assert shipped[0] == topology.fingerprint(cities, provinces, scale), (
        "the packaged boundaries changed: rebuild it with python -m g60map.render.web.topology"
    )
    encoded = topology._encode(cities, provinces, scale)
    assert list(shipped[1].arcs) == list(encoded.arcs)
    assert json.loads(json.dumps(shipped[1].shapes)) == json.loads(json.dumps(encoded.shapes))
    assert np.allclose(shipped[1].bounds, encoded.bounds, rtol=0, atol=0)


def test_other_boundaries_are_encoded_not_taken_from_the_file(none_map):
    corridor = load_corridor()
    city = corridor.boundaries["city"].copy()
    hub = city.index[city["code"] == settings.HUB_CODE][0]
    city.loc[hub, "geometry"] = shapely.box(121.0, 30.9, 121.4, 31.2)  # a square Songjiang
    moved = dataclasses.replace(corridor, boundaries={**corridor.boundaries, "city": city})
    m = build_map(moved, basemap="none")
    drawn = _decoded_topology(m).to_geometry(int(hub))
    assert drawn.equals(shapely.box(121.0, 30.9, 121.4, 31.2))
    assert m.payload["arcs"] != none_map.payload["arcs"]
    assert build_map(corridor, basemap="none").payload["arcs"] == none_map.payload["arcs"]


def test_script_json_cannot_end_a_script():
    obj = {"z": "</script><!-- \u2028\u2029 & <b>", "a": [1, 2.5]}
    text = script_json(obj)
    assert json.loads(text) == obj
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert text.startswith('{"a"')  # sorted keys
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


def test_own_script_has_no_template_literals_or_inner_html():
    js = own_asset("g60map.js")
    assert "`" not in js  # no ${...} substitution anywhere
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js
    assert "eval(" not in js and "new Function" not in js
    css = own_asset("g60map.css")
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", css) for s in block.split(",")]
    selectors = [s for s in selectors if not s.startswith("/*")]
    assert selectors and all(s.startswith(".g60m") for s in selectors)


# ----------------------------------------------------------------------------- payload


def test_default_map_layers(default_map):
    m = default_map
    assert isinstance(m, folium.Map)
    d = m.payload
    members = [c for c in d["cities"] if c["cls"] != -2]
    assert sorted(c["code"] for c in members) == sorted(settings.MEMBER_CODES)
    hub = [c for c in d["cities"] if c["role"] == "hub"]
    assert [c["code"] for c in hub] == [settings.HUB_CODE]
    # labels: nine seats, hub first
    order = d["labelOrder"]
    assert len(order) == 9 and d["cities"][order[0]]["code"] == settings.HUB_CODE
    # the packaged partners (all in Songjiang) fill Songjiang in the top class
    partners = g60map.load_partners()
    assert hub[0]["partners"] == len(partners) == d["partners"]["n"]
    shown = d["choices"]["list"][d["choices"]["metric"]]
    assert shown["key"] == "partners"
    assert hub[0]["cls"] == len(shown["bins"]) - 1
    assert d["partners"]["mode"] == "detail"
    assert len(d["spokes"]) == 8 and d["trunk"] is not None
    assert "km" in d["spokes"][0]["tip"] and "°" in d["spokes"][0]["tip"]
    invest = d["investments"]
    assert invest["n"] == 1
    assert invest["rows"][0][2] == pytest.approx(INVESTMENT_MAX_RADIUS_PX)
    assert "CNY 15bn (US$2.1bn)" in invest["rows"][0][4]
    # size legend: area proportional (r ~ sqrt(value))
    s0, s1 = invest["sizes"][:2]
    assert (s1["r"] / s0["r"]) ** 2 == pytest.approx(s1["value"] / s0["value"], rel=0.02)
    (s, w), (n, e) = d["bounds"]
    assert 116 < w < e < 122.5 and 28 < s < n < 33
    assert any("tencent-g60-article.txt" in line for line in d["footer"])
    assert d["footer"][-1].endswith("WGS-84")


def test_member_classes_follow_partner_counts(synthetic_partner_points):
    partners = synthetic_partner_points(0)
    assert corridor_map(joined(partners), basemap="none").payload["partners"]["mode"] == "none"
    counts = {"310117": 40, "330400": 7, "340100": 1}
    rows = [(code, i) for code, k in counts.items() for i in range(k)]
    cities = g60map.load_cities().set_index("code")
    frame = joined(gpd.GeoDataFrame(
        {"name": [f"P{i}" for _, i in rows], "city_code": [c for c, _ in rows]},
        geometry=[cities.geometry[c] for c, _ in rows], crs=settings.WGS84,
    ))
    d = corridor_map(frame, basemap="none").payload
    by_code = {c["code"]: c for c in d["cities"]}
    labels = d["choices"]["list"][d["choices"]["metric"]]["labels"]
    for code, k in counts.items():
        assert by_code[code]["partners"] == k
        lo, _, hi = labels[by_code[code]["cls"]].replace(",", "").partition("–")
        assert int(lo) <= k <= int(hi or lo)
    assert by_code["330100"]["cls"] == 0  # member without partners: the lightest class
    assert labels[0] == "0"
    assert by_code["310101"]["cls"] == -2  # not a member


def test_user_columns_are_humanised_unless_standard():
    frame = joined(gpd.GeoDataFrame(
        {"name": ["A"], "city_code": ["330100"], "description": ["d"], "role_hub": ["x"],
         "legend": ["y"]},
        geometry=[shapely.Point(120.16, 30.29)], crs=settings.WGS84,
    ))
    cols = corridor_map(frame, lang="zh", basemap="none").payload["partners"]["cols"]
    # a user column spelled like a label key is headed by its own name, made readable
    assert cols == ["城市", "说明", "Role hub", "Legend", "定位精度"]


def test_count_classes_are_contiguous_and_cover_the_maximum():
    for top in (1, 2, 6, 11, 99, 2000, 50_000, 10**6):
        classes = count_classes(top)
        assert 1 <= len(classes) <= 5
        assert classes[0][0] == 1 and classes[-1][1] >= top
        assert all(b[0] == a[1] + 1 for a, b in zip(classes, classes[1:], strict=False))


def test_chinese_labels():
    m = build_map(lang="zh", basemap="none")
    d = m.payload
    hub = next(c for c in d["cities"] if c["role"] == "hub")
    assert hub["name"] == "松江区" and hub["alt"] == "Songjiang"
    assert d["title"] == "G60科创走廊" and d["t"]["legend"] == "图例"
    assert "亿元" in d["investments"]["rows"][0][4]
    assert '<html lang="zh-CN">' in map_html(m)


# ----------------------------------------------------------------------------- datum


@pytest.mark.parametrize("basemap", ["amap", "tencent"])
def test_gcj02_basemaps_shift_every_geometry(basemap, none_map):
    m = build_map(basemap=basemap)
    i = next(i for i, c in enumerate(m.payload["cities"]) if c["code"] == settings.HUB_CODE)
    wgs = g60map.load_boundaries("city").geometry.iat[i]
    gcj = shift_gdf(g60map.load_boundaries("city"), to="gcj02").geometry.iat[i]
    drawn = _decoded_topology(m).to_geometry(i)
    assert shapely.hausdorff_distance(drawn, gcj) <= 1e-5
    # 0.4-0.7 km away from the WGS-84 polygon (0.0045 deg ~ 0.45 km here)
    offset = shapely.distance(drawn.centroid, wgs.centroid)
    assert 0.003 < offset < 0.008
    assert shapely.hausdorff_distance(_decoded_topology(none_map).to_geometry(i), wgs) <= 1e-5
    # seats and partners move with it
    hub = m.payload["cities"][i]["seat"]
    lon, lat = g60map.wgs84_to_gcj02(121.22326, 31.03443)
    assert hub == [round(float(lon) * 1e5), round(float(lat) * 1e5)]
    assert m.payload["partners"]["rows"][0][:2] == hub
    assert m.payload["footer"][-1].startswith("Datum: GCJ-02")


def test_basemap_attribution_and_offline_choice():
    assert build_map(basemap="osm").payload["tiles"]["attribution"].count("OpenStreetMap")
    amap = build_map(basemap="amap").payload["tiles"]
    assert "Gaode" in amap["attribution"] and amap["url"].startswith("https://webrd0{s}")
    assert "Tencent" in BASEMAPS["tencent"].attribution
    carto = build_map(basemap="carto").payload["tiles"]
    assert "CARTO" in carto["attribution"] and "{apikey}" not in carto["url"]
    assert build_map(basemap="none").payload["tiles"] is None


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="basemap"):
        build_map(basemap="google")
    with pytest.raises(ValueError, match="lang"):
        build_map(lang="fr")
    with pytest.raises(ValueError, match="prefix"):
        build_map(prefix="a-b")
    with pytest.raises(TypeError, match="load_corridor"):
        build_map([1, 2])
    with pytest.raises(ValueError, match="tables"):
        build_map(basemap="none", tables=["roads"])
    with pytest.raises(ValueError, match="CSS length"):
        map_iframe(build_map(basemap="none"), height="1px;background:url(x)")


# ----------------------------------------------------------------------------- escaping


def test_payload_strings_never_reach_the_page_as_markup(tmp_path):
    partners, investments = write_payload_tables(tmp_path)
    p = g60map.load_partners(partners)
    i = g60map.load_investments(investments)
    m = corridor_map(p, i, lang="zh", basemap="none", title=PAYLOADS[1])
    page = map_html(m, self_contained=True)
    for payload in PAYLOADS[:2]:
        assert payload not in page
    assert "<img" not in page.lower()
    assert page.lower().count("<script") == page.lower().count("</script>")
    # only ours: leaflet, markercluster, setup, map and its JSON data block
    assert page.lower().count("<script") == 5
    assert page.count("<script type=\"application/json\"") == 1
    assert f"<title>{html.escape(PAYLOADS[1])}</title>" in page
    # every payload string is in the data, to be shown as text
    d = m.payload
    rows = d["partners"]["rows"]
    assert rows[0][2] == PAYLOADS[0]  # zh: the title is name_zh ...
    assert rows[0][3][1] == f"{PAYLOADS[0]} 0"  # ... and the English name a row
    assert PAYLOADS[0] in d["partners"]["cols"] and PAYLOADS[2] in d["partners"]["cols"]
    assert PAYLOADS[1] in d["investments"]["cols"]


# ----------------------------------------------------------------------------- bounded


def test_partner_modes_bound_the_page(synthetic_partner_points):
    small = joined(synthetic_partner_points(30))
    d = corridor_map(small, basemap="none", detail_limit=10, point_limit=20).payload["partners"]
    assert d["mode"] == "grid" and d["n"] == 30
    cells = decode_ints(d["cells"]).reshape(-1, 4)
    assert cells[:, 2].sum() == 30
    d = corridor_map(small, basemap="none", detail_limit=10, point_limit=100).payload["partners"]
    assert d["mode"] == "points" and len(d["names"]) == 30
    xy = codec.decode_path(d["xy"])
    assert len(xy) == 30
    expected = np.sort(np.rint(shapely.get_coordinates(small.geometry.values) * 1e5), axis=0)
    assert (np.sort(xy, axis=0) == expected).all()
    d = corridor_map(small, basemap="none").payload["partners"]
    assert d["mode"] == "detail" and len(d["rows"]) == 30


def test_many_partners_stay_under_five_megabytes(tmp_path, synthetic_partner_points):
    n = settings.PARTNER_POINT_LIMIT * 4
    big = corridor_map(joined(synthetic_partner_points(n)), basemap="none")
    assert big.payload["partners"]["mode"] == "grid"
    size = save_map(big, tmp_path / "big.html", self_contained=True).stat().st_size
    limit = settings.PARTNER_POINT_LIMIT
    points = corridor_map(joined(synthetic_partner_points(limit)), basemap="none")
    assert points.payload["partners"]["mode"] == "points"
    size_points = save_map(points, tmp_path / "pts.html", self_contained=True).stat().st_size
    assert size < 5 * MB and size_points < 5 * MB
    # the grid does not grow with the number of partners
    assert size < 1 * MB


# ----------------------------------------------------------------------------- output


def test_default_maps_are_small(tmp_path, default_map):
    size = save_map(default_map, tmp_path / "map.html").stat().st_size
    offline = save_map(build_map(basemap="none"), tmp_path / "offline.html", self_contained=True)
    assert size <= 1 * MB and offline.stat().st_size <= 1 * MB
    # a plain GeoJSON of the boundaries alone would be larger than the whole map
    cities = g60map.load_boundaries("city")
    naive = cities[["code", "geometry"]].set_geometry(cities.geometry.set_precision(1e-5))
    assert size < len(naive.to_json().encode("utf-8"))


def test_self_contained_page_links_nothing(tmp_path):
    page = map_html(build_map(basemap="none"), self_contained=True)
    assert not re.search(r"<script[^>]+src=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"""url\(\s*['"]?https?:""", page, re.I)
    linked = map_html(build_map(basemap="none"), self_contained=False)
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in linked
    assert "jquery" not in linked.lower() and "bootstrap" not in linked.lower()


def test_same_inputs_give_the_same_bytes(tmp_path):
    a = map_html(build_map(lang="zh", basemap="amap"))
    b = map_html(build_map(lang="zh", basemap="amap"))
    assert a == b
    assert main(["build", "--out", str(tmp_path / "1")]) == 0
    assert main(["build", "--out", str(tmp_path / "2")]) == 0
    one = (tmp_path / "1" / settings.MAP_FILENAME).read_bytes()
    assert one == (tmp_path / "2" / settings.MAP_FILENAME).read_bytes()
    assert re.search(rb"map_g60_\d{4}", one) and not re.search(rb"[0-9a-f]{32}", one)


def test_cli_self_contained_build_is_identical_across_processes(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-m", "g60map", "build", "--out", str(out), "--self-contained",
             "--basemap", "none"],
            capture_output=True, text=True, env=env, check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip().endswith(settings.MAP_FILENAME)
        outs.append((out / settings.MAP_FILENAME).read_bytes())
    assert outs[0] == outs[1]


def test_save_map_is_atomic(tmp_path, monkeypatch, none_map):
    target = tmp_path / "deep" / "map.html"
    assert save_map(none_map, target) == target
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(interactive, "render_html", boom)
    with pytest.raises(RuntimeError):
        save_map(none_map, target)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["map.html"]


def test_fragment_is_namespaced(none_map):
    other = build_map(lang="zh", basemap="none")
    a = map_fragment(none_map)
    b = map_fragment(other)
    assert a.startswith('<div class="g60m-embed" id="g') and a.rstrip().endswith("</div>")
    for frag in (a, b):
        low = frag.lower()
        assert "<html" not in low and "<body" not in low and "<meta" not in low
        assert "html, body" not in low and "#map {" not in low
    prefix_a = re.match(r'<div class="g60m-embed" id="(\w+)-embed"', a).group(1)
    prefix_b = re.match(r'<div class="g60m-embed" id="(\w+)-embed"', b).group(1)
    assert prefix_a != prefix_b
    ids_a = set(re.findall(r"\b(?:map|[a-z_]+)_(\w+?)_\d{4}\b", a))
    assert ids_a == {prefix_a}
    assert a == map_fragment(none_map)  # deterministic
    named = map_fragment(none_map, prefix="left", height=300, self_contained=True)
    assert 'id="left-embed"' in named and "height:300px" in named
    assert "if (!window.L) {" in named and "if (!window.L.MarkerClusterGroup) {" in named
    with pytest.raises(ValueError):
        map_fragment(none_map, prefix="1x")
    # the full page afterwards is unchanged by the fragment renders
    assert map_html(none_map) == map_html(build_map(basemap="none"))


def test_map_fragments_share_libraries_scripts_and_arcs_once(none_map):
    zh = build_map(lang="zh", basemap="none", tables=["partners"])
    shared, (a, b) = map_fragments([none_map, zh], prefixes=["one", "two"], height=300)
    assert shared.count("if (!window.L) {") == 1 and "Leaflet 1.9.3" in shared
    assert shared.count("if (!window.L.MarkerClusterGroup) {") == 1
    assert own_asset("g60map.js").split("\n", 1)[0] in shared
    assert own_asset("g60map.css").split("\n", 1)[0] in shared
    arcs = re.search(r'<script type="application/json" id="one-arcs">(.*?)</script>', shared)
    assert json.loads(arcs.group(1)) == none_map.payload["arcs"]
    single = map_fragment(none_map, prefix="one", height=300, self_contained=True)
    for frag, prefix in ((a, "one"), (b, "two")):
        assert frag.startswith(f'<div class="g60m-embed" id="{prefix}-embed"')
        assert "Leaflet 1.9.3" not in frag and "root.G60Map = G60Map" not in frag
        assert "<style>/* g60map" not in frag and '"arcs":' not in frag
        assert 'getElementById("one-arcs")' in frag
        assert len(frag) < 40_000 < len(single)
    data = re.search(r'<script type="application/json" id="[^"]+_data">(.*?)</script>', b)
    expected = {k: v for k, v in zh.payload.items() if k != "arcs"}
    expected["districts"] = {k: v for k, v in zh.payload["districts"].items() if k != "arcs"}
    assert json.loads(data.group(1)) == expected
    district_arcs = re.search(
        r'<script type="application/json" id="one-district-arcs">(.*?)</script>', shared)
    assert json.loads(district_arcs.group(1)) == zh.payload["districts"]["arcs"]
    assert 'getElementById("one-district-arcs")' in b
    # the maps render as before afterwards, and the same call gives the same bytes
    assert map_fragment(none_map, prefix="one", height=300, self_contained=True) == single
    assert map_fragments([none_map, zh], prefixes=["one", "two"], height=300) == (shared,
                                                                                  [a, b])
    # different arcs (GCJ-02 tiles shift every geometry): each map keeps its own
    amap = build_map(basemap="amap")
    shared2, (c, d) = map_fragments([none_map, amap], prefixes=["one", "two"])
    # (the boundaries' arcs and the districts')
    assert "-arcs" not in shared2 and c.count('"arcs":') == 2 and d.count('"arcs":') == 2
    with pytest.raises(ValueError, match="one prefix per map"):
        map_fragments([none_map, zh], prefixes=["one", "one"])


def test_iframe_and_notebook_display(none_map):
    frame = map_iframe(none_map, height=500)
    match = re.fullmatch(r'<iframe [^>]*srcdoc="([^"]*)"></iframe>', frame)
    assert match, frame[:300]
    assert html.unescape(match.group(1)) == map_html(none_map)
    assert "height:500px" in frame and "allowfullscreen" in frame
    assert none_map._repr_html_() == map_iframe(none_map)


# ----------------------------------------------------------------------------- size budget


def test_long_texts_are_cut_in_popups_and_kept_whole_in_exports(tmp_path):
    """2,000 partners with 10 KB descriptions and long names: a map of 3 MB at most."""
    n = settings.PARTNER_DETAIL_LIMIT
    cities = ["Songjiang", "Jiaxing", "Hangzhou", "Hefei"]
    path = tmp_path / "long.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "city", "description", "note"])
        for i in range(n):
            w.writerow([f"Co {i} " + "N" * 400, cities[i % 4], f"{i} " + "描述" * 5000,
                        "x" * 900])
    partners = g60map.load_partners(path)
    assert partners["description"].str.len().min() > 10_000
    corridor = load_corridor(partners)
    m = build_map(corridor, basemap="none")
    page = map_html(m)
    assert len(page.encode("utf-8")) < 3 * MB
    d = m.payload["partners"]
    assert d["mode"] == "detail" and d["n"] == n
    cap, budget = settings.POPUP_CELL_CHARS, settings.POPUP_TEXT_CHARS
    for row in d["rows"]:
        title, cells = row[2], row[3]
        assert len(title) == cap and title.endswith("…")
        assert max(len(c) for c in cells) <= cap
        assert sum(len(c) for c in cells[1:]) <= budget  # cells[0] is the city
        assert any(c.endswith("…") for c in cells)
    assert d["rows"][7][3][d["cols"].index("Description")].startswith("7 描述描述")
    # the export keeps every character
    (gj,) = g60map.export_layers(corridor, tmp_path, fmt="geojson", layers=["partners"])
    props = [f["properties"] for f in json.loads(gj.read_text(encoding="utf-8"))["features"]]
    assert sorted(len(p["description"]) for p in props)[0] > 10_000


def test_pages_follow_the_cdn_choice_of_build_map(tmp_path):
    small = build_map(basemap="none", cdn=True)
    linked = save_map(small, tmp_path / "small.html").read_bytes()
    assert b'<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in linked
    assert b'role="alert"' in linked
    inlined = map_html(small, self_contained=True)
    assert "<script src=" not in inlined and 'role="alert"' not in inlined
    assert map_html(small) == linked.decode("utf-8")  # back to what build_map was told
    assert "<script src=" not in map_html(build_map(basemap="none"))  # offline by default
    with pytest.raises(ValueError, match="give one of them"):
        map_html(small, self_contained=True, cdn=True)
