"""The interactive map in headless Chromium, with the network blocked.

Three pages, each built once per module: the CLI's offline map (English), a Chinese map of
partners and investments whose every column holds a script payload, and a page with two
embedded maps (partners clustered from the compact array, and counted per grid cell).
"""

from __future__ import annotations

import re

import pytest

import g60map
from g60map import settings
from g60map.cli import main
from g60map.render.web import codec
from g60map.render.web.interactive import build_map, map_fragment, save_map
from tests._browser import (
    count_selector,
    open_all_popups,
    open_page,
    requires_browser,
    screenshot_stats,
)
from tests.test_interactive import PAYLOADS, corridor_map, joined, write_payload_tables

pytestmark = [pytest.mark.browser, requires_browser]

PANE = ".leaflet-g60m{}-pane path"

LABEL_RECTS_JS = """() => Array.from(document.querySelectorAll('.g60m-label')).map((e) => {
  const b = e.getBoundingClientRect();
  return {text: e.textContent, x1: b.left, y1: b.top, x2: b.right, y2: b.bottom};
})"""


@pytest.fixture(scope="module")
def offline_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("offline")
    assert main(["build", "--out", str(out), "--self-contained", "--basemap", "none"]) == 0
    return out / settings.MAP_FILENAME


@pytest.fixture(scope="module")
def payload_map(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payload")
    partners, investments = write_payload_tables(folder)
    m = corridor_map(partners, investments, lang="zh", basemap="none", title=PAYLOADS[1])
    return save_map(m, folder / "map.html", self_contained=True)


@pytest.fixture(scope="module")
def two_maps(tmp_path_factory, synthetic_partner_points):
    folder = tmp_path_factory.mktemp("two")
    points = corridor_map(joined(synthetic_partner_points(150)), lang="en", basemap="none",
                          detail_limit=10, point_limit=1000)
    grid = corridor_map(joined(synthetic_partner_points(120, seed=7)), lang="zh", basemap="none",
                        detail_limit=10, point_limit=100)
    assert points.payload["partners"]["mode"] == "points"
    assert grid.payload["partners"]["mode"] == "grid"
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>two maps</title></head>"
        "<body><h1>Two maps</h1>"
        + map_fragment(points, prefix="left", height=420, self_contained=True)
        + "<p>between</p>"
        + map_fragment(grid, prefix="right", height=420, self_contained=True)
        + "</body></html>"
    )
    path = folder / "page.html"
    path.write_text(page, encoding="utf-8")
    cells = len(codec.decode_ints(grid.payload["partners"]["cells"])) // 4
    return path, cells


def _assert_clean(res) -> None:
    assert res.page_errors == []
    assert res.unexpected_console_errors == []
    assert res.dialogs == []


def _assert_labels_apart(res, in_view: bool = True) -> list[dict]:
    rects = res.page.evaluate(LABEL_RECTS_JS)
    assert len(rects) == 9
    width, height = res.page.viewport_size["width"], res.page.viewport_size["height"]
    for i, a in enumerate(rects):
        assert a["x2"] - a["x1"] > 10 and a["y2"] - a["y1"] > 8, a
        if in_view:
            assert 0 <= a["x1"] and a["x2"] <= width and 0 <= a["y1"] and a["y2"] <= height, a
        for b in rects[i + 1:]:
            apart = (a["x2"] <= b["x1"] or b["x2"] <= a["x1"] or a["y2"] <= b["y1"]
                     or b["y2"] <= a["y1"])
            assert apart, (a, b)
    return rects


