"""The PDF font subsets cache of g60map.render.figfile: same bytes, cut once, never an error."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from g60map import settings
from g60map.cli import main
from g60map.render.static import figfile
from g60map.render.static.figfile import cache_dir, figure_bytes
from g60map.render.static.mpl import find_cjk_font


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of this test, and nothing cached in the process."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(settings, "CACHE_DIR", folder)
    figfile._SUBSETS.clear()
    yield folder
    figfile._SUBSETS.clear()


@pytest.fixture
def cuts(monkeypatch):
    """Count the font subsets fontTools cuts."""
    from fontTools import subset

    count = [0]
    cut = subset.Subsetter.subset

    def counted(self, font):
        count[0] += 1
        return cut(self, font)

    monkeypatch.setattr(subset.Subsetter, "subset", counted)
    return count


def _figure(family: font_manager.FontProperties | None, text: str) -> Figure:
    fig = Figure(figsize=(3, 2))
    fig.text(0.1, 0.6, text, fontproperties=family)
    fig.text(0.1, 0.2, text[::-1], fontproperties=family, fontweight="bold")
    return fig


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "pdf-fonts").glob("*.ttf-subset"))


@pytest.fixture(scope="module")
def cjk():
    font = find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    return font


def test_cached_cjk_subsets_give_the_uncached_pdf_bytes(cache, cuts, cjk, tmp_path,
                                                         monkeypatch):
    fig = _figure(cjk, "松江嘉兴杭州 G60 科创走廊 2026")
    # uncached: the cache folder is a file, so nothing can be stored
    (tmp_path / "blocked").write_bytes(b"not a folder")
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "blocked")
    uncached = figure_bytes(fig, "pdf")
    cut = cuts[0]  # regular and bold, and a subset of glyphs with no code point
    assert cut >= 2 and not _entries(cache)
    monkeypatch.setattr(settings, "CACHE_DIR", cache)
    figfile._SUBSETS.clear()
    cold = figure_bytes(fig, "pdf")
    assert cuts[0] == 2 * cut
    assert len(_entries(cache)) == cut
    warm = figure_bytes(fig, "pdf")  # from the process
    figfile._SUBSETS.clear()
    from_disk = figure_bytes(fig, "pdf")
    assert cuts[0] == 2 * cut  # neither opened the font again
    assert uncached == cold == warm == from_disk
    assert b"/FontFile2" in from_disk and b"CJK" in from_disk


def test_corrupt_or_truncated_entries_are_ignored_and_rewritten(cache, cuts):
    fig = _figure(None, "Songjiang 2026")
    first = figure_bytes(fig, "pdf")
    entries = _entries(cache)
    assert len(entries) == 2 and cuts[0] == 2
    good = {path: path.read_bytes() for path in entries}
    entries[0].write_bytes(good[entries[0]][:-100])  # truncated
    flipped = bytearray(good[entries[1]])
    flipped[-1] ^= 0xFF  # one byte of the font changed
    entries[1].write_bytes(bytes(flipped))
    figfile._SUBSETS.clear()
    assert figure_bytes(fig, "pdf") == first
    assert cuts[0] == 4  # both cut again
    assert {path: path.read_bytes() for path in _entries(cache)} == good


def test_entries_are_deterministic(cache, tmp_path, monkeypatch):
    fig = _figure(None, "Jiaxing 1234")
    figure_bytes(fig, "pdf")
    first = {p.name: p.read_bytes() for p in _entries(cache)}
    other = tmp_path / "other"
    monkeypatch.setattr(settings, "CACHE_DIR", other)
    figfile._SUBSETS.clear()
    figure_bytes(fig, "pdf")
    assert {p.name: p.read_bytes() for p in _entries(other)} == first


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setattr(settings, "CACHE_DIR", blocked / "sub")
    figfile._SUBSETS.clear()
    fig = _figure(None, "Hefei")
    pdf = figure_bytes(fig, "pdf")  # warnings are errors in the tests: none either
    assert pdf.startswith(b"%PDF") and blocked.read_text() == "x"
    figfile._SUBSETS.clear()


def test_a_changed_font_file_is_a_new_key(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_bytes(Path(font_manager.findfont("DejaVu Sans")).read_bytes())
    key = figfile._subset_key(str(font), [3, 1, 2])
    assert key == figfile._subset_key(str(font), {1, 2, 3})  # a glyph set: order is no matter
    assert key != figfile._subset_key(str(font), [1, 2])
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert figfile._subset_key(str(font), [1, 2, 3]) != key
    assert figfile._subset_key(str(tmp_path / "gone.ttf"), [1]) is None


def test_cache_dir_setting_then_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "CACHE_DIR", None)
    monkeypatch.setenv("G60MAP_CACHE_DIR", str(tmp_path / "moved"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "moved"
    monkeypatch.delenv("G60MAP_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "g60map"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "g60map"
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "set")
    assert cache_dir() == tmp_path / "set"


@pytest.mark.slow
def test_cli_zh_pdf_same_bytes_cold_and_from_the_cache(cache, cuts, cjk, tmp_path, capsys):
    outs = []
    for run in ("cold", "warm"):
        figfile._SUBSETS.clear()  # a new process: only the disk cache is left
        out = tmp_path / run
        assert main(["-q", "render", "--lang", "zh", "--format", "pdf", "--out",
                     str(out)]) == 0
        outs.append((out / "g60_corridor.pdf").read_bytes())
    assert outs[0] == outs[1] and outs[0].startswith(b"%PDF")
    assert cuts[0] == len(_entries(cache)) >= 2  # the second run cut nothing


def test_a_fifo_or_folder_in_place_of_an_entry_is_neither_read_nor_written(cache, cuts):
    fig = _figure(None, "Wuhu 2020")
    first = figure_bytes(fig, "pdf")
    fifo, folder = _entries(cache)
    fifo.unlink()
    os.mkfifo(fifo)  # opening it would wait for a writer: forever
    folder.unlink()
    folder.mkdir()
    figfile._SUBSETS.clear()

    class Stuck(BaseException):  # no OSError, which the cache code would take for a miss
        pass

    def stuck(signum, frame):
        raise Stuck("waited on the FIFO")

    old = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    try:
        assert figure_bytes(fig, "pdf") == first
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert cuts[0] == 4 and stat.S_ISFIFO(fifo.lstat().st_mode) and folder.is_dir()
