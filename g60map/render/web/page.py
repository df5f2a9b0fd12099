r"""The folium side of the interactive map: the page, its elements, deterministic output.

* The corridor layers of the ``folium.Map`` that :func:`g60map.build_map` returns
  (:class:`g60map.render.web.interactive.CorridorMap`) are one element
  (:class:`CorridorLayers`) that puts our stylesheet, the drawing script ``g60map.js`` and
  the payload (:mod:`g60map.render.web.payload`) on the page as fixed text
  (:class:`Verbatim`), never through a template engine.
* :class:`Page` is its Figure: a full page with ``<html lang>`` or, for
  :func:`g60map.map_fragment`, a ``<div>``.
* :func:`render_html` renders a page deterministically (:func:`stabilize_ids`).

folium and branca give every element a random id (``hexlify(urandom(16))``) that ends up in
JavaScript variable names, so rendering the same map twice gives different HTML.
:func:`stabilize_ids` renames every element of a map's tree to sequential ids
(``map_g60_0001``, ...) in tree order, so that two builds of the same map are byte-identical.

What else folium 0.20 does that matters here (checked against its source):

* GeoJSON data goes through jinja2's ``tojson``: keys are sorted (``sort_keys=True``) and
  ``<``, ``>``, ``&`` and ``'`` are written as ``\u003c`` etc., so it is deterministic
  and cannot close the ``<script>`` element.
* Options go through folium's ``tojavascript``: dict insertion order, same escaping.
* ``Tooltip`` text is pasted *unescaped* into a JavaScript template literal
  (`` `...` ``): a backtick ends it, ``${...}`` is executed and ``</script>`` ends the page's
  script element. ``Popup`` text goes the same way (inside ``$(`...`)``); only backticks are
  escaped. Pass user text through :func:`text_to_html` first.
* ``GeoJsonTooltip``/``GeoJsonPopup`` put property values into ``innerHTML`` unescaped.
* ``Layer.layer_name`` and ``FeatureGroup.tile_name`` of an unnamed layer, and
  ``MethodCall.target``, copy ``get_name()`` *when the object is created*; they are rewritten
  here together with the ids.
"""

from __future__ import annotations

import functools
import html
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from ..text import Lang
from .assets import HEADER_PREFIX, escape_script, escape_style, inline_js
from .payload import script_json
from .plain_page import PAGE_SCRIPTS

__all__ = [
    "STABLE_ID_PATTERN",
    "CorridorLayers",
    "Page",
    "Payload",
    "Verbatim",
    "guarded_library",
    "iter_elements",
    "own_asset",
    "render_html",
    "stabilize_ids",
    "text_to_html",
]

#: Pattern of the ids :func:`stabilize_ids` assigns: ``<prefix>_<4+ digits>``.
STABLE_ID_PATTERN = re.compile(r"[A-Za-z0-9]+_\d{4,}")

_PREFIX_RE = re.compile(r"[A-Za-z0-9]+")

# An element id inside a longer string: either branca's random 32-hex id, or one of ours.
# The look-behinds keep the scan linear on long alphanumeric runs (base64 data URIs). Ours
# must not be followed by a hex digit: in "macro_element_0233a5...", "element_0233" is the
# start of "element_" + a random id, not an id of ours.
_ID_TOKEN_RE = re.compile(
    r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"
    r"|(?<![0-9A-Za-z])[A-Za-z0-9]+_\d{4,}(?![0-9a-f])"
)

_RANDOM_ID_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")

# Attributes that are never followed (tree links handled separately) or never rewritten.
_SKIP_ATTRS = frozenset({"_parent", "_children", "_id", "_template", "_template_str"})


def _attr_elements(element: Element) -> Iterator[Element]:
    """Yield elements an element refers to outside ``_children``, in attribute order.

    Covers ``header``/``html``/``script`` of a Figure, Div or Popup, ``Marker.icon``,
    ``GeoJson.marker``, ``Map.objects_to_stay_in_front`` and the like: attributes that are
    elements, or lists, tuples or dict values that are elements (one level deep).
    """
    for key, value in vars(element).items():
        if key in _SKIP_ATTRS:
            continue
        if isinstance(value, Element):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (v for v in value if isinstance(v, Element))
        elif isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, Element))


def iter_elements(root: Element) -> Iterator[Element]:
    """Walk an element tree depth-first, in a deterministic order.

    Each element is yielded once, before its ``_children`` (in insertion order), which come
    before the elements it refers to through attributes (see :func:`_attr_elements`).
    ``_parent`` links are not followed.

    Parameters
    ----------
    root : branca.element.Element
        Where to start, usually ``m.get_root()``.

    Yields
    ------
    branca.element.Element
        Every element reachable from ``root``.
    """
    seen: set[int] = set()
    stack: list[Element] = [root]
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield element
        nxt = list(element._children.values())
        nxt.extend(_attr_elements(element))
        stack.extend(reversed(nxt))


