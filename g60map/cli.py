"""Command-line interface: argument parsing only; each command chains the public API.

Exit codes: 0 ok; 1 bad input or an output that cannot be written (one clear message,
never a traceback); 2 usage; 70 internal error (a bug in g60map: please report it;
``--debug`` or ``G60MAP_DEBUG=1`` prints the traceback); 130 interrupted (Ctrl-C);
141 standard output closed early (``g60map info | head -1``: nothing is printed);
143 terminated by SIGTERM (129: SIGHUP), temporary files removed.
Progress of the slower steps goes to stderr (silence it with ``--quiet``, before or after
the command); stdout carries only the result (the paths written, or the table asked for).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import G60Error, G60InputError, escape_control, format_problems

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .corridor.model import Corridor
    from .render.static.figfile import ImageFormat

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
#: A bug in g60map (sysexits.h ``EX_SOFTWARE``), never bad input.
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
#: Standard output was closed by its reader (128 + SIGPIPE, as a shell reports it).
EXIT_PIPE = 141

#: Environment variable that makes internal errors print their traceback.
DEBUG_ENV = "G60MAP_DEBUG"

_EXIT_CODES_HELP = (
    "exit codes: 0 ok; 1 bad input or an output that cannot be written; 2 usage; "
    "70 internal error (a bug: please report it; --debug or G60MAP_DEBUG=1 shows the "
    "traceback); 130 interrupted; 141 output pipe closed early; 143 terminated (SIGTERM)"
)


def _safe(text: object) -> str:
    """Return ``text`` for the terminal: its lines, with control characters escaped."""
    return "\n".join(escape_control(line) for line in str(text).split("\n"))


def _print_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
    print(f"warning: {_safe(message)}", file=sys.stderr)


#: Options whose text may hold bytes that are not UTF-8 (a title typed in another
#: encoding, a file name from a Windows archive); files are still opened by their bytes.
_TEXT_OPTIONS = ("title", "file", "partners", "investments", "out", "template", "problems",
                 "sheet")


def _undecodable_notes(args: argparse.Namespace) -> None:
    """Say once per option that its bytes that are not UTF-8 are shown as U+FFFD.

    ``--title`` is replaced by its :func:`~g60map._safetext.safe_text` (it is only
    shown); paths are kept as they are, so the files are opened by their real bytes,
    every output shows their names with U+FFFD, and the paths printed on stdout are
    the real bytes (for scripts), whatever the locale.
    """
    from ._safetext import REPLACEMENT, has_undecodable, safe_text

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


def _problems_hint(args: argparse.Namespace, n: int) -> str:
    """Where the problems not listed on the terminal are (or can be) found."""
    if getattr(args, "problems", None):
        return f"all {n:,} are listed in {args.problems}"
    return "write them all to a CSV file with --problems FILE"


def _problems_target(args: argparse.Namespace) -> str | None:
    """Return ``--problems FILE``, refusing a path that names one of the input tables."""
    target = getattr(args, "problems", None)
    if not target:
        return None
    for option in ("file", "partners", "investments"):
        given = getattr(args, option, None)
        if given and Path(given).resolve() == Path(target).resolve():
            raise G60Error(
                f"--problems {target} would overwrite the input table {given} "
                "(choose another file for the problems)"
            )
    return target


@contextlib.contextmanager
def _recording_problems(args: argparse.Namespace) -> Iterator[None]:
    """Show the rows of warnings about tables loaded in the block; keep them for ``--problems``.

    A warning that carries rows (outside the corridor) lists the first
    :data:`g60map.settings.MAX_NOTES_SHOWN` and says where the rest are; other warnings
    are printed as usual. With ``--problems FILE``, every problem and row goes to that
    file, written when the block succeeds and when it fails on bad input.
    """
    from . import settings
    from .ingest.validate import write_problems

    target = _problems_target(args)
    notes: list[Any] = []
    shown = warnings.showwarning

    def keep(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        rows = getattr(message, "problems", None)
        title = getattr(message, "title", "")
        if not (rows and title):
            shown(message, category, filename, lineno, file, line)
            return
        notes.extend(rows)
        text = format_problems(
            rows, settings.MAX_NOTES_SHOWN, _problems_hint(args, len(rows)), title
        )
        print(f"warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = keep
        try:
            yield
        except G60InputError as exc:
            if target:
                write_problems(target, exc.problems, notes)
            raise
    if target:
        write_problems(target, [], notes)


@contextlib.contextmanager
def _step(args: argparse.Namespace, label: str) -> Iterator[None]:
    """Print ``label ...`` before a step and how long it took after it (stderr)."""
    if args.quiet:
        yield
        return
    print(f"g60map: {label} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    yield
    print(f"g60map: {label} done ({time.perf_counter() - start:.1f} s)", file=sys.stderr)


def _corridor(args: argparse.Namespace) -> Corridor:
    """Build the one corridor of a command from the tables named on the command line.

    With no table, the partners and investment of the source article; with one, only
    that one (see :func:`g60map.load_corridor`). Tables named on the command line are
    loaded here (with ``--sheet`` for a workbook), each in a step of its own.
    """
    from .corridor.model import load_corridor
    from .ingest.tables import load_investments, load_partners

    loaded: dict[str, Any] = {}
    with _recording_problems(args):
        for kind, loader in (("partners", load_partners), ("investments", load_investments)):
            path = getattr(args, kind)
            if path:
                with _step(args, f"loading {kind} ({path})"):
                    loaded[kind] = loader(path, datum=args.datum, sheet=_sheet(args, kind))
        what = ", ".join(loaded) if loaded else "the source article's tables"
        with _step(args, f"loading the corridor ({what})"):
            return load_corridor(loaded.get("partners"), loaded.get("investments"),
                                 datum=args.datum)


def _sheet(args: argparse.Namespace, table: str) -> str | None:
    """``--sheet`` for a table given as an .xlsx file (the packaged tables are CSV)."""
    path = getattr(args, table)
    return args.sheet if path and str(path).lower().endswith((".xlsx", ".xlsm")) else None


def _cmd_info(args: argparse.Namespace) -> int:
    from .ingest.read import load_cities

    cities = load_cities()
    cols = ["code", "name_en", "name_zh", "province_en", "role", "lat", "lon", "geonameid"]
    print(cities[cols].to_string(index=False))
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from . import settings
    from .ingest.tables import check_table
    from .ingest.validate import write_problems

    target = _problems_target(args)
    errors, notes = check_table(args.file, args.kind, datum=args.datum, sheet=args.sheet)
    if target:
        write_problems(target, errors, notes)
    columns = [n for n in notes if n.kind == "column read as"]
    outside = [n for n in notes if n.kind != "column read as"]
    for group, title in (
        (columns, f"{len(columns):,} column(s) read under a standard name"),
        (outside, f"{len(outside):,} row(s) outside the corridor (kept with in_corridor=False)"),
    ):
        if group:
            text = format_problems(group, limit=settings.MAX_NOTES_SHOWN, title=title,
                                   hint=_problems_hint(args, len(group)))
            print(f"note: {text}", file=sys.stderr)
    if errors:
        text = format_problems(
            errors,
            title=f"{args.file}: {len(errors):,} problem(s)",
            hint=_problems_hint(args, len(errors)),
        )
        print(text, file=sys.stderr)
        return EXIT_INPUT
    print(f"{_safe(args.file)}: ok ({args.kind})")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from . import settings
    from .render.web.interactive import build_map, save_map

    corridor = _corridor(args)
    with _step(args, "building the map"):
        m = build_map(corridor, lang=args.lang, basemap=args.basemap,
                      metrics=args.metric or (), scheme=args.scheme)
    with _step(args, "writing the map"):
        path = save_map(m, Path(args.out) / settings.MAP_FILENAME,
                        self_contained=args.self_contained)
    print(path)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from .export.layers import export_layers

    corridor = _corridor(args)
    with _step(args, f"exporting layers ({args.format})"):
        paths = export_layers(corridor, args.out, fmt=args.format)
    for path in paths:
        print(path)
    return EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    from .render.static.figure import STATIC_FILENAME, render_static, save_static, static_size

    fmt: ImageFormat = args.format or ("svg" if args.svg_text else "png")
    if args.svg_text and fmt != "svg":
        print(f"g60map render: error: --svg-text writes SVG, not {fmt.upper()} (drop "
              "--format or use --format svg)", file=sys.stderr)
        return EXIT_USAGE
    figsize, preset_dpi = static_size(args.size)
    dpi = args.dpi or preset_dpi
    corridor = _corridor(args)
    with _step(args, "drawing the static map"):
        fig, _ = render_static(corridor, lang=args.lang, figsize=figsize, title=args.title,
                               partners_as=args.partners_as)
    out = Path(args.out) / f"{STATIC_FILENAME}.{fmt}"
    with _step(args, f"writing {fmt.upper()}"):
        path = save_static(fig, out, fmt=fmt, dpi=dpi, svg_text=args.svg_text)
    print(path)
    if args.multiples:
        from .render.static.charts import MULTIPLES_FILENAME, small_multiples

        with _step(args, "drawing the investments year by year"):
            years = small_multiples(corridor, lang=args.lang, figsize=figsize)
        if years is None:
            print("g60map: note: no small multiples: the dated investments do not span two "
                  "years", file=sys.stderr)
        else:
            out = Path(args.out) / f"{MULTIPLES_FILENAME}.{fmt}"
            with _step(args, f"writing {fmt.upper()}"):
                path = save_static(years, out, fmt=fmt, dpi=dpi, svg_text=args.svg_text)
            print(path)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from ._atomic import write_bytes
    from .render.docs.report import REPORT_FILENAME, report_html, save_report

    corridor = _corridor(args)
    if args.format == "docx":
        from .render.docs.office import report_docx

        with _step(args, "building the Word report"):
            data = report_docx(corridor, lang=args.lang, title=args.title, paper=args.paper)
        with _step(args, "writing the Word report"):
            path = write_bytes(Path(args.out) / f"{Path(REPORT_FILENAME).stem}.docx", data)
        print(path)
        return EXIT_OK
    with _step(args, "building the report"):
        page = report_html(corridor, lang=args.lang, title=args.title, template=args.template)
    with _step(args, "writing the report"):
        path = save_report(page, Path(args.out) / REPORT_FILENAME)
    print(path)
    return EXIT_OK


def _cmd_slides(args: argparse.Namespace) -> int:
    from ._atomic import write_bytes
    from .render.docs.office import SLIDES_FILENAME, slides_pptx

    corridor = _corridor(args)
    with _step(args, "building the slides"):
        data = slides_pptx(corridor, lang=args.lang, title=args.title, template=args.template)
    with _step(args, "writing the slides"):
        path = write_bytes(Path(args.out) / SLIDES_FILENAME, data)
    print(path)
    return EXIT_OK


def _cmd_count_partners(args: argparse.Namespace) -> int:
    from .ingest.engine import count_partners_by_city

    with _recording_problems(args), _step(args, f"counting partners ({args.engine} engine)"):
        counts = count_partners_by_city(
            args.file,
            engine=args.engine,
            n_workers=args.workers,
            outside=args.outside,
            scheduler=args.scheduler,
            datum=args.datum,
        )
    print(counts.to_string(index=False))
    info = counts.attrs
    print(
        f"{info['rows']} rows: {int(counts['partners'].sum())} in the corridor, "
        f"{info['outside']} outside ({info['engine']} engine, {info['partitions']} partition(s))"
    )
    return EXIT_OK


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


def build_parser() -> argparse.ArgumentParser:
    """Return the ``g60map`` argument parser (one sub-command per task)."""
    from . import settings
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="g60map",
        description="Maps, analysis and exports of the G60 Science and Technology "
        "Innovation Corridor.",
        epilog=_EXIT_CODES_HELP,
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
    p.add_argument(
        "--self-contained",
        action="store_true",
        help="inline Leaflet and every asset so the map opens offline",
    )
    p.add_argument(
        "--metric", action="append", metavar="NAME",
        help="a numeric column of the partners or investments table (or table.column) the "
        "map's metric switch offers after partners, partners per 1,000 km2 and the investment "
        "total, summed per city; the first one named is shown first (repeatable)",
    )
    p.add_argument(
        "--scheme", choices=["nice", "quantiles", "natural_breaks"], default="nice",
        help="classes of the member cities' fill: 1-2-5 steps (default), quantiles or "
        "natural breaks (Fisher-Jenks), five at most",
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("validate", help="check a partners or investments table")
    p.add_argument("file", help="CSV, xlsx or GeoParquet file")
    p.add_argument("--kind", choices=["partners", "investments"], default="partners")
    _add_datum(p)
    _add_sheet(p)
    _add_problems(p)
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("info", help="print the corridor cities")
    p.set_defaults(func=_cmd_info)

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
    p.set_defaults(func=_cmd_export)

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
    p.set_defaults(func=_cmd_render)

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
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("slides", help="write PowerPoint slides (16:9) of the corridor")
    _add_out(p)
    _add_title(p)
    p.add_argument("--template", metavar="PPTX",
                   help="your own PowerPoint presentation (.pptx): the slides use its master, "
                   "layouts and slide size (its own slides are left out)")
    _add_tables(p, lang=True)
    p.set_defaults(func=_cmd_slides)

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
    p.set_defaults(func=_cmd_count_partners)
    # -q/--debug also after the command (g60map report -q); SUPPRESS keeps the value
    # given before the command when they are not repeated after it.
    for command in sub.choices.values():
        _add_common(command, default=argparse.SUPPRESS)
        command.epilog = _EXIT_CODES_HELP
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see the module docstring)."""
    from ._atomic import install_signal_cleanup

    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
            sys.stdout.flush()
            return int(exc.code or 0)
        _undecodable_notes(args)
        with warnings.catch_warnings(), install_signal_cleanup():
            warnings.showwarning = _print_warning
            return _run(args)
    except BrokenPipeError:  # only when the reader of stdout has gone (see _run)
        _silence_stdout()
        return EXIT_PIPE


