from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile

import geopandas as gpd
import numpy as np
import openpyxl
import pyarrow.parquet as pq
import pyogrio
import pyproj
import pytest
import shapely

import g60map
from g60map import load_corridor, settings
from g60map.cli import main
from g60map.corridor.axis import SPOKE_COLUMNS
from g60map.corridor.summary import SUMMARY_COLUMNS
from g60map.export import layers as export_mod
from g60map.export.layers import LAYERS as ALL_LAYERS
from g60map.export.layers import TABLE_LAYERS, escape_formulas, export_layers, write_table

WGS84 = pyproj.CRS("EPSG:4326")
#: The layers written for the packaged data, in order (districts only when packaged).
LAYERS = tuple(n for n in ALL_LAYERS if n in load_corridor().layers())


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    out = tmp_path_factory.mktemp("gpkg")
    paths = export_layers(None, out)
    assert paths == [out / "g60_corridor.gpkg"]
    return paths[0]


def _same_vertices(a, b):
    """Same geometry, allowing a single Polygon written as a one-part MultiPolygon."""
    a, b = np.asarray(a), np.asarray(b)
    assert len(a) == len(b)
    for ga, gb in zip(a, b, strict=True):
        if ga.geom_type == "MultiPolygon" and gb.geom_type == "Polygon":
            gb = shapely.MultiPolygon([gb])
        assert ga.equals_exact(gb, 0), "geometry differs"


# ---------------------------------------------------------------------------- gpkg


def test_gpkg_has_every_layer_in_wgs84(gpkg):
    listed = pyogrio.list_layers(gpkg)
    assert [name for name, _ in listed] == list(LAYERS)
    corridor = load_corridor()
    for name in LAYERS:
        info = pyogrio.read_info(gpkg, layer=name)
        assert pyproj.CRS(info["crs"]).equals(WGS84), name
        assert info["encoding"] == "UTF-8"
        gdf = gpd.read_file(gpkg, layer=name)
        assert gdf.crs.equals(WGS84), name
        assert len(gdf) == len(corridor.layers()[name]), name
        assert len(gdf) > 0 or name == "flows", name
    assert dict(listed)["flows"] == "LineString"  # the article's investment has no origin
    assert len(gpd.read_file(gpkg, layer="spokes")) == 8
    assert len(gpd.read_file(gpkg, layer="summary")) == 9


def test_gpkg_city_boundaries_are_the_map_geometry(gpkg):
    expected = g60map.load_boundaries("city")
    got = gpd.read_file(gpkg, layer="city_boundaries")
    assert list(got.columns) == list(expected.columns)
    assert got["code"].tolist() == expected["code"].tolist()
    _same_vertices(got.geometry.values, expected.geometry.values)
    assert got["name_zh"].tolist() == expected["name_zh"].tolist()  # UTF-8 round trip
    assert got["is_member"].dtype == bool and got["is_member"].sum() == 9


def test_gpkg_columns_and_values_round_trip(gpkg):
    spokes = gpd.read_file(gpkg, layer="spokes")
    assert list(spokes.columns) == SPOKE_COLUMNS
    ref = g60map.corridor_spokes()
    assert np.array_equal(spokes["length_km"], ref["length_km"])
    _same_vertices(spokes.geometry.values, ref.geometry.values)
    summary = gpd.read_file(gpkg, layer="summary")
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert np.isnan(summary["bearing_deg"].iloc[0])
    partners = gpd.read_file(gpkg, layer="partners")
    assert list(partners.columns) == list(g60map.load_partners().columns)


def test_gpkg_metadata_states_the_rate(gpkg):
    meta = pyogrio.read_info(gpkg, layer="summary")["layer_metadata"]
    assert float(meta["usd_cny_rate"]) == settings.USD_CNY_RATE
    assert meta["usd_cny_rate_date"] == settings.USD_CNY_RATE_DATE
    assert meta["usd_cny_rate_source"] == settings.USD_CNY_RATE_SOURCE
    with sqlite3.connect(gpkg) as con:
        desc = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
    assert settings.USD_CNY_RATE_DATE in desc["summary"]
    assert all(desc[name] for name in LAYERS)


