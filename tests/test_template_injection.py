"""User text is data, never code: template, script and markup payloads in every column.

Every cell and every extra header of both tables holds one of :data:`INJECTIONS` (Jinja,
ERB, ``${}``, balanced and unbalanced, plus HTML/JS). The map (build en/zh, through the
CLI), the report, a fragment and an iframe are opened in headless Chromium; every partner
and investment popup must show exactly the cell text, next to exactly the header text, no
dialog may open, no script error may happen and the shell command of the first payload must
not create its file. Without a browser, the page's JSON data block must decode to the very
payload the map was built from (nothing in it was rendered by a template engine).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import hypothesis as settings_
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

import g60map
from g60map import settings
from g60map.cli import main
from g60map.render.web.interactive import build_map, map_fragment, map_html, map_iframe
from tests._browser import open_page, requires_browser

MARKER = "g60-injection-ran"
_NO_INVESTMENTS = gpd.GeoDataFrame(geometry=[], crs=settings.WGS84)


@functools.cache
def _article_corridor() -> g60map.Corridor:
    return g60map.load_corridor()


def _with_partners(frame: gpd.GeoDataFrame) -> g60map.Corridor:
    """The corridor with ``frame`` as its partners (drawn as given) and no investments."""
    return dataclasses.replace(_article_corridor(), partners=frame, investments=_NO_INVESTMENTS)


def _corridor(partners: Path, investments: Path | None = None) -> g60map.Corridor:
    return g60map.load_corridor(partners, investments)


def injections(marker: Path) -> tuple[str, ...]:
    """Payloads; the first runs ``touch marker`` if any text reaches Jinja as source."""
    return (
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}",
        "{{7*7}}",
        "A {{ x }} B",
        "Item {#3}",
        "{% if 1 %}yes{% endif %}",
        "{{ '<img src=x onerror=alert(1)>' }}",
        "{{ config }} {{ self }}",
        "{% raw %}",
        "{%",
        "{{",
        "}}",
        "{#",
        "%} #}",
        "<%= 7*7 %>",
        "<%= `touch x` %>",
        "<% open",
        "${7*7}",
        "${alert(1)}",
        "${",
        "#{7*7}",
        "`${document.title}`",
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(1)</script>",
        "<!-- a -->]]>",
        "$\\frac{1}{2}$ $ unbalanced mathtext",
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1+1 @SUM(A1) -2",
    )


# Members other than Songjiang, so every partner and investment is in the corridor.
_CITIES = ("Songjiang", "Jiaxing", "Hangzhou", "Jinhua", "Huzhou", "Suzhou", "Xuancheng",
           "Wuhu", "Hefei")


def write_tables(folder: Path, payloads: tuple[str, ...]) -> tuple[Path, Path]:
    """A partners and an investments CSV with a payload in every text cell and extra header."""
    extra = [f"h{i} {p}" for i, p in enumerate(payloads)]  # headers must differ
    p_cols = ["name", "name_zh", "city", "kind", "website", "description", "source",
              "location_basis", *extra]
    partners = folder / "partners.csv"
    with open(partners, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(p_cols)
        for i, p in enumerate(payloads):
            w.writerow([p, p, _CITIES[i % len(_CITIES)], p, p, p, p, p, *([p] * len(extra))])
    i_cols = ["investor", "project", "city", "amount", "currency", "date", "description",
              "source", *extra]
    investments = folder / "investments.csv"
    with open(investments, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(i_cols)
        for i, p in enumerate(payloads):
            w.writerow([p, p, _CITIES[i % len(_CITIES)], str(1000 + i), "CNY",
                        f"2021-{i % 12 + 1:02d}", p, p, *([p] * len(extra))])
    return partners, investments


@pytest.fixture(autouse=True)
def _whole_popups(monkeypatch):
    """Show whole cells: these popups hold 25 payload columns, more than the popup budget."""
    monkeypatch.setattr(settings, "POPUP_TEXT_CHARS", 1_000_000)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    marker = folder / MARKER
    payloads = injections(marker)
    partners, investments = write_tables(folder, payloads)
    return folder, marker, payloads, partners, investments


def _data_block(page: str) -> dict:
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', page,
                        flags=re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_data_is_the_payload_verbatim(hostile, lang):
    folder, marker, payloads, partners, investments = hostile
    m = build_map(_corridor(partners, investments), lang=lang, basemap="none",
                  title=payloads[0])
    page = map_html(m)
    assert _data_block(page) == json.loads(json.dumps(m.payload))
    rows = m.payload["partners"]["rows"]
    assert [r[2] for r in rows] == list(payloads)
    assert {r[3] for r in m.payload["investments"]["rows"]} == set(payloads)
    title = f"<title>{html.escape(payloads[0])}</title>"
    assert title in page
    # template text is in the page only inside the data block and the escaped title
    rest = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
    rest = rest.replace(title, "")
    for text in ("{{", "{%", "{#", "<%", "${"):
        assert text not in rest, text
    assert not marker.exists()


def test_fragment_and_iframe_keep_the_payload_verbatim(hostile):
    folder, marker, payloads, partners, investments = hostile
    m = build_map(_corridor(partners, investments), basemap="none")
    fragment = map_fragment(m, prefix="frag")
    assert _data_block(fragment) == json.loads(json.dumps(m.payload))
    frame = map_iframe(m)
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert _data_block(srcdoc) == json.loads(json.dumps(m.payload))
    assert not marker.exists()


def test_a_shell_payload_in_a_name_runs_nothing(tmp_path):
    """The payload of the report that ran ``id``: alone, so no syntax error stops the build."""
    marker = tmp_path / MARKER
    payload = injections(marker)[0]
    partners = tmp_path / "p.csv"
    partners.write_text(f'name,city,"{payload}"\n"{payload}",Songjiang,"{payload}"\n',
                        encoding="utf-8")
    m = build_map(_corridor(partners), basemap="none")
    for text in (map_html(m), map_fragment(m), map_iframe(m), m._repr_html_()):
        assert "touch" in html.unescape(text)
    assert m.payload["partners"]["rows"][0][2] == payload
    assert not marker.exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_static_map_draws_payload_sources_as_text(hostile, lang, tmp_path):
    """The static map prints the tables' sources: no mathtext, no template, no error."""
    folder, marker, payloads, partners, investments = hostile
    code = main(["-q", "render", "--partners", str(partners), "--investments",
                 str(investments), "--lang", lang, "--format", "svg", "--out", str(tmp_path)])
    assert code == 0
    svg = next(tmp_path.glob("*.svg")).read_text(encoding="utf-8")
    assert "<img" not in svg and "<script" not in svg
    assert not marker.exists()


