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
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ... import settings
from ..._errors import G60InputError, MissingDependencyError
from ..._reproducible import FIXED_TIMESTAMP, normalise_zip, output_timestamp
from ..._safetext import safe_text
from ...corridor.model import Corridor, as_corridor
from ..symbology import STYLE
from ..text import Lang
from .content import Content, ContentTable, content_tables, report_content

__all__ = [
    "MIN_PRINT_PT", "PAPERS", "SLIDES_FILENAME", "SLIDE_ROWS", "SLIDE_TABLE_PT",
    "TOC_MIN_ROWS",
    "Picture", "column_widths", "docx_bytes", "normalise_zip", "pptx_bytes", "report_docx",
    "slides_pptx",
]

#: File name of ``g60map slides``.
SLIDES_FILENAME = "g60_corridor.pptx"

#: Latin and East Asian fonts named in the files (the viewer substitutes what it has).
LATIN_FONT = "Calibri"
CJK_FONT = "Noto Sans CJK SC"

_SLIDE_W_IN, _SLIDE_H_IN = 13.333, 7.5  # 16:9

#: Paper sizes of the Word report, (width, height) in twips (1/1440 inch): ISO A4 and US
#: Letter. ``report --format docx --paper letter`` picks Letter; A4 is the default.
PAPERS: dict[str, tuple[int, int]] = {"a4": (11906, 16838), "letter": (12240, 15840)}

#: Page margins of the Word report in twips (2 cm all round).
_MARGIN_TW = 1134

#: Smallest type (pt) of the Word report's tables and of its figures at print size.
MIN_PRINT_PT = 7.0

#: Height / width of the Word report's map: upright, so that it fills a page at a size
#: where every label has its place.
_MAP_UPRIGHT = 1.35

#: Table rows (all tables together) from which the Word report opens with a table of
#: contents.
TOC_MIN_ROWS = 40

#: Type size (pt) of the slides' tables: readable when projected.
SLIDE_TABLE_PT = 14

#: Cell margins and borders of a slide table's column, in twips (0.1 inch a side).
_PPTX_PAD_TW = 330

#: Most table rows on one slide; a longer table goes on on numbered slides ("2/3").
SLIDE_ROWS = 12


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
    props.comments = _text(content.technical)[:255]
    props.keywords = "G60 corridor"
    props.language = "zh-CN" if content.lang == "zh" else "en-US"


# --------------------------------------------------------------------------------------
# PowerPoint

#: Colour of the title slide's band and key figures (the hub's colour on the maps).
STYLE_HUB: str = STYLE["hub"]

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
                  bold: bool = False, color: str | None = None) -> Any:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        _pptx_run(frame.paragraphs[0] if i == 0 else frame.add_paragraph(), line, size, bold)
    if color:
        for para in frame.paragraphs:
            for run in para.runs:
                run.font.color.rgb = RGBColor.from_string(color.lstrip("#"))
    return shape


def _pptx_table(slide: Any, table: ContentTable, frame: pd.DataFrame, top: float,
                width_in: float, height_in: float) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    usable_tw = int(width_in * 1440)
    size = float(SLIDE_TABLE_PT)
    for name in table.optional:  # columns a slide can do without, until the words fit
        cells = [[_text(v) for v in frame.columns],
                 *([_text(v) for v in row] for row in frame.itertuples(index=False))]
        if sum(_least(cells, size, _PPTX_PAD_TW)) <= usable_tw:
            break
        frame = frame.drop(columns=[name])
    header = [_text(name) for name in frame.columns] or [""]
    body = [[_text(v) for v in row] for row in frame.itertuples(index=False)]
    rows, cols = len(body) + 1, len(header)
    widths = column_widths([header, *body], usable_tw, size, pad_tw=_PPTX_PAD_TW)
    row_in = min(size * 2.1 / 72, (height_in - top - 0.3) / rows)
    shape = slide.shapes.add_table(rows, cols, Inches(0.5), Inches(top),
                                   Inches(width_in), Inches(row_in * rows))
    for j, width in enumerate(widths):
        shape.table.columns[j].width = Emu(width * 635)
    for i in range(rows):
        shape.table.rows[i].height = Inches(row_in)
    for j, name in enumerate(header):
        cell = shape.table.cell(0, j)
        _pptx_run(cell.text_frame.paragraphs[0], name, size, bold=True)
    for i, row in enumerate(body, start=1):
        for j, value in enumerate(row):
            cell = shape.table.cell(i, j)
            cell.margin_top = cell.margin_bottom = Pt(2)
            para = cell.text_frame.paragraphs[0]
            _pptx_run(para, value, size)
            if frame.columns[j] in table.numeric:
                para.alignment = PP_ALIGN.RIGHT


