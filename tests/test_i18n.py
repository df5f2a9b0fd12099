"""The one en/zh catalogue: every key in both languages, every text once, every output
reading its words from it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import g60map
from g60map import i18n
from g60map.i18n import LANGS, MAP_KEYS, METRIC_KEYS, PRINT_KEYS, REPORT_KEYS, TEXT, section

SECTIONS = {"map": MAP_KEYS, "report": REPORT_KEYS, "print": PRINT_KEYS, "metric": METRIC_KEYS}


def test_every_key_has_en_and_zh():
    assert LANGS == ("en", "zh") and set(TEXT) == set(LANGS)
    assert list(TEXT["en"]) == list(TEXT["zh"])
    for lang in LANGS:
        for key, text in TEXT[lang].items():
            assert text and (isinstance(text, str) or all(isinstance(t, str) for t in text)), (
                lang, key)


def test_no_text_is_defined_twice():
    pairs: dict[tuple[str, str], str] = {}
    for key in TEXT["en"]:
        pair = (repr(TEXT["en"][key]), repr(TEXT["zh"][key]))
        assert pair not in pairs, f"{key} repeats {pairs.get(pair)}: {pair}"
        pairs[pair] = key


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_section_names_catalogue_keys(name):
    assert set(SECTIONS[name].values()) <= set(TEXT["en"])


def test_every_catalogue_key_is_used():
    used = {k for keys in SECTIONS.values() for k in keys.values()}
    assert used == set(TEXT["en"])


def test_the_four_outputs_read_the_catalogue():
    from g60map.corridor.metrics import BUILTIN
    from g60map.render.docs.content import _T
    from g60map.render.static.mpl import PRINT_TEXT
    from g60map.render.text import LABELS

    assert LABELS == section(MAP_KEYS) and _T == section(REPORT_KEYS)
    assert PRINT_TEXT == section(PRINT_KEYS)
    assert {k: (m.label_en, m.label_zh) for k, m in BUILTIN.items()} == {
        k: (TEXT["en"][v], TEXT["zh"][v]) for k, v in METRIC_KEYS.items()}
    # the words shared by the map and the report are one entry
    assert LABELS["zh"]["partners"] is _T["zh"]["c_partners"]


def test_the_texts_are_the_catalogue_tables_read_through_i18n():
    """g60map/_catalogue.py holds the texts; every other module reads them through i18n."""
    from g60map import _catalogue

    assert TEXT["en"] is _catalogue.EN and TEXT["zh"] is _catalogue.ZH
    root = Path(g60map.__file__).parent
    readers = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] + [a.name for a in node.names]
                     if isinstance(node, ast.ImportFrom) else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if any(n.rpartition(".")[2] == "_catalogue" for n in names):
                readers.append(str(path.relative_to(root)))
    assert readers == ["i18n.py"]


def test_no_other_module_defines_a_catalogue():
    """No dict literal keyed "en" and "zh" outside g60map/i18n.py."""
    root = Path(g60map.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == Path(i18n.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if {"en", "zh"} <= keys:
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not found