def _stdout_closed() -> bool:
    """Return whether the reader of standard output has gone (a closed pipe)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & select.POLLERR for _, ev in poller.poll(0))
    except (AttributeError, ValueError, OSError):  # no poll (Windows), no real stdout
        return True


def _silence_stdout() -> None:
    """Point standard output at the null device so the exit flush cannot fail again.

    The way the Python documentation recommends for a reader that closes the pipe early
    (``g60map info | head -1``): no "Broken pipe" message, no traceback.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _debug(args: argparse.Namespace) -> bool:
    """Return whether internal errors should print their traceback."""
    return bool(getattr(args, "debug", False)) or os.environ.get(DEBUG_ENV, "") not in (
        "", "0"
    )


def _flush_stdout() -> None:
    """Flush the result to stdout now, so a write error is reported like any other."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:  # e.g. g60map info > file on a full disk
        raise OSError(exc.errno, exc.strerror or str(exc), "standard output") from exc


#: Errors that mean "the disk (or the process's file-size limit) is full".
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _os_error_message(exc: OSError) -> str:
    """Return the one-line message for an input or output that cannot be accessed."""
    where = _safe(f" {exc.filename}") if exc.filename else ""
    reason = _safe(exc.strerror or exc)
    if exc.errno in _FULL:
        hint = (
            "raise the file-size limit (ulimit -f)" if exc.errno == errno.EFBIG
            else "free some space"
        )
        return (
            f"error: cannot write{where}: {reason} ({hint} or choose another --out folder; "
            "files from earlier runs are unchanged)"
        )
    return (
        f"error: cannot access{where}: {reason} "
        "(check the path and its permissions, or choose another --out folder)"
    )


def _run(args: argparse.Namespace) -> int:
    """Run the command chosen in ``args``; turn every exception into an exit code."""
    try:
        code = int(args.func(args))
        _flush_stdout()
        return code
    except G60InputError as exc:
        text = format_problems(exc.problems, hint=_problems_hint(args, len(exc.problems)))
        print(f"error: {text}", file=sys.stderr)
        return EXIT_INPUT
    except (G60Error, ValueError) as exc:
        print(f"error: {_safe(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError as exc:
        if _stdout_closed():
            raise  # the reader of stdout has gone: main() exits quietly
        print(_os_error_message(exc), file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # unreadable input, unwritable output folder, full disk
        print(_os_error_message(exc), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line, the traceback only when asked
        if _debug(args):
            traceback.print_exc()
        print(
            f"error: internal error ({type(exc).__name__}: {_safe(exc)}). This is a bug in g60map, "
            "not a problem with your input: please report it with the command you ran"
            + ("" if _debug(args) else f" and the traceback that --debug (or {DEBUG_ENV}=1)"
               " prints"),
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
