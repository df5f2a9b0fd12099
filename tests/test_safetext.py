"""One rule for text no output can store: controls, non-characters, undecodable bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from g60map._safetext import REPLACEMENT, has_undecodable, safe_text
from g60map.render.docs import office

_C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
_UNDECODABLE = b"bad\xff\xfe".decode("utf-8", "surrogateescape")


def test_every_character_xml_refuses_becomes_the_replacement_character():
    text = f"a{_C0}\x7f\ufffe\uffff{_UNDECODABLE}z"
    clean = safe_text(text)
    assert clean == "a" + REPLACEMENT * (len(_C0) + 3) + "bad" + REPLACEMENT * 2 + "z"
    assert ET.fromstring(f"<t>{escape(clean)}</t>").text == clean
    clean.encode("utf-8")  # no lone surrogate left


def test_text_that_is_fine_is_kept():
    text = "松江 G60\tline\nnext\r ok 🚄 \u00a0\u0085"
    assert safe_text(text) == text
    assert safe_text(15.5) == "15.5"


def test_undecodable_bytes_are_told_apart_from_text():
    assert has_undecodable(_UNDECODABLE)
    assert not has_undecodable("企业.csv") and not has_undecodable("a\x1bb")


def test_word_and_powerpoint_cells_use_the_same_rule():
    assert office._text(f"x{_C0}{_UNDECODABLE}") == safe_text(f"x{_C0}{_UNDECODABLE}")
    assert office._text(None) == "" and office._text(float("nan")) == ""


def test_report_content_shows_the_title_and_cells_with_the_same_rule(tmp_path):
    from g60map import load_corridor
    from g60map.render.docs.content import report_content

    path = tmp_path / "investments.csv"
    path.write_text("investor,project,city,amount,currency,date\n"
                    "Acme\x1b[31m,Plant\x07 A,Hangzhou,2亿,CNY,2021\n", encoding="utf-8")
    content = report_content(load_corridor(investments=str(path)), "en",
                             title=f"G60 {_UNDECODABLE}")
    assert content.title == "G60 bad\ufffd\ufffd"
    table = {t.key: t for t in content.tables}["investments"].frame
    assert table.iloc[0, :2].tolist() == ["Acme\ufffd[31m", "Plant\ufffd A"]
