"""The packaged article tables ship loaded and joined: equal to the loaders' frames, used only
for the packaged data with the default options, and the maps are byte-identical."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest
from geopandas.testing import assert_geodataframe_equal

from g60map.corridor import model
from g60map.corridor.model import load_corridor
from g60map.ingest import tables as ingest_tables
from g60map.ingest.tables import load_investments, load_partners
from g60map.reference import packaged
from g60map.reference.datasets import get_path
from g60map.reference.packaged import TABLES, packaged_table, write_packaged
from g60map.render.web.plain_page import map_page

LOADERS = {"partners": load_partners, "investments": load_investments}


def _same(shipped, loaded) -> None:
    assert_geodataframe_equal(shipped, loaded, check_dtype=True, check_index_type=True,
                              check_column_type=True, check_crs=True, check_geom_type=True)
    assert [repr(t) for t in shipped.dtypes] == [repr(t) for t in loaded.dtypes]
    assert [getattr(t, "storage", None) for t in shipped.dtypes] == \
        [getattr(t, "storage", None) for t in loaded.dtypes]
    assert shipped.attrs == loaded.attrs


@pytest.mark.parametrize("kind", TABLES)
def test_shipped_tables_equal_what_the_loaders_compute(kind):
    # the loaders read geodata/<kind>.csv through the whole ingest path
    shipped = packaged_table(kind)
    assert shipped is not None, "rebuild: python scripts/build_packaged.py"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        loaded = LOADERS[kind]()
    # a note or warning of the loaders would not be given by the shipped table
    assert not said, [str(w.message) for w in said]
    try:
        _same(shipped, loaded)
    except AssertionError as exc:
        raise AssertionError(f"geodata/packaged_{kind}.parquet is not what the loaders give "
                             f"now; rebuild: python scripts/build_packaged.py\n{exc}") from exc


def test_build_script_writes_the_same_bytes_and_frames(tmp_path):
    loaded = {kind: LOADERS[kind]() for kind in TABLES}
    first = {p.name: p.read_bytes() for p in write_packaged(loaded, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in write_packaged(loaded, tmp_path / "b")}
    assert first == second
    assert sorted(first) == sorted(get_path(n).name for n in
                                   ("packaged_partners", "packaged_investments",
                                    "packaged_tables"))
    for kind in TABLES:
        frame = packaged._read_frame(tmp_path / "a" / f"packaged_{kind}.parquet")
        frame.attrs = loaded[kind].attrs
        _same(frame, loaded[kind])
    # the manifest: no machine path, the checksum of each source CSV
    manifest = json.loads(first["packaged_tables.json"])
    assert all("file" not in manifest["tables"][k]["attrs"] for k in TABLES)
    assert manifest["tables"]["partners"]["source_sha256"] == packaged.source_sha256("partners")
    for name in first:
        assert get_path(name.rsplit(".", 1)[0]).stat().st_size < 2 * 2**20


def test_default_corridor_does_not_load_the_csvs(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the packaged tables were loaded again")

    monkeypatch.setattr(ingest_tables, "load_partners", refuse)
    monkeypatch.setattr(ingest_tables, "load_investments", refuse)
    corridor = load_corridor()
    assert len(corridor.partners) == 6 and len(corridor.investments) == 1
    assert corridor.partners.attrs["file"] == str(get_path("partners"))
    # article=False: the empty tables keep the packaged columns, without the shortcut too
    empty = load_corridor(article=False)
    assert len(empty.partners) == 0 and "city_code" in empty.partners


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_map_is_byte_identical_without_the_shortcut(monkeypatch, lang):
    fast = map_page(load_corridor(), lang=lang)
    monkeypatch.setattr(model, "_PACKAGED_OPTIONS", ())  # never take the shortcut
    slow_corridor = load_corridor()
    slow = map_page(slow_corridor, lang=lang)
    assert fast.encode("utf-8") == slow.encode("utf-8")
    assert len(fast) > 100_000


def test_other_options_and_a_changed_csv_load_the_csv(monkeypatch):
    calls = []
    real = ingest_tables.load_partners

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_tables, "load_partners", counting)
    load_corridor(exclude_status="注销")
    load_corridor(datum="gcj02")
    assert len(calls) == 2
    # a source CSV that is not the one the files were built from: the CSV is read
    monkeypatch.setattr(packaged, "source_sha256", lambda kind: "0" * 64)
    packaged._cached.cache_clear()
    try:
        assert packaged_table("partners") is None
        assert len(load_corridor().partners) == 6
        assert len(calls) == 3
    finally:
        packaged._cached.cache_clear()


def test_default_build_reads_no_table_and_no_place_table(tmp_path):
    # the packaged tables are shipped joined: the build needs neither the readers and
    # checks of g60map.ingest nor the national place table
    code = (
        "import sys\n"
        "from g60map.cli import main\n"
        f"assert main(['-q', 'build', '--out', {str(tmp_path)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith(('g60map.ingest.',"
        " 'g60map.reference.places', 'g60map.reference.names'))))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stdout.strip().splitlines()[-1] == "[]"
    page = (tmp_path / "g60_corridor.html").read_text(encoding="utf-8")
    assert page == map_page(load_corridor())
