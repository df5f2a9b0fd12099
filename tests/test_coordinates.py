from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from g60map.ingest.coordinates import DATUM_NAMES, parse_coordinates
from g60map.reference.datum import DATUMS, to_wgs84


def _table(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=range(2, 2 + n))


def test_every_datum_name_names_a_datum():
    assert set(DATUM_NAMES.values()) == set(DATUMS)


def test_coordinates_are_shifted_from_each_rows_datum_to_wgs84():
    df = _table(lon=["121.22", "121.22", "121.22"], lat=["31.03", "31.03", "31.03"],
                datum=["", "高德", "BD_09"])
    problems: list = []
    out = parse_coordinates(df, "t.csv", problems, datum="wgs84")
    assert problems == [] and out.index.equals(df.index)
    for row, datum in ((3, "gcj02"), (4, "bd09")):
        x, y = to_wgs84(np.array([121.22]), np.array([31.03]), datum)
        assert (out.loc[row, "lon"], out.loc[row, "lat"]) == pytest.approx((x[0], y[0]))
    assert (out.loc[2, "lon"], out.loc[2, "lat"]) == (121.22, 31.03)


def test_the_table_datum_applies_to_rows_without_their_own():
    out = parse_coordinates(_table(lon=["121.22"], lat=["31.03"]), "t.csv", [], datum="gcj02")
    assert out.loc[2, "lon"] != 121.22 and abs(out.loc[2, "lon"] - 121.22) < 0.01


def test_bad_coordinates_are_problems_and_nan():
    df = _table(lon=["31.0", "121.2", "", "121.2"], lat=["121.2", "95", "31", "31"],
                datum=["", "", "", "mercator"])
    problems: list = []
    out = parse_coordinates(df, "t.csv", problems)
    assert [(p.row, p.column, p.kind) for p in problems] == [
        (4, "lon/lat", "only one of lon and lat"), (2, "lat", "lon and lat swapped"),
        (3, "lat", "coordinate out of range"), (5, "datum", "unknown datum"),
    ]
    # out of range or incomplete: NaN; an unknown datum leaves the point as written
    assert out["lon"].isna().tolist() == [True, True, True, False]


def test_a_missing_lat_column_is_one_problem():
    problems: list = []
    out = parse_coordinates(_table(lon=["121.2"]), "t.csv", problems)
    assert [(p.row, p.column, p.kind) for p in problems] == [(None, "lat", "missing column")]
    assert out["lon"].isna().all() and out["lat"].isna().all()