# ----------------------------------------------------------------------------- in Chromium

POPUPS_JS = """(index) => {
  const api = G60Map.instances[index];
  const out = {partners: [], investments: []};
  for (const key of ["partners", "investments"]) {
    const layer = api.layers[key];
    if (!layer) { continue; }
    layer.getLayers().forEach((m) => {
      let c = m.getPopup()._content;
      if (typeof c === "function") { c = c(m); }
      const host = document.createElement("div");
      document.body.appendChild(host);
      host.appendChild(c);
      out[key].push({
        title: c.querySelector(".g60m-card-title").textContent,
        rows: Array.from(c.querySelectorAll("tr")).map(
          (tr) => [tr.querySelector("th").textContent, tr.querySelector("td").textContent])
      });
      host.remove();
    });
  }
  return out;
}"""


def _assert_literal(popups: dict, payloads: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    headers = [f"h{i} {p}" for i, p in enumerate(payloads)]
    for kind in kinds:
        got = popups[kind]
        assert len(got) == len(payloads), kind
        assert sorted(p["title"] for p in got) == sorted(payloads), kind
        for popup in got:
            cells = dict(popup["rows"])
            # every extra column: header text as the label, cell text as the value
            for header in headers:
                assert cells[header] == popup["title"], (kind, header)


def _assert_clean(res) -> None:
    assert res.dialogs == []
    assert res.page_errors == []
    assert res.unexpected_console_errors == []
    assert res.blocked_requests == []


@pytest.mark.browser
@requires_browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_build_shows_every_payload_literally(hostile, lang, tmp_path):
    folder, marker, payloads, partners, investments = hostile
    code = main(["-q", "build", "--partners", str(partners), "--investments", str(investments),
                 "--lang", lang, "--basemap", "none", "--self-contained", "--out", str(tmp_path)])
    assert code == 0
    with open_page(tmp_path / settings.MAP_FILENAME, settle_ms=200) as res:
        _assert_clean(res)
        popups = res.page.evaluate(POPUPS_JS, 0)
        _assert_literal(popups, payloads, ("partners", "investments"))
        res.settle(200)
        _assert_clean(res)
    assert not marker.exists()


@pytest.mark.browser
@requires_browser
def test_report_shows_every_payload_literally(hostile, tmp_path):
    folder, marker, payloads, partners, investments = hostile
    # hostile file names too: the report lists its inputs by name
    names = ("{{7*7}} <img src=x onerror=alert(1)>.csv", "{% raw %} ${x} <%= 1 %>.csv")
    (tmp_path / "in").mkdir()
    p_file, i_file = tmp_path / "in" / names[0], tmp_path / "in" / names[1]
    p_file.write_bytes(partners.read_bytes())
    i_file.write_bytes(investments.read_bytes())
    out = tmp_path / "out"
    code = main(["-q", "report", "--partners", str(p_file), "--investments", str(i_file),
                 "--out", str(out)])
    assert code == 0
    report = next(out.glob("*.html"))
    with open_page(report, settle_ms=200) as res:
        _assert_clean(res)
        n = res.page.evaluate("() => G60Map.instances.length")
        assert n == 2
        kinds = set()
        for index in range(n):
            popups = res.page.evaluate(POPUPS_JS, index)
            for kind in ("partners", "investments"):
                if popups[kind]:
                    _assert_literal(popups, payloads, (kind,))
                    kinds.add(kind)
        assert kinds == {"partners", "investments"}
        body = res.page.evaluate("() => document.body.innerText")
        for p in payloads[1:]:
            assert p in body  # the report's tables show them as text
        for name in names:
            assert name in body
        assert res.page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
        _assert_clean(res)
    assert not marker.exists()


@pytest.mark.browser
@requires_browser
def test_fragment_and_iframe_show_every_payload_literally(hostile, tmp_path):
    folder, marker, payloads, partners, investments = hostile
    m = build_map(_corridor(partners, investments), lang="zh", basemap="none")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>host</title></head><body>"
        + map_fragment(m, prefix="host", height=400, self_contained=True)
        + map_iframe(m, height=400, self_contained=True)
        + "</body></html>"
    )
    path = tmp_path / "host.html"
    path.write_text(page, encoding="utf-8")
    with open_page(path, settle_ms=300) as res:
        _assert_clean(res)
        _assert_literal(res.page.evaluate(POPUPS_JS, 0), payloads, ("partners", "investments"))
        frames = [f for f in res.page.frames if f != res.page.main_frame]
        assert len(frames) == 1
        frames[0].wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
        _assert_literal(frames[0].evaluate(POPUPS_JS, 0), payloads, ("partners", "investments"))
        res.settle(200)
        _assert_clean(res)
    assert not marker.exists()


