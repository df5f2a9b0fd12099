/* g60map: the district (区县) layer: the districts of the nine corridor cities filled by the
 * metric of the metric switch, each with a popup (name in both languages, city, the value
 * of every metric), and their classes in a key of their own while the layer is on. It is
 * off when the map opens; cities and districts take turns (showing one hides the other),
 * so one fill is on the map at a time; the search finds them by name (either language).
 * g60map-layers.js calls G60Map.districts.draw(); g60map-views.js calls
 * G60Map.districts.fill() when the metric changes.
 *
 * Payload entry (g60map/render/web/districts.py writes it; the rest of the payload is in
 * the header of g60map.js):
 *   districts    null | {t {layer, district, city, whole}, arcs [encoded path],
 *                rows [{code, name, alt (the other language's name, "" if the same), city,
 *                shape}], list [{key (as in choices.list, in its order), bins, labels,
 *                colors, values [per row], cls [per row, -1: none]}]}
 * The values are those of the whole data: the time slider and the filters do not change
 * them (the key and the popups say so).
 *
 * Same safety rule as g60map.js: payload text only through textContent, DOM properties or
 * esc(). MIT licence, part of the g60map package.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.districts) { return; }
  var _ = G._, el = _.el, card = _.card, table = _.table, textNode = _.textNode;
  var path = _.path, shape = _.shape;
  /* The districts' fill opacity; their key's swatches are its colours at it, over white. */
  var FILL = 0.72;

  /* The districts' entry of the metric shown (same key as c.metric). */
  function shown(c) {
    var list = c.d.districts.list, key = c.metric.key;
    for (var i = 0; i < list.length; i++) {
      if (list[i].key === key) { return list[i]; }
    }
    return list[0];
  }

  function valueText(c, m, v) { return G.views.valueText(c, m, v); }

  /* On a phone a district's popup has no room beside the district key: the key steps
     aside while the popup is open. Called as Leaflet builds the popup's content, before
     the popup is placed clear of the controls (g60map-layout.js). */
  function keyAside(c, aside) {
    var box = c.districtKey && c.districtKey.getContainer();
    if (!box) { return; }
    var hide = aside && c.box.classList.contains("g60m-phone");
    if (box.hidden !== hide) {
      box.hidden = hide;
      if (!hide && c.arrange) { c.arrange(); }
    }
  }

  function districtCard(c, i) {
    keyAside(c, true);
    var D = c.d.districts, row = D.rows[i], body = card(row.name, row.alt);
    var labels = [D.t.city], values = [row.city];
    c.d.choices.list.forEach(function (m) {
      for (var j = 0; j < D.list.length; j++) {
        if (D.list[j].key === m.key) {
          labels.push(m.label);
          values.push(valueText(c, m, D.list[j].values[i]));
        }
      }
    });
    table(labels, values, body);
    el("div", "g60m-card-note", D.t.whole, body);
    return body;
  }

  /* The key of the district classes (bottom left, only while the layer is on). */
  function keyBox(c) {
    if (!c.districtKey) {
      var Key = c.L.Control.extend({
        onAdd: function () {
          var box = el("div", "g60m-dkey");
          c.L.DomEvent.disableClickPropagation(box);
          c.L.DomEvent.disableScrollPropagation(box);
          return box;
        }
      });
      c.districtKey = new Key({ position: "bottomleft" });
    }
    return c.districtKey;
  }

  function drawKey(c) {
    var control = c.districtKey, box = control && control.getContainer();
    if (!box || !control._map) { return; }
    var D = c.d.districts, m = shown(c), S = c.S, row = G.controls.legendRow;
    var fillOf = function (color) { return G.layers.overWhite(color, FILL); };
    box.textContent = "";
    el("div", "g60m-legend-h", D.t.layer + " · " + c.metric.label, box);
    if (c.metric.none && m.cls.some(function (k) { return k < 0; })) {
      row(box, "fill", { background: fillOf(S.zero), borderColor: "#555555" },
        c.t.legend_none);
    }
    m.labels.forEach(function (label, i) {
      row(box, "fill", { background: fillOf(m.colors[i]), borderColor: "#555555" }, label);
    });
    el("div", "g60m-dkey-note", D.t.whole, box);
  }

  /* The fill of every district for the metric shown, and the key. */
  function fill(c) {
    if (!c.districtPolys) { return; }
    var m = shown(c), S = c.S;
    c.districtPolys.forEach(function (poly, i) {
      var k = m.cls[i];
      poly.setStyle({ fillColor: k >= 0 ? m.colors[k] : S.zero });
    });
    drawKey(c);
  }

  /* Layer "shown" was just put on the map: take "other" off, once the event that added it
     is over. The layer list adds every checked layer in one loop and updates its checkboxes
     only after it; removing "other" from inside that loop would have it added back. */
  function takeTurns(map, shown, other) {
    Promise.resolve().then(function () {
      if (map.hasLayer(shown) && map.hasLayer(other)) { map.removeLayer(other); }
    });
  }

  /* A district found by the search: the layer on (the cities off), the district in
     view, then its popup. */
  function showDistrict(c, layer, poly) {
    if (!c.map.hasLayer(layer)) { c.map.addLayer(layer); }
    c.afterMove(function () {
      c.map.fitBounds(poly.getBounds(), c.fitOptions(poly.getBounds(), 11));
    }, function () { poly.openPopup(); });
  }

  /* The layer (a feature group), or null when the payload has no districts. */
  function draw(c) {
    var D = c.d.districts;
    if (!D || !D.rows.length) { return null; }
    var L = c.L, map = c.map, helpers = G.layers;
    var arcs = D.arcs.map(function (s) { return path(s, c.k); });
    var layer = L.featureGroup();
    c.districtPolys = [];
    D.rows.forEach(function (row, i) {
      var poly = new c.Poly(shape(arcs, row.shape), {
        pane: "g60mCities", color: "#555555", weight: 0.8, opacity: 0.9,
        fillColor: c.S.zero, fillOpacity: FILL
      });
      poly.bindTooltip(function () { return textNode(row.name); },
        { sticky: true, className: "g60m-tip" });
      helpers.keepMapFocus(poly);
      poly.bindPopup(function () { return districtCard(c, i); }, helpers.popupOptions(320));
      helpers.quietTooltip(poly);
      layer.addLayer(poly);
      c.districtPolys.push(poly);
      /* the search finds it by either name (its city too), after the cities; a district
         that is a city of the map (the hub) is found as that city */
      if (c.cityByCode[row.code]) { return; }
      c.search.push({ names: [row.name, row.alt], also: [row.city], label: row.name,
        kind: D.t.district, note: row.city, rank: 0.5,
        go: function () { showDistrict(c, layer, poly); } });
    });
    fill(c);
    var cities = c.layers.cities;
    layer.on("add", function () {
      keyBox(c).addTo(map);
      drawKey(c);
      if (c.arrange) { c.arrange(); }  /* clear of the other controls (g60map-layout.js) */
      if (cities) { takeTurns(map, layer, cities); }
    });
    layer.on("remove", function () { if (c.districtKey) { c.districtKey.remove(); } });
    map.on("popupclose", function () { keyAside(c, false); });
    if (cities) {
      cities.on("add", function () { takeTurns(map, cities, layer); });
    }
    return layer;
  }

  G.districts = { draw: draw, fill: fill };
})(window);
