"""The dask engine of load_corridor and the commands: the pandas engine's numbers, on a cluster."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from g60map import G60InputError, settings
from g60map.cli import main
from g60map.corridor.model import load_corridor
from g60map.ingest.distributed import load_table_dask

pytest.importorskip("distributed")
pytest.importorskip("dask_geopandas")


@pytest.fixture(scope="module")
def cluster():
    import distributed

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
        scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR,
    ) as c:
        yield c.scheduler_address


def _partners_text(n: int = 240, bad: bool = False) -> str:
    """Points, addresses, city names, rows outside the corridor; bad rows with ``bad``."""
    from g60map.reference.synthetic import make_partners, make_registry

    points = make_partners(n, seed=7).drop(columns=["city_code_expected"])
    points["address"] = ""
    registry = make_registry(n // 4, seed=7)
    addresses = pd.DataFrame({"name": [f"Addr {i}" for i in range(len(registry))],
                              "address": registry["注册地址"].to_numpy()})
    outside = pd.DataFrame({"name": [f"Out {i}" for i in range(6)], "lon": 118.79,
                            "lat": [32.0 + i / 100 for i in range(6)]})
    table = pd.concat([points, addresses, outside], ignore_index=True)
    table = table.iloc[np.random.default_rng(1).permutation(len(table))]
    text = table.to_csv(index=False, lineterminator="\n")
    if bad:
        lines = text.splitlines()
        lines.insert(20, lines[5])  # a duplicate, in another partition than its first copy
        lines.insert(len(lines) - 3, "Bad lon,,,industrial partner,,,,,abc,31,")
        lines.insert(len(lines) - 10, "Bad city,,Suzhuo,,,,,,,,")
        lines.append(lines[-40])  # a duplicate at the end
        text = "\n".join(lines) + "\n"
    return text


def _investments_text() -> str:
    from g60map.reference.synthetic import make_investments

    inv = make_investments(60, seed=3).drop(columns=["city_code_expected"])
    inv["amount"] = inv["amount"].round(-4)  # whole yuan: sums are exact in any order
    return inv.to_csv(index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("dask_tables")
    paths = {}
    for name, text in (("partners", _partners_text()), ("bad", _partners_text(bad=True)),
                       ("investments", _investments_text())):
        paths[name] = out / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return {k: str(v) for k, v in paths.items()}


def _run(fn, *args, **kwargs):
    """Return (result or G60InputError, the warnings' texts)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except G60InputError as exc:
            result = exc
    return result, [str(w.message) for w in caught]


def _same_corridor(a, b) -> None:
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.district_summary, b.district_summary)
    assert a.overview == b.overview
    assert a.sources == b.sources
    assert a.inputs == b.inputs


@pytest.mark.parametrize("datum", ["wgs84", pytest.param("gcj02", marks=pytest.mark.slow)])
@pytest.mark.parametrize("on_bad_rows", ["error", "skip"])
@pytest.mark.parametrize("table", ["partners", "bad"])
def test_dask_corridor_is_the_pandas_corridor(tables, cluster, monkeypatch, datum, on_bad_rows,
                                              table):
    monkeypatch.setattr(settings, "DASK_BLOCKSIZE", "4kB")  # several partitions
    kw = dict(datum=datum, on_bad_rows=on_bad_rows)
    want, want_warnings = _run(load_corridor, tables[table], tables["investments"], **kw)
    got, got_warnings = _run(load_corridor, tables[table], tables["investments"],
                             engine="dask", scheduler=cluster, **kw)
    assert got_warnings == want_warnings
    if isinstance(want, G60InputError):  # the bad rows, error mode: the same problems
        assert isinstance(got, G60InputError)
        assert got.problems == want.problems
        if table == "bad" and datum == "wgs84":
            assert [p.row for p in got.problems] == [21, 300, 307, 311]
        return
    assert not isinstance(got, G60InputError), got
    _same_corridor(got, want)
    pd.testing.assert_frame_equal(got.partners, want.partners)
    pd.testing.assert_frame_equal(got.investments, want.investments)
    assert got.partners.attrs == {**want.partners.attrs, "rows_total": len(want.partners)}
    if table == "bad" and datum == "wgs84":  # skipped: four rows
        assert "(4 bad row(s) skipped)" in got.sources[0]


