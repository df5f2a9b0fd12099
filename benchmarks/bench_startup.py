"""Whole-process `g60map build` vs the bare `python -c "import geopandas, folium"`; `--version`.

Usage: python benchmarks/bench_startup.py [--repeat 5]

Both commands are run as fresh processes, interleaved, ``--repeat`` times; the medians and
their ratio are printed (target, issue 11: ratio <= 1.3), with `g60map --version`, which
parses its arguments before importing any table or map library. Then ``python -X importtime
-c "import g60map"`` lists the slowest imports, to see what the difference is made of.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile

from _common import interleaved, med, print_machine, run_child, table

TARGET = 1.3  # issue 11: g60map build <= 1.3x python -c "import geopandas, folium"


def g60map_cmd() -> list[str]:
    exe = shutil.which("g60map")
    return [exe] if exe else [sys.executable, "-m", "g60map"]


def build_cmd(out: str) -> list[str]:
    return [*g60map_cmd(), "build", "--out", out]


def import_report(top: int = 8) -> list[tuple[str, float]]:
    """Return (module, cumulative ms) of g60map's own modules and the heaviest packages."""
    res = run_child([sys.executable, "-X", "importtime", "-c", "import g60map"])
    cumulative: dict[str, float] = {}
    for line in res["stderr"].splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)", line)
        if m:
            name = m.group(2)
            cumulative[name] = max(cumulative.get(name, 0.0), int(m.group(1)) / 1e3)
    ours = sorted(
        ((n, c) for n, c in cumulative.items() if n.startswith("g60map.")), key=lambda r: -r[1]
    )[:top]
    roots = sorted(
        ((n, c) for n, c in cumulative.items() if "." not in n and n != "g60map"),
        key=lambda r: -r[1],
    )[:top]
    return [("import g60map (total)", cumulative.get("g60map", 0.0)), *ours, *roots]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        bare = [sys.executable, "-c", "import geopandas, folium"]
        build = build_cmd(tmp)
        imp_g60 = [sys.executable, "-c", "import g60map"]
        version = [*g60map_cmd(), "--version"]
        first = run_child(build)  # also warms the OS file cache for every variant
        if first["rc"] != 0:
            raise SystemExit(f"g60map build failed:\n{first['stderr']}")
        values = interleaved(
            {
                "bare": lambda: run_child(bare)["wall_s"],
                "build": lambda: run_child(build)["wall_s"],
                "import": lambda: run_child(imp_g60)["wall_s"],
                "version": lambda: run_child(version)["wall_s"],
            },
            args.repeat,
        )
    bare_s, build_s, import_s = med(values["bare"]), med(values["build"]), med(values["import"])
    version_s = med(values["version"])
    ratio = build_s / bare_s
    print()
    print(
        table(
            ["command", "median s", "min s", "ratio to bare import"],
            [
                ['python -c "import geopandas, folium"', f"{bare_s:.2f}",
                 f"{min(values['bare']):.2f}", "1.00"],
                ['python -c "import g60map"', f"{import_s:.2f}",
                 f"{min(values['import']):.2f}", f"{import_s / bare_s:.2f}"],
                ["g60map --version", f"{version_s:.2f}",
                 f"{min(values['version']):.2f}", f"{version_s / bare_s:.2f}"],
                ["g60map build (default map)", f"{build_s:.2f}",
                 f"{min(values['build']):.2f}", f"{ratio:.2f}"],
            ],
        )
    )
    print(f"\ntarget build <= {TARGET}x bare import: {'met' if ratio <= TARGET else 'NOT met'} "
          f"({ratio:.2f}x)")
    print("\nslowest imports of `import g60map` (python -X importtime; ms):")
    print("(a package is counted where it is first imported; nested times overlap)")
    print(table(["module", "cumulative ms"], [(n, f"{c:.0f}") for n, c in import_report()]))
    return {"bare_s": bare_s, "build_s": build_s, "import_s": import_s, "version_s": version_s,
            "ratio": ratio}


if __name__ == "__main__":
    main()
