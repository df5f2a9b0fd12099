"""Property tests of the loaders: any file ends in a correct read or a G60InputError."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from unittest import mock

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from g60map import G60InputError
from g60map.ingest import _csv as gcsv
from g60map.ingest.read import read_table

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

# Same examples on every run (CI stays deterministic); raise max_examples locally to search
# further.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SUFFIXES = [".csv", ".xlsx", ".parquet"]

HOSTILE = [
    "{{ 7*7 }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% raw %}",
    "{#",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(A1)",
    "<%= 1 %>",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "\x1b[31mred\x1b[0m",
    "Acme, Inc.",
    'say "hi"',
    "line\nbreak",
    "cr\ronly",
    "Zürich",
    "中国移动",
    "NA",
    "null",
    " padded ",
    "",
]


def _cell() -> st.SearchStrategy[str]:
    huge = st.builds(lambda s, n: s * n, st.sampled_from(["x", "{{", "中", "=\x1b"]),
                     st.integers(1_000, 60_000))
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=12),
        st.text(st.characters(codec="utf-8", max_codepoint=0x7F), max_size=8),
        huge,
    )


tables = st.integers(1, 4).flatmap(
    lambda width: st.tuples(
        st.lists(_cell(), min_size=width, max_size=width),
        st.lists(st.lists(_cell(), min_size=width, max_size=width), min_size=1, max_size=5),
    )
)


def _read(path: Path) -> pd.DataFrame | None:
    """Return the table read, or None for a G60InputError (anything else fails the test)."""
    try:
        df = read_table(path)
    except G60InputError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return None
    assert all(isinstance(v, str) for v in df.to_numpy().ravel())
    assert df.index.tolist() == list(range(2, len(df) + 2))
    return df


def _mutations(data: bytes) -> st.SearchStrategy[bytes]:
    """Copies of ``data`` with a few bytes overwritten, cut short or extended."""

    def mutate(edits: list[tuple[int, int]], cut: int, tail: bytes) -> bytes:
        out = bytearray(data) or bytearray(b"\0")
        for pos, value in edits:
            out[pos % len(out)] = value
        return bytes(out[: max(1, len(out) - cut)]) + tail

    return st.builds(
        mutate,
        st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(0, 255)), max_size=6),
        st.integers(0, 64) | st.just(0),
        st.binary(max_size=16),
    )


def _good_bytes(suffix: str) -> bytes:
    header, rows = ["name", "city", "lon"], [["Acme", "Jiaxing", "120.7"], ["Beta", "杭州", ""]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{suffix}"
        _write(path, header, rows)
        return path.read_bytes()


@FUZZ
@given(st.sampled_from(SUFFIXES), st.binary(max_size=3000))
def test_random_bytes(suffix, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"random{suffix}"
        path.write_bytes(data)
        _read(path)


@FUZZ
@given(st.data())
def test_damaged_files(data):
    suffix = data.draw(st.sampled_from(SUFFIXES))
    damaged = data.draw(_mutations(_good_bytes(suffix)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"damaged{suffix}"
        path.write_bytes(damaged)
        _read(path)


# ----------------------------------------------------------------- random small tables


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        buf = io.StringIO()
        csv.writer(buf).writerows([header, *rows])  # CRLF ends, as Excel; CR/LF cells quoted
        path.write_bytes(buf.getvalue().encode("utf-8"))
    elif path.suffix == ".xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        for row in [header, *rows]:
            ws.append(row)
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # openpyxl reads "=..." as a formula: keep text
                    cell.data_type = "s"
        wb.save(path)
    else:
        columns = {f"c{i}": [r[i] for r in rows] for i in range(len(header))}
        table = pa.table(columns).rename_columns(header)
        pq.write_table(table, path)


def _expected_xlsx(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """What the .xlsx reader keeps: trailing empty cells and blank trailing rows dropped."""

    def trim(row: list[str]) -> list[str]:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        return row[:end]

    def written(text: str) -> str:
        # openpyxl cuts strings at 32,767 characters and writes CR raw, which XML parsers
        # read back as LF (Excel itself would write _x000D_).
        return text[:32767].replace("\r\n", "\n").replace("\r", "\n")

    header = [written(h) for h in header]
    rows = [[written(c) for c in r] for r in rows]
    head = trim(header)
    body = [(trim(r)[: len(head)] + [""] * len(head))[: len(head)] for r in rows]
    while body and not any(c.strip() for c in body[-1]):
        body.pop()
    return head, body


_XLSX_ILLEGAL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


@FUZZ
@given(st.sampled_from(SUFFIXES), tables)
def test_random_tables_read_verbatim(suffix, table):
    header, rows = table
    if suffix == ".xlsx" and any(set(c) & _XLSX_ILLEGAL for c in [*header, *sum(rows, [])]):
        suffix = ".csv"  # XML 1.0 cannot hold these characters: openpyxl refuses them
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"table{suffix}"
        _write(path, header, rows)
        df = _read(path)
    if df is None:
        return
    if suffix == ".xlsx":
        header, rows = _expected_xlsx(header, rows)
    assert df.columns.tolist() == [h.strip() for h in header]
    assert df.to_numpy().tolist() == rows


def test_simple_tables_do_read():
    """The property above must not pass by refusing everything."""
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in SUFFIXES:
            path = Path(tmp) / f"ok{suffix}"
            last = ["a", "\x1b"] if suffix != ".xlsx" else ["a", "\t"]
            _write(path, ["name", "note"], [["{{ 7*7 }}", "=cmd|' /C calc'!A0"], last])
            df = read_table(path)
            assert df.to_numpy().tolist() == [["{{ 7*7 }}", "=cmd|' /C calc'!A0"], last]


# ------------------------------------------- Arrow's CSV parser vs pandas' C parser
#
# read_table parses CSV with Arrow and keeps its frame only where pandas' C parser gives
# the same one; everything else (and every file with a problem) goes through pandas,
# whose frames and messages are the reference. These tests compare the two on the
# corners of CSV where the parsers differ, and on generated text.

_CSV_CHARS = st.sampled_from(
    list('ab "\t\r\n,') + ["中", "\0", "\x0b", "\ufeff", "\u3000", "'", "=", "é"]
)


@st.composite
def _csv_cell(draw) -> str:
    text = draw(st.lists(_CSV_CHARS, max_size=6).map("".join))
    mode = draw(st.sampled_from(["plain", "quoted", "quoted", "raw"]))
    if mode == "quoted":
        return '"' + text.replace('"', '""') + '"'
    if mode == "plain":
        return "".join(c for c in text if c not in ',\r\n"')
    return text  # quotes, commas and line breaks where they fall


@st.composite
def _csv_text(draw) -> str:
    """Mostly regular tables: ragged rows, odd line ends, blank lines and BOMs now and then."""
    width = draw(st.integers(1, 4))
    out = []
    if draw(st.booleans()):
        out.append(draw(st.sampled_from(["\ufeff", "\ufeff\ufeff", "\r", "\n", " ", "\r,"])))
    for _ in range(draw(st.integers(1, 6))):
        cells = width + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        out.append(",".join(draw(_csv_cell()) for _ in range(max(cells, 1))))
        out.append(draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\r", "\n\r", "\n \n"])))
    if draw(st.booleans()):
        out.pop()  # no line end after the last record
    return "".join(out)


def _outcome(path: Path) -> tuple:
    try:
        df = read_table(path)
    except G60InputError as exc:
        return ("error", str(exc))
    return ("ok", df.columns.tolist(), df.to_numpy().tolist(), df.dtypes.tolist(),
            df.index.tolist())


def _both_parsers(data: bytes) -> tuple[tuple, tuple]:
    """Return the outcome of read_table as it is, and with pandas' parser only."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(data)
        got = _outcome(path)
        with mock.patch.object(gcsv, "_arrow_csv", return_value=None):
            reference = _outcome(path)
    return got, reference


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_csv_text(), st.sampled_from(["utf-8", "utf-8", "utf-8", "gb18030"]))
def test_arrow_and_c_parser_read_generated_csv_alike(text, encoding):
    got, reference = _both_parsers(text.encode(encoding))
    assert got == reference