def _pptx_open(template: str | Path | bytes | None) -> Any:
    """Return a presentation: the user's template without its slides, else a 16:9 one."""
    from pptx import Presentation
    from pptx.util import Inches

    if template is None:
        prs = Presentation()
        prs.slide_width, prs.slide_height = Inches(_SLIDE_W_IN), Inches(_SLIDE_H_IN)
        return prs
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    name = "the template" if isinstance(template, bytes) else str(template)
    try:
        prs = Presentation(source)
    except FileNotFoundError as exc:
        raise G60InputError([f"{name}: no such file; give the path of a PowerPoint "
                             "presentation (.pptx) whose master the slides should use"]) from exc
    except Exception as exc:  # python-pptx raises zip, XML and KeyError alike
        raise G60InputError([f"{name}: not a PowerPoint presentation (.pptx) "
                             f"({type(exc).__name__}); save the template from PowerPoint as "
                             ".pptx (not .potx or .ppt) and give its path"]) from exc
    ids = prs.slides._sldIdLst  # its own slides go: only the master and layouts are kept
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def _pptx_layout(prs: Any, title: bool = False) -> Any:
    """Return the template's title layout (``title``) or its emptiest one (content)."""
    layouts = list(prs.slide_layouts)
    if title:
        return layouts[0]
    return min(layouts, key=lambda layout: (len(layout.placeholders), layouts.index(layout)))


def _long_date(when: _dt.datetime, lang: str) -> str:
    if lang == "zh":
        return f"{when.year}年{when.month}月{when.day}日"
    return f"{when.day} {when.strftime('%B')} {when.year}"


def _pptx_title_slide(prs: Any, content: Content, when: _dt.datetime, branded: bool) -> None:
    """Add the title slide: title, date, lead and four key figures.

    A coloured band behind the title, unless a template brings its own design.
    """
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    w, h = prs.slide_width / 914400, prs.slide_height / 914400
    slide = prs.slides.add_slide(_pptx_layout(prs, title=branded))
    date = "" if when == FIXED_TIMESTAMP else _long_date(when, content.lang)
    colour = STYLE_HUB.lstrip("#")
    if branded and slide.shapes.title is not None:
        slide.shapes.title.text_frame.text = ""
        _pptx_run(slide.shapes.title.text_frame.paragraphs[0], content.title, 36, bold=True)
        subtitle = [p for p in slide.placeholders if p.placeholder_format.idx == 1]
        if subtitle:
            subtitle[0].text_frame.text = ""
            _pptx_run(subtitle[0].text_frame.paragraphs[0], date, 18)
        for placeholder in list(slide.placeholders):  # empty placeholders would show prompts
            if placeholder.placeholder_format.idx not in (0, 1):
                placeholder._element.getparent().remove(placeholder._element)
        top = 0.62 * h
    else:
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, prs.slide_width,
                                      Inches(0.5 * h))
        band.fill.solid()
        band.fill.fore_color.rgb = RGBColor.from_string(colour)
        band.line.fill.background()
        _pptx_textbox(slide, [content.title], (0.6, 0.16 * h, w - 1.2, 1.1), 40, True,
                      color="#ffffff")
        _pptx_textbox(slide, [date], (0.6, 0.5 * h - 0.75, w - 1.2, 0.5), 18, color="#ffffff")
        top = 0.56 * h
    _pptx_textbox(slide, [content.lead], (0.6, top, w - 1.2, 0.9), 16, color="#333333")
    picks = [content.facts[i] for i in (0, -3, -2, -1) if -len(content.facts) <= i
             < len(content.facts)]
    card = (w - 1.2) / max(len(picks), 1)
    for k, (label, value) in enumerate(picks):
        value = re.split(r"\s*[（(]", value)[0]  # "9 (Songjiang hub and ...)": "9"
        fit = (card - 0.45) * 72 / max(_text_em(value, True), 1.0)  # one line
        if fit < 16:  # "CNY 206 bn / US$28.8 bn": the first amount
            value = value.split(" / ")[0]
            fit = (card - 0.45) * 72 / max(_text_em(value, True), 1.0)
        box = _pptx_textbox(slide, [value], (0.6 + k * card, h - 1.75, card - 0.2, 0.7),
                            max(min(24.0, fit), 16.0), True, color=STYLE_HUB)
        box.name = f"key figure {k + 1}"
        _pptx_textbox(slide, [label], (0.6 + k * card, h - 1.0, card - 0.2, 0.5), 14,
                      color="#555555")


