"""The ``g60map`` argument parser: parsing only.

Each command is one sub-parser; :func:`build_parser` imports nothing but the standard
library, the settings and the version, so ``--version``, ``--help`` and usage errors are
answered before any table, map or figure library is imported. :func:`undecodable_notes`
checks the parsed text options; :mod:`g60map.cli._commands` runs the command.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from ._run import DEBUG_ENV, EXIT_CODES_HELP

__all__ = ["build_parser", "undecodable_notes"]


#: Options whose text may hold bytes that are not UTF-8 (a title typed in another
#: encoding, a file name from a Windows archive); files are still opened by their bytes.
_TEXT_OPTIONS = ("title", "file", "partners", "investments", "out", "template", "problems",
                 "sheet")


def undecodable_notes(args: argparse.Namespace) -> None:
    """Say once per option that its bytes that are not UTF-8 are shown as U+FFFD.

    ``--title`` is replaced by its :func:`~g60map._safetext.safe_text` (it is only
    shown); paths are kept as they are, so the files are opened by their real bytes,
    every output shows their names with U+FFFD, and the paths printed on stdout are
    the real bytes (for scripts), whatever the locale.
    """
    from .._safetext import REPLACEMENT, has_undecodable, safe_text

    for option in _TEXT_OPTIONS:
        value = getattr(args, option, None)
        if not isinstance(value, str) or not has_undecodable(value):
            continue
        if option == "title":
            args.title = safe_text(value)
        else:
            with contextlib.suppress(AttributeError, ValueError, OSError):
                sys.stdout.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
        name = option if option == "file" else f"--{option}"
        print(f"g60map: note: {name}: bytes that are not UTF-8 shown as {REPLACEMENT}",
              file=sys.stderr)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _dpi(text: str) -> float:
    value = _positive_float(text)
    if value > 1200:
        raise argparse.ArgumentTypeError(f"at most 1200 dpi, not {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _field_list(text: str) -> bool | tuple[str, ...]:
    """Read ``--tooltip`` / ``--popup``: comma-separated column names, or ``none``."""
    if text.strip().lower() == "none":
        return False
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError(
            "give column names separated by commas (e.g. name,kind), or 'none'")
    return names


def _add_out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="outputs", metavar="DIR", help="output folder")


def _add_tables(p: argparse.ArgumentParser, lang: bool = False) -> None:
    p.add_argument(
        "--partners", metavar="FILE",
        help="partners table (CSV/xlsx/GeoParquet); with neither table, the source article's "
        "partners and investment are drawn, with one, only that one",
    )
    p.add_argument("--investments", metavar="FILE", help="investments table (CSV/xlsx)")
    if lang:
        p.add_argument("--lang", choices=["en", "zh"], default="en", help="label language")
    _add_datum(p)
    _add_sheet(p)
    _add_problems(p)
    _add_exclude_status(p)
    _add_on_bad_rows(p)
    _add_engine(p)


def _add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine", choices=["pandas", "dask"], default="pandas",
        help="pandas: load the tables in memory (default); dask: load them in partitions on "
        "a dask.distributed cluster, for tables too big for memory (CSV, CSV globs, "
        "Parquet files and datasets; needs pip install g60map[dask])",
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="with --engine dask: the address of a running dask scheduler (tcp://host:8786; "
        "default G60MAP_SCHEDULER, else a local cluster sized to this machine)",
    )


def _add_on_bad_rows(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--on-bad-rows", choices=["error", "skip"], default="error",
        help="rows with a problem: error (default: every problem listed, nothing written) "
        "or skip (the rows are left out, listed on stderr, in full with --problems, and "
        "counted in the outputs' sources); problems of the header are errors either way",
    )


def _add_exclude_status(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--exclude-status", metavar="LIST", default="",
        help="leave out the rows whose status column (登记状态, 经营状态, status) is one of "
        "these, comma-separated: --exclude-status 注销,吊销",
    )


def _add_title(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", metavar="TEXT",
                   help="title (default: the corridor's name in the chosen language)")


def _add_datum(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--datum",
        choices=["wgs84", "gcj02", "bd09"],
        default="wgs84",
        help="datum of lon/lat in the tables: wgs84 (GPS, OpenStreetMap; default), gcj02 "
        "(copied from AMap/Gaode or Tencent) or bd09 (Baidu); a 'datum' column overrides "
        "it per row",
    )


def _add_sheet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sheet", metavar="NAME",
                   help="sheet of the .xlsx workbooks to read (default: the first)")


def _add_problems(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--problems",
        metavar="FILE",
        help="write every problem of the input tables (and every row outside the corridor) "
        "to this CSV file; the terminal shows the first few and counts",
    )


def _add_common(p: argparse.ArgumentParser, default: Any) -> None:
    """Add the options every command takes, before or after its name."""
    p.add_argument(
        "-q", "--quiet", action="store_true", default=default,
        help="no progress messages on stderr",
    )
    p.add_argument(
        "--debug", action="store_true", default=default,
        help=f"print the traceback of an internal error (same as {DEBUG_ENV}=1)",
    )


def _class_option(name: str, text: str) -> Any:
    """Check ``--scheme``, ``--k`` or ``--cmap``; errors are usage errors (exit 2)."""
    from .._errors import G60InputError  # when the option is given: numpy loads then

    try:
        if name == "k":
            from ..corridor.classify import check_k

            try:
                return check_k(int(text))
            except ValueError:
                return check_k(text)  # says what it must be
        if name == "scheme":
            from ..corridor.classify import check_scheme

            return check_scheme(text)
        from ..render.symbology import check_cmap

        return check_cmap(text)
    except G60InputError as exc:
        raise argparse.ArgumentTypeError(str(exc.problems[0])) from None


def _scheme(text: str) -> str:
    return _class_option("scheme", text)


def _k(text: str) -> int:
    return _class_option("k", text)


def _cmap(text: str) -> str:
    return _class_option("cmap", text)


def _add_classes(p: argparse.ArgumentParser) -> None:
    """``--scheme``, ``--k``, ``--cmap``: the classes of the member cities' fill."""
    p.add_argument(
        "--scheme", type=_scheme, default=None,
        metavar="{natural_breaks,quantiles,nice}",
        help="classes of the member cities' fill: natural breaks (Fisher-Jenks, the default) "
        "or quantiles, both rounded to nice numbers, or 1-2-5 steps (nice); the "
        "interactive map's legend can switch them",
    )
    p.add_argument("--k", type=_k, default=None, metavar="N",
                   help="number of classes, 2 to 9 (default 5)")
    p.add_argument("--cmap", type=_cmap, default=None, metavar="NAME",
                   help="colour map of the classes: Oranges (default), Blues, Greens, Purples, "
                   "Reds, YlOrRd, YlGnBu or another matplotlib colour map")


