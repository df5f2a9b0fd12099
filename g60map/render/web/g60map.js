/* g60map: draws the G60 corridor map from one JSON payload (g60map/render/web/interactive.py).
 * This file: the payload, its codec and G60Map.draw(); g60map-layers.js draws the layers
 * (cities, provinces, lines, seats, partners, investments), g60map-controls.js adds
 * the title, search, layer list, scale and legend, g60map-layout.js keeps every control
 * clear of the content, g60map-views.js redraws for the metric, time and filters the
 * reader picks, g60map-export.js saves the view (PNG, link). They run in this order, as
 * one script.
 *
 * Safety rule of these files: text from the payload reaches the page only through
 * textContent, DOM properties, or esc() (for the layer control, which parses HTML);
 * only http(s) URLs become links. MIT licence, part of the g60map package.
 *
 * The payload (PAYLOAD_VERSION below; the Python side writes the same number as "v").
 * Coordinates are integers in units of 1/scale degree; "encoded" strings are the codec of
 * g60map/render/web/codec.py (ints(): zig-zag integers, 5 bits a character, low bits first;
 * a path is its first x, y then the deltas, x = longitude, y = latitude).
 *   v            int      payload version; the page draws nothing if it is not ours
 *   lang         "en" | "zh"
 *   scale        int      coordinates are integers in 1/scale degree
 *   t            {key: text}   every label of the page, in lang
 *   title        text
 *   subtitle     text ("" for none)
 *   tiles        null | {url, attribution (HTML of the tile provider), subdomains, maxZoom}
 *   minZoom      int
 *   maxZoom      int
 *   style        {name: CSS colour}   hub, member, other, other_fill, province, spoke,
 *                         trunk, investment, flow, background, zero
 *   bounds       [[south, west], [north, east]]   degrees: the view the map opens on
 *   arcs         [encoded path]   boundary arcs shared by cities and provinces
 *   cities       [{code, name, alt (the other language's name), prov, role ("hub" |
 *                "member" | "other"), cls (class of the first metric, -1: none, -2: not a
 *                member),
 *                partners (count), invest? (text), seat? [x, y], shape}]
 *                shape: polygons -> rings -> arc numbers (~i: arc i reversed)
 *   labelOrder   [index into cities]   the seats to label, hub first
 *   provinces    [{name, shape}]
 *   choices      the metrics of the member cities' fill, the time and the filters:
 *                codes [corridor city code] (the order of every per-city list), area
 *                [km²], prov [index into provs, -1: none], scheme (of the classes),
 *                k (classes asked), ramps {"1".."9": [CSS colour]} (the colours of k
 *                classes: the legend's scheme and k selects re-class with them),
 *                metric (index into list: the one shown first), list [{key, label, money
 *                (0 | 1), int (0 | 1: whole numbers), table (0: partners, 1: investments),
 *                col (-1: count the rows, else index into cols), area (1: per 1,000 km²),
 *                none (1: values <= 0 have no class), bins [upper bound of each class],
 *                labels [text], colors [CSS colour], values [per city], cls [per city]}],
 *                cols [metric key]   the sums of each group,
 *                groups [[table, city (index into codes), period, kind, count, sum of
 *                each of cols...]]   the rows of both tables counted per city,
 *                time null | {unit ("year" | "month"), labels [text]}   the periods,
 *                kinds [text], provs [text]   the values of the filters
 *                period: index into time.labels, -1: no date (shown with the whole
 *                period only), -2: its table has no dates (always shown)
 *   spokes       [{line: encoded path, tip}]   (none when there are flows)
 *   flows        null | {rows [{line: encoded path, w (width, px), tip, i (index into
 *                investments.rows), o (index into origins)}] widest first, origins [text]
 *                (largest total first), sizes [{value, w, label}]}
 *   trunk        null | {line: encoded path, tip, note}
 *   partners     {mode, n, ...} by mode:
 *                "none"    nothing more
 *                "detail"  cols [label], rows [[x, y, title, [cell], outside (0 | 1),
 *                          alt (the other language's name, "" if none), at_seat (0 | 1)]],
 *                          attr (encoded ints, 4 a row: period, kind, province, outside)
 *                "points"  xy (encoded path, in the order of names), names [text],
 *                          alt? [text], seat? (encoded ints: deltas of the indexes of the
 *                          points at a city seat), attr (as in "detail", in this order)
 *                "grid"    cell (int: cell size in 1/scale degree), classes [{color,
 *                          label}], cells (encoded ints, 4 a cell: column and row as
 *                          deltas from the previous cell's, count, class)
 *   investments  {n, cols [label], rows [[x, y, radius (px), title, amount text, [cell],
 *                at_seat (0 | 1), CNY]], sizes [{value, r, label}], attr (as for
 *                partners, kind -1), find}   rows largest first
 *   districts    null | the district layer (format in the header of g60map-districts.js)
 *   find         (of partners "detail" and "points", and of investments) what the search
 *                finds a row by besides its title: {words [text], places [[index into
 *                words]] (city and district, both languages, the first in lang), rows
 *                (encoded ints, for each row in order: place (-1: none), note (index
 *                into words, -1: the place's first word), n, then n names (indexes into
 *                words))}; g60map/render/web/_search.py
 *   footer       [text]   sources, exchange rate and datum lines of the legend
 * partners ("detail") and investments may also have: popup 0 (no popup), tipCols [label]
 * (the tooltip's columns; none when empty; without it the tooltip is the title) and tips
 * [[cell]] (the tooltip's cells, in the order of rows).
 * at_seat = 1: the table gave a city, not a place (location_precision "city"); the point is
 * that city's seat, and the page says so instead of zooming in on an address it lacks.
 */
