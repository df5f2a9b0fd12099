from __future__ import annotations

import builtins
import json
import logging
import sys

import pandas as pd
import pytest

from g60map import G60InputError, G60Warning, MissingDependencyError, load_partners, settings
from g60map.cli import main
from g60map.ingest.engine import COUNT_COLUMNS, count_partners_by_city
from g60map.reference.datasets import get_path


@pytest.fixture(scope="module")
def synthetic(synthetic_partners, synthetic_partner_files):
    """A generated 20k-row partners table as CSV and GeoParquet (5 row groups)."""
    csv_path, pq_path = synthetic_partner_files(20_000, row_group_size=4_000)
    expected = synthetic_partners(20_000)["city_code_expected"].value_counts()
    return csv_path, pq_path, expected


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask_geopandas")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        # The scheduler's HTTP server on a free port: another cluster may hold 8787.
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.ERROR,
    ) as c:
        yield c


MESSY = (
    "name,city,lon,lat,kind\n"
    "A,Jiaxing,120.75,30.75,x\n"
    "B,宿州,,,x\n"
    "C,,abc,31,x\n"
    "D,Hangzhou,200,30,x\n"
    "E,,31.0,121.2,x\n"
    "G,,121.2,,x\n"
    "H,Jiaxing,120.16142,30.29365,x\n"
    ",Songjiang,,,x\n"
    "A,Jiaxing,120.75,30.75,x\n"
    "K,Suzhuo,,,x\n"
    "L,Hangzhou,120.1,95,x\n"
    "A,Jiaxing,120.75,30.75,x\n"
    "N,上海,,,x\n"
)


# ---------------------------------------------------------------- no cluster needed


def test_pandas_engine_counts_the_packaged_partners():
    counts = count_partners_by_city(get_path("partners"))
    partners = load_partners()
    assert counts.columns.tolist() == COUNT_COLUMNS
    assert counts["code"].tolist() == list(settings.MEMBER_CODES)
    assert counts["role"].tolist() == ["hub"] + ["member"] * 8
    expected = partners["city_code"].value_counts()
    for code, n in zip(counts["code"], counts["partners"], strict=True):
        assert n == expected.get(code, 0)
    assert counts.attrs["rows"] == len(partners)
    assert counts.attrs["outside"] == 0


def test_pandas_engine_counts_outside_rows(write_csv):
    path = write_csv(
        "name,lon,lat\nIn Hangzhou,120.2,30.25\nIn Nanjing,118.79,32.06\nAt sea,124.0,28.0\n"
    )
    with pytest.warns(G60Warning, match="2 row"):
        counts = count_partners_by_city(path)
    assert counts.set_index("code").loc["330100", "partners"] == 1
    assert counts["partners"].sum() == 1
    assert counts.attrs["rows"] == 3
    assert counts.attrs["outside"] == 2
    with pytest.raises(G60InputError, match="lies in Nanjing"):
        count_partners_by_city(path, outside="error")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": "spark"}, "engine must be one of pandas, dask"),
        ({"engine": "dask", "n_workers": 0}, "n_workers must be a positive integer"),
        ({"outside": "drop"}, "outside must be"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        count_partners_by_city(get_path("partners"), **kwargs)


def test_missing_dask_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.split(".")[0] in {"dask", "dask_geopandas", "distributed"}:
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingDependencyError, match=r"pip install g60map\[dask\]"):
        count_partners_by_city(get_path("partners"), engine="dask")


def test_dask_engine_file_problems_before_any_cluster(tmp_path, write_csv):
    pytest.importorskip("dask_geopandas")
    with pytest.raises(G60InputError, match="nope.csv: file not found"):
        count_partners_by_city(tmp_path / "nope.csv", engine="dask")
    (tmp_path / "p.xlsx").write_bytes(b"PK")
    with pytest.raises(G60InputError, match="not workbooks"):
        count_partners_by_city(tmp_path / "p.xlsx", engine="dask")
    with pytest.raises(G60InputError, match="file is empty"):
        count_partners_by_city(write_csv("", name="empty.csv"), engine="dask")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name,city\nok,Jiaxing\n\xff\xfe\x80,Hangzhou\n")
    with pytest.raises(G60InputError, match=r"bad.csv:3: undecodable bytes"):
        count_partners_by_city(bad, engine="dask")


def test_cli_count_partners_pandas(capsys):
    assert main(["count-partners", str(get_path("partners"))]) == 0
    out = capsys.readouterr().out
    n = len(load_partners())
    assert f"{n} rows: {n} in the corridor, 0 outside (pandas engine" in out
    assert "Songjiang" in out and "Hefei" in out


