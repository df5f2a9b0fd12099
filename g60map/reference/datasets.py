"""Where the packaged data lives.

The curated tables and the boundaries (every level, simplified and full resolution) ship
inside the wheel as the ``g60map.geodata`` package (the repository's top-level
``geodata/`` folder); ``geodata/README.md`` gives their sources and processing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["available", "get_path"]

#: Every dataset this package ships, by name.
available: dict[str, str] = {
    "cities": "cities.csv",
    "admin_units": "admin_units.csv",
    "admin_districts": "admin_districts.csv",
    "successors": "admin_successors.csv",
    "traditional_simplified": "traditional_simplified.csv",
    "city_names_en": "city_names_en.csv",
    "partners": "partners.csv",
    "investments": "investments.csv",
    "boundaries_province": "boundaries_province.parquet",
    "boundaries_province_full": "boundaries_province_full.parquet",
    "boundaries_city": "boundaries_city.parquet",
    "boundaries_city_full": "boundaries_city_full.parquet",
    "boundaries_district": "boundaries_district.parquet",
    "boundaries_district_full": "boundaries_district_full.parquet",
    "provenance": "README.md",
    "packaged_partners": "packaged_partners.parquet",
    "packaged_investments": "packaged_investments.parquet",
    "packaged_summary": "packaged_summary.parquet",
    "packaged_spokes": "packaged_spokes.parquet",
    "packaged_trunk": "packaged_trunk.parquet",
    "packaged_tables": "packaged_tables.json",
}


def get_path(name: str) -> Path:
    """Return the path of a packaged dataset.

    Parameters
    ----------
    name : str
        One of :data:`available`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If ``name`` is not a known dataset; the message lists the valid names.

    Examples
    --------
    >>> get_path("cities").name
    'cities.csv'
    """
    try:
        filename = available[name]
    except KeyError:
        raise ValueError(
            f"unknown dataset {name!r}; choose one of: {', '.join(sorted(available))}"
        ) from None
    return Path(str(resources.files("g60map.geodata").joinpath(filename)))
