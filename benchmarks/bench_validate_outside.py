"""`g60map validate` of a real-shaped partners table next to `pandas.read_csv` of it.

Usage: python benchmarks/bench_validate_outside.py [--rows 1000000] [--repeat 3]
                                                   [--baseline DIR]

The table is shaped as real ones are (written once to
``DATA/partners_outside_<rows>.csv``; seeded, so the same rows give the same bytes):
Chinese headers (``企业名称``, ``城市``, ``注册地址``, ``经度``, ``纬度``...), a third of
the rows outside the corridor (points in other cities of the four provinces, points far
away, and rows named only by a city outside it, such as ``南京``), rows placed by a
registry address only, rows by city only, and a few bad cells (a longitude that is not a
number), so ``validate`` exits 1 after reading, validating and joining every row. The rows
inside the corridor are :func:`g60map.synthetic.make_partners`, the addresses
:func:`g60map.synthetic.make_registry`.

Each run is a fresh process: ``python -m g60map -q validate FILE`` (exit 1 expected)
and ``python -c "import geopandas, pandas; pandas.read_csv(FILE)"``, interleaved; the
medians and their ratio are printed. ``--baseline DIR`` adds the same ``validate`` with
another checkout of g60map first on ``PYTHONPATH`` (before/after side by side).

Target (issue 23): validate <= 4x the time of the read (it was 16.8x).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import DATA, ROOT, interleaved, med, print_machine, run_child, table

TARGET_RATIO = 4.0
#: Centres of cities of the four provinces that are not in the corridor, and Beijing.
_OTHER_CITIES = ((118.78, 32.06), (120.31, 31.49), (121.55, 29.87), (120.58, 30.00),
                 (120.86, 32.01), (117.05, 30.52), (116.40, 39.90))
_OTHER_NAMES = ("南京", "无锡市", "宁波", "绍兴市", "南通", "安庆市")
_HEADERS = {"name": "企业名称", "city": "城市", "kind": "类型", "lon": "经度", "lat": "纬度",
            "address": "注册地址", "website": "网址"}


def make_table(rows: int, seed: int = 23):
    """Return the real-shaped table of ``rows`` rows (a pandas DataFrame of text)."""
    import numpy as np
    import pandas as pd

    from g60map.reference import synthetic

    rng = np.random.default_rng(seed)
    outside = rows // 3
    named_outside = outside // 10  # by a city name outside the corridor, no point
    far = outside // 5  # points outside the four provinces
    near = outside - named_outside - far  # points in other cities of the four provinces
    addressed = rows // 50  # by a registry address only
    inside = rows - outside
    df = synthetic.make_partners(inside, seed=seed, outside=far)
    df = df.drop(columns=["name_zh", "founded", "capital_cny", "description",
                          "city_code_expected"])
    lon = df["lon"].map(lambda v: "" if v != v else f"{v:.5f}")
    lat = df["lat"].map(lambda v: "" if v != v else f"{v:.5f}")
    df = df.assign(lon=lon, lat=lat, address="")
    # rows placed by an address only: the first `addressed` rows inside
    registry = synthetic.make_registry(addressed, seed=seed)
    df.loc[: addressed - 1, ["city", "lon", "lat"]] = ""
    df.loc[: addressed - 1, "address"] = registry["注册地址"].to_numpy()
    centre = np.asarray(_OTHER_CITIES[:-1])[rng.integers(0, len(_OTHER_CITIES) - 1, near)]
    jitter = rng.uniform(-0.03, 0.03, (near, 2))
    extra = pd.DataFrame(
        {
            "name": [f"Outside Co. {i:07d}" for i in range(near + named_outside)],
            "city": [""] * near + list(np.asarray(_OTHER_NAMES, dtype=object)[
                rng.integers(0, len(_OTHER_NAMES), named_outside)]),
            "kind": "manufacturer",
            "website": "",
            "lon": [f"{v:.5f}" for v in centre[:, 0] + jitter[:, 0]] + [""] * named_outside,
            "lat": [f"{v:.5f}" for v in centre[:, 1] + jitter[:, 1]] + [""] * named_outside,
            "address": "",
        }
    )
    df = pd.concat([df, extra], ignore_index=True)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)  # interleaved
    bad = rng.choice(len(df), 3, replace=False)
    df.loc[bad, "lon"] = "东经121度"
    return df.rename(columns=_HEADERS)[[_HEADERS[c] for c in
                                        ("name", "city", "address", "kind", "lon", "lat",
                                         "website")]]


def _table_file(rows: int) -> Path:
    """Write (once) the table; return its path."""
    path = DATA / f"partners_outside_{rows}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT))
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    make_table(rows).to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> dict[str, float]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--baseline", help="another g60map checkout to compare with")
    args = p.parse_args(argv)
    print_machine()
    path = _table_file(args.rows)
    py = sys.executable
    validate = [py, "-m", "g60map", "-q", "validate", str(path)]
    cmds = {
        "g60map validate": (validate, {"PYTHONPATH": str(ROOT)}),
        "pandas.read_csv": ([py, "-c", "import sys, geopandas, pandas; "
                             "pandas.read_csv(sys.argv[1])", str(path)], None),
    }
    if args.baseline:
        cmds["g60map validate (baseline)"] = (
            validate, {"PYTHONPATH": str(Path(args.baseline).resolve())})
    expected = {"g60map validate": 1, "g60map validate (baseline)": 1, "pandas.read_csv": 0}

    cpu: dict[str, list[float]] = {k: [] for k in cmds}

    def runner(key: str):
        def f() -> float:
            cmd, env = cmds[key]
            res = run_child(cmd, env=env)
            if res["rc"] != expected[key]:
                raise SystemExit(f"{key}: exit {res['rc']}:\n{res['stderr'][-2000:]}")
            cpu[key].append(res["cpu_s"])
            return res["wall_s"]

        return f

    values = interleaved({k: runner(k) for k in cmds}, args.repeat)
    base, base_cpu = med(values["pandas.read_csv"]), med(cpu["pandas.read_csv"])
    print(f"\n{args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB), a third outside the "
          f"corridor; medians of {args.repeat} interleaved fresh processes (CPU: user + "
          "system time of the process, less stretched by other jobs than wall time):")
    print(table(["command", "median s", "min s", "vs read_csv", "median CPU s",
                 "CPU vs read_csv"],
                [[k, f"{med(v):.2f}", f"{min(v):.2f}", f"{med(v) / base:.2f}",
                  f"{med(cpu[k]):.2f}", f"{med(cpu[k]) / base_cpu:.2f}"]
                 for k, v in values.items()]))
    ratio = med(values["g60map validate"]) / base
    print(f"\ntarget validate <= {TARGET_RATIO:.0f}x read_csv: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'} ({ratio:.2f}x; CPU "
          f"{med(cpu['g60map validate']) / base_cpu:.2f}x)")
    return {k: med(v) for k, v in values.items()}


if __name__ == "__main__":
    main()
