from __future__ import annotations

import itertools
import struct
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.text import Text
from pyproj import Geod, Proj, Transformer

from g60map import (
    G60Warning,
    build_map,
    load_boundaries,
    load_cities,
    load_corridor,
    load_investments,
    load_partners,
    settings,
)
from g60map.cli import main
from g60map.corridor.classify import classify
from g60map.corridor.summary import summary_table
from g60map.render.static import mpl
from g60map.render.static.figure import partner_classes, render_static, save_static
from g60map.render.static.mpl import find_cjk_font
from g60map.render.text import nice_floor
from tests._browser import on_ci, open_page, requires_browser, screenshot_stats
from tests._figure import disc_polygon, discs, line_paths, text_polygon

CITIES = load_cities()


@pytest.fixture(scope="module")
def en():
    return render_static(lang="en")


@pytest.fixture(scope="module")
def zh():
    _require_cjk_font()
    return render_static(lang="zh")


def _require_cjk_font():
    """Skip without a CJK font, except on CI, which installs one: there it is a failure."""
    if find_cjk_font() is None:
        message = "no CJK font installed (apt-get install fonts-noto-cjk)"
        if on_ci():
            pytest.fail(message)
        pytest.skip(message)


def _texts(fig):
    """Every visible, non-empty text artist of the figure (labels, legends, credits)."""
    return [
        t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
    ]


def _fonts_used(text: Text) -> list:
    """The font files matplotlib draws ``text`` with: one per family of its fallback list."""
    props = text.get_fontproperties()
    fonts = []
    for family in props.get_family():
        one = props.copy()
        one.set_family(family)
        fonts.append(font_manager.get_font(font_manager.findfont(one, fallback_to_default=False)))
    return fonts


def _missing_glyphs(text: Text) -> list[str]:
    fonts = _fonts_used(text)
    return [
        c for c in set(text.get_text())
        if not c.isspace() and all(f.get_char_index(ord(c)) == 0 for f in fonts)
    ]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, out = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]))
        pos += 12 + n
    return out


def _check_pdf_xref(pdf: bytes) -> None:
    """The cross-reference table points at every object: a reader can open the file."""
    start = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[start:].startswith(b"xref")
    lines = pdf[start:].split(b"\n")
    first, count = (int(v) for v in lines[1].split())
    entries = lines[2 : 2 + count]
    used = 0
    for number, entry in enumerate(entries, start=first):
        offset, _, kind = entry.split()[:3]
        if kind == b"n":
            assert pdf[int(offset):].startswith(f"{number} 0 obj".encode()), number
            used += 1
    assert used > 10


# --- labels and fonts -----------------------------------------------------------------


def test_zh_labels_are_chinese_and_the_font_used_has_every_glyph(zh):
    fig, ax = zh
    assert fig.g60_lang == "zh"
    labels = sorted(t.get_text() for t in ax.g60_city_labels)
    assert labels == sorted(CITIES["name_zh"])
    texts = _texts(fig)
    assert len(texts) > 20
    cjk = [t for t in texts if any("\u4e00" <= c <= "\u9fff" for c in t.get_text())]
    assert len(cjk) >= 15  # city and province labels, legend, title, credits
    for t in texts:
        assert _missing_glyphs(t) == [], t.get_text()
    # city labels are drawn with the CJK face, never through the fallback (DejaVu Sans,
    # there for what the CJK font lacks, such as U+FFFD)
    for label in ax.g60_city_labels:
        font = _fonts_used(label)[0]
        assert "CJK" in font.family_name or "Han" in font.family_name, font.family_name
        assert all(font.get_char_index(ord(c)) for c in label.get_text() if not c.isspace())


def test_en_labels_match_the_english_names_and_have_glyphs(en):
    fig, ax = en
    assert fig.g60_lang == "en"
    assert sorted(t.get_text() for t in ax.g60_city_labels) == sorted(CITIES["name_en"])
    for t in _texts(fig):
        assert _missing_glyphs(t) == [], t.get_text()
        assert not any("\u4e00" <= c <= "\u9fff" for c in t.get_text()), t.get_text()


def test_without_a_cjk_font_zh_warns_and_falls_back_to_english(monkeypatch):
    monkeypatch.setattr(mpl, "find_cjk_font", lambda text="": None)
    with pytest.warns(G60Warning, match="fonts-noto-cjk"):
        fig, ax = render_static(lang="zh", spoke_labels=False)
    assert fig.g60_lang == "en"
    assert sorted(t.get_text() for t in ax.g60_city_labels) == sorted(CITIES["name_en"])


