from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from g60map.ingest.join import locate_points, resolve_cities, resolve_city


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Suzhou", "320500"), ("苏州", "320500"), ("苏州市", "320500"), ("320500", "320500"),
        ("Songjiang", "310117"), ("松江区", "310117"), ("Songjiang District", "310117"),
        ("hangzhou", "330100"), ("Hangzhou City", "330100"), ("合肥", "340100"),
        ("Suzhou, Jiangsu", "320500"), ("宣城市", "341800"), (" Wuhu ", "340200"),
    ],
)
def test_members_by_name_alias_code(value, code):
    assert resolve_city(value) == (code, "")


def test_suzhou_anhui_is_not_a_corridor_city():
    for value in ("宿州", "宿州市", "341300", "Suzhou, Anhui"):
        code, problem = resolve_city(value)
        assert code == ""
        assert "Suzhou, Anhui (341300), not a corridor city" in problem
        assert "苏州" in problem


def test_other_units_unknown_ambiguous_province():
    assert "Ningbo, Zhejiang (330200), not a corridor city" in resolve_city("宁波")[1]
    assert "is a province" in resolve_city("Shanghai")[1]
    assert "Songjiang" in resolve_city("上海市")[1]
    assert "ambiguous" in resolve_city("Hangzhou/Jiaxing")[1]
    assert "did you mean Hangzhou" in resolve_city("Hangzou")[1]
    assert "unknown city 'Atlantis'" in resolve_city("Atlantis")[1]


def test_resolve_cities_reports_rows():
    values = pd.Series(["Hefei", "宿州", "", "Hefei"], index=[2, 3, 4, 5])
    codes, problems = resolve_cities(values, "f.csv")
    assert codes.tolist() == ["340100", "", "", "340100"]
    assert [str(p).split(": ")[0] for p in problems] == ["f.csv:3:city"]


def test_locate_points():
    lon = np.array([121.22326, 120.16142, 121.55, 116.4, np.nan])
    lat = np.array([31.03443, 30.29365, 29.87, 39.9, np.nan])
    assert locate_points(lon, lat).tolist() == ["310117", "330100", "330200", "", ""]


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("上海市松江区九亭镇涞寅路1号", "310117"),
        ("上海松江区洞泾镇", "310117"),
        ("上海市松江区金华路8号", "310117"),  # a street named after Jinhua stays in Songjiang
        ("浙江省嘉兴市南湖区亚太路1号", "330400"),
        ("杭州市余杭区文一西路969号", "330100"),
        ("江苏省苏州市工业园区星湖街328号", "320500"),
        ("安徽省合肥市高新区望江西路", "340100"),
        ("芜湖市鸠江区", "340200"),
        ("宣城经济技术开发区, 宣城市", "341800"),
        ("Room 1, No. 9 Road, Songjiang District, Shanghai", "310117"),
        ("Jinhua, Zhejiang", "330700"),
        ("浙江省湖州市吴兴区", "330500"),
        ("昆山市玉山镇", "320500"),  # a county-level city of Suzhou, without the prefecture
    ],
)
def test_addresses_resolve_to_the_city_they_name(address, code):
    from g60map.ingest.join import resolve_address

    assert resolve_address(address) == (code, "")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("安徽省宿州市埇桥区", "is in 宿州市 (Suzhou, Anhui, 341300), not a corridor city"),
        ("上海市闵行区", "is in 闵行区 (Minhang, Shanghai, 310112), not a corridor city"),
        ("上海市", "names Shanghai but no district"),
        ("北京市海淀区", "is in 海淀区 (北京市, 110108), not a corridor city"),
        ("某地", "names no province, city or district"),
    ],
)
def test_addresses_outside_the_corridor_say_where_they_are(address, expected):
    from g60map.ingest.join import resolve_address

    code, message = resolve_address(address)
    assert code == "" and expected in message


def test_city_cells_may_be_longer_place_names():
    codes, problems = resolve_cities(
        pd.Series(["上海市松江区", "浙江省嘉兴市", "上海市闵行区"], index=[2, 3, 4]), "t.csv"
    )
    assert codes.tolist() == ["310117", "330400", ""]
    assert [str(p) for p in problems] == [
        "t.csv:4:city: '上海市闵行区' is in 闵行区 (Minhang, Shanghai, 310112), not a corridor city"
    ]


def test_locate_points_uses_full_resolution_near_borders():
    import shapely

    from g60map import load_boundaries

    full = load_boundaries("city", "full").set_index("code").geometry
    simple = load_boundaries("city").set_index("code").geometry
    # Slivers of Songjiang that the simplified boundaries give to a neighbour.
    sliver = shapely.difference(full["310117"], simple["310117"])
    parts = [g for g in shapely.get_parts(sliver) if g.area > 1e-8]
    points = [g.point_on_surface() for g in parts]
    points = [p for p in points if not shapely.contains(simple["310117"], p)]
    assert len(points) >= 5
    lon = np.array([p.x for p in points])
    lat = np.array([p.y for p in points])
    assert set(locate_points(lon, lat).tolist()) == {"310117"}


# --------------------------------------------------------------------------------------
# one point-in-polygon rule: the smallest code among the polygons that cover the point


def _shared_points(level: str, a: str, b: str, c: str | None = None) -> tuple[tuple, tuple]:
    """A vertex shared by the units ``a`` and ``b`` (and ``c``) and a point exactly on an
    edge they share (the midpoint of a common segment that both polygons cover), from the
    boundaries the joins use (``settings.JOIN_RESOLUTION``)."""
    import shapely

    from g60map import load_boundaries, settings

    polys = load_boundaries(level, settings.JOIN_RESOLUTION).set_index("code").geometry
    codes = [a, b, *([c] if c else [])]

    def verts(code):
        return {tuple(p) for p in shapely.get_coordinates(shapely.boundary(polys[code]))}

    shared = set.intersection(*(verts(code) for code in codes))
    assert shared, codes
    vertex = min(shared)
    edge = None
    ring = shapely.get_coordinates(shapely.boundary(polys[a]))
    for p, q in zip(ring[:-1], ring[1:], strict=True):
        mid = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
        pt = shapely.Point(mid)
        if all(polys[code].covers(pt) for code in (a, b)) and mid not in shared:
            edge = mid
            break
    assert edge is not None and all(polys[code].covers(shapely.Point(vertex)) for code in codes)
    return vertex, edge


def _empty_investments():
    import geopandas as gpd

    return gpd.GeoDataFrame({"amount_cny": [], "amount_usd": []}, geometry=[],
                            crs="EPSG:4326")


@pytest.mark.parametrize("where", ["vertex", "edge"])
def test_a_point_on_a_shared_city_border_goes_to_the_smallest_code_by_every_path(where):
    import geopandas as gpd

    import g60map
    from g60map import settings
    from g60map.corridor.summary import corridor_summary

    # Hangzhou, Jiaxing and Huzhou meet at one point; Jiaxing comes first in the corridor
    vertex, edge = _shared_points("city", "330400", "330100", "330500" if where == "vertex"
                                  else None)
    lon, lat = vertex if where == "vertex" else edge
    expected = "330100"
    assert locate_points(np.array([lon]), np.array([lat])).tolist() == [expected]
    loaded = g60map.load_partners(pd.DataFrame({"name": ["on the border"], "lon": [str(lon)],
                                                "lat": [str(lat)]}))
    assert loaded["city_code"].tolist() == [expected]
    points = gpd.GeoDataFrame({"name": ["on the border"]}, geometry=gpd.points_from_xy(
        [lon], [lat]), crs="EPSG:4326")  # no city_code: joined by point in polygon
    full = g60map.load_boundaries("city", settings.JOIN_RESOLUTION)
    for boundaries in (full, full.iloc[::-1]):  # whatever the order of the polygons
        summary = corridor_summary(points, _empty_investments(), boundaries)
        counted = summary.loc[summary["partners"] > 0, "code"].tolist()
        assert counted == [expected]


@pytest.mark.parametrize("where", ["vertex", "edge"])
def test_a_point_on_a_shared_district_border_goes_to_the_smallest_code_by_every_path(where):
    import geopandas as gpd

    import g60map
    from g60map import settings
    from g60map.corridor.summary import district_summary
    from g60map.ingest.placing import locate_districts

    districts = g60map.load_boundaries("district", settings.JOIN_RESOLUTION)
    hz = sorted(districts.loc[districts["city_code"] == "330100", "code"])
    polys = districts.set_index("code").geometry
    a, b = next((x, y) for x in hz for y in hz if x < y and polys[x].touches(polys[y])
                and polys[x].intersection(polys[y]).length > 0)
    vertex, edge = _shared_points("district", b, a)
    lon, lat = vertex if where == "vertex" else edge
    assert locate_districts(np.array([lon]), np.array([lat])).tolist() == [a]
    points = gpd.GeoDataFrame({"name": ["on the border"]}, geometry=gpd.points_from_xy(
        [lon], [lat]), crs="EPSG:4326")  # no district_code: joined by point in polygon
    for frame in (districts, districts.iloc[::-1]):
        summary = district_summary(points, _empty_investments(), frame)
        assert summary.loc[summary["partners"] > 0, "code"].tolist() == [a]


def test_locate_in_takes_the_smallest_covering_code_whatever_the_order():
    import shapely

    from g60map.ingest.join import locate_in, prepared_polygons

    boxes = [shapely.box(1, 0, 2, 1), shapely.box(0, 0, 1, 1), shapely.box(0, 1, 1, 2)]
    x, y = np.array([1.0, 1.0, 0.5, 3.0, np.nan]), np.array([0.5, 1.0, 0.5, 3.0, 0.0])
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        polys = prepared_polygons([["b", "a", "c"][i] for i in order], [boxes[i] for i in order])
        assert locate_in(x, y, polys).tolist() == ["a", "a", "a", "", ""]


def test_locate_in_matches_a_brute_force_smallest_code_rule_on_random_points():
    import shapely

    from g60map.ingest.join import locate_in, prepared_polygons

    boxes = [("b", shapely.box(0, 0, 2, 2)), ("a", shapely.box(1, 1, 3, 3)),
             ("c", shapely.box(5, 5, 6, 6))]
    polygons = prepared_polygons([c for c, _ in boxes], [g for _, g in boxes])
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-1, 7, 2_000).round(1), rng.uniform(-1, 7, 2_000).round(1)
    lon[::50] = np.nan
    want = [min((c for c, g in boxes if shapely.intersects_xy(g, x, y)), default="")
            for x, y in zip(lon, lat, strict=True)]
    assert locate_in(lon, lat, polygons).tolist() == want
    assert {"a", "b", "c", ""} <= set(want)  # overlaps, edges (rounded), outside, NaN
