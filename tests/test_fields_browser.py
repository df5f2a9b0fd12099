"""Popups and tooltips in headless Chromium: labelled fields, no internals, chosen columns."""

from __future__ import annotations

import re

import pytest

from g60map import load_corridor
from g60map.render.web._fields import INTERNAL_COLUMNS
from g60map.render.web.interactive import build_map, save_map
from tests._browser import open_all_popups, open_page, requires_browser
from tests.test_fields import HOSTILE, hostile_tables

pytestmark = [pytest.mark.browser, requires_browser]

#: Hover the first partner marker of the map (its cluster spiderfied or zoomed to).
HOVER_PARTNER_JS = """() => new Promise((done) => {
  const api = G60Map.instances[0], group = api.layers.partners;
  const m = group.getLayers()[0];
  group.zoomToShowLayer(m, () => {
    m.fire('mouseover');
    setTimeout(() => {
      const t = m.getTooltip();
      done(t && t.getElement() ? t.getElement().innerText : null);
    }, 100);
  });
})"""


def _clean(res) -> None:
    assert res.page_errors == [] and res.dialogs == [] and res.blocked_requests == []


@pytest.fixture(scope="module")
def article():
    return load_corridor()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_popups_show_labelled_fields_and_no_internals(article, lang, tmp_path):
    path = save_map(build_map(article, lang=lang, basemap="none"), tmp_path / "map.html",
                    self_contained=True)
    with open_page(path, settle_ms=300) as res:
        overlays = open_all_popups(res.page, settle_ms=100)
        text = overlays.text
        # "row" and "geometry" are English words too (the trunk's note says "road geometry")
        for name in sorted(INTERNAL_COLUMNS - {"row", "geometry"}) + ["capital_cny", "lon/lat"]:
            assert not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text), name
        assert "310117" not in text and "330000" not in text  # district and province codes
        if lang == "zh":
            for words in ("腾讯", "长三角超算中心及产业基地", "类型", "电信运营商", "定位精度",
                          "市级", "2020年3月", "150亿元", "城市：松江"):
                assert words in text, words
            (mobile,) = [i["text"] for i in overlays.items
                         if i["text"].startswith("中国移动\n")]  # China Mobile's popup
            assert "类型\t电信运营商" in mobile and "腾讯云首批20家合作企业" in mobile
            assert "名称\tChina Mobile" in mobile and "定位精度\t市级" in mobile
            for english in ("Tencent", "telecom operator", "Location", "city: Songjiang",
                            "One of the four major operators"):
                assert english not in text, english
        else:
            for words in ("Tencent", "Kind", "telecom operator", "Location precision",
                          "2020-03", "CNY 15"):
                assert words in text, words
            assert "腾讯" not in text and "市级" not in text
        _clean(res)


def test_tooltip_of_one_column_shows_only_that(article, tmp_path):
    m = build_map(article, lang="zh", basemap="none", tooltip=["name"], popup=False)
    path = save_map(m, tmp_path / "map.html", self_contained=True)
    with open_page(path, settle_ms=300) as res:
        assert res.page.evaluate(HOVER_PARTNER_JS) in {
            "中国移动", "中国电信", "中国联通", "中国广电", "灵雀云",
            "Shanghai Tianfu Information & Technology Co"}
        overlays = open_all_popups(res.page, settle_ms=100)
        kinds = {i["kind"] for i in overlays.items}
        assert "电信运营商" not in overlays.text  # no popup: the kind is shown nowhere
        assert kinds  # the cities still have their popups and tooltips
        _clean(res)


@pytest.mark.slow
def test_hostile_tooltip_and_popup_columns_show_as_text(tmp_path):
    corridor = load_corridor(*hostile_tables(tmp_path))
    m = build_map(corridor, lang="zh", basemap="none", tooltip=list(HOSTILE),
                  popup=list(HOSTILE))
    path = save_map(m, tmp_path / "map.html", self_contained=True)
    with open_page(path, settle_ms=300) as res:
        overlays = open_all_popups(res.page, settle_ms=300)
        for payload in HOSTILE:
            assert payload in overlays.text, payload
        assert "<img" not in overlays.html and "&lt;img src=x onerror=alert(1)&gt;" in overlays.html
        assert res.page.evaluate("() => document.querySelectorAll('img').length") == 0
        _clean(res)
