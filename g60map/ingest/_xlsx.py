"""What a workbook file is, and limits checked on an .xlsx file's XML as it is inflated.

A few KB of zip can inflate to gigabytes of XML (one row of twenty million empty cells,
one cell of a billion characters), and the XML parsers behind openpyxl keep a whole row,
element or text in memory. Before openpyxl reads a workbook, :func:`check_xlsx_parts`
inflates every XML part once, counting the bytes that really come out (the sizes a zip
declares can lie) and the longest run of bytes without a ``<`` (what an XML parser must
hold at once to read one tag); :func:`check_sheet_xml` and :func:`check_shared_strings`
then stream the parts openpyxl keeps (the shared strings) or reads row by row (the
sheet) through expat, counting cells per row and characters per cell as they come.
Every limit is in :mod:`g60map.settings`; a hit is a :class:`G60InputError` naming the
file, the sheet, row and cell where known, the limit and the environment variable that
raises it.

:func:`sniff_workbook` names what a file that is not an .xlsx workbook really is (an
Excel 97-2003 ``.xls``, a password-protected workbook, an OpenDocument spreadsheet, an
HTML table saved as ``.xls``, a zip of something else), so the message says what to do.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

from .. import settings
from .._errors import G60InputError, Problem

__all__ = [
    "CFB_MAGIC",
    "sniff_workbook",
    "check_xlsx_parts",
    "check_shared_strings",
    "check_sheet_xml",
    "check_cell_text",
    "check_workbook",
    "EXCEL_MAX_ROWS",
]

#: First bytes of an OLE2 compound file: Excel 97-2003 workbooks and encrypted .xlsx files.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Most rows a sheet can have in Excel (and in the Office Open XML format).
EXCEL_MAX_ROWS = 1_048_576

_CHUNK = 1 << 16
_XML_PART = re.compile(r"\.(?:xml|rels|vml)$", re.IGNORECASE)
_SAVE_AS = "save it as .xlsx (Excel Workbook) or CSV UTF-8"
_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<table|<head|<body|<meta|<style)", re.I)
_SPREADSHEET_2003 = re.compile(rb"^\s*<\?xml[^>]*>\s*(?:<\?mso-application[^>]*>\s*)?<"
                               rb"(?:[\w.-]+:)?Workbook", re.I)


def _error(label: str, text: str, row: int | None = None) -> G60InputError:
    return G60InputError([Problem(label, row, None, text)])


def _raise_by(setting: str, env: str, example: str) -> str:
    return (f"raise g60map.settings.{setting}, on the command line the environment variable "
            f"{env} (e.g. {env}={example})")


def sniff_workbook(path: Path, label: str, *, xlsx: bool) -> None:
    """Raise with a clear message if a file is a workbook format g60map cannot read.

    Parameters
    ----------
    path : pathlib.Path
        A checked regular file.
    label : str
        File name for errors.
    xlsx : bool
        The file is named ``.xlsx``/``.xlsm``: anything but an Office Open XML zip is
        refused. Otherwise (a file read as CSV, e.g. ``.xls`` or ``.csv``) only binary
        workbooks and HTML tables are refused; text is left to the CSV reader.

    Raises
    ------
    G60InputError
        An Excel 97-2003 workbook, a password-protected workbook, an OpenDocument
        spreadsheet, an HTML or XML-2003 table, a zip that is not a workbook, or (for
        ``xlsx``) a file that is not a zip at all.
    """
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(CFB_MAGIC):
        raise _error(label, _cfb_kind(path))
    if head.startswith(b"PK"):
        _check_zip_kind(path, label)
        if not xlsx:
            raise _error(label, "is an .xlsx workbook (a zip file) with another name: rename it "
                                "to end in .xlsx")
        return
    text = head.lstrip(b"\xef\xbb\xbf")
    if _HTML.match(text):
        raise _error(label, "is a web page (HTML table) saved with a spreadsheet name, not a "
                            "workbook, as some registries export: open it in Excel or "
                            f"LibreOffice and {_SAVE_AS}")
    if _SPREADSHEET_2003.match(text):
        raise _error(label, "is an Excel 2003 XML spreadsheet, not an .xlsx workbook: open it in "
                            f"Excel or LibreOffice and {_SAVE_AS}")
    if xlsx:
        if not head:
            raise _error(label, "file is empty (save the workbook again from Excel or LibreOffice)")
        raise _error(label, "is not an .xlsx workbook (an .xlsx file is a zip archive, this one "
                            f"starts with {head[:8]!r}): if it is a CSV text file rename it to "
                            f".csv, else open it in Excel or LibreOffice and {_SAVE_AS}")


def _cfb_kind(path: Path) -> str:
    """Describe an OLE2 compound file: an encrypted .xlsx, or an Excel 97-2003 workbook."""
    with open(path, "rb") as fh:
        data = fh.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ("is a password-protected (encrypted) workbook: open it in Excel, remove the "
                "password (File > Info > Protect Workbook > Encrypt with Password, clear it) "
                "and save it as .xlsx, or save a copy as CSV UTF-8")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        kind = "an Excel 97-2003 .xls workbook"
    else:
        kind = "an OLE2 compound file (an old Office format such as an Excel 97-2003 .xls)"
    return (f"is {kind}, which g60map does not read: open it in Excel or LibreOffice and "
            f"{_SAVE_AS}")


def _check_zip_kind(path: Path, label: str) -> None:
    """Raise unless a zip file holds an Office Open XML workbook."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _error(label, f"is a damaged zip file, not a readable .xlsx workbook ({exc}): save "
                            "the workbook again from Excel or LibreOffice") from None
    if b"opendocument.spreadsheet" in mimetype:
        raise _error(label, "is an OpenDocument spreadsheet (.ods), not an .xlsx workbook: open "
                            f"it in LibreOffice or Excel and {_SAVE_AS}")
    lower = {n.lower() for n in names}
    if "xl/workbook.xml" in lower or "xl/workbook.bin" in lower:
        if "xl/workbook.bin" in lower and "xl/workbook.xml" not in lower:
            raise _error(label, "is an Excel binary workbook (.xlsb): open it in Excel and "
                                f"{_SAVE_AS}")
        return
    if "[content_types].xml" in lower and any(n.startswith("word/") for n in lower):
        kind = "a Word document (.docx)"
    elif "[content_types].xml" in lower and any(n.startswith("ppt/") for n in lower):
        kind = "a PowerPoint presentation (.pptx)"
    elif b"opendocument" in mimetype:
        kind = "an OpenDocument file that is not a spreadsheet"
    else:
        shown = ", ".join(repr(n) for n in names[:5]) + (", ..." if len(names) > 5 else "")
        kind = f"a zip archive that is not a workbook (it holds {shown or 'nothing'})"
    raise _error(label, f"is {kind}: give the .xlsx workbook or CSV file of the table (if the "
                        "archive holds one, extract it first)")


