"""Tables too big for one process, loaded on a dask.distributed cluster.

The ``"dask"`` engine of :func:`g60map.load_corridor`: the table (a CSV file, a glob of
CSV files, a Parquet file or a partitioned Parquet dataset) is cut into partitions, and
each worker loads its own partition with the code of the pandas engine
(:mod:`g60map.ingest._partition`): validated, placed (coordinates in any datum, city and
district names, addresses), joined and aggregated. Only the aggregates, a bounded sample
of rows (:data:`g60map.settings.DASK_SAMPLE_POINTS`, chosen by a hash of each row, so the
same table gives the same sample) and the problems come back to the client, whose memory
does not grow with the table. Problems name the file, the row counted from the start of
the file (not of the partition) and the column, as the pandas engine names them; the
notes and warnings are the same too.

:func:`dask_client` connects to a running scheduler (``--scheduler``,
``G60MAP_SCHEDULER``) or starts a :class:`distributed.LocalCluster` sized to the machine.
dask and distributed are optional: ``pip install g60map[dask]``.
"""

from __future__ import annotations

import contextlib
import glob
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .. import settings
from .._errors import G60InputError, Problem
from ._dask_merge import Progress, Sample, fx_note, merge_outside, shift
from ._partition import DUPLICATE_KIND, LoadOptions, light, load_partition, row_hashes

__all__ = ["dask_client", "load_table_dask", "check_table_dask", "table_pieces", "Piece"]

_NO_ROWS = "file has a header but no data rows (add rows)"
_GLOB = ("*", "?", "[")


@dataclass(frozen=True)
class Piece:
    """One file of a table, cut into partitions for the workers.

    Attributes
    ----------
    label : str
        The file's name in problems.
    parts : list
        :class:`~g60map.ingest._csv_blocks.CsvBlock` or dask delayed Parquet row groups.
    source : CsvHeader, GeoMeta or "frame"
        What the partitions are (:func:`g60map.ingest.engine._as_table`).
    hive : tuple of (str, str)
        Columns named by the folders of a partitioned Parquet dataset (``city=Hefei``).
    """

    label: str
    parts: list[Any]
    source: Any
    hive: tuple[tuple[str, str], ...] = ()


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, n_workers: int | None = None) -> Iterator[Any]:
    """Connect to a dask scheduler, or start a local cluster; yield the client.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); default
        :data:`g60map.settings.DASK_SCHEDULER` (``G60MAP_SCHEDULER``). Empty: a
        :class:`distributed.LocalCluster` of :data:`g60map.settings.DASK_WORKERS`
        processes (one per core when 0), one thread each, each with
        :data:`g60map.settings.DASK_WORKER_MEMORY`, is started and closed afterwards.
    n_workers : int, optional
        Processes of the local cluster (instead of the setting).

    Yields
    ------
    distributed.Client

    Raises
    ------
    G60InputError
        The scheduler cannot be reached (the message names the address and the setting).
    """
    from .engine import _import_dask, _quiet_worker_warnings

    _, _, _, Client, LocalCluster = _import_dask()
    address = scheduler or settings.DASK_SCHEDULER
    cluster = None
    if address:
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise G60InputError([Problem(
                "--scheduler", None, None,
                f"no dask scheduler answers at {address} ({type(exc).__name__}: {exc}): start "
                "one (dask scheduler), check the address, or leave --scheduler and "
                "G60MAP_SCHEDULER unset to start a local cluster")]) from None
    else:
        import os

        workers = n_workers or settings.DASK_WORKERS or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True,
            memory_limit=settings.DASK_WORKER_MEMORY, dashboard_address=":0",
            scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        client.run(_quiet_worker_warnings)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _refuse_workbook(label: str) -> G60InputError:
    return G60InputError([Problem(
        label, None, None,
        "engine 'dask' reads CSV or Parquet files, not workbooks: save the sheet as CSV "
        "(or Parquet) and give that file, or use --engine pandas")])


