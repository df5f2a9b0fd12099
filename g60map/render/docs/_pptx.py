"""PowerPoint slides of a report's content, for projection (python-pptx)."""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..._errors import G60InputError
from ..._reproducible import FIXED_TIMESTAMP, normalise_zip
from ..symbology import STYLE
from ._ooxml import (
    CJK_FONT,
    LATIN_FONT,
    Picture,
    _core,
    _import,
    _least,
    _text,
    _text_em,
    column_widths,
)
from .content import Content, ContentTable, content_tables

__all__ = ["SLIDE_ROWS", "SLIDE_TABLE_PT", "pptx_bytes"]

_SLIDE_W_IN, _SLIDE_H_IN = 13.333, 7.5  # 16:9

#: Type size (pt) of the slides' tables: readable when projected.
SLIDE_TABLE_PT = 14

#: Cell margins and borders of a slide table's column, in twips (0.1 inch a side).
_PPTX_PAD_TW = 330

#: Most table rows on one slide; a longer table goes on on numbered slides ("2/3").
SLIDE_ROWS = 12


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
    for name in (n for n in table.optional if n in frame.columns):  # until the words fit
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
    source = io.BytesIO(template) if isinstance(template, bytes) else str(template)
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
