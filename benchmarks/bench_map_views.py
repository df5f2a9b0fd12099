"""The interactive map with its views (metric switch, time, filters, flows, PNG, link):
HTML size and Chromium draw time, against an earlier commit.

Usage: python benchmarks/bench_map_views.py [--repeat 7] [--before REF]

Measures, in fresh processes: the default map (``g60map build``, CDN links, and
``--self-contained``) and the analyst's map (tests/_analyst.py: 24 partners and 10
investments dated over five years, with kinds, provinces, rows outside the corridor and
origins), its HTML size and its draw time in headless Chromium offline (``goto`` to the
first animation frame after ``load`` with the layers drawn; medians of interleaved runs).
With ``--before REF`` the same maps are built from that commit's code, checked out in a
temporary git worktree, and both are drawn side by side. Targets: default map <= 1 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import Chromium, interleaved, mb, med, print_machine, run_child, table

ROOT = Path(__file__).resolve().parents[1]

#: Built by the checkout given as argv[1], into the folder argv[2].
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import g60map
from g60map.render.web.interactive import build_map, save_map
from tests._analyst import analyst_corridor
out = {"file": g60map.__file__}
t0 = time.perf_counter()
m = build_map(basemap="osm")
out["build_s"] = time.perf_counter() - t0
for name, sc in (("default", False), ("default_sc", True)):
    out[name] = save_map(m, sys.argv[2] + "/" + name + ".html", self_contained=sc).stat().st_size
a = build_map(analyst_corridor(), basemap="none")
out["analyst_sc"] = save_map(a, sys.argv[2] + "/analyst_sc.html",
                             self_contained=True).stat().st_size
print(json.dumps(out))
"""


def build(root: Path, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    res = run_child([sys.executable, "-c", CHILD, str(root), str(folder)], cwd=root)
    if res["rc"] != 0:
        raise SystemExit(f"build failed ({root}):\n{res['stderr'][-3000:]}")
    data = json.loads(res["stdout"].strip().splitlines()[-1])
    if not Path(data["file"]).is_relative_to(root):
        raise SystemExit(f"the child imported {data['file']}, not the checkout {root}")
    return data


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--before", metavar="REF", help="git commit to compare with")
    args = p.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        roots = {"after": ROOT}
        if args.before:
            old = Path(tmp) / "before"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(old), args.before], check=True)
            (old / "tests" / "_analyst.py").write_text(
                (ROOT / "tests" / "_analyst.py").read_text(encoding="utf-8"), encoding="utf-8")
            roots["before"] = old
        try:
            sizes = {k: build(r, Path(tmp) / f"out-{k}") for k, r in roots.items()}
            pages = [(k, m) for k in roots for m in ("default_sc", "analyst_sc")]
            with Chromium() as chromium:
                chromium.draw_time(Path(tmp) / "out-after" / "default_sc.html")  # warm up
                runs: dict[str, list[dict]] = {f"{k} {m}": [] for k, m in pages}

                def timer(k: str, m: str):
                    def f() -> float:
                        r = chromium.draw_time(Path(tmp) / f"out-{k}" / f"{m}.html")
                        runs[f"{k} {m}"].append(r)
                        return r["seconds"]
                    return f

                values = interleaved({f"{k} {m}": timer(k, m) for k, m in pages}, args.repeat)
        finally:
            if args.before:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(roots["before"])], check=False)
    draw = {k: med(v) for k, v in values.items()}
    rows = []
    for k in roots:
        s = sizes[k]
        rows.append([k, f"{s['default']:,} B", f"{s['default_sc']:,} B", f"{s['analyst_sc']:,} B",
                     f"{s['build_s']:.2f}", f"{draw[f'{k} default_sc']:.3f}",
                     f"{draw[f'{k} analyst_sc']:.3f}",
                     len(runs[f"{k} default_sc"][-1]["errors"])])
    print()
    print(table(["code", "default map (CDN)", "default, self-contained", "analyst's map, "
                 "self-contained", "build s", "draw default s", "draw analyst's s",
                 "page errors"], rows))
    a = sizes["after"]
    print(f"\ntarget: default map <= 1 MB ({'met' if a['default'] <= 1_000_000 else 'NOT met'}"
          f": {mb(a['default'])}, self-contained {mb(a['default_sc'])})")
    if "before" in sizes:
        b = sizes["before"]
        print(f"default map: {b['default']:,} -> {a['default']:,} bytes "
              f"({a['default'] / b['default']:.3f}x); self-contained {b['default_sc']:,} -> "
              f"{a['default_sc']:,} ({a['default_sc'] / b['default_sc']:.3f}x); draw "
              f"{draw['before default_sc']:.3f} s -> {draw['after default_sc']:.3f} s "
              f"({draw['after default_sc'] / draw['before default_sc']:.2f}x)")
    return {"sizes": sizes, "draw": draw}


if __name__ == "__main__":
    main()
