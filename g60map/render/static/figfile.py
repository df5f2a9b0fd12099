"""Files of the static figures: PNG, PDF with embedded TrueType fonts, SVG with outlines or text.

* PDF: fonts embedded as TrueType subsets (``pdf.fonttype`` 42, no Type 3 fonts, which
  print shops often reject; CFF-flavoured fonts such as Noto Sans CJK are converted to
  TrueType outlines on the way); the text stays text (searchable, selectable). Each
  subset is cached (in the process, and on disk in :func:`cache_dir`) by font file and
  glyph set: cutting a subset out of a 20 MB CJK font takes seconds, reading it back
  milliseconds, and the PDF is the same bytes either way.
* SVG: text as glyph outlines by default (opens the same everywhere, no font needed), or
  with ``svg_text=True`` as real ``<text>`` elements, editable in Inkscape or Illustrator,
  whose ``font-family`` names a stack of CJK-capable fonts (:data:`SVG_FONT_STACK`) and
  whose white halos are an SVG stroke painted under the letters (``paint-order``).
* Every format is deterministic: no dates, no software versions, fixed SVG ids.

Size presets for print and slides are :data:`g60map.settings.STATIC_SIZES`
(:func:`static_size`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import matplotlib
from matplotlib import font_manager
from matplotlib import patheffects as pe
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from ... import settings
from ..._atomic import write_bytes
from ..._safetext import REPLACEMENT, safe_text

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.typing import RcKeyType

__all__ = [
    "ImageFormat",
    "STATIC_FORMATS",
    "SVG_FONT_STACK",
    "cache_dir",
    "figure_bytes",
    "save_static",
    "static_size",
]

#: A file format of the static figures.
ImageFormat = Literal["png", "svg", "pdf"]

#: Formats :func:`figure_bytes` writes.
STATIC_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

#: Fonts an SVG with editable text asks for after the ones it was drawn with: CJK-capable
#: faces of Linux, macOS and Windows, then the generic family.
SVG_FONT_STACK: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
    "sans-serif",
)

#: Deterministic file metadata per format (no dates, no matplotlib version).
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": "g60map"},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "g60map"},
}
_SAVE_RC: dict[RcKeyType, Any] = {"svg.hashsalt": "g60map", "svg.fonttype": "path",
                            "pdf.fonttype": 42, "ps.fonttype": 42}


def static_size(name: str) -> tuple[tuple[float, float], int]:
    """Return the figure size (inches) and PNG dpi of a size preset.

    Parameters
    ----------
    name : str
        A key of :data:`g60map.settings.STATIC_SIZES`: ``"default"``, ``"a4"``, ``"a3"``
        or ``"slide"`` (or any key added to the setting).

    Returns
    -------
    figsize : tuple of float
    dpi : int

    Raises
    ------
    ValueError
        For a name that is not a preset.

    Examples
    --------
    >>> figsize, dpi = static_size("slide")
    >>> round(figsize[0] * dpi), round(figsize[1] * dpi)
    (1920, 1080)
    """
    try:
        figsize, dpi = settings.STATIC_SIZES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown size {name!r}; use one of "
                         f"{', '.join(settings.STATIC_SIZES)}") from None
    return (float(figsize[0]), float(figsize[1])), int(dpi)


def _halo(text: Text) -> tuple[float, str] | None:
    """Return the (width in points, colour) of a text's stroke path effect, if it has one."""
    for effect in text.get_path_effects():
        if isinstance(effect, pe.withStroke):
            gc = getattr(effect, "_gc", {})
            return float(gc.get("linewidth", 3.0)), to_hex(gc.get("foreground", "white"))
    return None


_C1 = re.compile("[\x80-\x9f]")


def _drawable(text: Text, value: str) -> str:
    """``value`` with each character none of the text's fonts can draw shown as U+FFFD."""
    if value.isascii():
        return value
    try:
        paths = font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())
        fonts = [font_manager.get_font(p) for p in paths]
    except (AttributeError, OSError, RuntimeError, ValueError):
        return value
    return "".join(
        ch if ch.isspace() or ch == REPLACEMENT or any(f.get_char_index(ord(ch)) for f in fonts)
        else REPLACEMENT
        for ch in value
    )


