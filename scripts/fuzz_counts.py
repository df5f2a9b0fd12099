"""Run the fuzz harness (tests/test_fuzz.py) and print how each input ended, per surface.

    python scripts/fuzz_counts.py                 # the harness's own example counts
    python scripts/fuzz_counts.py --scale 20      # twenty times as many
    python scripts/fuzz_counts.py -k exports      # some of its tests only

Crashes and hangs are counted, not raised, so every example runs; the first inputs of each
kind of crash are listed under the table. Exit 1 when there was a crash or a hang.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("tried", "errors", "correct", "crashes", "hangs")
HEADINGS = ("inputs tried", "handled clearly (errors)", "correct outputs", "crashes", "hangs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every example count (default 1)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds one example may take before it counts as a hang")
    parser.add_argument("-k", default="", metavar="EXPR", help="pytest -k: which tests to run")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(errors="backslashreplace")  # inputs may hold lone surrogates
    with tempfile.TemporaryDirectory(prefix="g60map-fuzz-") as tmp:
        counts_file = Path(tmp) / "counts.json"
        os.environ.update(G60MAP_FUZZ_SCALE=str(args.scale), G60MAP_FUZZ_TIMEOUT=str(args.timeout),
                          G60MAP_FUZZ_COUNTS=str(counts_file))
        sys.path.insert(0, str(ROOT))
        pytest_args = ["-q", "-p", "no:cacheprovider", "-m", "slow", "--rootdir", str(ROOT),
                       str(ROOT / "tests" / "test_fuzz.py")]
        if args.k:
            pytest_args += ["-k", args.k]
        pytest.main(pytest_args)
        if not counts_file.exists():
            print("no counts written (did any test run?)", file=sys.stderr)
            return 1
        found = json.loads(counts_file.read_text())
    counts, samples = found["counts"], found["samples"]
    width = max([len("surface"), *map(len, counts)])
    print()
    print(f"{'surface':<{width}}  " + "  ".join(f"{h:>{max(len(h), 7)}}" for h in HEADINGS))
    total = dict.fromkeys(COLUMNS, 0)
    for surface in sorted(counts):
        row = counts[surface]
        for c in COLUMNS:
            total[c] += row[c]
        print(f"{surface:<{width}}  " + "  ".join(
            f"{row[c]:>{max(len(h), 7)},}" for c, h in zip(COLUMNS, HEADINGS, strict=True)))
    print(f"{'total':<{width}}  " + "  ".join(
        f"{total[c]:>{max(len(h), 7)},}" for c, h in zip(COLUMNS, HEADINGS, strict=True)))
    if samples:
        print("\ncrashes and hangs (first inputs of each):")
        for key in sorted(samples):
            print(f"- {key}")
            for line in samples[key]:
                print(f"    {line}")
    return 1 if total["crashes"] or total["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main())
