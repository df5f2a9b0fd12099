"""The shared vectors of the classing and the money format: Python's answers, which the
page script (``g60map-classes.js``) must give too.

``python -m tests._class_vectors`` rewrites ``tests/data/class_vectors.json``;
``tests/test_map_views.py`` checks the file holds what Python gives now, and
``tests/test_map_script_browser.py`` that the page gives the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from g60map.corridor.classify import classify
from g60map.render.text import class_labels, format_money, format_money_range

PATH = Path(__file__).parent / "data" / "class_vectors.json"

#: Realistic and awkward values of the nine cities (and a few longer vectors).
VALUES: list[list[float]] = [
    [412, 35, 28, 20, 14, 9, 6, 3, 0],                       # partners, skewed to the hub
    [6, 0, 0, 0, 0, 0, 0, 0, 0],                             # the article's partners
    [2.0e10, 8.0e8, 3.5e8, 1.2e8, 5.0e7, 2.64e6, 1.0e6, 0, 0],  # investments (CNY)
    [20000000000, 20000001, 20000000, 1, 0, 0, 0, 0, 0],     # a custom metric
    [0.31, 0.7, 1.1, 2.5, 2.51, 0.3, 0.3, 12.75, 4.2],       # per 1,000 km²
    [5, 5, 5, 5, 5, 5, 5, 5, 5],                             # one value
    [-3.5, -1, 0, 2, 2, 7, 40, 41, 900],                     # negative values
    [1e200, 3.0, 7.0, 9.0, 11.0, 5e305, 1.79e308, 0.0, -1.79e308],  # the largest floats
    [1e-9, 2e-9, 5e-8, 3e-7, 1e-6, 0.0001, 0.5, 1, 1],       # tiny values
]


def _random_values() -> list[list[float]]:
    rng = np.random.default_rng(21)
    out = []
    for n in (9, 9, 17, 40):
        out.append([float(v) for v in np.round(np.exp(rng.normal(14, 3, n)), 2)])
    out.append([float(v) for v in rng.integers(0, 60, 9)])
    return out


#: Amounts written in both languages.
AMOUNTS = [0, 1, 999, 5000, 9999, 10000, 12345, 999999, 1e6, 2.64e6, 2e7, 99999999, 1e8,
           8e8, 1.5e9, 15e9, 2e10, 1.234e12, 9.99e14, 2.5e15, 1.7e308, -3e6, -4.2e9]


def vectors() -> dict:
    """Return every vector: classes, labels and money, as Python computes them."""
    classes, labels = [], []
    for values in VALUES + _random_values():
        for scheme in ("natural_breaks", "quantiles", "nice"):
            for k in (2, 4, 5, 9):
                c = classify(values, scheme, k)
                classes.append({"values": values, "scheme": scheme, "k": k,
                                "bins": list(c.bins), "index": c.index.tolist()})
                finite = [v for v in values if np.isfinite(v)]
                low = min(finite) if finite else 0.0
                integral = all(float(v).is_integer() for v in finite)
                for money in (False, True):
                    for lang in ("en", "zh"):
                        if money and (integral is False or scheme != "natural_breaks"):
                            continue
                        whole = integral and not money
                        labels.append({
                            "bins": list(c.bins), "low": low, "integral": whole,
                            "money": money, "nice": scheme == "nice", "lang": lang,
                            "labels": class_labels(c.bins, low, integral=whole, money=money,
                                                   nice=scheme == "nice", lang=lang)})
    money = [{"value": v, "lang": lang, "currency": cur,
              "text": format_money(v, lang, cur)}
             for v in AMOUNTS for lang in ("en", "zh") for cur in ("CNY", None)]
    ranges = [{"lo": lo, "hi": hi, "lang": lang, "text": format_money_range(lo, hi, lang)}
              for lo, hi in [(None, 5e9), (1e6, 2e7), (2e7, 5e9), (0, 12345), (5000, 2e12)]
              for lang in ("en", "zh")]
    return {"classes": classes, "labels": labels, "money": money, "ranges": ranges}


if __name__ == "__main__":
    PATH.write_text(json.dumps(vectors(), ensure_ascii=False, indent=None) + "\n",
                    encoding="utf-8")
    print(PATH)
