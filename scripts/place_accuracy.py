"""Accuracy of address placing on a labelled set: placed right, refused, placed wrong.

Usage: ``python scripts/place_accuracy.py [CSV] [--show]``; the default set is
``tests/data/addresses_labelled.csv`` (columns ``address``, ``expected`` — the GB/T 2260
code of the most precise unit the address names, ``|`` between equally right answers,
empty when it names none and must be refused —
``kind``, ``source``; see ``tests/data/README.md``). Prints one line per kind and the
total; ``--show`` also prints every row not placed right.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from g60map.ingest.join import resolve_places
from g60map.reference.places import place_of

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "addresses_labelled.csv"


def score(rows: list[dict[str, str]]) -> list[tuple[dict[str, str], str, str]]:
    """Return ``(row, outcome, code)`` per row: "right", "coarser", "refused" or "wrong".

    Parameters
    ----------
    rows : list of dict
        Rows of the labelled set.

    Returns
    -------
    list of tuple
        "coarser": placed in a unit containing the expected one (its city or
        province); "wrong": any other unit; "refused": no place.
    """
    places = resolve_places([r["address"] for r in rows])
    out = []
    for row, place in zip(rows, places, strict=True):
        code = place.code
        if not code:
            outcome = "right" if not row["expected"] else "refused"
        elif code in row["expected"].split("|"):
            outcome = "right"
        elif any(code in (place_of(e).city_code, place_of(e).province_code)
                 for e in row["expected"].split("|")):
            outcome = "coarser"
        else:
            outcome = "wrong"
        out.append((row, outcome, code))
    return out


def main(argv: list[str]) -> int:
    """Print the accuracy table; exit 1 if any row is placed wrong."""
    path = Path(next((a for a in argv if not a.startswith("--")), DEFAULT))
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    results = score(rows)
    by_kind: dict[str, Counter[str]] = {}
    for row, outcome, _ in results:
        by_kind.setdefault(row["kind"], Counter())[outcome] += 1
    total = Counter(outcome for _, outcome, _ in results)
    print(f"{'kind':<26} {'rows':>5} {'right':>6} {'coarser':>8} {'refused':>8} "
          f"{'wrong':>6}")
    for kind, c in [*sorted(by_kind.items()), ("total", total)]:
        print(f"{kind:<26} {sum(c.values()):>5} {c['right']:>6} {c['coarser']:>8} "
              f"{c['refused']:>8} {c['wrong']:>6}")
    if "--show" in argv:
        for row, outcome, code in results:
            if outcome != "right":
                print(f"{outcome}: {row['address']} -> {code or '-'} "
                      f"(expected {row['expected']})")
    return 1 if total["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