def _rewrite(value: Any, sub: Callable[[str], str], depth: int) -> Any:
    """Return ``value`` with ids in strings replaced; containers one level deep.

    Lists and dicts are changed in place, and only if one of their strings changes.
    """
    if isinstance(value, str):
        return sub(value)
    if isinstance(value, JsCode):
        value.js_code = sub(value.js_code)
        return value
    if depth <= 0:
        return value
    if isinstance(value, list):
        new_list = [_rewrite(item, sub, 0) for item in value]
        if any(a is not b for a, b in zip(new_list, value, strict=True)):
            value[:] = new_list
        return value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        new_tuple = tuple(_rewrite(item, sub, 0) for item in value)
        return value if new_tuple == value else new_tuple
    if isinstance(value, dict):
        items = [(_rewrite(k, sub, 0), _rewrite(v, sub, 0)) for k, v in value.items()]
        if any(
            k1 != k2 or v1 is not v2
            for (k1, v1), (k2, v2) in zip(items, value.items(), strict=True)
        ):
            value.clear()
            value.update(items)
        return value
    return value


def _rename_references(element: Element, sub: Callable[[str], str]) -> None:
    """Rewrite ids inside the keys and string attributes of one element."""
    element._children = OrderedDict((sub(k), v) for k, v in element._children.items())
    state = vars(element)
    for key, value in list(state.items()):
        if key in _SKIP_ATTRS or isinstance(value, Element):
            continue
        new = _rewrite(value, sub, 1)
        if new is not value:
            state[key] = new
    template_str = state.get("_template_str")
    if isinstance(template_str, str):
        new_str = sub(template_str)
        if new_str != template_str:
            state["_template_str"] = new_str
            template_cls = type(state.get("_template", jinja2.Template("")))
            state["_template"] = template_cls(new_str)


def stabilize_ids(m: Element, prefix: str = "g60") -> dict[str, str]:
    """Give every element of a map's tree a sequential id, in tree order.

    The whole tree of ``m.get_root()`` is walked with :func:`iter_elements` (the Figure with
    its header, html and script, every child, popups' html elements, icons, ...) and element
    number *n* gets the id ``f"{prefix}_{n:04d}"``, so its JavaScript name becomes e.g.
    ``map_g60_0001``. Every ``_children`` dict is rebuilt with the new names in its keys,
    and strings that copied an old name (a layer's ``layer_name``, ``MethodCall.target``,
    ``JsCode`` snippets, keys of header/script entries from an earlier render, ...) are
    rewritten too.

    Elements that already have an id of this form with the same prefix (from an earlier
    call) keep it, and elements added since get the next numbers, so calling it again never
    renames what was already named.

    Parameters
    ----------
    m : branca.element.Element
        The map (or any element of its tree).
    prefix : str, default "g60"
        Letters and digits only. Give each map on one page its own prefix so their
        JavaScript variables do not collide.

    Returns
    -------
    dict of str to str
        Old id to new id, for the ids that changed.

    Raises
    ------
    ValueError
        If ``prefix`` is not made of ASCII letters and digits.
    """
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(f"prefix must be ASCII letters and digits only, got {prefix!r}")
    own = re.compile(re.escape(prefix) + r"_(\d{4,})")
    elements = list(iter_elements(m.get_root()))
    kept: set[int] = set()
    used: set[str] = set()
    last = 0
    for element in elements:
        match = own.fullmatch(element._id)
        if match and element._id not in used:
            used.add(element._id)
            kept.add(id(element))
            last = max(last, int(match.group(1)))
    mapping: dict[str, str] = {}
    for element in elements:
        if id(element) in kept:
            continue
        last += 1
        new_id = f"{prefix}_{last:04d}"
        if element._id not in used:  # a duplicate of a kept id keeps its references
            mapping.setdefault(element._id, new_id)
        element._id = new_id
    if not mapping:
        return mapping

    def sub(text: str) -> str:
        return _ID_TOKEN_RE.sub(lambda mt: mapping.get(mt.group(0), mt.group(0)), text)

    for element in elements:
        _rename_references(element, sub)
    return mapping


