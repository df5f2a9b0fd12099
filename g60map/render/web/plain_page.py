"""The default map page written without folium: the same bytes, without its import.

Importing folium compiles the jinja2 templates of its ~50 element classes (a third of a
second); ``g60map build`` draws nothing of folium's own, so its page, which is always the
same tree (:class:`~g60map.render.web.interactive.CorridorMap` on a
:class:`~g60map.render.web.page.Page` with :class:`~g60map.render.web.page.CorridorLayers`
and the pinned Leaflet), is written here as text. :func:`map_page` gives the same bytes
as ``map_html(build_map(...))`` (tested over languages, basemaps, metrics and both asset
modes); anything that changes that page must change both (the test says where).
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Sequence
from importlib import resources

from ...corridor.model import Corridor, as_corridor
from ..text import LABELS as _LABELS
from ..text import Lang, check_lang
from ._fields import FieldChoice
from .assets import (
    CDN_URLS,
    CLUSTER_CSS,
    CLUSTER_JS,
    LEAFLET_CSS,
    LEAFLET_JS,
    asset_bytes,
    asset_data_uri,
    escape_script,
    escape_style,
    inline_css,
    inline_js,
)
from .basemaps import get_basemap
from .payload import map_payload, script_json

__all__ = ["DOLLAR_SHIM", "PAGE_SCRIPTS", "icon_fix", "library_fallback_html", "map_page"]

#: Runs after Leaflet. folium's ``Popup`` calls jQuery as ``$(`<div ...>`)[0]`` and
#: ``Map.keep_in_front`` as ``$(document).ready(f)``; without jQuery this small stand-in
#: does both (only if no ``$`` exists).
DOLLAR_SHIM = """\
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

#: The page script, in load order: the core (payload, codec, ``G60Map.draw``), then what
#: ``draw`` calls: the layers, the controls, the layout, the reader's view and its export.
PAGE_SCRIPTS = ("g60map.js", "g60map-layers.js", "g60map-districts.js", "g60map-controls.js",
                "g60map-layout.js", "g60map-classes.js", "g60map-views.js", "g60map-export.js")

#: Options of the Leaflet map, as folium 0.20 writes those :func:`build_map` gives.
_MAP_OPTIONS = """{
  "zoom": 7,
  "zoomControl": true,
  "preferCanvas": false,
  "zoomSnap": 0.25,
  "zoomDelta": 0.5,
}"""


@functools.cache
def icon_fix() -> str:
    """Return the script pointing ``L.Icon.Default`` at data: URIs (offline pages).

    Returns
    -------
    str
        JavaScript; Leaflet otherwise guesses the icons' path from ``leaflet.css``.
    """
    return (
        'L.Icon.Default.imagePath = "";\n'
        "L.Icon.Default.mergeOptions({"
        f'iconUrl: "{asset_data_uri("images/marker-icon.png")}", '
        f'iconRetinaUrl: "{asset_data_uri("images/marker-icon-2x.png")}", '
        f'shadowUrl: "{asset_data_uri("images/marker-shadow.png")}"'
        "});\n"
    )


def library_fallback_html(name: str, lang: Lang) -> str:
    """Return the "Leaflet did not load" message of a map that links its libraries.

    Parameters
    ----------
    name : str
        The map's element id (letters, digits and ``_``).
    lang : {"en", "zh"}

    Returns
    -------
    str
        A ``<div role="alert">`` over the map, visible until a script finds ``window.L``
        and removes it (so a page whose CDN cannot be reached says why instead of staying
        blank), and that script.
    """
    text = html.escape(_LABELS[lang]["no_library"])
    return (
        f'\n<div class="g60m-nolib" id="{name}_nolib" role="alert" style="position:absolute;'
        "top:0;left:0;right:0;z-index:1000;margin:16px;padding:12px 16px;background:#fff8e1;"
        "border:1px solid #c77c02;border-radius:4px;color:#3b2a00;font:15px/1.4 "
        f'system-ui,sans-serif">{text}</div>\n'
        f'<script>if (window.L) {{ document.getElementById("{name}_nolib").remove(); }}</script>'
    )


@functools.cache
def _own(name: str) -> str:
    return resources.files("g60map.render.web").joinpath(name).read_text(encoding="utf-8")


