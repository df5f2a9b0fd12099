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
from g60map.corridor.axis import corridor_spokes
from g60map.reference.datasets import get_path
from g60map.render.docs.report import REPORT_FILENAME
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


def test_report_inlines_what_its_maps_share_once(report):
    """Leaflet, markercluster, our script and style and the boundary arcs: once, not per
    map (the report was 1.77 MB with a copy per map; target <= 1.0 MB)."""
    path, page = report
    assert path.stat().st_size <= 1_000_000
    assert page.count("Leaflet 1.9.3, a JS library") == 1
    assert page.count("if (!window.L.MarkerClusterGroup)") == 1
    assert page.count("/* g60map: draws the G60 corridor map") == 1
    assert page.count("/* g60map: styles of the corridor map") == 1
    assert page.count('id="rptzh-arcs"') == 1 and page.count('"arcs":') == 0
    # before the first map, after the page's own stylesheet
    assert page.index("Leaflet 1.9.3") < page.index('id="rptzh-embed"')
    assert page.count("g60map:map-scripts") == 0
    for prefix in ("rptzh", "rpten"):
        assert 'getElementById("rptzh-arcs")' in page.split(f'id="{prefix}-embed"', 1)[1]


def test_shared_map_scripts_precede_the_first_map_in_any_order(quick, tmp_path):
    folder = _folder(tmp_path, '{% extends "g60map/report.html.j2" %}{% block maps %}'
                     "{% for map in maps|reverse %}<figure>{{ map.fragment }}</figure>"
                     "{% endfor %}{% endblock %}")
    page = report_html(quick, template=folder)
    assert page.index('id="rpten-embed"') < page.index('id="rptzh-embed"')
    assert page.count("Leaflet 1.9.3, a JS library") == 1
    assert page.index("Leaflet 1.9.3") < page.index('id="rpten-embed"')
    assert page.index('id="rptzh-arcs"') < page.index('id="rpten-embed"')
    none = report_html(quick, template=_folder(
        tmp_path, '{% extends "g60map/report.html.j2" %}{% block maps %}{% endblock %}'))
    assert "Leaflet 1.9.3" not in none and "g60map:map-scripts" not in none


def test_report_figure_is_an_indexed_png(report):
    import base64
    import io

    from PIL import Image

    _, page = report
    src = re.search(r'id="static-figure"[^>]*src="data:image/png;base64,([^"]+)"', page)
    image = Image.open(io.BytesIO(base64.b64decode(src.group(1))))
    assert image.mode == "P" and image.size == (1500, 1200)
    assert len(src.group(1)) < 300_000  # 645 kB as RGBA


def test_palette_png_keeps_the_most_common_colours_exactly():
    import io

    from PIL import Image

    from g60map.render.docs.report import palette_png

    rgb = np.zeros((40, 60, 3), dtype=np.uint8)
    rgb[:, :30] = (246, 245, 241)
    rgb[:, 30:] = (112, 48, 160)
    rgb[0, :3] = [(10, 10, 10), (12, 10, 10), (250, 250, 250)]  # rare: nearest kept colour
    buf = io.BytesIO()
    Image.fromarray(rgb).convert("RGBA").save(buf, "PNG", dpi=(150, 150))
    small = Image.open(io.BytesIO(palette_png(buf.getvalue(), colors=3)))
    out = np.asarray(small.convert("RGB"))
    assert small.mode == "P" and round(small.info["dpi"][0]) == 150
    assert (out[1:] == rgb[1:]).all()
    assert out[0, :3].tolist() == [[10, 10, 10], [10, 10, 10], [246, 245, 241]]
    exact = np.asarray(Image.open(io.BytesIO(palette_png(buf.getvalue()))).convert("RGB"))
    assert (exact == rgb).all()
    assert palette_png(buf.getvalue()) == palette_png(buf.getvalue())


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

    from g60map.render.docs.content import report_content

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


# ---------------------------------------------------------------------------------------
# a template folder is input: errors, limits, containment, the stylesheet as text


@pytest.fixture(scope="module")
def _report_context():
    from g60map.render.docs import report

    corridor = load_corridor()
    return corridor, report._context(corridor, "en", None)


@pytest.fixture
def quick(monkeypatch, _report_context):
    """report_html with the corridor's variables made once (the maps take seconds)."""
    from g60map.render.docs import report

    corridor, context = _report_context
    monkeypatch.setattr(report, "_context", lambda corridor, lang, title: context)
    return corridor