def test_gpkg_is_deterministic_and_timestamp_pinned(tmp_path, gpkg, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = export_layers(None, tmp_path / "again")[0]
    assert again.read_bytes() == gpkg.read_bytes()
    with sqlite3.connect(again) as con:
        stamps = {r[0] for r in con.execute("SELECT last_change FROM gpkg_contents")}
    assert stamps == {"1980-01-01T00:00:00.000Z"}
    # the GDAL option is restored for everyone else
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1583020800")  # 2020-03-01T00:00:00Z
    dated = export_layers(None, tmp_path / "dated")[0]
    with sqlite3.connect(dated) as con:
        stamps = {r[0] for r in con.execute("SELECT last_change FROM gpkg_contents")}
    assert stamps == {"2020-03-01T00:00:00.000Z"}


def test_gpkg_write_is_atomic(tmp_path, monkeypatch):
    target = export_layers(None, tmp_path)[0]
    before = target.read_bytes()
    real = pyogrio.write_dataframe
    calls = []

    def failing(df, path, layer=None, **kwargs):
        calls.append(layer)
        if layer == "partners":
            raise OSError("disk full")
        return real(df, path, layer=layer, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(OSError, match="disk full"):
        export_layers(None, tmp_path)
    assert "partners" in calls
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g60_corridor.gpkg"]


# ---------------------------------------------------------------------------- geojson


def test_geojson_one_file_per_layer_deterministic(tmp_path):
    first = export_layers(None, tmp_path / "a", fmt="geojson")
    second = export_layers(None, tmp_path / "b", fmt="geojson")
    assert [p.name for p in first] == [f"g60_corridor_{n}.geojson" for n in LAYERS]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name

    def no_constants(value):
        raise ValueError(f"non-standard JSON constant {value}")

    for path, name in zip(first, LAYERS, strict=True):
        doc = json.loads(path.read_text(encoding="utf-8"), parse_constant=no_constants)
        assert doc["name"] == name
        assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:OGC:1.3:CRS84"
    summary = json.loads(first[-1].read_text(encoding="utf-8"))
    assert settings.USD_CNY_RATE_DATE in summary["description"]
    assert summary["features"][0]["properties"]["name_zh"] == "松江区"
    assert summary["features"][0]["properties"]["bearing_deg"] is None

    got = gpd.read_file(first[1])
    assert got.crs.equals(WGS84)
    _same_vertices(got.geometry.values, g60map.load_boundaries("city").geometry.values)


def test_geojson_failure_leaves_previous_set(tmp_path, monkeypatch):
    paths = export_layers(None, tmp_path, fmt="geojson")
    before = {p.name: p.read_bytes() for p in paths}

    def broken(gdf, name, tmp):
        if name == "summary":
            raise RuntimeError("boom")
        tmp.write_text("{}", encoding="utf-8")

    monkeypatch.setattr(export_mod, "_write_geojson", broken)
    with pytest.raises(RuntimeError, match="boom"):
        export_layers(None, tmp_path, fmt="geojson")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# ---------------------------------------------------------------------------- parquet


def test_geoparquet_layers(tmp_path):
    first = export_layers(None, tmp_path / "a", fmt="parquet")
    second = export_layers(None, tmp_path / "b", fmt="parquet")
    assert [p.name for p in first] == [f"g60_corridor_{n}.parquet" for n in LAYERS]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    meta = pq.read_schema(first[-1]).metadata
    geo = json.loads(meta[b"geo"])
    assert geo["primary_column"] == "geometry"
    ours = json.loads(meta[b"g60map"])
    assert ours["layer"] == "summary" and float(ours["usd_cny_rate"]) == settings.USD_CNY_RATE
    summary = gpd.read_parquet(first[-1])
    assert summary.crs.equals(WGS84) and list(summary.columns) == SUMMARY_COLUMNS
    boundaries = gpd.read_parquet(first[1])
    _same_vertices(boundaries.geometry.values, g60map.load_boundaries("city").geometry.values)


def test_geoparquet_export_gives_arrow_no_python_file(tmp_path, monkeypatch):
    # Reading a Python file object (io.BytesIO) makes Arrow hold Python bytes that an
    # Arrow I/O thread may release while the interpreter shuts down: the process then
    # aborted at exit (``terminate called without an active exception``, exit 134).
    import pyarrow as pa

    sources = []
    real = pq.read_table

    def spy(source, *args, **kwargs):
        sources.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pq, "read_table", spy)
    export_layers(None, tmp_path, fmt="parquet")
    assert len(sources) == len(LAYERS)
    for source in sources:
        assert isinstance(source, pa.BufferReader), type(source)
        assert not isinstance(source, pa.PythonFile)


@pytest.mark.slow
def test_parquet_export_processes_exit_cleanly():
    """30 exports as fresh processes, two at a time: each exits 0 with empty stderr.

    The abort at exit was a race (about 1 run in 50 on a loaded machine), so this is a
    smoke test; ``benchmarks/loop_export_parquet.py N`` runs the long version.
    """
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "loop_export_parquet.py"
    import sys

    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("g60_loop_export_parquet", path)
        loop = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loop)
    finally:
        sys.path.remove(str(path.parent))
    assert loop.main(["30", "--jobs", "2"]) == 0