def build_parser() -> argparse.ArgumentParser:
    """Return the ``g60map`` argument parser (one sub-command per task)."""
    from .. import settings
    from .._version import __version__

    parser = argparse.ArgumentParser(
        prog="g60map",
        description="Maps, analysis and exports of the G60 Science and Technology "
        "Innovation Corridor.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument("--version", action="version", version=f"g60map {__version__}")
    _add_common(parser, default=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="build the interactive corridor map (HTML)")
    _add_out(p)
    _add_tables(p, lang=True)
    p.add_argument(
        "--basemap",
        default="osm",
        choices=["osm", "carto", "amap", "tencent", "none"],
        help="tiles: osm, carto, amap, tencent or none (amap/tencent are GCJ-02: geometry is "
        "shifted to match; none draws no tiles, for offline use)",
    )
    # one setting, args.self_contained: True unless --cdn
    offline = p.add_mutually_exclusive_group()
    offline.add_argument(
        "--cdn",
        action="store_false",
        dest="self_contained",
        default=True,
        help="link Leaflet and markercluster from a CDN (jsDelivr) instead of inlining them: "
        "a page about 0.2 MB smaller that needs a network to open (it says so when the CDN "
        "cannot be reached). By default the map inlines them and opens offline",
    )
    offline.add_argument(
        "--self-contained",
        action="store_true",
        default=True,
        help="accepted for compatibility and does nothing: the map is self-contained (opens "
        "offline) by default",
    )
    p.add_argument(
        "--metric", action="append", metavar="NAME",
        help="a numeric column of the partners or investments table (or table.column) the "
        "map's metric switch offers after partners, partners per 1,000 km2 and the investment "
        "total, summed per city; the first one named is shown first (repeatable)",
    )
    _add_classes(p)
    for flag, what, usual in (("--tooltip", "tooltip", "the name"),
                              ("--popup", "popup", "every column for a reader")):
        p.add_argument(
            flag, metavar="COLS", type=_field_list,
            help=f"columns a partner's or investment's {what} shows, comma-separated "
            f"(as in the table's header), or 'none'; default: {usual}",
        )

    p = sub.add_parser("validate", help="check a partners or investments table")
    p.add_argument("file", help="CSV, xlsx or GeoParquet file")
    p.add_argument("--kind", choices=["partners", "investments"], default="partners")
    _add_datum(p)
    _add_sheet(p)
    _add_problems(p)
    _add_exclude_status(p)
    _add_on_bad_rows(p)
    _add_engine(p)

    p = sub.add_parser("info", help="print the corridor cities")

    p = sub.add_parser(
        "export", help="export the corridor layers (GeoPackage, GeoJSON, GeoParquet, CSV, xlsx)"
    )
    _add_out(p)
    p.add_argument(
        "--format",
        choices=["gpkg", "geojson", "parquet", "csv", "xlsx"],
        default="gpkg",
        help="gpkg: one GeoPackage with every layer (default); geojson/parquet: one file per "
        "layer; csv/xlsx: attribute tables, formula-safe",
    )
    _add_tables(p)

    p = sub.add_parser("render", help="draw the static corridor map (PNG, SVG or PDF)")
    _add_out(p)
    p.add_argument("--format", choices=["png", "svg", "pdf"], default=None,
                   help="png (default), svg (text as outlines, or editable with --svg-text) "
                   "or pdf (fonts embedded as TrueType subsets)")
    p.add_argument("--size", choices=list(settings.STATIC_SIZES), default="default",
                   help="figure size and PNG resolution: default (10 x 8 in, 200 dpi), a4 or "
                   "a3 (landscape pages, 300 dpi), slide (16:9, 1920 x 1080 px)")
    p.add_argument("--dpi", type=_dpi, default=None, metavar="N",
                   help="resolution of PNG output (default: the --size preset's; at most 1200)")
    p.add_argument("--svg-text", action="store_true",
                   help="SVG with real, editable text (fonts named: Noto Sans CJK SC and "
                   "other CJK fonts) instead of glyph outlines; implies --format svg")
    p.add_argument("--partners-as", choices=["auto", "badges", "dots"], default="auto",
                   help="partners as one count badge per district or city, as small dots, "
                   "or badges up to settings.STATIC_BADGE_LIMIT groups and dots above (auto)")
    p.add_argument("--multiples", action="store_true",
                   help="also draw the investments cumulative by year, one small map per "
                   "year (g60_corridor_years.<format>), when they span several years")
    _add_title(p)
    _add_tables(p, lang=True)
    _add_classes(p)

    p = sub.add_parser("report", help="write the report: one offline HTML page, or Word")
    _add_out(p)
    p.add_argument("--format", choices=["html", "docx"], default="html",
                   help="html: one self-contained page (default); docx: a Word document "
                   "with the same content as editable headings, tables and pictures")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4",
                   help="docx: paper size (default a4)")
    _add_title(p)
    _add_tables(p, lang=True)
    p.add_argument(
        "--template", metavar="DIR",
        help="html: a folder with your own report.css and/or report.html.j2 (jinja2; see "
        "the README) to brand the report",
    )

    p = sub.add_parser("slides", help="write PowerPoint slides (16:9) of the corridor")
    _add_out(p)
    _add_title(p)
    p.add_argument("--template", metavar="PPTX",
                   help="your own PowerPoint presentation (.pptx): the slides use its master, "
                   "layouts and slide size (its own slides are left out)")
    _add_tables(p, lang=True)

    p = sub.add_parser(
        "count-partners",
        help="count partners per corridor city, in memory or out of core (--engine dask)",
    )
    p.add_argument("file", help="partners table (CSV, GeoParquet; xlsx with --engine pandas)")
    p.add_argument(
        "--engine",
        choices=["pandas", "dask"],
        default="pandas",
        help="pandas: load the whole table; dask: validate and join partitions on a "
        "dask.distributed cluster (needs pip install g60map[dask])",
    )
    p.add_argument("--workers", type=_positive_int, default=2, metavar="N",
                   help="worker processes of the local dask cluster (default 2)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="use a running dask scheduler (tcp://host:8786) instead of a local one")
    p.add_argument("--outside", choices=["warn", "error", "keep"], default="warn",
                   help="rows outside the nine cities: warn (default), error or keep silently")
    _add_datum(p)
    _add_problems(p)
    _add_on_bad_rows(p)
    # -q/--debug also after the command (g60map report -q); SUPPRESS keeps the value
    # given before the command when they are not repeated after it.
    for command in sub.choices.values():
        _add_common(command, default=argparse.SUPPRESS)
        command.epilog = EXIT_CODES_HELP
    return parser
