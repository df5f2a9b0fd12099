from __future__ import annotations

import datetime

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from g60map import settings
from g60map._errors import G60InputError, Problem, escape_control, format_problems
from g60map.ingest.dates import date_range
from g60map.ingest.read import read_table
from g60map.ingest.tables import load_investments, load_partners
from g60map.ingest.validate import validate_table


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
    assert any("give a 'city' or 'address' column" in m for m in msgs)


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
               "city": ["Songjiang"] * 3, "amount": ["15 bananas", "-3", "1,000"],
               "currency": ["CNY", "BTC", "usd"], "date": ["2020-03", "2020-13-01", "March"]}),
        "investments",
    )
    msgs = messages(problems)
    assert "t.csv:2:amount: '15 bananas' is not a number" in "\n".join(msgs)
    assert any(m.startswith("t.csv:3:amount: amount must be positive") for m in msgs)
    assert any(m.startswith("t.csv:3:currency: unknown currency 'BTC'") for m in msgs)
    assert any(m.startswith("t.csv:3:date:") for m in msgs)
    assert any(m.startswith("t.csv:4:date: 'March' is not a date") for m in msgs)
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
    assert (
        "t.csv:3:city: no city and no lon/lat: the row has no location "
        "(give a city, or lon and lat)"
    ) in msgs


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind must be"):
        validate_table(table({"name": ["a"]}), "companies")


# ------------------------------------------------------------------ rows with no location


def test_empty_lon_lat_without_city_column_is_a_problem():
    _, problems = validate_table(
        table({"name": ["a", "b"], "lon": ["", "121.2"], "lat": ["", "31.0"]}), "partners"
    )
    assert messages(problems) == [
        "t.csv:2:lon/lat: no city and no lon/lat: the row has no location "
        "(give a city, or lon and lat)"
    ]


def test_no_city_column_reported_once_not_per_row():
    _, problems = validate_table(table({"name": ["a", "b"], "kind": ["x", "y"]}), "partners")
    assert messages(problems) == [
        "t.csv:1:city: give a 'city' or 'address' column, or 'lon' and 'lat' columns"
    ]


def test_csv_row_with_empty_city_and_coordinates_fails_to_load(write_csv):
    path = write_csv("name,city,lon,lat\nA,Hefei,,\nB,,,\n")
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:3:city: no city and no lon/lat: the row has no location "
        "(give a city, or lon and lat)"
    ]


@pytest.mark.parametrize("geometry", [shapely.Point(), None], ids=["empty", "missing"])
def test_geoparquet_row_without_a_point_fails_to_load(tmp_path, geometry):
    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[shapely.Point(120.2, 30.25), geometry],
        crs=settings.WGS84,
    )
    path = tmp_path / "p.parquet"
    gdf.to_parquet(path)
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:3:lon/lat: no city and no lon/lat: the row has no location "
        "(give a city, or lon and lat)"
    ]
    _, problems = validate_table(read_table(path), "partners")
    assert [p.kind for p in problems] == ["no location"]


# --------------------------------------------------------------------------------- amounts


def investments(amounts=None, dates=None) -> pd.DataFrame:
    n = len(amounts or dates)
    return table({
        "investor": ["T"] * n, "project": [f"p{i}" for i in range(n)], "city": ["Hefei"] * n,
        "amount": amounts or ["1"] * n, "currency": ["CNY"] * n,
        "date": dates or ["2020-03"] * n,
    })


def test_amounts_with_proper_thousands_groups_are_accepted():
    cells = ["1,000,000", "12,345.5", "1,000", "１，０００", "１２，３４５．５", "1_000",
             "1500", "1.5e9", "+7", " 2,500 "]
    parsed, problems = validate_table(investments(cells), "investments")
    assert problems == []
    assert parsed["amount"].tolist() == [
        1e6, 12345.5, 1000.0, 1000.0, 12345.5, 1000.0, 1500.0, 1.5e9, 7.0, 2500.0,
    ]


