"""Property tests of the loaders: any file ends in a correct read or a G60InputError."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from g60map import G60InputError
from g60map.io import read_table

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
