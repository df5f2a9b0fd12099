from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from g60map.reference.datum import (
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    shift_gdf,
    to_wgs84,
    wgs84_to_gcj02,
)

# (lat, lon) WGS-84 -> GCJ-02 reference vectors.
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_reference_vectors_forward(wgs, gcj):
    lon, lat = wgs84_to_gcj02(wgs[1], wgs[0])
    assert abs(float(lon) - gcj[1]) < 1e-6
    assert abs(float(lat) - gcj[0]) < 1e-6


def test_reference_vectors_vectorised_and_inverse():
    wgs = np.array([w for w, _ in REFERENCE])
    gcj = np.array([g for _, g in REFERENCE])
    lon, lat = wgs84_to_gcj02(wgs[:, 1], wgs[:, 0])
    np.testing.assert_allclose(lon, gcj[:, 1], atol=1e-6)
    np.testing.assert_allclose(lat, gcj[:, 0], atol=1e-6)
    blon, blat = gcj02_to_wgs84(gcj[:, 1], gcj[:, 0])
    np.testing.assert_allclose(blon, wgs[:, 1], atol=1e-8)
    np.testing.assert_allclose(blat, wgs[:, 0], atol=1e-8)


def test_round_trip_below_one_centimetre_over_the_corridor():
    rng = np.random.default_rng(0)
    lon = rng.uniform(116.5, 122.5, 20_000)
    lat = rng.uniform(28.5, 33.0, 20_000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = gcj02_to_wgs84(glon, glat)
    _, _, dist = GEOD.inv(lon, lat, blon, blat)
    assert np.max(dist) < 0.01
    # The shift itself is real: 0.3-0.7 km in the corridor.
    _, _, offset = GEOD.inv(lon, lat, glon, glat)
    assert 200 < offset.min() and offset.max() < 800


def test_uses_krasovsky_radius_not_wgs84():
    # With a = 6378137 the first reference vector is off by ~0.5 m, more than 1e-6 deg.
    lon, lat = wgs84_to_gcj02(121.5272106, 31.1774276)
    _, _, d = GEOD.inv(float(lon), float(lat), 121.531541859215, 31.17530398364597)
    assert d < 0.05


def test_identity_outside_china():
    lon = np.array([2.3522, -74.006, 151.2093])
    lat = np.array([48.8566, 40.7128, -33.8688])
    assert not in_china(lon, lat).any()
    glon, glat = wgs84_to_gcj02(lon, lat)
    np.testing.assert_array_equal(glon, lon)
    np.testing.assert_array_equal(glat, lat)
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    np.testing.assert_array_equal(wlon, lon)


def test_shift_gdf_moves_every_vertex_and_keeps_input(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Polygon

    poly = Polygon([(121.2, 31.0), (121.3, 31.0), (121.3, 31.1), (121.2, 31.0)])
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[poly], crs="EPSG:4326")
    shifted = shift_gdf(gdf, to="gcj02")
    back = shift_gdf(shifted, to="wgs84")
    assert gdf.geometry.iloc[0].equals(poly)  # input untouched
    assert shifted.geometry.iloc[0].hausdorff_distance(poly) > 0.003  # ~0.5 km in degrees
    assert back.geometry.iloc[0].hausdorff_distance(poly) < 1e-9
    with pytest.raises(ValueError, match="to must be"):
        shift_gdf(gdf, to="bd09")
    with pytest.raises(ValueError, match="geographic"):
        shift_gdf(gdf.to_crs(3857), to="gcj02")


# ----------------------------------------------------------------------------- BD-09

def test_bd09_forward_matches_the_published_reference():
    # wandergis/coordtransform's reference pair (Tiananmen area, GCJ-02 -> BD-09)
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert abs(lon - 116.41036949371029) < 1e-12 and abs(lat - 39.92133699351021) < 1e-12


def test_bd09_inverse_is_exact_and_close_to_the_published_approximation():
    rng = np.random.default_rng(9)
    lon, lat = rng.uniform(116.5, 122.5, 5000), rng.uniform(28.5, 33.5, 5000)
    glon, glat = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert np.abs(glon - lon).max() < 1e-9 and np.abs(glat - lat).max() < 1e-9
    # the closed-form approximation gives (116.39762729119315, 39.90865673957631): < 0.1 m
    x, y = bd09_to_gcj02(116.404, 39.915)
    assert abs(x - 116.39762729119315) < 1e-6 and abs(y - 39.90865673957631) < 1e-6


def test_to_wgs84_from_every_datum():
    x, y = 121.22326, 31.03443  # Songjiang seat, WGS-84
    gx, gy = wgs84_to_gcj02(x, y)
    bx, by = gcj02_to_bd09(gx, gy)
    for datum, (a, b) in {"wgs84": (x, y), "gcj02": (gx, gy), "bd09": (bx, by)}.items():
        lon, lat = to_wgs84(a, b, datum)
        assert abs(lon - x) < 1e-9 and abs(lat - y) < 1e-9, datum
    with pytest.raises(ValueError, match="datum must be one of"):
        to_wgs84(x, y, "bd-09")


def test_the_same_place_from_amap_and_baidu_lands_on_its_wgs84_point():
    """Published vectors of one place (Tiananmen area, wandergis/coordTransform): GCJ-02
    (116.404, 39.915), its BD-09 (116.41036949371029, 39.92133699351021) and WGS-84
    (116.39775550083061, 39.91359571849836, from the published approximate inverse, good to
    a few centimetres here). Loaded as a table, both rows land within a few metres of it."""
    import pandas as pd

    from g60map import load_partners

    wgs = (116.39775550083061, 39.91359571849836)
    df = pd.DataFrame({
        "name": ["from AMap", "from Baidu"],
        "lon": [116.404, 116.41036949371029],
        "lat": [39.915, 39.92133699351021],
        "datum": ["gcj02", "bd09"],
    })
    partners = load_partners(df, outside="keep")
    _, _, dist = GEOD.inv(partners["lon"], partners["lat"], [wgs[0]] * 2, [wgs[1]] * 2)
    assert np.max(dist) < 3.0
    (x1, x2), (y1, y2) = partners["lon"], partners["lat"]
    _, _, apart = GEOD.inv(x1, y1, x2, y2)
    assert apart < 0.01  # the two sources agree to a centimetre
    _, _, raw = GEOD.inv(116.404, 39.915, *wgs)
    assert raw > 400  # read as WGS-84, the AMap point would be ~0.6 km off


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_a_points_wgs84_does_not_depend_on_the_other_points(datum):
    """A table read in parts (the dask engine) gives each point the coordinates of the whole."""
    from g60map.reference.datum import to_wgs84

    rng = np.random.default_rng(5)
    lon = rng.uniform(116.0, 122.0, 300)
    lat = rng.uniform(28.0, 33.0, 300)
    whole = np.column_stack(to_wgs84(lon, lat, datum))
    one_by_one = np.array([np.ravel(to_wgs84(lon[i: i + 1], lat[i: i + 1], datum))[:2]
                           for i in range(len(lon))])
    assert whole.tobytes() == one_by_one.tobytes()
