"""The static map with real-sized data: badges, seats, investments and labels all visible."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely

from g60map import G60Warning, load_corridor, load_investments, load_partners, settings
from g60map.reference.synthetic import make_investments, make_partners
from g60map.render.static.badges import partner_groups
from g60map.render.static.figure import render_static
from g60map.render.static.mpl import find_cjk_font
from tests._browser import on_ci
from tests._figure import disc_polygon, discs, line_paths, marker_disc, text_polygon

HEFEI = "340100"


@pytest.fixture(scope="module")
def busy():
    """275 synthetic partners over the nine cities, four investments (8 bn in Hefei)."""
    table = make_partners(275, seed=14).drop(columns="city_code_expected")
    partners = load_partners(table)
    inv = make_investments(per_city={HEFEI: 1, "330100": 1, "310117": 1, "330500": 1},
                           seed=14, city_only=0).drop(columns="city_code_expected")
    inv["amount"] = [8e9, 2e9, 5e8, 1.2e9]
    inv["date"] = ["2019-05-01", "2020-03-01", "2021-07-01", "2023-01-15"]
    return load_corridor(partners, load_investments(inv))


@pytest.fixture(scope="module", params=["en", "zh"])
def busy_map(request, busy):
    if request.param == "zh" and find_cjk_font() is None:
        if on_ci():
            pytest.fail("no CJK font installed (apt-get install fonts-noto-cjk)")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    fig, ax = render_static(busy, lang=request.param)
    fig.canvas.draw()
    return fig, ax


def _overlaps(a, b) -> bool:
    (x1, y1, r1), (x2, y2, r2) = a, b
    return np.hypot(x1 - x2, y1 - y2) < r1 + r2


def test_busy_map_draws_one_badge_per_district_summing_to_every_partner(busy, busy_map):
    fig, ax = busy_map
    assert ax.g60_partner_style == "badges"
    partners = busy.partners
    assert len(partners) == 275 and partners.geometry.notna().all()
    badges = ax.g60_badges
    assert sum(b["n"] for b in badges) == len(partners)  # nobody dropped
    assert len(badges) < 90  # per district (82 at most), never a glyph per partner
    by_district = partners.loc[partners["district_code"] != ""].groupby("district_code").size()
    drawn = {b["code"]: b["n"] for b in badges if b["level"] == "district"}
    for code, n in drawn.items():
        assert by_district[code] == n, code
    by_city = partners.loc[partners["district_code"] == ""].groupby("city_code").size()
    assert {b["code"]: b["n"] for b in badges if b["level"] == "city"} == by_city.to_dict()
    renderer = fig.canvas.get_renderer()
    for b in badges:  # the count is inside its disc
        x, y, r = marker_disc(b["marker"], renderer)
        box = b["text"].get_window_extent(renderer)
        assert np.hypot(box.width, box.height) / 2 < r
        assert abs((box.x0 + box.x1) / 2 - x) < 1 and abs((box.y0 + box.y1) / 2 - y) < 1


def test_busy_map_no_partner_glyph_covers_a_seat_or_an_investment(busy, busy_map):
    fig, ax = busy_map
    renderer = fig.canvas.get_renderer()
    seats, circles = discs(ax.g60_seats), discs(ax.g60_investments)
    assert len(seats) == 9 and len(circles) == 4
    # the 8 bn circle is the largest and stands in Hefei
    hefei = busy.boundaries["city"].set_index("code").loc[HEFEI, "geometry"]
    inv = busy.investments.to_crs(settings.EQUAL_AREA_CRS)
    biggest = ax.transData.inverted().transform(circles[np.argmax(circles[:, 2]), :2])
    nearest = inv.distance(shapely.Point(biggest)).idxmin()
    assert busy.investments.loc[nearest, "amount_cny"] == 8e9
    assert hefei.contains(busy.investments.loc[nearest].geometry)
    glyphs = [marker_disc(b["marker"], renderer) for b in ax.g60_badges]
    assert len(glyphs) > 40
    for glyph in glyphs:
        for seat in seats:
            assert not _overlaps(glyph, seat)
        for circle in circles:
            assert not _overlaps(glyph, circle)
    for a, b in itertools.combinations(glyphs, 2):
        assert not _overlaps(a, b)
    # drawing order: partners < investments < seats; leaders under both
    z_badges = max(b["marker"].get_zorder() for b in ax.g60_badges)
    assert z_badges < ax.g60_investments.get_zorder() < ax.g60_seats.get_zorder()
    for b in ax.g60_badges:
        if b["leader"] is not None:
            assert b["leader"].get_zorder() < ax.g60_investments.get_zorder()
    # and no legend hides a badge, a seat or an investment circle
    legends = [a.get_window_extent(renderer) for a in ax.artists]
    assert len(legends) >= 3  # classes, symbols, sizes
    for x, y, r in [*glyphs, *seats, *circles]:
        for lb in legends:
            dx = np.clip(x, lb.x0, lb.x1) - x
            dy = np.clip(y, lb.y0, lb.y1) - y
            assert dx * dx + dy * dy >= r * r, (x, y, r)


def test_busy_map_labels_every_spoke_and_no_label_touches_a_line(busy, busy_map):
    fig, ax = busy_map
    renderer = fig.canvas.get_renderer()
    assert fig.g60_unplaced == []
    km = "km" if fig.g60_lang == "en" else "公里"
    spokes = busy.spokes.sort_values("rank")
    assert [t.get_text() for t in ax.g60_spoke_labels] == [
        f"{v:.0f} {km}" for v in spokes["length_km"]]
    lines = line_paths(ax, "spokes") + line_paths(ax, "trunk")
    assert len(lines) == 9
    labels = [(t, text_polygon(t, renderer)) for t in ax.g60_labels]
    for text, poly in labels:
        for line, half in lines:
            assert poly.distance(line) > half, (text.get_text(), half)
    for (ta, a), (tb, b) in itertools.combinations(labels, 2):
        assert not a.intersects(b), (ta.get_text(), tb.get_text())
    # a spoke's label is nearer to it than to any other spoke
    spoke_lines = [line for line, _ in line_paths(ax, "spokes")]
    for i, text in enumerate(ax.g60_spoke_labels):
        centre = text_polygon(text, renderer).centroid
        d = [centre.distance(line) for line in spoke_lines]
        assert int(np.argmin(d)) == i, text.get_text()
    # no label covers a seat or a badge
    seats = [disc_polygon(*s) for s in discs(ax.g60_seats)]
    badges = [disc_polygon(*marker_disc(b["marker"], renderer)) for b in ax.g60_badges]
    for text, poly in labels:
        assert not any(poly.intersects(s) for s in seats + badges), text.get_text()


def test_a_label_with_no_room_is_reported_never_dropped_silently(busy):
    with pytest.warns(G60Warning, match="no free place") as caught:
        fig, ax = render_static(busy, figsize=(3.0, 2.4))
    missing = fig.g60_unplaced
    assert missing and ax.g60_unplaced is missing
    message = str(caught[0].message)
    for name in missing[:10]:
        assert name in message
    drawn = {t.get_text() for t in ax.g60_spoke_labels}
    for row in busy.spokes.itertuples():
        text = f"{row.length_km:.0f} km"
        assert (text in drawn) != any(text in name for name in missing), text
    assert len(ax.g60_city_labels) == 9  # required: drawn even without room


def test_partner_groups_by_district_else_city_else_place(busy):
    partners = busy.partners.iloc[:40].copy()
    crs = settings.EQUAL_AREA_CRS
    groups = partner_groups(partners, busy.boundaries, crs)
    assert groups["n"].sum() == 40 and set(groups["level"]) <= {"district", "city"}
    assert list(groups["n"]) == sorted(groups["n"], reverse=True)
    # a district that is not in the row's city (an edited table): the city counts it
    wrong = partners.copy()
    other = next(c for c in settings.MEMBER_CODES if c != wrong["city_code"].iloc[0])
    wrong.iloc[0, wrong.columns.get_loc("city_code")] = other
    regrouped = partner_groups(wrong, busy.boundaries, crs)
    assert ((regrouped["level"] == "city") & (regrouped["code"] == other)).any()
    # no codes at all: one group per place
    bare = partners[["geometry"]].copy()
    places = partner_groups(bare, busy.boundaries, crs)
    assert set(places["level"]) == {"place"} and places["n"].sum() == 40
    xy = bare.to_crs(crs).geometry
    assert len(places) == len(set(zip(xy.x.round(), xy.y.round(), strict=True)))
    # anchors are partner locations inside their district
    for row in groups.itertuples():
        assert row.area.buffer(1.0).contains(shapely.Point(row.x, row.y))


def test_dots_above_the_badge_limit_lie_under_investments_and_seats(busy, monkeypatch):
    monkeypatch.setattr(settings, "STATIC_BADGE_LIMIT", 10)
    fig, ax = render_static(busy, spoke_labels=False)
    assert ax.g60_partner_style == "dots" and ax.g60_badges == []
    (dots,) = [c for c in ax.collections if c.get_gid() == "partner-dots"]
    xy = busy.partners.to_crs(settings.EQUAL_AREA_CRS).geometry
    assert len(dots.get_offsets()) == len({(round(x), round(y)) for x, y in zip(xy.x, xy.y,
                                                                              strict=True)})
    assert dots.get_zorder() < ax.g60_investments.get_zorder() < ax.g60_seats.get_zorder()
    assert float(np.sqrt(dots.get_sizes()).max()) <= 4.0  # small: points, not disks
    with pytest.raises(ValueError, match="partners_as"):
        render_static(busy, partners_as="disks")


def test_legends_move_off_an_investment_in_their_corner(busy):
    # an 8 bn investment at the western tip of Hefei, where the size legend stands by default
    hefei = busy.boundaries["city"].set_index("code").loc[HEFEI, "geometry"]
    inner = hefei.buffer(-0.05)
    x, y = np.asarray(inner.exterior.coords if inner.geom_type == "Polygon"
                      else max(inner.geoms, key=lambda g: g.area).exterior.coords).T
    corner = int(np.argmin(x))  # its western tip
    inv = make_investments(per_city={HEFEI: 1}, seed=1, city_only=0).drop(
        columns="city_code_expected")
    inv["lon"], inv["lat"], inv["amount"] = x[corner], y[corner], 8e9
    corridor = load_corridor(busy.partners, load_investments(inv))
    fig, ax = render_static(corridor)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (cx, cy, r), = discs(ax.g60_investments)
    legends = [a.get_window_extent(renderer) for a in ax.artists]
    assert len(legends) == 3
    for lb in legends:
        dx = np.clip(cx, lb.x0, lb.x1) - cx
        dy = np.clip(cy, lb.y0, lb.y1) - cy
        assert dx * dx + dy * dy >= r * r
