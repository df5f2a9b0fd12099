"""PowerPoint slides and Word reports of the corridor, editable and deterministic.

A report's content (:func:`g60map.render.docs.content.report_content`: title, key figures,
tables, sources, method) and its pictures are laid out by :func:`pptx_bytes` as 16:9 slides
(python-pptx) and by :func:`docx_bytes` as a Word report (python-docx);
:func:`slides_pptx` and :func:`report_docx` do both steps from a
:class:`~g60map.corridor.model.Corridor`. Text stays text
and tables are real tables, so offices can edit them; Chinese text names an East Asian
font so it renders in PowerPoint and Word. Same document, same bytes: the zip entries and
the document properties carry a fixed timestamp (``SOURCE_DATE_EPOCH`` when set).

Cells are written as text, never as fields or formulas; nothing a user's table says is
interpreted.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ... import settings
from ..._atomic import write_bytes
from ..._errors import MissingDependencyError
from ..._reproducible import normalise_zip, output_timestamp
from ..._safetext import safe_text
from ...corridor.model import Corridor, as_corridor
from ..text import Lang
from .content import Content, ContentTable, content_tables, report_content

__all__ = [
    "SLIDES_FILENAME",
    "Picture", "docx_bytes", "normalise_zip", "pptx_bytes", "report_docx", "save_slides",
    "slides_pptx",
]

#: File name of ``g60map slides``.
SLIDES_FILENAME = "g60_corridor.pptx"

#: Latin and East Asian fonts named in the files (the viewer substitutes what it has).
LATIN_FONT = "Calibri"
CJK_FONT = "Noto Sans CJK SC"

_SLIDE_W_IN, _SLIDE_H_IN = 13.333, 7.5  # 16:9
_ROWS_PER_SLIDE = 12


@dataclass(frozen=True)
class Picture:
    """A picture (PNG bytes) with its caption."""

    caption: str
    png: bytes


def _text(value: Any) -> str:
    """Return a cell as text: None/NaN empty, what XML cannot store as U+FFFD (safe_text)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return safe_text(value)


def _import(module: str, package: str) -> Any:
    try:
        return __import__(module)
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise MissingDependencyError(
            f"{package} is needed for this output; install it with "
            f"`python3 -m pip install {package}`"
        ) from exc


def _core(props: Any, content: Content, when: _dt.datetime) -> None:
    naive = when.replace(tzinfo=None)
    props.title = _text(content.title)[:255]
    props.author = "g60map"
    props.last_modified_by = "g60map"
    props.revision = 1
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    props.comments = ""
    props.keywords = "G60 corridor"
    props.language = "zh-CN" if content.lang == "zh" else "en-US"


# --------------------------------------------------------------------------------------
# PowerPoint

_A_EA = "{http://schemas.openxmlformats.org/drawingml/2006/main}ea"