@contextlib.contextmanager
def _storable_text(fig: Figure) -> Iterator[None]:
    """Show what no file can store as U+FFFD in every text while the figure is written.

    Control characters make an SVG that is not XML, and lone surrogates (bytes that
    were not UTF-8) have no glyph in any font; :func:`g60map._safetext.safe_text`
    replaces both. The texts are given back as they were afterwards.
    """
    saved = []
    for text in fig.findobj(Text):
        value = text.get_text()
        # no font has a glyph for a tab (drawn as a space) or a C1 control (U+0080-U+009F)
        clean = _drawable(text, _C1.sub(REPLACEMENT, safe_text(value).replace("\t", " ")))
        if clean != value:
            saved.append((text, value))
            text.set_text(clean)
    try:
        yield
    finally:
        for text, value in saved:
            text.set_text(value)


@contextlib.contextmanager
def _text_for_svg(fig: Figure) -> Iterator[dict[str, tuple[float, str]]]:
    """Take the halos off the texts while the SVG is written; yield them by group id.

    matplotlib draws a text with path effects as outlines even with ``svg.fonttype``
    ``"none"``; without them it writes ``<text>``. Each text with a halo gets a group id
    (its own, or ``halo-N``) so that the halo can be written back as an SVG stroke.
    """
    saved = []
    halos: dict[str, tuple[float, str]] = {}
    for i, text in enumerate(fig.findobj(Text)):
        halo = _halo(text)
        if halo is None:
            continue
        saved.append((text, text.get_path_effects(), text.get_gid()))
        gid = text.get_gid() or f"halo-{i}"
        text.set_gid(gid)
        text.set_path_effects([])
        halos[gid] = halo
    try:
        yield halos
    finally:
        for text, effects, old_gid in saved:
            text.set_path_effects(effects)
            text.set_gid(old_gid)


def _quadratic(font: Any) -> None:
    """Turn an OpenType font with CFF outlines (``OTTO``) into a TrueType one, in place.

    matplotlib embeds a Type 42 subset as it finds it; a subset of Noto Sans CJK (CFF
    outlines) would land in a ``FontFile2`` stream, which must hold TrueType outlines.
    The cubic curves are converted to quadratic ones (to 1/1000 em), glyph order and
    metrics kept, as fontTools' ``otf2ttf`` recipe does.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    upem = font["head"].unitsPerEm
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, upem / 1000, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for glyph in glyphs.values():
        glyph.recalcBounds(glyf)
    del font["CFF "]
    for table in ("VORG", "CFF2"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones",):
        setattr(maxp, field, 1)
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.numGlyphs = len(order)
    maxp.recalc(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: the PDF maps glyphs by index
    post.extraNames, post.mapping = [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def cache_dir() -> Path | None:
    """Return the folder of g60map's caches (the PDF font subsets).

    :data:`g60map.settings.CACHE_DIR` when set, else ``$G60MAP_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/g60map``, else ``~/.cache/g60map``. Nothing there is needed: the
    folder may be deleted at any time, and when it cannot be written nothing is cached
    on disk.

    Returns
    -------
    pathlib.Path or None
        None when no home folder is known and none of the above is set.

    Examples
    --------
    >>> from g60map import settings
    >>> settings.CACHE_DIR = "/srv/cache/g60map"
    >>> cache_dir().as_posix()
    '/srv/cache/g60map'
    >>> settings.CACHE_DIR = None
    """
    if settings.CACHE_DIR is not None:
        return Path(settings.CACHE_DIR).expanduser()
    moved = os.environ.get("G60MAP_CACHE_DIR", "").strip()
    if moved:
        return Path(moved).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative path is ignored
        return Path(xdg) / "g60map"
    try:
        return Path.home() / ".cache" / "g60map"
    except RuntimeError:  # no $HOME and no password-file entry
        return None


#: Version of the cached font subsets: raise it when :func:`_quadratic` or the entry
#: layout changes, so that entries written before are not read.
_SUBSET_VERSION = 1
_SUBSET_MAGIC = b"g60map font subset\n"
#: Font subsets made or read by this process: cache key -> (font file, glyph index map).
_SUBSETS: OrderedDict[str, tuple[bytes, dict[int, int]]] = OrderedDict()
#: Most subsets :data:`_SUBSETS` keeps (each a few KB to ~100 KB).
_SUBSETS_KEPT = 64


class _Subset:
    """A font subset as matplotlib's PDF backend uses it: the font and the index map."""

    def __init__(self, data: bytes, glyph_index_map: dict[int, int]) -> None:
        self.font = self  # what ``font_as_file`` is given
        self.data = data
        self.glyph_index_map = glyph_index_map


