"""Which scripts and styles a folium page loads: the pinned Leaflet, inlined or from a CDN.

:func:`configure_map_assets` makes a ``folium.Map`` reference only Leaflet (and
markercluster) instead of folium's default jQuery, Bootstrap, Font Awesome and
awesome-markers, either inlined (``self_contained=True``: no ``<script src>`` or
``<link href>`` at all) or as CDN links of the same pinned versions
(:mod:`g60map.render.web.assets` has the files).
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink

from .assets import (
    CDN_URLS,
    CLUSTER_CSS,
    CLUSTER_JS,
    HEADER_PREFIX,
    LEAFLET_CSS,
    LEAFLET_JS,
    AssetError,
    asset_bytes,
    escape_script,
    escape_style,
    inline_css,
    inline_js,
)
from .page import guarded_library, iter_elements
from .plain_page import DOLLAR_SHIM as _DOLLAR_SHIM
from .plain_page import icon_fix as _icon_fix

__all__ = [
    "ExternalAsset",
    "apply_map_assets",
    "configure_map_assets",
    "shared_library_html",
    "strip_external_assets",
]

class _InlineAsset(Element):
    """``<script>`` or ``<style>`` with a pinned file's content, produced at render time.

    Only the asset's key is stored (so tree walks do not scan 150 kB strings).
    """

    def __init__(self, kind: Literal["js", "css", "setup"], source: str):
        super().__init__()
        self._name = "InlineAsset"
        self.kind = kind
        self.source = source

    def render(self, **kwargs: Any) -> str:
        """Return the ``<script>`` or ``<style>`` element."""
        if self.kind == "css":
            return f"<style>\n{escape_style(inline_css(self.source))}</style>"
        if self.kind == "js":
            return f"<script>\n{escape_script(inline_js(self.source))}</script>"
        code = _DOLLAR_SHIM + (_icon_fix() if self.source == "offline" else "")
        return f"<script>\n{escape_script(code)}</script>"


class ExternalAsset(NamedTuple):
    """A JavaScript or CSS link that an element of a folium tree asks for.

    Parameters
    ----------
    kind : {"js", "css"}
        Script or stylesheet.
    name : str
        folium's key for it (e.g. ``"markerclusterjs"``).
    url : str
        Where folium would load it from.
    owner : str
        Class name of the element that asked for it.
    """

    kind: Literal["js", "css"]
    name: str
    url: str
    owner: str


_STRIPPED_ATTR = "_g60_stripped_assets"


def strip_external_assets(root: Element, keep: tuple[Element, ...] = ()) -> list[ExternalAsset]:
    """Clear ``default_js``/``default_css`` on every element of a tree; say what was there.

    folium plugins (``MarkerCluster``, ``FastMarkerCluster``, ...) keep class-level lists of
    CDN links that ``JSCSSMixin.render`` adds to the page header. This sets empty
    instance-level lists on every element of the tree (except those in ``keep``) and
    returns what they asked for, in tree order, without duplicates. The original lists are
    remembered on the element, so calling it again returns the same answer.

    Parameters
    ----------
    root : branca.element.Element
        Root of the tree (usually ``m.get_root()``).
    keep : tuple of Element
        Elements left alone.

    Returns
    -------
    list of ExternalAsset
        The links the elements asked for.
    """
    found: dict[tuple[str, str], ExternalAsset] = {}
    for element in iter_elements(root):
        if any(element is k for k in keep):
            continue
        state = vars(element)
        original = state.get(_STRIPPED_ATTR)
        if original is None:
            js = getattr(element, "default_js", None)
            css = getattr(element, "default_css", None)
            if js is None and css is None:
                continue
            original = (tuple(js or ()), tuple(css or ()))
            state[_STRIPPED_ATTR] = original
        state["default_js"] = []
        state["default_css"] = []
        owner = type(element).__name__
        groups: tuple[tuple[Literal["js", "css"], tuple], ...] = (
            ("js", original[0]), ("css", original[1])
        )
        for kind, pairs in groups:
            for name, url in pairs:
                found.setdefault((kind, name), ExternalAsset(kind, name, url, owner))
    return list(found.values())


def _is_cluster(asset: ExternalAsset) -> bool:
    return "markercluster" in asset.name.lower() or "markercluster" in asset.url.lower()


def _is_leaflet(asset: ExternalAsset) -> bool:
    return asset.name in ("leaflet", "leaflet_css") or bool(
        re.search(r"/leaflet(@[\d.]+)?(/dist)?/leaflet\.(js|css)$", asset.url)
    )


# folium's own links for what the stripped Map no longer loads, used in CDN mode only.
_FOLIUM_DEFAULTS = {**dict(folium.Map.default_js), **dict(folium.Map.default_css)}
_AWESOME = (
    "awesome_markers",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "glyphicons_css",
    "awesome_rotate_css",
)


def _extra_needs(root: Element) -> tuple[list[str], list[str]]:
    """Elements that need jQuery or awesome-markers, which the trimmed map does not load.

    ``folium.Icon`` is an awesome-markers icon, and so is every marker of a
    ``FastMarkerCluster`` without a ``callback`` (its default callback calls
    ``L.AwesomeMarkers.icon()``).
    """
    from folium.features import GeoJson
    from folium.map import Icon

    jquery: list[str] = []
    awesome: list[str] = []
    for element in iter_elements(root):
        cls = type(element).__name__
        if cls == "TimeSliderChoropleth" or (isinstance(element, GeoJson) and not element.embed):
            jquery.append(cls)
        if type(element) is Icon:  # CustomIcon and DivIcon need nothing
            awesome.append(cls)
        elif "L.AwesomeMarkers" in str(getattr(element, "callback", "")):
            awesome.append(cls)
    return jquery, awesome



def apply_map_assets(root: Figure, self_contained: bool, cluster: bool) -> None:
    """Put the page's script and style elements in the Figure header, in a fixed order.

    Called while the map renders (by the element :func:`configure_map_assets` adds), before
    any plugin renders: strips every plugin's CDN links (:func:`strip_external_assets`),
    adds markercluster if a plugin needs it even when ``cluster`` is False, and inserts,
    right after the ``meta_http`` entry: Leaflet CSS, markercluster CSS, Leaflet JS,
    markercluster JS, then a small script (``$`` stand-in; default marker icons as data:
    URIs when offline). In CDN mode, links that other plugins need are added back after it.

    Parameters
    ----------
    root : branca.element.Figure
        The page.
    self_contained : bool
        Inline everything, or link to the CDN.
    cluster : bool
        Include Leaflet.markercluster.

    Raises
    ------
    AssetError
        If ``self_contained`` and something in the tree needs a file that is not available
        offline (another plugin's library, jQuery, awesome-markers icons, or GeoJSON data
        loaded from a URL).
    """
    from folium import Map

    maps = tuple(el for el in root._children.values() if isinstance(el, Map))
    needs = strip_external_assets(root, keep=maps)
    other = [a for a in needs if not (_is_cluster(a) or _is_leaflet(a))]
    cluster = cluster or any(_is_cluster(a) for a in needs)
    jquery, awesome = _extra_needs(root)
    if self_contained:
        problems = [f"{a.owner} needs {a.url}" for a in other]
        problems += [f"{cls} needs jQuery" for cls in dict.fromkeys(jquery)]
        problems += [f"{c} (awesome-markers) needs Font Awesome" for c in dict.fromkeys(awesome)]
        if problems:
            raise AssetError(
                "a self-contained map can only use Leaflet and Leaflet.markercluster, but "
                + "; ".join(problems)
                + ". Use CircleMarker, DivIcon or CustomIcon markers, embedded data, "
                "or self_contained=False."
            )

    css = list(LEAFLET_CSS) + (list(CLUSTER_CSS) if cluster else [])
    js = list(LEAFLET_JS) + (list(CLUSTER_JS) if cluster else [])
    entries: list[tuple[str, Element]] = []
    for name in css:
        el: Element = _InlineAsset("css", name) if self_contained else CssLink(CDN_URLS[name])
        entries.append((f"{HEADER_PREFIX}{name}", el))
    for name in js:
        el = _InlineAsset("js", name) if self_contained else JavascriptLink(CDN_URLS[name])
        entries.append((f"{HEADER_PREFIX}{name}", el))
    setup = "offline" if self_contained else "cdn"
    entries.append((f"{HEADER_PREFIX}setup", _InlineAsset("setup", setup)))
    if not self_contained:
        for name in dict.fromkeys(["jquery"] * bool(jquery) + list(_AWESOME) * bool(awesome)):
            url = _FOLIUM_DEFAULTS[name]
            link = JavascriptLink(url) if url.endswith(".js") else CssLink(url)
            entries.append((f"{HEADER_PREFIX}{name}", link))
        for a in other:
            link = JavascriptLink(a.url) if a.kind == "js" else CssLink(a.url)
            entries.append((f"{HEADER_PREFIX}{a.kind}_{a.name}", link))

    # Drop our entries from an earlier render and links folium itself put there (a render
    # before configure_map_assets was called); in self-contained mode no link may remain.
    header = root.header
    stale = set(_FOLIUM_DEFAULTS) | {a.name for a in needs}
    items = [
        (k, v)
        for k, v in header._children.items()
        if not k.startswith(HEADER_PREFIX)
        and not (k in stale and isinstance(v, (JavascriptLink, CssLink)))
    ]
    if self_contained:
        links = [v.url for _, v in items if isinstance(v, (JavascriptLink, CssLink))]
        if links:
            raise AssetError(
                "a self-contained map cannot link to " + ", ".join(links) + " (added to the "
                "page header or with add_js_link/add_css_link); use self_contained=False"
            )
    at = next((i + 1 for i, (k, _) in enumerate(items) if k == "meta_http"), 0)
    for _, element in entries:
        element._parent = header
    header._children = type(header._children)(items[:at] + entries + items[at:])


class _AssetGuard(Element):
    """First child of the map: calls :func:`apply_map_assets` when the map renders."""

    def __init__(self, self_contained: bool, cluster: bool):
        super().__init__()
        self._name = "AssetGuard"
        self.self_contained = self_contained
        self.cluster = cluster

    def render(self, **kwargs: Any) -> str:
        """Configure the page's assets; renders to nothing."""
        root = self.get_root()
        if isinstance(root, Figure):
            apply_map_assets(root, self.self_contained, self.cluster)
        return ""