def _pptx_run(paragraph: Any, text: str, size: float, bold: bool = False) -> None:
    from pptx.util import Pt

    run = paragraph.add_run()
    run.text = _text(text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, LATIN_FONT
    rpr = run._r.get_or_add_rPr()  # the East Asian typeface has no python-pptx property
    for old in rpr.findall(_A_EA):
        rpr.remove(old)
    rpr.append(rpr.makeelement(_A_EA, {"typeface": CJK_FONT}))


def _pptx_textbox(slide: Any, lines: Sequence[str], box: tuple[float, ...], size: float,
                  bold: bool = False) -> Any:
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        _pptx_run(frame.paragraphs[0] if i == 0 else frame.add_paragraph(), line, size, bold)
    return shape


def _pptx_table(slide: Any, table: ContentTable, frame: pd.DataFrame, top: float) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    rows, cols = len(frame) + 1, max(len(frame.columns), 1)
    height = min(0.4 * rows, _SLIDE_H_IN - top - 0.3)
    shape = slide.shapes.add_table(rows, cols, Inches(0.5), Inches(top),
                                   Inches(_SLIDE_W_IN - 1.0), Inches(height))
    size = 12 if cols <= 6 else 10
    for j, name in enumerate(frame.columns):
        cell = shape.table.cell(0, j)
        _pptx_run(cell.text_frame.paragraphs[0], str(name), size, bold=True)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            para = shape.table.cell(i, j).text_frame.paragraphs[0]
            _pptx_run(para, value, size)
            if frame.columns[j] in table.numeric:
                para.alignment = PP_ALIGN.RIGHT


def pptx_bytes(
    content: Content, pictures: Sequence[Picture] = (), *, tables: Sequence[str] = ("cities",),
    when: _dt.datetime,
) -> bytes:
    """Lay the content out as 16:9 slides and return the .pptx bytes.

    Slides: a title slide (title, lead, key figures); one per picture (caption as the
    slide title); the tables named in ``tables`` as real PowerPoint tables (12 rows a
    slide); the sources.

    Parameters
    ----------
    content : Content
    pictures : sequence of Picture
    tables : sequence of str
        Keys of ``content.tables`` to put on slides.
    when : datetime.datetime
        Timestamp stored in the file.

    Returns
    -------
    bytes
    """
    _import("pptx", "python-pptx")
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(_SLIDE_W_IN), Inches(_SLIDE_H_IN)
    blank = prs.slide_layouts[6]
    width = _SLIDE_W_IN - 1.0

    slide = prs.slides.add_slide(blank)
    _pptx_textbox(slide, [content.title], (0.5, 0.5, width, 1.2), 36, bold=True)
    _pptx_textbox(slide, [content.lead], (0.5, 1.8, width, 1.0), 18)
    facts = [f"{label}: {value}" for label, value in content.facts]
    _pptx_textbox(slide, facts, (0.5, 3.0, width, 4.2), 16)

    for pic in pictures:
        slide = prs.slides.add_slide(blank)
        _pptx_textbox(slide, [pic.caption], (0.5, 0.2, width, 0.6), 22, bold=True)
        image = slide.shapes.add_picture(io.BytesIO(pic.png), Inches(0.5), Inches(0.9),
                                         height=Inches(_SLIDE_H_IN - 1.1))
        if image.width > Inches(width):  # wide figure: fit the width instead
            ratio = Inches(width) / image.width
            image.width, image.height = Inches(width), int(image.height * ratio)
        image.left = int((Inches(_SLIDE_W_IN) - image.width) / 2)

    for table in content_tables(content, tables):
        for start in range(0, max(len(table.frame), 1), _ROWS_PER_SLIDE):
            part = table.frame.iloc[start : start + _ROWS_PER_SLIDE]
            slide = prs.slides.add_slide(blank)
            heading = table.heading if start == 0 else f"{table.heading} ({start + 1}–)"
            _pptx_textbox(slide, [heading], (0.5, 0.2, width, 0.6), 22, bold=True)
            _pptx_table(slide, table, part, 1.0)

    slide = prs.slides.add_slide(blank)
    _pptx_textbox(slide, [content.headings["sources"]], (0.5, 0.2, width, 0.6), 22, True)
    _pptx_textbox(slide, [*content.sources, content.note], (0.5, 1.0, width, 6.0), 14)

    _core(prs.core_properties, content, when)
    buf = io.BytesIO()
    prs.save(buf)
    return normalise_zip(buf.getvalue(), when)


# --------------------------------------------------------------------------------------
# Word


def _docx_fonts(document: Any, lang: str) -> None:
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet",
                 "List Number"):
        style = document.styles[name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), CJK_FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attr), None)
        lang_el = rpr.find(qn("w:lang"))
        if lang_el is None:
            lang_el = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang_el)
        lang_el.set(qn("w:eastAsia"), "zh-CN")
        lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")