def test_offline_map_draws_every_layer_without_a_request(offline_map, tmp_path):
    with open_page(offline_map, settle_ms=300) as res:
        _assert_clean(res)
        assert res.blocked_requests == [] and res.remote_responses == []
        page = res.page
        assert count_selector(page, PANE.format("Cities")) == 56
        assert count_selector(page, PANE.format("Provinces")) == 4
        assert count_selector(page, PANE.format("Lines")) == 9  # 8 spokes + trunk
        assert count_selector(page, PANE.format("Invest")) == 1
        assert count_selector(page, PANE.format("Seats")) == 9
        # the six packaged partners share Songjiang's seat: one cluster of 6
        clusters = page.locator(".g60m-cluster")
        assert clusters.count() == 1 and clusters.inner_text().strip() == "6"
        assert count_selector(page, ".leaflet-control-layers-overlays input:checked") == 7
        assert page.locator(".g60m-title-main").inner_text() == (
            "G60 Science and Technology Innovation Corridor")
        assert count_selector(page, ".leaflet-control-scale-line") == 1
        assert "Datum: WGS-84" in page.locator(".g60m-legend").inner_text()
        labels = _assert_labels_apart(res)
        assert labels[0]["text"] == "Songjiang"
        # the drawn Songjiang polygon is load_boundaries' to 1e-5 degrees
        drawn = page.evaluate(
            """() => { const api = G60Map.instances[0];
              const p = api.layers.cities.getLayers().find((l) => l.g60code === '310117');
              const b = p.getBounds();
              return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(),
                      api.map.getBounds().contains(p.getBounds())]; }"""
        )
        cities = g60map.load_boundaries("city")
        expected = cities.loc[cities["code"] == settings.HUB_CODE].total_bounds
        assert drawn[:4] == pytest.approx(list(expected), abs=1e-5)
        assert drawn[4] is True  # fitted: the hub (and the corridor) is in view
        stats = screenshot_stats(page, tmp_path / "offline.png")
        assert stats["distinct_colors"] > 100 and stats["non_white_fraction"] > 0.9
        # search by name: a city, then the popup of the choice
        page.fill(".g60m-search input", "hefe")
        assert page.locator(".g60m-results li").first.inner_text().startswith("Hefei")
        zoom = page.evaluate("() => G60Map.instances[0].map.getZoom()")
        page.press(".g60m-search input", "Enter")
        page.wait_for_selector(".leaflet-popup-content")  # once the zoom has ended
        assert "Hefei" in page.locator(".leaflet-popup-content").inner_text()
        assert page.evaluate("() => G60Map.instances[0].map.getZoom()") > zoom
        page.fill(".g60m-search input", "alauda")
        page.press(".g60m-search input", "Enter")
        page.wait_for_function("() => Array.from(document.querySelectorAll("
                               "'.leaflet-popup-content'), (e) => e.innerText).join()"
                               ".includes('Beijing Alauda')")
        # full screen with the Fullscreen API, and back
        fullscreen = "() => document.fullscreenElement && document.fullscreenElement.id"
        page.click(".g60m-fs a")
        page.wait_for_function(fullscreen)
        assert page.evaluate(fullscreen) == page.evaluate(
            "() => G60Map.instances[0].map.getContainer().id")
        assert page.get_attribute(".g60m-fs a", "title") == "Exit full screen"
        page.click(".g60m-fs a")
        page.wait_for_function("() => !document.fullscreenElement")
        _assert_clean(res)


def test_payloads_show_as_text_and_run_nothing(payload_map, tmp_path):
    """Every popup and tooltip opened: payloads are text, no script runs, zh labels render."""
    with open_page(payload_map, settle_ms=300) as res:
        _assert_clean(res)
        page = res.page
        overlays = open_all_popups(page, settle_ms=300)
        assert overlays.maps == 1 and overlays.errors == []
        assert len(overlays.items) > 56  # cities, partners, investments, spokes, trunk
        for payload in PAYLOADS:
            assert payload in overlays.text
        assert "<img" not in overlays.html and "<script" not in overlays.html
        assert "&lt;img src=x onerror=alert(1)&gt;" in overlays.html
        link = re.findall(r"<a [^>]*>", overlays.html)
        assert link == ['<a href="https://example.com/a?b=1&amp;c=%3C2%3E" target="_blank" '
                        'rel="noopener noreferrer">'], link
        # nothing anywhere on the page runs or links a payload
        assert page.evaluate("() => document.querySelectorAll('img, a[href^=javascript]')"
                             ".length") == 0
        assert page.locator(".g60m-title-main").inner_text() == PAYLOADS[1]
        page.fill(".g60m-search input", "<img")
        hits = page.locator(".g60m-results li .g60m-hit")
        assert hits.count() >= 1 and hits.first.inner_text().startswith("<img")
        page.press(".g60m-search input", "Enter")
        page.wait_for_timeout(800)
        _assert_labels_apart(res, in_view=False)  # zoomed in on the result's city
        screenshot_stats(page, tmp_path / "payload.png")
        _assert_clean(res)
        assert res.blocked_requests == []
        _assert_cjk_labels(page)