_GUARD_KEY = "g60_asset_guard"


def configure_map_assets(m: folium.Map, self_contained: bool, cluster: bool) -> None:
    """Make a map load only Leaflet (and markercluster), inlined or from a CDN.

    ``folium.Map`` declares class-level ``default_js``/``default_css`` with Leaflet, jQuery,
    Bootstrap, Font Awesome, glyphicons and awesome-markers. This sets instance-level lists
    without them (links added with ``m.add_js_link`` are kept; they make a self-contained
    map fail to render with :class:`AssetError`) and adds, as the map's first child, an
    element that at render time (see :func:`apply_map_assets`) puts exactly what is needed
    in the page header in a fixed order and clears the CDN links of plugins such as
    ``folium.plugins.MarkerCluster`` and ``FastMarkerCluster`` (which would load
    markercluster 1.1.0). It works for
    :func:`g60map.render.web.page.render_html`, ``m.save()`` and notebooks alike. Call
    it again to switch modes.

    With ``self_contained=True`` the page has no ``<script src>`` or ``<link href>``: the
    pinned, checksum-verified Leaflet (and markercluster) JavaScript is inlined in
    ``<script>`` elements and the CSS in ``<style>`` elements, with Leaflet's images as data:
    URIs. (Tile layers still fetch tiles; use ``tiles=None`` for a fully offline page.)

    folium's ``Popup`` uses jQuery's ``$``; a tiny stand-in is included in both modes.

    Parameters
    ----------
    m : folium.Map
        The map.
    self_contained : bool
        Inline everything (True) or link to jsDelivr (False, see :func:`cdn_urls`).
    cluster : bool
        Include Leaflet.markercluster even if no ``MarkerCluster`` plugin is on the map (it
        is added anyway when one is).

    Raises
    ------
    AssetError
        If ``self_contained`` and a pinned package is missing or altered (checked now, not
        only at render time).
    """
    if self_contained:
        for name in LEAFLET_JS + LEAFLET_CSS + ((CLUSTER_JS + CLUSTER_CSS) if cluster else ()):
            asset_bytes(name)
    # Keep links added with m.add_js_link/add_css_link, drop folium's defaults.
    m.default_js = [(n, u) for n, u in m.default_js if n not in _FOLIUM_DEFAULTS]
    m.default_css = [(n, u) for n, u in m.default_css if n not in _FOLIUM_DEFAULTS]
    m.add_child(_AssetGuard(self_contained, cluster), name=_GUARD_KEY, index=0)


def shared_library_html(cluster: bool = True) -> str:
    """Return Leaflet (and markercluster) inlined once, for several maps of one page.

    The same elements, in the same order, as a self-contained map puts in its header
    (:func:`apply_map_assets`): the CSS, the libraries (each run only if no earlier copy
    did, see :func:`~g60map.render.web.page.guarded_library`) and the small setup script
    (``$`` stand-in, default marker icons as data: URIs).

    Parameters
    ----------
    cluster : bool, default True
        Include Leaflet.markercluster.

    Returns
    -------
    str
        ``<style>`` and ``<script>`` elements, one per line.

    Raises
    ------
    AssetError
        If a pinned package is missing or altered.
    """
    css = list(LEAFLET_CSS) + (list(CLUSTER_CSS) if cluster else [])
    js = list(LEAFLET_JS) + (list(CLUSTER_JS) if cluster else [])
    out = [_InlineAsset("css", name).render() for name in css]
    out += [guarded_library(name) for name in js]
    out.append(_InlineAsset("setup", "offline").render())
    return "\n".join(out)
