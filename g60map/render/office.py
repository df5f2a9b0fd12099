"""PowerPoint and Word files from a neutral document model, editable and deterministic.

A :class:`Document` holds what a report says — title, key figures, tables, pictures,
sources and method — without saying how it looks. :func:`pptx_bytes` lays it out as 16:9
slides (python-pptx), :func:`docx_bytes` as a Word report (python-docx). Text stays text
and tables are real tables, so offices can edit them; Chinese text names an East Asian
font so it renders in PowerPoint and Word. Same document, same bytes: the zip entries and
the document properties carry a fixed timestamp (``SOURCE_DATE_EPOCH`` when set).

Cells are written as text, never as fields or formulas; nothing a user's table says is
interpreted.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._errors import MissingDependencyError

__all__ = ["Document", "Picture", "Table", "docx_bytes", "normalise_zip", "pptx_bytes"]

#: Latin and East Asian fonts named in the files (the viewer substitutes what it has).
LATIN_FONT = "Calibri"
CJK_FONT = "Noto Sans CJK SC"

_SLIDE_W_IN, _SLIDE_H_IN = 13.333, 7.5  # 16:9
_ROWS_PER_SLIDE = 12
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Picture:
    """A picture (PNG bytes) with its caption."""

    caption: str
    png: bytes


@dataclass(frozen=True)
class Table:
    """A table with its caption; cells are shown as text exactly as given."""

    caption: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Document:
    """What a report says, independent of its format.

    Attributes
    ----------
    title : str
    subtitle : str
        One line under the title (e.g. what the corridor is).
    lang : {"en", "zh"}
        Language of the text (picks the East Asian font for ``"zh"``).
    facts : sequence of (str, str)
        Key figures: label and formatted value.
    pictures : sequence of Picture
        The map first; other figures after.
    tables : sequence of Table
    sources : sequence of str
    method : sequence of str
        How it was made: one line each (inputs with checksums, versions).
    """

    title: str
    subtitle: str = ""
    lang: str = "en"
    facts: Sequence[tuple[str, str]] = field(default_factory=tuple)
    pictures: Sequence[Picture] = field(default_factory=tuple)
    tables: Sequence[Table] = field(default_factory=tuple)
    sources: Sequence[str] = field(default_factory=tuple)
    method: Sequence[str] = field(default_factory=tuple)
    headings: dict[str, str] = field(default_factory=dict)

    def heading(self, key: str) -> str:
        """Section heading ``key`` in the document's language."""
        default = {
            "facts": ("Key figures", "主要数据"),
            "sources": ("Sources", "资料来源"),
            "method": ("How this was made", "制作方法"),
        }[key]
        return self.headings.get(key, default[1] if self.lang == "zh" else default[0])


def _text(value: Any) -> str:
    """Return a cell as text: None/NaN empty, control characters (invalid in XML) as U+FFFD."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _CONTROL.sub("\ufffd", str(value))


def _import(module: str, package: str) -> Any:
    try:
        return __import__(module)
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise MissingDependencyError(
            f"{package} is needed for this output; install it with "
            f"`python3 -m pip install {package}`"
        ) from exc


def normalise_zip(data: bytes, when: _dt.datetime) -> bytes:
    """Rewrite an Office file (zip) with fixed entry times and fixed document dates.

    Parameters
    ----------
    data : bytes
        A .xlsx, .pptx or .docx file.
    when : datetime.datetime
        The timestamp to store (entry times and ``dcterms:created``/``modified``).

    Returns
    -------
    bytes
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute,
                 when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    payload,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, payload)
    return out.getvalue()


def _core(props: Any, doc: Document, when: _dt.datetime) -> None:
    naive = when.replace(tzinfo=None)
    props.title = _text(doc.title)[:255]
    props.author = "g60map"
    props.last_modified_by = "g60map"
    props.revision = 1
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    props.comments = ""
    props.keywords = "G60 corridor"


# --------------------------------------------------------------------------------------
# PowerPoint


def _pptx_font(run: Any, doc: Document, size: float, bold: bool = False) -> None:
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.name = LATIN_FONT
    rpr = run._r.get_or_add_rPr()  # the East Asian typeface has no python-pptx property
    ea = "{http://schemas.openxmlformats.org/drawingml/2006/main}ea"
    for old in rpr.findall(ea):
        rpr.remove(old)
    rpr.append(rpr.makeelement(ea, {"typeface": CJK_FONT}))


