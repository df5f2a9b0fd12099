"""Command-line interface, the last stage: parse the arguments, run one command.

Exit codes: 0 ok; 1 bad input or an output that cannot be written (one clear message,
never a traceback); 2 usage; 70 internal error (a bug in g60map: please report it;
``--debug`` or ``G60MAP_DEBUG=1`` prints the traceback); 130 interrupted (Ctrl-C);
141 standard output closed early (``g60map info | head -1``: nothing is printed);
143 terminated by SIGTERM (129: SIGHUP), temporary files removed.
Progress of the slower steps goes to stderr (silence it with ``--quiet``, before or after
the command); stdout carries only the result (the paths written, or the table asked for).

:mod:`g60map.cli._parser` parses (importing no table, map or figure library, so
``--version`` and ``--help`` answer at once), :mod:`g60map.cli._commands` holds one
function per command and :mod:`g60map.cli._run` the exit codes and messages.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

from ._commands import COMMANDS
from ._parser import build_parser, undecodable_notes
from ._run import EXIT_PIPE, print_warning, run, silence_stdout

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code.
    """
    from .._atomic import install_signal_cleanup

    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
            sys.stdout.flush()
            return int(exc.code or 0)
        undecodable_notes(args)
        with warnings.catch_warnings(), install_signal_cleanup():
            warnings.showwarning = print_warning
            return run(args, COMMANDS[args.command])
    except BrokenPipeError:  # only when the reader of stdout has gone (see run)
        silence_stdout()
        return EXIT_PIPE
