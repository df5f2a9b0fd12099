r"""The HTML report: one self-contained file with maps, tables, the static figure and sources.

:func:`report_html` returns the page for a :class:`~g60map.Corridor`; :func:`save_report`
writes it atomically (by default as ``outputs/g60_corridor_report.html``). The page opens
offline: Leaflet and every script and style are inline (:func:`g60map.map_fragment` with
``self_contained=True``), the maps draw no tiles, the static figure is an inline PNG and no
element refers to anything outside the file. Two interactive maps share the page (partners
labelled in Chinese, investments in English), each with its own namespaced ids.

The page is a jinja2 template (``templates/report.html.j2`` and ``report.css`` next to this
module) rendered with autoescape in a sandbox: every value from the corridor (names,
sources, file names, numbers) is a template *variable*, escaped where it is written; no
table text is ever template source. ``template=`` names a folder of your own whose
``report.css`` and ``report.html.j2`` take the place of the packaged ones (the packaged
page stays reachable as ``g60map/report.html.j2``, to extend). The output is deterministic
(no dates, sorted and rounded values, stable ids).

That folder is input. Only its ``.j2`` files are template source, read as UTF-8, never a
file that a link or ``..`` places outside it; ``report.css`` is text (every ``<`` written as
``\3c ``, so it cannot close ``<style>``). Its errors, limits and time are reported as
:class:`~g60map.G60InputError` with file and line: loops, sizes, numbers and time are
bounded by the ``MAX_TEMPLATE_*`` settings (:mod:`g60map.settings`). The sandbox (loader,
budget, environment, error reports) is :mod:`g60map.render.docs._sandbox`.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ... import settings
from ..._atomic import write_bytes, write_text
from ..._version import __version__
from ...corridor.model import Corridor, as_corridor
from ..text import Lang, check_lang
from ._sandbox import render_template
from .content import ContentTable, report_content

__all__ = ["REPORT_FILENAME", "palette_png", "report_html", "save_report"]

#: File name of the report inside ``out_dir``.
REPORT_FILENAME: str = "g60_corridor_report.html"

_FIGURE_DPI = 150
_MAP_HEIGHT = "460px"


# ---------------------------------------------------------------------------------------
# the page's data: plain values, escaped by the template
# ---------------------------------------------------------------------------------------
#: Put at the start of every map fragment; the first one on the rendered page becomes the
#: scripts and styles the maps share (Leaflet, ours, the boundary arcs), the others go.
_SHARED_MARK = "<!--g60map:map-scripts-->"


def _maps(corridor: Corridor) -> tuple[list[dict[str, Any]], str]:
    """Return the two embedded maps and the scripts and styles they share.

    Partners are labelled in Chinese, investments in English; what both maps use is
    inlined once (see :func:`_place_shared`).
    """
    from ..web.interactive import build_map, map_fragments

    specs = (
        ("rptzh", "zh", "partners", "map-partners"),
        ("rpten", "en", "investments", "map-investments"),
    )
    maps = [
        build_map(corridor, lang=check_lang(map_lang), basemap="none", prefix=prefix,
                  tables=[table])
        for prefix, map_lang, table, _ in specs
    ]
    shared, fragments = map_fragments(maps, prefixes=[s[0] for s in specs],
                                      height=_MAP_HEIGHT)
    out = []
    for (_, _, table, fig_id), fragment in zip(specs, fragments, strict=True):
        # markup made by g60map: the tables' text is inside its JSON data block, escaped
        out.append({"id": fig_id, "table": table, "n": len(getattr(corridor, table)),
                    "fragment": Markup(_SHARED_MARK + fragment)})
    return out, shared


def _place_shared(page: str, shared: str) -> str:
    """Put the maps' shared scripts before the first map of the rendered page.

    Whatever order a template places the maps in; a page without maps gets none.
    """
    head, mark, tail = page.partition(_SHARED_MARK)
    if not mark:
        return page
    return head + shared + tail.replace(_SHARED_MARK, "")


def _figure(corridor: Corridor, lang: Lang) -> dict[str, Any]:
    from ..static.figure import figure_bytes, render_static

    fig, _ = render_static(corridor, lang=lang)
    png = palette_png(figure_bytes(fig, fmt="png", dpi=_FIGURE_DPI))
    return {
        "width": int(fig.get_figwidth() * _FIGURE_DPI),
        "height": int(fig.get_figheight() * _FIGURE_DPI),
        "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
    }


def palette_png(png: bytes, colors: int = 256) -> bytes:
    """Return a PNG as an indexed-colour PNG: the image's most common colours, exactly.

    A map drawn by matplotlib is a few flat colours and the anti-aliased pixels between
    them; kept as RGBA it is about 3.5x larger. The palette is the ``colors`` colours that
    cover the most pixels (ties by colour value, so the result is deterministic), each
    exact; every other pixel takes its nearest palette colour, without dithering.

    Parameters
    ----------
    png : bytes
        An opaque PNG (transparency is dropped).
    colors : int, default 256
        Palette size, 2 to 256.

    Returns
    -------
    bytes
        The indexed PNG, with the same size and resolution (dpi).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (4, 4), (250, 240, 230)).save(buf, "PNG")
    >>> Image.open(io.BytesIO(palette_png(buf.getvalue()))).mode
    'P'
    """
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        dpi = image.info.get("dpi")
        rgb = image.convert("RGB")
    counts = rgb.getcolors(rgb.width * rgb.height) or []
    top = sorted(counts, key=lambda c: (-c[0], c[1]))[:colors]
    palette = [value for _, color in top for value in color]
    holder = Image.new("P", (1, 1))
    holder.putpalette(palette + palette[-3:] * (256 - len(top)))
    indexed = rgb.quantize(palette=holder, dither=Image.Dither.NONE)
    out = io.BytesIO()
    indexed.save(out, "PNG", optimize=True, **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def _table(table: ContentTable) -> dict[str, Any]:
    frame = table.frame
    return {
        "key": table.key,
        "heading": table.heading,
        "caption": table.caption,
        "headers": [{"label": str(c), "numeric": c in table.numeric} for c in frame.columns],
        "rows": [[str(v) for v in row] for row in frame.itertuples(index=False)],
    }


def _context(corridor: Corridor, lang: Lang, title: str | None) -> tuple[dict[str, Any], str]:
    """Return every variable of the report template and the scripts the maps share.

    The variables are listed in the header of report.html.j2; the shared scripts go to
    the page with :func:`_place_shared`.
    """
    content = report_content(corridor, lang, title=title)
    maps, shared = _maps(corridor)
    return {
        "lang": content.lang,
        "title": content.title,
        "lead": content.lead,
        "version": __version__,
        "headings": content.headings,
        "facts": [list(fact) for fact in content.facts],
        "tables": {t.key: _table(t) for t in content.tables},
        "sources": list(content.sources),
        "steps": list(content.steps),
        "note": content.note,
        "maps": maps,
        "figure": _figure(corridor, content.lang),
    }, shared


# ---------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------
def report_html(
    corridor: Corridor | None = None,
    *,
    lang: Lang = "en",
    title: str | None = None,
    template: str | os.PathLike[str] | None = None,
) -> str:
    """Return the corridor report as one self-contained HTML page.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor`; None: ``load_corridor()`` (the partners and
        investment of the source article).
    lang : {"en", "zh"}, default "en"
        Language of the text, the tables and the static map (the two embedded maps are
        one in Chinese, one in English). The content is :func:`g60map.render.docs.content.
        report_content`'s, the same as the Word report and the slides.
    title : str, optional
        Report title (default: the corridor's name in ``lang``). Shown as text.
    template : path-like, optional
        A folder with your own ``report.css`` and/or ``report.html.j2`` (jinja2, rendered
        with autoescape in a sandbox; it may ``{% extends "g60map/report.html.j2" %}`` and
        replace blocks). Its variables are listed in the header of the packaged
        ``g60map/render/docs/templates/report.html.j2``.

    Returns
    -------
    str
        The page: two interactive maps (partners in Chinese, investments in English),
        key figures, the per-city summary and spoke tables, the static map as an inline
        PNG, sources, and how it was made (inputs with SHA-256 checksums, package and
        dependency versions). It makes no network request. Write it with
        :func:`save_report`.

    Raises
    ------
    G60InputError
        ``template`` is not a folder, or its template has an error (file and line).

    Examples
    --------
    >>> page = report_html()
    >>> page.startswith("<!DOCTYPE html>"), 'id="map-partners"' in page
    (True, True)
    """
    context, shared = _context(as_corridor(corridor), check_lang(lang), title)
    return _place_shared(render_template(template, context), shared)


def save_report(page: str | bytes, path: str | os.PathLike[str] | None = None) -> Path:
    """Write a report atomically (a failure leaves the old file): HTML or Word.

    Parameters
    ----------
    page : str or bytes
        The page :func:`report_html` returned, or the Word document
        :func:`~g60map.report_docx` returned.
    path : path-like, optional
        Target file; default ``settings.OUTPUT_DIR / REPORT_FILENAME`` (with ``.docx`` for a
        Word document). Folders are created.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> save_report(report_html(), Path(tempfile.mkdtemp()) / "report.html").name
    'report.html'
    """
    if isinstance(page, bytes):
        default = Path(settings.OUTPUT_DIR) / Path(REPORT_FILENAME).with_suffix(".docx")
        return write_bytes(default if path is None else Path(path), page)
    if not isinstance(page, str):
        raise TypeError("page must be the str from report_html() or the bytes from "
                        f"report_docx(), not {type(page).__name__}")
    target = Path(settings.OUTPUT_DIR) / REPORT_FILENAME if path is None else Path(path)
    return write_text(target, page)
