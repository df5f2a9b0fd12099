"""Per-city partner counts, in memory (pandas) or out of core (dask.distributed).

The ``"pandas"`` engine is :func:`g60map.load_partners` without the point geometry,
followed by a count. The ``"dask"`` engine cuts the table into partitions (CSV blocks of
whole lines of about ``blocksize`` bytes, each read and parsed by the worker that counts
it, or GeoParquet row groups read with dask-geopandas / dask.dataframe), and on a
:mod:`dask.distributed` cluster validates and spatially joins each partition with the
same code as the in-memory path (:func:`g60map.ingest.validate.validate_table`, the prepared
polygon join of :mod:`g60map.ingest.join`), then adds up the per-city counts. No worker ever
holds more than one partition, so the table never has to fit in memory; the driver
reads only the start of a CSV file and keeps 8 bytes per row (a row hash, for the
duplicate-row check across partitions) plus the problems found.

Both engines give the same counts and raise the same :class:`~g60map.G60InputError`
(same ``file:row:column`` messages) for the same file, with these documented limits of
the dask engine: CSV cells must not contain line breaks (blocks are cut at line ends;
use GeoParquet for such tables); ``.xlsx`` workbooks are not read (convert them, or
use the pandas engine); a CSV row with two or more cells past the header is reported
without its row number (``g60map validate`` names it), and extra cells that are empty
(a trailing comma) are ignored; there is no input size limit (the file is streamed).
dask and distributed are optional: ``pip install g60map[dask]``.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._errors import G60InputError, MissingDependencyError, Problem
from ..reference.datum import DATUMS
from . import _csv_blocks
from ._csv_blocks import CsvBlock, CsvHeader

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["count_partners_by_city", "ENGINES", "COUNT_COLUMNS"]

Engine = Literal["pandas", "dask"]
Outside = Literal["warn", "error", "keep"]
Source = Any  # "frame", a CsvHeader or a g60map.ingest._geoparquet.GeoMeta (see _as_table)

#: Engines accepted by :func:`count_partners_by_city`.
ENGINES: tuple[str, ...] = ("pandas", "dask")

#: Columns of the frame :func:`count_partners_by_city` returns.
COUNT_COLUMNS: list[str] = ["code", "name_en", "name_zh", "province_en", "role", "partners"]


_DUPLICATE_PREFIX = "duplicate of row "
_NO_ROWS = "file has a header but no data rows (add rows)"


def count_partners_by_city(
    path: str | os.PathLike[str],
    engine: Engine = "pandas",
    n_workers: int = 2,
    *,
    outside: Outside = "warn",
    blocksize: str | int = "64MB",
    scheduler: str | None = None,
    datum: str = "wgs84",
    on_bad_rows: Literal["error", "skip"] = "error",
) -> pd.DataFrame:
    """Count the partners of a table per corridor city.

    Parameters
    ----------
    path : path-like
        Partners table: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or GeoParquet
        (``.parquet``: point geometry or ``lon``/``lat`` columns); the pandas engine
        also reads ``.xlsx``.
    engine : {"pandas", "dask"}, default "pandas"
        ``"pandas"`` loads the whole table (:func:`g60map.load_partners`); ``"dask"``
        validates and joins partitions on a dask.distributed cluster, out of core.
    n_workers : int, default 2
        Worker processes of the local cluster (dask engine; one thread each).
    outside : {"warn", "error", "keep"}, default "warn"
        Rows whose point lies outside the nine cities, as in :func:`g60map.load_partners`.
    blocksize : str or int, default "64MB"
        Bytes per CSV partition (dask engine; a worker holds one: ~0.5 GB for 64 MB).
        GeoParquet is partitioned by row group.
    scheduler : str, optional
        Address of a running dask scheduler (``"tcp://host:8786"``) to use instead of
        starting a local cluster (dask engine).
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of ``lon``/``lat``, as in :func:`g60map.load_partners`.
    on_bad_rows : {"error", "skip"}, default "error"
        Rows with a problem, as in :func:`g60map.load_partners` (pandas engine only;
        ``attrs["skipped"]`` counts the rows left out).

    Returns
    -------
    pandas.DataFrame
        One row per corridor city, hub first (:data:`g60map.settings.MEMBER_CODES`
        order), columns :data:`COUNT_COLUMNS`; ``partners`` counts rows joined to that
        city (by point or by city name). ``attrs``: ``rows`` (rows read), ``outside``
        (rows kept with ``in_corridor=False``), ``engine``, ``partitions``.

    Raises
    ------
    G60InputError
        With every problem of the file, as :func:`g60map.load_partners` reports them.
    MissingDependencyError
        ``engine="dask"`` without dask-geopandas and distributed installed.

    Examples
    --------
    >>> counts = count_partners_by_city(get_path("partners"))  # doctest: +SKIP
    >>> counts.set_index("name_en").loc["Songjiang", "partners"]  # doctest: +SKIP
    6
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if outside not in ("warn", "error", "keep"):
        raise ValueError(f"outside must be 'warn', 'error' or 'keep', not {outside!r}")
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {', '.join(DATUMS)}, not {datum!r}")
    if on_bad_rows not in ("error", "skip"):
        raise ValueError(f"on_bad_rows must be 'error' or 'skip', not {on_bad_rows!r}")
    if on_bad_rows == "skip" and engine != "pandas":
        raise ValueError("skipping bad rows works with the pandas engine only (use --engine "
                         "pandas, or fix the rows g60map validate lists)")
    if engine == "pandas":  # load_partners without the point geometry
        from .tables import load_table

        joined = load_table(path, "partners", outside, datum, frame=False,
                            on_bad_rows=on_bad_rows)
        codes = joined.loc[joined["in_corridor"].to_numpy(), "city_code"]
        counts = _count_frame(codes.value_counts().to_dict(), len(joined), "pandas", 1)
        if joined.attrs.get("skipped_rows"):
            counts.attrs["skipped"] = int(joined.attrs["skipped_rows"])
        return counts
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive integer, not {n_workers!r}")
    return _count_dask(Path(path), n_workers, outside, blocksize, scheduler, datum)


