"""A fresh process that joins coordinates: what reading the boundaries costs it.

Usage: python benchmarks/bench_join_startup.py [--repeat 7] [--points 1000] [--before REF]

Three kinds of fresh process, interleaved ``--repeat`` times (medians printed):

* ``import``: ``import g60map`` and nothing else (the floor);
* ``join``: ``import g60map``, then ``g60map.ingest.join.locate_points`` on ``--points`` random
  points in the corridor (the first join of a process reads the full-resolution city
  boundaries); the child also reports the CPU time of that first join (``time.process_time``,
  less noisy than wall time on a shared machine) and of a second one (boundaries cached);
* with ``--before REF`` (a git commit, e.g. the one before the boundaries were packaged),
  the same ``join`` process on that commit's code, checked out in a temporary git worktree.

The checkout measured is the one this script lives in, even when g60map is installed from
another one: each child puts the checkout first on ``sys.path`` and reads the checkout's
``geodata/`` (``g60map.geodata`` is mapped by the installation, not by ``sys.path``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, interleaved, med, print_machine, run_child, table

#: Child program: argv = checkout root, number of points, "join" or "import".
CHILD = r"""
import hashlib, importlib.util, json, sys, time
root, n, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, root)

class _Geodata:  # read the measured checkout's geodata/, whatever install g60map has
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name == "g60map.geodata":
            return importlib.util.spec_from_file_location(
                name, root + "/geodata/__init__.py",
                submodule_search_locations=[root + "/geodata"])

sys.meta_path.insert(0, _Geodata)
import numpy as np
import g60map
out = {"file": g60map.__file__}
if what == "join":
    from g60map.ingest.join import locate_points
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(117.0, 122.0, n), rng.uniform(29.0, 32.0, n)
    c0, t0 = time.process_time(), time.perf_counter()
    codes = locate_points(lon, lat)
    out.update(first_cpu_s=time.process_time() - c0, first_wall_s=time.perf_counter() - t0)
    c0 = time.process_time()
    again = locate_points(lon, lat)
    out.update(second_cpu_s=time.process_time() - c0, matched=int((codes != "").sum()))
    out["same"] = bool((codes == again).all())
    out["codes_sha256"] = hashlib.sha256(",".join(codes.tolist()).encode()).hexdigest()
print(json.dumps(out))
"""


def child(root: Path, points: int, what: str) -> dict:
    res = run_child([sys.executable, "-c", CHILD, str(root), str(points), what])
    if res["rc"] != 0:
        raise SystemExit(f"child failed ({root}, {what}):\n{res['stderr'][-3000:]}")
    data = json.loads(res["stdout"].strip().splitlines()[-1])
    if not Path(data["file"]).is_relative_to(root):
        raise SystemExit(f"child imported {data['file']}, not the checkout {root}")
    data.update(wall_s=res["wall_s"], cpu_s=res["cpu_s"])
    return data


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--points", type=int, default=1000)
    p.add_argument("--before", metavar="REF", help="git commit to compare with")
    args = p.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        roots = {"after": ROOT}
        if args.before:
            old = Path(tmp) / "before"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(old), args.before], check=True)
            roots["before"] = old
        try:
            checks = {k: child(r, args.points, "join") for k, r in roots.items()}
            if len({c["codes_sha256"] for c in checks.values()}) != 1:
                raise SystemExit("before and after join the points to different cities")
            runs = {"import": lambda: child(ROOT, args.points, "import")}
            runs.update({k: (lambda r=r: child(r, args.points, "join")) for k, r in roots.items()})
            values = interleaved(runs, args.repeat)
        finally:
            if args.before:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(roots["before"])], check=False)
    floor = med([v["wall_s"] for v in values["import"]])
    floor_cpu = med([v["cpu_s"] for v in values["import"]])
    rows = [["python -c 'import g60map'", f"{floor:.2f}", f"{floor_cpu:.2f}", "", "", "1.00"]]
    result: dict = {"import_s": floor, "import_cpu_s": floor_cpu}
    for key in roots:
        wall = med([v["wall_s"] for v in values[key]])
        cpu = med([v["cpu_s"] for v in values[key]])
        first = med([v["first_cpu_s"] for v in values[key]])
        second = med([v["second_cpu_s"] for v in values[key]])
        rows.append([f"import + first join of {args.points} points ({key})", f"{wall:.2f}",
                     f"{cpu:.2f}", f"{first:.3f}", f"{second:.4f}", f"{wall / floor:.2f}"])
        result[key] = {"process_s": wall, "process_cpu_s": cpu, "first_join_cpu_s": first,
                       "second_join_cpu_s": second}
    print()
    print(table(["process", "median wall s", "median CPU s", "first join CPU s",
                 "cached join CPU s", "wall ratio to import"], rows))
    if "before" in result:
        b, a = result["before"], result["after"]
        print(f"\nfirst join CPU: {b['first_join_cpu_s']:.3f} s -> {a['first_join_cpu_s']:.3f} s "
              f"({b['first_join_cpu_s'] / a['first_join_cpu_s']:.1f}x less); whole process "
              f"{b['process_s']:.2f} s -> {a['process_s']:.2f} s "
              f"({b['process_s'] / a['process_s']:.2f}x), CPU {b['process_cpu_s']:.2f} s -> "
              f"{a['process_cpu_s']:.2f} s; the same city for every point")
    return result


if __name__ == "__main__":
    main()
