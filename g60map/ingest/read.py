"""Read the corridor cities and user tables (CSV in UTF-8/BOM/GBK/GB18030, .xlsx, GeoParquet).

Everything is read as text, exactly as written: numbers are parsed later by
:mod:`g60map.ingest.validate`, and cells starting with ``=``, ``+``, ``-`` or ``@`` stay plain
text (nothing here evaluates a formula). GeoParquet point geometry becomes ``lon``/``lat``
text (shortest round-trip repr, so no precision is lost).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io as _io
import mmap
import os
import re
import stat
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .._errors import G60InputError, G60Warning, Problem
from ..reference.datasets import get_path
from ._charset import ENCODINGS, detect_encoding
from ._geoparquet import decode_geometry, read_geo_metadata
from ._xlsx import CFB_MAGIC, check_cell_text, check_workbook, sniff_workbook

__all__ = [
    "load_cities", "read_table", "read_input", "frame_table", "ENCODINGS", "PARQUET_SUFFIXES",
]

#: How CSV cells are parsed, everywhere a CSV is read: all text, exactly as written.
CSV_OPTIONS: dict[str, object] = {
    "dtype": str,
    "keep_default_na": False,
    "skip_blank_lines": True,
    "skipinitialspace": False,
}

#: File suffixes read as (Geo)Parquet.
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".geoparquet")


@functools.lru_cache(maxsize=1)
def _cities_cached() -> gpd.GeoDataFrame:
    df = pd.read_csv(
        get_path("cities"),
        dtype={"code": str, "geonameid": "int64"},
        keep_default_na=False,
    )
    return gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=settings.WGS84
    )


def load_cities() -> gpd.GeoDataFrame:
    """Return the nine corridor cities: the Songjiang hub and eight members.

    Points are the city seats from GeoNames (WGS-84), with their GeoNames id.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, hub first, then in the order the source article names the cities.
        Columns ``code`` (GB/T 2260), ``name_en``, ``name_zh``, ``province_en``,
        ``province_zh``, ``role`` ("hub"/"member"), ``lat``, ``lon``, ``geonameid``,
        ``source``, ``geometry``.

    Examples
    --------
    >>> cities = load_cities()
    >>> cities.loc[cities["role"] == "hub", "name_en"].item()
    'Songjiang'
    >>> len(cities)
    9
    """
    return _cities_cached().copy()


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


def _read_bytes(path: Path, label: str) -> bytes:
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


def read_table(path: str | os.PathLike[str], *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV, .xlsx or (Geo)Parquet table as text, with spreadsheet row numbers.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8, UTF-8 with BOM, GBK or GB18030; any line ends), ``.xlsx`` (the
        first visible sheet, or ``sheet``; cells as last saved: a formula gives its saved value)
        or ``.parquet``/``.geoparquet``. A GeoParquet file's point geometry gives
        the ``lon``/``lat`` columns (WGS-84; other CRSs are transformed, empty or missing
        geometry gives empty cells) unless the table has ``lon``/``lat`` columns itself,
        which are then used as they are. Rows count as in a CSV export: the first
        record is row 2. Only regular files of at most
        :data:`g60map.settings.MAX_INPUT_BYTES` bytes with at most
        :data:`g60map.settings.MAX_COLUMNS` columns are read.
    sheet : str, optional
        Name of the sheet to read from an ``.xlsx`` workbook (default: the first visible
        sheet; with several sheets a :class:`G60Warning` says which was read).

    Returns
    -------
    pandas.DataFrame
        All cells as ``str`` (empty string for blanks), column names stripped; the index
        is the 1-based spreadsheet row (header = row 1, first data row = 2). The file
        name is kept in ``df.attrs["file"]``.

    Raises
    ------
    G60InputError
        Missing, empty, too big, not a regular file or undecodable; rows with more cells
        than the header; a header with repeated names or too many columns; unreadable
        GeoParquet geometry, CRS or binary cells; non-point geometry; a formula cell
        without a saved value; a ``sheet`` the workbook does not have.
    """
    path = Path(path)
    label = str(path)
    check_input_file(path, label)
    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    if sheet is not None and not is_xlsx:
        raise G60InputError(
            [Problem(label, None, None, f"a sheet ({sheet!r}) can only be chosen in an .xlsx "
                     "workbook (leave out --sheet/sheet= for this file)")]
        )
    if is_xlsx:
        df = _read_xlsx(path, label, sheet)
    elif path.suffix.lower() in PARQUET_SUFFIXES:
        df = _read_parquet(path, label)
    else:
        _sniff_text_file(path, label)
        df = _read_csv_file(path, label)
    check_header(df.columns, label)
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise G60InputError(
            [Problem(label, None, None, "file has a header but no data rows (add rows)")]
        )
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df.attrs["file"] = label
    return df


