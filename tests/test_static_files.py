"""Print-grade files of the static map: PDF fonts, editable SVG text, size presets, CLI."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest

from g60map import load_cities, settings
from g60map.cli import main
from g60map.render.static.figfile import SVG_FONT_STACK
from g60map.render.static.figure import figure_bytes, render_static, static_size
from g60map.render.static.mpl import find_cjk_font
from tests._browser import on_ci

CITIES = load_cities()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module", params=["en", "zh"])
def drawn(request):
    if request.param == "zh" and find_cjk_font() is None:
        if on_ci():
            pytest.fail("no CJK font installed (apt-get install fonts-noto-cjk)")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    fig, ax = render_static(lang=request.param, title="Map <b>&amp;</b> 'x' \"y\"")
    return request.param, fig, ax


def _objects(pdf: bytes) -> dict[int, bytes]:
    """Every ``N 0 obj ... endobj`` of the PDF, by number (stream data included)."""
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(rb"(?m)^(\d+) 0 obj\n(.*?)\nendobj", pdf, re.S)}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --- PDF ------------------------------------------------------------------------------


def test_pdf_embeds_truetype_subsets_and_no_type3_font(drawn):
    lang, fig, _ = drawn
    pdf = figure_bytes(fig, "pdf")
    assert b"/Subtype /Type3" not in pdf and b"/Type3" not in pdf
    objects = _objects(pdf)
    fonts = [o for o in objects.values() if b"/Type /Font" in o]
    assert fonts
    descendants = [o for o in fonts if b"/Subtype /CIDFontType2" in o]
    assert len(descendants) >= 2  # regular and bold at least
    for font in descendants:
        name = re.search(rb"/BaseFont /([A-Z]{6})\+([\w-]+)", font)
        assert name, font[:200]  # a subset: tag + name
        if lang == "zh":
            assert b"CJK" in name.group(2)
        ref = int(re.search(rb"/FontDescriptor (\d+) 0 R", font).group(1))
        embedded = re.search(rb"/FontFile2 (\d+) 0 R", objects[ref])
        assert embedded, objects[ref][:200]
        stream = objects[int(embedded.group(1))]
        data = zlib.decompress(stream.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0])
        assert data[:4] in (b"\x00\x01\x00\x00", b"true")  # a TrueType font program
        assert 500 < len(data) < 200_000  # a subset, not the whole (CJK) font
    # the text is text: each type-0 font maps its glyphs back to Unicode
    for font in fonts:
        if b"/Subtype /Type0" in font:
            assert b"/ToUnicode" in font


# --- SVG ------------------------------------------------------------------------------


def test_svg_text_is_editable_text_naming_a_cjk_font_stack(drawn):
    lang, fig, ax = drawn
    before = figure_bytes(fig, "png", dpi=30)
    svg = figure_bytes(fig, "svg", svg_text=True)
    assert figure_bytes(fig, "svg", svg_text=True) == svg  # deterministic
    assert figure_bytes(fig, "png", dpi=30) == before  # the figure is left as it was
    root = ET.fromstring(svg)
    texts = list(root.iter(f"{SVG}text"))
    content = {"".join(t.itertext()) for t in texts}
    names = CITIES["name_zh" if lang == "zh" else "name_en"]
    for code, name in zip(CITIES["code"], names, strict=True):
        assert name in content, name
        group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == f"label-{code}")
        (text,) = group.iter(f"{SVG}text")
        style = text.get("style")
        assert "paint-order: stroke" in style and "stroke: #ffffff" in style  # the halo
        family = re.search(r"font-family: ([^;]+)", style).group(1)
        stack = [f.strip().strip("'") for f in family.split(",")]
        assert stack[-1] == "sans-serif"
        assert [f for f in SVG_FONT_STACK if f in stack] == list(SVG_FONT_STACK)
        assert "Noto Sans CJK SC" in stack[: 2]
    for t in ax.g60_spoke_labels:
        assert t.get_text() in content
    assert 'Map <b>&amp;</b> \'x\' "y"' in content  # user text escaped, kept literally
    glyphs = [p.get("id") for p in root.iter(f"{SVG}path") if "Sans" in (p.get("id") or "")]
    assert glyphs == []  # no glyph outlines (matplotlib names them after the font)


def test_svg_default_stays_outlines(drawn):
    _, fig, _ = drawn
    svg = figure_bytes(fig, "svg")
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}text"))
    assert b"font-family" not in svg
    assert any("Sans" in (p.get("id") or "") for p in root.iter(f"{SVG}path"))  # glyphs


# --- sizes and the command line -------------------------------------------------------


@pytest.mark.parametrize("size", list(settings.STATIC_SIZES))
def test_size_presets(size):
    (w, h), dpi = static_size(size)
    assert dpi >= 120 and w > h
    if size == "slide":
        assert w / h == pytest.approx(16 / 9) and w * dpi >= 1920
    if size in ("a4", "a3"):
        assert max(w, h) / min(w, h) == pytest.approx(2**0.5, rel=0.01) and dpi >= 300


def test_unknown_size_is_a_clear_error():
    with pytest.raises(ValueError, match="a4, a3, slide"):
        static_size("letter")


@pytest.mark.slow
def test_cli_render_slide_png_is_1920_px_wide_and_a4_pdf_is_a_page(tmp_path, capsys):
    assert main(["render", "-q", "--size", "slide", "--out", str(tmp_path)]) == 0
    assert _png_size((tmp_path / "g60_corridor.png").read_bytes()) == (1920, 1080)
    assert main(["render", "-q", "--size", "a4", "--format", "pdf", "--out", str(tmp_path)]) == 0
    pdf = (tmp_path / "g60_corridor.pdf").read_bytes()
    box = re.search(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", pdf)
    assert (float(box.group(1)), float(box.group(2))) == pytest.approx((841.7, 595.4), abs=0.5)
    assert b"/Type3" not in pdf


def test_cli_render_svg_text_and_usage(tmp_path, capsys):
    assert main(["render", "-q", "--svg-text", "--dpi", "30", "--out", str(tmp_path)]) == 0
    svg = (tmp_path / "g60_corridor.svg").read_bytes()
    content = {"".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")}
    assert set(CITIES["name_en"]) <= content
    assert capsys.readouterr().out.split() == [str(tmp_path / "g60_corridor.svg")]
    assert main(["render", "--svg-text", "--format", "pdf", "--out", str(tmp_path)]) == 2
    assert "--svg-text writes SVG" in capsys.readouterr().err
    assert main(["render", "--size", "letter"]) == 2
    assert main(["render", "--partners-as", "disks"]) == 2
    assert list(tmp_path.iterdir()) == [tmp_path / "g60_corridor.svg"]


# ---------------------------------------------- control characters (issue 18, point 6)

_CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\x7f\ufffe\uffff"
_UNDECODABLE = b"\xff".decode("utf-8", "surrogateescape")


@pytest.mark.parametrize("svg_text", [False, True])
def test_figure_with_control_characters_is_still_xml_pdf_and_png(svg_text):
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(3, 2))
    fig.text(0.1, 0.5, f"title{_CONTROLS}{_UNDECODABLE}end", parse_math=False)
    fig.text(0.1, 0.2, "a\x1b[31mb\x07", parse_math=False)
    root = ET.fromstring(figure_bytes(fig, fmt="svg", svg_text=svg_text))
    if svg_text:
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        assert f"title{chr(0xFFFD) * (len(_CONTROLS) + 1)}end" in texts
        assert "a\ufffd[31mb\ufffd" in texts
    assert figure_bytes(fig, fmt="pdf")[:5] == b"%PDF-"
    assert figure_bytes(fig, fmt="png")[:4] == b"\x89PNG"
    assert fig.texts[1].get_text() == "a\x1b[31mb\x07"  # the figure is given back unchanged
    plt.close(fig)


@pytest.mark.slow
@pytest.mark.parametrize("svg_text", [False, True])
def test_static_map_with_control_characters_in_title_and_cells_is_xml(tmp_path, svg_text):
    from g60map import load_corridor

    path = tmp_path / "partners.csv"
    path.write_text("name,city,source\n阿里云\x1b[2J,杭州,survey\x07\x08 2020\x1b\n",
                    encoding="utf-8")
    fig, _ = render_static(load_corridor(str(path)), title=f"G60{_CONTROLS}{_UNDECODABLE}")
    root = ET.fromstring(figure_bytes(fig, fmt="svg", svg_text=svg_text))
    if svg_text:
        text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        assert "G60\ufffd" in text and "survey\ufffd\ufffd 2020\ufffd" in text
    assert figure_bytes(fig, fmt="pdf", dpi=72)[:5] == b"%PDF-"
    assert figure_bytes(fig, fmt="png", dpi=50)[:4] == b"\x89PNG"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_tab_and_a_replaced_character_draw_without_a_missing_glyph(lang):
    """A tab or U+FFFD (what a control character becomes) has a glyph in both languages:
    pytest turns matplotlib's "Glyph ... missing from font(s)" warning into a failure."""
    fig, _ = render_static(lang=lang, title="标题\tA\x07B\ufffd")
    try:
        svg = figure_bytes(fig, "svg", svg_text=True)
        ET.fromstring(svg)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_characters_no_font_draws_are_shown_as_replacement_without_a_warning(tmp_path):
    """A C1 control (U+0085) and an unassigned code point (U+CD224) in a title: drawn as
    U+FFFD, with no missing-glyph warning (found by the fuzz harness)."""
    import warnings

    import g60map
    from g60map.render.static.figure import render_static, save_static

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, _ = render_static(g60map.load_corridor(), title="oQ\x85ê\U000cd224~s")
        path = save_static(fig, tmp_path / "t.svg", fmt="svg", svg_text=True)
    svg = path.read_text(encoding="utf-8")
    assert "\ufffd" in svg and "\x85" not in svg and "\U000cd224" not in svg
    assert fig.texts[0].get_text() == "oQ\x85ê\U000cd224~s"  # given back afterwards
