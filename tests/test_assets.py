"""Offline Leaflet assets and deterministic folium rendering (g60map.render)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from g60map.render.web import assets
from g60map.render.web.assets import (
    ASSETS,
    AssetError,
    asset_text,
    cdn_urls,
    escape_script,
    inline_css,
    read_asset,
)
from g60map.render.web.page import (
    iter_elements,
    render_html,
    stabilize_ids,
    text_to_html,
)
from g60map.render.web.page_assets import configure_map_assets
from tests._browser import open_page, requires_browser

NASTY = "A&B <i>x</i> `tick` ${alert(1)} \\n </script> 'q\" 松江"
RANDOM_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def build_map(self_contained: bool | None = True, cluster: bool = True) -> folium.Map:
    """A map with every kind of element the corridor map uses."""
    m = folium.Map(location=[30.9, 120.5], zoom_start=7, tiles=None, maxZoom=18)
    if self_contained is not None:
        configure_map_assets(m, self_contained=self_contained, cluster=cluster)
    cities = gpd.GeoDataFrame(
        {
            "name": ["松江", "Hangzhou", "Hefei"],
            "gdp": [0.2, 2.0, 1.2],
            "note": ["</script><b>", "${1+1}", "`x`"],
        },
        geometry=[
            Polygon([(121.1, 31.0), (121.3, 31.0), (121.3, 31.1)]),
            Polygon([(120.0, 30.2), (120.4, 30.2), (120.4, 30.4)]),
            Polygon([(117.1, 31.8), (117.4, 31.8), (117.4, 32.0)]),
        ],
        crs="EPSG:4326",
    )
    boundaries = folium.FeatureGroup(name="Boundaries").add_to(m)
    folium.GeoJson(
        cities,
        name="cities",
        style_function=lambda f: {"color": "red" if f["properties"]["gdp"] > 1 else "blue"},
        highlight_function=lambda f: {"weight": 4},
        tooltip=folium.GeoJsonTooltip(["name", "gdp"]),
        popup=folium.GeoJsonPopup(["name", "note"]),
    ).add_to(boundaries)
    folium.GeoJson({"type": "Point", "coordinates": [120.7, 30.7]}).add_to(boundaries)
    hubs = folium.FeatureGroup().add_to(m)  # unnamed: folium labels it with its id
    for i, (lat, lon) in enumerate([(31.03, 121.22), (30.75, 120.75), (30.27, 120.15)]):
        folium.CircleMarker(
            [lat, lon],
            radius=6,
            tooltip=folium.Tooltip(text_to_html(f"hub {i} {NASTY}")),
            popup=folium.Popup(text_to_html(f"popup {i} {NASTY}"), max_width=300),
        ).add_to(hubs)
    folium.PolyLine([(31.03, 121.22), (31.82, 117.23)], tooltip="G60").add_to(hubs)
    folium.Marker([31.82, 117.23], popup="Hefei", tooltip="Hefei").add_to(hubs)
    cluster_layer = folium.plugins.MarkerCluster(name="Firms").add_to(m)
    for i in range(4):
        folium.Marker([30.5 + i * 0.01, 120.5], popup=f"firm {i}").add_to(cluster_layer)
    folium.plugins.FastMarkerCluster(
        [[30.0, 119.0], [30.1, 119.1]],
        # folium's default callback uses awesome-markers icons
        callback="function (row) { return L.circleMarker(new L.LatLng(row[0], row[1])); }",
        name="fast",
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[29.5, 116.5], [32.5, 122.0]])
    return m


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


# ------------------------------------------------------------------------ pinned files


def test_every_asset_matches_its_pinned_sha256() -> None:
    assert set(ASSETS) >= {
        "leaflet.js",
        "leaflet.css",
        "leaflet.markercluster.js",
        "MarkerCluster.css",
        "MarkerCluster.Default.css",
    }
    for name, asset in ASSETS.items():
        data = read_asset(asset)
        # Hash the file independently of the code under test.
        path = assets.asset_path(name)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == asset.sha256
        assert hashlib.sha256(data).hexdigest() == asset.sha256
    assert asset_text("leaflet.js").startswith("/* @preserve\n * Leaflet 1.9.3,")
    assert "L.MarkerClusterGroup" in asset_text("leaflet.markercluster.js")


def test_altered_file_is_refused_with_pip_hint() -> None:
    wrong = dataclasses.replace(ASSETS["leaflet.js"], sha256="0" * 64)
    with pytest.raises(
        AssetError, match=r"pip install --force-reinstall xstatic-leaflet==1\.9\.3\.0"
    ):
        read_asset(wrong)


def test_other_version_is_refused() -> None:
    wrong = dataclasses.replace(ASSETS["leaflet.markercluster.js"], version="1.5.3")
    with pytest.raises(AssetError, match=r"pip install xstatic-leaflet-markercluster==1\.4\.1\.1"):
        read_asset(wrong)


def test_missing_package_is_an_import_and_value_error() -> None:
    wrong = dataclasses.replace(ASSETS["leaflet.js"], module="xstatic.pkg.not_installed_here")
    with pytest.raises(ImportError, match=r"pip install xstatic-leaflet==1\.9\.3\.0") as info:
        read_asset(wrong)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, AssetError)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    wrong = dataclasses.replace(ASSETS["leaflet.js"], path="no-such-file.js")
    with pytest.raises(AssetError, match="missing"):
        read_asset(wrong)


def test_inlined_css_has_images_as_data_uris() -> None:
    raw = asset_text("leaflet.css")
    assert raw.count("url(images/") == 3
    css = inline_css("leaflet.css")
    assert "url(images/" not in css
    assert not re.search(r"url\(\s*(?!['\"]?(?:data:|#))", css), "a relative url() is left"
    uris = re.findall(r'url\("data:image/png;base64,([A-Za-z0-9+/=]+)"\)', css)
    assert len(uris) == 3
    decoded = {base64.b64decode(u) for u in uris}
    expected = {
        read_asset(f"images/{n}") for n in ("layers.png", "layers-2x.png", "marker-icon.png")
    }
    assert decoded == expected
    # Nothing else in the stylesheet changed.
    assert re.sub(r'url\("data:[^"]+"\)', "U", css) == re.sub(r"url\(images/[^)]+\)", "U", raw)
    for name in ("MarkerCluster.css", "MarkerCluster.Default.css"):
        assert "url(" not in inline_css(name)


def test_escape_script() -> None:
    assert escape_script('a = "</script><script>";') == 'a = "<\\/script><script>";'
    assert escape_script("s = '</SCRIPT >'") == "s = '<\\/SCRIPT >'"
    assert escape_script("x = '<!--'") == "x = '<\\!--'"
    assert escape_script("var ok = 1 < 2;") == "var ok = 1 < 2;"


def test_cdn_urls_are_the_pinned_versions() -> None:
    urls = cdn_urls()
    assert set(urls) == {
        "leaflet.js",
        "leaflet.css",
        "leaflet.markercluster.js",
        "MarkerCluster.css",
        "MarkerCluster.Default.css",
    }
    for name, url in urls.items():
        assert url.startswith("https://")
        assert url.endswith("/" + name)
        version = ASSETS[name].version
        assert f"@{version}/" in url


# ------------------------------------------------------------------ self-contained page


def test_self_contained_page_loads_nothing_from_outside() -> None:
    page = render_html(build_map(self_contained=True))
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag != "link", attrs
        if tag == "script":
            assert "src" not in attrs, attrs
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or not re.match(r"(https?:)?//", value), (tag, attrs)
    assert 'src="http' not in page
    # The one href="http in the page is Leaflet's attribution link, inside its own code.
    assert re.findall(r'href="http[^"]*"', page) == ['href="https://leafletjs.com"']
    for host in ("jsdelivr", "cdnjs", "jquery", "bootstrap", "fontawesome", "unpkg"):
        assert host not in page.lower(), host
    # Leaflet and markercluster are inlined, verbatim apart from the source-map comment.
    leaflet = asset_text("leaflet.js").replace("//# sourceMappingURL=leaflet.js.map", "")
    assert leaflet.strip() in page
    assert asset_text("leaflet.markercluster.js").splitlines()[0] in page
    assert "sourceMappingURL" not in page
    assert "url(images/" not in page
    # Every inline script ends only at its own closing tag.
    assert len(parsed.scripts) == page.count("</script>")
    for script in parsed.scripts:
        assert "</script" not in script.lower()


def test_self_contained_also_without_render_html() -> None:
    # m.save() and notebooks call folium's own render: the assets are still inlined.
    page = build_map(self_contained=True).get_root().render()
    parsed = parse(page)
    assert not [a for t, a in parsed.tags if t == "link" or (t == "script" and "src" in a)]
    assert "Leaflet 1.9.3, a JS library" in page
    assert "L.MarkerClusterGroup" in page


def test_self_contained_order_and_no_duplicates() -> None:
    page = render_html(build_map(self_contained=True))
    head = page[: page.index("</head>")]
    positions = [
        head.index(".leaflet-pane"),  # leaflet.css
        head.index(".marker-cluster-small"),  # MarkerCluster.Default.css
        head.index("Leaflet 1.9.3"),  # leaflet.js
        head.index("L.MarkerClusterGroup"),  # leaflet.markercluster.js
        head.index("window.$ = function"),  # the $ stand-in for folium's Popup
        head.index("L.Icon.Default.imagePath"),
        head.index(".leaflet-container { font-size"),  # the map's own style comes after
    ]
    assert positions == sorted(positions)
    assert page.count("Leaflet 1.9.3, a JS library") == 1
    assert page.count("L.MarkerClusterGroup=") == 1


def test_clustering_is_added_when_a_plugin_needs_it() -> None:
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=True, cluster=False)
    assert "L.MarkerClusterGroup" not in render_html(m)
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=True, cluster=False)
    folium.plugins.MarkerCluster().add_to(m)
    assert "L.MarkerClusterGroup" in render_html(m)


def test_cdn_mode_links_only_leaflet_and_markercluster_of_pinned_versions() -> None:
    page = render_html(build_map(self_contained=False))
    parsed = parse(page)
    srcs = [a["src"] for t, a in parsed.tags if t == "script" and a.get("src")]
    hrefs = [a["href"] for t, a in parsed.tags if t == "link"]
    urls = cdn_urls()
    assert srcs == [urls["leaflet.js"], urls["leaflet.markercluster.js"]]
    assert hrefs == [
        urls["leaflet.css"],
        urls["MarkerCluster.css"],
        urls["MarkerCluster.Default.css"],
    ]
    assert "1.1.0" not in page  # folium's MarkerCluster would load markercluster 1.1.0
    assert "Leaflet 1.9.3, a JS library" not in page


def test_self_contained_refuses_what_is_not_available_offline() -> None:
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=True, cluster=False)
    folium.Marker([30, 120], icon=folium.Icon(color="red")).add_to(m)
    with pytest.raises(AssetError, match="awesome-markers"):
        render_html(m)
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=True, cluster=False)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(AssetError, match="Fullscreen needs https://"):
        render_html(m)
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=True, cluster=True)
    folium.plugins.FastMarkerCluster([[30.0, 120.0]]).add_to(m)
    with pytest.raises(AssetError, match="FastMarkerCluster .awesome-markers."):
        render_html(m)


def test_links_from_an_earlier_folium_render_are_dropped() -> None:
    m = build_map(None)
    m.get_root().render()  # e.g. shown in a notebook before being configured
    configure_map_assets(m, self_contained=True, cluster=True)
    parsed = parse(render_html(m))
    assert not [a for t, a in parsed.tags if t == "link" or (t == "script" and "src" in a)]


def test_self_contained_refuses_links_added_by_hand() -> None:
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=True, cluster=False)
    m.add_js_link("mine", "https://example.org/mine.js")
    with pytest.raises(AssetError, match="https://example.org/mine.js"):
        render_html(m)
    configure_map_assets(m, self_contained=False, cluster=False)
    assert 'src="https://example.org/mine.js"' in render_html(m)


def test_cdn_mode_keeps_links_other_plugins_need() -> None:
    m = folium.Map(tiles=None)
    configure_map_assets(m, self_contained=False, cluster=False)
    folium.plugins.Fullscreen().add_to(m)
    folium.Marker([30, 120], icon=folium.Icon(color="red")).add_to(m)
    page = render_html(m)
    fullscreen = dict(folium.plugins.Fullscreen.default_js)
    assert all(f'src="{url}"' in page for url in fullscreen.values())
    assert "leaflet.awesome-markers.js" in page


def test_reconfiguring_switches_mode() -> None:
    m = build_map(self_contained=True)
    assert "Leaflet 1.9.3, a JS library" in render_html(m)
    configure_map_assets(m, self_contained=False, cluster=True)
    page = render_html(m)
    assert "Leaflet 1.9.3, a JS library" not in page
    assert f'src="{cdn_urls()["leaflet.js"]}"' in page
    assert sum(1 for k in m._children if k == "g60_asset_guard") == 1


# ------------------------------------------------------------------------ determinism


@pytest.mark.parametrize("self_contained", [True, False, None])
def test_two_builds_render_byte_identical(self_contained: bool | None) -> None:
    first = render_html(build_map(self_contained))
    second = render_html(build_map(self_contained))
    assert first == second
    assert not RANDOM_ID.search(first)
    assert "map_g60_" in first


def test_plain_folium_is_not_deterministic_but_ours_is() -> None:
    # Guard the premise: folium alone gives random ids.
    a = build_map(None).get_root().render()
    b = build_map(None).get_root().render()
    assert a != b
    assert RANDOM_ID.search(a)


def test_rendering_the_same_map_again_gives_the_same_page() -> None:
    m = build_map(True)
    before = sum(1 for _ in iter_elements(m.get_root()))
    first = render_html(m)
    # What folium's render adds to the tree is taken away again.
    assert sum(1 for _ in iter_elements(m.get_root())) == before
    assert render_html(m) == first
    assert render_html(m) == first


def test_names_copied_at_creation_are_renamed() -> None:
    m = build_map(None)
    page = render_html(m)
    overlays = page[page.index("overlays :") : page.index("let layer_control")]
    labels = re.findall(r'"([^"]+)" : (\w+)', overlays)
    assert [label for label, _ in labels][:1] == ["Boundaries"]
    for label, var in labels:
        assert not RANDOM_ID.search(label)
        assert re.fullmatch(r"\w+_g60_\d{4}", var)
        assert f"var {var} = " in page
    # Popups' html children are JS variables named by their keys.
    for var in re.findall(r"var (html_\w+) = \$\(", page):
        assert re.fullmatch(r"html_g60_\d{4}", var)


def test_stabilize_ids_is_idempotent_and_checks_prefix() -> None:
    m = build_map(True)
    assert stabilize_ids(m, "g60")
    assert stabilize_ids(m, "g60") == {}
    ids = [el._id for el in iter_elements(m.get_root())]
    assert len(ids) == len(set(ids))
    assert ids == [f"g60_{n:04d}" for n in range(1, len(ids) + 1)]
    with pytest.raises(ValueError, match="prefix"):
        stabilize_ids(m, "g-60")


def test_two_maps_with_different_prefixes_share_no_ids() -> None:
    pages = {}
    ids = {}
    for prefix in ("g60a", "g60b"):
        m = build_map(True)
        pages[prefix] = render_html(m, prefix=prefix)
        ids[prefix] = {el._id for el in iter_elements(m.get_root())}
    assert ids["g60a"].isdisjoint(ids["g60b"])
    names = {p: set(re.findall(r"\b[a-z_]+_g60[ab]_\d{4}\b", page)) for p, page in pages.items()}
    assert names["g60a"] and names["g60b"]
    assert names["g60a"].isdisjoint(names["g60b"])
    declared = {
        p: set(re.findall(r"\b(?:var|let|const|function) (\w+)", page)) for p, page in pages.items()
    }
    shared = declared["g60a"] & declared["g60b"]
    assert all("g60" not in name for name in shared), shared
    # Same map, same shape: only the prefix differs.
    assert pages["g60a"].replace("g60a_", "g60b_") == pages["g60b"]


def test_builds_in_separate_processes_are_identical(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = {[str(Path(__file__).parent), str(Path(__file__).parents[1])]!r}
        from test_assets import build_map
        from g60map.render.web.page import render_html
        sys.stdout.buffer.write(render_html(build_map(True)).encode("utf-8"))
        """
    )
    pages = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, check=True
        )
        pages.append(out.stdout)
    assert pages[0] == pages[1]
    assert pages[0] == render_html(build_map(True)).encode("utf-8")


