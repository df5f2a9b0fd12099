"""The README's screenshots: every image it embeds exists, is a palette PNG under 200 KB, and
the map screenshots are those ``scripts/map_screenshots.py`` writes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _embedded() -> list[str]:
    """Paths of the images the README shows (Markdown and ``<img>``)."""
    text = README.read_text(encoding="utf-8")
    pattern = r"!\[[^\]]*\]\((docs/images/[^)]+)\)|<img src=\"(docs/images/[^\"]+)\""
    return [a or b for a, b in re.findall(pattern, text)]


def test_every_embedded_image_exists_and_is_small():
    paths = _embedded()
    assert len(paths) >= 7
    for rel in paths:
        path = ROOT / rel
        assert path.is_file(), rel
        assert path.stat().st_size < 200_000, (rel, path.stat().st_size)
        with Image.open(path) as image:
            assert image.format == "PNG" and image.mode == "P", (rel, image.mode)


def test_the_readme_shows_what_the_script_writes():
    spec = importlib.util.spec_from_file_location("map_screenshots",
                                                  ROOT / "scripts" / "map_screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = {"map-default.png"} | {f"map-{kind}-{lang}.png" for kind in module.SIZES
                                     for lang in module.TABLES}
    shown = {Path(p).name for p in _embedded() if Path(p).name.startswith("map-")}
    assert shown == written
    assert {Path(p).name for p in (ROOT / "docs" / "images").glob("map-*.png")} == written