def render_html(m: Element, prefix: str = "g60") -> str:
    """Render the full standalone HTML page of a map, deterministically.

    Runs :func:`stabilize_ids` and then ``m.get_root().render()``. folium's ``render`` adds
    elements to the tree as it goes (``ElementAddToElement``, ``SetIcon``, the header and
    script entries of the Figure, ...), which would pile up if the map were rendered again;
    here every ``_children`` dict is put back as it was after rendering, so each call
    renders the same tree and returns the same page. An element created while rendering
    whose random id reached the page gets the next sequential id in the page text.

    Parameters
    ----------
    m : branca.element.Element
        The map (or any element of its tree; the page of its root is rendered).
    prefix : str, default "g60"
        See :func:`stabilize_ids`.

    Returns
    -------
    str
        The HTML page.
    """
    root = m.get_root()
    stabilize_ids(root, prefix)
    before = list(iter_elements(root))
    saved = [(element, element._children.copy()) for element in before]
    try:
        page = root.render()
        known = {id(element) for element in before}
        last = max(
            (int(el._id.rsplit("_", 1)[1]) for el in before if STABLE_ID_PATTERN.fullmatch(el._id)),
            default=0,
        )
        in_page = set(_RANDOM_ID_RE.findall(page))
        late: dict[str, str] = {}
        for element in iter_elements(root):
            if id(element) in known or element._id in late or element._id not in in_page:
                continue
            last += 1
            late[element._id] = f"{prefix}_{last:04d}"
    finally:
        for element, children in saved:
            element._children = children
    if late:
        page = _ID_TOKEN_RE.sub(lambda mt: late.get(mt.group(0), mt.group(0)), page)
    return page


def text_to_html(text: object) -> str:
    """Escape plain text for folium's ``Tooltip`` and ``Popup`` (with ``parse_html=False``).

    folium pastes that text into a JavaScript template literal inside a ``<script>`` element
    and the browser then parses it as HTML. Writing ``&``, ``<``, ``>``, quotes, backtick,
    ``$`` and backslash as HTML character references makes the text inert in both places
    (no ``${...}`` substitution, no ``</script>``) while the browser still shows it as is.

    Parameters
    ----------
    text : object
        Plain text (converted with ``str``).

    Returns
    -------
    str
        HTML showing exactly ``text``.
    """
    out = html.escape(str(text), quote=True)
    return out.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


# ----------------------------------------------------------------------------- the page


@dataclass
class Payload:
    """The map's data (:func:`g60map.render.web.payload.map_payload`).

    Held in an object of its own so that the id rewriting of :func:`stabilize_ids`, which
    scans the strings of every element, never scans (or changes) the user's text.
    """

    data: dict[str, Any]

    @functools.cached_property
    def json(self) -> str:
        """The payload as JSON that cannot end its ``<script>`` element."""
        return script_json(self.data)


#: The page script, in load order: the core (payload, codec, ``G60Map.draw``), then what
#: ``draw`` calls: the layers, the controls, the layout, the reader's view (metric, time,
#: filters, URL hash) and the export of the view (PNG, link).
_SCRIPTS = PAGE_SCRIPTS


