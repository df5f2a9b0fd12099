"""The page script (g60map.js and its two companions) without a browser: what it may not
contain, the constants it shares with Python, and its payload notes."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from g60map.render import codec
from g60map.render.assets import ASSETS, escape_script
from g60map.render.interactive import build_map, map_html

FILES = sorted(f.name for f in resources.files("g60map.render").iterdir()
               if f.name.endswith(".js"))


def _text(name: str) -> str:
    return resources.files("g60map.render").joinpath(name).read_text(encoding="utf-8")


CORE = _text("g60map.js")


@pytest.fixture(scope="module")
def default_map():
    return build_map(basemap="none")


def test_every_script_file_is_on_the_page_in_order(default_map):
    assert FILES == ["g60map-controls.js", "g60map-layout.js", "g60map.js"]
    page = map_html(default_map)
    at = [page.index(escape_script(_text(name))) for name in
          ("g60map.js", "g60map-controls.js", "g60map-layout.js")]
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
