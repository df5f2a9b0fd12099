from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from g60map import G60InputError, G60Warning
from g60map._formulas import quote_formula
from g60map.cli import main
from g60map.export import spreadsheet as sheet_mod
from g60map.export.spreadsheet import XLSX_MAX_CELL_CHARS, escape_formulas, write_table, xlsx_bytes
from g60map.ingest.problems import write_problems


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "name": ["=1+1", "+86 21", "http://example.invalid", "007", "名称", None],
        "n": [1.5, -2.0, np.nan, 4.0, 5.0, 6.0],
        "i": [1, 2, 3, 4, 5, 6],
        "ok": [True, False, True, False, True, False],
        "when": pd.to_datetime(["2020-03-01"] * 5 + [None]),
        "mixed": ["a", 3, 2.5, None, np.int64(7), "b\x01c"],
    })


def test_xlsx_cells_keep_their_types_and_text_is_never_a_formula_link_or_number():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": _table()})))
    rows = [[c for c in row] for row in wb["t"].iter_rows()]
    assert [c.value for c in rows[0]] == ["name", "n", "i", "ok", "when", "mixed"]
    names = [r[0] for r in rows[1:6]]
    assert [c.value for c in names] == ["=1+1", "+86 21", "http://example.invalid", "007", "名称"]
    assert {c.data_type for c in names} == {"s"} and not wb["t"]._hyperlinks
    assert rows[6][0].value is None and rows[3][1].value is None  # missing values: empty
    assert [r[1].value for r in rows[1:3]] == [1.5, -2.0] and rows[1][2].value == 1
    assert rows[1][3].value is True and rows[1][4].value.year == 2020
    assert [r[5].value for r in rows[1:7]] == ["a", 3, 2.5, None, 7, "bc"]


def test_xlsx_bytes_are_reproducible_and_dated(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = xlsx_bytes({"t": _table()}), xlsx_bytes({"t": _table()})
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        core = zf.read("docProps/core.xml").decode()
    assert "1980-01-01T00:00:00Z</dcterms:created>" in core
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1583020800")
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes({"t": _table()}))) as zf:
        core = zf.read("docProps/core.xml").decode()
    assert "2020-03-01T00:00:00Z</dcterms:created>" in core
    assert "2020-03-01T00:00:00Z</dcterms:modified>" in core


def test_long_text_is_cut_in_xlsx_with_a_warning_naming_the_cell():
    df = pd.DataFrame({"name": ["short", "x" * 40_000], "note": ["y" * 32_767, "ok"]})
    with pytest.warns(G60Warning) as record:
        data = xlsx_bytes({"partners": df})
    message = str(record[0].message)
    assert "layer 'partners', row 3, column 'name': 40,000 characters" in message
    assert "full text is in gpkg, geojson, parquet and csv" in message
    assert [(p.row, p.column) for p in record[0].message.problems] == [(3, "name")]
    ws = openpyxl.load_workbook(io.BytesIO(data))["partners"]
    assert len(ws["A3"].value) == XLSX_MAX_CELL_CHARS and len(ws["B2"].value) == 32_767


def test_too_many_rows_for_xlsx_is_an_input_error_before_anything_is_written(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(sheet_mod, "XLSX_MAX_ROWS", 3)
    with pytest.raises(G60InputError, match=r"layer 'big': 3 rows .* --format gpkg, parquet"):
        xlsx_bytes({"small": pd.DataFrame({"a": [1]}), "big": pd.DataFrame({"a": [1, 2, 3]})})
    assert main(["-q", "export", "--format", "xlsx", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "do not fit in an xlsx sheet" in err and "--format gpkg, parquet or csv" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    with pytest.raises(G60InputError):
        write_table(pd.DataFrame({"a": range(5)}), tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_one_formula_rule_for_problem_lists_and_tables(tmp_path):
    texts = ["=1+1", "+1", "-x", "@a", "\tt", "\rr", "ok", "1-2"]
    assert [quote_formula(t) for t in texts] == [
        "'=1+1", "'+1", "'-x", "'@a", "'\tt", "'\rr", "ok", "1-2"
    ]
    assert quote_formula(-5) == -5 and quote_formula(None) is None
    table = escape_formulas(pd.DataFrame({"=c": texts}))
    assert list(table.columns) == ["'=c"] and table["'=c"].tolist() == [
        quote_formula(t) for t in texts
    ]
    path = write_problems(tmp_path / "p.csv", ["=HYPERLINK(1)"])
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[1][3] == quote_formula("=HYPERLINK(1)")