def pptx_bytes(
    content: Content, pictures: Sequence[Picture] = (), *, tables: Sequence[str] = ("cities",),
    when: _dt.datetime, template: str | Path | bytes | None = None,
) -> bytes:
    """Lay the content out as slides for projection and return the .pptx bytes.

    Slides: a title slide (title, lead, four key figures, and the date of ``when`` unless
    it is the fixed default: set ``SOURCE_DATE_EPOCH`` to date them); the map full-bleed
    (the first picture, which carries its own title); one slide per further picture; the
    tables named in ``tables`` as real PowerPoint tables in
    :data:`SLIDE_TABLE_PT`-point type, :data:`SLIDE_ROWS` rows a slide, a longer table
    continued on slides numbered "(1/3)", "(2/3)", ..., and a table's optional columns
    (:attr:`ContentTable.optional`) left out while its words do not fit; the sources.

    Parameters
    ----------
    content : Content
    pictures : sequence of Picture
    tables : sequence of str
        Keys of ``content.tables`` to put on slides.
    when : datetime.datetime
        Timestamp stored in the file, and the date on the title slide.
    template : str, pathlib.Path or bytes, optional
        A PowerPoint presentation (.pptx) whose slide master, layouts and slide size the
        slides use (its own slides are left out). Default: a plain 16:9 presentation.

    Returns
    -------
    bytes
    """
    _import("pptx", "python-pptx")
    from pptx.util import Inches

    prs = _pptx_open(template)
    branded = template is not None
    blank = _pptx_layout(prs)
    w_in, h_in = prs.slide_width / 914400, prs.slide_height / 914400
    width = w_in - 1.0

    def slide_with(heading: str) -> Any:
        slide = prs.slides.add_slide(blank)
        for placeholder in list(slide.placeholders):
            placeholder._element.getparent().remove(placeholder._element)
        _pptx_textbox(slide, [heading], (0.5, 0.2, width, 0.7), 28, bold=True)
        return slide

    _pptx_title_slide(prs, content, when, branded)

    for k, pic in enumerate(pictures):
        if k == 0:  # the map, full-bleed: it carries its own title
            slide = prs.slides.add_slide(blank)
            for placeholder in list(slide.placeholders):
                placeholder._element.getparent().remove(placeholder._element)
            image = slide.shapes.add_picture(io.BytesIO(pic.png), 0, 0)
            scale = max(prs.slide_width / image.width, prs.slide_height / image.height)
            image.width, image.height = int(image.width * scale), int(image.height * scale)
            image.left = int((prs.slide_width - image.width) / 2)
            image.top = int((prs.slide_height - image.height) / 2)
            image.name = _text(pic.caption)
            continue
        slide = slide_with(pic.caption)
        image = slide.shapes.add_picture(io.BytesIO(pic.png), Inches(0.5), Inches(1.0),
                                         height=Inches(h_in - 1.2))
        if image.width > Inches(width):  # wide figure: fit the width instead
            ratio = Inches(width) / image.width
            image.width, image.height = Inches(width), int(image.height * ratio)
        image.left = int((prs.slide_width - image.width) / 2)

    for table in content_tables(content, tables):
        parts = max(math.ceil(len(table.frame) / SLIDE_ROWS), 1)
        for k in range(parts):
            part = table.frame.iloc[k * SLIDE_ROWS : (k + 1) * SLIDE_ROWS]
            heading = table.heading if parts == 1 else f"{table.heading} ({k + 1}/{parts})"
            slide = slide_with(heading)
            _pptx_table(slide, table, part, 1.1, width, h_in)

    slide = slide_with(content.headings["sources"])
    _pptx_textbox(slide, [*content.sources, content.note], (0.5, 1.1, width, h_in - 1.4), 16)

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


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


