"""Shared helpers of the benchmark scripts: child processes, peak RSS, Chromium, tables.

Every measurement runs in a fresh child process (``run_child``) so import caches and
peak memory are per measurement; peak memory is the child's ``ru_maxrss`` from
``os.wait4`` (the resident set high-water mark the kernel kept, which sees numpy/pandas
buffers that tracemalloc misses). These machines are noisy: A and B are interleaved
(ABAB...) and the median is reported.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
#: Where synthetic tables and result logs go: outside the repository (1M rows = 140 MB,
#: 10M = 1.4 GB). ``G60MAP_BENCH_DATA`` chooses another folder.
DATA = Path(os.environ.get("G60MAP_BENCH_DATA") or Path(tempfile.gettempdir()) / "g60map-bench")

if str(ROOT) not in sys.path:  # for ``tests._browser`` (Chromium flags)
    sys.path.insert(0, str(ROOT))


def run_child(
    cmd: Sequence[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``cmd``; return wall time (s), peak RSS (MB) of that process, exit code, output.

    ``env``: variables to set on top of this process's environment.
    """
    full_env = {**os.environ, **env} if env else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=cwd, env=full_env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    return {
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rc": proc.returncode,
        "stdout": stdout,
        "stderr": stderr,
    }


def peak_rss_mb() -> float:
    """Peak resident set of this process so far (MB): ``VmHWM`` of /proc/self/status.

    Unlike ``ru_maxrss``, which Linux carries over ``execve`` (a worker spawned by a big
    parent would report the parent's peak), ``VmHWM`` belongs to this address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_json(cmd: Sequence[str]) -> dict[str, Any]:
    """Run a child that prints one JSON object as its last stdout line; merge in RSS/time.

    ``peak_rss_mb`` is the child's own ``VmHWM`` when it reports one, else ``ru_maxrss``.
    """
    res = run_child(cmd)
    if res["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res['rc']}):\n{res['stderr'][-3000:]}")
    data = json.loads(res["stdout"].strip().splitlines()[-1])
    data.setdefault("peak_rss_mb", res["peak_rss_mb"])
    data.update(process_s=res["wall_s"])
    return data


def interleaved(
    fns: dict[str, Callable[[], float]], repeat: int
) -> dict[str, list[float]]:
    """Call every function ``repeat`` times, interleaved (A B A B ...); return the values."""
    out: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for key, fn in fns.items():
            out[key].append(fn())
    return out


def med(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 0
    versions = {}
    for name in ("g60map", "geopandas", "pandas", "shapely", "folium", "dask", "distributed"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - optional
            versions[name] = "-"
    return {
        "date": _dt.date.today().isoformat(),
        "cores": cores,
        "cpu": cpu,
        "ram_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "load_avg": os.getloadavg(),
        **versions,
    }


def print_machine() -> None:
    m = machine()
    load = ", ".join(f"{x:.2f}" for x in m["load_avg"])
    print(
        f"# {m['date']}: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, load average {load}"
    )
    print(
        "# "
        + ", ".join(f"{k} {m[k]}" for k in ("g60map", "geopandas", "pandas", "shapely", "folium"))
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def mb(nbytes: float) -> str:
    return f"{nbytes / 1e6:.2f} MB" if nbytes >= 1e5 else f"{nbytes / 1e3:.1f} kB"


# --------------------------------------------------------------------------- Chromium


@functools.cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _local_asset(url: str) -> Path | None:
    """Serve the CDN Leaflet/markercluster files a map asks for from the xstatic packages."""
    from g60map.render.web.assets import asset_path

    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    for key in (
        "leaflet.js",
        "leaflet.css",
        "leaflet.markercluster.js",
        "MarkerCluster.css",
        "MarkerCluster.Default.css",
    ):
        if name == key:
            try:
                return asset_path(key)
            except Exception:  # noqa: BLE001 - asset missing: let the request fail
                return None
    return None


#: JS expression: vector paths, canvases and markers in any pane of the map (not tiles).
_DRAWN = (
    "document.querySelectorAll('.leaflet-map-pane path, .leaflet-map-pane canvas, "
    ".leaflet-marker-pane > *').length"
)


class Chromium:
    """Headless system Chromium (never a downloaded build), network replaced by local files.

    Requests for Leaflet and markercluster (CDN URLs) are answered from the pinned xstatic
    files, so a map that links them and one that inlines them both draw; every other
    remote request (tiles, fonts, bootstrap, jQuery) fails at once (no DNS), for every map
    alike.
    """

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        from tests._browser import CHROMIUM_ARGS, CHROMIUM_PATH, ISOLATION_ARGS

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(
            executable_path=CHROMIUM_PATH, args=[*CHROMIUM_ARGS, *ISOLATION_ARGS]
        )

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def draw_time(self, html_path: str | Path, timeout_ms: int = 120_000) -> dict[str, Any]:
        """Open a map and return the seconds until it has drawn its layers.

        Timed from ``goto`` to the first animation frame after (1) the ``load`` event and
        (2) the map having vector paths or markers in its panes; errors are collected.
        """
        context = self.browser.new_context(viewport={"width": 1200, "height": 800})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def _route(route: Any) -> None:
            local = _local_asset(route.request.url)
            if local is None:
                route.abort("blockedbyclient")
                return
            ctype = "text/css" if local.suffix == ".css" else "application/javascript"
            route.fulfill(status=200, body=_read(local), content_type=ctype)

        # Only the asset URLs go through Python; every other remote request (tiles, fonts,
        # bootstrap, jQuery) fails inside Chromium (host resolver rules: no DNS), at once.
        for pattern in ("**/*leaflet*.js", "**/*leaflet*.css", "**/*MarkerCluster*.css"):
            context.route(pattern, _route)
        url = Path(html_path).resolve().as_uri()
        try:
            t0 = time.perf_counter()
            page.goto(url, wait_until="load", timeout=timeout_ms)
            page.wait_for_function(f"{_DRAWN} > 0", timeout=timeout_ms)
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            seconds = time.perf_counter() - t0
            drawn = page.evaluate(
                "() => ({paths: document.querySelectorAll('.leaflet-map-pane path').length,"
                " markers: document.querySelectorAll('.leaflet-marker-pane > *').length})"
            )
            heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
        finally:
            context.close()
        return {"seconds": seconds, "errors": errors, "heap_mb": heap / 1e6, **drawn}
