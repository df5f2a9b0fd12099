"""Per-city counts: in-memory pandas engine vs the dask engine (2 local worker processes).

Usage::

    python benchmarks/bench_dask.py [--sizes 1000000 10000000] [--blocksize 64MB]
                                    [--budget-gb 1.5] [--pandas-max 10000000]

Every run is a fresh process. For dask, the process starts a ``LocalCluster(n_workers=2,
threads_per_worker=1, processes=True)`` (its start-up is reported apart, like a warm
pool), runs ``count_partners_by_city(..., engine="dask", scheduler=address)`` and asks
every worker for its peak RSS (``VmHWM``). Tables up to 1M rows come from
``make_partners.py`` (CSV and GeoParquet); larger ones are CSV written 1M rows at a
time (:func:`g60map.reference.synthetic.make_partners`, one seed per million; ``partners_<N>.csv``
and the generator's own per-city counts in ``partners_<N>.counts.json``), into the data
folder, never the repository.

Counts must be identical: dask vs pandas (pandas is skipped above ``--pandas-max``
rows) and, for the generated big files, vs where the generator put the points.

Then the largest CSV is counted once more by both engines with a memory budget per
process (``RLIMIT_DATA`` = ``--budget-gb``, what ``ulimit -d`` sets; dask's workers
inherit it; ``ARROW_DEFAULT_MEMORY_POOL=system`` and ``MALLOC_ARENA_MAX=2``, else address
space that Arrow's mimalloc and glibc reserve but do not use, ~1 GB, would spend it):
where the whole table does not fit, the pandas engine fails and the dask engine finishes.
Target (issue 11): dask count of 10M rows within 1.5 GB per worker, same counts as pandas.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import DATA, child_json, mb, peak_rss_mb, print_machine, run_child, table

TARGET_WORKER_MB = 1536.0


def _child(argv: list[str]) -> None:
    engine, path, blocksize, budget = argv[0], argv[1], argv[2], float(argv[3])
    if budget > 0:
        import resource

        limit = int(budget * 2**30)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    import logging
    import warnings

    from g60map.ingest.engine import count_partners_by_city

    out: dict = {}
    warnings.simplefilter("error")
    if engine == "pandas":
        t0 = time.perf_counter()
        counts = count_partners_by_city(path)
        out["count_s"] = time.perf_counter() - t0
    else:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            client.run(lambda: __import__("g60map.ingest.tables"))  # workers ready (warm pool)
            out["cluster_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            counts = count_partners_by_city(
                path, engine="dask", scheduler=cluster.scheduler_address, blocksize=blocksize
            )
            out["count_s"] = time.perf_counter() - t0
            out["worker_peak_rss_mb"] = max(client.run(peak_rss_mb).values())
            out["partitions"] = counts.attrs["partitions"]
    out["counts"] = counts["partners"].tolist()
    out["codes"] = counts["code"].tolist()
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def write_big_csv(n: int, out: Path, chunk: int = 1_000_000, seed: int = 60) -> Path:
    """Write ``partners_<n>.csv`` a million rows at a time, and the generator's counts."""
    import numpy as np
    import pandas as pd

    from g60map.reference.synthetic import make_partners

    path = out / f"partners_{n}.csv"
    counts_path = out / f"partners_{n}.counts.json"
    if path.exists() and counts_path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    expected: dict[str, int] = {}
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for k, start in enumerate(range(0, n, chunk)):
            df = make_partners(min(chunk, n - start), seed=seed + k)
            ids = pd.Series(np.arange(start + 1, start + len(df) + 1)).map("{:08d}".format)
            df["name"] = "Synthetic Co. " + ids  # distinct across the chunks
            df["name_zh"] = "合成企业" + ids
            df["website"] = "https://synthetic-" + ids + ".example.com"
            for code, c in df["city_code_expected"].value_counts().items():
                expected[str(code)] = expected.get(str(code), 0) + int(c)
            df.drop(columns="city_code_expected").to_csv(
                fh, index=False, header=k == 0, float_format="%.5f", lineterminator="\n"
            )
            print(f"  wrote {start + len(df):,} / {n:,} rows", file=sys.stderr)
    tmp.replace(path)
    counts_path.write_text(json.dumps(expected, sort_keys=True))
    return path


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--blocksize", default="64MB", help="CSV block per dask task")
    p.add_argument("--budget-gb", type=float, default=1.5,
                   help="memory budget per process for the last run (0: skip it)")
    p.add_argument("--pandas-max", type=int, default=10_000_000,
                   help="largest table the pandas engine counts (it holds all of it)")
    args = p.parse_args(argv)
    print_machine()

    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    rows, results, big_csv = [], {}, None
    for n in args.sizes:
        if n <= 1_000_000:  # CSV and GeoParquet from make_partners (in a child: small parent)
            made = run_child([sys.executable, str(Path(__file__).with_name("make_partners.py")),
                              str(n), "--out", str(DATA)])
            if made["rc"] != 0:
                raise SystemExit(made["stderr"][-2000:])
            files = [("csv", DATA / f"partners_{n}.csv"),
                     ("parquet", DATA / f"partners_{n}.parquet")]
            expected = None
        else:
            made = run_child([*me[:2], "--write-big", str(n)])
            if made["rc"] != 0:
                raise SystemExit(made["stderr"][-2000:])
            files = [("csv", DATA / f"partners_{n}.csv")]
            expected = json.loads((DATA / f"partners_{n}.counts.json").read_text())
        big_csv = files[0][1]
        for fmt, path in files:
            pandas = (child_json([*me, "pandas", str(path), args.blocksize, "0"])
                      if n <= args.pandas_max else None)
            dask = child_json([*me, "dask", str(path), args.blocksize, "0"])
            same = pandas is None or pandas["counts"] == dask["counts"]
            truth = "-"
            if expected is not None:
                truth = "yes" if dask["counts"] == [expected.get(c, 0) for c in dask["codes"]] \
                    else "NO"
            results[(n, fmt)] = {"pandas": pandas, "dask": dask, "same": same}
            rows.append(
                [f"{n:,}", fmt, mb(path.stat().st_size),
                 f"{pandas['count_s']:.2f}" if pandas else "-",
                 f"{pandas['peak_rss_mb']:.0f}" if pandas else "-",
                 f"{dask['cluster_s']:.2f}", f"{dask['count_s']:.2f}", dask["partitions"],
                 f"{dask['peak_rss_mb']:.0f}", f"{dask['worker_peak_rss_mb']:.0f}",
                 f"{dask['count_s'] / pandas['count_s']:.2f}" if pandas else "-",
                 ("yes" if same else "NO") if pandas else "-", truth]
            )
            print(f"  measured {n:,} {fmt}", file=sys.stderr)
    print()
    print(table(
        ["rows", "format", "file", "pandas s", "pandas peak MB", "dask cluster start s",
         "dask count s", "partitions", "dask driver peak MB", "dask worker peak MB",
         "dask/pandas time", "same counts as pandas", "same as generator"],
        rows,
    ))

    if args.budget_gb > 0 and big_csv is not None:
        budget = str(args.budget_gb)
        print(f"\n{big_csv.name} with a memory budget of {args.budget_gb} GB per process "
              "(RLIMIT_DATA, inherited by the dask workers):")
        brows = []
        for engine in ("pandas", "dask"):
            # RLIMIT_DATA counts address space reserved, not used: Arrow's mimalloc pool
            # reserves ~1 GB up front and glibc 64 MB per thread's arena, which would spend
            # the budget before any data. The system allocator, two arenas: ~RSS.
            res = run_child([*me, engine, str(big_csv), args.blocksize, budget],
                            env={"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"})
            if res["rc"] == 0:
                data = json.loads(res["stdout"].strip().splitlines()[-1])
                status = "finished"
                worker = f"{data.get('worker_peak_rss_mb', data['peak_rss_mb']):.0f}"
                count = f"{data['count_s']:.2f}"
            else:
                last = (res["stderr"].strip().splitlines() or ["?"])[-1]
                status, worker, count = f"failed (exit {res['rc']}: {last[:80]})", "-", "-"
            brows.append([engine, status, f"{res['wall_s']:.2f}", count, worker])
            results[("budget", engine)] = res
        print(table(["engine", "result", "process s (incl. start-up)", "count s",
                     "peak MB (worker for dask)"], brows))

    big = max(args.sizes)
    r = results.get((big, "csv"))
    if r is not None and big >= 10_000_000:
        worker = r["dask"]["worker_peak_rss_mb"]
        ok = worker <= TARGET_WORKER_MB and r["same"]
        print(f"\ntarget: dask count of {big:,} rows within {TARGET_WORKER_MB / 1024:.1f} GB per "
              f"worker and the same counts as pandas: {'met' if ok else 'NOT met'} "
              f"(worker peak {worker:.0f} MB, counts {'same' if r['same'] else 'DIFFERENT'})")
    return results


