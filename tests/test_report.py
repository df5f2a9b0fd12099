from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from g60map import (
    load_boundaries,
    load_corridor,
    load_investments,
    load_partners,
    report_html,
    save_report,
)
from g60map.cli import main
from g60map.corridor import corridor_spokes
from g60map.datasets import get_path
from g60map.render.report import REPORT_FILENAME
from tests._browser import _decode_png, open_all_popups, open_page, requires_browser

PAYLOADS = {
    "name": "<img src=x onerror=alert(1)>",
    "description": "${alert(1)}",
    "website": "javascript:alert(1)",
    "source": "</script><script>alert(1)</script>",
}


@pytest.fixture(scope="module")
def payload_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "partners payload.csv"
    path.write_text(
        "name,city,description,website,source\n"
        f"{PAYLOADS['name']},Hangzhou,{PAYLOADS['description']},{PAYLOADS['website']},"
        f"{PAYLOADS['source']}\n"
        "China Mobile,Songjiang,operator,https://example.com/?a=<b>,tencent-g60-article.txt\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory, payload_csv):
    """The report written by the CLI from a partners table full of payloads.

    The investments are the packaged table, named on the command line: with one table
    given, the other would be empty.
    """
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--out", str(out), "--partners", str(payload_csv),
                 "--investments", str(get_path("investments"))]) == 0
    path = out / REPORT_FILENAME
    return path, path.read_text(encoding="utf-8")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_report_is_self_contained(report):
    _, page = report
    assert page.startswith("<!DOCTYPE html>")
    # nothing the page would fetch: no src/href to another resource, no CSS url() out
    assert not re.search(r"""<[a-z][^<>]*\ssrc\s*=\s*(?!["']?data:)""", page, re.I)
    assert not re.search(r"""<link\b[^>]*\bhref""", page)
    assert not re.search(r"""url\(\s*(?!["']?(?:data:|#))""", page)
    assert "@import" not in page
    assert len(re.findall(r'<div class="g60m-embed" id="(rptzh|rpten)-embed"', page)) == 2


def test_user_text_is_escaped_everywhere(report):
    _, page = report
    for value in PAYLOADS.values():
        if "<" in value:
            assert value not in page
    assert "</script><script>alert(1)</script>" not in page
    # the source payload is listed (escaped) among the sources named in the tables
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="javascript' not in page.lower()


def test_report_records_inputs_with_checksums_and_versions(report, payload_csv):
    from g60map import __version__

    _, page = report
    assert _sha(payload_csv) in page
    assert "partners payload.csv" in page
    assert str(payload_csv.parent) not in page  # file names, not local folders
    assert _sha(get_path("investments")) in page
    for name in ("cities", "admin_units", "boundaries_city"):
        assert _sha(get_path(name)) in page
    assert f"<td>g60map</td><td>{__version__}</td>" in page
    assert re.search(r"<td>matplotlib</td><td>\d+\.\d+", page)


