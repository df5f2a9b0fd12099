"""Search, keyboard and the link on the corridor map, in headless Chromium (en and zh).

The investment carries a Chinese investor and project name here (``investor_zh``,
``project_zh``), as a bilingual table does. Popups opened from the search are measured
with the map's animations on, as a reader sees them: the popup (its box, tip and close
button) must end inside the map and clear of every control.
"""

from __future__ import annotations

import dataclasses

import pytest

import g60map
from g60map.render.web.interactive import build_map, save_map
from tests._browser import open_page, requires_browser

pytestmark = [pytest.mark.browser, requires_browser]

SIZES = [(1366, 650), (1024, 600), (600, 450), (390, 844), (360, 640)]
#: Laptop, notebook frame and phone sizes, en and zh: two in the default run, the rest slow.
FAST = {("en", (1366, 650)), ("zh", (390, 844))}
EVERY_SIZE = [pytest.param(lang, size, id=f"{lang}-{size[0]}x{size[1]}",
                           marks=() if (lang, size) in FAST else pytest.mark.slow)
              for size in SIZES for lang in ("en", "zh")]
PROJECT_ZH = "长三角超算中心及产业基地"

#: The popup open now, once it and the map stand still (no pan or zoom under way, two
#: measures 150 ms apart agree), and what it covers: the map's edges, the visible controls.
POPUP_JS = """async () => {
  const map = G60Map.instances[0].map, box = map.getContainer(), o = box.getBoundingClientRect();
  const moving = () => !!((map._panAnim && map._panAnim._inProgress) || map._animatingZoom);
  const W = box.clientWidth, H = box.clientHeight;
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {x1: r.left - o.left, y1: r.top - o.top, x2: r.right - o.left, y2: r.bottom - o.top}; };
  const measure = () => {
    const open = Array.from(box.querySelectorAll('.leaflet-popup'))
      .filter((p) => p.style.opacity !== '0');
    if (!open.length) { return null; }
    const e = open[open.length - 1];
    let r = null;
    for (const sel of ['.leaflet-popup-content-wrapper', '.leaflet-popup-tip-container',
                       '.leaflet-popup-close-button']) {
      const q = rect(e.querySelector(sel));
      r = r ? {x1: Math.min(r.x1, q.x1), y1: Math.min(r.y1, q.y1), x2: Math.max(r.x2, q.x2),
               y2: Math.max(r.y2, q.y2)} : q;
    }
    return {text: e.querySelector('.leaflet-popup-content').innerText, r};
  };
  let a = measure();
  for (let i = 0; i < 40; i++) {
    await new Promise((ok) => setTimeout(ok, 150));
    const b = measure();
    if (a && b && !moving() && JSON.stringify(a) === JSON.stringify(b)) { break; }
    a = b;
  }
  if (!a) { return null; }
  const r = a.r, bad = [];
  if (r.x1 < -0.5 || r.y1 < -0.5 || r.x2 > W + 0.5 || r.y2 > H + 0.5) {
    bad.push(['outside the map', r, W, H]);
  }
  for (const c of box.querySelectorAll('.leaflet-control')) {
    if (!c.offsetWidth || !c.offsetHeight) { continue; }
    const q = rect(c);
    if (Math.min(r.x2, q.x2) - Math.max(r.x1, q.x1) > 0.5 &&
        Math.min(r.y2, q.y2) - Math.max(r.y1, q.y1) > 0.5) {
      bad.push([c.className.split(' ')[0], r, q]);
    }
  }
  return {text: a.text, bad};
}"""

RESULTS_JS = """() => Array.from(document.querySelectorAll('.g60m-results li:not(.g60m-none)'),
  (li) => [li.querySelector('.g60m-hit').textContent,
           li.querySelector('.g60m-kind').textContent])"""

