"""The analyst's map in Chromium: time slider, filters, metric switch, flows, the view in
the URL and as a PNG (en and zh).

The map is built from synthetic partners and investments dated over five years
(tests/_analyst.py); every expected number is computed here from those tables, with
pandas, independently of the page's script.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from g60map import settings
from g60map.corridor.classify import classify
from g60map.corridor.metrics import city_metrics
from g60map.render.text import LABELS, format_money, format_number
from g60map.render.web.interactive import build_map, save_map
from tests._analyst import YEARS, analyst_corridor
from tests._browser import _decode_png, open_page, requires_browser

pytestmark = [pytest.mark.browser, requires_browser]

#: What the page draws now: circles, partner markers, flows, label values, city fills, the
#: legend's summary and class labels, the slider.
STATE_JS = """() => {
  const api = G60Map.instances[0], box = api.map.getContainer();
  const labels = {}, fills = {};
  for (const e of box.querySelectorAll('.g60m-label')) {
    labels[e.getAttribute('data-code')] = e.getAttribute('data-v');
  }
  for (const l of api.layers.cities.getLayers()) {
    fills[l.g60code] = l.getElement().getAttribute('fill');
  }
  const range = box.querySelector('.g60m-time input');
  return {
    circles: box.querySelectorAll('.leaflet-g60mInvest-pane path').length,
    partners: api.layers.partners.getLayers().length,
    flows: api.flows.filter((f) => api.layers.flows.hasLayer(f.line)).length,
    labels, fills,
    summary: box.querySelector('.g60m-summary').textContent,
    classes: Array.from(box.querySelectorAll('.g60m-legend-body .g60m-legend-row span'),
                        (e) => e.textContent),
    metric: box.querySelector('.g60m-metric select').value,
    t: range ? Number(range.value) : null,
    period: range ? box.querySelector('.g60m-period').textContent : null,
    zoom: api.map.getZoom(), center: api.map.getCenter(),
  };
}"""

CHECK_JS = """([facet, label, on]) => {
  const box = G60Map.instances[0].map.getContainer();
  for (const f of box.querySelectorAll('.g60m-facet')) {
    if (f.querySelector('legend').textContent !== facet) { continue; }
    for (const l of f.querySelectorAll('label')) {
      if (l.textContent === label) {
        const input = l.querySelector('input');
        if (input.checked !== on) { input.click(); }
        return true;
      }
    }
  }
  return false;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("views")
    corridor = analyst_corridor()
    out = {}
    for lang in ("en", "zh"):
        m = build_map(corridor, lang=lang, basemap="none", metrics=["employees"],
                      metric="partners")
        out[lang] = (m, save_map(m, folder / f"{lang}.html", self_contained=True))
    return out


def _open(path, size=(1280, 800)):
    ctx = open_page(path, viewport=size, settle_ms=0)
    res = ctx.__enter__()
    res.page.emulate_media(reduced_motion="reduce")
    res.page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
    res.settle(150)
    return ctx, res


def _clean(res):
    assert res.page_errors == [] and res.unexpected_console_errors == []


def _year(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["date"]).dt.year


def _expected(corridor, shown_p: pd.Series, shown_i: pd.Series) -> dict:
    """Circles, partners, flows and partners per corridor city for the rows shown."""
    inv = corridor.investments
    flows = corridor.flows["row"].isin(inv.loc[shown_i, "row"]).sum()
    per_city = corridor.partners[shown_p].groupby("city_code").size()
    return {"circles": int(shown_i.sum()), "partners": int(shown_p.sum()), "flows": int(flows),
            "labels": {c: str(int(per_city.get(c, 0))) for c in corridor.summary["code"]}}


def _seen(state: dict) -> dict:
    return {k: state[k] for k in ("circles", "partners", "flows", "labels")}


def _slide(page, key: str, times: int = 1) -> None:
    page.focus(".g60m-time input")
    for _ in range(times):
        page.keyboard.press(key)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_time_slider_changes_what_is_drawn(pages, lang):
    corridor = analyst_corridor()
    py, iy = _year(corridor.partners), _year(corridor.investments)
    t = LABELS[lang]
    ctx, res = _open(pages[lang][1])
    try:
        page = res.page
        assert page.locator(".g60m-time input[type=range]").count() == 1
        full = page.evaluate(STATE_JS)
        assert full["t"] == len(YEARS) - 1 and full["period"].startswith("2023")
        assert _seen(full) == _expected(corridor, py > 0, iy > 0)
        assert full["circles"] == 10 and full["partners"] == 24 and full["flows"] == 8
        _slide(page, "Home")  # the first year, cumulative
        first = page.evaluate(STATE_JS)
        assert first["t"] == 0 and first["period"].startswith("2019")
        assert _seen(first) == _expected(corridor, py <= 2019, iy <= 2019)
        assert first["circles"] == 2 < full["circles"]
        n = int((py <= 2019).sum())
        assert t["n_of"].format(n=n, total=24) in first["summary"]
        _slide(page, "ArrowRight", 2)  # up to 2021
        third = page.evaluate(STATE_JS)
        assert third["period"].startswith("2021")
        assert _seen(third) == _expected(corridor, py <= 2021, iy <= 2021)
        page.select_option(".g60m-mode", "per")  # 2021 only
        only = page.evaluate(STATE_JS)
        assert _seen(only) == _expected(corridor, py == 2021, iy == 2021)
        assert only["circles"] == 2 < third["circles"] == 6
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_play_steps_through_every_period_then_stops(pages):
    ctx, res = _open(pages["en"][1])
    try:
        page = res.page
        page.evaluate("""() => { window.seen = [];
          new MutationObserver(() => seen.push(document.querySelector('.g60m-period').textContent))
            .observe(document.querySelector('.g60m-period'), {childList: true}); }""")
        page.click(".g60m-play")  # at the last year: starts again from the first
        page.wait_for_function("() => !document.querySelector('.g60m-play.g60m-playing')",
                               timeout=20_000)
        seen = page.evaluate("() => seen")
        assert [y for i, y in enumerate(seen) if i == 0 or seen[i - 1] != y] == \
            [str(y) for y in YEARS]
        state = page.evaluate(STATE_JS)
        assert state["t"] == len(YEARS) - 1 and state["circles"] == 10
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filters_change_counts_fills_and_legend(pages, lang):
    corridor = analyst_corridor()
    p, i = corridor.partners, corridor.investments
    t = LABELS[lang]
    province = "Anhui" if lang == "en" else "安徽省"
    ctx, res = _open(pages[lang][1])
    try:
        page = res.page
        full = page.evaluate(STATE_JS)
        assert page.evaluate(CHECK_JS, [t["facet_kind"], "telecom operator", False])
        no_telecom = p["kind"] != "telecom operator"
        state = page.evaluate(STATE_JS)
        assert _seen(state) == _expected(corridor, no_telecom, i["row"] >= 0)
        assert t["n_of"].format(n=int(no_telecom.sum()), total=24) in state["summary"]
        assert page.evaluate(CHECK_JS, [t["province"], province, False])
        keep_p = no_telecom & (p["province_code"] != "340000")
        keep_i = i["province_code"] != "340000"
        state = page.evaluate(STATE_JS)
        assert _seen(state) == _expected(corridor, keep_p, keep_i)
        # a city left without partners: the class of 0 ("0" here, where some city has
        # none in the whole data; else no class, the zero fill)
        entry = pages[lang][0].payload["choices"]["list"][0]
        zero = pages[lang][0].payload["style"]["zero"] if entry["none"] else \
            entry["colors"][next(k for k, b in enumerate(entry["bins"]) if b >= 0)]
        assert entry["key"] == "partners" and entry["labels"][0] == "0"
        for code in ("340100", "340200", "341800"):  # Hefei, Wuhu, Xuancheng
            assert state["labels"][code] == "0" and state["fills"][code] == zero
        assert full["fills"]["340100"] != zero
        assert page.evaluate(CHECK_JS, [t["facet_out"], t["outside"], False])
        keep_p &= p["in_corridor"].astype(bool)
        assert _seen(page.evaluate(STATE_JS)) == _expected(corridor, keep_p, keep_i)
        for facet, label in ((t["facet_kind"], "telecom operator"), (t["province"], province),
                             (t["facet_out"], t["outside"])):
            assert page.evaluate(CHECK_JS, [facet, label, True])
        assert _seen(page.evaluate(STATE_JS)) == _seen(full)
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def _value_text(value: float, key: str, lang: str) -> str:
    if key == "invest_cny":
        return format_money(value, lang, "CNY")
    if key == "partners_per_1000km2":
        return format_number(value)
    return f"{int(value):,}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_metric_switch_changes_fills_labels_and_legend(pages, lang):
    corridor = analyst_corridor()
    m = pages[lang][0]
    table = city_metrics(corridor, ["employees"])
    entries = m.payload["choices"]["list"]
    assert [e["key"] for e in entries] == ["partners", "partners_per_1000km2", "invest_cny",
                                           "partners.employees"]
    ctx, res = _open(m and pages[lang][1])
    try:
        page = res.page
        seen = []
        for index, entry in enumerate(entries):
            page.select_option(".g60m-metric select", str(index))
            state = page.evaluate(STATE_JS)
            values = table[entry["key"]].to_numpy(dtype=float)
            classes = classify(values, settings.MAP_SCHEME, settings.MAP_CLASSES)
            zero = m.payload["style"]["zero"]
            for code, v, k in zip(table.index, values, classes.index, strict=True):
                want = entry["colors"][k] if k >= 0 else zero
                assert state["fills"][code] == want, (entry["key"], code)
                assert state["labels"][code] == _value_text(v, entry["key"], lang), code
            none = [LABELS[lang]["legend_none"]] if entry["none"] else []
            assert state["classes"][: len(entry["labels"]) + len(none)] == \
                [*none, *entry["labels"]]
            seen.append(tuple(state["fills"][c] for c in table.index))
        assert len(set(seen)) == len(entries)  # each metric fills the cities differently
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_flows_are_drawn_with_widths_ordered_by_amount(pages):
    corridor = analyst_corridor()
    ctx, res = _open(pages["en"][1])
    try:
        drawn = res.page.evaluate("""() => G60Map.instances[0].flows.map((f) => ({
          tip: f.tip, width: Number(f.line.getElement().getAttribute('stroke-width'))}))""")
        assert res.page.evaluate("() => G60Map.instances[0].layers.spokes") is None
        flows = corridor.flows
        assert len(drawn) == len(flows) == 8
        width = {}
        for d in drawn:
            match = [k for k in range(len(flows)) if d["tip"].startswith(
                f"{flows['origin'].iat[k]} to {flows['project'].iat[k]}:")]
            assert len(match) == 1, d["tip"]
            width[match[0]] = d["width"]
        amounts = flows["amount_cny"].to_numpy(dtype=float)
        order = np.argsort(-amounts, kind="stable")
        widths = np.array([width[k] for k in order])
        assert np.all(np.diff(widths) <= 1e-9)  # larger amount, wider (or equal) line
        assert widths[0] == settings.FLOW_MAX_WIDTH_PX and widths[0] >= 4 * widths[-1]
        big = amounts[order] / amounts.max() * widths[0] >= 1.5
        assert np.allclose(widths[big] / widths[0], amounts[order][big] / amounts.max(),
                           atol=0.01)
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_the_link_restores_the_view_on_load(pages):
    corridor = analyst_corridor()
    ctx, res = _open(pages["en"][1])
    try:
        page = res.page
        page.select_option(".g60m-metric select", "2")  # investment total
        _slide(page, "Home")
        _slide(page, "ArrowRight", 3)  # 2022
        page.select_option(".g60m-mode", "per")
        assert page.evaluate(CHECK_JS, [LABELS["en"]["facet_kind"], "university", False])
        page.evaluate("() => G60Map.instances[0].map.setView([30.5, 119.6], 8.5, "
                      "{animate: false})")
        before = page.evaluate(STATE_JS)
        page.click(".g60m-link")
        url = page.evaluate("() => location.href")
        assert "#" in url and ".m=invest_cny" in url and ".t=2022" in url
        page.goto("about:blank")
        page.goto(url)
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(200)
        after = page.evaluate(STATE_JS)
        assert after["metric"] == "2" and after["t"] == 3 and after["period"] == "2022"
        assert page.evaluate("() => document.querySelector('.g60m-mode').value") == "per"
        assert after["zoom"] == pytest.approx(8.5)
        assert after["center"]["lat"] == pytest.approx(30.5, abs=1e-4)
        assert after["center"]["lng"] == pytest.approx(119.6, abs=1e-4)
        for key in ("circles", "partners", "flows", "labels", "fills", "summary", "classes"):
            assert after[key] == before[key], key
        p = corridor.partners
        shown = (_year(p) == 2022) & (p["kind"] != "university")
        assert after["partners"] == int(shown.sum())
        checked = page.evaluate(
            "() => Array.from(document.querySelectorAll('.g60m-facet input'), (e) => e.checked)")
        assert checked.count(False) == 1
        # an anchor of the page (a report's section) leaves the view as it is
        page.evaluate("() => { location.hash = 'sources'; }")
        res.settle(100)
        assert page.evaluate(STATE_JS) == after
        # editing the hash of the open page: the view follows
        page.evaluate("(h) => { location.hash = h; }",
                      url.split("#")[1].replace(".m=invest_cny", ".m=partners"))
        res.settle(100)
        assert page.evaluate(STATE_JS)["metric"] == "0"
        # a hash that is not ours, or junk, leaves the map as it opens
        page.goto("about:blank")
        page.goto(url.split("#")[0] + "#x=1&map.m=%3Cb%3E&" + url.split("#")[1][:20] + "zz")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        assert page.evaluate(STATE_JS)["circles"] == 10
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def _point_in(page, code: str) -> tuple[int, int]:
    return page.evaluate("""(code) => {
      const poly = G60Map.instances[0].layers.cities.getLayers().find((l) => l.g60code === code);
      const e = poly.getElement(), b = e.getBoundingClientRect(), hits = [];
      /* clear of labels and markers (drawn over the city, not hit by elementFromPoint) */
      const over = Array.from(document.querySelectorAll('.g60m-label, .leaflet-marker-icon'),
                              (m) => m.getBoundingClientRect());
      const clear = (x, y) => over.every((r) => x < r.left - 6 || x > r.right + 6 ||
                                                y < r.top - 6 || y > r.bottom + 6);
      for (let y = b.top + 4; y < b.bottom - 4; y += 5) {
        for (let x = b.left + 4; x < b.right - 4; x += 5) {
          if (document.elementFromPoint(x, y) === e && clear(x, y)) { hits.push([x, y]); }
        }
      }
      const cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2;
      hits.sort((p, q) => Math.hypot(p[0] - cx, p[1] - cy) - Math.hypot(q[0] - cx, q[1] - cy));
      return hits[0].map(Math.round);
    }""", code)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_png_button_saves_the_view(pages, lang, tmp_path):
    ctx, res = _open(pages[lang][1], size=(1100, 700))
    try:
        page = res.page
        with page.expect_download() as info:
            page.click(".g60m-png")
        path = tmp_path / "view.png"
        info.value.save_as(str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = _decode_png(path)
        # the map as on screen, the key in a column at its right
        assert image.shape[0] == 700 and 1100 + 200 <= image.shape[1] <= 1100 + 300
        colours = np.unique(image[:, :1100].reshape(-1, 3), axis=0)
        assert len(colours) > 200  # a map, not a blank canvas
        shot = tmp_path / "page.png"
        page.screenshot(path=str(shot))
        screen = _decode_png(shot)
        for code in ("340100", "330100", "330700"):  # Hefei, Hangzhou, Jinhua
            x, y = _point_in(page, code)
            assert np.abs(image[y, x].astype(int) - screen[y, x].astype(int)).max() <= 6, code
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


def test_png_with_tiles_that_cannot_be_copied_leaves_them_out(tmp_path):
    path = save_map(build_map(analyst_corridor(), basemap="osm"), tmp_path / "osm.html",
                    self_contained=True)
    ctx, res = _open(path)
    try:
        out = res.page.evaluate("""async () => {
          const r = await G60Map.instances[0].png();
          return {tiles: r.tiles, width: r.map[0], size: r.blob.size}; }""")
        assert out["tiles"] == "left out" and out["width"] == 1280 and out["size"] > 10_000
        assert res.page_errors == []
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_default_view_shows_hub_members_others_and_the_investment(lang, tmp_path):
    """The packaged data: all six partners and the investment are in Songjiang."""
    m = build_map(lang=lang, basemap="none")
    path = save_map(m, tmp_path / "map.html", self_contained=True)
    ctx, res = _open(path)
    try:
        state = res.page.evaluate(STATE_JS)
        fills = state["fills"]
        hub, member, other = fills["310117"], fills["330100"], fills["310101"]
        assert len({hub, member, other}) == 3
        assert state["labels"]["310117"] == "6"
        assert {state["labels"][c] for c in state["labels"] if c != "310117"} == {"0"}
        assert state["circles"] == 1
        assert ("CNY 15bn" if lang == "en" else "150亿元") in state["summary"]
        res.page.select_option(".g60m-metric select", "2")  # the investment total
        state = res.page.evaluate(STATE_JS)
        # amounts by the city names read as money, never as metres ("15 m")
        assert state["labels"]["310117"] == ("CNY 15bn" if lang == "en" else "150亿元")
        assert state["fills"]["310117"] == hub  # the top class of either metric
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_switching_the_scheme_in_the_legend_reclasses_the_fills(pages, lang):
    """The legend's scheme and k selects re-class in the page, as classify.py classes."""
    corridor = analyst_corridor()
    m = pages[lang][0]
    table = city_metrics(corridor, ["employees"])
    entry = m.payload["choices"]["list"][0]
    assert entry["key"] == "partners"
    values = table["partners"].to_numpy(dtype=float)
    ctx, res = _open(pages[lang][1])
    try:
        page = res.page
        t = LABELS[lang]
        options = page.eval_on_selector_all(".g60m-scheme option", "(o) => o.map((e) => e.text)")
        assert options == [t["scheme_natural_breaks"], t["scheme_quantiles"], t["scheme_nice"]]
        assert page.eval_on_selector(".g60m-scheme", "(e) => e.value") == settings.MAP_SCHEME
        seen = {}
        for scheme, k in [("natural_breaks", 5), ("nice", 5), ("quantiles", 3),
                          ("natural_breaks", 2)]:
            page.select_option(".g60m-scheme", scheme)
            page.select_option(".g60m-k", str(k))
            state = page.evaluate(STATE_JS)
            classes = classify(values, scheme, k)
            ramp = m.payload["choices"]["ramps"][str(classes.k)]
            zero = m.payload["style"]["zero"]
            want = {code: ramp[i] if i >= 0 else zero
                    for code, i in zip(table.index, classes.index, strict=True)}
            assert {c: state["fills"][c] for c in table.index} == want, (scheme, k)
            seen[scheme, k] = tuple(want.values())
            labels = build_map(corridor, lang=lang, basemap="none", metrics=["employees"],
                               metric="partners", scheme=scheme, k=k).payload["choices"][
                                   "list"][0]["labels"]
            none = [t["legend_none"]] if scheme == "nice" or values.min() > 0 else []
            assert state["classes"][: len(labels) + len(none)] == [*none, *labels]
        assert len(set(seen.values())) == len(seen)  # each choice fills the cities differently
        # the link keeps the choice
        before = page.evaluate(STATE_JS)
        page.click(".g60m-link")
        url = page.evaluate("() => location.href")
        assert ".s=natural_breaks" in url and ".k=2" in url
        page.goto("about:blank")
        page.goto(url)
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(150)
        after = page.evaluate(STATE_JS)
        assert (after["fills"], after["classes"]) == (before["fills"], before["classes"])
        assert page.eval_on_selector(".g60m-k", "(e) => e.value") == "2"
        _clean(res)
    finally:
        ctx.__exit__(None, None, None)
