"""Workbooks that are not what they seem, and .xlsx bombs read within bounded memory.

The bombs are built here with :mod:`zipfile` (deflate makes gigabytes of XML a few KB or
MB) and read in a child process whose address space is capped with ``RLIMIT_AS``: the
reader must stop with exit status 1 and a message naming the limit, quickly.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pytest

from g60map import G60InputError, G60Warning, settings
from g60map.ingest._xlsx import CFB_MAGIC
from g60map.ingest.read import read_table

_MEMORY = 1536 << 20  # address space of the child process: 1.5 GiB

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)


def _workbook(path: Path, sheet: Iterable[bytes], strings: list[bytes] | None = None) -> Path:
    """Write a minimal .xlsx whose sheet and shared-strings XML are streamed from chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet),
                             ("xl/sharedStrings.xml", strings or _strings())):
            with zf.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return path


def _sheet(*rows: bytes) -> list[bytes]:
    return [f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode(),
            *rows, b"</sheetData></worksheet>"]


def _strings(*items: bytes) -> list[bytes]:
    return [f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'.encode(), *items, b"</sst>"]


_HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'


def _repeat(piece: bytes, times: int, block: int = 1 << 20) -> Iterable[bytes]:
    """Yield ``piece`` ``times`` times, in blocks of about ``block`` bytes."""
    per = max(1, block // len(piece))
    chunk = piece * per
    for _ in range(times // per):
        yield chunk
    yield piece * (times % per)


def _read_capped(path: Path, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """Validate ``path`` with the CLI in a child process of at most 1.5 GiB address space."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "g60map", "-q", "validate", str(path)],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=300,
        preexec_fn=cap,
    )
    return done, time.perf_counter() - start


# ----------------------------------------------------------------------------- bombs


@pytest.mark.parametrize("cells", [
    2_000_000, pytest.param(20_000_000, marks=pytest.mark.slow)])
def test_row_of_millions_of_empty_cells_stops_at_the_column_limit(tmp_path, cells):
    row = [b'<row r="2">', *_repeat(b"<c/>", cells), b"</row>"]
    path = _workbook(tmp_path / "cells.xlsx", _sheet(_HEADER, *row))
    assert path.stat().st_size < 1_000_000
    done, seconds = _read_capped(path)
    assert done.returncode == 1, done.stderr
    assert (f"{path}:2: row 2 of sheet 'Sheet1' has more than 1,000 cells (the limit of "
            "columns): delete the cells you do not need, or raise g60map.settings.MAX_COLUMNS, "
            "on the command line the environment variable G60MAP_MAX_COLUMNS") in done.stderr
    assert seconds < 30


def test_header_row_too_wide_is_refused_while_streaming(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_COLUMNS", 10)
    cells = b"".join(b'<c t="inlineStr"><is><t>c%d</t></is></c>' % i for i in range(11))
    path = _workbook(tmp_path / "wide.xlsx", _sheet(b"<row>" + cells + b"</row>"))
    with pytest.raises(G60InputError, match=r"wide\.xlsx:1: the header \(row 1 of sheet "
                       r"'Sheet1'\) has more than 10 columns, the limit: delete the cells"):
        read_table(path)


def test_cell_longer_than_excel_allows_names_the_cell(tmp_path, monkeypatch):
    text = b"x" * 32_768
    path = _workbook(tmp_path / "long.xlsx", _sheet(
        _HEADER, b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"))
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert str(err.value) == (
        f"{path}:2: cell Sheet1!A2 holds more than 32,767 characters (the most a cell can hold "
        "in Excel): shorten the cell, or raise g60map.settings.MAX_CELL_CHARS, on the command "
        "line the environment variable G60MAP_MAX_CELL_CHARS (e.g. G60MAP_MAX_CELL_CHARS=131068)"
    )
    monkeypatch.setattr(settings, "MAX_CELL_CHARS", 40_000)
    assert len(read_table(path).loc[2, "name"]) == 32_768


def test_a_cell_of_32767_chinese_characters_is_read(tmp_path):
    text = ("企" * 32_767).encode()
    path = _workbook(tmp_path / "cjk.xlsx", _sheet(
        _HEADER, b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
        _strings(b"<si><t>" + text + b"</t></si>"))
    assert read_table(path).loc[2, "name"] == "企" * 32_767


@pytest.mark.parametrize("runs", [4, 100])
def test_shared_string_longer_than_excel_allows(tmp_path, runs):
    """Short runs of rich text making one long string: counted whole, read or not."""
    text = b"".join(b"<r><t>" + b"y" * 10_000 + b"</t></r>" for _ in range(runs))
    path = _workbook(tmp_path / "sst.xlsx", _sheet(
        _HEADER, b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'),
        _strings(b"<si><t>a</t></si><si>" + text + b"</si>"))
    where = "cell Sheet1!A2" if runs == 4 else "shared string number 2 of the workbook"
    with pytest.raises(G60InputError, match=rf"sst\.xlsx(:2)?: {where} holds more than 32,767 "
                       r"characters \(the most a cell can hold in Excel\): .*CELL_CHARS=131068"):
        read_table(path)


def test_shared_strings_count_and_total_limits(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "many.xlsx", _sheet(
        _HEADER, b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
        _strings(*[b"<si><t>s%d</t></si>" % i for i in range(200)]))
    assert read_table(path).loc[2, "name"] == "s0"
    monkeypatch.setattr(settings, "MAX_SHARED_STRINGS", 100)
    with pytest.raises(G60InputError, match=r"shared-strings table has more than 100 strings: "
                       r"save the table as CSV, or raise g60map.settings.MAX_SHARED_STRINGS"):
        read_table(path)
    monkeypatch.setattr(settings, "MAX_SHARED_STRINGS", 1000)
    monkeypatch.setattr(settings, "MAX_SHARED_STRINGS_BYTES", 3000)
    with pytest.raises(G60InputError, match=r"shared strings take more than 3,000 bytes of XML "
                       r"\(they are kept in memory while the sheet is read\): save the table as "
                       r"CSV, or raise .*G60MAP_MAX_SHARED_STRINGS_BYTES"):
        read_table(path)


def test_part_inflating_past_the_limit_is_refused_as_it_inflates(tmp_path):
    path = _workbook(tmp_path / "big.xlsx", _sheet(_HEADER, *_repeat(b"<!-- -->", 400_000)))
    assert path.stat().st_size < 1_000_000
    done, _ = _read_capped(path, G60MAP_MAX_XLSX_PART_BYTES="2000000")
    assert done.returncode == 1, done.stderr
    assert (f"{path}: part 'xl/worksheets/sheet1.xml' of the workbook inflates to more than "
            "2,000,000 bytes of XML") in done.stderr
    assert "G60MAP_MAX_XLSX_PART_BYTES" in done.stderr
    ok, _ = _read_capped(path, G60MAP_MAX_XLSX_PART_BYTES="4000000")
    assert ok.returncode == 1 and "header but no data rows" in ok.stderr, ok.stderr


def test_declared_sizes_are_not_trusted(tmp_path, monkeypatch):
    """A zip whose directory claims a tiny part is still counted as it inflates."""
    path = _workbook(tmp_path / "lie.xlsx", _sheet(_HEADER, *_repeat(b"<!-- -->", 400_000)))
    monkeypatch.setattr(settings, "MAX_XLSX_PART_BYTES", 2_000_000)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 2_000_000
    # the ZIP64 extra field of the central directory holds the real size: claim 100 bytes
    real = info.file_size.to_bytes(8, "little")
    at = data.rfind(real)
    data[at:at + 8] = (100).to_bytes(8, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(G60InputError, match="lie.xlsx: "):
        read_table(path)


def test_tag_longer_than_any_cell_is_refused(tmp_path):
    path = _workbook(tmp_path / "tag.xlsx", _sheet(
        _HEADER, b'<row r="2" x="' + b"a" * 1_000_000 + b'"/>'))
    with pytest.raises(G60InputError, match=r"tag\.xlsx: part 'xl/worksheets/sheet1.xml' of the "
                       r"workbook holds one XML tag or text of more than 393,206 bytes"):
        read_table(path)


def test_row_numbered_past_excel_is_refused(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", _sheet(
        _HEADER, b'<row r="2000000000"><c t="inlineStr"><is><t>x</t></is></c></row>'))
    with pytest.raises(G60InputError, match=r"a row numbered 2,000,000,000, past the last row"):
        read_table(path)


def test_many_empty_rows_are_counted_not_kept(tmp_path):
    rows = _repeat(b"<row/>", 50_000)
    last = b'<row r="50002"><c t="inlineStr"><is><t>A</t></is></c></row>'
    path = _workbook(tmp_path / "rows.xlsx", _sheet(_HEADER, *rows, last))
    df = read_table(path)
    assert df.shape == (50_001, 1) and df.loc[50_002, "name"] == "A"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["cell", "shared"])
def test_one_gigabyte_cell_fails_cleanly_in_bounded_memory(tmp_path, kind):
    text = _repeat(b"z", 1 << 30, 1 << 24)
    if kind == "cell":
        sheet = _sheet(_HEADER, b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *text,
                       b"</t></is></c></row>")
        strings: list[bytes] | None = None
    else:
        sheet = _sheet(_HEADER, b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
        strings = _strings(b"<si><t>", *text, b"</t></si>")
    path = _workbook(tmp_path / f"{kind}.xlsx", sheet, strings)
    assert path.stat().st_size < 10_000_000
    done, seconds = _read_capped(path)
    assert done.returncode == 1, done.stderr
    assert "than 32,767 characters" in done.stderr or "393,206 bytes" in done.stderr
    assert seconds < 60


@pytest.mark.slow
def test_four_gigabytes_of_sheet_xml_fail_cleanly_in_bounded_memory(tmp_path):
    row = b'<row><c t="inlineStr"><is><t>abc</t></is></c></row>'
    path = _workbook(tmp_path / "4g.xlsx", _sheet(_HEADER, *_repeat(row, (4 << 30) // len(row),
                                                                     1 << 24)))
    done, seconds = _read_capped(path)
    assert done.returncode == 1, done.stderr
    assert "inflates to more than 1,073,741,824 bytes of XML" in done.stderr
    assert seconds < 120


# ------------------------------------------------------------------------ hidden sheets


def test_hidden_first_sheet_is_skipped_and_named(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "old"
    wb.active.append(["x"])
    wb.active.append(["stale"])
    wb.active.sheet_state = "hidden"
    data = wb.create_sheet("Partners")
    data.append(["name", "city"])
    data.append(["Acme", "Hefei"])
    wb.create_sheet("notes").append(["n"])
    wb.active = 1
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    with pytest.warns(G60Warning) as caught:
        df = read_table(path)
    assert df.columns.tolist() == ["name", "city"] and df.loc[2, "name"] == "Acme"
    assert str(caught[0].message) == (
        f"{path}: read sheet 'Partners', the first visible sheet of the workbook's 3 ('old' "
        "(hidden), 'Partners', 'notes'); choose another with --sheet (sheet= in Python)"
    )
    assert read_table(path, sheet="old").columns.tolist() == ["x"]  # chosen: no note


def test_one_sheet_workbook_reads_without_a_note(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["name"])
    wb.active.append(["A"])
    wb.save(tmp_path / "one.xlsx")
    assert read_table(tmp_path / "one.xlsx").shape == (1, 1)  # filterwarnings=error


# -------------------------------------------------------------------------- mislabels


def _cfb(stream: str) -> bytes:
    """A compound-file header and a directory sector naming one stream (enough to detect)."""
    header = CFB_MAGIC + bytes(504)
    entry = stream.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    return header + entry * 4


def test_real_xls_says_what_it_is(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(_cfb("Workbook"))
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert str(err.value) == (
        f"{path}: is an Excel 97-2003 .xls workbook, which g60map does not read: open it in "
        "Excel or LibreOffice and save it as .xlsx (Excel Workbook) or CSV UTF-8"
    )
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(_cfb("Workbook"))
    with pytest.raises(G60InputError, match=r"renamed\.xlsx: is an Excel 97-2003 \.xls"):
        read_table(renamed)


@pytest.mark.parametrize("name", ["locked.xlsx", "locked.xls", "locked.csv"])
def test_password_protected_workbook(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(_cfb("EncryptedPackage"))
    with pytest.raises(G60InputError, match=r"is a password-protected \(encrypted\) workbook: "
                       r"open it in Excel, remove the password"):
        read_table(path)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "members", "expected"),
    [
        ("t.xlsx", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<x/>"}, r"is an OpenDocument spreadsheet \(\.ods\)"),
        ("t.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"},
         r"is an OpenDocument spreadsheet \(\.ods\)"),
        ("t.xlsx", {"data/partners.csv": b"name\nA\n"},
         r"is a zip archive that is not a workbook \(it holds 'data/partners\.csv'\): give the "
         r"\.xlsx workbook or CSV file of the table \(if the archive holds one, extract it"),
        ("t.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"},
         r"is a Word document \(\.docx\)"),
        ("t.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"},
         r"is an Excel binary workbook \(\.xlsb\)"),
    ],
)
def test_zip_that_is_not_an_xlsx(tmp_path, name, members, expected):
    path = _zip(tmp_path / name, members)
    with pytest.raises(G60InputError, match=expected):
        read_table(path)


def test_xlsx_named_csv_says_rename(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["name"])
    wb.save(tmp_path / "t.csv")
    with pytest.raises(G60InputError, match=r"t\.csv: is an \.xlsx workbook \(a zip file\) with "
                       r"another name: rename it to end in \.xlsx"):
        read_table(tmp_path / "t.csv")


@pytest.mark.parametrize(
    "head",
    [b"<html><body><table><tr><td>name</td></tr></table>",
     b'\xef\xbb\xbf<table border="1"><tr><td>name</td></tr></table>',
     b'<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.0//EN"><html>'],
)
@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_html_table_saved_as_xls(tmp_path, head, suffix):
    path = tmp_path / f"registry{suffix}"
    path.write_bytes(head)
    with pytest.raises(G60InputError, match=r"is a web page \(HTML table\) saved with a "
                       r"spreadsheet name, not a workbook, as some registries export: open it"):
        read_table(path)


def test_excel_2003_xml_spreadsheet(tmp_path):
    path = tmp_path / "x.xls"
    path.write_bytes(b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                     b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">')
    with pytest.raises(G60InputError, match=r"is an Excel 2003 XML spreadsheet"):
        read_table(path)


def test_text_named_xlsx_says_it_is_not_a_zip(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("name,city\nA,Hefei\n", encoding="utf-8")
    with pytest.raises(G60InputError, match=r"is not an \.xlsx workbook \(an \.xlsx file is a "
                       r"zip archive, this one starts with b'name,cit'\): if it is a CSV text "
                       r"file rename it to \.csv"):
        read_table(path)


def test_csv_text_named_xls_is_still_read(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("name,city\nA,Hefei\n", encoding="utf-8")
    assert read_table(path).loc[2, "city"] == "Hefei"


def test_csv_starting_with_pk_is_not_a_zip(tmp_path):
    path = tmp_path / "pk.csv"
    path.write_text("PKID,name\n1,A\n", encoding="utf-8")
    assert read_table(path).loc[2, "name"] == "A"


def test_a_damaged_deflate_stream_is_an_input_error(tmp_path):
    """Bytes flipped inside a sheet's compressed data: a clear error, not zlib's."""
    path = _workbook(tmp_path / "t.xlsx", _sheet(*[
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>name %d</t></is></c></row>' % (i, i, i)
        for i in range(1, 400)
    ]))
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 20, start + info.compress_size - 20, 7):
        raw[k] ^= 0xA5
    path.write_bytes(bytes(raw))
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert "t.xlsx" in str(err.value)
    assert "damaged" in str(err.value) or "corrupt" in str(err.value).lower()