def _subset_key(fontfile: Any, glyphs: Iterable[int]) -> str | None:
    """Return the cache key of a subset of ``fontfile``, or None for a font not on disk.

    The key names the font file (resolved path, face in a collection, modification time
    and size), the glyphs asked for, and the versions of matplotlib and fontTools that
    cut the subset and of :func:`_quadratic`.
    """
    import fontTools

    try:
        path = os.path.realpath(os.fspath(fontfile))
        stat = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    parts = [_SUBSET_VERSION, matplotlib.__version__, fontTools.version, path,
             int(getattr(fontfile, "face_index", 0) or 0), stat.st_mtime_ns, stat.st_size,
             sorted(int(g) for g in glyphs)]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _entry_path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / "pdf-fonts" / f"{key}.ttf-subset"


def _read_entry(key: str) -> tuple[bytes, dict[int, int]] | None:
    """Return the subset cached on disk under ``key``; None if missing, unreadable or corrupt.

    An entry is ``_SUBSET_MAGIC``, the SHA-256 of the rest, a JSON line (key, glyph
    index map) and the font file.
    """
    path = _entry_path(key)
    if path is None:
        return None
    try:
        if not path.is_file():  # missing, or a folder or FIFO put there: never read it
            return None
        raw = path.read_bytes()
        if not raw.startswith(_SUBSET_MAGIC):
            return None
        body = raw[len(_SUBSET_MAGIC) + 32:]
        if hashlib.sha256(body).digest() != raw[len(_SUBSET_MAGIC):len(_SUBSET_MAGIC) + 32]:
            return None
        head, data = body.split(b"\n", 1)
        meta = json.loads(head)
        if meta["key"] != key:
            return None
        glyph_map = {int(old): int(new) for old, new in meta["glyphs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data, glyph_map


def _write_entry(key: str, data: bytes, glyph_map: dict[int, int]) -> None:
    """Store a subset on disk under ``key``, atomically; do nothing if that fails."""
    path = _entry_path(key)
    if path is None:
        return
    head = json.dumps({"key": key, "glyphs": sorted(glyph_map.items())},
                      separators=(",", ":")).encode("ascii")
    body = head + b"\n" + data
    try:
        if path.exists() and not path.is_file():  # a FIFO would be written into, in place
            return
        write_bytes(path, _SUBSET_MAGIC + hashlib.sha256(body).digest() + body)
    except (OSError, ValueError):  # read-only, full, not a folder, ...: stay uncached
        return


def _remember(key: str, entry: tuple[bytes, dict[int, int]]) -> None:
    _SUBSETS[key] = entry
    _SUBSETS.move_to_end(key)
    while len(_SUBSETS) > _SUBSETS_KEPT:
        _SUBSETS.popitem(last=False)


@contextlib.contextmanager
def _truetype_subsets() -> Iterator[None]:
    """While a PDF is written, embed every font subset with TrueType outlines, cached.

    matplotlib cuts each subset with fontTools (``get_glyphs_subset``), then writes it
    (``font_as_file``). Both are wrapped: the subset is cut, converted
    (:func:`_quadratic`) and written once per font file and glyph set, and kept in the
    process and on disk; later PDFs embed the same bytes without opening the font.
    """
    from matplotlib.backends import _backend_pdf_ps as pdfps

    original = getattr(pdfps, "font_as_file", None)
    if original is None:  # pragma: no cover - another matplotlib: embed as it does
        yield
        return

    def font_as_file(font: Any) -> Any:
        if isinstance(font, _Subset):
            return io.BytesIO(font.data)
        if "CFF " in font:
            _quadratic(font)
        return original(font)

    get_subset: Any = getattr(pdfps, "get_glyphs_subset", None)
    cacheable = get_subset is not None and hasattr(pdfps, "SubsetResults")

    def get_glyphs_subset(fontfile: Any, glyphs: Any) -> Any:
        glyphs = list(glyphs)
        key = _subset_key(fontfile, glyphs)
        entry = None if key is None else _SUBSETS.get(key) or _read_entry(key)
        if entry is None:
            with get_subset(fontfile, glyphs) as cut:
                entry = (font_as_file(cut.font).getvalue(), dict(cut.glyph_index_map))
            if key is not None:
                _write_entry(key, *entry)
        if key is not None:
            _remember(key, entry)
        return contextlib.nullcontext(_Subset(*entry))

    pdfps.font_as_file = font_as_file
    if cacheable:  # matplotlib >= 3.11 (glyph indices in, font and index map out)
        pdfps.get_glyphs_subset = get_glyphs_subset
    try:
        yield
    finally:
        pdfps.font_as_file = original
        if cacheable:
            pdfps.get_glyphs_subset = get_subset


_FAMILY = re.compile(r"font-family: ([^;\"]+)")


def _font_stack(match: re.Match[str]) -> str:
    given = [f.strip().strip("'\"") for f in match.group(1).split(",")]
    names = [f for f in given if f and f != "sans-serif"]
    names += [f for f in SVG_FONT_STACK if f not in names]
    return "font-family: " + ", ".join(f if f == "sans-serif" else f"'{f}'" for f in names)


def _svg_text(svg: str, halos: dict[str, tuple[float, str]]) -> str:
    """Name the CJK font stack in every ``font-family`` and write the halos as strokes."""
    svg = _FAMILY.sub(_font_stack, svg)
    for gid, (width, colour) in halos.items():
        head = f'<g id="{gid}">'
        start = svg.find(head)
        if start < 0:
            continue
        end = svg.find("</g>", start)
        group = svg[start:end].replace(
            '<text style="',
            f'<text style="stroke: {colour}; stroke-width: {width:g}; '
            "stroke-linejoin: round; paint-order: stroke; ",
        )
        svg = svg[:start] + group + svg[end:]
    return svg


def figure_bytes(
    fig: Figure, fmt: ImageFormat = "png", dpi: float = 200, *, svg_text: bool = False
) -> bytes:
    """Return the figure encoded as PNG, SVG or PDF, deterministically.

    PNG carries no ``Software`` tag, SVG no date and fixed element ids
    (``svg.hashsalt``), PDF no creation or modification date: the same figure gives the
    same bytes. PDF fonts are embedded as TrueType subsets (no Type 3).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to encode.
    fmt : {"png", "svg", "pdf"}
        Output format.
    dpi : float
        Resolution of PNG output (dots per inch).
    svg_text : bool, default False
        SVG only: write text as ``<text>`` elements (editable; the reader needs one of
        the fonts of :data:`SVG_FONT_STACK` for Chinese) instead of glyph outlines.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If ``fmt`` is unknown or ``dpi`` is not positive.
    """
    name = str(fmt).lower()
    if name not in STATIC_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(STATIC_FORMATS)}")
    if not dpi > 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    buf = io.BytesIO()
    as_text = svg_text and name == "svg"
    rc: dict[RcKeyType, Any] = {**_SAVE_RC, "svg.fonttype": "none"} if as_text else _SAVE_RC
    halos_cm: contextlib.AbstractContextManager[dict[str, tuple[float, str]]] = (
        _text_for_svg(fig) if as_text else contextlib.nullcontext({})
    )
    fonts_cm: contextlib.AbstractContextManager[None] = (
        _truetype_subsets() if name == "pdf" else contextlib.nullcontext()
    )
    with matplotlib.rc_context(rc), _storable_text(fig), halos_cm as halos, fonts_cm:
        fig.savefig(buf, format=name, dpi=dpi, metadata=_METADATA[name], facecolor="white")
    data = buf.getvalue()
    if as_text:
        data = _svg_text(data.decode("utf-8"), halos).encode("utf-8")
    return data


def save_static(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    fmt: ImageFormat | None = None,
    dpi: float = 200,
    svg_text: bool = False,
) -> Path:
    """Write :func:`figure_bytes` of ``fig`` to ``path`` atomically and deterministically.

    Public as :func:`g60map.save_static` (for the figures of :func:`g60map.render_static`).
    PNG carries no ``Software`` tag, SVG no date and fixed element ids
    (``svg.hashsalt``), PDF no creation or modification date: the same figure gives the
    same bytes. PDF fonts are embedded as TrueType subsets (no Type 3); SVG text is drawn
    as outlines (the file needs no font), or written as editable ``<text>`` with
    ``svg_text=True``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    path : path-like
        Target file; its folder is created. A failure leaves any previous file intact.
    fmt : {"png", "svg", "pdf"}, optional
        Taken from the suffix of ``path`` when None.
    dpi : float
        Resolution of PNG output (dots per inch).
    svg_text : bool, default False
        SVG only: real, editable text naming a CJK-capable font stack
        (:data:`SVG_FONT_STACK`) instead of outlines (see :func:`figure_bytes`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If the format is not one of :data:`STATIC_FORMATS` or ``dpi`` is not positive.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> out = save_static(Figure(figsize=(1, 1)), Path(tempfile.mkdtemp()) / "map.svg")
    >>> out.read_text(encoding="utf-8").count("<svg") >= 1
    True
    """
    path = Path(path)
    # a suffix that is no image format is refused by figure_bytes
    fmt = fmt or cast(ImageFormat, path.suffix.lstrip(".").lower())
    data = figure_bytes(fig, fmt=fmt, dpi=dpi, svg_text=svg_text)
    return write_bytes(path, data)
