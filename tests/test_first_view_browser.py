"""The first view of the corridor map in Chromium, with realistic tables (tests/_skewed.py:
hundreds of partners skewed across the nine cities or not, dates over several years,
investments from all over China, a registry export under Chinese headers), in en and zh, at
laptop, small laptop, notebook-frame and phone sizes: readable without a click.

On open: the legend is open with its first class rows in view, the member cities show four
or more fills when the metric has four or more values, no two controls overlap and none runs
past the window (nor once the district layer and its key are on), city labels read money
in unambiguous units (``CNY 800M``, ``8亿元``), and no popup or tooltip shows an internal
column. A fast subset runs by default; every table, size and language with ``-m slow``.
"""

from __future__ import annotations

import re

import pytest

from g60map import settings
from g60map.render.web._fields import INTERNAL_COLUMNS
from g60map.render.web.interactive import build_map, map_iframe, save_map
from tests._browser import open_all_popups, open_page, requires_browser
from tests._skewed import REALISTIC, realistic_corridor

pytestmark = [pytest.mark.browser, requires_browser]

#: (width, height) of the page, or "notebook": a 600 x 450 output frame of a notebook.
SIZES = [(1366, 650), (1024, 600), "notebook", (390, 844), (360, 640)]
FAST = {("skewed", (1366, 650), "en"), ("registry", (390, 844), "zh"),
        ("even", (1024, 600), "zh")}

#: At 360 x 640 in English the compact legend's 90 px body shows the summary and the
#: metric select: the first class row starts just below it (one scroll away).
PHONE_LEGEND = "at 360 x 640 (en) the compact legend's first class row is just below its body"


def _name(size) -> str:
    return size if isinstance(size, str) else f"{size[0]}x{size[1]}"


def _params():
    out = []
    for table in REALISTIC:
        for size in SIZES:
            for lang in ("en", "zh"):
                marks = [] if (table, size, lang) in FAST else [pytest.mark.slow]
                if (size, lang) == ((360, 640), "en"):
                    marks.append(pytest.mark.xfail(strict=False, reason=PHONE_LEGEND))
                out.append(pytest.param(table, size, lang, id=f"{table}-{_name(size)}-{lang}",
                                        marks=marks))
    return out


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("first-view")
    out = {}
    for table in REALISTIC:
        corridor = realistic_corridor(table)
        for lang in ("en", "zh"):
            m = build_map(corridor, lang=lang, basemap="none")
            out[table, lang] = save_map(m, folder / f"{table}-{lang}.html", self_contained=True)
            host = folder / f"{table}-{lang}-notebook.html"
            host.write_text(
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title>"
                "</head><body style='margin:0;padding:20px 30px'>"
                + map_iframe(m, width=600, height=450, self_contained=True) + "</body></html>",
                encoding="utf-8")
            out[table, lang, "notebook"] = host
    return out


#: What the first view shows: the legend, its class rows, every visible control, the city
#: labels (name and value) and the fills of the member cities, in the map's pixels.
VIEW_JS = """(members) => {
  const api = G60Map.instances[0], box = api.map.getContainer(), o = box.getBoundingClientRect();
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {x1: r.left - o.left, y1: r.top - o.top, x2: r.right - o.left, y2: r.bottom - o.top}; };
  const body = box.querySelector('.g60m-legend-body');
  const fills = {}, tips = [];
  const text = (c, l) => { if (typeof c === 'function') { c = c(l); }
    if (typeof c !== 'string') { return c ? c.textContent : ''; }
    const d = document.createElement('div'); d.innerHTML = c; return d.textContent; };
  for (const l of api.layers.cities.getLayers()) {
    if (members.includes(l.g60code)) { fills[l.g60code] = l.getElement().getAttribute('fill'); }
    if (l.getTooltip()) { tips.push(text(l.getTooltip().getContent(), l)); }
  }
  const each = (group, f) => group.eachLayer((l) => (l.eachLayer ? each(l, f) : f(l)));
  for (const key of ['partners', 'investments', 'flows']) {
    if (!api.layers[key]) { continue; }
    each(api.layers[key], (l) => {
      if (l.getTooltip && l.getTooltip()) { tips.push(text(l.getTooltip().getContent(), l)); }
    });
  }
  return {
    W: box.clientWidth, H: box.clientHeight,
    legend: !!body && !body.hidden && body.offsetHeight > 0, body: body ? rect(body) : null,
    rows: body ? Array.from(body.querySelectorAll('.g60m-sw-fill'), rect) : [],
    controls: Array.from(box.querySelectorAll('.leaflet-control'))
      .filter((e) => e.offsetWidth && e.offsetHeight)
      .map((e) => Object.assign(rect(e), {name: e.className.split(' ')[0]})),
    labels: Array.from(box.querySelectorAll('.g60m-label'), (e) => Object.assign(rect(e), {
      code: e.getAttribute('data-code'), v: e.getAttribute('data-v') || ''})),
    fills, tips,
  };
}"""

