"""Run every benchmark and keep the output.

Usage::

    pip install -e ".[dask]" mapclassify     # mapclassify: only for the naive explore() map
    python benchmarks/run_all.py [--quick]

Runs, one after the other (never in parallel: they would measure each other):
``make_partners.py`` (1k-1M, once), ``bench_startup.py``, ``bench_html.py``,
``bench_partners.py``, ``bench_dask.py``, ``bench_header.py`` and ``bench_popup_size.py``.
Everything printed is also written to ``results-<date>.md`` in the data folder
(``_common.DATA``: the system's temporary folder, or ``$G60MAP_BENCH_DATA``). ``--quick`` uses sizes up to 100k and fewer repeats (a smoke run, not
numbers to record).
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
    args = p.parse_args(argv)
    sizes = ["1000", "10000", "100000"] + ([] if args.quick else ["1000000"])
    rep = ["--repeat", "2" if args.quick else "5"]
    steps = [
        ("synthetic partners", ["make_partners.py", *sizes]),
        ("startup: g60map build vs import geopandas, folium", ["bench_startup.py", *rep]),
        ("HTML size and draw time vs explore()", ["bench_html.py", *rep]),
        ("partners at scale", ["bench_partners.py", "--sizes", *sizes,
                               "--repeat", "1" if args.quick else "3"]),
        ("pandas vs dask engine", ["bench_dask.py", "--sizes", *sizes[-2:]]),
        ("wide headers", ["bench_header.py", *rep]),
        ("map size with long popup texts", ["bench_popup_size.py"]),
    ]
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
