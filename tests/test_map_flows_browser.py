"""Investment flows a reader can follow, in Chromium: capped and light, the flow under the
pointer highlighted, the flows of one origin shown alone (and kept in the page's link), lines
from far origins faint outside the corridor; and a member fill that leaves the basemap readable.

The map is the analyst's (tests/_analyst.py) with two investments from far away (Beijing
and Shenzhen); expected counts come from the corridor's flows, with pandas.
"""

from __future__ import annotations

import functools

import pytest

import g60map
from g60map import settings
from g60map.render.text import LABELS
from g60map.render.web.interactive import build_map, save_map
from tests._analyst import analyst_tables
from tests._browser import map_pages, open_page, requires_browser, size_params

pytestmark = [pytest.mark.browser, requires_browser]

FAST = {((1366, 650), "zh"), ((390, 844), "en")}
#: Origins of the ten investments: two far from the corridor, two with none.
ORIGINS = ("Beijing", "Shenzhen", "", "Nanjing", "Suzhou", "Hefei", "", "Jinhua", "Huangpu",
           "Hefei")


@functools.cache
def far_corridor() -> g60map.Corridor:
    partners, investments = analyst_tables()
    investments["origin_city"] = list(ORIGINS)
    return g60map.load_corridor(partners, investments, outside="keep")


def _params():
    return size_params(FAST)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return map_pages(tmp_path_factory.mktemp("flows"), far_corridor())


def _open(pages, size, lang):
    notebook = size == "notebook"
    ctx = open_page(pages[lang + "-notebook"] if notebook else pages[lang],
                    viewport=(680, 520) if notebook else size, settle_ms=0)
    res = ctx.__enter__()
    res.page.emulate_media(reduced_motion="reduce")
    frame = (next(f for f in res.page.frames if f != res.page.main_frame) if notebook
             else res.page)
    frame.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
    res.settle(100)
    return ctx, res, frame


#: Each flow's drawn width and opacity (inner part), and its far part's, if any.
FLOWS_JS = """() => G60Map.instances[0].flows.map((f) => {
  const a = (l, k) => l && l.getElement() ? Number(l.getElement().getAttribute(k)) : null;
  return {tip: f.tip, w: a(f.line, 'stroke-width'), op: a(f.line, 'stroke-opacity'),
          far: f.far ? a(f.far, 'stroke-opacity') : null,
          dash: f.far && f.far.getElement() ? f.far.getElement().getAttribute('stroke-dasharray')
            : null,
          on: G60Map.instances[0].layers.flows.hasLayer(f.line)};
})"""

#: A point of the widest flow's line that the pointer reaches (page pixels), or null.
POINT_JS = """() => {
  const f = G60Map.instances[0].flows[0], e = f.line.getElement();
  const n = e.getTotalLength(), m = e.getScreenCTM();
  for (let k = 1; k < 40; k++) {
    const p = e.getPointAtLength(n * ((k * 7) % 40) / 40);
    const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
    if (document.elementFromPoint(x, y) === e) { return [x, y]; }
  }
  return null;
}"""


@pytest.mark.parametrize(("size", "lang"), _params())
def test_flows_are_capped_light_and_highlighted_under_the_pointer(pages, size, lang):
    ctx, res, frame = _open(pages, size, lang)
    try:
        flows = frame.evaluate(FLOWS_JS)
        assert len(flows) == len(far_corridor().flows) == 8
        widths = [f["w"] for f in flows]
        assert max(widths) == settings.FLOW_MAX_WIDTH_PX <= 6
        assert all(f["op"] <= 0.5 for f in flows)
        point = frame.evaluate(POINT_JS)
        assert point is not None
        offset = [0, 0] if frame == res.page else res.page.evaluate(
            "() => { const f = document.querySelector('iframe'), r = f.getBoundingClientRect();"
            " return [r.left + f.clientLeft, r.top + f.clientTop]; }")
        res.page.mouse.move(point[0] + offset[0], point[1] + offset[1])
        res.settle(50)
        hovered = frame.evaluate(FLOWS_JS)
        assert hovered[0]["op"] >= 0.85 and hovered[0]["w"] == widths[0] + 2
        assert all(f["op"] <= 0.15 and f["w"] == w for f, w in zip(hovered[1:], widths[1:],
                                                                    strict=True))
        # off the flow: all as drawn again
        frame.evaluate("() => { G60Map.instances[0].flows[0].line.fire('mouseout'); }")
        assert frame.evaluate(FLOWS_JS) == flows
        assert res.page_errors == [] and res.unexpected_console_errors == []
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_flows_of_one_origin_are_shown_alone(pages, lang, tmp_path):
    corridor = far_corridor()
    ctx, res, frame = _open(pages, (1366, 650), lang)
    try:
        select = ".g60m-flow-origin select"
        options = frame.evaluate(f"() => Array.from(document.querySelectorAll('{select} option'),"
                                 " (o) => o.textContent)")
        t = LABELS[lang]
        assert options[0] == t["all_origins"]
        by_origin = corridor.flows.groupby("origin")["amount_cny"].sum()
        assert sorted(options[1:]) == sorted(by_origin.index)
        assert options[1] == by_origin.idxmax()  # the largest total first
        for j, origin in enumerate(options[1:]):
            frame.select_option(select, str(j))
            drawn = [f for f in frame.evaluate(FLOWS_JS) if f["on"]]
            assert len(drawn) == int((corridor.flows["origin"] == origin).sum()) >= 1
            assert all(f["tip"].startswith(origin) for f in drawn)
        lines = frame.evaluate("async () => (await G60Map.instances[0].png({scale: 1})).lines")
        assert any(line.startswith(t["flow_origin"]) and line.endswith(options[-1])
                   for line in lines)
        frame.select_option(select, "-1")
        assert sum(f["on"] for f in frame.evaluate(FLOWS_JS)) == 8
        assert res.page_errors == [] and res.unexpected_console_errors == []
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize(("size", "lang"), [
    pytest.param((1366, 650), "en", id="1366x650-en"),
    pytest.param((390, 844), "zh", id="390x844-zh", marks=pytest.mark.slow)])
