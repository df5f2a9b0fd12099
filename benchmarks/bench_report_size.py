"""Size of the default HTML report, and what it is made of (issue 23, row 4).

Usage: python benchmarks/bench_report_size.py [--baseline DIR]

Writes ``g60map report`` (the packaged partners and investment) with this checkout and,
with ``--baseline DIR``, with another one; prints each file's size, its ratio to the
1.0 MB target and the bytes of its parts: Leaflet and markercluster, the map script and
stylesheet, the maps' JSON data, the static figure (PNG data: URI) and the rest.

Target (issue 23): the default report <= 1.0 MB (it was 1.77 MB).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from _common import ROOT, print_machine, run_child, table

TARGET_BYTES = 1_000_000


def parts(page: str) -> dict[str, int]:
    """Bytes (UTF-8) of the report's parts."""
    out = {"Leaflet + markercluster (JS, CSS, setup)": 0, "map script + style": 0,
           "maps' JSON data": 0, "static figure (PNG)": 0}
    for m in re.finditer(r"<(script|style)([^>]*)>(.*?)</\1>", page, re.S):
        body, size = m.group(3), len(m.group(0).encode())
        if "application/json" in m.group(2):
            out["maps' JSON data"] += size
        elif "/* g60map: " in body:
            out["map script + style"] += size
        elif ("Leaflet" in body[:300] or "MarkerClusterGroup" in body[:300]
              or "leaflet" in body[:300] or "marker-cluster" in body[:300]
              or "window.$" in body[:300]):
            out["Leaflet + markercluster (JS, CSS, setup)"] += size
    for m in re.finditer(r"data:image/png;base64,[A-Za-z0-9+/=]{100000,}", page):
        out["static figure (PNG)"] += len(m.group(0))
    out["rest"] = len(page.encode()) - sum(out.values())
    return out


def main(argv: list[str] | None = None) -> dict[str, int]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--baseline", help="another g60map checkout to compare with")
    args = p.parse_args(argv)
    print_machine()
    out = Path(tempfile.mkdtemp(prefix="g60map-bench-report-"))
    checkouts = {"now": ROOT}
    if args.baseline:
        checkouts["baseline"] = Path(args.baseline).resolve()
    sizes: dict[str, int] = {}
    rows = []
    for name, root in checkouts.items():
        cmd = [sys.executable, "-m", "g60map", "-q", "report", "--out", str(out / name)]
        res = run_child(cmd, env={"PYTHONPATH": str(root)})
        if res["rc"] != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{res['stderr'][-2000:]}")
        path = out / name / "g60_corridor_report.html"
        page = path.read_text(encoding="utf-8")
        sizes[name] = path.stat().st_size
        rows.append([name, f"{sizes[name]:,}", f"{sizes[name] / TARGET_BYTES:.2f}",
                     *(f"{v:,}" for v in parts(page).values())])
    headers = ["report", "bytes", "vs 1.0 MB", *parts("").keys()]
    print(table(headers, rows))
    shutil.rmtree(out, ignore_errors=True)
    ok = sizes["now"] <= TARGET_BYTES
    print(f"\ntarget report <= 1.0 MB: {'met' if ok else 'NOT met'} "
          f"({sizes['now'] / 1e6:.2f} MB)")
    return sizes


if __name__ == "__main__":
    main()
