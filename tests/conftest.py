from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
# caches (PDF font subsets) go to a folder of this run, never to the user's ~/.cache
_CACHE_DIR = os.environ["G60MAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="g60map-test-cache-")


def pytest_sessionfinish(session, exitstatus):
    """Close the session's Chromium (tests/_browser.py), if a test opened it."""
    browser = sys.modules.get("tests._browser")
    if browser is not None:
        browser.close_browser()
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


@pytest.fixture
def write_csv(tmp_path):
    """Write ``text`` to a CSV in ``tmp_path`` with the given encoding; return its path."""

    def _write(text: str, name: str = "table.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return _write


# ---------------------------------------------------------------- synthetic data
# One family of fixtures over g60map.reference.synthetic: each is a factory taking that module's
# arguments. Results are made once per session and handed out as copies (mutate freely).


def _key(value):
    if isinstance(value, dict):
        return tuple(value.items())
    return value


def _memoized(make):
    cache = {}

    @functools.wraps(make)
    def factory(*args, **kwargs):
        key = (tuple(map(_key, args)), tuple(sorted((k, _key(v)) for k, v in kwargs.items())))
        if key not in cache:
            cache[key] = make(*args, **kwargs)
        return cache[key].copy()

    return factory


@pytest.fixture(scope="session")
def synthetic_partners():
    """``synthetic_partners(n, seed=60, **kw)``: ``make_partners``."""
    from g60map.reference.synthetic import make_partners

    return _memoized(make_partners)


@pytest.fixture(scope="session")
def synthetic_partner_points():
    """``synthetic_partner_points(n, seed=60, **kw)``: partners with a point each.

    :func:`g60map.reference.synthetic.as_points` of ``make_partners(..., city_only=0)``: a
    GeoDataFrame with ``city_code``, as the maps and summaries take it.
    """
    from g60map.reference.synthetic import as_points, make_partners

    return _memoized(lambda *args, **kw: as_points(make_partners(*args, city_only=0, **kw)))


@pytest.fixture(scope="session")
def synthetic_investments():
    """``synthetic_investments(n, seed=60, **kw)``: ``make_investments`` (synthetic tables)."""
    from g60map.reference.synthetic import make_investments

    return _memoized(make_investments)


@pytest.fixture(scope="session")
def synthetic_registry():
    """``synthetic_registry(n, seed=60, expected=False)``: a Chinese registry export."""
    from g60map.reference.synthetic import make_registry

    return _memoized(make_registry)


@pytest.fixture(scope="session")
def synthetic_partner_files(tmp_path_factory):
    """``synthetic_partner_files(n, row_group_size=100_000)``: (CSV, GeoParquet) paths.

    :func:`g60map.reference.synthetic.write_partners`, written once per session and arguments into
    a folder of their own; treat the files as read-only.
    """
    from g60map.reference.synthetic import write_partners

    written = {}

    def factory(n, *, seed=60, row_group_size=100_000):
        key = (n, seed, row_group_size)
        if key not in written:
            out = tmp_path_factory.mktemp(f"partners_{n}_{seed}_{row_group_size}")
            written[key] = write_partners(n, out, seed=seed, row_group_size=row_group_size)
        return written[key]

    return factory
