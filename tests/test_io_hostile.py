"""Hostile and broken input files: each ends in a clear G60InputError, or reads correctly."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from g60map import G60InputError, settings
from g60map.cli import main
from g60map.ingest.read import read_table

# ------------------------------------------------------------------------- GeoParquet


def _geoparquet(tmp_path: Path) -> pa.Table:
    gdf = gpd.GeoDataFrame(
        {"name": ["Acme", "Beta"]},
        geometry=[shapely.Point(120.2, 30.25), shapely.Point(121.2, 31.0)],
        crs=settings.WGS84,
    )
    gdf.to_parquet(tmp_path / "good.parquet")
    return pq.read_table(tmp_path / "good.parquet")


def _write(table: pa.Table, path: Path, geo: dict | None = None) -> Path:
    metadata = dict(table.schema.metadata or {})
    if geo is not None:
        metadata[b"geo"] = json.dumps(geo).encode()
    pq.write_table(table.replace_schema_metadata(metadata), path)
    return path


def _geo(table: pa.Table) -> dict:
    return json.loads(table.schema.metadata[b"geo"])


def hostile_parquet(tmp_path: Path, kind: str) -> Path:
    """Write one of the broken GeoParquet files; return its path."""
    table = _geoparquet(tmp_path)
    geo = _geo(table)
    path = tmp_path / f"{kind}.parquet"
    if kind == "bad_crs":
        geo["columns"]["geometry"]["crs"] = {"id": {"authority": "EPSG", "code": 999999}}
        return _write(table, path, geo)
    if kind == "missing_primary":
        geo["primary_column"] = "geom"
        return _write(table, path, geo)
    if kind == "junk_wkb":
        junk = pa.array([shapely.to_wkb(shapely.Point(120.2, 30.25)), b"\x01\x01\x00junk"])
        i = table.schema.get_field_index("geometry")
        return _write(table.set_column(i, pa.field("geometry", pa.binary()), junk), path, geo)
    if kind == "binary":
        blob = pa.array([b"\x89PNG\r\n", b"\xff\xfe\x00"], pa.binary())
        return _write(table.append_column("logo", blob), path, geo)
    raise ValueError(kind)


HOSTILE_PARQUET = {
    "bad_crs": r"bad_crs\.parquet:geometry: the CRS in the GeoParquet metadata is not valid "
    r"\(.*\): write the file again with a valid CRS",
    "missing_primary": r"missing_primary\.parquet: the GeoParquet metadata names 'geom' as the "
    r"geometry column, but the file has no such column \(its columns: 'name', 'geometry'\)",
    "junk_wkb": r"junk_wkb\.parquet:3:geometry: geometry cell is not valid WKB "
    r"\(starts b'\\x01\\x01\\x00junk'\)",
    "binary": r"binary\.parquet:2:logo: column holds binary data, not text",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_PARQUET))
def test_broken_geoparquet_is_a_clear_error(tmp_path, kind):
    path = hostile_parquet(tmp_path, kind)
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert len(err.value.problems) == 1
    pattern = re.escape(f"{tmp_path}{os.sep}") + HOSTILE_PARQUET[kind] + ".*"
    assert re.fullmatch(pattern, str(err.value), flags=re.S), str(err.value)


@pytest.mark.parametrize("kind", sorted(HOSTILE_PARQUET))
def test_broken_geoparquet_cli_exit_1_one_error(tmp_path, capsys, kind):
    path = hostile_parquet(tmp_path, kind)
    assert main(["-q", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert str(path) in err
    assert main(["-q", "build", "--partners", str(path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}"), err


def test_geoparquet_binary_text_column_is_text(tmp_path):
    table = _geoparquet(tmp_path)
    text = pa.array(["Zürich".encode(), b"plain"], pa.binary())
    path = _write(table.append_column("note", text), tmp_path / "b.parquet", _geo(table))
    assert read_table(path)["note"].tolist() == ["Zürich", "plain"]


@pytest.mark.parametrize(
    "options", [{}, {"write_covering_bbox": True}, {"geometry_encoding": "geoarrow"}]
)
def test_geoparquet_writer_options_read_alike(tmp_path, options):
    gdf = gpd.GeoDataFrame(
        {"name": ["Acme"]}, geometry=[shapely.Point(120.2, 30.25)], crs=settings.WGS84
    )
    gdf.to_parquet(tmp_path / "p.parquet", **options)
    assert read_table(tmp_path / "p.parquet").to_dict("records") == [
        {"name": "Acme", "lon": "120.2", "lat": "30.25"}
    ]


def test_geoparquet_bad_geo_json(tmp_path):
    table = _geoparquet(tmp_path)
    metadata = dict(table.schema.metadata)
    metadata[b"geo"] = b"{not json"
    pq.write_table(table.replace_schema_metadata(metadata), tmp_path / "j.parquet")
    with pytest.raises(G60InputError, match=r"j\.parquet: the GeoParquet metadata \('geo'\) is "
                       "not valid JSON"):
        read_table(tmp_path / "j.parquet")


# ------------------------------------------------------------------------------- CSV


def test_csv_with_cr_only_line_ends(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"name,city\rAcme,Jiaxing\r\"Beta\rCorp\",Hangzhou\r")
    df = read_table(path)
    assert df.to_dict("records") == [
        {"name": "Acme", "city": "Jiaxing"},
        {"name": "Beta\rCorp", "city": "Hangzhou"},
    ]
    assert df.index.tolist() == [2, 3]


def test_unquoted_comma_is_an_error_naming_the_row(write_csv):
    path = write_csv("name,city\nAcme, Inc.,Songjiang\nBeta,Jiaxing\nGamma,Hefei,x,y\n")
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2: row has 3 cells but the header has 2: put a cell that contains a comma in "
        'double quotes ("Acme, Inc."), or add a header for the extra column',
        f"{path}:4: row has 4 cells but the header has 2: put a cell that contains a comma in "
        'double quotes ("Acme, Inc."), or add a header for the extra column',
    ]
    quoted = write_csv('name,city\n"Acme, Inc.",Songjiang\n', name="quoted.csv")
    assert read_table(quoted)["name"].tolist() == ["Acme, Inc."]


def test_short_rows_are_padded(write_csv):
    df = read_table(write_csv("name,city,lon,lat\nAcme,Jiaxing\n"))
    assert df.loc[2].tolist() == ["Acme", "Jiaxing", "", ""]


def test_latin1_is_not_read_as_gb18030(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,city\nAcme,Jiaxing\nZürich AG,Hangzhou\n".encode("latin-1"))
    with pytest.raises(G60InputError) as err:
        read_table(path)
    message = str(err.value)
    assert message.startswith(f"{path}:3: the file is not UTF-8, and read as GB18030 it looks "
                              "garbled ('Z黵ich AG,Hangzhou'")
    assert "encodings tried: UTF-8, then GB18030/GBK" in message
    assert "save the file as UTF-8" in message


@pytest.mark.parametrize(
    "text",
    [
        "name,city\nSão Paulo Ltda,Hefei\nÅngström AB,Wuhu\n",
        "name,city\nMüller GmbH,Jiaxing\nCafé Crème,Hangzhou\n",
    ],
)
def test_windows_1252_is_not_read_as_gb18030(tmp_path, text):
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(G60InputError, match="save the file as UTF-8"):
        read_table(path)


@pytest.mark.parametrize(
    "text",
    [
        "name,city\n华为,杭州\n",
        "name,city,description\nAlibaba Cloud 阿里云,Hangzhou,cloud computing 云计算\n",
        "name,city\nA股公司,杭州\nT恤厂（嘉兴）,嘉兴\n",
        "name,city\n" + "".join(f"企业{i},松江区\n" for i in range(2000)),
    ],
)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_gbk_still_loads(tmp_path, text, encoding):
    path = tmp_path / "zh.csv"
    path.write_bytes(text.encode(encoding))
    df = read_table(path)
    assert df.to_csv(index=False, lineterminator="\n") == text


def test_utf16_is_an_error(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("name,city\nAcme,Jiaxing\n".encode("utf-16"))
    with pytest.raises(G60InputError, match=r"u16\.csv: the file looks like UTF-16 text"):
        read_table(path)


@pytest.mark.slow
def test_header_with_too_many_columns(tmp_path, monkeypatch):
    n = 100_000
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + "1," * (n - 1) + "1\n")
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert str(err.value) == (
        f"{path}:1: the header has 100,000 columns, more than the limit of 1,000 (delete the "
        "columns you do not need, or raise g60map.settings.MAX_COLUMNS, on the command line "
        "the environment variable G60MAP_MAX_COLUMNS)"
    )
    monkeypatch.setattr(settings, "MAX_COLUMNS", n)
    assert read_table(path).shape == (1, n)


def test_repeated_header_names_are_reported_once_each(write_csv):
    header = ",".join(["a", "b", "a", "c", "b", "a"])
    with pytest.raises(G60InputError) as err:
        read_table(write_csv(header + "\n" + "1,2,3,4,5,6\n"))
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "a"), (1, "b")]


# ------------------------------------------------------------------- paths and sizes


def test_directory_is_refused(tmp_path):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(G60InputError, match=r"d\.csv: is a folder, not a file"):
        read_table(tmp_path / "d.csv")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused():
    with pytest.raises(G60InputError) as err:
        read_table("/dev/zero")
    assert str(err.value) == (
        "/dev/zero: is a character device, not a regular file (save the table to a file and "
        "give the path of that file)"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(G60InputError, match=r"pipe\.csv: is a named pipe \(FIFO\), not a regular"):
        read_table(fifo)  # opening it would block forever: no writer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_cli_refuses_fifo_and_dev_zero(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        assert main(["-q", "count-partners", path]) == 1
        assert main(["-q", "count-partners", path, "--engine", "dask"]) == 1
        assert main(["-q", "build", "--partners", path, "--out", str(tmp_path / "o")]) == 1
        assert main(["-q", "validate", path]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 * 5, err  # validate: a count line, then the problem
    assert sum(line.startswith("error: ") for line in err) == 2 * 3
    assert all("not a regular file" in line for line in err if "problem" not in line)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_size_limit(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"big{suffix}"
    path.write_bytes(b"name,city\n" + b"Acme,Jiaxing\n" * 10)
    monkeypatch.setattr(settings, "MAX_INPUT_BYTES", 100)
    with pytest.raises(G60InputError) as err:
        read_table(path)
    assert str(err.value) == (
        f"{path}: file is 140 bytes, more than the limit of 100 bytes (split the table, or "
        "raise g60map.settings.MAX_INPUT_BYTES, on the command line the environment variable "
        "G60MAP_MAX_INPUT_BYTES; GeoParquet files of any size can be counted with "
        "count-partners --engine dask)"
    )


@pytest.mark.slow
def test_the_input_limits_can_be_raised_for_the_command_line(tmp_path):
    """G60MAP_MAX_COLUMNS / G60MAP_MAX_INPUT_BYTES; a bad value is ignored with a warning."""
    import os
    import subprocess
    import sys

    path = tmp_path / "wide.csv"
    path.write_text("name,city," + ",".join(f"c{i}" for i in range(1200)) + "\n"
                    + "A,Hefei," + ",".join("x" * 1200) + "\n", encoding="utf-8")

    def run(**env):
        return subprocess.run(
            [sys.executable, "-m", "g60map", "-q", "validate", str(path)],
            capture_output=True, text=True, env={**os.environ, **env}, timeout=120,
        )

    refused = run()
    assert refused.returncode == 1 and "G60MAP_MAX_COLUMNS" in refused.stderr
    assert run(G60MAP_MAX_COLUMNS="2000").returncode == 0
    small = run(G60MAP_MAX_COLUMNS="2000", G60MAP_MAX_INPUT_BYTES="1_000")
    assert small.returncode == 1 and "more than the limit of 1,000 bytes" in small.stderr
    bad = run(G60MAP_MAX_COLUMNS="lots")
    assert bad.returncode == 1 and "ignoring G60MAP_MAX_COLUMNS='lots'" in bad.stderr


def test_size_limit_default_is_documented():
    assert settings.MAX_INPUT_BYTES == 2 * 2**30
    assert "MAX_INPUT_BYTES" in settings.__all__ and "MAX_COLUMNS" in settings.__all__


# ------------------------------------------------------------------------------ xlsx


def _set_dimension(path: Path, ref: str) -> None:
    """Rewrite the ``<dimension ref>`` of the first sheet of a saved workbook."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                                  data)
                assert n == 1
            zout.writestr(info, data)