def test_the_link_restores_the_flow_origin(pages, size, lang):
    corridor = far_corridor()
    ctx, res, frame = _open(pages, size, lang)
    try:
        page = res.page
        select = ".g60m-flow-origin select"
        last = frame.evaluate(f"() => document.querySelectorAll('{select} option').length") - 2
        origin = frame.evaluate(f"() => document.querySelectorAll('{select} option')[{last + 1}]"
                                ".textContent")
        frame.select_option(select, str(last))
        url = page.evaluate("() => G60Map.instances[0].state()")
        key = page.evaluate("() => G60Map.instances[0].map.getContainer().id") + ".from="
        assert f"{key}{last}" in url.split("&")
        page.goto(pages[lang].as_uri() + url)
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(200)
        # the select and the flows drawn are those of the origin the link chose
        assert page.evaluate(f"() => document.querySelector('{select}').value") == str(last)
        drawn = [f for f in page.evaluate(FLOWS_JS) if f["on"]]
        assert len(drawn) == int((corridor.flows["origin"] == origin).sum()) >= 1
        assert all(f["tip"].startswith(origin) for f in drawn)
        # the hash edited on the open page: no .from (or one that is no origin) shows all
        for tail in ("", "99", "-2", "1.5", "x"):
            hash_ = "&".join(p for p in url[1:].split("&") if not p.startswith(key))
            if tail:
                hash_ += f"&{key}{tail}"
            page.evaluate("(h) => { location.hash = h; }", hash_)
            res.settle(100)
            assert page.evaluate(f"() => document.querySelector('{select}').value") == "-1"
            assert sum(f["on"] for f in page.evaluate(FLOWS_JS)) == 8
            assert key not in page.evaluate("() => G60Map.instances[0].state()")
            # and back to the link's origin
            page.evaluate("(h) => { location.hash = h; }", url[1:])
            res.settle(100)
            assert len([f for f in page.evaluate(FLOWS_JS) if f["on"]]) == len(drawn)
        assert res.page_errors == [] and res.unexpected_console_errors == []
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_far_origins_are_faint_outside_the_corridor(pages, lang):
    ctx, res, frame = _open(pages, (1024, 600), lang)
    try:
        flows = frame.evaluate(FLOWS_JS)
        far = [f for f in flows if f["far"] is not None]
        assert {f["tip"].split(" ")[0].split("至")[0] for f in far} == {"Beijing", "Shenzhen"}
        assert all(f["far"] <= 0.25 and f["dash"] for f in far)
        # the opening view is the corridor's, not the flows'
        view = frame.evaluate("""() => { const b = G60Map.instances[0].map.getBounds();
          return [b.contains([39.9, 116.4]), b.contains([22.54, 114.06]),
                  b.contains([31.03, 121.23])]; }""")
        assert view == [False, False, True]  # Beijing, Shenzhen out; Songjiang in
        assert res.page_errors == [] and res.unexpected_console_errors == []
    finally:
        ctx.__exit__(None, None, None)


def test_member_fill_leaves_the_basemap_readable(tmp_path):
    path = save_map(build_map(far_corridor(), basemap="osm"), tmp_path / "osm.html",
                    self_contained=True)
    with open_page(path, viewport=(1366, 650), settle_ms=0) as res:
        page = res.page
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        member = """(code) => Number(G60Map.instances[0].layers.cities.getLayers()
          .find((l) => l.g60code === code).getElement().getAttribute('fill-opacity'))"""
        assert 0.45 <= page.evaluate(member, "330100") <= 0.55  # Hangzhou, at the first view
        page.evaluate("() => { G60Map.instances[0].map.setView([30.27, 120.15], 11, "
                      "{animate: false}); }")
        assert page.evaluate(member, "330100") <= 0.3
        page.evaluate("() => { G60Map.instances[0].map.setView([30.27, 120.15], 7, "
                      "{animate: false}); }")
        assert 0.45 <= page.evaluate(member, "330100") <= 0.55
        assert res.page_errors == []
