"""Per-city counts: in-memory pandas engine vs the dask engine (2 local worker processes).

Usage: python benchmarks/bench_dask.py [--sizes 100000 1000000] [--blocksize 16MB]

Each run is a fresh process. For dask, the process starts a ``LocalCluster(n_workers=2,
threads_per_worker=1, processes=True)`` (start-up time reported apart), runs
``count_partners_by_city(..., engine="dask", scheduler=address)`` and asks every worker
for its peak RSS: the point of the dask path is that no process holds the whole table.
Both engines must give identical counts (checked).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import DATA, child_json, mb, peak_rss_mb, print_machine, table


def _child(argv: list[str]) -> None:
    import logging
    import warnings

    engine, path, blocksize = argv[0], argv[1], argv[2]
    from g60map.engine import count_partners_by_city

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
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            client.run(lambda: __import__("g60map.tables"))  # workers ready, like a warm pool
            out["cluster_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            counts = count_partners_by_city(
                path, engine="dask", scheduler=cluster.scheduler_address, blocksize=blocksize
            )
            out["count_s"] = time.perf_counter() - t0
            out["worker_peak_rss_mb"] = max(client.run(peak_rss_mb).values())
            out["partitions"] = counts.attrs["partitions"]
    out["counts"] = counts["partners"].tolist()
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--blocksize", default="16MB")
    args = p.parse_args(argv)
    print_machine()
    from g60map.synthetic import write_partners

    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    rows, results = [], {}
    for n in args.sizes:
        csv_path, pq_path = write_partners(n, DATA)
        for fmt, path in (("csv", csv_path), ("parquet", pq_path)):
            pandas = child_json([*me, "pandas", str(path), args.blocksize])
            dask = child_json([*me, "dask", str(path), args.blocksize])
            same = pandas["counts"] == dask["counts"]
            results[(n, fmt)] = {"pandas": pandas, "dask": dask, "same": same}
            rows.append(
                [f"{n:,}", fmt, mb(path.stat().st_size),
                 f"{pandas['count_s']:.2f}", f"{pandas['peak_rss_mb']:.0f}",
                 f"{dask['cluster_s']:.2f}", f"{dask['count_s']:.2f}", dask["partitions"],
                 f"{dask['peak_rss_mb']:.0f}", f"{dask['worker_peak_rss_mb']:.0f}",
                 f"{dask['count_s'] / pandas['count_s']:.2f}", "yes" if same else "NO"]
            )
            print(f"  measured {n:,} {fmt}", file=sys.stderr)
    print()
    print(table(
        ["rows", "format", "file", "pandas s", "pandas peak MB", "dask cluster start s",
         "dask count s", "partitions", "dask driver peak MB", "dask worker peak MB",
         "dask/pandas time", "same counts"],
        rows,
    ))
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        main()