def test_xlsx_claiming_a_huge_dimension_streams(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "city", None])
    ws.append(["Acme", "Jiaxing"])
    ws.append([None, None])
    ws.append(["Beta", "Hangzhou", None, None])
    ws.append([])
    path = tmp_path / "dim.xlsx"
    wb.save(path)
    _set_dimension(path, "A1:XFD20000")  # 20,000 x 16,384 cells claimed
    assert os.path.getsize(path) < 10_000
    check = openpyxl.load_workbook(path, read_only=True)
    assert check.worksheets[0].max_column == 16_384
    check.close()
    df = read_table(path)
    assert df.columns.tolist() == ["name", "city"]
    assert df.to_dict("index") == {
        2: {"name": "Acme", "city": "Jiaxing"},
        3: {"name": "", "city": ""},
        4: {"name": "Beta", "city": "Hangzhou"},
    }


def test_xlsx_starting_after_row_1_keeps_sheet_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "name", "city"
    ws["A4"], ws["B4"] = "Acme", "Jiaxing"
    wb.save(tmp_path / "gap.xlsx")
    _set_dimension(tmp_path / "gap.xlsx", "A4:B4")  # a wrong claim that skips the header
    df = read_table(tmp_path / "gap.xlsx")
    assert df.loc[4].tolist() == ["Acme", "Jiaxing"]


