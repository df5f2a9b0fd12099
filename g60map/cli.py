"""Command-line interface: argument parsing only; each command chains the public API.

Exit codes: 0 ok, 1 bad input, 2 usage. Errors print one clear message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from ._errors import G60Error, G60InputError

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _print_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
    print(f"warning: {message}", file=sys.stderr)


def _cmd_info(args: argparse.Namespace) -> int:
    from .io import load_cities

    cities = load_cities()
    cols = ["code", "name_en", "name_zh", "province_en", "role", "lat", "lon", "geonameid"]
    print(cities[cols].to_string(index=False))
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from .tables import check_table

    errors, notes = check_table(args.file, args.kind)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if errors:
        print(f"{args.file}: {len(errors)} problem(s):", file=sys.stderr)
        for problem in errors:
            print(str(problem), file=sys.stderr)
        return EXIT_INPUT
    print(f"{args.file}: ok ({args.kind})")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from .render.interactive import build_map, save_map
    from .tables import load_investments, load_partners

    partners = load_partners(args.partners)
    investments = load_investments(args.investments)
    m = build_map(
        partners=partners,
        investments=investments,
        lang=args.lang,
        basemap=args.basemap,
    )
    path = save_map(m, Path(args.out) / "g60_corridor.html", self_contained=args.self_contained)
    print(path)
    return EXIT_OK


def _add_map_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--partners", metavar="FILE", help="partners table (CSV/xlsx)")
    p.add_argument("--investments", metavar="FILE", help="investments table (CSV/xlsx)")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="label language")


def build_parser() -> argparse.ArgumentParser:
    """Return the ``g60map`` argument parser (one sub-command per task)."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="g60map",
        description="Maps, analysis and exports of the G60 Science and Technology "
        "Innovation Corridor.",
    )
    parser.add_argument("--version", action="version", version=f"g60map {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="build the interactive corridor map (HTML)")
    p.add_argument("--out", default="outputs", metavar="DIR", help="output folder")
    _add_map_options(p)
    p.add_argument(
        "--basemap",
        default="osm",
        help="osm, carto, amap, tencent or none (amap/tencent are GCJ-02: geometry is shifted)",
    )
    p.add_argument(
        "--self-contained",
        action="store_true",
        help="inline Leaflet and every asset so the map opens offline",
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("validate", help="check a partners or investments table")
    p.add_argument("file", help="CSV or xlsx file")
    p.add_argument("--kind", choices=["partners", "investments"], default="partners")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("info", help="print the corridor cities")
    p.set_defaults(func=_cmd_info)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


#: Sub-command registrars added by other modules of this file (export, render, report).
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    warnings.showwarning = _print_warning
    try:
        return int(args.func(args))
    except G60InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (G60Error, FileNotFoundError, PermissionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
