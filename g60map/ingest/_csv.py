"""Read a CSV table as text: Arrow's parser where it agrees with pandas, else pandas.

Part of :mod:`g60map.ingest`, called by :func:`g60map.ingest.read.read_table` (and, block
by block, by the dask engine): the encoding is found by :mod:`g60map.ingest._charset`,
every cell stays text exactly as written (:data:`CSV_OPTIONS`), and rows with more cells
than the header are problems naming the line.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io as _io
import mmap
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .. import settings
from .._errors import G60InputError, Problem
from ._charset import detect_encoding
from ._checks import read_bytes, too_wide
from ._xlsx import CFB_MAGIC, sniff_workbook

__all__ = [
    "CSV_OPTIONS", "header_width", "empty_file", "csv_errors", "read_csv_file", "arrow_csv_frame",
]

#: How CSV cells are parsed, everywhere a CSV is read: all text, exactly as written.
CSV_OPTIONS: dict[str, object] = {
    "dtype": str,
    "keep_default_na": False,
    "skip_blank_lines": True,
    "skipinitialspace": False,
}


def header_width(head: bytes) -> int:
    """Count the cells of the first record of a CSV file, cheaply (a lower bound).

    Parameters
    ----------
    head : bytes
        The start of the file (only the first MiB is looked at).

    Returns
    -------
    int
        Cells in the first record; fewer if that record is longer than 1 MiB, 0 if the
        csv module cannot split it. Commas, quotes and line ends are single ASCII bytes
        in UTF-8 and GB18030 alike (never part of a multi-byte character), so the bytes
        are split as Latin-1 text without decoding the file.
    """
    text = head[: 1 << 20].decode("latin-1").removeprefix("\xef\xbb\xbf")
    try:
        return len(next(csv.reader(_io.StringIO(text, newline="")), []))
    except csv.Error:  # a cell over the csv module's size limit: pandas will count
        return 0


def empty_file(label: str) -> G60InputError:
    """Return the error for a table file with nothing in it."""
    return G60InputError(
        [Problem(label, None, None, "file is empty (add a header row and data rows)")]
    )


@contextlib.contextmanager
def csv_errors(label: str) -> Iterator[None]:
    """Turn pandas' CSV parser errors into a :class:`G60InputError` naming the file."""
    try:
        yield
    except pd.errors.EmptyDataError:
        raise empty_file(label) from None
    except pd.errors.ParserError as exc:
        raise G60InputError(
            [Problem(label, None, None, f"not a valid CSV table: {exc}")]
        ) from None


_BAD_LINE = re.compile(r"line (\d+): expected (\d+) fields, saw (\d+)")

#: Bytes per block of Arrow's CSV reader; a record longer than this is read by pandas.
_ARROW_BLOCK = 1 << 24


