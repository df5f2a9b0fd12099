/* g60map: the layers of the corridor map (cities, provinces, spokes, flows, trunk, seats
 * and labels, partners, investments) and going to what the search finds. G60Map.draw() in
 * g60map.js calls G60Map.layers.add() with the drawing context; the payload format is in
 * the header of g60map.js. Same safety rule: payload text only through textContent, DOM
 * properties or esc(). MIT licence.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.layers) { return; }
  var _ = G._, el = _.el, card = _.card, table = _.table, textNode = _.textNode;
  var thousands = _.thousands, still = _.still, ints = _.ints, path = _.path, shape = _.shape;

  /* Each layer function reads the drawing context c ({L, map, d, t, k, S, box, arcs,
     Poly, ...}), returns its layer (or null), and adds to c.search what can be found. */

  function latlng(c, xy) { return c.L.latLng(xy[1] / c.k, xy[0] / c.k); }

  /* Fill opacity of the member cities over a basemap, [from zoom, opacity]: the basemap
     stays readable, the more so zoomed in; MEMBER_FILL without a basemap. */
  var FILL_BY_ZOOM = [[0, 0.5], [9, 0.36], [11, 0.24]], MEMBER_FILL = 0.72;

  function memberFill(c) {
    if (!c.d.tiles) { return MEMBER_FILL; }
    var z = c.map.getZoom(), out = FILL_BY_ZOOM[0][1];
    FILL_BY_ZOOM.forEach(function (s) { if (z >= s[0]) { out = s[1]; } });
    return out;
  }

  /* Colour "#rrggbb" as drawn at opacity a over white, as an opaque "rgb(r, g, b)": a
     legend swatch the reader can match with the fill on the map (other colours as given). */
  function overWhite(color, a) {
    var m = /^#([0-9a-f]{6})$/i.exec(String(color));
    if (!m) { return color; }
    var n = parseInt(m[1], 16);
    return "rgb(" + [16, 8, 0].map(function (sh) {
      return Math.round(255 - a * (255 - ((n >> sh) & 255)));
    }).join(", ") + ")";
  }

  /* Popups of ours: Leaflet's own auto-pan is off, g60map-layout.js pans them clear of
     every control (popupopen). maxWidth is the widest a popup gets on a large screen. */
  function popupOptions(width) {
    return { maxWidth: width, autoPan: false, g60pan: true, g60width: width,
      className: "g60m-popup" };
  }

  /* Leaflet opens a tooltip when its layer's element takes the focus; an SVG path is never
     in the tab order, but Chromium lets a click focus an SVG element that listens for focus:
     the path would take the focus from the map (leaving a focus ring on it, and the map
     deaf to Escape and the arrow keys). Without those listeners the map keeps the focus. */
  function keepMapFocus(layer) {
    layer.on("add", function () {
      var e = layer.getElement && layer.getElement();
      if (e) { root.L.DomEvent.off(e, "focus blur"); }
    });
  }

  /* A city's seat in the tab order, named, opening its popup with Enter or Space; a click
     leaves the focus with the map (as on the city), not on the seat. */
  function focusable(c, layer, name, open) {
    layer.on("add", function () {
      var e = layer.getElement();
      if (!e) { return; }
      e.setAttribute("tabindex", "0");
      e.setAttribute("role", "button");
      e.setAttribute("aria-label", name);
      c.L.DomEvent.on(e, "keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); }
      });
      c.L.DomEvent.on(e, "mousedown", function (ev) { ev.preventDefault(); });
    });
  }

  /* A layer's tooltip stays closed while its popup is open (the popup says more). */
  function quietTooltip(layer, owner) {
    owner = owner || layer;
    owner.on("popupopen", function () { layer.closeTooltip(); });
    layer.on("tooltipopen", function () {
      if (owner.isPopupOpen()) { layer.closeTooltip(); }
    });
  }

  function cardNote(c, box, atSeat) {
    if (atSeat) { el("div", "g60m-card-note", c.t.at_seat, box); }
    return box;
  }

  function cityCard(c, city) {
    var t = c.t, role = city.role === "hub" ? t.role_hub : (city.cls === -2 ? t.role_other :
      t.role_member);
    var body = card(city.name, city.alt);
    var labels = [t.province, t.role, t.partners], values = [city.prov, role,
      String(city.partners)];
    if (city.invest) { labels.push(t.investments); values.push(city.invest); }
    var now = G.views && G.views.cityValue(c, city.code);
    if (now) { labels.push(now[0]); values.push(now[1]); }
    table(labels, values, body);
    return body;
  }

  /* The outline drawn over the city under the pointer (its own pane, not interactive). */
  function highlight(c, poly) {
    if (!poly) {
      if (c.hover) { c.map.removeLayer(c.hover); }
      return;
    }
    if (!c.hover) {
      c.hover = new c.Poly(poly.getLatLngs(), { pane: "g60mHover", interactive: false,
        fill: false, color: c.S.hover || "#111111", weight: 3, opacity: 0.9 });
    } else {
      c.hover.setLatLngs(poly.getLatLngs());
    }
    if (!c.map.hasLayer(c.hover)) { c.hover.addTo(c.map); }
  }

  /* City boundaries: others first, then members, the hub last (on top). */
  function drawCities(c) {
    var L = c.L, d = c.d, S = c.S, layer = L.featureGroup(), members = [];
    var rank = function (city) { return city.role === "hub" ? 2 : (city.cls === -2 ? 0 : 1); };
    var order = d.cities.map(function (city, i) { return i; });
    order.sort(function (a, b) { return rank(d.cities[a]) - rank(d.cities[b]) || a - b; });
    order.forEach(function (i) {
      var city = d.cities[i], member = city.cls !== -2, hub = city.role === "hub";
      var style = member ? {
        color: hub ? S.hub : S.member, weight: hub ? 3.5 : 1.4, opacity: 1,
        fillColor: city.cls >= 0 ? c.metric.colors[city.cls] : S.zero,
        fillOpacity: d.tiles ? FILL_BY_ZOOM[0][1] : MEMBER_FILL
      } : {
        color: S.other, weight: 0.7, opacity: 0.9, fillColor: d.tiles ? "#ffffff" : S.other_fill,
        fillOpacity: d.tiles ? 0.3 : 1
      };
      style.pane = "g60mCities";
      var poly = new c.Poly(shape(c.arcs, city.shape), style);
      poly.g60code = city.code;
      poly.bindTooltip(function () { return textNode(city.name); },
        { sticky: true, className: "g60m-tip" });
      keepMapFocus(poly);
      poly.bindPopup(function () { return cityCard(c, city); }, popupOptions(320));
      quietTooltip(poly);
      poly.on("mouseover", function () { highlight(c, poly); });
      poly.on("mouseout", function () { highlight(c, null); });
      layer.addLayer(poly);
      if (member) { members.push(poly); }
      c.cityByCode[city.code] = poly;
      if (city.seat) { c.seatCity[city.seat.join(",")] = poly; }
    });
    layer.on("remove", function () { highlight(c, null); });
    if (d.tiles) {
      c.map.on("zoomend", function () {
        var o = memberFill(c);
        members.forEach(function (poly) {
          if (poly.options.fillOpacity !== o) { poly.setStyle({ fillOpacity: o }); }
        });
      });
    }
    d.cities.forEach(function (city) {
      c.search.push({ names: [city.name, city.alt], label: city.name, kind: city.prov, rank: 0,
        go: function () { showCity(c, city); } });
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
      keepMapFocus(line);
      layer.addLayer(line);
    });
    return layer;
  }

  /* Flows: light until pointed at (the flow under the pointer dark and wider, the others
     faint); the part of a flow outside the corridor (the opening view's bounds, padded by
     FLOW_NEAR of their size) thin, dashed and faint, so that lines from far origins do not
     cross the view in full colour. */
  var FLOW_OPACITY = 0.45, FLOW_HOVER = 0.9, FLOW_DIM = 0.12, FLOW_FAR = 0.2, FLOW_NEAR = 0.15;

  /* Investment flows, origin -> project: width proportional to the amount, widest first
     (thin ones on top), a ring at the origin; c.flows keeps each with its investment and
     origin ({i, w, tip, o, line, far, ring, parts}). */
  function drawFlows(c) {
    var F = c.d.flows;
    if (!F) { return null; }
    var L = c.L, layer = L.featureGroup(), color = c.S.flow;
    var near = L.latLngBounds(c.d.bounds).pad(FLOW_NEAR);
    F.rows.forEach(function (f) {
      var pts = path(f.line, c.k), tip = function () { return textNode(f.tip); };
      var k = 0;
      while (k < pts.length && !near.contains(pts[k])) { k++; }
      if (k >= pts.length - 1) { k = 0; }  /* (a flow that never comes near: drawn whole) */
      var line = L.polyline(k ? pts.slice(k) : pts, { color: color, weight: f.w,
        opacity: FLOW_OPACITY, lineCap: "butt", pane: "g60mLines" });
      var far = k ? L.polyline(pts.slice(0, k + 1), { color: color, weight: Math.min(f.w, 1.5),
        opacity: FLOW_FAR, dashArray: "4 5", pane: "g60mLines" }) : null;
      var ring = L.circleMarker(pts[0], { radius: 3.5, color: color, weight: 1.5,
        opacity: k ? FLOW_FAR * 2 : 1, fillColor: "#ffffff", fillOpacity: 1,
        pane: "g60mLines" });
      var flow = { i: f.i, w: f.w, tip: f.tip, o: f.o, line: line, far: far, ring: ring,
        parts: far ? [far, line, ring] : [line, ring] };
      flow.parts.forEach(function (l) {
        l.bindTooltip(tip, { sticky: true });
        keepMapFocus(l);
        l.on("mouseover", function () { hoverFlow(c, flow); });
        l.on("mouseout", function () { hoverFlow(c, null); });
        layer.addLayer(l);
      });
      c.flows.push(flow);
    });
    return layer;
  }

  /* The flow under the pointer dark and wider, the others faint; null: all as drawn. */
  function hoverFlow(c, flow) {
    c.flows.forEach(function (f) {
      var on = f === flow;
      f.line.setStyle({ opacity: !flow ? FLOW_OPACITY : (on ? FLOW_HOVER : FLOW_DIM),
        weight: on ? f.w + 2 : f.w });
      if (f.far) {
        f.far.setStyle({ opacity: !flow ? FLOW_FAR : (on ? FLOW_HOVER : FLOW_DIM / 2) });
      }
    });
  }

  /* Each flow on the map when its investment is shown (c.rows.iOk) and it comes from the
     origin the reader chose (c.flowFrom: index into the payload's origins, -1: all). */
  function showFlows(c) {
    var ok = c.rows.iOk, from = c.flowFrom >= 0 ? c.flowFrom : -1, layer = c.layers.flows;
    c.flows.forEach(function (f) {
      var on = !!ok[f.i] && (from < 0 || f.o === from);
      if (on === f.shown) { return; }
      f.shown = on;
      f.parts.forEach(function (l) { if (on) { layer.addLayer(l); } else { layer.removeLayer(l); } });
    });
  }

  /* The name of the origin whose flows are shown alone, or "" (all shown, or no flows). */
  function flowOrigin(c) {
    var F = c.d.flows;
    return F && c.flowFrom >= 0 && F.origins ? String(F.origins[c.flowFrom]) : "";
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
    keepMapFocus(line);
    layer.addLayer(line);
    return layer;
  }

  /* City seats and their labels (hub first); c.labels collects what the layout places. */
  function drawSeats(c) {
    var L = c.L, S = c.S, layer = L.layerGroup();
    c.d.labelOrder.forEach(function (i) {
      var city = c.d.cities[i], hub = city.role === "hub", at = latlng(c, city.seat);
      var poly = c.cityByCode[city.code], r = hub ? 6 : 4;
      var dot = L.circleMarker(at, {
        radius: r, color: "#ffffff", weight: 1.5, fillColor: hub ? S.hub : "#333333",
        fillOpacity: 1, pane: "g60mSeats", className: "g60m-seat"
      });
      dot.bindTooltip(function () { return textNode(city.name); }, { direction: "top" });
      keepMapFocus(dot);
      focusable(c, dot, city.name, function () { poly.openPopup(at); });
      quietTooltip(dot, poly);
      dot.on("click", function () { poly.openPopup(at); });
      dot.on("mouseover", function () { highlight(c, poly); });
      dot.on("mouseout", function () { highlight(c, null); });
      /* the metric's value follows the name (data-v, shown by CSS: the text is the name) */
      var span = el("span", "g60m-label" + (hub ? " g60m-label-hub" : ""), city.name);
      span.setAttribute("data-code", city.code);
      var icon = L.divIcon({ className: "g60m-label-anchor", html: span, iconSize: [0, 0],
        iconAnchor: [0, 0] });
      layer.addLayer(dot);
      layer.addLayer(L.marker(at, { icon: icon, interactive: false, keyboard: false,
        pane: "g60mLabels" }));
      /* the hub's label clears a partner cluster icon drawn on its seat */
      c.labels.push({ ll: at, el: span, r: r, gap: hub ? 15 : r + 3, code: city.code });
    });
    return layer;
  }

  /* The tooltip of a partner or investment: the title (no tipCols), nothing (tipCols
     empty) or the columns chosen (tipCols): one value alone, several as a small table. */
  function bindTip(T, i, layer, title, options) {
    if (!T.tipCols) {
      layer.bindTooltip(function () { return textNode(title); }, options);
    } else if (T.tipCols.length) {
      layer.bindTooltip(function () {
        var v = T.tips[i];
        return T.tipCols.length === 1 ? textNode(v[0]) :
          table(T.tipCols, v, el("div", "g60m-tip"));
      }, options);
    }
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
    var L = c.L, k = c.k, t = c.t;
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
    var find = finder(P.find);
    var add = function (m, name, alt, atSeat) {
      var f = find(c.markers.length);
      c.markers.push(m);
      c.search.push({ names: [name, alt].concat(f.names), also: f.also, note: f.note,
        label: name, kind: t.layer_partners, rank: 1,
        go: function () { showMarker(c, layer, m, atSeat); } });
    };
    if (P.mode === "detail") {
      P.rows.forEach(function (r, i) {
        var m = L.marker([r[1] / k, r[0] / k], { icon: icon, keyboard: false });
        bindTip(P, i, m, r[2], { direction: "top", offset: [0, -6] });
        if (P.popup !== 0) {
          m.bindPopup(function () {
            var b = card(r[2], r[4] ? t.outside : "");
            table(P.cols, r[3], b);
            return cardNote(c, b, r[6]);
          }, popupOptions(360));
        }
        quietTooltip(m);
        add(m, r[2], r[5], !!r[6]);
      });
    } else {
      var a = ints(P.xy), x = 0, y = 0, seat = {}, s = P.seat ? ints(P.seat) : [], at = 0;
      for (var j = 0; j < s.length; j++) { at += s[j]; seat[at] = true; }
      var popup = function (name, atSeat) {
        return function () { return cardNote(c, card(name, ""), atSeat); };
      };
      for (var i = 0; i + 1 < a.length; i += 2) {
        x += a[i]; y += a[i + 1];
        var n = i / 2, m = L.marker([y / k, x / k], { icon: icon, keyboard: false });
        m.bindPopup(popup(P.names[n], seat[n]), popupOptions(300));
        add(m, P.names[n], P.alt ? P.alt[n] : "", !!seat[n]);
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
    var layer = L.featureGroup(), find = finder(I.find);
    I.rows.forEach(function (r, i) {
      var circle = L.circleMarker([r[1] / c.k, r[0] / c.k], {
        radius: r[2], color: S.investment, weight: 1.5, fillColor: S.investment,
        fillOpacity: 0.28, pane: "g60mInvest"
      });
      bindTip(I, i, circle, r[4] ? r[3] + (c.d.lang === "zh" ? "：" : ": ") + r[4] : r[3],
        { sticky: true });
      keepMapFocus(circle);
      if (I.popup !== 0) {
        circle.bindPopup(function () {
          var b = card(r[3], r[4]);
          table(I.cols, r[5], b);
          return cardNote(c, b, r[6]);
        }, popupOptions(360));
      }
      quietTooltip(circle);
      layer.addLayer(circle);
      c.circles.push(circle);
      var f = find(i);
      if (r[3] || f.note) {
        c.search.push({ names: [r[3]].concat(f.names), also: f.also, note: f.note,
          label: r[3] || f.note, kind: c.t.layer_investments, rank: 2,
          go: function () { showMarker(c, layer, circle, !!r[6]); } });
      }
    });
    return layer;
  }

  /* ------------------------------------------------------------------ the search index */

  /* What row j of a table is found by, from its payload "find" (none: nothing more):
     {names: its other names, also: its place's names, note: shown after the kind}. */
  function finder(F) {
    var none = { names: [], also: [], note: "" };
    if (!F) { return function () { return none; }; }
    var a = ints(F.rows), at = [], w = F.words;
    for (var i = 0; i + 2 < a.length; i += 3 + a[i + 2]) { at.push(i); }
    return function (j) {
      var k = at[j];
      if (k === undefined) { return none; }
      var place = a[k] >= 0 ? F.places[a[k]] || [] : [], names = [];
      for (var n = 0; n < a[k + 2]; n++) { names.push(w[a[k + 3 + n]]); }
      return { names: names, also: place.map(function (p) { return w[p]; }),
        note: a[k + 1] >= 0 ? w[a[k + 1]] : (place.length ? w[place[0]] : "") };
    };
  }

  /* ------------------------------------------------------------------ going to a result */

  function ensureOn(c, layer) { if (!c.map.hasLayer(layer)) { c.map.addLayer(layer); } }

  function showCity(c, city) {
    var poly = c.cityByCode[city.code];
    ensureOn(c, c.layers.cities);
    c.afterMove(function () {
      c.map.fitBounds(poly.getBounds(), c.fitOptions(poly.getBounds(), 10));
    }, function () { poly.openPopup(city.seat ? latlng(c, city.seat) : undefined); });
  }

  /* A partner or an investment. One placed at its city's seat is shown at the zoom that
     fits that city, no closer, with its popup at the seat; others are zoomed to. */
  function showMarker(c, layer, m, atSeat) {
    var map = c.map, at = m.getLatLng();
    ensureOn(c, layer);
    if (atSeat) {
      var key = Math.round(at.lng * c.k) + "," + Math.round(at.lat * c.k);
      var city = c.seatCity[key], zoom = 10;
      if (city) {
        var o = c.fitOptions(city.getBounds(), 18);
        zoom = map.getBoundsZoom(city.getBounds(), false,
          c.L.point(o.paddingTopLeft).add(o.paddingBottomRight));
      }
      c.afterMove(function () {
        map.setView(at, Math.min(zoom, map.getMaxZoom()), { animate: !still() });
      }, function () {
        var popup = m.getPopup();
        popup.setLatLng(at);
        map.openPopup(popup);
      });
    } else if (layer.zoomToShowLayer) {
      layer.zoomToShowLayer(m, function () { m.openPopup(); });
    } else {
      c.afterMove(function () {
        map.setView(at, Math.max(map.getZoom(), 12), { animate: !still() });
      }, function () { m.openPopup(); });
    }
  }

  /* ------------------------------------------------------------------ all layers */

  /* Draw every layer into c.layers (null where there is nothing to draw). */
  function add(c) {
    var layers = c.layers;
    layers.cities = drawCities(c);
    layers.provinces = drawProvinces(c);
    layers.spokes = drawSpokes(c);
    layers.flows = drawFlows(c);
    layers.trunk = drawTrunk(c);
    layers.labels = drawSeats(c);
    layers.partners = drawPartners(c);
    layers.investments = drawInvestments(c);
    layers.districts = G.districts ? G.districts.draw(c) : null;  /* g60map-districts.js */
  }

  G.layers = { add: add, popupOptions: popupOptions, keepMapFocus: keepMapFocus,
    memberFill: memberFill, overWhite: overWhite,
    quietTooltip: quietTooltip, showFlows: showFlows, hoverFlow: hoverFlow,
    flowOrigin: flowOrigin };
})(window);
