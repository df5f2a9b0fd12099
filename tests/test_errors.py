"""Properties of escaping and bounded problem output (g60map._errors)."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from g60map._errors import G60InputError, Problem, escape_control, format_problems
from g60map.ingest.validate import validate_table

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
given = hypothesis.given
settings = hypothesis.settings(max_examples=60, deadline=None)
few = hypothesis.settings(max_examples=25, deadline=None)

UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs"}


@settings
@given(st.text())
def test_escaped_text_has_no_control_or_format_character(text):
    out = escape_control(text)
    assert not any(unicodedata.category(c) in UNSAFE for c in out)
    if all(unicodedata.category(c) not in UNSAFE for c in text):
        assert out == text


@settings
@given(
    st.lists(
        st.builds(
            Problem,
            st.text(max_size=50),
            st.none() | st.integers(1, 10**7),
            st.none() | st.text(max_size=50),
            st.text(max_size=2_000),
            st.text(max_size=30),
        ),
        max_size=300,
    ),
    st.integers(0, 20),
)
def test_summary_size_depends_on_the_limit_not_on_the_problems(problems, limit):
    text = format_problems(problems, limit=limit, hint="see the file")
    # limit lines + title, "more", 2 headings, 2 x 21 count lines, hint; each clipped
    assert len(text.splitlines()) <= limit + 48
    assert len(text) <= (limit + 48) * 600
    assert not any(unicodedata.category(c) in UNSAFE - {"Cc"} for c in text)
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in text)
    assert G60InputError(problems).problems == problems


def _table(amounts: list[str]) -> pd.DataFrame:
    n = len(amounts)
    df = pd.DataFrame(
        {"investor": ["T"] * n, "project": [f"p{i}" for i in range(n)], "city": ["Hefei"] * n,
         "amount": amounts, "currency": ["CNY"] * n, "date": ["2020-03"] * n},
        dtype=str,
    )
    df.index = pd.RangeIndex(2, n + 2)
    df.attrs["file"] = "t.csv"
    return df


@few
@given(st.integers(1, 10**15), st.booleans())
def test_grouped_amounts_read_back(n, wide):
    cell = f"{n:,}"
    if wide:  # full-width digits and comma
        cell = cell.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789,"})
    parsed, problems = validate_table(_table([cell, str(n)]), "investments")
    assert problems == []
    assert parsed["amount"].tolist() == [float(n), float(n)]


@few
@given(st.integers(0, 10**6), st.integers(0, 99))
def test_decimal_comma_is_always_reported(whole, frac):
    cell = f"{whole},{frac:0{1 + frac % 2}d}"
    _, problems = validate_table(_table([cell]), "investments")
    assert [p.kind for p in problems] == ["decimal comma"]