def test_decimal_comma_is_a_problem_that_says_so():
    parsed, problems = validate_table(
        investments(["1,5", "12,50", "1.234,5", "１，５"]), "investments"
    )
    assert messages(problems) == [
        "t.csv:2:amount: '1,5' looks like a decimal comma: write 1.5 "
        "(a comma may only separate thousands, as in 1,000,000)",
        "t.csv:3:amount: '12,50' looks like a decimal comma: write 12.50 "
        "(a comma may only separate thousands, as in 1,000,000)",
        "t.csv:4:amount: '1.234,5' looks like a decimal comma: write 1234.5 "
        "(a comma may only separate thousands, as in 1,000,000)",
        "t.csv:5:amount: '１，５' looks like a decimal comma: write 1.5 "
        "(a comma may only separate thousands, as in 1,000,000)",
    ]
    assert parsed["amount"].isna().all()


@pytest.mark.parametrize("cell", ["1,,0", ",5", "1234,567", "1,00,000", "1,000,00", "1,",
                                  "1_5", "1,000_000", "1,000.5,5", "+,5"])
def test_misplaced_thousands_separators_are_a_problem(cell):
    parsed, problems = validate_table(investments([cell]), "investments")
    assert messages(problems) == [
        f"t.csv:2:amount: {cell!r} has misplaced thousands separators: write the amount "
        "without them (1000000) or with a comma between groups of three digits (1,000,000)"
    ]
    assert parsed["amount"].isna().all()


def test_amount_problems_still_reported():
    _, problems = validate_table(
        investments(["-1,000", "2e15", "abc", "inf", "15 bn, approx.", "1,5 亿", "\u22121,000"]),
        "investments",
    )
    # "1,5 亿" is a number with a Chinese unit, whose decimal comma is the problem
    assert [(p.row, p.kind) for p in problems] == [
        (7, "decimal comma"), (4, "not a number"), (5, "not a number"), (6, "not a number"),
        (8, "not a number"), (2, "amount not positive"), (3, "amount too large"),
    ]


def test_chinese_units_multiply_the_amount():
    cells = ["3,000万", "1.5亿", "1.5 亿元", "２０００万元", "150亿元人民币", "5千", "¥2,000",
             "￥1.2万", "12万美元", "US$2.1亿", "2万亿"]
    currencies = ["CNY"] * 8 + ["USD", "USD", "CNY"]
    df = investments(cells)
    df["currency"] = currencies
    parsed, problems = validate_table(df, "investments")
    assert problems == []
    assert parsed["amount"].tolist() == pytest.approx([
        3e7, 1.5e8, 1.5e8, 2e7, 1.5e10, 5e3, 2e3, 1.2e4, 1.2e5, 2.1e8, 2e12,
    ])
    assert parsed["currency"].tolist() == currencies


def test_a_currency_in_the_amount_must_agree_with_the_currency_column():
    parsed, problems = validate_table(investments(["12万美元", "亿", "万元", "1.5亿亿"]),
                                      "investments")
    assert [(p.row, p.kind) for p in problems] == [
        (3, "not a number"), (4, "not a number"), (5, "not a number"), (2, "currency mismatch"),
    ]
    assert messages(problems)[-1] == (
        "t.csv:2:amount: '12万美元' is in USD but 'currency' says 'CNY': make them agree"
    )
    assert parsed["amount"].iloc[1:].isna().all()


# ----------------------------------------------------------------------------------- dates


def test_full_width_and_chinese_dates_become_dates_with_their_precision():
    cells = {
        "２０２２-０３": ("2022-03-01", "month"),
        "２０２２-０３-０５": ("2022-03-05", "day"),
        "2022年3月": ("2022-03-01", "month"),
        "2022年3月5日": ("2022-03-05", "day"),
        "2022年3月15号": ("2022-03-15", "day"),
        "２０２２年１２月": ("2022-12-01", "month"),
        "2022-03-05 00:00:00": ("2022-03-05", "day"),  # an Excel date cell
        "2022-03-05T00:00:00": ("2022-03-05", "day"),
        "2022/3/15": ("2022-03-15", "day"),
        "2022/03": ("2022-03-01", "month"),
        "2022.03": ("2022-03-01", "month"),
        "2022.3.15": ("2022-03-15", "day"),
        "2022-3-5": ("2022-03-05", "day"),
        "2022年": ("2022-01-01", "year"),
        "2022": ("2022-01-01", "year"),
    }
    parsed, problems = validate_table(investments(dates=list(cells)), "investments")
    assert problems == []
    assert parsed["date"].dtype.kind == "M"
    assert parsed["date"].dt.strftime("%Y-%m-%d").tolist() == [v[0] for v in cells.values()]
    assert parsed["date_precision"].tolist() == [v[1] for v in cells.values()]


