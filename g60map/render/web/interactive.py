r"""The interactive corridor map: a Leaflet page built with folium, small, safe and offline.

:func:`build_map` returns a :class:`CorridorMap` (a ``folium.Map``)
whose layers are drawn by a small script of ours (``g60map.js``, shipped next to this
module) from one JSON payload (:mod:`g60map.render.web.payload`), instead of one folium element
per feature:

* **Boundaries** are stored once as a topology (shared edges once, delta-encoded arcs,
  :mod:`g60map.render.web.codec`); the default map is about a third of a naive GeoJSON.
* **Text is never HTML.** Every user string reaches the page inside the JSON payload (with
  ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\u003c`` etc., so it cannot end the
  ``<script>`` element) and is put on screen with ``textContent``; only ``http(s)`` URLs
  become links (``rel="noopener noreferrer"``, ``target="_blank"``). folium's
  ``Popup``/``Tooltip``/``GeoJsonPopup`` (unescaped templates) are not used.
* **Deterministic**: element ids are sequential (:func:`g60map.render.web.page.render_html`),
  the payload is serialised with sorted keys and integer coordinates.
* **Bounded**: partners beyond ``settings.PARTNER_DETAIL_LIMIT`` are clustered in the
  browser from a compact coordinate string, beyond ``settings.PARTNER_POINT_LIMIT``
  counted per grid cell.
* **Datum**: AMap and Tencent tiles are in GCJ-02; with those basemaps every geometry is
  shifted to GCJ-02 (:func:`g60map.reference.datum.shift_gdf`) so it sits on the tiles.

Writing is a separate step: :func:`save_map` (atomic; the pinned Leaflet and markercluster
are inlined, see :mod:`g60map.render.web.assets`, so the page opens without a network;
``cdn=True`` links them from a CDN instead, a smaller page that shows a message when they
cannot be loaded), :func:`map_html` (the page as a string), :func:`map_fragment` (a
``<div>`` for another page, ids namespaced by a prefix) and :func:`map_iframe` (an
``<iframe srcdoc>``, also what Jupyter shows).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import folium
from folium.template import Template

from ... import settings
from ..._atomic import write_text
from ...corridor.model import Corridor, as_corridor
from ..text import Lang, check_lang
from ._fields import FieldChoice
from .basemaps import Basemap, get_basemap
from .page import CorridorLayers, Page, Payload, render_html
from .page_assets import configure_map_assets, shared_library_html
from .payload import map_payload, script_json
from .plain_page import library_fallback_html

__all__ = [
    "CorridorMap",
    "build_map",
    "map_fragment",
    "map_fragments",
    "map_html",
    "map_iframe",
    "save_map",
]

_PREFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


_MAP_TEMPLATE = """
{% macro header(this, kwargs) %}
{%- if not this.fragment %}
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>
{%- endif %}
<style>#{{ this.get_name() }} { position: {{ this.position }}; width: {{ this.width[0] }}{{
 this.width[1] }}; height: {{ this.height[0] }}{{ this.height[1] }}; left: 0; top: 0; }</style>
{% endmacro %}

{% macro html(this, kwargs) %}
<div class="folium-map g60m" id={{ this.get_name()|tojson }}></div>
{%- if this.self_contained == False %}{{ this.library_fallback() }}{% endif %}
{% endmacro %}