# ---------------------------------------------------------------------------- csv / xlsx

EVIL = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1 telecom",
    "-2+3",
    "@SUM(A1)",
    "plain name",
]


@pytest.fixture
def evil_partners(write_csv):
    rows = [f'"{name.replace(chr(34), chr(34) * 2)}",Hangzhou,{i}' for i, name in enumerate(EVIL)]
    path = write_csv("name,city,kind\n" + "\n".join(rows) + "\n")
    return g60map.load_partners(path)


def test_escape_formulas_only_touches_text():
    import pandas as pd

    df = pd.DataFrame({"t": ["=1", "-a", "ok", None], "n": [-1.5, 2.0, 3.0, 4.0]})
    out = escape_formulas(df)
    assert out["t"].tolist()[:3] == ["'=1", "'-a", "ok"] and pd.isna(out["t"].iloc[3])
    assert out["n"].tolist() == [-1.5, 2.0, 3.0, 4.0]
    assert df["t"].iloc[0] == "=1"  # input not mutated


def test_csv_export_is_formula_safe(tmp_path, evil_partners):
    paths = export_layers(load_corridor(evil_partners), tmp_path, fmt="csv")
    names = [p.name for p in paths]
    assert names == [f"g60_corridor_{n}.csv" for n in TABLE_LAYERS] + [
        "g60_corridor_metadata.csv"
    ]
    raw = (tmp_path / "g60_corridor_partners.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["'" + n if n[0] in "=+-@" else n for n in EVIL]
    assert all(not r[c].startswith(("=", "+", "-", "@")) for r in rows for c in r)
    summary_csv = next(p for p in paths if p.name == "g60_corridor_summary.csv")
    summary = list(csv.DictReader(io.StringIO(summary_csv.read_text(encoding="utf-8-sig"))))
    assert summary[0]["name_zh"] == "松江区" and float(summary[1]["distance_km"]) > 0
    meta = paths[-1].read_text(encoding="utf-8-sig")
    assert "usd_cny_rate_date" in meta and settings.USD_CNY_RATE_DATE in meta


def test_xlsx_export_is_formula_safe_and_deterministic(tmp_path, evil_partners):
    a = export_layers(load_corridor(evil_partners), tmp_path / "a", fmt="xlsx")[0]
    b = export_layers(load_corridor(evil_partners), tmp_path / "b", fmt="xlsx")[0]
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    wb = openpyxl.load_workbook(a)
    assert wb.sheetnames == [*TABLE_LAYERS, "metadata"]
    ws = wb["partners"]
    header = [c.value for c in ws[1]]
    col = header.index("name") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    # xlsx has typed cells: the text stays exactly as typed, in a string cell, with no
    # leading quote (that is only for CSV, which has no cell types).
    assert [c.value for c in cells] == EVIL
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for s in wb for row in s.iter_rows() for c in row)
    summary = wb["summary"]
    assert summary.cell(row=2, column=1).value == settings.HUB_CODE  # codes stay text
    assert isinstance(summary.cell(row=3, column=6).value, float)  # numbers stay numbers