def _sniff_text_file(path: Path, label: str) -> None:
    """Refuse a workbook read as CSV (a binary .xls, a zipped .xlsx, an HTML table)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return  # the CSV reader says why
    if head.startswith(b"PK\x03\x04") or head == CFB_MAGIC \
            or path.suffix.lower() in (".xls", ".et"):
        sniff_workbook(path, label, xlsx=False)


def read_csv_file(path: Path, label: str) -> pd.DataFrame:
    """Read a CSV file: with Arrow's parser when it gives pandas' frame, else with pandas.

    Arrow's multi-threaded parser is ~10x faster than pandas' C parser. Arrow reads the
    file itself (no Python bytes reach its threads) and its frame is kept only for UTF-8
    tables that pandas reads the same way (see :func:`_arrow_csv`); every other file,
    and every file with a problem, is read by :func:`_read_csv`, whose frames and
    messages are the reference. A workbook saved under a CSV name is refused first.

    Parameters
    ----------
    path : pathlib.Path
        A checked regular file.
    label : str
        File name for problems.

    Returns
    -------
    pandas.DataFrame
        All cells ``str``; columns named by the first record.

    Raises
    ------
    G60InputError
        A workbook, an empty or undecodable file, rows with more cells than the header.
    """
    _sniff_text_file(path, label)
    df = None
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
            width = header_width(head)
            size = os.fstat(fh.fileno()).st_size
            if 0 < width <= settings.MAX_COLUMNS and b"\0" not in head[:4096] \
                    and size <= settings.MAX_INPUT_BYTES:  # a NUL: maybe UTF-16
                import pyarrow as pa

                with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data, \
                        pa.OSFile(str(path)) as source:
                    df = _arrow_csv(source, width, data)
    except (OSError, ValueError, ImportError):
        df = None
    return df if df is not None else _read_csv(read_bytes(path, label), label)


def _arrow_csv(
    source: object,
    width: int,
    data: bytes | mmap.mmap,
    *,
    header: bool = True,
    threads: bool = False,
) -> pd.DataFrame | None:
    """Parse UTF-8 CSV text with Arrow; ``None`` where pandas might read it differently.

    ``source`` is the Arrow input stream of the text, ``data`` the same bytes (searched,
    not parsed), ``width`` the number of cells of the header (:func:`header_width`).
    With ``header`` the first record names the columns, else they are numbered from 0;
    ``threads``: parse blocks of the text in parallel threads (on 2 cores as fast as one
    thread, for twice the CPU time: off by default).

    Arrow refuses some files pandas reads (rows with more or fewer cells than the
    header, which pandas pads or reports), invalid UTF-8 and records over
    :data:`_ARROW_BLOCK` bytes: those return ``None``. So do the files where pandas' C
    tokenizer does something Arrow does not:

    * a file that ends inside a quoted cell (pandas: "EOF inside string"; Arrow takes the
      rest of the file as the cell, so the file ends with ``"`` and that cell, quotes
      doubled);
    * a record starting with a space or tab (pandas looks for a whitespace-only line to
      skip and, with CR line ends or at its 256 KiB buffer edge, re-reads the wrong
      text), and in a one-column table any cell that is all whitespace;
    * a blank line ended by CR before a comma (pandas drops that comma) and a second
      byte-order mark at the start (pandas drops it too).

    Otherwise the two parsers agree cell for cell (same quoting rules, line ends
    LF/CRLF/CR, blank lines skipped, a leading UTF-8 byte-order mark dropped); a property
    test in ``tests/test_io_properties.py`` compares them on generated text.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    start = len(codecs.BOM_UTF8) if data[:3] == codecs.BOM_UTF8 else 0
    if data[start : start + 3] == codecs.BOM_UTF8 or data[start : start + 2] == b"\r,":
        return None
    if data.find(b"\r") != -1 and (data.find(b"\n\r,") != -1 or data.find(b"\r\r,") != -1):
        return None
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(
                column_names=names, block_size=_ARROW_BLOCK, use_threads=threads
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # pandas' str
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None
    if table.num_columns != width or table.num_rows == 0:
        return None
    first = table.column(0)
    if any(pc.any(pc.starts_with(first, blank)).as_py() for blank in (" ", "\t")):
        return None
    if width == 1 and pc.any(pc.utf8_is_space(first)).as_py():
        return None
    last = table.column(width - 1)[-1].as_py().replace('"', '""').encode("utf-8")
    if len(data) > len(last) and data[-len(last) - 1 :] == b'"' + last:  # maybe open quote
        return None
    if not header:
        df = table.to_pandas()
        df.columns = range(width)
        return df
    names = [str(c) for c in table.slice(0, 1).to_pylist()[0].values()]
    df = table.slice(1).to_pandas()
    df.columns = names
    return df


def arrow_csv_frame(
    text: bytes, width: int, *, header: bool = True, threads: bool = False
) -> pd.DataFrame | None:
    """Parse UTF-8 CSV bytes with Arrow, or return ``None`` where pandas could differ.

    The text is copied into a buffer that Arrow owns, so Arrow's threads never hold a
    Python object (releasing one needs the GIL, which a thread cannot take while the
    interpreter shuts down).

    Parameters
    ----------
    text : bytes
        UTF-8 CSV text (a byte-order mark at the start is dropped).
    width : int
        Cells per record.
    header : bool, default True
        The first record names the columns; else they are numbered from 0.
    threads : bool, default False
        Parse blocks of the text in parallel threads.

    Returns
    -------
    pandas.DataFrame or None
        All cells ``str``, as pandas' C parser reads them with :data:`CSV_OPTIONS`; ``None``
        for text that parser could read differently or refuse.
    """
    import pyarrow as pa

    buf = pa.allocate_buffer(len(text))
    memoryview(buf).cast("B")[:] = text
    return _arrow_csv(pa.BufferReader(buf), width, text, header=header, threads=threads)


def _read_csv(raw: bytes, label: str) -> pd.DataFrame:
    """Parse the bytes of a CSV file; the first record is the header."""
    if not raw or raw.isspace():
        raise empty_file(label)
    encoding = detect_encoding(raw, label)

    def source() -> _io.IOBase:
        if encoding == "utf-8-sig":
            # Checked UTF-8: the C parser reads the bytes as they are (no decoded copy of
            # the file, no re-encoding), after the BOM if there is one.
            buf: _io.IOBase = _io.BytesIO(raw)
            buf.seek(len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)
            return buf
        return _io.StringIO(raw.decode(encoding))

    options = {**CSV_OPTIONS, "header": None, "encoding": "utf-8"}
    width = header_width(raw)
    if width > settings.MAX_COLUMNS:  # refused before the body is parsed
        raise too_wide(label, width)
    if encoding != "utf-8-sig" and width > 0:  # GB18030: Arrow reads it as UTF-8
        fast = arrow_csv_frame(raw.decode(encoding).encode("utf-8"), width)
        if fast is not None:
            return fast
    with csv_errors(label), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        table = pd.read_csv(source(), on_bad_lines="warn", **options)
    problems = [
        Problem(
            label,
            int(line),
            None,
            f"row has {saw} cells but the header has {expected}: put a cell that contains a "
            'comma in double quotes ("Acme, Inc."), or add a header for the extra column',
        )
        for w in caught
        if issubclass(w.category, pd.errors.ParserWarning)
        for line, expected, saw in _BAD_LINE.findall(str(w.message))
    ]
    if problems:
        raise G60InputError(problems)
    if table.shape[1] > settings.MAX_COLUMNS:
        raise too_wide(label, table.shape[1])
    header = ["" if pd.isna(c) else str(c) for c in table.iloc[0]] if len(table) else []
    df = table.iloc[1:]
    df.columns = header
    return df