# ------------------------------------------------------------------ the whole pipeline
# ``--corridor``: load_corridor(..., engine="dask") of a registry-like table (points, 5 %
# addresses, rows outside the corridor, a few bad rows skipped), as ``g60map build`` runs it.


def write_corridor_csv(n: int, out: Path, chunk: int = 1_000_000, seed: int = 24) -> Path:
    """Write ``corridor_<n>.csv``: points, 5 % addresses, 1 % outside, 1 bad row in 100k."""
    import numpy as np
    import pandas as pd

    from g60map.reference.synthetic import make_partners, make_registry

    path = out / f"corridor_{n}.csv"
    if path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    addresses = make_registry(20_000, seed=seed)["注册地址"].to_numpy()
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for k, start in enumerate(range(0, n, chunk)):
            m = min(chunk, n - start)
            rng = np.random.default_rng(seed + k)
            df = make_partners(m, seed=seed + k, city_only=0)[["name", "kind", "lon", "lat"]]
            ids = pd.Series(np.arange(start + 1, start + m + 1)).map("{:09d}".format)
            df["name"] = "Co. " + ids.to_numpy()  # distinct across the chunks
            df["address"] = ""
            pick = rng.random(m)
            addr = pick < 0.05
            df.loc[addr, "address"] = rng.choice(addresses, int(addr.sum()))
            df.loc[addr, ["lon", "lat"]] = np.nan
            beyond = (pick >= 0.05) & (pick < 0.06)  # Nanjing, Ningbo, Anqing...
            spots = np.array([[118.79, 32.06], [121.55, 29.87], [117.05, 30.52]])
            df.loc[beyond, ["lon", "lat"]] = spots[rng.integers(0, 3, int(beyond.sum()))]
            df["lon"] = df["lon"].map(lambda v: "" if v != v else f"{v:.5f}")
            bad = np.arange(m) % 100_000 == 99_999
            df.loc[bad, "lon"] = "n/a"
            df.to_csv(fh, index=False, header=k == 0, float_format="%.5f", lineterminator="\n")
            print(f"  wrote {start + m:,} / {n:,} rows", file=sys.stderr)
    tmp.replace(path)
    return path


