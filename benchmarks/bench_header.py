"""Time of reading a CSV with a very wide header (the header checks must scale linearly).

Writes a two-row CSV with N columns (N = 1k, 10k, 100k by default; the names are
distinct), raises :data:`g60map.settings.MAX_COLUMNS` so the cap does not stop the read,
and times :func:`g60map.io.read_table` (median of ``--repeat`` runs, each in this
process). Prints seconds per size and the ratio of each time to the one before it: a
linear check gives a ratio close to the ratio of the sizes (10), a quadratic one ~100.

Usage: ``python benchmarks/bench_header.py [N ...] [--repeat R] [--max-seconds S]``.
A size is skipped once the previous one took more than ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from g60map import settings
from g60map.io import read_table


def write_wide(path: Path, n: int) -> Path:
    """Write a CSV with ``n`` distinct column names and one data row."""
    header = ",".join(f"c{i}" for i in range(n))
    row = ",".join(str(i % 10) for i in range(n))
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def time_read(path: Path, repeat: int) -> float:
    """Median seconds of ``read_table(path)`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        read_table(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    if hasattr(settings, "MAX_COLUMNS"):
        settings.MAX_COLUMNS = max(args.sizes) + 1
    print(f"{'columns':>9} {'seconds':>9} {'ratio':>7}")
    previous = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.sizes):
            if previous is not None and previous > args.max_seconds:
                print(f"{n:>9} {'skipped':>9}")
                continue
            seconds = time_read(write_wide(Path(tmp) / f"wide_{n}.csv", n), args.repeat)
            ratio = f"{seconds / previous:7.1f}" if previous else f"{'':>7}"
            print(f"{n:>9} {seconds:9.3f} {ratio}")
            previous = seconds


if __name__ == "__main__":
    main()
