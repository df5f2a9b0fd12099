"""One partition of a table, loaded on a dask worker as the pandas engine loads a file.

Part of the ingest stage, under :mod:`g60map.ingest.distributed`: a worker reads its
partition (a CSV block or a Parquet row group, :mod:`g60map.ingest._csv_blocks`), turns it
into text cells (:func:`g60map.ingest.engine._as_table`), leaves out rows by status,
validates, places and joins it with the code of :func:`g60map.load_partners`
(:func:`g60map.ingest.tables.join_table`), and sends back only what the driver needs: its
problems and notes (rows counted from the partition's first row, 2; the driver shifts
them), the hashes that find duplicate rows across partitions, the figures of an
``aggregate`` function and a bounded sample of its rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LoadOptions", "load_partition", "row_hashes", "DUPLICATE_KIND"]

#: Kind of the problem of a row that repeats an earlier one (found across partitions).
DUPLICATE_KIND = "duplicate row"


@dataclasses.dataclass(frozen=True)
class LoadOptions:
    """What every partition of a table is loaded with (as :func:`g60map.load_partners`).

    Attributes
    ----------
    kind : {"partners", "investments"}
    outside : {"warn", "error", "keep", "drop"}
    datum : str
    exclude_status : tuple of str
        Status words (:func:`g60map.ingest.status.status_words`).
    on_bad_rows : {"error", "skip"}
    sample : int
        Most rows a partition sends back (those with the smallest row hashes).
    aggregate : callable, optional
        Called on a worker with the partition's loaded rows (a GeoDataFrame); its result
        goes back to the driver as it is.
    """

    kind: str
    outside: str
    datum: str
    exclude_status: tuple[str, ...] = ()
    on_bad_rows: str = "error"
    sample: int = 10_000
    aggregate: Callable[[Any], Any] | None = None


def _text(part: Any, label: str, source: Any, hive: Sequence[tuple[str, str]]) -> Any:
    """Return the partition as text cells (rows from 2) and its read problems, or None."""
    from . import _csv_blocks
    from ._csv_blocks import CsvBlock, CsvHeader
    from .engine import _as_table

    if isinstance(part, CsvBlock) and isinstance(source, CsvHeader) and not source.checked:
        part = _csv_blocks.read_block(part, source)
        if part is None:  # not UTF-8: the driver checks the whole file
            return None
    df, problems = _as_table(part, label, source)
    for key, value in hive:  # the folder names of a partitioned Parquet dataset
        if key not in df.columns:
            df[key] = value
    return df, problems


def _is_duplicate(problem: Problem) -> bool:
    return problem.kind == DUPLICATE_KIND or (
        problem.column is None and problem.message.startswith("duplicate of row "))


def _key_hashes(df: pd.DataFrame) -> np.ndarray:
    """Hash of each row's key cell (``name``, else the first column), as validate's check."""
    import pandas as pd

    key = list(df.columns).index("name") if "name" in df.columns else 0
    return pd.util.hash_array(df.iloc[:, key].to_numpy(dtype=object), categorize=False)


def _excluded(df: pd.DataFrame, label: str, words: tuple[str, ...]) -> Any:
    from .status import exclude_by_status

    return exclude_by_status(df, words, label)


def load_partition(
    part: Any, label: str, source: Any, hive: tuple[tuple[str, str], ...],
    options: LoadOptions, drop_rows: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Load one partition on a worker; return its rows' figures, problems and sample.

    Parameters
    ----------
    part : CsvBlock or pandas.DataFrame
        The partition (a block of a CSV file, or the rows of a Parquet row group).
    label : str
        The file's name in problems.
    source : CsvHeader, GeoMeta or "frame"
        What the partition is (:func:`g60map.ingest.engine._as_table`).
    hive : tuple of (str, str)
        Columns given by the folders of a partitioned Parquet dataset.
    options : LoadOptions
    drop_rows : tuple of int
        Rows (counted from the partition's first, 2) to skip as duplicates of an
        earlier row of the file (``on_bad_rows="skip"``).

    Returns
    -------
    dict
        ``rows`` (rows read), ``read_problems``, ``keys``/``key_rows`` (key hashes of the
        rows left after the status filter), ``problems``, ``notes`` (rows outside),
        ``excluded``, ``skipped``, ``place_notes``, ``attrs``, ``kept`` (rows loaded),
        ``sample`` (a GeoDataFrame of at most ``options.sample`` rows) and ``hashes``
        (of its rows), ``figures`` (what ``options.aggregate`` returned).
    """
    import pandas as pd

    from .notes import row_problems, skipped_problem
    from .outside import OutsideNotes
    from .tables import join_table

    read = _text(part, label, source, hive)
    if read is None:
        return {"undecodable": True}
    df, read_problems = read
    out: dict[str, Any] = {
        "rows": len(df), "read_problems": read_problems, "problems": [], "notes": [],
        "excluded": [], "skipped": [], "place_notes": [], "attrs": {}, "kept": 0,
        "sample": None, "hashes": np.zeros(0, np.uint64), "figures": None,
        "keys": np.zeros(0, np.uint64), "key_rows": np.zeros(0, np.int64),
    }
    if not len(df) or read_problems:
        return out
    df, out["excluded"] = _excluded(df, label, options.exclude_status)
    if len(df.columns):
        out["keys"] = _key_hashes(df)
        out["key_rows"] = df.index.to_numpy(dtype=np.int64)
    if not len(df):
        return out
    gdf, problems, notes = join_table(df, options.kind, options.outside, options.datum)  # type: ignore[arg-type]
    problems = [p for p in problems if not _is_duplicate(p)]  # found by the driver
    if options.on_bad_rows == "skip" and (problems or drop_rows):
        bad = row_problems(problems, df.index)
        if len(bad) < len(problems):  # a problem of the header: nothing is skipped
            out["problems"] = problems
            return out
        rows = {p.row for p in bad} | set(drop_rows)
        out["skipped"] = [skipped_problem(p) for p in bad]
        attrs = dict(gdf.attrs)
        gdf = gdf[~gdf.index.isin(list(rows))]
        gdf.attrs = attrs
        problems = []
        notes = notes.without_rows(rows) if isinstance(notes, OutsideNotes) else \
            [n for n in notes if n.row not in rows]
    out["problems"], out["notes"] = problems, notes
    out["place_notes"] = gdf.attrs.pop("place_notes", [])
    out["attrs"] = {k: v for k, v in gdf.attrs.items() if k != "file"}
    if problems:  # the driver raises: nothing else is needed
        return out
    if options.outside == "drop":
        gdf = gdf[gdf["in_corridor"].to_numpy()]
    if "fx_rate_date" in gdf:
        other = ~gdf["currency"].astype(str).isin(["CNY", "USD", ""])
        out["fx"] = (set(gdf["currency"].astype(str)[other]),
                     set(gdf["fx_rate_date"][other & gdf["fx_rate"].notna()]))
    out["kept"] = len(gdf)
    if options.aggregate is not None:
        out["figures"] = options.aggregate(gdf)
    hashes = pd.util.hash_pandas_object(df.loc[gdf.index], index=False).to_numpy()
    if len(gdf) > options.sample:
        order = np.lexsort((gdf.index.to_numpy(), hashes))[: options.sample]
        order.sort()
        gdf, hashes = gdf.iloc[order], hashes[order]
    out["sample"], out["hashes"] = gdf, hashes
    return out