# ----------------------------------------------------------------------------- any text

_ANY_TEXT = st.text(max_size=60)


def _one_partner(name: str, description: str, header: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [name], "description": [description], header: [description]},
        geometry=[shapely.Point(121.2, 31.03)], crs=settings.WGS84,
    )


def _plain_header(h: str) -> bool:
    """A header shown as text: not a column the map reads, hides or formats as money/date."""
    from g60map.render.web._fields import INTERNAL_COLUMNS

    low = h.strip().lower()
    return bool(h.strip()) and h not in ("name", "description", "geometry", "amount", "date") \
        and h not in INTERNAL_COLUMNS and not low.endswith(("_cny", "_usd", "date"))


@pytest.mark.slow
@settings_.settings(max_examples=40, deadline=None,
                    suppress_health_check=[settings_.HealthCheck.too_slow])
@given(name=_ANY_TEXT, description=_ANY_TEXT, header=_ANY_TEXT.filter(_plain_header))
def test_any_text_reaches_the_page_data_unchanged(name, description, header):
    from g60map.render.web._fields import humanise

    m = build_map(_with_partners(_one_partner(name, description, header)), basemap="none")
    data = _data_block(map_html(m))
    (row,) = data["partners"]["rows"]
    assert row[2] == name.strip()
    # a header is shown as a heading (``registered_capital``: "Registered capital")
    assert data["partners"]["cols"][1:] == ["Description", humanise(header)]
    assert row[3][1:] == [description.strip(), description.strip()]


CONTROL = "".join(map(chr, [*range(1, 32), *range(127, 160)])) + "\u2028\u2029\ufeff\ufffe"


@pytest.mark.browser
@requires_browser
def test_control_characters_show_unchanged_in_chromium(tmp_path):
    text = f"a{CONTROL}\x00b {{{{x}}}} </script>"
    m = build_map(_with_partners(_one_partner(text, text, f"h{CONTROL}")), basemap="none")
    path = tmp_path / "control.html"
    path.write_text(map_html(m, self_contained=True), encoding="utf-8")
    with open_page(path, settle_ms=200) as res:
        _assert_clean(res)
        (popup,) = res.page.evaluate(POPUPS_JS, 0)["partners"]
        assert popup["title"] == text.strip()
        # no city row: this frame has no city columns
        assert popup["rows"] == [["Description", text.strip()], [f"h{CONTROL}", text.strip()]]


# ----------------------------------------------------------------------------- exports


def test_exports_keep_every_payload_as_text(hostile, tmp_path):
    """GeoJSON, GeoPackage and xlsx give back each cell unchanged; no xlsx cell is a formula."""
    from openpyxl import load_workbook

    folder, marker, payloads, partners, investments = hostile
    p = g60map.load_partners(partners)
    i = g60map.load_investments(investments)
    corridor = g60map.load_corridor(p, i)
    (gj,) = g60map.export_layers(corridor, tmp_path, fmt="geojson", layers=["partners"])
    props = [f["properties"] for f in json.loads(gj.read_text(encoding="utf-8"))["features"]]
    assert sorted(f["name"] for f in props) == sorted(payloads)
    assert all(f[f"h{k} {v}"] == f["name"] for f in props for k, v in enumerate(payloads))
    (gpkg,) = g60map.export_layers(corridor, tmp_path, fmt="gpkg", layers=["investments"])
    inv = gpd.read_file(gpkg, layer="investments")
    assert sorted(inv["project"]) == sorted(payloads)
    (xlsx,) = g60map.export_layers(corridor, tmp_path, fmt="xlsx")
    sheet = load_workbook(xlsx)["partners"]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(payloads)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert not marker.exists()