@pytest.mark.slow
def test_dask_sample_of_points_counts_every_row(tables, cluster, monkeypatch):
    monkeypatch.setattr(settings, "DASK_BLOCKSIZE", "4kB")
    monkeypatch.setattr(settings, "DASK_SAMPLE_POINTS", 50)
    want, _ = _run(load_corridor, tables["partners"], tables["investments"])
    got, _ = _run(load_corridor, tables["partners"], tables["investments"], engine="dask",
                  scheduler=cluster)
    again, _ = _run(load_corridor, tables["partners"], tables["investments"], engine="dask",
                    scheduler=cluster)
    assert len(got.partners) == 50 and len(got.investments) == 50
    assert got.partners.attrs["rows_total"] == len(want.partners) == 306
    assert got.investments.attrs["rows_total"] == len(want.investments) == 60
    # the sample: rows of the table, in file order, the same each time
    assert got.partners["row"].is_monotonic_increasing
    assert got.partners["row"].tolist() == again.partners["row"].tolist()
    sample = want.partners.set_index("row").loc[got.partners["row"]].reset_index()
    pd.testing.assert_frame_equal(got.partners, sample, check_like=True)
    _same_corridor(got, want)
    # the map says the points are a sample, in both languages; its numbers are every row's
    from g60map.render.web.basemaps import get_basemap
    from g60map.render.web.payload import map_payload

    footer = map_payload(got, lang="en", basemap=get_basemap("osm"))["footer"]
    assert "partners: points are a sample of 50 of 306 rows (the city and district figures " \
        "count every row)" in footer
    assert "investments: points are a sample of 50 of 60 rows (the city and district " \
        "figures count every row)" in footer
    zh = map_payload(got, lang="zh", basemap=get_basemap("osm"))["footer"]
    assert "合作伙伴：点位为 306 行中的 50 行样本（城市与区县数字计入全部行）" in zh
    assert not any("sample" in line for line in map_payload(
        want, lang="en", basemap=get_basemap("osm"))["footer"])
    # and the static map's credits line
    import matplotlib.pyplot as plt

    from g60map.render.static.figure import render_static

    fig, _ = render_static(got, lang="en")
    credits = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    plt.close(fig)
    assert "partners: points are a sample of 50 of 306 rows" in credits


def test_dask_rows_count_from_the_start_of_each_file_of_a_glob(tables, cluster, tmp_path):
    text = Path(tables["bad"]).read_text(encoding="utf-8")
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    want, _ = _run(load_corridor, tables["bad"])
    got, _ = _run(load_corridor, str(tmp_path / "*.csv"), engine="dask", scheduler=cluster)
    assert isinstance(got, G60InputError)
    for name in ("a.csv", "b.csv"):
        mine = [p for p in got.problems if Path(p.file).name == name]
        assert [(p.row, p.column, p.message) for p in mine] == \
            [(p.row, p.column, p.message) for p in want.problems]


@pytest.mark.slow
def test_dask_reads_a_partitioned_parquet_dataset(tables, cluster, tmp_path):
    table = pd.read_csv(tables["partners"], dtype=str, keep_default_na=False)
    folder = tmp_path / "partners"
    for k in range(3):
        part = table.iloc[k * 110: (k + 1) * 110]
        sub = folder / f"batch={k}"
        sub.mkdir(parents=True)
        part.to_parquet(sub / "part-0.parquet", index=False)
    want, _ = _run(load_corridor, tables["partners"])
    got, _ = _run(load_corridor, str(folder), engine="dask", scheduler=cluster)
    assert got.summary["partners"].tolist() == want.summary["partners"].tolist()
    assert got.partners.attrs["rows_total"] == len(want.partners)
    assert sorted(set(got.partners["batch"])) == ["0", "1", "2"]


def test_dask_refuses_a_workbook_naming_it(tmp_path, cluster):
    path = tmp_path / "企业.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(G60InputError) as info:
        load_corridor(str(path), engine="dask", scheduler=cluster)
    text = str(info.value)
    assert str(path) in text and "save the sheet as CSV" in text and "--engine pandas" in text


def test_load_table_dask_keeps_the_sample_size(tables, cluster):
    frame, figures = load_table_dask(tables["partners"], sample=7, blocksize="2kB",
                                     outside="keep", scheduler=cluster)
    assert len(frame) == 7 and frame.attrs["rows_total"] == 306 and figures == []


#: The CLI shows warnings (rows outside the corridor) on stderr.
_SHOWN = pytest.mark.filterwarnings("default::g60map.G60Warning")


def _cli(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["csv", pytest.param("geojson", marks=pytest.mark.slow)])
@_SHOWN
def test_cli_export_dask_writes_the_pandas_bytes(tables, cluster, tmp_path, capsys, fmt):
    common = ["export", "--format", fmt, "--partners", tables["partners"], "--investments",
              tables["investments"], "-q"]
    assert _cli([*common, "--out", str(tmp_path / "p")], capsys)[0] == 0
    code, _, err = _cli([*common, "--out", str(tmp_path / "d"), "--engine", "dask",
                         "--scheduler", cluster], capsys)
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "d").iterdir()) and files
    for name in files:
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "p" / name).read_bytes(), name


@_SHOWN
def test_cli_validate_dask_same_problems_and_exit_code(tables, cluster, capsys):
    want = _cli(["validate", tables["bad"]], capsys)
    got = _cli(["validate", tables["bad"], "--engine", "dask", "--scheduler", cluster, "-q"],
               capsys)
    assert want[0] == got[0] == 1
    assert got[2] == want[2]


