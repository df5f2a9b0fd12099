/* g60map: draws the G60 corridor map from one JSON payload (g60map/render/interactive.py).
 *
 * Safety rule of this file: text from the payload reaches the page only through
 * textContent, DOM properties, or esc() (for the layer control, which parses HTML);
 * only http(s) URLs become links. MIT licence, part of the g60map package.
 */
(function (root) {
  "use strict";
  if (root.G60Map) { return; }

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

  /* L.Polygon for rings built by ring(): a vertex shared by neighbouring cities and their
     province outline is projected once per view (zoom and pixel origin), not once per ring,
     and a polygon wholly inside the renderer's clip box skips the clip, which would return
     its rings unchanged. Leaflet only reads projected points; the one write, clipPolygon's
     _code, is recomputed for every point before each use. */
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

  function draw(map, d) {
    var L = root.L, t = d.t, k = d.scale, S = d.style;
    var box = map.getContainer();
    box.classList.add("g60m");
    if (!d.tiles) { box.style.background = S.background; }
    map.setMinZoom(d.minZoom);
    map.setMaxZoom(d.maxZoom);
    var arcs = d.arcs.map(function (s) { return path(s, k); }), Poly = sharedPolygon(L);

    [["g60mCities", 410], ["g60mGrid", 415], ["g60mProvinces", 420], ["g60mLines", 430], ["g60mInvest", 450],
      ["g60mSeats", 580], ["g60mLabels", 640]].forEach(function (p) {
      var pane = map.getPane(p[0]) || map.createPane(p[0]);
      pane.style.zIndex = String(p[1]);
    });
    map.getPane("g60mLabels").style.pointerEvents = "none";

    /* The final view first, without animation, so that every layer is projected, and
       every tile requested, once: for this view, not for the provisional one of L.map(). */
    var W = box.clientWidth, H = box.clientHeight, wide = W >= 760, roomy = wide && H >= 560;
    map.fitBounds(L.latLngBounds(d.bounds), {
      paddingTopLeft: [wide ? 60 : 10, wide ? 70 : 50],
      paddingBottomRight: [wide ? 250 : 10, 20], animate: false
    });

    if (d.tiles) {
      var topts = { attribution: d.tiles.attribution, maxZoom: d.tiles.maxZoom };
      if (d.tiles.subdomains) { topts.subdomains = d.tiles.subdomains; }
      L.tileLayer(d.tiles.url, topts).addTo(map);
    }
    if (map.attributionControl) {
      map.attributionControl.addAttribution(esc(t.attribution));
    }

    /* City boundaries: others first, then members, the hub last (on top). */
    var cityLayer = L.featureGroup(), cityByCode = {};
    var rank = function (c) { return c.role === "hub" ? 2 : (c.cls === -2 ? 0 : 1); };
    var order = d.cities.map(function (c, i) { return i; });
    order.sort(function (a, b) { return rank(d.cities[a]) - rank(d.cities[b]) || a - b; });
    function cityCard(c) {
      var role = c.role === "hub" ? t.role_hub : (c.cls === -2 ? t.role_other : t.role_member);
      var body = card(c.name, c.alt);
      var labels = [t.province, t.role, t.partners], values = [c.prov, role, String(c.partners)];
      if (c.invest) { labels.push(t.investments); values.push(c.invest); }
      table(labels, values, body);
      return body;
    }
    order.forEach(function (i) {
      var c = d.cities[i], member = c.cls !== -2, hub = c.role === "hub";
      var style = member ? {
        color: hub ? S.hub : S.member, weight: hub ? 3.5 : 1.4, opacity: 1,
        fillColor: c.cls >= 0 ? d.classes[c.cls].color : S.zero, fillOpacity: 0.72
      } : {
        color: S.other, weight: 0.7, opacity: 0.9, fillColor: d.tiles ? "#ffffff" : S.other_fill,
        fillOpacity: d.tiles ? 0.3 : 1
      };
      style.pane = "g60mCities";
      var poly = new Poly(shape(arcs, c.shape), style);
      poly.g60code = c.code;
      poly.bindTooltip(function () { return textNode(c.name); },
        { sticky: true, className: "g60m-tip" });
      poly.bindPopup(function () { return cityCard(c); }, { maxWidth: 320 });
      cityLayer.addLayer(poly);
      cityByCode[c.code] = poly;
    });

    var provLayer = L.featureGroup();
    d.provinces.forEach(function (p) {
      provLayer.addLayer(new Poly(shape(arcs, p.shape), {
        fill: false, color: S.province, weight: 2, opacity: 0.85, interactive: false,
        pane: "g60mProvinces"
      }));
    });

    var spokeLayer = L.featureGroup();
    d.spokes.forEach(function (s) {
      var line = L.polyline(path(s.line, k), {
        color: S.spoke, weight: 2.5, opacity: 0.85, pane: "g60mLines"
      });
      line.bindTooltip(function () { return textNode(s.tip); }, { sticky: true });
      spokeLayer.addLayer(line);
    });

    var trunkLayer = L.featureGroup();
    if (d.trunk) {
      var tl = L.polyline(path(d.trunk.line, k), {
        color: S.trunk, weight: 5, opacity: 0.8, dashArray: "12 8", pane: "g60mLines"
      });
      tl.bindTooltip(function () {
        var b = el("div", "g60m-tipbox");
        el("div", "g60m-strong", d.trunk.tip, b);
        if (d.trunk.note) { el("div", null, d.trunk.note, b); }
        return b;
      }, { sticky: true });
      trunkLayer.addLayer(tl);
    }

    /* City seats and labels (hub first). */
    var labelLayer = L.layerGroup(), labels = [];
    d.labelOrder.forEach(function (i) {
      var c = d.cities[i], hub = c.role === "hub", ll = L.latLng(c.seat[1] / k, c.seat[0] / k);
      var r = hub ? 6 : 4;
      var dot = L.circleMarker(ll, {
        radius: r, color: "#ffffff", weight: 1.5, fillColor: hub ? S.hub : "#333333",
        fillOpacity: 1, pane: "g60mSeats"
      });
      dot.bindTooltip(function () { return textNode(c.name); }, { direction: "top" });
      dot.on("click", function () { cityByCode[c.code].openPopup(ll); });
      var span = el("span", "g60m-label" + (hub ? " g60m-label-hub" : ""), c.name);
      var icon = L.divIcon({ className: "g60m-label-anchor", html: span, iconSize: [0, 0],
        iconAnchor: [0, 0] });
      labelLayer.addLayer(dot);
      labelLayer.addLayer(L.marker(ll, { icon: icon, interactive: false, keyboard: false,
        pane: "g60mLabels" }));
      /* the hub's label clears a partner cluster icon drawn on its seat */
      labels.push({ ll: ll, el: span, r: r, gap: hub ? 15 : r + 3 });
    });

    /* Partners: one marker each (clustered), or counts per grid cell. */
    var P = d.partners, partnerLayer = null, search = [], markers = [];
    d.cities.forEach(function (c) {
      search.push({ key: (c.name + " " + c.alt).toLowerCase(), label: c.name, kind: c.prov,
        go: function () {
          var poly = cityByCode[c.code];
          if (!map.hasLayer(cityLayer)) { map.addLayer(cityLayer); }
          map.fitBounds(poly.getBounds(), { maxZoom: 10 });
          poly.openPopup(c.seat ? L.latLng(c.seat[1] / k, c.seat[0] / k) : undefined);
        } });
    });
    if (P.mode === "detail" || P.mode === "points") {
      partnerLayer = L.markerClusterGroup({
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
        search.push({ key: String(name).toLowerCase(), label: name, kind: t.layer_partners,
          go: function () {
            if (!map.hasLayer(partnerLayer)) { map.addLayer(partnerLayer); }
            partnerLayer.zoomToShowLayer(m, function () { m.openPopup(); });
          } });
      };
      if (P.mode === "detail") {
        P.rows.forEach(function (r) {
          var m = L.marker([r[1] / k, r[0] / k], { icon: icon, keyboard: false });
          m.bindTooltip(function () { return textNode(r[2]); }, { direction: "top",
            offset: [0, -6] });
          m.bindPopup(function () {
            var c = card(r[2], r[4] ? t.outside : "");
            table(P.cols, r[3], c);
            return c;
          }, { maxWidth: 360 });
          markers.push(m);
          addSearch(m, r[2]);
        });
      } else {
        var a = ints(P.xy), x = 0, y = 0;
        for (var i = 0; i + 1 < a.length; i += 2) {
          x += a[i]; y += a[i + 1];
          var m = L.marker([y / k, x / k], { icon: icon, keyboard: false });
          m.bindPopup((function (name) {
            return function () { return card(name, ""); };
          })(P.names[i / 2]));
          markers.push(m);
          addSearch(m, P.names[i / 2]);
        }
      }
    } else if (P.mode === "grid") {
      partnerLayer = L.featureGroup();
      var renderer = L.canvas({ padding: 0.5, pane: "g60mGrid" }), g = ints(P.cells), gx = 0, gy = 0, cs = P.cell;
      for (var j = 0; j + 3 < g.length; j += 4) {
        gx += g[j]; gy += g[j + 1];
        var rect = L.rectangle([[gy * cs / k, gx * cs / k], [(gy + 1) * cs / k, (gx + 1) * cs / k]], {
          renderer: renderer, pane: "g60mGrid", stroke: false, fillOpacity: 0.85,
          fillColor: P.classes[Math.max(g[j + 3], 0)].color
        });
        rect.bindTooltip(textNode(thousands(g[j + 2]) + " " + t.partner_count));
        partnerLayer.addLayer(rect);
      }
    }

    /* Investments: circle area proportional to the amount (largest first). */
    var I = d.investments, invLayer = L.featureGroup();
    I.rows.forEach(function (r) {
      var c = L.circleMarker([r[1] / k, r[0] / k], {
        radius: r[2], color: S.investment, weight: 1.5, fillColor: S.investment,
        fillOpacity: 0.28, pane: "g60mInvest"
      });
      c.bindTooltip(function () { return textNode(r[4] ? r[3] + ": " + r[4] : r[3]); },
        { sticky: true });
      c.bindPopup(function () {
        var b = card(r[3], r[4]);
        table(I.cols, r[5], b);
        return b;
      }, { maxWidth: 360 });
      invLayer.addLayer(c);
    });

    var layers = {
      cities: cityLayer, provinces: provLayer, spokes: spokeLayer, trunk: trunkLayer,
      labels: labelLayer, partners: partnerLayer, investments: invLayer
    };
    var overlays = {};
    [["cities", t.layer_cities], ["provinces", t.layer_provinces], ["labels", t.layer_labels],
      ["spokes", t.layer_spokes], ["trunk", t.layer_trunk], ["partners", t.layer_partners],
      ["investments", t.layer_investments]].forEach(function (e) {
      var layer = layers[e[0]];
      if (!layer) { return; }
      if (e[0] === "spokes" && !d.spokes.length) { return; }
      if (e[0] === "trunk" && !d.trunk) { return; }
      if (e[0] === "investments" && !I.rows.length) { return; }
      layer.addTo(map);
      var name = esc(e[1]);
      if (e[0] === "partners" && P.mode === "grid") { name += " (" + esc(t.aggregated) + ")"; }
      overlays[name] = layer;
    });

    /* Markers join the cluster group once it is on the map: it then clusters them in
       chunks without blocking the page (off the map, adding is quadratic). */
    if (markers.length) { partnerLayer.addLayers(markers); }

    /* Controls: title, full screen, search, layers, scale, legend. */
    var corners = map._controlCorners;
    if (corners && !corners.topcenter) {
      corners.topcenter = el("div", "leaflet-top g60m-topcenter", null, map._controlContainer);
    }
    var Title = L.Control.extend({
      onAdd: function () {
        var w = W, narrow = w < 760;
        var b = el("div", "g60m-title" + (w < 1100 ? " g60m-title-small" : ""));
        b.style.maxWidth = (narrow ? Math.max(160, w - 140) : Math.max(300, w - 520)) + "px";
        el("div", "g60m-title-main", d.title, b);
        if (d.subtitle && !narrow) { el("div", "g60m-title-sub", d.subtitle, b); }
        return b;
      }
    });
    new Title({ position: corners && corners.topcenter ? "topcenter" : "topleft" }).addTo(map);

    if (document.fullscreenEnabled && box.requestFullscreen) {
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
    new Search({ position: "topleft" }).addTo(map);

    L.control.layers(null, overlays, { collapsed: !roomy, position: "topright" }).addTo(map);
    L.control.scale({ imperial: false, maxWidth: 160, position: "bottomleft" }).addTo(map);

    var Legend = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-legend"), head = el("div", "g60m-legend-head", null, b);
        el("span", null, t.legend, head);
        var btn = el("button", "g60m-legend-toggle", "\u2212", head);
        btn.type = "button"; btn.title = t.hide_legend;
        var body = el("div", "g60m-legend-body", null, b);
        el("div", "g60m-legend-h", t.legend_fill, body);
        legendRow(body, "fill", { background: S.zero, borderColor: S.member }, t.legend_none);
        d.classes.forEach(function (c) {
          legendRow(body, "fill", { background: c.color, borderColor: S.member }, c.label);
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
          P.classes.forEach(function (c) {
            legendRow(body, "fill", { background: c.color, borderColor: c.color }, c.label);
          });
        }
        if (I.sizes.length) {
          el("div", "g60m-legend-h", t.legend_investment, body);
          var rmax = I.sizes[0].r, sz = el("div", "g60m-sizes", null, body);
          sz.style.height = Math.ceil(2 * rmax + 2) + "px";
          var top = -14;
          I.sizes.forEach(function (s) {
            var c = el("i", "g60m-size", null, sz);
            c.style.width = c.style.height = (2 * s.r) + "px";
            c.style.left = (rmax - s.r) + "px";
            c.style.borderColor = S.investment;
            var lab = el("span", "g60m-size-label", s.label, sz);
            top = Math.max(top + 14, 2 * (rmax - s.r) - 6);
            lab.style.left = (2 * rmax + 8) + "px";
            lab.style.top = top + "px";
          });
          sz.style.height = Math.ceil(Math.max(2 * rmax + 2, top + 16)) + "px";
        }
        var foot = el("div", "g60m-legend-foot", null, body);
        d.footer.forEach(function (line) { el("div", null, line, foot); });
        var show = function (on) {
          body.hidden = !on;
          btn.textContent = on ? "\u2212" : "+";
          btn.title = on ? t.hide_legend : t.show_legend;
        };
        var fit = function (h) {
          body.style.maxHeight = Math.max(80, h - (roomy ? 130 : 90)) + "px";
        };
        show(roomy);
        fit(H);
        map.on("resize", function () { fit(box.clientHeight); });
        L.DomEvent.on(btn, "click", function () { show(body.hidden); });
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.disableScrollPropagation(b);
        return b;
      }
    });
    new Legend({ position: "bottomright" }).addTo(map);

    var place = function () { if (map.hasLayer(labelLayer)) { placeLabels(map, labels); } };
    map.on("zoomend resize", place);
    map.on("overlayadd", function (e) { if (e.layer === labelLayer) { place(); } });
    place();

    var api = { map: map, layers: layers, placeLabels: place, search: search };
    map.g60 = api;
    G60Map.instances.push(api);
    return api;
  }

  var G60Map = { version: 1, draw: draw, instances: [], decode: ints, safeUrl: safeUrl };
  root.G60Map = G60Map;
})(window);
