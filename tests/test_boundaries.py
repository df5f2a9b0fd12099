from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from g60map import load_boundaries, settings
from g60map.boundaries import load_admin_units, read_cnmaps

GEOD = Geod(ellps="WGS84")
SONGJIANG_GEONAMES = Point(121.22326, 31.03443)


@pytest.fixture(scope="module")
def cities():
    return load_boundaries("city")


@pytest.fixture(scope="module")
def full_cities():
    return load_boundaries("city", resolution="full")


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


@pytest.mark.slow
def test_simplified_is_a_coverage_close_to_full(cities, full_cities):
    assert shapely.coverage_is_valid(cities.geometry.values)
    n_simple = shapely.get_num_coordinates(cities.geometry.values).sum()
    n_full = shapely.get_num_coordinates(full_cities.geometry.values).sum()
    assert n_full > 150_000 and n_simple < n_full / 2
    a = cities.to_crs(settings.METRIC_CRS).geometry.values
    b = full_cities.to_crs(settings.METRIC_CRS).geometry.values
    assert shapely.hausdorff_distance(a, b).max() <= 150


def test_shipped_file_matches_fresh_derivation(cities):
    from g60map.boundaries import derive_boundaries

    fresh, _ = derive_boundaries(settings.SIMPLIFY_TOLERANCE_M)
    assert fresh["code"].tolist() == cities["code"].tolist()
    assert shapely.equals_exact(fresh.geometry.values, cities.geometry.values, 1e-9).all()


def test_cached_and_copies():
    a = load_boundaries("city")
    a.loc[0, "name_en"] = "changed"
    assert load_boundaries("city").loc[0, "name_en"] != "changed"


def test_admin_units_all_in_cnmaps():
    units = load_admin_units()
    assert len(units) == 60
    raw = read_cnmaps()
    assert len(raw) == 60 and not raw.geometry.is_empty.any()


def test_bad_arguments():
    with pytest.raises(ValueError, match="level must be"):
        load_boundaries("county")
    with pytest.raises(ValueError, match="resolution must be"):
        load_boundaries("city", resolution="medium")
