"""The Chinese PDF against the PNG: whole ``g60map render`` commands, with the font cache.

Usage: python benchmarks/bench_pdf.py [--repeat 3]

Fresh processes of this tree's code (``python -m g60map``), interleaved, ``--repeat``
times each (median reported, with the CPU time next to it: other jobs stretch the wall
time, hardly the CPU time):

* ``g60map render --format png`` (the default map, English, 200 dpi);
* ``g60map render --lang zh --format pdf`` with the PDF font subsets in the cache (warm);
* the same with an empty cache folder every time (cold: every subset is cut out of the
  20 MB Noto Sans CJK file, as before the cache).

First, one cold PDF run is reported on its own. Every PDF must be byte-identical to it.
Target: warm zh PDF <= 1.5x the PNG. The cache folders are temporary
(``G60MAP_CACHE_DIR``); the user's cache is not touched.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, interleaved, med, print_machine, run_child, table

CMD = [sys.executable, "-m", "g60map", "-q", "render"]


def _env(cache: Path) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path, "G60MAP_CACHE_DIR": str(cache)}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory(prefix="g60map-bench-pdf-") as tmp:
        tmp_path = Path(tmp)
        warm_cache = tmp_path / "cache"
        pdfs: set[str] = set()
        cpu: dict[str, list[float]] = {}
        cold_runs = [0]

        def run(key: str, fmt: str, cache: Path, *extra: str) -> float:
            out = tmp_path / key
            res = run_child([*CMD, "--format", fmt, *extra, "--out", str(out)],
                            env=_env(cache))
            if res["rc"] != 0:
                raise SystemExit(f"{key} failed ({res['rc']}):\n{res['stderr'][-3000:]}")
            if fmt == "pdf":
                data = (out / "g60_corridor.pdf").read_bytes()
                pdfs.add(hashlib.sha256(data).hexdigest())
            cpu.setdefault(key, []).append(res["cpu_s"])
            return res["wall_s"]

        def cold() -> float:
            cold_runs[0] += 1
            return run("pdf_cold", "pdf", tmp_path / f"empty-{cold_runs[0]}", "--lang", "zh")

        run("png", "png", warm_cache)  # warms the OS file cache
        first_cold = run("first", "pdf", warm_cache, "--lang", "zh")  # fills the cache
        whole = interleaved(
            {"png": lambda: run("png", "png", warm_cache),
             "pdf_warm": lambda: run("pdf_warm", "pdf", warm_cache, "--lang", "zh"),
             "pdf_cold": cold},
            args.repeat,
        )
        entries = len(list((warm_cache / "pdf-fonts").glob("*")))
    png_s = med(whole["png"])
    rows = [["render --format png", f"{png_s:.2f}", f"{med(cpu['png']):.2f}", "1.00"]]
    for key, label in (("pdf_warm", "render --lang zh --format pdf, cache warm"),
                       ("pdf_cold", "render --lang zh --format pdf, cache empty")):
        rows.append([label, f"{med(whole[key]):.2f}", f"{med(cpu[key]):.2f}",
                     f"{med(whole[key]) / png_s:.2f}"])
    print()
    print(f"first zh PDF, cache empty (fills it, {entries} font subsets): "
          f"{first_cold:.2f} s, {cpu['first'][0]:.2f} s CPU")
    print(table(["whole process, median of " + str(args.repeat), "wall s", "CPU s",
                 "ratio to PNG"], rows))
    ratio = med(whole["pdf_warm"]) / png_s
    same = len(pdfs) == 1
    print(f"\nevery PDF the same bytes (cold and warm): {'yes' if same else 'NO'}")
    print(f"target zh PDF <= 1.5x PNG: {'met' if ratio <= 1.5 else 'NOT met'} ({ratio:.2f}x; "
          f"cache empty: {med(whole['pdf_cold']) / png_s:.2f}x)")
    return {"png_s": png_s, "ratio": ratio, "same_bytes": same,
            **{k: med(v) for k, v in whole.items()}}


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        t0 = time.perf_counter()
        main()
        print(f"({time.perf_counter() - t0:.0f} s)")
