from __future__ import annotations

import decimal

import numpy as np
import pandas as pd

from g60map._errors import format_problems
from g60map.ingest._cells import frame_cell_problems, not_a_number, strip_text, to_float


def _frame(cols, *rows):
    return pd.DataFrame(list(rows), columns=pd.Index(cols, dtype=object), dtype=object)


def test_cells_that_cannot_be_text_are_named_by_row_and_column():
    df = _frame(["name", "city", "n"],
                ["A\ud800", "Hangzhou", 1],
                ["B", "Hefei", decimal.Decimal("sNaN")],
                ["C", ["Hefei", "Wuhu"], {"a": 1}],
                ["D", "Wuhu", (1, 2)])
    problems = frame_cell_problems(df, "DataFrame")
    assert [(p.row, p.column) for p in problems] == [
        (0, "name"), (2, "city"), (1, "n"), (2, "n"), (3, "n")]
    assert "'A\\ud800' holds a lone surrogate" in problems[0].message
    assert "holds a list of values, not one value" in problems[1].message
    assert problems[2].message.startswith("Decimal('sNaN') is not a number")
    assert "holds a dict" in problems[3].message and "holds a tuple" in problems[4].message
    str(format_problems(problems)).encode("utf-8")  # printable, without a surrogate


def test_a_header_with_a_lone_surrogate_is_a_problem():
    (problem,) = frame_cell_problems(_frame(["name", "x\udcff"], ["A", 1]), "DataFrame")
    # the column is shown as text can show it (U+FFFD), the message names the code point
    assert problem.row is None and problem.column == "x\ufffd"
    assert problem.message.startswith("column name 'x\\udcff' holds a lone surrogate")


def test_cells_that_are_one_value_are_not_problems():
    df = _frame(["name", "a", "b", "c", "d", "e", "f"],
                ["A", pd.NA, None, np.datetime64("2020-01-01"), 2**70,
                 decimal.Decimal("Infinity"), b"bytes"],
                ["B", 1.5, float("nan"), pd.Timestamp("2021-03-01"), -(2**70),
                 decimal.Decimal("NaN"), "text"])
    assert frame_cell_problems(df, "DataFrame") == []


def test_a_signalling_nan_among_text_is_found():
    df = _frame(["name", "city"], ["A", "Hefei"], ["B", decimal.Decimal("sNaN")], ["C", None])
    assert [(p.row, p.column) for p in frame_cell_problems(df, "DataFrame")] == [(1, "city")]


def test_to_float_reads_the_numbers_pandas_reads_on_both_paths():
    # Arrow casts the first column; the second has nothing a float needs, the third a cell
    # Arrow refuses: pandas parses those
    for cells in (["1.5", "", "-2e3", "inf", "7"], ["1", "2"], ["1.5", "x", ""]):
        text = pd.Series(cells, index=range(2, 2 + len(cells)))
        expected = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce")
        got = to_float(text)
        assert got.dtype == expected.dtype and got.index.equals(text.index)
        np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())


def test_strip_text_strips_every_cell_as_text():
    assert strip_text(pd.Series(["a", "b c"])).tolist() == ["a", "b c"]
    assert strip_text(pd.Series([" a ", "b\t", "\u3000c"])).tolist() == ["a", "b", "c"]


def test_not_a_number_says_how_to_write_one_and_names_formulas():
    assert not_a_number("abc", "decimal degrees") == "'abc' is not a number (decimal degrees)"
    assert not_a_number("=A1", "decimal degrees").endswith(
        "(it is a spreadsheet formula: paste its value instead)"
    )


def test_a_few_cells_that_are_no_number_leave_the_rest_of_the_column_to_arrow(monkeypatch):
    cells = ["121.5", "", "东经121度", "nan", "1e3", "-.5", "１２１", "+7", "31.25"] * 3
    text = pd.Series(cells, dtype="str", index=range(2, 2 + len(cells)))
    expected = pd.to_numeric(text, errors="coerce")
    sizes = []
    parse = pd.to_numeric

    def counted(values, *args, **kwargs):
        sizes.append(len(values))
        return parse(values, *args, **kwargs)

    monkeypatch.setattr(pd, "to_numeric", counted)
    got = to_float(text)
    # pandas reads only the cells Arrow cannot: the text, the full-width digits and "nan"
    assert sizes == [9]
    pd.testing.assert_series_equal(got, expected.astype("float64"))
