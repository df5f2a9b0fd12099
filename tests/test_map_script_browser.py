"""g60map.js in headless Chromium: its decoder against the shared codec vectors, and its
guards (the payload version and the pinned Leaflet release)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from g60map.render.web.interactive import build_map, save_map
from tests._browser import count_selector, open_page, requires_browser

pytestmark = [pytest.mark.browser, requires_browser]

VECTORS = json.loads((Path(__file__).parent / "data" / "codec_vectors.json").read_text("utf-8"))
CLASS_VECTORS = json.loads(
    (Path(__file__).parent / "data" / "class_vectors.json").read_text("utf-8"))

DRAWN_JS = """() => Array.from(document.querySelectorAll(
  '.leaflet-g60mCities-pane path, .leaflet-g60mProvinces-pane path'), (p) => p.getAttribute('d'))"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    m = build_map(basemap="none")
    path = save_map(m, tmp_path_factory.mktemp("script") / "map.html", self_contained=True)
    return m.payload["v"], path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page_html(built):
    return built[1]


def _variant(tmp_path: Path, html: str, old: str, new: str) -> Path:
    assert html.count(old) == 1, old
    path = tmp_path / "variant.html"
    path.write_text(html.replace(old, new), encoding="utf-8")
    return path


def test_page_decoder_matches_the_codec_vectors(page_html):
    with open_page(page_html, settle_ms=0) as res:
        got = res.page.evaluate(
            """(v) => ({
              ints: v.ints.map((c) => G60Map.codec.ints(c.text)),
              paths: v.paths.map((c) => G60Map.codec.path(c.text)) })""", VECTORS)
        assert got["ints"] == [c["values"] for c in VECTORS["ints"]]
        assert got["paths"] == [c["xy"] for c in VECTORS["paths"]]
        assert res.page_errors == [] and res.unexpected_console_errors == []


def test_page_classes_and_money_match_the_class_vectors(page_html):
    """g60map-classes.js gives Python's breaks, classes, legend labels and amounts."""
    with open_page(page_html, settle_ms=0) as res:
        got = res.page.evaluate(
            """(v) => { const K = G60Map.classes; return {
              classes: v.classes.map((c) => K.classify(c.values, c.scheme, c.k)),
              labels: v.labels.map((c) => K.labels(c.bins, c.low, c.integral, c.money, c.nice,
                                                   c.lang)),
              money: v.money.map((c) => K.money(c.value, c.lang, c.currency)),
              ranges: v.ranges.map((c) => K.moneyRange(c.lo, c.hi, c.lang)) }; }""",
            CLASS_VECTORS)
        assert res.page_errors == [] and res.unexpected_console_errors == []
    want = CLASS_VECTORS
    assert [(c["bins"], c["index"]) for c in got["classes"]] == \
        [(c["bins"], c["index"]) for c in want["classes"]]
    assert got["labels"] == [c["labels"] for c in want["labels"]]
    assert got["money"] == [c["text"] for c in want["money"]]
    assert got["ranges"] == [c["text"] for c in want["ranges"]]


def test_other_leaflet_release_draws_plain_polygons_alike(page_html, tmp_path):
    """Under a Leaflet that is not the pinned one, no private method is overridden."""
    with open_page(page_html, settle_ms=100) as res:
        shared = res.page.evaluate(DRAWN_JS)
        kinds = res.page.evaluate(
            """() => { const p = G60Map.instances[0].layers.cities.getLayers()[0];
              return [L.version, Object.getPrototypeOf(p) === L.Polygon.prototype,
                      typeof p._g60project]; }""")
        assert kinds == ["1.9.3", False, "function"]
    page = _variant(tmp_path, page_html, "G60Map.draw(map_",
                    'L.version = "1.9.4"; G60Map.draw(map_')
    warnings = []
    with open_page(page, settle_ms=100) as res:
        res.page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
        res.page.reload()
        res.settle(100)
        assert res.page_errors == [] and res.unexpected_console_errors == []
        kinds = res.page.evaluate(
            """() => G60Map.instances[0].layers.cities.getLayers().concat(
                G60Map.instances[0].layers.provinces.getLayers()).map((p) =>
                Object.getPrototypeOf(p) === L.Polygon.prototype && !p._g60project)""")
        assert len(kinds) == 60 and all(kinds)
        plain = res.page.evaluate(DRAWN_JS)
    assert len(shared) == 60 and plain == shared  # the same drawing, path for path
    assert any("1.9.4" in w and "1.9.3" in w for w in warnings), warnings


def test_payload_of_another_version_draws_nothing(built, tmp_path):
    version, page_html = built
    page = _variant(tmp_path, page_html, f',"v":{version}}}</script>', ',"v":99}</script>')
    with open_page(page, settle_ms=100) as res:
        assert res.page_errors == []
        errors = res.unexpected_console_errors
        assert len(errors) == 1, errors
        assert "format 99" in errors[0] and f"format {version};" in errors[0]
        assert res.page.evaluate("() => G60Map.instances.length") == 0
        assert count_selector(res.page, ".leaflet-map-pane path") == 0
        assert count_selector(res.page, ".g60m-legend, .g60m-title, .g60m-label") == 0
