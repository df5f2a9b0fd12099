/* g60map: the controls of the corridor map (title, full screen, search, layer list, scale,
 * legend; g60map-views.js adds the time and filters panel and the legend's fill section,
 * g60map-export.js the PNG and link buttons), added by G60Map.draw() in g60map.js, and
 * their place in the tab order; g60map-layout.js arranges them. Same safety rule: payload
 * text only through textContent, DOM properties or esc(). MIT licence.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.controls) { return; }
  var el = G._.el;

  function addTitle(c) {
    var L = c.L, map = c.map, d = c.d;
    var corners = map._controlCorners;
    if (corners && !corners.topcenter) {
      corners.topcenter = el("div", "leaflet-top g60m-topcenter", null, map._controlContainer);
    }
    var Title = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-title");
        el("div", "g60m-title-main", d.title, b);
        if (d.subtitle) { el("div", "g60m-title-sub", d.subtitle, b); }
        return b;
      }
    });
    c.title = new Title({ position: corners && corners.topcenter ? "topcenter" : "topleft" });
    c.title.addTo(map);
  }

  function addFullscreen(c) {
    var L = c.L, map = c.map, box = c.box, t = c.t;
    if (!document.fullscreenEnabled || !box.requestFullscreen) { return; }
    var Full = L.Control.extend({
      onAdd: function () {
        var bar = el("div", "leaflet-bar g60m-fs"), a = el("a", null, null, bar);
        a.href = "#"; a.setAttribute("role", "button");
        var sync = function () {
          var on = document.fullscreenElement === box;
          a.title = on ? t.exit_fullscreen : t.fullscreen;
          a.setAttribute("aria-label", a.title);
          box.classList.toggle("g60m-full", on);
        };
        sync();
        L.DomEvent.on(a, "click", function (e) {
          L.DomEvent.preventDefault(e);
          if (document.fullscreenElement === box) { document.exitFullscreen(); } else {
            var p = box.requestFullscreen();
            if (p && p.catch) { p.catch(function () {}); }
          }
        });
        L.DomEvent.disableClickPropagation(bar);
        document.addEventListener("fullscreenchange", function () {
          sync();
          map.invalidateSize();
        });
        return bar;
      }
    });
    new Full({ position: "topleft" }).addTo(map);
  }

  /* ------------------------------------------------------------------ search */

  function norm(s) {
    s = String(s === undefined || s === null ? "" : s);
    if (s.normalize) { s = s.normalize("NFKC"); }
    return s.toLowerCase().trim();
  }

  var WORD_START = /[\s\-_.,;:()/&·（）、，]/;

  /* 0: a name is the query; 1: a name starts with it; 2: a word of a name does; 3: a name
     holds it; 4: no match. */
  function score(keys, q) {
    var best = 4;
    for (var i = 0; i < keys.length; i++) {
      var n = keys[i];
      if (!n) { continue; }
      if (n === q) { return 0; }
      var at = n.indexOf(q);
      if (at === 0) { best = Math.min(best, 1); }
      while (at > 0 && best > 2) {
        best = Math.min(best, WORD_START.test(n.charAt(at - 1)) ? 2 : 3);
        at = n.indexOf(q, at + 1);
      }
    }
    return best;
  }

  /* The best matches of q among the items: exact > prefix > word prefix > substring, on
     a name (item.names) before on a place (item.also: city, district), then cities before
     partners before investments, shorter names first. */
  function rank(items, q, limit) {
    var hits = [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      if (!it.keys) { it.keys = it.names.map(norm); it.alsoKeys = (it.also || []).map(norm); }
      var s = score(it.keys, q);
      if (s === 4) { s = 4 + score(it.alsoKeys, q); }
      if (s < 8) { hits.push({ s: s, i: i, it: it }); }
    }
    hits.sort(function (a, b) {
      return a.s - b.s || a.it.rank - b.it.rank ||
        String(a.it.label).length - String(b.it.label).length || a.i - b.i;
    });
    return hits.slice(0, limit).map(function (h) { return h.it; });
  }

  function addSearch(c) {
    var L = c.L, t = c.t, box = c.box, id = (box.id || "g60map") + "-result-";
    var Search = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-search leaflet-bar");
        /* on a narrow map (a phone, a notebook's frame) the box folds into this button
           (g60m-narrow, see g60map-layout.js), so the legend has room on the first view */
        var open = el("a", "g60m-search-btn", null, b);
        open.href = "#"; open.title = t.search;
        open.setAttribute("role", "button"); open.setAttribute("aria-label", t.search);
        var input = el("input", null, null, b);
        input.type = "search"; input.placeholder = t.search;
        input.setAttribute("aria-label", t.search);
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-expanded", "false");
        var list = el("ul", "g60m-results", null, b), found = [], active = -1;
        list.setAttribute("role", "listbox");
        list.id = id + "list";
        input.setAttribute("aria-controls", list.id);
        var fold = function () {
          if (!input.value) { b.classList.remove("g60m-search-open"); }
        };
        var pick = function (item) {
          list.textContent = ""; found = [];
          input.setAttribute("aria-expanded", "false");
          input.removeAttribute("aria-activedescendant");
          /* on a narrow map the box folds away again, off the result */
          input.value = box.classList.contains("g60m-narrow") ? "" : item.label;
          input.blur();
          item.go();
          /* the map keeps the keyboard: Escape closes the popup, the arrows pan */
          box.focus({ preventScroll: true });
        };
        var mark = function (i) {
          active = i;
          Array.prototype.forEach.call(list.children, function (li, j) {
            li.classList.toggle("g60m-active", j === i);
            li.setAttribute("aria-selected", j === i ? "true" : "false");
            if (j === i) {
              input.setAttribute("aria-activedescendant", li.id);
              if (li.scrollIntoView) { li.scrollIntoView({ block: "nearest" }); }
            }
          });
        };
        var update = function () {
          var q = norm(input.value);
          list.textContent = ""; found = []; active = -1;
          input.removeAttribute("aria-activedescendant");
          input.setAttribute("aria-expanded", q ? "true" : "false");
          if (!q) { return; }
          found = rank(c.search, q, 8);
          if (!found.length) { el("li", "g60m-none", t.no_match, list); return; }
          found.forEach(function (item, j) {
            var li = el("li", null, null, list);
            li.setAttribute("role", "option");
            li.id = id + j;
            el("span", "g60m-hit", item.label, li);
            var kind = el("span", "g60m-kind", item.note ? item.kind + " \u00b7 " + item.note :
              item.kind, li);
            li.title = item.label + "\n" + kind.textContent;
            L.DomEvent.on(li, "click", function () { pick(item); });
          });
        };
        L.DomEvent.on(open, "click", function (e) {
          L.DomEvent.preventDefault(e);
          b.classList.add("g60m-search-open");
          input.focus();
        });
        /* a click on a result must not blur (and fold) the box before it lands */
        L.DomEvent.on(list, "mousedown", L.DomEvent.preventDefault);
        input.addEventListener("input", update);
        input.addEventListener("blur", fold);
        input.addEventListener("keydown", function (e) {
          if (e.key === "ArrowDown" && found.length) {
            mark((active + 1) % found.length); e.preventDefault();
          } else if (e.key === "ArrowUp" && found.length) {
            mark((active + found.length - 1) % found.length); e.preventDefault();
          } else if (e.key === "Enter" && found.length) {
            pick(found[Math.max(active, 0)]);
          } else if (e.key === "Escape") {
            /* the results close, the box clears, and so does an open popup */
            e.preventDefault();
            input.value = ""; update();
            c.map.closePopup();
            if (box.classList.contains("g60m-narrow")) { input.blur(); }
          }
        });
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.disableScrollPropagation(b);
        return b;
      }
    });
    new Search({ position: "topleft" }).addTo(c.map);
  }

  /* ------------------------------------------------------------------ layer list */

  function addLayerList(c, overlays, collapsed) {
    if (c.layerList) { c.layerList.remove(); }
    var named = {};
    overlays.forEach(function (e) { named[e[1]] = c.layers[e[0]]; });
    c.layerList = c.L.control.layers(null, named, { collapsed: collapsed, position: "topright" });
    c.layerList.addTo(c.map);
    c.layerList.g60collapsed = collapsed;
  }

  /* ------------------------------------------------------------------ legend */

  function swatch(parent, kind, css) {
    var i = el("i", "g60m-sw g60m-sw-" + kind, null, parent);
    Object.keys(css).forEach(function (key) { i.style[key] = css[key]; });
    return i;
  }

  function legendRow(parent, kind, css, label) {
    var row = el("div", "g60m-legend-row", null, parent);
    swatch(row, kind, css);
    el("span", null, label, row);
    return row;
  }

  function legendSizes(c, body) {
    var I = c.d.investments, S = c.S;
    el("div", "g60m-legend-h", c.t.legend_investment, body);
    var rmax = I.sizes[0].r, sz = el("div", "g60m-sizes", null, body);
    sz.style.height = Math.ceil(2 * rmax + 2) + "px";
    var top = -14;
    I.sizes.forEach(function (s) {
      var circle = el("i", "g60m-size", null, sz);
      circle.style.width = circle.style.height = (2 * s.r) + "px";
      circle.style.left = (rmax - s.r) + "px";
      circle.style.borderColor = S.investment;
      var lab = el("span", "g60m-size-label", s.label, sz);
      top = Math.max(top + 14, 2 * (rmax - s.r) - 6);
      lab.style.left = (2 * rmax + 8) + "px";
      lab.style.top = top + "px";
    });
    sz.style.height = Math.ceil(Math.max(2 * rmax + 2, top + 16)) + "px";
  }

  /* Widths of the investment flows, as lines; with several origins, the choice of the
     one whose flows are shown alone. */
  function legendFlows(c, body) {
    var t = c.t, O = c.d.flows.origins || [];
    el("div", "g60m-legend-h", t.legend_flow, body);
    c.d.flows.sizes.forEach(function (s) {
      legendRow(body, "line", { borderTopColor: c.S.flow, borderTopWidth: s.w + "px",
        opacity: "0.75" }, s.label);
    });
    if (O.length < 2) { return; }
    var label = el("label", "g60m-flow-origin", t.flow_origin, body);
    var sel = el("select", null, null, label);
    el("option", null, t.all_origins, sel).value = "-1";
    O.forEach(function (name, i) { el("option", null, name, sel).value = String(i); });
    /* (a link may have chosen the origin: g60map-views.js reads .from into c.flowFrom) */
    sel.value = String(c.flowFrom >= 0 ? c.flowFrom : -1);
    c.ui.from = sel;
    sel.addEventListener("change", function () {
      c.flowFrom = Number(sel.value);
      G.layers.showFlows(c);
    });
  }

  /* The legend's rows, from the payload: the summary of what is shown and the member
     cities' fill (g60map-views.js, which updates them), then the rest. */
  function legendBody(c, body) {
    var d = c.d, t = c.t, S = c.S, P = d.partners;
    G.views.legend(c, body);
    legendRow(body, "fill", { background: "transparent", borderColor: S.hub,
      borderWidth: "3px" }, t.legend_hub);
    legendRow(body, "fill", { background: d.tiles ? "#ffffff" : S.other_fill,
      borderColor: S.other }, t.legend_other);
    legendRow(body, "line", { borderTopColor: S.province }, t.legend_province);
    if (d.spokes.length) {
      legendRow(body, "line", { borderTopColor: S.spoke }, t.legend_spoke);
    }
    if (d.trunk) {
      legendRow(body, "line", { borderTopColor: S.trunk, borderTopStyle: "dashed",
        borderTopWidth: "4px" }, t.legend_trunk);
    }
    legendRow(body, "dot", { background: "#333333" }, t.legend_seat);
    if (P.mode === "detail" || P.mode === "points") {
      legendRow(body, "pt", {}, t.legend_partner);
    } else if (P.mode === "grid") {
      el("div", "g60m-legend-h", t.legend_partner_grid, body);
      P.classes.forEach(function (cls) {
        legendRow(body, "fill", { background: cls.color, borderColor: cls.color }, cls.label);
      });
    }
    if (d.investments.sizes.length) { legendSizes(c, body); }
    if (d.flows) { legendFlows(c, body); }
    var foot = el("div", "g60m-legend-foot", null, body);
    d.footer.forEach(function (line) { el("div", null, line, foot); });
  }

  /* The legend opens and folds with its button; until that is pressed, the layout opens
     it when there is room (legend.chosen stays false). */
  function addLegend(c) {
    var L = c.L, t = c.t, legend = { chosen: false };
    var Legend = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-legend"), head = el("div", "g60m-legend-head", null, b);
        el("span", null, t.legend, head);
        var btn = el("button", "g60m-legend-toggle", "\u2212", head);
        btn.type = "button";
        var body = el("div", "g60m-legend-body", null, b);
        legendBody(c, body);
        legend.el = b; legend.head = head; legend.body = body;
        legend.show = function (on) {
          body.hidden = !on;
          btn.textContent = on ? "\u2212" : "+";
          btn.title = on ? t.hide_legend : t.show_legend;
          btn.setAttribute("aria-label", btn.title);
          btn.setAttribute("aria-expanded", on ? "true" : "false");
        };
        legend.show(true);
        L.DomEvent.on(btn, "click", function () {
          legend.chosen = true;
          legend.show(body.hidden);
          if (c.arrange) { c.arrange(); }
        });
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.disableScrollPropagation(b);
        return b;
      }
    });
    new Legend({ position: "bottomright" }).addTo(c.map);
    c.legend = legend;
  }

  /* ------------------------------------------------------------------ keyboard */

  /* Tab reaches the controls (zoom, full screen, PNG and link, search, layer list, time and
     filters, legend) before anything on the map, then the cities' seats, then an open
     popup, then the partners' clusters: Leaflet appends the controls after the panes and
     the panes of ours after its own, so these move ahead in the DOM (the panes' z-index,
     not their order, decides what is drawn on top). Escape closes an open popup wherever
     the focus is in the map; the focus leaves a popup so closed for the map. */
  function keyboard(c) {
    var map = c.map, box = c.box, panes = map.getPane("mapPane"), popup = null;
    box.insertBefore(map._controlContainer, box.firstChild);
    ["g60mSeats", "popupPane"].forEach(function (name) {
      panes.insertBefore(map.getPane(name), map.getPane("markerPane"));
    });
    map.on("popupopen", function (e) { popup = e.popup; });
    map.on("popupclose", function (e) { if (popup === e.popup) { popup = null; } });
    box.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || e.defaultPrevented || !popup) { return; }
      var inside = popup.getElement() && popup.getElement().contains(document.activeElement);
      map.closePopup(popup);
      if (inside) { box.focus({ preventScroll: true }); }
    });
  }

  /* Title, full screen, PNG and link buttons and search at the top left and centre, the
     layer list at the top right; at the bottom right, from the bottom up: attribution,
     scale, legend; at the bottom left, time and filters. */
  function add(c, overlays) {
    c.overlays = overlays;
    addTitle(c);
    addFullscreen(c);
    G.exporter.addButtons(c);
    addSearch(c);
    addLayerList(c, overlays, false);
    c.L.control.scale({ imperial: false, maxWidth: 120, position: "bottomright" }).addTo(c.map);
    addLegend(c);
    G.views.addPanel(c);
    keyboard(c);
  }

  G.controls = { add: add, addLayerList: addLayerList, rank: rank, legendRow: legendRow };
})(window);