def _worker_peak_mb() -> float:
    """``VmHWM`` of a worker (defined here: sent by value, workers lack ``_common``)."""
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _corridor_child(argv: list[str]) -> None:
    """Child: ``engine path budget_gb [scheduler]``; prints the numbers as one JSON line."""
    engine, path, budget = argv[0], argv[1], float(argv[2])
    scheduler = argv[3] if len(argv) > 3 else None
    if budget > 0:
        import resource

        limit = int(budget * 2**30)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    import logging
    import os
    import warnings

    warnings.simplefilter("ignore")
    os.environ.setdefault("G60MAP_MAX_INPUT_BYTES", str(8 * 2**30))
    from g60map import settings
    from g60map.corridor.model import load_corridor

    settings.MAX_INPUT_BYTES = 8 * 2**30
    out: dict = {}
    kw = dict(on_bad_rows="skip")
    if engine == "pandas":
        t0 = time.perf_counter()
        corridor = load_corridor(path, **kw)
        out["load_s"] = time.perf_counter() - t0
    else:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = None if scheduler else LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            memory_limit="2GB", scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR)
        address = scheduler or cluster.scheduler_address
        with Client(address) as client:
            client.run(lambda: __import__("g60map.ingest.tables"))  # workers ready
            out["cluster_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            corridor = load_corridor(path, engine="dask", scheduler=address, **kw)
            out["load_s"] = time.perf_counter() - t0
            out["worker_peak_rss_mb"] = max(client.run(_worker_peak_mb).values())
        if cluster is not None:
            cluster.close()
    out["partners"] = corridor.summary["partners"].tolist()
    out["districts"] = corridor.district_summary["partners"].tolist()
    out["rows"] = int(corridor.partners.attrs.get("rows_total", len(corridor.partners)))
    out["points_back"] = len(corridor.partners)
    out["sources"] = list(corridor.sources)
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def _separate_cluster(folder: Path) -> tuple[str, list]:
    """Start ``dask scheduler`` and ``dask worker`` (2 processes) as a user would."""
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask_bin = str(Path(sys.executable).with_name("dask"))
    folder.mkdir(parents=True, exist_ok=True)
    procs = [subprocess.Popen([dask_bin, "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs.append(subprocess.Popen(
        [dask_bin, "worker", address, "--nworkers", "2", "--nthreads", "1", "--memory-limit",
         "2GB", "--no-dashboard", "--local-directory", str(folder)], cwd=folder,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from distributed import Client

    for _ in range(120):
        try:
            with Client(address, timeout="5s") as client:
                client.wait_for_workers(2, timeout=60)
            return address, procs
        except (OSError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"no scheduler at {address}")


def corridor_main(args: argparse.Namespace) -> dict:
    """The whole pipeline: dask (local and separate cluster) vs pandas under a budget."""
    me = [sys.executable, str(Path(__file__).resolve()), "--corridor-child"]
    made = run_child([sys.executable, str(Path(__file__).resolve()), "--write-corridor",
                      str(args.rows)])
    if made["rc"] != 0:
        raise SystemExit(made["stderr"][-2000:])
    path = DATA / f"corridor_{args.rows}.csv"
    results = {"local": child_json([*me, "dask", str(path), "0"])}
    address, procs = _separate_cluster(DATA / "dask-cluster")
    try:
        results["separate"] = child_json([*me, "dask", str(path), "0", address])
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    for n in args.pandas_rows:
        made = run_child([sys.executable, str(Path(__file__).resolve()), "--write-corridor",
                          str(n)])
        small = DATA / f"corridor_{n}.csv"
        res = run_child([*me, "pandas", str(small), str(args.pandas_budget_gb)],
                        env={"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"})
        ok = res["rc"] == 0
        data = json.loads(res["stdout"].strip().splitlines()[-1]) if ok else {}
        results[f"pandas {n}"] = {"ok": ok, "wall_s": res["wall_s"], **data,
                                  "error": "" if ok else res["stderr"].strip()[-200:]}
        if n == args.rows and ok:
            results["same"] = data["partners"] == results["local"]["partners"]
    rows = []
    for key, r in results.items():
        if not isinstance(r, dict):
            continue
        n = args.rows if key in ("local", "separate") else int(key.split()[1])
        rows.append([key, f"{n:,}", f"{r.get('cluster_s', 0):.1f}" if "cluster_s" in r else "-",
                     f"{r['load_s']:.1f}" if "load_s" in r else "failed",
                     f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "-",
                     f"{r['worker_peak_rss_mb']:.0f}" if "worker_peak_rss_mb" in r else "-",
                     f"{r.get('points_back', '-')}"])
    print(table(["run", "rows", "cluster start s", "load_corridor s", "client peak MB",
                 "worker peak MB", "points back"], rows))
    same = results["local"]["partners"] == results["separate"]["partners"] and \
        results["local"]["districts"] == results["separate"]["districts"]
    print(f"\nlocal and separate cluster: same city and district counts: {same}")
    print(f"partners per city: {results['local']['partners']}")
    print(json.dumps({k: v for k, v in results.items()}, default=str)[:4000], file=sys.stderr)
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--corridor-child":
        _corridor_child(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--write-corridor":
        write_corridor_csv(int(sys.argv[2]), DATA)
    elif len(sys.argv) > 1 and sys.argv[1] == "--corridor":
        p = argparse.ArgumentParser(description="load_corridor with the dask engine")
        p.add_argument("--rows", type=int, default=10_000_000)
        p.add_argument("--pandas-rows", type=int, nargs="*", default=[1_000_000, 2_000_000])
        p.add_argument("--pandas-budget-gb", type=float, default=4.0)
        corridor_main(p.parse_args(sys.argv[2:]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--write-big":
        write_big_csv(int(sys.argv[2]), DATA)
    else:
        main()