def read_input(
    source: str | os.PathLike[str] | pd.DataFrame, *, sheet: str | None = None
) -> pd.DataFrame:
    """Read a table from a file (:func:`read_table`) or a (Geo)DataFrame (:func:`frame_table`).

    Parameters
    ----------
    source : path-like, pandas.DataFrame or geopandas.GeoDataFrame
    sheet : str, optional
        Sheet of an ``.xlsx`` workbook (files only).

    Returns
    -------
    pandas.DataFrame
        All cells as text, ``attrs["file"]`` naming the source, as :func:`read_table`.
    """
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise G60InputError(
                [Problem(frame_label(source), None, None,
                         "a sheet can only be chosen when reading an .xlsx file")]
            )
        return frame_table(source)
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            "expected a path, a pandas DataFrame or a geopandas GeoDataFrame, "
            f"not {type(source).__name__}"
        )
    return read_table(source, sheet=sheet)


def frame_label(frame: pd.DataFrame) -> str:
    """Name of a frame in problems: ``attrs["file"]`` if set, else its type name."""
    label = frame.attrs.get("file")
    return str(label) if label else type(frame).__name__


def frame_table(frame: pd.DataFrame, label: str | None = None) -> pd.DataFrame:
    """Turn a pandas DataFrame or GeoDataFrame into the text table :func:`read_table` returns.

    Every cell becomes text as a file would hold it (numbers in their shortest exact
    form, missing values empty, dates in ISO form), so a frame goes through the same
    checks as a file.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        A GeoDataFrame's CRS is honoured: its point geometry is converted to WGS-84 and
        gives ``lon``/``lat`` (rows with a missing or empty geometry keep the ``lon``/
        ``lat`` cells they have).
    label : str, optional
        Name for problems; default ``frame.attrs["file"]`` or ``"DataFrame"``/
        ``"GeoDataFrame"``.

    Returns
    -------
    pandas.DataFrame
        Text cells; the index (named ``row``) is the frame's index when it holds unique
        whole numbers (so problems name the row as ``df.loc`` does), else the position
        0, 1, ...; ``attrs["file"]`` is the label.

    Raises
    ------
    G60InputError
        Repeated or too many columns, no rows, binary columns, geometry that is not a
        point or cannot be converted to WGS-84.
    """
    label = label or frame_label(frame)
    check_header([str(c) for c in frame.columns], label)
    if frame.empty:
        raise G60InputError([Problem(label, None, None, "the table has no rows (add rows)")])
    index = frame.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.is_unique:
        rows = pd.Index(index.to_numpy(dtype="int64"), name="row")
    else:
        rows = pd.RangeIndex(len(frame), name="row")
    df, problems = frame_to_text(frame, label, prefer_geometry=True)
    if problems:
        raise G60InputError(problems)
    df.index = rows
    df.attrs["file"] = label
    return df


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


def _read_csv_file(path: Path, label: str) -> pd.DataFrame:
    """Read a CSV file: with Arrow's parser when it gives pandas' frame, else with pandas.

    Arrow's multi-threaded parser is ~10x faster than pandas' C parser. Arrow reads the
    file itself (no Python bytes reach its threads) and its frame is kept only for UTF-8
    tables that pandas reads the same way (see :func:`_arrow_csv`); every other file,
    and every file with a problem, is read by :func:`_read_csv`, whose frames and
    messages are the reference.
    """
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
    return df if df is not None else _read_csv(_read_bytes(path, label), label)


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


def _read_parquet(path: Path, label: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyproj.exceptions import CRSError

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise G60InputError(
            [Problem(label, None, None, f"not a readable Parquet file ({exc})")]
        ) from None
    meta = read_geo_metadata(schema, label)
    problems: list[Problem] = []
    try:
        if meta is None:
            table = pd.read_parquet(path)
        elif meta.wkb:
            table, problems = decode_geometry(pd.read_parquet(path), meta, label)
        else:  # GeoArrow-encoded geometry: geopandas decodes it
            table = gpd.read_parquet(path)
    except (
        pa.ArrowException,
        OSError,
        ValueError,
        TypeError,
        KeyError,
        CRSError,
        shapely.errors.ShapelyError,
    ) as exc:
        raise G60InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"not a readable Parquet file ({type(exc).__name__}: {exc}): write it "
                    "again, e.g. with pandas or geopandas to_parquet",
                )
            ]
        ) from None
    df, more = frame_to_text(table, label)
    if problems or more:
        raise G60InputError(problems + more)
    return df


