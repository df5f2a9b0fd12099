"""Default map vs a naive ``GeoDataFrame.explore()`` of the same layers: HTML size, draw time.

Usage: python benchmarks/bench_html.py [--repeat 5]

The naive map is what a geopandas user writes: ``provinces.explore()`` then city
boundaries, the nine cities, partners and investments added with ``.explore(m=m)``, saved
with ``m.save``. It needs ``mapclassify`` (``pip install mapclassify``), a dependency of
``explore()``, not of g60map. Sizes compare like with like: both maps as saved, linking
Leaflet from the CDN (``g60map build --cdn``). Draw times compare both maps offline:
``g60map build`` (Leaflet inlined, the default) against the naive page with Leaflet's JS
and CSS inlined the same way (its other CDN links, jQuery/bootstrap/fonts, are left and
fail at once: no DNS). Draw time = ``goto`` until the first animation frame after
``load`` with the layers in the map panes; medians of interleaved runs. Targets: default
HTML <= 40 % of the naive one, and drawn faster.
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


def inline_leaflet(html: str) -> str:
    """Return the naive page with Leaflet's JS and CSS inlined (like --self-contained)."""
    from g60map.render.web.assets import (
        cdn_urls,
        escape_script,
        escape_style,
        inline_css,
        inline_js,
    )

    urls = cdn_urls()
    js = f'<script src="{urls["leaflet.js"]}"></script>'
    css = f'<link rel="stylesheet" href="{urls["leaflet.css"]}"/>'
    if js not in html or css not in html:
        raise SystemExit("the naive map does not link Leaflet as expected; update inline_leaflet")
    html = html.replace(js, f"<script>{escape_script(inline_js('leaflet.js'))}</script>")
    return html.replace(css, f"<style>{escape_style(inline_css('leaflet.css'))}</style>")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        paths = {
            "naive": Path(tmp, "naive.html"),
            "naive_inline": Path(tmp, "naive_inline.html"),
            "ours": Path(tmp, "ours", "g60_corridor.html"),
            "ours_sc": Path(tmp, "self-contained", "g60_corridor.html"),
        }
        for cmd in (
            [*build_cmd(str(paths["ours"].parent)), "--cdn"],
            build_cmd(str(paths["ours_sc"].parent)),  # offline: the default
            [sys.executable, "-c", NAIVE.format(out=str(paths["naive"]))],
        ):
            res = run_child(cmd)
            if res["rc"] != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{res['stderr'][-2000:]}")
        paths["naive_inline"].write_text(
            inline_leaflet(paths["naive"].read_text(encoding="utf-8")), encoding="utf-8"
        )
        sizes = {k: v.stat().st_size for k, v in paths.items()}
        timed = ("naive_inline", "ours_sc")
        runs: dict[str, list[dict]] = {k: [] for k in timed}
        with Chromium() as chromium:
            chromium.draw_time(paths["ours_sc"])  # warm the browser process

            def timer(key: str):
                def f() -> float:
                    r = chromium.draw_time(paths[key])
                    runs[key].append(r)
                    return r["seconds"]

                return f

            values = interleaved({k: timer(k) for k in timed}, args.repeat)
    draw = {k: med(v) for k, v in values.items()}
    size_ratio = sizes["ours"] / sizes["naive"]
    draw_ratio = draw["ours_sc"] / draw["naive_inline"]

    def row(label: str, key: str, ref: str) -> list:
        d = f"{draw[key]:.3f}" if key in draw else "-"
        dr = f"{draw[key] / draw['naive_inline']:.2f}" if key in draw else "-"
        errors = len(runs[key][-1]["errors"]) if key in runs else "-"
        return [label, mb(sizes[key]), f"{100 * sizes[key] / sizes[ref]:.1f} %", d, dr, errors]

    print()
    print(
        table(
            ["map", "HTML", "size vs naive", "draw median s", "draw vs naive", "page errors"],
            [
                row("naive explore(), CDN links", "naive", "naive"),
                row("g60map build --cdn, CDN links", "ours", "naive"),
                row("naive explore(), Leaflet inlined", "naive_inline", "naive_inline"),
                row("g60map build (default, Leaflet inlined)", "ours_sc", "naive_inline"),
            ],
        )
    )
    print(
        f"\ntargets: default map size <= 40 % of naive ({'met' if size_ratio <= 0.4 else 'NOT met'}"
        f": {100 * size_ratio:.1f} %); draws faster, both offline "
        f"({'met' if draw_ratio < 1 else 'NOT met'}: {draw_ratio:.2f}x)"
    )
    for key in timed:
        errs = runs[key][-1]["errors"]
        if errs:
            print(f"page errors in {key}: {errs[:3]}")
    return {"sizes": sizes, "draw": draw, "size_ratio": size_ratio, "draw_ratio": draw_ratio}


if __name__ == "__main__":
    main()
