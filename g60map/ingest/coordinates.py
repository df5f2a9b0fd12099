"""Coordinates of a table's rows: ``lon``/``lat`` parsed, checked and shifted to WGS-84.

One of the column checks :func:`g60map.ingest.validate.validate_table` runs: each row's
``datum`` cell (or the table's datum) says whether its coordinates are WGS-84, GCJ-02
(AMap, Tencent) or BD-09 (Baidu); :func:`g60map.reference.datum.to_wgs84` shifts them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import Problem
from ..reference.datum import to_wgs84
from ._cells import nfkc, not_a_number, problems_at, rows_where, to_float

__all__ = ["DATUM_NAMES", "parse_coordinates"]

#: Spellings of a ``datum`` cell (lower case, without spaces or underscores) and the datum
#: they name (:data:`g60map.reference.datum.DATUMS`).
DATUM_NAMES: dict[str, str] = {
    **dict.fromkeys(["wgs84", "wgs-84", "epsg:4326", "gps", "osm", "openstreetmap"], "wgs84"),
    **dict.fromkeys(["gcj02", "gcj-02", "gcj", "amap", "gaode", "高德", "tencent", "腾讯",
                     "火星坐标", "国测局坐标"], "gcj02"),
    **dict.fromkeys(["bd09", "bd-09", "bd09ll", "baidu", "百度"], "bd09"),
}


def parse_coordinates(
    df: pd.DataFrame, file: str, problems: list[Problem], datum: str = "wgs84"
) -> pd.DataFrame:
    """Parse ``lon``/``lat``, check them and shift them from their datum to WGS-84.

    Parameters
    ----------
    df : pandas.DataFrame
        The table, its text stripped, with the spreadsheet row index.
    file : str
        File name for the problems.
    problems : list of Problem
        Problems found are appended to it: a cell that is not a number, only one of lon
        and lat, swapped or out-of-range coordinates, an unknown ``datum`` cell.
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of rows without a ``datum`` cell of their own.

    Returns
    -------
    pandas.DataFrame
        ``lon`` and ``lat`` in WGS-84 (float), NaN where absent or bad; the same index.

    Examples
    --------
    >>> df = pd.DataFrame({"lon": ["121.22", "x"], "lat": ["31.03", "31"]}, index=[2, 3])
    >>> problems = []
    >>> parse_coordinates(df, "t.csv", problems)["lon"].tolist(), len(problems)
    ([121.22, nan], 1)
    """
    out = pd.DataFrame(index=df.index)
    has_lon, has_lat = "lon" in df, "lat" in df
    if has_lon != has_lat:
        missing = "lat" if has_lon else "lon"
        problems.append(
            Problem(
                file, None, missing, f"column {missing!r} is missing (give both lon and lat)",
                "missing column",
            )
        )
    if not (has_lon and has_lat):
        out["lon"] = np.nan
        out["lat"] = np.nan
        return out
    lon_txt, lat_txt = df["lon"], df["lat"]  # stripped by validate_table
    # inf, Infinity and 1e309 are numbers to the parser but no place: not a number here
    lon = to_float(lon_txt).where(lambda v: np.isfinite(v))
    lat = to_float(lat_txt).where(lambda v: np.isfinite(v))
    for name, txt, num in (("lon", lon_txt, lon), ("lat", lat_txt, lat)):
        bad = ((txt != "") & num.isna()).to_numpy()
        for r, cell in zip(df.index[bad].tolist(), txt[bad].to_numpy(), strict=True):
            problems.append(
                Problem(
                    file, r, name, not_a_number(cell, "decimal degrees, e.g. 121.23"),
                    "not a number",
                )
            )
    one_only = (lon_txt == "") != (lat_txt == "")
    problems += problems_at(
        file, df.index[one_only], "lon/lat", "only one of lon and lat is given (give both)",
        "only one of lon and lat",
    )
    both = lon.notna() & lat.notna()
    swapped = both & (lat.abs() > 90) & (lon.abs() <= 90) & (lat.abs() <= 180)
    for r, x, y in rows_where(df.index, swapped, lon, lat):
        problems.append(
            Problem(
                file,
                r,
                "lat",
                f"lat {y} is out of range and lon {x} looks like a latitude: "
                "lon and lat are probably swapped (swap the two columns)",
                "lon and lat swapped",
            )
        )
    lat_bad = both & ~swapped & (lat.abs() > 90)
    lon_bad = both & ~swapped & (lon.abs() > 180)
    for r, _, y in rows_where(df.index, lat_bad, lon, lat):
        problems.append(
            Problem(
                file, r, "lat", f"lat {y} is outside -90..90 (decimal degrees, e.g. 31.03)",
                "coordinate out of range",
            )
        )
    for r, x, _ in rows_where(df.index, lon_bad, lon, lat):
        problems.append(
            Problem(
                file, r, "lon", f"lon {x} is outside -180..180 (decimal degrees, e.g. 121.22)",
                "coordinate out of range",
            )
        )
    ok = both & ~(swapped | lat_bad | lon_bad)
    lon, lat = lon.where(ok), lat.where(ok)
    datums = _datums(df, file, problems, datum)
    for name in ("gcj02", "bd09"):
        sel = (ok & (datums == name)).to_numpy()
        if sel.any():
            x, y = to_wgs84(lon.to_numpy()[sel], lat.to_numpy()[sel], name)
            lon.iloc[np.flatnonzero(sel)] = x
            lat.iloc[np.flatnonzero(sel)] = y
    out["lon"], out["lat"] = lon, lat
    return out


def _datums(df: pd.DataFrame, file: str, problems: list[Problem], default: str) -> pd.Series:
    """Datum of each row's lon/lat: its ``datum`` cell, else ``default``."""
    if "datum" not in df:
        return pd.Series(default, index=df.index)
    text = nfkc(df["datum"]).str.strip().str.lower().str.replace(r"[\s_]", "", regex=True)
    code = text.map(DATUM_NAMES)
    bad = (text != "") & code.isna()
    for r, cell in rows_where(df.index, bad, df["datum"]):
        problems.append(
            Problem(
                file, r, "datum",
                f"unknown datum {cell!r} (write wgs84 for GPS/OpenStreetMap, gcj02 for "
                "AMap/Gaode/Tencent, bd09 for Baidu)",
                "unknown datum",
            )
        )
    return code.where(text != "", default).fillna("")