def _as_text(values: pd.Series) -> pd.Series:
    """Return ``values`` as ``str`` cells; missing values become empty strings."""
    if pd.api.types.is_float_dtype(values.dtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = values.to_numpy(dtype=float)
        # Shortest text that reads back as the same float64 (Arrow's formatter; ~10x
        # faster than numpy's), NaN -> "".
        text = pc.cast(pa.array(arr, from_pandas=True), pa.string())
        text = pc.fill_null(text, "")
        return pd.Series(text.to_numpy(zero_copy_only=False), index=values.index, dtype=str)
    missing = values.isna().to_numpy()
    text = values.astype(str)
    if missing.any():
        text = text.where(~missing, "")
    return text


def frame_to_text(
    frame: pd.DataFrame, label: str, first_row: int = 2, *, prefer_geometry: bool = False
) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn a (Geo)DataFrame read from a binary table into the text table of :func:`read_table`.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        Typed columns; a GeoDataFrame's active point geometry gives ``lon``/``lat``
        unless the frame already has both columns.
    label : str
        File name for problems and ``attrs["file"]``.
    first_row : int, default 2
        Row number of the first record (spreadsheet convention, header = 1).
    prefer_geometry : bool, default False
        Take ``lon``/``lat`` from the geometry even when the frame has those columns
        (their cells are kept where the geometry is missing or empty).

    Returns
    -------
    df : pandas.DataFrame
        All cells ``str`` (empty for missing), index ``row`` from ``first_row``.
    problems : list of Problem
        One per row whose geometry is not a point.
    """
    import pyarrow as pa

    index = pd.RangeIndex(first_row, first_row + len(frame), name="row")
    problems: list[Problem] = []
    geom_col = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names: list[str] = []
    cols: list[pd.Series] = []
    for i, name in enumerate(frame.columns):
        if name == geom_col:
            continue
        series = frame.iloc[:, i]
        if isinstance(series.dtype, gpd.array.GeometryDtype):
            series = gpd.GeoSeries(series).to_wkt()  # a second geometry column: keep as WKT
        names.append(str(name).strip())
        try:
            cols.append(_valid_text(_as_text(series.reset_index(drop=True))))
        except (UnicodeDecodeError, pa.ArrowException):
            problems.append(_binary_problem(series, index, label, str(name)))
            cols.append(pd.Series([""] * len(series), dtype=str))
    if geom_col is not None and (prefer_geometry or not {"lon", "lat"} & set(names)):
        geoms = frame.geometry
        if geoms.crs is not None and not geoms.crs.equals(settings.WGS84, ignore_axis_order=True):
            try:
                geoms = geoms.to_crs(settings.WGS84)
            except Exception as exc:  # pyproj raises several types for impossible transforms
                problems.append(
                    Problem(
                        label,
                        None,
                        str(geom_col),
                        f"cannot transform the geometry from its CRS to WGS-84 "
                        f"({type(exc).__name__}): store WGS-84 (EPSG:4326) points",
                    )
                )
                return pd.DataFrame(index=index), problems
        values = geoms.to_numpy()
        kind = shapely.get_type_id(values)  # -1 missing, 0 point
        empty = shapely.is_empty(values)
        bad = (kind > 0) & ~empty
        for i in np.flatnonzero(bad).tolist():
            problems.append(
                Problem(
                    label,
                    int(index[i]),
                    str(geom_col),
                    f"geometry is a {values[i].geom_type}, not a point (store one point "
                    "per row, or lon/lat columns)",
                )
            )
        point = (kind == 0) & ~empty
        x = np.full(len(values), np.nan)
        y = np.full(len(values), np.nan)
        x[point], y[point] = shapely.get_x(values[point]), shapely.get_y(values[point])
        lon_txt, lat_txt = _as_text(pd.Series(x)), _as_text(pd.Series(y))
        if "lon" in names and "lat" in names:  # cells kept where there is no point
            keep = ~point
            lon_txt = lon_txt.where(~keep, cols[names.index("lon")])
            lat_txt = lat_txt.where(~keep, cols[names.index("lat")])
        drop = [i for i, n in enumerate(names) if n in ("lon", "lat")]
        names = [n for i, n in enumerate(names) if i not in drop]
        cols = [c for i, c in enumerate(cols) if i not in drop]
        names += ["lon", "lat"]
        cols += [lon_txt, lat_txt]
    df = pd.concat(cols, axis=1, ignore_index=True) if cols else pd.DataFrame(index=index)
    df.columns = names
    df.index = index
    df.attrs["file"] = label
    return df, problems


def _valid_text(text: pd.Series) -> pd.Series:
    """Return ``text``; raise ``ArrowInvalid`` if Arrow-backed strings are not UTF-8.

    Parquet does not check that its string columns hold UTF-8: a damaged file reads
    without error and fails later, wherever the strings are first used.
    """
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa

        pa.chunked_array(pa.array(text.array)).validate(full=True)
    return text


def _binary_problem(series: pd.Series, index: pd.RangeIndex, label: str, name: str) -> Problem:
    """Return the problem of a column with bytes that are not UTF-8 (first such row)."""
    import pyarrow as pa

    first = None
    if isinstance(series.array, pd.arrays.ArrowStringArray):
        values = pa.array(series.array)
        for i in range(len(series)):
            try:
                values[i].as_py()
            except (UnicodeDecodeError, pa.ArrowException):
                first = int(index[i])
                break
    else:
        for i, value in enumerate(series.to_numpy(dtype=object)):
            if isinstance(value, bytes | bytearray):
                try:
                    bytes(value).decode("utf-8")
                except UnicodeDecodeError:
                    first = int(index[i])
                    break
    return Problem(
        label,
        first,
        name,
        "column holds binary data, not text (these bytes are not UTF-8): store it as a "
        "text (UTF-8 string) column, or drop it",
    )


def _read_xlsx(path: Path, label: str, sheet: str | None = None) -> pd.DataFrame:
    """Read a sheet of a workbook (the first by default), row by row as the XML streams.

    Cells are read as the workbook was last saved: a formula cell gives its saved value
    (a formula without one is an error naming the cell). The sheet's ``<dimension ref>``
    is ignored: it is only a claim of the writing program (a tiny file may claim 16,384
    columns by a million rows), and openpyxl would pad every row to it. Each row is as
    long as its last cell; empty cells at the end of a row and empty rows at the end of
    the sheet are dropped.
    """
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise G60InputError(
            [Problem(label, None, None, "reading .xlsx needs openpyxl: pip install openpyxl")]
        ) from exc
    sniff_workbook(path, label, xlsx=True)
    check_workbook(path, label)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise G60InputError(
            [Problem(label, None, None, f"not a readable .xlsx workbook ({_brief(exc)})")]
        ) from None
    header: list[str] | None = None
    body: list[list[str]] = []
    problems: list[Problem] = []
    note = None
    try:
        with contextlib.ExitStack() as stack:
            if not wb.worksheets:
                raise G60InputError(
                    [Problem(label, None, None, "workbook has no sheet (add a sheet with a table)")]
                )
            ws = _pick_sheet(wb, sheet, label)
            note = _sheet_note(wb, ws, label) if sheet is None else None
            ws.reset_dimensions()
            formula_rows = _formula_rows(path, ws, stack) if _has_formulas(ws) else None
            # Blank rows not yet kept (dropped at the end): a row of blank cells, or a
            # count of rows without cells (a sheet may hold a million empty rows).
            blank: list[list[str] | int] = []
            values = ws.iter_rows(min_row=1, min_col=1, values_only=True)
            stack.callback(values.close)
            for row_number, row in enumerate(values, start=1):
                if formula_rows is not None:
                    problems += _unsaved_formulas(
                        next(formula_rows, ()), row, ws.title, row_number, header, label
                    )
                cells = _xlsx_cells(row)
                check_cell_text(cells, ws.title, row_number, label)
                if header is None:
                    if len(cells) > settings.MAX_COLUMNS:
                        raise too_wide(label, len(cells))
                    header = cells
                    continue
                width = len(header)
                if len(cells) > width:
                    j = next((i for i in range(width, len(cells)) if cells[i].strip()), None)
                    if j is not None:
                        where = f"{get_column_letter(j + 1)}{row_number}"
                        problems.append(
                            Problem(
                                label,
                                row_number,
                                None,
                                f"cell {where} holds {_shorten(cells[j])!r} but its column has "
                                "no header: add a header in row 1, or delete the cell",
                            )
                        )
                        continue
                    cells = cells[:width]  # only blanks past the header: nothing is lost
                if not any(c.strip() for c in cells):
                    if cells:
                        blank.append(cells)
                    elif blank and isinstance(blank[-1], int):
                        blank[-1] += 1
                    else:
                        blank.append(1)
                    continue
                for b in blank:
                    if isinstance(b, int):
                        body.extend([[""] * width] * b)  # one shared list, never changed
                    else:
                        body.append(b + [""] * (width - len(b)))
                blank.clear()
                body.append(cells + [""] * (width - len(cells)))
    except G60InputError:
        raise
    except Exception as exc:  # broken sheet XML, bad shared strings, ...
        raise G60InputError(
            [Problem(label, None, None, f"not a readable .xlsx workbook ({_brief(exc)})")]
        ) from None
    finally:
        wb.close()
    if header is None or (not header and not body and not problems):
        raise G60InputError(
            [Problem(label, None, None, "workbook is empty (add a header row and data rows)")]
        )
    if not header:
        raise G60InputError(
            [Problem(label, 1, None, "the header row is empty: put the column names in row 1")]
        )
    if problems:
        raise G60InputError(problems)
    if note:
        warnings.warn(G60Warning(note, title="sheet read"), stacklevel=4)
    return pd.DataFrame(body, columns=header, dtype=str)


def _sheet_note(wb, ws, label: str) -> str | None:  # noqa: ANN001 - openpyxl types
    """Say which sheet was read of a workbook with several (hidden ones named as hidden).

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook (read-only).
    ws : openpyxl.worksheet._read_only.ReadOnlyWorksheet
        The sheet read.
    label : str
        File name.

    Returns
    -------
    str or None
        The note, or ``None`` for a workbook of one sheet.
    """
    names = [w.title for w in wb.worksheets]
    if len(names) < 2:
        return None
    states = [getattr(w, "sheet_state", "visible") or "visible" for w in wb.worksheets]
    listed = ", ".join(
        repr(n) + ("" if s == "visible" else " (hidden)")
        for n, s in zip(names, states, strict=True)
    )
    first = "the first visible sheet" if ws.sheet_state == "visible" else "a hidden sheet"
    return (f"{label}: read sheet {ws.title!r}, {first} of the workbook's {len(names)} "
            f"({listed}); choose another with --sheet (sheet= in Python)")


def _pick_sheet(wb, sheet: str | None, label: str):  # noqa: ANN001, ANN202 - openpyxl types
    """Return the sheet named ``sheet`` (default: the first visible one), or raise."""
    names = [ws.title for ws in wb.worksheets]
    if sheet is None:
        states = [getattr(ws, "sheet_state", "visible") or "visible" for ws in wb.worksheets]
        visible = [i for i, state in enumerate(states) if state == "visible"]
        pick = visible[0] if visible else 0
        return wb.worksheets[pick]
    if sheet in names:
        return wb.worksheets[names.index(sheet)]
    raise G60InputError(
        [
            Problem(
                label, None, None,
                f"workbook has no sheet {sheet!r} (its sheets: {', '.join(map(repr, names))})",
            )
        ]
    )


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(ws) -> bool:  # noqa: ANN001 - openpyxl ReadOnlyWorksheet
    """Return whether the sheet's XML has a formula element (a fast byte scan)."""
    try:
        source = ws._get_source()  # the sheet's XML in the zip archive
    except AttributeError:  # pragma: no cover - another openpyxl: check cell by cell
        return True
    tail = b""
    with source:
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_rows(path: Path, ws, stack: contextlib.ExitStack) -> Iterator[tuple]:  # noqa: ANN001
    """Rows of cells of the same sheet read with formulas (to find those never saved)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    stack.callback(wb.close)
    other = wb.worksheets[[w.title for w in wb.worksheets].index(ws.title)]
    other.reset_dimensions()
    rows = other.iter_rows(min_row=1, min_col=1)
    stack.callback(rows.close)  # before the workbook: an unfinished row stream holds the file
    return rows


def _unsaved_formulas(
    cells: tuple, values: tuple, title: str, row: int, header: list[str] | None, label: str
) -> list[Problem]:
    """One problem per formula cell of a row that has no saved value."""
    problems = []
    for cell in cells:
        if getattr(cell, "data_type", None) != "f":
            continue
        j = cell.column - 1
        if j < len(values) and values[j] is not None:
            continue
        column = header[j] if header and j < len(header) else None
        problems.append(
            Problem(
                label,
                row,
                column,
                f"cell {title}!{cell.coordinate} holds the formula {_shorten(str(cell.value))!r} "
                "but no saved value (open the workbook in Excel or LibreOffice and save it, "
                "or paste the values instead of the formula)",
                "formula without a saved value",
            )
        )
    return problems


def _xlsx_cells(row: tuple[object, ...]) -> list[str]:
    """Return a sheet row as text, without the empty cells at its end."""
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return ["" if v is None else str(v) for v in row[:end]]


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _brief(exc: BaseException) -> str:
    """Return ``Type: message`` of an exception, on one line and at most 200 characters."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return _shorten(" ".join(text.split()), 200)
