"""Screenshots of the interactive map for the README, taken in headless Chromium.

Usage: python scripts/map_screenshots.py [--out docs/images]

Writes, from maps g60map builds itself (``--basemap none``, self-contained, offline):

* ``map-default.png``: the default map (the source article's partners and investment),
  1100 x 700;
* ``map-analyst.png``: synthetic partners and investments dated 2019-2023 with origins
  (``g60map.reference.synthetic``): flows by amount, the time slider at 2021 (cumulative), a kind
  filter off, the member cities filled by the investment total, 1100 x 700;
* ``map-phone-zh.png``: the same map in Chinese on a 390 x 844 phone, the time and
  filters panel open, the slider at 2020.

Each is reduced to a 256-colour palette (Pillow) to stay well under 200 KB. Needs the
system Chromium (``/usr/bin/chromium``) and playwright; no network is used.
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

import g60map
from g60map.reference.synthetic import make_investments, make_partners
from g60map.render.web.interactive import build_map, save_map

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LIMIT = 200_000


def analyst_corridor() -> g60map.Corridor:
    """Partners with kinds and founding dates, investments dated 2019-2023 with origins."""
    partners = make_partners(22, seed=3, city_only=0).drop(
        columns=["city_code_expected", "founded"])
    partners["date"] = [f"{2019 + i % 5}-{i % 12 + 1:02d}-01" for i in range(len(partners))]
    investments = make_investments(10, seed=4, city_only=0).drop(columns="city_code_expected")
    investments["date"] = [f"{2019 + i % 5}-{i + 1:02d}-15" for i in range(10)]
    investments["origin_city"] = ["Hefei", "Hangzhou", "", "Nanjing", "Suzhou", "Wuhu", "",
                                  "Jinhua", "Huangpu", "Hefei"]
    return g60map.load_corridor(partners, investments)


def shoot(browser, page_path: Path, out: Path, size: tuple[int, int], steps: str = "") -> int:
    """Open the map, run ``steps`` (JavaScript), save a palette PNG; return its size."""
    from PIL import Image

    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  device_scale_factor=1, reduced_motion="reduce")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:", "about:")) else route.abort())
    page = context.new_page()
    page.goto(page_path.resolve().as_uri())
    page.wait_for_function("() => window.G60Map && G60Map.instances.length === 1")
    page.wait_for_timeout(300)
    if steps:
        page.evaluate(steps)
        page.wait_for_timeout(300)
    png = page.screenshot()
    context.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.MEDIANCUT)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    return out.stat().st_size


#: The analyst's view: investment total, up to 2021, without telecom operators.
ANALYST_STEPS = """() => {
  const box = document.querySelector('.g60m');
  const select = box.querySelector('.g60m-metric select');
  select.value = '2'; select.dispatchEvent(new Event('change'));
  const range = box.querySelector('.g60m-time input');
  range.value = '2'; range.dispatchEvent(new Event('input'));
  for (const label of box.querySelectorAll('.g60m-facet label')) {
    if (label.textContent === 'telecom operator') { label.querySelector('input').click(); }
  }
}"""


#: On the phone: the time and filters panel opened, the slider at 2020.
PHONE_STEPS = """() => {
  document.querySelector('.g60m-views-toggle').click();
  const range = document.querySelector('.g60m-time input');
  range.value = '1'; range.dispatchEvent(new Event('input'));
}"""


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = p.parse_args(argv)
    out = Path(args.out)
    from playwright.sync_api import sync_playwright

    corridor = analyst_corridor()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        pages = {
            "default": save_map(build_map(basemap="none"), Path(tmp, "default.html"),
                                self_contained=True),
            "analyst": save_map(build_map(corridor, basemap="none"), Path(tmp, "en.html"),
                                self_contained=True),
            "zh": save_map(build_map(corridor, basemap="none", lang="zh"),
                           Path(tmp, "zh.html"), self_contained=True),
        }
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            shots = [
                ("map-default.png", pages["default"], (1100, 700), ""),
                ("map-analyst.png", pages["analyst"], (1100, 700), ANALYST_STEPS),
                ("map-phone-zh.png", pages["zh"], (390, 844), PHONE_STEPS),
            ]
            for name, page, size, steps in shots:
                n = shoot(browser, page, out / name, size, steps)
                print(f"{out / name}: {n:,} bytes" + ("" if n < LIMIT else "  (over 200 KB!)"))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