def _read_part(part: IO[bytes], name: str, label: str) -> bytes:
    """Read the next chunk of a zip part; a damaged deflate stream is the file's fault."""
    try:
        return part.read(_CHUNK)
    except (zlib.error, zipfile.BadZipFile, EOFError) as exc:
        raise _error(label, f"part {name!r} of the workbook is damaged ({exc}): open the file "
                            "in Excel or LibreOffice and save it again, or save it as CSV") from exc


def _inflate(zf: zipfile.ZipFile, name: str, label: str) -> Iterator[bytes]:
    """Yield the inflated bytes of a part, refusing more than ``MAX_XLSX_PART_BYTES``."""
    limit = settings.MAX_XLSX_PART_BYTES
    token_limit = 10 * settings.MAX_CELL_CHARS + (1 << 16)
    total = 0
    gap = 0  # bytes since the last "<": what a parser must hold to read one tag
    with zf.open(name) as part:
        while chunk := _read_part(part, name, label):
            total += len(chunk)
            if total > limit:
                raise _error(
                    label,
                    f"part {name!r} of the workbook inflates to more than {limit:,} bytes of "
                    "XML (a damaged or hostile file, or a very large sheet): split the table, "
                    "save it as CSV, or "
                    + _raise_by("MAX_XLSX_PART_BYTES", "G60MAP_MAX_XLSX_PART_BYTES",
                                str(4 * limit)),
                )
            last = chunk.rfind(b"<")
            gap = gap + len(chunk) if last < 0 else len(chunk) - last - 1
            if gap > token_limit:
                raise _error(
                    label,
                    f"part {name!r} of the workbook holds one XML tag or text of more than "
                    f"{token_limit:,} bytes, longer than a cell can be (at most "
                    f"{settings.MAX_CELL_CHARS:,} characters, as in Excel): save the workbook "
                    "again from Excel or LibreOffice, or "
                    + _raise_by("MAX_CELL_CHARS", "G60MAP_MAX_CELL_CHARS",
                                str(4 * settings.MAX_CELL_CHARS)),
                )
            yield chunk


