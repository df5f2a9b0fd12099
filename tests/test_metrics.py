"""Metrics per corridor city: the built-in ones and any numeric column the user names."""

from __future__ import annotations

import pytest

import g60map
from g60map.metrics import BUILTIN, city_metrics, parse_metric
from g60map.model import load_corridor

TABLE = "name,city,employees,rating\nA,Hangzhou,120,x\nB,Hangzhou,30,\nC,Hefei,\"1,000\",y\n"


@pytest.fixture(scope="module")
def mine(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "p.csv"
    path.write_text(TABLE, encoding="utf-8")
    return load_corridor(path)


def test_builtin_metrics_follow_the_summary():
    c = load_corridor()
    table = city_metrics(c)
    assert list(table.columns) == list(BUILTIN)
    assert table.index[0] == "310117" and len(table) == 9
    s = c.summary.set_index("code")
    assert table["partners_per_1000km2"].tolist() == pytest.approx(
        (s["partners"] / s["area_km2"] * 1000).tolist()
    )


def test_a_user_column_is_summed_per_city(mine):
    table = city_metrics(mine, ["employees"])
    assert table.loc["330100", "partners.employees"] == 150
    assert table.loc["340100", "partners.employees"] == 1000
    assert table["partners.employees"].sum() == 1150
    assert table.attrs["metrics"]["partners.employees"].column == "employees"


def test_a_text_column_is_a_problem_naming_row_and_column(mine):
    with pytest.raises(g60map.G60InputError) as err:
        city_metrics(mine, ["rating"])
    rows = [(p.row, p.column) for p in err.value.problems]
    assert rows == [(2, "rating"), (4, "rating")]


def test_an_unknown_metric_lists_the_choices(mine):
    with pytest.raises(g60map.G60InputError, match="partners.employees"):
        parse_metric("headcount", mine)
