"""Pointer, keyboard and search on the corridor map, in headless Chromium (en and zh)."""

from __future__ import annotations

import pytest

import g60map
from g60map import settings
from g60map.render.web.interactive import build_map, save_map
from tests._browser import open_page, requires_browser

pytestmark = [pytest.mark.browser, requires_browser]

#: A pixel of the page where the city's own path is the topmost element (scanned from its
#: bounding box, nearest its middle first).
POINT_IN_CITY_JS = """(code) => {
  const poly = G60Map.instances[0].layers.cities.getLayers().find((l) => l.g60code === code);
  const e = poly.getElement(), b = e.getBoundingClientRect();
  const cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2, hits = [];
  for (let y = b.top + 3; y < b.bottom - 3; y += 4) {
    for (let x = b.left + 3; x < b.right - 3; x += 4) {
      if (document.elementFromPoint(x, y) === e) { hits.push([x, y]); }
    }
  }
  hits.sort((p, q) => Math.hypot(p[0] - cx, p[1] - cy) - Math.hypot(q[0] - cx, q[1] - cy));
  return hits[0];
}"""

HOVER_JS = """() => Array.from(document.querySelectorAll('.leaflet-g60mHover-pane path'),
  (p) => p.getAttribute('d'))"""

CITY_D_JS = """(code) => G60Map.instances[0].layers.cities.getLayers()
  .find((l) => l.g60code === code).getElement().getAttribute('d')"""

TOOLTIP_OPEN_JS = """(code) => G60Map.instances[0].layers.cities.getLayers()
  .find((l) => l.g60code === code).isTooltipOpen()"""

FOCUS_JS = """() => { const a = document.activeElement;
  return {tag: a.tagName.toLowerCase(), visible: a.matches(':focus-visible'),
          outline: getComputedStyle(a).outlineStyle}; }"""

