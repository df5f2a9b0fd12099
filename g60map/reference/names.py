"""English names of China's city-level units, to read places written in English.

The national table (:func:`g60map.reference.places.national_units`) names units in
Chinese only. ``geodata/city_names_en.csv`` gives an English name to every prefecture
city (地级市), to each municipality and its districts (not its counties: 巫溪县 would
make "Wuxi" ambiguous), and to Hong Kong and Macao: the pinyin of the name without its
suffix, as the packaged district table writes it
(:func:`g60map.reference._boundary_build.romanise`), or the conventional spelling where
that differs (Harbin, Hohhot, Urumqi, Lhasa...), with the pinyin kept as an alias.
Prefectures (地区), leagues (盟) and autonomous prefectures (自治州) have no English name
here; their Chinese names are read by the address parser.

:func:`city_names_table` builds the file (build time, needs ``pypinyin``);
:func:`english_codes` reads it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

from .datasets import get_path

__all__ = ["city_names_table", "english_key", "english_codes"]

#: Municipalities (and Hong Kong, Macao), whose districts are city-level units.
_MUNICIPAL = ("11", "12", "31", "50")

#: Names whose usual English spelling is not their pinyin, or whose pinyin reading
#: ``pypinyin`` gets wrong (polyphones: 朝 chao, 长 chang, 漯 luo, 都 du in 昌都): name without
#: its suffix -> (English name, alias or ""). The spellings are those of the cities'
#: English Wikipedia article titles.
NAME_FIXES: dict[str, tuple[str, str]] = {
    "朝阳": ("Chaoyang", ""),
    "长治": ("Changzhi", ""),
    "漯河": ("Luohe", ""),
    "昌都": ("Qamdo", "Changdu"),
    "哈尔滨": ("Harbin", "Ha'erbin"),
    "呼和浩特": ("Hohhot", "Huhehaote"),
    "鄂尔多斯": ("Ordos", "E'erduosi"),
    "呼伦贝尔": ("Hulunbuir", "Hulunbei'er"),
    "巴彦淖尔": ("Bayannur", "Bayannao'er"),
    "乌兰察布": ("Ulanqab", "Wulanchabu"),
    "乌鲁木齐": ("Urumqi", "Wulumuqi"),
    "克拉玛依": ("Karamay", "Kelamayi"),
    "吐鲁番": ("Turpan", "Tulufan"),
    "拉萨": ("Lhasa", "Lasa"),
    "日喀则": ("Shigatse", "Rikaze"),
    "林芝": ("Nyingchi", "Linzhi"),
    "那曲": ("Nagqu", "Naqu"),
}

#: Hong Kong and Macao: province-level codes of the national table.
_SPECIAL = {"810000": ("Hong Kong", "Xianggang"), "820000": ("Macao", "Macau")}


def city_names_table() -> pd.DataFrame:
    """Return the table shipped as ``geodata/city_names_en.csv`` (build time).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name_zh``, ``name_en``, ``alias_en`` (another spelling, or
        ""), sorted by code: every prefecture city whose name ends in 市, the
        municipalities and their districts, Hong Kong and Macao.

    Raises
    ------
    MissingDependencyError
        If ``pypinyin`` is not installed.
    """
    from ._boundary_build import romanise
    from .places import national_units

    units = national_units()
    code = units["code"]
    municipal = code.str[:2].isin(_MUNICIPAL)
    keep = (
        ((units["level"] == "city") & ~municipal & units["name_zh"].str.endswith("市"))
        | ((units["level"] == "province") & municipal)
        | ((units["level"] == "district") & municipal & ~units["name_zh"].str.endswith("县"))
        | code.isin(list(_SPECIAL))
    )
    rows = []
    for unit_code, name in zip(code[keep], units["name_zh"][keep], strict=True):
        if unit_code in _SPECIAL:
            rows.append((unit_code, name, *_SPECIAL[unit_code]))
            continue
        base = re.sub(r"(新区|区|县|市)$", "", name) if len(name) > 2 else name
        if base in NAME_FIXES:
            rows.append((unit_code, name, *NAME_FIXES[base]))
        else:
            rows.append((unit_code, name, romanise(name), ""))
    return pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "alias_en"])


def english_key(text: str) -> str:
    """Return the key an English place name is looked up by.

    Case, spaces, apostrophes, hyphens and a trailing "City" or "Shi" do not count;
    ü and v are u.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> english_key("Xi'an City"), english_key("XIAN"), english_key("Lvliang")
    ('xian', 'xian', 'luliang')
    """
    key = unicodedata.normalize("NFKC", str(text)).lower().replace("ü", "u").replace("v", "u")
    key = re.sub(r"[\s'’`\-.,]+", "", key)
    return re.sub(r"(city|shi)$", "", key) or key


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    table = pd.read_csv(get_path("city_names_en"), dtype=str, keep_default_na=False)
    found: dict[str, list[str]] = {}
    for code, name, alias in zip(table["code"], table["name_en"], table["alias_en"],
                                 strict=True):
        for spelling in (name, alias):
            if spelling:
                codes = found.setdefault(english_key(spelling), [])
                if code not in codes:
                    codes.append(code)
    return {key: tuple(codes) for key, codes in found.items()}


def english_codes(name: str) -> tuple[str, ...]:
    """Return the codes of the city-level units an English name may mean.

    Parameters
    ----------
    name : str
        ``Shenzhen``, ``Xi'an``, ``Harbin``, ``Pudong``...

    Returns
    -------
    tuple of str
        GB/T 2260 codes: none for an unknown name, several for a name that several
        cities have (Taizhou: 泰州 and 台州).

    Examples
    --------
    >>> english_codes("Shenzhen"), english_codes("Taizhou")
    (('440300',), ('321200', '331000'))
    """
    return _index().get(english_key(name), ())