#: Headroom on the estimated text widths: a viewer may draw the text in a wider font than
#: the one named (LibreOffice without Calibri, for one).
_EM_SAFETY = 1.1

#: Chinese words up to this many characters (names) are not broken in a table cell.
_SHORT_WORD = 6


def _text_em(text: str, bold: bool = False) -> float:
    """Return the width of ``text`` in ems, estimated on the wide side.

    Wide (CJK) characters 1 em, other letters and digits about 0.6 em (the widths of the
    fonts a viewer may put in place of the one named), and a quarter em where Latin text
    meets Chinese (the space Word and LibreOffice add there).
    """
    width = 0.0
    for k, ch in enumerate(text):
        if _wide(ch):
            width += 1.0
            if k and not _wide(text[k - 1]) and not text[k - 1].isspace():
                width += 0.25
        elif ch in "il.,:;'|!()[]1 ":
            width += 0.36
        elif ch.isupper() or ch in "mwMW@%":
            width += 0.78
        else:
            width += 0.64
    return width * (1.06 if bold else 1.0) * _EM_SAFETY




def _words(text: str) -> list[str]:
    """Pieces a line may not break inside.

    Space-separated words; Chinese text may break between characters, but a word with a
    digit in it (an amount with its unit, ``3.192亿元``, or a date, ``2019年3月``) and a
    short one (a name, ``松江区``) stay whole.
    """
    pieces: list[str] = []
    for word in text.split():
        if (any(c.isdigit() for c in word) or not any(_wide(c) for c in word)
                or len(word) <= _SHORT_WORD):
            pieces.append(word)
            continue
        token = ""
        for ch in word:
            if _wide(ch):
                pieces += [token, ch] if token else [ch]
                token = ""
            else:
                token += ch
        if token:
            pieces.append(token)
    return pieces


def _least(rows: Sequence[Sequence[str]], size_pt: float, pad_tw: int = 230) -> list[float]:
    """Width (twips) of each column's longest unbreakable piece, with the cell padding."""
    cols = max((len(r) for r in rows), default=0)
    least = [0.0] * cols
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            pieces = [_text_em(w, i == 0) for w in _words(str(cell))]
            least[j] = max(least[j], max(pieces, default=0.0) * size_pt * 20 + pad_tw)
    return least


def column_widths(
    rows: Sequence[Sequence[str]], usable_tw: int, size_pt: float, pad_tw: int = 230
) -> list[int]:
    """Return column widths (twips) that fit the cells' text into ``usable_tw``.

    Columns whose text fits on one line within a fair share of the width get that width;
    the others get at least their longest unbreakable piece (a word, a number with its
    unit, a short Chinese name), so no word breaks in the middle, and the rest of the
    width in proportion to what they lack to fit on one line. When even the longest pieces
    do not fit, the columns share the width in proportion to them.

    Parameters
    ----------
    rows : sequence of sequence of str
        Header first, then the body rows.
    usable_tw : int
        Width between the page margins, in twips.
    size_pt : float
        Font size of the table's text.
    pad_tw : int, default 230
        Cell margins and borders per column, in twips.

    Returns
    -------
    list of int
        One width per column; they sum to ``usable_tw``.

    Examples
    --------
    >>> column_widths([["City", "Amount"], ["Songjiang", "3.192亿元"]], 9000, 9)
    [4755, 4245]
    """
    cols = max((len(r) for r in rows), default=0)
    if not cols:
        return []
    least, full = _least(rows, size_pt, pad_tw), [0.0] * cols
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            lines = str(cell).splitlines()
            full[j] = max(full[j], max((_text_em(line, i == 0) for line in lines),
                                       default=0.0) * size_pt * 20 + pad_tw)
    widths = [0.0] * cols
    left, rest = float(usable_tw), set(range(cols))
    while rest:  # columns whose whole text fits in a fair share keep it all
        share = left / len(rest)
        fits = {j for j in rest if full[j] <= share}
        if not fits:
            break
        for j in fits:
            widths[j] = full[j]
        left -= sum(full[j] for j in fits)
        rest -= fits
    if not rest:  # everything fits on one line: spread what is left in proportion
        widths = [w + left * w / sum(widths) for w in widths]
    elif sum(least[j] for j in rest) >= left:  # the others get their longest word at least
        for j in rest:
            widths[j] = left * least[j] / sum(least[j] for j in rest)
    else:  # ... and the rest of the width in proportion to what they lack
        spare = left - sum(least[j] for j in rest)
        want = sum(full[j] - least[j] for j in rest)
        for j in rest:
            widths[j] = least[j] + spare * (full[j] - least[j]) / want
    if sum(least) > usable_tw:  # even the longest words do not fit: share by them
        widths = [usable_tw * w / sum(least) for w in least]
    out = [int(math.floor(w)) for w in widths]
    out[-1] += usable_tw - sum(out)
    return out


