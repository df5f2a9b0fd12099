"""The corridor's numbers from tables loaded on a dask cluster, partition by partition.

Corridor stage, for :func:`g60map.load_corridor` with ``engine="dask"``: each worker counts
its partition's rows per city and per district with the rules of :mod:`.summary`
(:func:`partition_figures`); the client adds the figures up (:func:`combine_figures`) and
puts them in the per-city and per-district summaries computed from the sample of rows
that came back (:func:`with_city_figures`, :func:`with_district_figures`), so the
summaries count every row of the table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from .._frames import as_wgs84
from .summary import _city_codes_of, _district_codes

__all__ = [
    "partition_figures",
    "combine_figures",
    "with_city_figures",
    "with_district_figures",
    "load_dask_tables",
]


@functools.lru_cache(maxsize=2)
def _districts(resolution: str) -> gpd.GeoDataFrame | None:
    from ..reference.boundaries import load_boundaries
    from ..reference.datasets import get_path

    suffix = "_full" if resolution == "full" else ""
    try:
        if not get_path(f"boundaries_district{suffix}").is_file():
            return None
    except (ValueError, OSError):
        return None
    return as_wgs84(load_boundaries("district", resolution), "districts",  # type: ignore[arg-type]
                    fresh_index=True)


def partition_figures(rows: gpd.GeoDataFrame, resolution: str = "simplified") -> dict[str, Any]:
    """Count one partition's loaded rows per city and per district (on a worker).

    Parameters
    ----------
    rows : geopandas.GeoDataFrame
        Rows as :func:`g60map.load_partners` / :func:`g60map.load_investments` return them.
    resolution : {"simplified", "full"}
        Resolution of the district boundaries a row without a district code is placed in.

    Returns
    -------
    dict
        ``city`` and ``district``: frames indexed by code with ``n`` (rows) and, for
        investments, ``cny`` and ``usd`` (sums of ``amount_cny``/``amount_usd``).
    """
    out: dict[str, Any] = {}
    money = "amount_cny" in rows.columns and "amount_usd" in rows.columns
    codes = _city_codes_of(rows, rows) if len(rows) else pd.Series([], dtype=str)
    city = pd.DataFrame({"code": codes.to_numpy(), "n": 1})
    if money:
        city["cny"] = pd.to_numeric(rows["amount_cny"]).to_numpy(dtype=float)
        city["usd"] = pd.to_numeric(rows["amount_usd"]).to_numpy(dtype=float)
    out["city"] = city.groupby("code").sum()
    districts = _districts(resolution)
    if districts is not None:
        codes = _district_codes(rows, districts) if len(rows) else pd.Series([], dtype="string")
        district = pd.DataFrame({"code": codes.to_numpy(dtype=object), "n": 1})
        if money:
            district["cny"] = pd.to_numeric(rows["amount_cny"], errors="coerce").fillna(
                0.0).to_numpy(dtype=float)
        out["district"] = district.groupby("code").sum()
    return out


def combine_figures(figures: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """Add up the figures of the partitions (sums of amounts exactly rounded).

    Parameters
    ----------
    figures : list of dict
        What :func:`partition_figures` returned for each partition.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``city`` and (with district boundaries) ``district`` totals by code.
    """
    out = {}
    for level in ("city", "district"):
        frames = [f[level] for f in figures if level in f]
        if not frames:
            continue
        both = pd.concat(frames)
        totals = both.groupby(level=0).agg({c: (lambda s: math.fsum(s)) if c != "n" else "sum"
                                            for c in both.columns})
        out[level] = totals
    return out


def _put(frame: gpd.GeoDataFrame, totals: pd.DataFrame | None, columns: Mapping[str, str],
         ) -> gpd.GeoDataFrame:
    if totals is None:
        return frame
    out = frame.copy()
    codes = out["code"].astype(str)
    for column, figure in columns.items():
        if figure not in totals or column not in out:
            continue
        values = totals[figure].reindex(codes, fill_value=0).to_numpy()
        out[column] = values.astype(out[column].dtype)
    out["partners_per_1000km2"] = out["partners"] / out["area_km2"] * 1000.0
    out.attrs = dict(frame.attrs)
    return out


def with_city_figures(summary: gpd.GeoDataFrame, partners: dict[str, Any] | None,
                      investments: dict[str, Any] | None) -> gpd.GeoDataFrame:
    """Return the per-city summary with the partners and investments of every row.

    Parameters
    ----------
    summary : geopandas.GeoDataFrame
        :func:`g60map.corridor_summary` of the rows that came back.
    partners, investments : dict, optional
        :func:`combine_figures` of each table (None: the rows that came back are all).

    Returns
    -------
    geopandas.GeoDataFrame
    """
    out = _put(summary, (partners or {}).get("city"), {"partners": "n"})
    return _put(out, (investments or {}).get("city"),
                {"investments": "n", "invest_cny": "cny", "invest_usd": "usd"})


def with_district_figures(of: Callable[[], gpd.GeoDataFrame], partners: dict[str, Any] | None,
                          investments: dict[str, Any] | None) -> gpd.GeoDataFrame:
    """Return the per-district summary (computed by ``of``) with the figures of every row.

    Parameters
    ----------
    of : callable
        Computes :func:`g60map.corridor.summary.district_summary` of the rows that came back.
    partners, investments : dict, optional
        :func:`combine_figures` of each table.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    out = _put(of(), (partners or {}).get("district"), {"partners": "n"})
    return _put(out, (investments or {}).get("district"),
                {"investments": "n", "invest_cny": "cny"})


def load_dask_tables(
    tables: dict[str, Any], *, outside: str, datum: str, exclude_status: Any, on_bad_rows: str,
    resolution: str, scheduler: str | None, progress: bool,
) -> tuple[dict[str, Any], dict[str, dict[str, Any] | None]]:
    """Load the tables given as paths on one dask cluster; others are returned as they are.

    Parameters
    ----------
    tables : dict
        ``{"partners": ..., "investments": ...}`` as :func:`g60map.load_corridor` takes them.
    outside, datum, exclude_status, on_bad_rows, resolution
        As for :func:`g60map.load_corridor`.
    scheduler : str, optional
        See :func:`g60map.ingest.distributed.dask_client`.
    progress : bool
        Rows done, rate and time left on stderr.

    Returns
    -------
    tables : dict
        Paths replaced by the loaded sample (a table :func:`g60map.load_partners` could
        have returned: used as it is).
    figures : dict
        :func:`combine_figures` of each table loaded here when it was sampled, else None.
    """
    import os

    from ..ingest.distributed import dask_client, load_table_dask

    paths = {k: v for k, v in tables.items() if isinstance(v, str | os.PathLike)}
    figures: dict[str, dict[str, Any] | None] = dict.fromkeys(tables)
    if not paths:
        return tables, figures
    out = dict(tables)
    aggregate = functools.partial(partition_figures, resolution=resolution)
    with dask_client(scheduler) as client:
        for kind, path in paths.items():
            frame, parts = load_table_dask(
                path, kind, outside=outside, datum=datum, exclude_status=exclude_status,
                on_bad_rows=on_bad_rows, client=client, aggregate=aggregate, progress=progress)
            out[kind] = frame
            if frame.attrs.get("rows_total", len(frame)) > len(frame):
                figures[kind] = combine_figures(parts)
    return out, figures

