"""Small multiples: the investments cumulative by year, one small map per year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from g60map import load_corridor, load_investments
from g60map.cli import main
from g60map.reference.synthetic import make_investments
from g60map.render.static.charts import (
    MULTIPLES_FILENAME,
    investments_by_year,
    multiples_years,
    small_multiples,
)
from g60map.render.static.figure import figure_bytes
from g60map.render.static.mpl import find_cjk_font
from tests._browser import on_ci

AMOUNTS = {"340100": 8e9, "330100": 2e9, "310117": 5e8, "330500": 1.2e9}
DATES = ["2019-05-01", "2020-03-01", "2021-07-01", "2023-01-15"]


def _investments(dates=DATES) -> pd.DataFrame:
    table = make_investments(per_city=dict.fromkeys(AMOUNTS, 1), seed=14, city_only=0)
    table = table.drop(columns="city_code_expected")
    table["amount"] = list(AMOUNTS.values())
    table["date"] = dates
    return table


@pytest.fixture(scope="module")
def four():
    return load_corridor(None, load_investments(_investments()))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_panel_per_year_cumulative_on_one_scale(four, lang):
    if lang == "zh" and find_cjk_font() is None:
        if on_ci():
            pytest.fail("no CJK font installed")
        pytest.skip("no CJK font installed")
    fig = small_multiples(four, lang=lang)
    assert fig.g60_years == [2019, 2020, 2021, 2022, 2023]  # the gap year 2022 too
    table = investments_by_year(four)
    scale = []
    for ax, year in zip(fig.g60_panels, fig.g60_years, strict=True):
        assert ax.g60_year == year
        assert ax.g60_total_cny == pytest.approx(table.loc[year, "cumulative_cny"])
        sizes = np.sort(ax.g60_investments.get_sizes())[::-1]
        upto = sorted((a for a, d in zip(AMOUNTS.values(), DATES, strict=True)
                       if int(d[:4]) <= year), reverse=True)
        assert len(sizes) == len(upto)
        scale += list(sizes / np.array(upto))  # area ∝ amount, the same in every panel
        title = ax.get_title(loc="left")
        assert str(year) in title
        # the year's new investments drawn stronger than the earlier ones
        alphas = ax.g60_investments.get_facecolors()[:, 3]
        new = sum(int(d[:4]) == year for d in DATES)
        assert (alphas > 0.4).sum() == new
    assert np.ptp(scale) < 1e-9 * max(scale)
    png = figure_bytes(fig, "png", dpi=40)
    assert png == figure_bytes(small_multiples(four, lang=lang), "png", dpi=40)


def test_no_figure_without_two_years_and_long_spans_are_sampled():
    assert small_multiples(load_corridor()) is None  # the article: one investment
    same_year = load_corridor(None, load_investments(_investments(["2020-01-01"] * 4)))
    assert multiples_years(same_year) == [] and small_multiples(same_year) is None
    spread = _investments(["1995-01-01", "2001-06-01", "2010-01-01", "2024-12-01"])
    years = multiples_years(load_corridor(None, load_investments(spread)))
    assert len(years) == 12 and years[0] == 1995 and years[-1] == 2024
    assert years == sorted(set(years))


@pytest.mark.slow
def test_cli_render_multiples_writes_the_years_figure(tmp_path, capsys):
    inv = tmp_path / "inv.csv"
    _investments().to_csv(inv, index=False)
    assert main(["render", "-q", "--multiples", "--investments", str(inv), "--dpi", "30",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.split()
    assert out == [str(tmp_path / "g60_corridor.png"),
                   str(tmp_path / f"{MULTIPLES_FILENAME}.png")]
    assert (tmp_path / f"{MULTIPLES_FILENAME}.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["render", "-q", "--multiples", "--out", str(tmp_path / "one")]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == [str(tmp_path / "one" / "g60_corridor.png")]
    assert "no small multiples" in captured.err
