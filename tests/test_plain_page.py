"""The default map page written without folium: the same bytes as folium writes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from g60map import load_corridor
from g60map.render.web.interactive import build_map, map_html
from g60map.render.web.plain_page import map_page


@pytest.fixture(scope="module")
def corridor():
    return load_corridor()


@pytest.mark.parametrize(
    ("lang", "basemap", "metrics", "scheme", "self_contained"),
    [
        ("en", "osm", (), "nice", False),
        ("en", "osm", (), "nice", True),
        ("zh", "amap", (), "quantiles", False),
        ("zh", "none", (), "natural_breaks", True),
        ("en", "carto", ("capital_cny",), "nice", False),
    ],
)
def test_map_page_is_the_page_folium_writes(corridor, lang, basemap, metrics, scheme,
                                            self_contained):
    """If this fails, the folium page (page.py, page_assets.py, interactive.py) changed:
    change plain_page.map_page the same way."""
    if metrics:
        from g60map.reference.synthetic import make_partners

        corridor = load_corridor(make_partners(40), article=True)
    kwargs = {"lang": lang, "basemap": basemap, "metrics": metrics, "scheme": scheme}
    folium_page = map_html(build_map(corridor, **kwargs), self_contained=self_contained)
    assert map_page(corridor, self_contained=self_contained, **kwargs) == folium_page


def test_build_writes_the_map_without_importing_folium(tmp_path):
    code = (
        "import sys\n"
        "from g60map.cli import main\n"
        f"assert main(['-q', 'build', '--out', {str(tmp_path)!r}]) == 0\n"
        "print(sorted(m for m in ('folium', 'branca', 'jinja2') if m in sys.modules))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stdout.strip().splitlines()[-1] == "[]"
    # bytes: the inlined Leaflet has CR LF line ends that read_text would change
    page = (tmp_path / "g60_corridor.html").read_bytes().decode("utf-8")
    assert page == map_html(build_map())
    assert "<script src=" not in page and "cdn.jsdelivr.net" not in page


def test_cdn_page_is_the_page_folium_writes(corridor):
    """build --cdn: the small page, linked libraries and the "no Leaflet" message."""
    folium_page = map_html(build_map(corridor, lang="zh", cdn=True))
    page = map_page(corridor, lang="zh", self_contained=False)
    assert page == folium_page
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in page
    assert 'id="map_g60_0002_nolib" role="alert"' in page
    assert "cdn.jsdelivr.net" in page.split('role="alert"')[1].split("</div>")[0]
