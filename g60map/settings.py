"""Project-wide defaults, in one place.

Functions that take ``None`` for one of these read the module global at call time,
so a notebook user can change a setting once (``g60map.settings.OUTPUT_DIR = ...``).
The input limits can also be raised for the command line through the environment:
``G60MAP_MAX_INPUT_BYTES`` and ``G60MAP_MAX_COLUMNS`` (read when g60map is imported).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path


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
    "POPUP_CELL_CHARS",
    "POPUP_TEXT_CHARS",
    "SPOKE_STEP_KM",
    "TRUNK_CODES",
    "CJK_FONT_FAMILIES",
    "MAX_PROBLEMS_SHOWN",
    "MAX_NOTES_SHOWN",
    "EARLIEST_DATE",
    "LATEST_DATE_YEARS_AHEAD",
    "MAX_INPUT_BYTES",
    "MAX_COLUMNS",
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
JOIN_RESOLUTION: str = "full"

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

#: Longest text (characters) the interactive map shows in one popup cell, title or column
#: label; longer text is cut and ends with "…". Exports and the loaded tables keep it whole.
POPUP_CELL_CHARS: int = 200

#: Most characters of cell text one popup shows in all; cells past it are cut. With
#: :data:`PARTNER_DETAIL_LIMIT` popups this bounds the map's size (2,000 partners with
#: 10 KB descriptions: 0.75 MB, or 1.5 MB in Chinese, instead of 23 MB).
POPUP_TEXT_CHARS: int = 600

#: Largest distance between two vertices of a spoke (km); spokes are densified with
#: :meth:`pyproj.Geod.npts` so that they draw as geodesics on Web Mercator.
SPOKE_STEP_KM: float = 5.0

#: Largest input table (bytes on disk) that :func:`g60map.io.read_table` reads; larger
#: files are refused before they are opened (a table this big belongs in GeoParquet, read
#: out of core with ``count_partners_by_city(..., engine="dask")``, which has no limit).
#: Raise it for bigger tables: ``g60map.settings.MAX_INPUT_BYTES = 8 * 2**30``, or on the
#: command line ``G60MAP_MAX_INPUT_BYTES=8589934592 g60map build ...``.
MAX_INPUT_BYTES: int = _env_int("G60MAP_MAX_INPUT_BYTES", 2 * 2**30)

#: Most columns an input table may have; a wider header is refused with an error.
#: Raise it if you need more: ``g60map.settings.MAX_COLUMNS = 5000``, or on the command
#: line ``G60MAP_MAX_COLUMNS=5000 g60map build ...``.
MAX_COLUMNS: int = _env_int("G60MAP_MAX_COLUMNS", 1000)

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