def test_xlsx_cell_without_header_is_an_error(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "city"])
    ws.append(["Acme", "Jiaxing", "stray"])
    ws.append(["Beta", "Hefei", "  "])  # blank past the header: nothing lost
    wb.save(tmp_path / "stray.xlsx")
    with pytest.raises(G60InputError) as err:
        read_table(tmp_path / "stray.xlsx")
    assert str(err.value) == (
        f"{tmp_path / 'stray.xlsx'}:2: cell C2 holds 'stray' but its column has no header: add "
        "a header in row 1, or delete the cell"
    )


def test_xlsx_header_with_too_many_columns(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    wb.active.append([f"c{i}" for i in range(20)])
    wb.active.append(list(range(20)))
    wb.save(tmp_path / "wide.xlsx")
    monkeypatch.setattr(settings, "MAX_COLUMNS", 10)
    with pytest.raises(G60InputError, match=r"wide\.xlsx:1: the header \(row 1 of sheet 'Sheet'\) "
                       r"has more than 10 columns, the limit: .* G60MAP_MAX_COLUMNS"):
        read_table(tmp_path / "wide.xlsx")


def test_cli_error_is_one_line_per_problem(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(b"name,city\nAcme, Inc.,Songjiang\n")
    assert main(["-q", "validate", str(path)]) == 1
    assert main(["-q", "count-partners", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count(f"{path}:2: row has 3 cells but the header has 2") == 2


def test_hostile_text_is_kept_verbatim(write_csv):
    cells = ["{{ 7*7 }}", "=cmd|' /C calc'!A0", "{% raw %}", "${jndi:x}", "<%= 1 %>", "\x1b[31mred"]
    text = "name,city\n" + "".join(f'"{c}",Jiaxing\n' for c in cells)
    assert read_table(write_csv(text))["name"].tolist() == cells