def test_cli_count_partners_usage_and_input_errors(tmp_path, capsys):
    assert main(["count-partners", str(get_path("partners")), "--workers", "0"]) == 2
    assert main(["count-partners", str(tmp_path / "none.csv")]) == 1
    assert "file not found" in capsys.readouterr().err


# ---------------------------------------------------------------- local dask cluster


@pytest.mark.slow
def test_dask_local_cluster_matches_in_memory_counts(synthetic):
    """The acceptance test: 2 local workers, same per-city counts as the pandas path."""
    csv_path, _, expected = synthetic
    in_memory = count_partners_by_city(csv_path)
    distributed = count_partners_by_city(csv_path, engine="dask", n_workers=2, blocksize=400_000)
    assert distributed.attrs["partitions"] >= 4
    assert distributed.attrs["engine"] == "dask"
    pd.testing.assert_frame_equal(distributed, in_memory, check_flags=False)
    assert distributed.attrs["rows"] == in_memory.attrs["rows"] == 20_000
    # Both agree with where the generator put the points.
    got = distributed.set_index("code")["partners"]
    for code, n in expected.items():
        assert got[code] == n


@pytest.mark.slow
def test_dask_geoparquet_matches_csv(synthetic, cluster):
    csv_path, pq_path, _ = synthetic
    from_csv = count_partners_by_city(csv_path)
    from_parquet = count_partners_by_city(
        pq_path, engine="dask", scheduler=cluster.scheduler_address
    )
    assert from_parquet.attrs["partitions"] == 5  # one per row group
    assert from_parquet["partners"].tolist() == from_csv["partners"].tolist()
    assert from_parquet["partners"].sum() == 20_000


@pytest.mark.slow
def test_dask_reports_the_same_problems(write_csv, cluster):
    """Row numbers across partitions, header problems once, duplicates across partitions."""
    path = write_csv(MESSY, name="messy.csv")
    with pytest.raises(G60InputError) as in_memory:
        count_partners_by_city(path)
    with pytest.raises(G60InputError) as out_of_core:
        count_partners_by_city(
            path, engine="dask", blocksize=64, scheduler=cluster.scheduler_address
        )
    assert str(out_of_core.value) == str(in_memory.value)
    assert "messy.csv:13: duplicate of row 2" in str(out_of_core.value)

    no_name = write_csv("city\nJiaxing\nHefei\nWuhu\nWuhu\nWuhu\n", name="noname.csv")
    with pytest.raises(G60InputError) as a:
        count_partners_by_city(no_name)
    with pytest.raises(G60InputError) as b:
        count_partners_by_city(no_name, engine="dask", blocksize=16,
                               scheduler=cluster.scheduler_address)
    assert str(b.value) == str(a.value)
    assert str(b.value).count("required column 'name' is missing") == 1


@pytest.mark.slow
def test_dask_outside_rows_warn_like_pandas(write_csv, cluster):
    rows = "".join(f"P{i},120.2,30.{20 + i}\n" for i in range(10))
    path = write_csv("name,lon,lat\n" + rows + "Nanjing,118.79,32.06\nSea,124.0,28.0\n")
    with pytest.warns(G60Warning) as rec_mem:
        a = count_partners_by_city(path)
    with pytest.warns(G60Warning) as rec_dask:
        b = count_partners_by_city(
            path, engine="dask", blocksize=40, scheduler=cluster.scheduler_address
        )
    assert str(rec_dask[0].message) == str(rec_mem[0].message)
    assert "12:lon/lat: point (118.79000, 32.06000) lies in Nanjing" in str(rec_dask[0].message)
    assert b.attrs["partitions"] > 2
    assert b.attrs["outside"] == a.attrs["outside"] == 2
    assert b["partners"].tolist() == a["partners"].tolist()


@pytest.mark.slow
def test_cli_count_partners_dask(synthetic, cluster, capsys):
    _, pq_path, _ = synthetic
    code = main(
        ["count-partners", str(pq_path), "--engine", "dask",
         "--scheduler", cluster.scheduler_address]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "20000 rows: 20000 in the corridor, 0 outside (dask engine, 5 partition(s))" in out


def test_engine_module_imports_no_dask():
    """Importing g60map.ingest.engine must not import dask (it is optional)."""
    code = (
        "import sys, g60map.ingest.engine, g60map.cli; "
        "sys.exit(1 if any(m.split('.')[0] in {'dask', 'distributed'} for m in sys.modules) "
        "else 0)"
    )
    import subprocess

    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ------------------------------------------------------------- hostile input, dask engine


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["bad_crs", "missing_primary", "junk_wkb", "binary"])
def test_dask_broken_geoparquet_same_error_as_pandas(tmp_path, cluster, capsys, kind):
    from tests.test_io_hostile import hostile_parquet

    path = hostile_parquet(tmp_path, kind)
    with pytest.raises(G60InputError) as in_memory:
        count_partners_by_city(path)
    with pytest.raises(G60InputError) as out_of_core:
        count_partners_by_city(path, engine="dask", scheduler=cluster.scheduler_address)
    assert str(out_of_core.value) == str(in_memory.value)
    assert str(path) in str(out_of_core.value)
    code = main(["-q", "count-partners", str(path), "--engine", "dask",
                 "--scheduler", cluster.scheduler_address])
    assert code == 1
    err = capsys.readouterr().err
    assert err == f"error: {out_of_core.value}\n"


