"""Write N synthetic partners inside the nine corridor city polygons, deterministically.

Usage::

    python benchmarks/make_partners.py 100000 [--out DIR] [--seed 60] [--force]

Writes ``partners_<N>.csv`` (UTF-8, lon/lat columns) and ``partners_<N>.parquet``
(GeoParquet, point geometry instead of lon/lat) into ``DIR`` (default: ``g60map-bench`` in
the system's temporary folder, or ``$G60MAP_BENCH_DATA``; never into the repository).
The rows are :func:`g60map.reference.synthetic.make_partners` (made-up companies, ``Synthetic Co.
0001``): the same N and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from g60map.reference.synthetic import write_partners

DATA_DIR = Path(
    os.environ.get("G60MAP_BENCH_DATA") or Path(tempfile.gettempdir()) / "g60map-bench"
)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, nargs="+", help="number(s) of rows")
    p.add_argument("--out", default=str(DATA_DIR), help=f"output folder (default {DATA_DIR})")
    p.add_argument("--seed", type=int, default=60)
    p.add_argument("--force", action="store_true", help="rewrite existing files")
    args = p.parse_args(argv)
    for n in args.n:
        t0 = time.perf_counter()
        paths = write_partners(n, args.out, seed=args.seed, force=args.force)
        sizes = ", ".join(f"{q.name} {q.stat().st_size / 1e6:.1f} MB" for q in paths)
        print(f"{n:>9,d} rows: {sizes} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