def _docx_table(document: Any, table: ContentTable, usable: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    frame = table.frame
    cols = max(len(frame.columns), 1)
    out = document.add_table(rows=1, cols=cols)
    out.style = "Table Grid"
    size = Pt(9) if cols > 6 else None
    for j, name in enumerate(frame.columns):
        run = out.rows[0].cells[j].paragraphs[0].add_run(_text(name))
        run.bold, run.font.size = True, size
    header = out.rows[0]._tr.get_or_add_trPr()  # repeat the header row on each page
    header.append(header.makeelement(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader", {}))
    for row in frame.itertuples(index=False):
        cells = out.add_row().cells
        for j, value in enumerate(row):
            para = cells[j].paragraphs[0]
            para.add_run(_text(value)).font.size = size
            if frame.columns[j] in table.numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(_text(table.caption), style="Caption")


def docx_bytes(
    content: Content, pictures: Sequence[Picture] = (), *, when: _dt.datetime
) -> bytes:
    """Lay the content out as a Word report and return the .docx bytes.

    Title and lead; key figures (a two-column table); each picture with its caption; every
    table of the content as a Word table with a repeating header row; sources; the method
    steps.

    Parameters
    ----------
    content : Content
    pictures : sequence of Picture
    when : datetime.datetime
        Timestamp stored in the file.

    Returns
    -------
    bytes
    """
    _import("docx", "python-docx")
    from docx import Document as _Docx

    document = _Docx()
    _docx_fonts(document, content.lang)
    section = document.sections[0]
    width, left, right = section.page_width, section.left_margin, section.right_margin
    assert width is not None and left is not None and right is not None  # set in the template
    usable = width - left - right
    document.add_heading(_text(content.title), level=0)
    document.add_paragraph(_text(content.lead))
    document.add_heading(content.headings["facts"], level=1)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in content.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = _text(label), _text(value)
    for pic in pictures:
        document.add_heading(_text(pic.caption), level=1)
        document.add_picture(io.BytesIO(pic.png), width=usable)
    method = {"inputs", "software"}
    for table in content.tables:
        if table.key not in method:
            document.add_heading(_text(table.heading), level=1)
            _docx_table(document, table, usable)
    document.add_heading(content.headings["sources"], level=1)
    for line in content.sources:
        document.add_paragraph(_text(line), style="List Bullet")
    document.add_heading(content.headings["method"], level=1)
    for line in content.steps:
        document.add_paragraph(_text(line), style="List Number")
    for table in content.tables:
        if table.key in method:
            document.add_heading(_text(table.heading), level=2)
            _docx_table(document, table, usable)
    document.add_paragraph(_text(content.note))
    _core(document.core_properties, content, when)
    buf = io.BytesIO()
    document.save(buf)
    return normalise_zip(buf.getvalue(), when)


# --------------------------------------------------------------------------------------
# from a corridor


def _figures(corridor: Corridor, content: Content, lang: Lang, size: str) -> list[Picture]:
    from ..static.charts import timeline_figure
    from ..static.figure import draw_static, figure_bytes

    figsize, dpi = settings.STATIC_SIZES[size]
    # the corridor was resolved once, by the output (_prepared)
    fig, _ = draw_static(corridor, lang=lang, figsize=figsize, title=content.title)
    pictures = [Picture(content.headings["map"], figure_bytes(fig, fmt="png", dpi=dpi))]
    import matplotlib.pyplot as plt

    plt.close(fig)
    if len(content.years) > 1:
        fig = timeline_figure(corridor, lang=lang, figsize=figsize)
        pictures.append(Picture(content.headings["years"],
                                figure_bytes(fig, fmt="png", dpi=dpi)))
        plt.close(fig)
    return pictures


def _prepared(
    corridor: Corridor | None, lang: Lang, title: str | None, size: str
) -> tuple[Content, list[Picture]]:
    corridor = as_corridor(corridor)
    content = report_content(corridor, lang, title=title)
    return content, _figures(corridor, content, content.lang, size)


def slides_pptx(
    corridor: Corridor | None = None, *, lang: Lang = "en", title: str | None = None
) -> bytes:
    """Return the corridor as PowerPoint slides (16:9): title, map, cities, sources.

    A title slide with the key figures, the static map at slide size (1920 px wide),
    the investment timeline when the investments span several years, the per-city
    summary as a real table, and the sources. Text stays editable; same inputs, same
    bytes (``SOURCE_DATE_EPOCH`` sets the stored date).

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor` (None: the article's data).
    lang : {"en", "zh"}, default "en"
    title : str, optional
        Title slide and map title (default: the corridor's name).

    Returns
    -------
    bytes
    """
    content, pictures = _prepared(corridor, lang, title, "slide")
    return pptx_bytes(content, pictures, tables=("cities", "investments"), when=output_timestamp())


def report_docx(
    corridor: Corridor | None = None, *, lang: Lang = "en", title: str | None = None
) -> bytes:
    """Return the corridor report as a Word document (.docx).

    The content of :func:`g60map.report_html` — key figures, the static map (and the
    timeline when investments span several years), the per-city, spoke and investment
    tables, sources, method with input checksums and software versions — as Word
    headings, tables and pictures that offices can edit.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor` (None: the article's data).
    lang : {"en", "zh"}, default "en"
    title : str, optional

    Returns
    -------
    bytes
    """
    content, pictures = _prepared(corridor, lang, title, "a4")
    return docx_bytes(content, pictures, when=output_timestamp())


def save_slides(data: bytes, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the slides from :func:`slides_pptx` atomically (a failure leaves the old file).

    Parameters
    ----------
    data : bytes
        The PowerPoint file :func:`slides_pptx` returned.
    path : path-like, optional
        Target file; default ``settings.OUTPUT_DIR / SLIDES_FILENAME``. Folders are created.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if not isinstance(data, bytes):
        raise TypeError(f"data must be the bytes from slides_pptx(), not {type(data).__name__}")
    return write_bytes(Path(settings.OUTPUT_DIR) / SLIDES_FILENAME if path is None else Path(path),
                       data)
