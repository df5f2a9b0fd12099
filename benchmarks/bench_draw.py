"""10,000 partners on the map: draw time of the g60map page vs folium's FastMarkerCluster.

Usage: python benchmarks/bench_draw.py [--rows 10000] [--repeat 5]

The same synthetic partners (``make_partners.py``, written once to the data folder) are
drawn by

* ``g60map``: ``g60map build --partners partners_N.csv --self-contained`` (the default
  map: boundaries, cities, spokes, investments and the partners);
* ``FastMarkerCluster``: a plain ``folium.Map`` with ``folium.plugins.FastMarkerCluster``
  of the same points (the rows with coordinates; a city-only row has no point to give it)
  as Leaflet's default markers (folium's default callback needs Leaflet.awesome-markers,
  not packaged for offline use), Leaflet and Leaflet.markercluster inlined like
  ``--self-contained``;

and each page is opened in headless Chromium, offline, as in ``bench_html.py`` (draw time
= ``goto`` until the first animation frame after ``load`` with the layers in the map
panes; interleaved runs, medians). Both builds are also timed as whole processes.
Target (issue 11): the g60map page draws no slower than FastMarkerCluster.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import DATA, Chromium, interleaved, mb, med, print_machine, run_child, table
from bench_startup import build_cmd

FAST = """
import folium
import pandas as pd
from folium.plugins import FastMarkerCluster

df = pd.read_csv({csv!r}).dropna(subset=["lon", "lat"])
m = folium.Map(location=[30.6, 120.4], zoom_start=8)
# Leaflet's own marker: folium's default callback needs Leaflet.awesome-markers, which is
# not packaged for offline use.
plain = "function (row) {{ return L.marker(new L.LatLng(row[0], row[1])); }}"
FastMarkerCluster(df[["lat", "lon"]].to_numpy().tolist(), callback=plain).add_to(m)
m.save({out!r})
"""


def inline_assets(html: str) -> str:
    """Return a folium page with Leaflet and Leaflet.markercluster inlined (offline)."""
    import re

    from g60map.render.web.assets import escape_script, escape_style, inline_css, inline_js

    files = {
        "leaflet.js": "js", "leaflet.css": "css", "leaflet.markercluster.js": "js",
        "MarkerCluster.css": "css", "MarkerCluster.Default.css": "css",
    }
    for name, kind in files.items():
        if kind == "js":
            pattern = rf'<script src="[^"]*/{re.escape(name)}"></script>'
            body = f"<script>{escape_script(inline_js(name))}</script>"
        else:
            pattern = rf'<link rel="stylesheet" href="[^"]*/{re.escape(name)}"/>'
            body = f"<style>{escape_style(inline_css(name))}</style>"
        html, n = re.subn(pattern, lambda _m, body=body: body, html)
        if n != 1:
            raise SystemExit(f"the FastMarkerCluster page does not link {name} as expected")
    return html


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print_machine()
    made = run_child([sys.executable, str(Path(__file__).with_name("make_partners.py")),
                      str(args.rows), "--out", str(DATA)])
    if made["rc"] != 0:
        raise SystemExit(made["stderr"][-2000:])
    csv_path = DATA / f"partners_{args.rows}.csv"
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp, "ours", "g60_corridor.html")
        fast_raw, fast = Path(tmp, "fast_cdn.html"), Path(tmp, "fast.html")
        cmds = {
            "g60map build --self-contained": [
                *build_cmd(str(ours.parent)), "--partners", str(csv_path), "--self-contained"
            ],
            "folium FastMarkerCluster": [
                sys.executable, "-c", FAST.format(csv=str(csv_path), out=str(fast_raw))
            ],
        }
        builds: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(max(1, args.repeat // 2)):
            for key, cmd in cmds.items():
                res = run_child(cmd)
                if res["rc"] != 0:
                    raise SystemExit(f"{' '.join(cmd)} failed:\n{res['stderr'][-2000:]}")
                builds[key].append(res["wall_s"])
        fast.write_text(inline_assets(fast_raw.read_text(encoding="utf-8")), encoding="utf-8")
        pages = {"g60map build --self-contained": ours, "folium FastMarkerCluster": fast}
        runs: dict[str, list[dict]] = {k: [] for k in pages}
        with Chromium() as chromium:
            chromium.draw_time(ours)  # warm the browser process

            def timer(key: str):
                def f() -> float:
                    r = chromium.draw_time(pages[key])
                    runs[key].append(r)
                    return r["seconds"]

                return f

            values = interleaved({k: timer(k) for k in pages}, args.repeat)
        sizes = {k: v.stat().st_size for k, v in pages.items()}
    draw = {k: med(v) for k, v in values.items()}
    ref = draw["folium FastMarkerCluster"]
    print(f"\n{args.rows:,} partners ({csv_path.name}), both pages offline:")
    print(table(
        ["page", "HTML", "build s (whole process)", "draw median s", "draw min s",
         "draw vs FastMarkerCluster", "page errors"],
        [[k, mb(sizes[k]), f"{med(builds[k]):.2f}", f"{draw[k]:.3f}", f"{min(values[k]):.3f}",
          f"{draw[k] / ref:.2f}", len(runs[k][-1]["errors"])] for k in pages],
    ))
    ratio = draw["g60map build --self-contained"] / ref
    print(f"\ntarget: draws no slower than FastMarkerCluster: {'met' if ratio <= 1 else 'NOT met'}"
          f" ({ratio:.2f}x)")
    return {"draw": draw, "ratio": ratio, "sizes": sizes}


if __name__ == "__main__":
    main()
