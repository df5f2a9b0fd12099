"""Headless-Chromium harness for tests that open rendered maps in a real browser.

The harness drives the *system* Chromium (``/usr/bin/chromium``) through the
Playwright sync API; Playwright's own browser builds are never downloaded.
Every page is isolated from the network: each request whose URL is not
``file:``, ``data:`` or ``about:`` is aborted and recorded.

Typical use::

    import pytest

    from tests._browser import open_page, requires_browser

    pytestmark = [pytest.mark.browser, requires_browser]

    def test_map(tmp_path):
        with open_page(tmp_path / "map.html") as res:
            assert res.page_errors == []
            assert res.dialogs == []

Availability policy: when Chromium or Playwright is missing, browser tests are
*skipped* on a developer machine but *fail* when ``CI`` is set to a true value
(``CI=true``), so CI can never pass by silently skipping them.

One browser per test session: Chromium is launched on first use (``get_browser()``)
and closed when the session ends (``tests/conftest.py`` calls ``close_browser()``;
at interpreter exit otherwise). Each ``open_page`` gets a fresh browser context, so
pages share nothing.

Threading: Playwright's sync API runs an asyncio event loop of its own in the thread
that started it, and leaves it registered as that thread's running loop. So that
``asyncio.run()`` (nbclient, dask, the tests themselves) keeps working in the test
thread, Playwright lives in one dedicated thread (``tests/_remote.py``) and the test
thread only holds ``Remote`` proxies: every attribute read and method call on
``res.page`` (and on what it returns: locators, frames, CDP sessions) runs in that
thread, and its result comes back as plain data or as another proxy. Callbacks handed
to Playwright (for ``page.on``, ``page.route``) run in the browser thread and receive
Playwright's own objects, which they may use directly.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest

from tests._remote import OwnerThread, Remote

CHROMIUM_PATH = "/usr/bin/chromium"

#: Flags required by the project: headless, root-safe, no background traffic.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Defence in depth: connections that bypass request interception (preconnect
#: hints, DNS prefetch) cannot resolve any host but the loopback ones.
ISOLATION_ARGS: tuple[str, ...] = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)

#: URL schemes a page may load when the network is blocked.
LOCAL_SCHEMES = frozenset({"file", "data", "about"})

DEFAULT_TIMEOUT_MS = 20_000


# --------------------------------------------------------------------------
# availability / skip policy
# --------------------------------------------------------------------------


def on_ci() -> bool:
    """Return True when running on CI (``CI`` env var set to a true value)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def browser_unavailable_reason() -> str | None:
    """Explain why browser tests cannot run here, or return None if they can."""
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        return f"system Chromium not found at {CHROMIUM_PATH} (apt-get install chromium)"
    try:
        spec = importlib.util.find_spec("playwright.sync_api")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return "Python package 'playwright' is not installed (pip install playwright)"
    return None


def chromium_available() -> bool:
    """Return True when the system Chromium and the playwright package are present."""
    return browser_unavailable_reason() is None


def require_browser() -> None:
    """Skip the calling test if no browser is available; on CI, fail instead."""
    reason = browser_unavailable_reason()
    if reason is None:
        return
    if on_ci():
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


#: Marker for test modules/functions: ``pytestmark = [pytest.mark.browser, requires_browser]``.
#: Skips only off CI; on CI the tests run and fail loudly in ``get_browser()``.
requires_browser = pytest.mark.skipif(
    not chromium_available() and not on_ci(),
    reason=browser_unavailable_reason() or "browser available",
)


# --------------------------------------------------------------------------
# one browser per session, in a thread of its own
# --------------------------------------------------------------------------


@dataclass
class _Session:
    """Playwright and the Chromium it launched, both living in ``owner``."""

    pid: int
    owner: OwnerThread
    playwright: Any
    browser: Any


def _start_playwright() -> Any:
    from playwright.sync_api import sync_playwright

    return sync_playwright().start()


def _launch(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM_PATH,
        args=[*CHROMIUM_ARGS, *ISOLATION_ARGS],
        headless=True,
        chromium_sandbox=False,
    )


