/* g60map: what the reader changes on the corridor map: the metric of the member cities'
 * fill, the time slider and the filters, and the view state in the URL hash. Called by
 * G60Map.draw() (g60map.js). Same safety rule: payload text only through textContent and
 * DOM properties; the URL hash is data, only looked up, never run. MIT licence.
 *
 * What follows the reader's choices: the partners and investment circles drawn, the flows
 * (with their investment), the member cities' fill (the classes stay those of the whole
 * data, so a colour means the same at every slider position), the values by the city
 * labels, the city cards and the summary at the top of the legend.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.views) { return; }
  var el = G._.el, thousands = G._.thousands;

  /* Milliseconds a period stays on screen while the slider plays. */
  var STEP_MS = 900;
  /* Periods: -1 no date (shown with the whole period only), -2 its table has no dates. */
  var UNDATED = -1, ALWAYS = -2;

  /* ------------------------------------------------------------------ numbers */

  /* Numbers and amounts as text.py writes them (g60map-classes.js). */
  var K = G.classes, POWER_FROM = K.POWER_FROM;
  function money(v, lang, unit) { return K.money(v, lang, unit ? "CNY" : null); }
  function sig(v, n) { return K.sig(v, n); }

  /* A city's value: amounts with their currency (CNY 800M, 8亿元: never "800 m"). */
  function valueText(c, m, v) {
    if (m.money) { return money(v, c.d.lang, true); }
    return m.int && Math.abs(v) < POWER_FROM ? thousands(Math.round(v)) : sig(v, 3);
  }

  /* ------------------------------------------------------------------ what is shown */

  function timeOk(c, p) {
    var T = c.d.choices.time, v = c.view;
    if (!T || p === ALWAYS) { return true; }
    if (p === UNDATED) { return v.mode === "cum" && v.t === T.labels.length - 1; }
    return v.mode === "cum" ? p <= v.t : p === v.t;
  }

  /* Row j of a table's attributes (4 a row: period, kind, province, outside). */
  function rowOk(c, a, j) {
    var off = c.view.off, k = a[4 * j + 1], pr = a[4 * j + 2];
    return timeOk(c, a[4 * j]) && !(k >= 0 && off.kind[k]) && !(pr >= 0 && off.prov[pr]) &&
      !off.out[a[4 * j + 3]];
  }

  /* A group of rows of one corridor city: its province is the city's, it is in the
     corridor, the kind filter applies to partners only. */
  function groupOk(c, g) {
    var off = c.view.off, pr = c.d.choices.prov[g[1]];
    return timeOk(c, g[2]) && !(g[0] === 0 && g[3] >= 0 && off.kind[g[3]]) &&
      !(pr >= 0 && off.prov[pr]) && !off.out[0];
  }

  /* The metric's value of each corridor city for the rows shown. */
  function values(c, m) {
    var V = c.d.choices, out = V.codes.map(function () { return 0; });
    V.groups.forEach(function (g) {
      if (g[0] === m.table && groupOk(c, g)) { out[g[1]] += m.col < 0 ? g[4] : g[5 + m.col]; }
    });
    if (m.area) { out = out.map(function (v, i) { return v / V.area[i] * 1000; }); }
    return out;
  }

  /* The class of a value: the first whose upper bound is >= it (the breaks of
     g60map.corridor.classify); -1: no class ("none"). */
  function classOf(m, v) {
    if (!isFinite(v) || (m.none && v <= 0)) { return -1; }
    for (var i = 0; i < m.bins.length; i++) {
      if (v <= m.bins[i] + 1e-9 * Math.abs(m.bins[i])) { return i; }
    }
    return m.bins.length - 1;
  }

  function atWhole(c) {
    var T = c.d.choices.time;
    return !T || (c.view.mode === "cum" && c.view.t === T.labels.length - 1);
  }

  /* Which rows are shown, the values of the metric and the summary, for the view. */
  function compute(c) {
    var R = c.rows, I = c.d.investments, s = { p: 0, i: 0, cny: 0, undated: 0 };
    var j, n;
    R.pOk = [];
    for (j = 0, n = R.p.length / 4; j < n; j++) {
      R.pOk.push(rowOk(c, R.p, j));
      if (R.pOk[j]) { s.p++; }
      if (R.p[4 * j] === UNDATED) { s.undated++; }
    }
    R.iOk = [];
    for (j = 0, n = R.i.length / 4; j < n; j++) {
      R.iOk.push(rowOk(c, R.i, j));
      if (R.iOk[j]) { s.i++; s.cny += I.rows[j][7] || 0; }
      if (R.i[4 * j] === UNDATED) { s.undated++; }
    }
    if (atWhole(c)) { s.undated = 0; }
    c.sum = s;
    c.vals = values(c, c.metric);
  }

  /* ------------------------------------------------------------------ redrawing */

  function showPartners(c) {
    var R = c.rows, layer = c.layers.partners, show = [], hide = [];
    c.markers.forEach(function (m, j) {
      var ok = R.pOk[j] !== false;
      if (ok && !R.pShown[j]) { show.push(m); } else if (!ok && R.pShown[j]) { hide.push(m); }
      R.pShown[j] = ok;
    });
    if (hide.length) { layer.removeLayers(hide); }
    if (show.length) { layer.addLayers(show); }
  }

  function showInvestments(c) {
    var R = c.rows, layer = c.layers.investments, added = false;
    c.circles.forEach(function (m, j) {
      var ok = R.iOk[j];
      if (ok === R.iShown[j]) { return; }
      if (ok) { layer.addLayer(m); added = true; } else { layer.removeLayer(m); }
      R.iShown[j] = ok;
    });
    /* largest first, small circles on top, as drawn */
    if (added && c.map.hasLayer(layer)) {
      c.circles.forEach(function (m, j) { if (R.iShown[j]) { m.bringToFront(); } });
    }
    if (c.layers.flows) { G.layers.showFlows(c); }
  }

  function fill(c) {
    var m = c.metric, V = c.d.choices;
    V.codes.forEach(function (code, i) {
      var poly = c.cityByCode[code], k = classOf(m, c.vals[i]);
      if (poly) { poly.setStyle({ fillColor: k >= 0 ? m.colors[k] : c.S.zero }); }
    });
    c.labels.forEach(function (l) {
      var i = V.codes.indexOf(l.code);
      l.el.setAttribute("data-v", i >= 0 ? valueText(c, m, c.vals[i]) : "");
    });
    if (G.districts) { G.districts.fill(c); }
  }

  /* Redraw for the view (c.view): rows, fills, labels, legend, panel. */
  function apply(c) {
    compute(c);
    if (c.markers.length) { showPartners(c); }
    showInvestments(c);
    fill(c);
    var changed = legendUpdate(c);
    panelUpdate(c);
    /* a legend of another height re-arranges the controls (and places the labels) */
    if (changed && c.arrange) { c.arrange(); } else if (c.placeLabels) { c.placeLabels(); }
  }

  function setMetric(c, i) {
    c.view.m = i;
    c.metric = c.d.choices.list[i];
    apply(c);
  }

  /* ------------------------------------------------------------------ legend */

  function summaryLines(c) {
    var d = c.d, t = c.t, T = d.choices.time, s = c.sum, v = c.view, out = [];
    var colon = d.lang === "zh" ? "：" : ": ";
    var of = function (n, total) {
      return n === total ? thousands(total) :
        t.n_of.replace("{n}", thousands(n)).replace("{total}", thousands(total));
    };
    if (T) {
      out.push(v.mode === "cum" ? T.labels[0] + " – " + T.labels[v.t] : T.labels[v.t]);
    }
    if (d.partners.n) {
      out.push(t.partners + colon + (c.rows.p.length || !d.partners.n ?
        of(s.p, d.partners.n) : thousands(d.partners.n) + " (" + t.grid_unfiltered + ")"));
    }
    if (d.investments.n) {
      out.push(t.investments + colon + of(s.i, d.investments.n) +
        (s.i ? " · " + money(s.cny, d.lang, true) : ""));
    }
    if (s.undated) { out.push(t.undated.replace("{n}", thousands(s.undated))); }
    return out;
  }

  /* The summary and the fill section of the legend (called by g60map-controls.js). */
  function legend(c, body) {
    var t = c.t, V = c.d.choices, ui = c.ui;
    ui.summary = el("div", "g60m-summary", null, body);
    var head = el("div", "g60m-legend-h g60m-metric", null, body);
    if (V.list.length > 1) {
      var label = el("label", null, t.legend_metric, head), sel = el("select", null, null, label);
      V.list.forEach(function (m, i) { el("option", null, m.label, sel).value = String(i); });
      sel.addEventListener("change", function () { setMetric(c, Number(sel.value)); });
      ui.metric = sel;
    } else {
      head.textContent = t.legend_metric + (c.d.lang === "zh" ? "：" : ": ") + V.list[0].label;
    }
    ui.classes = el("div", null, null, body);
    /* the scheme and k, re-classed in the page (g60map-classes.js), under the classes so
       that a short legend shows the classes first */
    K.controls(c, body, function () { ui.shown = null; apply(c); });
    legendUpdate(c);
    /* over a basemap the fill lightens as the map zooms in: so do the swatches */
    if (c.d.tiles) { c.map.on("zoomend", function () { legendUpdate(c); }); }
  }

  /* Returns whether anything changed (nothing does when the map is first drawn). */
  function legendUpdate(c) {
    var ui = c.ui, m = c.metric, S = c.S, row = G.controls.legendRow;
    var text = summaryLines(c).join(" · ");
    /* the swatches: the class colours at the fill's opacity over white, as on the map */
    var a = G.layers.memberFill(c), fillOf = function (color) {
      return G.layers.overWhite(color, a);
    };
    /* the "none" row only when a city has no class (no row a real class needs) */
    var none = !!m.none && (c.vals || []).some(function (v) { return classOf(m, v) < 0; });
    if (!ui.classes || (ui.summary.textContent === text && ui.shown === m && ui.alpha === a &&
        ui.none === none)) {
      return false;
    }
    ui.none = none;
    ui.summary.textContent = text;
    ui.summary.title = c.t.summary;
    ui.shown = m;
    ui.alpha = a;
    if (ui.metric) { ui.metric.value = String(c.view.m); }
    ui.classes.textContent = "";
    if (none) {
      row(ui.classes, "fill", { background: fillOf(S.zero), borderColor: S.member },
        c.t.legend_none);
    }
    m.labels.forEach(function (label, i) {
      row(ui.classes, "fill", { background: fillOf(m.colors[i]), borderColor: S.member }, label);
    });
    return true;
  }

  /* ------------------------------------------------------------------ the panel */

  /* The filters with more than one value: [key, title, [label]]. */
  function facets(c) {
    var V = c.d.choices, t = c.t, out = [], R = c.rows, seen = {};
    if (V.kinds.length > 1) { out.push(["kind", t.facet_kind, V.kinds]); }
    if (V.provs.length > 1) { out.push(["prov", t.province, V.provs]); }
    [R.p, R.i].forEach(function (a) {
      for (var j = 3; j < a.length; j += 4) { seen[a[j]] = true; }
    });
    if (seen[0] && seen[1]) { out.push(["out", t.facet_out, [t.in_corridor, t.outside]]); }
    return out;
  }

  function timeRow(c, body) {
    var T = c.d.choices.time, t = c.t, ui = c.ui, L = c.L;
    var row = el("div", "g60m-time", null, body);
    var play = el("button", "g60m-play", null, row);
    play.type = "button";
    var range = el("input", null, null, row);
    range.type = "range"; range.min = "0"; range.max = String(T.labels.length - 1);
    range.step = "1";
    range.setAttribute("aria-label", t.time);
    var out = el("output", "g60m-period", null, row);
    var mode = el("select", "g60m-mode", null, body);
    mode.setAttribute("aria-label", t.time);
    [["cum", t.time_cum], ["per", t.time_per]].forEach(function (o) {
      el("option", null, o[1], mode).value = o[0];
    });
    range.addEventListener("input", function () {
      stop(c);
      c.view.t = Number(range.value);
      apply(c);
    });
    mode.addEventListener("change", function () { c.view.mode = mode.value; apply(c); });
    L.DomEvent.on(play, "click", function () { if (c.timer) { stop(c); } else { playFrom(c); } });
    ui.range = range; ui.period = out; ui.mode = mode; ui.play = play;
  }

  function facetBox(c, body, f) {
    var box = el("fieldset", "g60m-facet", null, body), off = c.view.off[f[0]];
    el("legend", null, f[1], box);
    c.ui.checks[f[0]] = f[2].map(function (label, i) {
      var lab = el("label", null, null, box), box_ = el("input", null, null, lab);
      box_.type = "checkbox";
      el("span", null, label, lab);
      box_.addEventListener("change", function () {
        if (box_.checked) { delete off[i]; } else { off[i] = true; }
        apply(c);
      });
      return box_;
    });
  }

  /* Time and filters, at the bottom left, when there is a time span or a filter with two
     values; it opens and folds with its button (g60map-layout.js folds it when there is
     no room, until the reader chooses). */
  function addPanel(c) {
    var L = c.L, t = c.t, V = c.d.choices, list = facets(c);
    if (!V.time && !list.length) { return; }
    var panel = { chosen: false };
    var Panel = L.Control.extend({
      onAdd: function () {
        var b = el("div", "g60m-views"), head = el("div", "g60m-views-head", null, b);
        el("span", null, t.views, head);
        var btn = el("button", "g60m-views-toggle", null, head);
        btn.type = "button";
        var body = el("div", "g60m-views-body", null, b);
        if (V.time) { timeRow(c, body); }
        list.forEach(function (f) { facetBox(c, body, f); });
        panel.el = b; panel.head = head; panel.body = body;
        panel.show = function (on) {
          body.hidden = !on;
          btn.textContent = on ? "\u2212" : "+";
          btn.title = on ? t.hide_views : t.show_views;
          btn.setAttribute("aria-label", btn.title);
          btn.setAttribute("aria-expanded", on ? "true" : "false");
        };
        panel.show(true);
        L.DomEvent.on(btn, "click", function () {
          panel.chosen = true;
          panel.show(body.hidden);
          if (c.arrange) { c.arrange(); }
        });
        L.DomEvent.disableClickPropagation(b);
        L.DomEvent.disableScrollPropagation(b);
        return b;
      }
    });
    new Panel({ position: "bottomleft" }).addTo(c.map);
    c.panel = panel;
    panelUpdate(c);
  }

  function panelUpdate(c) {
    var ui = c.ui, v = c.view, T = c.d.choices.time;
    if (ui.range) {
      ui.range.value = String(v.t);
      ui.period.textContent = T.labels[v.t];
      ui.mode.value = v.mode;
      ui.play.className = "g60m-play" + (c.timer ? " g60m-playing" : "");
      ui.play.title = c.timer ? c.t.pause : c.t.play;
      ui.play.setAttribute("aria-label", ui.play.title);
    }
    Object.keys(ui.checks).forEach(function (key) {
      ui.checks[key].forEach(function (box, i) { box.checked = !v.off[key][i]; });
    });
  }

  /* Play: from the first period (or where the slider is, unless at the end) to the last. */
  function playFrom(c) {
    var last = c.d.choices.time.labels.length - 1;
    if (c.view.t >= last) { c.view.t = 0; }
    c.timer = root.setInterval(function () {
      if (c.view.t >= last) { stop(c); return; }
      c.view.t += 1;
      if (c.view.t >= last) { stop(c); }
      apply(c);
    }, STEP_MS);
    apply(c);
  }

  function stop(c) {
    if (!c.timer) { return; }
    root.clearInterval(c.timer);
    c.timer = null;
    panelUpdate(c);
  }

  /* ------------------------------------------------------------------ the URL hash */

  /* The hash holds each map's view under its element id: <id>.z, .y, .x (zoom, centre),
     .m (metric key), .t (period label), .mode, .kind, .prov, .out (indexes left out,
     joined by "."), .hide (the keys of the layers switched off, joined by "."; a link
     without it shows every layer), .show (layers off on opening, the districts, that are
     on), .from (the index of the flow origin shown alone, as in the payload's origins;
     a link without it shows the flows of every origin). Other entries of the hash are
     kept. */
  function key(c) { return c.box.id || "g60map"; }

  function params() {
    try {
      return new URLSearchParams(String(root.location.hash || "").replace(/^#/, ""));
    } catch (e) {
      return new URLSearchParams("");
    }
  }

  function number(s) {
    return s !== null && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  }

  /* The view in the hash, if it has this map's: metric, time, filters now, the centre by
     restore(); returns whether it had (a hash without them, an anchor, changes nothing). */
  function read(c) {
    var q = params(), k = key(c) + ".", v = c.view, V = c.d.choices, T = V.time, s, ours = false;
    q.forEach(function (value, name) { if (name.indexOf(k) === 0) { ours = true; } });
    if (!ours) { return false; }
    s = q.get(k + "m");
    V.list.forEach(function (m, i) { if (m.key === s) { v.m = i; } });
    s = q.get(k + "t");
    if (T && s !== null && T.labels.indexOf(s) >= 0) { v.t = T.labels.indexOf(s); }
    s = q.get(k + "mode");
    if (s === "cum" || s === "per") { v.mode = s; }
    ["kind", "prov", "out"].forEach(function (f) {
      v.off[f] = {};
      (q.get(k + f) || "").split(".").forEach(function (x) {
        if (/^\d{1,6}$/.test(x)) { v.off[f][Number(x)] = true; }
      });
    });
    readClasses(c, q.get(k + "s"), number(q.get(k + "k")));
    v.hide = {};
    v.show = {};
    ["hide", "show"].forEach(function (w) {
      (q.get(k + w) || "").split(".").forEach(function (x) {
        if (c.layers[x] && Object.prototype.hasOwnProperty.call(c.layers, x)) { v[w][x] = true; }
      });
    });
    readFrom(c, number(q.get(k + "from")));
    var z = number(q.get(k + "z")), y = number(q.get(k + "y")), x = number(q.get(k + "x"));
    c.hashView = isFinite(z) && isFinite(y) && isFinite(x) && Math.abs(y) <= 90 &&
      Math.abs(x) <= 360 ? { z: z, ll: [y, x] } : null;
    c.metric = V.list[v.m];
    return true;
  }

  /* .from: the flow origin shown alone (-1, all, when the index is no origin's); the
     "Flows from" select of the legend follows. */
  function readFrom(c, n) {
    var O = (c.d.flows && c.d.flows.origins) || [];
    c.flowFrom = n >= 0 && n < O.length && n % 1 === 0 ? n : -1;
    if (c.ui.from) { c.ui.from.value = String(c.flowFrom); }
  }

  /* .s, .k: the scheme and number of classes chosen in the legend (g60map-classes.js). */
  function readClasses(c, s, n) {
    var V = c.d.choices, ui = c.ui;
    if (!V.ramps || (s === null && !isFinite(n))) { return; }
    var scheme = K.schemes.indexOf(s) >= 0 ? s : V.scheme;
    var k = n >= 2 && n <= 9 && n % 1 === 0 ? n : V.k;
    if (scheme === V.scheme && k === V.k) { return; }
    K.reclass(c, scheme, k);
    if (ui.scheme) { ui.scheme.value = scheme; ui.k.value = String(k); }
    ui.shown = null;
  }

  /* The hash of the page with this map's view (the other entries kept). */
  function state(c) {
    var q = params(), k = key(c) + ".", v = c.view, T = c.d.choices.time, map = c.map;
    var at = map.getCenter(), keep = [];
    q.forEach(function (value, name) {
      if (name.indexOf(k) !== 0) { keep.push([name, value]); }
    });
    var out = new URLSearchParams("");
    keep.forEach(function (e) { out.append(e[0], e[1]); });
    out.set(k + "z", String(Math.round(map.getZoom() * 100) / 100));
    out.set(k + "y", at.lat.toFixed(5));
    out.set(k + "x", at.lng.toFixed(5));
    out.set(k + "m", c.metric.key);
    if (T) { out.set(k + "t", T.labels[v.t]); out.set(k + "mode", v.mode); }
    var V = c.d.choices;
    if (V.built && (V.scheme !== V.built[0] || V.k !== V.built[1])) {
      out.set(k + "s", V.scheme);
      out.set(k + "k", String(V.k));
    }
    ["kind", "prov", "out"].forEach(function (f) {
      var off = Object.keys(v.off[f]).sort(function (a, b) { return a - b; });
      if (off.length) { out.set(k + f, off.join(".")); }
    });
    if (c.flowFrom >= 0) { out.set(k + "from", String(c.flowFrom)); }
    var hide = [], show = [];
    (c.overlays || []).forEach(function (e) {
      var on = map.hasLayer(c.layers[e[0]]);
      if (on === !!OFF[e[0]]) { (on ? show : hide).push(e[0]); }
    });
    if (hide.length) { out.set(k + "hide", hide.join(".")); }
    if (show.length) { out.set(k + "show", show.join(".")); }
    return "#" + out.toString();
  }

  function restore(c) {
    if (c.hashView) {
      c.map.setView(c.hashView.ll, c.hashView.z, { animate: false });
    }
  }

  /* Layers off when the map opens (a link names them in .show when they are on). */
  var OFF = { districts: true };

  /* Whether the view has the layer of this key switched off. */
  function hidden(c, name) {
    return OFF[name] ? !(c.view.show && c.view.show[name]) : !!c.view.hide[name];
  }

  /* The layers on the map as the view says (a hash changed on an open page). */
  function showLayers(c) {
    (c.overlays || []).forEach(function (e) {
      var layer = c.layers[e[0]], on = !hidden(c, e[0]);
      if (on !== c.map.hasLayer(layer)) {
        if (on) { c.map.addLayer(layer); } else { c.map.removeLayer(layer); }
      }
    });
  }

  /* ------------------------------------------------------------------ entry points */

  /* Before the controls: the rows' attributes and the view from the URL. */
  function setup(c) {
    var d = c.d, V = d.choices, n = V.time ? V.time.labels.length : 0;
    c.view = { m: V.metric, t: Math.max(n - 1, 0), mode: "cum",
      off: { kind: {}, prov: {}, out: {} }, hide: {} };
    c.metric = V.list[V.metric];
    c.rows = { p: d.partners.attr ? G.decode(d.partners.attr) : [],
      i: G.decode(d.investments.attr || ""), pShown: [], iShown: [] };
    c.rows.iShown = c.circles.map(function () { return true; });
    c.flows.forEach(function (f) { f.shown = true; });
    c.ui = { checks: {} };
    read(c);
    compute(c);
    root.addEventListener("hashchange", function () {
      if (!read(c)) { return; }
      stop(c);
      showLayers(c);
      apply(c);
      restore(c);
    });
  }

  function cityValue(c, code) {
    var i = c.d.choices.codes.indexOf(code);
    if (!c.vals || i < 0) { return null; }
    return [c.metric.label + " (" + c.t.value_in_view + ")", valueText(c, c.metric, c.vals[i])];
  }

  G.views = { start: setup, apply: apply, legend: legend, addPanel: addPanel,
    restore: restore, state: state, cityValue: cityValue, classOf: classOf, money: money,
    valueText: valueText, hidden: hidden };
})(window);