OPEN_POPUPS_JS = """() => Array.from(document.querySelectorAll('.leaflet-popup'))
  .filter((p) => p.style.opacity !== '0').length"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    corridor = g60map.load_corridor()
    inv = corridor.investments.assign(investor_zh=["腾讯"], project_zh=[PROJECT_ZH])
    corridor = dataclasses.replace(corridor, investments=inv)
    return {lang: save_map(build_map(corridor, lang=lang, basemap="none"),
                           folder / f"{lang}.html", self_contained=True)
            for lang in ("en", "zh")}


def _open(path, size=(1200, 800), motion=False):
    ctx = open_page(path, viewport=size, settle_ms=0)
    res = ctx.__enter__()
    if not motion:
        res.page.emulate_media(reduced_motion="reduce")
    res.page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
    res.settle(200)
    return ctx, res


def _clean(res):
    assert res.page_errors == [] and res.unexpected_console_errors == []


def _search(page, query):
    if page.is_visible(".g60m-search-btn"):
        page.click(".g60m-search-btn")
    page.fill(".g60m-search input", query)
    return page.evaluate(RESULTS_JS)


# ---------------------------------------------------------------------- what is found


@pytest.mark.parametrize(("lang", "kind", "city"), [("en", "Investments", "Songjiang"),
                                                    ("zh", "投资", "松江区")])
def test_investor_project_and_place_find_the_investment(pages, lang, kind, city):
    ctx, res = _open(pages[lang])
    try:
        page = res.page
        note = "Tencent" if lang == "en" else "腾讯"
        for query in ("Tencent", "tencent", "腾讯", "长三角超算", "supercomputing"):
            hits = _search(page, query)
            assert len(hits) == 1 and hits[0][1] == f"{kind} · {note}", (query, hits)
        page.press(".g60m-search input", "Enter")
        text = page.evaluate(POPUP_JS)["text"]
        assert "supercomputing" in text or PROJECT_ZH in text
        # a place: the city first, then what is in it (partners and the investment)
        hits = _search(page, "songjiang" if lang == "en" else "松江")
        assert hits[0][0] == city and len(hits) == 8
        assert all(h[1].endswith(" · " + city) or h[1] == f"{kind} · {note}" for h in hits[1:])
        assert any(h[1] == f"{kind} · {note}" for h in hits)
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_results_are_keyboard_navigable_and_named_for_assistive_technology(pages):
    ctx, res = _open(pages["en"])
    try:
        page = res.page
        hits = _search(page, "china")
        assert len(hits) >= 3
        state = """() => { const i = document.querySelector('.g60m-search input');
          const a = i.getAttribute('aria-activedescendant');
          return {expanded: i.getAttribute('aria-expanded'), role: i.getAttribute('role'),
                  active: a ? document.getElementById(a).querySelector('.g60m-hit').textContent
                            : null,
                  selected: document.querySelectorAll('.g60m-results [aria-selected=true]')
                    .length}; }"""
        assert page.evaluate(state) == {"expanded": "true", "role": "combobox", "active": None,
                                        "selected": 0}
        for _ in range(3):
            page.press(".g60m-search input", "ArrowDown")
        page.press(".g60m-search input", "ArrowUp")
        assert page.evaluate(state)["active"] == hits[1][0]
        page.press(".g60m-search input", "Enter")
        assert page.evaluate(POPUP_JS)["text"].startswith(hits[1][0])
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


# ---------------------------------------------------------------------- Escape


@pytest.mark.parametrize(("lang", "size"), EVERY_SIZE)
def test_escape_clears_the_search_and_closes_the_popup(pages, lang, size):
    ctx, res = _open(pages[lang], size=size)
    try:
        page = res.page
        _search(page, "hangzhou")
        page.press(".g60m-search input", "Enter")
        assert page.evaluate(OPEN_POPUPS_JS) == 1
        # the map keeps the keyboard: Escape closes the popup
        assert page.evaluate("() => document.activeElement.classList.contains('g60m')")
        page.keyboard.press("Escape")
        res.settle(300)
        assert page.evaluate(OPEN_POPUPS_JS) == 0
        # Escape in the search box: results closed, box cleared, the popup closed
        _search(page, "hefei")
        page.press(".g60m-search input", "Enter")
        hits = _search(page, "hu")
        assert hits and page.evaluate(OPEN_POPUPS_JS) == 1
        page.press(".g60m-search input", "Escape")
        res.settle(300)
        assert page.input_value(".g60m-search input") == ""
        assert page.evaluate(RESULTS_JS) == [] and page.locator(".g60m-results li").count() == 0
        assert page.evaluate(OPEN_POPUPS_JS) == 0
        # Escape with the focus in the popup (its close button) closes it too
        _search(page, "jinhua")
        page.press(".g60m-search input", "Enter")
        page.focus(".leaflet-popup-close-button")
        page.keyboard.press("Escape")
        res.settle(300)
        assert page.evaluate(OPEN_POPUPS_JS) == 0
        assert page.evaluate("() => document.activeElement.classList.contains('g60m')")
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


# ---------------------------------------------------------------------- the keyboard

#: Tab from the map: what takes the focus, in order, until the first partner cluster.
TAB_JS = """() => { const a = document.activeElement;
  if (a.classList.contains('g60m-search-btn')) { return 'search'; }
  if (a.matches('.g60m-search input')) { return 'search'; }
  if (a.closest('.leaflet-control-zoom')) { return 'zoom'; }
  if (a.closest('.leaflet-control-layers')) { return 'layers'; }
  if (a.closest('.g60m-legend')) { return 'legend'; }
  if (a.matches('.g60m-png')) { return 'png'; }
  if (a.matches('path.g60m-seat')) { return 'seat ' + a.getAttribute('aria-label'); }
  if (a.closest('.leaflet-marker-icon')) { return 'marker'; }
  return a.tagName.toLowerCase() + '.' + a.className; }"""


@pytest.mark.parametrize(("lang", "size"), EVERY_SIZE)
def test_tab_reaches_the_controls_then_the_cities_before_the_markers(pages, lang, size):
    ctx, res = _open(pages[lang], size=size)
    try:
        page = res.page
        page.focus(".g60m")
        seen = []
        for _ in range(60):
            page.keyboard.press("Tab")
            seen.append(page.evaluate(TAB_JS))
            if seen[-1] == "marker":
                break
        assert seen[-1] == "marker", seen
        first = {k: seen.index(k) for k in ("search", "zoom", "layers", "legend", "png")}
        seats = [i for i, s in enumerate(seen) if s.startswith("seat ")]
        assert len(seats) == 9 and max(first.values()) < min(seats) < len(seen) - 1, seen
        assert first["search"] <= 6, seen
        # a city from the keyboard: Enter opens its popup
        hub = "Songjiang" if lang == "en" else "松江区"
        page.focus(f"path.g60m-seat[aria-label='{hub}']")
        page.keyboard.press("Enter")
        assert page.evaluate(POPUP_JS)["text"].startswith(hub)
        page.keyboard.press("Escape")
        res.settle(300)
        assert page.evaluate(OPEN_POPUPS_JS) == 0
        # a click on a seat opens the popup and leaves the keyboard with the map
        hefei = "Hefei" if lang == "en" else "合肥市"
        page.evaluate("""(name) => { const api = G60Map.instances[0];
          const dot = api.layers.labels.getLayers().find((l) => l.getElement &&
            l.getElement().getAttribute('aria-label') === name);
          api.map.setView(dot.getLatLng(), api.map.getZoom(), {animate: false}); }""", hefei)
        box = page.locator(f"path.g60m-seat[aria-label='{hefei}']").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.evaluate(POPUP_JS)["text"].startswith(hefei)
        assert page.evaluate("() => document.activeElement.classList.contains('g60m')")
        page.keyboard.press("Escape")
        res.settle(300)
        assert page.evaluate(OPEN_POPUPS_JS) == 0
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


# ---------------------------------------------------------------------- the link

LAYERS_JS = """() => { const api = G60Map.instances[0];
  return Object.keys(api.layers).filter((k) => api.layers[k])
    .filter((k) => api.map.hasLayer(api.layers[k])).sort(); }"""

CHECKED_JS = """() => Array.from(document.querySelectorAll(
  '.leaflet-control-layers-overlays input'), (e) => e.checked)"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_link_restores_layers_switched_off(pages, lang):
    ctx, res = _open(pages[lang])
    try:
        page = res.page
        every = page.evaluate(LAYERS_JS)
        assert {"labels", "partners", "provinces"} <= set(every)
        page.evaluate("""() => { const api = G60Map.instances[0];
          api.map.removeLayer(api.layers.labels); api.map.removeLayer(api.layers.partners); }""")
        page.click(".g60m-link")
        url = page.evaluate("() => location.href")
        assert ".hide=labels.partners" in url
        page.goto("about:blank")
        page.goto(url)
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(200)
        shown = page.evaluate(LAYERS_JS)
        assert shown == sorted(set(every) - {"labels", "partners"})
        # labels and partners, and the districts (off on opening)
        assert page.evaluate(CHECKED_JS).count(False) == 3
        assert "districts" not in shown
        assert page.locator(".g60m-label").count() == 0
        # the hash of the open page edited: the layers follow
        page.evaluate("(h) => { location.hash = h; }",
                      url.split("#")[1].replace("hide=labels.partners", "hide=provinces"))
        res.settle(200)
        assert page.evaluate(LAYERS_JS) == sorted(set(every) - {"provinces"})
        # an old link (no .hide), or names that are no layer: every layer shown
        base = url.split("#")[0]
        for tail in ("", "&map.hide=constructor.__proto__.x"):
            old = "&".join(p for p in url.split("#")[1].split("&") if ".hide=" not in p)
            page.goto("about:blank")
            page.goto(base + "#" + old + tail)
            page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
            assert page.evaluate(LAYERS_JS) == every
        # the districts switched on in place of the cities: the link says so (.show)
        page.evaluate("""() => { const api = G60Map.instances[0];
          api.map.addLayer(api.layers.districts); }""")
        res.settle(200)
        page.click(".g60m-link")
        url = page.evaluate("() => location.href")
        assert ".show=districts" in url
        page.goto("about:blank")
        page.goto(url)
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(200)
        assert "districts" in page.evaluate(LAYERS_JS)
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


