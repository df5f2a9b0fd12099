"""Self-test of the headless-browser harness in tests/_browser.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests._browser import (
    Remote,
    count_selector,
    get_browser,
    open_all_popups,
    open_page,
    requires_browser,
    screenshot_stats,
)

pytestmark = [pytest.mark.browser, requires_browser]


def test_remote_requests_are_blocked_and_recorded():
    html = """<!doctype html><html><head>
    <script src="https://example.com/x.js"></script>
    </head><body>
    <img src="http://tile.example/1.png">
    <script>fetch('https://example.com/api').catch(() => {});</script>
    </body></html>"""
    with open_page(html) as res:
        assert "https://example.com/x.js" in res.blocked_requests
        assert "http://tile.example/1.png" in res.blocked_requests
        assert "https://example.com/api" in res.blocked_requests
        assert res.remote_responses == []
        # the blocked loads are the only console errors
        assert res.console_errors
        assert res.unexpected_console_errors == []
        assert res.page_errors == []
        assert res.url.startswith("file://")


def test_alert_is_recorded_and_dismissed():
    with open_page("<!doctype html><script>alert(1)</script><p>after</p>") as res:
        assert res.dialogs == ["1"]
        assert count_selector(res.page, "p") == 1


def test_uncaught_exception_is_recorded():
    with open_page("<!doctype html><script>throw new Error('boom-123')</script>") as res:
        assert res.page_errors
        assert "boom-123" in res.page_errors[0]
        assert res.dialogs == []


def test_screenshot_stats_see_colour(tmp_path):
    html = """<!doctype html><html><body style="margin:0;background:#fff">
    <div style="width:300px;height:200px;background:rgb(200,30,40)"></div>
    </body></html>"""
    with open_page(html, viewport=(400, 300)) as res:
        stats = screenshot_stats(res.page, tmp_path / "shot.png")
    assert (tmp_path / "shot.png").is_file()
    assert (stats["width"], stats["height"]) == (400, 300)
    assert stats["distinct_colors"] > 1
    assert stats["non_white_fraction"] == pytest.approx(300 * 200 / (400 * 300), abs=0.01)


def test_open_page_accepts_a_path(tmp_path):
    page_file = tmp_path / "p.html"
    page_file.write_text("<!doctype html><ul><li>a</li><li>b</li></ul>", encoding="utf-8")
    with open_page(page_file) as res:
        assert count_selector(res.page, "li") == 2
    with pytest.raises(FileNotFoundError):
        with open_page(tmp_path / "missing.html"):
            pass


def test_asyncio_run_still_works_after_browser_use():
    with open_page("<!doctype html><p>x</p>"):
        pass

    async def answer() -> int:
        return 42

    assert asyncio.run(answer()) == 42
    with open_page("<!doctype html><p>y</p>") as res:  # the cached browser still works
        assert count_selector(res.page, "p") == 1


def test_the_test_thread_never_holds_a_running_event_loop():
    async def answer() -> int:
        return 42

    with open_page("<!doctype html><p>x</p>") as res:
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        assert asyncio.run(answer()) == 42  # also while a page is open
        assert count_selector(res.page, "p") == 1


def test_pages_can_be_opened_from_inside_a_running_event_loop():
    async def inside() -> int:
        with open_page("<!doctype html><p>a</p><p>b</p>") as res:
            return count_selector(res.page, "p")

    assert asyncio.run(inside()) == 2


def test_pages_share_one_browser_and_nothing_else():
    browser = get_browser()
    before = len(browser.contexts)
    with open_page("<!doctype html><p>a</p>") as a, open_page("<!doctype html><p>b</p>") as b:
        assert isinstance(a.page, Remote)
        assert a.page.context.browser == browser == b.page.context.browser
        assert a.page.context != b.page.context
        assert len(browser.contexts) == before + 2
        assert a.page.viewport_size == {"width": 1200, "height": 800}  # plain data back
        assert a.page.locator("p").first.inner_text() == "a"
        cyclic = a.page.evaluate("() => { const o = {n: 1, list: []}; o.self = o;"
                                 " o.list.push(o); return o; }")
        assert cyclic["n"] == 1 and cyclic["self"] is cyclic and cyclic["list"][0] is cyclic
        with pytest.raises(Exception, match="thrown-in-page"):
            b.page.evaluate("() => { throw new Error('thrown-in-page'); }")
    assert len(browser.contexts) == before
    assert get_browser() == browser


def _leaflet_assets() -> tuple[str, str]:
    leaflet = pytest.importorskip("xstatic.pkg.leaflet")
    base = Path(leaflet.BASE_DIR)
    return (
        (base / "leaflet.js").read_text(encoding="utf-8"),
        (base / "leaflet.css").read_text(encoding="utf-8"),
    )


def test_open_all_popups_renders_escaped_payloads_as_text():
    js, css = _leaflet_assets()
    payload = "&lt;img src=x onerror=alert(1)&gt;"
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": f"feature-{i}"},
                "geometry": {"type": "Point", "coordinates": [121.2 + i / 10, 31.0]},
            }
            for i in range(3)
        ],
    }
    html = f"""<!doctype html><html><head><style>{css}</style><script>{js}</script></head>
    <body><div id="m" style="width:600px;height:400px"></div><script>
    var map_abc = L.map('m').setView([31.0, 121.3], 9);
    var marker_1 = L.marker([31.0, 121.3]).addTo(map_abc).bindPopup('{payload}');
    var marker_2 = L.marker([31.1, 121.4]).addTo(map_abc).bindTooltip('tip-2');
    var geo_json_1 = L.geoJSON({json.dumps(geojson)}).addTo(map_abc)
        .bindPopup(function (layer) {{ return 'pop:' + layer.feature.properties.name; }});
    </script></body></html>"""
    with open_page(html) as res:
        overlays = open_all_popups(res.page)
        assert res.page_errors == []
        assert res.dialogs == []  # the payload never ran
        assert count_selector(res.page, "img[src='x']") == 0
    assert overlays.maps == 1
    assert overlays.errors == []
    assert "<img src=x onerror=alert(1)>" in overlays.text
    assert payload in overlays.html
    assert "tip-2" in overlays.text
    for i in range(3):
        assert f"pop:feature-{i}" in overlays.text


def test_open_all_popups_exposes_injected_markup():
    """Unescaped HTML in a popup runs once opened: the harness must catch it."""
    js, css = _leaflet_assets()
    html = f"""<!doctype html><html><head><style>{css}</style><script>{js}</script></head>
    <body><div id="m" style="width:600px;height:400px"></div><script>
    var map_xyz = L.map('m').setView([31.0, 121.3], 9);
    var group = L.featureGroup().addTo(map_xyz);
    L.circleMarker([31.0, 121.3]).addTo(group).bindPopup('<img src="nope.png" onerror="alert(7)">');
    </script></body></html>"""
    with open_page(html) as res:
        assert res.dialogs == []  # nothing runs until the popup opens
        overlays = open_all_popups(res.page)
        assert res.dialogs == ["7"]
    assert overlays.maps == 1
    assert "onerror" in overlays.html