{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.map(
    {{ this.get_name()|tojson }},
    {
        center: {{ this.location|tojson }},
        crs: L.CRS.{{ this.crs }},
        ...{{ this.options|tojavascript }}
    }
);
{% endmacro %}
"""


class CorridorMap(folium.Map):
    """A ``folium.Map`` whose corridor layers are drawn by ``g60map.js``.

    Made by :func:`g60map.build_map`; behaves as any ``folium.Map`` (add folium layers to
    it, ``m.save(...)``), with a page that has ``<html lang>``, no global styles when
    embedded (:func:`g60map.map_fragment`), and a deterministic inline display in Jupyter
    (:func:`g60map.map_iframe`).

    Attributes
    ----------
    lang : {"en", "zh"}
    basemap : g60map.render.web.basemaps.Basemap
    prefix : str
        Prefix of the element ids (:func:`~g60map.render.web.page.stabilize_ids`).
    payload : dict
        The data the page's script draws (read it, e.g. in tests; do not modify it).
    """

    _template = Template(_MAP_TEMPLATE)

    def __init__(self, *, lang: Lang, basemap: Basemap, prefix: str, title: str, **kwargs: Any):
        super().__init__(tiles=None, **kwargs)
        self._name = "Map"
        self.lang = lang
        self.basemap = basemap
        self.prefix = prefix
        self.title = title
        self.fragment = False
        self.self_contained: bool | None = None
        #: As :func:`build_map` was told: link the libraries from a CDN (pages written
        #: without saying otherwise follow it).
        self.cdn = False

    @property
    def payload(self) -> dict[str, Any]:
        """The payload drawn by the page script."""
        for child in self._children.values():
            if isinstance(child, CorridorLayers):
                return child.payload.data
        return {}

    def library_fallback(self) -> str:
        """Return the message shown when the linked Leaflet did not load (CDN pages).

        Returns
        -------
        str
            A ``<div role="alert">`` over the map and a script that removes it as soon as
            it runs with Leaflet loaded; without Leaflet it stays (instead of a blank page).
        """
        return library_fallback_html(self.get_name(), self.lang)

    def _repr_html_(self, **kwargs: Any) -> str:
        """Inline display in Jupyter: an ``<iframe srcdoc>`` of the page."""
        return map_iframe(self)


def build_map(
    corridor: Corridor | None = None,
    *,
    lang: Lang = "en",
    basemap: str = "osm",
    cdn: bool = False,
    title: str | None = None,
    prefix: str = "g60",
    detail_limit: int | None = None,
    point_limit: int | None = None,
    tables: Collection[str] = ("partners", "investments"),
    metrics: Sequence[str] | None = (),
    scheme: str | None = None,
    metric: str | None = None,
    k: int | None = None,
    cmap: str | None = None,
    tooltip: FieldChoice = True,
    popup: FieldChoice = True,
) -> CorridorMap:
    """Build the interactive map of the G60 corridor.

    Layers (each in the layer control): province boundaries; city boundaries (members filled
    by a metric, Songjiang emphasised, others faint); the districts (区县) of the nine cities
    filled by the same metric, with popups (off on opening; cities and districts take turns,
    :mod:`g60map.render.web.districts`); city seats with labels (and the
    metric's value) placed so they do not overlap; geodesic spokes from Songjiang (length
    and bearing on hover) or, when the investments say where the money comes from, flows
    from each origin to its project, their width proportional to the amount; the
    schematic G60 trunk; partners (clustered); investments as circles whose area is
    proportional to the amount. A title, a legend with the metric switch, a summary of
    what is shown, a size scale, sources and datum; a scale bar, a full-screen button, a
    search box over city, partner and investment names (both languages), buttons that
    save the view as a PNG and put it in the page's address (URL hash); when the tables
    have dates spanning more than one period, a time slider (cumulative or one period,
    with a play button), and filters by partner kind, province and in or out of the
    corridor. The map opens fitted to the nine member cities, clear of the controls, or
    on the view in the address.

    Parameters
    ----------
    corridor : Corridor, optional
        From :func:`g60map.load_corridor`; None: ``load_corridor()`` (the partners and
        investment of the source article). Above ``detail_limit`` partners only positions
        and names are kept (clustered); above ``point_limit`` they are counted per grid cell.
    lang : {"en", "zh"}, default "en"
        Language of labels, legend and popups.
    basemap : str, default "osm"
        A key of :data:`g60map.render.web.basemaps.BASEMAPS`. ``"amap"`` and ``"tencent"``
        tiles are in GCJ-02 and every geometry is shifted to match; ``"none"`` draws no
        tiles (offline).
    cdn : bool, default False
        False: the page inlines the pinned Leaflet and markercluster (about 0.2 MB more)
        and opens without a network (the basemap tiles still need one; ``basemap="none"``
        needs nothing). True: it links them from a CDN (jsDelivr), a smaller page that
        shows a message instead of the map when they cannot be loaded. :func:`save_map`
        and :func:`map_html` write what this says unless told otherwise.
    title : str, optional
        Map title (default: the corridor's name in ``lang``).
    prefix : str, default "g60"
        Letters and digits, starting with a letter: prefix of the page's element ids. Give
        each map on one page its own prefix (:func:`map_fragment` does by default).
    detail_limit, point_limit : int, optional
        Defaults ``settings.PARTNER_DETAIL_LIMIT`` and :data:`g60map.settings.PARTNER_POINT_LIMIT`.
    tables : collection of str, default ("partners", "investments")
        The corridor's tables drawn as points; the city fill counts every partner. None: both.
    metrics : sequence of str, default ()
        Numeric columns of the partners or investments table (``"employees"``, or
        ``"partners.employees"`` when both tables have one) offered by the metric switch
        after the built-in partners, partners per 1,000 km² and investment total (CNY);
        each is summed per city (:func:`g60map.corridor.metrics.city_metrics`). None: none.
    scheme : {"natural_breaks", "quantiles", "nice"}, optional
        Classes of every metric (:func:`g60map.corridor.classify.classify`), as in
        ``GeoDataFrame.explore``: natural breaks (Fisher-Jenks, the default,
        :data:`g60map.settings.MAP_SCHEME`), quantiles (both rounded to nice numbers) or
        1-2-5 steps, computed over the nine cities for the whole data and kept when the
        reader moves the slider or filters. The reader can change the scheme and ``k`` in
        the legend.
    k : int, optional
        Number of classes, 2 to 9 (default :data:`g60map.settings.MAP_CLASSES`, 5).
    cmap : str, optional
        Colour map of the classes: a ColorBrewer name (``"Oranges"``, the default,
        ``"Blues"``, ``"YlGnBu"``, ...) or another matplotlib colour map.
    metric : str, optional
        The metric the map opens with; default the first of ``metrics``, else partners
        (the investment total when no corridor city has a partner but one has an
        investment).
    tooltip, popup : bool, str or list of str, default True
        What the tooltip and the popup of a partner or investment show, as in geopandas
        ``explore()``: True the usual fields (the name; every column for a reader, each
        labelled in ``lang``), False nothing, column names those columns in that order
        (a column of one table only is shown for that table). Internal columns
        (:data:`g60map.render.web._fields.INTERNAL_COLUMNS`) are never shown.

    Returns
    -------
    CorridorMap
        A ``folium.Map``. Write it with :func:`save_map`; it displays inline in Jupyter.

    Raises
    ------
    ValueError
        Unknown ``lang``, ``basemap``, ``tables`` or a bad ``prefix``.
    G60InputError
        A metric that names no numeric column (the message lists the choices), or a cell
        of its column that is not a number; an unknown ``scheme`` or ``cmap``, ``k`` out
        of range; a ``tooltip`` or ``popup`` column that neither
        table has (the message lists the columns).
    TypeError
        ``corridor`` is not a :class:`~g60map.Corridor`.

    Examples
    --------
    >>> m = build_map(lang="zh", basemap="none")
    >>> m.payload["cities"][0]["name"], len(m.payload["cities"])
    ('黄浦区', 56)
    """
    lang = check_lang(lang)
    base = get_basemap(basemap)
    _check_prefix(prefix)
    data = map_payload(
        as_corridor(corridor),
        lang=lang,
        basemap=base,
        title=title,
        detail_limit=detail_limit,
        point_limit=point_limit,
        tables=tables,
        metrics=metrics,
        scheme=scheme,
        metric=metric,
        k=k,
        cmap=cmap,
        tooltip=tooltip,
        popup=popup,
    )
    (s, w), (n, e) = data["bounds"]
    page_title = data["title"]
    m = CorridorMap(
        lang=lang,
        basemap=base,
        prefix=prefix,
        title=page_title,
        location=[round((s + n) / 2, 5), round((w + e) / 2, 5)],
        zoom_start=7,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    page = Page(lang, page_title)
    m.add_to(page)
    m.add_child(CorridorLayers(Payload(data)), name="corridor_layers")
    configure_map_assets(m, self_contained=not cdn, cluster=True)
    m.self_contained = not cdn
    m.cdn = cdn
    return m


def _check_prefix(prefix: object) -> None:
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(f"prefix must be letters and digits starting with a letter: {prefix!r}")


def _inline(m: folium.Map, self_contained: bool | None, cdn: bool | None) -> bool:
    """Whether a page of ``m`` inlines its libraries: as asked, else as the map was built."""
    if self_contained is not None and cdn is not None and bool(self_contained) == bool(cdn):
        raise ValueError("self_contained and cdn say opposite things: give one of them")
    if cdn is not None:
        return not cdn
    if self_contained is not None:
        return bool(self_contained)
    return not getattr(m, "cdn", False)


def _set_assets(m: folium.Map, self_contained: bool) -> None:
    if getattr(m, "self_contained", None) is not self_contained:
        configure_map_assets(m, self_contained=self_contained, cluster=True)
        if isinstance(m, CorridorMap):
            m.self_contained = self_contained


def map_html(
    m: folium.Map, *, self_contained: bool | None = None, cdn: bool | None = None
) -> str:
    """Render the map's full HTML page, deterministically.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    self_contained : bool, optional
        True: inline Leaflet and markercluster (pinned, checksummed), so the page opens
        without a network (with ``basemap="none"`` it makes no request at all); False: link
        them from the CDN. None: as :func:`build_map` was told (``cdn``), inlined for other
        maps.
    cdn : bool, optional
        The opposite of ``self_contained`` (give one of them).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        ``self_contained`` and ``cdn`` both given and contradicting each other.
    """
    _set_assets(m, _inline(m, self_contained, cdn))
    root = m.get_root()
    if isinstance(m, CorridorMap):
        m.fragment = False
    if isinstance(root, Page):
        root.mode = "page"
    return render_html(m, getattr(m, "prefix", "g60"))


def save_map(
    m: folium.Map,
    path: str | os.PathLike[str] | None = None,
    *,
    self_contained: bool | None = None,
    cdn: bool | None = None,
) -> Path:
    """Write the map's page atomically (a failed write leaves the old file intact).

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    path : path-like, optional
        Target file; default ``settings.OUTPUT_DIR / settings.MAP_FILENAME``. Folders are
        created.
    self_contained, cdn : bool, optional
        See :func:`map_html`: by default the page inlines its libraries (opens offline)
        unless the map was built with ``cdn=True``.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(settings.OUTPUT_DIR) / settings.MAP_FILENAME if path is None else Path(path)
    return write_text(target, map_html(m, self_contained=self_contained, cdn=cdn))


def _css_size(value: str | int, name: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}px"
    text = str(value).strip()
    if not re.fullmatch(r"\d+(\.\d+)?(px|%|em|rem|vh|vw)", text):
        raise ValueError(f"{name} must be a CSS length such as '600px' or '100%', not {value!r}")
    return text


def map_fragment(
    m: folium.Map,
    *,
    prefix: str | None = None,
    width: str | int = "100%",
    height: str | int = "600px",
    self_contained: bool | None = None,
    cdn: bool | None = None,
) -> str:
    """Return the map as an HTML fragment (a ``<div>``) to paste into another page.

    Everything the map defines is namespaced: element ids and script variables start with
    ``prefix``, our CSS rules sit under the map's ``.g60m`` class and no global style
    (``html``, ``body``) is set. Several fragments can share a page; with
    ``self_contained=True`` Leaflet and markercluster run once however many there are.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    prefix : str, optional
        Id prefix (letters and digits, starting with a letter). Default: ``"g"`` and 10
        hex digits of a hash of the map's page, so two different maps never collide and
        the output stays deterministic.
    width, height : str or int
        CSS size of the ``<div>`` (int: pixels).
    self_contained, cdn : bool, optional
        See :func:`map_html`.

    Returns
    -------
    str
        ``<div class="g60m-embed" id="<prefix>-embed">...</div>`` with its styles and
        scripts inside.
    """
    width, height = _css_size(width, "width"), _css_size(height, "height")
    inline = _inline(m, self_contained, cdn)
    if prefix is None:
        digest = hashlib.sha256(map_html(m, self_contained=inline).encode("utf-8"))
        prefix = "g" + digest.hexdigest()[:10]
    else:
        _check_prefix(prefix)
    _set_assets(m, inline)
    root = m.get_root()
    if not isinstance(root, Page):
        raise TypeError("map_fragment needs a map from g60map.build_map")
    if isinstance(m, CorridorMap):
        m.fragment = True
    root.mode = "fragment"
    root.embed_id = f"{prefix}-embed"
    root.frame_width, root.frame_height = width, height
    try:
        return render_html(m, prefix)
    finally:
        if isinstance(m, CorridorMap):
            m.fragment = False
        root.mode = "page"


def map_fragments(
    maps: Sequence[CorridorMap],
    *,
    prefixes: Sequence[str],
    width: str | int = "100%",
    height: str | int = "600px",
) -> tuple[str, list[str]]:
    """Return several self-contained maps for one page, with what they share once.

    :func:`map_fragment` with ``self_contained=True`` puts Leaflet, markercluster, the
    map's stylesheet and its drawing script in every fragment (about 0.3 MB a map). Here
    they are in the first returned string, once, with the boundary arcs (and those of the
    districts) when every map has the same ones (maps of one corridor on the same basemap
    datum do); each fragment then holds its own ``<div>``, options and payload only.

    Parameters
    ----------
    maps : sequence of CorridorMap
        From :func:`build_map`.
    prefixes : sequence of str
        One id prefix per map (letters and digits, starting with a letter), all different.
    width, height : str or int
        CSS size of each ``<div>`` (int: pixels).

    Returns
    -------
    shared : str
        ``<style>`` and ``<script>`` elements: put them on the page before the first map.
    fragments : list of str
        One ``<div class="g60m-embed">`` per map, in the order of ``maps``.

    Raises
    ------
    ValueError
        A bad or repeated prefix, or not one prefix per map.
    TypeError
        A map that is not from :func:`build_map`.
    """
    if len(prefixes) != len(maps) or len(set(prefixes)) != len(prefixes):
        raise ValueError("map_fragments needs one prefix per map, all different")
    for prefix in prefixes:
        _check_prefix(prefix)
    layers = []
    for m in maps:
        found = [c for c in m._children.values() if isinstance(c, CorridorLayers)]
        if not isinstance(m, CorridorMap) or not found:
            raise TypeError("map_fragments needs maps from g60map.build_map")
        layers.append(found[0])
    arcs = [layer.payload.data.get("arcs") for layer in layers]
    shared_arcs = bool(maps) and arcs[0] is not None and all(a == arcs[0] for a in arcs)
    arcs_id = f"{prefixes[0]}-arcs" if maps else ""
    # the district layer's arcs, the same way
    district_arcs = [(layer.payload.data.get("districts") or {}).get("arcs") for layer in layers]
    shared_districts = (bool(maps) and district_arcs[0] is not None
                        and all(a == district_arcs[0] for a in district_arcs))
    district_arcs_id = f"{prefixes[0]}-district-arcs" if maps else ""
    fragments = []
    for m, layer, prefix in zip(maps, layers, prefixes, strict=True):
        root = m.get_root()
        assert isinstance(root, Page)
        layer.own_assets = False
        layer.arcs_from = arcs_id if shared_arcs else None
        layer.district_arcs_from = district_arcs_id if shared_districts else None
        root.with_assets = False
        try:
            fragments.append(map_fragment(m, prefix=prefix, width=width, height=height,
                                          self_contained=True))
        finally:
            layer.own_assets = True
            layer.arcs_from = None
            layer.district_arcs_from = None
            root.with_assets = True
    if not maps:
        return "", fragments
    shared = [
        shared_library_html(cluster=True),
        f"<style>{CorridorLayers.css()}</style>",
        f"<script>\n{CorridorLayers.js()}\n</script>",
    ]
    if shared_arcs:
        shared.append(
            f'<script type="application/json" id="{arcs_id}">{script_json(arcs[0])}</script>'
        )
    if shared_districts:
        shared.append(f'<script type="application/json" id="{district_arcs_id}">'
                      f"{script_json(district_arcs[0])}</script>")
    return "\n".join(shared) + "\n", fragments


def map_iframe(
    m: folium.Map,
    *,
    width: str | int = "100%",
    height: str | int = "600px",
    self_contained: bool | None = None,
    cdn: bool | None = None,
) -> str:
    """Return the map as an ``<iframe srcdoc>`` (isolated from the host page).

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`.
    width, height : str or int
        CSS size of the iframe (int: pixels).
    self_contained, cdn : bool, optional
        See :func:`map_html`.

    Returns
    -------
    str
        One ``<iframe>`` element; the page is HTML-escaped into its ``srcdoc``.
    """
    width, height = _css_size(width, "width"), _css_size(height, "height")
    page = map_html(m, self_contained=self_contained, cdn=cdn)
    title = html.escape(str(getattr(m, "title", "map")))
    return (
        f'<iframe class="g60m-frame" title="{title}" style="width:{width};height:{height};'
        f'border:0" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox '
        f'allow-downloads" '
        f'allow="fullscreen" allowfullscreen srcdoc="{html.escape(page, quote=True)}">'
        "</iframe>"
    )
