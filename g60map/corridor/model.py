"""The corridor, built once: every layer, table and figure the outputs draw from.

:func:`load_corridor` reads (or takes) the partner and investment tables, validates and joins
them, and computes everything that depends on them exactly once: city seats, boundaries of
each level, spokes, the schematic trunk, the per-city summary (partners counted per city
here and nowhere else) and the corridor-wide overview. The result is a :class:`Corridor`;
every output takes one::

    corridor = g60map.load_corridor("partners.xlsx")
    m = g60map.build_map(corridor, lang="zh")          # folium.Map
    fig, ax = g60map.render_static(corridor)            # matplotlib figure
    page = g60map.report_html(corridor)                 # str
    g60map.export_layers(corridor, "out", fmt="gpkg")   # files

**Packaged article data only when asked.** With no tables at all the corridor carries the
partners and investment named in the source article (``tencent-g60-article.txt``). Once a
user passes one table, the other is *not* filled with article data unless ``article=True``;
:attr:`Corridor.packaged` says which tables came from the article and the outputs' sources
line says so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import geopandas as gpd
import pandas as pd

from .. import settings
from .._errors import G60InputError
from .._frames import as_wgs84
from .._safetext import safe_text
from ..reference.boundaries import Resolution
from ..reference.cities import load_cities
from ._levels import boundary_levels as _boundary_levels
from .axis import corridor_spokes, g60_trunk
from .flows import investment_flows
from .summary import corridor_overview, corridor_summary, district_summary

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..ingest.tables import Outside

__all__ = [
    "ARTICLE_FILE",
    "Corridor",
    "InputFile",
    "TableInput",
    "as_corridor",
    "load_corridor",
    "resolve_tables",
]

#: The source article the packaged partners and investment come from.
ARTICLE_FILE = "tencent-g60-article.txt"

#: What a table argument may be: a path, a DataFrame or a GeoDataFrame (or None).
TableInput: TypeAlias = str | os.PathLike[str] | pd.DataFrame | None

Kind = Literal["partners", "investments"]

_KINDS: tuple[Kind, ...] = ("partners", "investments")
#: Distinct values of a table's ``source`` column listed in :attr:`Corridor.sources`.
_MAX_SOURCES = 50


@dataclass(frozen=True)
class InputFile:
    """One input of a corridor: what it is, where it came from, its checksum.

    Attributes
    ----------
    label : str
        What the input is (``"partners"``, ``"City seats (packaged)"``...).
    name : str
        File name (no folder), or a description of an in-memory table.
    rows : int or None
        Rows of a table; None for packaged reference data.
    sha256 : str
        SHA-256 of the file, or of the table's CSV dump for an in-memory table.
    """

    label: str
    name: str
    rows: int | None
    sha256: str


@dataclass(frozen=True, eq=False)
class Corridor:
    """The G60 corridor with its partners and investments, computed once.

    Build it with :func:`load_corridor`. Every frame is EPSG:4326 (WGS-84) with a fresh
    RangeIndex; treat them as read-only (outputs share them).

    Attributes
    ----------
    cities : geopandas.GeoDataFrame
        The nine city seats, hub first (:func:`g60map.load_cities`).
    boundaries : Mapping of str to geopandas.GeoDataFrame
        Boundaries per level: ``"province"``, ``"city"`` (and ``"district"`` when the
        packaged data has it), at :attr:`resolution`.
    spokes : geopandas.GeoDataFrame
        Geodesic lines from Songjiang to the eight members (:func:`g60map.corridor_spokes`).
    trunk : geopandas.GeoDataFrame
        The schematic G60 expressway line (:func:`g60map.g60_trunk`); empty if it cannot
        be drawn.
    partners, investments : geopandas.GeoDataFrame
        Validated and joined tables (possibly empty).
    flows : geopandas.GeoDataFrame
        Geodesic lines from each investment's origin to its point, when the investments
        say where the money comes from (:func:`g60map.corridor.flows.investment_flows`); else empty.
    summary : geopandas.GeoDataFrame
        One row per corridor city (:func:`g60map.corridor_summary`): partners counted per
        city, investment totals, distances, areas.
    district_summary : geopandas.GeoDataFrame
        One row per district (区县) of the nine cities: partners, investments, CNY
        (:func:`g60map.corridor.summary.district_summary`); empty without district boundaries.
    overview : dict
        Corridor-wide figures (:func:`g60map.corridor_overview`).
    sources : tuple of str
        Where the partners and investments come from, one line each (article or file).
    packaged : frozenset of str
        Which of ``"partners"``, ``"investments"`` are the packaged article data.
    inputs : tuple of InputFile
        Every input with its checksum (tables first, then packaged reference data).
    resolution : {"simplified", "full"}
        Boundary resolution.
    """

    cities: gpd.GeoDataFrame
    boundaries: Mapping[str, gpd.GeoDataFrame]
    spokes: gpd.GeoDataFrame
    trunk: gpd.GeoDataFrame
    partners: gpd.GeoDataFrame
    investments: gpd.GeoDataFrame
    flows: gpd.GeoDataFrame
    summary: gpd.GeoDataFrame
    overview: dict[str, Any]
    sources: tuple[str, ...]
    packaged: frozenset[str]
    inputs: tuple[InputFile, ...] = field(default=())
    resolution: Resolution = "simplified"
    #: Computes :attr:`district_summary` the first time it is read.
    district_summary_of: Callable[[], gpd.GeoDataFrame] | None = field(
        default=None, repr=False)

    @functools.cached_property
    def district_summary(self) -> gpd.GeoDataFrame:
        """One row per district (区县) of the nine cities, computed when first read."""
        if self.district_summary_of is None:
            return gpd.GeoDataFrame(geometry=[], crs=settings.WGS84)
        return self.district_summary_of()

    @property
    def partners_per_city(self) -> pd.Series:
        """Partners per corridor city (``code`` index, hub first), from :attr:`summary`."""
        return self.summary.set_index("code")["partners"]

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the layers :func:`g60map.export_layers` writes, keyed by layer name.

        Returns
        -------
        dict of str to geopandas.GeoDataFrame
            ``cities``, ``city_boundaries``, ``provinces``, (``districts`` when present),
            ``spokes``, ``partners``, ``investments``, ``flows``, (``district_summary``),
            ``summary``; each EPSG:4326.

        Examples
        --------
        >>> layers = load_corridor().layers()
        >>> list(layers)[:3], len(layers["spokes"])
        (['cities', 'city_boundaries', 'provinces'], 8)
        """
        out = {
            "cities": self.cities,
            "city_boundaries": self.boundaries["city"],
            "provinces": self.boundaries["province"],
        }
        if "district" in self.boundaries:
            out["districts"] = self.boundaries["district"]
        out.update(
            spokes=self.spokes,
            partners=self.partners,
            investments=self.investments,
            flows=self.flows,
        )
        if len(self.district_summary):
            out["district_summary"] = self.district_summary
        out["summary"] = self.summary
        return out

    def __repr__(self) -> str:
        ov = self.overview
        made = ", ".join(sorted(self.packaged)) or "none"
        return (
            f"<Corridor: {ov['n_cities']} cities, {len(self.partners)} partners, "
            f"{len(self.investments)} investments ({ov['invest_cny']:,.0f} CNY); "
            f"article data: {made}; boundaries {self.resolution}>"
        )