def _folder(tmp_path, text: str | bytes, name: str = "report.html.j2"):
    folder = tmp_path / "brand"
    folder.mkdir(exist_ok=True)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<p>\n{{ 1/0 }}</p>", "report.html.j2:2: division by zero (fix the template)"),
        ("\n\n{{ 1 + title }}", "report.html.j2:3: unsupported operand type(s) for +"),
        ("{{ title.upper() }}\n{{ title.nope() }}", "report.html.j2:2: 'str object' has no "
                                                    "attribute 'nope'"),
        ("x\n{% include 'report.html.j2' %}", "report.html.j2:2: templates include, extend "
                                              "or call each other without end"),
        ("{% extends 'report.html.j2' %}", "report.html.j2:1: templates include, extend"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "report.html.j2:1: templates"),
        ("{% include 'missing.j2' %}", "report.html.j2:1: template missing.j2 not found"),
        ("\n{% if %}", "report.html.j2:2: template syntax error"),
    ],
)
def test_a_template_error_names_file_and_line(quick, tmp_path, text, message):
    from g60map import G60InputError

    folder = _folder(tmp_path, text)
    with pytest.raises(G60InputError, match=re.escape(message)) as info:
        report_html(quick, template=folder)
    assert str(folder / "report.html.j2") in str(info.value)


def test_cli_template_error_exits_1_with_file_and_line(quick, tmp_path, capsys):
    folder = _folder(tmp_path, "{% extends 'g60map/report.html.j2' %}\n"
                               "{% block header %}\n{{ 1/0 }}{% endblock %}")
    assert main(["-q", "report", "--out", str(tmp_path / "o"), "--template",
                 str(folder)]) == 1
    err = capsys.readouterr().err
    assert "report.html.j2:3: division by zero (fix the template)" in err
    assert "internal error" not in err and "Traceback" not in err
    assert not (tmp_path / "o" / REPORT_FILENAME).exists()


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("{{ 7 ** 99999999 }}", "MAX_TEMPLATE_NUMBER_BITS"),
        ("{{ (10 ** 10000) * (10 ** 10000) * (10 ** 10000) * (10 ** 10000) }}",
         "MAX_TEMPLATE_NUMBER_BITS"),
        ("{{ 'x' * 3000000000 }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ [0] * 3000000000 }}", "MAX_TEMPLATE_OUTPUT"),
        ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
         "MAX_TEMPLATE_LOOPS"),
        ("{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
         "MAX_TEMPLATE_LOOPS"),
        ("{{ range(3000000000) | list }}", "MAX_TEMPLATE_LOOPS"),
        ("{% set ns = namespace(s='x') %}{% for i in range(64) %}"
         "{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "MAX_TEMPLATE_OUTPUT"),
        ("{% set ns = namespace(s='x') %}{% for i in range(64) %}"
         "{% set ns.s = ns.s + ns.s %}{% endfor %}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ 'x' | center(3000000000) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ 'x'.ljust(3000000000) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ '%999999999d' % 1 }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ '%*d' % (999999999, 1) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ '{:>999999999}'.format(1) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ '%999999999d' | format(1) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ range(100000) | join('x' * 100000) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ ('x' * 100000).join(range(100000)) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ ('x' * 100000) | replace('x', 'y' * 100000) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ ('\\n' * 100000) | indent('x' * 100000) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ ('\t' * 100000).expandtabs(100000) }}", "MAX_TEMPLATE_OUTPUT"),
        ("{{ [1] | batch(1000000000, 0) | list }}", "MAX_TEMPLATE_OUTPUT"),
        ("{% for i in range(600) %}{{ 'x' * 100000 }}{% endfor %}", "MAX_TEMPLATE_OUTPUT"),
        ("{% set x %}{% for i in range(1000) %}{{ 'x' * 1000000 }}{% endfor %}{% endset %}",
         "MAX_TEMPLATE_OUTPUT"),
        ("{% macro m() %}{% for i in range(1000) %}{{ 'x' * 1000000 }}{% endfor %}"
         "{% endmacro %}{% set y = m() %}", "MAX_TEMPLATE_OUTPUT"),
        ("{% set x %}{% for i in range(100000) %}" + "x" * 1000 + "{% endfor %}{% endset %}",
         "MAX_TEMPLATE_OUTPUT"),
    ],
)
def test_a_template_cannot_run_for_ever_or_fill_memory(quick, tmp_path, text, setting):
    import time

    from g60map import G60InputError

    folder = _folder(tmp_path, text)
    start = time.monotonic()
    with pytest.raises(G60InputError, match=f"settings.{setting} = .*G60MAP_{setting}="):
        report_html(quick, template=folder)
    assert time.monotonic() - start < 5


def _slow_template(tmp_path, monkeypatch):
    from g60map import settings

    monkeypatch.setattr(settings, "MAX_TEMPLATE_LOOPS", 10**12)
    monkeypatch.setattr(settings, "MAX_TEMPLATE_SECONDS", 1)
    return _folder(tmp_path, "{% for a in range(10**6) %}{% for b in range(10**6) %}"
                             "{% endfor %}{% endfor %}")