#: Switch the metric select to the investment amount (as a reader's choice would).
MONEY_JS = """() => {
  const select = G60Map.instances[0].map.getContainer().querySelector('.g60m-metric select');
  const option = Array.from(select.options).find((o) => /Investment|投资额/.test(o.textContent));
  select.value = option.value; select.dispatchEvent(new Event('change'));
  return option.textContent;
}"""

#: Tick "Districts" in the layer list, as a reader does.
DISTRICTS_JS = """() => {
  const api = G60Map.instances[0], box = api.map.getContainer();
  const name = api.layers.districts.options.name || '';
  const inputs = Array.from(box.querySelectorAll('.leaflet-control-layers-overlays label'));
  const label = inputs.find((l) => /Districts|区县/.test(l.textContent)) || inputs[0];
  label.querySelector('input').click();
  return name;
}"""

#: Money by a city's name: ``CNY 2.5M``, ``CNY 20bn``; ``2,500万元``, ``200亿元``.
MONEY = {"en": re.compile(r"^CNY \d[\d,]*(\.\d+)?(M|bn)$"),
         "zh": re.compile(r"^\d[\d,]*(\.\d+)?(万|亿)元$")}


class _Opened:
    """A page at one of SIZES, and the frame the map is in."""

    def __init__(self, pages, table, size, lang):
        notebook = size == "notebook"
        path = pages[table, lang, "notebook"] if notebook else pages[table, lang]
        self.ctx = open_page(path, viewport=(680, 520) if notebook else size, settle_ms=0)
        self.res = self.ctx.__enter__()
        self.res.page.emulate_media(reduced_motion="reduce")
        self.frame = (next(f for f in self.res.page.frames if f != self.res.page.main_frame)
                      if notebook else self.res.page)
        self.frame.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        self.res.settle(150)
        self.size = (600, 450) if notebook else size

    def view(self) -> dict:
        return self.frame.evaluate(VIEW_JS, list(settings.MEMBER_CODES))

    def close(self):
        self.ctx.__exit__(None, None, None)


def _cut(a, b) -> bool:
    return (min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > 0.5
            and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > 0.5)


def _inside(r, view) -> bool:
    return r["x1"] >= -0.5 and r["y1"] >= -0.5 and r["x2"] <= view["W"] + 0.5 \
        and r["y2"] <= view["H"] + 0.5


def _check_fills(view) -> None:
    """Four or more member fills when the labels show four or more values."""
    values = {label["v"] for label in view["labels"]}
    fills = set(view["fills"].values())
    assert len(view["fills"]) == 9
    if len(values) >= 4:
        assert len(fills) >= 4, (values, view["fills"])


def _check_no_internals(text: str) -> None:
    """No internal column's name, no province or hub code in ``text``."""
    # "row" and "geometry" are English words too
    for name in sorted(INTERNAL_COLUMNS - {"row", "geometry"}) + ["capital_cny", "lon/lat",
                                                                "city_code_expected"]:
        assert not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text), name
    assert not re.search(r"(?<!\d)(310117|330000|320000|340000)(?!\d)", text)