def _docx_table(document: Any, table: ContentTable, usable: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    frame = table.frame
    cols = max(len(frame.columns), 1)
    header = [_text(name) for name in frame.columns] or [""]
    body = [[_text(v) for v in row] for row in frame.itertuples(index=False)]
    usable_tw = int(usable / 635)  # EMU to twips
    size_pt = 10.0 if cols <= 4 else 9.0
    # smaller type (not below MIN_PRINT_PT) until the longest words fit side by side
    while size_pt > MIN_PRINT_PT and sum(_least([header, *body], size_pt)) > usable_tw:
        size_pt -= 0.5
    widths = column_widths([header, *body], usable_tw, size_pt)
    out = document.add_table(rows=1, cols=cols)
    out.style = "Table Grid"
    out.autofit = False  # fixed layout: the widths below hold
    size = Pt(size_pt)
    for j, width in enumerate(widths):
        out.columns[j].width = Twips(width)
    for j, name in enumerate(header):
        run = out.rows[0].cells[j].paragraphs[0].add_run(name)
        run.bold, run.font.size = True, size
    for row in body:
        cells = out.add_row().cells
        for j, value in enumerate(row):
            para = cells[j].paragraphs[0]
            para.add_run(value).font.size = size
            if frame.columns[j] in table.numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for i, row in enumerate(out.rows):
        for j, cell in enumerate(row.cells):
            cell.width = Twips(widths[j])
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))  # a row stays on one page
        if i == 0:  # the header row repeats on each page
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    document.add_paragraph(_text(table.caption), style="Caption")


def _docx_field(paragraph: Any, instr: str, shown: str) -> None:
    """Append a field (``PAGE``, ``TOC ...``) with ``shown`` as its text until updated."""
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        run = paragraph.add_run()
        run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
        return run

    char("begin")
    run = paragraph.add_run()
    code = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
    code.text = f" {instr} "
    run._r.append(code)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _docx_toc_entries(toc: Any, entries: Sequence[tuple[str, int]]) -> None:
    """Show the headings as the table of contents' text until Word adds the page numbers.

    The field's shown text (after ``separate``) becomes one paragraph per heading,
    level 2 indented; the field ends in the last of them.
    """
    from docx.oxml.ns import qn
    from docx.shared import Cm

    runs = toc._p.findall(qn("w:r"))
    hint, end = runs[-2], runs[-1]  # the hint's run, then fldChar "end"
    if not entries:
        return
    toc._p.remove(hint)
    toc._p.remove(end)
    toc.add_run(entries[0][0])
    after = toc
    for k, (text, level) in enumerate(entries):
        para = toc if k == 0 else after.insert_paragraph_before("")
        if k:  # insert_paragraph_before puts it ahead: move it behind ``after``
            after._p.addnext(para._p)
            para.add_run(text)
        para.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        para.paragraph_format.space_after = 0
        after = para
    after._p.append(end)