@pytest.mark.slow
def test_dask_junk_wkb_rows_across_row_groups(tmp_path, cluster):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.test_io_hostile import _geoparquet, _write

    table = _geoparquet(tmp_path)
    geo = json.loads(table.schema.metadata[b"geo"])
    wkb = table.column("geometry").to_pylist()
    junk = pa.array(wkb * 3 + [b"junk"] + wkb, pa.binary())
    big = pa.table({"name": [f"P{i}" for i in range(len(junk))], "geometry": junk})
    path = tmp_path / "groups.parquet"
    _write(big, path, geo)
    pq.write_table(pq.read_table(path), path, row_group_size=3)
    with pytest.raises(G60InputError) as in_memory:
        count_partners_by_city(path)
    with pytest.raises(G60InputError) as out_of_core:
        count_partners_by_city(path, engine="dask", scheduler=cluster.scheduler_address)
    assert str(out_of_core.value) == str(in_memory.value)
    assert str(out_of_core.value).startswith(f"{path}:8:geometry: geometry cell is not valid WKB")


@pytest.mark.slow
def test_dask_extra_cell_same_error_as_pandas(write_csv, cluster):
    path = write_csv("name,city\nok,Jiaxing\nAcme, Inc.,Songjiang\nBeta,Hefei\n" * 3)
    with pytest.raises(G60InputError) as in_memory:
        count_partners_by_city(path)
    with pytest.raises(G60InputError) as out_of_core:
        count_partners_by_city(
            path, engine="dask", blocksize=40, scheduler=cluster.scheduler_address
        )
    assert str(out_of_core.value) == str(in_memory.value)
    wide = write_csv("name,city\nok,Jiaxing\nAcme, Inc., Ltd,Songjiang\n", name="wide.csv")
    with pytest.raises(G60InputError, match=r"wide\.csv: a row has 4 cells but the header has "
                       r"2: put a cell that contains a comma in double quotes"):
        count_partners_by_city(wide, engine="dask", scheduler=cluster.scheduler_address)


@pytest.mark.slow
def test_dask_refuses_latin1_and_reads_cr_only(tmp_path, cluster):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,city\nZürich AG,Jiaxing\n".encode("latin-1"))
    with pytest.raises(G60InputError) as in_memory:
        count_partners_by_city(latin)
    with pytest.raises(G60InputError) as out_of_core:
        count_partners_by_city(latin, engine="dask", scheduler=cluster.scheduler_address)
    assert str(out_of_core.value) == str(in_memory.value)
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"name,city\rAcme,Jiaxing\rBeta,Hefei\r")
    counts = count_partners_by_city(mac, engine="dask", scheduler=cluster.scheduler_address)
    assert counts["partners"].tolist() == count_partners_by_city(mac)["partners"].tolist()
    assert counts.attrs["rows"] == 2