def _assets(self_contained: bool) -> list[str]:
    css = list(LEAFLET_CSS) + list(CLUSTER_CSS)
    js = list(LEAFLET_JS) + list(CLUSTER_JS)
    if self_contained:
        out = [f"<style>\n{escape_style(inline_css(name))}</style>" for name in css]
        out += [f"<script>\n{escape_script(inline_js(name))}</script>" for name in js]
        code = DOLLAR_SHIM + icon_fix()
    else:
        out = [f'<link rel="stylesheet" href="{CDN_URLS[name]}"/>' for name in css]
        out += [f'<script src="{CDN_URLS[name]}"></script>' for name in js]
        code = DOLLAR_SHIM
    out.append(f"<script>\n{escape_script(code)}</script>")
    return out


def map_page(
    corridor: Corridor | None = None,
    *,
    lang: Lang = "en",
    basemap: str = "osm",
    metrics: Sequence[str] | None = (),
    scheme: str | None = None,
    self_contained: bool = False,
    k: int | None = None,
    cmap: str | None = None,
    tooltip: FieldChoice = True,
    popup: FieldChoice = True,
) -> str:
    """Return the page of ``build_map(corridor, ...)`` as ``map_html`` writes it.

    Parameters
    ----------
    corridor : Corridor, optional
        As for :func:`g60map.build_map` (None: the source article's data).
    lang, basemap, metrics, scheme, k, cmap
        As for :func:`g60map.build_map` (the other options at their defaults).
    self_contained : bool, default False
        As for :func:`g60map.map_html`.
    tooltip, popup : bool, str or sequence of str, default True
        As for :func:`g60map.build_map`.

    Returns
    -------
    str
        The page, the same text as ``map_html(build_map(corridor, lang=lang,
        basemap=basemap, metrics=metrics, scheme=scheme), self_contained=...)``.

    Raises
    ------
    ValueError
        Unknown ``lang``, ``basemap`` or ``scheme``.
    G60InputError
        A metric that names no numeric column, or a cell of it that is not a number.
    AssetError
        ``self_contained`` and a pinned package is missing or altered.

    Examples
    --------
    >>> page = map_page(basemap="none")
    >>> page.startswith("<!DOCTYPE html>"), "G60Map.draw(map_g60_0002" in page
    (True, True)
    """
    lang = check_lang(lang)
    base = get_basemap(basemap)
    data = map_payload(as_corridor(corridor), lang=lang, basemap=base, metrics=metrics,
                       scheme=scheme, k=k, cmap=cmap, tooltip=tooltip, popup=popup)
    if self_contained:
        for name in LEAFLET_JS + LEAFLET_CSS + CLUSTER_JS + CLUSTER_CSS:
            asset_bytes(name)
    (s, w), (n, e) = data["bounds"]
    center = json.dumps([round((s + n) / 2, 5), round((w + e) / 2, 5)])
    name, layers = "map_g60_0002", "corridor_layers_g60_0004"
    header = [
        '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />',
        *_assets(self_contained),
        '\n<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        "<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>\n"
        f"<style>#{name} {{ position: relative; width: 100.0%; height: 100.0%; left: 0; "
        "top: 0; }</style>",
        f"<style>{escape_style(_own('g60map.css'))}</style>",
    ]
    body = [
        f'\n<div class="folium-map g60m" id="{name}"></div>'
        + ("" if self_contained else library_fallback_html(name, lang)),
        f'<script type="application/json" id="{layers}_data">{script_json(data)}</script>',
    ]
    script = [
        f'\nvar {name} = L.map(\n    "{name}",\n    {{\n        center: {center},\n'
        f"        crs: L.CRS.EPSG3857,\n        ...{_MAP_OPTIONS}\n    }}\n);",
        escape_script("\n".join(_own(s) for s in PAGE_SCRIPTS)) + "\n"
        f'G60Map.draw({name}, JSON.parse(document.getElementById("{layers}_data")'
        ".textContent));\n",
    ]
    title = html.escape(data["title"])
    page_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{page_lang}">\n<head>\n<title>{title}</title>\n'
        + "".join("\n    " + h for h in header)
        + "\n</head>\n<body>\n"
        + "".join("\n    " + b for b in body)
        + "\n<script>\n"
        + "".join("\n    " + s for s in script)
        + "\n</script>\n</body>\n</html>\n"
    )