def _docx_update_fields(document: Any) -> None:
    """Ask Word to update the fields (the table of contents' page numbers) on opening."""
    from docx.oxml.ns import qn

    settings_el = document.settings.element
    update = settings_el.makeelement(qn("w:updateFields"), {qn("w:val"): "true"})
    settings_el.append(update)


def _paper(paper: str) -> str:
    """Return the key of :data:`PAPERS` that ``paper`` names (case and spaces ignored)."""
    key = str(paper).strip().lower()
    if key not in PAPERS:
        raise G60InputError([f"paper {paper!r} is not known; use one of "
                             f"{', '.join(sorted(PAPERS))} (e.g. --paper a4)"])
    return key


def _docx_page(document: Any, paper: str) -> Any:
    """Set the paper and margins, put page numbers in the footer; return the usable width."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Twips

    width, height = PAPERS[_paper(paper)]
    section = document.sections[0]
    section.page_width, section.page_height = Twips(width), Twips(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(_MARGIN_TW))
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_field(para, "PAGE", "1")
    return Twips(width - 2 * _MARGIN_TW)


def docx_bytes(
    content: Content, pictures: Sequence[Picture] = (), *, when: _dt.datetime,
    paper: str = "a4",
) -> bytes:
    """Lay the content out as a Word report and return the .docx bytes.

    Title and lead; a table of contents when the tables hold :data:`TOC_MIN_ROWS` rows or
    more; key figures (a two-column table); each picture with its caption, as wide as the
    text; every table of the content as a Word table with columns fitted to their text
    (no word broken), a header row repeated on each page and rows kept whole; sources; the
    method steps. Page numbers in the footer.

    Parameters
    ----------
    content : Content
    pictures : sequence of Picture
    when : datetime.datetime
        Timestamp stored in the file.
    paper : {"a4", "letter"}, default "a4"
        Paper size (:data:`PAPERS`), 2 cm margins.

    Returns
    -------
    bytes
    """
    _import("docx", "python-docx")
    from docx import Document as _Docx

    document = _Docx()
    _docx_fonts(document, content.lang)
    usable = _docx_page(document, paper)
    document.add_heading(_text(content.title), level=0)
    document.add_paragraph(_text(content.lead))
    toc = None
    if sum(len(table.frame) for table in content.tables) >= TOC_MIN_ROWS:
        heading = document.add_paragraph()
        heading.add_run(content.headings.get("toc", "Contents")).bold = True
        toc = document.add_paragraph()
        _docx_field(toc, 'TOC \\o "1-2" \\h \\z \\u', content.headings.get("toc_hint", ""))
        _docx_update_fields(document)
    document.add_heading(content.headings["facts"], level=1)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in content.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = _text(label), _text(value)
    for pic in pictures:
        document.add_heading(_text(pic.caption), level=1)
        document.add_picture(io.BytesIO(pic.png), width=usable)
    method = {"technical", "inputs", "software"}
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
    if toc is not None:
        _docx_toc_entries(toc, [(p.text, int(p.style.name[-1])) for p in document.paragraphs
                                if p.style.name in ("Heading 1", "Heading 2")])
    _core(document.core_properties, content, when)
    buf = io.BytesIO()
    document.save(buf)
    return normalise_zip(buf.getvalue(), when)


# --------------------------------------------------------------------------------------
# from a corridor


def _texts(fig: Any) -> list[Any]:
    """Return the figure's visible texts (titles, labels, ticks, legends)."""
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _min_text_pt(fig: Any) -> float:
    """Return the smallest font size (pt) of the figure's visible text."""
    return float(min((t.get_fontsize() for t in _texts(fig)), default=MIN_PRINT_PT))


