"""Slides and Word reports: real tables and pictures, text kept literally, same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pandas as pd
import pytest

from g60map.corridor.model import load_corridor
from g60map.render.docs.content import ContentTable, report_content
from g60map.render.docs.office import Picture, docx_bytes, pptx_bytes, report_docx, slides_pptx

pptx = pytest.importorskip("pptx")
docx = pytest.importorskip("docx")

WHEN = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
HOSTILE = ["=1+1", "{{7*7}}", "{% if 1 %}x{% endif %}", "<script>alert(1)</script>", "${x}",
           "@SUM(A1)", "+cmd|' /C calc'!A0", "中文 松江", "ctl \x01 char"]
SHOWN = [h.replace("\x01", "\ufffd") for h in HOSTILE]

INVESTMENTS = """investor,project,city,amount,currency,date
Acme,Plant A,Hangzhou,2亿,CNY,2019年3月
Beta,Lab B,Jiaxing,5000万元,CNY,2021-06-01
Gamma,Park C,Hefei,1.5亿,CNY,2023/2/1
Delta,Depot D,Wuhu,800万,CNY,2024.05
"""


def _png() -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture(scope="module")
def content():
    base = report_content(load_corridor(), "zh", title="G60 走廊 {{ title }}")
    rows = 15
    frame = pd.DataFrame({"城市": [HOSTILE[i % len(HOSTILE)] for i in range(rows)],
                          "n": [str(i) for i in range(rows)]})
    hostile = ContentTable("cities", "Cities", "caption <b>", frame, ("n",))
    return dataclasses.replace(base, tables=(hostile, *base.tables[1:]))


def test_pptx_has_title_picture_table_and_sources_slides(content):
    prs = pptx.Presentation(io.BytesIO(pptx_bytes(content, [Picture("地图", _png())],
                                                  when=WHEN)))
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    kinds = [[s.shape_type for s in slide.shapes] for slide in prs.slides]
    assert len(kinds) == 5  # title, map, the 15-row table split 12 + 3, sources
    assert 13 in kinds[1]  # a picture
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    assert [len(t.rows) for t in tables] == [13, 4]
    cells = [t.cell(i, 0).text for t in tables for i in range(1, len(t.rows))]
    assert cells == [SHOWN[i % len(HOSTILE)] for i in range(15)]
    texts = [s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame]
    assert "G60 走廊 {{ title }}" in texts


def test_pptx_names_an_east_asian_font(content):
    with zipfile.ZipFile(io.BytesIO(pptx_bytes(content, when=WHEN))) as z:
        xml = z.read("ppt/slides/slide1.xml").decode()
    assert '<a:ea typeface="Noto Sans CJK SC"/>' in xml


def test_docx_has_headings_tables_and_the_picture(content):
    d = docx.Document(io.BytesIO(docx_bytes(content, [Picture("地图", _png())], when=WHEN)))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == ["主要数据", "地图", "Cities", "辐射线"]
    assert "资料来源" in headings and "制作方法" in headings
    assert len(d.inline_shapes) == 1
    facts, cities = d.tables[:2]
    assert facts.rows[0].cells[0].text == "城市"
    assert [r.cells[0].text for r in cities.rows] == ["城市"] + [
        SHOWN[i % len(HOSTILE)] for i in range(15)
    ]
    assert d.core_properties.title == "G60 走廊 {{ title }}"


@pytest.mark.parametrize("writer", [pptx_bytes, docx_bytes])
def test_same_content_same_bytes(content, writer):
    first = writer(content, when=WHEN)
    assert writer(content, when=WHEN) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "1980-01-01T00:00:00Z" in z.read("docProps/core.xml").decode()


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    path = tmp_path_factory.mktemp("inv") / "投资.csv"
    path.write_text(INVESTMENTS, encoding="utf-8")
    return load_corridor(investments=path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_slides_of_a_corridor(dated, lang):
    prs = pptx.Presentation(io.BytesIO(slides_pptx(dated, lang=lang)))
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 3  # the map, the timeline and the small multiples (2019-2024)
    assert [p.image.size[0] for p in pictures] == [1920] * 3  # charts drawn small, shown large
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    assert len(tables[0].rows) == 10  # header + 9 cities
    amounts = [tables[-1].cell(i, 3).text for i in range(1, 5)]
    assert amounts == (["CNY 200M", "CNY 150M", "CNY 50M", "CNY 8M"] if lang == "en"
                       else ["2亿元", "1.5亿元", "5,000万元", "800万元"])
    assert slides_pptx(dated, lang=lang) == slides_pptx(dated, lang=lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_report_of_a_corridor(dated, lang):
    d = docx.Document(io.BytesIO(report_docx(dated, lang=lang, title="My <report>")))
    assert d.paragraphs[0].text == "My <report>"
    assert len(d.inline_shapes) == 3
    texts = {t.rows[0].cells[0].text for t in d.tables}
    assert texts >= ({"City", "Input"} if lang == "en" else {"城市", "输入"})
    inputs = [t for t in d.tables if t.rows[0].cells[0].text in ("Input", "输入")][0]
    names = [r.cells[1].text for r in inputs.rows[1:]]
    assert "投资.csv" in names


@pytest.mark.parametrize("writer", [slides_pptx, report_docx])
def test_an_output_resolves_its_corridor_once(dated, writer, monkeypatch):
    """as_corridor once per output call: the map and the timeline inside take the
    corridor the output resolved."""
    from g60map.corridor import model
    from g60map.render.docs import office
    from g60map.render.static import charts
    from g60map.render.static import figure as static

    calls = []

    def counting(corridor):
        calls.append(type(corridor).__name__)
        return model.as_corridor(corridor)

    class Drawn(Exception):
        pass

    def stop(lang):  # the map's first step after its corridor: no need to draw it
        raise Drawn

    for module in (office, static, charts):
        monkeypatch.setattr(module, "as_corridor", counting)
    monkeypatch.setattr(static, "pick_font", stop)
    with pytest.raises(Drawn):
        writer(dated, lang="en")
    assert calls == ["Corridor"]


def test_cli_slides_and_word_report(tmp_path, capsys):
    from g60map.cli import main

    inv = tmp_path / "inv.csv"
    inv.write_text(INVESTMENTS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["slides", "--out", str(out), "--investments", str(inv), "--lang", "zh",
                 "--title", "{{7*7}} 报告"]) == 0
    pptx_path = out / "g60_corridor.pptx"
    assert capsys.readouterr().out.strip() == str(pptx_path)
    prs = pptx.Presentation(str(pptx_path))
    assert "{{7*7}} 报告" in [s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame]
    assert main(["report", "--format", "docx", "--out", str(out), "-q"]) == 0
    d = docx.Document(str(out / "g60_corridor_report.docx"))
    assert d.paragraphs[0].text.startswith("G60 Science and Technology Innovation Corridor")
    assert sorted(p.name for p in out.iterdir()) == ["g60_corridor.pptx",
                                                     "g60_corridor_report.docx"]


def test_every_document_has_a_maker_and_a_save_writer(tmp_path):
    """One verb pattern: the Word report is saved by save_report, the slides by save_slides,
    atomically, with the bytes the maker returned."""
    import g60map

    corridor = g60map.load_corridor()
    docx = g60map.report_docx(corridor)
    pptx = g60map.slides_pptx(corridor)
    assert g60map.save_report(docx, tmp_path / "r.docx").read_bytes() == docx
    assert g60map.save_slides(pptx, tmp_path / "s.pptx").read_bytes() == pptx
    with pytest.raises(TypeError, match="slides_pptx"):
        g60map.save_slides("text", tmp_path / "x.pptx")
    with pytest.raises(TypeError, match="report_docx"):
        g60map.save_report(42, tmp_path / "x.docx")


def _twips(length) -> int:
    return round(length / 635)


@pytest.mark.slow
@pytest.mark.parametrize(("paper", "size"), [("a4", (11906, 16838)), ("letter", (12240, 15840))])
def test_word_report_paper_size(dated, paper, size):
    d = docx.Document(io.BytesIO(report_docx(dated, lang="en", paper=paper)))
    section = d.sections[0]
    assert (_twips(section.page_width), _twips(section.page_height)) == size


def test_word_report_is_a4_by_default_and_a_bad_paper_says_how():
    from g60map._errors import G60InputError

    d = docx.Document(io.BytesIO(docx_bytes(report_content(load_corridor()), when=WHEN)))
    assert _twips(d.sections[0].page_width) == 11906
    with pytest.raises(G60InputError, match=r"paper 'a5' is not known; use one of a4, letter"):
        docx_bytes(report_content(load_corridor()), when=WHEN, paper="a5")


def test_word_tables_fit_their_words_repeat_headers_and_keep_rows(dated):
    from docx.oxml.ns import qn

    from g60map.render.docs._ooxml import _text_em
    from g60map.render.docs.office import MIN_PRINT_PT

    content = report_content(dated, "zh")
    d = docx.Document(io.BytesIO(docx_bytes(content, when=WHEN)))
    section = d.sections[0]
    usable = _twips(section.page_width - section.left_margin - section.right_margin)
    inv = [t for t in d.tables if t.rows[0].cells[0].text == "投资方"][0]
    widths = [_twips(c.width) for c in inv.columns]
    assert len(set(widths)) > 1 and abs(sum(widths) - usable) <= len(widths)
    for row in inv.rows:
        for j, cell in enumerate(row.cells):
            run = cell.paragraphs[0].runs[0]
            size = run.font.size.pt
            assert size >= MIN_PRINT_PT
            for word in cell.text.split():  # "1.5亿元", "2019年3月": never broken
                if any(ch.isdigit() for ch in word):
                    assert _text_em(word, run.bold) * size * 20 + 100 < widths[j], word
    for i, row in enumerate(inv.rows):
        tr_pr = row._tr.trPr
        assert tr_pr.find(qn("w:cantSplit")) is not None
        assert (tr_pr.find(qn("w:tblHeader")) is not None) == (i == 0)
    assert inv._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_word_report_numbers_its_pages_and_lists_contents_when_long(content):
    d = docx.Document(io.BytesIO(docx_bytes(content, when=WHEN)))
    footer = d.sections[0].footer.paragraphs[0]._p.xml
    assert " PAGE " in footer
    body = d.element.body.xml
    assert sum(len(t.frame) for t in content.tables) >= 40
    assert 'TOC \\o "1-2"' in body
    texts = [p.text for p in d.paragraphs]
    start = texts.index("目录") + 1  # the headings shown until Word adds page numbers
    assert texts[start:start + 3] == ["主要数据", "Cities", "辐射线"]
    assert body.count('w:fldCharType="begin"') == body.count('w:fldCharType="end"')
    assert '<w:updateFields w:val="true"/>' in d.settings.element.xml
    short = dataclasses.replace(content, tables=content.tables[:2])
    assert "TOC" not in docx.Document(io.BytesIO(docx_bytes(short, when=WHEN))).element.body.xml


@pytest.mark.slow
def test_word_figures_print_at_readable_type(dated, monkeypatch):
    from g60map.render.docs import office
    from g60map.render.static import figure

    saved = []
    original = figure.figure_bytes

    def spy(fig, **kwargs):
        saved.append((fig.get_figwidth(), office._min_text_pt(fig)))
        return original(fig, **kwargs)

    monkeypatch.setattr(figure, "figure_bytes", spy)
    d = docx.Document(io.BytesIO(report_docx(dated, lang="zh")))
    printed = [_twips(s.width) / 1440 for s in d.inline_shapes]
    assert printed == [pytest.approx((11906 - 2 * 1134) / 1440, abs=0.01)] * 3
    assert len(saved) == 3  # map, timeline, small multiples: drawn at the width they print at
    for (width, smallest), shown in zip(saved, printed, strict=True):
        assert smallest * shown / width >= office.MIN_PRINT_PT - 1e-6


def _docx_texts(d) -> list[str]:
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return [p.text for p in d.paragraphs] + cells


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_documents_speak_the_language_asked_and_keep_jargon_out(dated, lang):
    import re

    content = report_content(dated, lang)
    d = docx.Document(io.BytesIO(docx_bytes(content, when=WHEN)))
    prs = pptx.Presentation(io.BytesIO(pptx_bytes(content, tables=("cities", "investments"),
                                                  when=WHEN)))
    slides = [s.text_frame.text for slide in prs.slides for s in slide.shapes
              if s.has_text_frame]
    slides += [c.text for slide in prs.slides for s in slide.shapes if s.has_table
               for r in s.table.rows for c in r.cells]
    for text in _docx_texts(d) + slides:  # library names stay out of the document's text
        assert not re.search(r"settings\.|g60map\.|pyproj\.Geod|EQUAL_AREA", text), text
    # ... and go, as the library states them, to the metadata
    assert "pyproj.Geod" in d.core_properties.comments
    assert "pyproj.Geod" in prs.core_properties.comments
    headers = [c.text for t in d.tables[1:] for c in t.rows[0].cells]
    headers += [c.text for slide in prs.slides for s in slide.shapes if s.has_table
                for c in s.table.rows[0].cells]
    if lang == "zh":  # every header in Chinese (the checksum's name aside)
        assert [h for h in headers if not re.search("[\u4e00-\u9fff]", h)] == ["SHA-256"]
        inv = [t for t in d.tables if t.rows[0].cells[0].text == "投资方"][0]
        assert [c.text for c in inv.rows[0].cells][2] == "城市"
        assert "由原文推算" in d.element.body.xml and "the source article" not in "".join(
            _docx_texts(d))
    else:
        assert not [h for h in headers if re.search("[\u4e00-\u9fff]", h) and h != "城市"]
    appendix = [t for t in d.tables if t.rows[0].cells[0].text in ("Topic", "项")]
    assert len(appendix) == 1 and len(appendix[0].rows) == 4


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A realistic investment table: 30 rows over six years."""
    cities = ["Hangzhou", "Jiaxing", "Hefei", "Wuhu", "Suzhou", "Jinhua", "Huzhou", "Xuancheng"]
    lines = ["investor,project,city,amount,currency,date"]
    for i in range(30):
        lines.append(f"Investor {i},Project {i},{cities[i % 8]},{i + 1}亿,CNY,{2019 + i % 6}-03-01")
    path = tmp_path_factory.mktemp("many") / "inv.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_corridor(investments=path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_slides_are_made_for_projection(many, lang):
    from g60map.render.docs._ooxml import _text_em, _words
    from g60map.render.docs._pptx import _PPTX_PAD_TW
    from g60map.render.docs.office import SLIDE_ROWS, SLIDE_TABLE_PT

    content = report_content(many, lang)
    data = pptx_bytes(content, [Picture("map", _png())], tables=("cities", "investments"),
                      when=dt.datetime(2026, 3, 5, tzinfo=dt.timezone.utc))
    prs = pptx.Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    titles = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in slides]
    # title slide: title, date, lead and four key figures
    date = "5 March 2026" if lang == "en" else "2026年3月5日"
    assert content.title in titles[0] and date in titles[0] and content.lead in titles[0]
    figures = [s.text_frame.text for s in slides[0].shapes if s.name.startswith("key figure")]
    assert figures[:3] == [("9" if lang == "en" else "9座"), "0", "30"]
    assert figures[3] in (content.facts[-1][1], content.facts[-1][1].split(" / ")[0])
    undated = pptx.Presentation(io.BytesIO(pptx_bytes(content, when=WHEN)))  # the default
    assert not {"1 January 1980", "1980年1月1日"} & {
        s.text_frame.text for s in undated.slides[0].shapes if s.has_text_frame}
    # the map full-bleed
    (image,) = [s for s in slides[1].shapes if s.shape_type == 13]
    assert image.left <= 0 and image.top <= 0
    assert image.width >= prs.slide_width and image.height >= prs.slide_height
    # tables: 14 pt or more, 12 rows a slide, numbered continuation slides
    tables = [s.table for slide in slides for s in slide.shapes if s.has_table]
    assert [len(t.rows) - 1 for t in tables] == [9, SLIDE_ROWS, SLIDE_ROWS, 6]
    sizes = {r.font.size.pt for t in tables for row in t.rows for c in row.cells
             for p in c.text_frame.paragraphs for r in p.runs}
    assert min(sizes) >= SLIDE_TABLE_PT
    heading = content.tables[2].heading
    numbered = [t for ts in titles[2:] for t in ts if t.startswith(heading)]
    assert numbered == [f"{heading} ({k}/3)" for k in (1, 2, 3)]
    for t in tables:  # columns fitted: wider where the text is longer, all within the slide
        widths = [c.width for c in t.columns]
        assert sum(widths) <= prs.slide_width and len(set(widths)) > 1
        for i, row in enumerate(t.rows):  # no word wider than its column
            for j, cell in enumerate(row.cells):
                for word in _words(cell.text):
                    need = _text_em(word, i == 0) * SLIDE_TABLE_PT * 20 + _PPTX_PAD_TW
                    assert need <= widths[j] / 635 + 1, (word, need, widths[j] / 635)