@pytest.mark.slow
def test_cli_dask_junk_wkb_is_one_error_line_no_worker_traceback(tmp_path):
    """A real local cluster in a fresh process: nothing but the error on stderr."""
    import subprocess

    from tests.test_io_hostile import hostile_parquet

    path = hostile_parquet(tmp_path, "junk_wkb")
    proc = subprocess.run(
        [sys.executable, "-m", "g60map", "-q", "count-partners", str(path),
         "--engine", "dask", "--workers", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"error: {path}:3:geometry: geometry cell is not valid WKB")
    assert len(proc.stderr.splitlines()) == 1, proc.stderr


@pytest.mark.slow
def test_dask_reads_amap_coordinates_chinese_headers_and_addresses(write_csv, cluster):
    """The out-of-core path reads users' tables as load_partners does."""
    from g60map.reference.datum import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(121.22326, 31.03443)  # the Songjiang seat as AMap shows it
    rows = [f"甲{i},{float(x)!r},{float(y)!r}," for i in range(3)]
    rows += [f"乙{i},,,浙江省嘉兴市南湖区{i}号" for i in range(4)]
    path = write_csv("企业名称,经度,纬度,注册地址\n" + "\n".join(rows) + "\n", name="amap.csv")
    expected = count_partners_by_city(path, datum="gcj02")
    got = count_partners_by_city(path, engine="dask", blocksize=64, datum="gcj02",
                                 scheduler=cluster.scheduler_address)
    assert got.attrs["partitions"] >= 2
    assert got["partners"].tolist() == expected["partners"].tolist()
    assert got.set_index("name_en").loc[["Songjiang", "Jiaxing"], "partners"].tolist() == [3, 4]


# ------------------------------------------------------------ CSV blocks read by workers


@pytest.mark.parametrize("blocksize", [1, 7, 40, 1000, 10**6])
def test_csv_blocks_cover_the_file_in_whole_lines(tmp_path, blocksize):
    from g60map.ingest import _csv_blocks

    data = b"name,city\n" + b"".join(b"P%d,Jiaxing\r\n" % i for i in range(50)) + b"last,Hefei"
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    blocks = _csv_blocks.csv_blocks(path, blocksize)
    assert blocks[0].start == 0 and blocks[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(blocks[:-1], blocks[1:], strict=True))
    assert all(data[b.end - 1 : b.end] == b"\n" for b in blocks[:-1])
    assert len(blocks) == (1 if blocksize >= len(data) else 52 if blocksize == 1 else
                           len(blocks))
    if blocksize == 40:
        assert 10 < len(blocks) < 52  # about one block per 40 bytes, cut after a line feed


@pytest.mark.parametrize(
    "text",
    [
        '\ufeffname,city\n"Acme, Inc.",Jiaxing\n"say ""hi""",杭州\n\nB,Hefei\n',
        "name,city\r\nA,Jiaxing\r\n\r\nB, Hefei \r\nC,Wuhu\r\n",
        "name,city,lon,lat\nA,,120.75,30.75\n  B,Jiaxing,,\nC,Hefei\n",  # leading blanks, short
        "name,city\nA,Jiaxing\n\r,Hefei\nB,Wuhu\n",  # pandas drops the comma after \r
        "name,city\nA,Jiaxing\nB,Hefei,extra\nC,Wuhu\n",
    ],
)
def test_dask_blocks_read_like_read_table(write_csv, cluster, text):
    path = write_csv(text)
    outcomes = []
    for kwargs in ({}, {"engine": "dask", "blocksize": 16,
                        "scheduler": cluster.scheduler_address}):
        try:
            outcomes.append(count_partners_by_city(path, **kwargs)["partners"].tolist())
        except G60InputError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_dask_checks_the_encoding_of_big_files_block_by_block(tmp_path, cluster, monkeypatch):
    """The driver reads only the start of a big file; workers check their blocks' bytes."""
    from g60map.ingest import _csv_blocks

    monkeypatch.setattr(_csv_blocks, "_CHUNK", 64)  # "big" = more than 64 bytes here
    # More rows than pandas decodes when the driver reads the header (256 KiB).
    text = "name,city\n" + "".join(f"P{i},Jiaxing\n" for i in range(40_000)) + "华为,杭州\n"
    paths = {}
    for name, data in [
        ("utf8", text.encode("utf-8")),
        ("gbk", text.encode("gb18030")),
        ("bad", text.encode("utf-8") + b"\xff\xfe\x80,Hangzhou\n"),
    ]:
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_bytes(data)
    address = cluster.scheduler_address
    real = _csv_blocks.csv_encoding
    monkeypatch.setattr(_csv_blocks, "csv_encoding", lambda *a: pytest.fail("read whole file"))
    counts = count_partners_by_city(paths["utf8"], engine="dask", blocksize=100_000,
                                    scheduler=address)
    assert counts["partners"].tolist() == count_partners_by_city(paths["utf8"])["partners"].tolist()
    monkeypatch.setattr(_csv_blocks, "csv_encoding", real)
    calls = []
    monkeypatch.setattr(_csv_blocks, "csv_encoding", lambda *a: calls.append(a) or real(*a))
    counts = count_partners_by_city(paths["gbk"], engine="dask", blocksize=100_000,
                                    scheduler=address)
    assert len(calls) == 1  # after a worker found a block that is not UTF-8
    assert counts["partners"].tolist() == count_partners_by_city(paths["gbk"])["partners"].tolist()
    assert counts["partners"].sum() == 40_001
    with pytest.raises(G60InputError) as in_memory:
        count_partners_by_city(paths["bad"])
    with pytest.raises(G60InputError) as out_of_core:
        count_partners_by_city(paths["bad"], engine="dask", blocksize=100_000,
                               scheduler=address)
    assert str(out_of_core.value) == str(in_memory.value)
    assert "bad.csv:40003: undecodable bytes" in str(out_of_core.value)
