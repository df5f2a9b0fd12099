"""The g60map exception family.

Every error is also a :class:`ValueError` (or :class:`FileNotFoundError`), so generic
handlers keep working. Messages say what went wrong, where (``file:row:column``) and how
to fix it.

Text taken from the input (file names, headers, cells) is shown with control and
formatting characters escaped (:func:`escape_control`), so a message can never move the
cursor, recolour a terminal or reorder the text around it. Long lists of problems are
summarised (:func:`format_problems`): the first :data:`g60map.settings.MAX_PROBLEMS_SHOWN`,
then counts per kind of problem and per column; the full list stays in
:attr:`G60InputError.problems`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import settings

__all__ = [
    "G60Error",
    "G60InputError",
    "UnknownCityError",
    "MissingDependencyError",
    "G60Warning",
    "Problem",
    "escape_control",
    "format_problems",
    "problem_kind",
]

#: Longest line shown for one problem; the rest of it is counted, not printed.
_LINE_CHARS = 500
#: Kinds and columns listed in a summary; the rest are counted.
_GROUPS_SHOWN = 20


_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


class _Escapes(dict):
    """``str.translate`` table: code point -> its escape, or the character itself.

    Control characters (C0, DEL, C1), format characters (bidi overrides and isolates,
    zero-width characters, the BOM, ...) and line and paragraph separators are escaped;
    lone surrogates (undecodable bytes kept with ``surrogateescape``) are shown as U+FFFD,
    as every output shows them. Filled in as characters are met, so each code point is
    classified once.
    """

    def __missing__(self, cp: int) -> str:
        if unicodedata.category(chr(cp)) not in _UNSAFE_CATEGORIES:
            value = chr(cp)
        elif 0xD800 <= cp <= 0xDFFF:  # a byte that was not UTF-8: shown as U+FFFD
            value = "\ufffd"
        elif cp < 0x100:
            value = f"\\x{cp:02x}"
        elif cp < 0x10000:
            value = f"\\u{cp:04x}"
        else:
            value = f"\\U{cp:08x}"
        self[cp] = value
        return value


_ESCAPES = _Escapes()


def escape_control(text: object) -> str:
    r"""Return ``str(text)`` with control and formatting characters written as escapes.

    ESC becomes ``\x1b``, BEL ``\x07``, NUL ``\x00``, CR ``\x0d``, LF ``\x0a``,
    the right-to-left override ``\u202e``, and so on; everything else (letters of
    any script, punctuation, spaces, emoji) is kept as it is.

    Parameters
    ----------
    text : object
        Usually a message, file name, column name or cell.

    Returns
    -------
    str
        Safe to print to a terminal.

    Examples
    --------
    >>> escape_control("a\x1b[2Jb")
    'a\\x1b[2Jb'
    >>> escape_control("松江 ok")
    '松江 ok'
    """
    text = str(text)
    if text.isprintable():  # fast path: nothing to escape
        return text
    return text.translate(_ESCAPES)


def _clip(line: str, limit: int = _LINE_CHARS) -> str:
    if len(line) <= limit:
        return line
    return f"{line[:limit]}... ({len(line) - limit:,} more characters)"


class G60Error(Exception):
    """Base class of every error g60map raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Parameters
    ----------
    file : str
        File name as the user gave it.
    row : int or None
        1-based row number as a spreadsheet shows it (the header is row 1).
    column : str or None
        Column name.
    message : str
        What is wrong and how to fix it.
    kind : str, optional
        Short name of the kind of problem (``"not a number"``), used to count problems
        in summaries; not part of equality. Derived from the message when empty
        (:func:`problem_kind`).

    Notes
    -----
    ``str(problem)`` is ``file:row:column: message`` with control characters escaped
    (:func:`escape_control`); the fields keep the text as it was.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = str(self.file)
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f":{self.column}"
        return escape_control(f"{where}: {self.message}")


_VARIABLE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[-+]?\d[\d,._]*")


def problem_kind(problem: Problem | str) -> str:
    """Return the kind of a problem, for counting problems in a summary.

    Parameters
    ----------
    problem : Problem or str

    Returns
    -------
    str
        ``problem.kind`` when set; otherwise the message with quoted text and numbers
        replaced by ``...`` (so ``'x' is not a number`` and ``'y' is not a number`` count
        as one kind). Escaped (:func:`escape_control`), at most about 100 characters.

    Examples
    --------
    >>> problem_kind(Problem("t.csv", 2, "lon", "'x' is not a number (e.g. 121.2)"))
    '... is not a number (e.g. ...)'
    """
    if isinstance(problem, Problem):
        if problem.kind:
            return _clip(escape_control(problem.kind), 100)
        message = problem.message
    else:
        message = str(problem)
    return _clip(escape_control(_VARIABLE.sub("...", message)), 100)


