"""The district (区县) layer in headless Chromium (network blocked): the layer list, the
switch between cities and districts, the metric switch and the legend's classes, the search,
the district key clear of the other controls, and popups that stay text."""

from __future__ import annotations

import csv

import pytest

from g60map.render.web.interactive import build_map, save_map
from tests._browser import count_selector, open_page, requires_browser
from tests.test_interactive import PAYLOADS, corridor_map
from tests.test_map_search_browser import POPUP_JS, RESULTS_JS, _search

pytestmark = [pytest.mark.browser, requires_browser]

CITIES_PANE = ".leaflet-g60mCities-pane path"

#: The layer list's overlays: [name, checked].
LAYERS_JS = """() => Array.from(document.querySelectorAll(
  '.leaflet-control-layers-overlays label')).map(
  (l) => [l.textContent.trim(), l.querySelector('input').checked])"""

#: Click the layer list's checkbox of the overlay named `name` (what a reader does).
CLICK_JS = """(name) => {
  const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
    .find((l) => l.textContent.trim() === name);
  label.querySelector('input').click();
}"""

FILLS_JS = """() => Array.from(document.querySelectorAll('.leaflet-g60mCities-pane path'))
  .map((p) => p.getAttribute('fill'))"""


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    folder = tmp_path_factory.mktemp("districts")
    out = {}
    for lang in ("en", "zh"):
        m = build_map(basemap="none", lang=lang)
        out[lang] = (m, save_map(m, folder / f"{lang}.html"))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_switching_to_districts_draws_them_and_hides_the_cities(maps, lang):
    m, path = maps[lang]
    d = m.payload["districts"]
    name, cities = d["t"]["layer"], m.payload["t"]["layer_cities"]
    n_cities = len(m.payload["cities"])
    with open_page(path, viewport=(1366, 650)) as res:
        page = res.page
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        before = dict(page.evaluate(LAYERS_JS))
        paths_before = count_selector(page, CITIES_PANE)
        page.evaluate(CLICK_JS, name)
        after = dict(page.evaluate(LAYERS_JS))
        paths = count_selector(page, CITIES_PANE)
        key = page.evaluate("() => document.querySelector('.g60m-dkey').textContent")
        fills = page.evaluate(FILLS_JS)
        # the metric switch recolours the districts: the investment total
        page.select_option(".g60m-metric select", str(
            [e["key"] for e in m.payload["choices"]["list"]].index("invest_cny")))
        key_invest = page.evaluate("() => document.querySelector('.g60m-dkey').textContent")
        page.evaluate(CLICK_JS, cities)  # back to the cities
        back = dict(page.evaluate(LAYERS_JS))
        paths_back = count_selector(page, CITIES_PANE)
        keys_left = count_selector(page, ".g60m-dkey")
        errors = res.page_errors + res.unexpected_console_errors
    assert errors == []
    assert before[name] is False and before[cities] is True  # listed, off on opening
    assert paths_before == n_cities
    assert after[name] is True and after[cities] is False
    assert paths == len(d["rows"]) == 67
    by_key = {e["key"]: e for e in d["list"]}
    top = by_key["partners"]["colors"][-1]
    assert fills[0] == top and fills.count(top) == 1  # Songjiang: the article's partners
    assert name in key and by_key["partners"]["labels"][-1] in key
    assert by_key["invest_cny"]["labels"][-1] in key_invest
    assert back[name] is False and back[cities] is True
    assert paths_back == n_cities and keys_left == 0


def test_district_popup_shows_a_hostile_column_name_as_text(tmp_path):
    column = PAYLOADS[0]  # <img src=x onerror=alert(1)>
    partners = tmp_path / "partners.csv"
    with open(partners, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "city", column])
        writer.writerow([PAYLOADS[1], "Songjiang", "12"])
        writer.writerow(["B", "Hefei", "30"])
    m = corridor_map(partners, None, basemap="none", metrics=[column])
    path = save_map(m, tmp_path / "map.html")
    with open_page(path) as res:
        page = res.page
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        text = page.evaluate("""() => {
          const api = G60Map.instances[0];
          api.map.addLayer(api.layers.districts);
          const first = api.layers.districts.getLayers()[0];
          first.openPopup();
          return document.querySelector('.leaflet-popup-content').textContent;
        }""")
        images = count_selector(page, ".leaflet-popup-content img")
        dialogs = res.dialogs
        errors = res.page_errors + res.unexpected_console_errors
    assert errors == [] and dialogs == [] and images == 0
    assert text.startswith("Songjiang") and column in text and "12" in text


