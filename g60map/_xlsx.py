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
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.parsers import expat

from . import settings
from ._errors import G60InputError, Problem

__all__ = [
    "CFB_MAGIC",
    "sniff_workbook",
    "check_xlsx_parts",
    "check_shared_strings",
    "check_sheet_xml",
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


def _inflate(zf: zipfile.ZipFile, name: str, label: str) -> Iterator[bytes]:
    """Yield the inflated bytes of a part, refusing more than ``MAX_XLSX_PART_BYTES``."""
    limit = settings.MAX_XLSX_PART_BYTES
    token_limit = 10 * settings.MAX_CELL_CHARS + (1 << 16)
    total = 0
    gap = 0  # bytes since the last "<": what a parser must hold to read one tag
    with zf.open(name) as part:
        while chunk := part.read(_CHUNK):
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


def check_shared_strings(zf: zipfile.ZipFile, name: str, label: str) -> None:
    """Stream the shared-strings part, within the per-string and whole-table limits.

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
        A string longer than :data:`g60map.settings.MAX_CELL_CHARS`, more strings than
        :data:`g60map.settings.MAX_SHARED_STRINGS` or more characters in all than
        :data:`g60map.settings.MAX_SHARED_STRINGS_CHARS`.
    """
    cell_limit = settings.MAX_CELL_CHARS
    count_limit = settings.MAX_SHARED_STRINGS
    chars_limit = settings.MAX_SHARED_STRINGS_CHARS
    state = {"n": 0, "chars": 0, "total": 0, "in_t": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            state["n"] += 1
            state["chars"] = 0
            if state["n"] > count_limit:
                raise _error(
                    label,
                    f"the workbook's shared-strings table has more than {count_limit:,} "
                    "strings: save the table as CSV, or "
                    + _raise_by("MAX_SHARED_STRINGS", "G60MAP_MAX_SHARED_STRINGS",
                                str(4 * count_limit)),
                )
        elif local == "t":
            state["in_t"] += 1

    def end(tag: str) -> None:
        if _local(tag) == "t":
            state["in_t"] -= 1

    def text(data: str) -> None:
        if not state["in_t"]:
            return
        state["chars"] += len(data)
        state["total"] += len(data)
        if state["chars"] > cell_limit:
            raise _error(
                label,
                f"shared string number {state['n']:,} of the workbook is longer than "
                f"{cell_limit:,} characters (the most a cell can hold in Excel): shorten the "
                "cell, or "
                + _raise_by("MAX_CELL_CHARS", "G60MAP_MAX_CELL_CHARS", str(4 * cell_limit)),
            )
        if state["total"] > chars_limit:
            raise _error(
                label,
                f"the workbook's shared strings hold more than {chars_limit:,} characters "
                "in all: save the table as CSV, or "
                + _raise_by("MAX_SHARED_STRINGS_CHARS", "G60MAP_MAX_SHARED_STRINGS_CHARS",
                            str(4 * chars_limit)),
            )

    _parse(zf, name, label, start, end, text)


def _column_letter(n: int) -> str:
    letters = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def check_sheet_xml(zf: zipfile.ZipFile, name: str, title: str, label: str) -> None:
    """Stream a sheet's XML, within the cells-per-row, cell-length and row-number limits.

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
        A row with more cells than :data:`g60map.settings.MAX_COLUMNS` (stopped at the
        first cell past it, before the row is built), a cell value longer than
        :data:`g60map.settings.MAX_CELL_CHARS` characters, or a row number past Excel's
        last row.
    """
    cell_limit = settings.MAX_CELL_CHARS
    col_limit = settings.MAX_COLUMNS
    state = {"row": 0, "cells": 0, "chars": 0, "text": 0, "ref": "", "seen": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "c":
            state["cells"] += 1
            state["chars"] = 0
            state["ref"] = attrs.get("r", "")
            if state["cells"] > col_limit:
                what = (f"the header (row {state['row']:,} of sheet {title!r}) has more than "
                        f"{col_limit:,} columns, the limit" if not state["seen"] else
                        f"row {state['row']:,} of sheet {title!r} has more than {col_limit:,} "
                        "cells (the limit of columns)")
                raise _error(
                    label,
                    f"{what}: delete the cells you do not need, or "
                    + _raise_by("MAX_COLUMNS", "G60MAP_MAX_COLUMNS", str(4 * col_limit)),
                    state["row"],
                )
        elif local in ("v", "is"):
            state["text"] += 1
        elif local == "row":
            number = attrs.get("r")
            try:
                state["row"] = int(float(number)) if number else state["row"] + 1
            except ValueError:
                state["row"] += 1
            if state["row"] > EXCEL_MAX_ROWS:
                raise _error(
                    label,
                    f"sheet {title!r} has a row numbered {state['row']:,}, past the last row "
                    f"a sheet can have ({EXCEL_MAX_ROWS:,}): the workbook is damaged, save "
                    "it again from Excel or LibreOffice",
                )
            state["cells"] = 0

    def end(tag: str) -> None:
        local = _local(tag)
        if local in ("v", "is"):
            state["text"] -= 1
        elif local == "row" and state["cells"]:
            state["seen"] = 1  # a row with cells: the header

    def text(data: str) -> None:
        if not state["text"]:
            return
        state["chars"] += len(data)
        if state["chars"] > cell_limit:
            where = state["ref"] or f"{_column_letter(state['cells'])}{state['row']}"
            raise _error(
                label,
                f"cell {title}!{where} holds more than {cell_limit:,} characters (the most a "
                "cell can hold in Excel): shorten the cell, or "
                + _raise_by("MAX_CELL_CHARS", "G60MAP_MAX_CELL_CHARS", str(4 * cell_limit)),
                state["row"],
            )

    _parse(zf, name, label, start, end, text)


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
