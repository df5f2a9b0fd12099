"""Synthetic tables for tests, benchmarks and examples: made up, *not real companies*.

Every generator is deterministic: the same arguments (and ``seed``) give the same rows,
and :func:`write_partners` gives byte-identical files. Names say what the rows are:
``Synthetic Co. 0001`` / ``合成企业0001``, websites under ``example.com``.

- :func:`make_partners` and :func:`make_investments`: tables in the form
  :func:`g60map.load_partners` / :func:`g60map.load_investments` read, with points
  uniform *inside* the corridor city each row belongs to (checked against the polygons
  the join uses, after rounding) and the true city in ``city_code_expected``.
- :func:`as_points`: the rows of those tables that have a point, as a GeoDataFrame
  (EPSG:4326) with a ``city_code`` column, as the maps and summaries take them.
- :func:`make_registry`: a company-registry export in Chinese (``企业名称``, ``注册地址``,
  ``注册资本（万元）``, ``成立日期``, ``行业``) with addresses in the districts of the nine
  cities and amounts and dates written the ways such exports write them.

Examples
--------
>>> from g60map.reference import synthetic
>>> table = synthetic.make_registry(3, seed=1)
>>> table.columns.tolist()
['企业名称', '注册地址', '注册资本（万元）', '成立日期', '行业']
>>> bool(table["企业名称"].str.startswith("合成企业").all())
True
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .._atomic import atomic_path
from ._synthetic_points import city_cells, locations, row_count

__all__ = [
    "KINDS",
    "INDUSTRIES",
    "SONGJIANG_TOWNS",
    "address_parts",
    "REGISTRY_COLUMNS",
    "make_partners",
    "make_investments",
    "as_points",
    "make_registry",
    "write_partners",
]

#: ``kind`` values of the synthetic partners.
KINDS: tuple[str, ...] = (
    "cloud customer",
    "industrial partner",
    "telecom operator",
    "software vendor",
    "university",
    "manufacturer",
)

#: ``行业`` values of the synthetic registry (industry names of GB/T 4754).
INDUSTRIES: tuple[str, ...] = (
    "软件和信息技术服务业",
    "互联网和相关服务",
    "计算机、通信和其他电子设备制造业",
    "专用设备制造业",
    "电气机械和器材制造业",
    "汽车制造业",
    "医药制造业",
    "研究和试验发展",
    "科技推广和应用服务业",
    "商务服务业",
)

#: Towns and subdistricts (镇, 街道) of Songjiang, a district itself: what its registry
#: addresses name after the district.
SONGJIANG_TOWNS: tuple[str, ...] = (
    "岳阳街道", "永丰街道", "方松街道", "中山街道", "广富林街道", "九里亭街道", "泗泾镇", "佘山镇",
    "车墩镇", "新桥镇", "洞泾镇", "九亭镇", "泖港镇", "石湖荡镇", "新浜镇", "叶榭镇", "小昆山镇",
)


@functools.lru_cache(maxsize=1)
def _address_parts() -> tuple[tuple[str, tuple[str, str, tuple[str, ...]]], ...]:
    from .boundaries import load_admin_units

    units = load_admin_units().set_index("code")
    districts = load_admin_units("district")
    parts = []
    for code in settings.MEMBER_CODES:
        province = units.at[units.at[code, "province_code"], "name_zh"]
        if code == settings.HUB_CODE:
            below = SONGJIANG_TOWNS
        else:
            below = tuple(districts.loc[districts["city_code"] == code, "name_zh"])
        parts.append((code, (province, units.at[code, "name_zh"], below)))
    return tuple(parts)


def address_parts() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Return what registry addresses of each corridor city are written with.

    Returns
    -------
    dict
        City code -> (province, city, the places below the city): a prefecture city's
        districts (区县) from :func:`g60map.reference.boundaries.load_admin_units`, and for
        Songjiang (a district of Shanghai) its towns, :data:`SONGJIANG_TOWNS`.

    Examples
    --------
    >>> from g60map.reference.synthetic import address_parts
    >>> province, city, districts = address_parts()["330400"]
    >>> province, city, districts[:3]
    ('浙江省', '嘉兴市', ('南湖区', '秀洲区', '嘉善县'))
    """
    return dict(_address_parts())


