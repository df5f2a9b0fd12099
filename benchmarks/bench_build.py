"""Whole-process `g60map build` vs a bare `python -c "import geopandas, folium"` (issue 23, row 1).

Usage: python benchmarks/bench_build.py [--repeat 5] [--baseline DIR] [--no-bytecode-cache]

Fresh processes, interleaved, ``--repeat`` times: the bare import, ``g60map build`` of the
default map (the packaged partners and investment), ``g60map --version`` and, to see a
table of real shape, ``g60map build --partners`` of 1,000 synthetic partners (Chinese
headers and names, a registered address, some rows given by city only, 50 outside the
corridor). The medians
and their ratios to the bare import are printed from this one run. ``--baseline DIR``
adds the default build with another checkout of g60map first on ``PYTHONPATH``.

Bytecode: an installed package runs from bytecode (pip compiles it when installing), and
so do geopandas and folium here, while a source checkout run with
``PYTHONDONTWRITEBYTECODE=1`` compiles every module of g60map on every run (~0.1-0.2 s of
CPU). By default every child, the bare import too, keeps its bytecode in one temporary
``PYTHONPYCACHEPREFIX`` folder, written by the warm-up run; ``--no-bytecode-cache`` runs
them with ``PYTHONDONTWRITEBYTECODE=1`` and no such folder (the checkout compiled every run).

Target (issue 23): default build <= 1.3x the bare import (it was 1.76x-1.94x).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import DATA, ROOT, interleaved, med, print_machine, run_child, table

TARGET_RATIO = 1.3


def _partners(rows: int, outside: int) -> Path:
    """Write (once) a synthetic partners table of real shape; return its path."""
    path = DATA / f"build_partners_zh_{rows}_{outside}.csv"
    if path.exists():
        return path
    from g60map.reference import synthetic

    frame = synthetic.make_partners(rows, outside=outside)
    # as tables arrive: Chinese headers, a registered address, no English name column
    frame = frame.drop(columns=["name", "city_code_expected"], errors="ignore")
    frame.insert(2, "address", [
        f"{city}科技园区{i % 97 + 1}号" if str(city).endswith(("市", "区")) else ""
        for i, city in enumerate(frame["city"])
    ])
    frame = frame.rename(columns={"name_zh": "企业名称", "city": "城市", "address": "注册地址",
                                  "lon": "经度", "lat": "纬度"})
    DATA.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def main(argv: list[str] | None = None) -> dict[str, float]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--baseline", help="another g60map checkout to compare with")
    p.add_argument("--no-bytecode-cache", action="store_true",
                   help="compile g60map's modules on every run (PYTHONDONTWRITEBYTECODE=1)")
    args = p.parse_args(argv)
    print_machine()
    py = sys.executable
    out = Path(tempfile.mkdtemp(prefix="g60map-bench-build-"))
    if args.no_bytecode_cache:
        code = {"PYTHONDONTWRITEBYTECODE": "1"}
        print("# bytecode: not cached (PYTHONDONTWRITEBYTECODE=1): g60map compiled every run")
    else:  # an empty value unsets it for Python
        code = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(out / "pycache")}
        print("# bytecode: cached in a temporary PYTHONPYCACHEPREFIX by the warm-up run "
              "(as installed)")
    env = {"PYTHONPATH": str(ROOT), **code}
    partners = _partners(1_000, 50)
    cmds: dict[str, tuple[list[str], dict[str, str] | None]] = {
        'python -c "import geopandas, folium"': ([py, "-c", "import geopandas, folium"], code),
        "g60map build": ([py, "-m", "g60map", "-q", "build", "--out", str(out / "a")], env),
        "g60map --version": ([py, "-m", "g60map", "--version"], env),
        "g60map build --partners (1,000 rows)": (
            [py, "-m", "g60map", "-q", "build", "--partners", str(partners),
             "--out", str(out / "b")], env),
    }
    if args.baseline:
        cmds["g60map build (baseline)"] = (
            [py, "-m", "g60map", "-q", "build", "--out", str(out / "c")],
            {"PYTHONPATH": str(Path(args.baseline).resolve()), **code},
        )

    cpu: dict[str, list[float]] = {k: [] for k in cmds}

    def runner(key: str):
        def run() -> float:
            cmd, child_env = cmds[key]
            # run outside this checkout: ``python -m`` puts the working folder first on the path
            res = run_child(cmd, env=child_env, cwd=out)
            if res["rc"] != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{res['stderr'][-2000:]}")
            cpu[key].append(res["cpu_s"])
            return res["wall_s"]

        return run

    for key in cmds:  # warm the OS file cache
        runner(key)()
        cpu[key].clear()
    values = interleaved({k: runner(k) for k in cmds}, args.repeat)
    bare = med(values['python -c "import geopandas, folium"'])
    bare_cpu = med(cpu['python -c "import geopandas, folium"'])
    rows = [[k, f"{med(v):.2f}", f"{min(v):.2f}", f"{med(v) / bare:.2f}",
             f"{med(cpu[k]):.2f}", f"{med(cpu[k]) / bare_cpu:.2f}"]
            for k, v in values.items()]
    print(f"\nwhole processes, medians of {args.repeat} interleaved runs:")
    print(table(["command", "median s", "min s", "vs bare import", "CPU s", "CPU vs bare"],
                rows))
    shutil.rmtree(out, ignore_errors=True)
    ratio = med(values["g60map build"]) / bare
    print(f"\ntarget build <= {TARGET_RATIO}x bare import: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'} ({ratio:.2f}x)")
    return {k: med(v) for k, v in values.items()}


if __name__ == "__main__":
    main()
