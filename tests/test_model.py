"""The Corridor: built once, article data only when asked, every frame in WGS-84."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import pytest

import g60map
from g60map import settings
from g60map.corridor.model import Corridor, load_corridor, resolve_tables
from g60map.reference.datasets import get_path


@pytest.fixture(scope="module")
def default() -> Corridor:
    return load_corridor()


def test_default_corridor_carries_the_article_data(default):
    assert default.packaged == frozenset({"partners", "investments"})
    assert len(default.partners) == 6 and len(default.investments) == 1
    assert default.overview["invest_cny"] == pytest.approx(15e9)
    assert default.partners_per_city.to_dict()[settings.HUB_CODE] == 6
    assert any("tencent-g60-article.txt" in line for line in default.sources)


def test_every_frame_is_wgs84_with_a_fresh_index(default):
    frames = {
        "cities": default.cities,
        "spokes": default.spokes,
        "trunk": default.trunk,
        "partners": default.partners,
        "investments": default.investments,
        "summary": default.summary,
        **{f"boundaries[{k}]": v for k, v in default.boundaries.items()},
    }
    for name, frame in frames.items():
        assert isinstance(frame, gpd.GeoDataFrame), name
        assert frame.crs.to_epsg() == 4326, name
        assert list(frame.index) == list(range(len(frame))), name
    assert {"province", "city"} <= set(default.boundaries)


def test_summary_and_overview_agree(default):
    s = default.summary
    assert len(s) == 9 and s["code"].iloc[0] == settings.HUB_CODE
    assert default.overview["partners"] == int(s["partners"].sum()) == len(default.partners)
    assert default.overview["invest_cny"] == pytest.approx(s["invest_cny"].sum())


def test_one_table_given_leaves_the_other_empty(default):
    mine = load_corridor(default.partners)
    assert mine.packaged == frozenset()
    assert len(mine.partners) == 6 and len(mine.investments) == 0
    assert mine.overview["invest_cny"] == 0.0
    assert any(line == "investments: none" for line in mine.sources)
    # ... unless asked explicitly
    both = load_corridor(default.partners, article=True)
    assert both.packaged == frozenset({"investments"}) and len(both.investments) == 1
    none = load_corridor(article=False)
    assert len(none.partners) == 0 and len(none.investments) == 0


def test_resolve_tables_rejects_a_bad_article_flag():
    with pytest.raises(ValueError, match="article must be"):
        resolve_tables(article="yes")


def test_inputs_name_files_and_checksums(tmp_path, default):
    path = tmp_path / "mine.csv"
    path.write_text("name,city\nAcme,Hangzhou\nBeta,Hefei\n", encoding="utf-8")
    c = load_corridor(path)
    first = c.inputs[0]
    assert (first.label, first.name, first.rows) == ("partners", "mine.csv", 2)
    assert first.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    packaged = {i.label: i for i in default.inputs}
    digest = hashlib.sha256(get_path("partners").read_bytes()).hexdigest()
    assert packaged["partners"].sha256 == digest
    assert packaged["City seats (packaged)"].sha256 == hashlib.sha256(
        get_path("cities").read_bytes()
    ).hexdigest()
    counts = c.partners_per_city
    assert counts["330100"] == 1 and counts["340100"] == 1 and counts.sum() == 2


def test_layers_are_the_export_set(default):
    layers = default.layers()
    assert list(layers)[:3] == ["cities", "city_boundaries", "provinces"]
    assert {"spokes", "partners", "investments", "summary"} <= set(layers)
    assert layers["summary"] is default.summary


def test_exported_from_the_package(default):
    assert g60map.Corridor is Corridor and g60map.load_corridor is load_corridor
    assert "Corridor:" in repr(default)


def test_a_frame_without_crs_is_a_clear_error(default):
    bare = pd.DataFrame(default.partners.drop(columns="geometry"))
    frame = gpd.GeoDataFrame(bare, geometry=gpd.points_from_xy(bare.lon, bare.lat))
    with pytest.raises(g60map.G60InputError, match="no CRS"):
        load_corridor(frame)


def test_outputs_take_a_table_as_a_convenience(default):
    from g60map.corridor.model import as_corridor

    raw = gpd.GeoDataFrame(
        {"name": ["Acme", "Beta"]},
        geometry=gpd.points_from_xy([120.16, 117.23], [30.27, 31.82]),
        crs="EPSG:4326",
    )
    c = as_corridor(raw)  # a raw frame is validated and joined: counts are not zero
    assert c.partners_per_city["330100"] == 1 and c.partners_per_city["340100"] == 1
    assert as_corridor(default) is default
    with pytest.raises(TypeError, match="expected a Corridor"):
        as_corridor(42)


def test_district_summary_counts_each_row_in_its_district(tmp_path):
    table = (
        "name,address\n"
        "A,浙江省嘉兴市南湖区亚太路1号\n"
        "B,浙江省嘉兴市南湖区由拳路2号\n"
        "C,安徽省合肥市蜀山区长江西路3号\n"
        "D,上海市松江区广富林路4号\n"
    )
    path = tmp_path / "p.csv"
    path.write_text(table, encoding="utf-8")
    c = load_corridor(path)
    ds = c.district_summary.set_index("code")
    assert len(ds) == 82 and c.district_summary.crs.to_epsg() == 4326
    assert ds.at["330402", "partners"] == 2  # 南湖区
    assert ds.at["340104", "partners"] == 1  # 蜀山区
    assert ds.at["310117", "partners"] == 1  # 松江区
    assert ds["partners"].sum() == c.summary["partners"].sum() == 4
    # each district's row lies in its city's summary row
    by_city = ds.groupby("city_code")["partners"].sum()
    assert {k: v for k, v in by_city.items() if v} == {
        k: v for k, v in c.partners_per_city.items() if v
    }
    assert "district_summary" in c.layers()


def test_one_loaded_marker_a_frame_that_only_looks_joined_is_loaded_again():
    """The loader's marker (tables.is_loaded) is the corridor's: a hand-made frame with a
    city_code that does not hold its point goes through the loader, not around it."""
    import shapely

    from g60map.ingest.tables import is_loaded

    frame = gpd.GeoDataFrame(
        {"name": ["A"], "city_code": ["330400"], "in_corridor": [True],
         "location_precision": ["point"]},
        geometry=[shapely.Point(120.16, 30.29)], crs="EPSG:4326")  # a point in Hangzhou
    assert not is_loaded(frame)
    corridor = load_corridor(frame)
    assert is_loaded(corridor.partners)
    assert corridor.partners_per_city[["330100", "330400"]].tolist() == [1, 0]
    again = load_corridor(corridor.partners)  # a loaded table is used as it is
    assert again.partners is not corridor.partners
    assert again.partners_per_city.equals(corridor.partners_per_city)


def test_rows_skipped_are_counted_in_the_sources(tmp_path):
    from g60map.render.docs.content import report_content

    path = tmp_path / "registry.csv"
    path.write_text(
        "企业名称,注册资本,成立日期,注册地址\n"
        "湖州南浔智造有限公司,1200万元人民币,2017-09-18,浙江省湖州市南浔区练市镇工业大道18号\n"
        "宣城经开新能源有限公司,600万元人民币,2021-06-31,安徽省宣城市宣州区宝城路286号\n",
        encoding="utf-8",
    )
    with pytest.warns(g60map.G60Warning, match="1 bad row"):
        corridor = load_corridor(path, on_bad_rows="skip")
    assert len(corridor.partners) == 1
    assert corridor.sources[0] == "partners: registry.csv (1 bad row(s) skipped)"
    assert "partners: registry.csv (1 bad row(s) skipped)" in " ".join(
        report_content(corridor, "en").sources)


def test_district_boundaries_are_read_only_when_asked_for(monkeypatch):
    from g60map.corridor import _levels
    from g60map.corridor.summary import district_summary

    read = []
    real = _levels.load_boundaries

    def spy(level, resolution="simplified"):
        read.append(level)
        return real(level, resolution)

    monkeypatch.setattr(_levels, "load_boundaries", spy)
    c = load_corridor()
    assert "district" in c.boundaries and list(c.boundaries) == ["province", "city", "district"]
    assert read == ["province", "city"]
    got = c.district_summary
    assert read == ["province", "city", "district"]
    want = district_summary(c.partners, c.investments, real("district"))
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))
    assert int(got["partners"].sum()) == 6
    assert c.district_summary is got  # computed once
    assert list(c.layers())[3] == "districts"
