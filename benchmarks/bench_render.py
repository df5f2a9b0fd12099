"""The static map and the interactive map's build: whole process, and the two hotspots.

Usage: python benchmarks/bench_render.py [--repeat 5]

1. Whole process, fresh processes, interleaved: ``g60map render`` (the default static map,
   PNG at 200 dpi) vs a naive script that reads the same packaged boundaries and city seats
   with geopandas, draws them with ``GeoDataFrame.plot()`` and ``savefig`` at the same size
   and dpi (target: ratio <= 1.0).
2. In one process (warm), interleaved, ``--repeat`` times each:

   * ``render_static`` + PNG as shipped (geopandas' per-plot figure draws deferred) vs with
     every ``.plot()`` drawing the figure, as geopandas does on an Agg canvas; the PNGs must
     be byte-identical;
   * ``build_map`` + ``map_html`` of the default map with the shipped topology of the
     packaged boundaries (``g60map/render/web/topology.json``) vs encoding the topology again;
     the pages must be byte-identical.

3. The static map with real-sized data, in one process (warm), ``--repeat`` times: 275
   synthetic partners over the nine cities and four investments (8 bn in Hefei),
   ``render_static`` alone, and with PNG (200 dpi), PDF and SVG, in English and Chinese;
   the small multiples of the four investments' years. Run it with ``PYTHONPATH`` on an
   older tree to compare (the parts that tree lacks are reported as absent).

``g60map build`` against the bare ``import geopandas, folium`` is ``bench_startup.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time

from _common import interleaved, med, print_machine, run_child, table

NAIVE = r"""
import sys
import matplotlib
matplotlib.use("Agg")
import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

city, province, seats, crs, out = sys.argv[1:6]
cities = gpd.read_parquet(city).to_crs(crs)
provinces = gpd.read_parquet(province).to_crs(crs)
table = pd.read_csv(seats)
points = gpd.GeoDataFrame(
    table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326"
).to_crs(crs)
fig = Figure(figsize=(10, 8))
ax = fig.add_subplot()
cities.plot(ax=ax, facecolor="#fdd0a2", edgecolor="#a63603", linewidth=0.5)
provinces.boundary.plot(ax=ax, color="#3d3d3d", linewidth=1.1)
points.plot(ax=ax, color="#333333", markersize=25)
for row in points.itertuples():
    ax.annotate(row.name_en, (row.geometry.x, row.geometry.y), xytext=(4, 4),
                textcoords="offset points", fontsize=9)
ax.set_axis_off()
fig.savefig(out, dpi=200)
"""

HOTSPOTS = r"""
import contextlib, json, sys, time
import g60map
from g60map.render.web import interactive
from g60map.render.static import figure as static
from g60map.render.web import topology

repeat = int(sys.argv[1])
corridor = g60map.load_corridor()
shipped_draws = static._deferred_draws


def draw_after_every_plot(fig):
    return contextlib.nullcontext()


def render(defer):
    static._deferred_draws = shipped_draws if defer else draw_after_every_plot
    t0 = time.perf_counter()
    fig, _ = static.render_static(corridor)
    png = static.figure_bytes(fig, "png")
    return time.perf_counter() - t0, png


shipped_topology = topology._packaged


def build(packaged):
    topology._CACHE.clear()
    topology._packaged = shipped_topology if packaged else (lambda: None)
    t0 = time.perf_counter()
    page = interactive.map_html(interactive.build_map(corridor))
    return time.perf_counter() - t0, page


render(True), build(True)  # warm: fonts, imports, folium templates
out = {"render_deferred": [], "render_drawing": [], "build_shipped": [], "build_encoding": []}
pngs, pages = set(), set()
for _ in range(repeat):
    for key, call in (("render_deferred", lambda: render(True)),
                      ("render_drawing", lambda: render(False)),
                      ("build_shipped", lambda: build(True)),
                      ("build_encoding", lambda: build(False))):
        seconds, result = call()
        out[key].append(seconds)
        (pngs if key.startswith("render") else pages).add(result)
out["png_identical"] = len(pngs) == 1
out["page_identical"] = len(pages) == 1
print(json.dumps(out))
"""


BUSY = r"""
import json, sys, time, warnings
import matplotlib
matplotlib.use("Agg")
import g60map
from g60map.render.static import figure as static
from g60map.reference.synthetic import make_investments, make_partners

repeat = int(sys.argv[1])
partners = g60map.load_partners(make_partners(275, seed=14).drop(columns="city_code_expected"))
inv = make_investments(per_city={"340100": 1, "330100": 1, "310117": 1, "330500": 1}, seed=14,
                       city_only=0).drop(columns="city_code_expected")
inv["amount"] = [8e9, 2e9, 5e8, 1.2e9]
inv["date"] = ["2019-05-01", "2020-03-01", "2021-07-01", "2023-01-15"]
corridor = g60map.load_corridor(partners, g60map.load_investments(inv))
try:
    from g60map.render.static.charts import small_multiples