def test_dates_outside_the_plausible_range_are_rejected():
    first, last = date_range()
    assert first == "1949-01-01"
    assert last[:4] == str(datetime.date.today().year + 10)
    too_late = f"{datetime.date.today().year + 11}-01"
    parsed, problems = validate_table(
        investments(dates=["0000-01-01", "1948-12", "1949-01", too_late, "9999-12-31"]),
        "investments",
    )
    msgs = messages(problems)
    assert msgs == [
        f"t.csv:{r}:date: {cell!r} is outside the accepted dates {first} to {last} "
        "(check the year)"
        for r, cell in ((2, "0000-01-01"), (3, "1948-12"), (5, too_late), (6, "9999-12-31"))
    ]
    assert parsed["date"].isna().tolist() == [True, True, False, True, True]
    assert parsed["date_precision"].tolist() == ["", "", "month", "", ""]


def test_impossible_and_unshaped_dates():
    _, problems = validate_table(
        investments(dates=["2022-02-30", "2022-13", "2022/3-5", "March", "٢٠٢٢-٠٣",
                           "2022年13月"]),
        "investments",
    )
    assert [(p.row, p.kind) for p in problems] == [
        (4, "not a date"), (5, "not a date"), (6, "not a date"),
        (2, "not a calendar date"), (3, "not a calendar date"), (7, "not a calendar date"),
    ]


def test_investments_csv_with_full_width_date_loads_as_iso(write_csv):
    path = write_csv(
        "investor,project,city,amount,currency,date\n"
        "T,p,Hefei,\"１５，０００\",CNY,２０２２-０３\n"
    )
    inv = load_investments(path)
    assert inv["date"].tolist() == [pd.Timestamp("2022-03-01")]
    assert inv["date_precision"].tolist() == ["month"] and inv["amount"].tolist() == [15000.0]


# ------------------------------------------------------------------- control characters


def test_control_characters_are_escaped_in_problems():
    df = table({"name\x1b[2J": ["a"], "city": ["\x1b[2J\x07Atlantis\u202e\x00\r"]})
    df.attrs["file"] = "t\x1b]0;title\x07.csv"
    _, problems = validate_table(df, "partners")
    text = "\n".join(messages(problems))
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert "\u202e" not in text and "\r" not in text
    assert "t\\x1b]0;title\\x07.csv:1:name: required column 'name' is missing" in text
    assert "'name\\x1b[2J'" in text
    assert problems[0].column == "name"  # the fields keep the text as it was


def test_escape_control_keeps_ordinary_text():
    assert escape_control("松江区 Zürich 　x\u00a0y 🙂") == "松江区 Zürich 　x\u00a0y 🙂"
    assert escape_control("a\nb\tc\x7f\x9b\u2066\ufeff") == "a\\x0ab\\x09c\\x7f\\x9b\\u2066\\ufeff"


def test_unknown_city_with_escape_sequence_in_load_error(write_csv):
    path = write_csv("name,city\nA,\x1b[2J\x1b[31mHefei\n")
    with pytest.raises(G60InputError) as err:
        load_partners(path)
    assert "\x1b" not in str(err.value)
    assert "\\x1b[2J\\x1b[31mHefei" in str(err.value)


# ------------------------------------------------------------------------- bounded output


def test_error_message_is_bounded_and_problems_are_complete():
    rows = 5_000
    df = table({"name": [""] * rows, "lon": [f"x{i}" for i in range(rows)],
                "lat": [f"y{i}" for i in range(rows)]})
    _, problems = validate_table(df, "partners")
    assert len(problems) == 3 * rows
    exc = G60InputError(problems)
    assert len(exc.problems) == 3 * rows
    text = str(exc)
    assert len(text.encode()) < 12_000
    lines = text.splitlines()
    assert lines[0] == f"15,000 problems found; the first {settings.MAX_PROBLEMS_SHOWN}:"
    assert lines[1] == "t.csv:2:name: name is empty (fill it in)"
    assert "... 14,900 more not listed. All 15,000:" in lines
    assert "       5,000  not a number" not in lines  # counted per kind: 10,000 of them
    assert "      10,000  not a number" in lines
    assert "       5,000  empty cell" in lines
    assert "       5,000  lon" in lines and "       5,000  name" in lines


