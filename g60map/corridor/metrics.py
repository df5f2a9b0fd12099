"""What a choropleth can show per corridor city: built-in metrics and the user's own columns.

Built in (:data:`BUILTIN`): partners, partners per 1,000 km², investment total (CNY).
Any numeric column of the partners or investments table can be named too (``metrics=`` in
the API, ``--metric`` on the command line): its values are summed per city. Write
``partners.employees`` or ``investments.jobs`` when both tables have the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import G60InputError, Problem
from ..i18n import METRIC_KEYS, TEXT

if TYPE_CHECKING:  # pragma: no cover
    from .model import Corridor

__all__ = ["BUILTIN", "Metric", "city_metrics", "metric_names", "parse_metric", "row_values"]


@dataclass(frozen=True)
class Metric:
    """One metric: its key, labels, unit and where its values come from."""

    key: str
    label_en: str
    label_zh: str
    table: str = ""  # "" for built-in metrics, else "partners" / "investments"
    column: str = ""
    money: bool = False


#: The built-in metrics, in the order a map offers them.
#: Their labels are the section :data:`g60map.i18n.METRIC_KEYS` of the one catalogue.
BUILTIN: dict[str, Metric] = {
    key: Metric(key, TEXT["en"][label], TEXT["zh"][label], money=key == "invest_cny")
    for key, label in METRIC_KEYS.items()
}

_TABLES = ("partners", "investments")


def metric_names(metrics: Sequence[str] | str | None) -> tuple[str, ...]:
    """Return the metric names an argument gives: None is none, a string is one name.

    Parameters
    ----------
    metrics : sequence of str, str or None

    Returns
    -------
    tuple of str

    Raises
    ------
    TypeError
        Anything else (a number, a sequence holding something other than text).

    Examples
    --------
    >>> metric_names(None), metric_names("employees"), metric_names(["a", "b"])
    ((), ('employees',), ('a', 'b'))
    """
    if metrics is None:
        return ()
    if isinstance(metrics, str):
        return (metrics,)
    if isinstance(metrics, Iterable) and not isinstance(metrics, bytes | Mapping):
        names = tuple(metrics)
        if all(isinstance(n, str) for n in names):
            return names
        odd = next(n for n in names if not isinstance(n, str))
        raise TypeError(f"metrics must name columns as text, not {type(odd).__name__} {odd!r}")
    raise TypeError(
        f"metrics must be a list of column names (or None), not {type(metrics).__name__}"
    )


def parse_metric(name: str, corridor: Corridor) -> Metric:
    """Resolve a metric name: built-in, ``column`` or ``table.column``.

    Parameters
    ----------
    name : str
    corridor : Corridor

    Returns
    -------
    Metric

    Raises
    ------
    G60InputError
        Unknown column, or a bare name both tables have; the message lists the choices.
    """
    key = str(name).strip()
    if key in BUILTIN:
        return BUILTIN[key]
    table, _, column = key.partition(".")
    if not column or table not in _TABLES:
        table, column = "", key
    frames = {t: getattr(corridor, t) for t in _TABLES}
    owners = [t for t in _TABLES if (not table or t == table) and column in frames[t].columns]
    if len(owners) != 1:
        numeric = sorted(
            f"{t}.{c}" for t in _TABLES for c in frames[t].columns
            if c not in ("geometry", "row") and _numeric_share(frames[t][c]) > 0.5
        )
        why = "both tables have it" if len(owners) > 1 else "no table has that column"
        raise G60InputError([Problem(
            "metrics", None, key,
            f"cannot use {key!r} as a metric ({why}); use one of "
            f"{', '.join([*BUILTIN, *numeric]) or 'the built-in metrics'}",
        )])
    return Metric(f"{owners[0]}.{column}", column, column, owners[0], column)


def _numeric_share(values: pd.Series) -> float:
    text = values.astype("string").str.strip()
    filled = text.fillna("").ne("")
    if not filled.any():
        return 0.0
    numbers = pd.to_numeric(text[filled].str.replace(",", "", regex=False), errors="coerce")
    return float(numbers.notna().mean())


def row_values(corridor: Corridor, metric: Metric) -> pd.Series:
    """Return the numbers a table metric sums, one per row of its table (0 for empty cells).

    Parameters
    ----------
    corridor : Corridor
    metric : Metric
        A metric of a table column (from :func:`parse_metric`).

    Returns
    -------
    pandas.Series of float
        Indexed like the table.

    Raises
    ------
    ValueError
        For a built-in metric (it has no column).
    G60InputError
        A cell that is not a finite number (``abc``, ``inf``, ``1e309``, ``NaN``), named
        by file, row and column; values whose sum would overflow a float (the message
        names the metric and the city).
    """
    if not metric.table:
        raise ValueError(f"{metric.key} is built in: it has no column of its own")
    frame = getattr(corridor, metric.table)
    file = str(frame.attrs.get("file", metric.table))
    total = int(frame.attrs.get("rows_total", len(frame)))
    if total > len(frame):
        raise G60InputError([Problem(
            file, None, metric.column,
            f"the metric {metric.key} sums this column over every row, but the dask engine "
            f"brought back a sample of {len(frame):,} of the {total:,} rows: use "
            "--engine pandas (engine='pandas') for a metric of your own columns; the "
            "built-in metrics (partners, partners per 1,000 km2, the investment total) "
            "are counted from every row with either engine",
            "metric of a sample")])
    text = frame[metric.column].astype("string").str.strip()
    filled = text.fillna("").ne("")
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = filled & numbers.isna()
    infinite = filled & numbers.notna() & ~np.isfinite(numbers.to_numpy(dtype=float))
    if bad.any() or infinite.any():
        rows = frame["row"] if "row" in frame else pd.Series(frame.index + 2, index=frame.index)
        raise G60InputError([
            Problem(file, int(rows[i]), metric.column,
                    f"{text[i]!r} is not a {'finite ' if infinite[i] else ''}number (the "
                    f"metric {metric.key} sums this column): write a number such as 1200, or "
                    "leave the cell empty",
                    "not a number")
            for i in (bad | infinite)[bad | infinite].index[:100]
        ])
    values = numbers.fillna(0.0).astype(float)
    _check_sums(frame, values, metric, file)
    return values


def _check_sums(frame: pd.DataFrame, values: pd.Series, metric: Metric, file: str) -> None:
    """Raise :class:`G60InputError` when the metric's values add up beyond a float.

    The sum of the absolute values bounds every sum made of them (per city, per district,
    per period, the total), so when it is finite none of those can overflow.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.abs(values.to_numpy(dtype=float)).sum()):
            return
        codes = frame["city_code"].astype(str) if "city_code" in frame \
            else pd.Series("", index=frame.index)
        per_city = values.abs().groupby(codes.to_numpy()).sum()
    where = [str(c) for c in per_city.index[~np.isfinite(per_city.to_numpy())] if str(c)]
    if where:
        names = frame.loc[codes.isin(where).to_numpy()]
        label = names["city_en"] if "city_en" in names else names.get("city", codes)
        shown = sorted(dict.fromkeys(str(v) for v in label.astype(str))) or where
        place = f"in {', '.join(shown[:5])}"
    else:
        place = "over all rows"
    raise G60InputError([Problem(
        file, None, metric.column,
        f"the values of the metric {metric.key} add up to more than the largest number "
        f"g60map can sum (about 1.8 × 10^308) {place}: check the column for wrong figures "
        "(a value in the wrong unit, a typo in an exponent)",
        "sum too large",
    )])