# --------------------------------------------------------------------------------------
# building


#: The options of :func:`_load_table` (outside, datum, on_bad_rows; no exclude_status) with
#: which the packaged tables are read as shipped (:mod:`g60map.reference.packaged`).
_PACKAGED_OPTIONS = ("warn", "wgs84", "error")
#: Whether the packaged frames are read as shipped (False: computed, to rebuild them).
_READ_SHIPPED = True


@contextlib.contextmanager
def _computing() -> Iterator[None]:
    """Compute the packaged frames in the block instead of reading them as shipped.

    For ``scripts/build_packaged.py`` and the tests that compare both; not thread-safe.
    """
    global _READ_SHIPPED
    before, _READ_SHIPPED = _READ_SHIPPED, False
    try:
        yield
    finally:
        _READ_SHIPPED = before


def _shipped(outside: str, datum: str, exclude_status: object, on_bad_rows: str) -> bool:
    """Whether packaged data loaded with these options may be read as shipped."""
    return (_READ_SHIPPED and (outside, datum, on_bad_rows) == _PACKAGED_OPTIONS
            and not exclude_status)


def _wgs84(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    return as_wgs84(gdf, what, fresh_index=True)


def _load_table(
    kind: Kind, value: TableInput, outside: Outside, datum: str,
    exclude_status: str | Sequence[str] = (), on_bad_rows: str = "error",
) -> gpd.GeoDataFrame:
    if value is None and _shipped(outside, datum, exclude_status, on_bad_rows):
        # the packaged table with the default options: shipped already loaded and joined
        from ..reference.packaged import packaged_table

        shipped = packaged_table(kind)
        if shipped is not None:
            return _wgs84(shipped, kind)
    from ..ingest.tables import is_loaded, load_investments, load_partners

    loader = load_partners if kind == "partners" else load_investments
    if isinstance(value, gpd.GeoDataFrame) and is_loaded(value):
        return _wgs84(value, kind)  # already loaded: validated and joined once
    return _wgs84(loader(value, outside=outside, datum=datum, exclude_status=exclude_status,
                         on_bad_rows=on_bad_rows), kind)  # type: ignore[arg-type]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_input(label: str, frame: pd.DataFrame, packaged: bool) -> InputFile:
    """Describe a table: the file's checksum when it still exists, else of its CSV dump."""
    file = frame.attrs.get("file")
    if packaged:
        from ..reference.datasets import get_path

        path = get_path(label)
        return InputFile(label, f"{path.name} (packaged, from {ARTICLE_FILE})", len(frame),
                         _sha256_file(path))
    if file and os.path.isfile(str(file)):
        path = Path(str(file))
        return InputFile(label, safe_text(path.name),
                         int(frame.attrs.get("rows_total", len(frame))), _sha256_file(path))
    dump = pd.DataFrame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
    return InputFile(label, "in-memory table (checksum of its CSV dump)",
                     int(frame.attrs.get("rows_total", len(frame))),
                     hashlib.sha256(dump).hexdigest())


def _reference_inputs(levels: list[str]) -> list[InputFile]:
    from ..reference.datasets import get_path

    out = []
    names = [
        ("cities", "City seats (packaged)"),
        ("admin_units", "Administrative units (packaged)"),
    ]
    names += [(f"boundaries_{lv}", f"{lv.title()} boundaries (packaged)") for lv in levels]
    for name, label in names:
        try:
            path = get_path(name)
        except (KeyError, FileNotFoundError, ValueError):
            continue
        out.append(InputFile(label, path.name, None, _sha256_file(path)))
    return out


def _sources(tables: dict[str, gpd.GeoDataFrame], packaged: frozenset[str]) -> tuple[str, ...]:
    lines = []
    for kind, frame in tables.items():
        if kind in packaged:
            lines.append(f"{kind}: the source article ({ARTICLE_FILE}), packaged")
            continue
        if not len(frame):
            lines.append(f"{kind}: none")
            continue
        file = frame.attrs.get("file")
        name = Path(str(file)).name if file else "a table passed in memory"
        extra = []
        if "source" in frame:
            for value in pd.unique(frame["source"].astype(str)):
                value = " ".join(value.split())
                if value and value.lower() != "nan" and value not in extra:
                    extra.append(value)
        more = len(extra) - _MAX_SOURCES
        listed = "; ".join(extra[:_MAX_SOURCES]) + (f"; and {more} more" if more > 0 else "")
        tail = f" (source column: {listed})" if extra else ""
        fx = f"; {frame.attrs['fx_rates']}" if frame.attrs.get("fx_rates") else ""
        skipped = int(frame.attrs.get("skipped_rows", 0) or 0)
        if skipped:
            tail += f" ({skipped:,} bad row(s) skipped)"
        lines.append(safe_text(f"{kind}: {name}{tail}{fx}"))
    return tuple(lines)


def resolve_tables(
    partners: TableInput = None,
    investments: TableInput = None,
    *,
    article: bool | None = None,
    outside: Outside = "warn",
    datum: str = "wgs84",
    exclude_status: str | Sequence[str] = (),
    on_bad_rows: Literal["error", "skip"] = "error",
) -> tuple[dict[str, gpd.GeoDataFrame], frozenset[str]]:
    """Turn table arguments into loaded tables: the one place None becomes article data.

    Parameters
    ----------
    partners, investments, article, outside, datum, exclude_status, on_bad_rows
        As for :func:`load_corridor`.

    Returns
    -------
    tables : dict
        ``{"partners": GeoDataFrame, "investments": GeoDataFrame}``, EPSG:4326.
    packaged : frozenset of str
        The names of the tables that are the packaged article data.

    Examples
    --------
    >>> tables, packaged = resolve_tables()
    >>> len(tables["partners"]), sorted(packaged)
    (6, ['investments', 'partners'])
    """
    if article not in (None, True, False):
        raise ValueError(f"article must be None, True or False, not {article!r}")
    given = {"partners": partners, "investments": investments}
    use_article = all(v is None for v in given.values()) if article is None else bool(article)
    packaged = frozenset(k for k, v in given.items() if v is None and use_article)
    tables: dict[str, gpd.GeoDataFrame] = {}
    for kind in _KINDS:
        value = given[kind]
        frame = _load_table(kind, value, outside, datum, exclude_status, on_bad_rows)
        if value is None and kind not in packaged:
            attrs = {k: v for k, v in frame.attrs.items() if k != "file"}
            frame = frame.iloc[0:0].copy()
            frame.attrs = attrs
        tables[kind] = frame
    return tables, packaged


def _district_summary(
    tables: dict[str, gpd.GeoDataFrame], boundaries: Mapping[str, gpd.GeoDataFrame]
) -> gpd.GeoDataFrame:
    return district_summary(tables["partners"], tables["investments"], boundaries["district"])


def load_corridor(
    partners: TableInput = None,
    investments: TableInput = None,
    *,
    article: bool | None = None,
    outside: Outside = "warn",
    datum: str = "wgs84",
    resolution: Literal["simplified", "full"] = "simplified",
    exclude_status: str | Sequence[str] = (),
    on_bad_rows: Literal["error", "skip"] = "error",
    engine: Literal["pandas", "dask"] = "pandas",
    scheduler: str | None = None,
    progress: bool = False,
) -> Corridor:
    """Build the :class:`Corridor` from the tables, once, for every output to draw from.

    Parameters
    ----------
    partners, investments : path-like, pandas.DataFrame or geopandas.GeoDataFrame, optional
        Tables as :func:`g60map.load_partners` / :func:`g60map.load_investments` take them
        (a frame those functions returned is used as it is). None: see ``article``.
    article : bool, optional
        Whether a table left as None is the packaged article data. Default (None): only
        when *both* tables are None; once you pass one table the other is empty. True:
        every table left as None is the article's; False: never (empty tables).
    outside : {"warn", "error", "keep"}, default "warn"
        Rows outside the nine corridor cities (passed to the loaders).
    datum : {"wgs84", "gcj02", "bd09"}, default "wgs84"
        Datum of the tables' ``lon``/``lat`` (passed to the loaders).
    resolution : {"simplified", "full"}, default "simplified"
        Boundary resolution; maps draw the simplified coverage.
    exclude_status : str or sequence of str, optional
        Registration statuses whose rows are left out (``("注销", "吊销")``; passed to
        the loaders).
    on_bad_rows : {"error", "skip"}, default "error"
        Rows with a problem: raised together, or left out and listed in a warning
        (passed to the loaders); :attr:`Corridor.sources` counts the rows skipped.
    engine : {"pandas", "dask"}, default "pandas"
        ``"dask"``: tables given as paths (CSV, CSV globs, Parquet files and datasets)
        are loaded on a dask.distributed cluster (:mod:`g60map.ingest.distributed`):
        the summaries count every row, the tables hold at most
        :data:`g60map.settings.DASK_SAMPLE_POINTS` of them (``attrs["rows_total"]``
        counts all).
    scheduler : str, optional
        Dask engine: address of a running scheduler (``tcp://host:8786``); default
        :data:`g60map.settings.DASK_SCHEDULER`, else a local cluster.
    progress : bool, default False
        Dask engine: rows done, rate and time left on stderr.

    Returns
    -------
    Corridor

    Raises
    ------
    G60InputError
        With every problem of a table (file, row, column and how to fix).

    Examples
    --------
    >>> c = load_corridor()
    >>> sorted(c.packaged), int(c.partners_per_city["310117"])
    (['investments', 'partners'], 6)
    >>> mine = load_corridor(c.partners)  # one table given: no article investments
    >>> sorted(mine.packaged), len(mine.investments)
    ([], 0)
    """
    if engine not in ("pandas", "dask"):
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    figures: dict[str, Any] = {}
    if engine == "dask":  # paths loaded on the cluster; the summaries count every row
        from ._partitioned import load_dask_tables

        given, figures = load_dask_tables(
            {"partners": partners, "investments": investments}, outside=outside,
            datum=datum, exclude_status=exclude_status, on_bad_rows=on_bad_rows,
            resolution=resolution, scheduler=scheduler, progress=progress)
        partners, investments = given["partners"], given["investments"]
    tables, packaged = resolve_tables(
        partners, investments, article=article, outside=outside, datum=datum,
        exclude_status=exclude_status,
        on_bad_rows=on_bad_rows,
    )
    cities = _wgs84(load_cities(), "cities")
    boundaries = _boundary_levels(resolution)
    shipped = None
    if packaged == frozenset(_KINDS) and resolution == "simplified" and \
            _shipped(outside, datum, exclude_status, on_bad_rows):
        from ..reference.packaged import packaged_corridor

        shipped = packaged_corridor()  # the default corridor's figures, computed at build time
    if shipped is not None:
        summary, overview = shipped["summary"], shipped["overview"]
        spokes, trunk = shipped["spokes"], shipped["trunk"]
    else:
        summary = corridor_summary(
            tables["partners"], tables["investments"], boundaries["city"], cities=cities
        )
    district_of = (functools.partial(_district_summary, tables, boundaries)
                   if "district" in boundaries else None)
    if any(figures.values()):
        from ._partitioned import with_city_figures, with_district_figures

        summary = with_city_figures(summary, figures["partners"], figures["investments"])
        if district_of is not None:
            district_of = functools.partial(with_district_figures, district_of,
                                            figures["partners"], figures["investments"])
    if shipped is None:
        overview = corridor_overview(summary=summary, cities=cities)
        spokes = corridor_spokes(cities)
        try:
            trunk = g60_trunk(cities)
        except G60InputError:
            trunk = gpd.GeoDataFrame(geometry=[], crs=settings.WGS84)
    inputs = [
        _table_input(kind, tables[kind], kind in packaged) for kind in _KINDS
    ] + _reference_inputs(list(boundaries))
    return Corridor(
        cities=cities,
        boundaries=MappingProxyType(boundaries),
        spokes=spokes,
        trunk=trunk,
        partners=tables["partners"],
        investments=tables["investments"],
        flows=investment_flows(tables["investments"], cities, boundaries["city"]),
        summary=summary,
        district_summary_of=district_of,
        overview=overview,
        sources=_sources(tables, packaged),
        packaged=packaged,
        inputs=tuple(inputs),
        resolution=resolution,
    )


def as_corridor(corridor: Corridor | TableInput) -> Corridor:
    """Return ``corridor`` as a :class:`Corridor`: what every output does with its first argument.

    :func:`g60map.build_map`, :func:`g60map.render_static`, :func:`g60map.report_html`,
    :func:`g60map.export_layers` and the slides and Word report take a Corridor. As a
    convenience for notebooks they also take a partners table (a path, a DataFrame or a
    GeoDataFrame): it goes through :func:`load_corridor` like any table, so counts are never
    silently zero; None gives the article's data.

    Parameters
    ----------
    corridor : Corridor, path-like, pandas.DataFrame, geopandas.GeoDataFrame or None

    Returns
    -------
    Corridor

    Raises
    ------
    TypeError
        If ``corridor`` is none of these.
    G60InputError
        If a table given has problems.

    Examples
    --------
    >>> as_corridor(None).packaged == frozenset({"partners", "investments"})
    True
    """
    if corridor is None:
        return load_corridor()
    if isinstance(corridor, Corridor):
        return corridor
    if isinstance(corridor, str | os.PathLike | pd.DataFrame):
        return load_corridor(corridor)
    raise TypeError(
        f"expected a Corridor (or a partners table), got {type(corridor).__name__}: build one "
        "from your tables with g60map.load_corridor(partners, investments)"
    )
