"""Screenshots of the interactive map for the README, taken in headless Chromium.

Usage: python scripts/map_screenshots.py [--out docs/images]

Writes, from maps g60map builds itself (``--basemap none``, offline: every request but
``file:``/``data:``/``about:`` is blocked), the first view as a reader gets it, without a
click:

* ``map-default.png``: the default map (the source article's partners and investment),
  1100 x 700;
* ``map-laptop-en.png``, ``map-phone-en.png``, ``map-notebook-en.png``: the English map of
  the realistic ``skewed`` table (tests/_skewed.py: 614 made-up partners, Hangzhou, Suzhou
  and Hefei heavy, 52 investments from investors all over China, dated 2015-2024) on a
  1366 x 650 laptop, a 390 x 844 phone and in a 600 x 450 notebook output frame;
* ``map-laptop-zh.png``, ``map-phone-zh.png``, ``map-notebook-zh.png``: the Chinese map of
  the ``registry`` table (596 partners under a registry export's Chinese headers, amounts
  in 万元 and 亿元) at the same sizes.

Every name in these tables is synthetic (``Synthetic Co. 0001``, ``合成企业0001``); they are
not real data. Each image is reduced to a palette (Pillow) to stay well under 200 KB. Needs
the system Chromium (``/usr/bin/chromium``) and playwright; no network is used.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # for ``tests._skewed`` (the realistic tables)
    sys.path.insert(0, str(ROOT))

from g60map.render.web.interactive import build_map, map_iframe, save_map  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LIMIT = 200_000
COLOURS = 128

#: Page sizes: a laptop, a phone, and a notebook page holding a 600 x 450 output frame.
SIZES = {"laptop": (1366, 650), "phone": (390, 844), "notebook": (680, 520)}

#: The realistic table each language's screenshots show.
TABLES = {"en": "skewed", "zh": "registry"}


def notebook_host(m, path: Path) -> Path:
    """Write a page holding ``m`` in a 600 x 450 frame, as a notebook shows it."""
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
        "<body style='margin:0;padding:20px 30px'>"
        + map_iframe(m, width=600, height=450, self_contained=True) + "</body></html>",
        encoding="utf-8")
    return path


def shoot(browser, page_path: Path, out: Path, size: tuple[int, int], *,
          frame: bool = False) -> int:
    """Open a page offline at ``size``, save a palette PNG of the map; return its bytes.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
        The Chromium to open the page in.
    page_path : pathlib.Path
        The map's page, or a page holding the map in an iframe (``frame=True``).
    out : pathlib.Path
        The PNG to write.
    size : tuple of int
        Width and height of the page, CSS pixels (device scale 1).
    frame : bool, default False
        Shoot only the page's iframe (a notebook's output frame).

    Returns
    -------
    int
        Size of the written file in bytes.
    """
    from PIL import Image

    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  device_scale_factor=1, reduced_motion="reduce")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:", "about:")) else route.abort())
    page = context.new_page()
    page.goto(page_path.resolve().as_uri())
    target = page.frames[1] if frame else page
    target.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
    page.wait_for_timeout(400)
    png = page.locator("iframe").screenshot() if frame else page.screenshot()
    context.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(COLOURS,
                                                                method=Image.MEDIANCUT)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    return out.stat().st_size


def main(argv: list[str] | None = None) -> None:
    """Write the screenshots into ``--out`` and print their sizes."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = p.parse_args(argv)
    out = Path(args.out)
    from playwright.sync_api import sync_playwright

    from tests._skewed import realistic_corridor

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        shots = [("map-default.png",
                  save_map(build_map(basemap="none"), Path(tmp, "default.html")),
                  (1100, 700), False)]
        for lang, table in TABLES.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "column 企业名称 read as name"
                m = build_map(realistic_corridor(table), basemap="none", lang=lang)
            page = save_map(m, Path(tmp, f"{table}-{lang}.html"))
            host = notebook_host(m, Path(tmp, f"{table}-{lang}-notebook.html"))
            for kind, size in SIZES.items():
                notebook = kind == "notebook"
                shots.append((f"map-{kind}-{lang}.png", host if notebook else page, size,
                              notebook))
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        total = 0
        try:
            for name, page, size, frame in shots:
                n = shoot(browser, page, out / name, size, frame=frame)
                total += n
                print(f"{out / name}: {n:,} bytes" + ("" if n < LIMIT else "  (over 200 KB!)"))
        finally:
            browser.close()
        print(f"{len(shots)} screenshots, {total:,} bytes")


if __name__ == "__main__":
    main()
