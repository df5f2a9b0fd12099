"""`g60map render` vs a naive geopandas ``.plot()`` + ``savefig`` of the same layers.

Usage: python benchmarks/bench_render.py [--repeat 5]

Both are whole processes, fresh each run, interleaved (A B A B ...), medians:

* ``g60map render --out DIR`` (PNG at its default 200 dpi, 10 x 8 inches);
* the naive script a geopandas user writes: the same layers from the g60map loaders
  (provinces, city boundaries, the nine cities, the packaged partners and investments),
  one ``.plot(ax=ax)`` each on a 10 x 8 inch figure, ``fig.savefig(..., dpi=200)``.

Target (issue 11): ``render`` <= 1.0x the naive plot.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import interleaved, mb, med, print_machine, run_child, table

NAIVE = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import g60map

provinces = g60map.load_boundaries("province")
cities = g60map.load_boundaries("city")
seats = g60map.load_cities()
partners = g60map.load_partners()
investments = g60map.load_investments()
fig, ax = plt.subplots(figsize=(10, 8))
provinces.plot(ax=ax, color="#f2f2f2", edgecolor="#888888", linewidth=0.8)
cities.plot(ax=ax, facecolor="none", edgecolor="#bbbbbb", linewidth=0.4)
seats.plot(ax=ax, color="#c0392b", markersize=40, zorder=3)
partners.plot(ax=ax, color="#2c7fb8", markersize=12, zorder=4)
investments.plot(ax=ax, color="#e67e22", marker="s", markersize=30, zorder=5)
ax.set_axis_off()
fig.savefig({out!r}, dpi=200)
"""


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print_machine()
    exe = [sys.executable, "-m", "g60map.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        naive_png = Path(tmp, "naive.png")
        cmds = {
            "g60map render (PNG, 200 dpi)": [*exe, "-q", "render", "--out", tmp],
            "naive .plot() + savefig (PNG, 200 dpi)": [
                sys.executable, "-c", NAIVE.format(out=str(naive_png))
            ],
        }
        for key, cmd in cmds.items():  # warm the OS file cache; fail early
            res = run_child(cmd)
            if res["rc"] != 0:
                raise SystemExit(f"{key} failed:\n{res['stderr'][-2000:]}")
        values = interleaved({k: (lambda c=c: run_child(c)["wall_s"]) for k, c in cmds.items()},
                             args.repeat)
        ours = [q for q in Path(tmp).glob("*.png") if q != naive_png]
        sizes = {
            "g60map render (PNG, 200 dpi)": ours[0].stat().st_size if ours else 0,
            "naive .plot() + savefig (PNG, 200 dpi)": naive_png.stat().st_size,
        }
    naive = med(values["naive .plot() + savefig (PNG, 200 dpi)"])
    print()
    print(table(["command", "median s", "min s", "ratio to naive", "PNG"],
                [[k, f"{med(v):.2f}", f"{min(v):.2f}", f"{med(v) / naive:.2f}", mb(sizes[k])]
                 for k, v in values.items()]))
    ratio = med(values["g60map render (PNG, 200 dpi)"]) / naive
    print(f"\ntarget: render <= 1.0x the naive plot: {'met' if ratio <= 1 else 'NOT met'} "
          f"({ratio:.2f}x)")
    return {"ratio": ratio, "values": values}


if __name__ == "__main__":
    main()