@pytest.mark.parametrize(("table", "size", "lang"), _params())
def test_the_first_view_reads_without_a_click(pages, table, size, lang):
    opened = _Opened(pages, table, size, lang)
    try:
        view = opened.view()
        assert (view["W"], view["H"]) == opened.size
        # no two controls overlap, none runs past the window
        controls = view["controls"]
        names = {c["name"] for c in controls}
        assert {"g60m-legend", "leaflet-control-layers", "g60m-title", "g60m-search",
                "leaflet-control-zoom", "g60m-tools"} <= names, names
        for c in controls:
            assert _inside(c, view), ("control past the window", c, view["W"], view["H"])
        for i, a in enumerate(controls):
            for b in controls[i + 1:]:
                assert not _cut(a, b), ("controls overlap", a, b)
        # the nine member cities: labelled, and the fill separates the counts
        assert sorted(label["code"] for label in view["labels"]) == sorted(
            settings.MEMBER_CODES)
        _check_fills(view)
        # the tooltips of cities, partners, investments and flows name no internal column
        assert sum(bool(t) for t in view["tips"]) >= 56 + 300
        _check_no_internals(" ".join(view["tips"]))
        # the investment metric: money in units nobody reads as metres, four or more fills
        opened.frame.evaluate(MONEY_JS)
        opened.res.settle(100)
        money = opened.view()
        for label in money["labels"]:
            assert MONEY[lang].match(label["v"]), label["v"]
        _check_fills(money)
        assert opened.res.page_errors == [] and opened.res.unexpected_console_errors == []
        # last (it fails in the notebook frame for now): the legend is open on the first
        # view, its first class rows in view inside its body and the window
        assert view["legend"], "the legend is folded on the first view"
        body = view["body"]
        assert _inside(body, view), body
        for row in view["rows"][:2]:
            assert body["y1"] - 0.5 <= row["y1"] and row["y2"] <= body["y2"] + 0.5, (row, body)
    finally:
        opened.close()


def _popup_params():
    out = []
    for table in REALISTIC:
        for lang in ("en", "zh"):
            out.append(pytest.param(table, lang, id=f"{table}-{lang}",
                                    marks=[pytest.mark.slow]))
    return out


@pytest.mark.parametrize(("table", "lang"), _popup_params())
def test_no_internal_column_in_tooltips_or_popups(pages, table, lang):
    with open_page(pages[table, lang], viewport=(1366, 650), settle_ms=200) as res:
        overlays = open_all_popups(res.page, settle_ms=100)
        assert len(overlays.items) > 600  # cities, partners, investments, flows
        _check_no_internals(overlays.text)
        assert res.page_errors == [] and res.blocked_requests == []


#: Once the district layer is on, its key (bottom left, above the time and filters panel,
#: which folds for it on a laptop) has no room left of the legend in a 600 x 450 frame or
#: on a 360 x 640 phone in English: it runs past the top of the window there.
DISTRICT_KEY = "no room for the district key at the bottom left of a narrow map"

def _district_params():
    out = []
    for size in SIZES:
        for lang in ("en", "zh"):
            marks = []
            if size == "notebook" or (size, lang) == ((360, 640), "en"):
                marks.append(pytest.mark.xfail(strict=False, reason=DISTRICT_KEY))
            if (size, lang) != ((1366, 650), "en"):
                marks.append(pytest.mark.slow)
            out.append(pytest.param(size, lang, id=f"{_name(size)}-{lang}", marks=marks))
    return out


@pytest.mark.parametrize(("size", "lang"), _district_params())
def test_the_district_key_is_clear_of_every_control(pages, size, lang):
    opened = _Opened(pages, "skewed", size, lang)
    try:
        opened.frame.evaluate(DISTRICTS_JS)
        opened.res.settle(300)
        view = opened.view()
        controls = view["controls"]
        assert "g60m-dkey" in {c["name"] for c in controls}
        for i, a in enumerate(controls):
            assert _inside(a, view), ("control past the window", a)
            for b in controls[i + 1:]:
                assert not _cut(a, b), ("controls overlap, districts on", a, b)
        assert opened.res.page_errors == []
    finally:
        opened.close()
