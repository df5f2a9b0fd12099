"""Metrics per corridor city: the built-in ones and any numeric column the user names."""

from __future__ import annotations

import pytest

import g60map
from g60map.corridor.metrics import BUILTIN, city_metrics, metric_names, parse_metric
from g60map.corridor.model import load_corridor

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


@pytest.mark.parametrize("cell", ["inf", "-inf", "1e309", "Infinity", "-Infinity", "∞", "NaN"])
def test_a_non_finite_cell_is_a_problem_naming_row_and_column(tmp_path, cell):
    path = tmp_path / "p.csv"
    path.write_text(f"name,city,employees\nA,Hangzhou,5\nB,Hefei,{cell}\n", encoding="utf-8")
    with pytest.raises(g60map.G60InputError) as err:
        city_metrics(load_corridor(path), ["employees"])
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "employees")
    assert problem.message.startswith(f"{cell!r} is not a")
    assert "write a number such as 1200" in problem.message


def _huge(tmp_path, rows: list[tuple[str, str]]):
    path = tmp_path / "p.csv"
    body = "".join(f"P{i},{city},{value}\n" for i, (city, value) in enumerate(rows))
    path.write_text("name,city,employees\n" + body, encoding="utf-8")
    return load_corridor(path)


def test_a_city_sum_beyond_a_float_names_the_metric_and_the_city(tmp_path):
    corridor = _huge(tmp_path, [("Hangzhou", "1.7e308")] * 12 + [("Hefei", "5")])
    with pytest.raises(g60map.G60InputError) as err:
        city_metrics(corridor, ["employees"])
    (problem,) = err.value.problems
    assert problem.column == "employees" and problem.kind == "sum too large"
    assert "partners.employees" in problem.message and "in Hangzhou" in problem.message
    assert "Hefei" not in problem.message


def test_a_total_beyond_a_float_is_a_problem_too(tmp_path):
    cities = ["Songjiang", "Jiaxing", "Hangzhou", "Jinhua", "Huzhou", "Suzhou", "Xuancheng",
              "Wuhu", "Hefei"]
    corridor = _huge(tmp_path, [(c, "1e308") for c in cities])  # each city alone is finite
    with pytest.raises(g60map.G60InputError, match="over all rows"):
        city_metrics(corridor, ["employees"])


def test_huge_finite_values_that_fit_are_summed(tmp_path):
    corridor = _huge(tmp_path, [("Hangzhou", "1e300"), ("Hangzhou", "2e300"), ("Hefei", "-1")])
    table = city_metrics(corridor, ["employees"])
    assert table.loc["330100", "partners.employees"] == pytest.approx(3e300)
    assert table.loc["340100", "partners.employees"] == -1


def test_metric_names_none_is_none_and_a_string_is_one_name():
    assert metric_names(None) == ()
    assert metric_names("employees") == ("employees",)
    assert metric_names(iter(["a", "b"])) == ("a", "b")
    with pytest.raises(TypeError, match="not int"):
        metric_names(5)
    with pytest.raises(TypeError, match="as text, not int 3"):
        metric_names(["a", 3])
    assert list(city_metrics(load_corridor(), None).columns) == list(BUILTIN)


def test_a_metric_of_a_sampled_table_is_refused_not_summed_from_the_sample():
    """The dask engine brings back a sample of a big table's rows: a column metric summed
    from it would be wrong without a word, so it is an input error saying what to do."""
    import pandas as pd

    partners = pd.DataFrame({"name": ["A", "B"], "city": ["Hefei", "Wuhu"],
                             "staff": [10, 20]})
    corridor = g60map.load_corridor(partners)
    assert city_metrics(corridor, ["staff"])["partners.staff"].sum() == 30
    corridor.partners.attrs["rows_total"] = 2_000
    with pytest.raises(g60map.G60InputError) as err:
        city_metrics(corridor, ["staff"])
    assert "a sample of 2 of the 2,000 rows" in str(err.value)
    assert "--engine pandas" in str(err.value)
    # the built-in metrics still work (counted from every row)
    assert "partners" in city_metrics(corridor, ["partners"]).columns