def _count_frame(counts: dict[str, int], rows: int, engine: str, partitions: int) -> pd.DataFrame:
    from .. import settings
    from ..reference.cities import load_cities

    cities = load_cities().set_index("code").loc[list(settings.MEMBER_CODES)]
    out = cities.reset_index()[COUNT_COLUMNS[:-1]].copy()
    out["partners"] = [int(counts.get(code, 0)) for code in out["code"]]
    out["partners"] = out["partners"].astype("int64")
    out.attrs = {
        "rows": int(rows),
        "outside": int(rows - out["partners"].sum()),
        "engine": engine,
        "partitions": int(partitions),
    }
    return out


# --------------------------------------------------------------------------------------
# dask engine
# --------------------------------------------------------------------------------------


def _import_dask() -> tuple[Any, Any, Any, Any, Any]:
    try:
        import dask
        import dask.dataframe as dd
        import dask_geopandas
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingDependencyError(
            f"engine='dask' needs dask-geopandas and distributed ({exc.name or exc} is "
            "missing): pip install g60map[dask]"
        ) from exc
    return dask, dd, dask_geopandas, Client, LocalCluster


def _check_file(path: Path, label: str) -> None:
    """Refuse a missing path or anything but a regular file (no size limit: streamed)."""
    from ._checks import check_input_file

    check_input_file(path, label, limit=False)


def _quiet_worker_warnings() -> None:
    """Silence a pandas deprecation raised inside dask's parquet reader (not our code)."""
    warnings.filterwarnings("ignore", message="The inplace keyword", module="dask")
    warnings.filterwarnings("ignore", message="The inplace keyword", module="pandas")


def _as_table(part: pd.DataFrame, label: str, source: Source) -> tuple[pd.DataFrame, list[Problem]]:
    """Return a partition as :func:`g60map.ingest.read.read_table` would (local rows from 2).

    ``source`` says what the partition is: a :class:`CsvHeader` (text cells and one spare
    column), ``"frame"`` (typed columns, a GeoDataFrame for GeoArrow-encoded GeoParquet)
    or the :class:`~g60map.ingest._geoparquet.GeoMeta` of a GeoParquet file read as plain Parquet
    (WKB cells, decoded here with row numbers).
    """
    from ._geoparquet import decode_geometry
    from .read import frame_to_text

    if isinstance(source, CsvHeader):
        if isinstance(part, CsvBlock):
            part = _csv_blocks.read_block(part, source)
        return _csv_blocks.csv_part(part, label, source)
    if source != "frame":
        gdf, problems = decode_geometry(part, source, label)
        df, more = frame_to_text(gdf, label)
        return df, problems + more
    return frame_to_text(part, label)


