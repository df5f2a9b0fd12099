"""The vectorised pipeline on generated tables: correct at scale (timings live in benchmarks/)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from g60map import G60InputError, load_boundaries, load_cities, load_partners, settings
from g60map.ingest.join import locate_points
from g60map.ingest.read import read_table
from g60map.ingest.validate import validate_table

N = 20_000


@pytest.fixture(scope="module")
def generated(synthetic_partners, synthetic_partner_files):
    csv_path, pq_path = synthetic_partner_files(N, row_group_size=5_000)
    return synthetic_partners(N), csv_path, pq_path


@pytest.fixture(scope="module")
def loaded(generated):
    _, csv_path, _ = generated
    return load_partners(csv_path)


# ----------------------------------------------------------------------- pipeline


def test_every_generated_row_joins_to_its_city(generated, loaded):
    truth, _, _ = generated
    assert len(loaded) == N
    assert loaded["row"].tolist() == list(range(2, N + 2))
    assert (loaded["city_code"].to_numpy() == truth["city_code_expected"].to_numpy()).all()
    assert loaded["in_corridor"].all()
    point = truth["lon"].notna().to_numpy()
    assert (loaded["location_precision"].to_numpy() == np.where(point, "point", "city")).all()
    np.testing.assert_allclose(loaded["lon"].to_numpy()[point], truth["lon"].to_numpy()[point])
    seats = load_cities().set_index("code")
    seat_lon = seats.loc[loaded["city_code"][~point], "lon"].to_numpy()
    np.testing.assert_array_equal(loaded["lon"].to_numpy()[~point], seat_lon)
    assert loaded.crs.to_epsg() == 4326
    np.testing.assert_array_equal(loaded.geometry.x.to_numpy(), loaded["lon"].to_numpy())


def test_geoparquet_loads_like_the_csv(generated, loaded):
    _, _, pq_path = generated
    from_parquet = load_partners(pq_path)
    assert from_parquet.columns.tolist() == loaded.columns.tolist()
    for col in ("row", "name", "city", "city_code", "location_precision", "in_corridor"):
        assert (from_parquet[col].to_numpy() == loaded[col].to_numpy()).all(), col
    # Coordinates identical to the float64 bit (shortest repr round-trips).
    np.testing.assert_array_equal(from_parquet["lon"].to_numpy(), loaded["lon"].to_numpy())
    np.testing.assert_array_equal(from_parquet["lat"].to_numpy(), loaded["lat"].to_numpy())


def test_locate_points_matches_a_geopandas_sjoin():
    rng = np.random.default_rng(7)
    cities = load_boundaries("city", settings.JOIN_RESOLUTION)
    x0, y0, x1, y1 = cities.total_bounds
    lon = rng.uniform(x0 - 0.5, x1 + 0.5, 20_000)
    lat = rng.uniform(y0 - 0.5, y1 + 0.5, 20_000)
    lon[::50] = np.nan
    got = locate_points(lon, lat)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=settings.WGS84)
    ref = gpd.sjoin(pts, cities[["code", "geometry"]], predicate="within", how="left")
    ref = ref.groupby(level=0)["code"].min().reindex(range(len(lon))).fillna("")
    assert (got == ref.to_numpy()).all()
    assert (got != "").mean() > 0.3  # the sample really hits the polygons
    assert (got[::50] == "").all()  # NaN coordinates are never located


def test_point_on_a_shared_edge_goes_to_the_lowest_code():
    cities = load_boundaries("city", settings.JOIN_RESOLUTION).set_index("code")
    jiaxing = cities.loc["330400", "geometry"]
    checked = 0
    for code, geom in cities.geometry.items():
        if code == "330400" or not geom.intersects(jiaxing):
            continue
        coords = shapely.get_coordinates(shapely.intersection(jiaxing.boundary, geom.boundary))
        if not len(coords):
            continue
        x, y = coords[len(coords) // 2]  # a vertex shared by both polygons of the coverage
        on_edge = [c for c, g in cities.geometry.items() if g.intersects(shapely.Point(x, y))]
        assert {"330400", code} <= set(on_edge)
        assert locate_points(np.array([x]), np.array([y]))[0] == min(on_edge)
        checked += 1
    assert checked >= 4  # Jiaxing borders Shanghai districts, Suzhou, Hangzhou, Huzhou


# ----------------------------------------------------------------------- problems


def test_every_bad_row_is_reported_with_its_row(synthetic_partners, tmp_path):
    df = synthetic_partners(N).drop(columns="city_code_expected")
    df["lon"] = df["lon"].map("{:.5f}".format).replace("nan", "")
    df["lat"] = df["lat"].map("{:.5f}".format).replace("nan", "")
    bad_lon = np.arange(10, N, 97)
    bad_lon = bad_lon[(df.loc[bad_lon, "lat"] != "").to_numpy()]  # rows with a point
    bad_city = np.arange(5, N, 89)
    bad_city = bad_city[~np.isin(bad_city, bad_lon)]
    df.loc[bad_lon, "lon"] = "x"
    df.loc[bad_city, "city"] = "宿州"
    df.loc[bad_city, ["lon", "lat"]] = ""
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    with pytest.raises(G60InputError) as err:
        load_partners(path, outside="error")  # 宿州: outside the corridor
    problems = err.value.problems
    lon_rows = sorted(p.row for p in problems if p.column == "lon")
    city_rows = sorted(p.row for p in problems if p.column == "city")
    assert lon_rows == (bad_lon + 2).tolist()  # spreadsheet rows: header is row 1
    assert city_rows == (bad_city + 2).tolist()
    assert len(problems) == len(bad_lon) + len(bad_city)
    assert all("'x' is not a number" in p.message for p in problems if p.column == "lon")
    assert all("Suzhou, Anhui" in p.message for p in problems if p.column == "city")


@pytest.mark.parametrize("key", ["name", "kind"])
def test_duplicate_rows_match_a_full_row_comparison(key):
    rng = np.random.default_rng(3)
    n = 3_000
    df = pd.DataFrame(
        {
            "kind": rng.choice(["a", "b"], n),
            "name": rng.integers(0, 400, n).astype(str),  # many repeated names...
            "city": rng.choice(["Jiaxing", "Hefei", "Wuhu"], n),  # ...few full duplicates
        },
        dtype=str,
    )[["kind", "name", "city"] if key == "kind" else ["name", "kind", "city"]]
    df.index = pd.RangeIndex(2, n + 2, name="row")
    df.attrs["file"] = "t.csv"
    _, problems = validate_table(df, "partners")
    dup = [p for p in problems if p.column is None]
    expected = df.duplicated(keep="first")
    assert 0 < expected.sum() < n
    assert sorted(p.row for p in dup) == df.index[expected].tolist()
    first = {}
    for r, values in zip(df.index, df.itertuples(index=False), strict=True):
        first.setdefault(tuple(values), r)
    for p in dup:
        assert p.message == f"duplicate of row {first[tuple(df.loc[p.row])]} (delete one of them)"


# ----------------------------------------------------------------------- GeoParquet input


def test_geoparquet_in_another_crs_and_missing_points(tmp_path):
    lon = np.array([120.2, 117.28, np.nan])
    lat = np.array([30.25, 31.86, np.nan])
    geom = shapely.points(lon, lat)
    geom[2] = None
    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"], "city": ["", "", "Wuhu"], "n": [1, 2, 3]},
        geometry=geom,
        crs=settings.WGS84,
    ).to_crs(3857)
    gdf.to_parquet(tmp_path / "p.parquet")
    table = read_table(tmp_path / "p.parquet")
    assert table.columns.tolist() == ["name", "city", "n", "lon", "lat"]
    assert table.index.tolist() == [2, 3, 4]
    assert table.loc[4, "lon"] == "" and table.loc[4, "n"] == "3"
    np.testing.assert_allclose(pd.to_numeric(table["lon"][:2]), lon[:2], atol=1e-9)
    partners = load_partners(tmp_path / "p.parquet")
    assert partners["city_en"].tolist() == ["Hangzhou", "Hefei", "Wuhu"]
    assert partners["location_precision"].tolist() == ["point", "point", "city"]


def test_geoparquet_rejects_non_point_geometry(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"]},
        geometry=[shapely.Point(120.2, 30.2), shapely.box(120, 30, 121, 31), shapely.Point()],
        crs=settings.WGS84,
    )
    gdf.to_parquet(tmp_path / "poly.parquet")
    with pytest.raises(G60InputError) as err:
        read_table(tmp_path / "poly.parquet")
    assert [str(p) for p in err.value.problems] == [
        f"{tmp_path / 'poly.parquet'}:3:geometry: geometry is a Polygon, not a point "
        "(store one point per row, or lon/lat columns)"
    ]


def test_plain_parquet_and_lon_lat_columns_win(tmp_path):
    pd.DataFrame({"name": ["a"], "lon": [120.2], "lat": [30.25]}).to_parquet(
        tmp_path / "plain.parquet"
    )
    assert load_partners(tmp_path / "plain.parquet")["city_code"].tolist() == ["330100"]
    gpd.GeoDataFrame(
        {"name": ["a"], "lon": ["117.28"], "lat": ["31.86"]},
        geometry=[shapely.Point(120.2, 30.25)],
        crs=settings.WGS84,
    ).to_parquet(tmp_path / "both.parquet")
    assert load_partners(tmp_path / "both.parquet")["city_code"].tolist() == ["340100"]
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(G60InputError, match="not a readable Parquet file"):
        read_table(tmp_path / "broken.parquet")
