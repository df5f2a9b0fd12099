from __future__ import annotations

import pandas as pd
import pytest

from g60map.ingest.amounts import (
    amount_header_unit,
    names_currency,
    parse_amount_columns,
    parse_amounts,
)


def _cells(*cells: str) -> pd.Series:
    return pd.Series(list(cells), index=range(2, 2 + len(cells)))


def test_parse_amounts_returns_values_bad_cells_and_currencies():
    problems: list = []
    values, bad, currency = parse_amounts(
        _cells("3,000万", "1,5", "US$2.1bn", "abc", "", "0.07万"), "t.csv", problems
    )
    assert values.loc[2] == 30_000_000.0 and values.loc[4] == 2_100_000_000.0
    assert values.loc[[3, 5, 6]].isna().all()
    assert values.loc[7] == 700.0  # exactly, not 700.0000000000001
    assert bad.tolist() == [False, True, False, True, False, False]
    assert currency.tolist() == ["", "", "USD", "", "", ""]
    assert [(p.row, p.kind) for p in problems] == [(3, "decimal comma"), (5, "not a number")]


def test_the_header_unit_applies_to_cells_without_their_own():
    values, _, currency = parse_amounts(_cells("15", "3000元"), "t.csv", [], (10_000, "CNY"))
    assert values.tolist() == [150_000.0, 3000.0]
    assert currency.tolist() == ["CNY", "CNY"]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("万元", (10_000, "CNY")), ("USD m", (1_000_000, "USD")), ("CNY", (1, "CNY")), ("", (1, ""))],
)
def test_amount_header_unit(unit, expected):
    problems: list = []
    assert amount_header_unit(unit, "t.csv", {}, problems) == expected
    assert problems == []


def test_an_unknown_header_unit_names_the_header_as_written():
    problems: list = []
    assert amount_header_unit("千克", "t.csv", {"金额（千克）": "amount"}, problems) == (1, "")
    (p,) = problems
    assert (p.file, p.row, p.column, p.kind) == ("t.csv", 1, "金额（千克）", "unknown unit")
    assert p.message.startswith("unknown unit '千克' in the amount header (use 元, 万元")


def test_names_currency():
    assert names_currency(_cells("1", "１２万美元"))
    assert not names_currency(_cells("1", "1.5亿", ""))


def test_parse_amount_columns_parses_in_place_and_checks_the_currency():
    out = pd.DataFrame({"amount": ["12万美元", "-5", "7"], "currency": ["CNY", "", "BTC"]},
                       index=range(2, 5))
    problems: list = []
    parse_amount_columns(out, "t.csv", {"amount", "currency"}, problems, "investments")
    assert out["amount"].tolist()[0] == 120_000.0 and out["amount"].isna().tolist()[1]
    assert out["currency"].tolist() == ["CNY", "", ""]
    assert [(p.row, p.column, p.kind) for p in problems] == [
        (3, "amount", "amount not positive"), (3, "currency", "empty cell"),
        (4, "currency", "unknown currency"), (2, "amount", "currency mismatch"),
    ]


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("80万港元", 800_000.0, "HKD"),
        ("5000万日元", 50_000_000.0, "JPY"),
        ("120万欧元", 1_200_000.0, "EUR"),
        ("35万英镑", 350_000.0, "GBP"),
        ("HKD 200万", 2_000_000.0, "HKD"),
        ("1.5亿SGD", 150_000_000.0, "SGD"),
        ("SEK 3,000,000", 3_000_000.0, "SEK"),
        ("300万美元", 3_000_000.0, "USD"),
        ("305843.0395万元人民币", 3_058_430_395.0, "CNY"),
    ],
)
def test_amounts_in_other_currencies_are_read_with_their_currency(cell, value, currency):
    values, bad, cur = parse_amounts(_cells(cell), "t.csv", problems := [])
    assert problems == [] and not bad.any()
    assert values.tolist() == [value] and cur.tolist() == [currency]


def test_a_currency_column_with_an_iso_code_or_chinese_name_is_read():
    out = pd.DataFrame({"amount": ["10", "20", "30"], "currency": ["港币", "jpy", "欧元"]},
                       index=range(2, 5))
    problems: list = []
    parse_amount_columns(out, "t.csv", {"amount", "currency"}, problems, "investments")
    assert problems == [] and out["currency"].tolist() == ["HKD", "JPY", "EUR"]
