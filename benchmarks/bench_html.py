"""Default map vs a naive ``GeoDataFrame.explore()`` of the same layers: HTML size, draw time.

Usage: python benchmarks/bench_html.py [--repeat 5]

The naive map is what a geopandas user writes: ``provinces.explore()`` then city
boundaries, the nine cities, partners and investments added with ``.explore(m=m)``, saved
with ``m.save``. It needs ``mapclassify`` (``pip install mapclassify``), a dependency of
``explore()``, not of g60map. Both maps link Leaflet from the CDN; for the draw time the
headless Chromium answers those requests from the pinned local files (every other remote
request, tiles included, is aborted for both). Draw time = ``goto`` until the first
animation frame after ``load`` with the layers in the map panes; medians of interleaved
runs. Targets: default HTML <= 40 % of the naive one, and drawn faster.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import Chromium, interleaved, mb, med, print_machine, run_child, table
from bench_startup import build_cmd

NAIVE = """
import g60map
provinces = g60map.load_boundaries("province")
m = provinces.explore(name="provinces")
g60map.load_boundaries("city").explore(m=m, name="city boundaries")
g60map.load_cities().explore(m=m, name="cities")
g60map.load_partners().explore(m=m, name="partners")
g60map.load_investments().explore(m=m, name="investments")
m.save({out!r})
"""


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp, "ours", "g60_corridor.html")
        ours_sc = Path(tmp, "self-contained", "g60_corridor.html")
        naive = Path(tmp, "naive.html")
        for cmd in (
            build_cmd(str(ours.parent)),
            [*build_cmd(str(ours_sc.parent)), "--self-contained"],
            [sys.executable, "-c", NAIVE.format(out=str(naive))],
        ):
            res = run_child(cmd)
            if res["rc"] != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{res['stderr'][-2000:]}")
        sizes = {k: v.stat().st_size for k, v in
                 (("ours", ours), ("ours_sc", ours_sc), ("naive", naive))}
        with Chromium() as chromium:
            runs = {k: [] for k in ("ours", "ours_sc", "naive")}
            paths = {"ours": ours, "ours_sc": ours_sc, "naive": naive}
            chromium.draw_time(ours)  # warm the browser process

            def timer(key: str):
                def f() -> float:
                    r = chromium.draw_time(paths[key])
                    runs[key].append(r)
                    return r["seconds"]

                return f

            values = interleaved({k: timer(k) for k in paths}, args.repeat)
    draw = {k: med(v) for k, v in values.items()}
    size_ratio = sizes["ours"] / sizes["naive"]
    draw_ratio = draw["ours"] / draw["naive"]
    print()
    print(
        table(
            ["map", "HTML", "size vs naive", "draw median s", "draw vs naive", "page errors"],
            [
                ["naive explore() (CDN assets)", mb(sizes["naive"]), "100 %",
                 f"{draw['naive']:.3f}", "1.00", len(runs["naive"][-1]["errors"])],
                ["g60map build (default, CDN assets)", mb(sizes["ours"]),
                 f"{100 * size_ratio:.1f} %", f"{draw['ours']:.3f}", f"{draw_ratio:.2f}",
                 len(runs["ours"][-1]["errors"])],
                ["g60map build --self-contained", mb(sizes["ours_sc"]),
                 f"{100 * sizes['ours_sc'] / sizes['naive']:.1f} %", f"{draw['ours_sc']:.3f}",
                 f"{draw['ours_sc'] / draw['naive']:.2f}", len(runs["ours_sc"][-1]["errors"])],
            ],
        )
    )
    print(
        f"\ntargets: size <= 40 % ({'met' if size_ratio <= 0.4 else 'NOT met'}: "
        f"{100 * size_ratio:.1f} %), draws faster "
        f"({'met' if draw_ratio < 1 else 'NOT met'}: {draw_ratio:.2f}x)"
    )
    for key in ("naive", "ours"):
        errs = runs[key][-1]["errors"]
        if errs:
            print(f"page errors in {key}: {errs[:3]}")
    return {"sizes": sizes, "draw": draw, "size_ratio": size_ratio, "draw_ratio": draw_ratio}


if __name__ == "__main__":
    main()
