"""What the reader of the interactive map can change: the metric, the time and the filters.

Pure functions of a :class:`~g60map.corridor.model.Corridor` that give the page script
(``g60map-views.js``) what it needs to redraw the map in the browser, without a server:

* **Metrics** (:func:`metrics_payload`): the choropleth's choices, each classed here with
  :func:`g60map.corridor.classify.classify` over the corridor cities (breaks, labels and the class
  of every city at the full view), and the *groups* the page sums when time or filters
  change: partners and investments counted and summed per (table, city, period, kind).
  The breaks stay those of the full view, so colours mean the same at every slider
  position.
* **Time** (:func:`time_axis`): when the dated rows of the partners and investments span
  more than one period, the periods of a slider, in years or (for a short span of dates
  given to the month or day) months.
* **Filters** (:func:`facets`): partner kind, province, in or out of the corridor.
* **Row attributes** (:func:`row_attributes`): for each drawn partner and investment its
  period, kind, province and corridor flag, as small integers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ... import settings
from ...corridor.classify import check_k, check_scheme, classify
from ...corridor.metrics import BUILTIN, city_metrics, metric_names, parse_metric, row_values
from ...corridor.model import Corridor
from ..symbology import check_cmap, class_colors, class_ramps
from ..text import Lang, class_labels

__all__ = [
    "ALWAYS",
    "UNDATED",
    "Facets",
    "TimeAxis",
    "default_metric",
    "facets",
    "metrics_payload",
    "row_attributes",
    "time_axis",
]

#: Period of a row without a date (in a table that has dates): drawn with the whole period.
UNDATED = -1
#: Period of a row of a table without any date: drawn at every slider position.
ALWAYS = -2


# ----------------------------------------------------------------------------- time


@dataclass(frozen=True)
class TimeAxis:
    """The periods of the time slider.

    Attributes
    ----------
    unit : {"year", "month"}
    start : int
        First period: a year, or ``12 * year + month - 1``.
    labels : tuple of str
        One label a period, in order, every period from the first to the last.
    """

    unit: str
    start: int
    labels: tuple[str, ...]

    def periods(self, frame: pd.DataFrame) -> np.ndarray:
        """Period index of each row: 0.., :data:`UNDATED` or :data:`ALWAYS`.

        Parameters
        ----------
        frame : pandas.DataFrame
            A partners or investments table.

        Returns
        -------
        numpy.ndarray of int64
        """
        dates = _dates(frame)
        if dates is None:
            return np.full(len(frame), ALWAYS, dtype=np.int64)
        ok = dates.notna().to_numpy()
        years = dates.dt.year.fillna(0).to_numpy(dtype=np.int64)
        if self.unit == "month":
            ordinal = 12 * years + dates.dt.month.fillna(1).to_numpy(dtype=np.int64) - 1
        else:
            ordinal = years
        index = np.clip(ordinal - self.start, 0, len(self.labels) - 1)
        return np.where(ok, index, UNDATED).astype(np.int64)


def _dates(frame: pd.DataFrame) -> pd.Series | None:
    """Return the ``date`` column as datetimes, or None when the table has no date."""
    if "date" not in frame or not len(frame):
        return None
    dates = pd.to_datetime(frame["date"], errors="coerce")
    return dates if dates.notna().any() else None


def time_axis(frames: Sequence[pd.DataFrame], lang: Lang) -> TimeAxis | None:
    """Return the slider's periods, or None when the dates fall in one period (or none).

    Months when every dated row gives its month (``date_precision`` "day" or "month") and
    the dates span at most ``settings.MAP_TIME_MONTHS`` months; years otherwise.

    Parameters
    ----------
    frames : sequence of pandas.DataFrame
        The partners and investments tables (with ``date`` and ``date_precision``).
    lang : {"en", "zh"}
        Language of the period labels.

    Returns
    -------
    TimeAxis or None

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"date": pd.to_datetime(["2019-05-01", "2021-02-01"]),
    ...                   "date_precision": ["month", "day"]})
    >>> axis = time_axis([t], "en")
    >>> axis.unit, axis.labels[0], axis.labels[-1], len(axis.labels)
    ('month', '2019-05', '2021-02', 22)
    >>> time_axis([t.iloc[:1]], "en") is None
    True
    """
    dated, precise = [], True
    for frame in frames:
        dates = _dates(frame)
        if dates is None:
            continue
        ok = dates.notna()
        dated.append(dates[ok])
        if "date_precision" in frame:
            precision = frame["date_precision"][ok].astype(str)
            precise = precise and bool(precision.isin(["day", "month"]).all())
    if not dated:
        return None
    dates = pd.concat(dated)
    months = 12 * dates.dt.year + dates.dt.month - 1
    first, last = int(months.min()), int(months.max())
    if precise and last - first + 1 <= settings.MAP_TIME_MONTHS:
        unit, start, n = "month", first, last - first + 1
        labels = [_month_label(start + i, lang) for i in range(n)]
    else:
        unit, start = "year", first // 12
        n = last // 12 - start + 1
        labels = [f"{start + i}年" if lang == "zh" else str(start + i) for i in range(n)]
    if n < 2:
        return None
    return TimeAxis(unit, start, tuple(labels))


def _month_label(ordinal: int, lang: Lang) -> str:
    year, month = divmod(ordinal, 12)
    return f"{year}年{month + 1}月" if lang == "zh" else f"{year}-{month + 1:02d}"


# ----------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Facets:
    """The values the filters offer, each with its label.

    Attributes
    ----------
    kinds, provinces : tuple of str
        Keys: the ``kind`` text and the province code ("" for none).
    kind_labels, province_labels : tuple of str
        What the page shows for each.
    """

    kinds: tuple[str, ...]
    kind_labels: tuple[str, ...]
    provinces: tuple[str, ...]
    province_labels: tuple[str, ...]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[column].astype("string").fillna("").str.strip()
    return values.astype(object)


def facets(partners: pd.DataFrame, investments: pd.DataFrame, lang: Lang,
           t: Mapping[str, str]) -> Facets:
    """Return the kinds of the partners and the provinces of both tables.

    Kinds are ordered by how many partners have them (then by name), provinces by code;
    a missing kind or province comes last.

    Parameters
    ----------
    partners, investments : pandas.DataFrame
    lang : {"en", "zh"}
    t : dict
        The map's labels (``no_kind``, ``unknown_place``).

    Returns
    -------
    Facets
    """
    kinds = _text(partners, "kind")
    counts = kinds.value_counts()
    order = sorted(counts.index, key=lambda k: (k == "", -int(counts[k]), str(k)))
    names: dict[str, str] = {}
    for frame in (partners, investments):
        codes = _text(frame, "province_code")
        local = _text(frame, "province_zh" if lang == "zh" else "province_en")
        other = _text(frame, "province_en" if lang == "zh" else "province_zh")
        for code, a, b in zip(codes, local, other, strict=True):
            if code not in names or not names[code]:
                names[code] = a or b or code
    provinces = sorted(names, key=lambda code: (code == "", code))
    kind_zh: dict[str, str] = {}  # in zh a kind is labelled by its kind_zh where given
    if lang == "zh" and "kind_zh" in partners:
        for k, z in zip(kinds, _text(partners, "kind_zh"), strict=True):
            if z and k not in kind_zh:
                kind_zh[k] = z
    return Facets(
        kinds=tuple(order),
        kind_labels=tuple(kind_zh.get(k) or k or t["no_kind"] for k in order),
        provinces=tuple(provinces),
        province_labels=tuple(names[p] if p else t["unknown_place"] for p in provinces),
    )


def row_attributes(frame: pd.DataFrame, axis: TimeAxis | None, found: Facets) -> np.ndarray:
    """Return ``[period, kind, province, outside]`` per row, as an ``(n, 4)`` int array.

    ``period`` is :data:`ALWAYS` without a time axis; ``kind`` is -1 in a table without
    a ``kind`` column; ``outside`` is 1 for a row outside the corridor.

    Parameters
    ----------
    frame : pandas.DataFrame
    axis : TimeAxis or None
    found : Facets

    Returns
    -------
    numpy.ndarray of int64
    """
    n = len(frame)
    period = axis.periods(frame) if axis else np.full(n, ALWAYS, dtype=np.int64)
    if "kind" in frame:
        lookup = {k: i for i, k in enumerate(found.kinds)}
        kind = _text(frame, "kind").map(lookup).fillna(-1).to_numpy(dtype=np.int64)
    else:
        kind = np.full(n, -1, dtype=np.int64)
    where = {p: i for i, p in enumerate(found.provinces)}
    province = _text(frame, "province_code").map(where).fillna(-1).to_numpy(dtype=np.int64)
    outside = (
        (~frame["in_corridor"].astype(bool)).to_numpy(dtype=np.int64)
        if "in_corridor" in frame else np.zeros(n, dtype=np.int64)
    )
    return np.column_stack([period, kind, province, outside]).astype(np.int64)


# ----------------------------------------------------------------------------- metrics


def default_metric(corridor: Corridor, metrics: Sequence[str], metric: str | None) -> str:
    """Return the metric the map opens with.

    ``metric`` when given; else the first of ``metrics``; else partners when a corridor
    city has any, the investment total when it has none but some investment, partners
    otherwise.

    Parameters
    ----------
    corridor : Corridor
    metrics : sequence of str
    metric : str or None

    Returns
    -------
    str
    """
    if metric is not None:
        return str(metric).strip()
    if metrics:
        return str(metrics[0]).strip()
    summary = corridor.summary
    if summary["partners"].sum() > 0 or summary["invest_cny"].sum() <= 0:
        return "partners"
    return "invest_cny"


def _number(value: float) -> float | int:
    """Return a JSON number: an int when whole (shorter and exact), else the float."""
    value = float(value)
    if not math.isfinite(value):
        return 0
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def metrics_payload(
    corridor: Corridor,
    *,
    lang: Lang,
    metrics: Sequence[str] | None = (),
    scheme: str | None = None,
    metric: str | None = None,
    axis: TimeAxis | None = None,
    found: Facets | None = None,
    t: Mapping[str, str] | None = None,
    k: int | None = None,
    cmap: str | None = None,
) -> dict[str, Any]:
    """Return the choropleth's metrics, classes and the groups the page sums.

    Parameters
    ----------
    corridor : Corridor
    lang : {"en", "zh"}
    metrics : sequence of str, optional
        Extra metrics: numeric columns of the partners or investments table
        (:func:`g60map.corridor.metrics.parse_metric`), offered after the built-in ones; None:
        none (a string: that one column).
    scheme : {"nice", "quantiles", "natural_breaks"}, optional
        Classification (:func:`g60map.corridor.classify.classify`); None:
        :data:`g60map.settings.MAP_SCHEME`.
    metric : str, optional
        The metric shown first (:func:`default_metric`).
    axis : TimeAxis, optional
        Periods of the groups (none: every row in period :data:`ALWAYS`).
    found : Facets, optional
        Kinds of the groups (default: from the corridor's tables).
    t : dict, optional
        The map's labels (for :func:`facets`).
    k : int, optional
        Number of classes, 2 to 9; None: :data:`g60map.settings.MAP_CLASSES`.
    cmap : str, optional
        Colour map of the classes (:func:`g60map.render.symbology.check_cmap`).

    Returns
    -------
    dict
        ``codes`` (corridor cities, hub first), ``area`` (km²), ``prov`` (province
        index of each city), ``scheme``, ``k``, ``ramps`` (the class colours of every
        ``k``, for the page's own classing), ``metric`` (index of the first shown),
        ``list`` (one entry a metric: ``key``, ``label``, ``money``, ``int``, ``table``
        (0 partners, 1 investments), ``col`` (-1: a count, else a column of the group
        sums), ``area`` (1: per 1,000 km²), ``none`` (1: values <= 0 have no class: the
        ``"nice"`` scheme's, or every city's value of the whole data is above 0),
        ``bins``, ``labels``, ``colors``, ``values`` and ``cls`` per city), ``cols``
        (the keys of the sums) and ``groups`` (``[table, city, period, kind, count,
        sums...]``).

    Raises
    ------
    G60InputError
        A metric naming no numeric column (:func:`g60map.corridor.metrics.parse_metric`),
        an unknown scheme or colour map, ``k`` out of range.
    """
    scheme = check_scheme(settings.MAP_SCHEME if scheme is None else scheme)
    k = check_k(settings.MAP_CLASSES if k is None else k)
    cmap = check_cmap(cmap)
    metrics = metric_names(metrics)
    first = default_metric(corridor, metrics, metric)
    names = [*metrics, *([first] if first not in metrics else [])]
    table = city_metrics(corridor, names)
    chosen = table.attrs["metrics"]
    first = parse_metric(first, corridor).key
    codes = [str(c) for c in table.index]
    if found is None:
        found = facets(corridor.partners, corridor.investments, lang, t or {
            "no_kind": "", "unknown_place": ""})
    summary = corridor.summary.set_index(corridor.summary["code"].astype(str))
    where = {p: i for i, p in enumerate(found.provinces)}
    # GB/T 2260: a city's province code is its first two digits and four zeros
    city_prov = [where.get(code[:2] + "0000", -1) for code in codes]

    cols = ["invest_cny", *[k for k, m in chosen.items() if m.table]]
    groups = _groups(corridor, codes, cols, chosen, axis, found)
    entries = []
    for key, m in chosen.items():
        values = table[key].to_numpy(dtype=float)
        classes = classify(values, scheme, k)
        integral = key != "partners_per_1000km2" and not m.money and bool(
            np.all(np.mod(values[np.isfinite(values)], 1) == 0))
        if key in ("partners", "partners_per_1000km2"):
            source, col = 0, -1
        else:
            source, col = int((m.table or "investments") == "investments"), cols.index(key)
        entries.append({
            "key": key,
            "label": m.label_zh if lang == "zh" else m.label_en,
            "money": int(m.money),
            "int": int(integral),
            "table": source,
            "col": col,
            "area": int(key == "partners_per_1000km2"),
            # values <= 0 have no class with 1-2-5 steps, and, when every city has more,
            # when the slider or a filter leaves a city none (not the lowest class)
            "none": int(scheme == "nice" or _low(values) > 0),
            "bins": [_number(b) for b in classes.bins],
            "labels": class_labels(classes.bins, _low(values), integral=integral,
                                   money=bool(m.money), nice=scheme == "nice", lang=lang),
            "colors": class_colors(classes.k, cmap),
            "values": [_number(v) for v in values],
            "cls": [int(i) for i in classes.index],
        })
    return {
        "codes": codes,
        "area": [float(summary["area_km2"].get(c, math.nan)) for c in codes],
        "prov": city_prov,
        "scheme": scheme,
        "k": k,
        "ramps": class_ramps(cmap),
        "metric": list(chosen).index(first),
        "list": entries,
        "cols": cols,
        "groups": groups,
    }


def _low(values: np.ndarray) -> float:
    """Return the smallest finite value (0 if none): where the first class starts."""
    finite = values[np.isfinite(values)]
    return float(finite.min()) if finite.size else 0.0


def _groups(corridor: Corridor, codes: list[str], cols: list[str], chosen: dict,
            axis: TimeAxis | None, found: Facets) -> list[list[float | int]]:
    """Rows counted and summed per (table, city, period, kind), in a fixed order."""
    index = {c: i for i, c in enumerate(codes)}
    out = []
    for source, name in enumerate(("partners", "investments")):
        frame = getattr(corridor, name)
        if not len(frame):
            continue
        attrs = row_attributes(frame, axis, found)
        city = _text(frame, "city_code").map(index).fillna(-1).to_numpy(dtype=np.int64)
        parts = {"city": city, "period": attrs[:, 0], "kind": attrs[:, 1],
                 "count": np.ones(len(frame), dtype=np.int64)}
        for j, key in enumerate(cols):
            m = chosen.get(key) or BUILTIN.get(key)
            if key == "invest_cny":
                v = (pd.to_numeric(frame["amount_cny"], errors="coerce").fillna(0.0)
                     .to_numpy(dtype=float) if name == "investments" and "amount_cny" in frame
                     else np.zeros(len(frame)))
            elif m is not None and m.table == name:
                v = row_values(corridor, m).to_numpy(dtype=float)
            else:
                v = np.zeros(len(frame))
            parts[f"s{j}"] = v
        rows = pd.DataFrame(parts)
        rows = rows[rows["city"] >= 0]
        summed = rows.groupby(["city", "period", "kind"], sort=True).sum()
        for (c, p, k), rec in zip(summed.index, summed.itertuples(index=False), strict=True):
            out.append([source, int(c), int(p), int(k), int(rec[0]),
                        *[_number(v) for v in rec[1:]]])
    return out