def _shutdown(playwright: Any, browser: Any) -> None:
    if browser is not None:
        with contextlib.suppress(Exception):
            browser.close()
    if playwright is not None:
        with contextlib.suppress(Exception):
            playwright.stop()


def _start_session() -> _Session:
    owner = OwnerThread("g60map-browser")
    playwright = browser = None
    try:
        playwright = owner.call(_start_playwright)
        browser = owner.call(_launch, playwright)
    except BaseException:
        with contextlib.suppress(Exception):
            owner.call(_shutdown, playwright, browser)
        owner.stop()
        raise
    return _Session(os.getpid(), owner, playwright, browser)


def _stop_session(session: _Session) -> None:
    if session.owner.alive:
        with contextlib.suppress(Exception):
            session.owner.call(_shutdown, session.playwright, session.browser)
        session.owner.stop()


_SESSION: _Session | None = None
_LOCK = threading.Lock()
_ATEXIT_REGISTERED = False


def _session() -> _Session:
    """Return the process's browser session, launching Chromium on first use."""
    global _SESSION, _ATEXIT_REGISTERED
    with _LOCK:
        session = _SESSION
        if session is not None and session.pid != os.getpid():
            session = _SESSION = None  # inherited through fork: its thread is not here
        if session is not None:
            if session.owner.alive and session.owner.call(session.browser.is_connected):
                return session
            _stop_session(session)  # crashed or closed: start over
            _SESSION = None
        require_browser()
        _SESSION = _start_session()
        if not _ATEXIT_REGISTERED:
            atexit.register(close_browser)
            _ATEXIT_REGISTERED = True
        return _SESSION


def get_browser() -> Remote:
    """Return the session's Chromium ``Browser`` (a :class:`Remote`), launching it once.

    Skips the calling test when Chromium/Playwright is missing (fails on CI).
    The browser is closed at the end of the test session, or by ``close_browser()``.
    """
    session = _session()
    return Remote(session.browser, session.owner)


def close_browser() -> None:
    """Close the browser, stop Playwright and end its thread (safe to call repeatedly)."""
    global _SESSION
    with _LOCK:
        session, _SESSION = _SESSION, None
    if session is not None and session.pid == os.getpid():
        _stop_session(session)


# --------------------------------------------------------------------------
# opening pages
# --------------------------------------------------------------------------


@dataclass
class PageResult:
    """What ``open_page`` yields: the live page plus everything it reported."""

    page: Any
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    #: responses received from non-local URLs; stays empty while blocking.
    remote_responses: list[str] = field(default_factory=list)
    _console_error_urls: list[str] = field(default_factory=list, repr=False)

    @property
    def unexpected_console_errors(self) -> list[str]:
        """Console errors other than the load failures of blocked requests."""
        blocked = set(self.blocked_requests)
        return [
            text
            for text, url in zip(self.console_errors, self._console_error_urls, strict=True)
            if not (url in blocked and text.startswith("Failed to load resource"))
        ]

    def settle(self, ms: int = 100) -> None:
        """Let the page run for ``ms`` milliseconds while events are collected."""
        self.page.wait_for_timeout(ms)


def _looks_like_html(text: str) -> bool:
    return "<" in text or "\n" in text


def _new_page(
    browser: Any,
    result: PageResult,
    *,
    block_network: bool,
    viewport: tuple[int, int],
    timeout_ms: int,
    wait_until: str,
    settle_ms: int,
) -> tuple[Any, Any]:
    """In the browser thread: a fresh context and page, listening, navigated to the URL."""
    context = browser.new_context(
        viewport={"width": int(viewport[0]), "height": int(viewport[1])},
        device_scale_factor=1,
        service_workers="block",
    )
    try:
        context.set_default_timeout(timeout_ms)
        page = context.new_page()

        if block_network:

            def _route(route: Any) -> None:
                req_url = route.request.url
                if urlsplit(req_url).scheme.lower() in LOCAL_SCHEMES:
                    route.continue_()
                else:
                    result.blocked_requests.append(req_url)
                    route.abort("blockedbyclient")

            def _route_ws(ws: Any) -> None:
                result.blocked_requests.append(ws.url)
                ws.close(code=1008, reason="network blocked by test harness")

            context.route("**/*", _route)
            context.route_web_socket("**/*", _route_ws)

        def _console(msg: Any) -> None:
            if msg.type == "error":
                result.console_errors.append(msg.text)
                result._console_error_urls.append((msg.location or {}).get("url", ""))

        def _dialog(dialog: Any) -> None:
            result.dialogs.append(dialog.message)
            dialog.dismiss()

        def _response(response: Any) -> None:
            if urlsplit(response.url).scheme.lower() not in LOCAL_SCHEMES:
                result.remote_responses.append(response.url)

        page.on("console", _console)
        page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
        page.on("dialog", _dialog)
        page.on("response", _response)

        page.goto(result.url, wait_until=wait_until, timeout=timeout_ms)
        if settle_ms > 0:
            page.wait_for_timeout(settle_ms)
    except BaseException:
        with contextlib.suppress(Exception):
            context.close()
        raise
    return context, page


