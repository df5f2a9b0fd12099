"""The page script (g60map.js and its two companions) without a browser: what it may not
contain, the constants it shares with Python, and its payload notes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import g60map
from g60map.render.web import codec
from g60map.render.web.assets import ASSETS, escape_script
from g60map.render.web.interactive import build_map, map_html

FILES = sorted(f.name for f in resources.files("g60map.render.web").iterdir()
               if f.name.endswith(".js"))


def _text(name: str) -> str:
    return resources.files("g60map.render.web").joinpath(name).read_text(encoding="utf-8")


CORE = _text("g60map.js")


@pytest.fixture(scope="module")
def default_map():
    return build_map(basemap="none")


def test_every_script_file_is_on_the_page_in_order(default_map):
    order = ("g60map.js", "g60map-layers.js", "g60map-districts.js", "g60map-controls.js",
             "g60map-layout.js", "g60map-classes.js", "g60map-views.js", "g60map-export.js")
    assert FILES == sorted(order)
    page = map_html(default_map)
    at = [page.index(escape_script(_text(name))) for name in order]
    assert at == sorted(at)
    assert page.count("G60Map.draw(map_") == 1


@pytest.mark.parametrize("name", FILES)
def test_script_has_no_template_literals_or_html_sinks(name):
    js = _text(name)
    assert "`" not in js  # no ${...} substitution anywhere
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js
    assert "outerHTML" not in js and "document.write" not in js
    assert "eval(" not in js and "new Function" not in js
    assert js.count('"use strict";') == 1


def _js_constant(name: str) -> str:
    found = re.findall(rf"\bvar {name} = ([^;]+);", CORE)
    assert len(found) == 1, name
    return found[0]


def test_script_reads_the_payload_version_python_writes(default_map):
    written = default_map.payload["v"]
    assert isinstance(written, int)
    assert int(_js_constant("PAYLOAD_VERSION")) == written


def test_payload_format_is_written_down_next_to_its_version(default_map):
    notes = CORE[: CORE.index("var PAYLOAD_VERSION")]
    for key in default_map.payload:
        assert re.search(rf"^ \*   {key}\b", notes, re.M), key
    for mode in ("none", "detail", "points", "grid"):
        assert f'"{mode}"' in notes, mode


def test_script_guards_the_pinned_leaflet_version():
    assert json.loads(_js_constant("LEAFLET_VERSION")) == ASSETS["leaflet.js"].version


def test_script_alphabet_is_the_codec_alphabet():
    assert json.loads(_js_constant("ALPHABET")) == codec.ALPHABET


def test_partners_carry_the_other_name_and_the_seat_flag(default_map):
    import g60map

    partners = g60map.load_partners()
    rows = default_map.payload["partners"]["rows"]
    assert [r[5] for r in rows] == partners["name_zh"].tolist()
    assert [r[6] for r in rows] == (partners["location_precision"] == "city").astype(int).tolist()
    zh = build_map(lang="zh", basemap="none").payload["partners"]["rows"]
    assert [r[2] for r in zh] == partners["name_zh"].where(partners["name_zh"] != "",
                                                           partners["name"]).tolist()
    assert [r[5] for r in zh] == partners["name"].where(partners["name_zh"] != "", "").tolist()
    inv = default_map.payload["investments"]["rows"]
    assert [r[6] for r in inv] == [1]


def test_points_mode_lists_other_names_and_seat_points():
    import geopandas as gpd

    from g60map import settings

    frame = gpd.GeoDataFrame(
        {"name": ["A", "B", "C", "D"], "name_zh": ["甲", "", "丙", "丁"],
         "location_precision": ["point", "city", "point", "city"]},
        geometry=gpd.points_from_xy([121.0, 120.0, 119.0, 118.0], [31.0, 30.5, 30.0, 29.5]),
        crs=settings.WGS84)
    import dataclasses

    corridor = g60map.load_corridor(frame, outside="keep")
    placed = corridor.partners.assign(location_precision=["point", "city", "point", "city"])
    corridor = dataclasses.replace(corridor, partners=placed)
    p = build_map(corridor, lang="en", basemap="none", detail_limit=1).payload["partners"]
    assert p["mode"] == "points"
    xy = codec.decode_path(p["xy"])
    by_x = {round(x / 10**settings.COORD_DECIMALS, 3): i for i, (x, _) in enumerate(xy)}
    order = [by_x[lon] for lon in (121.0, 120.0, 119.0, 118.0)]  # A, B, C, D in the page
    assert [p["names"][i] for i in order] == ["A", "B", "C", "D"]
    assert [p["alt"][i] for i in order] == ["甲", "", "丙", "丁"]
    seat = set(np.cumsum(codec.decode_ints(p["seat"])).tolist())
    assert seat == {order[1], order[3]}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's code")
def test_the_page_writes_huge_values_as_text_py_does():
    from g60map.render.text import POWER_FROM, format_money, format_number

    classes = _text("g60map-classes.js")
    assert f"POWER_FROM = {POWER_FROM:.0e}".replace("e+", "e") in classes
    stub = (re.search(r"function thousands\(n\) \{[^\n]*\}", CORE).group(0)
            + "\nvar window = {G60Map: {_: {el: null, thousands: thousands}}};\n")
    values = [1.7e308, -2.5e15, 9.999e20, 123456789012345678.0, 1e15, 999e12, 4.2e21,
              1.7976931348623157e308]
    script = (stub + classes + "\nvar K = window.G60Map.classes;\nconsole.log(JSON.stringify("
              + json.dumps(values) + ".map(function (v) { return [K.sig(v, 3), "
              "K.money(v, 'en', 'CNY'), K.money(v, 'zh', 'CNY')]; })));")
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True,
                         timeout=60)
    got = json.loads(out.stdout)
    assert got == [[format_number(v), format_money(v), format_money(v, "zh")] for v in values]
    assert not any("e+" in t or len(t) > 25 for row in got for t in row)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's code")
def test_page_classes_match_the_class_vectors_in_node():
    """g60map-classes.js gives Python's breaks, labels and amounts (the browser test does
    the same in Chromium)."""
    vectors = Path(__file__).parent / "data" / "class_vectors.json"
    script = (re.search(r"function thousands\(n\) \{[^\n]*\}", CORE).group(0)
              + "\nvar window = {G60Map: {_: {el: null, thousands: thousands}}};\n"
              + _text("g60map-classes.js") + """
var K = window.G60Map.classes, V = JSON.parse(require("fs").readFileSync(process.argv[1]));
console.log(JSON.stringify({
  classes: V.classes.map(function (c) { return K.classify(c.values, c.scheme, c.k); }),
  labels: V.labels.map(function (c) {
    return K.labels(c.bins, c.low, c.integral, c.money, c.nice, c.lang); }),
  money: V.money.map(function (c) { return K.money(c.value, c.lang, c.currency); }),
  ranges: V.ranges.map(function (c) { return K.moneyRange(c.lo, c.hi, c.lang); })}));""")
    out = subprocess.run(["node", "-e", script, str(vectors)], capture_output=True, text=True,
                         check=True, timeout=60)
    got, want = json.loads(out.stdout), json.loads(vectors.read_text("utf-8"))
    assert [[c["bins"], c["index"]] for c in got["classes"]] == \
        [[c["bins"], c["index"]] for c in want["classes"]]
    assert got["labels"] == [c["labels"] for c in want["labels"]]
    assert got["money"] == [c["text"] for c in want["money"]]
    assert got["ranges"] == [c["text"] for c in want["ranges"]]