def check_xlsx_parts(zf: zipfile.ZipFile, label: str) -> None:
    """Inflate every XML part of a workbook once, within the size and tag-length limits.

    Parameters
    ----------
    zf : zipfile.ZipFile
        The open workbook.
    label : str
        File name for errors.

    Raises
    ------
    G60InputError
        A part inflating to more than :data:`g60map.settings.MAX_XLSX_PART_BYTES`, or
        holding a tag or text far longer than :data:`g60map.settings.MAX_CELL_CHARS`.
    """
    for info in zf.infolist():
        if _XML_PART.search(info.filename):
            for _ in _inflate(zf, info.filename, label):
                pass


def _local(name: str) -> str:
    return name[name.find(":") + 1:]


def _parse(zf: zipfile.ZipFile, name: str, label: str, start: Callable, end: Callable,
           text: Callable) -> None:
    """Stream a part through expat with the given handlers (text in pieces, never whole)."""
    parser = expat.ParserCreate()
    parser.buffer_text = False
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        for chunk in _inflate(zf, name, label):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _error(label, f"part {name!r} of the workbook is not well-formed XML ({exc}): save "
                            "the workbook again from Excel or LibreOffice") from None


def _blocks(zf: zipfile.ZipFile, name: str, label: str) -> Iterator[bytes]:
    """Yield a part's XML in blocks that each end just before a ``<`` (no tag is cut)."""
    carry = b""
    for chunk in _inflate(zf, name, label):
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    yield carry


def _prefix(zf: zipfile.ZipFile, name: str, root: bytes) -> bytes:
    """Return the namespace prefix of a part's root element (``b""`` or e.g. ``b"x:"``)."""
    with zf.open(name) as part:
        head = part.read(4096)
    match = re.search(rb"<([A-Za-z_][\w.-]*:)?" + root + rb"[\s>/]", head)
    return (match.group(1) or b"") if match else b""


def _cell_bytes() -> int:
    """Most bytes of XML one cell or shared string may take (a character may take 10)."""
    return 16 * settings.MAX_CELL_CHARS + (1 << 16)


def _column_letter(n: int) -> str:
    letters = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _too_long(label: str, what: str, row: int | None = None) -> G60InputError:
    limit = settings.MAX_CELL_CHARS
    return _error(
        label,
        f"{what} holds more than {limit:,} characters (the most a cell can hold in Excel): "
        "shorten the cell, or "
        + _raise_by("MAX_CELL_CHARS", "G60MAP_MAX_CELL_CHARS", str(4 * limit)),
        row,
    )


def check_cell_text(cells: list[str], title: str, row: int, label: str) -> None:
    """Raise if a cell of a row read from a sheet is longer than ``MAX_CELL_CHARS``.

    Parameters
    ----------
    cells : list of str
        The row's cells, from column A.
    title : str
        The sheet's name.
    row : int
        The row number.
    label : str
        File name for errors.
    """
    limit = settings.MAX_CELL_CHARS
    if cells and max(map(len, cells)) > limit:
        j = next(i for i, c in enumerate(cells) if len(c) > limit)
        raise _too_long(label, f"cell {title}!{_column_letter(j + 1)}{row}", row)


