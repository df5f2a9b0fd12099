/* g60map: saving the view of the corridor map. The PNG button draws what the map shows
 * into a canvas, offline: the map's own SVG and canvas layers, its markers and labels,
 * the title, legend, scale and attribution. Basemap tiles come from another server: they
 * are fetched again asking that server for permission (CORS) and drawn when it gives it;
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

  var CONTROLS = [".g60m-title", ".g60m-legend", ".leaflet-control-scale",
    ".leaflet-control-attribution"];

  /* The view as a PNG: a promise of {blob, width, height, tiles ("drawn" | "left out" |
     "none")}. */
  function png(c) {
    var W = c.box.clientWidth, H = c.box.clientHeight;
    var ratio = Math.min(Math.max(root.devicePixelRatio || 1, 1), 2);
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(W * ratio);
    canvas.height = Math.round(H * ratio);
    var ctx = canvas.getContext("2d"), o = c.box.getBoundingClientRect(), tiles;
    ctx.scale(ratio, ratio);
    ctx.fillStyle = c.d.tiles ? "#ffffff" : c.S.background;
    ctx.fillRect(0, 0, W, H);
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
      return new Promise(function (ok) {
        canvas.toBlob(function (blob) {
          ok({ blob: blob, width: canvas.width, height: canvas.height, tiles: tiles });
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
        var save = el("a", "g60m-png", "PNG", bar), share = el("a", "g60m-link", "URL", bar);
        [[save, t.save_png], [share, t.view_link]].forEach(function (e) {
          e[0].href = "#";
          e[0].title = e[1];
          e[0].setAttribute("role", "button");
          e[0].setAttribute("aria-label", e[1]);
        });
        L.DomEvent.on(save, "click", function (e) {
          L.DomEvent.preventDefault(e);
          save.classList.add("g60m-busy");
          png(c).then(function (res) {
            save.classList.remove("g60m-busy");
            download(res.blob);
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
