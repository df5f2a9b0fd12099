/* g60map: the layout of the corridor map, so that no control hides content: the phone
 * layout, the legend folded when there is no room for it, the opening view fitted clear of
 * the controls, popups panned clear of them, city labels placed clear of each other, of
 * the controls and of the map's edges. Called by G60Map.draw() in g60map.js. MIT licence.
 */
(function (root) {
  "use strict";
  var G = root.G60Map;
  if (!G || G.layout) { return; }
  var overlap = G._.overlap, still = G._.still;

  /* Pixels kept between content and a control or the map's edge. */
  var GAP = 8;
  /* Pixels kept between the opening view's bounds and a control or the map's edge. */
  var INSET = 30;
  /* Below these widths (px): the phone layout; the layer list starts folded. */
  var PHONE = 600, NARROW = 760;
  /* The least room (px) for the legend's body that opens it on its own: its summary, the
     metric and the first classes. On a narrow map (a phone, a notebook's frame) the body
     takes at most NARROW_KEY of the map's height (it scrolls), so the map keeps the rest,
     or KEY_ROWS when that costs the opening view more than KEY_ZOOM_COST zoom levels; it
     starts folded when even that does. */
  var KEY_ROWS = 90, NARROW_KEY = 0.3, KEY_ZOOM_COST = 0.25;

  function rect(c, e) {
    var o = c.box.getBoundingClientRect(), r = e.getBoundingClientRect();
    return { x1: r.left - o.left, y1: r.top - o.top, x2: r.right - o.left, y2: r.bottom - o.top };
  }

  function union(a, b) {
    if (!a) { return b; }
    return { x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2),
      y2: Math.max(a.y2, b.y2) };
  }

  /* Boxes of the map's visible controls, in pixels from the map's top left corner. */
  function controlBoxes(c) {
    var out = [], items = c.box.querySelectorAll(".leaflet-control-container .leaflet-control");
    for (var i = 0; i < items.length; i++) {
      var e = items[i];
      if (!e.offsetWidth || !e.offsetHeight) { continue; }
      var r = rect(c, e);
      r.el = e;
      out.push(r);
    }
    return out;
  }

  /* ------------------------------------------------------------------ controls */

  function height(c, e) { var r = rect(c, e); return r.y2 - r.y1; }

  /* The heights of the layer list, open and folded (measured once: its rows do not
     depend on the map's size). */
  function measureLayerList(c) {
    G.controls.addLayerList(c, c.overlays, false);
    c.listOpen = height(c, c.layerList.getContainer());
    G.controls.addLayerList(c, c.overlays, true);
    c.listFolded = height(c, c.layerList.getContainer());
  }

  /* The right column, from the top: the layer list, then, above the scale, the legend.
     The key comes first: the legend opens (unless the reader folded it) when the room
     under the folded list holds its head and KEY_ROWS pixels of its body, on a narrow map
     too (there no taller than NARROW_KEY of the map's height, its body scrolling; see
     start() for its cost to the opening view); the list
     stays open only when it fits above the legend as that leaves it. The same rule in
     every language: it reads the measured sizes, not the words. Then the title, between
     the top left and top right controls. */
  function arrange(c) {
    var box = c.box, W = box.clientWidth, H = box.clientHeight;
    box.classList.toggle("g60m-phone", W < PHONE);
    box.classList.toggle("g60m-narrow", W < NARROW);
    box.classList.toggle("g60m-compact", W < 1100 || H < 520);

    var lg = c.legend, shown = !lg.body.hidden, list = c.layerList.getContainer();
    var panel = c.panel ? c.panel.el : null;
    lg.show(false);
    var folded = height(c, lg.el);
    lg.body.style.maxHeight = "";
    lg.show(true);
    var r = rect(c, lg.el), whole = r.y2 - r.y1, top = rect(c, list).y1, others = GAP;
    controlBoxes(c).forEach(function (b) {
      if (b.el !== lg.el && b.el !== list && b.el !== panel && b.y2 < r.y2 &&
          b.x2 > r.x1 - GAP && b.x1 < r.x2 + GAP) {
        others = Math.max(others, b.y2 + GAP);
      }
    });
    var room = function (listOpen) {
      return r.y2 - Math.max(others, top + (listOpen ? c.listOpen : c.listFolded) + GAP);
    };
    var head = whole - lg.body.offsetHeight;
    var cap = W < NARROW ? c.keyCap || NARROW_KEY * H : Infinity;
    var on = lg.chosen ? shown : !(c.keyFolded && W < NARROW) && room(false) - head >= KEY_ROWS;
    var open = W >= NARROW && (on ? Math.min(whole, head + cap) : folded) <= room(true);
    if (open === c.layerList.g60collapsed) { G.controls.addLayerList(c, c.overlays, !open); }
    lg.body.style.maxHeight = Math.max(60, Math.min(room(open) - head, cap)) + "px";
    lg.show(on);

    var title = c.title.getContainer(), side = 0;
    controlBoxes(c).forEach(function (b) {
      if (b.el === title || b.y1 > 60) { return; }
      side = Math.max(side, b.x2 < W / 2 ? b.x2 : W - b.x1);
    });
    title.style.maxWidth = Math.max(120, W - 2 * (side + GAP)) + "px";
    if (c.panel) { placePanel(c, W, H); }
    if (c.districtKey && c.districtKey.getContainer() && c.districtKey._map) {
      placeDistrictKey(c, W);
    }
  }

  /* The district key (g60map-districts.js), at the bottom left over the panel: raised
     above any control it would cover (on a phone, the legend of the bottom right), its
     rows scrolling when that leaves it less room than it needs. */
  function placeDistrictKey(c, W) {
    var e = c.districtKey.getContainer(), lift = 0, r;
    e.style.marginBottom = "";
    e.style.maxHeight = "";
    e.style.overflowY = "";
    e.style.maxWidth = Math.max(140, Math.min(220, W - 2 * 10)) + "px";
    var others = controlBoxes(c).filter(function (b) { return b.el !== e; });
    for (var pass = 0; pass < 4; pass++) {
      r = rect(c, e);
      var hit = 0;
      others.forEach(function (b) {
        if (b.y1 > r.y1 - GAP && overlap({ x1: r.x1 - GAP, y1: r.y1 - GAP, x2: r.x2 + GAP,
          y2: r.y2 + GAP }, b) > 0) {
          hit = Math.max(hit, r.y2 - b.y1 + GAP);
        }
      });
      if (!hit) { break; }
      lift += hit;
      e.style.marginBottom = (10 + lift) + "px";
    }
    r = rect(c, e);
    var top = GAP;
    others.forEach(function (b) {
      if (b.y1 < r.y1 && b.x1 < r.x2 + GAP && b.x2 > r.x1 - GAP) {
        top = Math.max(top, b.y2 + GAP);
      }
    });
    /* no room above the open time and filters panel (a laptop's top left holds the tools
       and search): the panel folds while the key is shown, unless the reader opened it */
    var p = c.panel;
    if (r.y2 - top < 90 && p && !p.body.hidden && !p.chosen) {
      p.show(false);
      placeDistrictKey(c, W);
      return;
    }
    if (r.y1 < top) {
      e.style.maxHeight = Math.max(60, r.y2 - top) + "px";
      e.style.overflowY = "auto";
    }
  }

  /* The time and filters panel, at the bottom left: open when the map is wide enough (or
     as the reader chose), raised above any control of the bottom right it would cover,
     as wide as the map allows, its body no taller than the room under the top left
     controls (folded when that room is too small). */
  function placePanel(c, W, H) {
    var p = c.panel, e = p.el, shown = !p.body.hidden;
    e.style.marginBottom = "";
    e.style.maxWidth = Math.max(140, W - 2 * 10) + "px";
    p.body.style.maxHeight = "";
    p.show(p.chosen ? shown : W >= NARROW && H >= 520);
    /* (the district key sits on the panel and moves with it: g60map-districts.js) */
    var dkey = c.districtKey && c.districtKey.getContainer();
    var others = controlBoxes(c).filter(function (b) { return b.el !== e && b.el !== dkey; });
    var lift = 0, r;
    for (var pass = 0; pass < 4; pass++) {
      r = rect(c, e);
      var hit = 0;
      others.forEach(function (b) {
        if (b.y1 > H / 2 && overlap({ x1: r.x1 - GAP, y1: r.y1 - GAP, x2: r.x2 + GAP,
          y2: r.y2 + GAP }, b) > 0) {
          hit = Math.max(hit, r.y2 - b.y1 + GAP);
        }
      });
      if (!hit) { break; }
      lift += hit;
      e.style.marginBottom = (10 + lift) + "px";
    }
    r = rect(c, e);
    var top = GAP;
    others.forEach(function (b) {
      if (b.y1 < H / 2 && b.x1 < r.x2 + GAP && b.x2 > r.x1 - GAP) {
        top = Math.max(top, b.y2 + GAP);
      }
    });
    if (r.y1 >= top) { return; }
    var head = r.y2 - r.y1 - p.body.offsetHeight, room = r.y2 - top - head;
    if (room < 60 && !p.chosen) {
      p.show(false);
    } else {
      p.body.style.maxHeight = Math.max(40, room) + "px";
    }
  }

  /* ------------------------------------------------------------------ the view */

  /* fitBounds options for bounds clear of the controls: each control is cleared by one
     side of the padding (top or bottom, left or right), the choices that give the closest
     zoom; INSET more on every side for the dots, circles and labels at the edge. */
  function fitOptions(c, bounds, maxZoom) {
    var map = c.map, W = c.box.clientWidth, H = c.box.clientHeight;
    var choices = controlBoxes(c).map(function (b) {
      var o = [];
      if (b.y1 < H / 2) { o.push([0, b.y2 + INSET]); }
      if (b.y2 > H / 2) { o.push([2, H - b.y1 + INSET]); }
      if (b.x1 < W / 2) { o.push([3, b.x2 + INSET]); }
      if (b.x2 > W / 2) { o.push([1, W - b.x1 + INSET]); }
      /* (a side that leaves less than 60 px of map can never be chosen) */
      return o.filter(function (ch) { return ch[1] <= (ch[0] % 2 ? W : H) - INSET - 60; });
    });
    /* (a page with many more controls: the smallest padding for each, no search) */
    var combos = choices.reduce(function (n, o) { return n * Math.max(o.length, 1); }, 1);
    if (combos > 4096) {
      choices = choices.map(function (o) {
        return o.slice().sort(function (a, b) { return a[1] - b[1]; }).slice(0, 1);
      });
    }
    var best = null;
    var walk = function (i, pad) {
      if (i < choices.length) {
        choices[i].forEach(function (ch) {
          var p = pad.slice();
          p[ch[0]] = Math.max(p[ch[0]], ch[1]);
          walk(i + 1, p);
        });
        return;
      }
      if (W - pad[1] - pad[3] < 60 || H - pad[0] - pad[2] < 60) { return; }
      var z = map.getBoundsZoom(bounds, false, c.L.point(pad[1] + pad[3], pad[0] + pad[2]));
      var sum = pad[0] + pad[1] + pad[2] + pad[3];
      if (!best || z > best.z || (z === best.z && sum < best.sum)) {
        best = { z: z, sum: sum, pad: pad };
      }
    };
    walk(0, [INSET, INSET, INSET, INSET]);
    var pad = best ? best.pad : [INSET, INSET, INSET, INSET];
    return { paddingTopLeft: [pad[3], pad[0]], paddingBottomRight: [pad[1], pad[2]],
      maxZoom: maxZoom, animate: !still() };
  }

  /* ------------------------------------------------------------------ popups */

  function popupBox(c, popup) {
    var e = popup.getElement(), out = null;
    [".leaflet-popup-content-wrapper", ".leaflet-popup-tip-container",
      ".leaflet-popup-close-button"].forEach(function (sel) {
      var part = e.querySelector(sel);
      if (part && part.offsetWidth) { out = union(out, rect(c, part)); }
    });
    return out;
  }

  /* The nearest place for box r inside the map and clear of every control, or null. */
  function freeSpot(r, boxes, W, H) {
    var w = r.x2 - r.x1, h = r.y2 - r.y1, xs = [r.x1, GAP, W - GAP - w];
    var ys = [r.y1, GAP, H - GAP - h], best = null;
    boxes.forEach(function (b) {
      xs.push(b.x2 + GAP, b.x1 - GAP - w);
      ys.push(b.y2 + GAP, b.y1 - GAP - h);
    });
    xs.forEach(function (x) {
      if (x < GAP - 0.5 || x + w > W - GAP + 0.5) { return; }
      ys.forEach(function (y) {
        if (y < GAP - 0.5 || y + h > H - GAP + 0.5) { return; }
        var q = { x1: x, y1: y, x2: x + w, y2: y + h }, cost = (x - r.x1) * (x - r.x1) +
          (y - r.y1) * (y - r.y1);
        if (best && cost >= best.cost) { return; }
        for (var i = 0; i < boxes.length; i++) { if (overlap(q, boxes[i]) > 0) { return; } }
        best = { x: x, y: y, cost: cost };
      });
    });
    return best;
  }

  /* Leaflet's autoPan keeps a popup inside the map; this keeps it clear of the controls
     too: as wide as the map allows, as tall as the room between the top and bottom
     controls when no place is free, then moved the least distance to a free place. */
  function clearPopup(c, popup) {
    var e = popup.getElement();
    if (!e || !c.map.hasLayer(popup)) { return; }
    var W = c.box.clientWidth, H = c.box.clientHeight, o = popup.options;
    var width = Math.max(120, Math.min(o.g60width, W - 2 * GAP - 50));
    if (o.maxWidth !== width || o.maxHeight) {
      o.maxWidth = width; o.maxHeight = null;
      popup.update();
    }
    var boxes = controlBoxes(c), r = popupBox(c, popup), spot = freeSpot(r, boxes, W, H);
    if (!spot) {
      var top = 0, bottom = 0, content = e.querySelector(".leaflet-popup-content");
      boxes.forEach(function (b) {
        if (b.y1 < H / 2) { top = Math.max(top, b.y2); } else { bottom = Math.max(bottom, H - b.y1); }
      });
      o.maxHeight = Math.max(80, H - top - bottom - 2 * GAP - 4 -
        (r.y2 - r.y1 - content.offsetHeight));
      popup.update();
      r = popupBox(c, popup);
      spot = freeSpot(r, boxes, W, H) || {
        x: Math.max(GAP, Math.min(r.x1, W - GAP - (r.x2 - r.x1))),
        y: Math.max(GAP, Math.min(r.y1, H - GAP - (r.y2 - r.y1)))
      };
    }
    var dx = Math.round(r.x1 - spot.x), dy = Math.round(r.y1 - spot.y);
    if (dx || dy) { c.map.panBy([dx, dy], { animate: !still() }); }
  }

  /* ------------------------------------------------------------------ labels */

  /* Label positions around a dot: E, W, N, S, NE, SE, NW, SW. */
  var SPOTS = [[1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [1, 1], [-1, -1], [-1, 1]];

  function area(r) { return (r.x2 - r.x1) * (r.y2 - r.y1); }

  /* Each label goes to the first spot around its dot that covers no other label, dot or
     control and stays in view; failing that, to the spot that covers the least. */
  function placeLabels(c) {
    var map = c.map, labels = c.labels;
    if (!map.hasLayer(c.layers.labels) || !labels.length) { return; }
    var o = map.containerPointToLayerPoint([0, 0]), W = c.box.clientWidth;
    var H = c.box.clientHeight;
    var view = { x1: o.x + 2, y1: o.y + 2, x2: o.x + W - 2, y2: o.y + H - 2 };
    var blocks = controlBoxes(c).map(function (b) {
      return { x1: b.x1 + o.x - 3, y1: b.y1 + o.y - 3, x2: b.x2 + o.x + 3, y2: b.y2 + o.y + 3 };
    });
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
        for (var b = 0; b < blocks.length; b++) { cost += 4 * overlap(r, blocks[b]); }
        cost += 4 * (area(r) - overlap(r, view));
        if (cost < bestCost) { bestCost = cost; best = r; }
        if (cost < 1) { break; }
      }
      placed.push(best);
      l.el.style.left = Math.round(best.x1 + 2 - p.x) + "px";
      l.el.style.top = Math.round(best.y1 + 1 - p.y) + "px";
    });
  }

  /* ------------------------------------------------------------------ entry points */

  /* Before the layers go on the map: arrange the controls, then fit the opening view. */
  function start(c) {
    var map = c.map;
    /* (also called when the reader opens or folds the legend or the panel: labels move off) */
    c.arrange = function () { arrange(c); if (c.placeLabels) { c.placeLabels(); } };
    c.fitOptions = function (bounds, maxZoom) { return fitOptions(c, bounds, maxZoom); };
    measureLayerList(c);
    arrange(c);
    var bounds = c.L.latLngBounds(c.d.bounds), opts = fitOptions(c, bounds);
    if (!c.legend.body.hidden && c.box.clientWidth < NARROW) {
      /* a small map: the legend opens, as tall as NARROW_KEY allows, else KEY_ROWS tall,
         unless that costs the opening view more than KEY_ZOOM_COST zoom levels (the
         cities would crowd); then it starts folded */
      var zoom = function (o) {
        return map.getBoundsZoom(bounds, false,
          c.L.point(o.paddingTopLeft).add(o.paddingBottomRight));
      };
      c.keyFolded = true;
      arrange(c);
      var folded = fitOptions(c, bounds), least = zoom(folded) - KEY_ZOOM_COST;
      c.keyFolded = false;
      opts = null;
      [0, KEY_ROWS].forEach(function (cap) {
        if (opts) { return; }
        c.keyCap = cap;
        arrange(c);
        var o = fitOptions(c, bounds);
        if (zoom(o) >= least) { opts = o; }
      });
      if (!opts) {
        c.keyCap = 0;
        c.keyFolded = true;
        arrange(c);
        opts = folded;
      }
    }
    opts.animate = false;
    map.fitBounds(bounds, opts);

    var raf = root.requestAnimationFrame || function (f) { return root.setTimeout(f, 16); };
    c.moving = false;
    map.on("movestart", function () { c.moving = true; });
    map.on("moveend", function () { c.moving = false; });
    /* move() changes the view, then open() runs when the map stands still again: at once
       if the view did not change or changed without animation, else when the move ends
       (an animated zoom starts a frame after it is asked for). */
    c.afterMove = function (move, open) {
      var done = false, go = function () {
        if (!done) { done = true; map.off("moveend", go); open(); }
      };
      map.on("moveend", go);
      move();
      raf(function () { raf(function () { if (!c.moving) { go(); } }); });
    };
    /* A popup is cleared where it opens, unless the map is moving, and again once a move
       begun with it ends: Leaflet starts an animated zoom (setView, fitBounds: the search
       going to a result) one frame after it is asked for, so the popup opened on its heels
       is measured again at the new zoom. */
    map.on("popupopen", function (e) {
      var popup = e.popup;
      if (!popup.options.g60pan) { return; }
      var clear = function () {
        if (c.moving) { map.once("moveend", clear); } else { clearPopup(c, popup); }
      };
      clear();
      raf(function () { raf(function () { if (c.moving) { clear(); } }); });
    });
    map.on("resize", function () { arrange(c); });
  }

  /* Once the layers are on the map: place the labels, and again after every zoom. */
  function labels(c) {
    var map = c.map;
    c.placeLabels = function () { placeLabels(c); };
    map.on("zoomend resize", c.placeLabels);
    map.on("overlayadd", function (e) { if (e.layer === c.layers.labels) { c.placeLabels(); } });
    c.placeLabels();
  }

  G.layout = { start: start, labels: labels, controlBoxes: controlBoxes, GAP: GAP };
})(window);