@functools.cache
def own_asset(name: str) -> str:
    """Return a file shipped next to this module (``g60map.js``, ``g60map.css``).

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return resources.files("g60map.render.web").joinpath(name).read_text(encoding="utf-8")


class Verbatim(Element):
    """An element that renders to fixed text, which no template engine ever parses.

    branca wraps the output of a ``MacroElement``'s macros in ``Element(text)``, whose
    template *source* is that text, so it is rendered by Jinja a second time. Text that
    holds data (the payload, with the user's tables) must never go that way; a
    ``Verbatim`` is returned as is by :meth:`render`.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class CorridorLayers(MacroElement):
    """Our stylesheet, script and the payload, drawn onto the parent map.

    Nothing here goes through a template: :meth:`render` adds the stylesheet, the script and
    the payload to the page as :class:`Verbatim` elements. The payload is a
    ``<script type="application/json">`` element (data, never executed) that the script
    reads with ``JSON.parse``; every string of the user's tables stays inside it.
    """

    def __init__(self, payload: Payload):
        super().__init__()
        self._name = "CorridorLayers"
        self.payload = payload
        #: False: the stylesheet and the drawing script are on the page once for every map
        #: (:func:`g60map.render.web.interactive.map_fragments`), not with this map.
        self.own_assets = True
        #: Id of a ``<script type="application/json">`` element holding the payload's
        #: ``arcs``, shared with other maps of the page; None: the arcs are in the payload.
        self.arcs_from: str | None = None
        #: The same for the arcs of the district layer (``districts.arcs``).
        self.district_arcs_from: str | None = None

    def data_id(self) -> str:
        """Id of the page's ``<script type="application/json">`` element with the payload."""
        return f"{self.get_name()}_data"

    def render(self, **kwargs: Any) -> str:
        """Add the stylesheet, the payload and the drawing script to the page."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("the corridor layers must belong to a map on a page")
        name = self.get_name()
        if self.own_assets:
            figure.header.add_child(Verbatim(f"<style>{self.css()}</style>"), name=name)
        data_id = self.data_id()
        payload = self.payload.json
        data = f'JSON.parse(document.getElementById("{data_id}").textContent)'
        if self.arcs_from is not None or self.district_arcs_from is not None:
            payload = script_json(self.shared_out())
        if self.arcs_from is not None:
            data = (f"Object.assign({data}, {{arcs: JSON.parse("
                    f'document.getElementById("{self.arcs_from}").textContent)}})')
        if self.district_arcs_from is not None:
            data = ("(function (d) { d.districts.arcs = JSON.parse(document.getElementById("
                    f'"{self.district_arcs_from}").textContent); return d; }})({data})')
        figure.html.add_child(
            Verbatim(f'<script type="application/json" id="{data_id}">{payload}</script>'),
            name=name,
        )
        assert self._parent is not None  # the root is a Figure, so this has a parent
        script = f"{self.js()}\n" if self.own_assets else ""
        figure.script.add_child(
            Verbatim(f"{script}G60Map.draw({self._parent.get_name()}, {data});\n"),
            name=name,
        )
        return ""

    def shared_out(self) -> dict[str, Any]:
        """Return the payload without what other maps of the page hold for it.

        Returns
        -------
        dict
            The payload without ``arcs`` (when :attr:`arcs_from` is set) and without
            ``districts.arcs`` (when :attr:`district_arcs_from` is set).
        """
        data = dict(self.payload.data)
        if self.arcs_from is not None:
            data.pop("arcs", None)
        if self.district_arcs_from is not None and data.get("districts"):
            data["districts"] = {k: v for k, v in data["districts"].items() if k != "arcs"}
        return data

    @staticmethod
    def css() -> str:
        """Return the map's stylesheet (every rule under ``.g60m``)."""
        return escape_style(own_asset("g60map.css"))

    @staticmethod
    def js() -> str:
        """Return the drawing script (defines ``window.G60Map`` once per page)."""
        return escape_script("\n".join(own_asset(name) for name in _SCRIPTS))


_PAGE_TEMPLATE = Template(
    "{% if this.mode == 'fragment' %}"
    '<div class="g60m-embed" id="{{ this.embed_id }}" style="position:relative;'
    'width:{{ this.frame_width }};height:{{ this.frame_height }}">\n'
    "{{ this.fragment_header(kwargs) }}\n"
    "{{ this.html.render(**kwargs) }}\n"
    "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n"
    "</div>\n"
    "{% else %}"
    "<!DOCTYPE html>\n"
    '<html lang="{{ this.lang }}">\n'
    "<head>\n"
    "<title>{{ this.page_title }}</title>\n"
    "{{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "{{ this.html.render(**kwargs) }}\n"
    "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n"
    "</body>\n"
    "</html>\n"
    "{% endif %}"
)


class Page(Figure):
    """The map's Figure: a full page or, with ``mode="fragment"``, a ``<div>``."""

    _template = _PAGE_TEMPLATE

    def __init__(self, lang: Lang, title: str):
        super().__init__()
        self.lang = "zh-CN" if lang == "zh" else "en"
        self.page_title = html.escape(title)
        self.mode = "page"
        self.embed_id = ""
        self.frame_width = "100%"
        self.frame_height = "600px"
        #: False: a fragment leaves out Leaflet, markercluster and their setup (another
        #: part of the page has them once, :func:`g60map.render.web.interactive.map_fragments`).
        self.with_assets = True

    def fragment_header(self, kwargs: dict[str, Any]) -> str:
        """Header entries for an embedded map.

        No ``<meta>``; inlined Leaflet/markercluster are wrapped so that a page holding
        several self-contained fragments runs each library once.
        """
        out = []
        for name, child in self.header._children.items():
            if name == "meta_http":
                continue
            kind = getattr(child, "kind", None)
            source = getattr(child, "source", None)
            if name.startswith(HEADER_PREFIX) and not self.with_assets:
                continue
            if name.startswith(HEADER_PREFIX) and kind == "js" and isinstance(source, str):
                out.append(guarded_library(source))
            else:
                out.append(child.render(**kwargs))
        return "\n".join(out)


def guarded_library(source: str) -> str:
    """Return an inlined library as a ``<script>`` that runs only if no earlier one did.

    Parameters
    ----------
    source : str
        ``"leaflet.js"`` or ``"leaflet.markercluster.js"``.

    Returns
    -------
    str
        ``<script>if (!window.L) {...}</script>`` (or ``window.L.MarkerClusterGroup``), so a
        page holding several self-contained maps runs each library once.
    """
    test = "window.L" if source == "leaflet.js" else "window.L.MarkerClusterGroup"
    return f"<script>\nif (!{test}) {{\n{escape_script(inline_js(source))}}}\n</script>"