def _pptx_textbox(slide: Any, doc: Document, text: str, box: tuple[float, ...], size: float,
                  bold: bool = False) -> Any:
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(_text(text).split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        _pptx_font(run, doc, size, bold)
    return shape


def _pptx_table(slide: Any, doc: Document, frame: pd.DataFrame, top: float) -> None:
    from pptx.util import Inches

    rows, cols = len(frame) + 1, max(len(frame.columns), 1)
    height = min(0.4 * rows, _SLIDE_H_IN - top - 0.3)
    shape = slide.shapes.add_table(rows, cols, Inches(0.5), Inches(top),
                                   Inches(_SLIDE_W_IN - 1.0), Inches(height))
    table = shape.table
    size = 12 if cols <= 6 else 10
    for j, name in enumerate(frame.columns):
        cell = table.cell(0, j)
        cell.text = ""
        run = cell.text_frame.paragraphs[0].add_run()
        run.text = _text(name)
        _pptx_font(run, doc, size, bold=True)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = _text(value)
            _pptx_font(run, doc, size)


def pptx_bytes(doc: Document, *, when: _dt.datetime) -> bytes:
    """Lay ``doc`` out as 16:9 slides and return the .pptx bytes.

    Slides: a title slide (title, subtitle, key figures), one per picture (full slide,
    caption as the slide title), one per table (split every 12 rows, a real PowerPoint
    table), and a sources slide.

    Parameters
    ----------
    doc : Document
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
    _pptx_textbox(slide, doc, doc.title, (0.5, 0.6, width, 1.2), 36, bold=True)
    if doc.subtitle:
        _pptx_textbox(slide, doc, doc.subtitle, (0.5, 1.9, width, 1.0), 18)
    if doc.facts:
        lines = "\n".join(f"{label}: {value}" for label, value in doc.facts)
        _pptx_textbox(slide, doc, lines, (0.5, 3.1, width, 4.0), 16)

    for pic in doc.pictures:
        slide = prs.slides.add_slide(blank)
        _pptx_textbox(slide, doc, pic.caption, (0.5, 0.2, width, 0.6), 22, bold=True)
        image = slide.shapes.add_picture(io.BytesIO(pic.png), Inches(0.5), Inches(0.9),
                                         height=Inches(_SLIDE_H_IN - 1.1))
        if image.width > Inches(width):  # wide figure: fit the width instead
            ratio = Inches(width) / image.width
            image.width, image.height = Inches(width), int(image.height * ratio)
        image.left = int((Inches(_SLIDE_W_IN) - image.width) / 2)

    for tab in doc.tables:
        for start in range(0, max(len(tab.frame), 1), _ROWS_PER_SLIDE):
            part = tab.frame.iloc[start : start + _ROWS_PER_SLIDE]
            slide = prs.slides.add_slide(blank)
            caption = tab.caption if start == 0 else f"{tab.caption} ({start + 1}–)"
            _pptx_textbox(slide, doc, caption, (0.5, 0.2, width, 0.6), 22, bold=True)
            _pptx_table(slide, doc, part, 1.0)

    if doc.sources:
        slide = prs.slides.add_slide(blank)
        _pptx_textbox(slide, doc, doc.heading("sources"), (0.5, 0.2, width, 0.6), 22, True)
        _pptx_textbox(slide, doc, "\n".join(doc.sources), (0.5, 1.0, width, 6.0), 14)

    _core(prs.core_properties, doc, when)
    buf = io.BytesIO()
    prs.save(buf)
    return normalise_zip(buf.getvalue(), when)


# --------------------------------------------------------------------------------------
# Word


def _docx_fonts(document: Any) -> None:
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        try:
            style = document.styles[name]
        except KeyError:  # pragma: no cover - the default template has them all
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), CJK_FONT)


def docx_bytes(doc: Document, *, when: _dt.datetime) -> bytes:
    """Lay ``doc`` out as a Word report and return the .docx bytes.

    Title, subtitle, key figures (a two-column table), each picture with its caption,
    each table as a Word table with a header row, sources and method as lists.

    Parameters
    ----------
    doc : Document
    when : datetime.datetime
        Timestamp stored in the file.

    Returns
    -------
    bytes
    """
    _import("docx", "python-docx")
    from docx import Document as _Docx
    from docx.shared import Cm

    document = _Docx()
    _docx_fonts(document)
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    document.add_heading(_text(doc.title), level=0)
    if doc.subtitle:
        document.add_paragraph(_text(doc.subtitle))
    if doc.facts:
        document.add_heading(doc.heading("facts"), level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in doc.facts:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = _text(label), _text(value)
    for pic in doc.pictures:
        document.add_heading(_text(pic.caption), level=1)
        document.add_picture(io.BytesIO(pic.png), width=usable)
    for tab in doc.tables:
        document.add_heading(_text(tab.caption), level=1)
        cols = max(len(tab.frame.columns), 1)
        table = document.add_table(rows=1, cols=cols)
        table.style = "Table Grid"
        for j, name in enumerate(tab.frame.columns):
            cell = table.rows[0].cells[j]
            cell.text = ""
            cell.paragraphs[0].add_run(_text(name)).bold = True
        for row in tab.frame.itertuples(index=False):
            cells = table.add_row().cells
            for j, value in enumerate(row):
                cells[j].text = _text(value)
        if cols > 6:
            for column in table.columns:
                column.width = Cm(usable.cm / cols)
    for key, lines in (("sources", doc.sources), ("method", doc.method)):
        if lines:
            document.add_heading(doc.heading(key), level=1)
            for line in lines:
                document.add_paragraph(_text(line), style="List Bullet")
    _core(document.core_properties, doc, when)
    buf = io.BytesIO()
    document.save(buf)
    return normalise_zip(buf.getvalue(), when)
