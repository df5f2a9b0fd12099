"""Fuzz harness: hostile tables, bytes and command lines into every surface of g60map.

Three families, all in the slow set:

* **Tables into every output**: random partner and investment DataFrames (HTML/JS and
  template text, spreadsheet formula prefixes, control and bidi characters, lone
  surrogates, huge cells, inf/nan/huge numbers, random headers, coordinates inside and
  outside the corridor, random datums) through :func:`g60map.load_corridor`, then through
  one output per test: the interactive map, the static map (PNG, SVG, PDF), the HTML and
  Word reports, the slides and every export format.
* **Bytes into every reader**: random bytes and damaged valid files (CSV, xlsx, Parquet,
  GeoParquet), with the right and the wrong extension, through the table loaders.
* **Command-line text**: random titles, sheet names, metric names and file names through
  :func:`g60map.cli.main` in-process.

Each example ends in one of: a :class:`~g60map.G60InputError` (handled clearly), a correct
output (checked: the map's data block decodes to the corridor's text, SVG parses as XML,
xlsx holds no formula, Word and PowerPoint files open, ...), a crash (any other exception,
a warning other than a :class:`~g60map.G60Warning`, exit code 70, or a wrong output) or a
hang (more than ``G60MAP_FUZZ_TIMEOUT`` seconds, 60 by default). Crashes and hangs fail
the test.

Example counts are small so the file runs in about three minutes on one core; multiply
them with ``G60MAP_FUZZ_SCALE`` (``G60MAP_FUZZ_SCALE=20 pytest -m slow tests/test_fuzz.py``)
for a longer search, and set ``G60MAP_FUZZ_SHRINK=1`` to shrink a failing example (each
try renders again). ``scripts/fuzz_counts.py`` runs the harness and prints, per surface,
how many inputs ended each way instead of stopping at the first crash.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import signal
import tempfile
import traceback
import warnings
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import g60map
from g60map import G60InputError, G60Warning
from g60map.cli import main
from g60map.ingest.read import read_table
from tests.test_io_properties import HOSTILE, _mutations, _write

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]

#: Multiplies every example count (a float; 20 for a long search).
SCALE = float(os.environ.get("G60MAP_FUZZ_SCALE", "1") or 1)
#: Seconds one example may take before it counts as a hang.
TIMEOUT = float(os.environ.get("G60MAP_FUZZ_TIMEOUT", "60") or 60)
#: When set (a JSON file), outcomes are counted there and crashes do not stop a test.
COUNTS = os.environ.get("G60MAP_FUZZ_COUNTS", "")
#: Shrink a failing example to a smaller one (slow: each try renders again); off unless "1".
SHRINK = os.environ.get("G60MAP_FUZZ_SHRINK", "") == "1"

OUTCOMES = ("tried", "errors", "correct", "crashes", "hangs")
TALLY: dict[str, Counter[str]] = defaultdict(Counter)
#: First few crashing inputs per surface and exception, for the count report.
SAMPLES: dict[str, list[str]] = defaultdict(list)


def fuzz(examples: int) -> Callable:
    """Hypothesis settings: ``examples`` times :data:`SCALE`, same examples on every run."""
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate, *([Phase.shrink] if SHRINK else [])],
    )


# ------------------------------------------------------------------------- outcomes


class Hang(BaseException):  # noqa: N818 - not an error the code under test may catch
    """An example ran longer than :data:`TIMEOUT`."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread after ``seconds``."""

    def alarm(signum, frame):
        raise Hang(f"no result after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Crash(AssertionError):
    """Anything but a G60InputError or a correct output (or a foreign warning)."""


def _describe(value: Any, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} chars)"


