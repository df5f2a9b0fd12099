"""The checks every table reader makes: the file, its bytes and its header.

Part of :mod:`g60map.ingest`, below the readers: :mod:`g60map.ingest.read` (and the CSV,
.xlsx and Parquet readers it calls, and the dask engine) refuse anything but a regular file
within :data:`g60map.settings.MAX_INPUT_BYTES`, and a header with repeated names or more
than :data:`g60map.settings.MAX_COLUMNS` columns, with the messages here.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from pathlib import Path

import pandas as pd

from .. import settings
from .._errors import G60InputError, Problem

__all__ = ["check_input_file", "read_bytes", "too_wide", "check_header"]


def check_input_file(path: Path, label: str, *, limit: bool = True) -> int:
    """Refuse anything but a regular file (and, with ``limit``, one that is too big).

    The path is checked with :func:`os.stat` before anything opens it: opening a FIFO
    blocks until a writer comes, and a device such as ``/dev/zero`` never ends.

    Parameters
    ----------
    path : pathlib.Path
        The input path (symbolic links are followed).
    label : str
        File name for errors.
    limit : bool, default True
        Refuse files larger than :data:`g60map.settings.MAX_INPUT_BYTES`.

    Returns
    -------
    int
        The file size in bytes.

    Raises
    ------
    G60InputError
        Missing, unreadable, not a regular file, or over the size limit.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise G60InputError(
            [Problem(label, None, None, "file not found (check the path)")]
        ) from None
    except OSError as exc:
        raise G60InputError(
            [Problem(label, None, None, f"cannot read the file ({exc.strerror or exc}): check "
                     "the path and its permissions")]
        ) from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise G60InputError(
            [Problem(label, None, None, "is a folder, not a file (give the path of a table)")]
        )
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise G60InputError(
            [Problem(label, None, None, f"is {kind}, not a regular file (save the table to a "
                     "file and give the path of that file)")]
        )
    if limit and info.st_size > settings.MAX_INPUT_BYTES:
        raise G60InputError(
            [Problem(label, None, None, _too_big(info.st_size))]
        )
    return int(info.st_size)


def _too_big(size: int) -> str:
    return (
        f"file is {size:,} bytes, more than the limit of {settings.MAX_INPUT_BYTES:,} bytes "
        "(split the table, or raise g60map.settings.MAX_INPUT_BYTES, on the command line "
        "the environment variable G60MAP_MAX_INPUT_BYTES; GeoParquet files of any size can "
        "be counted with count-partners --engine dask)"
    )


def read_bytes(path: Path, label: str) -> bytes:
    """Read a checked regular file, never more than the size limit (it may have grown)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(settings.MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise G60InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"cannot read the file ({exc.strerror or exc}): check its permissions",
                )
            ]
        ) from None
    if len(raw) > settings.MAX_INPUT_BYTES:
        raise G60InputError([Problem(label, None, None, _too_big(len(raw)))])
    return raw


def too_wide(label: str, n: int) -> G60InputError:
    return G60InputError(
        [
            Problem(
                label,
                1,
                None,
                f"the header has {n:,} columns, more than the limit of "
                f"{settings.MAX_COLUMNS:,} (delete the columns you do not need, or raise "
                "g60map.settings.MAX_COLUMNS, on the command line the environment variable "
                "G60MAP_MAX_COLUMNS)",
            )
        ]
    )


def check_header(columns: pd.Index | list[str], label: str) -> None:
    names = [str(c).strip() for c in columns]
    if len(names) > settings.MAX_COLUMNS:
        raise too_wide(label, len(names))
    counts = Counter(names)
    problems = [
        Problem(label, 1, name, "column appears more than once (rename or drop one)")
        for name, n in counts.items()
        if n > 1
    ]
    if len(names) == 1 and any(sep in names[0] for sep in (";", "\t", "|")):
        problems.append(
            Problem(
                label,
                1,
                None,
                f"header {names[0]!r} is one column: the file is not comma-separated "
                "(save it as CSV with commas)",
            )
        )
    if problems:
        raise G60InputError(problems)
