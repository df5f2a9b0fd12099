"""PowerPoint and Word writers: real tables and pictures, text kept literally, same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from g60map.render.office import Document, Picture, Table, docx_bytes, pptx_bytes

pptx = pytest.importorskip("pptx")
docx = pytest.importorskip("docx")

WHEN = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
HOSTILE = ["=1+1", "{{7*7}}", "{% if 1 %}x{% endif %}", "<script>alert(1)</script>", "${x}",
           "@SUM(A1)", "+cmd|' /C calc'!A0", "中文 松江"]


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture(scope="module")
def doc() -> Document:
    rows = 15
    frame = pd.DataFrame({
        "城市": [HOSTILE[i % len(HOSTILE)] for i in range(rows)],
        "partners": list(range(rows)),
    })
    return Document(
        title="G60 走廊 {{ title }}",
        subtitle="subtitle <b>",
        lang="zh",
        facts=[("Partners", "6"), ("Investment", "15 bn CNY")],
        pictures=[Picture("地图", _png())],
        tables=[Table("Cities", frame)],
        sources=["source \x01 with a control character"],
        method=["sha256 abc"],
    )


def test_pptx_has_title_picture_table_and_sources_slides(doc):
    data = pptx_bytes(doc, when=WHEN)
    prs = pptx.Presentation(io.BytesIO(data))
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    kinds = [[s.shape_type for s in slide.shapes] for slide in prs.slides]
    # title, map, the 15-row table split 12 + 3, sources
    assert len(kinds) == 5
    assert 13 in kinds[1]  # picture
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    assert [len(t.rows) for t in tables] == [13, 4]
    cells = [t.cell(i, 0).text for t in tables for i in range(1, len(t.rows))]
    assert cells == [HOSTILE[i % len(HOSTILE)] for i in range(15)]
    texts = [s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame]
    assert "G60 走廊 {{ title }}" in texts and "source \ufffd with a control character" in texts


def test_pptx_names_an_east_asian_font(doc):
    with zipfile.ZipFile(io.BytesIO(pptx_bytes(doc, when=WHEN))) as z:
        xml = z.read("ppt/slides/slide1.xml").decode()
    assert '<a:ea typeface="Noto Sans CJK SC"/>' in xml


def test_docx_has_headings_tables_and_the_picture(doc):
    d = docx.Document(io.BytesIO(docx_bytes(doc, when=WHEN)))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["主要数据", "地图", "Cities", "资料来源", "制作方法"]
    assert len(d.inline_shapes) == 1
    facts, cities = d.tables
    assert [c.text for c in facts.rows[0].cells] == ["Partners", "6"]
    assert [r.cells[0].text for r in cities.rows] == ["城市"] + [
        HOSTILE[i % len(HOSTILE)] for i in range(15)
    ]
    assert d.core_properties.title == "G60 走廊 {{ title }}"


@pytest.mark.parametrize("writer", [pptx_bytes, docx_bytes])
def test_same_document_same_bytes(doc, writer):
    first = writer(doc, when=WHEN)
    assert writer(doc, when=WHEN) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "1980-01-01T00:00:00Z" in core