def attempt(surface: str, make: Callable[[], Any], check: Callable[[Any], None] | None = None,
            example: Any = None) -> Any | None:
    """Run ``make()`` then ``check(result)`` and count how it ended.

    Returns the result when it is correct, None for a G60InputError. A crash (another
    exception, a warning other than a G60Warning, a failed check) or a hang is raised, or
    only counted when :data:`COUNTS` is set (then None is returned).
    """
    TALLY[surface]["tried"] += 1
    outcome, failure, result = "correct", None, None
    try:
        with warnings.catch_warnings(record=True) as caught, time_limit(TIMEOUT):
            warnings.simplefilter("always")
            try:
                result = make()
            except G60InputError as exc:
                assert exc.problems and all(str(p) for p in exc.problems), "empty G60InputError"
                str(exc)
                outcome = "errors"
            if outcome == "correct" and check is not None:
                check(result)
        foreign = [w for w in caught if not issubclass(w.category, (G60Warning, ResourceWarning))]
        if foreign:
            w = foreign[0]
            raise Crash(f"{w.category.__name__} warned: {w.message} ({w.filename}:{w.lineno})")
    except Hang as exc:
        outcome, failure = "hangs", exc
    except Exception as exc:  # noqa: BLE001 - every other exception is the finding
        outcome, failure = "crashes", exc
    finally:
        plt.close("all")
    TALLY[surface][outcome] += 1
    if failure is None:
        return result if outcome == "correct" else None
    if COUNTS:
        key = f"{surface}: {type(failure).__name__}: {str(failure)[:160]}"
        if len(SAMPLES[key]) < 2:
            tb = traceback.extract_tb(failure.__traceback__)
            where = next((f"{f.filename.rsplit('/g60map/', 1)[-1]}:{f.lineno}"
                          for f in reversed(tb) if "/g60map/" in f.filename), "")
            SAMPLES[key].append(f"{where} input={_describe(example)}")
        return None
    if outcome == "hangs":
        pytest.fail(f"{surface}: hang ({failure}) on {_describe(example)}")
    raise failure


@pytest.fixture(scope="module", autouse=True)
def _write_counts():
    yield
    if COUNTS:
        old = json.loads(Path(COUNTS).read_text()) if Path(COUNTS).exists() else {}
        counts = old.get("counts", {})
        for surface, tally in TALLY.items():
            counts[surface] = {k: tally[k] for k in OUTCOMES}
        samples = {**old.get("samples", {}), **SAMPLES}
        Path(COUNTS).write_text(json.dumps({"counts": counts, "samples": samples}, indent=1,
                                           ensure_ascii=True))


# ---------------------------------------------------------------------- table strategies

TEMPLATES = ["{{ 7*7 }}", "{% if 1 %}x{% endif %}", "{# c #}", "${7*7}", "{{", "{%", "{#", "${"]
HTML = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</script><!--", "&amp;"]
FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@A1", "=HYPERLINK(\"http://x\",\"y\")", "\t=1"]
CONTROL = ["\x00", "\x07", "\x1b[2J", "\x85", "\u2028", "\x7f", "a\x0bb", "\r\n"]
BIDI = ["\u202eevil", "\u200f", "\u2066x\u2069", "\ufeff", "\u200b"]
SURROGATES = ["\ud800", "a\udcff", "\udfff\ud800"]
NUMERIC_TEXT = ["inf", "-inf", "nan", "NaN", "1e309", "-1e309", "1e308", "9" * 40, "1,000",
                "0x10", "1_000", "", " ", "１２３", "15亿元", "USD 2.1 bn"]
CITIES = ["Songjiang", "Jiaxing", "Hangzhou", "Jinhua", "Huzhou", "Suzhou", "Xuancheng", "Wuhu",
          "Hefei", "松江区", "嘉兴市", "杭州", "Shanghai", "Beijing", "Nowhere", ""]
#: Points inside the corridor (near the seats), and outside it or off the globe.
INSIDE = {"Songjiang": (121.23, 31.03), "Jiaxing": (120.76, 30.75), "Hangzhou": (120.16, 30.27),
          "Jinhua": (119.65, 29.08), "Hefei": (117.23, 31.82)}
OUTSIDE = [(116.4, 39.9), (0.0, 0.0), (-73.9, 40.7), (181.0, 30.0), (120.0, 91.0)]
DATUMS = ["wgs84", "gcj02", "bd09"]


def _huge() -> st.SearchStrategy[str]:
    return st.builds(lambda s, n: s * n, st.sampled_from(["x", "{{", "中", "=\x1b", "<b>"]),
                     st.integers(1_000, 40_000))


TEXT = st.one_of(
    st.sampled_from(HOSTILE + TEMPLATES + HTML + FORMULAS + CONTROL + BIDI + SURROGATES),
    st.text(max_size=16),
    st.lists(st.sampled_from(TEMPLATES + HTML + FORMULAS + CONTROL + BIDI + ["a", "中", " "]),
             min_size=2, max_size=5).map("".join),
    _huge(),
)
NUMBER = st.one_of(
    st.floats(),  # with nan, inf, -0.0, subnormals, 1.8e308
    st.integers(-(2**80), 2**80),
    st.sampled_from(NUMERIC_TEXT),
    st.decimals(allow_nan=False, places=3).map(str),
)