def _key_hashes(df: pd.DataFrame) -> Any:
    """Hash of each row's key cell (``name``, else the first column), as in validate."""
    import pandas as pd

    key = list(df.columns).index("name") if "name" in df.columns else 0
    return pd.util.hash_array(df.iloc[:, key].to_numpy(dtype=object), categorize=False)


def _count_partition(
    part: pd.DataFrame, label: str, outside: str, source: Source, datum: str = "wgs84"
) -> dict[str, Any]:
    """Validate and join one partition; return its counts, problems and key hashes.

    Runs on a worker. Row numbers in the problems are local (first row = 2); the driver
    shifts them by the rows of the partitions before.
    """
    from .tables import join_table

    if isinstance(part, CsvBlock) and isinstance(source, CsvHeader) and not source.checked:
        parsed = _csv_blocks.read_block(part, source)
        if parsed is None:  # not UTF-8: the driver checks the whole file
            return {"undecodable": True}
        part = parsed
    df, read_problems = _as_table(part, label, source)
    result: dict[str, Any] = {
        "rows": len(df),
        "counts": {},
        "read_problems": read_problems,
        "problems": [],
        "notes": [],
        "keys": _key_hashes(df) if len(df.columns) else None,
    }
    if len(df) == 0 or read_problems:
        return result
    joined, problems, notes = join_table(df, "partners", outside, datum, frame=False)  # type: ignore[arg-type]
    # Duplicate rows are found across partitions by the driver (see _duplicate_problems).
    result["problems"] = [
        p for p in problems if not (p.column is None and p.message.startswith(_DUPLICATE_PREFIX))
    ]
    result["notes"] = notes
    codes = joined.loc[joined["in_corridor"].to_numpy(), "city_code"]
    result["counts"] = {str(k): int(v) for k, v in codes.value_counts().items()}
    return result


def _row_hashes(part: pd.DataFrame, label: str, source: Source, local: Any) -> Any:
    """Hash the whole text rows at positions ``local`` of a partition (worker side)."""
    import pandas as pd

    df, _ = _as_table(part, label, source)
    return pd.util.hash_pandas_object(df.iloc[local], index=False).to_numpy()


def _shift(problems: list[Problem], offset: int, seen: set[Problem]) -> list[Problem]:
    """Return problems with row numbers moved by ``offset``; header problems only once."""
    from dataclasses import replace

    out = []
    for p in problems:
        if p.row is None or p.row == 1:  # header / whole-file problem: same in every part
            if p not in seen:
                seen.add(p)
                out.append(p)
        else:
            out.append(replace(p, row=p.row + offset))
    return out


def _duplicate_problems(
    results: list[dict[str, Any]],
    offsets: Any,
    parts: list[Any],
    label: str,
    source: Source,
    client: Any,
    dask: Any,
) -> list[Problem]:
    """Find whole-row duplicates across partitions, as :func:`validate_table` reports them.

    Like the in-memory check, only rows whose key cell repeats can be duplicates: the
    partitions sent the hash of that cell for every row; the rows whose key hash repeats
    (none, for a table of distinct names) are hashed whole by a second, small pass over
    their partitions, and equal row hashes are duplicates (64-bit hashes: a false match is
    as likely as 1 in 10^19 per pair).
    """
    import numpy as np
    import pandas as pd

    if any(r["keys"] is None for r in results):
        return []
    keys = np.concatenate([r["keys"] for r in results])
    ordered = np.sort(keys)  # less memory than a hash table of 8-byte keys, and no slower
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    if not len(repeated):
        return []
    candidates = np.flatnonzero(np.isin(keys, repeated))
    bounds = np.append(offsets, len(keys))
    tasks: list[Any] = []
    row_blocks: list[np.ndarray] = []
    for i, part in enumerate(parts):
        local = candidates[(candidates >= bounds[i]) & (candidates < bounds[i + 1])] - bounds[i]
        if len(local):
            tasks.append(dask.delayed(_row_hashes, pure=True)(part, label, source, local))
            row_blocks.append(local + bounds[i] + 2)  # spreadsheet rows
    hashes = np.concatenate(client.gather(client.compute(tasks)))
    rows = np.concatenate(row_blocks)
    h = pd.Series(hashes, index=rows)
    dup = h.duplicated(keep="first").to_numpy()
    if not dup.any():
        return []
    first = pd.Series(rows, index=rows).groupby(hashes).transform("first").to_numpy()
    return [
        Problem(label, int(r), None, f"{_DUPLICATE_PREFIX}{int(f)} (delete one of them)")
        for r, f in zip(rows[dup], first[dup], strict=True)
    ]


