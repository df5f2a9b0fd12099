"""Investment flows on the interactive map: geodesic lines, width proportional to the amount.

:func:`flows_payload` turns :attr:`g60map.Corridor.flows` (origin -> project, from
:func:`g60map.corridor.flows.investment_flows`) into the lines the page script draws: each with its
width in pixels (``settings.FLOW_MAX_WIDTH_PX`` for the largest amount, proportional below
it, never thinner than :data:`MIN_WIDTH_PX`), a tooltip (origin, project, amount,
distance), its origin (the reader can show the flows of one origin) and the investment it
belongs to, so that the flow follows the time slider and the filters with its investment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import settings
from ..text import Lang, format_money, format_number, legend_amounts
from .codec import encode_path, quantise

__all__ = ["MIN_WIDTH_PX", "flow_width", "flows_payload"]

#: Thinnest flow (pixels), so that a small amount stays visible and can be pointed at.
MIN_WIDTH_PX: float = 1.5


def flow_width(amount: float, largest: float) -> float:
    """Width in pixels of a flow of ``amount`` when the largest flow is ``largest``.

    Examples
    --------
    >>> from g60map import settings
    >>> flow_width(5.0, 10.0) == settings.FLOW_MAX_WIDTH_PX / 2
    True
    >>> flow_width(float("nan"), 10.0) == MIN_WIDTH_PX
    True
    """
    if not (largest > 0 and math.isfinite(amount) and amount > 0):
        return MIN_WIDTH_PX
    return max(MIN_WIDTH_PX, float(settings.FLOW_MAX_WIDTH_PX) * amount / largest)


def flows_payload(
    flows: gpd.GeoDataFrame, drawn_rows: pd.Series, *, lang: Lang, t: Mapping[str, str],
    scale: int,
) -> dict[str, Any] | None:
    """Return the flows the page draws, or None when there is none to draw.

    Parameters
    ----------
    flows : geopandas.GeoDataFrame
        :attr:`g60map.Corridor.flows`, in the datum of the map.
    drawn_rows : pandas.Series
        The ``row`` of each investment the page draws, in the page's order: a flow is
        drawn with its investment (and left out when that is not drawn).
    lang : {"en", "zh"}
    t : dict
        Labels, with the ``flow_tip`` template.
    scale : int
        Coordinates are integers in ``1/scale`` degrees.

    Returns
    -------
    dict or None
        ``rows`` (``{line, w, tip, i, o}``, widest first; ``i``: index of the investment in
        the page's investments, ``o``: index into ``origins``), ``origins`` (the origins'
        names, by the total amount of their flows drawn, largest first, then by name) and
        ``sizes`` (``{value, w, label}`` for the legend).
    """
    if not len(flows) or not len(drawn_rows):
        return None
    where = {int(r): i for i, r in enumerate(drawn_rows.tolist())}
    amounts = pd.to_numeric(flows["amount_cny"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(amounts) & (amounts > 0)
    largest = float(amounts[ok].max()) if ok.any() else 0.0
    rows: list[dict[str, Any]] = []
    total: dict[str, float] = {}  # the amount drawn from each origin
    for k in range(len(flows)):
        i = where.get(int(flows["row"].iat[k]))
        line = flows.geometry.iat[k]
        if i is None or line is None or line.is_empty:
            continue
        tip = t["flow_tip"].format(
            origin=str(flows["origin"].iat[k]), project=str(flows["project"].iat[k]),
            amount=format_money(amounts[k], lang, "CNY", missing="?"),
            km=format_number(flows["length_km"].iat[k], 0),
        )
        rows.append({
            "line": encode_path(quantise(shapely.get_coordinates(line), scale)),
            "w": round(flow_width(amounts[k], largest), 2),
            "tip": tip,
            "i": i,
            "o": str(flows["origin"].iat[k]),
        })
        total[rows[-1]["o"]] = total.get(rows[-1]["o"], 0.0) + (amounts[k] if ok[k] else 0.0)
    if not rows:
        return None
    origins = sorted(total, key=lambda name: (-total[name], name))
    index = {name: j for j, name in enumerate(origins)}
    for row in rows:
        row["o"] = index[row["o"]]
    rows.sort(key=lambda r: -r["w"])  # stable: the widest drawn first, thin ones on top
    sizes = [
        {"value": v, "w": round(flow_width(v, largest), 2), "label": format_money(v, lang, "CNY")}
        for v in legend_amounts(largest)
    ]
    return {"rows": rows, "origins": origins, "sizes": sizes}