def row_hashes(
    part: Any, label: str, source: Any, hive: tuple[tuple[str, str], ...],
    words: tuple[str, ...], local: np.ndarray,
) -> np.ndarray:
    """Hash the whole text rows ``local`` (rows from 2) of a partition (worker side)."""
    import pandas as pd

    read = _text(part, label, source, hive)
    df = read[0] if read is not None else pd.DataFrame()
    df, _ = _excluded(df, label, words)
    return pd.util.hash_pandas_object(df.loc[local], index=False).to_numpy()


# Duplicate rows across partitions, found on the workers: the key hashes of each
# partition's rows stay there; the client gets only the keys that repeat.


def light(result: dict[str, Any]) -> dict[str, Any]:
    """Return a partition's result without its key hashes (what the client gathers)."""
    return {k: v for k, v in result.items() if k not in ("keys", "key_rows")}


def key_bucket(result: dict[str, Any], bucket: int, buckets: int) -> np.ndarray:
    """Return the key hashes of a partition that fall in ``bucket`` of ``buckets``."""
    keys = result.get("keys", np.zeros(0, np.uint64))
    return keys[keys % np.uint64(buckets) == np.uint64(bucket)]


def repeated_keys(*parts: np.ndarray) -> np.ndarray:
    """Return the key hashes that occur more than once among ``parts`` (sorted, unique)."""
    keys = np.sort(np.concatenate([np.zeros(0, np.uint64), *parts]))
    return np.unique(keys[1:][keys[1:] == keys[:-1]])


def candidate_rows(result: dict[str, Any], repeated: np.ndarray) -> np.ndarray:
    """Return the rows (from 2) of a partition whose key hash is in ``repeated``."""
    keys = result.get("keys", np.zeros(0, np.uint64))
    rows = result.get("key_rows", np.zeros(0, np.int64))
    return rows[np.isin(keys, repeated)]