@pytest.mark.parametrize("which", ["en", "zh"])
def test_labels_do_not_overlap_each_other_markers_or_legends(which, request):
    fig, ax = request.getfixturevalue(which)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    polys = [text_polygon(t, renderer) for t in ax.g60_labels]
    assert len(ax.g60_city_labels) == 9 and len(polys) >= 9
    for a, b in itertools.combinations(polys, 2):
        assert not a.intersects(b)
    legends = [shapely.box(*a.get_window_extent(renderer).extents) for a in ax.artists]
    assert len(legends) >= 2
    seats = [disc_polygon(*d) for d in discs(ax.g60_seats)]
    assert len(seats) == 9
    for poly in polys:
        x0, y0, x1, y1 = poly.bounds
        assert frame.x0 <= x0 and x1 <= frame.x1
        assert frame.y0 <= y0 and y1 <= frame.y1
        assert not any(poly.intersects(lb) for lb in legends)
        assert not any(poly.intersects(seat) for seat in seats)  # no label covers a seat


@pytest.mark.parametrize("which", ["en", "zh"])
def test_every_spoke_is_labelled_beside_it_and_off_every_line(which, request):
    fig, ax = request.getfixturevalue(which)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert fig.g60_unplaced == []
    spokes = load_corridor().spokes.sort_values("rank")
    km = "km" if which == "en" else "公里"
    texts = [t.get_text() for t in ax.g60_spoke_labels]
    assert texts == [f"{v:.0f} {km}" for v in spokes["length_km"]]  # '109 km' included
    lines = line_paths(ax, "spokes") + line_paths(ax, "trunk")
    for text in ax.g60_labels:  # '131 km' is not crossed by the trunk, nothing by a spoke
        poly = text_polygon(text, renderer)
        for line, half in lines:
            assert poly.distance(line) > half, text.get_text()
    for text, (line, _) in zip(ax.g60_spoke_labels, line_paths(ax, "spokes"), strict=True):
        # along its spoke: the text's direction is the spoke's where it stands
        centre = text_polygon(text, renderer).centroid
        at = line.interpolate(line.project(centre))
        ahead = line.interpolate(min(line.project(centre) + 5, line.length))
        slope = np.degrees(np.arctan2(ahead.y - at.y, ahead.x - at.x))
        assert abs((text.get_rotation() - slope + 90) % 180 - 90) < 3, text.get_text()


def test_user_text_is_drawn_literally_not_as_mathtext(tmp_path):
    partners = load_partners().iloc[:2].copy()
    partners["source"] = "$\\frac{a}{b}$ <b>x</b>"
    fig, _ = render_static(load_corridor(partners), spoke_labels=False)
    credits = [t.get_text() for t in _texts(fig) if "$" in t.get_text()]
    assert credits and "$\\frac{a}{b}$ <b>x</b>" in credits[0].replace("\n", " ")
    save_static(fig, tmp_path / "m.png", dpi=30)  # would raise on bad mathtext


# --- geometry of the furniture ------------------------------------------------------


def test_scale_bar_length_is_true_on_the_ellipsoid(en):
    _, ax = en
    (x0, y0), (x1, y1) = ax.scale_bar_extent
    to_geo = Transformer.from_crs(settings.EQUAL_AREA_CRS, settings.WGS84, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_geo.transform([x0, x1], [y0, y1])
    metres = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2]
    assert metres == pytest.approx(ax.scale_bar_km * 1000, rel=1e-3)
    width_km = np.diff(ax.get_xlim())[0] / 1000
    assert 0.08 * width_km < ax.scale_bar_km < 0.25 * width_km