def _figures(corridor: Corridor, content: Content, lang: Lang, size: str,
             print_width_in: float | None = None, title: str | None = None) -> list[Picture]:
    """Draw the map, and over several years the timeline and the small multiples.

    With ``print_width_in`` (a document's text width) each figure is drawn at the size it
    prints at (the map upright, to fill a page) and type smaller than
    :data:`MIN_PRINT_PT` is raised to it, so everything is readable on paper. On slides
    the charts are drawn smaller than the slide and shown enlarged, at the map's width in
    pixels, so that their type reads from the back of the room.
    """
    import matplotlib.pyplot as plt

    from ..static.charts import small_multiples, timeline_figure
    from ..static.figure import draw_static, figure_bytes
    from ..static.mpl import PRINT_TEXT

    figsize, dpi = settings.STATIC_SIZES[size]
    map_size = chart_size = multiples_size = figsize
    if size == "slide":
        chart_size, multiples_size = (8.0, 4.3), (10.0, 5.6)
    if print_width_in:
        map_size = (print_width_in, print_width_in * _MAP_UPRIGHT)
        chart_size = (print_width_in, print_width_in * 0.55)
        multiples_size = (print_width_in, print_width_in * 1.2)

    def picture(caption: str, fig: Any) -> Picture:
        if print_width_in:
            for text in _texts(fig):
                text.set_fontsize(max(text.get_fontsize(), MIN_PRINT_PT))
        pixels = dpi if print_width_in else dpi * figsize[0] / fig.get_figwidth()
        data = figure_bytes(fig, fmt="png", dpi=round(pixels))
        plt.close(fig)
        return Picture(caption, data)

    # the corridor was resolved once, by the output (_prepared)
    fig, _ = draw_static(corridor, lang=lang, figsize=map_size, title=title)
    pictures = [picture(content.headings["map"], fig)]
    if len(content.years) > 1:
        pictures.append(picture(content.headings["years"],
                                timeline_figure(corridor, lang=lang, figsize=chart_size)))
    multiples = small_multiples(corridor, lang=lang, figsize=multiples_size)
    if multiples is not None:  # the dated investments span several years
        pictures.append(picture(PRINT_TEXT[lang]["years_title"], multiples))
    return pictures


def _prepared(
    corridor: Corridor | None, lang: Lang, title: str | None, size: str,
    print_width_in: float | None = None,
) -> tuple[Content, list[Picture]]:
    corridor = as_corridor(corridor)
    content = report_content(corridor, lang, title=title)
    return content, _figures(corridor, content, content.lang, size, print_width_in, title)


def slides_pptx(
    corridor: Corridor | None = None, *, lang: Lang = "en", title: str | None = None,
    template: str | Path | bytes | None = None,
) -> bytes:
    """Return the corridor as PowerPoint slides (16:9): title, map, cities, sources.

    A title slide with the key figures, the static map full-bleed (1920 px wide), the
    investment timeline and the small multiples (a map a year) when the investments span
    several years, the per-city summary and the investments as real tables, and the
    sources. Text stays editable; same inputs, same
    bytes (``SOURCE_DATE_EPOCH`` sets the stored date).

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor` (None: the article's data).
    lang : {"en", "zh"}, default "en"
    title : str, optional
        Title slide and map title (default: the corridor's name).
    template : str, pathlib.Path or bytes, optional
        Your own PowerPoint presentation (.pptx): the slides use its master, layouts and
        slide size (see :func:`pptx_bytes`).

    Returns
    -------
    bytes
    """
    if template is not None and not isinstance(template, bytes):
        _pptx_open(template)  # a bad template is reported before the map is drawn
    content, pictures = _prepared(corridor, lang, title, "slide")
    return pptx_bytes(content, pictures, tables=("cities", "investments"), when=output_timestamp(),
                      template=template)


def report_docx(
    corridor: Corridor | None = None, *, lang: Lang = "en", title: str | None = None,
    paper: str = "a4",
) -> bytes:
    """Return the corridor report as a Word document (.docx).

    The content of :func:`g60map.report_html` — key figures, the static map (and the
    timeline and the small multiples when investments span several years), the per-city,
    spoke and investment tables, sources, method with input checksums and software
    versions — as Word headings, tables and pictures that offices can edit.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor` (None: the article's data).
    lang : {"en", "zh"}, default "en"
    title : str, optional
    paper : {"a4", "letter"}, default "a4"
        Paper size; the figures are drawn at the size they print at, their type at least
        :data:`MIN_PRINT_PT`.

    Returns
    -------
    bytes
    """
    text_width_in = (PAPERS[_paper(paper)][0] - 2 * _MARGIN_TW) / 1440
    content, pictures = _prepared(corridor, lang, title, "a4", text_width_in)
    return docx_bytes(content, pictures, when=output_timestamp(), paper=paper)