def test_a_slow_template_stops_at_the_deadline(quick, tmp_path, monkeypatch):
    import signal
    import time

    from g60map import G60InputError

    folder = _slow_template(tmp_path, monkeypatch)
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    with pytest.raises(G60InputError, match="took more than 1 s.*G60MAP_MAX_TEMPLATE_SECONDS"):
        report_html(quick, template=folder)
    assert time.monotonic() - start < 4
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_slow_template_stops_at_the_deadline_off_the_main_thread(quick, tmp_path,
                                                                   monkeypatch):
    import threading
    import time

    folder = _slow_template(tmp_path, monkeypatch)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            report_html(quick, template=folder)
        except BaseException as exc:  # noqa: BLE001 (handed to the test thread)
            errors.append(exc)

    start = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - start < 4
    assert "MAX_TEMPLATE_SECONDS" in str(errors[0])


def test_template_limits_can_be_raised(quick, tmp_path, monkeypatch):
    from g60map import G60InputError, settings

    folder = _folder(tmp_path, "{% for i in range(3) %}{% for j in range(3) %}{{ i * j }}"
                               "{% endfor %}{% endfor %}")
    monkeypatch.setattr(settings, "MAX_TEMPLATE_LOOPS", 10)
    with pytest.raises(G60InputError, match="loops ran more than 10 times"):
        report_html(quick, template=folder)
    monkeypatch.setattr(settings, "MAX_TEMPLATE_LOOPS", 12)
    assert report_html(quick, template=folder) == "000012024"


