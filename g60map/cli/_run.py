"""Exit codes, error messages and standard output of the command line.

The last step of :func:`g60map.cli.main`: :func:`run` runs one command and turns every
exception into an exit code and one message on stderr (never a traceback for bad input);
a reader of stdout that has gone early ends the run quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import traceback
from collections.abc import Callable

from .._errors import G60Error, G60InputError, escape_control, format_problems

__all__ = [
    "EXIT_OK",
    "EXIT_INPUT",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_PIPE",
    "DEBUG_ENV",
    "EXIT_CODES_HELP",
    "safe",
    "print_warning",
    "problems_hint",
    "silence_stdout",
    "run",
]

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
#: A bug in g60map (sysexits.h ``EX_SOFTWARE``), never bad input.
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
#: Standard output was closed by its reader (128 + SIGPIPE, as a shell reports it).
EXIT_PIPE = 141

#: Environment variable that makes internal errors print their traceback.
DEBUG_ENV = "G60MAP_DEBUG"

EXIT_CODES_HELP = (
    "exit codes: 0 ok; 1 bad input or an output that cannot be written; 2 usage; "
    "70 internal error (a bug: please report it; --debug or G60MAP_DEBUG=1 shows the "
    "traceback); 130 interrupted; 141 output pipe closed early; 143 terminated (SIGTERM)"
)


def safe(text: object) -> str:
    """Return ``text`` for the terminal: its lines, with control characters escaped."""
    return "\n".join(escape_control(line) for line in str(text).split("\n"))


def print_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
    """Print a warning as one ``warning: ...`` line on stderr (for ``warnings.showwarning``)."""
    print(f"warning: {safe(message)}", file=sys.stderr)


def problems_hint(args: argparse.Namespace, n: int) -> str:
    """Where the problems not listed on the terminal are (or can be) found."""
    if getattr(args, "problems", None):
        return f"all {n:,} are listed in {args.problems}"
    return "write them all to a CSV file with --problems FILE"


def _stdout_closed() -> bool:
    """Return whether the reader of standard output has gone (a closed pipe)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & select.POLLERR for _, ev in poller.poll(0))
    except (AttributeError, ValueError, OSError):  # no poll (Windows), no real stdout
        return True


def silence_stdout() -> None:
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
    where = safe(f" {exc.filename}") if exc.filename else ""
    reason = safe(exc.strerror or exc)
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


def run(args: argparse.Namespace, command: Callable[[argparse.Namespace], int]) -> int:
    """Run ``command`` with the parsed ``args``; turn every exception into an exit code.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    command : callable
        The function of the command (see :data:`g60map.cli._commands.COMMANDS`).

    Returns
    -------
    int
        The exit code (see :mod:`g60map.cli`).
    """
    try:
        code = int(command(args))
        _flush_stdout()
        return code
    except G60InputError as exc:
        text = format_problems(exc.problems, hint=problems_hint(args, len(exc.problems)))
        print(f"error: {text}", file=sys.stderr)
        return EXIT_INPUT
    except (G60Error, ValueError) as exc:
        print(f"error: {safe(exc)}", file=sys.stderr)
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
            f"error: internal error ({type(exc).__name__}: {safe(exc)}). This is a bug in g60map, "
            "not a problem with your input: please report it with the command you ran"
            + ("" if _debug(args) else f" and the traceback that --debug (or {DEBUG_ENV}=1)"
               " prints"),
            file=sys.stderr,
        )
        return EXIT_INTERNAL