def test_summary_bounds_kinds_columns_and_long_lines():
    problems = [Problem("t.csv", 2, f"col{i}", f"odd {i}" + "x" * 10_000, f"kind {i}")
                for i in range(1_000)]
    text = format_problems(problems, limit=3, hint="see the file")
    assert len(text) < 6_000
    assert "980 other kinds" in text and "980 other columns" in text
    assert text.endswith("see the file")
    assert "(10,006 more characters)" not in text  # lines are clipped at 500 characters
    assert "more characters)" in text


def test_short_lists_keep_their_format():
    ps = [Problem("t.csv", 2, "a", "one"), Problem("t.csv", 3, None, "two")]
    assert str(G60InputError(ps[:1])) == "t.csv:2:a: one"
    assert str(G60InputError(ps)) == "2 problems found:\nt.csv:2:a: one\nt.csv:3: two"
    assert str(G60InputError(["plain \x1b text"])) == "plain \\x1b text"


# ------------------------------------------------------------------ headers as users write them


def test_chinese_and_variant_headers_are_read_as_standard_columns():
    parsed, problems = validate_table(
        table({"企业名称": ["甲", "乙"], "所在城市": ["松江", ""], "Longitude": ["", "x"],
               "纬度": ["", "31.0"], "备注": ["kept", "as is"]}),
        "partners",
    )
    assert list(parsed.columns[:5]) == ["name", "city", "lon", "lat", "备注"]
    # problems name the column as the user wrote it
    assert messages(problems) == [
        "t.csv:3:Longitude: 'x' is not a number (decimal degrees, e.g. 121.23)",
    ]


def test_two_headers_for_one_column_are_a_problem():
    _, problems = validate_table(
        table({"公司名称": ["a"], "企业名称": ["b"], "city": ["Hefei"]}), "partners"
    )
    assert messages(problems) == [
        "t.csv:1:企业名称: column '企业名称' and column '公司名称' both give the 'name' column "
        "(keep one of them)"
    ]
    # the standard header itself wins; a variant beside it is an extra column
    parsed, problems = validate_table(
        table({"name": ["a"], "Name": ["b"], "企业名称": ["c"], "city": ["Hefei"]}), "partners"
    )
    assert problems == []
    assert parsed[["name", "Name", "企业名称"]].iloc[0].tolist() == ["a", "b", "c"]


def test_a_unit_in_the_amount_header_applies_to_cells_without_one():
    df = table({"投资方": ["T"] * 4, "项目名称": list("abcd"), "城市": ["松江"] * 4,
                "总投资（亿元）": ["150", "2,000万", "3000元", "0.5"],
                "签约日期": ["2020年3月"] * 4})
    parsed, problems = validate_table(df, "investments")
    assert problems == []
    assert parsed["amount"].tolist() == pytest.approx([1.5e10, 2e7, 3e3, 5e7])
    assert parsed["currency"].tolist() == ["CNY"] * 4  # no currency column: the header's
    usd = table({"investor": ["T"], "project": ["p"], "city": ["Hefei"],
                 "Amount (USD)": ["2,100,000"], "currency": ["CNY"], "date": ["2020-03"]})
    _, problems = validate_table(usd, "investments")
    assert messages(problems) == [
        "t.csv:2:Amount (USD): '2,100,000' is in USD but 'currency' says 'CNY': make them agree"
    ]


def test_an_unknown_unit_in_the_amount_header_is_a_problem():
    df = table({"investor": ["T"], "project": ["p"], "city": ["Hefei"],
                "金额（万比特币）": ["5"], "currency": ["CNY"], "date": ["2020-03"]})
    _, problems = validate_table(df, "investments")
    assert [str(p) for p in problems][0].startswith(
        "t.csv:1:金额（万比特币）: unknown unit '万比特币' in the amount header"
    )


# ------------------------------------------------------------ headers and units


@pytest.mark.parametrize(("header", "standard"), sorted(settings.HEADER_ALIASES.items()))
def test_every_header_alias_is_read_as_its_standard_name(header, standard):
    from g60map.ingest.validate import standard_columns

    for written in {header, header.upper(), f" {header} "}:
        renames, _, problems = standard_columns([written, "备注"], "t.csv")
        assert problems == []
        assert renames == ({} if written == standard else {written: standard})