def test_xlsx_formula_text_is_unchanged_text_everywhere(tmp_path, write_csv):
    texts = ["=1+1", "+86 21 5774", "-2+3", "@SUM(A1)", "=A1*2"]
    rows = "\n".join(f'"{t}",Hangzhou,"{t}"' for t in texts)
    partners = g60map.load_partners(write_csv(f"name,city,=note\n{rows}\n"))
    path = export_layers(load_corridor(partners), tmp_path, fmt="xlsx", layers=["partners"])[0]
    ws = openpyxl.load_workbook(path)["partners"]
    header = [c.value for c in ws[1]]
    assert "=note" in header and ws[1][header.index("=note")].data_type == "s"
    for column in ("name", "=note"):
        col = header.index(column) + 1
        cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
        assert [c.value for c in cells] == texts
        assert {c.data_type for c in cells} == {"s"}
    # the workbook holds no formula at all, as Excel would see it
    with zipfile.ZipFile(path) as zf:
        assert not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in zf.namelist())
    single = write_table(partners, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(single)["p"]
    col = [c.value for c in ws[1]].index("name") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    assert [c.value for c in cells] == texts and {c.data_type for c in cells} == {"s"}
    # CSV keeps the quote: it has no cell types to say "text"
    csv_path = write_table(partners, tmp_path / "p.csv")
    first = next(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert first["name"] == "'=1+1" and first["'=note"] == "'=1+1"


def test_write_table_single_file(tmp_path, evil_partners):
    path = write_table(evil_partners, tmp_path / "partners.xlsx")
    ws = openpyxl.load_workbook(path)["partners"]
    assert "geometry" not in [c.value for c in ws[1]]
    with pytest.raises(ValueError, match=".csv or .xlsx"):
        write_table(evil_partners, tmp_path / "partners.txt")


# ---------------------------------------------------------------------------- api / cli


def test_bad_format_and_layer():
    with pytest.raises(ValueError, match="gpkg, geojson"):
        export_layers(None, "unused", fmt="shp")
    with pytest.raises(ValueError, match="'roads'"):
        export_layers(None, "unused", fmt="gpkg", layers=["roads"])
    with pytest.raises(ValueError, match="city_boundaries"):
        export_layers(None, "unused", fmt="csv", layers=["city_boundaries"])


def test_layer_subset(tmp_path):
    paths = export_layers(None, tmp_path, fmt="geojson", layers=["spokes", "cities"])
    assert [p.name for p in paths] == ["g60_corridor_cities.geojson", "g60_corridor_spokes.geojson"]


def test_cli_export(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path), "--format", "geojson"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / f"g60_corridor_{n}.geojson") for n in LAYERS]
    assert main(["export", "--out", str(tmp_path)]) == 0
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "g60_corridor.gpkg")] == list(LAYERS)
    assert main(["export", "--format", "shp"]) == 2
    assert main(["export", "--out", str(tmp_path), "--partners", str(tmp_path / "no.csv")]) == 1


def test_empty_tables_keep_their_layer_type(tmp_path):
    partners = g60map.load_partners().iloc[:0]
    investments = g60map.load_investments().iloc[:0]
    gpkg = export_layers(load_corridor(partners, investments), tmp_path)[0]
    types = dict(pyogrio.list_layers(gpkg))
    assert types["partners"] == types["investments"] == "Point"
    got = gpd.read_file(gpkg, layer="partners")
    assert len(got) == 0 and list(got.columns) == list(partners.columns)
    summary = gpd.read_file(gpkg, layer="summary")
    assert summary["partners"].sum() == 0 and summary["invest_cny"].sum() == 0


def test_awkward_user_columns_survive_every_format(tmp_path, write_csv):
    from g60map import load_partners
    from g60map.export.layers import export_layers

    partners = load_partners(write_csv(
        'name,city,fid,NAME_2,Name,"=HYPERLINK(""http://x"")"\nA,Hefei,7,x,y,z\n'
    ))
    paths = export_layers(load_corridor(partners), tmp_path, fmt="gpkg")
    cols = list(gpd.read_file(paths[0], layer="partners").columns)
    assert {"fid_2", "NAME_2", "Name_3"} <= set(cols)  # fid reserved; names case-insensitive
    (csv_path,) = [p for p in export_layers(load_corridor(partners), tmp_path, fmt="csv")
                   if p.name.endswith("partners.csv")]
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "'=HYPERLINK" in header


# ---------------------------------------------------------------------------- full disk


