/* g60map: draws the G60 corridor map from one JSON payload (g60map/render/interactive.py).
 *
 * Safety rule of this file: text from the payload reaches the page only through
 * textContent, DOM properties, or esc() (for the layer control, which parses HTML);
 * only http(s) URLs become links. MIT licence, part of the g60map package.
 *
 * The payload (PAYLOAD_VERSION below; the Python side writes the same number as "v").
 * Coordinates are integers in units of 1/scale degree; "encoded" strings are the codec of
 * g60map/render/codec.py (ints(): zig-zag integers, 5 bits a character, low bits first;
 * a path is its first x, y then the deltas, x = longitude, y = latitude).
 *   v            int      payload version; the page draws nothing if it is not ours
 *   lang         "en" | "zh"
 *   scale        int      coordinates are integers in 1/scale degree
 *   t            {key: text}   every label of the page, in lang
 *   title        text     subtitle: text ("" for none)
 *   tiles        null | {url, attribution (HTML of the tile provider), subdomains, maxZoom}
 *   minZoom      int      maxZoom: int
 *   style        {name: CSS colour}   hub, member, other, other_fill, province, spoke,
 *                         trunk, investment, background, zero
 *   bounds       [[south, west], [north, east]]   degrees: the view the map opens on
 *   arcs         [encoded path]   boundary arcs shared by cities and provinces
 *   cities       [{code, name, alt (the other language's name), prov, role ("hub" |
 *                "member" | "other"), cls (fill class, -1: none, -2: not a member),
 *                partners (count), invest? (text), seat? [x, y], shape}]
 *                shape: polygons -> rings -> arc numbers (~i: arc i reversed)
 *   labelOrder   [index into cities]   the seats to label, hub first
 *   provinces    [{name, shape}]
 *   classes      [{color, label}]   fill classes of the member cities
 *   spokes       [{line: encoded path, tip}]
 *   trunk        null | {line: encoded path, tip, note}
 *   partners     {mode, n, ...} by mode:
 *                "none"    nothing more
 *                "detail"  cols [label], rows [[x, y, title, [cell], outside (0 | 1)]]
 *                "points"  xy (encoded path, in the order of names), names [text]
 *                "grid"    cell (int: cell size in 1/scale degree), classes [{color,
 *                          label}], cells (encoded ints, 4 a cell: column and row as
 *                          deltas from the previous cell's, count, class)
 *   investments  {n, cols [label], rows [[x, y, radius (px), title, amount text, [cell]]],
 *                sizes [{value, r, label}]}   rows largest first
 *   footer       [text]   sources, exchange rate and datum lines of the legend
 */
