"""No control over the content: the corridor map at the sizes people use, in en and zh.

At each size every popup is opened as a click would open it (city, seat, partner,
investment) and must end up inside the map and clear of every control; the nine city
labels of the opening view must be in view and clear of the controls; no two controls may
overlap. Pans are instant (prefers-reduced-motion), so each popup is measured where it
settles.
"""

from __future__ import annotations

import pytest

from g60map.cli import main
from g60map.render.web.interactive import build_map, map_iframe, save_map
from tests._analyst import analyst_corridor
from tests._browser import open_page, requires_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_browser]

SIZES = [(1366, 650), (1280, 800), (1024, 600), (390, 844)]
NOTEBOOK = (980, 760)  # a notebook page; the map is its 600 px high output frame

#: Every visible control, every label, and each popup opened in turn, measured in the
#: map's pixels; the test's own geometry, independent of g60map-layout.js.
LAYOUT_JS = """(index) => {
  const api = G60Map.instances[index], map = api.map, box = map.getContainer();
  const W = box.clientWidth, H = box.clientHeight, o = box.getBoundingClientRect();
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {x1: r.left - o.left, y1: r.top - o.top, x2: r.right - o.left, y2: r.bottom - o.top}; };
  const cut = (a, b) => Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > 0.5 &&
    Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > 0.5;
  const inside = (r) => r.x1 >= -0.5 && r.y1 >= -0.5 && r.x2 <= W + 0.5 && r.y2 <= H + 0.5;
  const controls = () => Array.from(box.querySelectorAll('.leaflet-control'))
    .filter((e) => e.offsetWidth && e.offsetHeight)
    .map((e) => Object.assign(rect(e), {name: e.className.split(' ')[0]}));
  const out = {W, H, controls: controls(), labels: [], seats: [], popups: 0, bad: []};
  for (const e of box.querySelectorAll('.g60m-label')) {
    out.labels.push(Object.assign(rect(e), {text: e.textContent}));
  }
  for (const p of box.querySelectorAll('.leaflet-g60mSeats-pane path')) {
    out.seats.push(rect(p));
  }
  const center = map.getCenter(), zoom = map.getZoom();
  let last = null;
  map.on('popupopen', (ev) => { last = ev.popup; });
  const check = (what) => {
    /* (a closed popup fades out for a while: measure the one just opened) */
    const e = last && map.hasLayer(last) && last.getElement();
    last = null;
    if (!e) { out.bad.push([what, 'no popup']); return; }
    let r = null;
    for (const sel of ['.leaflet-popup-content-wrapper', '.leaflet-popup-tip-container',
                       '.leaflet-popup-close-button']) {
      const q = rect(e.querySelector(sel));
      r = r ? {x1: Math.min(r.x1, q.x1), y1: Math.min(r.y1, q.y1), x2: Math.max(r.x2, q.x2),
               y2: Math.max(r.y2, q.y2)} : q;
    }
    out.popups++;
    if (!inside(r)) { out.bad.push([what, 'outside the map', r]); }
    for (const c of controls()) { if (cut(r, c)) { out.bad.push([what, c.name, r, c]); } }
  };
  const reset = () => { map.closePopup(); map.setView(center, zoom, {animate: false}); };
  for (const poly of api.layers.cities.getLayers()) {
    poly.openPopup(); check('city ' + poly.g60code); reset();
  }
  for (const dot of api.layers.labels.getLayers().filter((l) => l.getRadius)) {
    dot.fire('click', {latlng: dot.getLatLng()}); check('seat'); reset();
  }
  for (const key of ['partners', 'investments']) {
    const group = api.layers[key];
    if (!group) { continue; }
    for (const m of group.getLayers()) {
      const p = m.getPopup();
      p.setLatLng(m.getLatLng());
      map.openPopup(p);
      check(key + ' ' + L.stamp(m)); reset();
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    out = {}
    # the default map, and the analyst's: time slider, every filter, flows, a fourth metric
    for name, corridor, metrics in (("", None, ()),
                                    ("analyst-", analyst_corridor(), ("employees",))):
        for lang in ("en", "zh"):
            m = build_map(corridor, lang=lang, basemap="none", metrics=metrics)
            out[name + lang] = save_map(m, folder / f"{name}{lang}.html", self_contained=True)
            host = folder / f"{name}{lang}-notebook.html"
            host.write_text(
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
                "<body style='margin:0;padding:20px 30px'>"
                + map_iframe(m, height=600, self_contained=True) + "</body></html>",
                encoding="utf-8")
            out[name + lang + "-notebook"] = host
    return out


def _cut(a, b) -> bool:
    return (min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > 0.5
            and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > 0.5)


def _check_layout(frame, expect_height=None, index=0, popups=72) -> dict:
    res = frame.evaluate(LAYOUT_JS, index)
    if expect_height:
        assert res["H"] == expect_height
    controls = res["controls"]
    names = [c["name"] for c in controls]
    for key in ("g60m-title", "g60m-search", "leaflet-control-layers", "g60m-legend",
                "leaflet-control-scale", "leaflet-control-attribution", "g60m-views",
                "g60m-tools"):
        assert key in names, (key, names)
    for i, a in enumerate(controls):
        assert a["x1"] >= 0 and a["x2"] <= res["W"] and a["y1"] >= 0 and a["y2"] <= res["H"], a
        for b in controls[i + 1:]:
            assert not _cut(a, b), ("controls overlap", a, b)
    scale = controls[names.index("leaflet-control-scale")]
    attribution = controls[names.index("leaflet-control-attribution")]
    assert scale["y2"] <= attribution["y1"] + 0.5, (scale, attribution)
    # the opening view: nine labels and seats in view, clear of the controls and apart
    assert len(res["labels"]) == 9 and len(res["seats"]) == 9
    for item in res["labels"] + res["seats"]:
        assert item["x1"] >= 0 and item["y1"] >= 0, item
        assert item["x2"] <= res["W"] and item["y2"] <= res["H"], item
        for c in controls:
            assert not _cut(item, c), ("under a control", item, c)
    for i, a in enumerate(res["labels"]):
        for b in res["labels"][i + 1:]:
            assert not _cut(a, b), (a, b)
    # every popup: 56 cities, 9 seats, 6 partners, 1 investment (by default)
    assert res["popups"] == popups and res["bad"] == [], res["bad"][:5]
    return res


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_control_over_content(pages, lang, size):
    with open_page(pages[lang], viewport=size, settle_ms=0) as res:
        res.page.emulate_media(reduced_motion="reduce")
        res.page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(100)
        layout = _check_layout(res.page)
        assert (layout["W"], layout["H"]) == size
        assert res.page_errors == [] and res.unexpected_console_errors == []


#: Popups of the analyst's map: 56 cities, 9 seats, 24 partners, 10 investments.
ANALYST_POPUPS = 56 + 9 + 24 + 10


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_control_over_content_with_time_filters_and_flows(pages, lang, size):
    """The time and filters panel (open where there is room), the PNG and link buttons."""
    with open_page(pages["analyst-" + lang], viewport=size, settle_ms=0) as res:
        res.page.emulate_media(reduced_motion="reduce")
        res.page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(100)
        layout = _check_layout(res.page, popups=ANALYST_POPUPS)
        assert (layout["W"], layout["H"]) == size
        assert res.page.locator(".g60m-time input[type=range]").count() == 1
        assert res.page_errors == [] and res.unexpected_console_errors == []


@pytest.mark.parametrize("name", ["", "analyst-"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_control_over_content_in_a_notebook_frame(pages, lang, name):
    popups = ANALYST_POPUPS if name else 72
    with open_page(pages[name + lang + "-notebook"], viewport=NOTEBOOK, settle_ms=0) as res:
        res.page.emulate_media(reduced_motion="reduce")
        frame = next(f for f in res.page.frames if f != res.page.main_frame)
        frame.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(100)
        _check_layout(frame, expect_height=600, popups=popups)
        assert res.page_errors == [] and res.unexpected_console_errors == []


def test_no_control_over_content_in_the_report_maps(tmp_path):
    """The report's two 460 px maps: partners in Chinese, investments in English."""
    assert main(["-q", "report", "--out", str(tmp_path)]) == 0
    report = next(tmp_path.glob("*.html"))
    with open_page(report, viewport=(1000, 600), settle_ms=0) as res:
        res.page.emulate_media(reduced_motion="reduce")
        res.page.wait_for_function("() => window.G60Map && G60Map.instances.length === 2")
        res.settle(100)
        for index, popups in ((0, 56 + 9 + 6), (1, 56 + 9 + 1)):
            res.page.evaluate("(i) => G60Map.instances[i].map.getContainer().scrollIntoView()",
                              index)
            _check_layout(res.page, expect_height=460, index=index, popups=popups)
        assert res.page_errors == [] and res.unexpected_console_errors == []