def _column_sums(corridor: Corridor, metric: Metric) -> pd.Series:
    frame = getattr(corridor, metric.table)
    numbers = row_values(corridor, metric)
    codes = frame["city_code"].astype(str) if "city_code" in frame else pd.Series("", frame.index)
    return numbers.groupby(codes).sum()


def city_metrics(corridor: Corridor, metrics: Sequence[str] | None = ()) -> pd.DataFrame:
    """Return one row per corridor city (hub first) and one column per metric.

    Parameters
    ----------
    corridor : Corridor
    metrics : sequence of str, optional
        Extra metrics to add to :data:`BUILTIN` (see :func:`parse_metric`); None: none.

    Returns
    -------
    pandas.DataFrame
        Index ``code``; columns the metric keys; ``attrs["metrics"]`` maps each key to its
        :class:`Metric`.

    Examples
    --------
    >>> from g60map.corridor.model import load_corridor
    >>> table = city_metrics(load_corridor())
    >>> float(table.loc["310117", "partners"]), float(table["invest_cny"].sum())
    (6.0, 15000000000.0)
    """
    summary = corridor.summary.set_index("code")
    out = pd.DataFrame(index=summary.index)
    chosen = dict(BUILTIN)
    for name in metric_names(metrics):
        metric = parse_metric(name, corridor)
        chosen[metric.key] = metric
    for key, metric in chosen.items():
        if not metric.table:
            out[key] = summary[key].astype(float)
        else:
            sums = _column_sums(corridor, metric)
            out[key] = sums.reindex(out.index, fill_value=0.0).astype(float)
    out.attrs["metrics"] = chosen
    return out.replace([np.inf, -np.inf], np.nan)