def test_north_arrow_follows_meridian_convergence(en):
    _, ax = en
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x0 + 0.955 * (x1 - x0), y0 + 0.86 * (y1 - y0)
    to_geo = Transformer.from_crs(settings.EQUAL_AREA_CRS, settings.WGS84, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    gamma = Proj(settings.EQUAL_AREA_CRS).get_factors(lon, lat).meridian_convergence
    assert lon > 119.5  # east of the central meridian: true north leans left (anticlockwise)
    assert ax.north_angle_deg < -0.5
    assert ax.north_angle_deg == pytest.approx(-gamma, abs=0.05)


def test_investment_circle_area_is_proportional_to_amount():
    inv = load_investments()
    two = gpd.GeoDataFrame(
        [inv.iloc[0], inv.iloc[0]], crs=inv.crs
    ).reset_index(drop=True)
    two["amount_cny"] = [1.0e9, 4.0e9]
    two["geometry"] = gpd.points_from_xy(CITIES["lon"][:2], CITIES["lat"][:2], crs=inv.crs)
    fig, ax = render_static(load_corridor(None, two), spoke_labels=False)
    (coll,) = [c for c in ax.collections if c.get_gid() == "investments"]
    sizes = sorted(coll.get_sizes())
    assert sizes[1] / sizes[0] == pytest.approx(4.0)
    # size legend: same points-per-CNY scale as the map's circles (scatter s = diameter^2)
    k = sizes[1] / 4.0e9
    circles = [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == "size-legend"]
    assert len(circles) >= 2
    for c in circles:
        assert (2 * c.get_radius()) ** 2 == pytest.approx(c.g60_amount * k, rel=1e-9)


def test_member_fill_classes_follow_the_summary_partner_counts():
    partners = load_partners()
    extra = partners.iloc[[0, 0, 0]].copy()
    hz = CITIES.set_index("code").loc["330100"]
    extra["city_code"] = "330100"
    extra["geometry"] = gpd.points_from_xy([hz.lon] * 3, [hz.lat] * 3, crs=partners.crs)
    both = gpd.GeoDataFrame(
        gpd.pd.concat([partners, extra], ignore_index=True), crs=partners.crs
    )
    corridor = load_corridor(both)
    fig, ax = render_static(corridor, spoke_labels=False)
    counts = corridor.partners_per_city
    table = summary_table(both, load_investments()).set_index("code")
    assert counts.to_dict() == table["partners"].to_dict()
    assert counts["330100"] == 3 and counts["310117"] == 6
    (coll,) = [c for c in ax.collections if c.get_gid() == "members"]
    codes = load_boundaries("city").query("is_member")["code"].tolist()
    fills = {code: tuple(fc) for code, fc in zip(codes, coll.get_facecolors(), strict=True)}
    cls = dict(zip(codes, classify(counts.reindex(codes).fillna(0).to_numpy(),
                                   settings.MAP_SCHEME, settings.MAP_CLASSES).index, strict=True))
    for a, b in itertools.combinations(codes, 2):
        assert (fills[a] == fills[b]) == (cls[a] == cls[b]), (a, b)
    assert len(set(fills.values())) == 3


@pytest.mark.parametrize("n", [0, 1, 6, 10, 49, 3000, 10**6])
def test_partner_classes_cover_every_count_once(n):
    classes = partner_classes(n)
    assert classes[0] == (0, 0) and len(classes) <= 6
    assert classes[-1][1] >= n
    if n:  # classes of several cities start at 1, whatever their smallest count
        assert partner_classes([n, 1, 0])[1][0] == 1
    for lo, hi in classes:
        assert lo <= hi
    for a, b in itertools.pairwise(classes):
        assert b[0] == a[1] + 1  # contiguous, no gap, no overlap
    for count in {c for c in (0, 1, 2, 3, n // 3, n // 2, n - 1, n) if 0 <= c <= n}:
        assert sum(lo <= count <= hi for lo, hi in classes) == 1


@pytest.mark.parametrize("scheme", ["nice", None])
@pytest.mark.parametrize("extra", [0, 3])
def test_static_and_interactive_maps_class_and_fill_each_city_alike(extra, scheme):
    """One classing and one colour per city on both maps (the packaged data: the hub's six
    partners used to be "6-10" in #a63603 on one map and #e6550d on the other)."""
    partners = load_partners()
    if extra:
        hz = load_cities().set_index("code").loc["330100"]
        more = partners.iloc[:extra].copy()
        more["city_code"] = "330100"
        more["geometry"] = gpd.points_from_xy([hz.lon] * extra, [hz.lat] * extra,
                                              crs=partners.crs)
        partners = gpd.GeoDataFrame(gpd.pd.concat([partners, more], ignore_index=True),
                                    crs=partners.crs)
    corridor = load_corridor(partners, article=True)
    choices = build_map(corridor, basemap="none", scheme=scheme).payload["choices"]
    shown = next(e for e in choices["list"] if e["key"] == "partners")
    codes = choices["codes"]
    web = {c: (shown["colors"][k] if k >= 0 else "#fdf0e1")
           for c, k in zip(codes, shown["cls"], strict=True)}

    fig, ax = render_static(corridor, spoke_labels=False, scheme=scheme)
    (coll,) = [c for c in ax.collections if c.get_gid() == "members"]
    members = load_boundaries("city").query("is_member")["code"].tolist()
    assert sorted(members) == sorted(codes)
    printed = {c: to_hex(fc, keep_alpha=False)
               for c, fc in zip(members, coll.get_facecolors(), strict=True)}
    assert printed == web
    assert web[settings.HUB_CODE] == "#a63603"
    # the same classes: the static legend reads as the interactive one
    texts = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else [
        t.get_text() for a in ax.artists for t in getattr(a, "get_texts", list)()]
    labels = ["0", *shown["labels"]] if scheme == "nice" else shown["labels"]
    assert texts[:len(labels)] == labels
    if scheme == "nice":
        ranges = partner_classes([corridor.partners_per_city.get(c, 0) for c in members])
        assert [hi for _, hi in ranges[1:]] == shown["bins"]
    expected = {(0, "nice"): [5, 10], (3, "nice"): [2, 5, 10], (0, None): [0, 6],
                (3, None): [0, 5, 6]}[extra, scheme]
    assert shown["bins"] == expected


def test_nice_floor_gives_scale_bar_lengths():
    assert [nice_floor(v) for v in (0.7, 3, 19.9, 99, 101)] == [0.5, 2, 10, 50, 100]
    with pytest.raises(ValueError):
        nice_floor(0)


# --- files ------------------------------------------------------------------------------


@pytest.mark.slow
def test_files_are_deterministic_and_carry_no_timestamps(tmp_path):
    outs = []
    for i in range(2):
        fig, _ = render_static(lang="en")
        outs.append({
            fmt: save_static(fig, tmp_path / str(i) / f"m.{fmt}", dpi=60).read_bytes()
            for fmt in ("png", "svg", "pdf")
        })
    for fmt in ("png", "svg", "pdf"):
        assert outs[0][fmt] == outs[1][fmt], fmt
    png, svg, pdf = outs[0]["png"], outs[0]["svg"], outs[0]["pdf"]
    chunks = _png_chunks(png)
    assert not any(kind in (b"tEXt", b"iTXt", b"zTXt", b"tIME") for kind, _ in chunks)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (600, 480)  # 10 x 8 in at 60 dpi
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"<dc:date>" not in svg
    for code in CITIES["code"]:  # each city label is a group of glyph outlines
        assert f'<g id="label-{code}">'.encode() in svg
    assert b"<text" not in svg  # text as paths: the file needs no font
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    _check_pdf_xref(pdf)
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    assert b"/Subtype /Type3" not in pdf and b"/FontFile2" in pdf  # TrueType, embedded


def test_png_is_a_real_picture(en, tmp_path):
    fig, _ = en
    path = save_static(fig, tmp_path / "m.png", dpi=40)
    import matplotlib.image as mpimg

    img = mpimg.imread(path)[..., :3]
    assert img.shape == (320, 400, 3)
    colours = np.unique((img * 255).round().astype(int).reshape(-1, 3), axis=0)
    assert len(colours) > 200
    assert 0.05 < (img.mean(axis=2) < 0.95).mean() < 0.9


def test_save_rejects_unknown_format_and_keeps_previous_file(en, tmp_path):
    fig, _ = en
    target = tmp_path / "m.gif"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="png, svg, pdf"):
        save_static(fig, target)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


# --- command line -----------------------------------------------------------------------


@pytest.mark.slow
def test_cli_render_zh_svg_and_en_png(tmp_path, capsys):
    _require_cjk_font()
    assert main(["render", "--out", str(tmp_path), "--format", "svg", "--lang", "zh"]) == 0
    svg = (tmp_path / "g60_corridor.svg").read_text(encoding="utf-8")
    for code in CITIES["code"]:  # glyph outlines with curves: not empty "tofu" boxes
        group = svg.split(f'<g id="label-{code}">', 1)[1].split("</g>", 1)[0]
        assert group.count(" C ") + group.count("\nC ") > 10
    assert main(["render", "--out", str(tmp_path), "--dpi", "30"]) == 0
    png = (tmp_path / "g60_corridor.png").read_bytes()
    assert struct.unpack(">II", _png_chunks(png)[0][1][:8]) == (300, 240)
    out = capsys.readouterr().out.split()
    assert out == [str(tmp_path / "g60_corridor.svg"), str(tmp_path / "g60_corridor.png")]


def test_cli_render_usage_errors(capsys):
    assert main(["render", "--format", "gif"]) == 2
    assert main(["render", "--dpi", "0"]) == 2
    assert main(["render", "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert err.count("invalid choice") == 2 and "must be positive" in err


@pytest.mark.browser
@requires_browser
def test_svg_opens_in_chromium(zh, tmp_path):
    fig, _ = zh
    path = save_static(fig, tmp_path / "m.svg")
    with open_page(path, viewport=(1000, 800)) as res:
        assert res.console_errors == [] and res.page_errors == []
        assert res.blocked_requests == []
        size = res.page.evaluate(
            "() => { const b = document.documentElement.getBBox(); return [b.width, b.height]; }"
        )
        assert size[0] > 600 and size[1] > 500
        stats = screenshot_stats(res.page)
    assert stats["distinct_colors"] > 100 and stats["non_white_fraction"] > 0.3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wrap_fills_each_line_and_never_overflows(lang):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from g60map.render.static.mpl import pick_font, sized, wrap

    fig = Figure()
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    _, font = pick_font(lang)
    font = sized(font, 6.5)

    def width(s):
        return renderer.get_text_width_height_descent(s, font, ismath=False)[0]

    words = ["corridor", "G60", "松江区", "合作伙伴与投资", "(MIT;", "WGS-84;", "x", "y" * 40]
    text = " ".join(words[i * 7 % len(words)] for i in range(90))
    for limit in (120.0, 400.0, 900.0):
        lines = wrap(text, font, limit, renderer).split("\n")
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        for line, following in itertools.pairwise(lines):
            assert width(line) <= limit or " " not in line.strip()  # one token may overflow
            nxt = following.split(" ")[0] if following[:1].isascii() else following[:1]
            assert width(f"{line} {nxt}".rstrip()) > limit or width(line + nxt) > limit


@pytest.mark.slow
def test_none_means_the_default_figure_size_and_both_tables():
    fig, _ = render_static(figsize=None, tables=None)
    try:
        assert tuple(fig.get_size_inches()) == (10.0, 8.0)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_save_static_is_the_one_figure_writer():
    import g60map
    from g60map.render.static import figfile

    assert save_static is figfile.save_static and g60map.save_static is figfile.save_static


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("seed", [0, 3])
def test_skewed_tables_print_four_or_more_member_colours(seed, lang, tmp_path):
    """The PNG of a skewed table: the default classes paint the members in 4+ colours, the
    interactive map's, and the legend reads as its legend (en and zh)."""
    from matplotlib.colors import to_rgb

    from g60map.render.symbology import PRINT
    from tests._browser import _decode_png
    from tests._skewed import skewed_corridor

    PRINT_ALPHA = PRINT.member_alpha
    corridor = skewed_corridor(seed)
    web = build_map(corridor, basemap="none", lang=lang).payload["choices"]
    shown = next(e for e in web["list"] if e["key"] == "partners")
    fig, ax = render_static(corridor, lang=lang, spoke_labels=False, figsize=(8.0, 6.4))
    if lang == "zh" and fig.g60_lang != "zh":
        pytest.skip("no CJK font")
    texts = [t.get_text() for a in ax.artists for t in getattr(a, "get_texts", list)()]
    assert texts[:len(shown["labels"])] == shown["labels"]
    path = save_static(fig, tmp_path / "map.png", fmt="png", dpi=100)
    img = _decode_png(path).astype(int).reshape(-1, 3)
    # pixels of each class colour at the members' opacity over the paper; a legend swatch
    # is ~100 of them, a city thousands (the small hub fewer)
    paper = np.array(to_rgb(fig.get_facecolor())) * 255
    used = sorted({shown["colors"][i] for i in shown["cls"]})
    painted = {}
    for colour in used:
        want = np.array(to_rgb(colour)) * 255 * PRINT_ALPHA + paper * (1 - PRINT_ALPHA)
        painted[colour] = int((np.abs(img - want).max(axis=1) <= 3).sum())
    assert sum(n > 1000 for n in painted.values()) >= 4, painted


def test_badges_of_a_sample_show_the_counts_of_every_row():
    """The dask engine's sample of points: a badge shows its district's (or city's) count
    of every row, as the pandas engine's badge does, not the sample's."""
    import g60map
    from g60map import settings as s
    from g60map.reference.synthetic import make_partners
    from g60map.render.static.badges import partner_groups, whole_counts

    table = make_partners(300, seed=5, city_only=0).drop(
        columns=["city_code_expected", "founded"])
    whole = g60map.load_corridor(table)
    full = partner_groups(whole.partners, whole.boundaries, s.EQUAL_AREA_CRS)
    sample = whole.partners.iloc[::3]
    groups = partner_groups(sample, whole.boundaries, s.EQUAL_AREA_CRS)
    assert groups["n"].sum() < full["n"].sum()
    counted = whole_counts(groups, whole.summary, whole.district_summary)
    expected = full.set_index(["level", "code"])["n"]
    got = counted.set_index(["level", "code"])["n"]
    assert (got == expected.reindex(got.index)).all()
    assert list(counted["n"]) == sorted(counted["n"], reverse=True)
