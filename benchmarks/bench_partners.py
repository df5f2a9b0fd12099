"""Partners at 1k, 10k, 100k and 1M rows: load + validate + join, and the map.

Usage: python benchmarks/bench_partners.py [--sizes 1000 10000 100000 1000000] [--repeat 3]

Synthetic tables come from ``g60map.reference.synthetic`` (written to ``benchmarks/data/`` once).
Each measurement is a fresh process:

* ``load``: ``g60map.load_partners(path)`` on the CSV and on the GeoParquet file; the
  time of that call (imports excluded, first boundary load included) and the process's
  peak RSS (``VmHWM``; the RSS after the imports alone is reported as the baseline);
* ``map``: load the CSV, ``build_map(load_corridor(partners, investments))`` and
  ``save_map`` (CDN links, ``self_contained=False``, and inlined, ``self_contained=True``);
  build time, HTML size, peak RSS;
* then headless Chromium opens each self-contained map (offline) and the time to draw it
  is measured as in ``bench_html.py``.

Targets at 1M rows: load + validate + join <= 15 s and <= 2 GB peak; map HTML <= 5 MB,
opens in <= 5 s. Small sizes are repeated ``--repeat`` times (median); 1M runs once
unless ``--repeat-large``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import DATA, Chromium, child_json, mb, med, peak_rss_mb, print_machine, table

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def _child(argv: list[str]) -> None:
    """Run one measurement in this (fresh) process and print a JSON line."""
    import warnings

    mode, path = argv[0], argv[1]
    t0 = time.perf_counter()
    import g60map

    if mode == "map":
        from g60map.render.web.interactive import build_map, save_map
    import_s = time.perf_counter() - t0
    out: dict = {"import_s": import_s, "base_rss_mb": peak_rss_mb()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean synthetic table must load without warnings
        t0 = time.perf_counter()
        partners = g60map.load_partners(path)
        out["load_s"] = time.perf_counter() - t0
    out["rows"] = len(partners)
    out["load_rss_mb"] = peak_rss_mb()
    if mode == "map":
        investments = g60map.load_investments()
        corridor = g60map.load_corridor(partners, investments)
        t0 = time.perf_counter()
        m = build_map(corridor)
        out["build_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        html = save_map(m, Path(argv[2]) / "default.html", self_contained=False)  # CDN links
        out["save_s"] = time.perf_counter() - t0
        sc = save_map(m, Path(argv[2]) / "self_contained.html", self_contained=True)
        out["html_bytes"] = html.stat().st_size
        out["html_sc_bytes"] = sc.stat().st_size
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def measure(cmd: list[str], n: int) -> list[dict]:
    return [child_json(cmd) for _ in range(n)]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    p.add_argument("--repeat", type=int, default=3, help="runs per size below 1M (median)")
    p.add_argument("--repeat-large", type=int, default=1, help="runs per size >= 1M")
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium draw times")
    args = p.parse_args(argv)
    print_machine()
    from g60map.reference.synthetic import write_partners

    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    load_rows, map_rows, results = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        maps = {}
        for n in args.sizes:
            csv_path, pq_path = write_partners(n, DATA)
            reps = args.repeat if n < 1_000_000 else args.repeat_large
            res = {}
            for fmt, path in (("csv", csv_path), ("parquet", pq_path)):
                runs = measure([*me, "load", str(path)], reps)
                res[fmt] = {
                    "load_s": med([r["load_s"] for r in runs]),
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                    "base_rss_mb": med([r["base_rss_mb"] for r in runs]),
                    "size_bytes": path.stat().st_size,
                }
                load_rows.append(
                    [f"{n:,}", fmt, mb(path.stat().st_size), f"{res[fmt]['load_s']:.2f}",
                     f"{res[fmt]['peak_rss_mb']:.0f}", f"{res[fmt]['base_rss_mb']:.0f}", reps]
                )
            out_dir = Path(tmp, str(n))
            out_dir.mkdir()
            runs = measure([*me, "map", str(csv_path), str(out_dir)], reps)
            res["map"] = {
                "build_s": med([r["build_s"] for r in runs]),
                "save_s": med([r["save_s"] for r in runs]),
                "html_bytes": runs[-1]["html_bytes"],
                "html_sc_bytes": runs[-1]["html_sc_bytes"],
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            }
            maps[n] = out_dir / "self_contained.html"
            results[n] = res
            print(f"  measured {n:,} rows", file=sys.stderr)
        if not args.no_browser:
            with Chromium() as chromium:
                chromium.draw_time(maps[args.sizes[0]])  # warm up
                for n in args.sizes:
                    reps = args.repeat if n < 1_000_000 else max(args.repeat_large, 3)
                    draws = [chromium.draw_time(maps[n]) for _ in range(reps)]
                    results[n]["map"]["draw_s"] = med([d["seconds"] for d in draws])
                    results[n]["map"]["draw_errors"] = draws[-1]["errors"]
                    results[n]["map"]["markers"] = draws[-1]["markers"]
    for n in args.sizes:
        r = results[n]["map"]
        map_rows.append(
            [f"{n:,}", f"{r['build_s']:.2f}", f"{r['save_s']:.2f}", mb(r["html_bytes"]),
             mb(r["html_sc_bytes"]), f"{r['peak_rss_mb']:.0f}",
             f"{r['draw_s']:.2f}" if "draw_s" in r else "-",
             len(r.get("draw_errors", []))]
        )
    print("\nload + validate + join (`g60map.load_partners`), one fresh process per run:")
    print(table(["rows", "format", "file", "median s", "peak RSS MB", "RSS after imports MB",
                 "runs"], load_rows))
    print("\nmap (`build_map` + `save_map`, partners from the CSV, plus the packaged "
          "investments):")
    print(table(["rows", "build s", "save s", "HTML (CDN links)", "HTML self-contained",
                 "peak RSS MB (incl. load)", "Chromium draw s", "page errors"], map_rows))
    big = max(args.sizes)
    if big >= 1_000_000:
        r = results[big]
        ok_time = r["csv"]["load_s"] <= 15 and r["parquet"]["load_s"] <= 15
        ok_mem = max(r["csv"]["peak_rss_mb"], r["parquet"]["peak_rss_mb"]) <= 2048
        ok_html = r["map"]["html_sc_bytes"] <= 5e6
        ok_draw = r["map"].get("draw_s", 99) <= 5
        print(
            f"\ntargets at {big:,} rows: load <= 15 s {'met' if ok_time else 'NOT met'}; "
            f"peak <= 2 GB {'met' if ok_mem else 'NOT met'}; HTML <= 5 MB "
            f"{'met' if ok_html else 'NOT met'}; opens <= 5 s {'met' if ok_draw else 'NOT met'}"
        )
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        main()