def _hidden(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_gpkg_disk_full_is_a_clean_error_and_keeps_previous_file(tmp_path, monkeypatch, capsys):
    target = export_layers(None, tmp_path)[0]
    before = target.read_bytes()
    real = pyogrio.write_dataframe

    def full(df, path, layer=None, **kwargs):
        if layer == "partners":
            raise pyogrio.errors.DataSourceError(
                "sqlite3_exec(COMMIT) failed: database or disk is full"
            )
        return real(df, path, layer=layer, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    assert main(["-q", "export", "--out", str(tmp_path), "--format", "gpkg"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {target}: No space left on device")
    assert "free some space" in err and "database or disk is full" in err
    assert "internal error" not in err and "Traceback" not in err
    assert target.read_bytes() == before and _hidden(tmp_path) == []


def test_geojson_disk_full_is_a_clean_error_and_keeps_previous_set(
    tmp_path, monkeypatch, capsys
):
    import errno
    import pathlib

    paths = export_layers(None, tmp_path, fmt="geojson")
    before = {p.name: p.read_bytes() for p in paths}
    real = pathlib.Path.write_bytes
    written = []

    def full(self, data):
        written.append(self)
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full)
    assert main(["-q", "export", "--out", str(tmp_path), "--format", "geojson"]) == 1
    err = capsys.readouterr().err
    # the message names the file asked for, not the hidden temporary file
    assert err.startswith(f"error: cannot write {paths[2]}: No space left on device")
    assert "Traceback" not in err and "internal error" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_write_failure_reasons(tmp_path, monkeypatch):
    import errno

    target = tmp_path / "g60_corridor.gpkg"
    exc = export_mod._write_failure(target, OSError("Error writing bytes. [errno 27] x"))
    assert exc.errno == errno.EFBIG and exc.filename == str(target)

    monkeypatch.setattr(export_mod, "_file_size_limited", lambda: False)
    monkeypatch.setattr(export_mod, "_free_bytes", lambda folder: 10 << 30)
    exc = export_mod._write_failure(target, pyogrio.errors.FeatureError("Cannot write feature"))
    assert exc.errno == errno.EIO
    assert "could not be written (Cannot write feature; 10737 MB free there)" in exc.strerror
    monkeypatch.setattr(export_mod, "_free_bytes", lambda folder: 4096)
    exc = export_mod._write_failure(target, pyogrio.errors.FeatureError("Cannot write feature"))
    assert exc.errno == errno.ENOSPC and "Cannot write feature" in exc.strerror
    monkeypatch.setattr(export_mod, "_free_bytes", lambda folder: 10 << 30)
    monkeypatch.setattr(export_mod, "_file_size_limited", lambda: True)
    exc = export_mod._write_failure(target, pyogrio.errors.DataSourceError("commit failed"))
    assert exc.errno == errno.EFBIG


def _limited_export(out, fmt, limit):
    """Run ``g60map export`` in a child process that may write files up to ``limit`` bytes.

    Writing past the limit fails with EFBIG ("File too large") the way a full disk
    fails with ENOSPC, at whatever point of the write the limit is reached. The child
    writes no bytecode (a ``.pyc`` cut at the limit would break later imports).
    """
    import os
    import resource
    import subprocess
    import sys

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "g60map", "-q", "export", "--format", fmt, "--out", str(out)],
        preexec_fn=cap,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs RLIMIT_FSIZE")
@pytest.mark.parametrize(
    ("fmt", "room"),
    [
        ("gpkg", 1000),
        ("geojson", 1000),
        ("geojson", -100),  # fails on the last bytes of the biggest file
        ("parquet", 1000),
        ("csv", 500),
        ("xlsx", 1000),
    ],
)
def test_file_size_limit_is_a_clean_error_and_keeps_previous_files(tmp_path, fmt, room):
    export_layers(None, tmp_path, fmt=fmt)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    limit = room if room > 0 else max(len(b) for b in before.values()) + room
    proc = _limited_export(tmp_path, fmt, limit)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("error: cannot write "), proc.stderr
    assert "File too large" in proc.stderr and "ulimit -f" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_metadata_counts_the_rows_skipped(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        "企业名称,成立日期,注册地址\n"
        "金华婺城五金有限公司,2012-04-31,浙江省金华市婺城区宾虹西路2666号\n"
        "金华婺城电器有限公司,2013-10-08,浙江省金华市婺城区宾虹西路2688号\n",
        encoding="utf-8",
    )
    with pytest.warns(g60map.G60Warning, match="1 bad row"):
        corridor = load_corridor(path, on_bad_rows="skip")
    meta = export_mod._metadata("partners", corridor.partners)
    assert meta["skipped_rows"] == "1"
    assert meta["DESCRIPTION"].endswith(" 1 bad row(s) of the input table skipped.")