@st.composite
def places(draw) -> tuple[Any, Any, Any]:
    """``(city, lon, lat)`` of one row: mostly a corridor city and a point near its seat."""
    city = draw(st.sampled_from(sorted(INSIDE)))
    dx = draw(st.floats(-0.03, 0.03))
    lon, lat = INSIDE[city][0] + dx, INSIDE[city][1] - dx
    if draw(st.booleans()):
        lon, lat = repr(lon), repr(lat)
    odd = draw(st.integers(0, 19))
    if odd == 7:
        lon, lat = draw(st.sampled_from(OUTSIDE))
    elif odd == 8:
        lon, lat = draw(NUMBER), draw(NUMBER)
    elif odd == 9:
        city = draw(st.sampled_from(CITIES) | TEXT)
    elif odd == 10:
        city, lon, lat = "", "", ""
    return city, lon, lat


CELL = st.one_of(TEXT, NUMBER, st.none())
#: Column names; no lone surrogates: pandas' string index (Arrow) cannot hold them, so no
#: frame can have such a header.
HEADER = st.one_of(
    TEXT.filter(lambda h: len(h) < 200 and not any("\ud800" <= c <= "\udfff" for c in h)),
    st.integers(0, 9),
)


def _mostly(valid: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy:
    """``valid`` about 19 times in 20, else ``other``: most tables load, so outputs are tried.

    (Not 0 nor 19 for ``other``: Hypothesis draws the ends of a range most often.)
    """
    return st.integers(0, 19).flatmap(lambda i: other if i == 7 else valid)


AMOUNT = _mostly(st.one_of(st.integers(1, 10**12), st.floats(1, 1e12)).map(str), NUMBER)
#: A required text cell: mostly not blank.
NAME = _mostly(TEXT.filter(lambda t: t.strip() != ""), TEXT)
CURRENCY = _mostly(st.sampled_from(["CNY", "USD", "cny", "元"]),
                   st.sampled_from(["EUR", ""]) | TEXT)
DATE = _mostly(st.sampled_from(["2021-03", "2020", "2019-12-31", "2022-06", ""]),
               st.sampled_from(["2022-13-40", "0000-00", "9999-12"]) | TEXT)


@st.composite
def frames(draw, kind: str) -> pd.DataFrame | None:
    """A partners or investments DataFrame, or None (the table left out)."""
    if draw(st.integers(0, 9)) == 7:
        return None
    n = draw(_mostly(st.integers(1, 4), st.just(0)))

    def column(strategy: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(strategy, min_size=n, max_size=n))

    columns: dict[Any, list[Any]] = {}
    if kind == "partners":
        columns["name"] = column(NAME)
    else:
        columns["investor"] = column(NAME)
        columns["project"] = column(NAME)
        columns["amount"] = column(AMOUNT)
        columns["currency"] = column(CURRENCY)
        columns["date"] = column(DATE)
    rows = column(places())
    columns["city"] = [r[0] for r in rows]
    if draw(st.booleans()):
        columns["lon"] = [r[1] for r in rows]
        columns["lat"] = [r[2] for r in rows]
    if draw(st.integers(0, 4)) == 0:
        columns["datum"] = column(_mostly(st.sampled_from([*DATUMS, "WGS-84", ""]),
                                          st.just("utm") | TEXT))
    if kind == "partners" and draw(st.booleans()):
        columns["amount"] = column(AMOUNT)
    for header in draw(st.lists(HEADER, max_size=3)):
        columns[header] = column(CELL)
    if draw(st.integers(0, 19)) == 7:
        columns.pop(draw(st.sampled_from(sorted(columns, key=str))))  # a required one, maybe
    return pd.DataFrame(columns, index=pd.RangeIndex(n), dtype=object)


@st.composite
def corridors(draw) -> dict[str, Any]:
    """Arguments of :func:`g60map.load_corridor` with random tables."""
    return {
        "partners": draw(frames("partners")),
        "investments": draw(frames("investments")),
        "datum": draw(st.sampled_from(DATUMS)),
        "outside": draw(st.sampled_from(["warn", "keep", "keep", "error"])),
    }


def load(args: dict[str, Any]) -> g60map.Corridor | None:
    """The corridor of ``args`` (counted as the surface ``load``), or None."""
    if args["partners"] is None and args["investments"] is None:
        args = {**args, "article": False}
    return attempt("load", lambda: g60map.load_corridor(**args), example=args)


LANGS = st.sampled_from(["en", "zh"])
TITLES = st.none() | TEXT


# ---------------------------------------------------------------------- output checks

_DATA_BLOCK = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)