SHARED_VERTICES_JS = """() => {
  const api = G60Map.instances[0], map = api.map;
  const polys = api.layers.cities.getLayers().concat(api.layers.provinces.getLayers());
  const xy = (rings) => rings.map((r) => r.map((q) => [q.x, q.y]));
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  let vertices = 0, wrongProjection = 0, wrongClip = 0, clipped = 0, inside = 0, hidden = 0;
  const points = new Set();
  for (const p of polys) {
    /* where Leaflet's own L.Polygon would put every vertex in this view */
    const rings = [];
    L.Polygon.prototype._projectLatlngs.call(p, p._latlngs, rings, new L.Bounds());
    if (!same(xy(p._rings), xy(rings))) { wrongProjection++; }
    p._rings.forEach((r) => { vertices += r.length; r.forEach((q) => points.add(q)); });
    /* and the parts Leaflet's own clip would draw */
    p._clipPoints();
    const ours = xy(p._parts);
    L.Polygon.prototype._clipPoints.call(p);
    const theirs = xy(p._parts);
    p._update();
    if (!same(ours, theirs)) { wrongClip++; }
    if (!theirs.length) { hidden++; } else if (same(theirs, xy(p._rings))) { inside++; } else {
      clipped++;
    }
  }
  return {polygons: polys.length, vertices: vertices, points: points.size, wrongProjection,
          wrongClip, clipped, inside, hidden, zoom: map.getZoom()};
}"""


@pytest.mark.slow
def test_shared_vertices_draw_where_leaflet_puts_them(offline_map):
    """Cities and provinces share projected vertices and skip needless clips: same drawing."""
    with open_page(offline_map, settle_ms=0) as res:
        _assert_clean(res)
        page = res.page
        views = [page.evaluate(SHARED_VERTICES_JS)]
        # zoomed in on Songjiang (most polygons cut by the view), then panned
        page.evaluate("""() => { const api = G60Map.instances[0];
          const hub = api.layers.cities.getLayers().find((l) => l.g60code === '310117');
          api.map.setView(hub.getBounds().getCenter(), 10, {animate: false}); }""")
        views.append(page.evaluate(SHARED_VERTICES_JS))
        page.evaluate("() => G60Map.instances[0].map.panBy([300, -200], {animate: false})")
        views.append(page.evaluate(SHARED_VERTICES_JS))
        for view in views:
            assert view["polygons"] == 60
            assert view["wrongProjection"] == 0 and view["wrongClip"] == 0, view
            # each shared vertex is one projected point: far fewer points than ring vertices
            assert view["points"] < 0.6 * view["vertices"], view
            # both kinds met: polygons wholly in view and polygons the clip cuts
            assert view["inside"] > 0 and view["clipped"] > 0, view
        assert views[1]["zoom"] == 10 and views[1]["hidden"] > 0 and views[2]["hidden"] > 0
        _assert_clean(res)


def test_tiles_are_requested_for_the_opening_view_only(tmp_path):
    """The map is fitted before its layers are added: no tiles for L.map()'s first view."""
    m = build_map(basemap="osm")
    path = save_map(m, tmp_path / "tiles.html", self_contained=True)
    with open_page(path, settle_ms=300) as res:
        assert res.page_errors == [] and res.unexpected_console_errors == []
        # Leaflet loads the tiles of the zoom level nearest the map's (fractional) zoom
        zoom, tile_zoom = res.page.evaluate(
            "() => { const z = G60Map.instances[0].map.getZoom(); return [z, Math.round(z)]; }")
        tiles = [u for u in res.blocked_requests if u.startswith("https://tile.openstreetmap")]
        assert tiles and len(tiles) == len(res.blocked_requests)
        levels = {int(u.split("/")[3]) for u in tiles}
        assert levels == {tile_zoom}, (zoom, sorted(levels))
        assert len(tiles) == len(set(tiles))


def _assert_cjk_labels(page) -> None:
    """Every glyph of the nine (Chinese) labels comes from a CJK font, not a fallback box."""
    texts = page.evaluate(
        "() => Array.from(document.querySelectorAll('.g60m-label'), (e) => e.textContent)")
    assert "松江区" in texts and len(texts) == 9
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root,
                                                  "selector": ".g60m-label"})["nodeIds"]
        assert len(nodes) == len(texts)
        for node, text in zip(nodes, texts, strict=True):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            cjk = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"])
            assert cjk == len(text), (text, fonts)
    finally:
        cdp.detach()


