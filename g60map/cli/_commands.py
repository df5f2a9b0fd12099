"""One function per command of the command line; the data work stays in the library.

Each ``cmd_*`` function takes the parsed arguments (:mod:`g60map.cli._parser`), chains the
public API and returns an exit code (:mod:`g60map.cli._run`). The modules of a command
(tables, maps, figures) are imported inside its function, so a command pays only for
what it uses. :data:`COMMANDS` maps each command name to its function.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import G60Error, G60InputError, format_problems
from ._run import EXIT_INPUT, EXIT_OK, EXIT_USAGE, problems_hint, safe

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..corridor.model import Corridor
    from ..render.static.figfile import ImageFormat

__all__ = [
    "COMMANDS",
    "cmd_build",
    "cmd_count_partners",
    "cmd_export",
    "cmd_info",
    "cmd_render",
    "cmd_report",
    "cmd_slides",
    "cmd_validate",
]


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
    from .. import settings

    target = _problems_target(args)
    if target:  # the writer of the problems file only when there is one
        from ..ingest.problems import write_problems
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
            rows, settings.MAX_NOTES_SHOWN, problems_hint(args, len(rows)), title
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
    from ..corridor.model import load_corridor

    loaded: dict[str, Any] = {}
    if getattr(args, "engine", "pandas") == "dask":
        return _dask_corridor(args)
    with _recording_problems(args):
        for kind in ("partners", "investments"):
            path = getattr(args, kind)
            if path:
                from ..ingest import tables  # not needed for the packaged tables

                loader = tables.load_partners if kind == "partners" else tables.load_investments
                with _step(args, f"loading {kind} ({path})"):
                    loaded[kind] = loader(path, datum=args.datum, sheet=_sheet(args, kind),
                                          exclude_status=args.exclude_status,
                                          on_bad_rows=args.on_bad_rows)
        what = ", ".join(loaded) if loaded else "the source article's tables"
        with _step(args, f"loading the corridor ({what})"):
            return load_corridor(loaded.get("partners"), loaded.get("investments"),
                                 datum=args.datum)


def _dask_corridor(args: argparse.Namespace) -> Corridor:
    """Build the corridor with the tables loaded on a dask cluster (``--engine dask``)."""
    from ..corridor.model import load_corridor

    what = ", ".join(k for k in ("partners", "investments") if getattr(args, k)) or \
        "the source article's tables"
    with _recording_problems(args), _step(args, f"loading the corridor ({what}, dask engine)"):
        return load_corridor(args.partners, args.investments, datum=args.datum,
                             exclude_status=args.exclude_status, on_bad_rows=args.on_bad_rows,
                             engine="dask", scheduler=args.scheduler, progress=not args.quiet)


def _sheet(args: argparse.Namespace, table: str) -> str | None:
    """``--sheet`` for a table given as an .xlsx file (the packaged tables are CSV)."""
    path = getattr(args, table)
    return args.sheet if path and str(path).lower().endswith((".xlsx", ".xlsm")) else None


def cmd_info(args: argparse.Namespace) -> int:
    """``g60map info``: print the corridor table; return the exit code."""
    from ..reference.cities import load_cities

    cities = load_cities()
    cols = ["code", "name_en", "name_zh", "province_en", "role", "lat", "lon", "geonameid"]
    print(cities[cols].to_string(index=False))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """``g60map validate FILE``: print every problem of a table; 1 if it has any."""
    from .. import settings
    from ..ingest.problems import write_problems
    from ..ingest.tables import check_table

    target = _problems_target(args)
    if args.engine == "dask":
        from ..ingest.distributed import check_table_dask

        errors, notes = check_table_dask(args.file, args.kind, datum=args.datum,
                                         exclude_status=args.exclude_status,
                                         on_bad_rows=args.on_bad_rows,
                                         scheduler=args.scheduler, progress=not args.quiet)
    else:
        errors, notes = check_table(args.file, args.kind, datum=args.datum, sheet=args.sheet,
                                    exclude_status=args.exclude_status,
                                    on_bad_rows=args.on_bad_rows)
    if target:
        write_problems(target, errors, notes)
    # The columns read under a standard name come first, then the rows left out by status,
    # the rows placed by reading a name as today's unit and the rows skipped; the rows
    # outside follow (sliced, so that they are not built: see OutsideNotes).
    heads = ("column read as", "excluded by status", "place assumed", "row skipped")
    first = next((i for i, n in enumerate(notes) if n.kind not in heads), len(notes))
    head, outside = notes[:first], notes[first:]
    columns = [n for n in head if n.kind == "column read as"]
    excluded = [n for n in head if n.kind == "excluded by status"]
    assumed = [n for n in head if n.kind == "place assumed"]
    skipped = [n for n in head if n.kind == "row skipped"]
    left_out = sum(n.message.startswith("left out") for n in excluded)
    rows = len({n.row for n in skipped})
    for group, title in (
        (columns, f"{len(columns):,} column(s) read under a standard name"),
        (excluded, f"{left_out:,} row(s) left out by status"),
        (assumed, f"{len(assumed):,} row(s) placed by reading a name as today's unit"),
        (skipped, f"{rows:,} bad row(s) skipped ({len(skipped):,} problem(s))"),
        (outside, f"{len(outside):,} row(s) outside the corridor (kept with in_corridor=False)"),
    ):
        if group:
            text = format_problems(group, limit=settings.MAX_NOTES_SHOWN, title=title,
                                   hint=problems_hint(args, len(group)))
            print(f"note: {text}", file=sys.stderr)
    if errors:
        text = format_problems(
            errors,
            title=f"{args.file}: {len(errors):,} problem(s)",
            hint=problems_hint(args, len(errors)),
        )
        print(text, file=sys.stderr)
        return EXIT_INPUT
    skip = f", {rows:,} bad row(s) skipped" if rows else ""
    print(f"{safe(args.file)}: ok ({args.kind}{skip})")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """``g60map build``: write the interactive map; return the exit code."""
    from .. import settings
    from .._atomic import write_text
    from ..render.web.plain_page import map_page  # the page of build_map, without folium

    corridor = _corridor(args)
    with _step(args, "building the map"):
        page = map_page(corridor, lang=args.lang, basemap=args.basemap,
                        metrics=args.metric or (), scheme=args.scheme,
                        k=args.k, cmap=args.cmap, self_contained=args.self_contained,
                        tooltip=True if args.tooltip is None else args.tooltip,
                        popup=True if args.popup is None else args.popup)
    with _step(args, "writing the map"):
        path = write_text(Path(args.out) / settings.MAP_FILENAME, page)
    print(path)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """``g60map export``: write the corridor layers; return the exit code."""
    from ..export.layers import export_layers

    corridor = _corridor(args)
    with _step(args, f"exporting layers ({args.format})"):
        paths = export_layers(corridor, args.out, fmt=args.format)
    for path in paths:
        print(path)
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    """``g60map render``: write the static map (and its small multiples); return the exit code."""
    from ..render.static.figure import STATIC_FILENAME, render_static, save_static, static_size

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
                               partners_as=args.partners_as, scheme=args.scheme, k=args.k,
                               cmap=args.cmap)
    out = Path(args.out) / f"{STATIC_FILENAME}.{fmt}"
    with _step(args, f"writing {fmt.upper()}"):
        path = save_static(fig, out, fmt=fmt, dpi=dpi, svg_text=args.svg_text)
    print(path)
    if args.multiples:
        from ..render.static.charts import MULTIPLES_FILENAME, small_multiples

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


def cmd_report(args: argparse.Namespace) -> int:
    """``g60map report``: write the HTML or Word report; return the exit code."""
    from ..render.docs.report import REPORT_FILENAME, report_html, save_report

    corridor = _corridor(args)
    if args.format == "docx":
        from ..render.docs.office import report_docx

        with _step(args, "building the Word report"):
            data = report_docx(corridor, lang=args.lang, title=args.title, paper=args.paper)
        with _step(args, "writing the Word report"):
            path = save_report(data, Path(args.out) / f"{Path(REPORT_FILENAME).stem}.docx")
        print(path)
        return EXIT_OK
    with _step(args, "building the report"):
        page = report_html(corridor, lang=args.lang, title=args.title, template=args.template)
    with _step(args, "writing the report"):
        path = save_report(page, Path(args.out) / REPORT_FILENAME)
    print(path)
    return EXIT_OK


def cmd_slides(args: argparse.Namespace) -> int:
    """``g60map slides``: write the PowerPoint slides; return the exit code."""
    from ..render.docs.office import SLIDES_FILENAME, save_slides, slides_pptx

    corridor = _corridor(args)
    with _step(args, "building the slides"):
        data = slides_pptx(corridor, lang=args.lang, title=args.title, template=args.template)
    with _step(args, "writing the slides"):
        path = save_slides(data, Path(args.out) / SLIDES_FILENAME)
    print(path)
    return EXIT_OK


def cmd_count_partners(args: argparse.Namespace) -> int:
    """``g60map count-partners FILE``: print the partners per city; return the exit code."""
    from ..ingest.engine import count_partners_by_city

    with _recording_problems(args), _step(args, f"counting partners ({args.engine} engine)"):
        counts = count_partners_by_city(
            args.file,
            engine=args.engine,
            n_workers=args.workers,
            outside=args.outside,
            scheduler=args.scheduler,
            datum=args.datum,
            on_bad_rows=args.on_bad_rows,
        )
    print(counts.to_string(index=False))
    info = counts.attrs
    skipped = f", {info['skipped']} bad row(s) skipped" if info.get("skipped") else ""
    print(
        f"{info['rows']} rows: {int(counts['partners'].sum())} in the corridor, "
        f"{info['outside']} outside{skipped} ({info['engine']} engine, "
        f"{info['partitions']} partition(s))"
    )
    return EXIT_OK


#: The function of each command, by the name given on the command line.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": cmd_build,
    "validate": cmd_validate,
    "info": cmd_info,
    "export": cmd_export,
    "render": cmd_render,
    "report": cmd_report,
    "slides": cmd_slides,
    "count-partners": cmd_count_partners,
}