def _count_dask(
    path: Path, n_workers: int, outside: str, blocksize: str | int, scheduler: str | None,
    datum: str = "wgs84",
) -> pd.DataFrame:
    dask, dd, dask_geopandas, Client, LocalCluster = _import_dask()
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from ._parquet import PARQUET_SUFFIXES
    from .outside import warn_outside
    from .tables import sort_problems

    label = str(path)
    _check_file(path, label)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise G60InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    "engine 'dask' reads CSV or GeoParquet, not workbooks (save the sheet as "
                    "CSV, or use engine 'pandas')",
                )
            ]
        )
    source: Source  # "frame", a GeoMeta or a CsvHeader
    with dask.config.set({"dataframe.convert-string": False}):
        if suffix in PARQUET_SUFFIXES:
            from ._geoparquet import read_geo_metadata

            try:
                schema = pq.read_schema(path)
            except Exception as exc:  # pyarrow raises several types for broken files
                raise G60InputError(
                    [Problem(label, None, None, f"not a readable Parquet file ({exc})")]
                ) from None
            meta = read_geo_metadata(schema, label)
            if meta is not None and not meta.wkb:  # GeoArrow geometry: dask-geopandas reads it
                reader, source = dask_geopandas.read_parquet, "frame"
            else:  # plain Parquet, or WKB decoded per partition with row numbers
                reader, source = dd.read_parquet, meta or "frame"
            try:
                ddf = reader(str(path), split_row_groups=True)
            except Exception as exc:  # pyarrow/dask raise several types for broken files
                raise G60InputError(
                    [Problem(label, None, None, f"not a readable Parquet file ({exc})")]
                ) from None
            parts = ddf.to_delayed()
        else:
            from dask.utils import parse_bytes

            # Workers read their own blocks of whole lines (the driver reads the header);
            # the header line is skipped and named by the driver.
            source = _csv_blocks.csv_source(path, label)
            size = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
            parts = _csv_blocks.csv_blocks(path, max(size, 1))

    def tasks(source: Source) -> list[Any]:
        return [
            dask.delayed(_count_partition, pure=True)(part, label, outside, source, datum)
            for part in parts
        ]

    if scheduler is None:
        from .. import settings

        scheduler = settings.DASK_SCHEDULER or None  # G60MAP_SCHEDULER
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            # No dashboard; the scheduler's HTTP server on a free port, so a busy 8787
            # (another cluster) prints no warning.
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        )
    else:
        cluster = None
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            client.run(_quiet_worker_warnings)
            try:
                results = client.gather(client.compute(tasks(source)))
                if any(r.get("undecodable") for r in results):  # read the whole file
                    encoding = _csv_blocks.csv_encoding(path, label)
                    source = _csv_blocks.csv_header(path, label, encoding)
                    results = client.gather(client.compute(tasks(source)))
                rows = sum(r["rows"] for r in results)
                if rows == 0:
                    raise G60InputError([Problem(label, None, None, _NO_ROWS)])
                offsets = np.concatenate([[0], np.cumsum([r["rows"] for r in results])[:-1]])
                seen: set[Problem] = set()
                read_problems = [
                    p
                    for r, off in zip(results, offsets, strict=True)
                    for p in _shift(r["read_problems"], int(off), seen)
                ]
                if read_problems:
                    raise G60InputError(read_problems)
                problems: list[Problem] = []
                notes: list[Problem] = []
                for r, off in zip(results, offsets, strict=True):
                    problems += _shift(r["problems"], int(off), seen)
                    notes += _shift(r["notes"], int(off), seen)
                problems += _duplicate_problems(
                    results, offsets, parts, label, source, client, dask
                )
            except pd.errors.ParserError as exc:
                width = len(source.names) if isinstance(source, CsvHeader) else 0
                raise _csv_blocks.csv_parser_error(label, exc, width) from None
    finally:
        if cluster is not None:
            cluster.close()

    if problems:
        raise G60InputError(sort_problems(problems))
    if notes and outside == "warn":
        warn_outside(notes)
    counts: dict[str, int] = {}
    for r in results:
        for code, k in r["counts"].items():
            counts[code] = counts.get(code, 0) + k
    return _count_frame(counts, rows, "dask", len(results))
