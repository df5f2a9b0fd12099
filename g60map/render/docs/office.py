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
interpreted. The slides are laid out in ``_pptx.py``; what both writers share (fonts,
cell text, document properties, column widths fitted to the text) is in ``_ooxml.py``.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ... import settings
from ..._atomic import write_bytes
from ..._errors import G60InputError
from ..._reproducible import normalise_zip, output_timestamp
from ...corridor.model import Corridor, as_corridor
from ..text import Lang
from ._ooxml import (
    CJK_FONT,
    LATIN_FONT,
    Picture,
    _core,
    _import,
    _least,
    _text,
    column_widths,
)
from ._pptx import SLIDE_ROWS, SLIDE_TABLE_PT, _pptx_open, pptx_bytes
from .content import Content, ContentTable, report_content

__all__ = [
    "MIN_PRINT_PT", "PAPERS", "SLIDES_FILENAME", "SLIDE_ROWS", "SLIDE_TABLE_PT",
    "TOC_MIN_ROWS",
    "Picture", "column_widths", "docx_bytes", "normalise_zip", "pptx_bytes", "report_docx",
    "save_slides",
    "slides_pptx",
]

#: File name of ``g60map slides``.
SLIDES_FILENAME = "g60_corridor.pptx"


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
        styles = [(p.text, p.style.name if p.style is not None else "")
                  for p in document.paragraphs]
        _docx_toc_entries(toc, [(text, int(name[-1])) for text, name in styles
                                if name in ("Heading 1", "Heading 2")])
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