def check_shared_strings(zf: zipfile.ZipFile, name: str, label: str) -> None:
    """Stream the shared-strings part, within the per-string and whole-table limits.

    Each string's XML must fit in what :data:`g60map.settings.MAX_CELL_CHARS`
    characters can take (the exact count is checked on each cell as the sheet is read).

    Parameters
    ----------
    zf : zipfile.ZipFile
        The open workbook.
    name : str
        The part's name in the zip (``xl/sharedStrings.xml``).
    label : str
        File name for errors.

    Raises
    ------
    G60InputError
        A string far longer than :data:`g60map.settings.MAX_CELL_CHARS`, more strings than
        :data:`g60map.settings.MAX_SHARED_STRINGS` or more bytes of XML than
        :data:`g60map.settings.MAX_SHARED_STRINGS_BYTES`.
    """
    count_limit = settings.MAX_SHARED_STRINGS
    bytes_limit = settings.MAX_SHARED_STRINGS_BYTES
    longest = _cell_bytes()
    tag = re.compile(rb"<" + re.escape(_prefix(zf, name, b"sst")) + rb"si(?=[\s>/])")
    count = 0
    total = 0
    current = 0  # bytes of the string being read
    for block in _blocks(zf, name, label):
        total += len(block)
        if total > bytes_limit:
            raise _error(
                label,
                f"the workbook's shared strings take more than {bytes_limit:,} bytes of XML "
                "(they are kept in memory while the sheet is read): save the table as CSV, or "
                + _raise_by("MAX_SHARED_STRINGS_BYTES", "G60MAP_MAX_SHARED_STRINGS_BYTES",
                            str(4 * bytes_limit)),
            )
        parts = tag.split(block)
        count += len(parts) - 1
        if count > count_limit:
            raise _error(
                label,
                f"the workbook's shared-strings table has more than {count_limit:,} strings: "
                "save the table as CSV, or "
                + _raise_by("MAX_SHARED_STRINGS", "G60MAP_MAX_SHARED_STRINGS",
                            str(4 * count_limit)),
            )
        first = current + len(parts[0])
        current = len(parts[-1]) if len(parts) > 1 else first
        if max(first, max(map(len, parts[1:]), default=0)) > longest:
            before = count - (len(parts) - 1)  # strings begun before this block
            number = before if first > longest else before + next(
                i for i, p in enumerate(parts[1:], 1) if len(p) > longest)
            raise _too_long(label, f"shared string number {max(number, 1):,} of the workbook")


_ROW_NUMBER = re.compile(rb"[^>]*?\sr\s*=\s*[\"']\s*(\d+)")


def check_sheet_xml(zf: zipfile.ZipFile, name: str, title: str, label: str) -> None:
    """Stream a sheet's XML, within the cells-per-row, cell-size and row-number limits.

    The XML is scanned as bytes (no parser builds a row): the cells of each row are
    counted and refused at the first past :data:`g60map.settings.MAX_COLUMNS`; a cell's
    XML must fit in what :data:`g60map.settings.MAX_CELL_CHARS` characters can take (the
    exact count is checked on each cell as the rows are read).

    Parameters
    ----------
    zf : zipfile.ZipFile
        The open workbook.
    name : str
        The sheet's part in the zip (``xl/worksheets/sheet1.xml``).
    title : str
        The sheet's name, for errors.
    label : str
        File name for errors.

    Raises
    ------
    G60InputError
        A row with more cells than :data:`g60map.settings.MAX_COLUMNS`, a cell far longer
        than :data:`g60map.settings.MAX_CELL_CHARS` characters, or a row number past
        Excel's last row.
    """
    col_limit = settings.MAX_COLUMNS
    longest = _cell_bytes()
    prefix = re.escape(_prefix(zf, name, b"worksheet"))
    row_tag = re.compile(rb"<" + prefix + rb"row(?=[\s>/])")
    cell_tag = re.compile(rb"<" + prefix + rb"c(?=[\s>/])")
    row_end = b"</" + _prefix(zf, name, b"worksheet") + b"row>"
    row = 0
    cells = 0
    seen = False  # a row with cells (the header) was read
    current = 0  # bytes of the cell being read
    in_row = False
    for block in _blocks(zf, name, label):
        for k, piece in enumerate(row_tag.split(block)):
            if k:  # a new row starts
                seen = seen or cells > 0
                number = _ROW_NUMBER.match(piece)
                row = int(number.group(1)) if number else row + 1
                if row > EXCEL_MAX_ROWS:
                    raise _error(
                        label,
                        f"sheet {title!r} has a row numbered {row:,}, past the last row a "
                        f"sheet can have ({EXCEL_MAX_ROWS:,}): the workbook is damaged, save "
                        "it again from Excel or LibreOffice",
                    )
                cells = 0
                current = 0
            parts = cell_tag.split(piece)
            cells += len(parts) - 1
            if cells > col_limit:
                what = (f"the header (row {row:,} of sheet {title!r}) has more than "
                        f"{col_limit:,} columns, the limit" if not seen else
                        f"row {row:,} of sheet {title!r} has more than {col_limit:,} "
                        "cells (the limit of columns)")
                raise _error(
                    label,
                    f"{what}: delete the cells you do not need, or "
                    + _raise_by("MAX_COLUMNS", "G60MAP_MAX_COLUMNS", str(4 * col_limit)),
                    row,
                )
            if not k and not in_row:
                continue  # between rows (or past the sheet data): in no cell
            in_row = True
            end = parts[-1].find(row_end)  # the row ends: what follows is in no cell
            tail = end if end >= 0 else len(parts[-1])
            if len(parts) > 1:
                size = max(current + len(parts[0]), tail, max(map(len, parts[1:-1]), default=0))
                current = tail
            else:
                size = current = current + tail
            if end >= 0:
                current = 0
                in_row = False
            if size > longest:
                raise _too_long(label, f"a cell of row {row:,} of sheet {title!r}", row)