def test_slides_use_the_users_template(tmp_path):
    from pptx.util import Inches

    from g60map.cli import main

    brand = pptx.Presentation()
    brand.slide_width, brand.slide_height = Inches(10), Inches(7.5)  # 4:3, a house style
    for layout in brand.slide_layouts:
        layout.name = f"House {layout.name}"
    brand.slides.add_slide(brand.slide_layouts[6])  # its own slide is left out
    path = tmp_path / "house.pptx"
    brand.save(str(path))
    content = report_content(load_corridor(), "en")
    prs = pptx.Presentation(io.BytesIO(pptx_bytes(content, when=WHEN, template=path)))
    assert (prs.slide_width, prs.slide_height) == (Inches(10), Inches(7.5))
    assert all(s.slide_layout.name.startswith("House ") for s in prs.slides)
    assert prs.slides[0].shapes.title.text_frame.text == content.title
    assert len(prs.slides) == 3  # title, cities, sources
    for shape in (s for slide in prs.slides for s in slide.shapes):
        assert shape.left + shape.width <= Inches(10) + 1
    bad = tmp_path / "house.potx"
    bad.write_bytes(b"not a presentation")
    with pytest.raises(Exception, match=r"house\.potx: not a PowerPoint presentation \(\.pptx\)"):
        pptx_bytes(content, when=WHEN, template=bad)
    out = tmp_path / "out"
    assert main(["-q", "slides", "--out", str(out), "--template", str(bad)]) == 1
    assert main(["-q", "slides", "--out", str(out), "--template", str(path)]) == 0
    assert pptx.Presentation(str(out / "g60_corridor.pptx")).slide_width == Inches(10)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_small_multiples_name_the_cities_with_scale_and_north(many, lang):
    from g60map.render.static.charts import small_multiples

    fig = small_multiples(many, lang=lang, figsize=(6.7, 6.4))
    key = fig.g60_panels[0]
    names = many.cities.sort_values("code")["name_zh" if lang == "zh" else "name_en"]
    assert [t.get_text() for t in key.g60_city_labels] == names.tolist()
    assert min(t.get_fontsize() for t in key.g60_city_labels) >= 7
    assert key.scale_bar_km > 0 and abs(key.north_angle_deg) < 10
    north = "N" if lang == "en" else "北"
    assert north in [t.get_text() for t in key.texts]
    import matplotlib.pyplot as plt

    plt.close(fig)


@pytest.mark.slow
def test_small_multiples_in_the_word_report_and_the_slides(many):
    from g60map.render.static.mpl import PRINT_TEXT

    d = docx.Document(io.BytesIO(report_docx(many, lang="zh")))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert PRINT_TEXT["zh"]["years_title"] in headings and len(d.inline_shapes) == 3
    prs = pptx.Presentation(io.BytesIO(slides_pptx(many, lang="en")))
    texts = [s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame]
    assert PRINT_TEXT["en"]["years_title"] in texts
    assert sum(s.shape_type == 13 for slide in prs.slides for s in slide.shapes) == 3