(function (root) {
  "use strict";
  if (root.G60Map) { return; }

  /* The payload format this script reads; g60map's Python side writes the same number. */
  var PAYLOAD_VERSION = 3;
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

  function overlap(a, b) {
    var w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
    var h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
    return w > 0 && h > 0 ? w * h : 0;
  }

  /* No motion for people who ask for none (and for tests that measure the result). */
  function still() {
    return !!(root.matchMedia && root.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  /* ------------------------------------------------------------------ the map */

  function makePanes(map) {
    [["g60mCities", 410], ["g60mGrid", 415], ["g60mProvinces", 420], ["g60mHover", 425],
      ["g60mLines", 430], ["g60mInvest", 450], ["g60mSeats", 580],
      ["g60mLabels", 640]].forEach(function (p) {
      var pane = map.getPane(p[0]) || map.createPane(p[0]);
      pane.style.zIndex = String(p[1]);
    });
    map.getPane("g60mLabels").style.pointerEvents = "none";
    map.getPane("g60mHover").style.pointerEvents = "none";
  }

  /* The attribution first (the layout measures it), the tiles once the view is set. */
  function addAttribution(c) {
    var control = c.map.attributionControl;
    if (!control) { return; }
    if (c.d.tiles) { control.addAttribution(c.d.tiles.attribution); }
    control.addAttribution(esc(c.t.attribution));
  }

  function addTiles(c) {
    var tiles = c.d.tiles;
    if (tiles) {
      var opts = { maxZoom: tiles.maxZoom };
      if (tiles.subdomains) { opts.subdomains = tiles.subdomains; }
      c.L.tileLayer(tiles.url, opts).addTo(c.map);
    }
  }

  /* The overlays of the layer control, in its order: [key, name (HTML)] of each layer. */
  function overlayList(c) {
    var t = c.t, out = [];
    [["cities", t.layer_cities],
      ["districts", c.d.districts ? c.d.districts.t.layer : ""],  /* off on opening */
      ["provinces", t.layer_provinces], ["labels", t.layer_labels],
      ["spokes", t.layer_spokes], ["flows", t.layer_flows], ["trunk", t.layer_trunk],
      ["partners", t.layer_partners],
      ["investments", t.layer_investments]].forEach(function (e) {
      if (!c.layers[e[0]]) { return; }
      var name = esc(e[1]);
      if (e[0] === "partners" && c.d.partners.mode === "grid") {
        name += " (" + esc(t.aggregated) + ")";
      }
      out.push([e[0], name]);
    });
    return out;
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
    var c = {
      L: L, map: map, d: d, t: d.t, k: d.scale, S: d.style, box: box, Poly: polygonClass(L),
      cityByCode: {}, seatCity: {}, search: [], labels: [], markers: [], layers: {},
      circles: [], flows: [], metric: d.choices.list[d.choices.metric]
    };
    box.classList.add("g60m");
    if (!d.tiles) { box.style.background = c.S.background; }
    map.setMinZoom(d.minZoom);
    map.setMaxZoom(d.maxZoom);
    c.arcs = d.arcs.map(function (s) { return path(s, c.k); });
    makePanes(map);

    var layers = c.layers;
    G60Map.layers.add(c);

    /* The reader's view (metric, time, filters) from the URL, then the controls, then the
       view that clears them: fitted once, without animation, before any layer is on the
       map, so that every layer is projected, and every tile requested, once, for this
       view. */
    G60Map.views.start(c);
    addAttribution(c);
    G60Map.controls.add(c, overlayList(c));
    G60Map.layout.start(c);
    G60Map.views.restore(c);
    addTiles(c);
    overlayList(c).forEach(function (e) {
      if (!G60Map.views.hidden(c, e[0])) { layers[e[0]].addTo(map); }
    });
    /* The markers shown join the cluster group once it is on the map: it then clusters
       them in chunks without blocking the page (off the map, adding is quadratic). */
    G60Map.views.apply(c);
    G60Map.layout.labels(c);

    var api = { map: map, layers: layers, placeLabels: c.placeLabels, search: c.search,
      view: c.view, flows: c.flows, state: function () { return G60Map.views.state(c); },
      png: function (opts) { return G60Map.exporter.png(c, opts); } };
    c.api = api;
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
    draw: draw, instances: [], decode: ints, codec: codec, safeUrl: safeUrl,
    /* shared with the other g60map-*.js files */
    _: { el: el, esc: esc, overlap: overlap, still: still, thousands: thousands,
      textNode: textNode, card: card, table: table, ints: ints, path: path, shape: shape }
  };
  root.G60Map = G60Map;
})(window);
