/* g60map: the classes of the member cities' fill and the way amounts are written, in the
 * page: the twins of g60map/corridor/classify.py (natural breaks, quantiles, 1-2-5 steps,
 * the breaks rounded to nice numbers) and of format_money() and class_labels() in
 * g60map/render/text.py, step for step, so the page and Python give the same breaks and
 * the same words (tests/data/class_vectors.json checks both). The legend's scheme and k
 * selects re-class every metric here. Text only through textContent. MIT licence.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.classes) { return; }
  var el = G._.el, thousands = G._.thousands;

  /* ------------------------------------------------------------------ numbers */

  /* From this size on, n significant digits times a power of ten (text.py's POWER_FROM). */
  var POWER_FROM = 1e15, SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  function power(v, n) {
    var parts = v.toExponential(n - 1).split("e"), exp = String(Number(parts[1]));
    return String(Number(parts[0])) + "×10" + exp.replace(/-/, "⁻").replace(/[0-9]/g,
      function (d) { return SUPERSCRIPT.charAt(Number(d)); });
  }

  /* _sig(): n significant digits as Python's "{:.ng}"; where that would take an exponent,
     the whole number with thousands separators. */
  function sig(v, n) {
    if (Math.abs(v) >= POWER_FROM) { return power(v, n); }
    var s = Number(v.toPrecision(n));
    if (Math.abs(s) >= Math.pow(10, n) || (s !== 0 && Math.abs(s) < 1e-4)) {
      return thousands(Math.round(v));
    }
    return String(s);
  }

  /* _grouped(): a whole number of four digits or more gets its thousands separators. */
  function grouped(text) {
    return /^-?\d{4,}$/.test(text) ? thousands(Number(text)) : text;
  }

  /* _amount(): 15bn, 800M (en); 150亿, 2,000万 (zh). */
  function amount(v, lang) {
    var a = Math.abs(v);
    if (lang === "zh") {
      if (a >= 1e8) { return grouped(sig(v / 1e8, 4)) + "亿"; }
      if (a >= 1e4) { return grouped(sig(v / 1e4, 4)) + "万"; }
      return grouped(sig(v, 6));
    }
    if (a >= 1e9) { return sig(v / 1e9, 3) + "bn"; }
    if (a >= 1e6) { return sig(v / 1e6, 3) + "M"; }
    return thousands(Math.round(v));
  }

  /* format_money(value, lang, currency): currency "CNY" or null (the number only). */
  function money(v, lang, currency) {
    if (!isFinite(v)) { return ""; }
    if (lang === "zh") { return amount(v, lang) + (currency ? "元" : ""); }
    return (currency ? "CNY " : "") + amount(v, lang);
  }

  /* format_money_range(lo, hi, lang): CNY 1M–20M, 100万–2,000万元; lo null: ≤ hi. */
  function moneyRange(lo, hi, lang) {
    if (lo === null) { return "≤ " + money(hi, lang, "CNY"); }
    var a = amount(lo, lang), b = amount(hi, lang);
    return lang === "zh" ? a + "–" + b + "元" : "CNY " + a + "–" + b;
  }

  /* class_labels(): the legend label of each class. */
  function labels(bins, low, integral, isMoney, nice, lang) {
    function fmt(v) {
      return integral && Math.abs(v) < POWER_FROM ? thousands(Math.trunc(v)) : sig(v, 3);
    }
    function span(lo, hi) {
      if (isMoney) { return moneyRange(lo, hi, lang); }
      return lo === null ? "≤ " + fmt(hi) : fmt(lo) + "–" + fmt(hi);
    }
    var whole = integral && !isMoney && bins.every(function (b) { return b % 1 === 0; });
    return bins.map(function (b, i) {
      if (whole) {
        var lo = i === 0 ? (nice ? 1 : Math.trunc(low)) : Math.trunc(bins[i - 1]) + 1;
        return lo >= b ? fmt(lo) : fmt(lo) + "–" + fmt(b);
      }
      if (i === 0) { return span(nice || !isFinite(low) || low >= b ? null : low, b); }
      return span(bins[i - 1], b);
    });
  }

  /* ------------------------------------------------------------------ classes */

  function pow10(e) { return Number("1e" + e); }
  function atPower(m, e) { return e >= 0 ? m * pow10(e) : m / pow10(-e); }
  function ceilAt(v, e) {
    return e >= 0 ? Math.ceil(v / pow10(e)) * pow10(e) : Math.ceil(v * pow10(-e)) / pow10(-e);
  }
  function decade(a) {
    var e = Math.floor(Math.log10(a));
    if (atPower(1, e) > a) { e -= 1; } else if (atPower(1, e + 1) <= a) { e += 1; }
    return e;
  }

  function finiteSorted(values) {
    return values.filter(function (v) { return isFinite(v); })
      .sort(function (a, b) { return a - b; });
  }

  function unique(sorted) {
    return sorted.filter(function (v, i) { return i === 0 || v !== sorted[i - 1]; });
  }

  /* _power_of_two_scale(): beyond 2**500, a power of two that brings the values below. */
  function twoScale(x) {
    var top = 0;
    x.forEach(function (v) { top = Math.max(top, Math.abs(v)); });
    if (!(top > 0) || !isFinite(top)) { return 1; }
    var e = Math.floor(Math.log2(top)) + 1;
    if (Math.pow(2, e - 1) > top) { e -= 1; } else if (Math.pow(2, e) <= top) { e += 1; }
    return e > 500 ? Math.pow(2, 500 - e) : 1;
  }

  /* nice_series(): 1, 2, 5, 10, ... up to the first value >= upto. */
  function niceSeries(upto) {
    var start = upto > 0 ? atPower(1, Math.floor(Math.log10(upto))) : 1;
    start = Math.min(start, 1);
    var out = [start];
    while (out[out.length - 1] < upto) {
      var e = out.length, step = [1, 2, 5][e % 3] * start * pow10(Math.floor(e / 3));
      out.push(isFinite(step) ? step : upto);
    }
    return out;
  }

  function niceBreaks(values, k) {
    var v = values.filter(function (x) { return isFinite(x) && x > 0; });
    if (!v.length) { return []; }
    var series = niceSeries(Math.max.apply(null, v)), top = series.length - 1;
    var strides = [1, 2], s, picks = [], i;
    for (s = 3; s < 3 * top + 4; s += 3) { strides.push(s); }
    for (i = 0; i < strides.length; i++) {
      if (Math.floor(top / strides[i]) + 1 <= k) { s = strides[i]; break; }
    }
    for (i = top; i >= 0; i -= s) { picks.unshift(i); }
    var low = Math.min.apply(null, v);
    while (picks.length > 1 && series[picks[1]] < low) { picks.shift(); }
    return picks.map(function (j) { return series[j]; });
  }

  /* quantiles(): numpy's percentile (linear), ties snapped, as mapclassify.Quantiles. */
  function quantiles(values, k) {
    var v = finiteSorted(values);
    if (!v.length) { return []; }
    var scale = twoScale(v), n = v.length, w = 100 / k, q = [], i;
    v = v.map(function (x) { return x * scale; });
    for (i = 0; i < k; i++) {
      var p = Math.min(w + i * w, 100) / 100, vi = (n - 1) * p, lo = Math.floor(vi);
      var a, b, t = vi - lo;
      if (vi >= n - 1) { a = b = v[n - 1]; } else { a = v[lo]; b = v[lo + 1]; }
      var d = b - a;
      q.push(t >= 0.5 ? b - d * (1 - t) : a + d * t);
    }
    var data = unique(v), top = 0;
    data.forEach(function (x) { top = Math.max(top, Math.abs(x)); });
    var tol = 64 * Math.pow(2, -52) * Math.max(top, 1);
    q = q.map(function (x) {
      var j = 0;
      while (j < data.length && data[j] < x) { j++; }
      var near = data[Math.min(j, data.length - 1)], below = data[Math.max(j - 1, 0)];
      if (Math.abs(x - near) <= tol) { return near; }
      return Math.abs(x - below) <= tol ? below : x;
    });
    return unique(q.sort(function (a, b) { return a - b; }))
      .map(function (x) { return x / scale; });
  }

  /* fisher_jenks(): the optimal partition by dynamic programming, operation for operation
     as classify.py (the same sums in the same order give the same breaks). */
  function fisherJenks(values, k) {
    var x = finiteSorted(values), distinct = unique(x);
    if (distinct.length <= k) { return distinct; }
    var n = x.length, scale = twoScale(x);
    var xs = x.map(function (v) { return v * scale; });
    function ssdAll(j) {  /* ssd(i, j) for every i < j */
      var c1 = new Array(j), c2 = new Array(j), s1 = 0, s2 = 0, out = new Array(j);
      for (var t = j - 1; t >= 0; t--) {
        var d = xs[t] - xs[j - 1];
        s1 += d; s2 += d * d; c1[t] = s1; c2[t] = s2;
      }
      for (t = 0; t < j; t++) { out[t] = c2[t] - c1[t] * c1[t] / (j - t); }
      return out;
    }
    var cost = [], back = [], c, j, i;
    for (c = 0; c <= k; c++) { cost.push(new Array(n + 1).fill(Infinity)); back.push(new Array(n + 1).fill(0)); }
    var sums = [null];
    for (j = 1; j <= n; j++) { sums.push(ssdAll(j)); cost[1][j] = sums[j][0]; }
    for (c = 2; c <= k; c++) {
      for (j = c; j <= n; j++) {
        var best = Infinity, at = c - 1;
        for (i = c - 1; i < j; i++) {
          var total = cost[c - 1][i] + sums[j][i];
          if (total < best) { best = total; at = i; }
        }
        cost[c][j] = best; back[c][j] = at;
      }
    }
    var bounds = [];
    j = n;
    for (c = k; c >= 1; c--) { bounds.push(x[j - 1]); j = c > 1 ? back[c][j] : 0; }
    return bounds.sort(function (a, b) { return a - b; });
  }

  /* _nicest(): the 1-2-5 number, else the one of fewest digits, in [lo, hi); else lo. */
  function nicest(lo, hi) {
    var a = Math.abs(lo), exp, x, steps = [1, 2, 5, 10], s, dg;
    if (!(a >= 1e-6 && a < 1e15) || !(hi > lo)) { return lo; }
    exp = decade(a);
    for (s = 0; s < steps.length; s++) {
      x = atPower(steps[s], exp);
      if (x >= lo && lo >= 0) {
        if (x < hi) { return x; }
        break;
      }
    }
    for (dg = 1; dg < 16; dg++) {
      x = ceilAt(lo, exp - dg + 1);
      if (lo <= x && x < hi) { return x; }
    }
    return lo;
  }

  /* round_breaks(): each break to the nicest number that keeps every value in its class. */
  function roundBreaks(bins, values) {
    var v = finiteSorted(values), out = [];
    if (!v.length || !bins.length) { return bins.slice(); }
    bins.forEach(function (b, i) {
      var below = v.filter(function (x) { return x <= b; });
      var above = v.filter(function (x) { return x > b; });
      var upper = below.length ? below[below.length - 1] : b, x;
      if (i === bins.length - 1 || !above.length) {
        x = upper;
        if (Math.abs(upper) >= 1e-6 && Math.abs(upper) < 1e15) {
          x = ceilAt(upper, decade(Math.abs(upper)) - 1);
        }
        if (!(isFinite(x) && x >= upper)) { x = upper; }
      } else {
        x = nicest(upper, above[0]);
      }
      out.push(out.length ? Math.max(x, out[out.length - 1]) : x);
    });
    return out;
  }

  /* classify(): {bins, index} (index -1: no class). */
  function classify(values, scheme, k) {
    var bins = scheme === "nice" ? niceBreaks(values, k) : roundBreaks(
      scheme === "quantiles" ? quantiles(values, k) : fisherJenks(values, k), values);
    var edges = bins.length ? bins : [0];
    var index = values.map(function (v) {
      if (!isFinite(v) || (scheme === "nice" && !(v > 0))) { return -1; }
      var i = 0;
      while (i < edges.length && edges[i] < v) { i++; }
      return Math.min(i, Math.max(bins.length - 1, 0));
    });
    return { bins: bins, index: index };
  }

  /* ------------------------------------------------------------------ the legend */

  var SCHEMES = ["natural_breaks", "quantiles", "nice"];

  /* The districts' entry of metric m (g60map-districts.js), classed as the cities are:
     the same scheme and k over the districts' values (as districts.py classes them). */
  function reclassDistricts(c, m, scheme, k) {
    var D = c.d.districts, V = c.d.choices;
    if (!D) { return; }
    D.list.forEach(function (e) {
      if (e.key !== m.key) { return; }
      var low = Infinity;
      e.values.forEach(function (v) { if (isFinite(v)) { low = Math.min(low, v); } });
      var r = classify(e.values, scheme, k);
      e.bins = r.bins;
      e.cls = r.index;
      e.labels = labels(r.bins, isFinite(low) ? low : 0, !!m.int, !!m.money,
        scheme === "nice", c.d.lang);
      e.colors = (V.ramps[String(r.bins.length)] || []).slice();
    });
  }

  /* Re-class every metric of the map with scheme and k (the page's own, the same as
     classify.py's): bins, labels, colours from the payload's ramps. */
  function reclass(c, scheme, k) {
    var V = c.d.choices;
    if (!V.built) { V.built = [V.scheme, V.k]; }  /* the build's: links name other ones */
    V.list.forEach(function (m) {
      var low = Infinity;
      m.values.forEach(function (v) { if (isFinite(v)) { low = Math.min(low, v); } });
      var r = classify(m.values, scheme, k);
      m.bins = r.bins;
      m.cls = r.index;
      m.none = scheme === "nice" || low > 0 ? 1 : 0;  /* as views.py */
      m.labels = labels(r.bins, isFinite(low) ? low : 0, !!m.int, !!m.money,
        scheme === "nice", c.d.lang);
      m.colors = (V.ramps[String(r.bins.length)] || []).slice();
      reclassDistricts(c, m, scheme, k);
    });
    V.scheme = scheme;
    V.k = k;
  }

  /* The scheme and k selects under the metric (called by g60map-views.js's legend()). */
  function controls(c, body, changed) {
    var t = c.t, V = c.d.choices;
    if (!V.ramps) { return; }
    var row = el("div", "g60m-legend-h g60m-classes", null, body);
    var lab = el("label", null, t.legend_scheme + " ", row);
    var scheme = el("select", "g60m-scheme", null, lab);
    SCHEMES.forEach(function (s) { el("option", null, t["scheme_" + s], scheme).value = s; });
    scheme.value = V.scheme;
    var kSel = el("select", "g60m-k", null, row);
    kSel.setAttribute("aria-label", t.legend_k);
    kSel.title = t.legend_k;
    for (var k = 2; k <= 9; k++) { el("option", null, String(k), kSel).value = String(k); }
    kSel.value = String(V.k);
    function change() {
      reclass(c, scheme.value, Number(kSel.value));
      changed();
    }
    scheme.addEventListener("change", change);
    kSel.addEventListener("change", change);
    c.ui.scheme = scheme;
    c.ui.k = kSel;
  }

  G.classes = { classify: classify, quantiles: quantiles, fisherJenks: fisherJenks,
    niceBreaks: niceBreaks, roundBreaks: roundBreaks, labels: labels, money: money,
    moneyRange: moneyRange, sig: sig, reclass: reclass, controls: controls, schemes: SCHEMES,
    POWER_FROM: POWER_FROM };
})(window);