def _counts(counter: Counter[str], label: str) -> list[str]:
    lines = [f"by {label}:"]
    top = counter.most_common(_GROUPS_SHOWN)
    lines += [f"  {n:>10,}  {_clip(name, 100)}" for name, n in top]
    if len(counter) > len(top):
        rest = sum(counter.values()) - sum(n for _, n in top)
        lines.append(f"  {rest:>10,}  in {len(counter) - len(top):,} other {label}s")
    return lines


def format_problems(
    problems: Sequence[Problem | str],
    limit: int | None = None,
    hint: str = "",
    title: str | None = None,
) -> str:
    """Return problems as text for a terminal, bounded whatever their number.

    Parameters
    ----------
    problems : sequence of Problem or str
        A sequence with a ``counts()`` method (returning the two counters of the
        summary: per kind and per column) is counted by it, not problem by problem.
    limit : int, optional
        How many problems to list one per line; default
        :data:`g60map.settings.MAX_PROBLEMS_SHOWN`. Beyond it, the problems are counted
        per kind (:func:`problem_kind`) and per column instead.
    hint : str, optional
        Appended (on its own line) when some problems are not listed, e.g. where the
        full list is.
    title : str, optional
        First line (``":"`` is added). Default ``"N problems found"``, left out when
        there is a single problem.

    Returns
    -------
    str
        One problem per line (with control characters escaped, each line at most a few
        hundred characters), then the counts. Its size depends on ``limit``, not on
        ``len(problems)``.

    Examples
    --------
    >>> ps = [Problem("t.csv", r, "lon", f"'x{r}' is not a number") for r in range(2, 6)]
    >>> print(format_problems(ps, limit=2))
    4 problems found; the first 2:
    t.csv:2:lon: 'x2' is not a number
    t.csv:3:lon: 'x3' is not a number
    ... 2 more not listed. All 4:
    by kind:
               4  ... is not a number
    by column:
               4  lon
    """
    limit = settings.MAX_PROBLEMS_SHOWN if limit is None else max(int(limit), 0)
    n = len(problems)
    lines = [_clip(escape_control(p)) for p in problems[:limit]]
    head = f"{n:,} problems found" if title is None else _clip(escape_control(title))
    if n <= limit:
        return "\n".join([f"{head}:", *lines] if n > 1 or title is not None else lines)
    counted = getattr(problems, "counts", None)  # a sequence that counts itself
    if callable(counted):
        kinds, columns = counted()
    else:
        kinds = Counter(problem_kind(p) for p in problems)
        columns = Counter(
            escape_control(p.column) if isinstance(p, Problem) and p.column is not None
            else "(no column)"
            for p in problems
        )
    lines = [f"{head}; the first {limit:,}:", *lines]
    lines.append(f"... {n - limit:,} more not listed. All {n:,}:")
    lines += _counts(kinds, "kind")
    lines += _counts(columns, "column")
    if hint:
        lines.append(_clip(escape_control(hint)))
    return "\n".join(lines)


class G60InputError(G60Error, ValueError):
    """An input file has one or more problems; all of them are listed.

    Parameters
    ----------
    problems : iterable of Problem or str
        Every problem found.

    Attributes
    ----------
    problems : list of Problem or str
        Every problem, however many.

    Notes
    -----
    The message (``str(exc)``) lists at most
    :data:`g60map.settings.MAX_PROBLEMS_SHOWN` problems, then counts per kind and per
    column (:func:`format_problems`), with control characters escaped.
    """

    def __init__(self, problems: Iterable[Problem | str]):
        self.problems: list[Problem | str] = list(problems)
        super().__init__(
            format_problems(self.problems, hint="every problem is in the error's .problems list")
        )


class UnknownCityError(G60InputError):
    """A city name or code does not match one of the nine corridor cities."""


class MissingDependencyError(G60Error, ImportError):
    """An optional dependency is needed for this call."""


class G60Warning(UserWarning):
    """Something in the input worth knowing that does not stop the work.

    Parameters
    ----------
    message : str
    problems : iterable of Problem, optional
        The rows concerned, all of them (the message lists only the first few).
    title : str, optional
        The message's first line, saying what the rows have in common.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = (), title: str = ""):
        super().__init__(message)
        self.problems: list[Problem] = list(problems)
        self.title = title