def test_two_embedded_maps_draw_side_by_side(two_maps):
    path, cells = two_maps
    with open_page(path, viewport=(1000, 1000), settle_ms=300) as res:
        page = res.page
        page.wait_for_function(
            "() => G60Map.instances.length === 2 && G60Map.instances.every((a) =>"
            " !a.layers.partners._needsClustering || !a.layers.partners._needsClustering.length)"
        )
        _assert_clean(res)
        assert res.blocked_requests == []
        for prefix in ("left", "right"):
            assert count_selector(page, f"#{prefix}-embed {PANE.format('Cities')}") == 56
            assert count_selector(page, f"#{prefix}-embed .g60m-title") == 1
        ids = page.evaluate("() => Array.from(document.querySelectorAll('[id]'), (e) => e.id)")
        assert len(ids) == len(set(ids))
        assert page.evaluate("() => typeof L.MarkerClusterGroup") == "function"
        counts = page.evaluate(
            """() => G60Map.instances.map((a) => {
              const p = a.layers.partners;
              return [a.map.getContainer().closest('.g60m-embed').id, p.getLayers().length]; })"""
        )
        assert counts == [["left-embed", 150], ["right-embed", cells]]
        overlays = open_all_popups(page)
        assert overlays.maps == 2 and overlays.errors == []
        assert "Synthetic Co. 0001" in overlays.text
        assert "个合作伙伴" in overlays.text  # grid cell tooltips, in Chinese
        _assert_clean(res)


# ------------------------------------------------------ offline by default, --cdn says why


def test_default_build_draws_with_every_request_blocked(tmp_path):
    """The default page (OSM tiles) with no network: boundaries and cities drawn."""
    assert main(["-q", "build", "--out", str(tmp_path)]) == 0
    with open_page(tmp_path / settings.MAP_FILENAME, settle_ms=300) as res:
        res.page.wait_for_function(
            "() => document.querySelectorAll('.leaflet-map-pane svg path').length > 50")
        paths = count_selector(res.page, ".leaflet-map-pane svg path")
        labels = count_selector(res.page, ".g60m-label")
        alert = count_selector(res.page, "[role=alert]")
        blocked = res.blocked_requests
        _assert_clean(res)
    assert paths > 50 and labels == 9 and alert == 0
    assert blocked and all("tile" in url for url in blocked)  # only the basemap tiles


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cdn_build_without_network_says_why(tmp_path, lang):
    assert main(["-q", "build", "--out", str(tmp_path), "--cdn", "--lang", lang]) == 0
    with open_page(tmp_path / settings.MAP_FILENAME, settle_ms=300) as res:
        alert = res.page.evaluate("""() => {
            const el = document.querySelector('[role=alert]');
            if (!el) { return null; }
            const b = el.getBoundingClientRect();
            return {text: el.textContent, visible: b.width > 300 && b.height > 20
                    && getComputedStyle(el).display !== 'none'};
        }""")
        blocked = res.blocked_requests
    assert any("cdn.jsdelivr.net/npm/leaflet@1.9.3" in url for url in blocked)
    assert alert is not None and alert["visible"]
    assert ("cdn.jsdelivr.net" in alert["text"]
            and ("--cdn" in alert["text"]) and ("Leaflet" in alert["text"]))
    assert ("联网" in alert["text"]) == (lang == "zh")


def test_cdn_page_with_leaflet_loaded_hides_the_message(tmp_path):
    """The same page once Leaflet is there (served from the pinned copy): no message."""
    from g60map.render.web.assets import inline_js

    m = build_map(basemap="none", cdn=True)
    page = save_map(m, tmp_path / "map.html").read_text(encoding="utf-8")
    for url in re.findall(r'<script src="([^"]+)"></script>', page):
        name = url.rsplit("/", 1)[1]
        page = page.replace(f'<script src="{url}"></script>',
                            f"<script>{inline_js(name)}</script>")
    (tmp_path / "map.html").write_text(page, encoding="utf-8")
    with open_page(tmp_path / "map.html", settle_ms=200) as res:
        res.page.wait_for_function(
            "() => document.querySelectorAll('.leaflet-map-pane svg path').length > 50")
        alert = count_selector(res.page, "[role=alert]")
    assert alert == 0
