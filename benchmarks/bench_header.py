"""Time of reading a CSV with a very wide header (the header checks must scale linearly).

Writes a two-row CSV with N columns (N = 1k, 10k, 100k by default; the names are
distinct) and times, median of ``--repeat`` runs in this process:

* ``read``: :func:`g60map.ingest.read.read_table` with :data:`g60map.settings.MAX_COLUMNS`
  raised so the cap does not stop it (parse + header checks);
* ``check``: the header checks alone (repeated names, one-column header);
* ``refuse``: ``read_table`` with the default cap, which refuses the wider files.

and the ratio of each ``read``/``check`` time to the one before it: a linear check gives a
ratio close to the ratio of the sizes (10), a quadratic one close to 100.

Usage: ``python benchmarks/bench_header.py [N ...] [--repeat R] [--max-seconds S]``.
A size is skipped once the previous read took more than ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from g60map import G60InputError, settings
from g60map.ingest._checks import check_header
from g60map.ingest.read import read_table


def write_wide(path: Path, n: int) -> Path:
    """Write a CSV with ``n`` distinct column names and one data row."""
    header = ",".join(f"c{i}" for i in range(n))
    row = ",".join(str(i % 10) for i in range(n))
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``func()`` over ``repeat`` runs (errors count as done)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            func()
        except G60InputError:
            pass
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    default_cap = settings.MAX_COLUMNS
    print(f"{'columns':>9} {'read s':>9} {'ratio':>6} {'check s':>9} {'ratio':>6} {'refuse s':>9}")
    previous: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.sizes):
            if previous is not None and previous[0] > args.max_seconds:
                print(f"{n:>9} {'skipped':>9}")
                continue
            path = write_wide(Path(tmp) / f"wide_{n}.csv", n)
            names = pd.Index([f"c{i}" for i in range(n)])
            settings.MAX_COLUMNS = n + 1
            read = median_seconds(lambda p=path: read_table(p), args.repeat)
            check = median_seconds(lambda c=names: check_header(c, "wide.csv"), args.repeat)
            settings.MAX_COLUMNS = default_cap
            refuse = median_seconds(lambda p=path: read_table(p), args.repeat)
            r1 = f"{read / previous[0]:6.1f}" if previous else f"{'':>6}"
            r2 = f"{check / previous[1]:6.1f}" if previous else f"{'':>6}"
            print(f"{n:>9} {read:9.3f} {r1} {check:9.4f} {r2} {refuse:9.4f}")
            previous = (read, check)


if __name__ == "__main__":
    main()