def _data_blocks(page: str) -> list[Any]:
    return [json.loads(block) for block in _DATA_BLOCK.findall(page)]


def _no_raw_markup(page: str) -> None:
    for payload in ("<script>alert(1)", "<img src=x onerror", "</script><!--"):
        assert payload not in page, f"{payload!r} reached the page as markup"


def _check_map(result: tuple[Any, Path, g60map.Corridor]) -> None:
    m, path, corridor = result
    page = path.read_text(encoding="utf-8")
    blocks = _data_blocks(page)
    assert blocks == [json.loads(json.dumps(m.payload))], "the data block is not the payload"
    partners = blocks[0]["partners"]
    if partners and partners.get("rows") and len(partners["rows"]) == len(corridor.partners):
        names = [str(v) for v in corridor.partners["name"]]
        for shown, name in zip([r[2] for r in partners["rows"]], names, strict=True):
            # a long cell is cut (settings.POPUP_CELL_CHARS) and ends with an ellipsis
            cut = shown.endswith("\u2026") and name.startswith(shown[:-1])
            assert shown == name or cut, f"partner name {name!r} shown as {shown!r}"
    _no_raw_markup(page)


def _check_static(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
    elif path.suffix == ".png":
        from PIL import Image

        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    else:
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def _check_report(page: str) -> None:
    assert page.lstrip().lower().startswith("<!doctype html")
    _data_blocks(page)  # every data block is JSON
    _no_raw_markup(page)
    page.encode("utf-8")


def _check_docx(data: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs and document.tables


def _check_pptx(data: bytes) -> None:
    import pptx

    slides = pptx.Presentation(io.BytesIO(data)).slides
    assert len(slides) >= 2


def _check_export(paths: list[Path]) -> None:
    assert paths
    for path in paths:
        suffix = path.suffix
        if suffix == ".gpkg":
            import pyogrio

            for name, _ in pyogrio.list_layers(path):
                pyogrio.read_dataframe(path, layer=name)
        elif suffix == ".geojson":
            data = json.loads(path.read_text(encoding="utf-8"))
            assert data["type"] == "FeatureCollection"
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.read_table(path)
        elif suffix == ".csv":
            pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix == ".xlsx":
            wb = openpyxl.load_workbook(path)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", f"formula cell {ws.title}!{cell.coordinate}"


# --------------------------------------------------------------- tables into every output


@fuzz(30)
@given(corridors(), LANGS, TITLES, st.lists(st.sampled_from(["amount", "lon", "0", "x"]) | TEXT,
                                             max_size=2))
def test_tables_into_the_interactive_map(args, lang, title, metrics):
    corridor = load(args)
    assume(corridor is not None)  # the output is tried on max_examples loaded corridors
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:

        def make():
            m = g60map.build_map(corridor, lang=lang, basemap="none", title=title,
                                 metrics=metrics)
            return m, g60map.save_map(m, Path(tmp) / "map.html"), corridor

        attempt("map", make, _check_map, (args, lang, title, metrics))


@pytest.mark.parametrize(("fmt", "examples"), [("svg", 8), ("png", 4), ("pdf", 4)])
def test_tables_into_the_static_map(fmt, examples):
    @fuzz(examples)
    @given(corridors(), LANGS, TITLES, st.booleans())
    def run(args, lang, title, svg_text):
        corridor = load(args)
        assume(corridor is not None)
        with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:

            def make():
                fig, _ = g60map.render_static(corridor, lang=lang, title=title)
                return g60map.save_static(fig, Path(tmp) / f"map.{fmt}", svg_text=svg_text)

            attempt(f"static {fmt}", make, _check_static, (args, lang, title, svg_text))

    run()


@fuzz(5)
@given(corridors(), LANGS, TITLES)
def test_tables_into_the_html_report(args, lang, title):
    corridor = load(args)
    assume(corridor is not None)  # the output is tried on max_examples loaded corridors
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:

        def make():
            page = g60map.report_html(corridor, lang=lang, title=title)
            g60map.save_report(page, Path(tmp) / "report.html")
            return page

        attempt("report html", make, _check_report, (args, lang, title))


@fuzz(4)
@given(corridors(), LANGS, TITLES)
def test_tables_into_the_word_report(args, lang, title):
    corridor = load(args)
    assume(corridor is not None)
    attempt("report docx", lambda: g60map.report_docx(corridor, lang=lang, title=title),
            _check_docx, (args, lang, title))


@fuzz(4)
@given(corridors(), LANGS, TITLES)
def test_tables_into_the_slides(args, lang, title):
    corridor = load(args)
    assume(corridor is not None)
    attempt("slides pptx", lambda: g60map.slides_pptx(corridor, lang=lang, title=title),
            _check_pptx, (args, lang, title))


@pytest.mark.parametrize(("fmt", "examples"),
                         [("gpkg", 4), ("geojson", 4), ("parquet", 10), ("csv", 10), ("xlsx", 10)])
def test_tables_into_the_exports(fmt, examples):
    @fuzz(examples)
    @given(corridors())
    def run(args):
        corridor = load(args)
        assume(corridor is not None)
        with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:
            attempt(f"export {fmt}", lambda: g60map.export_layers(corridor, tmp, fmt=fmt),
                    _check_export, args)

    run()


# ------------------------------------------------------------------ bytes into every reader

FORMATS = [".csv", ".xlsx", ".parquet", ".geoparquet"]
#: Extensions a file is given: its own, another format's, and ones no reader takes.
EXTENSIONS = [".csv", ".xlsx", ".parquet", ".xls", ".txt", ""]


def _valid_bytes(fmt: str, kind: str) -> bytes:
    """A small valid table of ``kind`` in format ``fmt``."""
    if kind == "partners":
        header = ["name", "city", "lon", "lat"]
        rows = [["Acme", "Jiaxing", "120.76", "30.75"], ["Beta", "杭州", "", ""]]
    else:
        header = ["investor", "project", "city", "amount", "currency", "date"]
        rows = [["Tencent", "Base", "Songjiang", "15000000000", "CNY", "2020-03"]]
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:
        path = Path(tmp) / f"t{fmt}"
        if fmt == ".geoparquet":
            frame = pd.DataFrame(rows, columns=header).drop(columns=["lon", "lat"],
                                                            errors="ignore")
            frame["city"] = "Jiaxing" if kind == "partners" else "Songjiang"
            seat = INSIDE[frame["city"][0]]
            points = shapely.points(np.full(len(frame), seat[0]), np.full(len(frame), seat[1]))
            gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326").to_parquet(path)
        else:
            _write(path, header, rows)
        return path.read_bytes()


VALID = {(fmt, kind): _valid_bytes(fmt, kind) for fmt in FORMATS
         for kind in ("partners", "investments")}


def _check_table(frame: gpd.GeoDataFrame) -> None:
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326


def _read_all(path: Path, kind: str, example: Any) -> None:
    """Every reader on ``path``: the raw reader, the loader and the whole corridor."""
    attempt("read_table", lambda: read_table(path), None, example)
    loader = g60map.load_partners if kind == "partners" else g60map.load_investments
    attempt(f"load_{kind}", lambda: loader(path), _check_table, example)


@fuzz(40)
@given(st.sampled_from(EXTENSIONS), st.binary(max_size=2000), st.sampled_from(["partners",
                                                                             "investments"]))
def test_random_bytes_into_the_readers(suffix, data, kind):
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:
        path = Path(tmp) / f"random{suffix}"
        path.write_bytes(data)
        _read_all(path, kind, (suffix, data[:200]))


@fuzz(50)
@given(st.data())
def test_damaged_files_into_the_readers(data):
    fmt, kind = data.draw(st.sampled_from(sorted(VALID)))
    right = ".parquet" if fmt == ".geoparquet" else fmt
    suffix = data.draw(st.sampled_from([right, right, *EXTENSIONS]))
    damaged = data.draw(st.just(VALID[fmt, kind]) | _mutations(VALID[fmt, kind]))
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:
        path = Path(tmp) / f"damaged{suffix}"
        path.write_bytes(damaged)
        _read_all(path, kind, (fmt, suffix, len(damaged)))


def test_valid_files_are_read():
    """The properties above must not pass by refusing everything."""
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:
        for (fmt, kind), data in VALID.items():
            path = Path(tmp) / f"{kind}{'.parquet' if fmt == '.geoparquet' else fmt}"
            path.write_bytes(data)
            loader = g60map.load_partners if kind == "partners" else g60map.load_investments
            frame = loader(path)
            assert len(frame) == (2 if kind == "partners" else 1), (fmt, kind)


# --------------------------------------------------------------------- command-line text

#: Text for one argument: anything argv can hold, including undecodable bytes.
ARG = st.one_of(
    TEXT.filter(lambda s: "\x00" not in s and len(s) < 2000),
    st.binary(min_size=1, max_size=20).filter(lambda b: b"\x00" not in b).map(os.fsdecode),
    st.sampled_from(["-", "--", "-q", "--help", "-x", "--title", "名单", "Sheet1"]),
)
FILE_NAME = st.one_of(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
            min_size=1, max_size=40),
    st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b)
    .map(os.fsdecode),
    st.sampled_from(["-", "--out", ".", "..", " ", "-q.csv", "a.xlsx", "a.parquet", "a"]),
).filter(lambda s: s not in (".", "..") and len(os.fsencode(s)) < 200)