@contextlib.contextmanager
def open_page(
    html_path_or_string: str | os.PathLike[str],
    *,
    block_network: bool = True,
    viewport: tuple[int, int] = (1200, 800),
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    wait_until: str = "load",
    settle_ms: int = 100,
) -> Iterator[PageResult]:
    """Open an HTML file (path) or HTML source (string) in headless Chromium.

    A ``str`` containing ``<`` or a newline is HTML source and is written to a
    temporary ``page.html``; anything else is a path to an existing file.
    Console errors, uncaught page errors, dialogs (dismissed) and blocked
    requests are recorded from before navigation. After the ``load`` event the
    page runs ``settle_ms`` more milliseconds so late requests are seen too.
    ``res.page`` is a :class:`Remote` of the Playwright ``Page``; its context is
    closed when the block exits.
    """
    is_source = isinstance(html_path_or_string, str) and _looks_like_html(html_path_or_string)
    if not is_source and not Path(html_path_or_string).is_file():
        raise FileNotFoundError(f"no HTML file at {html_path_or_string}")

    session = _session()
    tmpdir: str | None = None
    context = None
    try:
        if is_source:
            tmpdir = tempfile.mkdtemp(prefix="g60map-browser-")
            path = Path(tmpdir, "page.html")
            path.write_text(str(html_path_or_string), encoding="utf-8")
        else:
            path = Path(html_path_or_string)
        result = PageResult(page=None, url=path.resolve().as_uri())
        context, page = session.owner.call(
            _new_page,
            session.browser,
            result,
            block_network=block_network,
            viewport=viewport,
            timeout_ms=timeout_ms,
            wait_until=wait_until,
            settle_ms=settle_ms,
        )
        result.page = Remote(page, session.owner)
        yield result
    finally:
        if context is not None:
            with contextlib.suppress(Exception):
                session.owner.call(context.close)
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)


# --------------------------------------------------------------------------
# page helpers
# --------------------------------------------------------------------------


def count_selector(page: Any, css: str) -> int:
    """Return how many elements of the page's main frame match ``css``."""
    return int(page.locator(css).count())


def _decode_png(path: Path) -> np.ndarray:
    """Decode a PNG into an ``(h, w, 3)`` uint8 RGB array (Pillow, else matplotlib)."""
    try:
        from PIL import Image
    except ImportError:
        import matplotlib.image as mpimg

        arr = np.asarray(mpimg.imread(path))
        if arr.dtype.kind == "f":  # matplotlib gives floats in [0, 1] for PNG
            arr = np.rint(arr * 255.0).astype(np.uint8)
    else:
        with Image.open(path) as img:
            arr = np.asarray(img.convert("RGB"))
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    return np.ascontiguousarray(arr[..., :3], dtype=np.uint8)


