"""Map size with long cell texts: popup budgets on (the defaults) vs off.

Usage: python benchmarks/bench_popup_size.py [--partners 2000] [--chars 10000]

Writes a partners CSV with ``--partners`` rows (default ``settings.PARTNER_DETAIL_LIMIT``,
the most that get one popup each) whose description is ``--chars`` characters long, in
English and in Chinese (3 bytes a character in UTF-8), and prints the size of the map page
built with ``settings.POPUP_CELL_CHARS`` / ``POPUP_TEXT_CHARS`` at their defaults and with
both raised so that nothing is cut, and the ratio. Target: a 2,000-partner map with 10 KB
descriptions stays under 5 MB (it was 23.4 MB before the budgets).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from _common import mb, table

import g60map
from g60map import settings
from g60map.render.web.interactive import build_map, map_html

CITIES = ("Songjiang", "Jiaxing", "Hangzhou", "Jinhua", "Huzhou", "Suzhou", "Xuancheng",
          "Wuhu", "Hefei")


def write_table(path: Path, n: int, unit: str, chars: int) -> Path:
    """``n`` partners whose description is ``chars`` characters of ``unit`` repeated."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "city", "description"])
        for i in range(n):
            w.writerow([f"Partner {i}", CITIES[i % len(CITIES)],
                        f"{i} " + unit * (chars // len(unit))])
    return path


def page_bytes(partners) -> tuple[int, float]:
    t0 = time.perf_counter()
    page = map_html(build_map(g60map.load_corridor(partners), basemap="none"))
    return len(page.encode("utf-8")), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=settings.PARTNER_DETAIL_LIMIT)
    parser.add_argument("--chars", type=int, default=10_000)
    args = parser.parse_args()
    defaults = (settings.POPUP_CELL_CHARS, settings.POPUP_TEXT_CHARS)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, unit in (("English", "description "), ("Chinese", "合作伙伴简介")):
            path = write_table(Path(tmp) / f"{label}.csv", args.partners, unit, args.chars)
            partners = g60map.load_partners(path)
            capped, t_capped = page_bytes(partners)
            settings.POPUP_CELL_CHARS = settings.POPUP_TEXT_CHARS = 10**9
            try:
                whole, t_whole = page_bytes(partners)
            finally:
                settings.POPUP_CELL_CHARS, settings.POPUP_TEXT_CHARS = defaults
            rows.append([label, mb(capped), f"{t_capped:.2f} s", mb(whole), f"{t_whole:.2f} s",
                         f"{capped / whole:.1%}"])
    print(f"{args.partners} partners, descriptions of {args.chars} characters; budgets "
          f"{defaults[0]} characters a cell, {defaults[1]} a popup")
    print(table(["text", "with budgets", "build", "nothing cut", "build", "ratio"], rows))


if __name__ == "__main__":
    main()