@pytest.mark.parametrize(
    ("header", "standard"),
    [("企业名称", "name"), ("公司名称", "name"), ("名称", "name"), ("注册地址", "address"),
     ("地址", "address"), ("办公地址", "address"), ("城市", "city"), ("所在城市", "city"),
     ("所在地", "city"), ("区县", "district"), ("经度", "lon"), ("纬度", "lat"),
     ("行业", "kind"), ("类型", "kind"), ("网址", "website"), ("官网", "website"),
     ("投资方", "investor"), ("投资主体", "investor"), ("项目名称", "project"),
     ("投资金额", "amount"), ("金额", "amount"), ("注册资本", "amount"), ("币种", "currency"),
     ("签约日期", "date"), ("日期", "date"), ("成立日期", "date")],
)
def test_the_aliases_the_issue_names(header, standard):
    assert settings.HEADER_ALIASES[header] == standard


def test_registry_columns_without_a_standard_name_are_kept():
    parsed, problems = validate_table(
        table({"企业名称": ["甲"], "统一社会信用代码": ["91310117MA1J00001X"],
               "法定代表人": ["张三"], "经营状态": ["存续"], "城市": ["松江"]}),
        "partners",
    )
    assert problems == []
    assert list(parsed.columns[:5]) == [
        "name", "统一社会信用代码", "法定代表人", "经营状态", "city",
    ]
    assert parsed["经营状态"].tolist() == ["存续"]


def investments_with(amounts, header="amount", currency=None):
    cols = {"investor": ["T"] * len(amounts), "project": [f"p{i}" for i in range(len(amounts))],
            "city": ["Hefei"] * len(amounts), header: amounts,
            "date": ["2022-03"] * len(amounts)}
    if currency is not None:
        cols["currency"] = currency
    return table(cols)


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("15亿", 1_500_000_000, "CNY"),  # currency column says CNY
        ("3000万元", 30_000_000, "CNY"),
        ("1.2亿美元", 120_000_000, "USD"),
        ("¥2,000", 2_000, "CNY"),
        ("￥2000", 2_000, "CNY"),  # full-width yen sign
        ("US$2.1bn", 2_100_000_000, "USD"),
        ("US$ 3 million", 3_000_000, "USD"),
        ("RMB 500万", 5_000_000, "CNY"),
        ("人民币3000万元", 30_000_000, "CNY"),
        ("500万元人民币", 5_000_000, "CNY"),
        ("8000元", 8_000, "CNY"),
        ("12万美元", 120_000, "USD"),
        ("0.07万", 700, "CNY"),
        ("1.15亿", 115_000_000, "CNY"),
        ("2.3万亿", 2_300_000_000_000, "CNY"),
        ("３０００万元", 30_000_000, "CNY"),
    ],
)
def test_amount_cells_with_units_and_currencies_are_exact(cell, value, currency):
    has_currency = any(w in cell for w in ("元", "¥", "￥", "US$", "RMB", "人民币", "美元"))
    parsed, problems = validate_table(
        investments_with([cell], currency=None if has_currency else [currency]), "investments"
    )
    assert problems == []
    assert parsed["amount"].iat[0] == value  # exactly: no float drift
    assert parsed["currency"].iat[0] == currency


def test_decimal_arithmetic_is_needed_for_exact_amounts():
    # what float arithmetic would give for two of the cells above
    assert 1.15 * 1e8 != 115_000_000 and 0.07 * 1e4 != 700


@pytest.mark.parametrize(
    ("header", "cell", "value", "currency"),
    [
        ("投资金额（万元）", "3000", 30_000_000, "CNY"),
        ("总投资（亿元）", "1.5", 150_000_000, "CNY"),
        ("金额(万美元)", "12", 120_000, "USD"),
        ("amount (USD m)", "2.1", 2_100_000, "USD"),
        ("Amount (CNY bn)", "15", 15_000_000_000, "CNY"),
        ("投资金额（万元）", "3000元", 3_000, "CNY"),  # a cell's own unit wins
    ],
)
def test_a_unit_in_the_amount_header(header, cell, value, currency):
    parsed, problems = validate_table(investments_with([cell], header=header), "investments")
    assert problems == []
    assert parsed["amount"].iat[0] == value and parsed["currency"].iat[0] == currency