PARTNERS_CSV = b"name,city,lon,lat,staff\nAcme,Jiaxing,120.76,30.75,12\nBeta,Hangzhou,,,3\n"


@st.composite
def command_lines(draw, folder: Path) -> list[str]:
    """A g60map command line with random titles, sheets, metrics and file names."""
    command = draw(st.sampled_from(["build", "build", "validate", "validate", "export",
                                    "render", "report", "slides"]))
    name = draw(FILE_NAME)
    table = folder / name
    with contextlib.suppress(OSError):
        table.write_bytes(PARTNERS_CSV)
    out = folder / draw(FILE_NAME)
    argv = ["-q", command]
    if command == "validate":
        argv.append(str(table))
    else:
        argv += ["--partners", str(table), "--out", str(out)]
    if command != "validate" or draw(st.booleans()):
        if draw(st.booleans()):
            argv += ["--sheet", draw(ARG)]
    if command in ("render", "report", "slides"):
        argv += ["--title", draw(ARG)]
    if command == "build":
        argv += ["--basemap", "none"]
        for _ in range(draw(st.integers(0, 2))):
            argv += ["--metric", draw(st.sampled_from(["staff", "partners.staff"]) | ARG)]
    if command == "render":
        argv += ["--format", "svg"]
    if command == "export":
        argv += ["--format", draw(st.sampled_from(["csv", "xlsx", "geojson"]))]
    if draw(st.integers(0, 4)) == 0:
        argv.insert(draw(st.integers(1, len(argv))), draw(ARG))  # a stray argument
    return argv