STATE_JS = """() => ({
  legend: !document.querySelector('.g60m-legend-body').hidden,
  list: document.querySelector('.leaflet-control-layers')
    .classList.contains('leaflet-control-layers-expanded'),
  phone: document.querySelector('.g60m').classList.contains('g60m-phone')})"""


def test_layout_follows_a_resize_and_the_readers_choice(pages):
    with open_page(pages["en"], viewport=(1280, 800), settle_ms=0) as res:
        page = res.page
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        assert page.evaluate(STATE_JS) == {"legend": True, "list": True, "phone": False}
        page.set_viewport_size({"width": 390, "height": 844})
        res.settle(300)
        # the key stays open on a phone, the layer list folds
        assert page.evaluate(STATE_JS) == {"legend": True, "list": False, "phone": True}
        page.set_viewport_size({"width": 1366, "height": 650})
        res.settle(300)
        assert page.evaluate(STATE_JS) == {"legend": True, "list": False, "phone": False}
        # the reader folds the legend: it stays folded, and the layer list has room
        page.click(".g60m-legend-toggle")
        assert page.evaluate(STATE_JS) == {"legend": False, "list": True, "phone": False}
        page.set_viewport_size({"width": 1280, "height": 800})
        res.settle(300)
        assert page.evaluate(STATE_JS) == {"legend": False, "list": True, "phone": False}
        layout = page.evaluate(LAYOUT_JS, 0)
        controls = layout["controls"]
        for i, a in enumerate(controls):
            for b in controls[i + 1:]:
                assert not _cut(a, b), (a, b)
        assert layout["bad"] == []
        assert res.page_errors == [] and res.unexpected_console_errors == []