def _files(path: str) -> list[tuple[Path, tuple[tuple[str, str], ...]]]:
    """Return the files of a table: one file, the files a glob matches, or a Parquet dataset's."""
    from ._parquet import PARQUET_SUFFIXES

    if any(c in path for c in _GLOB) and not Path(path).exists():
        found = sorted(glob.glob(path, recursive=True))
        if not found:
            raise G60InputError([Problem(path, None, None, "no file matches this pattern "
                                         "(check the folder and the * ? [ ] in it)")])
        return [(Path(f), ()) for f in found]
    base = Path(path)
    if not base.is_dir():
        return [(base, ())]
    out = []
    for file in sorted(base.rglob("*")):
        rel = file.relative_to(base)
        if file.suffix.lower() not in PARQUET_SUFFIXES or not file.is_file() or any(
                p.startswith((".", "_")) for p in rel.parts):
            continue
        hive = tuple(tuple(p.split("=", 1)) for p in rel.parts[:-1] if "=" in p)
        out.append((file, hive))
    if not out:
        raise G60InputError([Problem(path, None, None, "a folder without .parquet files: give "
                                     "a CSV or Parquet file, a glob (data/*.csv) or a "
                                     "partitioned Parquet dataset")])
    return out  # type: ignore[return-value]


def table_pieces(path: str, blocksize: str | int | None = None) -> list[Piece]:
    """Cut a table into the partitions the workers load, file by file.

    Parameters
    ----------
    path : str
        A CSV or Parquet file, a glob of them (``data/*.csv``) or a folder holding a
        (hive-)partitioned Parquet dataset.
    blocksize : str or int, optional
        Bytes of CSV per partition (default :data:`g60map.settings.DASK_BLOCKSIZE`);
        Parquet is cut by row group.

    Returns
    -------
    list of Piece

    Raises
    ------
    G60InputError
        A workbook, a missing or unreadable file, a pattern matching nothing.
    """
    import pyarrow.parquet as pq
    from dask.utils import parse_bytes

    from . import _csv_blocks
    from ._parquet import PARQUET_SUFFIXES
    from .engine import _check_file, _import_dask

    dask, dd, dask_geopandas, _, _ = _import_dask()
    size = parse_bytes(blocksize or settings.DASK_BLOCKSIZE) if not isinstance(
        blocksize, int) else blocksize
    pieces = []
    source: Any  # a CsvHeader, a GeoMeta or "frame"
    for file, hive in _files(str(path)):
        label = str(file)
        suffix = file.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            raise _refuse_workbook(label)
        _check_file(file, label)
        if suffix not in PARQUET_SUFFIXES:
            source = _csv_blocks.csv_source(file, label)
            pieces.append(Piece(label, _csv_blocks.csv_blocks(file, max(size, 1)), source, hive))
            continue
        from ._geoparquet import read_geo_metadata

        try:
            meta = read_geo_metadata(pq.read_schema(file), label)
            with dask.config.set({"dataframe.convert-string": False}):
                if meta is not None and not meta.wkb:  # GeoArrow: dask-geopandas reads it
                    ddf, source = dask_geopandas.read_parquet(str(file), split_row_groups=True), \
                        "frame"
                else:  # plain Parquet, or WKB decoded per partition with row numbers
                    ddf, source = dd.read_parquet(str(file), split_row_groups=True), \
                        meta or "frame"
        except G60InputError:
            raise
        except Exception as exc:  # pyarrow/dask raise several types for broken files
            raise G60InputError([Problem(label, None, None, f"not a readable Parquet file "
                                         f"({exc}): write it again, e.g. with pandas or "
                                         "geopandas to_parquet")]) from None
        pieces.append(Piece(label, list(ddf.to_delayed()), source, hive))
    return pieces


