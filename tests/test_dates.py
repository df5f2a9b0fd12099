from __future__ import annotations

import datetime

import pandas as pd

from g60map import settings
from g60map.ingest.dates import date_range, date_text, parse_dates


def test_date_range_runs_from_the_earliest_date_to_years_ahead():
    assert date_range(datetime.date(2023, 6, 1)) == (
        settings.EARLIEST_DATE, f"{2023 + settings.LATEST_DATE_YEARS_AHEAD}-06-01"
    )


def test_date_range_from_29_february_ends_on_28_february():
    years = settings.LATEST_DATE_YEARS_AHEAD
    leap = datetime.date(2024, 2, 29)
    expected = "02-29" if (2024 + years) % 4 == 0 else "02-28"
    assert date_range(leap)[1] == f"{2024 + years}-{expected}"


def test_parse_dates_gives_dates_precision_and_a_problem_per_bad_cell():
    cells = pd.Series(["2022年3月15号", "2022.03", "2022年", "", "2022-02-30", "soon"],
                      index=range(2, 8))
    problems: list = []
    dates, precision = parse_dates(cells, "t.csv", problems)
    assert dates.dtype == "datetime64[ns]" and dates.index.equals(cells.index)
    assert dates.dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2022-03-15", "2022-03-01", "2022-01-01", "", "", ""
    ]
    assert precision.tolist() == ["day", "month", "year", "", "", ""]
    assert [(p.row, p.column, p.kind) for p in problems] == [
        (7, "date", "not a date"), (6, "date", "not a calendar date"),
    ]


def test_date_text_round_trips_parse_dates():
    cells = pd.Series(["2022-03-15", "2022-03", "2022", ""])
    dates, precision = parse_dates(cells, "t.csv", [])
    assert date_text(dates, precision).tolist() == cells.tolist()
