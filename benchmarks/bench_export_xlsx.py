"""`g60map export --format xlsx` next to `--format csv` of 5k partners, whole commands.

Usage: python benchmarks/bench_export_xlsx.py [--rows 5000] [--outside 250] [--repeat 3]
                                              [--baseline DIR]

The partners are :func:`g60map.reference.synthetic.make_partners` (Chinese names and addresses
spread over the nine cities, some given by city only) plus ``--outside`` rows outside the
corridor, written once to ``DATA/export_partners_<rows>.csv``. Each run is a fresh
``python -m g60map -q export --partners FILE --format FMT --out DIR`` process (the
whole command: start, load, join, write); xlsx and csv runs are interleaved and the
medians reported with their ratio. ``--baseline DIR`` adds the xlsx export with another
checkout of g60map first on ``PYTHONPATH``.

Target (issue 23): xlsx <= 3x the time of csv (it was 16.8x with the previous writer).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import DATA, ROOT, interleaved, med, print_machine, run_child, table

TARGET_RATIO = 3.0


def _partners(rows: int, outside: int) -> Path:
    """Write (once) the synthetic partners table; return its path."""
    path = DATA / f"export_partners_{rows}_{outside}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT))
    from g60map.reference import synthetic

    table = synthetic.make_partners(rows, outside=outside)
    DATA.mkdir(parents=True, exist_ok=True)
    table.drop(columns="city_code_expected", errors="ignore").to_csv(
        path, index=False, lineterminator="\n"
    )
    return path


def main(argv: list[str] | None = None) -> dict[str, float]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=5_000)
    p.add_argument("--outside", type=int, default=250)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--baseline", help="another g60map checkout to compare with")
    args = p.parse_args(argv)
    print_machine()
    partners = _partners(args.rows, args.outside)
    py = sys.executable
    out = Path(tempfile.mkdtemp(prefix="g60map-bench-export-"))
    env = {"PYTHONPATH": str(ROOT)}
    cmds = {
        fmt: ([py, "-m", "g60map", "-q", "export", "--partners", str(partners),
               "--format", fmt, "--out", str(out / fmt)], env)
        for fmt in ("xlsx", "csv")
    }
    if args.baseline:
        cmds["xlsx (baseline)"] = (
            cmds["xlsx"][0][:-1] + [str(out / "baseline")],
            {"PYTHONPATH": str(Path(args.baseline).resolve())},
        )

    def runner(key: str):
        def run() -> float:
            cmd, child_env = cmds[key]
            res = run_child(cmd, env=child_env)
            if res["rc"] != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{res['stderr'][-2000:]}")
            return res["wall_s"]

        return run

    for key in cmds:  # warm the OS file cache
        runner(key)()
    values = interleaved({k: runner(k) for k in cmds}, args.repeat)
    csv_s = med(values["csv"])
    rows = [[f"export --format {k}", f"{med(v):.2f}", f"{min(v):.2f}", f"{med(v) / csv_s:.2f}"]
            for k, v in values.items()]
    size = (out / "xlsx" / "g60_corridor.xlsx").stat().st_size
    print(f"\n{args.rows:,} partners (+{args.outside:,} outside the corridor); "
          f"xlsx {size / 1e6:.2f} MB; medians of {args.repeat} interleaved runs:")
    print(table(["command", "median s", "min s", "vs csv"], rows))
    shutil.rmtree(out, ignore_errors=True)
    ratio = med(values["xlsx"]) / csv_s
    print(f"\ntarget xlsx <= {TARGET_RATIO:.0f}x csv: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'} ({ratio:.2f}x)")
    return {k: med(v) for k, v in values.items()}


if __name__ == "__main__":
    main()