(function (root) {
  "use strict";
  if (root.G60Map) { return; }

  /* The payload format this script reads; g60map's Python side writes the same number. */
  var PAYLOAD_VERSION = 1;
  /* SharedPolygon overrides private methods of this Leaflet release only. */
  var LEAFLET_VERSION = "1.9.3";

  /* ------------------------------------------------------------------ codec */

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DEC = [];
  for (var n = 0; n < 128; n++) { DEC.push(NaN); }
  for (n = 0; n < ALPHABET.length; n++) { DEC[ALPHABET.charCodeAt(n)] = n; }

  /* Decode encode_ints(): zig-zag integers, 5 bits a character, low bits first. */
  function ints(s) {
    var out = [], v = 0, mul = 1;
    for (var i = 0; i < s.length; i++) {
      var c = DEC[s.charCodeAt(i)];
      if (c >= 32) { v += (c - 32) * mul; mul *= 32; } else {
        v += c * mul;
        out.push(v % 2 ? -(v + 1) / 2 : v / 2);
        v = 0; mul = 1;
      }
    }
    return out;
  }

  /* First point then deltas -> [L.LatLng, ...]: ints() and the running sums in one pass,
     straight into the objects Leaflet keeps (it adopts L.LatLng instances as they are). */
  function path(s, k) {
    var LatLng = root.L.LatLng, out = [], v = 0, mul = 1, x = 0, y = 0, odd = false;
    for (var i = 0; i < s.length; i++) {
      var c = DEC[s.charCodeAt(i)];
      if (c >= 32) { v += (c - 32) * mul; mul *= 32; continue; }
      v += c * mul;
      var d = v % 2 ? -(v + 1) / 2 : v / 2;
      v = 0; mul = 1;
      if (odd) {
        y += d;
        var ll = new LatLng(y / k, x / k);
        ll._g60view = 0; ll._g60pt = null;  /* projection cache of SharedPolygon */
        out.push(ll);
      } else { x += d; }
      odd = !odd;
    }
    return out;
  }

  /* A ring from arc ids (~id: the arc reversed); consecutive arcs share their end point.
     Neighbouring rings share the arcs' L.LatLng objects. */
  function ring(arcs, ids) {
    var out = [];
    for (var j = 0; j < ids.length; j++) {
      var id = ids[j], first = j === 0 ? 0 : 1, a = arcs[id >= 0 ? id : ~id], i;
      if (id >= 0) {
        for (i = first; i < a.length; i++) { out.push(a[i]); }
      } else {
        for (i = a.length - 1 - first; i >= 0; i--) { out.push(a[i]); }
      }
    }
    return out;
  }

  function shape(arcs, polys) {
    return polys.map(function (rings) {
      return rings.map(function (ids) { return ring(arcs, ids); });
    });
  }

  /* ------------------------------------------------------------------ polygons */

  /* L.Polygon for rings built by ring(): a vertex shared by neighbouring cities and their
     province outline is projected once per view (zoom and pixel origin), not once per ring,
     and a polygon wholly inside the renderer's clip box skips the clip, which would return
     its rings unchanged. Leaflet only reads projected points; the one write, clipPolygon's
     _code, is recomputed for every point before each use. These are overrides of private
     methods, checked against one Leaflet release: polygonClass() returns the plain
     L.Polygon (same drawing, each ring projected on its own) under any other. */
  var views = 0, SharedPolygon = null;
  function sharedPolygon(L) {
    if (SharedPolygon) { return SharedPolygon; }
    SharedPolygon = L.Polygon.extend({
      _projectLatlngs: function (latlngs, result, bounds) {
        var map = this._map, z = map.getZoom(), o = map.getPixelOrigin(), v = map._g60view;
        if (!v || v.z !== z || v.x !== o.x || v.y !== o.y) {
          v = map._g60view = { z: z, x: o.x, y: o.y, id: ++views };
        }
        this._g60project(latlngs, result, bounds, v.id);
      },
      _g60project: function (latlngs, result, bounds, view) {
        var n = latlngs.length, i;
        if (!(latlngs[0] instanceof L.LatLng)) {
          for (i = 0; i < n; i++) { this._g60project(latlngs[i], result, bounds, view); }
          return;
        }
        var map = this._map, pts = new Array(n);
        for (i = 0; i < n; i++) {
          var ll = latlngs[i];
          if (ll._g60view !== view) { ll._g60view = view; ll._g60pt = map.latLngToLayerPoint(ll); }
          pts[i] = ll._g60pt;
          bounds.extend(pts[i]);
        }
        result.push(pts);
      },
      _clipPoints: function () {
        var b = this._renderer._bounds, w = this.options.weight, px = this._rawPxBounds;
        if (b && px && !this.options.noClip && px.min.x >= b.min.x - w &&
            px.min.y >= b.min.y - w && px.max.x <= b.max.x + w && px.max.y <= b.max.y + w) {
          this._parts = this._rings.filter(function (r) { return r.length > 0; });
          return;
        }
        L.Polygon.prototype._clipPoints.call(this);
      }
    });
    return SharedPolygon;
  }

  function polygonClass(L) {
    if (L.version === LEAFLET_VERSION) { return sharedPolygon(L); }
    if (root.console && console.warn) {
      console.warn("g60map: Leaflet " + L.version + " is not " + LEAFLET_VERSION +
        ", the version this map was made for; boundaries are drawn as plain polygons");
    }
    return L.Polygon;
  }

  /* ------------------------------------------------------------------ DOM helpers */

  /* 12345 -> "12,345", as toLocaleString("en") writes an integer, without the cost of
     loading the locale data on first use (the bulk of a page's first cluster icon). */
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }

  /* An absolute http(s) URL without spaces; assigned as a DOM property (a.href), so
     characters such as < or " cannot become markup, and new URL() percent-encodes them. */
  var URL_RE = /^https?:\/\/\S+$/i;
  function safeUrl(s) {
    if (typeof s !== "string" || !URL_RE.test(s)) { return null; }
    try {
      var u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }

  function card(title, sub) {
    var c = el("div", "g60m-card");
    el("div", "g60m-card-title", title, c);
    if (sub) { el("div", "g60m-card-sub", sub, c); }
    return c;
  }

  function table(labels, values, parent) {
    var tb = el("table", "g60m-table", null, parent);
    for (var i = 0; i < labels.length; i++) {
      var v = values[i];
      if (v === "" || v === null || v === undefined) { continue; }
      var tr = el("tr", null, null, tb);
      el("th", null, labels[i], tr);
      var td = el("td", null, null, tr), u = safeUrl(v);
      if (u) {
        var a = el("a", null, v, td);
        a.href = u; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        td.textContent = v;
      }
    }
    return tb;
  }

  function textNode(s) { return el("span", null, s); }

  /* ------------------------------------------------------------------ labels */

  function overlap(a, b) {
    var w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
    var h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
    return w > 0 && h > 0 ? w * h : 0;
  }

  /* Label positions around a dot: E, W, N, S, NE, SE, NW, SW. */
  var SPOTS = [[1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [1, 1], [-1, -1], [-1, 1]];

  function placeLabels(map, labels) {
    var pts = labels.map(function (l) { return map.latLngToLayerPoint(l.ll); });
    var dots = pts.map(function (p, i) {
      var r = labels[i].r + 1;
      return { x1: p.x - r, y1: p.y - r, x2: p.x + r, y2: p.y + r };
    });
    /* every size read before any label moves: one layout, not one a label */
    var sizes = labels.map(function (l) { return [l.el.offsetWidth, l.el.offsetHeight]; });
    var placed = [];
    labels.forEach(function (l, i) {
      var p = pts[i], w = sizes[i][0], h = sizes[i][1], gap = l.gap;
      var best = null, bestCost = Infinity;
      for (var j = 0; j < SPOTS.length; j++) {
        var s = SPOTS[j];
        var x = s[0] > 0 ? p.x + gap : (s[0] < 0 ? p.x - gap - w : p.x - w / 2);
        var y = s[1] > 0 ? p.y + (s[0] ? 0 : gap) : (s[1] < 0 ? p.y - h - (s[0] ? 0 : gap) :
          p.y - h / 2);
        var r = { x1: x - 2, y1: y - 1, x2: x + w + 2, y2: y + h + 1 }, cost = j * 1e-3;
        for (var q = 0; q < placed.length; q++) { cost += overlap(r, placed[q]); }
        for (var m = 0; m < dots.length; m++) { if (m !== i) { cost += 2 * overlap(r, dots[m]); } }
        if (cost < bestCost) { bestCost = cost; best = r; }
        if (cost < 1) { break; }
      }
      placed.push(best);
      l.el.style.left = Math.round(best.x1 + 2 - p.x) + "px";
      l.el.style.top = Math.round(best.y1 + 1 - p.y) + "px";
    });
  }

  /* ------------------------------------------------------------------ layers */

  /* Each layer function reads the drawing context c ({L, map, d, t, k, S, box, arcs, Poly})
     and returns its layer (or null), adding search entries and labels to c. */

  function ll(c, xy) { return c.L.latLng(xy[1] / c.k, xy[0] / c.k); }

  function cityCard(t, city) {
    var role = city.role === "hub" ? t.role_hub : (city.cls === -2 ? t.role_other :
      t.role_member);
    var body = card(city.name, city.alt);
    var labels = [t.province, t.role, t.partners], values = [city.prov, role,
      String(city.partners)];
    if (city.invest) { labels.push(t.investments); values.push(city.invest); }
    table(labels, values, body);
    return body;
  }

  /* City boundaries: others first, then members, the hub last (on top). */
  function drawCities(c) {
    var L = c.L, d = c.d, S = c.S, layer = L.featureGroup();
    var rank = function (city) { return city.role === "hub" ? 2 : (city.cls === -2 ? 0 : 1); };
    var order = d.cities.map(function (city, i) { return i; });
    order.sort(function (a, b) { return rank(d.cities[a]) - rank(d.cities[b]) || a - b; });
    order.forEach(function (i) {
      var city = d.cities[i], member = city.cls !== -2, hub = city.role === "hub";
      var style = member ? {
        color: hub ? S.hub : S.member, weight: hub ? 3.5 : 1.4, opacity: 1,
        fillColor: city.cls >= 0 ? d.classes[city.cls].color : S.zero, fillOpacity: 0.72
      } : {
        color: S.other, weight: 0.7, opacity: 0.9, fillColor: d.tiles ? "#ffffff" : S.other_fill,
        fillOpacity: d.tiles ? 0.3 : 1
      };
      style.pane = "g60mCities";
      var poly = new c.Poly(shape(c.arcs, city.shape), style);
      poly.g60code = city.code;
      poly.bindTooltip(function () { return textNode(city.name); },
        { sticky: true, className: "g60m-tip" });
      poly.bindPopup(function () { return cityCard(c.t, city); }, { maxWidth: 320 });
      layer.addLayer(poly);
      c.cityByCode[city.code] = poly;
    });
    return layer;
  }

  function drawProvinces(c) {
    var layer = c.L.featureGroup();
    c.d.provinces.forEach(function (p) {
      layer.addLayer(new c.Poly(shape(c.arcs, p.shape), {
        fill: false, color: c.S.province, weight: 2, opacity: 0.85, interactive: false,
        pane: "g60mProvinces"
      }));
    });
    return layer;
  }

  function drawSpokes(c) {
    if (!c.d.spokes.length) { return null; }
    var L = c.L, layer = L.featureGroup();
    c.d.spokes.forEach(function (s) {
      var line = L.polyline(path(s.line, c.k), {
        color: c.S.spoke, weight: 2.5, opacity: 0.85, pane: "g60mLines"
      });
      line.bindTooltip(function () { return textNode(s.tip); }, { sticky: true });
      layer.addLayer(line);
    });
    return layer;
  }

  function drawTrunk(c) {
    var trunk = c.d.trunk;
    if (!trunk) { return null; }
    var L = c.L, layer = L.featureGroup();
    var line = L.polyline(path(trunk.line, c.k), {
      color: c.S.trunk, weight: 5, opacity: 0.8, dashArray: "12 8", pane: "g60mLines"
    });
    line.bindTooltip(function () {
      var b = el("div", "g60m-tipbox");
      el("div", "g60m-strong", trunk.tip, b);
      if (trunk.note) { el("div", null, trunk.note, b); }
      return b;
    }, { sticky: true });
    layer.addLayer(line);
    return layer;
  }

  /* City seats and their labels (hub first); c.labels collects what placeLabels moves. */
  function drawSeats(c) {
    var L = c.L, S = c.S, layer = L.layerGroup();
    c.d.labelOrder.forEach(function (i) {
      var city = c.d.cities[i], hub = city.role === "hub", at = ll(c, city.seat);
      var r = hub ? 6 : 4;
      var dot = L.circleMarker(at, {
        radius: r, color: "#ffffff", weight: 1.5, fillColor: hub ? S.hub : "#333333",
        fillOpacity: 1, pane: "g60mSeats"
      });
      dot.bindTooltip(function () { return textNode(city.name); }, { direction: "top" });
      dot.on("click", function () { c.cityByCode[city.code].openPopup(at); });
      var span = el("span", "g60m-label" + (hub ? " g60m-label-hub" : ""), city.name);
      var icon = L.divIcon({ className: "g60m-label-anchor", html: span, iconSize: [0, 0],
        iconAnchor: [0, 0] });
      layer.addLayer(dot);
      layer.addLayer(L.marker(at, { icon: icon, interactive: false, keyboard: false,
        pane: "g60mLabels" }));
      /* the hub's label clears a partner cluster icon drawn on its seat */
      c.labels.push({ ll: at, el: span, r: r, gap: hub ? 15 : r + 3 });
    });
    return layer;
  }

  function searchCities(c, cities) {
    c.d.cities.forEach(function (city) {
      c.search.push({ key: (city.name + " " + city.alt).toLowerCase(), label: city.name,
        kind: city.prov,
        go: function () {
          var poly = c.cityByCode[city.code];
          if (!c.map.hasLayer(cities)) { c.map.addLayer(cities); }
          c.map.fitBounds(poly.getBounds(), { maxZoom: 10 });
          poly.openPopup(city.seat ? ll(c, city.seat) : undefined);
        } });
    });
  }

  /* Partners: one marker each, clustered ("detail", "points"; the markers wait in
     c.markers until the cluster group is on the map), or counts per grid cell ("grid"). */
  function drawPartners(c) {
    var P = c.d.partners;
    if (P.mode === "detail" || P.mode === "points") { return drawPartnerPoints(c, P); }
    if (P.mode === "grid") { return drawPartnerGrid(c, P); }
    return null;
  }

  function drawPartnerPoints(c, P) {
    var L = c.L, k = c.k, t = c.t, map = c.map;
    var layer = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true,
      spiderfyDistanceMultiplier: 1.5,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount(), size = count < 100 ? 26 : (count < 10000 ? 34 : 42);
        var span = el("span", null, thousands(count));
        return L.divIcon({ html: span, className: "g60m-cluster", iconSize: [size, size] });
      }
    });
    var icon = L.divIcon({ className: "g60m-pt", iconSize: [12, 12] });
    var addSearch = function (m, name) {
      c.search.push({ key: String(name).toLowerCase(), label: name, kind: t.layer_partners,
        go: function () {
          if (!map.hasLayer(layer)) { map.addLayer(layer); }
          layer.zoomToShowLayer(m, function () { m.openPopup(); });
        } });
    };
    if (P.mode === "detail") {
      P.rows.forEach(function (r) {
        var m = L.marker([r[1] / k, r[0] / k], { icon: icon, keyboard: false });
        m.bindTooltip(function () { return textNode(r[2]); }, { direction: "top",
          offset: [0, -6] });
        m.bindPopup(function () {
          var b = card(r[2], r[4] ? t.outside : "");
          table(P.cols, r[3], b);
          return b;
        }, { maxWidth: 360 });
        c.markers.push(m);
        addSearch(m, r[2]);
      });
    } else {
      var a = ints(P.xy), x = 0, y = 0;
      var popup = function (name) { return function () { return card(name, ""); }; };
      for (var i = 0; i + 1 < a.length; i += 2) {
        x += a[i]; y += a[i + 1];
        var m = L.marker([y / k, x / k], { icon: icon, keyboard: false });
        m.bindPopup(popup(P.names[i / 2]));
        c.markers.push(m);
        addSearch(m, P.names[i / 2]);
      }
    }
    return layer;
  }

  function drawPartnerGrid(c, P) {
    var L = c.L, k = c.k, layer = L.featureGroup();
    var renderer = L.canvas({ padding: 0.5, pane: "g60mGrid" }), g = ints(P.cells);
    var gx = 0, gy = 0, cs = P.cell;
    for (var j = 0; j + 3 < g.length; j += 4) {
      gx += g[j]; gy += g[j + 1];
      var rect = L.rectangle([[gy * cs / k, gx * cs / k], [(gy + 1) * cs / k, (gx + 1) * cs / k]], {
        renderer: renderer, pane: "g60mGrid", stroke: false, fillOpacity: 0.85,
        fillColor: P.classes[Math.max(g[j + 3], 0)].color
      });
      rect.bindTooltip(textNode(thousands(g[j + 2]) + " " + c.t.partner_count));
      layer.addLayer(rect);
    }
    return layer;
  }

  /* Investments: circle area proportional to the amount (largest first). */
  function drawInvestments(c) {
    var I = c.d.investments, L = c.L, S = c.S;
    if (!I.rows.length) { return null; }
    var layer = L.featureGroup();
    I.rows.forEach(function (r) {
      var circle = L.circleMarker([r[1] / c.k, r[0] / c.k], {
        radius: r[2], color: S.investment, weight: 1.5, fillColor: S.investment,
        fillOpacity: 0.28, pane: "g60mInvest"
      });
      circle.bindTooltip(function () { return textNode(r[4] ? r[3] + ": " + r[4] : r[3]); },
        { sticky: true });
      circle.bindPopup(function () {
        var b = card(r[3], r[4]);
        table(I.cols, r[5], b);
        return b;
      }, { maxWidth: 360 });
      layer.addLayer(circle);
    });
    return layer;
  }

  /* ------------------------------------------------------------------ controls */

  function addTitle(c) {
    var L = c.L, map = c.map, d = c.d, W = c.W;
    var corners = map._controlCorners;
    if (corners && !corners.topcenter) {
      corners.topcenter = el("div", "leaflet-top g60m-topcenter", null, map._controlContainer);
    }
    var Title = L.Control.extend({
      onAdd: function () {
        var narrow = W < 760;
        var b = el("div", "g60m-title" + (W < 1100 ? " g60m-title-small" : ""));
        b.style.maxWidth = (narrow ? Math.max(160, W - 140) : Math.max(300, W - 520)) + "px";
        el("div", "g60m-title-main", d.title, b);
        if (d.subtitle && !narrow) { el("div", "g60m-title-sub", d.subtitle, b); }
        return b;
      }
    });
    new Title({ position: corners && corners.topcenter ? "topcenter" : "topleft" }).addTo(map);
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

  function addSearch(c) {
    var L = c.L, t = c.t, search = c.search;
    var Search = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-search leaflet-bar"), input = el("input", null, null, b);
        input.type = "search"; input.placeholder = t.search;
        input.setAttribute("aria-label", t.search);
        var list = el("ul", "g60m-results", null, b), found = [];
        var pick = function (item) {
          list.textContent = ""; input.value = item.label; input.blur(); item.go();
        };
        var update = function () {
          var q = input.value.trim().toLowerCase();
          list.textContent = ""; found = [];
          if (!q) { return; }
          for (var i = 0; i < search.length && found.length < 8; i++) {
            if (search[i].key.indexOf(q) >= 0) { found.push(search[i]); }
          }
          if (!found.length) { el("li", "g60m-none", t.no_match, list); return; }
          found.forEach(function (item) {
            var li = el("li", null, null, list);
            el("span", "g60m-hit", item.label, li);
            el("span", "g60m-kind", item.kind, li);
            L.DomEvent.on(li, "click", function () { pick(item); });
          });
        };
        input.addEventListener("input", update);
        input.addEventListener("keydown", function (e) {
          if (e.key === "Enter" && found.length) { pick(found[0]); }
          if (e.key === "Escape") { input.value = ""; update(); }
        });
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.disableScrollPropagation(b);
        return b;
      }
    });
    new Search({ position: "topleft" }).addTo(c.map);
  }

  /* Every layer there is, on the map and in the layer control. */
  function addLayers(c) {
    var overlays = {}, t = c.t;
    [["cities", t.layer_cities], ["provinces", t.layer_provinces], ["labels", t.layer_labels],
      ["spokes", t.layer_spokes], ["trunk", t.layer_trunk], ["partners", t.layer_partners],
      ["investments", t.layer_investments]].forEach(function (e) {
      var layer = c.layers[e[0]];
      if (!layer) { return; }
      layer.addTo(c.map);
      var name = esc(e[1]);
      if (e[0] === "partners" && c.d.partners.mode === "grid") {
        name += " (" + esc(t.aggregated) + ")";
      }
      overlays[name] = layer;
    });
    return overlays;
  }

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

  /* The legend's rows, from the payload. */
  function legendBody(c, body) {
    var d = c.d, t = c.t, S = c.S, P = d.partners;
    el("div", "g60m-legend-h", t.legend_fill, body);
    legendRow(body, "fill", { background: S.zero, borderColor: S.member }, t.legend_none);
    d.classes.forEach(function (cls) {
      legendRow(body, "fill", { background: cls.color, borderColor: S.member }, cls.label);
    });
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
    var foot = el("div", "g60m-legend-foot", null, body);
    d.footer.forEach(function (line) { el("div", null, line, foot); });
  }

  function addLegend(c) {
    var L = c.L, t = c.t, map = c.map, box = c.box, roomy = c.roomy;
    var Legend = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-legend"), head = el("div", "g60m-legend-head", null, b);
        el("span", null, t.legend, head);
        var btn = el("button", "g60m-legend-toggle", "\u2212", head);
        btn.type = "button"; btn.title = t.hide_legend;
        var body = el("div", "g60m-legend-body", null, b);
        legendBody(c, body);
        var show = function (on) {
          body.hidden = !on;
          btn.textContent = on ? "\u2212" : "+";
          btn.title = on ? t.hide_legend : t.show_legend;
        };
        var fit = function (h) {
          body.style.maxHeight = Math.max(80, h - (roomy ? 130 : 90)) + "px";
        };
        show(roomy);
        fit(c.H);
        map.on("resize", function () { fit(box.clientHeight); });
        L.DomEvent.on(btn, "click", function () { show(body.hidden); });
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.disableScrollPropagation(b);
        return b;
      }
    });
    new Legend({ position: "bottomright" }).addTo(map);
  }

  /* ------------------------------------------------------------------ the map */

  function makePanes(map) {
    [["g60mCities", 410], ["g60mGrid", 415], ["g60mProvinces", 420], ["g60mLines", 430],
      ["g60mInvest", 450], ["g60mSeats", 580], ["g60mLabels", 640]].forEach(function (p) {
      var pane = map.getPane(p[0]) || map.createPane(p[0]);
      pane.style.zIndex = String(p[1]);
    });
    map.getPane("g60mLabels").style.pointerEvents = "none";
  }

  function addTiles(c) {
    var tiles = c.d.tiles;
    if (tiles) {
      var opts = { attribution: tiles.attribution, maxZoom: tiles.maxZoom };
      if (tiles.subdomains) { opts.subdomains = tiles.subdomains; }
      c.L.tileLayer(tiles.url, opts).addTo(c.map);
    }
    if (c.map.attributionControl) {
      c.map.attributionControl.addAttribution(esc(c.t.attribution));
    }
  }

  function badPayload(d) {
    var v = d && typeof d === "object" ? d.v : undefined;
    if (v === PAYLOAD_VERSION) { return false; }
    if (root.console && console.error) {
      console.error("g60map: this map's data is in format " + v + ", but its script reads " +
        "format " + PAYLOAD_VERSION + "; nothing is drawn. Write the map again with one " +
        "g60map version (the data and g60map.js come from the same package).");
    }
    return true;
  }

  /* Draw the corridor map from payload d onto the Leaflet map; returns the map's api
     ({map, layers, placeLabels, search}), or null when the payload is not of our format. */
  function draw(map, d) {
    if (badPayload(d)) { return null; }
    var L = root.L, box = map.getContainer();
    var W = box.clientWidth, H = box.clientHeight, wide = W >= 760;
    var c = {
      L: L, map: map, d: d, t: d.t, k: d.scale, S: d.style, box: box, W: W, H: H,
      roomy: wide && H >= 560, Poly: polygonClass(L), cityByCode: {}, search: [],
      labels: [], markers: [], layers: {}
    };
    box.classList.add("g60m");
    if (!d.tiles) { box.style.background = c.S.background; }
    map.setMinZoom(d.minZoom);
    map.setMaxZoom(d.maxZoom);
    c.arcs = d.arcs.map(function (s) { return path(s, c.k); });
    makePanes(map);

    /* The final view first, without animation, so that every layer is projected, and
       every tile requested, once: for this view, not for the provisional one of L.map(). */
    map.fitBounds(L.latLngBounds(d.bounds), {
      paddingTopLeft: [wide ? 60 : 10, wide ? 70 : 50],
      paddingBottomRight: [wide ? 250 : 10, 20], animate: false
    });
    addTiles(c);

    var layers = c.layers;
    layers.cities = drawCities(c);
    layers.provinces = drawProvinces(c);
    layers.spokes = drawSpokes(c);
    layers.trunk = drawTrunk(c);
    layers.labels = drawSeats(c);
    searchCities(c, layers.cities);
    layers.partners = drawPartners(c);
    layers.investments = drawInvestments(c);
    var overlays = addLayers(c);
    /* Markers join the cluster group once it is on the map: it then clusters them in
       chunks without blocking the page (off the map, adding is quadratic). */
    if (c.markers.length) { layers.partners.addLayers(c.markers); }

    addTitle(c);
    addFullscreen(c);
    addSearch(c);
    L.control.layers(null, overlays, { collapsed: !c.roomy, position: "topright" }).addTo(map);
    L.control.scale({ imperial: false, maxWidth: 160, position: "bottomleft" }).addTo(map);
    addLegend(c);

    var place = function () { if (map.hasLayer(layers.labels)) { placeLabels(map, c.labels); } };
    map.on("zoomend resize", place);
    map.on("overlayadd", function (e) { if (e.layer === layers.labels) { place(); } });
    place();

    var api = { map: map, layers: layers, placeLabels: place, search: c.search };
    map.g60 = api;
    G60Map.instances.push(api);
    return api;
  }

  /* Decoders of the codec, for tests and for other scripts: codec.path() gives [x, y]
     integer pairs. */
  var codec = {
    ints: ints,
    path: function (s) { return path(s, 1).map(function (p) { return [p.lng, p.lat]; }); }
  };

  var G60Map = {
    version: 1, payloadVersion: PAYLOAD_VERSION, leafletVersion: LEAFLET_VERSION,
    draw: draw, instances: [], decode: ints, codec: codec, safeUrl: safeUrl
  };
  root.G60Map = G60Map;
})(window);