_SHARED_STRINGS_TYPE = re.compile(
    rb"<(?:[\w.-]+:)?Override\b[^>]*?PartName=\"/?([^\"]+)\"[^>]*?ContentType=\"[^\"]*"
    rb"sharedStrings[^\"]*\"", re.I)


def _open_zip(path: Path, label: str, check: Callable[[zipfile.ZipFile], None]) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            check(zf)
    except G60InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, KeyError, ValueError) as exc:
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise _error(label, f"not a readable .xlsx workbook ({text}): save the workbook again "
                            "from Excel or LibreOffice") from None


def check_workbook(path: Path, label: str) -> None:
    """Check every XML part of an .xlsx file, its sheets and shared strings, before openpyxl.

    Parameters
    ----------
    path : pathlib.Path
        The workbook (an Office Open XML zip, see :func:`sniff_workbook`).
    label : str
        File name for errors.

    Raises
    ------
    G60InputError
        A limit of :func:`check_xlsx_parts`, :func:`check_sheet_xml` or
        :func:`check_shared_strings` is hit, or the zip is damaged.
    """

    def check(zf: zipfile.ZipFile) -> None:
        check_xlsx_parts(zf, label)
        names = {n.lower(): n for n in zf.namelist()}
        # openpyxl looks into every sheet when it opens a workbook (for its dimensions),
        # reading the whole sheet when it has none: each is checked first.
        for part, title in _sheet_parts(zf, names, label).items():
            check_sheet_xml(zf, part, title, label)
        parts = {n for low, n in names.items() if low.endswith("sharedstrings.xml")}
        if "[content_types].xml" in names:
            types = zf.read(names["[content_types].xml"])  # inflated within limits above
            for match in _SHARED_STRINGS_TYPE.finditer(types):
                part = match.group(1).decode("utf-8", "replace")
                if part.lower() in names:
                    parts.add(names[part.lower()])
        for part in sorted(parts):
            check_shared_strings(zf, part, label)

    _open_zip(path, label, check)


def _sheet_parts(zf: zipfile.ZipFile, names: dict[str, str], label: str) -> dict[str, str]:
    """Map each worksheet part of a workbook to its sheet name (the part name if unknown)."""
    titles: dict[str, str] = {}  # relationship id -> sheet name
    targets: dict[str, str] = {}  # relationship id -> part

    def sheet(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            titles[rid] = attrs.get("name", "")

    def relation(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            targets[attrs.get("Id", "")] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )

    for name, handler in (("xl/workbook.xml", sheet), ("xl/_rels/workbook.xml.rels", relation)):
        if name in names:
            _parse(zf, names[name], label, handler, lambda tag: None, lambda data: None)
    parts = {targets[rid].lower(): title for rid, title in titles.items() if rid in targets}
    return {
        original: parts.get(low, original)
        for low, original in sorted(names.items())
        if low.startswith("xl/worksheets/") and low.endswith(".xml")
    }