def _run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def _check_exit(result: tuple[int, str]) -> None:
    code, err = result
    assert code in (0, 1, 2), f"exit {code}: {err[-600:]}"
    if code == 1:
        assert err.startswith("error:"), err[-600:]


@fuzz(30)
@given(st.data())
def test_command_line_text(data):
    with tempfile.TemporaryDirectory(prefix="h-fuzz-") as tmp:
        argv = data.draw(command_lines(Path(tmp)))
        attempt("cli", lambda: _run_cli(argv), _check_exit, argv)


def test_harness_counts_a_crash_and_a_hang(monkeypatch):
    """The harness itself: an unexpected exception and a hang are caught and counted."""
    monkeypatch.setattr(f"{__name__}.COUNTS", "counting")
    before = Counter(TALLY["self test"])
    assert attempt("self test", lambda: 1 / 0) is None
    monkeypatch.setattr(f"{__name__}.TIMEOUT", 0.2)
    assert attempt("self test", lambda: [math.factorial(10) for _ in iter(int, 1)]) is None
    assert attempt("self test", lambda: 3, lambda r: None) == 3
    after = TALLY.pop("self test") - before
    for key in [k for k in SAMPLES if k.startswith("self test")]:
        del SAMPLES[key]
    assert after == Counter(tried=3, crashes=1, hangs=1, correct=1)