def screenshot_stats(page: Any, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Screenshot the viewport to ``path`` (PNG) and return basic pixel stats.

    Keys: ``path``, ``width``, ``height``, ``distinct_colors`` (distinct RGB
    triples), ``non_white_fraction`` (share of pixels that are not pure white)
    and ``mean_rgb``. Without ``path`` a temporary file is used and removed.
    """
    tmp: str | None = None
    if path is None:
        fd, tmp = tempfile.mkstemp(prefix="g60map-shot-", suffix=".png")
        os.close(fd)
        target = Path(tmp)
    else:
        target = Path(path)
    try:
        page.screenshot(path=str(target), type="png")
        rgb = _decode_png(target)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    h, w = rgb.shape[:2]
    flat = rgb.reshape(-1, 3)
    packed = (flat[:, 0].astype(np.uint32) << 16) | (flat[:, 1].astype(np.uint32) << 8) | flat[:, 2]
    non_white = np.any(flat != 255, axis=1)
    return {
        "path": None if tmp is not None else str(target),
        "width": int(w),
        "height": int(h),
        "distinct_colors": int(np.unique(packed).size),
        "non_white_fraction": float(non_white.mean()) if flat.size else 0.0,
        "mean_rgb": tuple(float(c) for c in flat.mean(axis=0)) if flat.size else (0.0,) * 3,
    }


@dataclass
class OverlayContents:
    """Rendered content of every popup and tooltip that ``open_all_popups`` opened."""

    maps: int
    items: list[dict[str, Any]]
    errors: list[str]

    @property
    def text(self) -> str:
        """Rendered ``innerText`` of all overlays, newline-joined."""
        return "\n".join(str(i["text"]) for i in self.items)

    @property
    def html(self) -> str:
        """``innerHTML`` of all overlays, newline-joined."""
        return "\n".join(str(i["html"]) for i in self.items)

    def __str__(self) -> str:
        return self.text


_OPEN_ALL_POPUPS_JS = r"""
() => {
  const res = {maps: 0, items: [], errors: []};
  const L = window.L;
  if (!L || typeof L.Map !== 'function') return res;

  const maps = [], globalLayers = [];
  for (const k of Object.getOwnPropertyNames(window)) {
    let v;
    try { v = window[k]; } catch (e) { continue; }
    if (!v || typeof v !== 'object') continue;
    try {
      if (v instanceof L.Map) { if (!maps.includes(v)) maps.push(v); }
      else if (L.Layer && v instanceof L.Layer) globalLayers.push(v);
    } catch (e) { /* exotic host object */ }
  }
  res.maps = maps.length;
  if (!maps.length) return res;

  const legacy = /^(0\.|1\.[0-7]\.)/.test(String(L.version || ''));
  const isGroup = (l) => !!(L.LayerGroup && l instanceof L.LayerGroup);
  const seen = new Set(), layers = [];
  const add = (l) => {
    if (!l || seen.has(l)) return;
    seen.add(l); layers.push(l);
    if (isGroup(l)) { try { l.getLayers().forEach(add); } catch (e) {} }
  };
  maps.forEach((m) => m.eachLayer(add));
  globalLayers.forEach(add);

  const leaves = (g) => {
    const out = [];
    const walk = (x) => { if (isGroup(x)) x.getLayers().forEach(walk); else out.push(x); };
    walk(g);
    return out;
  };
  const where = (l) => {
    try { if (l.getLatLng) return l.getLatLng(); } catch (e) {}
    try {
      const b = l.getBounds ? l.getBounds() : null;
      if (b && b.isValid()) return b.getCenter();
    } catch (e) {}
    try { if (l.getCenter) return l.getCenter(); } catch (e) {}
    return null;
  };
  const read = (kind, ov, layer) => {
    const el = ov.getElement ? ov.getElement() : ov._container;
    if (!el) return false;
    const node = ov._contentNode || el;
    res.items.push({kind: kind, layer: L.stamp(layer), text: node.innerText, html: node.innerHTML});
    return true;
  };
  const fallback = (kind, ov, owner, leaf) => {
    // Layer not on a map (e.g. inside a collapsed cluster or a hidden overlay):
    // render the same content in a throw-away overlay on the first map.
    const map = owner._map || maps[0];
    let content = ov.getContent ? ov.getContent() : ov._content;
    if (typeof content === 'function') content = content(leaf || owner);
    if (content === undefined || content === null) return;
    const tmp = kind === 'popup' ? L.popup({autoPan: false, autoClose: false})
                                 : L.tooltip({permanent: true});
    tmp.setLatLng(where(leaf || owner) || map.getCenter()).setContent(content);
    if (kind === 'popup') map.openPopup(tmp); else map.openTooltip(tmp);
    read(kind, tmp, leaf || owner);
    if (kind === 'popup') map.closePopup(tmp); else map.closeTooltip(tmp);
  };
  const openOne = (kind, owner, leaf) => {
    const ov = kind === 'popup' ? owner.getPopup() : owner.getTooltip();
    const target = leaf || owner;
    const map = target._map;
    try {
      if (map) {
        const autoPan = ov.options.autoPan;
        ov.options.autoPan = false;
        try {
          const open = kind === 'popup' ? owner.openPopup : owner.openTooltip;
          if (leaf && leaf !== owner) {
            if (legacy) open.call(owner, leaf, where(leaf));
            else { ov._source = leaf; open.call(owner, where(leaf)); }
          } else {
            open.call(owner);
          }
        } finally { ov.options.autoPan = autoPan; }
        if (map.hasLayer(ov) && read(kind, ov, target)) return;
      }
      fallback(kind, ov, owner, leaf);
    } catch (e) {
      res.errors.push(kind + ' of layer ' + L.stamp(target) + ': ' + (e && e.message || e));
    }
  };

  for (const l of layers) {
    for (const kind of ['popup', 'tooltip']) {
      const getter = kind === 'popup' ? l.getPopup : l.getTooltip;
      if (typeof getter !== 'function' || !getter.call(l)) continue;
      if (isGroup(l)) leaves(l).forEach((leaf) => openOne(kind, l, leaf));
      else openOne(kind, l, null);
    }
  }
  return res;
}
"""


def open_all_popups(page: Any, *, settle_ms: int = 100) -> OverlayContents:
    """Open the popup and tooltip of every layer of every Leaflet map on the page.

    Maps are found by scanning ``window`` for ``L.Map`` instances (folium stores
    each as a global ``map_<id>``). Layers are those on the maps plus global
    ``L.Layer`` variables, recursing into layer groups (GeoJSON, feature
    groups, clusters); a popup/tooltip bound to a group is opened once per
    member, as a click on that member would. Layers not currently on a map get
    their content rendered in a temporary overlay. Returns the rendered
    ``innerText`` (``.text``) and ``innerHTML`` (``.html``) of each overlay.

    The page then runs ``settle_ms`` more milliseconds, so that handlers fired
    by injected markup (``<img onerror=...>``) land in ``PageResult.dialogs`` /
    ``page_errors`` before the caller checks them.
    """
    raw = page.evaluate(_OPEN_ALL_POPUPS_JS)
    if settle_ms > 0:
        page.wait_for_timeout(settle_ms)
    return OverlayContents(
        maps=int(raw["maps"]), items=list(raw["items"]), errors=list(raw["errors"])
    )


# ---------------------------------------------------------------------- map sizes

#: (width, height) of the page, or "notebook": a 600 x 450 output frame of a notebook.
SIZES = [(1366, 650), (1024, 600), "notebook", (390, 844), (360, 640)]


def size_params(fast: set) -> list:
    """Return ``pytest.param(size, lang)`` for every size of :data:`SIZES` in en and zh;
    those not in ``fast`` (``{(size, lang)}``) are marked slow."""
    out = []
    for size in SIZES:
        for lang in ("en", "zh"):
            name = size if isinstance(size, str) else f"{size[0]}x{size[1]}"
            marks = [] if (size, lang) in fast else [pytest.mark.slow]
            out.append(pytest.param(size, lang, id=f"{name}-{lang}", marks=marks))
    return out


def map_pages(folder: Path, corridor: Any) -> dict[str, Path]:
    """Write the corridor's map in en and zh, each alone and in a 600 x 450 notebook frame
    (``"en"``, ``"en-notebook"``, ...), offline (``--basemap none``, self-contained)."""
    from g60map.render.web.interactive import build_map, map_iframe, save_map

    out = {}
    for lang in ("en", "zh"):
        m = build_map(corridor, lang=lang, basemap="none")
        out[lang] = save_map(m, folder / f"{lang}.html", self_contained=True)
        host = folder / f"{lang}-notebook.html"
        host.write_text(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
            "<body style='margin:0;padding:20px 30px'>"
            + map_iframe(m, width=600, height=450, self_contained=True) + "</body></html>",
            encoding="utf-8")
        out[lang + "-notebook"] = host
    return out
