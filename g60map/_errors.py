"""The g60map exception family.

Every error is also a :class:`ValueError` (or :class:`FileNotFoundError`), so generic
handlers keep working. Messages say what went wrong, where (``file:row:column``) and how
to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "G60Error",
    "G60InputError",
    "UnknownCityError",
    "MissingDependencyError",
    "Problem",
]


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
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


class G60InputError(G60Error, ValueError):
    """An input file has one or more problems; all of them are listed.

    Parameters
    ----------
    problems : iterable of Problem or str
        Every problem found.
    """

    def __init__(self, problems: Iterable[Problem | str]):
        self.problems: list[Problem | str] = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:" if n > 1 else ""
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join([head, *lines]) if head else (lines[0] if lines else ""))


class UnknownCityError(G60InputError):
    """A city name or code does not match one of the nine corridor cities."""


class MissingDependencyError(G60Error, ImportError):
    """An optional dependency is needed for this call."""