def test_amount_problems_name_the_cell():
    _, problems = validate_table(
        investments_with(["US$500元", "15 bananas", "3000万比特币"], currency=["", "CNY", "CNY"]),
        "investments",
    )
    kinds = [(p.row, p.column, p.kind) for p in problems]
    assert (2, "amount", "currency mismatch") in kinds
    assert (3, "amount", "not a number") in kinds and (4, "amount", "not a number") in kinds
    _, problems = validate_table(investments_with(["1"], header="金额（比特币）"), "investments")
    assert [p.kind for p in problems][:1] == ["unknown unit"]


# ----------------------------------------------------------------------------- non-finite

NON_FINITE = ["inf", "-inf", "1e309", "-1e309", "Infinity", "∞", "NaN", "nan"]


@pytest.mark.parametrize("column", ["lon", "lat"])
def test_non_finite_coordinates_are_not_numbers_shown_as_written(column):
    cells = {"lon": ["121.2"] * len(NON_FINITE), "lat": ["31.0"] * len(NON_FINITE)}
    cells[column] = NON_FINITE
    _, problems = validate_table(
        table({"name": [f"n{i}" for i in range(len(NON_FINITE))], **cells}), "partners"
    )
    assert [(p.row, p.column, p.kind) for p in problems] == [
        (r, column, "not a number") for r in range(2, 2 + len(NON_FINITE))
    ]
    for p, cell in zip(problems, NON_FINITE, strict=True):
        assert p.message.startswith(f"{cell!r} is not a number (decimal degrees")


def test_non_finite_and_huge_amounts_are_refused():
    cells = [*NON_FINITE, "1.7e308", "1e308万"]
    parsed, problems = validate_table(investments(cells), "investments")
    assert sorted((p.row, p.column) for p in problems) == [
        (r, "amount") for r in range(2, 2 + len(cells))
    ]
    assert {p.row: p.kind for p in problems}[10] == "amount too large"
    assert parsed["amount"].isna().all()



# ----------------------------------------------------------------------------- registry exports
# Registry exports (Qichacha, Tianyancha) write an empty cell as "-" and similar marks.


@pytest.mark.parametrize("marker", ["-", "--", "—", "/", "暂无", "无", " - ", "－"])
def test_an_empty_marker_is_an_empty_cell_in_every_column(marker):
    parsed, problems = validate_table(
        table({"企业名称": ["湖州吴兴测试材料有限公司"], "注册资本": [marker],
               "成立日期": [marker], "注册地址": [marker], "所属城市": ["湖州市"],
               "经营范围": [marker]}),
        "partners",
    )
    assert messages(problems) == []
    assert parsed["amount"].isna().all() and parsed["date"].isna().all()
    assert parsed["address"].tolist() == [""] and parsed["经营范围"].tolist() == [""]


def test_a_marker_inside_a_cell_is_kept():
    parsed, problems = validate_table(
        table({"name": ["无锡测试有限公司", "A-B"], "city": ["Hefei", "Wuhu"],
               "description": ["无固定期限", "2019-05-06 至 -"]}),
        "partners",
    )
    assert problems == [] and parsed["name"].tolist() == ["无锡测试有限公司", "A-B"]
    assert parsed["description"].tolist() == ["无固定期限", "2019-05-06 至 -"]


@pytest.mark.parametrize("header", ["注册金额", "注册资金", "实缴资本", "Registered capital"])
def test_capital_headers_are_read_as_the_amount(header):
    parsed, problems = validate_table(
        table({"企业名称": ["宣城测试电子有限公司"], header: ["1200万元人民币"],
               "所属城市": ["宣城市"]}),
        "partners",
    )
    assert problems == [] and parsed["amount"].tolist() == [12_000_000.0]
    assert parsed.attrs["renamed"]["amount"] == header


def test_paid_in_capital_beside_registered_capital_is_kept_and_named_in_a_note():
    parsed, problems = validate_table(
        table({"企业名称": ["芜湖测试汽车零部件有限公司"], "注册资本": ["5000万元人民币"],
               "实缴资本": ["1250万元人民币"], "营业收入（万元）": ["800"],
               "所属城市": ["芜湖市"]}),
        "partners",
    )
    assert problems == []
    assert parsed["amount"].tolist() == [50_000_000.0]
    assert parsed["实缴资本"].tolist() == ["1250万元人民币"]  # kept as text, not dropped
    assert parsed.attrs["unread_money"] == ["实缴资本", "营业收入（万元）"]