@pytest.mark.slow
def test_template_limits_are_read_from_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "G60MAP_MAX_TEMPLATE_LOOPS": "12", "G60MAP_MAX_TEMPLATE_BYTES": "77",
           "G60MAP_MAX_TEMPLATE_OUTPUT": "99", "G60MAP_MAX_TEMPLATE_SECONDS": "5",
           "G60MAP_MAX_TEMPLATE_NUMBER_BITS": "64"}
    code = ("import g60map.settings as s; print(s.MAX_TEMPLATE_LOOPS, s.MAX_TEMPLATE_BYTES, "
            "s.MAX_TEMPLATE_OUTPUT, s.MAX_TEMPLATE_SECONDS, s.MAX_TEMPLATE_NUMBER_BITS)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.split() == ["12", "77", "99", "5", "64"]


def test_a_link_out_of_the_template_folder_is_refused(quick, tmp_path):
    from g60map import G60InputError

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-PASSWORD\n", encoding="utf-8")
    folder = _folder(tmp_path, "{% include 'passwd.j2' %}")
    (folder / "passwd.j2").symlink_to(secret)
    with pytest.raises(G60InputError, match="passwd.j2: links to .*secret.txt, outside the "
                                            "template folder") as info:
        report_html(quick, template=folder)
    assert "SECRET-PASSWORD" not in str(info.value)
    # the page itself, the stylesheet and a folder linked out are refused the same way
    (folder / "report.html.j2").unlink()
    (folder / "report.html.j2").symlink_to(secret)
    with pytest.raises(G60InputError, match="report.html.j2: links to .*outside"):
        report_html(quick, template=folder)
    (folder / "report.html.j2").unlink()
    (folder / "report.css").symlink_to(secret)
    with pytest.raises(G60InputError, match="report.css: links to .*outside"):
        report_html(quick, template=folder)
    (folder / "report.css").unlink()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.j2").write_text("SECRET-PASSWORD", encoding="utf-8")
    (folder / "sub").symlink_to(tmp_path / "out")
    for name in ("sub/x.j2", "../out/x.j2", "/etc/passwd.j2"):
        (folder / "report.html.j2").write_text(f"{{% include {name!r} %}}", encoding="utf-8")
        with pytest.raises(G60InputError, match="outside the template folder|leaves the "
                                                "template folder"):
            report_html(quick, template=folder)
    # a link inside the folder is fine
    (folder / "real.j2").write_text("inside {{ 6 * 7 }}", encoding="utf-8")
    (folder / "alias.j2").symlink_to(folder / "real.j2")
    (folder / "report.html.j2").write_text("{% include 'alias.j2' %}", encoding="utf-8")
    assert report_html(quick, template=folder) == "inside 42"


def test_only_j2_files_are_template_source(quick, tmp_path):
    from g60map import G60InputError

    folder = _folder(tmp_path, "{% include 'notes.txt' %}")
    (folder / "notes.txt").write_text("{{ 7 * 7 }}", encoding="utf-8")
    with pytest.raises(G60InputError, match=r"notes.txt: only \.j2 files are templates"):
        report_html(quick, template=folder)


HOSTILE_CSS = ("h1 { color: rgb(1, 2, 3); } /* {{ 7*7 }} {% raw %} */\n"
               "</style><script>document.title = 'pwned'; alert(1)</script><style> {}\n"
               "h2 { color: rgb(4, 5, 6); }\n")


def test_the_stylesheet_is_text_that_cannot_close_its_element(quick, tmp_path):
    folder = _folder(tmp_path, HOSTILE_CSS, "report.css")
    page = report_html(quick, template=folder)
    style = page.split("<style>\n", 1)[1].split("\n</style>", 1)[0]
    assert style == HOSTILE_CSS.replace("<", "\\3c ")  # as written, never rendered
    assert "</style><script>" not in page and "{{ 7*7 }} {% raw %}" in style
    # a template that includes report.css gets the same text
    (folder / "report.html.j2").write_text("<style>{% include 'report.css' %}</style>",
                                           encoding="utf-8")
    assert report_html(quick, template=folder) == f"<style>{style}</style>"


@pytest.mark.browser
@requires_browser
def test_a_hostile_stylesheet_styles_the_page_and_runs_nothing(quick, tmp_path):
    folder = _folder(tmp_path, HOSTILE_CSS, "report.css")
    path = save_report(report_html(quick, template=folder), tmp_path / "r.html")
    with open_page(path, settle_ms=200) as res:
        assert res.dialogs == [] and res.page_errors == []
        page = res.page
        assert page.evaluate("() => document.title") != "pwned"
        assert page.evaluate("() => document.querySelectorAll('script:not([src])').length"
                             " === document.querySelectorAll('script').length")
        colours = page.evaluate("() => [getComputedStyle(document.querySelector('h1')).color,"
                                " getComputedStyle(document.querySelector('h2')).color]")
        # the rule before it and the one after it (the text itself is one invalid rule)
        assert colours == ["rgb(1, 2, 3)", "rgb(4, 5, 6)"]


@pytest.mark.parametrize("name", ["report.html.j2", "report.css", "part.j2"])
def test_a_file_that_is_not_utf8_is_named(quick, tmp_path, name):
    from g60map import G60InputError

    folder = _folder(tmp_path, "{% include 'part.j2' %}")
    (folder / name).write_bytes("h1 {}\n/* 松江 */\n".encode("gb18030"))
    with pytest.raises(G60InputError, match=re.escape(f"{name}:2: not UTF-8 (byte 0xcb at "
                                                      "offset 9); save the file as UTF-8")):
        report_html(quick, template=folder)


def test_a_huge_template_file_is_refused(quick, tmp_path, monkeypatch):
    from g60map import G60InputError, settings

    monkeypatch.setattr(settings, "MAX_TEMPLATE_BYTES", 1000)
    folder = _folder(tmp_path, "x" * 1001)
    with pytest.raises(G60InputError, match="report.html.j2: 1,001 bytes, over the limit "
                                            "settings.MAX_TEMPLATE_BYTES = 1,000.*"
                                            "G60MAP_MAX_TEMPLATE_BYTES="):
        report_html(quick, template=folder)
    (folder / "report.html.j2").unlink()
    (folder / "report.css").write_text("/* */" * 201, encoding="utf-8")
    with pytest.raises(G60InputError, match="report.css: 1,005 bytes"):
        report_html(quick, template=folder)


def test_the_template_folder_must_be_a_folder(quick, tmp_path, capsys):
    from g60map import G60InputError

    with pytest.raises(G60InputError, match="no such folder"):
        report_html(quick, template=tmp_path / "none")
    (tmp_path / "file.j2").write_text("x", encoding="utf-8")
    with pytest.raises(G60InputError, match="file.j2: a file, but the report template must "
                                            "be a folder"):
        report_html(quick, template=tmp_path / "file.j2")
    assert main(["-q", "report", "--out", str(tmp_path / "o"), "--template",
                 str(tmp_path / "file.j2")]) == 1
    assert "a file, but the report template must be a folder" in capsys.readouterr().err


def test_zh_report_names_the_investment_and_its_sources_in_chinese():
    from g60map.render.docs.content import report_content

    content = report_content(load_corridor(), "zh")
    (table,) = [t for t in content.tables if t.key == "investments"]
    row = table.frame.iloc[0].tolist()
    assert row[:2] == ["腾讯", "长三角超算中心及产业基地"]
    assert "原文（tencent-g60-article.txt）" in " ".join(map(str, content.sources))
    en = report_content(load_corridor(), "en")
    (table,) = [t for t in en.tables if t.key == "investments"]
    assert table.frame.iloc[0].tolist()[:2] == [
        "Tencent", "Yangtze River Delta supercomputing center and industrial base"]