# ------------------------------------------------------------------ text in popups etc.


def test_text_to_html_is_inert_in_template_literals() -> None:
    out = text_to_html(NASTY)
    for bad in ("`", "${", "\\", "<", ">", '"', "'"):
        assert bad not in out
    assert "松江" in out
    import html

    assert html.unescape(out) == NASTY


def test_folium_pastes_tooltip_text_raw_into_a_template_literal() -> None:
    # The premise of text_to_html: without it, ${...} and </script> reach the page as is.
    m = folium.Map(tiles=None)
    folium.CircleMarker([30, 120], tooltip="${alert(1)} </script>").add_to(m)
    page = render_html(m)
    assert re.search(r"`<div>\s*\$\{alert\(1\)\} </script>", page)
    # GeoJSON data, on the other hand, goes through jinja's htmlsafe tojson.
    m = folium.Map(tiles=None)
    feature = {"type": "Feature", "properties": {"n": "</script>"}, "geometry": None}
    folium.GeoJson({"type": "FeatureCollection", "features": [feature]}).add_to(m)
    page = render_html(m)
    assert "\\u003c/script\\u003e" in page
    assert json.dumps(feature["properties"]) not in page


# ------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@requires_browser
def test_self_contained_page_works_offline_in_chromium(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(build_map(True)), encoding="utf-8")
    with open_page(path, settle_ms=0) as res:
        page = res.page
        page.wait_for_function("() => document.querySelectorAll('.leaflet-interactive').length")
        state = page.evaluate(
            """() => ({
                version: L.version,
                cluster: typeof L.MarkerClusterGroup,
                icons: Array.from(document.querySelectorAll('img.leaflet-marker-icon'))
                    .map(i => i.src.slice(0, 22)),
                clusters: document.querySelectorAll('.marker-cluster').length,
                toggle: document.querySelectorAll('.leaflet-control-layers-overlays label')
                    .length,
                popups: Object.keys(window).filter(k => k.startsWith('popup_'))
                    .map(k => window[k].getContent().textContent),
            })"""
        )
        outside = res.blocked_requests
        errors = res.page_errors + res.console_errors
    assert outside == []
    assert errors == []
    assert state["version"] == "1.9.3"
    assert state["cluster"] == "function"
    assert state["clusters"] >= 1
    assert state["icons"] and all(s == "data:image/png;base64," for s in state["icons"])
    assert state["toggle"] >= 4
    assert "popup 0 " + NASTY in state["popups"]