@_SHOWN
def test_cli_dask_progress_on_stderr_quiet_with_q(tables, cluster, tmp_path, capsys,
                                                  monkeypatch):
    monkeypatch.setattr(settings, "DASK_BLOCKSIZE", "4kB")
    args = ["export", "--format", "csv", "--partners", tables["partners"], "--engine", "dask",
            "--scheduler", cluster, "--out", str(tmp_path)]
    code, _, err = _cli(args, capsys)
    assert code == 0
    assert "g60map: loading partners: 306 rows (" in err and "rows/s)" in err
    assert "partitions, about 0 s left" in err
    code, _, err = _cli([*args, "-q"], capsys)
    assert code == 0 and "rows/s" not in err


@pytest.mark.slow  # the client waits for the scheduler 20 s before it gives up
@_SHOWN
def test_cli_unreachable_scheduler_is_input_error(tables, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = _cli(["export", "--partners", tables["partners"], "--engine", "dask",
                         "--scheduler", f"tcp://127.0.0.1:{port}", "-q"], capsys)
    assert code == 1
    assert f"no dask scheduler answers at tcp://127.0.0.1:{port}" in err
    assert "Traceback" not in err


# ------------------------------------------------ a cluster started as a user starts one


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def separate_cluster(tmp_path_factory):
    """``dask scheduler`` and one ``dask worker`` started as processes of their own."""
    folder = tmp_path_factory.mktemp("dask_cluster")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    bin_dir = Path(sys.executable).parent
    procs = [subprocess.Popen(
        [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], env=env, cwd=folder, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)]
    procs.append(subprocess.Popen(
        [str(bin_dir / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1",
         "--memory-limit", "1GB", "--no-dashboard", "--local-directory", str(folder)],
        env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        import distributed

        deadline = time.monotonic() + 60
        while True:
            try:
                with distributed.Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=30)
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["export", "build"])
@_SHOWN
def test_cli_against_a_separately_started_cluster(tables, separate_cluster, tmp_path, capsys,
                                                  monkeypatch, command):
    monkeypatch.setenv("G60MAP_SCHEDULER", separate_cluster)
    monkeypatch.setattr(settings, "DASK_SCHEDULER", separate_cluster)
    common = [command, "--partners", tables["partners"], "--investments",
              tables["investments"], "-q"] + (["--format", "csv"] if command == "export" else [])
    assert _cli([*common, "--out", str(tmp_path / "p")], capsys)[0] == 0
    code, _, err = _cli([*common, "--out", str(tmp_path / "d"), "--engine", "dask"], capsys)
    assert code == 0, err
    for path in sorted((tmp_path / "p").iterdir()):
        assert (tmp_path / "d" / path.name).read_bytes() == path.read_bytes(), path.name


def test_g60map_scheduler_setting_is_the_cluster_of_every_dask_command(tables, cluster,
                                                                       monkeypatch):
    import distributed

    from g60map.ingest.engine import count_partners_by_city

    def no_local_cluster(*args, **kwargs):
        raise AssertionError("a local cluster was started")

    monkeypatch.setattr(distributed, "LocalCluster", no_local_cluster)
    monkeypatch.setattr(settings, "DASK_SCHEDULER", cluster)
    counts = count_partners_by_city(tables["partners"], engine="dask", outside="keep")
    corridor, _ = _run(load_corridor, tables["partners"], engine="dask")
    assert counts["partners"].tolist() == corridor.summary["partners"].tolist()
    assert int(counts["partners"].sum()) == 300  # 306 rows, 6 outside the corridor


@pytest.mark.slow
@pytest.mark.parametrize("on_bad_rows", ["error", "skip"])
def test_dask_registry_export_by_status_is_the_pandas_one(tmp_path, cluster, monkeypatch,
                                                          on_bad_rows):
    """Chinese headers, registered addresses, capital and founding dates, rows by status."""
    from g60map.reference.synthetic import make_registry

    monkeypatch.setattr(settings, "DASK_BLOCKSIZE", "8kB")
    table = make_registry(400, seed=11)
    table["登记状态"] = np.where(np.arange(len(table)) % 9 == 4, "注销", "存续")
    path = tmp_path / "registry.csv"
    path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    kw = dict(exclude_status="注销,吊销", on_bad_rows=on_bad_rows)
    want, want_warnings = _run(load_corridor, str(path), **kw)
    got, got_warnings = _run(load_corridor, str(path), engine="dask", scheduler=cluster, **kw)
    assert got_warnings == want_warnings
    if isinstance(want, G60InputError):
        assert got.problems == want.problems
        return
    _same_corridor(got, want)
    pd.testing.assert_frame_equal(got.partners, want.partners)
    assert got.partners.attrs["excluded_by_status"] == want.partners.attrs["excluded_by_status"]
    assert len(want.partners) == 400 - 44  # every 9th row left out by status
