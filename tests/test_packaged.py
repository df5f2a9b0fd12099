"""The default corridor's packaged frames ship computed: equal to what the loaders and
load_corridor compute, read only for the packaged data with the default options and
settings, and the maps are byte-identical."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import pytest
from geopandas.testing import assert_geodataframe_equal

from g60map import settings
from g60map.corridor import model
from g60map.corridor.model import load_corridor
from g60map.ingest import tables as ingest_tables
from g60map.ingest.tables import load_investments, load_partners
from g60map.reference import packaged
from g60map.reference.datasets import get_path
from g60map.reference.packaged import (
    CORRIDOR_FRAMES,
    TABLES,
    packaged_corridor,
    packaged_table,
    write_packaged,
)
from g60map.render.web.plain_page import map_page

LOADERS = {"partners": load_partners, "investments": load_investments}
REBUILD = "rebuild: python scripts/build_packaged.py"


def _same(shipped, computed, what: str) -> None:
    try:
        assert_geodataframe_equal(shipped, computed, check_dtype=True, check_index_type=True,
                                  check_column_type=True, check_crs=True, check_geom_type=True)
        assert [repr(t) for t in shipped.dtypes] == [repr(t) for t in computed.dtypes]
        assert [getattr(t, "storage", None) for t in shipped.dtypes] == \
            [getattr(t, "storage", None) for t in computed.dtypes]
        assert shipped.attrs == computed.attrs
    except AssertionError as exc:
        raise AssertionError(f"the shipped {what} is not what g60map computes now; "
                             f"{REBUILD}\n{exc}") from exc


def _same_overview(shipped: dict, computed: dict) -> None:
    assert list(shipped) == list(computed), REBUILD
    for key, value in computed.items():
        assert type(shipped[key]) is type(value), (key, REBUILD)
        same = shipped[key] == value or (isinstance(value, float) and math.isnan(value)
                                         and math.isnan(shipped[key]))
        assert same, (key, shipped[key], value, REBUILD)


@pytest.fixture(scope="module")
def computed():
    with model._computing():
        return load_corridor()


@pytest.mark.parametrize("kind", TABLES)
def test_shipped_tables_equal_what_the_loaders_compute(kind):
    # the loaders read geodata/<kind>.csv through the whole ingest path
    shipped = packaged_table(kind)
    assert shipped is not None, REBUILD
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        loaded = LOADERS[kind]()
    # a note or warning of the loaders would not be given by the shipped table
    assert not said, [str(w.message) for w in said]
    _same(shipped, loaded, f"packaged_{kind}.parquet")


def test_shipped_corridor_equals_what_load_corridor_computes(computed):
    fast = load_corridor()
    assert packaged_corridor() is not None, REBUILD
    for name in (*TABLES, *CORRIDOR_FRAMES, "cities", "flows"):
        _same(getattr(fast, name), getattr(computed, name), name)
    _same_overview(fast.overview, computed.overview)
    assert fast.sources == computed.sources and fast.inputs == computed.inputs
    assert list(fast.boundaries) == list(computed.boundaries)


def test_build_script_writes_the_same_bytes_and_frames(tmp_path, computed):
    frames = {kind: LOADERS[kind]() for kind in TABLES}
    frames.update({name: getattr(computed, name) for name in CORRIDOR_FRAMES})
    first = {p.name: p.read_bytes() for p in
             write_packaged(frames, computed.overview, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in
              write_packaged(frames, computed.overview, tmp_path / "b")}
    assert first == second
    names = [f"packaged_{n}" for n in (*TABLES, *CORRIDOR_FRAMES)] + [packaged.MANIFEST]
    assert sorted(first) == sorted(get_path(n).name for n in names)
    for name in (*TABLES, *CORRIDOR_FRAMES):
        frame = packaged._read_frame(tmp_path / "a" / f"packaged_{name}.parquet")
        frame.attrs = frames[name].attrs
        _same(frame, frames[name], name)
    # the manifest: no machine path, the checksum of each source file
    manifest = json.loads(first["packaged_tables.json"])
    assert all("file" not in manifest["frames"][k]["attrs"] for k in TABLES)
    assert manifest["sources"] == packaged.sources_sha256()
    for name in names:  # each file under 2 MiB
        assert get_path(name).stat().st_size < 2 * 2**20


def test_default_corridor_does_not_load_the_csvs(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the packaged tables were loaded again")

    monkeypatch.setattr(ingest_tables, "load_partners", refuse)
    monkeypatch.setattr(ingest_tables, "load_investments", refuse)
    monkeypatch.setattr(model, "corridor_summary", refuse)
    corridor = load_corridor()
    assert len(corridor.partners) == 6 and len(corridor.investments) == 1
    assert corridor.partners.attrs["file"] == str(get_path("partners"))
    assert corridor.overview["partners"] == 6
    # article=False: the empty tables keep the packaged columns (the summary is computed)
    monkeypatch.undo()
    empty = load_corridor(article=False)
    assert len(empty.partners) == 0 and "city_code" in empty.partners
    assert empty.overview["partners"] == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_map_is_byte_identical_without_the_shortcut(computed, lang):
    fast = map_page(load_corridor(), lang=lang)
    slow = map_page(computed, lang=lang)
    assert fast.encode("utf-8") == slow.encode("utf-8")
    assert len(fast) > 100_000


def test_other_options_settings_and_files_compute_again(monkeypatch):
    calls = []
    real = ingest_tables.load_partners

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_tables, "load_partners", counting)
    load_corridor(exclude_status="注销")
    load_corridor(datum="gcj02")
    assert len(calls) == 2
    # a setting the frames depend on, changed at run time: computed with it
    monkeypatch.setattr(settings, "SPOKE_STEP_KM", 2.5)
    assert packaged_corridor() is None
    assert load_corridor().spokes.attrs["step_km"] == 2.5
    assert len(calls) == 3
    monkeypatch.undo()
    monkeypatch.setattr(ingest_tables, "load_partners", counting)
    # a packaged file that is not the one the frames were built from: the CSV is read
    monkeypatch.setattr(packaged, "sources_sha256", lambda: {"partners": "0" * 64})
    packaged._manifest.cache_clear()
    try:
        assert packaged_table("partners") is None and packaged_corridor() is None
        assert len(load_corridor().partners) == 6
        assert len(calls) == 4
    finally:
        packaged._manifest.cache_clear()


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
    # bytes: the inlined Leaflet keeps its CR LF line ends
    page = (tmp_path / "g60_corridor.html").read_bytes().decode("utf-8")
    assert page == map_page(load_corridor(), self_contained=True)
