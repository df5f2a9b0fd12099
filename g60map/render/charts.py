"""Charts that go with the maps: the investments year by year."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..model import Corridor
from .mpl import pick_font
from .symbology import STYLE
from .text import Lang, check_lang, format_money

__all__ = ["investments_by_year", "timeline_figure"]


def investments_by_year(corridor: Corridor) -> pd.DataFrame:
    """Return investments per year: count, amount (CNY) and the running total.

    Parameters
    ----------
    corridor : Corridor

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (every year from the first to the last, gaps as 0), columns
        ``investments``, ``amount_cny``, ``cumulative_cny``. Rows without a date are left out.

    Examples
    --------
    >>> from g60map.model import load_corridor
    >>> investments_by_year(load_corridor())["amount_cny"].to_dict()
    {2020: 15000000000.0}
    """
    inv = corridor.investments
    if not len(inv) or "date" not in inv:
        return pd.DataFrame(columns=["investments", "amount_cny", "cumulative_cny"],
                            index=pd.Index([], name="year", dtype="int64"))
    years = pd.to_datetime(inv["date"], errors="coerce").dt.year
    amount = pd.to_numeric(inv["amount_cny"], errors="coerce").fillna(0.0)
    frame = pd.DataFrame({"year": years, "amount_cny": amount}).dropna(subset=["year"])
    frame["year"] = frame["year"].astype("int64")
    grouped = frame.groupby("year").agg(investments=("amount_cny", "size"),
                                        amount_cny=("amount_cny", "sum"))
    if len(grouped):
        grouped = grouped.reindex(range(grouped.index.min(), grouped.index.max() + 1),
                                  fill_value=0)
    grouped.index.name = "year"
    grouped["amount_cny"] = grouped["amount_cny"].astype(float)
    grouped["cumulative_cny"] = grouped["amount_cny"].cumsum()
    return grouped


def timeline_figure(
    corridor: Corridor, *, lang: Lang = "en", figsize: tuple[float, float] = (10.0, 5.0)
) -> Figure:
    """Draw investments per year (bars) and their running total (line).

    Parameters
    ----------
    corridor : Corridor
    lang : {"en", "zh"}, default "en"
    figsize : tuple of float

    Returns
    -------
    matplotlib.figure.Figure
    """
    lang, font = pick_font(check_lang(lang))
    table = investments_by_year(corridor)
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    years = table.index.to_numpy()
    colour = STYLE["investment"]
    ax.bar(years, table["amount_cny"], color=colour, alpha=0.45, width=0.7,
           label="per year" if lang == "en" else "当年")
    ax.plot(years, table["cumulative_cny"], color=colour, marker="o",
            label="cumulative" if lang == "en" else "累计")
    money = FuncFormatter(lambda v, _: format_money(v, lang, "CNY") if v else "0")
    ax.yaxis.set_major_formatter(money)
    if len(years):
        ax.set_xticks(np.arange(years.min(), years.max() + 1))
    title = "Investments by year (CNY)" if lang == "en" else "逐年投资额（人民币）"
    ax.set_title(title, fontproperties=font, fontsize=14)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontproperties(font)
    ax.legend(prop=font, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig
