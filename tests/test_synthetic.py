"""g60map.reference.synthetic: deterministic made-up tables whose truth the pipeline gives back."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
import shapely

from g60map import load_boundaries, load_investments, load_partners, settings
from g60map.ingest.join import resolve_address
from g60map.reference import synthetic
from g60map.reference.synthetic import (
    as_points,
    make_investments,
    make_partners,
    make_registry,
    write_partners,
)


@pytest.fixture(scope="module")
def cities():
    return load_boundaries("city", settings.JOIN_RESOLUTION).set_index("code")


# ----------------------------------------------------------------------- partners


def test_generator_is_deterministic_and_inside_its_city(cities, tmp_path):
    a, b = make_partners(3_000), make_partners(3_000)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(make_partners(3_000, seed=61))
    has = a["lon"].notna()
    assert 0.03 < 1 - has.mean() < 0.07  # ~5 % city-only rows
    for code, rows in a[has].groupby("city_code_expected"):
        geom = cities.at[code, "geometry"]
        assert shapely.contains_xy(geom, rows["lon"], rows["lat"]).all(), code
    assert set(a["city_code_expected"]) == set(settings.MEMBER_CODES)
    p1 = write_partners(500, tmp_path / "one")
    p2 = write_partners(500, tmp_path / "two")
    for x, y in zip(p1, p2, strict=True):
        assert x.read_bytes() == y.read_bytes()


def test_rows_say_they_are_synthetic():
    a = make_partners(200, seed=5)
    assert a["name"].str.fullmatch(r"Synthetic Co\. \d{4}").all()
    assert a["name_zh"].str.fullmatch(r"合成企业\d{4}").all()
    assert a["website"].str.fullmatch(r"https://synthetic-\d{4}\.example\.com").all()
    assert a["name"].is_unique
    assert set(a["kind"]) == set(synthetic.KINDS)
    founded = pd.to_datetime(a["founded"], format="%Y-%m-%d")
    assert founded.min().year >= 1995 and founded.max().year <= 2024
    assert founded.dt.year.nunique() > 10
    assert (a["capital_cny"] >= 1e6).all() and (a["capital_cny"] <= 1e9).all()
    assert (a["capital_cny"] % 1e4 == 0).all()


def test_per_city_rows_come_in_order_and_outside_rows_last(cities):
    per_city = {"330100": 3, "340100": 1, "310117": 2}
    a = make_partners(per_city=per_city, outside=2, city_only=0, margin_m=500)
    assert a["city_code_expected"].tolist() == ["330100"] * 3 + ["340100"] + ["310117"] * 2 + [
        ""
    ] * 2
    assert (a["city"].iloc[-2:] == "").all()
    inner = a.iloc[:6]
    for row in inner.itertuples():
        geom = cities.at[row.city_code_expected, "geometry"]
        # 500 m inside: also inside the simplified polygons (<= 150 m off)
        assert geom.contains(shapely.Point(row.lon, row.lat))
        assert geom.boundary.distance(shapely.Point(row.lon, row.lat)) > 500 / 111_320
    far = shapely.points(a[["lon", "lat"]].iloc[-2:].to_numpy())
    assert not shapely.intersects(cities.geometry.union_all(), far).any()
    with pytest.raises(ValueError, match="either n or per_city"):
        make_partners(3, per_city={"330100": 1})
    with pytest.raises(ValueError, match="corridor city codes"):
        make_partners(per_city={"320100": 1})


def test_generated_partners_load_to_their_city(tmp_path):
    truth = make_partners(600, seed=8, outside=5)
    path = tmp_path / "partners.csv"
    truth.drop(columns="city_code_expected").to_csv(path, index=False)
    loaded = load_partners(path, outside="keep")
    assert loaded["city_code"].fillna("").tolist() == truth["city_code_expected"].tolist()
    assert loaded["in_corridor"].tolist() == (truth["city_code_expected"] != "").tolist()


def test_points_are_geodataframes_with_city_codes():
    pts = as_points(make_partners(300, seed=2, city_only=0))
    assert pts.crs.to_epsg() == 4326 and len(pts) == 300
    assert "city_code" in pts and "city_code_expected" not in pts
    np.testing.assert_array_equal(pts.geometry.x.to_numpy(), pts["lon"].to_numpy())
    assert pts["city_code"].isin(settings.MEMBER_CODES).all()
    assert len(as_points(make_partners(0))) == 0
    assert len(as_points(make_partners(300, seed=2))) < 300  # city-only rows have no point


# ----------------------------------------------------------------------- investments


def test_investments_load_with_amounts_dates_and_cities(tmp_path):
    truth = make_investments(400, seed=4)
    assert (truth["currency"] == "CNY").all()
    assert (truth["amount"] >= 1e7).all() and (truth["amount"] <= 1e10).all()
    years = pd.to_datetime(truth["date"], format="%Y-%m-%d").dt.year
    assert years.min() >= 2015 and years.max() <= 2024 and years.nunique() == 10
    assert 0.4 < truth["lon"].isna().mean() < 0.6
    path = tmp_path / "investments.csv"
    truth.drop(columns="city_code_expected").to_csv(path, index=False)
    loaded = load_investments(path)
    assert loaded["city_code"].tolist() == truth["city_code_expected"].tolist()
    np.testing.assert_allclose(loaded["amount_cny"].to_numpy(), truth["amount"].to_numpy())


def test_investment_points_carry_both_currencies():
    pts = as_points(make_investments(per_city={"330100": 2, "310117": 1}, city_only=0))
    assert pts["city_code"].tolist() == ["330100", "330100", "310117"]
    np.testing.assert_allclose(pts["amount_usd"] * settings.USD_CNY_RATE, pts["amount_cny"])
    assert pts.attrs["usd_cny_rate"] == settings.USD_CNY_RATE
    assert pts.crs.to_epsg() == 4326


# ----------------------------------------------------------------------- registry


def _wan(cell: str) -> float:
    """Independent reading of a 注册资本（万元） cell, in 万元."""
    text = unicodedata.normalize("NFKC", cell).replace(",", "")
    m = re.fullmatch(r"([0-9.]+)(亿元|万元|万人民币)?", text)
    assert m, cell
    return float(m.group(1)) * (1e4 if m.group(2) == "亿元" else 1)


def _iso(cell: str) -> str:
    text = unicodedata.normalize("NFKC", cell)
    m = re.fullmatch(r"([0-9]{4})(?:年|-)([0-9]{1,2})(?:月|-)([0-9]{1,2})[日号]?", text)
    assert m, cell
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def test_registry_is_chinese_text_with_recoverable_truth():
    table = make_registry(400, seed=9, expected=True)
    assert table.columns[:5].tolist() == list(synthetic.REGISTRY_COLUMNS)
    assert table["企业名称"].str.match(r"合成企业\d{4}").all()
    assert table["企业名称"].is_unique
    for col in synthetic.REGISTRY_COLUMNS:
        assert table[col].map(type).eq(str).all(), col
    wan = table["注册资本（万元）"].map(_wan)
    np.testing.assert_allclose(wan * 1e4, table["capital_cny_expected"])
    assert (table["成立日期"].map(_iso) == table["founded_expected"]).all()
    # every written form is there: grouped, decimals, units, full width, dates in 年月日
    cells = table["注册资本（万元）"]
    for pattern in (",", r"\.00$", "万元$", "亿元$", "万人民币$", "[０-９]"):
        assert cells.str.contains(pattern).any(), pattern
    dates = table["成立日期"]
    for pattern in ("^[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日$", "^[0-9]{4}-", "号$", "[０-９]"):
        assert dates.str.contains(pattern).any(), pattern
    assert set(table["行业"]) == set(synthetic.INDUSTRIES)
    assert set(table["city_code_expected"]) == set(settings.MEMBER_CODES)


def test_registry_addresses_name_a_district_of_their_city():
    table = make_registry(500, seed=10, expected=True)
    for address, code in zip(table["注册地址"], table["city_code_expected"], strict=True):
        province, city, districts = synthetic.address_parts()[code]
        assert city in address and any(d in address for d in districts), address
        assert resolve_address(address)[0] == code, address
    assert table["注册地址"].str.startswith("浙江省杭州市").any()
    assert (~table["注册地址"].str[:3].isin(["浙江省", "江苏省", "安徽省", "上海市"])).any()


def test_registry_loads_as_partners_by_address(tmp_path):
    table = make_registry(300, seed=11, expected=True)
    path = tmp_path / "registry.csv"
    table[list(synthetic.REGISTRY_COLUMNS)].to_csv(path, index=False, encoding="utf-8-sig")
    loaded = load_partners(path)
    assert loaded["city_code"].tolist() == table["city_code_expected"].tolist()
    assert loaded["name"].tolist() == table["企业名称"].tolist()