def _inputs_table(page: str) -> list[list[str]]:
    table = page.split('<table class="inputs">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if "<td" in row]


def test_inputs_table_lists_the_corridor_inputs(payload_csv):
    memory = load_partners(str(payload_csv))
    memory.attrs = {}  # in memory: checksummed by content
    corridor = load_corridor(memory)
    rows = _inputs_table(report_html(corridor))
    assert rows == [
        [i.label, i.name, "" if i.rows is None else str(i.rows), i.sha256]
        for i in corridor.inputs
    ]
    assert "in-memory table" in rows[0][1] and rows[0][2] == "2"
    assert re.fullmatch(r"[0-9a-f]{64}", rows[0][3])


def test_tables_match_the_analysis(report):
    _, page = report
    summary = page.split('<table class="cities">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", summary)
    assert len(rows) == 9 and rows[0].startswith("Songjiang</td><td>松江区")
    hz = next(r for r in rows if r.startswith("Hangzhou"))
    assert '<td class="num">1</td><td class="num">0</td>' in hz  # 1 partner, 0 investments
    spokes = page.split('<table class="spokes">', 1)[1].split("</table>", 1)[0]
    lengths = [float(v) for v in re.findall(r'<td class="num">([\d.]+)</td><td class="num">'
                                             r"[\d.]+</td></tr>", spokes)]
    expected = corridor_spokes().sort_values("rank")["length_km"].round(1).tolist()
    assert lengths == expected


@pytest.mark.slow
def test_report_is_deterministic(tmp_path):
    a = save_report(report_html(), tmp_path / "a" / REPORT_FILENAME).read_bytes()
    b = save_report(report_html(load_corridor()), tmp_path / "b.html").read_bytes()
    assert a == b
    assert str(tmp_path).encode() not in a


@pytest.mark.browser
@requires_browser
def test_report_opens_offline_with_both_maps_tables_and_figure(report, tmp_path):
    path, _ = report
    n_cities = len(load_boundaries("city"))
    n_spokes = len(corridor_spokes())
    n_inv = len(load_investments())
    with open_page(path, viewport=(1280, 900), settle_ms=500) as res:
        page = res.page
        assert res.console_errors == [] and res.page_errors == []
        assert res.blocked_requests == [] and res.remote_responses == []
        assert res.dialogs == []

        panes = page.evaluate(
            """() => { const out = {};
              document.querySelectorAll('.g60m-embed path').forEach((p) => {
                const pane = p.closest('.leaflet-pane');
                const m = pane && /leaflet-(\\w+)-pane/.exec(pane.className);
                const key = p.closest('.g60m-embed').id + ' ' + (m ? m[1] : '-');
                out[key] = (out[key] || 0) + 1; });
              return out; }"""
        )
        for prefix in ("rptzh", "rpten"):
            assert panes[f"{prefix}-embed g60mCities"] == n_cities
            assert panes[f"{prefix}-embed g60mProvinces"] == 4
            assert panes[f"{prefix}-embed g60mLines"] == n_spokes + 1  # spokes and trunk
            assert panes[f"{prefix}-embed g60mSeats"] == 9
        assert panes.get("rpten-embed g60mInvest", 0) == n_inv
        assert panes.get("rptzh-embed g60mInvest", 0) == 0
        # each map has its own Leaflet container, labels in its own language, own layers
        ids = page.evaluate("() => [...document.querySelectorAll('.leaflet-container')]"
                            ".map((e) => e.id)")
        assert len(ids) == 2 and len(set(ids)) == 2
        zh_labels = page.locator("#rptzh-embed .g60m-label").all_inner_texts()
        en_labels = page.locator("#rpten-embed .g60m-label").all_inner_texts()
        assert "松江区" in zh_labels and "Songjiang" not in zh_labels
        assert "Songjiang" in en_labels and "松江区" not in en_labels
        assert page.locator("#rptzh-embed .leaflet-marker-pane > *").count() >= 1  # partners
        for prefix in ("rptzh", "rpten"):
            shot = tmp_path / f"{prefix}.png"
            page.locator(f"#{prefix}-embed").screenshot(path=str(shot))
            rgb = _decode_png(shot)
            assert rgb.shape[0] > 300 and rgb.shape[1] > 300
            assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 50

        assert page.locator("table.cities tbody tr").count() == 9
        assert page.locator("table.spokes tbody tr").count() == n_spokes
        img = page.evaluate(
            "() => { const i = document.getElementById('static-figure');"
            " return [i.complete, i.naturalWidth, i.naturalHeight]; }"
        )
        assert img == [True, 1500, 1200]
        assert page.locator("table.inputs").get_by_text("partners payload.csv").count() == 1
        # every popup and tooltip of both maps opens; the payloads show as text, never run
        overlays = open_all_popups(page, settle_ms=300)
        assert overlays.maps == 2 and overlays.errors == []
        assert PAYLOADS["name"] in overlays.text and PAYLOADS["description"] in overlays.text
        assert res.dialogs == [] and res.page_errors == [] and res.console_errors == []


# ---------------------------------------------------------------------------------------
# templates


@pytest.fixture(scope="module")
def hostile_corridor(tmp_path_factory):
    """A corridor whose file name and cells are template and HTML payloads."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "{{ 7*7 }} {% raw %} <b>x.csv"
    path.write_text(
        "name,city,description,source\n"
        '"{{ 7*7 }}",Hefei,"{% for x in range(3) %}x{% endfor %}","{{ config }} <i>s</i>"\n',
        encoding="utf-8",
    )
    return load_corridor(path)


def test_table_text_and_file_names_are_variables_never_template_source(hostile_corridor):
    page = report_html(hostile_corridor)
    assert "{{ 7*7 }} {% raw %} &lt;b&gt;x.csv" in page  # the file name, escaped
    assert "<b>x" not in page and "<i>s</i>" not in page
    assert "{{ config }} &lt;i&gt;s&lt;/i&gt;" in page  # the source column, as text
    # the cells reach the map data unrendered
    assert '"{% for x in range(3) %}x{% endfor %}"' in page and '"{{ 7*7 }}"' in page


def test_a_template_folder_brands_the_report(hostile_corridor, tmp_path):
    (tmp_path / "report.css").write_text(".g60r h1 { color: #c00; }\n", encoding="utf-8")
    (tmp_path / "report.html.j2").write_text(
        '{% extends "g60map/report.html.j2" %}\n'
        "{% block header %}<header class=\"brand\"><h1>ACME: {{ title }}</h1>"
        "<p>{{ sources | join(' / ') }}</p></header>{% endblock %}\n",
        encoding="utf-8",
    )
    page = report_html(hostile_corridor, template=tmp_path)
    assert ".g60r h1 { color: #c00; }" in page
    assert "ul.facts { columns: 2" not in page  # the packaged stylesheet is replaced
    assert '<header class="brand"><h1>ACME: G60 Science' in page
    assert "{{ config }} &lt;i&gt;s&lt;/i&gt;" in page  # still escaped in the user's block
    assert page.count('<table class="cities">') == 1 and 'id="map-partners"' in page
    css_only = tmp_path / "css"
    css_only.mkdir()
    (css_only / "report.css").write_text("body { color: #123; }\n", encoding="utf-8")
    assert "body { color: #123; }" in report_html(hostile_corridor, template=css_only)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% block header %}{{ oops( }}{% endblock %}", "report.html.j2:1: template syntax"),
        ("{{ no_such_variable }}", "no_such_variable"),
        ("{{ ''.__class__.__mro__ }}", "not allowed"),
    ],
)
def test_template_errors_are_input_errors(text, message, tmp_path):
    from g60map import G60InputError

    corridor = load_corridor()
    (tmp_path / "report.html.j2").write_text(text, encoding="utf-8")
    with pytest.raises(G60InputError, match=re.escape(message)):
        report_html(corridor, template=tmp_path)
    with pytest.raises(G60InputError, match="must be a folder"):
        report_html(corridor, template=tmp_path / "report.html.j2")


def test_cli_report_template(tmp_path, capsys):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "report.css").write_text("h1 { color: teal; }\n", encoding="utf-8")
    assert main(["-q", "report", "--out", str(tmp_path / "o"), "--template",
                 str(tmp_path / "t")]) == 0
    assert "h1 { color: teal; }" in (tmp_path / "o" / REPORT_FILENAME).read_text("utf-8")
    assert main(["-q", "report", "--out", str(tmp_path / "o"), "--template",
                 str(tmp_path / "none")]) == 1
    assert "must be a folder" in capsys.readouterr().err


def test_the_page_lays_out_the_shared_report_content():
    import html

    from g60map.render.content import report_content

    corridor = load_corridor()
    for lang in ("en", "zh"):
        page = report_html(corridor, lang=lang, title="G60 <2026>")
        content = report_content(corridor, lang, title="G60 <2026>")
        assert f"<title>{html.escape(content.title)}</title>" in page
        assert ('<html lang="zh-CN">' in page) == (lang == "zh")
        for label, value in content.facts:  # the same figures as the Word report and slides
            assert f"<li>{html.escape(label)}: {html.escape(value)}</li>" in page
        for line in content.sources:
            assert f"<li>{html.escape(line)}</li>" in page
        for table in content.tables:
            assert f'<table class="{table.key}">' in page
            assert page.count("<tr><td") >= len(table.frame)


@pytest.mark.browser
@requires_browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_fits_a_phone_without_scrolling_sideways(tmp_path, lang):
    corridor = load_corridor()
    path = save_report(report_html(corridor, lang=lang), tmp_path / f"report_{lang}.html")
    with open_page(path, viewport=(390, 844), settle_ms=300) as res:
        page = res.page
        width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1] == 390  # the page itself never scrolls sideways
        # wide tables scroll inside their own box instead
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('.table-wrap')].map("
            "(w) => [w.clientWidth, w.scrollWidth, getComputedStyle(w).overflowX])"
        )
        assert boxes and all(client <= 390 and ox == "auto" for client, _, ox in boxes)
        assert any(scroll > client for client, scroll, _ in boxes)  # the cities table
        assert res.console_errors == [] and res.page_errors == []
