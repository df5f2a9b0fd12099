from __future__ import annotations

import pandas as pd
import pytest

from g60map.validate import formula_cells, validate_table


def table(rows: dict, file: str = "t.csv") -> pd.DataFrame:
    df = pd.DataFrame(rows, dtype=str)
    df.index = pd.RangeIndex(2, len(df) + 2)
    df.attrs["file"] = file
    return df


def messages(problems):
    return [str(p) for p in problems]


def test_clean_partners():
    parsed, problems = validate_table(
        table({"name": ["a", "b"], "lon": ["121.2", ""], "lat": ["31.0", ""],
               "city": ["", "Hefei"]}),
        "partners",
    )
    assert problems == []
    assert parsed.loc[2, "lon"] == 121.2 and pd.isna(parsed.loc[3, "lon"])


def test_missing_required_columns_listed_together():
    _, problems = validate_table(table({"investor": ["x"]}), "investments")
    msgs = messages(problems)
    for col in ("project", "amount", "currency", "date"):
        assert any(f"t.csv:1:{col}: required column '{col}' is missing" in m for m in msgs)
    assert any("give a 'city' column" in m for m in msgs)


def test_coordinates_out_of_range_and_swapped():
    _, problems = validate_table(
        table({"name": ["a", "b", "c", "d"], "lon": ["31.0", "200", "abc", "30.5"],
               "lat": ["121.2", "31", "31", "120.1"]}),
        "partners",
    )
    msgs = messages(problems)
    assert any(m.startswith("t.csv:2:lat:") and "swapped" in m for m in msgs)
    assert any(m.startswith("t.csv:3:lon:") and "outside -180..180" in m for m in msgs)
    assert any(m.startswith("t.csv:4:lon:") and "'abc' is not a number" in m for m in msgs)
    assert any(m.startswith("t.csv:5:lat:") and "swapped" in m for m in msgs)


def test_investment_fields():
    _, problems = validate_table(
        table({"investor": ["T", "T", "T"], "project": ["p", "q", "r"],
               "city": ["Songjiang"] * 3, "amount": ["15 bn", "-3", "1,000"],
               "currency": ["CNY", "EUR", "usd"], "date": ["2020-03", "2020-13-01", "March"]}),
        "investments",
    )
    msgs = messages(problems)
    assert "t.csv:2:amount: '15 bn' is not a number" in "\n".join(msgs)
    assert any(m.startswith("t.csv:3:amount: amount must be positive") for m in msgs)
    assert any(m.startswith("t.csv:3:currency: unknown currency 'EUR'") for m in msgs)
    assert any(m.startswith("t.csv:3:date:") for m in msgs)
    assert any(m.startswith("t.csv:4:date: 'March' is not an ISO date") for m in msgs)
    assert not any(m.startswith("t.csv:4:amount") or m.startswith("t.csv:4:currency") for m in msgs)


def test_duplicates_name_the_first_row():
    _, problems = validate_table(
        table({"name": ["a", "b", "a"], "city": ["Hefei", "Wuhu", "Hefei"]}), "partners"
    )
    assert messages(problems) == ["t.csv:4: duplicate of row 2 (delete one of them)"]


def test_empty_required_and_no_place():
    _, problems = validate_table(table({"name": ["", "b"], "city": ["Hefei", ""]}), "partners")
    msgs = messages(problems)
    assert "t.csv:2:name: name is empty (fill it in)" in msgs
    assert "t.csv:3:city: no city and no lon/lat (give one of them)" in msgs


def test_formula_cells_mask():
    assert formula_cells(pd.Series(["=1", "+1", "-1", "@A", "a=b", ""])).tolist() == [
        True, True, True, True, False, False,
    ]


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind must be"):
        validate_table(table({"name": ["a"]}), "companies")
