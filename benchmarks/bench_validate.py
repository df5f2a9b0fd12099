"""`g60map validate` of 1k and 1M partner rows, whole process, and where its time goes.

Usage: python benchmarks/bench_validate.py [--sizes 1000 1000000] [--repeat 5]
                                           [--baseline DIR]

1. Whole process, fresh each run, interleaved (A B C A B C ...), medians: ``python -m
   g60map -q validate FILE`` for each size, next to ``python -c "import geopandas,
   folium"`` (the reference of the startup benchmark) and ``python -c pass``. Peak memory
   is the child's ``ru_maxrss`` (it spawns nothing). ``--baseline DIR`` adds the same
   ``validate`` runs with another checkout of g60map first on ``PYTHONPATH`` (before/after
   side by side, interleaved).
2. Phases, in one fresh process per size (median of ``--repeat`` processes): interpreter
   start; ``import g60map.cli, g60map.ingest.tables`` (what ``validate`` imports before it reads);
   ``read_table``; the boundaries the join uses (read, datum shift, prepared polygons:
   loaded once per process, on the first point); ``validate_table``; the join after
   validation (city names, addresses, points in polygons); the whole ``check_table``
   once more for reference (boundaries then cached).

Targets (issue 11): 1M rows <= 4 s and <= 1 GB peak, whole process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import DATA, interleaved, med, peak_rss_mb, print_machine, run_child, table

TARGET_S, TARGET_MB = 4.0, 1000.0


def _child(path: str) -> None:
    """Time the phases of `g60map validate` in this fresh process; print one JSON line."""
    t0 = time.perf_counter()
    import numpy as np

    import g60map.cli  # noqa: F401 - what the command line imports first
    from g60map.ingest import join, tables
    from g60map.ingest.read import read_table
    from g60map.ingest.validate import validate_table

    out = {"import_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    df = read_table(path)
    out["read_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    join.locate_points(np.array([121.2]), np.array([31.0]))  # loads the boundaries once
    out["boundaries_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    validate_table(df, "partners")
    out["validate_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    tables.check_table(path, "partners")
    out["check_table_s"] = time.perf_counter() - t0
    out["join_s"] = out["check_table_s"] - out["read_s"] - out["validate_s"]
    out["rows"] = len(df)
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--baseline", help="another g60map checkout to compare with")
    args = p.parse_args(argv)
    print_machine()
    py = sys.executable
    made = run_child([py, str(Path(__file__).with_name("make_partners.py")),
                      *map(str, args.sizes), "--out", str(DATA)])  # a child: small parent
    if made["rc"] != 0:
        raise SystemExit(made["stderr"][-2000:])
    files = {n: DATA / f"partners_{n}.csv" for n in args.sizes}
    cmds = {
        "python -c pass": [py, "-c", "pass"],
        'python -c "import geopandas, folium"': [py, "-c", "import geopandas, folium"],
        **{f"g60map validate ({n:,} rows)": [py, "-m", "g60map", "-q", "validate", str(f)]
           for n, f in files.items()},
    }
    envs: dict[str, dict[str, str] | None] = dict.fromkeys(cmds)
    if args.baseline:
        for n, f in files.items():
            key = f"baseline: g60map validate ({n:,} rows)"
            cmds[key] = [py, "-m", "g60map", "-q", "validate", str(f)]
            envs[key] = {"PYTHONPATH": str(Path(args.baseline).resolve())}
    runs: dict[str, list[dict]] = {k: [] for k in cmds}

    def runner(key: str):
        def f() -> float:
            res = run_child(cmds[key], env=envs[key])
            if res["rc"] != 0:
                raise SystemExit(f"{' '.join(cmds[key])} failed:\n{res['stderr'][-2000:]}")
            runs[key].append(res)
            return res["wall_s"]

        return f

    for key in cmds:  # warm the OS file cache
        runner(key)()
        runs[key].clear()
    values = interleaved({k: runner(k) for k in cmds}, args.repeat)
    bare = med(values['python -c "import geopandas, folium"'])
    rows = []
    for key in cmds:
        wall = med(values[key])
        peak = max(r["peak_rss_mb"] for r in runs[key])
        rows.append([key, f"{wall:.2f}", f"{min(values[key]):.2f}", f"{peak:.0f}",
                     f"{wall / bare:.2f}"])
    print("\nwhole process (fresh each run; medians of interleaved runs):")
    print(table(["command", "median s", "min s", "peak RSS MB", "vs import geopandas, folium"],
                rows))

    phases = {}
    me = [py, str(Path(__file__).resolve()), "--child"]
    for n, f in files.items():
        res = []
        for _ in range(args.repeat):
            child = run_child([*me, str(f)])
            if child["rc"] != 0:
                raise SystemExit(f"phase child failed:\n{child['stderr'][-2000:]}")
            res.append(json.loads(child["stdout"].strip().splitlines()[-1]))
        phases[n] = {k: med([r[k] for r in res]) for k in res[0]}
    start = med(values["python -c pass"])
    names = [("interpreter start (python -c pass)", None), ("import g60map.cli, tables",
             "import_s"), ("read_table", "read_s"), ("boundaries for the join (first use)",
             "boundaries_s"), ("validate_table", "validate_s"),
             ("join after validation (cities, addresses, points)", "join_s"),
             ("check_table again (boundaries cached)", "check_table_s")]
    print("\nwhere the time goes (seconds; medians of fresh processes):")
    print(table(["phase", *[f"{n:,} rows" for n in files]],
                [[label, *[f"{start if key is None else phases[n][key]:.3f}" for n in files]]
                 for label, key in names]))
    big = max(files)
    wall = med(values[f"g60map validate ({big:,} rows)"])
    peak = max(r["peak_rss_mb"] for r in runs[f"g60map validate ({big:,} rows)"])
    if big >= 1_000_000:
        ok = wall <= TARGET_S and peak <= TARGET_MB
        print(f"\ntarget at {big:,} rows: <= {TARGET_S:.0f} s and <= {TARGET_MB:.0f} MB: "
              f"{'met' if ok else 'NOT met'} ({wall:.2f} s, {peak:.0f} MB)")
    return {"whole": {k: med(v) for k, v in values.items()}, "phases": phases}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
