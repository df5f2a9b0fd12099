"""CSV files cut into blocks of whole lines, read by the workers of the dask engine.

Part of the ingest stage, under :mod:`g60map.ingest.engine`: the driver reads a CSV
file's header and encoding (:func:`csv_source`) and cuts the file into byte ranges of
whole lines (:func:`csv_blocks`); each worker reads and parses its own block
(:func:`read_block`) and turns it into text cells with row problems (:func:`csv_part`),
as :func:`g60map.ingest.read.read_table` reads a whole file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import G60InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CsvHeader",
    "CsvBlock",
    "csv_source",
    "csv_encoding",
    "csv_header",
    "csv_blocks",
    "read_block",
    "csv_part",
    "csv_parser_error",
]

#: Bytes the driver reads from the start of a file (and per chunk when it streams one).
_CHUNK = 1 << 24


@dataclass(frozen=True)
class CsvHeader:
    """The header cells of a CSV file, read once by the driver for every partition.

    ``encoding`` is what :func:`g60map.ingest.read.read_table` would read the file with; with
    ``checked`` false it is UTF-8 judged by the start of the file only, and each worker
    checks the bytes of its block (see :func:`csv_source`).
    """

    names: tuple[str, ...]
    encoding: str = "utf-8-sig"
    checked: bool = True


@dataclass(frozen=True)
class CsvBlock:
    """Bytes ``[start, end)`` of a CSV file: whole lines; the block at 0 has the header."""

    path: str
    start: int
    end: int



def csv_encoding(path: Path, label: str) -> str:
    """Return the encoding to read a CSV file with, as :func:`g60map.ingest.read.read_table` would.

    The file is streamed in chunks; an undecodable, UTF-16 or garbled (not really GB18030)
    file is reported exactly as :func:`g60map.ingest.read.read_table` reports it.
    """
    from ._charset import (
        ENCODINGS,
        check_gb18030,
        decodes,
        detect_encoding,
        non_ascii_sample,
        refuse_utf16,
    )

    def chunks() -> Any:
        with open(path, "rb") as fh:
            yield from iter(lambda: fh.read(_CHUNK), b"")

    with open(path, "rb") as fh:
        head = fh.read(_CHUNK)
    if not head or (head.isspace() and len(head) < _CHUNK):
        from ._csv import empty_file

        raise empty_file(label)
    if len(head) < _CHUNK:  # the whole file
        return detect_encoding(head, label)
    refuse_utf16(head, label)
    for encoding in ENCODINGS:
        if not decodes(chunks(), encoding):
            continue
        if encoding != "utf-8-sig":
            if head.startswith(codecs.BOM_UTF8):  # mixed encodings: reported with the row
                return detect_encoding(path.read_bytes(), label)
            check_gb18030(non_ascii_sample(chunks()), label)
        return encoding
    return detect_encoding(path.read_bytes(), label)  # raises with the row of the bad bytes


def csv_source(path: Path, label: str) -> CsvHeader:
    """Return the header and encoding of a CSV file, reading only its start if it can.

    A file of up to 16 MiB is checked whole, as :func:`g60map.ingest.read.read_table` does. For a
    larger one whose first 16 MiB are UTF-8, the driver does not read the rest: each
    worker checks its own block, and a block that is not UTF-8 sends the driver back to
    :func:`csv_encoding` over the whole file (same errors, or GB18030).
    """
    from ._charset import refuse_utf16

    with open(path, "rb") as fh:
        head = fh.read(_CHUNK)
    if len(head) == _CHUNK:
        refuse_utf16(head, label)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            # (pandas may decode past the header: then the whole file is checked)
            names = csv_header(path, label, "utf-8-sig").names
        except UnicodeDecodeError:
            pass
        else:
            return CsvHeader(names, "utf-8-sig", checked=False)
    encoding = csv_encoding(path, label)
    return csv_header(path, label, encoding)


def csv_blocks(path: Path, blocksize: int) -> list[CsvBlock]:
    """Cut a CSV file into blocks of about ``blocksize`` bytes, each ending after a line feed."""
    size = path.stat().st_size
    bounds = [0]
    with open(path, "rb") as fh:
        offset = blocksize
        while offset < size:
            fh.seek(offset - 1)
            pos = offset - 1
            while True:  # to the first line feed at or after offset - 1
                chunk = fh.read(1 << 16)
                cut = chunk.find(b"\n")
                if cut >= 0 or not chunk:
                    pos = pos + cut + 1 if cut >= 0 else size
                    break
                pos += len(chunk)
            if pos >= size:
                break
            bounds.append(pos)
            offset = pos + blocksize
    bounds.append(size)
    pairs = zip(bounds[:-1], bounds[1:], strict=True)
    return [CsvBlock(str(path), a, b) for a, b in pairs if b > a]


def read_block(block: CsvBlock, header: CsvHeader) -> pd.DataFrame | None:
    """Parse a block as text cells plus one spare column; ``None`` if it is not UTF-8.

    Arrow parses the block where it reads it as pandas would
    (:func:`g60map.ingest._csv.arrow_csv_frame`); otherwise pandas' C parser does, with the
    options of :func:`g60map.ingest.read.read_table`. The header line of the first block is
    skipped. Rows with two or more cells too many make the C parser raise.
    """
    import io as _io

    import pandas as pd

    from ._charset import decodes
    from ._csv import CSV_OPTIONS, arrow_csv_frame

    with open(block.path, "rb") as fh:
        fh.seek(block.start)
        raw = fh.read(block.end - block.start)
    text = raw if header.encoding == "utf-8-sig" else raw.decode(header.encoding).encode()
    width = len(header.names)
    spare = list(range(width + 1))
    first = block.start == 0
    # Arrow checks that every cell is UTF-8 (and the bytes between cells are ASCII).
    df = arrow_csv_frame(text, width, header=first, threads=False) if text.strip() else None
    if df is not None and (not first or tuple(df.columns) == header.names):
        df.columns = range(width)
        df[width] = ""
        return df
    if not header.checked and not decodes([raw], "utf-8-sig"):
        return None
    if not text.strip():
        return pd.DataFrame({i: pd.Series([], dtype=str) for i in spare})
    return pd.read_csv(
        _io.BytesIO(text), header=None, names=spare, skiprows=1 if first else 0,
        encoding="utf-8", **CSV_OPTIONS,
    )


def csv_header(path: Path, label: str, encoding: str) -> CsvHeader:
    """Read and check the header record of a CSV file, as :func:`g60map.ingest.read.read_table`."""
    import pandas as pd

    from .. import settings
    from ._checks import check_header, too_wide
    from ._csv import CSV_OPTIONS, csv_errors, header_width

    with open(path, "rb") as fh:
        width = header_width(fh.read(1 << 20))
    if width > settings.MAX_COLUMNS:
        raise too_wide(label, width)
    with csv_errors(label):
        head = pd.read_csv(path, nrows=1, header=None, encoding=encoding, **CSV_OPTIONS)
    if head.shape[1] > settings.MAX_COLUMNS:
        raise too_wide(label, head.shape[1])
    names = ["" if pd.isna(c) else str(c) for c in head.iloc[0]] if len(head) else []
    check_header(names, label)
    return CsvHeader(tuple(names), encoding)


def csv_parser_error(label: str, exc: Exception, width: int) -> G60InputError:
    """Return the error of a CSV block the C parser refused (a row with 2+ extra cells)."""
    import re

    match = re.search(r"Expected \d+ fields in line \d+, saw (\d+)", str(exc))
    if match:
        message = (
            f"a row has {match.group(1)} cells but the header has {width}: put a cell that "
            'contains a comma in double quotes ("Acme, Inc."), or add a header for the extra '
            "columns (g60map validate FILE names the row)"
        )
    else:
        message = f"not a valid CSV table: {exc}"
    return G60InputError([Problem(label, None, None, message)])



def csv_part(
    part: pd.DataFrame, label: str, header: CsvHeader
) -> tuple[pd.DataFrame, list[Problem]]:
    """Return a CSV partition (one spare column past the header) as text.

    A cell in the spare column is a row with one cell more than the header; such rows are
    problems, as in :func:`g60map.ingest.read.read_table` (rows with more cells make the C parser
    fail: see :func:`csv_parser_error`).
    """
    import numpy as np
    import pandas as pd

    width = len(header.names)
    extra = part.iloc[:, width].to_numpy(dtype=object)
    filled = ~pd.isna(extra)
    filled[filled] = extra[filled] != ""
    problems = [
        Problem(
            label,
            int(i) + 2,
            None,
            f"row has {width + 1} cells but the header has {width}: put a cell that contains "
            'a comma in double quotes ("Acme, Inc."), or add a header for the extra column',
        )
        for i in np.flatnonzero(filled)
    ]
    df = part.iloc[:, :width].astype(str)
    df.columns = [name.strip() for name in header.names]
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df.attrs["file"] = label
    return df, problems
