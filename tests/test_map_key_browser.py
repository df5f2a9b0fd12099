"""The key of the corridor map in Chromium: open on the first view at laptop and phone sizes
in en and zh (a 600 x 450 notebook frame too), and
always in the PNG of the view (with the period and the filters), at twice the resolution on
request.

The map is the analyst's (tests/_analyst.py: time slider, filters, flows), whose legend is
taller than a laptop's map: the legend must open and the layer list fold. A fast subset runs
by default; every size and language with ``-m slow``.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from g60map.render.text import LABELS
from g60map.render.web.interactive import build_map, save_map
from tests._analyst import analyst_corridor
from tests._browser import _decode_png, map_pages, open_page, requires_browser, size_params

pytestmark = [pytest.mark.browser, requires_browser]

FAST = {((1366, 650), "en"), ("notebook", "en"), ((360, 640), "zh")}


def _params():
    return size_params(FAST)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return map_pages(tmp_path_factory.mktemp("key"), analyst_corridor())


class _Opened:
    """A page at one of SIZES, and the frame the map is in."""

    def __init__(self, pages, size, lang):
        notebook = size == "notebook"
        path = pages[lang + "-notebook"] if notebook else pages[lang]
        self.ctx = open_page(path, viewport=(680, 520) if notebook else size, settle_ms=0)
        self.res = self.ctx.__enter__()
        self.res.page.emulate_media(reduced_motion="reduce")
        self.frame = (next(f for f in self.res.page.frames if f != self.res.page.main_frame)
                      if notebook else self.res.page)
        self.frame.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        self.res.settle(100)
        self.size = (600, 450) if notebook else size

    def close(self):
        self.ctx.__exit__(None, None, None)


#: The legend, the layer list and every visible control, in the map's pixels.
KEY_JS = """() => {
  const box = G60Map.instances[0].map.getContainer(), o = box.getBoundingClientRect();
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {x1: r.left - o.left, y1: r.top - o.top, x2: r.right - o.left, y2: r.bottom - o.top}; };
  const body = box.querySelector('.g60m-legend-body');
  const rows = Array.from(body.querySelectorAll('.g60m-sw-fill'), rect);
  return {
    W: box.clientWidth, H: box.clientHeight,
    legend: !body.hidden, body: rect(body),
    list: box.querySelector('.leaflet-control-layers')
      .classList.contains('leaflet-control-layers-expanded'),
    rows, summary: box.querySelector('.g60m-summary').textContent,
    controls: Array.from(box.querySelectorAll('.leaflet-control'))
      .filter((e) => e.offsetWidth && e.offsetHeight)
      .map((e) => Object.assign(rect(e), {name: e.className.split(' ')[0]})),
    labels: Array.from(box.querySelectorAll('.g60m-label'), rect),
  };
}"""


def _cut(a, b) -> bool:
    return (min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > 0.5
            and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > 0.5)


@pytest.mark.parametrize(("size", "lang"), _params())
def test_the_key_is_open_on_the_first_view(pages, size, lang):
    opened = _Opened(pages, size, lang)
    try:
        key = opened.frame.evaluate(KEY_JS)
        assert (key["W"], key["H"]) == opened.size
        # the layer list is folded (list and legend do not fit together at these sizes);
        # the legend is open at every size, the notebook's frame too (the search box
        # folds into a button on a narrow map, which leaves the legend its room)
        assert key["list"] is False
        assert key["legend"] is True
        if key["legend"]:
            # its summary and first member class are in view, inside its visible body
            assert key["summary"].startswith("2019") and "2023" in key["summary"]
            first = key["rows"][0]
            body = key["body"]
            assert body["y1"] <= first["y1"] and first["y2"] <= body["y2"], (first, body)
            assert 0 <= body["x1"] and body["x2"] <= key["W"] and 0 <= body["y1"]
            assert body["y2"] <= key["H"]
        # nothing overlaps: legend, layer list, title, search, buttons, panel, scale
        controls = key["controls"]
        names = {c["name"] for c in controls}
        assert {"g60m-legend", "leaflet-control-layers", "g60m-title", "g60m-search"} <= names
        for i, a in enumerate(controls):
            for b in controls[i + 1:]:
                assert not _cut(a, b), ("controls overlap", a, b)
        # the nine city labels are in view and clear of every control
        assert len(key["labels"]) == 9
        for label in key["labels"]:
            assert label["x1"] >= 0 and label["x2"] <= key["W"], label
            assert label["y1"] >= 0 and label["y2"] <= key["H"], label
            for c in controls:
                assert not _cut(label, c), ("label under a control", label, c)
        for i, a in enumerate(key["labels"]):
            for b in key["labels"][i + 1:]:
                assert not _cut(a, b), ("labels overlap", a, b)
        assert opened.res.page_errors == [] and opened.res.unexpected_console_errors == []
    finally:
        opened.close()


#: The PNG of the view at a scale: its bytes (base64) and what png() says of it.
PNG_JS = """async (scale) => {
  const r = await G60Map.instances[0].png({scale});
  const buf = new Uint8Array(await r.blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < buf.length; i += 8192) {
    bin += String.fromCharCode.apply(null, buf.subarray(i, i + 8192));
  }
  const sw = Array.from(document.querySelectorAll('.g60m-legend-body .g60m-sw-fill'),
                        (e) => getComputedStyle(e).backgroundColor);
  return {data: btoa(bin), width: r.width, height: r.height, map: r.map, key: r.key,
          legend: r.legend, lines: r.lines, swatches: sw};
}"""


def _rgb(css: str) -> tuple[int, int, int]:
    parts = css[css.index("(") + 1:css.index(")")].split(",")
    return tuple(int(float(p)) for p in parts[:3])


def _png(frame, scale, tmp_path):
    out = frame.evaluate(PNG_JS, scale)
    path = tmp_path / f"view-{scale}x.png"
    path.write_bytes(base64.b64decode(out["data"]))
    out["image"] = _decode_png(path)
    return out


@pytest.mark.parametrize(("size", "lang"), _params())
def test_the_png_carries_the_key_period_and_filters(pages, size, lang, tmp_path):
    t = LABELS[lang]
    opened = _Opened(pages, size, lang)
    try:
        frame = opened.frame
        # the reader folds the legend and leaves one kind of partner out
        if not frame.evaluate("() => document.querySelector('.g60m-legend-body').hidden"):
            frame.click(".g60m-legend-toggle")
        assert frame.evaluate("() => document.querySelector('.g60m-legend-body').hidden")
        left_out = frame.evaluate("""() => {
          const l = document.querySelector('.g60m-facet label');
          l.querySelector('input').click();
          return l.textContent; }""")
        one, two = _png(frame, 1, tmp_path), _png(frame, 2, tmp_path)
        W, H = opened.size
        assert one["map"] == [W, H]
        kw, kh = one["key"]
        assert (one["width"], one["height"]) == (W + kw, max(H, kh))
        assert one["image"].shape == (max(H, kh), W + kw, 3)
        # 2x: twice the pixels each way, the same picture
        assert (two["width"], two["height"]) == (2 * one["width"], 2 * one["height"])
        assert two["image"].shape == (2 * one["image"].shape[0], 2 * one["image"].shape[1], 3)
        # the key column holds the legend, open: every class swatch of the member cities
        for png, s in ((one, 1), (two, 2)):
            column = png["image"][:, W * s:].reshape(-1, 3).astype(int)
            for css in one["swatches"]:
                hits = np.all(column == np.array(_rgb(css)), axis=1).sum()
                assert hits >= 60 * s * s, (css, hits, s)
        # the period and the filter, in words under the legend, drawn as dark pixels
        lines = one["lines"]
        assert lines[0].startswith(t["time"]) and "2019" in lines[0] and "2023" in lines[0]
        text = " ".join(lines)
        assert t["facet_kind"] in text and t["png_left_out"] in text and left_out in text
        y0 = 10 + one["legend"][1] + 8
        band = one["image"][y0:y0 + 16 * len(lines), W:]
        assert (band.max(axis=2) < 120).sum() > 40 * len(lines)
        # the page's legend is folded again, as the reader left it
        assert frame.evaluate("() => document.querySelector('.g60m-legend-body').hidden")
        assert opened.res.page_errors == [] and opened.res.unexpected_console_errors == []
    finally:
        opened.close()


def test_the_2x_button_downloads_twice_the_pixels(pages, tmp_path):
    opened = _Opened(pages, (1024, 600), "en")
    try:
        page = opened.res.page
        sizes = []
        for button in (".g60m-png", ".g60m-png2"):
            with page.expect_download() as info:
                page.click(button)
            path = tmp_path / f"{button[1:]}.png"
            info.value.save_as(str(path))
            sizes.append(_decode_png(path).shape)
        assert sizes[1] == (2 * sizes[0][0], 2 * sizes[0][1], 3)
        assert sizes[0][1] > 1024  # the map and the key column
        title = page.get_attribute(".g60m-png2", "title")
        assert title == LABELS["en"]["save_png_2x"]
        assert opened.res.page_errors == [] and opened.res.unexpected_console_errors == []
    finally:
        opened.close()


#: The fill colours and opacities of the member cities as drawn, and the legend's swatches.
SWATCH_JS = """() => {
  const c = G60Map.instances[0], box = c.map.getContainer();
  const fills = c.layers.cities.getLayers().filter((l) => l.options.weight > 1)
    .map((l) => [l.getElement().getAttribute('fill'),
                 Number(l.getElement().getAttribute('fill-opacity'))]);
  const sw = Array.from(box.querySelectorAll('.g60m-legend-body .g60m-sw-fill'),
                        (e) => getComputedStyle(e).backgroundColor);
  return {fills, sw};
}"""


def _over_white(color: str, alpha: float) -> tuple[int, int, int]:
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return tuple(int(255 - alpha * (255 - v) + 0.5) for v in rgb)


def _matches(state) -> None:
    swatches = {_rgb(s) for s in state["sw"]}
    for fill, alpha in state["fills"]:
        assert alpha < 1
        assert _over_white(fill, alpha) in swatches, (fill, alpha, swatches)
        # the full colour of a fill drawn at less than full opacity is no swatch
        assert _over_white(fill, 1) not in swatches, (fill, swatches)


@pytest.mark.parametrize(("size", "lang"), _params())
def test_the_legend_swatches_match_the_fill_on_the_map(pages, size, lang):
    opened = _Opened(pages, size, lang)
    try:
        state = opened.frame.evaluate(SWATCH_JS)
        assert len({f for f, _ in state["fills"]}) >= 3  # several classes on the map
        _matches(state)
        assert opened.res.page_errors == [] and opened.res.unexpected_console_errors == []
    finally:
        opened.close()


def test_the_legend_swatches_lighten_with_the_fill_over_a_basemap(tmp_path):
    path = save_map(build_map(analyst_corridor(), basemap="osm"), tmp_path / "osm.html",
                    self_contained=True)
    with open_page(path, viewport=(1366, 650), settle_ms=0) as res:
        page = res.page
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        first = page.evaluate(SWATCH_JS)
        _matches(first)
        page.evaluate("() => { G60Map.instances[0].map.setView([30.27, 120.15], 11, "
                      "{animate: false}); }")
        res.settle(50)
        zoomed = page.evaluate(SWATCH_JS)
        _matches(zoomed)
        # lighter: every swatch of the zoomed-in view is brighter than on the first view
        assert sum(map(sum, map(_rgb, zoomed["sw"]))) > sum(map(sum, map(_rgb, first["sw"])))
        assert res.page_errors == []