def _run(client: Any, calls: list[tuple[Any, ...]], progress: Progress,
         keep: Callable[[int, dict[str, Any]], dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Run ``load_partition`` calls on the cluster; ``keep`` trims each result as it lands.

    Returns the results without their key hashes, and the futures of the whole results
    (the key hashes stay on the workers, for :func:`_duplicates`).
    """
    from distributed import as_completed

    from .engine import _import_dask

    dask = _import_dask()[0]
    tasks = [dask.delayed(load_partition, pure=True)(*call) for call in calls]
    held = client.compute(tasks)
    lights = [client.submit(light, f) for f in held]
    where = {f.key: i for i, f in enumerate(lights)}
    results: list[Any] = [None] * len(held)
    for future in as_completed(lights):
        i = where[future.key]
        result = future.result()
        progress.step(int(result.get("rows", 0)))
        results[i] = keep(i, result)
        future.release()
    return results, held


@dataclass
class _Loaded:
    """What the client keeps of a table loaded by the workers."""

    frame: Any
    figures: list[Any]
    rows: int
    errors: list[Problem]
    notes: Any
    head: list[Problem]
    skipped: list[Problem]
    attrs: dict[str, Any]


def _duplicates(piece: Piece, held: list[Any], offsets: list[int], first: int,
                rows: int, client: Any, words: tuple[str, ...]) -> list[Problem]:
    """Whole-row duplicates across the partitions of one file, as validate names them.

    Only rows whose key cell repeats can be duplicates. The key hashes stay on the
    workers: they are compared there, a bucket of hashes at a time, and only the hashes
    that repeat come to the client; the rows that have them are hashed whole by a
    second, small pass over their partitions (64-bit hashes).
    """
    import pandas as pd

    from ._partition import candidate_rows, key_bucket, repeated_keys
    from .engine import _import_dask

    own = list(range(first, first + len(piece.parts)))
    buckets = 1 + rows // 2_000_000  # each comparison holds ~16 MB of hashes
    found = client.gather([
        client.submit(repeated_keys, *[client.submit(key_bucket, held[i], b, buckets)
                                       for i in own]) for b in range(buckets)])
    repeated = np.concatenate([np.zeros(0, np.uint64), *found])
    if not len(repeated):
        return []
    candidates = client.gather([client.submit(candidate_rows, held[i], repeated) for i in own])
    dask = _import_dask()[0]
    tasks, blocks = [], []
    for k, (i, local) in enumerate(zip(own, candidates, strict=True)):
        if len(local):
            tasks.append(dask.delayed(row_hashes, pure=True)(
                piece.parts[k], piece.label, piece.source, piece.hive, words, local))
            blocks.append(local + offsets[i])
    hashes = np.concatenate(client.gather(client.compute(tasks)))
    at = np.concatenate(blocks)
    dup = pd.Series(hashes).duplicated(keep="first").to_numpy()
    if not dup.any():
        return []
    firsts = pd.Series(at).groupby(hashes).transform("first").to_numpy()
    return [Problem(piece.label, int(r), None, f"duplicate of row {int(f)} (delete one of them)",
                    DUPLICATE_KIND) for r, f in zip(at[dup], firsts[dup], strict=True)]


def _load(pieces: list[Piece], options: LoadOptions, client: Any, show: bool) -> _Loaded:
    import pandas as pd

    from . import _csv_blocks
    from ._csv_blocks import CsvHeader
    from .tables import sort_problems

    calls: list[tuple[Any, ...]] = [(part, p.label, p.source, p.hive, options)
                                    for p in pieces for part in p.parts]
    owner = [k for k, p in enumerate(pieces) for _ in p.parts]
    sample = Sample(options.sample)

    def keep(i: int, result: dict[str, Any]) -> dict[str, Any]:
        sample.add(i, result.pop("sample", None), result.pop("hashes", np.zeros(0)))
        return result

    def run(todo: list[int], what: str) -> None:
        progress = Progress(what, len(todo), show)
        try:
            done, futures = _run(client, [calls[i] for i in todo], progress,
                                 lambda j, r: keep(todo[j], r))
        except pd.errors.ParserError as exc:
            p = pieces[owner[todo[0]]]
            width = len(p.source.names) if isinstance(p.source, CsvHeader) else 0
            raise _csv_blocks.csv_parser_error(p.label, exc, width) from None
        for i, r, f in zip(todo, done, futures, strict=True):
            results[i], held[i] = r, f

    results: list[dict[str, Any]] = [{}] * len(calls)
    held: list[Any] = [None] * len(calls)  # the whole results, on the workers
    run(list(range(len(calls))), f"loading {options.kind}")
    again = sorted({owner[i] for i, r in enumerate(results) if r.get("undecodable")})
    for k in again:  # a block that is not UTF-8: the whole file's encoding decides
        p = pieces[k]
        path = Path(p.label)
        source = _csv_blocks.csv_header(path, p.label, _csv_blocks.csv_encoding(path, p.label))
        pieces[k] = replace(p, source=source)
        for i in (i for i in range(len(calls)) if owner[i] == k):
            calls[i] = (calls[i][0], p.label, source, p.hive, options)
    if again:
        run([i for i in range(len(calls)) if owner[i] in again], f"loading {options.kind}")

    offsets = [0] * len(calls)
    firsts, totals = {}, {}
    for k in range(len(pieces)):
        own = [i for i in range(len(calls)) if owner[i] == k]
        firsts[k] = own[0] if own else 0
        total = 0
        for i in own:
            offsets[i] = total
            total += results[i]["rows"]
        totals[k] = total
        if total == 0:
            raise G60InputError([Problem(pieces[k].label, None, None, _NO_ROWS)])
    seen: set[Problem] = set()
    read = [p for i, r in enumerate(results) for p in shift(r["read_problems"], offsets[i],
                                                             seen)]
    if read:
        raise G60InputError(read)
    dups = [p for k, piece in enumerate(pieces) if piece.parts
            for p in _duplicates(piece, held, offsets, firsts[k], totals[k], client,
                                 options.exclude_status)]
    errors = [p for i, r in enumerate(results) for p in shift(r["problems"], offsets[i], seen)]
    skipped_dups: list[Problem] = []
    if options.on_bad_rows == "skip" and dups and not errors:
        from .notes import skipped_problem

        skipped_dups = [skipped_problem(p) for p in dups]
        drop: dict[int, list[int]] = {}
        for dup in dups:  # the partition of each duplicate, and its row there
            row = int(dup.row or 0)
            k = next(k for k, piece in enumerate(pieces) if piece.label == dup.file)
            i = max(i for i in range(len(calls)) if owner[i] == k and results[i]["rows"]
                    and offsets[i] + 2 <= row)
            drop.setdefault(i, []).append(row - offsets[i])
        for i, rows in drop.items():
            calls[i] = (*calls[i], tuple(rows))
        run(sorted(drop), f"loading {options.kind} without duplicate rows")
    else:
        errors += dups

    rows = sum(r["kept"] for r in results)
    if rows > options.sample:
        sample.trim()
    frames = []
    for i in sorted(sample.parts):  # file order
        frame = sample.parts[i][0]
        frame.index = frame.index + offsets[i]
        frames.append(frame)
    attrs: dict[str, Any] = {}
    for r in results:
        attrs.update(r["attrs"])
    fx = fx_note(results)
    if fx:
        attrs["fx_rates"] = fx
    excluded = [p for i, r in enumerate(results) for p in shift(r["excluded"], offsets[i], seen)]
    places = [p for i, r in enumerate(results) for p in shift(r["place_notes"], offsets[i],
                                                               seen)]
    skipped = sort_problems([p for i, r in enumerate(results)
                             for p in shift(r["skipped"], offsets[i], seen)] + skipped_dups)
    if excluded:
        attrs["excluded_by_status"] = excluded
    if places:
        attrs["place_notes"] = places
    notes = merge_outside([(r["notes"], offsets[i]) for i, r in enumerate(results)], seen)
    frame = _frame(frames, pieces, attrs, options)
    return _Loaded(frame, [r["figures"] for r in results if r["figures"] is not None], rows,
                   sort_problems(errors), notes, excluded, skipped, attrs)


def _frame(frames: list[Any], pieces: list[Piece], attrs: dict[str, Any],
           options: LoadOptions) -> Any:
    """Return the rows that came back, in file order, as :func:`load_partners` returns a table."""
    import geopandas as gpd
    import pandas as pd

    if frames:
        gdf = gpd.GeoDataFrame(pd.concat(frames), crs=settings.WGS84) if len(frames) > 1 \
            else frames[0]
    else:
        from .tables import load_table

        empty = load_table(None, options.kind, "keep", "wgs84")  # type: ignore[arg-type]
        gdf = empty.iloc[0:0].drop(columns="row")
    gdf = gdf.reset_index(names="row")
    gdf.attrs = {"file": pieces[0].label if len(pieces) == 1 else ", ".join(
        p.label for p in pieces), **attrs}
    return gdf


def _options(kind: str, outside: str, datum: str, exclude_status: str | Sequence[str],
             on_bad_rows: str, sample: int | None,
             aggregate: Callable[[Any], Any] | None) -> LoadOptions:
    from ..reference.datum import DATUMS
    from .status import status_words

    if outside not in ("warn", "error", "keep", "drop"):
        raise ValueError(f"outside must be 'warn', 'error', 'keep' or 'drop', not {outside!r}")
    if on_bad_rows not in ("error", "skip"):
        raise ValueError(f"on_bad_rows must be 'error' or 'skip', not {on_bad_rows!r}")
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {', '.join(DATUMS)}, not {datum!r}")
    size = settings.DASK_SAMPLE_POINTS if sample is None else int(sample)
    return LoadOptions(kind, outside, datum, status_words(exclude_status), on_bad_rows,
                       max(size, 0), aggregate)


def load_table_dask(
    path: str | Any, kind: str = "partners", *, outside: str = "warn", datum: str = "wgs84",
    exclude_status: str | Sequence[str] = (), on_bad_rows: str = "error",
    client: Any = None, scheduler: str | None = None, aggregate: Callable[[Any], Any] | None = None,
    sample: int | None = None, blocksize: str | int | None = None, progress: bool = False,
) -> tuple[Any, list[Any]]:
    """Load a table on a dask cluster: the sample of its rows, and each partition's figures.

    Parameters
    ----------
    path : str or path-like
        CSV or Parquet file, glob of files (``data/*.csv``) or partitioned Parquet
        dataset (a folder); .xlsx is refused (save it as CSV or Parquet).
    kind : {"partners", "investments"}
    outside, datum, exclude_status, on_bad_rows
        As for :func:`g60map.load_partners`; the same notes and warnings are given.
    client : distributed.Client, optional
        A client to use; default: one from :func:`dask_client` (``scheduler``).
    scheduler : str, optional
        Address of a running scheduler (see :func:`dask_client`).
    aggregate : callable, optional
        Called on the workers with each partition's loaded rows (what
        :func:`g60map.load_partners` returns for them, before ``reset_index``).
    sample : int, optional
        Most rows brought back (default :data:`g60map.settings.DASK_SAMPLE_POINTS`).
    blocksize : str or int, optional
        Bytes of CSV per partition (default :data:`g60map.settings.DASK_BLOCKSIZE`).
    progress : bool, default False
        Print rows done, rate and time left on stderr.

    Returns
    -------
    frame : geopandas.GeoDataFrame
        Every loaded row, in file order, when there are at most ``sample``; else the
        ``sample`` rows with the smallest row hashes. ``attrs`` as the pandas engine's, and
        ``attrs["rows_total"]``: the rows loaded (``len(frame)`` of the pandas engine).
    figures : list
        What ``aggregate`` returned for each partition (empty without it).

    Raises
    ------
    G60InputError
        Every problem of the table, rows counted from the start of each file.
    """
    options = _options(kind, outside, datum, exclude_status, on_bad_rows, sample, aggregate)
    pieces = table_pieces(str(path), blocksize)
    if client is None:
        with dask_client(scheduler) as own:
            loaded = _load(pieces, options, own, progress)
    else:
        loaded = _load(pieces, options, client, progress)
    return _finish(loaded, options), loaded.figures


def _finish(loaded: _Loaded, options: LoadOptions) -> Any:
    """Raise the problems, give the notes and warnings of :func:`load_table`; the frame."""
    from .notes import column_notes, note_columns, note_excluded, note_places, warn_skipped
    from .outside import warn_outside

    if loaded.errors:
        raise G60InputError(loaded.errors)
    frame = loaded.frame
    if loaded.head:
        note_excluded(loaded.head)
    if loaded.skipped:
        warn_skipped(loaded.skipped)
    aliases = column_notes(frame)
    if aliases:
        note_columns(aliases)
    if frame.attrs.get("place_notes"):
        note_places(frame.attrs["place_notes"])
    if options.outside == "drop" and loaded.notes:
        warn_outside(loaded.notes, dropped=True)
    elif loaded.notes and options.outside == "warn":
        warn_outside(loaded.notes)
    if loaded.skipped:
        frame.attrs["skipped_rows"] = len({p.row for p in loaded.skipped})
    frame.attrs["rows_total"] = loaded.rows
    return frame


def check_table_dask(
    path: str | Any, kind: str = "partners", *, datum: str = "wgs84",
    exclude_status: str | Sequence[str] = (), on_bad_rows: str = "error",
    scheduler: str | None = None, progress: bool = False,
) -> tuple[list[Problem], Sequence[Problem]]:
    """Return ``(errors, notes)`` of a table checked on a dask cluster, as :func:`check_table`.

    Parameters
    ----------
    path : str or path-like
        As for :func:`load_table_dask`.
    kind, datum, exclude_status, on_bad_rows
        As for :func:`g60map.ingest.tables.check_table`.
    scheduler : str, optional
        Address of a running scheduler (see :func:`dask_client`).
    progress : bool, default False
        Print rows done, rate and time left on stderr.

    Returns
    -------
    errors : list of Problem
    notes : sequence of Problem
        In the order of :func:`g60map.ingest.tables.check_table`.
    """
    from .notes import TABLE_KINDS, column_notes
    from .outside import OutsideNotes

    options = _options(kind, "warn", datum, exclude_status, on_bad_rows, 0, None)
    try:
        pieces = table_pieces(str(path))
        with dask_client(scheduler) as client:
            loaded = _load(pieces, options, client, progress)
    except G60InputError as exc:
        return [p for p in exc.problems if isinstance(p, Problem)], []
    head = (column_notes(loaded.frame) + loaded.head + loaded.attrs.get("place_notes", [])
            + loaded.skipped)
    notes = loaded.notes
    if isinstance(notes, OutsideNotes):
        bad = {p.row for p in loaded.errors if p.row is not None and p.kind not in TABLE_KINDS}
        return loaded.errors, notes.without_rows(bad).after(head)
    return loaded.errors, [*head, *notes]