#: The district layer on, and each district's fill and the district key's rows.
DISTRICTS_JS = """() => {
  const api = G60Map.instances[0];
  if (!api.map.hasLayer(api.layers.districts)) { api.map.addLayer(api.layers.districts); }
  return {fills: api.layers.districts.getLayers().map((l) => l.options.fillColor),
          key: Array.from(document.querySelectorAll('.g60m-dkey .g60m-legend-row span'),
                          (s) => s.textContent)};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_legend_scheme_and_k_reclass_the_districts(maps, lang):
    from g60map.corridor.classify import classify

    m, path = maps[lang]
    d, choices = m.payload["districts"], m.payload["choices"]
    entry = d["list"][[e["key"] for e in choices["list"]].index(
        choices["list"][choices["metric"]]["key"])]
    values = [float(v) for v in entry["values"]]
    zero = m.payload["style"]["zero"]
    with open_page(path, viewport=(1366, 650)) as res:
        page = res.page
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        seen = set()
        for scheme, k in [("quantiles", 3), ("natural_breaks", 6), ("nice", 4)]:
            page.select_option(".g60m-scheme", scheme)
            page.select_option(".g60m-k", str(k))
            state = page.evaluate(DISTRICTS_JS)
            classes = classify(values, scheme, k)
            ramp = choices["ramps"][str(classes.k)]
            assert state["fills"] == [ramp[i] if i >= 0 else zero for i in classes.index]
            built = build_map(basemap="none", lang=lang, scheme=scheme, k=k)
            want = built.payload["districts"]["list"][d["list"].index(entry)]["labels"]
            assert state["key"][-len(want):] == want, (scheme, k)
            seen.add(tuple(state["fills"]))
        assert len(seen) >= 2  # the choices fill the districts differently (one city's data)
        assert res.page_errors == [] and res.unexpected_console_errors == []


SIZES = [(1366, 650), (1024, 600), (600, 450), (390, 844), (360, 640)]
FAST = {("en", (1366, 650)), ("zh", (360, 640))}
EVERY_SIZE = [pytest.param(lang, size, id=f"{lang}-{size[0]}x{size[1]}",
                           marks=() if (lang, size) in FAST else pytest.mark.slow)
              for size in SIZES for lang in ("en", "zh")]

#: Whether the districts and the cities are on the map, and the visible controls' boxes.
CONTROLS_JS = """() => {
  const api = G60Map.instances[0], box = api.map.getContainer(), o = box.getBoundingClientRect();
  return {districts: api.map.hasLayer(api.layers.districts),
          cities: api.map.hasLayer(api.layers.cities),
          controls: Array.from(box.querySelectorAll('.leaflet-control'))
            .filter((e) => e.offsetWidth && e.offsetHeight).map((e) => {
              const r = e.getBoundingClientRect();
              return {name: e.className.split(' ')[0], x1: r.left - o.left, y1: r.top - o.top,
                      x2: r.right - o.left, y2: r.bottom - o.top}; }),
          W: box.clientWidth, H: box.clientHeight};
}"""


def _apart(controls) -> None:
    for i, a in enumerate(controls):
        assert 0 <= a["x1"] and 0 <= a["y1"], a
        for b in controls[i + 1:]:
            assert (min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) <= 0.5
                    or min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) <= 0.5), (a, b)


@pytest.mark.parametrize(("lang", "size"), EVERY_SIZE)
def test_the_search_finds_a_district_and_its_key_is_clear_of_the_controls(maps, lang, size):
    m, path = maps[lang]
    rows = m.payload["districts"]["rows"]
    row = next(r for r in rows if r["code"] == "330411")  # Xiuzhou, Jiaxing
    kind = m.payload["districts"]["t"]["district"]
    with open_page(path, viewport=size, settle_ms=0) as res:
        page = res.page
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        res.settle(100)
        # by either name: the district, with its city
        for query in ("xiuzhou", "秀洲"):
            hits = _search(page, query)
            assert hits[0] == [row["name"], f"{kind} · {row['city']}"], (query, hits)
        # the hub is found once, as the city
        names = [h[0] for h in _search(page, "松江区")]
        assert len(names) == len(set(names))
        _search(page, "秀洲")
        page.press(".g60m-search input", "Enter")
        popup = page.evaluate(POPUP_JS)
        assert popup["text"].startswith(row["name"]) and popup["bad"] == []
        state = page.evaluate(CONTROLS_JS)
        assert state["districts"] is True and state["cities"] is False
        page.keyboard.press("Escape")
        res.settle(100)
        assert page.evaluate(RESULTS_JS) == []
        # the district key (bottom left) is clear of every other control
        state = page.evaluate(CONTROLS_JS)
        assert "g60m-dkey" in {c["name"] for c in state["controls"]}
        _apart(state["controls"])
        for c in state["controls"]:
            assert c["x2"] <= state["W"] + 0.5 and c["y2"] <= state["H"] + 0.5, c
        assert res.page_errors == [] and res.unexpected_console_errors == []


#: The PNG of the view: its bytes (base64), the map's size, the district key's box in the
#: key column, and the district key's swatch colours on the page.
DISTRICT_PNG_JS = """async () => {
  const r = await G60Map.instances[0].png({scale: 1});
  const buf = new Uint8Array(await r.blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < buf.length; i += 8192) {
    bin += String.fromCharCode.apply(null, buf.subarray(i, i + 8192));
  }
  const sw = Array.from(document.querySelectorAll('.g60m-dkey .g60m-sw-fill'),
                        (e) => getComputedStyle(e).backgroundColor);
  return {data: btoa(bin), map: r.map, dkey: r.dkey, swatches: sw};
}"""


@pytest.mark.parametrize(("lang", "size"), EVERY_SIZE)
def test_the_png_carries_the_district_key(maps, lang, size, tmp_path):
    import base64

    import numpy as np

    from tests._browser import _decode_png

    _m, path = maps[lang]
    with open_page(path, viewport=size, settle_ms=0) as res:
        page = res.page
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        assert page.evaluate(DISTRICT_PNG_JS)["dkey"] is None  # the layer off: no key
        page.evaluate(DISTRICTS_JS)
        out = page.evaluate(DISTRICT_PNG_JS)
        png = tmp_path / "view.png"
        png.write_bytes(base64.b64decode(out["data"]))
        image = _decode_png(png)
        W = out["map"][0]
        w, h, top = out["dkey"]
        assert image.shape[0] >= top + h and image.shape[1] >= W + 10 + w
        # every class swatch of the district key, in its box in the key column
        box = image[int(top):int(top + h), W + 10:W + 10 + w].reshape(-1, 3).astype(int)
        assert len(out["swatches"]) >= 2
        for css in out["swatches"]:
            rgb = [int(float(p)) for p in css[css.index("(") + 1:css.index(")")].split(",")][:3]
            assert np.all(box == np.array(rgb), axis=1).sum() >= 60, css
        assert res.page_errors == [] and res.unexpected_console_errors == []