# ---------------------------------------------------------------------- popups in view

QUERIES = {"en": ["tencent", "hangzhou", "jinhua", "xuancheng", "huzhou", "songjiang"],
           "zh": ["腾讯", "杭州", "金华", "宣城", "湖州", "松江"]}


def _popups_in_view(pages, lang, size, queries):
    ctx, res = _open(pages[lang], size=size, motion=True)
    try:
        page = res.page
        for query in queries:
            assert _search(page, query), query
            page.press(".g60m-search input", "Enter")
            popup = page.evaluate(POPUP_JS)
            assert popup is not None and popup["bad"] == [], (query, popup)
            page.keyboard.press("Escape")
            page.wait_for_function(OPEN_POPUPS_JS.replace("=> ", "=> 0 === ", 1))
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize(("lang", "size", "queries"), [
    ("en", (1366, 650), ["hangzhou", "tencent"]),
    ("zh", (390, 844), ["杭州", "腾讯"]),
    ("en", (360, 640), ["hangzhou"]),
])
def test_a_popup_from_search_ends_in_view_clear_of_the_controls(pages, lang, size, queries):
    _popups_in_view(pages, lang, size, queries)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_popup_from_search_ends_in_view_at_every_size(pages, lang, size):
    _popups_in_view(pages, lang, size, QUERIES[lang])
