/* g60map: saving the view of the corridor map. The PNG button draws what the map shows
 * into a canvas, offline: the map's own SVG and canvas layers, its markers and labels,
 * the title, scale and attribution, and beside the map a column with the key: the whole
 * legend (open, however it is on screen), the period and the filters that leave anything
 * out, the district key when that layer is on; the 2x button draws it at twice the
 * resolution. Basemap tiles come from another server: they are fetched again asking that
 * server for permission (CORS) and drawn when it gives it;
 * otherwise they are left out and the image says so (a canvas with a foreign image in it
 * cannot be saved). The link button puts the view in the URL hash (g60map-views.js) and
 * copies the address. Same safety rule as the other files. MIT licence.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.exporter) { return; }
  var el = G._.el;

  /* Milliseconds a tile may take to come back before the tiles are left out. */
  var TILE_MS = 8000;
  /* Panes never drawn: the hover outline, tooltips and popups. */
  var SKIP_PANES = /leaflet-(g60mHover|tooltip|popup)-pane/;
  var FILE_NAME = "g60-corridor-map.png";

  /* ------------------------------------------------------------------ drawing */

  function box(o, e) {
    var r = e.getBoundingClientRect();
    return { x: r.left - o.left, y: r.top - o.top, w: r.width, h: r.height };
  }

  function visible(color) {
    return color && color !== "transparent" && !/rgba\([^)]*,\s*0\)$/.test(color);
  }

  function outline(ctx, b, radius) {
    ctx.beginPath();
    if (radius > 0 && ctx.roundRect) {
      ctx.roundRect(b.x, b.y, b.w, b.h, Math.min(radius, b.w / 2, b.h / 2));
    } else {
      ctx.rect(b.x, b.y, b.w, b.h);
    }
  }

  function font(s) {
    return [s.fontStyle, s.fontWeight, s.fontSize, s.fontFamily].join(" ");
  }

  /* One piece of text at its place on the page, with a white halo if it has a shadow. */
  function put(ctx, text, b, s) {
    var y = b.y + b.h / 2;
    if (s.textShadow && s.textShadow !== "none") {
      ctx.lineWidth = 3;
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#ffffff";
      ctx.strokeText(text, b.x, y);
    }
    ctx.fillText(text, b.x, y);
  }

  /* A text node: in one piece when it sits on one line, else word by word (CJK character
     by character), each where the page put it. */
  var PIECES = /[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+/g;

  function drawText(ctx, o, node) {
    var text = node.textContent, parent = node.parentElement;
    if (!text || !text.trim() || !parent) { return; }
    var s = root.getComputedStyle(parent), range = document.createRange();
    range.selectNodeContents(node);
    var rects = range.getClientRects();
    if (!rects.length) { return; }
    ctx.font = font(s);
    ctx.fillStyle = s.color;
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    if (rects.length === 1) {
      put(ctx, text, box(o, { getBoundingClientRect: function () { return rects[0]; } }), s);
      return;
    }
    var m;
    PIECES.lastIndex = 0;
    while ((m = PIECES.exec(text)) !== null) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      put(ctx, m[0], box(o, range), s);
    }
  }

  /* An element and what is inside it: background, border, text; form controls but a
     select (its chosen option) are left out. */
  function drawBox(ctx, o, e) {
    if (e.nodeType === 3) { drawText(ctx, o, e); return; }
    if (e.nodeType !== 1 || /^(BUTTON|INPUT|SCRIPT|STYLE|OPTION)$/.test(e.tagName)) { return; }
    var s = root.getComputedStyle(e);
    if (s.display === "none" || s.visibility === "hidden" || e.hidden) { return; }
    var b = box(o, e), radius = /%$/.test(s.borderTopLeftRadius) ?
      Math.min(b.w, b.h) * parseFloat(s.borderTopLeftRadius) / 100 :
      parseFloat(s.borderTopLeftRadius) || 0;
    ctx.save();
    ctx.globalAlpha *= parseFloat(s.opacity);
    if (visible(s.backgroundColor)) {
      ctx.fillStyle = s.backgroundColor;
      outline(ctx, b, radius);
      ctx.fill();
    }
    drawBorder(ctx, b, s, radius);
    if (e.tagName === "SELECT") {
      var option = e.options[e.selectedIndex];
      if (option) {
        ctx.font = font(s);
        ctx.fillStyle = s.color;
        ctx.textBaseline = "middle";
        ctx.fillText(option.text, b.x + (parseFloat(s.paddingLeft) || 0) + 2, b.y + b.h / 2);
      }
      ctx.restore();
      return;
    }
    if (s.overflowY !== "visible" || s.overflowX !== "visible") {
      outline(ctx, b, 0);
      ctx.clip();
    }
    for (var n = e.firstChild; n; n = n.nextSibling) { drawBox(ctx, o, n); }
    drawAfter(ctx, b, e);
    ctx.restore();
  }

  /* A city label's value: CSS puts its data-v after the name, at the label's right end. */
  function drawAfter(ctx, b, e) {
    var v = e.getAttribute("data-v");
    if (!v) { return; }
    var s = root.getComputedStyle(e, "::after"), own = root.getComputedStyle(e);
    ctx.font = font(s);
    ctx.fillStyle = s.color;
    ctx.textBaseline = "middle";
    var x = b.x + b.w - (parseFloat(own.paddingRight) || 0) - ctx.measureText(v).width;
    put(ctx, v, { x: x, y: b.y, w: 0, h: b.h }, own);
  }

  function drawBorder(ctx, b, s, radius) {
    var x2 = b.x + b.w, y2 = b.y + b.h;
    var sides = [["Top", b.x, b.y, x2, b.y], ["Bottom", b.x, y2, x2, y2],
      ["Left", b.x, b.y, b.x, y2], ["Right", x2, b.y, x2, y2]];
    var w = sides.map(function (d) { return parseFloat(s["border" + d[0] + "Width"]) || 0; });
    var uniform = w[0] > 0 && w.every(function (x) { return x === w[0]; }) &&
      s.borderTopStyle !== "none";
    if (uniform) {
      ctx.strokeStyle = s.borderTopColor;
      ctx.lineWidth = w[0];
      outline(ctx, { x: b.x + w[0] / 2, y: b.y + w[0] / 2, w: b.w - w[0], h: b.h - w[0] },
        Math.max(radius - w[0] / 2, 0));
      ctx.stroke();
      return;
    }
    sides.forEach(function (d, i) {
      var style = s["border" + d[0] + "Style"];
      if (!w[i] || style === "none") { return; }
      var inset = (i % 2 === 0 ? 1 : -1) * w[i] / 2, vertical = i >= 2;
      ctx.strokeStyle = s["border" + d[0] + "Color"];
      ctx.lineWidth = w[i];
      ctx.setLineDash(style === "dashed" ? [3 * w[i], 2 * w[i]] : []);
      ctx.beginPath();
      ctx.moveTo(d[1] + (vertical ? inset : 0), d[2] + (vertical ? 0 : inset));
      ctx.lineTo(d[3] + (vertical ? inset : 0), d[4] + (vertical ? 0 : inset));
      ctx.stroke();
      ctx.setLineDash([]);
    });
  }

  function loadImage(src) {
    return new Promise(function (ok, fail) {
      var img = new Image();
      img.onload = function () { ok(img); };
      img.onerror = fail;
      img.src = src;
    });
  }

  /* An SVG layer as an image: Leaflet writes every style as an attribute of its paths. */
  function svgImage(svg) {
    var clone = svg.cloneNode(true);
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    clone.removeAttribute("style");  /* its position on the page, drawn here by drawImage */
    var xml = new XMLSerializer().serializeToString(clone);
    return loadImage("data:image/svg+xml;charset=utf-8," + encodeURIComponent(xml));
  }

  function zIndex(e, mapPane) {
    while (e && e.parentElement !== mapPane) { e = e.parentElement; }
    return e ? Number(root.getComputedStyle(e).zIndex) || 0 : 0;
  }

  /* The tiles, fetched again with CORS: "drawn", "left out" or "none". */
  function drawTiles(c, ctx, o) {
    var imgs = Array.prototype.filter.call(
      c.box.querySelectorAll(".leaflet-tile-pane img.leaflet-tile-loaded"),
      function (img) { var b = img.getBoundingClientRect(); return b.width && b.height; });
    if (!c.d.tiles || !imgs.length) { return Promise.resolve(c.d.tiles ? "left out" : "none"); }
    if (!root.fetch || !root.createImageBitmap) { return Promise.resolve("left out"); }
    var timeout = new Promise(function (ok, fail) { root.setTimeout(fail, TILE_MS); });
    var all = Promise.all(imgs.map(function (img) {
      return root.fetch(img.src, { mode: "cors", credentials: "omit" }).then(function (r) {
        if (!r.ok) { throw new Error("tile " + r.status); }
        return r.blob();
      }).then(function (blob) { return root.createImageBitmap(blob); });
    }));
    return Promise.race([all, timeout]).then(function (bitmaps) {
      bitmaps.forEach(function (bitmap, i) {
        var b = box(o, imgs[i]);
        ctx.drawImage(bitmap, b.x, b.y, b.w, b.h);
      });
      return "drawn";
    }, function () { return "left out"; });
  }

  /* SVG and canvas layers in the order of their panes; then markers and labels. */
  function drawLayers(c, ctx, o) {
    var mapPane = c.map.getPane("mapPane");
    var items = Array.prototype.filter.call(mapPane.querySelectorAll("svg, canvas"),
      function (e) {
        var pane = e.closest(".leaflet-pane");
        return !(pane && SKIP_PANES.test(pane.className)) && !e.closest(".leaflet-marker-icon");
      }).map(function (e, i) { return { e: e, z: zIndex(e, mapPane), i: i }; });
    items.sort(function (a, b) { return a.z - b.z || a.i - b.i; });
    return items.reduce(function (chain, item) {
      return chain.then(function () {
        var b = box(o, item.e);
        if (!b.w || !b.h) { return null; }
        if (item.e.tagName.toLowerCase() === "canvas") {
          ctx.drawImage(item.e, b.x, b.y, b.w, b.h);
          return null;
        }
        return svgImage(item.e).then(function (img) { ctx.drawImage(img, b.x, b.y, b.w, b.h); });
      });
    }, Promise.resolve()).then(function () {
      var marks = c.box.querySelectorAll(
        ".leaflet-marker-pane > *, .leaflet-g60mLabels-pane .g60m-label");
      Array.prototype.forEach.call(marks, function (e) {
        if (e.tagName === "IMG") {
          if (/^(data|blob):/.test(e.src) && e.complete) {
            var b = box(o, e);
            ctx.drawImage(e, b.x, b.y, b.w, b.h);
          }
          return;
        }
        drawBox(ctx, o, e);
      });
    });
  }

  var CONTROLS = [".g60m-title", ".leaflet-control-scale", ".leaflet-control-attribution"];

  /* ------------------------------------------------------------------ the key */

  /* Pixels around the key column's content; its least width; the height of its lines. */
  var KEY_PAD = 10, KEY_WIDTH = 200, KEY_LINE = 16, KEY_FONT = "12px sans-serif";

  /* fn(legend element) with the legend open and its body at its whole height, then the
     legend as it was (in one go: the page is not drawn in between). */
  function unfolded(c, fn) {
    var lg = c.legend, body = lg.body, shown = !body.hidden, max = body.style.maxHeight;
    lg.show(true);
    body.style.maxHeight = "none";
    try { return fn(lg.el); } finally {
      body.style.maxHeight = max;
      lg.show(shown);
    }
  }

  /* fn(the district key) with the key whole (shown, not scrolled), then the key as it
     was; null when the district layer is off (g60map-districts.js). */
  function wholeDistrictKey(c, fn) {
    var k = c.districtKey, e = k && k._map ? k.getContainer() : null;
    if (!e) { return null; }
    var hidden = e.hidden, max = e.style.maxHeight, scroll = e.style.overflowY;
    e.hidden = false;
    e.style.maxHeight = "none";
    e.style.overflowY = "visible";
    try { return fn(e); } finally {
      e.hidden = hidden;
      e.style.maxHeight = max;
      e.style.overflowY = scroll;
    }
  }

  /* The period and the filters of the view: for each filter of the panel that leaves
     values out, those values; the origin of the flows when one is chosen. */
  function viewLines(c) {
    var t = c.t, T = c.d.choices.time, v = c.view, out = [], off = [], zh = c.d.lang === "zh";
    var colon = zh ? "：" : ": ", comma = zh ? "，" : ", ";
    if (T && v) {
      out.push(t.time + colon + (v.mode === "cum" ? T.labels[0] + " – " + T.labels[v.t] +
        (zh ? "（" : " (") + t.time_cum + (zh ? "）" : ")") : T.labels[v.t]));
    }
    var facets = c.box.querySelectorAll(".g60m-facet");
    Array.prototype.forEach.call(facets, function (f) {
      var left = [];
      Array.prototype.forEach.call(f.querySelectorAll("label"), function (l) {
        var box_ = l.querySelector("input");
        if (box_ && !box_.checked) { left.push(l.textContent); }
      });
      if (left.length) {
        off.push(f.querySelector("legend").textContent + comma + t.png_left_out + colon +
          left.join(comma));
      }
    });
    var from = G.layers.flowOrigin(c);
    if (from) { off.push(t.flow_origin + colon + from); }
    if (!off.length && (T || facets.length)) { off.push(t.png_no_filter); }
    return out.concat(off);
  }

  /* Text in lines no wider than width (px): broken between words, and between CJK
     characters. */
  function wrap(ctx, text, width) {
    var parts = String(text).match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+/g) || [];
    var lines = [], line = "";
    parts.forEach(function (p) {
      if (line && ctx.measureText(line + p).width > width) {
        lines.push(line.trim());
        line = p.trim() ? p : "";
      } else {
        line += p;
      }
    });
    if (line.trim()) { lines.push(line.trim()); }
    return lines;
  }

  /* The key column's size and lines: {w, h, legend: {w, h}, lines}. */
  function measureKey(c) {
    var size = unfolded(c, function (e) {
      var r = e.getBoundingClientRect();
      return { w: Math.ceil(r.width), h: Math.ceil(r.height) };
    });
    size.pad = parseFloat(root.getComputedStyle(c.legend.el).paddingLeft) || 0;
    var dkey = wholeDistrictKey(c, function (e) {
      var r = e.getBoundingClientRect();
      return { w: Math.ceil(r.width), h: Math.ceil(r.height) };
    });
    var w = Math.max(size.w, dkey ? dkey.w : 0, KEY_WIDTH);
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = KEY_FONT;
    var lines = [];
    viewLines(c).forEach(function (text) {
      lines = lines.concat(wrap(ctx, text, w - 2 * size.pad));
    });
    var h = KEY_PAD + size.h + (lines.length ? 8 + lines.length * KEY_LINE : 0);
    /* the district key, when the layer is on, under the lines */
    if (dkey) { dkey.y = h + 8; h = dkey.y + dkey.h; }
    h += KEY_PAD;
    return { w: w + 2 * KEY_PAD, h: h, legend: size, lines: lines, dkey: dkey };
  }

  /* The key column at x0: white, a rule at its left edge, the legend, then the lines. */
  function drawKey(c, ctx, x0, key, height) {
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(x0, 0, key.w, height);
    ctx.fillStyle = "#cccccc";
    ctx.fillRect(x0, 0, 1, height);
    unfolded(c, function (e) {
      var r = e.getBoundingClientRect();
      drawBox(ctx, { left: r.left - x0 - KEY_PAD, top: r.top - KEY_PAD }, e);
    });
    ctx.font = KEY_FONT;
    ctx.fillStyle = "#333333";
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    key.lines.forEach(function (line, i) {
      ctx.fillText(line, x0 + KEY_PAD + key.legend.pad,
        KEY_PAD + key.legend.h + 8 + (i + 0.5) * KEY_LINE);
    });
    if (key.dkey) {
      wholeDistrictKey(c, function (e) {
        var r = e.getBoundingClientRect();
        drawBox(ctx, { left: r.left - x0 - KEY_PAD, top: r.top - key.dkey.y }, e);
      });
    }
  }

  /* The view as a PNG: a promise of {blob, width, height, scale, map, key, legend ([w, h]
     in CSS pixels; the legend's top left is KEY_PAD right of and below the key's), lines
     (of the period and filters, under the legend), tiles ("drawn" | "left out" | "none"),
     dkey ([w, h, top] of the district key under the lines, KEY_PAD from the column's left;
     null when the district layer is off)}. The map is at the left, as on
     screen but for the legend, which is in the key column at its right, open.
     opts.scale: pixels per CSS pixel (default: the screen's, 1 to 2); 2 for the 2x
     button. */
  function png(c, opts) {
    var W = c.box.clientWidth, H = c.box.clientHeight, scale = opts && Number(opts.scale);
    var ratio = scale > 0 && scale <= 4 ? scale :
      Math.min(Math.max(root.devicePixelRatio || 1, 1), 2);
    var key = measureKey(c), CW = W + key.w, CH = Math.max(H, key.h);
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(CW * ratio);
    canvas.height = Math.round(CH * ratio);
    var ctx = canvas.getContext("2d"), o = c.box.getBoundingClientRect(), tiles;
    ctx.scale(ratio, ratio);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, CW, CH);
    ctx.fillStyle = c.d.tiles ? "#ffffff" : c.S.background;
    ctx.fillRect(0, 0, W, H);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, W, H);
    ctx.clip();
    return drawTiles(c, ctx, o).then(function (state) {
      tiles = state;
      return drawLayers(c, ctx, o);
    }).then(function () {
      CONTROLS.forEach(function (sel) {
        var e = c.box.querySelector(sel);
        if (e && e.offsetWidth) { drawBox(ctx, o, e); }
      });
      if (tiles === "left out") {
        ctx.font = "12px sans-serif";
        ctx.fillStyle = "#333333";
        ctx.textBaseline = "middle";
        put(ctx, c.t.tiles_left_out, { x: 10, y: H - 20, w: 0, h: 0 }, { textShadow: "w" });
      }
      ctx.restore();
      drawKey(c, ctx, W, key, CH);
      return new Promise(function (ok) {
        canvas.toBlob(function (blob) {
          ok({ blob: blob, width: canvas.width, height: canvas.height, scale: ratio,
            map: [W, H], key: [key.w, key.h], legend: [key.legend.w, key.legend.h],
            lines: key.lines, tiles: tiles,
            dkey: key.dkey ? [key.dkey.w, key.dkey.h, key.dkey.y] : null });
        }, "image/png");
      });
    });
  }

  function download(blob) {
    var a = el("a", null, null, document.body), url = root.URL.createObjectURL(blob);
    a.href = url;
    a.download = FILE_NAME;
    a.click();
    root.setTimeout(function () {
      root.URL.revokeObjectURL(url);
      a.parentNode.removeChild(a);
    }, 1000);
  }

  /* ------------------------------------------------------------------ the link */

  /* Put the view in the page's URL and return that URL (copied when the page may). */
  function link(c) {
    var hash = G.views.state(c);
    try {
      root.history.replaceState(root.history.state, "", hash);
    } catch (e) { /* a page that may not change its URL (an iframe's srcdoc) */ }
    var url = String(root.location.href).split("#")[0] + hash;
    try {
      var clip = root.navigator.clipboard;
      if (clip) { clip.writeText(url).catch(function () {}); }
    } catch (e) { /* no clipboard: the address bar has it */ }
    return url;
  }

  function addButtons(c) {
    var L = c.L, t = c.t;
    var Tools = L.Control.extend({
      onAdd: function () {
        var bar = el("div", "g60m-tools leaflet-bar");
        var save = el("a", "g60m-png", "PNG", bar), save2 = el("a", "g60m-png2", "2\u00d7", bar);
        var share = el("a", "g60m-link", "URL", bar);
        [[save, t.save_png], [save2, t.save_png_2x], [share, t.view_link]].forEach(function (e) {
          e[0].href = "#";
          e[0].title = e[1];
          e[0].setAttribute("role", "button");
          e[0].setAttribute("aria-label", e[1]);
        });
        [[save, null], [save2, { scale: 2 }]].forEach(function (b) {
          L.DomEvent.on(b[0], "click", function (e) {
            L.DomEvent.preventDefault(e);
            b[0].classList.add("g60m-busy");
            png(c, b[1]).then(function (res) {
              b[0].classList.remove("g60m-busy");
              download(res.blob);
            });
          });
        });
        L.DomEvent.on(share, "click", function (e) {
          L.DomEvent.preventDefault(e);
          link(c);
          share.title = t.link_copied;
          share.classList.add("g60m-done");
          root.setTimeout(function () {
            share.title = t.view_link;
            share.classList.remove("g60m-done");
          }, 2500);
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Tools({ position: "topleft" }).addTo(c.map);
  }

  G.exporter = { addButtons: addButtons, png: png, link: link };
})(window);