#: Columns of :func:`make_registry`, as a registry export names them.
REGISTRY_COLUMNS: tuple[str, ...] = ("企业名称", "注册地址", "注册资本（万元）", "成立日期", "行业")

_STREETS = ("文三路", "科技大道", "创新路", "学府路", "兴业大道", "振兴路", "人民路", "建设路",
            "新华路", "光明路", "云谷路", "数智街", "创业路", "工业园路", "开发区大道", "科创路")
_COMPANY_SUFFIXES = ("有限公司", "科技有限公司", "股份有限公司", "信息技术有限公司")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ------------------------------------------------------------------------ cells


def _ids(total: int) -> pd.Series:
    """Row numbers from 1, zero-padded to at least four digits."""
    width = max(4, len(str(total)))
    return pd.Series(np.arange(1, total + 1)).map(f"{{:0{width}d}}".format).astype(object)


def _dates(rng: np.random.Generator, n: int, first: str, last: str) -> np.ndarray:
    """``n`` ISO dates (``YYYY-MM-DD``) uniform from ``first`` to ``last``."""
    start, end = np.datetime64(first, "D"), np.datetime64(last, "D")
    days = rng.integers(0, int((end - start).astype(int)) + 1, n)
    return (start + days).astype(str).astype(object)


def _yuan(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """``n`` amounts log-uniform in [low, high] yuan, in whole 万 (10,000)."""
    return np.round(np.exp(rng.uniform(np.log(low), np.log(high), n)) / 1e4) * 1e4


# ------------------------------------------------------------------------ partners


def make_partners(
    n: int | None = None,
    seed: int = 60,
    *,
    per_city: Mapping[str, int] | None = None,
    outside: int = 0,
    city_only: float = 0.05,
    margin_m: float = 0.0,
    decimals: int = settings.COORD_DECIMALS,
) -> pd.DataFrame:
    """Return a synthetic partners table: made-up companies inside the corridor cities.

    Parameters
    ----------
    n : int, optional
        Number of rows, spread over the nine cities in proportion to the square root of
        their area (so the small Songjiang hub gets its share) and shuffled.
    seed : int, default 60
        Seed of :func:`numpy.random.default_rng`.
    per_city : mapping of str to int, optional
        Instead of ``n``: how many rows each city (GB/T 2260 code) gets, in this order.
    outside : int, default 0
        Extra rows, last, at points far outside the four provinces (no city).
    city_only : float, default 0.05
        Fraction of city rows with a city but no lon/lat (NaN).
    margin_m : float, default 0
        Keep points at least this many metres inside their city's border (150 m or more
        puts them in the same city of the simplified boundaries too).
    decimals : int, default settings.COORD_DECIMALS
        Decimal places of the coordinates.

    Returns
    -------
    pandas.DataFrame
        Columns ``name`` (``Synthetic Co. 0001``), ``name_zh`` (``合成企业0001``), ``city``
        (English name, Chinese name and code in turn), ``kind`` (:data:`KINDS`),
        ``founded`` (ISO date, 1995-2024), ``capital_cny``, ``website``, ``description``,
        ``lon``, ``lat`` (floats, NaN for none) and ``city_code_expected``: the city the
        row was made in, ``""`` outside (drop it before writing a partner table).

    Examples
    --------
    >>> from g60map.reference.synthetic import make_partners
    >>> table = make_partners(per_city={"310117": 2, "330100": 1}, city_only=0)
    >>> table[["name", "name_zh", "city", "city_code_expected"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['Synthetic Co. 0001', '合成企业0001', 'Songjiang', '310117'],
     ['Synthetic Co. 0002', '合成企业0002', '松江区', '310117'],
     ['Synthetic Co. 0003', '合成企业0003', '330100', '330100']]
    """
    total = row_count(n, per_city, outside)
    rng = np.random.default_rng(seed)
    city, code, lon, lat = locations(n, per_city, outside, rng, city_only=city_only,
                                     margin_m=margin_m, decimals=decimals)
    ids = _ids(total)
    return pd.DataFrame(
        {
            "name": "Synthetic Co. " + ids,
            "name_zh": "合成企业" + ids,
            "city": city_cells(city, code),
            "kind": np.asarray(KINDS, dtype=object)[rng.integers(0, len(KINDS), total)],
            "founded": _dates(rng, total, "1995-01-01", "2024-12-31"),
            "capital_cny": _yuan(rng, total, 1e6, 1e9),
            "website": "https://synthetic-" + ids + ".example.com",
            "description": "synthetic partner, not a real company",
            "lon": lon,
            "lat": lat,
            "city_code_expected": code,
        }
    )


# ------------------------------------------------------------------------ investments


def make_investments(
    n: int | None = None,
    seed: int = 60,
    *,
    per_city: Mapping[str, int] | None = None,
    outside: int = 0,
    city_only: float = 0.5,
    margin_m: float = 0.0,
    decimals: int = settings.COORD_DECIMALS,
) -> pd.DataFrame:
    """Return a synthetic investments table: made-up projects in the corridor cities.

    Parameters
    ----------
    n : int, optional
        Number of rows, spread over the cities by the square root of their area.
    seed : int, default 60
        Seed of :func:`numpy.random.default_rng`.
    per_city : mapping of str to int, optional
        Instead of ``n``: rows per city code, in this order.
    outside : int, default 0
        Extra rows, last, at points far outside the four provinces (no city).
    city_only : float, default 0.5
        Fraction of city rows with a city but no lon/lat (NaN).
    margin_m : float, default 0
        Keep points at least this many metres inside their city's border.
    decimals : int, default settings.COORD_DECIMALS
        Decimal places of the coordinates.

    Returns
    -------
    pandas.DataFrame
        Columns ``investor`` (``Synthetic Investor 0001``), ``project``, ``city``,
        ``amount`` (CNY, log-uniform from 10 million to 10 billion, in whole 万),
        ``currency`` (``CNY``), ``date`` (ISO, spread over 2015-2024), ``description``,
        ``source``, ``lon``, ``lat`` and ``city_code_expected`` (``""`` outside).
    """
    total = row_count(n, per_city, outside)
    rng = np.random.default_rng(seed)
    city, code, lon, lat = locations(n, per_city, outside, rng, city_only=city_only,
                                     margin_m=margin_m, decimals=decimals)
    ids = _ids(total)
    return pd.DataFrame(
        {
            "investor": "Synthetic Investor " + ids,
            "project": "合成项目" + ids,
            "city": city_cells(city, code),
            "amount": _yuan(rng, total, 1e7, 1e10),
            "currency": "CNY",
            "date": _dates(rng, total, "2015-01-01", "2024-12-31"),
            "description": "synthetic investment, not a real project",
            "source": "g60map.reference.synthetic",
            "lon": lon,
            "lat": lat,
            "city_code_expected": code,
        }
    )


def as_points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the rows of a generated table that have a point, as the maps take them.

    Parameters
    ----------
    table : pandas.DataFrame
        A table of :func:`make_partners` or :func:`make_investments` (pass
        ``city_only=0`` to keep every row).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the rows with lon/lat, a point ``geometry`` and ``city_code`` (the
        truth, ``""`` outside) instead of ``city_code_expected``. An investments table
        also gets ``amount_cny`` and ``amount_usd`` (at :data:`g60map.settings.USD_CNY_RATE`,
        stated in ``attrs`` as :func:`g60map.load_investments` does).

    Examples
    --------
    >>> from g60map.reference.synthetic import as_points, make_investments
    >>> points = as_points(make_investments(per_city={"330100": 2}, city_only=0))
    >>> points["city_code"].tolist(), points.crs.to_epsg()
    (['330100', '330100'], 4326)
    """
    table = table[table["lon"].notna()].reset_index(drop=True)
    gdf = gpd.GeoDataFrame(
        table.rename(columns={"city_code_expected": "city_code"}),
        geometry=gpd.points_from_xy(table["lon"], table["lat"]),
        crs=settings.WGS84,
    )
    if "amount" in gdf:
        at = gdf.columns.get_loc("amount") + 1
        gdf.insert(at, "amount_cny", gdf["amount"])
        gdf.insert(at + 1, "amount_usd", gdf["amount"] / settings.USD_CNY_RATE)
        gdf.attrs.update(usd_cny_rate=settings.USD_CNY_RATE,
                         usd_cny_rate_date=settings.USD_CNY_RATE_DATE,
                         usd_cny_rate_source=settings.USD_CNY_RATE_SOURCE)
    return gdf


# ------------------------------------------------------------------------ registry


#: How registry exports write an amount in 万元; each row picks one at random.
_CAPITAL_FORMS = (
    str,  # 500
    "{:,d}".format,  # 1,200
    "{:.2f}".format,  # 85.00
    "{}万元".format,  # the cell's own unit, the header's too
    lambda v: f"{v / 10_000:g}亿元" if v >= 10_000 else str(v),  # 1.2亿元 = 12,000 万元
    "{}万人民币".format,
    lambda v: str(v).translate(_FULL_WIDTH),  # ５００
)
#: How registry exports write a date (year, month, day); each row picks one at random.
_DATE_FORMS = (
    lambda y, m, d: f"{y}年{m}月{d}日",
    lambda y, m, d: f"{y}年{m:02d}月{d:02d}日",
    lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
    lambda y, m, d: f"{y}年{m}月{d}日".translate(_FULL_WIDTH),
    lambda y, m, d: f"{y}年{m}月{d}号",
)


def _cells(forms: tuple, rng: np.random.Generator, values: list) -> np.ndarray:
    """Write each value in one of ``forms``, drawn at random; tuples are unpacked."""
    picks = rng.integers(0, len(forms), len(values)).tolist()
    return np.asarray(
        [forms[k](*v) if isinstance(v, tuple) else forms[k](v)
         for v, k in zip(values, picks, strict=True)],
        dtype=object,
    )


def make_registry(n: int, seed: int = 60, *, expected: bool = False) -> pd.DataFrame:
    """Return a synthetic company-registry export in Chinese: made up, not real companies.

    Parameters
    ----------
    n : int
        Number of rows; the cities are drawn with equal chances.
    seed : int, default 60
        Seed of :func:`numpy.random.default_rng`.
    expected : bool, default False
        Also return the true values: ``city_code_expected``, ``capital_cny_expected``
        (yuan) and ``founded_expected`` (ISO date).

    Returns
    -------
    pandas.DataFrame
        All cells text, columns :data:`REGISTRY_COLUMNS`: ``企业名称`` (``合成企业0001``
        and a company suffix), ``注册地址`` (``浙江省杭州市西湖区文三路18号``; a quarter
        without the province; Songjiang as ``上海市松江区九亭镇...``), ``注册资本（万元）``
        (``500``, ``1,200``, ``85.00``, ``3000万元``, ``1.2亿元``, ``500万人民币``,
        full-width digits), ``成立日期`` (``2015年3月8日``, ``2015年03月08日``,
        ``2015-03-08``, full-width digits, ``…号``, 1995-2024) and ``行业``
        (:data:`INDUSTRIES`).

    Examples
    --------
    >>> from g60map.reference.synthetic import make_registry
    >>> table = make_registry(3, seed=3, expected=True)
    >>> table["注册地址"].tolist()[:2]
    ['安徽省芜湖市南陵县学府路621号', '上海市松江区新桥镇振兴路479号']
    >>> table["注册资本（万元）"].tolist(), table["capital_cny_expected"].tolist()
    (['1,167', '528.00', '2224'], [11670000.0, 5280000.0, 22240000.0])
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    codes = list(settings.MEMBER_CODES)
    parts = address_parts()
    city = rng.integers(0, len(codes), n)
    pick = rng.random(n)
    streets = rng.integers(0, len(_STREETS), n)
    numbers = rng.integers(1, 1000, n)
    short = rng.random(n) < 0.25
    addresses = []
    for i in range(n):
        province, city_name, districts = parts[codes[city[i]]]
        district = districts[int(pick[i] * len(districts))]
        if province == "上海市":  # Songjiang is a district of Shanghai
            head = f"{province}{city_name}"
        else:
            head = city_name if short[i] else f"{province}{city_name}"
        addresses.append(f"{head}{district}{_STREETS[streets[i]]}{numbers[i]}号")
    wan = np.round(np.exp(rng.uniform(np.log(10), np.log(100_000), n)))
    founded = _dates(rng, n, "1995-01-01", "2024-12-31")
    ids = _ids(n)
    suffix = np.asarray(_COMPANY_SUFFIXES, dtype=object)[rng.integers(0, 4, n)]
    table = pd.DataFrame(
        {
            "企业名称": "合成企业" + ids + suffix,
            "注册地址": np.asarray(addresses, dtype=object),
            "注册资本（万元）": _cells(_CAPITAL_FORMS, rng, wan.astype(int).tolist()),
            "成立日期": _cells(_DATE_FORMS, rng, [tuple(map(int, d.split("-"))) for d in founded]),
            "行业": np.asarray(INDUSTRIES, dtype=object)[rng.integers(0, len(INDUSTRIES), n)],
        }
    )
    if expected:
        table["city_code_expected"] = np.asarray(codes, dtype=object)[city]
        table["capital_cny_expected"] = wan * 1e4
        table["founded_expected"] = founded
    return table


# ------------------------------------------------------------------------ files


def write_partners(
    n: int,
    out: str | os.PathLike[str],
    *,
    seed: int = 60,
    force: bool = False,
    row_group_size: int = 100_000,
) -> tuple[Path, Path]:
    """Write ``partners_<n>.csv`` and ``partners_<n>.parquet`` of :func:`make_partners`.

    Parameters
    ----------
    n : int
        Number of rows.
    out : path-like
        Folder to write into (created if missing).
    seed : int, default 60
        Seed of :func:`make_partners`.
    force : bool, default False
        Rewrite files that exist (they are deterministic, so by default they are kept).
    row_group_size : int, default 100_000
        Rows per row group of the GeoParquet file (the partitions of a dask read).

    Returns
    -------
    tuple of pathlib.Path
        The CSV (UTF-8, ``lon``/``lat`` columns with ``decimals`` places) and the
        GeoParquet file (a point ``geometry`` instead of lon/lat; none for city-only
        rows). The same ``n`` and ``seed`` give byte-identical files.
    """
    out = Path(out)
    csv_path, pq_path = out / f"partners_{n}.csv", out / f"partners_{n}.parquet"
    if csv_path.exists() and pq_path.exists() and not force:
        return csv_path, pq_path
    df = make_partners(n, seed=seed).drop(columns="city_code_expected")
    with atomic_path(csv_path) as tmp:
        df.to_csv(tmp, index=False, float_format=f"%.{settings.COORD_DECIMALS}f",
                  lineterminator="\n")
    geom = shapely.points(df["lon"].to_numpy(), df["lat"].to_numpy())
    geom[df["lon"].isna().to_numpy()] = None
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=geom, crs=settings.WGS84)
    with atomic_path(pq_path) as tmp:
        gdf.to_parquet(tmp, index=False, row_group_size=row_group_size, compression="snappy")
    return csv_path, pq_path
