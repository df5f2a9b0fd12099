"""Run every benchmark and keep the output.

Usage::

    pip install -e ".[bench]"      # mapclassify (naive explore() map), playwright, dask
    python benchmarks/run_all.py [--quick] [--only NAME ...]

Runs, one after the other (never in parallel: they would measure each other): first the
issue-11 targets (``bench_startup.py``, ``bench_validate.py``, ``bench_draw.py``,
``bench_render.py``, ``bench_dask.py`` up to 10M rows), then ``bench_html.py``,
``bench_partners.py``, ``bench_header.py`` and ``bench_popup_size.py``. Synthetic tables
(1k-1M rows, and 10M for dask: 1.4 GB) and everything printed, as ``results-<date>.md``,
go to the data folder (``_common.DATA``: ``g60map-bench`` in the system's temporary
folder, or ``$G60MAP_BENCH_DATA``), never into the repository. ``--quick`` uses sizes up
to 100k and fewer repeats (a smoke run, not numbers to record); ``--only`` runs the named
scripts (``--only validate dask``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time

from _common import BENCH, DATA, print_machine


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="sizes up to 100k, fewer repeats")
    p.add_argument("--only", nargs="+", metavar="NAME",
                   help="run only these scripts (startup, validate, draw, render, dask, ...)")
    args = p.parse_args(argv)
    sizes = ["1000", "10000", "100000"] + ([] if args.quick else ["1000000"])
    rep = ["--repeat", "2" if args.quick else "5"]
    steps = [
        ("synthetic partners", ["make_partners.py", *sizes, "--out", str(DATA)]),
        ("startup: g60map build vs import geopandas, folium", ["bench_startup.py", *rep]),
        ("issue 23: g60map build and --version vs import geopandas, folium",
         ["bench_build.py", *rep]),
        ("issue 23: default report size", ["bench_report_size.py"]),
        ("g60map validate, 1k and 1M rows", ["bench_validate.py", "--sizes", "1000",
                                              sizes[-1], *rep]),
        ("issue 23: validate of 1M rows, a third outside the corridor, vs read_csv",
         ["bench_validate_outside.py"]),
        ("issue 23: export --format xlsx vs csv, 5k partners", ["bench_export_xlsx.py"]),
        ("10k partners: draw time vs folium FastMarkerCluster", ["bench_draw.py", *rep]),
        ("g60map render vs naive plot + savefig", ["bench_render.py", *rep]),
        ("zh PDF vs PNG: whole render commands, font cache", ["bench_pdf.py"]),
        ("pandas vs dask engine", ["bench_dask.py", "--sizes", *(
            ["100000", "--budget-gb", "0"] if args.quick else ["1000000", "10000000"])]),
        ("HTML size and draw time vs explore()", ["bench_html.py", *rep]),
        ("the map with its views: size and draw time", ["bench_map_views.py", *rep]),
        ("partners at scale", ["bench_partners.py", "--sizes", *sizes,
                               "--repeat", "1" if args.quick else "3"]),
        ("wide headers", ["bench_header.py", *rep]),
        ("map size with long popup texts", ["bench_popup_size.py"]),
    ]
    if args.only:
        wanted = {f"bench_{name.removeprefix('bench_').removesuffix('.py')}.py"
                  for name in args.only}
        steps = [s for s in steps if s[1][0] in wanted or s[1][0] == "make_partners.py"]
    DATA.mkdir(parents=True, exist_ok=True)
    log_path = DATA / f"results-{dt.date.today().isoformat()}.md"
    failed = 0
    with open(log_path, "w", encoding="utf-8") as log:
        def emit(text: str) -> None:
            print(text, flush=True)
            log.write(text + "\n")
            log.flush()

        print_machine()
        for title, cmd in steps:
            emit(f"\n## {title}\n\n$ python benchmarks/{' '.join(cmd)}")
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, str(BENCH / cmd[0]), *cmd[1:]],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=BENCH,
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                emit(line.rstrip("\n"))
            rc = proc.wait()
            failed += rc != 0
            status = "ok" if rc == 0 else f"FAILED, exit {rc}"
            emit(f"\n({status}, {time.perf_counter() - t0:.0f} s)")
    print(f"\nwritten to {log_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