@pytest.mark.parametrize(
    "data",
    [
        b'a\n"unterminated',  # EOF inside a quoted cell: an error
        b'a,b\n1,"x""',  # ... after an escaped quote
        b'a\n"',
        b"a,b\n\r,x\n",  # a blank line ended by CR: pandas drops the comma after it
        b"a,b\r\r,x\r",
        b"\r,a,b\n1,2\n",
        b"\xef\xbb\xbf\xef\xbb\xbfa,b\n1,2\n",  # two byte-order marks: pandas drops both
        b"a\n  \n1\n",  # a whitespace-only line in a one-column table: skipped
        b"a\n\t\n",
        b"a,b\r  x,1\r",  # a record starting with blanks, CR line ends
        b"a,b\n  x,1\n",
        b'a,b\n"x"y,2\n',  # text after a closing quote
        b'a,b\nx"y",2\n',  # quotes inside an unquoted cell
        b"a,b\n1\n",  # a short row: padded
        b"a,b\n1,2,3\n",  # a long row: an error naming the row
        b"a,b\n1,\x00 2\n",
        b"a,b\n1,2",  # no line end at the end
        b'a,b\n"1\r\n2",3\r\n',
    ],
)
def test_arrow_and_c_parser_agree_on_csv_corners(data):
    got, reference = _both_parsers(data)
    assert got == reference


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("name,city\nAcme,Jiaxing\nBeta,杭州\n", "utf-8"),
        ("name,city\r\nAcme,Jiaxing\r\n\r\nBeta,杭州\r\n", "utf-8"),
        ("name,city\rAcme,Jiaxing\r\"Beta\rCorp\",Hangzhou\r", "utf-8"),
        ('name,note\n"Acme, Inc.","two\nlines"\n,\n', "utf-8"),
        ("\ufeffname,city\nAcme,Jiaxing\n", "utf-8"),
        ("name,city\n华为,杭州\nA股公司,嘉兴\n", "gb18030"),
    ],
)
def test_ordinary_csv_is_parsed_by_arrow(tmp_path, text, encoding):
    """The fast path is taken for ordinary tables (the C parser is never called)."""
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    expected = pd.read_csv(io.StringIO(text.removeprefix("\ufeff")), dtype=str,
                           keep_default_na=False)
    with mock.patch.object(gcsv.pd, "read_csv", side_effect=AssertionError("C parser")):
        df = read_table(path)
    assert df.columns.tolist() == expected.columns.tolist()
    assert df.to_numpy().tolist() == expected.to_numpy().tolist()
    assert df.index.tolist() == list(range(2, len(df) + 2))