POPUP_JS = """() => { const m = G60Map.instances[0].map;
  const e = document.querySelectorAll('.leaflet-popup-pane .leaflet-popup');
  const open = Array.from(e).filter((p) => p.style.opacity !== '0');
  return open.length ? open[open.length - 1].innerText : null; }"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interaction")
    return {lang: save_map(build_map(lang=lang, basemap="none"), folder / f"{lang}.html",
                           self_contained=True) for lang in ("en", "zh")}


def _open(path):
    ctx = open_page(path, viewport=(1200, 800), settle_ms=0)
    res = ctx.__enter__()
    res.page.emulate_media(reduced_motion="reduce")
    res.page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
    res.settle(200)
    return ctx, res


def _clean(res):
    assert res.page_errors == [] and res.unexpected_console_errors == []


def test_hover_highlights_the_city_and_the_tooltip_yields_to_the_popup(pages):
    ctx, res = _open(pages["en"])
    try:
        page = res.page
        assert page.evaluate(HOVER_JS) == []
        hefei, wuhu = (page.evaluate(POINT_IN_CITY_JS, code) for code in ("340100", "340200"))
        page.mouse.move(*hefei)
        assert page.evaluate(HOVER_JS) == [page.evaluate(CITY_D_JS, "340100")]
        assert page.evaluate(TOOLTIP_OPEN_JS, "340100") is True
        page.mouse.move(*wuhu)
        assert page.evaluate(HOVER_JS) == [page.evaluate(CITY_D_JS, "340200")]
        # the click opens the popup and closes the city's tooltip, which stays closed
        page.mouse.move(*hefei)
        page.mouse.click(*hefei)
        res.settle(100)
        assert "Hefei" in page.evaluate(POPUP_JS)
        assert page.evaluate(TOOLTIP_OPEN_JS, "340100") is False
        page.mouse.move(*wuhu)
        assert page.evaluate(TOOLTIP_OPEN_JS, "340200") is True  # other cities still have one
        page.mouse.move(*hefei)
        assert page.evaluate(TOOLTIP_OPEN_JS, "340100") is False
        assert page.evaluate(HOVER_JS) == [page.evaluate(CITY_D_JS, "340100")]
        page.mouse.move(1199, 400)  # over the legend: no city under the pointer
        assert page.evaluate(HOVER_JS) == []
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_no_focus_ring_left_on_a_clicked_city_but_keyboard_focus_shows(pages):
    ctx, res = _open(pages["en"])
    try:
        page = res.page
        hefei = page.evaluate(POINT_IN_CITY_JS, "340100")
        page.mouse.click(*hefei)
        res.settle(100)
        focus = page.evaluate(FOCUS_JS)
        assert focus["tag"] != "path" or focus["outline"] == "none", focus
        page.keyboard.press("Escape")  # closes the popup, from the keyboard
        res.settle(300)
        assert page.evaluate(POPUP_JS) is None
        focus = page.evaluate(FOCUS_JS)
        assert focus["tag"] == "div", focus  # back on the map, not on the city
        page.mouse.click(*hefei)
        res.settle(100)
        page.click(".leaflet-popup-close-button")
        res.settle(300)
        focus = page.evaluate(FOCUS_JS)
        assert focus["tag"] != "path" and not (focus["visible"] and focus["tag"] == "path")
        # keyboard focus: the search box shows it
        page.focus(".g60m-search input")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        assert focus == {"tag": "input", "visible": True, "outline": "solid"}, focus
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def _results(page, query):
    page.fill(".g60m-search input", query)
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.g60m-results li:not(.g60m-none)'), (li) =>"
        " [li.querySelector('.g60m-hit').textContent, li.querySelector('.g60m-kind')"
        ".textContent])")


def _zoom(page):
    return page.evaluate("() => G60Map.instances[0].map.getZoom()")


def test_search_ranks_exact_then_prefix_then_substring(pages):
    ctx, res = _open(pages["en"])
    try:
        page = res.page
        hits = [h[0] for h in _results(page, "hang")]
        assert hits[0] == "Hangzhou" and {"Changning", "Minhang", "Changzhou"} <= set(hits)
        assert _results(page, "hangzhou")[0][0] == "Hangzhou"
        page.press(".g60m-search input", "Enter")
        res.settle(300)
        assert page.evaluate(POPUP_JS).startswith("Hangzhou")
        # both languages: a Chinese name finds the partner, the city, in the English map
        assert _results(page, "中国移动") == [["China Mobile", "Partners · Songjiang"]]
        assert _results(page, "杭州")[0][0] == "Hangzhou"
        # investments are found, and the arrow keys choose among the results
        hits = _results(page, "supercomputing")
        assert hits == [["Yangtze River Delta supercomputing center and industrial base",
                         "Investments · Tencent"]]
        page.press(".g60m-search input", "Enter")
        res.settle(300)
        text = page.evaluate(POPUP_JS)
        assert text.startswith("Yangtze River Delta supercomputing")
        assert "Located at the city seat" in text
        hits = _results(page, "china")
        assert len(hits) >= 2 and all(h[1] == "Partners · Songjiang" for h in hits)
        page.press(".g60m-search input", "ArrowDown")
        page.press(".g60m-search input", "ArrowDown")
        page.press(".g60m-search input", "Enter")
        res.settle(300)
        assert page.evaluate(POPUP_JS).startswith(hits[1][0])
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize(("lang", "query", "title", "note"), [
    ("en", "alauda", "Beijing Alauda", "Located at the city seat"),
    ("zh", "灵雀云", "灵雀云", "位于城市驻地"),
    ("zh", "alauda", "灵雀云", "位于城市驻地"),
])
def test_a_partner_at_a_city_seat_is_shown_at_the_city(pages, lang, query, title, note):
    """No zoom past the city the data name, and the popup says where the point is."""
    ctx, res = _open(pages[lang])
    try:
        page = res.page
        hits = _results(page, query)
        assert hits and hits[0][0].startswith(title)
        page.press(".g60m-search input", "Enter")
        res.settle(300)
        text = page.evaluate(POPUP_JS)
        assert text.startswith(title) and note in text
        view = page.evaluate(
            """() => { const api = G60Map.instances[0], map = api.map;
              const hub = api.layers.cities.getLayers().find((l) => l.g60code === '310117');
              const b = hub.getBounds();
              return {zoom: map.getZoom(), fit: map.getBoundsZoom(b),
                      whole: map.getBounds().contains(b)}; }""")
        assert view["zoom"] <= view["fit"] and view["whole"], view
        cities = g60map.load_cities()
        seat = cities.loc[cities["code"] == settings.HUB_CODE, ["lon", "lat"]].to_numpy()[0]
        anchor = page.evaluate(
            """() => { let p = null; G60Map.instances[0].map.eachLayer((l) => {
              if (l instanceof L.Popup) { p = l.getLatLng(); } }); return [p.lng, p.lat]; }""")
        assert anchor == pytest.approx(list(seat), abs=1e-5)
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_search_in_chinese_map_finds_english_names(pages):
    ctx, res = _open(pages["zh"])
    try:
        page = res.page
        assert _results(page, "hangzhou")[0][0] == "杭州市"
        assert _results(page, "杭州")[0][0] == "杭州市"
        assert _results(page, "China Mobile") == [["中国移动", "合作伙伴 · 松江区"]]
        # the project's title is Chinese in the zh map (project_zh of the packaged data)
        assert _results(page, "超算") == [["长三角超算中心及产业基地", "投资 · 腾讯"]]
        assert _results(page, "无此名称") == []
        assert page.inner_text(".g60m-results .g60m-none") == "无匹配结果"
        page.press(".g60m-search input", "Escape")
        assert page.input_value(".g60m-search input") == ""
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_phone_search_folds_into_a_button(pages):
    with open_page(pages["zh"], viewport=(390, 844), settle_ms=0) as res:
        page = res.page
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        assert not page.is_visible(".g60m-search input")
        page.click(".g60m-search-btn")
        assert page.is_visible(".g60m-search input")
        assert page.evaluate("() => document.activeElement.type") == "search"
        assert _results(page, "hefei")[0][0] == "合肥市"
        page.press(".g60m-search input", "Enter")
        res.settle(300)
        assert page.evaluate(POPUP_JS).startswith("合肥市")
        assert not page.is_visible(".g60m-search input")  # folded, off the popup
        assert page.is_visible(".g60m-search-btn")
        _clean(res)


def test_search_finds_clustered_points_by_either_name(tmp_path):
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"name": ["Alpha Co", "Beta Co", "Gamma Co"], "name_zh": ["甲公司", "", "丙公司"],
         "location_precision": ["point", "city", "point"]},
        geometry=gpd.points_from_xy([121.0, 120.0, 119.0], [31.0, 30.5, 30.0]),
        crs=settings.WGS84)
    import dataclasses

    import g60map

    corridor = g60map.load_corridor(frame, outside="keep")
    placed = corridor.partners.assign(location_precision=["point", "city", "point"])
    corridor = dataclasses.replace(corridor, partners=placed)
    m = build_map(corridor, lang="en", basemap="none", detail_limit=1)
    assert m.payload["partners"]["mode"] == "points"
    ctx, res = _open(save_map(m, tmp_path / "points.html", self_contained=True))
    try:
        page = res.page
        assert _results(page, "丙") == [["Gamma Co", "Partners · Hangzhou"]]
        page.press(".g60m-search input", "Enter")
        page.wait_for_function("() => document.querySelector('.leaflet-popup-content')")
        res.settle(300)
        assert page.evaluate(POPUP_JS).startswith("Gamma Co")
        assert "Located at the city seat" not in page.evaluate(POPUP_JS)
        assert _results(page, "beta")[0][0] == "Beta Co"
        page.press(".g60m-search input", "Enter")
        res.settle(300)
        text = page.evaluate(POPUP_JS)
        assert text.startswith("Beta Co") and "Located at the city seat" in text
        assert _zoom(page) <= 10
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)
