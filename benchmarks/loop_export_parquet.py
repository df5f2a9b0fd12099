"""Run ``g60map export --format parquet`` N times as fresh processes; count the failures.

Usage: python benchmarks/loop_export_parquet.py [N] [--jobs J] [--out DIR]

A run fails when it exits non-zero or writes anything to stderr (the abort seen at
interpreter exit printed ``terminate called without an active exception`` and exited
134 after every file had been written). ``--jobs`` runs that many exports at once (the
abort was timing-dependent; a loaded machine makes it more likely). Prints each failure
(exit code and the last stderr line) and ``failures/N``; exits 1 if any run failed.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import shutil
import sys
import tempfile
from pathlib import Path

from _common import run_child


def export_cmd(out: Path) -> list[str]:
    """Return the command line of one quiet parquet export into ``out``."""
    exe = shutil.which("g60map")
    base = [exe] if exe else [sys.executable, "-m", "g60map"]
    return [*base, "-q", "export", "--format", "parquet", "--out", str(out)]


def one_run(out: Path) -> dict:
    """Run one export into ``out``; return :func:`_common.run_child`'s result."""
    return run_child(export_cmd(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100, help="runs (default 100)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    parser.add_argument("--out", help="output folder (default: a temporary folder)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.out or tmp)
        outs = [base / f"run{i}" for i in range(args.n)]
        kinds: collections.Counter[str] = collections.Counter()
        failures = 0
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for i, res in enumerate(pool.map(one_run, outs), 1):
                if res["rc"] != 0 or res["stderr"].strip():
                    failures += 1
                    last = (res["stderr"].strip().splitlines() or [""])[-1]
                    kinds[f"exit {res['rc']}: {last}"] += 1
                    print(f"run {i}: exit {res['rc']}: {last}", flush=True)
        for kind, count in kinds.most_common():
            print(f"{count:4d} x {kind}")
        print(f"{failures}/{args.n} runs failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