except ImportError:
    small_multiples = None
out = {}


def timed(key, call):
    t0 = time.perf_counter()
    call()
    out.setdefault(key, []).append(time.perf_counter() - t0)


warnings.simplefilter("ignore")
static.render_static(corridor)  # warm: fonts, imports
for _ in range(repeat):
    for lang in ("en", "zh"):
        timed(f"render_{lang}", lambda: static.render_static(corridor, lang=lang))
        fig, ax = static.render_static(corridor, lang=lang)
        timed(f"png_{lang}", lambda: static.figure_bytes(fig, "png", 200))
        timed(f"pdf_{lang}", lambda: static.figure_bytes(fig, "pdf"))
        timed(f"svg_{lang}", lambda: static.figure_bytes(fig, "svg"))
    if small_multiples is not None:
        timed("multiples", lambda: static.figure_bytes(small_multiples(corridor), "png", 200))
print(json.dumps(out))
"""


def busy(repeat: int) -> dict:
    """Part 3: the 275-partner map's times (median seconds per step)."""
    res = run_child([sys.executable, "-c", BUSY, str(repeat)])
    if res["rc"] != 0:
        raise SystemExit(f"busy-map run failed:\n{res['stderr']}")
    times = json.loads(res["stdout"].strip().splitlines()[-1])
    rows = []
    for lang in ("en", "zh"):
        steps = [med(times[f"{k}_{lang}"]) for k in ("render", "png", "pdf", "svg")]
        rows.append([f"275 partners, 4 investments ({lang})",
                     *(f"{v:.2f}" for v in steps), f"{steps[0] + steps[1]:.2f}"])
    print()
    print(table(["busy map, in one process (warm)", "render_static s", "+ PNG 200 dpi s",
                 "+ PDF s", "+ SVG s", "map to PNG s"], rows))
    if "multiples" in times:
        print(f"small multiples (5 years) to PNG at 200 dpi: {med(times['multiples']):.2f} s")
    else:
        print("small multiples: absent in this tree")
    return {k: med(v) for k, v in times.items()}


def render_cmd(out: str) -> list[str]:
    exe = shutil.which("g60map")
    base = [exe] if exe else [sys.executable, "-m", "g60map"]
    return [*base, "-q", "render", "--out", out]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print_machine()
    from g60map import settings
    from g60map.reference.datasets import get_path

    city = get_path("boundaries_city")
    naive_args = [str(city), str(city.with_name("boundaries_province.parquet")),
                  str(get_path("cities")), settings.EQUAL_AREA_CRS]
    with tempfile.TemporaryDirectory() as tmp:
        ours, naive = render_cmd(tmp), [sys.executable, "-c", NAIVE, *naive_args,
                                        f"{tmp}/naive.png"]
        for cmd in (ours, naive):  # also warms the OS file cache
            first = run_child(cmd)
            if first["rc"] != 0:
                raise SystemExit(f"{cmd[:3]} failed:\n{first['stderr']}")
        whole = interleaved(
            {"render": lambda: run_child(ours)["wall_s"],
             "naive": lambda: run_child(naive)["wall_s"]},
            args.repeat,
        )
    render_s, naive_s = med(whole["render"]), med(whole["naive"])
    res = run_child([sys.executable, "-c", HOTSPOTS, str(args.repeat)])
    if res["rc"] != 0:
        raise SystemExit(f"hotspot run failed:\n{res['stderr']}")
    hot = json.loads(res["stdout"].strip().splitlines()[-1])
    print()
    print(table(
        ["whole process", "median s", "min s", "ratio to naive"],
        [["naive gdf.plot() + savefig (same layers, size, dpi)", f"{naive_s:.2f}",
          f"{min(whole['naive']):.2f}", "1.00"],
         ["g60map render (PNG, 200 dpi)", f"{render_s:.2f}", f"{min(whole['render']):.2f}",
          f"{render_s / naive_s:.2f}"]],
    ))
    rows = []
    for label, before, after, same in (
        ("render_static + PNG: draw after every plot -> deferred", "render_drawing",
         "render_deferred", hot["png_identical"]),
        ("build_map + map_html: encode topology -> shipped", "build_encoding",
         "build_shipped", hot["page_identical"]),
    ):
        b, a = med(hot[before]), med(hot[after])
        rows.append([label, f"{b:.3f}", f"{a:.3f}", f"{a / b:.2f}", "yes" if same else "NO"])
    print()
    print(table(["in one process (warm)", "before s", "after s", "ratio", "same bytes"], rows))
    ratio = render_s / naive_s
    print(f"\ntarget render <= 1.0x naive: {'met' if ratio <= 1.0 else 'NOT met'} "
          f"({ratio:.2f}x)")
    return {"render_s": render_s, "naive_s": naive_s, "ratio": ratio, **hot,
            "busy": busy(args.repeat)}


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        t0 = time.perf_counter()
        main()
        print(f"({time.perf_counter() - t0:.0f} s)")
